"""``flask users create`` and ``flask users token``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from outreach.accounts import services
from outreach.accounts.models import ROLES
from outreach.errors import OutreachError
from outreach.extensions import db
from outreach.text import clean_text

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
# A keeper is tied to a place: ``flask outposts keeper`` opens their account.
@click.option("--role", type=click.Choice([role for role in ROLES if role != "keeper"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="The person's name as shown in the application.")
@click.option("--branch", default=None, metavar="NAME_OR_ID",
              help="A staff account's branch (its id, Chinese or English name): it changes only that branch's records.")
def create(email: str, role: str, password: str, name: str | None, branch: str | None) -> None:
    """Create an account with this e-mail address."""
    branch_id = None
    if branch is not None:
        if role != "staff":
            raise click.ClickException("Only a staff account belongs to a branch (--branch).")
        found = services.find_branch_ref(clean_text(branch))
        if found is None or not found.active:
            raise click.ClickException(f"No active branch has the id or name {branch}.")
        branch_id = found.id
    try:  # the command line is a door like any other: its text is cleaned by the one rule
        user = services.create_user(clean_text(email), role=role, password=password, name=clean_text(name))
        if branch_id is not None:
            services.set_branch(user, branch_id, actor=None)
    except OutreachError as error:
        db.session.rollback()
        with force_locale("en"):  # the command line speaks English, like the rest of its output
            detail = "; ".join(f"{k}: {v}" for k, v in (error.fields or {}).items()) or str(error.message)
        raise click.ClickException(detail) from None
    db.session.commit()
    where = f", branch {user.branch_id}" if user.branch_id else ""
    click.echo(f"Created {user.role} {user.email} (id {user.id}{where}).")


@users_cli.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Print a new API token for this account (the last line of the output)."""
    user = services.find_user_by_email(clean_text(email))
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    value = services.issue_token(user)
    db.session.commit()
    click.echo(f"A new API token for {user.email}; keep it secret, it is shown only once:")
    click.echo(value)


def _user_or_fail(email: str):
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the e-mail address {email}.")
    return user


@users_cli.command("tokens")
@click.argument("email")
def tokens(email: str) -> None:
    """List the API tokens of this account (their first characters only)."""
    user = _user_or_fail(email)
    rows = services.tokens_of(user)
    if not rows:
        click.echo(f"{user.email} has no API token.")
    for row in rows:
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M} UTC" if row.revoked_at else "active"
        used = f"last used {row.last_used_at:%Y-%m-%d %H:%M} UTC" if row.last_used_at else "never used"
        click.echo(f"{row.id}\t{row.prefix}…\tmade {row.created_at:%Y-%m-%d %H:%M} UTC\t{used}\t{state}")


@users_cli.command("revoke-tokens")
@click.argument("email")
@click.option("--id", "token_id", type=int, default=None, help="Revoke only this token (its id from `users tokens`).")
def revoke_tokens(email: str, token_id: int | None) -> None:
    """Revoke this account's API tokens: all of them, or the one given by --id."""
    user = _user_or_fail(email)
    if token_id is None:
        count = services.revoke_all_tokens(user, actor=None)
    else:
        try:
            token = services.token_of(user, token_id)
        except OutreachError:
            raise click.ClickException(f"{user.email} has no API token with id {token_id}.") from None
        count = 0
        if token.revoked_at is None:
            services.revoke_token(token, actor=None)
            count = 1
    db.session.commit()
    click.echo(f"Revoked {count} API token(s) of {user.email}.")


@users_cli.command("sign-out")
@click.argument("email")
def sign_out(email: str) -> None:
    """End every session of this account, on every device."""
    user = _user_or_fail(email)
    services.end_sessions(user, actor=None)
    db.session.commit()
    click.echo(f"Every session of {user.email} has ended.")

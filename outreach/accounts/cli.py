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
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="The person's name as shown in the application.")
def create(email: str, role: str, password: str, name: str | None) -> None:
    """Create an account with this e-mail address."""
    try:  # the command line is a door like any other: its text is cleaned by the one rule
        user = services.create_user(clean_text(email), role=role, password=password, name=clean_text(name))
    except OutreachError as error:
        db.session.rollback()
        with force_locale("en"):  # the command line speaks English, like the rest of its output
            detail = "; ".join(f"{k}: {v}" for k, v in (error.fields or {}).items()) or str(error.message)
        raise click.ClickException(detail) from None
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


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

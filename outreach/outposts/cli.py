"""``flask outposts keeper``: open the account of a village reading room's or the book bus's keeper."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import or_, select

from outreach.errors import OutreachError
from outreach.extensions import db
from outreach.outposts import services
from outreach.places.models import Branch
from outreach.text import clean_text

outposts_cli = AppGroup("outposts", help="Village reading rooms and the book bus.")


@outposts_cli.command("keeper")
@click.argument("email")
@click.option("--place", required=True, help="The place's name (Chinese or English) or id.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", required=True, help="The keeper's name as shown in the application.")
def keeper(email: str, place: str, password: str, name: str) -> None:
    """Open a keeper's account for one place."""
    place = clean_text(place)
    branch = db.session.scalar(select(Branch).where(or_(
        Branch.name == place, Branch.name_en == place, Branch.id == (int(place) if place.isdigit() else -1),
    )))
    try:
        user = services.open_keeper_account(email=clean_text(email), name=clean_text(name), password=password,
                                            branch=branch, actor=None)
    except OutreachError as error:
        db.session.rollback()
        with force_locale("en"):
            detail = "; ".join(f"{k}: {v}" for k, v in (error.fields or {}).items()) or str(error.message)
        raise click.ClickException(detail) from None
    db.session.commit()
    click.echo(f"Created keeper {user.email} of {branch.name} (id {user.id}).")

"""``flask demo load``: the seed library's 2018 year and an upcoming programme."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from outreach import clock
from outreach.extensions import db
from outreach.timezone import local_date
from outreach.demo import loader

demo_cli = AppGroup("demo", help="Demo data drawn from the seed library.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Load only into a database with no accounts and no events.")
def load(if_empty: bool) -> None:
    """Load the demo data; running it again changes nothing."""
    if if_empty and not loader.database_is_empty() and not loader.is_loaded():
        click.echo("The database already holds data of its own; the demo was not loaded.")
        return
    summary = loader.load(today=local_date(clock.now()))
    db.session.commit()
    click.echo(summary.describe())
    if loader.is_loaded():
        click.echo("Demo log-ins:")
        for email, password, role in loader.DEMO_LOGINS:
            click.echo(f"  {role:<10} {email}  password: {password}")

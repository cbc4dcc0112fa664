"""``flask privacy anonymise --before YYYY-MM-DD``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from outreach.extensions import db
from outreach.reports import privacy

privacy_cli = AppGroup("privacy", help="Personal data: anonymising old registrations.")


@privacy_cli.command("anonymise")
@click.option("--before", "before", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Events that ended before this date (YYYY-MM-DD); by default, the retention setting's cut-off.")
def anonymise(before) -> None:
    """Remove names, phone numbers, e-mail addresses and answers from registrations of events
    that ended before the date; every figure of every report stays the same."""
    day = before.date() if before else privacy.retention_cutoff()
    changed = privacy.anonymise(day)
    db.session.commit()
    click.echo(f"Anonymised {changed} registrations of events that ended before {day.isoformat()}.")

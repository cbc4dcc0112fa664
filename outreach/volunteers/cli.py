"""``flask volunteers remind``: the day-before reminders now (the job worker also sends them each evening)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from outreach.extensions import db
from outreach.platform import mail
from outreach.volunteers.reminders import send_reminders

volunteers_cli = AppGroup("volunteers", help="Volunteers' shifts.")

@volunteers_cli.command("remind")
def remind() -> None:
    """E-mail each volunteer on a shift tomorrow (run once a day, e.g. from cron at 18:00)."""
    queued, skipped = send_reminders()
    outcomes = mail.take_outcomes(db.session)
    sent, not_sent, failed, waiting = (outcomes.count(kind) for kind in (mail.SENT, mail.NOT_SENT, mail.FAILED, mail.QUEUED))
    click.echo(f"{queued} shift reminder(s) due, {skipped} already reminded: {sent} sent"
               + (f", {waiting} handed to the job worker" if waiting else "")
               + (f", {not_sent} not sent (no mail server is set: OUTREACH_SMTP_HOST; each is in the log)" if not_sent else "")
               + (f", {failed} not taken by the mail server yet (tried again; see the log)" if failed else "") + ".")

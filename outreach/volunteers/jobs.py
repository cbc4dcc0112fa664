"""The volunteers area's background jobs."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from outreach import clock
from outreach.platform.jobs import periodic
from outreach.timezone import local
from outreach.volunteers.reminders import send_reminders


@periodic(crontab(minute="*/15"))
def remind_volunteers() -> int:
    """Every quarter of an hour from ``REMINDERS_FROM_HOUR`` (library time): the reminders of
    tomorrow's shifts not yet sent (each sign-up once: see ``send_reminders``)."""
    if local(clock.now()).hour < current_app.config["REMINDERS_FROM_HOUR"]:
        return 0
    sent, _already = send_reminders()
    return sent

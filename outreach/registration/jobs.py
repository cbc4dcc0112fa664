"""The registration area's background jobs."""

from __future__ import annotations

from flask import current_app
from huey import crontab

from outreach import clock
from outreach.platform.jobs import periodic
from outreach.registration.reminders import write_reminders
from outreach.timezone import local


@periodic(crontab(minute="*/15"))
def remind_registrants() -> int:
    """Every quarter of an hour from ``REMINDERS_FROM_HOUR`` (library time): tomorrow's
    reminders not yet written (a worker down at six still sends them later that evening)."""
    now = clock.now()
    if local(now).hour < current_app.config["REMINDERS_FROM_HOUR"]:
        return 0
    return write_reminders(now)

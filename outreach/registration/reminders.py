"""The day-before reminders to registrants, written by a periodic job (``registration.jobs``).

Each confirmed registration with an e-mail address (or a mobile number, when text messages
are on) whose event starts tomorrow (library time)
gets one reminder, from ``REMINDERS_FROM_HOUR`` (18:00) the day before: a registration is
claimed by one conditional update of its ``reminded_at``, so that two workers (or two
machines) running the job at once never remind anyone twice."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from outreach import clock
from outreach.events.models import Event
from outreach.extensions import db
from outreach.registration import emails
from outreach.registration.models import Registration
from outreach.timezone import library_tz, local_date

#: Registrations reminded per transaction.
BATCH = 200


def tomorrow_bounds(now: datetime) -> tuple[datetime, datetime]:
    tomorrow = local_date(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tzinfo=library_tz())
    return start, start + timedelta(days=1)


def due(now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of the registrations to remind now."""
    start, end = tomorrow_bounds(now)
    return list(db.session.scalars(
        select(Registration.id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.starts_at >= start, Event.starts_at < end, Event.status == "published",
            Registration.status == "confirmed", emails.reached("registration.reminder"),
            Registration.reminded_at.is_(None),
        )
        .order_by(Registration.id)
        .limit(limit)
    ))


def write_reminders(now: datetime | None = None) -> int:
    """Write tomorrow's reminders not yet written, a batch a transaction; how many."""
    now = now or clock.now()
    written = 0
    while ids := due(now):
        for registration_id in ids:
            claimed = db.session.execute(
                update(Registration)
                .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed:
                emails.queue_reminder(db.session.get(Registration, registration_id))
                written += 1
        db.session.commit()
    return written

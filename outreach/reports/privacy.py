"""Anonymising the registrations of events that ended long enough ago.

Names, phone numbers, e-mail addresses and answers go; ``phone_digest`` stays (it tells
people apart in the reports without being a number anyone can call), and so do party sizes,
statuses, check-ins and walk-ins: every figure of every report stays exactly the same. Walk-in
and check-in records hold no personal fields. A registration is anonymised once:
``anonymised_at`` marks it, and a second run changes nothing.

The outbox goes with them: the messages about those events, and every message written before
the date (a password link, ticket links sent again), keep their kind, subject and times for
staff's history but lose their address and body (whose ticket links are credentials); one that
was never sent is marked failed, so that it is never sent.

Visit requests received before the date (and whose visit, if any, ended before it) lose their
contact's name, phone, e-mail address and needs (``outreach.visits.services.anonymise``).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import or_, select, update

from outreach import clock
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import OutboxMessage
from outreach.platform.services import record
from outreach.registration.models import Registration
from outreach.reports import settings
from outreach.timezone import local_date, localize
from outreach.visits import services as visits

#: The name an anonymised registration keeps (the column is NOT NULL): no language, no person.
PLACEHOLDER_NAME = "—"


def retention_cutoff(today: date | None = None) -> date:
    """The first day whose events are still kept: today less the retention period."""
    today = today or local_date(clock.now())
    months = today.year * 12 + today.month - 1 - settings.retention_months()
    year, month = divmod(months, 12)
    month += 1
    last_day = (date(year + month // 12, month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(today.day, last_day))


def anonymise(before: date, *, actor=None, now: datetime | None = None) -> int:
    """Anonymise the registrations of events that ended before the library date ``before``;
    return how many registrations changed. Audited (the count and the date only)."""
    now = now or clock.now()
    ended = select(Event.id).where(Event.ends_at < localize(datetime.combine(before, time.min)))
    result = db.session.execute(
        update(Registration)
        .where(Registration.event_id.in_(ended), Registration.anonymised_at.is_(None))
        .values(name=PLACEHOLDER_NAME, phone=None, email=None, answers=None, group_needs=None, anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    changed = result.rowcount or 0
    cutoff = localize(datetime.combine(before, time.min))
    told = or_(OutboxMessage.event_id.in_(ended), OutboxMessage.created_at < cutoff)
    unsent = OutboxMessage.status.in_(("queued", "sending", "held"))
    db.session.execute(
        update(OutboxMessage).where(told, unsent).values(status="failed").execution_options(synchronize_session=False)
    )
    erased = db.session.execute(
        update(OutboxMessage)
        .where(told, OutboxMessage.recipient != PLACEHOLDER_NAME)
        .values(recipient=PLACEHOLDER_NAME, body="", sms_params=None)  # a text's variables hold staff's reason
        .execution_options(synchronize_session=False)
    ).rowcount or 0
    requests = visits.anonymise(cutoff, PLACEHOLDER_NAME)
    db.session.expire_all()
    data = {"before": before.isoformat(), "registrations": changed, "messages": erased}
    if requests:  # visit requests' contacts (outreach.visits), named when there were any
        data["visit_requests"] = requests
    record("privacy.anonymise", None, actor=actor, data=data)
    db.session.flush()
    return changed

"""Room double-booking: two events in one venue whose times, widened by their set-up and
tear-down minutes, overlap. Cancelled events free the room; online venues hold any number."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from outreach.database import locked
from outreach.events.models import BUFFER_MINUTES_MAX, Event
from outreach.places.models import Venue
from outreach.extensions import db

#: The longest set-up or tear-down a row may have (the column's check constraint).
MAX_BUFFER = timedelta(minutes=BUFFER_MINUTES_MAX)


def occupied(starts_at: datetime, ends_at: datetime, setup_minutes: int, teardown_minutes: int):
    """The span the room is taken: from set-up before the start to tear-down after the end."""
    return starts_at - timedelta(minutes=setup_minutes or 0), ends_at + timedelta(minutes=teardown_minutes or 0)


def span(event: Event) -> tuple[datetime, datetime]:
    """The span ``event`` takes its room."""
    return occupied(event.starts_at, event.ends_at, event.setup_minutes, event.teardown_minutes)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def taking(venue_id: int, begin: datetime, end: datetime, *, exclude_id: int | None = None) -> list[Event]:
    """The events (not cancelled; drafts too, a draft is a plan that holds the room) that take
    the venue during any part of ``begin`` to ``end``, set-up and tear-down counted, earliest first."""
    # A coarse window in SQL (no interval arithmetic that differs between databases), then
    # the exact test with each event's own buffers.
    candidates = db.session.scalars(
        select(Event)
        .where(
            Event.venue_id == venue_id,
            Event.status != "cancelled",
            Event.starts_at < end + MAX_BUFFER,
            Event.ends_at > begin - MAX_BUFFER,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [event for event in candidates if event.id != exclude_id and overlaps(span(event), (begin, end))]


def clashes(
    *, venue: Venue, starts_at: datetime, ends_at: datetime, setup_minutes: int = 0, teardown_minutes: int = 0,
    exclude_id: int | None = None,
) -> list[Event]:
    """The events a booking of ``venue`` for the given times would clash with.

    Locks the venue's row on PostgreSQL first, so that two people booking the same room at
    once are checked one after the other (SQLite writers are serialised already).
    """
    if not venue.bookable:
        return []
    locked(db.session, Venue, venue.id)
    return taking(venue.id, *occupied(starts_at, ends_at, setup_minutes, teardown_minutes), exclude_id=exclude_id)

"""Room double-booking: two events in one venue whose times, widened by their set-up and
tear-down minutes, overlap. Cancelled events free the room; online venues hold any number."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from outreach.database import locked
from outreach.events.models import Event, Venue
from outreach.extensions import db

#: The longest set-up or tear-down a row may have (the column's check constraint).
MAX_BUFFER = timedelta(minutes=1440)


def occupied(starts_at: datetime, ends_at: datetime, setup_minutes: int, teardown_minutes: int):
    """The span the room is taken: from set-up before the start to tear-down after the end."""
    return starts_at - timedelta(minutes=setup_minutes or 0), ends_at + timedelta(minutes=teardown_minutes or 0)


def clashes(
    *, venue: Venue, starts_at: datetime, ends_at: datetime, setup_minutes: int = 0, teardown_minutes: int = 0,
    exclude_id: int | None = None,
) -> list[Event]:
    """The events (not cancelled; drafts too, a draft is a plan that holds the room) that take
    ``venue`` during any part of the given span, earliest first.

    Locks the venue's row on PostgreSQL first, so that two people booking the same room at
    once are checked one after the other (SQLite writers are serialised already).
    """
    if not venue.bookable:
        return []
    locked(db.session, Venue, venue.id)
    begin, end = occupied(starts_at, ends_at, setup_minutes, teardown_minutes)
    # A coarse window in SQL (no interval arithmetic that differs between databases), then
    # the exact test with each event's own buffers.
    candidates = db.session.scalars(
        select(Event)
        .where(
            Event.venue_id == venue.id,
            Event.status != "cancelled",
            Event.starts_at < end + MAX_BUFFER,
            Event.ends_at > begin - MAX_BUFFER,
        )
        .order_by(Event.starts_at, Event.id)
    )
    found = []
    for other in candidates:
        if exclude_id is not None and other.id == exclude_id:
            continue
        other_begin, other_end = occupied(other.starts_at, other.ends_at, other.setup_minutes, other.teardown_minutes)
        if other_begin < end and other_end > begin:
            found.append(other)
    return found

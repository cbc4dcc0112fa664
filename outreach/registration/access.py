"""Which event a request may reach, for both doors of the area (pages and the API): the
public event page's visibility and the door's staff-or-shift rule (``services.may_work_door``)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from outreach.events import services as events
from outreach.events.models import Event
from outreach.extensions import db
from outreach.registration import services


def public_event(event_id: int) -> Event:
    """The event, unless it is unknown or a draft the caller may not see (404)."""
    event = events.find_visible(event_id, current_user)
    if event is None:
        abort(404)
    return event


def door_event(event_id: int, *, change: bool = False) -> Event:
    """The event, when the caller may work its door: staff, or a volunteer on its shift now
    (401 for anonymous callers, 403 for others). The scanner page and the API share it. With
    ``change`` (a check-in, walk-ins), staff of another branch are refused too (403,
    ``other_branch``): they may look at its door, not work it."""
    event = db.get_or_404(Event, event_id)
    if not current_user.is_authenticated:
        abort(401)
    if not services.may_work_door(current_user, event):
        abort(403)
    if change:
        events.guard_event(current_user, event)
    return event

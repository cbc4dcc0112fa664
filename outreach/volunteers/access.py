"""Who the signed-in volunteer is, for both doors of the area (pages and the API)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from outreach.events import services as events
from outreach.volunteers import services
from outreach.volunteers.models import Shift, VolunteerProfile


def current_volunteer() -> VolunteerProfile:
    """The signed-in person's volunteer profile: anonymous → sign in; no profile → 403."""
    if not current_user.is_authenticated:
        abort(401)
    profile = services.profile_of(current_user)
    if profile is None or not current_user.is_active:
        abort(403)
    return profile


def shift_to_change(shift: Shift) -> Shift:
    """``shift``, when the signed-in person may change it: the shifts of an event follow the
    event's branch (``events.services.guard_event``: 403 ``other_branch`` for staff of
    another branch); a standing duty (no event) is the whole library's."""
    if shift.event is not None:
        events.guard_event(current_user, shift.event)
    return shift

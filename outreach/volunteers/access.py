"""Who the signed-in volunteer is, for both doors of the area (pages and the API)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from outreach.volunteers import services
from outreach.volunteers.models import VolunteerProfile


def current_volunteer() -> VolunteerProfile:
    """The signed-in person's volunteer profile: anonymous → sign in; no profile → 403."""
    if not current_user.is_authenticated:
        abort(401)
    profile = services.profile_of(current_user)
    if profile is None or not current_user.is_active:
        abort(403)
    return profile

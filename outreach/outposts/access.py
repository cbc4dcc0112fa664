"""Which place a request reaches, for pages and API alike (the API never imports a page module):
a place ``services.place_for`` lets the signed-in person see, else 404; a change (any method but
GET) asks ``services.guard_change`` too, which refuses staff of another branch."""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user

from outreach.outposts import services
from outreach.events.models import Event
from outreach.places.models import Branch


def place_or_404(branch_id: int) -> Branch:
    branch = services.place_for(current_user, branch_id)
    if branch is None:
        abort(404)
    if request.method != "GET":
        services.guard_change(current_user, branch)
    return branch


def activity_or_404(event_id: int) -> tuple[Event, Branch]:
    """An activity held at a place the signed-in person may see, with its place; else 404. A
    change asks ``services.guard_change`` too."""
    found = services.activity_for(current_user, event_id)
    if found is None:
        abort(404)
    event, branch = found
    if request.method != "GET":
        services.guard_change(current_user, branch)
    return event, branch

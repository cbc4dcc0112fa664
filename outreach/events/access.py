"""Which event a change reaches, for both doors (pages and the API): a staff member of a
branch changes only its branch's events and their records (``services.guard_event``, the
rule of ``outreach/accounts/branches.py``); 404 for an unknown event, 403 ``other_branch``
for another branch's."""

from __future__ import annotations

from flask_login import current_user

from outreach.events import services
from outreach.events.models import Event, Exhibit
from outreach.extensions import db


def event_to_change(event_id: int) -> Event:
    """The event, when the signed-in person may change it."""
    event = db.get_or_404(Event, event_id)
    services.guard_event(current_user, event)
    return event


def exhibit_to_change(exhibit_id: int) -> Exhibit:
    """The exhibit, when the signed-in person may change its event."""
    exhibit = db.get_or_404(Exhibit, exhibit_id)
    services.guard_event(current_user, exhibit.event)
    return exhibit

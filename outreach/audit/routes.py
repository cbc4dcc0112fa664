"""The admins' page of the audit log, with its filters: who, what, when, which event."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from outreach.accounts.permissions import role_required
from outreach.audit import services
from outreach.audit.filters import read_query

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")

ROLE_LABELS = {"admin": _l("Administrator"), "staff": _l("Staff"), "volunteer": _l("Volunteer")}

#: What an entry is about, by the model's name (others are shown as they are named in the code).
OBJECT_LABELS = {
    "Event": _l("Event"), "Registration": _l("Registration"), "WalkIn": _l("Walk-ins"), "User": _l("Account"),
    "Shift": _l("Shift"), "ShiftSignup": _l("Shift sign-up"), "VolunteerProfile": _l("Volunteer"),
    "Competition": _l("Competition"), "CompetitionRound": _l("Competition round"), "Recurrence": _l("Weekly event"),
    "Venue": _l("Venue"), "Series": _l("Series"), "Partner": _l("Partner"), "Branch": _l("Branch"),
    "Training": _l("Training"), "Certificate": _l("Certificate"), "RecruitmentCall": _l("Recruitment call"),
}

@bp.get("/")
@role_required("admin")
def index():
    query, page, errors, given = read_query(request.args)
    rows, total, pages = [], 0, 1
    if not errors:
        rows, total = services.search(query, page=page)
        pages = max((total + services.PAGE_SIZE - 1) // services.PAGE_SIZE, 1)
        if page > pages:
            page = pages
            rows, total = services.search(query, page=page)
    event = services.known_event(query.event_id) if query.event_id and not errors else None
    args = {name: value for name, value in given.items() if value}
    return render_template(
        "audit/index.html", rows=rows, total=total, page=page, pages=pages, errors=errors, given=given,
        args=args, kinds=services.KINDS, event=event, role_labels=ROLE_LABELS,
        object_labels=OBJECT_LABELS,
    ), (422 if errors else 200)

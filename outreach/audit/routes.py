"""The admins' page of the audit log, with its filters: who, what, when, which event."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from outreach.accounts.permissions import role_required
from outreach.api.helpers import read_date_arg
from outreach.audit import services
from outreach.text import clean_text

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

#: The largest page number and event id a query string may name (beyond are refused, not looked up).
_MAX_NUMBER = 10**9


def read_query(args) -> tuple[services.AuditQuery, int, dict, dict]:
    """The filters in ``args`` (the query string): the query, the page, the messages for the
    filters that cannot be read, and the filters as given (to show them again)."""
    errors: dict = {}
    given = {name: clean_text(args.get(name) or "")[:200] for name in ("who", "what", "from", "to", "event")}
    start = read_date_arg("from", errors, args)
    end = read_date_arg("to", errors, args)
    if start and end and end < start:
        errors["to"] = _l("The end date is before the start date.")
    kind = given["what"] or None
    if kind is not None and kind not in services.KINDS:
        errors["what"] = _l("Choose from the list.")
    event_id = _number(given["event"], "event", errors)
    actor_ids = services.find_actors(given["who"]) if given["who"] else None
    page = _number(args.get("page") or "", "page", {}) or 1
    query = services.AuditQuery(actor_ids=actor_ids, kind=kind, start=start, end=end, event_id=event_id)
    return query, page, errors, given


def _number(text: str, name: str, errors: dict) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < _MAX_NUMBER:
        errors[name] = _l("Enter a whole number of 1 or more.")
        return None
    return int(text)


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

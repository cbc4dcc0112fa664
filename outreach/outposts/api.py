"""Village reading rooms and the book bus in the JSON API: a keeper's phone app (or a script) records
activities and daily visitors; staff read and correct every place. The same rule as the pages
(``services.place_for``, ``services.activity_for``): another place is a 404."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import (
    created, iso, json_body, read_clock, read_date, read_date_arg, read_int, read_str, window,
)
from outreach.errors import ValidationError
from outreach.events.models import TITLE_MAX, Event
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.outposts import services
from outreach.outposts.access import activity_or_404, place_or_404
from outreach.outposts.models import VisitorCount
from outreach.places.models import Branch
from outreach.timezone import local_date
from outreach.years import parse_date

bp = Blueprint("outposts_api", __name__)

#: The first window of a place's activities and of its counted days.
ACTIVITIES_LIMIT = 50
DAYS_LIMIT = 100


def place_json(branch: Branch) -> dict:
    return {
        "id": branch.id, "name": branch.name, "name_en": branch.name_en,
        "display_name": branch.display_name(current_locale()), "kind": branch.kind, "active": branch.active,
    }


def activity_json(event: Event, branch: Branch, headcount: int) -> dict:
    return {
        "id": event.id, "place_id": branch.id, "type": event.type, "title": event.title,
        "date": local_date(event.starts_at).isoformat(), "starts_at": iso(event.starts_at), "ends_at": iso(event.ends_at),
        "audience": event.audience, "headcount": headcount,
        "url": url_for("registration.event_page", event_id=event.id, _external=True),
    }


def visitors_json(row: VisitorCount) -> dict:
    return {"place_id": row.branch_id, "date": row.day.isoformat(), "count": row.count, "recorded_at": iso(row.recorded_at)}



@bp.get("/outposts")
@role_required("staff", "keeper")
def list_places():
    """Staff: every place; a keeper: their own."""
    if has_role(current_user, "staff"):
        places = services.outposts()
    else:
        own = services.place_of(current_user)
        places = [own] if own is not None else []
    return jsonify({"places": [place_json(branch) for branch in places]})


@bp.get("/outposts/<int:branch_id>/activities")
@role_required("staff", "keeper")
def list_activities(branch_id: int):
    branch = place_or_404(branch_id)
    found = window(services.activities_query(branch.id), (Event.starts_at, Event.id), default_limit=ACTIVITIES_LIMIT,
                   descending=True)
    return jsonify({
        "activities": [activity_json(row.event, row.branch, row.headcount) for row in services.activity_rows(found.items)],
        "next_cursor": found.next_cursor,
    })


@bp.post("/outposts/<int:branch_id>/activities")
@role_required("staff", "keeper")
def record_activity(branch_id: int):
    branch = place_or_404(branch_id)
    data = json_body()
    errors: dict = {}
    values = {
        "type": read_str(data, "type", errors, default="activity", max_length=32),
        "title": read_str(data, "title", errors, required=True, max_length=TITLE_MAX),
        "day": read_date(data, "date", errors),
        "starts": read_clock(data, "starts", errors),
        "ends": read_clock(data, "ends", errors),
        "headcount": read_int(data, "headcount", errors, required=True, nullable=False),
        "audience": read_str(data, "audience", errors, default="all", max_length=32),
        "description": read_str(data, "description", errors, max_length=2000),
    }
    for field, name in (("day", "date"), ("starts", "starts"), ("ends", "ends")):
        if values[field] is None and name not in errors:
            errors[name] = _l("This field is required.")
    if errors:
        raise ValidationError(errors)
    try:
        event = services.record_activity(branch, actor=current_user, **values)
    except ValidationError as error:  # the service names the date "day"; the API calls it "date"
        raise ValidationError({"date" if k == "day" else k: v for k, v in error.fields.items()},
                              message=error.message) from None
    db.session.commit()
    return created(activity_json(event, branch, values["headcount"]))


@bp.put("/outposts/activities/<int:event_id>/headcount")
@role_required("staff", "keeper")
def correct_headcount(event_id: int):
    event, branch = activity_or_404(event_id)
    data = json_body()
    errors: dict = {}
    count = read_int(data, "count", errors, required=True, nullable=False)
    if errors:
        raise ValidationError(errors)
    services.correct_headcount(event, count, actor=current_user)
    db.session.commit()
    return jsonify(activity_json(event, branch, count))


@bp.get("/outposts/<int:branch_id>/visitors")
@role_required("staff", "keeper")
def list_visitors(branch_id: int):
    """The days counted, the latest first, within ``from``..``to`` when given."""
    branch = place_or_404(branch_id)
    errors: dict = {}
    start, end = read_date_arg("from", errors), read_date_arg("to", errors)
    found = window(services.visitors_query(branch.id, start=start, end=end), (VisitorCount.day, VisitorCount.id),
                   default_limit=DAYS_LIMIT, descending=True, errors=errors)
    return jsonify({"days": [visitors_json(row) for row in found.items], "next_cursor": found.next_cursor})


@bp.put("/outposts/<int:branch_id>/visitors/<day>")
@role_required("staff", "keeper")
def set_visitors(branch_id: int, day: str):
    branch = place_or_404(branch_id)
    chosen = parse_date(day)
    if chosen is None:
        raise ValidationError({"date": _l("Give a date as YYYY-MM-DD.")})
    data = json_body()
    errors: dict = {}
    count = read_int(data, "count", errors, required=True, nullable=False)
    if errors:
        raise ValidationError(errors)
    try:
        row = services.set_visitors(branch, chosen, count, actor=current_user)
    except ValidationError as error:
        raise ValidationError({"date" if k == "day" else k: v for k, v in error.fields.items()},
                              message=error.message) from None
    db.session.commit()
    return jsonify(visitors_json(row))


@bp.get("/outposts/visits")
@role_required("staff")
def visits():
    """Per place, the days counted and the visitors in ``from``..``to`` (both required)."""
    errors: dict = {}
    start, end = read_date_arg("from", errors), read_date_arg("to", errors)
    for name, value in (("from", start), ("to", end)):
        if value is None and name not in errors:
            errors[name] = _l("This field is required.")
    if start and end and end < start:
        errors["to"] = _l("The end must come after the start.")
    if errors:
        raise ValidationError(errors)
    rows = services.visits_by_place(start, end)
    return jsonify({
        "from": start.isoformat(), "to": end.isoformat(),
        "rows": [{"place_id": r.branch.id, "label": r.branch.display_name(current_locale()), "days": r.days,
                  "visitors": r.visitors} for r in rows],
        "totals": {"days": sum(r.days for r in rows), "visitors": sum(r.visitors for r in rows)},
    })

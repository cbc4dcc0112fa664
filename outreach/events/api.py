"""Venues and events in the JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import has_role, role_required
from outreach.api import created, iso, json_body, read_clock, read_date_arg, read_datetime, read_int, read_str
from outreach.errors import ValidationError
from outreach.events import services
from outreach.events.models import EVENT_TYPES, Event, Series, Venue
from outreach.extensions import db
from outreach.i18n import current_locale

bp = Blueprint("events_api", __name__)


def venue_json(venue: Venue) -> dict:
    locale = current_locale()
    return {
        "id": venue.id,
        "name": venue.name,
        "name_en": venue.name_en,
        "display_name": venue.display_name(locale),
        "branch": venue.branch.name if venue.branch else None,
        "branch_id": venue.branch_id,
        "kind": venue.kind,
        "capacity": venue.capacity,
    }


def event_json(event: Event) -> dict:
    locale = current_locale()
    return {
        "id": event.id,
        "type": event.type,
        "status": event.status,
        "title": event.title,
        "title_en": event.title_en,
        "display_title": event.display_title(locale),
        "description": event.description,
        "description_en": event.description_en,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "daily_opens_at": event.daily_opens_at.strftime("%H:%M") if event.daily_opens_at else None,
        "daily_closes_at": event.daily_closes_at.strftime("%H:%M") if event.daily_closes_at else None,
        "venue_id": event.venue_id,
        "venue": venue_json(event.venue),
        "capacity": event.capacity,
        "registration": event.registration,
        "max_party_size": event.max_party_size,
        "checkin_opens_minutes": event.checkin_opens_minutes,
        "audience": event.audience,
        "series": {"id": event.series.id, "name": event.series.name, "name_en": event.series.name_en}
        if event.series
        else None,
        "session_number": event.session_number,
        "speaker": event.speaker,
        "registration_opens_at": iso(event.registration_opens_at),
        "registration_closes_at": iso(event.registration_closes_at),
        "questions": event.questions or [],
        "partners": [
            {"name": link.partner.name, "name_en": link.partner.name_en, "role": link.role}
            for link in event.partner_links
        ],
        "url": url_for("events.detail", event_id=event.id, _external=True),
    }


@bp.get("/venues")
@role_required("staff")
def list_venues():
    return jsonify({"venues": [venue_json(v) for v in services.list_venues()]})


@bp.post("/venues")
@role_required("staff")
def create_venue():
    data = json_body()
    errors: dict = {}
    name = read_str(data, "name", errors, required=True, max_length=services.NAME_MAX)
    name_en = read_str(data, "name_en", errors, max_length=services.NAME_MAX)
    capacity = read_int(data, "capacity", errors, minimum=0)
    branch = None
    ref = data.get("branch")
    if ref is not None:
        if isinstance(ref, bool) or not isinstance(ref, (int, str)):
            errors["branch"] = _l("Give the branch's id or name.")
        else:
            branch = services.find_branch(ref)
            if branch is None:
                errors["branch"] = _l("There is no such branch.")
    if errors:
        raise ValidationError(errors)
    venue = services.create_venue(name=name, name_en=name_en, branch=branch, capacity=capacity, actor=current_user)
    db.session.commit()
    return created(venue_json(venue))


@bp.post("/events")
@role_required("staff")
def create_event():
    data = json_body()
    errors: dict = {}
    fields = {
        # Lengths of titles are the service's rule: read_str only refuses absurd input.
        "title": read_str(data, "title", errors, required=True, max_length=10 * services.TITLE_MAX),
        "title_en": read_str(data, "title_en", errors, max_length=10 * services.TITLE_MAX),
        "description": read_str(data, "description", errors, max_length=20000),
        "description_en": read_str(data, "description_en", errors, max_length=20000),
        "type": read_str(data, "type", errors, required=True, max_length=32),
        "status": read_str(data, "status", errors, default="draft", max_length=32),
        "registration": read_str(data, "registration", errors, default="open", max_length=32),
        "audience": read_str(data, "audience", errors, default="all", max_length=32),
        "speaker": read_str(data, "speaker", errors, max_length=120),
        "starts_at": read_datetime(data, "starts_at", errors),
        "ends_at": read_datetime(data, "ends_at", errors),
        "capacity": read_int(data, "capacity", errors, minimum=0),
        "max_party_size": read_int(
            data, "max_party_size", errors, nullable=False, default=services.DEFAULT_MAX_PARTY_SIZE, minimum=1
        ),
        "checkin_opens_minutes": read_int(
            data, "checkin_opens_minutes", errors, nullable=False, default=120, minimum=0, maximum=10080
        ),
        "session_number": read_int(data, "session_number", errors, minimum=1),
        "daily_opens_at": read_clock(data, "daily_opens_at", errors),
        "daily_closes_at": read_clock(data, "daily_closes_at", errors),
        "registration_opens_at": read_datetime(data, "registration_opens_at", errors, required=False),
        "registration_closes_at": read_datetime(data, "registration_closes_at", errors, required=False),
        "questions": data.get("questions"),
    }
    venue_id = read_int(data, "venue_id", errors, required=True, nullable=False)
    if venue_id is not None:
        fields["venue"] = db.session.get(Venue, venue_id)
        if fields["venue"] is None:
            errors["venue_id"] = _l("There is no such venue.")
    else:
        fields["venue"] = None
    series_id = read_int(data, "series_id", errors)
    fields["series"] = None
    if series_id is not None:
        fields["series"] = db.session.get(Series, series_id)
        if fields["series"] is None:
            errors["series_id"] = _l("There is no such series.")
    # Shape errors and the service's rules, reported together.
    for key, message in services.check_event(fields).items():
        errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)
    event = services.create_event(actor=current_user, **fields)
    db.session.commit()
    return created(event_json(event))


@bp.get("/events")
def list_events():
    from flask import request

    errors: dict = {}
    start = read_date_arg("from", errors)
    end = read_date_arg("to", errors)
    type_ = request.args.get("type") or None
    if type_ is not None and type_ not in EVENT_TYPES:
        errors["type"] = _l("Choose one of: %(choices)s.", choices=", ".join(EVENT_TYPES))
    if start and end and end < start:
        errors["to"] = _l("The end date must not come before the start date.")
    if errors:
        raise ValidationError(errors)
    stmt = services.events_query(
        include_drafts=has_role(current_user, "staff"), start=start, end=end, type=type_
    )
    events = db.session.scalars(stmt).all()
    return jsonify({"events": [event_json(e) for e in events]})


@bp.get("/events/<int:event_id>")
def get_event(event_id: int):
    event = db.session.get(Event, event_id)
    if event is None or not services.is_visible(event, current_user):
        abort(404)
    return jsonify(event_json(event))


@bp.post("/events/<int:event_id>/duplicate")
@role_required("staff")
def duplicate_event(event_id: int):
    """A draft copy starting at ``starts_at``, with the event's volunteer shifts moved along."""
    event = db.get_or_404(Event, event_id)
    data = json_body()
    errors: dict = {}
    starts_at = read_datetime(data, "starts_at", errors)
    if errors:
        raise ValidationError(errors)
    copy = services.duplicate_event(event, starts_at=starts_at, actor=current_user)
    db.session.commit()
    return created(event_json(copy))

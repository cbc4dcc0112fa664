"""Venues and events in the JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import (
    created, iso, json_body, read_clock, read_date_arg, read_datetime, read_int, read_str, window,
)
from outreach.errors import ValidationError
from outreach.events import covers, services
from outreach.events.access import event_to_change
from outreach.events.models import (
    BIO_MAX,
    BUFFER_MINUTES_MAX,
    CHECKIN_OPENS_MAX,
    DESCRIPTION_MAX,
    EVENT_TYPES,
    REASON_MAX,
    SPEAKER_MAX,
    TITLE_MAX,
    Event,
    EventPartner,
)
from outreach.places.models import Series, Venue
from outreach.events.services import EVENT_DEFAULTS
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.text import clean_text
from outreach.views import accepts_upload

bp = Blueprint("events_api", __name__)

#: What ``event_json`` shows beyond the event's own row, loaded for a whole list in one query
#: per relationship (the venue and its branch and the series come with ``events_query``).
EVENT_JSON_LOADS = (
    selectinload(Event.venue).selectinload(Venue.branch),
    selectinload(Event.series),
    selectinload(Event.round),
    selectinload(Event.exhibits),
    selectinload(Event.partner_links).selectinload(EventPartner.partner),
)
#: The events of a list without ``limit``: more than a month of a busy library's programme.
EVENTS_LIMIT = 200


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


def events_for_json(event_ids) -> dict[int, Event]:
    """These events by id, with what ``event_json`` shows of them read in one query per
    relationship, for a list of things that each name their event (tickets). Keep the answer
    while using the events: the session holds them only weakly. Read-only requests only: it
    overwrites the events' attributes with the database's."""
    ids = set(event_ids)
    if not ids:
        return {}
    events = db.session.scalars(
        select(Event).where(Event.id.in_(ids)).options(*EVENT_JSON_LOADS).execution_options(populate_existing=True)
    ).all()
    return {event.id: event for event in events}


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
        "groups_capacity": event.groups_capacity,
        "max_group_size": event.max_group_size,
        "checkin_opens_minutes": event.checkin_opens_minutes,
        "audience": event.audience,
        "series": {"id": event.series.id, "name": event.series.name, "name_en": event.series.name_en}
        if event.series
        else None,
        "session_number": event.session_number,
        "speaker": event.speaker,
        "speaker_bio": event.speaker_bio,
        "speaker_bio_en": event.speaker_bio_en,
        "setup_minutes": event.setup_minutes,
        "teardown_minutes": event.teardown_minutes,
        # An internal note: why staff kept a double booking.
        "booking_override_reason": event.booking_override_reason if has_role(current_user, "staff") else None,
        "recurrence_id": event.recurrence_id,
        "round": {
            "id": event.round.id, "name": event.round.name, "name_en": event.round.name_en,
            "competition_id": event.round.competition_id,
        } if event.round else None,
        "exhibits": [exhibit_json(exhibit) for exhibit in event.exhibits],
        "registration_opens_at": iso(event.registration_opens_at),
        "registration_closes_at": iso(event.registration_closes_at),
        "questions": event.questions or [],
        "partners": [
            {"partner_id": link.partner_id, "name": link.partner.name, "name_en": link.partner.name_en, "role": link.role}
            for link in event.partner_links
        ],
        "url": url_for("registration.event_page", event_id=event.id, _external=True),
        "image": covers.as_json(covers.cover_for(event, external=True)),
    }


def exhibit_json(exhibit) -> dict:
    return {
        "id": exhibit.id, "position": exhibit.position, "title": exhibit.title, "creator": exhibit.creator,
        "age": exhibit.age, "school": exhibit.school, "note": exhibit.note,
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


#: The event fields the API reads, with their readers; "venue_id", "series_id" and the
#: partners are looked up separately.
_TEXT_FIELDS = {
    # The services' own limits, so that a message never names a number the rule does not have.
    "title": TITLE_MAX, "title_en": TITLE_MAX, "description": DESCRIPTION_MAX,
    "description_en": DESCRIPTION_MAX, "type": 32, "registration": 32, "audience": 32, "speaker": SPEAKER_MAX,
    "speaker_bio": BIO_MAX, "speaker_bio_en": BIO_MAX,
    "booking_override_reason": REASON_MAX,
}


def read_event_fields(data: dict, errors: dict, *, creating: bool) -> dict:
    """The event fields of a request body. Creating, missing fields take their defaults;
    updating (PATCH), only the fields present are read."""
    fields: dict = {}

    def wanted(name: str) -> bool:
        return creating or name in data

    for name, length in _TEXT_FIELDS.items():
        if wanted(name):
            fields[name] = read_str(
                data, name, errors, required=creating and name in ("title", "type"), max_length=length,
                too_long=_l("Give a title of 1 to %(n)d characters.", n=TITLE_MAX) if name.startswith("title") else None,
            )
    for name in ("registration", "audience"):
        if creating and fields.get(name) is None:
            fields[name] = EVENT_DEFAULTS[name]
    if creating:
        fields["status"] = read_str(data, "status", errors, default=EVENT_DEFAULTS["status"], max_length=32)
    for name in ("starts_at", "ends_at"):
        if wanted(name):
            fields[name] = read_datetime(data, name, errors)
    for name in ("registration_opens_at", "registration_closes_at"):
        if wanted(name):
            fields[name] = read_datetime(data, name, errors, required=False)
    for name in ("daily_opens_at", "daily_closes_at"):
        if wanted(name):
            fields[name] = read_clock(data, name, errors)
    integers = {
        "capacity": {"minimum": 0},
        "session_number": {"minimum": 1},
        "groups_capacity": {"minimum": 0},
        "max_group_size": {"minimum": 1},
        "max_party_size": {"nullable": False, "default": EVENT_DEFAULTS["max_party_size"], "minimum": 1},
        "checkin_opens_minutes": {
            "nullable": False, "default": EVENT_DEFAULTS["checkin_opens_minutes"], "minimum": 0, "maximum": CHECKIN_OPENS_MAX,
        },
        "setup_minutes": {"nullable": False, "default": EVENT_DEFAULTS["setup_minutes"], "minimum": 0, "maximum": BUFFER_MINUTES_MAX},
        "teardown_minutes": {
            "nullable": False, "default": EVENT_DEFAULTS["teardown_minutes"], "minimum": 0, "maximum": BUFFER_MINUTES_MAX,
        },
    }
    for name, options in integers.items():
        if wanted(name):
            fields[name] = read_int(data, name, errors, **options)
    if wanted("questions"):
        fields["questions"] = data.get("questions")
    if wanted("venue_id"):
        venue_id = read_int(data, "venue_id", errors, required=True, nullable=False)
        fields["venue"] = db.session.get(Venue, venue_id) if venue_id is not None else None
        if venue_id is not None and fields["venue"] is None:
            errors["venue_id"] = _l("There is no such venue.")
    if wanted("series_id"):
        series_id = read_int(data, "series_id", errors)
        fields["series"] = db.session.get(Series, series_id) if series_id is not None else None
        if series_id is not None and fields["series"] is None:
            errors["series_id"] = _l("There is no such series.")
    return fields


def read_partners(data: dict, errors: dict) -> list[tuple[int, str]] | None:
    """``"partners": [{"partner_id", "role"}]``, or None when the body does not name them."""
    if "partners" not in data:
        return None
    rows = data["partners"]
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("partner_id"), int) and isinstance(row.get("role"), str)
        for row in rows
    ):
        errors["partners"] = _l("Give a list of {\"partner_id\", \"role\"}.")
        return None
    return [(row["partner_id"], row["role"]) for row in rows]


@bp.post("/events")
@role_required("staff")
def create_event():
    data = json_body()
    errors: dict = {}
    fields = read_event_fields(data, errors, creating=True)
    partners = read_partners(data, errors)
    # Shape errors and the service's rules, reported together.
    for key, message in services.check_event(fields).items():
        errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)
    event = services.create_event(actor=current_user, **fields)
    if partners is not None:
        services.set_partners(event, partners, actor=current_user)
    db.session.commit()
    return created(event_json(event))


@bp.patch("/events/<int:event_id>")
@role_required("staff")
def update_event(event_id: int):
    """Change some of an event's details (only the fields given); not its status."""
    event = event_to_change(event_id)
    data = json_body()
    errors: dict = {}
    if "status" in data:
        errors["status"] = _l("Change the status with POST /events/{id}/status.")
    fields = read_event_fields(data, errors, creating=False)
    partners = read_partners(data, errors)
    if errors:
        raise ValidationError(errors)
    services.update_event(event, actor=current_user, **fields)
    if partners is not None:
        services.set_partners(event, partners, actor=current_user)
    db.session.commit()
    return jsonify(event_json(event))


@bp.post("/events/<int:event_id>/status")
@role_required("staff")
def change_status(event_id: int):
    """Publish, complete or cancel (``reason`` is sent to registrants when cancelling)."""
    event = event_to_change(event_id)
    data = json_body()
    errors: dict = {}
    status = read_str(data, "status", errors, required=True, max_length=32)
    reason = read_str(data, "reason", errors, max_length=500)
    if errors:
        raise ValidationError(errors)
    services.change_status(event, status, actor=current_user, reason=reason)
    db.session.commit()
    return jsonify(event_json(event))


# --- cover images ---------------------------------------------------------------------------


def upload_cover(owner: Event | Series) -> None:
    """Save the cover of ``owner`` from a multipart body: ``image`` (the picture; leave it out to
    change only the description of the one it has) and ``alt`` (required). 415 for any other body."""
    if request.mimetype != "multipart/form-data":
        abort(415)
    services.set_cover(
        owner, data=covers.read_upload(request.files.get("image")),
        alt=clean_text(request.form.get("alt") or ""), actor=current_user,
    )


@bp.put("/events/<int:event_id>/cover")
@role_required("staff")
@accepts_upload(covers.UPLOAD_REQUEST_MAX)
def put_event_cover(event_id: int):
    """Upload or replace an event's cover picture, or change its description."""
    event = event_to_change(event_id)
    upload_cover(event)
    db.session.commit()
    return jsonify({"image": covers.as_json(covers.cover_for(event, external=True))})


@bp.delete("/events/<int:event_id>/cover")
@role_required("staff")
def delete_event_cover(event_id: int):
    """Take the event's own picture away: it shows its series' or its type's again."""
    event = event_to_change(event_id)
    if event.cover_key:
        services.remove_cover(event, actor=current_user)
        db.session.commit()
    return jsonify({"image": covers.as_json(covers.cover_for(event, external=True))})


@bp.post("/events/<int:event_id>/exhibits")
@role_required("staff")
def add_exhibits(event_id: int):
    """Add works to an exhibition: ``{"exhibits": [{"title", "creator", "age"?, "school"?, "note"?}]}``."""
    event = event_to_change(event_id)
    data = json_body()
    rows = data.get("exhibits")
    if not isinstance(rows, list) or not rows or len(rows) > 1000 or not all(isinstance(r, dict) for r in rows):
        raise ValidationError({"exhibits": _l("Give a list of 1 to 1000 works.")})
    exhibits = services.add_exhibits(
        event, [{name: row.get(name) for name in services.EXHIBIT_FIELDS} for row in rows], actor=current_user
    )
    db.session.commit()
    return created({"exhibits": [exhibit_json(exhibit) for exhibit in exhibits]})


@bp.get("/events")
def list_events():
    """The events of ``from``–``to`` (and of a ``type``) by start, in windows of ``limit``
    (``cursor`` for the next); one query per relationship whatever their number."""
    errors: dict = {}
    start = read_date_arg("from", errors)
    end = read_date_arg("to", errors)
    type_ = request.args.get("type") or None
    if type_ is not None and type_ not in EVENT_TYPES:
        errors["type"] = _l("Choose one of: %(choices)s.", choices=", ".join(EVENT_TYPES))
    if start and end and end < start:
        errors["to"] = _l("The end date must not come before the start date.")
    stmt = services.events_query(
        include_drafts=has_role(current_user, "staff"), start=start, end=end, type=type_
    ).order_by(None).options(*EVENT_JSON_LOADS)
    found = window(stmt, (Event.starts_at, Event.id), default_limit=EVENTS_LIMIT, errors=errors)
    return jsonify({"events": [event_json(e) for e in found.items], "next_cursor": found.next_cursor})


@bp.get("/events/<int:event_id>")
def get_event(event_id: int):
    event = db.session.get(Event, event_id, options=EVENT_JSON_LOADS)
    if event is None or not services.is_visible(event, current_user):
        abort(404)
    return jsonify(event_json(event))


@bp.post("/events/<int:event_id>/duplicate")
@role_required("staff")
def duplicate_event(event_id: int):
    """A draft copy starting at ``starts_at``, with the event's volunteer shifts moved along."""
    event = event_to_change(event_id)
    data = json_body()
    errors: dict = {}
    starts_at = read_datetime(data, "starts_at", errors)
    if errors:
        raise ValidationError(errors)
    copy = services.duplicate_event(event, starts_at=starts_at, actor=current_user)
    db.session.commit()
    return created(event_json(copy))

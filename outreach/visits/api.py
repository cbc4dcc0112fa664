"""Visit requests in the JSON API: anyone may ask (the same rules and rate limit as the form);
staff read the requests and answer them (accept, propose another date, decline)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.api.helpers import created, iso, json_body, read_clock, read_date, read_int, read_str, window
from outreach.errors import ValidationError
from outreach.events.models import TITLE_MAX
from outreach.extensions import db, limiter
from outreach.i18n import current_locale
from outreach.places.models import Venue
from outreach.registration import tickets
from outreach.visits import services
from outreach.visits.models import NOTE_MAX, PREFERRED_MAX, VisitRequest

bp = Blueprint("visits_api", __name__)

#: The first window of requests.
VISITS_LIMIT = 50
_REQUEST_FIELDS = ("organisation", "kind", "contact_name", "phone", "email", "children", "adults", "ages",
                   "wish", "topic", "needs", "consent")


def visit_json(visit: VisitRequest) -> dict:
    ticket = None
    if visit.registration is not None:
        ticket = url_for("registration.ticket", token=tickets.token_for_seed(visit.registration.ticket_seed)[0],
                         _external=True)
    return {
        "id": visit.id, "status": visit.status, "organisation": visit.organisation, "kind": visit.kind,
        "contact_name": visit.contact_name, "phone": visit.phone, "email": visit.email,
        "preferred": visit.preferred, "children": visit.children, "adults": visit.adults, "ages": visit.ages,
        "wish": visit.wish, "topic": visit.topic, "needs": visit.needs, "created_at": iso(visit.created_at),
        "proposal": None if visit.proposed_starts_at is None else {
            "starts_at": iso(visit.proposed_starts_at), "ends_at": iso(visit.proposed_ends_at),
            "venue_id": visit.proposed_venue_id, "note": visit.proposal_note,
        },
        "decline_reason": visit.decline_reason, "event_id": visit.event_id, "ticket_url": ticket,
    }


@bp.get("/visits")
@role_required("staff")
def list_visits():
    errors: dict = {}
    status = request.args.get("status")
    if status and services.check_status(status) is None:
        errors["status"] = _l("Choose one of: %(choices)s.", choices="new, proposed, accepted, declined, withdrawn")
    stmt = services.requests_query(services.check_status(status)).order_by(None)
    found = window(stmt, (VisitRequest.created_at, VisitRequest.id), default_limit=VISITS_LIMIT, descending=True,
                   errors=errors)
    return jsonify({"visits": [visit_json(v) for v in found.items], "next_cursor": found.next_cursor})


@bp.get("/visits/<int:visit_id>")
@role_required("staff")
def get_visit(visit_id: int):
    return jsonify(visit_json(db.get_or_404(VisitRequest, visit_id)))


def _preferred(data: dict, errors: dict) -> list | None:
    rows = data.get("preferred")
    if not isinstance(rows, list) or not 1 <= len(rows) <= PREFERRED_MAX:
        errors["preferred"] = _l("Give one to %(n)d preferred dates.", n=PREFERRED_MAX)
        return None
    out = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"preferred.{index}"] = _l("Give a date and a time of day.")
            continue
        inner: dict = {}
        day, start, end = read_date(row, "date", inner), read_clock(row, "from", inner), read_clock(row, "to", inner)
        part = row.get("part", "morning")
        errors.update({f"preferred.{index}.{k}": v for k, v in inner.items()})
        out.append({"date": day, "part": part, "from": start, "to": end})
    return out


@bp.post("/visits")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def create_visit():
    """Anyone: a group asks for a visit. The answer holds the private link to follow it."""
    data = json_body()
    errors: dict = {}
    values = {name: data.get(name) for name in _REQUEST_FIELDS}
    for name in ("organisation", "contact_name", "phone", "email", "ages", "topic", "needs", "kind", "wish"):
        if values[name] is not None and not isinstance(values[name], str):
            errors[name] = _l("Enter text.")
    values["consent"] = data.get("consent") is True
    values["preferred"] = _preferred(data, errors)
    if errors:
        _clean, rule_errors = services.check_request(values, services.local_date(services.clock.now()))
        raise ValidationError({**rule_errors, **errors})
    visit, token = services.submit(values, locale=current_locale())
    db.session.commit()
    return created({"status": visit.status, "token": token,
                    "url": url_for("visits.status", token=token, _external=True)})


def _slot(data: dict, errors: dict) -> services.Slot:
    venue_id = read_int(data, "venue_id", errors, required=True, nullable=False)
    venue = db.session.get(Venue, venue_id) if venue_id else None
    if venue_id and venue is None:
        errors["venue_id"] = _l("Choose a room.")
    slot = services.Slot(
        day=read_date(data, "date", errors), starts=read_clock(data, "starts", errors),
        ends=read_clock(data, "ends", errors), venue=venue,
        title=read_str(data, "title", errors, max_length=TITLE_MAX),
        guides=read_int(data, "guides", errors, minimum=0, maximum=services.GUIDES_MAX),
    )
    for name in ("date", "starts", "ends"):
        if name not in data and name not in errors:
            errors[name] = _l("This field is required.")
    return slot


def _renamed(error: ValidationError) -> ValidationError:
    """The service names the date ``day``; the API calls it ``date``."""
    return ValidationError({"date" if k == "day" else k: v for k, v in error.fields.items()}, message=error.message)


@bp.post("/visits/<int:visit_id>/accept")
@role_required("staff")
def accept_visit(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    data = json_body()
    errors: dict = {}
    slot = _slot(data, errors)
    if errors:
        raise ValidationError(errors)
    try:
        services.accept(visit, slot, actor=current_user)
    except ValidationError as error:
        raise _renamed(error) from None
    db.session.commit()
    return jsonify(visit_json(visit))


@bp.post("/visits/<int:visit_id>/propose")
@role_required("staff")
def propose_visit(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    data = json_body()
    errors: dict = {}
    slot = _slot(data, errors)
    note = read_str(data, "note", errors, max_length=NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    try:
        services.propose(visit, slot, note, actor=current_user)
    except ValidationError as error:
        raise _renamed(error) from None
    db.session.commit()
    return jsonify(visit_json(visit))


@bp.post("/visits/<int:visit_id>/decline")
@role_required("staff")
def decline_visit(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    data = json_body()
    errors: dict = {}
    reason = read_str(data, "reason", errors, required=True, max_length=NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    services.decline(visit, reason, actor=current_user)
    db.session.commit()
    return jsonify(visit_json(visit))

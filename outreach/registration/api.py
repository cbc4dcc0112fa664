"""Registrations, tickets, check-ins, walk-ins and attendance in the JSON API."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from itsdangerous import BadData, URLSafeSerializer

from outreach import clock
from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import created, iso, json_body, read_date, read_datetime, read_int, read_str
from outreach.database import commit_keeping_loaded, reads_first
from outreach.errors import ValidationError
from outreach.events import services as event_rules
from outreach.events.models import Event
from outreach.extensions import db, limiter
from outreach.i18n import current_locale
from outreach.platform import mail
from outreach.registration import listing, services
from outreach.registration.listing import RegistrationFilter
from outreach.registration.models import REGISTRATION_STATUSES, CheckIn, Registration
from outreach.registration.access import door_event, public_event
from outreach.events.api import event_json, events_for_json
from outreach.text import clean_text

bp = Blueprint("registration_api", __name__)


def ticket_links(token: str) -> dict:
    return {
        "token": token,
        "url": url_for("registration.ticket", token=token, _external=True),
        "qr_png_url": url_for("registration.ticket_qr_png", token=token, _external=True),
        "qr_svg_url": url_for("registration.ticket_qr_svg", token=token, _external=True),
        "pdf_url": url_for("registration.ticket_pdf", token=token, _external=True),
        "cancel_url": url_for("api.registration_api.cancel_ticket", token=token, _external=True),
    }


def group_json(registration: Registration) -> dict | None:
    """A group registration's details (None for an individual's)."""
    if not registration.is_group:
        return None
    return {
        "kind": registration.group_kind,
        "organisation": registration.group_organisation,
        "children": registration.group_children,
        "adults": registration.group_adults,
        "needs": registration.group_needs,
        "arrival": registration.group_arrival.strftime("%H:%M") if registration.group_arrival else None,
    }


def registration_json(registration: Registration) -> dict:
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "status": registration.status,
        "name": registration.name,
        "party_size": registration.party_size,
        "group": group_json(registration),
    }


@bp.post("/events/<int:event_id>/registrations")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def register(event_id: int):
    event = public_event(event_id)
    data = json_body()
    errors: dict = {}
    name = read_str(data, "name", errors, required=True, max_length=1000)
    phone = read_str(data, "phone", errors, required=True, max_length=40)
    email = read_str(data, "email", errors, max_length=254)
    group = data.get("group")
    # A group's party is its children and adults: party_size is then optional (and must agree).
    party_size = read_int(data, "party_size", errors, nullable=False, default=None if group is not None else 1)
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        errors["answers"] = _l("Send the answers as an object.")
        answers = {}
    key = clean_text(request.headers.get("Idempotency-Key"))  # a header kept (as client_key): cleaned like any text
    if key is not None and not 8 <= len(key) <= 64:
        errors["Idempotency-Key"] = _l("Use 8 to 64 characters.")
    if errors:
        # The service's rules for the fields that passed, so that every problem is told at once.
        _clean, rule_errors = services.check_registrant_or_group(
            event, name=name, phone=phone, party_size=party_size, email=email, answers=answers, consent=True,
            group=group,
        )
        raise ValidationError({**rule_errors, **errors})
    outcome = services.register(
        event, name=name, phone=phone, party_size=party_size, email=email, answers=answers,
        client_key=f"api:{key}" if key else None, source="api", actor=current_user if current_user.is_authenticated else None,
        locale=current_locale(), group=group,
    )
    db.session.commit()
    registration = outcome.registration
    body = {**registration_json(registration), "ticket": ticket_links(outcome.token)}
    return jsonify(body), 201 if outcome.created else 200


@bp.get("/tickets/<token>")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def get_ticket(token: str):
    registration = services.find_by_token(token)
    if registration is None:
        raise services.RegistrationError("invalid_ticket", _l("This is not a valid ticket."), status=404)
    checked = services.checked_in_today(registration)
    events = events_for_json([registration.event_id])
    return jsonify({
        **registration_json(registration),
        "checked_in_at": iso(checked.checked_in_at) if checked else None,
        "event": event_json(events[registration.event_id]),
    })


@bp.post("/tickets/lookup")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def lookup_tickets():
    """"Find my ticket": the same answer (200, same shape) whether or not the number
    registered; ``tickets`` lists only those the phone number and registered name prove,
    where no e-mail takes the link instead. A number looked up too often: 429."""
    data = json_body()
    errors: dict = {}
    phone = read_str(data, "phone", errors, required=True, max_length=40)
    name = read_str(data, "name", errors, max_length=1000)
    event_id = read_int(data, "event_id", errors)
    if errors:
        raise ValidationError(errors)
    event = public_event(event_id) if event_id is not None else None
    configured = mail.configured()
    result = services.lookup_tickets(phone, name, event=event, mail_available=configured)
    shown = [(registration.id, token) for registration, token in result.shown]
    db.session.commit()
    mail.take_outcomes(db.session)  # whether a message went would tell whether the number registered
    # Read again after the commit, with their events, in a few queries whatever their number.
    numbers = [number for number, _token in shown]
    registrations = {
        r.id: r for r in (db.session.scalars(select(Registration).where(Registration.id.in_(numbers))) if numbers else ())
    }
    events = events_for_json(r.event_id for r in registrations.values())
    if configured:
        message = _l("If this phone number registered and gave an e-mail address, we have sent the ticket link to "
                     "that address. Without an e-mail address, a ticket is listed only when the phone number and "
                     "the name both match the registration.")
    else:
        message = _l("A ticket is listed only when the phone number and the name both match the registration.")
    return jsonify({
        "mail_configured": configured,
        "message": str(message),
        "tickets": [
            {
                **registration_json(registrations[number]),
                "event": event_json(events[registrations[number].event_id]),
                "ticket": ticket_links(token),
            }
            for number, token in shown
        ],
    })


@bp.post("/tickets/<token>/cancel")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def cancel_ticket(token: str):
    registration = services.find_by_token(token)
    if registration is None:
        raise services.RegistrationError("invalid_ticket", _l("This is not a valid ticket."), status=404)
    services.cancel(registration)
    db.session.commit()
    return jsonify({"status": "cancelled"})


@bp.post("/checkins")
@reads_first
def check_in():
    user = current_user._get_current_object()  # the door's busiest request: once, not through the proxy each time
    if not user.is_authenticated:
        abort(401)
    if not services.may_work_a_door(user):  # before the body: nothing to learn here
        abort(403)
    data = json_body()
    errors: dict = {}
    token = read_str(data, "token", errors, max_length=500)
    registration_id = read_int(data, "registration_id", errors)
    event_id = read_int(data, "event_id", errors)
    client_key = read_str(data, "client_key", errors, max_length=64)
    device_id = read_str(data, "device_id", errors, max_length=64)
    scanned_at = read_datetime(data, "scanned_at", errors, required=False)
    headcount = read_int(data, "headcount", errors, minimum=1)
    if token is None and registration_id is None and "token" not in errors:
        errors["token"] = _l("This field is required.")
    if errors:
        raise ValidationError(errors)
    number = services.printed_number(token) if token is not None else None
    if number is None:
        if token is not None:
            registration = services.find_by_token(token, for_door=True)
        else:
            registration = db.session.get(Registration, registration_id)
        # The event comes with the ticket (one query), unless the ticket is unknown or another's.
        if event_id is None:
            event = None
        elif registration is not None and registration.event_id == event_id:
            event = registration.event
        else:
            event = _event_or_422(event_id)
    else:
        # The number printed on a ticket counts only at its own event's door, for whoever
        # may work that door: without event_id it stands for nothing.
        event = _event_or_422(event_id) if event_id is not None else None
        if event is None:
            raise services.RegistrationError("invalid_ticket", _l("This is not a valid ticket."), status=404)
        if not services.may_work_door(user, event):
            abort(403)
        registration = services.find_for_door(event, token)
    door = event or (registration.event if registration else None)
    if door is None:  # an unknown ticket and no event: answered below, to door staff only
        if not has_role(user, "staff", "volunteer"):
            abort(403)
    elif not services.may_work_door(user, door):
        abort(403)
    else:
        event_rules.guard_event(user, door)  # staff of another branch may not work its door
    outcome = services.check_in(
        registration, event=event, actor=user, client_key=client_key, device_id=device_id,
        scanned_at=scanned_at, source="sync" if scanned_at else "door", headcount=headcount,
    )
    # SQLite's write lock is held from the insert to the commit: commit first, then build the
    # answer from what the request loaded and wrote, kept as it was (no second read).
    commit_keeping_loaded(db.session)
    body = {
        "result": outcome.result,
        "checked_in_at": iso(outcome.checked_in_at),
        "checkin_id": outcome.checkin_id,
        "conflict": outcome.conflict is not None,
        "headcount": outcome.headcount,
        # The contract's four fields, and a group's details for a group's ticket.
        "registration": {
            k: v for k, v in registration_json(outcome.registration).items()
            if k != "status" and not (k == "group" and v is None)
        },
    }
    return jsonify(body)


def _event_or_422(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise ValidationError({"event_id": _l("There is no such event.")})
    return event


@bp.delete("/checkins/<int:checkin_id>")
@role_required("staff")
def undo_check_in(checkin_id: int):
    checkin = db.get_or_404(CheckIn, checkin_id)
    event_rules.guard_event(current_user, checkin.registration.event)
    services.undo_check_in(checkin, actor=current_user)
    db.session.commit()
    return jsonify({"status": "undone"})


@bp.patch("/checkins/<int:checkin_id>")
@role_required("staff")
def correct_check_in(checkin_id: int):
    """Staff correct how many of a party came (``headcount``): audited, refused in a closed year."""
    checkin = db.get_or_404(CheckIn, checkin_id)
    event_rules.guard_event(current_user, checkin.registration.event)  # staff of another branch may not
    data = json_body()
    errors: dict = {}
    headcount = read_int(data, "headcount", errors, required=True, nullable=False)
    if errors:
        raise ValidationError(errors)
    services.correct_headcount(checkin, headcount, actor=current_user)
    body = {
        "id": checkin.id, "registration_id": checkin.registration_id, "event_id": checkin.event_id,
        "day": checkin.day.isoformat(), "headcount": checkin.headcount or checkin.registration.party_size,
    }
    db.session.commit()
    return jsonify(body)


@bp.post("/events/<int:event_id>/walkins")
def add_walkins(event_id: int):
    event = door_event(event_id, change=True)
    data = json_body()
    errors: dict = {}
    count = read_int(data, "count", errors, required=True, nullable=False, minimum=1, maximum=10000)
    client_key = read_str(data, "client_key", errors, max_length=64)
    device_id = read_str(data, "device_id", errors, max_length=64)
    scanned_at = read_datetime(data, "scanned_at", errors, required=False)
    day = read_date(data, "day", errors)
    if errors:
        raise ValidationError(errors)
    # Staff may record the walk-ins of any day of the event (history); the door counts today.
    at_the_door = not (has_role(current_user, "staff") and day is not None)
    walkin = services.add_walkins(
        event, count, actor=current_user, client_key=client_key, device_id=device_id, day=day, at_the_door=at_the_door,
        scanned_at=scanned_at,
    )
    db.session.commit()
    return created({
        "id": walkin.id, "event_id": event.id, "count": walkin.count, "day": walkin.day.isoformat(),
        "attendance": services.attendance(event).as_dict(),
    })


@bp.get("/events/<int:event_id>/attendance")
def attendance(event_id: int):
    event = door_event(event_id)
    return jsonify(services.attendance(event).as_dict())


#: A roster cursor older than this gets the whole roster again (a device that slept).
ROSTER_CURSOR_MAX_AGE = timedelta(hours=6)


def _roster_cursors() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="roster-since")


def _roster_cursor(event: Event, day: date, now: datetime) -> str:
    """Opaque to the device: the event, the day and the time of this answer, signed."""
    return _roster_cursors().dumps([event.id, day.isoformat(), int(now.timestamp() * 1_000_000)])


def _roster_since(raw: str, event: Event, day: date, now: datetime) -> datetime | None:
    """The time a cursor stands for, or None when the device should take the whole roster
    again (another event's or another day's cursor, one too old, or from the future). A
    cursor the roster never gave: 422."""
    try:
        event_id, day_text, micros = _roster_cursors().loads(raw)
        at = datetime.fromtimestamp(micros / 1_000_000, timezone.utc)
    except (BadData, TypeError, ValueError, OverflowError, OSError):
        raise ValidationError({"since": _l("This cursor is not one the roster gave: ask again without it.")}) from None
    if event_id != event.id or day_text != day.isoformat():
        return None
    if not now - ROSTER_CURSOR_MAX_AGE <= at <= now + services.ROSTER_OVERLAP:
        return None
    return at


@bp.get("/events/<int:event_id>/roster")
def roster(event_id: int):
    """What a scanner needs to keep admitting people offline: the digest of every valid
    ticket (never the token), the name and party size, and who is in already today.

    With ``since`` (the ``next_since`` of an earlier answer), only the entries changed since
    then (``full`` false): new and changed tickets, cancelled ones (status ``cancelled``, to
    drop) and today's check-ins. ``entries_total`` and ``entries_id_sum`` describe the whole
    roster, for the device to check what it merged. The ``ETag`` covers everything but the
    time and the cursor: an ``If-None-Match`` with it answers 304 when nothing changed."""
    event = door_event(event_id)
    now = clock.now()
    today = services.event_day(event, now)
    raw = request.args.get("since")
    since = _roster_since(raw, event, today, now) if raw is not None else None
    if since is None:
        rows = services.roster_entries(event, today)
        total, id_sum = len(rows), sum(row.id for row in rows)
    else:
        rows = services.roster_entries(event, today, changed_since=since - services.ROSTER_OVERLAP)
        total, id_sum = services.roster_size(event)
    body = {
        "event_id": event.id,
        "day": today.isoformat(),
        "full": since is None,
        "door_open": services.door_is_open(event, now),
        "entries": [
            {
                "id": row.id, "digest": row.ticket_digest, "name": row.name, "party_size": row.party_size,
                "status": row.status, "checked_in_at": iso(row.checked_in_at),
            }
            for row in rows
        ],
        "entries_total": total,
        "entries_id_sum": id_sum,
        "attendance": services.attendance(event, now).as_dict(),
    }
    etag = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        response = jsonify({**body, "generated_at": iso(now), "next_since": _roster_cursor(event, today, now)})
    response.set_etag(etag)
    return response


#: The query arguments that ask for the staff list (paged) rather than the door's search.
LIST_ARGS = ("page", "per_page", "sort", "status")


def _list_args(args) -> tuple[RegistrationFilter, int, int]:
    """The staff list's query, read strictly (a wrong value is a 422 naming it, never ignored)."""
    errors: dict = {}
    numbers = {}
    for name, default, maximum in (("page", 1, 1_000_000), ("per_page", listing.PER_PAGE, listing.MAX_PER_PAGE)):
        raw = args.get(name)
        if raw is None:
            numbers[name] = default
        elif not raw.isdigit() or not 1 <= int(raw) <= maximum:
            errors[name] = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=maximum)
        else:
            numbers[name] = int(raw)
    sort = args.get("sort")
    if sort is not None and sort.removeprefix("-") not in listing.SORTS:
        errors["sort"] = _l("Sort by one of: %(keys)s.", keys=", ".join(listing.SORTS))
    status = args.get("status")
    if status is not None and status not in REGISTRATION_STATUSES:
        errors["status"] = _l("Choose one of: %(values)s.", values=", ".join(REGISTRATION_STATUSES))
    if errors:
        raise ValidationError(errors)
    return RegistrationFilter.from_args(args), numbers["page"], numbers["per_page"]


@bp.get("/events/<int:event_id>/registrations")
def search(event_id: int):
    """Find a registration by name or the end of a phone number, for the door's manual search.
    With ``page``, ``per_page``, ``sort`` or ``status``, staff get the event's whole list
    instead, searched by ``q``, filtered, sorted and paged as on the event's staff page."""
    event = door_event(event_id)
    full_phone = has_role(current_user, "staff")
    if any(name in request.args for name in LIST_ARGS):
        if not full_phone:
            abort(403)
        return _registration_list(event)
    results = []
    for registration in services.search_registrations(event, request.args.get("q", "")):
        checked = services.checked_in_today(registration)
        phone = registration.phone or ""
        results.append({
            **registration_json(registration),
            "phone": phone if full_phone else (("*" * max(len(phone) - 4, 0)) + phone[-4:]),
            "checked_in_at": iso(checked.checked_in_at) if checked else None,
        })
    return jsonify({"registrations": results})


def _registration_list(event: Event):
    wanted, page, per_page = _list_args(request.args)
    found = listing.registration_page(event, wanted, page, per_page)
    today = services.event_day(event, clock.now())
    results = []
    for registration in found.items:
        checked = next((c for c in registration.checkins if c.day == today), None)
        results.append({
            **registration_json(registration),
            "phone": registration.phone or "",
            "checked_in_at": iso(checked.checked_in_at) if checked else None,
            "registered_at": iso(registration.created_at),
        })
    return jsonify({
        "registrations": results, "total": found.total, "page": found.page, "per_page": found.per_page,
        "pages": found.pages, "sort": wanted.sort_arg,
    })

"""Shifts, sign-ups, attendance and hours in the JSON API."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from outreach import clock
from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import created, iso, json_body, read_date_arg, read_datetime, read_int, read_str, window
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.timezone import library_tz, local_date
from outreach.volunteers import services
from outreach.events.access import event_to_change
from outreach.volunteers.access import current_volunteer, shift_to_change
from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile
from outreach.volunteers import documents
from outreach.volunteers.display import shift_place
from outreach.years import parse_year, year_bounds
from outreach.years import parse_decimal

bp = Blueprint("volunteers_api", __name__)

#: The longest period ``GET /shifts`` lists at once.
MAX_RANGE_DAYS = 366
#: The days ahead ``GET /shifts`` lists without ``from`` and ``to``.
UPCOMING_DAYS = 60
#: The shifts in one window of ``GET /shifts`` unless ``limit`` says otherwise: more than a
#: branch plans in its 60 days, so that an ordinary client sees everything in the first window.
DEFAULT_LIMIT = 200


# --- shapes ---------------------------------------------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    """Hours as a JSON number (3.5, not "3.50"); every value is a multiple of 0.01."""
    return float(value) if value is not None else None


def shift_json(shift: Shift, *, taken: int | None = None) -> dict:
    locale = current_locale()
    event = shift.event
    return {
        "id": shift.id,
        "event_id": shift.event_id,
        "event": {"id": event.id, "title": event.title, "display_title": event.display_title(locale)} if event else None,
        "role": shift.role,
        "starts_at": iso(shift.starts_at),
        "ends_at": iso(shift.ends_at),
        "slots": shift.slots,
        "taken": services.slots_taken(shift.id) if taken is None else taken,
        "location": shift.location,
        "place": shift_place(shift, locale) or None,
        "notes": shift.notes,
        "required_topic": shift.required_topic,
        "required_skill": shift.required_skill,
        "signup_opens_at": iso(services.signup_opens_at(shift)),
        "cancel_cutoff_hours": shift.cancel_cutoff_hours,
        "cancel_until": iso(services.cancel_cutoff(shift)),
    }


def signup_json(signup: ShiftSignup) -> dict:
    return {
        "id": signup.id,
        "shift_id": signup.shift_id,
        "volunteer_id": signup.volunteer_id,
        "status": signup.status,
        "hours": _number(signup.hours),
        "checked_in_at": iso(signup.checked_in_at),
        "checked_out_at": iso(signup.checked_out_at),
    }


def state_json(state: services.ShiftState) -> dict:
    detail = {}
    if "opens_at" in state.detail:
        detail["opens_at"] = iso(state.detail["opens_at"])
    if "topic" in state.detail:
        detail["topic"] = state.detail["topic"]
    if "skill" in state.detail:
        detail["skill"] = state.detail["skill"]
    if "other" in state.detail:
        detail["overlaps_shift_id"] = state.detail["other"].shift_id
    return {
        "state": state.code,
        "state_detail": detail,
        "can_sign_up": state.can_sign_up,
        "can_cancel": state.can_cancel,
        "signup": {"id": state.signup.id, "status": state.signup.status} if state.signup else None,
    }


# --- who is asking --------------------------------------------------------------------------------





# --- shifts -----------------------------------------------------------------------------------------


@bp.post("/events/<int:event_id>/shifts")
@role_required("staff")
def create_shift(event_id: int):
    event = event_to_change(event_id)
    data = json_body()
    errors: dict = {}
    values = {
        "role": read_str(data, "role", errors, required=True, max_length=120),
        "starts_at": read_datetime(data, "starts_at", errors),
        "ends_at": read_datetime(data, "ends_at", errors),
        "slots": read_int(data, "slots", errors, required=True, nullable=False),
        "location": read_str(data, "location", errors, max_length=200),
        "notes": read_str(data, "notes", errors, max_length=2000),
        "required_topic": read_str(data, "required_topic", errors, max_length=100),
        "required_skill": read_str(data, "required_skill", errors, max_length=100),
        "signup_opens_at": read_datetime(data, "signup_opens_at", errors, required=False),
        "cancel_cutoff_hours": read_int(data, "cancel_cutoff_hours", errors),
    }
    # Every problem at once: the service's own checks for the fields that were readable.
    for key, message in services.check_shift(values).items():
        errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)
    shift = services.create_shift(event, actor=current_user, **values)
    db.session.commit()
    return created(shift_json(shift))


@bp.get("/shifts")
def list_shifts():
    """Upcoming shifts (or those of ``from``..``to``), in windows of ``limit`` (``cursor`` for
    the next); a volunteer sees their state in each."""
    if not current_user.is_authenticated:
        abort(401)
    volunteer = services.profile_of(current_user)
    if volunteer is None and not has_role(current_user, "staff"):
        abort(403)
    errors: dict = {}
    first = read_date_arg("from", errors)
    last = read_date_arg("to", errors)
    if first and last and last < first:
        errors["to"] = _l("The end must come after the start.")
    elif (last or local_date(clock.now())) - (first or local_date(clock.now())) > timedelta(days=MAX_RANGE_DAYS):
        errors["to"] = _l("Ask for at most %(n)d days at once.", n=MAX_RANGE_DAYS)
    now = clock.now()
    if first is None and last is None:
        stmt = services.shifts_between(now, now + timedelta(days=UPCOMING_DAYS), upcoming_only=True)
    else:
        tz = library_tz()
        start = datetime.combine(first, time.min, tzinfo=tz) if first else now
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz) if last else start + timedelta(days=UPCOMING_DAYS)
        stmt = services.shifts_between(start, end)
    found = window(stmt, [Shift.starts_at, Shift.id], default_limit=DEFAULT_LIMIT, errors=errors)
    shifts = found.items
    items = []
    if volunteer is not None:
        states = services.shift_states(shifts, volunteer, now)
        for shift in shifts:
            items.append({**shift_json(shift, taken=states[shift.id].taken), **state_json(states[shift.id])})
    else:
        taken = services.slots_taken_by_shift([shift.id for shift in shifts])
        items = [shift_json(shift, taken=taken.get(shift.id, 0)) for shift in shifts]
    return jsonify({"shifts": items, "next_cursor": found.next_cursor})


@bp.post("/shifts/<int:shift_id>/signups")
def sign_up(shift_id: int):
    volunteer = current_volunteer()
    shift = db.get_or_404(Shift, shift_id)
    signup = services.sign_up(shift, volunteer)
    db.session.commit()
    return created({"id": signup.id, "status": signup.status, "shift_id": shift.id, "volunteer_id": volunteer.id})


@bp.delete("/shifts/<int:shift_id>/signups/mine")
def cancel_signup(shift_id: int):
    """Cancel one's own sign-up; cancelling again answers the same (a retried request is safe)."""
    volunteer = current_volunteer()
    shift = db.get_or_404(Shift, shift_id)
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id)
    )
    if signup is None:
        raise services.VolunteerError("not_signed_up", _l("There is no sign-up to cancel."))
    if signup.status != "cancelled":
        services.cancel_signup(signup, actor=current_user)
        db.session.commit()
    return jsonify({"status": "cancelled", "id": signup.id, "shift_id": shift.id})


@bp.post("/shifts/<int:shift_id>/attendance")
@role_required("staff")
def record_attendance(shift_id: int):
    shift = shift_to_change(db.get_or_404(Shift, shift_id))
    data = json_body()
    errors: dict = {}
    volunteer_id = read_int(data, "volunteer_id", errors, required=True, nullable=False)
    status = read_str(data, "status", errors, required=True, max_length=20)
    reason = read_str(data, "reason", errors, max_length=1000)
    hours = None
    if data.get("hours") is not None:
        value = data["hours"]
        hours = parse_decimal(value) if isinstance(value, (int, float)) else None
        if hours is None:
            errors["hours"] = _l("Enter hours from 0 to 24.")
    if errors:
        raise ValidationError(errors)
    volunteer = db.get_or_404(VolunteerProfile, volunteer_id)
    # API v1 promises corrections without a reason (the audit log keeps both entries).
    signup = services.record_attendance(
        shift, volunteer, status=status, hours=hours, actor=current_user, reason=reason, reason_required=False
    )
    db.session.commit()
    return jsonify(signup_json(signup))


# --- the volunteer's own records ------------------------------------------------------------------------


@bp.get("/volunteers/me")
def me():
    return jsonify(me_json(current_volunteer()))


@bp.patch("/volunteers/me")
def update_me():
    """The volunteer changes their own phone, skills, languages, availability or emergency
    contact (only the fields given; ``null`` clears all but the phone)."""
    volunteer = current_volunteer()
    data = json_body()
    errors: dict = {}
    values = {name: data[name] for name in services.OWN_PROFILE_FIELDS if name in data}
    for name in sorted(set(data) - set(services.OWN_PROFILE_FIELDS)):
        errors[name] = _l("This field cannot be changed here.")
    if errors:
        raise ValidationError(errors)
    services.update_own_profile(volunteer, actor=current_user, **values)
    db.session.commit()
    return jsonify(me_json(volunteer))


def me_json(volunteer: VolunteerProfile) -> dict:
    return {
        "id": volunteer.id,
        "name": volunteer.user.name,
        "status": volunteer.status,
        "email": volunteer.user.email,
        "phone": volunteer.phone,
        "skills": volunteer.skills,
        "languages": volunteer.languages,
        "availability": volunteer.availability or {},
        "emergency_contact": volunteer.emergency_contact,
        "calendar_url": url_for(
            "volunteers.shift_feed", volunteer_id=volunteer.id, token=services.calendar_token(volunteer), _external=True
        ),
    }


@bp.get("/volunteers/me/hours")
def my_hours():
    """The year's hours: each completed shift and each staff correction; ``hours`` is their sum.
    The year bounds the list (the ledger is read for that year only, in the database)."""
    volunteer = current_volunteer()
    year = parse_year(request.args.get("year"))
    start, end = year_bounds(year)
    lines = services.hours_lines(volunteer, start=start, end=end)
    return jsonify({
        "year": year,
        "hours": _number(services.total_hours(lines)),
        "shifts": [
            {"shift_id": line.shift_id, "date": line.day.isoformat(), "activity": line.activity_in(current_locale()), "role": line.role,
             "hours": _number(line.hours)}
            for line in lines if line.kind == "shift"
        ],
        "adjustments": [
            {"date": line.day.isoformat(), "hours": _number(line.hours), "reason": line.note}
            for line in lines if line.kind == "adjustment"
        ],
        "total_hours": _number(services.all_hours(services.hours_by_year(volunteer))),
    })


@bp.get("/volunteers/me/certificate.pdf")
def my_certificate():
    volunteer = current_volunteer()
    year = parse_year(request.args.get("year"))
    return documents.certificate_response(volunteer, year, current_locale())

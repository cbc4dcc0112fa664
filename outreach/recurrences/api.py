"""Recurring events in the JSON API: create a weekly pattern and its occurrences, read it, skip
a day, edit every occurrence to come. The rules are ``outreach.recurrences.services``'."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.api.helpers import created, iso, json_body, read_clock, read_date, read_str, window
from outreach.errors import ValidationError
from outreach.events.models import Event
from outreach.events.api import read_event_fields, read_partners
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.paging import Window, window_of
from outreach.recurrences import services
from outreach.recurrences.models import Recurrence

bp = Blueprint("recurrences_api", __name__)

#: Fields of one date, which the pattern gives every occurrence instead.
_ONE_DATE = (
    "starts_at", "ends_at", "daily_opens_at", "daily_closes_at", "registration_opens_at", "registration_closes_at",
)
#: Fields "edit all" leaves to each occurrence's own page.
_ONE_EVENT = ("status", "series_id", "session_number", "partners")
#: The first window of occurrences: a school year of weekdays, so that a client that reads no
#: ``next_cursor`` sees every occurrence of an ordinary pattern, as before.
OCCURRENCES_LIMIT = 200
_OCCURRENCE_ORDER = (Event.starts_at, Event.id)


def recurrence_json(recurrence: Recurrence, found: Window | None = None) -> dict:
    """The pattern with a window of its occurrences (``found``; by default the first)."""
    if found is None:
        found = window_of(_occurrences(recurrence), _OCCURRENCE_ORDER, cursor=None, limit=OCCURRENCES_LIMIT)
    named = services.naming_occurrence_of(recurrence)
    return {
        "id": recurrence.id,
        "title": named.display_title(current_locale()) if named is not None else None,
        "weekdays": [int(d) for d in recurrence.weekdays],
        "starts_on": recurrence.starts_on.isoformat(),
        "ends_on": recurrence.ends_on.isoformat(),
        "start_time": recurrence.start_time.strftime("%H:%M"),
        "end_time": recurrence.end_time.strftime("%H:%M"),
        "exceptions": [{"day": x.day.isoformat(), "reason": x.reason} for x in recurrence.exceptions],
        "occurrences": [
            {"id": e.id, "starts_at": iso(e.starts_at), "ends_at": iso(e.ends_at), "status": e.status}
            for e in found.items
        ],
        "next_cursor": found.next_cursor,
    }


def _occurrences(recurrence: Recurrence):
    return services.occurrences_query(recurrence).order_by(None)


# --- reading input ----------------------------------------------------------------------------


def _refuse(data: dict, names: tuple[str, ...], message, errors: dict) -> None:
    for name in names:
        if name in data:
            errors[name] = message


def _read_weekdays(data: dict, errors: dict) -> str | None:
    value = data.get("weekdays")
    digits = services.weekday_digits(value) if isinstance(value, list) and all(
        isinstance(day, int) for day in value
    ) else None
    if digits is None:
        errors["weekdays"] = _l("Give the days as a list of numbers from 1 (Monday) to 7 (Sunday).")
    return digits


def _read_exceptions(data: dict, errors: dict) -> list[tuple[date, str | None]]:
    value = data.get("exceptions") or []
    found = []
    for item in value if isinstance(value, list) else [None]:
        day = reason = None
        if isinstance(item, dict) and set(item) <= {"day", "reason"}:
            day = read_date(item, "day", {})
            reason = item.get("reason")
        if day is None or not (reason is None or isinstance(reason, str)):
            errors["exceptions"] = _l('Give a list of {"day": "YYYY-MM-DD", "reason": "..."}.')
            return []
        found.append((day, reason))
    return found


# --- the routes --------------------------------------------------------------------------------


@bp.post("/recurrences")
@role_required("staff")
def create_recurrence():
    """A weekly pattern and one event per date of it, all or none."""
    data = json_body()
    errors: dict = {}
    _refuse(data, _ONE_DATE, _l("Every occurrence takes this from the pattern."), errors)
    given = {k: v for k, v in data.items() if k not in _ONE_DATE}
    fields = {**services.EVENT_DEFAULTS, **read_event_fields(given, errors, creating=False)}
    fields["status"] = read_str(data, "status", errors, default="draft", max_length=32)
    for name in ("title", "type", "venue_id"):
        if data.get(name) is None:
            errors.setdefault(name, _l("This field is required."))
    pattern = {
        "weekdays": _read_weekdays(data, errors),
        "starts_on": read_date(data, "starts_on", errors),
        "ends_on": read_date(data, "ends_on", errors),
        "start_time": read_clock(data, "start_time", errors),
        "end_time": read_clock(data, "end_time", errors),
    }
    exceptions = _read_exceptions(data, errors)
    partners = read_partners(data, errors) or []
    # Shape errors and the service's rules, reported together.
    for key, message in services.check_recurrence(**pattern, exceptions=exceptions, **fields).items():
        errors.setdefault(key, message)
    if errors:
        raise ValidationError(errors)
    recurrence = services.create_recurrence(
        **pattern, exceptions=exceptions, partners=partners, actor=current_user, **fields
    )
    db.session.commit()
    return created(recurrence_json(recurrence))


@bp.get("/recurrences/<int:recurrence_id>")
@role_required("staff")
def get_recurrence(recurrence_id: int):
    """The pattern and its occurrences by start, in windows (``limit``, ``cursor``)."""
    recurrence = db.get_or_404(Recurrence, recurrence_id)
    found = window(_occurrences(recurrence), _OCCURRENCE_ORDER, default_limit=OCCURRENCES_LIMIT)
    return jsonify(recurrence_json(recurrence, found))


@bp.post("/recurrences/<int:recurrence_id>/exceptions")
@role_required("staff")
def add_exception(recurrence_id: int):
    """Skip a day: its occurrence is cancelled (registrants told) or, an untouched draft, deleted."""
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    data = json_body()
    errors: dict = {}
    day = read_date(data, "day", errors)
    if day is None:
        errors.setdefault("day", _l("This field is required."))
    reason = read_str(data, "reason", errors, max_length=2 * services.REASON_MAX)
    if errors:
        raise ValidationError(errors)
    services.add_exception(recurrence, day, reason, actor=current_user)
    db.session.commit()
    return created(recurrence_json(recurrence))


@bp.patch("/recurrences/<int:recurrence_id>")
@role_required("staff")
def update_recurrence(recurrence_id: int):
    """Edit every occurrence to come (from ``from_day``, default today): the fields given, and
    the time of day. All or none."""
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    data = json_body()
    errors: dict = {}
    _refuse(data, _ONE_DATE + _ONE_EVENT, _l("Change this on each occurrence's own page (PATCH /events/{id})."), errors)
    changes = read_event_fields(
        {k: v for k, v in data.items() if k not in _ONE_DATE + _ONE_EVENT}, errors, creating=False
    )
    for name in ("start_time", "end_time"):
        if name in data:
            changes[name] = read_clock(data, name, errors)
            if changes[name] is None:
                errors.setdefault(name, _l("Give a time of day as HH:MM."))
    from_day = read_date(data, "from_day", errors)
    if errors:
        raise ValidationError(errors)
    count = services.update_all(recurrence, actor=current_user, from_day=from_day, **changes)
    db.session.commit()
    return jsonify({"changed": count, **recurrence_json(recurrence)})

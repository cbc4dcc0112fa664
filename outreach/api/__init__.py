"""The JSON API, version 1: one parent blueprint at /api/v1 that each area's api.py nests in."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.auth import bearer_token
from outreach.errors import OutreachError, ValidationError
from outreach.extensions import csrf
from outreach.timezone import library_tz, local

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class ApiError(OutreachError):
    pass


@bp.before_request
def authenticate():
    """A bearer token must be valid when sent. Browser calls that ride on the session cookie
    (the scanner page) must carry the CSRF token in ``X-CSRFToken`` for every write."""
    if bearer_token(request) is not None:
        if not current_user.is_authenticated:
            raise ApiError("invalid_token", _l("The API token is not valid."), status=401)
        return
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        csrf.protect()


@bp.after_request
def no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def json_body() -> dict:
    """The request's JSON object; 415 when it is not JSON, 422 when it is not an object."""
    if not request.is_json:
        abort(415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"body": _l("Send a JSON object.")}, message=_l("The body is not a JSON object."))
    return data


# --- reading input: each returns the value or records a message in ``errors`` ----------


def read_datetime(data: dict, field: str, errors: dict, *, required: bool = True) -> datetime | None:
    """ISO 8601; a time without an offset is in the library's time zone."""
    value = data.get(field)
    if value is None:
        if required:
            errors[field] = _l("This field is required.")
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        errors[field] = _l("Give a date and time in ISO 8601, such as 2026-12-05T14:30:00+08:00.")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=library_tz())
    return parsed


def read_clock(data: dict, field: str, errors: dict) -> time | None:
    """A time of day, "HH:MM", in library time (daily opening hours)."""
    value = data.get(field)
    if value is None:
        return None
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        errors[field] = _l("Give a time of day as HH:MM.")
        return None


def read_int(data: dict, field: str, errors: dict, *, required: bool = False, nullable: bool = True,
             default=None, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if field not in data:
        if required:
            errors[field] = _l("This field is required.")
        return default
    value = data[field]
    if value is None:
        if not nullable:
            errors[field] = _l("This field is required.")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _l("Enter a whole number.")
        return None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            errors[field] = _l("Enter a whole number of %(min)d or more.", min=minimum)
        else:
            errors[field] = _l("Enter a whole number from %(min)d to %(max)d.", min=minimum, max=maximum)
        return None
    return value


def read_str(data: dict, field: str, errors: dict, *, required: bool = False, max_length: int = 200,
             default=None) -> str | None:
    if field not in data or data[field] is None:
        if required:
            errors[field] = _l("This field is required.")
        return default
    value = data[field]
    if not isinstance(value, str):
        errors[field] = _l("Enter text.")
        return None
    value = value.strip()
    if required and not value:
        errors[field] = _l("This field is required.")
        return None
    if len(value) > max_length:
        errors[field] = _l("Use at most %(n)d characters.", n=max_length)
        return None
    return value or None


def read_date_arg(name: str, errors: dict) -> date | None:
    value = request.args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _l("Give a date as YYYY-MM-DD.")
        return None


def iso(value: datetime | None) -> str | None:
    """A time in the library's zone, with its offset."""
    return local(value).isoformat() if value else None


def created(payload: dict):
    return jsonify(payload), 201


def register_areas() -> None:
    """Nest each area's API blueprint under /api/v1 (once per process; the factory calls it)."""
    if bp._blueprints:
        return
    from outreach.api import openapi
    from outreach.competitions.api import bp as competitions_api
    from outreach.events.api import bp as events_api
    from outreach.places.api import bp as places_api
    from outreach.recurrences.api import bp as recurrences_api
    from outreach.registration.api import bp as registration_api
    from outreach.reports.annual_api import bp as reports_annual_api
    from outreach.reports.api import bp as reports_api
    from outreach.volunteers.api import bp as volunteers_api

    for child in (
        events_api, registration_api, volunteers_api, competitions_api, places_api, recurrences_api, reports_api,
        reports_annual_api, openapi.bp,
    ):
        csrf.exempt(child)  # nested blueprints are not covered by the parent's exemption
        bp.register_blueprint(child)

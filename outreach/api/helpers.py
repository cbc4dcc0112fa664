"""What every area's JSON API shares: the error it raises, reading a JSON body and its fields, and
writing times and 201 answers. A leaf of the platform layer: it imports no area."""

from __future__ import annotations

from datetime import date, datetime, time

from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l

from outreach.errors import OutreachError, ValidationError
from outreach.text import clean_strings
from outreach.timezone import library_tz, local


class ApiError(OutreachError):
    pass


def json_body() -> dict:
    """The request's JSON object, every string in it without NUL characters (as from a form);
    415 when it is not JSON, 422 when it is not an object."""
    if not request.is_json:
        abort(415)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationError({"body": _l("Send a JSON object.")}, message=_l("The body is not a JSON object."))
    return clean_strings(data)


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


def _parse_date(value, field: str, errors: dict) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _l("Give a date as YYYY-MM-DD.")
        return None


def read_date(data: dict, field: str, errors: dict) -> date | None:
    """A date in a JSON body as YYYY-MM-DD; None when absent."""
    value = data.get(field)
    return None if value is None else _parse_date(value, field, errors)


def read_date_arg(name: str, errors: dict, args=None) -> date | None:
    """A date in the query string (``args``, the request's by default) as YYYY-MM-DD."""
    value = (request.args if args is None else args).get(name)
    return _parse_date(value, name, errors) if value else None


def iso(value: datetime | None) -> str | None:
    """A time in the library's zone, with its offset."""
    return local(value).isoformat() if value else None


def created(payload: dict):
    return jsonify(payload), 201

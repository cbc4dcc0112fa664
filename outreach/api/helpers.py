"""What every area's JSON API shares: the error it raises, reading a JSON body and its fields, and
writing times and 201 answers. A leaf of the platform layer: it imports no area."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from flask import abort, jsonify, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from outreach.errors import OutreachError, ValidationError
from outreach.paging import MAX_LIMIT, BadCursor, Window, window_of
from outreach.text import clean_strings
from outreach.timezone import library_tz, local
from outreach.years import (
    DATE_YEARS,
    INT_MAX,
    date_range_message,
    in_date_range,
    is_yyyy_mm_dd,
    parse_date,
)

#: How deeply a JSON body may nest arrays and objects (the deepest the API reads is 3).
MAX_JSON_DEPTH = 32


class ApiError(OutreachError):
    pass


def json_body() -> dict:
    """The request's JSON object, every string in it cleaned as from a form (``clean_strings``).
    415 when it is not JSON; 400 ``bad_request`` when it cannot be read (empty, not UTF-8, not
    JSON, nested deeper than ``MAX_JSON_DEPTH``); 413 when larger than ``MAX_CONTENT_LENGTH``
    (chunked bodies included: Werkzeug limits the stream); 422 when it is JSON but not an object."""
    if not request.is_json:
        abort(415)
    raw = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH: Werkzeug and refuse_oversized_request
    try:
        if _nesting(raw) > MAX_JSON_DEPTH:
            raise ValueError("nested too deeply")
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadRequest(description=str(error)) from None
    if not isinstance(data, dict):
        raise ValidationError({"body": _l("Send a JSON object.")}, message=_l("The body is not a JSON object."))
    return clean_strings(data)


def _nesting(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in ``raw`` JSON text, brackets inside strings
    not counted; measured before parsing, so that 50,000 brackets cost no recursion."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


# --- reading input: each returns the value or records a message in ``errors`` ----------


def read_datetime(data: dict, field: str, errors: dict, *, required: bool = True) -> datetime | None:
    """ISO 8601; a time without an offset is in the library's time zone. Within ``DATE_YEARS``
    (1900 to 2100), far from the calendar's edges where converting between zones overflows."""
    value = data.get(field)
    if value is None:
        if required:
            errors[field] = _l("This field is required.")
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        errors[field] = _l("Give a date and time in ISO 8601, such as 2026-12-05T14:30:00+08:00.")
        return None
    if not in_date_range(parsed):
        errors[field] = date_range_message()
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
    """A whole number (a JSON integer, not text, not a boolean), never beyond what the database
    holds (``INT_MAX`` either way) whatever ``maximum`` says."""
    maximum = INT_MAX if maximum is None else min(maximum, INT_MAX)
    minimum = -INT_MAX if minimum is None else max(minimum, -INT_MAX)
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
    if not minimum <= value <= maximum:
        if maximum == INT_MAX and value < minimum:
            errors[field] = _l("Enter a whole number of %(min)d or more.", min=minimum)
        else:
            errors[field] = _l("Enter a whole number from %(min)d to %(max)d.", min=minimum, max=maximum)
        return None
    return value


def read_str(data: dict, field: str, errors: dict, *, required: bool = False, max_length: int = 200,
             default=None, too_long=None) -> str | None:
    """Text of at most ``max_length`` characters, the rule itself (a message must never name a
    number the rule does not have); ``too_long`` replaces the message for longer text."""
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
        errors[field] = too_long or _l("Use at most %(n)d characters.", n=max_length)
        return None
    return value or None


def _parse_date(value, field: str, errors: dict) -> date | None:
    parsed = parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        errors[field] = date_range_message() if is_yyyy_mm_dd(value) else _l("Give a date as YYYY-MM-DD.")
    return parsed


def read_date(data: dict, field: str, errors: dict) -> date | None:
    """A date in a JSON body as YYYY-MM-DD; None when absent."""
    value = data.get(field)
    return None if value is None else _parse_date(value, field, errors)


def read_date_arg(name: str, errors: dict, args=None) -> date | None:
    """A date in the query string (``args``, the request's by default) as YYYY-MM-DD."""
    value = (request.args if args is None else args).get(name)
    return _parse_date(value, name, errors) if value else None


def read_limit_arg(errors: dict, *, default: int, maximum: int = MAX_LIMIT, args=None) -> int:
    """``limit`` in the query string: a whole number from 1 to ``maximum``; ``default`` when absent."""
    raw = (request.args if args is None else args).get("limit")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        errors["limit"] = _l("Give a whole number from 1 to %(maximum)d.", maximum=maximum)
        return default
    return int(raw)


def window(stmt, order, *, default_limit: int, descending: bool = False, errors: dict | None = None) -> Window:
    """One window of an API list read from the query string's ``limit`` and ``cursor``
    (``outreach.paging.window_of``). A wrong value is a 422 naming it, together with ``errors``
    the caller gathered."""
    errors = {} if errors is None else errors
    limit = read_limit_arg(errors, default=default_limit)
    if errors:
        raise ValidationError(errors)
    try:
        return window_of(stmt, order, cursor=request.args.get("cursor") or None, limit=limit, descending=descending)
    except BadCursor:
        raise ValidationError({"cursor": _l("This cursor does not belong to this list: start again without it.")}) from None


def iso(value: datetime | None) -> str | None:
    """A time in the library's zone with its offset, as RFC 3339 wants it: whole minutes.
    Before standard time a zone's offset is its local mean time (Asia/Shanghai before 1901:
    +08:05:43), which RFC 3339 cannot write; such a time is given in the zone's standard offset."""
    if not value:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=library_tz())
    try:
        moment = local(value)
    except OverflowError:  # at the calendar's edge: as stored
        return value.isoformat()
    offset = moment.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        standard = library_tz().utcoffset(datetime(DATE_YEARS[1], 1, 1))
        try:
            moment = value.astimezone(timezone(standard))
        except OverflowError:
            return value.isoformat()
    return moment.isoformat()


def created(payload: dict):
    return jsonify(payload), 201

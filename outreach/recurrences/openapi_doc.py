"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import NEXT_CURSOR, STAFF, errors, json_response, ref, window_parameters
from outreach.events.models import BUFFER_MINUTES_MAX, TITLE_MAX
from outreach.recurrences.api import OCCURRENCES_LIMIT

_ROOM_BOOKED = (
    "409 `room_booked` when the room is taken at this time on some of the dates: the message names "
    "them all and nothing is changed, unless `booking_override_reason` is given."
)
_OCCURRENCE_FIELDS = {
    "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
    "title_en": {"type": ["string", "null"], "maxLength": TITLE_MAX},
    "description": {"type": ["string", "null"]},
    "description_en": {"type": ["string", "null"]},
    "type": {"type": "string", "enum": ["lecture", "exhibition", "competition", "activity", "visit", "training", "class"]},
    "venue_id": {"type": "integer"},
    "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "For each occurrence; null: no limit."},
    "registration": {"type": "string", "enum": ["open", "none"], "default": "open"},
    "max_party_size": {"type": "integer", "minimum": 1, "default": 100},
    "checkin_opens_minutes": {"type": "integer", "minimum": 0, "maximum": 10080, "default": 120},
    "audience": {"type": "string", "enum": ["all", "children", "teens", "adults", "seniors", "families", "staff"]},
    "speaker": {"type": ["string", "null"], "maxLength": 120},
    "speaker_bio": {"type": ["string", "null"], "maxLength": 5000},
    "speaker_bio_en": {"type": ["string", "null"], "maxLength": 5000},
    "questions": {"type": ["array", "null"], "maxItems": 10, "items": {"$ref": "#/components/schemas/Question"}},
    "setup_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "default": 0},
    "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "default": 0},
    "booking_override_reason": {
        "type": ["string", "null"], "maxLength": 500,
        "description": "Why the room is booked anyway on the dates it is taken (kept only where needed, audited).",
    },
}
_CLOCK = {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "description": "Library time of day.", "examples": ["15:30"]}
_DATE = {"type": "string", "format": "date"}


def paths() -> dict:
    recurrence_id = {"name": "recurrence_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/recurrences": {
            "post": {
                "summary": "Create a weekly event (三点半课堂) and its occurrences",
                "description": "One event per date of the pattern, less the exceptions; each is an ordinary event "
                "(`GET /events/{id}`). With a series, the occurrences are numbered on from `session_number` "
                "(default: the series' next). All or none. " + _ROOM_BOOKED,
                "tags": ["recurrences"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RecurrenceIn")}}},
                "responses": {
                    "201": json_response(ref("Recurrence"), "The pattern and its occurrences"),
                    **errors(401, 403, 409, 415, 422),
                },
            },
        },
        "/recurrences/{recurrence_id}": {
            "get": {
                "summary": "A weekly event: its pattern, exceptions and occurrences",
                "description": "The occurrences by start, in windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["recurrences"],
                "security": STAFF,
                "parameters": [recurrence_id, *window_parameters(OCCURRENCES_LIMIT)],
                "responses": {"200": json_response(ref("Recurrence"), "The weekly event"), **errors(401, 403, 404, 422)},
            },
            "patch": {
                "summary": "Edit every occurrence to come",
                "description": "Changes the fields given, and the time of day, on every occurrence from `from_day` "
                "(default today) that has not started and is neither cancelled nor completed; a new time becomes "
                "the pattern's. One occurrence alone is edited with `PATCH /events/{id}`. All or none. "
                + _ROOM_BOOKED,
                "tags": ["recurrences"],
                "security": STAFF,
                "parameters": [recurrence_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RecurrencePatch")}}},
                "responses": {
                    "200": json_response(
                        {"allOf": [ref("Recurrence"), {"type": "object", "required": ["changed"], "properties": {
                            "changed": {"type": "integer", "description": "Occurrences changed."},
                        }}]},
                        "The weekly event after the change",
                    ),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            },
        },
        "/recurrences/{recurrence_id}/exceptions": {
            "post": {
                "summary": "Skip a day (a holiday)",
                "description": "The occurrence of that day is cancelled, and its registrants who gave an e-mail "
                "address are told with the reason; a draft with no registration or volunteer shift is deleted. "
                "409 `exception_exists` when the day is skipped already, `occurrence_started` when its "
                "occurrence has begun; 422 when the pattern has no such day, and 422 with `fields.reason` "
                "when registrants are told and no `reason` is given (nothing changes).",
                "tags": ["recurrences"],
                "security": STAFF,
                "parameters": [recurrence_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RecurrenceExceptionIn")}}},
                "responses": {
                    "201": json_response(ref("Recurrence"), "The weekly event with the day skipped"),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            },
        },
    }


def schemas() -> dict:
    weekdays = {
        "type": "array", "minItems": 1, "maxItems": 7, "uniqueItems": True,
        "items": {"type": "integer", "minimum": 1, "maximum": 7},
        "description": "ISO weekdays: 1 Monday to 7 Sunday.", "examples": [[1, 2, 3, 4, 5]],
    }
    exception = {
        "type": "object",
        "required": ["day"],
        "properties": {"day": _DATE, "reason": {"type": ["string", "null"], "maxLength": 120, "examples": ["国庆节"]}},
    }
    return {
        "Recurrence": {
            "type": "object",
            "required": ["id", "weekdays", "starts_on", "ends_on", "start_time", "end_time", "exceptions", "occurrences", "next_cursor"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": ["string", "null"], "description": "The first occurrence's title, in the request's language."},
                "weekdays": weekdays,
                "starts_on": _DATE,
                "ends_on": _DATE,
                "start_time": _CLOCK,
                "end_time": _CLOCK,
                "exceptions": {"type": "array", "items": exception},
                "next_cursor": NEXT_CURSOR,
                "occurrences": {
                    "type": "array",
                    "description": "The occurrences, cancelled ones too, by start: the first window, or the one "
                    "after `cursor` (the others after this answer's `next_cursor`).",
                    "items": {
                        "type": "object",
                        "required": ["id", "starts_at", "ends_at", "status"],
                        "properties": {
                            "id": {"type": "integer", "description": "The event's id."},
                            "starts_at": {"type": "string", "format": "date-time"},
                            "ends_at": {"type": "string", "format": "date-time"},
                            "status": {"type": "string", "enum": ["draft", "published", "completed", "cancelled"]},
                        },
                    },
                },
            },
        },
        "RecurrenceIn": {
            "type": "object",
            "required": ["title", "type", "venue_id", "weekdays", "starts_on", "ends_on", "start_time", "end_time"],
            "properties": {
                **_OCCURRENCE_FIELDS,
                "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
                "series_id": {"type": ["integer", "null"]},
                "session_number": {"type": ["integer", "null"], "minimum": 1, "description": "The first occurrence's."},
                "weekdays": weekdays,
                "starts_on": _DATE,
                "ends_on": {**_DATE, "description": "Included; a year at most after `starts_on`, 370 occurrences at most."},
                "start_time": _CLOCK,
                "end_time": _CLOCK,
                "exceptions": {"type": "array", "items": exception, "description": "Days without an occurrence."},
                "partners": {
                    "type": "array", "description": "Every occurrence's partners.",
                    "items": {
                        "type": "object", "required": ["partner_id", "role"],
                        "properties": {
                            "partner_id": {"type": "integer"},
                            "role": {"type": "string", "enum": ["co_organiser", "sponsor", "naming_sponsor", "host"]},
                        },
                    },
                },
            },
        },
        "RecurrencePatch": {
            "type": "object",
            "description": "Only the fields given change.",
            "properties": {
                **_OCCURRENCE_FIELDS,
                "start_time": _CLOCK,
                "end_time": _CLOCK,
                "from_day": {**_DATE, "description": "The first day changed; default today."},
            },
        },
        "RecurrenceExceptionIn": exception,
    }

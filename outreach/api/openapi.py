"""The OpenAPI 3.1 description of the JSON API (``GET /api/v1/openapi.json``).

Every route under /api/v1 must appear here; ``tests/api/test_openapi.py`` checks it against
the URL map, so a new route without its description fails the suite.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from outreach.competitions import openapi_doc as competitions_doc
from outreach.places import openapi_doc as places_doc
from outreach.recurrences import openapi_doc as recurrences_doc
from outreach.reports import annual_openapi_doc as reports_annual_doc
from outreach.reports import openapi_doc as reports_doc

bp = Blueprint("openapi", __name__)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    names = {
        400: "Bad request",
        401: "Not signed in, or the token is not valid",
        403: "The account's role does not allow this",
        404: "No such record",
        409: "Conflicts with the current state",
        415: "The body is not JSON",
        422: "Validation failed; `fields` says which",
        429: "Rate limited (`rate_limited`)",
    }
    return {str(s): {"$ref": f"#/components/responses/{s}"} for s in statuses if s in names}


STAFF = [{"bearer": []}]
PUBLIC: list = []

EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The ticket token."}

DATE_QUERY = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "First day (library time)."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Last day, included."},
]


def spec() -> dict:
    event_types = ["lecture", "exhibition", "competition", "activity", "visit", "training", "class"]
    error_schema = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["validation_error"]},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    }
    venue = {
        "type": "object",
        "required": ["id", "name", "branch", "capacity"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "name_en": {"type": ["string", "null"]},
            "display_name": {"type": "string", "description": "The name in the request's language."},
            "branch": {"type": ["string", "null"], "description": "The branch's name."},
            "branch_id": {"type": ["integer", "null"]},
            "kind": {"type": "string", "enum": ["room", "hall", "exhibition", "outdoor", "external", "online"]},
            "capacity": {"type": ["integer", "null"], "minimum": 0},
        },
    }
    venue_in = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 120},
            "name_en": {"type": "string", "maxLength": 120},
            "branch": {"type": ["integer", "string"], "description": "A branch's id or name."},
            "capacity": {"type": ["integer", "null"], "minimum": 0},
        },
    }
    event = {
        "type": "object",
        "required": ["id", "title", "type", "status", "starts_at", "ends_at", "venue_id", "capacity", "registration"],
        "properties": {
            "id": {"type": "integer"},
            "type": {"type": "string", "enum": event_types},
            "status": {"type": "string", "enum": ["draft", "published", "completed", "cancelled"]},
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "title_en": {"type": ["string", "null"]},
            "display_title": {"type": "string", "description": "The title in the request's language."},
            "description": {"type": ["string", "null"]},
            "description_en": {"type": ["string", "null"]},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "daily_opens_at": {"type": ["string", "null"], "examples": ["09:00"]},
            "daily_closes_at": {"type": ["string", "null"], "examples": ["17:00"]},
            "venue_id": {"type": "integer"},
            "venue": _ref("Venue"),
            "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "People; null means no limit."},
            "registration": {"type": "string", "enum": ["open", "none"]},
            "max_party_size": {"type": "integer", "minimum": 1},
            "checkin_opens_minutes": {"type": "integer", "minimum": 0},
            "audience": {"type": "string", "enum": ["all", "children", "teens", "adults", "seniors", "families", "staff"]},
            "series": {
                "type": ["object", "null"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]}},
            },
            "session_number": {"type": ["integer", "null"], "minimum": 1},
            "speaker": {"type": ["string", "null"]},
            "speaker_bio": {"type": ["string", "null"]},
            "speaker_bio_en": {"type": ["string", "null"]},
            "setup_minutes": {"type": "integer", "minimum": 0, "maximum": 1440, "description": "The room is taken this long before the start."},
            "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": 1440, "description": "And this long after the end."},
            "booking_override_reason": {"type": ["string", "null"], "description": "Why the event was kept although its room was booked."},
            "recurrence_id": {"type": ["integer", "null"], "description": "The weekly pattern this event is an occurrence of."},
            "round": {
                "type": ["object", "null"],
                "description": "The competition round this event is a sitting of.",
                "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]},
                    "competition_id": {"type": "integer"},
                },
            },
            "exhibits": {"type": "array", "items": _ref("Exhibit"), "description": "An exhibition's works, in catalogue order."},
            "registration_opens_at": {"type": ["string", "null"], "format": "date-time"},
            "registration_closes_at": {"type": ["string", "null"], "format": "date-time"},
            "questions": {"type": "array", "items": _ref("Question")},
            "partners": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "partner_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "name_en": {"type": ["string", "null"]},
                        "role": {"type": "string", "enum": ["co_organiser", "sponsor", "naming_sponsor", "host"]},
                    },
                },
            },
            "url": {"type": "string", "format": "uri", "description": "The public event page."},
        },
    }
    event_in = {
        "type": "object",
        "required": ["title", "type", "starts_at", "ends_at", "venue_id"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "title_en": {"type": "string", "maxLength": 200},
            "description": {"type": "string"},
            "description_en": {"type": "string"},
            "type": {"type": "string", "enum": event_types},
            "starts_at": {"type": "string", "format": "date-time", "description": "Without an offset: library time."},
            "ends_at": {"type": "string", "format": "date-time"},
            "venue_id": {"type": "integer"},
            "capacity": {"type": ["integer", "null"], "minimum": 0},
            "registration": {"type": "string", "enum": ["open", "none"], "default": "open"},
            "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
            "max_party_size": {"type": "integer", "minimum": 1, "default": 100},
            "checkin_opens_minutes": {"type": "integer", "minimum": 0, "maximum": 10080, "default": 120},
            "audience": {"type": "string", "default": "all"},
            "series_id": {"type": "integer"},
            "session_number": {"type": "integer", "minimum": 1},
            "speaker": {"type": "string", "maxLength": 120},
            "daily_opens_at": {"type": "string", "examples": ["09:00"], "description": "Daily opening hours of a multi-day event."},
            "daily_closes_at": {"type": "string", "examples": ["17:00"]},
            "registration_opens_at": {"type": "string", "format": "date-time"},
            "registration_closes_at": {"type": "string", "format": "date-time"},
            "questions": {"type": "array", "maxItems": 10, "items": _ref("Question")},
            "speaker_bio": {"type": "string", "maxLength": 5000},
            "speaker_bio_en": {"type": "string", "maxLength": 5000},
            "setup_minutes": {"type": "integer", "minimum": 0, "maximum": 1440, "default": 0},
            "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": 1440, "default": 0},
            "booking_override_reason": {
                "type": "string", "maxLength": 500,
                "description": "Needed only when the room is booked at that time (else 409 `room_booked`).",
            },
            "partners": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["partner_id", "role"],
                    "properties": {
                        "partner_id": {"type": "integer"},
                        "role": {"type": "string", "enum": ["co_organiser", "sponsor", "naming_sponsor", "host"]},
                    },
                },
            },
        },
    }
    event_patch = {
        "type": "object",
        "description": "Any of the fields of EventIn but `status`; only those given change.",
        "properties": {name: value for name, value in event_in["properties"].items() if name != "status"},
    }
    exhibit = {
        "type": "object",
        "required": ["title", "creator"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "position": {"type": "integer", "readOnly": True, "description": "The place in the catalogue, from 1."},
            "title": {"type": "string", "minLength": 1, "maxLength": 200},
            "creator": {"type": "string", "minLength": 1, "maxLength": 120},
            "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
            "school": {"type": ["string", "null"], "maxLength": 120},
            "note": {"type": ["string", "null"], "maxLength": 500},
        },
    }

    paths = {
        "/venues": {
            "get": {
                "summary": "List venues",
                "tags": ["venues"],
                "security": STAFF,
                "responses": {
                    "200": _json({"type": "object", "properties": {"venues": {"type": "array", "items": _ref("Venue")}}}, "The venues"),
                    **_errors(401, 403),
                },
            },
            "post": {
                "summary": "Add a venue",
                "tags": ["venues"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("VenueIn")}}},
                "responses": {"201": _json(_ref("Venue"), "The new venue"), **_errors(401, 403, 409, 415, 422)},
            },
        },
        "/events": {
            "get": {
                "summary": "List events",
                "description": "Public: every event but drafts (completed and cancelled ones keep their status). Staff: all.",
                "tags": ["events"],
                "security": [{"bearer": []}, {}],
                "parameters": DATE_QUERY + [{"name": "type", "in": "query", "schema": {"type": "string", "enum": event_types}}],
                "responses": {
                    "200": _json({"type": "object", "properties": {"events": {"type": "array", "items": _ref("Event")}}}, "The events, by start time"),
                    **_errors(422, 429),
                },
            },
            "post": {
                "summary": "Create an event",
                "description": "Staff may create events in the past, to record what happened.",
                "tags": ["events"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("EventIn")}}},
                "responses": {"201": _json(_ref("Event"), "The new event"), **_errors(401, 403, 409, 415, 422)},
            },
        },
        "/events/{event_id}": {
            "get": {
                "summary": "One event",
                "tags": ["events"],
                "security": [{"bearer": []}, {}],
                "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json(_ref("Event"), "The event"), **_errors(404)},
            },
            "patch": {
                "summary": "Change an event's details",
                "description": "Only the fields given change. A new room or time is checked for double-booking "
                "(409 `room_booked` unless `booking_override_reason` is given).",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("EventPatch")}}},
                "responses": {"200": _json(_ref("Event"), "The event"), **_errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/events/{event_id}/status": {
            "post": {
                "summary": "Publish, complete or cancel an event",
                "description": "draft → published → completed; draft or published → cancelled (registrants who gave "
                "an e-mail address are told, with `reason`). Other steps: 409 `bad_status`.",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status"],
                    "properties": {
                        "status": {"type": "string", "enum": ["published", "completed", "cancelled"]},
                        "reason": {"type": "string", "maxLength": 500},
                    },
                }}}},
                "responses": {"200": _json(_ref("Event"), "The event"), **_errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/events/{event_id}/exhibits": {
            "post": {
                "summary": "Add works to an exhibition's catalogue",
                "description": "All or none; 409 `not_an_exhibition` for other events.",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["exhibits"],
                    "properties": {"exhibits": {"type": "array", "minItems": 1, "maxItems": 1000, "items": _ref("Exhibit")}},
                }}}},
                "responses": {
                    "201": _json({"type": "object", "properties": {"exhibits": {"type": "array", "items": _ref("Exhibit")}}}, "The works added"),
                    **_errors(401, 403, 404, 409, 415, 422),
                },
            }
        },
        "/events/{event_id}/registrations": {
            "post": {
                "summary": "Register for an event",
                "description": "Public and rate-limited. Confirmed while the whole party fits the capacity, else "
                "waitlisted. Send an `Idempotency-Key` header to make retries safe: a repeated key answers 200 "
                "with the first registration.",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [EVENT_ID, {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string", "minLength": 8, "maxLength": 64}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RegistrationIn")}}},
                "responses": {
                    "201": _json(_ref("RegistrationCreated"), "Registered"),
                    "200": _json(_ref("RegistrationCreated"), "The registration an earlier request with this key made"),
                    **_errors(404, 409, 415, 422, 429),
                },
            },
            "get": {
                "summary": "Find registrations by name or phone (the door's manual search)",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID, {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {"registrations": {"type": "array", "items": _ref("Registration")}}}, "Matches"), **_errors(401, 403, 404)},
            },
        },
        "/tickets/{token}": {
            "get": {
                "summary": "A ticket's registration and event",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [TOKEN],
                "responses": {"200": _json(_ref("Registration"), "The ticket"), **_errors(404, 429)},
            }
        },
        "/tickets/{token}/cancel": {
            "post": {
                "summary": "Cancel a registration by its ticket",
                "description": "The token is the credential. Cancelling twice is not an error. Frees the seats for the waiting list.",
                "tags": ["registrations"],
                "security": PUBLIC,
                "parameters": [TOKEN],
                "responses": {
                    "200": _json({"type": "object", "properties": {"status": {"const": "cancelled"}}}, "Cancelled"),
                    **_errors(404, 409, 429),
                },
            }
        },
        "/checkins": {
            "post": {
                "summary": "Check a ticket in",
                "description": "Staff, or a volunteer on a shift of the event. One check-in admits the whole party, once a day. "
                "Errors: `invalid_ticket` (404), `cancelled`, `waitlisted`, `wrong_event`, `checkin_closed` (409).",
                "tags": ["check-in"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("CheckInIn")}}},
                "responses": {"200": _json(_ref("CheckInResult"), "Admitted, or admitted already"), **_errors(400, 401, 403, 404, 409, 415, 422)},
            }
        },
        "/checkins/{checkin_id}": {
            "delete": {
                "summary": "Undo a mistaken check-in (audited)",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [{"name": "checkin_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json({"type": "object", "properties": {"status": {"const": "undone"}}}, "Undone"), **_errors(401, 403, 404)},
            }
        },
        "/events/{event_id}/walkins": {
            "post": {
                "summary": "Count people admitted without a ticket",
                "description": "At the door while check-in is open; staff may give a `day` of the event to record history.",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("WalkInIn")}}},
                "responses": {"201": _json(_ref("WalkIn"), "Counted"), **_errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/events/{event_id}/attendance": {
            "get": {
                "summary": "An event's attendance",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "responses": {"200": _json(_ref("Attendance"), "Counts of people"), **_errors(401, 403, 404)},
            }
        },
        "/events/{event_id}/roster": {
            "get": {
                "summary": "What a scanner needs to keep working offline",
                "description": "The SHA-256 digest of every valid ticket (never the token), names, party sizes and today's check-ins.",
                "tags": ["check-in"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "responses": {"200": _json(_ref("Roster"), "The roster"), **_errors(401, 403, 404)},
            }
        },
        **volunteer_paths(),
        **competitions_doc.paths(),
        **places_doc.paths(),
        **recurrences_doc.paths(),
        **reports_doc.paths(),
        **reports_annual_doc.paths(),
        "/events/{event_id}/duplicate": {
            "post": {
                "summary": "Duplicate an event as a draft",
                "description": "Same details and length, registration window and volunteer shifts moved along; "
                "the next session number of its series; registrations are not copied.",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["starts_at"],
                    "properties": {"starts_at": {"type": "string", "format": "date-time"}},
                }}}},
                "responses": {"201": _json(_ref("Event"), "The draft copy"), **_errors(401, 403, 404, 415, 422)},
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "This description",
                "tags": ["meta"],
                "security": PUBLIC,
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
            }
        },
    }
    responses = {
        str(status): _json(_ref("Error"), text)
        for status, text in {
            400: "Bad request",
            401: "Not signed in, or the token is not valid (`unauthorized`, `invalid_token`)",
            403: "The account's role does not allow this (`forbidden`)",
            404: "No such record (`not_found`)",
            409: "Conflicts with the current state",
            415: "The body is not JSON (`unsupported_media_type`)",
            422: "Validation failed (`validation_error`); `fields` holds a message per field",
            429: "Too many requests from this address (`rate_limited`)",
        }.items()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Outreach API",
            "version": "1",
            "description": "Events, registrations, check-in, volunteers and attendance totals of a public library's "
            "outreach programme. Times are ISO 8601; a time without an offset is in the library's time zone.",
        },
        "servers": [{"url": request.host_url.rstrip("/") + "/api/v1"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "`flask users token EMAIL`"}},
            "schemas": {
                "Error": error_schema, "Venue": venue, "VenueIn": venue_in, "Event": event, "EventIn": event_in,
                "EventPatch": event_patch, "Exhibit": exhibit,
                **registration_schemas(), **volunteer_schemas(),
                **competitions_doc.schemas(), **places_doc.schemas(), **recurrences_doc.schemas(),
                **reports_doc.schemas(), **reports_annual_doc.schemas(),
            },
            "responses": responses,
        },
    }


def registration_schemas() -> dict:
    integer, string, time = {"type": "integer"}, {"type": "string"}, {"type": "string", "format": "date-time"}
    counts = ["capacity", "registered", "waitlisted", "checked_in", "walk_ins", "attendance", "no_shows"]
    registration = {
        "type": "object",
        "required": ["id", "event_id", "status", "name", "party_size"],
        "properties": {
            "id": integer, "event_id": integer, "name": string, "party_size": integer,
            "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled"]},
            "phone": {"type": "string", "description": "In full for staff; only its last four digits for volunteers."},
            "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
            "event": _ref("Event"),
        },
    }
    return {
        "Registration": registration,
        "Question": {
            "type": "object",
            "required": ["key", "label"],
            "description": "An extra question registrants answer (school, grade, age group, piece title).",
            "properties": {
                "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,31}$"},
                "label": {"type": "string", "maxLength": 100},
                "label_en": {"type": "string", "maxLength": 100},
                "required": {"type": "boolean", "default": False},
                "choices": {"type": "array", "items": {"type": "string"}, "maxItems": 30},
            },
        },
        "RegistrationIn": {
            "type": "object",
            "required": ["name", "phone"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 100},
                "phone": {"type": "string", "description": "A mobile number such as 13812345678, or a landline."},
                "party_size": {"type": "integer", "minimum": 1, "default": 1, "description": "Up to the event's max_party_size."},
                "email": {"type": "string", "format": "email"},
                "answers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Answers to the event's extra questions, by key."},
            },
        },
        "RegistrationCreated": {
            "allOf": [
                registration,
                {
                    "type": "object",
                    "required": ["ticket"],
                    "properties": {
                        "ticket": {
                            "type": "object",
                            "required": ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"],
                            "properties": {k: string for k in ["token", "url", "qr_png_url", "qr_svg_url", "pdf_url", "cancel_url"]},
                        }
                    },
                },
            ]
        },
        "CheckInIn": {
            "type": "object",
            "properties": {
                "token": {"type": "string", "description": "The bare token or the ticket URL."},
                "registration_id": {"type": "integer", "description": "Instead of a token: from the manual search."},
                "event_id": {"type": "integer", "description": "The scanner's event; a ticket of another event is `wrong_event`."},
                "client_key": {"type": "string", "maxLength": 64, "description": "Idempotency key: a re-sent check-in counts once."},
                "device_id": {"type": "string", "maxLength": 64},
                "scanned_at": {**time, "description": "When an offline scanner admitted the party."},
            },
        },
        "CheckInResult": {
            "type": "object",
            "required": ["result", "checked_in_at", "registration"],
            "properties": {
                "result": {"type": "string", "enum": ["checked_in", "already_checked_in"]},
                "checked_in_at": time,
                "checkin_id": integer,
                "conflict": {"type": "boolean", "description": "An offline admission of a ticket another device had admitted."},
                "registration": {"type": "object", "properties": {"id": integer, "name": string, "party_size": integer, "event_id": integer}},
            },
        },
        "WalkInIn": {
            "type": "object",
            "required": ["count"],
            "properties": {
                "count": {"type": "integer", "minimum": 1, "maximum": 10000},
                "client_key": {"type": "string", "maxLength": 64},
                "device_id": {"type": "string", "maxLength": 64},
                "day": {"type": "string", "format": "date", "description": "Staff only: a day of the event, to record history."},
                "scanned_at": {**time, "description": "When an offline scanner counted them."},
            },
        },
        "WalkIn": {
            "type": "object",
            "properties": {"id": integer, "event_id": integer, "count": integer, "day": {"type": "string", "format": "date"}, "attendance": _ref("Attendance")},
        },
        "Attendance": {
            "type": "object",
            "required": counts,
            "description": "People, party sizes summed; attendance = checked_in + walk_ins; no_shows once the event has ended.",
            "properties": {k: ({"type": ["integer", "null"]} if k == "capacity" else integer) for k in counts},
        },
        "Roster": {
            "type": "object",
            "properties": {
                "event_id": integer, "day": {"type": "string", "format": "date"}, "generated_at": time, "door_open": {"type": "boolean"},
                "entries": {"type": "array", "items": {"type": "object", "properties": {
                    "id": integer, "digest": {"type": "string", "description": "SHA-256 (hex) of the ticket token."},
                    "name": string, "party_size": integer, "status": string,
                    "checked_in_at": {"type": ["string", "null"], "format": "date-time"},
                }}},
                "attendance": _ref("Attendance"),
            },
        },
    }


SHIFT_ID = {"name": "shift_id", "in": "path", "required": True, "schema": {"type": "integer"}}
YEAR_QUERY = {
    "name": "year", "in": "query", "schema": {"type": "integer", "minimum": 2000},
    "description": "The calendar year (library time); default: this year.",
}
VOLUNTEER = [{"bearer": []}]


def volunteer_paths() -> dict:
    return {
        "/events/{event_id}/shifts": {
            "post": {
                "summary": "Add a volunteer shift to an event",
                "description": "Staff may create shifts in the past, to record what happened.",
                "tags": ["volunteers"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ShiftIn")}}},
                "responses": {"201": _json(_ref("Shift"), "The new shift"), **_errors(401, 403, 404, 415, 422)},
            }
        },
        "/shifts": {
            "get": {
                "summary": "Upcoming shifts",
                "description": "Volunteers and staff. Without dates: the shifts of the next 60 days that have not ended. "
                "A volunteer also gets each shift's `state` for them: `free`, `full` (signing up joins the waiting "
                "list), `overlap`, `not_open`, `needs_training`, `needs_skill`, `not_active`, `started`, `signed_up`, "
                "`waitlisted`.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": DATE_QUERY,
                "responses": {
                    "200": _json({"type": "object", "properties": {"shifts": {"type": "array", "items": _ref("Shift")}}}, "The shifts, by start time"),
                    **_errors(401, 403, 422),
                },
            }
        },
        "/shifts/{shift_id}/signups": {
            "post": {
                "summary": "Sign up for a shift",
                "description": "Approved (active) volunteers. Confirmed while a slot is free, else waitlisted; the waiting "
                "list is promoted in order. 409 codes: `not_active`, `shift_started`, `signup_not_open`, "
                "`training_required`, `skill_required`, `shift_overlap`, `already_signed_up`.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [SHIFT_ID],
                "responses": {"201": _json(_ref("SignupCreated"), "Signed up"), **_errors(401, 403, 404, 409)},
            }
        },
        "/shifts/{shift_id}/signups/mine": {
            "delete": {
                "summary": "Cancel my sign-up",
                "description": "Until the shift's cut-off (by default 24 hours before it starts); after it only staff can "
                "remove a volunteer: 409 `cancel_closed`. Cancelling again answers the same. 409 `not_signed_up` "
                "when there is no sign-up.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [SHIFT_ID],
                "responses": {
                    "200": _json({"type": "object", "required": ["status"], "properties": {
                        "status": {"const": "cancelled"}, "id": {"type": "integer"}, "shift_id": {"type": "integer"},
                    }}, "Cancelled"),
                    **_errors(401, 403, 404, 409),
                },
            }
        },
        "/shifts/{shift_id}/attendance": {
            "post": {
                "summary": "Record a volunteer's attendance",
                "description": "Staff, once the shift has started (else 409 `shift_not_started`), whether or not the "
                "volunteer signed up. `hours` defaults to the shift's length and is rounded to a quarter hour. A "
                "correction replaces the earlier entry and is kept in the audit log.",
                "tags": ["volunteers"],
                "security": STAFF,
                "parameters": [SHIFT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("AttendanceIn")}}},
                "responses": {"200": _json(_ref("Signup"), "The volunteer's entry for the shift"), **_errors(401, 403, 404, 409, 415, 422)},
            }
        },
        "/volunteers/me": {
            "get": {
                "summary": "My volunteer profile",
                "description": "`id` is the `volunteer_id` of the shift routes.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "responses": {"200": _json(_ref("VolunteerMe"), "The profile"), **_errors(401, 403)},
            }
        },
        "/volunteers/me/hours": {
            "get": {
                "summary": "My hours in a year",
                "description": "`hours` is the sum of the completed shifts' hours and the staff corrections of the year.",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [YEAR_QUERY],
                "responses": {"200": _json(_ref("Hours"), "The hours"), **_errors(401, 403, 422)},
            }
        },
        "/volunteers/me/certificate.pdf": {
            "get": {
                "summary": "My hours certificate (志愿服务证明) for a year, a PDF",
                "tags": ["volunteers"],
                "security": VOLUNTEER,
                "parameters": [YEAR_QUERY, {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["zh_Hans", "en"]}}],
                "responses": {
                    "200": {"description": "The certificate", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                    **_errors(401, 403, 422),
                },
            }
        },
    }


def volunteer_schemas() -> dict:
    integer, string = {"type": "integer"}, {"type": "string"}
    time, maybe_time = {"type": "string", "format": "date-time"}, {"type": ["string", "null"], "format": "date-time"}
    maybe_string = {"type": ["string", "null"]}
    hours = {"type": "number", "description": "Hours, e.g. 3.5"}
    states = ["free", "full", "overlap", "not_open", "needs_training", "needs_skill", "not_active", "started", "signed_up", "waitlisted"]
    return {
        "ShiftIn": {
            "type": "object",
            "required": ["role", "starts_at", "ends_at", "slots"],
            "properties": {
                "role": {"type": "string", "minLength": 1, "maxLength": 120, "examples": ["签到引导"]},
                "starts_at": {**time, "description": "Without an offset: library time."},
                "ends_at": time,
                "slots": {"type": "integer", "minimum": 1, "maximum": 500},
                "location": {"type": "string", "maxLength": 200},
                "notes": {"type": "string", "maxLength": 2000},
                "required_topic": {"type": "string", "maxLength": 100, "description": "A training's topic the volunteer must have attended."},
                "required_skill": {"type": "string", "maxLength": 100, "description": "A skill the volunteer's profile must list."},
                "signup_opens_at": {**time, "description": "Default: the library's number of days before the start (30)."},
                "cancel_cutoff_hours": {"type": "integer", "minimum": 0, "maximum": 720, "description": "Default: 24."},
            },
        },
        "Shift": {
            "type": "object",
            "required": ["id", "role", "starts_at", "ends_at", "slots"],
            "properties": {
                "id": integer, "event_id": {"type": ["integer", "null"]},
                "event": {"type": ["object", "null"], "properties": {"id": integer, "title": string, "display_title": string}},
                "role": string, "starts_at": time, "ends_at": time, "slots": integer,
                "taken": {"type": "integer", "description": "Slots held (confirmed or completed)."},
                "location": maybe_string, "place": {**maybe_string, "description": "The location, else the event's venue."},
                "notes": maybe_string, "required_topic": maybe_string, "required_skill": maybe_string,
                "signup_opens_at": time, "cancel_cutoff_hours": {"type": ["integer", "null"]},
                "cancel_until": {**time, "description": "After this only staff can remove a volunteer."},
                "state": {"type": "string", "enum": states, "description": "For a volunteer: what they can do with this shift."},
                "state_detail": {"type": "object", "properties": {
                    "opens_at": time, "topic": string, "skill": string, "overlaps_shift_id": integer,
                }},
                "can_sign_up": {"type": "boolean"},
                "can_cancel": {"type": "boolean"},
                "signup": {"type": ["object", "null"], "properties": {"id": integer, "status": string}},
            },
        },
        "SignupCreated": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": integer, "status": {"type": "string", "enum": ["confirmed", "waitlisted"]},
                "shift_id": integer, "volunteer_id": integer,
            },
        },
        "Signup": {
            "type": "object",
            "required": ["id", "shift_id", "volunteer_id", "status", "hours"],
            "properties": {
                "id": integer, "shift_id": integer, "volunteer_id": integer,
                "status": {"type": "string", "enum": ["confirmed", "waitlisted", "cancelled", "completed", "no_show"]},
                "hours": {"type": ["number", "null"], "description": "Hours credited once completed."},
                "checked_in_at": maybe_time, "checked_out_at": maybe_time,
            },
        },
        "AttendanceIn": {
            "type": "object",
            "required": ["volunteer_id", "status"],
            "properties": {
                "volunteer_id": {"type": "integer", "description": "`id` of `GET /volunteers/me`."},
                "status": {"type": "string", "enum": ["completed", "no_show"]},
                "hours": {"type": "number", "minimum": 0, "maximum": 24, "description": "Default: the shift's length."},
                "reason": {"type": "string", "maxLength": 1000, "description": "Why a correction was made (audited)."},
            },
        },
        "VolunteerMe": {
            "type": "object",
            "required": ["id", "name", "status"],
            "properties": {
                "id": integer, "name": string,
                "status": {"type": "string", "enum": ["applicant", "active", "paused", "archived", "rejected"]},
                "email": string, "phone": maybe_string, "skills": maybe_string, "languages": maybe_string,
                "availability": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string", "enum": ["am", "pm", "eve"]}}},
                "calendar_url": {"type": "string", "format": "uri", "description": "The volunteer's shifts as an iCalendar feed (secret)."},
            },
        },
        "Hours": {
            "type": "object",
            "required": ["hours", "shifts", "adjustments"],
            "properties": {
                "year": integer,
                "hours": hours,
                "total_hours": {**hours, "description": "All years."},
                "shifts": {"type": "array", "items": {"type": "object", "required": ["shift_id", "date", "activity", "role", "hours"], "properties": {
                    "shift_id": integer, "date": {"type": "string", "format": "date"}, "activity": string, "role": string, "hours": hours,
                    "checked_in_at": maybe_time, "checked_out_at": maybe_time,
                }}},
                "adjustments": {"type": "array", "items": {"type": "object", "required": ["date", "hours", "reason"], "properties": {
                    "date": {"type": "string", "format": "date"}, "hours": {"type": "number"}, "reason": string,
                }}},
            },
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())

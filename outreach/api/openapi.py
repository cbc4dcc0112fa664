"""The OpenAPI 3.1 description of the JSON API (``GET /api/v1/openapi.json``).

Every route under /api/v1 must appear here; ``tests/api/test_openapi.py`` checks it against
the URL map, so a new route without its description fails the suite.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

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
            "partners": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
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
            "schemas": {"Error": error_schema, "Venue": venue, "VenueIn": venue_in, "Event": event, "EventIn": event_in},
            "responses": responses,
        },
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())

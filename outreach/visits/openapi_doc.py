"""The OpenAPI description of the visit requests' routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import NEXT_CURSOR, PUBLIC, STAFF, errors, json_response, ref, window_parameters
from outreach.events.models import TITLE_MAX
from outreach.visits.api import VISITS_LIMIT
from outreach.visits.models import (
    AGES_MAX, DAY_PARTS, GROUP_MAX, NEEDS_MAX, NOTE_MAX, ORGANISATION_KINDS, ORGANISATION_MAX, PREFERRED_MAX,
    TOPIC_MAX, VISIT_STATUSES, WISHES,
)
from outreach.visits.services import GUIDES_MAX

_VISIT_ID = {"name": "visit_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_ANSWERED = " A request already answered (accepted, declined, withdrawn) is refused (409 `visit_answered`)."


def paths() -> dict:
    return {
        "/visits": {
            "get": {
                "summary": "Visit requests, the newest first",
                "description": "Staff. Filter by `status`; in windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["visits"], "security": STAFF,
                "parameters": [{"name": "status", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": list(VISIT_STATUSES)}},
                               *window_parameters(VISITS_LIMIT)],
                "responses": {
                    "200": json_response({"type": "object", "required": ["visits", "next_cursor"], "properties": {
                        "visits": {"type": "array", "items": ref("Visit")}, "next_cursor": NEXT_CURSOR}},
                        "The requests"),
                    **errors(401, 403, 422),
                },
            },
            "post": {
                "summary": "Ask for a visit by a group",
                "description": "Anyone, rate-limited like every public write (429). The answer gives the "
                               "request's private link (`url`, with its `token`), which shows staff's answer; "
                               "the requester is mailed when an e-mail address is given.",
                "tags": ["visits"], "security": PUBLIC,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("VisitIn")}}},
                "responses": {
                    "201": json_response({"type": "object", "required": ["status", "token", "url"], "properties": {
                        "status": {"type": "string", "enum": ["new"]}, "token": {"type": "string"},
                        "url": {"type": "string", "format": "uri"}}}, "The request is kept"),
                    **errors(415, 422, 429),
                },
            },
        },
        "/visits/{visit_id}": {
            "get": {
                "summary": "A visit request",
                "tags": ["visits"], "security": STAFF, "parameters": [_VISIT_ID],
                "responses": {"200": json_response(ref("Visit"), "The request"), **errors(401, 403, 404)},
            },
        },
        "/visits/{visit_id}/accept": {
            "post": {
                "summary": "Accept a request: the visit event, its room, guides and the group's ticket",
                "description": "Staff. Makes a published `visit` event, closed to public registration, with the "
                               "room booked (a clash is 409 `room_booked`, and nothing is made), a shift of "
                               "`guides` volunteer places when given, and one ticket for the whole group, whose "
                               "link is mailed to the requester." + _ANSWERED,
                "tags": ["visits"], "security": STAFF, "parameters": [_VISIT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("VisitSlot")}}},
                "responses": {"200": json_response(ref("Visit"), "The request, accepted"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/visits/{visit_id}/propose": {
            "post": {
                "summary": "Propose another date",
                "description": "Staff. The room must be free then (409 `room_booked`); the requester accepts or "
                               "declines from their link, and the room is checked again when they accept."
                               + _ANSWERED,
                "tags": ["visits"], "security": STAFF, "parameters": [_VISIT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "allOf": [ref("VisitSlot"), {"type": "object", "properties": {
                        "note": {"type": ["string", "null"], "maxLength": NOTE_MAX}}}]}}}},
                "responses": {"200": json_response(ref("Visit"), "The request, with the date proposed"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/visits/{visit_id}/decline": {
            "post": {
                "summary": "Decline a request, with the reason (mailed to the requester)",
                "tags": ["visits"], "security": STAFF, "parameters": [_VISIT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["reason"],
                    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": NOTE_MAX}}}}}},
                "responses": {"200": json_response(ref("Visit"), "The request, declined"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
    }


_PREFERRED = {
    "type": "object", "required": ["date"],
    "properties": {
        "date": {"type": "string", "format": "date", "description": "After today."},
        "part": {"type": "string", "enum": list(DAY_PARTS), "default": "morning"},
        "from": {"type": ["string", "null"], "description": "HH:MM, library time (with `part` `times`)."},
        "to": {"type": ["string", "null"], "description": "HH:MM, after `from` (with `part` `times`)."},
    },
}


def schemas() -> dict:
    text = {"type": ["string", "null"]}
    return {
        "VisitIn": {
            "type": "object",
            "required": ["organisation", "kind", "contact_name", "phone", "preferred", "children", "adults", "consent"],
            "properties": {
                "organisation": {"type": "string", "minLength": 1, "maxLength": ORGANISATION_MAX},
                "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
                "contact_name": {"type": "string", "minLength": 1, "maxLength": 100},
                "phone": {"type": "string"}, "email": {**text, "format": "email"},
                "preferred": {"type": "array", "items": _PREFERRED, "minItems": 1, "maxItems": PREFERRED_MAX},
                "children": {"type": "integer", "minimum": 0, "maximum": GROUP_MAX},
                "adults": {"type": "integer", "minimum": 0, "maximum": GROUP_MAX,
                           "description": f"Children and adults together: 1 to {GROUP_MAX}."},
                "ages": {**text, "maxLength": AGES_MAX},
                "wish": {"type": "string", "enum": list(WISHES), "default": "guided"},
                "topic": {**text, "maxLength": TOPIC_MAX, "description": "Required with `wish` `topic`."},
                "needs": {**text, "maxLength": NEEDS_MAX},
                "consent": {"type": "boolean", "const": True,
                            "description": "The requester agrees that the library keeps these details."},
            },
        },
        "VisitSlot": {
            "type": "object", "required": ["date", "starts", "ends", "venue_id"],
            "properties": {
                "date": {"type": "string", "format": "date"},
                "starts": {"type": "string", "description": "HH:MM, library time."},
                "ends": {"type": "string", "description": "HH:MM, library time, after `starts`."},
                "venue_id": {"type": "integer"},
                "title": {**text, "maxLength": TITLE_MAX,
                          "description": "Default: from the topic (or a guided visit) and the organisation."},
                "guides": {"type": ["integer", "null"], "minimum": 0, "maximum": GUIDES_MAX,
                           "description": "Volunteer guides: one shift with this many places."},
            },
        },
        "Visit": {
            "type": "object",
            "required": ["id", "status", "organisation", "kind", "contact_name", "phone", "preferred", "children",
                         "adults", "wish", "created_at", "event_id", "ticket_url"],
            "properties": {
                "id": {"type": "integer"}, "status": {"type": "string", "enum": list(VISIT_STATUSES)},
                "organisation": {"type": "string"}, "kind": {"type": "string", "enum": list(ORGANISATION_KINDS)},
                "contact_name": {"type": "string"}, "phone": {"type": "string"}, "email": text,
                "preferred": {"type": "array", "items": _PREFERRED},
                "children": {"type": "integer"}, "adults": {"type": "integer"}, "ages": text,
                "wish": {"type": "string", "enum": list(WISHES)}, "topic": text, "needs": text,
                "created_at": {"type": "string", "format": "date-time"},
                "proposal": {"type": ["object", "null"], "properties": {
                    "starts_at": {"type": "string", "format": "date-time"},
                    "ends_at": {"type": "string", "format": "date-time"},
                    "venue_id": {"type": ["integer", "null"]}, "note": text}},
                "decline_reason": text,
                "event_id": {"type": ["integer", "null"], "description": "The visit event, once accepted."},
                "ticket_url": {"type": ["string", "null"], "format": "uri",
                               "description": "The group's ticket, once accepted."},
            },
        },
    }

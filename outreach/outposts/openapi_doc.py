"""The OpenAPI description of the reading rooms' and book bus's routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import DATE_QUERY, NEXT_CURSOR, STAFF, errors, json_response, ref, window_parameters
from outreach.events.models import AUDIENCES, TITLE_MAX
from outreach.outposts.api import ACTIVITIES_LIMIT, DAYS_LIMIT
from outreach.outposts.models import OUTPOST_KINDS, VISITORS_MAX
from outreach.outposts.services import ACTIVITY_TYPES, HEADCOUNT_MAX

_PLACE_ID = {"name": "branch_id", "in": "path", "required": True, "schema": {"type": "integer"},
             "description": "The place (a branch that is a village reading room or the book bus)."}
_WHO = ("Staff for every place; a keeper (role `keeper`) for their own place only: another place "
        "answers 404.")


def paths() -> dict:
    event_id = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    day = {"name": "day", "in": "path", "required": True, "schema": {"type": "string", "format": "date"}}
    return {
        "/outposts": {
            "get": {
                "summary": "The village reading rooms and the book bus",
                "description": "Staff: every place. A keeper: their own place.",
                "tags": ["outposts"], "security": STAFF,
                "responses": {
                    "200": json_response({"type": "object", "required": ["places"], "properties": {
                        "places": {"type": "array", "items": ref("Place")}}}, "The places"),
                    **errors(401, 403),
                },
            },
        },
        "/outposts/{branch_id}/activities": {
            "get": {
                "summary": "A place's activities, the latest first",
                "description": _WHO + " In windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["outposts"], "security": STAFF,
                "parameters": [_PLACE_ID, *window_parameters(ACTIVITIES_LIMIT)],
                "responses": {
                    "200": json_response({"type": "object", "required": ["activities", "next_cursor"], "properties": {
                        "activities": {"type": "array", "items": ref("Activity")}, "next_cursor": NEXT_CURSOR}},
                        "The activities"),
                    **errors(401, 403, 404, 422),
                },
            },
            "post": {
                "summary": "Record an activity held at the place",
                "description": _WHO + " Makes a published event of the place's room (taking no registrations) "
                               "with a headcount, which the reports count like any event. The room's other "
                               "events clash as for any booking (409 `room_booked`). A keeper may record the "
                               "last 62 days; a day in a closed year is refused (409 `year_closed`).",
                "tags": ["outposts"], "security": STAFF,
                "parameters": [_PLACE_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ActivityIn")}}},
                "responses": {"201": json_response(ref("Activity"), "The activity recorded"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/outposts/activities/{event_id}/headcount": {
            "put": {
                "summary": "Correct the people an activity counted",
                "description": _WHO + " The correction replaces the count and is kept in the audit log.",
                "tags": ["outposts"], "security": STAFF,
                "parameters": [event_id],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["count"],
                    "properties": {"count": {"type": "integer", "minimum": 1, "maximum": HEADCOUNT_MAX}}}}}},
                "responses": {"200": json_response(ref("Activity"), "The activity, corrected"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/outposts/{branch_id}/visitors": {
            "get": {
                "summary": "The visitors a place counted, per day, the latest first",
                "description": _WHO,
                "tags": ["outposts"], "security": STAFF,
                "parameters": [_PLACE_ID, *DATE_QUERY, *window_parameters(DAYS_LIMIT)],
                "responses": {
                    "200": json_response({"type": "object", "required": ["days", "next_cursor"], "properties": {
                        "days": {"type": "array", "items": ref("VisitorDay")}, "next_cursor": NEXT_CURSOR}},
                        "The days counted"),
                    **errors(401, 403, 404, 422),
                },
            },
        },
        "/outposts/{branch_id}/visitors/{day}": {
            "put": {
                "summary": "Set the visitors a place counted on a day",
                "description": _WHO + " A second count for the day replaces the first (audited).",
                "tags": ["outposts"], "security": STAFF,
                "parameters": [_PLACE_ID, day],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["count"],
                    "properties": {"count": {"type": "integer", "minimum": 0, "maximum": VISITORS_MAX}}}}}},
                "responses": {"200": json_response(ref("VisitorDay"), "The day's count"),
                              **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/outposts/visits": {
            "get": {
                "summary": "Visitors per place in a period (staff)",
                "description": "Every place, with the days it counted and its visitors from `from` to `to` "
                               "(both required, inclusive).",
                "tags": ["outposts"], "security": STAFF,
                "parameters": DATE_QUERY,
                "responses": {
                    "200": json_response({"type": "object", "required": ["from", "to", "rows", "totals"], "properties": {
                        "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
                        "rows": {"type": "array", "items": {"type": "object", "required": ["place_id", "label", "days", "visitors"],
                                 "properties": {"place_id": {"type": "integer"}, "label": {"type": "string"},
                                                "days": {"type": "integer"}, "visitors": {"type": "integer"}}}},
                        "totals": {"type": "object", "required": ["days", "visitors"],
                                   "properties": {"days": {"type": "integer"}, "visitors": {"type": "integer"}}},
                    }}, "Visitors per place"),
                    **errors(401, 403, 422),
                },
            },
        },
    }


def schemas() -> dict:
    return {
        "Place": {
            "type": "object", "required": ["id", "name", "display_name", "kind", "active"],
            "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]},
                "display_name": {"type": "string"}, "kind": {"type": "string", "enum": list(OUTPOST_KINDS)},
                "active": {"type": "boolean"},
            },
        },
        "Activity": {
            "type": "object",
            "required": ["id", "place_id", "type", "title", "date", "starts_at", "ends_at", "audience", "headcount", "url"],
            "properties": {
                "id": {"type": "integer", "description": "The event's id."}, "place_id": {"type": "integer"},
                "type": {"type": "string"}, "title": {"type": "string"},
                "date": {"type": "string", "format": "date"},
                "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
                "audience": {"type": "string"}, "headcount": {"type": "integer"},
                "url": {"type": "string", "format": "uri", "description": "The event's public page."},
            },
        },
        "ActivityIn": {
            "type": "object", "required": ["title", "date", "starts", "ends", "headcount"],
            "properties": {
                "type": {"type": "string", "enum": list(ACTIVITY_TYPES), "default": "activity"},
                "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
                "date": {"type": "string", "format": "date"},
                "starts": {"type": "string", "description": "HH:MM, library time."},
                "ends": {"type": "string", "description": "HH:MM, library time, after `starts`."},
                "headcount": {"type": "integer", "minimum": 1, "maximum": HEADCOUNT_MAX},
                "audience": {"type": "string", "enum": list(AUDIENCES), "default": "all"},
                "description": {"type": ["string", "null"], "maxLength": 2000},
            },
        },
        "VisitorDay": {
            "type": "object", "required": ["place_id", "date", "count", "recorded_at"],
            "properties": {
                "place_id": {"type": "integer"}, "date": {"type": "string", "format": "date"},
                "count": {"type": "integer"}, "recorded_at": {"type": "string", "format": "date-time"},
            },
        },
    }

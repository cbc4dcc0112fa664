"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import DATE_QUERY, EVENT_ID, NEXT_CURSOR, STAFF, errors, json_response, ref, window_parameters
from outreach.events.api import EVENTS_LIMIT
from outreach.events.models import (
    AUDIENCES,
    BIO_MAX,
    BUFFER_MINUTES_MAX,
    CHECKIN_OPENS_DEFAULT,
    CHECKIN_OPENS_MAX,
    EVENT_STATUSES,
    PARTNER_ROLES,
    REGISTRATION_MODES,
    SPEAKER_MAX,
    TITLE_MAX,
)
from outreach.places.models import VENUE_KINDS
from outreach.events.services import EVENT_DEFAULTS

EVENT_TYPES = ["lecture", "exhibition", "competition", "activity", "visit", "training", "class"]


def paths() -> dict:
    return {
        "/venues": {
            "get": {
                "summary": "List venues",
                "tags": ["venues"],
                "security": STAFF,
                "responses": {
                    "200": json_response({"type": "object", "properties": {"venues": {"type": "array", "items": ref("Venue")}}}, "The venues"),
                    **errors(401, 403),
                },
            },
            "post": {
                "summary": "Add a venue",
                "tags": ["venues"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("VenueIn")}}},
                "responses": {"201": json_response(ref("Venue"), "The new venue"), **errors(401, 403, 409, 415, 422)},
            },
        },
        "/events": {
            "get": {
                "summary": "List events",
                "description": "Public: every event but drafts (completed and cancelled ones keep their status). Staff: all. "
                f"At most `limit` events (default {EVENTS_LIMIT}) by start time; `next_cursor` gives the next ones.",
                "tags": ["events"],
                "security": [{"bearer": []}, {}],
                "parameters": DATE_QUERY + [{"name": "type", "in": "query", "schema": {"type": "string", "enum": EVENT_TYPES}}]
                + window_parameters(EVENTS_LIMIT),
                "responses": {
                    "200": json_response({"type": "object", "properties": {
                        "events": {"type": "array", "items": ref("Event")}, "next_cursor": NEXT_CURSOR,
                    }}, "The events, by start time"),
                    **errors(422, 429),
                },
            },
            "post": {
                "summary": "Create an event",
                "description": "Staff may create events in the past, to record what happened.",
                "tags": ["events"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("EventIn")}}},
                "responses": {"201": json_response(ref("Event"), "The new event"), **errors(401, 403, 409, 415, 422)},
            },
        },
        "/events/{event_id}": {
            "get": {
                "summary": "One event",
                "tags": ["events"],
                "security": [{"bearer": []}, {}],
                "parameters": [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": json_response(ref("Event"), "The event"), **errors(404)},
            },
            "patch": {
                "summary": "Change an event's details",
                "description": "Only the fields given change. A new room or time is checked for double-booking "
                "(409 `room_booked` unless `booking_override_reason` is given). When a published event's time "
                "(`starts_at`, `ends_at`) or place (`venue_id`) changes, each confirmed and waitlisted registrant is "
                "told once, by e-mail or text message, what it was and what it is now.",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("EventPatch")}}},
                "responses": {"200": json_response(ref("Event"), "The event"), **errors(401, 403, 404, 409, 415, 422)},
            },
        },
        "/events/{event_id}/status": {
            "post": {
                "summary": "Publish, complete or cancel an event",
                "description": "draft → published → completed; draft or published → cancelled (registrants who gave "
                "an e-mail address are told, with `reason`). Other steps: 409 `bad_status`. Cancelling an event "
                "whose registrants are told needs a `reason`: without one, 422 `validation_error` with "
                "`fields.reason`, and nothing changes.",
                "tags": ["events"],
                "security": STAFF,
                "parameters": [EVENT_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status"],
                    "properties": {
                        "status": {"type": "string", "enum": ["published", "completed", "cancelled"]},
                        "reason": {
                            "type": "string", "maxLength": 500,
                            "description": "Why the event is cancelled, sent to its registrants; required when any "
                            "registrant gave an e-mail address.",
                        },
                    },
                }}}},
                "responses": {"200": json_response(ref("Event"), "The event"), **errors(401, 403, 404, 409, 415, 422)},
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
                    "properties": {"exhibits": {"type": "array", "minItems": 1, "maxItems": 1000, "items": ref("Exhibit")}},
                }}}},
                "responses": {
                    "201": json_response({"type": "object", "properties": {"exhibits": {"type": "array", "items": ref("Exhibit")}}}, "The works added"),
                    **errors(401, 403, 404, 409, 415, 422),
                },
            }
        },
        "/events/{event_id}/cover": cover_paths("event", EVENT_ID),
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
                "responses": {"201": json_response(ref("Event"), "The draft copy"), **errors(401, 403, 404, 415, 422)},
            }
        },
    }


def cover_paths(owner: str, parameter: dict) -> dict:
    """PUT and DELETE of the cover picture of an event or a series (``owner``)."""
    image = {"type": "object", "required": ["image"], "properties": {
        "image": {"oneOf": [ref("Image"), {"type": "null"}]} if owner == "series" else ref("Image")}}
    shown = "the picture it now shows" if owner == "event" else "its picture (null when it has none)"
    return {
        "put": {
            "summary": f"Upload or replace the {owner}'s cover picture, or change its description",
            "description": "A multipart body: `image` (resized to web sizes, metadata removed) and `alt` (required). "
            "422 names the field: not a picture, too large, no description.",
            "tags": ["events" if owner == "event" else "places"],
            "security": STAFF,
            "parameters": [parameter],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": ref("CoverIn")}}},
            "responses": {"200": json_response(image, f"The {owner}'s cover: {shown}"),
                          **errors(400, 401, 403, 404, 413, 415, 422)},
        },
        "delete": {
            "summary": f"Remove the {owner}'s own cover picture",
            "tags": ["events" if owner == "event" else "places"],
            "security": STAFF,
            "parameters": [parameter],
            "responses": {"200": json_response(image, f"The {owner}'s cover now: {shown}"), **errors(401, 403, 404)},
        },
    }


def schemas() -> dict:
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
            "kind": {"type": "string", "enum": list(VENUE_KINDS)},
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
            "type": {"type": "string", "enum": EVENT_TYPES},
            "status": {"type": "string", "enum": list(EVENT_STATUSES)},
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "title_en": {"type": ["string", "null"]},
            "display_title": {"type": "string", "description": "The title in the request's language."},
            "description": {"type": ["string", "null"]},
            "description_en": {"type": ["string", "null"]},
            "starts_at": {"type": "string", "format": "date-time"},
            "ends_at": {"type": "string", "format": "date-time"},
            "daily_opens_at": {"type": ["string", "null"], "examples": ["09:00"]},
            "daily_closes_at": {"type": ["string", "null"], "examples": ["17:00"]},
            "venue_id": {"type": "integer"},
            "venue": ref("Venue"),
            "capacity": {"type": ["integer", "null"], "minimum": 0, "description": "People; null means no limit."},
            "registration": {"type": "string", "enum": list(REGISTRATION_MODES)},
            "max_party_size": {"type": "integer", "minimum": 1},
            "groups_capacity": {"type": ["integer", "null"], "minimum": 0, "description": "Seats all group registrations together may hold; null: no cap of their own."},
            "max_group_size": {"type": ["integer", "null"], "minimum": 1, "description": "The largest group one registration may bring; null: max_party_size."},
            "checkin_opens_minutes": {"type": "integer", "minimum": 0},
            "audience": {"type": "string", "enum": list(AUDIENCES)},
            "series": {
                "type": ["object", "null"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "name_en": {"type": ["string", "null"]}},
            },
            "session_number": {"type": ["integer", "null"], "minimum": 1},
            "speaker": {"type": ["string", "null"]},
            "speaker_bio": {"type": ["string", "null"]},
            "speaker_bio_en": {"type": ["string", "null"]},
            "setup_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "description": "The room is taken this long before the start."},
            "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "description": "And this long after the end."},
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
            "exhibits": {"type": "array", "items": ref("Exhibit"), "description": "An exhibition's works, in catalogue order."},
            "registration_opens_at": {"type": ["string", "null"], "format": "date-time"},
            "registration_closes_at": {"type": ["string", "null"], "format": "date-time"},
            "questions": {"type": "array", "items": ref("Question")},
            "partners": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "partner_id": {"type": "integer"},
                        "name": {"type": "string"},
                        "name_en": {"type": ["string", "null"]},
                        "role": {"type": "string", "enum": list(PARTNER_ROLES)},
                    },
                },
            },
            "url": {"type": "string", "format": "uri", "description": "The public event page."},
            "image": {"$ref": "#/components/schemas/Image"},
        },
    }
    event_in = {
        "type": "object",
        "required": ["title", "type", "starts_at", "ends_at", "venue_id"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "title_en": {"type": "string", "maxLength": TITLE_MAX},
            "description": {"type": "string"},
            "description_en": {"type": "string"},
            "type": {"type": "string", "enum": EVENT_TYPES},
            "starts_at": {"type": "string", "format": "date-time", "description": "Without an offset: library time."},
            "ends_at": {"type": "string", "format": "date-time"},
            "venue_id": {"type": "integer"},
            "capacity": {"type": ["integer", "null"], "minimum": 0},
            "registration": {"type": "string", "enum": list(REGISTRATION_MODES), "default": EVENT_DEFAULTS["registration"]},
            "status": {"type": "string", "enum": ["draft", "published"], "default": "draft"},
            "max_party_size": {"type": "integer", "minimum": 1, "default": 100},
            "groups_capacity": {
                "type": ["integer", "null"], "minimum": 0,
                "description": "Seats all group registrations together may hold (at most the capacity); null or absent: no cap of their own.",
            },
            "max_group_size": {
                "type": ["integer", "null"], "minimum": 1,
                "description": "The largest group one registration may bring (at most groups_capacity); null or absent: max_party_size.",
            },
            "checkin_opens_minutes": {"type": "integer", "minimum": 0, "maximum": CHECKIN_OPENS_MAX, "default": CHECKIN_OPENS_DEFAULT},
            "audience": {"type": "string", "default": "all"},
            "series_id": {"type": "integer"},
            "session_number": {"type": "integer", "minimum": 1},
            "speaker": {"type": "string", "maxLength": SPEAKER_MAX},
            "daily_opens_at": {"type": "string", "examples": ["09:00"], "description": "Daily opening hours of a multi-day event."},
            "daily_closes_at": {"type": "string", "examples": ["17:00"]},
            "registration_opens_at": {"type": "string", "format": "date-time"},
            "registration_closes_at": {"type": "string", "format": "date-time"},
            "questions": {"type": "array", "maxItems": 10, "items": ref("Question")},
            "speaker_bio": {"type": "string", "maxLength": BIO_MAX},
            "speaker_bio_en": {"type": "string", "maxLength": BIO_MAX},
            "setup_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "default": 0},
            "teardown_minutes": {"type": "integer", "minimum": 0, "maximum": BUFFER_MINUTES_MAX, "default": 0},
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
                        "role": {"type": "string", "enum": list(PARTNER_ROLES)},
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
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "creator": {"type": "string", "minLength": 1, "maxLength": 120},
            "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
            "school": {"type": ["string", "null"], "maxLength": 120},
            "note": {"type": ["string", "null"], "maxLength": 500},
        },
    }

    image = {
        "type": "object",
        "required": ["url", "sizes", "alt", "source"],
        "description": "A cover picture: the one staff uploaded for the event, else its series', else the "
        "default drawing of its type (an SVG, one size). Uploaded pictures are WebP files whose address never "
        "changes content, served with a year's caching.",
        "properties": {
            "url": {"type": "string", "format": "uri", "description": "The largest size."},
            "sizes": {
                "type": "array",
                "items": {
                    "type": "object", "required": ["width", "url"],
                    "properties": {"width": {"type": "integer", "examples": [480, 960]}, "url": {"type": "string", "format": "uri"}},
                },
            },
            "alt": {"type": "string", "description": "The alternative text: what the picture shows."},
            "source": {"type": "string", "enum": ["event", "series", "default"]},
        },
    }
    cover_in = {
        "type": "object",
        "required": ["alt"],
        "properties": {
            "image": {"type": "string", "format": "binary",
                      "description": "A JPEG, PNG or WebP of at most 8 MB; leave it out to change only the description."},
            "alt": {"type": "string", "minLength": 1, "maxLength": 200,
                    "description": "What the picture shows, for people who cannot see it."},
        },
    }

    return {
        "Venue": venue, "VenueIn": venue_in, "Event": event, "EventIn": event_in, "EventPatch": event_patch,
        "Exhibit": exhibit, "Image": image, "CoverIn": cover_in,
    }

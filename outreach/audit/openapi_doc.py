"""The OpenAPI description of the audit log route, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import STAFF, errors, json_response, ref
from outreach.audit.services import KINDS, PAGE_SIZE


def paths() -> dict:
    def query(name: str, schema: dict, description: str) -> dict:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    return {
        "/audit": {
            "get": {
                "summary": "The audit log (admins)",
                "description": (
                    f"Who did what, when, newest first, {PAGE_SIZE} a page: the changes recorded by every area, "
                    "with the door's check-ins (`checkin.door`, `checkin.self`, …) and walk-ins (`walkin.door`, …). "
                    "Contact details are never in it. 422 when a filter cannot be read."
                ),
                "tags": ["audit"],
                "security": STAFF,
                "parameters": [
                    query("who", {"type": "string", "maxLength": 200},
                          "An exact e-mail address, or a part of a name: entries by those people."),
                    query("what", {"type": "string", "enum": list(KINDS)}, "One kind of change."),
                    query("from", {"type": "string", "format": "date"}, "From this day (library time), inclusive."),
                    query("to", {"type": "string", "format": "date"}, "To this day (library time), inclusive."),
                    query("event", {"type": "integer", "minimum": 1}, "Only what concerns this event."),
                    query("page", {"type": "integer", "minimum": 1}, "The page, from 1."),
                ],
                "responses": {"200": json_response(ref("AuditPage"), "One page of entries"),
                              **errors(401, 403, 422)},
            },
        },
    }


def schemas() -> dict:
    return {
        "AuditEntry": {
            "type": "object",
            "required": ["at", "action", "kind", "object_type", "object_id", "event_id", "actor", "data"],
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "action": {"type": "string", "description": "A dotted verb: `event.create`, `checkin.door`, …"},
                "kind": {"type": ["string", "null"], "enum": [*KINDS, None]},
                "object_type": {"type": ["string", "null"]},
                "object_id": {"type": ["integer", "null"]},
                "event_id": {"type": ["integer", "null"]},
                "actor": {
                    "type": ["object", "null"],
                    "required": ["id", "name", "role"],
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}},
                },
                "data": {"type": "object", "description": "Ids and changed values; never contact details."},
            },
        },
        "AuditPage": {
            "type": "object",
            "required": ["entries", "total", "page", "per_page"],
            "properties": {
                "entries": {"type": "array", "items": ref("AuditEntry")},
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
            },
        },
    }

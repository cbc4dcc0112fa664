"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import NEXT_CURSOR, PUBLIC, STAFF, errors, json_response, ref, window_parameters
from outreach.events.openapi_doc import cover_paths
from outreach.places.api import PARTNERS_LIMIT, SERIES_LIMIT, SESSIONS_LIMIT
from outreach.places.models import BRANCH_KINDS



def paths() -> dict:
    series_id = {"name": "series_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "/branches": {
            "get": {
                "summary": "List the branches in service",
                "description": "Public. Each branch with the ids of its venues in service.",
                "tags": ["places"],
                "security": PUBLIC,
                "responses": {
                    "200": json_response(
                        {"type": "object", "properties": {"branches": {"type": "array", "items": ref("Branch")}}},
                        "The branches",
                    ),
                },
            },
            "post": {
                "summary": "Add a branch (admins)",
                "description": "409 `branch_exists` when another branch has the name.",
                "tags": ["places"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BranchIn")}}},
                "responses": {"201": json_response(ref("Branch"), "The new branch"), **errors(401, 403, 409, 415, 422)},
            },
        },
        "/series": {
            "get": {
                "summary": "List the series",
                "description": "Public. By name, in windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["places"],
                "security": PUBLIC,
                "parameters": window_parameters(SERIES_LIMIT),
                "responses": {
                    "200": json_response(
                        {"type": "object", "required": ["series", "next_cursor"], "properties": {
                            "series": {"type": "array", "items": ref("Series")}, "next_cursor": NEXT_CURSOR,
                        }},
                        "The series, by name",
                    ),
                    **errors(422),
                },
            },
            "post": {
                "summary": "Start a series",
                "description": "409 `series_exists` when another series has the name.",
                "tags": ["places"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref("SeriesIn")}}},
                "responses": {"201": json_response(ref("Series"), "The new series"), **errors(401, 403, 409, 415, 422)},
            },
        },
        "/series/{series_id}/cover": cover_paths("series", series_id),
        "/series/{series_id}": {
            "get": {
                "summary": "A series with its sessions",
                "description": "Public: sessions other than drafts, in number order (those without a number last, "
                               "by date), in windows: give `next_cursor` as `cursor` for the next. Staff see drafts too.",
                "tags": ["places"],
                "security": [{"bearer": []}, {}],
                "parameters": [series_id, *window_parameters(SESSIONS_LIMIT)],
                "responses": {"200": json_response(ref("SeriesWithSessions"), "The series"), **errors(404, 422)},
            }
        },
        "/partners": {
            "get": {
                "summary": "List the partners",
                "description": "By name, in windows: give `next_cursor` as `cursor` for the next.",
                "tags": ["places"],
                "security": STAFF,
                "parameters": window_parameters(PARTNERS_LIMIT),
                "responses": {
                    "200": json_response(
                        {"type": "object", "required": ["partners", "next_cursor"], "properties": {
                            "partners": {"type": "array", "items": ref("Partner")}, "next_cursor": NEXT_CURSOR,
                        }},
                        "The partners, by name, with how many events each took part in",
                    ),
                    **errors(401, 403, 422),
                },
            }
        },
    }


def _names() -> dict:
    return {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "name_en": {"type": ["string", "null"]},
        "display_name": {"type": "string", "description": "The name in the request's language."},
    }


def _names_in() -> dict:
    return {
        "name": {"type": "string", "minLength": 1, "maxLength": 120},
        "name_en": {"type": ["string", "null"], "maxLength": 120},
    }


def schemas() -> dict:
    series = {
        "type": "object",
        "required": ["id", "name", "name_en", "display_name", "branch_id"],
        "properties": {
            **_names(),
            "description": {"type": ["string", "null"]},
            "description_en": {"type": ["string", "null"]},
            "display_description": {"type": ["string", "null"]},
            "branch_id": {"type": ["integer", "null"]},
        },
    }
    return {
        "Branch": {
            "type": "object",
            "required": ["id", "name", "kind", "active", "venue_ids"],
            "properties": {
                **_names(),
                "kind": {"type": "string", "enum": list(BRANCH_KINDS)},
                "address": {"type": ["string", "null"]},
                "active": {"type": "boolean"},
                "venue_ids": {"type": "array", "items": {"type": "integer"}, "description": "Its venues in service."},
            },
        },
        "BranchIn": {
            "type": "object",
            "required": ["name"],
            "properties": {
                **_names_in(),
                "kind": {"type": "string", "enum": list(BRANCH_KINDS), "default": "branch"},
                "address": {"type": ["string", "null"], "maxLength": 255},
            },
        },
        "Series": series,
        "SeriesIn": {
            "type": "object",
            "required": ["name"],
            "properties": {
                **_names_in(),
                "description": {"type": ["string", "null"], "maxLength": 5000},
                "description_en": {"type": ["string", "null"], "maxLength": 5000},
                "branch_id": {"type": ["integer", "null"], "description": "A branch in service."},
            },
        },
        "SeriesWithSessions": {
            "allOf": [
                ref("Series"),
                {
                    "type": "object",
                    "required": ["sessions", "next_cursor"],
                    "properties": {"sessions": {"type": "array", "items": ref("Session")}, "next_cursor": NEXT_CURSOR},
                },
            ]
        },
        "Session": {
            "type": "object",
            "required": ["id", "session_number", "title", "starts_at", "status", "url"],
            "properties": {
                "id": {"type": "integer"},
                "session_number": {"type": ["integer", "null"], "minimum": 1},
                "title": {"type": "string", "description": "The title in the request's language."},
                "starts_at": {"type": "string", "format": "date-time"},
                "status": {"type": "string", "enum": ["draft", "published", "completed", "cancelled"]},
                "url": {"type": "string", "format": "uri", "description": "The public event page."},
            },
        },
        "Partner": {
            "type": "object",
            "required": ["id", "name", "events"],
            "properties": {**_names(), "events": {"type": "integer", "minimum": 0}},
        },
    }

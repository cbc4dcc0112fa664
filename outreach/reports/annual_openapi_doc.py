"""The OpenAPI description of the annual report's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import STAFF, errors, json_response, ref
from outreach.years import REPORT_YEARS

RETURN_ROWS = ["lectures", "exhibitions", "trainings", "all_activities"]
EXPORT_ID = {"name": "export_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def paths() -> dict:
    year = {"name": "year", "in": "query", "required": False, "schema": {"type": "integer", "minimum": REPORT_YEARS[0],
                                                                           "maximum": REPORT_YEARS[1]},
            "description": "The calendar year (library dates); this year when absent."}
    return {
        "/reports/annual": {
            "get": {
                "summary": "The annual statistics of a year",
                "description": "Events (场次) and person-visits (人次) by type, the statistics return's activity "
                "rows under the type mapping setting, volunteer service, and whether the year is closed. "
                "`events`, `attendance` and `by_type` are the same figures as `/reports/attendance` for the "
                "whole year; the statistics return counts activities for readers, so events for the "
                "library's staff (audience `staff`) stay out of its rows.",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": [year],
                "responses": {"200": json_response(ref("AnnualReport"), "The year's figures"), **errors(401, 403, 422)},
            }
        },
        "/reports/annual.pdf": {
            "get": {
                "summary": "The annual report as a PDF",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": [year, {"name": "lang", "in": "query", "required": False,
                                      "schema": {"type": "string", "enum": ["zh_Hans", "en"]}}],
                "responses": {"200": {"description": "An A4 PDF", "content": {"application/pdf": {}}},
                              **errors(401, 403, 422)},
            }
        },
        "/reports/annual/exports": {
            "post": {
                "summary": "Start the annual report's PDF in the background",
                "description": "The job worker makes the PDF; the answer (202) is the export, and its `Location` "
                "is polled until `file` is given. The same year and language asked for while one is queued or "
                "running answers that one. The file is kept until an hour after its first fetch, or a week.",
                "tags": ["reports"],
                "security": STAFF,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "year": {"type": "integer", "minimum": REPORT_YEARS[0], "maximum": REPORT_YEARS[1],
                                 "description": "This year when absent."},
                        "lang": {"type": "string", "enum": ["zh_Hans", "en"],
                                 "description": "The request's language when absent."},
                    },
                }}}},
                "responses": {
                    "202": {**json_response(ref("AnnualExport"), "The export, queued (or already made)"),
                            "headers": {"Location": {"schema": {"type": "string"}, "description": "The export."}}},
                    **errors(400, 401, 403, 413, 415, 422),
                },
            }
        },
        "/reports/annual/exports/{export_id}": {
            "get": {
                "summary": "An export of the annual report: its progress and, once made, its file",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": [EXPORT_ID],
                "responses": {"200": json_response(ref("AnnualExport"), "The export"), **errors(401, 403, 404)},
            }
        },
        "/reports/annual/exports/{export_id}/file": {
            "get": {
                "summary": "The made PDF of an export of the annual report",
                "description": "409 `export_not_ready` while it is made, `export_failed` when it failed, "
                "`export_expired` once it is no longer kept (start it again).",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": [EXPORT_ID],
                "responses": {"200": {"description": "An A4 PDF", "content": {"application/pdf": {}}},
                              **errors(401, 403, 404, 409)},
            }
        },
        "/reports/years/{year}/close": {
            "post": {
                "summary": "Close a year (admin)",
                "description": "Freezes the year's figures: afterwards staff changes to its attendance answer 409 "
                "`year_closed`; an admin's change is still accepted and audited. Closing twice is not an error.",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": [{"name": "year", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": json_response({"type": "object", "required": ["year", "closed"], "properties": {
                        "year": {"type": "integer"}, "closed": {"type": "boolean", "const": True}}}, "The year is closed"),
                    **errors(401, 403, 422),
                },
            }
        },
    }


def schemas() -> dict:
    integer = {"type": "integer"}
    counts = {"events": integer, "attendance": integer}
    return {
        "AnnualExport": {
            "type": "object",
            "required": ["id", "year", "lang", "status", "done", "total", "created_at", "expires_at", "file"],
            "properties": {
                "id": integer,
                "year": integer,
                "lang": {"type": "string", "enum": ["zh_Hans", "en"]},
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed", "expired"]},
                "done": {**integer, "description": "Steps done (of `total`)."},
                "total": integer,
                "created_at": {"type": "string", "format": "date-time"},
                "expires_at": {"type": ["string", "null"], "format": "date-time",
                               "description": "When the made file is removed."},
                "file": {"type": ["string", "null"], "description": "Where to fetch the PDF, once made."},
            },
        },
        "AnnualReport": {
            "type": "object",
            "required": ["year", "events", "attendance", "by_type", "volunteer_hours", "volunteers",
                         "statistics_return", "closed"],
            "properties": {
                "year": integer,
                **counts,
                "by_type": {"type": "array", "items": {"type": "object", "required": ["type", "events", "attendance"],
                                                       "properties": {"type": {"type": "string"}, **counts}}},
                "volunteer_hours": {"type": "string", "pattern": r"^-?\d+\.\d{2}$"},
                "volunteers": integer,
                "statistics_return": {"type": "array", "items": {
                    "type": "object", "required": ["row", "events", "attendance"],
                    "properties": {"row": {"type": "string", "enum": RETURN_ROWS}, **counts}}},
                "closed": {"type": "boolean"},
                "closed_at": {"type": ["string", "null"], "format": "date-time"},
                "unique_people": integer,
                "staff_events": {**integer, "description": "Events for the library's staff (audience `staff`): "
                                 "counted in `events`, not in the statistics return."},
            },
        },
    }

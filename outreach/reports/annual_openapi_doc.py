"""The OpenAPI description of the annual report's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import STAFF, errors, json_response, ref
from outreach.years import REPORT_YEARS

RETURN_ROWS = ["lectures", "exhibitions", "trainings", "all_activities"]


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

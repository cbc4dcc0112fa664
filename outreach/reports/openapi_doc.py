"""The OpenAPI description of the attendance report routes, merged into /api/v1/openapi.json."""

from __future__ import annotations

from outreach.api.schema import STAFF, errors, json_response, ref
from outreach.events.models import AUDIENCES, EVENT_TYPES
from outreach.reports.services import GROUPINGS

COUNTS = ("events", "attendance", "checked_in", "walk_ins", "registered", "no_shows")


def _query() -> list[dict]:
    def param(name, schema, description):
        return {"name": name, "in": "query", "schema": schema, "description": description}

    return [
        param("from", {"type": "string", "format": "date"}, "First day (library date); default 1 January of this year."),
        param("to", {"type": "string", "format": "date"}, "Last day, included; default 31 December of `from`'s year."),
        param("group_by", {"type": "string", "enum": list(GROUPINGS)}, "One row per value; none: totals only."),
        param("branch_id", {"type": "integer", "minimum": 1}, "Only events at this branch's venues."),
        param("type", {"type": "string", "enum": list(EVENT_TYPES)}, "Only events of this type."),
        param("series_id", {"type": "integer", "minimum": 1}, "Only sessions of this series."),
        param("venue_id", {"type": "integer", "minimum": 1}, "Only events at this venue."),
        param("audience", {"type": "string", "enum": list(AUDIENCES)}, "Only events for this audience."),
    ]


COUNTING = (
    "Every count is people (party sizes summed); `attendance` (person-visits) = `checked_in` + `walk_ins`, "
    "counted on the day they happened; `events` counts events neither draft nor cancelled in the period in "
    "which they start, and `registered`/`no_shows` go with them; rows add up exactly to `totals`. "
    "Bad values: 422 `validation_error` with `fields`."
)


def paths() -> dict:
    def download(mimetype: str, what: str) -> dict:
        return {"description": what, "content": {mimetype: {"schema": {"type": "string", "format": "binary"}}}}

    return {
        "/reports/attendance": {
            "get": {
                "summary": "Attendance totals, rolled up",
                "description": COUNTING,
                "tags": ["reports"],
                "security": STAFF,
                "parameters": _query(),
                "responses": {"200": json_response(ref("AttendanceReport"), "Rows and totals"), **errors(401, 403, 422)},
            }
        },
        "/reports/attendance.csv": {
            "get": {
                "summary": "Attendance totals as CSV",
                "description": "The same rows, a translated header and a totals line; UTF-8 with a BOM; a cell "
                "that would start a formula is prefixed with `'`.",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": _query(),
                "responses": {"200": download("text/csv", "The spreadsheet"), **errors(401, 403, 422)},
            }
        },
        "/reports/attendance.xlsx": {
            "get": {
                "summary": "Attendance totals as an Excel workbook",
                "description": "The same rows as numbers, a bold header, frozen panes and a totals row.",
                "tags": ["reports"],
                "security": STAFF,
                "parameters": _query(),
                "responses": {
                    "200": download("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "The workbook"),
                    **errors(401, 403, 422),
                },
            }
        },
    }


def schemas() -> dict:
    count = {"type": "integer", "minimum": 0}
    figures = {name: count for name in COUNTS}
    return {
        "AttendanceRow": {
            "type": "object",
            "required": ["key", "label", *COUNTS],
            "properties": {"key": {"type": "string", "description": "\"lecture\", a venue id, \"2018-03\", \"none\"…"},
                           "label": {"type": "string", "description": "In the request's language."}, **figures},
        },
        "AttendanceReport": {
            "type": "object",
            "required": ["rows", "totals"],
            "properties": {
                "rows": {"type": "array", "items": {"$ref": "#/components/schemas/AttendanceRow"}},
                "totals": {
                    "type": "object",
                    "required": [*COUNTS, "unique_people"],
                    "properties": {**figures, "unique_people": {
                        **count, "description": "Distinct people with a ticket admitted in the period (by phone)."}},
                },
            },
        },
    }

"""The OpenAPI 3.1 description of the JSON API (``GET /api/v1/openapi.json``).

Each area describes its own routes in its ``openapi_doc.py`` (``paths()`` and ``schemas()``);
this module puts them together with the shared components of ``outreach.api.schema``. It is
the only module of ``outreach.api`` that imports areas. Every route under /api/v1 must be
described; ``tests/api/test_openapi.py`` checks it against the URL map, so a new route without
its description fails the suite.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from outreach.api.schema import PUBLIC, error_schema, errors, standard_responses
from outreach.competitions import openapi_doc as competitions_doc
from outreach.events import openapi_doc as events_doc
from outreach.places import openapi_doc as places_doc
from outreach.recurrences import openapi_doc as recurrences_doc
from outreach.registration import openapi_doc as registration_doc
from outreach.reports import annual_openapi_doc as annual_reports_doc
from outreach.reports import openapi_doc as reports_doc
from outreach.volunteers import openapi_doc as volunteers_doc

bp = Blueprint("openapi", __name__)

AREA_DOCS = (
    events_doc, registration_doc, volunteers_doc, competitions_doc, places_doc, recurrences_doc, reports_doc,
    annual_reports_doc,
)

OWN_PATHS = {
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "tags": ["meta"],
            "security": PUBLIC,
            "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}},
        }
    },
}


def spec() -> dict:
    paths: dict = {}
    schemas = {"Error": error_schema()}
    for area_paths, area_schemas in [(OWN_PATHS, {})] + [(doc.paths(), doc.schemas()) for doc in AREA_DOCS]:
        for path, operations in area_paths.items():
            for method, operation in operations.items():
                if method in paths.get(path, {}):
                    raise ValueError(f"{method.upper()} {path} is described twice")
                if "requestBody" in operation:  # json_body() answers these for every route that reads one
                    operation = {**operation, "responses": {**errors(400, 413), **operation["responses"]}}
                if "parameters" in operation:
                    operation = {**operation, "parameters": [_empty_allowed(p) for p in operation["parameters"]]}
                paths.setdefault(path, {})[method] = operation
        for name, schema in area_schemas.items():
            if name in schemas:
                raise ValueError(f"the schema {name} is described twice")
            schemas[name] = schema
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
            "schemas": schemas,
            "responses": standard_responses(),
        },
    }


def _empty_allowed(parameter: dict) -> dict:
    """An optional query parameter sent empty (``?to=``, as an HTML form sends an empty field)
    is read as absent by every route; the description says so."""
    if parameter.get("in") != "query" or parameter.get("required") or "schema" not in parameter:
        return parameter
    empty = {"type": "string", "maxLength": 0}
    return {**parameter, "schema": {"anyOf": [parameter["schema"], empty]},
            "description": (parameter.get("description", "") + " Empty: as if absent.").strip()}


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(spec())

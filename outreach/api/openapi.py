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
from outreach.audit import openapi_doc as audit_doc
from outreach.competitions import openapi_doc as competitions_doc
from outreach.events import openapi_doc as events_doc
from outreach.outposts import openapi_doc as outposts_doc
from outreach.places import openapi_doc as places_doc
from outreach.recurrences import openapi_doc as recurrences_doc
from outreach.registration import openapi_doc as registration_doc
from outreach.reports import annual_openapi_doc as annual_reports_doc
from outreach.reports import openapi_doc as reports_doc
from outreach.visits import openapi_doc as visits_doc
from outreach.volunteers import openapi_doc as volunteers_doc

bp = Blueprint("openapi", __name__)

AREA_DOCS = (
    events_doc, registration_doc, volunteers_doc, competitions_doc, places_doc, recurrences_doc, reports_doc,
    annual_reports_doc, audit_doc, outposts_doc, visits_doc,
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
                # Every route reads the database: outreach.errors answers these for all of them.
                operation = {**operation, "responses": {**operation["responses"], **errors(503)}}
                if "parameters" in operation:
                    operation = {**operation, "parameters": [_empty_allowed(p) for p in operation["parameters"]]}
                paths.setdefault(path, {})[method] = operation
        for name, schema in area_schemas.items():
            if name in schemas:
                raise ValueError(f"the schema {name} is described twice")
            schemas[name] = schema
    _document_nulls(paths, schemas)
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
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": (
                "`flask users token EMAIL`. A request that carries a token is judged by it alone (a session "
                "cookie beside it does not count): a wrong or revoked token answers 401 `invalid_token`. "
                "Changing or resetting the password revokes the account's tokens."
            )}},
            "schemas": schemas,
            "responses": standard_responses(),
        },
    }


def _references(value, found: set) -> set:
    """The names of the component schemas ``value`` refers to, directly."""
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str):
            found.add(value["$ref"].rsplit("/", 1)[-1])
        for item in value.values():
            _references(item, found)
    elif isinstance(value, list):
        for item in value:
            _references(item, found)
    return found


def _nullable(schema: dict) -> dict:
    if {"type": "null"} in schema.get("anyOf", ()):
        return schema
    if "type" in schema and not {"enum", "const"} & set(schema):
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return schema if "null" in types else {**schema, "type": [*types, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def _nulls_as_absent(schema: dict) -> dict:
    """An object schema whose optional properties also take null."""
    if schema.get("type") != "object" or "properties" not in schema:
        return schema
    required = set(schema.get("required", ()))
    properties = {name: prop if name in required else _nullable(prop) for name, prop in schema["properties"].items()}
    return {**schema, "properties": properties}


def _document_nulls(paths: dict, schemas: dict) -> None:
    """The readers of ``outreach.api.helpers`` take null in an optional field as the field left
    out (or, in a PATCH, cleared): the request bodies' schemas say so. Schemas that answers
    use too keep their exact shape."""
    answered: set = set()
    for operations in paths.values():
        for operation in operations.values():
            _references(operation.get("responses", {}), answered)
    while True:  # the schemas the answered ones refer to, at any depth
        more = set().union(*(_references(schemas.get(name, {}), set()) for name in answered)) - answered
        if not more:
            break
        answered |= more
    for operations in paths.values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not content or "schema" not in content:
                continue
            body = content["schema"]
            if "$ref" in body:
                name = body["$ref"].rsplit("/", 1)[-1]
                if name not in answered:
                    schemas[name] = _nulls_as_absent(schemas[name])
            else:  # a copy: the operation is spec()'s own, its requestBody the area's
                body_doc = operation["requestBody"]
                operation["requestBody"] = {**body_doc, "content": {
                    **body_doc["content"], "application/json": {**content, "schema": _nulls_as_absent(body)}}}


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

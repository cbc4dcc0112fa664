"""The building blocks of the OpenAPI description that every area's ``openapi_doc.py`` uses:
references, JSON answers, the standard error answers, security, shared parameters, and the
shared components (the Error schema and the standard responses). A leaf of the platform
layer: it imports no area."""

from __future__ import annotations

#: The standard error answers, by status; ``errors()`` refers to them.
ERROR_TEXTS = {
    400: "The request cannot be read (`bad_request`): a body that is empty, not UTF-8, not JSON or nested too deeply",
    401: "Not signed in, or the token is not valid (`unauthorized`, `invalid_token`)",
    403: "The account's role does not allow this (`forbidden`), or the record is another branch's (`other_branch`): "
         "staff of a branch read every branch's records but change only their own branch's",
    404: "No such record (`not_found`)",
    409: "Conflicts with the current state",
    413: "The body is larger than the server accepts (`too_large`)",
    415: "The body is not JSON (`unsupported_media_type`)",
    422: "Validation failed (`validation_error`); `fields` holds a message per field",
    429: "Too many requests from this address (`rate_limited`)",
    503: "The database could not take the request (`busy`: it stayed locked past its timeout; `try_again`: its "
         "connection was lost). Nothing was written: send the same request again after `Retry-After` seconds",
}

STAFF = [{"bearer": []}]
PUBLIC: list = []

EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}, "description": "The ticket token."}

DATE_QUERY = [
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "First day (library time)."},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}, "description": "Last day, included."},
]


def window_parameters(default: int, maximum: int = 200) -> list[dict]:
    """``limit`` and ``cursor`` of an API list read in windows (``outreach.paging.window_of``)."""
    return [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
         "description": "How many items to answer at most."},
        {"name": "cursor", "in": "query", "schema": {"type": "string"},
         "description": "The `next_cursor` of the previous answer, for the items after it. Without it, the first window."},
    ]


#: The answer's cursor of the next window; null after the last.
NEXT_CURSOR = {"type": ["string", "null"], "description": "Give it as `cursor` for the next items; null when there are no more."}


def ref(name: str) -> dict:
    """A reference to a schema of ``components/schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict, description: str) -> dict:
    """A response whose body is JSON of this schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*statuses: int) -> dict:
    """References to the standard error responses of these statuses."""
    return {str(s): {"$ref": f"#/components/responses/{s}"} for s in statuses if s in ERROR_TEXTS}


def error_schema() -> dict:
    """The body of every 4xx answer."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["validation_error"]},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    }


def standard_responses() -> dict:
    """The shared ``components/responses`` that ``errors()`` refers to."""
    return {str(status): json_response(ref("Error"), text) for status, text in ERROR_TEXTS.items()}

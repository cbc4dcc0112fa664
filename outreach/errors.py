"""Errors: the domain error every service raises, and responses negotiated between HTML and JSON."""

from __future__ import annotations

import logging

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from outreach.extensions import db

log = logging.getLogger(__name__)


class OutreachError(Exception):
    """A rule was broken. ``code`` is stable (snake_case); ``message`` is for people, translated.

    Each area subclasses it (``EventError``, ``RegistrationError`` ...) and picks a status.
    """

    status = 409

    def __init__(self, code: str, message, *, status: int | None = None, fields: dict | None = None):
        super().__init__(code)
        self.code = code
        self.message = message
        self.fields = fields
        if status is not None:
            self.status = status


class ValidationError(OutreachError):
    """Input of the wrong shape: 422 with a message per field."""

    status = 422

    def __init__(self, fields: dict, message=None):
        super().__init__("validation_error", message or _l("Some fields need your attention."), fields=fields)


#: Stable codes and messages for HTTP errors.
HTTP_ERRORS = {
    400: ("bad_request", _l("The request could not be understood.")),
    401: ("unauthorized", _l("Please sign in to continue.")),
    403: ("forbidden", _l("You do not have permission to do this.")),
    404: ("not_found", _l("The page or record you asked for does not exist.")),
    405: ("method_not_allowed", _l("This address does not accept that kind of request.")),
    409: ("conflict", _l("The request conflicts with the current state.")),
    413: ("too_large", _l("The request is too large.")),
    414: ("uri_too_long", _l("The address is too long.")),
    415: ("unsupported_media_type", _l("Send JSON with the Content-Type application/json.")),
    422: ("validation_error", _l("Some fields need your attention.")),
    429: ("rate_limited", _l("Too many requests. Please wait a minute and try again.")),
    431: ("headers_too_large", _l("The request's headers are too large.")),
    500: ("server_error", _l("Something went wrong on our side. Please try again.")),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


#: The longest address (path and query) and header line the app reads; longer: 414 and 431,
#: in JSON on /api/. Gunicorn (gunicorn.conf.py) lets through more, so that the app, not its
#: plain pages, answers these. The address was gunicorn's default limit; a header line may
#: hold several browser cookies of 4096 bytes.
MAX_URL_LENGTH = 4096
MAX_HEADER_LENGTH = 8000


#: The two headers that WSGI keeps under their own names.
_UNPREFIXED_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


def refuse_oversized_request():
    """A ``before_request`` hook: 414 for an over-long address, 431 for an over-long header,
    413 for a body larger than ``MAX_CONTENT_LENGTH``. Werkzeug refuses a body whose
    Content-Length says so; a chunked one (no Content-Length, the server ends the stream) it
    cuts silently at the limit when read whole, so it is read here once, and whatever reads the
    body later (a form, ``json_body``) reads that copy."""
    if len(request.full_path) > MAX_URL_LENGTH:
        abort(414)
    # Read from the WSGI environ: a header's name is its key without HTTP_ (CONTENT_TYPE and
    # CONTENT_LENGTH have none), of the same length as in the request. The same test as over
    # ``request.headers``, without making a title-cased name for every header of every request.
    for key, value in request.environ.items():
        if key.startswith("HTTP_"):
            if len(key) - 5 + len(value) > MAX_HEADER_LENGTH:
                abort(431)
        elif key in _UNPREFIXED_HEADERS and len(key) + len(value) > MAX_HEADER_LENGTH:
            abort(431)
    limit = request.max_content_length
    if request.content_length is None and limit is not None and request.environ.get("wsgi.input_terminated"):
        if len(request.get_data(cache=True)) >= limit:
            abort(413)


#: Seconds a client is told to wait (``Retry-After``) before trying again a request the
#: database could not take: its write lock held past the busy timeout, or its connection lost.
RETRY_AFTER_SECONDS = 5

#: What SQLite says when its lock stayed taken past the busy timeout.
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_BUSY = _l("Many people are using the system right now. Please try again in a moment.")
_CONNECTION_LOST = _l("The connection to the database was lost. Please try again in a moment.")


def retryable_database_error(error: DBAPIError) -> tuple[str, object] | None:
    """The code and message of a 503 for a database error that a retry may get past: SQLite
    busy ("busy"), or a connection to PostgreSQL lost (a restart, an administrator ending it:
    "try_again"); None for any other error (a bug: a 500)."""
    if error.connection_invalidated:
        return "try_again", _CONNECTION_LOST
    text = str(error.orig).lower() if error.orig is not None else ""
    if isinstance(error, OperationalError) and any(phrase in text for phrase in _SQLITE_BUSY):
        return "busy", _BUSY
    if type(error.orig).__module__.startswith("psycopg") and isinstance(error, OperationalError):
        # psycopg's OperationalError: the server shut down or went away (AdminShutdown,
        # "server closed the connection unexpectedly", "consuming input failed").
        return "try_again", _CONNECTION_LOST
    return None


def error_response(status: int, code: str, message, fields: dict | None = None):
    """The error body of the API contract; ``fields`` only on a 422 (a conflict's fields are
    for the page that shows them beside its form)."""
    if wants_json():
        body = {"code": code, "message": str(message)}
        if fields and status == 422:
            body["fields"] = {k: str(v) for k, v in fields.items()}
        return jsonify({"error": body}), status
    return render_template("errors/error.html", status=status, code=code, message=message), status


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_oversized_request)

    @app.errorhandler(OutreachError)
    def handle_domain_error(error: OutreachError):
        db.session.rollback()
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        db.session.rollback()
        return error_response(
            400, "csrf_failed", _l("This form has expired or was not sent from this site. Reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        db.session.rollback()
        status = error.code or 500
        if status == 401 and not wants_json():
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        code, message = HTTP_ERRORS.get(status, (error.name.lower().replace(" ", "_"), error.description))
        response = error_response(status, code, message)
        if status == 405 and error.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(error.valid_methods)}
        return response

    @app.errorhandler(DBAPIError)
    def handle_database_error(error: DBAPIError):
        """SQLite busy past its timeout, or PostgreSQL's connection lost: 503 with
        ``Retry-After``, nothing written (the transaction is rolled back; the pool's pre-ping
        replaces a dead connection on the next request). Any other database error is a 500."""
        try:
            db.session.rollback()
        except DBAPIError:  # the connection is gone: the session still lets it go
            db.session.close()
        retry = retryable_database_error(error)
        if retry is None:
            log.error("database error on %s %s", request.method, request.path, exc_info=error)
            code, message = HTTP_ERRORS[500]
            return error_response(500, code, message)
        log.warning("database unavailable on %s %s: %s", request.method, request.path, retry[0])
        body, status = error_response(503, *retry)
        return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}

    @app.errorhandler(InternalServerError)
    def handle_server_error(error: InternalServerError):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error.original_exception)
        code, message = HTTP_ERRORS[500]
        return error_response(500, code, message)

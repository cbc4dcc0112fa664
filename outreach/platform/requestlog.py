"""One log line per request, without personal data: the method, the route's pattern with its
ids (a ticket's token, a cover's key and any other secret part of the address written as
``<token>``), the status, the time taken and the size of the answer. Never the query string
(a search holds names and phone numbers), the client's address, a cookie or a body.

In place of gunicorn's access log, which writes whole addresses. Logged by ``outreach.requests``
at INFO; ``OUTREACH_LOG_FORMAT=json`` writes it (like every record) as one JSON object a line,
the fields as keys."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

log = logging.getLogger("outreach.requests")

#: Parts of an address that are secrets or personal: written as their name only.
SECRET_PARTS = frozenset({"token", "key", "digest"})


def init_app(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_log)


def _start() -> None:
    g.request_started = time.perf_counter()


def loggable_path() -> str:
    """The request's path with its secret parts replaced by their names (``/t/<token>``)."""
    rule, values = request.url_rule, request.view_args or {}
    if rule is None:  # no route matched (404, 405): the path may hold anything
        return "(no route)"
    path = rule.rule
    for name, value in values.items():
        shown = f"<{name}>" if name in SECRET_PARTS else str(value)
        path = path.replace(f"<{name}>", shown)
        for converter in ("int", "string", "path", "any", "float", "uuid"):
            path = path.replace(f"<{converter}:{name}>", shown)
    return path


def _log(response):
    if log.isEnabledFor(logging.INFO):
        started = g.get("request_started")
        elapsed = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        path, size, method, status = loggable_path(), response.calculate_content_length(), request.method, response.status_code
        log.info("%s %s %s %sms %sB", method, path, status, elapsed, size,
                 extra={"method": method, "path": path, "status": status, "ms": elapsed, "bytes": size})
    return response

"""``GET /healthz``: whether this instance can serve — its database answers, the database's schema
is the one the code expects, and the job queue answers — for a load balancer or a monitor.
200 ``{"status": "ok", "checks": {...: "ok"}}``; 503 with each failing check saying what is wrong.
Public and cheap: no session, no personal data, no rate limit (a monitor polls it)."""

from __future__ import annotations

import functools
import logging

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from outreach.extensions import db, limiter
from outreach.paths import MIGRATIONS
from outreach.platform.jobs import queue_check

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    checks = {"database": "ok", "migrations": "ok", "queue": queue_check()}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        log.warning("health check: database unreachable: %s", type(error).__name__)
        checks["database"] = f"unreachable ({type(error).__name__})"
        checks["migrations"] = "unknown (no database)"
    else:
        expected = code_heads()
        if current != expected:
            checks["migrations"] = (
                f"database at {', '.join(sorted(current)) or 'no revision'}, code at {', '.join(sorted(expected))}: "
                "run flask db upgrade"
            )
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if healthy else "unavailable", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@functools.cache
def code_heads() -> frozenset[str]:
    """The migrations' head revisions in this code (read once: the files do not change)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())

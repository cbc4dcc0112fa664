"""Outreach: a public library's outreach programme, from planning to the yearly statistics."""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys

from flask import Flask, Response
from pythonjsonlogger.json import JsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from outreach.paths import MIGRATIONS, STATIC, TEMPLATES
from outreach.years import INT_MAX


def digits_up_to(limit: int) -> str:
    r"""A regular expression of the whole numbers from 0 to ``limit`` (without leading zeros
    past the shorter lengths): 2147483647 -> ``\d{1,9}|1\d{9}|20\d{8}|...|214748364[0-7]``."""
    text = str(limit)
    if len(text) == 1:
        return f"[0-{text}]"
    options = [rf"\d{{1,{len(text) - 1}}}"]
    for i, digit in enumerate(text):
        rest = len(text) - i - 1
        low = "1" if i == 0 else "0"
        if int(digit) > int(low):
            top = str(int(digit) - 1)
            span = low if top == low else f"[{low}-{top}]"
            options.append(text[:i] + span + (rf"\d{{{rest}}}" if rest else ""))
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class BoundedIntegerConverter(IntegerConverter):
    """``<int:...>`` in every route: a number the database cannot hold (above its INTEGER)
    matches no route, so it is a 404 like any other id that names nothing. The bound is in
    the pattern, not only in ``to_python``: Werkzeug answers 405 when a path matches a rule of
    another method and this one's value is refused after matching."""

    regex = digits_up_to(INT_MAX)

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def create_app(config: dict | None = None) -> Flask:
    """The application factory. ``config`` overrides everything else (tests pass a dict).

    The instance folder (SQLite database, secret key, uploaded covers, exports) is
    ``instance/`` in the repository, or ``OUTREACH_INSTANCE_PATH`` when set: a deployment keeps
    it outside the code (docs/deploy.md)."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("OUTREACH_INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(STATIC),
    )
    from outreach.config import load_config

    load_config(app, config)
    _configure_logging(app)
    if app.config["PROXY_FIX"]:
        n = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    _import_models()
    _import_jobs()
    _init_extensions(app)
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    _register_blueprints(app)
    _register_favicon(app)
    _version_static_urls(app)
    _register_cli(app)

    from outreach.errors import register_error_handlers

    register_error_handlers(app)
    return app


#: One line per record, the same under gunicorn (whose workers' stderr is its error log),
#: ``flask run`` and the other ``flask`` commands.
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _configure_logging(app: Flask) -> None:
    """Send what ``outreach`` and its modules log (``app.logger`` is the same logger) to stderr,
    from ``OUTREACH_LOG_LEVEL`` up (INFO by default), as text lines or, with
    ``OUTREACH_LOG_FORMAT=json``, JSON objects. Records still propagate to the root
    logger, so that a host that configures logging itself (or pytest's ``caplog``) sees them;
    without that, Python would drop everything under WARNING and the mail log lines with it."""
    logger = logging.getLogger("outreach")
    level = str(app.config["LOG_LEVEL"]).strip().upper()
    logger.setLevel(level if level in logging.getLevelNamesMapping() else logging.INFO)
    formatter = _json_formatter() if str(app.config["LOG_FORMAT"]).strip().lower() == "json" else logging.Formatter(LOG_FORMAT)
    handler = next((h for h in logger.handlers if getattr(h, "outreach", False)), None)
    if handler is None:  # one handler however many apps a process makes (tests)
        handler = logging.StreamHandler(sys.stderr)
        handler.outreach = True
        logger.addHandler(handler)
    handler.setFormatter(formatter)


def _json_formatter() -> logging.Formatter:
    """One JSON object a line: time, level, logger, message, and a record's extra fields (the
    request log's method, path, status, ms, bytes)."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}, timestamp=False,
    )


def _import_models() -> None:
    """Every table must be in the metadata before Alembic compares it with the database."""
    from outreach.accounts import models as _accounts  # noqa: F401
    from outreach.competitions import models as _competitions  # noqa: F401
    from outreach.events import models as _events  # noqa: F401
    from outreach.outposts import models as _outposts  # noqa: F401
    from outreach.platform import models as _platform  # noqa: F401
    from outreach.recurrences import models as _recurrences  # noqa: F401
    from outreach.registration import models as _registration  # noqa: F401
    from outreach.reports import models as _reports  # noqa: F401
    from outreach.visits import models as _visits  # noqa: F401
    from outreach.volunteers import models as _volunteers  # noqa: F401


def _import_jobs() -> None:
    """Every job by name, in the web workers (which queue them) as in the consumer (which runs them)."""
    from outreach.platform import exports, mail  # noqa: F401
    from outreach.registration import jobs as _registration  # noqa: F401
    from outreach.volunteers import jobs as _volunteers  # noqa: F401


def _init_extensions(app: Flask) -> None:
    from outreach import database, i18n  # noqa: F401  (database registers the engine hooks)
    from outreach.accounts import auth
    from outreach.events import labels
    from outreach.extensions import babel, csrf, db, limiter, login_manager, migrate, talisman
    from outreach.platform import jobs, ratelimit, requestlog  # noqa: F401  (ratelimit: its storage)
    from outreach.views import raise_upload_limit

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    labels.register(app)
    requestlog.init_app(app)
    app.before_request(raise_upload_limit)  # before CSRF protection reads an upload's form
    csrf.init_app(app)
    limiter.init_app(app)
    jobs.init_app(app)
    login_manager.init_app(app)
    auth.init_app(app)
    talisman.init_app(
        app,
        force_https=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        strict_transport_security=bool(app.config["SESSION_COOKIE_SECURE"]),
        frame_options="DENY",
        content_security_policy={
            "default-src": "'self'",
            "img-src": ["'self'", "data:"],
            "media-src": ["'self'", "blob:"],
            "object-src": "'none'",
            "base-uri": "'self'",
            "form-action": "'self'",
            "frame-ancestors": "'none'",
        },
        permissions_policy={"camera": "(self)", "microphone": "()", "geolocation": "()"},
        referrer_policy="same-origin",
    )


def _register_blueprints(app: Flask) -> None:
    from outreach.accounts.routes import bp as accounts_bp
    from outreach.api import api_blueprint
    from outreach.api.openapi import bp as openapi_bp
    from outreach.audit.api import bp as audit_api
    from outreach.audit.routes import bp as audit_bp
    from outreach.competitions.api import bp as competitions_api
    from outreach.competitions.routes import bp as competitions_bp
    from outreach.competitions.staff import bp as competitions_staff_bp
    from outreach.events.api import bp as events_api
    from outreach.events.routes import bp as events_bp
    from outreach.extensions import csrf
    from outreach.outposts.api import bp as outposts_api
    from outreach.outposts.routes import bp as outposts_bp
    from outreach.places.api import bp as places_api
    from outreach.places.routes import bp as places_bp
    from outreach.platform.export_routes import bp as exports_bp
    from outreach.platform.health import bp as health_bp
    from outreach.recurrences.api import bp as recurrences_api
    from outreach.recurrences.routes import bp as recurrences_bp
    from outreach.registration.announce import bp as announce_bp
    from outreach.registration.api import bp as registration_api
    from outreach.registration.routes import bp as registration_bp
    from outreach.registration.staff import bp as registration_staff_bp
    from outreach.reports.annual_api import bp as annual_reports_api
    from outreach.reports.annual_routes import bp as annual_reports_bp
    from outreach.reports.api import bp as reports_api
    from outreach.reports.routes import bp as reports_bp
    from outreach.staff.calendar import bp as staff_calendar_bp
    from outreach.staff.messages import bp as messages_bp
    from outreach.staff.routes import bp as staff_bp
    from outreach.visits.api import bp as visits_api
    from outreach.visits.routes import bp as visits_bp
    from outreach.volunteers.api import bp as volunteers_api
    from outreach.volunteers.routes import bp as volunteers_bp
    from outreach.volunteers.staff import bp as volunteers_staff_bp

    app.register_blueprint(events_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(registration_bp)
    app.register_blueprint(registration_staff_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(volunteers_staff_bp)
    app.register_blueprint(competitions_bp)
    app.register_blueprint(competitions_staff_bp)
    app.register_blueprint(recurrences_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(staff_calendar_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(annual_reports_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(announce_bp)
    app.register_blueprint(outposts_bp)
    app.register_blueprint(visits_bp)

    # The JSON API: a parent made for this app, so that apps share no registration state.
    api_bp = api_blueprint()
    csrf.exempt(api_bp)
    for child in (
        events_api, registration_api, volunteers_api, competitions_api, places_api, recurrences_api,
        reports_api, annual_reports_api, audit_api, outposts_api, visits_api, openapi_bp,
    ):
        csrf.exempt(child)  # nested blueprints are not covered by the parent's exemption
        api_bp.register_blueprint(child)
    app.register_blueprint(api_bp)


def _register_favicon(app: Flask) -> None:
    """Browsers ask for ``/favicon.ico`` at the root whatever the pages link; the pages also
    link an SVG icon. Both are small and read once: answered from memory, so that a browser
    that drops the request while closing a tab leaves no open file behind."""
    icons = {
        "favicon.ico": ((STATIC / "favicon.ico").read_bytes(), "image/vnd.microsoft.icon"),
        "favicon.svg": ((STATIC / "favicon.svg").read_bytes(), "image/svg+xml"),
    }

    def icon(name: str):
        body, mimetype = icons[name]
        return Response(body, mimetype=mimetype, headers={"Cache-Control": f"public, max-age={7 * 24 * 3600}"})

    app.add_url_rule("/favicon.ico", "favicon", icon, defaults={"name": "favicon.ico"})
    app.add_url_rule("/favicon.svg", "favicon_svg", icon, defaults={"name": "favicon.svg"})


@functools.cache
def static_version(filename: str) -> str | None:
    """The first 12 hex digits of a static file's SHA-256 (read once per process), or None."""
    path = STATIC / filename
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _version_static_urls(app: Flask) -> None:
    """Our own stylesheets and scripts are linked as ``/static/css/outreach.css?v=<digest>``:
    a new version has a new address, so that a proxy in front (docs/deploy.md) may let
    browsers keep them for a year and an upgrade still reaches every browser at once. Vendored
    files carry their version in their folder's name (``vendor/pico-2.1.1/``); images keep
    their plain address."""

    @app.url_defaults
    def add_version(endpoint: str | None, values: dict) -> None:
        if endpoint != "static" or "v" in values:
            return
        filename = values.get("filename") or ""
        if filename.endswith((".css", ".js")) and not filename.startswith("vendor/"):
            version = static_version(filename)
            if version:
                values["v"] = version


def _register_cli(app: Flask) -> None:
    from outreach.accounts.cli import users_cli
    from outreach.demo.cli import demo_cli
    from outreach.outposts.cli import outposts_cli
    from outreach.platform.cli import backup_command, jobs_cli, restore_command
    from outreach.reports.cli import privacy_cli
    from outreach.volunteers.cli import volunteers_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(volunteers_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(outposts_cli)

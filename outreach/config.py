"""Configuration: defaults, then ``OUTREACH_*`` environment variables, then ``instance/config.py``."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

DEFAULTS = {
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "TIMEZONE": "Asia/Shanghai",
    "DEFAULT_LOCALE": "zh_Hans",
    "RATELIMIT_ENABLED": True,
    #: Where the rate-limit counters live. Unset: ``OUTREACH_REDIS_URL`` when that is set,
    #: else a SQLite file in the instance folder that every worker of the machine shares.
    "RATELIMIT_STORAGE_URI": None,
    #: Redis for several machines (rate-limit counters); unset, one machine's local storage.
    "REDIS_URL": None,
    #: Where the background-job queue lives (sqlite:///PATH or redis://…). Unset:
    #: ``OUTREACH_REDIS_URL`` when that is set, else instance/jobs.sqlite3.
    "JOBS_STORAGE": None,
    #: Run each job at once in the process that queues it (tests; never with several workers).
    "JOBS_IMMEDIATE": False,
    #: From this hour (library time) the day before, reminders of tomorrow's events and shifts go out.
    "REMINDERS_FROM_HOUR": 18,
    #: A message a worker took but did not finish in this time (the worker died) is queued again.
    "MAIL_STALE_CLAIM_SECONDS": 600,
    #: Text messages (SMS) to patrons who gave a mobile number and no e-mail address: ``aliyun``
    #: (Alibaba Cloud SMS) switches them on; unset, none are written. The README's "Text
    #: messages" section gives the templates to apply for.
    "SMS_PROVIDER": None,
    "SMS_ACCESS_KEY_ID": None,
    "SMS_ACCESS_KEY_SECRET": None,
    #: The approved signature (签名), without its 【】.
    "SMS_SIGN_NAME": None,
    "SMS_ENDPOINT": "https://dysmsapi.aliyuncs.com/",
    #: The approved template code (SMS_…) of each kind of text; a kind without one is not texted.
    #: ``…_EN`` settings (e.g. ``SMS_TEMPLATE_CONFIRMED_EN``) name English templates of the same texts.
    "SMS_TEMPLATE_CONFIRMED": None,
    "SMS_TEMPLATE_WAITLISTED": None,
    "SMS_TEMPLATE_PROMOTED": None,
    "SMS_TEMPLATE_MOVED": None,
    "SMS_TEMPLATE_REMINDER": None,
    "SMS_TEMPLATE_CANCELLED": None,
    "SMS_TEMPLATE_CHANGED": None,
    #: Threads of one ``flask jobs worker``.
    "JOBS_WORKERS": 2,
    #: ``json``: one JSON object per log line (for a log collector); else plain text lines.
    "LOG_FORMAT": "text",
    "RATELIMIT_HEADERS_ENABLED": True,
    #: Limits as Flask-Limiter strings, per client address.
    "RATELIMIT_PUBLIC_WRITE": "30 per minute",
    #: Per address, generous: a whole library's staff may sign in from behind one address;
    #: guessing one account's password is stopped per account (LOGIN_FREE_FAILURES).
    "RATELIMIT_LOGIN": "60 per minute",
    #: Self check-in by the poster's code: per address, and per phone number tried.
    "RATELIMIT_SELF_CHECKIN": "10 per minute",
    "RATELIMIT_SELF_CHECKIN_PHONE": "5 per 10 minutes",
    #: Failed sign-ins to one account before it waits 1, 2, 4 ... minutes (at most the cap).
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_MAX_WAIT_MINUTES": 15,
    #: "Find my ticket": lookups of one phone number, from any address (a number cannot be probed).
    "RATELIMIT_TICKET_LOOKUP": "5 per hour",
    #: Asking for a password-reset link and using one, per address: each request may send an e-mail.
    "RATELIMIT_PASSWORD_RESET": "10 per 10 minutes",
    #: Behind a reverse proxy, the number of proxies whose X-Forwarded-* headers to trust.
    "PROXY_FIX": 0,
    #: Redirect to HTTPS and mark cookies secure; turn on when served over TLS.
    "FORCE_HTTPS": False,
    "LIBRARY_NAME": "醴陵市图书馆",
    "LIBRARY_NAME_EN": "Liling Library",
    #: Volunteers may sign up for a shift from this many days before it.
    "VOLUNTEER_SIGNUP_OPENS_DAYS": 30,
    #: After this many hours before a shift, only staff can take a volunteer off it.
    "VOLUNTEER_CANCEL_CUTOFF_HOURS": 24,
    #: Certificate numbers read PREFIX-YEAR-NNNNNN.
    "CERTIFICATE_PREFIX": "LL",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    #: Seconds a process takes an API token it found valid at its word without asking the
    #: database again (outreach/accounts/tokencache.py); 0 asks on every request. A revoked
    #: token or a changed account counts at once in the process that changed it, and in the
    #: others within this time.
    "API_TOKEN_CACHE_SECONDS": 5,
    #: Seconds a request waits for SQLite's write lock before it answers 503 "busy, try again".
    "DATABASE_BUSY_TIMEOUT": 30,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    #: The least severe log records written to stderr: DEBUG, INFO, WARNING, ERROR.
    "LOG_LEVEL": "INFO",
}


def load_config(app: Flask, overrides: dict | None) -> None:
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("OUTREACH")
    app.config.from_pyfile("config.py", silent=True)
    if overrides:
        app.config.update(overrides)

    url = app.config["DATABASE_URL"] or "sqlite:///" + os.path.join(app.instance_path, "outreach.db")
    app.config["DATABASE_URL"] = url
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        # Wait for a busy database instead of failing; see outreach.database for the pragmas.
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("connect_args", {"timeout": float(app.config["DATABASE_BUSY_TIMEOUT"])})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    else:
        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options.setdefault("pool_pre_ping", True)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])

    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    app.config["RATELIMIT_ENABLED"] = _truthy(app.config["RATELIMIT_ENABLED"])
    if not app.config["RATELIMIT_STORAGE_URI"]:
        # Counters every worker shares: never memory://, which counts per worker.
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"] or "sqlite:///" + os.path.join(
            os.path.abspath(app.instance_path), "ratelimits.db"
        )
    app.config["SESSION_COOKIE_SECURE"] = _truthy(app.config["FORCE_HTTPS"])
    app.config["JOBS_IMMEDIATE"] = _truthy(app.config["JOBS_IMMEDIATE"])
    app.config["JOBS_WORKERS"] = max(1, int(app.config["JOBS_WORKERS"]))
    app.config["MAIL_STALE_CLAIM_SECONDS"] = int(app.config["MAIL_STALE_CLAIM_SECONDS"])
    app.config["REMINDERS_FROM_HOUR"] = int(app.config["REMINDERS_FROM_HOUR"])
    app.config["API_TOKEN_CACHE_SECONDS"] = max(0.0, float(app.config["API_TOKEN_CACHE_SECONDS"]))
    if not app.config["JOBS_STORAGE"]:
        app.config["JOBS_STORAGE"] = app.config["REDIS_URL"] or "sqlite:///" + os.path.join(
            os.path.abspath(app.instance_path), "jobs.sqlite3"
        )


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def _instance_secret_key(app: Flask) -> str:
    """Read the key kept in ``instance/secret_key``, making one on first start."""
    path = Path(app.instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key

"""Work done off the request: one huey queue for the whole application.

Where the queue lives follows the configuration: ``JOBS_STORAGE`` when set, else Redis at
``OUTREACH_REDIS_URL`` (several machines share it), else a SQLite file in the instance folder
that every worker of one machine shares (nothing to install). ``JOBS_IMMEDIATE`` runs each job
at once in the process that queued it, in memory (the tests, and a ``flask`` command run by
hand).

A job is a function decorated with ``@job()`` (or ``@periodic(crontab)``): it runs inside an
application context of the app that started the consumer (``flask jobs worker``), so it uses
``db.session`` like a request does; its session is removed when it ends. Areas declare their
jobs in the modules their blueprints import, so that the app factory registers every job by
name in the consumer as in the web workers.
"""

from __future__ import annotations

import functools
import logging
import os
from urllib.parse import urlsplit

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

from outreach.extensions import db

log = logging.getLogger(__name__)

#: The application's queue. Until ``init_app`` configures it, it runs jobs at once in memory.
queue = Huey("outreach", immediate=True, utc=True)

#: The app whose context jobs run in (set by ``init_app``; one per process outside the tests).
_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at the storage the configuration names."""
    global _app
    _app = app
    if app.config["JOBS_IMMEDIATE"]:
        queue.immediate = True
        return
    storage_class, kwargs = storage_for(app.config["JOBS_STORAGE"])
    queue.storage_class = storage_class
    queue.storage_kwargs = kwargs
    if queue.immediate:
        queue.immediate = False  # huey makes the storage anew from storage_class and storage_kwargs
    else:
        queue.storage = queue.create_storage()


def storage_for(url: str) -> tuple[type, dict]:
    """The huey storage class and its arguments for ``sqlite:////path`` or ``redis://…``."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return SqliteStorage, {"filename": path}
    if parts.scheme in ("redis", "rediss", "unix"):
        return RedisStorage, {"url": url}
    raise ValueError(f"OUTREACH_JOBS_STORAGE must be sqlite:/// or redis://, not {parts.scheme}://")


def job(**options):
    """Declare a job: ``@job(retries=5, retry_delay=60)``. Calling the function queues it and
    returns huey's result handle; ``fn.call_local(...)`` runs it here and now."""

    def decorate(fn):
        return queue.task(**options)(_in_app_context(fn))

    return decorate


def periodic(schedule, **options):
    """Declare a job that the consumer runs by itself on ``schedule`` (``huey.crontab``)."""

    def decorate(fn):
        return queue.periodic_task(schedule, **options)(_in_app_context(fn))

    return decorate


def _in_app_context(fn):
    @functools.wraps(fn)
    def run(*args, **kwargs):
        if has_app_context():  # run at once (JOBS_IMMEDIATE) from a request or a command
            return fn(*args, **kwargs)
        if _app is None:
            raise RuntimeError("the job queue has no application: call outreach.platform.jobs.init_app")
        with _app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    return run


def queue_check() -> str:
    """``ok`` when the queue's storage answers, else what is wrong (for ``/healthz``)."""
    try:
        queue.pending_count()
    except Exception as error:  # noqa: BLE001 - any failure of the storage is "unreachable"
        log.warning("job queue unreachable: %s", type(error).__name__)
        return f"unreachable ({type(error).__name__})"
    return "ok"


def describe() -> str:
    """Where the queue lives, without secrets (for logs and the worker's first line)."""
    if queue.immediate:
        return "immediate (in memory)"
    url = current_app.config["JOBS_STORAGE"]
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return url
    return f"{parts.scheme}://{parts.hostname or ''}{':' + str(parts.port) if parts.port else ''}{parts.path}"

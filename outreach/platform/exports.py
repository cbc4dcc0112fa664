"""Exports made off the request: all tickets of an event, a roster, the annual report.

One machinery for every kind. An area declares a kind (``register(ExportKind(...))``) with
what it needs: how many units of work an export of it has (``count``, which may refuse with
an ``OutreachError``), how to make the file (``build(export, progress)``, run by the job worker
in the export's language), its file name and the texts of its page.

- ``start`` records the export (kind, parameters, language, who asked, total) or, when the
  same export (same kind, parameters and language) is already queued or running, answers that
  one; ``launch`` (for views) also commits and queues ``run_export`` for the job worker.
- ``build`` marks it running, lets the kind make the file, writes progress at most every
  ``PROGRESS_EVERY`` and keeps the file under ``instance/exports``; a kind that raises leaves
  the export ``failed`` (its page says so in the reader's language), never ``running``.
- The file is kept until it is downloaded (then ``GRACE`` more, so that a broken download can
  be repeated) or until ``KEEP`` has passed; the periodic ``expire_exports`` removes it and marks
  the row ``expired``; its page says so and offers to make it again.

Any member of staff may see and download any export (the library's staff share the printing:
who prints the day's roster is not always who asked for it); nobody else may.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app, send_file
from flask_babel import force_locale
from huey import crontab
from sqlalchemy import select

from outreach import clock
from outreach.database import one_at_a_time
from outreach.extensions import db
from outreach.platform.jobs import job, periodic
from outreach.platform.models import ExportJob

log = logging.getLogger(__name__)

#: How often a long export writes how far it has got (its page reloads every 2 s).
PROGRESS_EVERY = timedelta(seconds=2)
#: A finished file nobody downloads is removed after this.
KEEP = timedelta(days=7)
#: A downloaded file is kept this much longer, so that a broken download can be repeated.
GRACE = timedelta(hours=1)
#: An export still queued or running after this has lost its worker: it is failed, not reused.
STALE = timedelta(minutes=30)
#: A file that no export names is removed this long after it was written.
ORPHAN_AGE = timedelta(days=1)
#: The folder of the files, under the instance folder.
FOLDER = "exports"

WAITING = ("queued", "running")


@dataclass(frozen=True)
class ExportKind:
    """What the machinery needs to know of one kind of export (see the module's text).

    ``count(params)`` the units of work (tickets, shifts, steps), or an ``OutreachError`` when
    the export cannot be made; ``build(export, progress)`` the file's bytes (``progress(done)``
    after each unit or part); ``filename(export)`` its name when downloaded. The page's texts,
    each called in the reader's language: ``title(export)``, ``lead(export)`` (or None),
    ``progress_text(done, total)``, ``ready_text(total)``, ``failed_text()``,
    ``back(export)`` (address and label of the page it was asked from)."""

    name: str
    count: Callable[[dict], int]
    build: Callable[[ExportJob, Callable[[int], None]], bytes]
    filename: Callable[[ExportJob], str]
    title: Callable[[ExportJob], str]
    lead: Callable[[ExportJob], str | None]
    progress_text: Callable[[int, int], str]
    ready_text: Callable[[int], str]
    failed_text: Callable[[], str]
    back: Callable[[ExportJob], tuple[str, str]]
    mimetype: str = "application/pdf"
    #: The parameter naming the event it concerns (kept in ``event_id``: the event's page lists it).
    event_param: str | None = None
    #: What staff may not ask for any more (``OutreachError``), checked when a view starts one.
    may_start: Callable[[dict], None] | None = None


#: The kinds the areas declared, by name.
KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    KINDS[kind.name] = kind
    return kind


def kind_of(export: ExportJob) -> ExportKind:
    return KINDS[export.kind]


def key_of(kind: str, params: dict, locale: str) -> str:
    """The one string that tells two exports apart: kind, parameters and language."""
    return f"{kind}:{json.dumps(params, sort_keys=True, separators=(',', ':'))}:{locale}"


# --- starting -----------------------------------------------------------------------------------


def start(kind: str, params: dict, *, actor, locale: str) -> tuple[ExportJob, bool]:
    """The export of ``kind`` with ``params`` in ``locale``, and whether it is new: the same
    export queued or running (and not stale) is answered instead of a second one. A new one
    is only flushed: the caller commits, then queues ``run_export`` (see ``launch``)."""
    declared = KINDS[kind]
    key = key_of(kind, params, locale)
    one_at_a_time(db.session, f"export {key}")  # two presses at once: the second finds the first
    now = clock.now()
    waiting = db.session.scalar(
        select(ExportJob)
        .where(ExportJob.key == key, ExportJob.status.in_(WAITING), ExportJob.created_at > now - STALE)
        .order_by(ExportJob.id.desc())
        .limit(1)
    )
    if waiting is not None:
        return waiting, False
    total = declared.count(params)
    export = ExportJob(
        kind=kind, params=params, locale=locale, key=key, created_by_id=actor.id if actor else None, total=total,
        status="queued", event_id=params.get(declared.event_param) if declared.event_param else None,
        created_at=now,
    )
    db.session.add(export)
    db.session.flush()
    return export, True


def launch(kind: str, params: dict, *, actor, locale: str, base_url: str) -> ExportJob:
    """For a view: start the export (if the kind still allows it), commit, and queue it for the
    job worker (unless the same export was already on its way). ``base_url`` is the address
    staff used (for links in it)."""
    if KINDS[kind].may_start is not None:
        KINDS[kind].may_start(params)
    export, new = start(kind, params, actor=actor, locale=locale)
    db.session.commit()
    if new:
        run_export(export.id, base_url)
    return export


def again(export: ExportJob, *, actor, base_url: str) -> ExportJob:
    """The same export made anew (an expired or failed one), for a view: commits and queues."""
    return launch(export.kind, dict(export.params or {}), actor=actor, locale=export.locale or "zh_Hans",
                  base_url=base_url)


# --- making the file ----------------------------------------------------------------------------


@job()
def run_export(export_id: int, base_url: str) -> None:
    """The export, run by the job worker (it survives the web worker that asked for it)."""
    # A request context gives url_for its host and the templates their helpers.
    with current_app.test_request_context(base_url=base_url):
        try:
            build(export_id)
        except Exception as error:  # noqa: BLE001 - the export must not stay "running" for ever
            log.exception("export %s failed", export_id)
            db.session.rollback()
            export = db.session.get(ExportJob, export_id)
            if export is not None:  # (gone with its event while it was made)
                fail(export, type(error).__name__ + (f": {error}" if str(error) else ""))
                db.session.commit()


def fail(export: ExportJob, error: str) -> None:
    export.status, export.error, export.finished_at = "failed", error[:500], clock.now()


def build(export_id: int) -> None:
    """Make the export's file: running, the kind's ``build`` with progress written at most every
    ``PROGRESS_EVERY`` (not after the last unit, whose end "done" says), then done, kept
    ``KEEP``. The session keeps what the kind read across the progress commits (no reload),
    so that a long export costs a constant number of statements."""
    export = db.session.get(ExportJob, export_id)
    declared = kind_of(export)
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False  # what the kind read stays usable after each progress commit
    try:
        export.status, export.done = "running", 0
        db.session.commit()
        reported = clock.now()

        def progress(done: int) -> None:
            nonlocal reported
            now = clock.now()
            if done < export.total and now - reported >= PROGRESS_EVERY:
                reported = now
                export.done = done
                db.session.commit()

        with force_locale(export.locale or "zh_Hans"):
            document = declared.build(export, progress)
        folder = Path(current_app.instance_path) / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{export.kind}-{export.id}.{declared.mimetype.rsplit('/', 1)[-1]}"
        path.write_bytes(document)
        now = clock.now()
        export.path = str(path.relative_to(current_app.instance_path))
        export.status, export.done, export.finished_at, export.expires_at = "done", export.total, now, now + KEEP
        db.session.commit()
    finally:
        session.expire_on_commit = expiring


# --- its page, its file, its end ----------------------------------------------------------------


def is_expired(export: ExportJob, now=None) -> bool:
    """Whether its file is gone, or due to go (the periodic job may not have run yet)."""
    now = now or clock.now()
    return export.status == "expired" or (
        export.status == "done" and export.expires_at is not None and export.expires_at <= now
    )


def check_stale(export: ExportJob) -> None:
    """An export queued or running for longer than ``STALE`` lost its worker: failed (the
    caller commits)."""
    if export.status in WAITING and clock.now() - export.created_at > STALE:
        fail(export, "timed out")


def file_of(export: ExportJob) -> Path | None:
    """Its finished file, when there is one to download."""
    if export.status != "done" or not export.path or is_expired(export):
        return None
    path = Path(current_app.instance_path) / export.path
    return path if path.is_file() else None


def download(export: ExportJob, path: Path):
    """The file as a download; the first download starts the grace after which it is
    removed. Commits (a GET that records when it was fetched)."""
    now = clock.now()
    if export.downloaded_at is None:
        export.downloaded_at = now
        export.expires_at = min(export.expires_at or now + GRACE, now + GRACE)
        db.session.commit()
    declared = kind_of(export)
    with force_locale(export.locale or "zh_Hans"):
        name = declared.filename(export)
    # Read whole (a PDF of a few megabytes): no open file is left to a client that drops the answer.
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=declared.mimetype, download_name=name,
                         as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def remove_file(export: ExportJob) -> None:
    if export.path:
        (Path(current_app.instance_path) / export.path).unlink(missing_ok=True)
    export.path = None


@periodic(crontab(minute="*/10"))
def expire_exports() -> int:
    """Remove the files whose time is up and mark their exports ``expired``; fail exports
    whose worker went away. Returns how many files were removed."""
    now = clock.now()
    due = db.session.scalars(
        select(ExportJob).where(ExportJob.status == "done", ExportJob.expires_at <= now)
    ).all()
    for export in due:
        remove_file(export)
        export.status = "expired"
    for export in db.session.scalars(
        select(ExportJob).where(ExportJob.status.in_(WAITING), ExportJob.created_at < now - STALE)
    ):
        fail(export, "timed out")
    db.session.commit()
    orphans = _remove_orphans()
    if due or orphans:
        log.info("removed %d expired export files and %d without an export", len(due), orphans)
    return len(due)


def _remove_orphans() -> int:
    """Files no export names any more (their event was deleted, and its exports with it), a day
    after they were written (by the file's own time: a file being written is never taken)."""
    folder = Path(current_app.instance_path) / FOLDER
    if not folder.is_dir():
        return 0
    named = set(db.session.scalars(select(ExportJob.path).where(ExportJob.path.is_not(None))))
    before = time.time() - ORPHAN_AGE.total_seconds()
    removed = 0
    for file in folder.iterdir():
        if file.is_file() and str(file.relative_to(current_app.instance_path)) not in named \
                and file.stat().st_mtime < before:
            file.unlink(missing_ok=True)
            removed += 1
    return removed

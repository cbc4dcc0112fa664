"""Printed tickets (one ticket, or every ticket of an event as one PDF made by the job worker)
and the sign-in sheet of an event."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from outreach import clock, pdf, qr
from outreach.events.models import Event
from outreach.extensions import db
from outreach.i18n import library_name
from outreach.places.models import Venue
from outreach.platform import jobs
from outreach.platform.models import ExportJob
from outreach.registration.listing import group_rows, masked_phone, sign_in_rows
from outreach.registration.models import Registration
from outreach.registration.services import ticket_token

log = logging.getLogger(__name__)
#: Tickets rendered per part of a long export (the PDF lock is let go between parts).
PART_SIZE = 40
#: How often a long export writes how far it has got (the status page reloads every 2 s).
PROGRESS_EVERY = timedelta(seconds=2)


def ticket_filename(registration: Registration) -> str:
    return f"ticket-{registration.event_id}-{registration.id}.pdf"


def _tickets_html(items: list[tuple[Registration, str]], locale: str) -> str:
    tickets = []
    for registration, token in items:
        url = url_for("registration.ticket", token=token, _external=True)
        tickets.append({"registration": registration, "event": registration.event, "qr": qr.qr_data_uri(url)})
    with force_locale(locale):
        return render_template(
            "registration/ticket_pdf.html", tickets=tickets, locale=locale, library=library_name(locale)
        )


def ticket_pdf(items: list[tuple[Registration, str]], *, locale: str) -> bytes:
    """An A6 page per ticket: the event, the holder, the party size and the QR code."""
    return pdf.render_pdf(_tickets_html(items, locale))


def sign_in_sheet_pdf(event, *, locale: str) -> bytes:
    """The sign-in sheet (签到表) for the door: the event, then one row per confirmed
    registration by name, with its masked phone, party size and a box to sign; the table's
    header repeats on every page."""
    with force_locale(locale):
        html = render_template(
            "registration/sign_in_sheet_pdf.html", event=event, rows=sign_in_rows(event), locale=locale,
            library=library_name(locale), masked_phone=masked_phone,
        )
    return pdf.render_pdf(html)


def group_list_pdf(event, *, locale: str) -> bytes:
    """The group list (团体名单) for staff: each confirmed or waiting group with its kind and
    organisation, leader and leader's phone (in full: staff call them), children, adults,
    expected arrival and needs, and a box for how many came; totals at the end."""
    rows = group_rows(event)
    confirmed = [r for r in rows if r.status == "confirmed"]
    totals = {
        "children": sum(r.group_children for r in confirmed), "adults": sum(r.group_adults for r in confirmed),
        "people": sum(r.party_size for r in confirmed),
    }
    with force_locale(locale):
        html = render_template(
            "registration/group_list_pdf.html", event=event, rows=rows, totals=totals, locale=locale,
            library=library_name(locale),
        )
    return pdf.render_pdf(html)


# --- all tickets of an event, in the background -------------------------------------------


def start_ticket_export(event, *, actor, locale: str) -> ExportJob:
    """Record the export of every confirmed ticket of ``event``; the caller commits, then
    queues ``export_tickets_job`` for the job worker."""
    total = db.session.scalar(
        select(db.func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == "confirmed")
    )
    job = ExportJob(kind=f"tickets:{locale}", event_id=event.id, created_by_id=actor.id, total=total, status="queued")
    db.session.add(job)
    db.session.flush()
    return job


@jobs.job()
def export_tickets_job(job_id: int, base_url: str) -> None:
    """The export, run by the job worker (so that it survives the web worker that asked for
    it); ``base_url`` is the address staff used, for the tickets' links."""
    # A request context gives url_for its host and the templates their helpers.
    with current_app.test_request_context(base_url=base_url):
        try:
            export_tickets(job_id)
        except Exception as error:  # noqa: BLE001 - the export must not stay "running" for ever
            log.exception("ticket export %s failed", job_id)
            db.session.rollback()
            export = db.session.get(ExportJob, job_id)
            export.status, export.error, export.finished_at = "failed", str(error)[:500], clock.now()
            db.session.commit()


def export_tickets(job_id: int) -> None:
    """Render every confirmed ticket of the job's event into one PDF under ``instance/exports``.

    The event (with its venue and branch) and its tickets are read in three queries whatever
    their number; the rest is QR codes and WeasyPrint. Progress is written at most every
    ``PROGRESS_EVERY`` (not after each part), and the session keeps what it read across those
    commits, so that a long export costs a constant number of statements."""
    job = db.session.get(ExportJob, job_id)
    locale = job.kind.split(":", 1)[1]
    event = db.session.get(Event, job.event_id, options=[selectinload(Event.venue).selectinload(Venue.branch)])
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.name, Registration.id)
    ).all()
    total = len(registrations)
    items = [(r, ticket_token(r)) for r in registrations]  # each ``r.event`` is ``event``: no query
    parts = [items[i : i + PART_SIZE] for i in range(0, len(items), PART_SIZE)] or [[]]
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False  # the tickets read above stay usable after each progress commit
    try:
        job.status, job.total, job.done = "running", total, 0
        db.session.commit()
        reported = clock.now()

        def progress(parts_done: int) -> None:
            nonlocal reported
            now = clock.now()
            if parts_done < len(parts) and now - reported >= PROGRESS_EVERY:
                reported = now
                job.done = min(parts_done * PART_SIZE, total)
                db.session.commit()

        document = pdf.render_pages((_tickets_html(part, locale) for part in parts), progress=progress)
        folder = Path(current_app.instance_path) / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"tickets-{job.event_id}-{job.id}.pdf"
        path.write_bytes(document)
        job.path = str(path.relative_to(current_app.instance_path))
        job.status, job.done, job.finished_at = "done", total, clock.now()
        db.session.commit()
    finally:
        session.expire_on_commit = expiring

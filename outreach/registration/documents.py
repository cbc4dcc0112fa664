"""Printed tickets (one ticket, or every ticket of an event as one PDF made by the job worker)
and the sign-in sheet of an event."""

from __future__ import annotations

import logging

from flask import render_template, url_for
from flask_babel import force_locale, format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from outreach import clock, pdf, qr
from outreach.events.models import Event
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.places.models import Venue
from outreach.platform import exports
from outreach.platform.models import ExportJob
from outreach.registration.listing import group_rows, masked_phone, sign_in_rows
from outreach.registration.models import Registration
from outreach.registration.services import RegistrationError, has_ended, ticket_token

log = logging.getLogger(__name__)
#: Tickets rendered per part of a long export (the PDF lock is let go between parts).
PART_SIZE = 40


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


def _ticket_event(params: dict) -> Event:
    event = db.session.get(Event, params["event_id"])
    if event is None:
        raise RegistrationError("event_not_found", _l("This event no longer exists."), status=404)
    return event


def _tickets_may_start(params: dict) -> None:
    """Staff print the tickets of an event that has not ended."""
    if has_ended(_ticket_event(params), clock.now()):
        raise RegistrationError("event_ended", _l("This event has ended: its tickets are no longer printed."))


def _ticket_count(params: dict) -> int:
    """The confirmed tickets of the event."""
    event = _ticket_event(params)
    return db.session.scalar(
        select(db.func.count(Registration.id)).where(Registration.event_id == event.id, Registration.status == "confirmed")
    )


def start_ticket_export(event, *, actor, locale: str) -> ExportJob:
    """Record the export of every confirmed ticket of ``event`` (or answer the same export
    already on its way); the caller commits, then queues ``exports.run_export``."""
    return exports.start("tickets", {"event_id": event.id}, actor=actor, locale=locale)[0]


def export_tickets(job_id: int) -> None:
    """Make the job's file here and now (the job worker calls ``exports.run_export``)."""
    exports.build(job_id)


def _build_tickets(job: ExportJob, progress) -> bytes:
    """Render every confirmed ticket of the job's event into one PDF.

    The event (with its venue and branch) and its tickets are read in three queries whatever
    their number; the rest is QR codes and WeasyPrint, in parts of ``PART_SIZE`` (progress
    after each)."""
    locale = job.locale
    event = db.session.get(Event, job.event_id, options=[selectinload(Event.venue).selectinload(Venue.branch)])
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")
        .order_by(Registration.name, Registration.id)
    ).all()
    job.total = total = len(registrations)
    items = [(r, ticket_token(r)) for r in registrations]  # each ``r.event`` is ``event``: no query
    size = PART_SIZE
    parts = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    return pdf.render_pages(
        (_tickets_html(part, locale) for part in parts),
        progress=lambda parts_done: progress(min(parts_done * size, total)),
    )


def _event_title(job: ExportJob) -> str | None:
    event = db.session.get(Event, job.event_id) if job.event_id else None
    return event.display_title(current_locale()) if event else None


exports.register(exports.ExportKind(
    name="tickets",
    count=_ticket_count,
    may_start=_tickets_may_start,
    build=_build_tickets,
    filename=lambda job: f"tickets-{job.event_id}.pdf",
    title=lambda job: _("Printing tickets"),
    lead=_event_title,
    progress_text=lambda done, total: _("%(done)s of %(total)s tickets ready", done=format_decimal(done),
                                        total=format_decimal(total)),
    ready_text=lambda total: ngettext("%(num)s ticket is ready.", "%(num)s tickets are ready.", total),
    failed_text=lambda: _("The tickets could not be made. Please try again."),
    back=lambda job: (url_for("registration_staff.manage", event_id=job.event_id), _("Back to the registrations")),
    event_param="event_id",
))

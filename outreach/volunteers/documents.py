"""Volunteers' documents: the hours certificate (志愿服务证明), rosters as PDF and CSV, and the
desk poster that volunteers scan to check in and out of a shift.

Each returns bytes and leaves the commit to the caller (``certificate_pdf`` numbers and keeps
the certificate through ``services.issue_certificate``, which only flushes).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from flask import Response, render_template, url_for
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import func, or_, select

from outreach import clock, qr
from outreach.errors import ValidationError
from outreach.events.models import Event
from outreach.places.models import Venue
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.pdf import pdf_response, render_pdf
from outreach.timezone import library_tz, local, local_date
from outreach.platform.exports import ExportKind, register
from outreach.years import parse_date, year_bounds
from outreach.volunteers import services
from outreach.volunteers.services import VolunteerError
from outreach.volunteers.display import shift_activity, shift_place
from outreach.volunteers.models import Shift, Training, TrainingAttendance, VolunteerProfile
from outreach.volunteers.staff_forms import SIGNUP_STATUS_LABELS

#: A CSV that Excel opens as UTF-8 (without the mark it guesses GBK and garbles Chinese).
BOM = "\ufeff"


def line_activity(line, locale: str) -> str:
    """A ledger line's activity in ``locale`` (an event's English title for English readers)."""
    return line.activity_in(locale)


def trainings_attended(
    volunteer: VolunteerProfile, *, start: date | None = None, end: date | None = None
) -> list[Training]:
    """The trainings a volunteer attended, by date; with ``start``/``end``, those held in the period."""
    query = (
        select(Training)
        .join(TrainingAttendance, TrainingAttendance.training_id == Training.id)
        .where(TrainingAttendance.volunteer_id == volunteer.id)
        .order_by(Training.starts_at, Training.id)
    )
    tz = library_tz()
    if start is not None:
        query = query.where(Training.starts_at >= datetime.combine(start, time.min, tzinfo=tz))
    if end is not None:
        query = query.where(Training.starts_at < datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))
    return list(db.session.scalars(query))


# --- the hours certificate --------------------------------------------------------------------


def certificate_pdf(volunteer: VolunteerProfile, *, start: date, end: date, locale: str,
                    issued_by: str | None = None) -> bytes:
    """The hours certificate for ``start``..``end`` in ``locale`` ("zh_Hans" or "en").

    It carries what the national guidance on volunteer service records (《关于规范志愿服务记录
    证明工作的指导意见》) asks for: who (name, volunteer number), what (each service with its
    date, activity and hours, the total, the trainings), who certifies (the library, the
    person issuing, a box for the seal) and the certificate's number and date. The number
    comes from ``services.issue_certificate``: the same period and hours give the same one.
    """
    certificate = services.issue_certificate(volunteer, start=start, end=end)
    lines = services.hours_lines(volunteer, start=start, end=end)
    trainings = trainings_attended(volunteer, start=start, end=end)
    with force_locale(locale):
        html = render_template(
            "volunteers/certificate_pdf.html", volunteer=volunteer, certificate=certificate, lines=lines,
            trainings=trainings, start=start, end=end, locale=locale, library=library_name(locale),
            issued_by=issued_by, line_activity=line_activity,
        )
    return render_pdf(html)


# --- rosters ------------------------------------------------------------------------------------


def roster_pdf(shifts: list[Shift], *, title: str, locale: str) -> bytes:
    """A printable roster: each shift with its volunteers, phones in full (for staff only),
    and an empty column for signatures on the day."""
    with force_locale(locale):
        html = render_template(
            "volunteers/roster_pdf.html", roster=services.roster(shifts), title=title, locale=locale,
            library=library_name(locale), printed_at=clock.now(), shift_activity=shift_activity,
            shift_place=shift_place, taken=services.slots_taken_by_shift([shift.id for shift in shifts]),
            status_labels=SIGNUP_STATUS_LABELS,
        )
    return render_pdf(html)


def _day_conditions(day: date, branch_id: int | None) -> list:
    """The shifts of ``day``; with ``branch_id``, those of that branch's events and the standing
    duties (which belong to no event, so to the whole library)."""
    tz = library_tz()
    low, high = datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    conditions = [Shift.starts_at >= low, Shift.starts_at < high]
    if branch_id is not None:
        of_branch = select(Event.id).join(Venue, Venue.id == Event.venue_id).where(Venue.branch_id == branch_id)
        conditions.append(or_(Shift.event_id.is_(None), Shift.event_id.in_(of_branch)))
    return conditions


def day_shifts(day: date, branch_id: int | None = None) -> list[Shift]:
    """The day's shifts (a branch's, with ``branch_id``) with what their roster shows (sign-ups,
    names, phones, places), in a constant number of queries: a roster is one day, shown whole."""
    return list(db.session.scalars(
        select(Shift).where(*_day_conditions(day, branch_id))
        .options(*services.with_roster()).order_by(Shift.starts_at, Shift.id)
    ))


def event_shifts(event_id: int) -> list[Shift]:
    """The event's shifts with what their roster shows, in a constant number of queries."""
    return list(db.session.scalars(
        select(Shift).where(Shift.event_id == event_id)
        .options(*services.with_roster()).order_by(Shift.starts_at, Shift.id)
    ))


def day_title(day: date) -> str:
    return format_date(day, "full")


# --- rosters made by the job worker (``outreach.platform.exports``) -----------------------------


def _roster_day(params: dict) -> date:
    day = parse_date(params.get("day"))
    if day is None:
        raise ValidationError({"day": _l("Enter a date such as 2026-03-05.")})
    return day


def _roster_event(params: dict) -> Event:
    event = db.session.get(Event, params.get("event_id"))
    if event is None:
        raise VolunteerError("event_not_found", _l("This event no longer exists."), status=404)
    return event


def _count_shifts(*conditions) -> int:
    return db.session.scalar(select(func.count(Shift.id)).where(*conditions))


def _count_day(params: dict) -> int:
    return _count_shifts(*_day_conditions(_roster_day(params), params.get("branch_id")))


def _count_event(params: dict) -> int:
    return _count_shifts(Shift.event_id == _roster_event(params).id)


def _build_day(export, progress) -> bytes:
    day = _roster_day(export.params)
    shifts = day_shifts(day, export.params.get("branch_id"))
    export.total = len(shifts)
    return roster_pdf(shifts, title=day_title(day), locale=export.locale)


def _build_event(export, progress) -> bytes:
    event = _roster_event(export.params)
    shifts = event_shifts(event.id)
    export.total = len(shifts)
    return roster_pdf(shifts, title=event.display_title(export.locale), locale=export.locale)


def _progress_text(done: int, total: int) -> str:
    return ngettext("The roster of %(num)s shift is being made.", "The roster of %(num)s shifts is being made.", total)


def _day_lead(export) -> str | None:
    day = parse_date((export.params or {}).get("day"))
    return day_title(day) if day else None


def _event_lead(export) -> str | None:
    event = db.session.get(Event, (export.params or {}).get("event_id"))
    return event.display_title(current_locale()) if event else None


def _roster_kind(name: str, **kwargs) -> None:
    register(ExportKind(
        name=name,
        title=lambda export: _("Printing the roster"),
        progress_text=_progress_text,
        ready_text=lambda total: _("The roster is ready."),
        failed_text=lambda: _("The roster could not be made. Please try again."),
        **kwargs,
    ))


_roster_kind(
    "roster_day", count=_count_day, build=_build_day, lead=_day_lead,
    filename=lambda export: f"roster-{export.params['day']}.pdf",
    back=lambda export: (url_for("volunteers_staff.roster_day", day=export.params["day"]), _("Back to the roster")),
)
_roster_kind(
    "roster_event", count=_count_event, build=_build_event, lead=_event_lead,
    filename=lambda export: f"roster-event-{export.params['event_id']}.pdf",
    back=lambda export: (url_for("volunteers_staff.roster_event", event_id=export.params["event_id"]),
                         _("Back to the roster")),
    event_param="event_id",
)


def roster_rows(shifts: list[Shift], *, locale: str) -> list[list[str]]:
    """The roster as rows: a header, then for each shift a row per volunteer and a row per
    place nobody holds yet ("Open place", name and phone empty), so that a spreadsheet shows
    the gaps to fill as the printed roster does."""
    taken = services.slots_taken_by_shift([shift.id for shift in shifts])
    with force_locale(locale):
        rows = [[
            _("Date"), _("Start"), _("End"), _("Role"), _("Activity"), _("Place"), _("Name"), _("Phone"),
            _("Status"), pgettext("time of check-in", "Checked in"), _("Checked out"), _("Hours"),
        ]]
        for shift, signups in services.roster(shifts):
            shift_cells = [
                local_date(shift.starts_at).isoformat(), local(shift.starts_at).strftime("%H:%M"),
                local(shift.ends_at).strftime("%H:%M"), shift.role, shift_activity(shift, locale),
                shift_place(shift, locale),
            ]
            for signup in signups:
                user = signup.volunteer.user
                rows.append([
                    *shift_cells,
                    user.name,
                    signup.volunteer.phone or "",
                    str(SIGNUP_STATUS_LABELS.get(signup.status, signup.status)),
                    local(signup.checked_in_at).strftime("%H:%M") if signup.checked_in_at else "",
                    local(signup.checked_out_at).strftime("%H:%M") if signup.checked_out_at else "",
                    str(signup.hours) if signup.hours is not None else "",
                ])
            open_places = max(shift.slots - taken.get(shift.id, 0), 0)
            rows.extend([*shift_cells, "", "", str(_("Open place")), "", "", ""] for _place in range(open_places))
    return rows


def roster_csv(shifts: list[Shift], *, locale: str) -> bytes:
    """The roster as CSV in UTF-8 with a byte-order mark, so that Excel shows the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in roster_rows(shifts, locale=locale):
        writer.writerow([_defuse(cell) for cell in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _defuse(cell: str) -> str:
    """Keep a spreadsheet from running a name such as ``=HYPERLINK(...)`` as a formula."""
    if cell and cell[0] in "=+-@\t\r":
        return "'" + cell
    return cell


# --- the desk poster ------------------------------------------------------------------------------


def desk_url(shift: Shift) -> str:
    """The address the desk poster's QR code opens: the volunteer checks in, and later out."""
    return url_for("volunteers.desk", shift_id=shift.id, code=services.desk_code(shift), _external=True)


def desk_poster_pdf(shift: Shift, *, locale: str) -> bytes:
    """An A4 poster for the shift's desk: a big title, the shift, and the QR code to scan."""
    with force_locale(locale):
        html = render_template(
            "volunteers/desk_poster_pdf.html", shift=shift, qr=qr.qr_data_uri(desk_url(shift)), locale=locale,
            library=library_name(locale), activity=shift_activity(shift, locale), place=shift_place(shift, locale),
        )
    return render_pdf(html)


def certificate_response(volunteer: VolunteerProfile, year: int, locale: str) -> Response:
    """The hours certificate of ``year`` as a PDF download. The certificate is numbered and
    kept, so this commits (a GET that issues a document, for both the page and the API)."""
    start, end = year_bounds(year)
    pdf = certificate_pdf(volunteer, start=start, end=end, locale=locale)
    db.session.commit()
    with force_locale(locale):
        filename = _("Volunteer service certificate %(year)s", year=year) + ".pdf"
    return pdf_response(pdf, filename)

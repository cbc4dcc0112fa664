"""Staff pages of an event's registrations: totals, the list, the waiting list by hand,
undoing a check-in, conflicts, the door poster and the printed tickets."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from outreach import clock, qr
from outreach.accounts.permissions import role_required
from outreach.errors import OutreachError
from outreach.events.forms import DuplicateForm
from outreach.events.models import Event
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.platform import mail
from outreach.platform.models import ExportJob
from outreach.registration import documents, services
from outreach.forms import ActionForm
from outreach.registration.forms import ConfirmForm, HeadcountForm, MoveForm
from outreach.registration.models import CheckIn, CheckInConflict, Registration
from outreach.timezone import local_date
from outreach import pdf
from outreach.views import flash_outcome, see_other

bp = Blueprint("registration_staff", __name__, url_prefix="/staff/events")


def _event_or_404(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    return event


def _registration_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def _move_form(event: Event) -> MoveForm:
    form = MoveForm()
    now = clock.now()
    targets = db.session.scalars(
        select(Event)
        .where(Event.id != event.id, Event.status == "published", Event.registration == "open", Event.ends_at > now)
        .order_by(Event.starts_at)
        .limit(100)
    ).all()
    locale = current_locale()
    form.target.choices = [
        (e.id, _("%(text)s (%(note)s)", text=e.display_title(locale), note=local_date(e.starts_at).isoformat()))
        for e in targets
    ]
    return form


@bp.get("/<int:event_id>")
@role_required("staff")
def manage(event_id: int):
    event = _event_or_404(event_id)
    now = clock.now()
    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id).order_by(Registration.created_at, Registration.id)
    ).all()
    conflicts = db.session.scalars(
        select(CheckInConflict).where(CheckInConflict.event_id == event.id).order_by(CheckInConflict.reported_at)
    ).all()
    jobs = db.session.scalars(
        select(ExportJob).where(ExportJob.event_id == event.id).order_by(ExportJob.id.desc()).limit(3)
    ).all()
    return render_template(
        "registration/manage.html", event=event, attendance=services.attendance(event, now),
        registrations=registrations, conflicts=conflicts, jobs=jobs, action_form=ActionForm(),
        move_form=_move_form(event), door_open=services.door_is_open(event, now), ended=services.has_ended(event, now),
        waiting=[r for r in registrations if r.status == "waitlisted"],
        duplicate_form=DuplicateForm(), headcount_form=_headcount_form(event, local_date(now)),
        walkins_by_day=services.walkins_by_day(event),
        today=local_date(now), duplicates=services.likely_duplicates(event),
    )


def _headcount_form(event: Event, today) -> HeadcountForm:
    form = HeadcountForm()
    form.set_days(services.event_days_so_far(event, today), lambda day: format_date(day, "full"))
    return form


@bp.post("/<int:event_id>/headcount")
@role_required("staff")
def headcount(event_id: int):
    """Record visitors counted on a day of the event (an exhibition's daily headcount)."""
    event = _event_or_404(event_id)
    form = _headcount_form(event, local_date(clock.now()))
    if not form.validate_on_submit():
        for message in [*form.day.errors, *form.count.errors] or [_("Choose a day and enter a number.")]:
            flash(str(message), "error")
        return see_other("registration_staff.manage", event_id=event.id, _anchor="headcount-heading")

    def record_count():
        services.add_walkins(
            event, form.count.data, actor=current_user, source="headcount", day=date.fromisoformat(form.day.data),
            at_the_door=False,
        )
        return ngettext("%(num)s visitor is added to the count.", "%(num)s visitors are added to the count.",
                        form.count.data)

    return _carry_out(event.id, record_count)


def _act(event_id: int, action) -> object:
    """A button's ``action`` (it returns the message to flash), behind the CSRF check."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _carry_out(event_id, action)


def _carry_out(event_id: int, action) -> object:
    """Run ``action`` (it returns the message to flash) and go back to the manage page; the
    message says what happened to any e-mail it sent (promoted from the waiting list)."""
    flash_outcome(action, lambda message: " ".join([str(message), mail.report(db.session) or ""]).strip())
    return see_other("registration_staff.manage", event_id=event_id)


@bp.post("/<int:event_id>/registrations/<int:registration_id>/promote")
@role_required("staff")
def promote(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_of(event, registration_id)

    def action():
        services.promote_by_hand(registration, actor=current_user)
        return _("%(name)s now has a confirmed place.", name=registration.name)

    return _act(event.id, action)


@bp.route("/<int:event_id>/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel(event_id: int, registration_id: int):
    """Cancel a registration in two steps: a page says what happens (the places go to the
    waiting list; the registrant is not told), and its button (``confirmed``) cancels."""
    event = _event_or_404(event_id)
    registration = _registration_of(event, registration_id)
    form = ConfirmForm()
    if request.method == "GET" or not form.confirmed.data:
        if request.method == "POST" and not form.validate_on_submit():
            abort(400)
        if registration.status == "cancelled":
            return see_other("registration_staff.manage", event_id=event.id)
        form.confirmed.data = "1"
        return render_template("registration/cancel_staff.html", event=event, registration=registration, form=form)

    def action():
        services.cancel(registration, actor=current_user)
        return _("The registration of %(name)s is cancelled.", name=registration.name)

    return _act(event.id, action)


@bp.post("/<int:event_id>/registrations/<int:registration_id>/move")
@role_required("staff")
def move(event_id: int, registration_id: int):
    event = _event_or_404(event_id)
    registration = _registration_of(event, registration_id)
    form = _move_form(event)
    if not form.validate_on_submit():
        flash(_("Choose an event that takes registrations."), "error")
        return see_other("registration_staff.manage", event_id=event.id)
    target = db.session.get(Event, form.target.data)
    try:
        services.move(registration, target, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        moved = _("%(name)s moved to %(title)s.", name=registration.name, title=target.display_title(current_locale()))
        flash(" ".join([moved, mail.report(db.session) or ""]).strip(), "success")
    return see_other("registration_staff.manage", event_id=event.id)


@bp.post("/<int:event_id>/checkins/<int:checkin_id>/undo")
@role_required("staff")
def undo_check_in(event_id: int, checkin_id: int):
    event = _event_or_404(event_id)
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.event_id != event.id:
        abort(404)
    name = checkin.registration.name

    def action():
        services.undo_check_in(checkin, actor=current_user)
        return _("The check-in of %(name)s was undone.", name=name)

    return _act(event.id, action)


def _ended(event: Event, message: str):
    """The answer of a door tool asked for after the event: said on the event's page."""
    flash(message, "error")
    return see_other("registration_staff.manage", event_id=event.id)


# --- the door poster for self check-in -------------------------------------------------------


def _self_checkin_url(event: Event) -> str:
    code = services.poster_code(event, local_date(clock.now()))
    return url_for("registration.self_check_in", event_id=event.id, code=code, _external=True)


@bp.get("/<int:event_id>/door-poster.pdf")
@role_required("staff")
def door_poster(event_id: int):
    """Today's door poster: its code changes every day, so it is printed each morning.
    An event that has ended has no door to put it on: 409, back on its page."""
    event = _event_or_404(event_id)
    if services.has_ended(event, clock.now()):
        return _ended(event, _("This event has ended: there is no door poster to print."))
    locale = current_locale()
    html = render_template(
        "registration/door_poster_pdf.html", event=event, qr=qr.qr_data_uri(_self_checkin_url(event)),
        day=local_date(clock.now()), library=library_name(locale),
    )
    return pdf.pdf_response(pdf.render_pdf(html), f"door-poster-{event.id}-{local_date(clock.now()).isoformat()}.pdf")


# --- every ticket as one PDF -------------------------------------------------------------------


@bp.post("/<int:event_id>/tickets-export")
@role_required("staff")
def export_tickets(event_id: int):
    event = _event_or_404(event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.has_ended(event, clock.now()):
        return _ended(event, _("This event has ended: its tickets are no longer printed."))
    job = documents.start_ticket_export(event, actor=current_user, locale=current_locale())
    db.session.commit()
    documents.run_in_background(current_app._get_current_object(), job.id, request.host_url)
    return see_other("registration_staff.export_status", event_id=event.id, job_id=job.id)


def _job_of(event: Event, job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.event_id != event.id:
        abort(404)
    return job


@bp.get("/<int:event_id>/tickets-export/<int:job_id>")
@role_required("staff")
def export_status(event_id: int, job_id: int):
    """The progress page: it reloads itself every two seconds (no JavaScript needed)."""
    event = _event_or_404(event_id)
    job = _job_of(event, job_id)
    if job.status in ("queued", "running") and clock.now() - job.created_at > timedelta(minutes=30):
        job.status, job.error = "failed", "timed out"  # its worker went away
        db.session.commit()
    return render_template("registration/export_status.html", event=event, job=job)


@bp.get("/<int:event_id>/tickets-export/<int:job_id>/download")
@role_required("staff")
def export_download(event_id: int, job_id: int):
    event = _event_or_404(event_id)
    job = _job_of(event, job_id)
    if job.status != "done" or not job.path:
        abort(404)
    path = Path(current_app.instance_path) / job.path
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", download_name=f"tickets-{event.id}.pdf", as_attachment=True)
    response.headers["Cache-Control"] = "no-store"
    return response

"""Staff pages of an event's registrations: totals, the list, the waiting list by hand,
undoing a check-in, conflicts, the door poster and the printed tickets."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from outreach import clock, qr
from outreach.accounts.permissions import role_required
from outreach.accounts.branches import OTHER_BRANCH
from outreach.events import services as event_rules
from outreach.events.access import event_to_change
from outreach.events.forms import DuplicateForm
from outreach.events.models import Event
from outreach.extensions import db
from outreach.i18n import current_locale, library_name, sentences
from outreach.platform import export_routes, mail
from outreach.platform import exports as background
from outreach.platform.models import ExportJob
from outreach.registration import documents, exports, listing, services
from outreach.forms import ActionForm
from outreach.registration.forms import CameForm, ConfirmForm, HeadcountForm, MoveForm
from outreach.paging import page_number
from outreach.registration.listing import RegistrationFilter
from outreach.registration.models import REGISTRATION_STATUSES, CheckIn, CheckInConflict, Registration
from outreach.timezone import local_date
from outreach import pdf
from outreach.views import attempt, flash_outcome, refused, see_other

bp = Blueprint("registration_staff", __name__, url_prefix="/staff/events")


def _event_or_404(event_id: int) -> Event:
    event = db.get_or_404(Event, event_id)
    return event


def _registration_of(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


#: Groups of possible duplicates per page of the event's page.
DUPLICATE_GROUPS_PER_PAGE = 10


@bp.get("/<int:event_id>")
@role_required("staff")
def manage(event_id: int):
    """The event's page for staff: its totals and door tools, then its registrations searched,
    filtered, sorted and paged in the database, each row with links to its own pages for the
    heavier actions (moving, cancelling). Status, sort and page are in the query string; the
    search, which may be a name or a phone number, is kept in the session (see ``search``)
    unless the address names one (the possible duplicates link to a ticket number)."""
    event = _event_or_404(event_id)
    now = clock.now()
    args = request.args.to_dict()
    if "q" not in args:
        args["q"] = _kept_search(event.id)
    wanted = RegistrationFilter.from_args(args)
    registrations = listing.registration_page(event, wanted, page_number(request.args.get("page")))
    conflicts = db.session.scalars(
        select(CheckInConflict).where(CheckInConflict.event_id == event.id).order_by(CheckInConflict.reported_at)
    ).all()
    jobs = db.session.scalars(
        select(ExportJob).where(ExportJob.event_id == event.id, ExportJob.kind == "tickets")
        .order_by(ExportJob.id.desc()).limit(3)
    ).all()
    duplicates = listing.duplicates_page(event, page_number(request.args.get("dpage")), DUPLICATE_GROUPS_PER_PAGE)
    return render_template(
        "registration/manage.html", event=event, attendance=services.attendance(event, now),
        registrations=registrations, wanted=wanted, statuses=REGISTRATION_STATUSES, sorts=SORT_LABELS,
        conflicts=conflicts, jobs=jobs, action_form=ActionForm(),
        door_open=services.door_is_open(event, now), ended=services.has_ended(event, now),
        duplicate_form=DuplicateForm(), headcount_form=_headcount_form(event, local_date(now)),
        walkins_by_day=services.walkins_by_day(event),
        today=local_date(now), duplicates=duplicates,
    )


#: The session's searches of the registrations list, by event (the latest few).
SEARCHES = "registration_searches"
SEARCHES_KEPT = 5


def _kept_search(event_id: int) -> str:
    searches = session.get(SEARCHES)
    return searches.get(str(event_id), "") if isinstance(searches, dict) else ""


@bp.post("/<int:event_id>/registrations/search")
@role_required("staff")
def search(event_id: int):
    """The list's search form: the search is kept in the session, never in the address (a name
    or a phone number would stay in browser histories and server logs); the status and sort
    go to the list's address."""
    event = _event_or_404(event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = RegistrationFilter.from_args(request.form)
    searches = session.get(SEARCHES) if isinstance(session.get(SEARCHES), dict) else {}
    searches = {key: text for key, text in searches.items() if key != str(event.id)}
    if wanted.text:
        searches[str(event.id)] = wanted.text
    session[SEARCHES] = dict(list(searches.items())[-SEARCHES_KEPT:])
    args = {key: value for key, value in wanted.args().items() if key != "q"}
    if request.args.get("lang"):
        args["lang"] = request.args["lang"]
    return see_other("registration_staff.manage", event_id=event.id, _anchor="registrations", **args)


#: The sort keys of the list with their labels (the order of the sort menu).
SORT_LABELS = {
    "created": _l("Registration time"),
    "name": _l("Name"),
    "status": _l("Status"),
    "party": _l("People"),
}


def _headcount_form(event: Event, today) -> HeadcountForm:
    form = HeadcountForm()
    form.set_days(services.event_days_so_far(event, today), lambda day: format_date(day, "full"))
    return form


@bp.post("/<int:event_id>/headcount")
@role_required("staff")
def headcount(event_id: int):
    """Record visitors counted on a day of the event (an exhibition's daily headcount)."""
    event = event_to_change(event_id)
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
    flash_outcome(action, lambda message: sentences(message, mail.report(db.session)))
    return see_other("registration_staff.manage", event_id=event_id)


@bp.post("/<int:event_id>/registrations/<int:registration_id>/promote")
@role_required("staff")
def promote(event_id: int, registration_id: int):
    event = event_to_change(event_id)
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
    event = event_to_change(event_id)
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


@bp.route("/<int:event_id>/registrations/<int:registration_id>/move", methods=["GET", "POST"])
@role_required("staff")
def move(event_id: int, registration_id: int):
    """Move a registration to another event, on its own page: choose one of a page of the
    upcoming events that take registrations, then confirm (with the reason, required when the
    registrant has an e-mail address and so is told). A refusal is said on the page."""
    event = event_to_change(event_id)
    registration = _registration_of(event, registration_id)
    now = clock.now()
    form = MoveForm()
    if registration.status == "cancelled" or registration.checkins:
        flash(_("This registration can no longer be moved."), "error")
        return see_other("registration_staff.manage", event_id=event.id)
    step, target, status = "choose", None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            if form.csrf_token.errors:
                abort(400)
            status = 422
        else:
            target = listing.move_target(event, form.target.data, now)
            if target is None:
                form.target.errors.append(_("Choose an event that takes registrations."))
                status = 422
            elif not event_rules.may_change_event(current_user, target):  # into another branch's event
                form.target.errors.append(str(OTHER_BRANCH))
                status = 403
            else:
                step = "confirm"
                if form.confirmed.data and registration.email and not form.reason.data:
                    form.reason.errors.append(_("Give a reason: the registrant is told by e-mail."))
                    status = 422
                elif form.confirmed.data:
                    moved = attempt(form, lambda: services.move(
                        registration, target, actor=current_user, now=now, reason=form.reason.data or None,
                    ))
                    if not refused(moved):
                        message = _("%(name)s moved to %(title)s.", name=registration.name,
                                    title=target.display_title(current_locale()))
                        flash(sentences(message, mail.report(db.session)), "success")
                        return see_other("registration_staff.manage", event_id=event.id)
                    status = moved.status
    form.confirmed.data = "1" if step == "confirm" else ""
    targets = listing.move_target_page(event, now, page_number(request.args.get("page"))) if step == "choose" else None
    return render_template(
        "registration/move.html", event=event, registration=registration, form=form, step=step, target=target,
        targets=targets,
    ), status


@bp.post("/<int:event_id>/checkins/<int:checkin_id>/undo")
@role_required("staff")
def undo_check_in(event_id: int, checkin_id: int):
    event = event_to_change(event_id)
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.event_id != event.id:
        abort(404)
    name = checkin.registration.name

    def action():
        services.undo_check_in(checkin, actor=current_user)
        return _("The check-in of %(name)s was undone.", name=name)

    return _act(event.id, action)


@bp.post("/<int:event_id>/checkins/<int:checkin_id>/came")
@role_required("staff")
def correct_headcount(event_id: int, checkin_id: int):
    """Staff correct how many of a party (a group) came on the day of a check-in: audited,
    refused in a closed year as any change of attendance."""
    event = event_to_change(event_id)
    checkin = db.session.get(CheckIn, checkin_id)
    if checkin is None or checkin.event_id != event.id:
        abort(404)
    form = CameForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(" ".join(str(m) for m in form.came.errors), "error")
        return see_other("registration_staff.manage", event_id=event.id, _anchor=f"registration-{checkin.registration_id}")
    name = checkin.registration.name

    def action():
        services.correct_headcount(checkin, form.came.data, actor=current_user)
        return _("%(name)s: %(n)d people came.", name=name, n=form.came.data)

    flash_outcome(action)
    return see_other("registration_staff.manage", event_id=event.id, _anchor=f"registration-{checkin.registration_id}")


def _ended(event: Event, message: str):
    """The answer of a door tool asked for after the event: said on the event's page."""
    flash(message, "error")
    return see_other("registration_staff.manage", event_id=event.id)


# --- the list as a spreadsheet, the sign-in sheet -------------------------------------------------


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:event_id>/registrations.<any(csv, xlsx):kind>")
@role_required("staff")
def export_registrations(event_id: int, kind: str):
    """The list with the filters of the page (sent in the form, never in the address: a search
    may be a name) as CSV or XLSX; recorded in the audit log."""
    event = _event_or_404(event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    wanted = RegistrationFilter.from_args(request.form)
    exports.record_export(event, wanted, kind, actor=current_user)
    db.session.commit()
    if kind == "csv":
        body = b"".join(exports.registrations_csv(event, wanted))
        return _download(body, "text/csv; charset=utf-8", exports.filename(event, "csv"))
    return _download(
        exports.registrations_xlsx(event, wanted),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.filename(event, "xlsx"),
    )


@bp.get("/<int:event_id>/sign-in-sheet.pdf")
@role_required("staff")
def sign_in_sheet(event_id: int):
    """The sign-in sheet (签到表) to print for the door, in the page's language; recorded in
    the audit log, as it lists people."""
    event = _event_or_404(event_id)
    locale = current_locale()
    body = documents.sign_in_sheet_pdf(event, locale=locale)
    exports.record_export(event, None, "sign_in_sheet", actor=current_user)
    db.session.commit()
    return pdf.pdf_response(body, f"sign-in-sheet-{event.id}.pdf")


@bp.get("/<int:event_id>/groups.pdf")
@role_required("staff")
def group_list(event_id: int):
    """The group list to print, in the page's language; recorded in the audit log, as it
    lists the leaders' names and phone numbers."""
    event = _event_or_404(event_id)
    body = documents.group_list_pdf(event, locale=current_locale())
    exports.record_export(event, None, "group_list", actor=current_user)
    db.session.commit()
    return pdf.pdf_response(body, f"groups-{event.id}.pdf")


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
    """Every confirmed ticket as one PDF, made by the job worker (``platform.exports``); the
    same export asked for while it is being made is that one."""
    event = _event_or_404(event_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if services.has_ended(event, clock.now()):
        return _ended(event, _("This event has ended: its tickets are no longer printed."))
    job = background.launch("tickets", {"event_id": event.id}, actor=current_user, locale=current_locale(),
                            base_url=request.host_url)
    return see_other("registration_staff.export_status", event_id=event.id, job_id=job.id)


def _job_of(event: Event, job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    if job is None or job.event_id != event.id or job.kind != "tickets":
        abort(404)
    return job


def _ticket_status_page(event: Event, job: ExportJob, **kwargs):
    return export_routes.status_page(
        job, download_url=url_for("registration_staff.export_download", event_id=event.id, job_id=job.id),
        again_url=url_for("registration_staff.export_again", event_id=event.id, job_id=job.id), **kwargs,
    )


@bp.get("/<int:event_id>/tickets-export/<int:job_id>")
@role_required("staff")
def export_status(event_id: int, job_id: int):
    """The progress page: it reloads itself every two seconds (no JavaScript needed)."""
    event = _event_or_404(event_id)
    return _ticket_status_page(event, _job_of(event, job_id))


@bp.get("/<int:event_id>/tickets-export/<int:job_id>/download")
@role_required("staff")
def export_download(event_id: int, job_id: int):
    event = _event_or_404(event_id)
    job = _job_of(event, job_id)
    return export_routes.download_or_page(job, "registration_staff.export_status", event_id=event.id, job_id=job.id)


@bp.post("/<int:event_id>/tickets-export/<int:job_id>/again")
@role_required("staff")
def export_again(event_id: int, job_id: int):
    """An expired or failed export made anew; an event that has ended is said on the page."""
    event = _event_or_404(event_id)
    job = _job_of(event, job_id)
    answer, error = export_routes.make_again(
        job, "registration_staff.export_status", lambda fresh: {"event_id": event.id, "job_id": fresh.id}
    )
    return answer if answer is not None else _ticket_status_page(event, job, error=error, status=409)

"""The staff home page: what is coming up and what needs attention."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.events import cover_pages, covers, services
from outreach.events.access import event_to_change, exhibit_to_change
from outreach.errors import OutreachError
from outreach.events.forms import (
    PARTNER_ROWS,
    QUESTION_ROWS,
    CancelEventForm,
    DuplicateForm,
    EventForm,
    ExhibitForm,
    ExhibitImportForm,
    StatusForm,
)
from outreach.events.models import Event
from outreach.places.models import Series, Venue
from outreach.extensions import db
from outreach.forms import attach_errors
from outreach.forms import ActionForm
from outreach.i18n import current_locale, sentences
from outreach.paging import page_of
from outreach.platform import mail
from outreach.registration.emails import cancellation_audience, texted_on_cancellation
from outreach.timezone import local, local_date, localize
from outreach.staff.calendar import WeekFilterForm
from outreach.volunteers.models import Shift
from outreach.views import accepts_upload, attempt, refused, see_other
from outreach.years import whole_number

bp = Blueprint("staff", __name__, url_prefix="/staff")

#: Rows on a page of the home's drafts and of its weeks after this one.
HOME_PER_PAGE = 25


@bp.get("/")
@role_required("staff")
def home():
    now = clock.now()
    today = local_date(now)
    # A branch's staff see their branch's events first; "All branches" (branch=) shows the rest.
    branch_form = WeekFilterForm(request.args)
    branch_form.set_choices(services.list_branches(), current_locale())
    branch_id = branch_form.branch_id()
    # The next seven days whole (a date window); the drafts and the weeks after in pages.
    week = db.session.scalars(
        services.events_query(include_drafts=True, start=today, end=today + timedelta(days=6), branch_id=branch_id)
        .where(Event.status.in_(("draft", "published")))
    ).all()
    drafts = page_of(
        services.events_query(include_drafts=True, branch_id=branch_id).where(Event.status == "draft", Event.ends_at > now),
        request.args.get("drafts"), HOME_PER_PAGE,
    )
    next_week = today + timedelta(days=7)
    later = page_of(
        services.events_query(include_drafts=False, start=next_week, end=today + timedelta(days=42), branch_id=branch_id)
        .where(Event.status == "published", Event.starts_at >= services.day_start(next_week)),
        request.args.get("later"), HOME_PER_PAGE,
    )
    return render_template("staff/home.html", week=week, drafts=drafts, later=later, today=today,
                           branch_form=branch_form)


@bp.post("/events/<int:event_id>/duplicate")
@role_required("staff")
def duplicate_event(event_id: int):
    """Copy an event (and its volunteer shifts) to a new start, as a draft to check and publish."""
    event = event_to_change(event_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        for message in form.starts_at.errors or [_("Give the date and time the copy starts.")]:
            flash(str(message), "error")
        return see_other("registration_staff.manage", event_id=event.id)
    copy = services.duplicate_event(event, starts_at=localize(form.starts_at.data), actor=current_user)
    shifts = db.session.scalar(select(func.count(Shift.id)).where(Shift.event_id == copy.id))
    db.session.commit()
    flash(ngettext(
        "A draft copy is made, with %(num)s volunteer shift. Check it and publish it.",
        "A draft copy is made, with %(num)s volunteer shifts. Check it and publish it.",
        shifts,
    ), "success")
    if copy.series is not None:
        flash(_("It is No. %(number)s of %(series)s: give it its topic, and check its description and speaker.",
                number=copy.session_number, series=copy.series.display_name(current_locale())), "warning")
    return see_other("registration_staff.manage", event_id=copy.id)


# --- creating and editing events ---------------------------------------------------------------


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(obj=_Values(event) if event is not None and request.method == "GET" else None)
    locale = current_locale()
    form.set_choices(services.list_venues(bookable_for=event.venue_id if event else 0), services.list_series(), locale)
    form.set_partner_choices(services.list_partners(), locale)
    form.group_errors = {}
    if event is not None:
        del form.status  # the status changes through the workflow buttons, not here
    return form


def _naive_local(moment):
    return local(moment).replace(tzinfo=None) if moment is not None else None


class _Values:
    """An event's stored values as the form shows them: times in library time without a zone,
    questions and partners as rows, with blank rows to add more."""

    def __init__(self, event: Event):
        for name in (
            "type", "title", "title_en", "description", "description_en", "venue_id", "capacity",
            "registration", "max_party_size", "groups_capacity", "max_group_size", "audience", "series_id", "session_number", "speaker",
            "speaker_bio", "speaker_bio_en", "daily_opens_at", "daily_closes_at", "checkin_opens_minutes",
            "setup_minutes", "teardown_minutes", "booking_override_reason",
        ):
            setattr(self, name, getattr(event, name))
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            setattr(self, name, _naive_local(getattr(event, name)))
        questions = [
            {**q, "choices": "、".join(q.get("choices") or []), "label_en": q.get("label_en", "")}
            for q in event.questions or []
        ]
        self.questions = questions + [{}] * max(QUESTION_ROWS - len(questions), min(2, 10 - len(questions)))
        partners = [{"partner_id": link.partner_id, "role": link.role} for link in event.partner_links]
        self.partners = partners + [{}] * max(PARTNER_ROWS - len(partners), min(2, 10 - len(partners)))


def _chosen(form: EventForm) -> dict:
    """The form's values as the services take them: objects for venue and series, aware times."""
    details = form.details()
    details["venue"] = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
    details["series"] = db.session.get(Series, form.series_id.data) if form.series_id.data else None
    return details


def _save(form: EventForm, save):
    """Run ``save`` (a service call) and the partners through ``attempt``; the messages about
    the question and partner rows go above their groups."""

    def take_groups(fields: dict) -> dict:
        form.group_errors = {name: fields.pop(name) for name in ("questions", "partners") if name in fields}
        return fields

    def action():
        event = save(_chosen(form))
        services.set_partners(event, form.partner_rows(), actor=current_user)
        return event

    return attempt(form, action, take=take_groups)


def _propose_next_session(form: EventForm, series: Series | None) -> None:
    """Planning the next session of a series: its number, titles to start from in the two
    title fields' own languages (星海讲坛 第15期 / Xinghai Forum No. 15), and the type, venue,
    capacity and audience of its last session."""
    if series is None:
        return
    number = services.next_session_number(series.id)
    form.series_id.data, form.session_number.data = series.id, number
    form.title.data, title_en = services.session_titles(series, number)
    if title_en:
        form.title_en.data = title_en
    last = series.events[-1] if series.events else None
    if last is not None:
        form.venue_id.data, form.capacity.data, form.audience.data = last.venue_id, last.capacity, last.audience
        form.type.data = last.type


@bp.route("/events/new", methods=["GET", "POST"])
@role_required("staff")
def new_event():
    form = _event_form()
    series_id = whole_number(request.args.get("series"), minimum=1)
    if request.method == "GET" and series_id is not None:
        _propose_next_session(form, db.session.get(Series, series_id))
    if form.validate_on_submit():

        def save(values):
            # The series' next number is proposed when none is given (星海讲坛 第15期).
            if values["series"] is not None and values["session_number"] is None:
                values["session_number"] = services.next_session_number(values["series"].id)
            return services.create_event(actor=current_user, status=form.status.data, **values)

        event = _save(form, save)
        if not refused(event):
            flash(_("The event “%(title)s” is saved.", title=event.display_title(current_locale())), "success")
            return see_other("registration_staff.manage", event_id=event.id)
        if event.status == 403:  # another branch's venue: refused beside the venue field
            return render_template("staff/event_form.html", form=form, event=None), 403
    status = 422 if request.method == "POST" else 200
    return render_template("staff/event_form.html", form=form, event=None), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_event(event_id: int):
    event = event_to_change(event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        saved = _save(form, lambda values: services.update_event(event, actor=current_user, **values))
        if not refused(saved):
            # A new time or place is told to the registrants: what happened to those messages.
            flash(sentences(_("The event “%(title)s” is saved.", title=saved.display_title(current_locale())),
                            mail.report(db.session)), "success")
            return see_other("registration_staff.manage", event_id=saved.id)
        if saved.status == 403:  # moved to another branch's venue
            return render_template("staff/event_form.html", form=form, event=event), 403
    status = 422 if request.method == "POST" else 200
    return render_template("staff/event_form.html", form=form, event=event), status


@bp.post("/events/<int:event_id>/status")
@role_required("staff")
def change_event_status(event_id: int):
    """Publish or complete an event. Cancelling is done on its own page (``cancel_event``):
    a cancellation posted here only shows that page, and changes nothing."""
    event = event_to_change(event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    if form.status.data == "cancelled":
        cancel_form = CancelEventForm(formdata=None)
        cancel_form.reason.data = form.reason.data
        return _cancel_page(event, cancel_form)
    try:
        services.change_status(event, form.status.data, actor=current_user, reason=form.reason.data)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        messages = {
            "published": _("The event is published."),
            "completed": _("The event is marked as completed."),
        }
        flash(messages[event.status], "success")
    return see_other("registration_staff.manage", event_id=event.id)


def _cancel_page(event: Event, form: CancelEventForm, status: int = 200):
    """What cancelling ``event`` will do (who is told, who is not), with the reason to give."""
    told, not_told = cancellation_audience(event)
    return render_template(
        "staff/cancel_event.html", event=event, form=form, told=told, not_told=not_told,
        texted=texted_on_cancellation(event), mail_configured=mail.configured(),
    ), status


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@role_required("staff")
def cancel_event(event_id: int):
    """Cancel an event in two steps: this page says who will be told and asks the reason
    (required when anyone is told); its POST cancels, and says what happened to the mail."""
    event = event_to_change(event_id)
    if event.status not in ("draft", "published"):
        flash(_("Only a draft or published event can be cancelled."), "error")
        return see_other("registration_staff.manage", event_id=event.id)
    form = CancelEventForm()
    if not form.validate_on_submit():
        return _cancel_page(event, form, 422 if request.method == "POST" else 200)
    done = attempt(form, lambda: services.change_status(
        event, "cancelled", actor=current_user, reason=form.reason.data
    ))
    if refused(done):
        return _cancel_page(event, form, done.status)
    told = mail.report(db.session) or _("No one was told: no registrant gave an e-mail address.")
    flash(sentences(_("The event is cancelled."), told), "success")
    return see_other("registration_staff.manage", event_id=event.id)


# --- an event's cover image ------------------------------------------------------------------


@bp.route("/events/<int:event_id>/cover", methods=["GET", "POST"])
@role_required("staff")
@accepts_upload(cover_pages.UPLOAD_REQUEST_MAX)
def event_cover(event_id: int):
    """Upload, replace or describe the picture the programme's card and the event's page show."""
    event = event_to_change(event_id)
    title = event.display_title(current_locale())
    return cover_pages.edit_cover(
        event,
        heading=_("Cover image of “%(title)s”", title=title),
        explanation=_("The picture on the event's card in the programme, on its page, and in the preview of a shared link. Without one, the event shows its series' picture, else a drawing for its type."),
        trail=[(url_for("staff.home"), _("Staff")), (url_for("registration_staff.manage", event_id=event.id), title)],
        shown=covers.cover_for(event), action=url_for("staff.event_cover", event_id=event.id),
        remove_action=url_for("staff.remove_event_cover", event_id=event.id),
        done=lambda: see_other("staff.event_cover", event_id=event.id),
    )


@bp.post("/events/<int:event_id>/cover/remove")
@role_required("staff")
def remove_event_cover(event_id: int):
    event = event_to_change(event_id)
    return cover_pages.remove_cover(event, lambda: see_other("staff.event_cover", event_id=event.id))


# --- an exhibition's works ---------------------------------------------------------------------


@bp.route("/events/<int:event_id>/exhibits", methods=["GET", "POST"])
@role_required("staff")
def exhibits(event_id: int):
    """An exhibition's catalogue: add one work, or many pasted from a spreadsheet."""
    # the catalogue is for everyone's staff to read; only the event's branch adds to it
    event = event_to_change(event_id) if request.method == "POST" else db.get_or_404(Event, event_id)
    if event.type != "exhibition":
        abort(404)
    form, bulk = ExhibitForm(prefix="one"), ExhibitImportForm(prefix="many")
    if request.method == "POST":
        added = None
        if "one-submit" in request.form and form.validate_on_submit():
            added = _add_exhibits(form, event, [form.values()])
        elif "many-submit" in request.form and bulk.validate_on_submit():
            rows, errors = services.parse_exhibit_lines(bulk.lines.data)
            if errors:
                bulk.lines.errors = [str(message) for message in errors.values()]
            else:
                added = _add_exhibits(bulk, event, rows)
        if added:
            flash(ngettext("%(num)s work is added.", "%(num)s works are added.", added), "success")
            return see_other("staff.exhibits", event_id=event.id)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/exhibits.html", event=event, form=form, bulk=bulk), status


def _add_exhibits(form, event: Event, rows: list[dict]) -> int | None:
    try:
        services.add_exhibits(event, rows, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        attach_errors(form, error.fields or {}, mapping=lambda key: "lines" if key.startswith("row-") else key)
        return None
    db.session.commit()
    return len(rows)


@bp.route("/events/<int:event_id>/exhibits/<int:exhibit_id>", methods=["GET", "POST"])
@role_required("staff")
def edit_exhibit(event_id: int, exhibit_id: int):
    exhibit = exhibit_to_change(exhibit_id)
    if exhibit.event_id != event_id:
        abort(404)
    form = ExhibitForm(obj=exhibit if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_exhibit(exhibit, actor=current_user, **form.values())
        except OutreachError as error:
            db.session.rollback()
            attach_errors(form, error.fields or {})
        else:
            db.session.commit()
            flash(_("The work is saved."), "success")
            return see_other("staff.exhibits", event_id=event_id)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/exhibit_form.html", event=exhibit.event, exhibit=exhibit, form=form), status


@bp.post("/events/<int:event_id>/exhibits/<int:exhibit_id>/remove")
@role_required("staff")
def remove_exhibit(event_id: int, exhibit_id: int):
    exhibit = exhibit_to_change(exhibit_id)
    if exhibit.event_id != event_id or not ActionForm().validate_on_submit():
        abort(404 if exhibit.event_id != event_id else 400)
    services.remove_exhibit(exhibit, actor=current_user)
    db.session.commit()
    flash(_("The work is taken out of the catalogue."), "success")
    return see_other("staff.exhibits", event_id=event_id)

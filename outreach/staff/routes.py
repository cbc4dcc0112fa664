"""The staff home page: what is coming up and what needs attention."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.events import services
from outreach.errors import OutreachError, ValidationError
from outreach.events.forms import DuplicateForm, EventForm, StatusForm
from outreach.events.models import Event, Series, Venue
from outreach.extensions import db
from outreach.forms import attach_errors
from outreach.i18n import current_locale
from outreach.timezone import local, local_date, localize
from outreach.volunteers.models import Shift

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@role_required("staff")
def home():
    now = clock.now()
    today = local_date(now)
    week = db.session.scalars(
        services.events_query(include_drafts=True, start=today, end=today + timedelta(days=6)).where(
            Event.status.in_(("draft", "published"))
        )
    ).all()
    drafts = db.session.scalars(
        select(Event).where(Event.status == "draft", Event.ends_at > now).order_by(Event.starts_at).limit(20)
    ).all()
    next_week = today + timedelta(days=7)
    later = db.session.scalars(
        services.events_query(include_drafts=False, start=next_week, end=today + timedelta(days=42))
        .where(Event.status == "published", Event.starts_at >= services.day_start(next_week))
        .limit(30)
    ).all()
    return render_template("staff/home.html", week=week, drafts=drafts, later=later, today=today)


@bp.post("/events/<int:event_id>/duplicate")
@role_required("staff")
def duplicate_event(event_id: int):
    """Copy an event (and its volunteer shifts) to a new start, as a draft to check and publish."""
    event = db.get_or_404(Event, event_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        for message in form.starts_at.errors or [_("Give the date and time the copy starts.")]:
            flash(str(message), "error")
        return redirect(url_for("registration_staff.manage", event_id=event.id), code=303)
    copy = services.duplicate_event(event, starts_at=localize(form.starts_at.data), actor=current_user)
    shifts = db.session.scalar(select(func.count(Shift.id)).where(Shift.event_id == copy.id))
    db.session.commit()
    flash(ngettext(
        "A draft copy is made, with %(num)s volunteer shift. Check it and publish it.",
        "A draft copy is made, with %(num)s volunteer shifts. Check it and publish it.",
        shifts,
    ), "success")
    return redirect(url_for("registration_staff.manage", event_id=copy.id), code=303)


# --- creating and editing events ---------------------------------------------------------------


def _event_form(event: Event | None = None) -> EventForm:
    form = EventForm(obj=_Values(event) if event is not None and request.method == "GET" else None)
    form.set_choices(services.list_venues(), services.list_series(), current_locale())
    if event is not None:
        del form.status  # the status changes through the workflow buttons, not here
    return form


class _Values:
    """An event's stored values as the form shows them: times in library time, without a zone."""

    def __init__(self, event: Event):
        for name in (
            "type", "title", "title_en", "description", "description_en", "venue_id", "capacity",
            "registration", "max_party_size", "audience", "series_id", "session_number", "speaker",
            "daily_opens_at", "daily_closes_at",
        ):
            setattr(self, name, getattr(event, name))
        self.starts_at = local(event.starts_at).replace(tzinfo=None)
        self.ends_at = local(event.ends_at).replace(tzinfo=None)


def _chosen(form: EventForm) -> dict:
    """The form's values as the services take them: objects for venue and series, aware times."""
    details = form.details()
    details["venue"] = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
    details["series"] = db.session.get(Series, form.series_id.data) if form.series_id.data else None
    details["starts_at"] = localize(form.starts_at.data)
    details["ends_at"] = localize(form.ends_at.data)
    return details


def _save(form: EventForm, save) -> Event | None:
    """Run ``save`` (a service call) and commit, or put its errors on the form."""
    try:
        event = save(_chosen(form))
    except ValidationError as error:
        db.session.rollback()
        attach_errors(form, error.fields or {})
    except OutreachError as error:
        db.session.rollback()
        attach_errors(form, error.fields or {})
        form.form_errors.append(str(error.message))
    else:
        db.session.commit()
        return event
    return None


@bp.route("/events/new", methods=["GET", "POST"])
@role_required("staff")
def new_event():
    form = _event_form()
    if request.method == "GET" and request.args.get("series", "").isdigit():
        form.series_id.data = int(request.args["series"])
    if form.validate_on_submit():

        def save(values):
            # The series' next number is proposed when none is given (星海讲坛 第15期).
            if values["series"] is not None and values["session_number"] is None:
                values["session_number"] = services.next_session_number(values["series"].id)
            return services.create_event(actor=current_user, status=form.status.data, **values)

        event = _save(form, save)
        if event is not None:
            flash(_("The event “%(title)s” is saved.", title=event.display_title(current_locale())), "success")
            return redirect(url_for("registration_staff.manage", event_id=event.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/event_form.html", form=form, event=None), status


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_event(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = _event_form(event)
    if form.validate_on_submit():
        saved = _save(form, lambda values: services.update_event(event, actor=current_user, **values))
        if saved is not None:
            flash(_("The event “%(title)s” is saved.", title=saved.display_title(current_locale())), "success")
            return redirect(url_for("registration_staff.manage", event_id=saved.id), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("staff/event_form.html", form=form, event=event), status


@bp.post("/events/<int:event_id>/status")
@role_required("staff")
def change_event_status(event_id: int):
    """Publish, complete or cancel an event; cancelling tells its registrants by e-mail."""
    event = db.get_or_404(Event, event_id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
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
            "cancelled": _("The event is cancelled. Registrants who gave an e-mail address are told."),
        }
        flash(messages[event.status], "success")
    return redirect(url_for("registration_staff.manage", event_id=event.id), code=303)

"""The staff home page: what is coming up and what needs attention."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.events import services
from outreach.events.forms import DuplicateForm
from outreach.events.models import Event
from outreach.extensions import db
from outreach.timezone import local_date, localize
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
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
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

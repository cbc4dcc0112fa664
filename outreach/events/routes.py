"""The public programme and event pages."""

from __future__ import annotations

from itertools import groupby

from datetime import timedelta

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from outreach import clock
from outreach.events import calendar, services
from outreach.events.forms import ProgrammeFilterForm
from outreach.events.models import Event
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.timezone import local_date

bp = Blueprint("events", __name__)

PAGE_SIZE = 30


@bp.get("/")
def programme():
    locale = current_locale()
    form = ProgrammeFilterForm(request.args)
    form.set_choices(services.list_branches(), locale)
    filters = {"type": None, "branch_id": None, "audience": None}
    if form.validate():
        filters["type"] = form.type.data or None
        filters["branch_id"] = int(form.branch.data) if form.branch.data else None
        filters["audience"] = form.audience.data or None
    stmt = services.upcoming_public_events(now=clock.now(), **filters)
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(stmt, page=max(page, 1), per_page=PAGE_SIZE, error_out=False)
    today = local_date(clock.now())
    # Events already running (an exhibition) are listed with today's.
    days = [
        (day, list(events))
        for day, events in groupby(pagination.items, key=lambda e: max(local_date(e.starts_at), today))
    ]
    return render_template("events/programme.html", form=form, days=days, pagination=pagination, today=today)


@bp.get("/events/<int:event_id>")
def detail(event_id: int):
    event = db.session.get(Event, event_id)
    if event is None or not services.is_visible(event, current_user):
        abort(404)
    from outreach.registration.forms import registration_form_for
    from outreach.registration.routes import event_page_context

    form = registration_form_for(event, current_locale())
    return render_template("events/detail.html", event=event, form=form, **event_page_context(event))


ICS = "text/calendar; charset=utf-8"


@bp.get("/events/<int:event_id>.ics")
def ics(event_id: int):
    event = db.session.get(Event, event_id)
    if event is None or not services.is_visible(event, current_user):
        abort(404)
    locale = current_locale()
    body = calendar.calendar_for([event], locale=locale, name=event.display_title(locale))
    return Response(body, mimetype=ICS, headers={"Content-Disposition": f'attachment; filename="event-{event.id}.ics"'})


@bp.get("/calendar.ics")
def calendar_feed():
    """The public programme: the past 90 days and everything upcoming."""
    locale = current_locale()
    since = local_date(clock.now()) - timedelta(days=calendar.PAST_DAYS)
    events = db.session.scalars(services.events_query(include_drafts=False, start=since)).all()
    body = calendar.calendar_for(list(events), locale=locale, name=library_name(locale))
    return Response(body, mimetype=ICS)

"""The public programme: the list, the month calendar, event and series pages, feeds and posters."""

from __future__ import annotations

import hashlib
from itertools import groupby

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_login import current_user

from outreach import clock, pdf
from outreach.accounts.permissions import has_role
from outreach.events import calendar, covers, documents, services
from outreach.events.forms import ProgrammeFilterForm
from outreach.events.models import Event
from outreach.places.models import Branch, Series
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.paging import page_of
from outreach.timezone import local_date
from outreach.years import whole_number

bp = Blueprint("events", __name__)

#: Events per page of the programme: a phone scrolls through a page in a few flicks.
PAGE_SIZE = 12


def _filters() -> tuple[ProgrammeFilterForm, dict]:
    """The programme's filter form from the query string, and the filters it chose; a value
    that is not one of the choices is ignored rather than refused."""
    form = ProgrammeFilterForm(request.args)
    form.set_choices(services.list_branches(), current_locale())
    filters = {"type": None, "branch_id": None, "audience": None}
    if form.validate():
        filters["type"] = form.type.data or None
        filters["branch_id"] = int(form.branch.data) if form.branch.data else None
        filters["audience"] = form.audience.data or None
    return form, filters


@bp.get("/")
def programme():
    form, filters = _filters()
    # events_query loads what the cards show (venue, branch, series) in one query each.
    stmt = services.upcoming_public_events(now=clock.now(), **filters)
    page = whole_number(request.args.get("page"), minimum=1, maximum=100_000) or 1
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    today = local_date(clock.now())
    # Events already running (an exhibition) are listed with today's.
    days = [
        (day, list(events))
        for day, events in groupby(pagination.items, key=lambda e: max(local_date(e.starts_at), today))
    ]
    return render_template(
        "events/programme.html", form=form, days=days, pagination=pagination, today=today,
        active_filters=_active_filters(form, filters),
    )


def _active_filters(form: ProgrammeFilterForm, filters: dict) -> list[str]:
    """The labels of the filters chosen, for the folded filter panel's summary."""
    chosen = []
    for field, key in ((form.type, "type"), (form.branch, "branch_id"), (form.audience, "audience")):
        if filters[key] is not None:
            chosen.extend(str(label) for value, label, *_rest in field.iter_choices() if value == str(field.data))
    return chosen


@bp.app_template_global()
def cover_for(event: Event, external: bool = False) -> covers.Cover:
    """The picture of an event's card and page (its own, its series', its type's drawing)."""
    return covers.cover_for(event, external=external)


@bp.app_template_global()
def series_cover(series: Series, external: bool = False) -> covers.Cover | None:
    """The picture staff uploaded for a series, if any."""
    return covers.uploaded(series, external=external)


#: A cover's file never changes under its name (a new picture gets a new key): cache it a year.
COVER_MAX_AGE = 365 * 24 * 3600


@bp.get("/covers/<key>-<int:width>.webp")
def cover_image(key: str, width: int):
    """A cover image at one of its widths. Its name is unguessable and never reused, so the
    file is public and may be cached by browsers and proxies for a year."""
    path = covers.stored_file(key, width)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/webp", max_age=COVER_MAX_AGE, conditional=True, etag=True)
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/calendar")
def month():
    """A month of the programme as a grid of weeks, Monday first. A ``month`` that is not
    ``YYYY-MM`` gets this month's grid with a note, and the status 400."""
    locale = current_locale()
    today = local_date(clock.now())
    asked = request.args.get("month")
    first = calendar.parse_month(asked, today)
    status = 200
    if first is None:
        first, status = today.replace(day=1), 400
    form, filters = _filters()
    events = calendar.month_events(first, **filters)
    return render_template(
        "events/month.html",
        form=form, first=first, today=today, events=events, bad_month=asked if status == 400 else None,
        weeks=calendar.month_weeks(first, events), weekdays=calendar.weekday_names(locale),
        title=calendar.month_title(first, locale), month_title=lambda day: calendar.month_title(day, locale),
        previous=calendar.add_months(first, -1), next=calendar.add_months(first, 1),
        branches=services.list_branches(), series_list=services.list_series(),
    ), status


def _visible_event_or_404(event_id: int) -> Event:
    """The event, unless it does not exist or is a draft and the visitor is not staff."""
    event = services.find_visible(event_id, current_user)
    if event is None:
        abort(404)
    return event


@bp.get("/events/<int:event_id>/poster.pdf")
def poster(event_id: int):
    """The A4 poster to print and pin up, with a QR code of the event's page."""
    event = _visible_event_or_404(event_id)
    locale = current_locale()
    return pdf.pdf_response(documents.poster_pdf(event, locale=locale), documents.poster_filename(event))


#: Sessions of a series on one page of it (a lecture series runs for years).
SESSIONS_PER_PAGE = 50


@bp.get("/series/<int:series_id>")
def series(series_id: int):
    """A series' description and its sessions in number order (drafts for staff only), a page
    of them at a time: numbered sessions first, by number; any unnumbered ones after them, by date."""
    found = db.get_or_404(Series, series_id)
    stmt = (
        services.events_query(include_drafts=has_role(current_user, "staff"))
        .where(Event.series_id == found.id)
        .order_by(None)
        .order_by(Event.session_number.is_(None), Event.session_number, Event.starts_at, Event.id)
    )
    sessions = page_of(stmt, request.args.get("page"), SESSIONS_PER_PAGE)
    return render_template("events/series.html", series=found, sessions=sessions, now=clock.now())


ICS = "text/calendar"  # Flask adds "; charset=utf-8" to a text/ mimetype


def _feed(events: list[Event], name: str) -> Response:
    """The calendar of ``events`` with an ETag of its bytes: a calendar app that asks again
    with it gets 304 and no body (a feed is polled every few hours by every subscriber, often
    over a branch's slow line). No Last-Modified: an event leaving the feed (deleted, or past
    its window) changes no event's time, but it changes the bytes."""
    body = calendar.calendar_for(events, locale=current_locale(), name=name)
    response = Response(body, mimetype=ICS)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.no_cache = True  # may be kept, but asked again each time
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.get("/events/<int:event_id>.ics")
def ics(event_id: int):
    event = _visible_event_or_404(event_id)
    response = _feed([event], event.display_title(current_locale()))
    response.headers["Content-Disposition"] = f'attachment; filename="event-{event.id}.ics"'
    return response


@bp.get("/calendar.ics")
def calendar_feed():
    """The public programme: the past 90 days and everything upcoming."""
    return _feed(calendar.feed_events(), library_name(current_locale()))


@bp.get("/series/<int:series_id>/calendar.ics")
def series_feed(series_id: int):
    """One series' sessions, with the same reach as the programme's feed."""
    found = db.get_or_404(Series, series_id)
    locale = current_locale()
    return _feed(calendar.feed_events(series_id=found.id), f"{library_name(locale)} · {found.display_name(locale)}")


@bp.get("/branches/<int:branch_id>/calendar.ics")
def branch_feed(branch_id: int):
    """The events at one branch's venues, with the same reach as the programme's feed."""
    branch = db.get_or_404(Branch, branch_id)
    locale = current_locale()
    return _feed(calendar.feed_events(branch_id=branch.id), f"{library_name(locale)} · {branch.display_name(locale)}")

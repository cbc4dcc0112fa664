"""Calendars of the programme: the public month grid and the iCalendar (RFC 5545) feeds,
made with the icalendar library."""

from __future__ import annotations

import calendar as stdlib_calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from babel.dates import format_skeleton, get_day_names
from flask import current_app, request, url_for
from icalendar import Calendar
from icalendar import Event as VEvent

from outreach import clock
from outreach.events import services
from outreach.events.models import Event
from outreach.extensions import db
from outreach.timezone import library_tz, local_date

#: How far back the public feeds reach.
PAST_DAYS = 90
#: How far ahead a feed reaches: a year of the programme, not every event ever planned.
AHEAD_DAYS = 366
#: The months the calendar pages may show: wide enough for any programme, narrow enough
#: that "previous" and "next" never leave the range ``date`` supports.
FIRST_YEAR, LAST_YEAR = 1900, 2999
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# --- the month grid ------------------------------------------------------------------------


def parse_month(value: str | None, today: date) -> date | None:
    """The first day of the month ``YYYY-MM`` names; today's month when ``value`` is empty;
    None when it names no month we show."""
    if not value:
        return today.replace(day=1)
    match = _MONTH.match(value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def add_months(first: date, months: int) -> date | None:
    """The first day of the month ``months`` after ``first``'s; None outside the shown range."""
    index = first.year * 12 + first.month - 1 + months
    year, month = divmod(index, 12)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return date(year, month + 1, 1)


def last_day(event: Event) -> date:
    """The last library-time day an event runs: one ending at midnight ends the day before."""
    return local_date(event.ends_at - timedelta(microseconds=1))


def days_of(event: Event, first: date, last: date) -> list[date]:
    """The days from ``first`` to ``last`` (included) on which ``event`` runs."""
    begin = max(local_date(event.starts_at), first)
    end = min(last_day(event), last)
    return [begin + timedelta(days=n) for n in range((end - begin).days + 1)]


@dataclass
class Entry:
    """An event as one day of a calendar shows it."""

    event: Event
    #: False on the second and later days of a multi-day event: it "continues".
    first_day: bool


@dataclass
class Day:
    day: date
    #: Days of the neighbouring months fill the first and last weeks; they stay empty.
    in_month: bool
    entries: list[Entry] = field(default_factory=list)


def month_end(first: date) -> date:
    """The last day of ``first``'s month."""
    return first.replace(day=stdlib_calendar.monthrange(first.year, first.month)[1])


def month_weeks(first: date, events: list[Event]) -> list[list[Day]]:
    """The weeks (Monday first) of ``first``'s month, each day with the events running on it."""
    layout = stdlib_calendar.Calendar().monthdatescalendar(first.year, first.month)
    weeks = [[Day(day, day.month == first.month) for day in week] for week in layout]
    by_day = {cell.day: cell for week in weeks for cell in week}
    last = month_end(first)
    for event in events:
        starts = local_date(event.starts_at)
        for day in days_of(event, first, last):
            by_day[day].entries.append(Entry(event, day == starts))
    return weeks


def weekday_names(locale: str, width: str = "wide") -> list[str]:
    """Monday to Sunday in ``locale``, from Babel's locale data (星期一 … 星期日)."""
    names = get_day_names(width, locale=locale)
    return [names[n] for n in range(7)]


def month_title(first: date, locale: str) -> str:
    """"2026年11月" or "November 2026", as the locale writes a month of a year."""
    return format_skeleton("yMMMM", first, locale=locale)


def short_day(day: date, locale: str) -> str:
    """A day as a column heading: "11月5日周四" or "Thu, Nov 5"."""
    return format_skeleton("MMMEd", day, locale=locale)


def month_events(first: date, *, type: str | None, branch_id: int | None, audience: str | None) -> list[Event]:
    """The public (not draft) events running on some day of ``first``'s month. An audience
    keeps its own events and those for everyone, as the programme list does."""
    stmt = services.events_query(
        include_drafts=False, start=first, end=month_end(first), type=type, branch_id=branch_id
    )
    stmt = services.for_audience(stmt, audience)
    return list(db.session.scalars(stmt))


# --- iCalendar feeds -----------------------------------------------------------------------


def feed_events(*, series_id: int | None = None, branch_id: int | None = None) -> list[Event]:
    """What a public feed carries: events of the past ``PAST_DAYS`` days and the next
    ``AHEAD_DAYS``, drafts left out (cancelled ones stay, so that calendars can cross them out)."""
    today = local_date(clock.now())
    stmt = services.events_query(
        include_drafts=False, start=today - timedelta(days=PAST_DAYS), end=today + timedelta(days=AHEAD_DAYS),
        branch_id=branch_id,
    )
    if series_id is not None:
        stmt = stmt.where(Event.series_id == series_id)
    return list(db.session.scalars(stmt))


def uid(kind: str, id_: int) -> str:
    """Stable across renames and reschedules: the record's kind and id, and the library's host."""
    host = current_app.config.get("SERVER_NAME") or request.host
    return f"{kind}-{id_}@{host.split(':')[0]}"


def event_uid(event: Event) -> str:
    return uid("event", event.id)


def new_calendar(*, name: str, product: str) -> Calendar:
    """An empty calendar with the properties every feed of ours carries."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Outreach//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", current_app.config["TIMEZONE"])
    return calendar


def calendar_for(events: list[Event], *, locale: str, name: str) -> bytes:
    calendar = new_calendar(name=name, product="Library programme")
    tz = library_tz()
    for event in events:
        item = VEvent()
        item.add("uid", event_uid(event))
        item.add("summary", event.display_title(locale))
        item.add("dtstart", event.starts_at.astimezone(tz))
        item.add("dtend", event.ends_at.astimezone(tz))
        item.add("dtstamp", event.updated_at)
        item.add("last-modified", event.updated_at)
        place = event.venue.display_name(locale)
        if event.venue.branch:
            place += ", " + event.venue.branch.display_name(locale)
        if event.venue.address:
            place += ", " + event.venue.address
        item.add("location", place)
        item.add("url", url_for("registration.event_page", event_id=event.id, _external=True))
        description = event.display_description(locale)
        if description:
            item.add("description", description)
        item.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()


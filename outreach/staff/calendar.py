"""The staff calendar: a week across venues (who holds which room, and where two bookings
clash), and this week's overview (registrations, waiting lists, volunteer places, drafts)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import combinations

from flask import Blueprint, render_template, request
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectField

from outreach.forms import Form
from outreach import clock
from outreach.accounts import branches
from outreach.accounts.permissions import role_required
from outreach.events import calendar, services
from outreach.events.booking import MAX_BUFFER, overlaps, span
from outreach.events.models import Event
from outreach.places.models import Branch, Venue
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.registration.models import Registration
from outreach.timezone import local_date
from outreach.volunteers.models import Shift, ShiftSignup
from outreach.volunteers.services import HOLDING

bp = Blueprint("staff_calendar", __name__, url_prefix="/staff/calendar")

WEEK = timedelta(days=7)


class WeekFilterForm(Form):
    """The week grid's branch filter: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    branch = SelectField(_l("Branch"), choices=[], default="")

    def set_choices(self, branches, locale: str) -> None:
        self.branch.choices = [("", _l("All branches"))] + [(str(b.id), b.display_name(locale)) for b in branches]

    def branch_id(self) -> int | None:
        """The chosen branch; an unknown value shows every branch rather than an error. Not
        chosen at all: a branch's staff see their own branch first (``branches.default_branch``)."""
        if "branch" not in request.args:
            home = branches.default_branch(current_user, None)
            self.branch.data = str(home) if home else ""
            return home
        return int(self.branch.data) if self.validate() and self.branch.data else None


# --- what the pages show --------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(value: str | None, today: date) -> date | None:
    """The Monday of the week holding the day ``value`` (YYYY-MM-DD); this week's when
    ``value`` is empty; None when it is not a date the calendar shows."""
    if not value:
        return monday_of(today)
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return None
    if not calendar.FIRST_YEAR <= day.year <= calendar.LAST_YEAR:
        return None
    return monday_of(day)


def week_events(start: date, *, branch_id: int | None = None) -> list[Event]:
    """Every event that is not cancelled (drafts too: a draft holds its room) whose room is
    taken during the week from ``start``. The days fetched are widened by the longest set-up
    and tear-down a row may have, to catch events just outside the week."""
    begin, end = services.day_start(start), services.day_start(start + WEEK)
    stmt = services.events_query(
        include_drafts=True, start=local_date(begin - MAX_BUFFER), end=local_date(end + MAX_BUFFER),
        branch_id=branch_id,
    ).where(Event.status != "cancelled")
    return [event for event in db.session.scalars(stmt) if overlaps(span(event), (begin, end))]


def double_bookings(events: list[Event]) -> list[tuple[Event, Event]]:
    """The pairs of ``events`` whose occupied spans (set-up and tear-down included) overlap
    in one bookable venue, each pair earlier-first, in order of time."""
    by_venue: dict[int, list[Event]] = defaultdict(list)
    for event in events:
        if event.venue.bookable:
            by_venue[event.venue_id].append(event)
    pairs = [
        (a, b)
        for group in by_venue.values()
        for a, b in combinations(sorted(group, key=lambda e: (span(e)[0], e.id)), 2)
        if overlaps(span(a), span(b))
    ]
    return sorted(pairs, key=lambda pair: (span(pair[0])[0], pair[0].id, pair[1].id))


def clash_partners(pairs: list[tuple[Event, Event]]) -> dict[int, list[Event]]:
    """For each event id, the events it is double-booked with."""
    partners: dict[int, list[Event]] = defaultdict(list)
    for a, b in pairs:
        partners[a.id].append(b)
        partners[b.id].append(a)
    return partners


@dataclass
class DayPart:
    """The part of an event one day holds: its start if it starts that day, its end if it
    ends that day (neither on the middle days of an exhibition)."""

    starts_at: datetime | None
    ends_at: datetime | None


def day_part(event: Event, day: date) -> DayPart:
    return DayPart(
        event.starts_at if local_date(event.starts_at) == day else None,
        event.ends_at if calendar.last_day(event) == day else None,
    )


def week_days(start: date) -> list[date]:
    return [start + timedelta(days=n) for n in range(7)]


@dataclass
class VenueRow:
    venue: Venue
    #: One list of events per day of the week.
    cells: list[list[Event]]


def by_day(events: list[Event], days: list[date]) -> dict[date, list[Event]]:
    """The events running on each of ``days`` (consecutive), in the order of ``events``."""
    found: dict[date, list[Event]] = {day: [] for day in days}
    for event in events:
        for day in calendar.days_of(event, days[0], days[-1]):
            found[day].append(event)
    return found


def venue_rows(days: list[date], events: list[Event], branch_id: int | None) -> list[tuple[Branch | None, list[VenueRow]]]:
    """The grid's rows, grouped by branch (venues of no branch last): every active venue of
    the chosen branches, and any other venue that has an event this week."""
    used = {event.venue_id: event.venue for event in events}
    venues = {venue.id: venue for venue in services.list_venues() if venue.active}
    if branch_id is not None:
        venues = {id_: venue for id_, venue in venues.items() if venue.branch_id == branch_id}
    venues.update(used)
    cells: dict[int, list[list[Event]]] = {id_: [[] for _ in days] for id_ in venues}
    for event in events:
        for day in calendar.days_of(event, days[0], days[-1]):
            cells[event.venue_id][(day - days[0]).days].append(event)
    ordered = sorted(venues.values(), key=lambda v: (v.branch is None, v.branch_id or 0, v.name, v.id))
    groups: list[tuple[Branch | None, list[VenueRow]]] = []
    for venue in ordered:
        if not groups or groups[-1][0] is not venue.branch:
            groups.append((venue.branch, []))
        groups[-1][1].append(VenueRow(venue, cells[venue.id]))
    return groups


@dataclass
class Numbers:
    """An event's people and volunteer places this week, for the overview."""

    registered: int = 0
    waitlisted: int = 0
    shift_slots: int = 0
    shift_filled: int = 0


def registration_numbers(event_ids: list[int]) -> dict[int, Numbers]:
    """People (party sizes summed) confirmed and on the waiting list, per event, in one query."""
    numbers: dict[int, Numbers] = defaultdict(Numbers)
    if not event_ids:
        return numbers
    rows = db.session.execute(
        select(Registration.event_id, Registration.status, func.coalesce(func.sum(Registration.party_size), 0))
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(("confirmed", "waitlisted")))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, people in rows:
        setattr(numbers[event_id], "registered" if status == "confirmed" else "waitlisted", int(people))
    return numbers


@dataclass
class ShiftLine:
    event_id: int | None
    day: date
    slots: int
    filled: int


def week_shifts(start: date) -> list[ShiftLine]:
    """Every volunteer shift starting in the week (standing duties too), with its places
    filled (sign-ups that hold a place), in one query."""
    filled = (
        select(func.count(ShiftSignup.id))
        .where(ShiftSignup.shift_id == Shift.id, ShiftSignup.status.in_(HOLDING))
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Shift.event_id, Shift.starts_at, Shift.slots, filled).where(
            Shift.starts_at >= services.day_start(start), Shift.starts_at < services.day_start(start + WEEK)
        )
    )
    return [ShiftLine(event_id, local_date(starts_at), slots, int(taken)) for event_id, starts_at, slots, taken in rows]


def count_shifts(shifts: list[ShiftLine], numbers: dict[int, Numbers]) -> dict[date, tuple[int, int]]:
    """Add each event's volunteer places to ``numbers``; return (filled, slots) per day."""
    days: dict[date, tuple[int, int]] = {}
    for line in shifts:
        if line.event_id is not None:
            numbers[line.event_id].shift_slots += line.slots
            numbers[line.event_id].shift_filled += line.filled
        filled, slots = days.get(line.day, (0, 0))
        days[line.day] = (filled + line.filled, slots + line.slots)
    return days


# --- the pages --------------------------------------------------------------------------------


def _week_start() -> tuple[date, date, str | None]:
    """The asked week's Monday, today, and the bad ``start`` value when it was not a date."""
    today = local_date(clock.now())
    asked = request.args.get("start")
    start = parse_week(asked, today)
    if start is None:
        return monday_of(today), today, asked
    return start, today, None


@bp.get("/week")
@role_required("staff")
def week():
    """Venues (rows, by branch) by the seven days of a week; a bad ``start`` shows this week
    with a note and the status 400."""
    start, today, bad = _week_start()
    form = WeekFilterForm(request.args)
    form.set_choices(services.list_branches(), current_locale())
    branch_id = form.branch_id()
    days = week_days(start)
    events = week_events(start, branch_id=branch_id)
    pairs = double_bookings(events)
    return render_template(
        "staff/calendar_week.html",
        form=form, start=start, today=today, days=days, bad_start=bad,
        groups=venue_rows(days, events, branch_id), pairs=pairs, partners=clash_partners(pairs),
        previous=start - WEEK, next=start + WEEK, occupied=span,
        short_day=lambda day: calendar.short_day(day, current_locale()), day_part=day_part,
    ), 400 if bad else 200


@bp.get("/")
@role_required("staff")
def this_week():
    """This week, day by day: each event with its registrations, waiting list and volunteer
    places; then the drafts still to publish and the double bookings."""
    today = local_date(clock.now())
    start = monday_of(today)
    days = week_days(start)
    form = WeekFilterForm(request.args)
    form.set_choices(services.list_branches(), current_locale())
    branch_id = form.branch_id()
    events = week_events(start, branch_id=branch_id)
    pairs = double_bookings(events)
    numbers = registration_numbers([event.id for event in events])
    lines = week_shifts(start)
    if branch_id is not None:  # the branch's events' shifts and the standing duties
        shown = {event.id for event in events}
        lines = [line for line in lines if line.event_id is None or line.event_id in shown]
    day_shifts = count_shifts(lines, numbers)
    return render_template(
        "staff/calendar_overview.html", form=form,
        start=start, today=today, days=days, by_day=by_day(events, days), numbers=numbers, day_shifts=day_shifts,
        drafts=[event for event in events if event.status == "draft"], pairs=pairs,
        partners=clash_partners(pairs), occupied=span, next_week=start + WEEK, day_part=day_part,
    )

"""The one way of counting: attendance totals rolled up by type, venue, branch, series,
month and audience, and the volunteer figures beside them.

Rules (the contract's "Counting"): every count is people (party sizes summed); events
(场次) are those neither draft nor cancelled, counted in the period in which they start
(library dates, both ends inclusive); person-visits (人次 = checked in + walk-ins) count on
the day they happened (``CheckIn.day``, ``WalkIn.day``), so a party admitted on two days of
an exhibition counts twice and an event running past the period's end gives the later days
to the next period; registered (confirmed people) and no-shows (confirmed people never
admitted, once the event has ended) count where the event starts. Cancelled events, drafts,
cancelled and waiting-list registrations count nowhere. Rows of any grouping add up exactly
to the totals (events without a series or branch fall into a "none" row).

A report is a fixed handful of grouped SQL aggregates, whatever the number of events or
registrations: no per-event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from babel import dates as babel_dates
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, distinct, exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from outreach import clock
from outreach.events.labels import AUDIENCE_LABELS, EVENT_TYPE_LABELS
from outreach.events.models import AUDIENCES, EVENT_TYPES, Event
from outreach.places.models import Branch, Series, Venue
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.registration.models import CheckIn, Registration, WalkIn, people_admitted
from outreach.timezone import local_date, localize
from outreach.volunteers.models import HoursAdjustment, Shift, ShiftSignup

GROUPINGS = ("type", "venue", "branch", "series", "month", "audience")
#: The key of the row for events without a branch or series.
NONE_KEY = "none"
#: Events in these states count nowhere.
NOT_COUNTED = ("draft", "cancelled")
#: Events for these audiences are not reader activities (the library's own staff trainings):
#: they count on the dashboard, but not in the statistics return, which counts what the library
#: did for readers.
NOT_FOR_READERS = ("staff",)
#: An internal grouping for the statistics return: by type, events not for readers apart.
READER_TYPE = "reader_type"

GROUPING_LABELS = {
    "type": _l("Type"),
    "venue": _l("Venue"),
    "branch": _l("Branch"),
    "series": _l("Series"),
    "month": _l("Month"),
    "audience": _l("Audience"),
}
_NONE_LABELS = {
    "branch": _l("No branch"),
    "series": _l("Not in a series"),
    "venue": _l("No venue"),
}


@dataclass(frozen=True)
class ReportQuery:
    """A period of library dates (both inclusive) and the optional filters of the contract."""

    start: date
    end: date
    branch_id: int | None = None
    type: str | None = None
    series_id: int | None = None
    venue_id: int | None = None
    audience: str | None = None

    @property
    def filtered(self) -> bool:
        return any(v is not None for v in (self.branch_id, self.type, self.series_id, self.venue_id, self.audience))

    def last_year(self) -> ReportQuery:
        """The same period a year earlier (29 February becomes the 28th)."""
        return ReportQuery(
            _year_before(self.start), _year_before(self.end), self.branch_id, self.type, self.series_id,
            self.venue_id, self.audience,
        )

    def filters(self) -> dict:
        """The filters that are set, by their query-string names."""
        values = {"branch_id": self.branch_id, "type": self.type, "series_id": self.series_id,
                  "venue_id": self.venue_id, "audience": self.audience}
        return {k: v for k, v in values.items() if v is not None}


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass
class Figures:
    """Every count is people (party sizes summed)."""

    events: int = 0
    checked_in: int = 0
    walk_ins: int = 0
    registered: int = 0
    no_shows: int = 0
    #: Places offered by the events that have a capacity (for "capacity filled").
    capacity: int = 0
    #: People admitted (at least once) to events that have a capacity.
    admitted_with_capacity: int = 0

    @property
    def attendance(self) -> int:
        return self.checked_in + self.walk_ins

    @property
    def no_show_rate(self) -> float | None:
        """No-shows over registered people, or None with nobody registered."""
        return self.no_shows / self.registered if self.registered else None

    @property
    def capacity_filled(self) -> float | None:
        """People admitted over the places of events with a capacity, or None without any."""
        return self.admitted_with_capacity / self.capacity if self.capacity else None

    def as_dict(self) -> dict:
        return {
            "events": self.events, "attendance": self.attendance, "checked_in": self.checked_in,
            "walk_ins": self.walk_ins, "registered": self.registered, "no_shows": self.no_shows,
        }

    def add(self, other: Figures) -> None:
        for name in ("events", "checked_in", "walk_ins", "registered", "no_shows", "capacity",
                     "admitted_with_capacity"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Row(Figures):
    #: Stable: "lecture", a venue/branch/series id as text, "2018-03", or "none".
    key: str = ""
    #: In the request's language.
    label: str = ""

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, **super().as_dict()}


@dataclass
class AttendanceReport:
    query: ReportQuery
    group_by: str | None
    rows: list[Row]
    totals: Figures
    unique_people: int

    def as_dict(self) -> dict:
        return {
            "rows": [row.as_dict() for row in self.rows],
            "totals": {**self.totals.as_dict(), "unique_people": self.unique_people},
        }


@dataclass
class VolunteerFigures:
    #: Distinct volunteers with a completed shift in the period.
    volunteers: int = 0
    #: Shifts with at least one completed sign-up.
    shifts: int = 0
    #: Hours of completed shifts plus staff adjustments dated in the period.
    hours: Decimal = field(default_factory=lambda: Decimal("0.00"))
    #: Events of type "activity" (volunteer service) with a completed shift.
    service_activities: int = 0

    def as_dict(self) -> dict:
        return {"volunteers": self.volunteers, "shifts": self.shifts, "hours": str(self.hours),
                "service_activities": self.service_activities}


# --- the period and the filters in SQL ------------------------------------------------------


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first instant and the instant after its last day, in the library's zone."""
    return localize(datetime.combine(start, time.min)), localize(datetime.combine(end + timedelta(days=1), time.min))


def months_between(start: date, end: date) -> list[date]:
    """The first day of each month the period touches."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def event_conditions(query: ReportQuery) -> list[ColumnElement]:
    """Events that count (neither draft nor cancelled) and match the filters; the branch
    filter needs ``Venue`` joined."""
    conditions = [Event.status.not_in(NOT_COUNTED)]
    if query.type is not None:
        conditions.append(Event.type == query.type)
    if query.series_id is not None:
        conditions.append(Event.series_id == query.series_id)
    if query.venue_id is not None:
        conditions.append(Event.venue_id == query.venue_id)
    if query.audience is not None:
        conditions.append(Event.audience == query.audience)
    if query.branch_id is not None:
        conditions.append(Venue.branch_id == query.branch_id)
    return conditions


# --- the report ----------------------------------------------------------------------------


def attendance_report(query: ReportQuery, group_by: str | None = None, *, now: datetime | None = None,
                      unique: bool = True) -> AttendanceReport:
    """Totals for ``query``, and one row per value of ``group_by`` (None: no rows).

    A fixed handful of aggregates (events, registrations, check-ins, walk-ins, unique people,
    and the names of the rows' venues/branches/series), whatever the size of the period.
    ``unique=False`` leaves out unique people (0).
    """
    return attendance_reports(query, (group_by,), now=now, unique=unique)[group_by]


def attendance_reports(query: ReportQuery, groupings, *, now: datetime | None = None,
                       unique: bool = True) -> dict[str | None, AttendanceReport]:
    """One report per grouping in ``groupings`` (None: totals only), from one pass over the
    data: the aggregates are taken per event and day once, then rolled up each way."""
    groupings = tuple(groupings)
    for group_by in groupings:
        if group_by is not None and group_by not in GROUPINGS + ("event", READER_TYPE):
            raise ValueError(f"unknown grouping {group_by!r}")
    parts, unique_people = _aggregate(query, now or clock.now(), unique=unique)
    reports = {}
    for group_by in groupings:
        figures = _roll_up(parts, group_by)
        totals = Figures()
        for value in figures.values():
            totals.add(value)
        rows = _rows(group_by, query, figures) if group_by else []
        reports[group_by] = AttendanceReport(query, group_by, rows, totals, unique_people)
    return reports


def event_figures(query: ReportQuery, event_ids, *, now: datetime | None = None) -> dict[int, Figures]:
    """The figures of each of ``event_ids`` within ``query`` (for a list of events): the same
    aggregates, restricted to those events; events that count nowhere are missing."""
    ids = list(event_ids)
    if not ids:
        return {}
    parts, _unique = _aggregate(query, now or clock.now(), event_ids=ids, unique=False)
    return {int(k): v for k, v in _roll_up(parts, "event").items()}


@dataclass(frozen=True)
class _Where:
    """What a part of the figures belongs to: an event, and the month it counts in (of its
    start for events and registrations, of the day for visits)."""

    event_id: int
    type: str
    venue_id: int
    branch_id: int | None
    series_id: int | None
    audience: str
    month: str

    def key(self, group_by: str | None) -> str:
        if group_by is None:
            return ""
        if group_by == "event":
            return str(self.event_id)
        if group_by == "venue":
            return str(self.venue_id)
        if group_by == READER_TYPE:
            return NONE_KEY if self.audience in NOT_FOR_READERS else self.type
        if group_by in ("branch", "series"):
            value = self.branch_id if group_by == "branch" else self.series_id
            return NONE_KEY if value is None else str(value)
        return getattr(self, group_by)  # type, audience, month


def _roll_up(parts: dict[_Where, Figures], group_by: str | None) -> dict[str, Figures]:
    figures: dict[str, Figures] = {}
    for where, value in parts.items():
        figures.setdefault(where.key(group_by), Figures()).add(value)
    return figures


def _event_rows():
    return (
        select(Event.id, Event.type, Event.venue_id, Venue.branch_id, Event.series_id, Event.audience,
               Event.starts_at, Event.ends_at, Event.capacity)
        .select_from(Event).join(Venue, Venue.id == Event.venue_id)
    )


def _aggregate(query: ReportQuery, now: datetime, *, event_ids=None,
               unique: bool = True) -> tuple[dict[_Where, Figures], int]:
    """Figures per event and month (events and registrations by the event's start, visits by
    their day): the events that overlap the period once, then registrations, check-ins and
    walk-ins each grouped by event (and day) alone, and unique people."""
    starts, ends = period_bounds(query.start, query.end)
    conditions = event_conditions(query)
    if event_ids is not None:
        conditions.append(Event.id.in_(event_ids))
    counted = select(Event.id).join(Venue, Venue.id == Event.venue_id).where(*conditions)
    starting = counted.where(Event.starts_at >= starts, Event.starts_at < ends)
    parts: dict[_Where, Figures] = {}

    # Visits happen on the event's own days, so the events overlapping the period are all
    # the rows can belong to.
    events = {}
    for row in db.session.execute(_event_rows().where(Event.starts_at < ends, Event.ends_at >= starts, *conditions)):
        events[row.id] = row

    def part(event_id: int, month: str) -> Figures:
        e = events[event_id]
        return parts.setdefault(_Where(e.id, e.type, e.venue_id, e.branch_id, e.series_id, e.audience, month), Figures())

    for e in events.values():
        if starts <= e.starts_at < ends:
            figures = part(e.id, local_date(e.starts_at).strftime("%Y-%m"))
            figures.events += 1
            figures.capacity += e.capacity or 0

    # NOT EXISTS, an anti-join on the check-ins' (registration, day) key: NOT IN over every
    # check-in ever made would read them all for each year's report (docs/index-plan.md).
    never_admitted = ~exists().where(CheckIn.registration_id == Registration.id)
    for event_id, registered, not_admitted in db.session.execute(
        select(Registration.event_id, func.sum(Registration.party_size),
               func.sum(case((never_admitted, Registration.party_size), else_=0)))
        .where(Registration.status == "confirmed", Registration.event_id.in_(starting))
        .group_by(Registration.event_id)
    ):
        e = events[event_id]
        figures = part(event_id, local_date(e.starts_at).strftime("%Y-%m"))
        registered, not_admitted = int(registered or 0), int(not_admitted or 0)
        figures.registered += registered
        if e.ends_at <= now:
            figures.no_shows += not_admitted
        if e.capacity is not None:
            figures.admitted_with_capacity += registered - not_admitted

    checked_in = db.session.execute(
        select(CheckIn.event_id, CheckIn.day, func.sum(people_admitted()))
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.day >= query.start, CheckIn.day <= query.end, CheckIn.event_id.in_(counted))
        .group_by(CheckIn.event_id, CheckIn.day)
    ).all()
    walked_in = db.session.execute(
        select(WalkIn.event_id, WalkIn.day, func.sum(WalkIn.count))
        .where(WalkIn.day >= query.start, WalkIn.day <= query.end, WalkIn.event_id.in_(counted))
        .group_by(WalkIn.event_id, WalkIn.day)
    ).all()
    strays = {event_id for event_id, _day, _people in checked_in + walked_in} - events.keys()
    if strays:  # a visit recorded outside its event's days (old imports): still counted
        for row in db.session.execute(_event_rows().where(Event.id.in_(strays))):
            events[row.id] = row
    for event_id, day, people in checked_in:
        part(event_id, day.strftime("%Y-%m")).checked_in += int(people or 0)
    for event_id, day, people in walked_in:
        part(event_id, day.strftime("%Y-%m")).walk_ins += int(people or 0)

    if not unique:
        return parts, 0
    unique_people = db.session.scalar(
        # people by their phone digest; a ticket without a phone is a person of its own
        select(func.count(distinct(Registration.phone_digest))
               + func.count(distinct(case((Registration.phone_digest.is_(None), Registration.id)))))
        .select_from(CheckIn).join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.day >= query.start, CheckIn.day <= query.end, CheckIn.event_id.in_(counted))
    ) or 0
    return parts, int(unique_people)


def _rows(group_by: str, query: ReportQuery, figures: dict[str, Figures]) -> list[Row]:
    """Rows in a stable order, labelled in the request's language."""
    locale = current_locale()
    if group_by == "month":
        keys = [m.strftime("%Y-%m") for m in months_between(query.start, query.end)]
        labels = {
            k: babel_dates.format_skeleton("yMMM", date.fromisoformat(k + "-01"), locale=locale) for k in keys
        }
    elif group_by in ("type", READER_TYPE):  # READER_TYPE: events not for readers only in the totals
        keys = [t for t in EVENT_TYPES if t in figures]
        labels = {k: str(EVENT_TYPE_LABELS[k]) for k in keys}
    elif group_by == "audience":
        keys = [a for a in AUDIENCES if a in figures]
        labels = {k: str(AUDIENCE_LABELS[k]) for k in keys}
    elif group_by == "event":
        ids = [int(k) for k in figures]
        labels = {
            str(item.id): item.display_title(locale)
            for item in (db.session.scalars(select(Event).where(Event.id.in_(ids))) if ids else [])
        }
        keys = sorted(labels, key=int)
    else:
        model = {"venue": Venue, "branch": Branch, "series": Series}[group_by]
        ids = [int(k) for k in figures if k != NONE_KEY]
        labels = {
            str(item.id): item.display_name(locale)
            for item in (db.session.scalars(select(model).where(model.id.in_(ids))) if ids else [])
        }
        keys = sorted(labels, key=lambda k: (labels[k], int(k)))
        if NONE_KEY in figures:
            keys.append(NONE_KEY)
            labels[NONE_KEY] = str(_NONE_LABELS[group_by])
    rows = []
    for k in keys:
        values = figures.get(k, Figures())
        rows.append(Row(**{name: getattr(values, name) for name in _FIGURE_FIELDS}, key=k, label=labels[k]))
    return rows


_FIGURE_FIELDS = ("events", "checked_in", "walk_ins", "registered", "no_shows", "capacity", "admitted_with_capacity")


# --- volunteers ------------------------------------------------------------------------------


def volunteer_figures(query: ReportQuery) -> VolunteerFigures:
    """Volunteer service in the period: completed shifts by the day they started, and staff
    adjustments by their day. With filters, only shifts of matching events count (standing
    duties and adjustments not tied to such a shift drop out); shifts of cancelled or draft
    events count nowhere. Two aggregates."""
    starts, ends = period_bounds(query.start, query.end)
    event_ok = and_(*event_conditions(query))
    if not query.filtered:
        event_ok = Event.id.is_(None) | event_ok  # standing duties (no event) count too
    shift_rows = (
        select(ShiftSignup.volunteer_id, ShiftSignup.shift_id, ShiftSignup.hours, Event.id.label("event_id"),
               Event.type.label("event_type"))
        .select_from(ShiftSignup).join(Shift, Shift.id == ShiftSignup.shift_id)
        .outerjoin(Event, Event.id == Shift.event_id).outerjoin(Venue, Venue.id == Event.venue_id)
        .where(ShiftSignup.status == "completed", Shift.starts_at >= starts, Shift.starts_at < ends, event_ok)
        .subquery()
    )
    volunteers, shifts, hours, activities = db.session.execute(
        select(
            func.count(distinct(shift_rows.c.volunteer_id)),
            func.count(distinct(shift_rows.c.shift_id)),
            func.coalesce(func.sum(shift_rows.c.hours), 0),
            func.count(distinct(case((shift_rows.c.event_type == "activity", shift_rows.c.event_id)))),
        )
    ).one()
    adjustments = db.session.scalar(
        select(func.coalesce(func.sum(HoursAdjustment.hours), 0))
        .select_from(HoursAdjustment)
        .outerjoin(ShiftSignup, ShiftSignup.id == HoursAdjustment.signup_id)
        .outerjoin(Shift, Shift.id == ShiftSignup.shift_id)
        .outerjoin(Event, Event.id == Shift.event_id).outerjoin(Venue, Venue.id == Event.venue_id)
        .where(HoursAdjustment.day >= query.start, HoursAdjustment.day <= query.end, event_ok)
    )
    total = (Decimal(str(hours)) + Decimal(str(adjustments))).quantize(Decimal("0.01"))
    return VolunteerFigures(int(volunteers), int(shifts), total, int(activities))

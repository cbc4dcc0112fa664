"""The statistics return and the annual report of a year.

Every figure comes from the one way of counting (``outreach.reports.services``): the return's
rows and the report's overview, series and branches are rows of ``attendance_report``, so they
agree exactly with the dashboard. The per-event parts (competition rounds, exhibitions,
trainings) use the same rules — person-visits on the day they happened, party sizes summed,
drafts and cancelled events left out — in a few grouped queries of their own. A report is a
fixed number of SQL queries, whatever the size of the year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from outreach import clock
from outreach.accounts.models import User
from outreach.competitions.models import Competition, Round
from outreach.events.models import Event, Exhibit
from outreach.places.models import Branch
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.i18n import LOCALES
from outreach.platform.models import ClosedYear
from outreach.platform.services import record
from outreach.registration.models import Registration
from outreach.reports import settings
from outreach.reports.models import ReportNote
from outreach.reports.services import (
    NONE_KEY,
    NOT_COUNTED,
    READER_TYPE,
    AttendanceReport,
    ReportQuery,
    VolunteerFigures,
    attendance_reports,
    period_bounds,
    volunteer_figures,
)
from outreach.timezone import local, local_date
from outreach.years import year_bounds

#: The sections of the annual report, in print order; staff may add a text to each.
SECTIONS = ("overview", "series", "competitions", "exhibitions", "trainings", "volunteers", "branches",
            "statistics")
NOTE_MAX = 2000


def year_query(year: int) -> ReportQuery:
    return ReportQuery(*year_bounds(year))


# --- the statistics return ---------------------------------------------------------------------


@dataclass
class ReturnRow:
    row: str
    label: str
    attendance_label: str
    events: int = 0
    attendance: int = 0

    def as_dict(self) -> dict:
        return {"row": self.row, "events": self.events, "attendance": self.attendance}


def statistics_return(by_type: AttendanceReport, mapping: dict[str, tuple[str, ...]] | None = None) -> list[ReturnRow]:
    """The return's activity rows, under the mapping setting, from a report grouped by
    ``READER_TYPE``: events for library staff are not activities for readers and stay out."""
    if by_type.group_by != READER_TYPE:
        raise ValueError("the statistics return needs a report grouped by reader_type")
    mapping = mapping if mapping is not None else settings.return_mapping()
    rows = {
        r: ReturnRow(r, str(settings.RETURN_ROW_LABELS[r]), str(settings.RETURN_ROW_ATTENDANCE_LABELS[r]))
        for r in settings.RETURN_ROWS
    }
    for type_row in by_type.rows:
        for r in mapping.get(type_row.key, ()):
            rows[r].events += type_row.events
            rows[r].attendance += type_row.attendance
    return list(rows.values())


# --- the annual report -------------------------------------------------------------------------


@dataclass
class Line:
    """One named line of a section: a series, a branch, an exhibition, a training, a round."""

    key: str
    name: str
    events: int = 0
    attendance: int = 0
    #: Exhibitions: works catalogued; rounds: contestants (one ticket each).
    count: int = 0
    kind: str = ""
    starts_on: date | None = None
    ends_on: date | None = None

    def as_dict(self) -> dict:
        data = {"key": self.key, "name": self.name, "events": self.events, "attendance": self.attendance}
        if self.starts_on:
            data["starts_on"] = self.starts_on.isoformat()
            data["ends_on"] = self.ends_on.isoformat() if self.ends_on else None
        return data


@dataclass
class CompetitionLine:
    id: int
    title: str
    rounds: list[Line]

    def as_dict(self) -> dict:
        return {
            "id": self.id, "title": self.title,
            "rounds": [{"name": r.name, "sittings": r.events, "contestants": r.count, "attendance": r.attendance}
                       for r in self.rounds],
        }


@dataclass
class AnnualReport:
    year: int
    locale: str
    by_type: AttendanceReport
    by_month: AttendanceReport
    volunteers: VolunteerFigures
    series: list[Line]
    competitions: list[CompetitionLine]
    exhibitions: list[Line]
    trainings: list[Line]
    branches: list[Line]
    statistics_return: list[ReturnRow]
    notes: dict[str, str] = field(default_factory=dict)
    #: Events for the library's staff (not reader activities, so not in the return).
    staff_events: int = 0
    closed_at: datetime | None = None
    closed_by: str | None = None
    retention_months: int = settings.DEFAULT_RETENTION_MONTHS

    @property
    def events(self) -> int:
        return self.by_type.totals.events

    @property
    def attendance(self) -> int:
        return self.by_type.totals.attendance

    @property
    def unique_people(self) -> int:
        return self.by_type.unique_people

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def village_rooms(self) -> tuple[int, int, int]:
        """(village reading rooms with activities, their activities, their person-visits)."""
        rooms = [b for b in self.branches if b.kind == "village"]
        return len(rooms), sum(b.events for b in rooms), sum(b.attendance for b in rooms)

    def return_row(self, row: str) -> ReturnRow:
        return next(r for r in self.statistics_return if r.row == row)

    @property
    def reader_activities(self) -> ReturnRow:
        """The activities held for readers, as the return counts them: the report's first sentence."""
        return self.return_row("all_activities")

    def as_dict(self) -> dict:
        """The contract's shape (``GET /api/v1/reports/annual``), and the sections beside it."""
        return {
            "year": self.year,
            "events": self.events,
            "attendance": self.attendance,
            "by_type": [{"type": r.key, "events": r.events, "attendance": r.attendance} for r in self.by_type.rows],
            "volunteer_hours": str(self.volunteers.hours),
            "volunteers": self.volunteers.volunteers,
            "statistics_return": [r.as_dict() for r in self.statistics_return],
            "closed": self.closed,
            "closed_at": local(self.closed_at).isoformat() if self.closed_at else None,
            "unique_people": self.unique_people,
            "staff_events": self.staff_events,
            "volunteer_service": self.volunteers.as_dict(),
            "series": [s.as_dict() for s in self.series],
            "competitions": [c.as_dict() for c in self.competitions],
            "exhibitions": [{**e.as_dict(), "works": e.count} for e in self.exhibitions],
            "trainings": [t.as_dict() for t in self.trainings],
            "branches": [{**b.as_dict(), "kind": b.kind} for b in self.branches],
        }


def annual_report(year: int, locale: str) -> AnnualReport:
    """The year's report, its labels in ``locale``. A fixed number of queries, whatever the year holds."""
    query = year_query(year)
    with force_locale(locale):
        reports = attendance_reports(query, ("type", "month", "series", "branch", "event", READER_TYPE))
        by_type, by_month, by_series, by_branch = (reports[g] for g in ("type", "month", "series", "branch"))
        mapping = settings.return_mapping()
        return_rows = statistics_return(reports[READER_TYPE], mapping)
        staff_events = reports[READER_TYPE].totals.events - sum(r.events for r in reports[READER_TYPE].rows)
    kinds = dict(db.session.execute(select(Branch.id, Branch.kind)).all())
    branches = [
        Line(r.key, r.label, r.events, r.attendance, kind=kinds.get(int(r.key), "") if r.key != NONE_KEY else "")
        for r in by_branch.rows
    ]
    series = [Line(r.key, r.label, r.events, r.attendance) for r in by_series.rows if r.key != NONE_KEY]
    training_types = [t for t, rows in mapping.items() if "trainings" in rows]
    events = _events_of_the_year(query, training_types)
    visits = _visits_by_event([e.id for e in events], reports["event"])
    exhibitions = [
        _event_line(e, visits, locale) for e in events if e.type == "exhibition"
    ]
    works = _works_by_event([int(x.key) for x in exhibitions])
    for line in exhibitions:
        line.count = works.get(int(line.key), 0)
    trainings = [_event_line(e, visits, locale) for e in events if e.type in training_types and e.series_id is None]
    competitions = _competitions(query, events, visits, locale)
    notes = dict(db.session.execute(
        select(ReportNote.section, ReportNote.text).where(ReportNote.year == year, ReportNote.locale == locale)
    ).all())
    closed = db.session.execute(
        select(ClosedYear.closed_at, User.name).outerjoin(User, User.id == ClosedYear.closed_by_id)
        .where(ClosedYear.year == year)
    ).first()
    return AnnualReport(
        year=year, locale=locale, by_type=by_type, by_month=by_month, volunteers=volunteer_figures(query),
        series=series, competitions=competitions, exhibitions=exhibitions, trainings=trainings, branches=branches,
        statistics_return=return_rows, staff_events=staff_events, notes=notes, closed_at=closed[0] if closed else None,
        closed_by=closed[1] if closed else None, retention_months=settings.retention_months(),
    )


def _events_of_the_year(query: ReportQuery, training_types: list[str]) -> list[Event]:
    """Counted exhibitions, trainings and competition sittings that start in the year, or
    (exhibitions) run into it from the year before."""
    starts, ends = period_bounds(query.start, query.end)
    return list(db.session.scalars(
        select(Event).where(
            Event.status.not_in(NOT_COUNTED),
            Event.starts_at < ends,
            ((Event.type == "exhibition") & (Event.ends_at >= starts))
            | (Event.starts_at >= starts) & (Event.type.in_(training_types) | Event.round_id.is_not(None)),
        ).order_by(Event.starts_at, Event.id)
    ))


def _visits_by_event(event_ids: list[int], by_event: AttendanceReport) -> dict[int, tuple[int, int]]:
    """Per event: (person-visits in the period, from the report by event; confirmed tickets)."""
    if not event_ids:
        return {}
    people = {int(row.key): row.attendance for row in by_event.rows}
    tickets = dict(db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids), Registration.status == "confirmed")
        .group_by(Registration.event_id)
    ).all())
    return {event_id: (people.get(event_id, 0), int(tickets.get(event_id, 0))) for event_id in event_ids}


def _works_by_event(event_ids: list[int]) -> dict[int, int]:
    if not event_ids:
        return {}
    return dict(db.session.execute(
        select(Exhibit.event_id, func.count(Exhibit.id)).where(Exhibit.event_id.in_(event_ids))
        .group_by(Exhibit.event_id)
    ).all())


def _event_line(event: Event, visits: dict[int, tuple[int, int]], locale: str) -> Line:
    return Line(
        str(event.id), event.display_title(locale), 1, visits.get(event.id, (0, 0))[0],
        kind=event.type, starts_on=local_date(event.starts_at), ends_on=local_date(event.ends_at),
    )


def _competitions(query: ReportQuery, events: list[Event], visits, locale: str) -> list[CompetitionLine]:
    """Each competition with a sitting in the year, its rounds in order: sittings, contestants
    (confirmed tickets: one contestant each) and person-visits."""
    sittings: dict[int, list[Event]] = {}
    for event in events:
        if event.round_id is not None:
            sittings.setdefault(event.round_id, []).append(event)
    if not sittings:
        return []
    rounds = db.session.execute(
        select(Round, Competition).join(Competition, Competition.id == Round.competition_id)
        .where(Round.id.in_(list(sittings))).order_by(Competition.id, Round.position)
    ).all()
    lines: dict[int, CompetitionLine] = {}
    for round_, competition in rounds:
        line = lines.setdefault(
            competition.id, CompetitionLine(competition.id, competition.display_title(locale), [])
        )
        held = sittings[round_.id]
        line.rounds.append(Line(
            str(round_.id), round_.display_name(locale), len(held),
            sum(visits.get(e.id, (0, 0))[0] for e in held), count=sum(visits.get(e.id, (0, 0))[1] for e in held),
        ))
    return list(lines.values())


# --- the staff's texts -------------------------------------------------------------------------


def save_note(year: int, section: str, locale: str, text: str, *, actor, now: datetime | None = None) -> ReportNote | None:
    """Keep (or, when blank, remove) the staff's text for one section of a year's report in one
    language. Audited. Raises ``ValidationError`` for an unknown section or language or a
    text over 2,000 characters."""
    errors = {}
    if section not in SECTIONS:
        errors["section"] = _l("Choose a section of the report.")
    if locale not in LOCALES:
        errors["locale"] = _l("Choose a language.")
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        errors["text"] = _l("Enter at most %(max)d characters.", max=NOTE_MAX)
    if errors:
        raise ValidationError(errors)
    note = db.session.scalar(select(ReportNote).where(
        and_(ReportNote.year == year, ReportNote.section == section, ReportNote.locale == locale)
    ))
    if not text:
        if note is not None:
            db.session.delete(note)
            db.session.flush()
            record("report_note.delete", None, actor=actor, data={"year": year, "section": section, "locale": locale})
        return None
    if note is None:
        note = ReportNote(year=year, section=section, locale=locale, text=text)
        db.session.add(note)
    note.text = text
    note.updated_at = now or clock.now()
    note.updated_by_id = getattr(actor, "id", None)
    db.session.flush()
    record("report_note.save", note, actor=actor, data={"year": year, "section": section, "locale": locale})
    return note

"""The one way of counting, against a hand-counted spring (see tests/reports/scenario.py)."""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from decimal import Decimal

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_babel import force_locale

from outreach.extensions import db
from outreach.paths import MIGRATIONS
from outreach.phone import phone_digest
from outreach.registration import services as registration
from outreach.registration.models import CheckIn, Registration, WalkIn
from outreach.reports import services
from outreach.reports.services import GROUPINGS, ReportQuery, attendance_report, volunteer_figures
from outreach.volunteers.models import HoursAdjustment, Shift, ShiftSignup
from tests.helpers import count_statements
from tests.reports.scenario import AFTER, APRIL, MARCH, SPRING, add_registration, at, build_spring

FIELDS = ("events", "attendance", "checked_in", "walk_ins", "registered", "no_shows")


def figures(*values) -> dict:
    events, checked_in, walk_ins, registered, no_shows = values
    return {"events": events, "attendance": checked_in + walk_ins, "checked_in": checked_in,
            "walk_ins": walk_ins, "registered": registered, "no_shows": no_shows}


@pytest.fixture
def spring(app):
    return build_spring()


def report(period, group_by=None, now=AFTER, **filters):
    return attendance_report(ReportQuery(*period, **filters), group_by, now=now)


def rows(result) -> dict:
    return {row.key: {k: v for k, v in row.as_dict().items() if k not in ("key", "label")} for row in result.rows}


# --- the totals --------------------------------------------------------------------------------


def test_march_april_and_the_spring(spring):
    march, april, both = report(MARCH), report(APRIL), report(SPRING)
    assert march.as_dict()["totals"] == {**figures(2, 5, 15, 6, 1), "unique_people": 2}
    assert april.as_dict()["totals"] == {**figures(1, 3, 27, 1, 0), "unique_people": 2}
    # the same person (E1 and E3) counts once over the two months; the exhibition's family too
    assert both.as_dict()["totals"] == {**figures(3, 8, 42, 7, 1), "unique_people": 2}
    assert both.rows == []


def test_a_day_counts_visits_of_that_day_only(spring):
    """31 March: the exhibition's family (2); the night walk-ins of 23:45 belong to 1 April."""
    day = report((date(2018, 3, 31), date(2018, 3, 31)))
    assert day.as_dict()["totals"] == {**figures(0, 2, 0, 0, 0), "unique_people": 1}
    first = report((date(2018, 4, 1), date(2018, 4, 1)))
    assert first.as_dict()["totals"] == {**figures(1, 3, 7, 1, 0), "unique_people": 2}


def test_no_shows_wait_for_the_end_of_the_event(spring):
    during = report(MARCH, now=at(date(2018, 3, 10), 11))
    assert (during.totals.registered, during.totals.no_shows) == (6, 0)
    after_e1 = report(MARCH, now=at(date(2018, 3, 10), 12))
    assert after_e1.totals.no_shows == 1


def test_by_month(spring):
    result = report(SPRING, "month")
    assert [(r.key, r.label) for r in result.rows] == [("2018-03", "2018年3月"), ("2018-04", "2018年4月")]
    assert rows(result) == {"2018-03": figures(2, 5, 15, 6, 1), "2018-04": figures(1, 3, 27, 1, 0)}


def test_a_month_without_anything_still_has_its_row(spring):
    result = report((date(2018, 2, 1), date(2018, 4, 30)), "month")
    assert [r.key for r in result.rows] == ["2018-02", "2018-03", "2018-04"]
    assert rows(result)["2018-02"] == figures(0, 0, 0, 0, 0)


def test_by_type(spring):
    result = report(SPRING, "type")
    assert [(r.key, r.label) for r in result.rows] == [("lecture", "讲座"), ("exhibition", "展览"), ("activity", "活动")]
    assert rows(result) == {
        "lecture": figures(1, 3, 5, 4, 1), "exhibition": figures(1, 4, 30, 2, 0), "activity": figures(1, 1, 7, 1, 0),
    }


def test_by_branch_venue_series_and_audience(spring):
    s = spring
    assert rows(report(SPRING, "branch")) == {str(s.b1.id): figures(2, 4, 12, 5, 1), str(s.b2.id): figures(1, 4, 30, 2, 0)}
    assert rows(report(SPRING, "venue")) == {str(s.v1.id): figures(2, 4, 12, 5, 1), str(s.v2.id): figures(1, 4, 30, 2, 0)}
    series = report(SPRING, "series")
    assert rows(series) == {str(s.series.id): figures(1, 3, 5, 4, 1), "none": figures(2, 5, 37, 3, 0)}
    assert [r.label for r in series.rows] == ["星海讲坛", "不属于系列"]
    assert rows(report(SPRING, "audience")) == {"all": figures(2, 4, 12, 5, 1), "children": figures(1, 4, 30, 2, 0)}


@pytest.mark.parametrize("group_by", GROUPINGS)
@pytest.mark.parametrize("period", [MARCH, APRIL, SPRING])
def test_rows_add_up_to_the_totals(spring, group_by, period):
    result = report(period, group_by)
    totals = result.totals.as_dict()
    for name in FIELDS:
        assert sum(row.as_dict()[name] for row in result.rows) == totals[name], name
    assert result.as_dict()["totals"] == report(period).as_dict()["totals"]


def test_labels_in_english(spring):
    with force_locale("en"):
        assert [r.label for r in report(SPRING, "month").rows] == ["Mar 2018", "Apr 2018"]
        assert [r.label for r in report(SPRING, "type").rows] == ["Lecture", "Exhibition", "Activity"]
        assert [r.label for r in report(SPRING, "branch").rows] == ["Central Library", "Xinghai Branch"]
        assert report(SPRING, "series").rows[-1].label == "Not in a series"


# --- filters ------------------------------------------------------------------------------------


def test_filters(spring):
    s = spring
    assert report(SPRING, branch_id=s.b2.id).totals.as_dict() == figures(1, 4, 30, 2, 0)
    assert report(SPRING, venue_id=s.v1.id).totals.as_dict() == figures(2, 4, 12, 5, 1)
    assert report(SPRING, series_id=s.series.id).totals.as_dict() == figures(1, 3, 5, 4, 1)
    assert report(SPRING, type="activity").totals.as_dict() == figures(1, 1, 7, 1, 0)
    assert report(SPRING, audience="children").totals.as_dict() == figures(1, 4, 30, 2, 0)
    assert report(SPRING, audience="children").unique_people == 1
    assert report(SPRING, type="competition").totals.as_dict() == figures(0, 0, 0, 0, 0)
    both = report(SPRING, "month", branch_id=s.b1.id, type="lecture")
    assert rows(both) == {"2018-03": figures(1, 3, 5, 4, 1), "2018-04": figures(0, 0, 0, 0, 0)}


def test_cancelled_and_draft_events_count_nowhere(spring):
    s = spring
    for event in (s.e4, s.e5):
        day = event.starts_at.date()
        assert report((day, day)).totals.as_dict() == figures(0, 0, 0, 0, 0)
    # they are there to count: a walk-in each, and E4 a confirmed party
    assert db.session.query(WalkIn).filter(WalkIn.event_id.in_([s.e4.id, s.e5.id])).count() == 2


def test_capacity_filled(spring):
    """E1 (100 places): 3 of its people came; E3 (50): 1; the exhibition has no capacity."""
    totals = report(SPRING).totals
    assert (totals.capacity, totals.admitted_with_capacity) == (150, 4)
    assert totals.capacity_filled == pytest.approx(4 / 150)
    assert totals.no_show_rate == pytest.approx(1 / 7)


# --- one event: the per-event figure agrees --------------------------------------------------------


def test_the_per_event_attendance_agrees_for_a_single_event(spring):
    s = spring
    for event, filters in ((s.e1, {"series_id": s.series.id}), (s.e2, {"venue_id": s.v2.id}),
                           (s.e3, {"type": "activity"})):
        per_event = registration.attendance(event, now=AFTER)
        whole = report(SPRING, **filters).totals.as_dict()
        assert whole["events"] == 1
        assert {k: v for k, v in per_event.as_dict().items() if k in FIELDS} == {
            k: v for k, v in whole.items() if k != "events"}, event.title
        assert report(SPRING, "event", **filters).rows[0].as_dict() | {"key": "", "label": ""} == \
            {"key": "", "label": "", **whole}


def test_event_figures_for_a_list_of_events(spring):
    s = spring
    result = services.event_figures(ReportQuery(*SPRING), [s.e1.id, s.e2.id, s.e4.id], now=AFTER)
    assert result[s.e1.id].as_dict() == figures(1, 3, 5, 4, 1)
    assert result[s.e2.id].as_dict() == figures(1, 4, 30, 2, 0)
    assert s.e4.id not in result


# --- unique people and the phone digest ---------------------------------------------------------


def test_phone_digest_is_keyed_and_normalised(app):
    assert phone_digest("138 1234 5678") == phone_digest("13812345678") == phone_digest("138-1234-5678")
    assert len(phone_digest("13812345678")) == 64
    assert phone_digest("13812345678") != phone_digest("13812345679")
    assert phone_digest("13812345678") != phone_digest("13812345678", key="another key")
    assert phone_digest(None) is None and phone_digest("") is None


def test_registering_stores_the_digest(app, make_event):
    event = make_event()
    made = registration.register(event, name="李四", phone="139 0000 1111", party_size=2)
    assert made.registration.phone_digest == phone_digest("13900001111")


def test_unique_people_survive_losing_the_phone(spring):
    before = report(SPRING).unique_people
    db.session.query(Registration).update({"phone": None, "name": "—"})
    db.session.commit()
    assert report(SPRING).unique_people == before == 2


def test_a_ticket_without_a_phone_is_one_person(spring):
    s = spring
    stranger = add_registration(s.e1, party_size=1, phone=None)
    db.session.add(CheckIn(registration_id=stranger.id, event_id=s.e1.id, day=date(2018, 3, 10),
                           checked_in_at=at(date(2018, 3, 10), 10)))
    db.session.commit()
    assert report(MARCH).unique_people == 3


# --- volunteers ------------------------------------------------------------------------------------


def test_volunteer_figures(spring, make_user):
    s = spring
    a = make_user("volunteer", name="志愿者甲").volunteer_profile
    b = make_user("volunteer", name="志愿者乙").volunteer_profile

    def shift(event, start, hours=2):
        made = Shift(event_id=event.id if event else None, role="引导", starts_at=start,
                     ends_at=start + timedelta(hours=hours), slots=3)
        db.session.add(made)
        db.session.flush()
        return made

    night = shift(s.e3, at(date(2018, 3, 31), 23))
    lecture = shift(s.e1, at(date(2018, 3, 10), 9))
    desk = shift(None, at(date(2018, 4, 5), 9), hours=3)
    gone = shift(s.e4, at(date(2018, 3, 15), 9))
    db.session.add_all([
        ShiftSignup(shift_id=night.id, volunteer_id=a.id, status="completed", hours=Decimal("2.50")),
        ShiftSignup(shift_id=lecture.id, volunteer_id=b.id, status="completed", hours=Decimal("2.00")),
        ShiftSignup(shift_id=desk.id, volunteer_id=a.id, status="completed", hours=Decimal("3.00")),
        ShiftSignup(shift_id=desk.id, volunteer_id=b.id, status="no_show"),
        ShiftSignup(shift_id=gone.id, volunteer_id=a.id, status="completed", hours=Decimal("2.00")),
        HoursAdjustment(volunteer_id=a.id, hours=Decimal("1.50"), reason="在家备课", day=date(2018, 4, 10)),
    ])
    db.session.commit()
    spring_figures = volunteer_figures(ReportQuery(*SPRING))
    assert spring_figures.as_dict() == {"volunteers": 2, "shifts": 3, "hours": "9.00", "service_activities": 1}
    assert volunteer_figures(ReportQuery(*MARCH)).as_dict() == {
        "volunteers": 2, "shifts": 2, "hours": "4.50", "service_activities": 1}
    assert volunteer_figures(ReportQuery(*APRIL)).as_dict() == {
        "volunteers": 1, "shifts": 1, "hours": "4.50", "service_activities": 0}
    assert volunteer_figures(ReportQuery(*SPRING, type="lecture")).as_dict() == {
        "volunteers": 1, "shifts": 1, "hours": "2.00", "service_activities": 0}


# --- a constant number of queries -----------------------------------------------------------------


def _busy_year(spring, n: int, first: int = 0) -> None:
    """``n`` more lectures in March at both venues and series, each with three parties
    (one admitted) and walk-ins."""
    s = spring
    for i in range(first, first + n):
        day = date(2018, 3, 1) + timedelta(days=i % 28)
        event = services.Event(
            type=("lecture", "class", "visit")[i % 3], status="completed", title=f"讲座{i}",
            starts_at=at(day, 14), ends_at=at(day, 16), venue_id=(s.v1.id, s.v2.id)[i % 2],
            series_id=s.series.id if i % 4 == 0 else None, session_number=i + 10 if i % 4 == 0 else None,
            capacity=60, audience=("adults", "children")[i % 2],
        )
        db.session.add(event)
        db.session.flush()
        for k in range(3):
            made = add_registration(event, party_size=k + 1, phone=f"1360000{i:02d}{k:02d}")
            if k == 0:
                db.session.add(CheckIn(registration_id=made.id, event_id=event.id, day=day,
                                       checked_in_at=at(day, 14)))
        db.session.add(WalkIn(event_id=event.id, count=2, day=day, recorded_at=at(day, 15)))
    db.session.commit()


def _statements_per_grouping() -> dict:
    counts = {}
    for group_by in (None,) + GROUPINGS:
        with count_statements() as statements:
            report(SPRING, group_by)
        counts[group_by] = len(statements)
    return counts


def test_a_report_is_a_constant_number_of_queries(spring):
    _busy_year(spring, 5)
    small = _statements_per_grouping()
    small_totals = report(SPRING).totals.as_dict()
    assert small_totals["events"] == 3 + 5
    _busy_year(spring, 45, first=5)
    large = _statements_per_grouping()
    assert report(SPRING).totals.as_dict()["events"] == 3 + 50
    assert large == small
    assert max(large.values()) <= 6
    with count_statements() as statements:
        services.attendance_reports(ReportQuery(*SPRING), GROUPINGS)
    assert len(statements) == 5 + 3  # the figures once, the names of venues, branches and series
    with count_statements() as statements:
        volunteer_figures(ReportQuery(*SPRING))
    assert len(statements) == 2


def test_an_unknown_grouping_is_a_programming_error(app):
    with pytest.raises(ValueError):
        attendance_report(ReportQuery(*SPRING), "weekday")


def test_the_migration_backfills_the_digest_of_existing_registrations(app, make_event):
    event = make_event()
    old = add_registration(event, phone="139 1111 2222")
    none = add_registration(event, phone=None)
    old.phone, old.phone_digest = "13911112222", None
    db.session.commit()
    path = next((MIGRATIONS / "versions").glob("*_7d1e4a2b9c10_*.py"))
    spec = importlib.util.spec_from_file_location("reports_migration", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration._backfill_phone_digests()
    db.session.expire_all()
    assert db.session.get(Registration, old.id).phone_digest == phone_digest("13911112222")
    assert db.session.get(Registration, none.id).phone_digest is None


def test_the_demo_year_2018_counts_as_the_seed_report_does(app):
    """The demo's 2018 through the one way of counting: 40+ reader activities and 70,000+
    person-visits (the seed report's 40余次 and 7万余人次); every ticket has its digest; rows add up."""
    from sqlalchemy import func, select

    from outreach.demo import loader

    loader.load(date(2026, 12, 1))
    db.session.commit()
    assert db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.phone_digest.is_(None))) == 0
    year = ReportQuery(date(2018, 1, 1), date(2018, 12, 31))
    reports = services.attendance_reports(year, (None,) + GROUPINGS)
    totals = reports[None].totals
    assert totals.events >= 40 and totals.attendance >= 70_000
    assert 0 < reports[None].unique_people <= totals.checked_in
    for group_by in GROUPINGS:
        assert sum(row.attendance for row in reports[group_by].rows) == totals.attendance, group_by
        assert sum(row.events for row in reports[group_by].rows) == totals.events, group_by
    xinghai = next(r for r in reports["series"].rows if r.label == "星海讲坛")
    assert xinghai.events == 14


def test_a_visit_recorded_outside_its_events_days_still_counts(spring):
    """Old data may hold a check-in dated the day before its event (an import): it counts on its
    day, in the event's rows, and the report does not fail."""
    s = spring
    stray = add_registration(s.e1, party_size=2, phone="13600000000")
    db.session.add(CheckIn(registration_id=stray.id, event_id=s.e1.id, day=date(2018, 3, 9),
                           checked_in_at=at(date(2018, 3, 9), 23)))
    db.session.commit()
    day = report((date(2018, 3, 9), date(2018, 3, 9)), "type")
    assert rows(day) == {"lecture": figures(0, 2, 0, 0, 0)}

"""The rules of village reading rooms and the book bus: activities count in the reports like any
event, a count corrected is audited and reported, visitors are counted once a day per place,
and a keeper is held to their place and to the last two months."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from outreach import clock
from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.extensions import db
from outreach.outposts import services
from outreach.outposts.models import VisitorCount
from outreach.places.models import Venue
from outreach.platform.models import AuditEntry
from outreach.platform.closing import close_year
from outreach.reports import services as reports

TODAY = date(2026, 8, 31)


@pytest.fixture(autouse=True)
def summer(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 8, 31, 4, 0, tzinfo=timezone.utc))  # 12:00 in Hunan


def record(branch, actor, **overrides):
    values = dict(type="activity", title="暑期少儿阅读实践活动", day=date(2026, 8, 29), starts=time(9), ends=time(11, 30),
                  headcount=46, audience="children")
    values.update(overrides)
    event = services.record_activity(branch, actor=actor, **values)
    db.session.commit()
    return event


def totals(start=date(2026, 8, 1), end=date(2026, 8, 31)):
    return reports.attendance_report(reports.ReportQuery(start, end), "type").totals


def test_an_activity_is_an_event_of_the_place_counted_in_the_reports(village, keeper):
    event = record(village, keeper)
    assert (event.status, event.registration, event.type, event.audience) == ("published", "none", "activity", "children")
    assert event.venue.branch_id == village.id
    assert event.created_by_id == keeper.id
    assert services.headcount_of(event) == 46
    figures = totals()
    assert (figures.events, figures.walk_ins, figures.attendance) == (1, 46, 46)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outpost.activity"))
    assert entry.data == {"branch_id": village.id, "headcount": 46}


def test_the_room_is_booked_like_any_other(village, keeper):
    record(village, keeper)
    with pytest.raises(OutreachError) as refused:
        record(village, keeper, title="书法体验课", starts=time(10), ends=time(12))
    assert (refused.value.code, refused.value.status) == ("room_booked", 409)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Event.id))) == 1


def test_the_book_bus_gets_a_room_with_its_first_activity(bus, make_keeper):
    keeper = make_keeper(bus)
    event = record(bus, keeper, title="流动汽车图书屋进社区")
    venue = db.session.get(Venue, event.venue_id)
    assert (venue.branch_id, venue.name, venue.kind) == (bus.id, "流动汽车图书屋", "outdoor")
    second = record(bus, keeper, title="流动汽车图书屋进校园", day=date(2026, 8, 30))
    assert second.venue_id == venue.id


@pytest.mark.parametrize("day, message", [
    (date(2026, 9, 1), "This day has not come yet."),
    (date(2026, 6, 29), "Only the last 62 days can be recorded here; ask the library's staff."),
])
def test_a_keeper_records_the_last_two_months_only(village, keeper, day, message):
    with pytest.raises(ValidationError) as refused:
        record(village, keeper, day=day)
    with force_locale("en"):
        assert str(refused.value.fields["day"]) == message


def test_staff_may_record_further_back(village, make_user):
    event = record(village, make_user("staff"), day=date(2025, 3, 1))
    assert services.headcount_of(event) == 46


def test_every_wrong_field_is_named_at_once(village, keeper):
    with pytest.raises(ValidationError) as refused:
        services.record_activity(village, actor=keeper, type="competition", title=" ", day=TODAY, starts=time(11),
                                 ends=time(10), headcount=0, photo=b"x", photo_alt="")
    assert set(refused.value.fields) == {"type", "title", "ends", "headcount", "photo_alt"}


def test_a_corrected_count_is_audited_and_reported(village, keeper):
    event = record(village, keeper)
    assert services.correct_headcount(event, 42, actor=keeper) == 42
    db.session.commit()
    assert services.headcount_of(event) == 42
    assert totals().walk_ins == 42
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outpost.headcount"))
    assert (entry.data, entry.actor_id, entry.event_id) == ({"from": 46, "to": 42}, keeper.id, event.id)


def test_a_closed_year_refuses_a_keeper(village, keeper, make_user):
    event = record(village, make_user("staff"), day=date(2025, 12, 30))
    close_year(2025, make_user("admin"))
    db.session.commit()
    with pytest.raises(OutreachError) as refused:
        services.set_visitors(village, date(2025, 12, 30), 5, actor=make_user("staff"))
    assert refused.value.code == "year_closed"
    with pytest.raises(OutreachError) as refused:
        services.correct_headcount(event, 40, actor=make_user("staff"))
    assert refused.value.code == "year_closed"


def test_visitors_once_a_day_a_second_count_replaces_the_first(village, keeper, bus, make_keeper):
    services.set_visitors(village, TODAY, 12, actor=keeper)
    services.set_visitors(village, date(2026, 8, 30), 30, actor=keeper)
    db.session.commit()
    services.set_visitors(village, TODAY, 15, actor=keeper)
    services.set_visitors(bus, TODAY, 80, actor=make_keeper(bus))
    db.session.commit()
    assert db.session.scalar(select(func.count(VisitorCount.id)).where(VisitorCount.branch_id == village.id)) == 2
    assert services.visitors_of(village, TODAY) == 15
    rows = {row.branch.id: (row.days, row.visitors) for row in services.visits_by_place(date(2026, 8, 1), TODAY)}
    assert rows == {village.id: (2, 45), bus.id: (1, 80)}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outpost.visitors"))
    assert entry.data == {"branch_id": village.id, "day": "2026-08-31", "from": 12, "to": 15}


def test_who_may_change_a_place(village, bus, keeper, make_keeper, make_user, make_branch):
    other = make_keeper(bus)
    central = make_branch(kind="central")
    assert services.place_for(keeper, village.id) == village
    assert services.place_for(keeper, bus.id) is None
    assert services.place_for(other, village.id) is None
    assert services.place_for(make_user("staff"), bus.id) == bus
    assert services.place_for(make_user("staff"), central.id) is None  # not a reading room: not here
    assert services.place_for(make_user("volunteer"), village.id) is None
    event = record(village, keeper)
    assert services.activity_for(other, event.id) is None
    assert services.activity_for(keeper, event.id) == (event, village)


def test_a_keeper_account_needs_a_reading_room(make_branch, make_user):
    with pytest.raises(ValidationError) as refused:
        services.open_keeper_account(email="k@example.org", name="王", password="correct horse battery staple",
                                     branch=make_branch(kind="branch"), actor=make_user("admin"))
    assert set(refused.value.fields) == {"branch_id"}

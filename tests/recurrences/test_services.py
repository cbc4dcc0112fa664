from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, select

from outreach.errors import ValidationError
from outreach.events.models import Event
from outreach.places.models import Series
from outreach.events.services import EventError
from outreach.extensions import db
from outreach.recurrences import services
from outreach.recurrences.models import RecurrenceException
from outreach.registration.models import Registration
from outreach.registration.services import register
from outreach.timezone import local

from .conftest import NOW


def starts(recurrence) -> list[str]:
    return [local(e.starts_at).strftime("%Y-%m-%d %H:%M") for e in services.occurrences(recurrence)]


def test_occurrence_dates_of_a_month_skip_the_holidays():
    # Monday, Wednesday and Friday of October 2026, less the National Day holiday days on them.
    holidays = [date(2026, 10, 2), date(2026, 10, 5), date(2026, 10, 7)]
    days = services.occurrence_dates("135", date(2026, 10, 1), date(2026, 10, 31), holidays)
    assert days == [
        date(2026, 10, 9), date(2026, 10, 12), date(2026, 10, 14), date(2026, 10, 16), date(2026, 10, 19),
        date(2026, 10, 21), date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 28), date(2026, 10, 30),
    ]
    assert services.occurrence_dates([1, 3, 5], date(2026, 10, 1), date(2026, 10, 31), holidays) == days


def test_monday_to_friday_over_four_weeks_makes_twenty_events(make_class):
    recurrence = make_class(starts_on=date(2026, 9, 7), ends_on=date(2026, 10, 2))
    events = services.occurrences(recurrence)
    assert len(events) == 20
    assert {e.recurrence_id for e in events} == {recurrence.id}
    assert {local(e.starts_at).isoweekday() for e in events} == {1, 2, 3, 4, 5}
    assert starts(recurrence)[:2] == ["2026-09-07 15:30", "2026-09-08 15:30"]
    assert all(e.ends_at - e.starts_at == timedelta(hours=1) for e in events)
    assert {(e.type, e.title, e.capacity, e.status) for e in events} == {("class", "三点半课堂", 30, "published")}


def test_exceptions_are_stored_and_have_no_event(make_class):
    recurrence = make_class(
        starts_on=date(2026, 9, 28), ends_on=date(2026, 10, 9),
        exceptions=[(date(2026, 10, 1), "国庆节"), (date(2026, 10, 2), " 国庆节 ")],
    )
    assert [(x.day, x.reason) for x in recurrence.exceptions] == [
        (date(2026, 10, 1), "国庆节"), (date(2026, 10, 2), "国庆节"),
    ]
    assert starts(recurrence) == [
        "2026-09-28 15:30", "2026-09-29 15:30", "2026-09-30 15:30",
        "2026-10-05 15:30", "2026-10-06 15:30", "2026-10-07 15:30", "2026-10-08 15:30", "2026-10-09 15:30",
    ]


def test_a_series_numbers_the_occurrences_on(make_class):
    series = Series(name="三点半课堂系列")
    db.session.add(series)
    db.session.commit()
    recurrence = make_class(series=series, session_number=11, ends_on=date(2026, 9, 9))
    assert [e.session_number for e in services.occurrences(recurrence)] == [11, 12, 13]
    more = make_class(series=series, starts_on=date(2026, 9, 21), ends_on=date(2026, 9, 22))
    assert [e.session_number for e in services.occurrences(more)] == [14, 15]


def test_extending_a_series_titles_the_new_sessions_as_new(make_class, make_user):
    """The sessions an extension adds take the series' next numbers and are titled as new
    sessions, not with the number and topic of the session they were copied from."""
    staff = make_user("staff")
    series = Series(name="三点半课堂", name_en="Half-Past-Three Class")
    db.session.add(series)
    db.session.commit()
    recurrence = make_class(series=series, session_number=11, ends_on=date(2026, 9, 9))
    last = services.occurrences(recurrence)[-1]
    last.title, last.title_en = "三点半课堂 第13期：折纸", "Half-Past-Three Class No. 13: Origami"
    db.session.commit()
    services.change_range(recurrence, ends_on=date(2026, 9, 15), actor=staff)
    db.session.commit()
    added = services.occurrences(recurrence)[3:]
    assert [(e.session_number, e.title, e.title_en) for e in added] == [
        (14, "三点半课堂 第14期", "Half-Past-Three Class No. 14"),
        (15, "三点半课堂 第15期", "Half-Past-Three Class No. 15"),
        (16, "三点半课堂 第16期", "Half-Past-Three Class No. 16"),
        (17, "三点半课堂 第17期", "Half-Past-Three Class No. 17"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"weekdays": ""}, "weekdays"),
        ({"weekdays": [8]}, "weekdays"),
        ({"starts_on": date(2026, 9, 18), "ends_on": date(2026, 9, 7)}, "ends_on"),
        ({"ends_on": date(2027, 9, 9)}, "ends_on"),
        ({"end_time": time(15, 30)}, "end_time"),
        ({"weekdays": "6", "ends_on": date(2026, 9, 11)}, "weekdays"),
        ({"exceptions": [(date(2026, 9, 8), None), (date(2026, 9, 8), "x")]}, "exceptions"),
    ],
)
def test_a_bad_pattern_is_refused_and_nothing_is_made(make_class, overrides, field):
    with pytest.raises(ValidationError) as caught:
        make_class(**overrides)
    assert field in caught.value.fields
    db.session.rollback()
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_the_pattern_and_the_event_fields_are_checked_together(make_class, make_venue):
    pattern = {
        "weekdays": "135", "starts_on": date(2026, 9, 7), "ends_on": date(2026, 9, 18),
        "start_time": time(15, 30), "end_time": time(15, 0),
    }
    errors = services.check_recurrence(**pattern, title="", type="class", venue=make_venue(), capacity=-1)
    assert set(errors) == {"end_time", "title", "capacity"}
    with pytest.raises(ValidationError) as caught:
        make_class(end_time=time(15, 0), title="", capacity=-1)
    assert set(caught.value.fields) == {"end_time", "title", "capacity"}
    db.session.rollback()
    valid = {**pattern, "end_time": time(16, 30)}
    assert services.check_recurrence(**valid, title="三点半课堂", type="class", venue=make_venue()) == {}


def test_room_clashes_on_two_dates_are_refused_together(make_class, make_venue, make_event):
    room = make_venue()
    tz = local(NOW).tzinfo
    for day in (9, 16):
        make_event(venue=room, starts_at=datetime(2026, 9, day, 15, 0, tzinfo=tz),
                   ends_at=datetime(2026, 9, day, 16, 0, tzinfo=tz))
    with pytest.raises(EventError) as caught:
        make_class(venue=room)
    error = caught.value
    assert error.code == "room_booked" and error.status == 409
    message = str(error.message)
    assert "2026年9月9日、2026年9月16日" in message
    assert error.fields["venue_id"] == error.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Event.id)).where(Event.recurrence_id.is_not(None))) == 0
    assert db.session.scalar(select(func.count(Event.id))) == 2


def test_an_override_reason_books_the_room_anyway(make_class, make_venue, make_event):
    room = make_venue()
    tz = local(NOW).tzinfo
    make_event(venue=room, starts_at=datetime(2026, 9, 9, 15, 0, tzinfo=tz), ends_at=datetime(2026, 9, 9, 16, 0, tzinfo=tz))
    recurrence = make_class(venue=room, booking_override_reason="讲座改在走廊")
    events = services.occurrences(recurrence)
    assert len(events) == 10
    # The reason is kept where it was needed only.
    assert [e.booking_override_reason for e in events if e.booking_override_reason] == ["讲座改在走廊"]
    assert local(next(e for e in events if e.booking_override_reason).starts_at).day == 9


def _registrant(event, email="mum@example.org"):
    return register(event, name="王小明", phone="13800000000", email=email).registration


def test_an_exception_cancels_the_occurrence_and_tells_its_registrants(app, make_class, make_user):
    recurrence = make_class()
    event = services.occurrences(recurrence)[2]
    _registrant(event)
    _registrant(event, email=None)
    db.session.commit()
    app.extensions["outreach_sent_mail"] = []
    services.add_exception(recurrence, date(2026, 9, 9), "学校运动会", actor=make_user("staff"))
    db.session.commit()
    assert event.status == "cancelled"
    assert [(x.day, x.reason) for x in recurrence.exceptions] == [(date(2026, 9, 9), "学校运动会")]
    sent = app.extensions["outreach_sent_mail"]
    assert [m.to for m in sent] == ["mum@example.org"]
    assert "学校运动会" in sent[0].body
    assert len([e for e in services.occurrences(recurrence) if e.status == "published"]) == 9


def test_an_exception_deletes_a_draft_nobody_registered_for(make_class, make_user):
    recurrence = make_class(status="draft")
    services.add_exception(recurrence, date(2026, 9, 10), None, actor=make_user("staff"))
    db.session.commit()
    assert len(services.occurrences(recurrence)) == 9
    assert date(2026, 9, 10) not in {local(e.starts_at).date() for e in services.occurrences(recurrence)}


def test_an_exception_is_refused_off_the_pattern_twice_or_once_started(make_class, make_user, frozen):
    staff = make_user("staff")
    recurrence = make_class()
    with pytest.raises(ValidationError):
        services.add_exception(recurrence, date(2026, 9, 12), "周六", actor=staff)  # a Saturday
    services.add_exception(recurrence, date(2026, 9, 8), None, actor=staff)
    with pytest.raises(services.RecurrenceError) as caught:
        services.add_exception(recurrence, date(2026, 9, 8), None, actor=staff)
    assert caught.value.code == "exception_exists"
    frozen["now"] = datetime(2026, 9, 9, 8, 0, tzinfo=timezone.utc)  # 16:00 in Liling: under way
    with pytest.raises(services.RecurrenceError) as caught:
        services.add_exception(recurrence, date(2026, 9, 9), None, actor=staff)
    assert caught.value.code == "occurrence_started"


def test_removing_an_exception_holds_the_day_again(make_class, make_user):
    staff = make_user("staff")
    recurrence = make_class(exceptions=[(date(2026, 9, 10), "教师培训")])
    assert len(services.occurrences(recurrence)) == 9
    event = services.remove_exception(recurrence, date(2026, 9, 10), actor=staff)
    db.session.commit()
    assert local(event.starts_at).strftime("%Y-%m-%d %H:%M") == "2026-09-10 15:30"
    assert (event.status, event.title, event.capacity, event.recurrence_id) == ("published", "三点半课堂", 30, recurrence.id)
    assert recurrence.exceptions == []
    with pytest.raises(services.RecurrenceError) as caught:
        services.remove_exception(recurrence, date(2026, 9, 10), actor=staff)
    assert caught.value.status == 404


def test_edit_all_changes_future_occurrences_only_and_moves_the_time(make_class, make_user, frozen):
    staff = make_user("staff")
    recurrence = make_class()
    events = services.occurrences(recurrence)
    cancelled = events[5]
    from outreach.events.services import change_status

    change_status(cancelled, "cancelled", actor=staff)
    db.session.commit()
    frozen["now"] = datetime(2026, 9, 9, 2, 0, tzinfo=timezone.utc)  # 10:00 on the 9th: two days gone
    changed = services.update_all(
        recurrence, actor=staff, title="三点半课堂（秋季）", capacity=25, start_time=time(16, 0), end_time=time(17, 0)
    )
    db.session.commit()
    assert changed == 7  # 10 occurrences, less two gone by and one cancelled
    by_day = {local(e.starts_at).date(): e for e in services.occurrences(recurrence)}
    assert (local(by_day[date(2026, 9, 7)].starts_at).time(), by_day[date(2026, 9, 7)].title) == (time(15, 30), "三点半课堂")
    assert by_day[date(2026, 9, 8)].capacity == 30
    assert (cancelled.title, local(cancelled.starts_at).time()) == ("三点半课堂", time(15, 30))
    moved = by_day[date(2026, 9, 9)]
    assert (moved.title, moved.capacity, local(moved.starts_at).time(), local(moved.ends_at).time()) == (
        "三点半课堂（秋季）", 25, time(16, 0), time(17, 0),
    )
    assert (recurrence.start_time, recurrence.end_time) == (time(16, 0), time(17, 0))


def test_edit_all_from_a_day_leaves_the_days_before(make_class, make_user):
    recurrence = make_class()
    assert services.update_all(recurrence, actor=make_user("staff"), from_day=date(2026, 9, 14), speaker="刘老师") == 5
    assert [e.speaker for e in services.occurrences(recurrence)] == [None] * 5 + ["刘老师"] * 5


def test_edit_all_refuses_every_clash_and_changes_nothing(make_class, make_event, make_venue, make_user):
    recurrence = make_class()
    hall = make_venue()
    tz = local(NOW).tzinfo
    for day in (8, 15):
        make_event(venue=hall, starts_at=datetime(2026, 9, day, 16, 0, tzinfo=tz),
                   ends_at=datetime(2026, 9, day, 17, 0, tzinfo=tz))
    with pytest.raises(EventError) as caught:
        services.update_all(recurrence, actor=make_user("staff"), venue=hall, title="换教室")
    assert caught.value.code == "room_booked"
    assert "9月8日" in str(caught.value.message) and "9月15日" in str(caught.value.message)
    db.session.rollback()
    assert {(e.venue_id, e.title) for e in services.occurrences(recurrence)} == {
        (recurrence.events[0].venue_id, "三点半课堂")
    }


def test_extending_copies_the_latest_and_shortening_takes_off_the_rest(make_class, make_user):
    staff = make_user("staff")
    recurrence = make_class(ends_on=date(2026, 9, 11), exceptions=[(date(2026, 9, 16), "中秋")])
    last = services.occurrences(recurrence)[-1]
    from outreach.events.services import update_event

    update_event(last, title="三点半课堂：折纸", actor=staff)
    change = services.change_range(recurrence, ends_on=date(2026, 9, 18), actor=staff)
    db.session.commit()
    assert (change.added, change.removed) == (4, 0)
    assert starts(recurrence)[5:] == ["2026-09-14 15:30", "2026-09-15 15:30", "2026-09-17 15:30", "2026-09-18 15:30"]
    assert {e.title for e in services.occurrences(recurrence)[5:]} == {"三点半课堂：折纸"}
    _registrant(services.occurrences(recurrence)[-1])
    db.session.commit()
    # Its registrant is told: without a reason, nothing is taken off.
    with pytest.raises(ValidationError) as refused:
        services.change_range(recurrence, ends_on=date(2026, 9, 15), actor=staff)
    db.session.rollback()
    assert list(refused.value.fields) == ["reason"]
    assert [e.status for e in services.occurrences(recurrence)][-2:] == ["published", "published"]
    change = services.change_range(recurrence, ends_on=date(2026, 9, 15), actor=staff, reason="学期结束")
    db.session.commit()
    assert (change.added, change.removed) == (0, 2)
    assert [e.status for e in services.occurrences(recurrence)][-2:] == ["cancelled", "cancelled"]
    assert recurrence.ends_on == date(2026, 9, 15)
    # Extended again: the days taken off come back as new occurrences; the day skipped does not.
    change = services.change_range(recurrence, ends_on=date(2026, 9, 18), actor=staff)
    assert (change.added, change.removed) == (2, 0)
    assert len([e for e in services.occurrences(recurrence) if e.status == "published"]) == 9


def test_extending_keeps_an_occurrence_cancelled_on_its_own(make_class, make_user):
    from outreach.events.services import change_status

    staff = make_user("staff")
    recurrence = make_class(ends_on=date(2026, 9, 11))
    change_status(services.occurrences(recurrence)[2], "cancelled", actor=staff)
    change = services.change_range(recurrence, ends_on=date(2026, 9, 14), actor=staff)
    assert (change.added, change.removed) == (1, 0)
    assert [e.status for e in services.occurrences(recurrence)] == ["published"] * 2 + ["cancelled"] + ["published"] * 3


def test_changing_the_weekdays(make_class, make_user):
    recurrence = make_class(weekdays="135", status="draft")
    change = services.change_range(recurrence, weekdays=[2, 4], actor=make_user("staff"))
    db.session.commit()
    assert (change.added, change.removed) == (4, 6)
    assert recurrence.weekdays == "24"
    assert [local(e.starts_at).isoweekday() for e in services.occurrences(recurrence)] == [2, 4, 2, 4]


def test_publish_all_publishes_the_drafts_to_come(make_class, make_user):
    recurrence = make_class(status="draft", ends_on=date(2026, 9, 9))
    assert services.publish_all(recurrence, actor=make_user("staff")) == 3
    assert {e.status for e in services.occurrences(recurrence)} == {"published"}
    assert db.session.scalar(select(func.count(RecurrenceException.id))) == 0
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_event_fields_of_one_date_are_not_taken(make_class):
    with pytest.raises(TypeError):
        make_class(starts_at=NOW)


def test_every_occurrence_has_the_partners_and_new_ones_copy_them(make_class, make_user):
    from outreach.places.models import Partner

    school = Partner(name="南门小学", name_en="Nanmen Primary School")
    db.session.add(school)
    db.session.commit()
    recurrence = make_class(partners=[(school.id, "co_organiser")], starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 12))
    found = services.occurrences(recurrence)
    assert len(found) == 10
    assert all([(link.partner_id, link.role) for link in e.partner_links] == [(school.id, "co_organiser")] for e in found)
    services.change_range(recurrence, ends_on=recurrence.ends_on + timedelta(days=7), actor=make_user("staff"))
    db.session.commit()
    longer = services.occurrences(recurrence)
    assert len(longer) == 15
    assert all([(link.partner_id, link.role) for link in e.partner_links] == [(school.id, "co_organiser")] for e in longer)

"""The demo data: the 2018 year adds up to the seed report's figures, the upcoming programme
follows ``today``, a second load changes nothing, and the demo log-ins work.

Each load takes a couple of seconds (mostly password hashing), so the tests load few times
and check much per load.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text

from outreach.accounts.services import authenticate, create_user
from outreach.demo import data, loader
from outreach.events.models import Event, EventPartner
from outreach.places.models import Branch, Partner, Series, Venue
from outreach.extensions import db
from outreach.platform.models import Setting
from outreach.registration.models import CheckIn, Registration, WalkIn
from outreach.timezone import local, localize
from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile

TODAY = date(2026, 11, 25)  # a Wednesday


# --- helpers ------------------------------------------------------------------------------


def year_bounds(year: int):
    return localize(datetime(year, 1, 1)), localize(datetime(year + 1, 1, 1))


def in_2018(*conditions):
    start, end = year_bounds(2018)
    return (Event.starts_at >= start, Event.starts_at < end, *conditions)


def attendance(*conditions) -> int:
    """People at the events matching ``conditions``: each check-in admits its party, plus walk-ins."""
    checked_in = db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0))
        .select_from(CheckIn)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .join(Event, Event.id == CheckIn.event_id)
        .where(*conditions)
    )
    walked_in = db.session.scalar(
        select(func.coalesce(func.sum(WalkIn.count), 0)).join(Event, Event.id == WalkIn.event_id).where(*conditions)
    )
    return int(checked_in) + int(walked_in)


def count(model, *conditions, join=None) -> int:
    stmt = select(func.count()).select_from(model)
    if join is not None:
        stmt = stmt.join(*join)
    return db.session.scalar(stmt.where(*conditions))


def events(*conditions) -> list[Event]:
    return list(db.session.scalars(select(Event).where(*conditions).order_by(Event.starts_at, Event.id)))


def the_event(*conditions) -> Event:
    found = events(*conditions)
    assert len(found) == 1, [e.title for e in found]
    return found[0]


def people_registered(event: Event) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.event_id == event.id, Registration.status == "confirmed"
        )
    )


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def wall_clock(moment: datetime) -> tuple[date, time]:
    moment = local(moment)
    return moment.date(), moment.time()


def history_fingerprint() -> tuple:
    """Everything random about 2018 (ticket secrets aside): names, phones, party sizes, headcounts."""
    start, end = year_bounds(2018)
    registrations = db.session.execute(
        select(Registration.name, Registration.phone, Registration.party_size)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.starts_at >= start, Event.starts_at < end)
        .order_by(Registration.id)
    ).all()
    walkins = db.session.execute(
        select(WalkIn.day, WalkIn.count).join(Event, Event.id == WalkIn.event_id)
        .where(Event.starts_at >= start, Event.starts_at < end)
        .order_by(WalkIn.id)
    ).all()
    hours = db.session.scalar(select(func.sum(ShiftSignup.hours)).where(ShiftSignup.status == "completed"))
    return tuple(registrations), tuple(walkins), hours, attendance(*in_2018(Event.audience != "staff"))


def wipe() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


# --- one load, with today = TODAY ----------------------------------------------------------


def test_the_demo_year_and_programme(app):
    summary = loader.load(TODAY)
    db.session.commit()
    assert summary.loaded
    assert "Loaded the demo" in summary.describe()
    assert db.session.get(Setting, "demo_loaded").value == TODAY.isoformat()
    assert not loader.database_is_empty()
    assert loader.is_loaded()

    check_places()
    check_2018_totals(summary)
    check_2018_named_activities()
    check_2018_series()
    check_2018_volunteers(summary)
    check_times_are_consistent()
    check_upcoming_programme(TODAY)


def check_places():
    kinds = dict(db.session.execute(select(Branch.name, Branch.kind)).all())
    assert kinds["醴陵市图书馆（总馆）"] == "central"
    assert kinds["星海明筑分馆"] == kinds["左权镇分馆"] == "branch"
    assert kinds["茶山镇东岗农家书屋"] == "village"
    assert kinds["流动汽车图书屋"] == "mobile"
    partner_sites = {"南门小学", "南门中学", "台北城营销中心", "枫林镇敬老院", "力生小区", "株洲市图书馆"}
    assert {name for name, kind in kinds.items() if kind == "partner"} == partner_sites
    assert all(b.name_en for b in db.session.scalars(select(Branch)))

    venues = {v.name: v for v in db.session.scalars(select(Venue))}
    central = ("二楼共享工程室（报告厅）", "二楼综合活动展厅", "少儿阅览室", "培训室", "盲人阅览室", "多媒体电子阅览室")
    for name in central:
        assert venues[name].branch.kind == "central"
        assert venues[name].capacity
    assert venues["二楼综合活动展厅"].kind == "exhibition"
    assert venues["星海讲坛活动室"].branch.name == venues["三点半课堂教室"].branch.name == "星海明筑分馆"
    assert venues["网络答题平台"].kind == "online" and venues["网络答题平台"].branch is None
    for site in partner_sites:
        assert any(v.branch and v.branch.name == site and v.kind == "external" for v in venues.values()), site
    assert {s.name for s in db.session.scalars(select(Series))} == {"星海讲坛", "三点半课堂"}


def check_2018_totals(summary):
    assert count(Event, *in_2018()) == 47
    reader = count(Event, *in_2018(Event.audience != "staff"))
    assert 40 <= reader <= 49  # 共组织举办各类读者活动和阅读推广活动40余次
    assert reader == summary.reader_activities
    people = attendance(*in_2018(Event.audience != "staff"))
    assert 70_000 <= people <= 79_999  # 参与读者7万余人
    assert people == summary.attendance
    assert count(Event, *in_2018(Event.audience == "staff")) == 5
    assert {e.status for e in events(*in_2018())} == {"completed"}
    assert all(e.title_en and e.description and e.description_en for e in events(*in_2018()))


def check_2018_named_activities():
    # 少儿故事大王: 初赛 800余名选手, 1000余人次, at two schools; 决赛 57位选手, 300余人次.
    prelims = events(*in_2018(Event.title.like("%少儿故事大王%初赛%")))
    assert {e.venue.branch.name for e in prelims} == {"南门小学", "南门中学"}
    assert all(date(2018, 11, 3) <= local(e.starts_at).date() <= date(2018, 11, 10) for e in prelims)
    prelim_ids = [e.id for e in prelims]
    contestants = count(Registration, Registration.event_id.in_(prelim_ids))
    assert contestants >= 800
    assert count(CheckIn, CheckIn.event_id.in_(prelim_ids)) == contestants
    assert 1_000 <= attendance(Event.id.in_(prelim_ids)) < 1_100

    final = the_event(*in_2018(Event.title.like("%少儿故事大王%决赛%")))
    assert final.venue.branch.name == "台北城营销中心" and local(final.starts_at).date() == date(2018, 11, 12)
    assert count(Registration, Registration.event_id == final.id) == 57
    sizes = set(db.session.scalars(select(Registration.party_size).where(Registration.event_id == final.id)))
    assert sizes <= {1, 2, 3} and len(sizes) > 1
    assert count(CheckIn, CheckIn.event_id == final.id) == 57
    assert 300 <= attendance(Event.id == final.id) < 400

    links = db.session.scalars(select(EventPartner).where(EventPartner.event_id.in_([*prelim_ids, final.id])))
    roles = {(link.partner.name, link.role) for link in links}
    assert ("台北城", "naming_sponsor") in roles
    assert {("南门小学", "host"), ("南门中学", "host")} <= roles

    # 南门中学202班: 70余名师生, one group ticket.
    visit = the_event(*in_2018(Event.title.like("%202班%")))
    (group,) = db.session.scalars(select(Registration).where(Registration.event_id == visit.id))
    assert group.party_size == 72 and len(group.checkins) == 1
    assert local(visit.starts_at).date() == date(2018, 6, 1)

    # 三湘少年儿童阅读之星: an online quiz in August, then 7 pupils in the lecture hall on 21 October.
    quiz = the_event(*in_2018(Event.title.like("%阅读之星%初试%")))
    assert quiz.venue.kind == "online" and local(quiz.starts_at).month == 8
    second = the_event(*in_2018(Event.title.like("%阅读之星%复试%")))
    assert local(second.starts_at).date() == date(2018, 10, 21) and second.venue.name == "二楼共享工程室（报告厅）"
    assert count(Registration, Registration.event_id == second.id) == 7
    assert count(CheckIn, CheckIn.event_id == second.id) == 7

    # 青少年书法作品展: 1 September to 30 November, a headcount every day.
    calligraphy = the_event(*in_2018(Event.title == "青少年书法作品展"))
    assert calligraphy.type == "exhibition" and calligraphy.registration == "none"
    assert (calligraphy.daily_opens_at, calligraphy.daily_closes_at) == (time(9), time(17))
    assert wall_clock(calligraphy.starts_at)[0] == date(2018, 9, 1)
    assert wall_clock(calligraphy.ends_at)[0] == date(2018, 11, 30)
    days = db.session.execute(select(WalkIn.day, WalkIn.source).where(WalkIn.event_id == calligraphy.id)).all()
    assert len(days) == 91 and {source for _, source in days} == {"headcount"}
    assert "40余件" in calligraphy.description and "一万多名" in calligraphy.description
    exhibitions = events(*in_2018(Event.type == "exhibition"))
    assert len(exhibitions) == 4
    assert attendance(Event.id.in_([e.id for e in exhibitions])) >= 60_000  # the exhibitions carry the year

    dated = {
        "《公共图书馆法》解读专题讲座%": (date(2018, 1, 15), "staff"),
        "%枫林镇敬老院%": (date(2018, 1, 20), "seniors"),
        "%迎新春·送春联%": (date(2018, 2, 11), "all"),
        "%弘扬雷锋精神%": (date(2018, 3, 4), "all"),
        "消防安全知识培训": (date(2018, 4, 24), "staff"),
        "株洲地区公共图书馆总分馆建设业务培训班": (date(2018, 5, 28), "staff"),
        "新声代小记者%": (date(2018, 7, 22), "children"),
        "%星海明筑分馆开馆仪式": (date(2018, 8, 6), "all"),
        "%暑期少儿阅读实践活动": (date(2018, 8, 29), "children"),
        "农家书屋管理员培训会": (date(2018, 11, 13), "staff"),
        "安全生产工作会议暨安全培训": (date(2018, 11, 20), "staff"),
        "古旧书籍展": (date(2018, 12, 3), "all"),
    }
    for pattern, (day, audience) in dated.items():
        event = the_event(*in_2018(Event.title.like(pattern)))
        assert (local(event.starts_at).date(), event.audience) == (day, audience), pattern
    couplets = the_event(*in_2018(Event.title.like("%送春联%")))
    assert [wall_clock(couplets.starts_at)[1], wall_clock(couplets.ends_at)[1]] == [time(10), time(17)]
    assert "150余幅" in couplets.description
    assert "200余册" in the_event(*in_2018(Event.title.like("%枫林镇敬老院%"))).description
    keepers = the_event(*in_2018(Event.title == "农家书屋管理员培训会"))
    assert wall_clock(keepers.ends_at)[0] == date(2018, 11, 16)
    assert count(WalkIn, WalkIn.event_id == keepers.id) == 4
    opening = the_event(*in_2018(Event.title.like("%开馆仪式")))
    assert wall_clock(opening.starts_at)[1] == time(15)


def check_2018_series():
    forum = db.session.scalar(select(Series).where(Series.name == "星海讲坛"))
    sessions = events(*in_2018(Event.series_id == forum.id))
    assert [e.session_number for e in sessions] == list(range(1, 15))  # 已经进行了十四期
    assert local(sessions[0].starts_at).date() == date(2018, 8, 11)
    assert local(sessions[-1].starts_at).date() == date(2018, 12, 22)
    for e in sessions:
        assert e.type == "lecture" and e.speaker and e.venue.name == "星海讲坛活动室"
        assert local(e.starts_at).weekday() == 5 and local(e.starts_at).hour < 12
        assert 60 <= e.capacity <= 80
        assert 0 < people_registered(e) <= e.capacity
        assert count(CheckIn, CheckIn.event_id == e.id) > 0 and count(WalkIn, WalkIn.event_id == e.id) > 0

    lesson = db.session.scalar(select(Series).where(Series.name == "三点半课堂"))
    classes = events(*in_2018(Event.series_id == lesson.id))
    assert [e.session_number for e in classes] == list(range(1, 11))
    for e in classes:
        day, start = wall_clock(e.starts_at)
        assert date(2018, 12, 3) <= day <= date(2018, 12, 14) and day.weekday() < 5
        assert (start, wall_clock(e.ends_at)[1], e.type) == (time(15, 30), time(17), "class")


def check_2018_volunteers(summary):
    statuses = dict(
        db.session.execute(select(VolunteerProfile.status, func.count()).group_by(VolunteerProfile.status)).all()
    )
    assert statuses == {"active": 12, "applicant": 2}
    start, end = year_bounds(2018)
    done = db.session.scalars(
        select(ShiftSignup).join(Shift).where(Shift.starts_at >= start, Shift.starts_at < end)
    ).all()
    assert done and {s.status for s in done} == {"completed"}
    for signup in done:
        length = Decimal((signup.shift.ends_at - signup.shift.starts_at).total_seconds()) / 3600
        assert signup.hours == length.quantize(Decimal("0.01"))
        assert signup.checked_in_at <= signup.shift.starts_at <= signup.shift.ends_at <= signup.checked_out_at
    assert sum(s.hours for s in done) == summary.volunteer_hours
    shift_events = {s.shift.event_id for s in done}
    for pattern in ("%枫林镇敬老院%", "%送春联%", "%弘扬雷锋精神%", "%少儿故事大王%", "青少年书法作品展"):
        assert any(e.id in shift_events for e in events(*in_2018(Event.title.like(pattern)))), pattern
    couplet_shifts = [s.shift for s in done if s.shift.role == "书写春联"]
    assert couplet_shifts and all(
        (wall_clock(s.starts_at)[1], wall_clock(s.ends_at)[1]) == (time(10), time(17)) for s in couplet_shifts
    )
    # The demo volunteer has a 2018 history to print a certificate from.
    demo = db.session.scalar(
        select(VolunteerProfile).join(VolunteerProfile.user).where(text("users.email = 'volunteer@example.org'"))
    )
    assert any(s.volunteer_id == demo.id for s in done)


def check_times_are_consistent():
    """Check-ins fall in their event's check-in window on the day they record; nobody works two shifts at once."""
    rows = db.session.execute(
        select(CheckIn.day, CheckIn.checked_in_at, Event.starts_at, Event.ends_at, Event.checkin_opens_minutes)
        .join(Event, Event.id == CheckIn.event_id)
    ).all()
    assert rows
    for day, at, starts, ends, opens in rows:
        assert at.tzinfo is not None and local(at).date() == day
        assert starts - timedelta(minutes=opens) <= at < ends
    overlaps = db.session.execute(text("""
        SELECT count(*) FROM shift_signups a
        JOIN shift_signups b ON a.volunteer_id = b.volunteer_id AND a.id < b.id
        JOIN shifts sa ON sa.id = a.shift_id JOIN shifts sb ON sb.id = b.shift_id
        WHERE sa.starts_at < sb.ends_at AND sb.starts_at < sa.ends_at
          AND a.status IN ('confirmed', 'completed') AND b.status IN ('confirmed', 'completed')
    """)).scalar()
    assert overlaps == 0
    names = set(db.session.scalars(select(Registration.name))) | set(
        db.session.scalars(text("SELECT name FROM users"))
    )
    assert not names & data.REAL_NAMES


def check_upcoming_programme(today: date):
    after = localize(datetime.combine(today + timedelta(days=1), time()))
    upcoming = events(Event.starts_at >= after)

    # 星海讲坛 15-18, on the four Saturdays after today, 09:30-11:00.
    first_saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    forum = [e for e in upcoming if e.series and e.series.name == "星海讲坛"]
    assert [e.session_number for e in forum] == [15, 16, 17, 18]
    for i, e in enumerate(forum):
        assert e.status == "published" and e.registration == "open" and e.capacity
        assert wall_clock(e.starts_at) == (first_saturday + timedelta(weeks=i), time(9, 30))
        assert wall_clock(e.ends_at)[1] == time(11)
    assert 0 < people_registered(forum[0]) < forum[0].capacity
    nearly_full = [e for e in upcoming if e.capacity and 0 < e.capacity - people_registered(e) <= 2]
    assert nearly_full and nearly_full[0].type == "lecture"

    # This year's 少儿故事大王: the preliminary at two schools judged and published, the final ahead.
    from outreach.competitions import services as contests
    from outreach.competitions.models import Competition

    competition = db.session.scalar(select(Competition))
    assert str(local(competition.rounds[-1].sittings[0].starts_at).year) in competition.title
    prelim, final = competition.rounds
    assert {s.venue.name for s in prelim.sittings} == {"南门小学礼堂", "南门中学报告厅"}
    assert all(-14 <= (local(s.starts_at).date() - today).days <= -7 for s in prelim.sittings)
    assert prelim.results_published_at is not None and prelim.advanced_at is not None
    finalists = contests.contestants(final)
    assert len(finalists) >= 8 and all(r.source == "advanced" for r in finalists)
    (final_sitting,) = final.sittings
    assert 12 <= (local(final_sitting.starts_at).date() - today).days <= 18
    assert final_sitting.venue.branch.name == "台北城营销中心" and final_sitting.status == "published"
    for e in [*prelim.sittings, final_sitting]:
        links = db.session.scalars(select(EventPartner).where(EventPartner.event_id == e.id)).all()
        assert ("台北城", "naming_sponsor") in {(link.partner.name, link.role) for link in links}
    final_shifts = db.session.scalars(select(Shift).where(Shift.event_id == final_sitting.id)).all()
    assert {s.role for s in final_shifts} == {"签到引导", "场地引导", "计分协助", "应急疏散引导"}
    assert all(2 <= s.slots <= 6 for s in final_shifts)

    # 三点半课堂 on every weekday of the next four weeks, numbers continuing from 2018.
    classes = [e for e in upcoming if e.series and e.series.name == "三点半课堂"]
    assert [e.session_number for e in classes] == list(range(11, 31))
    assert len({e.recurrence_id for e in classes}) == 1 and classes[0].recurrence.weekdays == "12345"
    assert len({e.recurrence_id for e in classes}) == 1 and classes[0].recurrence.weekdays == "12345"
    for e in classes:
        day, start = wall_clock(e.starts_at)
        assert today < day <= today + timedelta(days=28) and day.weekday() < 5
        assert (start, wall_clock(e.ends_at)[1]) == (time(15, 30), time(17))

    # The running exhibition, with a headcount for each day already past.
    exhibition = the_event(
        Event.type == "exhibition", Event.status == "published",
        Event.starts_at < after, Event.ends_at > localize(datetime.combine(today, time())),
    )
    assert wall_clock(exhibition.starts_at)[0] == today - timedelta(days=7)
    assert wall_clock(exhibition.ends_at)[0] == today + timedelta(days=35)
    assert exhibition.registration == "none" and exhibition.daily_opens_at == time(9)
    counted = sorted(db.session.scalars(select(WalkIn.day).where(WalkIn.event_id == exhibition.id)))
    assert counted == [today - timedelta(days=n) for n in range(7, 0, -1)]
    assert count(Shift, Shift.event_id == exhibition.id) >= 3

    # A volunteer service activity away from the library, and a draft.
    service = [e for e in upcoming if e.type == "activity" and e.venue.kind == "external"]
    assert service and all(e.status == "published" and e.capacity for e in service)
    assert any(8 <= (local(e.starts_at).date() - today).days <= 12 for e in service)
    drafts = [e for e in upcoming if e.status == "draft"]
    assert len(drafts) == 1 and drafts[0].type == "exhibition"
    assert {e.status for e in upcoming} == {"published", "draft"}
    assert all(e.registration == "open" and e.capacity for e in upcoming if e.type != "exhibition")

    # Shifts ahead: the demo volunteer and others have confirmed places.
    confirmed = db.session.execute(
        select(ShiftSignup.volunteer_id, Shift.event_id)
        .join(Shift)
        .where(ShiftSignup.status == "confirmed", Shift.starts_at >= after)
    ).all()
    demo = db.session.scalar(
        select(VolunteerProfile.id).join(VolunteerProfile.user).where(text("users.email = 'volunteer@example.org'"))
    )
    mine = {event_id for volunteer_id, event_id in confirmed if volunteer_id == demo}
    assert final_sitting.id in mine and forum[0].id in mine and exhibition.id in mine
    assert len({volunteer_id for volunteer_id, _ in confirmed}) >= 4


# --- the command, twice ---------------------------------------------------------------------


def test_loading_twice_changes_nothing(app, runner):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo" in first.output
    for email, password, _role in loader.DEMO_LOGINS:
        assert email in first.output and password in first.output
    before = row_counts()
    assert before["events"] > 0 and before["registrations"] > 0

    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing changed" in second.output
    assert row_counts() == before

    third = runner.invoke(args=["demo", "load", "--if-empty"])
    assert "nothing changed" in third.output
    assert row_counts() == before


def test_if_empty_leaves_a_database_with_its_own_data_alone(app, runner):
    create_user("librarian@example.org", role="staff", password="a long enough password")
    db.session.commit()
    assert not loader.database_is_empty()
    before = row_counts()
    result = runner.invoke(args=["demo", "load", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "holds data of its own" in result.output
    assert row_counts() == before
    assert not loader.is_loaded()


def test_an_empty_database_is_empty(app):
    assert loader.database_is_empty()
    assert not loader.is_loaded()


# --- another today; the same 2018 ---------------------------------------------------------


def test_another_today_moves_the_programme_but_not_2018(app):
    loader.load(TODAY)
    db.session.commit()
    first = history_fingerprint()
    wipe()

    today = date(2031, 3, 7)  # a Friday
    summary = loader.load(today)
    db.session.commit()
    assert summary.loaded
    assert history_fingerprint() == first

    start_of_tomorrow = localize(datetime.combine(today + timedelta(days=1), time()))
    start_of_2019 = year_bounds(2019)[0]
    upcoming = events(Event.starts_at >= start_of_2019)
    assert upcoming and len(upcoming) == summary.upcoming
    running = [e for e in upcoming if e.starts_at < start_of_tomorrow]
    # The running exhibition, and the storytelling preliminary already held.
    assert sorted(e.type for e in running) == ["competition", "competition", "exhibition"]
    assert all(e.status == "completed" for e in running if e.type == "competition")
    assert all(e.ends_at > start_of_tomorrow for e in running if e.type == "exhibition")
    assert all(e.starts_at >= start_of_tomorrow for e in upcoming if e not in running)
    first_forum = the_event(Event.series.has(Series.name == "星海讲坛"), Event.session_number == 15)
    assert wall_clock(first_forum.starts_at) == (date(2031, 3, 8), time(9, 30))
    assert "2031" in the_event(Event.starts_at >= start_of_2019, Event.title.like("%少儿故事大王%决赛%")).title
    check_upcoming_programme(today)

    for email, password, role in loader.DEMO_LOGINS:
        user = authenticate(email, password)
        assert user is not None and user.role == role, email
        assert authenticate(email, password + "x") is None
    volunteer = authenticate("volunteer@example.org", "demo-volunteer-2026")
    assert volunteer.volunteer_profile.status == "active"
    assert volunteer.name not in data.REAL_NAMES
    staff = authenticate("staff@example.org", "demo-staff-2026")
    assert staff.name == "李晓梅"
    assert {p.name for p in db.session.scalars(select(Partner))} >= {"台北城", "南门小学", "南门中学"}


def test_the_demo_recruits_and_trains_volunteers(app):
    from outreach.volunteers import services as volunteers
    from outreach.volunteers.models import RecruitmentCall, Training, TrainingAttendance

    loader.load(TODAY)
    db.session.commit()
    now = localize(datetime.combine(TODAY, time(12)))
    calls = volunteers.open_calls(now)
    assert [c.title for c in calls] == ["2026年冬季文化志愿者招募"]
    assert calls[0].deadline == TODAY + timedelta(days=30)
    assert count(RecruitmentCall) == 2
    assert count(Training) == 3
    active = count(VolunteerProfile, VolunteerProfile.status == "active")
    assert count(TrainingAttendance, Training.topic == "岗前培训", join=(Training, Training.id == TrainingAttendance.training_id)) == active
    # The evacuation shift of the final needs the fire-safety training the demo volunteer lacks.
    shift = db.session.scalar(select(Shift).where(Shift.role == "应急疏散引导"))
    demo = db.session.scalar(
        select(VolunteerProfile).join(VolunteerProfile.user).where(loader.User.email == "volunteer@example.org")
    )
    state = volunteers.shift_state(shift, demo, now)
    assert (state.code, state.detail) == ("needs_training", {"topic": "消防安全"})
    # Their hours are 2018's: that is the year their certificate is offered for.
    assert volunteers.certificate_years(demo) == [2018]

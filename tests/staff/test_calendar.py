"""The staff week calendar (venues by days, double bookings spelled out) and this week's overview."""

from __future__ import annotations

from datetime import datetime, time

import html5lib
import pytest

from outreach import clock
from outreach.events.services import change_status
from outreach.extensions import db
from outreach.registration.services import register
from outreach.timezone import localize
from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile
from tests.helpers import assert_valid_html, axe_violations, new_phone, sign_in

#: Wednesday 18 November 2026, 10:00 in the library: the week runs from Monday 16 to Sunday 22.
NOW = datetime(2026, 11, 18, 10, 0)
REASON = "借用隔壁音响，已与馆长协调"


def at(month: int, day: int, hour: int = 14, minute: int = 0, year: int = 2026) -> datetime:
    return localize(datetime(year, month, day, hour, minute))


@pytest.fixture
def week(app, monkeypatch, make_event, make_venue, make_branch, make_user):
    """A week at two branches: a lecture whose tear-down overlaps the next booking of its
    hall (kept with a reason), a draft, an exhibition spanning the week, a cancelled event,
    one next week; registrations with a waiting list and volunteer shifts."""
    monkeypatch.setattr(clock, "now", lambda: localize(NOW))
    central = make_branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central")
    xinghai = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    hall = make_venue(branch=central, name="报告厅", name_en="Lecture hall")
    gallery = make_venue(branch=central, name="展厅", name_en="Gallery", kind="exhibition")
    room = make_venue(branch=xinghai, name="讲坛活动室", name_en="Forum room")
    online = make_venue(branch=None, name="线上直播", name_en="Online stream", kind="online")
    events = {
        "a": make_event(title="讲座甲", title_en="Lecture A", venue=hall, capacity=5, starts_at=at(11, 17, 14),
                        ends_at=at(11, 17, 16), setup_minutes=30, teardown_minutes=30),
        "b": make_event(title="讲座乙", title_en="Lecture B", venue=hall, starts_at=at(11, 17, 16, 15),
                        ends_at=at(11, 17, 17), booking_override_reason=REASON),
        "draft": make_event(title="草稿活动", title_en="Draft Activity", type="activity", venue=room, status="draft",
                            starts_at=at(11, 19, 10), ends_at=at(11, 19, 11, 30)),
        "art": make_event(type="exhibition", title="少儿美术展", title_en="Children's Art Show", venue=gallery,
                          registration="none", starts_at=at(11, 14, 9), ends_at=at(11, 25, 17),
                          daily_opens_at=time(9), daily_closes_at=time(17)),
        "cancelled": make_event(title="消防安全培训", title_en="Fire Safety Training", venue=hall,
                                starts_at=at(11, 18, 9), ends_at=at(11, 18, 11)),
        "next": make_event(title="下周讲座", title_en="Next Week's Lecture", venue=hall, starts_at=at(11, 24)),
        "stream": make_event(title="线上讲座", title_en="Online Talk", venue=online, capacity=None,
                             starts_at=at(11, 21, 19), ends_at=at(11, 21, 20)),
    }
    change_status(events["cancelled"], "cancelled")
    for name, size in (("王", 2), ("李", 3), ("张", 4)):  # the last party does not fit: 4 wait
        register(events["a"], name=name, phone=new_phone(), party_size=size, now=at(11, 10))
    register(events["stream"], name="赵", phone="13812345678", party_size=6, now=at(11, 10))
    shift = Shift(event_id=events["a"].id, role="引导", starts_at=at(11, 17, 13), ends_at=at(11, 17, 17), slots=3)
    desk = Shift(role="服务台", starts_at=at(11, 18, 9), ends_at=at(11, 18, 12), slots=2)
    db.session.add_all([shift, desk])
    for status in ("confirmed", "completed", "waitlisted"):
        user = make_user("volunteer")
        profile = user.volunteer_profile or VolunteerProfile(user_id=user.id)
        profile.status = "active"
        db.session.add(profile)
        db.session.flush()
        db.session.add(ShiftSignup(shift=shift, volunteer_id=profile.id, status=status))
    db.session.commit()
    return {"central": central, "xinghai": xinghai, **events}


@pytest.fixture
def staff(week, make_user, login):
    login(make_user("staff", name="李晓梅"))


def parse(response):
    assert_valid_html(response)
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(response.get_data(as_text=True))


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def week_grid(document) -> dict[tuple[str, str], list[str]]:
    """The grid as {(branch, venue): [cell texts, Monday to Sunday]}."""
    table = next(t for t in document.iter("table") if t.get("class") == "week-grid")
    rows = {}
    for body in table.findall("tbody"):
        header, *venues = body.findall("tr")
        assert header.find("th").get("scope") == "rowgroup"
        for row in venues:
            assert row.find("th").get("scope") == "row"
            rows[(text(header), text(row.find("th")))] = [text(td) for td in row.findall("td")]
    return rows


def cell_titles(document) -> dict[str, list[list[str]]]:
    table = next(t for t in document.iter("table") if t.get("class") == "week-grid")
    return {
        text(row.find("th")): [[text(a) for a in td.iter("a")] for td in row.findall("td")]
        for body in table.findall("tbody") for row in body.findall("tr")[1:]
    }


def test_week_grid_shows_each_venues_events_by_day(client, staff, week):
    response = client.get("/staff/calendar/week?start=2026-11-18&lang=en")
    assert response.status_code == 200
    document = parse(response)
    table = next(t for t in document.iter("table") if t.get("class") == "week-grid")
    assert [text(th) for th in table.find("thead").iter("th")] == [
        "Venue", "Mon, Nov 16", "Tue, Nov 17", "Wed, Nov 18 Today", "Thu, Nov 19", "Fri, Nov 20", "Sat, Nov 21",
        "Sun, Nov 22",
    ]
    assert list(week_grid(document)) == [
        ("Liling Library (central)", "Gallery"), ("Liling Library (central)", "Lecture hall"),
        ("Xinghai Mingzhu Branch", "Forum room"), ("Other places", "Online stream (online, no limit)"),
    ]
    art = ["Children's Art Show"]
    assert cell_titles(document) == {
        "Gallery": [art] * 7,
        "Lecture hall": [[], ["Lecture A", "Lecture B"], [], [], [], [], []],  # not the cancelled one
        "Forum room": [[], [], [], ["Draft Activity"], [], [], []],
        "Online stream (online, no limit)": [[], [], [], [], [], ["Online Talk"], []],
    }
    cells = week_grid(document)
    tuesday = cells[("Liling Library (central)", "Lecture hall")][1]
    assert "Lecture A 2:00 PM–4:00 PM Room taken 1:30 PM–4:30 PM (set-up 30 min, tear-down 30 min)" in tuesday
    assert "Double-booked with “Lecture B”" in tuesday and "Double-booked with “Lecture A”" in tuesday
    assert f"Reason: {REASON}" in tuesday
    assert cells[("Xinghai Mingzhu Branch", "Forum room")][3] == "Draft Activity Draft 10:00 AM–11:30 AM"
    assert cells[("Liling Library (central)", "Gallery")][0] == (
        "Children's Art Show continues (open daily 9:00 AM–5:00 PM)"
    )
    links = {text(a): a.get("href") for a in table.iter("a")}
    assert links["Lecture A"] == f"/staff/events/{week['a'].id}"
    html = response.get_data(as_text=True)
    assert "Fire Safety Training" not in html and "Next Week&#39;s Lecture" not in html


def test_week_lists_the_double_booking_in_words(client, staff, week):
    document = parse(client.get("/staff/calendar/week?start=2026-11-16&lang=en"))
    section = next(s for s in document.iter("section") if s.get("aria-labelledby") == "clashes-heading")
    items = [text(li) for li in section.iter("li")]
    assert items == [
        "Double-booked: “Lecture A” and “Lecture B” both hold Lecture hall on Tuesday, November 17, 2026. "
        f"Booked anyway (“Lecture B”): {REASON}"
    ]
    quiet = parse(client.get("/staff/calendar/week?start=2026-11-23&lang=en"))
    section = next(s for s in quiet.iter("section") if s.get("aria-labelledby") == "clashes-heading")
    assert text(section) == "Double bookings No room is double-booked this week."


def test_a_tear_down_reaching_into_the_week_is_a_clash_of_the_week(client, staff, week, make_event):
    hall = week["a"].venue
    make_event(title="周日夜读", title_en="Sunday Night Reading", venue=hall, starts_at=at(11, 15, 22),
               ends_at=at(11, 15, 23, 30), teardown_minutes=60)
    make_event(title="午夜观星", title_en="Midnight Stargazing", venue=hall, starts_at=at(11, 16, 0, 15),
               ends_at=at(11, 16, 1), booking_override_reason=REASON)
    db.session.commit()
    document = parse(client.get("/staff/calendar/week?start=2026-11-16&lang=en"))
    section = next(s for s in document.iter("section") if s.get("aria-labelledby") == "clashes-heading")
    assert [text(li) for li in section.iter("li")][0] == (
        "Double-booked: “Sunday Night Reading” and “Midnight Stargazing” both hold Lecture hall on "
        f"Monday, November 16, 2026. Booked anyway (“Midnight Stargazing”): {REASON}"
    )


def test_week_navigation_and_the_next_week(client, staff, week):
    document = parse(client.get(f"/staff/calendar/week?start=2026-11-25&branch={week['central'].id}&lang=en"))
    nav = next(n for n in document.iter("nav") if n.get("class") == "week-nav")
    central = week["central"].id
    assert {a.get("rel") or "this": a.get("href") for a in nav.iter("a")} == {
        "prev": f"/staff/calendar/week?start=2026-11-16&branch={central}&lang=en",
        "this": f"/staff/calendar/week?start=2026-11-18&branch={central}&lang=en",
        "next": f"/staff/calendar/week?start=2026-11-30&branch={central}&lang=en",
    }
    titles = cell_titles(document)
    assert titles["Lecture hall"] == [[], ["Next Week's Lecture"], [], [], [], [], []]
    assert titles["Gallery"] == [["Children's Art Show"]] * 3 + [[]] * 4
    gallery = week_grid(document)[("Liling Library (central)", "Gallery")]
    assert gallery[2] == "Children's Art Show until 5:00 PM (open daily 9:00 AM–5:00 PM)"
    earlier = week_grid(parse(client.get("/staff/calendar/week?start=2026-11-09&lang=en")))
    assert earlier[("Liling Library (central)", "Gallery")][5] == (
        "Children's Art Show from 9:00 AM (open daily 9:00 AM–5:00 PM)"
    )
    # Across the new year: the week of Wednesday 30 December runs to Sunday 3 January.
    document = parse(client.get("/staff/calendar/week?start=2026-12-30&lang=en"))
    assert text(document.find(".//h1")) == "Week calendar: December 28, 2026 – January 3, 2027"
    nav = next(n for n in document.iter("nav") if n.get("class") == "week-nav")
    assert next(a for a in nav.iter("a") if a.get("rel") == "next").get("href") == (
        "/staff/calendar/week?start=2027-01-04&lang=en"
    )


def test_week_filters_by_branch(client, staff, week):
    document = parse(client.get(f"/staff/calendar/week?start=2026-11-16&branch={week['xinghai'].id}&lang=en"))
    assert list(week_grid(document)) == [("Xinghai Mingzhu Branch", "Forum room")]
    document = parse(client.get("/staff/calendar/week?start=2026-11-16&branch=nonsense&lang=en"))
    assert len(week_grid(document)) == 4


@pytest.mark.parametrize("value", ["2026-02-30", "nonsense", "0001-01-01", "2026-11"])
def test_a_bad_start_shows_this_week_with_a_note(client, staff, week, value):
    response = client.get("/staff/calendar/week", query_string={"start": value, "lang": "en"})
    assert response.status_code == 400
    document = parse(response)
    alert = next(p for p in document.iter("p") if p.get("role") == "alert")
    assert text(alert) == f"“{value}” is not a date written as YYYY-MM-DD. Here is this week."
    assert text(document.find(".//h1")) == "Week calendar: November 16, 2026 – November 22, 2026"


def test_week_in_chinese(client, staff, week):
    document = parse(client.get("/staff/calendar/week?start=2026-11-16&lang=zh_Hans"))
    table = next(t for t in document.iter("table") if t.get("class") == "week-grid")
    assert [text(th) for th in table.find("thead").iter("th")][1:3] == ["11月16日周一", "11月17日周二"]
    titles = cell_titles(document)
    assert titles["报告厅"][1] == ["讲座甲", "讲座乙"]
    assert "草稿" in week_grid(document)[("星海明筑分馆", "讲坛活动室")][3]


def test_this_week_overview(client, staff, week):
    response = client.get("/staff/calendar/?lang=en")
    assert response.status_code == 200
    document = parse(response)
    days = {
        text(section.find("h2")): section
        for section in document.iter("section") if section.get("class") == "day-block"
    }
    assert list(days) == [
        "Monday, November 16, 2026", "Tuesday, November 17, 2026", "Wednesday, November 18, 2026 · Today",
        "Thursday, November 19, 2026", "Friday, November 20, 2026", "Saturday, November 21, 2026",
        "Sunday, November 22, 2026",
    ]

    def rows(title):
        table = days[title].find(".//table")
        return [[text(cell) for cell in row] for row in table.find("tbody").findall("tr")]

    assert rows("Tuesday, November 17, 2026") == [
        ["continues (open daily 9:00 AM–5:00 PM)", "Children's Art Show", "Gallery", "No registration", "",
         "None needed", ""],
        ["2:00 PM–4:00 PM", "Lecture A", "Lecture hall", "5 / 5", "4", "2 / 3", "Double-booked with “Lecture B”"],
        ["4:15 PM–5:00 PM", "Lecture B", "Lecture hall", "0 / 100", "0", "None needed",
         "Double-booked with “Lecture A”"],
    ]
    assert rows("Thursday, November 19, 2026")[1][1:] == [
        "Draft Activity", "Forum room", "0 / 100", "0", "None needed", "Draft: publish it"
    ]
    assert rows("Saturday, November 21, 2026")[1][3] == "6 (no limit)"
    assert "Volunteer shifts: 2 of 3 places filled." in text(days["Tuesday, November 17, 2026"])
    assert "Volunteer shifts: 0 of 2 places filled." in text(days["Wednesday, November 18, 2026 · Today"])
    assert "Volunteer shifts" not in text(days["Monday, November 16, 2026"])
    drafts = next(s for s in document.iter("section") if s.get("aria-labelledby") == "drafts-heading")
    assert [text(li) for li in drafts.iter("li")] == ["Draft Activity · 11/19/26, 10:00 AM"]
    links = {a.get("href") for a in document.iter("a")}
    assert {f"/staff/events/{week[k].id}" for k in ("a", "b", "draft", "art", "stream")} <= links
    assert "Fire Safety Training" not in response.get_data(as_text=True)


def test_staff_calendar_is_for_staff(client, week, make_user, login):
    for path in ("/staff/calendar/", "/staff/calendar/week"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("volunteer"))
    for path in ("/staff/calendar/", "/staff/calendar/week?start=2026-11-16"):
        assert client.get(path).status_code == 403


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_staff_calendar_meets_wcag_aa(live_server, page, week, make_user, lang):

    user = make_user("staff")
    sign_in(page, live_server, user, lang)
    for path in ("/staff/calendar/week?start=2026-11-16", "/staff/calendar/", "/staff/calendar/week?start=x"):
        page.goto(f"{live_server}{path}")
        assert axe_violations(page) == [], path

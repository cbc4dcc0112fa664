"""The public month calendar, the series page and the series and branch feeds."""

from __future__ import annotations

from datetime import datetime

import html5lib
import pytest
from icalendar import Calendar

from outreach import clock
from outreach.places.models import Series
from outreach.events.services import change_status
from outreach.extensions import db
from outreach.timezone import localize
from tests.helpers import assert_valid_html, axe_violations

#: Wednesday 18 November 2026, 10:00 in the library.
NOW = datetime(2026, 11, 18, 10, 0)


def at(month: int, day: int, hour: int = 14, minute: int = 0, year: int = 2026) -> datetime:
    return localize(datetime(year, month, day, hour, minute))


@pytest.fixture
def frozen(app, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: localize(NOW))


@pytest.fixture
def november(frozen, make_event, make_venue, make_branch):
    """A month of the programme at two branches, with one event of each kind the grid must
    place: a lecture, an exhibition running into December, a December lecture, a draft and a
    cancelled event, and events for children and adults."""
    central = make_branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central")
    xinghai = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    hall = make_venue(branch=central, name="报告厅", name_en="Lecture hall")
    gallery = make_venue(branch=central, name="展厅", name_en="Gallery", kind="exhibition")
    room = make_venue(branch=xinghai, name="讲坛活动室", name_en="Forum room")
    forum = Series(name="星海讲坛", name_en="Xinghai Forum", description="每月一期的公益讲座。",
                   description_en="A free lecture every month.", branch_id=xinghai.id)
    db.session.add(forum)
    db.session.commit()
    events = {
        "forum15": make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", venue=room, series=forum,
                              session_number=15, speaker="王教授", starts_at=at(11, 5, 19, 30), ends_at=at(11, 5, 21)),
        "art": make_event(type="exhibition", title="少儿美术展", title_en="Children's Art Show", venue=gallery,
                          audience="children", registration="none", starts_at=at(11, 27, 9), ends_at=at(12, 3, 17),
                          daily_opens_at=at(1, 1, 9).time(), daily_closes_at=at(1, 1, 17).time()),
        "december": make_event(title="十二月讲座", title_en="December Lecture", venue=hall, starts_at=at(12, 2)),
        "draft": make_event(title="草稿讲座", title_en="Draft Lecture", venue=hall, status="draft", starts_at=at(11, 10)),
        "cancelled": make_event(title="消防安全培训", title_en="Fire Safety Training", type="training", venue=hall,
                                audience="adults", starts_at=at(11, 12)),
        "club": make_event(title="成人读书会", title_en="Adult Reading Club", type="activity", venue=hall,
                           audience="adults", starts_at=at(11, 20, 19), ends_at=at(11, 20, 21)),
        "forum14": make_event(title="星海讲坛 第14期", title_en="Xinghai Forum No. 14", venue=room, series=forum,
                              session_number=14, speaker="李老师", starts_at=at(10, 8, 19, 30), ends_at=at(10, 8, 21)),
        "forum16": make_event(title="星海讲坛 第16期", venue=room, series=forum, session_number=16, status="draft",
                              starts_at=at(12, 3, 19, 30), ends_at=at(12, 3, 21)),
        "old": make_event(title="星海讲坛 第1期", title_en="Xinghai Forum No. 1", venue=room, series=forum,
                          session_number=1, starts_at=at(1, 8, 19, 30), ends_at=at(1, 8, 21)),
    }
    change_status(events["cancelled"], "cancelled")
    db.session.commit()
    return {"central": central, "xinghai": xinghai, "forum": forum, **events}


def parse(response):
    assert_valid_html(response)
    return html5lib.HTMLParser(namespaceHTMLElements=False).parse(response.get_data(as_text=True))


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def grid(document) -> dict[str, list[str]]:
    """The month grid as {ISO date: [event link texts]}, for the days of the month only."""
    table = next(t for t in document.iter("table") if "month-grid" in t.get("class", ""))
    days = {}
    for cell in table.iter("td"):
        stamp = cell.find(".//time")
        if stamp is None:
            assert cell.get("class") == "outside" and not text(cell)
            continue
        days[stamp.get("datetime")] = [text(a) for a in cell.iter("a")]
    return days


def test_month_grid_places_each_event_on_its_days(client, november):
    response = client.get("/calendar?month=2026-11&lang=en")
    assert response.status_code == 200
    document = parse(response)
    table = next(t for t in document.iter("table") if "month-grid" in t.get("class", ""))
    assert text(table.find("caption")) == "November 2026"
    headers = [(th.get("scope"), text(th)) for th in table.find("thead").iter("th")]
    assert headers == [("col", day) for day in
                       ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")]
    # 1 November 2026 is a Sunday: the first row holds six empty days of October.
    rows = table.find("tbody").findall("tr")
    assert len(rows) == 6
    assert [c.get("class") for c in rows[0].findall("td")][:6] == ["outside"] * 6
    days = grid(document)
    assert len(days) == 30
    expected = {
        "2026-11-05": ["Xinghai Forum No. 15"],
        "2026-11-12": ["Fire Safety Training"],
        "2026-11-20": ["Adult Reading Club"],
        # The exhibition runs into December: shown on each of its November days.
        "2026-11-27": ["Children's Art Show"], "2026-11-28": ["Children's Art Show"],
        "2026-11-29": ["Children's Art Show"], "2026-11-30": ["Children's Art Show"],
    }
    assert {day: titles for day, titles in days.items() if titles} == expected
    html = response.get_data(as_text=True)
    assert "December Lecture" not in html and "Draft Lecture" not in html
    cells = {c.find(".//time").get("datetime"): c for c in table.iter("td") if c.find(".//time") is not None}
    assert "9:00 AM" in text(cells["2026-11-27"]) and "continues" not in text(cells["2026-11-27"])
    assert text(cells["2026-11-28"]).startswith("28Saturday, November 28, 2026 continues 9:00 AM–5:00 PM")
    assert "7:30 PM Xinghai Forum No. 15" in text(cells["2026-11-05"])
    assert "Cancelled" in text(cells["2026-11-12"])
    link = cells["2026-11-05"].find(".//a")
    assert link.get("href") == f"/events/{november['forum15'].id}"
    # Today, Wednesday 18 November, is marked for screen readers and in words.
    today = [c for c in table.iter("td") if c.get("aria-current") == "date"]
    assert [c.find(".//time").get("datetime") for c in today] == ["2026-11-18"]
    assert "Today" in text(today[0])


def test_month_grid_in_chinese_uses_babel_names(client, november):
    response = client.get("/calendar?month=2026-11&lang=zh_Hans")
    document = parse(response)
    table = next(t for t in document.iter("table") if "month-grid" in t.get("class", ""))
    assert text(table.find("caption")) == "2026年11月"
    assert [text(th) for th in table.find("thead").iter("th")] == [
        "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"
    ]
    days = grid(document)
    assert days["2026-11-05"] == ["星海讲坛 第15期"]
    assert days["2026-11-29"] == ["少儿美术展"]
    html = response.get_data(as_text=True)
    assert "Xinghai Forum No. 15" not in html and "2026年11月28日星期六" in html


def test_december_shows_the_rest_of_the_exhibition_and_the_december_lecture(client, november):
    days = grid(parse(client.get("/calendar?month=2026-12&lang=en")))
    assert {day: titles for day, titles in days.items() if titles} == {
        "2026-12-01": ["Children's Art Show"],
        "2026-12-02": ["Children's Art Show", "December Lecture"],
        "2026-12-03": ["Children's Art Show"],
    }


def nav_links(document) -> dict[str, str]:
    nav = next(n for n in document.iter("nav") if n.get("class") == "month-nav")
    return {a.get("rel") or "today": a.get("href") for a in nav.iter("a")}


def test_month_navigation_crosses_the_year_and_keeps_the_filters(client, november):
    links = nav_links(parse(client.get("/calendar?month=2026-12&type=lecture&lang=en")))
    assert links == {
        "prev": "/calendar?month=2026-11&type=lecture&lang=en",
        "today": "/calendar?month=2026-11&type=lecture&lang=en",
        "next": "/calendar?month=2027-01&type=lecture&lang=en",
    }
    response = client.get("/calendar?month=2027-01&lang=en")
    document = parse(response)
    assert text(document.find(".//caption")) == "January 2027"
    assert nav_links(document)["prev"] == "/calendar?month=2026-12&lang=en"
    # This month has no "this month" link; an empty month says so.
    assert "today" not in nav_links(parse(client.get("/calendar?lang=en")))
    assert "No events this month match your choice." in response.get_data(as_text=True)


def test_month_filters_by_type_branch_and_audience(client, november):
    def shown(query):
        days = grid(parse(client.get(f"/calendar?month=2026-11&lang=en&{query}")))
        return sorted({title for titles in days.values() for title in titles})

    assert shown("type=exhibition") == ["Children's Art Show"]
    assert shown(f"branch={november['xinghai'].id}") == ["Xinghai Forum No. 15"]
    assert shown(f"branch={november['central'].id}") == [
        "Adult Reading Club", "Children's Art Show", "Fire Safety Training"
    ]
    # An audience keeps its own events and those for everyone.
    assert shown("audience=children") == ["Children's Art Show", "Xinghai Forum No. 15"]
    assert shown("audience=adults") == ["Adult Reading Club", "Fire Safety Training", "Xinghai Forum No. 15"]
    # A filter value that is not a choice is ignored, as on the list.
    assert len(shown("type=nonsense&branch=x")) == 4


@pytest.mark.parametrize("value", ["2026-13", "2026-00", "nonsense", "0000-01", "20261", "2026-1", "９９９９-01"])
def test_a_bad_month_shows_this_month_with_a_note(client, november, value):
    response = client.get("/calendar", query_string={"month": value, "lang": "en"})
    assert response.status_code == 400
    document = parse(response)
    assert text(document.find(".//caption")) == "November 2026"
    alert = next(p for p in document.iter("p") if p.get("role") == "alert")
    assert text(alert) == (
        f"“{value}” is not a month written as YYYY-MM (for example 2026-11). Here is this month."
    )
    assert grid(document)["2026-11-05"] == ["Xinghai Forum No. 15"]


def test_the_last_shown_month_has_no_next_link(client, november):
    links = nav_links(parse(client.get("/calendar?month=2999-12&lang=en")))
    assert set(links) == {"prev", "today"}


def test_programme_and_calendar_link_to_each_other(client, november):
    document = parse(client.get(f"/?lang=en&type=lecture&branch={november['xinghai'].id}"))
    hrefs = {text(a): a.get("href") for a in document.iter("a")}
    assert hrefs["See the month calendar"] == f"/calendar?type=lecture&branch={november['xinghai'].id}&lang=en"
    document = parse(client.get("/calendar?lang=en&type=lecture"))
    hrefs = {text(a): a.get("href") for a in document.iter("a")}
    assert hrefs["See the programme as a list"] == "/?type=lecture&lang=en"


def test_month_page_lists_the_feeds(client, november):
    document = parse(client.get("/calendar?lang=en"))
    section = next(s for s in document.iter("section") if s.get("class") == "feeds")
    links = [(text(a), a.get("href")) for a in section.iter("a")]
    forum, central, xinghai = november["forum"].id, november["central"].id, november["xinghai"].id
    assert links == [
        ("The whole programme", "/calendar.ics?lang=en"),
        ("Events at Liling Library (central)", f"/branches/{central}/calendar.ics?lang=en"),
        ("Events at Xinghai Mingzhu Branch", f"/branches/{xinghai}/calendar.ics?lang=en"),
        ("The series Xinghai Forum", f"/series/{forum}/calendar.ics?lang=en"),
        ("About the series Xinghai Forum", f"/series/{forum}"),
    ]
    for _title, href in links:
        assert client.get(href).status_code == 200


# --- the series page -------------------------------------------------------------------------


def session_rows(document) -> list[list[str]]:
    table = document.find(".//main//table")
    return [[text(cell) for cell in row] for row in table.find("tbody").findall("tr")]


def test_series_page_lists_sessions_in_number_order(client, november):
    response = client.get(f"/series/{november['forum'].id}?lang=en")
    assert response.status_code == 200
    document = parse(response)
    assert text(document.find(".//h1")) == "Xinghai Forum"
    assert "A free lecture every month." in text(document.find(".//main"))
    rows = session_rows(document)
    assert [row[0] for row in rows] == ["No. 1", "No. 14", "No. 15"]  # the draft No. 16 is staff's
    assert [row[1] for row in rows] == ["Xinghai Forum No. 1", "Xinghai Forum No. 14", "Xinghai Forum No. 15"]
    assert [row[2] for row in rows] == ["王教授" if n == 15 else "李老师" if n == 14 else "" for n in (1, 14, 15)]
    assert [row[5] for row in rows] == ["Past", "Past", "Past"]
    assert rows[2][4] == "Forum room · Xinghai Mingzhu Branch"
    assert "Thursday, November 5, 2026" in rows[2][3]
    feed = next(a for a in document.iter("a") if a.get("href", "").endswith("calendar.ics?lang=en"))
    assert feed.get("href") == f"/series/{november['forum'].id}/calendar.ics?lang=en"


def test_series_page_marks_upcoming_sessions_and_shows_drafts_to_staff(client, november, make_user, login, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: at(10, 1))
    rows = session_rows(parse(client.get(f"/series/{november['forum'].id}?lang=en")))
    assert [(row[0], row[5]) for row in rows] == [("No. 1", "Past"), ("No. 14", "Upcoming"), ("No. 15", "Upcoming")]
    login(make_user("staff"))
    rows = session_rows(parse(client.get(f"/series/{november['forum'].id}?lang=en")))
    assert [(row[0], row[5]) for row in rows][-1] == ("No. 16", "Draft")


def test_series_page_in_chinese(client, november):
    document = parse(client.get(f"/series/{november['forum'].id}?lang=zh_Hans"))
    assert text(document.find(".//h1")) == "星海讲坛"
    assert "每月一期的公益讲座。" in text(document.find(".//main"))
    assert [row[0] for row in session_rows(document)] == ["第1期", "第14期", "第15期"]


def test_unknown_series_and_branch_are_404(client, november):
    assert client.get("/series/999999").status_code == 404
    assert client.get("/series/999999/calendar.ics").status_code == 404
    assert client.get("/branches/999999/calendar.ics").status_code == 404


# --- feeds -----------------------------------------------------------------------------------


def feed(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, {str(item["uid"]): str(item["summary"]) for item in calendar.walk("VEVENT")}


def test_series_feed_has_its_public_sessions_of_the_last_90_days_and_after(client, november):
    calendar, items = feed(client, f"/series/{november['forum'].id}/calendar.ics?lang=en")
    # No. 1 (January) is older than 90 days; No. 16 is a draft.
    assert items == {
        f"event-{november['forum14'].id}@outreach.test": "Xinghai Forum No. 14",
        f"event-{november['forum15'].id}@outreach.test": "Xinghai Forum No. 15",
    }
    assert str(calendar["x-wr-calname"]) == "Liling Library · Xinghai Forum"


def test_branch_feed_has_the_events_at_its_venues(client, november):
    _calendar, items = feed(client, f"/branches/{november['central'].id}/calendar.ics?lang=zh_Hans")
    assert items == {
        f"event-{november[key].id}@outreach.test": title
        for key, title in (("art", "少儿美术展"), ("december", "十二月讲座"), ("cancelled", "消防安全培训"),
                           ("club", "成人读书会"))
    }
    calendar, _items = feed(client, f"/branches/{november['central'].id}/calendar.ics")
    statuses = {str(item["uid"]): str(item["status"]) for item in calendar.walk("VEVENT")}
    assert statuses[f"event-{november['cancelled'].id}@outreach.test"] == "CANCELLED"
    _calendar, items = feed(client, f"/branches/{november['xinghai'].id}/calendar.ics?lang=en")
    assert sorted(items.values()) == ["Xinghai Forum No. 14", "Xinghai Forum No. 15"]


def test_programme_feed_keeps_its_rules(client, november):
    _calendar, items = feed(client, "/calendar.ics?lang=en")
    assert len(items) == 6
    assert f"event-{november['draft'].id}@outreach.test" not in items
    assert f"event-{november['old'].id}@outreach.test" not in items


def test_the_feed_reaches_a_year_ahead_and_answers_304_when_unchanged(client, november, make_event):
    far = make_event(title="两年后的讲座", starts_at=at(12, 1, year=2028))
    _calendar, items = feed(client, "/calendar.ics?lang=en")
    assert f"event-{far.id}@outreach.test" not in items and len(items) == 6
    first = client.get("/calendar.ics?lang=en")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/calendar.ics?lang=en", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    change_status(november["december"], "cancelled", reason="场地维修")
    db.session.commit()
    changed = client.get("/calendar.ics?lang=en", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert client.get(f"/events/{november['december'].id}.ics", headers={"If-None-Match": changed.headers["ETag"]}).status_code == 200


# --- accessibility in a real browser -----------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_month_calendar_meets_wcag_aa(live_server, page, november, lang):
    for path in ("/calendar?month=2026-11", f"/series/{november['forum'].id}?month=x"):
        page.goto(f"{live_server}{path}&lang={lang}")
        assert axe_violations(page) == [], path
    # On a phone the month reads as a list of the days that have events.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/calendar?month=2026-11&lang={lang}")
    assert page.locator("table.month-grid thead").bounding_box()["height"] <= 1
    visible = page.locator("table.month-grid td:visible")
    assert visible.count() == 8  # seven days with events, and today
    assert axe_violations(page) == []


def test_an_event_ending_at_midnight_holds_only_its_own_day(client, november, make_event):
    make_event(title="跨年夜读", title_en="Late Reading", venue=november["art"].venue, starts_at=at(11, 7, 20),
               ends_at=at(11, 8, 0))
    days = grid(parse(client.get("/calendar?month=2026-11&lang=en")))
    assert days["2026-11-07"] == ["Late Reading"] and days["2026-11-08"] == []


def test_month_arithmetic():
    from datetime import date

    from outreach.events.calendar import add_months, parse_month

    today = date(2026, 11, 18)
    assert parse_month(None, today) == parse_month("", today) == date(2026, 11, 1)
    assert parse_month(" 2027-01 ", today) == date(2027, 1, 1)
    assert [parse_month(v, today) for v in ("2026-13", "1899-12", "3000-01", "2026-1")] == [None] * 4
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert add_months(date(2026, 11, 1), -23) == date(2024, 12, 1)
    assert add_months(date(2999, 12, 1), 1) is None and add_months(date(1900, 1, 1), -1) is None

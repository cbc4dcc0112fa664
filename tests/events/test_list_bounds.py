"""The events area's lists cost the same number of SQL statements with 5 events as with 50
(issue 13): the events API (each event with its venue, branch, series, exhibits and partners),
the venues, one event with many exhibits and partners, the month calendar, the series page
and the calendar feeds. The events API answers at most ``limit`` events and a cursor."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from itertools import count

import pytest
from icalendar import Calendar

from outreach import clock
from outreach.events import services
from outreach.extensions import db
from outreach.places import services as places
from outreach.timezone import localize
from tests.helpers import count_statements

#: Monday 1 March 2027, 10:00 in the library; the programme is that month.
NOW = datetime(2027, 3, 1, 10, 0)
_seq = count(1)


@pytest.fixture
def frozen(app, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: localize(NOW))


@pytest.fixture
def programme(frozen, make_event, make_venue, make_branch):
    """``add(n)``: n more published events in March 2027 at one branch, each in a venue of its
    own, in one series, with two partners each; every other one an exhibition with three works."""
    branch = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    series = places.create_series(name="星海讲坛", name_en="Xinghai Forum", branch=branch)
    db.session.commit()
    made: list = []

    def add(n: int) -> None:
        for _ in range(n):
            k = next(_seq)
            start = localize(datetime(2027, 3, 2, 9)) + timedelta(hours=11 * len(made))
            exhibition = k % 2 == 0
            event = make_event(
                title=f"活动 {k}", type="exhibition" if exhibition else "lecture", starts_at=start,
                ends_at=start + timedelta(hours=2), venue=make_venue(branch=branch), series=series,
                session_number=len(made) + 1,
            )
            partners = [places.create_partner(name=f"合作单位 {k}-{m}") for m in (1, 2)]
            db.session.flush()
            services.set_partners(event, [(partners[0].id, "co_organiser"), (partners[1].id, "sponsor")])
            if exhibition:
                services.add_exhibits(event, [{"title": f"作品 {m}", "creator": f"作者 {m}", "age": 9} for m in range(3)])
            db.session.commit()
            made.append(event)

    return branch, series, made, add


def counted(client, path: str, **kwargs) -> int:
    with count_statements() as statements:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return statements.n


def grows_not(client, add, paths: list[str], **kwargs) -> None:
    """Each path costs as many statements with 5 events as with 50."""
    add(5)
    small = [counted(client, path, **kwargs) for path in paths]
    add(45)
    assert [counted(client, path, **kwargs) for path in paths] == small


@pytest.mark.parametrize("who", ["public", "staff"])
def test_the_events_api(client, programme, make_user, api_token, who):
    _branch, _series, made, add = programme
    headers = api_token(make_user("staff")) if who == "staff" else {}
    grows_not(client, add, ["/api/v1/events", "/api/v1/events?from=2027-03-01&to=2027-03-31&type=exhibition"], headers=headers)
    answer = client.get("/api/v1/events?from=2027-03-01&to=2027-03-31", headers=headers).get_json()
    assert [e["id"] for e in answer["events"]] == [e.id for e in made]  # a month: all of it, at once
    assert answer["next_cursor"] is None
    exhibition = next(e for e in answer["events"] if e["type"] == "exhibition")
    assert [x["title"] for x in exhibition["exhibits"]] == ["作品 0", "作品 1", "作品 2"]
    assert [p["role"] for p in exhibition["partners"]] == ["co_organiser", "sponsor"]
    assert exhibition["series"]["name"] == "星海讲坛" and exhibition["venue"]["branch"] == "星海明筑分馆"


def test_the_venues_api(client, programme, make_user, api_token):
    _branch, _series, _made, add = programme
    grows_not(client, add, ["/api/v1/venues"], headers=api_token(make_user("staff")))
    assert len(client.get("/api/v1/venues", headers=api_token(make_user("staff"))).get_json()["venues"]) == 50


def test_one_event_with_many_exhibits_and_partners(client, make_event, make_user, api_token, frozen):
    event = make_event(type="exhibition", starts_at=localize(datetime(2027, 3, 5, 9)))
    headers = api_token(make_user("staff"))

    def add(n: int) -> None:
        partners = [places.create_partner(name=f"学校 {next(_seq)}") for _ in range(n)]
        db.session.flush()
        rows = [(link.partner_id, link.role) for link in event.partner_links] + [(p.id, "host") for p in partners]
        services.set_partners(event, rows)
        services.add_exhibits(event, [{"title": f"画 {m}", "creator": f"小朋友 {m}"} for m in range(n)])
        db.session.commit()

    grows_not(client, add, [f"/api/v1/events/{event.id}", f"/events/{event.id}"], headers=headers)
    answer = client.get(f"/api/v1/events/{event.id}", headers=headers).get_json()
    assert len(answer["exhibits"]) == 50 and len(answer["partners"]) == 50


def test_the_events_api_in_windows(client, programme):
    """Without a range the list comes in windows of ``limit``, by start then id; the cursor
    gives the next window, and the last window's cursor is null."""
    _branch, _series, made, add = programme
    add(7)
    first = client.get("/api/v1/events?limit=3").get_json()
    assert [e["id"] for e in first["events"]] == [e.id for e in made[:3]]
    second = client.get(f"/api/v1/events?limit=3&cursor={first['next_cursor']}").get_json()
    assert [e["id"] for e in second["events"]] == [e.id for e in made[3:6]]
    last = client.get(f"/api/v1/events?limit=3&cursor={second['next_cursor']}").get_json()
    assert [e["id"] for e in last["events"]] == [made[6].id] and last["next_cursor"] is None
    whole = client.get("/api/v1/events").get_json()
    assert len(whole["events"]) == 7 and whole["next_cursor"] is None


def test_the_events_api_refuses_a_bad_window(client, programme):
    _branch, _series, _made, add = programme
    add(1)
    for query, field in (("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"), ("cursor=nonsense", "cursor")):
        response = client.get(f"/api/v1/events?{query}&lang=en")
        assert response.status_code == 422, query
        assert field in response.get_json()["error"]["fields"], query
    response = client.get("/api/v1/events?limit=0&type=nope&lang=en")
    assert response.status_code == 422 and set(response.get_json()["error"]["fields"]) == {"limit", "type"}


def test_the_default_window_holds_a_busy_month(client, programme, make_event, make_venue):
    """200 events: more than a month of the large library's programme (2,005 a year)."""
    _branch, _series, _made, add = programme
    venue = make_venue()
    for n in range(201):
        start = localize(datetime(2027, 3, 1, 8)) + timedelta(minutes=5 * n)
        make_event(title=f"快闪 {n}", starts_at=start, ends_at=start + timedelta(minutes=5), venue=venue)
    answer = client.get("/api/v1/events").get_json()
    assert len(answer["events"]) == 200 and answer["next_cursor"]
    rest = client.get(f"/api/v1/events?cursor={answer['next_cursor']}").get_json()
    assert [e["title"] for e in rest["events"]] == ["快闪 200"] and rest["next_cursor"] is None


def test_the_programme_the_month_calendar_and_the_series_page(client, programme):
    _branch, series, _made, add = programme
    grows_not(client, add, ["/", "/calendar?month=2027-03", f"/series/{series.id}"])
    html = client.get("/calendar?month=2027-03").get_data(as_text=True)
    assert html.count("活动 ") >= 50


def test_the_series_page_shows_its_sessions_a_page_at_a_time(client, programme):
    """50 sessions a page, numbered ones by number, then unnumbered ones by date; the pager
    keeps the language."""
    _branch, series, made, add = programme
    add(55)
    unnumbered = made[7]
    unnumbered.session_number = None
    made[3].session_number = 999  # sessions 4 and 5 swap numbers: the later one is No. 4
    db.session.flush()
    made[4].session_number = 4
    db.session.flush()
    made[3].session_number = 5
    db.session.commit()
    first = client.get(f"/series/{series.id}?lang=en").get_data(as_text=True)
    assert "55 sessions of Xinghai Forum" in first
    shown = re.findall(r'<th scope="row">No\. (\d+)</th>', first)
    assert shown == [str(n) for n in range(1, 52) if n != 8]  # session 8 lost its number
    assert re.search(rf'href="/series/{series.id}\?lang=en&amp;page=2#sessions-heading" rel="next"', first)
    second = client.get(f"/series/{series.id}?lang=en&page=2").get_data(as_text=True)
    assert re.findall(r'<th scope="row">No\. (\d+)</th>', second) == ["52", "53", "54", "55"]
    assert second.index("No. 55") < second.index(unnumbered.title) and "Page 2 of 2" in second
    assert first.index(made[4].title + "<") < first.index(made[3].title + "<")
    assert client.get(f"/series/{series.id}?lang=en&page=9").get_data(as_text=True).count("<tr") == 1 + 5  # the last page


@pytest.mark.parametrize("who", ["public", "staff"])
def test_the_calendar_feeds(client, programme, make_user, login, who):
    branch, series, _made, add = programme
    if who == "staff":
        login(make_user("staff"))
    grows_not(client, add, ["/calendar.ics", f"/series/{series.id}/calendar.ics", f"/branches/{branch.id}/calendar.ics"])
    for path in ("/calendar.ics", f"/series/{series.id}/calendar.ics", f"/branches/{branch.id}/calendar.ics"):
        assert len(Calendar.from_ical(client.get(path).data).walk("VEVENT")) == 50, path

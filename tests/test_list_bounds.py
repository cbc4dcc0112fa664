"""The lists of places, series, partners, weekly events, competitions, reports, accounts, the
audit log and the staff home cost the same number of SQL statements with 5 rows as with 50
(issue 13): what a list shows is loaded in one pass, never a query per row. And each list that
can grow is bounded: numbered pages on pages, ``limit`` and ``cursor`` in the API."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import count

import re

import pytest

from outreach import clock
from outreach.extensions import db
from outreach.timezone import local_date
from tests.helpers import count_statements, in_days, new_phone

_seq = count(1)


def counted(client, path: str, **kwargs) -> int:
    with count_statements() as statements:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:800])
    return statements.n


def assert_flat(client, paths, grow, **kwargs) -> None:
    """Each of ``paths`` costs the same number of statements before and after ``grow()``."""
    small = {path: counted(client, path, **kwargs) for path in paths}
    grow()
    db.session.expire_all()
    large = {path: counted(client, path, **kwargs) for path in paths}
    assert large == small


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin")
    login(user)
    return user


# --- places: branches, venues, series, partners ----------------------------------------------


@pytest.fixture
def places(make_branch, make_venue, make_event):
    """``grow(n)``: n more branches (each with two venues), partners (each in an event), series
    (each with a session at a branch), and n more bookings of one venue and sessions of one series."""
    from outreach.events.models import EventPartner
    from outreach.places.models import Partner, Series

    hall = make_venue()
    forum = Series(name="星海讲坛", name_en="Xinghai Forum", branch=hall.branch)
    db.session.add(forum)
    db.session.commit()
    made = {"sessions": 0, "bookings": 0}

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_seq)
            branch = make_branch()
            room = make_venue(branch=branch)
            make_venue(branch=branch, active=False)
            partner = Partner(name=f"伙伴{k}", name_en=f"Partner {k}")
            series = Series(name=f"系列{k}", name_en=f"Series {k}", branch=branch)
            db.session.add_all([partner, series])
            db.session.flush()
            event = make_event(venue=room, series=series, session_number=1, starts_at=in_days(3 + k % 20))
            db.session.add(EventPartner(event_id=event.id, partner_id=partner.id, role="co_organiser"))
            made["sessions"] += 1
            make_event(venue=hall, series=forum, session_number=made["sessions"],
                       starts_at=in_days(1 + made["sessions"] // 6, hour=8 + 2 * (made["sessions"] % 6)),
                       status="draft" if made["sessions"] % 7 == 0 else "published")
            made["bookings"] += 1
        db.session.commit()

    grow(5)
    return hall, forum, grow


def test_the_places_pages(client, admin, places):
    hall, forum, grow = places
    paths = ["/staff/venues", f"/staff/venues/{hall.id}", "/staff/branches", "/staff/partners", "/staff/series",
             f"/staff/series/{forum.id}"]
    assert_flat(client, paths, lambda: grow(45))


def test_the_places_api(client, make_user, api_token, places):
    hall, forum, grow = places
    headers = api_token(make_user("staff"))
    paths = ["/api/v1/branches", "/api/v1/series", f"/api/v1/series/{forum.id}", "/api/v1/partners"]
    assert_flat(client, paths, lambda: grow(45), headers=headers)


def test_the_series_and_partners_pages_are_numbered(client, staff, places):
    _hall, forum, grow = places
    grow(55)  # 60 series and partners, the forum among the series; 60 sessions of the forum
    first = client.get("/staff/series?lang=en").get_data(as_text=True)
    second = client.get("/staff/series?page=2&lang=en").get_data(as_text=True)
    assert first.count("/edit\">Edit") == 50 and second.count("/edit\">Edit") == 11
    assert 'href="/staff/series?lang=en&amp;page=2"' in first or "page=2" in first
    assert "Page 2 of 2" in second
    assert client.get("/staff/partners?page=2").get_data(as_text=True).count("/edit\">") == 10
    sessions = client.get(f"/staff/series/{forum.id}?page=2&lang=en").get_data(as_text=True)
    assert "Page 2 of 2" in sessions and len(re.findall(r'href="/staff/events/\d+"', sessions)) == 10


def walk(client, path: str, key: str, **kwargs) -> list[list[int]]:
    """The ids of each window of an API list, following ``next_cursor`` to the end."""
    windows, cursor = [], None
    while True:
        joiner = "&" if "?" in path else "?"
        answer = client.get(path + (f"{joiner}cursor={cursor}" if cursor else ""), **kwargs)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        windows.append([row["id"] for row in body[key]])
        cursor = body["next_cursor"]
        if cursor is None:
            return windows


def test_the_series_sessions_and_partners_api_in_windows(client, make_user, api_token, places, make_event):
    hall, forum, grow = places
    headers = api_token(make_user("staff"))
    grow(15)  # 20 series and partners, 20 sessions of the forum (two drafts)
    extra = [make_event(venue=hall, series=forum, starts_at=in_days(40 + n)) for n in range(3)]  # no number
    whole = client.get(f"/api/v1/series/{forum.id}", headers=headers).get_json()
    assert whole["next_cursor"] is None and len(whole["sessions"]) == 23
    order = [s["id"] for s in whole["sessions"]]
    assert order[-3:] == [e.id for e in extra]
    for limit in (7, 20, 23, 1):
        windows = walk(client, f"/api/v1/series/{forum.id}?limit={limit}", "sessions", headers=headers)
        assert [i for w in windows for i in w] == order
        assert all(len(w) == limit for w in windows[:-1])
    public = client.get(f"/api/v1/series/{forum.id}").get_json()["sessions"]
    assert len(public) == 21  # no drafts
    series = walk(client, "/api/v1/series?limit=6", "series")
    assert [len(w) for w in series] == [6, 6, 6, 3]
    assert [i for w in series for i in w] == [s["id"] for s in client.get("/api/v1/series").get_json()["series"]]
    partners = walk(client, "/api/v1/partners?limit=8", "partners", headers=headers)
    assert [len(w) for w in partners] == [8, 8, 4]


@pytest.mark.parametrize("query", ["limit=0", "limit=201", "limit=x", "cursor=nonsense", "cursor=WzEsMl0"])
def test_a_bad_window_is_a_422(client, make_user, api_token, places, query):
    _hall, forum, _grow = places
    headers = api_token(make_user("staff"))
    for path in ("/api/v1/series", "/api/v1/partners", f"/api/v1/series/{forum.id}"):
        if query == "cursor=WzEsMl0" and path != "/api/v1/series":
            continue  # [1, 2] is a cursor of the numbered sessions; of the series (name, id) it is not
        answer = client.get(f"{path}?{query}", headers=headers)
        assert answer.status_code == 422, (path, answer.get_json())
        assert set(answer.get_json()["error"]["fields"]) == {query.split("=")[0]}


# --- the staff home and calendar -------------------------------------------------------------


@pytest.fixture
def programme(make_venue, make_event):
    """``grow(n)``: n more events this week, n drafts, n events in the weeks after (in rooms of
    their own, with registrations)."""
    from outreach.registration.services import register

    def grow(n: int) -> None:
        for k in range(n):
            room = make_venue()
            this_week = make_event(venue=room, starts_at=in_days(1 + k % 5, hour=1 + k % 3), capacity=5)
            register(this_week, name="读者", phone=new_phone())
            make_event(status="draft", starts_at=in_days(10 + k % 20, hour=1))  # in a room of its own
            make_event(venue=room, starts_at=in_days(8 + k % 30, hour=5))
        db.session.commit()

    grow(5)
    return grow


def test_the_staff_home_and_calendar(client, staff, programme):
    monday = date.today() + timedelta(days=7 - date.today().weekday())
    paths = ["/staff/", "/staff/calendar/", "/staff/calendar/week", f"/staff/calendar/week?start={monday}"]
    assert_flat(client, paths, lambda: programme(45))


def test_the_staff_homes_drafts_and_later_weeks_are_paged(client, staff, programme):
    programme(45)
    html = client.get("/staff/?lang=en").get_data(as_text=True)
    drafts, later = html.split('id="drafts-heading"')[1].split('id="later-heading"')
    assert drafts.count('<tr>') - 1 == 25 and "Page 1 of 2" in drafts and "drafts=2" in drafts
    assert later.count('<tr>') - 1 == 25 and "later=2" in later
    second = client.get("/staff/?drafts=2&lang=en").get_data(as_text=True)
    drafts2 = second.split('id="drafts-heading"')[1].split('id="later-heading"')[0]
    assert drafts2.count('<tr>') - 1 == 25 and "Page 2 of 2" in drafts2


# --- weekly events ---------------------------------------------------------------------------


@pytest.fixture
def make_class(app, make_venue):
    """A published weekday class at 15:30 for ``weeks`` weeks from next Monday."""
    from outreach.recurrences.services import create_recurrence

    monday = date.today() + timedelta(days=7 - date.today().weekday())

    def factory(weeks: int = 1):
        recurrence = create_recurrence(
            weekdays="12345", starts_on=monday, ends_on=monday + timedelta(weeks=weeks, days=-3),
            start_time=time(15, 30), end_time=time(16, 30), type="class", title="三点半课堂", status="published",
            capacity=30, max_party_size=1, audience="children", venue=make_venue(),
        )
        db.session.commit()
        return recurrence

    return factory


def test_the_weekly_events(client, staff, make_class, make_user, api_token):
    from outreach.registration.services import register

    headers = api_token(make_user("staff"))
    short = make_class(1)
    long = make_class(10)
    for recurrence in (short, long):
        for event in recurrence.events:
            register(event, name="读者", phone=new_phone())
    db.session.commit()
    assert len(short.events) == 5 and len(long.events) == 50
    assert counted(client, f"/staff/recurrences/{short.id}") == counted(client, f"/staff/recurrences/{long.id}")
    api = "/api/v1/recurrences/{}"
    assert counted(client, api.format(short.id), headers=headers) == counted(client, api.format(long.id), headers=headers)
    assert_flat(client, ["/staff/recurrences/"], lambda: [make_class(1) for _ in range(45)])


def test_weekly_events_and_their_occurrences_are_paged(client, staff, make_class, make_user, api_token):
    long = make_class(12)  # 60 occurrences from next Monday
    for _ in range(51):
        make_class(1)
    html = client.get(f"/staff/recurrences/{long.id}?lang=en").get_data(as_text=True)
    assert html.count("occurrence-cancelled") == 0 and html.count(">Edit this one<") == 50
    assert "Page 1 of 2" in html and "Later occurrences" in html
    last = client.get(f"/staff/recurrences/{long.id}?page=2&lang=en").get_data(as_text=True)
    assert last.count(">Edit this one<") == 10 and "Earlier occurrences" in last
    index = client.get("/staff/recurrences/?page=2&lang=en").get_data(as_text=True)
    assert len(re.findall(r'href="/staff/recurrences/\d+"', index)) == 2 and "Page 2 of 2" in index
    headers = api_token(make_user("staff"))
    whole = client.get(f"/api/v1/recurrences/{long.id}", headers=headers).get_json()
    assert len(whole["occurrences"]) == 60 and whole["next_cursor"] is None and whole["title"] == "三点半课堂"
    windows = walk(client, f"/api/v1/recurrences/{long.id}?limit=25", "occurrences", headers=headers)
    assert [len(w) for w in windows] == [25, 25, 10]
    assert [i for w in windows for i in w] == [o["id"] for o in whole["occurrences"]]
    assert client.get(f"/api/v1/recurrences/{long.id}?cursor=x", headers=headers).status_code == 422


def test_a_weekly_events_page_opens_at_today(client, staff, make_venue):
    from outreach.recurrences.services import create_recurrence

    start = date.today() - timedelta(weeks=15)
    recurrence = create_recurrence(
        weekdays="1234567", starts_on=start, ends_on=start + timedelta(days=139), start_time=time(9), end_time=time(10),
        type="class", title="晨读", status="published", capacity=30, venue=make_venue(),
    )
    db.session.commit()
    html = client.get(f"/staff/recurrences/{recurrence.id}?lang=en").get_data(as_text=True)
    assert "Page 3 of 3" in html  # 105 days before today: the third page of 50 holds today


# --- competitions ----------------------------------------------------------------------------


@pytest.fixture
def contest(app, make_venue):
    """A competition (three criteria, three judges, a preliminary and a final) whose preliminary
    has a published sitting; ``grow(n)`` registers n more contestants there, scores them and
    publishes the round's results again, and adds n more public competitions."""
    from outreach.competitions import services
    from outreach.registration.services import register

    def competition(title: str):
        made = services.create_competition(title=title, title_en=f"Contest {title}")
        services.set_criteria(made, [
            {"name": "内容", "name_en": "Content", "weight": 50, "max_score": 10},
            {"name": "表达", "name_en": "Delivery", "weight": 30, "max_score": 10},
            {"name": "台风", "name_en": "Presence", "weight": 20, "max_score": 10},
        ])
        for name in ("王评委", "李评委", "张评委"):
            services.add_judge(made, name=name)
        prelim = services.add_round(made, name="初赛", name_en="Preliminary", advance_mode="top", advance_value=3,
                                    awards=[{"name": "优胜奖", "places": 3}])
        services.add_round(made, name="决赛", name_en="Final")
        sitting = services.add_sitting(prelim, venue=make_venue(), starts_at=in_days(7, hour=2),
                                       ends_at=in_days(7, hour=5), status="published")
        db.session.commit()
        return made, prelim, sitting

    main, prelim, sitting = competition("少儿故事大王")

    def grow(n: int) -> None:
        people = []
        for k in range(n):
            made = register(sitting, name=f"选手{next(_seq):04d}", phone=new_phone(),
                            answers={"school": "南门小学", "grade": "三年级", "piece": f"故事{k}"})
            people.append(made.registration)
        if prelim.results_published_at is not None:
            services.unpublish_results(prelim)
        for judge in main.judges:
            services.enter_scores(prelim, judge, {
                (person.id, criterion.id): Decimal(5 + (person.id + criterion.id) % 5)
                for person in people for criterion in main.criteria
            })
        services.publish_results(prelim)
        for _ in range(n):
            competition(f"比赛{next(_seq)}")
        db.session.commit()

    grow(5)
    return main, prelim, grow


def test_the_competitions_pages(client, staff, contest):
    main, prelim, grow = contest
    judge = main.judges[0]
    paths = ["/competitions/", f"/competitions/{main.id}", "/staff/competitions/", f"/staff/competitions/{main.id}",
             f"/staff/competitions/rounds/{prelim.id}", f"/staff/competitions/rounds/{prelim.id}/judges/{judge.id}/scores"]
    assert_flat(client, paths, lambda: grow(45))


def test_the_competitions_api(client, make_user, api_token, contest):
    main, prelim, grow = contest
    headers = api_token(make_user("staff"))
    paths = ["/api/v1/competitions", f"/api/v1/competitions/{main.id}", f"/api/v1/rounds/{prelim.id}/results"]
    small = {path: counted(client, path, headers=headers) for path in paths}
    public = {path: counted(client, path) for path in paths}
    grow(45)
    db.session.expire_all()
    assert {path: counted(client, path, headers=headers) for path in paths} == small
    assert {path: counted(client, path) for path in paths} == public


def test_the_competitions_are_paged_and_windowed(client, staff, contest, make_user, api_token):
    main, _prelim, grow = contest
    grow(55)  # 61 competitions, every one public
    public = client.get("/competitions/?page=3&lang=en").get_data(as_text=True)
    assert public.count("<h2><a href=\"/competitions/") == 11 and "Page 3 of 3" in public
    listed = client.get("/staff/competitions/?page=2&lang=en").get_data(as_text=True)
    assert len(re.findall(r'<th scope="row"><a href="/staff/competitions/\d+"', listed)) == 11
    assert str(main.id) in re.findall(r'href="/staff/competitions/(\d+)"', listed)  # the oldest last
    headers = api_token(make_user("staff"))
    whole = [c["id"] for c in client.get("/api/v1/competitions", headers=headers).get_json()["competitions"]]
    assert len(whole) == 61 and whole[-1] == main.id
    windows = walk(client, "/api/v1/competitions?limit=20", "competitions")
    assert [len(w) for w in windows] == [20, 20, 20, 1] and [i for w in windows for i in w] == whole
    assert client.get("/api/v1/competitions?limit=500").status_code == 422


# --- reports ---------------------------------------------------------------------------------


@pytest.fixture
def history(make_venue, make_event):
    """``grow(n)``: n more events held in the last weeks (each in a room of its own, of a series
    of its own), each with a registration checked in, a no-show and walk-ins."""
    from outreach.places.models import Series
    from outreach.registration import services as registration

    def grow(n: int) -> None:
        for k in range(n):
            series = Series(name=f"往期系列{next(_seq)}")
            db.session.add(series)
            db.session.flush()
            event = make_event(venue=make_venue(), series=series, session_number=1,
                               starts_at=in_days(-2 - k % 40, hour=2), type=("lecture", "activity", "class")[k % 3])
            came = registration.register(event, name="读者", phone=new_phone(), now=event.starts_at - timedelta(days=2))
            registration.register(event, name="缺席", phone=new_phone(), now=event.starts_at - timedelta(days=2))
            registration.check_in(came.registration, now=event.starts_at + timedelta(minutes=5))
            registration.add_walkins(event, 3, now=event.starts_at + timedelta(minutes=10))
        db.session.commit()

    grow(5)
    return grow


def test_the_reports(client, staff, history):
    year = date.today().year
    start = (date.today() - timedelta(days=60)).isoformat()
    end = date.today().isoformat()
    paths = ["/reports", f"/reports?from={start}&to={end}", f"/reports/events?from={start}&to={end}",
             f"/reports/annual/{year}"]
    assert_flat(client, paths, lambda: history(45))
    listed = client.get(f"/reports/events?from={start}&to={end}&lang=en").get_data(as_text=True)
    assert "50 events." in listed and len(re.findall(r'<tr>\s*<td><time', listed)) == 50  # every event held


def test_the_reports_api(client, make_user, api_token, history):
    headers = api_token(make_user("staff"))
    start = (date.today() - timedelta(days=60)).isoformat()
    end = date.today().isoformat()
    paths = [f"/api/v1/reports/attendance?from={start}&to={end}&group_by={group}"
             for group in ("type", "venue", "branch", "series", "month", "audience")]
    paths += [f"/api/v1/reports/attendance.csv?from={start}&to={end}&group_by=venue",
              f"/api/v1/reports/attendance.xlsx?from={start}&to={end}&group_by=series",
              f"/api/v1/reports/annual?year={date.today().year}"]
    assert_flat(client, paths, lambda: history(45), headers=headers)


# --- accounts and the audit log --------------------------------------------------------------


@pytest.fixture
def people(make_user, make_event):
    """``grow(n)``: n more accounts (staff, volunteers and admins in turn), each with an API
    token and an audit entry (an event it changed)."""
    from outreach.accounts.services import issue_token
    from outreach.events.services import update_event

    def grow(n: int) -> None:
        for k in range(n):
            role = ("staff", "volunteer", "admin")[k % 3]
            user = make_user(role, name=f"{role}-{next(_seq)}")
            issue_token(user)
            update_event(make_event(), actor=user, capacity=90)
        db.session.commit()

    grow(5)
    return grow


def test_accounts_and_the_audit_log(client, admin, people, make_user, api_token):
    paths = ["/admin/accounts", "/admin/accounts?q=staff&role=staff", f"/admin/accounts/{admin.id}", "/staff/audit/",
             "/staff/audit/?what=events"]
    headers = api_token(make_user("admin"))
    assert_flat(client, paths, lambda: people(45))
    small = counted(client, "/api/v1/audit", headers=headers)
    people(10)
    assert counted(client, "/api/v1/audit", headers=headers) == small


def test_the_accounts_are_paged_and_searched(client, admin, people):
    people(55)  # 60 accounts (21 staff, 20 volunteers, 19 admins) and the admin signed in
    html = client.get("/admin/accounts?lang=en").get_data(as_text=True)
    assert len(re.findall(r'<th scope="row"><a href="/admin/accounts/\d+"', html)) == 50
    assert "Accounts 1–50 of 61." in html and "Page 1 of 2" in html
    second = client.get("/admin/accounts?page=2&lang=en").get_data(as_text=True)
    assert "Accounts 51–61 of 61." in second
    staff = client.get("/admin/accounts?role=staff&q=STAFF-&page=2&lang=en").get_data(as_text=True)
    assert "Accounts 1–21 of 21." in staff  # a page past the last shows the last
    assert 'value="staff" selected' in staff and 'value="STAFF-"' in staff
    mine = client.get(f"/admin/accounts?q={admin.email.upper()}&lang=en").get_data(as_text=True)
    assert "Accounts 1–1 of 1." in mine
    assert "No account matches." in client.get("/admin/accounts?q=%25%25&lang=en").get_data(as_text=True)
    assert "Accounts 1–20 of 20." in client.get("/admin/accounts?role=admin&lang=en").get_data(as_text=True)
    assert "Accounts 1–50 of 61." in client.get("/admin/accounts?role=nobody&lang=en").get_data(as_text=True)


def test_the_venues_are_paged_under_their_branches(client, staff, make_branch, make_venue):
    central = make_branch(name="总馆", name_en=None, kind="central")
    branch = make_branch(name="星海分馆", name_en=None, kind="branch")
    closed = make_branch(name="旧分馆", name_en=None, kind="branch", active=False)
    for n in range(30):
        make_venue(branch=branch, name=f"活动室{n:02d}", name_en=None)
        make_venue(branch=central, name=f"报告厅{n:02d}", name_en=None, active=n % 10 != 0)
    make_venue(branch=closed, name="旧阅览室", name_en=None)
    make_venue(branch=None, name="南门小学礼堂", name_en=None)
    first = client.get("/staff/venues?lang=en").get_data(as_text=True)
    second = client.get("/staff/venues?page=2&lang=en").get_data(as_text=True)
    order = re.findall(r'<h2 id="[^"]+">([^<]+)', first) + re.findall(r'<h2 id="[^"]+">([^<]+)', second)
    assert order == ["总馆", "星海分馆", "星海分馆", "旧分馆 ", "Outside sites"]
    names = re.findall(r'<th scope="row"><a href="/staff/venues/\d+">([^<]+)', first + second)
    assert len(names) == 62 and names[:3] == ["报告厅01", "报告厅02", "报告厅03"] and names[26:31] == ["报告厅29", "报告厅00", "报告厅10", "报告厅20", "活动室00"]
    assert names[-2:] == ["旧阅览室", "南门小学礼堂"] and "Page 2 of 2" in second


def test_a_venues_bookings_come_in_windows_of_eight_weeks(client, staff, make_venue, make_event):
    hall = make_venue()
    soon = make_event(venue=hall, starts_at=in_days(3))
    later = make_event(venue=hall, starts_at=in_days(70))
    html = client.get(f"/staff/venues/{hall.id}?lang=en").get_data(as_text=True)
    assert f"/staff/events/{soon.id}\"" in html and f"/staff/events/{later.id}\"" not in html
    assert "1 booking in the next 8 weeks" in html and "The 8 weeks after" in html and "From today" not in html
    after = (local_date(clock.now()) + timedelta(weeks=8)).isoformat()
    assert f"from={after}" in html
    html = client.get(f"/staff/venues/{hall.id}?lang=en&from={after}").get_data(as_text=True)
    assert f"/staff/events/{later.id}\"" in html and f"/staff/events/{soon.id}\"" not in html
    assert "1 booking in these 8 weeks" in html and "From today" in html and "The 8 weeks before" in html
    assert "1 booking in the next 8 weeks" in client.get(f"/staff/venues/{hall.id}?lang=en&from=soon").get_data(as_text=True)

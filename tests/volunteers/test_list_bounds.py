"""Every list of volunteering is bounded and costs the same number of SQL statements with 5 rows
as with 50: the volunteer's month, the shifts API's windows, the staff's lists in pages, the
shifts by week, rosters (pages, CSV, and the PDF made by the job worker) and the shift feed's window (issue 13)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar
from sqlalchemy import select

from outreach.extensions import db
from outreach.platform import exports
from outreach.platform.models import ExportJob
from outreach.volunteers import services
from outreach.volunteers.models import RecruitmentCall, Shift, ShiftSignup, Training, TrainingAttendance
from tests.helpers import assert_valid_html, axe_violations, count_statements, local, sign_in, text_of

pytestmark = pytest.mark.usefixtures("frozen")  # Monday 2 March 2026, 10:00 in the library

BASE = "/staff/volunteers"


def counted(client, path: str, status: int = 200, **kwargs) -> int:
    with count_statements() as statements:
        response = client.get(path, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return statements.n


def same_cost(client, paths: list[str], grow, **kwargs) -> None:
    """Each path costs as many statements before ``grow()`` (5 rows) as after it (50)."""
    small = [counted(client, path, **kwargs) for path in paths]
    grow()
    assert [counted(client, path, **kwargs) for path in paths] == small


def shift_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<article class="event-card shift shift-\w+" id="shift-(\d+)"', html)]


@pytest.fixture
def staff_client(client, login, staff):
    login(staff)
    return client


# --- the volunteer's month ------------------------------------------------------------------------


@pytest.fixture
def open_shifts(make_event, make_shift):
    """``add(n)``: n more shifts in March 2026 (each of its own event and venue), open to sign up."""
    made: list[Shift] = []

    def add(n: int) -> list[Shift]:
        for _ in range(n):
            k = len(made)
            start = local(2026, 3, 3, 8) + timedelta(days=k % 28, minutes=10 * (k // 28))
            event = make_event(title=f"活动 {k}", starts_at=start, ends_at=start + timedelta(hours=2))
            made.append(make_shift(event, start=start, hours=0.1, slots=2, signup_opens_at=local(2026, 3, 1)))
        return made

    return add


def test_the_volunteers_month_costs_the_same_with_5_and_50_shifts_to_take(client, login, make_volunteer, open_shifts):
    me = make_volunteer("刘晓燕")
    login(me.user)
    open_shifts(5)
    same_cost(client, ["/volunteer/me", "/volunteer/me?open_page=9", "/volunteer/me?month=2026-04"],
              lambda: open_shifts(45))


def test_the_shifts_to_take_come_in_pages_of_25_and_the_month_is_kept(client, login, make_volunteer, open_shifts):
    me = make_volunteer("刘晓燕")
    login(me.user)
    shifts = open_shifts(26)
    first = client.get("/volunteer/me?lang=en&month=2026-03")
    assert_valid_html(first)
    assert shift_ids(text_of(first)) == [s.id for s in sorted(shifts, key=lambda s: (s.starts_at, s.id))][:25]
    html = text_of(first)
    assert 'href="/volunteer/me?lang=en&amp;month=2026-03&amp;open_page=2#open-heading" rel="next"' in html
    second = text_of(client.get("/volunteer/me?lang=en&month=2026-03&open_page=2"))
    twenty_sixth = sorted(shifts, key=lambda s: (s.starts_at, s.id))[25]
    assert shift_ids(second) == [twenty_sixth.id]
    assert shift_ids(text_of(client.get("/volunteer/me?lang=en&month=2026-03&open_page=9"))) == [twenty_sixth.id]


def test_a_shift_of_next_month_is_on_next_months_page(client, login, make_volunteer, make_shift):
    me = make_volunteer("刘晓燕")
    march = make_shift(start=local(2026, 3, 20, 9), role="三月值班")
    april = make_shift(start=local(2026, 4, 2, 9), role="四月值班", signup_opens_at=local(2026, 3, 1))
    services.sign_up(april, me)
    db.session.commit()
    login(me.user)
    html = text_of(client.get("/volunteer/me?lang=en"))
    assert shift_ids(html) == [march.id]
    assert "<strong>March 2026</strong>" in html
    assert 'href="/volunteer/me?month=2026-04&amp;lang=en" rel="next"' in html
    # The next shift after this month is named, with a link to its month.
    assert "Your next shift after this month: 四月值班, on Thursday, April 2, 2026." in html
    assert 'href="/volunteer/me?month=2026-04&amp;lang=en">See April 2026</a>' in html
    april_page = text_of(client.get("/volunteer/me?lang=en&month=2026-04"))
    assert shift_ids(april_page) == [april.id]
    assert "You are signed up." in april_page and "Cancel my place" in april_page
    # A past month shows its services, not shifts to take.
    assert shift_ids(text_of(client.get("/volunteer/me?lang=en&month=2026-02"))) == []


def test_a_month_that_is_not_one_shows_this_month_with_400(client, login, make_volunteer, make_shift):
    me = make_volunteer("刘晓燕")
    march = make_shift(start=local(2026, 3, 20, 9))
    login(me.user)
    response = client.get("/volunteer/me?lang=en&month=2026-13")
    assert response.status_code == 400
    html = text_of(response)
    assert "“2026-13” is not a month written as YYYY-MM" in html and shift_ids(html) == [march.id]


def test_the_hours_of_a_month_are_that_months(client, login, staff, make_volunteer, make_shift, frozen):
    me = make_volunteer("刘晓燕")
    february = make_shift(start=local(2026, 2, 27, 9), role="二月值班")
    march = make_shift(start=local(2026, 3, 1, 9), role="三月值班")
    for shift in (february, march):
        services.record_attendance(shift, me, status="completed", actor=staff)
    db.session.commit()
    login(me.user)
    html = text_of(client.get("/volunteer/me?lang=en"))
    assert "三月值班" in html and "二月值班" not in html
    totals = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    assert ("This year (2026)", "4") in totals and ("In total", "4") in totals
    assert "二月值班" in text_of(client.get("/volunteer/me?lang=en&month=2026-02"))


# --- the shifts API -------------------------------------------------------------------------------------


@pytest.fixture
def many_shifts(make_shift):
    """``add(n)``: n more standing duties, one every two hours from Tuesday 3 March."""
    made: list[Shift] = []

    def add(n: int) -> list[Shift]:
        for _ in range(n):
            made.append(make_shift(start=local(2026, 3, 3, 8) + timedelta(hours=2 * len(made)), hours=1))
        return made

    return add


@pytest.mark.parametrize("who", ["volunteer", "staff"])
def test_the_shifts_apis_default_window_costs_the_same_with_5_and_50(client, api_token, make_user, make_volunteer,
                                                                      many_shifts, who):
    user = make_volunteer().user if who == "volunteer" else make_user("staff")
    headers = api_token(user)
    many_shifts(5)
    same_cost(client, ["/api/v1/shifts", "/api/v1/shifts?limit=3"], lambda: many_shifts(45), headers=headers)


def test_the_shifts_api_walks_in_windows(client, api_token, make_user, many_shifts, make_shift):
    headers = api_token(make_user("staff"))
    shifts = many_shifts(7)
    make_shift(start=local(2026, 5, 2, 9))  # 61 days ahead: past the default window
    answer = client.get("/api/v1/shifts", headers=headers).get_json()
    assert [s["id"] for s in answer["shifts"]] == [s.id for s in shifts] and answer["next_cursor"] is None
    seen, cursor = [], None
    while True:
        path = "/api/v1/shifts?limit=3" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(path, headers=headers).get_json()
        seen.append([s["id"] for s in answer["shifts"]])
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert seen == [[s.id for s in shifts[i:i + 3]] for i in (0, 3, 6)]
    # A range keeps its windows too.
    ranged = client.get("/api/v1/shifts?from=2026-03-01&to=2026-05-31&limit=7", headers=headers).get_json()
    assert len(ranged["shifts"]) == 7 and ranged["next_cursor"] is not None
    rest = client.get(f"/api/v1/shifts?from=2026-03-01&to=2026-05-31&cursor={ranged['next_cursor']}",
                      headers=headers).get_json()
    assert [s["starts_at"][:10] for s in rest["shifts"]] == ["2026-05-02"] and rest["next_cursor"] is None


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=201", "limit"), ("limit=x", "limit"),
                                          ("cursor=bm9wZQ", "cursor"), ("from=2026-02-30&limit=0", "from")])
def test_the_shifts_api_refuses_a_bad_window(client, api_token, make_user, query, field):
    response = client.get(f"/api/v1/shifts?{query}", headers=api_token(make_user("staff")))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_the_openapi_document_describes_the_shifts_window(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/shifts"]["get"]
    names = [p["name"] for p in operation["parameters"]]
    assert names == ["from", "to", "limit", "cursor"]
    limit = next(p for p in operation["parameters"] if p["name"] == "limit")
    assert limit["schema"]["anyOf"][0]["default"] == 200  # (an empty limit is read as absent)
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert "next_cursor" in schema["properties"] and "60 days" in operation["description"]


def test_my_hours_cost_the_same_with_5_and_50_shifts(client, api_token, staff, make_volunteer, make_event, make_shift,
                                                     frozen):
    me = make_volunteer("刘晓燕")
    headers = api_token(me.user)
    done: list[Shift] = []

    def serve(n: int) -> None:
        for _ in range(n):
            start = local(2026, 1, 1, 8) + timedelta(days=len(done))
            event = make_event(title=f"活动 {len(done)}", starts_at=start, ends_at=start + timedelta(hours=2))
            shift = make_shift(event, start=start, hours=1)
            services.record_attendance(shift, me, status="completed", actor=staff)
            services.adjust_hours(me, Decimal("0.5"), reason="准备", actor=staff, day=start.date())
            done.append(shift)
        db.session.commit()

    serve(5)
    same_cost(client, ["/api/v1/volunteers/me/hours", "/api/v1/volunteers/me/hours?year=2025"],
              lambda: serve(45), headers=headers)
    answer = client.get("/api/v1/volunteers/me/hours", headers=headers).get_json()
    assert len(answer["shifts"]) == 50 and answer["hours"] == 75.0 and answer["total_hours"] == 75.0


# --- the shift feed -------------------------------------------------------------------------------------


def test_the_shift_feed_is_a_window_with_an_etag(client, make_volunteer, make_shift):
    me = make_volunteer("刘晓燕")
    made = {
        "long ago": make_shift(start=local(2025, 11, 1, 9), role="很久以前"),  # 121 days back
        "recent": make_shift(start=local(2026, 1, 1, 9), role="不久以前"),  # 60 days back
        "next year": make_shift(start=local(2027, 3, 1, 9), role="明年"),  # 364 days ahead
        "too far": make_shift(start=local(2027, 4, 1, 9), role="太远"),  # 395 days ahead
    }
    for shift in made.values():
        db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=me.id, status="confirmed",
                                            created_at=local(2025, 10, 1)))
    db.session.commit()
    path = f"/volunteer/{me.id}/shifts.ics?token={services.calendar_token(me)}"
    response = client.get(path)
    assert response.status_code == 200
    summaries = sorted(str(item["summary"]) for item in Calendar.from_ical(response.data).walk("VEVENT"))
    assert summaries == sorted(["不久以前", "明年"])
    assert response.headers["ETag"]
    assert set(response.headers["Cache-Control"].split(", ")) == {"private", "no-cache"}
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_shift_feed_costs_the_same_with_5_and_50_shifts(client, make_volunteer, make_event, make_shift):
    me = make_volunteer("刘晓燕")

    def take(n: int) -> None:
        for _ in range(n):
            start = local(2026, 3, 3, 8) + timedelta(days=db.session.query(Shift).count())
            event = make_event(starts_at=start, ends_at=start + timedelta(hours=2))
            services.sign_up(make_shift(event, start=start, hours=1, signup_opens_at=local(2026, 3, 1)), me)
        db.session.commit()

    take(5)
    same_cost(client, [f"/volunteer/{me.id}/shifts.ics?token={services.calendar_token(me)}"], lambda: take(45))


# --- the staff's lists ------------------------------------------------------------------------------------


def test_the_volunteers_index_in_pages_per_status(staff_client, make_volunteer):
    for n in range(26):
        make_volunteer(f"志愿者{n:02d}")
    for n in range(3):
        make_volunteer(f"申请人{n}", status="applicant")
    html = text_of(staff_client.get(f"{BASE}/?lang=en"))
    assert "志愿者24" in html and "志愿者25" not in html
    assert '<span class="badge">26</span>' in html
    second = staff_client.get(f"{BASE}/?lang=en&active_page=2&applicant_page=1")
    assert_valid_html(second)
    page = text_of(second)
    assert "志愿者25" in page and "志愿者24" not in page and "申请人0" in page
    # The other lists' pages stay in the links.
    assert 'href="/staff/volunteers/?lang=en&amp;active_page=1&amp;applicant_page=1#active-heading"' in page
    past = text_of(staff_client.get(f"{BASE}/?lang=en&active_page=7"))
    assert "志愿者25" in past and "志愿者24" not in past  # past the last page: the last


def test_the_volunteers_index_costs_the_same_with_5_and_50(staff_client, make_volunteer, staff, make_shift):
    def add(n: int) -> None:
        for k in range(n):
            volunteer = make_volunteer(f"志愿者{k}", status=("active", "applicant", "paused")[k % 3])
            call = RecruitmentCall(title=f"招募{k}", description="说明", status="open")
            db.session.add(call)
            db.session.flush()
            volunteer.call_id = call.id
            shift = make_shift(start=local(2026, 1, 1, 9) + timedelta(days=db.session.query(Shift).count()))
            services.record_attendance(shift, volunteer, status="completed", actor=staff)
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/", f"{BASE}/?active_page=9"], lambda: add(45))


def test_the_calls_in_pages(staff_client, make_volunteer):
    def add(n: int) -> None:
        for _ in range(n):
            call = RecruitmentCall(title=f"招募{db.session.query(RecruitmentCall).count():02d}", description="说明",
                                   status="open")
            db.session.add(call)
            db.session.flush()
            make_volunteer(call_id=call.id, status="applicant")
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/calls", f"{BASE}/calls?page=9"], lambda: add(45))
    calls = list(db.session.scalars(select(RecruitmentCall).order_by(RecruitmentCall.id.desc())))
    first = text_of(staff_client.get(f"{BASE}/calls?lang=en"))
    assert calls[24].title in first and calls[25].title not in first
    second = staff_client.get(f"{BASE}/calls?lang=en&page=2")
    assert_valid_html(second)
    assert calls[25].title in text_of(second) and calls[24].title not in text_of(second)
    last = text_of(staff_client.get(f"{BASE}/calls?lang=en&page=99"))
    assert calls[49].title in last and "Page 2 of 2" in last


def test_the_trainings_in_pages(staff_client, make_volunteer):
    volunteers = [make_volunteer(f"志愿者{k}") for k in range(3)]

    def add(n: int) -> None:
        for _ in range(n):
            k = db.session.query(Training).count()
            start = local(2026, 1, 1, 9) + timedelta(days=k)
            training = Training(title=f"培训{k:02d}", topic="消防安全", starts_at=start, ends_at=start + timedelta(hours=1))
            db.session.add(training)
            db.session.flush()
            for volunteer in volunteers:
                db.session.add(TrainingAttendance(training_id=training.id, volunteer_id=volunteer.id))
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/trainings", f"{BASE}/trainings?page=9"], lambda: add(45))
    first = text_of(staff_client.get(f"{BASE}/trainings?lang=en"))
    assert "培训49" in first and "培训25" in first and "培训24" not in first  # newest first
    second = staff_client.get(f"{BASE}/trainings?lang=en&page=2")
    assert_valid_html(second)
    assert "培训24" in text_of(second) and "培训25" not in text_of(second)


def test_a_training_page_costs_the_same_with_5_and_50_attendees(staff_client, make_volunteer):
    training = Training(title="消防安全培训", topic="消防安全", starts_at=local(2026, 3, 1, 9), ends_at=local(2026, 3, 1, 11))
    db.session.add(training)
    db.session.commit()

    def add(n: int) -> None:
        for _ in range(n):
            volunteer = make_volunteer()
            make_volunteer()  # one who did not attend: a choice of the form
            db.session.add(TrainingAttendance(training_id=training.id, volunteer_id=volunteer.id))
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/trainings/{training.id}"], lambda: add(45))


def test_the_shifts_by_week(staff_client, make_shift):
    make_shift(start=local(2026, 3, 2, 9), role="周一值班")
    make_shift(start=local(2026, 3, 8, 20), role="周日值班")
    make_shift(start=local(2026, 3, 9, 9), role="下周一值班")
    response = staff_client.get(f"{BASE}/shifts?lang=en")
    assert_valid_html(response)
    html = text_of(response)
    assert "周一值班" in html and "周日值班" in html and "下周一值班" not in html
    assert "The week of Mar 2, 2026 to Mar 8, 2026" in html
    assert 'href="/staff/volunteers/shifts?week=2026-03-09&amp;lang=en" rel="next"' in html
    assert 'href="/staff/volunteers/shifts?week=2026-02-23&amp;lang=en" rel="prev"' in html
    following = text_of(staff_client.get(f"{BASE}/shifts?lang=en&week=2026-03-11"))  # any day names its week
    assert "下周一值班" in following and ">周一值班</a>" not in following and "The week of Mar 9, 2026" in following
    bad = staff_client.get(f"{BASE}/shifts?lang=en&week=soon")
    assert bad.status_code == 400 and "周日值班" in text_of(bad)


def test_the_shifts_of_a_week_cost_the_same_with_5_and_50(staff_client, make_event, make_shift, make_volunteer):
    volunteer = make_volunteer()

    def add(n: int) -> None:
        for _ in range(n):
            k = db.session.query(Shift).count()
            start = local(2026, 3, 3, 8) + timedelta(minutes=5 * k)
            event = make_event(starts_at=start, ends_at=start + timedelta(hours=2))
            shift = make_shift(event, start=start, hours=0.05, slots=1, signup_opens_at=local(2026, 3, 1))
            db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, status="waitlisted",
                                                created_at=local(2026, 3, 1)))
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/shifts"], lambda: add(45))


def test_a_profile_pages_its_shifts_and_shows_a_year_of_hours(staff_client, staff, make_volunteer, make_shift, frozen):
    me = make_volunteer("刘晓燕")
    shifts = []
    for k in range(26):
        shift = make_shift(start=local(2026, 2, 1, 9) + timedelta(days=k), role=f"班次{k:02d}")
        services.record_attendance(shift, me, status="completed", actor=staff)
        shifts.append(shift)
    last_year = make_shift(start=local(2025, 6, 1, 9), role="去年的班次")
    services.record_attendance(last_year, me, status="completed", actor=staff)
    db.session.commit()
    response = staff_client.get(f"{BASE}/{me.id}?lang=en")
    assert_valid_html(response)
    html = text_of(response)
    table = html[html.index('id="shifts-heading"'):]
    assert "班次25" in table and "班次01" in table and "班次00" not in table  # newest first, 25 a page
    assert "去年的班次" not in html[:html.index('id="shifts-heading"')]  # the ledger shows this year
    second = text_of(staff_client.get(f"{BASE}/{me.id}?lang=en&shifts_page=2"))
    table = second[second.index('id="shifts-heading"'):]
    assert "班次00" in table and "去年的班次" in table and "班次01" not in table
    ledger = text_of(staff_client.get(f"{BASE}/{me.id}?lang=en&year=2025"))
    assert "Hours ledger of 2025" in ledger and "去年的班次" in ledger[:ledger.index('id="shifts-heading"')]


def test_a_profile_costs_the_same_with_5_and_50_shifts(staff_client, staff, make_volunteer, make_event, make_shift):
    me = make_volunteer("刘晓燕")

    def add(n: int) -> None:
        for _ in range(n):
            k = db.session.query(Shift).count()
            start = local(2026, 1, 1, 9) + timedelta(days=k)
            event = make_event(starts_at=start, ends_at=start + timedelta(hours=2))
            shift = make_shift(event, start=start, hours=1)
            services.record_attendance(shift, me, status="completed", actor=staff)
            services.adjust_hours(me, Decimal("0.25"), reason="准备", actor=staff, day=start.date())
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/{me.id}", f"{BASE}/{me.id}?shifts_page=9&year=2025"], lambda: add(45))


# --- rosters -------------------------------------------------------------------------------------------


@pytest.fixture
def busy_day(make_event, make_shift, make_volunteer):
    """``add(n)``: n more shifts on Thursday 5 March, each of its own event, with two volunteers
    signed up and one waiting; and an event ``day["event"]`` those shifts belong to when asked."""
    state = {"n": 0}

    def add(n: int, event=None) -> None:
        for _ in range(n):
            k = state["n"]
            state["n"] += 1
            start = local(2026, 3, 5, 8) + timedelta(minutes=10 * k)
            owner = event or make_event(starts_at=start, ends_at=start + timedelta(hours=2))
            shift = make_shift(owner, start=start, hours=0.1, slots=2)
            for status in ("confirmed", "confirmed", "waitlisted"):
                volunteer = make_volunteer()
                db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, status=status,
                                                    created_at=local(2026, 3, 1)))
        db.session.commit()

    return add


def roster_export_cost(app, kind: str, params: dict, staff) -> int:
    """The statements of making a roster's PDF in the job worker (``exports.build``)."""
    export, _new = exports.start(kind, params, actor=staff, locale="en")
    db.session.commit()
    with app.test_request_context(base_url="http://outreach.test/"), count_statements() as statements:
        exports.build(export.id)
    db.session.expire_all()
    assert db.session.get(ExportJob, export.id).status == "done"
    return statements.n


def test_the_day_roster_costs_the_same_with_5_and_50_shifts(app, staff, staff_client, busy_day):
    paths = [f"{BASE}/rosters", f"{BASE}/rosters/days/2026-03-05", f"{BASE}/rosters/days/2026-03-05/roster.csv"]
    busy_day(5)
    small = [counted(staff_client, path, status=303 if path.endswith("rosters") else 200) for path in paths]
    small_pdf = roster_export_cost(app, "roster_day", {"day": "2026-03-05"}, staff)
    busy_day(45)
    assert [counted(staff_client, path, status=303 if path.endswith("rosters") else 200) for path in paths] == small
    assert roster_export_cost(app, "roster_day", {"day": "2026-03-05"}, staff) == small_pdf
    csv = staff_client.get(f"{BASE}/rosters/days/2026-03-05/roster.csv").data.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 1 + 50 * 3  # the file is the whole day


def test_an_events_roster_costs_the_same_with_5_and_60_shifts(app, staff, staff_client, busy_day, make_event):
    event = make_event(title="少儿美术展", starts_at=local(2026, 3, 5, 8), ends_at=local(2026, 3, 5, 20))
    paths = [f"{BASE}/rosters/events/{event.id}", f"{BASE}/rosters/events/{event.id}/roster.csv"]
    busy_day(5, event)
    small_pdf = roster_export_cost(app, "roster_event", {"event_id": event.id}, staff)
    same_cost(staff_client, paths, lambda: busy_day(55, event))
    assert roster_export_cost(app, "roster_event", {"event_id": event.id}, staff) == small_pdf
    csv = staff_client.get(f"{BASE}/rosters/events/{event.id}/roster.csv").data.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 1 + 60 * 3


def test_a_shifts_page_costs_the_same_with_5_and_50_volunteers(staff_client, make_shift, make_volunteer):
    shift = make_shift(start=local(2026, 3, 5, 9), slots=100)

    def add(n: int) -> None:
        for _ in range(n):
            db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=make_volunteer().id, status="confirmed",
                                                created_at=local(2026, 3, 1)))
            make_volunteer()  # another active volunteer, a choice of the attendance form
        db.session.commit()

    add(5)
    same_cost(staff_client, [f"{BASE}/shifts/{shift.id}"], lambda: add(45))


# --- what a person sees ---------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_volunteer_goes_to_next_month_on_a_phone(live_server, page, make_volunteer, make_shift, open_shifts, lang):
    me = make_volunteer("陈静")
    april = make_shift(start=local(2026, 4, 2, 9), role="四月值班", signup_opens_at=local(2026, 3, 1))
    services.sign_up(april, me)
    db.session.commit()
    open_shifts(26)
    sign_in(page, live_server, me.user, lang, lands_on="/volunteer/me")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    assert page.locator("#open-heading ~ article").count() == 25
    with page.expect_navigation():
        page.click("nav.pager[aria-label] a[rel=next] >> nth=-1")  # the shifts' next page
    assert "open_page=2" in page.url and page.locator("#open-heading ~ article").count() == 1
    with page.expect_navigation():
        page.click("nav.period-nav a[rel=next]")
    assert "month=2026-04" in page.url
    assert page.locator(f"#shift-{april.id}").is_visible()
    assert axe_violations(page) == []


@pytest.mark.browser
def test_staff_go_to_next_week_on_a_phone(live_server, page, staff, make_shift):
    make_shift(start=local(2026, 3, 9, 9), role="下周一值班")
    sign_in(page, live_server, staff, "zh_Hans")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/staff/volunteers/shifts")
    assert page.locator("text=下周一值班").count() == 0
    assert axe_violations(page) == []
    with page.expect_navigation():
        page.click("nav.period-nav a[rel=next]")
    assert "week=2026-03-09" in page.url and page.locator("text=下周一值班").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

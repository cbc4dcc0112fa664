from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.places.models import Venue
from outreach.extensions import db
from outreach.registration.services import register
from tests.helpers import csrf_token_from, in_days


@pytest.fixture
def staff_headers(make_user, api_token):
    return api_token(make_user("staff"))


def event_body(venue_id=None, /, **overrides):
    body = {
        "title": "星海讲坛 第15期",
        "type": "lecture",
        "starts_at": "2026-12-05T09:30:00",
        "ends_at": "2026-12-05T11:00:00",
        "venue_id": venue_id,
        "capacity": 80,
        "registration": "open",
        "status": "published",
    }
    body.update(overrides)
    return body


def test_create_venue_with_branch_by_name(client, staff_headers, make_branch):
    branch = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    response = client.post(
        "/api/v1/venues", json={"name": "讲坛活动室", "branch": "星海明筑分馆", "capacity": 80}, headers=staff_headers
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "讲坛活动室"
    assert body["branch"] == "星海明筑分馆"
    assert body["branch_id"] == branch.id
    assert body["capacity"] == 80
    listed = client.get("/api/v1/venues", headers=staff_headers).get_json()["venues"]
    assert [v["id"] for v in listed] == [body["id"]]


def test_create_venue_validation(client, staff_headers):
    response = client.post(
        "/api/v1/venues?lang=en", json={"name": "", "branch": "No such branch", "capacity": -1}, headers=staff_headers
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"name", "branch", "capacity"}
    assert db.session.scalar(select(func.count(Venue.id))) == 0


def test_create_venue_twice_in_one_branch_is_a_conflict(client, staff_headers, make_branch):
    make_branch(name="总馆")
    assert client.post("/api/v1/venues", json={"name": "报告厅", "branch": "总馆"}, headers=staff_headers).status_code == 201
    response = client.post("/api/v1/venues", json={"name": "报告厅", "branch": "总馆"}, headers=staff_headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "venue_exists"


def test_create_event_returns_it_with_offsets(client, staff_headers, make_venue):
    venue = make_venue()
    response = client.post("/api/v1/events", json=event_body(venue.id), headers=staff_headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert isinstance(body["id"], int)
    # A time without an offset is library time (Asia/Shanghai), answered with its offset.
    assert body["starts_at"] == "2026-12-05T09:30:00+08:00"
    assert body["ends_at"] == "2026-12-05T11:00:00+08:00"
    assert body["status"] == "published"
    assert body["capacity"] == 80
    assert body["venue_id"] == venue.id
    stored = db.session.get(Event, body["id"])
    assert stored.starts_at == datetime(2026, 12, 5, 1, 30, tzinfo=timezone.utc)
    assert client.get(f"/api/v1/events/{body['id']}").get_json()["title"] == "星海讲坛 第15期"


def test_create_event_with_explicit_offset(client, staff_headers, make_venue):
    venue = make_venue()
    body = event_body(venue.id, starts_at="2026-12-05T01:30:00Z", ends_at="2026-12-05T03:00:00+00:00")
    response = client.post("/api/v1/events", json=body, headers=staff_headers)
    assert response.get_json()["starts_at"] == "2026-12-05T09:30:00+08:00"


def test_staff_may_record_past_events(client, staff_headers, make_venue):
    venue = make_venue()
    body = event_body(venue.id, starts_at="2018-11-12T09:00:00", ends_at="2018-11-12T12:00:00", type="competition")
    assert client.post("/api/v1/events", json=body, headers=staff_headers).status_code == 201


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": ""}, {"title"}),
        ({"title": "x" * 201}, {"title"}),
        ({"title": None}, {"title"}),
        ({"type": "party"}, {"type"}),
        ({"ends_at": "2026-12-05T09:00:00"}, {"ends_at"}),
        ({"starts_at": "next Tuesday"}, {"starts_at"}),
        ({"capacity": -1}, {"capacity"}),
        ({"capacity": 2.5}, {"capacity"}),
        ({"capacity": "80"}, {"capacity"}),
        ({"venue_id": 99999}, {"venue_id"}),
        ({"registration": "sometimes"}, {"registration"}),
        ({"status": "completed"}, {"status"}),
        ({"max_party_size": 0}, {"max_party_size"}),
        ({"title": "", "capacity": -5, "type": "x"}, {"title", "capacity", "type"}),
    ],
)
def test_create_event_validation(client, staff_headers, make_venue, changes, fields):
    venue = make_venue()
    response = client.post("/api/v1/events?lang=en", json=event_body(venue.id, **changes), headers=staff_headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == fields
    assert all(isinstance(m, str) and m for m in error["fields"].values())
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_title_of_200_characters_and_null_capacity_are_fine(client, staff_headers, make_venue):
    venue = make_venue()
    response = client.post(
        "/api/v1/events", json=event_body(venue.id, title="讲" * 200, capacity=None), headers=staff_headers
    )
    assert response.status_code == 201
    assert response.get_json()["capacity"] is None


def test_validation_messages_follow_the_request_language(client, staff_headers, make_venue):
    venue = make_venue()
    zh = client.post(
        "/api/v1/events", json=event_body(venue.id, title="x" * 201), headers={**staff_headers, "Accept-Language": "zh-CN"}
    ).get_json()
    en = client.post("/api/v1/events?lang=en", json=event_body(venue.id, title="x" * 201), headers=staff_headers).get_json()
    assert en["error"]["fields"]["title"] == "Give a title of 1 to 200 characters."
    assert zh["error"]["fields"]["title"] == "请填写 1 至 200 个字符的标题。"


def test_body_must_be_json(client, staff_headers):
    response = client.post("/api/v1/events", data="title=x", headers=staff_headers)
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    response = client.post("/api/v1/events", json=["not", "an", "object"], headers=staff_headers)
    assert response.status_code == 422


def test_writes_need_a_staff_token(client, make_user, api_token, make_venue):
    venue = make_venue()
    response = client.post("/api/v1/events", json=event_body(venue.id))
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    volunteer = api_token(make_user("volunteer"))
    response = client.post("/api/v1/events", json=event_body(venue.id), headers=volunteer)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    response = client.post(
        "/api/v1/events", json=event_body(venue.id), headers={"Authorization": "Bearer otr_forged"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert client.get("/api/v1/venues").status_code == 401


def test_public_list_hides_drafts_but_keeps_completed_and_cancelled(client, staff_headers, make_event):
    draft = make_event(status="draft")
    published = make_event()
    done = make_event(starts_at=in_days(-30), ends_at=in_days(-30) + timedelta(hours=2))
    done.status = "completed"
    called_off = make_event()
    called_off.status = "cancelled"
    db.session.commit()
    public = client.get("/api/v1/events").get_json()["events"]
    assert {e["id"]: e["status"] for e in public} == {
        published.id: "published",
        done.id: "completed",
        called_off.id: "cancelled",
    }
    staff = client.get("/api/v1/events", headers=staff_headers).get_json()["events"]
    assert {e["id"] for e in staff} == {draft.id, published.id, done.id, called_off.id}
    assert client.get(f"/api/v1/events/{draft.id}").status_code == 404
    assert client.get(f"/api/v1/events/{draft.id}", headers=staff_headers).status_code == 200
    assert client.get(f"/api/v1/events/{done.id}").get_json()["status"] == "completed"


def test_list_filters_by_library_days_and_type(client, make_event, make_venue):
    from outreach.timezone import localize

    venue = make_venue()
    # 23:30 on 31 December 2018 in Shanghai is still 2018, though it is 15:30 UTC.
    late = make_event(
        venue=venue, type="activity",
        starts_at=localize(datetime(2018, 12, 31, 22, 0)), ends_at=localize(datetime(2018, 12, 31, 23, 30)),
    )
    new_year = make_event(
        venue=venue, starts_at=localize(datetime(2019, 1, 1, 9, 0)), ends_at=localize(datetime(2019, 1, 1, 11, 0))
    )
    ids = [e["id"] for e in client.get("/api/v1/events?from=2018-01-01&to=2018-12-31").get_json()["events"]]
    assert ids == [late.id]
    ids = [e["id"] for e in client.get("/api/v1/events?from=2018-12-31&to=2019-01-01").get_json()["events"]]
    assert ids == [late.id, new_year.id]
    ids = [e["id"] for e in client.get("/api/v1/events?from=2018-01-01&to=2019-12-31&type=lecture").get_json()["events"]]
    assert ids == [new_year.id]


def test_list_rejects_bad_queries(client):
    response = client.get("/api/v1/events?from=2018-13-01&type=party")
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"from", "type"}
    response = client.get("/api/v1/events?from=2019-01-01&to=2018-01-01")
    assert set(response.get_json()["error"]["fields"]) == {"to"}


def test_unknown_event_and_route_answer_json_404(client):
    response = client.get("/api/v1/events/424242")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_session_cookie_writes_to_the_api_need_the_csrf_header(client, make_user, login, make_venue):
    venue = make_venue()
    login(make_user("staff"))
    response = client.post("/api/v1/events", json=event_body(venue.id))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"

    token = csrf_token_from(client, "/staff/")
    response = client.post("/api/v1/events", json=event_body(venue.id), headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_series_sessions_are_numbered_once(client, staff_headers, make_venue):
    from outreach.places.models import Series

    forum = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(forum)
    db.session.commit()
    venue = make_venue()
    body = event_body(venue.id, series_id=forum.id, session_number=15, speaker="王老师")
    response = client.post("/api/v1/events", json=body, headers=staff_headers)
    assert response.status_code == 201
    created = response.get_json()
    assert created["series"] == {"id": forum.id, "name": "星海讲坛", "name_en": "Xinghai Forum"}
    assert created["session_number"] == 15
    again = client.post("/api/v1/events", json=body, headers=staff_headers)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "session_taken"
    assert "fields" not in again.get_json()["error"]  # the contract: `fields` only on a 422
    assert db.session.scalar(select(func.count(Event.id))) == 1
    response = client.post(
        "/api/v1/events?lang=en", json=event_body(venue.id, session_number=3), headers=staff_headers
    )
    assert response.get_json()["error"]["fields"] == {"session_number": "A session number needs a series."}


def test_events_take_questions_windows_and_daily_hours(client, staff_headers, make_venue):
    venue, gallery = make_venue(), make_venue(kind="exhibition")
    questions = [
        {"key": "school", "label": "学校", "label_en": "School", "required": True},
        {"key": "grade", "label": "年级", "choices": ["一年级", "二年级"]},
    ]
    body = event_body(
        venue.id, type="competition", questions=questions,
        registration_opens_at="2026-12-01T09:00:00", registration_closes_at="2026-12-04T18:00:00",
    )
    response = client.post("/api/v1/events", json=body, headers=staff_headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["questions"] == questions
    assert created["registration_opens_at"] == "2026-12-01T09:00:00+08:00"
    exhibition = event_body(
        gallery.id, type="exhibition", starts_at="2026-12-01T09:00:00", ends_at="2026-12-31T17:00:00",
        daily_opens_at="09:00", daily_closes_at="17:00", registration="none",
    )
    created = client.post("/api/v1/events", json=exhibition, headers=staff_headers).get_json()
    assert (created["daily_opens_at"], created["daily_closes_at"]) == ("09:00", "17:00")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"questions": [{"key": "School!", "label": "学校"}]}, {"questions"}),
        ({"questions": [{"key": "a", "label": "x"}, {"key": "a", "label": "y"}]}, {"questions"}),
        ({"questions": "school"}, {"questions"}),
        ({"daily_opens_at": "9 o'clock", "daily_closes_at": "17:00"}, {"daily_opens_at", "daily_closes_at"}),
        ({"daily_opens_at": "17:00", "daily_closes_at": "09:00"}, {"daily_closes_at"}),
        ({"registration_opens_at": "2026-12-04T00:00:00", "registration_closes_at": "2026-12-01T00:00:00"}, {"registration_closes_at"}),
    ],
)
def test_event_extras_validation(client, staff_headers, make_venue, changes, fields):
    venue = make_venue()
    response = client.post("/api/v1/events?lang=en", json=event_body(venue.id, **changes), headers=staff_headers)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_duplicate_an_event_with_its_shifts(client, staff_headers, make_venue):
    from outreach.places.models import Series
    from outreach.volunteers import services as volunteers
    from outreach.volunteers.models import Shift

    forum = Series(name="星海讲坛")
    db.session.add(forum)
    db.session.commit()
    venue = make_venue()
    body = event_body(venue.id, series_id=forum.id, session_number=15, registration_opens_at="2026-11-28T09:00:00",
                      title="星海讲坛 第15期：宋代瓷器", title_en="Xinghai Forum No. 15: Song porcelain")
    original = client.post("/api/v1/events", json=body, headers=staff_headers).get_json()
    event = db.session.get(Event, original["id"])
    volunteers.create_shift(event, role="讲坛签到", starts_at=event.starts_at - timedelta(minutes=30),
                            ends_at=event.ends_at, slots=2)
    db.session.commit()
    response = client.post(f"/api/v1/events/{event.id}/duplicate", json={"starts_at": "2026-12-12T09:30:00"}, headers=staff_headers)
    assert response.status_code == 201
    copy = response.get_json()
    # The next session, titled as one (the series has no English name: no English title), not No. 15's topic.
    assert (copy["status"], copy["session_number"], copy["title"], copy["title_en"]) == ("draft", 16, "星海讲坛 第16期", None)
    assert (copy["starts_at"], copy["ends_at"]) == ("2026-12-12T09:30:00+08:00", "2026-12-12T11:00:00+08:00")
    assert copy["registration_opens_at"] == "2026-12-05T09:00:00+08:00"
    shifts = db.session.scalars(select(Shift).where(Shift.event_id == copy["id"])).all()
    assert [(s.role, s.slots) for s in shifts] == [("讲坛签到", 2)]
    assert shifts[0].starts_at == datetime(2026, 12, 12, 1, 0, tzinfo=timezone.utc)
    bad = client.post(f"/api/v1/events/{event.id}/duplicate", json={"starts_at": "soon"}, headers=staff_headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"starts_at"}


def test_cancelling_needs_a_reason_when_registrants_are_told(client, app, staff_headers, make_event):
    event = make_event(starts_at=in_days(5), capacity=10)
    register(event, name="甲", phone="13812345678", email="a@example.org")
    db.session.commit()
    app.extensions["outreach_sent_mail"] = []
    path = f"/api/v1/events/{event.id}/status"
    refused = client.post(path, json={"status": "cancelled", "reason": "  "}, headers={**staff_headers, "Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json() == {"error": {
        "code": "validation_error", "message": "Some fields need your attention.",
        "fields": {"reason": "Give the reason: 1 registrant who gave an e-mail address is told it."},
    }}
    chinese = client.post(path, json={"status": "cancelled"}, headers={**staff_headers, "Accept-Language": "zh-CN"})
    assert chinese.get_json()["error"]["fields"] == {"reason": "请填写原因：将通过邮件告知留了电子邮箱的 1 位报名者。"}
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published" and app.extensions["outreach_sent_mail"] == []
    done = client.post(path, json={"status": "cancelled", "reason": "台风停课"}, headers=staff_headers)
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"
    assert [m.to for m in app.extensions["outreach_sent_mail"]] == ["a@example.org"]


def test_cancelling_an_event_nobody_is_told_of_needs_no_reason(client, staff_headers, make_event):
    event = make_event(starts_at=in_days(5))
    done = client.post(f"/api/v1/events/{event.id}/status", json={"status": "cancelled"}, headers=staff_headers)
    assert done.status_code == 200 and done.get_json()["status"] == "cancelled"

from datetime import datetime

import pytest
from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.recurrences import services
from outreach.recurrences.models import Recurrence
from outreach.registration.services import register
from outreach.timezone import library_tz, local


@pytest.fixture
def headers(make_user, api_token):
    return api_token(make_user("staff"))


def body(venue, **overrides) -> dict:
    return {
        "title": "三点半课堂", "type": "class", "venue_id": venue.id, "status": "published", "capacity": 30,
        "audience": "children", "weekdays": [1, 3, 5], "starts_on": "2026-09-28", "ends_on": "2026-10-09",
        "start_time": "15:30", "end_time": "16:30", "exceptions": [{"day": "2026-10-02", "reason": "国庆节"}],
        **overrides,
    }


def test_create_a_weekly_event(client, headers, make_venue):
    response = client.post("/api/v1/recurrences", json=body(make_venue()), headers=headers)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert (data["weekdays"], data["start_time"], data["end_time"]) == ([1, 3, 5], "15:30", "16:30")
    assert data["exceptions"] == [{"day": "2026-10-02", "reason": "国庆节"}]
    assert [o["starts_at"] for o in data["occurrences"]] == [
        "2026-09-28T15:30:00+08:00", "2026-09-30T15:30:00+08:00", "2026-10-05T15:30:00+08:00",
        "2026-10-07T15:30:00+08:00", "2026-10-09T15:30:00+08:00",
    ]
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert [e.id for e in events] == [o["id"] for o in data["occurrences"]]
    assert {(e.recurrence_id, e.capacity, e.status) for e in events} == {(data["id"], 30, "published")}
    got = client.get(f"/api/v1/recurrences/{data['id']}", headers=headers)
    assert got.status_code == 200 and got.get_json() == data


def test_every_bad_field_is_reported_at_once(client, headers, make_venue):
    bad = body(make_venue(), weekdays=[0, 9], title=None, starts_at="2026-09-28T15:30", end_time="15:00",
               exceptions=[{"day": "十月一日"}], capacity=-1)
    response = client.post("/api/v1/recurrences", json=bad, headers=headers)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"weekdays", "title", "starts_at", "end_time", "exceptions", "capacity"}
    assert db.session.scalar(select(func.count(Recurrence.id))) == 0


def test_room_clashes_are_refused_with_the_dates(client, headers, make_venue, make_event):
    venue = make_venue()
    tz = library_tz()
    for day in (30, 7):
        month = 9 if day == 30 else 10
        make_event(venue=venue, starts_at=datetime(2026, month, day, 16, 0, tzinfo=tz),
                   ends_at=datetime(2026, month, day, 17, 0, tzinfo=tz))
    response = client.post("/api/v1/recurrences", json=body(venue), headers=headers)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "room_booked"
    assert "2026年9月30日、2026年10月7日" in error["message"]
    assert "fields" not in error  # the contract: `fields` only on a 422
    assert db.session.scalar(select(func.count(Event.id))) == 2
    response = client.post("/api/v1/recurrences", json=body(venue, booking_override_reason="共用教室"), headers=headers)
    assert response.status_code == 201
    assert len(response.get_json()["occurrences"]) == 5


def test_staff_only(client, make_user, api_token, make_venue, make_class):
    venue = make_venue()
    assert client.post("/api/v1/recurrences", json=body(venue)).status_code == 401
    volunteer = api_token(make_user("volunteer"))
    assert client.post("/api/v1/recurrences", json=body(venue), headers=volunteer).status_code == 403
    recurrence = make_class()
    assert client.get(f"/api/v1/recurrences/{recurrence.id}", headers=volunteer).status_code == 403
    assert client.patch(f"/api/v1/recurrences/{recurrence.id}", json={"capacity": 5}, headers=volunteer).status_code == 403


def test_skip_a_day(client, headers, make_class):
    recurrence = make_class()
    path = f"/api/v1/recurrences/{recurrence.id}/exceptions"
    response = client.post(path, json={"day": "2026-09-09", "reason": "学校运动会"}, headers=headers)
    assert response.status_code == 201
    data = response.get_json()
    assert data["exceptions"] == [{"day": "2026-09-09", "reason": "学校运动会"}]
    assert [o["status"] for o in data["occurrences"]][:4] == ["published", "published", "cancelled", "published"]
    again = client.post(path, json={"day": "2026-09-09"}, headers=headers)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "exception_exists")
    saturday = client.post(path, json={"day": "2026-09-12"}, headers=headers)
    assert saturday.status_code == 422 and set(saturday.get_json()["error"]["fields"]) == {"day"}
    assert client.post("/api/v1/recurrences/999/exceptions", json={"day": "2026-09-09"}, headers=headers).status_code == 404


def test_skipping_a_day_whose_registrants_are_told_needs_a_reason(client, headers, make_class):
    recurrence = make_class()
    event = services.occurrences(recurrence)[1]
    register(event, name="王小明", phone="13800000000", email="parent@example.org")
    db.session.commit()
    path = f"/api/v1/recurrences/{recurrence.id}/exceptions"
    refused = client.post(path, json={"day": "2026-09-08"}, headers={**headers, "Accept-Language": "en"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"] == {
        "reason": "Give the reason: 1 registrant who gave an e-mail address is told it.",
    }
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published" and recurrence.exceptions == []
    done = client.post(path, json={"day": "2026-09-08", "reason": "学校运动会"}, headers=headers)
    assert done.status_code == 201


def test_edit_all_future_occurrences(client, headers, make_class):
    recurrence = make_class()
    path = f"/api/v1/recurrences/{recurrence.id}"
    response = client.patch(
        path, json={"capacity": 20, "start_time": "16:00", "end_time": "17:00", "from_day": "2026-09-14"}, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert (data["changed"], data["start_time"]) == (5, "16:00")
    events = services.occurrences(recurrence)
    assert [e.capacity for e in events] == [30] * 5 + [20] * 5
    assert [local(e.starts_at).hour for e in events] == [15] * 5 + [16] * 5
    refused = client.patch(path, json={"status": "cancelled", "starts_at": "2026-09-20T10:00", "title": ""}, headers=headers)
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"status", "starts_at"}
    empty = client.patch(path, json={"title": ""}, headers=headers)
    assert empty.status_code == 422 and set(empty.get_json()["error"]["fields"]) == {"title"}
    assert {e.title for e in services.occurrences(recurrence)} == {"三点半课堂"}


def test_partners_are_set_on_every_occurrence(client, headers, make_venue):
    from outreach.events.models import EventPartner
    from outreach.places.models import Partner

    school = Partner(name="南门小学")
    db.session.add(school)
    db.session.commit()
    response = client.post("/api/v1/recurrences", json=body(make_venue(), partners=[{"partner_id": school.id, "role": "host"}]),
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert db.session.execute(select(EventPartner.partner_id, EventPartner.role)).all() == [(school.id, "host")] * 5
    bad = client.post("/api/v1/recurrences", json=body(make_venue(), partners=[{"partner_id": "南门小学"}]), headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"partners"}

"""Visit requests in the JSON API: anyone asks (the form's rules, 422 with a message per field,
rate-limited); staff list, read and answer (accept with a clash as 409, propose, decline)."""

from __future__ import annotations

from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import OutboxMessage
from outreach.visits.models import VisitRequest
from tests.helpers import local


def body(**overrides) -> dict:
    data = {
        "organisation": "南门中学", "kind": "school", "contact_name": "李老师", "phone": "13712345678",
        "email": "teacher@example.org", "preferred": [{"date": "2027-03-10", "part": "morning"}],
        "children": 42, "adults": 3, "wish": "guided", "consent": True,
    }
    data.update(overrides)
    return data


def test_anyone_asks_and_gets_the_private_link(client):
    response = client.post("/api/v1/visits", json=body())
    assert response.status_code == 201
    answer = response.get_json()
    assert answer["status"] == "new" and answer["url"].endswith(f"/visits/r/{answer['token']}")
    assert "id" not in answer
    assert client.get(f"/visits/r/{answer['token']}").status_code == 200


def test_bad_requests_are_422_with_a_message_per_field(client):
    response = client.post("/api/v1/visits", json=body(
        organisation="", kind="zoo", phone="12", preferred=[{"date": "2027-02-30"}], children=-1, consent=False))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"organisation", "kind", "phone", "preferred.0.date", "children", "consent"}
    response = client.post("/api/v1/visits", json=body(preferred=[], children="many", topic=3))
    assert response.status_code == 422
    assert {"preferred", "children", "topic"} <= set(response.get_json()["error"]["fields"])
    assert db.session.scalar(select(func.count()).select_from(VisitRequest)) == 0


def test_the_api_is_rate_limited_like_the_form(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="2 per minute")
    client = app.test_client()
    with app.app_context():
        answers = [client.post("/api/v1/visits", json=body(phone=p)).status_code
                   for p in ("13712345678", "13712345679", "13712345670")]
        assert answers == [201, 201, 429]


def test_staff_list_read_and_accept(client, api_token, staff, make_request, room, make_event):
    headers = api_token(staff)
    visit, _token = make_request()
    other, _other_token = make_request(organisation="幸福幼儿园", kind="kindergarten")
    listed = client.get("/api/v1/visits?status=new&limit=1", headers=headers).get_json()
    assert [v["organisation"] for v in listed["visits"]] == ["幸福幼儿园"] and listed["next_cursor"]
    assert client.get("/api/v1/visits?status=lost", headers=headers).status_code == 422
    one = client.get(f"/api/v1/visits/{visit.id}", headers=headers).get_json()
    assert (one["phone"], one["children"], one["event_id"]) == ("13712345678", 42, None)
    assert client.post(f"/api/v1/visits/{visit.id}/accept", json={"venue_id": room.id},
                       headers=headers).status_code == 422
    make_event(venue=room, starts_at=one_time(9), ends_at=one_time(10))
    clash = client.post(f"/api/v1/visits/{visit.id}/accept", headers=headers,
                        json={"date": "2027-03-10", "starts": "09:30", "ends": "11:00", "venue_id": room.id})
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "room_booked"
    accepted = client.post(f"/api/v1/visits/{visit.id}/accept", headers=headers,
                           json={"date": "2027-03-10", "starts": "14:00", "ends": "15:30", "venue_id": room.id})
    assert accepted.status_code == 200
    answer = accepted.get_json()
    assert answer["status"] == "accepted" and "/t/" in answer["ticket_url"]
    assert db.session.get(Event, answer["event_id"]).type == "visit"
    again = client.post(f"/api/v1/visits/{visit.id}/decline", json={"reason": "x"}, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "visit_answered"


def one_time(hour: int):
    return local(2027, 3, 10, hour, 0)


def test_staff_propose_and_decline(client, api_token, staff, make_request, room):
    headers = api_token(staff)
    visit, _token = make_request()
    proposed = client.post(f"/api/v1/visits/{visit.id}/propose", headers=headers, json={
        "date": "2027-03-17", "starts": "09:30", "ends": "11:00", "venue_id": room.id, "note": "周三上午人少"})
    assert proposed.status_code == 200 and proposed.get_json()["proposal"]["note"] == "周三上午人少"
    assert client.post(f"/api/v1/visits/{visit.id}/decline", json={}, headers=headers).status_code == 422
    declined = client.post(f"/api/v1/visits/{visit.id}/decline", json={"reason": "约满"}, headers=headers)
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["visit.received", "visit.proposed", "visit.declined"]

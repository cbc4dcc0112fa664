"""The visit pages end to end through the real forms: the public form (messages beside the fields
in both languages, rate-limited), the requester's private link, the staff's queue and answers."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration.models import Registration
from outreach.visits.models import VisitRequest
from tests.helpers import assert_valid_html, csrf_token_from, field_error, local, text_of


def form_data(token: str, **overrides) -> dict:
    data = {
        "csrf_token": token, "organisation": "南门中学", "kind": "school", "contact_name": "李老师",
        "phone": "137 1234 5678", "email": "teacher@example.org", "date_1": "2027-03-10", "part_1": "morning",
        "date_2": "2027-03-11", "part_2": "times", "from_2": "14:00", "to_2": "16:00", "part_3": "morning",
        "children": "42", "adults": "3", "ages": "初一", "wish": "topic", "topic": "古籍修复", "needs": "", "consent": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_is_linked_from_the_programme_and_valid(client):
    programme = client.get("/?lang=en")
    assert 'href="/visits/request"' in programme.get_data(as_text=True)
    page = client.get("/visits/request?lang=en")
    assert page.status_code == 200 and "Ask for a group visit" in text_of(page)
    assert_valid_html(page)


def test_a_school_sends_a_request_and_follows_it_by_its_link(client):
    token = csrf_token_from(client, "/visits/request")
    response = client.post("/visits/request", data=form_data(token))
    assert response.status_code == 303
    link = response.headers["Location"]
    assert re.fullmatch(r"/visits/r/[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}", link)
    visit = db.session.scalars(select(VisitRequest)).one()
    assert (visit.organisation, visit.phone, visit.party_size, visit.topic, visit.locale) == (
        "南门中学", "13712345678", 45, "古籍修复", "zh_Hans")
    assert visit.preferred == [{"date": "2027-03-10", "part": "morning", "from": None, "to": None},
                               {"date": "2027-03-11", "part": "times", "from": "14:00", "to": "16:00"}]
    page = client.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = text_of(page)
    assert "预约已提交" in html and "接下来" in html and "新预约" in html
    assert_valid_html(page)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_messages_beside_the_fields_in_both_languages(client):
    token = csrf_token_from(client, "/visits/request")
    bad = form_data(token, organisation="", phone="12", date_1="2027-02-01", children="0", adults="0",
                    topic="", consent=None)
    response = client.post("/visits/request?lang=en", data=bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_error(html, "organisation") == "Give the name of your school or organisation."
    assert field_error(html, "date_1") == "Choose a date after today."
    assert field_error(html, "children") == "Tell us how many people will come."
    assert field_error(html, "topic") == "Give the topic of the session."
    assert field_error(html, "consent") == "Please agree to the privacy notice to send your request."
    assert field_error(html, "phone")
    assert_valid_html(response)
    response = client.post("/visits/request?lang=zh_Hans", data=bad)
    html = response.get_data(as_text=True)
    assert field_error(html, "organisation") == "请填写学校或单位名称。"
    assert field_error(html, "date_1") == "请选择今天以后的日期。"
    assert db.session.scalar(select(func.count()).select_from(VisitRequest)) == 0


def test_the_form_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="2 per minute")
    client = app.test_client()
    with app.app_context():
        token = csrf_token_from(client, "/visits/request")
        answers = [client.post("/visits/request", data=form_data(token, phone=phone)).status_code
                   for phone in ("13712345678", "13712345679", "13712345670")]
        assert answers == [303, 303, 429]
        assert db.session.scalar(select(func.count()).select_from(VisitRequest)) == 2


def test_a_forged_or_changed_link_is_404(client, make_request):
    _visit, token = make_request()
    assert client.get(f"/visits/r/{token}").status_code == 200
    changed = token[:5] + ("a" if token[5] != "a" else "b") + token[6:]
    assert client.get(f"/visits/r/{changed}").status_code == 404
    assert client.get("/visits/r/1").status_code == 404


def test_staff_accept_from_the_queue(client, login, staff, make_request, room):
    visit, token = make_request()
    login(staff)
    queue = client.get("/staff/visits/?lang=en")
    assert queue.status_code == 200 and "南门中学" in text_of(queue)
    assert_valid_html(queue)
    page = client.get(f"/staff/visits/{visit.id}?lang=en")
    assert page.status_code == 200 and "13712345678" in text_of(page)
    assert_valid_html(page)
    csrf = csrf_token_from(client, f"/staff/visits/{visit.id}")
    response = client.post(f"/staff/visits/{visit.id}/accept", data={
        "accept-csrf_token": csrf, "accept-day": "2027-03-10", "accept-starts": "09:30", "accept-ends": "11:00",
        "accept-venue_id": str(room.id), "accept-title": "", "accept-guides": "2"})
    assert response.status_code == 303
    db.session.expire_all()
    visit = db.session.get(VisitRequest, visit.id)
    event = db.session.get(Event, visit.event_id)
    assert (visit.status, event.type, event.venue_id, event.starts_at) == ("accepted", "visit", room.id,
                                                                           local(2027, 3, 10, 9, 30))
    assert db.session.scalar(select(Registration.party_size).where(Registration.event_id == event.id)) == 45
    mine = client.get(f"/visits/r/{token}?lang=en")
    assert "Your visit is booked" in text_of(mine) and "/t/" in mine.get_data(as_text=True)
    assert_valid_html(mine)


def test_a_room_clash_is_shown_beside_the_room_and_nothing_is_made(client, login, staff, make_request, room,
                                                                    make_event):
    make_event(venue=room, starts_at=local(2027, 3, 10, 9, 0), ends_at=local(2027, 3, 10, 10, 0), title="故事会")
    visit, _token = make_request()
    login(staff)
    csrf = csrf_token_from(client, f"/staff/visits/{visit.id}")
    response = client.post(f"/staff/visits/{visit.id}/accept?lang=en", data={
        "accept-csrf_token": csrf, "accept-day": "2027-03-10", "accept-starts": "09:30", "accept-ends": "11:00",
        "accept-venue_id": str(room.id)})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "故事会" in field_error(html, "accept-venue_id")
    assert field_error(html, "accept-starts") == "The room is taken then."
    assert_valid_html(response)
    db.session.expire_all()
    assert db.session.get(VisitRequest, visit.id).status == "new"
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_propose_then_the_requester_accepts_from_the_link(client, login, staff, make_request, room):
    visit, token = make_request()
    login(staff)
    csrf = csrf_token_from(client, f"/staff/visits/{visit.id}")
    response = client.post(f"/staff/visits/{visit.id}/propose", data={
        "propose-csrf_token": csrf, "propose-day": "2027-03-17", "propose-starts": "09:30", "propose-ends": "11:00",
        "propose-venue_id": str(room.id), "propose-note": "周三上午人少"})
    assert response.status_code == 303
    client.post("/logout", data={"csrf_token": csrf})
    page = client.get(f"/visits/r/{token}")
    assert "我们建议改期" in text_of(page) and "周三上午人少" in text_of(page)
    assert_valid_html(page)
    csrf = csrf_token_from(client, f"/visits/r/{token}")
    response = client.post(f"/visits/r/{token}", data={"csrf_token": csrf, "accept": "接受这一日期"})
    assert response.status_code == 303
    db.session.expire_all()
    visit = db.session.get(VisitRequest, visit.id)
    assert visit.status == "accepted" and visit.event.starts_at == local(2027, 3, 17, 9, 30)
    kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert kinds == ["visit.received", "visit.proposed", "visit.accepted"]


def test_the_requester_declines_a_proposal(client, login, staff, make_request, room):
    visit, token = make_request()
    login(staff)
    csrf = csrf_token_from(client, f"/staff/visits/{visit.id}")
    client.post(f"/staff/visits/{visit.id}/propose", data={
        "propose-csrf_token": csrf, "propose-day": "2027-03-17", "propose-starts": "09:30", "propose-ends": "11:00",
        "propose-venue_id": str(room.id)})
    response = client.post(f"/visits/r/{token}", data={"csrf_token": csrf, "decline": "谢绝这一日期"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(VisitRequest, visit.id).status == "withdrawn"
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
    assert client.post(f"/visits/r/{token}", data={"accept": "x"}).status_code == 400  # no CSRF token


def test_staff_decline_needs_a_reason(client, login, staff, make_request):
    visit, _token = make_request()
    login(staff)
    csrf = csrf_token_from(client, f"/staff/visits/{visit.id}")
    response = client.post(f"/staff/visits/{visit.id}/decline?lang=en",
                           data={"decline-csrf_token": csrf, "decline-reason": " "})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "decline-reason") == \
        "Give the reason: it is sent to the requester."
    response = client.post(f"/staff/visits/{visit.id}/decline",
                           data={"decline-csrf_token": csrf, "decline-reason": "三月已约满"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(VisitRequest, visit.id).status == "declined"
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("visit.%"))
                              .order_by(AuditEntry.id)).all() == ["visit.request", "visit.decline"]

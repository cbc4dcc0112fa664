"""Staff's message to an event's registrants: how many it reaches is said first; it is written
to each registrant of the chosen kind with an address, in one transaction with its audit entry."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration import services
from tests.helpers import assert_valid_html, csrf_token_from, field_error, text_of


@pytest.fixture
def event(make_event):
    event = make_event(title="星海讲坛", title_en="Xinghai Lectures", capacity=3)
    services.register(event, name="林一", phone="13800000001", email="lin1@example.org")
    services.register(event, name="Lin Two", phone="13800000002", email="lin2@example.org", locale="en")
    services.register(event, name="林三", phone="13800000003")
    services.register(event, name="林四", phone="13800000004", email="lin4@example.org")  # waiting
    db.session.commit()
    return event


@pytest.fixture
def staff(client, login, make_user):
    login(make_user("staff"))
    return client


def written():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "event.message")
                              .order_by(OutboxMessage.recipient)).all()


def test_the_page_says_whom_it_reaches(staff, event):
    response = staff.get(f"/staff/events/{event.id}/message?lang=en")
    assert_valid_html(response)
    html = re.sub(r"\s+", " ", text_of(response))
    assert "<h1>Write to the registrants of Xinghai Lectures</h1>" in html
    assert re.search(r"Everyone with a place</label> <small [^>]*>2 with an e-mail address · 1 without one \(phone them\)", html)
    assert "3 with an e-mail address · 1 without one (phone them)" in html
    assert "Write to registrants…" in text_of(staff.get(f"/staff/events/{event.id}?lang=en"))


def test_to_everyone_with_a_place(staff, event):
    token = csrf_token_from(staff, f"/staff/events/{event.id}/message")
    response = staff.post(f"/staff/events/{event.id}/message?lang=en", data={
        "csrf_token": token, "audience": "confirmed", "subject": "Room changed", "body": "We meet in room 2.",
    })
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/messages/?event={event.id}")
    messages = written()
    assert [(m.recipient, m.subject, m.locale) for m in messages] == [
        ("lin1@example.org", "Room changed", "zh_Hans"), ("lin2@example.org", "Room changed", "en")]
    assert messages[0].body == "We meet in room 2.\n\n--\n来自醴陵市图书馆，关于“星海讲坛”。您报名了这项活动，因此收到这条消息。"
    assert messages[1].body.endswith("From Liling Library, about Xinghai Lectures. You receive this because you registered for it.")
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.message")).all()
    assert (entry.event_id, entry.data) == (event.id, {"audience": "confirmed", "recipients": 2})
    page = text_of(staff.get(response.headers["Location"] + "&lang=en"))
    assert "Your message is written to 2 registrants. No mail server is configured: 2 messages were not sent" in page


def test_and_to_the_waiting_list(staff, event):
    token = csrf_token_from(staff, f"/staff/events/{event.id}/message")
    staff.post(f"/staff/events/{event.id}/message", data={
        "csrf_token": token, "audience": "all", "subject": "S", "body": "B"})
    assert [m.recipient for m in written()] == ["lin1@example.org", "lin2@example.org", "lin4@example.org"]


def test_a_message_without_subject_or_body_is_not_sent(staff, event):
    token = csrf_token_from(staff, f"/staff/events/{event.id}/message")
    response = staff.post(f"/staff/events/{event.id}/message?lang=en", data={
        "csrf_token": token, "audience": "confirmed", "subject": " ", "body": "x" * 5001})
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "subject") == "Write a subject."
    assert field_error(html, "body") == "Field cannot be longer than 5000 characters."
    response = staff.post(f"/staff/events/{event.id}/message", data={"audience": "confirmed", "subject": "S", "body": "B"})
    assert response.status_code in (400, 422)
    assert written() == [] and db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.message")).all() == []

"""The day-before reminders: from 18:00 library time, each confirmed registrant of tomorrow's
events who gave an e-mail address is reminded once, in the language they registered in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.platform.models import OutboxMessage
from outreach.registration import jobs, services
from outreach.registration.models import Registration
from tests.helpers import local


@pytest.fixture
def at(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    set_to(local(2026, 3, 9, 12))
    return set_to


@pytest.fixture
def tomorrow(at, make_event):
    """A lecture tomorrow at 10:00 with registrants of every kind, and one the day after."""
    event = make_event(title="星海讲坛", title_en="Xinghai Lectures", starts_at=local(2026, 3, 10, 10), capacity=3)
    later = make_event(title="三点半课堂", starts_at=local(2026, 3, 11, 10))
    services.register(event, name="林一", phone="13800000001", email="lin1@example.org")
    services.register(event, name="林二", phone="13800000002", email="lin2@example.org", locale="en")
    services.register(event, name="林三", phone="13800000003")  # no address: not told
    waiting = [services.register(event, name=name, phone=phone, email=f"{mail}@example.org")
               for name, phone, mail in (("林四", "13800000004", "lin4"), ("林五", "13800000005", "lin5"))]
    services.register(later, name="林六", phone="13800000006", email="lin6@example.org")
    db.session.commit()
    assert [w.registration.status for w in waiting] == ["waitlisted"] * 2  # capacity 3: not reminded
    return event


def reminders():
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "registration.reminder").order_by(OutboxMessage.recipient)
    ).all()


def test_from_six_the_evening_before_each_once(tomorrow, at):
    at(local(2026, 3, 9, 17, 59))
    assert jobs.remind_registrants.call_local() == 0
    at(local(2026, 3, 9, 18, 0))
    assert jobs.remind_registrants.call_local() == 2
    assert [(m.recipient, m.subject, m.event_id) for m in reminders()] == [
        ("lin1@example.org", "提醒：“星海讲坛”明天举行", tomorrow.id),
        ("lin2@example.org", "Reminder: Xinghai Lectures is tomorrow", tomorrow.id),
    ]
    english = reminders()[1].body
    assert "Xinghai Lectures starts tomorrow, 2026-03-10 10:00." in english and "/t/" in english
    at(local(2026, 3, 9, 21, 0))
    assert jobs.remind_registrants.call_local() == 0  # once each
    assert len(reminders()) == 2


def test_a_cancelled_registration_or_event_is_not_reminded(tomorrow, at):
    registration = db.session.scalars(select(Registration).where(Registration.email == "lin1@example.org")).one()
    services.cancel(registration)
    db.session.commit()
    at(local(2026, 3, 9, 19))
    assert jobs.remind_registrants.call_local() == 2  # the waiting one was given the freed place
    assert [m.recipient for m in reminders()] == ["lin2@example.org", "lin4@example.org"]
    tomorrow.status = "cancelled"
    db.session.commit()
    assert jobs.remind_registrants.call_local() == 0


def test_the_language_of_the_page_is_kept(client, at, make_event):
    event = make_event(title="星海讲坛", title_en="Xinghai Lectures", starts_at=local(2026, 3, 20, 10))
    response = client.post(f"/api/v1/events/{event.id}/registrations?lang=en",
                           json={"name": "Lin", "phone": "13800000009", "email": "lin@example.org"})
    assert response.status_code == 201
    (row,) = db.session.scalars(select(Registration)).all()
    assert row.locale == "en"
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert (message.subject, message.locale) == ("Your place at Xinghai Lectures is confirmed", "en")

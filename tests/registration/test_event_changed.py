"""When staff change a published event's time or place, each confirmed and waitlisted
registrant who can be told is told once, what it was and what it is now, in their language:
from the staff page and from the API alike. A change of title or description, or of an event
not yet published, tells no one."""

from __future__ import annotations

from sqlalchemy import select

from outreach.events import services as events
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration import services as registration
from tests.events.helpers import event_data
from tests.helpers import csrf_token_from, local
from tests.platform.aliyun import aliyun_fixture  # noqa: F401 - the fixture


def changed_messages():
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "event.changed").order_by(OutboxMessage.id)
    ).all()


def lecture(make_event, make_venue, **extra):
    """A published lecture on 11 December, 14:00-16:00 in 报告厅, with two confirmed registrants
    (one English-speaking), one on the waiting list, one cancelled and one without an address."""
    values = {"title": "星海讲坛", "title_en": "Xinghai Lectures", "starts_at": local(2026, 12, 11, 14),
              "ends_at": local(2026, 12, 11, 16), "capacity": 2,
              "venue": make_venue(name="报告厅", name_en="Lecture Hall"), **extra}
    event = make_event(**values)
    registration.register(event, name="林一", phone="13800000001", email="lin1@example.org")
    registration.register(event, name="林二", phone="13800000002", email="lin2@example.org", locale="en")
    registration.register(event, name="林三", phone="13800000003", email="lin3@example.org")  # waiting list
    gone = registration.register(event, name="林四", phone="13800000004", email="lin4@example.org").registration
    registration.register(event, name="林五", phone="13800000005")  # no address, texts off: not told
    registration.cancel(gone)
    db.session.commit()
    return event


def test_a_time_change_tells_each_registrant_once(app, make_event, make_venue):
    event = lecture(make_event, make_venue)
    events.update_event(event, starts_at=local(2026, 12, 12, 9, 30), ends_at=local(2026, 12, 12, 11))
    db.session.commit()
    messages = changed_messages()
    assert [(m.recipient, m.subject, m.event_id) for m in messages] == [
        ("lin1@example.org", "“星海讲坛”有变动", event.id),
        ("lin2@example.org", "Xinghai Lectures has changed", event.id),
        ("lin3@example.org", "“星海讲坛”有变动", event.id),
    ]
    assert messages[0].body.startswith(
        "“星海讲坛”的时间有变动：2026-12-11 14:00-16:00 → 2026-12-12 09:30-11:00。\n\n您的入场券仍然有效：http://outreach.test/t/")
    assert "场地" not in messages[0].body
    assert messages[1].body.startswith(
        "The time of Xinghai Lectures has changed: 2026-12-11 14:00-16:00 → 2026-12-12 09:30-11:00.")
    assert "You are still on the waiting list" not in messages[1].body
    assert "您仍在候补名单中：" in messages[2].body
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "event.update")).all()[-1]
    assert audit.data == {"fields": ["ends_at", "starts_at"], "told": 3}


def test_a_place_change_says_the_old_and_new_place(app, make_event, make_venue):
    event = lecture(make_event, make_venue)
    events.update_event(event, venue=make_venue(name="少儿阅览室", name_en="Children's Room"))
    db.session.commit()
    bodies = [m.body for m in changed_messages()]
    assert len(bodies) == 3
    assert bodies[0].startswith("“星海讲坛”的场地有变动：报告厅 → 少儿阅览室。")
    assert bodies[1].startswith("The place of Xinghai Lectures has changed: Lecture Hall → Children's Room.")
    assert "时间" not in bodies[0]


def test_the_title_or_description_alone_tells_no_one(app, make_event, make_venue):
    event = lecture(make_event, make_venue)
    events.update_event(event, title="星海讲坛（更新）", description="新的介绍")
    events.update_event(event, starts_at=event.starts_at, ends_at=event.ends_at)  # the same time again
    db.session.commit()
    assert changed_messages() == []


def test_an_event_not_published_tells_no_one(app, make_event, make_venue):
    event = lecture(make_event, make_venue)
    event.status = "draft"  # as if taken back (drafts take no registrations)
    db.session.commit()
    events.update_event(event, starts_at=local(2026, 12, 12, 14), ends_at=local(2026, 12, 12, 16))
    db.session.commit()
    assert changed_messages() == []


def test_a_change_rolled_back_tells_no_one(app, make_event, make_venue):
    event = lecture(make_event, make_venue)
    events.update_event(event, starts_at=local(2026, 12, 12, 14), ends_at=local(2026, 12, 12, 16))
    db.session.rollback()
    assert changed_messages() == []


def test_a_phone_only_registrant_is_texted_when_texts_are_on(aliyun, make_event, make_venue):
    event = lecture(make_event, make_venue)
    events.update_event(event, starts_at=local(2026, 12, 11, 15), ends_at=local(2026, 12, 11, 17))
    db.session.commit()
    messages = changed_messages()
    assert [(m.channel, m.recipient) for m in messages] == [
        ("email", "lin1@example.org"), ("email", "lin2@example.org"), ("email", "lin3@example.org"),
        ("sms", "13800000005")]
    # The first text told 林五 of the waiting list; the second, of the change.
    assert aliyun.texts()[1:] == [("13800000005", "SMS_100007", {
        "title": "星海讲坛", "old": "2026-12-11 14:00-16:00", "new": "2026-12-11 15:00-17:00"})]


def test_from_the_staff_page(client, app, make_event, make_venue, make_user, login):
    login(make_user("staff"))
    event = lecture(make_event, make_venue)
    data = event_data(client, event.venue, title="星海讲坛", starts_at="2026-12-11T18:00", ends_at="2026-12-11T20:00",
                      capacity="2")
    data["csrf_token"] = csrf_token_from(client, f"/staff/events/{event.id}/edit")
    del data["status"]
    response = client.post(f"/staff/events/{event.id}/edit?lang=en", data=data)
    assert response.status_code == 303
    assert db.session.get(Event, event.id).status == "published"
    assert [m.recipient for m in changed_messages()] == ["lin1@example.org", "lin2@example.org", "lin3@example.org"]
    page = client.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    assert "The event “Xinghai Forum” is saved. No mail server is configured: 3 messages were not sent" in page


def test_from_the_api(client, app, make_event, make_venue, make_user, api_token):
    headers = api_token(make_user("staff"))
    event = lecture(make_event, make_venue)
    response = client.patch(f"/api/v1/events/{event.id}", json={"title": "星海讲坛 第2期"}, headers=headers)
    assert response.status_code == 200 and changed_messages() == []
    response = client.patch(f"/api/v1/events/{event.id}", json={"venue_id": make_venue(name="少儿阅览室").id},
                            headers=headers)
    assert response.status_code == 200
    assert [m.recipient for m in changed_messages()] == ["lin1@example.org", "lin2@example.org", "lin3@example.org"]
    assert changed_messages()[0].body.startswith("“星海讲坛 第2期”的场地有变动：报告厅 → 少儿阅览室。")

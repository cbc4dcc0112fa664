"""Staff pages that create, edit, publish, complete and cancel events."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from outreach.events.models import Event
from outreach.places.models import Series
from outreach.extensions import db
from outreach.platform import mail
from outreach.platform.models import AuditEntry
from outreach.registration.services import register
from tests.events.helpers import event_data
from tests.helpers import assert_valid_html, csrf_token_from, in_days


def test_the_new_event_page_is_valid_html(client, staff, hall):
    response = client.get("/staff/events/new?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    options = [o.text for o in document.iter("option")]
    assert "Lecture hall · Xinghai Mingzhu Branch" in options
    assert "New event" in client.get("/staff/?lang=en").get_data(as_text=True)


def test_create_through_the_form(client, staff, hall):
    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall))
    event = db.session.scalar(select(Event))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/events/{event.id}")
    assert (event.title, event.title_en, event.status, event.type) == ("星海讲坛", "Xinghai Forum", "draft", "lecture")
    assert (event.capacity, event.max_party_size, event.audience, event.speaker) == (80, 4, "adults", "李老师")
    assert event.description is None and event.venue_id == hall.id and event.created_by_id == staff.id
    # 09:30 in the library (Asia/Shanghai) is 01:30 UTC.
    assert event.starts_at == datetime(2026, 12, 5, 1, 30, tzinfo=timezone.utc)
    assert event.ends_at == datetime(2026, 12, 5, 3, 0, tzinfo=timezone.utc)
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_type == "Event", AuditEntry.object_id == event.id)) == "event.create"
    page = client.get(response.headers["Location"] + "?lang=en")
    assert_valid_html(page)
    assert "The event “Xinghai Forum” is saved." in page.get_data(as_text=True)


def test_empty_capacity_means_no_limit_and_opening_hours_are_kept(client, staff, hall):
    data = event_data(client, hall, type="exhibition", capacity="", registration="none", status="published",
                      ends_at="2026-12-20T17:00", daily_opens_at="09:00", daily_closes_at="17:00")
    assert client.post("/staff/events/new", data=data).status_code == 303
    event = db.session.scalar(select(Event))
    assert (event.capacity, event.registration, event.status) == (None, "none", "published")
    assert (event.daily_opens_at.hour, event.daily_closes_at.hour) == (9, 17)


def test_bad_input_is_answered_beside_the_fields(client, staff, hall):
    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall, title=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="title-error"' in html and "Give a title of 1 to 200 characters." in html
    assert_valid_html(response)

    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall, ends_at="2026-12-05T09:00"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<small id="ends_at-error" class="field-error">The end must come after the start.</small>' in html

    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall, capacity="-1"))
    assert response.status_code == 422
    assert 'id="capacity-error"' in response.get_data(as_text=True)
    assert "Enter a whole number of 0 or more" in response.get_data(as_text=True)

    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall, venue_id=""))
    assert response.status_code == 422
    assert 'id="venue_id-error"' in response.get_data(as_text=True)

    response = client.post("/staff/events/new?lang=en", data=event_data(client, hall, daily_opens_at="09:00"))
    assert response.status_code == 422
    assert 'id="daily_closes_at-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_bad_input_in_chinese(client, staff, hall):
    data = event_data(client, hall, ends_at="2026-12-05T09:00")
    html = client.post("/staff/events/new?lang=zh_Hans", data=data).get_data(as_text=True)
    assert 'id="ends_at-error"' in html and "结束时间必须晚于开始时间。" in html


def test_a_series_proposes_the_next_session_number(client, staff, hall, make_event):
    series = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(series)
    db.session.commit()
    make_event(series=series, session_number=14, venue=hall)
    data = event_data(client, hall, series_id=str(series.id), title="星海讲坛 第15期")
    assert client.post("/staff/events/new", data=data).status_code == 303
    new = db.session.scalar(select(Event).where(Event.title == "星海讲坛 第15期"))
    assert (new.series_id, new.session_number) == (series.id, 15)

    taken = event_data(client, hall, series_id=str(series.id), session_number="14", title="重复")
    response = client.post("/staff/events/new?lang=en", data=taken)
    assert response.status_code == 422
    assert 'id="session_number-error"' in response.get_data(as_text=True)

    lonely = event_data(client, hall, session_number="3", title="没有系列")
    response = client.post("/staff/events/new?lang=en", data=lonely)
    assert "A session number needs a series." in response.get_data(as_text=True)


def test_edit_changes_the_row(client, staff, hall, make_event, make_venue):
    event = make_event(title="旧标题", venue=hall, status="draft")
    page = client.get(f"/staff/events/{event.id}/edit?lang=en")
    assert page.status_code == 200
    document = assert_valid_html(page)
    assert document.find(".//input[@name='title']").get("value") == "旧标题"
    assert document.find(".//select[@name='status']") is None
    other = make_venue(name="少儿阅览室")
    data = event_data(client, other, title="  新标题 ", starts_at="2026-12-06T14:00", ends_at="2026-12-06T16:00")
    data["csrf_token"] = csrf_token_from(client, f"/staff/events/{event.id}/edit")
    del data["status"]
    response = client.post(f"/staff/events/{event.id}/edit?lang=en", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    assert (event.title, event.venue_id, event.status) == ("新标题", other.id, "draft")
    assert event.starts_at == datetime(2026, 12, 6, 6, 0, tzinfo=timezone.utc)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "Event", AuditEntry.object_id == event.id)).all()
    assert "event.update" in actions

    bad = {**data, "ends_at": "2026-12-06T13:00"}
    response = client.post(f"/staff/events/{event.id}/edit?lang=en", data=bad)
    assert response.status_code == 422
    assert "The end must come after the start." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).ends_at == datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def post_status(client, event, status, **extra):
    csrf = csrf_token_from(client, f"/staff/events/{event.id}")
    return client.post(f"/staff/events/{event.id}/status?lang=en", data={"csrf_token": csrf, "status": status, **extra})


def status_of(event) -> str:
    db.session.expire_all()
    return db.session.get(Event, event.id).status


def test_publish_then_complete(client, staff, make_event):
    event = make_event(status="draft")
    page = client.get(f"/staff/events/{event.id}?lang=en")
    assert_valid_html(page)
    assert "Publish" in page.get_data(as_text=True)
    response = post_status(client, event, "published")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/events/{event.id}")
    assert status_of(event) == "published"
    assert "The event is published." in client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    post_status(client, event, "completed")
    assert status_of(event) == "completed"
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "Event", AuditEntry.object_id == event.id)).all()
    assert {"event.publish", "event.complete"} <= set(actions)


def test_a_refused_transition_changes_nothing(client, staff, make_event):
    event = make_event(status="draft")
    response = post_status(client, event, "completed")
    assert response.status_code == 303
    assert status_of(event) == "draft"
    page = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert "An event with the status “Draft” cannot become “Completed”." in page

    cancel_event(client, event)
    assert status_of(event) == "cancelled"
    post_status(client, event, "published")
    assert status_of(event) == "cancelled"


def cancel_event(client, event, reason="", lang="en"):
    csrf = csrf_token_from(client, f"/staff/events/{event.id}/cancel")
    return client.post(f"/staff/events/{event.id}/cancel?lang={lang}", data={"csrf_token": csrf, "reason": reason})


def _registrants(event):
    register(event, name="甲", phone="13812345678", email="a@example.org")
    register(event, name="乙", phone="13812345679")
    gone = register(event, name="丙", phone="13812345670", email="c@example.org").registration
    db.session.commit()
    from outreach.registration.services import cancel

    cancel(gone)
    db.session.commit()


def test_cancelling_first_says_who_is_told_and_changes_nothing(client, app, staff, make_event):
    event = make_event(title="星海讲坛 第15期", starts_at=in_days(5), capacity=10)
    _registrants(event)
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    manage = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert f'href="/staff/events/{event.id}/cancel"' in manage and 'name="reason"' not in manage
    page = client.get(f"/staff/events/{event.id}/cancel?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    html = page.get_data(as_text=True)
    assert "Cancel “星海讲坛 第15期”?" in html
    assert "1 registrant who gave an e-mail address will be told by e-mail, with your reason." in html
    assert "1 registrant gave no e-mail address and will not be told: call them" in html
    assert "No mail server is configured: the messages will not be sent, only noted in the server's log." in html
    assert 'required' in html.split('id="reason"')[1].split(">")[0]
    # The old one-step form (a cancellation posted with the workflow buttons) only shows that page.
    response = post_status(client, event, "cancelled", reason="台风停课")
    assert response.status_code == 200
    assert "1 registrant who gave an e-mail address will be told" in response.get_data(as_text=True)
    assert 'value="台风停课"' in response.get_data(as_text=True)
    assert status_of(event) == "published" and sent == []
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "event.cancel")) == 0


def test_cancelling_page_in_chinese(client, staff, make_event):
    event = make_event(title="星海讲坛 第15期", starts_at=in_days(5), capacity=10)
    _registrants(event)
    html = client.get(f"/staff/events/{event.id}/cancel?lang=zh_Hans").get_data(as_text=True)
    assert "1 位留了电子邮箱的报名者将收到邮件通知，附上您填写的原因。" in html
    response = cancel_event(client, event, lang="zh_Hans")
    assert response.status_code == 422
    assert "请填写原因：将通过邮件告知留了电子邮箱的 1 位报名者。" in response.get_data(as_text=True)


def test_an_empty_reason_is_refused_when_registrants_are_told(client, app, staff, make_event):
    event = make_event(title="星海讲坛 第15期", starts_at=in_days(5), capacity=10)
    _registrants(event)
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    response = cancel_event(client, event, reason="   ")
    assert response.status_code == 422
    document = assert_valid_html(response)
    error = document.find(".//*[@id='reason-error']")
    assert error is not None
    assert error.text == "Give the reason: 1 registrant who gave an e-mail address is told it."
    assert status_of(event) == "published" and sent == []


def test_cancelling_tells_registrants_with_an_email(client, app, staff, make_event, caplog):
    caplog.set_level("INFO", logger="outreach")
    event = make_event(title="星海讲坛 第15期", starts_at=in_days(5), capacity=10)
    _registrants(event)
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    caplog.clear()
    response = cancel_event(client, event, reason="台风停课")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/events/{event.id}")
    assert status_of(event) == "cancelled"
    assert [m.to for m in sent] == ["a@example.org"]
    assert "星海讲坛 第15期" in sent[0].subject  # written in the library's default language
    assert "台风停课" in sent[0].body
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.cancel"))
    assert entry.data["reason"] == "台风停课" and entry.data["told"] == 1
    # No mail server in the tests: staff are told the truth, and the log has a masked line.
    page = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert ("The event is cancelled. No mail server is configured: 1 message was not sent "
            "(the server&#39;s log names it).") in page
    lines = [r.getMessage() for r in caplog.records if r.name == "outreach.platform.mail"]
    assert lines == [f"mail to a***@example.org not sent: no mail server is set (OUTREACH_SMTP_HOST); subject {sent[0].subject!r}"]
    assert "a@example.org" not in caplog.text and "/t/" not in caplog.text


def test_cancelling_with_a_mail_server_says_it_was_sent(client, app, staff, make_event, monkeypatch):
    delivered = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("smtp.example.org", 25)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, email):
            delivered.append(email["To"])

        def quit(self):  # the connection is closed after its batch
            pass

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    event = make_event(title="星海讲坛 第15期", starts_at=in_days(5), capacity=10)
    _registrants(event)
    delivered.clear()
    assert "No mail server" not in client.get(f"/staff/events/{event.id}/cancel?lang=en").get_data(as_text=True)
    response = cancel_event(client, event, reason="台风停课")
    assert response.status_code == 303 and delivered == ["a@example.org"]
    page = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert "The event is cancelled. 1 e-mail was sent." in page


def test_cancelling_an_event_nobody_can_be_told_of_needs_no_reason(client, staff, make_event):
    event = make_event(starts_at=in_days(5), capacity=10)
    register(event, name="乙", phone="13812345679")
    db.session.commit()
    html = client.get(f"/staff/events/{event.id}/cancel?lang=en").get_data(as_text=True)
    assert "1 registrant gave no e-mail address and will not be told" in html
    assert "will be told by e-mail" not in html
    response = cancel_event(client, event)
    assert response.status_code == 303 and status_of(event) == "cancelled"
    page = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert "The event is cancelled. No one was told: no registrant gave an e-mail address." in page


def test_staff_only(client, make_user, login, make_event):
    event = make_event()
    for path in ("/staff/events/new", f"/staff/events/{event.id}/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("volunteer"))
    assert client.get("/staff/events/new").status_code == 403
    assert client.get(f"/staff/events/{event.id}/edit").status_code == 403
    status = f"/staff/events/{event.id}/status"
    assert client.post(status, data={"status": "cancelled"}).status_code == 400  # no CSRF token
    token = csrf_token_from(client, "/volunteer/me")
    assert client.post(status, data={"status": "cancelled", "csrf_token": token}).status_code == 403
    assert status_of(event) == "published"


def test_posts_need_the_csrf_token(client, staff, hall, make_event):
    event = make_event(status="draft")
    data = event_data(client, hall)
    del data["csrf_token"]
    assert client.post("/staff/events/new", data=data).status_code == 400
    assert client.post(f"/staff/events/{event.id}/edit", data=data).status_code == 400
    assert client.post(f"/staff/events/{event.id}/status", data={"status": "published"}).status_code == 400
    assert status_of(event) == "draft"
    assert db.session.scalar(select(func.count(Event.id))) == 1

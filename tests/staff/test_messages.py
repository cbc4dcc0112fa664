"""Staff's messages page (the outbox): what an event's registrants and a volunteer were sent,
by status, 50 a page in a constant number of queries; failed and held messages sent again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.platform import mail
from outreach.platform.models import AuditEntry, OutboxMessage
from tests.helpers import assert_valid_html, axe_violations, count_statements, csrf_token_from, sign_in, text_of
from tests.platform.aliyun import aliyun_fixture  # noqa: F401 - the fixture


def outbox(status: str, *, n: int = 1, event_id=None, volunteer_id=None, to="lin@example.org", subject="主题"):
    now = clock.now()
    rows = [
        OutboxMessage(kind="registration.confirmed", recipient=to, subject=subject, body="正文", status=status,
                      event_id=event_id, volunteer_id=volunteer_id, attempts=3 if status == "failed" else 0,
                      created_at=now - timedelta(minutes=i), next_attempt_at=now, give_up_at=now + timedelta(days=3),
                      last_error="ConnectionRefusedError" if status == "failed" else None)
        for i in range(n)
    ]
    db.session.add_all(rows)
    db.session.commit()
    return rows


@pytest.fixture
def staff(client, login, make_user):
    login(make_user("staff"))
    return client


def test_an_events_messages_by_status(staff, make_event):
    event, other = make_event(title="星海讲坛"), make_event(title="三点半课堂")
    outbox("sent", n=3, event_id=event.id)
    outbox("failed", n=2, event_id=event.id, to="wang@example.org")
    outbox("held", event_id=other.id)
    response = staff.get(f"/staff/messages/?event={event.id}&lang=en")
    assert_valid_html(response)
    html = text_of(response)
    assert "<h1>Messages about 星海讲坛</h1>" in html
    assert "All (5)" in html and "Sent (3)" in html and "Failed (2)" in html and "Not sent: no mail server (0)" in html
    assert html.count("wang@example.org") == 2 + 2  # the address, and the button's name for a screen reader
    assert "Tried 3 times over three days." in html and "Last error: ConnectionRefusedError" in html
    assert "Send the 2 failed or held messages again" in html
    failed = text_of(staff.get(f"/staff/messages/?event={event.id}&status=failed&lang=en"))
    assert failed.count("<tr>") == 1 + 2 and "lin@example.org" not in failed
    zh = text_of(staff.get(f"/staff/messages/?event={event.id}&lang=zh_Hans"))
    assert "<h1>关于“星海讲坛”的消息</h1>" in zh and "发送失败 (2)" in zh


def test_a_volunteers_messages(staff, make_user):
    volunteer = make_user("volunteer", name="刘晓燕").volunteer_profile
    outbox("sent", volunteer_id=volunteer.id, subject="班次提醒")
    outbox("sent", subject="别人的消息")
    html = text_of(staff.get(f"/staff/messages/?volunteer={volunteer.id}&lang=en"))
    assert "<h1>Messages to 刘晓燕</h1>" in html and "班次提醒" in html and "别人的消息" not in html


def test_fifty_a_page_in_the_same_number_of_queries(staff, make_event):
    event = make_event()
    outbox("sent", n=5, event_id=event.id)
    with count_statements() as small:
        assert staff.get(f"/staff/messages/?event={event.id}").status_code == 200
    outbox("failed", n=50, event_id=event.id)
    with count_statements() as large:
        html = text_of(staff.get(f"/staff/messages/?event={event.id}&lang=en"))
    assert large.n == small.n
    assert html.count("<tr>") == 1 + 50 and "Page 1 of 2" in html
    assert text_of(staff.get(f"/staff/messages/?event={event.id}&page=2")).count("<tr>") == 1 + 5


def test_sending_one_again(staff, app, make_event):
    event = make_event()
    (failed,) = outbox("failed", event_id=event.id)
    (sent,) = outbox("sent", event_id=event.id)
    token = csrf_token_from(staff, f"/staff/messages/?event={event.id}")
    response = staff.post(f"/staff/messages/{failed.id}/retry?lang=en", data={"csrf_token": token, "event": event.id})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/messages/?event={event.id}")
    db.session.expire_all()
    # No mail server in the tests: tried at once, and held.
    assert (db.session.get(OutboxMessage, failed.id).status, db.session.get(OutboxMessage, sent.id).status) == ("held", "sent")
    assert text_of(staff.get(response.headers["Location"] + "&lang=en")).count(
        "1 message is sent again. No mail server is configured: 1 message was not sent") == 1
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mail.retry")).all()
    assert entry.data == {"messages": 1, "event_id": event.id, "volunteer_id": None}
    # A sent message is not sent again.
    staff.post(f"/staff/messages/{sent.id}/retry", data={"csrf_token": token})
    assert len(app.extensions.get("outreach_sent_mail", [])) == 1


def test_sending_all_failed_again_with_a_mail_server(staff, app, make_event, monkeypatch):
    event = make_event()
    outbox("failed", n=3, event_id=event.id)
    outbox("failed", n=2)  # another event's: not in this list
    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message["To"])

        def quit(self):  # the connection is closed after its batch
            pass

    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.org")
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    token = csrf_token_from(staff, f"/staff/messages/?event={event.id}")
    response = staff.post("/staff/messages/retry?lang=en", data={"csrf_token": token, "event": event.id})
    assert response.status_code == 303
    assert len(sent) == 3
    db.session.expire_all()
    assert sorted(r.status for r in db.session.scalars(select(OutboxMessage))) == ["failed", "failed", "sent", "sent", "sent"]
    assert "3 messages are sent again. 3 e-mails were sent." in text_of(staff.get(response.headers["Location"] + "&lang=en"))


def sms_row(status: str, *, event_id=None, phone="13800138000", error=None) -> OutboxMessage:
    now = clock.now()
    row = OutboxMessage(kind="registration.confirmed", channel="sms", recipient=phone, subject="短信",
                        body="您报名的“星海讲坛”（2026-12-11 14:00）已确认。", sms_template="SMS_100001",
                        sms_params='{"time": "2026-12-11 14:00", "title": "星海讲坛"}', status=status,
                        event_id=event_id, attempts=1, created_at=now, next_attempt_at=now,
                        give_up_at=now + timedelta(days=3), last_error=error)
    db.session.add(row)
    db.session.commit()
    return row


def test_text_messages_are_listed_with_the_number_masked(staff, make_event):
    event = make_event(title="星海讲坛")
    sms_row("failed", event_id=event.id, error="isv.MOBILE_NUMBER_ILLEGAL")
    sms_row("held", event_id=event.id, phone="13900139000")
    outbox("sent", event_id=event.id)
    response = staff.get(f"/staff/messages/?event={event.id}&lang=en")
    assert_valid_html(response)
    html = text_of(response)
    assert "138****8000" in html and "139****9000" in html
    assert "13800138000" not in html and "13900139000" not in html
    assert html.count("<br><span class=\"muted\">Text message</span>") == 2
    assert html.count("<br><span class=\"muted\">E-mail message</span>") == 1
    assert "Last error: isv.MOBILE_NUMBER_ILLEGAL" in html and "Not sent: text messages are off" in html
    assert "Send again<span class=\"visually-hidden\">: 138****8000</span>" in html
    assert ("Text messages are off: registrants who gave only a phone number are not told by text "
            "(OUTREACH_SMS_PROVIDER is not set).") in html
    zh = text_of(staff.get(f"/staff/messages/?event={event.id}&lang=zh_Hans"))
    assert "138****8000" in zh and "未发送：短信未开通" in zh and "短信未开通：只留了电话号码的报名者不会收到短信通知" in zh


def test_a_text_message_is_sent_again(staff, app, aliyun, make_event):
    event = make_event()
    failed = sms_row("failed", event_id=event.id, error="isv.BUSINESS_LIMIT_CONTROL")
    page = text_of(staff.get(f"/staff/messages/?event={event.id}&lang=en"))
    assert "Text messages are on: registrants who gave a mobile number and no e-mail address get them" in page
    token = csrf_token_from(staff, f"/staff/messages/?event={event.id}")
    response = staff.post(f"/staff/messages/{failed.id}/retry?lang=en", data={"csrf_token": token, "event": event.id})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "sent"
    assert aliyun.texts() == [("13800138000", "SMS_100001", {"title": "星海讲坛", "time": "2026-12-11 14:00"})]
    assert "1 message is sent again. 1 text message was sent." in text_of(
        staff.get(response.headers["Location"] + "&lang=en"))


def test_without_the_form_token_nothing_is_sent(staff, make_event):
    (failed,) = outbox("failed")
    assert staff.post(f"/staff/messages/{failed.id}/retry", data={}).status_code == 400
    assert staff.post("/staff/messages/retry", data={}).status_code == 400
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == "failed"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_pages_meet_wcag_aa_at_phone_size(live_server, page, make_user, make_event, lang):
    """The messages page and writing to registrants, at 390×844, valid HTML and WCAG 2.1 AA."""
    event = make_event(title="星海讲坛")
    outbox("failed", n=2, event_id=event.id)
    outbox("sent", event_id=event.id)
    sms_row("held", event_id=event.id)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, make_user("staff"), lang)
    page.goto(f"{live_server}/staff/messages/?event={event.id}")
    expect(page.locator("table.messages tbody tr")).to_have_count(4)
    expect(page.locator("table.messages tbody tr").first.locator("td.recipient")).to_contain_text("138****8000")
    assert axe_violations(page) == []
    page.locator("table.messages button").first.click()
    expect(page.locator(".flash")).to_have_count(1)
    assert axe_violations(page) == []
    page.goto(f"{live_server}/staff/events/{event.id}/message")
    page.locator("main form button[type=submit]").click()  # nothing written: the messages beside the fields
    expect(page.locator("#subject-error")).to_have_count(1)
    assert axe_violations(page) == []

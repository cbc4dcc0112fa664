"""Text messages through Alibaba Cloud SMS, against a local server that plays it (it checks each
request's signature with the test's secret, the action, signature name, template, number and
variables): a patron who gave only a mobile number is texted once, one with an e-mail address
is mailed; a busy provider is tried again, a refusal fails at once with its code; nothing is
written when texts are off or the change rolls back; the secret never reaches the log."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from outreach import clock
from outreach.events import services as events
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform import jobs, mail, sms
from outreach.platform.models import OutboxMessage
from outreach.registration import services as registration
from tests.helpers import local
from tests.platform.aliyun import SECRET, aliyun_fixture, sms_config  # noqa: F401 - the fixture

T0 = clock.now().replace(microsecond=0)
PHONE = "13800138000"


@pytest.fixture
def at(monkeypatch):
    def set_to(seconds: float = 0):
        moment = T0 + timedelta(seconds=seconds)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    set_to(0)
    return set_to


def rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def register(event, **extra):
    result = registration.register(event, name="林小明", phone=extra.pop("phone", PHONE), **extra)
    db.session.commit()
    return result.registration


# --- the signature, the variables ---------------------------------------------------------------


def test_the_signature_of_alibaba_clouds_documented_example():
    """The example of Alibaba Cloud's "Signature mechanism" page (RPC, signature version 1.0)."""
    params = {"AccessKeyId": "testid", "Action": "DescribeRegions", "Format": "XML", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "SignatureVersion": "1.0",
              "Timestamp": "2016-02-23T12:46:24Z", "Version": "2014-05-26"}
    assert sms.string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1"
        "%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0"
        "%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26")
    assert sms.signature("GET", params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_percent_encoding_keeps_only_the_unreserved_characters():
    assert sms.percent_encode("a b*c~d+e/f") == "a%20b%2Ac~d%2Be%2Ff"
    assert sms.percent_encode("讲") == "%E8%AE%B2"


def test_variables_are_cut_to_the_template_rules():
    title = "星海讲坛第三十二期：从古代天文观测到现代航天工程的漫长旅程与未来展望（上篇）"
    assert len(title) > 35
    cut = sms.variable(title)
    assert len(cut) == 35 and cut.endswith("…") and cut.startswith("星海讲坛第三十二期")
    assert sms.variable("【新】读书会 https://example.org/x 见\n面") == "新 读书会 见 面"
    assert sms.variable("短标题") == "短标题"


def test_only_mainland_mobiles_are_texted():
    assert sms.reachable("13800138000") and not sms.reachable("073184567890")
    assert not sms.reachable("+442079460958") and not sms.reachable(None)


# --- who is texted --------------------------------------------------------------------------------


def test_a_phone_only_registration_is_texted_once(aliyun, make_event, at):
    event = make_event(title="星海讲坛", starts_at=local(2026, 12, 11, 14))
    register(event)
    (row,) = rows()
    assert (row.channel, row.recipient, row.kind, row.status, row.attempts, row.sms_template, row.event_id) == (
        "sms", PHONE, "registration.confirmed", "sent", 1, "SMS_100001", event.id)
    assert json.loads(row.sms_params) == {"title": "星海讲坛", "time": "2026-12-11 14:00"}
    assert row.body == "您报名的“星海讲坛”（2026-12-11 14:00）已确认。如不能参加，请取消报名，把名额留给他人。"
    assert aliyun.texts() == [(PHONE, "SMS_100001", {"title": "星海讲坛", "time": "2026-12-11 14:00"})]
    (call,) = aliyun.calls
    assert (call["Action"], call["SignName"], call["OutId"]) == ("SendSms", "醴陵市图书馆", f"outbox-{row.id}")
    assert aliyun.problems == []
    assert mail.sweep.call_local() == 0 and len(aliyun.calls) == 1


def test_an_english_registrant_gets_the_english_template(aliyun, make_event):
    event = make_event(title="星海讲坛", title_en="Xinghai Lectures", starts_at=local(2026, 12, 11, 14))
    register(event, locale="en")
    (row,) = rows()
    assert (row.sms_template, row.locale) == ("SMS_200001", "en")
    assert row.body == ("Your place at Xinghai Lectures on 2026-12-11 14:00 is confirmed. If you cannot come, "
                        "please cancel your registration so that someone else can have it.")
    assert aliyun.texts() == [(PHONE, "SMS_200001", {"title": "Xinghai Lectures", "time": "2026-12-11 14:00"})]


def test_a_long_title_is_cut_within_the_limit(aliyun, make_event):
    event = make_event(title="星海讲坛第三十二期：从古代天文观测到现代航天工程的漫长旅程与未来展望（上篇）")
    register(event)
    ((_phone, _code, params),) = aliyun.texts()
    assert len(params["title"]) == 35 and params["title"].endswith("…")


def test_a_registration_with_an_address_is_mailed_not_texted(aliyun, make_event):
    register(make_event(), email="lin@example.org")
    (row,) = rows()
    assert (row.channel, row.recipient) == ("email", "lin@example.org")
    assert aliyun.requests == []


def test_no_text_is_written_when_texts_are_off(app, make_event):
    assert not sms.configured()
    register(make_event())
    assert rows() == []


def test_a_landline_is_not_texted(aliyun, make_event):
    register(make_event(), phone="0731-84567890")
    assert rows() == [] and aliyun.requests == []


def test_a_kind_without_a_template_is_not_texted(aliyun, app, monkeypatch, make_event):
    monkeypatch.setitem(app.config, "SMS_TEMPLATE_CONFIRMED", None)
    register(make_event())
    assert rows() == [] and aliyun.requests == []


def test_a_rolled_back_change_sends_nothing(aliyun, make_event):
    event = make_event()
    registration.register(event, name="林小明", phone=PHONE)
    db.session.flush()
    db.session.rollback()
    assert rows() == [] and aliyun.requests == []


def test_through_the_queue_when_a_worker_runs_the_jobs(aliyun, make_app, tmp_path, make_event):
    """Not immediate: the commit hands the text to the huey queue and the page says a text
    message is being sent; the worker's job then sends it."""
    event = make_event()
    app = make_app(JOBS_IMMEDIATE=False, JOBS_STORAGE=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                   **sms_config(aliyun))
    try:
        with app.app_context():
            registration.register(db.session.get(Event, event.id), name="林小明", phone=PHONE)
            db.session.commit()
            with force_locale("en"):
                assert mail.report(db.session) == "1 text message is being sent."
            assert aliyun.requests == [] and jobs.queue.pending_count() == 1
            jobs.queue.execute(jobs.queue.dequeue())
            assert [(r.channel, r.status) for r in rows()] == [("sms", "sent")] and len(aliyun.calls) == 1
    finally:
        make_app()


# --- a busy provider, a refusal ------------------------------------------------------------------


@pytest.mark.parametrize("answer", [(200, "isv.BUSINESS_LIMIT_CONTROL"), (500, "isp.SYSTEM_ERROR"), (503, "")])
def test_a_busy_provider_is_tried_again_and_the_text_sent_once(aliyun, make_event, at, answer):
    aliyun.answers = [answer]
    register(make_event())
    (row,) = rows()
    code = answer[1] or "HTTP 503"
    assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == (
        "queued", 1, code, T0 + timedelta(seconds=30))
    with force_locale("en"):
        assert mail.report(db.session) == (
            "1 text message was not taken by the SMS service: the Messages page says why.")
    at(30)
    assert mail.sweep.call_local() == 1
    (row,) = rows()
    assert (row.status, row.attempts, row.last_error, row.sent_at) == ("sent", 2, None, T0 + timedelta(seconds=30))
    assert len(aliyun.calls) == 1 and len(aliyun.requests) == 2
    assert {r["OutId"] for r in aliyun.requests} == {f"outbox-{row.id}"}  # one message, however many tries
    assert len({r["SignatureNonce"] for r in aliyun.requests}) == 2
    at(3600)
    assert mail.sweep.call_local() == 0 and len(aliyun.calls) == 1


def test_a_provider_that_is_down_is_tried_again(aliyun, make_event, at):
    aliyun.stop()
    register(make_event())
    (row,) = rows()
    assert (row.status, row.last_error) == ("queued", "ConnectionRefusedError")
    aliyun.start()
    at(30)
    assert mail.sweep.call_local() == 1
    assert [r.status for r in rows()] == ["sent"] and len(aliyun.calls) == 1


@pytest.mark.parametrize("code", ["isv.MOBILE_NUMBER_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL", "isv.BLACK_KEY_CONTROL_LIMIT"])
def test_a_refusal_fails_at_once_with_its_code(aliyun, make_event, at, code):
    aliyun.answers = [(200, code)]
    register(make_event())
    (row,) = rows()
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, code)
    at(60)
    assert mail.sweep.call_local() == 0 and aliyun.calls == []
    assert mail.try_again([row.id]) == 1  # staff may send it again
    db.session.commit()
    assert [r.status for r in rows()] == ["sent"] and len(aliyun.calls) == 1


def test_a_wrong_secret_is_refused_by_the_signature_check(aliyun, app, monkeypatch, make_event):
    monkeypatch.setitem(app.config, "SMS_ACCESS_KEY_SECRET", "not-the-secret")
    register(make_event())
    (row,) = rows()
    assert (row.status, row.last_error) == ("failed", "SignatureDoesNotMatch")
    assert aliyun.problems == ["SignatureDoesNotMatch"] and aliyun.calls == []


def test_texts_switched_off_after_writing_are_held_then_sent(aliyun, app, monkeypatch, make_event, at):
    event = make_event()
    registration.register(event, name="林小明", phone=PHONE)
    monkeypatch.setitem(app.config, "SMS_PROVIDER", None)  # switched off before the worker sends it
    db.session.commit()
    (row,) = rows()
    assert row.status == "held"
    with force_locale("en"):
        assert mail.report(db.session) == "Text messages are switched off: 1 text message was not sent."
    assert mail.sweep.call_local() == 0
    monkeypatch.setitem(app.config, "SMS_PROVIDER", "aliyun")
    assert mail.sweep.call_local() == 1
    assert [r.status for r in rows()] == ["sent"] and len(aliyun.calls) == 1


def test_the_secret_never_reaches_the_log_and_the_number_is_masked(aliyun, make_event, caplog):
    caplog.set_level(logging.DEBUG)
    aliyun.answers = [(200, "isv.BUSINESS_LIMIT_CONTROL")]
    register(make_event())
    assert caplog.records
    assert SECRET not in caplog.text and PHONE not in caplog.text
    assert "138****8000" in caplog.text


# --- the other messages by text --------------------------------------------------------------------


def test_cancelling_texts_the_reason(aliyun, app, make_event):
    event = make_event(title="星海讲坛", starts_at=local(2026, 12, 11, 14))
    register(event)
    register(event, phone="13800138001", email="lin@example.org")
    assert events.people_to_tell(event) == 2
    events.change_status(event, "cancelled", reason="讲师因病无法到场")
    db.session.commit()
    cancelled = [row for row in rows() if row.kind == "event.cancelled"]
    assert [(row.channel, row.recipient) for row in cancelled] == [("sms", PHONE), ("email", "lin@example.org")]
    assert aliyun.texts()[-1] == (PHONE, "SMS_100006", {
        "title": "星海讲坛", "time": "2026-12-11 14:00", "reason": "讲师因病无法到场"})
    assert cancelled[0].body == "很抱歉，原定于2026-12-11 14:00举行的“星海讲坛”已取消，原因：讲师因病无法到场。您无需任何操作。"


def test_the_cancel_page_says_who_is_texted(aliyun, client, login, make_user, make_event):
    login(make_user("staff"))
    event = make_event(title="星海讲坛")
    register(event)
    register(event, phone="13800138001", email="lin@example.org")
    register(event, phone="0731-84567890")  # a landline: cannot be texted
    html = client.get(f"/staff/events/{event.id}/cancel?lang=en").get_data(as_text=True)
    assert "1 registrant who gave an e-mail address will be told by e-mail, with your reason." in html
    assert "1 registrant who gave only a mobile number will be told by text message, with your reason." in html
    assert "1 registrant gave no e-mail address and will not be told" in html
    zh = client.get(f"/staff/events/{event.id}/cancel?lang=zh_Hans").get_data(as_text=True)
    assert "1 位只留了手机号码的报名者将收到短信通知，附上您填写的原因。" in zh


def test_the_reminder_by_text(aliyun, monkeypatch, make_event, make_venue):
    from outreach.registration import jobs

    monkeypatch.setattr(clock, "now", lambda: local(2026, 3, 9, 12))
    event = make_event(title="星海讲坛", starts_at=local(2026, 3, 10, 10), venue=make_venue(name="少儿阅览室"))
    register(event)
    monkeypatch.setattr(clock, "now", lambda: local(2026, 3, 9, 18))
    assert jobs.remind_registrants.call_local() == 1
    assert aliyun.texts()[-1] == (PHONE, "SMS_100005", {"title": "星海讲坛", "time": "2026-03-10 10:00", "place": "少儿阅览室"})
    assert jobs.remind_registrants.call_local() == 0 and len(aliyun.calls) == 2


def test_a_time_change_texts_old_and_new(aliyun, make_event, make_venue):
    event = make_event(title="星海讲坛", starts_at=local(2026, 12, 11, 14), ends_at=local(2026, 12, 11, 16),
                       venue=make_venue(name="报告厅"))
    register(event)
    events.update_event(event, starts_at=local(2026, 12, 12, 9, 30), ends_at=local(2026, 12, 12, 11))
    db.session.commit()
    assert aliyun.texts()[-1] == (PHONE, "SMS_100007", {
        "title": "星海讲坛", "old": "2026-12-11 14:00-16:00", "new": "2026-12-12 09:30-11:00"})
    (row,) = [row for row in rows() if row.kind == "event.changed"]
    assert row.body == ("您报名的“星海讲坛”有变动：原为2026-12-11 14:00-16:00，现改为2026-12-12 09:30-11:00。"
                        "如不能参加，请取消报名。")
    events.update_event(event, venue=make_venue(name="少儿阅览室"))
    db.session.commit()
    assert aliyun.texts()[-1] == (PHONE, "SMS_100007", {"title": "星海讲坛", "old": "报告厅", "new": "少儿阅览室"})
    assert aliyun.problems == []

"""The outbox against a real SMTP server (aiosmtpd on a local port): a message is written with
the change that causes it and only then; it reaches the server once; a server that is down
keeps it, tried again with back-off until it comes back, for three days; a worker that died
while sending, or two workers given one message, never lose it nor send it twice."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from flask_babel import force_locale
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.platform import jobs, mail
from outreach.platform.models import OutboxMessage
from outreach.registration import services as registration
from tests.helpers import free_port, in_days

T0 = clock.now().replace(microsecond=0)


class Inbox:
    def __init__(self):
        self.messages = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802 - aiosmtpd's name
        self.connections += 1  # one greeting a connection
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class SmtpServer:
    """A real SMTP server on a port of its own, that can go down and come back on it."""

    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "outreach@library.example.org")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def at(monkeypatch):
    """Set the clock: ``at(seconds)`` is T0 plus that many seconds."""
    def set_to(seconds: float = 0):
        moment = T0 + timedelta(seconds=seconds)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment
    set_to(0)
    return set_to


def register(make_event, email="lin@example.org"):
    event = make_event(title="星海讲坛", starts_at=in_days(7))
    registration.register(event, name="林小明", phone="13800138000", email=email)
    db.session.commit()
    return event


def rows():
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_registration_mails_its_ticket_once(smtp, make_event, at):
    event = register(make_event)
    (received,) = smtp.inbox.messages
    (row,) = rows()
    assert (row.status, row.attempts, row.kind, row.event_id, row.sent_at) == ("sent", 1, "registration.confirmed", event.id, T0)
    assert received["To"] == "lin@example.org" and received["From"] == "outreach@library.example.org"
    assert received["Subject"] == "您在“星海讲坛”的名额已确认"  # in the library's language, through the SMTP encoding
    assert received["Message-ID"] == f"<outbox-{row.id}.{int(row.created_at.timestamp())}@library.example.org>"
    assert "/t/" in received.get_content()
    assert mail.sweep.call_local() == 0  # nothing left to send
    assert len(smtp.inbox.messages) == 1


def test_a_change_rolled_back_leaves_no_message(smtp, app):
    mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    db.session.flush()
    db.session.rollback()
    assert rows() == [] and smtp.inbox.messages == []


def test_a_server_that_is_down_is_tried_again_until_it_is_back(smtp, make_event, at):
    smtp.stop()
    register(make_event)
    (row,) = rows()
    assert (row.status, row.attempts, row.next_attempt_at, row.last_error) == (
        "queued", 1, T0 + timedelta(seconds=30), "ConnectionRefusedError")
    with force_locale("en"):
        assert mail.report(db.session) == (
            "1 e-mail could not be sent yet: the mail server did not take it. It will be tried again.")
    at(10)
    assert mail.sweep.call_local() == 0  # not due yet
    at(30)
    assert mail.sweep.call_local() == 1  # due, and the server is still down
    (row,) = rows()
    assert (row.status, row.attempts, row.next_attempt_at) == ("queued", 2, T0 + timedelta(seconds=90))
    smtp.start()
    at(90)
    assert mail.sweep.call_local() == 1
    (row,) = rows()
    assert (row.status, row.attempts, row.sent_at, row.last_error) == ("sent", 3, T0 + timedelta(seconds=90), None)
    assert len(smtp.inbox.messages) == 1
    at(3600)
    assert mail.sweep.call_local() == 0 and len(smtp.inbox.messages) == 1


def test_the_waits_back_off_to_fifteen_minutes():
    assert [mail.retry_wait(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 900, 900, 900]


def test_given_up_after_three_days_and_tried_again_by_staff(smtp, make_event, at):
    smtp.stop()
    register(make_event)
    at(3 * 24 * 3600)
    assert mail.sweep.call_local() == 1
    (row,) = rows()
    assert (row.status, row.attempts) == ("failed", 2)
    smtp.start()
    at(3 * 24 * 3600 + 60)
    assert mail.sweep.call_local() == 0  # failed messages wait for staff
    assert mail.try_again([row.id]) == 1
    db.session.commit()  # delivered after the commit
    (row,) = rows()
    assert (row.status, row.attempts, row.give_up_at) == ("sent", 3, T0 + timedelta(days=6, seconds=60))
    assert len(smtp.inbox.messages) == 1


def test_a_worker_that_died_while_sending(smtp, app, at):
    """Left ``sending`` by a worker killed mid-batch: queued again after ten minutes, sent once."""
    row = mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    db.session.info.pop("outreach_outbox")  # as if the commit's hand-over never happened
    row.status, row.claimed_at = "sending", T0
    db.session.commit()
    at(5 * 60)
    assert mail.sweep.call_local() == 0
    at(10 * 60 + 1)
    assert mail.sweep.call_local() == 1
    assert [r.status for r in rows()] == ["sent"] and len(smtp.inbox.messages) == 1


def test_two_workers_given_the_same_message_send_it_once(smtp, app, at):
    row = mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    db.session.commit()
    assert len(smtp.inbox.messages) == 1
    assert mail.deliver.call_local([row.id]) == ["sent"]  # the second worker finds it sent
    assert len(smtp.inbox.messages) == 1


def test_held_without_a_mail_server_and_sent_once_one_is_set(app, monkeypatch, at):
    server = SmtpServer()
    mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    db.session.commit()
    (row,) = rows()
    assert row.status == "held"
    assert mail.sweep.call_local() == 0
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    server.start()
    try:
        assert mail.sweep.call_local() == 1
    finally:
        server.stop()
    assert [r.status for r in rows()] == ["sent"] and len(server.inbox.messages) == 1


def test_through_the_queue_when_a_worker_runs_the_jobs(smtp, make_app, tmp_path, at):
    """Not immediate: the commit hands the message to the huey queue (a SQLite file) and the
    page says it is being sent; the worker's job then sends it."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_STORAGE=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
                   SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port)
    try:
        with app.app_context():
            mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
            db.session.commit()
            with force_locale("en"):
                assert mail.report(db.session) == "1 e-mail is being sent."
            assert smtp.inbox.messages == [] and jobs.queue.pending_count() == 1
            task = jobs.queue.dequeue()
            jobs.queue.execute(task)
            assert [r.status for r in rows()] == ["sent"] and len(smtp.inbox.messages) == 1
    finally:
        make_app()


def test_nothing_leaves_before_the_whole_transaction_commits(smtp, app):
    """A savepoint released inside the transaction (as registering does) sends nothing; the
    transaction rolled back after it leaves no message."""
    mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    with db.session.begin_nested():
        mail.queue(db.session, mail.Message("wang@example.org", "Subject", "Body"))
    assert smtp.inbox.messages == []
    db.session.rollback()
    assert rows() == [] and smtp.inbox.messages == []
    mail.queue(db.session, mail.Message("lin@example.org", "Subject", "Body"))
    with db.session.begin_nested():
        mail.queue(db.session, mail.Message("wang@example.org", "Subject", "Body"))
    db.session.commit()
    assert sorted(m["To"] for m in smtp.inbox.messages) == ["lin@example.org", "wang@example.org"]


def test_a_big_commit_goes_out_in_batches_each_over_one_connection(app, smtp, make_event):
    """A cancellation's worth of messages: jobs of ``DELIVER_BATCH``, each one connection to the server."""
    event = make_event(title="星海讲坛", starts_at=in_days(7))
    for n in range(mail.DELIVER_BATCH * 2 + 7):
        mail.queue(db.session, mail.Message(f"reader{n}@example.org", "活动取消", "正文", event_id=event.id))
    db.session.commit()
    assert len(smtp.inbox.messages) == mail.DELIVER_BATCH * 2 + 7
    assert len({m["Message-ID"] for m in smtp.inbox.messages}) == mail.DELIVER_BATCH * 2 + 7
    assert smtp.inbox.connections == 3
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["sent"] * (mail.DELIVER_BATCH * 2 + 7)


def test_a_connection_the_server_closed_is_opened_again(app, smtp, make_event, monkeypatch):
    """The server drops a kept connection between two messages: the second still goes, at once."""
    event = make_event(title="星海讲坛", starts_at=in_days(7))
    monkeypatch.setitem(app.config, "SMTP_HOST", None)  # written and held; delivered below by hand
    first, second = (mail.queue(db.session, mail.Message(f"r{n}@example.org", "提醒", "正文", event_id=event.id))
                     for n in range(2))
    db.session.commit()
    assert [first.status, second.status] == ["held", "held"]
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    with mail.MailConnection() as connection:
        with mail.Session(db.engine) as session:
            assert mail._deliver_one(session, first.id, connection) == mail.SENT
            connection._smtp.sock.shutdown(socket.SHUT_RDWR)  # the server's idle timeout, as the client sees it
            assert mail._deliver_one(session, second.id, connection) == mail.SENT
    assert len(smtp.inbox.messages) == 2 and smtp.inbox.connections == 2

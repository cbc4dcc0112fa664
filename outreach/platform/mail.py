"""Messages to people, through a durable outbox.

``queue`` writes each message as an ``OutboxMessage`` row in the transaction of the change that
causes it: a rolled-back change leaves no message, a committed one always has its message.
After the commit the rows are handed to the ``deliver`` job; the worker (``flask jobs worker``)
sends them, and a message the mail server does not take is tried again — within a minute, then
backing off to every 15 minutes — until it is taken or three days have passed (``failed``:
staff may try again). ``sweep``, a periodic job, sends whatever is due: retries, messages whose
hand-over to the queue was lost, and messages a worker that died left ``sending``.

With ``OUTREACH_SMTP_HOST`` set, mail goes out through that server; without it, no message is
sent: each is ``held`` and written to the log (a masked address and the subject only: never the
body, whose ticket links are credentials), and goes out once a server is set. What happened to
the messages of a request (``SENT``, ``NOT_SENT``, ``FAILED``, or ``QUEUED`` for the worker) is
kept in the session until a page takes it (``take_outcomes``) to tell staff the truth
(``report``); with ``OUTREACH_JOBS_IMMEDIATE`` the delivery happens before the page answers.

A row's ``channel`` is ``email`` or ``sms``: a text message (``outreach.platform.sms``) is
written, delivered, tried again and given up the same way; a refusal that trying again cannot
change (a number or template the provider will not take) fails it at once, its code kept.
"""

from __future__ import annotations

import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from flask_babel import ngettext
from huey import crontab
from sqlalchemy import and_, event, inspect, or_, select, update
from sqlalchemy.orm import Session

from outreach import clock
from outreach.extensions import db
from outreach.i18n import sentences
from outreach.phone import masked_phone
from outreach.platform import sms
from outreach.platform.jobs import job, periodic, queue as job_queue
from outreach.platform.models import OutboxMessage

log = logging.getLogger(__name__)
_OUTBOX = "outreach_outbox"
#: The rows of ``_OUTBOX`` that are text messages (by ``id()``): known without loading an
#: expired row after the commit.
_TEXTS = "outreach_outbox_texts"
_OUTCOMES = "outreach_mail_outcomes"

#: What happened to a message after the commit.
SENT, NOT_SENT, FAILED, QUEUED = "sent", "not_sent", "failed", "queued"
#: The same for a text message.
SMS_SENT, SMS_NOT_SENT, SMS_FAILED, SMS_QUEUED = "sms_sent", "sms_not_sent", "sms_failed", "sms_queued"
_SMS_OUTCOMES = {SENT: SMS_SENT, NOT_SENT: SMS_NOT_SENT, FAILED: SMS_FAILED, QUEUED: SMS_QUEUED}

#: How long a message is tried before it is given up.
KEEP_TRYING = timedelta(days=3)
#: The first retry, doubled after each failure up to the longest wait.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
#: Messages one sweep sends at most (the next sweep, a minute later, takes the rest).
SWEEP_BATCH = 500
#: Messages one delivery job sends, over one connection to the mail server: a cancellation's
#: 800 go as 16 jobs that the consumers' threads share, rather than one job sending all 800.
DELIVER_BATCH = 50


@dataclass
class Message:
    to: str
    subject: str
    body: str
    #: What kind of message ("registration.confirmed"), and what it concerns, for staff's lists.
    kind: str = ""
    event_id: int | None = None
    volunteer_id: int | None = None
    #: The language it is written in.
    locale: str | None = None
    #: ``email``, or ``sms``: ``to`` is then a mobile number, the template code and its
    #: variables are what the provider is sent, and ``body`` the text filled in, for staff.
    channel: str = "email"
    sms_template: str | None = None
    sms_params: dict | None = None


def queue(session: Session, message: Message) -> OutboxMessage:
    """Write ``message`` to the outbox in ``session``'s transaction; it is delivered after the commit."""
    now = clock.now()
    params = json.dumps(message.sms_params, ensure_ascii=False, sort_keys=True) if message.sms_params else None
    row = OutboxMessage(
        kind=message.kind[:48], recipient=message.to, subject=str(message.subject)[:300], body=str(message.body),
        channel=message.channel, sms_template=message.sms_template, sms_params=params,
        locale=message.locale, event_id=message.event_id, volunteer_id=message.volunteer_id,
        status="queued", created_at=now, next_attempt_at=now, give_up_at=now + KEEP_TRYING,
    )
    session.add(row)
    _hand_over(session, row, message.channel)
    return row


def _hand_over(session: Session, row: OutboxMessage, channel: str) -> None:
    """Deliver ``row`` after ``session``'s commit."""
    session.info.setdefault(_OUTBOX, []).append(row)
    if channel == "sms":
        session.info.setdefault(_TEXTS, set()).add(id(row))


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction around it may still roll back
        return
    rows = [row for row in session.info.pop(_OUTBOX, []) if inspect(row).identity]
    texts = session.info.pop(_TEXTS, set())
    ids = [inspect(row).identity[0] for row in rows]
    if not ids:
        return
    outcomes = session.info.setdefault(_OUTCOMES, [])
    batches = [ids[start:start + DELIVER_BATCH] for start in range(0, len(ids), DELIVER_BATCH)]
    if job_queue.immediate:
        for batch in batches:
            outcomes.extend(deliver.call_local(batch))
        return
    channels = ["sms" if id(row) in texts else "email" for row in rows]
    try:
        for batch in batches:
            deliver(batch)
    except Exception as error:  # noqa: BLE001 - the queue down: the sweep sends them within a minute
        log.error("the job queue did not take %d message(s) (%s); the next sweep sends them", len(ids),
                  type(error).__name__)
    outcomes.extend(SMS_QUEUED if channel == "sms" else QUEUED for channel in channels)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
    session.info.pop(_TEXTS, None)


def configured() -> bool:
    """Whether a mail server is set (``OUTREACH_SMTP_HOST``): without one nothing is sent."""
    return bool(current_app.config.get("SMTP_HOST"))


@job()
def deliver(ids: list[int]) -> list[str]:
    """Send the outbox messages ``ids`` that are due, over one connection to the mail server;
    what happened to each, in order."""
    with Session(db.engine) as session, MailConnection() as connection:
        return [_deliver_one(session, message_id, connection) for message_id in ids]


@periodic(crontab(minute="*"))
def sweep() -> int:
    """Send every message that is due; queue again those a dead worker left ``sending``."""
    now = clock.now()
    with Session(db.engine) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending",
                   OutboxMessage.claimed_at < now - timedelta(seconds=current_app.config["MAIL_STALE_CLAIM_SECONDS"]))
            .values(status="queued", next_attempt_at=now)
        )
        session.commit()
        # Held messages wait for their channel to be set up.
        held = [channel for channel, on in (("email", configured()), ("sms", sms.configured())) if on]
        waiting = or_(OutboxMessage.status == "queued",
                      and_(OutboxMessage.status == "held", OutboxMessage.channel.in_(held)))
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(waiting, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(SWEEP_BATCH)
        ).all()
        with MailConnection() as connection:
            for message_id in ids:
                _deliver_one(session, message_id, connection)
    return len(ids)


#: Messages staff may send again.
RETRYABLE = ("failed", "held")


def outbox(*, event_id: int | None = None, volunteer_id: int | None = None, statuses=None):
    """The outbox's messages about an event, to a volunteer, of these statuses (each optional)."""
    stmt = select(OutboxMessage)
    if event_id:
        stmt = stmt.where(OutboxMessage.event_id == event_id)
    if volunteer_id:
        stmt = stmt.where(OutboxMessage.volunteer_id == volunteer_id)
    if statuses:
        stmt = stmt.where(OutboxMessage.status.in_(statuses))
    return stmt


def try_again(ids: list[int]) -> int:
    """Staff's "try again" for failed and held messages: due now, and kept three more days.
    In the caller's transaction; the messages go after its commit. How many were queued."""
    now = clock.now()
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(RETRYABLE))
    ).all()
    for row in rows:
        row.status, row.next_attempt_at, row.give_up_at = "queued", now, now + KEEP_TRYING
        _hand_over(db.session, row, row.channel)
    return len(rows)


def _deliver_one(session: Session, message_id: int, connection: MailConnection | None = None) -> str:
    now = clock.now()
    # Claimed by one conditional update: of two workers given the same message, one sends it.
    claimed = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(["queued", "held"]),
               OutboxMessage.next_attempt_at <= now)
        .values(status="sending", claimed_at=now, attempts=OutboxMessage.attempts + 1)
    ).rowcount
    session.commit()
    row = session.get(OutboxMessage, message_id, populate_existing=True)
    told = (lambda outcome: _SMS_OUTCOMES[outcome]) if row.channel == "sms" else (lambda outcome: outcome)
    if not claimed:
        return told(SENT if row.status == "sent" else QUEUED)
    try:
        if row.channel == "sms":
            taken = sms.send(row.recipient, row.sms_template or "", row.sms_params or "{}", _out_id(row))
        else:
            taken = send(Message(row.recipient, row.subject, row.body), message_id=_message_id(row),
                         connection=connection)
    except sms.SmsRefused as refusal:
        # The provider's code (no personal data): a number or template it will not take fails at once.
        row.status, row.last_error = "failed", refusal.code[:200]
        session.commit()
        return told(FAILED)
    except Exception as error:  # noqa: BLE001 - a mail server or SMS provider down must not lose the message
        # The kind of error only: a refusal's text and traceback may hold whole addresses.
        code = error.code if isinstance(error, sms.SmsError) else type(error).__name__
        log.error("%s to %s could not be sent (%s), subject %r", "text message" if row.channel == "sms" else "mail",
                  _masked(row), code, row.subject)
        row.last_error = code[:200]
        if now >= row.give_up_at:
            row.status = "failed"
        else:
            row.status, row.next_attempt_at = "queued", now + retry_wait(row.attempts)
        session.commit()
        return told(FAILED)
    row.status = "sent" if taken else "held"
    row.sent_at = now if taken else None
    row.last_error = None
    session.commit()
    return told(SENT if taken else NOT_SENT)


def retry_wait(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: 30 s, 1, 2, 4, 8 minutes, then 15."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _out_id(row: OutboxMessage) -> str:
    """The same ``OutId`` on every try of one text message: the provider's records and
    delivery receipts name the outbox row."""
    return f"outbox-{row.id}"


def _masked(row: OutboxMessage) -> str:
    return masked_phone(row.recipient) if row.channel == "sms" else mask(row.recipient)


def _message_id(row: OutboxMessage) -> str:
    """The same Message-ID on every try of one message, so that a receiving server that got a
    try whose answer was lost can tell the next one is the same message."""
    domain = (current_app.config.get("MAIL_FROM") or "").rpartition("@")[2] or "outreach.invalid"
    return f"<outbox-{row.id}.{int(row.created_at.timestamp())}@{domain}>"


class MailConnection:
    """One connection to the mail server, opened for the first message that needs it and kept for
    the next ones (a delivery job's batch): one greeting, TLS and log-in for fifty messages. After
    an error it is closed, and the next message opens a new one."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def send(self, email: EmailMessage) -> None:
        """Send ``email``; a kept connection the server has since closed is opened again once."""
        reused = self._smtp is not None
        try:
            self._open().send_message(email)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            self._open().send_message(email)
        except Exception:
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        if self._smtp is None:
            config = current_app.config
            smtp = smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=10)
            try:
                if config.get("SMTP_STARTTLS"):
                    smtp.starttls()
                if config.get("SMTP_USERNAME"):
                    smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
            except Exception:
                smtp.close()
                raise
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            smtp, self._smtp = self._smtp, None
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):  # already gone: nothing to say goodbye to
                smtp.close()


def send(message: Message, *, message_id: str | None = None, connection: MailConnection | None = None) -> bool:
    """Send ``message`` now, over ``connection`` when given (else a connection of its own);
    returns whether it went out (False: no mail server is set, and the log says so). Raises
    what the mail server raises."""
    config = current_app.config
    host = config.get("SMTP_HOST")
    if current_app.testing:  # what tests read back; never kept in memory in production
        current_app.extensions.setdefault("outreach_sent_mail", []).append(message)
    if not host:
        log.info(
            "mail to %s not sent: no mail server is set (OUTREACH_SMTP_HOST); subject %r",
            mask(message.to), message.subject,
        )
        return False
    email = EmailMessage()
    email["From"] = config.get("MAIL_FROM") or f"noreply@{host}"
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Message-ID"] = message_id or make_msgid()
    email.set_content(message.body)
    if connection is not None:
        connection.send(email)
    else:
        with MailConnection() as own:
            own.send(email)
    log.info("mail to %s sent, subject %r", mask(message.to), message.subject)
    return True


def take_outcomes(session: Session) -> list[str]:
    """What happened to the messages sent after this session's commits, since last taken."""
    return session.info.pop(_OUTCOMES, [])


def report(session: Session) -> str | None:
    """For staff, what really happened to the messages the last commits wrote: sent, handed to
    the worker, not sent for want of a mail server, or not taken by it (tried again). None when
    there were none."""
    outcomes = take_outcomes(session)
    parts = []
    sent, queued, not_sent, failed = (outcomes.count(kind) for kind in (SENT, QUEUED, NOT_SENT, FAILED))
    sms_sent, sms_queued, sms_not_sent, sms_failed = (
        outcomes.count(kind) for kind in (SMS_SENT, SMS_QUEUED, SMS_NOT_SENT, SMS_FAILED))
    if sent:
        parts.append(ngettext("%(num)d e-mail was sent.", "%(num)d e-mails were sent.", sent))
    if queued:
        parts.append(ngettext("%(num)d e-mail is being sent.", "%(num)d e-mails are being sent.", queued))
    if not_sent:
        parts.append(ngettext(
            "No mail server is configured: %(num)d message was not sent (the server's log names it).",
            "No mail server is configured: %(num)d messages were not sent (the server's log names them).",
            not_sent,
        ))
    if failed:
        parts.append(ngettext(
            "%(num)d e-mail could not be sent yet: the mail server did not take it. It will be tried again.",
            "%(num)d e-mails could not be sent yet: the mail server did not take them. They will be tried again.",
            failed,
        ))
    if sms_sent:
        parts.append(ngettext("%(num)d text message was sent.", "%(num)d text messages were sent.", sms_sent))
    if sms_queued:
        parts.append(ngettext("%(num)d text message is being sent.", "%(num)d text messages are being sent.",
                              sms_queued))
    if sms_not_sent:
        parts.append(ngettext(
            "Text messages are switched off: %(num)d text message was not sent.",
            "Text messages are switched off: %(num)d text messages were not sent.",
            sms_not_sent,
        ))
    if sms_failed:
        parts.append(ngettext(
            "%(num)d text message was not taken by the SMS service: the Messages page says why.",
            "%(num)d text messages were not taken by the SMS service: the Messages page says why.",
            sms_failed,
        ))
    return sentences(*parts) or None


def mask(address: str) -> str:
    name, _at, domain = (address or "").partition("@")
    return (name[:1] + "***@" + domain) if domain else "***"

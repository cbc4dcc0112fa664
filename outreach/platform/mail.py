"""Messages to people, sent after the transaction that caused them has committed.

With ``OUTREACH_SMTP_HOST`` set, mail goes out through that server; without it, no message
is sent and each one is written to the log instead (a masked address and the subject only:
never the body, whose ticket links are credentials), so a library without mail still sees
that a message would have gone. What happened to each message (``SENT``, ``NOT_SENT``,
``FAILED``) is kept in the session until a page takes it (``take_outcomes``) to tell staff
the truth (``report``).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from outreach.i18n import sentences

log = logging.getLogger(__name__)
_OUTBOX = "outreach_outbox"
_OUTCOMES = "outreach_mail_outcomes"

#: What happened to a message after the commit.
SENT, NOT_SENT, FAILED = "sent", "not_sent", "failed"


@dataclass
class Message:
    to: str
    subject: str
    body: str


def queue(session: Session, message: Message) -> None:
    session.info.setdefault(_OUTBOX, []).append(message)


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    messages = session.info.pop(_OUTBOX, [])
    outcomes = session.info.setdefault(_OUTCOMES, []) if messages else []
    for message in messages:
        try:
            outcomes.append(SENT if send(message) else NOT_SENT)
        except Exception as error:  # a mail server down must not undo what was committed
            # The kind of error only: a refusal's text and traceback may hold whole addresses.
            log.error("mail to %s could not be sent (%s), subject %r", mask(message.to), type(error).__name__,
                      message.subject)
            outcomes.append(FAILED)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


def configured() -> bool:
    """Whether a mail server is set (``OUTREACH_SMTP_HOST``): without one nothing is sent."""
    return bool(current_app.config.get("SMTP_HOST"))


def send(message: Message) -> bool:
    """Send ``message`` now; returns whether it went out (False: no mail server is set, and
    the log says so). Raises what the mail server raises."""
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
    email.set_content(message.body)
    with smtplib.SMTP(host, int(config.get("SMTP_PORT") or 25), timeout=10) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(email)
    log.info("mail to %s sent, subject %r", mask(message.to), message.subject)
    return True


def take_outcomes(session: Session) -> list[str]:
    """What happened to the messages sent after this session's commits, since last taken."""
    return session.info.pop(_OUTCOMES, [])


def report(session: Session) -> str | None:
    """For staff, what really happened to the messages the last commits sent: sent, not sent
    for want of a mail server, or refused by it. None when no message was sent."""
    outcomes = take_outcomes(session)
    parts = []
    sent, not_sent, failed = (outcomes.count(kind) for kind in (SENT, NOT_SENT, FAILED))
    if sent:
        parts.append(ngettext("%(num)d e-mail was sent.", "%(num)d e-mails were sent.", sent))
    if not_sent:
        parts.append(ngettext(
            "No mail server is configured: %(num)d message was not sent (the server's log names it).",
            "No mail server is configured: %(num)d messages were not sent (the server's log names them).",
            not_sent,
        ))
    if failed:
        parts.append(ngettext(
            "%(num)d e-mail could not be sent: the mail server did not take it (see the server's log).",
            "%(num)d e-mails could not be sent: the mail server did not take them (see the server's log).",
            failed,
        ))
    return sentences(*parts) or None


def mask(address: str) -> str:
    name, _at, domain = (address or "").partition("@")
    return (name[:1] + "***@" + domain) if domain else "***"

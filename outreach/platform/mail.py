"""Messages to people, sent after the transaction that caused them has committed.

With ``OUTREACH_SMTP_HOST`` set, mail goes out through that server; without it, each
message is written to the log (subject and a masked address only: no personal data in
logs), so a library without mail still sees that a message would have gone.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_OUTBOX = "outreach_outbox"


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
    for message in messages:
        try:
            send(message)
        except Exception:  # a mail server down must not undo what was committed
            log.exception("could not send mail %r to %s", message.subject, mask(message.to))


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)


def send(message: Message) -> None:
    config = current_app.config
    host = config.get("SMTP_HOST")
    if not host:
        log.info("mail (no SMTP configured) to %s: %s", mask(message.to), message.subject)
        if current_app.testing:  # what tests read back; never kept in memory in production
            current_app.extensions.setdefault("outreach_sent_mail", []).append(message)
        return
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


def mask(address: str) -> str:
    name, _, domain = (address or "").partition("@")
    return (name[:1] + "***@" + domain) if domain else "***"

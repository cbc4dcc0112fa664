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

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
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


def queue_registration_message(registration, kind: str) -> None:
    """Tell a registrant (who gave an e-mail address) that they are confirmed, waiting,
    promoted from the waiting list or moved. Written in the library's default language."""
    from outreach.extensions import db
    from outreach.registration import tickets

    if not registration.email:
        return
    event = registration.event
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        title = event.display_title(current_app.config["DEFAULT_LOCALE"])
        subjects = {
            "confirmed": _("Your place at %(title)s is confirmed", title=title),
            "waitlisted": _("You are on the waiting list for %(title)s", title=title),
            "promoted": _("A place has become free for you at %(title)s", title=title),
            "moved": _("Your registration has moved to %(title)s", title=title),
        }
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        lines = [
            subjects[kind] + ".",
            _("Your ticket: %(url)s", url=url_for("registration.ticket", token=token, _external=True)),
        ]
        lines.append(_("Cancel on the ticket page if you cannot come, so that someone else can."))
    queue(db.session, Message(registration.email, subjects[kind], "\n\n".join(str(line) for line in lines)))


def queue_volunteer_review(profile, *, approved: bool) -> None:
    """Tell an applicant the outcome of the review."""
    from outreach.extensions import db

    user = profile.user
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        if approved:
            subject = _("Welcome to the library's volunteers")
            body = _("Your application has been approved. Sign in to choose your first shifts: %(url)s",
                     url=url_for("volunteers.me", _external=True))
        else:
            subject = _("Your volunteer application")
            body = _("Thank you for your application. We cannot take it up at present.")
        if profile.review_note:
            body = f"{body}\n\n{profile.review_note}"
    queue(db.session, Message(user.email, str(subject), str(body)))


def queue_shift_promotion(signup) -> None:
    """Tell a volunteer that a slot on a shift they were waiting for is theirs."""
    from outreach.extensions import db

    user = signup.volunteer.user
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        subject = _("You have a place on a shift: %(role)s", role=signup.shift.role)
        body = _("A slot became free and is now yours. See your shifts: %(url)s",
                 url=url_for("volunteers.me", _external=True))
    queue(db.session, Message(user.email, str(subject), str(body)))


def queue_shift_reminder(signup) -> Message:
    from outreach.extensions import db
    from outreach.timezone import local

    user = signup.volunteer.user
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        subject = _("Reminder: your shift tomorrow at %(time)s", time=local(signup.shift.starts_at).strftime("%H:%M"))
        body = _("%(role)s, %(when)s. %(place)s", role=signup.shift.role,
                 when=local(signup.shift.starts_at).strftime("%Y-%m-%d %H:%M"),
                 place=signup.shift.location or "")
    message = Message(user.email, str(subject), str(body))
    queue(db.session, message)
    return message


def queue_event_cancelled(registration, reason: str | None) -> None:
    """Tell a registrant (who gave an e-mail address) that the event is cancelled, with the
    reason when staff gave one. Written in the library's default language."""
    from outreach.extensions import db
    from outreach.timezone import local

    if not registration.email:
        return
    event = registration.event
    locale = current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        title = event.display_title(locale)
        subject = _("%(title)s is cancelled", title=title)
        lines = [
            _("We are sorry: %(title)s, planned for %(when)s, is cancelled.", title=title,
              when=local(event.starts_at).strftime("%Y-%m-%d %H:%M")),
        ]
        if reason:
            lines.append(_("Reason: %(reason)s", reason=reason))
        lines.append(_("You do not need to do anything: your registration no longer applies."))
    queue(db.session, Message(registration.email, str(subject), "\n\n".join(str(line) for line in lines)))

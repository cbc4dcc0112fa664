"""The messages a registrant gets: confirmed, waiting, promoted, moved, the event cancelled.

They are written to the outbox with the change and sent after the commit
(``outreach.platform.mail``), in the language the registrant used when registering (the page's
or the API request's), else the library's default language.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from sqlalchemy import func, select

from outreach.events.signals import event_cancel_audience, event_cancelled
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.platform import mail
from outreach.platform.services import record
from outreach.registration import tickets
from outreach.registration.models import Registration
from outreach.timezone import local


def registrant_locale(registration) -> str:
    """The language of a registrant's messages: the one they used, else the library's."""
    return registration.locale or current_app.config["DEFAULT_LOCALE"]


def queue_registration_message(registration, kind: str, reason: str | None = None) -> None:
    """Tell a registrant (who gave an e-mail address) that they are confirmed, waiting,
    promoted from the waiting list or moved."""
    if not registration.email:
        return
    event = registration.event
    locale = registrant_locale(registration)
    with force_locale(locale):
        title = event.display_title(locale)
        subjects = {
            "confirmed": _("Your place at %(title)s is confirmed", title=title),
            "waitlisted": _("You are on the waiting list for %(title)s", title=title),
            "promoted": _("A place has become free for you at %(title)s", title=title),
            "moved": _("Your registration has moved to %(title)s", title=title),
        }
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        url = url_for("registration.ticket", token=token, _external=True)
        if registration.status == "waitlisted":
            # Not a ticket yet: the page says when a place frees up, and then it is the ticket.
            link = _("Your waiting-list page (not a ticket yet: it shows when a place frees up for you, "
                     "and then it becomes your ticket): %(url)s", url=url)
        else:
            link = _("Your ticket: %(url)s", url=url)
        lines = [subjects[kind] + ".", link, _("Keep this e-mail, or save the page or take a screenshot of it.")]
        if reason:
            lines.insert(1, _("Reason: %(reason)s", reason=reason))
        lines.append(_("Cancel on the ticket page if you cannot come, so that someone else can."))
    mail.queue(db.session, mail.Message(
        registration.email, subjects[kind], "\n\n".join(str(line) for line in lines), kind=f"registration.{kind}",
        event_id=registration.event_id, locale=locale,
    ))


def queue_ticket_links(registrations) -> None:
    """Send the ticket links a "find my ticket" request found to the e-mail address given
    when registering (one message for the registrations of one address), in the language of
    the page that asked. The subject names no event: a log line keeps the subject."""
    if not registrations:
        return
    locale = current_locale()
    lines = [_("You asked us to send your ticket links again. Here they are:")]
    for registration in registrations:
        event = registration.event
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        url = url_for("registration.ticket", token=token, _external=True)
        when = local(event.starts_at).strftime("%Y-%m-%d %H:%M")
        title = event.display_title(locale)
        if registration.status == "waitlisted":
            lines.append(_("%(title)s (%(when)s), on the waiting list, not a ticket yet: %(url)s", title=title, when=when, url=url))
        else:
            lines.append(_("%(title)s (%(when)s): %(url)s", title=title, when=when, url=url))
    lines.append(_("Keep this e-mail, or save the page or take a screenshot of it."))
    lines.append(_("If you did not ask for this, you can ignore this message: nothing has changed."))
    subject = _("Your ticket links")
    mail.queue(db.session, mail.Message(
        registrations[0].email, str(subject), "\n\n".join(str(line) for line in lines), kind="registration.ticket_links",
        locale=locale,
    ))


def queue_event_cancelled(registration, reason: str | None) -> None:
    """Tell a registrant (who gave an e-mail address) that the event is cancelled, with the
    reason when staff gave one."""
    if not registration.email:
        return
    event = registration.event
    locale = registrant_locale(registration)
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
    mail.queue(db.session, mail.Message(
        registration.email, str(subject), "\n\n".join(str(line) for line in lines), kind="event.cancelled",
        event_id=registration.event_id, locale=locale,
    ))


def _to_tell(event):
    """The registrations of ``event`` a cancellation tells: not cancelled, with an e-mail address."""
    return (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status != "cancelled", Registration.email.is_not(None))
        .order_by(Registration.id)
    )


def cancellation_audience(event) -> tuple[int, int]:
    """The registrations (not cancelled) that cancelling ``event`` concerns: how many are told
    by e-mail, and how many gave no address and are not told."""
    active = select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status != "cancelled"
    )
    told = count_registrants_to_tell(event)
    return told, db.session.scalar(active) - told


@event_cancel_audience.connect
def count_registrants_to_tell(event, **_extra) -> int:
    """How many registrants of ``event`` its cancellation would tell."""
    return db.session.scalar(select(func.count()).select_from(_to_tell(event).subquery()))


@event_cancelled.connect
def tell_registrants(event, *, reason: str | None = None, **_extra) -> int:
    """Queue the cancellation message to every registrant of ``event`` who has not cancelled
    and gave an e-mail address; returns how many."""
    registrations = db.session.scalars(_to_tell(event)).all()
    for registration in registrations:
        queue_event_cancelled(registration, reason)
    return len(registrations)


def queue_reminder(registration) -> None:
    """The day before: when and where, the ticket, and to cancel if plans changed."""
    event = registration.event
    locale = registrant_locale(registration)
    with force_locale(locale):
        title = event.display_title(locale)
        when = local(event.starts_at).strftime("%Y-%m-%d %H:%M")
        subject = _("Reminder: %(title)s is tomorrow", title=title)
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        lines = [
            _("%(title)s starts tomorrow, %(when)s.", title=title, when=when),
            _("Place: %(place)s", place=event.venue.display_name(locale)) if event.venue else None,
            _("Your ticket: %(url)s", url=url_for("registration.ticket", token=token, _external=True)),
            _("If you cannot come, please cancel on the ticket page, so that someone else can have your place."),
        ]
    mail.queue(db.session, mail.Message(
        registration.email, str(subject), "\n\n".join(str(line) for line in lines if line), kind="registration.reminder",
        event_id=registration.event_id, locale=locale,
    ))


# --- staff's message to an event's registrants ---------------------------------------------

#: Who staff's message goes to: the registrations of these statuses.
AUDIENCES = {"confirmed": ("confirmed",), "all": ("confirmed", "waitlisted")}


def announcement_reach(event) -> dict[str, tuple[int, int]]:
    """Per audience, (registrations with an e-mail address, without one): one grouped query."""
    rows = db.session.execute(
        select(Registration.status, Registration.email.is_not(None), func.count())
        .where(Registration.event_id == event.id, Registration.status.in_(AUDIENCES["all"]))
        .group_by(Registration.status, Registration.email.is_not(None))
    ).all()
    reach = {}
    for audience, statuses in AUDIENCES.items():
        told = sum(n for status, has_email, n in rows if status in statuses and has_email)
        untold = sum(n for status, has_email, n in rows if status in statuses and not has_email)
        reach[audience] = (told, untold)
    return reach


def queue_announcement(event, audience: str, subject: str, body: str, *, actor) -> int:
    """Staff's message to each registration of ``audience`` with an address, through the outbox,
    in its registrant's language for the closing line; audited. How many were written."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(AUDIENCES[audience]),
               Registration.email.is_not(None))
        .order_by(Registration.id)
    ).all()
    for registration in registrations:
        locale = registrant_locale(registration)
        with force_locale(locale):
            footer = _("From %(library)s, about %(title)s. You receive this because you registered for it.",
                       library=library_name(locale), title=event.display_title(locale))
        mail.queue(db.session, mail.Message(
            registration.email, subject, f"{body}\n\n--\n{footer}", kind="event.message", event_id=event.id,
            locale=locale,
        ))
    record("event.message", event, actor=actor, data={"audience": audience, "recipients": len(registrations)})
    return len(registrations)

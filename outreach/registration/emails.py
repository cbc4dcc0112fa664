"""The messages a registrant gets: confirmed, waiting, promoted, moved, the event changed
or cancelled, the reminder the day before.

They are written to the outbox with the change and sent after the commit
(``outreach.platform.mail``), in the language the registrant used when registering (the page's
or the API request's), else the library's default language. A registrant who gave an e-mail
address gets an e-mail; one who gave only a mainland mobile number gets a text message when
the library has switched texts on and has an approved template for that kind of message
(``outreach.platform.sms``; the template texts are ``SMS_TEXTS``): its variables are cut to the
provider's limit and hold no links, so a text carries no ticket link. Without texts switched
on no text is written at all: a text held for days and sent once they are switched on would
tell of places and times long past.
"""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l

from sqlalchemy import func, or_, select

from outreach.events.signals import event_cancel_audience, event_cancelled, event_changed
from outreach.extensions import db
from outreach.i18n import current_locale, library_name
from outreach.platform import mail, sms
from outreach.platform.services import record
from outreach.registration import tickets
from outreach.registration.models import Registration
from outreach.timezone import local


def registrant_locale(registration) -> str:
    """The language of a registrant's messages: the one they used, else the library's."""
    return registration.locale or current_app.config["DEFAULT_LOCALE"]


# --- text messages ---------------------------------------------------------------------------

#: The text of each SMS template, with its variables, as the library applies for it (the
#: Chinese template is the translation; README, "Text messages"). Each variable is at most
#: ``sms.VARIABLE_LIMIT`` characters; ``time`` is library time, "2026-12-11 14:00".
SMS_TEXTS = {
    "registration.confirmed": _l("Your place at ${title} on ${time} is confirmed. If you cannot come, please "
                                 "cancel your registration so that someone else can have it."),
    "registration.waitlisted": _l("You are on the waiting list for ${title} on ${time}. We will send you a text "
                                  "message if a place becomes free."),
    "registration.promoted": _l("A place has become free for you at ${title} on ${time}: your registration is "
                                "confirmed."),
    "registration.moved": _l("Your registration has moved to ${title} on ${time}."),
    "registration.reminder": _l("Reminder: ${title} starts at ${time}, at ${place}. If you cannot come, please "
                                "cancel your registration."),
    "event.cancelled": _l("We are sorry: ${title}, planned for ${time}, is cancelled. Reason: ${reason}. You do not "
                          "need to do anything."),
    "event.changed": _l("${title} has changed: it was ${old}, it is now ${new}. If you can no longer come, please "
                        "cancel your registration."),
}


def group_line(registration) -> str:
    """A group registration in one sentence, in the current language: who, how many, one ticket."""
    return _(
        "For %(organisation)s: %(children)s and %(adults)s. The leader's ticket admits the whole group; "
        "at the door, say how many came.",
        organisation=registration.group_organisation,
        children=ngettext("%(num)d child", "%(num)d children", registration.group_children),
        adults=ngettext("%(num)d adult", "%(num)d adults", registration.group_adults),
    )


def _text_template(registration, kind: str) -> tuple[str, str] | None:
    """(template code, its language) when ``registration`` is told of ``kind`` by text message:
    no e-mail address, a mainland mobile number, texts on and a template for ``kind``."""
    if registration.email or not sms.reachable(registration.phone):
        return None
    return sms.template_for(kind, registrant_locale(registration))


def _when(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M")


def _queue_text(registration, kind: str, template: tuple[str, str], values: dict) -> None:
    """Write the text message of ``kind`` to ``registration``'s mobile: the template's variables
    (each cut to the provider's limit) and, for staff, the text as the patron reads it."""
    code, locale = template
    params = {name: sms.variable(value) for name, value in values.items()}
    with force_locale(locale):
        text = str(SMS_TEXTS[kind])
        label = _("Text message")
    for name, value in params.items():
        text = text.replace("${" + name + "}", value)
    mail.queue(db.session, mail.Message(
        registration.phone, label, text, kind=kind, event_id=registration.event_id, locale=locale,
        channel="sms", sms_template=code, sms_params=params,
    ))


def reached(kind: str):
    """The registrations a message of ``kind`` reaches: those with an e-mail address, and those
    with a mobile number only when texts of ``kind`` are on."""
    clause = Registration.email.is_not(None)
    if sms.template_for(kind, None):
        clause = or_(clause, Registration.phone.like("1" + "_" * 10))
    return clause


def queue_registration_message(registration, kind: str, reason: str | None = None) -> None:
    """Tell a registrant that they are confirmed, waiting, promoted from the waiting list or
    moved: by e-mail, or by text message to a mobile number only."""
    event = registration.event
    text = _text_template(registration, f"registration.{kind}")
    if text:
        locale = text[1]
        _queue_text(registration, f"registration.{kind}", text,
                    {"title": event.display_title(locale), "time": _when(event.starts_at)})
        return
    if not registration.email:
        return
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
        if registration.group_kind:
            lines.insert(1, group_line(registration))
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
    """Tell a registrant that the event is cancelled, with the reason when staff gave one."""
    event = registration.event
    text = _text_template(registration, "event.cancelled")
    if text:
        with force_locale(text[1]):
            given = reason or _("not given")
        _queue_text(registration, "event.cancelled", text, {
            "title": event.display_title(text[1]), "time": _when(event.starts_at), "reason": given})
        return
    if not registration.email:
        return
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
    """The registrations of ``event`` a cancellation tells: not cancelled, with an e-mail
    address (or a mobile number, when texts are on)."""
    return (
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status != "cancelled", reached("event.cancelled"))
        .order_by(Registration.id)
    )


def cancellation_audience(event) -> tuple[int, int]:
    """The registrations (not cancelled) that cancelling ``event`` concerns: how many are told
    (by e-mail, or text message when texts are on), and how many cannot be and are not told."""
    active = select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status != "cancelled"
    )
    told = count_registrants_to_tell(event)
    return told, db.session.scalar(active) - told


def texted_on_cancellation(event) -> int:
    """Of the registrants cancelling ``event`` tells, how many are told by text message (a
    mobile number and no e-mail address, texts on)."""
    if not sms.template_for("event.cancelled", None):
        return 0
    return db.session.scalar(select(func.count(Registration.id)).where(
        Registration.event_id == event.id, Registration.status != "cancelled", Registration.email.is_(None),
        Registration.phone.like("1" + "_" * 10),
    ))


@event_cancel_audience.connect
def count_registrants_to_tell(event, **_extra) -> int:
    """How many registrants of ``event`` its cancellation would tell."""
    return db.session.scalar(select(func.count()).select_from(_to_tell(event).subquery()))


@event_cancelled.connect
def tell_registrants(event, *, reason: str | None = None, **_extra) -> int:
    """Queue the cancellation message to every registrant of ``event`` who has not cancelled
    and can be told; returns how many."""
    registrations = db.session.scalars(_to_tell(event)).all()
    for registration in registrations:
        queue_event_cancelled(registration, reason)
    return len(registrations)


def queue_reminder(registration) -> None:
    """The day before: when and where, the ticket, and to cancel if plans changed."""
    event = registration.event
    text = _text_template(registration, "registration.reminder")
    if text:
        locale = text[1]
        place = event.venue.display_name(locale) if event.venue else "-"
        _queue_text(registration, "registration.reminder", text,
                    {"title": event.display_title(locale), "time": _when(event.starts_at), "place": place})
        return
    if not registration.email:
        return
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


# --- the event changed --------------------------------------------------------------------

#: Who is told that an event's time or place changed.
CHANGE_AUDIENCE = ("confirmed", "waitlisted")


def _span(starts_at, ends_at) -> str:
    """An event's time in library time: "2026-12-11 14:00-16:00" (the end's date when another day)."""
    start, end = local(starts_at), local(ends_at) if ends_at else None
    if end is None:
        return start.strftime("%Y-%m-%d %H:%M")
    return start.strftime("%Y-%m-%d %H:%M") + "-" + end.strftime("%H:%M" if end.date() == start.date() else "%Y-%m-%d %H:%M")


def _place(venue, locale: str) -> str:
    return venue.display_name(locale) if venue is not None else "-"


@event_changed.connect
def tell_registrants_of_change(event, *, before: dict, **_extra) -> int:
    """Tell each confirmed and waitlisted registrant of ``event`` (who can be told) that its
    time or place changed: what it was and what it is now. ``before`` holds the old
    ``starts_at``, ``ends_at`` and ``venue``. Returns how many were told."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status.in_(CHANGE_AUDIENCE), reached("event.changed"))
        .order_by(Registration.id)
    ).all()
    old_time, new_time = _span(before["starts_at"], before["ends_at"]), _span(event.starts_at, event.ends_at)
    time_changed = old_time != new_time
    place_changed = (before["venue"].id if before["venue"] is not None else None) != event.venue_id
    if not (time_changed or place_changed):
        return 0
    told = 0
    for registration in registrations:
        text = _text_template(registration, "event.changed")
        if text:
            locale = text[1]
            old, new = [], []
            if time_changed:
                old.append(old_time), new.append(new_time)
            if place_changed:
                old.append(_place(before["venue"], locale)), new.append(_place(event.venue, locale))
            _queue_text(registration, "event.changed", text,
                        {"title": event.display_title(locale), "old": " ".join(old), "new": " ".join(new)})
            told += 1
            continue
        if not registration.email:
            continue
        _queue_change_mail(registration, before, old_time, new_time, time_changed, place_changed)
        told += 1
    return told


def _queue_change_mail(registration, before, old_time, new_time, time_changed, place_changed) -> None:
    event = registration.event
    locale = registrant_locale(registration)
    with force_locale(locale):
        title = event.display_title(locale)
        subject = _("%(title)s has changed", title=title)
        lines = []
        if time_changed:
            lines.append(_("The time of %(title)s has changed: %(old)s → %(new)s.", title=title, old=old_time,
                           new=new_time))
        if place_changed:
            lines.append(_("The place of %(title)s has changed: %(old)s → %(new)s.", title=title,
                           old=_place(before["venue"], locale), new=_place(event.venue, locale)))
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        url = url_for("registration.ticket", token=token, _external=True)
        if registration.status == "waitlisted":
            lines.append(_("You are still on the waiting list: %(url)s", url=url))
        else:
            lines.append(_("Your ticket stays valid: %(url)s", url=url))
        lines.append(_("If you can no longer come, please cancel on the ticket page, so that someone else can "
                       "have your place."))
    mail.queue(db.session, mail.Message(
        registration.email, str(subject), "\n\n".join(str(line) for line in lines), kind="event.changed",
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

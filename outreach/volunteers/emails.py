"""The messages a volunteer gets: the outcome of the application, a place on a shift,
a reminder before a shift. Written in the volunteer's own language, sent after the commit."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from outreach.extensions import db
from outreach.platform import mail
from outreach.timezone import local


def queue_volunteer_review(profile, *, approved: bool) -> None:
    """Tell an applicant the outcome of the review."""
    user = profile.user
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        if approved:
            subject = _("Welcome to the library's volunteers")
            body = _("Your application has been approved. Sign in to choose your first shifts: %(url)s",
                     url=url_for("volunteers.me", _external=True))
        else:
            subject = _("Your volunteer application")
            body = _("Thank you for your application. We cannot take it up at present.")
        if profile.review_note:
            body = f"{body}\n\n{profile.review_note}"
    mail.queue(db.session, mail.Message(user.email, str(subject), str(body), kind="volunteer.review",
                                        volunteer_id=profile.id, locale=locale))


def queue_application_received(profile) -> None:
    """Tell an applicant that the application arrived, and where to follow it."""
    user = profile.user
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Your volunteer application is sent")
        body = _("Thank you for applying to volunteer with the library. Staff will review your application and "
                 "let you know. Sign in with your e-mail address and password to follow it: %(url)s",
                 url=url_for("accounts.login", _external=True))
    mail.queue(db.session, mail.Message(user.email, str(subject), str(body), kind="volunteer.application",
                                        volunteer_id=profile.id, locale=locale))


def queue_application_with_taken_address(user) -> None:
    """Tell the owner of an account that someone applied to volunteer with its address: the
    page answered as for any application, so that it tells nobody which addresses have one."""
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Someone tried to apply as a volunteer with your e-mail address")
        body = _("Someone tried to apply to volunteer with the library using this e-mail address, which already "
                 "has an account. If it was you, sign in (or reset your password there): %(url)s\n\n"
                 "If it was not you, you need do nothing; your account has not been changed.",
                 url=url_for("accounts.login", _external=True))
    mail.queue(db.session, mail.Message(user.email, str(subject), str(body), kind="volunteer.address_taken",
                                        locale=locale))


def queue_shift_promotion(signup) -> None:
    """Tell a volunteer that a slot on a shift they were waiting for is theirs."""
    user = signup.volunteer.user
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("You have a place on a shift: %(role)s", role=signup.shift.role)
        body = _("A slot became free and is now yours. See your shifts: %(url)s",
                 url=url_for("volunteers.me", _external=True))
    mail.queue(db.session, mail.Message(user.email, str(subject), str(body), kind="volunteer.shift_promoted",
                                        event_id=signup.shift.event_id, volunteer_id=signup.volunteer_id, locale=locale))


def queue_shift_reminder(signup) -> mail.Message:
    user = signup.volunteer.user
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        subject = _("Reminder: your shift tomorrow at %(time)s", time=local(signup.shift.starts_at).strftime("%H:%M"))
        body = _("%(role)s, %(when)s. %(place)s", role=signup.shift.role,
                 when=local(signup.shift.starts_at).strftime("%Y-%m-%d %H:%M"),
                 place=signup.shift.location or "")
    message = mail.Message(user.email, str(subject), str(body), kind="volunteer.shift_reminder",
                           event_id=signup.shift.event_id, volunteer_id=signup.volunteer_id, locale=locale)
    mail.queue(db.session, message)
    return message

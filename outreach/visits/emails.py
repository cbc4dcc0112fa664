"""The messages a visit's requester gets, in the language they wrote in: the request received
(with its private link), the visit accepted (with the group's ticket), another date proposed
(to accept or decline from the link), the proposal declined, the request declined (with the
reason). Written to the outbox with the change and sent after the commit; a request without an
e-mail address gets none (staff phone them)."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from outreach.extensions import db
from outreach.i18n import library_name
from outreach.platform import mail
from outreach.registration import tickets
from outreach.timezone import local


def requester_locale(visit) -> str:
    return visit.locale or current_app.config["DEFAULT_LOCALE"]


def _when(value) -> str:
    return f"{local(value):%Y-%m-%d %H:%M}"


def queue_visit_message(visit, kind: str, *, token: str | None = None) -> None:
    """Write the message of a step (``received``, ``accepted``, ``proposed``, ``withdrawn``,
    ``declined``) to the outbox. ``token`` is the request's private link's."""
    if not visit.email:
        return
    locale = requester_locale(visit)
    with force_locale(locale):
        link = url_for("visits.status", token=token, _external=True) if token else None
        name = visit.organisation
        if kind == "received":
            subject = _("We have your visit request")
            lines = [
                _("Thank you: %(library)s has your request for a visit by %(organisation)s. Staff will reply within "
                  "a few working days.", library=library_name(locale), organisation=name),
                _("Follow your request here: %(url)s", url=link),
            ]
        elif kind == "accepted":
            event = visit.event
            ticket = tickets.token_for_seed(visit.registration.ticket_seed)[0]
            subject = _("Your visit is booked: %(title)s", title=event.display_title(locale))
            lines = [
                _("Your visit is booked for %(when)s at %(place)s, for %(count)d people.",
                  when=_when(event.starts_at), place=event.venue.display_name(locale), count=visit.party_size),
                _("Your group's ticket (show it at the door): %(url)s",
                  url=url_for("registration.ticket", token=ticket, _external=True)),
                _("Your request: %(url)s", url=link),
            ]
        elif kind == "proposed":
            subject = _("We propose another date for your visit")
            lines = [
                _("We cannot hold your visit on the dates you asked for. We propose %(when)s at %(place)s.",
                  when=_when(visit.proposed_starts_at), place=visit.proposed_venue.display_name(locale)),
            ]
            if visit.proposal_note:
                lines.append(_("Note from the library: %(note)s", note=visit.proposal_note))
            lines.append(_("Accept or decline this date here: %(url)s", url=link))
        elif kind == "withdrawn":
            subject = _("You declined the date we proposed")
            lines = [_("We have noted that the date we proposed does not suit you. You are welcome to send a new "
                       "request at any time."), _("Your request: %(url)s", url=link)]
        else:
            subject = _("About your visit request")
            lines = [
                _("We are sorry: we cannot hold the visit of %(organisation)s.", organisation=name),
                _("Reason: %(reason)s", reason=visit.decline_reason),
                _("Your request: %(url)s", url=link),
            ]
    mail.queue(db.session, mail.Message(
        visit.email, str(subject), "\n\n".join(str(line) for line in lines), kind=f"visit.{kind}",
        event_id=visit.event_id, locale=locale,
    ))

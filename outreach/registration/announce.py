"""Staff's message to an event's registrants (a changed room, what to bring): written once,
sent to everyone of the chosen kind who gave an e-mail address through the outbox, in one
transaction with its audit entry; the page says beforehand how many it reaches and how many
gave no address (to be phoned)."""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from outreach.accounts.permissions import role_required
from outreach.events.models import Event
from outreach.extensions import db
from outreach.forms import Form
from outreach.i18n import library_name, sentences
from outreach.platform import mail
from outreach.platform.services import record
from outreach.registration.emails import registrant_locale
from outreach.registration.models import Registration
from outreach.views import see_other

bp = Blueprint("announce", __name__, url_prefix="/staff/events")

#: Who a message goes to: the registrations of these statuses.
AUDIENCES = {"confirmed": ("confirmed",), "all": ("confirmed", "waitlisted")}
SUBJECT_MAX, BODY_MAX = 200, 5000


class AnnouncementForm(Form):
    audience = RadioField(
        _l("Send to"), choices=[SelectChoice("confirmed", _l("Everyone with a place")),
                           SelectChoice("all", _l("Everyone with a place and everyone on the waiting list"))],
        validators=[InputRequired(_l("Choose who gets the message."))], default="confirmed",
    )
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("Write a subject.")), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write the message.")), Length(max=BODY_MAX)],
                         render_kw={"rows": 8})


def _reach(event: Event) -> dict[str, tuple[int, int]]:
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


@bp.route("/<int:event_id>/message", methods=["GET", "POST"])
@role_required("staff")
def announce(event_id: int):
    event = db.get_or_404(Event, event_id)
    form = AnnouncementForm()
    if form.validate_on_submit():
        count = send_announcement(event, form.audience.data, form.subject.data, form.body.data, actor=current_user)
        db.session.commit()
        flash(sentences(
            ngettext("Your message is written to %(num)d registrant.", "Your message is written to %(num)d registrants.",
                     count) if count else _("No registrant of this kind gave an e-mail address: no message was written."),
            mail.report(db.session),
        ), "success" if count else "warning")
        return see_other("messages.index", event=event.id)
    return render_template("registration/announce.html", event=event, form=form, reach=_reach(event)), (
        422 if form.errors else 200)


def send_announcement(event: Event, audience: str, subject: str, body: str, *, actor) -> int:
    """Write the message to each registration of ``audience`` with an address; how many."""
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

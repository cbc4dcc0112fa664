"""The page on which staff write to an event's registrants (a changed room, what to bring); the
page says beforehand how many the message reaches and how many gave no address (to be phoned).
Whom it reaches and writing it are ``emails.announcement_reach`` and ``emails.queue_announcement``."""

from __future__ import annotations

from flask import Blueprint, flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from outreach.accounts.permissions import role_required
from outreach.events.access import event_to_change
from outreach.extensions import db
from outreach.forms import Form
from outreach.i18n import sentences
from outreach.platform import mail
from outreach.registration import emails
from outreach.views import see_other

bp = Blueprint("announce", __name__, url_prefix="/staff/events")

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


@bp.route("/<int:event_id>/message", methods=["GET", "POST"])
@role_required("staff")
def announce(event_id: int):
    event = event_to_change(event_id)
    form = AnnouncementForm()
    if form.validate_on_submit():
        count = emails.queue_announcement(event, form.audience.data, form.subject.data, form.body.data, actor=current_user)
        db.session.commit()
        flash(sentences(
            ngettext("Your message is written to %(num)d registrant.", "Your message is written to %(num)d registrants.",
                     count) if count else _("No registrant of this kind gave an e-mail address: no message was written."),
            mail.report(db.session),
        ), "success" if count else "warning")
        return see_other("messages.index", event=event.id)
    return render_template("registration/announce.html", event=event, form=form, reach=emails.announcement_reach(event)), (
        422 if form.errors else 200)

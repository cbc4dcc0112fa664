"""Staff's view of the outbox: what each event's registrants and each volunteer were sent,
what is waiting and what failed, and trying again. The messages themselves are written by the
areas that cause them (``outreach.platform.mail``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func

from outreach.accounts.permissions import role_required
from outreach.events.models import Event
from outreach.extensions import db
from outreach.forms import Form
from outreach.i18n import sentences
from outreach.paging import page_of
from outreach.phone import masked_phone
from outreach.platform import mail, sms
from outreach.platform.models import MESSAGE_STATUSES, OutboxMessage
from outreach.platform.services import record
from outreach.views import see_other
from outreach.volunteers.models import VolunteerProfile
from outreach.years import INT_MAX

bp = Blueprint("messages", __name__, url_prefix="/staff/messages")

PER_PAGE = 50

STATUS_LABELS = {
    "queued": _l("Waiting to be sent"), "sending": _l("Being sent"), "sent": _l("Sent"),
    "held": _l("Not sent: no mail server"), "failed": _l("Failed"),
}
#: A text message held is one written while texts were on, kept now they are off.
SMS_HELD_LABEL = _l("Not sent: text messages are off")
CHANNEL_LABELS = {"email": _l("E-mail message"), "sms": _l("Text message")}


def recipient(message: OutboxMessage) -> str:
    """Whom a message went to, as the list shows it: an address, or a mobile number masked."""
    return masked_phone(message.recipient) if message.channel == "sms" else message.recipient
KIND_LABELS = {
    "registration.confirmed": _l("Place confirmed"), "registration.waitlisted": _l("On the waiting list"),
    "registration.promoted": _l("Place from the waiting list"), "registration.moved": _l("Registration moved"),
    "registration.ticket_links": _l("Ticket links sent again"), "registration.reminder": _l("Reminder the day before"),
    "event.cancelled": _l("Event cancelled"), "event.changed": _l("Event time or place changed"),
    "event.message": _l("Message from staff"),
    "competition.advanced": _l("Through to the next round"), "account.password_reset": _l("New password link"),
    "volunteer.review": _l("Volunteer application reviewed"), "volunteer.application": _l("Volunteer application received"),
    "volunteer.address_taken": _l("Application with an address in use"),
    "volunteer.shift_promoted": _l("Place on a shift"), "volunteer.shift_reminder": _l("Shift reminder"),
}


def _whole_number(value) -> int | None:
    return int(value) if value and value.isdigit() and 1 <= int(value) <= INT_MAX else None


def _filters(args) -> dict:
    """The list's filters from a query string or a form: unknown values are ignored."""
    status = args.get("status")
    return {
        "event": _whole_number(args.get("event")),
        "volunteer": _whole_number(args.get("volunteer")),
        "status": status if status in MESSAGE_STATUSES else None,
    }


def _matching(filters: dict, *, statuses=None):
    return mail.outbox(event_id=filters["event"], volunteer_id=filters["volunteer"], statuses=statuses)


@bp.get("/")
@role_required("staff")
def index():
    filters = _filters(request.args)
    event = db.session.get(Event, filters["event"]) if filters["event"] else None
    volunteer = db.session.get(VolunteerProfile, filters["volunteer"]) if filters["volunteer"] else None
    counts = dict(db.session.execute(
        _matching(filters).with_only_columns(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all())
    listed = _matching(filters, statuses=[filters["status"]] if filters["status"] else None)
    page = page_of(listed.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                   request.args.get("page"), PER_PAGE)
    return render_template(
        "staff/messages.html", page=page, filters=filters, event=event, volunteer=volunteer, counts=counts,
        statuses=MESSAGE_STATUSES, status_labels=STATUS_LABELS, kind_labels=KIND_LABELS, retryable=mail.RETRYABLE,
        form=Form(), channel_labels=CHANNEL_LABELS, sms_held_label=SMS_HELD_LABEL, recipient=recipient,
        texts_on=sms.configured(),
    )


@bp.post("/<int:message_id>/retry")
@role_required("staff")
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    form = Form()
    if not form.validate_on_submit():
        abort(400)
    return _retry([message.id], _filters(request.form))


@bp.post("/retry")
@role_required("staff")
def retry_all():
    """Send again every failed or held message the filters show."""
    form = Form()
    if not form.validate_on_submit():
        abort(400)
    filters = _filters(request.form)
    ids = db.session.scalars(_matching(filters, statuses=mail.RETRYABLE).with_only_columns(OutboxMessage.id)).all()
    return _retry(list(ids), filters)


def _retry(ids: list[int], filters: dict):
    count = mail.try_again(ids)
    if count:
        record("mail.retry", actor=current_user, data={"messages": count, "event_id": filters["event"],
                                                        "volunteer_id": filters["volunteer"]})
    db.session.commit()
    told = mail.report(db.session)
    done = (ngettext("%(num)d message is sent again.", "%(num)d messages are sent again.", count) if count
            else _l("There was no failed or held message to send again."))
    flash(sentences(done, told), "success" if count else "warning")
    return see_other("messages.index", **{name: value for name, value in filters.items() if value})

"""Pages of registering, tickets, the door's scanner and self check-in."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import clock, qr
from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.extensions import db, limiter
from outreach.forms import ActionForm, attach_errors, choices
from outreach.i18n import current_locale
from outreach.pdf import pdf_response
from outreach.phone import phone_digest
from outreach.platform import mail
from outreach.registration import documents, services
from outreach.registration.access import door_event, public_event
from outreach.registration.forms import (
    CancelForm,
    FindTicketForm,
    MyTicketCheckInForm,
    PhoneCheckInForm,
    SelfWalkInForm,
    group_form_for,
    registration_form_for,
)
from outreach.registration.models import Registration
from outreach.text import clean_text
from outreach.timezone import local
from outreach.views import attempt, refused, see_other
from outreach.years import whole_number

bp = Blueprint("registration", __name__)

#: Tickets made in this browser, so that self check-in can offer them (newest last).
MY_TICKETS = "my_tickets"


def _ticket_or_404(token: str) -> Registration:
    registration = services.find_by_token(token)
    if registration is None:
        abort(404)
    return registration


def _no_store(response: Response) -> Response:
    """A ticket page is a credential: keep it out of shared caches and search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _remember_ticket(token: str) -> None:
    tokens = [t for t in session.get(MY_TICKETS, []) if t != token]
    session[MY_TICKETS] = (tokens + [token])[-10:]


@bp.get("/events/<int:event_id>")
def event_page(event_id: int):
    """The public page of an event, with its registration form."""
    event = public_event(event_id)
    form = registration_form_for(event, current_locale())
    return render_template("events/detail.html", event=event, form=form, **event_page_context(event))


@bp.post("/events/<int:event_id>/register")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def register(event_id: int):
    event = public_event(event_id)
    locale = current_locale()
    form = registration_form_for(event, locale, request.form)
    if not form.validate():
        # Shape errors first; the service's rules fill in the fields that passed, so that
        # every problem is shown at once.
        _clean, rule_errors = services.check_registrant(
            event, name=form.name.data, phone=form.phone.data, party_size=form.party_size.data,
            email=form.email.data, answers={n[2:]: getattr(form, n).data for n in form._question_names},
            consent=form.consent.data,
        )
        attach_errors(form, rule_errors, mapping=_field_name, only_empty=True)
    else:
        answers = {name[2:]: getattr(form, name).data for name in form._question_names}
        outcome = _register_from(form, event, _field_name, party_size=form.party_size.data, answers=answers,
                                 locale=current_locale())
        if outcome is not None:
            return _to_ticket(
                outcome, confirmed=_("You are registered. Show this ticket at the door."),
                waitlisted=_("The event is full: you are on the waiting list. This page shows when a place frees up for you."),
            )
    return render_template("events/detail.html", event=event, form=form, **event_page_context(event)), 422


def _register_from(form, event: Event, mapping, **fields):
    """Register what a public form holds (a person's or a group's), and commit; or roll back, put
    the service's messages on ``form`` (``mapping`` names its fields) and return None."""
    try:
        outcome = services.register(
            event, name=form.name.data, phone=form.phone.data, email=form.email.data, consent=form.consent.data,
            client_key=f"web:{form.client_key.data}" if form.client_key.data else None, source="web",
            actor=current_user if current_user.is_authenticated else None, **fields,
        )
    except ValidationError as error:
        db.session.rollback()
        attach_errors(form, error.fields or {}, mapping=mapping)
        return None
    except OutreachError as error:
        db.session.rollback()
        form.form_errors.append(str(error.message))
        return None
    db.session.commit()
    return outcome


def _group_page(event: Event, form, status: int = 200):
    return render_template("registration/group.html", event=event, form=form, group_places=services.group_places_left(event),
                           **event_page_context(event)), status


@bp.get("/events/<int:event_id>/group")
def group_page(event_id: int):
    """"Register a group": a school class, a kindergarten, a community or company group."""
    event = public_event(event_id)
    return _group_page(event, group_form_for(event, current_locale()))


@bp.post("/events/<int:event_id>/group")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def register_group(event_id: int):
    event = public_event(event_id)
    locale = current_locale()
    form = group_form_for(event, locale, request.form)
    answers = {name[2:]: getattr(form, name).data for name in form._question_names}
    if not form.validate():
        _clean, rule_errors = services.check_registrant_or_group(
            event, name=form.name.data, phone=form.phone.data, party_size=None, email=form.email.data,
            answers=answers, consent=form.consent.data, group=form.group(),
        )
        attach_errors(form, rule_errors, mapping=_group_field_name, only_empty=True)
        return _group_page(event, form, 422)
    outcome = _register_from(form, event, _group_field_name, party_size=None, answers=answers, group=form.group(),
                             locale=locale)
    if outcome is None:
        return _group_page(event, form, 422)
    return _to_ticket(
        outcome, confirmed=_("Your group is registered. This one ticket admits the whole group: show it at the door."),
        waitlisted=_("There are not enough places for the whole group now: it is on the waiting list as a whole. This page shows when places free up for all of it."),
    )


def _to_ticket(outcome, *, confirmed: str, waitlisted: str):
    """After a public registration: keep the ticket in this browser, say what became of it
    (a repeat of a phone already registered, confirmed, or waiting) and open the ticket."""
    _remember_ticket(outcome.token)
    if outcome.already:
        flash(_("This phone number is already registered for this event: here is its ticket. No second place was taken."), "warning")
    elif outcome.registration.status == "confirmed":
        flash(confirmed, "success")
    else:
        flash(waitlisted, "warning")
    return see_other("registration.ticket", token=outcome.token)


def _group_field_name(key: str) -> str:
    """The group form's field of a service's key: ``group.children`` is ``children``, a
    question's answer its ``q_`` field, a wrong party the children's field."""
    if key.startswith("group."):
        return key.split(".", 1)[1]
    if key in ("group", "party_size"):
        return "children"
    return _field_name(key)


@bp.app_template_global()
def registration_places(events) -> dict:
    """For the programme's cards (an events page, which may not ask this area itself): each
    event's registration state and places left."""
    return services.places_by_event(list(events), clock.now())


def _field_name(key: str) -> str:
    """The form field of a service's key: ``answers.school`` is the question field ``q_school``."""
    return "q_" + key.split(".", 1)[1] if key.startswith("answers.") else key


def event_page_context(event: Event) -> dict:
    now = clock.now()
    return {
        "registration_state": services.registration_state(event, now),
        "seats_left": services.seats_left(event),
        "door_ended": services.has_ended(event, now),
    }


@bp.get("/t/<token>")
def ticket(token: str):
    registration = _ticket_or_404(token)
    url = url_for("registration.ticket", token=token, _external=True)
    response = Response(render_template(
        "registration/ticket.html",
        registration=registration, event=registration.event, token=token, ticket_url=url,
        qr_svg=qr.qr_svg(url), cancel_form=CancelForm(),
        checked_in=services.checked_in_today(registration),
        can_cancel=_can_cancel(registration),
        ended=services.has_ended(registration.event, clock.now()),
    ))
    return _no_store(response)


@bp.get("/t/<token>/qr.png")
def ticket_qr_png(token: str):
    _ticket_or_404(token)
    url = url_for("registration.ticket", token=token, _external=True)
    return _no_store(Response(qr.qr_png(url, box_size=12), mimetype="image/png"))


@bp.get("/t/<token>/qr.svg")
def ticket_qr_svg(token: str):
    _ticket_or_404(token)
    url = url_for("registration.ticket", token=token, _external=True)
    return _no_store(Response(qr.qr_svg(url), mimetype="image/svg+xml"))


@bp.get("/t/<token>/ticket.pdf")
def ticket_pdf(token: str):
    registration = _ticket_or_404(token)
    pdf = documents.ticket_pdf([(registration, token)], locale=current_locale())
    return _no_store(pdf_response(pdf, documents.ticket_filename(registration)))


def _can_cancel(registration: Registration) -> bool:
    return registration.status != "cancelled" and not registration.checkins and clock.now() < registration.event.ends_at


def _cancel_page(registration: Registration, token: str, form: CancelForm) -> Response:
    """Cancelling's first step: what it does (the place goes to the waiting list; it cannot be
    undone), with the button that does it."""
    form.confirmed.data = "1"
    return _no_store(Response(render_template(
        "registration/cancel_confirm.html", registration=registration, event=registration.event, token=token,
        form=form,
    )))


@bp.get("/t/<token>/cancel")
def confirm_cancel(token: str):
    registration = _ticket_or_404(token)
    if not _can_cancel(registration):
        return see_other("registration.ticket", token=token)
    return _cancel_page(registration, token, CancelForm(formdata=None))


@bp.post("/t/<token>/cancel")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def cancel(token: str):
    """Cancel by ticket, once the confirmation page's button says so (``confirmed``); a POST
    without it shows that page and changes nothing."""
    registration = _ticket_or_404(token)
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.confirmed.data and _can_cancel(registration):
        return _cancel_page(registration, token, form)
    try:
        services.cancel(registration)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        mail.take_outcomes(db.session)  # what a registrant promoted was sent is for staff to know
        flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return see_other("registration.ticket", token=token)


# --- finding a lost ticket ---------------------------------------------------------------


@bp.route("/tickets/find", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"], methods=["POST"])
def find_ticket():
    """"Find my ticket" by phone number. The answer reads the same whether or not the number
    registered: links go to the e-mail given when registering; a ticket without one is shown
    only when the registered name matches too. The number and name travel by POST only."""
    now = clock.now()
    events = services.lookup_events(now)
    locale = current_locale()
    form = FindTicketForm()
    form.event.choices = choices(
        [("", _("All my upcoming events"))]
        + [(str(e.id), f"{local(e.starts_at):%Y-%m-%d} · {e.display_title(locale)}") for e in events]
    )
    if request.method == "GET":
        chosen = request.args.get("event", "")
        form.event.data = chosen if chosen in {str(e.id) for e in events} else ""
    answered, shown, event, status = False, [], None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            event = next((e for e in events if str(e.id) == form.event.data), None)
            result = attempt(form, lambda: services.lookup_tickets(
                form.phone.data, form.name.data, event=event, mail_available=mail.configured(), now=now,
            ))
            if refused(result):
                status = result.status
            else:
                # Whether a message went (or failed) would tell whether the number registered.
                mail.take_outcomes(db.session)
                answered, shown = True, result.shown
                for _registration, token in shown:
                    _remember_ticket(token)
        else:
            status = 422
    return _no_store(Response(render_template(
        "registration/find_ticket.html", form=form, answered=answered, shown=shown, event=event,
        mail_configured=mail.configured(),
    ), status))


# --- the door ------------------------------------------------------------------------------


@bp.route("/scan/<int:event_id>", methods=["GET", "POST"])
def scan(event_id: int):
    """The door's scanner. The camera needs JavaScript; without it, the same page still
    checks in a typed code or ticket number, finds a registration by name or phone, and
    counts walk-ins; the answer is rendered next to the form that was sent (``result_at``).
    Once the event has ended the page is its record only, and a POST is refused (409)."""
    event = door_event(event_id, change=request.method == "POST")
    now = clock.now()
    ended = services.has_ended(event, now)
    outcome, error, walkins, result_at, status = None, None, None, None, 200
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        if ended:
            status = 409
        else:
            try:
                if request.form.get("add"):
                    result_at = "walkin"
                    count = 1 if request.form["add"] == "1" else request.form.get("count", type=int)
                    walkins = services.add_walkins(event, count, actor=current_user)
                else:
                    registration_id = whole_number(request.form.get("registration_id"), minimum=1)
                    if registration_id is not None:
                        result_at = "search"
                        registration = db.session.get(Registration, registration_id)
                    else:
                        result_at = "code"
                        registration = services.find_for_door(event, request.form.get("code", ""))
                    # How many came (a group's ticket); empty: the whole party booked.
                    came = (request.form.get("headcount") or "").strip()
                    headcount = whole_number(came, minimum=1) if came else None
                    if came and headcount is None:
                        raise ValidationError({"headcount": _("Enter how many came.")})
                    outcome = services.check_in(registration, event=event, actor=current_user, headcount=headcount)
            except OutreachError as failure:
                db.session.rollback()
                error, status = failure, failure.status
            else:
                db.session.commit()
    query = "" if ended else clean_text(request.args.get("q", ""))
    found = services.search_registrations(event, query) if query else []
    return render_template(
        "registration/scan.html", event=event, door_open=services.door_is_open(event, now), ended=ended,
        attendance=services.attendance(event, now), outcome=outcome, error=error, walkins=walkins,
        result_at=result_at, query=query, found=found,
    ), status


# --- self check-in by the door poster's code ------------------------------------------------


def _self_checkin_phone_key() -> str:
    """The per-phone bucket of the self check-in: a keyed digest, never the number."""
    return "self-checkin-phone:" + (phone_digest(request.form.get("phone-phone", "")) or "")


@bp.route("/events/<int:event_id>/here", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_SELF_CHECKIN"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["RATELIMIT_SELF_CHECKIN_PHONE"], methods=["POST"], key_func=_self_checkin_phone_key,
    exempt_when=lambda: not phone_digest(request.form.get("phone-phone", "")),
)
def self_check_in(event_id: int):
    event = public_event(event_id)
    code = request.args.get("code", "")
    if not services.poster_code_is_valid(event, code):
        return render_template("registration/self_checkin.html", event=event, state="stale_code"), 403
    now = clock.now()
    if services.has_ended(event, now):
        return render_template("registration/self_checkin.html", event=event, state="ended"), 409
    if not services.door_is_open(event, now):
        return render_template("registration/self_checkin.html", event=event, state="closed"), 409

    mine = [r for r in (services.find_by_token(t) for t in session.get(MY_TICKETS, [])) if r and r.event_id == event.id]
    ticket_form, phone_form, walkin_form = MyTicketCheckInForm(prefix="mine"), PhoneCheckInForm(prefix="phone"), SelfWalkInForm(prefix="walkin")
    admitted, message = [], None
    try:
        if ticket_form.submit.data and ticket_form.validate_on_submit():
            chosen = next((r for r in mine if str(r.id) == ticket_form.registration_id.data), None)
            if chosen is None:
                abort(400)
            admitted.append(services.check_in(chosen, event=event, now=now, source="self"))
        elif phone_form.submit.data and phone_form.validate_on_submit():
            found = services.registrations_for_self_check_in(event, phone_form.phone.data, phone_form.proof.data)
            if not found:  # the same answer for an unknown phone and a wrong name or number
                phone_form.form_errors.append(
                    _("We could not check you in with these details. Check them, or ask at the door.")
                )
            for registration in found:
                admitted.append(services.check_in(registration, event=event, now=now, source="self"))
        elif walkin_form.submit.data and walkin_form.validate_on_submit():
            services.add_walkins(event, walkin_form.party_size.data, now=now, source="self")
            message = _("Welcome! You have been counted.")
    except OutreachError as error:
        db.session.rollback()
        message = str(error.message)
    else:
        db.session.commit()
    status = 200
    if request.method == "POST" and not admitted and message is None:
        status = 422
    return render_template(
        "registration/self_checkin.html", event=event, state="open", code=code, mine=mine,
        ticket_form=ticket_form, phone_form=phone_form, walkin_form=walkin_form, admitted=admitted, message=message,
        masked_name=services.masked_name,
    ), status

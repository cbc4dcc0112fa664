"""Pages of visit requests: the public form and the requester's private link; the staff's queue
and a request's page with its three answers (accept, propose another date, decline)."""

from __future__ import annotations

from flask import (
    Blueprint, Response, abort, current_app, flash, make_response, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach import clock
from outreach.events import services as events
from outreach.extensions import db, limiter
from outreach.forms import attach_errors
from outreach.i18n import current_locale
from outreach.paging import page_of
from outreach.places.models import Venue
from outreach.platform import mail
from outreach.registration import tickets
from outreach.timezone import local_date
from outreach.views import attempt, refused, see_other
from outreach.visits import services
from outreach.visits.forms import (
    KIND_LABELS, PART_LABELS, STATUS_LABELS, WISH_LABELS, AcceptForm, DeclineForm, ProposeForm, RequestForm,
    RespondForm, field_of,
)
from outreach.visits.models import VISIT_STATUSES, VisitRequest

bp = Blueprint("visits", __name__)

PER_PAGE = 25
_LABELS = {"kinds": KIND_LABELS, "parts": PART_LABELS, "wishes": WISH_LABELS, "STATUS_NAMES": STATUS_LABELS}


def _no_store(response: Response) -> Response:
    """The requester's page is a credential: out of shared caches and search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


# --- the requester -----------------------------------------------------------------------


@bp.route("/visits/request", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"], methods=["POST"])
def ask():
    form = RequestForm()
    status = 200
    if form.validate_on_submit():
        found = attempt(form, lambda: services.submit(form.values(), locale=current_locale()), mapping=field_of)
        if not refused(found):
            flash(_("Your request is sent. Keep this page's address: it shows our answer."), "success")
            return see_other("visits.status", token=found[1])
        status = found.status
    elif request.method == "POST":
        # Shape errors first; the service's rules fill in the fields that passed, so that every
        # problem is shown at once.
        _clean, rule_errors = services.check_request(form.values(), local_date(clock.now()))
        attach_errors(form, rule_errors, mapping=field_of, only_empty=True)
        status = 422
    return render_template("visits/request.html", form=form, **_LABELS), status


def _request_or_404(token: str) -> VisitRequest:
    visit = services.find_by_token(token)
    if visit is None:
        abort(404)
    return visit


def _status_page(visit: VisitRequest, token: str, form: RespondForm, status: int = 200):
    ticket_url = None
    if visit.registration is not None and visit.registration.ticket_seed:
        ticket_url = _ticket_url(visit)
    return _no_store(make_response(render_template(
        "visits/status.html", visit=visit, token=token, form=form, ticket_url=ticket_url, **_LABELS), status))


def _ticket_url(visit: VisitRequest) -> str:
    return url_for("registration.ticket", token=tickets.token_for_seed(visit.registration.ticket_seed)[0])


@bp.get("/visits/r/<token>")
def status(token: str):
    visit = _request_or_404(token)
    return _status_page(visit, token, RespondForm())


@bp.post("/visits/r/<token>")
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"])
def respond(token: str):
    """The requester accepts or declines the date proposed."""
    visit = _request_or_404(token)
    form = RespondForm()
    if not form.validate_on_submit():
        abort(400)
    accepted = bool(form.accept.data)
    result = attempt(form, lambda: services.respond(visit, accepted))
    if refused(result):
        return _status_page(visit, token, form, result.status)
    mail.take_outcomes(db.session)
    flash(_("Thank you: your visit is booked.") if accepted else _("Thank you: we have noted your answer."),
          "success")
    return see_other("visits.status", token=token)


def _flash_mail() -> None:
    """What happened to the message the step wrote, for staff to know."""
    told = mail.report(db.session)
    if told:
        flash(told, "info")


# --- staff -------------------------------------------------------------------------------


@bp.get("/staff/visits/")
@role_required("staff")
def queue():
    chosen = services.check_status(request.args.get("status"))
    found = page_of(services.requests_query(chosen), request.args.get("page"), PER_PAGE)
    return render_template("visits/queue.html", visits=found.items, pagination=found, chosen=chosen,
                           statuses=VISIT_STATUSES, **_LABELS)


def _rooms() -> list[tuple[int, str]]:
    locale = current_locale()
    return [(v.id, v.display_name(locale)) for v in events.list_venues(bookable_for=0)]  # the active rooms, as a new event's


def _slot_forms(visit: VisitRequest, accept=None, propose=None):
    rooms = _rooms()
    accept = accept or AcceptForm(formdata=None, prefix="accept", title=services.default_title(visit),
                                  **services.first_choice(visit))
    propose = propose or ProposeForm(formdata=None, prefix="propose")
    for form in (accept, propose):
        form.venue_id.choices = rooms
    return accept, propose


def _detail(visit: VisitRequest, *, accept=None, propose=None, decline=None, status: int = 200):
    accept, propose = _slot_forms(visit, accept, propose)
    decline = decline or DeclineForm(formdata=None, prefix="decline")
    return render_template("visits/detail.html", visit=visit, accept_form=accept, propose_form=propose,
                           decline_form=decline, answerable=visit.status in ("new", "proposed"),
                           ticket_url=_ticket_url(visit) if visit.registration is not None else None,
                           **_LABELS), status


@bp.get("/staff/visits/<int:visit_id>")
@role_required("staff")
def detail(visit_id: int):
    return _detail(db.get_or_404(VisitRequest, visit_id))


def _slot(form) -> services.Slot:
    venue = db.session.get(Venue, form.venue_id.data) if form.venue_id.data else None
    return services.Slot(day=form.day.data, starts=form.starts.data, ends=form.ends.data, venue=venue,
                         title=form.title.data, guides=form.guides.data)


@bp.post("/staff/visits/<int:visit_id>/accept")
@role_required("staff")
def accept(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    form = AcceptForm(prefix="accept")
    form.venue_id.choices = _rooms()
    return _answer(visit, "accept", form, lambda: services.accept(visit, _slot(form), actor=current_user),
                   _("The visit is booked and the group's ticket is sent."))


@bp.post("/staff/visits/<int:visit_id>/propose")
@role_required("staff")
def propose(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    form = ProposeForm(prefix="propose")
    form.venue_id.choices = _rooms()
    return _answer(visit, "propose", form,
                   lambda: services.propose(visit, _slot(form), form.note.data, actor=current_user),
                   _("The date is proposed to the requester."))


@bp.post("/staff/visits/<int:visit_id>/decline")
@role_required("staff")
def decline(visit_id: int):
    visit = db.get_or_404(VisitRequest, visit_id)
    form = DeclineForm(prefix="decline")
    return _answer(visit, "decline", form, lambda: services.decline(visit, form.reason.data, actor=current_user),
                   _("The request is declined and the requester told why."))


def _answer(visit: VisitRequest, step: str, form, action, done: str):
    """Staff's answer to a request (``step``: accept, propose or decline): run it and say so with
    what happened to the message it wrote, or show the request again with ``form``'s messages."""
    if form.validate_on_submit():
        result = attempt(form, action)
        if not refused(result):
            flash(done, "success")
            _flash_mail()
            return see_other("visits.detail", visit_id=visit.id)
        return _detail(visit, **{step: form}, status=result.status)
    return _detail(visit, **{step: form}, status=422)

"""Staff pages of weekly recurring events (三点半课堂): the pattern, its exceptions, its occurrences.

One occurrence is edited on the ordinary event page (``staff.edit_event``); these pages change
them all, through ``outreach.recurrences.services``.
"""

from __future__ import annotations


from babel.dates import get_day_names
from flask import Blueprint, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.errors import OutreachError
from outreach.events import services as events
from outreach.events.models import Event
from outreach.places.models import Series, Venue
from outreach.extensions import db
from outreach.i18n import current_locale, sentences
from outreach.paging import page_of
from outreach.platform import mail
from outreach.registration.emails import cancellation_audience
from outreach.recurrences import services
from outreach.forms import ActionForm
from outreach.recurrences.forms import EditAllForm, ExceptionForm, RangeForm, RecurrenceForm
from outreach.recurrences.models import Recurrence
from outreach.timezone import local_date
from outreach.views import attempt, refused, see_other
from outreach.years import parse_date, whole_number

bp = Blueprint("recurrences", __name__, url_prefix="/staff/recurrences")

#: Weekly events on a page of the list; occurrences on a page of one weekly event.
PER_PAGE = 50


@bp.context_processor
def helpers():
    return {"weekday_names": weekday_names, "title_of": title_of, "day_of": lambda event: local_date(event.starts_at)}


def weekday_names(digits: str) -> str:
    """"135" as the reader's short day names: 周一、周三、周五 / Mon, Wed, Fri."""
    names = get_day_names("abbreviated", locale=current_locale())
    separator = ", " if current_locale() == "en" else "、"
    return separator.join(names[int(d) - 1] for d in digits)


def title_of(recurrence: Recurrence) -> str:
    """The pattern's name: its first occurrence still held, in the reader's language."""
    named = services.naming_occurrence(recurrence.events)
    if named is None:
        return _("Weekly event %(id)d", id=recurrence.id)
    return named.display_title(current_locale())


@bp.get("/")
@role_required("staff")
def index():
    found = page_of(services.recurrences_query(), request.args.get("page"), PER_PAGE)
    return render_template(
        "recurrences/index.html", recurrences=found.items, pagination=found, today=local_date(clock.now())
    )


# --- a new weekly event ------------------------------------------------------------------------


def _venue(venue_id: int | None) -> Venue | None:
    return db.session.get(Venue, venue_id) if venue_id else None


def _run(form, action):
    """``attempt`` with a message about the partner rows as a whole above the form."""
    return attempt(form, action, mapping=lambda key: "" if key == "partners" else key)


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff")
def new():
    form = RecurrenceForm()
    form.set_choices(events.list_venues(bookable_for=0), events.list_series(), current_locale())
    form.set_partner_choices(events.list_partners(), current_locale())
    form.weekdays.set_locale(current_locale())
    if request.method == "GET":
        form.weekdays.data = [1, 2, 3, 4, 5]
    if form.validate_on_submit():
        fields = form.details()
        fields["venue"] = _venue(form.venue_id.data)
        fields["series"] = db.session.get(Series, form.series_id.data) if form.series_id.data else None
        recurrence = _run(form, lambda: services.create_recurrence(
            weekdays=form.weekdays.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            start_time=form.start_time.data, end_time=form.end_time.data, exceptions=form.skipped,
            partners=form.partner_rows(), status=form.status.data, actor=current_user, **fields,
        ))
        if not refused(recurrence):
            count = len(recurrence.events)
            flash(ngettext("%(num)d occurrence is created.", "%(num)d occurrences are created.", count), "success")
            return see_other(".detail", recurrence_id=recurrence.id)
    status = 422 if request.method == "POST" else 200
    return render_template("recurrences/new.html", form=form), status


# --- one weekly event ---------------------------------------------------------------------------


def _forms(recurrence: Recurrence, coming: list[Event], **posted) -> dict:
    """The recurrence page's forms: the one posted (with its errors) and fresh ones for the rest.
    "Edit all" shows the next occurrence to come (the first of ``coming``)."""
    locale = current_locale()
    today = local_date(clock.now())
    forms = {
        "skip_form": posted.get("skip_form") or ExceptionForm(prefix="skip", formdata=None),
        "range_form": posted.get("range_form") or RangeForm(prefix="range", formdata=None),
        "all_form": posted.get("all_form") or EditAllForm(prefix="all", formdata=None),
        "action_form": ActionForm(formdata=None),
    }
    range_form = forms["range_form"]
    range_form.weekdays.set_locale(locale)
    if "range_form" not in posted:
        range_form.weekdays.data = [int(d) for d in recurrence.weekdays]
        range_form.ends_on.data = recurrence.ends_on
    all_form = forms["all_form"]
    all_form.set_choices(events.list_venues(bookable_for=_reference_venue(coming)), [], locale)
    if "all_form" not in posted and coming:
        all_form.fill(coming[0], today)
    return forms


def _reference_venue(coming: list[Event]) -> int:
    """The venue "edit all" offers even when archived: the next occurrence's."""
    return coming[0].venue_id if coming else 0


def _page(recurrence: Recurrence, status: int = 200, **posted):
    """The pattern, its occurrences a page at a time (without ``page``, the page of today's or
    the next occurrence), its days skipped and its forms."""
    now = clock.now()
    coming = services.upcoming(recurrence)
    page = request.args.get("page")
    if page is None:
        page = services.occurrences_before(recurrence, local_date(now)) // PER_PAGE + 1
    found = page_of(services.occurrences_query(recurrence), page, PER_PAGE)
    return render_template(
        "recurrences/detail.html", recurrence=recurrence, occurrences=found.items, pagination=found,
        counts=services.registration_counts(recurrence, [event.id for event in found.items]), now=now,
        today=local_date(now), coming=coming, **_forms(recurrence, coming, **posted),
    ), status


def _back(recurrence: Recurrence):
    return see_other(".detail", recurrence_id=recurrence.id)


@bp.get("/<int:recurrence_id>")
@role_required("staff")
def detail(recurrence_id: int):
    return _page(db.get_or_404(Recurrence, recurrence_id))


@bp.post("/<int:recurrence_id>/exceptions")
@role_required("staff")
def add_exception(recurrence_id: int):
    """Skip a day: from the form, or from an occurrence's "skip this day" button. A day whose
    occurrence has registrants is first shown on a page that says who will be told and asks
    the reason (``skip_confirm.html``); its button sends ``confirmed``."""
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    form = ExceptionForm(prefix="skip")
    if form.validate_on_submit():
        found = services.occurrences_on(recurrence, form.day.data)
        audience = [(event, *cancellation_audience(event)) for event in found]
        if any(told or not_told for _event, told, not_told in audience) and not form.confirmed.data:
            return _skip_page(recurrence, form, audience)
        done = _run(form, lambda: services.add_exception(
            recurrence, form.day.data, form.reason.data, actor=current_user
        ))
        if not refused(done):
            told = mail.report(db.session)
            flash(sentences(_("%(day)s is skipped.", day=form.day.data.isoformat()), told), "success")
            return _back(recurrence)
        if form.confirmed.data:
            return _skip_page(recurrence, form, audience, done.status)
    return _page(recurrence, 422, skip_form=form)


def _skip_page(recurrence: Recurrence, form: ExceptionForm, audience: list, status: int = 200):
    """The second step of skipping a day that has registrants: what will happen, and the reason."""
    form.confirmed.data = "1"
    return render_template(
        "recurrences/skip_confirm.html", recurrence=recurrence, form=form, audience=audience,
        told=sum(told for _event, told, _not_told in audience), mail_configured=mail.configured(),
    ), status


@bp.post("/<int:recurrence_id>/exceptions/<day>/delete")
@role_required("staff")
def remove_exception(recurrence_id: int, day: str):
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    held = parse_date(day)
    if held is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        event = services.remove_exception(recurrence, held, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if event is not None:
            flash(_("%(day)s is held again, as a new occurrence.", day=held.isoformat()), "success")
        else:
            flash(_("%(day)s is no longer skipped.", day=held.isoformat()), "success")
    return _back(recurrence)


@bp.post("/<int:recurrence_id>/edit-all")
@role_required("staff")
def edit_all(recurrence_id: int):
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    form = EditAllForm(prefix="all")
    form.set_choices(events.list_venues(bookable_for=_reference_venue(services.upcoming(recurrence))), [], current_locale())
    if form.validate_on_submit():
        reference_id = whole_number(form.reference_id.data, minimum=1)
        reference = None if reference_id is None else db.session.get(Event, reference_id)
        if reference is None or reference.recurrence_id != recurrence.id:
            abort(400)
        changes = form.changes(reference, _venue(form.venue_id.data))
        if not changes:
            flash(_("Nothing to save: no field differs from the next occurrence's."), "warning")
            return _back(recurrence)
        count = _run(form, lambda: services.update_all(
            recurrence, actor=current_user, from_day=form.from_day.data, **changes
        ))
        if not refused(count):
            flash(ngettext("%(num)d occurrence is changed.", "%(num)d occurrences are changed.", count), "success")
            return _back(recurrence)
    return _page(recurrence, 422, all_form=form)


@bp.post("/<int:recurrence_id>/range")
@role_required("staff")
def change_range(recurrence_id: int):
    """Change the dates. When that takes off occurrences people registered for, a page first
    says which, and who will be told (``range_confirm.html``); its button sends ``confirmed``."""
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    form = RangeForm(prefix="range")
    form.weekdays.set_locale(current_locale())
    if form.validate_on_submit():
        plan = _run(form, lambda: services.plan_range(
            recurrence, ends_on=form.ends_on.data, weekdays=form.weekdays.data
        ))
        if refused(plan):
            return _page(recurrence, plan.status, range_form=form)
        audience = [(event, *cancellation_audience(event)) for event in plan.dropped]
        if any(told or not_told for _event, told, not_told in audience) and not form.confirmed.data:
            return _range_page(recurrence, form, plan, audience)
        change = _run(form, lambda: services.change_range(
            recurrence, ends_on=form.ends_on.data, weekdays=form.weekdays.data, actor=current_user,
            booking_override_reason=(form.booking_override_reason.data or "").strip() or None,
            reason=form.reason.data,
        ))
        if not refused(change):
            told = mail.report(db.session)
            flash(sentences(_("Dates changed: %(added)d occurrences added, %(removed)d taken off.",
                              added=change.added, removed=change.removed), told), "success")
            return _back(recurrence)
        if form.confirmed.data:
            return _range_page(recurrence, form, plan, audience, change.status)
    return _page(recurrence, 422, range_form=form)


def _range_page(recurrence: Recurrence, form: RangeForm, plan, audience: list, status: int = 200):
    """The second step of a change of dates that takes off occurrences with registrants."""
    form.confirmed.data = "1"
    return render_template(
        "recurrences/range_confirm.html", recurrence=recurrence, form=form, plan=plan, audience=audience,
        told=sum(told for _event, told, _not_told in audience), mail_configured=mail.configured(),
    ), status


@bp.post("/<int:recurrence_id>/publish")
@role_required("staff")
def publish(recurrence_id: int):
    recurrence = services.recurrence_to_change(recurrence_id, current_user)
    if not ActionForm().validate_on_submit():
        abort(400)
    count = services.publish_all(recurrence, actor=current_user)
    db.session.commit()
    flash(ngettext("%(num)d occurrence is published.", "%(num)d occurrences are published.", count), "success")
    return _back(recurrence)

"""Volunteers' pages: recruitment calls and applying, and a volunteer's own shifts and hours."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user
from icalendar import Event as VEvent
from sqlalchemy import select

from outreach import clock
from outreach.accounts.permissions import has_role
from outreach.errors import OutreachError, ValidationError
from outreach.events import calendar
from outreach.extensions import db, limiter
from outreach.forms import ActionForm, attach_errors
from outreach.i18n import current_locale, localized
from outreach.paging import page_of
from outreach.timezone import library_tz, local_date
from outreach.years import parse_year
from outreach.volunteers import documents, services
from outreach.volunteers.access import current_volunteer
from outreach.volunteers.display import shift_place, shift_title
from outreach.volunteers.forms import (
    PERIOD_LABELS,
    PERIODS,
    WEEKDAYS,
    ApplicationForm,
    ProfileForm,
    availability_dict,
    availability_values,
)
from outreach.volunteers.models import RecruitmentCall, Shift, ShiftSignup
from outreach.views import attempt, flash_outcome, refused, see_other
from outreach.years import whole_number

bp = Blueprint("volunteers", __name__)

ICS = "text/calendar"  # Flask adds "; charset=utf-8" to a text/ mimetype
#: How far back a volunteer's shift feed reaches.
FEED_PAST_DAYS = calendar.PAST_DAYS
#: How far ahead it reaches (as the programme's feeds).
FEED_AHEAD_DAYS = calendar.AHEAD_DAYS
#: Shifts to take on one page of the volunteer's month.
OPEN_PER_PAGE = 25


# --- helpers: read-only ----------------------------------------------------------------------


# --- recruitment and applying ------------------------------------------------------------------


@bp.get("/volunteer")
def recruitment():
    return render_template(
        "volunteers/recruitment.html", calls=services.open_calls(), localized=localized,
        profile=services.profile_of(current_user),
    )


@bp.route("/volunteer/apply", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PUBLIC_WRITE"], methods=["POST"])
def apply():
    if services.profile_of(current_user) is not None:
        return redirect(url_for("volunteers.me"))
    form = ApplicationForm()
    if request.method == "GET":
        form.call.data = request.args.get("call", "")
    call = _chosen_call(form.call.data)
    if request.method == "GET" and call is not None and call not in services.open_calls():
        call, form.call.data = None, ""  # a closed call: the form applies generally
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.apply(
                    name=form.name.data, email=form.email.data, password=form.password.data, phone=form.phone.data,
                    skills=form.skills.data, languages=form.languages.data,
                    availability=availability_dict(form.availability.data), motivation=form.motivation.data,
                    emergency_contact=form.emergency_contact.data, is_minor=form.is_minor.data,
                    guardian_name=form.guardian_name.data, guardian_consent=form.guardian_consent.data,
                    consent=form.consent.data, call=call,
                )
            except ValidationError as error:
                db.session.rollback()
                attach_errors(form, error.fields or {})
            except OutreachError as error:  # email_taken, call_closed
                db.session.rollback()
                if error.code == "email_taken" and not has_role(current_user, "staff"):
                    # Answered as any application, so that the page tells nobody whether an
                    # address has an account; its owner learns of it by e-mail.
                    services.application_with_taken_address(form.email.data)
                    db.session.commit()
                    return _application_sent()
                if error.code == "email_taken":  # staff filling in the form may know it
                    form.email.errors = [*form.email.errors, str(error.message)]
                else:
                    form.form_errors.append(str(error.message))
            else:
                db.session.commit()
                return _application_sent()
        status = 422
    return render_template(
        "volunteers/apply.html", form=form, call=call, localized=localized, weekdays=WEEKDAYS, periods=PERIODS,
        period_labels=PERIOD_LABELS, day_names=_day_names(),
    ), status


def _application_sent():
    """The one answer to an application, whether or not the address already had an account:
    no one is signed in by it; the applicant signs in to follow the application."""
    flash(_("Thank you! Your application is sent. Library staff will review it and let you know. "
            "We have written to the e-mail address you gave; sign in with it and your password to follow your application."),
          "success")
    if current_user.is_authenticated:  # staff filling in the form for someone: stay signed in
        return see_other("volunteers.recruitment")
    return see_other("accounts.login", next=url_for("volunteers.me"))


def _chosen_call(value) -> RecruitmentCall | None:
    call_id = whole_number(value, minimum=1)
    return None if call_id is None else db.session.get(RecruitmentCall, call_id)


def _day_names() -> dict[str, str]:
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=current_locale())
    return {day: names[n] for n, day in enumerate(WEEKDAYS)}


# --- the volunteer's own page ------------------------------------------------------------------


@bp.get("/volunteer/me")
def me():
    """A month of the volunteer's volunteering (this month unless ``month=YYYY-MM``): their
    shifts in it, the shifts they can take (in pages), and the hours served in it; the totals
    of the year and of all years. A ``month`` that is not YYYY-MM shows this month, with 400."""
    volunteer = current_volunteer()
    now = clock.now()
    locale = current_locale()
    today = local_date(now)
    asked = request.args.get("month")
    first = calendar.parse_month(asked, today)
    status = 200
    if first is None:
        first, status = today.replace(day=1), 400
    last = calendar.month_end(first)
    low, high = services.day_span(first, last)
    signups = services.my_signups(volunteer, now, start=low, end=high)
    following = services.next_signup_from(volunteer, max(high, now)) if high > now else None
    offered = None
    if volunteer.status == "active":
        offered = page_of(services.offered_shifts(volunteer, now, start=low, end=high),
                          request.args.get("open_page"), OPEN_PER_PAGE)
    states = services.shift_states([signup.shift for signup in signups] + (offered.items if offered else []),
                                   volunteer, now)
    mine = [(signup.shift, states[signup.shift_id]) for signup in signups]
    positions = services.waiting_positions(signups)
    open_shifts = [(shift, states[shift.id]) for shift in offered.items] if offered else []
    by_year = services.hours_by_year(volunteer)
    return render_template(
        "volunteers/me.html", volunteer=volunteer, mine=mine, positions=positions, open_shifts=open_shifts,
        offered=offered, following=following, first=first,
        following_month=local_date(following.shift.starts_at).replace(day=1) if following else None,
        bad_month=asked if status == 400 else None,
        month_title=lambda day: calendar.month_title(day, locale),
        previous=calendar.add_months(first, -1), next=calendar.add_months(first, 1),
        past_month=high <= now,
        year=today.year, month_lines=services.hours_lines(volunteer, start=first, end=last),
        year_hours=by_year.get(today.year, Decimal("0.00")),
        certificate_years=services.certificate_years(volunteer, by_year),
        all_hours=services.all_hours(by_year),
        feed_url=url_for("volunteers.shift_feed", volunteer_id=volunteer.id, token=services.calendar_token(volunteer),
                         lang=locale, _external=True),
        form=ActionForm(), shift_title=shift_title, shift_place=shift_place, localized=localized,
        day_names=_day_names(), period_labels=PERIOD_LABELS, weekdays=WEEKDAYS,
    ), status


@bp.route("/volunteer/me/profile", methods=["GET", "POST"])
def edit_profile():
    """The volunteer keeps their phone, skills, languages, availability and emergency contact up to date."""
    volunteer = current_volunteer()
    form = ProfileForm()
    if request.method == "GET":
        form.phone.data, form.skills.data = volunteer.phone, volunteer.skills
        form.languages.data, form.emergency_contact.data = volunteer.languages, volunteer.emergency_contact
        form.availability.data = availability_values(volunteer.availability)
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            done = attempt(form, lambda: services.update_own_profile(
                volunteer, actor=current_user, phone=form.phone.data, skills=form.skills.data,
                languages=form.languages.data, availability=availability_dict(form.availability.data),
                emergency_contact=form.emergency_contact.data,
            ))
            if not refused(done):
                flash(_("Your details are saved."), "success")
                return see_other("volunteers.me")
            status = done.status
    return render_template(
        "volunteers/profile_form.html", form=form, weekdays=WEEKDAYS, periods=PERIODS, period_labels=PERIOD_LABELS,
        day_names=_day_names(),
    ), status


@bp.post("/volunteer/shifts/<int:shift_id>/sign-up")
def sign_up(shift_id: int):
    volunteer = current_volunteer()
    shift = db.get_or_404(Shift, shift_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    locale = current_locale()
    try:
        signup = services.sign_up(shift, volunteer)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if signup.status == "confirmed":
            flash(_("You are signed up: %(shift)s.", shift=shift_title(shift, locale)), "success")
        else:
            flash(_("The shift is full: you are on its waiting list. You move up by yourself when a place frees up."), "warning")
    return see_other("volunteers.me")


@bp.post("/volunteer/shifts/<int:shift_id>/cancel")
def cancel(shift_id: int):
    volunteer = current_volunteer()
    shift = db.get_or_404(Shift, shift_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id)
    )
    if signup is None:
        flash(_("There is no sign-up to cancel."), "error")
    else:
        flash_outcome(lambda: services.cancel_signup(signup, actor=current_user),
                      lambda _signup: _("You are no longer on this shift: %(shift)s.",
                                        shift=shift_title(shift, current_locale())))
    return see_other("volunteers.me")


@bp.get("/volunteer/me/certificate.pdf")
def certificate():
    volunteer = current_volunteer()
    year = parse_year(request.args.get("year"))
    try:
        return documents.certificate_response(volunteer, year, current_locale())
    except OutreachError as error:  # no hours that year: back to the page, with why
        db.session.rollback()
        flash(str(error.message), "error")
        return see_other("volunteers.me")


# --- the shift feed (iCalendar) ------------------------------------------------------------------


@bp.get("/volunteer/<int:volunteer_id>/shifts.ics")
def shift_feed(volunteer_id: int):
    """A volunteer's shifts for calendar apps, which cannot sign in: the token is the credential.
    Those of the last 90 days and the next 366, as the programme's feeds; with an ETag of its
    bytes, so that an app asking again with it gets 304 and no body."""
    volunteer = services.volunteer_for_calendar_token(volunteer_id, request.args.get("token", ""))
    if volunteer is None:
        abort(404)
    locale = current_locale()
    now = clock.now()
    rows = db.session.execute(
        select(ShiftSignup, Shift)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.volunteer_id == volunteer.id,
            ShiftSignup.status.in_(("confirmed", "waitlisted", "completed")),
            Shift.ends_at > now - timedelta(days=FEED_PAST_DAYS),
            Shift.starts_at < now + timedelta(days=FEED_AHEAD_DAYS),
        )
        .options(services.with_place())
        .order_by(Shift.starts_at, Shift.id)
    ).all()
    body = shift_calendar(rows, locale=locale, name=_("My volunteer shifts"))
    response = Response(body, mimetype=ICS, headers={"X-Robots-Tag": "noindex"})
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    # Personal: kept by no shared cache, but the app may keep it and ask again each time.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Accept-Language")
    return response.make_conditional(request)


def shift_uid(shift: Shift) -> str:
    return calendar.uid("shift", shift.id)


def shift_calendar(rows, *, locale: str, name: str) -> bytes:
    feed = calendar.new_calendar(name=name, product="Volunteer shifts")
    tz = library_tz()
    for signup, shift in rows:
        item = VEvent()
        item.add("uid", shift_uid(shift))
        summary = shift_title(shift, locale)
        if signup.status == "waitlisted":
            summary = _("Waiting list: %(shift)s", shift=summary)
        item.add("summary", summary)
        item.add("dtstart", shift.starts_at.astimezone(tz))
        item.add("dtend", shift.ends_at.astimezone(tz))
        # Shifts keep no modification time; the later of the shift's and the sign-up's making
        # keeps DTSTAMP stable between fetches.
        item.add("dtstamp", max(shift.created_at, signup.created_at))
        place = shift_place(shift, locale)
        if place:
            item.add("location", place)
        if shift.notes:
            item.add("description", shift.notes)
        item.add("url", url_for("volunteers.me", _external=True))
        item.add("status", "TENTATIVE" if signup.status == "waitlisted" else "CONFIRMED")
        feed.add_component(item)
    feed.add_missing_timezones()
    return feed.to_ical()


# --- the shift's desk: check in and out -------------------------------------------------------------


@bp.route("/volunteer/shifts/<int:shift_id>/desk", methods=["GET", "POST"])
def desk(shift_id: int):
    """Where the desk poster's QR code leads: the volunteer checks in on arrival and out on leaving."""
    shift = db.get_or_404(Shift, shift_id)
    code = request.args.get("code", "")
    context = {"shift": shift, "code": code, "shift_title": shift_title, "shift_place": shift_place}
    if not services.desk_code_is_valid(shift, code):
        return render_template("volunteers/desk.html", state="bad_code", **context), 403
    volunteer = current_volunteer()
    form = ActionForm()
    error, status = None, 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            if request.form.get("action") == "check_out":
                signup = services.check_out_of_shift(shift, volunteer)
                message = _("Checked out. %(hours)s hours are credited to you. Thank you!", hours=format_decimal(signup.hours or 0))
            else:
                signup = services.check_in_to_shift(shift, volunteer)
                message = _("Checked in. Thank you for coming!")
        except OutreachError as failure:
            db.session.rollback()
            error, status = failure, failure.status
        else:
            db.session.commit()
            flash(message, "success")
            return see_other("volunteers.desk", shift_id=shift.id, code=code)
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id)
    )
    if signup is not None and signup.status not in ("confirmed", "completed"):
        signup = None
    return render_template(
        "volunteers/desk.html", state="open", signup=signup, form=form, error=error, **context
    ), status

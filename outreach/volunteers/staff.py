"""Staff pages of volunteering: review, recruitment calls, trainings, shifts, rosters, hours.

Thin views: the rules are in ``services``; each POST commits once, and a broken rule comes
back as a translated message beside the field it is about.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import groupby

from babel.dates import get_day_names
from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager

from outreach import clock
from outreach.accounts import branches
from outreach.accounts.models import User
from outreach.accounts.permissions import role_required
from outreach.errors import ValidationError
from outreach.forms import ActionForm, attach_errors
from outreach.events.models import Event
from outreach.places.models import Branch, Venue
from outreach.extensions import db
from outreach.i18n import current_locale, sentences
from outreach.paging import page_of
from outreach.pdf import pdf_response
from outreach.platform import exports, mail
from outreach.years import this_year as current_year
from outreach.years import year_bounds
from outreach.timezone import library_tz, local_date, localize
from outreach.volunteers.access import shift_to_change
from outreach.volunteers.display import shift_activity, shift_place
from outreach.volunteers import documents, services
from outreach.volunteers.models import (
    HoursAdjustment,
    RecruitmentCall,
    Shift,
    ShiftSignup,
    Training,
    TrainingAttendance,
    VolunteerProfile,
)
from outreach.volunteers.staff_forms import (
    CALL_STATUS_LABELS,
    PERIOD_LABELS,
    REVIEW_ACTION_LABELS,
    SIGNUP_STATUS_LABELS,
    VOLUNTEER_STATUS_LABELS,
    WEEKDAYS,
    options,
    CallForm,
    CertificateForm,
    HoursForm,
    PatternForm,
    ReviewForm,
    RosterDayForm,
    ShiftAttendanceForm,
    ShiftForm,
    TrainingAttendanceForm,
    TrainingForm,
)
from outreach.views import attempt, flash_outcome, refused, see_other
from outreach.years import in_date_range, parse_date, whole_number

bp = Blueprint("volunteers_staff", __name__, url_prefix="/staff/volunteers")

#: Rows on one page of a staff list.
PER_PAGE = 25


@bp.context_processor
def labels():
    return {
        "VOLUNTEER_STATUS_LABELS": VOLUNTEER_STATUS_LABELS,
        "SIGNUP_STATUS_LABELS": SIGNUP_STATUS_LABELS,
        "REVIEW_ACTION_LABELS": REVIEW_ACTION_LABELS,
        "CALL_STATUS_LABELS": CALL_STATUS_LABELS,
        "shift_activity": shift_activity,
        "shift_place": shift_place,
    }


# --- helpers ---------------------------------------------------------------------------------




def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The library day as a half-open range of aware datetimes."""
    tz = library_tz()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def hours_by_volunteer(start: date, end: date, volunteer_ids: list[int] | None = None) -> dict[int, Decimal]:
    """Each volunteer's hours in ``start``..``end`` (library days), summed in the database:
    the same figure as ``total_hours(hours_lines(...))``, for a page at once (only the
    volunteers of ``volunteer_ids`` when given)."""
    if volunteer_ids is not None and not volunteer_ids:
        return {}
    chosen = [] if volunteer_ids is None else [ShiftSignup.volunteer_id.in_(volunteer_ids)]
    adjusted = [] if volunteer_ids is None else [HoursAdjustment.volunteer_id.in_(volunteer_ids)]
    low, _ = day_bounds(start)
    _, high = day_bounds(end)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    shift_hours = db.session.execute(
        select(ShiftSignup.volunteer_id, func.sum(ShiftSignup.hours))
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.status == "completed", Shift.starts_at >= low, Shift.starts_at < high, *chosen)
        .group_by(ShiftSignup.volunteer_id)
    )
    adjustments = db.session.execute(
        select(HoursAdjustment.volunteer_id, func.sum(HoursAdjustment.hours))
        .where(HoursAdjustment.day >= start, HoursAdjustment.day <= end, *adjusted)
        .group_by(HoursAdjustment.volunteer_id)
    )
    for volunteer_id, hours in [*shift_hours, *adjustments]:
        totals[volunteer_id] += Decimal(str(hours or 0))
    return {key: value.quantize(Decimal("0.01")) for key, value in totals.items()}


def slot_counts(shift_ids: list[int]) -> dict[int, dict[str, int]]:
    """For each shift: how many hold a slot ("taken") and how many wait ("waiting")."""
    counts: dict[int, dict[str, int]] = {shift_id: {"taken": 0, "waiting": 0} for shift_id in shift_ids}
    if not shift_ids:
        return counts
    rows = db.session.execute(
        select(ShiftSignup.shift_id, ShiftSignup.status, func.count(ShiftSignup.id))
        .where(ShiftSignup.shift_id.in_(shift_ids), ShiftSignup.status.in_(("confirmed", "completed", "waitlisted")))
        .group_by(ShiftSignup.shift_id, ShiftSignup.status)
    )
    for shift_id, status, number in rows:
        counts[shift_id]["waiting" if status == "waitlisted" else "taken"] += number
    return counts


def this_year() -> tuple[date, date]:
    return year_bounds(current_year())


def day_names() -> dict[str, str]:
    names = get_day_names("wide", locale=current_locale())
    return {day: names[n] for n, day in enumerate(WEEKDAYS)}


# --- volunteers ---------------------------------------------------------------------------------


@bp.get("/")
@role_required("staff")
def index():
    """Applicants waiting for review first (oldest first), then the volunteers of each status
    by name: each list in pages of its own (``applicant_page``, ``active_page`` …)."""
    sections: dict[str, object] = {}
    for status in VOLUNTEER_STATUS_LABELS:
        stmt = (
            select(VolunteerProfile)
            .join(User, User.id == VolunteerProfile.user_id)
            .options(contains_eager(VolunteerProfile.user))  # each row's name, in the same query
            .where(VolunteerProfile.status == status)
        )
        stmt = stmt.order_by(*((VolunteerProfile.created_at, VolunteerProfile.id) if status == "applicant"
                               else (User.name, VolunteerProfile.id)))
        sections[status] = page_of(stmt, request.args.get(f"{status}_page"), PER_PAGE)
    shown = [volunteer for pagination in sections.values() for volunteer in pagination.items]
    call_ids = {volunteer.call_id for volunteer in sections["applicant"].items if volunteer.call_id}
    calls = {call.id: call for call in db.session.scalars(
        select(RecruitmentCall).where(RecruitmentCall.id.in_(call_ids))
    )} if call_ids else {}
    start, end = this_year()
    return render_template(
        "volunteers/staff/index.html", sections=sections, year=start.year, calls=calls,
        hours=hours_by_volunteer(start, end, [volunteer.id for volunteer in shown]),
    )


def _profile_page(volunteer: VolunteerProfile, *, review_form=None, hours_form=None, certificate_form=None,
                  status: int = 200):
    """The volunteer's profile, review, hours of one year (this year unless ``year`` names
    another year with hours) and their shifts, newest first, in pages (``shifts_page``)."""
    by_year = services.hours_by_year(volunteer)
    this = current_year()
    ledger_years = sorted(set(by_year) | {this}, reverse=True)
    year = whole_number(request.args.get("year"))
    if year not in ledger_years:
        year = this
    start, end = year_bounds(year)
    lines = services.hours_lines(volunteer, start=start, end=end)
    years = services.certificate_years(volunteer, by_year)
    if certificate_form is None:
        certificate_form = CertificateForm(formdata=None, year=years[0] if years else None, language=current_locale())
    certificate_form.year.choices = options((year, str(year)) for year in years)
    signups = page_of(
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.volunteer_id == volunteer.id)
        .options(contains_eager(ShiftSignup.shift).joinedload(Shift.event))
        .order_by(Shift.starts_at.desc(), ShiftSignup.id.desc()),
        request.args.get("shifts_page"), PER_PAGE,
    )
    reviewer = db.session.get(User, volunteer.reviewed_by_id) if volunteer.reviewed_by_id else None
    call = db.session.get(RecruitmentCall, volunteer.call_id) if volunteer.call_id else None
    actions = [action for action, (allowed, _new) in services.REVIEW_MOVES.items() if volunteer.status in allowed]
    return render_template(
        "volunteers/staff/profile.html", volunteer=volunteer, lines=lines, total=services.all_hours(by_year),
        year_total=by_year.get(year, Decimal("0.00")), year=year, ledger_years=ledger_years, signups=signups,
        reviewer=reviewer, call=call,
        trainings=documents.trainings_attended(volunteer), actions=actions, day_names=day_names(),
        period_labels=PERIOD_LABELS, weekdays=WEEKDAYS, mail_configured=mail.configured(),
        review_form=review_form or ReviewForm(formdata=None),
        hours_form=hours_form or HoursForm(formdata=None),
        certificate_form=certificate_form,
    ), status


@bp.get("/<int:volunteer_id>")
@role_required("staff")
def profile(volunteer_id: int):
    return _profile_page(db.get_or_404(VolunteerProfile, volunteer_id))


@bp.post("/<int:volunteer_id>/review")
@role_required("staff")
def review(volunteer_id: int):
    volunteer = db.get_or_404(VolunteerProfile, volunteer_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _profile_page(volunteer, review_form=form, status=422)
    action = form.action.data
    done = attempt(form, lambda: services.review(volunteer, action, actor=current_user, note=form.note.data))
    if refused(done):
        return _profile_page(volunteer, review_form=form, status=done.status)
    name = volunteer.user.name
    messages = {
        "approve": _("%(name)s is now an active volunteer.", name=name),
        "reject": _("The application of %(name)s is turned down.", name=name),
        "pause": _("%(name)s is paused.", name=name),
        "archive": _("%(name)s is archived.", name=name),
        "reactivate": _("%(name)s is active again.", name=name),
    }
    flash(sentences(messages[action], mail.report(db.session)), "success")
    return see_other("volunteers_staff.profile", volunteer_id=volunteer.id)


@bp.post("/<int:volunteer_id>/hours")
@role_required("staff")
def adjust_hours(volunteer_id: int):
    volunteer = db.get_or_404(VolunteerProfile, volunteer_id)
    form = HoursForm()
    if not form.validate_on_submit():
        return _profile_page(volunteer, hours_form=form, status=422)
    done = attempt(form, lambda: services.adjust_hours(
        volunteer, form.hours.data, reason=form.reason.data, actor=current_user, day=form.day.data
    ))
    if refused(done):
        return _profile_page(volunteer, hours_form=form, status=done.status)
    flash(_("The adjustment of %(hours)s h is recorded.", hours=f"{form.hours.data:+}"), "success")
    return see_other("volunteers_staff.profile", volunteer_id=volunteer.id)


@bp.post("/<int:volunteer_id>/certificate")
@role_required("staff")
def certificate(volunteer_id: int):
    """The hours certificate of a chosen year, in a chosen language. A POST: issuing one
    numbers and keeps it (the same year and hours give the same certificate again)."""
    volunteer = db.get_or_404(VolunteerProfile, volunteer_id)
    form = CertificateForm()
    form.year.choices = options((year, str(year)) for year in services.certificate_years(volunteer))
    if not form.validate_on_submit():
        return _profile_page(volunteer, certificate_form=form, status=422)
    year, locale = form.year.data, form.language.data
    period_start, period_end = year_bounds(year)
    pdf = documents.certificate_pdf(
        volunteer, start=period_start, end=period_end, locale=locale, issued_by=current_user.name
    )
    db.session.commit()
    with force_locale(locale):
        filename = _("Volunteer service certificate %(year)s", year=year)
    return pdf_response(pdf, f"{filename} {volunteer.user.name}.pdf")


# --- recruitment calls ------------------------------------------------------------------------


@bp.get("/calls")
@role_required("staff")
def calls():
    pagination = page_of(
        select(RecruitmentCall).order_by(RecruitmentCall.status.desc(), RecruitmentCall.deadline.is_(None),
                                         RecruitmentCall.deadline.desc(), RecruitmentCall.id.desc()),
        request.args.get("page"), PER_PAGE,
    )
    ids = [call.id for call in pagination.items]
    applicants = dict(db.session.execute(
        select(VolunteerProfile.call_id, func.count(VolunteerProfile.id)).where(VolunteerProfile.call_id.in_(ids))
        .group_by(VolunteerProfile.call_id)
    ).all()) if ids else {}
    return render_template(
        "volunteers/staff/calls.html", calls=pagination.items, pagination=pagination, applicants=applicants,
        action_form=ActionForm(), today=local_date(clock.now()),
    )


def _save_call(call: RecruitmentCall | None):
    form = CallForm(obj=call)
    if form.validate_on_submit():
        try:
            call = services.save_call(call, actor=current_user, **{name: form[name].data for name in CallForm.FIELDS})
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error.fields or {})
        else:
            db.session.commit()
            flash(_("The call “%(title)s” is saved.", title=call.title), "success")
            return see_other("volunteers_staff.calls")
    status = 422 if request.method == "POST" else 200
    return render_template("volunteers/staff/call_form.html", form=form, call=call), status


@bp.route("/calls/new", methods=["GET", "POST"])
@role_required("staff")
def new_call():
    return _save_call(None)


@bp.route("/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_call(call_id: int):
    return _save_call(db.get_or_404(RecruitmentCall, call_id))


@bp.post("/calls/<int:call_id>/close")
@role_required("staff")
def close_call(call_id: int):
    call = db.get_or_404(RecruitmentCall, call_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.close_call(call, actor=current_user)
    db.session.commit()
    flash(_("The call “%(title)s” is closed: it no longer takes applications.", title=call.title), "success")
    return see_other("volunteers_staff.calls")


# --- trainings ------------------------------------------------------------------------------------


@bp.route("/trainings", methods=["GET", "POST"])
@role_required("staff")
def trainings():
    form = TrainingForm()
    if form.validate_on_submit():
        try:
            training = services.create_training(
                actor=current_user, title=form.title.data, title_en=form.title_en.data, topic=form.topic.data,
                starts_at=localize(form.starts_at.data), ends_at=localize(form.ends_at.data),
                location=form.location.data, notes=form.notes.data,
            )
        except ValidationError as error:
            db.session.rollback()
            attach_errors(form, error.fields or {})
        else:
            db.session.commit()
            flash(_("The training “%(title)s” is added. Now tick who attended.", title=training.title), "success")
            return see_other("volunteers_staff.training", training_id=training.id)
    pagination = page_of(select(Training).order_by(Training.starts_at.desc(), Training.id.desc()),
                         request.args.get("page"), PER_PAGE)
    ids = [training.id for training in pagination.items]
    counts = dict(db.session.execute(
        select(Training.id, func.count()).join(Training.attendees).where(Training.id.in_(ids)).group_by(Training.id)
    ).all()) if ids else {}
    status = 422 if request.method == "POST" else 200
    return render_template("volunteers/staff/trainings.html", trainings=pagination.items, pagination=pagination,
                           counts=counts, form=form), status


def _training_page(training: Training, form=None, status: int = 200):
    # Who attended and who could be ticked, each with their name, in one query each.
    attended = list(db.session.scalars(
        select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id)
        .join(TrainingAttendance, TrainingAttendance.volunteer_id == VolunteerProfile.id)
        .where(TrainingAttendance.training_id == training.id)
        .options(contains_eager(VolunteerProfile.user)).order_by(User.name, VolunteerProfile.id)
    ))
    known = {v.id for v in attended}
    candidates = db.session.scalars(
        select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id)
        .where(VolunteerProfile.status == "active").options(contains_eager(VolunteerProfile.user))
        .order_by(User.name, VolunteerProfile.id)
    ).all()
    form = form or TrainingAttendanceForm(formdata=None)
    form.volunteers.choices = options((v.id, v.user.name) for v in candidates if v.id not in known)
    return render_template("volunteers/staff/training.html", training=training, attended=attended, form=form), status


@bp.get("/trainings/<int:training_id>")
@role_required("staff")
def training(training_id: int):
    return _training_page(db.get_or_404(Training, training_id))


@bp.post("/trainings/<int:training_id>/attendance")
@role_required("staff")
def training_attendance(training_id: int):
    training = db.get_or_404(Training, training_id)
    form = TrainingAttendanceForm()
    known = {a.volunteer_id for a in training.attendees}
    active = db.session.scalars(
        select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id)
        .where(VolunteerProfile.status == "active").options(contains_eager(VolunteerProfile.user))
    )
    form.volunteers.choices = options((v.id, v.user.name) for v in active if v.id not in known)
    if not form.validate_on_submit():
        return _training_page(training, form, 422)
    volunteers = [db.session.get(VolunteerProfile, volunteer_id) for volunteer_id in form.volunteers.data]
    added = services.record_training(training, volunteers, actor=current_user)
    db.session.commit()
    flash(ngettext("%(num)s volunteer recorded as trained.", "%(num)s volunteers recorded as trained.", added),
          "success")
    return see_other("volunteers_staff.training", training_id=training.id)


# --- shifts -----------------------------------------------------------------------------------------


def _event_choices() -> list:
    locale = current_locale()
    events = db.session.scalars(
        select(Event)
        .where(Event.ends_at > clock.now(), Event.status.in_(("draft", "published")))
        .order_by(Event.starts_at, Event.id)
        .limit(200)
    ).all()
    return options([(0, _("None: a standing duty such as the service desk"))] + [
        (event.id, _("%(text)s (%(note)s)", text=event.display_title(locale),
                     note=local_date(event.starts_at).isoformat()))
        for event in events
    ])


def _chosen_event(form) -> Event | None:
    return db.session.get(Event, form.event.data) if form.event.data else None


@bp.get("/shifts")
@role_required("staff")
def shifts():
    """A week's shifts (Monday to Sunday; this week unless ``week`` names a day of another)
    by day, with the slots taken. A ``week`` that is not a date shows this week, with 400."""
    today = local_date(clock.now())
    asked = request.args.get("week")
    day = parse_date(asked) if asked else today
    status = 200
    if day is None:
        day, status = today, 400
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    low, _ = day_bounds(monday)
    _, high = day_bounds(sunday)
    # A branch's staff see its events' shifts (and the standing duties) first; branch= shows all.
    branch_id = branches.default_branch(current_user, request.args.get("branch"))
    stmt = (
        select(Shift)
        .outerjoin(Event, Event.id == Shift.event_id)
        .where(Shift.starts_at >= low, Shift.starts_at < high, or_(Event.id.is_(None), Event.status != "cancelled"))
    )
    if branch_id is not None:
        stmt = stmt.where(or_(Event.id.is_(None), Event.venue_id.in_(select(Venue.id).where(Venue.branch_id == branch_id))))
    week = list(db.session.scalars(stmt.options(services.with_place()).order_by(Shift.starts_at, Shift.id)))
    counts = slot_counts([shift.id for shift in week])
    days = [(day, list(group)) for day, group in groupby(week, key=lambda s: local_date(s.starts_at))]
    previous, following = monday - timedelta(days=7), monday + timedelta(days=7)
    return render_template(
        "volunteers/staff/shifts.html", days=days, counts=counts, day_form=RosterDayForm(formdata=None),
        branch_id=branch_id, branch_list=db.session.scalars(select(Branch).order_by(Branch.id)).all(),
        monday=monday, sunday=sunday, today=today, bad_week=asked if status == 400 else None,
        previous=previous if in_date_range(previous) else None,
        following=following if in_date_range(following + timedelta(days=6)) else None,
        this_monday=today - timedelta(days=today.weekday()),
    ), status


@bp.route("/shifts/new", methods=["GET", "POST"])
@role_required("staff")
def new_shift():
    form = ShiftForm()
    form.event.choices = _event_choices()
    if request.method == "GET" and whole_number(request.args.get("event"), minimum=1) is not None:
        form.event.data = whole_number(request.args["event"], minimum=1)
    if form.validate_on_submit():
        shift = attempt(form, lambda: services.create_shift(
            _chosen_event(form), actor=current_user, role=form.role.data,
            starts_at=localize(datetime.combine(form.day.data, form.start_time.data)),
            ends_at=localize(datetime.combine(form.day.data, form.end_time.data)),
            slots=form.slots.data, **form.details(),
        ), mapping=ShiftForm.ERROR_FIELDS)
        if not refused(shift):
            flash(_("The shift “%(role)s” is added.", role=shift.role), "success")
            return see_other("volunteers_staff.shift", shift_id=shift.id)
    status = 422 if request.method == "POST" else 200
    return render_template("volunteers/staff/shift_form.html", form=form), status


@bp.route("/shifts/pattern", methods=["GET", "POST"])
@role_required("staff")
def pattern():
    """Many shifts at once: every ``length`` minutes from the first start to the last end."""
    form = PatternForm()
    form.event.choices = _event_choices()
    if request.method == "GET" and whole_number(request.args.get("event"), minimum=1) is not None:
        form.event.data = whole_number(request.args["event"], minimum=1)
    if form.validate_on_submit():
        created = attempt(form, lambda: services.create_shifts_from_pattern(
            _chosen_event(form), actor=current_user, role=form.role.data, day=form.day.data,
            first_start=form.first_start.data, last_end=form.last_end.data,
            length_minutes=form.length_minutes.data, slots=form.slots.data, **form.details(),
        ), mapping=PatternForm.ERROR_FIELDS)
        if not refused(created):
            flash(ngettext("%(num)s shift added.", "%(num)s shifts added.", len(created)), "success")
            return see_other("volunteers_staff.roster_day", day=form.day.data.isoformat())
    status = 422 if request.method == "POST" else 200
    return render_template("volunteers/staff/pattern_form.html", form=form), status


def _attendance_form(shift: Shift, signups: list[ShiftSignup], form=None) -> ShiftAttendanceForm:
    form = form or ShiftAttendanceForm(formdata=None)
    listed = {s.volunteer_id for s in signups}
    others = db.session.scalars(
        select(VolunteerProfile).join(User, User.id == VolunteerProfile.user_id)
        .where(VolunteerProfile.status == "active", VolunteerProfile.id.not_in(listed or [0]))
        .options(contains_eager(VolunteerProfile.user))
        .order_by(User.name, VolunteerProfile.id)
    ).all()
    form.volunteer.choices = options([
        (s.volunteer_id, _("%(text)s (%(note)s)", text=s.volunteer.user.name, note=SIGNUP_STATUS_LABELS[s.status]))
        for s in signups
    ] + [(v.id, v.user.name) for v in others])
    return form


def _shift_page(shift: Shift, *, attendance_form=None, status: int = 200):
    ((_shift, signups),) = services.roster([shift])
    return render_template(
        "volunteers/staff/shift.html", shift=shift, signups=signups, taken=services.slots_taken(shift.id),
        attendance_form=_attendance_form(shift, signups, attendance_form), action_form=ActionForm(),
        cutoff=services.cancel_cutoff(shift), opens=services.signup_opens_at(shift),
        length=services.shift_length(shift), started=clock.now() >= shift.starts_at,
        shift_day=local_date(shift.starts_at).isoformat(),
    ), status


def _roster_shift(shift_id: int) -> Shift:
    """The shift with its sign-ups, their volunteers' names and its place (404 if none)."""
    found = db.session.scalar(select(Shift).where(Shift.id == shift_id).options(*services.with_roster()))
    if found is None:
        abort(404)
    return found


@bp.get("/shifts/<int:shift_id>")
@role_required("staff")
def shift(shift_id: int):
    return _shift_page(_roster_shift(shift_id))


@bp.post("/shifts/<int:shift_id>/attendance")
@role_required("staff")
def shift_attendance(shift_id: int):
    """Staff mark a volunteer as served (with hours) or absent; a change of an earlier
    entry needs a reason, which the audit log keeps with both entries."""
    shift = shift_to_change(_roster_shift(shift_id))
    ((_shift, signups),) = services.roster([shift])
    form = _attendance_form(shift, signups, ShiftAttendanceForm())
    if not form.validate_on_submit():
        return _shift_page(shift, attendance_form=form, status=422)
    volunteer = db.session.get(VolunteerProfile, form.volunteer.data)
    signup = attempt(form, lambda: services.record_attendance(
        shift, volunteer, status=form.status.data, hours=form.hours.data, actor=current_user,
        reason=form.reason.data or None,
    ))
    if refused(signup):
        return _shift_page(shift, attendance_form=form, status=signup.status)
    if signup.status == "completed":
        hours = format_decimal(signup.hours)
        flash(_("Recorded: %(name)s served %(hours)s h.", name=volunteer.user.name, hours=hours), "success")
    else:
        flash(_("%(name)s is recorded as not having come.", name=volunteer.user.name), "success")
    return see_other("volunteers_staff.shift", shift_id=shift.id)


@bp.post("/shifts/<int:shift_id>/signups/<int:signup_id>/remove")
@role_required("staff")
def remove_signup(shift_id: int, signup_id: int):
    """Staff take a volunteer off a shift, also after the volunteers' own cut-off."""
    shift = shift_to_change(db.get_or_404(Shift, shift_id))
    signup = db.get_or_404(ShiftSignup, signup_id)
    if signup.shift_id != shift.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = signup.volunteer.user.name
    flash_outcome(lambda: services.cancel_signup(signup, actor=current_user),
                  lambda _signup: _("%(name)s is no longer on this shift.", name=name))
    return see_other("volunteers_staff.shift", shift_id=shift.id)


@bp.get("/shifts/<int:shift_id>/desk-poster.pdf")
@role_required("staff")
def desk_poster(shift_id: int):
    """The poster for the shift's desk: volunteers scan it to check in and again to check out."""
    shift = db.get_or_404(Shift, shift_id)
    pdf = documents.desk_poster_pdf(shift, locale=current_locale())
    return pdf_response(pdf, f"desk-poster-shift-{shift.id}.pdf")


# --- rosters ------------------------------------------------------------------------------------------


def _parse_day(value: str) -> date:
    day = parse_date(value)
    if day is None:
        abort(404)
    return day


def _day_shifts(day: date, branch_id: int | None = None) -> list[Shift]:
    return documents.day_shifts(day, branch_id)


def _roster_branch() -> int | None:
    """The branch a day's roster shows: a branch's staff their own by default; ``branch=`` empty
    (All branches) or another branch's id as they choose."""
    return branches.default_branch(current_user, request.args.get("branch"))


def _event_shifts(event: Event) -> list[Shift]:
    return documents.event_shifts(event.id)


def _roster_page(shifts_: list[Shift], *, title: str, pdf_url: str, csv_url: str, day: date | None = None,
                 event: Event | None = None, day_form=None, status: int = 200, branch_id: int | None = None):
    """The roster on the page; ``pdf_url`` is where its print button starts the PDF's export.
    A day's roster chooses its branch (``branch_id``); an event's is that event's."""
    return render_template(
        "volunteers/staff/roster.html", roster=services.roster(shifts_), title=title, pdf_url=pdf_url,
        csv_url=csv_url, day=day, event=event, counts=slot_counts([s.id for s in shifts_]),
        day_form=day_form or RosterDayForm(formdata=None, day=day), timedelta=timedelta, action_form=ActionForm(),
        branch_id=branch_id, branch_list=db.session.scalars(select(Branch).order_by(Branch.id)).all() if day else [],
    ), status


def _csv_response(body: bytes, filename: str) -> Response:
    return Response(
        body, mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.get("/rosters")
@role_required("staff")
def rosters():
    """The day picker: a chosen day opens its roster; today's when none is given."""
    if "day" not in request.args:
        return see_other("volunteers_staff.roster_day", day=local_date(clock.now()).isoformat())
    form = RosterDayForm(request.args)
    if form.validate():
        return see_other("volunteers_staff.roster_day", day=form.day.data.isoformat())
    return render_template("volunteers/staff/roster.html", roster=[], title=_("Choose a day"), day_form=form,
                           day=None, event=None, counts={}, pdf_url=None, csv_url=None, timedelta=timedelta), 422


def _day_title(day: date) -> str:
    return documents.day_title(day)


def _print_roster(kind: str, params: dict):
    """The print button: the roster's PDF is made by the job worker; its page shows the
    progress, then the download."""
    if not ActionForm().validate_on_submit():
        abort(400)
    export = exports.launch(kind, params, actor=current_user, locale=current_locale(), base_url=request.host_url)
    return see_other("exports.show", export_id=export.id)


@bp.get("/rosters/days/<day>")
@role_required("staff")
def roster_day(day: str):
    chosen = _parse_day(day)
    branch_id = _roster_branch()
    branch = request.args.get("branch")  # the print and CSV show what the page shows
    return _roster_page(
        _day_shifts(chosen, branch_id), title=_day_title(chosen), day=chosen, branch_id=branch_id,
        pdf_url=url_for("volunteers_staff.print_roster_day", day=chosen.isoformat(), branch=branch),
        csv_url=url_for("volunteers_staff.roster_day_csv", day=chosen.isoformat(), branch=branch),
    )


@bp.post("/rosters/days/<day>/print")
@role_required("staff")
def print_roster_day(day: str):
    params = {"day": _parse_day(day).isoformat()}
    branch_id = _roster_branch()
    if branch_id is not None:
        params["branch_id"] = branch_id
    return _print_roster("roster_day", params)


@bp.get("/rosters/days/<day>/roster.csv")
@role_required("staff")
def roster_day_csv(day: str):
    chosen = _parse_day(day)
    body = documents.roster_csv(_day_shifts(chosen, _roster_branch()), locale=current_locale())
    return _csv_response(body, f"roster-{chosen.isoformat()}.csv")


@bp.get("/rosters/events/<int:event_id>")
@role_required("staff")
def roster_event(event_id: int):
    event = db.get_or_404(Event, event_id)
    return _roster_page(
        _event_shifts(event), title=event.display_title(current_locale()), event=event,
        pdf_url=url_for("volunteers_staff.print_roster_event", event_id=event.id),
        csv_url=url_for("volunteers_staff.roster_event_csv", event_id=event.id),
    )


@bp.post("/rosters/events/<int:event_id>/print")
@role_required("staff")
def print_roster_event(event_id: int):
    return _print_roster("roster_event", {"event_id": db.get_or_404(Event, event_id).id})


@bp.get("/rosters/events/<int:event_id>/roster.csv")
@role_required("staff")
def roster_event_csv(event_id: int):
    event = db.get_or_404(Event, event_id)
    body = documents.roster_csv(_event_shifts(event), locale=current_locale())
    return _csv_response(body, f"roster-event-{event.id}.csv")

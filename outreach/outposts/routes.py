"""Pages of village reading rooms and the book bus. A keeper lands on their place's page (from a
phone: today's visitors, "record an activity", what was recorded); staff see every place and
may correct anything. Who may change a place is decided once, in ``services.place_for`` and
``services.activity_for``: a keeper asking for another place gets 404."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from outreach import clock
from outreach.accounts.passwords import MIN_PASSWORD_LENGTH
from outreach.accounts.permissions import has_role, role_required
from outreach.events import covers
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.outposts import services
from outreach.outposts.access import activity_or_404, place_or_404
from outreach.outposts.forms import ActivityForm, HeadcountForm, KeeperAccountForm, VisitorsForm
from outreach.paging import page_of
from outreach.places.models import Branch
from outreach.timezone import local_date
from outreach.views import accepts_upload, attempt, refused, see_other

bp = Blueprint("outposts", __name__)

#: Rows on a page of activities; days counted on a page of a place's (two weeks: a phone's screenful).
PER_PAGE = 20
DAYS_PER_PAGE = 14


def _today() -> date:
    return local_date(clock.now())



@bp.get("/keeper")
@role_required("keeper")
def home():
    """A keeper's address to remember: their place's page."""
    branch = services.place_of(current_user)
    if branch is None:  # the place was removed or changed kind: say so rather than fail
        return render_template("outposts/no_place.html"), 409
    return see_other("outposts.place", branch_id=branch.id)


@bp.get("/staff/outposts/")
@role_required("staff")
def overview():
    """Every place, with what it counted this year, and every activity recorded, the latest first."""
    today = _today()
    places = services.visits_by_place(date(today.year, 1, 1), today)
    chosen = request.args.get("place", type=int)
    found = page_of(services.activities_query(chosen), request.args.get("page"), PER_PAGE)
    return render_template(
        "outposts/overview.html", places=places, activities=services.activity_rows(found.items), pagination=found,
        chosen=chosen, year=today.year, is_admin=has_role(current_user, "admin"),
    )


@bp.get("/outposts/<int:branch_id>")
@role_required("staff", "keeper")
def place(branch_id: int):
    branch = place_or_404(branch_id)
    today = _today()
    form = VisitorsForm(day=today, count=services.visitors_of(branch, today))
    return _place_page(branch, form)


def _place_page(branch, form: VisitorsForm, status: int = 200):
    activities = page_of(services.activities_query(branch.id), request.args.get("page"), PER_PAGE)
    days = page_of(services.visitors_query(branch.id), request.args.get("days"), DAYS_PER_PAGE)
    return render_template(
        "outposts/place.html", branch=branch, form=form, activities=services.activity_rows(activities.items),
        pagination=activities, days=days.items, days_pagination=days, is_keeper=services.is_keeper(current_user),
    ), status


@bp.post("/outposts/<int:branch_id>/visitors")
@role_required("staff", "keeper")
def visitors(branch_id: int):
    """Save the visitors of a day (a second count for the day replaces the first)."""
    branch = place_or_404(branch_id)
    form = VisitorsForm()
    if form.validate_on_submit():
        row = attempt(form, lambda: services.set_visitors(branch, form.day.data, form.count.data, actor=current_user))
        if not refused(row):
            flash(_("%(count)d visitors on %(day)s saved.", count=row.count, day=_day_label(row.day)), "success")
            return see_other("outposts.place", branch_id=branch.id, _anchor="days-heading")
        return _place_page(branch, form, row.status)
    return _place_page(branch, form, 422)


@bp.route("/outposts/<int:branch_id>/activities/new", methods=["GET", "POST"])
@role_required("staff", "keeper")
@accepts_upload(covers.UPLOAD_REQUEST_MAX)
def new_activity(branch_id: int):
    branch = place_or_404(branch_id)
    form = ActivityForm()
    if request.method == "GET":
        form.day.data = _today()
    status = 200
    if form.validate_on_submit():
        upload = form.photo.data
        photo = upload.read() if upload and getattr(upload, "filename", "") else None
        event = attempt(form, lambda: services.record_activity(
            branch, actor=current_user, type=form.type.data, title=form.title.data, day=form.day.data,
            starts=form.starts.data, ends=form.ends.data, headcount=form.headcount.data, audience=form.audience.data,
            description=form.description.data, photo=photo, photo_alt=form.photo_alt.data,
        ), mapping={"starts_at": "starts", "ends_at": "ends", "venue_id": "day"})
        if not refused(event):
            flash(_("“%(title)s” is recorded with %(count)d people.", title=event.title, count=form.headcount.data),
                  "success")
            return see_other("outposts.place", branch_id=branch.id)
        status = event.status
    elif request.method == "POST":
        status = 422
    return render_template("outposts/activity_form.html", form=form, branch=branch), status


@bp.route("/outposts/activities/<int:event_id>", methods=["GET", "POST"])
@role_required("staff", "keeper")
def activity(event_id: int):
    """An activity recorded at a place, and the correction of its count (audited)."""
    event, branch = activity_or_404(event_id)
    headcount = services.headcount_of(event)
    form = HeadcountForm(count=headcount) if request.method == "GET" else HeadcountForm()
    status = 200
    if form.validate_on_submit():
        result = attempt(form, lambda: services.correct_headcount(event, form.count.data, actor=current_user))
        if not refused(result):
            flash(_("The count of “%(title)s” is now %(count)d.", title=event.display_title(current_locale()),
                    count=result), "success")
            return see_other("outposts.activity", event_id=event.id)
        status = result.status
    elif request.method == "POST":
        status = 422
    return render_template("outposts/activity.html", event=event, branch=branch, form=form, headcount=headcount,
                           is_keeper=services.is_keeper(current_user)), status


@bp.route("/staff/outposts/keepers/new", methods=["GET", "POST"])
@role_required("admin")
def new_keeper():
    """An admin opens the account of a place's keeper."""
    form = KeeperAccountForm()
    form.branch_id.choices = [(b.id, b.display_name(current_locale())) for b in services.outposts() if b.active]
    if request.method == "GET" and request.args.get("place", type=int):
        form.branch_id.data = request.args.get("place", type=int)
    status = 200
    if form.validate_on_submit():
        user = attempt(form, lambda: services.open_keeper_account(
            email=form.email.data, name=form.name.data, password=form.password.data,
            branch=db.session.get(Branch, form.branch_id.data), actor=current_user,
        ))
        if not refused(user):
            flash(_("The account of %(name)s is open.", name=user.name), "success")
            return see_other("accounts.account", user_id=user.id)
        status = user.status
    elif request.method == "POST":
        status = 422
    return render_template("outposts/new_keeper.html", form=form, min_length=MIN_PASSWORD_LENGTH), status


def _day_label(day: date) -> str:
    return format_date(day, "medium")


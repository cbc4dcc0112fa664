"""Admin pages of branches and venues; staff pages of series and partners.

Thin views: the rules are in ``places.services``. Each POST commits once and answers with a
redirect (303); a broken rule comes back as a translated message beside its field (422), or,
for archiving, as a message on the list it was asked from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm  # the type of the forms it shows

from outreach import clock
from outreach.accounts import branches as branch_rule
from outreach.accounts.permissions import has_role, role_required
from outreach.errors import OutreachError
from outreach.events import cover_pages, covers
from outreach.events.booking import span
from outreach.places.models import Branch, Partner, Series, Venue
from outreach.events.services import next_session_number
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.paging import page_of
from outreach.places import services
from outreach.forms import ActionForm
from outreach.places.forms import VENUE_KIND_LABELS, BranchForm, PartnerForm, SeriesForm, VenueForm
from outreach.timezone import local_date
from outreach.views import accepts_upload, attempt, refused, see_other
from outreach.years import in_date_range, parse_date, whole_number

bp = Blueprint("places", __name__, url_prefix="/staff")

#: How far ahead a venue's page lists its bookings.
BOOKING_WEEKS = 8
#: Rows on a page of series, of a series' sessions and of partners.
PER_PAGE = 50
#: Venues on a page of their list (grouped by branch on each page).
VENUES_PER_PAGE = 50


@bp.context_processor
def labels():
    return {"VENUE_KIND_LABELS": VENUE_KIND_LABELS, "is_admin": has_role(current_user, "admin")}


# --- helpers ---------------------------------------------------------------------------------


def _form_page(form: FlaskForm, *, heading: str, back: tuple[str, str], action: str):
    """The one form page of this area: 200 when first shown, 422 after a refused POST."""
    status = 422 if request.method == "POST" else 200
    return render_template("places/form.html", form=form, heading=heading, back=back, action=action), status


def _form_view(form: FlaskForm, save: Callable[[], object], saved: Callable[[str], str], done: Callable, **page):
    """A new/edit page: on a valid POST run ``save``, say ``saved`` (worded from the row's name)
    and go to ``done(row)``; else show the form (see ``_form_page``)."""
    if form.validate_on_submit():
        row = attempt(form, save)
        if not refused(row):
            flash(saved(row.display_name(current_locale())), "success")
            return done(row)
    return _form_page(form, **page)


def _branch_choices(current: Branch | None = None) -> list[Branch]:
    """Branches in service, and the current one even when archived (so the form shows it)."""
    branches = services.active_branches()
    if current is not None and current not in branches:
        branches.append(current)
    return branches


def _toggle(change: Callable, obj, done: Callable[[str], str], endpoint: str):
    """Archive or reactivate ``obj`` and go back to its list saying what happened (``done``
    words it from the row's name)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        change(obj, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(done(obj.display_name(current_locale())), "success")
    return see_other(endpoint)


# --- branches (admin) ----------------------------------------------------------------------------


@bp.get("/branches")
@role_required("admin")
def branches():
    """Every branch, whole: a county library has a handful (central, branches, a mobile
    library), a list that does not grow with its programme; two queries however many."""
    return render_template("places/branches.html", rows=services.branch_overview(), action_form=ActionForm())


def _branch_values(form: BranchForm) -> dict:
    return {"name": form.name.data, "name_en": form.name_en.data, "kind": form.kind.data, "address": form.address.data}


@bp.route("/branches/new", methods=["GET", "POST"])
@role_required("admin")
def new_branch():
    form = BranchForm()
    return _form_view(
        form, lambda: services.create_branch(actor=current_user, **_branch_values(form)),
        lambda name: _("The branch “%(name)s” is saved.", name=name),
        lambda row: see_other("places.branches"),
        heading=_("New branch"), back=("places.branches", _("Branches")), action=url_for("places.new_branch")
    )


@bp.route("/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_branch(branch_id: int):
    branch = db.get_or_404(Branch, branch_id)
    form = BranchForm(obj=branch)
    return _form_view(
        form, lambda: services.update_branch(branch, actor=current_user, **_branch_values(form)),
        lambda name: _("The branch “%(name)s” is saved.", name=name),
        lambda row: see_other("places.branches"),
        heading=_("Edit the branch “%(name)s”", name=branch.display_name(current_locale())),
        back=("places.branches", _("Branches")), action=url_for("places.edit_branch", branch_id=branch.id),
    )


@bp.post("/branches/<int:branch_id>/archive")
@role_required("admin")
def archive_branch(branch_id: int):
    return _toggle(
        services.archive_branch, db.get_or_404(Branch, branch_id),
        lambda name: _("The branch “%(name)s” is archived.", name=name),
        "places.branches",
    )


@bp.post("/branches/<int:branch_id>/reactivate")
@role_required("admin")
def reactivate_branch(branch_id: int):
    return _toggle(
        services.reactivate_branch, db.get_or_404(Branch, branch_id),
        lambda name: _("The branch “%(name)s” is in service again.", name=name),
        "places.branches",
    )


# --- venues (staff view them, admins change them) -----------------------------------------------------


@bp.get("/venues")
@role_required("staff")
def venues():
    found = page_of(services.venues_in_order(), request.args.get("page"), VENUES_PER_PAGE)
    return render_template(
        "places/venues.html", groups=services.venues_by_branch(found.items), pagination=found, action_form=ActionForm(),
    )


@bp.get("/venues/<int:venue_id>")
@role_required("staff")
def venue(venue_id: int):
    """The venue's bookings for the coming weeks: a staff member checks the room before booking it.
    A window of ``BOOKING_WEEKS`` weeks from today, or from the day ``from`` (YYYY-MM-DD; any
    other value is today), with links to the weeks before and after it."""
    venue = db.get_or_404(Venue, venue_id)
    today = local_date(clock.now())
    start = parse_date(request.args.get("from")) or today
    window = timedelta(weeks=BOOKING_WEEKS)
    end = start + window - timedelta(days=1)
    earlier, later = start - window, start + window
    return render_template(
        "places/venue.html", venue=venue, bookings=services.venue_bookings(venue, start, end), start=start, end=end,
        occupied=span, weeks=BOOKING_WEEKS, today=today,
        earlier=earlier if in_date_range(earlier) else None, later=later if in_date_range(later) else None,
    )


def _venue_values(form: VenueForm) -> dict:
    return {
        "name": form.name.data, "name_en": form.name_en.data, "kind": form.kind.data,
        "address": form.address.data, "capacity": form.capacity.data, "branch": services.chosen_branch(form.branch_id.data),
    }


@bp.route("/venues/new", methods=["GET", "POST"])
@role_required("admin")
def new_venue():
    form = VenueForm()
    form.set_branches(_branch_choices(), current_locale())
    branch_id = whole_number(request.args.get("branch"), minimum=1)
    if request.method == "GET" and branch_id is not None:
        form.branch_id.data = branch_id
    return _form_view(
        form, lambda: services.add_venue(actor=current_user, **_venue_values(form)),
        lambda name: _("The venue “%(name)s” is saved.", name=name),
        lambda row: see_other("places.venues"),
        heading=_("New venue"), back=("places.venues", _("Venues")), action=url_for("places.new_venue")
    )


@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def edit_venue(venue_id: int):
    venue = db.get_or_404(Venue, venue_id)
    form = VenueForm(obj=venue)
    form.set_branches(_branch_choices(venue.branch), current_locale())
    return _form_view(
        form, lambda: services.update_venue(venue, actor=current_user, **_venue_values(form)),
        lambda name: _("The venue “%(name)s” is saved.", name=name),
        lambda row: see_other("places.venues"),
        heading=_("Edit the venue “%(name)s”", name=venue.display_name(current_locale())),
        back=("places.venues", _("Venues")), action=url_for("places.edit_venue", venue_id=venue.id),
    )


@bp.post("/venues/<int:venue_id>/archive")
@role_required("admin")
def archive_venue(venue_id: int):
    return _toggle(
        services.archive_venue, db.get_or_404(Venue, venue_id),
        lambda name: _("The venue “%(name)s” is archived.", name=name),
        "places.venues",
    )


@bp.post("/venues/<int:venue_id>/reactivate")
@role_required("admin")
def reactivate_venue(venue_id: int):
    return _toggle(
        services.reactivate_venue, db.get_or_404(Venue, venue_id),
        lambda name: _("The venue “%(name)s” is in service again.", name=name),
        "places.venues",
    )


# --- series (staff) ---------------------------------------------------------------------------------


@bp.get("/series")
@role_required("staff")
def series_list():
    found = page_of(services.series_in_order(), request.args.get("page"), PER_PAGE)
    return render_template("places/series_list.html", rows=services.with_session_counts(found.items), pagination=found)


@bp.get("/series/<int:series_id>")
@role_required("staff")
def series(series_id: int):
    series = db.get_or_404(Series, series_id)
    found = page_of(services.series_sessions_query(series, include_drafts=True), request.args.get("page"), PER_PAGE)
    return render_template(
        "places/series.html", series=series, sessions=found.items, pagination=found,
        next_number=next_session_number(series.id),
    )


def _series_values(form: SeriesForm) -> dict:
    return {
        "name": form.name.data, "name_en": form.name_en.data, "description": form.description.data,
        "description_en": form.description_en.data, "branch": services.chosen_branch(form.branch_id.data),
    }


@bp.route("/series/new", methods=["GET", "POST"])
@role_required("staff")
def new_series():
    form = SeriesForm()
    form.set_branches(_branch_choices(), current_locale())
    return _form_view(
        form, lambda: services.create_series(actor=current_user, **_series_values(form)),
        lambda name: _("The series “%(name)s” is saved.", name=name),
        lambda row: see_other("places.series", series_id=row.id),
        heading=_("New series"), back=("places.series_list", _("Series")), action=url_for("places.new_series")
    )


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_series(series_id: int):
    series = db.get_or_404(Series, series_id)
    branch_rule.guard(current_user, series.branch_id)
    form = SeriesForm(obj=series)
    form.set_branches(_branch_choices(series.branch), current_locale())
    return _form_view(
        form, lambda: services.update_series(series, actor=current_user, **_series_values(form)),
        lambda name: _("The series “%(name)s” is saved.", name=name),
        lambda row: see_other("places.series", series_id=row.id),
        heading=_("Edit the series “%(name)s”", name=series.display_name(current_locale())),
        back=("places.series_list", _("Series")), action=url_for("places.edit_series", series_id=series.id),
    )


@bp.route("/series/<int:series_id>/cover", methods=["GET", "POST"])
@role_required("staff")
@accepts_upload(cover_pages.UPLOAD_REQUEST_MAX)
def series_cover(series_id: int):
    """The picture every session of the series shows unless it has its own."""
    series = db.get_or_404(Series, series_id)
    branch_rule.guard(current_user, series.branch_id)
    name = series.display_name(current_locale())
    return cover_pages.edit_cover(
        series,
        heading=_("Cover image of the series “%(name)s”", name=name),
        explanation=_("The picture every session of the series shows on its card, its page and in the preview of a shared link, unless the session has its own."),
        trail=[(url_for("places.series_list"), _("Series")), (url_for("places.series", series_id=series.id), name)],
        shown=covers.uploaded(series),
        action=url_for("places.series_cover", series_id=series.id),
        remove_action=url_for("places.remove_series_cover", series_id=series.id),
        done=lambda: see_other("places.series_cover", series_id=series.id),
    )


@bp.post("/series/<int:series_id>/cover/remove")
@role_required("staff")
def remove_series_cover(series_id: int):
    series = db.get_or_404(Series, series_id)
    branch_rule.guard(current_user, series.branch_id)
    return cover_pages.remove_cover(series, lambda: see_other("places.series_cover", series_id=series.id))


# --- partners (staff) ------------------------------------------------------------------------------


@bp.get("/partners")
@role_required("staff")
def partners():
    found = page_of(services.partners_in_order(), request.args.get("page"), PER_PAGE)
    return render_template("places/partners.html", rows=services.with_event_counts(found.items), pagination=found)


@bp.route("/partners/new", methods=["GET", "POST"])
@role_required("staff")
def new_partner():
    form = PartnerForm()
    return _form_view(
        form, lambda: services.create_partner(name=form.name.data, name_en=form.name_en.data, actor=current_user),
        lambda name: _("The partner “%(name)s” is saved.", name=name),
        lambda row: see_other("places.partners"),
        heading=_("New partner"), back=("places.partners", _("Partners")), action=url_for("places.new_partner")
    )


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@role_required("staff")
def edit_partner(partner_id: int):
    partner = db.get_or_404(Partner, partner_id)
    form = PartnerForm(obj=partner)
    return _form_view(
        form, lambda: services.update_partner(
            partner, name=form.name.data, name_en=form.name_en.data, actor=current_user
        ),
        lambda name: _("The partner “%(name)s” is saved.", name=name),
        lambda row: see_other("places.partners"),
        heading=_("Edit the partner “%(name)s”", name=partner.display_name(current_locale())),
        back=("places.partners", _("Partners")), action=url_for("places.edit_partner", partner_id=partner.id),
    )

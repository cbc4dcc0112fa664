"""The staff dashboard of attendance totals (/reports) and the list of events behind each figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from outreach import clock
from outreach.accounts import branches
from outreach.accounts.permissions import role_required
from outreach.events.models import Event
from outreach.places.models import Venue
from outreach.extensions import db
from outreach.forms import attach_errors
from outreach.i18n import current_locale
from outreach.reports import charts, services
from outreach.outposts import services as outposts
from outreach.reports.annual import statistics_return
from outreach.reports.query import DashboardForm, read_report_args
from outreach.reports.settings import retention_months
from outreach.text import clean_text
from outreach.timezone import local_date
from outreach.years import whole_number

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: The breakdowns the dashboard shows, in order; the first three with a chart.
BREAKDOWNS = ("type", "branch", "month", "venue", "series")
BREAKDOWN_TITLES = {
    "type": _l("By type"), "branch": _l("By branch"), "month": _l("By month"), "venue": _l("By venue"),
    "series": _l("By series"),
}
PAGE_SIZE = 50
#: A row of these groupings narrows the events list by this argument.
_ROW_FILTER = {"type": "type", "branch": "branch_id", "venue": "venue_id", "series": "series_id",
               "audience": "audience"}


@dataclass
class Headline:
    label: str
    value: str
    previous: str
    href: str
    previous_href: str


def _today() -> date:
    return local_date(clock.now())


def _number(value) -> str:
    return format_decimal(value)


def _percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%")


def _args_of(query: services.ReportQuery, **extra) -> dict:
    return {"from": query.start.isoformat(), "to": query.end.isoformat(), **query.filters(), **extra}


def row_args(query: services.ReportQuery, group_by: str, key: str) -> dict | None:
    """The events-list arguments of one row of a breakdown (None for a "none" row)."""
    if group_by == "month":
        first = date.fromisoformat(key + "-01")
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return {**_args_of(query), "from": max(first, query.start).isoformat(), "to": min(last, query.end).isoformat()}
    if key == services.NONE_KEY:
        return None
    return _args_of(query, **{_ROW_FILTER[group_by]: key})


@bp.get("", strict_slashes=False)
@role_required("staff")
def dashboard():
    locale = current_locale()
    form = DashboardForm(request.args)
    form.fill_choices(locale)
    if "branch_id" not in request.args and branches.home_branch(current_user):
        # a branch's staff see their branch's figures first; "All" (branch_id=) shows the library's
        form.branch_id.data = str(branches.home_branch(current_user))
    form.validate()
    args, errors = form.report_args(_today())
    query = None
    if not errors:
        query, _group, query_errors = read_report_args(args, today=_today())
        errors = {{"from": "start", "to": "end"}.get(k, k): v for k, v in query_errors.items()}
    if errors:
        attach_errors(form, errors)
        return render_template("reports/dashboard.html", form=form, query=None), 200

    now = clock.now()
    last_query = query.last_year()
    reports = services.attendance_reports(query, (*BREAKDOWNS, services.READER_TYPE), now=now)
    this = reports["type"]
    last = services.attendance_report(last_query, "month", now=now)
    volunteers, last_volunteers = services.volunteer_figures(query), services.volunteer_figures(last_query)
    events_href = url_for("reports.events", **_args_of(query))
    last_href = url_for("reports.events", **_args_of(last_query))

    def headline(label, value, previous) -> Headline:
        return Headline(label, value, previous, events_href, last_href)

    t, p = this.totals, last.totals
    headlines = [
        headline(_("Events held"), _number(t.events), _number(p.events)),
        headline(_("Person-visits"), _number(t.attendance), _number(p.attendance)),
        headline(_("Unique people"), _number(this.unique_people), _number(last.unique_people)),
        headline(_("Registered"), _number(t.registered), _number(p.registered)),
        headline(_("Checked in"), _number(t.checked_in), _number(p.checked_in)),
        headline(_("Walk-ins"), _number(t.walk_ins), _number(p.walk_ins)),
        headline(_("No-shows"), _number(t.no_shows), _number(p.no_shows)),
        headline(_("No-show rate"), _percent(t.no_show_rate), _percent(p.no_show_rate)),
        headline(_("Capacity filled"), _percent(t.capacity_filled), _percent(p.capacity_filled)),
        headline(_("Volunteers"), _number(volunteers.volunteers), _number(last_volunteers.volunteers)),
        headline(_("Volunteer hours"), format_decimal(volunteers.hours, "#,##0.##"),
                 format_decimal(last_volunteers.hours, "#,##0.##")),
    ]
    return render_template(
        "reports/dashboard.html",
        form=form, query=query, last_query=last_query, headlines=headlines, reports=reports,
        breakdowns=BREAKDOWNS, breakdown_titles=BREAKDOWN_TITLES, grouping_labels=services.GROUPING_LABELS, row_args=row_args,
        charts=_charts(reports, last), statistics=statistics_return(reports[services.READER_TYPE]),
        retention=retention_months(),
        export_args=_args_of(query),
        place_visits=[row for row in outposts.visits_by_place(query.start, query.end)
                      if query.branch_id is None or row.branch.id == query.branch_id],
    )


def _charts(reports: dict, last: services.AttendanceReport) -> dict:
    """Person-visits by type and by branch, and by month beside the same months a year before."""
    made = {}
    for group_by, title in (("type", _("Person-visits by type")), ("branch", _("Person-visits by branch"))):
        rows = reports[group_by].rows
        if rows:
            made[group_by] = charts.bar_chart([(r.label, r.attendance) for r in rows], title=title)
    months = reports["month"].rows
    if months:
        before = {r.key: r.attendance for r in last.rows}
        made["month"] = charts.grouped_bar_chart(
            [r.label for r in months],
            [(_("This period"), [r.attendance for r in months]),
             (_("A year before"), [before.get(_year_before_key(r.key), 0) for r in months])],
            title=_("Person-visits by month"),
        )
    return made


def _year_before_key(month_key: str) -> str:
    year, month = month_key.split("-")
    return f"{int(year) - 1:04d}-{month}"


@bp.get("/events")
@role_required("staff")
def events():
    """The events behind a figure: counted in the period (neither draft nor cancelled, starting
    in it), matching the filters and the title search, 50 a page, each with its figures."""
    query, _group, errors = read_report_args(request.args, today=_today(), groupings=())
    search = clean_text(request.args.get("q") or "")[:100]
    page = whole_number(request.args.get("page"), minimum=1, maximum=99_999) or 1
    if errors:
        return render_template("reports/events.html", errors=errors, query=None, search=search), 422
    starts, ends = services.period_bounds(query.start, query.end)
    conditions = [Event.starts_at >= starts, Event.starts_at < ends, *services.event_conditions(query)]
    if search:
        conditions.append(or_(Event.title.contains(search, autoescape=True),
                              Event.title_en.contains(search, autoescape=True)))
    base = select(Event).join(Venue, Venue.id == Event.venue_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    listed = db.session.scalars(
        base.options(joinedload(Event.venue).joinedload(Venue.branch))
        .order_by(Event.starts_at.desc(), Event.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    figures = services.event_figures(query, [e.id for e in listed])
    args = {k: v for k, v in request.args.items() if k not in ("page", "lang")}
    return render_template(
        "reports/events.html", query=query, events=listed, figures=figures, search=search, page=page,
        pages=pages, total=total, args=args, errors=None,
        page_total=_page_total(figures),
    )


def _page_total(figures: dict) -> services.Figures:
    total = services.Figures()
    for value in figures.values():
        total.add(value)
    return total

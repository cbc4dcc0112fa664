"""Reading a report's query (period, grouping, filters) from a query string: the same rules
for the API, its exports and the staff pages. Shape only; the counting is in services."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from outreach.api.helpers import read_date_arg
from outreach.events.labels import AUDIENCE_LABELS, EVENT_TYPE_LABELS
from outreach.events.models import AUDIENCES, EVENT_TYPES
from outreach.places.models import Branch, Series, Venue
from outreach.extensions import db
from outreach.forms import Form, choices
from outreach.reports.services import GROUPINGS, ReportQuery
from outreach.years import whole_number

#: The longest period a report covers (its month rows stay a readable list).
MAX_DAYS = 366 * 10

_MODELS = {"branch_id": (Branch, _l("No such branch.")), "series_id": (Series, _l("No such series.")),
           "venue_id": (Venue, _l("No such venue."))}


def read_report_args(args, *, today: date, groupings=GROUPINGS) -> tuple[ReportQuery | None, str | None, dict]:
    """``(query, group_by, errors)`` from ``from``, ``to``, ``group_by``, ``branch_id``, ``type``,
    ``series_id``, ``venue_id`` and ``audience``; the period defaults to this year. With
    errors (a message per field), the query is None."""
    errors: dict = {}
    start = read_date_arg("from", errors, args) or date(today.year, 1, 1)
    end = read_date_arg("to", errors, args) or date(start.year, 12, 31)
    if "from" not in errors and "to" not in errors:
        if end < start:
            errors["to"] = _l("The last day comes before the first.")
        elif (end - start).days > MAX_DAYS:
            errors["to"] = _l("Choose a period of at most ten years.")
    group_by = args.get("group_by") or None
    if group_by is not None and group_by not in groupings:
        errors["group_by"] = _l("Choose one of: %(choices)s.", choices=", ".join(groupings))
    filters: dict = {}
    for name, (model, missing) in _MODELS.items():
        value = args.get(name)
        if not value:
            continue
        number = whole_number(value, minimum=1)
        if number is None:
            errors[name] = _l("Give a whole number.")
        elif db.session.scalar(select(model.id).where(model.id == number)) is None:
            errors[name] = missing
        else:
            filters[name] = number
    for name, allowed in (("type", EVENT_TYPES), ("audience", AUDIENCES)):
        value = args.get(name)
        if not value:
            continue
        if value not in allowed:
            errors[name] = _l("Choose one of: %(choices)s.", choices=", ".join(allowed))
        else:
            filters[name] = value
    if errors:
        return None, group_by, errors
    return ReportQuery(start, end, **filters), group_by, {}


# --- the dashboard's form (a GET form: it works without JavaScript and its address can be shared) ---

PERIODS = ("this_month", "last_month", "this_year", "last_year", "custom")
PERIOD_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_year": _l("This year"),
    "last_year": _l("Last year"),
    "custom": _l("Dates I choose"),
}


def period_dates(period: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around ``today``."""
    if period == "this_month":
        start = today.replace(day=1)
    elif period == "last_month":
        start = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    elif period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    else:
        return date(today.year, 1, 1), date(today.year, 12, 31)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return start, end


#: The one message for a date that cannot be read, whether WTForms or the query reader finds it.
DATE_MESSAGE = _l("Give a date as YYYY-MM-DD.")


class DashboardForm(Form):
    class Meta:
        csrf = False  # a GET form that only reads

    period = SelectField(_l("Period"), choices=choices(PERIOD_LABELS.items()), default="this_year")
    start = DateField(_l("From"), name="from", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    end = DateField(_l("To (included)"), name="to", validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    branch_id = SelectField(_l("Branch"), validators=[Optional()])
    type = SelectField(_l("Type"), validators=[Optional()])
    series_id = SelectField(_l("Series"), validators=[Optional()])
    audience = SelectField(_l("Audience"), validators=[Optional()])

    def fill_choices(self, locale: str) -> None:
        everything = [("", _l("All"))]
        self.branch_id.choices = choices(everything + [
            (str(b.id), b.display_name(locale)) for b in db.session.scalars(select(Branch).order_by(Branch.name))])
        self.series_id.choices = choices(everything + [
            (str(s.id), s.display_name(locale)) for s in db.session.scalars(select(Series).order_by(Series.name))])
        self.type.choices = choices(everything + list(EVENT_TYPE_LABELS.items()))
        self.audience.choices = choices(everything + list(AUDIENCE_LABELS.items()))

    def report_args(self, today: date) -> tuple[dict, dict]:
        """The query-string arguments of the chosen period and filters (``from``, ``to`` and
        the filters set), and a message per field that is wrong."""
        errors: dict = {}
        period = self.period.data if self.period.data in PERIODS else "this_year"
        if not self.period.raw_data and (self.start.raw_data or self.end.raw_data):
            period = self.period.data = "custom"  # a shared address with dates only
        if period == "custom":
            if self.start.data is None:
                errors["start"] = DATE_MESSAGE
            if self.end.data is None:
                errors["end"] = DATE_MESSAGE
            start, end = self.start.data, self.end.data
        else:
            start, end = period_dates(period, today)
        args = {"from": start.isoformat() if start else "", "to": end.isoformat() if end else ""}
        for name in ("branch_id", "type", "series_id", "audience"):
            if getattr(self, name).data:
                args[name] = getattr(self, name).data
        return args, errors

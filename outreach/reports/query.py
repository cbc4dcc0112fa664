"""Reading a report's query (period, grouping, filters) from a query string: the same rules
for the API, its exports and the staff pages. Shape only; the counting is in services."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from outreach.events.models import AUDIENCES, EVENT_TYPES, Branch, Series, Venue
from outreach.extensions import db
from outreach.reports.services import GROUPINGS, ReportQuery

#: The longest period a report covers (its month rows stay a readable list).
MAX_DAYS = 366 * 10

_MODELS = {"branch_id": (Branch, _l("No such branch.")), "series_id": (Series, _l("No such series.")),
           "venue_id": (Venue, _l("No such venue."))}


def read_report_args(args, *, today: date, groupings=GROUPINGS) -> tuple[ReportQuery | None, str | None, dict]:
    """``(query, group_by, errors)`` from ``from``, ``to``, ``group_by``, ``branch_id``, ``type``,
    ``series_id``, ``venue_id`` and ``audience``; the period defaults to this year. With
    errors (a message per field), the query is None."""
    errors: dict = {}
    start = _date(args, "from", errors) or date(today.year, 1, 1)
    end = _date(args, "to", errors) or date(start.year, 12, 31)
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
        if not value.isdigit() or not 0 < int(value) < 2**31:
            errors[name] = _l("Give a whole number.")
        elif db.session.scalar(select(model.id).where(model.id == int(value))) is None:
            errors[name] = missing
        else:
            filters[name] = int(value)
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


def _date(args, name: str, errors: dict) -> date | None:
    value = args.get(name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _l("Give a date as YYYY-MM-DD.")
        return None

"""The audit log's filters as a query string gives them (the page and the API read them alike)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from outreach.api.helpers import read_date_arg
from outreach.audit import services
from outreach.text import clean_text

#: The largest page number and event id a query string may name (beyond are refused, not looked up).
_MAX_NUMBER = 10**9


def read_query(args) -> tuple[services.AuditQuery, int, dict, dict]:
    """The filters in ``args`` (the query string): the query, the page, the messages for the
    filters that cannot be read, and the filters as given (to show them again)."""
    errors: dict = {}
    given = {name: clean_text(args.get(name) or "")[:200] for name in ("who", "what", "from", "to", "event")}
    start = read_date_arg("from", errors, args)
    end = read_date_arg("to", errors, args)
    if start and end and end < start:
        errors["to"] = _l("The end date is before the start date.")
    kind = given["what"] or None
    if kind is not None and kind not in services.KINDS:
        errors["what"] = _l("Choose from the list.")
    event_id = _number(given["event"], "event", errors)
    actor_ids = services.find_actors(given["who"]) if given["who"] else None
    page = _number(args.get("page") or "", "page", {}) or 1
    query = services.AuditQuery(actor_ids=actor_ids, kind=kind, start=start, end=end, event_id=event_id)
    return query, page, errors, given


def _number(text: str, name: str, errors: dict) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < _MAX_NUMBER:
        errors[name] = _l("Enter a whole number of 1 or more.")
        return None
    return int(text)

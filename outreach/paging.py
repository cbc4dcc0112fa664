"""Lists that stay bounded as the library grows: numbered pages for the pages people read, and a
cursor (keyset paging) for the JSON API, whose clients walk a list to its end.

A page (``page_of``) is Flask-SQLAlchemy's ``Pagination``: one query counts, one reads the page,
whatever the length of the list. A window (``window_of``) reads ``limit + 1`` rows after the
cursor in the list's order and no count at all: its cost is the same on the first window and on
the thousandth, where ``OFFSET`` would read and skip every row before it. The cursor is the last
row's sort key, encoded (not signed: it only says where to resume, and every value in it is
checked and bound as a parameter)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, false, literal, or_
from sqlalchemy.sql.elements import ColumnElement

from outreach.extensions import db

#: The most rows a client may ask for in one window of an API list.
MAX_LIMIT = 200
#: The highest page number read from a query string; past it is the first page.
MAX_PAGE = 1_000_000


def page_number(value) -> int:
    """A page number from a query string: anything but a whole number from 1 is page 1."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_PAGE else 1


def page_of(stmt: Select, page, per_page: int) -> Pagination:
    """One page of ``stmt`` (which must be ordered to the last, unique column, so that no row is
    shown twice or skipped) and the count of all its rows. ``page`` is read with ``page_number``;
    a page past the last shows the last (it costs a third query, only then)."""
    number = page_number(page)
    found = db.paginate(stmt, page=number, per_page=per_page, max_per_page=per_page, error_out=False)
    if number > 1 and number > found.pages:
        found = db.paginate(stmt, page=max(found.pages, 1), per_page=per_page, max_per_page=per_page, error_out=False)
    return found


class BadCursor(ValueError):
    """The cursor given was not made by this list."""


@dataclass(frozen=True)
class Window:
    """At most ``limit`` rows of a list, and the cursor of the rows after them (None at the end)."""

    items: list
    next_cursor: str | None


def window_of(stmt: Select, order: Sequence[ColumnElement], *, cursor: str | None, limit: int,
              descending: bool = False) -> Window:
    """The ``limit`` rows of ``stmt`` that follow ``cursor`` in the order of the ``order`` columns
    (all ascending, or all descending), one query. The columns must be mapped attributes of the
    entity ``stmt`` selects, never NULL, and the last one unique (the id), so that the order is
    total. Raises ``BadCursor`` for a cursor this list could not have written."""
    if cursor:
        values = decode_cursor(cursor, order)
        stmt = stmt.where(_after(order, values, descending))
    stmt = stmt.order_by(*(column.desc() if descending else column for column in order))
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    if len(rows) <= limit:
        return Window(rows, None)
    rows = rows[:limit]
    return Window(rows, encode_cursor([getattr(rows[-1], column.key) for column in order]))


def encode_cursor(values: Sequence) -> str:
    """The opaque text of a cursor: the last row's sort values, as URL-safe base64 of JSON."""
    data = json.dumps([value.isoformat() if isinstance(value, date) else value for value in values],
                      separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(data.encode()).decode().rstrip("=")


def decode_cursor(text: str, order: Sequence[ColumnElement]) -> list:
    """The sort values in ``text``, each of its column's Python type; ``BadCursor`` otherwise."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(raw.decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadCursor(text) from None
    if not isinstance(values, list) or len(values) != len(order):
        raise BadCursor(text)
    return [_typed(value, column) for value, column in zip(values, order, strict=True)]


def _typed(value, column: ColumnElement):
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator's is its impl's
    try:
        if kind is datetime:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise BadCursor(value)
            return parsed
        if kind is date:
            return date.fromisoformat(value)
        if kind is int and isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63:
            return value
        if kind is str and isinstance(value, str):
            return value
    except (TypeError, ValueError):
        pass
    raise BadCursor(value)


def _after(order: Sequence[ColumnElement], values: list, descending: bool) -> ColumnElement:
    """Rows after ``values`` in the order: (a > x) or (a = x and b > y) or …, written out rather
    than as a row-value comparison so that every database uses the first column's index."""
    terms = []
    for n, column in enumerate(order):
        bound = literal(values[n], column.type)
        beyond = column < bound if descending else column > bound
        equal = [order[k] == literal(values[k], order[k].type) for k in range(n)]
        terms.append(and_(*equal, beyond))
    return or_(false(), *terms)

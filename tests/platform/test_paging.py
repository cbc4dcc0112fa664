"""Bounded lists (outreach/paging.py): a cursor walks a list to its end without showing a row
twice or skipping one, even where the sort key ties; every window costs one query; a cursor
that the list did not write is refused; a page past the last shows the last."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.paging import (
    BadCursor,
    decode_cursor,
    encode_cursor,
    page_number,
    page_of,
    window_of,
)
from tests.helpers import count_statements, in_days

ORDER = (Event.starts_at, Event.id)


@pytest.fixture
def events(make_event, make_venue):
    """25 events on 5 days, five at the same time each day (in five rooms): the start time ties."""
    made = []
    for day in range(5):
        for _ in range(5):
            made.append(make_event(starts_at=in_days(day + 1), venue=make_venue()))
    return sorted(made, key=lambda e: (e.starts_at, e.id))


def walk(limit: int, descending: bool = False) -> tuple[list[list[int]], list[int]]:
    """Every window of the list in turn, and the statements each one cost."""
    windows, costs, cursor = [], [], None
    while True:
        with count_statements() as counted:
            found = window_of(select(Event), ORDER, cursor=cursor, limit=limit, descending=descending)
        windows.append([e.id for e in found.items])
        costs.append(counted.n)
        cursor = found.next_cursor
        if cursor is None:
            return windows, costs


def test_a_cursor_walks_the_whole_list_in_order_through_ties(app, events):
    windows, costs = walk(7)
    assert [len(w) for w in windows] == [7, 7, 7, 4]
    assert [i for w in windows for i in w] == [e.id for e in events]
    assert costs == [1, 1, 1, 1]


def test_descending_and_an_exact_last_window(app, events):
    windows, _ = walk(5, descending=True)
    assert [len(w) for w in windows] == [5, 5, 5, 5, 5]  # the fifth window knows it is the last
    assert [i for w in windows for i in w] == [e.id for e in reversed(events)]


def test_the_cursor_round_trips_the_sort_values(app, events):
    last = events[3]
    text = encode_cursor([last.starts_at, last.id])
    assert "=" not in text and "/" not in text and "+" not in text
    assert decode_cursor(text, ORDER) == [last.starts_at, last.id]


@pytest.mark.parametrize("text", [
    "not base64!",
    base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["2026-03-01T09:00:00+08:00"]).encode()).decode(),  # one value, two columns
    base64.urlsafe_b64encode(json.dumps(["2026-03-01T09:00:00", 3]).encode()).decode(),  # a time without its zone
    base64.urlsafe_b64encode(json.dumps(["yesterday", 3]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["2026-03-01T09:00:00+08:00", "3"]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["2026-03-01T09:00:00+08:00", True]).encode()).decode(),
    base64.urlsafe_b64encode(json.dumps(["2026-03-01T09:00:00+08:00", 2**70]).encode()).decode(),
])
def test_a_cursor_the_list_did_not_write_is_refused(app, text):
    with pytest.raises(BadCursor):
        decode_cursor(text, ORDER)


@pytest.mark.parametrize(("value", "number"), [(None, 1), ("", 1), ("3", 3), ("0", 1), ("-2", 1), ("x", 1),
                                                ("1000001", 1), ("2.5", 1)])
def test_page_number(value, number):
    assert page_number(value) == number


def test_a_page_past_the_last_shows_the_last(app, events):
    stmt = select(Event).order_by(*ORDER)
    page = page_of(stmt, "9", per_page=10)
    assert (page.page, page.pages, page.total) == (3, 3, 25)
    assert [e.id for e in page.items] == [e.id for e in events[20:]]
    first = page_of(stmt, None, per_page=10)
    assert [e.id for e in first.items] == [e.id for e in events[:10]]


def test_an_empty_list_has_one_empty_page(app):
    page = page_of(select(Event).order_by(*ORDER), "4", per_page=10)
    assert (page.page, page.total, page.items) == (1, 0, [])
    assert window_of(select(Event), ORDER, cursor=None, limit=10).items == []


def test_rows_added_before_the_cursor_do_not_shift_the_next_window(app, events, make_event):
    """Unlike an offset, a cursor resumes after the last row seen, whatever was added before it."""
    first = window_of(select(Event), ORDER, cursor=None, limit=10)
    make_event(starts_at=events[0].starts_at - timedelta(days=1))
    db.session.commit()
    second = window_of(select(Event), ORDER, cursor=first.next_cursor, limit=10)
    assert [e.id for e in second.items] == [e.id for e in events[10:20]]

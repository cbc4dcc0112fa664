"""Fixtures of the weekly-event tests: a frozen clock (1 September 2026, 10:00 library time)
and a factory of 三点半课堂 patterns in rooms of their own."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from outreach import clock
from outreach.extensions import db

#: Tuesday 1 September 2026, 10:00 in Liling (02:00 UTC).
NOW = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    state = {"now": NOW}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


@pytest.fixture
def make_class(app, make_venue):
    """A published weekday class at 15:30-16:30 from ``starts_on`` to ``ends_on``."""
    from outreach.recurrences.services import create_recurrence

    def factory(**overrides):
        values = {
            "weekdays": "12345", "starts_on": date(2026, 9, 7), "ends_on": date(2026, 9, 18),
            "start_time": time(15, 30), "end_time": time(16, 30), "exceptions": [],
            "type": "class", "title": "三点半课堂", "title_en": "Half-Past-Three Class", "status": "published",
            "capacity": 30, "max_party_size": 1, "audience": "children", **overrides,
        }
        if "venue" not in values:
            values["venue"] = make_venue()
        recurrence = create_recurrence(**values)
        db.session.commit()
        return recurrence

    return factory

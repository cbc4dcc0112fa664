"""A school's visit request, the room it may be held in, and the staff who answer it."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from outreach import clock
from outreach.extensions import db
from outreach.visits import services


@pytest.fixture(autouse=True)
def spring(monkeypatch):
    """2027-03-01 12:00 library time."""
    monkeypatch.setattr(clock, "now", lambda: datetime(2027, 3, 1, 4, 0, tzinfo=timezone.utc))


@pytest.fixture
def room(make_venue):
    return make_venue(name="少儿阅览室", name_en="Children's reading room", capacity=80)


@pytest.fixture
def staff(make_user):
    return make_user("staff", name="馆员小王")


def request_values(**overrides) -> dict:
    values = {
        "organisation": "南门中学", "kind": "school", "contact_name": "李老师", "phone": "13712345678",
        "email": "teacher@example.org", "preferred": [{"date": date(2027, 3, 10), "part": "morning"}],
        "children": 42, "adults": 3, "ages": "初一", "wish": "topic", "topic": "古籍修复", "needs": "一位同学坐轮椅",
        "consent": True,
    }
    values.update(overrides)
    return values


@pytest.fixture
def make_request(app):
    def factory(locale="zh_Hans", **overrides):
        visit, token = services.submit(request_values(**overrides), locale=locale)
        db.session.commit()
        return visit, token

    return factory

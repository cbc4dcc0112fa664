"""A volunteer's lists cost the same number of SQL statements with 5 shifts as with 50: the
shifts' states, places taken, waiting places, events and venues are read in one pass."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from outreach.extensions import db
from outreach.volunteers import services
from tests.helpers import count_statements, local

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def busy(make_event, make_shift, make_volunteer):
    """A volunteer, another who fills one-slot shifts first, and ``add(n)`` to give them ``n``
    more shifts of each kind: signed up, waiting, open, needing a training, overlapping."""
    me = make_volunteer("刘晓燕")
    other = make_volunteer("王芳")
    day = [0]

    def add(n: int) -> None:
        for _ in range(n):
            day[0] += 1
            start = local(2026, 3, 3, 9) + timedelta(days=day[0])
            event = make_event(title=f"讲座 {day[0]}", starts_at=start, ends_at=start + timedelta(hours=2))
            opens = {"signup_opens_at": local(2026, 3, 1)}
            mine = make_shift(event, start=start, slots=3, **opens)
            waiting = make_shift(event, start=start + timedelta(hours=2), slots=1, role="引导", **opens)
            make_shift(event, start=start + timedelta(hours=1), slots=2, role="拍照", required_topic="摄影", **opens)
            services.sign_up(mine, me)
            services.sign_up(waiting, other)
            services.sign_up(waiting, me)
        db.session.commit()

    return me, add


def counted(client, path: str, **kwargs) -> int:
    with count_statements() as counted:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return counted.n


def test_the_volunteers_own_page(client, login, busy):
    me, add = busy
    login(me.user)
    add(5)
    small = counted(client, "/volunteer/me")
    add(45)
    assert counted(client, "/volunteer/me") == small
    # The page shows a month: March's and April's hold the 50 days of shifts.
    html = "".join(client.get(f"/volunteer/me?lang=en&month={month}").get_data(as_text=True)
                   for month in ("2026-03", "2026-04"))
    assert html.count("You are number 1 on the waiting list.") == 50  # the other volunteer holds the slot


@pytest.mark.parametrize("who", ["volunteer", "staff"])
def test_the_shifts_api(client, busy, make_user, api_token, who):
    me, add = busy
    headers = api_token(me.user) if who == "volunteer" else api_token(make_user("staff"))
    path = "/api/v1/shifts?from=2026-03-03&to=2026-06-30"
    add(5)
    small = counted(client, path, headers=headers)
    add(45)
    assert counted(client, path, headers=headers) == small
    shifts = client.get(path, headers=headers).get_json()["shifts"]
    assert len(shifts) == 150
    if who == "volunteer":
        assert sorted({s["state"] for s in shifts}) == ["needs_training", "signed_up", "waitlisted"]


def test_the_staff_lists_of_volunteers_and_shifts(client, login, make_user, make_volunteer, busy):
    """Staff's list of every volunteer (names, hours this year) and of upcoming shifts."""
    _me, add = busy
    login(make_user("staff"))
    for n in range(5):
        make_volunteer(f"志愿者{n}")
    add(5)
    small = (counted(client, "/staff/volunteers/"), counted(client, "/staff/volunteers/shifts"))
    for n in range(5, 50):
        make_volunteer(f"志愿者{n}")
    add(45)
    assert (counted(client, "/staff/volunteers/"), counted(client, "/staff/volunteers/shifts")) == small
    # The active volunteers come in pages of 25 (the two of ``busy`` and these 50).
    pages = "".join(client.get(f"/staff/volunteers/?active_page={n}").get_data(as_text=True) for n in (1, 2, 3))
    assert len(set(re.findall(r"志愿者\d+", pages))) == 50

"""Fixtures of the events tests: a signed-in member of staff and a lecture hall at a branch."""

from __future__ import annotations

import pytest


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


@pytest.fixture
def hall(make_venue, make_branch):
    return make_venue(branch=make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch"), name="报告厅", name_en="Lecture hall")

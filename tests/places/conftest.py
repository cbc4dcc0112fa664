"""Fixtures of the places tests: signed-in admins and staff, and a library with two branches."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin(make_user, login):
    user = make_user("admin", name="管理员")
    login(user)
    return user


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff", name="馆员")
    login(user)
    return user


@pytest.fixture
def central(make_branch):
    return make_branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central", address="醴陵市西山路1号")


@pytest.fixture
def xinghai(make_branch):
    return make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")


@pytest.fixture
def hall(make_venue, central):
    return make_venue(branch=central, name="报告厅", name_en="Lecture hall", kind="hall", capacity=200)


@pytest.fixture
def forum_room(make_venue, xinghai):
    return make_venue(branch=xinghai, name="讲坛活动室", name_en="Forum room", capacity=60)

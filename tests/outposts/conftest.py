"""A village reading room with its room and keeper, and another place with its own keeper."""

from __future__ import annotations

from itertools import count

import pytest

from outreach.accounts.services import create_user
from outreach.extensions import db
from tests.helpers import PASSWORD

_seq = count(1)


@pytest.fixture
def village(make_branch, make_venue):
    branch = make_branch(name="东岗农家书屋", name_en="Donggang Village Reading Room", kind="village")
    make_venue(branch=branch, name="东岗农家书屋阅览室", name_en="Donggang Reading Room", capacity=40)
    return branch


@pytest.fixture
def bus(make_branch):
    """The book bus: no room yet (its first activity makes one)."""
    return make_branch(name="流动汽车图书屋", name_en="Mobile Book Bus", kind="mobile")


@pytest.fixture
def make_keeper(app):
    def factory(branch, **attrs):
        user = create_user(f"keeper{next(_seq)}@example.org", role="keeper", password=PASSWORD,
                           name=attrs.pop("name", "李管理员"), branch_id=branch.id)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def keeper(village, make_keeper):
    return make_keeper(village)

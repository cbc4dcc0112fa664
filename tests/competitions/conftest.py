"""Fixtures for competitions: a competition with its rubric, judges and rounds, sittings,
contestants registered through the ordinary registration service, and judges' score sheets.

The defaults are the hand-checkable rubric of the service tests: three criteria weighted
50/30/20, each marked out of 10, and five judges; a preliminary round (top 3 advance) and a
final (awards 一等奖 1, 二等奖 1, 三等奖 2).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest

from outreach.extensions import db
from tests.conftest import in_days

_seq = count(1)

RUBRIC = [
    {"name": "内容", "name_en": "Content", "weight": 50, "max_score": 10},
    {"name": "语言表达", "name_en": "Delivery", "weight": 30, "max_score": 10},
    {"name": "仪态台风", "name_en": "Stage presence", "weight": 20, "max_score": 10},
]
JUDGES = ["王评委", "李评委", "张评委", "刘评委", "陈评委"]
ROUNDS = [
    {"name": "初赛", "name_en": "Preliminary", "advance_mode": "top", "advance_value": 3},
    {
        "name": "决赛", "name_en": "Final",
        "awards": [
            {"name": "一等奖", "name_en": "First prize", "places": 1},
            {"name": "二等奖", "name_en": "Second prize", "places": 1},
            {"name": "三等奖", "name_en": "Third prize", "places": 2},
        ],
    },
]


@pytest.fixture
def make_competition(app):
    """``make_competition(criteria=..., judges=..., rounds=..., title=...)`` → a committed
    Competition. ``judges`` is a list of names or a number; each round is a dict of
    ``add_round``'s keyword arguments."""
    from outreach.competitions import services

    def factory(*, criteria=RUBRIC, judges=JUDGES, rounds=ROUNDS, title=None, **fields):
        competition = services.create_competition(title=title or f"少儿故事大王 {next(_seq)}", **fields)
        services.set_criteria(competition, [dict(c) for c in criteria])
        names = [f"评委{i + 1}" for i in range(judges)] if isinstance(judges, int) else judges
        for name in names:
            services.add_judge(competition, name=name, affiliation="醴陵市作家协会")
        for spec in rounds:
            services.add_round(competition, **spec)
        db.session.commit()
        return competition

    return factory


@pytest.fixture
def make_sitting(app, make_venue):
    """``make_sitting(round, capacity=None, status="published", **add_sitting kwargs)`` → a
    committed sitting (event) in a venue of its own, a week ahead by default."""
    from outreach.competitions import services

    def factory(round_, *, venue=None, starts_at=None, status="published", capacity=None, **fields):
        starts_at = starts_at or in_days(7 + round_.position * 7, hour=2)
        sitting = services.add_sitting(
            round_, venue=venue or make_venue(), starts_at=starts_at,
            ends_at=fields.pop("ends_at", starts_at + timedelta(hours=3)), capacity=capacity, status=status,
            **fields,
        )
        db.session.commit()
        return sitting

    return factory


@pytest.fixture
def contestants_in(app):
    """``contestants_in(sitting, n, names=None, email=None)`` → n confirmed registrations
    of a published sitting, made by ``register`` with the contest answers filled in.
    Names default to 选手01, 选手02 ... (so that ordering by name is predictable)."""
    from outreach.registration.services import register

    def factory(sitting, n, *, names=None, email=None):
        start = next(_seq) * 100
        names = names or [f"选手{start + i:04d}" for i in range(1, n + 1)]
        registrations = []
        for i, name in enumerate(names):
            made = register(
                sitting, name=name, phone=f"138{start + i:08d}", email=email,
                answers={"school": f"南门小学{i % 3 + 1}", "grade": "三年级", "piece": f"故事{i + 1}"},
            )
            assert made.registration.status == "confirmed"
            registrations.append(made.registration)
        db.session.commit()
        return registrations

    return factory


@pytest.fixture
def score_all(app):
    """``score_all(round, sheets)`` enters and commits scores. ``sheets`` maps a
    registration to its sheets: one list of criterion scores per judge (in the
    competition's judge and criterion order), or one list used for every judge.
    ``None`` for a judge's sheet leaves that judge out; ``None`` inside a sheet leaves
    that criterion blank."""
    from outreach.competitions import services

    def factory(round_, sheets: dict):
        competition = round_.competition
        judges, criteria = competition.judges, competition.criteria
        by_judge: dict[int, dict] = {judge.id: {} for judge in judges}
        for registration, marks in sheets.items():
            if marks and not isinstance(marks[0], (list, tuple, type(None))):
                marks = [marks] * len(judges)
            for judge, sheet in zip(judges, marks):
                if sheet is None:
                    continue
                for criterion, value in zip(criteria, sheet):
                    if value is not None:
                        by_judge[judge.id][(registration.id, criterion.id)] = Decimal(str(value))
        for judge in judges:
            if by_judge[judge.id]:
                services.enter_scores(round_, judge, by_judge[judge.id])
        db.session.commit()

    return factory


@pytest.fixture
def staff_user(make_user):
    return make_user("staff")

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
from tests.competitions.helpers import NAMES, SHEETS_A, SHEETS_D
from tests.helpers import in_days

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


# --- a competition scored by hand (tests/competitions/helpers.py) ------------------------------


@pytest.fixture
def competition(make_competition):
    return make_competition()


@pytest.fixture
def prelim(competition):
    return competition.rounds[0]


@pytest.fixture
def final(competition):
    return competition.rounds[1]


@pytest.fixture
def field(prelim, make_sitting, contestants_in):
    """The six contestants of the preliminary, by name."""
    sitting = make_sitting(prelim)
    return dict(zip("ABCDEF", contestants_in(sitting, 6, names=NAMES, email="family@example.org")))


@pytest.fixture
def scored(prelim, field, score_all):
    """The preliminary scored by hand: B 90.00, A and D 83.67, C and E 80.00, F unscored."""
    score_all(prelim, {
        field["A"]: SHEETS_A, field["B"]: [9, 9, 9], field["C"]: [8, 8, 8],
        field["D"]: SHEETS_D, field["E"]: [8, 8, 8],
    })
    return field


# --- 少儿故事大王 with two schools, as the pages show it ------------------------------------


@pytest.fixture
def season(make_competition, make_sitting, contestants_in):
    """少儿故事大王: a preliminary (top 3 advance) with two published sittings at two schools and
    five contestants, and a final with one published sitting for 10."""
    competition = make_competition(
        title="少儿故事大王", title_en="Little Storytellers", description="讲一个好故事。",
        description_en="Tell a good story.",
    )
    prelim, final = competition.rounds
    school_a = make_sitting(prelim)
    school_b = make_sitting(prelim, starts_at=in_days(15, hour=6))
    final_sitting = make_sitting(final, capacity=10)
    people = contestants_in(school_a, 3, names=["选手A", "选手B", "选手C"], email="parent@example.org")
    people += contestants_in(school_b, 2, names=["选手D", "选手E"])
    return {
        "competition": competition, "prelim": prelim, "final": final, "school_a": school_a,
        "school_b": school_b, "final_sitting": final_sitting, "people": dict(zip("ABCDE", people)),
    }


@pytest.fixture
def scored_season(season, score_all):
    """Every judge's sheet of the preliminary: B 90.00, A 83.67, C 80.00, D 70.00, E 60.00."""
    p = season["people"]
    score_all(season["prelim"], {
        p["A"]: [[9, 8, 7], [8, 8, 8], [10, 9, 9], [7, 6, 5], [9, 9, 8]],
        p["B"]: [9, 9, 9], p["C"]: [8, 8, 8], p["D"]: [7, 7, 7], p["E"]: [6, 6, 6],
    })
    return season

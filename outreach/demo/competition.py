"""This year's 少儿故事大王 for the demo: a preliminary already held, scored, advanced and
published, and a final ahead with the advancing contestants registered.

Kept small (24 contestants, the best 8 advance) so that every number on the pages can be
checked by eye; the real contest had 800+ children and 57 finalists. Random choices come
from ``random.Random(2018)``, so two loads give the same names and scores.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from outreach import clock
from outreach.competitions import services
from outreach.competitions.models import Competition, Round
from outreach.demo import data
from outreach.events.models import Event
from outreach.places.models import Venue
from outreach.events.services import change_status
from outreach.extensions import db
from outreach.phone import phone_digest
from outreach.registration.models import Registration
from outreach.registration.tickets import new_ticket
from outreach.timezone import localize, local_date

SEED = 2018
RUBRIC = [
    # Judges mark each criterion out of its weight, as on the paper score sheets (内容 40分 ...).
    {"name": "内容", "name_en": "Content", "weight": 40, "max_score": 40},
    {"name": "语言表达", "name_en": "Delivery", "weight": 30, "max_score": 30},
    {"name": "仪态台风", "name_en": "Stage presence", "weight": 20, "max_score": 20},
    {"name": "时间把控", "name_en": "Timing", "weight": 10, "max_score": 10},
]
JUDGES = [
    ("周文华", "醴陵市作家协会"),
    ("刘春燕", "南门小学"),
    ("易建国", "醴陵市图书馆"),
    ("谭丽君", "株洲市朗诵艺术协会"),
    ("彭卫东", "新声代语言艺术"),
]
AWARDS = [
    {"name": "一等奖", "name_en": "First prize", "places": 1},
    {"name": "二等奖", "name_en": "Second prize", "places": 2},
    {"name": "三等奖", "name_en": "Third prize", "places": 3},
    {"name": "优秀奖", "name_en": "Merit award", "places": 2},
]
STORIES = ("小马过河", "龟兔赛跑", "司马光砸缸", "曹冲称象", "孔融让梨", "乌鸦喝水", "守株待兔", "愚公移山",
           "井底之蛙", "亡羊补牢", "拔苗助长", "狐假虎威")
#: (venue key, school, grades) of the preliminary's two sittings.
PRELIM_SITTINGS = (
    ("nanmen_primary", "南门小学", ("三年级", "四年级", "五年级", "六年级")),
    ("nanmen_middle", "南门中学", ("七年级", "八年级", "九年级")),
)
CONTESTANTS_PER_SITTING = 12
ADVANCING = 8


def load_competition(*, venues: dict[str, Venue], actor=None, today: date | None = None) -> Competition:
    """Build the competition. ``venues`` are the demo's venues by key ("nanmen_primary",
    "nanmen_middle", "taibeicheng"); ``today`` defaults to the library's date. The
    preliminary was last Sunday but one (at least a week ago), the final is on the
    Sunday at least 12 days ahead. Only flushes; the caller commits."""
    rng = random.Random(SEED)
    today = today or local_date(clock.now())
    prelim_day = today - timedelta(days=7 + (today.weekday() + 1) % 7)
    final_day = today + timedelta(days=12 + (6 - (today + timedelta(days=12)).weekday()) % 7)
    year = final_day.year

    competition = services.create_competition(
        title=f"{year}醴陵台北城杯“少儿故事大王”大奖赛",
        title_en=f"{year} Taibeicheng Cup Children's Storytelling Contest",
        description="全市小学和初中学生讲故事比赛：初赛在南门小学和南门中学同时举行，前八名进入决赛。",
        description_en=(
            "The city's storytelling contest for primary and middle-school pupils: the preliminary is held at "
            "two schools at once, and the best eight go through to the final."
        ),
        actor=actor,
    )
    services.set_criteria(competition, [dict(row) for row in RUBRIC], actor=actor)
    for name, affiliation in JUDGES:
        services.add_judge(competition, name=name, affiliation=affiliation, actor=actor)
    prelim = services.add_round(competition, name="初赛", name_en="Preliminary round", advance_mode="top",
                                advance_value=ADVANCING, actor=actor)
    final = services.add_round(competition, name="决赛", name_en="Final", awards=AWARDS, actor=actor)

    taken: set[str] = set()
    for key, school, grades in PRELIM_SITTINGS:
        sitting = services.add_sitting(
            prelim, venue=venues[key], starts_at=_at(prelim_day, 8, 30), ends_at=_at(prelim_day, 12, 0),
            capacity=300, status="published", actor=actor,
        )
        change_status(sitting, "completed", actor=actor)
        _contestants(sitting, school, grades, rng, taken)
    # The final takes no registrations from the public: its contestants come from the preliminary.
    services.add_sitting(
        final, venue=venues["taibeicheng"], starts_at=_at(final_day, 14, 30), ends_at=_at(final_day, 17, 0),
        capacity=60, status="published", registration_closes_at=_at(prelim_day, 12, 0), actor=actor,
    )
    _score(prelim, rng, actor)
    services.advance(prelim, actor=actor)
    services.publish_results(prelim, actor=actor)
    db.session.flush()
    return competition


def _at(day: date, hour: int, minute: int) -> datetime:
    return localize(datetime.combine(day, time(hour, minute)))


def _child_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(data.SURNAMES) + rng.choice(data.GIVEN_NAMES)
        if name not in data.REAL_NAMES and name not in taken:
            taken.add(name)
            return name


def _contestants(sitting: Event, school: str, grades: tuple[str, ...], rng: random.Random, taken: set[str]) -> None:
    """Registrations made before the preliminary (registration has closed since); ``taken``
    keeps the names used so far, so that no two children share one."""
    booked = sitting.starts_at - timedelta(days=10)
    for _ in range(CONTESTANTS_PER_SITTING):
        seed, _token, digest = new_ticket()
        phone = f"139{rng.randrange(10**8):08d}"
        db.session.add(Registration(
            event_id=sitting.id, ticket_digest=digest, ticket_seed=seed, status="confirmed",
            name=_child_name(rng, taken), phone=phone, phone_digest=phone_digest(phone), party_size=1,
            answers={"school": school, "grade": rng.choice(grades), "piece": rng.choice(STORIES)},
            consent_at=booked, confirmed_at=booked, created_at=booked,
        ))
    db.session.flush()


def _score(round_: Round, rng: random.Random, actor) -> None:
    """Every judge marks every criterion: a child's own level, give or take a judge's taste,
    in half marks."""
    competition = round_.competition
    people = services.contestants(round_)
    level = {registration.id: rng.uniform(0.62, 0.95) for registration in people}
    for judge in competition.judges:
        sheet = {}
        for registration in people:
            for criterion in competition.criteria:
                share = min(max(level[registration.id] + rng.uniform(-0.06, 0.06), 0), 1)
                sheet[registration.id, criterion.id] = (
                    Decimal(criterion.max_score) * Decimal(str(round(share, 3))) * 2
                ).quantize(Decimal(1)) / 2
        services.enter_scores(round_, judge, sheet, actor=actor)

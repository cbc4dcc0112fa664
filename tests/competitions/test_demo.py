"""The demo's 少儿故事大王 is consistent: scored, advanced and published by the same rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from outreach.competitions import services
from outreach.demo.competition import load_competition
from outreach.competitions.models import Score
from outreach.extensions import db
from outreach.timezone import local_date


def test_demo_competition(app, make_venue):
    venues = {key: make_venue() for key in ("nanmen_primary", "nanmen_middle", "taibeicheng")}
    today = date(2026, 11, 25)  # a Wednesday
    competition = load_competition(venues=venues, today=today)
    db.session.commit()

    assert [(c.name, c.weight, c.max_score) for c in competition.criteria] == [
        ("内容", 40, 40), ("语言表达", 30, 30), ("仪态台风", 20, 20), ("时间把控", 10, 10),
    ]
    assert len(competition.judges) == 5
    prelim, final = competition.rounds
    assert [local_date(s.starts_at) for s in prelim.sittings] == [date(2026, 11, 15)] * 2  # a Sunday
    assert [s.status for s in prelim.sittings] == ["completed", "completed"]
    assert local_date(final.sittings[0].starts_at) == date(2026, 12, 13)
    assert [a["places"] for a in final.awards] == [1, 2, 3, 2]

    results = services.results(prelim)
    assert len(results) == 24 and all(r.complete and r.rank for r in results)
    assert prelim.results_published_at is not None and prelim.advanced_at is not None
    advancing = [r.registration.id for r in results if r.advances]
    assert len(advancing) == 8 and all(r.rank <= 8 for r in results if r.advances)
    finalists = services.contestants(final)
    assert sorted(r.advanced_from_id for r in finalists) == sorted(advancing)
    assert len({r.registration.name for r in results}) == 24
    # each judge's total is the sum of the marks, since every criterion is marked out of its weight
    marks = db.session.execute(
        select(Score.registration_id, Score.judge_id, func.sum(Score.score))
        .where(Score.registration_id.in_([r.registration.id for r in results]))
        .group_by(Score.registration_id, Score.judge_id)
    ).all()
    assert {(r.registration.id, judge_id): total for r in results for judge_id, total in r.judge_totals.items()} == {
        (registration_id, judge_id): Decimal(total) for registration_id, judge_id, total in marks
    }

"""How long ranking a preliminary of the seed library's size takes, against reading its scores.

    .venv/bin/python bench/competition_results.py [--contestants 836] [--judges 5] [--repeat 5]

Builds, in a temp SQLite database, a competition whose preliminary has 836 contestants at two
schools, five judges and a four-line rubric (16,720 scores, inserted in bulk), then times in the
same process:

- baseline: one query that reads every score of the round into Python (the least ranking
  can do: every score must be read once);
- ``results(round)``: judges' weighted totals, the trimmed mean, ranks, advancement, awards;
- the public competition page and the staff round page, rendered by the app (results
  published), each a full request through the test client.

It prints the median of each and its ratio to the baseline. Nothing is asserted about time
(that is for people to read); the script checks that the ranking is complete.
"""

from __future__ import annotations

import argparse
import re
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path


PASSWORD = "bench-password-2026"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contestants", type=int, default=836)
    parser.add_argument("--judges", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        from flask_migrate import upgrade

        from outreach import create_app

        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "INSTANCE_PATH": tmp, "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.local",
        })
        with app.app_context():
            upgrade()
            round_, competition_id, staff = build(args.contestants, args.judges)
            report(app, round_, competition_id, staff, args)


def build(contestants: int, judges: int):
    from sqlalchemy import insert

    from outreach.accounts.services import create_user
    from outreach.competitions import services
    from outreach.competitions.models import Score
    from outreach.events.services import create_venue
    from outreach.extensions import db
    from outreach.registration.models import Registration
    from outreach.registration.tickets import new_ticket

    rng = random.Random(2018)
    staff = create_user(email="staff@example.org", password=PASSWORD, name="馆员", role="staff")
    competition = services.create_competition(title="少儿故事大王", title_en="Story King")
    services.set_criteria(competition, [
        {"name": "内容", "weight": 40, "max_score": 40}, {"name": "语言表达", "weight": 30, "max_score": 30},
        {"name": "仪态台风", "weight": 20, "max_score": 20}, {"name": "时间把控", "weight": 10, "max_score": 10},
    ])
    for n in range(judges):
        services.add_judge(competition, name=f"评委{n + 1}")
    prelim = services.add_round(competition, name="初赛", advance_mode="top", advance_value=57)
    services.add_round(competition, name="决赛")
    start = datetime(2026, 11, 1, 0, 30, tzinfo=timezone.utc)
    sittings = [
        services.add_sitting(prelim, venue=create_venue(name=name), starts_at=start, ends_at=start + timedelta(hours=4),
                             status="published")
        for name in ("南门小学礼堂", "南门中学报告厅")
    ]
    rows = []
    for n in range(contestants):
        seed, _token, digest = new_ticket()
        rows.append({
            "event_id": sittings[n % 2].id, "ticket_digest": digest, "ticket_seed": seed, "status": "confirmed",
            "name": f"选手{n:04d}", "party_size": 1, "source": "web",
            "answers": {"school": "南门小学", "piece": "小马过河"},
        })
    db.session.execute(insert(Registration), rows)
    registration_ids = db.session.scalars(db.select(Registration.id)).all()
    scores = [
        {"registration_id": r, "judge_id": judge.id, "criterion_id": c.id,
         "score": (Decimal(c.max_score) * Decimal(str(round(rng.uniform(0.6, 0.98), 2)))).quantize(Decimal("0.01"))}
        for r in registration_ids for judge in competition.judges for c in competition.criteria
    ]
    db.session.execute(insert(Score), scores)
    services.publish_results(prelim)
    db.session.commit()
    print(f"{contestants} contestants, {judges} judges, {len(competition.criteria)} criteria: {len(scores)} scores")
    return prelim, competition.id, staff


def timed(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        work()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def report(app, round_, competition_id: int, staff, args) -> None:
    from outreach.competitions import services
    from outreach.competitions.models import Score
    from outreach.extensions import db
    from outreach.events.models import Event
    from outreach.registration.models import Registration

    def baseline():
        rows = db.session.execute(
            db.select(Score.registration_id, Score.judge_id, Score.criterion_id, Score.score)
            .join(Registration, Registration.id == Score.registration_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.round_id == round_.id)
        ).all()
        return {(r, j, c): s for r, j, c, s in rows}

    found = services.results(round_)
    assert len(found) == args.contestants and all(r.rank for r in found), "the ranking is incomplete"
    client = app.test_client()

    def public_page():
        assert client.get(f"/competitions/{competition_id}?lang=en").status_code == 200

    staff_client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', staff_client.get("/login").get_data(as_text=True))
    signed_in = staff_client.post("/login", data={
        "csrf_token": token.group(1), "email": staff.email, "password": PASSWORD,
    })
    assert signed_in.status_code in (302, 303), "could not sign in"

    def round_page():
        response = staff_client.get(f"/staff/competitions/rounds/{round_.id}?lang=en")
        assert response.status_code == 200, (response.status_code, response.headers.get("Location"))

    base = timed(baseline, args.repeat)
    lines = [
        ("read every score (baseline)", base),
        ("results(): totals, trimmed mean, ranks", timed(lambda: services.results(round_), args.repeat)),
        ("public competition page", timed(public_page, args.repeat)),
        ("staff round page", timed(round_page, args.repeat)),
    ]
    for label, seconds in lines:
        print(f"{label:42} {seconds * 1000:8.1f} ms   × {seconds / base:5.1f} baseline")


if __name__ == "__main__":
    main()

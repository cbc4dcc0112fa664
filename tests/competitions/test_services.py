"""The competition rules against numbers worked out by hand.

The default rubric (see conftest) is 内容 50, 语言表达 30, 仪态台风 20, each out of 10, so
a judge's total is (a/10×50 + b/10×30 + c/10×20) / 100 × 100 = 5a + 3b + 2c.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from outreach.competitions import services
from outreach.competitions.models import Criterion, Judge, Score
from outreach.competitions.services import CompetitionError
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration.models import Registration
from outreach.registration.services import find_by_token, ticket_token
from tests.competitions.helpers import SHEETS_A

D = Decimal


def by_name(results):
    return {result.registration.name[-1]: result for result in results}


# --- the scoring rule ------------------------------------------------------------------------


def test_judge_totals_and_trimmed_mean(prelim, scored, competition):
    results = by_name(services.results(prelim))
    a = results["A"]
    judges = [judge.id for judge in competition.judges]
    assert a.judge_totals == dict(zip(judges, [D("83.00"), D("80.00"), D("95.00"), D("63.00"), D("88.00")]))
    assert a.counted == [judges[0], judges[1], judges[4]]
    assert a.score == D("83.67")
    assert results["D"].score == D("83.67")
    assert results["D"].counted == [judges[0], judges[1], judges[2]]
    assert results["B"].score == D("90.00")
    assert results["C"].score == results["E"].score == D("80.00")
    assert all(result.complete for result in results.values())


def test_ranks_share_ties_and_unscored_come_last(prelim, scored):
    results = services.results(prelim)
    assert [(r.registration.name, r.rank) for r in results] == [
        ("选手B", 1), ("选手A", 2), ("选手D", 2), ("选手C", 4), ("选手E", 4), ("选手F", None),
    ]
    assert results[-1].score is None and results[-1].judge_totals == {}


def test_top_n_advancement(prelim, scored):
    # top 3: B (1), A (2), D (2)
    assert [r.registration.name for r in services.results(prelim) if r.advances] == ["选手B", "选手A", "选手D"]


def test_top_n_with_a_tie_at_the_boundary_takes_everyone_tied(prelim, scored):
    services.update_round(prelim, advance_value=4)
    # top 4: rank 4 is shared by C and E, so five advance
    assert [r.registration.name for r in services.results(prelim) if r.advances] == [
        "选手B", "选手A", "选手D", "选手C", "选手E",
    ]


def test_threshold_advancement(prelim, scored):
    services.update_round(prelim, advance_mode="threshold", advance_value=D("83.67"))
    assert [r.registration.name for r in services.results(prelim) if r.advances] == ["选手B", "选手A", "选手D"]
    services.update_round(prelim, advance_value=D("83.68"))
    assert [r.registration.name for r in services.results(prelim) if r.advances] == ["选手B"]


def test_four_judges_are_not_trimmed(make_competition, make_sitting, contestants_in, score_all):
    competition = make_competition(judges=4)
    round_ = competition.rounds[0]
    (child,) = contestants_in(make_sitting(round_), 1)
    score_all(round_, {child: SHEETS_A[:4]})
    (result,) = services.results(round_)
    # 83 + 80 + 95 + 63 = 321; 321 / 4 = 80.25, every judge counted
    assert result.score == D("80.25")
    assert result.counted == [judge.id for judge in competition.judges]


def test_judge_total_normalises_weights_and_rounds_half_up(make_competition):
    competition = make_competition(
        criteria=[{"name": "内容", "weight": 40, "max_score": 30}, {"name": "表达", "weight": 20, "max_score": 10}],
        rounds=[],
    )
    content, delivery = competition.criteria
    # (10/30 × 40 + 7/10 × 20) / 60 × 100 = (13.333… + 14) / 60 × 100 = 45.555… → 45.56
    assert services.judge_total({content.id: D(10), delivery.id: D(7)}, competition.criteria) == D("45.56")
    assert services.judge_total({content.id: D(10)}, competition.criteria) is None
    # mean of 80.00 and 80.01 is 80.005: half up gives 80.01 (banker's rounding would give 80.00)
    assert services.combine({1: D("80.00"), 2: D("80.01")}) == ([1, 2], D("80.01"))


def test_a_partial_sheet_is_not_counted_and_marks_the_contestant_incomplete(
    prelim, final, field, score_all, competition, make_sitting
):
    make_sitting(final)
    score_all(prelim, {field["A"]: [[9, 8, 7], [8, 8, 8], [10, 9, None], None, None]})
    a = by_name(services.results(prelim))["A"]
    assert a.complete is False
    assert list(a.judge_totals) == [competition.judges[0].id, competition.judges[1].id]
    assert a.score == D("81.50")  # (83 + 80) / 2, two judges: no trimming
    with pytest.raises(CompetitionError) as caught:
        services.advance(prelim)
    assert caught.value.code == "scores_incomplete"
    with pytest.raises(CompetitionError) as caught:
        services.publish_results(prelim)
    assert caught.value.code == "scores_incomplete"


def test_awards_follow_the_tiers_in_rank_order(final, make_sitting, contestants_in, score_all):
    # awards: 一等奖 1 place, 二等奖 1, 三等奖 2 → places 1 | 2 | 3–4
    people = contestants_in(make_sitting(final), 6, names=[f"决赛{c}" for c in "ABCDEF"])
    score_all(final, dict(zip(people, [[9, 9, 9], [8, 8, 8], [8, 8, 8], [7, 7, 7], [6, 6, 6], [5, 5, 5]])))
    awards = [(r.registration.name, r.rank, r.award and r.award["name"]) for r in services.results(final)]
    assert awards == [
        ("决赛A", 1, "一等奖"), ("决赛B", 2, "二等奖"), ("决赛C", 2, "二等奖"),  # a tie shares the tier
        ("决赛D", 4, "三等奖"), ("决赛E", 5, None), ("决赛F", 6, None),
    ]
    assert not any(r.advances for r in services.results(final))  # the last round has no rule


# --- entering scores ---------------------------------------------------------------------------


def test_enter_scores_upserts_and_counts_changes(prelim, field, competition):
    judge, (content, delivery) = competition.judges[0], competition.criteria[:2]
    a = field["A"]
    assert services.enter_scores(prelim, judge, {(a.id, content.id): D(9), (a.id, delivery.id): D("8.5")}) == 2
    assert services.enter_scores(prelim, judge, {(a.id, content.id): D(9), (a.id, delivery.id): D(8)}) == 1
    assert services.enter_scores(prelim, judge, {(a.id, content.id): None}) == 1
    db.session.commit()
    rows = db.session.execute(select(Score.criterion_id, Score.score).where(Score.registration_id == a.id)).all()
    assert [(c, D(s)) for c, s in rows] == [(delivery.id, D("8.00"))]
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "competition.scores")).all()
    assert [entry.data["changed"] for entry in audit] == [2, 1, 1]


def test_enter_scores_refuses_bad_scores_with_a_field_each(prelim, field, competition, make_competition,
                                                          make_sitting, contestants_in):
    judge, (content, delivery, stage) = competition.judges[0], competition.criteria
    other = make_competition()
    (outsider,) = contestants_in(make_sitting(other.rounds[0]), 1)
    a = field["A"]
    with pytest.raises(ValidationError) as caught:
        services.enter_scores(prelim, judge, {
            (a.id, content.id): D("10.5"), (a.id, delivery.id): D(-1), (a.id, stage.id): D("7.125"),
            (outsider.id, content.id): D(5), (a.id, other.criteria[0].id): D(5),
        })
    with force_locale("en"):
        fields = {key: str(message) for key, message in caught.value.fields.items()}
    assert fields == {
        f"score-{a.id}-{content.id}": "Enter a score from 0 to 10.",
        f"score-{a.id}-{delivery.id}": "Enter a score from 0 to 10.",
        f"score-{a.id}-{stage.id}": "Enter a score from 0 to 10.",
        f"score-{outsider.id}-{content.id}": "This contestant is not in this round.",
        f"score-{a.id}-{other.criteria[0].id}": "This criterion is not in the rubric.",
    }
    assert db.session.scalar(select(func.count(Score.id))) == 0
    with pytest.raises(ValidationError) as caught:
        services.enter_scores(prelim, other.judges[0], {(a.id, content.id): D(5)})
    assert set(caught.value.fields) == {"judge_id"}


def test_scores_are_final_once_published(prelim, scored, competition):
    services.publish_results(prelim)
    sheet = {(scored["A"].id, competition.criteria[0].id): D(1)}
    with pytest.raises(CompetitionError) as caught:
        services.enter_scores(prelim, competition.judges[0], sheet)
    assert caught.value.code == "results_published"
    services.unpublish_results(prelim)
    assert services.enter_scores(prelim, competition.judges[0], sheet) == 1


# --- advancing ----------------------------------------------------------------------------------


def test_advance_registers_the_best_in_the_next_round(app, prelim, final, scored, make_sitting):
    sitting = make_sitting(final, capacity=10)
    sent = app.extensions.setdefault("outreach_sent_mail", [])
    sent.clear()
    made = services.advance(prelim)
    db.session.commit()

    assert len(made) == 3
    originals = {scored[k].id: scored[k] for k in "BAD"}
    assert [r.advanced_from_id for r in made] == [scored["B"].id, scored["A"].id, scored["D"].id]
    for registration in made:
        before = originals[registration.advanced_from_id]
        assert registration.event_id == sitting.id
        assert (registration.status, registration.source, registration.party_size) == ("confirmed", "advanced", 1)
        assert registration.name == before.name and registration.phone == before.phone
        assert registration.answers == before.answers and registration.answers["school"]
        assert registration.ticket_digest != before.ticket_digest
        assert find_by_token(ticket_token(registration)).id == registration.id
    assert [r.name for r in services.contestants(final)] == ["选手A", "选手B", "选手D"]
    assert prelim.advanced_at is not None
    assert len(sent) == 3 and all("/t/" in message.body for message in sent)
    assert "决赛" in sent[0].subject
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "competition.advance"))
    assert entry.data == {"sitting_id": sitting.id, "registrations": [r.id for r in made]}


def test_advance_twice_is_refused(prelim, final, scored, make_sitting):
    make_sitting(final)
    services.advance(prelim)
    db.session.commit()
    with pytest.raises(CompetitionError) as caught:
        services.advance(prelim)
    assert caught.value.code == "already_advanced"
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.source == "advanced")) == 3


def test_advance_refuses_a_full_sitting(prelim, final, scored, make_sitting, contestants_in):
    sitting = make_sitting(final, capacity=4)
    contestants_in(sitting, 2)  # 2 of 4 places taken; 3 advance
    with pytest.raises(CompetitionError) as caught:
        services.advance(prelim)
    assert caught.value.code == "next_round_full"
    with force_locale("en"):
        assert str(caught.value.message) == "3 contestants advance but the sitting has only 2 places left."
    assert prelim.advanced_at is None


def test_advance_into_a_chosen_sitting(prelim, final, scored, make_sitting):
    make_sitting(final, capacity=2)
    second = make_sitting(final, starts_at=final.sittings[0].starts_at)  # another venue, same time
    with pytest.raises(ValidationError) as caught:
        services.advance(prelim, sitting=prelim.sittings[0])
    assert set(caught.value.fields) == {"sitting_id"}
    with pytest.raises(CompetitionError) as caught:
        services.advance(prelim)  # the first sitting holds 2
    assert caught.value.code == "next_round_full"
    made = services.advance(prelim, sitting=second)
    assert {r.event_id for r in made} == {second.id}


def test_advance_needs_a_next_round_and_a_sitting(prelim, final, scored):
    with pytest.raises(CompetitionError) as caught:
        services.advance(prelim)
    assert caught.value.code == "no_sitting"
    services.update_round(final, advance_mode="top", advance_value=1)
    with pytest.raises(CompetitionError) as caught:
        services.advance(final)
    assert caught.value.code == "no_next_round"


def test_publishing_needs_scores(prelim, field):
    with pytest.raises(CompetitionError) as caught:
        services.publish_results(prelim)
    assert caught.value.code == "no_scores"


# --- the rubric, judges, rounds, sittings -------------------------------------------------------


def test_set_criteria_validates_each_row(competition):
    with pytest.raises(ValidationError) as caught:
        services.set_criteria(competition, [
            {"name": "内容", "weight": 50}, {"name": "", "weight": 0}, {"name": "内容", "weight": "x", "max_score": -1},
        ])
    assert set(caught.value.fields) == {
        "criteria-1-name", "criteria-1-weight", "criteria-2-name", "criteria-2-weight", "criteria-2-max_score",
    }
    rubric = services.set_criteria(competition, [{"name": "内容", "weight": 60}, {"name": "表达", "weight": 40}])
    db.session.commit()
    assert [(c.position, c.name, c.weight, c.max_score) for c in rubric] == [
        (1, "内容", D(60), D(100)), (2, "表达", D(40), D(100)),
    ]
    assert db.session.scalar(select(func.count(Criterion.id))) == 2


def test_rubric_and_judges_are_fixed_once_scored(competition, scored):
    with pytest.raises(CompetitionError) as caught:
        services.set_criteria(competition, [{"name": "内容", "weight": 100}])
    assert caught.value.code == "scores_exist"
    with pytest.raises(CompetitionError) as caught:
        services.remove_judge(competition.judges[0])
    assert caught.value.code == "judge_has_scores"


def test_judges_are_unique_and_removable(competition):
    with pytest.raises(CompetitionError) as caught:
        services.add_judge(competition, name="王评委")
    assert caught.value.code == "judge_exists"
    judge = services.add_judge(competition, name="赵评委", affiliation="醴陵一中")
    services.remove_judge(judge)
    db.session.commit()
    assert [j.name for j in competition.judges] == ["王评委", "李评委", "张评委", "刘评委", "陈评委"]
    assert db.session.get(Judge, judge.id) is None


def test_round_rules_are_checked(competition):
    with pytest.raises(ValidationError) as caught:
        services.add_round(competition, name="复赛", advance_mode="top", advance_value=D("2.5"),
                           awards=[{"name": "一等奖", "places": 0}])
    assert set(caught.value.fields) == {"advance_value", "awards-0-places"}
    with pytest.raises(ValidationError) as caught:
        services.add_round(competition, name="复赛", advance_mode="threshold", advance_value=101)
    assert set(caught.value.fields) == {"advance_value"}
    third = services.add_round(competition, name="复赛", advance_mode="threshold", advance_value=85)
    assert third.position == 3 and third.advance_value == D(85)


def test_a_sitting_is_a_competition_event_asking_the_contest_questions(prelim, make_sitting):
    sitting = make_sitting(prelim, capacity=300)
    assert (sitting.type, sitting.round_id, sitting.max_party_size, sitting.capacity) == (
        "competition", prelim.id, 1, 300,
    )
    assert [q["key"] for q in sitting.questions] == ["school", "grade", "age_group", "piece"]
    assert sitting.title.endswith("初赛")


def test_a_competition_is_public_once_a_sitting_is_published(competition, prelim, make_sitting):
    make_sitting(prelim, status="draft")
    assert services.competition_for_public(competition.id) is None
    assert services.public_competitions() == []
    make_sitting(prelim, status="published")
    assert services.competition_for_public(competition.id) is competition
    assert services.public_competitions() == [competition]


def test_create_competition_refuses_a_title_in_use(competition):
    with pytest.raises(CompetitionError) as caught:
        services.create_competition(title=competition.title)
    assert caught.value.code == "competition_exists"
    with pytest.raises(ValidationError) as caught:
        services.create_competition(title="  ")
    assert set(caught.value.fields) == {"title"}

"""The competitions API: who may do what, the shapes, and results hidden until published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outreach.competitions.models import Competition, Score
from outreach.extensions import db
from outreach.registration.models import Registration


@pytest.fixture
def staff_headers(make_user, api_token):
    return api_token(make_user("staff"))


@pytest.fixture
def competition(make_competition):
    return make_competition(title="第十届少儿故事大王（台北城杯）")


# --- creating --------------------------------------------------------------------------------


def test_staff_create_a_competition_with_rubric_and_judges(client, staff_headers):
    body = {
        "title": "少儿故事大王", "title_en": "Story King",
        "criteria": [{"name": "内容", "weight": 40}, {"name": "语言表达", "name_en": "Delivery", "weight": 30.5,
                                                       "max_score": 10}],
        "judges": [{"name": "王老师", "affiliation": "南门小学"}, {"name": "李老师"}],
    }
    response = client.post("/api/v1/competitions", json=body, headers=staff_headers)
    assert response.status_code == 201
    created = response.get_json()
    assert [(c["name"], c["weight"], c["max_score"]) for c in created["criteria"]] == [
        ("内容", "40.00", "100.00"), ("语言表达", "30.50", "10.00"),
    ]
    assert [(j["name"], j["affiliation"]) for j in created["judges"]] == [("王老师", "南门小学"), ("李老师", None)]
    assert created["rounds"] == []
    competition = db.session.get(Competition, created["id"])
    assert competition.title_en == "Story King"


def test_writes_need_staff(client, make_user, api_token, prelim):
    for path, method in [
        ("/api/v1/competitions", "post"), (f"/api/v1/competitions/{prelim.competition_id}/rounds", "post"),
        (f"/api/v1/rounds/{prelim.id}/sittings", "post"), (f"/api/v1/rounds/{prelim.id}/scores", "put"),
        (f"/api/v1/rounds/{prelim.id}/advance", "post"), (f"/api/v1/rounds/{prelim.id}/publish", "post"),
    ]:
        assert getattr(client, method)(path, json={}).status_code == 401, path
        volunteer = api_token(make_user("volunteer"))
        assert getattr(client, method)(path, json={}, headers=volunteer).status_code == 403, path


def test_create_competition_reports_each_field(client, staff_headers):
    response = client.post(
        "/api/v1/competitions?lang=en",
        json={"title": "", "judges": [{"name": ""}], "criteria": [{"name": "内容", "weight": 0}]},
        headers=staff_headers,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "title": "This field is required.", "judges-0-name": "Give a name of 1 to 100 characters.",
        "criteria-0-weight": "Enter a number greater than 0 and at most 9999.99, with at most two decimals.",
    }
    response = client.post(
        "/api/v1/competitions", json={"title": "故事大王", "judges": [{"name": "王老师"}, {"name": "王老师"}]},
        headers=staff_headers,
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "judge_exists")
    assert db.session.scalar(select(func.count(Competition.id))) == 0  # nothing half made


def test_add_round_and_sitting(client, staff_headers, competition, make_venue):
    response = client.post(
        f"/api/v1/competitions/{competition.id}/rounds", headers=staff_headers,
        json={"name": "复赛", "name_en": "Semi-final", "advance_mode": "threshold", "advance_value": 85.5,
              "awards": [{"name": "优秀奖", "places": 10}]},
    )
    assert response.status_code == 201
    round_ = response.get_json()
    assert (round_["position"], round_["advance_value"], round_["sittings"]) == (3, "85.50", [])
    assert round_["awards"] == [{"name": "优秀奖", "name_en": None, "places": 10}]

    venue = make_venue(name="南门中学报告厅")
    response = client.post(
        f"/api/v1/rounds/{round_['id']}/sittings", headers=staff_headers,
        json={"venue_id": venue.id, "starts_at": "2026-12-20T09:00:00", "ends_at": "2026-12-20T12:00:00",
              "capacity": 60, "status": "published"},
    )
    assert response.status_code == 201
    sitting = response.get_json()
    assert (sitting["type"], sitting["capacity"], sitting["max_party_size"], sitting["starts_at"]) == (
        "competition", 60, 1, "2026-12-20T09:00:00+08:00",
    )
    assert {q["key"] for q in sitting["questions"]} == {"school", "grade", "age_group", "piece"}
    detail = client.get(f"/api/v1/competitions/{competition.id}").get_json()
    assert [s["id"] for s in detail["rounds"][2]["sittings"]] == [sitting["id"]]


def test_add_round_reports_awards_by_row(client, staff_headers, competition):
    response = client.post(
        f"/api/v1/competitions/{competition.id}/rounds?lang=en", headers=staff_headers,
        json={"name": "复赛", "advance_mode": "top", "awards": [{"name": "一等奖", "places": 1}, {"places": "3"}]},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "advance_value": "Enter how many advance: a whole number of 1 or more.",
        "awards-1-name": "Give a name of 1 to 60 characters.",
        "awards-1-places": "Enter a whole number from 1 to 1000.",
    }


def test_unknown_ids_are_404(client, staff_headers):
    assert client.get("/api/v1/competitions/999", headers=staff_headers).status_code == 404
    assert client.get("/api/v1/rounds/999/results", headers=staff_headers).status_code == 404
    assert client.post("/api/v1/rounds/999/advance", json={}, headers=staff_headers).status_code == 404
    assert client.put("/api/v1/rounds/999/scores", json={}, headers=staff_headers).status_code == 404


# --- reading ---------------------------------------------------------------------------------


def test_public_sees_competitions_once_a_sitting_is_published(client, staff_headers, competition, prelim,
                                                              make_sitting):
    make_sitting(prelim, status="draft")
    assert client.get("/api/v1/competitions").get_json() == {"competitions": [], "next_cursor": None}
    assert client.get(f"/api/v1/competitions/{competition.id}").status_code == 404
    assert [c["id"] for c in client.get("/api/v1/competitions", headers=staff_headers).get_json()["competitions"]] == [
        competition.id
    ]
    published = make_sitting(prelim, status="published")
    assert [c["title"] for c in client.get("/api/v1/competitions").get_json()["competitions"]] == [
        "第十届少儿故事大王（台北城杯）"
    ]
    detail = client.get(f"/api/v1/competitions/{competition.id}").get_json()
    assert [c["name"] for c in detail["criteria"]] == ["内容", "语言表达", "仪态台风"]
    assert len(detail["judges"]) == 5
    assert [(r["name"], r["advance_mode"], r["advance_value"]) for r in detail["rounds"]] == [
        ("初赛", "top", "3.00"), ("决赛", None, None),
    ]
    assert [s["id"] for s in detail["rounds"][0]["sittings"]] == [published.id]  # not the draft
    staff_view = client.get(f"/api/v1/competitions/{competition.id}", headers=staff_headers).get_json()
    assert len(staff_view["rounds"][0]["sittings"]) == 2


def test_results_are_hidden_from_the_public_until_published(client, staff_headers, prelim, scored, competition):
    public = client.get(f"/api/v1/rounds/{prelim.id}/results")
    assert public.status_code == 200
    assert (public.get_json()["published"], public.get_json()["results"]) == (False, [])

    staff = client.get(f"/api/v1/rounds/{prelim.id}/results", headers=staff_headers).get_json()
    assert staff["published"] is False
    rows = staff["results"]
    assert [(r["name"], r["rank"], r["score"], r["advances"]) for r in rows] == [
        ("选手B", 1, "90.00", True), ("选手A", 2, "83.67", True), ("选手D", 2, "83.67", True),
        ("选手C", 4, "80.00", False), ("选手E", 4, "80.00", False), ("选手F", None, None, False),
    ]
    a = rows[1]
    judges = [j.id for j in competition.judges]
    assert a["registration_id"] == scored["A"].id
    assert a["judge_totals"] == {str(j): t for j, t in zip(judges, ["83.00", "80.00", "95.00", "63.00", "88.00"])}
    assert a["counted_judges"] == [judges[0], judges[1], judges[4]]
    assert a["school"] and a["piece"] == "故事1"

    assert client.post(f"/api/v1/rounds/{prelim.id}/publish", headers=staff_headers).status_code == 200
    public = client.get(f"/api/v1/rounds/{prelim.id}/results").get_json()
    assert public["published"] is True and public["round"]["results_published"] is True
    assert [(r["name"], r["score"]) for r in public["results"]][:3] == [
        ("选手B", "90.00"), ("选手A", "83.67"), ("选手D", "83.67"),
    ]
    text = str(public)
    assert "registration_id" not in text and "138" not in text and "phone" not in text


def test_results_of_a_hidden_competition_are_404_to_the_public(client, prelim, make_sitting):
    make_sitting(prelim, status="draft")
    assert client.get(f"/api/v1/rounds/{prelim.id}/results").status_code == 404


# --- scores, advancing, publishing -------------------------------------------------------------


def test_put_scores_upserts_one_judges_sheet(client, staff_headers, prelim, make_sitting, contestants_in,
                                             competition):
    (child,) = contestants_in(make_sitting(prelim), 1)
    judge, criteria = competition.judges[0], competition.criteria
    sheet = [{"registration_id": child.id, "criterion_id": c.id, "score": s} for c, s in zip(criteria, [9, 8.5, 7])]
    url = f"/api/v1/rounds/{prelim.id}/scores"
    response = client.put(url, json={"judge_id": judge.id, "scores": sheet}, headers=staff_headers)
    assert (response.status_code, response.get_json()) == (200, {"changed": 3})
    sheet[2]["score"] = None
    response = client.put(url, json={"judge_id": judge.id, "scores": sheet}, headers=staff_headers)
    assert response.get_json() == {"changed": 1}
    stored = db.session.execute(select(Score.criterion_id, Score.score).order_by(Score.criterion_id)).all()
    assert [(c, Decimal(s)) for c, s in stored] == [(criteria[0].id, Decimal("9.00")), (criteria[1].id, Decimal("8.50"))]


def test_put_scores_reports_fields(client, staff_headers, prelim, make_sitting, contestants_in, competition,
                                  make_competition):
    (child,) = contestants_in(make_sitting(prelim), 1)
    content = competition.criteria[0]
    url = f"/api/v1/rounds/{prelim.id}/scores?lang=en"
    response = client.put(url, headers=staff_headers, json={"judge_id": 999, "scores": [
        {"registration_id": child.id, "criterion_id": content.id, "score": "9"},
        {"registration_id": child.id, "criterion_id": content.id},
    ]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "judge_id": "There is no such judge on this competition's panel.",
        "scores-0-score": "Give a number, or null to clear the score.",
        "scores-1-score": "This field is required.",
    }
    response = client.put(url, headers=staff_headers, json={"judge_id": competition.judges[0].id, "scores": [
        {"registration_id": child.id, "criterion_id": content.id, "score": 11},
    ]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {f"score-{child.id}-{content.id}": "Enter a score from 0 to 10."}
    outsider = make_competition().judges[0]  # a judge of another panel: the service refuses them
    response = client.put(url, headers=staff_headers, json={"judge_id": outsider.id, "scores": []})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"judge_id": "This judge is not on this competition's panel."}


def test_advance_and_its_conflicts(client, staff_headers, competition, prelim, scored, make_sitting):
    final_sitting = make_sitting(competition.rounds[1], capacity=2)
    url = f"/api/v1/rounds/{prelim.id}/advance"
    response = client.post(url, headers=staff_headers)  # no body: the first sitting
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "next_round_full"

    bigger = make_sitting(competition.rounds[1], capacity=50, starts_at=final_sitting.starts_at)
    response = client.post(url, json={"sitting_id": bigger.id}, headers=staff_headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["advanced"] == 3
    made = db.session.scalars(select(Registration).where(Registration.id.in_(body["registrations"]))).all()
    assert {(r.event_id, r.source) for r in made} == {(bigger.id, "advanced")}
    assert {r.advanced_from_id for r in made} == {scored[k].id for k in "ABD"}

    response = client.post(url, json={"sitting_id": bigger.id}, headers=staff_headers)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "already_advanced")


def test_advance_refuses_a_sitting_of_another_round(client, staff_headers, prelim, scored):
    response = client.post(
        f"/api/v1/rounds/{prelim.id}/advance?lang=en", json={"sitting_id": prelim.sittings[0].id},
        headers=staff_headers,
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"sitting_id": "Choose a sitting of the next round."}


def test_publish_needs_complete_scores(client, staff_headers, prelim, make_sitting, contestants_in, score_all):
    (child,) = contestants_in(make_sitting(prelim), 1)
    url = f"/api/v1/rounds/{prelim.id}/publish"
    response = client.post(url, headers=staff_headers)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "no_scores")
    score_all(prelim, {child: [[9, 9, None]]})
    response = client.post(url, headers=staff_headers)
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "scores_incomplete")
    assert client.get(f"/api/v1/rounds/{prelim.id}/results").get_json()["published"] is False

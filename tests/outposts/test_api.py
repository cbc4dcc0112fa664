"""The reading rooms' API: a keeper's phone records and reads its own place only; staff read and
correct every place; structured 4xx for bad input; lists in windows at a flat cost."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from outreach import clock
from outreach.events.models import Event
from outreach.extensions import db
from outreach.outposts.models import VisitorCount
from tests.helpers import count_statements

ACTIVITY = {"type": "activity", "title": "暑期少儿阅读实践活动", "date": "2026-08-29", "starts": "09:00", "ends": "11:30",
            "headcount": 46, "audience": "children"}


@pytest.fixture(autouse=True)
def summer(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 8, 31, 4, 0, tzinfo=timezone.utc))


@pytest.fixture
def keeper_headers(keeper, api_token):
    return api_token(keeper)


def test_a_keeper_records_an_activity_and_reads_it_back(client, village, keeper_headers):
    response = client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=keeper_headers)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("place_id", "type", "title", "date", "headcount", "audience")} == {
        "place_id": village.id, "type": "activity", "title": "暑期少儿阅读实践活动", "date": "2026-08-29", "headcount": 46,
        "audience": "children"}
    assert body["starts_at"] == "2026-08-29T09:00:00+08:00"
    listed = client.get(f"/api/v1/outposts/{village.id}/activities", headers=keeper_headers).get_json()
    assert [(a["id"], a["headcount"]) for a in listed["activities"]] == [(body["id"], 46)]
    assert listed["next_cursor"] is None
    places = client.get("/api/v1/outposts", headers=keeper_headers).get_json()["places"]
    assert [p["id"] for p in places] == [village.id]


def test_bad_input_is_a_422_naming_each_field(client, village, keeper_headers):
    response = client.post(f"/api/v1/outposts/{village.id}/activities?lang=en",
                           json={**ACTIVITY, "date": "2026-09-01", "starts": "nine", "headcount": "many"},
                           headers=keeper_headers)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"starts", "headcount"}
    response = client.post(f"/api/v1/outposts/{village.id}/activities?lang=en", json={**ACTIVITY, "date": "2026-09-01"},
                           headers=keeper_headers)
    assert response.get_json()["error"]["fields"] == {"date": "This day has not come yet."}
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_a_room_clash_is_a_409(client, village, keeper_headers):
    assert client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=keeper_headers).status_code == 201
    clash = client.post(f"/api/v1/outposts/{village.id}/activities", json={**ACTIVITY, "title": "书法课"},
                        headers=keeper_headers)
    assert (clash.status_code, clash.get_json()["error"]["code"]) == (409, "room_booked")


def test_visitors_per_day_and_per_place(client, village, bus, keeper_headers, make_user, api_token):
    put = client.put(f"/api/v1/outposts/{village.id}/visitors/2026-08-31", json={"count": 23}, headers=keeper_headers)
    assert (put.status_code, put.get_json()["count"]) == (200, 23)
    client.put(f"/api/v1/outposts/{village.id}/visitors/2026-08-30", json={"count": 7}, headers=keeper_headers)
    client.put(f"/api/v1/outposts/{village.id}/visitors/2026-08-31", json={"count": 25}, headers=keeper_headers)
    days = client.get(f"/api/v1/outposts/{village.id}/visitors?from=2026-08-01", headers=keeper_headers).get_json()
    assert [(d["date"], d["count"]) for d in days["days"]] == [("2026-08-31", 25), ("2026-08-30", 7)]
    staff = api_token(make_user("staff"))
    visits = client.get("/api/v1/outposts/visits?from=2026-08-01&to=2026-08-31", headers=staff).get_json()
    assert {r["place_id"]: (r["days"], r["visitors"]) for r in visits["rows"]} == {village.id: (2, 32), bus.id: (0, 0)}
    assert visits["totals"] == {"days": 2, "visitors": 32}
    assert client.get("/api/v1/outposts/visits?from=2026-08-01&to=2026-08-31", headers=keeper_headers).status_code == 403
    bad = client.put(f"/api/v1/outposts/{village.id}/visitors/2026-02-30", json={"count": 1}, headers=keeper_headers)
    assert (bad.status_code, list(bad.get_json()["error"]["fields"])) == (422, ["date"])


def test_another_place_is_a_404_and_changes_nothing(client, village, bus, make_keeper, api_token, keeper_headers):
    created = client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=keeper_headers).get_json()
    other = api_token(make_keeper(bus))
    assert client.get(f"/api/v1/outposts/{village.id}/activities", headers=other).status_code == 404
    assert client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=other).status_code == 404
    assert client.put(f"/api/v1/outposts/{village.id}/visitors/2026-08-31", json={"count": 5},
                      headers=other).status_code == 404
    assert client.put(f"/api/v1/outposts/activities/{created['id']}/headcount", json={"count": 1},
                      headers=other).status_code == 404
    assert db.session.scalar(select(func.count(VisitorCount.id))) == 0
    listed = client.get(f"/api/v1/outposts/{village.id}/activities", headers=keeper_headers).get_json()
    assert listed["activities"][0]["headcount"] == 46


def test_a_count_corrected_through_the_api_is_reported(client, village, keeper_headers, make_user, api_token):
    created = client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=keeper_headers).get_json()
    response = client.put(f"/api/v1/outposts/activities/{created['id']}/headcount", json={"count": 42},
                          headers=keeper_headers)
    assert (response.status_code, response.get_json()["headcount"]) == (200, 42)
    report = client.get("/api/v1/reports/attendance?from=2026-08-01&to=2026-08-31",
                        headers=api_token(make_user("staff"))).get_json()
    assert (report["totals"]["events"], report["totals"]["walk_ins"]) == (1, 42)


def test_a_volunteer_gets_403(client, village, make_user, api_token):
    headers = api_token(make_user("volunteer"))
    assert client.get("/api/v1/outposts", headers=headers).status_code == 403
    assert client.post(f"/api/v1/outposts/{village.id}/activities", json=ACTIVITY, headers=headers).status_code == 403


def test_lists_cost_the_same_with_5_and_50_rows(client, village, keeper, keeper_headers, make_user, login):
    def add(n, start):
        for i in range(start, start + n):
            db.session.add(VisitorCount(branch_id=village.id, day=datetime(2026, 1, 1).date().replace(day=1 + i % 28,
                                        month=1 + i // 28), count=i, recorded_by_id=keeper.id))
            client.post(f"/api/v1/outposts/{village.id}/activities",
                        json={**ACTIVITY, "date": f"2026-08-{1 + i % 28:02d}", "starts": f"{8 + i // 28:02d}:00",
                              "ends": f"{8 + i // 28:02d}:30", "title": f"活动{i}"}, headers=keeper_headers)
        db.session.commit()

    def cost(path, **kwargs):
        with count_statements() as statements:
            assert client.get(path, **kwargs).status_code == 200
        return statements.n

    staff = make_user("staff")
    login(staff)  # the pages below as staff; the API as the keeper (a bearer request has no session)
    api = [f"/api/v1/outposts/{village.id}/activities", f"/api/v1/outposts/{village.id}/visitors"]
    pages = [f"/outposts/{village.id}", "/staff/outposts/"]
    add(5, 0)
    small = [cost(p, headers=keeper_headers) for p in api] + [cost(p) for p in pages]
    add(45, 5)
    assert [cost(p, headers=keeper_headers) for p in api] + [cost(p) for p in pages] == small

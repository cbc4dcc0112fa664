"""GET /api/v1/reports/attendance: the contract's shape, the same figures as the service, 422s, roles."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from outreach import clock
from tests.reports.scenario import build_spring

URL = "/api/v1/reports/attendance"


def figures(events, checked_in, walk_ins, registered, no_shows) -> dict:
    return {"events": events, "attendance": checked_in + walk_ins, "checked_in": checked_in,
            "walk_ins": walk_ins, "registered": registered, "no_shows": no_shows}


@pytest.fixture
def spring(app):
    return build_spring()


@pytest.fixture
def staff_headers(make_user, api_token):
    return api_token(make_user("staff"))


def test_the_contract_shape_by_month(client, spring, staff_headers):
    response = client.get(f"{URL}?from=2018-03-01&to=2018-04-30&group_by=month&lang=en", headers=staff_headers)
    assert response.status_code == 200
    assert response.get_json() == {
        "rows": [
            {"key": "2018-03", "label": "Mar 2018", **figures(2, 5, 15, 6, 1)},
            {"key": "2018-04", "label": "Apr 2018", **figures(1, 3, 27, 1, 0)},
        ],
        "totals": {**figures(3, 8, 42, 7, 1), "unique_people": 2},
    }


def test_labels_follow_the_request_language(client, spring, staff_headers):
    zh = client.get(f"{URL}?from=2018-03-01&to=2018-04-30&group_by=type", headers={**staff_headers, "Accept-Language": "zh-CN"})
    assert [r["label"] for r in zh.get_json()["rows"]] == ["讲座", "展览", "活动"]
    en = client.get(f"{URL}?from=2018-03-01&to=2018-04-30&group_by=series&lang=en", headers=staff_headers)
    assert [(r["key"], r["label"]) for r in en.get_json()["rows"]] == [
        (str(spring.series.id), "Xinghai Forum"), ("none", "Not in a series")]


def test_filters(client, spring, staff_headers):
    s = spring
    response = client.get(f"{URL}?from=2018-03-01&to=2018-04-30&group_by=venue&branch_id={s.b1.id}&type=lecture"
                          f"&series_id={s.series.id}&venue_id={s.v1.id}&audience=all", headers=staff_headers)
    assert response.get_json() == {
        "rows": [{"key": str(s.v1.id), "label": "报告厅", **figures(1, 3, 5, 4, 1)}],
        "totals": {**figures(1, 3, 5, 4, 1), "unique_people": 1},
    }


def test_without_dates_it_is_this_year(client, spring, staff_headers, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2018, 6, 1, 4, tzinfo=timezone.utc))
    whole_year = client.get(URL, headers=staff_headers).get_json()
    assert whole_year["totals"] == {**figures(3, 8, 42, 7, 1), "unique_people": 2}
    monkeypatch.setattr(clock, "now", lambda: datetime(2019, 6, 1, 4, tzinfo=timezone.utc))
    assert client.get(URL, headers=staff_headers).get_json()["totals"]["events"] == 0
    # only "from": to the end of its year
    assert client.get(f"{URL}?from=2018-04-01", headers=staff_headers).get_json()["totals"]["events"] == 1


@pytest.mark.parametrize("query, fields", [
    ("from=2018-13-01", {"from"}),
    ("from=2018-04-01&to=2018-03-01", {"to"}),
    ("from=2000-01-01&to=2018-03-01", {"to"}),
    ("group_by=weekday", {"group_by"}),
    ("group_by=event", {"group_by"}),
    ("type=party&audience=aliens", {"type", "audience"}),
    ("branch_id=abc&series_id=-1&venue_id=99999", {"branch_id", "series_id", "venue_id"}),
])
def test_bad_values_are_422_with_fields(client, spring, staff_headers, query, fields):
    for suffix in ("", ".csv", ".xlsx"):
        response = client.get(f"{URL}{suffix}?{query}", headers=staff_headers)
        assert response.status_code == 422
        error = response.get_json()["error"]
        assert error["code"] == "validation_error" and set(error["fields"]) == fields


def test_an_unknown_branch_is_named(client, app, staff_headers):
    response = client.get(f"{URL}?branch_id=4242&lang=en", headers=staff_headers)
    assert response.get_json()["error"]["fields"] == {"branch_id": "No such branch."}


@pytest.mark.parametrize("suffix", ["", ".csv", ".xlsx"])
def test_roles(client, app, make_user, api_token, suffix):
    assert client.get(URL + suffix).status_code == 401
    assert client.get(URL + suffix, headers=api_token(make_user("volunteer"))).status_code == 403
    assert client.get(URL + suffix, headers=api_token(make_user("staff"))).status_code == 200
    assert client.get(URL + suffix, headers=api_token(make_user("admin"))).status_code == 200


def test_a_signed_in_page_session_reads_it_too(client, app, make_user, login):
    login(make_user("staff"))
    assert client.get(URL + "?from=2018-01-01&to=2018-12-31").status_code == 200


def test_described_in_openapi(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/reports/attendance", "/reports/attendance.csv", "/reports/attendance.xlsx"):
        assert spec["paths"][path]["get"]["security"] == [{"bearer": []}]
    names = {p["name"] for p in spec["paths"]["/reports/attendance"]["get"]["parameters"]}
    assert names == {"from", "to", "group_by", "branch_id", "type", "series_id", "venue_id", "audience"}
    totals = spec["components"]["schemas"]["AttendanceReport"]["properties"]["totals"]
    assert "unique_people" in totals["required"]

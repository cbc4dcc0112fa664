"""Whatever the public sends, the answer is a 4xx, never a 500: numbers beyond the database,
dates at the calendar's edges, unreadable or deeply nested bodies, lone surrogates (issue 12,
points 1, 2, 3 and 12). 404 for a path that names nothing, 400 for what cannot be read, 413
for what is too large, 422 for readable values out of range."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask.globals import _cv_app
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from outreach.api.helpers import MAX_JSON_DEPTH, iso
from outreach.errors import MAX_HEADER_LENGTH, MAX_URL_LENGTH
from outreach.extensions import db
from outreach.places.models import Venue
from outreach.text import clean_text
from tests.helpers import csrf_token_from

HUGE = 2**63 + 1


@pytest.fixture
def staff(make_user, api_token):
    return api_token(make_user("staff"))


def error_of(response) -> dict:
    assert response.is_json, response.get_data(as_text=True)[:300]
    return response.get_json()["error"]


def event_body(venue_id, **overrides):
    return {
        "title": "星海讲坛", "type": "lecture", "starts_at": "2026-12-05T09:30:00", "ends_at": "2026-12-05T11:00:00",
        "venue_id": venue_id, "capacity": 80, "registration": "open", "status": "published", **overrides,
    }


# --- numbers beyond the database ------------------------------------------------------------


@pytest.mark.parametrize("path", [
    f"/api/v1/events/{HUGE}", f"/api/v1/events/{HUGE}/registrations", f"/api/v1/series/{HUGE}",
    f"/api/v1/events/{2**31}", f"/events/{HUGE}", f"/events/{HUGE}.ics", f"/series/{HUGE}",
])
def test_an_id_beyond_the_database_is_not_found(client, staff, path):
    response = client.get(path, headers=staff)
    assert response.status_code == 404


def test_an_id_beyond_the_database_is_not_found_for_every_method(client, staff):
    # Werkzeug answered 405 when the GET rule refused the number after a PATCH rule matched it.
    for method in ("get", "patch"):
        response = getattr(client, method)(f"/api/v1/events/{HUGE}", headers=staff, json={})
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


def test_the_largest_id_the_database_holds_is_still_looked_up(client, staff):
    assert client.get(f"/api/v1/events/{2**31 - 1}", headers=staff).status_code == 404
    assert error_of(client.get(f"/api/v1/events/{2**31 - 1}", headers=staff))["code"] == "not_found"


def test_huge_numbers_in_query_strings(client, staff, make_event):
    make_event()
    assert client.get(f"/?page={HUGE}").status_code == 200
    response = client.get(f"/api/v1/reports/attendance?venue_id={HUGE}&lang=en", headers=staff)
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"venue_id": "Give a whole number."}


def test_huge_numbers_in_json_ids_and_counts(client, staff, make_venue):
    venue = make_venue()
    response = client.post("/api/v1/events?lang=en", json=event_body(HUGE), headers=staff)
    assert response.status_code == 422
    assert "venue_id" in error_of(response)["fields"]
    response = client.post("/api/v1/events?lang=en", json=event_body(venue.id, capacity=HUGE), headers=staff)
    assert response.status_code == 422
    assert error_of(response)["fields"]["capacity"] == "Enter a whole number from 0 to 2147483647."
    response = client.post("/api/v1/venues?lang=en", json={"name": "大厅", "capacity": HUGE}, headers=staff)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"capacity"}
    for branch in (HUGE, -HUGE, -20255692372):  # PostgreSQL refused these ids with a 500 (Schemathesis)
        response = client.post("/api/v1/venues?lang=en", json={"name": "大厅", "branch": branch}, headers=staff)
        assert response.status_code == 422
        assert error_of(response)["fields"] == {"branch": "There is no such branch."}


def test_a_superscript_digit_is_no_series_id(client, login, make_user):
    login(make_user("staff"))
    assert client.get("/staff/events/new?series=²").status_code == 200
    assert client.get(f"/staff/events/new?series={HUGE}").status_code == 200


def test_a_score_scale_of_1e30_is_refused(client, staff):
    body = {"title": "少儿故事大王", "criteria": [{"name": "内容", "weight": 40, "max_score": 1e30}]}
    response = client.post("/api/v1/competitions?lang=en", json=body, headers=staff)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"criteria-0-max_score"}


# --- dates at the calendar's edges ----------------------------------------------------------


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1899-12-31", "to=2101-01-01"])
def test_dates_outside_1900_to_2100_in_a_query(client, query):
    response = client.get(f"/api/v1/events?{query}&lang=en")
    assert response.status_code == 422
    name = query.split("=")[0]
    assert error_of(response)["fields"] == {name: "Give a date from 1900 to 2100."}


def test_the_edges_of_the_range_are_accepted(client):
    assert client.get("/api/v1/events?from=1900-01-01&to=2100-12-31").status_code == 200


def test_an_unparseable_date_keeps_its_message(client):
    response = client.get("/api/v1/events?from=2026-02-30&lang=en")
    assert error_of(response)["fields"] == {"from": "Give a date as YYYY-MM-DD."}


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00", "9999-12-31T23:00:00", "1899-12-31T10:00:00+08:00"])
def test_an_event_at_the_calendars_edge_is_refused(client, staff, make_venue, starts_at):
    venue = make_venue()
    response = client.post(
        "/api/v1/events?lang=en", json=event_body(venue.id, starts_at=starts_at), headers=staff
    )
    assert response.status_code == 422
    assert error_of(response)["fields"]["starts_at"] == "Give a date from 1900 to 2100."


def test_duplicating_to_the_end_of_the_calendar_is_refused(client, staff, make_event):
    event = make_event()
    response = client.post(
        f"/api/v1/events/{event.id}/duplicate?lang=en", json={"starts_at": "9999-12-31T09:00:00"}, headers=staff
    )
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"starts_at": "Give a date from 1900 to 2100."}


def test_a_page_form_refuses_a_date_outside_the_range(client, login, make_user, make_venue):
    login(make_user("staff"))
    venue = make_venue()
    token = csrf_token_from(client, "/staff/events/new")
    response = client.post("/staff/events/new?lang=en", data={
        "csrf_token": token, "title": "讲座", "type": "lecture", "venue_id": venue.id, "status": "draft",
        "registration": "none", "audience": "all", "starts_at": "0001-01-01T09:00", "ends_at": "0001-01-01T10:00",
    })
    assert response.status_code in (200, 422)
    assert "Give a date from 1900 to 2100." in response.get_data(as_text=True)


# --- RFC 3339 times -------------------------------------------------------------------------


def test_iso_writes_the_zones_real_offset_for_any_time(app):
    assert iso(datetime(2026, 12, 5, 1, 30, tzinfo=timezone.utc)) == "2026-12-05T09:30:00+08:00"
    # Asia/Shanghai's local mean time before 1901 is +08:05:43, which RFC 3339 cannot write.
    assert iso(datetime(1850, 1, 1, 1, 30, tzinfo=timezone.utc)) == "1850-01-01T09:30:00+08:00"
    assert iso(datetime(1, 1, 1, tzinfo=timezone.utc)).startswith("0001-01-01T")
    assert iso(None) is None


# --- bodies that cannot be read -------------------------------------------------------------


@pytest.mark.parametrize("body", [b"", b"{", b"{'name': 1}", b"\xff\xfe{}", '{"name": "大厅"}'.encode("gb18030")])
def test_an_unreadable_body_is_a_bad_request(client, staff, body):
    response = client.post(
        "/api/v1/venues?lang=en", data=body, headers={**staff, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response) == {"code": "bad_request", "message": "The request could not be understood."}


def test_a_json_value_that_is_not_an_object_is_still_a_validation_error(client, staff):
    response = client.post("/api/v1/venues", json=[1, 2], headers=staff)
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"body"}


@pytest.mark.parametrize("body", ["[" * 50_000, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_deep_nesting_is_a_bad_request(client, staff, body):
    response = client.post("/api/v1/venues", data=body, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"


def test_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count(client, staff):
    nested = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    body = '{"name": "' + "[" * 100 + '", "capacity": ' + nested + "}"
    response = client.post("/api/v1/venues?lang=en", data=body, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"capacity"}


def test_an_oversize_body_is_413_with_or_without_content_length(app, client, staff):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"name": "' + b"x" * limit + b'"}'
    response = client.post("/api/v1/venues", data=body, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"

    # Chunked, as gunicorn passes it on: no Content-Length, the server ends the stream.
    environ = EnvironBuilder(
        "/api/v1/venues", method="POST", input_stream=io.BytesIO(body),
        headers={**staff, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    outer = _cv_app.set(None)  # a context of its own, as the test client's
    try:
        body_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    finally:
        _cv_app.reset(outer)
    assert status.startswith("413")
    assert json.loads(b"".join(body_iter))["error"]["code"] == "too_large"
    assert db.session.scalar(select(func.count(Venue.id))) == 0
    small = b'{"name": "' + "报告厅".encode() + b'"}'
    environ = EnvironBuilder(
        "/api/v1/venues", method="POST", input_stream=io.BytesIO(small),
        headers={**staff, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    outer = _cv_app.set(None)
    try:
        body_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    finally:
        _cv_app.reset(outer)
    assert status.startswith("201")
    assert json.loads(b"".join(body_iter))["name"] == "报告厅"


def test_a_lone_surrogate_is_dropped_like_a_nul(client, staff):
    body = '{"name": "\\ud800报告厅\\u0000\\u0007", "capacity": 30}'
    response = client.post("/api/v1/venues", data=body, headers={**staff, "Content-Type": "application/json"})
    assert response.status_code == 201
    assert response.get_json()["name"] == "报告厅"
    # a real pair is a character, kept
    response = client.post("/api/v1/venues", json={"name": "星空厅 \U0001F31F"}, headers=staff)
    assert response.get_json()["name"] == "星空厅 \U0001F31F"


def test_clean_text_drops_controls_and_surrogates_but_keeps_lines():
    assert clean_text(" a\x00b\x1b[1mc\ud800\x7f\nd\te\r\n ") == "ab[1mc\nd\te"


# --- over-long addresses and headers ---------------------------------------------------------


def test_an_overlong_address_is_answered_in_json_by_the_app(client):
    response = client.get("/api/v1/events?type=" + "x" * 5000)
    assert response.status_code == 414
    assert error_of(response)["code"] == "uri_too_long"


def test_an_overlong_header_is_answered_in_json_by_the_app(client):
    response = client.get("/api/v1/events", headers={"X-Long": "x" * 8100})
    assert response.status_code == 431
    assert error_of(response)["code"] == "headers_too_large"


@pytest.mark.parametrize(("name", "fits"), [("X-Long", MAX_HEADER_LENGTH - 6), ("Content-Type", MAX_HEADER_LENGTH - 12)])
def test_a_header_is_measured_with_its_name(client, name, fits):
    """WSGI keeps most headers as HTTP_X_LONG and two as CONTENT_TYPE, CONTENT_LENGTH: each is
    measured as name and value, up to MAX_HEADER_LENGTH and no further."""
    at_limit = client.get("/api/v1/events", headers={name: "x" * fits})
    assert at_limit.status_code != 431
    over = client.get("/api/v1/events", headers={name: "x" * (fits + 1)})
    assert over.status_code == 431 and error_of(over)["code"] == "headers_too_large"


def test_gunicorn_lets_through_what_the_app_answers_itself():
    config: dict = {}
    exec((Path(__file__).parents[2] / "gunicorn.conf.py").read_text(), config)
    assert config["limit_request_line"] > MAX_URL_LENGTH + 100
    assert config["limit_request_field_size"] >= MAX_HEADER_LENGTH + 100


# --- the contract -----------------------------------------------------------------------------


def test_a_conflict_carries_no_fields(client, staff, make_branch):
    make_branch(name="总馆")
    client.post("/api/v1/venues", json={"name": "报告厅", "branch": "总馆"}, headers=staff)
    response = client.post("/api/v1/venues", json={"name": "报告厅", "branch": "总馆"}, headers=staff)
    assert response.status_code == 409
    assert set(error_of(response)) == {"code", "message"}


def test_a_100k_title_names_the_rule_of_200(client, staff, make_venue):
    venue = make_venue()
    response = client.post("/api/v1/events?lang=en", json=event_body(venue.id, title="讲" * 100_000), headers=staff)
    assert response.status_code == 422
    assert error_of(response)["fields"]["title"] == "Give a title of 1 to 200 characters."
    response = client.post("/api/v1/competitions?lang=en", json={"title": "赛" * 100_000}, headers=staff)
    assert error_of(response)["fields"]["title"] == "Give a title of 1 to 200 characters."
    response = client.post("/api/v1/venues?lang=en", json={"name": "厅" * 100_000}, headers=staff)
    assert error_of(response)["fields"]["name"] == "Use at most 120 characters."


def test_ics_says_its_charset_once(client, make_event):
    event = make_event()
    assert client.get(f"/events/{event.id}.ics").headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert client.get("/calendar.ics").headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_the_description_matches_the_code(client, staff, make_event):
    spec = client.get("/api/v1/openapi.json").get_json()
    search = spec["paths"]["/events/{event_id}/registrations"]["get"]
    assert [p for p in search["parameters"] if p["name"] == "q"][0].get("required", False) is False
    listing = spec["paths"]["/events"]["get"]
    to = [p for p in listing["parameters"] if p["name"] == "to"][0]
    assert {"type": "string", "maxLength": 0} in to["schema"]["anyOf"]
    assert client.get("/api/v1/events?to=").status_code == 200
    event = make_event()
    assert client.get(f"/api/v1/events/{event.id}/registrations", headers=staff).status_code == 200
    check_in = spec["components"]["schemas"]["CheckInIn"]
    assert check_in["anyOf"] == [{"required": ["token"]}, {"required": ["registration_id"]}]
    response = client.post("/api/v1/checkins?lang=en", json={}, headers=staff)
    assert response.status_code == 422
    assert error_of(response)["fields"] == {"token": "This field is required."}
    for operation in (op for item in spec["paths"].values() for op in item.values()):
        if "requestBody" in operation:
            assert {"400", "413"} <= set(operation["responses"])


def test_nulls_the_code_reads_as_absent_are_described(client, staff):
    spec = client.get("/api/v1/openapi.json").get_json()
    venue = spec["components"]["schemas"]["VenueIn"]
    assert "null" in venue["properties"]["name_en"]["type"]
    assert "null" not in venue["properties"]["name"]["type"]  # required: null is refused
    response = client.post(
        "/api/v1/venues", json={"name": "大厅", "name_en": None, "branch": None, "capacity": None}, headers=staff
    )
    assert response.status_code == 201
    response = client.post("/api/v1/venues?lang=en", json={"name": None}, headers=staff)
    assert error_of(response)["fields"] == {"name": "This field is required."}


def test_the_door_page_reads_a_huge_registration_id_as_none(client, login, make_user, make_event):
    event = make_event(starts_at=datetime.now(timezone.utc) + timedelta(minutes=30))
    login(make_user("staff"))
    url = f"/scan/{event.id}?lang=en"
    csrf = csrf_token_from(client, url)
    response = client.post(url, data={"csrf_token": csrf, "registration_id": str(HUGE)})
    assert response.status_code == 404
    assert "This is not a valid ticket." in response.get_data(as_text=True)

"""The request log: one line per request with the route's pattern, never a ticket's token, a
query string or an address; JSON objects with OUTREACH_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from outreach import _json_formatter
from outreach.extensions import db
from outreach.registration import services


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="outreach.requests")
    return lambda: [r for r in caplog.records if r.name == "outreach.requests"]


def test_a_ticket_page_is_logged_without_its_token(client, make_event, request_log):
    registration = services.register(make_event(), name="王秀英", phone="13800138000").registration
    db.session.commit()
    token = services.ticket_token(registration)
    assert client.get(f"/t/{token}?lang=en").status_code == 200
    (record,) = request_log()
    assert (record.method, record.path, record.status) == ("GET", "/t/<token>", 200)
    assert record.getMessage().startswith("GET /t/<token> 200 ")
    assert record.bytes > 1000 and record.ms >= 0
    text = record.getMessage() + json.dumps(record.__dict__, default=str)
    assert token not in text and "lang=en" not in text and "王秀英" not in text and "13800138000" not in text


def test_ids_are_kept_and_searches_dropped(client, login, make_user, make_event, request_log):
    event = make_event()
    login(make_user("staff"))
    client.get(f"/staff/events/{event.id}?q=13800138000")
    assert [(r.method, r.path, r.status) for r in request_log()][-1] == ("GET", f"/staff/events/{event.id}", 200)
    assert all("13800138000" not in r.getMessage() for r in request_log())


def test_an_address_that_matches_no_route(client, request_log):
    client.get("/no/such/page/13800138000")
    assert [(r.path, r.status) for r in request_log()] == [("(no route)", 404)]


def test_json_lines(make_app, caplog, request_log):
    app = make_app(LOG_FORMAT="json")
    try:
        handler = next(h for h in logging.getLogger("outreach").handlers if getattr(h, "outreach", False))
        assert isinstance(handler.formatter, JsonFormatter)
        app.test_client().get("/healthz")
        (record,) = request_log()
        line = json.loads(_json_formatter().format(record))
        assert {k: line[k] for k in ("level", "logger", "method", "path", "status")} == {
            "level": "INFO", "logger": "outreach.requests", "method": "GET", "path": "/healthz", "status": 200,
        }
        assert line["message"].startswith("GET /healthz 200 ") and "time" in line
    finally:
        make_app()
    assert not isinstance(handler.formatter, JsonFormatter)

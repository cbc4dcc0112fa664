"""What the door's busiest request costs: the check-in by token runs three statements (token
and user, ticket and event, the guarded insert), a bearer request has no session cookie to
read or write, and the closed-year rule, now a condition of the insert, still holds on the
API for staff and lets an administrator through, audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from flask.sessions import NullSession
from sqlalchemy import func, select

from outreach import clock
from outreach.extensions import db
from outreach.platform import closing
from outreach.platform.models import AuditEntry
from outreach.registration import services
from outreach.registration.models import CheckIn
from tests.helpers import count_statements, new_phone


@pytest.fixture
def soon(make_event):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    return make_event(starts_at=start, capacity=None)


def ticket(event) -> str:
    token = services.register(event, name="张三", phone=new_phone()).token
    db.session.commit()
    return token


def test_a_check_in_by_token_runs_three_statements(client, soon, make_user, api_token):
    staff = api_token(make_user("staff"))
    token, event_id = ticket(soon), soon.id
    db.session.expunge_all()  # nothing known beforehand, as in a fresh request of a worker
    with count_statements() as counted:
        answer = client.post("/api/v1/checkins", json={"token": token, "event_id": event_id}, headers=staff)
    assert answer.status_code == 200 and answer.get_json()["result"] == "checked_in"
    tables = [" ".join(s.split()).split(" FROM ", 1)[1].split()[0] if s.lstrip().upper().startswith("SELECT") else s.split()[0:3]
              for s in counted]
    assert counted.n == 3, counted
    assert tables[0] == "users" and tables[1] == "registrations"  # the token's user; the ticket with its event
    assert tables[2] == ["INSERT", "INTO", "checkins"]  # guarded: still confirmed, year open, once a day
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_the_printed_number_and_a_wrong_or_unknown_event_are_told_as_before(client, soon, make_event, make_user, api_token):
    staff = api_token(make_user("staff"))
    token = ticket(soon)
    other = make_event(starts_at=soon.starts_at)
    unknown = client.post("/api/v1/checkins", json={"token": token, "event_id": 999999}, headers=staff)
    assert unknown.status_code == 422 and set(unknown.get_json()["error"]["fields"]) == {"event_id"}
    forged = client.post("/api/v1/checkins", json={"token": "nonsense", "event_id": 999999}, headers=staff)
    assert forged.status_code == 422
    wrong = client.post("/api/v1/checkins", json={"token": token, "event_id": other.id}, headers=staff)
    assert wrong.status_code == 409 and wrong.get_json()["error"]["code"] == "wrong_event"
    registration_id = db.session.scalar(select(CheckIn.registration_id)) or services.find_by_token(token).id
    number = client.post("/api/v1/checkins", json={"token": f"#{registration_id}", "event_id": soon.id}, headers=staff)
    assert number.status_code == 200 and number.get_json()["result"] == "checked_in"


def test_a_bearer_request_gets_no_session(app, make_user, api_token):
    bearer = api_token(make_user("staff"))
    with app.test_request_context("/api/v1/checkins", method="POST", headers=bearer):
        from flask import request

        assert isinstance(app.session_interface.open_session(app, request), NullSession)
    with app.test_request_context("/api/v1/checkins", method="POST"):
        from flask import request

        assert not isinstance(app.session_interface.open_session(app, request), NullSession)


def test_a_page_asked_with_a_bearer_header_keeps_its_session(client, make_user, api_token):
    """Only the API judges a request by its token: a page (which may remember ?lang=) does not."""
    answer = client.get("/?lang=en", headers=api_token(make_user("staff")))
    assert answer.status_code == 200
    assert "session=" in answer.headers.get("Set-Cookie", "")


def test_a_bearer_check_in_sets_no_cookie(client, soon, make_user, api_token):
    staff = api_token(make_user("staff"))
    answer = client.post("/api/v1/checkins", json={"token": ticket(soon), "event_id": soon.id},
                         headers={**staff, "Accept-Language": "en"})
    assert answer.status_code == 200 and "Set-Cookie" not in answer.headers


@pytest.fixture
def in_a_closed_year(make_event, make_user, monkeypatch):
    """An event of 2018 with its door open at the frozen time, and 2018 closed."""
    start = datetime(2018, 4, 1, 2, 0, tzinfo=timezone.utc)
    event = make_event(starts_at=start, capacity=None)
    admin = make_user("admin")
    monkeypatch.setattr(clock, "now", lambda: start - timedelta(minutes=10))
    tokens = [services.register(event, name=f"读者{n}", phone=new_phone(), now=start - timedelta(days=2)).token
              for n in range(3)]
    db.session.commit()
    closing.close_year(2018, admin)
    db.session.commit()
    return event, admin, tokens


def test_staff_cannot_check_in_through_the_api_in_a_closed_year(client, in_a_closed_year, make_user, api_token):
    event, _admin, tokens = in_a_closed_year
    staff = api_token(make_user("staff"))
    refused = client.post("/api/v1/checkins", json={"token": tokens[0], "event_id": event.id},
                          headers={**staff, "Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "year_closed"
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_an_admin_checks_in_in_a_closed_year_audited_and_a_second_scan_by_staff_is_told(
    client, in_a_closed_year, make_user, api_token
):
    event, admin, tokens = in_a_closed_year
    first = client.post("/api/v1/checkins", json={"token": tokens[1], "event_id": event.id}, headers=api_token(admin))
    assert first.status_code == 200 and first.get_json()["result"] == "checked_in"
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "checkin.closed_year")) == 1
    again = client.post("/api/v1/checkins", json={"token": tokens[1], "event_id": event.id},
                        headers=api_token(make_user("staff")))
    assert again.status_code == 200 and again.get_json()["result"] == "already_checked_in"
    assert again.get_json()["checkin_id"] == first.get_json()["checkin_id"]
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_a_bearer_request_skips_flask_logins_session_checks(client, soon, make_user, api_token, monkeypatch):
    from outreach.extensions import login_manager

    def no_session_here(*args, **kwargs):
        raise AssertionError("a bearer request has no session to check")

    monkeypatch.setattr(type(login_manager), "_session_protection_failed", no_session_here)
    monkeypatch.setattr(type(login_manager), "_load_user_from_remember_cookie", no_session_here)
    staff = api_token(make_user("staff"))
    answer = client.post("/api/v1/checkins", json={"token": ticket(soon), "event_id": soon.id}, headers=staff)
    assert answer.status_code == 200
    refused = client.post("/api/v1/checkins", json={"token": "x", "event_id": soon.id},
                          headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"


def test_security_headers_are_worked_out_once_per_view_and_stay_the_same(client, soon, make_user, api_token, monkeypatch):
    from flask_talisman import Talisman

    worked_out = []
    original = Talisman._get_local_options

    def counting(self):
        worked_out.append(1)
        return original(self)

    monkeypatch.setattr(Talisman, "_get_local_options", counting)
    staff = api_token(make_user("staff"))
    answers = [client.post("/api/v1/checkins", json={"token": ticket(soon), "event_id": soon.id}, headers=staff)
               for _ in range(3)]
    assert len(worked_out) <= 1  # the first request of the view, if no earlier test served it
    page = client.get("/")
    for answer in [*answers, page]:
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert answer.headers["Permissions-Policy"] == "camera=(self), microphone=(), geolocation=()"
    assert "Strict-Transport-Security" not in answers[0].headers  # set per request, and only with FORCE_HTTPS
    secure = client.post("/api/v1/checkins", json={"token": ticket(soon), "event_id": soon.id},
                         headers=staff, base_url="https://outreach.test")
    assert secure.status_code == 200

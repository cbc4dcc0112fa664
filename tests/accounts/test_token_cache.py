"""A process takes an API token it found valid at its word for ``API_TOKEN_CACHE_SECONDS``
(outreach/accounts/tokencache.py): a door phone's requests after the first ask nothing about
its token. A change to the token or its account counts at once in the process that made it,
and in the others once the time is up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from outreach.accounts import services, tokencache
from outreach.accounts.models import ApiToken, User
from outreach.extensions import db
from outreach.registration import services as registration
from outreach.registration.models import CheckIn
from tests.helpers import (
    PASSWORD,
    count_statements,
    csrf_token_from,
    new_phone,
    text_of,
    token_in_use,
)


@pytest.fixture
def app_overrides() -> dict:
    """The suite's app with the tokens remembered for 5 seconds, as in production."""
    return {"API_TOKEN_CACHE_SECONDS": 5}


@pytest.fixture
def clock_of_the_cache(monkeypatch):
    """The monotonic clock the cache reads, moved by hand."""
    state = {"now": 1000.0}
    monkeypatch.setattr(tokencache, "monotonic", lambda: state["now"])
    return state


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture
def bearer(staff):
    token = token_in_use(staff)
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def asks_about_tokens(statements) -> bool:
    return any("api_tokens" in s or " users" in s for s in statements)


def test_the_second_request_asks_nothing_about_its_token(client, bearer, clock_of_the_cache):
    with count_statements() as first:
        assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    with count_statements() as second:
        assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    assert asks_about_tokens(first) and not asks_about_tokens(second)
    assert second.n == first.n - 1
    clock_of_the_cache["now"] += 5  # the time is up: asked again
    with count_statements() as third:
        assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    assert asks_about_tokens(third)


def test_a_door_phones_next_check_in_runs_two_statements(client, make_event, bearer, clock_of_the_cache):
    event = make_event(starts_at=datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30),
                       capacity=None)
    tokens = [registration.register(event, name=f"读者{n}", phone=new_phone()).token for n in range(2)]
    db.session.commit()
    first = client.post("/api/v1/checkins", json={"token": tokens[0], "event_id": event.id}, headers=bearer)
    assert first.status_code == 200
    with count_statements() as counted:
        second = client.post("/api/v1/checkins", json={"token": tokens[1], "event_id": event.id}, headers=bearer)
    assert second.status_code == 200 and second.get_json()["result"] == "checked_in"
    assert counted.n == 2, counted  # the ticket with its event; the guarded insert
    assert "FROM registrations" in counted[0] and counted[1].lstrip().startswith("INSERT INTO checkins")
    assert db.session.scalar(select(func.count(CheckIn.id))) == 2


def test_a_token_revoked_here_is_refused_at_once(client, staff, bearer, clock_of_the_cache):
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    token = db.session.scalars(select(ApiToken).where(ApiToken.user_id == staff.id)).one()
    services.revoke_token(token, actor=staff)
    db.session.commit()
    refused = client.get("/api/v1/venues", headers=bearer)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"


def test_all_tokens_revoked_here_are_refused_at_once(client, staff, bearer, clock_of_the_cache):
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    assert services.revoke_all_tokens(staff, actor=staff) == 1
    db.session.commit()
    assert client.get("/api/v1/venues", headers=bearer).status_code == 401


def test_an_account_closed_here_is_refused_at_once(client, staff, bearer, clock_of_the_cache):
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    staff.is_active_account = False
    db.session.commit()
    assert client.get("/api/v1/venues", headers=bearer).status_code == 401


def test_a_role_taken_away_here_counts_at_once(client, staff, bearer, make_event, clock_of_the_cache):
    event = make_event(starts_at=datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30))
    ticket = registration.register(event, name="张三", phone=new_phone()).token
    db.session.commit()
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    staff.role = "keeper"  # records a reading room, works no door
    db.session.commit()
    refused = client.post("/api/v1/checkins", json={"token": ticket, "event_id": event.id}, headers=bearer)
    assert refused.status_code == 403
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_another_process_change_counts_once_the_time_is_up(client, staff, bearer, clock_of_the_cache):
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200
    with db.engine.begin() as elsewhere:  # as another worker would: no session of this process sees it
        elsewhere.execute(update(ApiToken).values(revoked_at=datetime.now(timezone.utc)))
    clock_of_the_cache["now"] += 4.9
    assert client.get("/api/v1/venues", headers=bearer).status_code == 200  # taken at its word
    clock_of_the_cache["now"] += 0.1
    assert client.get("/api/v1/venues", headers=bearer).status_code == 401


def test_without_the_cache_every_request_asks(make_app, bearer, clock_of_the_cache):
    app = make_app(API_TOKEN_CACHE_SECONDS=0)  # the same database
    client = app.test_client()
    for _ in range(2):
        with app.app_context(), count_statements() as counted:
            assert client.get("/api/v1/venues", headers=bearer).status_code == 200
        assert asks_about_tokens(counted)
    assert app.extensions.get("outreach.api_tokens", {}) == {}


def test_only_a_digest_and_no_password_hash_are_kept(app, staff, bearer, clock_of_the_cache):
    token = bearer["Authorization"].split()[1]
    first = services.user_for_token(token)
    again = services.user_for_token(token)
    assert first is again  # the same session already holds the account: no second one
    kept = app.extensions["outreach.api_tokens"]
    assert list(kept) == [services._digest(token)] and token not in repr(kept)
    assert "password_hash" not in next(iter(kept.values())).account
    db.session.expunge_all()
    remembered = services.user_for_token(token)  # made from the cache, in a session of its own
    assert remembered.id == staff.id and remembered.role == "staff"
    assert remembered.password_hash == db.session.scalar(select(User.password_hash).where(User.id == staff.id))
    assert remembered not in db.session.dirty  # as if loaded: nothing to write back


def test_the_account_page_tells_how_soon_a_revoked_token_stops(client, make_user, staff, bearer, login, make_app):
    admin = make_user("admin")
    login(admin)
    english = text_of(client.get(f"/admin/accounts/{staff.id}?lang=en"))
    assert "a revoked token stops working within 5 seconds." in english
    chinese = text_of(client.get(f"/admin/accounts/{staff.id}?lang=zh_Hans"))
    assert "令牌吊销后 5 秒内失效。" in chinese
    at_once = make_app(API_TOKEN_CACHE_SECONDS=0)  # the same database
    other = at_once.test_client()
    assert other.post("/login", data={"email": admin.email, "password": PASSWORD,
                                      "csrf_token": csrf_token_from(other)}).status_code == 302
    page = text_of(other.get(f"/admin/accounts/{staff.id}?lang=en"))
    assert "a revoked token no longer works." in page and "stops working" not in page

"""Failed sign-ins counted per account with a growing wait (outreach/accounts/throttle.py), and
the staff's sign-in kept apart from the public's traffic."""

from __future__ import annotations

import re

import pytest

from outreach.accounts import throttle
from outreach.platform import ratelimit
from tests.helpers import PASSWORD, IsolatedClient, csrf_token_from, in_days

WRONG = "not-the-password"


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(ratelimit, "time", fake)
    monkeypatch.setattr(throttle, "time", fake)
    return fake


@pytest.fixture
def limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    app.test_client_class = IsolatedClient

    def sign_in(email, password=WRONG, **kwargs):
        client = app.test_client()  # each try from a fresh browser, all from the same address
        token = csrf_token_from(client)
        return client.post("/login?lang=en", data={"email": email, "password": password, "csrf_token": token}, **kwargs)

    return sign_in


def test_five_failures_make_the_account_wait_longer_each_time(app, clock, limited, make_user):
    user = make_user("staff")
    assert [limited(user.email).status_code for _ in range(5)] == [422] * 5
    # The right password now waits too: the account is not guessed at any faster.
    response = limited(user.email, PASSWORD)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Too many failed sign-ins with this e-mail address. Please wait 1 minute and try again." in html
    assert 'id="password-error"' in html

    clock.now += 61
    assert limited(user.email).status_code == 422  # the sixth failure: two minutes
    assert "Please wait 2 minutes" in limited(user.email, PASSWORD).get_data(as_text=True)
    clock.now += 121
    assert limited(user.email).status_code == 422  # the seventh: four minutes
    assert "Please wait 4 minutes" in limited(user.email, PASSWORD).get_data(as_text=True)
    clock.now += 180
    assert "Please wait 1 minute " in limited(user.email, PASSWORD).get_data(as_text=True)

    # Another account signs in meanwhile, from the same address.
    other = make_user("staff")
    assert limited(other.email, PASSWORD).status_code == 302

    clock.now += 61
    assert limited(user.email, PASSWORD).status_code == 302  # success starts the count again
    assert [limited(user.email).status_code for _ in range(5)] == [422] * 5
    assert limited(user.email).status_code == 429


def test_the_wait_is_capped(app, clock, make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_MAX_WAIT_MINUTES=3)
    user = make_user("staff")
    with app.test_request_context():
        for _ in range(5):
            throttle.failed(user.email)
        assert throttle.seconds_to_wait(user.email) == 60
        for expected in (120, 180, 180):
            clock.now += 600
            throttle.failed(user.email)
            assert throttle.seconds_to_wait(user.email) == expected
        # Known by a digest of the address, never by the address itself.
        keys = ratelimit.SQLiteStorage(app.config["RATELIMIT_STORAGE_URI"])._connection().execute(
            "SELECT key FROM ratelimit_counters").fetchall()
        assert keys and not any(user.email in key or "example.org" in key for (key,) in keys)


def test_the_wait_tells_nothing_about_whether_the_account_exists(app, clock, limited, make_user):
    user = make_user("staff", email="real@example.org")
    answers = []
    for email in (user.email, "nobody@example.org"):
        statuses = [limited(email).status_code for _ in range(6)]
        page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", limited(email).get_data(as_text=True))
        page = page.replace(email, "EMAIL")
        answers.append((statuses, page))
    assert answers[0][0] == answers[1][0] == [422] * 5 + [429]
    assert answers[0][1] == answers[1][1]


def test_the_address_limit_lets_a_library_behind_one_address_sign_in(app, clock, limited, make_user):
    users = [make_user("staff") for _ in range(12)]
    for user in users:  # a morning's mistyped passwords from one address
        assert limited(user.email).status_code == 422
        assert limited(user.email, PASSWORD).status_code == 302


def test_staff_sign_in_while_the_public_has_used_up_its_limit(make_app, make_event, make_user):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_WRITE="3 per minute")
    event = make_event(starts_at=in_days(2))
    user = make_user("staff")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    statuses = [
        client.post(f"/api/v1/events/{event.id}/registrations",
                    json={"name": "张三", "phone": f"1380000000{n}", "party_size": 1}).status_code
        for n in range(5)
    ]
    assert statuses == [201] * 3 + [429] * 2
    token = csrf_token_from(client)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_no_waiting_when_rate_limits_are_off(app, client, make_user):
    user = make_user("staff")
    token = csrf_token_from(client)
    for _ in range(8):
        client.post("/login", data={"email": user.email, "password": WRONG, "csrf_token": token})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302

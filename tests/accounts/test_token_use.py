"""A token's "last used", as an administrator sees it on the account page and ``flask users
tokens`` prints it: written on a token's first use and then at most once an hour, from a read
(which never commits) as from a write, and never a reason for a request to fail."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.accounts import services
from outreach.accounts.models import ApiToken
from outreach.extensions import db
from tests.helpers import count_statements, text_of

T0 = datetime(2026, 12, 7, 1, 30, tzinfo=timezone.utc)  # 09:30 in the library


@pytest.fixture
def at(monkeypatch):
    state = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    monkeypatch.setattr(services, "_note_failed", {})  # this process's memory of failed notes, each test its own
    return state


@pytest.fixture
def api_token(app):
    """A new token, never used (the suite's own fixture gives tokens already in use)."""
    def factory(user) -> dict:
        token = services.issue_token(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return factory


def last_used() -> datetime | None:
    db.session.expire_all()
    return db.session.scalar(select(ApiToken.last_used_at))


def test_a_read_notes_the_first_use_then_once_an_hour(client, make_user, api_token, at):
    headers = api_token(make_user("staff"))
    assert last_used() is None
    assert client.get("/api/v1/venues", headers=headers).status_code == 200
    assert last_used() == T0
    at["now"] = T0 + timedelta(minutes=59)
    with count_statements() as counted:
        assert client.get("/api/v1/venues", headers=headers).status_code == 200
    assert last_used() == T0 and not any(s.lstrip().upper().startswith("UPDATE") for s in counted)
    at["now"] = T0 + timedelta(hours=1, minutes=5)
    assert client.get("/api/v1/venues", headers=headers).status_code == 200
    assert last_used() == T0 + timedelta(hours=1, minutes=5)


def test_a_write_notes_it_with_its_own_commit(client, make_user, api_token, at):
    headers = api_token(make_user("staff"))
    made = client.post("/api/v1/venues", json={"name": "少儿阅览室"}, headers=headers)
    assert made.status_code == 201 and last_used() == T0


def test_a_refused_write_still_counts_as_a_use_on_a_connection_of_its_own(client, make_user, api_token, at):
    """A request that fails rolls back its own transaction; the use was a use all the same,
    except on SQLite where the request held the write lock and carried it (the next use writes it)."""
    headers = api_token(make_user("staff"))
    refused = client.post("/api/v1/venues", json={"name": ""}, headers=headers)
    assert refused.status_code == 422
    expected = None if db.engine.dialect.name == "sqlite" else T0
    assert last_used() == expected
    client.get("/api/v1/venues", headers=headers)
    assert last_used() == T0


def test_a_revoked_or_unknown_token_notes_nothing(client, make_user, api_token, at):
    user = make_user("staff")
    headers = api_token(user)
    services.revoke_token(db.session.scalar(select(ApiToken)), actor=user)
    db.session.commit()
    assert client.get("/api/v1/venues", headers=headers).status_code == 401
    assert last_used() is None


def test_the_account_page_and_the_command_show_it(client, runner, make_user, api_token, login, at):
    door = make_user("staff", email="door@example.org")
    headers = api_token(door)  # made at 09:30
    api_token(door)  # a second one, never used
    at["now"] = T0 + timedelta(hours=2, minutes=15)
    client.get("/api/v1/venues", headers=headers)
    login(make_user("admin"))
    html = text_of(client.get(f"/admin/accounts/{door.id}?lang=en"))
    # made, then last used (Babel puts a narrow no-break space before AM)
    assert re.search(r"<td>12/7/26, 9:30\sAM</td>\s*<td>12/7/26, 11:45\sAM</td>", html)
    assert re.search(r"<td>12/7/26, 9:30\sAM</td>\s*<td>Not used yet</td>", html)
    assert "<td>尚未使用</td>" in text_of(client.get(f"/admin/accounts/{door.id}?lang=zh_Hans"))
    printed = runner.invoke(args=["users", "tokens", "door@example.org"]).output
    assert "made 2026-12-07 01:30 UTC\tlast used 2026-12-07 03:45 UTC\tactive" in printed


def test_a_read_does_not_wait_on_a_long_writer_for_its_note(client, make_user, api_token, at, caplog):
    """Another writer holds the lock (SQLite's write lock; on PostgreSQL the token's row): the
    note waits its short while, gives up with a warning, and the read answers; for five minutes
    this process does not try that token's note again; then it does."""
    headers = api_token(make_user("staff"))
    with db.engine.connect() as writer:
        if db.engine.dialect.name == "sqlite":
            writer.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            writer.execute(select(ApiToken.id).with_for_update())
        with count_statements() as tried:
            assert client.get("/api/v1/venues", headers=headers).status_code == 200
        assert any(s.lstrip().upper().startswith("UPDATE API_TOKENS") for s in tried)
        assert any("busy_timeout = 200" in s or "lock_timeout = '200ms'" in s for s in tried)
        assert "could not note an API token's use (OperationalError)" in caplog.text
        at["now"] = T0 + timedelta(minutes=4)
        with count_statements() as again:
            assert client.get("/api/v1/venues", headers=headers).status_code == 200
        assert not any(s.lstrip().upper().startswith("UPDATE") for s in again)
        writer.rollback()
    assert last_used() is None
    at["now"] = T0 + timedelta(minutes=6)
    assert client.get("/api/v1/venues", headers=headers).status_code == 200
    assert last_used() == T0 + timedelta(minutes=6)

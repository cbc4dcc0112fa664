"""Fixtures: an app on a migrated database (SQLite by default, PostgreSQL when
``OUTREACH_TEST_DATABASE_URL`` is set), a client, a CLI runner, log-in helpers and factories."""

from __future__ import annotations

import os
import shutil
import threading
from datetime import timedelta
from itertools import count

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.serving import make_server

from outreach import create_app
from outreach.extensions import db, limiter
from tests.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    IsolatedClient,
    csrf_token_from,
    empty_tables,
    in_days,
    token_in_use,
)

TEST_DB_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")
_seq = count(1)


def _base_config(tmp_path_factory) -> dict:
    if TEST_DB_URL:
        url = TEST_DB_URL
    else:
        url = "sqlite:///" + str(tmp_path_factory.mktemp("db") / "outreach-test.db")
    return {
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "TESTING": True,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "outreach.test",
        "JOBS_IMMEDIATE": True,
        # Each request asks the database about its token, so that a test's statement counts do
        # not depend on the request before it; tests/accounts/test_token_cache.py turns it on.
        "API_TOKEN_CACHE_SECONDS": 0,
    }


@pytest.fixture(scope="session")
def base_config(tmp_path_factory):
    config = _base_config(tmp_path_factory)
    app = create_app(config)
    with app.app_context():
        if TEST_DB_URL:  # start from nothing: drop what an earlier run left
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        db.engine.dispose()
    return config


@pytest.fixture
def make_app(base_config):
    """Build an app with some config changed (the database stays the same)."""
    apps = []

    def factory(**overrides):
        app = create_app({**base_config, **overrides})
        apps.append(app)
        if app.config["RATELIMIT_ENABLED"]:
            limiter.reset()  # the counters are kept in the instance folder: start each test from none
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app_overrides() -> dict:
    """Config the ``app`` fixture changes; a test module overrides this fixture to change it
    for its tests (tests/accounts/test_token_cache.py)."""
    return {}


@pytest.fixture
def app(make_app, app_overrides):
    app = make_app(**app_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        empty_tables()


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------------


@pytest.fixture
def make_user(app):
    from outreach.accounts.services import create_user

    def factory(role="staff", email=None, password=PASSWORD, name=None, **attrs):
        user = create_user(email or f"{role}{next(_seq)}@example.org", role=role, password=password, name=name)
        for key, value in attrs.items():
            setattr(user, key, value)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_branch(app):
    from outreach.places.models import Branch

    def factory(**attrs):
        n = next(_seq)
        values = {"name": f"分馆{n}", "name_en": f"Branch {n}", "kind": "branch", **attrs}
        branch = Branch(**values)
        db.session.add(branch)
        db.session.commit()
        return branch

    return factory


@pytest.fixture
def make_venue(app, make_branch):
    from outreach.places.models import Venue

    def factory(**attrs):
        n = next(_seq)
        if "branch" not in attrs and "branch_id" not in attrs:
            attrs["branch"] = make_branch()
        values = {"name": f"报告厅{n}", "name_en": f"Hall {n}", "kind": "room", "capacity": 120, **attrs}
        venue = Venue(**values)
        db.session.add(venue)
        db.session.commit()
        return venue

    return factory


@pytest.fixture
def make_event(app, make_venue):
    from outreach.events.services import create_event

    def factory(**overrides):
        n = next(_seq)
        values = {
            "title": f"讲座 {n}",
            "type": "lecture",
            "status": "published",
            "starts_at": in_days(7),
            "capacity": 100,
            **overrides,
        }
        values.setdefault("ends_at", values["starts_at"] + timedelta(hours=2))
        if "venue" not in values:
            values["venue"] = make_venue()
        event = create_event(**values)
        db.session.commit()
        return event

    return factory


# --- signing in --------------------------------------------------------------------------


@pytest.fixture
def login(client):
    """Sign ``user`` in through the real log-in form."""

    def do_login(user, password=PASSWORD):
        token = csrf_token_from(client)
        response = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do_login


@pytest.fixture
def api_token(app):
    """Authorization headers with a new token of ``user``, already in use (``token_in_use``)."""

    def factory(user) -> dict:
        token = token_in_use(user)
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return factory


# --- a live server and Debian's headless Chromium (never a downloaded browser) -------------

@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free loopback port for the length of a test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is needed for the browser tests: apt-get install chromium ({CHROMIUM} missing)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A tab under the pages' real Content-Security-Policy: anything it refuses (an inline
    style or script) fails the test, as it would break the page for its users."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy refused: " + "; ".join(refused[:3])

"""Faults the database may meet, and what a client sees: SQLite's write lock held past the busy
timeout, PostgreSQL's connection ended under a request (both a retryable 503 that writes
nothing), and a server killed with SIGKILL in the middle of a burst of registrations (no
confirmed registration lost, none half-written)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask import request
from sqlalchemy import create_engine, func, select, text

from outreach.extensions import db
from outreach.registration.models import Registration
from tests.conftest import TEST_DB_URL
from tests.helpers import IsolatedClient, csrf_token_from, new_phone, text_of

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def open_event(make_event):
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    return make_event(title="故障演练讲座", title_en="Fault drill", starts_at=start, capacity=10, max_party_size=4)


def registrations() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Registration))


# --- SQLite busy ----------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock():
    """Another process's transaction holding SQLite's write lock, as a long import would."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    db.session.remove()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None, timeout=5)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture
def impatient_client(make_app):
    """A client of the app with a busy timeout of half a second."""
    app = make_app(DATABASE_BUSY_TIMEOUT=0.5)
    app.test_client_class = IsolatedClient
    return app.test_client()


def test_sqlite_busy_gives_the_api_a_retryable_503(app, open_event, impatient_client):
    url = f"/api/v1/events/{open_event.id}/registrations?lang=en"
    body = {"name": "王小明", "phone": "13712345678", "party_size": 2}
    with write_lock():
        started = time.monotonic()
        response = impatient_client.post(url, json=body)
        waited = time.monotonic() - started
    assert 0.5 <= waited < 5
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json() == {"error": {
        "code": "busy", "message": "Many people are using the system right now. Please try again in a moment.",
    }}
    assert registrations() == 0
    # Once the lock is let go, the same request goes through.
    again = impatient_client.post(url, json=body)
    assert again.status_code == 201
    assert registrations() == 1


def test_sqlite_busy_gives_the_form_a_translated_busy_page(app, open_event, impatient_client):
    token = csrf_token_from(impatient_client, f"/events/{open_event.id}")
    data = {"name": "王小明", "phone": "13712345678", "party_size": "1", "consent": "y", "csrf_token": token}
    with write_lock():
        response = impatient_client.post(
            f"/events/{open_event.id}/register", data=data, headers={"Accept-Language": "zh-CN"}
        )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = text_of(response)
    assert "现在使用系统的人较多，请稍后再试。" in html
    assert "<code>busy</code>" in html
    assert registrations() == 0
    again = impatient_client.post(f"/events/{open_event.id}/register", data=data)
    assert again.status_code == 303
    assert registrations() == 1


def test_another_database_error_stays_a_500(app, make_app):
    """Only the errors a retry gets past are a 503: a broken query is a bug."""
    broken = make_app()

    @broken.get("/api/v1/broken-query")
    def broken_query():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return {}

    client = broken.test_client()
    response = client.get("/api/v1/broken-query?lang=en")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers
    assert response.get_json()["error"]["code"] == "server_error"


# --- PostgreSQL: the app's connection ended by the server -------------------------------------


def test_a_lost_postgresql_connection_is_a_retryable_503_then_the_next_request_succeeds(app, make_app, open_event):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs OUTREACH_TEST_DATABASE_URL on PostgreSQL")
    victim = make_app()
    killed = []

    @victim.before_request
    def end_this_connection_once():
        # The request's connection is checked out (and pre-pinged); the server then ends it,
        # as a restart or an administrator would, before the request's writes.
        if request.path.endswith("/registrations") and not killed:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
            admin = create_engine(TEST_DB_URL)
            with admin.begin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.dispose()
            killed.append(pid)

    victim.test_client_class = IsolatedClient
    client = victim.test_client()
    url = f"/api/v1/events/{open_event.id}/registrations?lang=en"
    body = {"name": "王小明", "phone": "13712345678", "party_size": 2}
    lost = client.post(url, json=body)
    assert killed
    assert lost.status_code == 503
    assert lost.headers["Retry-After"] == "5"
    assert lost.get_json() == {"error": {
        "code": "try_again", "message": "The connection to the database was lost. Please try again in a moment.",
    }}
    assert registrations() == 0
    retried = client.post(url, json=body)
    assert retried.status_code == 201
    assert retried.get_json()["party_size"] == 2
    assert registrations() == 1

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

from outreach import create_app
from outreach.events.services import create_event
from outreach.extensions import db
from outreach.places.models import Branch, Venue
from outreach.registration.models import Registration
from tests.helpers import IsolatedClient, csrf_token_from, text_of

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


def test_the_openapi_document_tells_every_route_may_answer_503(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "Retry-After" in document["components"]["responses"]["503"]["description"]
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert operations and all(
        op["responses"]["503"] == {"$ref": "#/components/responses/503"} for op in operations
    )
    register = document["paths"]["/events/{event_id}/registrations"]["post"]["responses"]
    assert {"201", "409", "422", "503"} <= set(register)


def test_the_engines_wait_for_a_busy_sqlite_and_check_a_postgresql_connection_before_use(tmp_path):
    sqlite = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k", "DATABASE_BUSY_TIMEOUT": 2,
                         "DATABASE_URL": f"sqlite:///{tmp_path / 'busy.db'}"})
    assert sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"] == {"connect_args": {"timeout": 2.0}}
    with sqlite.app_context():
        raw = db.engine.raw_connection()
        try:
            assert raw.driver_connection.execute("PRAGMA busy_timeout").fetchone() == (2000,)
        finally:
            raw.close()
        db.engine.dispose()
    postgresql = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "k",
                             "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    assert postgresql.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


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
            admin = create_engine(db.engine.url.render_as_string(hide_password=False))
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


# --- SIGKILL in the middle of a burst of registrations -----------------------------------------

SERVER_SECRET = "fault-test-secret"
#: The app of the server under test: its own instance folder, nothing from the worktree's.
SERVER_MODULE = '''import os
from outreach import create_app
app = create_app({"INSTANCE_PATH": os.environ["FAULT_INSTANCE"]})
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Gunicorn with two workers on a SQLite file, in a process group of its own."""

    def __init__(self, tmp: Path, db_path: Path):
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT}{os.pathsep}{tmp}",
            "FAULT_INSTANCE": str(tmp / "instance"),
            "OUTREACH_DATABASE_URL": f"sqlite:///{db_path}",
            "OUTREACH_SECRET_KEY": SERVER_SECRET,
            "OUTREACH_RATELIMIT_ENABLED": "0",
            "OUTREACH_LOG_LEVEL": "ERROR",
        }
        (tmp / "fault_wsgi.py").write_text(SERVER_MODULE)
        self.process = None

    def flask(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "fault_wsgi", *args], cwd=self.tmp, env=self.env,
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with open(self.tmp / "gunicorn.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "-w", "2", "-b", f"127.0.0.1:{self.port}",
                 "--log-level", "error", "fault_wsgi:app"],
                cwd=self.tmp, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/api/v1/events", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start: " + (self.tmp / "gunicorn.log").read_text()[-2000:])

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: nothing gets to clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def post_json(url: str, body: dict, key: str) -> tuple[int, dict]:
    request_ = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request_, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def make_fault_event(db_path: Path, capacity: int) -> int:
    """An open event in the server's database, made through the services."""
    app = create_app({"INSTANCE_PATH": str(db_path.parent / "instance"), "DATABASE_URL": f"sqlite:///{db_path}",
                      "SECRET_KEY": SERVER_SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        venue = Venue(name="报告厅", name_en="Hall", kind="room", capacity=120,
                      branch=Branch(name="总馆", name_en="Main", kind="branch"))
        db.session.add(venue)
        db.session.commit()
        start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
        event = create_event(title="故障演练讲座", type="lecture", status="published", starts_at=start,
                             ends_at=start + timedelta(hours=2), capacity=capacity, venue=venue, max_party_size=4)
        db.session.commit()
        event_id = event.id
        db.session.remove()
        db.engine.dispose()
    return event_id


REQUIRED = ("ticket_digest", "ticket_seed", "status", "name", "phone", "phone_digest", "party_size", "created_at",
            "consent_at", "client_key", "source")


def stored(db_path: Path) -> dict[str, dict]:
    """The registrations in the file, by client key, read with plain sqlite3 (as after a crash)."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = {row["client_key"]: dict(row) for row in conn.execute("SELECT * FROM registrations")}
        audited = {row[0] for row in conn.execute(
            "SELECT object_id FROM audit_log WHERE action = 'registration.create'")}
    finally:
        conn.close()
    for row in rows.values():
        row["audited"] = row["id"] in audited
    return rows


@pytest.mark.slow
def test_sigkill_mid_burst_loses_no_confirmed_registration_and_leaves_none_half_written(tmp_path):
    if os.environ.get("OUTREACH_TEST_DATABASE_URL"):
        pytest.skip("runs on a SQLite file of its own")
    db_path = tmp_path / "outreach.db"
    server = Server(tmp_path, db_path)
    server.flask("db", "upgrade")
    capacity = 40
    event_id = make_fault_event(db_path, capacity)
    url = f"{server.base}/api/v1/events/{event_id}/registrations"
    bodies = {f"burst-{n:04d}": {"name": f"读者{n}", "phone": f"139{n:08d}", "party_size": n % 4 + 1}
              for n in range(240)}
    answers: dict[str, tuple[int, dict]] = {}
    lost: list[str] = []
    kill_after = 30
    killed = threading.Event()
    lock = threading.Lock()

    def send(key: str) -> None:
        try:
            status, body = post_json(url, bodies[key], key)
        except (OSError, urllib.error.URLError, json.JSONDecodeError):
            with lock:
                lost.append(key)
            return
        with lock:
            answers[key] = (status, body)
            if len(answers) >= kill_after and not killed.is_set():
                killed.set()
                server.kill()

    server.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(send, bodies))
    finally:
        if not killed.is_set():
            server.stop()
    assert killed.is_set()
    assert lost, "the kill came after the burst: nothing was in flight"
    assert {status for status, _ in answers.values()} <= {201}

    rows = stored(db_path)
    # Every registration a client was told about is there, as it was told.
    for key, (_status, body) in answers.items():
        row = rows[f"api:{key}"]
        assert (row["id"], row["status"], row["party_size"]) == (body["id"], body["status"], body["party_size"])
    # None is half-written: every field, its audit line, the place it took or the list it waits on.
    for row in rows.values():
        assert all(row[column] is not None for column in REQUIRED), row
        assert row["audited"], row
        assert row["status"] in ("confirmed", "waitlisted")
        assert (row["confirmed_at"] is not None) == (row["status"] == "confirmed")
        assert row["source"] == "api"
    assert sum(r["party_size"] for r in rows.values() if r["status"] == "confirmed") <= capacity
    assert len({row["ticket_digest"] for row in rows.values()}) == len(rows)

    # Restarted, the server opens the file and takes the lost requests again: a request that
    # had been written answers with its first registration (200), the others are made (201).
    server.start()
    try:
        retried = {key: post_json(url, bodies[key], key) for key in lost[:20]}
    finally:
        server.stop()
    for key, (status, body) in retried.items():
        before = rows.get(f"api:{key}")
        assert status == (200 if before else 201), (key, status, body)
        if before:
            assert body["id"] == before["id"]
    after = stored(db_path)
    assert len(after) == len(rows) + sum(1 for key in retried if f"api:{key}" not in rows)
    assert sum(r["party_size"] for r in after.values() if r["status"] == "confirmed") <= capacity

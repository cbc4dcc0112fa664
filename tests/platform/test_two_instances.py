"""Several machines, here on one (docs/deploy.md): two app instances (gunicorn, each on its own
port with its own instance folder, behind a "proxy" that sets X-Forwarded-For) and two job
consumers (``flask jobs worker``), all on one PostgreSQL and one Redis, with a real SMTP server.

A member of staff signs in on one instance and is signed in on the other (sessions are cookies
signed with the one OUTREACH_SECRET_KEY; the form's CSRF token too). Patrons register from both
instances at once for the same small events: no event is overbooked,
the rest wait, and a person who sends the same registration to both gets one place. Two doors
check in the same tickets at once, one through each instance: each check-in is stored once and
the other door is told "already checked in". One address asking both instances shares one rate
limit (the counters are in Redis). Every message is delivered by the two consumers exactly once.

PostgreSQL only (two machines cannot share a SQLite file; CI's PostgreSQL run includes the slow
tests); it needs ``redis-server`` (apt-get install redis-server), which CI installs: there a
missing one fails the test instead of skipping it."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from outreach import clock
from outreach.extensions import db
from outreach.platform.models import OutboxMessage
from outreach.registration.models import CheckIn, Registration
from tests.helpers import PASSWORD, free_port

ROOT = Path(__file__).resolve().parents[2]
TEST_DB_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")

ON_POSTGRESQL = pytest.mark.skipif(
    not TEST_DB_URL,
    reason="several instances need a database server: runs on PostgreSQL (OUTREACH_TEST_DATABASE_URL), not on a SQLite file",
)

EVENTS = 3
CAPACITY = 5
PATRONS = 14  # per event, each through one instance or the other
TWICE = 2  # per event, patrons who send the same registration to both instances at once
LIMIT = 20  # the public-write limit, per address, across both instances
LIMITED_REQUESTS = 50


class Inbox:
    def __init__(self):
        self.message_ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message_id = message_from_bytes(envelope.content, policy=policy.default)["Message-ID"]
        with self.lock:
            self.message_ids.append(message_id)
        return "250 OK"


class Processes:
    """Subprocesses in sessions of their own, each logging to a file, all stopped at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict | None = None) -> None:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.running[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                              start_new_session=True)
        log.close()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, process in self.running.items():
            assert process.poll() is None, f"{name} exited ({process.returncode}):\n{self.log(name)[-3000:]}"

    def stop(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def redis_server() -> str:
    path = shutil.which("redis-server")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("redis-server is missing: .ci/run installs it (apt-get install redis-server)")
    pytest.skip("redis-server is not installed (apt-get install redis-server); CI installs it and runs this test")


def call(base: str, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """(status, JSON body) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_for(condition, seconds: float, what: str, processes: Processes) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        processes.check_alive()
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def healthy(base: str) -> bool:
    try:
        return call(base, "GET", "/healthz")[0] == 200
    except OSError:
        return False


def test_without_redis_server_ci_fails_and_elsewhere_skips(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="redis-server is missing"):
        redis_server()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="redis-server is not installed"):
        redis_server()


@pytest.mark.slow
@ON_POSTGRESQL
def test_two_instances_and_two_consumers_share_one_database_and_one_redis(
    app, base_config, make_event, make_user, api_token, tmp_path, capsys
):
    redis_binary = redis_server()
    now = clock.now()
    events = [make_event(title=f"星海讲坛 {n}", capacity=CAPACITY, starts_at=now - timedelta(minutes=10),
                         ends_at=now + timedelta(hours=3)) for n in range(EVENTS)]
    staff_user = make_user("staff")
    staff_email, staff = staff_user.email, api_token(staff_user)
    event_ids = [event.id for event in events]

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    processes = Processes(tmp_path)
    redis_port = free_port()
    ports = {"a": free_port(), "b": free_port()}
    bases = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    started = time.monotonic()
    smtp.start()
    try:
        processes.start("redis", [redis_binary, "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(tmp_path),
                                  "--save", "", "--appendonly", "no"])
        store = redis.Redis(port=redis_port)
        wait_for(lambda: _answers(store), 20, "redis-server", processes)

        common = {
            **os.environ,
            "OUTREACH_DATABASE_URL": base_config["DATABASE_URL"],
            "OUTREACH_SECRET_KEY": base_config["SECRET_KEY"],
            "OUTREACH_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "OUTREACH_SMTP_HOST": "127.0.0.1",
            "OUTREACH_SMTP_PORT": str(smtp.port),
            "OUTREACH_MAIL_FROM": "outreach@library.example.org",
            "OUTREACH_PROXY_FIX": "1",
            "OUTREACH_RATELIMIT_PUBLIC_WRITE": f"{LIMIT} per hour",
        }
        for name in ("a", "b"):  # each "machine" with an instance folder of its own: nothing shared through files
            env = {**common, "OUTREACH_INSTANCE_PATH": str(tmp_path / f"machine-{name}"), "OUTREACH_LOG_LEVEL": "WARNING"}
            processes.start(f"web-{name}", [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{ports[name]}",
                                            "--workers", "2", "--threads", "4", "wsgi:app"], env)
            env = {**env, "OUTREACH_LOG_LEVEL": "INFO"}
            processes.start(f"worker-{name}", [sys.executable, "-m", "flask", "--app", "outreach", "jobs", "worker",
                                               "--workers", "2"], env)
        for base in bases.values():
            wait_for(lambda base=base: healthy(base), 90, f"{base}/healthz", processes)
        ready = time.monotonic()

        # 0. One session on both: the form from a, signed in on b, the staff pages open on a.
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = browser.open(bases["a"] + "/login", timeout=60).read().decode()
        csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
        fields = urllib.parse.urlencode({"email": staff_email, "password": PASSWORD, "csrf_token": csrf}).encode()
        signed_in = browser.open(bases["b"] + "/login", data=fields, timeout=60)  # follows the redirect (on b)
        assert (signed_in.status, urllib.parse.urlsplit(signed_in.url).path) == (200, "/staff/")
        staff_page = browser.open(bases["a"] + "/staff/", timeout=60)
        assert (staff_page.status, urllib.parse.urlsplit(staff_page.url).path) == (200, "/staff/")

        # 1. Registrations from both instances at once.
        def register(event_index: int, patron: int, instance: str):
            body = {"name": f"读者{event_index}-{patron}", "phone": f"139{event_index:04d}{patron:04d}",
                    "party_size": 1, "email": f"reader{event_index}-{patron}@example.org"}
            address = f"198.51.100.{event_index * PATRONS + patron + 1}"
            return call(bases[instance], "POST", f"/api/v1/events/{event_ids[event_index]}/registrations", body,
                        {"X-Forwarded-For": address})

        attempts = [(e, p, "ab"[p % 2]) for e in range(EVENTS) for p in range(PATRONS)]
        attempts += [(e, p, "ba"[p % 2]) for e in range(EVENTS) for p in range(TWICE)]  # the same person, the other instance
        with ThreadPoolExecutor(16) as pool:
            answers = list(pool.map(lambda attempt: (attempt, register(*attempt)), attempts))
        assert [status for _attempt, (status, _body) in answers if status not in (200, 201)] == []
        created = [(attempt, body) for attempt, (status, body) in answers if status == 201]
        again = [(attempt, body) for attempt, (status, body) in answers if status == 200]
        assert len(created) == EVENTS * PATRONS and len(again) == EVENTS * TWICE  # one place per person
        by_person = {(e, p): body for (e, p, _i), body in created}
        assert all(by_person[(e, p)]["id"] == body["id"] for (e, p, _i), body in again)

        db.session.rollback()
        rows = db.session.execute(
            select(Registration.event_id, Registration.status, func.count(), func.sum(Registration.party_size))
            .group_by(Registration.event_id, Registration.status)
        ).all()
        assert sorted(rows) == sorted(
            [(event_id, "confirmed", CAPACITY, CAPACITY) for event_id in event_ids]
            + [(event_id, "waitlisted", PATRONS - CAPACITY, PATRONS - CAPACITY) for event_id in event_ids]
        )
        statuses = {body["id"]: body["status"] for body in by_person.values()}
        assert statuses == dict(db.session.execute(select(Registration.id, Registration.status)).all())

        # 2. Two doors, one through each instance, check in every confirmed ticket at the same moment.
        tickets = [body["ticket"]["token"] for body in by_person.values() if body["status"] == "confirmed"]
        assert len(tickets) == EVENTS * CAPACITY

        def both_doors(token: str):
            barrier = threading.Barrier(2)
            results = {}

            def door(instance: str):
                barrier.wait()
                results[instance] = call(bases[instance], "POST", "/api/v1/checkins", {"token": token}, staff)

            threads = [threading.Thread(target=door, args=(instance,)) for instance in "ab"]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return results

        with ThreadPoolExecutor(8) as pool:
            doors = list(pool.map(both_doors, tickets))
        assert all(sorted((status, body["result"]) for status, body in pair.values())
                   == [(200, "already_checked_in"), (200, "checked_in")] for pair in doors), doors
        db.session.rollback()
        checkins = db.session.execute(select(CheckIn.registration_id, func.count()).group_by(CheckIn.registration_id)).all()
        assert len(checkins) == EVENTS * CAPACITY and {n for _id, n in checkins} == {1}
        for event_id in event_ids:
            status, attendance = call(bases["a"], "GET", f"/api/v1/events/{event_id}/attendance", headers=staff)
            assert status == 200
            assert (attendance["registered"], attendance["waitlisted"], attendance["checked_in"]) == (
                CAPACITY, PATRONS - CAPACITY, CAPACITY)

        # 3. One address, both instances, one limit: LIMIT answers in all, the rest 429.
        def look(n: int):
            return call(bases["ab"[n % 2]], "GET", f"/api/v1/tickets/{tickets[0]}", headers={"X-Forwarded-For": "203.0.113.9"})[0]

        with ThreadPoolExecutor(10) as pool:
            limited = list(pool.map(look, range(LIMITED_REQUESTS)))
        assert (limited.count(200), limited.count(429)) == (LIMIT, LIMITED_REQUESTS - LIMIT)

        # 4. Every message delivered once, by the two consumers.
        def outbox() -> dict[str, int]:
            db.session.rollback()
            return dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())

        wait_for(lambda: set(outbox()) == {"sent"}, 120, "the outbox to be sent", processes)
        time.sleep(3)  # a message sent twice would arrive now
        messages = outbox()["sent"]
        kinds = dict(db.session.execute(select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)).all())
        assert kinds == {"registration.confirmed": EVENTS * CAPACITY, "registration.waitlisted": EVENTS * (PATRONS - CAPACITY)}
        assert len(inbox.message_ids) == len(set(inbox.message_ids)) == messages
        finished = time.monotonic()
        per_consumer = {name: processes.log(f"worker-{name}").count(" sent, subject") for name in "ab"}
        assert sum(per_consumer.values()) == messages
    finally:
        processes.stop()
        smtp.stop()

    with capsys.disabled():  # in CI's log too, for the note
        print(
            f"\ntwo instances, two consumers, one PostgreSQL, one Redis ({finished - started:.1f} s, "
            f"{ready - started:.1f} s of it starting):\n"
            f"  session: signed in on b with a's form, staff pages open on a\n"
            f"  registrations: {len(attempts)} requests ({EVENTS * TWICE} of them the same person on the other instance) -> "
            f"{len(created)} created, {len(again)} answered with the place already held; per event "
            f"{CAPACITY} confirmed of capacity {CAPACITY}, {PATRONS - CAPACITY} waitlisted\n"
            f"  check-ins: {len(tickets)} tickets x 2 doors at once -> {len(checkins)} stored, "
            f"{len(tickets)} answered already_checked_in\n"
            f"  rate limit {LIMIT} per address: {LIMITED_REQUESTS} requests across both -> "
            f"{limited.count(200)} allowed, {limited.count(429)} refused\n"
            f"  mail: {messages} outbox rows, {len(inbox.message_ids)} received, {len(set(inbox.message_ids))} distinct "
            f"Message-IDs (consumer a sent {per_consumer['a']}, b {per_consumer['b']})"
        )


def _answers(store: redis.Redis) -> bool:
    try:
        return bool(store.ping())
    except redis.ConnectionError:
        return False

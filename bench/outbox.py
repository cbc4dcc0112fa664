"""The outbox's figures (issue 14): messages a minute through it, and the time from cancelling
an event with 800 registrants to the last mail the mail server receives.

    .venv/bin/python bench/outbox.py [--messages 2000] [--registrants 800] [--consumers 1] [--workers 2] [--one-each]
    .venv/bin/python bench/outbox.py --database-url postgresql+psycopg://USER:PW@127.0.0.1/outreach_bench_outbox

Everything real and local: a fresh database (a temp SQLite file; and PostgreSQL when
``--database-url`` is given, or ``OUTREACH_BENCH_DATABASE_URL`` (the one ``make bench`` gives
bench/scale.py: its database name + ``_outbox``, or ``{size}`` in it replaced by ``outbox``):
**that database's schema is dropped and made anew**), a huey queue in a SQLite file, a mail
server (aiosmtpd on a free port of
127.0.0.1, in this process, taking every message at once) and ``--consumers`` processes of
``flask jobs worker --workers N``, started here and stopped (their own process groups) at the
end. For each database:

1. **throughput, one transaction**: ``--messages`` messages written to the outbox in one
   transaction (one ``deliver`` job with every id), from the commit to the last message
   received;
2. with ``--one-each``, **throughput, one transaction each**: the same number, each committed
   on its own (one job each, as registrations make them), from the first commit to the last
   message received (on PostgreSQL the 2,000 commits of this process take most of a minute);
3. **a cancellation**: an event with ``--registrants`` confirmed registrants who gave an
   e-mail address (inserted in bulk), cancelled by staff through the API
   (``POST /api/v1/events/<id>/status``, the staff service ``change_status``, with a bearer
   token, in this process's test client): how long the request took, and from sending it to
   the last cancellation message received.

Each run checks that every message arrived exactly once (by Message-ID) and that its outbox
row is ``sent``; the exit status is non-zero otherwise. Figures go to
``bench/results/outbox-<timestamp>.json`` too.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
#: This checkout's ``outreach``, not the one the virtualenv may have installed.
sys.path.insert(0, str(ROOT))
SECRET = "bench-outbox-secret"
PASSWORD = "bench-password-2026"


class Inbox:
    """What the mail server received: each message's Message-ID and when it arrived."""

    def __init__(self):
        self.lock = threading.Lock()
        self.arrivals: list[tuple[float, str]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        message_id = message_from_bytes(envelope.content, policy=policy.default)["Message-ID"]
        with self.lock:
            self.arrivals.append((time.perf_counter(), str(message_id)))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def since(self, first: int) -> list[tuple[float, str]]:
        with self.lock:
            return self.arrivals[first:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.005)


def settings(url: str, tmp: Path, smtp_port: int) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": SECRET, "INSTANCE_PATH": str(tmp / "instance"),
        "JOBS_IMMEDIATE": False, "JOBS_STORAGE": f"sqlite:///{tmp / 'jobs.sqlite3'}",
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "MAIL_FROM": "outreach@library.example.org",
        "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.local",
    }


def start_consumers(config: dict, count: int, workers: int, tmp: Path) -> list[tuple[subprocess.Popen, Path]]:
    env = {**os.environ, **{f"OUTREACH_{k}": str(v) for k, v in config.items()}}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    started = []
    for n in range(count):
        log = tmp / f"consumer-{n}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "outreach", "jobs", "worker", "--workers", str(workers)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        started.append((process, log))
    for process, log in started:
        wait_for(lambda log=log, process=process: "Consuming jobs" in log.read_text(errors="replace")
                 or process.poll() is not None, 60, "a consumer to start")
        if process.poll() is not None:
            raise SystemExit(f"a consumer stopped at once:\n{log.read_text(errors='replace')[-2000:]}")
    return started


def stop_consumers(started) -> None:
    for process, _log in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # its own group: the consumer and nothing else
    for process, _log in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def cpu_seconds(started) -> float:
    """User + system CPU time the consumers have used so far (from /proc): the cost of the
    work itself, which moves little when the machine is busy with other things."""
    total = 0.0
    for process, _log in started:
        try:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def fresh_database(app, url: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import text

    from outreach.extensions import db

    if not url.startswith("sqlite:"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()
    with contextlib.redirect_stderr(io.StringIO()):  # alembic's log of every migration
        upgrade()


def check_delivered(arrivals, ids: list[int]) -> list[str]:
    """Problems: a message received twice, a row not ``sent``."""
    from sqlalchemy import func, select

    from outreach.extensions import db
    from outreach.platform.models import OutboxMessage

    problems = []
    doubled = [m for m, n in Counter(m for _t, m in arrivals).items() if n > 1]
    if doubled:
        problems.append(f"{len(doubled)} message(s) received more than once")
    db.session.rollback()
    sent = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.id.in_(ids),
                                                                       OutboxMessage.status == "sent"))
    if sent != len(ids):
        problems.append(f"{len(ids) - sent} outbox row(s) not sent")
    if len(arrivals) != len(ids):
        problems.append(f"{len(arrivals)} messages received for {len(ids)} queued")
    return problems


def throughput(inbox: Inbox, count: int, consumers, *, one_transaction: bool, timeout: float) -> dict:
    from outreach.extensions import db
    from outreach.platform import mail

    first = inbox.count()
    rows = []
    cpu = cpu_seconds(consumers)
    began = time.perf_counter()
    if one_transaction:
        for n in range(count):
            rows.append(mail.queue(db.session, mail.Message(f"reader{n}@example.org", f"Bench message {n}", "Body " * 40,
                                                            kind="bench")))
        db.session.commit()
    else:
        for n in range(count):
            rows.append(mail.queue(db.session, mail.Message(f"reader{n}@example.org", f"Bench message {n}", "Body " * 40,
                                                            kind="bench")))
            db.session.commit()
    queued = time.perf_counter() - began
    ids = [row.id for row in rows]
    wait_for(lambda: inbox.count() - first >= count, timeout, f"{count} messages")
    time.sleep(0.3)  # a message sent twice would arrive now
    arrivals = inbox.since(first)
    cpu = cpu_seconds(consumers) - cpu
    last = max(t for t, _m in arrivals)
    seconds = last - began
    return {
        "messages": count, "queued_s": round(queued, 2), "seconds": round(seconds, 2),
        "per_minute": round(count / seconds * 60), "consumer_cpu_ms_per_message": round(cpu * 1000 / count, 1),
        "problems": check_delivered(arrivals, ids),
    }


def cancellation(app, inbox: Inbox, consumers, registrants: int, timeout: float) -> dict:
    from sqlalchemy import func, insert, select

    from outreach.accounts.services import create_user, issue_token
    from outreach.events.services import create_event, create_venue
    from outreach.extensions import db
    from outreach.phone import phone_digest
    from outreach.places.models import Branch
    from outreach.platform.models import OutboxMessage
    from outreach.registration.models import Registration
    from outreach.registration.tickets import new_ticket

    staff = create_user(email="staff@example.org", password=PASSWORD, name="馆员", role="staff")
    branch = Branch(name="醴陵市图书馆（总馆）", name_en="Liling Library (central)", kind="central")
    db.session.add(branch)
    venue = create_venue(name="报告厅", name_en="Lecture hall", branch=branch)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    event = create_event(title="星海讲坛：醴陵瓷的故事", title_en="The story of Liling porcelain", type="lecture",
                         status="published", starts_at=start, ends_at=start + timedelta(hours=2), venue=venue,
                         capacity=registrants + 100)
    db.session.flush()
    now = datetime.now(UTC)
    rows = []
    for n in range(registrants):
        seed, _token, digest = new_ticket()
        phone = f"139{n:08d}"
        rows.append({
            "event_id": event.id, "ticket_seed": seed, "ticket_digest": digest, "status": "confirmed",
            "name": f"读者{n:04d}", "phone": phone, "phone_digest": phone_digest(phone), "party_size": 1,
            "email": f"reader{n}@example.org", "locale": "zh_Hans" if n % 3 else "en",
            "consent_at": now, "confirmed_at": now, "source": "web", "created_at": now, "changed_at": now,
        })
    db.session.execute(insert(Registration), rows)
    token = issue_token(staff)
    db.session.commit()
    event_id = event.id
    db.session.remove()

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    first = inbox.count()
    cpu = cpu_seconds(consumers)
    began = time.perf_counter()
    response = client.post(f"/api/v1/events/{event_id}/status", headers=headers,
                           json={"status": "cancelled", "reason": "讲座嘉宾因病无法到场"})
    answered = time.perf_counter() - began
    # The request ran in this process's app context, which outlives it here (a server tears it
    # down): end its session, whose read after the commit holds SQLite's write lock.
    db.session.remove()
    problems = [] if response.status_code == 200 else [f"the cancel request answered {response.status_code}"]
    if not problems:
        try:
            wait_for(lambda: inbox.count() - first >= registrants, timeout, f"{registrants} cancellation messages")
        except SystemExit as error:
            db.session.rollback()
            statuses = db.session.execute(select(OutboxMessage.status, func.count()).where(
                OutboxMessage.event_id == event_id).group_by(OutboxMessage.status)).all()
            problems.append(f"{error}; the outbox says {dict(statuses)}, {inbox.count() - first} received")
    time.sleep(0.3)
    arrivals = inbox.since(first)
    cpu = cpu_seconds(consumers) - cpu
    last = max((t for t, _m in arrivals), default=began)
    ids = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.event_id == event_id)).all()
    problems += check_delivered(arrivals, list(ids))
    return {
        "registrants": registrants, "request_s": round(answered, 3), "to_last_mail_s": round(last - began, 2),
        "per_minute": round(len(arrivals) / (last - began) * 60) if arrivals else 0,
        "consumer_cpu_ms_per_message": round(cpu * 1000 / max(len(arrivals), 1), 1), "problems": problems,
    }


def run(db_kind: str, url: str | None, args) -> dict:
    from aiosmtpd.controller import Controller

    from outreach import create_app
    from outreach.extensions import db

    with tempfile.TemporaryDirectory(prefix="outreach-bench-outbox-") as folder:
        tmp = Path(folder)
        url = url or f"sqlite:///{tmp / 'bench.db'}"
        inbox = Inbox()
        port = free_port()
        server = Controller(inbox, hostname="127.0.0.1", port=port)
        server.start()
        config = settings(url, tmp, port)
        app = create_app({**config, "TESTING": True})
        logging.getLogger("outreach.requests").setLevel(logging.WARNING)
        consumers = []
        try:
            with app.app_context():
                fresh_database(app, url)
                db.engine.dispose()
                consumers = start_consumers(config, args.consumers, args.workers, tmp)
                result = {"database": db_kind, "consumers": args.consumers, "workers": args.workers}
                result["one_transaction"] = throughput(inbox, args.messages, consumers, one_transaction=True, timeout=args.timeout)
                print(f"  {db_kind}: {args.messages} messages in one transaction: {result['one_transaction']}", flush=True)
                if args.one_each:
                    result["one_each"] = throughput(inbox, args.messages, consumers, one_transaction=False, timeout=args.timeout)
                    print(f"  {db_kind}: {args.messages} messages, one transaction each: {result['one_each']}", flush=True)
                result["cancellation"] = cancellation(app, inbox, consumers, args.registrants, args.timeout)
                print(f"  {db_kind}: cancelling an event with {args.registrants} registrants: {result['cancellation']}",
                      flush=True)
                db.session.remove()
                db.engine.dispose()
        finally:
            stop_consumers(consumers)
            server.stop()
            if args.keep:
                kept = RESULTS / f"outbox-{db_kind}-logs"
                kept.mkdir(parents=True, exist_ok=True)
                for _process, log in consumers:
                    (kept / log.name).write_bytes(log.read_bytes())
    return result


def outbox_database(base_url: str | None) -> str | None:
    """The PostgreSQL database of this bench beside bench/scale.py's (never the same one)."""
    if not base_url:
        return None
    if "{size}" in base_url:
        return base_url.replace("{size}", "outbox")
    head, _, query = base_url.partition("?")
    return f"{head}_outbox" + (f"?{query}" if query else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--registrants", type=int, default=800)
    parser.add_argument("--consumers", type=int, default=1, help="flask jobs worker processes")
    parser.add_argument("--workers", type=int, default=2, help="threads of each consumer")
    parser.add_argument("--database-url", help="also on this PostgreSQL database (its schema is dropped and made anew)")
    parser.add_argument("--one-each", action="store_true", help="also queue the messages one transaction each")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for a run's last message")
    parser.add_argument("--keep", action="store_true", help="keep the consumers' logs in bench/results/")
    args = parser.parse_args()

    url = args.database_url or outbox_database(os.environ.get("OUTREACH_BENCH_DATABASE_URL"))
    runs = [("sqlite", None)] + ([("postgresql", url)] if url else [])
    results = []
    for db_kind, url in runs:
        print(f"{db_kind}: {args.consumers} consumer(s) x {args.workers} thread(s)", flush=True)
        results.append(run(db_kind, url, args))

    print()
    print(f"{'database':<11}{'run':<28}{'messages':>9}{'seconds':>9}{'msg/min':>9}{'CPU ms/msg':>11}{'request s':>11}")
    for r in results:
        for name, label in (("one_transaction", "one transaction"), ("one_each", "one transaction each")):
            if name not in r:
                continue
            x = r[name]
            print(f"{r['database']:<11}{label:<28}{x['messages']:>9}{x['seconds']:>9.2f}{x['per_minute']:>9}"
                  f"{x['consumer_cpu_ms_per_message']:>11.1f}{'':>11}")
        c = r["cancellation"]
        print(f"{r['database']:<11}{'cancel -> last mail':<28}{c['registrants']:>9}{c['to_last_mail_s']:>9.2f}"
              f"{c['per_minute']:>9}{c['consumer_cpu_ms_per_message']:>11.1f}{c['request_s']:>11.3f}")
    problems = [f"{r['database']} {name}: {p}" for r in results for name in ("one_transaction", "one_each", "cancellation")
                if name in r for p in r[name]["problems"]]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    (RESULTS / f"outbox-{stamp}.json").write_text(json.dumps(
        {"commit": commit, "options": {k: v for k, v in vars(args).items() if k != "database_url"}, "results": results},
        indent=2))
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    print("\nevery message arrived once and its outbox row is sent")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The job worker as it runs in production: ``flask jobs worker`` in a process of its own,
consuming a SQLite-file queue, sending the outbox to a real SMTP server. Killed (SIGKILL) in
the middle of a batch of 100 messages and started again, it delivers every message: the ones
it had sent stay sent, the one it was sending is taken up again, and a repeat keeps its
Message-ID so that a receiving server can tell it is the same message."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.platform import jobs, mail
from outreach.platform.models import OutboxMessage
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


class SlowInbox:
    """A mail server that takes 20 ms a message, so that a batch is still going when killed."""

    def __init__(self):
        self.message_ids = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(0.02)
        self.message_ids.append(message_from_bytes(envelope.content, policy=policy.default)["Message-ID"])
        return "250 OK"


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "outreach", "jobs", "worker", "--workers", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def sent_count() -> int:
    db.session.rollback()  # a new read: the worker's commits are in another process
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_and_started_again_delivers_every_message(app, make_app, base_config, tmp_path):
    inbox = SlowInbox()
    port = free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    queue_file = tmp_path / "jobs.sqlite3"
    settings = {"JOBS_IMMEDIATE": False, "JOBS_STORAGE": f"sqlite:///{queue_file}", "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": port, "MAIL_STALE_CLAIM_SECONDS": 1}
    env = {**os.environ, "OUTREACH_DATABASE_URL": base_config["DATABASE_URL"], "OUTREACH_SECRET_KEY": "test-secret-key",
           **{f"OUTREACH_{k}": str(v) for k, v in settings.items()}}
    worker_app = make_app(**settings)
    workers = []
    try:
        with worker_app.app_context():
            for n in range(100):
                mail.queue(db.session, mail.Message(f"reader{n}@example.org", f"Message {n}", "Body"))
            db.session.commit()  # delivery jobs of DELIVER_BATCH ids each, in the queue's file
            assert jobs.queue.pending_count() == -(-100 // mail.DELIVER_BATCH)

            workers.append(start_worker(env))
            wait_for(lambda: len(inbox.message_ids) >= 30)
            os.killpg(workers[-1].pid, signal.SIGKILL)
            workers[-1].wait(10)
            sent_before = len(inbox.message_ids)
            assert 30 <= sent_before < 100

            workers.append(start_worker(env))
            time.sleep(1.5)  # past the stale claim of the message the killed worker was sending
            mail.sweep()  # the periodic sweep's tick, queued now rather than awaited at the next minute
            wait_for(lambda: sent_count() == 100)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(10)
        server.stop()
        make_app()
    assert len(set(inbox.message_ids)) == 100  # every message arrived
    assert len(inbox.message_ids) - 100 <= 1  # at most the one being sent when killed, with its same Message-ID

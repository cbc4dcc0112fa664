"""``flask backup PATH``: a consistent copy of the database while the application keeps serving;
``flask jobs worker``: a consumer of the background-job queue."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.engine import make_url

from outreach.platform.jobs import describe, queue

jobs_cli = AppGroup("jobs", help="The background-job queue.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Threads running jobs (default: OUTREACH_JOBS_WORKERS, 2).")
def worker_command(workers: int | None) -> None:
    """Run jobs from the queue, and the periodic ones on time, until stopped (Ctrl-C or SIGTERM:
    the jobs running finish first). Several workers may consume one queue; on several machines,
    point them all at one Redis (OUTREACH_REDIS_URL)."""
    if queue.immediate:
        raise click.ClickException("OUTREACH_JOBS_IMMEDIATE is on: jobs run where they are queued, there is nothing to consume.")
    count = workers or current_app.config["JOBS_WORKERS"]
    logging.getLogger("huey").setLevel(logging.INFO)
    if not logging.getLogger("huey").handlers:
        logging.getLogger("huey").handlers = list(logging.getLogger("outreach").handlers)
    click.echo(f"Consuming jobs from {describe()} with {count} worker thread(s); Ctrl-C stops.")
    consumer = queue.create_consumer(workers=count, worker_type="thread", periodic=True, check_worker_health=True)
    consumer.run()


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write a consistent copy of the database to PATH.

    SQLite: the online backup API copies a snapshot while other connections keep reading and
    writing. PostgreSQL: pg_dump in its custom format (restore with pg_restore).
    """
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        backup_sqlite(url.database, target)
    elif url.get_backend_name() == "postgresql":
        backup_postgresql(url, target)
    else:  # pragma: no cover - only the two databases are supported
        raise click.ClickException(f"Backups of {url.get_backend_name()} are not supported.")
    click.echo(f"Backup written to {target} ({target.stat().st_size} bytes).")


def backup_sqlite(database: str, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=1024)
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise click.ClickException(f"The copy failed its integrity check: {ok}")
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, target)  # a reader of PATH never sees a half-written file


def backup_postgresql(url, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise click.ClickException("pg_dump is not installed (apt-get install postgresql-client).")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    partial = target.with_name(target.name + ".partial")
    command = [
        pg_dump, "--format=custom", "--no-owner", f"--file={partial}",
        f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}",
        f"--username={url.username or ''}", url.database or "",
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    os.replace(partial, target)

"""``flask backup PATH``: a consistent copy of the database while the application keeps serving;
``flask restore PATH``: that copy put back in place of the database (docs/backup.md);
``flask jobs worker``: a consumer of the background-job queue."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
from alembic.runtime.migration import MigrationContext
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, select, table, text
from sqlalchemy.engine import make_url

from outreach.extensions import db
from outreach.platform.health import code_heads
from outreach.platform.jobs import describe, queue

#: The first bytes of each kind of backup: a SQLite database file, a pg_dump custom archive.
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"

jobs_cli = AppGroup("jobs", help="The background-job queue.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Threads running jobs (default: OUTREACH_JOBS_WORKERS, 2).")
def worker_command(workers: int | None) -> None:
    """Run jobs from the queue, and the periodic ones on time, until stopped: Ctrl-C (SIGINT) lets
    the jobs running finish first (deploy/systemd's unit stops it so); SIGTERM stops at once, and a
    message being sent then is sent again by the sweep, with its same Message-ID. Several workers
    may consume one queue; on several machines, point them all at one Redis (OUTREACH_REDIS_URL)."""
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
            # One step: a single read transaction on the source, so the copy is one snapshot.
            # (In steps, every write by another connection between two steps starts the copy
            # again: under steady writes a large database would never finish.) In WAL mode
            # the writers carry on meanwhile.
            source.backup(copy, pages=-1)
            # The copy is one self-contained file (no -wal/-shm beside it) that opens read-only.
            copy.execute("PRAGMA journal_mode=DELETE")
            ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if ok != "ok":
                raise click.ClickException(f"The copy failed its integrity check: {ok}")
        finally:
            copy.close()
    finally:
        source.close()
    os.replace(partial, target)  # a reader of PATH never sees a half-written file


def backup_postgresql(url, target: Path) -> None:
    pg_dump = _program("pg_dump")
    partial = target.with_name(target.name + ".partial")
    command = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}",
               *_pg_connection(url), url.database or ""]
    result = subprocess.run(command, env=_pg_env(url), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"pg_dump failed: {result.stderr.strip()}")
    os.replace(partial, target)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise click.ClickException(f"{name} is not installed (apt-get install postgresql-client).")
    return found


def _pg_connection(url) -> list[str]:
    return [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}", f"--username={url.username or ''}"]


def _pg_env(url) -> dict:
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password  # not on the command line, where ps shows it
    return env


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--force", "--yes", "force", is_flag=True,
              help="Replace the database even though it holds data (all of it is lost).")
def restore_command(path: str, force: bool) -> None:
    """Put the backup at PATH (written by ``flask backup``) in place of the configured database.

    Refuses a database that holds data unless --force (or --yes). All or nothing: a backup that
    cannot be read, or a restore that fails half-way, leaves the database as it was. Stop the
    web server and the job workers first; afterwards run ``flask db upgrade`` if the backup is
    older than the code.
    """
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    source = Path(path)
    backend = url.get_backend_name()
    kind = backup_kind(source)
    if kind is None:
        raise click.ClickException(f"{source} is not a backup written by flask backup.")
    if kind != backend:
        raise click.ClickException(f"{source} is a backup of a {kind} database; this one is {backend}.")
    if kind == "sqlite":
        check_sqlite_backup(source)
    else:
        check_postgresql_backup(source)
    db.session.remove()
    if kind == "sqlite":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # the database file need not exist
    held = tables_with_rows()
    if held and not force:
        shown = ", ".join(held[:5]) + (", …" if len(held) > 5 else "")
        raise click.ClickException(
            f"The database holds data ({len(held)} table(s) with rows: {shown}). Restoring replaces all of it: "
            "back it up first, then run again with --force."
        )
    db.engine.dispose()  # no connection of this process holds a lock on what is replaced
    if kind == "sqlite":
        restore_sqlite(source, url.database)
    else:
        restore_postgresql(url, source)
    db.engine.dispose()
    with db.engine.connect() as connection:
        revisions = set(MigrationContext.configure(connection).get_current_heads())
    click.echo(f"Restored {source} into the database (schema revision {', '.join(sorted(revisions)) or 'none'}).")
    if revisions != set(code_heads()):
        click.echo("The backup's schema is not the code's: run flask db upgrade before starting the app.")


def backup_kind(path: Path) -> str | None:
    """``sqlite`` or ``postgresql`` by the file's first bytes; None for anything else."""
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None


def tables_with_rows() -> list[str]:
    """The database's tables (but Alembic's version) that hold at least one row."""
    with db.engine.connect() as connection:
        names = [n for n in inspect(connection).get_table_names() if n != "alembic_version"]
        return [n for n in sorted(names) if connection.execute(select(text("1")).select_from(table(n)).limit(1)).first()]


def check_sqlite_backup(source: Path) -> None:
    copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0]
        versioned = copy.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{source} cannot be read: {error}") from None
    finally:
        copy.close()
    if ok != "ok":
        raise click.ClickException(f"{source} failed its integrity check: {ok}")
    if not versioned:
        raise click.ClickException(f"{source} is a SQLite file but not an Outreach database.")


def restore_sqlite(source: Path, database: str) -> None:
    """Copy the backup into the database with SQLite's backup API, in one step under the
    database's write lock: a connection that reads meanwhile sees the old database or the
    restored one, never a mix, and the database keeps its WAL mode."""
    copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        live = sqlite3.connect(database, timeout=30)
        try:
            copy.backup(live, pages=-1)
            ok = live.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            live.close()
    finally:
        copy.close()
    if ok != "ok":  # pragma: no cover - the copy passed the same check
        raise click.ClickException(f"The restored database failed its integrity check: {ok}")


def check_postgresql_backup(source: Path) -> None:
    result = subprocess.run([_program("pg_restore"), "--list", str(source)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise click.ClickException(f"{source} cannot be read by pg_restore: {result.stderr.strip()}")
    if " alembic_version " not in result.stdout:
        raise click.ClickException(f"{source} is a pg_dump archive but not of an Outreach database.")


#: Run first, in the restore's transaction: empty the schema (waiting at most 30 s for the
#: locks of connections still open: stop the app first).
_PG_PROLOGUE = "SET lock_timeout = '30s';\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"


def restore_postgresql(url, source: Path) -> None:
    """pg_restore writes the archive out as SQL (to a temporary file: a truncated archive
    fails here, before anything is touched), then psql runs it in one transaction after
    emptying the schema: a restore that fails anywhere rolls back and leaves the database as
    it was."""
    with tempfile.TemporaryDirectory(prefix="outreach-restore-") as folder:
        script = Path(folder) / "restore.sql"
        dumped = subprocess.run(
            [_program("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(source)],
            capture_output=True, text=True, check=False,
        )
        if dumped.returncode != 0:
            raise click.ClickException(f"{source} cannot be restored (nothing was changed): {dumped.stderr.strip()}")
        loaded = subprocess.run(
            [_program("psql"), "--quiet", "--no-psqlrc", "--single-transaction", "--set=ON_ERROR_STOP=1",
             *_pg_connection(url), f"--dbname={url.database or ''}", f"--command={_PG_PROLOGUE}", f"--file={script}"],
            stdin=subprocess.DEVNULL, env=_pg_env(url), capture_output=True, text=True, check=False,
        )
    if loaded.returncode != 0:
        raise click.ClickException(f"The restore failed and was rolled back: {loaded.stderr.strip() or loaded.stdout.strip()}")

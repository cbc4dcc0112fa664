"""Backups that restore (issue 14, point 7): a backup taken while people register and are
checked in holds complete rows only and gives the same report figures once restored; after
the writes stop, a second backup, a wiped database and a restore give back exactly what was
there. On SQLite, and on PostgreSQL when OUTREACH_TEST_DATABASE_URL is set (the restore
target is then that database's name + ``_restore``, or OUTREACH_TEST_RESTORE_DATABASE_URL:
``createdb -O outreach outreach_test_restore``; never the test database itself)."""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from outreach import clock
from outreach.accounts.models import User
from outreach.database import write_transaction
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry, OutboxMessage
from outreach.registration.models import CheckIn, Registration, WalkIn
from outreach.registration.services import add_walkins, check_in, register
from outreach.reports.annual import annual_report, statistics_return, year_query
from outreach.reports.services import READER_TYPE, attendance_reports
from outreach.timezone import local_date

TEST_DB_URL = os.environ.get("OUTREACH_TEST_DATABASE_URL")


def restore_target(tmp_path) -> str:
    """A database of its own to restore into: a file on SQLite, ``<test db>_restore`` on PostgreSQL."""
    if not TEST_DB_URL:
        return "sqlite:///" + str(tmp_path / "restored.db")
    explicit = os.environ.get("OUTREACH_TEST_RESTORE_DATABASE_URL")
    url = make_url(explicit or TEST_DB_URL)
    if not explicit:
        url = url.set(database=f"{url.database}_restore")
    if url.database == make_url(TEST_DB_URL).database:
        pytest.fail("the restore target must not be the test database")
    engine = create_engine(url)
    try:
        with engine.connect():
            pass
    except OperationalError:
        missing = f"no restore target: createdb -O {url.username} {url.database}"
        if os.environ.get("CI"):  # .ci/run makes it: there, a missing target is a failure, not a skip
            pytest.fail(missing)
        pytest.skip(missing)
    finally:
        engine.dispose()
    return url.render_as_string(hide_password=False)


def figures(year: int) -> dict:
    """What the reports compute: the year's attendance by type, its statistics return and
    the whole annual report."""
    reports = attendance_reports(year_query(year), ("type", READER_TYPE))
    return {
        "by_type": reports["type"].as_dict(),
        "statistics_return": [row.as_dict() for row in statistics_return(reports[READER_TYPE])],
        "annual": annual_report(year, "en").as_dict(),
    }


def counted_from_rows() -> dict:
    """The same totals straight from the rows, in plain SQL (every event here counts)."""
    one = db.session.scalar
    return {
        "checked_in": one(text("SELECT coalesce(sum(r.party_size), 0) FROM checkins c "
                               "JOIN registrations r ON r.id = c.registration_id")),
        "walk_ins": one(text("SELECT coalesce(sum(count), 0) FROM walkins")),
        "registered": one(text("SELECT coalesce(sum(party_size), 0) FROM registrations WHERE status = 'confirmed'")),
    }


def row_counts() -> dict[str, int]:
    names = sorted(inspect(db.engine).get_table_names())
    return {name: db.session.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in names}


def assert_complete() -> None:
    """Every row whole: no check-in without its registration (or of one not confirmed), every
    registration with its audit entry and its message, and the counts agreeing."""
    orphans = db.session.scalar(text(
        "SELECT count(*) FROM checkins c LEFT JOIN registrations r ON r.id = c.registration_id "
        "WHERE r.id IS NULL OR r.status <> 'confirmed' OR r.event_id <> c.event_id"
    ))
    assert orphans == 0
    registrations = set(db.session.scalars(select(Registration.id)))
    audited = set(db.session.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "registration.create")))
    told = set(db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.kind.like("registration.%"))))
    emails = set(db.session.scalars(select(Registration.email)))
    assert (registrations - audited, audited - registrations) == (set(), set())
    assert (emails - told, told - emails) == (set(), set())
    admitted = db.session.scalar(select(func.count(func.distinct(CheckIn.registration_id))))
    assert admitted == db.session.scalar(select(func.count(CheckIn.id)))  # one a day, one day
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA foreign_key_check")).all() == []


def wipe() -> None:
    """Drop everything: every table, index and sequence."""
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    else:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for (name,) in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).all():
                connection.exec_driver_sql(f'DROP TABLE "{name}"')
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    db.engine.dispose()
    assert inspect(db.engine).get_table_names() == []


def test_a_backup_taken_while_people_register_and_check_in_restores_the_same_figures(
    app, runner, make_app, make_event, make_user, tmp_path
):
    now = clock.now()
    events = [make_event(starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3), capacity=None,
                         checkin_opens_minutes=120, type=kind) for kind in ("lecture", "training")]
    event_ids = [e.id for e in events]
    year = local_date(events[0].starts_at).year
    staff = make_user("staff")
    staff_id = staff.id
    stop = threading.Event()
    done = {"registered": 0}
    lock = threading.Lock()
    errors = []

    def keep_writing(worker: int) -> None:
        with app.app_context():
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                try:
                    event = db.session.get(Event, event_ids[n % 2])
                    actor = db.session.get(User, staff_id)
                    with write_transaction():
                        new = register(event, name=f"读者{worker}-{n}", phone=f"139{worker:02d}{n:06d}",
                                       party_size=1 + n % 3, email=f"r{worker}-{n}@example.org", locale="zh_Hans")
                        db.session.commit()
                    if n % 5:
                        with write_transaction():
                            check_in(new.registration, event=event, actor=actor)
                            db.session.commit()
                    if n % 7 == 0:
                        with write_transaction():
                            add_walkins(event, 2, actor=actor)
                            db.session.commit()
                    with lock:
                        done["registered"] += 1
                except Exception as error:  # pragma: no cover - reported below
                    errors.append(repr(error))
                    db.session.rollback()
            db.session.remove()

    writers = [threading.Thread(target=keep_writing, args=(w,)) for w in (1, 2)]
    for writer in writers:
        writer.start()
    first = tmp_path / "during.backup"
    try:
        while done["registered"] < 30 and not errors and any(w.is_alive() for w in writers):
            stop.wait(0.02)
        registered_before = done["registered"]
        result = runner.invoke(args=["backup", str(first)])
        assert result.exit_code == 0, result.output
        while done["registered"] < registered_before + 30 and not errors and any(w.is_alive() for w in writers):
            stop.wait(0.02)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert errors == []
    db.session.remove()

    # After the writes: what the reports say, and every table's rows.
    before = figures(year)
    counts = row_counts()
    assert counts["registrations"] == done["registered"] > registered_before + 20
    assert before["by_type"]["totals"]["checked_in"] > 0

    # The backup taken in the middle, restored into a database of its own: complete rows, and
    # the reports' figures are the rows' figures.
    target = make_app(DATABASE_URL=restore_target(tmp_path))
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["restore", "--force", str(first)])
        assert result.exit_code == 0, result.output
        assert_complete()
        during = figures(year)
        rows = counted_from_rows()
        totals = during["by_type"]["totals"]
        assert {k: totals[k] for k in rows} == rows
        assert totals["attendance"] == rows["checked_in"] + rows["walk_ins"]
        restored_counts = row_counts()
        db.session.remove()
    if not TEST_DB_URL:  # the backup file's own rows are the restored ones
        copy = sqlite3.connect(first)
        assert {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in restored_counts} \
            == restored_counts
        copy.close()
    assert registered_before <= restored_counts["registrations"] < counts["registrations"]
    assert 0 < totals["checked_in"] <= before["by_type"]["totals"]["checked_in"]
    assert sum(r["attendance"] for r in during["statistics_return"]) <= \
        sum(r["attendance"] for r in before["statistics_return"])

    # The second backup, a wiped database, and the restore: exactly what was there.
    second = tmp_path / "after.backup"
    result = runner.invoke(args=["backup", str(second)])
    assert result.exit_code == 0, result.output
    wipe()
    result = runner.invoke(args=["restore", str(second)])  # an empty database needs no --force
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert row_counts() == counts
    assert figures(year) == before
    assert_complete()
    # The sequences came back too: the next registration gets a new number.
    event = db.session.get(Event, event_ids[0])
    with write_transaction():
        new = register(event, name="恢复后", phone="13800000001", email="after@example.org")
        db.session.commit()
    assert new.registration.id > max(db.session.scalars(select(Registration.id).where(Registration.id != new.registration.id)))
    assert db.session.scalar(select(func.count(WalkIn.id))) == counts["walkins"]


def test_restore_refuses_a_database_with_data_unless_forced(app, runner, make_user, tmp_path):
    make_user("staff", email="kept@example.org")
    backup = tmp_path / "one.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    make_user("staff", email="later@example.org")

    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 1
    assert "The database holds data" in result.output and "--force" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 2

    result = runner.invoke(args=["restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.scalars(select(User.email)).all() == ["kept@example.org"]


def test_a_damaged_or_foreign_backup_changes_nothing(app, runner, make_user, tmp_path):
    make_user("staff", email="kept@example.org")
    backup = tmp_path / "one.backup"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    damaged = tmp_path / "damaged.backup"
    damaged.write_bytes(backup.read_bytes()[: backup.stat().st_size * 2 // 3])
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a backup")
    other = tmp_path / "other.backup"
    if TEST_DB_URL:  # a SQLite file offered to PostgreSQL
        sqlite3.connect(other).execute("CREATE TABLE alembic_version (version_num text)").connection.close()
    else:  # a pg_dump archive's first bytes offered to SQLite
        other.write_bytes(b"PGDMP" + bytes(100))

    for path, said in ((damaged, ""), (foreign, "is not a backup written by flask backup"), (other, "is a backup of a")):
        result = runner.invoke(args=["restore", "--force", str(path)])
        assert result.exit_code == 1, result.output
        assert said in result.output
    db.session.remove()
    assert db.session.scalars(select(User.email)).all() == ["kept@example.org"]


def test_rows_written_under_a_savepoint_wait_for_the_whole_transaction(app, make_event):
    """On SQLite a savepoint opened after the transaction had only read (pysqlite had begun
    nothing) used to begin a transaction of its own, committed by its release: the backup
    above found a registration without its audit entry. Now nothing is seen before the commit,
    and a rollback takes back the savepoint's rows too."""
    event = make_event()
    event_id = event.id
    db.session.remove()
    db.session.get(Event, event_id)  # the transaction reads first
    with write_transaction():
        register(db.session.get(Event, event_id), name="林小明", phone="13800138000", email="lin@example.org")
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as other:  # another connection, as a backup's
            seen = other.execute(text("SELECT count(*) FROM registrations")).scalar()
    finally:
        engine.dispose()
    assert seen == 0
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "registration.create")) == 0

import sqlite3
import threading

import pytest
from sqlalchemy import func, select

from outreach.accounts.models import User
from outreach.extensions import db


def test_backup_is_a_consistent_copy_while_writes_go_on(app, runner, make_user, tmp_path):
    for _ in range(3):
        make_user("staff")
    stop = threading.Event()
    errors = []

    def keep_writing():
        from outreach.accounts.services import create_user

        with app.app_context():
            n = 0
            while not stop.is_set() and n < 200:
                n += 1
                try:
                    create_user(f"writer{n}@example.org", role="staff", password="long enough pw")
                    db.session.commit()
                except Exception as error:  # pragma: no cover - reported below
                    errors.append(error)
                    db.session.rollback()
            db.session.remove()

    writer = threading.Thread(target=keep_writing)
    writer.start()
    target = tmp_path / "backups" / "outreach.backup"
    try:
        result = runner.invoke(args=["backup", str(target)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert errors == []
    assert target.exists() and target.stat().st_size > 0
    live = db.session.scalar(select(func.count(User.id)))
    if db.engine.dialect.name == "sqlite":
        copy = sqlite3.connect(target)
        copied = copy.execute("SELECT count(*) FROM users").fetchone()[0]
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        copy.close()
        assert 3 <= copied <= live
        # One self-contained file in rollback-journal mode (header bytes 18-19 are 1, not WAL's
        # 2): it opens read-only and nothing needs to be copied beside it.
        assert target.read_bytes()[18:20] == b"\x01\x01"
        assert sorted(p.name for p in target.parent.iterdir()) == ["outreach.backup"]
    else:
        assert target.read_bytes()[:5] == b"PGDMP"
    assert not (tmp_path / "backups" / "outreach.backup.partial").exists()


def test_backup_to_an_unwritable_place_fails_cleanly(app, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the SQLite path is the one checked here")
    result = runner.invoke(args=["backup", "/proc/outreach.backup"])
    assert result.exit_code != 0

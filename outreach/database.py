"""Engine set-up that every connection needs, and write locks that hold on both databases."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, request
from sqlalchemy import event, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict, instance_state
from sqlalchemy.orm.util import identity_key

#: Set by ``write_transaction()`` outside requests (commands, background jobs, tests).
_immediate: ContextVar[bool] = ContextVar("outreach_sqlite_immediate", default=False)

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL lets readers carry on while one writer writes; foreign keys are off by default in SQLite.

    The busy timeout is the ``timeout`` connect argument (``DATABASE_BUSY_TIMEOUT``, set in
    outreach/config.py), which pysqlite hands to ``sqlite3_busy_timeout``."""
    if not _is_sqlite(dbapi_connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin_immediate(connection) -> None:
    """On SQLite, a request that may write takes the write lock when its transaction begins.

    SQLite has one writer at a time. A transaction that reads first and writes later can
    fail at once with "database is locked" when another writer got in between, whatever
    the busy timeout; one that begins IMMEDIATE waits its turn instead, and the rows it
    counts (seats, slots) cannot change under it. This is SQLite's ``SELECT ... FOR UPDATE``.
    Reads (GET) keep pysqlite's deferred transactions and never wait.
    """
    if connection.dialect.name != "sqlite":
        return
    if begins_immediate():
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def begins_immediate() -> bool:
    """Whether a transaction begun here takes SQLite's write lock at its start: inside
    ``write_transaction()``, or in a request that may write (not GET, HEAD or OPTIONS) and is
    not marked ``reads_first``. Such a request holds the lock from its first statement."""
    return _immediate.get() or (
        has_request_context() and request.method not in _SAFE_METHODS and not _reads_first(request.endpoint)
    )


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint_inside_a_transaction(connection, name) -> None:
    """On SQLite, a savepoint is always nested in a transaction that has begun.

    pysqlite begins a transaction only before a write. A ``begin_nested()`` whose transaction
    has only read so far (outside a request that began IMMEDIATE: a job, a command, a service
    called after a read) would send SAVEPOINT with none begun; SQLite then begins one for the
    savepoint, and RELEASE commits it: the savepoint's rows would be committed on their own,
    before the rest of the transaction (a backup or another reader saw a registration without
    its audit entry and its message), and stay if the rest rolled back. Begin the transaction
    first, taking the write lock that the savepoint's writes need.
    """
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def reads_first(view):
    """Mark a view whose writes are single statements that settle races themselves (an
    insert guarded by a condition and a UNIQUE constraint, like a check-in). Its reads then
    take no write lock, and SQLite's lock is held only from the insert to the commit: the
    door's busiest request does not queue behind its own lookups."""
    view.reads_first = True
    return view


def _reads_first(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "reads_first", False))


class write_transaction:
    """Outside a request, make the next transaction take SQLite's write lock at its start.

    ``with write_transaction(): ...service...; db.session.commit()``. On PostgreSQL the
    services lock rows with ``SELECT ... FOR UPDATE`` and this changes nothing.
    """

    def __enter__(self):
        self._token = _immediate.set(True)
        return self

    def __exit__(self, *exc):
        _immediate.reset(self._token)
        return False


def locked(session, model, id_: int):
    """Load one row, locked against concurrent writers until the transaction ends."""
    stmt = select(model).where(model.id == id_)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
        return session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()
    return session.scalar(stmt)


def commit_keeping_loaded(session) -> None:
    """Commit, keeping what the session loaded and wrote as it was instead of expiring it: for
    a request that ends with this commit and whose answer reads only those values. The answer
    is then built after the commit, outside SQLite's write lock, and reads nothing again.
    ``session`` is the scoped session (``db.session``), whose current Session is changed."""
    own = session()  # the scoped session's current Session
    own.expire_on_commit = False  # for the rest of this request's session only
    own.commit()


@contextmanager
def waiting_at_most(connection, milliseconds: int):
    """In the block, ``connection`` (not in a transaction yet) waits at most ``milliseconds``
    for a lock, instead of the configured ``DATABASE_BUSY_TIMEOUT``: SQLite's busy timeout,
    put back after; PostgreSQL's ``lock_timeout`` for the block's transaction only. For
    writes that may be skipped (bookkeeping), never for the request's own."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(milliseconds)}")
        connection.commit()  # SQLAlchemy began a transaction for the pragma: the block begins its own
        try:
            yield connection
        finally:
            connection.rollback()  # whatever the block left unfinished
            configured = int(float(current_app.config["DATABASE_BUSY_TIMEOUT"]) * 1000)
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {configured}")
            connection.commit()
        return
    connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(milliseconds)}ms'")
    yield connection


def one_at_a_time(session, name: str) -> None:
    """From here to the end of the transaction, no other transaction that calls this with the
    same ``name`` runs: on PostgreSQL a transaction-scoped advisory lock keyed by the name (its
    BLAKE2 hash, the same in every process); on SQLite a writing transaction (a request that
    writes, ``write_transaction``) already holds the database's one write lock."""
    if session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def as_loaded(session, model, values: dict):
    """The ``model`` instance with these column values in ``session``, as if the session had
    loaded it: no history, nothing to write back, the columns not given expired (they load
    when read, as ``load_only`` leaves them), its relationships loading when read. The one
    ``session`` already holds, if any. ``session`` is the scoped session (``db.session``).

    For the door's busiest request, whose rows come from one Core statement: making the
    instance this way costs a fraction of the ORM's loading of an entity."""
    held = session.identity_map.get(identity_key(model, values["id"]))
    if held is not None:
        return held
    instance = sa_inspect(model).class_manager.new_instance()
    instance_dict(instance).update(values)
    make_transient_to_detached(instance)
    # What Session.add() does with a detached instance, without first walking each of the
    # model's relationships for objects to add with it: there are none (only columns are
    # set), and the walk cost more than all the rest (an event has some twenty
    # relationships). The session's attach events fire as with add().
    session()._update_impl(instance_state(instance))
    return instance


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")

"""Rate-limit counters that every worker of one machine shares: a ``limits`` storage kept in a
SQLite file in the instance folder (``sqlite:////path/to/ratelimits.db``).

Flask-Limiter's ``memory://`` storage counts in each worker's own memory, so that two gunicorn
workers let twice the limit through. Here each counter is one row, raised by one atomic
UPSERT, so that however many workers (threads or processes) count at once, a limit of N lets
exactly N through. The fixed-window strategy (Flask-Limiter's default) needs only ``incr``,
``get`` and ``get_expiry``. With ``OUTREACH_REDIS_URL`` set the counters live in Redis instead
(several machines); nothing here is used then.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEME = "sqlite"
_PREFIX = SCHEME + ":///"

_TABLE = (
    "CREATE TABLE IF NOT EXISTS ratelimit_counters ("
    " key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires_at REAL NOT NULL)"
)
#: One statement, so one atomic step: a counter whose window has passed starts again.
_INCR = (
    "INSERT INTO ratelimit_counters (key, value, expires_at) VALUES (:key, :amount, :expires_at) "
    "ON CONFLICT (key) DO UPDATE SET "
    " value = CASE WHEN ratelimit_counters.expires_at <= :now THEN excluded.value"
    "              ELSE ratelimit_counters.value + excluded.value END,"
    " expires_at = CASE WHEN ratelimit_counters.expires_at <= :now THEN excluded.expires_at"
    "                   ELSE ratelimit_counters.expires_at END "
    "RETURNING value"
)


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file shared by the processes of one machine."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri or not uri.startswith(_PREFIX) or len(uri) <= len(_PREFIX):
            raise ValueError(f"a rate-limit storage URI reads {_PREFIX}/path/to/file.db")
        self.path = uri[len(_PREFIX):]
        self._local = threading.local()

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process (a forked worker opens its own)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(_TABLE)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        conn = self._connection()
        if random.random() < 0.001:  # now and then, forget counters long past
            conn.execute("DELETE FROM ratelimit_counters WHERE expires_at < ?", (now - 60,))
        row = conn.execute(_INCR, {"key": key, "amount": amount, "expires_at": now + expiry, "now": now}).fetchone()
        return int(row[0])

    def get(self, key: str) -> int:
        row = self._connection().execute(
            "SELECT value FROM ratelimit_counters WHERE key = ? AND expires_at > ?", (key, time.time())
        ).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = self._connection().execute(
            "SELECT expires_at FROM ratelimit_counters WHERE key = ? AND expires_at > ?", (key, now)
        ).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM ratelimit_counters").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM ratelimit_counters WHERE key = ?", (key,))

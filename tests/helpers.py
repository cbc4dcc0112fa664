"""Plain helpers shared by the test modules (no fixtures: those live in the conftest.py files).

Test modules import from here, never from one another."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import socket
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import select, text

from outreach.extensions import db

PASSWORD = "correct horse battery"
LIBRARY_ZONE = ZoneInfo("Asia/Shanghai")


_phones = itertools.count(1)


def new_phone() -> str:
    """A mobile number no other registration of the test run has: one phone holds one
    active registration per event."""
    return f"137{next(_phones):08d}"


def in_days(days: float, hour: int = 14) -> datetime:
    """A time ``days`` from now at ``hour`` o'clock UTC."""
    base = datetime.now(timezone.utc).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time in the library, as an aware datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=LIBRARY_ZONE)


# --- requests and pages ------------------------------------------------------------------


class IsolatedClient(FlaskClient):
    """Runs every request in an application context of its own, as a real server does.

    The ``app`` fixture keeps a context open for the test's own queries; without this, the
    requests would share its ``g`` and database session, and hide bugs (a cached user, a
    CSRF token missing from a cleared session)."""

    def open(self, *args, **kwargs):
        outer = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(outer)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf_token_from(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token on " + path
    return match.group(1)


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, field_id: str) -> str:
    """The message shown beside a field (the ``field`` macro's ``<small id="<id>-error">``)."""
    match = re.search(rf'<small id="{re.escape(field_id)}-error" class="field-error">([^<]*)</small>', html)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def assert_valid_html(response):
    """Parse as HTML5 with the strict parser: any parse error (bad nesting, stray tags) fails."""
    assert response.mimetype == "text/html"
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(response.get_data(as_text=True))
    assert document.find("head/title").text.strip()
    for landmark in ("header", "main", "footer"):
        assert document.find(f".//{landmark}") is not None, landmark
    fields = [f for tag in ("input", "select", "textarea") for f in document.iter(tag)]
    for field in fields:
        if field.get("type") in ("hidden", "submit"):
            continue
        assert document.find(f".//label[@for='{field.get('id')}']") is not None, field.attrib
    return document


def token_in_use(user) -> str:
    """A new API token of ``user`` that is already in use (its last use noted now), as a door
    phone's is: a request with it does not also write the hourly note of its use, which would
    add a statement to the counts and a change outside the tests' own (the note itself is
    tested in tests/accounts/test_token_use.py). The caller commits."""
    from outreach import clock
    from outreach.accounts.models import ApiToken
    from outreach.accounts.services import issue_token

    token = issue_token(user)
    db.session.flush()
    db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())).first() \
        .last_used_at = clock.now()
    return token


def run_in_threads(app, count, work):
    """Run ``work(client, n)`` in ``count`` threads that start together."""
    app.test_client_class = IsolatedClient
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def target(n):
        client = app.test_client()
        barrier.wait()
        try:
            results[n] = work(client, n)
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=target, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


class Statements(list):
    """The SQL statements run inside ``with count_statements() as counted:``; ``counted.n`` is how many."""

    @property
    def n(self) -> int:
        return len(self)


def empty_tables() -> None:
    """Empty every table (the schema stays): what the ``app`` fixture does after each test."""
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        db.session.execute(text("DELETE FROM sqlite_sequence")) if _has_sqlite_sequence() else None
    db.session.commit()


def _has_sqlite_sequence() -> bool:
    return bool(db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first())


@contextlib.contextmanager
def count_statements():
    """Collect the SQL statements the app's engine runs in the block: a list route's count must
    not grow with its rows (compare 5 rows with 50)."""
    engine = db.engine
    counted = Statements()

    def listener(conn, cursor, statement, parameters, context, executemany):
        counted.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        yield counted
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


# --- a real browser ----------------------------------------------------------------------

#: Debian's headless Chromium (never a downloaded browser).
CHROMIUM = os.environ.get("OUTREACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js").read_text()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[dict]:
    page.evaluate(AXE)  # through DevTools: the page's Content-Security-Policy refuses inline scripts
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def sign_in(page, live_server, user, lang="en", *, lands_on: str | None = "/staff/"):
    """Sign ``user`` in through the log-in page; wait for ``lands_on`` (any page but /login when None)."""
    page.goto(f"{live_server}/login?lang={lang}")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if lands_on is None:
        page.wait_for_url(lambda url: "/login" not in url)
    else:
        page.wait_for_url(f"{live_server}{lands_on}")

"""SQL statements, time and size of every page and API list route, on a busy year and on ten.

    .venv/bin/python bench/scale.py [--db sqlite|postgresql|both] [--size small|large|both]
                                    [--routes PATTERN[,PATTERN…]] [--repeat 3] [--reuse] [--no-upgrade] [--strict]
                                    [--database-url URL] [--copy-from-sqlite] [--build-only] [--explain N] [--list]

Builds a library's data **through the services** the pages and the API call
(``create_branch``, ``create_venue``, ``create_series``, ``create_event`` and ``change_status``,
``register``, ``check_in``, ``add_walkins``, ``create_user`` for staff and volunteers,
``create_shift``, ``sign_up``, ``create_competition``), each with the ``now`` of the moment it
happened, so that the rows, the audit log and the mail outbox look as a real library's do.
Two sizes:

- ``small``: one busy year of the seed library: 200 events from ten months ago to two months
  ahead, 10,680 registrations, about 5,150 check-ins, 50 volunteers, 500 shifts;
- ``large``: ten times that, spread over ten years of history (2,000 events, 106,800
  registrations, about 51,500 check-ins, 500 volunteers, 5,000 shifts): the programme ahead is
  as long as in ``small``, the old rows are what "upcoming" queries must step over.

Both have lectures (half in four series), exhibitions running for weeks (at galleries), classes,
activities, visits, trainings and competitions, at 24 venues of six branches; the big exhibition
running now with 4,600 tickets (and 60 volunteer shifts, the roster of one event), an event in
three weeks with 5,000 registrations, a ticket-export event (100 tickets small, 1,000 large),
a busy volunteer signed up to every tenth shift, some cancelled and draft events, waiting lists
and cancellations.

Not through a service: volunteers' and staff passwords are hashed with one round of PBKDF2
while building (``create_user`` still checks them; the hash is what a sign-in checks, and
scrypt would make 500 volunteers take minutes); nothing else is inserted in bulk.

A built database is kept and reused with ``--reuse``: SQLite files in ``bench/.scale-cache/``
(git-ignored), PostgreSQL in its own databases (``<url>_small`` and ``<url>_large``: with
``--database-url postgresql+psycopg://u:p@host/outreach_bench`` the databases
``outreach_bench_small`` and ``outreach_bench_large``, which must exist and be owned by the
role; their ``public`` schema is dropped and made again on a build). A reused database is
upgraded (``flask db upgrade``) first, so indexes added since it was built are there
(``--no-upgrade``: not). ``--copy-from-sqlite`` fills a PostgreSQL database with the rows of the
SQLite build of the same size (the same data in seconds; the large build takes half an hour on a
busy machine). ``--build-only`` builds and stops.

Then, for every route, through the Flask test client (signed in through the log-in form, the
API with a bearer token): the SQL statements of one request (an engine event), the median
wall time of ``--repeat`` requests, the response bytes. One table per database:

    route | queries small → large | ratio | median ms small → large | ratio | KB large

Flags: a route whose statement count is larger at the large size (it grows with the data),
a response over 1 MB, a staff page over 300 ms at the large size. ``--strict`` exits non-zero
when any flag is raised. The figures also go to ``bench/results/scale-<db>-<timestamp>.json``.

``--explain N`` (PostgreSQL) runs each route once instead, captures its SELECTs with their
parameters and writes ``EXPLAIN (ANALYZE, BUFFERS)`` of the N slowest to
``bench/results/explain-<size>-<timestamp>.md`` (see docs/index-plan.md).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CACHE = HERE / ".scale-cache"
RESULTS = HERE / "results"
PASSWORD = "bench-Password-2026!"
SECRET = "bench-scale-secret"
PAGE_LIMIT = 1_000_000
STAFF_MS_LIMIT = 300.0
#: Bump when the built data changes shape, so that --reuse rebuilds.
DATA_VERSION = 1

SIZES = {
    # events, registrations (besides the two big events), check-ins, volunteers, shifts, years of history
    "small": {"events": 200, "registrations": 10_680, "checkins": 5_150, "volunteers": 50, "shifts": 500, "years": 1,
              "export": 100},
    "large": {"events": 2_000, "registrations": 106_800, "checkins": 51_500, "volunteers": 500, "shifts": 5_000,
              "years": 10, "export": 1_000},
}
BIG_EXHIBITION_TICKETS = 4_600
BIG_EVENT_TICKETS = 5_000
EXHIBITION_SHIFTS = 60


# --- the databases ---------------------------------------------------------------------------


def database_url(db_kind: str, size: str, base_url: str | None) -> str:
    if db_kind == "sqlite":
        return f"sqlite:///{CACHE / f'scale-{size}.db'}"
    if not base_url:
        raise SystemExit("PostgreSQL needs --database-url or OUTREACH_BENCH_DATABASE_URL")
    if "{size}" in base_url:
        return base_url.replace("{size}", size)
    head, _, query = base_url.partition("?")
    return f"{head}_{size}" + (f"?{query}" if query else "")


def make_app(url: str):
    from outreach import create_app

    CACHE.mkdir(exist_ok=True)
    instance = CACHE / "instance"
    instance.mkdir(exist_ok=True)
    return create_app({
        "TESTING": True, "SECRET_KEY": SECRET, "DATABASE_URL": url, "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.local",
        # Every API request asks about its token, as in the tests: a request's count must not
        # depend on how long ago the one before it ran (outreach/accounts/tokencache.py).
        "API_TOKEN_CACHE_SECONDS": 0,
    })


def meta_path(url: str) -> Path:
    """Where the facts of a built database are kept (by file name for SQLite, so that the cache
    folder can be copied to another checkout and reused there)."""
    if url.startswith("sqlite:///"):
        return CACHE / (Path(url.removeprefix("sqlite:///")).name + ".json")
    return CACHE / (re.sub(r"[^A-Za-z0-9_.-]+", "_", url.split("@")[-1]) + ".json")


def wipe(url: str) -> None:
    from sqlalchemy import text

    from outreach.extensions import db

    if url.startswith("sqlite:"):
        db.engine.dispose()
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        db.engine.dispose()


def copy_database(source_url: str, source_meta: Path, app, url: str) -> dict:
    """Fill the (migrated, empty) database of ``app`` with every row of the SQLite build at
    ``source_url``: the same data on PostgreSQL in seconds instead of a second build."""
    from sqlalchemy import create_engine, insert, select, text

    from outreach.extensions import db
    from outreach.models import Base

    began = time.perf_counter()
    source = create_engine(source_url)
    with source.connect() as src, db.engine.begin() as dst:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row._mapping) for row in src.execute(select(table))]
            for start in range(0, len(rows), 5_000):
                dst.execute(insert(table), rows[start:start + 5_000])
            if "id" in table.c and rows and db.engine.dialect.name == "postgresql":
                dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"))
    if db.engine.dialect.name == "postgresql":  # statistics and visibility map, as autovacuum would leave them
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    source.dispose()
    meta = json.loads(source_meta.read_text()) | {"copied_from": source_url.rsplit("/", 1)[-1]}
    print(f"[{meta['size']}] copied the SQLite build into {url.split('@')[-1]} in {time.perf_counter() - began:.0f} s", flush=True)
    return meta


def prepared(db_kind: str, size: str, base_url: str | None, reuse: bool, copy: bool = False, migrate: bool = True):
    """An app on a database of ``size``, built (or reused) and upgraded; and its built facts.
    With ``copy`` (PostgreSQL), the rows of the SQLite build of that size are copied instead."""
    from flask_migrate import upgrade

    url = database_url(db_kind, size, base_url)
    app = make_app(url)
    meta_file = meta_path(url)
    with app.app_context():
        if copy and db_kind != "sqlite":
            source = database_url("sqlite", size, None)
            if not meta_path(source).is_file():
                raise SystemExit(f"--copy-from-sqlite: build the SQLite {size} database first")
            meta_file.unlink(missing_ok=True)
            wipe(url)
            upgrade()
            meta = copy_database(source, meta_path(source), app, url)
            meta_file.write_text(json.dumps(meta, indent=1))
            return app, meta
        if reuse and meta_file.is_file():
            meta = json.loads(meta_file.read_text())
            if meta.get("version") == DATA_VERSION and meta.get("size") == size:
                if migrate:
                    upgrade()
                print(f"[{db_kind} {size}] reusing the database built on {meta['built_on']}", flush=True)
                return app, meta
        meta_file.unlink(missing_ok=True)
        wipe(url)
        upgrade()
        meta = Builder(size, **SIZES[size]).build()
        meta_file.write_text(json.dumps(meta, indent=1))
    return app, meta


# --- building through the services --------------------------------------------------------------


EVENT_MIX = (
    ("lecture", 34), ("activity", 18), ("class", 14), ("exhibition", 6), ("visit", 8), ("training", 6),
    ("competition", 4), ("lecture", 10),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "明华芳军敏静丽强磊洋艳勇杰娟涛超秀霞平刚桂英"


class Builder:
    def __init__(self, size: str, *, events, registrations, checkins, volunteers, shifts, years, export):
        self.size = size
        self.n_events, self.n_registrations, self.n_checkins = events, registrations, checkins
        self.n_volunteers, self.n_shifts, self.years, self.n_export = volunteers, shifts, years, export
        self.rng = random.Random(13)
        self.refused = Counter()
        # readers come back: a pool of phones, each event's registrants drawn without repeats
        self.phones = [f"13{n:09d}" for n in self.rng.sample(range(10**9), max(registrations // 2, 12_000))]

    # helpers

    def commit_every(self, n: int, i: int) -> None:
        from outreach.extensions import db

        if i % n == n - 1:
            db.session.commit()

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def build(self) -> dict:
        from werkzeug.security import generate_password_hash

        from outreach import clock
        from outreach.accounts import services as accounts
        from outreach.extensions import db
        from outreach.timezone import library_tz

        began = time.perf_counter()
        self.tz = library_tz()
        self.now = clock.now()
        self.today = self.now.astimezone(self.tz).date()
        cheap = partial(generate_password_hash, method="pbkdf2:sha256:1")
        real, accounts.generate_password_hash = accounts.generate_password_hash, cheap
        try:
            self.people()
            self.places()
            self.events()
            self.tickets()
            self.volunteering()
        finally:
            accounts.generate_password_hash = real
        db.session.commit()
        took = time.perf_counter() - began
        counts = self.counted()
        if self.refused:
            print(f"[{self.size}] registrations refused: {dict(self.refused)}")
        print(f"[{self.size}] built in {took:.0f} s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)
        return {
            "version": DATA_VERSION, "size": self.size, "built_on": self.today.isoformat(), "build_seconds": round(took, 1),
            "counts": counts, **self.facts,
        }

    def counted(self) -> dict:
        from sqlalchemy import func, select

        from outreach.events.models import Event
        from outreach.extensions import db
        from outreach.platform.models import AuditEntry
        from outreach.registration.models import CheckIn, Registration
        from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile

        return {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in (
            ("events", Event), ("registrations", Registration), ("check-ins", CheckIn), ("volunteers", VolunteerProfile),
            ("shifts", Shift), ("shift sign-ups", ShiftSignup), ("audit entries", AuditEntry),
        )}

    def people(self) -> None:
        from outreach.accounts.services import create_user
        from outreach.extensions import db

        self.staff = create_user("staff@bench.example.org", role="staff", password=PASSWORD, name="馆员小李")
        self.admin = create_user("admin@bench.example.org", role="admin", password=PASSWORD, name="管理员")
        self.volunteers = []
        for n in range(self.n_volunteers):
            user = create_user(f"v{n}@bench.example.org", role="volunteer", password=PASSWORD, name=self.person())
            db.session.flush()
            self.volunteers.append(user.volunteer_profile)
        db.session.commit()
        self.busy = self.volunteers[0]
        self.facts = {"busy_volunteer": self.busy.id}

    def places(self) -> None:
        from outreach.competitions.services import create_competition
        from outreach.events.services import create_venue
        from outreach.extensions import db
        from outreach.places.services import create_branch, create_series

        names = ("总馆", "东城分馆", "西城分馆", "南湖分馆", "北山分馆", "图书流动车")
        self.branches = [
            create_branch(name=name, name_en=f"Branch {n}", kind="central" if n == 0 else "branch", actor=self.staff)
            for n, name in enumerate(names)
        ]
        self.rooms, self.galleries = [], []
        for n in range(24):
            branch = self.branches[n % len(self.branches)]
            gallery = n % 6 == 5
            venue = create_venue(
                name=f"{'展厅' if gallery else '活动室'}{n}", name_en=f"{'Gallery' if gallery else 'Room'} {n}",
                branch=branch, capacity=self.rng.choice((40, 80, 120, 300)), actor=self.staff,
            )
            (self.galleries if gallery else self.rooms).append(venue)
        self.series = [
            create_series(name=name, name_en=f"Series {n}", actor=self.staff)
            for n, name in enumerate(("星海讲坛", "三点半课堂", "亲子阅读会", "非遗工作坊"))
        ]
        self.sessions = {s.id: 0 for s in self.series}
        self.competition = create_competition(title="少儿故事大王", title_en="Young Storytellers", actor=self.staff)
        db.session.commit()
        self.facts |= {"series": self.series[0].id, "venue": self.rooms[0].id, "branch": self.branches[0].id,
                       "competition": self.competition.id}

    def new_event(self, kind: str, starts: datetime, ends: datetime, *, venue=None, status: str, capacity=None,
                  series=None, title: str | None = None, **extra):
        from outreach.errors import OutreachError
        from outreach.events.services import change_status, create_event

        venue = venue or (self.rng.choice(self.galleries) if kind == "exhibition" else self.rng.choice(self.rooms))
        fields = dict(
            type=kind, title=title or f"{self.person()}：{kind}{self.rng.randrange(1000)}", starts_at=starts, ends_at=ends,
            venue=venue, capacity=capacity, audience=self.rng.choice(("all", "children", "adults", "seniors", "families")),
            description="活动介绍。" * self.rng.randint(5, 40), **extra,
        )
        if kind == "exhibition":
            fields |= {"daily_opens_at": clock_time(9), "daily_closes_at": clock_time(17)}
        if kind == "training":
            fields["audience"] = "staff"
        if series is not None:
            self.sessions[series.id] += 1
            fields |= {"series": series, "session_number": self.sessions[series.id]}
        try:
            event = create_event(actor=self.staff, **fields)
        except OutreachError as error:
            if getattr(error, "code", None) != "room_booked":
                raise
            event = create_event(actor=self.staff, booking_override_reason="同时段两场，场地已协调", **fields)
        if status != "draft":
            change_status(event, "published", actor=self.staff)
        return event

    def events(self) -> None:
        from outreach.extensions import db

        first = self.today - timedelta(days=365 * self.years - 60)
        span = (self.today + timedelta(days=60) - first).days
        kinds = [k for k, w in EVENT_MIX for _ in range(w)]
        self.all_events = []
        for n in range(self.n_events - 3):
            kind = self.rng.choice(kinds)
            day = first + timedelta(days=self.rng.randrange(span))
            starts = datetime.combine(day, clock_time(self.rng.choice((9, 10, 14, 15, 19)), self.rng.choice((0, 30))), tzinfo=self.tz)
            ends = starts + (timedelta(days=self.rng.randint(7, 40)) if kind == "exhibition" else timedelta(hours=self.rng.choice((1, 2, 3))))
            series = self.rng.choice(self.series) if kind == "lecture" and self.rng.random() < 0.5 else None
            past = ends < self.now
            status = "draft" if not past and self.rng.random() < 0.05 else "published"
            capacity = self.rng.choice((None, 30, 60, 100, 200)) if kind != "exhibition" else None
            self.all_events.append(self.new_event(kind, starts, ends, status=status, capacity=capacity, series=series))
            self.commit_every(100, n)
        today9 = datetime.combine(self.today, clock_time(9), tzinfo=self.tz)
        self.exhibition = self.new_event(
            "exhibition", today9 - timedelta(days=20), today9 + timedelta(days=20, hours=8), venue=self.galleries[0],
            status="published", title="“书香百年”馆藏珍本展",
        )
        self.big_event = self.new_event(
            "competition", today9 + timedelta(days=21, hours=5), today9 + timedelta(days=21, hours=8),
            venue=self.rooms[0], status="published", title="少儿故事大王 · 全市初赛", capacity=6_000,
        )
        self.export_event = self.new_event(
            "lecture", today9 + timedelta(days=10, hours=10), today9 + timedelta(days=10, hours=12),
            venue=self.rooms[1], status="published", title="星海讲坛 · 票券导出场", capacity=None,
        )
        db.session.commit()
        self.facts |= {"exhibition": self.exhibition.id, "big_event": self.big_event.id, "export_event": self.export_event.id}

    def register(self, event, n: int, *, when: datetime) -> list:
        from outreach.errors import OutreachError
        from outreach.registration.services import register

        made = []
        for phone in self.rng.sample(self.phones, min(n, len(self.phones))):
            try:
                new = register(
                    event, name=self.person(), phone=phone,
                    party_size=self.rng.choices((1, 2, 3, 4), (60, 25, 10, 5))[0], consent=True, now=when,
                    source=self.rng.choice(("web", "web", "api", "staff")),
                )
            except OutreachError as error:
                self.refused[getattr(error, "code", type(error).__name__)] += 1
                continue
            if new.created:
                made.append(new.registration)
            self.commit_every(500, self.done)
            self.done += 1
        return made

    def tickets(self) -> None:
        from outreach.errors import OutreachError
        from outreach.extensions import db
        from outreach.registration.services import add_walkins, cancel

        self.done = 0
        takes = [e for e in self.all_events if e.status == "published" and e.type != "training"]
        rest = self.n_registrations - BIG_EXHIBITION_TICKETS - BIG_EVENT_TICKETS - self.n_export
        weights = [self.rng.random() ** 2 + 0.1 for _ in takes]
        total = sum(weights)
        past_regs = []
        for event, weight in zip(takes, weights):
            n = round(rest * weight / total)
            made = self.register(event, n, when=min(event.starts_at - timedelta(days=self.rng.randint(1, 14)), self.now))
            if event.ends_at < self.now:
                past_regs.append((event, made))
        exhibition = self.register(self.exhibition, BIG_EXHIBITION_TICKETS, when=self.exhibition.starts_at - timedelta(days=5))
        self.register(self.big_event, BIG_EVENT_TICKETS, when=self.now - timedelta(days=3))
        self.register(self.export_event, self.n_export, when=self.now - timedelta(days=2))
        db.session.commit()
        # some cancel before the day
        for i, registration in enumerate(self.rng.sample(exhibition, 60)):
            cancel(registration, actor=None, now=self.now - timedelta(days=1))
        db.session.commit()
        # check-ins: most of the exhibition's tickets on its past days, then the past events
        done = 0
        exhibition_days = (self.today - self.exhibition.starts_at.astimezone(self.tz).date()).days
        for registration in exhibition:
            if done >= min(4_000, self.n_checkins * 0.8) or registration.status != "confirmed":
                continue
            day = self.exhibition.starts_at + timedelta(days=self.rng.randrange(exhibition_days), hours=self.rng.randint(0, 7))
            done += self.admit(registration, day)
        for event, made in past_regs:
            for registration in made:
                if done >= self.n_checkins:
                    break
                if registration.status == "confirmed" and self.rng.random() < 0.62:
                    moment = event.starts_at - timedelta(minutes=self.rng.randint(0, 30))
                    if event.type == "exhibition":
                        moment += timedelta(days=self.rng.randrange(max((event.ends_at - event.starts_at).days, 1)))
                    done += self.admit(registration, moment)
            if self.rng.random() < 0.5:
                try:
                    add_walkins(event, self.rng.randint(1, 30), actor=self.staff, now=event.starts_at, at_the_door=False,
                                day=event.starts_at.astimezone(self.tz).date())
                except OutreachError:
                    pass
        db.session.commit()

    def admit(self, registration, moment: datetime) -> int:
        from outreach.errors import OutreachError
        from outreach.registration.services import check_in

        try:
            check_in(registration, actor=self.staff, now=moment, source="door")
        except OutreachError:
            return 0
        self.commit_every(500, self.done)
        self.done += 1
        return 1

    def volunteering(self) -> None:
        from outreach.errors import OutreachError
        from outreach.extensions import db
        from outreach.volunteers.services import create_shift, sign_up

        roles = ("引导", "签到", "讲解", "摄影", "秩序")
        shifts = []
        ex_start = self.exhibition.starts_at
        for n in range(EXHIBITION_SHIFTS):  # two a day over the exhibition's 30 days around today
            day = ex_start + timedelta(days=5 + n // 2, hours=(n % 2) * 4)
            shifts.append(create_shift(self.exhibition, actor=self.staff, role=self.rng.choice(roles), starts_at=day,
                                       ends_at=day + timedelta(hours=4), slots=3, location="展厅入口"))
        with_shifts = [e for e in self.all_events if e.status == "published" and e.type != "exhibition"]
        desk_first = self.today - timedelta(days=365 * self.years - 60)
        for n in range(self.n_shifts - EXHIBITION_SHIFTS):
            if n % 10 == 9:  # the standing service-desk duty
                day = desk_first + timedelta(days=self.rng.randrange((self.today - desk_first).days + 50))
                starts = datetime.combine(day, clock_time(self.rng.choice((9, 13))), tzinfo=self.tz)
                shifts.append(create_shift(None, actor=self.staff, role="服务台", starts_at=starts,
                                           ends_at=starts + timedelta(hours=4), slots=2, location="总馆一楼"))
            else:
                event = self.rng.choice(with_shifts)
                starts = event.starts_at - timedelta(minutes=30 * self.rng.randint(0, 2))
                shifts.append(create_shift(event, actor=self.staff, role=self.rng.choice(roles), starts_at=starts,
                                           ends_at=event.ends_at, slots=self.rng.randint(1, 4)))
            self.commit_every(200, n)
        db.session.commit()
        signups = 0
        for i, shift in enumerate(shifts):
            when = min(shift.starts_at - timedelta(days=2), self.now)
            if when >= shift.starts_at:
                continue
            candidates = ([self.busy] if i % 10 == 0 else []) + self.rng.sample(self.volunteers[1:], min(3, len(self.volunteers) - 1))
            for volunteer in candidates[: shift.slots + 1]:
                try:
                    sign_up(shift, volunteer, now=when)
                    signups += 1
                except OutreachError:
                    pass
            self.commit_every(200, i)
        db.session.commit()
        roster_day = (ex_start + timedelta(days=5 + EXHIBITION_SHIFTS // 4)).astimezone(self.tz).date()
        self.facts |= {"roster_day": roster_day.isoformat()}


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Route:
    name: str
    role: str  # public, staff, admin, volunteer, staff-api, volunteer-api, admin-api, job
    path: str
    page: bool = True  # an HTML page (the staff time limit applies to staff pages)
    repeat: int | None = None


def routes(meta: dict) -> list[Route]:
    from outreach.timezone import library_tz

    m = meta
    today = datetime.now(library_tz()).date()
    year = today.year
    month_ahead = (today + timedelta(days=30)).isoformat()
    return [
        Route("programme", "public", "/"),
        Route("calendar (month)", "public", "/calendar"),
        Route("calendar.ics", "public", "/calendar.ics", page=False),
        Route("event page (5,000 registered)", "public", f"/events/{m['big_event']}"),
        Route("event page (exhibition)", "public", f"/events/{m['exhibition']}"),
        Route("series page", "public", f"/series/{m['series']}"),
        Route("competitions", "public", "/competitions/"),
        Route("staff home", "staff", "/staff/"),
        Route("staff calendar (week)", "staff", "/staff/calendar/"),
        Route("staff event (5,000 registrations)", "staff", f"/staff/events/{m['big_event']}"),
        Route("staff event (exhibition)", "staff", f"/staff/events/{m['exhibition']}"),
        Route("scanner page (exhibition)", "staff", f"/scan/{m['exhibition']}"),
        Route("volunteers", "staff", "/staff/volunteers/"),
        Route("busy volunteer's profile", "staff", f"/staff/volunteers/{m['busy_volunteer']}"),
        Route("shifts", "staff", "/staff/volunteers/shifts"),
        Route("roster (day)", "staff", f"/staff/volunteers/rosters/days/{m['roster_day']}"),
        Route("roster (event, 60 shifts)", "staff", f"/staff/volunteers/rosters/events/{m['exhibition']}"),
        Route("staff competitions", "staff", "/staff/competitions/"),
        Route("venues", "staff", "/staff/venues"),
        Route("venue", "staff", f"/staff/venues/{m['venue']}"),
        Route("branches", "admin", "/staff/branches"),
        Route("series list", "staff", "/staff/series"),
        Route("series (staff)", "staff", f"/staff/series/{m['series']}"),
        Route("partners", "staff", "/staff/partners"),
        Route("recurrences", "staff", "/staff/recurrences/"),
        Route("reports dashboard", "staff", f"/reports?year={year}"),
        Route("reports: events", "staff", "/reports/events"),
        Route("annual report", "staff", f"/reports/annual/{year}"),
        Route("audit log", "admin", "/staff/audit/"),
        Route("accounts", "admin", "/admin/accounts"),
        Route("/volunteer/me (busy)", "volunteer", "/volunteer/me"),
        Route("volunteer shifts.ics (busy)", "volunteer", f"/volunteer/{m['busy_volunteer']}/shifts.ics?token={{feed}}", page=False),
        Route("API events (public, no range)", "public", "/api/v1/events", page=False),
        Route("API events (public, 30 days)", "public", f"/api/v1/events?from={today}&to={month_ahead}", page=False),
        Route("API events (staff, no range)", "staff-api", "/api/v1/events", page=False),
        Route("API events (staff, 30 days)", "staff-api", f"/api/v1/events?from={today}&to={month_ahead}", page=False),
        Route("API shifts (volunteer)", "volunteer-api", "/api/v1/shifts", page=False),
        Route("API shifts (staff)", "staff-api", "/api/v1/shifts", page=False),
        Route("API my hours (busy)", "volunteer-api", f"/api/v1/volunteers/me/hours?year={year}", page=False),
        Route("API registrations search", "staff-api", f"/api/v1/events/{m['big_event']}/registrations?q=王", page=False),
        Route("API registrations list", "staff-api", f"/api/v1/events/{m['big_event']}/registrations?page=1", page=False),
        Route("API roster (exhibition)", "staff-api", f"/api/v1/events/{m['exhibition']}/roster", page=False),
        Route("API attendance (exhibition)", "staff-api", f"/api/v1/events/{m['exhibition']}/attendance", page=False),
        Route("API series", "public", "/api/v1/series", page=False),
        Route("API venues", "staff-api", "/api/v1/venues", page=False),
        Route("API branches", "public", "/api/v1/branches", page=False),
        Route("API competitions", "public", "/api/v1/competitions", page=False),
        Route("API audit", "admin-api", "/api/v1/audit", page=False),
        Route("API reports attendance", "staff-api", f"/api/v1/reports/attendance?from={year}-01-01&to={year}-12-31&group_by=type", page=False),
        Route("API annual report", "staff-api", f"/api/v1/reports/annual?year={year}", page=False),
        Route("ticket export job", "job", f"export:{m['export_event']}", page=False, repeat=1),
    ]


class Clients:
    def __init__(self, app, meta):
        from sqlalchemy import select

        from outreach.accounts.models import User
        from outreach.accounts.services import issue_token
        from outreach.extensions import db
        from outreach.volunteers.models import VolunteerProfile
        from outreach.volunteers.services import calendar_token

        self.app = app
        # Requests are made outside any app context: one held open would share ``g`` (and
        # Flask-Login's user) between the requests.
        with app.app_context():
            staff = db.session.scalar(select(User).where(User.email == "staff@bench.example.org"))
            busy = db.session.get(VolunteerProfile, meta["busy_volunteer"]).user
            self.staff_id, busy_email = staff.id, busy.email
            admin = db.session.scalar(select(User).where(User.email == "admin@bench.example.org"))
            staff_token, busy_token, admin_token = issue_token(staff), issue_token(busy), issue_token(admin)
            self.feed_token = calendar_token(busy.volunteer_profile)
            db.session.commit()
            self.engine = db.engine
        self.by_role = {
            "public": (app.test_client(), {}),
            "staff": (self.signed_in("staff@bench.example.org"), {}),
            "admin": (self.signed_in("admin@bench.example.org"), {}),
            "volunteer": (self.signed_in(busy_email), {}),
            "staff-api": (app.test_client(), {"Authorization": f"Bearer {staff_token}"}),
            "volunteer-api": (app.test_client(), {"Authorization": f"Bearer {busy_token}"}),
            "admin-api": (app.test_client(), {"Authorization": f"Bearer {admin_token}"}),
        }

    def signed_in(self, email):
        client = self.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        response = client.post("/login", data={"csrf_token": token.group(1), "email": email, "password": PASSWORD})
        assert response.status_code in (302, 303), f"could not sign in {email}: {response.status_code}"
        return client


@contextmanager
def counting(engine):
    from sqlalchemy import event as sa_event

    seen = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa_event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", listener)


def run_export(app, clients: Clients, event_id: int) -> int:
    from outreach.accounts.models import User
    from outreach.events.models import Event
    from outreach.extensions import db
    from outreach.registration import documents

    with app.test_request_context(base_url="http://bench.local/"):
        event = db.session.get(Event, event_id)
        staff = db.session.get(User, clients.staff_id)
        job = documents.start_ticket_export(event, actor=staff, locale="zh_Hans_CN")
        db.session.commit()
        documents.export_tickets(job.id)
        size = (Path(app.instance_path) / job.path).stat().st_size
        db.session.remove()
    return size


def measure(app, meta: dict, chosen: list[Route], repeat: int) -> dict:
    figures = {}
    clients = Clients(app, meta)
    for route in chosen:
        times, counts, size, status = [], [], 0, None
        for _ in range(route.repeat or repeat):
            with counting(clients.engine) as seen:
                began = time.perf_counter()
                if route.role == "job":
                    size, status = run_export(app, clients, int(route.path.split(":")[1])), 200
                else:
                    client, headers = clients.by_role[route.role]
                    response = client.get(route.path.replace("{feed}", clients.feed_token), headers=headers)
                    body = response.get_data()
                    size, status = len(body), response.status_code
                times.append((time.perf_counter() - began) * 1000)
            counts.append(len(seen))
        figures[route.name] = {
            "path": route.path, "role": route.role, "page": route.page, "status": status,
            "queries": counts[0], "queries_all": counts, "median_ms": round(statistics.median(times), 1),
            "bytes": size,
        }
        print(f"  {route.name:40} {status} {counts[0]:6d} q {statistics.median(times):9.1f} ms {size / 1024:9.1f} KB", flush=True)
    return figures


# --- query plans (PostgreSQL) ---------------------------------------------------------------


def explain(app, meta: dict, chosen: list[Route], top: int) -> str:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of the SELECTs one request of each route runs (captured
    with their parameters), the ``top`` slowest of each route with their whole plans."""
    from sqlalchemy import event as sa_event

    clients = Clients(app, meta)
    captured: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    out = []
    for route in chosen:
        if route.role == "job":
            continue
        captured.clear()
        client, headers = clients.by_role[route.role]
        sa_event.listen(clients.engine, "before_cursor_execute", listener)
        try:
            client.get(route.path.replace("{feed}", clients.feed_token), headers=headers)
        finally:
            sa_event.remove(clients.engine, "before_cursor_execute", listener)
        plans = []
        raw = clients.engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                lines = [row[0] for row in cursor.fetchall()]
                took = next((float(line.split(":")[1].split()[0]) for line in lines if line.startswith("Execution Time")), 0.0)
                plans.append((took, statement, parameters, lines))
            raw.rollback()
        finally:
            raw.close()
        plans.sort(key=lambda p: -p[0])
        total = sum(p[0] for p in plans)
        out.append(f"## {route.name}  ({route.path})\n{len(plans)} SELECTs, {total:.1f} ms in the database\n")
        for took, statement, parameters, lines in plans[:top]:
            seq = sorted({line.strip().split(" on ")[1].split()[0] for line in lines if "Seq Scan on" in line})
            out.append(f"### {took:.2f} ms{'  seq scans: ' + ', '.join(seq) if seq else ''}\n")
            out.append(" ".join(statement.split()) + f"\n-- parameters: {parameters!r}\n")
            out.append("\n".join(lines) + "\n")
        print(f"  {route.name:40} {len(plans):4d} SELECTs {total:9.1f} ms in PostgreSQL; slowest {plans[0][0] if plans else 0:.1f} ms", flush=True)
    return "\n".join(out)


# --- the report -----------------------------------------------------------------------------


def flags_for(route: Route, small: dict | None, large: dict | None) -> list[str]:
    flags = []
    if small and large and large["queries"] > small["queries"]:
        flags.append("GROWS")
    last = large or small
    if last and route.role != "job" and last["bytes"] > PAGE_LIMIT:
        flags.append(">1MB")
    if large and route.page and route.role in ("staff", "admin", "volunteer") and large["median_ms"] > STAFF_MS_LIMIT:
        flags.append(">300ms")
    if last and last["status"] != 200:
        flags.append(f"HTTP {last['status']}")
    return flags


def table(db_kind: str, chosen: list[Route], by_size: dict) -> tuple[str, int]:
    small, large = by_size.get("small", {}), by_size.get("large", {})
    lines = [
        f"{db_kind}: route | queries small → large | ratio | median ms small → large | ratio | KB large | flags",
        "| route | queries small → large | ratio | median ms small → large | ratio | KB (large) | flags |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    flagged = 0
    for route in chosen:
        s, l = small.get(route.name), large.get(route.name)
        if s is None and l is None:
            continue
        q = f"{s['queries'] if s else '–'} → {l['queries'] if l else '–'}"
        qr = f"{l['queries'] / s['queries']:.1f}" if s and l and s["queries"] else ""
        ms = f"{s['median_ms'] if s else '–'} → {l['median_ms'] if l else '–'}"
        mr = f"{l['median_ms'] / s['median_ms']:.1f}" if s and l and s["median_ms"] else ""
        kb = f"{(l or s)['bytes'] / 1024:,.0f}"
        flags = flags_for(route, s, l)
        flagged += bool(flags)
        lines.append(f"| {route.name} | {q} | {qr} | {ms} | {mr} | {kb} | {' '.join(flags)} |")
    return "\n".join(lines[1:]) if lines else "", flagged


def commit_id() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=None,
                        help="default: sqlite, and PostgreSQL too when a URL is given")
    parser.add_argument("--size", choices=("small", "large", "both"), default="both")
    parser.add_argument("--routes", default="", help="comma-separated name patterns (fnmatch, case-insensitive)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse a database built earlier (rebuild when absent)")
    parser.add_argument("--no-upgrade", action="store_true",
                        help="with --reuse: measure the database at the migration it has (to compare with a newer one)")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a route is flagged")
    parser.add_argument("--database-url", default=os.environ.get("OUTREACH_BENCH_DATABASE_URL"))
    parser.add_argument("--list", action="store_true", help="print the route names and exit")
    parser.add_argument("--explain", type=int, metavar="N", default=0,
                        help="PostgreSQL: instead of timing, EXPLAIN (ANALYZE, BUFFERS) the N slowest SELECTs of each route "
                             "(to bench/results/explain-<size>-<timestamp>.md)")
    parser.add_argument("--copy-from-sqlite", action="store_true",
                        help="PostgreSQL: copy the rows of the SQLite build of the same size instead of building again")
    parser.add_argument("--build-only", action="store_true", help="build (or, with --reuse, upgrade) the databases, measure nothing")
    args = parser.parse_args()

    dummy = {k: 0 for k in ("big_event", "exhibition", "series", "busy_volunteer", "venue", "export_event")} | {"roster_day": "2026-01-01"}
    if args.list:
        with make_app("sqlite://").app_context():
            listed = routes(dummy)
        for route in listed:
            print(f"{route.name:42} {route.role:14} {route.path}")
        return
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db] if args.db else (
        ["sqlite", "postgresql"] if args.database_url else ["sqlite"])
    sizes = ["small", "large"] if args.size == "both" else [args.size]
    patterns = [p.strip().lower() for p in args.routes.split(",") if p.strip()]

    def wanted(route: Route) -> bool:
        return not patterns or any(fnmatch.fnmatch(route.name.lower(), f"*{p}*") for p in patterns)

    RESULTS.mkdir(exist_ok=True)
    flagged_total = 0
    tables = []
    for db_kind in dbs:
        by_size, metas, chosen = {}, {}, []
        for size in sizes:
            app, meta = prepared(db_kind, size, args.database_url, args.reuse, args.copy_from_sqlite, not args.no_upgrade)
            if args.build_only:
                continue
            with app.app_context():
                chosen = [r for r in routes(meta) if wanted(r)]
            if args.explain:
                if db_kind != "postgresql":
                    continue
                report = explain(app, meta, chosen, args.explain)
                target = RESULTS / f"explain-{size}-{datetime.now():%Y%m%d-%H%M%S}.md"
                target.write_text(f"# EXPLAIN (ANALYZE, BUFFERS), {size}, commit {commit_id()}\n\n{report}")
                print(f"plans in {target}")
                continue
            print(f"[{db_kind} {size}] measuring {len(chosen)} routes, {args.repeat} runs each", flush=True)
            by_size[size] = measure(app, meta, chosen, args.repeat)
            metas[size] = meta
            with app.app_context():
                from outreach.extensions import db
                db.engine.dispose()
        if args.build_only or args.explain:
            continue
        text, flagged = table(db_kind, chosen, by_size)
        flagged_total += flagged
        header = f"{db_kind} (commit {commit_id()}, {datetime.now():%Y-%m-%d %H:%M}; " + "; ".join(
            f"{size}: " + ", ".join(f"{v:,} {k}" for k, v in metas[size]["counts"].items() if k in ("events", "registrations", "check-ins", "shifts"))
            for size in sizes) + ")"
        tables.append(f"{header}\n\n{text}\n")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        (RESULTS / f"scale-{db_kind}-{stamp}.json").write_text(json.dumps({
            "db": db_kind, "commit": commit_id(), "at": datetime.now().isoformat(timespec="seconds"),
            "repeat": args.repeat, "builds": metas, "figures": by_size,
            "flags": {r.name: flags_for(r, by_size.get("small", {}).get(r.name), by_size.get("large", {}).get(r.name)) for r in chosen},
        }, indent=1, ensure_ascii=False))
    print()
    for text in tables:
        print(text)
    print(f"{flagged_total} route(s) flagged (GROWS: more statements at the large size; >1MB; staff page >300ms at the large size)")
    if args.strict and flagged_total:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""How long the attendance reports take on a large year, against the bare SQL aggregate they need.

    .venv/bin/python bench/reports.py [--events 2000] [--registrations 100000] [--checkins 50000]
                                      [--shifts 5000] [--repeat 5]

Builds, in a temp SQLite database with bulk inserts, a library year (2025) of about 2,000
events at 24 venues of 8 branches (10 series, every type and audience, some cancelled and some
drafts, exhibitions running for weeks), 100,000 registrations (parties of 1 to 4; some
cancelled or on the waiting list; 30,000 different phone numbers), 50,000 check-ins, two
walk-in counts per event and 5,000 volunteer shifts with completed sign-ups. Then, in the
same process and the same run:

- baseline: one hand-written ``GROUP BY`` over check-ins and walk-ins (person-visits by event
  type for the year): the least a report of person-visits can do;
- full baseline: hand-written aggregates of every figure a report gives, by type (events,
  person-visits, registered, no-shows) and unique people: the bare SQL a report needs, which
  the aim "within 2x" is measured against;
- ``attendance_report`` for the year, without grouping and with each grouping;
- ``volunteer_figures`` for the year;
- the staff dashboard ``/reports`` for the year (a full request through the test client:
  six reports, last year beside them, volunteers, the statistics return, three charts) and
  the annual report service;

printing the median of each and its ratio to the baseline. Then it builds a year ten times
smaller and prints the number of SQL statements of each report and of the dashboard in both
years: they must be equal (the count does not grow with the data). Nothing about time is
asserted; the script exits non-zero when the statement counts differ or the totals do not add up.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, time as clock_time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

PASSWORD = "bench-password-2026"
YEAR = 2025
TZ = ZoneInfo("Asia/Shanghai")
GROUPINGS = (None, "type", "venue", "branch", "series", "month", "audience")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--shifts", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = (args.events, args.registrations, args.checkins, args.shifts)

    large = run(sizes, args.repeat, timing=True)
    small = run(tuple(max(n // 10, 1) for n in sizes), 1, timing=False)
    print()
    print(f"SQL statements          {'large year':>12} {'year / 10':>12}")
    failed = False
    for name in large:
        flag = "" if large[name] == small[name] else "   <-- grows with the data"
        failed |= bool(flag)
        print(f"{name:22} {large[name]:12d} {small[name]:12d}{flag}")
    sys.exit(1 if failed else 0)


def run(sizes, repeat: int, *, timing: bool) -> dict:
    from flask_migrate import upgrade

    from outreach import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "INSTANCE_PATH": tmp, "RATELIMIT_ENABLED": False, "SERVER_NAME": "bench.local",
        })
        with app.app_context():
            upgrade()
            staff = build(*sizes)
            client = signed_in(app, staff)
            if timing:
                measure(app, client, repeat)
            return statement_counts(client)


# --- the year --------------------------------------------------------------------------------


def build(n_events: int, n_registrations: int, n_checkins: int, n_shifts: int):
    from sqlalchemy import insert, select

    from outreach.accounts.models import User
    from outreach.accounts.services import create_user
    from outreach.events.models import AUDIENCES, EVENT_TYPES, Event
    from outreach.places.models import Branch, Series, Venue
    from outreach.extensions import db
    from outreach.registration.models import CheckIn, Registration, WalkIn
    from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile

    rng = random.Random(2025)
    began = time.perf_counter()
    staff = create_user(email="staff@example.org", password=PASSWORD, name="馆员", role="staff")
    db.session.execute(insert(Branch), [{"name": f"分馆{b}", "name_en": f"Branch {b}", "kind": "branch"} for b in range(8)])
    branch_ids = db.session.scalars(select(Branch.id)).all()
    db.session.execute(insert(Venue), [
        {"name": f"活动室{v}", "name_en": f"Room {v}", "kind": "room", "branch_id": branch_ids[v % 8], "capacity": 120}
        for v in range(24)
    ])
    venue_ids = db.session.scalars(select(Venue.id)).all()
    db.session.execute(insert(Series), [{"name": f"讲坛{s}", "name_en": f"Forum {s}"} for s in range(10)])
    series_ids = db.session.scalars(select(Series.id)).all()

    events, sessions = [], {s: 0 for s in series_ids}
    for n in range(n_events):
        kind = EVENT_TYPES[n % len(EVENT_TYPES)]
        day = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
        starts = datetime.combine(day, clock_time(rng.randint(8, 19), 0), tzinfo=TZ)
        length = timedelta(days=rng.randint(7, 40)) if kind == "exhibition" else timedelta(hours=rng.randint(1, 3))
        series = rng.choice(series_ids) if kind == "lecture" and rng.random() < 0.5 else None
        number = None
        if series is not None:
            sessions[series] += 1
            number = sessions[series]
        status = "cancelled" if rng.random() < 0.02 else "draft" if rng.random() < 0.01 else "completed"
        events.append({
            "type": kind, "status": status, "title": f"活动{n}", "starts_at": starts, "ends_at": starts + length,
            "venue_id": rng.choice(venue_ids), "capacity": rng.choice((None, 60, 100, 200)),
            "audience": rng.choice(AUDIENCES[:-1]), "series_id": series, "session_number": number,
        })
    db.session.execute(insert(Event), events)
    event_rows = db.session.execute(select(Event.id, Event.starts_at, Event.ends_at)).all()

    registrations = []
    for n in range(n_registrations):
        event_id, starts, _ends = event_rows[n % len(event_rows)]
        status = rng.choices(("confirmed", "waitlisted", "cancelled"), (90, 5, 5))[0]
        registrations.append({
            "event_id": event_id, "ticket_digest": f"{n:064x}", "ticket_seed": f"{n:032x}", "status": status,
            "name": "读者", "phone": None, "phone_digest": f"{rng.randrange(30_000):064x}",
            "party_size": rng.choices((1, 2, 3, 4), (60, 25, 10, 5))[0], "source": "web",
        })
    for start in range(0, len(registrations), 20_000):
        db.session.execute(insert(Registration), registrations[start:start + 20_000])
    confirmed = db.session.execute(
        select(Registration.id, Registration.event_id, Event.starts_at, Event.ends_at)
        .join(Event, Event.id == Registration.event_id).where(Registration.status == "confirmed")
    ).all()
    chosen = rng.sample(confirmed, min(n_checkins, len(confirmed)))
    checkins = []
    for registration_id, event_id, starts, ends in chosen:
        first, last = starts.astimezone(TZ).date(), ends.astimezone(TZ).date()
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        checkins.append({"registration_id": registration_id, "event_id": event_id, "day": day,
                         "checked_in_at": datetime.combine(day, clock_time(10), tzinfo=TZ), "source": "door"})
    for start in range(0, len(checkins), 20_000):
        db.session.execute(insert(CheckIn), checkins[start:start + 20_000])
    db.session.execute(insert(WalkIn), [
        {"event_id": event_id, "count": rng.randint(1, 40), "day": starts.astimezone(TZ).date(),
         "recorded_at": starts, "source": source}
        for event_id, starts, _ends in event_rows for source in ("door", "headcount")
    ])

    password_hash = staff.password_hash
    db.session.execute(insert(User), [
        {"email": f"v{n}@example.org", "name": f"志愿者{n}", "password_hash": password_hash, "role": "volunteer"}
        for n in range(200)
    ])
    user_ids = db.session.scalars(select(User.id).where(User.role == "volunteer")).all()
    db.session.execute(insert(VolunteerProfile), [{"user_id": u, "status": "active"} for u in user_ids])
    profile_ids = db.session.scalars(select(VolunteerProfile.id)).all()
    shifts = []
    for n in range(n_shifts):
        event_id, starts, _ends = event_rows[n % len(event_rows)]
        shifts.append({"event_id": event_id, "role": "引导", "starts_at": starts, "ends_at": starts + timedelta(hours=2),
                       "slots": 3})
    db.session.execute(insert(Shift), shifts)
    shift_ids = db.session.scalars(select(Shift.id)).all()
    db.session.execute(insert(ShiftSignup), [
        {"shift_id": s, "volunteer_id": v, "status": "completed", "hours": Decimal("2.00")}
        for s in shift_ids for v in rng.sample(profile_ids, 2)
    ])
    db.session.commit()
    print(f"built {len(event_rows):,} events, {len(registrations):,} registrations, {len(checkins):,} check-ins, "
          f"{len(event_rows) * 2:,} walk-in counts, {len(shift_ids):,} shifts in {time.perf_counter() - began:.1f} s")
    return staff


def signed_in(app, staff):
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token.group(1), "email": staff.email, "password": PASSWORD})
    assert response.status_code in (302, 303), "could not sign in"
    return client


# --- timing ----------------------------------------------------------------------------------------


def timed_in_rounds(works: dict, repeat: int) -> dict:
    """The median time of each work, measured in rounds (each work once a round, in turn), so
    that a busy machine slows the baselines and the reports alike and the ratios hold."""
    for work in works.values():
        work()  # warm: the first run reads the database file into the page cache
    times = {name: [] for name in works}
    for _ in range(repeat):
        for name, work in works.items():
            begin = time.perf_counter()
            work()
            times[name].append(time.perf_counter() - begin)
    return {name: statistics.median(values) for name, values in times.items()}


def year_query():
    from outreach.reports.services import ReportQuery

    return ReportQuery(date(YEAR, 1, 1), date(YEAR, 12, 31))


def baseline():
    """Person-visits by event type for the year, by hand: check-ins (party sizes) and walk-ins."""
    from sqlalchemy import text

    from outreach.extensions import db

    return db.session.execute(text(
        "SELECT e.type, SUM(v.people) FROM ("
        " SELECT c.event_id AS event_id, r.party_size AS people FROM checkins c"
        " JOIN registrations r ON r.id = c.registration_id WHERE c.day BETWEEN :start AND :end"
        " UNION ALL SELECT w.event_id, w.count FROM walkins w WHERE w.day BETWEEN :start AND :end"
        ") v JOIN events e ON e.id = v.event_id WHERE e.status NOT IN ('draft', 'cancelled') GROUP BY e.type"
    ), {"start": f"{YEAR}-01-01", "end": f"{YEAR}-12-31"}).all()


def full_baseline():
    """Every figure of a report by type for the year, by hand, in the fewest plain aggregates:
    events, registered and no-shows (registrations of the events starting in the year), person-
    visits (the baseline) and unique people (distinct phone digests of admitted tickets)."""
    from sqlalchemy import case, distinct, exists, func, select

    from outreach.events.models import Event
    from outreach.extensions import db
    from outreach.registration.models import CheckIn, Registration

    start, end = datetime(YEAR, 1, 1, tzinfo=TZ), datetime(YEAR + 1, 1, 1, tzinfo=TZ)
    counted = Event.status.not_in(("draft", "cancelled"))
    starting = (Event.starts_at >= start, Event.starts_at < end, counted)
    events = db.session.execute(select(Event.type, func.count()).where(*starting).group_by(Event.type)).all()
    came = exists().where(CheckIn.registration_id == Registration.id)
    registered = db.session.execute(
        select(Event.type, func.sum(Registration.party_size),
               func.sum(case((~came & (Event.ends_at <= datetime.now(TZ)), Registration.party_size), else_=0)))
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == "confirmed", *starting).group_by(Event.type)
    ).all()
    visits = baseline()
    unique = db.session.scalar(
        select(func.count(distinct(Registration.phone_digest))
               + func.count(distinct(case((Registration.phone_digest.is_(None), Registration.id)))))
        .select_from(CheckIn).join(Registration, Registration.id == CheckIn.registration_id)
        .join(Event, Event.id == CheckIn.event_id)
        .where(CheckIn.day >= date(YEAR, 1, 1), CheckIn.day <= date(YEAR, 12, 31), counted)
    )
    return events, registered, visits, unique


def measure(app, client, repeat: int) -> None:
    from outreach.reports.services import attendance_report, volunteer_figures

    query = year_query()
    by_hand = dict(baseline())
    by_type = attendance_report(query, "type")
    assert {r.key: r.attendance for r in by_type.rows} == {k: int(v) for k, v in by_hand.items()}, \
        "the report and the hand-written aggregate disagree"
    for group_by in GROUPINGS[1:]:
        rows = attendance_report(query, group_by).rows
        assert sum(r.attendance for r in rows) == by_type.totals.attendance, group_by
    events, registered, _visits, unique = full_baseline()
    assert {k: int(v) for k, v in events} == {r.key: r.events for r in by_type.rows if r.events}
    assert {k: int(v) for k, v, _n in registered} == {r.key: r.registered for r in by_type.rows if r.registered}
    assert {k: int(n) for k, _v, n in registered} == {r.key: r.no_shows for r in by_type.rows if r.registered}
    assert unique == by_type.unique_people
    print(f"person-visits {by_type.totals.attendance:,}, events {by_type.totals.events:,}, "
          f"unique people {by_type.unique_people:,}: the hand-written aggregates agree")

    def dashboard():
        response = client.get(f"/reports?period=custom&from={YEAR}-01-01&to={YEAR}-12-31&lang=en")
        assert response.status_code == 200, response.status_code

    dashboard()  # draws and caches the charts once, as a second visitor finds them
    works = {
        "bare GROUP BY over check-ins + walk-ins": baseline,
        "full baseline: every figure by hand": full_baseline,
        **{f"attendance_report({g or 'totals'})": (lambda g=g: attendance_report(query, g)) for g in GROUPINGS},
        "volunteer_figures": lambda: volunteer_figures(query),
        "dashboard page /reports": dashboard,
    }
    try:
        from outreach.reports.annual import annual_report
    except ImportError:  # the annual report is another part of the same issue
        annual_report = None
    if annual_report is not None:
        works["annual_report (service)"] = lambda: annual_report(YEAR, "zh_Hans")
    medians = timed_in_rounds(works, repeat)
    lines = list(medians.items())
    base, full = medians["bare GROUP BY over check-ins + walk-ins"], medians["full baseline: every figure by hand"]
    print()
    for label, seconds in lines:
        print(f"{label:42} {seconds * 1000:8.1f} ms   × {seconds / base:5.1f} baseline"
              f"   × {seconds / full:5.2f} full baseline")


@contextmanager
def counted():
    from sqlalchemy import event

    from outreach.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statement_counts(client) -> dict:
    from outreach.reports.services import attendance_report, volunteer_figures

    query = year_query()
    counts = {}
    for group_by in GROUPINGS:
        with counted() as statements:
            attendance_report(query, group_by)
        counts[f"report {group_by or 'totals'}"] = len(statements)
    with counted() as statements:
        volunteer_figures(query)
    counts["volunteer_figures"] = len(statements)
    with counted() as statements:
        assert client.get(f"/reports?period=custom&from={YEAR}-01-01&to={YEAR}-12-31").status_code == 200
    counts["dashboard page"] = len(statements)
    return counts


if __name__ == "__main__":
    main()

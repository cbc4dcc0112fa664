"""The permission matrix (issue 12, "make it stay fixed"): every route of the URL map, asked by
every kind of person, answers exactly as tests/permissions_table.py declares.

The people: anonymous; a ticket holder (a patron with a ticket link, no account); a volunteer;
a volunteer on a shift of the event now (the door may let them in); staff; an admin; the keeper of
a village reading room (whose place and activity the outposts routes are asked about); staff of
another branch (南门分馆) than the world's event, series and shifts (星海明筑分馆), who may look at
them and change none of them (issue 15 point 3).

Pages are asked with the person's session (signed in through the log-in form), the API with
their bearer token. Writes carry no valid data (pages: a valid CSRF token and nothing else; the
API: an empty JSON object), so that the role check must answer first: 401/403/404 for people
without the right, a validation answer (400/409/415/422) or a redirect for people with it. A
write that went through is undone (the shared data are restored) before the next request.

The data are built once per module: an event on now with a registration, a check-in, a shift a
volunteer works now, a competition with a round, sitting, judge and contestant, a series, a
partner, a weekly class with a skipped day, a call for volunteers and a training, and a draft
event whose public routes must answer 404 to all but staff (``DRAFT_TABLE``). SQLite restores the
data from a copy of the file, PostgreSQL from a copy of the rows (about 30 s and 90 s here).
"""

from __future__ import annotations

import io
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, text

from outreach import clock, create_app
from outreach.accounts.models import ApiToken, User
from outreach.accounts.services import create_user
from outreach.competitions import services as competitions
from outreach.events import services as events
from outreach.extensions import db
from outreach.outposts import services as outposts
from outreach.places import services as places
from outreach.places.models import Branch, Venue
from outreach.platform import mail
from outreach.recurrences.services import add_exception, create_recurrence
from outreach.registration import services as registration
from outreach.registration.documents import start_ticket_export
from outreach.timezone import local_date
from outreach.visits import services as visits
from outreach.volunteers import services as volunteers
from tests.helpers import PASSWORD, IsolatedClient, csrf_token_from, token_in_use
from tests.permissions_table import DRAFT_TABLE, ROLES, WRITE_METHODS, classify, expected, table_keys

#: The routes Flask adds itself.
SKIPPED = {"static"}
#: A ticket link nobody holds (for everyone but the ticket holder).
UNKNOWN_TOKEN = "not-a-ticket-token"
#: An id no row has.
MISSING = 987654


# --- the shared data -------------------------------------------------------------------------


def build() -> dict:
    """Make the module's data (in an app context on an empty database) and return the values
    that fill the URLs."""
    now = clock.now().replace(second=0, microsecond=0)
    staff = create_user("staff@example.org", role="staff", password=PASSWORD, name="馆员")
    admin = create_user("admin@example.org", role="admin", password=PASSWORD, name="管理员")
    helper = create_user("volunteer@example.org", role="volunteer", password=PASSWORD, name="志愿者甲")
    on_shift = create_user("door@example.org", role="volunteer", password=PASSWORD, name="志愿者乙")
    db.session.flush()
    branch = Branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch", kind="branch")
    venue = Venue(name="报告厅", name_en="Lecture hall", kind="room", capacity=120, branch=branch)
    hall = Venue(name="讲坛活动室", name_en="Forum room", kind="room", capacity=60, branch=branch)
    db.session.add_all([branch, venue, hall])
    db.session.flush()
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 120, 40)).save(picture, "PNG")
    series = places.create_series(name="星海讲坛", name_en="Xinghai Forum", branch=branch)
    partner = places.create_partner(name="醴陵市作家协会")
    db.session.flush()
    event = events.create_event(
        title="讲座", type="lecture", status="published", venue=venue, capacity=100,
        starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=3), series=series,
    )
    events.set_cover(event, data=picture.getvalue(), alt="孩子们在画灯笼")
    db.session.flush()
    show = events.create_event(
        title="老照片展", type="exhibition", status="published", venue=venue, registration="none",
        starts_at=now + timedelta(days=20), ends_at=now + timedelta(days=30),
    )
    db.session.flush()
    exhibit = events.add_exhibits(show, [{"title": "老照片", "creator": "李明"}])[0]
    made = registration.register(event, name="张三", phone="13812345678")
    ticket = registration.ticket_token(made.registration)
    draft = events.create_event(
        title="筹备中的讲座", type="lecture", status="draft", venue=venue, capacity=50,
        starts_at=now + timedelta(days=40), ends_at=now + timedelta(days=40, hours=2),
    )
    job = start_ticket_export(event, actor=staff, locale="zh_Hans")
    checkin = registration.check_in(made.registration, event=event, actor=staff, now=event.starts_at).checkin
    shift = volunteers.create_shift(event, role="签到引导", starts_at=now - timedelta(minutes=30),
                                    ends_at=now + timedelta(hours=3), slots=3)
    db.session.flush()
    signup = volunteers.sign_up(shift, volunteers.profile_of(on_shift), now=now - timedelta(days=1))
    training = volunteers.create_training(actor=staff, title="消防安全培训", topic="消防安全",
                                          starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=3, hours=-2))
    call = volunteers.save_call(None, actor=staff, title="暑期志愿者", description="帮助少儿阅读活动。")
    competition = competitions.create_competition(title="少儿故事大王")
    competitions.set_criteria(competition, [{"name": "内容", "name_en": "Content", "weight": 100, "max_score": 10}])
    judge = competitions.add_judge(competition, name="王评委")
    round_ = competitions.add_round(competition, name="初赛", name_en="Preliminary", advance_mode="top", advance_value=3)
    sitting = competitions.add_sitting(round_, venue=hall, starts_at=now + timedelta(days=7),
                                       ends_at=now + timedelta(days=7, hours=3), status="published")
    db.session.flush()
    contestant = registration.register(sitting, name="选手甲", phone="13912345678",
                                       answers={"school": "南门小学", "grade": "三年级", "piece": "故事"}).registration
    first = (now + timedelta(days=14)).date()
    first += timedelta(days=(0 - first.weekday()) % 7)  # a Monday
    recurrence = create_recurrence(
        weekdays="12345", starts_on=first, ends_on=first + timedelta(days=11), start_time=time(15, 30),
        end_time=time(16, 30), exceptions=[], type="class", title="三点半课堂", status="published",
        capacity=30, max_party_size=1, audience="children", venue=hall,
    )
    db.session.flush()
    skipped = first + timedelta(days=1)
    add_exception(recurrence, skipped, "馆内活动", actor=staff)
    message = mail.queue(db.session, mail.Message("reader@example.org", "活动提醒", "正文", event_id=event.id))
    village = Branch(name="东岗农家书屋", name_en="Donggang Village Reading Room", kind="village")
    db.session.add(village)
    db.session.flush()
    keeper = create_user("keeper@example.org", role="keeper", password=PASSWORD, name="书屋管理员", branch_id=village.id)
    other = Branch(name="南门分馆", name_en="Nanmen Branch", kind="branch")
    db.session.add(other)
    db.session.flush()
    branch_staff = create_user("nanmen@example.org", role="staff", password=PASSWORD, name="南门馆员", branch_id=other.id)
    activity = outposts.record_activity(village, actor=keeper, type="activity", title="暑期阅读", day=local_date(now),
                                        starts=time(0, 0), ends=time(0, 30), headcount=12)
    visit, _visit_token = visits.submit({
        "organisation": "南门中学", "kind": "school", "contact_name": "李老师", "phone": "13712345678",
        "preferred": [{"date": local_date(now) + timedelta(days=30), "part": "morning"}], "children": 40,
        "adults": 3, "consent": True,
    })
    db.session.commit()
    token_id = db.session.scalar(select(ApiToken.id).limit(1)) or MISSING
    return {
        "users": {"staff": staff.email, "admin": admin.email, "volunteer": helper.email, "on_shift": on_shift.email,
                  "keeper": keeper.email, "branch_staff": branch_staff.email},
        "params": {
            "event_id": event.id, "registration_id": made.registration.id, "checkin_id": checkin.id,
            "exhibit_id": exhibit.id, "shift_id": shift.id, "signup_id": signup.id,
            "volunteer_id": volunteers.profile_of(on_shift).id, "training_id": training.id, "call_id": call.id,
            "competition_id": competition.id, "round_id": round_.id, "judge_id": judge.id,
            "series_id": series.id, "branch_id": branch.id, "venue_id": venue.id, "partner_id": partner.id,
            "recurrence_id": recurrence.id, "user_id": staff.id, "token_id": token_id, "job_id": job.id, "export_id": job.id,
            "message_id": message.id, "visit_id": visit.id,
            "year": now.year, "section": "summary", "kind": "csv", "key": event.cover_key, "width": 480,
            "day": shift.starts_at.date().isoformat(),
        },
        "by_endpoint": {
            **{endpoint: {"branch_id": village.id} for endpoint in (
                "outposts.place", "outposts.visitors", "outposts.new_activity", "api.outposts_api.list_activities",
                "api.outposts_api.record_activity", "api.outposts_api.list_visitors", "api.outposts_api.set_visitors")},
            **{endpoint: {"event_id": activity.id} for endpoint in (
                "outposts.activity", "api.outposts_api.correct_headcount")},
            "recurrences.remove_exception": {"day": skipped.isoformat()},
            "staff.exhibits": {"event_id": show.id},
            "staff.edit_exhibit": {"event_id": show.id},
            "staff.remove_exhibit": {"event_id": show.id},
            "competitions_staff.certificate": {"registration_id": contestant.id},
            "api.reports_annual_api.close_year": {"year": str(now.year)},
        },
        "ticket": ticket,
        "draft_id": draft.id,
        "draft_code": f"?code={registration.poster_code(draft, local_date(now))}",
        # the codes a poster carries (anyone at the door or desk may read them) and a
        # volunteer's calendar link (only its owner, the volunteer on the shift, holds it)
        "query": {
            "registration.self_check_in": f"?code={registration.poster_code(event, local_date(now))}",
            "volunteers.desk": f"?code={volunteers.desk_code(shift)}",
        },
        "feed": f"?token={volunteers.calendar_token(volunteers.profile_of(on_shift))}",
    }


def empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
        if db.session.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            db.session.execute(text("DELETE FROM sqlite_sequence"))
    db.session.commit()


def copy_database(source, target) -> None:
    """Copy one SQLite database into another through SQLite's backup API."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def copy_rows() -> dict:
    """Every row of every table: what PostgreSQL, which has no file to copy, restores, and what
    the data are compared with at the end."""
    return {t.name: [dict(row._mapping) for row in db.session.execute(t.select())] for t in db.metadata.sorted_tables}


def put_rows_back(rows: dict) -> None:
    """Empty the tables and insert ``rows`` again, the id sequences following."""
    empty_tables()
    for table in db.metadata.sorted_tables:
        if rows[table.name]:
            db.session.execute(table.insert(), rows[table.name])
            if "id" in table.c and table.c.id.autoincrement in (True, "auto"):
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
                ))
    db.session.commit()
    db.session.remove()


@dataclass
class World:
    """The module's app, data and signed-in people; ``restore`` puts the data back after a
    write that went through."""

    app: object
    data: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    snapshot: Path | None = None
    rows: dict | None = None
    covers: Path | None = None

    def setup(self) -> None:
        with self.app.app_context():
            empty_tables()
            self.data = build()
            self._sign_in()
            db.session.remove()
            # a removed cover deletes its files: keep them with the data
            self.covers = Path(self.app.instance_path) / "covers"
            shutil.rmtree(str(self.covers) + "-snapshot", ignore_errors=True)
            shutil.copytree(self.covers, str(self.covers) + "-snapshot")
            if db.engine.dialect.name == "sqlite":
                db.engine.dispose()
                self.snapshot = Path(db.engine.url.database + ".perm-snapshot")
                copy_database(db.engine.url.database, self.snapshot)
            self.rows = copy_rows()
            db.session.remove()

    def _sign_in(self) -> None:
        self.sessions, self.tokens = {}, {}
        for role in ("anonymous", "ticket_holder"):  # a CSRF token is easy to come by
            client = self.app.test_client()
            self.sessions[role] = (client, csrf_token_from(client, "/tickets/find"))
        for role, who in (("volunteer", "volunteer"), ("on_shift", "on_shift"), ("staff", "staff"), ("admin", "admin"),
                          ("keeper", "keeper"), ("branch_staff", "branch_staff")):
            email = self.data["users"][who]
            client = self.app.test_client()
            token = csrf_token_from(client)
            response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 302, response.get_data(as_text=True)
            self.sessions[role] = (client, csrf_token_from(client, "/tickets/find"))
            user = db.session.scalar(select(User).where(User.email == email))
            self.tokens[role] = {"Authorization": f"Bearer {token_in_use(user)}"}
            db.session.commit()

    def restore(self, *, signed_out: bool = False) -> None:
        """Put the data back; sign everyone in again after a log-out (its cookie is gone)."""
        for thread in threading.enumerate():  # a ticket export runs in a thread of its own
            if thread.name.startswith("export-"):
                thread.join(timeout=30)
        with self.app.app_context():
            db.session.remove()
            if self.snapshot is not None:
                db.engine.dispose()
                copy_database(self.snapshot, db.engine.url.database)
            else:
                put_rows_back(self.rows)
        shutil.copytree(str(self.covers) + "-snapshot", self.covers, dirs_exist_ok=True)
        if signed_out:
            self.setup()

    def client(self, role: str):
        return self.sessions[role]


@pytest.fixture(scope="module")
def world(base_config):
    app = create_app(base_config)
    app.test_client_class = IsolatedClient
    covers = Path(app.instance_path) / "covers"
    before = set(covers.iterdir()) if covers.is_dir() else set()
    world = World(app)
    world.setup()
    yield world
    with app.app_context():
        db.session.remove()
        empty_tables()
        db.engine.dispose()
    if world.snapshot is not None:
        world.snapshot.unlink(missing_ok=True)
    shutil.rmtree(str(world.covers) + "-snapshot", ignore_errors=True)
    for path in set(covers.iterdir()) - before:  # the instance folder is the whole run's
        path.unlink()


# --- asking ----------------------------------------------------------------------------------


def rules(app):
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED), key=lambda r: (r.rule, r.endpoint))


def methods_of(rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def url_for_rule(world: World, rule, role: str) -> str:
    values = {**world.data["params"], **world.data["by_endpoint"].get(rule.endpoint, {})}
    values["token"] = world.data["ticket"] if role == "ticket_holder" else UNKNOWN_TOKEN
    path = rule.rule
    for name in rule.arguments - set(rule.defaults or ()):
        path = re.sub(r"<(?:[^<>:]+:)?" + name + r">", str(values[name]), path)
    assert "<" not in path, path
    if rule.endpoint == "volunteers.shift_feed":
        return path + (world.data["feed"] if role == "on_shift" else "?token=not-the-token")
    return path + world.data["query"].get(rule.endpoint, "")


def ask(world: World, rule, method: str, role: str, path: str | None = None):
    """The answer ``role`` gets for ``method`` on ``rule`` (or on ``path``, one of its URLs)."""
    path = path or url_for_rule(world, rule, role)
    api = path.startswith("/api/")
    if api:
        client = world.app.test_client()
        headers = world.tokens.get(role, {})
        body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        return client.open(path, method=method, headers=headers, **body)
    client, csrf = world.client(role)
    if method == "GET":
        return client.get(path)
    return client.open(path, method=method, data={"csrf_token": csrf})


def answer(world: World, rule, method: str, role: str, path: str | None = None) -> str:
    response = ask(world, rule, method, role, path)
    kind = classify(response)
    response.close()
    went_through = method in WRITE_METHODS and kind == "ok" and response.status_code < 400
    if went_through or any(thread.name.startswith("export-") for thread in threading.enumerate()):
        world.restore(signed_out=rule.endpoint == "accounts.logout")
    return kind if response.status_code < 500 else f"error {response.status_code}"


# --- the tests -------------------------------------------------------------------------------


def untabled(app) -> list[tuple[str, str]]:
    """The (rule, method) pairs of ``app`` the table does not declare."""
    routes = {(rule.rule, method) for rule in rules(app) for method in methods_of(rule)}
    return sorted(routes - table_keys())


def test_every_route_is_in_the_table(world):
    missing = untabled(world.app)
    assert missing == [], "add it to the table in tests/permissions_table.py: " + ", ".join(f"{m} {r}" for r, m in missing)
    routes = {(rule.rule, method) for rule in rules(world.app) for method in methods_of(rule)}
    assert sorted(table_keys() - routes) == [], "the table names routes the app no longer has"


def test_a_new_route_cannot_escape_the_table(base_config):
    app = create_app(base_config)
    app.add_url_rule("/staff/new-thing/<int:event_id>", "new_thing", lambda event_id: "", methods=["GET", "POST"])
    assert untabled(app) == [("/staff/new-thing/<int:event_id>", "GET"), ("/staff/new-thing/<int:event_id>", "POST")]
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("role", ROLES)
def test_each_route_answers_as_declared(world, role):
    wrong = []
    for rule in rules(world.app):
        for method in methods_of(rule):
            want = expected(rule.rule, method, role)
            if want is None:
                continue  # reported by test_every_route_is_in_the_table
            got = answer(world, rule, method, role)
            if got != want:
                wrong.append(f"{method} {rule.rule}: {got}, declared {want}")
    if wrong:
        pytest.fail(f"{role} gets other answers than the table declares:\n" + "\n".join(wrong), pytrace=False)


@pytest.mark.parametrize("role", ROLES)
def test_a_draft_event_is_hidden_from_all_but_staff(world, role):
    """The event routes the public may use, on a draft instead: 404 for everyone who may not
    see it (DRAFT_TABLE)."""
    by_rule = {(rule.rule, method): rule for rule in rules(world.app) for method in methods_of(rule)}
    wrong = []
    for (method, path_rule), want in DRAFT_TABLE.items():
        rule = by_rule[(path_rule, method)]
        path = url_for_rule(world, rule, role).replace(f"/events/{world.data['params']['event_id']}", f"/events/{world.data['draft_id']}")
        if rule.endpoint == "registration.self_check_in":  # the draft's own door poster
            path = path.split("?")[0] + world.data["draft_code"]
        got = answer(world, rule, method, role, path)
        if got != want[role]:
            wrong.append(f"{method} {path_rule}: {got}, declared {want[role]}")
    if wrong:
        pytest.fail(f"{role} gets other answers for a draft than the table declares:\n" + "\n".join(wrong), pytrace=False)


def test_the_shared_data_are_as_built_after_every_role(world):
    """What the requests changed was put back: no case saw another's writes."""
    for thread in threading.enumerate():
        if thread.name.startswith("export-"):
            thread.join(timeout=30)
    with world.app.app_context():
        now = copy_rows()
        db.session.remove()
    changed = sorted(name for name, rows in now.items() if rows != world.rows[name])
    assert changed == []

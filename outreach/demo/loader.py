"""The demo data: the seed library's 2018 year, and an upcoming programme after ``today``.

``load`` runs inside an app context and only flushes; the caller commits. A ``demo_loaded``
setting marks a database that has it, and a second ``load`` then changes nothing. Every random
choice (names, phone numbers, party sizes, headcounts) comes from ``random.Random(2018)``, so
two loads build the same people and the same totals; only the ticket secrets differ.

The 2018 year adds up to the report's own statistics: 42 reader activities (40余次) with some
73,000 participants (7万余人), most of them counted day by day at the four exhibitions.
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from outreach.accounts.models import User
from outreach.accounts.services import create_user
from outreach.competitions.models import Competition, Round
from outreach.demo.competition import load_competition
from outreach.demo import data
from outreach.events.models import Event, EventPartner
from outreach.places.models import Branch, Partner, Series, Venue
from outreach.events.booking import clashes
from outreach.events.services import create_event, create_venue
from outreach.extensions import db
from outreach.outposts import services as outposts
from outreach.visits import services as visits
from outreach.platform.models import Setting
from outreach.phone import phone_digest
from outreach.recurrences.models import Recurrence
from outreach.registration.models import CheckIn, Registration, WalkIn
from outreach.registration.services import event_day
from outreach.registration.tickets import new_ticket
from outreach.timezone import local, localize
from outreach.volunteers.models import (
    RecruitmentCall,
    Shift,
    ShiftSignup,
    Training,
    TrainingAttendance,
    VolunteerProfile,
)

MARKER_KEY = "demo_loaded"
SEED = 2018
HISTORY_YEAR = 2018

#: (e-mail, password, role) of the accounts a visitor of the demo signs in with.
DEMO_LOGINS: list[tuple[str, str, str]] = [
    ("admin@example.org", "demo-admin-2026", "admin"),
    ("staff@example.org", "demo-staff-2026", "staff"),
    ("volunteer@example.org", "demo-volunteer-2026", "volunteer"),
    ("keeper@example.org", "demo-keeper-2026", "keeper"),
]
_DEMO_NAMES = {"admin@example.org": "王志强", "staff@example.org": "李晓梅", "volunteer@example.org": "陈雨萱",
               "keeper@example.org": "刘桂兰"}
#: The village reading room the demo's keeper looks after (a key of ``data.BRANCHES``).
KEEPER_PLACE = "donggang"
#: Days before today whose visitors the keeper counted.
VISITOR_DAYS = 21

_PRIMARY_GRADES = ("一年级", "二年级", "三年级", "四年级", "五年级", "六年级")
_MIDDLE_GRADES = ("七年级", "八年级", "九年级")
#: What contestants answered on their registration (school, grade), by event key.
_ANSWERS = {
    "story_a": (("南门小学", "实验小学"), _PRIMARY_GRADES),
    "story_b": (("南门中学", "第一中学"), _MIDDLE_GRADES),
    "story_final": (("南门小学", "实验小学", "南门中学", "第一中学"), _PRIMARY_GRADES + _MIDDLE_GRADES),
    "star_online": (("南门小学", "实验小学", "南门中学", "第一中学"), _PRIMARY_GRADES[2:] + _MIDDLE_GRADES),
    "star_second": (("南门小学", "实验小学", "南门中学", "第一中学"), _PRIMARY_GRADES[2:] + _MIDDLE_GRADES),
}


@dataclass
class Summary:
    """What a ``load`` did, for the command line."""

    loaded: bool
    branches: int = 0
    venues: int = 0
    partners: int = 0
    events: int = 0
    events_history: int = 0
    reader_activities: int = 0
    attendance: int = 0
    upcoming: int = 0
    registrations: int = 0
    checkins: int = 0
    accounts: int = 0
    volunteers: int = 0
    applicants: int = 0
    shifts: int = 0
    volunteer_hours: Decimal = Decimal(0)

    def describe(self) -> str:
        if not self.loaded:
            return "The demo data is already loaded; nothing changed."
        return (
            f"Loaded the demo: {self.branches} branches, {self.venues} venues, {self.partners} partners, "
            f"{self.events:,} events ({self.events_history} in {HISTORY_YEAR}, {self.upcoming} from today on), "
            f"{self.registrations:,} registrations, {self.checkins:,} check-ins, {self.shifts} volunteer shifts, "
            f"{self.accounts} accounts ({self.volunteers} active volunteers, {self.applicants} applicants). "
            f"In {HISTORY_YEAR}: {self.reader_activities} reader activities with {self.attendance:,} participants "
            f"and {self.volunteer_hours:,.1f} volunteer hours."
        )


def is_loaded() -> bool:
    return db.session.get(Setting, MARKER_KEY) is not None


def database_is_empty() -> bool:
    """True when the database holds no accounts and no events."""
    return (
        db.session.scalar(select(User.id).limit(1)) is None
        and db.session.scalar(select(Event.id).limit(1)) is None
    )


def load(today: date) -> Summary:
    """Load the demo once: the 2018 year and the programme of the weeks after ``today``.

    Only flushes. Returns ``Summary(loaded=False)`` without touching anything when the demo
    is already there."""
    if is_loaded():
        return Summary(loaded=False)
    builder = _Builder(today)
    builder.build()
    return builder.summary


FIRE_SAFETY = "消防安全"
INDUCTION = "岗前培训"


class _Builder:
    def __init__(self, today: date):
        self.today = today
        self.rng = random.Random(SEED)
        self.rows: list = []
        self.summary = Summary(loaded=True)
        #: People per event, from check-ins (party sizes) and walk-ins.
        self.tally: dict[int, int] = defaultdict(int)
        self.reader_events_2018: list[Event] = []
        #: Each volunteer's shifts so far, so that nobody is on two at once.
        self.busy: dict[VolunteerProfile, list[tuple[datetime, datetime]]] = defaultdict(list)

    # --- the whole ----------------------------------------------------------------------

    def build(self) -> None:
        self.accounts()
        self.places()
        self.keeper_account()
        self.history()
        self.visitors()
        self.programme()
        self.recruitment_and_training()
        self.story_contest_2018()
        self.visit_requests()
        self.rows.append(Setting(key=MARKER_KEY, value=self.today.isoformat()))
        db.session.add_all(self.rows)
        db.session.flush()
        s = self.summary
        s.reader_activities = len(self.reader_events_2018)
        s.attendance = sum(self.tally[e.id] for e in self.reader_events_2018)

    # --- small helpers ------------------------------------------------------------------

    @staticmethod
    def at(day: date, hm: tuple[int, int] | time) -> datetime:
        """A library wall-clock time, made aware."""
        clock = hm if isinstance(hm, time) else time(*hm)
        return localize(datetime.combine(day, clock))

    def person_name(self) -> str:
        while True:
            name = self.rng.choice(data.SURNAMES) + self.rng.choice(data.GIVEN_NAMES)
            if name not in data.REAL_NAMES:
                return name

    def phone(self) -> str:
        return f"138{self.rng.randrange(10**8):08d}"

    def some_time_before(self, start: datetime, *, min_days: int = 1, max_days: int = 21) -> datetime:
        day = local(start).date() - timedelta(days=self.rng.randint(min_days, max_days))
        return self.at(day, (self.rng.randint(8, 21), self.rng.randrange(60)))

    def recently(self) -> datetime:
        """A moment in the week before ``today`` (when the upcoming programme was booked)."""
        day = self.today - timedelta(days=self.rng.randint(1, 7))
        return self.at(day, (self.rng.randint(8, 21), self.rng.randrange(60)))

    # --- accounts -----------------------------------------------------------------------

    def accounts(self) -> None:
        emails = [e for e, _, role in DEMO_LOGINS if role != "keeper"]  # a keeper needs their place first
        emails += [f"volunteer{n:02d}@example.org" for n in range(1, len(data.VOLUNTEER_SKILLS) + 1)]
        emails += [f"applicant{n}@example.org" for n in range(1, len(data.APPLICANTS) + 1)]
        existing = {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}

        def account(email, role, password=None, name=None) -> User:
            if email in existing:
                return existing[email]
            self.summary.accounts += 1
            return create_user(email, role=role, password=password or secrets.token_urlsafe(16), name=name)

        users = {email: account(email, role, password, _DEMO_NAMES[email])
                 for email, password, role in DEMO_LOGINS if role != "keeper"}
        self.admin = users["admin@example.org"]
        self.staff = users["staff@example.org"]

        joined = self.at(date(2017, 11, 18), (10, 0))
        self.volunteers: list[VolunteerProfile] = []
        people = [("volunteer@example.org", users["volunteer@example.org"], data.DEMO_VOLUNTEER_SKILLS)]
        for n, skills in enumerate(data.VOLUNTEER_SKILLS, 1):
            email = f"volunteer{n:02d}@example.org"
            people.append((email, account(email, "volunteer", name=self.person_name()), skills))
        for email, user, (skills, availability) in people:
            profile = user.volunteer_profile
            if profile is None:
                continue
            if email in existing:
                self.volunteers.append(profile)
                continue
            profile.phone = self.phone()
            profile.skills = skills
            profile.availability = availability
            profile.languages = "普通话, 醴陵话"
            profile.consent_at = profile.reviewed_at = profile.created_at = user.created_at = joined
            profile.reviewed_by_id = self.staff.id
            profile.review_note = "已完成文化志愿者岗前培训。"
            self.volunteers.append(profile)
        self.demo_volunteer = self.volunteers[0]
        self.summary.volunteers = len(self.volunteers)

        for n, (skills, motivation) in enumerate(data.APPLICANTS, 1):
            email = f"applicant{n}@example.org"
            if email in existing:
                continue
            profile = account(email, "volunteer", name=self.person_name()).volunteer_profile
            applied = self.at(self.today - timedelta(days=n + 2), (20, 15))
            profile.status = "applicant"
            profile.reviewed_at = None
            profile.phone = self.phone()
            profile.skills = skills
            profile.motivation = motivation
            profile.consent_at = profile.created_at = profile.user.created_at = applied
            self.summary.applicants += 1
        db.session.flush()

    def keeper_account(self) -> None:
        """The keeper of the Donggang village reading room, who recorded its 2018 summer reading
        activity and counts its visitors."""
        email, password = next((e, p) for e, p, role in DEMO_LOGINS if role == "keeper")
        self.keeper = db.session.scalar(select(User).where(User.email == email))
        if self.keeper is None:
            self.keeper = create_user(email, role="keeper", password=password, name=_DEMO_NAMES[email],
                                      branch_id=self.branches[KEEPER_PLACE].id)
            self.summary.accounts += 1

    def visitors(self) -> None:
        """The keeper's daily visitor counts of the last three weeks (more at weekends)."""
        place = self.branches[KEEPER_PLACE]
        for back in range(VISITOR_DAYS, 0, -1):
            day = self.today - timedelta(days=back)
            count = self.rng.randint(14, 30) if day.weekday() >= 5 else self.rng.randint(3, 12)
            outposts.set_visitors(place, day, count, actor=self.keeper, today=self.today)

    def keeper_activity(self, spec: dict, day: date, opens: tuple[int, int], closes: tuple[int, int]) -> Event:
        """An activity of the keeper's place, recorded by the keeper as a keeper records one."""
        headcount = spec["attendance"]["headcount"]
        event = outposts.record_activity(
            self.branches[KEEPER_PLACE], actor=self.keeper, type=spec["type"], title=spec["title"], day=day,
            starts=time(*opens), ends=time(*closes), headcount=headcount, audience=spec["audience"],
            description=spec["description"], today=day,
        )
        event.title_en, event.description_en = spec["title_en"], spec["description_en"]
        event.created_at = event.ends_at + timedelta(hours=2)
        for partner_key, role in spec.get("partners", ()):
            self.rows.append(EventPartner(event_id=event.id, partner_id=self.partners[partner_key].id, role=role))
        self.summary.events += 1
        self.summary.events_history += 1
        self.reader_events_2018.append(event)
        self.tally[event.id] += headcount
        return event

    # --- branches, venues, partners, series -------------------------------------------

    def places(self) -> None:
        known = {b.name: b for b in db.session.scalars(select(Branch))}
        self.branches = {}
        for key, name, name_en, kind, address in data.BRANCHES:
            branch = known.get(name)
            if branch is None:
                branch = Branch(name=name, name_en=name_en, kind=kind, address=address)
                db.session.add(branch)
            self.branches[key] = branch
        db.session.flush()

        known_venues = {(v.branch_id, v.name): v for v in db.session.scalars(select(Venue))}
        self.venues = {}
        for key, branch_key, name, name_en, kind, capacity in data.VENUES:
            branch = self.branches[branch_key] if branch_key else None
            venue = known_venues.get((branch.id if branch else None, name))
            if venue is None:
                venue = create_venue(
                    name=name, name_en=name_en, branch=branch, capacity=capacity, kind=kind, actor=self.admin
                )
            self.venues[key] = venue

        known_partners = {p.name: p for p in db.session.scalars(select(Partner))}
        self.partners = {}
        for key, name, name_en in data.PARTNERS:
            partner = known_partners.get(name)
            if partner is None:
                partner = Partner(name=name, name_en=name_en)
                db.session.add(partner)
            self.partners[key] = partner

        known_series = {s.name: s for s in db.session.scalars(select(Series))}
        self.series = {}
        for key, name, name_en, branch_key, description, description_en in data.SERIES:
            series = known_series.get(name)
            if series is None:
                series = Series(
                    name=name, name_en=name_en, branch=self.branches[branch_key],
                    description=description, description_en=description_en,
                )
                db.session.add(series)
            self.series[key] = series
        db.session.flush()
        self.summary.branches = len(self.branches)
        self.summary.venues = len(self.venues)
        self.summary.partners = len(self.partners)

    # --- events and what happened at them ----------------------------------------------

    def event(self, *, partners=(), booked_at: datetime | None = None, series: Series | None = None,
              session_number: int | None = None, **fields) -> Event:
        fields.setdefault("status", "published")
        event = create_event(actor=self.staff, series=series, session_number=session_number, **fields)
        event.created_at = booked_at or self.some_time_before(event.starts_at, min_days=20, max_days=40)
        for partner_key, role in partners:
            self.rows.append(EventPartner(event_id=event.id, partner_id=self.partners[partner_key].id, role=role))
        self.summary.events += 1
        if local(event.starts_at).year == HISTORY_YEAR:
            self.summary.events_history += 1
            if event.audience != "staff":
                self.reader_events_2018.append(event)
        else:
            self.summary.upcoming += 1
        return event

    def complete(self, event: Event) -> None:
        event.status = "completed"
        event.updated_at = event.ends_at + timedelta(days=1)

    def register(self, event: Event, *, name: str, created_at: datetime, party_size: int = 1,
                 answers: dict | None = None) -> Registration:
        seed, _token, digest = new_ticket()
        phone = self.phone()
        registration = Registration(
            event_id=event.id, ticket_digest=digest, ticket_seed=seed, status="confirmed", name=name, phone=phone,
            phone_digest=phone_digest(phone),
            party_size=party_size, answers=answers, consent_at=created_at, confirmed_at=created_at,
            created_at=created_at,
        )
        self.rows.append(registration)
        self.summary.registrations += 1
        return registration

    def check_in(self, event: Event, registration: Registration, when: datetime, source: str = "door") -> None:
        self.rows.append(CheckIn(
            registration=registration, event_id=event.id, day=event_day(event, when), checked_in_at=when,
            source=source, by_user_id=self.staff.id if source == "door" else None,
        ))
        self.tally[event.id] += registration.party_size
        self.summary.checkins += 1

    def walk_in(self, event: Event, count: int, when: datetime, source: str = "door") -> None:
        if count < 1:
            return
        self.rows.append(WalkIn(
            event_id=event.id, count=count, day=local(when).date(), recorded_at=when, source=source,
            by_user_id=self.staff.id,
        ))
        self.tally[event.id] += count

    def arrival(self, event: Event) -> datetime:
        """When a registered person reaches the door: around the start, later for all-day events."""
        minutes = int((event.ends_at - event.starts_at).total_seconds() // 60)
        latest = minutes // 6 if minutes <= 180 else int(minutes * 0.6)
        return event.starts_at + timedelta(minutes=self.rng.randint(-30, max(latest, 5)))

    def fill(self, event: Event, *, count: int, party: dict[int, int], show: float = 0.0,
             answers_key: str | None = None, booked_within: tuple[int, int] = (1, 21),
             created=None) -> list[Registration]:
        """``count`` registrations (fewer if the capacity runs out); a ``show`` share of them checked in.

        ``created`` makes each registration's time; by default some days before the event."""
        sizes, weights = list(party), list(party.values())
        people = 0
        registrations = []
        for _ in range(count):
            size = self.rng.choices(sizes, weights)[0]
            if event.capacity is not None and people + size > event.capacity:
                break
            people += size
            answers = None
            if answers_key:
                schools, grades = _ANSWERS[answers_key]
                answers = {"school": self.rng.choice(schools), "grade": self.rng.choice(grades)}
            if created is not None:
                created_at = created()
            else:
                created_at = self.some_time_before(
                    event.starts_at, min_days=booked_within[0], max_days=booked_within[1]
                )
            registration = self.register(
                event, name=self.person_name(), created_at=created_at, party_size=size, answers=answers
            )
            registrations.append(registration)
            if self.rng.random() < show:
                self.check_in(event, registration, self.arrival(event))
        return registrations

    def days(self, event: Event):
        day, last = local(event.starts_at).date(), local(event.ends_at).date()
        while day <= last:
            yield day
            day += timedelta(days=1)

    def record_attendance(self, event: Event, spec: dict, key: str) -> None:
        if "headcount" in spec:
            self.walk_in(event, spec["headcount"], event.ends_at - timedelta(minutes=10), "headcount")
        if "daily" in spec:
            weekday, weekend = spec["daily"]
            for day in self.days(event):
                mean = weekend if day.weekday() >= 5 else weekday
                count = round(mean * self.rng.uniform(0.88, 1.12))
                self.walk_in(event, count, self.at(day, event.daily_closes_at), "headcount")
        if "group" in spec:
            name, size = spec["group"]
            registration = self.register(
                event, name=name, party_size=size, created_at=self.some_time_before(event.starts_at, min_days=7)
            )
            self.check_in(event, registration, event.starts_at - timedelta(minutes=10))
        if "regs" in spec:
            answers_key = key if key in _ANSWERS else None
            if spec.get("online"):
                registrations = self.fill(
                    event, count=spec["regs"], party=spec["party"], answers_key=answers_key,
                    booked_within=(1, 10),
                )
                days = list(self.days(event))
                for registration in registrations:
                    if self.rng.random() < spec["show"]:
                        when = self.at(self.rng.choice(days), (self.rng.randint(9, 21), self.rng.randrange(60)))
                        self.check_in(event, registration, when, source="self")
            else:
                self.fill(event, count=spec["regs"], party=spec["party"], show=spec["show"], answers_key=answers_key)
        if "walkins" in spec:
            self.walk_in(event, spec["walkins"], event.starts_at + timedelta(minutes=30))
        if "target" in spec:
            self.walk_in(event, spec["target"] - self.tally[event.id], event.starts_at + timedelta(minutes=20))

    # --- volunteers ---------------------------------------------------------------------

    def shift(self, event: Event | None, role: str, start: datetime, end: datetime, slots: int,
              location: str | None = None, notes: str | None = None) -> Shift:
        shift = Shift(
            event_id=event.id if event else None, role=role, starts_at=start, ends_at=end, slots=slots,
            location=location, notes=notes,
            created_at=min(self.some_time_before(start, min_days=10, max_days=20), self.recently()),
        )
        self.rows.append(shift)
        self.summary.shifts += 1
        return shift

    def pick(self, start: datetime, end: datetime, k: int, *, skill: str | None = None,
             include: VolunteerProfile | None = None) -> list[VolunteerProfile]:
        """Up to ``k`` volunteers free from ``start`` to ``end``, those with ``skill`` first."""

        def free(v):
            return all(end <= s or start >= e for s, e in self.busy[v])

        pool = [v for v in self.volunteers if free(v) and v is not include]
        self.rng.shuffle(pool)
        if skill:
            pool.sort(key=lambda v: skill not in (v.skills or ""))
        chosen = ([include] if include is not None and free(include) else []) + pool
        chosen = chosen[:k]
        for v in chosen:
            self.busy[v].append((start, end))
        return chosen

    def served(self, shift: Shift, volunteers: list[VolunteerProfile]) -> None:
        """Completed sign-ups: the volunteers came, checked in and out, and are credited the shift's length."""
        hours = (Decimal(int((shift.ends_at - shift.starts_at).total_seconds() // 60)) / 60).quantize(Decimal("0.01"))
        for volunteer in volunteers:
            self.rows.append(ShiftSignup(
                shift=shift, volunteer_id=volunteer.id, status="completed", hours=hours,
                checked_in_at=shift.starts_at - timedelta(minutes=self.rng.randint(3, 20)),
                checked_out_at=shift.ends_at + timedelta(minutes=self.rng.randint(0, 15)),
                created_at=self.some_time_before(shift.starts_at, min_days=2, max_days=10),
            ))
            self.summary.volunteer_hours += hours

    def signed_up(self, shift: Shift, volunteers: list[VolunteerProfile]) -> None:
        for volunteer in volunteers:
            self.rows.append(
                ShiftSignup(shift=shift, volunteer_id=volunteer.id, status="confirmed", created_at=self.recently())
            )

    def staff_shifts(self, event: Event, blocks, roles, *, include=None, notes=None, signup=None) -> None:
        """Shifts for each (start, end) block and each (role, slots, filled) role."""
        for start, end in blocks:
            for role, slots, filled in roles:
                shift = self.shift(event, role, start, end, slots, location=event.venue.name, notes=notes)
                chosen = self.pick(start, end, filled, include=include if role == roles[0][0] else None)
                (signup or self.served)(shift, chosen)

    # --- 2018 -----------------------------------------------------------------------------

    def history(self) -> None:
        events = {}
        for spec in data.EVENTS_2018:
            when = spec["when"]
            if len(when) == 3:
                first = last = when[0]
                opens, closes = when[1], when[2]
                daily = {}
            else:
                first, last, opens, closes = when
                daily = {"daily_opens_at": time(*opens), "daily_closes_at": time(*closes)}
            if spec.get("by_keeper"):
                event = self.keeper_activity(spec, first, opens, closes)
                self.complete(event)
                events[spec["key"]] = event
                continue
            event = self.event(
                type=spec["type"], title=spec["title"], title_en=spec["title_en"],
                description=spec["description"], description_en=spec["description_en"],
                starts_at=self.at(first, opens), ends_at=self.at(last, closes), venue=self.venues[spec["venue"]],
                capacity=spec.get("capacity"), registration=spec["registration"],
                max_party_size=spec.get("max_party_size", 100), audience=spec["audience"],
                speaker=spec.get("speaker"), partners=spec.get("partners", ()), **daily,
            )
            self.record_attendance(event, spec["attendance"], spec["key"])
            self.complete(event)
            events[spec["key"]] = event

        self.events_2018 = events
        forum = self.series["forum"]
        forum_events = []
        for number, (day, topic, topic_en, speaker, description, description_en) in enumerate(data.FORUM_2018, 1):
            event = self.event(
                type="lecture", title=f"星海讲坛 第{number}期：{topic}",
                title_en=f"Xinghai Forum No. {number}: {topic_en}",
                description=description, description_en=description_en,
                starts_at=self.at(day, (9, 30)), ends_at=self.at(day, (11, 0)), venue=self.venues["forum"],
                capacity=self.rng.choice((60, 70, 80)), registration="open", max_party_size=4,
                series=forum, session_number=number, speaker=speaker,
            )
            self.fill(event, count=self.rng.randint(30, 44), party={1: 14, 2: 5, 3: 1}, show=0.9)
            self.walk_in(event, self.rng.randint(3, 10), event.starts_at + timedelta(minutes=15))
            self.complete(event)
            forum_events.append(event)

        lesson = self.series["class"]
        for number, day in enumerate(data.CLASS_2018_DAYS, 1):
            event = self.half_past_three(lesson, number, day)
            self.fill(event, count=self.rng.randint(18, 27), party={1: 1}, show=0.92, booked_within=(1, 10))
            self.walk_in(event, self.rng.randint(0, 2), event.starts_at + timedelta(minutes=10))
            self.complete(event)

        self.history_shifts(events, forum_events)

    def story_contest_2018(self) -> None:
        """2018's 少儿故事大王 as a competition in rounds, so that the annual report counts it as
        the library's report does: the two preliminary sittings, then the final. Made after this
        year's contest, which stays the first competition."""
        contest = Competition(
            title="2018醴陵台北城杯“少儿故事大王”大奖赛", title_en="2018 Taibeicheng Cup Children's Storytelling Contest",
            created_at=self.at(date(2018, 9, 1), (9, 0)),
        )
        db.session.add(contest)
        db.session.flush()
        for position, (name, name_en, keys) in enumerate(
            (("初赛", "Preliminary round", ("story_a", "story_b")), ("决赛", "Final", ("story_final",))), 1
        ):
            round_ = Round(competition_id=contest.id, position=position, name=name, name_en=name_en)
            db.session.add(round_)
            db.session.flush()
            for key in keys:
                self.events_2018[key].round_id = round_.id

    def half_past_three(self, series: Series, number: int, day: date, *, booked_at=None) -> Event:
        topic, topic_en = data.CLASS_TOPICS[(number - 1) % len(data.CLASS_TOPICS)]
        return self.event(
            type="class", title=f"三点半课堂 第{number}期：{topic}",
            title_en=f"Half-Past-Three Class No. {number}: {topic_en}",
            description=f"放学后的{topic}时光，适合小学生参加，由文化志愿者带领。",
            description_en=f"An after-school hour of {topic_en.lower()} for primary pupils, led by culture volunteers.",
            starts_at=self.at(day, (15, 30)), ends_at=self.at(day, (17, 0)), venue=self.venues["classroom"],
            capacity=30, registration="open", max_party_size=1, audience="children",
            series=series, session_number=number, booked_at=booked_at,
        )

    def history_shifts(self, events: dict[str, Event], forum_events: list[Event]) -> None:
        day = self.at
        ev = events["fenglin"]
        self.staff_shifts(
            ev, [(day(date(2018, 1, 20), (8, 30)), day(date(2018, 1, 20), (12, 0)))],
            [("文艺演出", 4, 4), ("赠书整理与陪伴", 3, 2)],
        )
        ev = events["couplets"]
        start, end = day(date(2018, 2, 11), (10, 0)), day(date(2018, 2, 11), (17, 0))
        shift = self.shift(ev, "书写春联", start, end, 4, location=ev.venue.name)
        self.served(shift, self.pick(start, end, 3, skill="书法"))
        shift = self.shift(ev, "现场服务", start, end, 3, location=ev.venue.name)
        self.served(shift, self.pick(start, end, 2))
        ev = events["leifeng"]
        self.staff_shifts(
            ev, [(day(date(2018, 3, 4), (8, 30)), day(date(2018, 3, 4), (11, 30)))], [("志愿服务", 8, 6)]
        )

        contest_roles = [("签到引导", 4, 3), ("场地引导", 3, 2), ("计分协助", 2, 2)]
        for key in ("story_a", "story_b"):
            ev = events[key]
            d = local(ev.starts_at).date()
            self.staff_shifts(
                ev, [(day(d, (8, 0)), day(d, (12, 0))), (day(d, (13, 30)), day(d, (17, 30)))], contest_roles,
                include=self.demo_volunteer, notes="协助赛会",
            )
        ev = events["story_final"]
        self.staff_shifts(
            ev, [(day(date(2018, 11, 12), (18, 0)), day(date(2018, 11, 12), (21, 30)))],
            [("签到引导", 3, 3), ("场地引导", 2, 2), ("计分协助", 2, 2)], include=self.demo_volunteer, notes="协助赛会",
        )

        ev = events["calligraphy"]
        for d in self.days(ev):
            if d.weekday() >= 5:
                start, end = day(d, (14, 0)), day(d, (17, 0))
                shift = self.shift(ev, "展厅服务台", start, end, 2, location="二楼综合活动展厅服务台")
                self.served(shift, self.pick(start, end, 2, skill="书法" if d.weekday() == 6 else None))

        for ev in forum_events:
            d = local(ev.starts_at).date()
            start, end = day(d, (9, 0)), day(d, (11, 15))
            shift = self.shift(ev, "讲坛签到", start, end, 2, location=ev.venue.name)
            self.served(shift, self.pick(start, end, self.rng.choice((1, 2))))

    # --- the upcoming programme ----------------------------------------------------------

    def recruitment_and_training(self) -> None:
        """The calls for volunteers (the report: 建立志愿者服务点，发布志愿者招募广告) and trainings."""
        today = self.today
        self.rows.append(RecruitmentCall(
            title="2018年文化志愿者招募", title_en="Cultural volunteers wanted, 2018",
            description="醴陵市图书馆招募文化志愿者，协助读者活动、展览讲解和赛事服务。",
            description_en="Liling Library is looking for cultural volunteers to help at reader activities, "
            "exhibitions and contests.",
            roles="活动签到、展览讲解、赛事服务", roles_en="Check-in, exhibition guiding, contest assistance",
            commitment="每月至少 4 小时", commitment_en="At least 4 hours a month",
            deadline=date(2018, 3, 31), status="closed", created_at=self.at(date(2018, 2, 20), (9, 0)),
        ))
        self.rows.append(RecruitmentCall(
            title=f"{today.year}年冬季文化志愿者招募", title_en=f"Winter {today.year}: cultural volunteers wanted",
            description=(
                "少儿故事大王大奖赛、青少年书法作品展和三点半课堂需要志愿者。欢迎热爱阅读、乐于服务的市民报名，"
                "经培训后上岗。"
            ),
            description_en=(
                "The Children's Storytelling Contest, the calligraphy exhibition and the Half-Past-Three Class need "
                "volunteers. Everyone who loves reading and likes to help is welcome; training is given."
            ),
            roles="签到引导、场地引导、计分协助、展览讲解、课堂助教",
            roles_en="Check-in and guiding, ushering, score keeping, exhibition guiding, class assistant",
            skills_wanted="讲故事、书法、摄影、急救（均非必需）",
            skills_wanted_en="Storytelling, calligraphy, photography, first aid (none required)",
            commitment="每月至少 4 小时，周末为主", commitment_en="At least 4 hours a month, mostly weekends",
            deadline=today + timedelta(days=30), status="open", created_at=self.at(today - timedelta(days=10), (9, 0)),
        ))
        induction = Training(
            title="文化志愿者岗前培训", title_en="Induction for cultural volunteers", topic=INDUCTION,
            starts_at=self.at(date(2017, 11, 25), (9, 0)), ends_at=self.at(date(2017, 11, 25), (12, 0)),
            location="二楼共享工程室（报告厅）", notes="图书馆概况、读者服务规范、活动签到流程。",
        )
        fire_2018 = Training(
            title="消防安全知识培训", title_en="Fire safety training", topic=FIRE_SAFETY,
            starts_at=self.at(date(2018, 4, 24), (9, 0)), ends_at=self.at(date(2018, 4, 24), (11, 30)),
            location="二楼共享工程室（报告厅）",
            notes="观看消防安全标准化管理演示视频；讲解防火检查、初期火灾扑救、人员疏散和灭火器使用。",
        )
        fire_upcoming = Training(
            title="消防安全与应急疏散培训", title_en="Fire safety and evacuation training", topic=FIRE_SAFETY,
            starts_at=self.at(today + timedelta(days=6), (14, 0)), ends_at=self.at(today + timedelta(days=6), (16, 0)),
            location="二楼共享工程室（报告厅）", notes="参加后可报名“应急疏散引导”岗位。",
        )
        db.session.add_all([induction, fire_2018, fire_upcoming])
        db.session.flush()
        for volunteer in self.volunteers:
            self.rows.append(TrainingAttendance(training_id=induction.id, volunteer_id=volunteer.id))
        # The demo volunteer has not had the fire-safety training yet: the evacuation shift says so.
        for volunteer in self.volunteers[1:5]:
            self.rows.append(TrainingAttendance(training_id=fire_2018.id, volunteer_id=volunteer.id))

    def visit_requests(self) -> None:
        """Three groups that asked for a visit through the public form: a middle-school class
        whose visit is booked (its ticket a group's), a kindergarten offered another date, and a
        seniors' reading club still waiting for an answer."""
        def ask(organisation, kind, contact, children, adults, days, *, wish="guided", topic=None, needs=None):
            preferred = [{"date": self.today + timedelta(days=d), "part": "morning"} for d in days]
            visit, _token = visits.submit({
                "organisation": organisation, "kind": kind, "contact_name": contact, "phone": self.phone(),
                "email": None, "preferred": preferred, "children": children, "adults": adults, "ages": None,
                "wish": wish, "topic": topic, "needs": needs, "consent": True,
            }, locale="zh_Hans", now=self.recently())
            return visit

        def first_free(visit, venue, days, starts, ends):
            """A slot on the first of ``days`` on which ``venue`` is free then."""
            for d in days:
                day = self.today + timedelta(days=d)
                if not clashes(venue=venue, starts_at=self.at(day, starts), ends_at=self.at(day, ends)):
                    return visits.Slot(day=day, starts=time(*starts), ends=time(*ends), venue=venue, guides=2)
            return None

        school = ask("南门中学 八年级三班", "school", "刘老师", 45, 3, (9, 10, 11))
        slot = first_free(school, self.venues["children"], range(9, 30), (9, 30), (11, 0))
        if slot is not None:
            visits.accept(school, slot, actor=self.staff, now=self.at(self.today, (8, 0)))
            self.summary.events += 1
            self.summary.upcoming += 1
            self.summary.registrations += 1
        kindergarten = ask("实验幼儿园 大班", "kindergarten", "周老师", 24, 4, (12,), wish="topic", topic="绘本故事会")
        slot = first_free(kindergarten, self.venues["children"], range(14, 40), (9, 30), (10, 30))
        if slot is not None:
            visits.propose(kindergarten, slot, "原定日期少儿阅览室已有安排，改在这一天可以吗？", actor=self.staff,
                           now=self.at(self.today, (8, 0)))
        ask("枫林社区老年读书会", "community", "黄阿姨", 0, 15, (16, 17), needs="两位读者使用轮椅，请安排无障碍通道。")

    def programme(self) -> None:
        today = self.today
        booked = self.at(today - timedelta(days=14), (10, 0))

        # 星海讲坛 15-18: the Saturdays after today.
        first_saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
        forum = self.series["forum"]
        lectures = []
        for i, (topic, topic_en, speaker, description, description_en, capacity) in enumerate(data.FORUM_UPCOMING):
            number = len(data.FORUM_2018) + 1 + i
            d = first_saturday + timedelta(weeks=i)
            lectures.append(self.event(
                type="lecture", title=f"星海讲坛 第{number}期：{topic}",
                title_en=f"Xinghai Forum No. {number}: {topic_en}",
                description=description, description_en=description_en,
                starts_at=self.at(d, (9, 30)), ends_at=self.at(d, (11, 0)), venue=self.venues["forum"],
                capacity=capacity, registration="open", max_party_size=1 if capacity <= 30 else 4,
                series=forum, session_number=number, speaker=speaker, booked_at=booked,
            ))
        for _ in range(12):
            self.register(lectures[0], name=self.person_name(), created_at=self.recently(),
                          party_size=self.rng.choice((1, 1, 2)))
        for _ in range(28):  # two places left of 30: the next ones wait
            self.register(lectures[1], name=self.person_name(), created_at=self.recently())
        for _ in range(5):
            self.register(lectures[2], name=self.person_name(), created_at=self.recently())
        start = self.at(first_saturday, (9, 0))
        shift = self.shift(lectures[0], "讲坛签到", start, self.at(first_saturday, (11, 15)), 2,
                           location=lectures[0].venue.name)
        self.signed_up(shift, self.pick(shift.starts_at, shift.ends_at, 1, include=self.demo_volunteer))

        # This year's 少儿故事大王 (outreach.demo.competition): a preliminary at two schools, already
        # judged, its results published and the best eight registered for the final ahead.
        competition = load_competition(venues=self.venues, actor=self.staff, today=today)
        prelim_round, final_round = competition.rounds
        # The schools host their sittings; 台北城 names the contest.
        hosts = {self.venues[key].id: key for key in ("nanmen_primary", "nanmen_middle")}
        for sitting in [*prelim_round.sittings, *final_round.sittings]:
            partners = [("taibeicheng", "naming_sponsor")]
            if sitting.venue_id in hosts:
                partners.append((hosts[sitting.venue_id], "host"))
            for partner_key, role in partners:
                self.rows.append(EventPartner(event_id=sitting.id, partner_id=self.partners[partner_key].id, role=role))
            self.summary.events += 1
            self.summary.upcoming += 1
        final = final_round.sittings[0]
        final_day = local(final.starts_at).date()
        self.staff_shifts(
            final, [(self.at(final_day, (14, 0)), self.at(final_day, (17, 30)))],
            [("签到引导", 3, 1), ("场地引导", 2, 0), ("计分协助", 2, 1)], include=self.demo_volunteer,
            notes="协助赛会", signup=self.signed_up,
        )
        # Only volunteers trained in fire safety may guide people out in an emergency.
        self.final_evacuation = self.shift(
            final, "应急疏散引导", self.at(final_day, (14, 0)), self.at(final_day, (17, 30)), 2,
            location=final.venue.name, notes="需参加消防安全培训",
        )
        self.final_evacuation.required_topic = FIRE_SAFETY
        self.final_evacuation.signup_opens_at = self.at(today - timedelta(days=1), (9, 0))

        # 三点半课堂 every weekday of the next four weeks, numbers continuing from 2018.
        # They are the occurrences of one weekly pattern, which staff edit one by one or all at once.
        lesson = self.series["class"]
        number = len(data.CLASS_2018_DAYS)
        classes = []
        for offset in range(1, 29):
            d = today + timedelta(days=offset)
            if d.weekday() >= 5:
                continue
            number += 1
            event = self.half_past_three(lesson, number, d, booked_at=booked)
            classes.append(event)
            if offset <= 7:
                for _ in range(self.rng.randint(8, 16)):
                    self.register(event, name=self.person_name(), created_at=self.recently())
        pattern = Recurrence(
            weekdays="12345", starts_on=local(classes[0].starts_at).date(), ends_on=local(classes[-1].starts_at).date(),
            start_time=time(15, 30), end_time=time(17, 0), created_by_id=self.staff.id, created_at=booked,
        )
        db.session.add(pattern)
        db.session.flush()
        for event in classes:
            event.recurrence = pattern

        # An exhibition that opened a week ago, with the headcounts of the days gone by.
        exhibition = self.event(
            type="exhibition", title="瓷都印象——醴陵陶瓷摄影展",
            title_en="Impressions of the Porcelain Capital: Liling ceramics photography",
            description="“陶瓷摄影展”服务品牌的新一季：本地摄影爱好者镜头下的窑火、匠人与瓷器。免费参观，无需报名。",
            description_en=(
                "A new season of the library's ceramics photography exhibition: kilns, craftspeople and "
                "porcelain through the lenses of local photographers. Free, no booking needed."
            ),
            starts_at=self.at(today - timedelta(days=7), (9, 0)), ends_at=self.at(today + timedelta(days=35), (17, 0)),
            daily_opens_at=time(9, 0), daily_closes_at=time(17, 0), venue=self.venues["gallery"],
            capacity=None, registration="none", booked_at=self.at(today - timedelta(days=30), (10, 0)),
        )
        for offset in range(7, 0, -1):
            d = today - timedelta(days=offset)
            mean = 300 if d.weekday() >= 5 else 190
            self.walk_in(exhibition, round(mean * self.rng.uniform(0.88, 1.12)), self.at(d, (17, 0)), "headcount")
        for offset in range(1, 6):
            d = today + timedelta(days=offset)
            shift = self.shift(exhibition, "展厅服务台", self.at(d, (14, 0)), self.at(d, (17, 0)), 2,
                               location="二楼综合活动展厅服务台")
            if offset == 2:
                self.signed_up(shift, self.pick(shift.starts_at, shift.ends_at, 1, include=self.demo_volunteer))
            elif offset in (1, 3, 4):
                self.signed_up(shift, self.pick(shift.starts_at, shift.ends_at, 1))

        # A volunteer service morning at the nursing home, ten days ahead.
        visit_day = today + timedelta(days=10)
        visit = self.event(
            type="activity", title="文化志愿者走进枫林镇敬老院·读书陪伴日",
            title_en="Culture volunteers at the Fenglin Town Nursing Home: a morning of reading together",
            description="文化志愿者为老人们读书读报、表演节目并赠送图书。欢迎读者报名随队前往。",
            description_en=(
                "Culture volunteers read to the residents, put on a short show and bring donated books. "
                "Readers are welcome to sign up and come along."
            ),
            starts_at=self.at(visit_day, (9, 0)), ends_at=self.at(visit_day, (11, 30)), venue=self.venues["fenglin"],
            capacity=30, registration="open", max_party_size=2, audience="seniors",
            partners=[("fenglin", "host")], booked_at=booked,
        )
        for _ in range(9):
            self.register(
                visit, name=self.person_name(), created_at=self.recently(), party_size=self.rng.choice((1, 1, 2))
            )
        shift = self.shift(visit, "读书读报与节目表演", self.at(visit_day, (8, 30)), self.at(visit_day, (12, 0)), 5,
                           location=visit.venue.name)
        self.signed_up(shift, self.pick(shift.starts_at, shift.ends_at, 2))

        # A draft staff are still working on.
        self.event(
            type="exhibition", status="draft", title="古旧书籍展暨地方文献征集",
            title_en="Old Books Exhibition and call for local documents",
            description="展出馆藏古旧书籍，同时征集醴陵地方文献资料。（草稿：展品清单待定）",
            description_en=(
                "Old books from the collection, and a call for Liling's local documents. (Draft: exhibit list to follow.)"
            ),
            starts_at=self.at(today + timedelta(days=42), (9, 0)), ends_at=self.at(today + timedelta(days=70), (17, 0)),
            daily_opens_at=time(9, 0), daily_closes_at=time(17, 0), venue=self.venues["gallery"],
            capacity=None, registration="none", booked_at=self.at(today - timedelta(days=2), (16, 0)),
        )

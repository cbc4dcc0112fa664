"""Reading the audit log: the changes the services record (``outreach.platform.services.record``)
with the door's admissions beside them. A check-in and a walk-in are rows of their own tables,
with who and when, so the door writes nothing twice; this reads the three as one list.

A page costs a constant number of queries: the count, the page's rows, then the people, events,
entries' details and walk-in headcounts it names, one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, literal, null, or_, select, union_all

from outreach.accounts.models import User
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration.models import CheckIn, WalkIn
from outreach.timezone import localize

PAGE_SIZE = 50

#: The "what" filter: a name, its label, and the prefixes of the dotted actions it covers.
KINDS: dict[str, tuple[object, tuple[str, ...]]] = {
    "events": (_l("Events"), ("event.", "recurrence.")),
    "registrations": (_l("Registrations"), ("registration.",)),
    "checkins": (_l("Check-ins"), ("checkin.",)),
    "walkins": (_l("Walk-ins and headcounts"), ("walkin.",)),
    "volunteers": (_l("Volunteers, shifts and hours"),
                   ("volunteer.", "shift.", "hours.", "training.", "call.", "certificate.")),
    "competitions": (_l("Competitions"), ("competition.",)),
    "places": (_l("Venues, series, partners and branches"), ("venue.", "series.", "partner.", "branch.")),
    "accounts": (_l("Accounts and API tokens"), ("user.", "token.")),
    "reports": (_l("Reports, closed years and privacy"), ("year.", "report_note.", "reports.", "privacy.")),
}


@dataclass(frozen=True)
class AuditQuery:
    """What the reader asked for; every part optional."""

    actor_ids: tuple[int, ...] | None = None  # None: anyone; (): nobody matched the name
    kind: str | None = None
    start: date | None = None
    end: date | None = None
    event_id: int | None = None


@dataclass
class AuditRow:
    at: datetime
    action: str
    object_type: str | None
    object_id: int | None
    actor: User | None = None
    event: Event | None = None
    event_id: int | None = None
    data: dict = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        return kind_of(self.action)


def kind_of(action: str) -> str | None:
    """The "what" filter an action falls under (``None`` for one no filter names)."""
    for name, (_label, prefixes) in KINDS.items():
        if action.startswith(prefixes):
            return name
    return None


def find_actors(text: str, limit: int = 100) -> tuple[int, ...]:
    """The people a "who" filter names: an exact e-mail address, else a part of a name."""
    text = text.strip()
    stmt = select(User.id).where(
        or_(func.lower(User.email) == text.lower(), User.name.contains(text, autoescape=True))
    ).order_by(User.id).limit(limit)
    return tuple(db.session.scalars(stmt))


def _sources(query: AuditQuery):
    """The three sources as selects of one shape, each filtered before they are joined."""
    entries = select(
        AuditEntry.at.label("at"), AuditEntry.actor_id.label("actor_id"), AuditEntry.action.label("action"),
        AuditEntry.object_type.label("object_type"), AuditEntry.object_id.label("object_id"),
        AuditEntry.event_id.label("event_id"), AuditEntry.id.label("entry_id"),
    )
    checkins = select(
        CheckIn.checked_in_at, CheckIn.by_user_id, (literal("checkin.") + CheckIn.source),
        literal("Registration"), CheckIn.registration_id, CheckIn.event_id, null(),
    )
    walkins = select(
        WalkIn.recorded_at, WalkIn.by_user_id, (literal("walkin.") + WalkIn.source),
        literal("WalkIn"), WalkIn.id, WalkIn.event_id, null(),
    )
    kinds = KINDS[query.kind][1] if query.kind else None
    chosen = []
    for stmt, at, actor, action, event in (
        (entries, AuditEntry.at, AuditEntry.actor_id, AuditEntry.action, AuditEntry.event_id),
        (checkins, CheckIn.checked_in_at, CheckIn.by_user_id, None, CheckIn.event_id),
        (walkins, WalkIn.recorded_at, WalkIn.by_user_id, None, WalkIn.event_id),
    ):
        if kinds is not None:
            if action is not None:
                stmt = stmt.where(or_(*(action.startswith(prefix, autoescape=True) for prefix in kinds)))
            elif not ((stmt is checkins and "checkin." in kinds) or (stmt is walkins and "walkin." in kinds)):
                continue
        if query.actor_ids is not None:
            stmt = stmt.where(actor.in_(query.actor_ids) if query.actor_ids else literal(False))
        if query.start is not None:
            stmt = stmt.where(at >= localize(datetime.combine(query.start, datetime.min.time())))
        if query.end is not None:
            stmt = stmt.where(at < localize(datetime.combine(query.end + timedelta(days=1), datetime.min.time())))
        if query.event_id is not None:
            stmt = stmt.where(event == query.event_id)
        chosen.append(stmt)
    return chosen


def search(query: AuditQuery, *, page: int = 1, per_page: int = PAGE_SIZE) -> tuple[list[AuditRow], int]:
    """One page of what ``query`` asks for, newest first, and how many there are in all."""
    chosen = _sources(query)
    if not chosen:
        return [], 0
    rows = union_all(*chosen).subquery("audit_rows") if len(chosen) > 1 else chosen[0].subquery("audit_rows")
    total = db.session.scalar(select(func.count()).select_from(rows))
    listed = db.session.execute(
        select(rows).order_by(rows.c.at.desc(), rows.c.action, rows.c.object_id.desc())
        .offset((max(page, 1) - 1) * per_page).limit(per_page)
    ).all()
    return _filled(listed), total


def _filled(listed) -> list[AuditRow]:
    """The rows with the people, events, details and headcounts they name (one query each)."""
    actors = _by_id(User, {r.actor_id for r in listed})
    events = _by_id(Event, {r.event_id for r in listed})
    entry_ids = {r.entry_id for r in listed if r.entry_id is not None}
    details = dict(db.session.execute(
        select(AuditEntry.id, AuditEntry.data).where(AuditEntry.id.in_(entry_ids))
    ).all()) if entry_ids else {}
    walkin_ids = {r.object_id for r in listed if r.object_type == "WalkIn"}
    counts = dict(db.session.execute(
        select(WalkIn.id, WalkIn.count).where(WalkIn.id.in_(walkin_ids))
    ).all()) if walkin_ids else {}
    found = []
    for r in listed:
        data = dict(details.get(r.entry_id) or {})
        if r.object_type == "WalkIn" and r.object_id in counts:
            data = {"count": counts[r.object_id]}
        found.append(AuditRow(
            at=r.at, action=r.action, object_type=r.object_type, object_id=r.object_id,
            actor=actors.get(r.actor_id), event=events.get(r.event_id), event_id=r.event_id, data=data,
        ))
    return found


def _by_id(model, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}


def known_event(event_id: int) -> Event | None:
    return db.session.get(Event, event_id)


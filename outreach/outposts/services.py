"""The rules of village reading rooms and the book bus: who keeps which place, recording an
activity held there (an event of the place's room with a headcount, so that every report
counts it like any other) and the visitors counted each day.

One rule decides who may change a place's records (``may_change``): its keeper, and staff
and admins for every place. Pages and the API call it through ``place_for`` and
``activity_for``; nothing else decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from outreach import clock
from outreach.accounts import branches
from outreach.accounts.permissions import has_role
from outreach.accounts.services import create_user
from outreach.errors import OutreachError, ValidationError
from outreach.events import services as events
from outreach.events.models import EVENT_TYPES, TITLE_MAX, Event
from outreach.extensions import db
from outreach.outposts.models import OUTPOST_KINDS, VISITORS_MAX, VisitorCount
from outreach.places.models import Branch, Venue
from outreach.platform.closing import guard_attendance
from outreach.platform.services import record
from outreach.registration import services as registration
from outreach.registration.models import WalkIn
from outreach.timezone import local_date, localize

#: What a keeper may record: everything but a competition (which has rounds and judges).
ACTIVITY_TYPES = tuple(t for t in EVENT_TYPES if t != "competition")
#: How far back a keeper may record or correct (staff may go back to any open year).
KEEPER_DAYS_BACK = 62
#: The most people one activity may count (as for any headcount).
HEADCOUNT_MAX = 10000


class OutpostError(OutreachError):
    pass


# --- places and who keeps them ----------------------------------------------------------


def outposts_query() -> Select:
    """The places keepers look after, active ones first, by name."""
    return select(Branch).where(Branch.kind.in_(OUTPOST_KINDS)).order_by(Branch.active.desc(), Branch.name, Branch.id)


def outposts() -> list[Branch]:
    return list(db.session.scalars(outposts_query()))


def is_keeper(user) -> bool:
    return has_role(user, "keeper")


def place_of(user) -> Branch | None:
    """The place a keeper looks after (None for anyone else, or a keeper whose place is gone)."""
    if not is_keeper(user) or user.branch_id is None:
        return None
    branch = db.session.get(Branch, user.branch_id)
    return branch if branch is not None and branch.kind in OUTPOST_KINDS else None


def may_change(user, branch: Branch) -> bool:
    """The one rule: a place's keeper, or staff and admins, may change its records."""
    if has_role(user, "staff"):
        return True
    return is_keeper(user) and user.branch_id == branch.id


def guard_change(user, branch: Branch) -> None:
    """Staff of another branch may look at a place's records, not change them (403
    ``other_branch``: the branch rule of outreach/accounts/branches.py)."""
    branches.guard(user, branch.id)


def place_for(user, branch_id: int) -> Branch | None:
    """The place ``branch_id`` when ``user`` may change it; None otherwise (a page answers 404,
    so that a keeper learns nothing of other places)."""
    branch = db.session.get(Branch, branch_id)
    if branch is None or branch.kind not in OUTPOST_KINDS or not may_change(user, branch):
        return None
    return branch


def activity_for(user, event_id: int) -> tuple[Event, Branch] | None:
    """An activity held at a place ``user`` may change, with its place; else None."""
    found = db.session.execute(
        select(Event, Branch).join(Venue, Event.venue_id == Venue.id).join(Branch, Venue.branch_id == Branch.id)
        .where(Event.id == event_id, Branch.kind.in_(OUTPOST_KINDS))
    ).first()
    if found is None or not may_change(user, found.Branch):
        return None
    return found.Event, found.Branch


def open_keeper_account(*, email: str, name: str, password: str, branch: Branch | None, actor) -> object:
    """An admin opens the account of a place's keeper."""
    if branch is None or branch.kind not in OUTPOST_KINDS:
        raise ValidationError({"branch_id": _l("Choose a village reading room or the book bus.")})
    user = create_user(email, role="keeper", password=password, name=name, actor=actor, branch_id=branch.id)
    record("outpost.keeper", user, actor=actor, data={"branch_id": branch.id})
    return user


def room_of(branch: Branch, *, actor=None) -> Venue:
    """The room a place's activities are held in: its first active venue, made (named after the
    place) the first time a place without one records an activity."""
    venue = db.session.scalar(
        select(Venue).where(Venue.branch_id == branch.id, Venue.active.is_(True)).order_by(Venue.id).limit(1)
    )
    if venue is None:
        venue = events.create_venue(
            name=branch.name, name_en=branch.name_en, branch=branch, kind="outdoor" if branch.kind == "mobile" else "room",
            actor=actor,
        )
    return venue


# --- activities -------------------------------------------------------------------------


def earliest_day(user, today: date) -> date:
    """The first day ``user`` may record or correct: a keeper two months back, staff any day."""
    return today - timedelta(days=KEEPER_DAYS_BACK) if not has_role(user, "staff") else date(1900, 1, 1)


def _check_day(day, user, today: date, errors: dict, field: str = "day") -> None:
    if not isinstance(day, date):
        errors[field] = _l("Give the date.")
    elif day > today:
        errors[field] = _l("This day has not come yet.")
    elif day < earliest_day(user, today):
        errors[field] = _l("Only the last %(n)d days can be recorded here; ask the library's staff.", n=KEEPER_DAYS_BACK)


def _check_headcount(count, errors: dict, field: str = "headcount") -> None:
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= HEADCOUNT_MAX:
        errors[field] = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=HEADCOUNT_MAX)


def record_activity(
    branch: Branch, *, actor, type: str, title: str, day: date, starts: time, ends: time, headcount: int,
    audience: str = "all", description: str | None = None, photo: bytes | None = None, photo_alt: str | None = None,
    today: date | None = None,
) -> Event:
    """Record an activity held at ``branch``: a published event of its room (taking no
    registrations) and the people who came. The room's other events clash as for any booking.
    Refused as a whole, with a message per field, when anything is wrong (the photo too)."""
    today = today or local_date(clock.now())
    errors: dict = {}
    if type not in ACTIVITY_TYPES:
        errors["type"] = _l("Choose what kind of activity it was.")
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
        errors["title"] = _l("Give a title of 1 to %(n)d characters.", n=TITLE_MAX)
    _check_day(day, actor, today, errors)
    if not isinstance(starts, time):
        errors["starts"] = _l("Give the time it started.")
    if not isinstance(ends, time):
        errors["ends"] = _l("Give the time it ended.")
    elif isinstance(starts, time) and ends <= starts:
        errors["ends"] = _l("The end must come after the start.")
    _check_headcount(headcount, errors)
    if photo is not None and not (photo_alt or "").strip():
        errors["photo_alt"] = _l("Describe the picture for people who cannot see it (for example “Children painting lanterns”).")
    if errors:
        raise ValidationError(errors)
    event = events.create_event(
        actor=actor, type=type, title=title.strip(), description=(description or "").strip() or None,
        status="published", registration="none", audience=audience, venue=room_of(branch, actor=actor),
        starts_at=localize(datetime.combine(day, starts)), ends_at=localize(datetime.combine(day, ends)),
    )
    registration.add_walkins(event, headcount, actor=actor, source="headcount", day=day, at_the_door=False)
    if photo is not None:
        try:
            events.set_cover(event, data=photo, alt=photo_alt, actor=actor)
        except ValidationError as error:  # the photo's messages go beside the photo's fields
            raise ValidationError({"photo" if k == "image" else "photo_alt": v for k, v in error.fields.items()}) from None
    record("outpost.activity", event, actor=actor, data={"branch_id": branch.id, "headcount": headcount})
    return event


def headcount_of(event: Event) -> int:
    return int(db.session.scalar(select(func.coalesce(func.sum(WalkIn.count), 0)).where(WalkIn.event_id == event.id)))


def correct_headcount(event: Event, count: int, *, actor, today: date | None = None) -> int:
    """Replace the people an activity counted with ``count`` (audited, with the number before).
    A keeper may correct the last two months; a closed year only an administrator."""
    today = today or local_date(clock.now())
    errors: dict = {}
    _check_headcount(count, errors, "count")
    day = local_date(event.starts_at)
    if not errors and day < earliest_day(actor, today):
        errors["count"] = _l("Only the last %(n)d days can be recorded here; ask the library's staff.", n=KEEPER_DAYS_BACK)
    if errors:
        raise ValidationError(errors)
    before = headcount_of(event)
    if before == count:
        return count
    guard_attendance(day, actor, "walkin", event)
    db.session.execute(delete(WalkIn).where(WalkIn.event_id == event.id))
    db.session.add(WalkIn(event_id=event.id, count=count, day=day, recorded_at=clock.now(),
                          by_user_id=getattr(actor, "id", None), source="headcount"))
    db.session.flush()
    record("outpost.headcount", event, actor=actor, data={"from": before, "to": count})
    return count


@dataclass
class ActivityRow:
    event: Event
    branch: Branch
    headcount: int


def activities_query(branch_id: int | None = None) -> Select:
    """Activities held at the places (a place's, with ``branch_id``), the latest first, each
    with its room and place loaded in the same query."""
    stmt = (
        select(Event).join(Venue, Event.venue_id == Venue.id).join(Branch, Venue.branch_id == Branch.id)
        .options(contains_eager(Event.venue).contains_eager(Venue.branch))
        .where(Branch.kind.in_(OUTPOST_KINDS), Event.status != "cancelled")
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )
    return stmt.where(Branch.id == branch_id) if branch_id is not None else stmt


def activity_rows(found: list[Event]) -> list[ActivityRow]:
    """``found`` (from ``activities_query``) with their headcounts, in one more query."""
    counts = dict(db.session.execute(
        select(WalkIn.event_id, func.sum(WalkIn.count)).where(WalkIn.event_id.in_([e.id for e in found]))
        .group_by(WalkIn.event_id)
    ).all()) if found else {}
    return [ActivityRow(event, event.venue.branch, int(counts.get(event.id, 0))) for event in found]


# --- visitors counted each day ----------------------------------------------------------


def set_visitors(branch: Branch, day: date, count: int, *, actor, today: date | None = None) -> VisitorCount:
    """The visitors ``branch`` counted on ``day`` (0 when it was open and nobody came). A second
    count for the same day replaces the first, audited with the number before."""
    today = today or local_date(clock.now())
    errors: dict = {}
    _check_day(day, actor, today, errors)
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= VISITORS_MAX:
        errors["count"] = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=VISITORS_MAX)
    if errors:
        raise ValidationError(errors)
    guard_attendance(day, actor, "visitors", branch)
    now = clock.now()
    row = _visitor_row(branch.id, day)
    if row is None:
        try:
            with db.session.begin_nested():
                row = VisitorCount(branch_id=branch.id, day=day, count=count, recorded_by_id=actor.id, recorded_at=now)
                db.session.add(row)
                db.session.flush()
            return row
        except IntegrityError:  # two phones sent the day's first count at once: the later one stands
            row = _visitor_row(branch.id, day)
    before = row.count
    row.count, row.recorded_by_id, row.recorded_at = count, actor.id, now
    db.session.flush()
    if before != count:
        record("outpost.visitors", None, actor=actor,
               data={"branch_id": branch.id, "day": day.isoformat(), "from": before, "to": count})
    return row


def _visitor_row(branch_id: int, day: date) -> VisitorCount | None:
    return db.session.scalar(select(VisitorCount).where(VisitorCount.branch_id == branch_id, VisitorCount.day == day))


def visitors_of(branch: Branch, day: date) -> int | None:
    row = _visitor_row(branch.id, day)
    return row.count if row is not None else None


def visitors_query(branch_id: int | None = None, *, start: date | None = None, end: date | None = None) -> Select:
    """Days counted, the latest first (a place's, with ``branch_id``; within ``start``..``end``)."""
    stmt = select(VisitorCount).order_by(VisitorCount.day.desc(), VisitorCount.id.desc())
    if branch_id is not None:
        stmt = stmt.where(VisitorCount.branch_id == branch_id)
    if start is not None:
        stmt = stmt.where(VisitorCount.day >= start)
    if end is not None:
        stmt = stmt.where(VisitorCount.day <= end)
    return stmt


@dataclass
class PlaceVisits:
    branch: Branch
    days: int
    visitors: int


def visits_by_place(start: date, end: date) -> list[PlaceVisits]:
    """Per place, the days counted and the visitors in ``start``..``end`` (library dates,
    inclusive): every place, those that counted nothing with 0. One query."""
    totals = (
        select(VisitorCount.branch_id, func.count(VisitorCount.id).label("days"), func.sum(VisitorCount.count).label("visitors"))
        .where(VisitorCount.day >= start, VisitorCount.day <= end).group_by(VisitorCount.branch_id).subquery()
    )
    rows = db.session.execute(
        select(Branch, func.coalesce(totals.c.days, 0), func.coalesce(totals.c.visitors, 0))
        .outerjoin(totals, totals.c.branch_id == Branch.id)
        .where(Branch.kind.in_(OUTPOST_KINDS)).order_by(Branch.name, Branch.id)
    )
    return [PlaceVisits(branch, int(days), int(visitors)) for branch, days, visitors in rows]

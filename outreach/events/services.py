"""The rules of planning: venues and events."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from outreach.accounts import branches
from outreach.accounts.permissions import has_role
from outreach.errors import OutreachError, ValidationError
from outreach.events import booking, covers, signals
from outreach.events.booking import span
from outreach.events.labels import EVENT_STATUS_LABELS
from outreach.events.models import (
    AUDIENCES,
    BIO_MAX,
    BUFFER_MINUTES_MAX,
    CHECKIN_OPENS_DEFAULT,
    CHECKIN_OPENS_MAX,
    DEFAULT_MAX_PARTY_SIZE,
    EVENT_TYPES,
    PARTNER_ROLES,
    REASON_MAX,
    TITLE_MAX,
    REGISTRATION_MODES,
    Event,
    EventPartner,
    Exhibit,
)
from outreach.places.models import COVER_ALT_MAX, Branch, Partner, Series, Venue
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.platform.services import record
from outreach.years import INT_MAX
from outreach.timezone import library_tz, local_date

NAME_MAX = 120


class EventError(OutreachError):
    status = 409


# --- branch staff: the rule of outreach/accounts/branches.py, asked about events ----------


def branch_of(event: Event) -> int | None:
    """The branch an event belongs to: its venue's."""
    return event.venue.branch_id if event.venue is not None else None


def may_change_event(user, event: Event) -> bool:
    """Whether ``user`` may change ``event`` and its records (registrations, check-ins,
    walk-ins, shifts, exhibits): staff of its branch, staff of no branch, admins."""
    # the venue is read only for a branch's staff: the door's check-in stays three statements
    return branches.home_branch(user) is None or branches.may_change(user, branch_of(event))


def guard_event(user, event: Event) -> None:
    """Refuse (403, ``other_branch``) a change of ``user`` to another branch's event."""
    if not may_change_event(user, event):
        raise branches.OtherBranchError()


def guard_owner(user, owner: Event | Series) -> None:
    """Refuse a change to another branch's event or series."""
    branches.guard(user, branch_of(owner) if isinstance(owner, Event) else owner.branch_id)


def guard_venue(user, venue: Venue | None) -> None:
    """Refuse putting an event at another branch's venue, beside the venue field."""
    if venue is not None:
        branches.guard(user, venue.branch_id, field="venue_id")


# --- venues ---------------------------------------------------------------------------


def find_branch(ref: int | str) -> Branch | None:
    """A branch by id, or by its Chinese or English name. An id no table can hold is none."""
    if isinstance(ref, int):
        return db.session.get(Branch, ref) if 0 < ref <= INT_MAX else None
    ref = ref.strip()
    return db.session.scalar(select(Branch).where(or_(Branch.name == ref, Branch.name_en == ref)))


def create_venue(
    *, name: str, branch: Branch | None = None, capacity: int | None = None, name_en: str | None = None,
    kind: str = "room", actor=None,
) -> Venue:
    """Add a venue (a room of a branch, or an outside site). Raises ``ValidationError`` for a
    blank or long name or a negative capacity, ``EventError("venue_exists")`` for a name the
    branch already uses."""
    branches.guard(actor, branch.id if branch is not None else None, field="branch",
                   message=branches.OTHER_BRANCH_CHOICE)
    errors = {}
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
    if capacity is not None and capacity < 0:
        errors["capacity"] = _l("Enter a whole number of 0 or more, or leave it empty for no limit.")
    if errors:
        raise ValidationError(errors)
    venue = Venue(name=name, name_en=name_en, branch_id=branch.id if branch else None, capacity=capacity, kind=kind)
    try:
        with db.session.begin_nested():
            db.session.add(venue)
            db.session.flush()
    except IntegrityError:
        raise EventError(
            "venue_exists", _l("This branch already has a venue with that name."), fields={"name": _l("Already in use.")}
        ) from None
    record("venue.create", venue, actor=actor)
    return venue


def list_venues(*, bookable_for: int | None = None) -> list[Venue]:
    """Every venue; with ``bookable_for``, those a new booking may choose: the active ones,
    and the venue already chosen (an event in a venue archived since keeps it)."""
    stmt = select(Venue).options(selectinload(Venue.branch)).order_by(Venue.branch_id, Venue.name)
    if bookable_for is not None:
        stmt = stmt.where(or_(Venue.active.is_(True), Venue.id == bookable_for))
    return list(db.session.scalars(stmt))


# --- events ---------------------------------------------------------------------------

_EDITABLE = {
    "type", "status", "title", "title_en", "description", "description_en", "starts_at", "ends_at",
    "venue", "capacity", "registration", "max_party_size", "groups_capacity", "max_group_size",
    "checkin_opens_minutes", "audience", "series", "session_number", "speaker", "speaker_bio", "speaker_bio_en", "daily_opens_at", "daily_closes_at",
    "registration_opens_at", "registration_closes_at", "questions", "setup_minutes", "teardown_minutes",
    "booking_override_reason",
}
#: What a new event has when a field is left out.
EVENT_DEFAULTS = {
    "status": "draft", "registration": "open", "audience": "all", "max_party_size": DEFAULT_MAX_PARTY_SIZE,
    "checkin_opens_minutes": CHECKIN_OPENS_DEFAULT, "setup_minutes": 0, "teardown_minutes": 0,
}
#: Set when an event is made (by a recurrence or a competition round) and not edited after.
_CREATE_ONLY = {"recurrence_id", "round_id"}
_QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def minutes_message(maximum: int):
    """The message for a number of minutes outside 0 to ``maximum`` (form and service alike)."""
    return _l("Enter a number of minutes from %(min)d to %(max)d.", min=0, max=maximum)


def check_event(values: dict) -> dict:
    """Messages, by field, for everything that makes an event invalid (empty when it is valid)."""
    errors: dict = {}
    title = values.get("title")
    if not isinstance(title, str) or not title.strip() or len(title.strip()) > TITLE_MAX:
        errors["title"] = _l("Give a title of 1 to %(n)d characters.", n=TITLE_MAX)
    title_en = values.get("title_en")
    if title_en is not None and len(title_en) > TITLE_MAX:
        errors["title_en"] = _l("Give a title of 1 to %(n)d characters.", n=TITLE_MAX)
    if values.get("type") not in EVENT_TYPES:
        errors["type"] = _l("Choose one of: %(choices)s.", choices=", ".join(EVENT_TYPES))
    if values.get("status") not in ("draft", "published"):
        errors["status"] = _l("A new event is a draft or published.")
    if values.get("registration") not in REGISTRATION_MODES:
        errors["registration"] = _l("Choose one of: %(choices)s.", choices=", ".join(REGISTRATION_MODES))
    if values.get("audience") not in AUDIENCES:
        errors["audience"] = _l("Choose one of: %(choices)s.", choices=", ".join(AUDIENCES))
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime):
        errors["starts_at"] = _l("Give the date and time the event starts.")
    if not isinstance(ends, datetime):
        errors["ends_at"] = _l("Give the date and time the event ends.")
    elif isinstance(starts, datetime) and ends <= starts:
        errors["ends_at"] = _l("The end must come after the start.")
    if values.get("venue") is None:
        errors["venue_id"] = _l("Choose a venue.")
    capacity = values.get("capacity")
    if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
        errors["capacity"] = _l("Enter a whole number of 0 or more, or leave it empty for no limit.")
    party = values.get("max_party_size")
    if not isinstance(party, int) or party < 1:
        errors["max_party_size"] = _l("Enter a whole number of 1 or more.")
    groups_capacity = values.get("groups_capacity")
    if groups_capacity is not None and (isinstance(groups_capacity, bool) or not isinstance(groups_capacity, int) or groups_capacity < 0):
        errors["groups_capacity"] = _l("Enter a whole number of 0 or more, or leave it empty for no limit.")
    elif groups_capacity is not None and isinstance(capacity, int) and groups_capacity > capacity:
        errors["groups_capacity"] = _l("Groups cannot take more seats than the event has (%(n)d).", n=capacity)
    group = values.get("max_group_size")
    if group is not None and (isinstance(group, bool) or not isinstance(group, int) or group < 1):
        errors["max_group_size"] = _l("Enter a whole number of 1 or more, or leave it empty for the largest party.")
    elif group is not None and isinstance(groups_capacity, int) and group > groups_capacity:
        errors["max_group_size"] = _l("One group cannot be larger than the seats for groups (%(n)d).", n=groups_capacity)
    opens = values.get("checkin_opens_minutes")
    if not isinstance(opens, int) or not 0 <= opens <= CHECKIN_OPENS_MAX:
        errors["checkin_opens_minutes"] = minutes_message(CHECKIN_OPENS_MAX)
    for name in ("setup_minutes", "teardown_minutes"):
        minutes = values.get(name, 0)
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 0 <= minutes <= BUFFER_MINUTES_MAX:
            errors[name] = minutes_message(BUFFER_MINUTES_MAX)
    for name in ("speaker_bio", "speaker_bio_en"):
        if values.get(name) is not None and len(values[name]) > BIO_MAX:
            errors[name] = _l("Keep it to %(n)d characters.", n=BIO_MAX)
    reason = values.get("booking_override_reason")
    if reason is not None and len(reason) > REASON_MAX:
        errors["booking_override_reason"] = _l("Keep it to %(n)d characters.", n=REASON_MAX)
    number = values.get("session_number")
    if number is not None and (not isinstance(number, int) or number < 1):
        errors["session_number"] = _l("Enter a whole number of 1 or more.")
    if number is not None and values.get("series") is None:
        errors["session_number"] = _l("A session number needs a series.")
    daily = (values.get("daily_opens_at"), values.get("daily_closes_at"))
    if (daily[0] is None) != (daily[1] is None):
        errors["daily_closes_at"] = _l("Give both daily opening and closing times, or neither.")
    elif daily[0] is not None and daily[1] <= daily[0]:
        errors["daily_closes_at"] = _l("Closing must come after opening.")
    opens, closes = values.get("registration_opens_at"), values.get("registration_closes_at")
    if opens is not None and closes is not None and closes <= opens:
        errors["registration_closes_at"] = _l("Registration must close after it opens.")
    if values.get("questions") is not None and not questions_are_valid(values["questions"]):
        errors["questions"] = _l(
            "Give a list of questions, each with a key (lower-case letters, digits, _), a label, "
            "and optionally label_en, required and choices."
        )
    return errors


def questions_are_valid(questions) -> bool:
    """Extra registration questions: [{"key", "label", "label_en"?, "required"?, "choices"?}],
    at most 10, keys unique."""
    if not isinstance(questions, list) or len(questions) > 10:
        return False
    keys = set()
    for question in questions:
        if not isinstance(question, dict) or set(question) - {"key", "label", "label_en", "required", "choices"}:
            return False
        key, label = question.get("key"), question.get("label")
        if not isinstance(key, str) or not _QUESTION_KEY.match(key) or key in keys:
            return False
        if not isinstance(label, str) or not 1 <= len(label) <= 100:
            return False
        if not isinstance(question.get("label_en", ""), str) or not isinstance(question.get("required", False), bool):
            return False
        choices = question.get("choices")
        if choices is not None and (
            not isinstance(choices, list) or not 1 <= len(choices) <= 30
            or not all(isinstance(c, str) and 1 <= len(c) <= 100 for c in choices)
        ):
            return False
        keys.add(key)
    return True


def _session_taken() -> EventError:
    return EventError(
        "session_taken",
        _l("This series already has a session with that number."),
        fields={"session_number": _l("Already in use.")},
    )


def _refuse_archived(venue: Venue) -> None:
    """A new booking goes to a venue in service (an event already in one archived since keeps it)."""
    if not venue.active:
        raise ValidationError({"venue_id": _l("This venue is archived: choose another.")})


def _number_taken(series_id: int, number: int | None, exclude_id: int | None = None) -> bool:
    """Whether another event of the series has that session number (the unique constraint
    still settles a race; this answers before the room is checked)."""
    if number is None:
        return False
    stmt = select(Event.id).where(Event.series_id == series_id, Event.session_number == number)
    if exclude_id is not None:
        stmt = stmt.where(Event.id != exclude_id)
    return db.session.scalar(stmt.limit(1)) is not None


def create_event(*, actor=None, **fields) -> Event:
    """Create an event from ``fields`` (model attributes; ``venue`` and ``series`` as objects).

    Staff may create events in the past, to record what happened. Raises ``ValidationError``
    with a message per field, or ``EventError("session_taken")`` when the series already has
    that session number.
    """
    unknown = set(fields) - _EDITABLE - _CREATE_ONLY
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    values = {**EVENT_DEFAULTS, **fields}
    if isinstance(values.get("title"), str):
        values["title"] = values["title"].strip()
    errors = check_event(values)
    if errors:
        raise ValidationError(errors)
    # Ids rather than objects: setting ``series`` would add the event to ``Series.events``
    # and flush it outside the savepoint below.
    venue, series = values.pop("venue"), values.pop("series", None)
    guard_venue(actor, venue)
    _refuse_archived(venue)
    if series is not None and _number_taken(series.id, values.get("session_number")):
        raise _session_taken()
    found = _check_booking(values, venue)
    event = Event(
        created_by_id=getattr(actor, "id", None),
        venue_id=venue.id,
        series_id=series.id if series is not None else None,
        **values,
    )
    try:
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
    except IntegrityError:
        raise _session_taken() from None
    record("event.create", event, actor=actor, data={"status": event.status})
    _record_override(event, found, actor)
    return event


def _check_booking(values: dict, venue: Venue, *, exclude_id: int | None = None) -> list[Event]:
    """The events ``values`` would double-book ``venue`` with. Refuses them with
    ``EventError("room_booked")`` unless ``values`` carries an override reason; keeps the
    reason only when it was needed."""
    reason = (values.get("booking_override_reason") or "").strip() or None
    found = booking.clashes(
        venue=venue, starts_at=values["starts_at"], ends_at=values["ends_at"],
        setup_minutes=values.get("setup_minutes", 0), teardown_minutes=values.get("teardown_minutes", 0),
        exclude_id=exclude_id,
    )
    if found and reason is None:
        raise room_booked(found)
    values["booking_override_reason"] = reason if found else None
    return found


def room_booked(found: list[Event]) -> EventError:
    from flask_babel import format_datetime, format_time


    first = found[0]
    begin, end = span(first)
    # A booking over several days (an exhibition) names the day it ends too.
    same_day = local_date(begin) == local_date(end)
    message = lazy_ngettext(
        "The room is booked then: “%(title)s”, %(start)s–%(end)s with set-up and tear-down (%(num)d booking "
        "in all). Choose another room or time, or give a reason to book it anyway.",
        "The room is booked then: “%(title)s”, %(start)s–%(end)s with set-up and tear-down (%(num)d bookings "
        "in all). Choose another room or time, or give a reason to book it anyway.",
        len(found),
        title=first.display_title(current_locale()), start=format_datetime(begin, "short"),
        end=format_time(end, "short") if same_day else format_datetime(end, "short"),
    )
    return EventError(
        "room_booked", message,
        fields={"venue_id": message, "booking_override_reason": _l("Give a reason to book the room anyway.")},
    )


def _record_override(event: Event, found: list[Event], actor) -> None:
    if found:
        record(
            "event.booking_override", event, actor=actor,
            data={"clashes": [other.id for other in found], "reason": event.booking_override_reason},
        )


def events_query(
    *, include_drafts: bool, start: date | None = None, end: date | None = None, type: str | None = None,
    branch_id: int | None = None, audience: str | None = None,
) -> Select:
    """Events overlapping the library-time days ``start`` to ``end`` (both included), by start time."""
    stmt = select(Event).options(selectinload(Event.venue).selectinload(Venue.branch), selectinload(Event.series))
    if not include_drafts:
        stmt = stmt.where(Event.status != "draft")
    if start is not None:
        stmt = stmt.where(Event.ends_at > day_start(start))
    if end is not None:
        stmt = stmt.where(Event.starts_at < day_start(end + timedelta(days=1)))
    if type:
        stmt = stmt.where(Event.type == type)
    if audience:
        stmt = stmt.where(Event.audience == audience)
    if branch_id:
        stmt = stmt.join(Event.venue).where(Venue.branch_id == branch_id)
    return stmt.order_by(Event.starts_at, Event.id)


def upcoming_public_events(
    *, now: datetime, type: str | None = None, branch_id: int | None = None, audience: str | None = None
) -> Select:
    """Published events that have not ended yet; for an audience, its events and those for everyone."""
    stmt = for_audience(events_query(include_drafts=False, type=type, branch_id=branch_id), audience)
    return stmt.where(Event.status == "published", Event.ends_at > now)


def for_audience(stmt: Select, audience: str | None) -> Select:
    """What the public programme shows an audience (children, seniors ...): its own events
    and those for everyone. No audience: every event."""
    return stmt.where(Event.audience.in_((audience, "all"))) if audience else stmt


def find_visible(event_id: int, user) -> Event | None:
    """The event, or None when it does not exist or is a draft ``user`` may not see; with its
    partners (the event's page names them all: one query, not one per partner)."""
    event = db.session.get(Event, event_id, options=[selectinload(Event.partner_links).selectinload(EventPartner.partner)])
    return event if event is not None and is_visible(event, user) else None


def is_visible(event: Event, user) -> bool:
    """Drafts are for staff only; every other status stays public."""
    return event.status != "draft" or has_role(user, "staff")


def day_start(day: date) -> datetime:
    """The first instant of a library-time day."""
    return datetime.combine(day, time.min, tzinfo=library_tz())


def list_series() -> list[Series]:
    return list(db.session.scalars(select(Series).order_by(Series.name)))


def list_partners() -> list[Partner]:
    return list(db.session.scalars(select(Partner).order_by(Partner.name)))


def list_branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).order_by(Branch.id)))



_COPIED = (
    "type", "title", "title_en", "description", "description_en", "daily_opens_at", "daily_closes_at",
    "venue_id", "capacity", "registration", "max_party_size", "groups_capacity", "max_group_size",
    "checkin_opens_minutes", "audience", "series_id", "speaker", "speaker_bio", "speaker_bio_en", "questions", "setup_minutes", "teardown_minutes",
)


def duplicate_event(event: Event, *, starts_at: datetime, actor=None) -> Event:
    """A draft copy of ``event`` starting at ``starts_at``: the same length, registration
    window moved along, its partners, and its volunteer shifts moved by the same amount.
    A session of a series becomes the series' next session, titled as a new one
    (``session_titles``) for staff to add its topic. Registrations are not copied."""
    guard_event(actor, event)
    if not isinstance(starts_at, datetime):
        raise ValidationError({"starts_at": _l("Give the date and time the event starts.")})
    delta = starts_at - event.starts_at
    copy = Event(**{name: getattr(event, name) for name in _COPIED})
    copy.status = "draft"
    copy.starts_at, copy.ends_at = starts_at, event.ends_at + delta
    copy.created_by_id = getattr(actor, "id", None)
    if event.registration_opens_at:
        copy.registration_opens_at = event.registration_opens_at + delta
    if event.registration_closes_at:
        copy.registration_closes_at = event.registration_closes_at + delta
    if event.series_id is not None:
        # The next session: its own number, and the series' titles to give its topic in, not
        # the old session's number and topic (星海讲坛 第15期：… copied as No. 19).
        copy.session_number = next_session_number(event.series_id)
        copy.title, copy.title_en = session_titles(event.series, copy.session_number)
    found = booking.clashes(
        venue=event.venue, starts_at=copy.starts_at, ends_at=copy.ends_at,
        setup_minutes=copy.setup_minutes, teardown_minutes=copy.teardown_minutes,
    )
    if found:
        raise room_booked(found)
    db.session.add(copy)
    db.session.flush()
    for link in event.partner_links:
        db.session.add(EventPartner(event_id=copy.id, partner_id=link.partner_id, role=link.role))
    signals.event_duplicated.send(event, copy=copy, actor=actor)
    db.session.flush()
    record("event.duplicate", copy, actor=actor, data={"from": event.id})
    return copy


def set_partners(event: Event, rows: list[tuple[int, str]], *, actor=None) -> None:
    """Make ``rows`` ((partner id, role), in order) the event's partners: co-organisers,
    sponsors, its naming sponsor (台北城杯), hosts. Raises ``ValidationError`` on the field
    ``partners`` for an unknown partner or role, a partner named twice, or two naming sponsors."""
    guard_event(actor, event)
    errors = {}
    ids = [partner_id for partner_id, _ in rows]
    known = set(db.session.scalars(select(Partner.id).where(Partner.id.in_(ids)))) if ids else set()
    if any(partner_id not in known for partner_id in ids) or any(role not in PARTNER_ROLES for _, role in rows):
        errors["partners"] = _l("Choose partners and roles from the lists.")
    elif len(set(ids)) != len(ids):
        errors["partners"] = _l("Name each partner once.")
    elif sum(role == "naming_sponsor" for _, role in rows) > 1:
        errors["partners"] = _l("An event has one naming sponsor at most.")
    if errors:
        raise ValidationError(errors)
    before = sorted((link.partner_id, link.role) for link in event.partner_links)
    # Emptied and flushed first: a partner kept with another role is a new row with the same key.
    event.partner_links.clear()
    db.session.flush()
    event.partner_links.extend(EventPartner(partner_id=partner_id, role=role) for partner_id, role in rows)
    db.session.flush()
    if before != sorted(rows):
        record("event.partners", event, actor=actor, data={"partners": [list(row) for row in rows]})


# --- exhibits ---------------------------------------------------------------------------------

EXHIBIT_FIELDS = ("title", "creator", "age", "school", "note")


def check_exhibit(values: dict) -> dict:
    """Messages, by field, for what makes an exhibit invalid."""
    errors = {}
    title, creator = (values.get("title") or "").strip(), (values.get("creator") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = _l("Give a title of 1 to %(n)d characters.", n=200)
    if not creator or len(creator) > 120:
        errors["creator"] = _l("Give the creator's name, 1 to %(n)d characters.", n=120)
    age = values.get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120):
        errors["age"] = _l("Enter an age from 0 to 120, or leave it empty.")
    if len(values.get("school") or "") > 120:
        errors["school"] = _l("Keep it to %(n)d characters.", n=120)
    if len(values.get("note") or "") > 500:
        errors["note"] = _l("Keep it to %(n)d characters.", n=500)
    return errors


def _exhibit_values(values: dict) -> dict:
    cleaned = {name: values.get(name) for name in EXHIBIT_FIELDS}
    for name in ("title", "creator", "school", "note"):
        cleaned[name] = (cleaned[name] or "").strip() or None
    return cleaned


def _only_exhibitions(event: Event) -> None:
    if event.type != "exhibition":
        raise EventError("not_an_exhibition", _l("Only an exhibition lists the works it shows."))


def add_exhibits(event: Event, rows: list[dict], *, actor=None) -> list[Exhibit]:
    """Add works to an exhibition's catalogue, after those it has, all or none. Raises
    ``ValidationError`` with the fields of a single row, or, for several rows, a message per
    row under ``row-<n>`` (n from 1)."""
    guard_event(actor, event)
    _only_exhibitions(event)
    errors = {}
    for n, row in enumerate(rows, start=1):
        row_errors = check_exhibit(row)
        if row_errors and len(rows) == 1:
            raise ValidationError(row_errors)
        if row_errors:
            errors[f"row-{n}"] = " ".join(str(message) for message in row_errors.values())
    if errors:
        raise ValidationError(errors)
    last = db.session.scalar(select(func.max(Exhibit.position)).where(Exhibit.event_id == event.id)) or 0
    exhibits = [
        Exhibit(event_id=event.id, position=last + n, **_exhibit_values(row)) for n, row in enumerate(rows, start=1)
    ]
    db.session.add_all(exhibits)
    db.session.flush()
    db.session.expire(event, ["exhibits"])
    record("event.exhibits_add", event, actor=actor, data={"count": len(exhibits)})
    return exhibits


def update_exhibit(exhibit: Exhibit, *, actor=None, **values) -> Exhibit:
    guard_event(actor, exhibit.event)
    errors = check_exhibit(values)
    if errors:
        raise ValidationError(errors)
    for name, value in _exhibit_values(values).items():
        setattr(exhibit, name, value)
    db.session.flush()
    record("event.exhibit_update", exhibit.event, actor=actor, data={"exhibit": exhibit.id})
    return exhibit


def remove_exhibit(exhibit: Exhibit, *, actor=None) -> None:
    """Take a work out of the catalogue; the ones after it move up a place."""
    guard_event(actor, exhibit.event)
    event = exhibit.event
    db.session.delete(exhibit)
    db.session.flush()
    db.session.expire(event, ["exhibits"])
    for position, other in enumerate(event.exhibits, start=1):
        other.position = position
    db.session.flush()
    record("event.exhibit_remove", event, actor=actor, data={"title": exhibit.title})


_EXHIBIT_LINE = re.compile(r"\t|[,，]")


def parse_exhibit_lines(text: str) -> tuple[list[dict], dict]:
    """Rows pasted from a spreadsheet or typed, one work a line: title, creator, age, school
    (separated by tabs or commas; age and school may be left out). Returns the rows and a
    message per bad line under ``line-<n>``."""
    rows, errors = [], {}
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in _EXHIBIT_LINE.split(line)]
        if len(parts) < 2 or len(parts) > 4:
            errors[f"line-{n}"] = _l("Line %(n)d: give the title and the creator, then the age and school if known.", n=n)
            continue
        age = parts[2] if len(parts) > 2 else ""
        if age and not age.isdigit():
            errors[f"line-{n}"] = _l("Line %(n)d: the age must be a whole number.", n=n)
            continue
        row = {"title": parts[0], "creator": parts[1], "age": int(age) if age else None,
               "school": parts[3] if len(parts) > 3 else None}
        problems = check_exhibit(row)
        if problems:
            errors[f"line-{n}"] = _l("Line %(n)d: %(problem)s", n=n, problem=" ".join(str(p) for p in problems.values()))
            continue
        rows.append(row)
    return rows, errors


def session_titles(series: Series, number: int) -> tuple[str, str | None]:
    """The titles a new session starts from, in each title field's own language:
    星海讲坛 第15期 / Xinghai Forum No. 15 (no English title when the series has no English name)."""
    return f"{series.name} 第{number}期", (f"{series.name_en} No. {number}" if series.name_en else None)


def next_session_number(series_id: int) -> int:
    """The number the next session of a series gets (星海讲坛 第15期 after the 14th)."""
    highest = db.session.scalar(select(func.max(Event.session_number)).where(Event.series_id == series_id))
    return (highest or 0) + 1


# --- editing and the status workflow ---------------------------------------------------------

_UPDATABLE = _EDITABLE - {"status"}


def update_event(event: Event, *, actor=None, **fields) -> Event:
    """Change the details of ``event`` (the fields ``create_event`` takes, but not its status:
    that is ``change_status``'s). The event as a whole must then pass the same checks as a new
    one. Raises ``ValidationError`` with a message per field, or ``EventError("session_taken")``
    when the series already has that session number."""
    guard_event(actor, event)
    if "venue" in fields:
        guard_venue(actor, fields["venue"])
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    current = {name: getattr(event, name) for name in _UPDATABLE - {"venue", "series", "booking_override_reason"}}
    values = {**current, "venue": event.venue, "series": event.series, **fields}
    if isinstance(values.get("title"), str):
        values["title"] = values["title"].strip()
    # The status is not edited here; a completed or cancelled event may still have its details fixed.
    errors = check_event({**values, "status": "draft"})
    if errors:
        raise ValidationError(errors)
    venue, series = values.pop("venue"), values.pop("series", None)
    # The room is checked again when the booking moves; a cancelled event holds no room.
    moved = venue.id != event.venue_id or any(
        values[name] != getattr(event, name) for name in ("starts_at", "ends_at", "setup_minutes", "teardown_minutes")
    )
    if venue.id != event.venue_id:
        _refuse_archived(venue)
    if series is not None and _number_taken(series.id, values.get("session_number"), exclude_id=event.id):
        raise _session_taken()
    found: list[Event] = []
    if moved and event.status != "cancelled":
        found = _check_booking(values, venue, exclude_id=event.id)
    else:
        values.pop("booking_override_reason", None)
    changed = sorted(
        name for name in fields if name in values and getattr(event, name) != values[name]
    )
    if venue.id != event.venue_id:
        changed.append("venue")
    if (series.id if series is not None else None) != event.series_id:
        changed.append("series")
    before = {"starts_at": event.starts_at, "ends_at": event.ends_at, "venue": event.venue}
    try:
        with db.session.begin_nested():
            for name, value in values.items():
                setattr(event, name, value)
            # Ids rather than objects, as in ``create_event``.
            event.venue_id = venue.id
            event.series_id = series.id if series is not None else None
            db.session.flush()
    except IntegrityError:
        raise _session_taken() from None
    db.session.expire(event, ["venue", "series"])
    data = {"fields": sorted(changed)}
    if event.status == "published" and {"starts_at", "ends_at", "venue"} & set(changed):
        # Registration tells the registrants what changed, in this transaction.
        answers = signals.event_changed.send(event, before=before, actor=actor)
        data["told"] = sum(told for _receiver, told in answers if isinstance(told, int))
    record("event.update", event, actor=actor, data=data)
    _record_override(event, found, actor)
    return event


#: The status workflow: which status may follow which, and the audit action of each step.
STATUS_STEPS = {
    ("draft", "published"): "event.publish",
    ("published", "completed"): "event.complete",
    ("draft", "cancelled"): "event.cancel",
    ("published", "cancelled"): "event.cancel",
}


def people_to_tell(event: Event) -> int:
    """How many people cancelling ``event`` would tell (what the receivers of
    ``signals.event_cancel_audience`` answer: registrants who gave an e-mail address)."""
    answers = signals.event_cancel_audience.send(event)
    return sum(count for _receiver, count in answers if isinstance(count, int))


def change_status(event: Event, new_status: str, *, actor=None, reason: str | None = None) -> Event:
    """Move ``event`` along the workflow: draft → published → completed, and draft or
    published → cancelled. Cancelling announces ``signals.event_cancelled`` (registration tells the
    registrants, with ``reason``) and audits how many were told.

    Raises ``EventError("bad_status")`` for any other step, and ``ValidationError`` on
    ``reason`` when a cancellation that tells people gives none.
    """
    guard_event(actor, event)
    action = STATUS_STEPS.get((event.status, new_status))
    if action is None:
        raise EventError(
            "bad_status",
            _l(
                "An event with the status “%(current)s” cannot become “%(new)s”.",
                current=EVENT_STATUS_LABELS.get(event.status, event.status),
                new=EVENT_STATUS_LABELS.get(new_status, new_status),
            ),
        )
    reason = (reason or "").strip() or None
    if new_status == "cancelled" and reason is None:
        told = people_to_tell(event)
        if told:
            raise ValidationError({"reason": lazy_ngettext(
                "Give the reason: %(num)d registrant who gave an e-mail address is told it.",
                "Give the reason: %(num)d registrants who gave an e-mail address are told it.",
                told,
            )})
    data = {"from": event.status, "to": new_status}
    if reason:
        data["reason"] = reason
    event.status = new_status
    db.session.flush()
    if new_status == "cancelled":
        answers = signals.event_cancelled.send(event, reason=reason, actor=actor)
        data["told"] = sum(told for _receiver, told in answers if isinstance(told, int))
    record(action, event, actor=actor, data=data)
    return event


# --- cover images ------------------------------------------------------------------------------


def set_cover(owner: Event | Series, *, data: bytes | None, alt: str | None, actor=None) -> Event | Series:
    """Give an event or a series its cover image (``data``, the uploaded file; None keeps the
    one it has) described by ``alt``, which is required. A new picture replaces the old one,
    whose files are deleted. Refused with a message per field (``image``, ``alt``), all at
    once, and nothing kept."""
    guard_owner(actor, owner)
    errors: dict = {}
    files = None
    if data is not None:
        try:
            files = covers.process(data)
        except ValidationError as error:
            errors.update(error.fields or {})
    elif not owner.cover_key:
        errors["image"] = _l("Choose a picture to upload.")
    alt = (alt or "").strip()
    if not alt:
        errors["alt"] = _l("Describe the picture for people who cannot see it (for example “Children painting lanterns”).")
    elif len(alt) > COVER_ALT_MAX:
        errors["alt"] = _l("Keep it to %(n)d characters.", n=COVER_ALT_MAX)
    if errors:
        raise ValidationError(errors)
    old = owner.cover_key
    if files is not None:
        owner.cover_key = covers.store(files)
    owner.cover_alt = alt
    db.session.flush()
    record(f"{type(owner).__name__.lower()}.cover", owner, actor=actor, data={"new_image": files is not None})
    if files is not None and old:
        covers.discard(old)
    return owner


def remove_cover(owner: Event | Series, *, actor=None) -> Event | Series:
    """Take an event's or a series' cover image away (the event then shows its series' or
    its type's), and delete its files."""
    guard_owner(actor, owner)
    old = owner.cover_key
    owner.cover_key = owner.cover_alt = None
    db.session.flush()
    record(f"{type(owner).__name__.lower()}.cover_removed", owner, actor=actor)
    covers.discard(old)
    return owner

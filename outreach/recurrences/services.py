"""The rules of weekly recurring events (三点半课堂: weekdays at 15:30 during term, skipping holidays).

A ``Recurrence`` is the pattern; each occurrence is an ordinary ``Event`` made by
``outreach.events.services.create_event`` with the pattern's ``recurrence_id``, so that
registration, check-in, calendars and room booking work per occurrence. Occurrences are
changed through the event services too (``update_event``, ``change_status``), so their rules
(room clashes, the status workflow, telling registrants) hold here as everywhere.

Every change to a series of occurrences is all or nothing: it runs in a savepoint, and
room clashes are collected over every date and refused together, naming the dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from outreach import clock
from outreach.errors import OutreachError, ValidationError
from outreach.events import services as event_rules
from outreach.events.models import Event
from outreach.events.services import (
    EVENT_DEFAULTS,
    EventError,
    change_status,
    check_event,
    create_event,
    day_start,
    next_session_number,
    session_titles,
    set_partners,
    update_event,
)
from outreach.extensions import db
from outreach.platform.services import record
from outreach.recurrences.models import Recurrence, RecurrenceException
from outreach.timezone import library_tz, local_date
from outreach.registration.models import Registration
from outreach.volunteers.models import Shift

#: The longest pattern: about a year, and never more occurrences than a year of every day.
MAX_SPAN_DAYS = 366
MAX_OCCURRENCES = 370
REASON_MAX = 120
#: Fields an occurrence takes from the pattern, never from the event fields given with it.
_FROM_PATTERN = {"starts_at", "ends_at", "recurrence_id", "round_id"}
#: Fields that name one moment, which cannot be the same for every occurrence.
_ONE_DATE = {"daily_opens_at", "daily_closes_at", "registration_opens_at", "registration_closes_at"}
#: What a new occurrence (an extension, a restored day) copies from the latest one.
_COPIED = (
    "type", "title", "title_en", "description", "description_en", "venue", "capacity", "registration",
    "max_party_size", "groups_capacity", "max_group_size", "checkin_opens_minutes", "audience", "series", "speaker", "speaker_bio", "speaker_bio_en",
    "questions", "setup_minutes", "teardown_minutes",
)


class RecurrenceError(OutreachError):
    status = 409


# --- the pattern ------------------------------------------------------------------------------


def weekday_digits(weekdays: str | Iterable[int] | None) -> str | None:
    """ISO weekdays (1 Monday to 7 Sunday), as digits or numbers, in the stored form "12345";
    None when there is none or any is not a weekday."""
    if weekdays is None:
        return None
    try:
        days = {int(item) for item in weekdays if not isinstance(item, bool)}
    except (TypeError, ValueError):
        return None
    if not days or not days <= set(range(1, 8)):
        return None
    return "".join(str(day) for day in sorted(days))


def occurrence_dates(
    weekdays: str | Iterable[int], starts_on: date, ends_on: date, exceptions: Iterable[date] = ()
) -> list[date]:
    """The dates from ``starts_on`` to ``ends_on`` (both included) on ``weekdays`` (ISO: "135"
    or [1, 3, 5]), less the ``exceptions``."""
    wanted = {int(day) for day in weekdays}
    skipped = set(exceptions)
    days = (starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days + 1))
    return [day for day in days if day.isoweekday() in wanted and day not in skipped]


def check_pattern(
    *, weekdays: str | None, starts_on: date | None, ends_on: date | None, start_time: time | None,
    end_time: time | None, exceptions: Iterable[date] = (),
) -> dict:
    """Messages, by field, for everything wrong with a pattern (empty when it is valid):
    at least one weekday, the dates in order and at most a year apart, the end time after the
    start, and from one to ``MAX_OCCURRENCES`` occurrences once the exceptions are left out."""
    errors: dict = {}
    if not weekdays:
        errors["weekdays"] = _l("Choose at least one day of the week.")
    if not isinstance(starts_on, date):
        errors["starts_on"] = _l("Give the first date.")
    if not isinstance(ends_on, date):
        errors["ends_on"] = _l("Give the last date.")
    elif isinstance(starts_on, date):
        if ends_on < starts_on:
            errors["ends_on"] = _l("The last date must not come before the first.")
        elif (ends_on - starts_on).days > MAX_SPAN_DAYS:
            errors["ends_on"] = _l("Plan a year at most (%(n)d days).", n=MAX_SPAN_DAYS)
    if not isinstance(start_time, time):
        errors["start_time"] = _l("Give the time it starts.")
    if not isinstance(end_time, time):
        errors["end_time"] = _l("Give the time it ends.")
    elif isinstance(start_time, time) and end_time <= start_time:
        errors["end_time"] = _l("The end must come after the start.")
    if not errors:
        count = len(occurrence_dates(weekdays, starts_on, ends_on, exceptions))
        if count == 0:
            errors["weekdays"] = _l("No date from the first to the last falls on these days (less the exceptions).")
        elif count > MAX_OCCURRENCES:
            errors["ends_on"] = _l("That makes %(n)d occurrences; at most %(max)d are allowed.", n=count, max=MAX_OCCURRENCES)
    return errors


def check_exceptions(exceptions: Iterable[tuple[date, str | None]]) -> dict:
    """Messages for a list of (day, reason): each day once, each reason short."""
    seen: set[date] = set()
    for day, reason in exceptions:
        if not isinstance(day, date):
            return {"exceptions": _l("Give each exception as a date.")}
        if day in seen:
            return {"exceptions": _l("%(day)s is listed twice.", day=day.isoformat())}
        if reason is not None and len(reason) > REASON_MAX:
            return {"exceptions": _l("%(day)s: keep the reason to %(n)d characters.", day=day.isoformat(), n=REASON_MAX)}
        seen.add(day)
    return {}


#: What an occurrence has when a field is not given: ``create_event``'s defaults.
#: ``check_event`` wants a start and an end: any valid pair (the pattern's are ``check_pattern``'s).
_SAMPLE_DAY = date(2026, 1, 5)


def check_recurrence(
    *, weekdays: str | Iterable[int] | None, starts_on: date | None, ends_on: date | None, start_time: time | None,
    end_time: time | None, exceptions: Iterable[tuple[date, str | None]] = (), **event_fields,
) -> dict:
    """Messages, by field, for everything wrong with a new weekly event: its exceptions (see
    ``check_exceptions``), its pattern (see ``check_pattern``) and the event fields every
    occurrence shares (``check_event``). Empty when it is valid."""
    exceptions = list(exceptions)
    exception_errors = check_exceptions(exceptions)
    pattern_errors = check_pattern(
        weekdays=weekday_digits(weekdays), starts_on=starts_on, ends_on=ends_on, start_time=start_time,
        end_time=end_time, exceptions=() if exception_errors else [day for day, _ in exceptions],
    )
    starts_at, ends_at = span(_SAMPLE_DAY, time(0), time(1))
    return {
        **check_event({**EVENT_DEFAULTS, **event_fields, "starts_at": starts_at, "ends_at": ends_at}),
        **exception_errors, **pattern_errors,
    }


def span(day: date, start_time: time, end_time: time) -> tuple[datetime, datetime]:
    """The start and end, aware, of the occurrence on ``day`` (the times are library time)."""
    tz = library_tz()
    return datetime.combine(day, start_time, tzinfo=tz), datetime.combine(day, end_time, tzinfo=tz)


def on_pattern(recurrence: Recurrence, day: date) -> bool:
    """Whether the pattern has ``day`` (before its exceptions are left out)."""
    return recurrence.starts_on <= day <= recurrence.ends_on and str(day.isoweekday()) in recurrence.weekdays


# --- making occurrences ---------------------------------------------------------------------


def create_recurrence(
    *, weekdays: str | Iterable[int], starts_on: date, ends_on: date, start_time: time, end_time: time,
    exceptions: Iterable[tuple[date, str | None]] = (), partners: Iterable[tuple[int, str]] = (), actor=None,
    **event_fields,
) -> Recurrence:
    """A weekly pattern and one event per date of it: ``event_fields`` are what ``create_event``
    takes (not the start and end, which the pattern gives, nor the fields of one date such as
    ``registration_opens_at``). With a ``series``, the occurrences are numbered on from
    ``session_number`` (else the series' next number). ``partners`` ((partner id, role)) are
    set on every occurrence.

    Raises ``ValidationError`` for a bad pattern or bad event fields (see ``check_recurrence``),
    and ``EventError("room_booked")`` naming every date whose room is taken (unless
    ``booking_override_reason`` is given). Nothing is created then.
    """
    unknown = set(event_fields) & (_FROM_PATTERN | _ONE_DATE)
    if unknown:
        raise TypeError(f"fields an occurrence takes from the pattern: {sorted(unknown)}")
    exceptions = [(day, (reason or "").strip() or None) for day, reason in exceptions]
    digits = weekday_digits(weekdays)
    skipped = [day for day, _ in exceptions]
    errors = check_recurrence(
        weekdays=digits, starts_on=starts_on, ends_on=ends_on, start_time=start_time, end_time=end_time,
        exceptions=exceptions, **event_fields,
    )
    if errors:
        raise ValidationError(errors)
    series = event_fields.get("series")
    first_number = event_fields.pop("session_number", None)
    if series is not None and first_number is None:
        first_number = next_session_number(series.id)
    with db.session.begin_nested():
        recurrence = Recurrence(
            weekdays=digits, starts_on=starts_on, ends_on=ends_on, start_time=start_time, end_time=end_time,
            created_by_id=getattr(actor, "id", None),
        )
        recurrence.exceptions = [RecurrenceException(day=day, reason=reason) for day, reason in exceptions]
        db.session.add(recurrence)
        db.session.flush()
        days = occurrence_dates(digits, starts_on, ends_on, skipped)
        _make_occurrences(
            recurrence, days, event_fields, actor=actor, first_number=first_number, partners=list(partners)
        )
    record(
        "recurrence.create", recurrence, actor=actor,
        data={"weekdays": digits, "from": starts_on.isoformat(), "to": ends_on.isoformat(), "occurrences": len(days)},
    )
    return recurrence


def _make_occurrences(
    recurrence: Recurrence, days: list[date], fields: dict, *, actor, first_number: int | None = None,
    partners: list[tuple[int, str]] | None = None, session_titled: bool = False,
) -> list[Event]:
    """One event per day, at the pattern's times, with ``partners``. With ``session_titled`` each
    numbered occurrence of a series is titled as a new session (``session_titles``), not with the
    number and topic of the one it was copied from. A room clash on any day is collected; when
    there was one, ``EventError("room_booked")`` names them all (the caller's savepoint then
    drops what was made)."""
    number = first_number

    def make(day: date) -> Event:
        nonlocal number
        starts_at, ends_at = span(day, recurrence.start_time, recurrence.end_time)
        extra = {"session_number": number} if number is not None else {}
        if session_titled and number is not None and fields.get("series") is not None:
            extra["title"], extra["title_en"] = session_titles(fields["series"], number)
        event = create_event(
            actor=actor, recurrence_id=recurrence.id, starts_at=starts_at, ends_at=ends_at, **{**fields, **extra}
        )
        if partners:
            set_partners(event, partners, actor=actor)
        if number is not None:
            number += 1
        return event

    return _each_or_none([(day, partial(make, day)) for day in days])


def _partners_of(event: Event) -> list[tuple[int, str]]:
    """The partners a new occurrence takes from the latest one."""
    return [(link.partner_id, link.role) for link in event.partner_links]


def _each_or_none(steps: list[tuple[date, Callable[[], Event]]]) -> list[Event]:
    """Run every (day, step), gathering the days whose room is taken; refuse them together.
    Any other error stops at once."""
    done, booked = [], []
    for day, step in steps:
        try:
            done.append(step())
        except EventError as error:
            if error.code != "room_booked":
                raise
            booked.append(day)
    if booked:
        raise rooms_booked(booked)
    return done


def rooms_booked(days: list[date]) -> EventError:
    """The refusal of a series whose room is taken on some of its dates, naming them."""
    listed = "、".join(format_date(day, "medium") for day in days)
    message = _l(
        "The room is already booked at this time on %(count)d of the dates: %(dates)s. Choose another room "
        "or time, skip those dates, or give a reason to book it anyway.",
        count=len(days), dates=listed,
    )
    return EventError(
        "room_booked", message,
        fields={"venue_id": message, "booking_override_reason": _l("Give a reason to book the room anyway.")},
    )


# --- the occurrences -------------------------------------------------------------------------


def occurrences_query(recurrence: Recurrence) -> Select:
    """Every occurrence, cancelled ones too, by start."""
    return select(Event).where(Event.recurrence_id == recurrence.id).order_by(Event.starts_at, Event.id)


def occurrences(recurrence: Recurrence) -> list[Event]:
    """Every occurrence, cancelled ones too, by start."""
    return list(db.session.scalars(occurrences_query(recurrence)))


def occurrences_before(recurrence: Recurrence, day: date) -> int:
    """How many occurrences start before the library day ``day``: where its page of today begins."""
    return db.session.scalar(
        select(func.count(Event.id)).where(Event.recurrence_id == recurrence.id, Event.starts_at < day_start(day))
    )


def naming_occurrence_of(recurrence: Recurrence) -> Event | None:
    """``naming_occurrence`` read in one query, without loading every occurrence."""
    return db.session.scalar(
        select(Event).where(Event.recurrence_id == recurrence.id)
        .order_by((Event.status == "cancelled"), Event.starts_at, Event.id).limit(1)
    )


def recurrences_query() -> Select:
    """Every weekly event, the latest to start first, with its occurrences loaded (a page of
    them at a time: ``outreach.paging.page_of``)."""
    return (
        select(Recurrence).options(selectinload(Recurrence.events))
        .order_by(Recurrence.starts_on.desc(), Recurrence.id.desc())
    )


def list_recurrences() -> list[Recurrence]:
    """Every weekly event, the latest to start first, with its occurrences loaded."""
    return list(db.session.scalars(recurrences_query()))


def naming_occurrence(found: list[Event]) -> Event | None:
    """The occurrence whose title names the pattern: the first of ``found`` still held, else the first."""
    live = [e for e in found if e.status != "cancelled"] or found
    return live[0] if live else None


def registration_counts(recurrence: Recurrence, event_ids: list[int] | None = None) -> dict[int, int]:
    """Registrations not cancelled (confirmed and waiting), by occurrence id (of ``event_ids``
    only, when given)."""
    stmt = (
        select(Registration.event_id, func.count(Registration.id))
        .join(Event, Event.id == Registration.event_id)
        .where(Event.recurrence_id == recurrence.id, Registration.status != "cancelled")
        .group_by(Registration.event_id)
    )
    if event_ids is not None:
        stmt = stmt.where(Registration.event_id.in_(event_ids))
    rows = db.session.execute(stmt)
    return dict(rows.all())


def occurrences_on(recurrence: Recurrence, day: date) -> list[Event]:
    """The occurrences (not cancelled) on ``day``: what skipping it takes off."""
    return _on_day(recurrence, day)


def _on_day(recurrence: Recurrence, day: date) -> list[Event]:
    """The occurrences (not cancelled) on ``day``."""
    return [e for e in occurrences(recurrence) if e.status != "cancelled" and local_date(e.starts_at) == day]


def _latest(recurrence: Recurrence) -> Event:
    """The occurrence new ones copy: the latest that is not cancelled, else the latest."""
    found = occurrences(recurrence)
    if not found:
        raise RecurrenceError("no_occurrences", _l("This weekly event has no occurrence left to copy."))
    live = [e for e in found if e.status != "cancelled"]
    return (live or found)[-1]


def _copy_fields(template: Event) -> dict:
    fields = {name: getattr(template, name) for name in _COPIED}
    fields["status"] = "draft" if template.status in ("draft", "cancelled") else "published"
    return fields


def _withdraw(event: Event, reason: str | None, *, actor) -> str:
    """Take an occurrence off: a draft nobody registered for and no volunteer shift hangs on is
    deleted; any other is cancelled (its registrants are told). Returns what was done."""
    attached = db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id))
    attached += db.session.scalar(select(func.count(Shift.id)).where(Shift.event_id == event.id))
    if event.status == "draft" and not attached:
        record("event.delete", event, actor=actor, data={"recurrence_id": event.recurrence_id, "reason": reason})
        db.session.delete(event)
        db.session.flush()
        return "deleted"
    change_status(event, "cancelled", actor=actor, reason=reason)
    return "cancelled"


def _refuse_started(event: Event) -> None:
    if event.starts_at <= clock.now():
        raise RecurrenceError(
            "occurrence_started", _l("The occurrence of that day has started already; it cannot be skipped."),
            fields={"day": _l("Choose a day still to come.")},
        )


def add_exception(recurrence: Recurrence, day: date, reason: str | None, *, actor) -> RecurrenceException:
    """Skip ``day`` (a holiday): its occurrence is cancelled, telling its registrants with
    ``reason``, or deleted if it is a draft with nothing attached.

    Raises ``ValidationError`` when the pattern has no such day or the reason is too long,
    ``RecurrenceError`` ``exception_exists`` when the day is skipped already and
    ``occurrence_started`` when its occurrence has begun.
    """
    reason = (reason or "").strip() or None
    errors = {}
    if not isinstance(day, date) or not on_pattern(recurrence, day):
        errors["day"] = _l("The weekly event does not take place on that day.")
    if reason is not None and len(reason) > REASON_MAX:
        errors["reason"] = _l("Keep it to %(n)d characters.", n=REASON_MAX)
    if errors:
        raise ValidationError(errors)
    if any(exception.day == day for exception in recurrence.exceptions):
        raise RecurrenceError(
            "exception_exists", _l("That day is skipped already."), fields={"day": _l("That day is skipped already.")}
        )
    found = _on_day(recurrence, day)
    for event in found:
        _refuse_started(event)
    exception = RecurrenceException(day=day, reason=reason)
    recurrence.exceptions.append(exception)
    db.session.flush()
    done = {event.id: _withdraw(event, reason, actor=actor) for event in found}
    record("recurrence.skip", recurrence, actor=actor, data={"day": day.isoformat(), "reason": reason, "events": done})
    return exception


def remove_exception(
    recurrence: Recurrence, day: date, *, actor, booking_override_reason: str | None = None
) -> Event | None:
    """Hold ``day`` again: a day still to come gets a new occurrence copied from the latest one
    (a cancelled occurrence stays cancelled: its registrants were told). Returns it, or None
    for a day gone by.

    Raises ``RecurrenceError("no_exception")`` (404) when the day is not skipped, and
    ``EventError("room_booked")`` when its room has been taken since (unless a reason is given).
    """
    exception = next((e for e in recurrence.exceptions if e.day == day), None)
    if exception is None:
        raise RecurrenceError("no_exception", _l("That day is not skipped."), status=404)
    recurrence.exceptions.remove(exception)
    db.session.flush()
    event = None
    starts_at, _ = span(day, recurrence.start_time, recurrence.end_time)
    if starts_at > clock.now() and not _on_day(recurrence, day):
        latest = _latest(recurrence)
        fields = _copy_fields(latest)
        if fields["series"] is not None:
            fields["session_number"] = next_session_number(fields["series"].id)
        if booking_override_reason:
            fields["booking_override_reason"] = booking_override_reason
        with db.session.begin_nested():
            event = _make_occurrences(recurrence, [day], fields, actor=actor, partners=_partners_of(latest))[0]
    record("recurrence.unskip", recurrence, actor=actor, data={"day": day.isoformat(), "event": getattr(event, "id", None)})
    return event


# --- changing them all --------------------------------------------------------------------------


def upcoming(recurrence: Recurrence, from_day: date | None = None) -> list[Event]:
    """The occurrences "edit all" changes: from ``from_day`` (default today), not started,
    neither cancelled nor completed."""
    now = clock.now()
    from_day = from_day or local_date(now)
    return [
        event for event in occurrences(recurrence)
        if event.status in ("draft", "published") and event.starts_at > now and local_date(event.starts_at) >= from_day
    ]


def update_all(recurrence: Recurrence, *, actor=None, from_day: date | None = None, **changes) -> int:
    """Edit every occurrence still to come (see ``upcoming``): ``changes`` are event fields as
    ``update_event`` takes them, and/or ``start_time`` and ``end_time`` (library time of day),
    which also become the pattern's. Returns how many occurrences were changed.

    All or nothing: raises ``ValidationError`` for bad fields and ``EventError("room_booked")``
    naming every date whose room is taken at the new time or place (unless
    ``booking_override_reason`` is given).
    """
    unknown = set(changes) & (_FROM_PATTERN | _ONE_DATE | {"session_number", "series", "status"})
    if unknown:
        raise TypeError(f"fields edit-all does not change: {sorted(unknown)}")
    start_time = changes.pop("start_time", None)
    end_time = changes.pop("end_time", None)
    start_time = recurrence.start_time if start_time is None else start_time
    end_time = recurrence.end_time if end_time is None else end_time
    if end_time <= start_time:
        raise ValidationError({"end_time": _l("The end must come after the start.")})
    moved = (start_time, end_time) != (recurrence.start_time, recurrence.end_time)

    def edit(event: Event) -> Event:
        fields = dict(changes)
        if moved:
            fields["starts_at"], fields["ends_at"] = span(local_date(event.starts_at), start_time, end_time)
        return update_event(event, actor=actor, **fields)

    targets = upcoming(recurrence, from_day)
    with db.session.begin_nested():
        changed = _each_or_none([(local_date(event.starts_at), partial(edit, event)) for event in targets])
        recurrence.start_time, recurrence.end_time = start_time, end_time
        db.session.flush()
    record(
        "recurrence.update", recurrence, actor=actor,
        data={"fields": sorted(changes), "moved": moved, "from": (from_day.isoformat() if from_day else None),
              "events": len(changed)},
    )
    return len(changed)


@dataclass
class RangeChange:
    """What ``change_range`` did: occurrences added, and taken off (cancelled or deleted)."""

    added: int
    removed: int


@dataclass(frozen=True)
class RangePlan:
    """What changing a pattern's dates would do: the days that gain an occurrence, and the
    occurrences still to come that it takes off (cancelled, or deleted when a bare draft)."""

    weekdays: str
    ends_on: date
    new_days: list[date]
    dropped: list[Event]


def plan_range(
    recurrence: Recurrence, *, ends_on: date | None = None, weekdays: str | Iterable[int] | None = None,
) -> RangePlan:
    """What ``change_range`` with these dates would do, without doing it: for the page that
    names who will be told before staff confirm. Raises ``ValidationError`` as ``check_pattern``."""
    digits = weekday_digits(weekdays) if weekdays is not None else recurrence.weekdays
    ends_on = ends_on if ends_on is not None else recurrence.ends_on
    skipped = [exception.day for exception in recurrence.exceptions]
    errors = check_pattern(
        weekdays=digits, starts_on=recurrence.starts_on, ends_on=ends_on, start_time=recurrence.start_time,
        end_time=recurrence.end_time, exceptions=skipped,
    )
    if errors:
        raise ValidationError(errors)
    wanted = set(occurrence_dates(digits, recurrence.starts_on, ends_on, skipped))
    # A day the pattern had already keeps what staff did with it (an occurrence cancelled on
    # its own page stays cancelled); a day it gains gets an occurrence unless one is held.
    had = set(occurrence_dates(recurrence.weekdays, recurrence.starts_on, recurrence.ends_on, skipped))
    existing = occurrences(recurrence)
    held = {local_date(event.starts_at) for event in existing if event.status != "cancelled"}
    now = clock.now()
    new_days = sorted(
        day for day in wanted - had - held if span(day, recurrence.start_time, recurrence.end_time)[0] > now
    )
    dropped = [
        event for event in existing
        if event.status in ("draft", "published") and event.starts_at > now and local_date(event.starts_at) not in wanted
    ]
    return RangePlan(weekdays=digits, ends_on=ends_on, new_days=new_days, dropped=dropped)


def change_range(
    recurrence: Recurrence, *, ends_on: date | None = None, weekdays: str | Iterable[int] | None = None, actor,
    booking_override_reason: str | None = None, reason: str | None = None,
) -> RangeChange:
    """Extend or shorten the pattern, or change its weekdays (``plan_range`` says what that
    does). New dates get occurrences copied from the latest one; occurrences still to come that
    the pattern no longer has are cancelled (registrants told, with ``reason``) or, drafts with
    nothing attached, deleted. Past occurrences stay.

    Raises ``ValidationError`` as ``check_pattern``, on ``reason`` when a cancelled occurrence's
    registrants are told and no reason is given, and ``EventError("room_booked")`` naming
    every new date whose room is taken (unless ``booking_override_reason`` is given).
    """
    reason = (reason or "").strip() or None
    plan = plan_range(recurrence, ends_on=ends_on, weekdays=weekdays)
    new_days, dropped = plan.new_days, plan.dropped
    latest = _latest(recurrence) if new_days else None
    fields = _copy_fields(latest) if latest is not None else {}
    partners = _partners_of(latest) if latest is not None else None
    if new_days and fields["series"] is not None:
        fields["session_number"] = next_session_number(fields["series"].id)
    if booking_override_reason:
        fields["booking_override_reason"] = booking_override_reason
    first_number = fields.pop("session_number", None)
    with db.session.begin_nested():
        for event in dropped:
            _withdraw(event, reason, actor=actor)
        _make_occurrences(
            recurrence, new_days, fields, actor=actor, first_number=first_number, partners=partners,
            session_titled=True,
        )
        recurrence.ends_on, recurrence.weekdays = plan.ends_on, plan.weekdays
        db.session.flush()
    change = RangeChange(added=len(new_days), removed=len(dropped))
    record(
        "recurrence.range", recurrence, actor=actor,
        data={"to": plan.ends_on.isoformat(), "weekdays": plan.weekdays, "added": change.added,
              "removed": change.removed},
    )
    return change


def publish_all(recurrence: Recurrence, *, actor) -> int:
    """Publish every draft occurrence that has not started. Returns how many."""
    drafts = [event for event in upcoming(recurrence, date.min) if event.status == "draft"]
    for event in drafts:
        change_status(event, "published", actor=actor)
    record("recurrence.publish", recurrence, actor=actor, data={"events": len(drafts)})
    return len(drafts)


def recurrence_to_change(recurrence_id: int, user) -> Recurrence:
    """The weekly pattern, when ``user`` may change every occurrence it made (404 for an
    unknown one; 403 ``other_branch`` when one is another branch's: the branch rule of
    ``events.services.guard_event``)."""
    recurrence = db.get_or_404(Recurrence, recurrence_id)
    for event in recurrence.events:
        event_rules.guard_event(user, event)
    return recurrence

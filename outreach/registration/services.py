"""The rules of registering, the waiting list, tickets and checking in at the door.

Every function here takes model objects and the acting user, flushes, and leaves the
commit to its caller; a broken rule raises ``RegistrationError(code, message)``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse as parse_limit
from sqlalchemy import bindparam, func, or_, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from outreach import clock
from outreach.accounts.permissions import has_role
from outreach.database import as_loaded, locked
from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.extensions import db, limiter
from outreach.phone import check_phone, normalise_phone, phone_digest
from outreach.platform.closing import guard_attendance, year_is_closed, year_is_open
from outreach.platform.services import record
from outreach.registration import emails, tickets
from outreach.registration.models import (
    GROUP_KINDS,
    GROUP_NEEDS_MAX,
    ORGANISATION_MAX,
    CheckIn,
    CheckInConflict,
    Registration,
    WalkIn,
    people_admitted,
)
from outreach.text import check_name, clean_text
from outreach.timezone import library_tz, local, local_date
from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RegistrationError(OutreachError):
    status = 409


# --- input ------------------------------------------------------------------------------


def check_registrant(event: Event, *, name, phone, party_size, email, answers, consent) -> tuple[dict, dict]:
    """The cleaned values and a message per field that is wrong."""
    errors: dict = {}
    clean: dict = {}
    clean["name"] = check_name(name, errors)
    clean["phone"] = check_phone(phone, errors)
    if isinstance(party_size, bool) or not isinstance(party_size, int) or not 1 <= party_size <= event.max_party_size:
        errors["party_size"] = _l("Enter a number of people from 1 to %(max)d.", max=event.max_party_size)
    clean["party_size"] = party_size
    email = email.strip() if isinstance(email, str) else None
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = _l("Enter a valid e-mail address.")
    clean["email"] = email or None
    if not consent:
        errors["consent"] = _l("Please agree to the privacy notice to register.")
    clean["answers"], answer_errors = check_answers(event, answers or {})
    errors.update(answer_errors)
    return clean, errors


#: The most children, or adults, one group may give (before the event's own limits).
GROUP_NUMBER_MAX = 10000


def _count(value, errors: dict, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= GROUP_NUMBER_MAX:
        errors[key] = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=GROUP_NUMBER_MAX)
        return 0
    return value


def check_group(event: Event, group) -> tuple[dict, dict]:
    """A group's details (kind, organisation, children, adults, needs, arrival) cleaned, and a
    message per field (keyed ``group.<field>``) that is wrong. The party is children plus
    adults: from 1 to the event's largest group (``Event.largest_group``)."""
    errors: dict = {}
    if not isinstance(group, dict):
        return {}, {"group": _l("Give the group as an object.")}
    if event.largest_group < 1:
        return {}, {"group": _l("This event takes no group registrations.")}
    clean: dict = {}
    kind = group.get("kind")
    if kind not in GROUP_KINDS:
        errors["group.kind"] = _l("Choose one of: %(choices)s.", choices=", ".join(GROUP_KINDS))
    clean["kind"] = kind
    organisation = clean_text(group.get("organisation")) if isinstance(group.get("organisation"), str) else ""
    if not organisation or len(organisation) > ORGANISATION_MAX:
        errors["group.organisation"] = _l("Give the school or organisation's name (up to %(n)d characters).", n=ORGANISATION_MAX)
    clean["organisation"] = organisation
    children = _count(group.get("children", 0), errors, "group.children")
    adults = _count(group.get("adults", 0), errors, "group.adults")
    clean["children"], clean["adults"] = children, adults
    if "group.children" not in errors and "group.adults" not in errors:
        if children + adults < 1:
            errors["group.children"] = _l("A group brings at least one person.")
        elif children + adults > event.largest_group:
            errors["group.children"] = _l(
                "A group may bring at most %(max)d people (children and adults together).", max=event.largest_group
            )
    needs = group.get("needs")
    needs = clean_text(needs) if isinstance(needs, str) else ""
    if len(needs) > GROUP_NEEDS_MAX:
        errors["group.needs"] = _l("Keep it to %(n)d characters.", n=GROUP_NEEDS_MAX)
    clean["needs"] = needs or None
    arrival = group.get("arrival")
    if isinstance(arrival, str) and arrival.strip():
        try:
            arrival = time.fromisoformat(arrival.strip())
        except ValueError:
            arrival = False
    if arrival in (None, ""):
        arrival = None
    elif not isinstance(arrival, time):
        errors["group.arrival"] = _l("Give a time as HH:MM.")
        arrival = None
    clean["arrival"] = arrival.replace(second=0, microsecond=0, tzinfo=None) if arrival else None
    return clean, errors


def check_answers(event: Event, answers: dict) -> tuple[dict, dict]:
    """Answers to the event's extra questions, keyed ``answers.<key>`` in the errors. An
    answer is cleaned as any text is (``clean_text``), whichever door it came through."""
    clean, errors = {}, {}
    for question in event.questions or []:
        key = question["key"]
        value = answers.get(key)
        value = clean_text(value) if isinstance(value, str) else ""
        if not value:
            if question.get("required"):
                errors[f"answers.{key}"] = _l("Please answer this question.")
            continue
        if question.get("choices") and value not in question["choices"]:
            errors[f"answers.{key}"] = _l("Choose one of the answers offered.")
            continue
        clean[key] = value[:200]
    return clean, errors


# --- registering ---------------------------------------------------------------------------


def registration_state(event: Event, now: datetime) -> str:
    """"open", "not_open" (window ahead), "closed" (window over, ended, cancelled) or "none"."""
    if not event.takes_registrations:
        return "none"
    if event.status != "published" or now >= event.ends_at:
        return "closed"
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_open"
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "closed"
    return "open"


def seats_taken(event_id: int) -> int:
    """People (party sizes summed) holding a confirmed place."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.event_id == event_id, Registration.status == "confirmed"
        )
    )


def group_seats_taken(event_id: int) -> int:
    """People of confirmed group registrations: what ``Event.groups_capacity`` caps."""
    return db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.event_id == event_id, Registration.status == "confirmed", Registration.group_kind.is_not(None)
        )
    )


def fits(event: Event, party_size: int, *, group: bool) -> bool:
    """A party of ``party_size`` may be confirmed now: the event's seats hold it, and, for a
    group, the seats all groups together may take (``groups_capacity``) too. A group is never
    split: its whole party fits or it waits. The caller holds the event's lock."""
    if event.capacity is not None and seats_taken(event.id) + party_size > event.capacity:
        return False
    if group and event.groups_capacity is not None:
        return group_seats_taken(event.id) + party_size <= event.groups_capacity
    return True


def seats_left(event: Event) -> int | None:
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event.id), 0)


def group_places_left(event: Event) -> int | None:
    """The people a group confirmed now may bring (the event's seats left, and the groups' seats
    left); None when neither is capped."""
    limits = [left for left in (
        seats_left(event),
        None if event.groups_capacity is None else max(event.groups_capacity - group_seats_taken(event.id), 0),
    ) if left is not None]
    return min(limits) if limits else None


def places_by_event(events, now: datetime) -> dict[int, tuple[str, int | None]]:
    """For a list of events (a programme page): each one's registration state and the places
    left (None without a capacity), counted in one query."""
    ids = [event.id for event in events if event.capacity is not None]
    taken = dict(
        db.session.execute(
            select(Registration.event_id, func.sum(Registration.party_size))
            .where(Registration.event_id.in_(ids), Registration.status == "confirmed")
            .group_by(Registration.event_id)
        ).all()
    ) if ids else {}
    return {
        event.id: (
            registration_state(event, now),
            None if event.capacity is None else max(event.capacity - int(taken.get(event.id, 0)), 0),
        )
        for event in events
    }


@dataclass
class NewRegistration:
    registration: Registration
    #: The ticket token: only known now (and to whoever holds the ticket link).
    token: str
    #: False when an earlier request with the same key had already made it.
    created: bool = True
    #: True when it is the registration this phone number already held for the event (a
    #: second attempt, from a back button or another tab): no second place was taken.
    already: bool = False


def ticket_token(registration: Registration) -> str:
    """The ticket token of a registration, made again from its seed."""
    return tickets.token_for_seed(registration.ticket_seed)[0]


def register(
    event: Event, *, name, phone, party_size=1, email=None, answers=None, consent=True,
    client_key: str | None = None, source: str = "web", actor=None, now: datetime | None = None,
    locale: str | None = None, group: dict | None = None, notify: bool = True,
) -> NewRegistration:
    """Register a party for ``event``: confirmed while its whole party fits, else waitlisted.

    With ``group`` (``check_group``'s fields) it is a group registration: ``name`` and
    ``phone`` are its leader's, the party is its children and adults (``party_size``, when
    given, must be that sum), up to ``Event.largest_group``, and it must fit the seats left
    for groups (``Event.groups_capacity``) as well; else the whole group waits.

    Raises ``RegistrationError`` ``registration_closed`` (no registration, not published,
    ended, or past its closing time) or ``registration_not_open`` (before its opening), and
    ``ValidationError`` for bad fields. Capacity holds under concurrency: the event row is
    locked (PostgreSQL) or the transaction holds SQLite's write lock. A repeated request
    with the same ``client_key`` returns the first registration instead of a second one.
    ``notify=False``: no "confirmed" or "waitlisted" message, for a caller that sends its own
    (a visit's ticket goes in the message accepting the visit).
    """
    now = now or clock.now()
    # The key is looked up under the event's lock, so that a retry racing its first request
    # waits for it and finds its registration; a race across events is caught by the UNIQUE
    # constraint on the key below.
    event = locked(db.session, Event, event.id)
    if client_key:
        earlier = _registration_with_key(client_key, event)
        if earlier is not None:
            return earlier
    state = registration_state(event, now)
    if state == "not_open":
        opens = local(event.registration_opens_at)
        raise RegistrationError("registration_not_open", _l("Registration opens on %(when)s.", when=opens.strftime("%Y-%m-%d %H:%M")))
    if state != "open":
        raise RegistrationError("registration_closed", _l("This event is not taking registrations."))
    clean, errors = check_registrant_or_group(
        event, name=name, phone=phone, party_size=party_size, email=email, answers=answers, consent=consent,
        group=group,
    )
    if errors:
        raise ValidationError(errors)
    details = clean.get("group")
    # Under the event's lock, as the seats are: two attempts at once find each other.
    held = active_registration_for(event, clean["phone"], clean["name"])
    if held is not None:
        return NewRegistration(held, ticket_token(held), created=False, already=True)

    place = fits(event, clean["party_size"], group=details is not None)
    seed, token, digest = tickets.new_ticket()
    registration = Registration(
        event_id=event.id,
        ticket_digest=digest,
        ticket_seed=seed,
        status="confirmed" if place else "waitlisted",
        name=clean["name"],
        phone=clean["phone"],
        phone_digest=phone_digest(clean["phone"]),
        email=clean["email"],
        party_size=clean["party_size"],
        answers=clean["answers"] or None,
        consent_at=now if consent else None,
        confirmed_at=now if place else None,
        client_key=client_key,
        source=source,
        locale=locale,
        created_at=now,
        **({
            "group_kind": details["kind"], "group_organisation": details["organisation"],
            "group_children": details["children"], "group_adults": details["adults"],
            "group_needs": details["needs"], "group_arrival": details["arrival"],
        } if details else {}),
    )
    try:
        with db.session.begin_nested():
            db.session.add(registration)
            db.session.flush()
    except IntegrityError:
        earlier = _registration_with_key(client_key, event) if client_key else None
        if earlier is None:
            raise
        return earlier
    data = {"event_id": event.id, "status": registration.status}
    if details:
        data["group"] = {"kind": details["kind"], "party_size": registration.party_size}
    record("registration.create", registration, actor=actor, data=data)
    if notify:
        emails.queue_registration_message(registration, "confirmed" if place else "waitlisted")
    return NewRegistration(registration, token)


def check_registrant_or_group(
    event: Event, *, name, phone, party_size, email, answers, consent, group=None,
) -> tuple[dict, dict]:
    """``check_registrant``, or for a group (``group`` given) its leader and ``check_group``:
    the party is then the group's children and adults (``clean["group"]`` holds the details)."""
    if group is None:
        return check_registrant(
            event, name=name, phone=phone, party_size=party_size, email=email, answers=answers, consent=consent
        )
    details, errors = check_group(event, group)
    size = details.get("children", 0) + details.get("adults", 0)
    clean, leader_errors = check_registrant(
        event, name=name, phone=phone, party_size=1, email=email, answers=answers, consent=consent
    )
    errors.update(leader_errors)
    if party_size is not None and party_size != size and "group.children" not in errors:
        errors["party_size"] = _l("A group's number of people is its children and adults (%(n)d).", n=size)
    clean["party_size"] = size
    clean["group"] = details
    return clean, errors


def _same_name(a: str | None, b: str | None) -> bool:
    """Names as people type them: 王小明, 王 小明 and 王小明 (with a full-width space) are one."""
    def key(name):
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()
    return key(a) == key(b)


def active_registration_for(event: Event, phone: str | None, name: str | None = None) -> Registration | None:
    """The confirmed or waitlisted registration that ``phone`` (normalised) already holds for
    ``event``, if any: a library wants one per phone and event, since one ticket admits the
    whole party. Where each ticket admits one person (``max_party_size`` 1: contestants, a
    class's pupils) a parent may register each child with their own phone, so there it is
    one per phone and name."""
    digest = phone_digest(phone)
    if digest is None:
        return None
    held = db.session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id, Registration.phone_digest == digest,
            Registration.status.in_(("confirmed", "waitlisted")),
        )
        .order_by(Registration.created_at, Registration.id)
    ).all()
    if event.max_party_size == 1:
        held = [r for r in held if _same_name(r.name, name)]
    return held[0] if held else None


def duplicate_groups(event: Event) -> list[list[int]]:
    """The numbers of the event's active registrations that may be one party registered twice,
    for staff to look at: the same name with different phone numbers, or one phone number
    holding two places (registered before the rule above, or two children of one parent).
    Reads three columns of each row, not the rows: a large event stays cheap."""
    active = db.session.execute(
        select(Registration.id, Registration.name, Registration.phone_digest)
        .where(Registration.event_id == event.id, Registration.status.in_(("confirmed", "waitlisted")))
        .order_by(Registration.created_at, Registration.id)
    ).all()
    groups: list[list[int]] = []
    by_name: dict[str, list[int]] = {}
    by_phone: dict[str, list[int]] = {}
    for number, name, digest in active:
        key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()
        if key:
            by_name.setdefault(key, []).append(number)
        if digest:
            by_phone.setdefault(digest, []).append(number)
    order = {number: n for n, (number, _name, _digest) in enumerate(active)}
    for group in [*by_name.values(), *by_phone.values()]:
        if len(group) > 1 and not any(set(group) <= set(seen) for seen in groups):
            groups.append(group)
    return sorted(groups, key=lambda group: order[group[0]])


def load_groups(groups: list[list[int]]) -> list[list[Registration]]:
    """``groups`` of registration numbers as groups of registrations, in one query."""
    wanted = {number for group in groups for number in group}
    rows = {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(wanted)))} if wanted else {}
    return [[rows[number] for number in group] for group in groups]


def likely_duplicates(event: Event) -> list[list[Registration]]:
    """Every group of ``duplicate_groups`` as registrations."""
    return load_groups(duplicate_groups(event))


def _registration_with_key(client_key: str, event: Event) -> NewRegistration | None:
    """The registration an earlier request with this idempotency key made, if any. Raises
    ``ValidationError`` when that key registered for another event."""
    earlier = db.session.scalar(select(Registration).where(Registration.client_key == client_key))
    if earlier is None:
        return None
    if earlier.event_id != event.id:
        raise ValidationError({"client_key": _l("This key was already used for another event.")})
    return NewRegistration(earlier, ticket_token(earlier), created=False)


@cache
def _registration_by_digest():
    """Built once, for the door's busiest request (see also ``_checkin_insert``)."""
    return select(Registration).options(joinedload(Registration.event)).where(
        Registration.ticket_digest == bindparam("digest")
    )


#: What admitting a ticket reads (``check_in``, ``door_is_open``, the answer): not an event's
#: description or a registration's answers, which load if something else reads them.
_DOOR_REGISTRATION = ("id", "event_id", "status", "name", "party_size", "group_kind", "group_organisation",
                      "group_children", "group_adults", "group_needs", "group_arrival")
_DOOR_EVENT = ("id", "status", "starts_at", "ends_at", "checkin_opens_minutes", "daily_opens_at", "daily_closes_at")


@cache
def _door_registration_by_digest():
    """The check-in API's look-up: the registration's and its event's columns in one row of a
    Core statement, made into instances by ``as_loaded``; the ORM's loading of two entities
    would cost the door's busiest request more than the query itself."""
    registrations, events = Registration.__table__, Event.__table__
    return (
        select(*(registrations.c[name] for name in _DOOR_REGISTRATION),
               *(events.c[name] for name in _DOOR_EVENT))
        .join_from(registrations, events, registrations.c.event_id == events.c.id)
        .where(registrations.c.ticket_digest == bindparam("digest"))
    )


def find_by_token(token: str, *, for_door: bool = False) -> Registration | None:
    """The registration a ticket token or ticket URL stands for, with its event; None for a
    forged or unknown one. ``for_door``: loaded for ``check_in`` only (other columns load when
    first read)."""
    digest = tickets.verify(tickets.token_from_text(token))
    if digest is None:
        return None
    if not for_door:
        return db.session.scalar(_registration_by_digest(), {"digest": digest})
    row = db.session.connection().execute(_door_registration_by_digest(), {"digest": digest}).first()
    if row is None:
        return None
    split = len(_DOOR_REGISTRATION)
    event = as_loaded(db.session, Event, dict(zip(_DOOR_EVENT, row[split:])))
    registration = as_loaded(db.session, Registration, dict(zip(_DOOR_REGISTRATION, row[:split])))
    set_committed_value(registration, "event", event)  # held by the registration, read without a query
    return registration


#: The number printed on a ticket (入场券编号, the registration's id), as a person types it:
#: "42", "#42", "No. 42", "编号 42"; full-width digits are read as digits (NFKC).
_PRINTED_NUMBER = re.compile(r"^(?:(?:no|nr|#|编号|入场券编号|入场券)[.:：]?\s*)?#?\s*(\d{1,10})$", re.IGNORECASE)


def printed_number(text: str | None) -> int | None:
    """The ticket number in what the door typed, when that is all it typed; else None."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    match = _PRINTED_NUMBER.match(text)
    return int(match.group(1)) if match else None


def find_for_door(event: Event, text: str) -> Registration | None:
    """What the door typed or scanned for ``event``: a ticket token, a ticket URL, or the
    number printed on the ticket. The number is short and guessable, so it is no credential
    on its own: it is read only here, by someone who may work this event's door (the caller
    checks), and only for this event. A number of another event's ticket raises
    ``wrong_event`` (without naming that event); an unknown one gives None."""
    number = printed_number(text)
    if number is None:
        return find_by_token(text)
    registration = db.session.get(Registration, number)
    if registration is None:
        return None
    if registration.event_id != event.id:
        raise RegistrationError("wrong_event", _l("This ticket number belongs to another event."))
    return registration


# --- finding a lost ticket ------------------------------------------------------------------


@dataclass
class TicketLookup:
    """What a "find my ticket" request did. Only ``shown`` may be told to the asker: the rest
    stays the same answer whether or not the number registered."""

    #: Registrations (with their tokens) whose ticket the asker proved to hold: the phone
    #: number and the registered name matched, and no e-mail could take the link instead.
    shown: list[tuple[Registration, str]]
    #: How many messages with ticket links were queued (never told to the asker).
    mailed: int = 0


def lookup_tickets(
    phone, name=None, *, event: Event | None = None, mail_available: bool = True, now: datetime | None = None,
) -> TicketLookup:
    """Find the upcoming tickets (confirmed or waitlisted, event not ended or cancelled) a phone
    number holds, for ``event`` or for every event, without telling whether it holds any.

    A registration with an e-mail address gets its ticket link by e-mail (when a mail server
    is set: ``mail_available``); one without (or when no mail can go) is shown only when
    ``name`` is its registered name too (compared as ``_same_name`` does). A wrong pair
    gives what an unknown number gives. Raises ``ValidationError`` for a phone that is not
    a number and ``RegistrationError("lookup_throttled", status=429)`` once the number has
    been looked up too often (``RATELIMIT_TICKET_LOOKUP``), whether or not it registered.
    """
    now = now or clock.now()
    errors: dict = {}
    normal = check_phone(phone, errors)
    if errors:
        raise ValidationError(errors)
    digest = phone_digest(normal)
    _throttle_lookup(digest)
    query = (
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.phone_digest == digest, Registration.status.in_(("confirmed", "waitlisted")),
            Registration.anonymised_at.is_(None), Event.status == "published", Event.ends_at > now,
        )
        .order_by(Event.starts_at, Registration.id)
    )
    if event is not None:
        query = query.where(Registration.event_id == event.id)
    found = db.session.scalars(query).all()
    shown, by_address = [], {}
    for registration in found:
        if registration.email and mail_available:
            by_address.setdefault(registration.email.casefold(), []).append(registration)
        elif name and _same_name(registration.name, name):
            shown.append((registration, ticket_token(registration)))
    for registrations in by_address.values():
        emails.queue_ticket_links(registrations)
    return TicketLookup(shown, mailed=len(by_address))


def lookup_events(now: datetime, limit: int = 200) -> list[Event]:
    """The events "find my ticket" offers to choose from: published, taking registrations and
    not ended, the soonest first."""
    return list(db.session.scalars(
        select(Event)
        .where(Event.status == "published", Event.registration == "open", Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    ))


def _throttle_lookup(digest: str) -> None:
    """Count a lookup of the number with ``digest`` (the keyed digest: never the number in
    the limiter's store or its log) and refuse one too many."""
    if not current_app.config.get("RATELIMIT_ENABLED") or not limiter.enabled:
        return
    limit = parse_limit(current_app.config["RATELIMIT_TICKET_LOOKUP"])
    if not limiter.limiter.hit(limit, "ticket-lookup", digest):
        raise RegistrationError(
            "lookup_throttled",
            _l("This phone number has been looked up too often. Please try again later, or ask at the library's service desk."),
            status=429,
        )


def cancel(registration: Registration, *, actor=None, now: datetime | None = None) -> Registration:
    """Cancel a registration (twice is not an error) and give its seats to the waiting list.

    Raises ``RegistrationError("already_checked_in")`` once the party has been admitted.
    """
    now = now or clock.now()
    if registration.status == "cancelled":
        return registration
    event = locked(db.session, Event, registration.event_id)
    db.session.refresh(registration)
    if registration.status == "cancelled":
        return registration
    if registration.checkins:
        raise RegistrationError("already_checked_in", _l("This ticket has been used at the door and can no longer be cancelled."))
    was_confirmed = registration.status == "confirmed"
    registration.status = "cancelled"
    registration.cancelled_at = now
    db.session.flush()
    record("registration.cancel", registration, actor=actor, data={"event_id": event.id})
    if was_confirmed:
        promote_waiting(event, now=now, actor=actor)
    return registration


def promote_waiting(event: Event, *, now: datetime | None = None, actor=None) -> list[Registration]:
    """Give free seats to the waiting list, in order of registration: each party is promoted
    when its whole party fits; one that does not fit keeps its place at the head while
    smaller parties behind it may be seated. A group is promoted as a whole, never split: it
    needs its whole party's seats and, under ``groups_capacity``, as many seats left for
    groups; until then it is skipped (it does not block the smaller parties behind it) and it
    is the first asked again whenever seats free. The caller holds the event's lock."""
    now = now or clock.now()
    if registration_state(event, now) in ("closed", "none") and event.status != "published":
        return []
    waiting = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
    ).all()
    if not waiting:
        return []
    free = None if event.capacity is None else event.capacity - seats_taken(event.id)
    free_for_groups = None if event.groups_capacity is None else event.groups_capacity - group_seats_taken(event.id)
    promoted = []
    for registration in waiting:
        if free is not None and registration.party_size > free:
            continue
        if registration.is_group and free_for_groups is not None and registration.party_size > free_for_groups:
            continue
        registration.status = "confirmed"
        registration.confirmed_at = registration.promoted_at = now
        if free is not None:
            free -= registration.party_size
        if registration.is_group and free_for_groups is not None:
            free_for_groups -= registration.party_size
        promoted.append(registration)
        emails.queue_registration_message(registration, "promoted")
    if promoted:
        db.session.flush()
        record("registration.promote", event, actor=actor, data={"registrations": [r.id for r in promoted]})
    return promoted


def promote_by_hand(registration: Registration, *, actor, now: datetime | None = None) -> Registration:
    """Staff confirm a waiting party even when it does not fit (they know the room)."""
    now = now or clock.now()
    locked(db.session, Event, registration.event_id)
    db.session.refresh(registration)
    if registration.status != "waitlisted":
        raise RegistrationError("not_waitlisted", _l("Only a registration on the waiting list can be promoted."))
    registration.status = "confirmed"
    registration.confirmed_at = registration.promoted_at = now
    db.session.flush()
    record("registration.promote_by_hand", registration, actor=actor, data={"event_id": registration.event_id})
    emails.queue_registration_message(registration, "promoted")
    return registration


def move(
    registration: Registration, target: Event, *, actor, now: datetime | None = None, reason: str | None = None,
) -> Registration:
    """Move a registration to another event (another session of a series, another round).
    A registrant with an e-mail address is told, with ``reason`` when staff gave one.

    Its place there follows the same rule as a new registration: confirmed when the party
    fits, waitlisted otherwise. The seats it leaves go to the old event's waiting list.
    Raises ``RegistrationError`` ``same_event``, ``registration_closed`` or ``already_checked_in``.
    """
    now = now or clock.now()
    if target.id == registration.event_id:
        raise RegistrationError("same_event", _l("The registration is already for that event."))
    if registration.status == "cancelled":
        raise RegistrationError("cancelled", _l("This registration has been cancelled."))
    if registration.checkins:
        raise RegistrationError("already_checked_in", _l("This ticket has been used at the door and can no longer be moved."))
    old_event = locked(db.session, Event, registration.event_id)
    target = locked(db.session, Event, target.id)
    if registration_state(target, now) != "open":
        raise RegistrationError("registration_closed", _l("That event is not taking registrations."))
    if active_registration_for(target, registration.phone, registration.name) is not None:
        raise RegistrationError(
            "already_registered", _l("This phone number is already registered for that event.")
        )
    largest = target.largest_group if registration.is_group else target.max_party_size
    if registration.party_size > largest:
        raise ValidationError({"party_size": _l("Enter a number of people from 1 to %(max)d.", max=largest)})
    was_confirmed = registration.status == "confirmed"
    place = fits(target, registration.party_size, group=registration.is_group)
    registration.event_id = target.id
    registration.status = "confirmed" if place else "waitlisted"
    registration.confirmed_at = now if place else None
    registration.created_at = now  # its place in the new event's queue
    db.session.flush()
    record("registration.move", registration, actor=actor, data={"from": old_event.id, "to": target.id})
    if was_confirmed:
        promote_waiting(old_event, now=now, actor=actor)
    emails.queue_registration_message(registration, "moved", reason=reason)
    return registration


# --- checking in ---------------------------------------------------------------------------


def checkin_window(event: Event, when: datetime) -> tuple[datetime, datetime] | None:
    """The open door around ``when``: ``checkin_opens_minutes`` before the start until the end;
    for a multi-day event with daily hours, the same around each day's opening hours."""
    early = timedelta(minutes=event.checkin_opens_minutes)
    if event.daily_opens_at and event.daily_closes_at and local_date(event.starts_at) != local_date(event.ends_at):
        day = local_date(when)  # not event_day: outside the event's days the door stays shut
        if not local_date(event.starts_at) <= day <= local_date(event.ends_at):
            return None
        tz = library_tz()
        opens = max(datetime.combine(day, event.daily_opens_at, tzinfo=tz), event.starts_at)
        closes = min(datetime.combine(day, event.daily_closes_at, tzinfo=tz), event.ends_at)
        return opens - early, closes
    return event.starts_at - early, event.ends_at


def has_ended(event: Event, now: datetime) -> bool:
    """The event is over for the door: its end has passed, or it was completed or
    cancelled. Its scanner, door poster and printed tickets are then history, not work."""
    return event.status in ("completed", "cancelled") or now > event.ends_at


def door_is_open(event: Event, when: datetime) -> bool:
    window = checkin_window(event, when)
    return window is not None and window[0] <= when <= window[1] and event.status in ("published", "completed")


_CHECKIN_COLUMNS = (
    "registration_id", "event_id", "day", "checked_in_at", "recorded_at", "by_user_id", "client_key", "device_id", "source",
    "headcount",
)


@cache
def _checkin_insert(dialect: str):
    """One statement, built once per database: insert the check-in only while the
    registration is still confirmed (a cancellation committed meanwhile wins) and only once
    a day (the UNIQUE (registration, day) settles two doors scanning at once), with no lock
    held while the request reads."""
    table = CheckIn.__table__
    still_confirmed = (
        select(Registration.id)
        .where(Registration.id == bindparam("registration_id"), Registration.status == "confirmed")
        .exists()
    )
    rows = select(*(bindparam(name, type_=table.c[name].type).label(name) for name in _CHECKIN_COLUMNS))
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert(table)
        .from_select(list(_CHECKIN_COLUMNS), rows.where(still_confirmed, year_is_open(bindparam("year"))))
        .on_conflict_do_nothing()
        .returning(table.c.id)
    )


@dataclass
class CheckInResult:
    result: str  # "checked_in" | "already_checked_in"
    checkin_id: int
    checked_in_at: datetime
    registration: Registration
    conflict: CheckInConflict | None = None
    #: How many this check-in counts (the headcount recorded, else the whole party).
    headcount: int | None = None

    def __post_init__(self):
        if self.headcount is None:
            self.headcount = self.registration.party_size

    @property
    def checkin(self) -> CheckIn:
        return db.session.get(CheckIn, self.checkin_id)


def check_in(
    registration: Registration | None, *, event: Event | None = None, actor=None, now: datetime | None = None,
    client_key: str | None = None, device_id: str | None = None, scanned_at: datetime | None = None,
    source: str = "door", headcount: int | None = None,
) -> CheckInResult:
    """Admit a registration's whole party, once per day of the event.

    ``headcount``: how many of the party actually came (a class of 45 of whom 42 came), from
    1 to the party booked (``check_headcount``); None: the whole party. It is what the
    counts count. More people than booked are not admitted on the ticket: the door counts
    the extra ones as walk-ins (so the seats booked stay what they were, and nobody is lost
    from the reports).

    ``scanned_at`` is when an offline scanner admitted the party (its own clock); the door
    must have been open then, and it may not lie in the future. Raises ``RegistrationError``
    with ``invalid_ticket`` (404), ``wrong_event``, ``cancelled``, ``waitlisted`` or
    ``checkin_closed``. A repeated ``client_key`` answers as the first time; a second
    admission the same day answers ``already_checked_in`` with the first time, and when an
    offline device had admitted the party again, a ``CheckInConflict`` is recorded.
    """
    now = now or clock.now()
    if registration is None:
        raise RegistrationError("invalid_ticket", _l("This is not a valid ticket."), status=404)
    if client_key:
        earlier = db.session.scalar(select(CheckIn).where(CheckIn.client_key == client_key))
        if earlier is not None and earlier.registration_id == registration.id:
            return CheckInResult("checked_in", earlier.id, earlier.checked_in_at, registration, headcount=earlier.headcount)
    if event is not None and registration.event_id != event.id:
        raise RegistrationError("wrong_event", _l("This ticket is for another event."))
    event = registration.event
    if registration.status == "cancelled":
        raise RegistrationError("cancelled", _l("This ticket has been cancelled."))
    if registration.status == "waitlisted":
        raise RegistrationError("waitlisted", _l("This ticket is still on the waiting list."))
    if headcount is not None:
        headcount = check_headcount(registration, headcount)
    when = now
    if scanned_at is not None:
        if scanned_at > now + timedelta(minutes=5):
            raise ValidationError({"scanned_at": _l("The scan time lies in the future.")})
        when = scanned_at
    if not door_is_open(event, when):
        raise RegistrationError("checkin_closed", _l("Check-in for this event is not open now."))

    day = event_day(event, when)
    # A closed year: an administrator's check-in goes in, audited (guard_attendance); anyone
    # else's insert finds the year closed itself, and the query below says why it did not.
    admin = getattr(actor, "role", None) == "admin"
    if admin:
        guard_attendance(day, actor, "checkin", registration)
    columns = {
        "registration_id": registration.id, "event_id": event.id, "day": day, "checked_in_at": when, "recorded_at": now,
        "by_user_id": getattr(actor, "id", None), "client_key": client_key, "device_id": device_id, "source": source,
        "headcount": None if headcount == registration.party_size else headcount,
        "year": 0 if admin else day.year,  # no year 0 is ever closed
    }
    connection = db.session.connection()  # a Core statement: past the ORM's execution steps
    inserted = connection.execute(_checkin_insert(connection.dialect.name), columns).first()
    if inserted is not None:
        return CheckInResult("checked_in", inserted.id, when, registration, headcount=headcount)
    if not admin and year_is_closed(day):
        earlier = db.session.execute(
            select(CheckIn.id, CheckIn.checked_in_at, CheckIn.headcount)
            .where(CheckIn.registration_id == registration.id, CheckIn.day == day)
        ).first()
        if earlier is not None:  # changes nothing
            return CheckInResult("already_checked_in", earlier.id, earlier.checked_in_at, registration, headcount=earlier.headcount)
        guard_attendance(day, actor, "checkin", registration)  # the year is closed: raises YearClosedError
    first = db.session.execute(
        select(CheckIn.id, CheckIn.checked_in_at, CheckIn.device_id, CheckIn.headcount).where(
            CheckIn.registration_id == registration.id, CheckIn.day == day
        )
    ).first()
    if first is None:
        db.session.refresh(registration)
        if registration.status != "confirmed":  # cancelled or moved back while we looked
            raise RegistrationError("cancelled", _l("This ticket has been cancelled."))
        # the conflict was on client_key, used for another ticket
        raise ValidationError({"client_key": _l("This key was already used for another ticket.")})
    conflict = None
    if scanned_at is not None and device_id and first.device_id != device_id:
        conflict = CheckInConflict(
            event_id=event.id, registration_id=registration.id, checkin_id=first.id,
            device_id=device_id, scanned_at=scanned_at, reported_at=now,
        )
        db.session.add(conflict)
        db.session.flush()
    return CheckInResult("already_checked_in", first.id, first.checked_in_at, registration, conflict, headcount=first.headcount)


def check_headcount(registration: Registration, headcount) -> int:
    """How many of ``registration``'s party came: a whole number from 1 to the party booked,
    else ``ValidationError`` on ``headcount``."""
    if isinstance(headcount, bool) or not isinstance(headcount, int) or not 1 <= headcount <= registration.party_size:
        raise ValidationError({"headcount": _l(
            "Enter how many came, from 1 to the %(max)d booked; count anyone more as a walk-in.",
            max=registration.party_size,
        )})
    return headcount


def correct_headcount(checkin: CheckIn, headcount, *, actor, now: datetime | None = None) -> CheckIn:
    """Staff correct how many of a party came on the day of ``checkin`` (a group counted at
    the door): from 1 to the party booked. Refused in a closed year like any change of
    attendance (``guard_attendance``); the audit log keeps the number before and after."""
    now = now or clock.now()
    registration = checkin.registration
    headcount = check_headcount(registration, headcount)
    guard_attendance(checkin.day, actor, "checkin.headcount", registration)
    before = checkin.headcount or registration.party_size
    checkin.headcount = None if headcount == registration.party_size else headcount
    registration.changed_at = now  # the scanners' rosters hear of it
    db.session.flush()
    record(
        "checkin.headcount", registration, actor=actor,
        data={"event_id": checkin.event_id, "day": checkin.day.isoformat(), "from": before, "to": headcount},
    )
    return checkin


def undo_check_in(checkin: CheckIn, *, actor) -> None:
    """Staff take back a mistaken check-in; the audit log keeps who and when."""
    guard_attendance(checkin.day, actor, "checkin.undo", checkin.registration)
    record(
        "checkin.undo", checkin.registration, actor=actor,
        data={"event_id": checkin.event_id, "day": checkin.day.isoformat(),
              "checked_in_at": checkin.checked_in_at.isoformat()},
    )
    # The row goes: its registration carries the change to the scanners' rosters.
    checkin.registration.changed_at = clock.now()
    db.session.delete(checkin)
    db.session.flush()


def add_walkins(
    event: Event, count: int, *, actor=None, now: datetime | None = None, client_key: str | None = None,
    device_id: str | None = None, source: str = "door", day: date | None = None, at_the_door: bool = True,
    scanned_at: datetime | None = None,
) -> WalkIn:
    """Count people admitted without a ticket. At the door the door must be open (at
    ``scanned_at`` for an offline scanner's count); staff recording what happened
    (``at_the_door=False``) may give any day of the event. A repeated ``client_key`` is
    counted once."""
    now = now or clock.now()
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 10000:
        raise ValidationError({"count": _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=10000)})
    if client_key:
        earlier = _walkin_with_key(client_key)
        if earlier is not None:
            return earlier
    when = now
    if scanned_at is not None:
        if scanned_at > now + timedelta(minutes=5):
            raise ValidationError({"scanned_at": _l("The scan time lies in the future.")})
        when = scanned_at
    if at_the_door and not door_is_open(event, when):
        raise RegistrationError("checkin_closed", _l("Check-in for this event is not open now."))
    day = day or event_day(event, when)
    if not local_date(event.starts_at) <= day <= local_date(event.ends_at):
        raise ValidationError({"day": _l("Give a day on which the event takes place.")})
    guard_attendance(day, actor, "walkin", event)
    walkin = WalkIn(
        event_id=event.id, count=count, day=day, recorded_at=now, by_user_id=getattr(actor, "id", None),
        source=source, client_key=client_key, device_id=device_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(walkin)
            db.session.flush()
    except IntegrityError:  # the same count sent twice at once: the first one stands
        earlier = _walkin_with_key(client_key) if client_key else None
        if earlier is None:
            raise
        return earlier
    return walkin


def _walkin_with_key(client_key: str) -> WalkIn | None:
    return db.session.scalar(select(WalkIn).where(WalkIn.client_key == client_key))


# --- attendance --------------------------------------------------------------------------


@dataclass
class Attendance:
    capacity: int | None
    registered: int
    waitlisted: int
    checked_in: int
    walk_ins: int
    no_shows: int

    @property
    def attendance(self) -> int:
        return self.checked_in + self.walk_ins

    def as_dict(self) -> dict:
        return {
            "capacity": self.capacity, "registered": self.registered, "waitlisted": self.waitlisted,
            "checked_in": self.checked_in, "walk_ins": self.walk_ins, "attendance": self.attendance,
            "no_shows": self.no_shows,
        }


def event_day(event: Event, when: datetime) -> date:
    """The day of the event a door admission at ``when`` counts for: its library date, or the
    event's first day when the door opens before midnight for an event starting after it."""
    first, last = local_date(event.starts_at), local_date(event.ends_at)
    return min(max(local_date(when), first), last)


def walkins_by_day(event: Event) -> list[tuple[date, int]]:
    """People counted without tickets (walk-ins and headcounts), per day of the event, by day."""
    return [
        (day, int(total))
        for day, total in db.session.execute(
            select(WalkIn.day, func.sum(WalkIn.count)).where(WalkIn.event_id == event.id)
            .group_by(WalkIn.day).order_by(WalkIn.day)
        )
    ]


def event_days_so_far(event: Event, today: date) -> list[date]:
    """The days of the event up to ``today``, the latest first (those a headcount may be for)."""
    first, last = local_date(event.starts_at), min(local_date(event.ends_at), today)
    return [last - timedelta(days=n) for n in range((last - first).days + 1)]


def attendance(event: Event, now: datetime | None = None) -> Attendance:
    """Every count is people (party sizes summed). ``checked_in`` counts person-visits (a
    party admitted on two days of an exhibition counts twice; a check-in that recorded how
    many of the party came counts those); ``no_shows`` are confirmed
    people never admitted, counted once the event has ended."""
    now = now or clock.now()
    by_status = dict(
        db.session.execute(
            select(Registration.status, func.coalesce(func.sum(Registration.party_size), 0))
            .where(Registration.event_id == event.id)
            .group_by(Registration.status)
        ).all()
    )
    checked_in = db.session.scalar(
        select(func.coalesce(func.sum(people_admitted()), 0))
        .select_from(CheckIn)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(CheckIn.event_id == event.id)
    )
    walk_ins = db.session.scalar(select(func.coalesce(func.sum(WalkIn.count), 0)).where(WalkIn.event_id == event.id))
    no_shows = 0
    if now >= event.ends_at:
        no_shows = db.session.scalar(
            select(func.coalesce(func.sum(Registration.party_size), 0)).where(
                Registration.event_id == event.id,
                Registration.status == "confirmed",
                ~select(CheckIn.id).where(CheckIn.registration_id == Registration.id).exists(),
            )
        )
    return Attendance(
        capacity=event.capacity,
        registered=int(by_status.get("confirmed", 0)),
        waitlisted=int(by_status.get("waitlisted", 0)),
        checked_in=int(checked_in),
        walk_ins=int(walk_ins),
        no_shows=int(no_shows),
    )


# --- the scanner's roster --------------------------------------------------------------------

#: How far before a roster cursor's time its changes are looked for again. A change is
#: stamped (``Registration.changed_at``, ``CheckIn.recorded_at``) when its request flushes
#: it, but other requests see it only once it commits: a change stamped just before a cursor
#: and committed just after would otherwise never be sent. A request lives at most for
#: gunicorn's timeout (30 s) and SQLite's busy timeout (30 s): two minutes covers both, at
#: the cost of sending a change of the last two minutes again (a device merges it twice, the
#: same way).
ROSTER_OVERLAP = timedelta(minutes=2)


def roster_entries(event: Event, day: date, changed_since: datetime | None = None) -> list:
    """The roster's rows, by registration: id, ticket digest, name, party size, status and the
    time checked in on ``day`` (None when not yet). Without ``changed_since``, every ticket
    that is not cancelled; with it, every registration of the event changed since then
    (cancelled ones too, so that a device drops them) and every one checked in on ``day``
    since then. Three columns and a join, not the rows: 5,000 tickets stay one query."""
    stmt = (
        select(
            Registration.id, Registration.ticket_digest, Registration.name, Registration.party_size,
            Registration.status, CheckIn.checked_in_at,
        )
        .outerjoin(CheckIn, (CheckIn.registration_id == Registration.id) & (CheckIn.day == day))
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    )
    if changed_since is None:
        return db.session.execute(stmt.where(Registration.status != "cancelled")).all()
    changed = union(
        select(Registration.id).where(Registration.event_id == event.id, Registration.changed_at >= changed_since),
        select(CheckIn.registration_id).where(
            CheckIn.event_id == event.id, CheckIn.day == day, CheckIn.recorded_at >= changed_since
        ),
    )
    return db.session.execute(stmt.where(Registration.id.in_(changed.scalar_subquery()))).all()


def roster_size(event: Event) -> tuple[int, int]:
    """How many tickets the whole roster has and the sum of their numbers: a device that
    merged the changes checks its list against them (a registration moved to another event
    leaves this one without a change of its own here)."""
    count, total = db.session.execute(
        select(func.count(Registration.id), func.coalesce(func.sum(Registration.id), 0)).where(
            Registration.event_id == event.id, Registration.status != "cancelled"
        )
    ).one()
    return int(count), int(total)


# --- self check-in -----------------------------------------------------------------------


def poster_code(event: Event, day: date) -> str:
    """The code on the door poster for ``day``: it changes every day, so a photo of
    yesterday's poster checks nobody in."""
    key = current_app.config["SECRET_KEY"].encode()
    mac = hmac.new(key, f"self-checkin:{event.id}:{day.isoformat()}".encode(), hashlib.sha256).hexdigest()
    return mac[:16]


def poster_code_is_valid(event: Event, code: str, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return hmac.compare_digest(poster_code(event, local_date(now)), code or "")


def registrations_for_phone(event: Event, phone: str) -> list[Registration]:
    normalised = normalise_phone(phone)
    if normalised is None:
        return []
    return list(
        db.session.scalars(
            select(Registration).where(
                Registration.event_id == event.id, Registration.phone == normalised,
                Registration.status != "cancelled",
            )
        )
    )


def _comparable(text: str | None) -> str:
    """A name as typed, for comparing: full-width folded (NFKC), case and spaces ignored."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean_text(text or "")).casefold())


def registrations_for_self_check_in(event: Event, phone: str, proof: str) -> list[Registration]:
    """The confirmed registrations of ``event`` with this phone whose registered name, or
    the number printed on whose ticket, is ``proof``. The phone alone is not enough: anyone
    at the poster could type a number they know. Nothing tells an unknown phone from a wrong
    ``proof``; both find nothing."""
    wanted, number = _comparable(proof), printed_number(proof)
    if not wanted:
        return []
    return [
        r for r in registrations_for_phone(event, phone)
        if r.status == "confirmed" and (r.id == number or _comparable(r.name) == wanted)
    ]


def masked_name(name: str | None) -> str:
    """A name as the poster's self check-in shows it: the first character, then one * for
    each other (王秘密 → 王**), so that a screen seen over a shoulder tells little."""
    name = (name or "").strip()
    return name[:1] + "".join(" " if c.isspace() else "*" for c in name[1:])


def search_registrations(event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Registrations of ``event`` whose name contains ``query`` or whose phone ends with it."""
    query = clean_text(query or "")
    if not query:
        return []
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", query))  # １３８ typed as 138
    conditions = [Registration.name.contains(query, autoescape=True)]
    if len(digits) >= 4:
        conditions.append(Registration.phone.endswith(digits, autoescape=True))
    return list(
        db.session.scalars(
            select(Registration)
            .options(selectinload(Registration.checkins))  # whether each came today: one query
            .where(Registration.event_id == event.id, Registration.status != "cancelled", or_(*conditions))
            .order_by(Registration.name)
            .limit(limit)
        )
    )


def checked_in_today(registration: Registration, now: datetime | None = None) -> CheckIn | None:
    day = event_day(registration.event, now or clock.now())
    return next((c for c in registration.checkins if c.day == day), None)



def may_work_door(user, event: Event, now: datetime | None = None) -> bool:
    """Staff, or a volunteer with a confirmed place on a shift of this event that is on now
    (from an hour before it starts until an hour after it ends)."""
    return _may_work(user, event, now)


def may_work_a_door(user, now: datetime | None = None) -> bool:
    """Whether ``user`` may work any door now: staff, or a volunteer on a shift of some event
    (as ``may_work_door``). The check-in API asks it before it reads the request, so that
    nobody else learns anything from its answers."""
    return _may_work(user, None, now)


def _may_work(user, event: Event | None, now: datetime | None) -> bool:
    if has_role(user, "staff"):
        return True
    if not has_role(user, "volunteer"):
        return False
    now = now or clock.now()
    margin = timedelta(hours=1)
    return db.session.scalar(
        select(func.count(ShiftSignup.id))
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .join(VolunteerProfile, VolunteerProfile.id == ShiftSignup.volunteer_id)
        .where(
            Shift.event_id == event.id if event is not None else Shift.event_id.is_not(None),
            VolunteerProfile.user_id == user.id,
            VolunteerProfile.status == "active",
            ShiftSignup.status.in_(("confirmed", "completed")),
            Shift.starts_at <= now + margin,
            Shift.ends_at >= now - margin,
        )
    ) > 0

"""The rules of visit requests: a group asks (``submit``); staff accept it into a ``visit`` event
with the room booked and the group's ticket (``accept``), propose another date (``propose``),
which the requester accepts or declines from their private link (``respond``), or decline it
with a reason (``decline``). Every step is audited and mailed to the requester (``emails``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, or_, select, update

from outreach import clock
from outreach.errors import OutreachError, ValidationError
from outreach.events import booking
from outreach.events import services as events
from outreach.events.models import TITLE_MAX, Event
from outreach.extensions import db
from outreach.phone import check_phone
from outreach.places.models import Venue
from outreach.platform.services import record
from outreach.registration import services as registration
from outreach.registration.models import GROUP_NEEDS_MAX, Registration
from outreach.text import check_name
from outreach.volunteers.services import create_shift
from outreach.timezone import local, local_date, localize
from outreach.visits import emails, tokens
from outreach.visits.models import (
    AGES_MAX, DAY_PARTS, GROUP_MAX, NEEDS_MAX, NOTE_MAX, ORGANISATION_KINDS, ORGANISATION_MAX, PREFERRED_MAX,
    TOPIC_MAX, VISIT_STATUSES, WISHES, VisitRequest,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: The most guides (volunteer places) one visit may ask for.
GUIDES_MAX = 20
#: Requests staff still have to answer come first in the queue.
_STATUS_ORDER = case({"new": 0, "proposed": 1}, value=VisitRequest.status, else_=2)


class VisitError(OutreachError):
    status = 409


@dataclass
class Slot:
    """When and where staff would hold the visit."""

    day: date | None
    starts: time | None
    ends: time | None
    venue: Venue | None
    title: str | None = None
    guides: int | None = None


# --- asking -----------------------------------------------------------------------------


def _text(value, limit: int, field: str, errors: dict, *, required_message=None) -> str | None:
    value = value.strip() if isinstance(value, str) else None
    if not value:
        if required_message is not None:
            errors[field] = required_message
        return None
    if len(value) > limit:
        errors[field] = _l("Use at most %(n)d characters.", n=limit)
    return value


def _count(value, field: str, errors: dict) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= GROUP_MAX:
        errors[field] = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=GROUP_MAX)
        return 0
    return value


def check_preferred(rows, errors: dict, today: date) -> list[dict]:
    """Up to three preferred dates, each with a part of the day or a from–to time; at least one."""
    clean = []
    if not isinstance(rows, list) or len(rows) > PREFERRED_MAX:
        errors["preferred"] = _l("Give one to %(n)d preferred dates.", n=PREFERRED_MAX)
        return clean
    for index, row in enumerate(rows):
        key = f"preferred.{index}"
        if not isinstance(row, dict):
            errors[key] = _l("Give a date and a time of day.")
            continue
        day, part, start, end = row.get("date"), row.get("part") or "morning", row.get("from"), row.get("to")
        if not isinstance(day, date):
            errors[f"{key}.date"] = _l("Give the date.")
        elif day <= today:
            errors[f"{key}.date"] = _l("Choose a date after today.")
        if part not in DAY_PARTS:
            errors[f"{key}.part"] = _l("Choose one of: %(choices)s.", choices=", ".join(DAY_PARTS))
        if part == "times":
            if not isinstance(start, time):
                errors[f"{key}.from"] = _l("Give the time you would arrive.")
            if not isinstance(end, time):
                errors[f"{key}.to"] = _l("Give the time you would leave.")
            elif isinstance(start, time) and end <= start:
                errors[f"{key}.to"] = _l("The end must come after the start.")
        else:
            start = end = None
        if isinstance(day, date):
            clean.append({"date": day.isoformat(), "part": part,
                          "from": start.strftime("%H:%M") if isinstance(start, time) else None,
                          "to": end.strftime("%H:%M") if isinstance(end, time) else None})
    if not rows:
        errors["preferred.0.date"] = _l("Give at least one date that would suit you.")
    return clean


def check_request(values: dict, today: date) -> tuple[dict, dict]:
    """The request's fields cleaned, and messages by field for what is wrong (empty when right)."""
    errors: dict = {}
    clean: dict = {}
    clean["organisation"] = _text(values.get("organisation"), ORGANISATION_MAX, "organisation", errors,
                                  required_message=_l("Give the name of your school or organisation."))
    kind = values.get("kind")
    if kind not in ORGANISATION_KINDS:
        errors["kind"] = _l("Choose one of: %(choices)s.", choices=", ".join(ORGANISATION_KINDS))
    clean["kind"] = kind
    clean["contact_name"] = check_name(values.get("contact_name"), errors, "contact_name")
    clean["phone"] = check_phone(values.get("phone"), errors)
    email = values.get("email").strip() if isinstance(values.get("email"), str) else None
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        errors["email"] = _l("Enter a valid e-mail address.")
    clean["email"] = email or None
    clean["preferred"] = check_preferred(values.get("preferred"), errors, today)
    clean["children"] = _count(values.get("children"), "children", errors)
    clean["adults"] = _count(values.get("adults"), "adults", errors)
    if "children" not in errors and "adults" not in errors:
        total = clean["children"] + clean["adults"]
        if total < 1:
            errors["children"] = _l("Tell us how many people will come.")
        elif total > GROUP_MAX:
            errors["adults"] = _l("A group may bring at most %(n)d people; ask for two visits.", n=GROUP_MAX)
    clean["ages"] = _text(values.get("ages"), AGES_MAX, "ages", errors)
    wish = values.get("wish") or "guided"
    if wish not in WISHES:
        errors["wish"] = _l("Choose one of: %(choices)s.", choices=", ".join(WISHES))
    clean["wish"] = wish
    clean["topic"] = _text(values.get("topic"), TOPIC_MAX, "topic", errors,
                           required_message=_l("Give the topic of the session.") if wish == "topic" else None)
    clean["needs"] = _text(values.get("needs"), NEEDS_MAX, "needs", errors)
    if not values.get("consent"):
        errors["consent"] = _l("Please agree to the privacy notice to send your request.")
    return clean, errors


def submit(values: dict, *, locale: str | None = None, now: datetime | None = None) -> tuple[VisitRequest, str]:
    """Keep a group's request; returns it and its private link's token (known only now and to
    whoever holds the link). Raises ``ValidationError``."""
    now = now or clock.now()
    clean, errors = check_request(values, local_date(now))
    if errors:
        raise ValidationError(errors)
    seed, token, digest = tokens.new_token()
    visit = VisitRequest(status="new", consent_at=now, locale=locale, token_seed=seed, token_digest=digest,
                         created_at=now, updated_at=now, **clean)
    db.session.add(visit)
    db.session.flush()
    record("visit.request", visit, data={"kind": visit.kind, "people": visit.party_size})
    emails.queue_visit_message(visit, "received")
    return visit, token


def token_of(visit: VisitRequest) -> str:
    return tokens.token_for_seed(visit.token_seed)[0]


def find_by_token(token: str) -> VisitRequest | None:
    digest = tokens.verify(token)
    if digest is None:
        return None
    return db.session.scalar(select(VisitRequest).where(VisitRequest.token_digest == digest))


# --- the staff's queue ------------------------------------------------------------------


def requests_query(status: str | None = None) -> Select:
    """Requests to answer first (new, then proposed), then the rest; the newest first within each."""
    stmt = select(VisitRequest)
    if status:
        stmt = stmt.where(VisitRequest.status == status)
    return stmt.order_by(_STATUS_ORDER, VisitRequest.created_at.desc(), VisitRequest.id.desc())


def check_status(status) -> str | None:
    return status if status in VISIT_STATUSES else None


def default_title(visit: VisitRequest) -> str:
    if visit.wish == "topic" and visit.topic:
        title = _("%(topic)s · %(organisation)s", topic=visit.topic, organisation=visit.organisation)
    else:
        title = _("Library visit · %(organisation)s", organisation=visit.organisation)
    return title[:TITLE_MAX]


#: The times a part of the day stands for, to fill in the staff's answer.
_PART_TIMES = {"morning": (time(9, 30), time(11, 0)), "afternoon": (time(14, 30), time(16, 0))}


def first_choice(visit: VisitRequest) -> dict:
    """The requester's first choice as a date and times (``day``, ``starts``, ``ends``), to start from."""
    if not visit.preferred:
        return {}
    row = visit.preferred[0]
    starts, ends = _PART_TIMES.get(row.get("part"), (None, None))
    if row.get("from") and row.get("to"):
        starts, ends = time.fromisoformat(row["from"]), time.fromisoformat(row["to"])
    return {"day": date.fromisoformat(row["date"]), "starts": starts, "ends": ends}


def _times(slot: Slot, errors: dict) -> tuple[datetime | None, datetime | None]:
    if slot.day is None:
        errors["day"] = _l("Give the date.")
    if slot.starts is None:
        errors["starts"] = _l("Give the time it starts.")
    if slot.ends is None:
        errors["ends"] = _l("Give the time it ends.")
    elif slot.starts is not None and slot.ends <= slot.starts:
        errors["ends"] = _l("The end must come after the start.")
    if slot.venue is None or not slot.venue.active:
        errors["venue_id"] = _l("Choose a room.")
    if slot.guides is not None and not 0 <= slot.guides <= GUIDES_MAX:
        errors["guides"] = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=GUIDES_MAX)
    if slot.title is not None and len(slot.title) > TITLE_MAX:
        errors["title"] = _l("Use at most %(n)d characters.", n=TITLE_MAX)
    if "day" in errors or "starts" in errors or "ends" in errors:
        return None, None
    return localize(datetime.combine(slot.day, slot.starts)), localize(datetime.combine(slot.day, slot.ends))


def _room_booked(error: OutreachError) -> VisitError:
    """A clash, as for any event, beside the room and the time."""
    message = error.fields.get("venue_id", error.message) if error.fields else error.message
    return VisitError("room_booked", message, fields={"venue_id": message, "starts": _l("The room is taken then.")})


def _answerable(visit: VisitRequest, *allowed: str) -> None:
    if visit.status not in allowed:
        raise VisitError("visit_answered", _l("This request has already been answered."))


#: A request's kind of organisation as a group registration's kind (``registration.models.GROUP_KINDS``).
GROUP_KIND_OF = {"school": "school_class", "kindergarten": "kindergarten", "community": "community",
                 "company": "company", "other": "company"}


def _group_ticket(visit: VisitRequest, event: Event, now: datetime) -> Registration:
    """The group's one ticket for the visit: a group registration with the request's organisation,
    children, adults and needs, arriving when the visit starts, which the door admits with the
    number who came. When the request gave an e-mail address, the message accepting the visit
    carries the ticket's link and the registration sends no confirmation of its own (by mail or
    text); without one, the registration's confirmation (a text, when texts are on) is all the
    requester hears, besides staff's call."""
    group = {
        "kind": GROUP_KIND_OF[visit.kind], "organisation": visit.organisation, "children": visit.children,
        "adults": visit.adults, "needs": (visit.needs or "")[:GROUP_NEEDS_MAX] or None,
        "arrival": local(event.starts_at).time().replace(tzinfo=None),
    }
    outcome = registration.register(
        event, name=visit.contact_name, phone=visit.phone, party_size=visit.party_size, email=visit.email,
        consent=True, source="visit", now=now, locale=visit.locale, group=group, notify=not visit.email,
    )
    return outcome.registration


def _make_visit(visit: VisitRequest, slot: Slot, *, actor, now: datetime) -> Event:
    """The ``visit`` event with its room booked, the guides' shift and the group's ticket."""
    errors: dict = {}
    starts_at, ends_at = _times(slot, errors)
    if starts_at is not None and starts_at <= now:
        errors["day"] = _l("Choose a date after today.")
    if errors:
        raise ValidationError(errors)
    title = (slot.title or "").strip() or default_title(visit)
    try:
        event = events.create_event(
            actor=actor, type="visit", status="published", title=title, starts_at=starts_at, ends_at=ends_at,
            venue=slot.venue, registration="open", capacity=visit.party_size,
            max_party_size=max(visit.party_size, 1), audience="children" if visit.children else "all",
        )
    except events.EventError as error:
        if error.code == "room_booked":
            raise _room_booked(error) from None
        raise
    ticket = _group_ticket(visit, event, now)
    # Closed to the public: the group's ticket is the only one.
    event.registration_closes_at = now
    if slot.guides:
        create_shift(event, role=_("Visit guide"), starts_at=starts_at, ends_at=ends_at, slots=slot.guides,
                     actor=actor)
    visit.event_id, visit.registration_id = event.id, ticket.id
    visit.event, visit.registration = event, ticket
    return event


def accept(visit: VisitRequest, slot: Slot, *, actor, now: datetime | None = None) -> Event:
    now = now or clock.now()
    _answerable(visit, "new", "proposed")
    event = _make_visit(visit, slot, actor=actor, now=now)
    visit.status = "accepted"
    visit.updated_at = now
    db.session.flush()
    record("visit.accept", visit, actor=actor, data={"event_id": event.id, "people": visit.party_size})
    emails.queue_visit_message(visit, "accepted", token=token_of(visit))
    return event


def propose(visit: VisitRequest, slot: Slot, note: str | None, *, actor, now: datetime | None = None) -> VisitRequest:
    """Offer the requester another date (the room must be free then; it is checked again when they accept)."""
    now = now or clock.now()
    _answerable(visit, "new", "proposed")
    errors: dict = {}
    starts_at, ends_at = _times(slot, errors)
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        errors["note"] = _l("Use at most %(n)d characters.", n=NOTE_MAX)
    if starts_at is not None and starts_at <= now:
        errors["day"] = _l("Choose a date after today.")
    if errors:
        raise ValidationError(errors)
    found = booking.clashes(venue=slot.venue, starts_at=starts_at, ends_at=ends_at)
    if found:
        raise _room_booked(events.room_booked(found))
    visit.proposed_starts_at, visit.proposed_ends_at = starts_at, ends_at
    visit.proposed_venue_id, visit.proposed_venue = slot.venue.id, slot.venue
    visit.proposed_title = (slot.title or "").strip() or None
    visit.proposed_guides = slot.guides or None
    visit.proposal_note = note
    visit.status = "proposed"
    visit.updated_at = now
    db.session.flush()
    record("visit.propose", visit, actor=actor, data={"venue_id": slot.venue.id})
    emails.queue_visit_message(visit, "proposed", token=token_of(visit))
    return visit


def respond(visit: VisitRequest, accepted: bool, *, now: datetime | None = None) -> VisitRequest:
    """The requester accepts the date proposed (the visit is made, its room checked again) or declines it."""
    now = now or clock.now()
    _answerable(visit, "proposed")
    if accepted:
        if visit.proposed_starts_at <= now:
            raise VisitError("proposal_past", _l("The date proposed has passed. Please send a new request."))
        starts, ends = visit.proposed_starts_at, visit.proposed_ends_at
        slot = Slot(day=local_date(starts), starts=_local_time(starts), ends=_local_time(ends),
                    venue=visit.proposed_venue, title=visit.proposed_title, guides=visit.proposed_guides)
        try:
            _make_visit(visit, slot, actor=None, now=now)
        except VisitError as error:
            if error.code == "room_booked":
                raise VisitError("room_booked", _l("Sorry: the room has been booked since we proposed this date. "
                                                   "We will contact you.")) from None
            raise
        visit.status = "accepted"
        record("visit.proposal_accept", visit, data={"event_id": visit.event_id})
        kind = "accepted"
    else:
        visit.status = "withdrawn"
        record("visit.proposal_decline", visit)
        kind = "withdrawn"
    visit.updated_at = now
    db.session.flush()
    emails.queue_visit_message(visit, kind, token=token_of(visit))
    return visit


def decline(visit: VisitRequest, reason: str | None, *, actor, now: datetime | None = None) -> VisitRequest:
    now = now or clock.now()
    _answerable(visit, "new", "proposed")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _l("Give the reason: it is sent to the requester.")})
    if len(reason) > NOTE_MAX:
        raise ValidationError({"reason": _l("Use at most %(n)d characters.", n=NOTE_MAX)})
    visit.decline_reason = reason
    visit.status = "declined"
    visit.updated_at = now
    db.session.flush()
    record("visit.decline", visit, actor=actor)
    emails.queue_visit_message(visit, "declined", token=token_of(visit))
    return visit


def anonymise(cutoff: datetime, placeholder: str) -> int:
    """Remove the contact's name, phone, e-mail and the needs from requests received before
    ``cutoff`` whose visit (if any) ended before it; the organisation, sizes and dates stay for the
    figures. Returns how many requests changed (``flask privacy anonymise`` calls it)."""
    ended = select(Event.id).where(Event.ends_at < cutoff)
    result = db.session.execute(
        update(VisitRequest)
        .where(VisitRequest.created_at < cutoff, VisitRequest.contact_name != placeholder,
               or_(VisitRequest.event_id.is_(None), VisitRequest.event_id.in_(ended)))
        .values(contact_name=placeholder, phone=placeholder, email=None, needs=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _local_time(value: datetime) -> time:
    return local(value).time().replace(tzinfo=None)

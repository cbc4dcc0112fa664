"""The rules of volunteering: applying and review, trainings, shifts and sign-ups, hours and
certificates. Every function takes model objects and the acting user, flushes, and leaves the
commit to its caller; a broken rule raises ``VolunteerError(code, message)``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.exc import IntegrityError

from outreach import clock
from outreach.accounts import throttle
from outreach.accounts.permissions import has_role
from outreach.accounts.services import create_user, find_user_by_email
from outreach.accounts.signals import user_created
from outreach.database import locked
from outreach.errors import OutreachError, ValidationError
from outreach.events import services as event_rules
from outreach.events.models import Event
from outreach.events.signals import event_duplicated
from outreach.extensions import db
from outreach.phone import check_phone
from outreach.platform.closing import guard_attendance
from outreach.platform.services import record
from outreach.text import check_name
from outreach.timezone import library_tz, local_date
from outreach.volunteers import emails
from outreach.volunteers.models import (
    PERIODS,
    WEEKDAYS,
    Certificate,
    HoursAdjustment,
    RecruitmentCall,
    Shift,
    ShiftSignup,
    Training,
    TrainingAttendance,
    VolunteerProfile,
)

#: Sign-ups that hold a slot.
HOLDING = ("confirmed", "completed")
QUARTER = Decimal("0.25")


class VolunteerError(OutreachError):
    status = 409


# --- applying and review ---------------------------------------------------------------------


@user_created.connect
def _profile_for_new_volunteer(user, **_extra) -> None:
    """An account made with the volunteer role (command line, demo) is an active volunteer at
    once; ``apply`` turns the profile back into an application waiting for review."""
    if user.role == "volunteer":
        now = clock.now()
        db.session.add(VolunteerProfile(user=user, status="active", reviewed_at=now, consent_at=now))


def apply(
    *, name: str, email: str, password: str, phone: str, skills: str | None = None, languages: str | None = None,
    availability: dict | None = None, motivation: str | None = None, emergency_contact: str | None = None,
    is_minor: bool = False, guardian_name: str | None = None, guardian_consent: bool = False,
    consent: bool = False, call: RecruitmentCall | None = None, now: datetime | None = None,
) -> VolunteerProfile:
    """An application: an applicant account that can sign in, waiting for staff review.

    Raises ``ValidationError`` (missing consent, a minor without a guardian's consent, a bad
    phone or e-mail, a short password) or ``AccountError("email_taken")``; a closed or
    expired call is ``VolunteerError("call_closed")``.
    """
    now = now or clock.now()
    errors = {}
    if call is not None and (call.status != "open" or (call.deadline and call.deadline < local_date(now))):
        raise VolunteerError("call_closed", _l("This call for volunteers is closed."))
    clean_phone = check_phone(phone, errors)
    name = check_name(name, errors)
    if not consent:
        errors["consent"] = _l("Please agree to the privacy notice to apply.")
    if is_minor and (not guardian_consent or not (guardian_name or "").strip()):
        errors["guardian_name"] = _l("A volunteer under 18 needs a parent's or guardian's name and consent.")
    if errors:
        raise ValidationError(errors)
    user = create_user(email, role="volunteer", password=password, name=name.strip())
    profile = user.volunteer_profile or db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))
    # create_user makes command-line volunteers active at once; an application waits for review.
    profile.status = "applicant"
    profile.reviewed_at = None
    profile.phone = clean_phone
    profile.skills = (skills or "").strip() or None
    profile.languages = (languages or "").strip() or None
    profile.availability = availability or None
    profile.motivation = (motivation or "").strip() or None
    profile.emergency_contact = (emergency_contact or "").strip() or None
    profile.is_minor = is_minor
    profile.guardian_name = (guardian_name or "").strip() or None if is_minor else None
    profile.guardian_consent_at = now if is_minor else None
    profile.consent_at = now
    profile.call_id = call.id if call else None
    db.session.flush()
    record("volunteer.apply", profile, actor=user, data={"call_id": profile.call_id})
    emails.queue_application_received(profile)
    return profile


def application_with_taken_address(email: str) -> None:
    """Someone applied with the address of an existing account: tell its owner by e-mail
    (the page answers as for any application, so that it gives away no address)."""
    user = find_user_by_email(email)
    # One warning an hour, so that the form cannot be used to flood someone's mailbox.
    if user is not None and throttle.first_in("taken-address-mail", user.email, 3600):
        emails.queue_application_with_taken_address(user)


#: What a volunteer may change on their own profile, with each text's longest length.
OWN_PROFILE_TEXTS = {"skills": 500, "languages": 200, "emergency_contact": 200}
OWN_PROFILE_FIELDS = ("phone", *OWN_PROFILE_TEXTS, "availability")


def check_availability(value, errors: dict, field: str = "availability") -> dict | None:
    """``{"mon": ["am", "pm"], ...}`` with known days and parts of a day, in the week's order
    (None when nothing is ticked); a message in ``errors`` otherwise."""
    if value is None:
        return None
    message = _l("Give the days (mon to sun) with the parts of the day (am, pm, eve) you are usually free.")
    if not isinstance(value, dict) or any(
        day not in WEEKDAYS or not isinstance(periods, list) or any(p not in PERIODS for p in periods)
        for day, periods in value.items()
    ):
        errors[field] = message
        return None
    chosen = {day: [p for p in PERIODS if p in value[day]] for day in WEEKDAYS if value.get(day)}
    return chosen or None


def update_own_profile(profile: VolunteerProfile, *, actor, **values) -> VolunteerProfile:
    """The volunteer keeps their own details up to date: phone, skills, languages, weekly
    availability, emergency contact (any of them; those not given are kept). Raises
    ``ValidationError`` for a phone nobody can call, a text too long or an availability of
    the wrong shape. Audited with the names of the fields changed (not their values)."""
    unknown = set(values) - set(OWN_PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown profile fields: {sorted(unknown)}")
    errors: dict = {}
    clean: dict = {}
    if "phone" in values:
        clean["phone"] = check_phone(values["phone"], errors)
    for name, limit in OWN_PROFILE_TEXTS.items():
        if name in values:
            value = values[name]
            if value is not None and (not isinstance(value, str) or len(value.strip()) > limit):
                errors[name] = _l("Use at most %(n)d characters.", n=limit)
            else:
                clean[name] = (value or "").strip() or None
    if "availability" in values:
        clean["availability"] = check_availability(values["availability"], errors)
    if errors:
        raise ValidationError(errors)
    changed = [name for name in OWN_PROFILE_FIELDS if name in clean and getattr(profile, name) != clean[name]]
    for name in changed:
        setattr(profile, name, clean[name])
    db.session.flush()
    if changed:
        record("volunteer.profile.update", profile, actor=actor, data={"changed": changed})
    return profile


REVIEW_MOVES = {
    "approve": ({"applicant", "paused", "rejected"}, "active"),
    "reject": ({"applicant"}, "rejected"),
    "pause": ({"active"}, "paused"),
    "archive": ({"applicant", "active", "paused", "rejected"}, "archived"),
    "reactivate": ({"paused", "archived"}, "active"),
}


def review(profile: VolunteerProfile, action: str, *, actor, note: str | None = None, now: datetime | None = None) -> VolunteerProfile:
    """Approve, reject, pause, archive or reactivate a volunteer, with a note; the volunteer is told.

    Raises ``VolunteerError("bad_status")`` for a move the current status does not allow.
    """
    now = now or clock.now()
    if action not in REVIEW_MOVES:
        raise ValidationError({"action": _l("Choose one of: %(choices)s.", choices=", ".join(REVIEW_MOVES))})
    allowed, new_status = REVIEW_MOVES[action]
    if profile.status not in allowed:
        raise VolunteerError("bad_status", _l("A volunteer who is %(status)s cannot be moved that way.", status=profile.status))
    profile.status = new_status
    profile.reviewed_at = now
    profile.reviewed_by_id = actor.id
    profile.review_note = (note or "").strip() or profile.review_note
    db.session.flush()
    record(f"volunteer.{action}", profile, actor=actor, data={"status": new_status})
    if action in ("approve", "reject"):
        emails.queue_volunteer_review(profile, approved=action == "approve")
    return profile


CALL_FIELDS = (
    "title", "title_en", "description", "description_en", "roles", "roles_en", "skills_wanted",
    "skills_wanted_en", "commitment", "commitment_en", "deadline", "status",
)


def save_call(call: RecruitmentCall | None, *, actor, **values) -> RecruitmentCall:
    """Create (``call`` None) or change a call for volunteers. Raises ``ValidationError`` for
    a blank title or description."""
    unknown = set(values) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    errors = {}
    if not (values.get("title") or "").strip():
        errors["title"] = _l("Give the call a title.")
    if not (values.get("description") or "").strip():
        errors["description"] = _l("Describe what volunteers will do.")
    if values.get("status", "open") not in ("open", "closed"):
        errors["status"] = _l("Choose one of: %(choices)s.", choices="open, closed")
    if errors:
        raise ValidationError(errors)
    new = call is None
    if new:
        call = RecruitmentCall(status="open")
        db.session.add(call)
    for name, value in values.items():
        setattr(call, name, value.strip() or None if isinstance(value, str) else value)
    db.session.flush()
    record("call.create" if new else "call.update", call, actor=actor, data={"status": call.status})
    return call


def close_call(call: RecruitmentCall, *, actor) -> RecruitmentCall:
    """Stop a call taking applications (closing twice is not an error)."""
    if call.status != "closed":
        call.status = "closed"
        db.session.flush()
        record("call.close", call, actor=actor)
    return call


# --- trainings ----------------------------------------------------------------------------


def create_training(*, actor, title: str, topic: str, starts_at: datetime, ends_at: datetime,
                    title_en: str | None = None, location: str | None = None, notes: str | None = None) -> Training:
    """Record a training session. Raises ``ValidationError`` for a blank title or topic or an
    end that does not come after the start."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = _l("Give the training a title.")
    if not (topic or "").strip():
        errors["topic"] = _l("Give the topic a shift can require, such as 消防安全.")
    if isinstance(starts_at, datetime) and isinstance(ends_at, datetime) and ends_at <= starts_at:
        errors["ends_at"] = _l("The end must come after the start.")
    if errors:
        raise ValidationError(errors)
    training = Training(
        title=title.strip(), title_en=(title_en or "").strip() or None, topic=topic.strip(),
        starts_at=starts_at, ends_at=ends_at, location=(location or "").strip() or None,
        notes=(notes or "").strip() or None,
    )
    db.session.add(training)
    db.session.flush()
    record("training.create", training, actor=actor, data={"topic": training.topic})
    return training


def record_training(training: Training, volunteers: list[VolunteerProfile], *, actor) -> int:
    """Mark who attended a training; returns how many were added (each counted once)."""
    known = set(
        db.session.scalars(select(TrainingAttendance.volunteer_id).where(TrainingAttendance.training_id == training.id))
    )
    added = 0
    for volunteer in volunteers:
        if volunteer.id not in known:
            db.session.add(TrainingAttendance(training_id=training.id, volunteer_id=volunteer.id))
            known.add(volunteer.id)
            added += 1
    db.session.flush()
    record("training.attendance", training, actor=actor, data={"added": added})
    return added


def trained_topics(volunteer: VolunteerProfile) -> set[str]:
    return set(
        db.session.scalars(
            select(Training.topic)
            .join(TrainingAttendance, TrainingAttendance.training_id == Training.id)
            .where(TrainingAttendance.volunteer_id == volunteer.id)
        )
    )


def has_skill(volunteer: VolunteerProfile, skill: str) -> bool:
    return skill.strip().lower() in (volunteer.skills or "").lower()


# --- shifts ---------------------------------------------------------------------------------


def check_shift(values: dict) -> dict:
    errors = {}
    role = values.get("role")
    if not isinstance(role, str) or not role.strip() or len(role.strip()) > 120:
        errors["role"] = _l("Give a role of 1 to %(n)d characters.", n=120)
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime):
        errors["starts_at"] = _l("Give the date and time the shift starts.")
    if not isinstance(ends, datetime):
        errors["ends_at"] = _l("Give the date and time the shift ends.")
    elif isinstance(starts, datetime) and ends <= starts:
        errors["ends_at"] = _l("The end must come after the start.")
    slots = values.get("slots")
    if isinstance(slots, bool) or not isinstance(slots, int) or not 1 <= slots <= 500:
        errors["slots"] = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=500)
    for name, limit in (("location", 200), ("required_topic", 100), ("required_skill", 100)):
        value = values.get(name)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            errors[name] = _l("Use at most %(n)d characters.", n=limit)
    cutoff = values.get("cancel_cutoff_hours")
    if cutoff is not None and (isinstance(cutoff, bool) or not isinstance(cutoff, int) or not 0 <= cutoff <= 720):
        errors["cancel_cutoff_hours"] = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=720)
    return errors


SHIFT_FIELDS = {
    "role", "starts_at", "ends_at", "slots", "location", "notes", "required_topic", "required_skill",
    "signup_opens_at", "cancel_cutoff_hours",
}


def create_shift(event, *, actor=None, **values) -> Shift:
    """A shift of ``event`` (None: a standing duty such as the service desk). Staff may create
    shifts in the past, to record what happened. Raises ``ValidationError``."""
    unknown = set(values) - SHIFT_FIELDS
    if unknown:
        raise TypeError(f"unknown shift fields: {sorted(unknown)}")
    if event is not None:
        event_rules.guard_event(actor, event)  # staff of another branch: 403, nothing saved
    errors = check_shift(values)
    if errors:
        raise ValidationError(errors)
    values["role"] = values["role"].strip()
    shift = Shift(event_id=event.id if event is not None else None, **values)
    db.session.add(shift)
    db.session.flush()
    record("shift.create", shift, actor=actor, data={"event_id": shift.event_id})
    return shift


def create_shifts_from_pattern(
    event, *, role: str, day: date, first_start: time, last_end: time, length_minutes: int, slots: int,
    actor=None, **values,
) -> list[Shift]:
    """Back-to-back shifts on ``day``: every ``length_minutes`` from ``first_start`` until
    ``last_end`` (every hour 9–17 gives eight shifts). Raises ``ValidationError``."""
    if event is not None:
        event_rules.guard_event(actor, event)
    if not 15 <= length_minutes <= 24 * 60:
        raise ValidationError({"length_minutes": _l("Enter a whole number from %(min)d to %(max)d.", min=15, max=1440)})
    tz = library_tz()
    start = datetime.combine(day, first_start, tzinfo=tz)
    end = datetime.combine(day, last_end, tzinfo=tz)
    if end <= start:
        raise ValidationError({"last_end": _l("The end must come after the start.")})
    shifts = []
    step = timedelta(minutes=length_minutes)
    while start + step <= end:
        shifts.append(create_shift(event, role=role, starts_at=start, ends_at=start + step, slots=slots, actor=actor, **values))
        start += step
    if not shifts:
        raise ValidationError({"length_minutes": _l("No whole shift fits between the start and the end.")})
    return shifts


@event_duplicated.connect
def _copy_shifts_of_duplicate(original, *, copy, actor=None, **_extra) -> None:
    """A duplicated event gets its original's shifts, moved by the same amount."""
    copy_shifts(original, copy, actor=actor)


def copy_shifts(source_event, target_event, *, actor=None) -> list[Shift]:
    """Copy an event's shifts to a duplicate of it, moved by the difference of their starts."""
    delta = target_event.starts_at - source_event.starts_at
    copies = []
    for shift in db.session.scalars(select(Shift).where(Shift.event_id == source_event.id).order_by(Shift.starts_at)):
        copies.append(create_shift(
            target_event, role=shift.role, starts_at=shift.starts_at + delta, ends_at=shift.ends_at + delta,
            slots=shift.slots, location=shift.location, notes=shift.notes, required_topic=shift.required_topic,
            required_skill=shift.required_skill, cancel_cutoff_hours=shift.cancel_cutoff_hours,
            signup_opens_at=shift.signup_opens_at + delta if shift.signup_opens_at else None, actor=actor,
        ))
    return copies


def signup_opens_at(shift: Shift) -> datetime:
    if shift.signup_opens_at is not None:
        return shift.signup_opens_at
    return shift.starts_at - timedelta(days=int(current_app.config["VOLUNTEER_SIGNUP_OPENS_DAYS"]))


def cancel_cutoff(shift: Shift) -> datetime:
    hours = shift.cancel_cutoff_hours
    if hours is None:
        hours = int(current_app.config["VOLUNTEER_CANCEL_CUTOFF_HOURS"])
    return shift.starts_at - timedelta(hours=hours)


def slots_taken(shift_id: int) -> int:
    return db.session.scalar(
        select(func.count(ShiftSignup.id)).where(ShiftSignup.shift_id == shift_id, ShiftSignup.status.in_(HOLDING))
    )


def slots_taken_by_shift(shift_ids: list[int]) -> dict[int, int]:
    """``slots_taken`` of many shifts in one query (a shift nobody holds is absent)."""
    if not shift_ids:
        return {}
    return dict(db.session.execute(
        select(ShiftSignup.shift_id, func.count(ShiftSignup.id))
        .where(ShiftSignup.shift_id.in_(shift_ids), ShiftSignup.status.in_(HOLDING))
        .group_by(ShiftSignup.shift_id)
    ).all())


def overlapping_signup(volunteer: VolunteerProfile, shift: Shift) -> ShiftSignup | None:
    """A sign-up of this volunteer (confirmed or waiting) for another shift that overlaps."""
    return db.session.scalar(
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.volunteer_id == volunteer.id,
            ShiftSignup.status.in_(("confirmed", "waitlisted")),
            Shift.id != shift.id,
            Shift.starts_at < shift.ends_at,
            Shift.ends_at > shift.starts_at,
        )
        .limit(1)
    )


@dataclass
class ShiftState:
    """What a volunteer sees of a shift: ``code`` is one of signed_up, waitlisted, free, full
    (sign-up joins the waiting list), overlap, not_open, needs_training, needs_skill,
    not_active, event_cancelled, started."""

    code: str
    signup: ShiftSignup | None = None
    taken: int = 0
    detail: dict = field(default_factory=dict)

    @property
    def can_sign_up(self) -> bool:
        return self.code in ("free", "full")

    @property
    def can_cancel(self) -> bool:
        return self.code in ("signed_up", "waitlisted") and self.detail.get("before_cutoff", False)


def shift_state(shift: Shift, volunteer: VolunteerProfile, now: datetime | None = None) -> ShiftState:
    """What ``volunteer`` sees of one shift (``shift_states`` for a list)."""
    return shift_states([shift], volunteer, now)[shift.id]


def shift_states(shifts: list[Shift], volunteer: VolunteerProfile, now: datetime | None = None) -> dict[int, ShiftState]:
    """What ``volunteer`` sees of each shift, by shift id, in a constant number of queries
    whatever the number of shifts: the places taken, the volunteer's own sign-ups (for these
    shifts, and those that could overlap them) and trainings are each read once."""
    now = now or clock.now()
    if not shifts:
        return {}
    ids = [shift.id for shift in shifts]
    taken = slots_taken_by_shift(ids)
    mine = {
        signup.shift_id: signup for signup in db.session.scalars(
            select(ShiftSignup).where(ShiftSignup.shift_id.in_(ids), ShiftSignup.volunteer_id == volunteer.id)
        )
    }
    # The volunteer's sign-ups that could overlap any of these shifts, with their shifts.
    held = db.session.execute(
        select(ShiftSignup, Shift.starts_at, Shift.ends_at)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status.in_(("confirmed", "waitlisted")),
            Shift.starts_at < max(shift.ends_at for shift in shifts),
            Shift.ends_at > min(shift.starts_at for shift in shifts),
        )
        .order_by(Shift.starts_at, ShiftSignup.id)
    ).all()
    needs_topics = any(shift.required_topic for shift in shifts)
    topics = trained_topics(volunteer) if needs_topics and volunteer.status == "active" else set()
    return {
        shift.id: _state(shift, volunteer, now, taken.get(shift.id, 0), mine.get(shift.id), held, topics)
        for shift in shifts
    }


def _state(shift: Shift, volunteer: VolunteerProfile, now: datetime, taken: int, mine: ShiftSignup | None,
           held: list, topics: set[str]) -> ShiftState:
    before_cutoff = now < cancel_cutoff(shift)
    if mine is not None and mine.status in ("confirmed", "completed"):
        return ShiftState("signed_up", mine, taken, {"before_cutoff": before_cutoff and mine.status == "confirmed"})
    if mine is not None and mine.status == "waitlisted":  # waiting holds nobody up: leave any time
        return ShiftState("waitlisted", mine, taken, {"before_cutoff": True})
    if volunteer.status != "active":
        return ShiftState("not_active", mine, taken)
    if shift.event is not None and shift.event.status == "cancelled":
        return ShiftState("event_cancelled", mine, taken)
    if now >= shift.starts_at:
        return ShiftState("started", mine, taken)
    if now < signup_opens_at(shift):
        return ShiftState("not_open", mine, taken, {"opens_at": signup_opens_at(shift)})
    if shift.required_topic and shift.required_topic not in topics:
        return ShiftState("needs_training", mine, taken, {"topic": shift.required_topic})
    if shift.required_skill and not has_skill(volunteer, shift.required_skill):
        return ShiftState("needs_skill", mine, taken, {"skill": shift.required_skill})
    other = next(
        (signup for signup, starts_at, ends_at in held
         if signup.shift_id != shift.id and starts_at < shift.ends_at and ends_at > shift.starts_at),
        None,
    )
    if other is not None:
        return ShiftState("overlap", mine, taken, {"other": other})
    return ShiftState("free" if taken < shift.slots else "full", mine, taken)


_REFUSALS = {
    "not_active": ("not_active", _l("Only active volunteers can sign up for shifts.")),
    "event_cancelled": ("event_cancelled", _l("This event has been cancelled.")),
    "started": ("shift_started", _l("This shift has already started.")),
    "not_open": ("signup_not_open", _l("Sign-up for this shift has not opened yet.")),
    "needs_training": ("training_required", _l("This shift needs a training you have not attended yet.")),
    "needs_skill": ("skill_required", _l("This shift needs a skill your profile does not list.")),
    "overlap": ("shift_overlap", _l("This shift overlaps another shift of yours.")),
    "signed_up": ("already_signed_up", _l("You are already signed up for this shift.")),
    "waitlisted": ("already_signed_up", _l("You are already on the waiting list for this shift.")),
}


def sign_up(shift: Shift, volunteer: VolunteerProfile, *, now: datetime | None = None) -> ShiftSignup:
    """Sign a volunteer up: confirmed while a slot is free, else on the waiting list.

    Only active volunteers; sign-up must be open; required training and skill; no overlap
    with another of their shifts. Slots hold under concurrency (the shift row is locked, or
    SQLite's write lock is held). A cancelled sign-up can be renewed. Raises
    ``VolunteerError`` with ``not_active``, ``shift_started``, ``signup_not_open``,
    ``training_required``, ``skill_required``, ``shift_overlap``, ``event_cancelled`` or
    ``already_signed_up``.
    """
    now = now or clock.now()
    # Always the shift first, then the volunteer: two sign-ups of one person for two
    # overlapping shifts cannot both pass, and the fixed order cannot deadlock.
    shift = locked(db.session, Shift, shift.id)
    locked(db.session, VolunteerProfile, volunteer.id)
    state = shift_state(shift, volunteer, now)
    if not state.can_sign_up:
        code, message = _REFUSALS[state.code]
        raise VolunteerError(code, message)
    status = "confirmed" if slots_taken(shift.id) < shift.slots else "waitlisted"
    signup = state.signup
    if signup is None:
        signup = ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, status=status, created_at=now)
        db.session.add(signup)
    else:  # a cancelled sign-up renewed: it goes to the back of the queue
        signup.status, signup.created_at, signup.cancelled_at = status, now, None
    db.session.flush()
    record("shift.signup", signup, actor=volunteer.user, data={"shift_id": shift.id, "status": status})
    return signup


def cancel_signup(signup: ShiftSignup, *, actor, now: datetime | None = None) -> ShiftSignup:
    """Withdraw from a shift. A volunteer may until the cut-off (N hours before the start);
    after it only staff can remove them. The freed slot goes to the waiting list in order.
    Raises ``VolunteerError("cancel_closed")`` or ``("not_signed_up")``."""
    now = now or clock.now()
    shift = locked(db.session, Shift, signup.shift_id)
    db.session.refresh(signup)
    if signup.status not in ("confirmed", "waitlisted"):
        raise VolunteerError("not_signed_up", _l("There is no sign-up to cancel."))
    is_staff = has_role(actor, "staff")
    if not is_staff and signup.status == "confirmed" and now >= cancel_cutoff(shift):
        raise VolunteerError(
            "cancel_closed",
            _l("It is too late to cancel this shift yourself. Please call the library so that staff can replace you."),
        )
    was_confirmed = signup.status == "confirmed"
    signup.status, signup.cancelled_at = "cancelled", now
    signup.by_user_id = actor.id if is_staff else None
    db.session.flush()
    record("shift.cancel", signup, actor=actor, data={"shift_id": shift.id, "by_staff": is_staff})
    if was_confirmed:
        promote_shift_waitlist(shift, now=now)
    return signup


def promote_shift_waitlist(shift: Shift, *, now: datetime | None = None) -> list[ShiftSignup]:
    """Fill free slots from the waiting list, first come first served, skipping anyone who has
    meanwhile taken an overlapping shift. The caller holds the shift's lock."""
    free = shift.slots - slots_taken(shift.id)
    promoted = []
    if free <= 0:
        return promoted
    waiting = db.session.scalars(
        select(ShiftSignup)
        .where(ShiftSignup.shift_id == shift.id, ShiftSignup.status == "waitlisted")
        .order_by(ShiftSignup.created_at, ShiftSignup.id)
    ).all()
    for signup in waiting:
        if free == 0:
            break
        if overlapping_signup(signup.volunteer, shift) is not None and _overlap_confirmed(signup, shift):
            continue
        signup.status = "confirmed"
        free -= 1
        promoted.append(signup)
        emails.queue_shift_promotion(signup)
    db.session.flush()
    return promoted


def _overlap_confirmed(signup: ShiftSignup, shift: Shift) -> bool:
    return db.session.scalar(
        select(func.count(ShiftSignup.id))
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(
            ShiftSignup.volunteer_id == signup.volunteer_id, ShiftSignup.status == "confirmed",
            Shift.id != shift.id, Shift.starts_at < shift.ends_at, Shift.ends_at > shift.starts_at,
        )
    ) > 0


# --- on the day ------------------------------------------------------------------------------


def round_quarter(hours: Decimal) -> Decimal:
    """Hours rounded to the nearest quarter of an hour."""
    return ((hours / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER).quantize(Decimal("0.01"))


def shift_length(shift: Shift) -> Decimal:
    return round_quarter(Decimal((shift.ends_at - shift.starts_at).total_seconds()) / Decimal(3600))


def desk_code(shift: Shift) -> str:
    """The code of the shift's desk poster: volunteers scan it to check in and out."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"shift-desk:{shift.id}".encode(), hashlib.sha256).hexdigest()[:16]


def desk_code_is_valid(shift: Shift, code: str) -> bool:
    return hmac.compare_digest(desk_code(shift), code or "")


def check_in_to_shift(shift: Shift, volunteer: VolunteerProfile, *, now: datetime | None = None) -> ShiftSignup:
    """The volunteer arrives (from an hour before the start until the end). Raises
    ``VolunteerError`` ``not_signed_up`` or ``shift_not_now``."""
    now = now or clock.now()
    signup = _own_signup(shift, volunteer)
    if not shift.starts_at - timedelta(hours=1) <= now <= shift.ends_at:
        raise VolunteerError("shift_not_now", _l("You can check in from an hour before the shift until its end."))
    if signup.checked_in_at is None:
        signup.checked_in_at = now
        db.session.flush()
        record("shift.checkin", signup, actor=volunteer.user, data={"shift_id": shift.id})
    return signup


def check_out_of_shift(shift: Shift, volunteer: VolunteerProfile, *, now: datetime | None = None) -> ShiftSignup:
    """The volunteer leaves: the shift is completed with the actual time served, rounded to
    15 minutes (from the later of arrival and the start, to the earlier of leaving and the end
    plus an hour). Raises ``VolunteerError`` ``not_signed_up`` or ``not_checked_in``, and
    ``YearClosedError`` when the shift's year has been closed meanwhile (the hours are frozen)."""
    now = now or clock.now()
    signup = _own_signup(shift, volunteer)
    if signup.checked_out_at is not None:  # a second tap changes nothing
        return signup
    if signup.checked_in_at is None:
        raise VolunteerError("not_checked_in", _l("Check in first."))
    guard_attendance(local_date(shift.starts_at), volunteer.user, "shift.checkout", signup)
    signup.checked_out_at = now
    start = max(signup.checked_in_at, shift.starts_at)
    end = min(now, shift.ends_at + timedelta(hours=1))
    served = Decimal(max((end - start).total_seconds(), 0)) / Decimal(3600)
    signup.hours = round_quarter(served)
    signup.status = "completed"
    db.session.flush()
    record("shift.checkout", signup, actor=volunteer.user, data={"hours": str(signup.hours)})
    return signup


def _own_signup(shift: Shift, volunteer: VolunteerProfile) -> ShiftSignup:
    signup = db.session.scalar(
        select(ShiftSignup).where(
            ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id,
            ShiftSignup.status.in_(("confirmed", "completed")),
        )
    )
    if signup is None:
        raise VolunteerError("not_signed_up", _l("You are not signed up for this shift."))
    return signup


def record_attendance(
    shift: Shift, volunteer: VolunteerProfile, *, status: str, hours: Decimal | None = None, actor,
    reason: str | None = None, reason_required: bool = True, now: datetime | None = None,
) -> ShiftSignup:
    """Staff mark a volunteer completed (with hours, by default the shift's length) or a
    no-show, whether or not they had signed up, once the shift has started. A correction
    replaces the earlier entry and keeps both in the audit log; it needs a reason, except
    where the caller's contract does not ask for one (``reason_required=False``: the JSON API
    of version 1). Raises ``ValidationError`` or ``VolunteerError("shift_not_started")``."""
    now = now or clock.now()
    if status not in ("completed", "no_show"):
        raise ValidationError({"status": _l("Choose one of: %(choices)s.", choices="completed, no_show")})
    if now < shift.starts_at:
        raise VolunteerError("shift_not_started", _l("Attendance can be recorded once the shift has started."))
    if hours is not None and not Decimal(0) <= hours <= Decimal(24):
        raise ValidationError({"hours": _l("Enter hours from 0 to 24.")})
    guard_attendance(local_date(shift.starts_at), actor, "shift.attendance", shift, reason=reason)
    signup = db.session.scalar(
        select(ShiftSignup).where(ShiftSignup.shift_id == shift.id, ShiftSignup.volunteer_id == volunteer.id)
    )
    before = None if signup is None else {"status": signup.status, "hours": str(signup.hours) if signup.hours is not None else None}
    if reason_required and before and before["status"] in ("completed", "no_show") and not (reason or "").strip():
        raise ValidationError({"reason": _l("Give the reason for the correction.")})
    if signup is None:
        signup = ShiftSignup(shift_id=shift.id, volunteer_id=volunteer.id, status=status, created_at=now)
        db.session.add(signup)
    signup.status = status
    signup.hours = (round_quarter(hours) if hours is not None else shift_length(shift)) if status == "completed" else None
    signup.by_user_id = actor.id
    db.session.flush()
    record(
        "shift.attendance.correct" if before and before["status"] in ("completed", "no_show") else "shift.attendance",
        signup, actor=actor,
        data={"shift_id": shift.id, "volunteer_id": volunteer.id, "before": before,
              "after": {"status": signup.status, "hours": str(signup.hours) if signup.hours is not None else None},
              "reason": reason},
    )
    return signup


def adjust_hours(volunteer: VolunteerProfile, hours: Decimal, *, reason: str, actor, day: date | None = None,
                 signup: ShiftSignup | None = None) -> HoursAdjustment:
    """Add (or take away) hours with a reason, e.g. preparation work at home. Audited."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _l("Give the reason for the correction.")})
    if hours == 0 or not Decimal(-1000) <= hours <= Decimal(1000):
        raise ValidationError({"hours": _l("Enter a number of hours other than 0, from -1000 to 1000.")})
    day = day or local_date(clock.now())
    guard_attendance(day, actor, "hours.adjust", volunteer, reason=reason)
    adjustment = HoursAdjustment(
        volunteer_id=volunteer.id, hours=hours, reason=reason.strip(), day=day,
        signup_id=signup.id if signup else None, by_user_id=actor.id,
    )
    db.session.add(adjustment)
    db.session.flush()
    record("hours.adjust", volunteer, actor=actor, data={"hours": str(hours), "adjustment_id": adjustment.id})
    return adjustment


# --- hours ------------------------------------------------------------------------------------


@dataclass
class HoursLine:
    day: date
    activity: str
    role: str
    hours: Decimal
    kind: str  # "shift" | "adjustment"
    note: str | None = None
    shift_id: int | None = None
    #: The shift's event, to show its title in the reader's language.
    event: object | None = None

    def activity_in(self, locale: str | None) -> str:
        return self.event.display_title(locale) if self.event is not None else self.activity


def day_span(start: date, end: date) -> tuple[datetime, datetime]:
    """The library days ``start``..``end`` (both included) as a half-open range of aware datetimes."""
    tz = library_tz()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def hours_lines(volunteer: VolunteerProfile, *, start: date | None = None, end: date | None = None) -> list[HoursLine]:
    """Each completed shift and each correction, by day: the ledger a certificate prints.
    ``start``/``end`` bound it in the database (two queries, whatever the period)."""
    lines = []
    stmt = (
        select(ShiftSignup, Shift, Event)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .outerjoin(Event, Event.id == Shift.event_id)
        .where(ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status == "completed")
        .order_by(Shift.starts_at, Shift.id)
    )
    adjustments = select(HoursAdjustment).where(HoursAdjustment.volunteer_id == volunteer.id)
    if start is not None:
        stmt = stmt.where(Shift.starts_at >= day_span(start, start)[0])
        adjustments = adjustments.where(HoursAdjustment.day >= start)
    if end is not None:
        stmt = stmt.where(Shift.starts_at < day_span(end, end)[1])
        adjustments = adjustments.where(HoursAdjustment.day <= end)
    for signup, shift, event in db.session.execute(stmt).all():
        lines.append(HoursLine(
            local_date(shift.starts_at), event.title if event else shift.role, shift.role, signup.hours or Decimal(0),
            "shift", shift_id=shift.id, event=event,
        ))
    for adjustment in db.session.scalars(adjustments.order_by(HoursAdjustment.day, HoursAdjustment.id)):
        lines.append(HoursLine(adjustment.day, adjustment.reason, "", adjustment.hours, "adjustment", adjustment.reason))
    return sorted(lines, key=lambda line: (line.day, line.kind))


def total_hours(lines: list[HoursLine]) -> Decimal:
    return sum((line.hours for line in lines), Decimal("0.00")).quantize(Decimal("0.01"))


def hours_by_year(volunteer: VolunteerProfile) -> dict[int, Decimal]:
    """The volunteer's hours in each year that has a line in their ledger: read as bare
    (time, hours) pairs, not as the ledger's lines with their shifts and events."""
    totals: dict[int, Decimal] = {}
    shift_hours = db.session.execute(
        select(Shift.starts_at, ShiftSignup.hours)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status == "completed")
    ).all()
    adjustments = db.session.execute(
        select(HoursAdjustment.day, HoursAdjustment.hours).where(HoursAdjustment.volunteer_id == volunteer.id)
    ).all()
    for when, hours in [*((local_date(starts_at), hours) for starts_at, hours in shift_hours), *adjustments]:
        totals[when.year] = totals.get(when.year, Decimal(0)) + Decimal(str(hours or 0))
    return {year: hours.quantize(Decimal("0.01")) for year, hours in totals.items()}


def all_hours(by_year: dict[int, Decimal]) -> Decimal:
    """The total of ``hours_by_year``: every year's hours."""
    return sum(by_year.values(), Decimal("0.00")).quantize(Decimal("0.01"))


def certificate_years(volunteer: VolunteerProfile, by_year: dict[int, Decimal] | None = None) -> list[int]:
    """The years a certificate can be made for, newest first: those with hours served."""
    by_year = hours_by_year(volunteer) if by_year is None else by_year
    return sorted((year for year, hours in by_year.items() if hours > 0), reverse=True)


def issue_certificate(volunteer: VolunteerProfile, *, start: date, end: date, now: datetime | None = None) -> Certificate:
    """Number and keep a certificate for the period, so that a printed one can be checked.
    Raises ``VolunteerError("no_hours")`` (422) when the period has no hours to certify: a
    certificate of nothing takes no number."""
    now = now or clock.now()
    lines = hours_lines(volunteer, start=start, end=end)
    if total_hours(lines) <= 0:
        raise VolunteerError(
            "no_hours", _l("No hours of service are recorded for this period, so there is nothing to certify."),
            status=422,
        )
    prefix = current_app.config["CERTIFICATE_PREFIX"]
    year = local_date(now).year
    existing = db.session.scalar(
        select(Certificate).where(
            Certificate.volunteer_id == volunteer.id, Certificate.period_start == start, Certificate.period_end == end,
            Certificate.hours == total_hours(lines),
        )
    )
    if existing is not None:
        return existing
    last = db.session.scalar(
        select(func.max(Certificate.number)).where(Certificate.number.like(f"{prefix}-{year}-%"))
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    certificate = Certificate(
        number=f"{prefix}-{year}-{sequence:06d}", volunteer_id=volunteer.id, period_start=start, period_end=end,
        hours=total_hours(lines), issued_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:
        raise VolunteerError(
            "certificate_busy", _l("Another certificate was being issued at the same moment. Please try again.")
        ) from None
    record("certificate.issue", certificate, actor=volunteer.user, data={"number": certificate.number})
    return certificate


# --- lookups -----------------------------------------------------------------------------------


def profile_of(user) -> VolunteerProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(VolunteerProfile).where(VolunteerProfile.user_id == user.id))


def open_calls(now: datetime | None = None) -> list[RecruitmentCall]:
    today = local_date(now or clock.now())
    return list(db.session.scalars(
        select(RecruitmentCall)
        .where(RecruitmentCall.status == "open", or_(RecruitmentCall.deadline.is_(None), RecruitmentCall.deadline >= today))
        .order_by(RecruitmentCall.deadline.is_(None), RecruitmentCall.deadline, RecruitmentCall.id)
    ))


def with_place():
    """What showing a shift reads (its event's title, its venue): loaded with the shift, not one by one."""
    return joinedload(Shift.event).joinedload(Event.venue)


def shifts_between(start: datetime, end: datetime, *, upcoming_only: bool = False):
    """The statement of the shifts that overlap ``start``..``end`` (unordered: the caller pages
    it), with their places; ``upcoming_only`` leaves out the shifts of cancelled events."""
    stmt = select(Shift).where(Shift.ends_at > start, Shift.starts_at < end).options(with_place())
    if upcoming_only:
        stmt = stmt.outerjoin(Event, Event.id == Shift.event_id).where(
            or_(Event.id.is_(None), Event.status != "cancelled")
        )
    return stmt


def upcoming_shifts(now: datetime | None = None, *, days: int = 60) -> list[Shift]:
    now = now or clock.now()
    return list(db.session.scalars(
        select(Shift)
        .outerjoin(Event, Event.id == Shift.event_id)
        .where(
            Shift.ends_at > now, Shift.starts_at < now + timedelta(days=days),
            or_(Event.id.is_(None), Event.status != "cancelled"),
        )
        .options(with_place())
        .order_by(Shift.starts_at)
    ))


def my_signups(volunteer: VolunteerProfile, now: datetime | None = None, *, start: datetime | None = None,
               end: datetime | None = None) -> list[ShiftSignup]:
    """The volunteer's confirmed and waiting sign-ups for shifts that have not ended (those
    starting in ``start``..``end`` when given), with their shifts, events and venues."""
    now = now or clock.now()
    stmt = (
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status.in_(("confirmed", "waitlisted")), Shift.ends_at > now)
        .options(joinedload(ShiftSignup.shift).joinedload(Shift.event).joinedload(Event.venue))
        .order_by(Shift.starts_at, Shift.id)
    )
    if start is not None:
        stmt = stmt.where(Shift.starts_at >= start)
    if end is not None:
        stmt = stmt.where(Shift.starts_at < end)
    return list(db.session.scalars(stmt))


def next_signup_from(volunteer: VolunteerProfile, when: datetime) -> ShiftSignup | None:
    """The volunteer's first confirmed or waiting sign-up for a shift starting at ``when`` or later."""
    return db.session.scalar(
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status.in_(("confirmed", "waitlisted")),
               Shift.starts_at >= when)
        .options(joinedload(ShiftSignup.shift).joinedload(Shift.event).joinedload(Event.venue))
        .order_by(Shift.starts_at, Shift.id)
        .limit(1)
    )


def offered_shifts(volunteer: VolunteerProfile, now: datetime, *, start: datetime, end: datetime):
    """The statement of the shifts starting in ``start``..``end`` that ``volunteer`` could
    still take: not started, their event not cancelled, not already theirs (confirmed or
    waiting). Ordered to the shift's id, for paging."""
    held = select(ShiftSignup.shift_id).where(
        ShiftSignup.volunteer_id == volunteer.id, ShiftSignup.status.in_(("confirmed", "waitlisted"))
    )
    return (
        select(Shift)
        .outerjoin(Event, Event.id == Shift.event_id)
        .where(
            Shift.starts_at >= start, Shift.starts_at < end, Shift.starts_at > now,
            or_(Event.id.is_(None), Event.status != "cancelled"),
            Shift.id.not_in(held),
        )
        .options(with_place())
        .order_by(Shift.starts_at, Shift.id)
    )


def waiting_positions(signups: list[ShiftSignup]) -> dict[int, int]:
    """Each waiting sign-up's place on its shift's waiting list (1 first), by sign-up id, in one query."""
    shift_ids = {signup.shift_id for signup in signups if signup.status == "waitlisted"}
    if not shift_ids:
        return {}
    place = func.row_number().over(
        partition_by=ShiftSignup.shift_id, order_by=(ShiftSignup.created_at, ShiftSignup.id)
    )
    ranked = select(ShiftSignup.id, place).where(
        ShiftSignup.shift_id.in_(shift_ids), ShiftSignup.status == "waitlisted"
    )
    wanted = {signup.id for signup in signups}
    return {signup_id: n for signup_id, n in db.session.execute(ranked).all() if signup_id in wanted}


def calendar_token(volunteer: VolunteerProfile) -> str:
    """The secret in a volunteer's shift-feed address, for calendar apps that cannot sign in."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"shift-feed:{volunteer.id}".encode(), hashlib.sha256).hexdigest()[:24]


def volunteer_for_calendar_token(volunteer_id: int, token: str) -> VolunteerProfile | None:
    volunteer = db.session.get(VolunteerProfile, volunteer_id)
    if volunteer is None or not hmac.compare_digest(calendar_token(volunteer), token or ""):
        return None
    return volunteer


def with_roster():
    """What a roster reads of each shift: its place, and its sign-ups with each volunteer's
    name and phone, in three queries for any number of shifts (not one per shift or person)."""
    return (
        with_place(),
        selectinload(Shift.signups).joinedload(ShiftSignup.volunteer).joinedload(VolunteerProfile.user),
    )


def roster(shifts: list[Shift]) -> list[tuple[Shift, list[ShiftSignup]]]:
    """Each shift with its confirmed, completed and waiting volunteers, in sign-up order."""
    return [
        (shift, sorted(
            (s for s in shift.signups if s.status in ("confirmed", "completed", "waitlisted", "no_show")),
            key=lambda s: (s.status == "waitlisted", s.created_at, s.id),
        ))
        for shift in shifts
    ]


def reminders_due(now: datetime | None = None) -> list[ShiftSignup]:
    """Confirmed sign-ups for shifts that start tomorrow (library time)."""
    now = now or clock.now()
    tomorrow = local_date(now) + timedelta(days=1)
    tz = library_tz()
    start = datetime.combine(tomorrow, time.min, tzinfo=tz)
    return list(db.session.scalars(
        select(ShiftSignup)
        .join(Shift, Shift.id == ShiftSignup.shift_id)
        .where(ShiftSignup.status == "confirmed", Shift.starts_at >= start, Shift.starts_at < start + timedelta(days=1))
        .order_by(Shift.starts_at)
    ))

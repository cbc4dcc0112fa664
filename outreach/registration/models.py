"""Registrations (one ticket each, whatever the party size), check-ins and walk-in counts."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Time, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.events.models import Event
from outreach.models import Base, TimestampMixin, UTCDateTime, one_of, utcnow
from outreach.text import NAME_MAX

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
WALKIN_SOURCES = ("door", "self", "headcount")
#: What a group registration is: a school class, a kindergarten, a community or a company group.
GROUP_KINDS = ("school_class", "kindergarten", "community", "company")
#: The longest organisation name and description of needs a group may give.
ORGANISATION_MAX = 200
GROUP_NEEDS_MAX = 500


class Registration(TimestampMixin, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint(one_of("status", REGISTRATION_STATUSES), name="status_known"),
        CheckConstraint("party_size >= 1", name="party_size_positive"),
        CheckConstraint(one_of("group_kind", GROUP_KINDS, nullable=True), name="group_kind_known"),
        # A group's party is its children and adults: never two numbers that disagree.
        CheckConstraint(
            "group_kind IS NULL OR (group_children >= 0 AND group_adults >= 0"
            " AND group_children + group_adults = party_size)",
            name="group_numbers_add_up",
        ),
        # An event's registrations in the order its staff page and the API list them: a page of
        # 50 of 5,000 reads 50 rows (and it serves every look-up by event).
        Index("ix_registrations_event_id_created_at", "event_id", "created_at", "id"),
        # Check-ins joined to their registration for the party size (attendance, the door, the
        # reports): read from the index alone, not from the whole table.
        Index("ix_registrations_id_party_size", "id", "party_size"),
        # The scanner's roster asks for an event's entries changed since its last answer.
        Index("ix_registrations_event_id_changed_at", "event_id", "changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    #: SHA-256 (hex) of the ticket token, to find the registration a scanned ticket stands for.
    ticket_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: Random; with the server's secret key it gives the ticket token again (for reprints,
    #: mails, a repeated request). A copy of the database alone gives no usable ticket.
    ticket_seed: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    #: A keyed digest (HMAC-SHA256 with the secret key) of the normalised phone number: tells
    #: people apart for the reports' unique people, and stays when the phone is anonymised.
    phone_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    #: People this one ticket admits (a parent and child, a school class).
    party_size: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    #: Set for a group registration (``GROUP_KINDS``): the name and phone are its leader's, and
    #: the party is ``group_children`` + ``group_adults``. None for an individual's.
    group_kind: Mapped[str | None] = mapped_column(String(16))
    group_organisation: Mapped[str | None] = mapped_column(String(ORGANISATION_MAX))
    group_children: Mapped[int | None] = mapped_column(Integer)
    group_adults: Mapped[int | None] = mapped_column(Integer)
    #: Accessibility and other needs, as the leader wrote them (personal: erased with the rest).
    group_needs: Mapped[str | None] = mapped_column(String(GROUP_NEEDS_MAX))
    #: When the group expects to arrive (library time).
    group_arrival: Mapped[time | None] = mapped_column(Time)
    #: Answers to the event's extra questions (school, grade, age group ...).
    answers: Mapped[dict | None] = mapped_column(JSON)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the personal data were erased after the retention period; counts stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the waiting list gave this registration its place.
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The submitting form's or API client's idempotency key: a repeated request finds this row.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: How it was made: "web" (event page), "api", "staff".
    source: Mapped[str] = mapped_column(String(8), nullable=False, default="web", server_default="web")
    #: The language the registrant used (the page's or the API request's): their messages are in it.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: When the day-before reminder was written (at most one per registration).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: For a contestant who advanced in a competition: their registration in the round before.
    advanced_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL"), unique=True
    )
    #: When anything of the row last changed (``clock.now()``, on every ORM flush and every
    #: Core ``update()`` of the table): what the scanner's roster sends a device that has
    #: the rest. A change the row does not hold itself (a check-in taken back) sets it by hand.
    changed_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    event: Mapped[Event] = relationship()
    checkins: Mapped[list[CheckIn]] = relationship(back_populates="registration", cascade="all, delete-orphan")

    @property
    def is_group(self) -> bool:
        return self.group_kind is not None

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"


class CheckIn(Base):
    """One admission of a whole party on one day (a multi-day event admits once a day)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("registration_id", "day", name="uq_checkins_registration_id_day"),
        CheckConstraint("headcount IS NULL OR headcount >= 1", name="headcount_positive"),
        # A day's check-ins: at the door of a multi-day event (event and day) and in the
        # reports (a range of days).
        Index("ix_checkins_day_event_id", "day", "event_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The library-time date of the check-in.
    day: Mapped[date] = mapped_column(Date, nullable=False)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: When the server stored it (``checked_in_at`` is the scanner's time for an offline
    #: admission, which may be long before): the scanner's roster sends what came since.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, server_default=func.now())
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A scanner's idempotency key, so that a re-sent offline check-in counts once.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Where it came from: door scanner, staff search, self check-in, offline sync.
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="door", server_default="door")
    #: The scanner device (a random id each scanner page keeps), to tell devices apart.
    device_id: Mapped[str | None] = mapped_column(String(64))
    #: How many of the party actually came (a group of 45 of whom 42 came); None: the whole
    #: party. What the counts count (``counted``), never more than the party.
    headcount: Mapped[int | None] = mapped_column(Integer)

    registration: Mapped[Registration] = relationship(back_populates="checkins")

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} reg={self.registration_id} {self.day}>"


def people_admitted():
    """The SQL of the people a check-in counts: its ``headcount`` when the door recorded how
    many came, else the whole party (a query joins ``CheckIn`` to its ``Registration``)."""
    return func.coalesce(CheckIn.headcount, Registration.party_size)


class CheckInConflict(Base):
    """A ticket admitted offline on one device after another device had admitted it:
    the door let a party in twice, and staff should know."""

    __tablename__ = "checkin_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False
    )
    #: The check-in that counted (the first one).
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), nullable=False)
    device_id: Mapped[str | None] = mapped_column(String(64))
    #: When the second device admitted the party, by its own clock.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    registration: Mapped[Registration] = relationship()
    checkin: Mapped[CheckIn] = relationship()

    def __repr__(self) -> str:
        return f"<CheckInConflict {self.id} reg={self.registration_id}>"


class WalkIn(Base):
    """People admitted without a ticket, or a headcount recorded for a day."""

    __tablename__ = "walkins"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint(one_of("source", WALKIN_SOURCES), name="source_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="door", server_default="door")
    #: A scanner's idempotency key, as for check-ins.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    device_id: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<WalkIn {self.id} event={self.event_id} +{self.count}>"

"""Events, their partners and exhibits. The places they happen at (branches, venues) and the
series and partners they belong to are the places area's tables (``outreach.places.models``)."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.i18n import LocalizedTitle
from outreach.models import Base, TimestampMixin, UTCDateTime, one_of, utcnow
from outreach.places.models import HasCover, Partner, Series, Venue

if TYPE_CHECKING:  # relationships to areas above: named here for the types only
    from outreach.competitions.models import Round
    from outreach.recurrences.models import Recurrence

EVENT_TYPES = ("lecture", "exhibition", "competition", "activity", "visit", "training", "class")
EVENT_STATUSES = ("draft", "published", "completed", "cancelled")
REGISTRATION_MODES = ("open", "none")
#: "staff" marks internal trainings, which are not reader activities in the statistics.
AUDIENCES = ("all", "children", "teens", "adults", "seniors", "families", "staff")
PARTNER_ROLES = ("co_organiser", "sponsor", "naming_sponsor", "host")

# The limits of an event's fields: the columns, the service, the forms, the API and its
# OpenAPI description all read them from here.
TITLE_MAX = 200
DESCRIPTION_MAX = 20000
SPEAKER_MAX = 120
BIO_MAX = 5000
#: Why a room was booked although taken.
REASON_MAX = 500
#: Set-up before and tear-down after an event, in minutes (the room is taken meanwhile).
BUFFER_MINUTES_MAX = 1440
#: How long before the start the door may open, in minutes (a week at most).
CHECKIN_OPENS_MAX = 7 * 24 * 60
CHECKIN_OPENS_DEFAULT = 120
DEFAULT_MAX_PARTY_SIZE = 100


class EventPartner(Base):
    __tablename__ = "event_partners"
    __table_args__ = (CheckConstraint(one_of("role", PARTNER_ROLES), name="role_known"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)

    event: Mapped[Event] = relationship(back_populates="partner_links")
    partner: Mapped[Partner] = relationship()


class Event(HasCover, LocalizedTitle, TimestampMixin, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(one_of("type", EVENT_TYPES), name="type_known"),
        CheckConstraint(one_of("status", EVENT_STATUSES), name="status_known"),
        CheckConstraint(one_of("registration", REGISTRATION_MODES), name="registration_known"),
        CheckConstraint(one_of("audience", AUDIENCES), name="audience_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("max_party_size >= 1", name="max_party_size_positive"),
        CheckConstraint("groups_capacity IS NULL OR groups_capacity >= 0", name="groups_capacity_not_negative"),
        CheckConstraint("max_group_size IS NULL OR max_group_size >= 1", name="max_group_size_positive"),
        CheckConstraint("checkin_opens_minutes >= 0", name="checkin_opens_not_negative"),
        CheckConstraint("session_number IS NULL OR session_number >= 1", name="session_number_positive"),
        CheckConstraint(f"setup_minutes BETWEEN 0 AND {BUFFER_MINUTES_MAX}", name="setup_minutes_range"),
        CheckConstraint(f"teardown_minutes BETWEEN 0 AND {BUFFER_MINUTES_MAX}", name="teardown_minutes_range"),
        UniqueConstraint("series_id", "session_number", name="uq_events_series_id_session_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="draft", server_default="draft")
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    #: The English title, shown to English readers when given.
    title_en: Mapped[str | None] = mapped_column(String(TITLE_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    #: Indexed: "not ended yet" (the programme, the API, calendars) must not read years of history.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    #: Daily opening hours (library time) of a multi-day event such as an exhibition.
    daily_opens_at: Mapped[time | None] = mapped_column(Time)
    daily_closes_at: Mapped[time | None] = mapped_column(Time)
    venue_id: Mapped[int] = mapped_column(ForeignKey("venues.id", ondelete="RESTRICT"), nullable=False, index=True)
    #: People (party sizes summed) the event admits by registration; None means no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: "open": attendees register for tickets; "none": they just come (walk-ins, headcounts).
    registration: Mapped[str] = mapped_column(String(8), nullable=False, default="open", server_default="open")
    #: The largest party one registration may bring (a school class).
    max_party_size: Mapped[int] = mapped_column(
        Integer, nullable=False, default=DEFAULT_MAX_PARTY_SIZE, server_default=str(DEFAULT_MAX_PARTY_SIZE)
    )
    #: The seats all group registrations together may hold (e.g. half the capacity); None: no
    #: cap of their own (the event's capacity still holds).
    groups_capacity: Mapped[int | None] = mapped_column(Integer)
    #: The largest party one group registration may bring; None: ``max_party_size``.
    max_group_size: Mapped[int | None] = mapped_column(Integer)
    #: How long before the start the door opens for check-in.
    checkin_opens_minutes: Mapped[int] = mapped_column(
        Integer, nullable=False, default=CHECKIN_OPENS_DEFAULT, server_default=str(CHECKIN_OPENS_DEFAULT)
    )
    audience: Mapped[str] = mapped_column(String(16), nullable=False, default="all", server_default="all")
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"), index=True)
    session_number: Mapped[int | None] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(SPEAKER_MAX))
    speaker_bio: Mapped[str | None] = mapped_column(Text)
    speaker_bio_en: Mapped[str | None] = mapped_column(Text)
    #: Minutes the room is taken before the start and after the end (chairs, screen, clearing up).
    setup_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    teardown_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: Why a staff member kept this event although its room was booked at the same time.
    booking_override_reason: Mapped[str | None] = mapped_column(String(REASON_MAX))
    #: The weekly pattern this event is an occurrence of (三点半课堂), if any.
    recurrence_id: Mapped[int | None] = mapped_column(
        ForeignKey("recurrences.id", ondelete="SET NULL"), index=True
    )
    #: The competition round this event is a sitting of (a round may sit at several venues).
    round_id: Mapped[int | None] = mapped_column(ForeignKey("competition_rounds.id", ondelete="RESTRICT"), index=True)
    #: When registration opens and closes; None means from publication until the event ends.
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Extra questions a registrant answers: [{"key", "label", "label_en", "required", "choices"?}].
    questions: Mapped[list | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow, server_default=text("CURRENT_TIMESTAMP")
    )

    venue: Mapped[Venue] = relationship()
    series: Mapped[Series | None] = relationship(back_populates="events")
    partner_links: Mapped[list[EventPartner]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    exhibits: Mapped[list[Exhibit]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Exhibit.position"
    )
    recurrence: Mapped[Recurrence | None] = relationship(back_populates="events")
    round: Mapped[Round | None] = relationship(back_populates="sittings")

    def display_speaker_bio(self, locale: str | None) -> str | None:
        if locale and locale.startswith("en") and self.speaker_bio_en:
            return self.speaker_bio_en
        return self.speaker_bio

    @property
    def takes_registrations(self) -> bool:
        return self.registration == "open"

    @property
    def largest_group(self) -> int:
        """The most people one group registration may bring: ``max_group_size`` (or else the
        largest party), never more than the seats for groups or the event's capacity (a group
        larger than those could only wait for ever). 0: the event takes no groups."""
        largest = self.max_group_size or self.max_party_size
        for cap in (self.groups_capacity, self.capacity):
            if cap is not None:
                largest = min(largest, cap)
        return largest

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.type} {self.status}>"


class Exhibit(Base):
    """One work shown in an exhibition: a child's painting, a calligraphy, a photograph."""

    __tablename__ = "exhibits"
    __table_args__ = (CheckConstraint("age IS NULL OR (age >= 0 AND age <= 120)", name="age_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The order in the catalogue, from 1.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), nullable=False)
    creator: Mapped[str] = mapped_column(String(120), nullable=False)
    #: The creator's age when the work was made (children's exhibitions list it).
    age: Mapped[int | None] = mapped_column(Integer)
    school: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(String(500))

    event: Mapped[Event] = relationship(back_populates="exhibits")

    def __repr__(self) -> str:
        return f"<Exhibit {self.id} event={self.event_id}>"

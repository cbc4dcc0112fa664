"""Registrations (one ticket each, whatever the party size), check-ins and walk-in counts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, TimestampMixin, UTCDateTime

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
WALKIN_SOURCES = ("door", "self", "headcount")


class Registration(TimestampMixin, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"),
        CheckConstraint("party_size >= 1", name="party_size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    #: SHA-256 (hex) of the ticket's secret; the ticket token itself is never stored.
    ticket_digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    #: People this one ticket admits (a parent and child, a school class).
    party_size: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")
    #: Answers to the event's extra questions (school, grade, age group ...).
    answers: Mapped[dict | None] = mapped_column(JSON)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the personal data were erased after the retention period; counts stay.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    event = relationship("Event")
    checkins: Mapped[list[CheckIn]] = relationship(back_populates="registration", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.status}>"


class CheckIn(Base):
    """One admission of a whole party on one day (a multi-day event admits once a day)."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("registration_id", "day", name="uq_checkins_registration_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The library-time date of the check-in.
    day: Mapped[date] = mapped_column(Date, nullable=False)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: A scanner's idempotency key, so that a re-sent offline check-in counts once.
    client_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Where it came from: door scanner, staff search, self check-in, offline sync.
    source: Mapped[str] = mapped_column(String(16), nullable=False, default="door", server_default="door")

    registration: Mapped[Registration] = relationship(back_populates="checkins")

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} reg={self.registration_id} {self.day}>"


class WalkIn(Base):
    """People admitted without a ticket, or a headcount recorded for a day."""

    __tablename__ = "walkins"
    __table_args__ = (
        CheckConstraint("count >= 1", name="count_positive"),
        CheckConstraint("source IN ('door', 'self', 'headcount')", name="source_known"),
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

    def __repr__(self) -> str:
        return f"<WalkIn {self.id} event={self.event_id} +{self.count}>"

"""Volunteers' profiles, shifts and shift sign-ups (which also carry the hours served)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, TimestampMixin, UTCDateTime

VOLUNTEER_STATUSES = ("applicant", "active", "paused", "archived", "rejected")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled", "completed", "no_show")


class VolunteerProfile(TimestampMixin, Base):
    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        CheckConstraint(
            "status IN ('applicant', 'active', 'paused', 'archived', 'rejected')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="applicant", server_default="applicant")
    phone: Mapped[str | None] = mapped_column(String(32))
    #: Free-form skills, e.g. "calligraphy, storytelling, photography".
    skills: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str | None] = mapped_column(String(200))
    #: Weekly availability: {"mon": ["am", "pm"], ...}.
    availability: Mapped[dict | None] = mapped_column(JSON)
    motivation: Mapped[str | None] = mapped_column(Text)
    emergency_contact: Mapped[str | None] = mapped_column(String(200))
    is_minor: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    guardian_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The reviewer's note on approval or rejection.
    review_note: Mapped[str | None] = mapped_column(Text)

    user = relationship("User", back_populates="volunteer_profile", foreign_keys=[user_id])
    signups: Mapped[list[ShiftSignup]] = relationship(back_populates="volunteer")

    def __repr__(self) -> str:
        return f"<VolunteerProfile {self.id} {self.status}>"


class Shift(TimestampMixin, Base):
    """A volunteer duty: tied to an event, or a standing duty such as the service desk."""

    __tablename__ = "shifts"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("slots >= 1", name="slots_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: How many volunteers the shift needs; sign-ups beyond it wait.
    slots: Mapped[int] = mapped_column(Integer, nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    event = relationship("Event")
    signups: Mapped[list[ShiftSignup]] = relationship(back_populates="shift", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Shift {self.id} event={self.event_id}>"


class ShiftSignup(TimestampMixin, Base):
    __tablename__ = "shift_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id", name="uq_shift_signups_shift_id_volunteer_id"),
        CheckConstraint(
            "status IN ('confirmed', 'waitlisted', 'cancelled', 'completed', 'no_show')", name="status_known"
        ),
        CheckConstraint("hours IS NULL OR hours >= 0", name="hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id", ondelete="CASCADE"), nullable=False)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Hours credited for this shift once it is completed (None until then).
    hours: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    shift: Mapped[Shift] = relationship(back_populates="signups")
    volunteer: Mapped[VolunteerProfile] = relationship(back_populates="signups")

    def __repr__(self) -> str:
        return f"<ShiftSignup {self.id} shift={self.shift_id} {self.status}>"

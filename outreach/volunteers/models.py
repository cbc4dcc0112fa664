"""Volunteers' profiles, shifts and shift sign-ups (which also carry the hours served)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.accounts.models import User
from outreach.events.models import Event
from outreach.models import Base, TimestampMixin, UTCDateTime, one_of

CALL_STATUSES = ("open", "closed")
VOLUNTEER_STATUSES = ("applicant", "active", "paused", "archived", "rejected")
SIGNUP_STATUSES = ("confirmed", "waitlisted", "cancelled", "completed", "no_show")
#: The days and parts of a day of a volunteer's weekly availability (``VolunteerProfile.availability``).
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERIODS = ("am", "pm", "eve")


class RecruitmentCall(TimestampMixin, Base):
    """A public call for cultural volunteers (文化志愿者招募), shown on /volunteer."""

    __tablename__ = "recruitment_calls"
    __table_args__ = (CheckConstraint(one_of("status", CALL_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    description_en: Mapped[str | None] = mapped_column(Text)
    #: The roles wanted, e.g. "签到引导、场地引导、计分协助".
    roles: Mapped[str | None] = mapped_column(Text)
    roles_en: Mapped[str | None] = mapped_column(Text)
    skills_wanted: Mapped[str | None] = mapped_column(Text)
    skills_wanted_en: Mapped[str | None] = mapped_column(Text)
    #: How much time a volunteer gives, in words: "每月至少 4 小时".
    commitment: Mapped[str | None] = mapped_column(String(200))
    commitment_en: Mapped[str | None] = mapped_column(String(200))
    deadline: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open", server_default="open")

    def __repr__(self) -> str:
        return f"<RecruitmentCall {self.id} {self.status}>"


class VolunteerProfile(TimestampMixin, Base):
    __tablename__ = "volunteer_profiles"
    __table_args__ = (
        CheckConstraint(one_of("status", VOLUNTEER_STATUSES), name="status_known"),
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
    #: The call this person answered, if any.
    call_id: Mapped[int | None] = mapped_column(ForeignKey("recruitment_calls.id", ondelete="SET NULL"))
    guardian_name: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User] = relationship(back_populates="volunteer_profile", foreign_keys=[user_id])
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
    #: Indexed: shifts in a window ("ends after the start, starts before the end") and upcoming
    #: shifts must not read years of past shifts.
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, index=True)
    #: How many volunteers the shift needs; sign-ups beyond it wait.
    slots: Mapped[int] = mapped_column(Integer, nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Only volunteers trained on this topic (a Training's topic, e.g. "消防安全") may sign up.
    required_topic: Mapped[str | None] = mapped_column(String(100))
    #: Only volunteers who list this skill may sign up.
    required_skill: Mapped[str | None] = mapped_column(String(100))
    #: Sign-up opens then; None: the library's default number of days before the shift.
    signup_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Hours before the start after which only staff can remove a volunteer; None: the default.
    cancel_cutoff_hours: Mapped[int | None] = mapped_column(Integer)

    event: Mapped[Event | None] = relationship()
    signups: Mapped[list[ShiftSignup]] = relationship(back_populates="shift", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Shift {self.id} event={self.event_id}>"


class ShiftSignup(TimestampMixin, Base):
    __tablename__ = "shift_signups"
    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id", name="uq_shift_signups_shift_id_volunteer_id"),
        CheckConstraint(one_of("status", SIGNUP_STATUSES), name="status_known"),
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
    #: Staff who removed the volunteer after the cut-off, or recorded the attendance.
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    shift: Mapped[Shift] = relationship(back_populates="signups")
    volunteer: Mapped[VolunteerProfile] = relationship(back_populates="signups")

    def __repr__(self) -> str:
        return f"<ShiftSignup {self.id} shift={self.shift_id} {self.status}>"


class Training(TimestampMixin, Base):
    """A training session for volunteers (fire safety, reading-room keepers)."""

    __tablename__ = "trainings"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    title_en: Mapped[str | None] = mapped_column(String(200))
    #: What it qualifies for, matched against Shift.required_topic.
    topic: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    location: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    attendees: Mapped[list[TrainingAttendance]] = relationship(back_populates="training", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Training {self.id}>"


class TrainingAttendance(Base):
    __tablename__ = "training_attendances"

    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), primary_key=True)

    training: Mapped[Training] = relationship(back_populates="attendees")
    volunteer: Mapped[VolunteerProfile] = relationship()


class HoursAdjustment(TimestampMixin, Base):
    """A staff correction of a volunteer's hours (plus or minus), with its reason."""

    __tablename__ = "hours_adjustments"
    __table_args__ = (CheckConstraint("hours <> 0", name="hours_not_zero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    #: The library day the hours belong to (for yearly totals).
    day: Mapped[date] = mapped_column(Date, nullable=False)
    signup_id: Mapped[int | None] = mapped_column(ForeignKey("shift_signups.id", ondelete="SET NULL"))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<HoursAdjustment {self.id} {self.hours}>"


class Certificate(Base):
    """An issued hours certificate (志愿服务证明), numbered, so that it can be verified later."""

    __tablename__ = "certificates"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Printed on the certificate, e.g. "LL-2026-000012".
    number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.id", ondelete="CASCADE"), nullable=False, index=True
    )
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    volunteer: Mapped[VolunteerProfile] = relationship()

    def __repr__(self) -> str:
        return f"<Certificate {self.number}>"

"""Weekly patterns (三点半课堂) and the dates they skip. Each occurrence is an ordinary event
(``Event.recurrence_id``), made and changed through the event services."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, TimestampMixin

if TYPE_CHECKING:
    from outreach.events.models import Event


class Recurrence(TimestampMixin, Base):
    """A weekly pattern (weekdays at 15:30, from one date to another) whose occurrences are
    ordinary events; the dates in ``exceptions`` (holidays) have none."""

    __tablename__ = "recurrences"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("end_time > start_time", name="end_time_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO weekdays the event takes place on, as digits 1 (Monday) to 7 (Sunday): "12345".
    weekdays: Mapped[str] = mapped_column(String(7), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    #: Library time of day.
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    events: Mapped[list[Event]] = relationship(back_populates="recurrence", order_by="Event.starts_at")
    exceptions: Mapped[list[RecurrenceException]] = relationship(
        back_populates="recurrence", cascade="all, delete-orphan", order_by="RecurrenceException.day"
    )

    def __repr__(self) -> str:
        return f"<Recurrence {self.id} {self.weekdays}>"


class RecurrenceException(Base):
    """A date a weekly pattern skips, with why (国庆节, a school holiday)."""

    __tablename__ = "recurrence_exceptions"
    __table_args__ = (UniqueConstraint("recurrence_id", "day", name="uq_recurrence_exceptions_recurrence_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recurrence_id: Mapped[int] = mapped_column(
        ForeignKey("recurrences.id", ondelete="CASCADE"), nullable=False, index=True
    )
    day: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(120))

    recurrence: Mapped[Recurrence] = relationship(back_populates="exceptions")

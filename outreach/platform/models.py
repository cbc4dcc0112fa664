"""The audit log, the library's settings and its closed years."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, UTCDateTime, one_of, utcnow
from outreach.years import REPORT_YEARS

if TYPE_CHECKING:  # a relationship to an area above: named here for the type only
    from outreach.accounts.models import User

EXPORT_STATUSES = ("queued", "running", "done", "failed")


class AuditEntry(Base):
    """Who did what to which record. ``data`` holds ids and changed values, never contact details."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: A dotted verb, e.g. "event.create", "user.login", "checkin.undo".
    action: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    #: The event the change concerns (the event itself, a registration's, a shift's), so that
    #: an event's history is one indexed look-up. No foreign key: the history outlives the event.
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


class Setting(Base):
    """A library-wide setting, or a marker such as the demo data having been loaded."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000), nullable=False)

    def __repr__(self) -> str:
        return f"<Setting {self.key}>"


class ExportJob(Base):
    """A long-running export made in the background (all tickets of an event as one PDF),
    with its progress, so that any worker can show it while it is made."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(one_of("status", EXPORT_STATUSES), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued", server_default="queued")
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: The finished file, relative to the instance folder.
    path: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.kind} {self.status}>"


class ClosedYear(Base):
    """A year whose figures are frozen: staff may no longer change its attendance."""

    __tablename__ = "closed_years"
    __table_args__ = (CheckConstraint(f"year BETWEEN {REPORT_YEARS[0]} AND {REPORT_YEARS[1]}", name="year_sane"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<ClosedYear {self.year}>"

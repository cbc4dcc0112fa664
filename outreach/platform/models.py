"""The audit log, the library's settings, its closed years, background exports and the outbox
of messages to people."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, UTCDateTime, one_of, utcnow
from outreach.years import REPORT_YEARS

if TYPE_CHECKING:  # a relationship to an area above: named here for the type only
    from outreach.accounts.models import User

#: An export: ``queued``, ``running``, ``done`` (its file is kept), ``failed``, ``expired``
#: (its file was removed: downloaded and past the grace, or never downloaded in time).
EXPORT_STATUSES = ("queued", "running", "done", "failed", "expired")
#: A message in the outbox: ``queued`` (waiting for its next try), ``sending`` (a worker has
#: it), ``sent`` (the mail server took it), ``held`` (no mail server is configured: kept, and
#: sent once one is), ``failed`` (tried for three days; staff may try again).
MESSAGE_STATUSES = ("queued", "sending", "sent", "held", "failed")
#: How a message goes: ``email`` (through the mail server) or ``sms`` (a text message through
#: the SMS provider, to a patron who gave only a mobile number).
MESSAGE_CHANNELS = ("email", "sms")


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
    """A long-running export made in the background (all tickets of an event, a roster, the
    annual report) with its progress, so that any worker can show it while it is made; its file
    is kept until downloaded (and a short grace after) or until it expires
    (``outreach.platform.exports``)."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint(one_of("status", EXPORT_STATUSES), name="status_known"),
        Index("ix_export_jobs_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What is made, e.g. "tickets", "roster_day", "annual_report" (see ``exports.KINDS``).
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the kind needs to make it again (a day, a year): ids and dates, never personal data.
    params: Mapped[dict | None] = mapped_column(JSON)
    #: The language it is made in.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Kind, parameters and language in one string: the same export asked for twice while the
    #: first is still queued or running is that first one.
    key: Mapped[str | None] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="queued", server_default="queued")
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    #: The finished file, relative to the instance folder.
    path: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The first download: the file is kept a short grace after it (a broken download is repeated).
    downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the file is removed (by the periodic ``expire_exports``).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by: Mapped[User | None] = relationship()

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


class OutboxMessage(Base):
    """A message to a person, written in the same transaction as the change that causes it and
    delivered after the commit by a job (``outreach.platform.mail``), tried again with back-off
    until the mail server takes it. The event and volunteer it concerns are kept (no foreign
    key: what was told outlives the record) so that staff see what each was told."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(one_of("status", MESSAGE_STATUSES), name="status_known"),
        CheckConstraint(one_of("channel", MESSAGE_CHANNELS), name="channel_known"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What kind of message, e.g. "registration.confirmed", "volunteer.reminder".
    kind: Mapped[str] = mapped_column(String(48), nullable=False, default="", server_default="")
    channel: Mapped[str] = mapped_column(String(8), nullable=False, default="email", server_default="email")
    #: An e-mail address, or for an SMS the normalised mobile number.
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    #: The text as the person reads it (for an SMS: the template filled in, for staff to read).
    body: Mapped[str] = mapped_column(Text, nullable=False)
    #: An SMS's template code and variables, as JSON text: what the provider is sent.
    sms_template: Mapped[str | None] = mapped_column(String(32))
    sms_params: Mapped[str | None] = mapped_column(Text)
    #: The language it is written in.
    locale: Mapped[str | None] = mapped_column(String(8))
    event_id: Mapped[int | None] = mapped_column(Integer, index=True)
    volunteer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="queued", server_default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Past this time a message that still fails is given up (``failed``).
    give_up_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: When a worker took it: one that died while sending leaves it ``sending``; past a few
    #: minutes it is queued again.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The kind of the last error (never the server's text, which may hold addresses).
    last_error: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"

"""People who sign in (admins, staff, volunteers) and their API tokens. Attendees have no account."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.i18n import LOCALES
from outreach.models import Base, TimestampMixin, UTCDateTime, one_of
from outreach.text import NAME_MAX

if TYPE_CHECKING:  # relationships to areas above: named here for the types only
    from outreach.places.models import Branch
    from outreach.volunteers.models import VolunteerProfile


class Role(str, enum.Enum):
    ADMIN = "admin"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    #: The keeper (管理员) of one village reading room or of the book bus: records what happens
    #: there (``User.branch_id`` names the place) and nothing else.
    KEEPER = "keeper"


ROLES = tuple(r.value for r in Role)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role_known"),
        CheckConstraint(one_of("locale", LOCALES, nullable=True), name="locale_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Always stored lower-case; the log-in identifier.
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_MAX), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    #: The interface language this person chose; None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Staff may be scoped to one branch; None means the whole library. A keeper's place.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="SET NULL"))
    is_active_account: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=True, server_default=text("true")
    )
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Part of every session's id ("id:version"): raised on log-out, a password change or
    #: reset and an admin's "sign out everywhere", so that every older session cookie is refused.
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default=text("1"))

    branch: Mapped[Branch | None] = relationship()
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", cascade="all, delete-orphan")
    volunteer_profile: Mapped[VolunteerProfile | None] = relationship(
        back_populates="user", foreign_keys="VolunteerProfile.user_id"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled account cannot sign in
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: what the session cookie holds
        return f"{self.id}:{self.session_version or 1}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class ApiToken(TimestampMixin, Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    #: SHA-256 of the token, hex; the token itself is shown once and never stored.
    digest: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: The first characters of the token, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="tokens")

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"

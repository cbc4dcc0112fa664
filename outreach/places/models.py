"""The places and programmes events belong to: branches (the central library, its branches,
village reading rooms), their venues, series (星海讲坛) and partners. Their rules are in
``outreach.places.services``; events point at these rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.i18n import LocalizedName
from outreach.models import Base, TimestampMixin, one_of

if TYPE_CHECKING:  # a relationship to an area above: named here for the type only
    from outreach.events.models import Event

BRANCH_KINDS = ("central", "branch", "village", "mobile", "partner")
VENUE_KINDS = ("room", "hall", "exhibition", "outdoor", "external", "online")


class Branch(LocalizedName, TimestampMixin, Base):
    __tablename__ = "branches"
    __table_args__ = (CheckConstraint(one_of("kind", BRANCH_KINDS), name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    #: central library, branch, village reading room, mobile book bus, or a partner's site.
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    address: Mapped[str | None] = mapped_column(String(255))
    #: An archived branch keeps its history but is not offered for new events.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=text("true"))

    venues: Mapped[list[Venue]] = relationship(back_populates="branch")

    def __repr__(self) -> str:
        return f"<Branch {self.id} {self.kind}>"


class Venue(LocalizedName, TimestampMixin, Base):
    __tablename__ = "venues"
    __table_args__ = (
        CheckConstraint(one_of("kind", VENUE_KINDS), name="kind_known"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        UniqueConstraint("branch_id", "name", name="uq_venues_branch_id_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), nullable=False, default="room", server_default="room")
    address: Mapped[str | None] = mapped_column(String(255))
    #: Seats or people the room holds; None when it has no fixed limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: An archived venue keeps its history but is not offered for new events.
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=text("true"))

    branch: Mapped[Branch | None] = relationship(back_populates="venues")

    @property
    def bookable(self) -> bool:
        """Whether two events here at once clash (an online venue holds any number)."""
        return self.kind != "online"

    def __repr__(self) -> str:
        return f"<Venue {self.id}>"


#: The longest alternative text of a cover image.
COVER_ALT_MAX = 200


class HasCover:
    """A cover image staff uploaded (an event's or a series'): the name its resized files are
    kept under (unguessable; ``outreach.events.covers``), and the text that describes it."""

    cover_key: Mapped[str | None] = mapped_column(String(32))
    cover_alt: Mapped[str | None] = mapped_column(String(COVER_ALT_MAX))


class Series(HasCover, LocalizedName, TimestampMixin, Base):
    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id", ondelete="SET NULL"))

    branch: Mapped[Branch | None] = relationship()
    events: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.session_number")

    def __repr__(self) -> str:
        return f"<Series {self.id}>"


class Partner(LocalizedName, TimestampMixin, Base):
    """A co-organiser, sponsor or host: a school, a company, a nursing home."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<Partner {self.id}>"

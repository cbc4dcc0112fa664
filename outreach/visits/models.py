"""A group's request for a visit, and what staff answered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.events.models import Event
from outreach.models import Base, UTCDateTime, one_of, utcnow
from outreach.places.models import Venue
from outreach.registration.models import Registration

ORGANISATION_KINDS = ("school", "kindergarten", "community", "company", "other")
#: "new": waiting for staff; "proposed": staff offered another date, the requester answers;
#: "accepted": the visit is an event with the group's ticket; "declined": staff said no;
#: "withdrawn": the requester declined the date proposed.
VISIT_STATUSES = ("new", "proposed", "accepted", "declined", "withdrawn")
WISHES = ("guided", "topic")
DAY_PARTS = ("morning", "afternoon", "times")
ORGANISATION_MAX = 200
AGES_MAX = 100
TOPIC_MAX = 200
NEEDS_MAX = 1000
NOTE_MAX = 1000
#: The most people (children and adults together) one request may bring.
GROUP_MAX = 500
#: Preferred dates a request may give.
PREFERRED_MAX = 3


class VisitRequest(Base):
    __tablename__ = "visit_requests"
    __table_args__ = (
        CheckConstraint(one_of("status", VISIT_STATUSES), name="status_known"),
        CheckConstraint(one_of("kind", ORGANISATION_KINDS), name="kind_known"),
        CheckConstraint(one_of("wish", WISHES), name="wish_known"),
        CheckConstraint(f"children BETWEEN 0 AND {GROUP_MAX}", name="children_sane"),
        CheckConstraint(f"adults BETWEEN 0 AND {GROUP_MAX}", name="adults_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="new", index=True)
    organisation: Mapped[str] = mapped_column(String(ORGANISATION_MAX), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    contact_name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str] = mapped_column(String(32), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    #: Up to three wishes: [{"date": "2027-03-02", "part": "morning"|"afternoon"|"times",
    #: "from": "09:30"|None, "to": "11:00"|None}].
    preferred: Mapped[list] = mapped_column(JSON, nullable=False)
    children: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    adults: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    ages: Mapped[str | None] = mapped_column(String(AGES_MAX))
    wish: Mapped[str] = mapped_column(String(8), nullable=False, default="guided")
    topic: Mapped[str | None] = mapped_column(String(TOPIC_MAX))
    needs: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language the requester wrote in: their messages are in it.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: The private link's seed and its digest (``outreach.visits.tokens``): never the id in the clear.
    token_seed: Mapped[str] = mapped_column(String(32), nullable=False)
    token_digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)
    # Another date offered by staff, which the requester accepts or declines.
    proposed_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposed_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    proposed_venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    proposed_title: Mapped[str | None] = mapped_column(String(200))
    proposed_guides: Mapped[int | None] = mapped_column(Integer)
    proposal_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))

    proposed_venue: Mapped[Venue | None] = relationship()
    event: Mapped[Event | None] = relationship()
    registration: Mapped[Registration | None] = relationship()

    @property
    def party_size(self) -> int:
        return self.children + self.adults

    def __repr__(self) -> str:
        return f"<VisitRequest {self.id} {self.status}>"

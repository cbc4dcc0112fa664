"""The visitors a village reading room or the book bus counted on a day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.models import Base, UTCDateTime, utcnow
from outreach.places.models import Branch

#: The kinds of branch a keeper looks after (outreach.places.models.BRANCH_KINDS).
OUTPOST_KINDS = ("village", "mobile")
#: The most visitors one place may count in a day.
VISITORS_MAX = 100000


class VisitorCount(Base):
    """The people who came to one place on one day (one row a day; a correction replaces it)."""

    __tablename__ = "visitor_counts"
    __table_args__ = (
        UniqueConstraint("branch_id", "day", name="uq_visitor_counts_branch_id_day"),
        CheckConstraint(f"count BETWEEN 0 AND {VISITORS_MAX}", name="count_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    branch: Mapped[Branch] = relationship()

    def __repr__(self) -> str:
        return f"<VisitorCount {self.branch_id} {self.day} {self.count}>"

"""What the reports keep of their own: the staff's texts for the annual report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.models import Base, UTCDateTime, utcnow


class ReportNote(Base):
    """A short text staff add to one section of a year's annual report, in one language."""

    __tablename__ = "report_notes"
    __table_args__ = (UniqueConstraint("year", "section", "locale", name="uq_report_notes_year_section_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The section of the annual report: "overview", "series", "competitions", "exhibitions",
    #: "trainings", "volunteers", "branches", "statistics".
    section: Mapped[str] = mapped_column(String(32), nullable=False)
    #: "zh_Hans" or "en": the report in that language prints it.
    locale: Mapped[str] = mapped_column(String(8), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<ReportNote {self.year} {self.section} {self.locale}>"

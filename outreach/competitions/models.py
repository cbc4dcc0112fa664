"""Competitions in rounds: the rubric, the judges, the rounds and the judges' scores.

A round's sittings are ordinary events (type "competition", ``Event.round_id``), one per
venue and time, so contestants enter through registration and are checked in at the door
like any participant; a contestant in a round is a registration for one of its sittings.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.events.models import Event
from outreach.i18n import LocalizedName, LocalizedTitle
from outreach.models import Base, TimestampMixin, UTCDateTime, one_of

ADVANCE_MODES = ("top", "threshold")


class Competition(LocalizedTitle, TimestampMixin, Base):
    __tablename__ = "competitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    title_en: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    rounds: Mapped[list[Round]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Round.position"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Criterion.position"
    )
    judges: Mapped[list[Judge]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="Judge.id"
    )

    def __repr__(self) -> str:
        return f"<Competition {self.id}>"


class Criterion(LocalizedName, Base):
    """One line of the rubric (content, expression, stage presence ...) with its weight."""

    __tablename__ = "competition_criteria"
    __table_args__ = (
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("max_score > 0", name="max_score_positive"),
        UniqueConstraint("competition_id", "name", name="uq_competition_criteria_competition_id_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    #: The criterion's share of the total (weights need not add up to 100; they are normalised).
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    #: The highest score a judge may give for it.
    max_score: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False, default=Decimal(100))

    competition: Mapped[Competition] = relationship(back_populates="criteria")


class Judge(Base):
    __tablename__ = "competition_judges"
    __table_args__ = (UniqueConstraint("competition_id", "name", name="uq_competition_judges_competition_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: Where the judge comes from (a school, the writers' association).
    affiliation: Mapped[str | None] = mapped_column(String(120))
    #: The judge's own account, if they enter their scores themselves.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    competition: Mapped[Competition] = relationship(back_populates="judges")


class Round(LocalizedName, TimestampMixin, Base):
    """Preliminary, second round, final: ranked by the judges' scores; the best advance."""

    __tablename__ = "competition_rounds"
    __table_args__ = (
        UniqueConstraint("competition_id", "position", name="uq_competition_rounds_competition_id_position"),
        CheckConstraint(one_of("advance_mode", ADVANCE_MODES, nullable=True), name="advance_mode_known"),
        CheckConstraint(
            "(advance_mode IS NULL) = (advance_value IS NULL)", name="advance_value_with_mode"
        ),
        CheckConstraint("advance_value IS NULL OR advance_value > 0", name="advance_value_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: 1 for the first round; the next round is the one with the next position.
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    #: How contestants advance to the next round: the "top" N, or everyone at or above a
    #: "threshold" score. None for the last round.
    advance_mode: Mapped[str | None] = mapped_column(String(16))
    advance_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: Prizes by place: [{"name": "一等奖", "name_en": "First prize", "places": 3}, ...] from the top.
    awards: Mapped[list | None] = mapped_column(JSON)
    #: When the advancement was carried out (contestants registered in the next round).
    advanced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the results were published on the competition's public page.
    results_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    competition: Mapped[Competition] = relationship(back_populates="rounds")
    sittings: Mapped[list[Event]] = relationship(back_populates="round", order_by="Event.starts_at")

    def __repr__(self) -> str:
        return f"<Round {self.id} competition={self.competition_id} #{self.position}>"


class Score(TimestampMixin, Base):
    """One judge's score of one contestant (a registration) on one criterion."""

    __tablename__ = "competition_scores"
    __table_args__ = (
        UniqueConstraint(
            "registration_id", "judge_id", "criterion_id", name="uq_competition_scores_registration_id_judge_id"
        ),
        CheckConstraint("score >= 0", name="score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False, index=True
    )
    judge_id: Mapped[int] = mapped_column(ForeignKey("competition_judges.id", ondelete="CASCADE"), nullable=False)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("competition_criteria.id", ondelete="CASCADE"), nullable=False
    )
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

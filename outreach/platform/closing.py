"""Closing a year: its figures are frozen once the annual return has gone out.

After ``close_year`` staff may no longer change that year's attendance (check-ins, walk-ins,
headcounts, undoing a check-in, volunteer attendance and hours): the services that make
those changes call ``guard_attendance`` with the library date the change belongs to, and it
raises ``YearClosedError`` (``year_closed``, 409). An administrator's change is still
accepted, and audited with its reason, so that a late correction leaves a trace.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from outreach import clock
from outreach.errors import OutreachError
from outreach.extensions import db
from outreach.platform.services import record
from outreach.platform.models import ClosedYear


class YearClosedError(OutreachError):
    status = 409


def closed_year(year: int) -> ClosedYear | None:
    return db.session.get(ClosedYear, year)


def year_is_closed(day: date) -> bool:
    """Whether the year of the library date ``day`` has been closed."""
    return db.session.scalar(select(ClosedYear.year).where(ClosedYear.year == day.year)) is not None


def year_is_open(year):
    """The rule of ``year_is_closed`` as a SQL condition on ``year`` (a bind parameter or a
    column), for a statement that changes attendance only while its year is open: the door's
    check-in asks it inside its insert instead of in a query of its own (``guard_attendance``
    then runs only when nothing was inserted, to say why)."""
    return ~select(ClosedYear.year).where(ClosedYear.year == year).exists()


def close_year(year: int, actor, *, now: datetime | None = None) -> ClosedYear:
    """Close ``year`` (an admin's act; the caller checks the role). Closing a closed year
    changes nothing and answers the first closing."""
    existing = closed_year(year)
    if existing is not None:
        return existing
    closed = ClosedYear(year=year, closed_at=now or clock.now(), closed_by_id=getattr(actor, "id", None))
    db.session.add(closed)
    db.session.flush()
    record("year.close", closed, actor=actor, data={"year": year})
    return closed


def guard_attendance(day: date, actor, action: str, obj=None, *, reason: str | None = None) -> None:
    """Let a change to the attendance of library date ``day`` through, or refuse it.

    In a closed year only an administrator may change attendance; the change is audited as
    ``<action>.closed_year`` with ``reason``. Anyone else (staff, a self check-in, a scanner)
    gets ``YearClosedError("year_closed")``."""
    if not year_is_closed(day):
        return
    if getattr(actor, "role", None) != "admin":
        raise YearClosedError(
            "year_closed",
            _l("The year %(year)d is closed: its attendance can no longer be changed. Ask an administrator.",
               year=day.year),
        )
    record(f"{action}.closed_year", obj, actor=actor,
           data={"day": day.isoformat(), "year": day.year, "reason": (reason or "").strip() or None})

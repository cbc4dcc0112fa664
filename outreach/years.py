"""A calendar year as the library counts it: its first and last library dates, and reading
one from a request (``?year=``), the same way on every page and in the API."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from outreach import clock
from outreach.errors import ValidationError
from outreach.timezone import local_date

FIRST_YEAR = 2000


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of ``year``."""
    return date(year, 1, 1), date(year, 12, 31)


def this_year() -> int:
    return local_date(clock.now()).year


def parse_year(value: str | None, *, field: str = "year") -> int:
    """``value`` as a year from 2000 to next year; this year when it is empty.
    Raises ``ValidationError`` (422 in the API, a message on the pages) otherwise."""
    last = this_year() + 1
    if value in (None, ""):
        return this_year()
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not FIRST_YEAR <= int(text) <= last:
        raise ValidationError({field: _l("Give a year from %(first)s to %(last)s.", first=FIRST_YEAR, last=last)})
    return int(text)

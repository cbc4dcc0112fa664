"""A calendar year as the library counts it: its first and last library dates, and reading
one from a request (``?year=``), the same way on every page and in the API."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from outreach import clock
from outreach.errors import ValidationError
from outreach.timezone import local_date

#: The years a volunteer's hours and certificates are asked for.
FIRST_YEAR = 2000
#: The years the reports know (a closed year's CHECK constraint holds the same bounds).
REPORT_YEARS = (1900, 2100)


def year_bounds(year: int) -> tuple[date, date]:
    """The first and last day of ``year``."""
    return date(year, 1, 1), date(year, 12, 31)


def this_year() -> int:
    return local_date(clock.now()).year


def parse_year(value: str | None, *, field: str = "year", bounds: tuple[int, int] | None = None) -> int:
    """``value`` as a year within ``bounds`` (from 2000 to next year unless given); this year
    when it is empty. Raises ``ValidationError`` (422 in the API, a message on the pages) otherwise."""
    first, last = bounds or (FIRST_YEAR, this_year() + 1)
    if value in (None, ""):
        return this_year()
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not first <= int(text) <= last:
        raise ValidationError({field: _l("Give a year from %(first)s to %(last)s.", first=first, last=last)})
    return int(text)


def is_report_year(year: int) -> bool:
    return REPORT_YEARS[0] <= year <= REPORT_YEARS[1]

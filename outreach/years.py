"""A calendar year as the library counts it: its first and last library dates, and reading
one from a request (``?year=``), the same way on every page and in the API. Also the bounds of
what any door accepts as a number, a date or a time (whole numbers the database can hold, dates
from 1900 to 2100), read from text the same way by every page and the API."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from outreach import clock
from outreach.errors import ValidationError
from outreach.timezone import local_date

#: The years a volunteer's hours and certificates are asked for.
FIRST_YEAR = 2000
#: The years the reports know (a closed year's CHECK constraint holds the same bounds).
REPORT_YEARS = (1900, 2100)
#: The years any date or time given to the library may be in (forms, the API, query strings):
#: far enough for history, short of the calendar's edges where arithmetic overflows.
DATE_YEARS = REPORT_YEARS
#: The largest whole number a door accepts: the database's INTEGER (every id and count).
INT_MAX = 2**31 - 1


def whole_number(value, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """``value`` (text such as ``"12"`` or an int) as a whole number from ``minimum`` to
    ``maximum``; None otherwise. Only ASCII digits count (``"²"`` passes ``str.isdigit``), and
    a number too long for the database is no number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        sign = -1 if text.startswith("-") and minimum < 0 else 1
        digits = text[1:] if sign < 0 else text
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
            return None
        number = sign * int(digits)
    return number if minimum <= number <= maximum else None


#: The largest decimal number a door accepts (scores, hours): far beyond any, short of where
#: Decimal's 28 digits of precision fail to round it to the cent.
DECIMAL_MAX = Decimal(10) ** 12


def parse_decimal(value) -> Decimal | None:
    """``value`` (an int, float, Decimal or text, full-width digits of a Chinese input method
    included) as a finite Decimal no larger than ``DECIMAL_MAX`` either way; None otherwise
    (booleans, ``1e30``, NaN, infinities, anything not a number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) > DECIMAL_MAX:
        return None
    return number


def in_date_range(value: date | datetime) -> bool:
    """Whether ``value`` lies within ``DATE_YEARS``."""
    return DATE_YEARS[0] <= value.year <= DATE_YEARS[1]


#: A date as every door takes it. ``date.fromisoformat`` alone (Python 3.11) also reads
#: 20261204 and 2026-W49-5, which no one means and no message asks for.
_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_yyyy_mm_dd(value) -> bool:
    """Whether ``value`` is a day of the calendar written YYYY-MM-DD, in any year."""
    text = str(value).strip()
    if not _YYYY_MM_DD.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_date(value) -> date | None:
    """Text as YYYY-MM-DD within ``DATE_YEARS``; None when it is no such date."""
    if not is_yyyy_mm_dd(value):
        return None
    parsed = date.fromisoformat(str(value).strip())
    return parsed if in_date_range(parsed) else None


def date_range_message():
    return _l("Give a date from %(first)s to %(last)s.", first=DATE_YEARS[0], last=DATE_YEARS[1])


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

"""The library's time zone (``OUTREACH_TIMEZONE``) and conversions to and from it."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def library_tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def local(value: datetime) -> datetime:
    return value.astimezone(library_tz())


def local_date(value: datetime) -> date:
    return local(value).date()


def localize(naive: datetime) -> datetime:
    """A naive wall-clock time in the library, made aware."""
    return naive.replace(tzinfo=library_tz())

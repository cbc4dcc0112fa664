"""The staff calendar: a week across venues, and this week's overview."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff_calendar", __name__, url_prefix="/staff/calendar")

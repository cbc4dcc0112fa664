"""``flask volunteers remind``: the day-before reminders, for cron."""

from __future__ import annotations

from flask.cli import AppGroup

volunteers_cli = AppGroup("volunteers", help="Volunteers' shifts.")

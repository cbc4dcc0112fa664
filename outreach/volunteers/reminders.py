"""The day-before reminders to volunteers on tomorrow's shifts: each sign-up reminded once,
marked in the audit log; written by the periodic job (``volunteers.jobs``) each evening and by
``flask volunteers remind``."""

from __future__ import annotations

from sqlalchemy import select

from outreach.database import one_at_a_time, write_transaction
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.platform.services import record
from outreach.volunteers import emails, services

#: The audit action that marks a sign-up as reminded, so that a second run sends nothing.
REMIND_ACTION = "shift.remind"


def reminded_signup_ids(signup_ids: list[int]) -> set[tuple[int, int | None]]:
    """(sign-up id, shift id) of the reminders already sent to these sign-ups."""
    if not signup_ids:
        return set()
    entries = db.session.execute(
        select(AuditEntry.object_id, AuditEntry.data).where(
            AuditEntry.action == REMIND_ACTION, AuditEntry.object_type == "ShiftSignup",
            AuditEntry.object_id.in_(signup_ids),
        )
    )
    return {(object_id, (data or {}).get("shift_id")) for object_id, data in entries}


def send_reminders() -> tuple[int, int]:
    """Queue a reminder for each confirmed sign-up of tomorrow not yet reminded, mark it in
    the audit log and commit (the mail goes out after the commit). Returns (sent, skipped)."""
    with write_transaction():  # one run at a time on SQLite: two cron runs cannot both send
        one_at_a_time(db.session, "volunteers.reminders")  # ... nor on PostgreSQL
        due = services.reminders_due()
        done = reminded_signup_ids([signup.id for signup in due])
        sent = 0
        for signup in due:
            if (signup.id, signup.shift_id) in done:
                continue
            emails.queue_shift_reminder(signup)
            record(REMIND_ACTION, signup, data={"shift_id": signup.shift_id})
            sent += 1
        db.session.commit()
    return sent, len(due) - sent

"""The job worker reminds volunteers of tomorrow's shifts by itself, from 18:00 library time the
day before, each sign-up once (the same marks as ``flask volunteers remind``)."""

from __future__ import annotations

from sqlalchemy import select

from outreach.extensions import db
from outreach.platform.models import OutboxMessage
from outreach.volunteers import jobs, services
from tests.helpers import local


def test_reminded_by_the_worker_once_from_six(app, frozen, make_shift, make_volunteer):
    frozen.set(local(2026, 3, 2, 9))
    tomorrow = make_shift(start=local(2026, 3, 3, 9), slots=1)
    volunteer, waiting = make_volunteer("刘晓燕"), make_volunteer("王芳")
    services.sign_up(tomorrow, volunteer)
    services.sign_up(tomorrow, waiting)  # waiting: no reminder
    db.session.commit()
    frozen.set(local(2026, 3, 2, 17, 45))
    assert jobs.remind_volunteers.call_local() == 0
    frozen.set(local(2026, 3, 2, 18, 0))
    assert jobs.remind_volunteers.call_local() == 1
    frozen.set(local(2026, 3, 2, 18, 15))
    assert jobs.remind_volunteers.call_local() == 0
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert (message.kind, message.recipient, message.volunteer_id, message.event_id) == (
        "volunteer.shift_reminder", volunteer.user.email, volunteer.id, tomorrow.event_id)

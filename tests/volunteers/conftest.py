"""Fixtures of the volunteers tests: a clock frozen at Monday 2 March 2026, 10:00 in Liling
(``frozen.set`` moves it; a module asks for it with ``pytestmark``), staff, active volunteers
with profiles, shifts and a volunteer's year of hours."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.volunteers import services
from outreach.volunteers.models import Shift, ShiftSignup, VolunteerProfile
from tests.helpers import in_days, local
from tests.volunteers.helpers import NOW


class FrozenClock:
    def __init__(self):
        self.now = NOW.astimezone(timezone.utc)

    def set(self, when: datetime) -> datetime:
        self.now = when.astimezone(timezone.utc)
        return self.now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def frozen(monkeypatch):
    frozen_clock = FrozenClock()
    monkeypatch.setattr(clock, "now", frozen_clock)
    return frozen_clock


@pytest.fixture
def staff(make_user):
    return make_user("staff", name="馆员李老师")


@pytest.fixture
def make_volunteer(make_user):
    """An active volunteer (as the command line makes them), with a profile to adjust."""

    def factory(name: str | None = None, *, status: str = "active", skills: str | None = None,
                phone: str = "13812345678", **attrs) -> VolunteerProfile:
        user = make_user("volunteer", name=name)
        profile = services.profile_of(user)
        profile.status, profile.skills, profile.phone = status, skills, phone
        for key, value in attrs.items():
            setattr(profile, key, value)
        db.session.commit()
        return profile

    return factory


@pytest.fixture
def make_shift(app):
    """A two-hour shift on Thursday 5 March 2026 at 9:00 (a standing duty unless ``event``)."""

    def factory(event=None, *, start: datetime | None = None, hours: float = 2, slots: int = 2,
                role: str = "服务台值班", **values) -> Shift:
        start = start or local(2026, 3, 5, 9)
        shift = services.create_shift(
            event, role=role, starts_at=start, ends_at=start + timedelta(hours=hours), slots=slots, **values
        )
        db.session.commit()
        return shift

    return factory


@pytest.fixture
def make_event_shift(make_shift, event):
    """A shift of the test module's ``event`` (three slots, three days from now unless ``starts_at``)."""

    def factory(starts_at: datetime | None = None, *, slots: int = 3, role: str = "签到引导", **values) -> Shift:
        return make_shift(event, start=starts_at or in_days(3), slots=slots, role=role, **values)

    return factory


@pytest.fixture
def ledger(app, staff, make_event, make_shift, make_volunteer, frozen):
    """A volunteer's year: two completed shifts, a no-show, a cancelled sign-up, last year's
    shift and two corrections."""
    volunteer = make_volunteer("刘晓燕")
    contest = make_event(title="少儿故事大王 初赛", title_en="Storytelling contest, first round",
                         starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 12))
    story = make_shift(contest, role="计分协助", start=local(2026, 3, 5, 9), hours=2)
    desk = make_shift(start=local(2026, 3, 6, 14), hours=1.75)
    missed = make_shift(start=local(2026, 3, 7, 9))
    dropped = make_shift(start=local(2026, 3, 8, 9))
    services.sign_up(dropped, volunteer)
    db.session.commit()
    services.cancel_signup(db.session.scalar(select(ShiftSignup)), actor=volunteer.user)
    frozen.set(local(2025, 12, 20, 18))
    last_year = make_shift(role="寒假阅读", start=local(2025, 12, 20, 9), hours=2)
    services.record_attendance(last_year, volunteer, status="completed", actor=staff)
    frozen.set(local(2026, 3, 8, 18))
    services.record_attendance(story, volunteer, status="completed", actor=staff)
    services.record_attendance(desk, volunteer, status="completed", actor=staff)
    services.record_attendance(missed, volunteer, status="no_show", actor=staff)
    services.adjust_hours(volunteer, Decimal("0.5"), reason="在家准备比赛材料", actor=staff, day=date(2026, 3, 6))
    services.adjust_hours(volunteer, Decimal("-0.25"), reason="签退时间更正", actor=staff, day=date(2026, 3, 5))
    db.session.commit()
    return volunteer

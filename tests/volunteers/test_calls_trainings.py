"""Calls for volunteers and trainings: the rules behind the staff pages."""

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.volunteers import services
from outreach.volunteers.models import RecruitmentCall, Training


def test_a_call_is_saved_changed_and_closed_with_an_audit_trail(app, make_user):
    staff = make_user("staff")
    call = services.save_call(None, actor=staff, title=" 冬季招募 ", description="协助少儿故事大王", deadline=date(2026, 12, 31))
    db.session.commit()
    assert (call.title, call.status, call.title_en) == ("冬季招募", "open", None)
    services.save_call(call, actor=staff, title="冬季文化志愿者招募", description="协助比赛", title_en="Winter call")
    services.close_call(call, actor=staff)
    services.close_call(call, actor=staff)  # twice: no error, one entry
    db.session.commit()
    assert db.session.scalar(select(RecruitmentCall.status)) == "closed"
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.startswith("call.")] == ["call.create", "call.update", "call.close"]


def test_a_call_needs_a_title_and_a_description(app, make_user):
    with pytest.raises(ValidationError) as caught:
        services.save_call(None, actor=make_user("staff"), title=" ", description="", status="maybe")
    assert set(caught.value.fields) == {"title", "description", "status"}


def test_a_training_needs_an_end_after_its_start(app, make_user):
    staff = make_user("staff")
    start = datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)
    with pytest.raises(ValidationError) as caught:
        services.create_training(actor=staff, title="消防安全培训", topic="", starts_at=start, ends_at=start)
    assert set(caught.value.fields) == {"topic", "ends_at"}
    db.session.rollback()
    training = services.create_training(
        actor=staff, title="消防安全培训", topic=" 消防安全 ", starts_at=start, ends_at=start.replace(hour=8)
    )
    db.session.commit()
    assert db.session.scalar(select(Training.topic)) == "消防安全" == training.topic

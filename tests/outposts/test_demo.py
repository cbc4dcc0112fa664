"""The demo's village reading room: a keeper who signs in, the 2018 summer reading activity recorded
by that keeper, and three weeks of daily visitors."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from outreach.accounts.services import authenticate
from outreach.demo import loader
from outreach.events.models import Event
from outreach.extensions import db
from outreach.outposts import services
from outreach.outposts.models import VisitorCount
from outreach.places.models import Branch
from outreach.platform.models import AuditEntry


def test_the_demo_keeper_recorded_the_summer_reading(app):
    loader.load(today=date(2026, 12, 4))
    db.session.commit()
    keeper = authenticate("keeper@example.org", "demo-keeper-2026")
    place = db.session.scalar(select(Branch).where(Branch.name == "茶山镇东岗农家书屋"))
    assert (keeper.role, keeper.branch_id) == ("keeper", place.id)
    summer = db.session.scalar(select(Event).where(Event.title.like("%我的书屋我的梦%")))
    assert (summer.created_by_id, summer.venue.branch_id, summer.status) == (keeper.id, place.id, "completed")
    assert services.headcount_of(summer) == 46
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "outpost.activity"))
    assert (entry.actor_id, entry.event_id) == (keeper.id, summer.id)
    days = db.session.scalar(select(func.count(VisitorCount.id)).where(VisitorCount.branch_id == place.id))
    assert days == loader.VISITOR_DAYS
    rows = {row.branch.id: row for row in services.visits_by_place(date(2026, 11, 13), date(2026, 12, 3))}
    assert rows[place.id].days == 21 and rows[place.id].visitors > 21 * 3

"""The staff home page: what is coming up and what needs attention."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template
from sqlalchemy import select

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.events import services
from outreach.events.models import Event
from outreach.extensions import db
from outreach.timezone import local_date

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.get("/")
@role_required("staff")
def home():
    now = clock.now()
    today = local_date(now)
    week = db.session.scalars(
        services.events_query(include_drafts=True, start=today, end=today + timedelta(days=6)).where(
            Event.status.in_(("draft", "published"))
        )
    ).all()
    drafts = db.session.scalars(
        select(Event).where(Event.status == "draft", Event.ends_at > now).order_by(Event.starts_at).limit(20)
    ).all()
    next_week = today + timedelta(days=7)
    later = db.session.scalars(
        services.events_query(include_drafts=False, start=next_week, end=today + timedelta(days=42))
        .where(Event.status == "published", Event.starts_at >= services.day_start(next_week))
        .limit(30)
    ).all()
    return render_template("staff/home.html", week=week, drafts=drafts, later=later, today=today)

"""Closing a year: the service, the close route (admin only, twice is fine), and a closed year
refusing staff on both doors — check-ins, walk-ins, headcounts, undo, volunteer attendance and
hours — while an admin's change goes through, audited."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.registration import services as registration
from outreach.registration.models import CheckIn, WalkIn
from outreach.platform import closing
from outreach.platform.closing import YearClosedError
from outreach.platform.models import ClosedYear
from outreach.volunteers import services as volunteering
from outreach.volunteers.models import HoursAdjustment, Shift, ShiftSignup
from tests.helpers import csrf_token_from
from tests.reports.scenario import at, build_spring


@pytest.fixture
def spring(app):
    return build_spring()


@pytest.fixture
def people(make_user):
    return {"staff": make_user("staff"), "admin": make_user("admin")}


def walkins(event) -> int:
    return db.session.scalar(select(func.coalesce(func.sum(WalkIn.count), 0)).where(WalkIn.event_id == event.id))


def audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


def test_close_year_once(spring, people):
    assert not closing.year_is_closed(date(2018, 5, 1))
    first = closing.close_year(2018, people["admin"], now=datetime(2019, 1, 5, 2, tzinfo=timezone.utc))
    again = closing.close_year(2018, people["admin"])
    db.session.commit()
    assert again is first and first.closed_by_id == people["admin"].id
    assert closing.year_is_closed(date(2018, 12, 31)) and not closing.year_is_closed(date(2019, 1, 1))
    assert len(audit("year.close")) == 1


def test_staff_are_refused_and_admins_audited_in_the_services(spring, people):
    closing.close_year(2018, people["admin"])
    db.session.commit()
    e2 = spring.e2
    with pytest.raises(YearClosedError) as error:
        registration.add_walkins(e2, 4, actor=people["staff"], source="headcount", day=date(2018, 4, 1),
                                 at_the_door=False, now=at(date(2018, 4, 1), 18))
    assert error.value.code == "year_closed" and error.value.status == 409
    with pytest.raises(YearClosedError):
        registration.add_walkins(e2, 4, actor=None, source="headcount", day=date(2018, 4, 1), at_the_door=False)
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.event_id == e2.id, CheckIn.day == date(2018, 4, 1)))
    with pytest.raises(YearClosedError):
        registration.undo_check_in(checkin, actor=people["staff"])
    family = checkin.registration
    with pytest.raises(YearClosedError):  # a check-in on a day of the closed year
        registration.check_in(family, actor=people["staff"], now=at(date(2018, 4, 2), 10))
    db.session.rollback()
    assert walkins(e2) == 30

    registration.add_walkins(e2, 4, actor=people["admin"], source="headcount", day=date(2018, 4, 1),
                             at_the_door=False, now=at(date(2018, 4, 1), 18))
    registration.check_in(family, actor=people["admin"], now=at(date(2018, 4, 2), 10))
    db.session.commit()
    assert walkins(e2) == 34
    assert [(e.actor_id, e.data["day"]) for e in audit("walkin.closed_year")] == [(people["admin"].id, "2018-04-01")]
    assert [e.data["day"] for e in audit("checkin.closed_year")] == ["2018-04-02"]


def test_an_open_year_is_untouched(spring, people):
    closing.close_year(2017, people["admin"])
    registration.add_walkins(spring.e2, 1, actor=people["staff"], source="headcount", day=date(2018, 4, 1),
                             at_the_door=False)
    db.session.commit()
    assert walkins(spring.e2) == 31 and audit("walkin.closed_year") == []


@pytest.fixture
def served(spring, make_user):
    """A volunteer who served a shift of E1 in 2018."""
    user = make_user("volunteer")
    profile = user.volunteer_profile
    shift = Shift(event_id=spring.e1.id, role="签到引导", starts_at=at(date(2018, 3, 10), 9),
                  ends_at=at(date(2018, 3, 10), 12), slots=2)
    db.session.add(shift)
    db.session.commit()
    return shift, profile


def test_volunteer_attendance_and_hours(spring, people, served):
    shift, profile = served
    volunteering.record_attendance(shift, profile, status="completed", actor=people["staff"])
    closing.close_year(2018, people["admin"])
    db.session.commit()
    with pytest.raises(YearClosedError):
        volunteering.record_attendance(shift, profile, status="completed", hours=Decimal("2"), reason="早退",
                                       actor=people["staff"])
    with pytest.raises(YearClosedError):
        volunteering.adjust_hours(profile, Decimal("1"), reason="备课", actor=people["staff"], day=date(2018, 3, 9))
    db.session.rollback()
    volunteering.record_attendance(shift, profile, status="completed", hours=Decimal("2"), reason="早退",
                                   actor=people["admin"])
    volunteering.adjust_hours(profile, Decimal("1"), reason="备课", actor=people["admin"], day=date(2018, 3, 9))
    db.session.commit()
    signup = db.session.scalar(select(ShiftSignup))
    assert signup.hours == Decimal("2.00")
    assert db.session.scalar(select(func.count(HoursAdjustment.id))) == 1
    assert [e.data["reason"] for e in audit("shift.attendance.closed_year")] == ["早退"]
    assert [e.data["reason"] for e in audit("hours.adjust.closed_year")] == ["备课"]


def test_a_second_scan_in_a_closed_year_is_answered_as_a_second_scan(spring, people):
    """Nothing changes on a repeat scan, so the door says "already checked in", not "closed"."""
    family = db.session.scalar(select(CheckIn).where(CheckIn.event_id == spring.e2.id,
                                                     CheckIn.day == date(2018, 4, 1))).registration
    before = db.session.scalars(select(CheckIn.day).where(CheckIn.registration_id == family.id)).all()
    closing.close_year(2018, people["admin"])
    db.session.commit()
    again = registration.check_in(family, actor=people["staff"], now=at(date(2018, 4, 1), 15))
    assert again.result == "already_checked_in"
    with pytest.raises(YearClosedError):  # a day without a check-in is still refused
        registration.check_in(family, actor=people["staff"], now=at(date(2018, 4, 2), 10))
    db.session.rollback()
    assert db.session.scalars(select(CheckIn.day).where(CheckIn.registration_id == family.id)).all() == before


def test_a_volunteer_cannot_check_out_into_a_closed_year(spring, people, served):
    shift, profile = served
    db.session.add(ShiftSignup(shift_id=shift.id, volunteer_id=profile.id, status="confirmed"))
    volunteering.check_in_to_shift(shift, profile, now=at(date(2018, 3, 10), 9))
    closing.close_year(2018, people["admin"])
    db.session.commit()
    with pytest.raises(YearClosedError):
        volunteering.check_out_of_shift(shift, profile, now=at(date(2018, 3, 10), 12))
    db.session.rollback()
    signup = db.session.scalar(select(ShiftSignup))
    assert (signup.status, signup.hours, signup.checked_out_at) == ("confirmed", None, None)


# --- the API door ------------------------------------------------------------------------------------


def test_close_route(client, spring, people, api_token):
    url = "/api/v1/reports/years/2018/close"
    assert client.post(url).status_code == 401
    assert client.post(url, headers=api_token(people["staff"])).status_code == 403
    for _ in range(2):
        response = client.post(url, headers=api_token(people["admin"]))
        assert response.status_code == 200 and response.get_json() == {"year": 2018, "closed": True}
    assert db.session.scalar(select(func.count()).select_from(ClosedYear)) == 1
    bad = client.post("/api/v1/reports/years/20x8/close", headers=api_token(people["admin"]))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"year"}
    annual = client.get("/api/v1/reports/annual?year=2018", headers=api_token(people["staff"])).get_json()
    assert annual["closed"] is True


def test_api_refuses_staff_in_a_closed_year(client, spring, people, api_token, served):
    shift, profile = served
    client.post("/api/v1/reports/years/2018/close", headers=api_token(people["admin"]))
    staff, admin = api_token(people["staff"]), api_token(people["admin"])
    url = f"/api/v1/events/{spring.e2.id}/walkins"
    refused = client.post(url, json={"count": 5, "day": "2018-04-01"}, headers={**staff, "Accept-Language": "en"})
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "year_closed",
        "message": "The year 2018 is closed: its attendance can no longer be changed. Ask an administrator.",
    }
    assert client.post(url, json={"count": 5, "day": "2018-04-01"}, headers=admin).status_code == 201
    assert walkins(spring.e2) == 35

    checkin_id = db.session.scalar(select(CheckIn.id).where(CheckIn.event_id == spring.e1.id))
    assert client.delete(f"/api/v1/checkins/{checkin_id}", headers=staff).status_code == 409
    assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.id == checkin_id)) == 1
    assert client.delete(f"/api/v1/checkins/{checkin_id}", headers=admin).status_code == 200
    assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.id == checkin_id)) == 0
    assert len(audit("checkin.undo.closed_year")) == 1

    body = {"volunteer_id": profile.id, "status": "completed"}
    refused = client.post(f"/api/v1/shifts/{shift.id}/attendance", json=body, headers=staff)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "year_closed"
    assert client.post(f"/api/v1/shifts/{shift.id}/attendance", json=body, headers=admin).status_code == 200


# --- the page door -----------------------------------------------------------------------------------


def test_pages_refuse_staff_in_a_closed_year(client, spring, people, login):
    closing.close_year(2018, people["admin"])
    db.session.commit()
    login(people["staff"])
    manage = f"/staff/events/{spring.e2.id}"
    token = csrf_token_from(client, manage)
    response = client.post(f"{manage}/headcount?lang=zh_Hans",
                           data={"csrf_token": token, "day": "2018-04-01", "count": "6"}, follow_redirects=True)
    assert "2018年度已关闭，不能再修改其到场数据。如需更正，请联系管理员。" in response.get_data(as_text=True)
    assert walkins(spring.e2) == 30
    checkin = db.session.scalar(select(CheckIn).where(CheckIn.event_id == spring.e2.id))
    response = client.post(f"{manage}/checkins/{checkin.id}/undo?lang=en", data={"csrf_token": token},
                           follow_redirects=True)
    assert "The year 2018 is closed" in response.get_data(as_text=True)
    assert db.session.get(CheckIn, checkin.id) is not None


def test_pages_accept_an_admin_in_a_closed_year(client, spring, people, login):
    closing.close_year(2018, people["admin"])
    db.session.commit()
    login(people["admin"])
    manage = f"/staff/events/{spring.e2.id}"
    token = csrf_token_from(client, manage)
    response = client.post(f"{manage}/headcount", data={"csrf_token": token, "day": "2018-04-01", "count": "6"})
    assert response.status_code == 303
    assert walkins(spring.e2) == 36
    assert len(audit("walkin.closed_year")) == 1


def test_closing_on_the_annual_page(client, spring, people, login):
    login(people["admin"])
    token = csrf_token_from(client, "/reports/annual/2018")
    refused = client.post("/reports/annual/2018/close", data={"csrf_token": token}, follow_redirects=True)
    assert "请勾选确认后再关闭本年度。" in refused.get_data(as_text=True)
    assert not closing.year_is_closed(date(2018, 1, 1))
    response = client.post("/reports/annual/2018/close?lang=en",
                           data={"csrf_token": token, "confirm": "y", "reason": "统计报表已上报"}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The year 2018 is closed." in text
    assert f"by {people['admin'].name}" in text and "This year was closed on" in text
    assert "Close this year</h2>" not in text
    assert audit("year.close.note")[0].data["reason"] == "统计报表已上报"


def test_only_admins_close_on_the_page(client, spring, people, login):
    login(people["staff"])
    token = csrf_token_from(client, "/reports/annual/2018")
    assert client.post("/reports/annual/2018/close", data={"csrf_token": token, "confirm": "y"}).status_code == 403

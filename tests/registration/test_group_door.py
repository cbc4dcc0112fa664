"""A group at the door: the leader's ticket admits the group with the number who came, which
the event's attendance and the reports count; staff correct it afterwards, audited, never in
a closed year."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.platform import closing
from outreach.platform.models import AuditEntry
from outreach.registration import services
from outreach.registration.models import CheckIn
from tests.helpers import csrf_token_from, new_phone

NOW = datetime(2026, 12, 5, 1, 30, tzinfo=timezone.utc)  # 09:30 in Shanghai; the visit runs 09:00-11:00


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def visit(make_event, frozen):
    return make_event(type="visit", starts_at=NOW - timedelta(minutes=30), capacity=100, max_group_size=50)


@pytest.fixture
def class_of_45(visit):
    outcome = services.register(
        visit, name="王老师", phone=new_phone(), party_size=None,
        group={"kind": "school_class", "organisation": "南门中学", "children": 42, "adults": 3},
    )
    db.session.commit()
    return outcome


def reports_attendance(client, headers):
    body = client.get("/api/v1/reports/attendance?from=2026-12-01&to=2026-12-31&group_by=type", headers=headers).get_json()
    return body["totals"]["checked_in"], body["totals"]["attendance"]


def test_the_door_counts_those_who_came_in_the_event_and_the_reports(client, class_of_45, visit, make_user, api_token):
    staff = api_token(make_user("staff"))
    answer = client.post("/api/v1/checkins", json={"token": class_of_45.token, "event_id": visit.id, "headcount": 42}, headers=staff)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["result"], body["headcount"]) == ("checked_in", 42)
    assert body["registration"]["party_size"] == 45
    assert body["registration"]["group"]["organisation"] == "南门中学"
    assert db.session.scalars(select(CheckIn)).one().headcount == 42
    attendance = client.get(f"/api/v1/events/{visit.id}/attendance", headers=staff).get_json()
    assert (attendance["registered"], attendance["checked_in"], attendance["attendance"]) == (45, 42, 42)
    assert reports_attendance(client, staff) == (42, 42)


def test_without_a_headcount_the_whole_party_counts(client, class_of_45, visit, make_user, api_token):
    staff = api_token(make_user("staff"))
    body = client.post("/api/v1/checkins", json={"token": class_of_45.token}, headers=staff).get_json()
    assert body["headcount"] == 45
    assert db.session.scalars(select(CheckIn)).one().headcount is None
    assert reports_attendance(client, staff) == (45, 45)


@pytest.mark.parametrize("headcount", [0, 46, "42", True, 1.5])
def test_a_headcount_outside_the_party_is_a_422(client, class_of_45, make_user, api_token, headcount):
    staff = api_token(make_user("staff"))
    answer = client.post("/api/v1/checkins", json={"token": class_of_45.token, "headcount": headcount}, headers=staff)
    assert answer.status_code == 422
    assert set(answer.get_json()["error"]["fields"]) == {"headcount"}
    assert db.session.scalar(select(CheckIn.id)) is None


def test_more_than_booked_is_refused_with_the_walk_in_advice(class_of_45):
    registration = class_of_45.registration
    with pytest.raises(ValidationError) as refused:
        services.check_in(registration, headcount=47)
    assert str(refused.value.fields["headcount"]) == "请输入实到人数，范围为 1 至预约的 45 人；多出的人请按现场入场登记。"


def test_staff_correct_the_count_afterwards_audited_and_the_reports_follow(client, class_of_45, visit, make_user, api_token, login):
    staff_user = make_user("staff")
    staff = api_token(staff_user)
    client.post("/api/v1/checkins", json={"token": class_of_45.token}, headers=staff)
    checkin = db.session.scalars(select(CheckIn)).one()
    login(staff_user)
    token = csrf_token_from(client, f"/staff/events/{visit.id}")
    page = client.get(f"/staff/events/{visit.id}?lang=en").get_data(as_text=True)
    assert f'id="came-{checkin.id}"' in page
    assert "南门中学 (School class) · 42 children, 3 adults" in page
    answer = client.post(f"/staff/events/{visit.id}/checkins/{checkin.id}/came?lang=en", data={"csrf_token": token, "came": "42"})
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(CheckIn, checkin.id).headcount == 42
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "checkin.headcount")).one()
    assert entry.actor_id == staff_user.id
    assert entry.data == {"event_id": visit.id, "day": "2026-12-05", "from": 45, "to": 42}
    assert reports_attendance(client, staff) == (42, 42)
    assert client.get(f"/api/v1/events/{visit.id}/attendance", headers=staff).get_json()["checked_in"] == 42
    # Over the party: refused, nothing changes.
    client.post(f"/staff/events/{visit.id}/checkins/{checkin.id}/came?lang=en", data={"csrf_token": token, "came": "50"})
    db.session.expire_all()
    assert db.session.get(CheckIn, checkin.id).headcount == 42
    # Without the CSRF token: 400.
    assert client.post(f"/staff/events/{visit.id}/checkins/{checkin.id}/came", data={"came": "40"}).status_code == 400


def test_a_correction_in_a_closed_year_is_refused_for_staff(app, class_of_45, make_user):
    staff, admin = make_user("staff"), make_user("admin")
    services.check_in(class_of_45.registration, actor=staff)
    db.session.commit()
    checkin = db.session.scalars(select(CheckIn)).one()
    closing.close_year(2026, admin)
    db.session.commit()
    with pytest.raises(closing.YearClosedError):
        services.correct_headcount(checkin, 40, actor=staff)
    db.session.rollback()
    assert db.session.get(CheckIn, checkin.id).headcount is None
    services.correct_headcount(checkin, 40, actor=admin)  # an admin's change goes in, audited
    db.session.commit()
    assert db.session.get(CheckIn, checkin.id).headcount == 40
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"checkin.headcount", "checkin.headcount.closed_year"} <= actions


def test_the_scanner_page_takes_how_many_came_without_javascript(client, class_of_45, visit, make_user, login):
    login(make_user("staff"))
    token = csrf_token_from(client, f"/scan/{visit.id}")
    answer = client.post(f"/scan/{visit.id}?lang=en", data={
        "csrf_token": token, "code": str(class_of_45.registration.id), "headcount": "42",
    })
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert "42 of 45 people came · 南门中学" in html
    assert db.session.scalars(select(CheckIn)).one().headcount == 42


def test_the_api_corrects_the_count_audited_and_refused_in_a_closed_year(client, class_of_45, visit, make_user, api_token):
    staff, admin = make_user("staff"), make_user("admin")
    headers = api_token(staff)
    client.post("/api/v1/checkins", json={"token": class_of_45.token}, headers=headers)
    checkin_id = db.session.scalar(select(CheckIn.id))
    answer = client.patch(f"/api/v1/checkins/{checkin_id}", json={"headcount": 40}, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "id": checkin_id, "registration_id": class_of_45.registration.id, "event_id": visit.id, "day": "2026-12-05", "headcount": 40,
    }
    assert reports_attendance(client, headers) == (40, 40)
    assert client.patch(f"/api/v1/checkins/{checkin_id}", json={"headcount": 46}, headers=headers).status_code == 422
    assert client.patch(f"/api/v1/checkins/{checkin_id}", json={}, headers=headers).status_code == 422
    closing.close_year(2026, admin)
    db.session.commit()
    refused = client.patch(f"/api/v1/checkins/{checkin_id}", json={"headcount": 41}, headers=headers)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "year_closed")
    assert reports_attendance(client, headers) == (40, 40)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "checkin.headcount")).all()
    assert [e.data["to"] for e in entries] == [40]

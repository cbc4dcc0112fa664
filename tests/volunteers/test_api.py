"""The volunteer routes of the JSON API: shifts, sign-ups and cancelling, attendance, hours and
the certificate, with the rules' error codes; parallel sign-ups never exceed a shift's slots."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outreach import clock
from outreach.extensions import db
from outreach.volunteers import services
from outreach.volunteers.models import Certificate, Shift, ShiftSignup, Training, TrainingAttendance
from tests.helpers import in_days, run_in_threads

NOW = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)


def freeze(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


@pytest.fixture
def staff(make_user, api_token):
    user = make_user("staff")
    return api_token(user)


@pytest.fixture
def make_volunteer(make_volunteer, api_token):
    """The conftest's volunteer, with the headers of their API token."""

    def factory(**attrs):
        profile = make_volunteer(**attrs)
        return profile, api_token(profile.user)

    return factory


@pytest.fixture
def event(make_event):
    return make_event(title="少儿故事大王 决赛", title_en="Storytelling Contest Final", starts_at=in_days(10))


def sign_up(client, shift, headers):
    shift_id = shift if isinstance(shift, int) else shift.id
    return client.post(f"/api/v1/shifts/{shift_id}/signups", headers=headers)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


# --- shifts ------------------------------------------------------------------------------------------


def test_staff_create_a_shift(client, staff, event):
    body = {
        "role": "场地引导", "starts_at": "2026-12-05T09:00:00", "ends_at": "2026-12-05T11:30:00+08:00", "slots": 4,
        "location": "一楼大厅", "notes": "请穿志愿者马甲", "required_topic": "消防安全", "cancel_cutoff_hours": 48,
    }
    response = client.post(f"/api/v1/events/{event.id}/shifts", json=body, headers=staff)
    assert response.status_code == 201
    shift = response.get_json()
    assert shift["id"] and shift["event_id"] == event.id
    assert shift["starts_at"] == "2026-12-05T09:00:00+08:00"  # no offset: library time
    assert shift["ends_at"] == "2026-12-05T11:30:00+08:00"
    assert (shift["slots"], shift["taken"], shift["location"], shift["required_topic"]) == (4, 0, "一楼大厅", "消防安全")
    assert shift["cancel_until"] == "2026-12-03T09:00:00+08:00"
    assert shift["signup_opens_at"] == "2026-11-05T09:00:00+08:00"
    row = db.session.get(Shift, shift["id"])
    assert (row.role, row.starts_at) == ("场地引导", datetime(2026, 12, 5, 1, 0, tzinfo=timezone.utc))


def test_staff_may_create_a_shift_in_the_past(client, staff, event):
    body = {"role": "签到", "starts_at": "2018-03-10T09:00:00", "ends_at": "2018-03-10T12:00:00", "slots": 2}
    assert client.post(f"/api/v1/events/{event.id}/shifts", json=body, headers=staff).status_code == 201


def test_bad_shifts_are_answered_field_by_field(client, staff, event):
    body = {"role": "", "starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T08:00", "slots": 0, "cancel_cutoff_hours": -1}
    response = client.post(f"/api/v1/events/{event.id}/shifts", json=body, headers=staff)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"role", "ends_at", "slots", "cancel_cutoff_hours"}
    response = client.post(f"/api/v1/events/{event.id}/shifts", json={"starts_at": "soon"}, headers=staff)
    assert set(response.get_json()["error"]["fields"]) == {"role", "starts_at", "ends_at", "slots"}
    good = {"role": "签到", "starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T10:00", "slots": 1}
    assert client.post("/api/v1/events/999999/shifts", json=good, headers=staff).status_code == 404
    assert db.session.scalar(select(func.count(Shift.id))) == 0


def test_only_staff_create_shifts(client, make_volunteer, event):
    _volunteer, headers = make_volunteer()
    good = {"role": "签到", "starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T10:00", "slots": 1}
    assert client.post(f"/api/v1/events/{event.id}/shifts", json=good, headers=headers).status_code == 403
    response = client.post(f"/api/v1/events/{event.id}/shifts", json=good)
    assert response.status_code == 401 and error_code(response) == "unauthorized"


# --- signing up and cancelling ---------------------------------------------------------------------------------


def test_sign_up_then_wait_then_be_promoted(client, make_volunteer, make_event_shift):
    (first, first_h), (second, second_h) = make_volunteer(), make_volunteer()
    shift = make_event_shift(slots=1)
    response = sign_up(client, shift, first_h)
    assert response.status_code == 201
    assert response.get_json()["status"] == "confirmed" and response.get_json()["id"]
    response = sign_up(client, shift, second_h)
    assert response.status_code == 201 and response.get_json()["status"] == "waitlisted"
    response = sign_up(client, shift, second_h)
    assert response.status_code == 409 and error_code(response) == "already_signed_up"

    response = client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=first_h)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    statuses = dict(db.session.execute(select(ShiftSignup.volunteer_id, ShiftSignup.status)).all())
    assert statuses == {first.id: "cancelled", second.id: "confirmed"}
    # A retried cancel answers the same; a volunteer who never signed up has nothing to cancel.
    assert client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=first_h).status_code == 200
    _third, third_h = make_volunteer()
    response = client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=third_h)
    assert response.status_code == 409 and error_code(response) == "not_signed_up"


def test_a_cancelled_sign_up_can_be_renewed(client, make_volunteer, make_event_shift):
    _volunteer, headers = make_volunteer()
    shift = make_event_shift()
    sign_up(client, shift, headers)
    client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=headers)
    response = sign_up(client, shift, headers)
    assert response.status_code == 201 and response.get_json()["status"] == "confirmed"


def test_overlapping_shifts_are_refused(client, make_volunteer, make_event_shift):
    _volunteer, headers = make_volunteer()
    one = make_event_shift(starts_at=in_days(3), hours=2)
    touching = make_event_shift(starts_at=in_days(3) + timedelta(hours=2))
    overlapping = make_event_shift(starts_at=in_days(3) + timedelta(hours=1, minutes=59))
    assert sign_up(client, one, headers).status_code == 201
    assert sign_up(client, touching, headers).status_code == 201  # back to back is not an overlap
    response = client.post(f"/api/v1/shifts/{overlapping.id}/signups?lang=en", headers=headers)
    assert response.status_code == 409 and error_code(response) == "shift_overlap"
    assert response.get_json()["error"]["message"] == "This shift overlaps another shift of yours."
    response = sign_up(client, overlapping, {**headers, "Accept-Language": "zh-CN"})
    assert response.get_json()["error"]["message"] == "该班次与您的另一个班次时间冲突。"


def test_the_rules_of_signing_up(client, make_volunteer, make_event_shift):
    _active, headers = make_volunteer(skills="书法")
    _applicant, applicant_h = make_volunteer(status="applicant")
    _paused, paused_h = make_volunteer(status="paused")
    free = make_event_shift()
    cases = [
        (sign_up(client, free, applicant_h), "not_active"),
        (sign_up(client, free, paused_h), "not_active"),
        (sign_up(client, make_event_shift(starts_at=in_days(40)), headers), "signup_not_open"),
        (sign_up(client, make_event_shift(starts_at=in_days(4), required_topic="消防安全"), headers), "training_required"),
        (sign_up(client, make_event_shift(starts_at=in_days(5), required_skill="摄影"), headers), "skill_required"),
        (sign_up(client, make_event_shift(starts_at=datetime.now(timezone.utc) - timedelta(minutes=5)), headers), "shift_started"),
    ]
    for response, code in cases:
        assert (response.status_code, error_code(response)) == (409, code)
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 0
    opening = make_event_shift(starts_at=in_days(40), signup_opens_at=in_days(-1))
    assert sign_up(client, opening, headers).status_code == 201  # the shift's own window
    assert sign_up(client, make_event_shift(starts_at=in_days(6), required_skill="书法"), headers).status_code == 201


def test_a_training_opens_the_shifts_that_need_it(client, make_volunteer, make_event_shift):
    volunteer, headers = make_volunteer()
    shift = make_event_shift(required_topic="消防安全")
    assert error_code(sign_up(client, shift, headers)) == "training_required"
    course = Training(title="消防安全培训", topic="消防安全", starts_at=in_days(-3), ends_at=in_days(-3) + timedelta(hours=2))
    db.session.add(course)
    db.session.flush()
    db.session.add(TrainingAttendance(training_id=course.id, volunteer_id=volunteer.id))
    db.session.commit()
    assert sign_up(client, shift, headers).status_code == 201


def test_no_cancelling_after_the_cut_off(client, monkeypatch, make_volunteer, make_event_shift):
    start = NOW + timedelta(days=5)
    shift = make_event_shift(starts_at=start, cancel_cutoff_hours=48)
    _volunteer, headers = make_volunteer()
    freeze(monkeypatch, start - timedelta(days=4))
    assert sign_up(client, shift, headers).status_code == 201
    freeze(monkeypatch, start - timedelta(hours=47))
    response = client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=headers)
    assert response.status_code == 409 and error_code(response) == "cancel_closed"
    assert db.session.scalar(select(ShiftSignup.status)) == "confirmed"
    freeze(monkeypatch, start - timedelta(hours=49))
    assert client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=headers).status_code == 200


def test_signing_up_needs_a_volunteer(client, staff, make_event_shift):
    shift = make_event_shift()
    assert sign_up(client, shift, staff).status_code == 403
    assert client.post(f"/api/v1/shifts/{shift.id}/signups").status_code == 401
    assert client.delete(f"/api/v1/shifts/{shift.id}/signups/mine", headers=staff).status_code == 403


def test_an_unknown_shift_is_404(client, make_volunteer):
    _volunteer, headers = make_volunteer()
    assert sign_up(client, 999999, headers).status_code == 404
    assert client.delete("/api/v1/shifts/999999/signups/mine", headers=headers).status_code == 404


def test_parallel_sign_ups_never_exceed_the_slots(app, make_volunteer, make_event_shift):
    shift_id = make_event_shift(slots=5).id
    headers = [make_volunteer()[1] for _ in range(12)]
    responses = run_in_threads(app, 12, lambda client, n: sign_up(client, shift_id, headers[n]))
    assert [r.status_code for r in responses] == [201] * 12
    statuses = sorted(r.get_json()["status"] for r in responses)
    assert statuses == ["confirmed"] * 5 + ["waitlisted"] * 7
    rows = db.session.scalars(select(ShiftSignup.status).where(ShiftSignup.shift_id == shift_id)).all()
    assert sorted(rows) == ["confirmed"] * 5 + ["waitlisted"] * 7


# --- listing shifts ---------------------------------------------------------------------------------------------


def test_a_volunteer_sees_each_shift_s_state(client, make_volunteer, make_event_shift):
    volunteer, headers = make_volunteer()
    _other, other_h = make_volunteer()
    full = make_event_shift(starts_at=in_days(2), slots=1)
    mine = make_event_shift(starts_at=in_days(3))
    overlap = make_event_shift(starts_at=in_days(3) + timedelta(hours=1))
    later = make_event_shift(starts_at=in_days(70))
    sign_up(client, full, other_h)
    sign_up(client, mine, headers)
    response = client.get("/api/v1/shifts", headers=headers)
    assert response.status_code == 200
    shifts = {s["id"]: s for s in response.get_json()["shifts"]}
    assert set(shifts) == {full.id, mine.id, overlap.id}  # the next 60 days
    assert shifts[full.id]["state"] == "full" and shifts[full.id]["can_sign_up"] is True
    assert shifts[full.id]["taken"] == 1
    assert shifts[mine.id]["state"] == "signed_up" and shifts[mine.id]["can_cancel"] is True
    assert shifts[mine.id]["signup"]["status"] == "confirmed"
    assert shifts[overlap.id]["state"] == "overlap" and shifts[overlap.id]["state_detail"]["overlaps_shift_id"] == mine.id
    assert shifts[overlap.id]["starts_at"].endswith("+08:00")

    day = (later.starts_at + timedelta(hours=8)).date().isoformat()
    response = client.get(f"/api/v1/shifts?from={day}&to={day}", headers=headers)
    [only] = response.get_json()["shifts"]
    assert only["id"] == later.id and only["state"] == "not_open" and only["state_detail"]["opens_at"]


def test_staff_list_shifts_without_a_state(client, staff, make_volunteer, make_event_shift):
    shift = make_event_shift()
    response = client.get("/api/v1/shifts", headers=staff)
    [item] = response.get_json()["shifts"]
    assert item["id"] == shift.id and "state" not in item
    assert client.get("/api/v1/shifts").status_code == 401
    response = client.get("/api/v1/shifts?from=2026-13-01", headers=staff)
    assert response.status_code == 422 and "from" in response.get_json()["error"]["fields"]
    response = client.get("/api/v1/shifts?from=2026-12-10&to=2026-12-01", headers=staff)
    assert response.status_code == 422 and "to" in response.get_json()["error"]["fields"]


# --- attendance and hours ---------------------------------------------------------------------------------------------


def test_staff_record_attendance_and_correct_it(client, monkeypatch, staff, make_volunteer, make_event_shift):
    freeze(monkeypatch, NOW)
    volunteer, headers = make_volunteer()
    shift = make_event_shift(starts_at=NOW - timedelta(hours=3), hours=2.5)  # nobody signed up
    url = f"/api/v1/shifts/{shift.id}/attendance"
    response = client.post(url, json={"volunteer_id": volunteer.id, "status": "completed"}, headers=staff)
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("shift_id", "volunteer_id", "status", "hours")} == {
        "shift_id": shift.id, "volunteer_id": volunteer.id, "status": "completed", "hours": 2.5,
    }
    response = client.post(url, json={"volunteer_id": volunteer.id, "status": "completed", "hours": 1.8, "reason": "早退"}, headers=staff)
    assert response.get_json()["hours"] == 1.75 and response.get_json()["id"] == body["id"]
    response = client.post(url, json={"volunteer_id": volunteer.id, "status": "no_show"}, headers=staff)
    assert (response.get_json()["status"], response.get_json()["hours"]) == ("no_show", None)
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 1


def test_attendance_errors(client, monkeypatch, staff, make_volunteer, make_event_shift):
    freeze(monkeypatch, NOW)
    volunteer, headers = make_volunteer()
    started = make_event_shift(starts_at=NOW - timedelta(hours=1))
    upcoming = make_event_shift(starts_at=NOW + timedelta(hours=1))
    ok = {"volunteer_id": volunteer.id, "status": "completed"}
    response = client.post(f"/api/v1/shifts/{upcoming.id}/attendance", json=ok, headers=staff)
    assert response.status_code == 409 and error_code(response) == "shift_not_started"
    assert client.post("/api/v1/shifts/999999/attendance", json=ok, headers=staff).status_code == 404
    response = client.post(f"/api/v1/shifts/{started.id}/attendance", json={**ok, "volunteer_id": 999999}, headers=staff)
    assert response.status_code == 404
    for bad, field in [({"status": "late"}, "status"), ({"hours": "two"}, "hours"), ({"hours": 30}, "hours"),
                       ({"volunteer_id": "x"}, "volunteer_id")]:
        response = client.post(f"/api/v1/shifts/{started.id}/attendance", json={**ok, **bad}, headers=staff)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], bad
    assert client.post(f"/api/v1/shifts/{started.id}/attendance", json=ok, headers=headers).status_code == 403
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 0


def test_hours_add_up_exactly(client, monkeypatch, make_user, make_volunteer, make_event_shift):
    freeze(monkeypatch, NOW)
    actor = make_user("staff")
    volunteer, headers = make_volunteer()
    a = make_event_shift(starts_at=NOW - timedelta(days=40), hours=2)
    b = make_event_shift(starts_at=NOW - timedelta(days=20), hours=3, role="场地引导")
    c = make_event_shift(starts_at=NOW - timedelta(days=10), hours=2)
    old = make_event_shift(starts_at=datetime(2025, 12, 31, 16, 30, tzinfo=timezone.utc), hours=3)  # 2026-01-01 00:30 there
    older = make_event_shift(starts_at=datetime(2025, 12, 31, 12, 0, tzinfo=timezone.utc), hours=1)  # 2025-12-31 20:00 there
    services.record_attendance(a, volunteer, status="completed", actor=actor)
    services.record_attendance(b, volunteer, status="completed", hours=Decimal("1.75"), actor=actor)
    services.record_attendance(c, volunteer, status="no_show", actor=actor)
    services.record_attendance(old, volunteer, status="completed", actor=actor)
    services.record_attendance(older, volunteer, status="completed", actor=actor)
    services.adjust_hours(volunteer, Decimal("0.5"), reason="准备材料", actor=actor, day=date(2026, 3, 1))
    services.adjust_hours(volunteer, Decimal("-0.25"), reason="更正", actor=actor, day=date(2026, 4, 1))
    db.session.commit()

    response = client.get("/api/v1/volunteers/me/hours?year=2026", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["hours"] == 7.0  # 3 + 2 + 1.75 + 0.5 - 0.25
    assert [(s["shift_id"], s["date"], s["role"], s["hours"]) for s in body["shifts"]] == [
        (old.id, "2026-01-01", "签到引导", 3.0), (a.id, "2026-05-06", "签到引导", 2.0), (b.id, "2026-05-26", "场地引导", 1.75),
    ]
    assert body["shifts"][0]["activity"] == "少儿故事大王 决赛"
    assert [(a["date"], a["hours"], a["reason"]) for a in body["adjustments"]] == [("2026-03-01", 0.5, "准备材料"), ("2026-04-01", -0.25, "更正")]
    assert sum(s["hours"] for s in body["shifts"]) + sum(a["hours"] for a in body["adjustments"]) == body["hours"]
    assert body["total_hours"] == 8.0
    assert client.get("/api/v1/volunteers/me/hours", headers=headers).get_json()["hours"] == 7.0  # this year by default
    assert client.get("/api/v1/volunteers/me/hours?year=2025", headers=headers).get_json()["hours"] == 1.0
    english = client.get("/api/v1/volunteers/me/hours?year=2026&lang=en", headers=headers).get_json()
    assert english["shifts"][0]["activity"] == "Storytelling Contest Final"
    response = client.get("/api/v1/volunteers/me/hours?year=twenty", headers=headers)
    assert response.status_code == 422 and "year" in response.get_json()["error"]["fields"]


def test_hours_through_the_desk_count_too(client, monkeypatch, make_volunteer, make_event_shift):
    volunteer, headers = make_volunteer()
    start = NOW + timedelta(days=2)
    shift = make_event_shift(starts_at=start, hours=3)
    freeze(monkeypatch, start - timedelta(days=1))
    assert sign_up(client, shift, headers).status_code == 201
    freeze(monkeypatch, start + timedelta(minutes=10))
    services.check_in_to_shift(shift, volunteer)
    freeze(monkeypatch, start + timedelta(hours=2, minutes=17))
    services.check_out_of_shift(shift, volunteer)
    db.session.commit()
    body = client.get("/api/v1/volunteers/me/hours?year=2026", headers=headers).get_json()
    assert body["hours"] == 2.0 and body["shifts"][0]["hours"] == 2.0  # 2 h 7 min → 2 hours


# --- the volunteer's own records ----------------------------------------------------------------------------


def test_me(client, staff, make_volunteer):
    volunteer, headers = make_volunteer(name="王志愿")
    response = client.get("/api/v1/volunteers/me", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["name"], body["status"]) == (volunteer.id, "王志愿", "active")
    assert body["calendar_url"].endswith(f"/volunteer/{volunteer.id}/shifts.ics?token={services.calendar_token(volunteer)}")
    assert client.get("/api/v1/volunteers/me", headers=staff).status_code == 403
    assert client.get("/api/v1/volunteers/me").status_code == 401
    _applicant, applicant_h = make_volunteer(status="applicant")
    assert client.get("/api/v1/volunteers/me", headers=applicant_h).get_json()["status"] == "applicant"


def test_the_certificate_through_the_api(client, monkeypatch, make_user, make_volunteer, make_event_shift, tmp_path):
    freeze(monkeypatch, NOW)
    volunteer, headers = make_volunteer(name="王志愿")
    shift = make_event_shift(starts_at=NOW - timedelta(days=3), hours=3)
    services.record_attendance(shift, volunteer, status="completed", hours=Decimal("2.5"), actor=make_user("staff"))
    db.session.commit()
    response = client.get("/api/v1/volunteers/me/certificate.pdf?year=2026", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "王志愿" in text and "2.5" in text
    # A year without hours takes no certificate number.
    response = client.get("/api/v1/volunteers/me/certificate.pdf?year=2025&lang=en", headers=headers)
    assert response.status_code == 422 and error_code(response) == "no_hours"
    assert response.get_json()["error"]["message"] == (
        "No hours of service are recorded for this period, so there is nothing to certify."
    )
    response = client.get("/api/v1/volunteers/me/certificate.pdf", headers=make_volunteer()[1])
    assert response.status_code == 422 and error_code(response) == "no_hours"
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert client.get("/api/v1/volunteers/me/certificate.pdf?year=1999", headers=headers).status_code == 422


def test_a_volunteer_changes_their_details_through_the_api(client, staff, make_volunteer):
    volunteer, headers = make_volunteer(skills="书法")
    response = client.patch("/api/v1/volunteers/me", headers=headers, json={
        "phone": "+86 139-0000-1111", "availability": {"sun": ["pm", "am"]}, "languages": None,
    })
    assert response.status_code == 200
    body = response.get_json()
    assert (body["phone"], body["skills"], body["availability"]) == ("13900001111", "书法", {"sun": ["am", "pm"]})
    db.session.refresh(volunteer)
    assert volunteer.phone == "13900001111"

    response = client.patch("/api/v1/volunteers/me", headers=headers, json={
        "phone": "call me", "availability": {"someday": ["am"]}, "status": "active", "skills": "x" * 501,
    })
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"status"}
    response = client.patch("/api/v1/volunteers/me", headers=headers, json={
        "phone": "call me", "availability": {"someday": ["am"]}, "skills": "x" * 501,
    })
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"phone", "availability", "skills"}
    db.session.refresh(volunteer)
    assert (volunteer.phone, volunteer.skills) == ("13900001111", "书法")
    assert client.patch("/api/v1/volunteers/me", headers=staff, json={"skills": "x"}).status_code == 403
    assert client.patch("/api/v1/volunteers/me", json={"skills": "x"}).status_code == 401

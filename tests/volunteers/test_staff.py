"""Staff pages of volunteering (/staff/volunteers): status codes, page text (English via
?lang=en), the database after each POST, roles, CSRF, and ``flask volunteers remind``.

The clock is frozen at Monday 2 March 2026, 10:00 in Liling (see test_services.py)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from outreach.years import year_bounds
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.volunteers import services
from outreach.volunteers.models import (
    Certificate,
    HoursAdjustment,
    RecruitmentCall,
    Shift,
    ShiftSignup,
    Training,
    TrainingAttendance,
    VolunteerProfile,
)
from tests.helpers import assert_valid_html, csrf_token_from, field_error, local, text_of
from tests.volunteers.helpers import application, make_training

pytestmark = pytest.mark.usefixtures("frozen")

BASE = "/staff/volunteers"


@pytest.fixture
def as_staff(client, login, staff):
    login(staff)
    return staff


def csrf(client) -> str:
    return csrf_token_from(client, f"{BASE}/shifts")


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- who may come in ---------------------------------------------------------------------------


@pytest.fixture
def world(app, make_volunteer, make_shift, make_event):
    """A volunteer, an event with a shift, a training and a call: one of everything."""
    volunteer = make_volunteer("刘晓燕", skills="书法", phone="13812345678")
    event = make_event(title="少儿故事大王 初赛", title_en="Storytelling contest, first round",
                       starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 12))
    shift = make_shift(event, role="计分协助", start=local(2026, 3, 5, 9), slots=2)
    training = make_training()
    call = RecruitmentCall(title="文化志愿者招募", title_en="Cultural volunteers wanted", description="…")
    db.session.add(call)
    db.session.commit()
    return {"volunteer": volunteer, "event": event, "shift": shift, "training": training, "call": call}


def page_urls(world) -> list[str]:
    day = "2026-03-05"
    return [
        f"{BASE}/", f"{BASE}/{world['volunteer'].id}", f"{BASE}/calls", f"{BASE}/calls/new",
        f"{BASE}/calls/{world['call'].id}/edit", f"{BASE}/trainings", f"{BASE}/trainings/{world['training'].id}",
        f"{BASE}/shifts", f"{BASE}/shifts/new", f"{BASE}/shifts/pattern", f"{BASE}/shifts/{world['shift'].id}",
        f"{BASE}/shifts/{world['shift'].id}/desk-poster.pdf", f"{BASE}/rosters/days/{day}",
        f"{BASE}/rosters/days/{day}/roster.csv",
        f"{BASE}/rosters/events/{world['event'].id}", f"{BASE}/rosters/events/{world['event'].id}/roster.csv",
    ]


def post_urls(world) -> list[str]:
    volunteer, shift = world["volunteer"], world["shift"]
    return [
        f"{BASE}/{volunteer.id}/review", f"{BASE}/{volunteer.id}/hours", f"{BASE}/{volunteer.id}/certificate",
        f"{BASE}/calls/new", f"{BASE}/calls/{world['call'].id}/edit", f"{BASE}/calls/{world['call'].id}/close",
        f"{BASE}/trainings", f"{BASE}/trainings/{world['training'].id}/attendance", f"{BASE}/shifts/new",
        f"{BASE}/shifts/pattern", f"{BASE}/shifts/{shift.id}/attendance", f"{BASE}/shifts/{shift.id}/signups/1/remove",
        f"{BASE}/rosters/days/2026-03-05/print", f"{BASE}/rosters/events/{world['event'].id}/print",
    ]


def test_anonymous_people_are_sent_to_sign_in(client, world):
    for url in page_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login"), url


def test_volunteers_may_not_see_staff_pages(client, login, world):
    login(world["volunteer"].user)
    for url in page_urls(world):
        assert client.get(url).status_code == 403, url
    token = csrf(client)
    for url in post_urls(world):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert db.session.scalar(select(func.count(HoursAdjustment.id))) == 0


def assert_unique_ids(document) -> None:
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_every_page_opens_for_staff(client, as_staff, world):
    services.sign_up(world["shift"], world["volunteer"])
    db.session.commit()
    for url in page_urls(world):
        response = client.get(url + "?lang=en")
        assert response.status_code == 200, url
        if response.mimetype == "text/html":
            assert_unique_ids(assert_valid_html(response))


def test_admins_are_staff_too(client, login, make_user, world):
    login(make_user("admin"))
    assert client.get(f"{BASE}/?lang=en").status_code == 200


def test_posts_without_a_csrf_token_are_refused(client, as_staff, world):
    for url in post_urls(world):
        response = client.post(url + "?lang=en", data={"hours": "1", "reason": "x", "title": "x", "description": "x"})
        assert response.status_code == 400, url
        assert "This form has expired" in text_of(response)
    assert db.session.scalar(select(func.count(HoursAdjustment.id))) == 0
    assert db.session.scalar(select(func.count(RecruitmentCall.id))) == 1


def test_unknown_records_are_404(client, as_staff, world):
    for url in (f"{BASE}/999", f"{BASE}/trainings/999", f"{BASE}/shifts/999", f"{BASE}/rosters/events/999",
                f"{BASE}/rosters/days/yesterday", f"{BASE}/calls/999/edit", f"{BASE}/shifts/999/desk-poster.pdf"):
        assert client.get(url).status_code == 404, url


# --- volunteers and review ---------------------------------------------------------------------


def test_index_lists_applications_and_volunteers_by_status_with_hours(client, as_staff, world, make_volunteer, frozen):
    applicant = services.apply(**application(call=world["call"]))
    make_volunteer("王芳", status="paused", skills="摄影")
    make_volunteer("旧志愿者", status="archived")
    db.session.commit()
    frozen.set(local(2026, 3, 5, 12))
    services.record_attendance(world["shift"], world["volunteer"], status="completed", actor=as_staff)
    services.adjust_hours(world["volunteer"], Decimal("0.5"), reason="准备材料", actor=as_staff)
    services.adjust_hours(world["volunteer"], Decimal("3"), reason="去年的补录", actor=as_staff, day=date(2025, 12, 30))
    db.session.commit()
    response = client.get(f"{BASE}/?lang=en")
    assert response.status_code == 200
    document = assert_valid_html(response)
    html = text_of(response)
    assert "Applications to review" in html and "刘晓燕" in html and "Cultural volunteers wanted" in html
    applicants = document.find(".//section[@aria-labelledby='applicants-heading']")
    assert "刘晓燕" in "".join(applicants.itertext()) and str(applicant.id) in html
    active = "".join(document.find(".//section[@aria-labelledby='active-heading']").itertext())
    assert "刘晓燕" in active and "书法" in active and "13812345678" in active
    assert "2.5" in active  # 2 hours served + 0.5 this year; last year's 3 are not counted
    assert "王芳" in "".join(document.find(".//section[@aria-labelledby='paused-heading']").itertext())
    assert "旧志愿者" in "".join(document.find(".//section[@aria-labelledby='archived-heading']").itertext())


def test_hours_by_volunteer_agrees_with_the_ledger(app, staff, world, make_volunteer, make_shift, frozen):
    from outreach.volunteers.staff import hours_by_volunteer

    other = make_volunteer("王芳")
    late = make_shift(start=local(2026, 12, 31, 23), hours=0.5)  # the library's last day of 2026
    frozen.set(local(2027, 1, 1, 9))
    services.record_attendance(world["shift"], world["volunteer"], status="completed", hours=Decimal("1.75"), actor=staff)
    services.record_attendance(late, other, status="completed", actor=staff)
    services.adjust_hours(other, Decimal("0.1"), reason="a", actor=staff, day=date(2026, 6, 1))
    services.adjust_hours(other, Decimal("0.2"), reason="b", actor=staff, day=date(2026, 6, 2))
    db.session.commit()
    start, end = year_bounds(2026)
    totals = hours_by_volunteer(start, end)
    for volunteer in (world["volunteer"], other):
        assert totals[volunteer.id] == services.total_hours(services.hours_lines(volunteer, start=start, end=end))
    assert totals[other.id] == Decimal("0.80")


def test_profile_shows_everything_staff_need(client, as_staff, world, frozen):
    volunteer = world["volunteer"]
    volunteer.emergency_contact, volunteer.availability = "刘先生 13912345678", {"sat": ["am", "pm"]}
    services.record_training(world["training"], [volunteer], actor=as_staff)
    services.sign_up(world["shift"], volunteer)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 12))
    services.record_attendance(world["shift"], volunteer, status="completed", actor=as_staff)
    services.adjust_hours(volunteer, Decimal("-0.25"), reason="签退时间更正", actor=as_staff)
    db.session.commit()
    response = client.get(f"{BASE}/{volunteer.id}?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    html = text_of(response)
    for expected in ("13812345678", volunteer.user.email, "刘先生 13912345678", "Saturday: Morning, Afternoon",
                     "Fire safety", "Storytelling contest, first round", "计分协助", "Correction: 签退时间更正", "In 2026", "1.75",
                     "Pause", "Archive", "Hours certificate"):
        assert expected in html, expected
    assert 'value="approve"' not in html  # only the moves the status allows


def test_approve_an_applicant(client, as_staff, app):
    applicant = services.apply(**application())
    db.session.commit()
    app.extensions.pop("outreach_sent_mail", None)  # the application's receipt
    page = client.get(f"{BASE}/{applicant.id}?lang=en")
    assert 'value="approve"' in text_of(page) and 'value="reject"' in text_of(page)
    assert "No mail server is configured: approval and rejection are not e-mailed" in text_of(page)
    response = client.post(f"{BASE}/{applicant.id}/review?lang=en",
                           data={"csrf_token": csrf(client), "action": "approve", "note": "欢迎！请先参加消防培训。"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{BASE}/{applicant.id}")
    db.session.expire_all()
    assert (applicant.status, applicant.reviewed_by_id, applicant.review_note) == ("active", as_staff.id, "欢迎！请先参加消防培训。")
    (message,) = app.extensions["outreach_sent_mail"]
    assert message.to == "xiaoyan@example.org" and "欢迎！请先参加消防培训。" in message.body
    # No mail server in the tests: the page does not claim the volunteer was told.
    shown = text_of(client.get(f"{BASE}/{applicant.id}?lang=en"))
    assert ("is now an active volunteer. No mail server is configured: 1 message was not sent "
            "(the server&#39;s log names it).") in shown
    assert "We have told them by e-mail" not in shown


def test_a_move_the_status_does_not_allow_is_explained(client, as_staff, app):
    applicant = services.apply(**application())
    db.session.commit()
    app.extensions.pop("outreach_sent_mail", None)  # the application's receipt
    response = client.post(f"{BASE}/{applicant.id}/review?lang=en",
                           data={"csrf_token": csrf(client), "action": "pause"})
    assert response.status_code == 409
    assert "A volunteer who is applicant cannot be moved that way." in text_of(response)
    response = client.post(f"{BASE}/{applicant.id}/review?lang=en",
                           data={"csrf_token": csrf(client), "action": "promote", "note": "x" * 2001})
    assert response.status_code == 422
    assert field_error(text_of(response), "note")  # too long
    assert "Not a valid choice" in text_of(response)
    db.session.expire_all()
    assert applicant.status == "applicant" and "outreach_sent_mail" not in app.extensions


def test_adjust_hours_with_a_reason(client, as_staff, world):
    volunteer = world["volunteer"]
    url = f"{BASE}/{volunteer.id}/hours?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "hours": "1.5", "reason": " "})
    assert response.status_code == 422
    assert field_error(text_of(response), "reason") == "Give the reason for the correction."
    response = client.post(url, data={"csrf_token": csrf(client), "hours": "lots", "reason": "准备材料"})
    assert field_error(text_of(response), "hours") == "Enter a number of hours, such as 1.5."
    response = client.post(url, data={"csrf_token": csrf(client), "hours": "NaN", "reason": "准备材料"})
    assert response.status_code == 422
    response = client.post(url, data={"csrf_token": csrf(client), "hours": "0", "reason": "准备材料"})
    assert response.status_code == 422
    assert field_error(text_of(response), "hours") == "Enter a number of hours other than 0, from -1000 to 1000."
    assert db.session.scalar(select(func.count(HoursAdjustment.id))) == 0
    response = client.post(url, data={"csrf_token": csrf(client), "hours": "１.５", "reason": "在家准备比赛材料",
                                      "day": "2026-03-01"})
    assert response.status_code == 303
    adjustment = db.session.scalar(select(HoursAdjustment))
    assert (adjustment.hours, adjustment.reason, adjustment.day, adjustment.by_user_id) == (
        Decimal("1.50"), "在家准备比赛材料", date(2026, 3, 1), as_staff.id)
    assert "hours.adjust" in audit_actions()


def test_certificate_for_a_chosen_year_and_language(client, as_staff, world, frozen):
    frozen.set(local(2026, 3, 5, 12))
    services.record_attendance(world["shift"], world["volunteer"], status="completed", actor=as_staff)
    db.session.commit()
    url = f"{BASE}/{world['volunteer'].id}/certificate?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "year": "2026", "language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "Volunteer%20service%20certificate%202026" in response.headers["Content-Disposition"]
    certificate = db.session.scalar(select(Certificate))
    assert (certificate.number, certificate.hours) == ("LL-2026-000001", Decimal("2.00"))
    again = client.post(url, data={"csrf_token": csrf(client), "year": "2026", "language": "zh_Hans"})
    assert again.status_code == 200
    assert db.session.scalar(select(func.count(Certificate.id))) == 1  # the same certificate
    response = client.post(url, data={"csrf_token": csrf(client), "year": "1999", "language": "en"})
    assert response.status_code == 422 and field_error(text_of(response), "year")
    # Only the years with hours are offered; a year without is refused and takes no number.
    page = client.get(f"{BASE}/{world['volunteer'].id}?lang=en").get_data(as_text=True)
    assert re.findall(r'<option[^>]*value="(\d+)"', page) == ["2026"]
    response = client.post(url, data={"csrf_token": csrf(client), "year": "2025", "language": "en"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Certificate.id))) == 1


def test_no_certificate_is_offered_without_hours(client, as_staff, world):
    page = client.get(f"{BASE}/{world['volunteer'].id}?lang=en").get_data(as_text=True)
    assert "No hours are recorded yet, so there is no certificate to make." in page
    assert f'action="{BASE}/{world["volunteer"].id}/certificate"' not in page


# --- recruitment calls -------------------------------------------------------------------------


def test_create_edit_and_close_a_call(client, as_staff):
    url = f"{BASE}/calls/new?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "title": " ", "description": "",
                                      "deadline": "31/03/2026", "status": "open"})
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "title") == "Give the call a title."
    assert field_error(html, "description") == "Describe what volunteers will do."
    assert field_error(html, "deadline") == "Enter a date such as 2026-03-05."
    response = client.post(url, data={
        "csrf_token": csrf(client), "title": "少儿故事大王赛事志愿者", "title_en": "Storytelling contest volunteers",
        "description": "协助初赛签到与计分", "roles": "签到引导、计分协助", "commitment": "3月7日全天",
        "deadline": "2026-03-06", "status": "open",
    })
    assert response.status_code == 303
    call = db.session.scalar(select(RecruitmentCall))
    assert (call.title, call.title_en, call.roles, call.deadline, call.status, call.description_en) == (
        "少儿故事大王赛事志愿者", "Storytelling contest volunteers", "签到引导、计分协助", date(2026, 3, 6), "open", None)
    listing = client.get(f"{BASE}/calls?lang=en")
    assert_valid_html(listing)
    assert "少儿故事大王赛事志愿者" in text_of(listing) and "Storytelling contest volunteers" in text_of(listing)
    edit = f"{BASE}/calls/{call.id}/edit?lang=en"
    assert "协助初赛签到与计分" in text_of(client.get(edit))
    response = client.post(edit, data={"csrf_token": csrf(client), "title": "少儿故事大王赛事志愿者",
                                       "title_en": "", "description": "协助初赛和决赛", "status": "open",
                                       "skills_wanted_en": "Timekeeping"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (call.description, call.skills_wanted_en, call.title_en) == ("协助初赛和决赛", "Timekeeping", None)
    assert client.post(f"{BASE}/calls/{call.id}/close", data={"csrf_token": csrf(client)}).status_code == 303
    db.session.expire_all()
    assert call.status == "closed"
    assert services.open_calls() == []
    assert audit_actions().count("call.create") == 1 and "call.update" in audit_actions() and "call.close" in audit_actions()


# --- trainings ---------------------------------------------------------------------------------------


def test_add_a_training_and_tick_who_attended(client, as_staff, make_volunteer):
    a, b = make_volunteer("甲"), make_volunteer("乙")
    make_volunteer("申请人", status="applicant")
    url = f"{BASE}/trainings?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "title": "消防安全培训", "topic": "消防安全",
                                      "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T08:00"})
    assert response.status_code == 422
    assert field_error(text_of(response), "ends_at") == "The end must come after the start."
    response = client.post(url, data={"csrf_token": csrf(client), "title": "消防安全培训", "topic": "",
                                      "starts_at": "tomorrow", "ends_at": "2026-03-10T11:00"})
    html = text_of(response)
    assert field_error(html, "starts_at") == "Enter a date and a time such as 2026-03-05 09:30."
    assert field_error(html, "topic") == "Give the topic a shift can require, such as 消防安全."
    response = client.post(url, data={"csrf_token": csrf(client), "title": "消防安全培训", "title_en": "Fire safety",
                                      "topic": "消防安全", "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T11:30",
                                      "location": "总馆报告厅"})
    assert response.status_code == 303
    training = db.session.scalar(select(Training))
    assert (training.starts_at, training.ends_at, training.location) == (
        local(2026, 3, 10, 9), local(2026, 3, 10, 11, 30), "总馆报告厅")
    page_url = f"{BASE}/trainings/{training.id}?lang=en"
    page = client.get(page_url)
    assert_valid_html(page)
    assert "甲" in text_of(page) and "申请人" not in text_of(page)  # only active volunteers can be ticked
    attendance = f"{BASE}/trainings/{training.id}/attendance?lang=en"
    response = client.post(attendance, data={"csrf_token": csrf(client)})
    assert response.status_code == 422 and "Tick at least one volunteer." in text_of(response)
    response = client.post(attendance, data={"csrf_token": csrf(client), "volunteers": [str(a.id), str(b.id)]})
    assert response.status_code == 303
    assert set(db.session.scalars(select(TrainingAttendance.volunteer_id))) == {a.id, b.id}
    assert "2 volunteers recorded as trained." in text_of(client.get(page_url))
    assert services.trained_topics(a) == {"消防安全"}


# --- shifts --------------------------------------------------------------------------------------------


def test_create_a_shift_for_an_event_and_a_standing_duty(client, as_staff, make_event):
    event = make_event(title="少儿美术展", starts_at=local(2026, 3, 7, 9), ends_at=local(2026, 3, 7, 17))
    form_page = client.get(f"{BASE}/shifts/new?lang=en&event={event.id}")
    assert f'<option selected value="{event.id}">' in text_of(form_page)
    url = f"{BASE}/shifts/new?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "event": str(event.id), "role": "展厅引导",
                                      "day": "2026-03-07", "start_time": "11:00", "end_time": "10:00", "slots": "0"})
    assert response.status_code == 422
    html = text_of(response)
    assert field_error(html, "end_time") == "The end must come after the start."
    assert field_error(html, "slots") == "Enter a whole number from 1 to 500."
    response = client.post(url, data={
        "csrf_token": csrf(client), "event": str(event.id), "role": "展厅引导", "day": "2026-03-07",
        "start_time": "09:00", "end_time": "11:30", "slots": "3", "location": "一楼展厅", "notes": "请穿志愿者马甲",
        "required_topic": "消防安全", "required_skill": "", "cancel_cutoff_hours": "12",
    })
    assert response.status_code == 303
    shift = db.session.scalar(select(Shift))
    assert response.headers["Location"].endswith(f"{BASE}/shifts/{shift.id}")
    assert (shift.event_id, shift.role, shift.starts_at, shift.ends_at, shift.slots, shift.location, shift.notes,
            shift.required_topic, shift.required_skill, shift.cancel_cutoff_hours) == (
        event.id, "展厅引导", local(2026, 3, 7, 9), local(2026, 3, 7, 11, 30), 3, "一楼展厅", "请穿志愿者马甲",
        "消防安全", None, 12)
    response = client.post(url, data={"csrf_token": csrf(client), "event": "0", "role": "服务台值班",
                                      "day": "2026-03-09", "start_time": "14:00", "end_time": "17:00", "slots": "1"})
    assert response.status_code == 303
    desk = db.session.scalar(select(Shift).where(Shift.role == "服务台值班"))
    assert desk.event_id is None and desk.cancel_cutoff_hours is None
    listing = client.get(f"{BASE}/shifts?lang=en")
    assert_valid_html(listing)
    html = text_of(listing)
    assert "展厅引导" in html and "少儿美术展" in html and "0 of 3" in html and "Standing duty" not in html
    html = text_of(client.get(f"{BASE}/shifts?lang=en&week=2026-03-09"))  # the list shows a week: Monday's desk is next week's
    assert "Standing duty" in html and "展厅引导" not in html
    html = text_of(listing)
    assert "Training: 消防安全" in html


def test_an_unknown_event_is_refused(client, as_staff):
    response = client.post(f"{BASE}/shifts/new?lang=en", data={
        "csrf_token": csrf(client), "event": "999", "role": "引导", "day": "2026-03-07", "start_time": "09:00",
        "end_time": "10:00", "slots": "1"})
    assert response.status_code == 422
    assert field_error(text_of(response), "event")
    assert db.session.scalar(select(func.count(Shift.id))) == 0


def test_shifts_from_a_pattern_every_hour_from_9_to_17(client, as_staff):
    url = f"{BASE}/shifts/pattern?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "event": "0", "role": "服务台值班", "day": "2026-03-09",
                                      "first_start": "09:00", "last_end": "09:30", "length_minutes": "60", "slots": "1"})
    assert response.status_code == 422
    assert field_error(text_of(response), "length_minutes") == "No whole shift fits between the start and the end."
    response = client.post(url, data={"csrf_token": csrf(client), "event": "0", "role": "服务台值班", "day": "2026-03-09",
                                      "first_start": "09:00", "last_end": "17:00", "length_minutes": "60", "slots": "2",
                                      "location": "总馆一楼服务台"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{BASE}/rosters/days/2026-03-09")
    starts = list(db.session.scalars(select(Shift.starts_at).order_by(Shift.starts_at)))
    assert starts == [local(2026, 3, 9, hour) for hour in range(9, 17)]
    assert "8 shifts added." in text_of(client.get(response.headers["Location"] + "?lang=en"))


def test_shift_page_in_chinese_says_times_attendance_and_status_in_chinese(client, as_staff, world):
    services.sign_up(world["shift"], world["volunteer"])
    db.session.commit()
    page = client.get(f"{BASE}/shifts/{world['shift'].id}?lang=zh_Hans")
    assert_valid_html(page)
    html = text_of(page)
    # The roster's columns hold times; the form asks whether the volunteer served (出勤情况, not the
    # event's 到场人数); the status beside a name is in Chinese brackets.
    assert '<th scope="col">签到时间</th><th scope="col">签退时间</th>' in html
    assert "<legend>出勤情况</legend>" in html and "到场人数" not in html
    assert "刘晓燕（已确认）" in html and "刘晓燕 (" not in html


def test_shift_page_records_attendance_and_corrections(client, as_staff, world, make_volunteer, frozen):
    shift, volunteer = world["shift"], world["volunteer"]
    walk_in = make_volunteer("王芳")
    services.sign_up(shift, volunteer)
    db.session.commit()
    url = f"{BASE}/shifts/{shift.id}/attendance?lang=en"
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(volunteer.id), "status": "completed"})
    assert response.status_code == 409
    assert "Attendance can be recorded once the shift has started." in text_of(response)
    frozen.set(local(2026, 3, 5, 11, 30))
    page = client.get(f"{BASE}/shifts/{shift.id}?lang=en")
    assert_valid_html(page)
    html = text_of(page)
    assert "刘晓燕" in html and "13812345678" in html and "Confirmed" in html and "王芳" in html
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(volunteer.id), "status": "completed"})
    assert response.status_code == 303
    signup = db.session.scalar(select(ShiftSignup).where(ShiftSignup.volunteer_id == volunteer.id))
    assert (signup.status, signup.hours, signup.by_user_id) == ("completed", Decimal("2.00"), as_staff.id)
    # Someone who had not signed up, with the hours given.
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(walk_in.id), "status": "completed",
                                      "hours": "1.6"})
    assert response.status_code == 303
    assert db.session.scalar(select(ShiftSignup.hours).where(ShiftSignup.volunteer_id == walk_in.id)) == Decimal("1.50")
    # A correction needs a reason.
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(volunteer.id), "status": "no_show"})
    assert response.status_code == 422
    assert field_error(text_of(response), "reason") == "Give the reason for the correction."
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(volunteer.id), "status": "no_show",
                                      "reason": "记错了人"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (signup.status, signup.hours) == ("no_show", None)
    correction = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "shift.attendance.correct"))
    assert correction.data["reason"] == "记错了人" and correction.data["before"]["status"] == "completed"
    assert "刘晓燕 is recorded as not having come." in text_of(client.get(f"{BASE}/shifts/{shift.id}?lang=en"))
    response = client.post(url, data={"csrf_token": csrf(client), "volunteer": str(walk_in.id), "status": "completed",
                                      "hours": "25", "reason": "补记"})
    assert response.status_code == 422 and field_error(text_of(response), "hours") == "Enter hours from 0 to 24."


def test_staff_take_a_volunteer_off_after_the_cut_off(client, as_staff, world, make_volunteer, app, frozen):
    shift = world["shift"]
    shift.slots = 1
    db.session.commit()
    volunteer, waiting = world["volunteer"], make_volunteer("王芳")
    signup = services.sign_up(shift, volunteer)
    services.sign_up(shift, waiting)
    db.session.commit()
    frozen.set(local(2026, 3, 5, 8))  # an hour before: volunteers can no longer cancel
    response = client.post(f"{BASE}/shifts/{shift.id}/signups/{signup.id}/remove?lang=en", data={"csrf_token": csrf(client)})
    assert response.status_code == 303
    db.session.expire_all()
    assert (signup.status, signup.by_user_id) == ("cancelled", as_staff.id)
    assert db.session.scalar(select(ShiftSignup.status).where(ShiftSignup.volunteer_id == waiting.id)) == "confirmed"
    assert [m.to for m in app.extensions["outreach_sent_mail"]] == [waiting.user.email]
    page = text_of(client.get(f"{BASE}/shifts/{shift.id}?lang=en"))
    assert "刘晓燕 is no longer on this shift." in page
    # Removing again explains that there is nothing to remove.
    response = client.post(f"{BASE}/shifts/{shift.id}/signups/{signup.id}/remove?lang=en", data={"csrf_token": csrf(client)})
    assert "There is no sign-up to cancel." in text_of(client.get(response.headers["Location"] + "?lang=en"))
    other = services.create_shift(None, role="x", starts_at=local(2026, 3, 6, 9), ends_at=local(2026, 3, 6, 10), slots=1)
    db.session.commit()
    assert client.post(f"{BASE}/shifts/{other.id}/signups/{signup.id}/remove", data={"csrf_token": csrf(client)}).status_code == 404


# --- rosters ----------------------------------------------------------------------------------------


def test_rosters_by_day_and_by_event(client, as_staff, world, make_volunteer, make_shift):
    services.sign_up(world["shift"], world["volunteer"])
    desk = make_shift(role="服务台值班", start=local(2026, 3, 5, 14), slots=1)
    services.sign_up(desk, make_volunteer("王芳", phone="13912340002"))
    make_shift(role="明天的值班", start=local(2026, 3, 6, 9))
    db.session.commit()
    day = client.get(f"{BASE}/rosters/days/2026-03-05?lang=en")
    assert_valid_html(day)
    html = text_of(day)
    assert "Thursday, March 5, 2026" in html
    assert "计分协助" in html and "服务台值班" in html and "明天的值班" not in html
    assert "13812345678" in html and "13912340002" in html and "1 of 2 places taken" in html
    assert f'action="{BASE}/rosters/days/2026-03-05/print"' in day.get_data(as_text=True)
    assert f"{BASE}/rosters/days/2026-03-04" in html
    event = text_of(client.get(f"{BASE}/rosters/events/{world['event'].id}?lang=en"))
    assert "Storytelling contest, first round" in event and "计分协助" in event and "服务台值班" not in event
    assert client.get(f"{BASE}/rosters?day=2026-03-06").headers["Location"].endswith(f"{BASE}/rosters/days/2026-03-06")
    assert client.get(f"{BASE}/rosters").headers["Location"].endswith(f"{BASE}/rosters/days/2026-03-02")
    response = client.get(f"{BASE}/rosters?day=soon&lang=en")
    assert response.status_code == 422 and field_error(text_of(response), "day") == "Enter a date such as 2026-03-05."


# --- the reminder command -------------------------------------------------------------------------


def test_remind_twice_sends_once(app, runner, make_shift, make_volunteer):
    tomorrow = make_shift(start=local(2026, 3, 3, 9), slots=1)
    later = make_shift(start=local(2026, 3, 5, 9))
    volunteer, waiting = make_volunteer("刘晓燕"), make_volunteer("王芳")
    services.sign_up(tomorrow, volunteer)
    services.sign_up(tomorrow, waiting)  # waiting: no reminder
    services.sign_up(later, volunteer)
    db.session.commit()
    result = runner.invoke(args=["volunteers", "remind"])
    assert result.exit_code == 0, result.output
    # No mail server is set in the tests: the command says the reminder was not sent.
    assert ("1 shift reminder(s) due, 0 already reminded: 0 sent, 1 not sent (no mail server is set: "
            "OUTREACH_SMTP_HOST; each is in the log).") in result.output
    (message,) = app.extensions["outreach_sent_mail"]
    assert message.to == volunteer.user.email
    result = runner.invoke(args=["volunteers", "remind"])
    assert "0 shift reminder(s) due, 1 already reminded: 0 sent." in result.output
    assert len(app.extensions["outreach_sent_mail"]) == 1
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "shift.remind"))
    assert entry.object_type == "ShiftSignup" and entry.data == {"shift_id": tomorrow.id}
    assert db.session.scalar(select(func.count(VolunteerProfile.id))) == 2

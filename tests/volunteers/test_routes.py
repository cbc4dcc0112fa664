"""The volunteers' pages: recruitment, applying, the volunteer's own page with shifts and hours,
the shift feed, the shift desk and the certificate."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from outreach import clock
from outreach.accounts.models import User
from outreach.extensions import db
from outreach.platform.models import AuditEntry
from outreach.timezone import local_date
from outreach.volunteers import services
from outreach.volunteers.models import Certificate, RecruitmentCall, ShiftSignup, Training, TrainingAttendance, VolunteerProfile
from tests.helpers import PASSWORD, IsolatedClient, assert_valid_html, csrf_token_from, in_days

#: A frozen "now" for the rules that depend on time: 10:00 in the library (Asia/Shanghai).
NOW = datetime(2026, 6, 15, 2, 0, tzinfo=timezone.utc)


def freeze(monkeypatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


@pytest.fixture
def event(make_event):
    return make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=in_days(7))


def post_form(client, path, data=None, *, form_page="/volunteer/me"):
    """POST with the CSRF token of ``form_page``."""
    return client.post(path, data={"csrf_token": csrf_token_from(client, form_page), **(data or {})})


def shift_states(html: str) -> dict[int, str]:
    """Each shift on the page, by id, with the state its card shows."""
    return {int(i): state for state, i in re.findall(r'<article class="event-card shift shift-(\w+)" id="shift-(\d+)"', html)}


def my_months(client, *shifts, query: str = "lang=en") -> str:
    """The volunteer's page of each month in which one of ``shifts`` starts, one after the other
    (the page shows a month; shifts a few days ahead may be in the next one)."""
    months = sorted({local_date(shift.starts_at).strftime("%Y-%m") for shift in shifts})
    return "".join(client.get(f"/volunteer/me?{query}&month={month}").get_data(as_text=True) for month in months)


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- recruitment ---------------------------------------------------------------------------------------


@pytest.fixture
def calls(app):
    today = date.today()
    open_call = RecruitmentCall(
        title="少儿故事大王比赛志愿者招募", title_en="Volunteers for the Children's Storytelling Contest",
        description="协助比赛签到与引导。", description_en="Help contestants check in and find their way.",
        roles="签到引导、计分协助", roles_en="Check-in guides, score keeping",
        skills_wanted="普通话、耐心", skills_wanted_en="Mandarin, patience",
        commitment="比赛日 4 小时", commitment_en="4 hours on the contest day",
        deadline=today + timedelta(days=20),
    )
    chinese_only = RecruitmentCall(title="敬老院读书志愿者", description="陪老人读书。")
    closed = RecruitmentCall(title="已结束的招募", description="已结束。", status="closed")
    expired = RecruitmentCall(title="过期的招募", description="已过期。", deadline=today - timedelta(days=3))
    db.session.add_all([open_call, chinese_only, closed, expired])
    db.session.commit()
    return {"open": open_call, "chinese_only": chinese_only, "closed": closed, "expired": expired}


def test_recruitment_page_lists_the_open_calls_in_english(client, calls):
    response = client.get("/volunteer?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "Volunteers for the Children&#39;s Storytelling Contest" in html
    for text in ("Help contestants check in", "Check-in guides, score keeping", "Mandarin, patience", "4 hours on the contest day"):
        assert text in html
    assert "Apply by" in html
    assert "敬老院读书志愿者" in html  # no English title: the original is shown
    assert "已结束的招募" not in html and "过期的招募" not in html
    assert f'href="/volunteer/apply?call={calls["open"].id}"' in html
    assert 'href="/volunteer/apply"' in html


def test_recruitment_page_in_chinese(client, calls):
    response = client.get("/volunteer?lang=zh_Hans")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "少儿故事大王比赛志愿者招募" in html and "签到引导、计分协助" in html


def test_recruitment_page_without_an_open_call_still_lets_people_apply(client):
    response = client.get("/volunteer?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "No call for volunteers is open at the moment" in html
    assert 'href="/volunteer/apply"' in html


def test_a_signed_in_volunteer_is_sent_to_their_page(client, login, make_volunteer):
    volunteer = make_volunteer()
    login(volunteer.user)
    html = client.get("/volunteer?lang=en").get_data(as_text=True)
    assert 'href="/volunteer/me"' in html and "Go to my shifts and hours" in html
    assert client.get("/volunteer/apply").headers["Location"].endswith("/volunteer/me")


# --- applying ----------------------------------------------------------------------------------------------


def application(client, path="/volunteer/apply", **data):
    csrf = csrf_token_from(client, path)
    payload = {
        "name": "李小红", "phone": "138 1234 5678", "email": "xiaohong@example.org", "password": PASSWORD,
        "skills": "讲故事, 书法", "languages": "普通话, 醴陵话", "availability": ["mon-am", "mon-pm", "sat-eve"],
        "motivation": "我喜欢读书。", "emergency_contact": "李大明 13900001111", "consent": "y", "csrf_token": csrf,
        **data,
    }
    return client.post(path if "?" in path else path + "?lang=en", data={k: v for k, v in payload.items() if v is not None})


def test_the_application_form_is_accessible(client):
    response = client.get("/volunteer/apply?lang=en")
    document = assert_valid_html(response)
    html = response.get_data(as_text=True)
    for name in ("name", "phone", "email", "password", "skills", "languages", "motivation", "emergency_contact",
                 "is_minor", "guardian_name", "guardian_consent", "consent", "csrf_token"):
        assert f'name="{name}"' in html, name
    assert document.find(".//input[@name='phone']").get("type") == "tel"
    assert document.find(".//input[@name='email']").get("type") == "email"
    assert document.find(".//input[@name='password']").get("type") == "password"
    boxes = document.findall(".//input[@name='availability']")
    assert len(boxes) == 21 and {b.get("type") for b in boxes} == {"checkbox"}
    assert "Monday" in html and "Morning" in html and "Evening" in html


def test_an_application_makes_an_applicant_account_that_can_sign_in(app, client, calls):
    page = client.get(f"/volunteer/apply?call={calls['open'].id}&lang=en").get_data(as_text=True)
    assert "You are answering: Volunteers for the Children" in page
    assert f'name="call" type="hidden" value="{calls["open"].id}"' in page
    response = application(client, path="/volunteer/apply?lang=en", call=str(calls["open"].id))
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/volunteer/me"  # nobody is signed in by applying
    html = client.get("/login?next=/volunteer/me&lang=en").get_data(as_text=True)
    assert "Thank you! Your application is sent." in html
    [message] = app.extensions["outreach_sent_mail"]
    assert (message.to, message.subject) == ("xiaohong@example.org", "您的志愿者申请已提交")
    assert "http://outreach.test/login" in message.body
    csrf = csrf_token_from(client)
    response = client.post("/login?next=/volunteer/me", data={"email": "xiaohong@example.org", "password": PASSWORD,
                                                               "csrf_token": csrf})
    assert response.headers["Location"] == "/volunteer/me"
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "Your application is being reviewed." in html
    assert "Shifts you can take" not in html

    user = db.session.scalar(select(User).where(User.email == "xiaohong@example.org"))
    profile = services.profile_of(user)
    assert (user.role, user.name, profile.status) == ("volunteer", "李小红", "applicant")
    assert profile.phone == "13812345678"
    assert profile.availability == {"mon": ["am", "pm"], "sat": ["eve"]}
    assert (profile.skills, profile.languages, profile.call_id) == ("讲故事, 书法", "普通话, 醴陵话", calls["open"].id)
    assert profile.consent_at is not None and profile.is_minor is False

    other = app.test_client()
    csrf = csrf_token_from(other)
    signed_in = other.post("/login", data={"email": "xiaohong@example.org", "password": PASSWORD, "csrf_token": csrf})
    assert signed_in.status_code == 302
    assert other.get("/volunteer/me").status_code == 200


def test_a_minor_needs_a_guardian_s_consent(client):
    response = application(client, is_minor="y", guardian_name="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="guardian_name-error"' in html
    assert "A volunteer under 18 needs a parent&#39;s or guardian&#39;s name and consent." in html
    assert db.session.scalar(select(func.count(VolunteerProfile.id))) == 0

    response = application(client, is_minor="y", guardian_name="李大明", guardian_consent="y")
    assert response.status_code == 303
    profile = db.session.scalar(select(VolunteerProfile))
    assert profile.is_minor and profile.guardian_name == "李大明" and profile.guardian_consent_at is not None


def test_a_taken_e_mail_is_answered_as_any_application_and_its_owner_told(app, client, make_user):
    owner = make_user("staff", email="taken@example.org", locale="en")
    answers = []
    for email in ("taken@example.org", "new@example.org"):
        fresh = app.test_client()
        response = application(fresh, email=email)
        page = fresh.get("/login?lang=en").get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], re.sub(r'value="[^"]*"', "", page)))
    assert answers[0] == answers[1]  # the same status, place and words: no address is given away
    assert answers[0][0] == 303 and "already exists" not in answers[0][2]
    # Nothing was made for the taken address; its owner is told, in their language.
    assert db.session.scalar(select(func.count(VolunteerProfile.id))) == 1
    db.session.refresh(owner)
    assert owner.role == "staff" and services.profile_of(owner) is None
    told, welcomed = app.extensions["outreach_sent_mail"]
    assert (told.to, told.subject) == ("taken@example.org", "Someone tried to apply as a volunteer with your e-mail address")
    assert "If it was you, sign in (or reset your password there): http://outreach.test/login" in told.body
    assert welcomed.to == "new@example.org"


def test_the_owner_of_a_taken_address_is_warned_once_an_hour(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True)
    app.test_client_class = IsolatedClient
    make_user("volunteer", email="taken@example.org")
    for _ in range(3):
        assert application(app.test_client(), email="taken@example.org").status_code == 303
    assert [m.to for m in app.extensions.get("outreach_sent_mail", [])] == ["taken@example.org"]


def test_staff_filling_in_the_form_are_told_the_address_is_taken(client, login, make_user):
    login(make_user("staff"))
    make_user("volunteer", email="xiaohong@example.org")
    response = application(client)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "An account with this e-mail address already exists." in html


def test_rules_and_shape_are_answered_beside_each_field(client):
    response = application(client, phone="12", consent=None)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="phone-error"' in html and "Enter a phone number we can reach you on" in html
    assert 'id="consent-error"' in html and "Please agree to the privacy notice to apply." in html

    html = application(client, name="", password="short", email="not-an-address").get_data(as_text=True)
    assert 'id="name-error"' in html and "Enter your name." in html
    assert 'id="password-error"' in html and "Use at least 8 characters." in html
    assert 'id="email-error"' in html and "Enter a valid e-mail address." in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_closed_call_is_refused(client, calls):
    response = application(client, call=str(calls["closed"].id))
    assert response.status_code == 422
    assert "This call for volunteers is closed." in response.get_data(as_text=True)
    # Asked for on the page, a closed call is dropped: the form applies generally.
    html = client.get(f"/volunteer/apply?call={calls['closed'].id}&lang=en").get_data(as_text=True)
    assert "You are answering" not in html


def test_the_application_form_in_chinese(client):
    response = client.get("/volunteer/apply?lang=zh_Hans")
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)
    response = application(client, path="/volunteer/apply?lang=zh_Hans", consent=None)
    assert response.status_code == 422
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_an_application_without_csrf_is_refused(client):
    response = client.post("/volunteer/apply", data={"name": "A", "phone": "13812345678", "email": "a@example.org",
                                                     "password": PASSWORD, "consent": "y"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(User.id))) == 0


# --- the volunteer's page ------------------------------------------------------------------------------------


def test_the_volunteer_page_needs_a_volunteer(client, login, make_user):
    response = client.get("/volunteer/me")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("staff"))
    assert client.get("/volunteer/me").status_code == 403


def test_each_shift_shows_its_state(client, login, make_volunteer, make_event_shift, event, make_event):
    me = make_volunteer(skills="讲故事")
    other = make_volunteer()
    free = make_event_shift(starts_at=in_days(3), slots=2)
    full = make_event_shift(starts_at=in_days(4), slots=1)
    mine = make_event_shift(starts_at=in_days(5), role="场地引导")
    overlapping = make_event_shift(starts_at=in_days(5) + timedelta(hours=1), role="计分协助")
    later = make_event_shift(starts_at=in_days(40))
    training = make_event_shift(starts_at=in_days(6), required_topic="消防安全")
    skill = make_event_shift(starts_at=in_days(8), required_skill="书法")
    waiting = make_event_shift(starts_at=in_days(9), slots=1)
    services.sign_up(full, other)
    services.sign_up(waiting, other)
    services.sign_up(mine, me)
    services.sign_up(waiting, me)
    db.session.commit()
    login(me.user)

    response = client.get("/volunteer/me?lang=en")
    assert response.status_code == 200
    assert_valid_html(response)
    # The page shows a month: the shift in 40 days is on its month's page (so may others be, near a month's end).
    html = my_months(client, free, later, waiting)
    states = shift_states(html)
    assert states == {
        mine.id: "signed_up", waiting.id: "waitlisted", free.id: "free", full.id: "full", overlapping.id: "overlap",
        later.id: "not_open", training.id: "needs_training", skill.id: "needs_skill",
    }
    assert "2 of 2 places free" in html
    assert "Full: you can join the waiting list." in html and "Join the waiting list" in html
    assert "Overlaps your shift: 场地引导 · Xinghai Forum No. 15" in html
    assert "Sign-up opens on" in html
    assert "Needs a training you have not attended: 消防安全" in html
    assert "Needs a skill your profile does not list: 书法" in html
    assert "You are signed up." in html and "Cancel my place" in html
    assert "You are number 1 on the waiting list." in html and "Leave the waiting list" in html
    assert html.count('action="/volunteer/shifts/') == 4  # sign up: free and full; cancel: mine and waiting

    # Trained and skilled, the same shifts open up.
    course = Training(title="消防安全培训", topic="消防安全", starts_at=in_days(-30), ends_at=in_days(-30) + timedelta(hours=2))
    db.session.add(course)
    db.session.flush()
    db.session.add(TrainingAttendance(training_id=course.id, volunteer_id=me.id))
    me.skills = "讲故事, 书法"
    db.session.commit()
    states = shift_states(my_months(client, training, skill))
    assert states[training.id] == "free" and states[skill.id] == "free"


def test_sign_up_join_the_waiting_list_and_be_promoted(app, client, login, make_volunteer, make_event_shift):
    first, second = make_volunteer(), make_volunteer()
    shift = make_event_shift(slots=1)
    login(first.user)
    response = post_form(client, f"/volunteer/shifts/{shift.id}/sign-up?lang=en")
    assert response.status_code == 303 and response.headers["Location"].endswith("/volunteer/me")
    assert "You are signed up: 签到引导 · Xinghai Forum No. 15." in client.get("/volunteer/me").get_data(as_text=True)

    other = app.test_client()
    csrf = csrf_token_from(other)
    other.post("/login", data={"email": second.user.email, "password": PASSWORD, "csrf_token": csrf})
    post_form(other, f"/volunteer/shifts/{shift.id}/sign-up?lang=en")
    assert "The shift is full: you are on its waiting list." in other.get("/volunteer/me").get_data(as_text=True)
    statuses = dict(db.session.execute(select(ShiftSignup.volunteer_id, ShiftSignup.status)).all())
    assert statuses == {first.id: "confirmed", second.id: "waitlisted"}

    response = post_form(client, f"/volunteer/shifts/{shift.id}/cancel")
    assert response.status_code == 303
    assert "You are no longer on this shift" in client.get("/volunteer/me").get_data(as_text=True)
    db.session.expire_all()
    statuses = dict(db.session.execute(select(ShiftSignup.volunteer_id, ShiftSignup.status)).all())
    assert statuses == {first.id: "cancelled", second.id: "confirmed"}
    assert shift_states(my_months(other, shift))[shift.id] == "signed_up"


def test_an_overlapping_sign_up_is_refused_with_a_message(client, login, make_volunteer, make_event_shift):
    me = make_volunteer()
    one = make_event_shift(starts_at=in_days(3))
    two = make_event_shift(starts_at=in_days(3) + timedelta(minutes=30))
    services.sign_up(one, me)
    db.session.commit()
    login(me.user)
    post_form(client, f"/volunteer/shifts/{two.id}/sign-up?lang=en")
    assert "This shift overlaps another shift of yours." in client.get("/volunteer/me").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 1


def test_no_cancelling_after_the_cut_off(client, login, make_volunteer, make_event_shift):
    me = make_volunteer()
    soon = make_event_shift(starts_at=datetime.now(timezone.utc) + timedelta(hours=12))  # the default cut-off is 24 hours
    services.sign_up(soon, me)
    db.session.commit()
    login(me.user)
    html = my_months(client, soon)
    assert shift_states(html) == {soon.id: "signed_up"}
    assert "Cancel my place" not in html
    assert "It is too late to cancel this shift yourself." in html

    post_form(client, f"/volunteer/shifts/{soon.id}/cancel")
    assert "It is too late to cancel this shift yourself." in client.get("/volunteer/me").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(ShiftSignup.status)) == "confirmed"


def test_an_applicant_cannot_sign_up(client, login, make_volunteer, make_event_shift):
    applicant = make_volunteer(status="applicant")
    shift = make_event_shift()
    login(applicant.user)
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "Your application is being reviewed." in html
    assert shift.id not in shift_states(html)
    post_form(client, f"/volunteer/shifts/{shift.id}/sign-up")
    assert "Only active volunteers can sign up for shifts." in client.get("/volunteer/me").get_data(as_text=True)
    assert db.session.scalar(select(func.count(ShiftSignup.id))) == 0


@pytest.mark.parametrize("status, text", [
    ("paused", "Your volunteering is paused."),
    ("archived", "Your volunteer record is archived."),
    ("rejected", "the library could not accept your application this time"),
])
def test_a_volunteer_who_is_not_active_sees_their_status(client, login, make_volunteer, make_event_shift, status, text):
    volunteer = make_volunteer(status=status, review_note="请先参加培训")
    make_event_shift()
    login(volunteer.user)
    response = client.get("/volunteer/me?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert text in html and "Note from the library: 请先参加培训" in html
    assert "Shifts you can take" not in html


def test_buttons_without_csrf_are_refused(client, login, make_volunteer, make_event_shift):
    me = make_volunteer()
    shift = make_event_shift()
    login(me.user)
    assert client.post(f"/volunteer/shifts/{shift.id}/sign-up").status_code == 400
    services.sign_up(shift, me)
    db.session.commit()
    assert client.post(f"/volunteer/shifts/{shift.id}/cancel").status_code == 400
    assert db.session.scalar(select(ShiftSignup.status)) == "confirmed"


def test_signing_up_needs_a_volunteer(client, login, make_user, make_event_shift):
    shift = make_event_shift()
    response = client.post(f"/volunteer/shifts/{shift.id}/sign-up", data={"csrf_token": csrf_token_from(client)})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(make_user("staff"))
    assert post_form(client, f"/volunteer/shifts/{shift.id}/sign-up", form_page="/volunteer").status_code == 403


# --- hours and the certificate ---------------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch, make_volunteer, make_user, make_event_shift):
    """A volunteer with 3.5 hours in 2026 (2 + 1.75 - 0.25, a no-show counting nothing) and 3 in 2025."""
    freeze(monkeypatch, NOW)
    staff = make_user("staff")
    volunteer = make_volunteer(name="李小红")
    a = make_event_shift(starts_at=NOW - timedelta(days=30), hours=2)
    b = make_event_shift(starts_at=NOW - timedelta(days=20), hours=3, role="场地引导")
    c = make_event_shift(starts_at=NOW - timedelta(days=10), hours=2)
    old = make_event_shift(starts_at=datetime(2025, 5, 1, 2, tzinfo=timezone.utc), hours=3)
    services.record_attendance(a, volunteer, status="completed", actor=staff)
    services.record_attendance(b, volunteer, status="completed", hours=Decimal("1.75"), actor=staff, reason="早退")
    services.record_attendance(c, volunteer, status="no_show", actor=staff)
    services.record_attendance(old, volunteer, status="completed", actor=staff)
    services.adjust_hours(volunteer, Decimal("-0.25"), reason="签到记录更正", actor=staff, day=date(2026, 6, 1))
    db.session.commit()
    return volunteer


def test_hours_this_year_and_in_total(client, login, served):
    login(served.user)
    response = client.get("/volunteer/me?lang=en")
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    totals = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html)
    assert ("This year (2026)", "3.5") in totals
    assert ("In total", "6.5") in totals
    # The services of this month (June 2026), and May's on May's page.
    assert "Correction: 签到记录更正" in html and "场地引导" not in html
    may = client.get("/volunteer/me?lang=en&month=2026-05").get_data(as_text=True)
    assert "场地引导" in may and "1.75" in may and "Correction" not in may
    assert ("This year (2026)", "3.5") in re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", may)
    assert 'href="/volunteer/me/certificate.pdf?year=2026&amp;lang=en"' in html
    assert 'href="/volunteer/me/certificate.pdf?year=2025&amp;lang=en"' in html


def test_the_certificate_of_a_year(client, login, served, tmp_path):
    login(served.user)
    response = client.get("/volunteer/me/certificate.pdf?year=2026&lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = text_of(response.data, tmp_path)
    assert "李小红" in text and "3.5" in text
    this_year = client.get("/volunteer/me/certificate.pdf")  # by default, this year
    assert this_year.mimetype == "application/pdf" and "3.5" in text_of(this_year.data, tmp_path)
    assert client.get("/volunteer/me/certificate.pdf?year=soon").status_code == 422


def test_the_certificate_is_the_volunteer_s_own(client, login, make_user):
    assert client.get("/volunteer/me/certificate.pdf").status_code == 302
    login(make_user("staff"))
    assert client.get("/volunteer/me/certificate.pdf").status_code == 403


# --- the shift feed -------------------------------------------------------------------------------------------------


def test_the_shift_feed(client, login, make_volunteer, make_event_shift):
    me, other = make_volunteer(), make_volunteer()
    confirmed = make_event_shift(starts_at=in_days(3))
    waiting = make_event_shift(starts_at=in_days(4), slots=1, role="场地引导")
    dropped = make_event_shift(starts_at=in_days(5))
    services.sign_up(confirmed, me)
    services.sign_up(waiting, other)
    services.sign_up(waiting, me)
    services.cancel_signup(services.sign_up(dropped, me), actor=me.user)
    db.session.commit()
    login(me.user)
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    feed = re.search(r'href="(http://outreach\.test/volunteer/\d+/shifts\.ics\?[^"]+)"', html).group(1).replace("&amp;", "&")

    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/volunteer")})
    response = client.get(feed)  # calendar apps do not sign in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    items = {str(item["uid"]): item for item in Calendar.from_ical(response.data).walk("VEVENT")}
    assert set(items) == {f"shift-{confirmed.id}@outreach.test", f"shift-{waiting.id}@outreach.test"}
    item = items[f"shift-{confirmed.id}@outreach.test"]
    assert str(item["summary"]) == "签到引导 · Xinghai Forum No. 15"
    start = item.decoded("dtstart")
    assert start.tzinfo is not None and start == confirmed.starts_at
    assert str(item["status"]) == "CONFIRMED"
    assert str(items[f"shift-{waiting.id}@outreach.test"]["status"]) == "TENTATIVE"

    chinese = client.get(feed.replace("lang=en", "lang=zh_Hans"))
    summaries = {str(i["summary"]) for i in Calendar.from_ical(chinese.data).walk("VEVENT")}
    assert "签到引导 · 星海讲坛 第15期" in summaries

    token = services.calendar_token(me)
    assert client.get(f"/volunteer/{me.id}/shifts.ics?token=wrong").status_code == 404
    assert client.get(f"/volunteer/{me.id}/shifts.ics").status_code == 404
    assert client.get(f"/volunteer/{other.id}/shifts.ics?token={token}").status_code == 404


# --- the shift desk ---------------------------------------------------------------------------------------------------


@pytest.fixture
def desk_shift(monkeypatch, make_event_shift):
    """A two-hour shift that starts half an hour after the frozen now."""
    freeze(monkeypatch, NOW)
    return make_event_shift(starts_at=NOW + timedelta(minutes=30), hours=2)


def test_check_in_and_out_at_the_desk(client, login, monkeypatch, make_volunteer, desk_shift):
    me = make_volunteer()
    services.sign_up(desk_shift, me)
    db.session.commit()
    desk = f"/volunteer/shifts/{desk_shift.id}/desk?code={services.desk_code(desk_shift)}"
    login(me.user)

    response = client.get(desk + "&lang=en")
    assert_valid_html(response)
    assert 'value="check_in"' in response.get_data(as_text=True)

    freeze(monkeypatch, desk_shift.starts_at - timedelta(minutes=5))
    response = client.post(desk, data={"csrf_token": csrf_token_from(client, desk), "action": "check_in"})
    assert response.status_code == 303
    html = client.get(desk).get_data(as_text=True)
    assert "Checked in. Thank you for coming!" in html and 'value="check_out"' in html

    # 1 hour 38 minutes after the start: 1.75 hours (to the nearest quarter; arrival before the start counts from it).
    freeze(monkeypatch, desk_shift.starts_at + timedelta(hours=1, minutes=38))
    response = client.post(desk, data={"csrf_token": csrf_token_from(client, desk), "action": "check_out"})
    assert response.status_code == 303
    html = client.get(desk).get_data(as_text=True)
    assert "Checked out. 1.75 hours are credited to you." in html
    assert "Done: 1.75 hours are credited to you for this shift." in html
    db.session.expire_all()
    signup = db.session.scalar(select(ShiftSignup))
    assert (signup.status, signup.hours) == ("completed", Decimal("1.75"))
    assert signup.checked_in_at == desk_shift.starts_at - timedelta(minutes=5)


def test_the_desk_refuses_a_wrong_code_and_sends_strangers_to_sign_in(client, desk_shift):
    response = client.get(f"/volunteer/shifts/{desk_shift.id}/desk?code=0000000000000000&lang=en")
    assert response.status_code == 403
    assert_valid_html(response)
    html = response.get_data(as_text=True)
    assert "This code is not valid for this shift." in html and "签到引导" not in html
    assert client.get(f"/volunteer/shifts/{desk_shift.id}/desk").status_code == 403
    good = f"/volunteer/shifts/{desk_shift.id}/desk?code={services.desk_code(desk_shift)}"
    response = client.get(good)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert "desk" in response.headers["Location"]
    assert client.get("/volunteer/shifts/999999/desk?code=x").status_code == 404


def test_the_desk_outside_the_shift_and_without_a_sign_up(client, login, monkeypatch, make_volunteer, desk_shift):
    me = make_volunteer()
    desk = f"/volunteer/shifts/{desk_shift.id}/desk?code={services.desk_code(desk_shift)}"
    login(me.user)
    assert "You are not signed up for this shift." in client.get(desk + "&lang=en").get_data(as_text=True)

    services.sign_up(desk_shift, me)
    db.session.commit()
    freeze(monkeypatch, desk_shift.starts_at - timedelta(hours=2))
    response = client.post(desk, data={"csrf_token": csrf_token_from(client, desk), "action": "check_in"})
    assert response.status_code == 409
    assert "You can check in from an hour before the shift until its end." in response.get_data(as_text=True)
    response = client.post(desk, data={"csrf_token": csrf_token_from(client, desk), "action": "check_out"})
    assert response.status_code == 409 and "Check in first." in response.get_data(as_text=True)
    assert client.post(desk, data={"action": "check_in"}).status_code == 400
    assert db.session.scalar(select(ShiftSignup.checked_in_at)) is None


# --- both languages ---------------------------------------------------------------------------------------------


def test_the_volunteer_pages_in_chinese(client, login, make_volunteer, make_event_shift):
    me = make_volunteer()
    shift = make_event_shift()
    services.sign_up(make_event_shift(starts_at=in_days(4)), me)
    db.session.commit()
    login(me.user)
    desk = f"/volunteer/shifts/{shift.id}/desk?code={services.desk_code(shift)}&lang=zh_Hans"
    for path in ("/volunteer?lang=zh_Hans", "/volunteer/apply?lang=zh_Hans", "/volunteer/me?lang=zh_Hans", desk):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        assert '<html lang="zh-Hans">' in response.get_data(as_text=True), path
    assert_valid_html(client.get("/volunteer/me?lang=zh_Hans"))


# --- the volunteer's own details ---------------------------------------------------------------------


def test_a_volunteer_changes_their_own_details(client, login, make_volunteer):
    volunteer = make_volunteer(skills="书法", availability={"mon": ["am"]})
    login(volunteer.user)
    me = assert_valid_html(client.get("/volunteer/me?lang=en"))
    [link] = [a for a in me.iter("a") if a.get("href") == "/volunteer/me/profile"]
    assert "".join(link.itertext()) == "Change my details"
    page = client.get("/volunteer/me/profile?lang=en")
    document = assert_valid_html(page)
    assert document.find(".//input[@name='phone']").get("value") == "13812345678"
    assert document.find(".//input[@name='skills']").get("value") == "书法"
    assert [b.get("value") for b in document.findall(".//input[@name='availability']") if b.get("checked") is not None] == ["mon-am"]

    response = post_form(client, "/volunteer/me/profile?lang=en", {
        "phone": "139 0000 1111", "skills": " 讲故事, 摄影 ", "languages": "普通话", "emergency_contact": "",
        "availability": ["sat-am", "sat-pm", "sun-eve"],
    }, form_page="/volunteer/me/profile")
    assert response.status_code == 303 and response.headers["Location"].endswith("/volunteer/me")
    db.session.refresh(volunteer)
    assert (volunteer.phone, volunteer.skills, volunteer.languages) == ("13900001111", "讲故事, 摄影", "普通话")
    assert volunteer.availability == {"sat": ["am", "pm"], "sun": ["eve"]}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "volunteer.profile.update"))
    assert entry.actor_id == volunteer.user_id and entry.data == {"changed": ["phone", "skills", "languages", "availability"]}
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "Your details are saved." in html and "讲故事, 摄影" in html and "13900001111" in html


def test_a_bad_phone_is_answered_beside_it_and_nothing_changes(client, login, make_volunteer):
    volunteer = make_volunteer(skills="书法")
    login(volunteer.user)
    response = post_form(client, "/volunteer/me/profile?lang=en", {"phone": "12345", "skills": "摄影"},
                         form_page="/volunteer/me/profile")
    assert response.status_code == 422
    document = assert_valid_html(response)
    assert "".join(document.find(".//small[@id='phone-error']").itertext()) == (
        "Enter a phone number we can reach you on, such as 13812345678."
    )
    response = post_form(client, "/volunteer/me/profile?lang=zh_Hans", {"phone": "", "skills": "摄影"},
                         form_page="/volunteer/me/profile")
    assert response.status_code == 422
    db.session.refresh(volunteer)
    assert (volunteer.phone, volunteer.skills) == ("13812345678", "书法")
    chinese = client.get("/volunteer/me/profile?lang=zh_Hans").get_data(as_text=True)
    assert "我的资料" in chinese and "保存我的资料" in chinese


def test_only_a_volunteer_edits_their_details(client, login, make_user):
    assert client.get("/volunteer/me/profile").status_code == 302  # to the log-in page
    login(make_user("staff"))
    assert client.get("/volunteer/me/profile").status_code == 403


def test_certificates_are_offered_for_the_years_with_hours_only(client, login, make_volunteer, make_user, make_event_shift):
    """Like the demo's volunteers, whose hours are all in 2018: not this year or last, but 2018."""
    volunteer = make_volunteer(name="周文")
    old = make_event_shift(starts_at=datetime(2018, 5, 12, 1, tzinfo=timezone.utc), hours=3)
    services.record_attendance(old, volunteer, status="completed", actor=make_user("staff"))
    db.session.commit()
    login(volunteer.user)
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    links = re.findall(r'href="/volunteer/me/certificate\.pdf\?year=(\d+)&amp;lang=en"', html)
    assert links == ["2018"]
    assert client.get("/volunteer/me/certificate.pdf?year=2018").mimetype == "application/pdf"
    response = client.get(f"/volunteer/me/certificate.pdf?year={date.today().year}&lang=en")
    assert response.status_code == 303 and response.headers["Location"].endswith("/volunteer/me")
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "No hours of service are recorded for this period, so there is nothing to certify." in html
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_volunteer_without_hours_is_offered_no_certificate(client, login, make_volunteer):
    login(make_volunteer().user)
    html = client.get("/volunteer/me?lang=en").get_data(as_text=True)
    assert "certificate.pdf" not in html
    assert "Once you have served hours, you can download a certificate of them here." in html
    chinese = client.get("/volunteer/me?lang=zh_Hans").get_data(as_text=True)
    assert "有了服务时长后，您可以在这里下载志愿服务证明。" in chinese


def test_a_mistaken_application_starts_with_an_error_summary(client):
    response = application(client, phone="1381234567")
    assert response.status_code == 422
    document = assert_valid_html(response)
    summary = next(d for d in document.iter("div") if d.get("data-error-summary") is not None)
    assert summary.get("role") == "alert" and summary.get("tabindex") == "-1"
    assert [a.get("href") for a in summary.findall(".//a")] == ["#phone"]
    assert "A mobile number has 11 digits, such as 13812345678." in "".join(summary.itertext())

"""A volunteer's whole path in a real Chromium, as people would walk it: apply, be approved
by staff, sign up for a shift, check in and out at the shift's desk, download the certificate."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from outreach import clock
from outreach.extensions import db
from outreach.volunteers import services
from outreach.volunteers.models import ShiftSignup, VolunteerProfile
from tests.helpers import PASSWORD, sign_in

pytestmark = pytest.mark.browser

T0 = datetime.now(timezone.utc).replace(second=0, microsecond=0)


@pytest.fixture
def moving_clock(monkeypatch):
    """The live server runs in this process: moving ``outreach.clock.now`` moves its time too."""
    state = {"now": T0}
    monkeypatch.setattr(clock, "now", lambda: state["now"])
    return state


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_apply_approve_sign_up_check_in_and_out_certificate(
    live_server, browser, make_user, make_event, moving_clock, tmp_path, lang
):
    staff = make_user("staff", name="李晓梅")
    event = make_event(title="少儿故事大王 初赛", title_en="Storytelling Contest: preliminary",
                       starts_at=T0 + timedelta(hours=1), ends_at=T0 + timedelta(hours=4))
    shift = services.create_shift(
        event, role="签到引导", starts_at=T0 + timedelta(minutes=40), ends_at=T0 + timedelta(hours=2, minutes=40), slots=3,
    )
    db.session.commit()
    shift_id, desk_code = shift.id, services.desk_code(shift)

    applicant = browser.new_context(locale="zh-CN" if lang == "zh_Hans" else "en-GB")
    page = applicant.new_page()
    # 1. The public page and the application form.
    page.goto(f"{live_server}/volunteer?lang={lang}")
    page.locator("a[href^='/volunteer/apply']").first.click()
    page.fill("input[name=name]", "赵小燕")
    page.fill("input[name=phone]", "139 0733 1234")
    page.fill("input[name=email]", "zhao@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.check("input[name=consent]")
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    # Applying signs nobody in (the answer is the same for an address that has an account):
    # the applicant signs in to follow the application.
    page.wait_for_url(f"{live_server}/login?next=/volunteer/me")
    page.fill("input[name=email]", "zhao@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/volunteer/me*")
    volunteer = db.session.scalar(select(VolunteerProfile).join(VolunteerProfile.user).where(
        VolunteerProfile.user.property.mapper.class_.email == "zhao@example.org"))
    assert volunteer.status == "applicant"
    assert page.locator(f"#shift-{shift_id} form button").count() == 0  # not before approval

    # 2. Staff approve the application.
    desk_staff = browser.new_context()
    staff_page = desk_staff.new_page()
    sign_in(staff_page, live_server, staff, lang)
    staff_page.goto(f"{live_server}/staff/volunteers/{volunteer.id}?lang={lang}")
    assert "赵小燕" in staff_page.content()
    staff_page.fill("textarea[name=note], input[name=note]", "欢迎加入！")
    staff_page.click("button[name=action][value=approve]")
    db.session.expire_all()
    assert volunteer.status == "active"

    # 3. The volunteer signs up for the shift on their phone.
    page.goto(f"{live_server}/volunteer/me?lang={lang}")
    with page.expect_navigation():
        page.locator(f"#shift-{shift_id} form button[type=submit]").click()
    signup = db.session.scalar(select(ShiftSignup).where(ShiftSignup.shift_id == shift_id))
    assert signup.status == "confirmed"

    # 4. On the day: check in at the desk twenty minutes after the start, out two hours later.
    moving_clock["now"] = T0 + timedelta(hours=1)
    page.goto(f"{live_server}/volunteer/shifts/{shift_id}/desk?code={desk_code}&lang={lang}")
    with page.expect_navigation():
        page.click("button[name=action][value=check_in]")
    moving_clock["now"] = T0 + timedelta(hours=3)
    page.goto(f"{live_server}/volunteer/shifts/{shift_id}/desk?code={desk_code}&lang={lang}")
    with page.expect_navigation():
        page.click("button[name=action][value=check_out]")
    db.session.expire_all()
    signup = db.session.get(ShiftSignup, signup.id)
    assert (signup.status, str(signup.hours)) == ("completed", "2.00")

    # 5. The certificate, downloaded in the same session.
    response = page.request.get(f"{live_server}/volunteer/me/certificate.pdf?lang={lang}")
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "赵小燕" in text
    assert "LL-" in text  # its number
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert any(re.fullmatch(r"2(\.0+)?", line) for line in lines), lines  # two hours, printed as a number
    assert ("Storytelling Contest: preliminary" if lang == "en" else "少儿故事大王 初赛") in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-SC" in fonts
    applicant.close()
    desk_staff.close()

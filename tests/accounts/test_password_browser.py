"""Changing one's password on a phone, in a real Chromium (issue 12, point 5)."""

from __future__ import annotations

import pytest

from outreach.accounts import services
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "violet kettle orchard 42"


def test_a_volunteer_changes_their_password_on_a_phone(live_server, page, make_user):
    user = make_user("volunteer", name="陈雨萱")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, user, "zh_Hans", lands_on="/volunteer/me")
    page.click("footer >> text=修改密码")
    page.wait_for_url(f"{live_server}/account/password")
    assert page.locator("h1").inner_text() == "修改密码"
    assert "其他所有设备上退出登录" in page.locator("main").inner_text()

    page.fill("#current_password", "correct horse battery")
    page.fill("#password", "12345678")
    page.fill("#confirm", "12345678")
    page.click("main button[type=submit]")
    error = page.locator("#password-error")
    assert error.is_visible()
    assert error.inner_text() == "这是最常见的密码之一，请另选一个不在此类名单上的密码。"
    assert page.locator("#password").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    page.fill("#current_password", "correct horse battery")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "密码已修改。您已在其他所有设备上退出登录。" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []

    page.click("header button[type=submit]")  # sign out
    page.goto(f"{live_server}/login?lang=zh_Hans")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/volunteer/me")


def test_forgot_reset_and_account_pages_meet_wcag_aa(live_server, page, make_user, api_token):
    staff = make_user("staff", name="李晓梅")
    api_token(staff)
    link = services.reset_token(staff)
    for path in ["/password/forgot", f"/password/reset/{link}", "/password/reset/not-a-link"]:
        page.goto(f"{live_server}{path}?lang=zh_Hans")
        assert axe_violations(page) == [], path
    sign_in(page, live_server, make_user("admin"), "zh_Hans")
    for path in ["/admin/accounts", f"/admin/accounts/{staff.id}", "/admin/accounts/new"]:
        page.goto(f"{live_server}{path}?lang=zh_Hans")
        assert axe_violations(page) == [], path

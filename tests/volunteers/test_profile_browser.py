"""What a volunteer sees in a browser: signing in lands on their own page, where they change
their details (WCAG 2.1 AA by axe-core), and the favicon the browser asks for."""

from __future__ import annotations

import pytest

from outreach.extensions import db
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_volunteer_signs_in_to_their_page_and_changes_their_details(live_server, page, make_volunteer, lang):
    volunteer = make_volunteer("陈静", skills="书法")
    sign_in(page, live_server, volunteer.user, lang, lands_on="/volunteer/me")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the long calendar address wraps
    assert page.locator("link[rel=icon]").first.get_attribute("href") == "/favicon.ico"
    assert page.request.get(f"{live_server}/favicon.ico").status == 200
    page.click("a[href='/volunteer/me/profile']")
    page.wait_for_url(f"{live_server}/volunteer/me/profile")
    assert axe_violations(page) == []
    page.fill("#phone", "12")
    page.click("main button[type=submit]")
    assert page.locator("#phone-error").is_visible()
    assert page.locator("#phone").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    page.fill("#phone", "139 0000 2222")
    page.fill("#skills", "书法, 摄影")
    page.check("#availability-sat-am")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/volunteer/me")
    assert page.locator("#profile-heading + dl").inner_text().count("13900002222") == 1
    db.session.expire_all()
    assert (volunteer.phone, volunteer.skills, volunteer.availability) == ("13900002222", "书法, 摄影", {"sat": ["am"]})
    assert axe_violations(page) == []

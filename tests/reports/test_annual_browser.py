"""The annual report page (with an admin's close form and the note forms) and the settings page
pass axe-core's WCAG 2.1 AA rules in a real Chromium, in both languages, and fit a phone."""

from __future__ import annotations

import pytest

from tests.helpers import axe_violations, sign_in
from tests.reports.annual_year import build_year

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_annual_page_meets_wcag_aa(live_server, page, app, make_user, lang):
    build_year()
    admin = make_user("admin", name="周泳岑")
    sign_in(page, live_server, admin, lang)
    page.goto(f"{live_server}/reports/annual/2018?lang={lang}")
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh_Hans" else "en")
    page.locator("details.note-form summary").first.click()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{live_server}/reports/settings?lang={lang}")
    assert axe_violations(page) == []

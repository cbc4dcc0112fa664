"""The dashboard and the events list in a real Chromium: axe-core finds no WCAG 2.1 AA violation
in either language, and nothing overflows a 390-pixel phone screen but the scrolling tables."""

from __future__ import annotations

import pytest

from tests.helpers import axe_violations, sign_in
from tests.reports.scenario import build_spring

pytestmark = pytest.mark.browser

SPRING = "period=custom&from=2018-03-01&to=2018-04-30"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_dashboard_meets_wcag_aa(live_server, page, make_user, lang):
    build_spring()
    sign_in(page, live_server, make_user("staff"))
    for path in (f"/reports?{SPRING}", "/reports/events?from=2018-03-01&to=2018-04-30",
                 "/reports?period=custom&from=2018-04-01&to=2018-03-01"):
        page.goto(f"{live_server}{path}&lang={lang}")
        assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh_Hans" else "en")
        assert axe_violations(page) == [], path


def test_the_dashboard_on_a_phone(live_server, page, make_user):
    build_spring()
    sign_in(page, live_server, make_user("staff"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/reports?{SPRING}&lang=zh_Hans")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.evaluate("[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().width)")
    assert len(widths) == 3 and all(0 < w <= 390 for w in widths)
    # drawn in their colours under the page's CSP: a white background, hatched blue bars
    backgrounds = page.evaluate("[...document.querySelectorAll('svg.chart g[id$=patch_1] path')]"
                                ".map(p => getComputedStyle(p).fill)")
    assert backgrounds == ["rgb(255, 255, 255)"] * 3
    page.select_option("#period", "last_year")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "period=last_year" in page.url

"""The judges' score sheet and the public results in a real browser: no WCAG 2.1 AA
violations (axe-core), also with a score refused beside its input."""

from __future__ import annotations

import pytest

from outreach.competitions import services
from outreach.extensions import db
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_score_sheet_meets_wcag_aa(live_server, page, staff_user, season, lang):
    prelim, judge = season["prelim"], season["competition"].judges[0]
    a, content = season["people"]["A"], season["competition"].criteria[0]
    sign_in(page, live_server, staff_user, lang)
    page.goto(f"{live_server}/staff/competitions/rounds/{prelim.id}/judges/{judge.id}/scores?lang={lang}")
    assert page.locator("table.score-grid tbody tr").count() == 5
    assert axe_violations(page) == []
    name = f"score-{a.id}-{content.id}"
    page.fill(f"input[name='{name}']", "12")
    page.click("main form[method=post] button[type=submit], main form[method=post] input[type=submit]")
    assert page.locator(f"#{name}-error").is_visible()
    assert page.locator(f"#{name}").get_attribute("aria-describedby") == f"{name}-error"
    assert axe_violations(page) == []
    page.fill(f"input[name='{name}']", "9.5")
    with page.expect_navigation():
        page.click("main form[method=post] input[type=submit]")
    assert page.locator(f"input[name='{name}']").input_value() == "9.50"


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_public_results_and_round_page_meet_wcag_aa(live_server, page, staff_user, scored_season, lang):
    services.publish_results(scored_season["prelim"])
    db.session.commit()
    page.goto(f"{live_server}/competitions/{scored_season['competition'].id}?lang={lang}")
    assert page.locator("table.results tbody tr").count() == 5
    assert axe_violations(page) == []
    page.goto(f"{live_server}/competitions/?lang={lang}")
    assert axe_violations(page) == []
    sign_in(page, live_server, staff_user, lang)
    for path in (f"/staff/competitions/rounds/{scored_season['prelim'].id}", f"/staff/competitions/{scored_season['competition'].id}",
                 "/staff/competitions/"):
        page.goto(f"{live_server}{path}?lang={lang}")
        assert axe_violations(page) == [], path

"""WCAG 2.1 AA on the pages of branches, venues, series and partners, checked by axe-core in Chromium."""

from __future__ import annotations

import pytest

from outreach.places.models import Partner, Series
from outreach.extensions import db
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_places_pages_meet_wcag_aa(live_server, page, make_user, central, hall, make_event, lang):
    series = Series(name="星海讲坛", name_en="Xinghai Forum", description="每月一期。")
    db.session.add_all([series, Partner(name="台北城", name_en="Taipei City")])
    db.session.commit()
    make_event(series=series, session_number=15, venue=hall, starts_at=in_days(3), setup_minutes=30)
    admin = make_user("admin")
    sign_in(page, live_server, admin, lang)
    for path in (
        "/staff/branches", "/staff/branches/new", "/staff/venues", f"/staff/venues/{hall.id}",
        f"/staff/venues/{hall.id}/edit", "/staff/series", f"/staff/series/{series.id}", "/staff/series/new",
        "/staff/partners", "/staff/partners/new",
    ):
        page.goto(f"{live_server}{path}?lang={lang}")
        assert axe_violations(page) == [], path
    # A refused form: the message sits beside its field.
    page.goto(f"{live_server}/staff/branches/new?lang={lang}")
    page.fill("#name", central.name)
    page.click("main input[type=submit]")
    assert page.locator("#name-error").is_visible()
    assert page.locator("#name").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

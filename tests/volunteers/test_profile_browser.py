"""What a volunteer sees in a browser: signing in lands on their own page, where they change
their details (WCAG 2.1 AA by axe-core), and the favicon the browser asks for."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach.extensions import db
from tests.helpers import axe_violations, in_days, sign_in

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


def test_a_shift_card_takes_the_phones_whole_width(live_server, page, make_volunteer, make_event, make_shift):
    """A shift is a card of one column on a phone: its title is not squeezed into the narrow
    first column of the programme's picture-and-text card (one word a line)."""
    volunteer = make_volunteer("陈静")
    start = in_days(2, hour=9)
    event = make_event(title="星海讲坛 第15期：醴陵瓷器的鉴赏与收藏", title_en="Xinghai Forum No. 15: Appreciating and collecting Liling porcelain",
                       starts_at=start, ends_at=start + timedelta(hours=2))
    make_shift(event, start=start, role="讲坛签到")
    sign_in(page, live_server, volunteer.user, "en", lands_on="/volunteer/me")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    card = page.locator("article.shift").first
    title = card.locator("h3")
    assert title.bounding_box()["width"] > 0.8 * card.bounding_box()["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

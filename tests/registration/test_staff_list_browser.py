"""The registrations table as staff see it, in a real Chromium, on a phone (390 x 844) and on a
desktop: names and statuses stay on one line (they wrapped one character a line beside a
dropdown of every upcoming event), the page does not widen on a phone, and it passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach import clock
from outreach.extensions import db
from outreach.registration import services
from tests.helpers import axe_violations, in_days, new_phone, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NAMES = ("欧阳晓明", "王小明", "Alexandra Montgomery-Smith", "李小红")

#: For each cell of a column: its height, and the line height of its text.
MEASURE = """(selector) => Array.from(document.querySelectorAll(selector)).map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell.firstChild);
    const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
    return {text: cell.firstChild.textContent.trim(), lines: lines.size,
            width: range.getBoundingClientRect().width};
})"""


@pytest.fixture
def crowded(make_event, make_user):
    event = make_event(title="星海讲坛 第18期：宋代瓷器与海上丝绸之路", starts_at=in_days(6), capacity=3, max_party_size=4)
    for n, name in enumerate(NAMES):
        services.register(event, name=name, phone=new_phone(), party_size=1 + n % 3,
                          answers=None, now=clock.now() - timedelta(hours=1, minutes=-n))
    for n in range(40):  # the upcoming events the old dropdown listed in every row
        make_event(title=f"其他活动 {n}", starts_at=in_days(8 + n))
    db.session.commit()
    return event, make_user("staff")


@pytest.mark.parametrize(("viewport", "lang"), [(PHONE, "zh_Hans"), (DESKTOP, "zh_Hans"), (DESKTOP, "en"), (PHONE, "en")])
def test_names_and_statuses_keep_to_one_line(live_server, page, crowded, viewport, lang, tmp_path):
    event, staff = crowded
    page.set_viewport_size(viewport)
    sign_in(page, live_server, staff, lang)
    page.goto(f"{live_server}/staff/events/{event.id}?lang={lang}#registrations")
    names = page.evaluate(MEASURE, "#registrations table.registrations tbody td.name")
    assert [n["text"] for n in names] == list(NAMES)
    # A Chinese name (2 to 4 characters) on one line, never one character a line; a long
    # Western name may wrap, but only between its words.
    assert all(n["lines"] == 1 for n in names if len(n["text"]) <= 4), names
    assert all(n["lines"] <= len(n["text"].replace("-", " ").split()) for n in names), names
    statuses = page.evaluate(MEASURE, "#registrations table.registrations tbody td.status")
    assert all(s["lines"] == 1 for s in statuses), statuses
    # The page does not scroll sideways, and every row's actions are in view (on a phone each
    # registration is a card, on a desktop the table fits).
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    rights = page.evaluate("""() => Array.from(document.querySelectorAll('#registrations td.actions a'))
        .map(a => a.getBoundingClientRect().right)""")
    assert rights and max(rights) <= viewport["width"], rights
    page.screenshot(path=str(tmp_path / f"registrations-{viewport['width']}-{lang}.png"), full_page=True)
    assert axe_violations(page) == []


def test_the_move_page_at_390(live_server, page, crowded):
    event, staff = crowded
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, staff, "zh_Hans")
    page.goto(f"{live_server}/staff/events/{event.id}?lang=zh_Hans#registrations")
    with page.expect_navigation():
        page.locator("#registrations td.actions a", has_text="转场").first.click()
    assert page.locator("input[name=target]").count() == 20
    page.check("#target")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "确定转到" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []

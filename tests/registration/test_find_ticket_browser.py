"""Finding a lost ticket on a phone (390 x 844), in a real Chromium: from the event page to
the ticket, in Chinese, with a number typed with full-width digits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.registration import services
from tests.helpers import axe_violations, in_days

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_patron_finds_the_ticket_from_the_event_page(live_server, page, make_event):
    event = make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=in_days(5), capacity=30)
    outcome = services.register(event, name="王小明", phone="13812345678")
    db.session.commit()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("link", name="找回入场券").click()
    page.wait_for_url(f"{live_server}/tickets/find?event={event.id}")
    assert page.locator("#event").input_value() == str(event.id)
    assert axe_violations(page) == []
    # A wrong name: the same answer as a number that never registered, and no ticket.
    page.fill("#phone", "13812345678")
    page.fill("#name", "李四")
    page.get_by_role("button", name="找回入场券").click()
    expect(page.locator("#answer-heading")).to_have_text("查询结果")
    assert "?" not in page.url and "138" not in page.url  # the number never travels in the address
    assert page.locator(".lookup-tickets a").count() == 0
    wrong = page.locator(".lookup-answer").inner_text()
    page.fill("#phone", "13987654321")
    page.fill("#name", "王小明")
    page.get_by_role("button", name="找回入场券").click()
    expect(page.locator("#answer-heading")).to_be_visible()
    assert page.locator(".lookup-answer").inner_text() == wrong
    # The number with full-width digits and the right name: the ticket, then its page says to keep it.
    page.fill("#phone", "１３８１２３４５６７８")
    page.fill("#name", "王小明")
    page.get_by_role("button", name="找回入场券").click()
    link = page.locator(".lookup-tickets a")
    expect(link).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    assert axe_violations(page) == []
    link.click()
    page.wait_for_url(f"{live_server}/t/{outcome.token}")
    keep = page.locator(".ticket-keep")
    expect(keep).to_contain_text("截图")
    assert keep.get_by_role("link", name="找回入场券").is_visible()
    assert axe_violations(page) == []

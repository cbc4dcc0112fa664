"""A group at the door's scanner, in a real Chromium on a phone (390 x 844): the leader's
ticket admits the group with the number who came, typed before the ticket is scanned or
entered. Screenshots go to $OUTREACH_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from outreach.extensions import db
from outreach.registration import services
from outreach.registration.models import CheckIn
from tests.helpers import axe_violations, new_phone, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
ANSWER = 5000


def class_visit(make_event):
    """A school's visit whose door is open, and the ticket of its class: 42 children, 3 adults."""
    now = datetime.now(timezone.utc)
    event = make_event(title="南门中学参观", type="visit", starts_at=now + timedelta(minutes=30),
                       ends_at=now + timedelta(hours=2), capacity=100, max_group_size=50)
    outcome = services.register(event, name="王老师", phone=new_phone(), party_size=None,
                                group={"kind": "school_class", "organisation": "南门中学", "children": 42, "adults": 3})
    db.session.commit()
    return event, outcome


@pytest.mark.parametrize("lang, came_text", [("en", "42 of 45 people came · 南门中学"), ("zh_Hans", "预约 45 人，实到 42 人 · 南门中学")])
def test_the_scanner_admits_a_group_with_the_number_who_came(browser, live_server, make_event, make_user, lang, came_text):
    event, outcome = class_visit(make_event)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        sign_in(page, live_server, make_user("staff"), lang=lang)
        page.goto(f"{live_server}/scan/{event.id}?lang={lang}")
        expect(page.locator("#roster-status")).not_to_be_empty(timeout=ANSWER)
        page.fill("#door-headcount", "42")
        page.fill("#ticket-code", outcome.token)
        page.click("#code-form button[type=submit]")
        result = page.locator("#code-result")
        expect(result).to_have_attribute("data-state", "ok", timeout=ANSWER)
        expect(result).to_contain_text(came_text)
        expect(page.locator("#door-headcount")).to_have_value("")  # for the next group only
        assert axe_violations(page) == []
        folder = os.environ.get("OUTREACH_SCREENSHOTS")
        if folder:
            page.locator("#code-form").scroll_into_view_if_needed()
            page.screenshot(path=os.path.join(folder, f"scanner-group-phone-{lang}.png"), full_page=True)
        db.session.rollback()
        assert db.session.scalar(select(CheckIn.headcount)) == 42
        db.session.rollback()
    finally:
        context.close()
    assert problems == []


def test_offline_the_number_who_came_is_kept_until_it_syncs(browser, live_server, make_event, make_user):
    event, outcome = class_visit(make_event)
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, live_server, make_user("staff"))
        page.goto(f"{live_server}/scan/{event.id}?lang=en")
        expect(page.locator("#roster-status")).to_contain_text("1 ticket saved", timeout=ANSWER)
        context.set_offline(True)
        page.fill("#door-headcount", "42")
        page.fill("#ticket-code", outcome.token)
        page.click("#code-form button[type=submit]")
        expect(page.locator("#code-result")).to_contain_text("(offline)", timeout=ANSWER)
        expect(page.locator('[data-total="checked_in"]')).to_have_text("42")
        queue = page.evaluate("JSON.parse(localStorage.getItem('outreach.scanner.queue'))")
        assert [q["headcount"] for q in queue] == [42]
        context.set_offline(False)
        expect(page.locator("#offline-banner")).to_be_hidden(timeout=15000)
        db.session.rollback()
        assert db.session.scalar(select(CheckIn.headcount)) == 42
        db.session.rollback()
    finally:
        context.close()

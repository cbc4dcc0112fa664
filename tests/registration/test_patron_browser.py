"""A patron registering on a phone (390 x 844), in a real Chromium: what they see after a
mistake, and a number typed with a Chinese input method's full-width digits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.registration.models import Registration
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def lecture(make_event):
    description = "\n".join(f"第{n}段：讲座介绍，讲座介绍，讲座介绍，讲座介绍，讲座介绍，讲座介绍。" for n in range(12))
    return make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=in_days(5), capacity=30,
                      max_party_size=4, description=description, description_en=description)


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                          return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_after_a_bad_submission_the_summary_is_in_view_and_focused(live_server, page, lecture, lang):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/events/{lecture.id}?lang={lang}")
    assert not in_viewport(page, "#name")  # the form is screens below the top
    page.fill("#phone", "1381234567")  # a digit missing
    page.click("section.register button[type=submit]")
    expect(page.locator("#error-summary")).to_be_focused()  # (wait_for_function evaluates strings: the CSP refuses)
    assert in_viewport(page, "#error-summary")
    links = page.locator("#error-summary a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == ["#name", "#phone", "#consent"]
    assert axe_violations(page) == []
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "phone"
    assert in_viewport(page, "label[for=phone]") and in_viewport(page, "#phone")
    # Mended with a Chinese input method's full-width digits, the registration goes through.
    page.fill("#name", "王小明")
    page.fill("#phone", "１３８１２３４５６７８")
    page.check("#consent")
    page.click("section.register button[type=submit]")
    page.wait_for_url(f"{live_server}/t/**")
    assert db.session.scalar(db.select(Registration.phone)) == "13812345678"


def test_without_javascript_the_page_still_opens_at_the_summary(live_server, browser, lecture):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/events/{lecture.id}?lang=en")
        with page.expect_navigation():
            page.click("section.register button[type=submit]")
        page.wait_for_selector("#error-summary")
        assert page.evaluate("window.scrollY") > 0
        assert in_viewport(page, "#error-summary")
    finally:
        context.close()


def test_a_staff_form_shows_the_same_summary(live_server, page, make_user):
    sign_in(page, live_server, make_user("admin"), "en", lands_on=None)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/staff/venues/new?lang=en")
    page.click("main form [type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    href = page.locator("[data-error-summary] a").first.get_attribute("href")
    assert page.locator(href).count() == 1  # it leads to a field of the form
    assert axe_violations(page) == []

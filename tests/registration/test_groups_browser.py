"""A group leader registering a class on a phone (390 x 844), in a real Chromium, in both
languages: the event page leads to the group form, a mistake is told beside its field, and
the ticket shows the group. Screenshots go to $OUTREACH_SCREENSHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.registration.models import Registration
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def shot(page, name):
    folder = os.environ.get("OUTREACH_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture
def visit(make_event):
    return make_event(title="图书馆参观", title_en="A visit to the library", type="visit", starts_at=in_days(5),
                      capacity=80, groups_capacity=60, max_group_size=50, max_party_size=4)


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_leader_registers_a_class_on_a_phone(live_server, page, visit, lang):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/events/{visit.id}?lang={lang}")
    page.click(f"a[href='/events/{visit.id}/group']")
    page.wait_for_url(f"{live_server}/events/{visit.id}/group*")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(page, f"group-form-phone-{lang}")
    page.select_option("#kind", "school_class")
    page.fill("#organisation", "南门中学 三年级二班")
    page.fill("#children", "48")
    page.fill("#adults", "4")  # 52 > 50
    page.fill("#name", "王老师")
    page.fill("#phone", "13812345678")
    page.check("#consent")
    page.click("main form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_focused()
    assert page.locator("#children-error").is_visible()
    assert ("50" in page.locator("#children-error").inner_text())
    assert axe_violations(page) == []
    shot(page, f"group-form-error-phone-{lang}")
    page.fill("#adults", "2")
    page.fill("#arrival", "09:40")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server}/t/**")
    registration = db.session.scalars(db.select(Registration)).one()
    assert (registration.party_size, registration.group_children, registration.group_adults) == (50, 48, 2)
    assert "南门中学 三年级二班" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    shot(page, f"group-ticket-phone-{lang}")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_group_pages_on_a_desktop(live_server, page, visit, make_user, lang):
    from outreach.registration import services
    from tests.helpers import new_phone

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/events/{visit.id}/group?lang={lang}")
    assert axe_violations(page) == []
    shot(page, f"group-form-desktop-{lang}")
    services.register(visit, name="王老师", phone=new_phone(), party_size=None,
                      group={"kind": "school_class", "organisation": "南门中学", "children": 40, "adults": 3})
    services.register(visit, name="李四", phone=new_phone(), party_size=2)
    db.session.commit()
    sign_in(page, live_server, make_user("staff"), lang=lang)
    page.goto(f"{live_server}/staff/events/{visit.id}?who=groups&lang={lang}")
    assert "南门中学" in page.locator("#registrations").inner_text()
    assert "李四" not in page.locator("#registrations").inner_text()
    assert axe_violations(page) == []
    shot(page, f"staff-groups-desktop-{lang}")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/events/{visit.id}/group?lang={lang}")
    page.goto(f"{live_server}/staff/events/{visit.id}/edit?lang={lang}")
    shot(page, f"event-form-phone-{lang}")

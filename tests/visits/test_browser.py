"""A teacher's phone: the public form with its messages, then the request's private link; the
staff's request page. Every page axe-clean at 390×844 and nothing wider than the phone, in both
languages."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.visits.models import VisitRequest
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

#: Set to a folder to keep screenshots of the pages (looked at by hand).
SHOTS = os.environ.get("OUTREACH_SCREENSHOTS")

LABELS = {
    "en": {"organisation": "School or organisation", "phone": "Mobile phone",
           "date": "First choice: date", "children": "Number of children", "adults": "Number of adults (teachers, parents)",
           "consent": "I agree that the library keeps these details to arrange this visit.",
           "send": "Send the request", "problem": "There is a problem", "next": "What happens next",
           "link": "Group visits"},
    "zh_Hans": {"organisation": "学校或单位", "phone": "手机号码", "date": "第一意向：日期",
                "children": "儿童人数", "adults": "成人人数（老师、家长）",
                "consent": "我同意图书馆保存以上信息，用于安排此次参观。", "send": "提交预约",
                "problem": "请修改以下内容后再提交", "next": "接下来", "link": "团体参观预约"},
}


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def fits(page) -> None:
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_teacher_asks_from_a_phone(live_server, page, lang):
    words = LABELS[lang]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/?lang={lang}")
    page.get_by_role("link", name=words["link"]).click()
    page.wait_for_url(f"{live_server}/visits/request")
    fits(page)
    shot(page, f"request-phone-{lang}")

    page.get_by_label(words["organisation"]).fill("南门中学")
    page.get_by_role("button", name=words["send"]).click()
    assert page.get_by_role("heading", name=words["problem"]).is_visible()
    fits(page)
    shot(page, f"request-errors-phone-{lang}")

    page.locator("#contact_name").fill("李老师")
    page.get_by_label(words["phone"]).fill("13712345678")
    page.get_by_label(words["date"]).fill("2027-03-10")
    page.get_by_label(words["children"]).fill("42")
    page.get_by_label(words["adults"]).fill("3")
    page.get_by_label(words["consent"]).check()
    page.get_by_role("button", name=words["send"]).click()
    page.wait_for_url(lambda url: "/visits/r/" in url)
    assert page.get_by_role("heading", name=words["next"]).is_visible()
    fits(page)
    shot(page, f"status-phone-{lang}")
    visit = db.session.scalars(select(VisitRequest)).one()
    assert (visit.organisation, visit.party_size, visit.locale) == ("南门中学", 45, lang)

    page.set_viewport_size({"width": 1280, "height": 900})
    fits(page)
    shot(page, f"status-desktop-{lang}")
    page.goto(f"{live_server}/visits/request")
    fits(page)
    shot(page, f"request-desktop-{lang}")


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_staff_request_page(live_server, page, staff, make_request, room, lang):
    visit, _token = make_request()
    for width, height, name in ((390, 844, "phone"), (1280, 900, "desktop")):
        page.set_viewport_size({"width": width, "height": height})
        if name == "phone":
            sign_in(page, live_server, staff, lang)
        page.goto(f"{live_server}/staff/visits/?lang={lang}")
        fits(page)
        shot(page, f"queue-{name}-{lang}")
        page.goto(f"{live_server}/staff/visits/{visit.id}")
        fits(page)
        shot(page, f"detail-{name}-{lang}")

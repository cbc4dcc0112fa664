"""The programme on a phone, in a real Chromium at 390×844: the first event's card is on the
first screen, the filters are folded away until asked for, and the page meets WCAG 2.1 AA;
the staff's cover page uploads a picture without JavaScript."""

from __future__ import annotations

import os
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from outreach.events import services
from outreach.extensions import db
from outreach.places.models import Series
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def jpeg(colour=(30, 120, 60)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (1200, 800), colour).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def programme(make_event, make_venue, make_branch):
    branch = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    room = make_venue(branch=branch, name="讲坛活动室", name_en="Forum room")
    series = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(series)
    db.session.flush()
    services.set_cover(series, data=jpeg((40, 60, 160)), alt="星海讲坛的讲台")
    db.session.commit()
    kinds = ["lecture", "exhibition", "competition", "activity", "visit", "training", "class"]
    events = [
        make_event(title=f"活动 {n:02d}：少儿绘本共读与手工制作", title_en=f"Event {n:02d}: picture books and crafts",
                   type=kinds[n % len(kinds)], venue=room, starts_at=in_days(1 + n, hour=2), capacity=30,
                   series=series if n % 3 == 0 else None, session_number=n + 1 if n % 3 == 0 else None)
        for n in range(14)
    ]
    services.set_cover(events[1], data=jpeg(), alt="孩子们在画灯笼")
    db.session.commit()
    return events


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_first_card_is_on_a_phones_first_screen_and_the_filters_are_folded(live_server, page, programme, lang):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/?lang={lang}")
    card = page.locator("article.event-card").first
    expect(card).to_be_visible()
    box = card.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    cover = card.locator("img.event-cover")
    expect(cover).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", cover.element_handle())
    # The filters: folded, with their summary; open on a tap, and kept on the next page.
    panel = page.locator("details.filters-panel")
    assert panel.get_attribute("open") is None
    expect(page.locator("#type")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if os.environ.get("OUTREACH_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['OUTREACH_SCREENSHOTS']}/programme-{lang}.png", full_page=False)
        page.screenshot(path=f"{os.environ['OUTREACH_SCREENSHOTS']}/programme-{lang}-full.png", full_page=True)
    assert axe_violations(page) == []
    page.locator("details.filters-panel > summary").click()
    expect(page.locator("#type")).to_be_visible()
    page.select_option("#type", "lecture")
    page.locator("details.filters-panel button[type=submit]").click()
    page.wait_for_url(f"{live_server}/?type=lecture*")
    assert page.locator("article.event-card").count() == 2
    assert page.locator("details.filters-panel > summary strong").inner_text() in ("讲座", "Lecture")
    assert axe_violations(page) == []


def test_pages_on_a_phone(live_server, page, programme):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/?lang=en")
    assert page.locator("article.event-card").count() == 12
    page.locator("nav.pager a[rel=next]").click()
    page.wait_for_url(f"{live_server}/?lang=en&page=2")
    assert page.locator("article.event-card").count() == 2
    expect(page.locator("nav.pager [aria-current=page]")).to_have_text("2")
    assert axe_violations(page) == []


def test_staff_upload_a_cover_in_the_browser(live_server, page, make_user, make_event, tmp_path):
    event = make_event(title="灯笼制作", title_en="Making lanterns")
    sign_in(page, live_server, make_user("staff"))
    page.goto(f"{live_server}/staff/events/{event.id}/cover?lang=en")
    assert axe_violations(page) == []
    picture = tmp_path / "lanterns.jpg"
    picture.write_bytes(jpeg())
    page.set_input_files("#image", str(picture))
    page.click("main form[enctype] [type=submit]")
    expect(page.locator(".field-error")).to_have_text("Describe the picture for people who cannot see it (for example “Children painting lanterns”).")
    assert axe_violations(page) == []
    page.set_input_files("#image", str(picture))
    page.fill("#alt", "Children holding paper lanterns")
    page.click("main form[enctype] [type=submit]")
    expect(page.locator(".flash-success")).to_have_text("The cover image is saved.")
    preview = page.locator("img.cover-preview")
    expect(preview).to_have_attribute("alt", "Children holding paper lanterns")
    assert page.evaluate("img => img.complete && img.naturalWidth === 480", preview.element_handle())
    page.goto(f"{live_server}/events/{event.id}?lang=en")
    expect(page.locator("img.event-detail-cover")).to_have_attribute("alt", "Children holding paper lanterns")
    assert axe_violations(page) == []

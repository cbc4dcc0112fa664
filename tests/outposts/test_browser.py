"""A keeper's phone: sign in, count today's visitors, record an activity with its photo, correct its
count; every page axe-clean at 390×844, in both languages."""

from __future__ import annotations


import pytest
from PIL import Image
from sqlalchemy import select

from outreach.events.models import Event
from outreach.extensions import db
from outreach.outposts import services
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

LABELS = {
    "en": {"count": "Visitors that day", "save": "Save the count", "record": "Record an activity",
           "title": "Title", "starts": "Started at", "ends": "Ended at", "people": "People who took part",
           "photo": "A photo (optional; JPEG, PNG or WebP, up to 8 MB)",
           "alt": "What the photo shows (needed with a photo)", "submit": "Record the activity",
           "correct": "Correct the count"},
    "zh_Hans": {"count": "当天到访人数", "save": "保存人数", "record": "登记活动", "title": "标题",
                "starts": "开始时间", "ends": "结束时间", "people": "参加人数",
                "photo": "照片（可不填；JPEG、PNG 或 WebP，不超过 8 MB）", "alt": "照片内容说明（上传照片时必填）",
                "submit": "登记这次活动", "correct": "更正人数"},
}


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_a_keeper_on_a_phone(live_server, page, keeper, village, tmp_path, lang):
    words = LABELS[lang]
    photo = tmp_path / "reading.png"
    Image.new("RGB", (900, 600), (40, 120, 200)).save(photo, "PNG")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, keeper, lang, lands_on=f"/outposts/{village.id}")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

    page.get_by_label(words["count"]).fill("18")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(f"{live_server}/outposts/{village.id}#days-heading")
    assert page.locator("table.visitor-days td.num").first.inner_text() == "18"

    page.get_by_role("link", name=words["record"]).click()
    assert axe_violations(page) == []
    page.get_by_label(words["title"]).fill("亲子共读")
    page.get_by_label(words["starts"]).fill("09:00")
    page.get_by_label(words["ends"]).fill("10:00")
    page.get_by_label(words["people"]).fill("23")
    page.get_by_label(words["photo"]).set_input_files(str(photo))
    page.get_by_label(words["alt"]).fill("家长和孩子在书屋里一起读绘本")
    page.get_by_role("button", name=words["submit"]).click()
    page.wait_for_url(f"{live_server}/outposts/{village.id}")
    assert "亲子共读" in page.locator(".flash-success").inner_text()

    page.get_by_role("link", name="亲子共读").click()
    assert axe_violations(page) == []
    page.get_by_label(words["people"]).fill("21")
    page.get_by_role("button", name=words["correct"]).click()
    page.locator(".flash-success", has_text="21").wait_for()
    db.session.remove()
    event = db.session.scalar(select(Event).where(Event.title == "亲子共读"))
    assert services.headcount_of(event) == 21 and event.cover_key

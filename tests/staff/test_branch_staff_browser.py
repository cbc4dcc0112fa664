"""Branch staff in the browser: an admin gives a member of staff a branch on the account page,
and that person's home opens on their branch, with "All branches" a choice away. Phone size,
both languages, axe-clean."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outreach import clock
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser

TEXTS = {
    "en": {"save": "Save the branch", "done": "王馆员 now belongs to Nanmen Branch.", "all": "All branches",
           "show": "Show", "refused": "only that branch's staff may change it"},
    "zh_Hans": {"save": "保存馆点", "done": "王馆员 现归属南门分馆。", "all": "全部馆点", "show": "显示",
                "refused": "只有该馆点的工作人员可以修改"},
}


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_an_admin_gives_a_branch_and_its_staff_see_it_first(live_server, page, make_user, make_branch, make_venue,
                                                            make_event, lang):
    text = TEXTS[lang]
    nanmen = make_branch(name="南门分馆", name_en="Nanmen Branch")
    xinghai = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    start = clock.now() + timedelta(days=1)
    ours = make_event(title="南门故事会", title_en="Nanmen Story Time", venue=make_venue(branch=nanmen), starts_at=start)
    theirs = make_event(title="星海讲坛", title_en="Xinghai Forum", venue=make_venue(branch=xinghai), starts_at=start)
    admin, member = make_user("admin"), make_user("staff", name="王馆员")
    page.set_viewport_size({"width": 390, "height": 844})

    sign_in(page, live_server, admin, lang)
    page.goto(f"{live_server}/admin/accounts/{member.id}")
    page.select_option("#branch_id", str(nanmen.id))
    page.click(f"button:has-text('{text['save']}')")
    page.wait_for_url(f"{live_server}/admin/accounts/{member.id}")
    assert text["done"] in page.inner_text("main")
    assert axe_violations(page) == []
    page.context.clear_cookies()  # sign the admin out

    sign_in(page, live_server, member, lang)
    main = page.inner_text("main")
    assert ours.display_title(lang) in main and theirs.display_title(lang) not in main
    assert axe_violations(page) == []
    page.select_option("#branch", label=text["all"])
    with page.expect_navigation():
        page.click(f"main form.filters button:has-text('{text['show']}')")
    assert theirs.display_title(lang) in page.inner_text("main")
    page.goto(f"{live_server}/staff/events/{theirs.id}/edit")
    assert text["refused"] in page.inner_text("main")
    assert axe_violations(page) == []

"""WCAG 2.1 AA, checked by axe-core in a real Chromium, on every page of this stage in both languages."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD, axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def programme(make_event, make_venue):
    venue = make_venue(name="星海讲坛活动室", name_en="Xinghai Forum Room")
    make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", venue=venue, speaker="王老师")
    make_event(type="exhibition", title="少儿美术展", title_en="Children's Art Exhibition", registration="none")
    return venue


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_public_pages_meet_wcag_aa(live_server, page, programme, lang):
    from outreach.events.models import Event
    from outreach.extensions import db

    event_id = db.session.scalars(db.select(Event.id)).first()
    for path in ["/", f"/events/{event_id}", "/login", "/events/999999", "/?type=lecture&audience=children"]:
        page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh_Hans" else "en")
        assert axe_violations(page) == [], path


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_staff_home_and_login_errors_meet_wcag_aa(live_server, page, programme, make_user, lang):
    user = make_user("staff", name="李晓梅")
    page.goto(f"{live_server}/login?lang={lang}")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "wrong password")
    page.click("main button[type=submit]")
    assert page.locator("#password-error").is_visible()
    assert axe_violations(page) == []
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/staff/")
    assert "李晓梅" in page.content()
    assert axe_violations(page) == []


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(live_server, page, make_event, make_user):
    """The staff home's week table is wider than a phone: it scrolls in its own box, and the
    hidden texts of its cells do not widen the page (they were positioned outside the box)."""
    for n in range(3):
        make_event(title=f"三点半课堂 第{n}期：绘本阅读与手工", title_en=f"Half-Past-Three Class No. {n}: Picture-book reading",
                   starts_at=in_days(1 + n))
    sign_in(page, live_server, make_user("staff"), "en")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/staff/?lang=en")
    assert page.evaluate("document.querySelector('.table-scroll table').scrollWidth") > 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_staff_pages_fit_a_phone(live_server, page, programme, make_user, lang):
    """No staff page is wider than a 390-pixel phone (the volunteers' section menu was 517)."""
    sign_in(page, live_server, make_user("admin"), lang)
    page.set_viewport_size({"width": 390, "height": 844})
    wide = {}
    for path in ("/staff/", "/staff/volunteers/", "/staff/volunteers/calls", "/staff/volunteers/trainings",
                 "/staff/volunteers/shifts", "/staff/volunteers/rosters", "/reports", "/reports/events",
                 "/reports/settings", "/staff/competitions/", "/staff/recurrences/", "/staff/venues", "/staff/series"):
        response = page.goto(f"{live_server}{path}?lang={lang}")
        if response.status != 200:
            wide[path] = response.status
        elif (width := page.evaluate("document.documentElement.scrollWidth")) > 390:
            wide[path] = width
    assert wide == {}


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus(live_server, page, programme):
    page.goto(f"{live_server}/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_language_switch_works_by_keyboard(live_server, page, programme):
    page.goto(f"{live_server}/")
    assert page.locator("h1").inner_text() == "近期活动"
    page.locator("a[hreflang=en]").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "What's on"
    page.goto(f"{live_server}/login")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_programme_filter_works_without_javascript(live_server, browser, programme):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server}/?lang=en")
    page.click("details.filters-panel > summary")  # folded away; <details> opens without JavaScript
    page.select_option("select[name=type]", "exhibition")
    page.click("form.filters button[type=submit]")
    titles = page.locator(".event-card h3").all_inner_texts()
    assert titles == ["Children's Art Exhibition"]
    context.close()


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_registration_pages_meet_wcag_aa(live_server, page, make_event, make_user, lang):
    from datetime import datetime, timedelta, timezone

    from outreach import clock
    from outreach.extensions import db
    from outreach.registration import services
    from outreach.timezone import local_date

    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    event = make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=start, capacity=2)
    event.questions = [{"key": "school", "label": "学校", "label_en": "School", "required": True}]
    db.session.commit()
    # A person registers through the form, in the browser.
    page.goto(f"{live_server}/events/{event.id}?lang={lang}")
    assert axe_violations(page) == []
    page.click("form[action*='/register'] button[type=submit]")  # empty form: messages beside the fields
    assert page.locator("#name-error").is_visible() and page.locator("#phone-error").is_visible()
    assert axe_violations(page) == []
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=phone]", "138 1234 5678")
    page.fill("input[name=party_size]", "2")
    page.fill("input[name=q_school]", "南门小学")
    page.check("input[name=consent]")
    page.click("form[action*='/register'] button[type=submit]")
    page.wait_for_url("**/t/*")
    assert page.locator("svg").count() == 1  # the ticket's QR code
    assert axe_violations(page) == []
    # The full event: the next person waits.
    code = services.poster_code(event, local_date(clock.now()))
    page.goto(f"{live_server}/events/{event.id}/here?code={code}&lang={lang}")
    assert axe_violations(page) == []
    page.locator("form button[name='mine-submit']").click()
    assert page.locator(".big-result.result-ok").is_visible()
    # By phone with details that match nobody: the one answer, in a summary that is accessible.
    page.fill("input[name='phone-phone']", "137 0000 0000")
    page.fill("input[name='phone-proof']", "赵六")
    page.click("[name='phone-submit']")
    assert page.locator("#error-summary-phone").is_visible()
    assert axe_violations(page) == []
    staff = make_user("staff")
    page.goto(f"{live_server}/login?lang={lang}")
    page.fill("input[name=email]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server}/staff/events/{event.id}?lang={lang}")
    assert "王小明" in page.content()
    assert axe_violations(page) == []
    page.goto(f"{live_server}/staff/events/new?lang={lang}")
    with page.expect_navigation():
        page.locator("main form button[type=submit], main form input[type=submit]").last.click()  # empty: messages beside the fields
    assert page.locator(".field-error").count() == 4  # title, venue, start and end
    assert axe_violations(page) == []

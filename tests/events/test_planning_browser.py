"""The event form and an exhibition's works in a real Chromium: the groups that do not apply to
the chosen type step aside (they all show without JavaScript), and both pages meet WCAG 2.1 AA."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from outreach.events.models import Event, Exhibit
from outreach.extensions import db
from tests.helpers import axe_violations, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(live_server, page, make_user):
    user = make_user("staff")
    sign_in(page, live_server, user)
    return page


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_form_shows_what_the_type_needs_and_saves_an_exhibition(live_server, signed_in, make_venue, lang):
    page = signed_in
    gallery = make_venue(name="展厅", name_en="Gallery", kind="exhibition")
    page.goto(f"{live_server}/staff/events/new?lang={lang}")
    daily, series = page.locator("#daily_opens_at"), page.locator("#series_id")
    expect(series).to_be_visible()  # a lecture: series and speaker, no daily hours
    expect(daily).to_be_hidden()
    assert axe_violations(page) == []
    page.select_option("#type", "exhibition")
    expect(daily).to_be_visible()
    expect(series).to_be_hidden()
    page.fill("#title", "少儿美术作品展")
    page.select_option("#venue_id", str(gallery.id))
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-20T17:00")
    page.fill("#daily_opens_at", "09:00")
    page.fill("#daily_closes_at", "17:00")
    page.select_option("#registration", "none")
    page.click("form#event-form [type=submit]")
    page.wait_for_url(f"{live_server}/staff/events/*")
    event = db.session.scalar(select(Event))
    assert (event.type, event.registration, event.daily_opens_at.hour, event.venue_id) == ("exhibition", "none", 9, gallery.id)

    page.goto(f"{live_server}/staff/events/{event.id}/exhibits?lang={lang}")
    page.fill("#many-lines", "春天的田野\t李华\t11\t醴陵市第一中学\n瓷城之夜\t张敏")
    page.click("input[name='many-submit']")
    expect(page.locator("table tbody tr")).to_have_count(2)
    assert axe_violations(page) == []
    assert [e.title for e in db.session.scalars(select(Exhibit).order_by(Exhibit.position))] == ["春天的田野", "瓷城之夜"]


def test_an_error_keeps_its_group_in_view(live_server, signed_in, make_venue):
    page = signed_in
    room = make_venue()
    page.goto(f"{live_server}/staff/events/new?lang=en")
    page.select_option("#venue_id", str(room.id))
    page.select_option("#type", "training")
    page.fill("#title", "志愿者培训")
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-03T11:00")
    page.fill("#daily_opens_at", "09:00")  # half of the daily hours
    page.select_option("#type", "lecture")  # a lecture hides them; the error will show them again
    page.click("form#event-form [type=submit]")
    expect(page.locator("#daily_closes_at-error")).to_be_visible()
    expect(page.locator("#daily_closes_at-error")).to_have_text("Give both daily opening and closing times, or neither.")
    assert axe_violations(page) == []

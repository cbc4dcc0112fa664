"""What cannot be undone asks first: the confirmation pages, clicked through in a real
Chromium (plain links and forms, no JavaScript of ours), meet WCAG 2.1 AA in both languages."""

from __future__ import annotations

import pytest

from outreach.events.models import Event
from outreach.extensions import db
from outreach.registration import services
from outreach.registration.models import Registration
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_cancelling_an_event_and_a_ticket_ask_first(live_server, page, make_event, make_user, lang):
    event = make_event(title="星海讲坛 第15期", title_en="Xinghai Forum No. 15", starts_at=in_days(5), capacity=10)
    outcome = services.register(event, name="王小明", phone="13812345678", email="wang@example.org", consent=True)
    other = make_event(title="少儿故事会", title_en="Story Time", starts_at=in_days(6), capacity=10)
    ticket = services.register(other, name="李华", phone="13812345679", consent=True)
    db.session.commit()
    # A registrant cancels on the ticket page: a page says what happens first.
    page.goto(f"{live_server}/t/{ticket.token}?lang={lang}")
    page.click(f"a[href='/t/{ticket.token}/cancel']")
    page.wait_for_url(f"**/t/{ticket.token}/cancel")
    assert axe_violations(page) == []
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/t/{ticket.token}")
    db.session.expire_all()
    assert db.session.get(Registration, ticket.registration.id).status == "cancelled"
    # Staff cancel the event: who is told, then the reason is required.
    sign_in(page, live_server, make_user("staff"), lang)
    page.goto(f"{live_server}/staff/events/{event.id}?lang={lang}")
    page.click(f"a[href='/staff/events/{event.id}/cancel']")
    page.wait_for_url(f"**/staff/events/{event.id}/cancel")
    assert axe_violations(page) == []
    page.click("main form input[type=submit]")
    assert page.locator("#reason-error").is_visible()
    assert page.locator("#reason").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "published"
    page.fill("#reason", "台风停课")
    page.click("main form input[type=submit]")
    page.wait_for_url(f"**/staff/events/{event.id}")
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == "cancelled"
    assert db.session.get(Registration, outcome.registration.id).status == "confirmed"  # told, not cancelled
    # One registration, by staff.
    third = services.register(other, name="赵六", phone="13812345670", consent=True).registration
    db.session.commit()
    page.goto(f"{live_server}/staff/events/{other.id}/registrations/{third.id}/cancel?lang={lang}")
    assert axe_violations(page) == []

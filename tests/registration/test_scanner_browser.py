"""The door's scanner page (/scan/{id}) in a real headless Chromium against the real app:
a fake camera showing a ticket's QR code, manual entry, search, walk-ins, offline admission
and sync, both languages, permissions and WCAG 2.1 AA."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.registration import services, tickets
from outreach.registration.models import CheckIn, CheckInConflict, WalkIn
from tests.browser.fake_camera import camera_args, qr_video
from tests.helpers import CHROMIUM, CHROMIUM_ARGS, axe_violations, sign_in

pytestmark = pytest.mark.browser

#: Long enough for a slow machine, short enough to fail fast (Playwright waits, no sleeps).
ANSWER = 5000
SYNC = 15000  # the "online" event, or at worst the 10 s retry


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(browser):
    """The session's Chromium (tests/conftest.py)."""
    return browser


# --- data and helpers ----------------------------------------------------------------------


@pytest.fixture
def door(make_event, make_user):
    """A lecture starting in 30 minutes (so its door is open) and a member of staff."""
    now = datetime.now(timezone.utc)
    event = make_event(
        title="星海讲坛 第16期", title_en="Xinghai Forum No. 16",
        starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(hours=2, minutes=30),
    )
    staff = make_user("staff", name="李晓梅")
    return SimpleNamespace(event=event, event_id=event.id, staff=staff)


def register(event, name="王小明", party_size=3, phone="13812345678"):
    outcome = services.register(event, name=name, phone=phone, party_size=party_size)
    db.session.commit()
    return SimpleNamespace(id=outcome.registration.id, token=outcome.token, registration=outcome.registration)


def fresh(statement):
    """Rows as the server committed them: a new transaction, closed again at once so that
    this test never holds SQLite's lock against the server's threads."""
    db.session.rollback()
    try:
        return db.session.execute(statement).all()
    finally:
        db.session.rollback()


def checkins_of(registration_id: int) -> list[CheckIn]:
    return [row[0] for row in fresh(select(CheckIn).where(CheckIn.registration_id == registration_id))]


def watch_for_errors(page) -> list[str]:
    """Script errors and CSP refusals on ``page``: a scanner that breaks silently admits nobody."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    return problems


def open_scanner(page, live_server, event_id, lang="en"):
    page.goto(f"{live_server}/scan/{event_id}?lang={lang}")
    # The roster is saved once the page has fetched it: from then on it can work offline.
    expect(page.locator("#roster-status")).not_to_be_empty(timeout=ANSWER)


def enter_code(page, text):
    page.fill("#ticket-code", text)
    page.click("#code-form button[type=submit]")


def expect_result(page, state, *texts, panel="#code-result"):
    """The answer in ``panel``: the one beside the code field (typed codes), the search
    (one-tap check-in) or the camera (``#scan-result``, at the top)."""
    result = page.locator(panel)
    expect(result).to_have_attribute("data-state", state, timeout=ANSWER)
    for text in texts:
        expect(result).to_contain_text(text)
    return result


def staff_tab(chromium, live_server, door, **options):
    """A signed-in member of staff's tab, CSP enforced (no ``bypass_csp``), camera refused;
    the test fails on any error the page reports."""
    init_script = options.pop("init_script", None)
    context = chromium.new_context(locale="en-GB", **options)
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.problems = watch_for_errors(page)
    sign_in(page, live_server, door.staff)
    yield page
    problems = page.problems
    context.close()
    assert problems == []


@pytest.fixture
def scanner(chromium, live_server, door):
    yield from staff_tab(chromium, live_server, door)


# --- the camera ----------------------------------------------------------------------------


def test_camera_reads_a_ticket_and_admits_the_party_once(chromium, live_server, door, tmp_path):
    ticket = register(door.event, name="王小明", party_size=3)
    ticket_url = f"{live_server}/t/{ticket.token}"
    video = qr_video(tmp_path / "ticket.y4m", ticket_url)
    camera_browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + camera_args(video)
    )
    try:
        context = camera_browser.new_context(locale="en-GB")
        page = context.new_page()
        problems = watch_for_errors(page)
        posts = []
        page.on("request", lambda r: posts.append(r.post_data) if r.method == "POST" and r.url.endswith("/api/v1/checkins") else None)
        sign_in(page, live_server, door.staff)
        page.goto(f"{live_server}/scan/{door.event_id}?lang=en")
        expect_result(page, "ok", "Welcome, 王小明.", "3 people", panel="#scan-result")
        expect(page.locator('[data-total="checked_in"]')).to_have_text("3", timeout=ANSWER)
        expect(page.locator('[data-total="attendance"]')).to_have_text("3")
        expect(page.locator("#camera-toggle")).to_have_text("Stop the camera")
        # The code stays in front of the camera: a dozen more reads, no second submission.
        page.wait_for_timeout(1500)
        assert len(posts) == 1
        body = json.loads(posts[0])
        assert body["token"] == ticket.token and body["event_id"] == door.event_id
        assert re.fullmatch(r"[0-9a-f-]{36}", body["client_key"]) and body["device_id"]
        expect(page.locator("#scan-result")).to_have_attribute("data-state", "ok")
        page.click("#camera-toggle")
        expect(page.locator("#camera-toggle")).to_have_text("Start the camera")
        expect(page.locator("#camera-status")).to_have_text("The camera is off.")
        assert problems == []
        context.close()
    finally:
        camera_browser.close()

    rows = checkins_of(ticket.id)
    assert len(rows) == 1
    assert rows[0].source == "door" and rows[0].device_id == body["device_id"]


# --- manual entry and search -----------------------------------------------------------------


def test_a_cancelled_ticket_is_refused_in_red(scanner, live_server, door):
    ticket = register(door.event)
    services.cancel(ticket.registration)
    db.session.commit()
    open_scanner(scanner, live_server, door.event_id)
    enter_code(scanner, f"{live_server}/t/{ticket.token}")
    expect_result(scanner, "error", "This ticket has been cancelled.")
    assert checkins_of(ticket.id) == []


def test_a_ticket_for_another_event_is_refused(scanner, live_server, door, make_event):
    now = datetime.now(timezone.utc)
    other = make_event(title="少儿故事大王", starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2))
    ticket = register(other, name="赵六")
    open_scanner(scanner, live_server, door.event_id)
    enter_code(scanner, ticket.token)
    expect_result(scanner, "error", "This ticket is for another event")
    assert "少儿故事大王" not in scanner.content()  # the volunteer at the door learns no other event's title
    assert checkins_of(ticket.id) == []


def test_a_typed_code_checks_in_and_again_says_when(scanner, live_server, door):
    ticket = register(door.event, name="陈静", party_size=2)
    open_scanner(scanner, live_server, door.event_id)
    started = time.monotonic()
    enter_code(scanner, ticket.token)
    expect_result(scanner, "ok", "Welcome, 陈静.", "2 people")
    assert time.monotonic() - started < 1.0  # the door answers in under a second
    enter_code(scanner, f"  {live_server}/t/{ticket.token}  ")
    first = checkins_of(ticket.id)[0]
    from outreach.timezone import local

    expect_result(scanner, "warn", f"Already checked in at {local(first.checked_in_at):%H:%M}.")
    assert len(checkins_of(ticket.id)) == 1


def test_search_by_name_and_one_tap_check_in(scanner, live_server, door):
    ticket = register(door.event, name="刘建国", party_size=4)
    register(door.event, name="孙丽", party_size=1, phone="13900001111")
    open_scanner(scanner, live_server, door.event_id)
    scanner.fill("#search-q", "建国")
    scanner.click("#search-form button[type=submit]")
    rows = scanner.locator("#search-results li")
    expect(rows).to_have_count(1, timeout=ANSWER)
    expect(rows.first).to_contain_text("刘建国")
    expect(rows.first).to_contain_text("4 people")
    rows.first.get_by_role("button", name="Check in").click()
    expect_result(scanner, "ok", "Welcome, 刘建国.", "4 people", panel="#search-result")
    expect(rows.first).to_contain_text("Checked in at")
    expect(rows.first.get_by_role("button")).to_have_count(0)
    assert len(checkins_of(ticket.id)) == 1
    expect(scanner.locator('[data-total="checked_in"]')).to_have_text("4", timeout=ANSWER)

    scanner.fill("#search-q", "刘")  # found again: shows the time instead of the button
    scanner.click("#search-form button[type=submit]")
    expect(scanner.locator("#search-results li").first).to_contain_text("Checked in at", timeout=ANSWER)
    scanner.fill("#search-q", "nobody")
    scanner.click("#search-form button[type=submit]")
    expect(scanner.locator("#search-status")).to_have_text("No registration matches.", timeout=ANSWER)


# --- on a phone: every answer where the volunteer is looking -----------------------------------

PHONE = {"width": 390, "height": 844}

#: Records the pitch of every beep (scanner.js: 1320 Hz yes, 440 Hz twice "look", 262 Hz twice no).
RECORD_BEEPS = """
window.__beeps = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__beeps.push(this.frequency.value); return start.apply(this, args); };
"""


def in_viewport(page, selector) -> bool:
    """Wholly inside the visible window (by the browser's layout, so also without JavaScript),
    give or take the fraction of a pixel that scrolling to an element may leave."""
    box = page.locator(selector).bounding_box()
    return box is not None and box["height"] > 0 and box["y"] > -1 and box["y"] + box["height"] < PHONE["height"] + 1


@pytest.fixture
def phone(chromium, live_server, door):
    """Staff on a 390 x 844 phone screen, beeps recorded."""
    yield from staff_tab(chromium, live_server, door, viewport=PHONE, init_script=RECORD_BEEPS)


def beeps(page) -> list[float]:
    return page.evaluate("window.__beeps.splice(0)")


def test_on_a_phone_a_typed_codes_answer_is_beside_the_field_read_out_and_heard(phone, live_server, door, make_event):
    now = datetime.now(timezone.utc)
    other = make_event(title="少儿故事大王", starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2))
    stranger = register(other, name="赵六")
    ticket = register(door.event, name="陈静", party_size=2)
    open_scanner(phone, live_server, door.event_id)
    assert not in_viewport(phone, "#code-form")  # far below the top of the page
    enter_code(phone, stranger.token)
    result = expect_result(phone, "error", "This ticket is for another event")
    expect(result).to_have_attribute("aria-live", "assertive")
    assert in_viewport(phone, "#code-result") and in_viewport(phone, "#ticket-code")
    assert not in_viewport(phone, "#scan-result")
    expect(phone.locator("#ticket-code")).to_be_focused()  # ready for the next code
    assert beeps(phone) == [262, 262]
    assert checkins_of(stranger.id) == []

    enter_code(phone, str(ticket.id))  # the number printed on the ticket
    expect_result(phone, "ok", "Welcome, 陈静.", "2 people")
    assert in_viewport(phone, "#code-result")
    assert beeps(phone) == [1320]
    assert len(checkins_of(ticket.id)) == 1
    enter_code(phone, str(stranger.id))  # another event's number
    expect_result(phone, "error", "This ticket number belongs to another event.")
    assert checkins_of(stranger.id) == []


def test_the_answers_come_in_the_pages_language_not_the_browsers(scanner, live_server, door):
    """The browser asks for English (en-GB), the volunteer chose 中文 on the page: the API's
    answers shown on the page are in Chinese too."""
    open_scanner(scanner, live_server, door.event_id, lang="zh_Hans")
    enter_code(scanner, "no-such-ticket")
    expect_result(scanner, "error", "这不是有效的入场券。")


def test_on_a_phone_a_searched_check_ins_answer_is_beside_the_list_and_keeps_focus(phone, live_server, door):
    for n in range(6):
        register(door.event, name=f"刘{n}号", party_size=1, phone=f"1390000{n:04d}")
    ticket = register(door.event, name="刘建国", party_size=4)
    open_scanner(phone, live_server, door.event_id)
    phone.fill("#search-q", "刘")
    phone.click("#search-form button[type=submit]")
    rows = phone.locator("#search-results li")
    expect(rows).to_have_count(7, timeout=ANSWER)
    row = rows.filter(has_text="刘建国")
    row.get_by_role("button", name="Check in").click()
    result = expect_result(phone, "ok", "Welcome, 刘建国.", "4 people", panel="#search-result")
    expect(result).to_have_attribute("aria-live", "assertive")
    assert in_viewport(phone, "#search-result")
    expect(row.locator(".done")).to_be_focused()  # not lost to the top of the page with its button
    assert beeps(phone) == [1320]
    expect(phone.locator("#code-result")).to_be_empty()
    assert len(checkins_of(ticket.id)) == 1


def test_on_a_phone_without_javascript_the_answer_is_where_the_form_was(chromium, live_server, door, make_event):
    now = datetime.now(timezone.utc)
    other = make_event(title="少儿故事大王", starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2))
    stranger = register(other, name="赵六")
    ticket = register(door.event, name="陈静", party_size=2)
    context = chromium.new_context(java_script_enabled=False, locale="en-GB", viewport=PHONE)
    page = context.new_page()
    sign_in(page, live_server, door.staff)
    page.goto(f"{live_server}/scan/{door.event_id}?lang=en")
    enter_code(page, stranger.token)
    page.wait_for_url(f"{live_server}/scan/{door.event_id}?lang=en#code-result")
    expect(page.locator("#code-result")).to_have_attribute("data-state", "error")
    expect(page.locator("#code-result")).to_contain_text("This ticket is for another event")
    assert in_viewport(page, "#code-result") and in_viewport(page, "#ticket-code")
    expect(page.locator("#scan-result")).to_have_attribute("data-state", "idle")

    enter_code(page, f"No. {ticket.id}")
    expect(page.locator("#code-result")).to_contain_text("Welcome, 陈静.")
    assert in_viewport(page, "#code-result")
    assert len(checkins_of(ticket.id)) == 1

    page.click("#walkin-one")
    page.wait_for_url(f"{live_server}/scan/{door.event_id}?lang=en#walkin-status")
    expect(page.locator("#walkin-status")).to_have_text("1 walk-in counted.")
    assert in_viewport(page, "#walkin-status")

    page.fill("#search-q", "陈")
    page.click("#search-form button[type=submit]")
    page.wait_for_url(re.compile(r".*q=.*#find$"))
    page.get_by_role("button", name="Check in 陈静").click()
    expect(page.locator("#search-result")).to_contain_text("Already checked in at")
    assert in_viewport(page, "#search-result")
    expect(page.locator("#search-results li")).to_have_count(1)
    context.close()


def test_an_ended_events_page_still_sends_what_this_device_admitted_offline(chromium, live_server, door):
    ticket = register(door.event, name="周红", party_size=3)
    context = chromium.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    problems = watch_for_errors(page)
    sign_in(page, live_server, door.staff)
    scanned_at = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    queue = [{"type": "checkin", "event_id": door.event_id, "client_key": "5b0e0f7e-1c1e-4d6b-9a53-3f3f6d9e2a01",
              "device_id": "door-phone", "scanned_at": scanned_at, "registration_id": ticket.id}]
    page.evaluate("q => localStorage.setItem('outreach.scanner.queue', JSON.stringify(q))", queue)
    door.event.status = "completed"  # marked completed before the phone came back online
    db.session.commit()
    page.goto(f"{live_server}/scan/{door.event_id}?lang=en")
    expect(page.locator(".door-state")).to_have_text(re.compile("This event has ended."))
    expect(page.locator("#ticket-code")).to_have_count(0)
    expect(page.locator('[data-total="checked_in"]')).to_have_text("3", timeout=SYNC)
    assert page.evaluate("localStorage.getItem('outreach.scanner.queue')") == "[]"
    assert [c.source for c in checkins_of(ticket.id)] == ["sync"]
    assert problems == []
    context.close()


# --- walk-ins ------------------------------------------------------------------------------


def test_walk_ins_one_then_four(scanner, live_server, door):
    open_scanner(scanner, live_server, door.event_id)
    scanner.click("#walkin-one")
    expect(scanner.locator("#walkin-status")).to_have_text("1 walk-in counted.", timeout=ANSWER)
    expect(scanner.locator('[data-total="walk_ins"]')).to_have_text("1")
    scanner.fill("#walkin-count", "4")
    scanner.press("#walkin-count", "Enter")  # Enter in the field adds that number, not +1
    expect(scanner.locator("#walkin-status")).to_have_text("4 walk-ins counted.", timeout=ANSWER)
    expect(scanner.locator('[data-total="walk_ins"]')).to_have_text("5")
    expect(scanner.locator('[data-total="attendance"]')).to_have_text("5")
    assert fresh(select(func.sum(WalkIn.count)).where(WalkIn.event_id == door.event_id))[0][0] == 5

    scanner.fill("#walkin-count", "0")
    scanner.click("#walkin-add")
    expect(scanner.locator("#walkin-status")).to_have_text("Enter a whole number from 1 to 10000.")


# --- offline -------------------------------------------------------------------------------


def test_offline_admission_is_checked_locally_and_synced_once(scanner, live_server, door):
    ticket = register(door.event, name="周红", party_size=3)
    _seed, stranger, _digest = tickets.new_ticket()  # well formed, correctly signed, unknown
    open_scanner(scanner, live_server, door.event_id)
    expect(scanner.locator("#roster-status")).to_have_text("1 ticket saved on this device for offline checking.")
    banner = scanner.locator("#offline-banner")
    expect(banner).to_be_hidden()

    scanner.context.set_offline(True)
    enter_code(scanner, f"{live_server}/t/{ticket.token}")
    expect_result(scanner, "ok", "Welcome, 周红 (offline).", "3 people")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("1 check-in waiting to sync")
    expect(scanner.locator('[data-total="checked_in"]')).to_have_text("3")
    queue = scanner.evaluate("JSON.parse(localStorage.getItem('outreach.scanner.queue'))")
    assert [(q["token"], q["event_id"]) for q in queue] == [(ticket.token, door.event_id)]
    assert queue[0]["client_key"] and queue[0]["device_id"] and queue[0]["scanned_at"].endswith("Z")

    enter_code(scanner, ticket.token)
    expect_result(scanner, "warn", "Already checked in at", "周红")
    enter_code(scanner, stranger)
    expect_result(scanner, "error", "Not a valid ticket for this event.")
    expect(banner).to_contain_text("1 check-in waiting to sync")
    assert checkins_of(ticket.id) == []

    scanner.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=SYNC)
    rows = checkins_of(ticket.id)
    assert len(rows) == 1
    assert rows[0].source == "sync" and rows[0].client_key == queue[0]["client_key"]
    assert scanner.evaluate("JSON.parse(localStorage.getItem('outreach.scanner.queue'))") == []
    expect(scanner.locator('[data-total="checked_in"]')).to_have_text("3", timeout=ANSWER)


def test_offline_the_printed_number_is_checked_against_this_events_roster(scanner, live_server, door, make_event):
    ticket = register(door.event, name="周红", party_size=3)
    now = datetime.now(timezone.utc)
    other = make_event(title="少儿故事大王", starts_at=now + timedelta(minutes=20), ends_at=now + timedelta(hours=2))
    stranger = register(other, name="赵六")
    open_scanner(scanner, live_server, door.event_id)
    scanner.context.set_offline(True)
    enter_code(scanner, str(stranger.id))  # not on this event's list
    expect_result(scanner, "error", "Not a valid ticket for this event.")
    enter_code(scanner, f"#{ticket.id}")
    expect_result(scanner, "ok", "Welcome, 周红 (offline).", "3 people")
    queue = scanner.evaluate("JSON.parse(localStorage.getItem('outreach.scanner.queue'))")
    assert [(q.get("token"), q["registration_id"]) for q in queue] == [(None, ticket.id)]
    scanner.context.set_offline(False)
    expect(scanner.locator("#offline-banner")).to_be_hidden(timeout=SYNC)
    assert [c.source for c in checkins_of(ticket.id)] == ["sync"]
    assert checkins_of(stranger.id) == []


def test_offline_the_roster_knows_who_is_in_already(scanner, live_server, door):
    from outreach.timezone import local

    ticket = register(door.event, name="冯雪", party_size=1)
    first = services.check_in(ticket.registration, event=door.event, device_id="other")
    db.session.commit()
    at = local(first.checkin.checked_in_at)
    open_scanner(scanner, live_server, door.event_id)
    scanner.context.set_offline(True)
    enter_code(scanner, ticket.token)
    expect_result(scanner, "warn", f"Already checked in at {at:%H:%M}.", "冯雪")
    banner = scanner.locator("#offline-banner")
    expect(banner).to_have_text("Offline: tickets are checked against the list saved on this device.")
    assert scanner.evaluate("localStorage.getItem('outreach.scanner.queue')") is None  # nothing queued, ever


def test_the_roster_is_refreshed_by_its_changes_and_they_count_offline(scanner, live_server, door):
    """After the whole list, the page asks for what changed since (new, cancelled, admitted
    elsewhere), merges it, and then hears 304 while nothing changes."""
    cancelled = register(door.event, name="周红", phone="13812345671")
    admitted = register(door.event, name="孙丽", phone="13812345672")
    open_scanner(scanner, live_server, door.event_id)
    status = scanner.locator("#roster-status")
    expect(status).to_have_text("2 tickets saved on this device for offline checking.")
    answers = []
    scanner.on("response", lambda r: answers.append(r) if "/roster" in r.url else None)

    services.cancel(cancelled.registration)
    services.check_in(admitted.registration, event=door.event, device_id="other")
    new = [register(door.event, name=name, phone=phone) for name, phone in (("钱七", "13812345673"), ("郑八", "13812345674"))]
    db.session.commit()
    scanner.evaluate("window.dispatchEvent(new Event('online'))")  # as when the line returns
    expect(status).to_have_text("3 tickets saved on this device for offline checking.", timeout=ANSWER)
    (delta,) = answers
    assert "since=" in delta.url and delta.status == 200
    body = delta.json()
    assert body["full"] is False
    assert sorted(e["id"] for e in body["entries"]) == sorted([cancelled.id, admitted.id, new[0].id, new[1].id])
    saved = scanner.evaluate(f"JSON.parse(localStorage.getItem('outreach.scanner.roster.{door.event_id}'))")
    assert [e["id"] for e in saved["entries"]] == [admitted.id, new[0].id, new[1].id]
    assert saved["next_since"] == body["next_since"] and saved["etag"] == delta.headers["etag"]

    scanner.evaluate("window.dispatchEvent(new Event('online'))")
    deadline = time.monotonic() + ANSWER / 1000
    while len(answers) < 2 and time.monotonic() < deadline:
        scanner.wait_for_timeout(50)
    assert answers[1].status == 304  # nothing changed: no body

    scanner.context.set_offline(True)
    enter_code(scanner, new[0].token)
    expect_result(scanner, "ok", "Welcome, 钱七 (offline).")
    enter_code(scanner, cancelled.token)
    expect_result(scanner, "error", "Not a valid ticket for this event.")
    enter_code(scanner, admitted.token)
    expect_result(scanner, "warn", "Already checked in at", "孙丽")


def test_offline_walk_ins_are_queued_and_synced(scanner, live_server, door):
    open_scanner(scanner, live_server, door.event_id)
    scanner.context.set_offline(True)
    scanner.click("#walkin-one")
    expect(scanner.locator("#walkin-status")).to_have_text("1 walk-in saved on this device.", timeout=ANSWER)
    expect(scanner.locator("#offline-banner")).to_contain_text("1 walk-in entry waiting to sync")
    expect(scanner.locator('[data-total="walk_ins"]')).to_have_text("1")
    scanner.context.set_offline(False)
    expect(scanner.locator("#offline-banner")).to_be_hidden(timeout=SYNC)
    assert fresh(select(func.sum(WalkIn.count)).where(WalkIn.event_id == door.event_id))[0][0] == 1


def test_a_party_admitted_by_another_door_meanwhile_is_a_conflict(scanner, live_server, door):
    ticket = register(door.event, name="吴刚", party_size=2)
    open_scanner(scanner, live_server, door.event_id)  # the roster: not in yet
    services.check_in(ticket.registration, event=door.event, device_id="other", client_key="other-door-1")
    db.session.commit()

    scanner.context.set_offline(True)
    enter_code(scanner, ticket.token)
    expect_result(scanner, "ok", "Welcome, 吴刚 (offline).")
    scanner.context.set_offline(False)
    expect(scanner.locator("#offline-banner")).to_be_hidden(timeout=SYNC)

    rows = checkins_of(ticket.id)
    assert len(rows) == 1 and rows[0].device_id == "other"
    conflicts = [r[0] for r in fresh(select(CheckInConflict).where(CheckInConflict.registration_id == ticket.id))]
    assert len(conflicts) == 1
    this_device = json.loads(scanner.evaluate("localStorage.getItem('outreach.scanner.device')"))
    assert conflicts[0].checkin_id == rows[0].id and conflicts[0].device_id == this_device


# --- the page itself -----------------------------------------------------------------------


def test_page_in_english(scanner, live_server, door):
    open_scanner(scanner, live_server, door.event_id, lang="en")
    assert scanner.locator("html").get_attribute("lang") == "en"
    expect(scanner.locator("h1")).to_have_text("Xinghai Forum No. 16")
    main = scanner.locator("main")
    expect(scanner.locator("#scanner-needs-js")).to_be_hidden()
    for text in ["Door check-in", "Check-in is open.", "Attendance so far", "Checked in", "Registered",
                 "Walk-ins", "Attendance", "Enter a code", "Find a registration"]:
        expect(main).to_contain_text(text)
    expect(scanner.get_by_label("Ticket number, code or link")).to_be_visible()
    expect(scanner.get_by_label("Name or last digits of the phone number")).to_be_visible()
    expect(scanner.get_by_label("Number of people")).to_be_visible()
    expect(scanner.locator("#scan-result")).to_have_attribute("aria-live", "assertive")
    expect(scanner.locator("#camera-toggle")).to_be_visible()
    expect(scanner.locator("#camera-switch")).to_be_visible()
    for selector in ["#walkin-one", "#walkin-add", "#code-form button", "#camera-toggle"]:
        box = scanner.locator(selector).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, selector


def test_page_in_chinese(scanner, live_server, door):
    ticket = register(door.event, name="王小明", party_size=3)
    open_scanner(scanner, live_server, door.event_id, lang="zh_Hans")
    assert scanner.locator("html").get_attribute("lang") == "zh-Hans"
    expect(scanner.locator("h1")).to_have_text("星海讲坛 第16期")
    config = json.loads(scanner.locator("#scanner-config").text_content())
    assert config["eventId"] == door.event_id
    assert config["text"]["welcome"] == "欢迎，{name}。"  # the translation, placeholder kept for the script
    assert config["text"]["people"]["other"] == "{num} 人"
    main = scanner.locator("main")
    for text in ["现场签到", "目前到场", "已签到", "现场入场", "输入入场码", "查找报名"]:
        expect(main).to_contain_text(text)
    expect(scanner.get_by_label("入场券编号、入场码或链接")).to_be_visible()
    expect(scanner.locator("#camera-switch")).to_have_text("切换摄像头")
    enter_code(scanner, ticket.token)
    expect_result(scanner, "ok", "欢迎，王小明。", "3 人")


def test_page_renders_without_javascript(chromium, live_server, door):
    context = chromium.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, door.staff)
    page.goto(f"{live_server}/scan/{door.event_id}?lang=en")
    expect(page.locator("h1")).to_have_text("Xinghai Forum No. 16")
    expect(page.locator('[data-total="registered"]')).to_have_text("0")
    expect(page.locator("#ticket-code")).to_be_visible()
    expect(page.locator("#walkin-one")).to_be_visible()
    expect(page.locator("#walkin-count")).to_be_visible()
    expect(page.locator("main")).to_contain_text("The camera needs JavaScript")
    expect(page.locator("#camera-toggle")).to_be_hidden()
    context.close()


def test_totals_are_rendered_by_the_server(scanner, live_server, door):
    ticket = register(door.event, party_size=3)
    services.check_in(ticket.registration, event=door.event)
    services.add_walkins(door.event, 2)
    db.session.commit()
    scanner.goto(f"{live_server}/scan/{door.event_id}?lang=en")
    expect(scanner.locator('[data-total="checked_in"]')).to_have_text("3")
    expect(scanner.locator('[data-total="registered"]')).to_have_text("3")
    expect(scanner.locator('[data-total="walk_ins"]')).to_have_text("2")
    expect(scanner.locator('[data-total="attendance"]')).to_have_text("5")


def test_closed_door_is_shown(scanner, live_server, make_event):
    later = make_event(title="下周讲座")  # a week ahead: check-in not open yet
    scanner.goto(f"{live_server}/scan/{later.id}?lang=en")
    expect(scanner.locator(".door-state")).to_have_text(re.compile("Check-in for this event is not open now"))


# --- who may open it -----------------------------------------------------------------------


def test_a_volunteer_without_a_shift_is_refused(client, login, make_user, door):
    volunteer = make_user("volunteer")
    login(volunteer)
    assert client.get(f"/scan/{door.event_id}").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, door):
    response = client.get(f"/scan/{door.event_id}")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- accessibility -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_scanner_meets_wcag_aa(chromium, live_server, door, lang):
    ok = register(door.event, name="郑明", party_size=2)
    cancelled = register(door.event, name="钱芳", party_size=1, phone="13700001111")
    services.cancel(cancelled.registration)
    db.session.commit()
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, door.staff)
    open_scanner(page, live_server, door.event_id, lang=lang)
    assert axe_violations(page) == []
    enter_code(page, ok.token)
    expect(page.locator("#code-result")).to_have_attribute("data-state", "ok", timeout=ANSWER)
    page.fill("#search-q", "郑")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-results li")).to_have_count(1, timeout=ANSWER)
    assert axe_violations(page) == []
    enter_code(page, ok.token)
    expect(page.locator("#code-result")).to_have_attribute("data-state", "warn", timeout=ANSWER)
    assert axe_violations(page) == []
    enter_code(page, cancelled.token)
    expect(page.locator("#code-result")).to_have_attribute("data-state", "error", timeout=ANSWER)
    page.context.set_offline(True)
    page.click("#walkin-one")
    expect(page.locator("#offline-banner")).to_be_visible(timeout=ANSWER)
    assert axe_violations(page) == []
    context.close()


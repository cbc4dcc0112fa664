"""The roster's print button in a real Chromium: the export's page shows its progress while the
job worker makes the PDF (it reloads itself, no JavaScript), then offers the download."""

from __future__ import annotations

import re
import threading

import pytest

from outreach.extensions import db
from outreach.platform import exports
from outreach.volunteers import services
from outreach.timezone import local_date
from tests.helpers import axe_violations, in_days, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def slow_worker(app, monkeypatch):
    """A job worker that starts each export three seconds after it is queued (in a thread of
    this process, as the consumer would in its own)."""
    run = exports.run_export
    timers = []

    def later(export_id: int, base_url: str) -> None:
        def work():
            with app.app_context():
                run.call_local(export_id, base_url)
                db.session.remove()

        timer = threading.Timer(3, work)
        timers.append(timer)
        timer.start()

    monkeypatch.setattr(exports, "run_export", later)
    yield
    for timer in timers:
        timer.join(30)


def test_the_roster_is_printed_with_progress_then_downloaded(
        live_server, page, slow_worker, make_user, make_shift, make_volunteer):
    start = in_days(3)
    day = local_date(start).isoformat()
    shift = make_shift(role="服务台值班", start=start, slots=2)
    services.sign_up(shift, make_volunteer("刘晓燕", phone="13812345678"))
    db.session.commit()
    sign_in(page, live_server, make_user("staff", name="馆员李老师"))
    page.goto(f"{live_server}/staff/volunteers/rosters/days/{day}?lang=en")
    page.get_by_role("button", name="Print (PDF)").click()
    page.wait_for_url(re.compile(r".*/staff/exports/\d+(\?.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Printing the roster"
    assert page.get_by_text("The roster of 1 shift is being made.").is_visible()
    assert page.locator("progress#export-progress").is_visible()
    assert axe_violations(page) == []
    link = page.get_by_role("button", name="Download the PDF")
    link.wait_for(timeout=20000)  # the page reloaded itself once the worker was done
    assert page.get_by_text("The roster is ready.").is_visible()
    assert page.locator("progress").count() == 0
    assert axe_violations(page) == []
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"roster-{day}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"

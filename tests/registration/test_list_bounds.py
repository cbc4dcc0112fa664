"""The registration area's lists cost the same number of SQL statements with 5 rows as with 50
(issue 13): the staff event page and its registrations, the registrations API (list and
search), the public event page, tickets and "find my ticket", the sign-in sheet, the door
poster, the move page, and the export of every ticket as one PDF, whose pages are counted."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime, timedelta, timezone
from itertools import count

import pytest

from outreach import clock
from outreach.events import services as events
from outreach.extensions import db
from outreach.places import services as places
from outreach.platform.models import ExportJob
from outreach.registration import documents, services
from outreach.registration.models import Registration
from tests.helpers import count_statements, csrf_token_from

_seq = count(1)


def phone(n: int) -> str:
    return f"139{n:08d}"


@pytest.fixture
def busy(make_event):
    """An exhibition that opens in half an hour (its door is open) and ``add(n)``: n more
    registrations, of which two in ten wait for a place, every third is admitted and every
    fifth has the name of the one before (a possible duplicate)."""
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=30)
    event = make_event(title="少儿书画展", title_en="Children's art", type="exhibition", starts_at=start,
                       ends_at=start + timedelta(days=3), capacity=1000, max_party_size=4)
    made: list[Registration] = []

    def add(n: int, *, waiting: bool = True) -> None:
        for _ in range(n):
            k = next(_seq)
            name = made[-1].name if made and k % 5 == 0 else f"报名者{k:03d}"
            registration = services.register(event, name=name, phone=phone(k), party_size=1 + k % 3).registration
            if waiting and k % 10 in (1, 2):
                registration.status = "waitlisted"
            elif k % 3 == 0:
                services.check_in(registration, event=event)
            made.append(registration)
        db.session.commit()

    return event, made, add


def counted(client, path: str, method: str = "get", **kwargs) -> int:
    with count_statements() as statements:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return statements.n


def grows_not(client, add, paths: list[str], **kwargs) -> None:
    add(5)
    small = [counted(client, path, **kwargs) for path in paths]
    add(45)
    assert [counted(client, path, **kwargs) for path in paths] == small


def test_the_staff_event_page(client, busy, make_user, login):
    event, _made, add = busy
    login(make_user("staff"))
    grows_not(client, add, [
        f"/staff/events/{event.id}", f"/staff/events/{event.id}?status=confirmed&sort=-name&page=2",
        f"/staff/events/{event.id}?q=报名者", f"/staff/events/{event.id}/sign-in-sheet.pdf",
        f"/staff/events/{event.id}/door-poster.pdf",
    ])
    html = client.get(f"/staff/events/{event.id}?lang=en").get_data(as_text=True)
    assert html.count("报名者") >= 50  # a page of the list and the possible duplicates


def test_the_registrations_as_a_spreadsheet(client, busy, make_user, login):
    """CSV and XLSX of the whole list and of a search, as the page's export buttons send them."""
    event, made, add = busy
    login(make_user("staff"))
    csrf = csrf_token_from(client, f"/staff/events/{event.id}")
    paths = [f"/staff/events/{event.id}/registrations.csv", f"/staff/events/{event.id}/registrations.xlsx"]
    add(5)
    small = [counted(client, path, "post", data={"csrf_token": csrf, **extra})
             for path in paths for extra in ({}, {"q": "报名者", "status": "confirmed"})]
    add(45)
    assert [counted(client, path, "post", data={"csrf_token": csrf, **extra})
            for path in paths for extra in ({}, {"q": "报名者", "status": "confirmed"})] == small
    text = client.post(paths[0], data={"csrf_token": csrf}).get_data().decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 1 + len(made)


def test_the_registrations_api(client, busy, make_user, api_token):
    """The door's search (its first 20 matches, each with whether it came today) and the staff
    list (paged)."""
    event, _made, add = busy
    headers = api_token(make_user("staff"))
    paths = [
        f"/api/v1/events/{event.id}/registrations?q=报名者", f"/api/v1/events/{event.id}/registrations?q=1390000",
        f"/api/v1/events/{event.id}/registrations?page=1&per_page=50",
        f"/api/v1/events/{event.id}/registrations?page=1&sort=-name&status=confirmed",
    ]
    grows_not(client, add, paths, headers=headers)
    found = client.get(paths[0], headers=headers).get_json()["registrations"]
    assert len(found) == 20 and any(r["checked_in_at"] for r in found)


def test_the_public_event_page_and_a_ticket(client, busy):
    event, made, add = busy
    add(1, waiting=False)
    token = services.ticket_token(made[0])
    grows_not(client, add, [f"/events/{event.id}", f"/api/v1/tickets/{token}", f"/t/{token}"])


def test_find_my_ticket(client, make_event):
    """One phone number's upcoming tickets, at 5 and then 50 events (each with its own venue,
    branch and partner)."""
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=2)
    held = []

    def add(n: int) -> None:
        for _ in range(n):
            k = next(_seq)
            event = make_event(title=f"讲座 {k}", starts_at=start + timedelta(hours=len(held)))
            partner = places.create_partner(name=f"协办单位 {k}")
            db.session.flush()
            events.set_partners(event, [(partner.id, "co_organiser")])
            held.append(services.register(event, name="王小明", phone="13812345678").registration)
        db.session.commit()

    grows_not(client, add, ["/api/v1/tickets/lookup"], method="post",
              json={"phone": "13812345678", "name": "王小明"})
    tickets = client.post("/api/v1/tickets/lookup", json={"phone": "13812345678", "name": "王小明"}).get_json()["tickets"]
    assert [t["id"] for t in tickets] == [r.id for r in held]
    assert all(len(t["event"]["partners"]) == 1 for t in tickets)


def test_the_move_page(client, busy, make_event, make_user, login):
    """The events a registration may move to: a page of them, with their venues and branches."""
    event, _made, _add = busy
    mover = services.register(event, name="王小明", phone="13812345678").registration
    db.session.commit()
    login(make_user("staff"))
    start = event.starts_at + timedelta(days=1)

    def add(n: int) -> None:
        for _ in range(n):
            make_event(title=f"讲座 {next(_seq)}", starts_at=start)

    grows_not(client, add, [f"/staff/events/{event.id}/registrations/{mover.id}/move",
                            f"/staff/events/{event.id}/registrations/{mover.id}/move?page=3"])


# --- every ticket as one PDF -------------------------------------------------------------------


def export(app, event, staff, locale: str = "en"):
    """Run the export of every ticket of ``event`` here (not in a thread): its job and statements."""
    job = documents.start_ticket_export(event, actor=staff, locale=locale)
    db.session.commit()
    with app.test_request_context(base_url="http://outreach.test/"), count_statements() as statements:
        documents.export_tickets(job.id)
    db.session.expire_all()
    return db.session.get(ExportJob, job.id), statements


def pdf_text(app, job, tmp_path) -> tuple[int, str]:
    path = f"{app.instance_path}/{job.path}"
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), text


def test_the_ticket_export_reads_the_tickets_in_a_constant_number_of_statements(
        app, busy, make_user, monkeypatch, tmp_path):
    event, made, add = busy
    staff = make_user("staff")
    moment = clock.now()
    monkeypatch.setattr(clock, "now", lambda: moment)  # no progress to write: only the reads count
    add(5)
    small, statements = export(app, event, staff)
    confirmed = len([r for r in made if r.status == "confirmed"])
    assert small.status == "done" and small.total == small.done == confirmed
    pages, text = pdf_text(app, small, tmp_path)
    assert pages == confirmed and text.count("Ticket no.") == confirmed
    add(45)
    large, more = export(app, event, staff)
    assert more.n == statements.n, "\n".join(more)
    confirmed = [r for r in made if r.status == "confirmed"]
    assert large.status == "done" and large.total == large.done == len(confirmed) == 40  # ten of fifty wait
    pages, text = pdf_text(app, large, tmp_path)
    assert pages == 40 and text.count("Ticket no.") == 40
    for registration in confirmed:
        assert f"Ticket no. {registration.id}\n" in text


def test_a_long_export_writes_its_progress_every_few_seconds(app, busy, make_user, monkeypatch, tmp_path):
    """Each reading of the clock is 3 s after the one before: progress after every part but
    the last (whose end the job's "done" says)."""
    event, _made, add = busy
    add(30, waiting=False)
    moments = (datetime(2027, 3, 1, tzinfo=timezone.utc) + timedelta(seconds=3 * n) for n in count())
    monkeypatch.setattr(clock, "now", lambda: next(moments))
    monkeypatch.setattr(documents, "PART_SIZE", 8)  # four parts
    job, statements = export(app, event, make_user("staff"))
    updates = [s for s in statements if s.startswith("UPDATE export_jobs")]
    assert len(updates) == 1 + 3 + 1  # running, three parts done, finished
    assert job.status == "done" and job.done == job.total == 30
    assert pdf_text(app, job, tmp_path)[0] == 30

"""Rosters (a day's and an event's) printed by the job worker (issue 14, point 4): the print
button starts the export and lands on its page, which offers the download; the same roster
asked for while it is being made is that one; the file is kept until downloaded (an hour's
grace) or a week, then removed, and its page offers to make it again; a job that fails says so;
only staff may fetch the file."""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.platform import exports
from outreach.platform.models import ExportJob
from outreach.volunteers import services
from tests.helpers import assert_valid_html, csrf_token_from, local, text_of

pytestmark = pytest.mark.usefixtures("frozen")  # Monday 2 March 2026, 10:00 in the library

BASE = "/staff/volunteers"
DAY = "2026-03-05"


@pytest.fixture
def as_staff(client, login, staff):
    login(staff)
    return staff


@pytest.fixture
def roster(make_event, make_shift, make_volunteer):
    """Thursday's shifts: an event's with 刘晓燕, a desk duty with Wang Fang; Friday's with nobody."""
    event = make_event(title="少儿故事大王 初赛", title_en="Storytelling contest, first round",
                       starts_at=local(2026, 3, 5, 9), ends_at=local(2026, 3, 5, 12))
    contest = make_shift(event, role="计分协助", start=local(2026, 3, 5, 9), slots=2)
    desk = make_shift(role="服务台值班", start=local(2026, 3, 5, 14), slots=1)
    services.sign_up(contest, make_volunteer("刘晓燕", phone="13812345678"))
    services.sign_up(desk, make_volunteer("Wang Fang", phone="13912340002"))
    make_shift(role="明天的值班", start=local(2026, 3, 6, 9))
    db.session.commit()
    return {"event": event}


def pdf_text(data: bytes) -> str:
    """The PDF's text as pypdf reads it, without the spaces and line breaks it puts between glyphs."""
    assert data.startswith(b"%PDF")
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def press_print(client, page_url: str, lang: str = "en"):
    """Press the roster page's print button; the answer (303 to the export's page)."""
    html = text_of(client.get(f"{page_url}?lang={lang}"))
    action = re.search(r'<form method="post" action="([^"]+/print)"', html).group(1)
    return client.post(f"{action}?lang={lang}", data={"csrf_token": csrf_token_from(client, f"{page_url}?lang={lang}")})


def export_page(client, response, lang="en"):
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/staff/exports/\d+", location), location
    page = client.get(f"{location}?lang={lang}")
    assert page.status_code == 200
    assert_valid_html(page)
    return location, text_of(page)


def test_a_days_roster_is_printed_by_the_job_worker(client, as_staff, roster):
    location, html = export_page(client, press_print(client, f"{BASE}/rosters/days/{DAY}"))
    assert "<h1>Printing the roster</h1>" in html and "Thursday, March 5, 2026" in html
    assert "The roster is ready." in html and 'http-equiv="refresh"' not in html
    assert f'href="{BASE}/rosters/days/{DAY}">Back to the roster' in html
    download = re.search(r'<a role="button" href="([^"]+)">Download the PDF</a>', html).group(1)
    assert download == f"{location}/download"
    response = client.get(download)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename=roster-2026-03-05.pdf' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    response.close()
    assert "刘晓燕" in text and "WangFang" in text and "13912340002" in text
    assert "计分协助" in text and "服务台值班" in text and "明天的值班" not in text
    assert "Volunteerroster:Thursday,March5,2026" in text
    export = db.session.scalar(select(ExportJob))
    assert (export.kind, export.params, export.locale, export.status) == ("roster_day", {"day": DAY}, "en", "done")
    assert (export.done, export.total) == (2, 2)


def test_an_events_roster_in_chinese(client, as_staff, roster):
    event = roster["event"]
    location, html = export_page(client, press_print(client, f"{BASE}/rosters/events/{event.id}", "zh_Hans"),
                                 "zh_Hans")
    assert "少儿故事大王 初赛" in html and "排班表已生成" in html
    response = client.get(f"{location}/download")
    assert f"roster-event-{event.id}.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    response.close()
    assert "刘晓燕" in text and "计分协助" in text and "WangFang" not in text and "服务台值班" not in text
    assert db.session.scalar(select(ExportJob.event_id)) == event.id


def test_the_same_roster_asked_twice_while_it_is_made_is_one_export(client, as_staff, roster, monkeypatch):
    queued = []
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: queued.append(export_id))
    first = press_print(client, f"{BASE}/rosters/days/{DAY}")
    again = press_print(client, f"{BASE}/rosters/days/{DAY}")
    assert first.headers["Location"] == again.headers["Location"]
    assert len(queued) == 1 and db.session.scalar(select(func.count(ExportJob.id))) == 1
    html = text_of(client.get(first.headers["Location"] + "?lang=en"))
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html and "<progress" in html
    assert "/static/js/export-progress.js" in html
    assert "The roster of 2 shifts is being made." in html and "Download the PDF" not in html
    assert client.get(first.headers["Location"] + "/download").status_code == 404  # not made yet
    progress = client.get(first.headers["Location"] + "/progress.json?lang=zh_Hans")
    assert progress.get_json() == {"status": "queued", "done": 0, "total": 2,
                                   "label": "正在生成共 2 个班次的排班表。"}
    assert progress.headers["Cache-Control"] == "no-store"
    # another language, another day, another event: other exports
    chinese = press_print(client, f"{BASE}/rosters/days/{DAY}", "zh_Hans")
    friday = press_print(client, f"{BASE}/rosters/days/2026-03-06")
    event = press_print(client, f"{BASE}/rosters/events/{roster['event'].id}")
    assert len({first.headers["Location"], chinese.headers["Location"], friday.headers["Location"],
                event.headers["Location"]}) == 4
    assert len(queued) == 4
    # once it is made, asking again makes a new one (the roster may have changed)
    exports.build(queued[0])
    later = press_print(client, f"{BASE}/rosters/days/{DAY}")
    assert later.headers["Location"] != first.headers["Location"] and len(queued) == 5


def test_only_staff_fetch_a_roster(app, client, as_staff, roster, login, make_user, make_volunteer):
    location, _html = export_page(client, press_print(client, f"{BASE}/rosters/days/{DAY}"))
    anonymous = app.test_client()
    for url in (location, f"{location}/download"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), url
    client.post("/logout", data={"csrf_token": csrf_token_from(client, location)})
    login(make_volunteer("志愿者丙").user)
    for url in (location, f"{location}/download"):
        assert client.get(url).status_code == 403, url
    response = client.post(f"{BASE}/rosters/days/{DAY}/print", data={"csrf_token": csrf_token_from(client, "/")})
    assert response.status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/")})
    login(make_user("staff", name="另一位馆员"))  # any member of staff may fetch it
    response = client.get(f"{location}/download")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    response.close()
    assert client.get("/staff/exports/987654").status_code == 404


def test_a_file_is_kept_an_hour_after_its_first_download(app, client, as_staff, roster, frozen):
    location, _html = export_page(client, press_print(client, f"{BASE}/rosters/days/{DAY}"))
    export = db.session.scalar(select(ExportJob))
    assert export.expires_at == frozen.now + timedelta(days=7)
    path = export.path
    client.get(f"{location}/download").close()
    db.session.expire_all()
    assert export.downloaded_at == frozen.now and export.expires_at == frozen.now + timedelta(hours=1)
    frozen.set(frozen.now + timedelta(minutes=50))
    response = client.get(f"{location}/download")  # a broken download is repeated
    assert response.status_code == 200
    response.close()
    db.session.expire_all()
    assert export.expires_at == frozen.now - timedelta(minutes=50) + timedelta(hours=1)  # not moved
    assert exports.expire_exports.call_local() == 0
    frozen.set(frozen.now + timedelta(minutes=11))
    assert exports.expire_exports.call_local() == 1
    db.session.expire_all()
    assert (export.status, export.path) == ("expired", None)
    assert not os.path.exists(os.path.join(app.instance_path, path))


def test_an_unfetched_file_expires_after_a_week_and_can_be_made_again(app, client, as_staff, roster, frozen):
    location, _html = export_page(client, press_print(client, f"{BASE}/rosters/days/{DAY}"))
    export = db.session.scalar(select(ExportJob))
    path = app.instance_path + "/" + export.path
    frozen.set(frozen.now + timedelta(days=6, hours=23))
    assert exports.expire_exports.call_local() == 0 and os.path.getsize(path) > 1000
    frozen.set(frozen.now + timedelta(hours=2))
    # past its time, before the periodic job: already said to be gone, and not served
    response = client.get(f"{location}/download")
    assert response.status_code == 303 and response.headers["Location"] == location
    assert exports.expire_exports.call_local() == 1
    db.session.expire_all()
    assert (export.status, export.path) == ("expired", None)
    assert not os.path.exists(path)
    page = client.get(f"{location}?lang=en")
    assert page.status_code == 200
    assert_valid_html(page)
    html = text_of(page)
    assert "This file is no longer kept: files are removed an hour after their first download, or after a week." in html
    assert "Download the PDF" not in html and 'http-equiv="refresh"' not in html
    again = re.search(r'<form method="post" action="([^"]+/again)">', html).group(1)
    assert again == f"{location}/again"
    response = client.post(again, data={"csrf_token": csrf_token_from(client, f"{location}?lang=en")})
    assert response.status_code == 303 and response.headers["Location"] != location
    fresh, html = export_page(client, response)
    assert "The roster is ready." in html
    made = db.session.scalars(select(ExportJob).order_by(ExportJob.id)).all()
    assert [(e.kind, e.params, e.locale, e.status) for e in made] == [
        ("roster_day", {"day": DAY}, "en", "expired"), ("roster_day", {"day": DAY}, "en", "done"),
    ]
    response = client.get(f"{fresh}/download")
    assert "WangFang" in pdf_text(response.data)
    response.close()


def test_a_job_that_fails_says_so(client, as_staff, roster, monkeypatch):
    def broken(export, progress):
        raise RuntimeError("the printer's font went missing")

    kind = exports.KINDS["roster_day"]
    monkeypatch.setitem(exports.KINDS, "roster_day", replace(kind, build=broken))
    location, html = export_page(client, press_print(client, f"{BASE}/rosters/days/{DAY}"))
    assert "The roster could not be made. Please try again." in html and 'role="alert"' in html
    assert "Download the PDF" not in html and 'http-equiv="refresh"' not in html
    assert client.get(f"{location}/download").status_code == 404
    export = db.session.scalar(select(ExportJob))
    assert export.status == "failed" and export.error.startswith("RuntimeError")
    chinese = text_of(client.get(f"{location}?lang=zh_Hans"))
    assert "排班表未能生成，请重试。" in chinese and "重试" in chinese
    exports.KINDS["roster_day"] = kind  # mended: the button makes it anew
    response = client.post(f"{location}/again", data={"csrf_token": csrf_token_from(client, f"{location}?lang=en")})
    _fresh, html = export_page(client, response)
    assert "The roster is ready." in html


def test_an_export_whose_worker_went_away_is_failed(client, as_staff, roster, monkeypatch, frozen):
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: None)
    location = press_print(client, f"{BASE}/rosters/days/{DAY}").headers["Location"]
    frozen.set(frozen.now + timedelta(minutes=31))
    html = text_of(client.get(f"{location}?lang=en"))
    assert "The roster could not be made. Please try again." in html
    assert db.session.scalar(select(ExportJob.error)) == "timed out"
    # and the next button press does not wait for it
    assert press_print(client, f"{BASE}/rosters/days/{DAY}").headers["Location"] != location

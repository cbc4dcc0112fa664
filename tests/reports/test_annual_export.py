"""The annual report's PDF from the staff page is made by the job worker (issue 14, point 4):
the language's button starts it and lands on its page, which offers the download; the JSON
API's ``annual.pdf`` still answers the file itself (the contract)."""

from __future__ import annotations

import io
import re
import time
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.platform import exports
from outreach.platform.models import ExportJob
from tests.helpers import assert_valid_html, csrf_token_from, run_in_threads, text_of
from tests.reports.annual_year import build_year


@pytest.fixture
def year(app):
    return build_year()


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def press(client, locale: str, lang: str = "en"):
    url = f"/reports/annual/2018?lang={lang}"
    html = text_of(client.get(url))
    action = re.search(r'<form method="post" action="([^"]+/pdf[^"]*)"', html).group(1).replace("&amp;", "&")
    return client.post(action, data={"csrf_token": csrf_token_from(client, url), "locale": locale})


@pytest.mark.parametrize(("locale", "lang", "figures", "filename"), [
    ("zh_Hans", "zh_Hans", "2018年，全年共组织举办各类读者活动和阅读推广活动7次，参与读者71人次。", "2018%E5%B9%B4"),
    ("en", "en", "In2018thelibraryheld7readerandreading-promotionactivitieswith71person-visits.", "annual-report-2018.pdf"),
])
def test_the_annual_pdf_through_the_page(client, year, make_user, login, locale, lang, figures, filename):
    login(make_user())
    response = press(client, locale, lang)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert re.fullmatch(r"/staff/exports/\d+", location)
    page = client.get(f"{location}?lang={lang}")
    assert_valid_html(page)
    html = text_of(page)
    if lang == "en":
        assert "<h1>Annual report 2018</h1>" in html and "The annual report is ready." in html
        assert 'href="/reports/annual/2018">Back to the annual report' in html
    else:
        assert "年度报告已生成。" in html
    download = re.search(r'<a role="button" href="([^"]+)">', html).group(1)
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert filename in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    pdf.close()
    assert re.sub(r"\s+", "", figures) in text
    export = db.session.scalar(select(ExportJob))
    assert (export.kind, export.params, export.locale, export.total, export.done) == (
        "annual_report", {"year": 2018}, locale, 3, 3)


def test_the_same_report_is_one_export_while_it_is_made(client, year, make_user, login, monkeypatch):
    queued = []
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: queued.append(export_id))
    login(make_user())
    first, second = press(client, "en"), press(client, "en")
    assert first.headers["Location"] == second.headers["Location"] and len(queued) == 1
    html = text_of(client.get(first.headers["Location"] + "?lang=en"))
    assert "0 of 3 steps done" in html and 'http-equiv="refresh"' in html
    assert press(client, "zh_Hans").headers["Location"] != first.headers["Location"]
    assert db.session.scalar(select(func.count(ExportJob.id))) == 2


def test_a_failed_report_says_so(client, year, make_user, login, monkeypatch):
    def broken(export, progress):
        progress(1)
        raise ValueError("no figures")

    monkeypatch.setitem(exports.KINDS, "annual_report", replace(exports.KINDS["annual_report"], build=broken))
    login(make_user())
    response = press(client, "en")
    page = client.get(response.headers["Location"] + "?lang=zh_Hans")
    assert page.status_code == 200 and "年度报告未能生成，请重试。" in text_of(page)


def test_the_buttons_refuse_what_is_not_a_language_or_a_year(client, year, make_user, login):
    login(make_user())
    token = csrf_token_from(client, "/reports/annual/2018")
    assert client.post("/reports/annual/2018/pdf", data={"csrf_token": token, "locale": "fr"}).status_code == 400
    assert client.post("/reports/annual/2018/pdf", data={"csrf_token": token}).status_code == 400
    assert client.post("/reports/annual/1800/pdf", data={"csrf_token": token, "locale": "en"}).status_code == 404
    assert client.post("/reports/annual/2018/pdf", data={"locale": "en"}).status_code == 400
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0


def test_a_volunteer_may_not_print_the_report(client, year, make_user, login):
    login(make_user(role="volunteer"))
    token = csrf_token_from(client, "/")
    assert client.post("/reports/annual/2018/pdf", data={"csrf_token": token, "locale": "en"}).status_code == 403


# --- the JSON API ------------------------------------------------------------------------------


def test_the_api_starts_polls_and_fetches_the_pdf(client, year, make_user, api_token, monkeypatch):
    headers = api_token(make_user())
    queued = []
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: queued.append(export_id))
    response = client.post("/api/v1/reports/annual/exports", json={"year": 2018, "lang": "en"}, headers=headers)
    assert response.status_code == 202
    body = response.get_json()
    location = response.headers["Location"]
    assert location == f"/api/v1/reports/annual/exports/{body['id']}"
    assert {k: body[k] for k in ("year", "lang", "status", "done", "total", "expires_at", "file")} == {
        "year": 2018, "lang": "en", "status": "queued", "done": 0, "total": 3, "expires_at": None, "file": None}
    again = client.post("/api/v1/reports/annual/exports", json={"year": 2018, "lang": "en"}, headers=headers)
    assert again.get_json()["id"] == body["id"] and len(queued) == 1
    waiting = client.get(f"{location}/file?lang=en", headers=headers)
    assert waiting.status_code == 409 and waiting.get_json()["error"]["code"] == "export_not_ready"
    exports.build(queued[0])
    made = client.get(location, headers=headers).get_json()
    assert made["status"] == "done" and made["done"] == 3 and made["file"] == f"{location}/file"
    pdf = client.get(made["file"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "71person-visits" in pdf_text(pdf.data)
    pdf.close()
    export = db.session.get(ExportJob, body["id"])
    export.expires_at = export.downloaded_at  # an hour later
    db.session.commit()
    gone = client.get(made["file"] + "?lang=zh_Hans", headers=headers)
    assert gone.status_code == 409 and gone.get_json()["error"] == {
        "code": "export_expired", "message": "此文件已不再保留，请重新生成。"}
    assert client.get(location, headers=headers).get_json()["status"] == "expired"


def test_the_api_refuses_what_is_not_a_year_or_a_language(client, year, make_user, api_token):
    headers = api_token(make_user())
    bad = client.post("/api/v1/reports/annual/exports", json={"year": 1800, "lang": "fr"}, headers=headers)
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"year", "lang"}
    assert client.post("/api/v1/reports/annual/exports", json={"year": "2018"}, headers=headers).status_code == 422
    assert db.session.scalar(select(func.count(ExportJob.id))) == 0
    volunteer = api_token(make_user(role="volunteer"))
    assert client.post("/api/v1/reports/annual/exports", json={}, headers=volunteer).status_code == 403
    assert client.post("/api/v1/reports/annual/exports", json={}).status_code == 401
    assert client.get("/api/v1/reports/annual/exports/987654", headers=headers).status_code == 404


def test_presses_at_the_same_moment_make_one_export(app, year, make_user, api_token, monkeypatch):
    """Eight requests for the same report at once (on PostgreSQL they run side by side): one
    export, answered to all eight, queued once. Counting the report's steps takes a while here,
    between looking for the same export and making one: the window two presses could share."""
    headers = api_token(make_user())
    queued = []
    monkeypatch.setattr(exports, "run_export", lambda export_id, base_url: queued.append(export_id))
    kind = exports.KINDS["annual_report"]
    monkeypatch.setitem(exports.KINDS, "annual_report", replace(kind, count=lambda params: time.sleep(0.2) or kind.count(params)))
    answers = run_in_threads(app, 8, lambda client, n: client.post(
        "/api/v1/reports/annual/exports", json={"year": 2018, "lang": "en"}, headers=headers))
    assert [answer.status_code for answer in answers] == [202] * 8
    assert len({answer.get_json()["id"] for answer in answers}) == 1
    assert db.session.scalar(select(func.count(ExportJob.id))) == 1 and len(queued) == 1

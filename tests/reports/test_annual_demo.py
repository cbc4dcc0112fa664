"""The demo's 2018 reads as the library's own report: 40+ activities with 70,000+ person-visits,
14 星海讲坛 sessions, the story contest's 800+ and 57 contestants — in the service, the API and
the PDF (text read back with pdftotext, the embedded CJK font listed by pdffonts)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from outreach.reports import annual, documents
from outreach.reports.services import attendance_report

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Noto-Sans-SC" in fonts
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def test_the_demo_year_reads_as_the_seed_report(demo, tmp_path):
    report = annual.annual_report(2018, "zh_Hans")
    readers = report.reader_activities  # the library's staff trainings are not reader activities
    assert readers.events >= 40 and readers.attendance >= 70_000
    by_audience = {r.key: r for r in attendance_report(annual.year_query(2018), "audience").rows}
    assert (report.events - readers.events, report.attendance - readers.attendance) == (
        by_audience["staff"].events, by_audience["staff"].attendance)
    (forum,) = [s for s in report.series if s.name == "星海讲坛"]
    assert forum.events == 14
    (contest,) = [c for c in report.competitions if "少儿故事大王" in c.title]
    prelim, final = contest.rounds
    assert (prelim.name, prelim.events) == ("初赛", 2) and 800 <= prelim.count < 900 and 1000 <= prelim.attendance < 1100
    assert (final.name, final.count) == ("决赛", 57) and 300 <= final.attendance < 400
    assert report.return_row("exhibitions").events >= 4
    assert report.volunteers.volunteers > 0 and report.volunteers.hours > 0

    text = pdf_text(documents.annual_pdf(2018, "zh_Hans"), tmp_path)
    assert f"全年共组织举办各类读者活动和阅读推广活动{readers.events}次，参与读者{readers.attendance}人次。" in text
    assert "“星海讲坛”全年举办14期" in text
    assert f"初赛：共有{prelim.count}名选手参加，共计流通{prelim.attendance}人次。" in text
    assert f"决赛：共有57名选手参加，共计流通{final.attendance}人次。" in text
    assert "组织各类讲座" in text and "为读者举办各种活动" in text

    english = annual.annual_report(2018, "en")
    text = pdf_text(documents.annual_pdf(2018, "en"), tmp_path)
    assert f"activitieswith{english.reader_activities.attendance:,}person-visits" in text
    assert "Finalː57contestants".replace("ː", ":") in text


def test_the_pdf_route(demo, client, make_user, api_token):
    response = client.get("/api/v1/reports/annual.pdf?year=2018&lang=en", headers=api_token(make_user()))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert "annual-report-2018.pdf" in response.headers["Content-Disposition"]
    bad = client.get("/api/v1/reports/annual.pdf?year=2018&lang=fr", headers=api_token(make_user()))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"lang"}

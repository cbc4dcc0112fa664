"""Award certificates: one A4 landscape page per awarded contestant, in Chinese and in English,
with the name, school, piece, competition, round, award, rank and date, in an embedded CJK font."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from outreach import clock
from outreach.competitions import documents
from outreach.extensions import db

pytestmark = pytest.mark.usefixtures("app")


def in_locale(locale: str, message: str, **variables) -> str:
    with force_locale(locale):
        return _(message, **variables)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def final(make_competition, make_sitting, contestants_in, score_all, monkeypatch):
    """The final of 少儿故事大王: 甲 100.00 (一等奖), 乙 90.00 (二等奖), 丙 and 丁 80.00 (三等奖),
    戊 70.00 (no award, ranked 5)."""
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc))
    competition = make_competition(title="少儿故事大王", title_en="Little Storytellers")
    final = competition.rounds[1]
    sitting = make_sitting(final)
    people = contestants_in(sitting, 5, names=["王甲", "李乙", "张丙", "刘丁", "陈戊"])
    score_all(final, {
        people[0]: [10, 10, 10], people[1]: [9, 9, 9], people[2]: [8, 8, 8], people[3]: [8, 8, 8],
        people[4]: [7, 7, 7],
    })
    return {"round": final, "people": people}


def test_award_names_follow_the_language():
    award = {"name": "一等奖", "name_en": "First prize", "places": 1}
    assert documents.award_name(award, "en") == "First prize"
    assert documents.award_name(award, "zh_Hans") == "一等奖"
    assert documents.award_name({"name": "优秀奖", "name_en": None, "places": 5}, "en") == "优秀奖"
    assert documents.award_name(None, "en") == ""


def test_only_ranked_contestants_with_an_award_get_a_certificate(final):
    awarded = documents.awarded(final["round"])
    assert [(r.registration.name, r.rank, r.award["name"]) for r in awarded] == [
        ("王甲", 1, "一等奖"), ("李乙", 2, "二等奖"), ("刘丁", 3, "三等奖"), ("张丙", 3, "三等奖"),
    ]


def test_certificates_in_chinese(final):
    pdf = documents.certificates_pdf(final["round"], locale="zh_Hans")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 4
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert round(float(box.width) / 72 * 25.4) == 297 and round(float(box.height) / 72 * 25.4) == 210
    fonts = {str(font) for page in reader.pages for font in _font_names(page)}
    assert any("Noto-Sans-SC" in name for name in fonts), fonts
    # Spaces dropped: the Chinese title is letter-spaced, and pypdf reads the gaps as spaces.
    first, second = (re.sub(r"\s+", "", text) for text in pages_text(pdf)[:2])
    for expected in ("王甲", "南门小学1", "故事1", "少儿故事大王", "决赛", "一等奖", "醴陵市图书馆", "2026年6月1日",
                     in_locale("zh_Hans", "Award certificate"), in_locale("zh_Hans", "Seal here")):
        assert re.sub(r"\s+", "", expected) in first, expected
    assert "李乙" in second and "二等奖" in second and "王甲" not in second


def test_certificates_in_english(final):
    pdf = documents.certificates_pdf(final["round"], locale="en")
    first = pages_text(pdf)[0].replace("\n", " ")
    for expected in ("王甲", "Little Storytellers", "Final", "First prize", "Award certificate", "Seal here",
                     "June 1, 2026"):
        assert expected in first, expected


def test_one_contestants_certificate_and_none_without_an_award(final):
    ding = final["people"][3]
    pdf = documents.certificates_pdf(final["round"], locale="en", registration_id=ding.id)
    texts = pages_text(pdf)
    assert len(texts) == 1 and "刘丁" in texts[0] and "Third prize" in texts[0]
    assert documents.certificates_pdf(final["round"], locale="en", registration_id=final["people"][4].id) is None


def test_certificates_through_the_staff_pages(client, login, staff_user, final):
    login(staff_user)
    round_id = final["round"].id
    response = client.get(f"/staff/competitions/rounds/{round_id}/certificates.pdf?lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Little%20Storytellers%20Final%20award%20certificates.pdf" in response.headers["Content-Disposition"]
    assert len(pages_text(response.data)) == 4
    one = client.get(f"/staff/competitions/rounds/{round_id}/certificates/{final['people'][0].id}.pdf?lang=zh_Hans")
    text = pages_text(one.data)[0]
    assert one.status_code == 200 and "王甲" in text and "一等奖" in text and "少儿故事大王" in text
    html = client.get(f"/staff/competitions/rounds/{round_id}?lang=en").get_data(as_text=True)
    assert f'href="/staff/competitions/rounds/{round_id}/certificates/{final["people"][0].id}.pdf"' in html
    assert f'/certificates/{final["people"][4].id}.pdf' not in html  # no award, no certificate
    db.session.rollback()


def _font_names(page):
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    for font in fonts.values():
        yield font.get_object().get("/BaseFont")

"""The printable A4 poster: its text in both languages, its font, and a QR code that opens
the event's page."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime, time

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from outreach.events.documents import excerpt
from outreach.events.models import EventPartner
from outreach.places.models import Partner, Series
from outreach.extensions import db
from outreach.timezone import localize

A4_POINTS = (595, 842)


@pytest.fixture
def lecture(make_event, make_venue, make_branch):
    branch = make_branch(name="星海明筑分馆", name_en="Xinghai Mingzhu Branch")
    venue = make_venue(branch=branch, name="讲坛活动室", name_en="Forum room")
    forum = Series(name="星海讲坛", name_en="Xinghai Forum")
    db.session.add(forum)
    db.session.commit()
    event = make_event(
        title="星海讲坛 第15期：陶瓷与醴陵", title_en="Xinghai Forum No. 15: Porcelain and Liling", venue=venue,
        series=forum, session_number=15, speaker="王教授", audience="adults", capacity=80,
        starts_at=localize(datetime(2026, 12, 5, 19, 30)), ends_at=localize(datetime(2026, 12, 5, 21)),
        description="醴陵釉下五彩瓷的历史与工艺。" * 30,
    )
    partners = (("台北城", "Taibeicheng", "naming_sponsor"), ("醴陵一中", "Liling No. 1 School", "co_organiser"))
    for name, name_en, role in partners:
        partner = Partner(name=name, name_en=name_en)
        db.session.add(partner)
        db.session.flush()
        db.session.add(EventPartner(event_id=event.id, partner_id=partner.id, role=role))
    db.session.commit()
    return event


def render(client, path, tmp_path):
    """The PDF's pages, its text, its fonts and the QR code read from its rasterised page."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.data)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    (image,) = tmp_path.glob("page*.png")
    codes = zxingcpp.read_barcodes(Image.open(image))
    text = " ".join(reader.pages[0].extract_text().split())
    return reader, text, fonts, [code.text for code in codes]


def test_poster_in_chinese_with_a_qr_code_of_the_event_page(client, lecture, tmp_path):
    reader, text, fonts, codes = render(client, f"/events/{lecture.id}/poster.pdf?lang=zh_Hans", tmp_path)
    assert len(reader.pages) == 1
    width, height = (round(float(v)) for v in reader.pages[0].mediabox.upper_right)
    assert (width, height) == A4_POINTS  # A4 portrait
    assert codes == [f"http://outreach.test/events/{lecture.id}"]
    assert "NotoSansSC" in fonts.replace("-", "")
    for expected in (
        "醴陵市图书馆", "星海讲坛 第15期：陶瓷与醴陵", "Xinghai Forum No. 15: Porcelain and Liling", "第15期",
        "2026年12月5日星期六", "讲坛活动室", "星海明筑分馆", "王教授", "台北城", "醴陵一中",
        "需要报名；名额 80 个。",
    ):
        assert expected in text, expected
    # The description is cut short; the page online has it all.
    assert text.count("醴陵釉下五彩瓷的历史与工艺。") < 30 and "…" in text


def test_poster_caption_in_chinese(client, lecture, make_event, tmp_path):
    _reader, text, _fonts, _codes = render(client, f"/events/{lecture.id}/poster.pdf?lang=zh_Hans", tmp_path)
    assert "扫码报名" in text and "Scan to register" not in text


def test_poster_in_english(client, lecture, tmp_path):
    _reader, text, _fonts, codes = render(client, f"/events/{lecture.id}/poster.pdf?lang=en", tmp_path)
    assert codes == [f"http://outreach.test/events/{lecture.id}"]
    for expected in (
        "Liling Library", "Lecture", "Xinghai Forum · No. 15", "Xinghai Forum No. 15: Porcelain and Liling",
        "星海讲坛 第15期：陶瓷与醴陵", "Saturday, December 5, 2026 7:30 PM–9:00 PM",
        "Forum room, Xinghai Mingzhu Branch",
        "Speaker 王教授", "For Adults", "Naming sponsor: Taibeicheng", "With: Liling No. 1 School (Co-organiser)",
        "Registration required; 80 places.", "Scan to register",
    ):
        assert expected in text, expected
    # The naming sponsor comes before the other partners.
    assert text.index("Taibeicheng") < text.index("Liling No. 1 School")


def test_exhibition_poster_shows_its_dates_and_daily_hours(client, make_event, tmp_path):
    exhibition = make_event(
        type="exhibition", title="少儿美术展", title_en="Children's Art Show", registration="none",
        audience="children", starts_at=localize(datetime(2026, 9, 1, 9)), ends_at=localize(datetime(2026, 11, 30, 17)),
        daily_opens_at=time(9), daily_closes_at=time(17),
    )
    _reader, text, _fonts, codes = render(client, f"/events/{exhibition.id}/poster.pdf?lang=en", tmp_path)
    assert codes == [f"http://outreach.test/events/{exhibition.id}"]
    assert "September 1, 2026 – November 30, 2026" in text
    assert "open daily 9:00 AM–5:00 PM" in text
    assert "No registration needed: just come." in text
    assert "Scan for details" in text and "Scan to register" not in text


def test_draft_posters_are_for_staff_only(client, make_event, make_user, login):
    draft = make_event(title="草稿讲座", status="draft")
    assert client.get(f"/events/{draft.id}/poster.pdf").status_code == 404
    assert client.get("/events/999999/poster.pdf").status_code == 404
    login(make_user("staff"))
    response = client.get(f"/events/{draft.id}/poster.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert f'filename="poster-{draft.id}.pdf"' in response.headers["Content-Disposition"]


def test_volunteers_get_no_draft_poster(client, make_event, make_user, login):
    draft = make_event(title="草稿讲座", status="draft")
    login(make_user("volunteer"))
    assert client.get(f"/events/{draft.id}/poster.pdf").status_code == 404


def test_excerpt_cuts_long_text_on_one_line():
    assert excerpt("  一行\n\n两行  ") == "一行 两行"
    assert excerpt("x" * 300, limit=10) == "x" * 9 + "…"
    assert excerpt(None) == ""

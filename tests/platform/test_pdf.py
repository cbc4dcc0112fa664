"""outreach.pdf: Chinese must really print (not only sit in the PDF's text map), with the
vendored font, on a machine that has no CJK font of its own."""

from __future__ import annotations

import subprocess
import threading

import pytest
import weasyprint
from PIL import Image
from weasyprint.text.fonts import FontConfiguration
from werkzeug.http import parse_options_header

from outreach import pdf
from outreach.pdf import pdf_response, render_pdf

CHINESE = "醴陵市图书馆 星海讲坛 第15期 入场券"
LATIN = "Ticket No. 123"
PAGE = f"""<!doctype html>
<html lang="zh-Hans"><head><meta charset="utf-8"><style>@page {{ size: A4; margin: 15mm }} h1 {{ font-size: 20pt }}</style></head>
<body><h1>{CHINESE}</h1><p>{LATIN}</p><p>主讲人：王老师　地点：三楼报告厅</p></body></html>"""


def poppler(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def ticket_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "ticket.pdf"
    path.write_bytes(render_pdf(PAGE))
    return path


def test_render_returns_a_pdf(ticket_pdf):
    assert ticket_pdf.read_bytes().startswith(b"%PDF-")


def test_chinese_and_latin_text_are_extracted_exactly(ticket_pdf):
    text = poppler("pdftotext", "-enc", "UTF-8", str(ticket_pdf), "-")
    assert CHINESE in text
    assert LATIN in text
    assert "主讲人：王老师" in text


def test_text_is_set_in_the_embedded_noto_sans_sc_only(ticket_pdf):
    # pdftotext reads the text map, which is right even when the page shows empty boxes:
    # the fonts prove the glyphs came from our font (and not from a DejaVu fallback).
    lines = poppler("pdffonts", str(ticket_pdf)).splitlines()[2:]
    assert lines, "no font in the PDF"
    for line in lines:
        name, emb = line.split()[0], line.split()[-5]
        assert "NotoSansSC" in name.replace("-", ""), line
        assert emb == "yes", line
    assert any("Bold" in line for line in lines), "the <h1> should use the 700 face"


def test_first_page_is_not_blank(ticket_pdf, tmp_path):
    poppler("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(ticket_pdf), str(tmp_path / "page"))
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        assert dark > 200, f"only {dark} dark pixels: the text did not print"


def test_extra_stylesheets_apply(tmp_path):
    path = tmp_path / "styled.pdf"
    path.write_bytes(render_pdf("<p class=x>加粗</p>", stylesheets=[".x { font-weight: 700 }"]))
    fonts = poppler("pdffonts", str(path))
    assert "Bold" in fonts


def test_font_configuration_is_built_once_and_reused(monkeypatch):
    built = []

    class CountingFontConfiguration(FontConfiguration):
        def __init__(self):
            super().__init__()
            built.append(self)

    used = []
    real_render = weasyprint.HTML.render

    def spy(self, *args, **kwargs):
        used.append(kwargs["font_config"])
        return real_render(self, *args, **kwargs)

    monkeypatch.setattr(pdf, "FontConfiguration", CountingFontConfiguration)
    monkeypatch.setattr(pdf, "_cache", None)
    monkeypatch.setattr(weasyprint.HTML, "render", spy)

    threads = [threading.Thread(target=render_pdf, args=(PAGE,)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    render_pdf(PAGE)

    assert len(built) == 1
    assert len(used) == 4
    assert all(config is built[0] for config in used)


def test_pdf_response_headers_with_a_chinese_filename():
    response = pdf_response(b"%PDF-1.7 fake", "星海讲坛 第15期 入场券.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == b"%PDF-1.7 fake"

    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # a header must be sendable as it is
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E6%98%9F%E6%B5%B7%E8%AE%B2%E5%9D%9B%20%E7%AC%AC15" in disposition
    kind, options = parse_options_header(disposition)
    assert kind == "inline"
    assert options["filename"] == "星海讲坛 第15期 入场券.pdf"


@pytest.mark.parametrize(
    ("filename", "fallback"),
    [("入场券.pdf", "document.pdf"), ("ticket-15.pdf", "ticket-15.pdf"), ('a"b\r\nc.pdf', "abc.pdf")],
)
def test_pdf_response_ascii_fallback(filename, fallback):
    disposition = pdf_response(b"", filename).headers["Content-Disposition"]
    assert f'filename="{fallback}"' in disposition
    assert "\r" not in disposition and "\n" not in disposition

"""outreach.qr: every form of the code must decode to exactly what was put in, as a phone
camera at the door would read it (zxing-cpp)."""

from __future__ import annotations

import base64
import io
import subprocess
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image

from outreach.pdf import render_pdf
from outreach.qr import qr_data_uri, qr_png, qr_svg

TOKEN = "Xq3vK9mTz2Lw8Rb5Hn0Yc7Ud4Pe1Gf6Ja_Ks-Nt"  # the shape of a signed ticket token
TICKET_URL = "http://127.0.0.1:5000/t/" + TOKEN
SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> str:
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"found {len(results)} codes"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def open_png(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("L")


def test_token_is_realistic():
    assert len(TOKEN) == 39


def test_png_decodes_to_the_ticket_url():
    data = qr_png(TICKET_URL)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert decode(open_png(data)) == TICKET_URL


def test_png_decodes_after_shrinking_and_rotating():
    image = open_png(qr_png(TICKET_URL))
    small = image.resize((round(image.width * 0.4), round(image.height * 0.4)), Image.Resampling.BILINEAR)
    turned = small.rotate(90, expand=True)
    assert decode(turned) == TICKET_URL


def test_png_holds_a_120_character_token():
    long_url = "http://127.0.0.1:5000/t/" + ("Ab3-_x9Z" * 15)
    assert decode(open_png(qr_png(long_url))) == long_url


def test_png_box_size_and_border_set_the_pixel_size():
    small = open_png(qr_png("x", box_size=2, border=1))
    big = open_png(qr_png("x", box_size=10, border=4))
    # Version 1 is 21 modules wide.
    assert small.size == ((21 + 2 * 1) * 2,) * 2
    assert big.size == ((21 + 2 * 4) * 10,) * 2


def test_svg_is_a_scalable_svg_document():
    svg = qr_svg(TICKET_URL)
    root = ET.fromstring(svg)
    assert root.tag == SVG_NS + "svg"
    x, y, width, height = (float(n) for n in root.attrib["viewBox"].split())
    assert (x, y) == (0, 0) and width == height > 21
    assert root.find(SVG_NS + "path") is not None


def test_svg_decodes_after_printing_through_weasyprint(tmp_path):
    html = (
        '<!doctype html><html><head><meta charset="utf-8">'
        "<style>@page { size: A6; margin: 10mm } svg { width: 40mm; height: 40mm }</style></head>"
        f"<body><p>入场券</p>{qr_svg(TICKET_URL)}</body></html>"
    )
    path = tmp_path / "svg.pdf"
    path.write_bytes(render_pdf(html))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as page:
        assert decode(page.convert("L")) == TICKET_URL


def test_data_uri_is_the_png():
    uri = qr_data_uri(TICKET_URL)
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    data = base64.b64decode(uri.removeprefix(prefix), validate=True)
    assert decode(open_png(data)) == TICKET_URL


@pytest.mark.parametrize("text", ["入场券 第15期", "WIFI:S:Library;T:WPA;P:x;;"])
def test_any_text_round_trips(text):
    assert decode(open_png(qr_png(text))) == text

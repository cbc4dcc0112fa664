"""PDF documents (tickets, posters, certificates, the annual report) rendered with WeasyPrint.

Our machines have no Chinese font (only DejaVu), so WeasyPrint would print Chinese as empty
boxes. Every PDF is therefore rendered with the vendored Noto Sans SC (see
``static/vendor/noto-sans-sc-*/README.md``), declared in a base stylesheet that documents
can override but need not mention.

Loading a 2.5 MB font into Fontconfig costs far more than laying out a ticket, so the
``FontConfiguration`` and the base ``CSS`` are built once per process, on first use, and
reused by every render.
"""

from __future__ import annotations

import threading
import unicodedata
from urllib.parse import quote

from flask import Response
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from outreach.paths import STATIC

FONT_DIR = STATIC / "vendor" / "noto-sans-sc-5.3.0"
FONT_FAMILY = "Noto Sans SC"

#: Documents may load images, stylesheets and fonts from files and ``data:`` URLs only:
#: a PDF is rendered inside a request and must never wait on, or reach, the network.
ALLOWED_PROTOCOLS = frozenset({"file", "data"})

# Guards building the cache and every render: Pango/Fontconfig objects are not documented
# as thread-safe (WeasyPrint has crash reports from threaded servers), and a render is
# CPU-bound under the GIL, so serialising renders costs next to nothing.
_lock = threading.Lock()
_cache: tuple[FontConfiguration, CSS] | None = None


def _base_css_text() -> str:
    faces = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; font-style: normal;'
        f' src: url("{(FONT_DIR / filename).as_uri()}") format("truetype"); }}'
        for weight, filename in ((400, "NotoSansSC-Regular.ttf"), (700, "NotoSansSC-Bold.ttf"))
    )
    return f'{faces}\nbody {{ font-family: "{FONT_FAMILY}", sans-serif; }}\n'


def _fonts() -> tuple[FontConfiguration, CSS]:
    """The process-wide font configuration and base stylesheet; call with ``_lock`` held."""
    global _cache
    if _cache is None:
        font_config = FontConfiguration()
        base = CSS(string=_base_css_text(), font_config=font_config, url_fetcher=_url_fetcher())
        _cache = (font_config, base)
    return _cache


def _url_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS)


def render_pdf(html: str, *, base_url: str | None = None, stylesheets: list[str] | None = None) -> bytes:
    """Render an HTML document to PDF bytes, in Noto Sans SC unless the document says otherwise.

    ``base_url`` resolves the document's relative links (for files under ``static/``, pass
    ``STATIC.as_uri() + "/"``). ``stylesheets`` are extra CSS texts applied after
    the base stylesheet; like it, they are user style sheets, so the document's own
    ``<style>`` wins over them.
    """
    return render_pages([html], base_url=base_url, stylesheets=stylesheets)


def render_pages(
    parts, *, base_url: str | None = None, stylesheets: list[str] | None = None, progress=None
) -> bytes:
    """Render several HTML documents into one PDF, in order: for long documents (800 tickets)
    made in parts, so that ``progress(parts_done)`` can report after each part. The lock is
    taken per part, so other PDFs (a single ticket) are not kept waiting for the whole."""
    documents = []
    for done, html in enumerate(parts, start=1):
        with _lock:
            font_config, base = _fonts()
            fetcher = _url_fetcher()
            extra = [
                CSS(string=text, base_url=base_url, font_config=font_config, url_fetcher=fetcher)
                for text in stylesheets or ()
            ]
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            documents.append(document.render(stylesheets=[base, *extra], font_config=font_config))
        if progress is not None:
            progress(done)
    first = documents[0]
    with _lock:
        return first.copy([page for document in documents for page in document.pages]).write_pdf()


def pdf_response(pdf_bytes: bytes, filename: str) -> Response:
    """A response that shows the PDF in the browser and never leaves it in a cache.

    ``filename*`` (RFC 5987/6266) carries Chinese names such as ``入场券.pdf``; ``filename``
    is an ASCII fallback for old clients. ``no-store``: tickets and reports hold personal
    data, and a shared computer in the library must not keep them.
    """
    filename = "".join(c for c in filename if c.isprintable())  # a name typed with control characters
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    fallback = "".join(c for c in fallback if c.isprintable() and c not in '"\\')
    if not fallback.rsplit(".", 1)[0].strip():
        fallback = "document.pdf"
    disposition = f"inline; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(
        pdf_bytes,
        mimetype="application/pdf",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )

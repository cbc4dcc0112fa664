"""Cover images: a picture staff upload for an event or a series, checked, cleaned and resized
by Pillow, kept in the instance folder under an unguessable name; and the image a card shows
(the event's own, else its series', else the default drawing of its type).

Only JPEG, PNG and WebP are taken; metadata (EXIF with its GPS position, comments, colour
profiles) is dropped, the photo is turned upright as the camera recorded it, and it is kept in
``WIDTHS`` as WebP. The files are named ``<key>-<width>.webp``: a key is 22 random URL-safe
characters, so that a file's address cannot be guessed, and it never changes once written
(a new upload gets a new key), so that the files may be cached for a year.
"""

from __future__ import annotations

import re
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from outreach.errors import ValidationError
from outreach.paths import instance_folder

#: The widths kept, in pixels (a phone's card, and a wide screen or a shared link's preview).
WIDTHS = (480, 960)
#: The largest upload taken, in bytes, and in pixels (a decompression bomb is refused).
MAX_BYTES = 8 * 1024 * 1024
#: What a cover's request (a page's form or the API's upload) may carry: a picture well over
#: ``MAX_BYTES`` still arrives, so that it is refused with its message rather than a bare 413.
UPLOAD_REQUEST_MAX = 32 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: The formats taken, as Pillow names them.
FORMATS = ("JPEG", "PNG", "WEBP")
FOLDER = "covers"
KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")
#: The default drawings, one per event type, in static/img/covers/ (see ``DEFAULT_ALTS``): an
#: SVG for pages, and its PNG twin (960×540, rendered from it) for shared links' previews.
DEFAULT_FOLDER = "img/covers"

DEFAULT_ALTS = {
    "lecture": _l("Drawing: a lectern with a microphone"),
    "exhibition": _l("Drawing: framed pictures on a wall"),
    "competition": _l("Drawing: a trophy"),
    "activity": _l("Drawing: paper, scissors and pencils"),
    "visit": _l("Drawing: a signpost on a path"),
    "training": _l("Drawing: a laptop and a notebook"),
    "class": _l("Drawing: an open book"),
}

NOT_AN_IMAGE = _l("This file is not a picture: choose a JPEG, PNG or WebP image.")
TOO_LARGE = _l("This picture is too large: choose one under 8 MB and 40 megapixels.")


def folder() -> Path:
    return instance_folder(current_app.instance_path, FOLDER)


def file_name(key: str, width: int) -> str:
    return f"{key}-{width}.webp"


def process(data: bytes) -> dict[int, bytes]:
    """The WebP files (by width) of an uploaded picture; ``ValidationError`` on the field
    ``image`` when it is not a JPEG, PNG or WebP picture, or too large."""
    if len(data) > MAX_BYTES:
        raise ValidationError({"image": TOO_LARGE})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise ValidationError({"image": NOT_AN_IMAGE})
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError({"image": TOO_LARGE})
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()
                return _web_sizes(_pixels_only(ImageOps.exif_transpose(image)))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError({"image": TOO_LARGE}) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, TypeError, KeyError, IndexError) as error:
        # Not a picture, a cut-short or damaged one, or pixels Pillow cannot convert.
        raise ValidationError({"image": NOT_AN_IMAGE}) from error


def _web_sizes(clean: Image.Image) -> dict[int, bytes]:
    """``clean`` as WebP at each of ``WIDTHS`` (never enlarged), by width."""
    files = {}
    for width in WIDTHS:
        sized = clean
        if clean.width > width:
            sized = clean.resize((width, max(1, round(clean.height * width / clean.width))), Image.Resampling.LANCZOS)
        out = BytesIO()
        sized.save(out, "WEBP", quality=82, method=4)
        files[width] = out.getvalue()
    return files


def _pixels_only(image: Image.Image) -> Image.Image:
    """A copy of the pixels and nothing else: no EXIF (GPS), XMP, comments or ICC profile."""
    mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info) else "RGB"
    converted = image.convert(mode)
    clean = Image.new(mode, converted.size)
    clean.paste(converted)
    clean.info = {}
    return clean


def store(files: dict[int, bytes]) -> str:
    """Write the files ``process`` made; the key they are kept under."""
    key = secrets.token_urlsafe(16)
    where = folder()
    for width, content in files.items():
        target = where / file_name(key, width)
        partial = target.with_suffix(".part")
        partial.write_bytes(content)
        partial.replace(target)
    return key


def discard(key: str | None) -> None:
    """Delete a key's files (a replaced or removed cover); missing files are no matter."""
    if not key or not KEY.match(key):
        return
    for width in WIDTHS:
        (folder() / file_name(key, width)).unlink(missing_ok=True)


def stored_file(key: str, width: int) -> Path | None:
    """The file of ``key`` at ``width``, or None when there is no such file."""
    if not KEY.match(key) or width not in WIDTHS:
        return None
    path = folder() / file_name(key, width)
    return path if path.is_file() else None


@dataclass(frozen=True)
class Cover:
    """What a page shows: the image's address at each width (one for a drawing), its
    alternative text, and whose it is: "event", "series" or "default"."""

    urls: dict[int, str]
    alt: str
    source: str
    #: For a shared link's preview (og:image): a drawing's PNG twin, as chat apps show no SVG.
    share: str | None = None

    @property
    def url(self) -> str:
        """The smallest: for a card."""
        return self.urls[min(self.urls)]

    @property
    def large_url(self) -> str:
        return self.urls[max(self.urls)]

    @property
    def share_url(self) -> str:
        return self.share or self.large_url

    @property
    def srcset(self) -> str:
        return ", ".join(f"{url} {width}w" for width, url in sorted(self.urls.items())) if len(self.urls) > 1 else ""


def as_json(cover: Cover) -> dict:
    """The picture as the API gives it: the largest and every width, its alternative text, and
    whose it is (the event's, its series', or the default drawing of its type)."""
    return {
        "url": cover.large_url,
        "sizes": [{"width": width, "url": url} for width, url in sorted(cover.urls.items())],
        "alt": cover.alt,
        "source": cover.source,
    }


def read_upload(upload) -> bytes | None:
    """The bytes of an uploaded file (a form's or a multipart body's), at most one byte over
    ``MAX_BYTES`` so that a picture too large is refused without reading it all; None when no
    file was chosen."""
    if upload is None or not getattr(upload, "filename", ""):
        return None
    return upload.read(MAX_BYTES + 1)


def uploaded(owner, *, external: bool = False) -> Cover | None:
    """The cover staff uploaded for ``owner`` (an event or a series), if any."""
    if not owner.cover_key:
        return None
    urls = {
        width: url_for("events.cover_image", key=owner.cover_key, width=width, _external=external)
        for width in WIDTHS
    }
    return Cover(urls=urls, alt=owner.cover_alt or "", source=type(owner).__name__.lower())


def default_cover(event_type: str, *, external: bool = False) -> Cover:
    name = event_type if event_type in DEFAULT_ALTS else "activity"
    url = url_for("static", filename=f"{DEFAULT_FOLDER}/{name}.svg", _external=external)
    share = url_for("static", filename=f"{DEFAULT_FOLDER}/{name}.png", _external=external)
    return Cover(urls={WIDTHS[-1]: url}, alt=str(DEFAULT_ALTS[name]), source="default", share=share)


def cover_for(event, *, external: bool = False) -> Cover:
    """An event's cover: its own, else its series', else the default drawing of its type."""
    return (
        uploaded(event, external=external)
        or (uploaded(event.series, external=external) if event.series is not None else None)
        or default_cover(event.type, external=external)
    )

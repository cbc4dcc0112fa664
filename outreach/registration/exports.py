"""An event's registrations as a spreadsheet, with the filters of the staff list: CSV (UTF-8
with a byte-order mark, so that Excel on a Chinese Windows reads the Chinese) and XLSX
(openpyxl's write-only workbook); both read the rows a few hundred at a time. A cell that a
spreadsheet would run as a formula (a name typed as ``=HYPERLINK(…)``) is neutralised with a
leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import func, select

from outreach.events.labels import REGISTRATION_STATUS_LABELS
from outreach.events.models import Event
from outreach.extensions import db
from outreach.platform.services import record
from outreach.registration.listing import RegistrationFilter, each_registration, filtered
from outreach.registration.models import Registration
from outreach.timezone import local

BOM = "\ufeff"
#: A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text that cannot start a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def header() -> list[str]:
    return [_("No."), _("Name"), _("Phone"), _("E-mail"), _("People"), _("Status"), _("Registered at"),
            _("Checked in"), _("Answers")]


def _when(moment) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def row(registration: Registration) -> list:
    answers = " · ".join(str(value) for value in (registration.answers or {}).values())
    checked = "; ".join(_when(c.checked_in_at) for c in sorted(registration.checkins, key=lambda c: c.checked_in_at))
    return [
        registration.id, safe(registration.name), safe(registration.phone or ""), safe(registration.email or ""),
        registration.party_size, str(REGISTRATION_STATUS_LABELS[registration.status]),
        _when(registration.created_at), checked, safe(answers),
    ]


def filename(event: Event, extension: str) -> str:
    return f"registrations-{event.id}.{extension}"


def registrations_csv(event: Event, wanted: RegistrationFilter) -> Iterator[bytes]:
    """The CSV in pieces: the byte-order mark and header first, then a few hundred rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow(header())
    yield (BOM + buffer.getvalue()).encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    for n, registration in enumerate(each_registration(event, wanted), start=1):
        writer.writerow(row(registration))
        if n % 200 == 0:
            yield take()
    yield take()


def registrations_xlsx(event: Event, wanted: RegistrationFilter) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registrations")[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate((8, 20, 16, 24, 8, 12, 18, 18, 30)):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    cells = []
    for title in header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for registration in each_registration(event, wanted):
        sheet.append(row(registration))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def record_export(event: Event, wanted: RegistrationFilter | None, kind: str, *, actor) -> None:
    """Keep in the audit log who took the event's personal data away, how (``csv``, ``xlsx``,
    ``sign_in_sheet``) and how many rows; never the search itself (it may be a name)."""
    data: dict = {"format": kind}
    if wanted is not None:
        data["rows"] = db.session.scalar(select(func.count()).select_from(filtered(event, wanted).order_by(None).subquery()))
        data["searched"] = bool(wanted.text)
        data["status"] = wanted.status or None
    record("registration.export", event, actor=actor, data=data)

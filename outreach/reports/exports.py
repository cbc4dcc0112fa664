"""An attendance report as a spreadsheet: CSV (UTF-8 with a BOM, so that Excel reads the
Chinese; formula-safe) and XLSX (typed numbers, bold header, frozen panes, a totals row)."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from outreach.reports.services import GROUPING_LABELS, AttendanceReport

#: The figures, in the order of the contract's rows.
FIGURES = ("events", "attendance", "checked_in", "walk_ins", "registered", "no_shows")
#: A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """Text that cannot start a formula; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def header(report: AttendanceReport) -> list[str]:
    first = str(GROUPING_LABELS[report.group_by]) if report.group_by else _("Period")
    return [first, _("Key"), _("Events held"), _("Person-visits"), _("Checked in"), _("Walk-ins"), _("Registered"),
            _("No-shows"), _("Unique people")]


def table(report: AttendanceReport) -> list[list]:
    """The header, one line per row, and the totals line (the only one with unique people)."""
    lines = [header(report)]
    for row in report.rows:
        values = row.as_dict()
        lines.append([safe(row.label), safe(row.key), *(values[name] for name in FIGURES), None])
    totals = report.totals.as_dict()
    period = f"{report.query.start.isoformat()} – {report.query.end.isoformat()}"
    lines.append([_("Total") if report.rows else period, "total", *(totals[name] for name in FIGURES),
                  report.unique_people])
    return lines


def filename(report: AttendanceReport, extension: str) -> str:
    grouped = f"-by-{report.group_by}" if report.group_by else ""
    return f"attendance-{report.query.start.isoformat()}-{report.query.end.isoformat()}{grouped}.{extension}"


def attendance_csv(report: AttendanceReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for line in table(report):
        writer.writerow(["" if value is None else value for value in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def attendance_xlsx(report: AttendanceReport) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Attendance")[:31]
    lines = table(report)
    for line in lines:
        sheet.append(line)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
    for cell in sheet[len(lines)]:
        cell.font = bold
    sheet.freeze_panes = "B2"
    for index, column in enumerate(zip(*lines), start=1):
        longest = max(_width(value) for value in column)
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 8), 60)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _width(value) -> int:
    """Characters a column needs; a Chinese character is about two wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

"""The annual report as a PDF (A4, zh and en), and what the page and the PDF share: the
section titles, the way figures are written and the charts.

The page (``annual_routes``) and the PDF render the same ``reports/annual_body.html`` with the
same ``report_context``, so they cannot say different things. Chinese prints in the vendored
Noto Sans SC (``outreach.pdf``); the charts are inline SVG, which WeasyPrint draws.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import clock
from outreach.errors import ValidationError
from outreach.events.labels import BRANCH_KIND_LABELS
from outreach.i18n import LOCALE_NAMES, library_name
from outreach.pdf import render_pdf
from outreach.platform.exports import ExportKind, register
from outreach.reports import annual, charts
from outreach.reports.annual import AnnualReport
from outreach.timezone import local_date
from outreach.years import REPORT_YEARS, is_report_year

SECTION_TITLES = {
    "overview": _l("Reader activities and reading promotion"),
    "series": _l("Series and brand activities"),
    "competitions": _l("Competitions"),
    "exhibitions": _l("Exhibitions"),
    "trainings": _l("Training courses"),
    "volunteers": _l("Volunteer service"),
    "branches": _l("Branches and village reading rooms"),
    "statistics": _l("Statistics return"),
}


def number_writer(locale: str):
    """Figures as the report writes them: 73012 in Chinese (as the library's own report does),
    73,012 in English."""
    if locale == "en":
        return lambda value: format_decimal(value, locale="en")
    return lambda value: str(value)


def annual_charts(report: AnnualReport) -> dict[str, str]:
    """The report's charts as SVG text (the dashboard's charts: labelled, hatched bars, text as
    paths in Noto Sans SC), each with its own title and text alternative."""
    return {
        "by_type": charts.bar_chart(
            [(row.label, row.attendance) for row in report.by_type.rows],
            title=str(_l("Person-visits by type of activity")),
        ),
        "by_month": charts.bar_chart(
            [(row.label, row.attendance) for row in report.by_month.rows],
            title=str(_l("Person-visits by month")),
        ),
        "branches": charts.bar_chart(
            [(line.name, line.attendance) for line in report.branches],
            title=str(_l("Person-visits by branch")),
        ),
    }


def report_context(report: AnnualReport) -> dict:
    """What ``reports/annual_body.html`` needs besides the report; call in the report's locale."""
    return {
        "report": report,
        "num": number_writer(report.locale),
        "section_titles": {k: str(v) for k, v in SECTION_TITLES.items()},
        "branch_kinds": {k: str(v) for k, v in BRANCH_KIND_LABELS.items()},
        "charts": annual_charts(report),
        "language_name": LOCALE_NAMES[report.locale],
        "library": library_name(report.locale),
    }


def pdf_filename(year: int, locale: str) -> str:
    return f"{year}年度统计报告.pdf" if locale == "zh_Hans" else f"annual-report-{year}.pdf"


def annual_pdf(year: int, locale: str, progress=None) -> bytes:
    """The year's annual report as an A4 PDF in ``locale`` ("zh_Hans" or "en");
    ``progress(step)`` after its figures (1) and its page (2) (``ANNUAL_STEPS`` in all)."""
    with force_locale(locale):
        report = annual.annual_report(year, locale)
        if progress is not None:
            progress(1)
        html = render_template(
            "reports/annual_pdf.html", **report_context(report), locale=locale,
            printed_on=local_date(clock.now()), note_forms=None,
        )
        if progress is not None:
            progress(2)
    return render_pdf(html)


# --- the PDF made by the job worker (``outreach.platform.exports``) -----------------------------

#: The figures, the page, the PDF.
ANNUAL_STEPS = 3


def _report_year(params: dict) -> int:
    year = params.get("year")
    if not isinstance(year, int) or not is_report_year(year):
        raise ValidationError({"year": _l("Give a year from %(first)s to %(last)s.", first=REPORT_YEARS[0],
                                          last=REPORT_YEARS[1])})
    return year


def _count_annual(params: dict) -> int:
    _report_year(params)
    return ANNUAL_STEPS


register(ExportKind(
    name="annual_report",
    count=_count_annual,
    build=lambda export, progress: annual_pdf(_report_year(export.params), export.locale, progress),
    filename=lambda export: pdf_filename(export.params["year"], export.locale),
    title=lambda export: _("Annual report %(year)s", year=export.params["year"]),
    lead=lambda export: _("PDF in Chinese") if export.locale == "zh_Hans" else _("PDF in English"),
    progress_text=lambda done, total: _("%(done)s of %(total)s steps done", done=done, total=total),
    ready_text=lambda total: _("The annual report is ready."),
    failed_text=lambda: _("The annual report could not be made. Please try again."),
    back=lambda export: (url_for("annual_reports.annual", year=export.params["year"]), _("Back to the annual report")),
))

"""The annual report as a PDF (A4, zh and en), and what the page and the PDF share: the
section titles, the way figures are written and the charts.

The page (``annual_routes``) and the PDF render the same ``reports/annual_body.html`` with the
same ``report_context``, so they cannot say different things. Chinese prints in the vendored
Noto Sans SC (``outreach.pdf``); the charts are inline SVG, which WeasyPrint draws.
"""

from __future__ import annotations

from babel.numbers import format_decimal
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from outreach import clock
from outreach.events.labels import BRANCH_KIND_LABELS
from outreach.i18n import LOCALE_NAMES, library_name
from outreach.pdf import render_pdf
from outreach.reports import annual, charts
from outreach.reports.annual import AnnualReport
from outreach.timezone import local_date

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


def annual_pdf(year: int, locale: str) -> bytes:
    """The year's annual report as an A4 PDF in ``locale`` ("zh_Hans" or "en")."""
    with force_locale(locale):
        report = annual.annual_report(year, locale)
        html = render_template(
            "reports/annual_pdf.html", **report_context(report), locale=locale,
            printed_on=local_date(clock.now()), note_forms=None,
        )
    return render_pdf(html)

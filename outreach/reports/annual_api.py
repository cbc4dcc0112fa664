"""The annual report, its PDF and closing a year in the JSON API."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.i18n import LOCALES, current_locale
from outreach.pdf import pdf_response
from outreach.platform import closing
from outreach.reports import annual, documents
from outreach.years import REPORT_YEARS, parse_year

bp = Blueprint("reports_annual_api", __name__)

def read_year(value) -> int:
    """A year the reports know (this year when absent); 422 with ``fields`` otherwise."""
    return parse_year(value, bounds=REPORT_YEARS)


def read_lang(value) -> str:
    if value in (None, ""):
        return current_locale()
    if value not in LOCALES:
        raise ValidationError({"lang": _l("Choose one of: %(choices)s.", choices=", ".join(LOCALES))})
    return value


@bp.get("/reports/annual")
@role_required("staff")
def annual_report():
    year = read_year(request.args.get("year"))
    return jsonify(annual.annual_report(year, current_locale()).as_dict())


@bp.get("/reports/annual.pdf")
@role_required("staff")
def annual_pdf():
    year = read_year(request.args.get("year"))
    locale = read_lang(request.args.get("lang"))
    return pdf_response(documents.annual_pdf(year, locale), documents.pdf_filename(year, locale))


@bp.post("/reports/years/<year>/close")
@role_required("admin")
def close_year(year: str):
    number = read_year(year)
    closing.close_year(number, current_user)
    db.session.commit()
    return jsonify({"year": number, "closed": True})

"""The annual report, its PDF and closing a year in the JSON API."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.errors import ValidationError
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.pdf import pdf_response
from outreach.reports import annual, closing, documents
from outreach.timezone import local_date

bp = Blueprint("reports_annual_api", __name__)

YEARS = (1900, 2100)


def read_year(value, field: str = "year", *, default_this_year: bool = True) -> int:
    """A year from 1900 to 2100 (this year when absent); 422 with ``fields`` otherwise."""
    if value in (None, "") and default_this_year:
        return local_date(clock.now()).year
    try:
        year = int(str(value))
    except ValueError:
        year = None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        raise ValidationError({field: _l("Give a year from %(min)d to %(max)d.", min=YEARS[0], max=YEARS[1])})
    return year


def read_lang(value) -> str:
    if value in (None, ""):
        return "en" if current_locale().startswith("en") else "zh_Hans"
    if value not in annual.LOCALES:
        raise ValidationError({"lang": _l("Choose one of: %(choices)s.", choices=", ".join(annual.LOCALES))})
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
    number = read_year(year, default_this_year=False)
    closing.close_year(number, current_user)
    db.session.commit()
    return jsonify({"year": number, "closed": True})

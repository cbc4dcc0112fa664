"""The annual report, its PDF and closing a year in the JSON API."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.api.helpers import iso, json_body, read_int, read_str
from outreach.errors import OutreachError, ValidationError
from outreach.extensions import db
from outreach.i18n import LOCALES, current_locale
from outreach.pdf import pdf_response
from outreach.platform import closing, exports
from outreach.platform.models import ExportJob
from outreach.reports import annual, documents
from outreach.years import REPORT_YEARS, parse_year, this_year

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


# --- the PDF made by the job worker -----------------------------------------------------------


def _annual_export(export_id: int) -> ExportJob:
    export = db.session.get(ExportJob, export_id)
    if export is None or export.kind != "annual_report":
        abort(404)
    return export


def _export_json(export: ExportJob) -> dict:
    """An export of the report: ``status`` (``expired`` once its file is gone or due to go),
    progress, and ``file`` (where to fetch it) once it is made."""
    ready = export.status == "done" and not exports.is_expired(export)
    return {
        "id": export.id, "year": export.params["year"], "lang": export.locale,
        "status": "expired" if exports.is_expired(export) else export.status, "done": export.done,
        "total": export.total, "created_at": iso(export.created_at),
        "expires_at": iso(export.expires_at) if ready else None,
        "file": url_for(".annual_export_file", export_id=export.id) if ready else None,
    }


@bp.post("/reports/annual/exports")
@role_required("staff")
def start_annual_export():
    """Start the annual report's PDF in the job worker (or answer the same one on its way): 202
    with the export, whose ``Location`` is polled until its ``file`` is there."""
    data = json_body()
    errors: dict = {}
    year = read_int(data, "year", errors, minimum=REPORT_YEARS[0], maximum=REPORT_YEARS[1])
    lang = read_str(data, "lang", errors, max_length=16)
    if lang is not None and lang not in LOCALES:
        errors["lang"] = _l("Choose one of: %(choices)s.", choices=", ".join(LOCALES))
    if errors:
        raise ValidationError(errors)
    export = exports.launch("annual_report", {"year": year or this_year()}, actor=current_user,
                            locale=lang or current_locale(), base_url=request.host_url)
    response = jsonify(_export_json(export))
    response.status_code = 202
    response.headers["Location"] = url_for(".annual_export", export_id=export.id)
    return response


@bp.get("/reports/annual/exports/<int:export_id>")
@role_required("staff")
def annual_export(export_id: int):
    export = _annual_export(export_id)
    exports.check_stale(export)
    db.session.commit()
    return jsonify(_export_json(export))


@bp.get("/reports/annual/exports/<int:export_id>/file")
@role_required("staff")
def annual_export_file(export_id: int):
    """The made PDF (its first fetch starts the hour after which it is removed); 409 while it is
    being made, after it failed, or once it is no longer kept."""
    export = _annual_export(export_id)
    if exports.is_expired(export):
        raise OutreachError("export_expired", _l("This file is no longer kept: make it again."))
    path = exports.file_of(export)
    if path is None:
        if export.status == "failed":
            raise OutreachError("export_failed", _l("The annual report could not be made. Please try again."))
        raise OutreachError("export_not_ready", _l("The file is still being made."))
    return exports.download(export, path)


@bp.post("/reports/years/<year>/close")
@role_required("admin")
def close_year(year: str):
    number = read_year(year)
    closing.close_year(number, current_user)
    db.session.commit()
    return jsonify({"year": number, "closed": True})

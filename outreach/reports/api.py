"""Attendance totals in the JSON API, and the same rows as CSV and XLSX."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.errors import ValidationError
from outreach.reports import exports, services
from outreach.reports.query import read_report_args
from outreach.timezone import local_date

bp = Blueprint("reports_api", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report() -> services.AttendanceReport:
    query, group_by, errors = read_report_args(request.args, today=local_date(clock.now()))
    if errors:
        raise ValidationError(errors)
    return services.attendance_report(query, group_by)


@bp.get("/reports/attendance")
@role_required("staff")
def attendance():
    return jsonify(_report().as_dict())


@bp.get("/reports/attendance.csv")
@role_required("staff")
def attendance_csv():
    report = _report()
    return _download(exports.attendance_csv(report), "text/csv; charset=utf-8", exports.filename(report, "csv"))


@bp.get("/reports/attendance.xlsx")
@role_required("staff")
def attendance_xlsx():
    report = _report()
    return _download(exports.attendance_xlsx(report), XLSX, exports.filename(report, "xlsx"))


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The page of an export (its progress, then its download, or why there is none), its file and
making it again: the same pages for every kind (``outreach.platform.exports``). Staff only:
any member of staff may see and download any export."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.errors import OutreachError
from outreach.extensions import db
from outreach.forms import ActionForm
from outreach.platform import exports
from outreach.platform.models import ExportJob
from outreach.views import see_other

bp = Blueprint("exports", __name__, url_prefix="/staff/exports")


def export_or_404(export_id: int) -> ExportJob:
    export = db.session.get(ExportJob, export_id)
    if export is None or export.kind not in exports.KINDS:
        abort(404)
    return export


def status_page(export: ExportJob, *, download_url: str, again_url: str, error: str | None = None, status=200):
    """The export's page: progress that reloads itself every two seconds while it is made
    (no JavaScript needed), then the download; or that it failed, or expired (with a button
    to make it again)."""
    exports.check_stale(export)
    db.session.commit()
    return render_template(
        "exports/status.html", export=export, kind=exports.kind_of(export), download_url=download_url,
        again_url=again_url, expired=exports.is_expired(export), again_form=ActionForm(), error=error,
        progress_url=url_for("exports.progress", export_id=export.id),
    ), status


def download_or_page(export: ExportJob, page_endpoint: str, **values):
    """The file (staff only), or 404 while it is not made; an expired one sends to its page,
    which says so."""
    if exports.is_expired(export):
        return see_other(page_endpoint, **values)
    path = exports.file_of(export)
    if path is None:
        abort(404)
    return exports.download(export, path)


def make_again(export: ExportJob, page_endpoint: str, values_of):
    """The button of an expired or failed export: the same export made anew (or the one already
    on its way); its page. A refusal (the event has ended) is said on the old page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        fresh = exports.again(export, actor=current_user, base_url=request.host_url)
    except OutreachError as error:
        db.session.rollback()
        return None, str(error.message)
    return see_other(page_endpoint, **values_of(fresh)), None


@bp.get("/<int:export_id>")
@role_required("staff")
def show(export_id: int):
    export = export_or_404(export_id)
    return status_page(
        export, download_url=url_for("exports.download", export_id=export.id),
        again_url=url_for("exports.make", export_id=export.id),
    )


@bp.get("/<int:export_id>/progress.json")
@role_required("staff")
def progress(export_id: int):
    """How far it has got, for the page's script (static/js/export-progress.js), which shows
    it in place and reloads the page once it is made: ``status``, ``done``, ``total`` and the
    progress sentence in the reader's language."""
    export = export_or_404(export_id)
    exports.check_stale(export)
    db.session.commit()
    response = jsonify({
        "status": "expired" if exports.is_expired(export) else export.status, "done": export.done,
        "total": export.total, "label": exports.kind_of(export).progress_text(export.done, export.total),
    })
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:export_id>/download")
@role_required("staff")
def download(export_id: int):
    export = export_or_404(export_id)
    return download_or_page(export, "exports.show", export_id=export.id)


@bp.post("/<int:export_id>/again")
@role_required("staff")
def make(export_id: int):
    export = export_or_404(export_id)
    answer, error = make_again(export, "exports.show", lambda fresh: {"export_id": fresh.id})
    if answer is not None:
        return answer
    return status_page(
        export, download_url=url_for("exports.download", export_id=export.id),
        again_url=url_for("exports.make", export_id=export.id), error=error, status=409,
    )

"""The annual report page (staff), its notes, closing a year and the reports' settings (admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach.accounts.permissions import role_required
from outreach.events.models import EVENT_TYPES
from outreach.extensions import db
from outreach.forms import ActionForm
from outreach.i18n import LOCALES, current_locale
from outreach.platform import closing, exports
from outreach.platform.services import record
from outreach.reports import annual, documents, settings
from outreach.reports.forms import CloseYearForm, NoteForm, settings_form
from outreach.views import attempt, flash_outcome, refused, see_other
from outreach.years import is_report_year, this_year

bp = Blueprint("annual_reports", __name__, url_prefix="/reports")


def _year_or_404(year: int) -> int:
    if not is_report_year(year):
        abort(404)
    return year


@bp.get("/annual")
@role_required("staff")
def current_year():
    return redirect(url_for("annual_reports.annual", year=this_year(), **request.args), code=302)


@bp.get("/annual/<int:year>", endpoint="annual")
@role_required("staff")
def show(year: int):
    report = annual.annual_report(_year_or_404(year), current_locale())
    note_forms = {section: NoteForm(formdata=None) for section in annual.SECTIONS}
    return render_template(
        "reports/annual.html", **documents.report_context(report), note_forms=note_forms,
        close_form=CloseYearForm(formdata=None), is_admin=current_user.role == "admin", print_form=ActionForm(),
    )


@bp.post("/annual/<int:year>/pdf")
@role_required("staff")
def print_pdf(year: int):
    """The button of a language: the report's PDF is made by the job worker; its page shows
    the progress, then the download. (The JSON API's ``annual.pdf`` still answers the file.)"""
    _year_or_404(year)
    locale = request.form.get("locale")
    if not ActionForm().validate_on_submit() or locale not in LOCALES:
        abort(400)
    export = exports.launch("annual_report", {"year": year}, actor=current_user, locale=locale,
                            base_url=request.host_url)
    return see_other("exports.show", export_id=export.id)


@bp.post("/annual/<int:year>/notes/<section>")
@role_required("staff")
def save_note(year: int, section: str):
    _year_or_404(year)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(_("The text could not be saved: at most 2,000 characters."), "error")
    else:
        flash_outcome(lambda: annual.save_note(year, section, form.locale.data, form.text.data, actor=current_user),
                      lambda _note: _("The text is saved."))
    return see_other("annual_reports.annual", year=year, lang=request.args.get("lang"), _anchor=f"{section}-heading")


@bp.post("/annual/<int:year>/close")
@role_required("admin")
def close(year: int):
    _year_or_404(year)
    form = CloseYearForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the year is to be closed."), "error")
        return see_other("annual_reports.annual", year=year, lang=request.args.get("lang"), _anchor="close-heading")
    closed = closing.close_year(year, current_user)
    if (form.reason.data or "").strip():
        record("year.close.note", closed, actor=current_user, data={"year": year, "reason": form.reason.data.strip()})
    db.session.commit()
    flash(_("The year %(year)d is closed.", year=year), "success")
    return see_other("annual_reports.annual", year=year, lang=request.args.get("lang"))


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def report_settings():
    mapping, months = settings.return_mapping(), settings.retention_months()
    form = settings_form(mapping, months, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        saved = attempt(form, lambda: settings.save_settings(
            {t: form[f"type_{t}"].data or [] for t in EVENT_TYPES}, form.retention_months.data, actor=current_user
        ), mapping=lambda key: key.replace("mapping-", "type_", 1))
        if not refused(saved):
            flash(_("The settings are saved."), "success")
            return see_other("annual_reports.report_settings")
    return render_template("reports/settings.html", form=form, event_types=EVENT_TYPES), (
        422 if request.method == "POST" else 200
    )

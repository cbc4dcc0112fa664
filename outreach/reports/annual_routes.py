"""The annual report page (staff), its notes, closing a year and the reports' settings (admin)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from outreach import clock
from outreach.accounts.permissions import role_required
from outreach.errors import OutreachError
from outreach.events.models import EVENT_TYPES
from outreach.extensions import db
from outreach.i18n import current_locale
from outreach.platform.services import record
from outreach.reports import annual, closing, documents, settings
from outreach.reports.forms import CloseYearForm, NoteForm, settings_form
from outreach.timezone import local_date

bp = Blueprint("annual_reports", __name__, url_prefix="/reports")


def _report_locale() -> str:
    return "en" if current_locale().startswith("en") else "zh_Hans"


def _year_or_404(year: int) -> int:
    if not 1900 <= year <= 2100:
        abort(404)
    return year


@bp.get("/annual")
@role_required("staff")
def this_year():
    return redirect(url_for("annual_reports.annual", year=local_date(clock.now()).year, **request.args), code=302)


@bp.get("/annual/<int:year>", endpoint="annual")
@role_required("staff")
def show(year: int):
    report = annual.annual_report(_year_or_404(year), _report_locale())
    note_forms = {section: NoteForm(formdata=None) for section in annual.SECTIONS}
    return render_template(
        "reports/annual.html", **documents.report_context(report), note_forms=note_forms,
        close_form=CloseYearForm(formdata=None), is_admin=current_user.role == "admin",
    )


@bp.post("/annual/<int:year>/notes/<section>")
@role_required("staff")
def save_note(year: int, section: str):
    _year_or_404(year)
    form = NoteForm()
    back = url_for("annual_reports.annual", year=year, lang=request.args.get("lang"), _anchor=f"{section}-heading")
    if not form.validate_on_submit():
        flash(_("The text could not be saved: at most 2,000 characters."), "error")
        return redirect(back, code=303)
    try:
        annual.save_note(year, section, form.locale.data, form.text.data, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        flash(str(error.message) if not error.fields else " ".join(str(m) for m in error.fields.values()), "error")
    else:
        db.session.commit()
        flash(_("The text is saved."), "success")
    return redirect(back, code=303)


@bp.post("/annual/<int:year>/close")
@role_required("admin")
def close(year: int):
    _year_or_404(year)
    form = CloseYearForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that the year is to be closed."), "error")
        return redirect(url_for("annual_reports.annual", year=year, lang=request.args.get("lang"), _anchor="close-heading"), code=303)
    closed = closing.close_year(year, current_user)
    if (form.reason.data or "").strip():
        record("year.close.note", closed, actor=current_user, data={"year": year, "reason": form.reason.data.strip()})
    db.session.commit()
    flash(_("The year %(year)d is closed.", year=year), "success")
    return redirect(url_for("annual_reports.annual", year=year, lang=request.args.get("lang")), code=303)


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def report_settings():
    mapping, months = settings.return_mapping(), settings.retention_months()
    form = settings_form(mapping, months, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            settings.save_settings(
                {t: form[f"type_{t}"].data or [] for t in EVENT_TYPES}, form.retention_months.data, actor=current_user
            )
        except OutreachError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("The settings are saved."), "success")
            return redirect(url_for("annual_reports.report_settings"), code=303)
    return render_template("reports/settings.html", form=form, event_types=EVENT_TYPES), (
        422 if request.method == "POST" else 200
    )

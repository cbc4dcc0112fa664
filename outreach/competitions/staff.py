"""Staff pages of competitions: rubric, judges, rounds and sittings, scores, advancement, awards.

Thin views: the rules (weights, ranges, room clashes, ranking, who advances) are in
``services``; each POST commits once, and a broken rule comes back as a translated message
beside the field it is about (422), or above the form when it concerns no field.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from flask import Blueprint, abort, flash, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from outreach.accounts.permissions import role_required
from outreach.competitions import documents, services
from outreach.competitions.forms import (
    SCORES_PER_PAGE,
    AdvanceForm,
    CompetitionForm,
    JudgeForm,
    RoundForm,
    RubricForm,
    ScoreFilterForm,
    ScoreSheetForm,
    SittingForm,
    attach_row_errors,
)
from outreach.competitions.models import Competition, Judge, Round, Score
from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.places.models import Venue
from outreach.events.services import list_venues
from outreach.extensions import db
from outreach.forms import ActionForm
from outreach.i18n import current_locale, sentences
from outreach.paging import page_of
from outreach.pdf import pdf_response
from outreach.platform import mail
from outreach.registration.models import Registration
from outreach.views import attempt, flash_outcome, refused, see_other
from outreach.years import whole_number

bp = Blueprint("competitions_staff", __name__, url_prefix="/staff/competitions")

#: Competitions on a page of the staff's list.
PER_PAGE = 50

#: Returned by ``_attempt`` when the service refused (its result may itself be None).


@bp.context_processor
def helpers():
    return {**documents.template_helpers(), "sitting_label": sitting_label}


def sitting_label(sitting: Event, locale: str) -> str:
    """A sitting as a choice reads: where and when (a round sits at several schools)."""
    return f"{sitting.venue.display_name(locale)} · {format_datetime(sitting.starts_at, 'short')}"


def _attempt(form, action: Callable[[], object], *, rows=None):
    """``attempt``, with the messages about the rows of ``rows`` (a FieldList and the form row
    of each item sent) placed beside those rows."""
    if rows is None:
        return attempt(form, action)
    row_list, positions = rows

    def take_rows(fields: dict) -> dict:
        mine = {key: fields.pop(key) for key in list(fields) if key.startswith(row_list.short_name + "-")}
        form.form_errors.extend(attach_row_errors(row_list, mine, positions))
        return fields

    return attempt(form, action, take=take_rows)


# --- competitions -------------------------------------------------------------------------------


@bp.get("/")
@role_required("staff")
def index():
    found = page_of(services.competitions_query(public=False), request.args.get("page"), PER_PAGE)
    return render_template("competitions/staff/index.html", competitions=found.items, pagination=found)


@bp.route("/new", methods=["GET", "POST"])
@role_required("staff")
def new():
    form = CompetitionForm()
    if form.validate_on_submit():
        competition = _attempt(form, lambda: services.create_competition(actor=current_user, **form.details()))
        if not refused(competition):
            flash(_("The competition “%(title)s” is saved.", title=competition.display_title(current_locale())), "success")
            return see_other("competitions_staff.hub", competition_id=competition.id)
    status = 422 if request.method == "POST" else 200
    return render_template("competitions/staff/new.html", form=form), status


def _rubric_data(competition: Competition) -> dict:
    return {"criteria": [
        {"name": c.name, "name_en": c.name_en, "weight": c.weight, "max_score": c.max_score}
        for c in competition.criteria
    ]}


def _hub(competition: Competition, *, status: int = 200, details_form=None, rubric_form=None, judge_form=None,
         round_form=None, sitting_form=None):
    """The competition's page, with the forms given (re-shown with their errors) or blank ones."""
    locale = current_locale()
    if details_form is None:
        details_form = CompetitionForm(formdata=None, obj=competition, prefix="details")
    if sitting_form is None:
        sitting_form = SittingForm(formdata=None, prefix="sitting")
        if competition.rounds:
            sitting_form.round_id.data = competition.rounds[-1].id
    sitting_form.set_choices(competition.rounds, list_venues(), locale)
    sittings = [sitting for round_ in competition.rounds for sitting in round_.sittings]
    return render_template(
        "competitions/staff/hub.html", competition=competition,
        details_form=details_form,
        rubric_form=rubric_form or RubricForm(formdata=None, data=_rubric_data(competition)),
        judge_form=judge_form or JudgeForm(formdata=None, prefix="judge"),
        round_form=round_form or RoundForm(formdata=None, prefix="round"),
        sitting_form=sitting_form, action_form=ActionForm(),
        contestant_counts=_contestant_counts([s.id for s in sittings]),
    ), status


def _contestant_counts(sitting_ids: list[int]) -> Counter:
    """Confirmed contestants of each sitting, counted in the database."""
    if not sitting_ids:
        return Counter()
    rows = db.session.execute(
        select(Registration.event_id, func.count(Registration.id))
        .where(Registration.event_id.in_(sitting_ids), Registration.status == "confirmed")
        .group_by(Registration.event_id)
    )
    return Counter(dict(rows.all()))


@bp.get("/<int:competition_id>")
@role_required("staff")
def hub(competition_id: int):
    return _hub(db.get_or_404(Competition, competition_id))


@bp.post("/<int:competition_id>/details")
@role_required("staff")
def update(competition_id: int):
    competition = db.get_or_404(Competition, competition_id)
    form = CompetitionForm(prefix="details")
    if form.validate_on_submit():
        saved = _attempt(form, lambda: services.update_competition(competition, actor=current_user, **form.details()))
        if not refused(saved):
            flash(_("The competition “%(title)s” is saved.", title=competition.display_title(current_locale())), "success")
            return see_other("competitions_staff.hub", competition_id=competition.id)
    return _hub(competition, status=422, details_form=form)


@bp.post("/<int:competition_id>/rubric")
@role_required("staff")
def rubric(competition_id: int):
    competition = db.get_or_404(Competition, competition_id)
    form = RubricForm()
    if form.validate_on_submit():
        criteria, positions = form.filled()
        saved = _attempt(
            form, lambda: services.set_criteria(competition, criteria, actor=current_user),
            rows=(form.criteria, positions),
        )
        if not refused(saved):
            flash(_("The rubric is saved."), "success")
            return see_other("competitions_staff.hub", competition_id=competition.id)
    return _hub(competition, status=422, rubric_form=form)


@bp.post("/<int:competition_id>/judges")
@role_required("staff")
def add_judge(competition_id: int):
    competition = db.get_or_404(Competition, competition_id)
    form = JudgeForm(prefix="judge")
    if form.validate_on_submit():
        judge = _attempt(form, lambda: services.add_judge(
            competition, name=form.name.data, affiliation=form.affiliation.data or None, actor=current_user,
        ))
        if not refused(judge):
            flash(_("%(name)s is added to the judges.", name=judge.name), "success")
            return see_other("competitions_staff.hub", competition_id=competition.id)
    return _hub(competition, status=422, judge_form=form)


@bp.post("/judges/<int:judge_id>/remove")
@role_required("staff")
def remove_judge(judge_id: int):
    judge = db.get_or_404(Judge, judge_id)
    competition_id = judge.competition_id
    if not ActionForm().validate_on_submit():
        abort(400)
    name = judge.name
    flash_outcome(lambda: services.remove_judge(judge, actor=current_user),
                  lambda _removed: _("%(name)s is no longer a judge.", name=name))
    return see_other("competitions_staff.hub", competition_id=competition_id)


@bp.post("/<int:competition_id>/rounds")
@role_required("staff")
def add_round(competition_id: int):
    competition = db.get_or_404(Competition, competition_id)
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        values, positions = form.details()
        round_ = _attempt(
            form, lambda: services.add_round(competition, actor=current_user, **values), rows=(form.awards, positions),
        )
        if not refused(round_):
            flash(_("The round “%(name)s” is added.", name=round_.display_name(current_locale())), "success")
            return see_other("competitions_staff.hub", competition_id=competition.id)
    return _hub(competition, status=422, round_form=form)


@bp.post("/<int:competition_id>/sittings")
@role_required("staff")
def add_sitting(competition_id: int):
    """A sitting of one of the rounds; a room taken at that time is refused beside the venue
    until staff give a reason to book it anyway."""
    competition = db.get_or_404(Competition, competition_id)
    form = SittingForm(prefix="sitting")
    form.set_choices(competition.rounds, list_venues(), current_locale())
    if form.validate_on_submit():
        round_ = next((r for r in competition.rounds if r.id == form.round_id.data), None)
        venue = db.session.get(Venue, form.venue_id.data)
        if round_ is None:
            form.round_id.errors = [_("Choose a round.")]
        elif venue is None:
            form.venue_id.errors = [_("Choose a venue.")]
        else:
            sitting = _attempt(form, lambda: services.add_sitting(
                round_, venue=venue, capacity=form.capacity.data, status=form.status.data, actor=current_user,
                **form.schedule(),
            ))
            if not refused(sitting):
                flash(_("The sitting at %(place)s is added.", place=sitting_label(sitting, current_locale())), "success")
                return see_other("competitions_staff.hub", competition_id=competition.id)
    return _hub(competition, status=422, sitting_form=form)


# --- a round: scores, results, advancement -----------------------------------------------------------


def _complete_sheets(found: list[services.Result]) -> Counter:
    """For each judge, how many contestants of the round they have scored on every criterion
    (a judge has a total for a contestant only then)."""
    return Counter(judge_id for result in found for judge_id in result.judge_totals)


def _round_page(round_: Round, *, status: int = 200, round_form=None, advance_form=None):
    locale = current_locale()
    following = services.next_round(round_)
    if advance_form is None:
        advance_form = AdvanceForm(formdata=None)
    advance_form.set_choices(following.sittings if following else [], locale, sitting_label)
    found = services.results(round_)  # every contestant, once: counts and sheets are read from it
    return render_template(
        "competitions/staff/round.html", round=round_, competition=round_.competition, next_round=following,
        contestant_total=len(found), counts=Counter(result.registration.event_id for result in found),
        sheets=_complete_sheets(found), results=found,
        round_form=round_form or RoundForm(formdata=None, prefix="round", data=_round_data(round_)),
        advance_form=advance_form, action_form=ActionForm(),
    ), status


def _round_data(round_: Round) -> dict:
    return {
        "name": round_.name, "name_en": round_.name_en, "advance_mode": round_.advance_mode or "",
        # 3.00 as 3 and 85.50 as 85.5, as staff typed them (not 1E+2 for 100).
        "advance_value": None if round_.advance_value is None else Decimal(services.plain(round_.advance_value)),
        "awards": list(round_.awards or []),
    }


@bp.get("/rounds/<int:round_id>")
@role_required("staff")
def round_page(round_id: int):
    return _round_page(db.get_or_404(Round, round_id))


@bp.post("/rounds/<int:round_id>/edit")
@role_required("staff")
def edit_round(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        values, positions = form.details()
        saved = _attempt(
            form, lambda: services.update_round(round_, actor=current_user, **values), rows=(form.awards, positions),
        )
        if not refused(saved):
            flash(_("The round “%(name)s” is saved.", name=round_.display_name(current_locale())), "success")
            return see_other("competitions_staff.round_page", round_id=round_.id)
    return _round_page(round_, status=422, round_form=form)


@bp.post("/rounds/<int:round_id>/advance")
@role_required("staff")
def advance(round_id: int):
    """Register the contestants who advance in the chosen sitting of the next round."""
    round_ = db.get_or_404(Round, round_id)
    following = services.next_round(round_)
    form = AdvanceForm()
    if form.validate_on_submit():
        # Which round the sitting belongs to is the service's rule; here it need only exist.
        sitting = db.session.get(Event, form.sitting_id.data) if form.sitting_id.data else None
        if sitting is None and following is not None:
            form.sitting_id.errors = [_("Choose a sitting of the next round.")]
        else:
            advanced = _attempt(form, lambda: services.advance(round_, sitting=sitting, actor=current_user))
            if not refused(advanced):
                advances = ngettext(
                    "%(num)s contestant advances and is registered in the next round.",
                    "%(num)s contestants advance and are registered in the next round.",
                    len(advanced),
                )
                flash(sentences(advances, mail.report(db.session)), "success")
                return see_other("competitions_staff.round_page", round_id=round_.id)
    return _round_page(round_, status=422, advance_form=form)


def _publishing(round_id: int, publish: bool):
    round_ = db.get_or_404(Round, round_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    change = services.publish_results if publish else services.unpublish_results
    flash_outcome(
        lambda: change(round_, actor=current_user),
        lambda _round: _("The results are published.") if publish else _("The results are withdrawn from the public page."),
    )
    return see_other("competitions_staff.round_page", round_id=round_.id)


@bp.post("/rounds/<int:round_id>/publish")
@role_required("staff")
def publish(round_id: int):
    return _publishing(round_id, True)


@bp.post("/rounds/<int:round_id>/unpublish")
@role_required("staff")
def unpublish(round_id: int):
    return _publishing(round_id, False)


# --- a judge's score sheet ------------------------------------------------------------------------------


def _judge_of(round_: Round, judge_id: int) -> Judge:
    judge = db.session.get(Judge, judge_id)
    if judge is None or judge.competition_id != round_.competition_id:
        abort(404)
    return judge


def _page_number() -> int:
    return whole_number(request.args.get("page"), minimum=1, maximum=99_999) or 1


def _sheet_page(round_: Round, sitting_id: int | None) -> tuple[list[Registration], int, int, int]:
    """The contestants on the asked page of a score sheet (of one sitting, or all), with the
    page number (kept in range), the number of pages and the number of contestants."""
    everyone = services.contestants(round_)
    if sitting_id:
        everyone = [r for r in everyone if r.event_id == sitting_id]
    pages = max(1, -(-len(everyone) // SCORES_PER_PAGE))
    page = min(_page_number(), pages)
    return everyone[(page - 1) * SCORES_PER_PAGE: page * SCORES_PER_PAGE], page, pages, len(everyone)


def _stored_scores(judge: Judge, shown: list[Registration]) -> dict[tuple[int, int], Decimal]:
    if not shown:
        return {}
    found = db.session.scalars(
        select(Score).where(Score.judge_id == judge.id, Score.registration_id.in_([r.id for r in shown]))
    )
    return {(score.registration_id, score.criterion_id): score.score for score in found}


def _save_scores(round_: Round, judge: Judge, form: ScoreSheetForm) -> tuple[int | None, dict, dict, int]:
    """Read the sheet and save it: (scores changed or None, messages by input, text typed by
    input, status). Nothing is saved unless every input is right."""
    entered, errors, typed = ScoreSheetForm.read(request.form, {c.id for c in round_.competition.criteria})
    if errors:
        return None, errors, typed, 422
    try:
        changed = services.enter_scores(round_, judge, entered, actor=current_user)
    except OutreachError as error:
        db.session.rollback()
        if not isinstance(error, ValidationError):
            form.form_errors.append(str(error.message))
        return None, {key: str(message) for key, message in (error.fields or {}).items()}, typed, error.status
    db.session.commit()
    return changed, {}, typed, 200


@bp.route("/rounds/<int:round_id>/judges/<int:judge_id>/scores", methods=["GET", "POST"])
@role_required("staff")
def scores(round_id: int, judge_id: int):
    """One judge's sheet: a page of contestants (of one sitting, or all) with an input per
    criterion. Only the inputs sent are saved, so other pages keep their scores; a bad score
    is answered beside its input and nothing is saved."""
    round_ = db.get_or_404(Round, round_id)
    judge = _judge_of(round_, judge_id)
    filter_form = ScoreFilterForm(request.args)
    filter_form.set_choices(round_.sittings, current_locale(), sitting_label)
    sitting_id = filter_form.sitting.data
    shown, page, pages, total = _sheet_page(round_, sitting_id)
    form = ScoreSheetForm()
    errors, typed, status = {}, {}, 200
    if form.validate_on_submit():
        changed, errors, typed, status = _save_scores(round_, judge, form)
        if changed is not None:
            flash(ngettext("%(num)s score is saved.", "%(num)s scores are saved.", changed), "success")
            return see_other(
                "competitions_staff.scores", round_id=round_.id, judge_id=judge.id, sitting=sitting_id or None,
                page=page if page > 1 else None,
            )
    criteria = round_.competition.criteria
    inputs = {f"score-{r.id}-{c.id}" for r in shown for c in criteria}
    form.form_errors.extend(message for key, message in errors.items() if key not in inputs)
    return render_template(
        "competitions/staff/scores.html", round=round_, competition=round_.competition, judge=judge,
        criteria=criteria, contestants=shown, total=total, page=page, pages=pages, per_page=SCORES_PER_PAGE,
        filter_form=filter_form, form=form, errors=errors, typed=typed, stored=_stored_scores(judge, shown),
        sitting=sitting_id, locked=round_.advanced_at is not None or round_.results_published_at is not None,
    ), status


# --- certificates ------------------------------------------------------------------------------------------


@bp.get("/rounds/<int:round_id>/certificates.pdf")
@role_required("staff")
def certificates(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    locale = current_locale()
    pdf = documents.certificates_pdf(round_, locale=locale)
    if pdf is None:
        flash(_("No contestant of this round has an award yet."), "error")
        return see_other("competitions_staff.round_page", round_id=round_.id)
    return pdf_response(pdf, documents.certificates_filename(round_, locale))


@bp.get("/rounds/<int:round_id>/certificates/<int:registration_id>.pdf")
@role_required("staff")
def certificate(round_id: int, registration_id: int):
    round_ = db.get_or_404(Round, round_id)
    locale = current_locale()
    pdf = documents.certificates_pdf(round_, locale=locale, registration_id=registration_id)
    if pdf is None:
        abort(404)
    return pdf_response(pdf, documents.certificates_filename(round_, locale))

"""Competitions, rounds and results in the JSON API."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, jsonify, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.permissions import has_role, role_required
from outreach.api.helpers import created, iso, json_body, read_datetime, read_int, read_str, window
from outreach.competitions import services
from outreach.competitions.models import Competition, Judge, Round
from outreach.errors import ValidationError
from outreach.events.api import event_json, venue_json
from outreach.events.models import BUFFER_MINUTES_MAX, Event
from outreach.places.models import Venue
from outreach.extensions import db
from outreach.i18n import current_locale

bp = Blueprint("competitions_api", __name__)

#: The first window of competitions: more than a library holds in several years, so that a
#: client that reads no ``next_cursor`` sees every competition, as before.
COMPETITIONS_LIMIT = 100
#: The rule of a title, as the service words it (the reader says it for an over-long one).
TITLE_RULE = _l("Give a title of 1 to %(n)d characters.", n=services.TITLE_MAX)


# --- shapes --------------------------------------------------------------------------------


def number(value: Decimal | None) -> str | None:
    """Scores and weights as strings of two decimals: exact, unlike JSON numbers."""
    return None if value is None else str(services.quantise(Decimal(value)))


def _is_staff() -> bool:
    return has_role(current_user, "staff")


def sitting_json(sitting: Event) -> dict:
    return {
        "id": sitting.id,
        "starts_at": iso(sitting.starts_at),
        "ends_at": iso(sitting.ends_at),
        "venue": venue_json(sitting.venue),
        "capacity": sitting.capacity,
        "status": sitting.status,
        "url": url_for("registration.event_page", event_id=sitting.id, _external=True),
    }


def round_json(round_: Round, *, staff: bool) -> dict:
    sittings = [s for s in round_.sittings if staff or s.status != "draft"]
    return {
        "id": round_.id,
        "position": round_.position,
        "name": round_.name,
        "name_en": round_.name_en,
        "display_name": round_.display_name(current_locale()),
        "advance_mode": round_.advance_mode,
        "advance_value": number(round_.advance_value),
        "awards": round_.awards or [],
        "advanced": round_.advanced_at is not None,
        "results_published": round_.results_published_at is not None,
        "sittings": [sitting_json(s) for s in sittings],
    }


def competition_summary(competition: Competition) -> dict:
    return {
        "id": competition.id,
        "title": competition.title,
        "title_en": competition.title_en,
        "display_title": competition.display_title(current_locale()),
    }


def competition_json(competition: Competition, *, staff: bool) -> dict:
    locale = current_locale()
    return {
        **competition_summary(competition),
        "description": competition.description,
        "description_en": competition.description_en,
        "criteria": [
            {"id": c.id, "name": c.name, "name_en": c.name_en, "display_name": c.display_name(locale),
             "weight": number(c.weight), "max_score": number(c.max_score)}
            for c in competition.criteria
        ],
        "judges": [{"id": j.id, "name": j.name, "affiliation": j.affiliation} for j in competition.judges],
        "rounds": [round_json(r, staff=staff) for r in competition.rounds],
    }


def result_json(result: services.Result, *, staff: bool) -> dict:
    answers = result.registration.answers or {}
    award = result.award
    body = {
        "rank": result.rank,
        "name": result.registration.name,
        "school": answers.get("school"),
        "piece": answers.get("piece"),
        "score": number(result.score),
        "judge_totals": {str(judge_id): number(total) for judge_id, total in result.judge_totals.items()},
        "counted_judges": result.counted,
        "advances": result.advances,
        "award": {"name": award["name"], "name_en": award.get("name_en")} if award else None,
    }
    if staff:
        body = {"registration_id": result.registration.id, **body, "complete": result.complete,
                "sitting_id": result.registration.event_id}
    return body


# --- finding -------------------------------------------------------------------------------


def _competition_or_404(competition_id: int) -> Competition:
    if _is_staff():
        return db.get_or_404(Competition, competition_id)
    competition = services.competition_for_public(competition_id)
    if competition is None:
        abort(404)
    return competition


def _round_or_404(round_id: int) -> Round:
    round_ = db.get_or_404(Round, round_id)
    if not _is_staff() and not services.is_public(round_.competition):
        abort(404)
    return round_


def _optional_body() -> dict:
    """A JSON object, or an empty one when the request has no body at all."""
    return json_body() if request.get_data() else {}


# --- competitions --------------------------------------------------------------------------


@bp.get("/competitions")
def list_competitions():
    """Staff see every competition; the public those with a published sitting. The newest
    first, in windows (``limit``, ``cursor``)."""
    stmt = services.competitions_query(public=not _is_staff()).order_by(None)
    found = window(stmt, (Competition.created_at, Competition.id), default_limit=COMPETITIONS_LIMIT, descending=True)
    return jsonify({"competitions": [competition_summary(c) for c in found.items], "next_cursor": found.next_cursor})


@bp.get("/competitions/<int:competition_id>")
def get_competition(competition_id: int):
    competition = _competition_or_404(competition_id)
    return jsonify(competition_json(competition, staff=_is_staff()))


@bp.post("/competitions")
@role_required("staff")
def create_competition():
    data = json_body()
    errors: dict = {}
    fields = {
        "title": read_str(data, "title", errors, required=True, max_length=services.TITLE_MAX, too_long=TITLE_RULE),
        "title_en": read_str(data, "title_en", errors, max_length=services.TITLE_MAX, too_long=TITLE_RULE),
        "description": read_str(data, "description", errors, max_length=services.DESCRIPTION_MAX),
        "description_en": read_str(data, "description_en", errors, max_length=services.DESCRIPTION_MAX),
    }
    criteria = data.get("criteria")
    if criteria is not None:
        errors.update(services.check_criteria(criteria)[1])
    judges = data.get("judges") or []
    if not isinstance(judges, list):
        errors["judges"] = _l("Give a list of judges, each with a name.")
        judges = []
    for i, judge in enumerate(judges):
        judge = judge if isinstance(judge, dict) else {}
        _, judge_errors = services.check_judge(judge.get("name"), judge.get("affiliation"))
        errors.update({f"judges-{i}-{key}": message for key, message in judge_errors.items()})
    if errors:
        raise ValidationError(errors)
    competition = services.create_competition(actor=current_user, **fields)
    if criteria is not None:
        services.set_criteria(competition, criteria, actor=current_user)
    for judge in judges:
        services.add_judge(competition, name=judge["name"], affiliation=judge.get("affiliation"), actor=current_user)
    db.session.commit()
    return created(competition_json(competition, staff=True))


@bp.post("/competitions/<int:competition_id>/rounds")
@role_required("staff")
def add_round(competition_id: int):
    competition = db.get_or_404(Competition, competition_id)
    data = json_body()
    # Names, numbers and awards are the service's to check, with their messages.
    round_ = services.add_round(
        competition, name=data.get("name"), name_en=data.get("name_en"), advance_mode=data.get("advance_mode"),
        advance_value=data.get("advance_value"), awards=data.get("awards"), actor=current_user,
    )
    db.session.commit()
    return created(round_json(round_, staff=True))


@bp.post("/rounds/<int:round_id>/sittings")
@role_required("staff")
def add_sitting(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    data = json_body()
    errors: dict = {}
    fields = {
        "starts_at": read_datetime(data, "starts_at", errors),
        "ends_at": read_datetime(data, "ends_at", errors),
        "capacity": read_int(data, "capacity", errors, minimum=0),
        "status": read_str(data, "status", errors, default="draft", max_length=32),
        "registration_opens_at": read_datetime(data, "registration_opens_at", errors, required=False),
        "registration_closes_at": read_datetime(data, "registration_closes_at", errors, required=False),
        "setup_minutes": read_int(data, "setup_minutes", errors, nullable=False, default=0, minimum=0, maximum=BUFFER_MINUTES_MAX),
        "teardown_minutes": read_int(
            data, "teardown_minutes", errors, nullable=False, default=0, minimum=0, maximum=BUFFER_MINUTES_MAX
        ),
        "booking_override_reason": read_str(data, "booking_override_reason", errors, max_length=500),
    }
    venue_id = read_int(data, "venue_id", errors, required=True, nullable=False)
    fields["venue"] = db.session.get(Venue, venue_id) if venue_id is not None else None
    if venue_id is not None and fields["venue"] is None:
        errors["venue_id"] = _l("There is no such venue.")
    if errors:
        raise ValidationError(errors)
    sitting = services.add_sitting(round_, actor=current_user, **fields)
    db.session.commit()
    return created(event_json(sitting))


# --- scores, results, advancing ------------------------------------------------------------


def _read_scores(data: dict, errors: dict) -> dict:
    """``[{"registration_id", "criterion_id", "score"}]`` as the service's mapping."""
    rows = data.get("scores")
    if not isinstance(rows, list):
        errors["scores"] = _l("Give a list of scores.")
        return {}
    scores = {}
    for i, row in enumerate(rows):
        row_errors: dict = {}
        row = row if isinstance(row, dict) else {}
        registration_id = read_int(row, "registration_id", row_errors, required=True, nullable=False)
        criterion_id = read_int(row, "criterion_id", row_errors, required=True, nullable=False)
        if "score" not in row:
            row_errors["score"] = _l("This field is required.")
        value = row.get("score")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            row_errors["score"] = _l("Give a number, or null to clear the score.")
        errors.update({f"scores-{i}-{key}": message for key, message in row_errors.items()})
        if not row_errors:
            scores[registration_id, criterion_id] = value
    return scores


@bp.put("/rounds/<int:round_id>/scores")
@role_required("staff")
def enter_scores(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    data = json_body()
    errors: dict = {}
    judge_id = read_int(data, "judge_id", errors, required=True, nullable=False)
    judge = db.session.get(Judge, judge_id) if judge_id is not None else None
    if judge_id is not None and judge is None:  # a judge of another panel is the service's to refuse
        errors["judge_id"] = _l("There is no such judge on this competition's panel.")
    scores = _read_scores(data, errors)
    if errors:
        raise ValidationError(errors)
    changed = services.enter_scores(round_, judge, scores, actor=current_user)
    db.session.commit()
    return jsonify({"changed": changed})


@bp.get("/rounds/<int:round_id>/results")
def round_results(round_id: int):
    """Staff always see the results; the public once they are published (an empty list before)."""
    round_ = _round_or_404(round_id)
    staff = _is_staff()
    published = round_.results_published_at is not None
    found = services.results(round_) if staff or published else []
    return jsonify({
        "round": round_json(round_, staff=staff),
        "published": published,
        "results": [result_json(result, staff=staff) for result in found],
    })


@bp.post("/rounds/<int:round_id>/advance")
@role_required("staff")
def advance(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    data = _optional_body()
    errors: dict = {}
    sitting_id = read_int(data, "sitting_id", errors)
    sitting = db.session.get(Event, sitting_id) if sitting_id is not None else None
    if sitting_id is not None and sitting is None:
        errors["sitting_id"] = _l("Choose a sitting of the next round.")
    if errors:
        raise ValidationError(errors)
    made = services.advance(round_, sitting=sitting, actor=current_user)
    db.session.commit()
    return jsonify({"advanced": len(made), "registrations": [registration.id for registration in made]})


@bp.post("/rounds/<int:round_id>/publish")
@role_required("staff")
def publish(round_id: int):
    round_ = db.get_or_404(Round, round_id)
    services.publish_results(round_, actor=current_user)
    db.session.commit()
    return jsonify(round_json(round_, staff=True))

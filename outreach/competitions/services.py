"""The rules of competitions in rounds: the rubric, the judges, scoring, ranking,
advancement to the next round, awards and publication of results.

A round's sittings are ordinary competition events; a contestant in a round is a confirmed
registration for one of its sittings. Every function here takes model objects and the
acting user, flushes, and leaves the commit to its caller; a broken rule raises
``CompetitionError(code, message)`` (409) or ``ValidationError`` (422, a message per field).

Beyond the shared interface, this module also offers ``list_competitions``,
``public_competitions``, ``is_public``, ``next_round``, ``quantise``, ``as_number``,
``judge_total``, ``combine``, and ``check_criteria`` and ``check_judge`` (for forms that
report every field at once). Additional refusals: ``enter_scores`` raises
``already_advanced`` or ``results_published`` (scores are final once the round has advanced
or its results are public: unpublish first); ``update_round`` raises ``already_advanced``
when the advancement rule would change after advancing; ``advance`` also raises
``no_advance_rule`` and ``no_scores``; ``create_competition``/``update_competition`` raise
``competition_exists``. ``advance`` and ``publish_results`` take an optional ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from outreach import clock
from outreach.competitions.models import ADVANCE_MODES, Competition, Criterion, Judge, Round, Score
from outreach.database import locked
from outreach.errors import OutreachError, ValidationError
from outreach.events.models import Event
from outreach.events.models import TITLE_MAX
from outreach.events.services import create_event
from outreach.extensions import db
from outreach.platform import mail
from outreach.platform.services import record
from outreach.registration import tickets
from outreach.registration.emails import registrant_locale
from outreach.registration.models import Registration
from outreach.registration.services import seats_taken
from outreach.years import parse_decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: Numeric(6, 2) columns: weights, maximum scores, scores and advancement values.
NUMBER_MAX = Decimal("9999.99")
NAME_MAX = 120
JUDGE_NAME_MAX = 100
AFFILIATION_MAX = 120
DESCRIPTION_MAX = 20000
AWARD_NAME_MAX = 60
AWARD_TIERS_MAX = 10
#: With this many counted judges or more, the highest and the lowest total are dropped.
TRIM_FROM = 5

#: The sittings' registration questions: what a story competition needs to know of a child.
CONTEST_QUESTIONS: list[dict] = [
    {"key": "school", "label": "学校", "label_en": "School", "required": True},
    {"key": "grade", "label": "年级", "label_en": "Grade", "required": False},
    {
        "key": "age_group", "label": "组别", "label_en": "Age group", "required": False,
        "choices": ["幼儿组", "低年级组", "中年级组", "高年级组"],
    },
    {"key": "piece", "label": "参赛篇目", "label_en": "Story told", "required": True},
]


class CompetitionError(OutreachError):
    status = 409


# --- small readers -------------------------------------------------------------------------


def quantise(value: Decimal) -> Decimal:
    """To the cent, half up (as judges and parents round by hand)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def as_number(value) -> Decimal | None:
    """A finite Decimal of at most two decimals from an int, Decimal, float or numeric text;
    None for anything else (booleans included)."""
    number = parse_decimal(value)
    if number is None or number != number.quantize(CENT, rounding=ROUND_HALF_UP):
        return None
    return number


def _text(value, *, required: bool, max_length: int) -> tuple[str | None, bool]:
    """The stripped text (None when empty) and whether it is acceptable."""
    if value is None:
        return None, not required
    if not isinstance(value, str):
        return None, False
    value = value.strip()
    if not value:
        return None, not required
    return value, len(value) <= max_length


def _unique(action, error: CompetitionError):
    """Run ``action`` in a savepoint; a UNIQUE violation becomes ``error``."""
    try:
        with db.session.begin_nested():
            result = action()
            db.session.flush()
            return result
    except IntegrityError:
        raise error from None


# --- competitions --------------------------------------------------------------------------

_COMPETITION_FIELDS = {"title", "title_en", "description", "description_en"}


def _check_competition(values: dict) -> tuple[dict, dict]:
    clean, errors = {}, {}
    limits = {"title": TITLE_MAX, "title_en": TITLE_MAX, "description": DESCRIPTION_MAX,
              "description_en": DESCRIPTION_MAX}
    for name, limit in limits.items():
        clean[name], ok = _text(values.get(name), required=name == "title", max_length=limit)
        if not ok:
            errors[name] = (
                _l("Give a title of 1 to %(n)d characters.", n=limit)
                if name.startswith("title") else _l("Keep it to %(n)d characters.", n=limit)
            )
    return clean, errors


def _title_taken() -> CompetitionError:
    return CompetitionError(
        "competition_exists", _l("There is already a competition with this title."),
        fields={"title": _l("Already in use.")},
    )


def create_competition(*, title, title_en=None, description=None, description_en=None, actor=None) -> Competition:
    """Create a competition. Raises ``ValidationError`` for a blank or long title and
    ``CompetitionError("competition_exists")`` for a title in use."""
    clean, errors = _check_competition(
        {"title": title, "title_en": title_en, "description": description, "description_en": description_en}
    )
    if errors:
        raise ValidationError(errors)
    competition = Competition(created_by_id=getattr(actor, "id", None), **clean)
    _unique(lambda: db.session.add(competition), _title_taken())
    record("competition.create", competition, actor=actor)
    return competition


def update_competition(competition: Competition, *, actor=None, **fields) -> Competition:
    """Change the title or descriptions; the same rules as ``create_competition``."""
    unknown = set(fields) - _COMPETITION_FIELDS
    if unknown:
        raise TypeError(f"unknown competition fields: {sorted(unknown)}")
    current = {name: getattr(competition, name) for name in _COMPETITION_FIELDS}
    clean, errors = _check_competition({**current, **fields})
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name in clean if clean[name] != current[name])

    def apply():
        for name, value in clean.items():
            setattr(competition, name, value)

    _unique(apply, _title_taken())
    record("competition.update", competition, actor=actor, data={"fields": changed})
    return competition


def competitions_query(*, public: bool) -> Select:
    """Competitions the newest first, with their rounds and sittings (what the lists show):
    every one (staff), or those with a published sitting (``public``)."""
    stmt = select(Competition).options(selectinload(Competition.rounds).selectinload(Round.sittings))
    if public:
        stmt = stmt.where(_public_sitting(Competition.id))
    return stmt.order_by(Competition.created_at.desc(), Competition.id.desc())


def list_competitions() -> list[Competition]:
    """Every competition, the newest first (staff)."""
    return list(db.session.scalars(competitions_query(public=False)))


def _public_sitting(competition_id):
    return (
        select(Event.id)
        .join(Round, Round.id == Event.round_id)
        .where(Round.competition_id == competition_id, Event.status.in_(("published", "completed")))
        .exists()
    )


def public_competitions() -> list[Competition]:
    """Competitions with at least one published (or completed) sitting, the newest first."""
    return list(db.session.scalars(competitions_query(public=True)))


def is_public(competition: Competition) -> bool:
    return bool(db.session.scalar(select(_public_sitting(competition.id))))


def competition_for_public(competition_id: int) -> Competition | None:
    """The competition, when the public may see it: once any of its sittings is published."""
    competition = db.session.get(Competition, competition_id)
    return competition if competition is not None and is_public(competition) else None


# --- the rubric ----------------------------------------------------------------------------


def _scores_exist(competition: Competition) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Score.judge_id == Judge.id, Judge.competition_id == competition.id))
        )
    )


def check_criteria(criteria) -> tuple[list[dict], dict]:
    """The cleaned rubric rows and a message per field (``criteria-<i>-<key>``) that is wrong."""
    if not isinstance(criteria, list) or not criteria:
        return [], {"criteria": _l("Give at least one criterion.")}
    rows, errors, names = [], {}, set()
    for i, row in enumerate(criteria):
        prefix = f"criteria-{i}-"
        if not isinstance(row, dict):
            errors[prefix + "name"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
            continue
        name, ok = _text(row.get("name"), required=True, max_length=NAME_MAX)
        if not ok:
            errors[prefix + "name"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
        elif name in names:
            errors[prefix + "name"] = _l("Each criterion needs a name of its own.")
        names.add(name)
        name_en, ok = _text(row.get("name_en"), required=False, max_length=NAME_MAX)
        if not ok:
            errors[prefix + "name_en"] = _l("Keep it to %(n)d characters.", n=NAME_MAX)
        numbers = {}
        for key, default in (("weight", None), ("max_score", HUNDRED)):
            raw = row.get(key)
            number = default if raw is None and default is not None else as_number(raw)
            if number is None or not 0 < number <= NUMBER_MAX:
                errors[prefix + key] = _l(
                    "Enter a number greater than 0 and at most %(max)s, with at most two decimals.", max=NUMBER_MAX
                )
            numbers[key] = number
        rows.append({"name": name, "name_en": name_en, **numbers})
    return rows, errors


def set_criteria(competition: Competition, criteria: list[dict], *, actor=None) -> list[Criterion]:
    """Replace the rubric with ``criteria`` ({"name", "name_en"?, "weight", "max_score"? = 100}).

    Weights need not add up to 100: a judge's total normalises them. Raises
    ``ValidationError`` with fields ``criteria-<i>-<key>``, and
    ``CompetitionError("scores_exist")`` once any score has been entered (changing the
    rubric then would change totals the judges have already signed).
    """
    if _scores_exist(competition):
        raise CompetitionError(
            "scores_exist", _l("Scores have been entered: the rubric can no longer change.")
        )
    rows, errors = check_criteria(criteria)
    if errors:
        raise ValidationError(errors)
    competition.criteria.clear()
    db.session.flush()  # the old names must be gone before the new rows use them again
    added = [Criterion(position=i + 1, **row) for i, row in enumerate(rows)]
    competition.criteria.extend(added)
    db.session.flush()
    record(
        "competition.criteria", competition, actor=actor,
        data={"criteria": [{"name": c.name, "weight": str(c.weight), "max_score": str(c.max_score)} for c in added]},
    )
    return added


# --- judges --------------------------------------------------------------------------------


def check_judge(name, affiliation) -> tuple[dict, dict]:
    """The cleaned name and affiliation, and a message per field that is wrong."""
    clean, errors = {}, {}
    clean["name"], ok = _text(name, required=True, max_length=JUDGE_NAME_MAX)
    if not ok:
        errors["name"] = _l("Give a name of 1 to %(n)d characters.", n=JUDGE_NAME_MAX)
    clean["affiliation"], ok = _text(affiliation, required=False, max_length=AFFILIATION_MAX)
    if not ok:
        errors["affiliation"] = _l("Keep it to %(n)d characters.", n=AFFILIATION_MAX)
    return clean, errors


def add_judge(competition: Competition, *, name, affiliation=None, user=None, actor=None) -> Judge:
    """Add a judge to the panel. Raises ``ValidationError`` or ``CompetitionError("judge_exists")``."""
    clean, errors = check_judge(name, affiliation)
    if errors:
        raise ValidationError(errors)
    judge = Judge(competition_id=competition.id, user_id=getattr(user, "id", None), **clean)
    _unique(
        lambda: db.session.add(judge),
        CompetitionError(
            "judge_exists", _l("This competition already has a judge of that name."),
            fields={"name": _l("Already in use.")},
        ),
    )
    db.session.expire(competition, ["judges"])
    record("competition.judge_add", competition, actor=actor, data={"judge_id": judge.id})
    return judge


def remove_judge(judge: Judge, *, actor=None) -> None:
    """Take a judge off the panel. Raises ``CompetitionError("judge_has_scores")`` once
    they have scored anyone: their scores are part of the results."""
    if db.session.scalar(select(exists().where(Score.judge_id == judge.id))):
        raise CompetitionError("judge_has_scores", _l("This judge has entered scores and cannot be removed."))
    competition = judge.competition
    record("competition.judge_remove", competition, actor=actor, data={"judge_id": judge.id, "name": judge.name})
    db.session.delete(judge)
    db.session.flush()
    db.session.expire(competition, ["judges"])


# --- rounds and sittings -------------------------------------------------------------------

_ROUND_FIELDS = {"name", "name_en", "advance_mode", "advance_value", "awards"}


def _check_awards(awards) -> tuple[list | None, dict]:
    if awards is None or awards == []:
        return None, {}
    if not isinstance(awards, list) or len(awards) > AWARD_TIERS_MAX:
        return None, {"awards": _l("Give at most %(n)d award tiers, from the top.", n=AWARD_TIERS_MAX)}
    tiers, errors = [], {}
    for i, tier in enumerate(awards):
        prefix = f"awards-{i}-"
        tier = tier if isinstance(tier, dict) else {}
        name, ok = _text(tier.get("name"), required=True, max_length=AWARD_NAME_MAX)
        if not ok:
            errors[prefix + "name"] = _l("Give a name of 1 to %(n)d characters.", n=AWARD_NAME_MAX)
        name_en, ok = _text(tier.get("name_en"), required=False, max_length=AWARD_NAME_MAX)
        if not ok:
            errors[prefix + "name_en"] = _l("Keep it to %(n)d characters.", n=AWARD_NAME_MAX)
        places = tier.get("places")
        if isinstance(places, bool) or not isinstance(places, int) or not 1 <= places <= 1000:
            errors[prefix + "places"] = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=1000)
        tiers.append({"name": name, "name_en": name_en, "places": places})
    return tiers, errors


def _check_round(values: dict) -> tuple[dict, dict]:
    clean, errors = {}, {}
    clean["name"], ok = _text(values.get("name"), required=True, max_length=NAME_MAX)
    if not ok:
        errors["name"] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
    clean["name_en"], ok = _text(values.get("name_en"), required=False, max_length=NAME_MAX)
    if not ok:
        errors["name_en"] = _l("Keep it to %(n)d characters.", n=NAME_MAX)
    mode = values.get("advance_mode") or None
    raw = values.get("advance_value")
    value = None if raw is None or raw == "" else as_number(raw)
    if mode is not None and mode not in ADVANCE_MODES:
        errors["advance_mode"] = _l("Choose the top N, a threshold score, or neither.")
    elif mode == "top":
        if value is None or value != value.to_integral_value() or not 1 <= value <= 100000:
            errors["advance_value"] = _l("Enter how many advance: a whole number of 1 or more.")
    elif mode == "threshold":
        if value is None or not 0 < value <= HUNDRED:
            errors["advance_value"] = _l("Enter the lowest score that advances, above 0 and at most 100.")
    elif raw is not None and raw != "":
        errors["advance_mode"] = _l("Choose how contestants advance, or give no number.")
    clean["advance_mode"], clean["advance_value"] = mode, value if mode else None
    clean["awards"], award_errors = _check_awards(values.get("awards"))
    errors.update(award_errors)
    return clean, errors


def add_round(
    competition: Competition, *, name, name_en=None, advance_mode=None, advance_value=None, awards=None, actor=None
) -> Round:
    """Add the next round (position 1, 2, ...). ``advance_mode`` "top" with N, or
    "threshold" with a score out of 100; ``awards`` [{"name", "name_en"?, "places"}] from
    the top. Raises ``ValidationError`` (fields ``awards-<i>-<key>`` for the tiers)."""
    clean, errors = _check_round(
        {"name": name, "name_en": name_en, "advance_mode": advance_mode, "advance_value": advance_value,
         "awards": awards}
    )
    if errors:
        raise ValidationError(errors)
    locked(db.session, Competition, competition.id)  # two rounds added at once must not share a position
    highest = db.session.scalar(select(func.max(Round.position)).where(Round.competition_id == competition.id))
    position = (highest or 0) + 1
    round_ = Round(competition_id=competition.id, position=position, **clean)
    db.session.add(round_)
    db.session.flush()
    db.session.expire(competition, ["rounds"])
    record("competition.round_add", round_, actor=actor, data={"position": position})
    return round_


def update_round(round_: Round, *, actor=None, **fields) -> Round:
    """Change a round's names, advancement rule or awards; the same rules as ``add_round``.
    Raises ``CompetitionError("already_advanced")`` when the rule would change after the
    contestants have advanced."""
    unknown = set(fields) - _ROUND_FIELDS
    if unknown:
        raise TypeError(f"unknown round fields: {sorted(unknown)}")
    current = {name: getattr(round_, name) for name in _ROUND_FIELDS}
    clean, errors = _check_round({**current, **fields})
    if errors:
        raise ValidationError(errors)
    changed = sorted(name for name in clean if clean[name] != current[name])
    if round_.advanced_at is not None and {"advance_mode", "advance_value"} & set(changed):
        raise _already_advanced()
    for name, value in clean.items():
        setattr(round_, name, value)
    db.session.flush()
    record("competition.round_update", round_, actor=actor, data={"fields": changed})
    return round_


def add_sitting(
    round_: Round, *, venue, starts_at, ends_at, capacity=None, status="draft", registration_opens_at=None,
    registration_closes_at=None, setup_minutes=0, teardown_minutes=0, booking_override_reason=None, actor=None,
) -> Event:
    """Add a sitting of ``round_``: a competition event for one contestant per ticket,
    asking the contest questions. The event rules apply (``ValidationError``,
    ``EventError("room_booked")`` unless ``booking_override_reason`` is given)."""
    competition = round_.competition
    title = f"{competition.title} {round_.name}"[:TITLE_MAX]
    title_en = None
    if competition.title_en:
        title_en = f"{competition.title_en}: {round_.name_en or round_.name}"[:TITLE_MAX]
    sitting = create_event(
        type="competition", round_id=round_.id, title=title, title_en=title_en,
        description=competition.description, description_en=competition.description_en,
        venue=venue, starts_at=starts_at, ends_at=ends_at, capacity=capacity, status=status,
        registration="open", max_party_size=1, questions=[dict(q) for q in CONTEST_QUESTIONS],
        registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
        setup_minutes=setup_minutes, teardown_minutes=teardown_minutes,
        booking_override_reason=booking_override_reason, actor=actor,
    )
    db.session.expire(round_, ["sittings"])
    return sitting


def next_round(round_: Round) -> Round | None:
    return db.session.scalar(
        select(Round).where(Round.competition_id == round_.competition_id, Round.position == round_.position + 1)
    )


def contestants(round_: Round) -> list[Registration]:
    """The round's contestants: confirmed registrations of its sittings, by name."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(Event.round_id == round_.id, Registration.status == "confirmed")
            .options(selectinload(Registration.event))
            .order_by(Registration.name, Registration.id)
        )
    )


# --- scores --------------------------------------------------------------------------------


def _already_advanced() -> CompetitionError:
    return CompetitionError("already_advanced", _l("The contestants of this round have already advanced."))


def enter_scores(round_: Round, judge: Judge, scores: dict, *, actor=None) -> int:
    """Enter one judge's scores: ``{(registration_id, criterion_id): score or None}``,
    None clearing a score. Returns how many scores changed.

    Raises ``ValidationError`` with ``judge_id`` for a judge of another competition and
    ``score-<registration_id>-<criterion_id>`` for a contestant not in the round, a
    criterion not in the rubric, or a score outside 0 to the criterion's maximum (two
    decimals at most); ``CompetitionError`` ``already_advanced`` or ``results_published``
    once the results are settled.
    """
    if judge.competition_id != round_.competition_id:
        raise ValidationError({"judge_id": _l("This judge is not on this competition's panel.")})
    # One writer of a round's scores at a time: two sheets saved at once do not collide.
    round_ = locked(db.session, Round, round_.id)
    if round_.advanced_at is not None:
        raise _already_advanced()
    if round_.results_published_at is not None:
        raise CompetitionError(
            "results_published", _l("The results are published: withdraw them before changing scores.")
        )
    in_round = {registration.id for registration in contestants(round_)}
    criteria = {criterion.id: criterion for criterion in round_.competition.criteria}
    wanted, errors = {}, {}
    for (registration_id, criterion_id), value in scores.items():
        key = f"score-{registration_id}-{criterion_id}"
        criterion = criteria.get(criterion_id)
        if registration_id not in in_round:
            errors[key] = _l("This contestant is not in this round.")
        elif criterion is None:
            errors[key] = _l("This criterion is not in the rubric.")
        elif value is None:
            wanted[registration_id, criterion_id] = None
        else:
            number = as_number(value)
            if number is None or not 0 <= number <= criterion.max_score:
                errors[key] = _l("Enter a score from 0 to %(max)s.", max=plain(criterion.max_score))
            wanted[registration_id, criterion_id] = number
    if errors:
        raise ValidationError(errors)
    existing = {
        (score.registration_id, score.criterion_id): score
        for score in db.session.scalars(
            select(Score).where(Score.judge_id == judge.id, Score.registration_id.in_(in_round))
        )
    }
    changed = 0
    for key, value in wanted.items():
        score = existing.get(key)
        if value is None:
            if score is not None:
                db.session.delete(score)
                changed += 1
        elif score is None:
            db.session.add(Score(registration_id=key[0], criterion_id=key[1], judge_id=judge.id, score=value,
                                 entered_by_id=getattr(actor, "id", None)))
            changed += 1
        elif score.score != value:
            score.score, score.entered_by_id = value, getattr(actor, "id", None)
            changed += 1
    db.session.flush()
    if changed:
        record("competition.scores", round_, actor=actor, data={"judge_id": judge.id, "changed": changed})
    return changed


def plain(number: Decimal) -> str:
    """10.00 → "10", 7.50 → "7.5": as people write a maximum."""
    return format(Decimal(number).normalize(), "f")


# --- results -------------------------------------------------------------------------------


@dataclass
class Result:
    registration: Registration
    #: judge id → that judge's weighted total out of 100, for each judge who scored every criterion.
    judge_totals: dict[int, Decimal] = field(default_factory=dict)
    #: The judges whose totals make the score (after dropping the highest and lowest).
    counted: list[int] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    advances: bool = False
    award: dict | None = None
    #: False while a judge has scored some criteria of this contestant but not all.
    complete: bool = True


def judge_total(sheet: dict[int, Decimal], criteria: list[Criterion]) -> Decimal | None:
    """Σ(score / max × weight) / Σ weight × 100, to the cent; None unless every criterion is scored."""
    if any(criterion.id not in sheet for criterion in criteria):
        return None
    weighted = sum(sheet[c.id] / Decimal(c.max_score) * Decimal(c.weight) for c in criteria)
    return quantise(weighted / sum(Decimal(c.weight) for c in criteria) * HUNDRED)


def combine(totals: dict[int, Decimal]) -> tuple[list[int], Decimal | None]:
    """The judges counted and the mean of their totals, to the cent: with five or more
    judges the highest and lowest total are dropped first (one each)."""
    if not totals:
        return [], None
    ordered = sorted(totals, key=lambda judge_id: (totals[judge_id], judge_id))
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    counted = sorted(ordered)
    return counted, quantise(sum(totals[j] for j in counted) / len(counted))


def _award_for(rank: int, awards: list | None) -> dict | None:
    """The tier whose places (counted from the top) include ``rank``."""
    last = 0
    for tier in awards or []:
        last += tier["places"]
        if rank <= last:
            return tier
    return None


def _advances(result: Result, round_: Round) -> bool:
    if result.rank is None or round_.advance_mode is None:
        return False
    if round_.advance_mode == "top":
        return result.rank <= int(round_.advance_value)
    return result.score >= round_.advance_value


def results(round_: Round) -> list[Result]:
    """Every contestant's result: the ranked ones in rank order (ties by name), then the
    unscored ones by name. Equal scores share a rank (1, 2, 2, 4)."""
    criteria = list(round_.competition.criteria)
    people = contestants(round_)
    sheets: dict[int, dict[int, dict[int, Decimal]]] = {r.id: {} for r in people}
    rows = db.session.execute(
        select(Score.registration_id, Score.judge_id, Score.criterion_id, Score.score)
        .join(Registration, Registration.id == Score.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.round_id == round_.id, Registration.status == "confirmed")
    )
    for registration_id, judge_id, criterion_id, score in rows:
        sheets[registration_id].setdefault(judge_id, {})[criterion_id] = Decimal(score)
    out = []
    for registration in people:
        result = Result(registration)
        for judge_id, sheet in sheets[registration.id].items():
            total = judge_total(sheet, criteria)
            if total is None:
                result.complete = False
            else:
                result.judge_totals[judge_id] = total
        result.counted, result.score = combine(result.judge_totals)
        out.append(result)
    ranked = sorted((r for r in out if r.score is not None), key=lambda r: -r.score)  # stable: by name
    for i, result in enumerate(ranked):
        result.rank = ranked[i - 1].rank if i and result.score == ranked[i - 1].score else i + 1
        result.advances = _advances(result, round_)
        result.award = _award_for(result.rank, round_.awards)
    return ranked + [r for r in out if r.score is None]


def _settled(round_: Round) -> list[Result]:
    """The results, refusing ``scores_incomplete`` and ``no_scores``."""
    found = results(round_)
    incomplete = [result.registration.name for result in found if not result.complete]
    if not incomplete and not any(result.rank for result in found):
        raise CompetitionError("no_scores", _l("No contestant of this round has been scored yet."))
    if incomplete:
        raise CompetitionError(
            "scores_incomplete",
            _l("Some score sheets are unfinished (%(names)s): a judge has scored some criteria but not all.",
               names="、".join(incomplete[:5]) + ("…" if len(incomplete) > 5 else "")),
        )
    return found


# --- advancing -----------------------------------------------------------------------------


def advance(
    round_: Round, *, sitting: Event | None = None, actor=None, now: datetime | None = None
) -> list[Registration]:
    """Register the round's advancing contestants in the next round: in ``sitting``, by
    default the next round's first sitting. Each gets a new confirmed registration (a new
    ticket, the answers copied, ``advanced_from_id``, source "advanced"); those who gave
    an e-mail address are sent their ticket link after the commit.

    Raises ``CompetitionError`` ``already_advanced``, ``no_advance_rule``, ``no_next_round``,
    ``no_sitting``, ``no_scores``, ``scores_incomplete`` or ``next_round_full`` (the
    sitting's capacity cannot hold them all), and ``ValidationError`` (``sitting_id``) for
    a sitting of another round. The round and the sitting are locked, so two staff
    pressing the button at once advance the contestants once.
    """
    now = now or clock.now()
    round_ = locked(db.session, Round, round_.id)
    if round_.advanced_at is not None:
        raise _already_advanced()
    if round_.advance_mode is None:
        raise CompetitionError("no_advance_rule", _l("This round has no rule for who advances."))
    following = next_round(round_)
    if following is None:
        raise CompetitionError("no_next_round", _l("This is the last round: nobody advances from it."))
    if sitting is None:
        sitting = next((s for s in following.sittings if s.status != "cancelled"), None)
        if sitting is None:
            raise CompetitionError("no_sitting", _l("The next round has no sitting to register the contestants in."))
    elif sitting.round_id != following.id:
        raise ValidationError({"sitting_id": _l("Choose a sitting of the next round.")})
    advancing = [result for result in _settled(round_) if result.advances]
    sitting = locked(db.session, Event, sitting.id)
    taken = seats_taken(sitting.id) if sitting.capacity is not None else 0
    if sitting.capacity is not None and taken + len(advancing) > sitting.capacity:
        raise CompetitionError(
            "next_round_full",
            lazy_ngettext(
                "%(num)d contestant advances but the sitting has only %(free)d places left.",
                "%(num)d contestants advance but the sitting has only %(free)d places left.",
                len(advancing), free=max(sitting.capacity - taken, 0),
            ),
        )
    made = [_advanced_registration(result.registration, sitting, now) for result in advancing]
    _unique(lambda: db.session.add_all(made), _already_advanced())
    round_.advanced_at = now
    db.session.flush()
    record("competition.advance", round_, actor=actor,
           data={"sitting_id": sitting.id, "registrations": [r.id for r in made]})
    for registration in made:
        _queue_advanced_message(registration, following)
    return made


def _advanced_registration(previous: Registration, sitting: Event, now: datetime) -> Registration:
    seed, _token, digest = tickets.new_ticket()
    return Registration(
        event_id=sitting.id, ticket_digest=digest, ticket_seed=seed, status="confirmed",
        name=previous.name, phone=previous.phone, phone_digest=previous.phone_digest, email=previous.email, party_size=1,
        answers=dict(previous.answers) if previous.answers else None, consent_at=previous.consent_at,
        confirmed_at=now, source="advanced", advanced_from_id=previous.id, created_at=now, locale=previous.locale,
    )


def _queue_advanced_message(registration: Registration, following: Round) -> None:
    """Congratulate a contestant who advanced, with their new ticket, in the language they registered in."""
    if not registration.email:
        return
    locale = registrant_locale(registration)
    event = db.session.get(Event, registration.event_id)
    with force_locale(locale):
        subject = _("Congratulations: you go through to %(round)s of %(title)s",
                    round=following.display_name(locale), title=following.competition.display_title(locale))
        token = tickets.token_for_seed(registration.ticket_seed)[0]
        lines = [
            subject + ".",
            _("Your place at %(title)s is confirmed.", title=event.display_title(locale)),
            _("Your ticket: %(url)s", url=url_for("registration.ticket", token=token, _external=True)),
        ]
    mail.queue(db.session, mail.Message(
        registration.email, subject, "\n\n".join(lines), kind="competition.advanced", event_id=event.id, locale=locale,
    ))


# --- publishing ----------------------------------------------------------------------------


def publish_results(round_: Round, *, actor=None, now: datetime | None = None) -> Round:
    """Show the round's results on the public page. Raises ``CompetitionError``
    ``no_scores`` or ``scores_incomplete``. Publishing twice is not an error."""
    if round_.results_published_at is not None:
        return round_
    _settled(round_)
    round_.results_published_at = now or clock.now()
    db.session.flush()
    record("competition.results_publish", round_, actor=actor)
    return round_


def unpublish_results(round_: Round, *, actor=None) -> Round:
    """Withdraw published results (to correct a score)."""
    if round_.results_published_at is None:
        return round_
    round_.results_published_at = None
    db.session.flush()
    record("competition.results_unpublish", round_, actor=actor)
    return round_

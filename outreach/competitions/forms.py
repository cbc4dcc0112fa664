"""Competition forms: the shape of input only. Weights, ranges, clashes and state are the
services' (``outreach.competitions.services``); their messages come back beside the fields
through ``attach_errors`` and ``attach_row_errors``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from outreach.events.forms import ScheduleFields
from outreach.forms import Form, RowForm, choices, optional_int
from outreach.years import parse_decimal

#: Blank rows offered for the rubric and for a round's awards (no JavaScript adds rows).
RUBRIC_ROWS = 8
AWARD_ROWS = 4
#: Contestants per page of a judge's score sheet (800 children sit the preliminary).
SCORES_PER_PAGE = 50

NUMBER_MESSAGE = _l("Enter a number such as 8.5.")
SCORE_MESSAGE = _l("Enter a number with at most two decimals, such as 8.5.")
#: A score input's name: ``score-<registration id>-<criterion id>``, as the service keys its errors.
SCORE_NAME = re.compile(r"^score-(\d{1,12})-(\d{1,12})$")

ADVANCE_MODE_LABELS = {
    "": _l("Nobody advances (last round)"),
    "top": _l("The top N advance"),
    "threshold": _l("Everyone scoring at least N advances"),
}
SITTING_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}


def read_decimal(text: str | None) -> Decimal | None:
    """A typed number, full-width digits (a Chinese input method) included; None when empty.
    Raises ``ValueError`` for anything else, NaN and infinities too."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    value = parse_decimal(text)
    if value is None:
        raise ValueError(text)
    return value


class NumberField(DecimalField):
    """A decimal number read by ``read_decimal``; browsers show a number input with ``step``."""

    def __init__(self, label=None, validators=None, *, step: str = "0.01", **kwargs):
        kwargs.setdefault("places", None)
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "step": step})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        try:
            self.data = read_decimal(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(NUMBER_MESSAGE) from None


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def attach_row_errors(rows: FieldList, errors: Mapping, positions: list[int]) -> list[str]:
    """Put the service's ``<list>-<i>-<name>`` messages beside row ``positions[i]`` of the form
    (the service numbers only the rows it was given: empty rows are left out). Returns the
    messages that belong to no field of a row."""
    rest = []
    prefix = rows.short_name + "-"
    for key, message in (errors or {}).items():
        parts = key[len(prefix):].split("-", 1) if key.startswith(prefix) else []
        if len(parts) == 2 and parts[0].isdigit() and int(parts[0]) < len(positions):
            row = rows.entries[positions[int(parts[0])]].form
            field = row._fields.get(parts[1])
            if field is not None:
                field.errors = [*field.errors, str(message)]
                continue
        rest.append(str(message))
    return rest


class RowList(FieldList):
    """The rows of a table form. WTForms 3.3 renumbers the rows sent (0, 3 become 0, 1) and then
    pads to ``min_entries`` with rows that read the form data again, so row 3 would come twice
    from a form that skips rows: pad with blank rows instead."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        wanted, self.min_entries = self.min_entries, 0
        try:
            super().process(formdata, data, extra_filters)
        finally:
            self.min_entries = wanted
        while len(self.entries) < self.min_entries:
            self._add_entry(None)


# --- the competition and its rubric -----------------------------------------------------------------


class CompetitionForm(Form):
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Give a title of 1 to %(n)d characters.", n=200)), Length(max=200)],
            )
    title_en = StringField(_l("English title"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("English description"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Save the competition"))

    def details(self) -> dict:
        """The fields as the services take them: empty texts as None."""
        return {
            "title": self.title.data,
            **{name: self[name].data or None for name in ("title_en", "description", "description_en")},
        }


class CriterionRow(RowForm):
    """One line of the rubric; a row left empty is no criterion."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=120)])
    name_en = StringField(_l("Criterion in English"), validators=[Optional(), Length(max=120)])
    weight = NumberField(_l("Weight"), validators=[Optional()], step="0.01")
    max_score = NumberField(_l("Highest score"), validators=[Optional()], step="0.01")

    def is_empty(self) -> bool:
        return all(blank(self[name].data) for name in ("name", "name_en", "weight", "max_score"))

    def criterion(self) -> dict:
        values = {"name": self.name.data or "", "name_en": self.name_en.data or None, "weight": self.weight.data}
        if self.max_score.data is not None:
            values["max_score"] = self.max_score.data
        return values


class RubricForm(Form):
    criteria = RowList(FormField(CriterionRow), min_entries=RUBRIC_ROWS, max_entries=3 * RUBRIC_ROWS)
    submit = SubmitField(_l("Save the rubric"))

    def filled(self) -> tuple[list[dict], list[int]]:
        """The criteria of the rows filled in, and each one's row in the form."""
        positions = [i for i, entry in enumerate(self.criteria.entries) if not entry.form.is_empty()]
        return [self.criteria.entries[i].form.criterion() for i in positions], positions


class JudgeForm(Form):
    name = StringField(
        _l("Judge's name"), validators=[InputRequired(_l("Enter the judge's name.")), Length(max=100)],
    )
    affiliation = StringField(_l("From (school, association)"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add the judge"))


# --- rounds and sittings ----------------------------------------------------------------------------


class AwardRow(RowForm):
    """One prize tier, given from the top: 一等奖 for 1 place, 二等奖 for the next 3 ..."""

    name = StringField(_l("Award"), validators=[Optional(), Length(max=60)])
    name_en = StringField(_l("Award in English"), validators=[Optional(), Length(max=60)])
    places = IntegerField(
        _l("Places"), validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number of 1 or more."))],
    )

    def is_empty(self) -> bool:
        return all(blank(self[name].data) for name in ("name", "name_en", "places"))

    def award(self) -> dict:
        return {"name": self.name.data or "", "name_en": self.name_en.data or None, "places": self.places.data}


class RoundForm(Form):
    name = StringField(
        _l("Round"), validators=[InputRequired(_l("Name the round, such as 初赛.")), Length(max=120)],
    )
    name_en = StringField(_l("Round in English"), validators=[Optional(), Length(max=120)])
    advance_mode = SelectField(_l("Who advances"), choices=choices(ADVANCE_MODE_LABELS.items()), default="")
    advance_value = NumberField(_l("N (places or score)"), validators=[Optional()], step="0.01")
    awards = RowList(FormField(AwardRow), min_entries=AWARD_ROWS, max_entries=3 * AWARD_ROWS)
    submit = SubmitField(_l("Save the round"))

    def details(self) -> tuple[dict, list[int]]:
        """The round's fields as ``add_round``/``update_round`` take them, and the form row of each award."""
        positions = [i for i, entry in enumerate(self.awards.entries) if not entry.form.is_empty()]
        values = {
            "name": self.name.data,
            "name_en": self.name_en.data or None,
            "advance_mode": self.advance_mode.data or None,
            "advance_value": self.advance_value.data,
            "awards": [self.awards.entries[i].form.award() for i in positions] or None,
        }
        return values, positions


class SittingForm(ScheduleFields):
    """A sitting of a round: an ordinary competition event at one venue and time."""

    round_id = SelectField(
        _l("Round"), coerce=optional_int, choices=[], validate_choice=False,
        validators=[InputRequired(_l("Choose a round."))],
    )
    capacity = IntegerField(
        _l("Contestants (capacity)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave it empty for no limit.")),
        ],
    )
    status = SelectField(_l("Save as"), choices=choices(SITTING_STATUS_LABELS.items()), default="draft")
    submit = SubmitField(_l("Add the sitting"))

    def set_choices(self, rounds, venues, locale: str) -> None:
        self.round_id.choices = choices([("", _l("Choose a round"))] + [(r.id, r.display_name(locale)) for r in rounds])
        self.set_venue_choices(venues, locale)


# --- scores, advancement, actions -------------------------------------------------------------------


class ScoreSheetForm(Form):
    """A judge's score sheet for one page of contestants. Its inputs, ``score-<registration
    id>-<criterion id>``, are made per page by the template and read by ``read``."""

    submit = SubmitField(_l("Save the scores"))

    @staticmethod
    def read(formdata: Mapping, criterion_ids: set[int]) -> tuple[dict, dict, dict]:
        """The scores sent: ``{(registration id, criterion id): Decimal or None}`` for the
        inputs present (an input left empty clears its score; contestants on other pages are
        not sent, so they keep theirs), the messages of inputs that are not a score, and the
        text typed in each input, to show it again."""
        scores, errors, typed = {}, {}, {}
        for name in formdata:
            match = SCORE_NAME.match(name)
            if not match or int(match.group(2)) not in criterion_ids:
                continue
            key = (int(match.group(1)), int(match.group(2)))
            typed[key] = formdata.get(name, "")
            try:
                value = read_decimal(typed[key])
            except ValueError:
                errors[name] = SCORE_MESSAGE
                continue
            if value is not None and value.as_tuple().exponent < -2:
                errors[name] = SCORE_MESSAGE
                continue
            scores[key] = value
        return scores, errors, typed


class ScoreFilterForm(Form):
    """Which sitting's contestants the score sheet shows: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    sitting = SelectField(_l("Sitting"), coerce=optional_int, choices=[], validate_choice=False)
    submit = SubmitField(_l("Show"))

    def set_choices(self, sittings, locale: str, describe) -> None:
        self.sitting.choices = choices([("", _l("All sittings"))] + [(s.id, describe(s, locale)) for s in sittings])


class AdvanceForm(Form):
    sitting_id = SelectField(
        _l("Register them in the sitting"), coerce=optional_int, choices=[], validate_choice=False,
        validators=[InputRequired(_l("Choose a sitting of the next round."))],
    )
    submit = SubmitField(_l("Advance the contestants"))

    def set_choices(self, sittings, locale: str, describe) -> None:
        self.sitting_id.choices = choices((s.id, describe(s, locale)) for s in sittings)



"""Forms of branches, venues, series and partners: the shape of input only (uniqueness and
the archived-branch rule are the services'), and the translated names of venue kinds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from outreach.forms import Form, choices, optional_int
from outreach.events.labels import BRANCH_KIND_LABELS
from outreach.places.services import ADDRESS_MAX, DESCRIPTION_MAX, NAME_MAX

VENUE_KIND_LABELS = {
    "room": _l("Activity room"),
    "hall": _l("Lecture hall"),
    "exhibition": _l("Exhibition space"),
    "outdoor": _l("Outdoors"),
    "external": _l("Outside site"),
    "online": _l("Online"),
}

NAME_MESSAGE = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)


def _name_fields(chinese_hint, english_hint) -> tuple[StringField, StringField]:
    return (
        StringField(
            _l("Chinese name"), description=chinese_hint,
            validators=[InputRequired(NAME_MESSAGE), Length(max=NAME_MAX, message=NAME_MESSAGE)],
        ),
        StringField(
            _l("English name"), description=english_hint,
            validators=[Optional(), Length(max=NAME_MAX, message=NAME_MESSAGE)],
        ),
    )


def _branch_choices(empty_label, branches, locale: str) -> list:
    """A branch select's choices: ``empty_label`` for none, then ``branches`` by name in ``locale``."""
    return choices([("", empty_label)] + [(b.id, b.display_name(locale)) for b in branches])


ENGLISH_HINT = _l("Shown to English readers; leave it empty to show the Chinese name.")
ADDRESS_MESSAGE = _l("Keep it to %(n)d characters.", n=ADDRESS_MAX)
DESCRIPTION_MESSAGE = _l("Keep it to %(n)d characters.", n=DESCRIPTION_MAX)


class BranchForm(Form):
    name, name_en = _name_fields(_l("For example: 星海明筑分馆"), ENGLISH_HINT)
    kind = SelectField(_l("Kind of branch"), choices=choices(BRANCH_KIND_LABELS.items()), default="branch")
    address = StringField(
        _l("Address"), validators=[Optional(), Length(max=ADDRESS_MAX, message=ADDRESS_MESSAGE)]
    )
    submit = SubmitField(_l("Save the branch"))


class VenueForm(Form):
    branch_id = SelectField(
        _l("Branch"), coerce=optional_int, choices=[], validate_choice=False,
        description=_l("Leave it empty for a site outside the library, such as a school."),
    )
    name, name_en = _name_fields(_l("For example: 报告厅"), ENGLISH_HINT)
    kind = SelectField(_l("Kind of venue"), choices=choices(VENUE_KIND_LABELS.items()), default="room")
    capacity = IntegerField(
        _l("Capacity (people)"), description=_l("Leave it empty for no limit."),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave it empty for no limit.")),
        ],
    )
    address = StringField(
        _l("Address"), description=_l("For a site outside the library."),
        validators=[Optional(), Length(max=ADDRESS_MAX, message=ADDRESS_MESSAGE)],
    )
    submit = SubmitField(_l("Save the venue"))

    def set_branches(self, branches, locale: str) -> None:
        self.branch_id.choices = _branch_choices(_l("No branch (outside site)"), branches, locale)


class SeriesForm(Form):
    name, name_en = _name_fields(_l("For example: 星海讲坛"), ENGLISH_HINT)
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=DESCRIPTION_MESSAGE)],
    )
    description_en = TextAreaField(
        _l("English description"),
        validators=[Optional(), Length(max=DESCRIPTION_MAX, message=DESCRIPTION_MESSAGE)],
    )
    branch_id = SelectField(
        _l("Branch"), coerce=optional_int, choices=[], validate_choice=False,
        description=_l("Where the sessions are usually held, if at one branch."),
    )
    submit = SubmitField(_l("Save the series"))

    def set_branches(self, branches, locale: str) -> None:
        self.branch_id.choices = _branch_choices(_l("No particular branch"), branches, locale)


class PartnerForm(Form):
    name, name_en = _name_fields(_l("For example: 醴陵市第一中学"), ENGLISH_HINT)
    submit = SubmitField(_l("Save the partner"))



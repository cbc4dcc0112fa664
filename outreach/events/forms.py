from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, SubmitField
from wtforms.validators import InputRequired

from outreach.events.labels import AUDIENCE_LABELS, EVENT_TYPE_LABELS


class ProgrammeFilterForm(FlaskForm):
    """The public programme's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    type = SelectField(_l("Type"), choices=[], default="")
    branch = SelectField(_l("Branch"), choices=[], default="")
    audience = SelectField(_l("Audience"), choices=[], default="")

    def set_choices(self, branches, locale: str) -> None:
        self.type.choices = [("", _l("All types"))] + [(k, v) for k, v in EVENT_TYPE_LABELS.items()]
        self.branch.choices = [("", _l("All branches"))] + [(str(b.id), b.display_name(locale)) for b in branches]
        self.audience.choices = [("", _l("Everyone"))] + [
            (k, v) for k, v in AUDIENCE_LABELS.items() if k not in ("all", "staff")
        ]


class DuplicateForm(FlaskForm):
    starts_at = DateTimeLocalField(
        _l("The copy starts at"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time the copy starts."))],
    )
    submit = SubmitField(_l("Duplicate as a draft"))

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

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


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _optional_int(value):
    """A select's value as an id, or None for its empty choice (or anything not a number)."""
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


REGISTRATION_LABELS = {
    "open": _l("Registration: people register for tickets"),
    "none": _l("No registration: people just come"),
}


class EventForm(FlaskForm):
    """An event's details, for creating and editing. The rules (times in order, a session
    number only with a series, both daily hours or neither ...) are ``check_event``'s."""

    type = SelectField(_l("Type"), choices=_choices(EVENT_TYPE_LABELS.items()), default="lecture")
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Give a title of 1 to %(n)d characters.", n=200)), Length(max=200)],
    )
    title_en = StringField(_l("English title"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("English description"), validators=[Optional(), Length(max=20000)])
    venue_id = SelectField(
        _l("Venue"), coerce=_optional_int, choices=[], validate_choice=False,
        validators=[InputRequired(_l("Choose a venue."))],
    )
    starts_at = DateTimeLocalField(
        _l("Starts at"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time the event starts."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends at"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time the event ends."))],
    )
    daily_opens_at = TimeField(_l("Opens each day at"), validators=[Optional()])
    daily_closes_at = TimeField(_l("Closes each day at"), validators=[Optional()])
    capacity = IntegerField(
        _l("Capacity (people)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave it empty for no limit.")),
        ],
    )
    registration = SelectField(_l("Registration"), choices=_choices(REGISTRATION_LABELS.items()), default="open")
    max_party_size = IntegerField(
        _l("Largest party per registration"), default=100,
        validators=[
            InputRequired(_l("Enter a whole number of 1 or more.")),
            NumberRange(min=1, message=_l("Enter a whole number of 1 or more.")),
        ],
    )
    audience = SelectField(_l("Audience"), choices=_choices(AUDIENCE_LABELS.items()), default="all")
    series_id = SelectField(_l("Series"), coerce=_optional_int, choices=[], validate_choice=False)
    session_number = IntegerField(
        _l("Session number"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number of 1 or more."))],
    )
    speaker = StringField(_l("Speaker"), validators=[Optional(), Length(max=120)])
    status = SelectField(
        _l("Save as"), choices=_choices([("draft", _l("Draft")), ("published", _l("Published"))]), default="draft",
    )
    submit = SubmitField(_l("Save the event"))

    def set_choices(self, venues, series, locale: str) -> None:
        self.venue_id.choices = _choices([("", _l("Choose a venue"))] + [
            (v.id, f"{v.display_name(locale)} · {v.branch.display_name(locale)}" if v.branch else v.display_name(locale))
            for v in venues
        ])
        self.series_id.choices = _choices([("", _l("No series"))] + [(s.id, s.display_name(locale)) for s in series])

    def details(self) -> dict:
        """The fields the services take (``venue`` and ``series`` are looked up by the view)."""
        names = (
            "type", "title", "title_en", "description", "description_en", "capacity", "registration",
            "max_party_size", "audience", "session_number", "speaker", "daily_opens_at", "daily_closes_at",
        )
        values = {name: getattr(self, name).data for name in names}
        for name in ("title_en", "description", "description_en", "speaker"):
            values[name] = (values[name] or "").strip() or None
        return values


class StatusForm(FlaskForm):
    """A button that moves an event along the workflow, with the reason for a cancellation."""

    status = HiddenField(validators=[AnyOf(("published", "completed", "cancelled"))])
    reason = StringField(_l("Reason (sent to registrants)"), validators=[Optional(), Length(max=500)])

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from outreach.events.labels import AUDIENCE_LABELS, EVENT_TYPE_LABELS, PARTNER_ROLE_LABELS
from outreach.events.models import (
    BIO_MAX,
    BUFFER_MINUTES_MAX,
    CHECKIN_OPENS_DEFAULT,
    CHECKIN_OPENS_MAX,
    DEFAULT_MAX_PARTY_SIZE,
    DESCRIPTION_MAX,
    REASON_MAX,
    SPEAKER_MAX,
    TITLE_MAX,
)
from outreach.events.services import minutes_message
from outreach.places.models import COVER_ALT_MAX
from outreach.forms import Form, RowForm, choices, optional_int
from outreach.timezone import localize


class ProgrammeFilterForm(Form):
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


class CoverForm(Form):
    """A cover image to upload (sent as multipart/form-data) and its description; the
    service checks both (``services.set_cover``)."""

    image = FileField(_l("Picture (JPEG, PNG or WebP, up to 8 MB)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    alt = StringField(_l("Describe the picture"), render_kw={"maxlength": COVER_ALT_MAX})
    submit = SubmitField(_l("Save the cover image"))


class DuplicateForm(Form):
    starts_at = DateTimeLocalField(
        _l("The copy starts at"), format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("Give the date and time the copy starts."))],
    )
    submit = SubmitField(_l("Duplicate as a draft"))


REGISTRATION_LABELS = {
    "open": _l("Registration: people register for tickets"),
    "none": _l("No registration: people just come"),
}


#: Blank rows the event form offers for extra registration questions and for partners.
QUESTION_ROWS = 5
PARTNER_ROWS = 4
_CHOICE_SEPARATORS = re.compile(r"[,，、;；\n]+")


class QuestionRow(RowForm):
    """One extra question a registrant answers (school, grade, piece title ...)."""

    key = HiddenField()
    label = StringField(_l("Question"), validators=[Optional(), Length(max=100)])
    label_en = StringField(_l("Question in English"), validators=[Optional(), Length(max=100)])
    choices = StringField(
        _l("Choices"), validators=[Optional(), Length(max=3000)],
    )
    required = BooleanField(_l("An answer is required"))

    def question(self, taken: set[str]) -> dict | None:
        """The row as the event stores it, or None for an empty row. A new row gets the
        first free key q1, q2 ...; an existing one keeps its key, so answers stay attached."""
        label = (self.label.data or "").strip()
        if not label:
            return None
        key = self.key.data or next(f"q{n}" for n in range(1, 100) if f"q{n}" not in taken)
        taken.add(key)
        question = {"key": key, "label": label, "required": bool(self.required.data)}
        if (self.label_en.data or "").strip():
            question["label_en"] = self.label_en.data.strip()
        choices = [c.strip() for c in _CHOICE_SEPARATORS.split(self.choices.data or "") if c.strip()]
        if choices:
            question["choices"] = choices
        return question


class PartnerRow(RowForm):
    partner_id = SelectField(_l("Partner"), coerce=optional_int, choices=[], validate_choice=False)
    role = SelectField(
        lazy_pgettext("a partner's part in an event", "Role"), choices=choices(PARTNER_ROLE_LABELS.items()),
        default="co_organiser",
    )


class ScheduleFields(Form):
    """Where and when an event takes place, what its room needs, and when registration is
    open: the fields the event form and a competition sitting's form share."""

    venue_id = SelectField(
        _l("Venue"), coerce=optional_int, choices=[], validate_choice=False,
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
    registration_opens_at = DateTimeLocalField(_l("Registration opens at"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes at"), format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    setup_minutes = IntegerField(
        _l("Set-up (minutes before)"), default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=BUFFER_MINUTES_MAX, message=minutes_message(BUFFER_MINUTES_MAX)),
        ],
    )
    teardown_minutes = IntegerField(
        _l("Tear-down (minutes after)"), default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=BUFFER_MINUTES_MAX, message=minutes_message(BUFFER_MINUTES_MAX)),
        ],
    )
    booking_override_reason = StringField(
        _l("Reason to book the room although it is taken"), validators=[Optional(), Length(max=REASON_MAX)]
    )

    def set_venue_choices(self, venues, locale: str) -> None:
        self.venue_id.choices = choices([("", _l("Choose a venue"))] + [
            (v.id, f"{v.display_name(locale)} · {v.branch.display_name(locale)}" if v.branch else v.display_name(locale))
            for v in venues
        ])

    def schedule(self) -> dict:
        """These fields as the services take them: aware times (library time), the minutes'
        usual values when emptied, no blank reason. The venue is looked up by the view."""
        values = {
            name: localize(getattr(self, name).data) if getattr(self, name).data is not None else None
            for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")
        }
        values["setup_minutes"] = self.setup_minutes.data if self.setup_minutes.data is not None else 0
        values["teardown_minutes"] = self.teardown_minutes.data if self.teardown_minutes.data is not None else 0
        values["booking_override_reason"] = (self.booking_override_reason.data or "").strip() or None
        return values


TITLE_MESSAGE = _l("Give a title of 1 to %(n)d characters.", n=TITLE_MAX)


class EventForm(ScheduleFields):
    """An event's details, for creating and editing. The rules (times in order, a session
    number only with a series, both daily hours or neither, a free room ...) are the services'."""

    type = SelectField(_l("Type"), choices=choices(EVENT_TYPE_LABELS.items()), default="lecture")
    title = StringField(
        _l("Title"), validators=[InputRequired(TITLE_MESSAGE), Length(max=TITLE_MAX, message=TITLE_MESSAGE)],
    )
    title_en = StringField(_l("English title"), validators=[Optional(), Length(max=TITLE_MAX, message=TITLE_MESSAGE)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    description_en = TextAreaField(_l("English description"), validators=[Optional(), Length(max=DESCRIPTION_MAX)])
    daily_opens_at = TimeField(_l("Opens each day at"), validators=[Optional()])
    daily_closes_at = TimeField(_l("Closes each day at"), validators=[Optional()])
    capacity = IntegerField(
        lazy_pgettext("the places an event takes", "Capacity (people)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave it empty for no limit.")),
        ],
    )
    registration = SelectField(_l("Registration"), choices=choices(REGISTRATION_LABELS.items()), default="open")
    max_party_size = IntegerField(
        _l("Largest party per registration"), default=DEFAULT_MAX_PARTY_SIZE,
        validators=[
            InputRequired(_l("Enter a whole number of 1 or more.")),
            NumberRange(min=1, message=_l("Enter a whole number of 1 or more.")),
        ],
    )
    groups_capacity = IntegerField(
        _l("Seats for groups (all groups together)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Enter a whole number of 0 or more, or leave it empty for no limit.")),
        ],
    )
    max_group_size = IntegerField(
        _l("Largest group per registration"),
        validators=[
            Optional(),
            NumberRange(min=1, message=_l("Enter a whole number of 1 or more, or leave it empty for the largest party.")),
        ],
    )
    audience = SelectField(_l("Audience"), choices=choices(AUDIENCE_LABELS.items()), default="all")
    series_id = SelectField(_l("Series"), coerce=optional_int, choices=[], validate_choice=False)
    session_number = IntegerField(
        _l("Session number"),
        validators=[Optional(), NumberRange(min=1, message=_l("Enter a whole number of 1 or more."))],
    )
    speaker = StringField(_l("Speaker"), validators=[Optional(), Length(max=SPEAKER_MAX)])
    speaker_bio = TextAreaField(_l("About the speaker"), validators=[Optional(), Length(max=BIO_MAX)])
    speaker_bio_en = TextAreaField(_l("About the speaker, in English"), validators=[Optional(), Length(max=BIO_MAX)])
    checkin_opens_minutes = IntegerField(
        _l("Check-in opens (minutes before the start)"), default=CHECKIN_OPENS_DEFAULT,
        validators=[
            Optional(),
            NumberRange(min=0, max=CHECKIN_OPENS_MAX, message=minutes_message(CHECKIN_OPENS_MAX)),
        ],
    )
    questions = FieldList(FormField(QuestionRow), min_entries=QUESTION_ROWS, max_entries=10)
    partners = FieldList(FormField(PartnerRow), min_entries=PARTNER_ROWS, max_entries=10)
    status = SelectField(
        _l("Save as"), choices=choices([("draft", _l("Draft")), ("published", _l("Published"))]), default="draft",
    )
    submit = SubmitField(_l("Save the event"))

    def set_choices(self, venues, series, locale: str) -> None:
        self.set_venue_choices(venues, locale)
        self.series_id.choices = choices([("", _l("No series"))] + [(s.id, s.display_name(locale)) for s in series])

    def set_partner_choices(self, partners, locale: str) -> None:
        offered = choices([("", _l("No partner"))] + [(p.id, p.display_name(locale)) for p in partners])
        for entry in self.partners:
            entry.form.partner_id.choices = offered

    def details(self) -> dict:
        """The fields the services take, times aware (``venue`` and ``series`` are looked up
        by the view, the partners are ``partner_rows()``)."""
        names = (
            "type", "title", "title_en", "description", "description_en", "capacity", "registration",
            "max_party_size", "groups_capacity", "max_group_size", "audience", "session_number", "speaker", "speaker_bio", "speaker_bio_en",
            "daily_opens_at", "daily_closes_at", "checkin_opens_minutes",
        )
        values = {name: getattr(self, name).data for name in names}
        for name in ("title_en", "description", "description_en", "speaker", "speaker_bio", "speaker_bio_en"):
            values[name] = (values[name] or "").strip() or None
        # An emptied field means the usual: check-in two hours before.
        if values["checkin_opens_minutes"] is None:
            values["checkin_opens_minutes"] = CHECKIN_OPENS_DEFAULT
        values.update(self.schedule())
        values["questions"] = self.question_list()
        return values

    def question_list(self) -> list[dict] | None:
        """The question rows that are filled in, as the event stores them (None for none)."""
        rows = [entry.form for entry in self.questions]
        taken = {row.key.data for row in rows if row.key.data}
        return [q for q in (row.question(taken) for row in rows) if q] or None

    def partner_rows(self) -> list[tuple[int, str]]:
        """(partner id, role) of the rows that name a partner."""
        rows = [entry.form for entry in self.partners]
        return [(row.partner_id.data, row.role.data) for row in rows if row.partner_id.data]


class StatusForm(Form):
    """A button that moves an event along the workflow, with the reason for a cancellation."""

    status = HiddenField(validators=[AnyOf(("published", "completed", "cancelled"))])
    reason = StringField(_l("Reason (sent to registrants)"), validators=[Optional(), Length(max=500)])


class CancelEventForm(Form):
    """The second step of cancelling an event: the reason, required when registrants are told."""

    reason = StringField(_l("Reason (sent to registrants)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Cancel the event"))


class ExhibitForm(Form):
    """One work of an exhibition's catalogue."""

    title = StringField(
        _l("Title of the work"),
        validators=[InputRequired(_l("Give a title of 1 to %(n)d characters.", n=200)), Length(max=200)],
    )
    creator = StringField(
        _l("Creator"),
        validators=[InputRequired(_l("Give the creator's name, 1 to %(n)d characters.", n=120)), Length(max=120)],
    )
    age = IntegerField(
        _l("Age"), validators=[Optional(), NumberRange(min=0, max=120, message=_l("Enter an age from 0 to 120, or leave it empty."))],
    )
    school = StringField(_l("School"), validators=[Optional(), Length(max=120)])
    note = StringField(_l("Note (technique, size ...)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save the work"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("title", "creator", "age", "school", "note")}


class ExhibitImportForm(Form):
    lines = TextAreaField(
        _l("Works, one a line"),
        validators=[InputRequired(_l("Paste or type at least one line.")), Length(max=100_000)],
    )
    submit = SubmitField(_l("Add these works"))

"""Staff forms of volunteering: the shape of input only (the rules are in ``services``), and
the translated names of the codes the volunteer tables store."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import (
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.forms import Form
from outreach.years import parse_decimal

VOLUNTEER_STATUS_LABELS = {
    "applicant": _l("Applicant"),
    "active": _l("Active"),
    "paused": _l("Paused"),
    "archived": _l("Archived"),
    "rejected": _l("Rejected"),
}

SIGNUP_STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "waitlisted": lazy_pgettext("status", "Waiting list"),
    "cancelled": _l("Cancelled"),
    "completed": lazy_pgettext("a volunteer's shift, served", "Completed"),
    "no_show": _l("No-show"),
}

REVIEW_ACTION_LABELS = {
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "pause": _l("Pause"),
    "archive": _l("Archive"),
    "reactivate": _l("Reactivate"),
}

CALL_STATUS_LABELS = {"open": _l("Taking applications"), "closed": _l("Closed to applications")}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERIOD_LABELS = {"am": _l("Morning"), "pm": _l("Afternoon"), "eve": _l("Evening")}

CERTIFICATE_LANGUAGES = [("zh_Hans", "中文"), ("en", "English")]

DATE_MESSAGE = _l("Enter a date such as 2026-03-05.")
TIME_MESSAGE = _l("Enter a time such as 09:30.")
DATETIME_MESSAGE = _l("Enter a date and a time such as 2026-03-05 09:30.")
WHOLE_NUMBER_MESSAGE = _l("Enter a whole number.")
HOURS_MESSAGE = _l("Enter a number of hours, such as 1.5.")




class HoursField(DecimalField):
    """Hours such as ``1.5`` or ``-0.25``; full-width digits typed with a Chinese input method
    are read too. NaN and infinities are refused here, so that no service compares them."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("places", None)
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "step": "0.25"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = unicodedata.normalize("NFKC", valuelist[0] or "").strip()
        if not text:
            self.data = None
            return
        value = parse_decimal(text)
        if value is None:
            self.data = None
            raise ValueError(HOURS_MESSAGE)
        self.data = value


def options(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms 3.3 wants its choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def required(message):
    return DataRequired(message=message)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# --- volunteers ------------------------------------------------------------------------------


class ReviewForm(Form):
    """The review buttons: each button sends its own ``action``."""

    action = SelectField(
        _l("Decision"), choices=options(REVIEW_ACTION_LABELS.items()), validate_choice=True,
    )
    note = TextAreaField(
        _l("Note to the volunteer (optional)"), validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def validate_action(self, field):
        if field.data not in REVIEW_ACTION_LABELS:
            raise ValidationError(_l("Choose one of the decisions."))


class HoursForm(Form):
    hours = HoursField(
        _l("Hours to add (negative to take away)"),
        validators=[InputRequired(_l("Enter a number of hours, such as 1.5."))],
    )
    reason = TextAreaField(
        _l("Reason"), validators=[required(_l("Give the reason for the correction.")), Length(max=2000)],
        render_kw={"rows": 2},
    )
    day = DateField(_l("Day the hours belong to"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    submit = SubmitField(_l("Record the adjustment"))


class CertificateForm(Form):
    year = SelectField(_l("Year"), coerce=int, validate_choice=True)
    language = SelectField(
        _l("Language of the certificate"), choices=options(CERTIFICATE_LANGUAGES), validate_choice=True
    )
    submit = SubmitField(_l("Make the certificate (PDF)"))


# --- recruitment calls -----------------------------------------------------------------------


class CallForm(Form):
    title = StringField(_l("Title"), validators=[required(_l("Give the call a title.")), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), validators=[required(_l("Describe what volunteers will do.")), Length(max=5000)],
        render_kw={"rows": 5},
    )
    description_en = TextAreaField(
        _l("Description in English"), validators=[Optional(), Length(max=5000)], render_kw={"rows": 5}
    )
    roles = TextAreaField(_l("Roles wanted"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    roles_en = TextAreaField(
        _l("Roles wanted, in English"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    skills_wanted = TextAreaField(
        _l("Skills wanted"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    skills_wanted_en = TextAreaField(
        _l("Skills wanted, in English"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    commitment = StringField(_l("Time commitment"), validators=[Optional(), Length(max=200)])
    commitment_en = StringField(_l("Time commitment, in English"), validators=[Optional(), Length(max=200)])
    deadline = DateField(_l("Deadline (optional)"), validators=[Optional()], invalid_value_message=DATE_MESSAGE)
    status = SelectField(
        _l("Status"), choices=options(CALL_STATUS_LABELS.items()), validate_choice=True, default="open"
    )
    submit = SubmitField(_l("Save the call"))

    FIELDS = (
        "title", "title_en", "description", "description_en", "roles", "roles_en", "skills_wanted",
        "skills_wanted_en", "commitment", "commitment_en", "deadline", "status",
    )


# --- trainings --------------------------------------------------------------------------------


class TrainingForm(Form):
    title = StringField(_l("Title"), validators=[required(_l("Give the training a title.")), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    topic = StringField(
        _l("Topic"),
        validators=[required(_l("Give the topic a shift can require, such as 消防安全.")), Length(max=100)],
            )
    starts_at = DateTimeLocalField(
        _l("Starts"), validators=[InputRequired(DATETIME_MESSAGE)], format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        invalid_value_message=DATETIME_MESSAGE,
    )
    ends_at = DateTimeLocalField(
        _l("Ends"), validators=[InputRequired(DATETIME_MESSAGE)], format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        invalid_value_message=DATETIME_MESSAGE,
    )
    location = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Add the training"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))


class TrainingAttendanceForm(Form):
    volunteers = MultiCheckboxField(_l("Who attended"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Record attendance"))

    def validate_volunteers(self, field):
        if not field.data:
            raise StopValidation(_l("Tick at least one volunteer."))


# --- shifts -------------------------------------------------------------------------------------


class _ShiftDetails(Form):
    event = SelectField(_l("Event"), coerce=int, validate_choice=True, default=0)
    role = StringField(
        _l("Role"), validators=[required(_l("Give a role of 1 to %(n)d characters.", n=120)), Length(max=120)],
            )
    day = DateField(_l("Day"), validators=[InputRequired(DATE_MESSAGE)], invalid_value_message=DATE_MESSAGE)
    slots = IntegerField(
        _l("Volunteers needed"), validators=[InputRequired(WHOLE_NUMBER_MESSAGE)], default=1,
        invalid_value_message=WHOLE_NUMBER_MESSAGE, render_kw={"inputmode": "numeric", "min": 1, "max": 500},
    )
    location = StringField(_l("Place (optional)"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(
        _l("Notes (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    required_topic = StringField(_l("Training required (topic)"), validators=[Optional(), Length(max=100)])
    required_skill = StringField(_l("Skill required"), validators=[Optional(), Length(max=100)])
    cancel_cutoff_hours = IntegerField(
        _l("Cancellation closes this many hours before"), validators=[Optional()],
        invalid_value_message=WHOLE_NUMBER_MESSAGE, render_kw={"inputmode": "numeric", "min": 0, "max": 720},
    )

    def details(self) -> dict:
        """The optional shift fields, as ``services.create_shift`` takes them."""
        return {
            "location": self.location.data or None,
            "notes": self.notes.data or None,
            "required_topic": self.required_topic.data or None,
            "required_skill": self.required_skill.data or None,
            "cancel_cutoff_hours": self.cancel_cutoff_hours.data,
        }


class ShiftForm(_ShiftDetails):
    start_time = TimeField(
        _l("Starts at"), validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE
    )
    end_time = TimeField(_l("Ends at"), validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE)
    submit = SubmitField(_l("Add the shift"))

    #: Where a service's message about a field goes on this form.
    ERROR_FIELDS = {"starts_at": "start_time", "ends_at": "end_time"}


class PatternForm(_ShiftDetails):
    first_start = TimeField(
        _l("First shift starts at"), validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE,
        default=None,
    )
    last_end = TimeField(
        _l("Last shift ends by"), validators=[InputRequired(TIME_MESSAGE)], invalid_value_message=TIME_MESSAGE,
    )
    length_minutes = IntegerField(
        _l("Length of each shift, in minutes"), validators=[InputRequired(WHOLE_NUMBER_MESSAGE)], default=60,
        invalid_value_message=WHOLE_NUMBER_MESSAGE, render_kw={"inputmode": "numeric", "min": 15, "max": 1440},
    )
    submit = SubmitField(_l("Add the shifts"))

    ERROR_FIELDS = {"starts_at": "first_start", "ends_at": "last_end"}


class ShiftAttendanceForm(Form):
    volunteer = SelectField(_l("Volunteer"), coerce=int, validate_choice=True)
    status = RadioField(
        lazy_pgettext("whether a volunteer served a shift", "Attendance"),
        choices=options([("completed", _l("Served")), ("no_show", _l("Did not come"))]),
        validators=[InputRequired(_l("Choose whether the volunteer served or did not come."))], default="completed",
    )
    hours = HoursField(_l("Hours (optional)"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason for a correction"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    submit = SubmitField(_l("Record attendance"))


class RosterDayForm(Form):
    """The day picker of the rosters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    day = DateField(_l("Day"), validators=[InputRequired(DATE_MESSAGE)], invalid_value_message=DATE_MESSAGE)
    submit = SubmitField(_l("Show the roster"))

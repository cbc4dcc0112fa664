"""Volunteers' forms: the shape of the application, and the buttons that change a shift."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from outreach.forms import Form, name_field, phone_field
from outreach.accounts.services import MIN_PASSWORD_LENGTH
from outreach.volunteers.models import PERIODS, WEEKDAYS

PERIOD_LABELS = {"am": _l("Morning"), "pm": _l("Afternoon"), "eve": _l("Evening")}


def availability_choices() -> list[SelectChoice]:
    """``mon-am`` ... ``sun-eve``: the checkboxes of the weekly availability grid (the template
    lays them out by day, labelled with the locale's day names)."""
    return [SelectChoice(f"{day}-{period}") for day in WEEKDAYS for period in PERIODS]


def availability_dict(values: list[str] | None) -> dict:
    """The ticked boxes as the profile keeps them: ``{"mon": ["am", "pm"], ...}``."""
    chosen: dict[str, list[str]] = {}
    for value in values or []:
        day, _, period = value.partition("-")
        if day in WEEKDAYS and period in PERIODS:
            chosen.setdefault(day, [])
            if period not in chosen[day]:
                chosen[day].append(period)
    return {day: [p for p in PERIODS if p in chosen[day]] for day in WEEKDAYS if day in chosen}


class ApplicationForm(Form):
    """The application to volunteer. The rules (consent, a guardian for minors, a free e-mail
    address, a phone number we can call) are the service's; this checks shape only."""

    name = name_field()
    phone = phone_field()
    email = EmailField(
        _l("E-mail"),
        validators=[
            DataRequired(_l("Enter a valid e-mail address.")),
            Email(_l("Enter a valid e-mail address."), check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    password = PasswordField(
        _l("Choose a password"),
        validators=[
            DataRequired(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)),
            Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD_LENGTH},
    )
    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=500)])
    languages = StringField(_l("Languages and dialects you speak"), validators=[Optional(), Length(max=200)])
    availability = SelectMultipleField(_l("When can you usually help?"), choices=availability_choices(), validate_choice=True)
    motivation = TextAreaField(_l("Why would you like to volunteer?"), validators=[Optional(), Length(max=2000)])
    emergency_contact = StringField(
        _l("Emergency contact (name and phone)"), validators=[Optional(), Length(max=200)]
    )
    is_minor = BooleanField(_l("I am under 18"))
    guardian_name = StringField(_l("Parent's or guardian's name"), validators=[Optional(), Length(max=100)])
    guardian_consent = BooleanField(_l("My parent or guardian agrees that I volunteer at the library"))
    consent = BooleanField(_l("I agree that the library keeps these details to run its volunteer programme."))
    #: The recruitment call answered, from ``/volunteer/apply?call=ID``.
    call = HiddenField()
    submit = SubmitField(_l("Send my application"))


class ProfileForm(Form):
    """A volunteer's own details that they keep up to date themselves."""

    phone = phone_field()
    skills = StringField(_l("Skills"), validators=[Optional(), Length(max=500)])
    languages = StringField(_l("Languages and dialects you speak"), validators=[Optional(), Length(max=200)])
    availability = SelectMultipleField(_l("When can you usually help?"), choices=availability_choices(), validate_choice=True)
    emergency_contact = StringField(
        _l("Emergency contact (name and phone)"), validators=[Optional(), Length(max=200)]
    )
    submit = SubmitField(_l("Save my details"))


def availability_values(availability: dict | None) -> list[str]:
    """The profile's availability as the form's ticked boxes (``mon-am`` ...)."""
    return [f"{day}-{period}" for day in WEEKDAYS for period in PERIODS if period in (availability or {}).get(day, ())]

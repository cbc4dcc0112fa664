from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from outreach.events.labels import GROUP_KIND_LABELS
from outreach.forms import Form, choices, name_field, phone_field
from outreach.registration.models import GROUP_NEEDS_MAX, ORGANISATION_MAX
from outreach.registration.services import GROUP_NUMBER_MAX
from outreach.text import NAME_MAX


class RegistrationForm(Form):
    """The event page's form. Extra questions are added per event by ``registration_form_for``."""

    name = name_field()
    phone = phone_field()
    email = EmailField(
        _l("E-mail (optional)"), validators=[Optional(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    party_size = IntegerField(
        _l("Number of people"),
        validators=[InputRequired(_l("Enter a number of people.")), NumberRange(min=1, message=_l("At least 1."))],
        default=1, render_kw={"inputmode": "numeric", "min": 1},
    )
    consent = BooleanField(_l("I agree that the library keeps these details to run this event."))
    #: One key per form shown: a second click on "Register" finds the first registration.
    client_key = HiddenField()
    submit = SubmitField(_l("Register"))

    def question_fields(self):
        return [getattr(self, name) for name in self._question_names]


def _number(label):
    message = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=GROUP_NUMBER_MAX)
    return IntegerField(
        label, default=0,
        validators=[InputRequired(message), NumberRange(min=0, max=GROUP_NUMBER_MAX, message=message)],
        render_kw={"inputmode": "numeric", "min": 0},
    )


class GroupRegistrationForm(Form):
    """The "Register a group" page's form: the group, then its leader (whose name and phone
    the registration holds). Extra questions are added per event as on the event page."""

    kind = SelectField(_l("The group is a"), choices=choices(GROUP_KIND_LABELS.items()), default="school_class")
    organisation = StringField(
        _l("School or organisation"),
        validators=[DataRequired(_l("Give the school or organisation's name (up to %(n)d characters).", n=ORGANISATION_MAX)),
                    Length(max=ORGANISATION_MAX)],
        render_kw={"autocomplete": "organization"},
    )
    children = _number(_l("Number of children"))
    adults = _number(_l("Number of adults (teachers, carers)"))
    name = name_field(_l("Group leader's name"))
    phone = phone_field(_l("Group leader's mobile phone"))
    email = EmailField(
        _l("E-mail (optional)"), validators=[Optional(), Length(max=254)], render_kw={"autocomplete": "email"}
    )
    arrival = TimeField(_l("Expected arrival time (optional)"), validators=[Optional()])
    needs = TextAreaField(
        _l("Accessibility and other needs (optional)"), validators=[Optional(), Length(max=GROUP_NEEDS_MAX)],
        render_kw={"maxlength": GROUP_NEEDS_MAX, "rows": 3},
    )
    consent = BooleanField(_l("I agree that the library keeps these details to run this event."))
    client_key = HiddenField()
    submit = SubmitField(_l("Register the group"))

    def question_fields(self):
        return [getattr(self, name) for name in self._question_names]

    def group(self) -> dict:
        """The group's details as the services take them."""
        return {
            "kind": self.kind.data, "organisation": self.organisation.data, "children": self.children.data,
            "adults": self.adults.data, "needs": self.needs.data, "arrival": self.arrival.data,
        }


def group_form_for(event, locale: str, formdata=None) -> GroupRegistrationForm:
    form = _with_questions(GroupRegistrationForm, event, locale, formdata)
    for name in ("children", "adults"):
        field = getattr(form, name)
        field.render_kw = {**field.render_kw, "max": event.largest_group}
    return form


def registration_form_for(event, locale: str, formdata=None) -> RegistrationForm:
    form = _with_questions(RegistrationForm, event, locale, formdata)
    form.party_size.render_kw = {**form.party_size.render_kw, "max": event.max_party_size}
    return form


def _with_questions(base, event, locale: str, formdata=None):
    attrs, names = {}, []
    for question in event.questions or []:
        label = question.get("label_en") if locale == "en" and question.get("label_en") else question["label"]
        validators = [DataRequired(_l("Please answer this question."))] if question.get("required") else [Optional()]
        name = f"q_{question['key']}"
        if question.get("choices"):
            choices = [SelectChoice("", "—")] + [SelectChoice(c, c) for c in question["choices"]]
            attrs[name] = SelectField(label, choices=choices, validators=validators)
        else:
            attrs[name] = StringField(label, validators=validators + [Length(max=200)])
        names.append(name)
    form_class = type("Event" + base.__name__, (base,), attrs)
    form_class._question_names = names
    form = form_class(formdata) if formdata is not None else form_class()
    if not form.client_key.data:
        form.client_key.data = secrets.token_urlsafe(24)
    return form


class CancelForm(Form):
    """Cancelling by ticket, in two steps: the ticket page links to a page that says what will
    happen, whose button sends ``confirmed``; a POST without it only shows that page."""

    confirmed = HiddenField()
    submit = SubmitField(_l("Cancel my registration"))


class ConfirmForm(Form):
    """The second step of something that cannot be undone: its page's button sends ``confirmed``."""

    confirmed = HiddenField()


class PhoneCheckInForm(Form):
    phone = phone_field(_l("The mobile number you registered with"))
    #: The phone alone is no proof: anyone at the poster could type a number they know.
    proof = StringField(
        _l("Your name as registered, or your ticket number"),
        validators=[DataRequired(_l("Enter the name you registered with, or the number on your ticket.")), Length(max=100)],
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField(_l("Check me in"))


class SelfWalkInForm(Form):
    party_size = IntegerField(
        _l("How many of you are there?"),
        validators=[InputRequired(_l("Enter a number of people.")), NumberRange(min=1, max=50, message=_l("From 1 to 50."))],
        default=1, render_kw={"inputmode": "numeric", "min": 1, "max": 50},
    )
    submit = SubmitField(_l("Count us in"))


class MyTicketCheckInForm(Form):
    registration_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Check in with this ticket"))


class MoveForm(Form):
    """Moving a registration, on its own page in two steps: choose the event (radio buttons of
    one page of upcoming events), then confirm, with a reason when the registrant is told."""

    target = IntegerField(_l("Move to"), validators=[InputRequired(_l("Choose an event to move to."))])
    reason = StringField(_l("Reason (sent to the registrant)"), validators=[Optional(), Length(max=500)])
    confirmed = HiddenField()
    submit = SubmitField(_l("Move"))


class CameForm(Form):
    """Staff correct how many of a party came on a day it was checked in (a group)."""

    came = IntegerField(_l("People who came"), validators=[InputRequired(_l("Enter how many came."))])


class HeadcountForm(Form):
    """The visitors counted on one day of an event without tickets (an exhibition)."""

    day = SelectField(_l("Day"), coerce=str, choices=[], validate_choice=True)
    count = IntegerField(
        _l("Visitors counted"),
        validators=[
            InputRequired(_l("Enter a whole number from %(min)d to %(max)d.", min=1, max=10000)),
            NumberRange(min=1, max=10000, message=_l("Enter a whole number from %(min)d to %(max)d.", min=1, max=10000)),
        ],
    )
    submit = SubmitField(_l("Add to the day's count"))

    def set_days(self, days, label) -> None:
        """``days``: the event's days so far, the latest first; ``label`` formats one."""
        self.day.choices = [SelectChoice(d.isoformat(), label(d)) for d in days]


class FindTicketForm(Form):
    """"Find my ticket": the phone number registered with, the name (which shows a ticket that
    no e-mail can take) and the event, or every upcoming one (``""``). Sent by POST only."""

    phone = phone_field(_l("The phone number you registered with"))
    name = StringField(
        _l("The name you registered with"), validators=[Optional(), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )
    event = SelectField(_l("Event"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Find my ticket"))

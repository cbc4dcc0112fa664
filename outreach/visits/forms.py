"""The requester's form (a phone's: one column) and the staff's answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, EmailField, IntegerField, RadioField, SelectField, StringField, SubmitField,
    TextAreaField, TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from outreach.events.models import TITLE_MAX
from outreach.forms import Form, choices, name_field, phone_field
from outreach.visits.models import AGES_MAX, GROUP_MAX, NEEDS_MAX, NOTE_MAX, ORGANISATION_MAX, TOPIC_MAX
from outreach.visits.services import GUIDES_MAX

KIND_LABELS = {
    "school": _l("School"), "kindergarten": _l("Kindergarten"), "community": _l("Community group"),
    "company": _l("Company"), "other": _l("Other"),
}
PART_LABELS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "times": _l("Between the times below")}
WISH_LABELS = {"guided": _l("A guided visit of the library"), "topic": _l("A session on a topic")}
STATUS_LABELS = {
    "new": _l("New"), "proposed": _l("Another date proposed"), "accepted": _l("Accepted"),
    "declined": _l("Declined"), "withdrawn": _l("Proposed date declined"),
}

_COUNT_MESSAGE = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=GROUP_MAX)


def _count_field(label):
    return IntegerField(label, default=0, validators=[
        InputRequired(_COUNT_MESSAGE), NumberRange(min=0, max=GROUP_MAX, message=_COUNT_MESSAGE)],
        render_kw={"inputmode": "numeric"})


class RequestForm(Form):
    organisation = StringField(_l("School or organisation"), validators=[
        DataRequired(_l("Give the name of your school or organisation.")), Length(max=ORGANISATION_MAX)],
        render_kw={"autocomplete": "organization"})
    kind = SelectField(_l("Kind of group"), choices=choices(KIND_LABELS.items()), default="school",
                       validate_choice=True)
    contact_name = name_field(_l("Contact person"))
    phone = phone_field()
    email = EmailField(_l("E-mail (optional: we send your link and our answer there)"),
                       validators=[Optional(), Length(max=254)], render_kw={"autocomplete": "email"})
    date_1 = DateField(_l("First choice: date"), validators=[Optional()])
    part_1 = SelectField(_l("First choice: time of day"), choices=choices(PART_LABELS.items()), validate_choice=True)
    from_1 = TimeField(_l("First choice: from"), validators=[Optional()])
    to_1 = TimeField(_l("First choice: to"), validators=[Optional()])
    date_2 = DateField(_l("Second choice: date (optional)"), validators=[Optional()])
    part_2 = SelectField(_l("Second choice: time of day"), choices=choices(PART_LABELS.items()), validate_choice=True)
    from_2 = TimeField(_l("Second choice: from"), validators=[Optional()])
    to_2 = TimeField(_l("Second choice: to"), validators=[Optional()])
    date_3 = DateField(_l("Third choice: date (optional)"), validators=[Optional()])
    part_3 = SelectField(_l("Third choice: time of day"), choices=choices(PART_LABELS.items()), validate_choice=True)
    from_3 = TimeField(_l("Third choice: from"), validators=[Optional()])
    to_3 = TimeField(_l("Third choice: to"), validators=[Optional()])
    children = _count_field(_l("Number of children"))
    adults = _count_field(_l("Number of adults (teachers, parents)"))
    ages = StringField(_l("Ages (e.g. 9–10, Grade 4)"), validators=[Optional(), Length(max=AGES_MAX)])
    wish = RadioField(_l("What would you like?"), choices=choices(WISH_LABELS.items()), default="guided",
                      validate_choice=True)
    topic = StringField(_l("Topic of the session (if you want one)"), validators=[Optional(), Length(max=TOPIC_MAX)])
    needs = TextAreaField(_l("Needs (accessibility, arrival time, anything we should know)"),
                          validators=[Optional(), Length(max=NEEDS_MAX)])
    consent = BooleanField(_l("I agree that the library keeps these details to arrange this visit."))
    submit = SubmitField(_l("Send the request"))

    def preferred(self) -> list[dict]:
        rows = []
        for n in (1, 2, 3):
            day = getattr(self, f"date_{n}").data
            if day is None and n > 1:
                continue
            rows.append({"date": day, "part": getattr(self, f"part_{n}").data,
                         "from": getattr(self, f"from_{n}").data, "to": getattr(self, f"to_{n}").data})
        return rows

    def values(self) -> dict:
        return {
            "organisation": self.organisation.data, "kind": self.kind.data, "contact_name": self.contact_name.data,
            "phone": self.phone.data, "email": self.email.data, "preferred": self.preferred(),
            "children": self.children.data, "adults": self.adults.data, "ages": self.ages.data,
            "wish": self.wish.data, "topic": self.topic.data, "needs": self.needs.data, "consent": self.consent.data,
        }


def field_of(key: str) -> str:
    """The form's field for a service's message: ``preferred.0.date`` is ``date_1``."""
    parts = key.split(".")
    if parts[0] == "preferred" and len(parts) == 3:
        return f"{parts[2]}_{int(parts[1]) + 1}"
    if parts[0] == "preferred":
        return "date_1"
    return key


class SlotForm(Form):
    """When and where staff would hold the visit."""

    day = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    starts = TimeField(_l("Starts at"), validators=[InputRequired(_l("Give the time it starts."))])
    ends = TimeField(_l("Ends at"), validators=[InputRequired(_l("Give the time it ends."))])
    venue_id = SelectField(_l("Room"), coerce=int, choices=[], validate_choice=True)
    title = StringField(_l("Title (optional: from the topic and the organisation)"),
                        validators=[Optional(), Length(max=TITLE_MAX)])
    guides = IntegerField(_l("Volunteer guides to ask for (optional)"), validators=[
        Optional(), NumberRange(min=0, max=GUIDES_MAX, message=_l("Enter a whole number from %(min)d to %(max)d.",
                                                                  min=0, max=GUIDES_MAX))],
        render_kw={"inputmode": "numeric"})


class AcceptForm(SlotForm):
    submit = SubmitField(_l("Accept and book the visit"))


class ProposeForm(SlotForm):
    note = TextAreaField(_l("Note to the requester (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Propose this date"))


class DeclineForm(Form):
    reason = TextAreaField(_l("Reason (sent to the requester)"), validators=[
        DataRequired(_l("Give the reason: it is sent to the requester.")), Length(max=NOTE_MAX)])
    submit = SubmitField(_l("Decline the request"))


class RespondForm(Form):
    """The requester's answer to a date proposed: the button pressed says which."""

    accept = SubmitField(_l("Accept this date"))
    decline = SubmitField(_l("Decline this date"))

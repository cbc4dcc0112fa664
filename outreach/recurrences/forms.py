"""Weekly-event forms: the shape of input only. The pattern's rules (a weekday at least, dates in
order, a year at most, free rooms) are ``outreach.recurrences.services``'; their messages come
back beside these fields through ``attach_errors``.

The event fields are ``EventForm``'s own: the forms here subclass it and drop the fields that
belong to one date (start, end, daily hours, registration window) or to one event (partners).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

from babel.dates import get_day_names
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.forms import Form
from outreach.events.forms import PARTNER_ROWS, EventForm, PartnerRow
from outreach.events.models import Event
from outreach.recurrences.services import REASON_MAX
from outreach.timezone import local

#: The EventForm fields every occurrence shares, as the services take them.
SHARED_FIELDS = (
    "type", "title", "title_en", "description", "description_en", "capacity", "registration", "max_party_size",
    "groups_capacity", "max_group_size", "audience", "speaker", "speaker_bio", "speaker_bio_en", "checkin_opens_minutes", "setup_minutes",
    "teardown_minutes", "booking_override_reason",
)
_OPTIONAL_TEXT = (
    "title_en", "description", "description_en", "speaker", "speaker_bio", "speaker_bio_en", "booking_override_reason",
)
#: A line of the exceptions box: a date (2026-10-01, 2026/10/1 or 2026.10.1), then the reason.
_EXCEPTION_LINE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+(.*))?$")


class WeekdaysField(SelectMultipleField):
    """ISO weekdays (1 Monday to 7 Sunday) as checkboxes, named in the reader's language."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, choices=[], **kwargs)

    def set_locale(self, locale: str) -> None:
        names = get_day_names("wide", locale=locale)
        self.choices = [SelectChoice(n + 1, names[n]) for n in range(7)]


def _weekdays_field() -> WeekdaysField:
    return WeekdaysField(_l("Days of the week"), validators=[DataRequired(_l("Choose at least one day of the week."))])


def parse_exceptions(text: str | None) -> list[tuple[date, str | None]]:
    """The exceptions box, one per line: "2026-10-01 国庆节". Full-width digits and spaces (a
    Chinese input method) are read too. Raises ``ValueError`` whose message names the bad line."""
    found = []
    for number, raw in enumerate((text or "").splitlines(), 1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        match = _EXCEPTION_LINE.match(line)
        try:
            day = date(*map(int, match.groups()[:3])) if match else None
        except ValueError:
            day = None
        if day is None:
            raise ValueError(_l(
                "Line %(n)d (“%(line)s”): start it with a date such as 2026-10-01, then the reason if you like.",
                n=number, line=raw.strip(),
            ))
        reason = (match.group(4) or "").strip() or None
        if reason is not None and len(reason) > REASON_MAX:
            raise ValueError(_l("Line %(n)d: keep the reason to %(max)d characters.", n=number, max=REASON_MAX))
        found.append((day, reason))
    return found


class OccurrenceForm(EventForm):
    """The event fields every occurrence shares, and its time of day."""

    starts_at = ends_at = daily_opens_at = daily_closes_at = None
    registration_opens_at = registration_closes_at = partners = None
    start_time = TimeField(_l("Starts at (time of day)"), validators=[InputRequired(_l("Give the time it starts."))])
    end_time = TimeField(_l("Ends at (time of day)"), validators=[InputRequired(_l("Give the time it ends."))])

    def details(self) -> dict:
        """The shared fields as the services take them (``venue`` is looked up by the view)."""
        values = {name: self[name].data for name in SHARED_FIELDS}
        for name in _OPTIONAL_TEXT:
            values[name] = (values[name] or "").strip() or None
        return values


class RecurrenceForm(OccurrenceForm):
    """A new weekly event: its pattern, exceptions and the details of every occurrence."""

    weekdays = _weekdays_field()
    starts_on = DateField(_l("First date"), validators=[InputRequired(_l("Give the first date."))])
    ends_on = DateField(_l("Last date"), validators=[InputRequired(_l("Give the last date."))])
    exceptions = TextAreaField(_l("Days to skip"), validators=[Optional(), Length(max=5000)])
    #: Every occurrence has these partners (one occurrence's own page changes its own).
    partners = FieldList(FormField(PartnerRow), min_entries=PARTNER_ROWS, max_entries=10)
    submit = SubmitField(_l("Create the occurrences"))

    def validate_exceptions(self, field) -> None:
        try:
            parse_exceptions(field.data)
        except ValueError as error:
            raise FieldError(str(error)) from None

    @property
    def skipped(self) -> list[tuple[date, str | None]]:
        """The days to skip, with their reasons (once the form has validated)."""
        return parse_exceptions(self.exceptions.data)

    def details(self) -> dict:
        values = super().details()
        taken: set[str] = set()
        values["questions"] = [q for q in (row.question(taken) for row in self.questions) if q] or None
        values["session_number"] = self.session_number.data
        return values


class EditAllForm(OccurrenceForm):
    """"Edit all future occurrences": prefilled from one occurrence (``reference_id``); only what
    differs from it is changed, so an occurrence edited on its own keeps its other details."""

    session_number = questions = status = None
    # ``series_id`` stays only because ``set_choices`` fills it: the series of an occurrence
    # changes on its own edit page, where its session number is chosen too.
    reference_id = HiddenField()
    from_day = DateField(_l("From"), validators=[InputRequired(_l("Give the first date to change."))])
    submit = SubmitField(_l("Save every occurrence to come"))

    def fill(self, reference: Event, from_day: date) -> None:
        """Show ``reference``'s details (on a fresh GET form)."""
        for name in (*SHARED_FIELDS, "venue_id"):
            self[name].data = getattr(reference, name)
        self.booking_override_reason.data = None
        self.start_time.data = local(reference.starts_at).time()
        self.end_time.data = local(reference.ends_at).time()
        self.reference_id.data = str(reference.id)
        self.from_day.data = from_day

    def changes(self, reference: Event, venue) -> dict:
        """The fields whose value differs from ``reference``'s, as ``update_all`` takes them."""
        values = self.details()
        reason = values.pop("booking_override_reason")
        changed = {name: value for name, value in values.items() if getattr(reference, name) != value}
        if venue is not None and venue.id != reference.venue_id:
            changed["venue"] = venue
        times: dict[str, time] = {"start_time": local(reference.starts_at).time(), "end_time": local(reference.ends_at).time()}
        for name, current in times.items():
            if self[name].data != current:
                changed[name] = self[name].data
        if reason:
            changed["booking_override_reason"] = reason
        return changed


class ExceptionForm(Form):
    """Skip a day (a holiday, a school trip); also the "skip this day" button of an occurrence."""

    day = DateField(_l("Day"), validators=[InputRequired(_l("Give the day to skip."))])
    reason = StringField(_l("Reason (sent to registrants)"), validators=[Optional(), Length(max=REASON_MAX)])
    #: Sent by the confirmation page's button: without it, a day with registrants is only shown.
    confirmed = HiddenField()
    submit = SubmitField(_l("Skip this day"))


class RangeForm(Form):
    """Extend or shorten the pattern, or change its days."""

    weekdays = _weekdays_field()
    ends_on = DateField(_l("Last date"), validators=[InputRequired(_l("Give the last date."))])
    booking_override_reason = StringField(
        _l("Reason to book the room although it is taken"), validators=[Optional(), Length(max=500)]
    )
    reason = StringField(
        _l("Reason for cancelling occurrences (sent to their registrants)"),
        validators=[Optional(), Length(max=REASON_MAX)],
    )
    #: Sent by the confirmation page's button: without it, a change that takes off occurrences
    #: people registered for is only shown.
    confirmed = HiddenField()
    submit = SubmitField(_l("Change the dates"))



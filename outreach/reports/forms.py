"""Forms of the annual report and the reports' settings: shape of input only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, IntegerField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from outreach.events.labels import EVENT_TYPE_LABELS
from outreach.events.models import EVENT_TYPES
from outreach.forms import Form
from outreach.reports import annual, settings


class NoteForm(Form):
    locale = HiddenField(validators=[DataRequired()])
    text = TextAreaField(_l("Text"), validators=[Length(max=annual.NOTE_MAX)])


class CloseYearForm(Form):
    confirm = BooleanField(
        _l("I understand: staff can no longer change this year's attendance."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    reason = TextAreaField(_l("Note for the audit log (optional)"), validators=[Length(max=500)])
    submit = SubmitField(_l("Close this year"))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def settings_form(mapping: dict[str, tuple[str, ...]], months: int, formdata=None) -> Form:
    """One group of check boxes per event type (the return rows it counts in) and the
    retention period in months."""

    class SettingsForm(Form):
        retention_months = IntegerField(
            _l("Keep the personal data of registrations for (months after the event)"),
            validators=[InputRequired(), NumberRange(*settings.RETENTION_RANGE)],
        )
        submit = SubmitField(_l("Save the settings"))

    choices = [SelectChoice(row, settings.RETURN_ROW_LABELS[row]) for row in settings.RETURN_ROWS]
    for event_type in EVENT_TYPES:
        setattr(SettingsForm, f"type_{event_type}", _Checkboxes(EVENT_TYPE_LABELS[event_type], choices=choices))
    data = {f"type_{t}": list(mapping.get(t, ())) for t in EVENT_TYPES}
    data["retention_months"] = months
    return SettingsForm(formdata=formdata, data=data) if formdata is not None else SettingsForm(data=data)

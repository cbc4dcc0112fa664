"""The keeper's forms (a phone's: few fields, big targets) and the staff's corrections."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from outreach.accounts.forms import new_account_email_field, new_password_field
from outreach.events.labels import AUDIENCE_LABELS, EVENT_TYPE_LABELS
from outreach.events.models import TITLE_MAX
from outreach.forms import Form, choices, name_field, within_date_years
from outreach.outposts.models import VISITORS_MAX
from outreach.outposts.services import ACTIVITY_TYPES, HEADCOUNT_MAX

_VISITORS_MESSAGE = _l("Enter a whole number from %(min)d to %(max)d.", min=0, max=VISITORS_MAX)
_HEADCOUNT_MESSAGE = _l("Enter a whole number from %(min)d to %(max)d.", min=1, max=HEADCOUNT_MAX)


def _day_field(label):
    return DateField(label, validators=[InputRequired(_l("Give the date.")), within_date_years])


class VisitorsForm(Form):
    """The people who came to the place on a day."""

    day = _day_field(_l("Day"))
    count = IntegerField(
        _l("Visitors that day"),
        validators=[InputRequired(_VISITORS_MESSAGE), NumberRange(min=0, max=VISITORS_MAX, message=_VISITORS_MESSAGE)],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Save the count"))


class ActivityForm(Form):
    """An activity held at the place, recorded after (or while) it happens."""

    type = SelectField(_l("What kind of activity"), choices=choices((t, EVENT_TYPE_LABELS[t]) for t in ACTIVITY_TYPES),
                       default="activity", validate_choice=True)
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give a title.")), Length(max=TITLE_MAX)])
    day = _day_field(_l("Date"))
    starts = TimeField(_l("Started at"), validators=[InputRequired(_l("Give the time it started."))])
    ends = TimeField(_l("Ended at"), validators=[InputRequired(_l("Give the time it ended."))])
    headcount = IntegerField(
        _l("People who took part"),
        validators=[InputRequired(_HEADCOUNT_MESSAGE), NumberRange(min=1, max=HEADCOUNT_MAX, message=_HEADCOUNT_MESSAGE)],
        render_kw={"inputmode": "numeric"},
    )
    audience = SelectField(_l("For whom"), choices=choices(AUDIENCE_LABELS.items()), default="all", validate_choice=True)
    description = TextAreaField(_l("What happened (optional)"), validators=[Optional(), Length(max=2000)])
    photo = FileField(_l("A photo (optional; JPEG, PNG or WebP, up to 8 MB)"),
                      render_kw={"accept": "image/jpeg,image/png,image/webp"})
    photo_alt = StringField(_l("What the photo shows (needed with a photo)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Record the activity"))


class HeadcountForm(Form):
    """A correction of the people an activity counted."""

    count = IntegerField(
        _l("People who took part"),
        validators=[InputRequired(_HEADCOUNT_MESSAGE), NumberRange(min=1, max=HEADCOUNT_MAX, message=_HEADCOUNT_MESSAGE)],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("Correct the count"))


class KeeperAccountForm(Form):
    """An admin opens a keeper's account for one place."""

    name = name_field()
    email = new_account_email_field()
    branch_id = SelectField(_l("Place"), coerce=int, choices=[], validate_choice=True)
    password = new_password_field(_l("Password"))
    submit = SubmitField(_l("Open the account"))

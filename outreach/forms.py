"""What every area's forms share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as _WTForm
from wtforms import DateField, DateTimeField, PasswordField, StringField, SubmitField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.validators import ValidationError as FieldError

from outreach.text import NAME_MAX, clean_text
from outreach.years import date_range_message, in_date_range


def within_date_years(form, field) -> None:
    """A date or time is within ``outreach.years.DATE_YEARS`` (the API's bounds too)."""
    if isinstance(field.data, date) and not in_date_range(field.data):  # a TimeField's time has no year
        raise FieldError(date_range_message())


class _CleanTextMeta:
    """Every text field of every form is cleaned (trimmed, NUL and control characters and lone
    surrogates dropped) before it is validated, and every date or time must lie within 1900 to
    2100: no door may forget it. Passwords are taken exactly as typed."""

    def bind_field(self, form, unbound_field, options):
        field_class = unbound_field.field_class
        if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
            options["filters"] = [clean_text, *unbound_field.kwargs.get("filters", ())]
        field = super().bind_field(form, unbound_field, options)
        if isinstance(field, (DateField, DateTimeField)):
            field.validators = [*field.validators, within_date_years]
        return field


class Form(FlaskForm):
    """The base of every page form: CSRF-protected, text cleaned."""

    class Meta(_CleanTextMeta):
        pass


class RowForm(_WTForm):
    """A repeated row inside a page form (``FieldList(FormField(...))``): text cleaned; the
    page form around it carries the CSRF token."""

    class Meta(_CleanTextMeta):
        pass


def name_field(label=_l("Name")) -> StringField:
    """A person's name, as every form asks for it (the service checks it again)."""
    return StringField(
        label, validators=[DataRequired(_l("Enter your name.")), Length(max=NAME_MAX)],
        render_kw={"autocomplete": "name"},
    )


def phone_field(label=_l("Mobile phone")) -> TelField:
    """A phone number, as every form asks for it; ``outreach.phone`` decides what is one."""
    return TelField(
        label, validators=[DataRequired(_l("Enter a phone number we can reach you on."))],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )


def attach_errors(
    form, errors: Mapping, *, mapping: Mapping | Callable[[str], str] | None = None, only_empty: bool = False
) -> None:
    """Put a service's messages (``ValidationError.fields``) beside the fields they are about;
    the rest go above the form. ``mapping`` renames the service's keys to the form's field
    names; ``only_empty`` adds a message only where the form found nothing wrong itself."""
    for key, message in (errors or {}).items():
        if callable(mapping):
            name = mapping(key)
        else:
            name = (mapping or {}).get(key, key)
        field = form._fields.get(name) if name not in ("csrf_token", "submit") else None
        text = str(message)
        if field is None:
            form.form_errors.append(text)
        elif not (only_empty and field.errors) and text not in map(str, field.errors):
            field.errors = [*field.errors, text]


def choices(pairs: Iterable[tuple]) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms 3.3 wants a select's choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def optional_int(value):
    """A select's value as an id, or None for its empty choice (or anything not a number)."""
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ActionForm(Form):
    """A button that changes something (publish, archive, remove a judge): the CSRF token is
    all that travels with it."""

    submit = SubmitField(_l("Confirm"))

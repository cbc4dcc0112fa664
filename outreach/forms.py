"""What every area's forms share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice


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


class ActionForm(FlaskForm):
    """A button that changes something (publish, archive, remove a judge): the CSRF token is
    all that travels with it."""

    submit = SubmitField(_l("Confirm"))

"""Cleaning text that people type, whichever door it comes through (a form or the API), and
the rule for a person's name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The longest name of a person (a registrant, a user): the columns and every door read it.
NAME_MAX = 100


def clean_text(value):
    """Trim the text and drop NUL characters (PostgreSQL refuses them in text columns).
    Anything that is not a string is returned as it is."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


def clean_strings(value):
    """``clean_text`` applied to every string inside a JSON value (objects, arrays, keys)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {clean_strings(key): clean_strings(item) for key, item in value.items()}
    return value


def check_name(name, errors: dict, field: str = "name") -> str:
    """``name`` cleaned; a message in ``errors`` when it is empty or too long."""
    name = clean_text(name) if isinstance(name, str) else ""
    if not name or len(name) > NAME_MAX:
        errors[field] = _l("Give a name of 1 to %(n)d characters.", n=NAME_MAX)
    return name

"""Cleaning text that people type, whichever door it comes through (a form or the API), and
the rule for a person's name."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

#: The longest name of a person (a registrant, a user): the columns and every door read it.
NAME_MAX = 100


#: What no text keeps, whichever door it comes through: NUL (PostgreSQL refuses it in text
#: columns), the other control characters but tab, line feed and carriage return (C0, DEL and
#: C1, U+0080 to U+009F: invisible, and no one types them), and lone surrogates (a JSON body
#: may escape one, ``"\ud800"``; no database can encode it).
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def drop_unwanted(value: str) -> str:
    return UNWANTED.sub("", value)


def clean_text(value):
    """Trim the text and drop the ``UNWANTED`` characters. Anything that is not a string is
    returned as it is."""
    if isinstance(value, str):
        return drop_unwanted(value).strip()
    return value


def clean_strings(value):
    """The ``UNWANTED`` characters dropped from every string inside a JSON value (objects,
    arrays, keys); the readers trim what they read."""
    if isinstance(value, str):
        return drop_unwanted(value)
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

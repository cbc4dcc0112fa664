"""Cleaning text that people type, whichever door it comes through (a form or the API)."""

from __future__ import annotations


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

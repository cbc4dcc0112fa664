"""What makes a password acceptable: long enough, and hard to guess by zxcvbn's measure
(its lists of common passwords, names and words, keyboard patterns, dates and sequences),
told what the account's own e-mail, name and the library's name are.

zxcvbn's feedback is English only: its findings are mapped to our own translated messages.
"""

from __future__ import annotations

import re

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
#: zxcvbn's score (0 to 4) a password must reach: 3 is "safely unguessable" online.
MIN_SCORE = 3
#: zxcvbn's time grows with the length; what lies beyond this adds strength anyway.
_MEASURED = 100

TOO_SHORT = _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
TOO_LONG = _l("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
COMMON = _l("This is one of the most common passwords: choose one that is not on such a list.")
PERSONAL = _l("Do not build the password from your e-mail address, your name or the library's name.")
PATTERN = _l("Avoid keyboard patterns, sequences such as abc or 1234, repeated characters and dates.")
WORDS = _l("Common words and names alone are easy to guess: add more words or characters.")
WEAK = _l("This password is too easy to guess: use a few uncommon words, or a longer mix of characters.")


def personal_words(email: str | None, name: str | None) -> list[str]:
    """What a guesser knows about the account: its address, the parts of it, its name, the library."""
    words = []
    for value in (email, (email or "").partition("@")[0], name):
        if value:
            words.append(value)
            words.extend(part for part in re.split(r"[@._+\-\s]+", value) if len(part) >= 3)
    if has_app_context():
        words.extend(current_app.config.get(key) or "" for key in ("LIBRARY_NAME", "LIBRARY_NAME_EN"))
        words.extend((current_app.config.get("LIBRARY_NAME_EN") or "").split())
    return [w.lower() for w in words if w]


def password_problem(password: str, *, email: str | None = None, name: str | None = None):
    """The translated message that says why ``password`` is refused, or None when it is good."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    result = zxcvbn(password[:_MEASURED], user_inputs=personal_words(email, name))
    if result["score"] >= MIN_SCORE:
        return None
    return _message_for(result["sequence"])


def _message_for(matches: list[dict]):
    """The most telling reason among zxcvbn's matches, in our own words."""
    dictionaries = {m.get("dictionary_name") for m in matches if m.get("pattern") == "dictionary"}
    if "user_inputs" in dictionaries:
        return PERSONAL
    if "passwords" in dictionaries:
        return COMMON
    if any(m.get("pattern") in ("spatial", "sequence", "repeat", "date", "regex") for m in matches):
        return PATTERN
    if dictionaries:
        return WORDS
    return WEAK

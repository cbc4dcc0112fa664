"""Phone numbers as the library takes them (mainland mobiles, landlines and foreign numbers), and
a keyed digest of one that tells people apart in the reports without keeping the number (it
survives anonymisation)."""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app
from flask_babel import lazy_gettext as _l

#: Mainland mobile numbers (11 digits from 1), or landlines and foreign numbers: 7 to 15
#: digits with an optional +, spaces, hyphens and an area code in brackets.
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ()\-]{7,24}$")


def normalise_phone(phone: str | None) -> str | None:
    """Digits (and a leading +) only, or None when it is not a phone number."""
    if not phone or not _PHONE_ALLOWED.match(phone.strip()):
        return None
    digits = re.sub(r"[^0-9+]", "", phone.strip())
    bare = digits.lstrip("+")
    if "+" in digits[1:] or not 7 <= len(bare) <= 15:
        return None
    if bare.startswith("1") and not digits.startswith("+") and len(bare) == 11 and bare[1] not in "3456789":
        return None
    if len(bare) == 11 and bare.startswith("1") and not digits.startswith("+"):
        return bare
    return digits


def check_phone(phone, errors: dict, field: str = "phone") -> str | None:
    """``phone`` normalised; a message in ``errors`` when it is not a number people can be called on."""
    normal = normalise_phone(phone) if isinstance(phone, str) else None
    if normal is None:
        errors[field] = _l("Enter a phone number we can reach you on, such as 13812345678.")
    return normal


def phone_digest(phone: str | None, key: str | None = None) -> str | None:
    """HMAC-SHA256 (hex) of the normalised phone with the secret key; None without a phone.

    A number that does not normalise (an old import) is digested as its digits, so that the
    same text still gives the same person. ``key`` defaults to the app's ``SECRET_KEY``."""
    if not phone:
        return None
    normal = normalise_phone(phone) or re.sub(r"[^0-9+]", "", phone)
    if not normal:
        return None
    secret = (key if key is not None else current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normal.encode(), hashlib.sha256).hexdigest()

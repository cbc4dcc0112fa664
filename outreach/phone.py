"""Phone numbers as the library takes them (mainland mobiles, landlines and foreign numbers), and
a keyed digest of one that tells people apart in the reports without keeping the number (it
survives anonymisation)."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from flask import current_app
from flask_babel import lazy_gettext as _l

#: What may stand between the digits: spaces, hyphens, dots and an area code in brackets.
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().\-]{7,30}$")
#: Dashes a Chinese input method or a word processor types instead of "-".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63"), "-")
#: A mainland mobile number: 11 digits, 13x to 19x.
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")

_MOBILE_LENGTH = _l("A mobile number has 11 digits, such as 13812345678.")
_NOT_A_PHONE = _l("Enter a phone number we can reach you on, such as 13812345678.")


def _domestic(digits: str) -> tuple[str | None, object]:
    """A number dialled within mainland China: a mobile (11 digits from 13 to 19), a
    landline with its area code (0731-23456789: 10 to 12 digits from 0) or a local
    landline (7 or 8 digits from 2 to 9). Service numbers (110, 10086, 400 ...) are none."""
    if digits.startswith("1"):
        return (digits, None) if _MOBILE.match(digits) else (None, _MOBILE_LENGTH)
    if digits.startswith("0"):
        return (digits, None) if 10 <= len(digits) <= 12 and digits[1] != "0" else (None, _NOT_A_PHONE)
    return (digits, None) if 7 <= len(digits) <= 8 else (None, _NOT_A_PHONE)


def _parse(phone) -> tuple[str | None, object]:
    """The normalised number and None, or None and the message telling what is wrong."""
    if not isinstance(phone, str):
        return None, _NOT_A_PHONE
    # Full-width digits and signs (１３８, ＋, －, （）, the ideographic space) become ASCII.
    text = unicodedata.normalize("NFKC", phone).translate(_DASHES).strip()
    if not _PHONE_ALLOWED.match(text):
        return None, _NOT_A_PHONE
    digits = re.sub(r"[^0-9]", "", text)
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return _domestic(digits)
    if international.startswith("86"):
        # A mainland number written for abroad: kept as it is dialled at home, so that
        # +86 138… and 138… are the same person.
        rest = international[2:].lstrip("0")
        return _domestic(rest if rest.startswith("1") else "0" + rest)
    if international.startswith("0") or not 8 <= len(international) <= 15:
        return None, _NOT_A_PHONE
    return "+" + international, None


def normalise_phone(phone: str | None) -> str | None:
    """Digits (and a leading + for a number abroad) only, or None when it is not a number
    people can be called on."""
    return _parse(phone)[0]


def check_phone(phone, errors: dict, field: str = "phone") -> str | None:
    """``phone`` normalised; a message in ``errors`` when it is not a number people can be called on."""
    normal, problem = _parse(phone)
    if normal is None:
        errors[field] = problem
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

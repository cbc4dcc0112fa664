"""Phone numbers as the library takes them (mainland mobiles, landlines and foreign numbers), and
a keyed digest of one that tells people apart in the reports without keeping the number (it
survives anonymisation)."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from phonenumbers import NumberParseException, PhoneNumberType

#: What may stand between the digits: spaces, hyphens, dots and an area code in brackets.
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().\-]{7,30}$")
#: Dashes a Chinese input method or a word processor types instead of "-".
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe63"), "-")
#: A landline dialled without its area code, as people in the county give their own number:
#: 7 or 8 digits from 2 to 9. The numbering plan cannot judge it without the area code.
_LOCAL_LANDLINE = re.compile(r"^[2-9][0-9]{6,7}$")
#: The kinds of number a person answers; free-phone, premium, shared-cost (400 …), pager and
#: voicemail numbers are valid but reach no one in particular.
_PERSONAL = frozenset({
    PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.VOIP,
})
_CHINA = 86

_MOBILE_LENGTH = _l("A mobile number has 11 digits, such as 13812345678.")
_NOT_A_PHONE = _l("Enter a phone number we can reach you on, such as 13812345678.")


def _parse(phone) -> tuple[str | None, object]:
    """The normalised number and None, or None and the message telling what is wrong.

    The numbering plan is Google's libphonenumber's (the ``phonenumbers`` package): a mainland
    number is kept as it is dialled at home (13812345678, 073184567890), so that +86 138… and
    138… are the same person; a number abroad in E.164 (+442079460958)."""
    if not isinstance(phone, str):
        return None, _NOT_A_PHONE
    # Full-width digits and signs (１３８, ＋, －, （）, the ideographic space) become ASCII.
    text = unicodedata.normalize("NFKC", phone).translate(_DASHES).strip()
    if not _PHONE_ALLOWED.match(text):
        return None, _NOT_A_PHONE
    digits = re.sub(r"[^0-9]", "", text)
    if not text.startswith("+") and _LOCAL_LANDLINE.match(digits):
        return digits, None
    try:
        number = phonenumbers.parse(text, "CN")
    except NumberParseException:
        return None, _NOT_A_PHONE
    personal = phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _PERSONAL
    national = str(number.national_number)
    if number.country_code != _CHINA:
        return ("+%d%s" % (number.country_code, national), None) if personal else (None, _NOT_A_PHONE)
    if not personal:
        # Every mainland mobile, and no landline dialled at home, begins with 1: a number typed
        # from 1 with a digit too many or too few is a mobile mistyped.
        mistyped = digits.startswith("1") and len(digits) != 11
        return None, (_MOBILE_LENGTH if mistyped else _NOT_A_PHONE)
    if phonenumbers.number_type(number) == PhoneNumberType.MOBILE:
        return national, None
    return "0" + national, None


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


def masked_phone(phone: str | None) -> str:
    """A phone number as a sheet at the door or a list of messages may show it: 138****5678;
    a short one keeps its last four digits only."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    return "*" * max(len(phone) - 4, 0) + phone[-4:]

"""Phone numbers as the library takes them: mainland mobiles, landlines and foreign numbers."""

from __future__ import annotations

import re

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

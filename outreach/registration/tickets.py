"""Ticket tokens: 128 random bits and an HMAC over them, both in URL-safe base64.

``{secret}.{mac}``: the secret makes a ticket unguessable, the MAC (keyed with the app's
SECRET_KEY) lets the door reject a forged or mistyped token before touching the database.
Only the SHA-256 digest of the token is stored, so a copy of the database holds no
usable tickets. A token carries no personal data.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from flask import current_app

SECRET_BYTES = 16  # 128 bits
MAC_BYTES = 12
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}$")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    # Base64 leaves spare bits in the last character: demand the one canonical spelling,
    # so that no changed character can ever decode to the same bytes.
    return raw if _b64(raw) == text else None


def _mac(secret: bytes) -> bytes:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"ticket:" + secret, hashlib.sha256).digest()[:MAC_BYTES]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh token and the digest to store."""
    secret = secrets.token_bytes(SECRET_BYTES)
    token = f"{_b64(secret)}.{_b64(_mac(secret))}"
    return token, digest(token)


def verify(token: str) -> str | None:
    """The digest to look up when ``token`` is well formed and its MAC is right, else None."""
    if not isinstance(token, str) or not _SHAPE.match(token):
        return None
    secret_text, mac_text = token.split(".")
    secret, mac = _unb64(secret_text), _unb64(mac_text)
    if secret is None or mac is None or not hmac.compare_digest(mac, _mac(secret)):
        return None
    return digest(token)

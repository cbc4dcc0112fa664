"""The private link of a visit request: like a ticket (``outreach.registration.tickets``), 128
secret bits derived from a stored seed under SECRET_KEY and a MAC over them, so that a changed or
forged link is refused before the database is asked, and a copy of the database alone holds no
usable link. The link carries no id and no personal data."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets

from flask import current_app

_SECRET_BYTES = 16
_MAC_BYTES = 12
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{16}$")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if _b64(raw) == text else None


def _key() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def _mac(secret: bytes) -> bytes:
    return hmac.new(_key(), b"visit:" + secret, hashlib.sha256).digest()[:_MAC_BYTES]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_for_seed(seed: str) -> tuple[str, str]:
    """The link token a seed stands for, and its digest."""
    secret = hmac.new(_key(), b"visit-secret:" + seed.encode(), hashlib.sha256).digest()[:_SECRET_BYTES]
    token = f"{_b64(secret)}.{_b64(_mac(secret))}"
    return token, digest(token)


def new_token() -> tuple[str, str, str]:
    """A fresh (seed, token, digest)."""
    seed = secrets.token_urlsafe(_SECRET_BYTES)
    return (seed, *token_for_seed(seed))


def verify(token: str) -> str | None:
    """The digest to look up when ``token`` is well formed and its MAC is right, else None."""
    if not isinstance(token, str) or not _SHAPE.match(token):
        return None
    secret_text, mac_text = token.split(".")
    secret, mac = _unb64(secret_text), _unb64(mac_text)
    if secret is None or mac is None or not hmac.compare_digest(mac, _mac(secret)):
        return None
    return digest(token)

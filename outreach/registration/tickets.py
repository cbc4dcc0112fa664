"""Ticket tokens: 128 secret bits and an HMAC over them, both in URL-safe base64.

``{secret}.{mac}``: the secret makes a ticket unguessable, the MAC (keyed with the app's
SECRET_KEY) lets the door reject a forged or mistyped token before touching the database.
The database keeps a random seed and the token's SHA-256 digest; the secret is an HMAC of
the seed under SECRET_KEY, so the server can print a ticket again while a copy of the
database alone holds no usable ticket. A token carries no personal data.
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


def new_seed() -> str:
    """The random part of a new ticket, kept with its registration."""
    return secrets.token_urlsafe(SECRET_BYTES)


def token_for_seed(seed: str) -> tuple[str, str]:
    """The ticket token a seed stands for, and its digest. The secret bytes are an HMAC of
    the seed under SECRET_KEY: unguessable without the key, reproducible with it."""
    key = current_app.config["SECRET_KEY"].encode()
    secret = hmac.new(key, b"ticket-secret:" + seed.encode(), hashlib.sha256).digest()[:SECRET_BYTES]
    token = f"{_b64(secret)}.{_b64(_mac(secret))}"
    return token, digest(token)


def new_ticket() -> tuple[str, str, str]:
    """A fresh (seed, token, digest)."""
    seed = new_seed()
    return (seed, *token_for_seed(seed))


def token_from_text(text: str) -> str:
    """The token in what a scanner read: the bare token, or a ticket URL ``{base}/t/{token}``."""
    text = (text or "").strip()
    if "/t/" in text:
        text = text.rsplit("/t/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")


def verify(token: str) -> str | None:
    """The digest to look up when ``token`` is well formed and its MAC is right, else None."""
    if not isinstance(token, str) or not _SHAPE.match(token):
        return None
    secret_text, mac_text = token.split(".")
    secret, mac = _unb64(secret_text), _unb64(mac_text)
    if secret is None or mac is None or not hmac.compare_digest(mac, _mac(secret)):
        return None
    return digest(token)

"""Unguessable tokens for private links (a ticket, a visit request's page): 128 secret bits and
an HMAC over them, both in URL-safe base64, ``{secret}.{mac}``.

The secret makes a link unguessable; the MAC (keyed with the app's SECRET_KEY and the link's
purpose) lets a request with a forged or mistyped token be refused before the database is
asked, and a ticket's token can never pass for a visit's. The database keeps a random seed and
the token's SHA-256 digest; the secret is an HMAC of the seed under SECRET_KEY, so the server
can give a link again while a copy of the database alone holds none. A token carries no
personal data."""

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


def digest(token: str) -> str:
    """What the database keeps of a token (and looks it up by)."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignedTokens:
    """The tokens of one purpose (``"ticket"``, ``"visit"``): its name is in both HMACs."""

    def __init__(self, purpose: str):
        self._mac_prefix = f"{purpose}:".encode()
        self._secret_prefix = f"{purpose}-secret:".encode()

    def _mac(self, secret: bytes) -> bytes:
        key = current_app.config["SECRET_KEY"].encode()
        return hmac.new(key, self._mac_prefix + secret, hashlib.sha256).digest()[:MAC_BYTES]

    @staticmethod
    def new_seed() -> str:
        """The random part of a new token, kept with its record."""
        return secrets.token_urlsafe(SECRET_BYTES)

    def token_for_seed(self, seed: str) -> tuple[str, str]:
        """The token a seed stands for, and its digest: the secret bytes are an HMAC of the seed
        under SECRET_KEY, unguessable without the key, reproducible with it."""
        key = current_app.config["SECRET_KEY"].encode()
        secret = hmac.new(key, self._secret_prefix + seed.encode(), hashlib.sha256).digest()[:SECRET_BYTES]
        token = f"{_b64(secret)}.{_b64(self._mac(secret))}"
        return token, digest(token)

    def new(self) -> tuple[str, str, str]:
        """A fresh (seed, token, digest)."""
        seed = self.new_seed()
        return (seed, *self.token_for_seed(seed))

    def verify(self, token: str) -> str | None:
        """The digest to look up when ``token`` is well formed and its MAC is right, else None."""
        if not isinstance(token, str) or not _SHAPE.match(token):
            return None
        secret_text, mac_text = token.split(".")
        secret, mac = _unb64(secret_text), _unb64(mac_text)
        if secret is None or mac is None or not hmac.compare_digest(mac, self._mac(secret)):
            return None
        return digest(token)

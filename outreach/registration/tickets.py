"""Ticket tokens (``outreach.signed_links``, purpose "ticket"): a ticket's QR code and link hold
``{secret}.{mac}``; the door rejects a forged or mistyped token before touching the database;
the database keeps the registration's seed and the token's digest. A token carries no personal
data.
"""

from __future__ import annotations

from outreach.signed_links import SignedTokens, digest

_TICKETS = SignedTokens("ticket")

new_seed = _TICKETS.new_seed
token_for_seed = _TICKETS.token_for_seed
verify = _TICKETS.verify

__all__ = ["digest", "new_seed", "new_ticket", "token_for_seed", "token_from_text", "verify"]


def new_ticket() -> tuple[str, str, str]:
    """A fresh (seed, token, digest)."""
    return _TICKETS.new()


def token_from_text(text: str) -> str:
    """The token in what a scanner read: the bare token, or a ticket URL ``{base}/t/{token}``."""
    text = (text or "").strip()
    if "/t/" in text:
        text = text.rsplit("/t/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0].strip("/")

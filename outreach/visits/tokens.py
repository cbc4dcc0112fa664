"""The private link of a visit request (``outreach.signed_links``, purpose "visit"): like a
ticket's, refused before the database is asked when changed or forged, and a copy of the
database alone holds no usable link. The link carries no id and no personal data."""

from __future__ import annotations

from outreach.signed_links import SignedTokens, digest

_LINKS = SignedTokens("visit")

token_for_seed = _LINKS.token_for_seed
verify = _LINKS.verify
new_token = _LINKS.new

__all__ = ["digest", "new_token", "token_for_seed", "verify"]

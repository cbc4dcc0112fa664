"""Failed sign-ins counted per account, with a growing wait.

The address-wide limit (``RATELIMIT_LOGIN``) is generous, because a whole library may sign in
from behind one address; guessing one account's password is stopped here instead. After
``LOGIN_FREE_FAILURES`` failures the account waits 1 minute, then 2, 4, 8 ... after each
further failure, at most ``LOGIN_MAX_WAIT_MINUTES``; a successful sign-in starts again. An
e-mail address with no account is counted the same way, so that the wait tells nothing about
whether the account exists. Accounts are known by a keyed digest of the address, never by the
address itself. The counts live in the rate limits' storage, which every worker shares.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from flask import current_app

from outreach.extensions import limiter

#: Failures are forgotten a day after the first one of a run.
_FAILURES_KEPT = 24 * 3600


def _digest(kind: str, email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{(email or '').strip().lower()}".encode(), hashlib.sha256).hexdigest()[:40]


def _keys(email: str) -> tuple[str, str]:
    digest = _digest("login", email)
    return f"outreach/login-failures/{digest}", f"outreach/login-wait/{digest}"


def first_in(kind: str, email: str, seconds: int) -> bool:
    """Whether this is the first ``kind`` of thing for this address within ``seconds`` (always
    True with rate limits off): e.g. one warning e-mail an hour to an account's owner,
    however often someone applies with the address."""
    if not _active():
        return True
    return limiter.storage.incr(f"outreach/{kind}/{_digest(kind, email)}", seconds) == 1


def _active() -> bool:
    return bool(current_app.config["RATELIMIT_ENABLED"])


def seconds_to_wait(email: str) -> int:
    """How long sign-ins to this account must still wait (0: they may try now)."""
    if not _active():
        return 0
    _, wait = _keys(email)
    if not limiter.storage.get(wait):
        return 0
    return max(1, math.ceil(limiter.storage.get_expiry(wait) - time.time()))


def failed(email: str) -> None:
    """Count a failed sign-in; from the free failures on, make the account wait."""
    if not _active():
        return
    failures, wait = _keys(email)
    count = limiter.storage.incr(failures, _FAILURES_KEPT)
    free = int(current_app.config["LOGIN_FREE_FAILURES"])
    if count >= free:
        minutes = min(2 ** min(count - free, 20), int(current_app.config["LOGIN_MAX_WAIT_MINUTES"]))
        limiter.storage.clear(wait)
        limiter.storage.incr(wait, minutes * 60)


def succeeded(email: str) -> None:
    if not _active():
        return
    for key in _keys(email):
        limiter.storage.clear(key)

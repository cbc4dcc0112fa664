"""API tokens recently found valid, remembered by each process for a few seconds.

Every API request names its bearer token, and a door phone sends one every few seconds
(ten phones at a busy door, many a second). Checking the token is a query of its own, the
most expensive step of a check-in after the ticket's: so a process that has just found a
token valid takes its word for it, and for its user's account, for
``API_TOKEN_CACHE_SECONDS`` (5 by default; 0 checks every request), as OAuth resource
servers cache a token's introspection (RFC 7662, section 4).

What a change to an account or a token does:

- In the process that makes it, it counts at once: a flush or an ORM ``UPDATE``/``DELETE``
  that touches a ``User`` or an ``ApiToken`` forgets every remembered token of the app, and
  so does the commit after it (a request in another thread may have remembered the old
  account meanwhile).
- In the other processes (gunicorn's other workers, another machine), within
  ``API_TOKEN_CACHE_SECONDS``: a revoked token, a deactivated account or a changed role may
  still be honoured that long.

Only valid tokens are remembered (an unknown one costs a query each time, as before, and
fills nothing), at most ``MAX_TOKENS`` of them, each app its own; never the token itself
(its SHA-256 digest is the key) nor the account's password hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from time import monotonic

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.attributes import instance_dict

from outreach.accounts.models import ApiToken, User
from outreach.database import as_loaded

#: At most this many tokens per process; one more forgets them all.
MAX_TOKENS = 512


@cache
def _kept() -> tuple[str, ...]:
    """The account's columns a remembered token keeps: all but the password hash, which loads
    when something reads it (it stays expired on the account made from the cache). Asked
    when first needed: the mappers are complete by then."""
    return tuple(a.key for a in inspect(User).column_attrs if a.key != "password_hash")


_EXTENSION = "outreach.api_tokens"


@dataclass(frozen=True)
class KnownToken:
    """A token found valid: its id, its last noted use, its account's columns, and when this
    process must look again (``time.monotonic()``)."""

    token_id: int
    last_used_at: datetime | None
    account: dict
    until: float


def recall(digest: str, session: scoped_session) -> tuple[User, KnownToken] | None:
    """The account of a token this process found valid less than ``API_TOKEN_CACHE_SECONDS``
    ago, in ``session`` (``db.session``; without a query), with what was known of the token;
    else None."""
    tokens = _tokens()
    known = tokens.get(digest)
    if known is None:
        return None
    if monotonic() >= known.until:
        tokens.pop(digest, None)
        return None
    user = as_loaded(session, User, known.account)
    return user, known


def remember(digest: str, user: User, token_id: int, last_used_at: datetime | None) -> KnownToken | None:
    """Keep a token just found valid, with ``user`` as the query loaded it (None: the app
    remembers none)."""
    seconds = current_app.config["API_TOKEN_CACHE_SECONDS"]
    if not seconds:
        return None
    tokens = _tokens()
    if len(tokens) >= MAX_TOKENS and digest not in tokens:
        tokens.clear()  # a library has tens of tokens: only a flood of new ones gets here
    values = instance_dict(user)
    known = tokens[digest] = KnownToken(
        token_id, last_used_at, {k: values[k] for k in _kept() if k in values}, monotonic() + float(seconds),
    )
    return known


def noted(digest: str, known: KnownToken, at: datetime) -> None:
    """The token's use was noted ``at``: the next request need not note it again."""
    tokens = _tokens()
    if tokens.get(digest) is known:
        tokens[digest] = KnownToken(known.token_id, at, known.account, known.until)


def forget_all() -> None:
    """Forget every token this process remembers for the current app."""
    if has_app_context():
        _tokens().clear()


def _tokens() -> dict[str, KnownToken]:
    return current_app.extensions.setdefault(_EXTENSION, {})


# --- forgetting on a change ---------------------------------------------------------------

_WATCHED = (User, ApiToken)
_CHANGED = "outreach.accounts_changed"


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    # Still the flush's own lists here. A new token changes nothing remembered; a new
    # account has no token yet.
    if any(isinstance(obj, _WATCHED) for obj in (*session.dirty, *session.deleted)):
        session.info[_CHANGED] = True
        forget_all()


@event.listens_for(Session, "do_orm_execute")
def _on_bulk_change(state) -> None:
    # ``update(ApiToken)...`` through the session, as revoke_all_tokens does. Core statements
    # on a connection (the note of a token's use) are not accounts changing.
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _WATCHED:
        state.session.info[_CHANGED] = True
        forget_all()


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        forget_all()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:
    session.info.pop(_CHANGED, None)

"""Accounts, passwords, API tokens and log-ins."""

from __future__ import annotations

import hashlib
import secrets
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from outreach import clock
from outreach.accounts import signals
from outreach.accounts.models import ROLES, ApiToken, User
from outreach.errors import OutreachError, ValidationError
from outreach.extensions import db
from outreach.platform.services import record

#: Verified against when the e-mail is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "otr_"


class AccountError(OutreachError):
    status = 409


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(email: str, *, role: str, password: str, name: str | None = None, actor: User | None = None) -> User:
    """Create an account. Raises ``ValidationError`` for a bad role or a short password and
    ``AccountError("email_taken")`` when the address already has an account.

    Announces ``signals.user_created``: a volunteer made here gets an active profile at once
    (approved, no training required) from the volunteers area."""
    email = normalise_email(email)
    errors = {}
    if role not in ROLES:
        errors["role"] = _l("Choose one of: %(roles)s.", roles=", ".join(ROLES))
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = _l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if "@" not in email or len(email) > 254:
        errors["email"] = _l("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)

    user = User(
        email=email,
        role=role,
        name=(name or email.split("@")[0])[:100],
        password_hash=generate_password_hash(password),
    )
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        raise AccountError("email_taken", _l("An account with this e-mail address already exists.")) from None
    signals.user_created.send(user, actor=actor)
    record("user.create", user, actor=actor, data={"role": role})
    db.session.flush()
    return user


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None. Same cost whether or not the e-mail exists."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    user.last_login_at = clock.now()
    record("user.login", user, actor=user)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, *, actor: User | None = None) -> str:
    """Make a new API token for ``user`` and return it; only its SHA-256 digest is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, digest=_digest(token), prefix=token[:12]))
    record("token.issue", user, actor=actor or user)
    db.session.flush()
    return token


@cache
def _user_by_token():
    """Built once: every API request runs it, and building a statement costs more than running it."""
    return (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.digest == bindparam("digest"), ApiToken.revoked_at.is_(None))
    )


def user_for_token(token: str) -> User | None:
    """The active user that holds this unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    user = db.session.scalar(_user_by_token(), {"digest": _digest(token)})
    if user is None or not user.is_active:
        return None
    return user


def revoke_token(token: ApiToken, *, actor: User) -> None:
    token.revoked_at = clock.now()
    record("token.revoke", token.user, actor=actor, data={"token_id": token.id})

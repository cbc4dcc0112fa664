"""Accounts, passwords, API tokens and log-ins."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import (
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from outreach import clock
from outreach.accounts import emails, signals, tokencache
from outreach.accounts.models import ROLES, ApiToken, User
from outreach.accounts.passwords import MIN_PASSWORD_LENGTH, password_problem  # noqa: F401  (forms read it here)
from outreach.database import begins_immediate, waiting_at_most
from outreach.errors import OutreachError, ValidationError
from outreach.extensions import db
from outreach.platform.services import record

log = logging.getLogger(__name__)

#: Verified against when the e-mail is unknown, so that both cases take the same time.
_DUMMY_HASH = generate_password_hash("not a real password")
TOKEN_PREFIX = "otr_"


class AccountError(OutreachError):
    status = 409


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    email: str, *, role: str, password: str, name: str | None = None, actor: User | None = None,
    branch_id: int | None = None,
) -> User:
    """Create an account. Raises ``ValidationError`` for a bad role or a weak password and
    ``AccountError("email_taken")`` when the address already has an account. A keeper needs
    ``branch_id``, the place they keep (``outreach.outposts.services.open_keeper_account``
    checks that it is a reading room or the book bus); for staff it scopes them to a branch.

    Announces ``signals.user_created``: a volunteer made here gets an active profile at once
    (approved, no training required) from the volunteers area."""
    email = normalise_email(email)
    errors = {}
    if role not in ROLES:
        errors["role"] = _l("Choose one of: %(roles)s.", roles=", ".join(ROLES))
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        errors["password"] = problem
    if "@" not in email or len(email) > 254:
        errors["email"] = _l("Enter a valid e-mail address.")
    if role == "keeper" and branch_id is None:
        errors["branch_id"] = _l("Choose the place this keeper looks after.")
    if errors:
        raise ValidationError(errors)

    user = User(
        email=email,
        role=role,
        branch_id=branch_id if role in ("keeper", "staff") else None,
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


def accounts_query(text: str = "", role: str | None = None) -> Select:
    """The accounts whose name or e-mail address holds ``text`` (any case), of ``role`` when
    given, by role, then name (the id last, so that pages never repeat a row)."""
    stmt = select(User).options(selectinload(User.branch))
    if text:
        wanted = text.lower()
        stmt = stmt.where(or_(func.lower(User.name).contains(wanted, autoescape=True),
                              User.email.contains(wanted, autoescape=True)))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    return stmt.order_by(User.role, User.name, User.id)


# --- a staff member's branch (the rule is outreach/accounts/branches.py) -----------------------


def _branch_model():
    """The places' ``Branch``, reached through ``User.branch`` (the accounts sit below the
    places and name the model by its name only, see docs/architecture.md)."""
    return User.branch.property.mapper.class_


def branch_choices() -> list:
    """The branches a staff member may belong to: every active one, by id."""
    branch = _branch_model()
    return list(db.session.scalars(select(branch).where(branch.active.is_(True)).order_by(branch.id)))


def find_branch_ref(ref: str):
    """A branch by id or by its Chinese or English name (the command line's ``--branch``)."""
    branch = _branch_model()
    ref = ref.strip()
    if ref.isdigit():
        return db.session.get(branch, int(ref)) if 0 < int(ref) < 2**31 else None
    return db.session.scalar(select(branch).where(or_(branch.name == ref, branch.name_en == ref)))


def set_branch(user: User, branch_id: int | None, *, actor: User | None) -> bool:
    """Make a staff account belong to the branch ``branch_id`` (None: the whole library).
    Audited with the branch before and after; returns whether it changed. Refused for another
    role (409 ``not_staff``) and for an unknown or archived branch (422 on ``branch_id``)."""
    if user.role != "staff":
        message = _l("Only a staff account belongs to a branch.")
        raise OutreachError("not_staff", message, fields={"branch_id": message})
    if branch_id is not None:
        branch = db.session.get(_branch_model(), branch_id) if 0 < branch_id < 2**31 else None
        if branch is None or not branch.active:
            raise ValidationError({"branch_id": _l("Choose a branch from the list.")})
    before = user.branch_id
    if before == branch_id:
        return False
    user.branch_id = branch_id
    db.session.flush()
    db.session.expire(user, ["branch"])
    record("user.branch", user, actor=actor, data={"from": before, "to": branch_id})
    return True


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


#: A token's "last used" is written at most once in this long, however busy the door: an
#: hour is what staff need to tell a token in use from a forgotten one.
TOKEN_USE_PRECISION = timedelta(hours=1)


@cache
def _user_by_token():
    """Built once: every API request runs it, and building a statement costs more than running it."""
    return (
        select(User, ApiToken.id, ApiToken.last_used_at)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.digest == bindparam("digest"), ApiToken.revoked_at.is_(None))
    )


def user_for_token(token: str) -> User | None:
    """The active user that holds this unrevoked token, or None. Notes the token's use
    (``note_token_use``) when its last one is an hour old or more."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = _digest(token)
    recalled = tokencache.recall(digest, db.session)  # found valid a moment ago, by this process
    if recalled is not None:
        user, known = recalled
        token_id, last_used_at = known.token_id, known.last_used_at
    else:
        row = db.session.execute(_user_by_token(), {"digest": digest}).first()
        if row is None or not row[0].is_active:
            return None
        user, token_id, last_used_at = row
        known = tokencache.remember(digest, user, token_id, last_used_at)
    now = clock.now()
    if last_used_at is None or now - last_used_at >= TOKEN_USE_PRECISION:
        if note_token_use(token_id, now) and known is not None:
            tokencache.noted(digest, known, now)
    return user


def note_token_use(token_id: int, now: datetime) -> bool:
    """Write a token's last use, outside the request's own transaction: a GET never commits,
    and a check-in's reads take no write lock. So on a connection and in a transaction of its
    own, committed at once, waiting at most ``TOKEN_NOTE_WAIT_MS`` for the database's lock (a
    read must not wait on a long writer for bookkeeping); a note that could not be written is
    not tried again by this process for ``TOKEN_NOTE_RETRY``. Except on SQLite when the
    request already holds the write lock (``begins_immediate``), where a second connection
    would wait for it: there the note goes with the request's transaction (lost if that rolls
    back; the next use writes it). A failure is logged, never the request's. Whether it was
    written and committed (not when it goes with the request's transaction)."""
    change = update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
    try:
        if db.session.get_bind().dialect.name == "sqlite" and begins_immediate():
            db.session.connection().execute(change)
            return False
        failed = _note_failed.get(token_id)
        if failed is not None and abs(now - failed) < TOKEN_NOTE_RETRY:
            return False
        with db.engine.connect() as separate, waiting_at_most(separate, TOKEN_NOTE_WAIT_MS):
            separate.execute(change)
            separate.commit()
        _note_failed.pop(token_id, None)
        return True
    except SQLAlchemyError as error:  # the lock not free in time, the pool exhausted, a read-only standby
        _note_failed[token_id] = now
        log.warning("could not note an API token's use (%s)", type(error).__name__)
        return False


#: How long the note of a token's use waits for the database's lock, in milliseconds.
TOKEN_NOTE_WAIT_MS = 200
#: After a note that could not be written, how long this process leaves that token's notes alone.
TOKEN_NOTE_RETRY = timedelta(minutes=5)
#: Per process: the token ids whose last note failed, and when.
_note_failed: dict[int, datetime] = {}


def revoke_token(token: ApiToken, *, actor: User | None) -> None:
    token.revoked_at = clock.now()
    record("token.revoke", token.user, actor=actor, data={"token_id": token.id})


def tokens_of(user: User) -> list[ApiToken]:
    """``user``'s API tokens, the newest first, revoked ones included (they say when)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    ))


def token_of(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError("token_not_found", _l("This API token does not exist."), status=404)
    return token


def revoke_all_tokens(user: User, *, actor: User | None) -> int:
    """Revoke every API token ``user`` still holds; returns how many."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    if result.rowcount:
        record("token.revoke_all", user, actor=actor, data={"count": result.rowcount})
    db.session.flush()
    return result.rowcount


# --- sessions ----------------------------------------------------------------------------


def end_sessions(user: User, *, actor: User | None, reason: str = "sign_out_everywhere") -> None:
    """Refuse every session cookie of ``user`` issued so far (the session id carries the version)."""
    user.session_version = (user.session_version or 1) + 1
    record("user.sessions_ended", user, actor=actor, data={"reason": reason})
    db.session.flush()


def user_for_session(session_id: str) -> User | None:
    """The active user whose current session id ("id:version") this is, or None: a cookie
    from before a log-out, a password change or a "sign out everywhere" is refused, and so is
    every session of an account disabled since."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or (user.session_version or 1) != int(version) or not user.is_active:
        return None
    return user


# --- passwords ---------------------------------------------------------------------------


def _set_password(user: User, password: str, *, field: str = "password") -> None:
    problem = password_problem(password, email=user.email, name=user.name)
    if problem is not None:
        raise ValidationError({field: problem})
    user.password_hash = generate_password_hash(password)


def change_password(user: User, current: str, new: str) -> int:
    """``user`` changes their own password. Every other session ends and every API token is
    revoked (a stolen password may have made them). Returns how many tokens were revoked."""
    if not check_password_hash(user.password_hash, current):
        raise ValidationError({"current_password": _l("This is not your current password.")})
    if check_password_hash(user.password_hash, new):
        raise ValidationError({"password": _l("Choose a password different from the current one.")})
    _set_password(user, new)
    record("user.password_change", user, actor=user)
    end_sessions(user, actor=user, reason="password_change")
    return revoke_all_tokens(user, actor=user)


#: How long a password-reset link works.
RESET_MAX_AGE = 3600
_RESET_SALT = "outreach.accounts.password-reset"


class _ClockSigner(TimestampSigner):
    """Times links by ``outreach.clock`` (which tests can move), not by the system clock."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT, signer=_ClockSigner)


def _fingerprint(user: User) -> str:
    """Folded into the link: a new password (the link used once) makes every earlier link invalid."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:24]


def reset_token(user: User) -> str:
    """A signed link token that lets ``user`` set a new password: once, within the hour."""
    return _reset_serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(token: str) -> User:
    """The active user a reset link is for; raises ``AccountError`` when the link is expired,
    used already (the password changed since) or not one of ours."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except SignatureExpired:
        raise AccountError("reset_expired", _l("This link has expired. Ask for a new one."), status=410) from None
    except (BadSignature, ValueError, TypeError):
        data = None
    user = db.session.get(User, data["u"]) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        raise AccountError(
            "reset_invalid", _l("This link is not valid or has been used already. Ask for a new one."), status=410
        )
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link; ends every session and revokes every API token."""
    user = user_for_reset(token)
    _set_password(user, new)
    record("user.password_reset", user, actor=user)
    end_sessions(user, actor=user, reason="password_reset")
    revoke_all_tokens(user, actor=user)
    return user


def request_reset(email: str, *, link) -> None:
    """Someone asks for a reset link for ``email``: sent when an active account has it, and
    otherwise nothing happens (the page answers the same either way). ``link(token)`` makes the URL."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    emails.queue_password_reset(user, link(reset_token(user)))
    record("user.password_reset_requested", user, actor=None)


def send_reset(user: User, *, actor: User, link) -> None:
    """An admin sends ``user`` a reset link (the account's password is not shown to anyone)."""
    if not user.is_active:
        raise AccountError("account_disabled", _l("This account is disabled."))
    emails.queue_password_reset(user, link(reset_token(user)), by_admin=True)
    record("user.password_reset_sent", user, actor=actor)

"""The one permission check, used by HTML views and the JSON API alike."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

#: Which roles satisfy a required role: an admin may do everything staff may.
SATISFIES = {
    "admin": {"admin"},
    "staff": {"admin", "staff"},
    "volunteer": {"volunteer"},
    "keeper": {"keeper"},
}


def has_role(user, *roles: str) -> bool:
    """Whether ``user`` (signed in and active) holds one of ``roles``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return any(user.role in SATISFIES[role] for role in roles)


def role_required(*roles: str):
    """Let the view run only for a signed-in user holding one of ``roles``.

    Anonymous requests get 401 (the HTML error handler sends people to the log-in page);
    signed-in people without the role get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator

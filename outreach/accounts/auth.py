"""How a request is tied to a user: the session cookie (pages) or a bearer token (API).

A request that carries a bearer token (``Authorization: Bearer ...``) is judged by it alone:
the session cookie beside it is not looked at, so a wrong token is refused even in a signed-in
browser, and no such request skips the CSRF check on the strength of a cookie. (Other schemes,
such as the Basic credentials a proxy in front may ask browsers for, are not ours to judge.)
"""

from __future__ import annotations

from flask import Flask, Request, abort, request

from outreach.accounts import services
from outreach.accounts.models import User
from outreach.extensions import login_manager


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        if carries_token(request):
            return None
        return services.user_for_session(session_id)

    @login_manager.request_loader
    def load_from_bearer(request: Request) -> User | None:
        token = bearer_token(request)
        if token is None or not request.path.startswith("/api/"):
            return None
        return services.user_for_token(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        abort(401)


def carries_token(request: Request) -> bool:
    """Whether the request names a bearer token, even an empty one (then it alone counts)."""
    scheme, _, _value = request.headers.get("Authorization", "").strip().partition(" ")
    return scheme.lower() == "bearer"


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


"""How a request is tied to a user: the session cookie (pages) or a bearer token (API).

A request that carries a bearer token (``Authorization: Bearer ...``) is judged by it alone:
the session cookie beside it is not looked at, so a wrong token is refused even in a signed-in
browser, and no such request skips the CSRF check on the strength of a cookie. (Other schemes,
such as the Basic credentials a proxy in front may ask browsers for, are not ours to judge.)
"""

from __future__ import annotations

from flask import Flask, Request, abort, request
from flask.sessions import SecureCookieSessionInterface

from outreach.accounts import services
from outreach.accounts.models import User
from outreach.extensions import login_manager


class TokenSessionInterface(SecureCookieSessionInterface):
    """An API request that carries a bearer token is judged by it alone, so it has no use for
    the session cookie: it gets Flask's null session (empty; writing to it fails loudly), and no
    cookie is read, signed or set. The door's scanner calls the API thousands of times an
    hour: this spares each call building the cookie's serializer and saving the session."""

    def open_session(self, app, request):
        if request.path.startswith("/api/") and carries_token(request):  # a page keeps its session
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"
    app.session_interface = TokenSessionInterface()

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        if carries_token(request):
            return None
        return services.user_for_session(session_id)

    login_manager.request_loader(user_from_bearer)

    @login_manager.unauthorized_handler
    def unauthorized():
        abort(401)


def user_from_bearer(request: Request) -> User | None:
    token = bearer_token(request)
    if token is None or not request.path.startswith("/api/"):
        return None
    return services.user_for_token(token)


def authenticate_bearer(request: Request) -> bool:
    """For a request that carries a bearer token: its user (or nobody) becomes Flask-Login's
    ``current_user`` at once, with no look at the session, which such a request does not
    have (``TokenSessionInterface``); whether the token was valid."""
    user = user_from_bearer(request)
    login_manager._update_request_context_with_user(user)  # None: the anonymous user
    return user is not None


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


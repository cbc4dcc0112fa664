"""How a request is tied to a user: the session cookie (pages) or a bearer token (API)."""

from __future__ import annotations

from flask import Flask, Request
from sqlalchemy import select

from outreach.accounts import services
from outreach.accounts.models import User
from outreach.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return db.session.scalar(select(User).where(User.id == int(user_id)))

    @login_manager.request_loader
    def load_from_bearer(request: Request) -> User | None:
        token = bearer_token(request)
        if token is None or not request.path.startswith("/api/"):
            return None
        return services.user_for_token(token)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import abort

        abort(401)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()

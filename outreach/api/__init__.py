"""The JSON API, version 1: one parent blueprint at /api/v1 that each area's api.py nests in.

The helpers every area's API shares are in ``outreach.api.helpers``, the OpenAPI building blocks
in ``outreach.api.schema``; ``outreach.api.openapi`` assembles the description from the areas'
``openapi_doc.py``. ``create_app`` builds the parent with ``api_blueprint()`` and nests the areas'
blueprints in it, so each app gets its own and nothing is kept between apps.
"""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from outreach.accounts.auth import authenticate_bearer, carries_token
from outreach.api.helpers import ApiError
from outreach.extensions import csrf


def api_blueprint() -> Blueprint:
    """A new /api/v1 parent blueprint, with no children yet."""
    bp = Blueprint("api", __name__, url_prefix="/api/v1")
    bp.before_request(authenticate)
    bp.after_request(no_store)
    return bp


def authenticate():
    """A request with a bearer token is judged by it alone: the token must be
    valid (a session cookie beside it does not count, see ``accounts.auth``), and only such a
    request skips the CSRF check. Browser calls that ride on the session cookie (the scanner
    page) must carry the CSRF token in ``X-CSRFToken`` for every write."""
    if carries_token(request):
        if not authenticate_bearer(request):
            raise ApiError("invalid_token", _l("The API token is not valid."), status=401)
        return
    if request.method not in ("GET", "HEAD", "OPTIONS") and current_user.is_authenticated:
        csrf.protect()


def no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response

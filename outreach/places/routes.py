"""Admin pages of branches and venues; staff pages of series and partners."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("places", __name__, url_prefix="/staff")

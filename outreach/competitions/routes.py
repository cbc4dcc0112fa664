"""Public competition pages: rounds, sittings and, once published, results."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions", __name__, url_prefix="/competitions")

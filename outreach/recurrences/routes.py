"""Staff pages of weekly recurring events (三点半课堂): the pattern, its exceptions, its occurrences."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recurrences", __name__, url_prefix="/staff/recurrences")

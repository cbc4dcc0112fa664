"""Staff pages of competitions: rubric, judges, rounds and sittings, scores, advancement, awards."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions_staff", __name__, url_prefix="/staff/competitions")

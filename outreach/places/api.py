"""Branches, series and partners in the JSON API (venues are in events.api)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("places_api", __name__)

"""Recurring events in the JSON API."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("recurrences_api", __name__)

"""Competitions, rounds and results in the JSON API."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions_api", __name__)

"""The OpenAPI description of this area's API routes, merged into /api/v1/openapi.json."""

from __future__ import annotations


def paths() -> dict:
    return {}


def schemas() -> dict:
    return {}

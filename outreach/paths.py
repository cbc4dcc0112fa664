"""Where the project's files are: the repository root holds templates/, static/ and migrations/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
MIGRATIONS = ROOT / "migrations"

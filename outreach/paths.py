"""Where the project's files are: the repository root holds templates/, static/ and migrations/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
TEMPLATES = ROOT / "templates"
MIGRATIONS = ROOT / "migrations"


def instance_folder(instance_path: str | Path, name: str) -> Path:
    """A folder of files the running app keeps (uploads, such as cover images) inside its
    instance folder, beside its database and secret key; made when first asked for."""
    folder = Path(instance_path) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder

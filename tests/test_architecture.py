"""The layers of docs/architecture.md hold: the import-linter contract in pyproject.toml
passes on the code, and it fails as soon as a lower area imports a higher one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from outreach.paths import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=package_parent, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_layers_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "outreach", tmp_path / "outreach", ignore=shutil.ignore_patterns("__pycache__", "translations"))
    models = tmp_path / "outreach" / "events" / "models.py"
    models.write_text(models.read_text() + "\nfrom outreach.registration import services as _upward  # noqa\n")

    result = _lint(tmp_path)

    assert result.returncode == 1
    assert "outreach.events is not allowed to import outreach.registration" in result.stdout
    assert "outreach.events.models -> outreach.registration.services" in result.stdout

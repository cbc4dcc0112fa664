"""The test suite's own layout: test modules share helpers through tests/helpers.py (and an
area's helpers.py) and fixtures through conftest.py, never by importing one another."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def imported_test_modules(path: Path) -> list[str]:
    """The test modules and conftest files that ``path`` imports, at any depth of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            last = name.rsplit(".", 1)[-1]
            if name.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                found.append(name)
    return found


def test_no_test_module_imports_another_or_a_conftest():
    modules = sorted(p for p in TESTS.rglob("*.py") if "vendor" not in p.parts)
    assert len(modules) > 60
    offenders = {str(p.relative_to(TESTS)): imported_test_modules(p) for p in modules}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_an_import_of_a_test_module(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from tests.helpers import in_days\n"
        "from tests.events.test_routes import programme\n"
        "def f():\n    import tests.conftest\n"
    )
    assert imported_test_modules(sample) == ["tests.events.test_routes", "tests.conftest"]

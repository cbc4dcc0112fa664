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


BROWSER_FIXTURES = {"live_server", "page", "browser", "chromium"}


def unmarked_browser_tests(path: Path) -> list[str]:
    """The tests of ``path`` that take a browser fixture without the ``browser`` mark (on the
    function, or ``pytestmark`` on the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def marked(decorators) -> bool:
        return any("mark.browser" in ast.unparse(d) for d in decorators)

    if any(isinstance(node, ast.Assign) and "pytestmark" in ast.unparse(node.targets[0])
           and "mark.browser" in ast.unparse(node.value) for node in tree.body):
        return []
    return [node.name for node in tree.body
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            and BROWSER_FIXTURES & {a.arg for a in node.args.args} and not marked(node.decorator_list)]


def test_every_test_that_drives_a_browser_is_marked_browser():
    """CI runs the browser tests on one database only (``-m "not browser"`` on PostgreSQL): a
    browser test without the mark would run there too, twice as slow for nothing."""
    modules = sorted(p for p in TESTS.rglob("test_*.py") if "vendor" not in p.parts)
    unmarked = {str(p.relative_to(TESTS)): names for p in modules if (names := unmarked_browser_tests(p))}
    assert unmarked == {}


def test_the_mark_check_sees_an_unmarked_browser_test(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text("import pytest\n@pytest.mark.browser\ndef test_a(page): pass\n"
                      "def test_b(live_server, page): pass\ndef test_c(client): pass\n")
    assert unmarked_browser_tests(sample) == ["test_b"]

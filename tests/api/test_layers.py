"""The API package's layering: helpers and building blocks below the areas, one assembler above."""

import ast
from pathlib import Path

import outreach

PACKAGE = Path(outreach.__file__).resolve().parent
AREAS = ["competitions", "events", "places", "recurrences", "registration", "reports", "volunteers"]
#: What the platform modules of outreach.api may import from the project.
PLATFORM = {
    "outreach.errors", "outreach.extensions", "outreach.text", "outreach.timezone", "outreach.accounts.auth",
    "outreach.api.helpers", "outreach.api.schema", "outreach.years", "outreach.paging",
}


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports(tree: ast.Module) -> list[tuple[ast.AST, str, list[str]]]:
    """(node, module, names) for every import in the tree; names is empty for ``import x``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node, node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((node, alias.name, []) for alias in node.names)
    return found


def test_the_api_platform_modules_import_no_area():
    for name in ["__init__.py", "helpers.py", "schema.py"]:
        project = {module for _, module, _ in imports(parse(PACKAGE / "api" / name)) if module.startswith("outreach")}
        assert project <= PLATFORM, (name, project - PLATFORM)


def test_only_the_assembler_imports_the_areas_docs():
    modules = sorted(p.name for p in (PACKAGE / "api").glob("*.py"))
    assert modules == ["__init__.py", "helpers.py", "openapi.py", "schema.py"]
    assembled = {module for _, module, _ in imports(parse(PACKAGE / "api" / "openapi.py"))}
    assert {f"outreach.{area}" for area in AREAS} <= assembled


def test_every_area_describes_its_routes_and_imports_the_building_blocks_at_the_top():
    for area in AREAS:
        docs = sorted((PACKAGE / area).glob("*openapi_doc.py"))
        assert docs, area
        for path in docs:
            tree = parse(path)
            functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
            assert {"paths", "schemas"} <= functions, path.name
            top = {node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))}
            for node, module, _ in imports(tree):
                assert node in top, f"{area}/{path.name} imports {module} inside a function"
            assert any(module == "outreach.api.schema" for _, module, _ in imports(tree)), path.name
        for path in sorted((PACKAGE / area).glob("*api.py")):
            api = {module for _, module, _ in imports(parse(path))}
            assert "outreach.api" not in api, path.name


def test_no_module_imports_another_modules_private_names():
    private = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for _, module, names in imports(parse(path)):
            private.extend(f"{path.relative_to(PACKAGE)}: {module}.{n}" for n in names if n.startswith("_"))
    assert private == []

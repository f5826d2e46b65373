"""The organiser package keeps its layers apart: views over queries and services."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "webinar" / "organiser"
VIEWS = sorted((PACKAGE / "views").glob("*.py"))
BELOW_VIEWS = sorted((PACKAGE / "queries").glob("*.py")) + sorted(
    (PACKAGE / "services").glob("*.py")
)


def imported_modules(path: Path) -> set[str]:
    """Return the absolute names of the modules, and of the names in them, a file imports."""
    package = list(path.relative_to(PACKAGE.parent.parent).parent.parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_layers_are_found():
    assert len(VIEWS) > 5 and len(BELOW_VIEWS) > 5


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: path.name)
def test_a_view_module_imports_no_other_view_module(path):
    others = {f"webinar.organiser.views.{view.stem}" for view in VIEWS if view != path}
    assert not imported_modules(path) & others


@pytest.mark.parametrize("path", BELOW_VIEWS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_queries_and_services_use_no_view_form_or_flash(path):
    imported = imported_modules(path)
    assert not {name for name in imported if name.startswith("webinar.organiser.views")}
    assert "webinar.organiser.forms" not in imported
    assert not {"flask.flash", "flask.request", "flask.render_template"} & imported

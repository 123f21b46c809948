"""Views and API routers read scoped models only through their app's selectors, where the
scope and the one "not found" answer live (as Zulip's lint keeps its views on the access_*
functions). An AST walk over every `views.py`, `views/` and `api/routers/` finds each direct
query: `Model.objects…`, `Model._default_manager`/`_base_manager`, `get_object_or_404(Model,
…)` and `get_list_or_404(Model, …)`."""

import ast
import importlib
from pathlib import Path

from django.db import models

ROOT = Path(__file__).resolve().parents[2]

# Models whose every row anyone may read: a view may query them directly.
UNSCOPED = {
    "catalog.Domain",  # the five colour domains, shown to everyone
    "catalog.ServiceList",  # the three published service lists (公示)
    "catalog.Item",  # the published catalogue: pages and the API look items up by code
}

MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def _imports(tree: ast.Module, package: str) -> dict[str, tuple[str, str | None]]:
    """Every name the module imports (at the top or inside a function): name -> (module,
    attribute), attribute None for `import x.y`."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = (alias.name, None)
                else:
                    top = alias.name.split(".")[0]
                    names[top] = (top, None)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            for alias in node.names:
                names[alias.asname or alias.name] = (module, alias.name)
    return names


def _resolve(node: ast.expr, names: dict):
    """The object an expression of imported names stands for, or None."""
    if isinstance(node, ast.Name) and node.id in names:
        module, attribute = names[node.id]
        found = importlib.import_module(module)
        if attribute is None:
            return found
        if hasattr(found, attribute):
            return getattr(found, attribute)
        return importlib.import_module(f"{module}.{attribute}")
    if isinstance(node, ast.Attribute):
        owner = _resolve(node.value, names)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def _label(node: ast.expr, names: dict) -> str | None:
    """A model's label (`app.Model`), or None when the expression is not a model class."""
    found = _resolve(node, names)
    if isinstance(found, type) and issubclass(found, models.Model):
        return found._meta.label
    return None


def direct_queries(source: str, package: str = "") -> list[tuple[int, str]]:
    """(line, model label) of every direct query in the source; a manager reached through
    something that is not an imported model (`model.objects`) is named by its expression."""
    tree = ast.parse(source)
    names = _imports(tree, package)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            found.append((node.lineno, _label(node.value, names) or ast.unparse(node.value)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in SHORTCUTS
            and node.args
        ):
            label = _label(node.args[0], names)
            if label:
                found.append((node.lineno, label))
    return sorted(found)


def _sources() -> list[Path]:
    files = set(ROOT.glob("*/views.py"))
    for folder in [*ROOT.glob("*/views"), ROOT / "api" / "routers"]:
        files.update(folder.rglob("*.py"))
    return sorted(f for f in files if "tests" not in f.relative_to(ROOT).parts)


def _violations() -> dict[tuple[str, str], list[int]]:
    found = {}
    for path in _sources():
        relative = path.relative_to(ROOT)
        package = ".".join(relative.parent.parts)
        for line, label in direct_queries(path.read_text(), package):
            if label not in UNSCOPED:
                found.setdefault((relative.as_posix(), label), []).append(line)
    return found


def test_views_and_routers_query_scoped_models_only_through_selectors():
    found = [
        f"{path}:{line}: {label}"
        for (path, label), lines in sorted(_violations().items())
        for line in lines
    ]
    assert found == [], (
        "Read these through the app's selectors (scope and 404 live there), or, for a model "
        "anyone may read whole, add it to UNSCOPED with a comment saying why:\n" + "\n".join(found)
    )


def test_rule_sees_every_way_of_querying_a_model():
    source = """
from django.shortcuts import get_object_or_404
from cases.models import Case
from catalog import models as catalog_models
from orgs import models
import residents.models

def view(request, model):
    Case.objects.filter(pk=1)
    get_object_or_404(models.Household, pk=1)
    models.Estate._default_manager.all()
    model.objects.all()
    catalog_models.Item.objects.all()
    residents.models.Resident._base_manager.first()
    get_object_or_404(selectors.cases_in_scope(user=request.user), pk=1)

def helper():
    from ..models import Signup

    return Signup.objects.none()
"""
    assert direct_queries(source, package="engagement.views") == [
        (9, "cases.Case"),
        (10, "orgs.Household"),
        (11, "orgs.Estate"),
        (12, "model"),
        (13, "catalog.Item"),
        (14, "residents.Resident"),
        (20, "engagement.Signup"),
    ]

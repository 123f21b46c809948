"""Imports point one way: the apps form the layers the README lists, and no cycle.

Every app's source is read with `ast` (nothing is imported), outside what only runs in tests or
loads the demo: `tests/`, `migrations/` (a migration copies what it needs), the demo seeders
(`demo.py`) and the test personas (`core/testing.py`, used by `conftest.py` and tests only).
An import inside a function counts like any other: deferring it hides the arrow, it does not
remove it.
"""

import ast
import itertools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# From the ground up, as in the README's "Layers": an app may import the apps on lower lines
# only, never one on its own line or above.
LAYERS = [
    ["core"],
    ["orgs", "catalog"],
    ["residents"],
    ["cases"],
    ["insights", "triage", "engagement"],
    ["alliance", "connect"],
    ["care"],
    ["api", "open311"],
    ["portal", "bench"],
    ["config"],
]
LEVEL = {app: n for n, apps in enumerate(LAYERS) for app in apps}
TEST_ONLY = {Path("core/testing.py")}


def _sources(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        relative = path.relative_to(ROOT)
        if {"tests", "migrations"} & set(relative.parts) or path.name == "demo.py":
            continue
        if relative not in TEST_ONLY:
            yield relative


def _imports() -> list[tuple[str, str, str]]:
    """(importing app, imported app, "file:line") for every import of another app."""
    found = []
    for app in LEVEL:
        for path in _sources(app):
            for node in ast.walk(ast.parse((ROOT / path).read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    target = name.split(".")[0]
                    if target in LEVEL and target != app:
                        found.append((app, target, f"{path}:{node.lineno}"))
    return found


def test_every_app_has_its_layer():
    apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"config"}
    assert apps == set(LEVEL)


def test_the_readme_lists_the_same_layers():
    section = README.read_text().split("### Layers", 1)[1].split("\n#", 1)[0]
    listed = [
        re.findall(r"`(\w+)`", line.split("—")[0])
        for line in section.splitlines()
        if re.match(r"\d+\. `", line)
    ]
    assert listed == LAYERS


def test_imports_point_down():
    upward = [
        f"{where}: {app} (layer {LEVEL[app]}) imports {target} (layer {LEVEL[target]})"
        for app, target, where in _imports()
        if LEVEL[target] >= LEVEL[app]
    ]
    assert upward == []


def test_the_apps_import_each_other_in_no_cycle():
    edges: dict[str, dict[str, str]] = {}
    for app, target, where in _imports():
        edges.setdefault(app, {}).setdefault(target, where)
    cycles = []
    done: set[str] = set()

    def visit(app: str, path: list[str]) -> None:
        if app in path:
            loop = path[path.index(app) :] + [app]
            cycles.append(
                ", ".join(f"{a} → {b} ({edges[a][b]})" for a, b in itertools.pairwise(loop))
            )
            return
        if app in done:
            return
        for target in sorted(edges.get(app, {})):
            visit(target, [*path, app])
        done.add(app)

    for app in sorted(edges):
        visit(app, [])
    assert cycles == []

"""The layout a reader can follow: imports resolved from the source tree, floors pointing down.

The repository's root is the package ``dlverify`` (its ``__init__.py`` is the notebook face;
``pyproject.toml`` maps ``dlverify`` to ``.``).  The floors are

    theorems/  <-  numerics/  <-  reports/  <-  checks/

and a module may import only its own floor and the floors below it.  Inside the project, library
modules import each other with relative imports (``from ..theorems.core import Claim``), which a
reader resolves by path; the test files import the installed package by its name
(``dlverify.theorems.core``), which resolves to ``./theorems/core.py`` by the mapping above.
Every import of either kind -- at module level or inside a function -- must name a file or folder
that exists, and the folders' import graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLOORS = {"theorems": 0, "numerics": 1, "reports": 2, "checks": 3}


def _sources() -> list[Path]:
    files = [ROOT / "__init__.py"]
    for folder in FLOORS:
        files += [p for p in sorted((ROOT / folder).rglob("*.py")) if not {"reference", "out"} & set(p.parts)]
    return files


def _module_path(base: Path, dotted: str) -> Path | None:
    """The file or package a dotted name (relative to ``base``) names, if it exists."""
    target = base.joinpath(*dotted.split(".")) if dotted else base
    for cand in (target.with_suffix(".py"), target / "__init__.py"):
        if cand.exists():
            return cand
    return None


def _imports_of(source: str) -> list[tuple[int, str, int, list[str]]]:
    """(line, module, level, names) of every import in a source text, at any depth."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            out.append((node.lineno, node.module or "", node.level, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, 0, []) for a in node.names]
    return out


def _imports(path: Path) -> list[tuple[int, str, int, list[str]]]:
    return _imports_of(path.read_text(encoding="utf-8"))


def _resolve(path: Path, module: str, level: int, names: list[str]) -> list[Path] | None:
    """The project files an import statement reaches, ``[]`` for a third-party import, ``None``
    when a project import cannot be resolved by path."""
    if level == 0:
        if module != "dlverify" and not module.startswith("dlverify."):
            return []
        base, dotted = ROOT, module.removeprefix("dlverify").lstrip(".")
    else:
        base = path.parent
        for _ in range(level - 1):
            base = base.parent
        dotted = module
    target = _module_path(base, dotted)
    if target is None:
        return None
    hits = [target]
    for name in names:  # ``from . import x`` may name a submodule
        sub = _module_path(base, f"{dotted}.{name}" if dotted else name)
        if sub is not None:
            hits.append(sub)
    return hits


def _floor(path: Path) -> int | None:
    rel = path.relative_to(ROOT).parts
    return FLOORS.get(rel[0]) if len(rel) > 1 else None


def _edges() -> list[tuple[Path, int, Path | None]]:
    edges: list[tuple[Path, int, Path | None]] = []
    for path in _sources():
        for line, module, level, names in _imports(path):
            hits = _resolve(path, module, level, names)
            if hits is None:
                edges.append((path, line, None))
            edges += [(path, line, h) for h in hits or []]
    return edges


def test_every_project_import_resolves_from_the_source_tree():
    bad = [f"{p.relative_to(ROOT)}:{line}" for p, line, target in _edges() if target is None]
    assert not bad, f"imports a static reader cannot resolve: {bad}"


def test_library_modules_import_the_project_relatively():
    """Outside the test files, no module names ``dlverify.`` in an import: relative imports only."""
    bad = []
    for path in _sources():
        if path.name.startswith("test_"):
            continue
        for line, module, level, _ in _imports(path):
            if level == 0 and (module == "dlverify" or module.startswith("dlverify.")):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not bad, bad


def test_imports_point_down_the_floors():
    bad = []
    for path, line, target in _edges():
        src, dst = _floor(path), _floor(target) if target is not None else None
        if src is not None and dst is not None and dst > src:
            bad.append(f"{path.relative_to(ROOT)}:{line} imports {target.relative_to(ROOT)}")
    assert not bad, f"imports pointing up a floor: {bad}"


def test_no_cycle_between_folders():
    graph: dict[str, set[str]] = {}
    for path, _, target in _edges():
        if target is None or _floor(path) is None or _floor(target) is None:
            continue
        a, b = path.relative_to(ROOT).parts[0], target.relative_to(ROOT).parts[0]
        if a != b:
            graph.setdefault(a, set()).add(b)
    seen: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        seen[n] = 1
        for m in graph.get(n, ()):
            assert seen.get(m) != 1, f"cycle between folders: {' -> '.join([*stack, n, m])}"
            if m not in seen:
                visit(m, [*stack, n])
        seen[n] = 2

    for n in list(graph):
        if n not in seen:
            visit(n, [])


@pytest.mark.parametrize(
    "source, ok",
    [
        ("from ..theorems.core import Claim\n", True),
        ("from ..theorems.no_such_module import Claim\n", False),
        ("from dlverify.numerics import device\n", True),
        ("import dlverify.nowhere\n", False),
        ("import numpy\n", True),
    ],
)
def test_the_resolver_can_fail(source, ok):
    """The resolver itself: a known good and a known bad import of each kind."""
    fake = ROOT / "numerics" / "fake_module.py"
    edges = [_resolve(fake, m, lv, names) for _, m, lv, names in _imports_of(source)]
    assert all(e is not None for e in edges) is ok


def _bound_twice(tree: ast.Module) -> list[str]:
    """Module-level names bound by two plain ``NAME = …`` assignments: the second silently
    replaces the first for every later reader (a relation a source entry names by it included)."""
    seen: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            seen[node.targets[0].id] = seen.get(node.targets[0].id, 0) + 1
    return sorted(k for k, v in seen.items() if v > 1)


@pytest.mark.parametrize("path", sorted((ROOT / "theorems").glob("*.py")), ids=lambda p: p.name)
def test_no_theorem_module_binds_a_name_twice(path):
    """A relation named twice in a theorem module (PHI_KERNEL: a width slope of 000:172 and the
    chain rule of 000:178) let the later one decide a source entry that names the earlier."""
    assert _bound_twice(ast.parse(path.read_text())) == []


def test_the_rebinding_check_can_fail():
    assert _bound_twice(ast.parse("A = 1\nB = 2\nA = 3\nC, D = 1, 2\nC = 4\n")) == ["A"]

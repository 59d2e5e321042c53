"""``dlverify new <id>``: the skeleton of a theorem, as a pack or inside this repository.

The skeleton is a complete, passing example -- Bernoulli's inequality (1 + x)³ ≥ 1 + 3x for
x ≥ −1, with one assumption, a two-line derivation, one wrong variant and its numeric side --
so that it runs end to end before the user replaces the statement with their own.  Nothing
existing is overwritten: a file that is already there is bad input (exit 2).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from ..theorems.relations import DlverifyError

_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

THEOREM = '''r"""$title -- a theorem of the pack ``$pkg`` (written by ``dlverify new``).

Replace the example (Bernoulli's inequality for n = 3) with your statement: keep this module
pure sympy -- symbols, assumptions, derivation, claims, wrong variants, source lines -- and put
everything numeric in ``$numeric``.
"""
from __future__ import annotations

import sympy as sp

from $core import Assumption, Claim, Combination, Simplification, Source, Step, Theorem

x = sp.Symbol("x", real=True)

ASSUMPTIONS = [
    Assumption("x_ge", "x is at least -1", sp.Ge(x, -1)),
]

DERIVATION = [
    Step("expand", "(1 + x)^3 - 1 - 3x = x^2 (x + 1) + 2 x^2",
         sp.Eq((1 + x) ** 3 - 1 - 3 * x, x**2 * (x + 1) + 2 * x**2), Simplification()),
    Step("bernoulli", "x^2 times [x >= -1], plus the square 2 x^2",
         sp.Ge((1 + x) ** 3, 1 + 3 * x), Combination({"x_ge": x**2}, squares=[(2, x)])),
]

CLAIMS = [
    Claim("bernoulli", "(1 + x)^3 >= 1 + 3x for x >= -1", sp.Ge((1 + x) ** 3, 1 + 3 * x), ("x_ge",)),
]

WRONG_VARIANTS = [
    CLAIMS[0].variant("constant_4", "(1 + x)^3 >= 1 + 4x (a constant too large)", \
sp.Ge((1 + x) ** 3, 1 + 4 * x)),
]

THEOREM = Theorem(
    id="$id", title="$title", source=Source("your source", "section", "equation"),
    statement=r"x \\ge -1 \\implies (1+x)^3 \\ge 1+3x",
    assumptions=ASSUMPTIONS, derivation=DERIVATION, claims=CLAIMS, wrong_variants=WRONG_VARIANTS,
    numeric="$numeric",
)
'''

NUMERIC = '''"""The numeric side of ``$id``: its instance families, one ``measure``, its experiments."""
from __future__ import annotations

import torch

from $contract import Family, measure_on
from $evidence import measure_relation


def _x_grid(claim, ctx):
    """The claim's own relation on a grid and random points of x.  Where the claim assumes
    x >= -1 the instances honour it (boundary included); where it does not, they go below -1 on
    purpose, so a dropped assumption is refuted."""
    lo = -1.0 if "x_ge" in claim.assumptions else -6.0
    grid = torch.linspace(lo, 3.0, 401, dtype=ctx.dtype, device=ctx.device)
    rand = lo + 4.0 * torch.rand(600, generator=ctx.generator("x grid"), dtype=ctx.dtype, device=ctx.device)
    x = torch.cat([grid, rand])
    # rounding: a few operations on numbers of size (1 + |x|)^3
    tol = 16 * torch.finfo(ctx.dtype).eps * (1 + x.abs()) ** 3
    return [measure_relation(claim.relation, {"x": x}, tol, how=f"x on [{lo}, 3]")]


#: the instance families: which quantities each computes, from which assumptions
FAMILIES = (
    Family("x grid", frozenset({"x"}), _x_grid, "a grid and random points of x", ("x_ge",)),
)

#: one function per experiment, ``ctx -> Experiment``
EXPERIMENTS = ()


def measure(claim, ctx):
    return measure_on(FAMILIES, claim, ctx)


def tightness(ctx):
    return []
'''

CHECKS = '''"""Property checks for ``$id``: hypothesis instances and the necessity of each assumption.

The ``ctx`` fixture (device, seed, profile) and the hypothesis profiles come from dlverify's
pytest plugin, which pytest loads by itself wherever dlverify is installed.
"""
from __future__ import annotations

import importlib

import sympy as sp
from hypothesis import given, strategies as st

from dlverify.theorems.core import assess, check_derivation
from $theorem_import import ASSUMPTIONS, CLAIMS, THEOREM, WRONG_VARIANTS, x


@given(st.floats(-1.0, 100.0))
def test_claim_holds_where_assumed(v):
    rel = CLAIMS[0].relation
    assert bool(rel.subs(x, sp.Rational(v))), v


def test_dropping_the_assumption_breaks_the_claim():
    rel, a = CLAIMS[0].relation, ASSUMPTIONS[0].relation
    point = sp.Integer(-4)
    assert not bool(a.subs(x, point)) and not bool(rel.subs(x, point))


def test_the_wrong_variant_is_refuted_and_the_claim_holds(ctx):
    numeric = importlib.import_module(THEOREM.numeric or "dlverify.numerics.$id")
    marks = check_derivation(THEOREM)
    measure = lambda c: numeric.measure(c, ctx)  # noqa: E731
    assert assess(THEOREM, CLAIMS[0], marks, measure).verdict.holds
    assert assess(THEOREM, WRONG_VARIANTS[0], marks, measure).verdict.value == "false"
'''

PYPROJECT = """[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "$dist"
version = "0.1.0"
description = "A dlverify theorem pack: $title"
requires-python = ">=3.10"
dependencies = ["dlverify"]

[project.entry-points."dlverify.theorems"]
$id = "$pkg.theorem"

[tool.setuptools]
packages = ["$pkg"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


def _write(files: dict[Path, str]) -> list[Path]:
    clash = [p for p in files if p.exists()]
    if clash:
        raise DlverifyError(f"'{clash[0]}' already exists; 'dlverify new' never overwrites a file")
    for p, text in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return list(files)


def new_theorem(theorem_id: str, pack: Path | None = None, repo: Path | None = None) -> list[Path]:
    if not _ID.match(theorem_id):
        raise DlverifyError(
            f"theorem id '{theorem_id}' must be lower-case letters, digits and '_', starting with a letter"
        )
    title = theorem_id.replace("_", " ").capitalize()
    if pack is not None:
        pkg = f"{theorem_id}_pack"
        sub = {
            "id": theorem_id,
            "title": title,
            "pkg": pkg,
            "core": "dlverify.theorems.core",
            "contract": "dlverify.numerics.contract",
            "evidence": "dlverify.numerics.evidence",
            "numeric": f"{pkg}.numerics",
            "theorem_import": f"{pkg}.theorem",
            "dist": f"dlverify-pack-{theorem_id.replace('_', '-')}",
        }
        files = {
            pack / "pyproject.toml": string.Template(PYPROJECT).substitute(sub),
            pack / pkg / "__init__.py": f'"""The dlverify theorem pack {theorem_id}."""\n',
            pack / pkg / "theorem.py": string.Template(THEOREM).substitute(sub)
            + 'CHECK_FILE = "../tests/test_theorem.py"\n',
            pack / pkg / "numerics.py": string.Template(NUMERIC).substitute(sub),
            pack / "tests" / f"test_{theorem_id}.py": string.Template(CHECKS).substitute(sub),
        }
        files[pack / pkg / "theorem.py"] = files[pack / pkg / "theorem.py"].replace(
            "../tests/test_theorem.py", f"../tests/test_{theorem_id}.py"
        )
        return _write(files)
    root = repo or Path(__file__).resolve().parent.parent
    if not (root / "theorems" / "__init__.py").exists():
        raise DlverifyError(f"'{root}' is not a dlverify checkout (no theorems/__init__.py); use --pack DIR")
    sub = {  # inside the repository: relative imports, like every library module
        "id": theorem_id,
        "title": title,
        "pkg": "dlverify",
        "core": ".core",
        "contract": ".contract",
        "evidence": ".evidence",
        "numeric": f"dlverify.numerics.{theorem_id}",
        "theorem_import": f"dlverify.theorems.{theorem_id}",
        "dist": "dlverify",
    }
    files = {
        root / "theorems" / f"{theorem_id}.py": string.Template(THEOREM)
        .substitute(sub)
        .replace(f'\n    numeric="dlverify.numerics.{theorem_id}",', ""),
        root / "numerics" / f"{theorem_id}.py": string.Template(NUMERIC).substitute(sub),
        root / "checks" / f"test_{theorem_id}.py": string.Template(CHECKS).substitute(sub),
    }
    written = _write(files)
    reg = root / "theorems" / "__init__.py"
    text = reg.read_text(encoding="utf-8")
    m = re.search(r"REGISTRY: list\[str\] = \[\n(.*?)\]", text, re.S)
    if m and f'"{theorem_id}"' not in m.group(1):
        text = text[: m.end(1)] + f'    "{theorem_id}",\n' + text[m.end(1) :]
        reg.write_text(text, encoding="utf-8")
        written.append(reg)
    return written

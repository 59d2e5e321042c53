"""Generic checks, driven by the registry: every registered theorem gets each of them.

One evaluation per theorem and process (``standard.evaluation``); under pytest-xdist the
tests of one theorem form one ``xdist_group`` (``--dist loadgroup``), so no theorem is
evaluated twice in a test run.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from dlverify import theorems as registry
from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.theorems.core import Verdict, same_relation

ROOT = Path(__file__).resolve().parent.parent
IDS = list(registry.REGISTRY)


def _param(tid):
    return pytest.param(tid, marks=pytest.mark.xdist_group(tid), id=tid)


THEOREMS = [_param(t) for t in IDS]


def sources_dir() -> Path | None:
    env = os.environ.get("DLVERIFY_SOURCES")
    d = Path(env) if env else ROOT.parent / "shared" / "sources"
    return d if d.is_dir() else None


@pytest.mark.parametrize("tid", THEOREMS)
def test_theorem_module_imports_no_torch(tid):
    """The book apart from the harness: a theorem module is pure sympy."""
    code = f"import sys, dlverify.theorems.{tid}; sys.exit(3 if 'torch' in sys.modules else 0)"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, f"dlverify.theorems.{tid} imports torch" if p.returncode == 3 else p.stderr


@pytest.mark.parametrize("tid", THEOREMS)
def test_every_derivation_step_is_certified(tid):
    marks = standard.marks_of(tid)
    record(tid, examples=len(marks), note=f"{len(marks)} steps re-checked")
    assert not [(m.key, m.detail) for m in marks if not m.ok]


@pytest.mark.parametrize("tid", THEOREMS)
def test_no_step_rests_on_two_markov_events(tid):
    """A claim that assumes a Markov event is a statement "with probability ≥ 1 − δ"; a step
    resting on two such events would hold only with probability ≥ 1 − 2δ."""
    th = registry.load(tid).THEOREM
    events = {a.key for a in th.assumptions if a.event}
    two = [(m.key, sorted(set(m.hypotheses) & events)) for m in standard.marks_of(tid)]
    assert not [t for t in two if len(t[1]) > 1], two
    for c in th.claims:
        assert len(set(c.assumptions) & events) <= 1, c.key


@pytest.mark.parametrize("tid", THEOREMS)
def test_registered_claims_hold_on_evidence(tid, ctx):
    ev = standard.evaluation(tid, ctx)
    for key, r in ev.claims.items():
        record(
            tid,
            examples=max(1, r.instances),
            counterexamples=r.violations,
            ratio=r.worst_ratio,
            note=f"{key}: {r.verdict.value} ({r.basis.value})",
        )
        assert r.verdict.holds, (key, r.verdict, r.detail, r.counterexample)


@pytest.mark.parametrize("tid", THEOREMS)
def test_wrong_variants_are_refuted(tid, ctx):
    ev = standard.evaluation(tid, ctx)
    assert ev.variants, f"{tid} has no wrong variants"
    for key, r in ev.variants.items():
        record(
            tid, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample, note=key
        )
        assert r.verdict is Verdict.FALSE, (key, r.verdict, r.detail)


@pytest.mark.parametrize("tid", THEOREMS)
def test_every_claim_has_a_wrong_variant(tid):
    th = registry.load(tid).THEOREM
    covered = {v.of for v in th.wrong_variants}
    assert not [c.key for c in th.claims if c.key not in covered]


@pytest.mark.parametrize("tid", THEOREMS)
def test_no_claim_domain_contains_the_claim(tid):
    th = registry.load(tid).THEOREM
    for c in th.claims:
        assert not any(same_relation(d, c.relation) for d in c.domain), c.key


@pytest.mark.parametrize("tid", THEOREMS)
def test_source_lines_are_decided_from_evidence(tid, ctx):
    """Every source line has a reading with evidence, or says why it is not checked; a line
    flagged as not plainly verified carries its corrected form."""
    ev = standard.evaluation(tid, ctx)
    assert ev.theorem.as_written, f"{tid} records no source lines"
    for line in ev.theorem.as_written:
        j, reading, corrected = ev.line(line.key)
        if line.unchecked:
            assert j.verdict is Verdict.NOT_CHECKED and line.reading is None, line.key
            continue
        assert line.reading is not None, f"{line.key}: no reading and no reason"
        assert j.verdict is not Verdict.NOT_CHECKED, (line.key, j.detail)
        if j.verdict in (Verdict.FALSE, Verdict.MISPRINT, Verdict.NEEDS_ASSUMPTION, Verdict.LOOSE):
            assert line.corrected_latex or line.reading.sharper is not None, (
                f"{line.key}: flagged without a correction"
            )
        if j.verdict in (Verdict.NEEDS_ASSUMPTION, Verdict.MISPRINT):
            assert corrected is not None and corrected.verdict.holds, line.key
        if j.verdict is Verdict.MISPRINT:
            assert line.edit and line.corrected_latex, f"{line.key}: a misprint names its edit and fix"


@pytest.mark.parametrize("tid", THEOREMS)
def test_source_citations_point_at_their_anchor(tid):
    """Each entry's anchor occurs verbatim at the cited line of the cited document."""
    d = sources_dir()
    if d is None:
        if os.environ.get("CI"):
            pytest.fail(
                "the source documents are missing (set DLVERIFY_SOURCES or provide ../shared/sources)"
            )
        pytest.skip("source documents not found (set DLVERIFY_SOURCES)")
    th = registry.load(tid).THEOREM
    texts: dict[str, list[str]] = {}
    bad = []
    for line in th.as_written:
        if line.doc not in texts:
            f = d / line.doc
            texts[line.doc] = f.read_text(encoding="utf-8").splitlines() if f.is_file() else []
        lines = texts[line.doc]
        if (
            not (1 <= line.line <= len(lines))
            or line.anchor not in lines[line.line - 1]
            or len(line.anchor) < 6
        ):
            bad.append(f"{line.key}: {line.doc}:{line.line} lacks {line.anchor!r}")
    record(tid, examples=len(th.as_written), counterexamples=len(bad), note=f"{len(th.as_written)} citations")
    assert not bad, bad


@pytest.mark.parametrize("tid", THEOREMS)
def test_each_numeric_side_measures_its_claims(tid, ctx):
    """Each registered claim is measured by its numeric side or proved (never neither)."""
    ev = standard.evaluation(tid, ctx)
    assert not [k for k, r in ev.claims.items() if r.instances == 0 and r.proof is None]


# --------------------------------------------------------------------------- verdicts in one place

_DECIDING = {"ClaimResult", "LineJudgement", "decide", "judge_source_line"}


def _python_files():
    for folder in ("theorems", "numerics"):
        for f in sorted((ROOT / folder).glob("*.py")):
            if f.name not in ("evidence.py", "core.py"):
                yield f


@pytest.mark.parametrize("path", list(_python_files()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_verdicts_are_made_only_in_the_evidence_module(path):
    """No theorem or numeric module names a verdict or builds a claim result: verdicts come
    from ``theorems/evidence.py`` alone."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and (node.id == "Verdict" or node.id in _DECIDING):
            used.add(node.id)
        elif isinstance(node, ast.alias) and (node.name in _DECIDING or node.name == "Verdict"):
            used.add(node.name)
    assert not used, f"{path.name} uses {sorted(used)}"


def test_relation_comparison_is_by_sympy_not_by_name():
    x, y = sp.symbols("x y", real=True)
    assert same_relation(sp.Le(x, 2 * y), sp.Ge(2 * y, x))
    assert same_relation(sp.Le(2 * x, 4 * y), sp.Le(2 * x - 4 * y, 0))
    assert not same_relation(sp.Le(x, 2 * y), sp.Lt(x, 2 * y))
    assert not same_relation(sp.Le(x, 2 * y), sp.Le(x, 3 * y))
    assert not same_relation(sp.Le(x, y), sp.Eq(x, y))


def test_two_different_identities_are_not_the_same_relation():
    """An identity proves only itself: Eq(a, a') matches Eq(a', a) or a rearrangement of the
    same sides, never an unrelated identity (both slacks are identically zero)."""
    x, y = sp.symbols("x y", real=True)
    one = sp.Eq((x + y) ** 2, x**2 + 2 * x * y + y**2)
    other = sp.Eq((x - y) ** 2, x**2 - 2 * x * y + y**2)
    assert same_relation(one, sp.Eq(x**2 + 2 * x * y + y**2, (x + y) ** 2))
    assert not same_relation(one, other)
    assert not same_relation(sp.Eq(x + x, 2 * x), sp.Eq(y * y, y**2))  # both evaluate to True


def test_identities_written_as_zero_do_not_match_each_other():
    x, y = sp.symbols("x y", real=True)
    z1, z2 = sp.Eq((x + y) ** 2 - x**2 - 2 * x * y - y**2, 0), sp.Eq((x - y) * (x + y) - x**2 + y**2, 0)
    assert not same_relation(z1, z2) and same_relation(z1, z1)

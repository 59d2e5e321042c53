"""Tests written against the survivors of code mutation (reports/code_mutation.py), each comparing
the verdict module's smaller helpers with an independent computation: exact slacks in
``fractions.Fraction``, finiteness by the IEEE rules, results records as they come back from
JSON (strings that are equal but not identical), a claim sympy decides by itself."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from types import SimpleNamespace

import pytest
import sympy as sp

from dlverify.theorems.evidence import (
    Basis,
    ClaimResult,
    TightnessRow,
    Verdict,
    decide,
    exact_measurement,
    finite,
    judge_source_line,
    theorem_outcome,
    tightness_verdict,
)

x, y = sp.symbols("x y", real=True)


@pytest.mark.parametrize(
    "value, expected",
    [(1.0, True), (0, True), (-1e308, True), (float("nan"), False), (float("inf"), False),
     (-math.inf, False), (None, False), ("abc", False), ("2.5", True), (10**400, False),
     (Fraction(1, 3), True), (sp.Rational(1, 3), True), (sp.oo, False), (sp.nan, False), ([1.0], False)],
)  # fmt: skip
def test_finite_follows_the_ieee_rules(value, expected):
    """A value is finite when it converts to a finite float; what does not convert (None, text,
    an integer beyond float range, a list) is not."""
    assert finite(value) is expected


def _exact(rel, pt, assumptions=()):
    return exact_measurement(rel, list(assumptions), pt)


def _frac_slack(kind, a, b):
    return {"le": b - a, "lt": b - a, "ge": a - b, "eq": a - b}[kind]


PAIRS = [
    (Fraction(1, 3), Fraction(1, 3)), (Fraction(1, 3), Fraction(1, 2)),
    (Fraction(1, 2), Fraction(1, 3)), (Fraction(-7, 5), Fraction(-7, 5) - Fraction(1, 2)),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["le", "lt", "ge", "eq"])
@pytest.mark.parametrize("a, b", PAIRS)
def test_exact_measurement_against_fraction_arithmetic(kind, a, b):
    rel = {"le": sp.Le, "lt": sp.Lt, "ge": sp.Ge, "eq": sp.Eq}[kind](x, y, evaluate=False)
    s = _frac_slack(kind, a, b)
    holds = s == 0 if kind == "eq" else s > 0 if kind == "lt" else s >= 0
    m = _exact(rel, {x: sp.Rational(a.numerator, a.denominator), y: sp.Rational(b.numerator, b.denominator)})
    assert (m.checked, m.violations, m.skipped) == (1, 0 if holds else 1, "")
    assert (m.counterexample is None) is holds
    if not holds:
        assert Fraction(str(sp.Rational(m.counterexample["slack"]))) == s


def test_exact_measurement_outside_the_domain_is_no_evidence():
    m = _exact(sp.Le(x, y), {x: 2, y: 1}, [sp.Gt(x, 3)])
    assert (m.checked, m.violations) == (0, 0) and "does not satisfy" in m.skipped
    m = _exact(sp.Le(x, y), {x: 2}, [])
    assert (m.checked, m.violations) == (0, 0) and "does not fix" in m.skipped
    assert decide("k", "", "", None, [m]).verdict is Verdict.NOT_REFUTED


@pytest.mark.parametrize("value", [sp.oo, -sp.oo, sp.zoo, sp.nan, sp.I])
def test_exact_measurement_of_an_undefined_slack_is_a_violation(value):
    m = _exact(sp.Le(x, y), {x: 0, y: value})
    assert (m.checked, m.violations) == (1, 1)


def _assess(relation, point=None):
    from dlverify.theorems.evidence import assess
    from dlverify.theorems.model import Assumption, Claim, Source, Theorem

    th = Theorem("t", "t", Source("w", "s"), "", [Assumption("pos", "x > 0", sp.Gt(x, 0))], [], [])
    return assess(th, Claim("c", "c", relation, ("pos",)), [], None, point)


def test_a_relation_sympy_decides_is_proved_or_refuted_by_one_exact_evaluation():
    """Eq(binomial(5, 1), 5) kept unevaluated is decided True by sympy (a proof); 1 > 2 False (one
    violated evaluation); a Python bool is a relation sympy has decided."""
    t = _assess(sp.Eq(sp.binomial(5, 1), 5, evaluate=False))
    assert (t.verdict, t.basis, t.instances) == (Verdict.VERIFIED, Basis.PROVED, 0)
    f = _assess(sp.Gt(sp.Integer(1), sp.Integer(2), evaluate=False))
    assert (f.verdict, f.instances, f.violations) == (Verdict.FALSE, 1, 1)
    from dlverify.theorems.evidence import evaluated

    assert evaluated(True) is sp.true and evaluated(False) is sp.false
    assert evaluated(sp.Le(x, y)) == sp.Le(x, y)


def test_an_exact_point_checks_only_the_assumptions_it_decides():
    """The claim's assumption x > 0 is decided by a point that fixes x (a point with x = −1 is no
    evidence); an assumption over symbols the point does not fix is not checked."""
    bad = _assess(sp.Le(x, x**2 + 1), {x: -1})
    assert bad.verdict is Verdict.NOT_REFUTED and "does not satisfy" in bad.measurements[0].skipped
    good = _assess(sp.Le(x, x**2 + 1), {x: 2})
    assert (good.verdict, good.instances) == (Verdict.VERIFIED, 1)
    refuted = _assess(sp.Le(x**2, x), {x: 2})
    assert (refuted.verdict, refuted.violations) == (Verdict.FALSE, 1)


def _json(rec):
    """A results record as the report reads it back: strings equal to the vocabulary, not the
    same objects."""
    return json.loads(json.dumps(rec))


def test_theorem_outcome_reads_records_from_json():
    F, T, V = Verdict.FALSE.value, Verdict.TIGHT.value, Verdict.VERIFIED.value
    NR = Verdict.NOT_REFUTED.value
    base = {
        "errors": [], "derivation": [], "experiments": [], "fuzzing": [], "as_written": [],
        "claims": [{"key": "c", "verdict": T}], "wrong_variants": [{"key": "w", "verdict": F}],
        "tightness": [{"quantity": "q", "setting": "s", "verdict": V}],
    }  # fmt: skip
    assert theorem_outcome(_json(base))[1:] == (True, T)
    rec = _json(base | {"tightness": [{"quantity": "q", "setting": "s", "verdict": "f" + "alse"}]})
    assert theorem_outcome(rec)[1:] == (False, "check failed")
    rec = _json(base | {"claims": [{"key": "c", "verdict": T}, {"key": "d", "verdict": "fal" + "se"}]})
    assert theorem_outcome(rec)[1:] == (False, F)
    rec = _json(base | {"wrong_variants": [{"key": "w", "verdict": NR}]})
    assert theorem_outcome(rec)[1] is False
    rec = _json(base | {"fuzzing": [{"test": "t", "outcome": "fail" + "ed"}]})
    assert theorem_outcome(rec)[1:] == (False, "check failed")


def test_a_line_whose_corrected_form_fails_does_not_mention_it():
    reading = decide("r", "", "", None, [_exact(sp.Le(x, y), {x: 2, y: 1})])
    unknown = decide("c", "", "", None, [])
    for corrected in (unknown, decide("c", "", "", None, [_exact(sp.Le(x, y), {x: 3, y: 1})])):
        j = judge_source_line(reading, corrected, adds_assumption=True)
        assert j.verdict is Verdict.FALSE and "corrected form" not in j.detail
    ok = decide("c", "", "", None, [_exact(sp.Le(x, y), {x: 0, y: 1})])
    assert "corrected form is verified" in judge_source_line(reading, ok).detail


def test_a_row_without_measurement_is_loose_only_beyond_tolerance():
    for better, want in ((0.9995, Verdict.LOOSE), (0.9985, Verdict.LOOSE)):
        row = TightnessRow("q", "s", 1.0, None, better=better, tol=1e-3)
        assert (tightness_verdict(row) is want) is (better < 1.0 - 1e-3)


def test_tightness_edges_are_inclusive_exactly_at_the_tolerance():
    """bound 1, tol 2^-10: a measured value exactly at 1 − tol is attained; a better value exactly
    at 1 − tol is not better (both ends exact in binary)."""
    tol = 2.0**-10
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 1 - tol, tol=tol)) is Verdict.TIGHT
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 1 - 2 * tol, tol=tol)) is Verdict.VERIFIED
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 0.5, better=1 - tol, tol=tol)) is Verdict.VERIFIED
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 0.5, better=1 - 2 * tol, tol=tol)) is Verdict.LOOSE
    assert tightness_verdict(TightnessRow("q", "s", 1.0, None, better=1 - tol, tol=tol)) is not Verdict.LOOSE


def test_an_assumption_over_part_of_the_point_is_checked():
    """The point fixes x and y; the assumption x > 0 is over x alone and must hold there."""
    out = _assess(sp.Le(x * y, x**2 + y**2), {x: -1, y: 2})
    assert out.verdict is Verdict.NOT_REFUTED and "does not satisfy" in out.measurements[0].skipped


def test_claim_result_defaults_are_empty_evidence():
    r = ClaimResult("k", "", "", Verdict.VERIFIED, Basis.PROVED)
    assert (r.instances, r.violations, r.worst_ratio, r.counterexample, r.proof, r.measurements) == (
        0, 0, None, None, None, [],
    )  # fmt: skip
    assert r.to_dict()["verdict"] == "verified" and r.to_dict()["basis"] == "proved only"


def test_the_basis_names_the_evidence():
    proof = SimpleNamespace(step="s", certificate="c", hypotheses=())
    m = _exact(sp.Le(x, y), {x: 0, y: 1})
    assert decide("k", "", "", proof, [m]).detail.startswith("proved by step s; no violation in 1 evaluation")
    assert decide("k", "", "", None, [m]).detail.startswith("not proved; no violation in 1")
    assert decide("k", "", "", proof, []).detail.startswith("proved by step s; not measured")


# --------------------------------------------------------------------------- numerics/stats.py and device.py


def test_slope_fit_edges():
    """Three points are enough for an interval (n − 2 = 1 degree of freedom), two are not; the
    interval contains its own ends; the default level is 0.999 (t quantile from scipy's t)."""
    import numpy as np
    from scipy.stats import t as student

    from dlverify.numerics.stats import SlopeFit, fit_loglog_slope

    fit = fit_loglog_slope([1.0, 2.0, 4.0], [1.0, 0.5, 0.3])
    assert fit.n == 3 and fit.level == 0.999 and fit.lo < fit.slope < fit.hi
    lx, ly = np.log([1.0, 2.0, 4.0]), np.log([1.0, 0.5, 0.3])
    b = np.polyfit(lx, ly, 1)
    r = ly - np.polyval(b, lx)
    se = math.sqrt(float(r @ r) / 1 / float(((lx - lx.mean()) ** 2).sum()))
    assert fit.hi - fit.slope == pytest.approx(student.ppf(0.9995, 1) * se, rel=1e-9)
    with pytest.raises(ValueError):
        fit_loglog_slope([1.0, 2.0], [1.0, 0.5])
    s = SlopeFit(0.0, 0.0, -1.0, 2.0, 0.9, 5)
    assert s.contains(-1.0) and s.contains(2.0) and not s.contains(2.0000001) and not s.contains(-1.0000001)


def test_generator_and_seed_rule_against_their_definitions():
    import hashlib

    import torch

    from dlverify.numerics.device import derive_seed, generator

    for seed in (5, 2**63 - 1 + 5, 2**64 + 7):
        ref = torch.Generator().manual_seed(seed % (2**63 - 1))
        got = generator(seed, torch.device("cpu"))
        f64 = torch.float64
        assert torch.equal(torch.rand(4, generator=got, dtype=f64), torch.rand(4, generator=ref, dtype=f64))
    for names in ((), ("pairs", "logistic", 16), ("x",)):
        h = hashlib.blake2b(repr((7, *names)).encode(), digest_size=8).digest()
        assert derive_seed(7, *names) == int.from_bytes(h, "big") % (2**63 - 1)


def test_finite_or_raise_names_the_first_bad_entry():
    import torch

    from dlverify.numerics.device import finite_or_raise
    from dlverify.theorems.relations import DlverifyError

    finite_or_raise("ok", torch.tensor([1.0, -2.0, 0.0]))
    with pytest.raises(DlverifyError, match=r"first at index \(1,\)"):
        finite_or_raise("x", torch.tensor([1.0, float("nan"), 2.0, float("inf")]))


def test_devices_and_shared_contexts():
    import torch

    from dlverify.numerics.device import RunContext, select_device
    from dlverify.theorems.relations import DlverifyError

    cuda = torch.cuda.is_available()
    assert select_device("auto").type == ("cuda" if cuda else "cpu")
    assert select_device("cpu").type == "cpu"
    with pytest.raises(DlverifyError):
        select_device("tpu")
    if not cuda:
        with pytest.raises(DlverifyError, match="no CUDA device"):
            select_device("cuda")
    import platform

    from dlverify.numerics.device import describe

    d = describe(torch.device("cpu"))
    cpu = platform.processor() or platform.machine()
    assert d.startswith(f"cpu:{cpu} x{torch.get_num_threads()} threads")
    assert torch.__version__ in d
    ci = RunContext("cpu", 1, "".join(["c", "i"]))  # a profile name equal to "ci", not the same object
    assert ci.size(1, 2) == 1 and RunContext("cpu", 1, "thorough").size(1, 2) == 2
    a, b = RunContext.shared("cpu"), RunContext.shared("cpu")
    assert a is b and a.key() == RunContext("cpu").key() and a.seed == RunContext("cpu").seed
    assert RunContext.shared("cpu", seed=3) is not a


def test_defaults_and_records_of_the_evidence_types():
    """Zero tolerance by default (a comparison or a tightness row states its own); a series of an
    unknown kind is refused; a claim with nothing measured says so, with the reasons given."""
    from dlverify.theorems.evidence import Comparison, Measurement, Series

    assert not Comparison("c", 1.5, "<=", 1.0).holds() and Comparison("c", 1.0, "<=", 1.0).holds()
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 1.0 + 2.0**-40)) is Verdict.FALSE
    assert Series("s", "points", [1], [2]).kind == "points" and Series("s", "line", [1], [2]).x == [1.0]
    with pytest.raises(ValueError):
        Series("s", "bars", [1], [2])
    assert decide("k", "", "", None, []).detail.endswith("nothing measured")
    skip = Measurement("m", 0, 0, skipped="not over these quantities")
    assert decide("k", "", "", None, [skip]).detail.endswith("not over these quantities")


def test_a_float_point_is_read_as_the_rational_it_prints():
    """x = 1/3 given as the float 0.333…: read as 1/3 exactly, so x < 1/3 fails at it (a Float
    would be 2^-54 below 1/3 and pass)."""
    m = _exact(sp.Lt(x, sp.Rational(1, 3)), {x: 1 / 3})
    assert (m.checked, m.violations) == (1, 1)


def test_an_ordering_sympy_cannot_decide_stays_a_relation():
    from dlverify.theorems.evidence import evaluated

    rel = sp.Lt(sp.I, 1, evaluate=False)  # re-evaluating it raises TypeError (I is not real)
    assert evaluated(rel) is rel


def test_device_names_are_compared_by_value():
    import torch

    from dlverify.numerics.device import select_device
    from dlverify.theorems.relations import DlverifyError

    auto = "".join(["au", "to"])  # equal to "auto", not the same object
    assert select_device(auto).type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(DlverifyError):
            select_device("".join(["cu", "da"]))


# --------------------------------------------------------------------------- theorems/relations.py


def test_sides_and_slack_of_each_relation_kind():
    from dlverify.theorems.relations import sides, slack

    assert sides(sp.Ge(y, x)) == (x, y) and sides(sp.Le(x, y)) == (x, y) and sides(sp.Gt(y, x)) == (x, y)
    assert slack(sp.Ge(y, x)) == y - x and slack(sp.Lt(x, y)) == y - x and slack(sp.Eq(x, y)) == x - y
    with pytest.raises(TypeError):
        sides(sp.Eq(x, y))


@pytest.mark.parametrize(
    "a, b, same",
    [
        (sp.Eq(x + 1, y), sp.Eq(y, x + 1), True),  # the same sides, swapped
        (sp.Eq(x - y, 0), sp.Eq(y - x, 0), True),  # slacks equal up to sign
        (sp.Eq(2 * x, y), sp.Eq(x, y / 2), False),  # a multiple: not the same statement here
        (sp.Eq(x, y), sp.Le(x, y), False),  # an equality is not an inequality, in either order
        (sp.Le(x, y), sp.Eq(x, y), False),
        (sp.Eq(x, 2 * y), sp.Eq(x, y), False),
        (sp.Eq(x + y, x + y + 0 * x, evaluate=False), sp.Eq(y + x, x + y, evaluate=False), True),
        (sp.Le(x, y), sp.Ge(y, x), True),
        (sp.Le(x, y), sp.Lt(x, y), False),
        (sp.Le(x, 1), sp.Le(y, 1), False),
    ],
)
def test_same_relation_against_hand_made_pairs(a, b, same):
    from dlverify.theorems.relations import same_relation

    assert same_relation(a, b) is same and same_relation(b, a) is same


def test_is_zero_of_matrices_and_of_logs():
    from dlverify.theorems.relations import is_zero

    A = sp.MatrixSymbol("A", 2, 2)
    assert is_zero(A - A) and not is_zero(A + A)
    M = sp.ImmutableMatrix([[x, 0], [0, x]])
    assert is_zero(M - x * sp.ImmutableMatrix(sp.eye(2))) and not is_zero(M)
    p = sp.Symbol("p", positive=True)
    assert is_zero(sp.log(p**2) - 2 * sp.log(p)) and not is_zero(sp.log(x**2) - 2 * sp.log(x))


def test_probe_points_lie_in_the_declared_domains():
    """The probe's rational points: integers for integer symbols, values in (0, 1) first, then
    above 1, then mixed signs (only for symbols that may be negative, on every other one)."""
    from dlverify.theorems.relations import _probe_points, differs_somewhere

    n = sp.Symbol("n", integer=True)
    p = sp.Symbol("p", positive=True)
    pts = _probe_points([x, n, p, y])
    assert len(pts) == 3
    assert pts[0][x] == sp.Rational(1, 7) and pts[0][n] == 5 and pts[1][p] == 1 / sp.Rational(3, 11)
    assert pts[2][x] == sp.Rational(1, 7) and pts[2][y] == -sp.Rational(4, 13) and pts[2][p] > 0
    assert differs_somewhere(x - y) and not differs_somewhere(x - x)


# --------------------------------------------------------------------------- numerics/evidence.py


def _t(*v):
    import torch

    return torch.tensor(v, dtype=torch.float64)


def test_measure_relation_tolerances_against_a_plain_loop():
    """Each relation kind with a nonzero rounding bound: a slack within it is no violation, beyond
    it is one (a strict relation fails at or below −tol, an equality beyond |tol|); the worst ratio
    is max(smaller / (larger + tol)) over the informative evaluations."""
    from dlverify.numerics.evidence import measure_relation

    a, b = sp.symbols("a b", real=True)
    tol = 0.25
    # (1.25, 1.0): a slack of exactly −tol; (0.5, 0.5): the largest ratio, from a smaller side below 1
    av, bv = [0.0, 1.0, 1.2, 2.0, 3.0, 1.25, 0.5], [0.0, 1.1, 1.0, 2.0, 1.0, 1.0, 0.5]
    vals = {"a": _t(*av), "b": _t(*bv)}
    for rel, ok in (
        (sp.Le(a, b), lambda p, q: q - p >= -tol),
        (sp.Lt(a, b), lambda p, q: q - p > -tol),
        (sp.Eq(a, b), lambda p, q: abs(p - q) <= tol),
    ):
        m = measure_relation(rel, vals, tol, how="t")
        assert m.violations == sum(not ok(p, q) for p, q in zip(av, bv)), rel
    m = measure_relation(sp.Le(a, b), vals, tol, how="t")
    ratios = [p / (q + tol) for p, q in zip(av, bv) if q > tol and p >= 0]
    assert m.worst_ratio == pytest.approx(max(ratios), rel=1e-15)
    # strict at an exact tie within tolerance: no violation; far below: a violation
    assert measure_relation(sp.Lt(a, b), {"a": _t(1.0), "b": _t(1.0)}, 0.1, how="t").violations == 0
    assert measure_relation(sp.Lt(a, b), {"a": _t(1.5), "b": _t(1.0)}, 0.1, how="t").violations == 1
    # no informative evaluation (the larger side below the rounding bound, or a negative smaller
    # side): no ratio
    assert measure_relation(sp.Le(a, b), {"a": _t(0.0), "b": _t(-5.0)}, tol, how="t").worst_ratio is None
    assert measure_relation(sp.Le(a, b), {"a": _t(-0.5), "b": _t(1.0)}, tol, how="t").worst_ratio is None
    # a counterexample records every value that broadcasts, past one that does not
    three = {"a": _t(0.0, 3.0, 1.0), "z": _t(1.0, 2.0), "b": _t(1.0, 1.0, 1.0)}
    m = measure_relation(sp.Le(a, b), three, 0.0, how="t")
    assert m.counterexample["a"] == 3.0 and m.counterexample["b"] == 1.0 and "z" not in m.counterexample


def test_measure_relation_broadcasts_masks_and_identities():
    """A mask of shape (3,) over values of shape (2, 3) selects 6 evaluations; a relation whose
    slack is a constant is evaluated on every masked entry, extremal or not."""
    import torch

    from dlverify.numerics.evidence import can_evaluate, measure_relation

    a, b = sp.symbols("a b", real=True)
    vals = {"a": _t(0.5, 1.0, 2.0).expand(2, 3), "b": _t(1.0, 1.0, 3.0).expand(2, 3)}
    m = measure_relation(sp.Le(a, b), vals, 0.0, how="t", mask=torch.tensor([True, False, True]))
    assert (m.checked, m.violations) == (4, 0)
    ident = sp.Le(a, a + 1, evaluate=False)
    mask = torch.tensor([True, True, False])
    m = measure_relation(ident, {"a": _t(1.0, 2.0, 3.0)}, 0.0, how="t", mask=mask, extremal=True)
    assert (m.checked, m.violations, m.attained) == (2, 0, False)
    eq = measure_relation(sp.Eq(a, b), {"a": _t(1.0, 2.0), "b": _t(1.0, 2.0)}, 0.0, how="t", extremal=True)
    neq = measure_relation(sp.Eq(a, b), {"a": _t(1.0, 2.0), "b": _t(1.0, 3.0)}, 0.0, how="t", extremal=True)
    assert (eq.attained, neq.attained) == (True, False)
    assert can_evaluate(sp.Le(a, b), {"a", "b"}) and can_evaluate(sp.Le(a, b), {"a", "b", "c"})
    assert not can_evaluate(sp.Le(a, b), {"a"})


def test_combine_takes_the_largest_ratio_and_skipped_carries_nothing():
    from dlverify.numerics.evidence import combine, skipped
    from dlverify.theorems.evidence import Measurement

    parts = [Measurement("p", 3, 0, worst_ratio=0.3), Measurement("q", 2, 0)]
    parts.append(Measurement("r", 1, 0, worst_ratio=0.7))
    c = combine("all", parts)
    assert (c.checked, c.violations, c.worst_ratio) == (6, 0, 0.7)
    s = skipped("h", "why")
    assert (s.checked, s.violations, s.skipped) == (0, 0, "why")


def test_the_normal_range_is_the_documented_one():
    """Inputs are evidence where 0 or in [2^-400, 2^400] (numerics/evidence.NORMAL_RANGE's docstring)."""
    from dlverify.numerics.evidence import representable

    xs = [2.0**-400, 0.75 * 2.0**-400, 2.0**400, 1.5 * 2.0**400, -(2.0**-400), 0.0]
    mask, dropped = representable({"x": _t(*xs)})
    assert mask.tolist() == [True, False, True, False, True, True] and dropped == 2
    assert representable({"x": 1.0, "y": "text"}) == (None, 0)


# --------------------------------------------------------------------------- theorems/evidence.py, again


def test_find_proof_looks_past_marks_that_do_not_apply():
    """An uncertified mark, a mark resting on a hypothesis the claim lacks, a mark whose relation
    cannot even be compared (unhashable): each is passed over, and a later mark still proves; a
    proof may rest on fewer hypotheses than the claim makes."""
    from dlverify.theorems.evidence import find_proof

    rel = sp.Le(x, y)

    def mark(relation, hyps=("h1",), ok=True, key="good"):
        return SimpleNamespace(ok=ok, relation=relation, hypotheses=hyps, key=key, certificate="c")

    good = mark(rel)
    for bad in (mark(rel, ok=False, key="b"), mark(rel, ("h9",), key="b"), mark([1], key="b")):
        assert find_proof(rel, ("h1", "h2"), [bad, good]).step == "good"
    assert find_proof(rel, ("h1", "h2"), [mark(rel, ())]) is not None


def test_decide_reports_the_largest_ratio_and_tightness_edges():
    from dlverify.theorems.evidence import Measurement

    ms = [Measurement("a", 2, 0, worst_ratio=0.3), Measurement("b", 1, 0)]
    ms.append(Measurement("c", 1, 0, worst_ratio=0.7))
    assert decide("k", "", "", None, ms).worst_ratio == 0.7
    tol, nan = 2.0**-10, float("nan")
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 1 + tol, tol=tol)) is Verdict.TIGHT
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 0.5)) is Verdict.VERIFIED  # default tol 0
    row = TightnessRow("q", "s", 1.0, 1 - tol / 2, measured_upper=nan, tol=tol)  # a NaN upper end is ignored
    assert tightness_verdict(row) is Verdict.TIGHT


def test_an_exact_float_point_is_not_a_float_computation():
    """0.1 read as 1/10: 1/10 < 1/10 + 10^-18 holds exactly, though the two round to the same float."""
    m = _exact(sp.Lt(x, sp.Rational(1, 10) + sp.Rational(1, 10**18)), {x: 0.1})
    assert (m.checked, m.violations) == (1, 0)


def test_assumptions_without_a_relation_are_not_evaluated_at_a_point():
    from dlverify.theorems.evidence import assess
    from dlverify.theorems.model import Assumption, Claim, Source, Theorem

    prose = Assumption("prose", "the data are i.i.d.", None)
    th = Theorem("t", "t", Source("w", "s"), "", [prose, Assumption("pos", "x > 0", sp.Gt(x, 0))], [], [])
    out = assess(th, Claim("c", "c", sp.Le(x, x**2 + 1), ("prose", "pos")), [], None, {x: 2})
    assert (out.verdict, out.instances) == (Verdict.VERIFIED, 1)


def test_comparisons_read_their_op_by_value_and_plots_are_records():
    from dlverify.theorems.evidence import Comparison, Plot, Series

    op = "".join(["i", "n"])  # equal to "in", not the same object
    c = Comparison("c", 0.5, op, (0, 1))
    assert c.target == (0.0, 1.0) and c.holds() and not Comparison("c", 2.0, op, (0, 1)).holds()
    p = Plot("x", "y", [Series("s", "line", [1], [2])], yscale="log")
    assert (p.xlabel, p.ylabel, p.xscale, p.yscale, len(p.series)) == ("x", "y", "linear", "log", 1)


def test_measure_relation_edges_against_hand_computation():
    """Masks and values of different broadcast shapes; a larger side exactly at the rounding bound
    is not informative, a smaller side of exactly 0 is; an equality measured without an extremal
    family says nothing about attainment; the counterexample is the first violation."""
    import torch

    from dlverify.numerics.evidence import combine, measure_relation

    a, b = sp.symbols("a b", real=True)
    vals = {"a": _t(0.5, 1.0, 2.0).expand(2, 3), "b": _t(1.0, 1.0, 3.0).expand(2, 3)}
    m = measure_relation(sp.Le(a, b), vals, 0.0, how="t", mask=torch.tensor([[True, False, True]]))
    assert (m.checked, m.violations) == (4, 0)
    m = measure_relation(sp.Le(a, b), {"a": _t(0.5, 1.0, 2.0), "b": _t(1.0, 1.0, 3.0)}, 0.0, how="t",
                         mask=torch.ones(2, 3, dtype=torch.bool), extremal=True)  # fmt: skip
    assert (m.checked, m.attained) == (6, False)
    assert measure_relation(sp.Le(a, b), {"a": _t(0.1), "b": _t(0.25)}, 0.25, how="t").worst_ratio is None
    assert measure_relation(sp.Le(a, b), {"a": _t(0.0), "b": _t(1.0)}, 0.0, how="t").worst_ratio == 0.0
    assert measure_relation(sp.Eq(a, b), {"a": _t(1.0), "b": _t(1.0)}, 0.0, how="t").attained is None
    two_bad = {"a": _t(0.0, 3.0, 0.0, 5.0), "b": _t(1.0, 1.0, 1.0, 1.0)}
    m = measure_relation(sp.Le(a, b), two_bad, 0.0, how="t")
    assert m.counterexample["index"] == [1] and m.counterexample["a"] == 3.0
    # combine: attained only from the parts that report it; the first violation's record kept
    from dlverify.theorems.evidence import Measurement

    yes, no, unk = (Measurement("p", 1, 0, attained=v) for v in (True, False, None))
    assert (combine("c", [yes, unk]).attained, combine("c", [yes, no]).attained) == (True, False)
    assert combine("c", [unk]).attained is None
    bad = Measurement("v", 2, 1, counterexample={"index": [1], "a": 3.0})
    assert combine("c", [yes, bad]).counterexample == {"index": [1], "a": 3.0, "part": "v"}


# --------------------------------------------------------------------------- the proof kernel


@pytest.mark.parametrize("theorem_id", ["shapley", "emergence"])
def test_kernel_certifies_every_step_of_the_small_derivations(theorem_id):
    """Known answer: every step of these derivations was checked by hand against its source, so a
    kernel that refuses one of them (a certificate read too strictly) is wrong."""
    from dlverify import theorems as registry
    from dlverify.theorems.kernel import check_derivation

    marks = check_derivation(registry.load(theorem_id).THEOREM)
    assert marks and all(m.ok for m in marks), [(m.key, m.detail) for m in marks if not m.ok]


# --------------------------------------------------------------------------- the errata writer


def _errata_results() -> dict:
    """Results by hand: document 002 has a root cause named on two lines (15, 40), two lines
    refuted by one counterexample (20, 50: the record's ``how`` differs), one line on its own
    (25), a loose line (5), a verified and an undecided line; document 000 a misprint."""
    cex = {"x": "3/2", "slack": "-1/2"}

    def line(key, n, verdict, **kw):
        return {"key": key, "doc": "002_ab.txt", "line": n, "verdict": verdict, "what": f"w{n}", **kw}

    a = [
        line("a1", 20, "false", anchor="anc", latex=r"x \le 1", note="too small", detail="d20",
             corrected_latex=r"x \le 2", edit="1 → 2", reading={"counterexample": cex | {"how": "grid"}}),
        line("a2", 10, "verified"),
        line("a3", 30, "not checked"),
        line("a4", 5, "verified, loose", detail=r"the sharper relation x \le 1/2 is verified by [s]"),
        line("a5", 40, "false", cause="c"),
        line("a6", 15, "needs an assumption", cause="c"),
        line("a7", 50, "false", reading={"counterexample": cex | {"how": "search"}}),
    ]  # fmt: skip
    b = [
        line("b1", 25, "false"),
        {"key": "b2", "doc": "000_cd.txt", "line": 7, "verdict": "misprint", "what": "m"},
    ]
    res = {"started": "S", "finished": "F", "status": "failed",
           "theorems": [{"id": "tA", "title": "A", "passed": True, "as_written": a},
                        {"id": "tB", "passed": False, "as_written": b}]}  # fmt: skip
    return json.loads(json.dumps(res))  # as the writer reads it: keys are new strings, not the literals


def test_errata_document_against_a_hand_sorted_record():
    """Which lines are listed, their order, the root causes and the counts, read off by hand."""
    from dlverify.reports import errata

    res = _errata_results()
    assert [(i["doc"], i["line"]) for i in errata.items(res)] == [
        ("000", 7), ("002", 5), ("002", 15), ("002", 20), ("002", 25), ("002", 40), ("002", 50)]  # fmt: skip
    d = errata.document(res, "002_ab.txt")
    assert (d["doc"], d["files"]) == ("002", ["002_ab.txt"])
    assert d["name"] == "Arora et al., Theory of Deep Learning"
    assert [[i["key"] for i in g] for g in d["causes"]] == [["a6", "a5"], ["a1", "a7"], ["b1"]]
    assert [i["key"] for i in d["loose"]] == ["a4"]
    assert (d["statements"], d["not_checked"]) == (8, 1)
    assert d["run"] == {"started": "S", "finished": "F", "status": "failed"}
    assert errata.documents(res) == ["000", "002"]
    assert errata.counts(res) == {"000": (1, 0), "002": (5, 1)}
    assert errata.run_summary(res, "P") == (
        "1 of 2 theorems passed · errata: 000 CMSC 828W notes 1; "
        "002 Arora et al., Theory of Deep Learning 5 (+1 loose) · page: P"
    )
    assert errata.run_summary({"theorems": []}, "P") == "0 of 0 theorems passed · errata: none · page: P"
    one = errata.document(res, "000")
    assert (len(one["causes"]), one["loose"], one["statements"], one["not_checked"]) == (1, [], 1, 0)
    # a verdict the writer does not know (sorting after "verified, loose") is an erratum, never dropped
    row = {"key": "k", "doc": "000_x", "line": 1, "verdict": "wrong sign"}
    new = {"theorems": [{"id": "t", "as_written": [row]}]}
    d = errata.document(new, "000")
    assert ([[i["key"] for i in g] for g in d["causes"]], d["loose"]) == ([["k"]], [])


def test_errata_markdown_and_latex_against_hand_written_lines():
    """The formats written out by hand for the record above: headings (one root cause or not,
    singular and plural), the items' optional parts, the preamble's counts, LaTeX escapes."""
    from dlverify.reports import errata, notation

    res = _errata_results()
    d = errata.document(res, "002")
    md = errata.to_markdown(d)
    inst, found = notation.instance({"x": "3/2", "slack": "-1/2", "how": "grid"})
    replay = notation.replay("tA", "a1", {"x": "3/2", "slack": "-1/2", "how": "grid"})
    assert inst and found and replay
    item = "\n".join([
        "**2.1 Line 20, w20** (false)", "",
        r"- *As printed* (line 20, “anc”): $x \le 1$",
        "- *What is wrong*: too small",
        f"- *Instance*: {inst} ({found})",
        r"- *Correction*: $x \le 2$ (the edit: 1 → 2)",
        "- *Evidence*: d20",
        f"- *Replay*: `{replay}`", "",
    ])  # fmt: skip
    assert item in md
    assert md.startswith(
        "# Errata: Arora et al., Theory of Deep Learning (book draft)\n\n5 statements in 3 root causes and 1 "
        "loose statement, of the 8 statements of this document that dlverify checks (1 not decided; see the "
        "report). Lines are those of the plain-text extraction (002_ab.txt); the transcriptions are ours, "
        "the anchors verbatim. Run of F.\n"
    )
    heads = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert heads == [
        "## 1. one root cause: lines 15, 40",
        "## 2. one root cause: lines 20, 50",
        "## 3. line 25",
        "## True but loose (a sharper constant holds)",
    ]
    assert "**Line 25, w25** (false)\n\n- *As printed* (line 25, “”): $$\n- *Evidence*: \n\n" in md
    assert "**L1. Line 5, w5** (verified, loose)" in md and md.endswith("\n") and not md.endswith("\n\n")
    one = errata.to_markdown(errata.document(res, "000"))
    assert "1 statement in 1 root cause and 0 loose statements, of the 1 statements" in one
    assert "True but loose" not in one
    tex = errata.to_latex(d)
    assert r"\section*{1. Lines 15, 40}" in tex and r"\section*{3. Line 25}" in tex
    assert r"\item \textbf{Line 20} --- w20 (false)" in tex
    assert r"\item[Correction] $x \le 2$ (the edit: 1 → 2)" in tex
    assert r"\item[Evidence] the sharper relation is verified by [s]" in tex
    assert tex.count(r"\begin{enumerate}") == tex.count(r"\end{enumerate}") == 4
    assert tex.endswith("\\end{document}\n")
    assert errata.tex_text("a_b & {c}%#$ ~^\\") == (
        r"a\_b \& \{c\}\%\#\$ \textasciitilde{}\textasciicircum{}\textbackslash{}"
    )
    assert errata.tex_text(None) == ""


def _holds(rel, point) -> bool:
    """A relation at a point in exact rationals (sympy decides a relation between numbers)."""
    return bool(rel.subs({k: sp.Rational(v) for k, v in point.items()}))


def test_kernel_unfold_of_a_fact_by_relation_kind():
    """An instance of a fact is certified for the same relation in another spelling (``1 >= y`` for
    ``x <= 1``) and for an equality fact; a strict or equality relation from a non-strict fact is
    refused (at x = y = 1, resp. 0, the fact holds and the relation does not: exact arithmetic)."""
    from dlverify.theorems.kernel import Unfold, certify

    facts = {"le": sp.Le(x, 1), "eq": sp.Eq(x**2, 4 * x)}
    assert certify(sp.Ge(1, y), Unfold({y: x}, of="le"), facts).ok
    assert certify(sp.Eq(y**2, 4 * y), Unfold({y: x}, of="eq"), facts).ok
    for wrong, at in ((sp.Lt(y, 1), 1), (sp.Eq(y, 1), 0)):
        assert _holds(facts["le"], {x: at}) and not _holds(wrong, {y: at})
        assert not certify(wrong, Unfold({y: x}, of="le"), facts).ok


def test_kernel_equivalence_needs_the_same_strictness_and_says_why():
    """p·x < p and x <= 1 differ at x = 1 (exact arithmetic), though their slacks differ by the
    factor p > 0: refused.  The marks' details, written out by hand."""
    from dlverify.theorems.kernel import Equivalence, certify

    p = sp.Symbol("p", positive=True)
    strict, loose = sp.Lt(p * x, p), sp.Le(x, 1)
    assert _holds(loose, {x: 1}) and not _holds(strict, {x: 1, p: 1})
    assert not certify(sp.Equivalent(strict, loose), Equivalence(p), {}).ok
    assert certify(sp.Equivalent(sp.Le(p * x, p), loose), Equivalence(p), {}).detail == (
        "slack(P) = (p) · slack(A), factor > 0"
    )
    assert certify(sp.Equivalent(sp.Le(p * x, p), sp.Le(x, 2)), Equivalence(p), {}).detail == (
        "slack(P) is not factor · slack(A)"
    )


def test_kernel_declared_definitions_cost_nothing_undeclared_ones_are_hypotheses():
    """A step that unfolds the declared definition w := 2u rests on no hypothesis, also when the
    symbol w is built anew after sympy's cache was cleared (equal, not the same object); a step
    that substitutes u := w -- which no definition declares (w = 2u names w, not u) -- has that
    substitution as its hypothesis."""
    from sympy.core.cache import clear_cache

    from dlverify.theorems.core import Assumption, Source, Step, Theorem
    from dlverify.theorems.kernel import Unfold, check_derivation

    u = sp.Symbol("u", real=True)
    w = sp.Symbol("w", real=True)
    d = Assumption("d", "w names 2u", sp.Eq(w, 2 * u), definition=True)
    clear_cache()
    w2 = sp.Symbol("w", real=True)
    assert w2 == w and w2 is not w
    steps = [
        Step("named", "w = 2u", sp.Eq(w2, 2 * u), Unfold({w2: 2 * u})),
        Step("renamed", "u = w", sp.Eq(u, w), Unfold({u: w})),
    ]
    th = Theorem(id="defs", title="defs", source=Source("w", "s"), statement="", assumptions=[d],
                 derivation=steps, claims=[])  # fmt: skip
    marks = check_derivation(th)
    assert [(m.ok, m.hypotheses) for m in marks] == [(True, ()), (True, ("definition u := w",))]


def test_kernel_instance_of_a_fact_only_where_its_hypothesis_holds():
    """A fact proved under η <= 1 (η x² <= x²) instantiated at η = 1/2 (where η <= 1 holds) is
    certified; at η = 2 the instance 2x² <= x² is false at x = 1 in exact arithmetic and the step
    is refused.  A step's
    record, written out by hand, leaves the relation out."""
    from dlverify.theorems.core import Assumption, Source, Step, Theorem
    from dlverify.theorems.kernel import Combination, Instance, check_derivation

    eta = sp.Symbol("eta", real=True)
    h = Assumption("h", "η at most 1", sp.Le(eta, 1))

    def marks(at):
        steps = [
            Step("a", "η x² ≤ x²", sp.Le(eta * x**2, x**2), Combination({"h": x**2})),
            Step("b", "instance", sp.Le(at * x**2, x**2, evaluate=False), Instance("a", {eta: at})),
        ]
        th = Theorem(id="inst", title="inst", source=Source("w", "s"), statement="", assumptions=[h],
                     derivation=steps, claims=[])  # fmt: skip
        return check_derivation(th)

    assert _holds(sp.Le(eta, 1), {eta: sp.Rational(1, 2)}) and not _holds(sp.Le(2 * x**2, x**2), {x: 1})
    assert [m.ok for m in marks(sp.Rational(1, 2))] == [True, True]
    assert [m.ok for m in marks(sp.Integer(2))] == [True, False]
    # η = y²/(1 + y²): η <= 1 is not decided by sympy as it stands; 1 − η = 1/(1 + y²) > 0
    assert sp.simplify(1 - y**2 / (1 + y**2) - 1 / (1 + y**2)) == 0
    assert [m.ok for m in marks(y**2 / (1 + y**2))] == [True, True]
    first = marks(sp.Rational(1, 2))[0]
    by_hand = {"key": "a", "text": "η x² ≤ x²", "latex": first.latex, "certificate": first.certificate,
               "ok": True, "detail": first.detail, "hypotheses": ("h",)}  # fmt: skip
    assert first.to_dict() == by_hand


def test_kernel_zero_is_nonnegative_not_positive():
    """0 >= 0 holds and 0 > 0 does not (exact): monomial positivity says so."""
    from dlverify.theorems.kernel import nonneg_by_monomials

    assert nonneg_by_monomials(sp.Integer(0)).ok
    assert not nonneg_by_monomials(sp.Integer(0), positive=True).ok
    assert not nonneg_by_monomials(x - x, positive=True).ok


# --------------------------------------------------------------------------- Rate.matches


def test_rate_matches_against_exact_interval_arithmetic():
    """Every claim kind on a grid of quarters (exact in binary), against the rule computed in
    ``Fraction``: tight iff lo − tol <= p <= hi + tol, a bound from above iff hi <= p + tol, from
    below iff lo >= p − tol; an inverted interval or a non-finite end, prediction or measurement
    never matches.  Experiment.ok is the rate's verdict and its comparisons'."""
    import itertools

    from dlverify.theorems.evidence import Comparison, Experiment, Rate

    q = [Fraction(k, 4) for k in range(-1, 4)]
    for lo, hi, p, tol in itertools.product(q[1:4], q[1:4], q, q[1:3]):
        want = {
            "tight": lo <= hi and lo - tol <= p <= hi + tol,
            "<=": lo <= hi and hi <= p + tol,
            ">=": lo <= hi and lo >= p - tol,
        }
        for claim, expected in want.items():
            r = Rate("q", "slope", (lo + hi) / 2, lo, hi, p, claim, tol=tol)
            assert r.matches is expected, (claim, lo, hi, p, tol)
            assert r.to_dict()["matches"] is expected
            exp = Experiment("e", "e", rate=r)
            assert exp.ok is expected and exp.to_dict()["ok"] is expected
            bad = Experiment("e", "e", comparisons=[Comparison("c", 2.0, "<=", 1.0)], rate=r)
            assert bad.ok is False
    for field in ("lo", "hi", "predicted", "measured"):
        for v in (math.nan, math.inf, -math.inf):
            kw = {"measured": 0.5, "lo": 0.25, "hi": 0.75, "predicted": 0.5} | {field: v}
            for claim in Rate.CLAIMS:
                r = Rate("q", "coverage", kw["measured"], kw["lo"], kw["hi"], kw["predicted"], claim)
                assert r.matches is False, (field, v, claim)
    r = Rate("q", "contraction", Fraction(1, 2), 0, 1, Fraction(3, 4), "<=", spread=(Fraction(1, 4), 1))
    names = ("measured", "predicted", "level", "tol", "false_alarm")
    assert [type(getattr(r, f)) for f in names] == [float] * 5
    assert r.spread == (0.25, 1.0) and all(type(s) is float for s in r.spread)
    assert Experiment("e", "e").ok is None
    plain = Rate("q", "slope", 0.5, 0.25, 0.75, 0.5, "tight")  # a deterministic estimate: no false alarm
    assert (plain.level, plain.tol, plain.false_alarm, plain.best_known, plain.worst, plain.spread) == (
        1.0, 0.0, 0.0, None, None, None)  # fmt: skip
    assert (plain.formula, plain.test, plain.best_known_source) == ("", "", "")
    for kind, claim in (("rate", "tight"), ("slope", "<"), ("Slope", "tight"), ("slope", "Tight")):
        with pytest.raises(ValueError):
            Rate("q", kind, 0.5, 0.25, 0.75, 0.5, claim)
    assert [Rate("q", k, 0.5, 0.25, 0.75, 0.5, c).matches for k in Rate.KINDS for c in Rate.CLAIMS] == [
        True, False, False] * 3  # fmt: skip


# --------------------------------------------------------------------------- relations: matching


def _exact_slack_relation(a, b) -> str:
    """Independent of same_relation: slack(a) − slack(b) and slack(a) + slack(b) at rational points
    in exact arithmetic ('same', 'opposite' or 'different')."""
    from dlverify.theorems.relations import slack

    syms = sorted(a.free_symbols | b.free_symbols, key=str)
    pts = [{s: sp.Rational(3 * k + 1, 7 + k) for k, s in enumerate(syms)}]
    pts += [{s: -v - sp.Rational(1, 3) for s, v in pts[0].items()}]
    d = [(slack(a) - slack(b)).subs(p) for p in pts]
    s = [(slack(a) + slack(b)).subs(p) for p in pts]
    return "same" if all(v == 0 for v in d) else "opposite" if all(v == 0 for v in s) else "different"


def test_same_relation_of_equalities_against_exact_slacks():
    """Equalities match when their slacks agree up to sign (checked at rational points in exact
    arithmetic), also with other sides (y + 1 = 2 and y = 1); sides that agree only up to a sign,
    a factor or a zero side do not make a match."""
    from dlverify.theorems.relations import same_relation

    pairs = [
        (sp.Eq(y + 1, 2), sp.Eq(y, 1)),
        (sp.Eq(y + 1, 2), sp.Eq(1, y)),
        (sp.Eq(x, y), sp.Eq(-x, y)),
        (sp.Eq(y, 0), sp.Eq(2, y)),
        (sp.Eq(y, 0), sp.Eq(y, 2)),
        (sp.Eq(y, 1), sp.Eq(y, -1)),
        (sp.Eq(y, 1), sp.Eq(2 * y, 1)),
        (sp.Eq(x + y, 1), sp.Eq(x, 1 - y)),
    ]
    for a, b in pairs:
        want = _exact_slack_relation(a, b) != "different"
        assert same_relation(a, b) is want and same_relation(b, a) is want, (a, b, want)


def test_same_relation_of_identities_only_as_written():
    """An identity (a slack that is zero) proves only itself: the same two sides in either order,
    whatever objects sympy built for them; another identity in x does not match."""
    from dlverify.theorems.relations import is_zero, same_relation

    a = sp.Eq((x + 1) ** 2, sp.Add(x**2, 2 * x, 1), evaluate=False)
    flipped = sp.Eq(sp.Add(1, 2 * x, x**2), sp.Pow(sp.Add(1, x), 2), evaluate=False)
    assert a.lhs == flipped.rhs and a.lhs is not flipped.rhs and a.rhs is not flipped.lhs
    assert is_zero(a.lhs - a.rhs) and same_relation(a, flipped) and same_relation(flipped, a)
    same_rhs = sp.Eq(x * (x + 2) + 1, sp.Add(x**2, 2 * x, 1), evaluate=False)
    same_lhs = sp.Eq(sp.Pow(sp.Add(1, x), 2), x * (x + 2) + 1, evaluate=False)
    for b in (same_rhs, same_lhs, sp.Eq(sp.Add(x**2, 2 * x, 1), x * (x + 2) + 1, evaluate=False)):
        assert is_zero(b.lhs - b.rhs)
        assert not same_relation(a, b) and not same_relation(b, a), b


def test_same_relation_of_inequalities_and_other_objects():
    """Inequalities match by their slack, not up to a factor (y <= 1 and 2y <= 2 state the same
    set but the slacks 1 − y and 2 − 2y differ at y = 0); relations over other quantities (a
    symbol that cancels) are not matched; an integral relation matches only its own slack;
    constants sympy decided state nothing; non-relations match only an equal object."""
    from sympy.core.cache import clear_cache

    from dlverify.theorems.relations import same_relation

    a, b = sp.Le(y, 1), sp.Le(2 * y, 2)
    assert _exact_slack_relation(a, b) == "different"
    assert not same_relation(a, b) and not same_relation(b, a)
    cancels = sp.Le(x + (y + 1) ** 2 - y**2 - 2 * y - 1, 1)
    assert y in cancels.free_symbols and _exact_slack_relation(cancels, sp.Le(x, 1)) == "same"
    assert not same_relation(cancels, sp.Le(x, 1)) and not same_relation(sp.Le(x, 1), cancels)
    f, t = sp.Function("f"), sp.Symbol("t", real=True)
    integral = sp.Integral(f(t), (t, 0, 1))
    twice = sp.Integral(2 * f(t), (t, 0, 1))
    assert (twice - integral).doit() != 0  # sympy keeps both integrals: no probe can see they differ
    assert not same_relation(sp.Le(integral, 1), sp.Le(twice, 1))
    assert same_relation(sp.Le(integral, 1), sp.Ge(1, integral))
    assert not same_relation(sp.true, sp.true) and not same_relation(sp.false, sp.Le(x, 1))
    e1 = sp.Equivalent(sp.Le(x, 1), sp.Le(2 * x, 2))
    clear_cache()
    e2 = sp.Equivalent(sp.Le(x, 1), sp.Le(2 * x, 2))
    assert e1 == e2 and e1 is not e2 and same_relation(e1, e2)
    assert not same_relation(e1, sp.Equivalent(sp.Le(x, 1), sp.Le(3 * x, 3)))
    assert not same_relation(sp.Le(x, 1), e1) and not same_relation(e1, sp.Le(x, 1))


def test_is_zero_and_the_probe_points_by_hand():
    """Nonzero numbers are not zero; matrix identities are; the probe points written out from the
    docstring's rule (integers 2 + 3i + kind; a real in (0, 1), its inverse, then signs alternating
    from the second symbol on for symbols of unknown sign)."""
    from dlverify.theorems.relations import _probe_points, is_zero

    assert not is_zero(sp.Integer(3)) and not is_zero(sp.Rational(1, 2)) and is_zero(sp.Integer(0))
    A, B = sp.MatrixSymbol("A", 2, 2), sp.MatrixSymbol("B", 2, 2)
    assert is_zero((A * B).T - B.T * A.T) and is_zero((A + B).T - A.T - B.T)
    assert not is_zero((A * B).T - A.T * B.T)
    n = sp.Symbol("n", integer=True)
    p = sp.Symbol("p", positive=True)
    z, w = sp.symbols("z w", real=True)
    R = sp.Rational
    assert _probe_points([n, z, p, w]) == [
        {n: 2, z: R(2, 9), p: R(3, 11), w: R(4, 13)},
        {n: 3, z: R(9, 2), p: R(11, 3), w: R(13, 4)},
        {n: 4, z: R(-2, 9), p: R(3, 11), w: R(-4, 13)},
    ]


def test_kernel_critical_point_and_instance_domains_against_known_answers():
    """ln u <= u − 1 (u > 0) is certified by its critical point u = 1; wrong relations are refused,
    each shown false at a point (exact, or ln 2 > 1/2 by sympy's own evaluation); an instance may
    replace a positive (nonnegative) symbol only by an expression certified so; a fact p < 1
    certifies 1 − p > 0, a fact p <= 1 does not (at p = 1 it is 0)."""
    from dlverify.theorems.kernel import CriticalPoint, Instance, certified_positive, certify

    u = sp.Symbol("u", positive=True)
    assert certify(sp.Le(sp.log(u), u - 1), CriticalPoint(u, 1), {}).ok
    assert sp.N(sp.log(2) - sp.Rational(1, 2)) > 0  # (u − 1)/2 < ln u at u = 2
    assert not _holds(sp.Lt(0, 1 - 1), {}) and not _holds(sp.Le(x**2, 2 * x - 1), {x: 0})
    for wrong in (sp.Le(sp.log(u), (u - 1) / 2), sp.Lt(sp.log(u), u - 1), sp.Le(sp.log(u), u - 2)):
        assert not certify(wrong, CriticalPoint(u, 1), {}).ok, wrong
    assert not certify(sp.Le(x**2, 2 * x - 1), CriticalPoint(x, 1), {}).ok
    p = sp.Symbol("p", positive=True)
    n = sp.Symbol("n", nonnegative=True)
    facts = {"p": sp.Le(0, p, evaluate=False), "n": sp.Le(0, n, evaluate=False)}
    assert not _holds(sp.Le(0, x), {x: -1})
    assert not certify(sp.Le(0, x, evaluate=False), Instance("p", {p: x}), facts).ok
    assert not certify(sp.Le(0, x, evaluate=False), Instance("n", {n: x}), facts).ok
    assert certify(sp.Le(0, x**2, evaluate=False), Instance("n", {n: x**2}), facts).ok
    assert not certify(sp.Le(0, x**2, evaluate=False), Instance("p", {p: x**2}), facts).ok  # x = 0
    assert certify(sp.Le(0, x**2 + 1, evaluate=False), Instance("p", {p: x**2 + 1}), facts).ok
    q = sp.Symbol("q", positive=True)
    assert certified_positive(1 - q, {"s": sp.Lt(q, 1)}).ok
    assert certified_positive(1 - q, {"s": sp.Lt(q, 1)}).uses == ("s",)
    assert not certified_positive(1 - q, {"w": sp.Le(q, 1)}).ok and not _holds(sp.Lt(0, 1 - q), {q: 1})
    assert certified_positive(2 - q, {"w": sp.Le(q, 1)}).ok


def test_kernel_instance_checks_every_hypothesis_of_the_fact():
    """A fact resting on η <= 1, ..., η <= 9 and η >= 1/2 instantiated at η = 1/4: nine hold there,
    one does not (1/4 < 1/2, exact), so the step is refused whatever order the hypotheses come in
    (with nine true ones, a check that stopped at the first true one would miss it 9 times in 10)."""
    from dlverify.theorems.core import Assumption, Source, Step, Theorem
    from dlverify.theorems.kernel import Combination, Instance, check_derivation

    eta = sp.Symbol("eta", real=True)
    hyps = [Assumption(f"h{k}", f"η ≤ {k}", sp.Le(eta, k)) for k in range(1, 10)]
    hyps.append(Assumption("half", "η ≥ 1/2", sp.Ge(eta, sp.Rational(1, 2))))
    quarter = sp.Rational(1, 4)
    assert [_holds(a.relation, {eta: quarter}) for a in hyps] == [True] * 9 + [False]
    weights = {a.key: x**2 if a.key == "h1" else 0 for a in hyps}  # rests on every hypothesis
    steps = [
        Step("a", "η x² ≤ x²", sp.Le(eta * x**2, x**2), Combination(weights)),
        Step("b", "instance", sp.Le(quarter * x**2, x**2, evaluate=False), Instance("a", {eta: quarter})),
    ]
    th = Theorem(id="inst", title="inst", source=Source("w", "s"), statement="", assumptions=hyps,
                 derivation=steps, claims=[])  # fmt: skip
    marks = check_derivation(th)
    assert [m.ok for m in marks] == [True, False] and set(marks[0].hypotheses) == {a.key for a in hyps}


def test_kernel_named_identities_name_the_difference_of_the_sides():
    """An identity certified by simplification is restated as id = 0 with id := lhs − rhs (zero by
    expansion, exact), which the kernel certifies; a matrix-free identity named in keep stays."""
    from dlverify.theorems.core import Source, Step, Theorem
    from dlverify.theorems.kernel import Simplification, check_derivation, named_identities

    rel = sp.Eq((x + 1) ** 2, x**2 + 2 * x + 1, evaluate=False)
    given = [Step("s", "square", rel, Simplification()), Step("k", "kept", rel, Simplification())]
    steps, defs = named_identities(given, keep=("k",))
    name = sp.Symbol("id_s", real=True)
    assert [s.relation for s in steps] == [sp.Eq(name, 0), rel] and steps[0].latex == sp.latex(rel)
    assert [d.key for d in defs] == ["def_s"] and defs[0].relation.lhs == name and defs[0].definition
    assert sp.expand(defs[0].relation.rhs) == 0 and defs[0].relation.rhs == (x + 1) ** 2 - (x**2 + 2 * x + 1)
    th = Theorem(id="named", title="named", source=Source("w", "s"), statement="", assumptions=defs,
                 derivation=steps, claims=[])  # fmt: skip
    assert [(m.ok, m.hypotheses) for m in check_derivation(th)] == [(True, ()), (True, ())]


def test_kernel_integral_bounds_and_the_grid_search_by_hand():
    """∫₁⁰ t² dt = −1/3 < 0 (sympy integrates it exactly): the integral of a nonnegative fact over a
    reversed range is refused, over [0, 1] certified.  The exact grid search skips points where the
    assumptions fail and goes on to the next (x = −1 skipped, x = 2 breaks x <= 1)."""
    from dlverify.theorems.kernel import SumOfFacts, certify, exact_counterexample

    t = sp.Symbol("t", real=True)
    facts = {"sq": sp.Le(0, t**2, evaluate=False)}
    assert sp.integrate(t**2, (t, 1, 0)) == sp.Rational(-1, 3)
    rev = sp.Le(0, sp.Integral(t**2, (t, 1, 0)), evaluate=False)
    assert not certify(rev, SumOfFacts("sq", t, 1, 0, integral=True), facts).ok
    fwd = sp.Le(0, sp.Integral(t**2, (t, 0, 1)), evaluate=False)
    assert certify(fwd, SumOfFacts("sq", t, 0, 1, integral=True), facts).ok
    assert exact_counterexample(sp.Le(x, 1), [sp.Ge(x, 0)], {}, {x: [-1, 2]}) == {"x": "2", "slack": "-1"}
    assert exact_counterexample(sp.Le(x, 1), [sp.Ge(x, 0)], {}, {x: [-1, 1]}) is None


def test_kernel_a_strict_claim_from_a_positive_remainder():
    """x <= y gives x < y + 1 (slack (y − x) + 1, the remainder 1 > 0) and not x < y (equal at
    x = y = 0, exact)."""
    from dlverify.theorems.kernel import Combination, certify

    facts = {"le": sp.Le(x, y)}
    assert certify(sp.Lt(x, y + 1), Combination({"le": 1}, remainder=sp.Integer(1)), facts).ok
    assert not _holds(sp.Lt(x, y), {x: 0, y: 0})
    assert not certify(sp.Lt(x, y), Combination({"le": 1}), facts).ok


# --------------------------------------------------------------------------- kernel: certificates


def test_kernel_simplification_certifies_equalities_only():
    """A Simplification of an inequality is refused, true or not (x ≤ x + 1 is true, but a
    simplification certifies that two sides are the same, and these are not)."""
    from dlverify.theorems.kernel import Simplification, certify

    x, y = sp.symbols("x y", real=True)
    assert not certify(sp.Le(x * y, x * y + y**2, evaluate=False), Simplification(), {}).ok
    assert certify(sp.Eq(x * (x + 1), x**2 + x), Simplification(), {}).ok


def test_kernel_combination_squares_enter_squared():
    """2xy ≤ x² + y² is the square (x − y)² and nothing else: the square's weight times q², not
    2q or q (each would leave a residual)."""
    from dlverify.theorems.kernel import Combination, certify

    x, y = sp.symbols("x y", real=True)
    assert certify(
        sp.Le(2 * x * y, x**2 + y**2, evaluate=False), Combination({}, squares=[(1, x - y)]), {}
    ).ok
    assert certify(
        sp.Le(x * y, x * y + 3 * (x + 2) ** 2, evaluate=False), Combination({}, squares=[(3, x + 2)]), {}
    ).ok
    assert not certify(sp.Le(x * y, x * y + 2 * (x + 2)), Combination({}, squares=[(1, x + 2)]), {}).ok


def test_kernel_instance_keeps_the_strictness_of_its_fact():
    """An instance of a non-strict fact certifies only the non-strict relation (a ≤ b at a point
    is no proof of a < b there), and a strict fact only the strict one."""
    from dlverify.theorems.kernel import Instance, Unfold, certify

    p, q = sp.symbols("p q", real=True)
    facts = {"le": sp.Le(p, p**2 + 1), "lt": sp.Lt(p, p**2 + 1)}
    assert certify(sp.Le(q**3, q**6 + 1), Instance("le", {p: q**3}), facts).ok
    assert not certify(sp.Lt(q**3, q**6 + 1), Instance("le", {p: q**3}), facts).ok
    assert certify(sp.Lt(q**3, q**6 + 1), Instance("lt", {p: q**3}), facts).ok
    assert not certify(sp.Le(q**3, q**6 + 1), Instance("lt", {p: q**3}), facts).ok
    ok = certify(sp.Le(q, q**2 + 1), Unfold({q: p}, of="le"), facts)
    assert ok.ok and ok.detail.startswith("instance of [le]"), ok.detail
    bad = certify(sp.Le(q, q**2 + 2), Unfold({q: p}, of="le"), facts)
    assert not bad.ok and bad.detail == "not an instance of the fact", bad.detail


def test_kernel_equivalence_factor_in_either_order_and_never_zero():
    """Equivalent(P, A) with slack(P) = c·slack(A), c > 0: 2x ≤ 2y ⇔ x ≤ y with c = 2 and with
    c = ½ (sympy orders the pair, so each order of the test is needed); c = 0 or c = −1 never
    certifies (slack(P) = 0·slack(A) for an identity P would make P equivalent to anything)."""
    from dlverify.theorems.kernel import Equivalence, certify

    x, y, z = sp.symbols("x y z", real=True)
    pair = sp.Equivalent(sp.Le(2 * x, 2 * y), sp.Le(x, y))
    assert certify(pair, Equivalence(2), {}).ok
    assert certify(pair, Equivalence(sp.Rational(1, 2)), {}).ok
    assert not certify(pair, Equivalence(3), {}).ok
    ident = sp.Le(z * (x + 1), z * x + z, evaluate=False)
    assert not certify(sp.Equivalent(ident, sp.Le(x, y)), Equivalence(0), {}).ok
    assert not certify(pair, Equivalence(-1), {}).ok


def test_kernel_certified_positive_looks_past_facts_that_are_not_inequalities():
    """1 − p > 0 from the fact p < 1, found after an equality and a missing relation."""
    from dlverify.theorems.kernel import certified_positive

    p, a, b = sp.symbols("p a b", positive=True)
    facts = {"def": sp.Eq(a, b), "none": None, "p_lt_1": sp.Lt(p, 1)}
    assert certified_positive(1 - p, facts).ok
    assert not certified_positive(1 - p, {"def": sp.Eq(a, b)}).ok


def test_same_relation_never_matches_an_inequality_with_an_equality_in_either_order():
    """x ≤ y and y = x have the same slack y − x: still not the same statement, whichever comes first."""
    from dlverify.theorems.relations import same_relation

    x, y = sp.symbols("x y", real=True)
    assert not same_relation(sp.Le(x, y), sp.Eq(y, x))
    assert not same_relation(sp.Eq(y, x), sp.Le(x, y))


def test_same_relation_through_integrals_matrices_and_indexed_terms():
    """The numeric probe skips what it cannot evaluate at a point (an integral, a matrix
    expression, an indexed term) and leaves the decision to the symbolic test: ∫₀¹ xt dt ≤ y is
    x/2 ≤ y; A(B + C) = D is AB + AC = D; (X_i + 1)² ≤ y is X_i² + 2X_i + 1 ≤ y."""
    from dlverify.theorems.relations import differs_somewhere, same_relation

    x, y, t = sp.symbols("x y t", real=True)
    assert same_relation(sp.Le(sp.Integral(x * t, (t, 0, 1)), y), sp.Le(x / 2, y))
    A, B, C, D = (sp.MatrixSymbol(n, 2, 2) for n in "ABCD")
    assert same_relation(sp.Eq(A * (B + C), D), sp.Eq(A * B + A * C, D))
    X, i = sp.IndexedBase("X"), sp.Idx("i")
    assert same_relation(sp.Le((X[i] + 1) ** 2, y), sp.Le(X[i] ** 2 + 2 * X[i] + 1, y))
    for skipped in (
        sp.Integral(x * t, (t, 0, 1)) - x / 2,
        A * (B + C) - A * B - A * C,
        (X[i] + 1) ** 2 - X[i] ** 2 - 2 * X[i] - 1,
    ):
        assert differs_somewhere(skipped) is False


def test_kernel_refusals_are_refusals():
    """Each certificate's refusal paths, one case each: a remainder or a square weight without a
    certified sign, an equality offered to a combination, an inequality offered to bare
    definitions, a missing fact, a negative weight in a sum of squares, an instance of an
    inequality offered for an equality, a CriticalPoint atom named by a symbol of no sign."""
    from dlverify.theorems import pac_bayes as pb
    from dlverify.theorems.kernel import (
        Combination,
        CriticalPoint,
        Instance,
        SumOfSquares,
        Unfold,
        certify,
    )

    x, y = sp.symbols("x y", real=True)
    p, q = sp.symbols("p q", real=True)
    le = sp.Le(p, p**2 + 1)
    assert not certify(sp.Le(x, x + y, evaluate=False), Combination({}, remainder=y), {}).ok
    assert not certify(sp.Le(x * y, x * y - x**2, evaluate=False), Combination({}, squares=[(-1, x)]), {}).ok
    assert not certify(sp.Eq(2 * x, x + x, evaluate=False), Combination({}), {}).ok
    assert not certify(sp.Le(x, y), Unfold({x: y}), {}).ok
    assert not certify(sp.Le(q, q**2 + 1), Instance("missing", {p: q}), {"le": le}).ok
    assert not certify(sp.Le(x * y, x * y - x**2, evaluate=False), SumOfSquares([(-1, x)]), {}).ok
    assert certify(sp.Le(x * y, x * y + x**2, evaluate=False), SumOfSquares([(1, x)]), {}).ok
    assert not certify(sp.Eq(q, q**2 + 1, evaluate=False), Instance("le", {p: q}), {"le": le}).ok
    assert not certify(sp.Le(2 * q, 2 * q**2 + 2), Unfold({q: p}, of="le"), {"le": le}).ok  # twice the slack
    lt = {"lt": sp.Lt(p, p**2 + 1)}
    assert not certify(sp.Le(q, q**2 + 1), Unfold({q: p}, of="lt"), lt).ok  # the fact's strictness
    z = sp.Symbol("z", real=True)
    facts = {"p_lt_1": sp.Lt(pb.pb, 1)}
    good = certify(
        sp.Ge(pb.kl_pq, 2 * (pb.pb - pb.qb) ** 2),
        CriticalPoint(pb.pb, pb.qb, atoms={pb.pb - 1: -pb.omp}),
        facts,
    )
    assert good.ok, good.detail
    assert not certify(
        sp.Ge(pb.kl_pq, 2 * (pb.pb - pb.qb) ** 2), CriticalPoint(pb.pb, pb.qb, atoms={pb.pb - 1: -z}), facts
    ).ok
    # Pinsker with the constant 3 is false: the critical-point certificate must not pass it
    assert not certify(
        sp.Ge(pb.kl_pq, 3 * (pb.pb - pb.qb) ** 2),
        CriticalPoint(pb.pb, pb.qb, atoms={pb.pb - 1: -pb.omp}),
        facts,
    ).ok


def test_kernel_failure_details_name_what_failed():
    """A failed simplification prints lhs − rhs simplified; a failed combination its residual."""
    from dlverify.theorems.kernel import Combination, Simplification, certify

    x, y = sp.symbols("x y", real=True)
    m = certify(sp.Eq(x * y, x * y + y, evaluate=False), Simplification(), {})
    assert not m.ok and m.detail == "lhs - rhs = -y", m.detail
    assert certify(sp.Eq(x * (y + 1), x * y + x, evaluate=False), Simplification(), {}).detail == (
        "lhs - rhs simplifies to 0"
    )
    c = Combination({}, squares=[(1, x)])
    bad = certify(sp.Le(x * y, x * y + x**2 + y**2, evaluate=False), c, {})
    assert not bad.ok and bad.detail.startswith("residual "), bad.detail
    assert certify(sp.Le(x * y, x * y + x**2, evaluate=False), c, {}).detail == c.describe()


def test_kernel_simplification_of_numbers_compares_by_equality():
    """∫₀¹ 1 dx = 2 and ∫₀³ 1 dx = 2 are false: evaluated sides are compared for equality, not order."""
    from dlverify.theorems.kernel import Simplification, certify

    x = sp.Symbol("x", real=True)
    for upper in (1, 3):
        rel = sp.Eq(sp.Integral(1, (x, 0, upper)), 2, evaluate=False)
        assert not certify(rel, Simplification(), {}).ok
    assert certify(sp.Eq(sp.Integral(1, (x, 0, 2)), 2, evaluate=False), Simplification(), {}).ok


def test_kernel_monomials_coefficients_and_even_powers():
    """x²/2 + y²/3 ≥ 0 monomial by monomial; x²y is not (y has no sign, whatever the order of
    the factors); x² is nonnegative but not certified positive."""
    from dlverify.theorems.kernel import certified_positive, nonneg_by_monomials

    x, y = sp.symbols("x y", real=True)
    a, b = sp.symbols("a b", positive=True)
    assert nonneg_by_monomials(x**2 / 2 + y**2 / 3).ok
    assert nonneg_by_monomials(sp.Float(0.5) * x**2).ok  # a coefficient below 1 (a float is not cleared)
    assert not nonneg_by_monomials(x**2 * y).ok
    assert not nonneg_by_monomials(x**2 * y**3).ok  # the even power first, the odd one after it
    assert not nonneg_by_monomials(y * x**2 * a).ok
    assert not nonneg_by_monomials(a**2 * y * b**4).ok
    assert not certified_positive(x**2, {}).ok
    assert certified_positive(x**2 + a, {}).ok


def test_kernel_a_certificate_that_raises_is_a_failed_mark():
    """check_derivation never lets an exception pass for a certificate."""
    from dlverify.theorems import descent_lemma as dl
    from dlverify.theorems.kernel import Certificate, _check_step, _Ledger
    from dlverify.theorems.model import Step

    class Raises(Certificate):
        def check(self, rel, facts):
            raise ValueError("planted")

    x = sp.Symbol("x", real=True)
    m, _, _, _ = _check_step(Step("boom", "raises", sp.Le(x, x**2 + 1), Raises()), _Ledger.of(dl.THEOREM))
    assert not m.ok and "planted" in m.detail


def test_kernel_exact_counterexample_of_a_strict_relation():
    """x < 2 has no counterexample on {1}; x < 1 has x = 1 (slack 0, strict); x ≤ 1 has none."""
    from dlverify.theorems.kernel import exact_counterexample

    x = sp.Symbol("x", real=True)
    assert exact_counterexample(sp.Lt(x, 2), [], {}, {x: [1]}) is None
    assert exact_counterexample(sp.Lt(x, 1), [], {}, {x: [1]}) == {"x": "1", "slack": "0"}
    assert exact_counterexample(sp.Le(x, 1), [], {}, {x: [1]}) is None
    assert exact_counterexample(sp.Le(x, 1), [], {}, {x: [2]}) == {"x": "2", "slack": "-1"}


def test_kernel_equivalence_needs_equal_strictness_in_either_order():
    from dlverify.theorems.kernel import Equivalence, certify

    x, y = sp.symbols("x y", real=True)
    for p_, a_ in ((sp.Lt(2 * x, 2 * y), sp.Le(x, y)), (sp.Le(2 * x, 2 * y), sp.Lt(x, y))):
        for f in (2, sp.Rational(1, 2)):
            assert not certify(sp.Equivalent(p_, a_), Equivalence(f), {}).ok
    assert certify(sp.Equivalent(sp.Lt(2 * x, 2 * y), sp.Lt(x, y)), Equivalence(2), {}).ok


def test_kernel_bookkeeping_helpers_against_hand_made_cases():
    """The helpers that decide which facts and hypotheses a step rests on: its references, the
    symbols an instance replaces by their definitions, the instantiated assumptions it still
    needs, the declared definitions an Unfold uses, the facts that certified its signs, the
    definitions shown for what Unfold substitutes, and the identities restated by name."""
    from types import SimpleNamespace as NS

    from dlverify.theorems import pac_bayes as pb
    from dlverify.theorems.kernel import (
        CriticalPoint,
        Instance,
        Simplification,
        Unfold,
        _by_definition,
        _definitions_used,
        _unmet_instances,
        named_identities,
        positivity_references,
        references,
        unfolded_definitions,
    )
    from dlverify.theorems.model import Assumption, Step

    p, q, r, s, e, z = sp.symbols("p q r s e z", real=True)
    assert references(Simplification()) == ()
    assert references(Instance("f", {p: q})) == ("f",)
    # _by_definition: s := e unfolds the definition s = e (either side); s := 2e does not
    d = [sp.Eq(s, e)]
    assert _by_definition(Instance("f", {s: e}), d) == {s}
    assert _by_definition(Instance("f", {s: e}), [sp.Eq(e, s)]) == {s}
    assert _by_definition(Instance("f", {s: 2 * e}), d) == set()
    assert _by_definition(Instance("f", {p: q}), d) == set()  # s is not replaced at all
    # _unmet_instances: every key is looked at, whatever comes before it
    A = {"other": sp.Lt(z, 1), "true_at": sp.Lt(p, 3), "p_lt_1": sp.Lt(p, 1), "sq": sp.Le(0, p)}
    used: list[str] = []
    assert _unmet_instances(Instance("f", {p: 2}), ["other", "true_at", "p_lt_1"], A, {}, used) == ["p_lt_1"]
    used = []
    facts = {"r_lt_1": sp.Lt(r, 1)}
    assert _unmet_instances(Instance("f", {p: r}), ["other", "p_lt_1"], A, facts, used) == [] and used == [
        "r_lt_1"
    ]
    assert _unmet_instances(Instance("f", {p: r**2}), ["sq"], A, {}, []) == []  # 0 ≤ r² by monomials
    # _definitions_used: a declared definition in either orientation costs nothing; another is a hypothesis
    th = NS(assumptions=[Assumption("d_s", "s names e", sp.Eq(s, e), definition=True)])
    assert _definitions_used(Unfold({s: e}), th) == (("d_s",), ())
    assert _definitions_used(Unfold({e: s}), th) == (("d_s",), ())
    assert _definitions_used(Unfold({s: 2 * e}), th) == ((), ("definition s := 2*e",))
    # positivity_references: an atom named by a negative symbol is certified through −atom > 0
    cp = CriticalPoint(pb.pb, pb.qb, atoms={pb.pb - 1: -pb.omp})
    assert positivity_references(cp, {"p_lt_1": sp.Lt(pb.pb, 1)}) == ("p_lt_1",)
    # unfolded_definitions: the texts given are used
    steps = [Step("u", "unfold", sp.Eq(s, 0), Unfold({s: e - e**2}))]
    (defn,) = unfolded_definitions(steps, [], {"s": "s is e − e²"})
    assert defn.text == "s is e − e²" and defn.definition
    # named_identities: every identity after a step that is not one is restated too
    plain = Step("a", "a", sp.Le(p, p**2 + 1), Simplification())
    ident = Step("b", "b", sp.Eq(p * (p + 1), p**2 + p, evaluate=False), Simplification())
    out, defs = named_identities([plain, ident])
    assert [st.key for st in out] == ["a", "b"] and isinstance(out[1].certificate, Unfold)
    assert [dd.key for dd in defs] == ["def_b"]


def test_kernel_derivation_bookkeeping_on_real_and_small_theorems():
    """Pinsker rests on p < 1 through the sign of its atom (1 − p > 0), Pinsker at L_D(Q) on
    L_D(Q) < 1; every mark has its LaTeX; a failed step is no fact for a later one."""
    from dlverify.theorems import pac_bayes as pb
    from dlverify.theorems.core import Assumption, Source, Step, Theorem
    from dlverify.theorems.kernel import Combination, Instance, check_derivation

    marks = {m.key: m for m in check_derivation(pb.THEOREM)}
    assert marks["pinsker"].hypotheses == ("p_lt_1",)
    assert marks["pinsker_rq"].hypotheses == ("risk_lt_1",)
    assert all(m.latex for m in marks.values())
    eta = sp.Symbol("eta", real=True)
    h = Assumption("h", "η at most 1", sp.Le(eta, 1))
    steps = [
        Step("a", "wrong", sp.Le(eta * x**2, x**2 / 2), Combination({"h": x**2})),  # not certified
        Step("b", "uses a", sp.Le(eta * y**2, y**2 / 2), Instance("a", {x: y})),
    ]
    th = Theorem(
        id="t", title="t", source=Source("w", "s"), statement="", assumptions=[h], derivation=steps, claims=[]
    )
    assert [m.ok for m in check_derivation(th)] == [False, False]


def test_kernel_certificates_are_value_objects_and_describe_themselves():
    """Certificates compare and print by value (dataclasses); an instance names its fact, its
    replacements and the expressions it certified positive on the domain."""
    from dlverify.theorems.kernel import Instance, Monomials, Simplification

    assert Simplification() == Simplification() and repr(Simplification()) == "Simplification()"
    assert Monomials() == Monomials() and repr(Monomials()) == "Monomials()"
    p, q = sp.symbols("p q", positive=True)
    assert Instance("f", {p: q}).describe() == "[f] at p = q"
    assert (
        Instance("f", {p: q}, positive_on_domain=(1 - p,)).describe()
        == "[f] at p = q (on the domain 1 - p > 0)"
    )


def test_same_relation_through_a_finite_sum():
    """Σ_{k=1}^n k ≤ z is n(n + 1)/2 ≤ z: the probe evaluates the sum at integer n, the symbolic
    test decides."""
    from dlverify.theorems.relations import same_relation

    k, n = sp.symbols("k n", integer=True, positive=True)
    z = sp.Symbol("z", real=True)
    assert same_relation(sp.Le(sp.Sum(k, (k, 1, n)), z), sp.Le(n * (n + 1) / 2, z))
    assert not same_relation(sp.Le(sp.Sum(k, (k, 1, n)), z), sp.Le(n * (n - 1) / 2, z))


# --------------------------------------------------------------------------- kernel: survivors at 0.880


def _theorem(assumptions, steps):
    from dlverify.theorems.core import Source, Theorem

    return Theorem(id="t", title="t", source=Source("w", "s"), statement="", assumptions=assumptions,
                   derivation=steps, claims=[])  # fmt: skip


def test_kernel_a_slack_that_is_minus_the_certified_one_is_refused():
    """x² ≤ 0 (false at x = 1), Σ_{t=1}^{2} t² ≤ 0 (5 ≤ 0) and q ≥ q² + 1 (q² − q + 1 = (q − ½)² + ¾ > 0)
    are false; each slack is minus the sum of squares, the sum of facts or the instance its certificate
    offers, so only the difference of the two -- not a remainder of one modulo the other -- is zero."""
    from dlverify.theorems.kernel import Instance, SumOfFacts, SumOfSquares, certify

    t = sp.Symbol("t", integer=True)
    p, q = sp.symbols("p q", real=True)
    assert not _holds(sp.Le(x**2, 0), {x: 1})
    assert not certify(sp.Le(x**2, 0), SumOfSquares([(1, x)]), {}).ok
    total = sp.Sum(t**2, (t, 1, 2))
    assert total.doit() == 1 + 4
    facts = {"sq": sp.Le(0, t**2, evaluate=False)}
    assert not certify(sp.Le(total, 0, evaluate=False), SumOfFacts("sq", t, 1, 2), facts).ok
    assert sp.expand((q - sp.Rational(1, 2)) ** 2 + sp.Rational(3, 4) - (q**2 - q + 1)) == 0
    le = {"le": sp.Le(p, p**2 + 1)}
    assert not certify(sp.Ge(q, q**2 + 1, evaluate=False), Instance("le", {p: q}), le).ok


def test_kernel_critical_point_signs_of_the_factors_by_hand():
    """0 ≤ −a²b(x − 1)² for a, b < 0 (−b > 0): f'(x)·(x − 1) = −2a²b(x − 1)², whose factored form has
    the negative factors −2 and b once each, a twice and (x − 1) twice: the product of their signs is
    +1.  A fractional power of a negative number is not real ((−1)^(2/3) = e^{2πi/3}): a derivative
    with the factor b^(2/3), alone or beside −2, certifies nothing."""
    from dlverify.theorems.kernel import CriticalPoint, certify

    a, b = sp.symbols("a b", negative=True)
    rel = sp.Le(0, -(a**2) * b * (x - 1) ** 2, evaluate=False)
    assert (
        sp.expand(sp.diff(rel.rhs, x) * (x - 1) + 2 * a**2 * b * (x - 1) ** 2) == 0
        and (-(a**2) * b).is_positive
    )
    m = certify(rel, CriticalPoint(x, 1), {})
    assert m.ok, m.detail
    assert sp.im(sp.N(sp.Integer(-1) ** sp.Rational(2, 3))) != 0
    for c in (1, -1):
        rel = sp.Le(0, c * (x - 1) ** 2 * b ** sp.Rational(2, 3), evaluate=False)
        assert not certify(rel, CriticalPoint(x, 1), {}).ok, c


def test_kernel_critical_point_at_the_edge_of_a_nonnegative_domain():
    """0 ≤ n(1 + Σ_{k=1}^{m} k²) for n ≥ 0: f vanishes at n = 0 and f'(n)·(n − 0) = n(1 + Σ k²) is
    nonnegative monomial by monomial.  n may be 0: f'·(x − x0), not f'/(x − x0), is what is signed."""
    from dlverify.theorems.kernel import CriticalPoint, certify

    n = sp.Symbol("n", nonnegative=True)
    k, m_ = sp.symbols("k m", integer=True, nonnegative=True)
    rel = sp.Le(0, n * (1 + sp.Sum(k**2, (k, 1, m_))), evaluate=False)
    assert rel.rhs.subs(n, 0) == 0
    m = certify(rel, CriticalPoint(n, 0), {})
    assert m.ok, m.detail


def test_kernel_critical_point_atom_named_through_its_negative():
    """0 ≤ x(x − 1)(y − 1)²/2 for x < 0 (x and x − 1 both negative): the derivative in y at 1 is
    f'·(y − 1) = x(x − 1)(y − 1)², and with the atom −x named t > 0 (certified by the fact x < 0) it
    is t(t + 1)(y − 1)² -- every x must become −t, also where −x does not occur as such."""
    from dlverify.theorems.kernel import CriticalPoint, certify

    t = sp.Symbol("t", positive=True)
    rel = sp.Le(0, x * (x - 1) * (y - 1) ** 2 / 2, evaluate=False)
    g = sp.diff(rel.rhs, y) * (y - 1)
    assert sp.expand(g.subs(x, -t) - t * (t + 1) * (y - 1) ** 2) == 0
    m = certify(rel, CriticalPoint(y, 1, atoms={-x: t}), {"neg": sp.Lt(x, 0)})
    assert m.ok, m.detail
    assert not certify(rel, CriticalPoint(y, 1, atoms={-x: t}), {}).ok  # −x > 0 not certified


def test_kernel_instance_atom_of_known_sign():
    """|ln p| ≤ ln²p + 1 on 0 < p < 1 is u ≤ u² + 1 at u = −ln p; sympy sees |ln p| = −ln p only once
    −ln p is declared positive (the fact ln p < 0 certifies it): with that atom the instance is
    certified, without it not (|ln ½| = ln 2 = −ln ½, exact)."""
    from dlverify.theorems.kernel import Instance, certify

    p = sp.Symbol("p", positive=True)
    u = sp.Symbol("u", real=True)
    half = sp.Rational(1, 2)
    assert sp.Abs(sp.log(half)) == -sp.log(half) == sp.log(2)
    facts = {"tangent": sp.Le(u, u**2 + 1), "log_neg": sp.Lt(sp.log(p), 0)}
    rel = sp.Le(sp.Abs(sp.log(p)), sp.log(p) ** 2 + 1)
    with_atom = Instance("tangent", {u: -sp.log(p)}, positive_on_domain=(-sp.log(p),))
    m = certify(rel, with_atom, facts)
    assert m.ok, m.detail
    assert not certify(rel, Instance("tangent", {u: -sp.log(p)}), facts).ok


def test_kernel_combination_shows_its_remainder_only_when_there_is_one():
    from dlverify.theorems.kernel import Combination

    assert (
        Combination({"h": 2}, remainder=sp.Integer(1)).describe() == "nonnegative combination: (2)·[h] + (1)"
    )
    assert Combination({"h": 2}).describe() == "nonnegative combination: (2)·[h]"


def test_kernel_a_strict_claim_needs_a_part_that_is_never_zero():
    """0 < y²u from the fact 0 < u with the multiplier y² is false at y = 0, and x < y + z² from x ≤ y
    with the remainder z² is false at x = y = z = 0 (exact): a multiplier or a remainder that may be 0
    makes nothing strict.  The remainder 1 + Σ_{k=1}^{n} k² is positive (its first term), though sympy
    cannot order the sum against 0."""
    from dlverify.theorems.kernel import Combination, certify

    u, z = sp.symbols("u z", real=True)
    assert not _holds(sp.Lt(0, y**2 * u), {y: 0, u: 1})
    assert not certify(sp.Lt(0, y**2 * u), Combination({"pos": y**2}), {"pos": sp.Lt(0, u)}).ok
    le = {"le": sp.Le(x, y)}
    assert not _holds(sp.Lt(x, y + z**2), {x: 0, y: 0, z: 0})
    assert not certify(sp.Lt(x, y + z**2), Combination({"le": 1}, remainder=z**2), le).ok
    k, n = sp.symbols("k n", integer=True, nonnegative=True)
    r = 1 + sp.Sum(k**2, (k, 1, n))
    assert isinstance(r >= 0, sp.GreaterThan)  # undecided by sympy
    m = certify(sp.Lt(x, y + r), Combination({"le": 1}, remainder=r), le)
    assert m.ok, m.detail


def test_kernel_each_refusal_is_a_refusal():
    """False claims and missing facts, each refused: a sum of squares offered a strict claim (xy < xy + x²
    is false at x = 0); a sum of facts for a fact that is not there, or for a strict claim (Σ_{t=1}^{n} t²
    > 0 is false at n = 0, the empty sum); an unfolding of a missing fact; an equivalence offered an
    inequality or a conjunction (2x ≤ 2y ∧ x ≤ y is no equivalence, though its slacks differ by the
    factor 2); a decision from a missing fact."""
    from dlverify.theorems.kernel import Decided, Equivalence, SumOfFacts, SumOfSquares, Unfold, certify

    assert not _holds(sp.Lt(x * y, x * y + x**2), {x: 0, y: 1})
    assert not certify(sp.Lt(x * y, x * y + x**2, evaluate=False), SumOfSquares([(1, x)]), {}).ok
    t = sp.Symbol("t", integer=True)
    n = sp.Symbol("n", integer=True, nonnegative=True)
    facts = {"sq": sp.Le(0, t**2, evaluate=False)}
    total = sp.Sum(t**2, (t, 1, n))
    assert total.subs(n, 0).doit() == 0
    assert certify(sp.Le(0, total, evaluate=False), SumOfFacts("sq", t, 1, n), facts).ok
    assert not certify(sp.Lt(0, total, evaluate=False), SumOfFacts("sq", t, 1, n), facts).ok
    assert not certify(sp.Le(0, total, evaluate=False), SumOfFacts("sq", t, 1, n), {}).ok
    assert not certify(sp.Le(y, x + 1), Unfold({x: y}, of="gone"), {"le": sp.Le(x, y + 1)}).ok
    both = sp.And(sp.Le(2 * x, 2 * y), sp.Le(x, y))
    assert len(both.args) == 2 and not isinstance(both, sp.Equivalent)
    for f in (2, sp.Rational(1, 2)):
        assert not certify(both, Equivalence(f), {}).ok
    assert not certify(sp.Le(x, y), Equivalence(1), {}).ok
    m = certify(sp.Le(x, 2), Decided(("h", "gone")), {"h": sp.Le(x, 1)})
    assert not m.ok and m.detail == "uses ['gone'], which are not earlier facts", m.detail


def test_kernel_decided_says_how_or_why_not():
    """x ≤ 1 gives x ≤ 2 (x ≤ 2 is x ≤ 1 plus 1) and not x ≤ 0 (x = 1, exact): the mark of a proof
    says how, a failed one says it was not decided."""
    from dlverify.theorems.kernel import Decided, certify

    h = {"h": sp.Le(x, 1)}
    ok = certify(sp.Le(x, 2), Decided(("h",)), h)
    assert ok.ok and ok.detail and not ok.detail.startswith("not decided"), ok.detail
    assert _holds(h["h"], {x: 1}) and not _holds(sp.Le(x, 0), {x: 1})
    bad = certify(sp.Le(x, 0), Decided(("h",)), h)
    assert not bad.ok and bad.detail.startswith("not decided: "), bad.detail


def test_kernel_marks_say_what_was_certified_or_what_failed():
    """Each certificate's mark: its description when it holds, the reason when not."""
    from dlverify.theorems.kernel import Instance, SumOfFacts, SumOfSquares, Unfold, certify

    sos = SumOfSquares([(1, x)])
    assert certify(sp.Le(x * y, x * y + x**2, evaluate=False), sos, {}).detail == "sum of squares: (1)*(x)**2"
    bad = certify(sp.Le(x * y, x * y + 2 * x**2, evaluate=False), sos, {})
    assert not bad.ok and bad.detail == "residual x**2 is not zero", bad.detail
    t = sp.Symbol("t", integer=True)
    facts = {"sq": sp.Le(0, t**2, evaluate=False)}
    s = SumOfFacts("sq", t, 1, 3)
    assert s.describe() == "sum of [sq] over t from 1 to 3"
    assert SumOfFacts("sq", t, 0, 1, integral=True).describe() == "integral of [sq] over t from 0 to 1"
    assert certify(sp.Le(0, sp.Sum(t**2, (t, 1, 3)), evaluate=False), s, facts).detail == s.describe()
    off = certify(sp.Le(1, sp.Sum(t**2, (t, 1, 3)), evaluate=False), s, facts)
    assert not off.ok and off.detail == "slack is not the sum of the fact's slacks", off.detail
    w = sp.Symbol("w", real=True)
    un = Unfold({w: 2 * x})
    assert certify(sp.Eq(w, x + x), un, {}).detail == "definitions w := 2*x"
    wrong = certify(sp.Eq(w, 3 * x), un, {})
    assert not wrong.ok and wrong.detail == "does not hold once the definitions are unfolded", wrong.detail
    le = {"le": sp.Le(x, x**2 + 1)}
    inst = Instance("le", {x: y})
    assert certify(sp.Le(y, y**2 + 1), inst, le).detail == "[le] at x = y"
    other = certify(sp.Le(y, y**2 + 2), inst, le)
    assert not other.ok and other.detail == "not this instance of the fact", other.detail


def test_kernel_a_reversed_summation_range_is_refused():
    """Σ_{t=3}^{1} t² is −4 by sympy's convention for a reversed range (−Σ_{t=2}^{2} t²): a sum of
    nonnegative facts over it is no proof of 0 ≤ it; the empty range 3..2 (sum 0) is allowed."""
    from dlverify.theorems.kernel import SumOfFacts, certify

    t = sp.Symbol("t", integer=True)
    facts = {"sq": sp.Le(0, t**2, evaluate=False)}
    assert sp.Sum(t**2, (t, 3, 1)).doit() == -4 and sp.Sum(t**2, (t, 3, 2)).doit() == 0
    assert not certify(sp.Le(0, sp.Sum(t**2, (t, 3, 1)), evaluate=False), SumOfFacts("sq", t, 3, 1), facts).ok
    assert certify(sp.Le(0, sp.Sum(t**2, (t, 3, 2)), evaluate=False), SumOfFacts("sq", t, 3, 2), facts).ok


def test_kernel_substitutions_are_simultaneous():
    """y ≤ x + 1 is x ≤ y + 1 with x and y exchanged (facts hold for every value of their variables):
    certified as an instance and as an unfolding of the fact -- substituting one symbol after the other
    would first turn y + 1 − x into 1.  The definitions a := b, b := a turn a + 2b = b + 2a (false at
    a = 0, b = 1) into b + 2a = a + 2b, still false: refused."""
    from dlverify.theorems.kernel import Instance, Unfold, certify

    facts = {"le": sp.Le(x, y + 1)}
    swap = {x: y, y: x}
    assert certify(sp.Le(y, x + 1), Unfold(swap, of="le"), facts).ok
    assert certify(sp.Le(y, x + 1), Instance("le", swap), facts).ok
    a, b = sp.symbols("a b", real=True)
    assert not _holds(sp.Eq(a + 2 * b, b + 2 * a), {a: 0, b: 1})
    assert not certify(sp.Eq(a + 2 * b, b + 2 * a), Unfold({a: b, b: a}), {}).ok


def test_kernel_an_instance_that_swaps_the_symbols_of_its_hypothesis():
    """A fact resting on p ≤ q (p x² ≤ q x²) with p and q exchanged is q x² ≤ p x², false at p = 0,
    q = 1, x = 1 (exact): the hypothesis at the instance is q ≤ p, which is not a fact."""
    from dlverify.theorems.kernel import Combination, Instance, check_derivation
    from dlverify.theorems.model import Assumption, Step

    p, q = sp.symbols("p q", real=True)
    steps = [
        Step("a", "p x² ≤ q x²", sp.Le(p * x**2, q * x**2), Combination({"h": x**2})),
        Step("b", "swapped", sp.Le(q * x**2, p * x**2), Instance("a", {p: q, q: p})),
    ]
    assert not _holds(steps[1].relation, {p: 0, q: 1, x: 1})
    marks = check_derivation(_theorem([Assumption("h", "p ≤ q", sp.Le(p, q))], steps))
    assert [m.ok for m in marks] == [True, False]


def test_kernel_an_instance_rests_on_what_its_instantiated_hypotheses_rest_on():
    """h: η ≤ θ.  a: ηx² ≤ θx² (from h); b: a at η = ζ, sound because ζ ≤ θ is known -- (1) as the
    hypothesis k, (2) proved from g: ζ ≤ η and h.  c: b at θ = 5 is ζx² ≤ 5x², false at ζ = η = θ = 10,
    x = 1 (every hypothesis holds there): b rests on hypotheses that fix θ (h, and k or g), so c is
    refused.  An unfolding of a that renames η (which h fixes) is refused as well: 2ηx² ≤ x² is false at
    η = x = 1."""
    from dlverify.theorems.kernel import Combination, Instance, Unfold, check_derivation
    from dlverify.theorems.model import Assumption, Step

    eta, theta, zeta = sp.symbols("eta theta zeta", real=True)
    h = Assumption("h", "η ≤ θ", sp.Le(eta, theta))
    a = Step("a", "ηx² ≤ θx²", sp.Le(eta * x**2, theta * x**2), Combination({"h": x**2}))
    b = Step("b", "at η = ζ", sp.Le(zeta * x**2, theta * x**2), Instance("a", {eta: zeta}))
    c = Step("c", "at θ = 5", sp.Le(zeta * x**2, 5 * x**2), Instance("b", {theta: 5}))
    ten = {zeta: 10, eta: 10, theta: 10, x: 1}
    assert _holds(sp.Le(zeta, eta), ten) and _holds(h.relation, ten) and not _holds(c.relation, ten)
    k = Assumption("k", "ζ ≤ θ", sp.Le(zeta, theta))
    assert [m.ok for m in check_derivation(_theorem([h, k], [a, b, c]))] == [True, True, False]
    g = Assumption("g", "ζ ≤ η", sp.Le(zeta, eta))
    e = Step("e", "ζ ≤ θ", sp.Le(zeta, theta), Combination({"g": 1, "h": 1}))
    assert [m.ok for m in check_derivation(_theorem([g, h], [a, e, b, c]))] == [True, True, True, False]
    ren = Step("r", "2ηx² ≤ x²", sp.Le(2 * eta * x**2, x**2), Unfold({eta: eta / 2}, of="a2"))
    a2 = Step("a2", "ηx² ≤ x²", sp.Le(eta * x**2, x**2), Combination({"one": x**2}))
    one = Assumption("one", "η ≤ 1", sp.Le(eta, 1))
    assert not _holds(ren.relation, {eta: 1, x: 1})
    marks = check_derivation(_theorem([one], [a2, ren]))
    assert [m.ok for m in marks] == [True, False] and marks[1].detail.startswith("instantiates eta")


def test_kernel_a_definition_written_the_other_way_round_matched_by_value():
    """The declared definition s = e is what Unfold({e: s}) substitutes (either orientation), also when
    e and s are built anew after sympy's cache was cleared (equal, not the same objects)."""
    from types import SimpleNamespace as NS

    from sympy.core.cache import clear_cache

    from dlverify.theorems.kernel import Unfold, _definitions_used
    from dlverify.theorems.model import Assumption

    s, e = sp.symbols("s e", real=True)
    th = NS(assumptions=[Assumption("d_s", "s names e", sp.Eq(s, e), definition=True)])
    clear_cache()
    s2, e2 = sp.symbols("s e", real=True)
    assert s2 == s and s2 is not s and e2 == e and e2 is not e
    assert _definitions_used(Unfold({e2: s2}), th) == (("d_s",), ())


def test_kernel_positive_numbers_sympy_decides():
    """√2 − 1 > 0 (√2² = 2 > 1) and π − 3 > 0: sympy decides these signs, though a monomial of each has
    a negative coefficient; a positive (nonnegative) symbol may be replaced by them in an instance."""
    from dlverify.theorems.kernel import Instance, certified_positive, certify

    r2, pi3 = sp.sqrt(2) - 1, sp.pi - 3
    assert sp.Integer(1) < 2 and sp.N(pi3) > 0
    assert certified_positive(r2, {}).ok and certified_positive(pi3, {}).ok
    p = sp.Symbol("p", positive=True)
    n = sp.Symbol("n", nonnegative=True)
    facts = {"p": sp.Le(0, p, evaluate=False), "n": sp.Le(0, n, evaluate=False)}
    assert certify(sp.Le(0, r2, evaluate=False), Instance("p", {p: r2}), facts).ok
    assert certify(sp.Le(0, pi3, evaluate=False), Instance("n", {n: pi3}), facts).ok


def test_kernel_an_instance_of_an_inequality_is_no_equation():
    """q² + 1 = q has no real solution (discriminant 1 − 4 < 0), though its two sides are those of the
    fact p ≤ p² + 1 at p = q: an instance keeps the fact's kind of relation."""
    from dlverify.theorems.kernel import Instance, certify

    p, q = sp.symbols("p q", real=True)
    assert sp.discriminant(q**2 - q + 1, q) == -3
    assert not certify(
        sp.Eq(q**2 + 1, q, evaluate=False), Instance("le", {p: q}), {"le": sp.Le(p, p**2 + 1)}
    ).ok


def test_kernel_a_non_strict_fact_certifies_no_strict_sign():
    """From q ≤ 1, 1 − q + y² > 0 does not follow (q = 1, y = 0 gives 0, exact); from q < 1 it does."""
    from dlverify.theorems.kernel import certified_positive

    q = sp.Symbol("q", positive=True)
    expr = 1 - q + y**2
    assert not _holds(sp.Lt(0, expr), {q: 1, y: 0})
    assert not certified_positive(expr, {"w": sp.Le(q, 1)}).ok
    assert certified_positive(expr, {"s": sp.Lt(q, 1)}).uses == ("s",)
    # a fact that is no inequality (a disjunction: it has no slack) is passed over, not a failure
    either = sp.Or(sp.Lt(q, 1), sp.Gt(q, 2))
    assert certified_positive(expr, {"or": either, "s": sp.Lt(q, 1)}).uses == ("s",)


def test_kernel_combination_uses_every_fact_after_an_equation():
    """x = y and y ≤ z give x ≤ z: z − x = −1·(x − y) + 1·(z − y), an equation used with a negative
    multiplier and the inequality after it."""
    from dlverify.theorems.kernel import Combination, certify

    z = sp.Symbol("z", real=True)
    assert sp.expand(-(x - y) + (z - y) - (z - x)) == 0
    facts = {"eq": sp.Eq(x, y), "le": sp.Le(y, z)}
    m = certify(sp.Le(x, z), Combination({"eq": -1, "le": 1}), facts)
    assert m.ok, m.detail


def test_kernel_unmet_instances_looks_at_every_key():
    """p := Σ_{k=1}^{n} k² meets 0 ≤ p monomial by monomial (sympy does not decide it) and not p < 1;
    p := r meets p < 1 through the fact r < 1 and not p < 2 (which the kernel asks to be a fact)."""
    from dlverify.theorems.kernel import Instance, _unmet_instances

    k, n = sp.symbols("k n", integer=True, nonnegative=True)
    p, r = sp.symbols("p r", real=True)
    A = {"sq": sp.Le(0, p), "p_lt_1": sp.Lt(p, 1), "p_lt_2": sp.Lt(p, 2)}
    S = sp.Sum(k**2, (k, 1, n))
    assert isinstance(sp.Le(0, S), sp.LessThan)  # undecided by sympy
    assert _unmet_instances(Instance("f", {p: S}), ["sq", "p_lt_1"], A, {}, []) == ["p_lt_1"]
    used: list[str] = []
    facts = {"r_lt_1": sp.Lt(r, 1)}
    assert _unmet_instances(Instance("f", {p: r}), ["p_lt_1", "p_lt_2"], A, facts, used) == ["p_lt_2"]
    assert used == ["r_lt_1"]


def test_kernel_an_equation_among_the_hypotheses_is_no_definition():
    """The hypothesis w = 2u (not declared a definition) does not declare what Unfold({w: 2u})
    substitutes: the step has it as its hypothesis, the definition is still shown with the assumptions,
    and the ledger's definitions are the declared one (v = u + 1) only."""
    from dlverify.theorems.kernel import Unfold, _definitions_used, _Ledger, unfolded_definitions
    from dlverify.theorems.model import Assumption, Step

    u, v, w = sp.symbols("u v w", real=True)
    hyp = Assumption("h", "w is 2u", sp.Eq(w, 2 * u))
    dfn = Assumption("d", "v names u + 1", sp.Eq(v, u + 1), definition=True)
    step = Step("s", "w = 2u", sp.Eq(w, 2 * u), Unfold({w: 2 * u}))
    th = _theorem([hyp, dfn], [step])
    assert _definitions_used(step.certificate, th) == ((), ("definition w := 2*u",))
    (shown,) = unfolded_definitions([step], [hyp, dfn])
    assert (shown.relation.lhs, shown.relation.rhs, shown.definition) == (w, 2 * u, True)
    assert _Ledger.of(th).defs == {"d": sp.Eq(v, u + 1)}


def test_kernel_an_explicit_matrix_identity_is_named():
    """[[x, 1], [0, x]]² = [[x², 2x], [0, x²]] (by hand: x·1 + 1·x = 2x) is restated as id_m = 0 with
    id_m := the zero matrix of the difference, shown as a definition, and certified."""
    from dlverify.theorems.kernel import (
        Simplification,
        check_derivation,
        named_identities,
        unfolded_definitions,
    )
    from dlverify.theorems.model import Step

    M = sp.ImmutableMatrix([[x, 1], [0, x]])
    rel = sp.Eq(M**2, sp.ImmutableMatrix([[x**2, 2 * x], [0, x**2]]), evaluate=False)
    steps, defs = named_identities([Step("m", "square", rel, Simplification())])
    name = sp.Symbol("id_m", real=True)
    assert steps[0].relation == sp.Eq(name, 0) and steps[0].latex == sp.latex(rel)
    assert [d.key for d in defs] == ["def_m"]
    assert defs[0].relation.lhs == name and defs[0].relation.rhs == sp.zeros(2, 2)
    (shown,) = unfolded_definitions(steps, [])
    assert shown.relation.lhs == name and shown.relation.rhs == sp.zeros(2, 2)
    assert unfolded_definitions(steps, defs) == []
    marks = check_derivation(_theorem(defs, steps))
    assert [(m.ok, m.hypotheses) for m in marks] == [(True, ())], [m.detail for m in marks]


def test_kernel_simplification_of_sides_sympy_cannot_evaluate():
    """∫₀¹ [[x, 1], [0, x]] dx = [[½, 1], [0, ½]] (∫₀¹ x dx = ½ entrywise): the two sides evaluate to
    equal matrices.  2∫₀¹ xA dx = ∫₀¹ xA dx + ∫₀¹ xA dx and the same for ∫₀¹ A dx, A a matrix symbol:
    sympy cannot evaluate these integrals (doit raises), and the two sides are still the same."""
    from dlverify.theorems.kernel import Simplification, certify

    half = sp.Rational(1, 2)
    assert sp.integrate(x, (x, 0, 1)) == half
    M = sp.ImmutableMatrix([[x, 1], [0, x]])
    rel = sp.Eq(sp.Integral(M, (x, 0, 1)), sp.ImmutableMatrix([[half, 1], [0, half]]), evaluate=False)
    m = certify(rel, Simplification(), {})
    assert m.ok, m.detail
    A = sp.MatrixSymbol("A", 2, 2)
    for integral in (sp.Integral(x * A, (x, 0, 1)), sp.Integral(A, (x, 0, 1))):
        with pytest.raises((TypeError, ValueError)):
            integral.doit()
        m = certify(sp.Eq(2 * integral, integral + integral, evaluate=False), Simplification(), {})
        assert m.ok, m.detail


def test_kernel_monomials_check_every_factor_and_the_denominator():
    """a·sin x (a > 0) is negative at x = −π/2; Σ_{k=1}^{n} k² · sin x too for n ≥ 1; 0/y is undefined
    at y = 0: none is certified nonnegative (a factor of certified sign does not excuse the next one,
    and a zero numerator does not excuse its denominator)."""
    from dlverify.theorems.kernel import nonneg_by_monomials

    a = sp.Symbol("a", positive=True)
    k, n = sp.symbols("k n", integer=True, nonnegative=True)
    assert (a * sp.sin(x)).subs({a: 1, x: -sp.pi / 2}) == -1
    assert not nonneg_by_monomials(a * sp.sin(x)).ok
    assert not nonneg_by_monomials(sp.Sum(k**2, (k, 1, n)) * sp.sin(x)).ok
    zero = (x + 1) ** 2 - x**2 - 2 * x - 1
    assert sp.expand(zero) == 0 and zero != 0
    assert not nonneg_by_monomials(zero / y).ok
    # 0.0 (a float zero, which sympy does not equate to the integer 0) is nonnegative, not positive
    assert sp.Float(0.0) != 0
    assert nonneg_by_monomials(sp.Float(0.0)).ok and not nonneg_by_monomials(sp.Float(0.0), positive=True).ok

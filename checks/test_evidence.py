"""The numeric evidence builder against independent computations (plain Python loops)."""

from __future__ import annotations

import math

import sympy as sp
import torch

from dlverify.numerics.evidence import combine, measure_relation, skipped
from dlverify.theorems.core import Verdict, decide

a, b = sp.symbols("a b", real=True)


def _loop_count(rel_fn, xs, ys, tol):
    return sum(1 for x, y in zip(xs, ys) if not (rel_fn(x, y) >= -tol))  # NaN-safe like the builder


def test_violations_and_worst_ratio_match_a_plain_loop():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(500, generator=g, dtype=torch.float64)
    y = 0.9 + 0.2 * torch.rand(500, generator=g, dtype=torch.float64)
    m = measure_relation(sp.Le(a, b), {"a": x, "b": y}, 0.0, how="t")
    xs, ys = x.tolist(), y.tolist()
    assert m.checked == 500 and m.violations == _loop_count(lambda p, q: q - p, xs, ys, 0.0)
    ratios = [p / q for p, q in zip(xs, ys) if q > 0 and p >= 0]
    assert math.isclose(m.worst_ratio, max(ratios), rel_tol=1e-15)


def test_regression_nan_is_a_violation():
    """Issue 12: `sl < -tol` is False for NaN, so a bound that is NaN everywhere was 'verified'."""
    x = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
    nan = torch.full_like(x, float("nan"))
    m = measure_relation(sp.Le(a, b), {"a": x, "b": nan}, 1e-12, how="nan bound", extremal=True)
    assert m.violations == 3 and not m.attained
    assert decide("k", "", "", None, [m]).verdict is Verdict.FALSE
    inf = measure_relation(sp.Le(a, b), {"a": torch.full_like(x, float("inf")), "b": x}, 1e-12, how="inf")
    assert inf.violations == 3


def test_attained_only_when_every_informative_slack_is_within_rounding():
    x = torch.tensor([0.5, 1.0, 2.0], dtype=torch.float64)
    assert measure_relation(sp.Le(a, b), {"a": x, "b": x}, 1e-15, how="eq", extremal=True).attained
    assert not measure_relation(sp.Le(a, b), {"a": x, "b": 1.5 * x}, 1e-15, how="gap", extremal=True).attained


def test_mask_restricts_and_counterexample_names_the_instance():
    x = torch.tensor([0.0, 2.0, 3.0], dtype=torch.float64)
    y = torch.ones(3, dtype=torch.float64)
    m = measure_relation(
        sp.Le(a, b),
        {"a": x, "b": y},
        0.0,
        how="masked",
        mask=torch.tensor([True, False, True]),
        describe=lambda idx: {"seed": 7},
    )
    assert m.checked == 2 and m.violations == 1
    assert m.counterexample["index"] == [2] and m.counterexample["a"] == 3.0 and m.counterexample["seed"] == 7


def test_equalities_use_the_absolute_slack():
    x = torch.tensor([1.0, 1.0 + 1e-9], dtype=torch.float64)
    m = measure_relation(sp.Eq(a, b), {"a": torch.ones(2, dtype=torch.float64), "b": x}, 1e-12, how="eq")
    assert m.violations == 1


def test_combine_and_skipped():
    m1 = measure_relation(sp.Le(a, b), {"a": torch.tensor([0.5]), "b": torch.tensor([1.0])}, 0.0, how="one")
    m2 = measure_relation(sp.Le(a, b), {"a": torch.tensor([2.0]), "b": torch.tensor([1.0])}, 0.0, how="two")
    c = combine("both", [m1, m2, skipped("three", "not over a, b")])
    assert c.checked == 2 and c.violations == 1 and c.counterexample["part"] == "two"
    assert combine("none", [skipped("x", "why")]).skipped == "why"


def test_a_strict_relation_is_refuted_by_an_exact_tie():
    x = torch.tensor([0.0, 1.0], dtype=torch.float64)
    m = measure_relation(
        sp.Lt(a, b), {"a": x, "b": torch.tensor([0.0, 2.0], dtype=torch.float64)}, 0.0, how="tie"
    )
    assert m.violations == 1 and m.counterexample["index"] == [0]


def test_representable_matches_a_plain_loop_and_keeps_violations_in_range():
    """The normal-range mask against an element-by-element loop (0, normal, subnormal, huge,
    inf, NaN); a violation inside the range is still counted with the mask applied, and an
    overflowed instance is left out rather than called a violation."""
    from dlverify.numerics.evidence import NORMAL_RANGE, representable

    xs = [0.0, 1.0, -3.5, 1e-320, 2.0**-401, 2.0**401, 1e300, math.inf, -math.inf, math.nan]
    x = torch.tensor(xs, dtype=torch.float64)
    y = torch.ones_like(x)
    lo, hi = NORMAL_RANGE
    ref = [v == 0 or (math.isfinite(v) and lo <= abs(v) <= hi) for v in xs]
    mask, dropped = representable({"x": x, "y": y})
    assert mask.tolist() == ref and dropped == ref.count(False)
    a, b = sp.symbols("a b", real=True)
    vals = {"a": torch.tensor([2.0, math.inf, 0.5]), "b": torch.tensor([1.0, 1.0, 1.0])}
    mask, dropped = representable(vals)
    m = measure_relation(sp.Le(a, b), vals, 0.0, mask=mask, how="masked")
    assert (m.checked, m.violations, dropped) == (2, 1, 1)
    # without the mask, the inf is a violation
    assert measure_relation(sp.Le(a, b), vals, 0.0, how="unmasked").violations == 2


def test_exact_evaluation_keeps_rational_constants_exact():
    """numerics.lambdify.to_fraction: x/10 + x/5 − 3x/10 at x = 1 is exactly 0 (sympy's default
    printer writes 1/10 as a float division, and the float sum is 5.55e-17)."""
    from fractions import Fraction

    from dlverify.numerics.lambdify import to_fraction

    x = sp.Symbol("x", real=True)
    expr = sp.Add(x * sp.Rational(1, 10), x * sp.Rational(2, 10), -x * sp.Rational(3, 10), evaluate=False)
    assert to_fraction(expr, [x])(Fraction(1)) == 0
    rounded = sp.lambdify([x], expr, modules="math")(Fraction(1))
    assert rounded != 0  # the check can fail: the default route rounds
    # a non-rational function still evaluates (in floats, which the caller treats as inexact)
    assert to_fraction(sp.sqrt(x) - 2, [x])(Fraction(4)) == 0

"""The claim model: certificates accept what is true and reject what is not."""
from __future__ import annotations

import sympy as sp
import pytest

from dlverify.theorems.core import (Combination, Equivalence, Monomials, Simplification, SumOfFacts, SumOfSquares,
                                    Unfold, Verdict, certify, exact_counterexample, nonneg_by_monomials, slack)

x, y = sp.symbols("x y", real=True)
p, q = sp.symbols("p q", positive=True)


def test_monomial_certificate_is_sound_on_simple_cases():
    assert nonneg_by_monomials(p**2 + p * q).ok
    assert not nonneg_by_monomials(p - q).ok
    assert not nonneg_by_monomials(x).ok  # unknown sign
    assert nonneg_by_monomials(x**2).ok
    assert not nonneg_by_monomials(1 / x**2).ok  # a denominator must be certified > 0


def test_sum_of_squares():
    rel = sp.Le(2 * x * y, x**2 + y**2)
    assert certify(rel, SumOfSquares([(1, x - y)]), {}).ok
    assert not certify(sp.Le(3 * x * y, x**2 + y**2), SumOfSquares([(1, x - y)]), {}).ok


def test_combination_needs_nonnegative_multipliers():
    facts = {"a": sp.Le(x, 1)}
    assert certify(sp.Le(2 * x, 2), Combination({"a": 2}), facts).ok
    assert not certify(sp.Le(-2 * x, -2), Combination({"a": -2}), facts).ok  # flipping a fact is not allowed
    assert not certify(sp.Le(2 * x, 2), Combination({"b": 2}), facts).ok  # unknown fact


def test_strict_claims_need_a_strict_part():
    facts = {"a": sp.Le(x, 1), "s": sp.Lt(x, 1)}
    assert not certify(sp.Lt(x, 1), Combination({"a": 1}), facts).ok
    assert certify(sp.Lt(x, 1), Combination({"s": 1}), facts).ok


def test_equivalence_and_unfold_and_sums():
    assert certify(sp.Equivalent(sp.Le(p * x, p), sp.Le(x, 1)), Equivalence(p), {}).ok
    assert not certify(sp.Equivalent(sp.Le(p * x, p), sp.Le(x, 2)), Equivalence(p), {}).ok
    f = sp.Function("f")
    t = sp.Symbol("t", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    facts = {"each": sp.Le(f(t), 1)}
    assert certify(sp.Le(sp.Sum(f(t), (t, 0, n - 1)), n), SumOfFacts("each", t, 0, n - 1), facts).ok
    assert not certify(sp.Le(sp.Sum(f(t), (t, 0, n - 1)), n - 1), SumOfFacts("each", t, 0, n - 1), facts).ok
    assert certify(sp.Eq(y, 2 * x), Unfold({y: x + x}), {}).ok
    assert not certify(sp.Eq(y, 3 * x), Unfold({y: x + x}), {}).ok
    assert certify(sp.Eq(x + x, 2 * x), Simplification(), {}).ok
    assert certify(sp.Le(q, p * q + q, evaluate=False), Monomials(), {}).ok
    assert not certify(sp.Le(p * q, q, evaluate=False), Monomials(), {}).ok


def test_exact_counterexample_search():
    rel = sp.Le(x, 1)
    assert exact_counterexample(rel, [], {}, {x: [0, 1, 2]}) == {"x": "2", "slack": "-1"}
    assert exact_counterexample(rel, [sp.Le(x, 1)], {}, {x: [0, 1, 2]}) is None


def test_slack_sign_convention():
    assert slack(sp.Le(x, y)) == y - x and slack(sp.Ge(x, y)) == x - y
    with pytest.raises(TypeError):
        slack(x)


def test_verdict_vocabulary():
    assert {v.value for v in Verdict} >= {"verified", "verified, tight", "verified, loose", "false",
                                          "needs an assumption"}
    assert Verdict.TIGHT.holds and not Verdict.FALSE.holds and not Verdict.NOT_REFUTED.holds

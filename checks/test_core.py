"""The claim model: certificates accept what is true and reject what is not."""

from __future__ import annotations

import pytest
import sympy as sp

from dlverify.theorems.core import (
    Assumption,
    Basis,
    Claim,
    Combination,
    Comparison,
    Equivalence,
    Measurement,
    Monomials,
    Simplification,
    Source,
    Step,
    SumOfFacts,
    SumOfSquares,
    Theorem,
    TightnessRow,
    Unfold,
    Verdict,
    assess,
    certify,
    check_derivation,
    decide,
    exact_counterexample,
    exact_measurement,
    find_proof,
    judge_source_line,
    nonneg_by_monomials,
    slack,
    tightness_verdict,
)

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
    assert {v.value for v in Verdict} >= {
        "verified",
        "verified, tight",
        "verified, loose",
        "false",
        "needs an assumption",
    }
    assert Verdict.TIGHT.holds and not Verdict.FALSE.holds and not Verdict.NOT_REFUTED.holds


# ------------------------------------------------------------------- the proof kernel refuses false relations

r_ = sp.Symbol("r", real=True)


@pytest.mark.parametrize(
    "rel, cert",
    [
        (
            sp.Eq(sp.log(r_**2), 2 * sp.log(r_)),
            Simplification(),
        ),  # false for r < 0 (was certified with force=True)
        (sp.Eq(sp.sqrt(r_**2), r_), Simplification()),  # |r|, not r
        (sp.Eq(sp.Abs(r_), r_), Simplification()),  # false for r < 0
        (sp.Le(x * y, x**2), SumOfSquares([(1, x - y)])),  # residual is not zero
        (sp.Le(x, x**2), Monomials()),  # x has no certified sign
        (sp.Lt(p, p), Monomials()),  # 0 > 0
        (sp.Ge(p - q, 0), Monomials()),  # a negative monomial
    ],
)
def test_kernel_refuses_false_relations(rel, cert):
    assert not certify(rel, cert, {}).ok, rel


def test_log_rules_hold_for_declared_positive_symbols():
    assert certify(sp.Eq(sp.log(p**2), 2 * sp.log(p)), Simplification(), {}).ok
    assert certify(sp.Eq(sp.log(p * q), sp.log(p) + sp.log(q)), Simplification(), {}).ok


def test_regression_simplification_is_sound_without_force():
    """Issue 12: Simplification expanded logarithms with force=True and certified log(x²) = 2 log x
    for real x; at x = −1 the left side is 0 and the right side 2πi."""
    from dlverify.theorems.relations import is_zero

    assert not is_zero(sp.log(r_**2) - 2 * sp.log(r_))
    assert sp.N(sp.log((-1) ** 2) - 2 * sp.log(-1)) != 0


# --------------------------------------------------------------------------- verdicts from evidence


u, v = sp.symbols("u v", real=True)
_TH = Theorem(
    id="mini",
    title="mini",
    source=Source("w", "s"),
    statement="",
    assumptions=[
        Assumption("h", "u at most 1", sp.Le(u, 1)),
        Assumption("d", "v names 2u", sp.Eq(v, 2 * u), definition=True),
    ],
    derivation=[Step("twice", "v = 2u ≤ 2", sp.Le(v, 2), Combination({"h": 2, "d": -1}))],
    claims=[Claim("c", "v ≤ 2", sp.Le(v, 2), ("h",))],
)


def test_hypotheses_are_tracked_through_the_derivation():
    marks = check_derivation(_TH)
    assert marks[0].ok and marks[0].hypotheses == ("h",)  # the definition 'd' is not a hypothesis


def test_proof_is_found_by_relation_and_needs_its_hypotheses():
    marks = check_derivation(_TH)
    assert find_proof(sp.Ge(2, v), ("h",), marks).step == "twice"  # same relation, other spelling
    assert find_proof(sp.Le(v, 2), (), marks) is None  # hypothesis 'h' not assumed
    assert find_proof(sp.Le(v, 1), ("h",), marks) is None  # a different relation


def test_regression_a_name_proves_nothing():
    """Issue 12: a claim was verified because a string named a step.  There is no such field now;
    a claim whose relation no step proves and nothing measures has no evidence."""
    c = Claim("c", "v ≤ 1", sp.Le(v, 1), ("h",))
    r = assess(_TH, c, check_derivation(_TH))
    assert r.verdict is Verdict.NOT_REFUTED and r.basis is Basis.NONE
    assert not hasattr(c, "proved_by")


def _m(**kw):
    return Measurement(how="test", **({"checked": 10, "violations": 0} | kw))


def test_decide_maps_evidence_to_verdicts():
    marks = check_derivation(_TH)
    proof = find_proof(sp.Le(v, 2), ("h",), marks)
    assert decide("c", "", "", proof, [_m()]).basis is Basis.PROVED_AND_MEASURED
    assert decide("c", "", "", None, [_m()]).basis is Basis.MEASURED
    assert decide("c", "", "", proof, []).basis is Basis.PROVED
    assert decide("c", "", "", None, []).verdict is Verdict.NOT_REFUTED
    assert (
        decide("c", "", "", proof, [_m(violations=1)]).verdict is Verdict.FALSE
    )  # measurement beats a proof
    assert decide("c", "", "", None, [_m(attained=True)]).verdict is Verdict.TIGHT
    assert decide("c", "", "", None, [_m(attained=False)]).verdict is Verdict.VERIFIED
    sharper = decide("s", "", "", None, [_m()])
    assert decide("c", "", "", None, [_m()], sharper).verdict is Verdict.LOOSE
    refuted = decide("s", "", "", None, [_m(violations=2)])
    assert decide("c", "", "", None, [_m()], refuted).verdict is Verdict.VERIFIED


def test_exact_measurement_checks_the_point_and_the_relation():
    m = exact_measurement(sp.Le(v, 1), [sp.Le(u, 1)], {u: sp.Rational(1, 2), v: sp.Rational(3, 2)})
    assert m.violations == 1 and m.counterexample["slack"] == "-1/2"
    outside = exact_measurement(sp.Le(v, 1), [sp.Le(u, 1)], {u: 2, v: 3})
    assert outside.skipped and outside.checked == 0  # a point outside the assumptions is no evidence
    assert exact_measurement(sp.Le(v, sp.sqrt(u)), [], {u: -1, v: 0}).violations == 1  # not real: a violation


def test_source_line_judgements():
    ok, bad = decide("r", "", "", None, [_m()]), decide("r", "", "", None, [_m(violations=1)])
    assert judge_source_line(ok, None).verdict is Verdict.VERIFIED
    assert judge_source_line(bad, ok, adds_assumption=True).verdict is Verdict.NEEDS_ASSUMPTION
    assert judge_source_line(bad, ok, adds_assumption=False).verdict is Verdict.FALSE
    assert judge_source_line(bad, None).verdict is Verdict.FALSE
    assert judge_source_line(None, None, "prose").verdict is Verdict.NOT_CHECKED


@pytest.mark.parametrize(
    "measured, upper, better, expected",
    [
        (1.0, None, None, Verdict.TIGHT),
        (0.5, None, 0.6, Verdict.LOOSE),
        (0.5, None, None, Verdict.VERIFIED),
        (1.5, None, None, Verdict.FALSE),
        (float("nan"), None, None, Verdict.FALSE),
        (0.9, 1.0, None, Verdict.TIGHT),
    ],
)
def test_tightness_verdicts(measured, upper, better, expected):
    row = TightnessRow(
        "q", "s", bound=1.0, measured_value=measured, measured_upper=upper, better=better, tol=1e-9
    )
    assert tightness_verdict(row) is expected and row.to_dict()["verdict"] == expected.value


@pytest.mark.parametrize(
    "cmp, holds",
    [
        (Comparison("a", 1.0, "<=", 1.0), True),
        (Comparison("a", 1.1, "<=", 1.0, 0.05), False),
        (Comparison("a", float("nan"), "<=", 1.0), False),
        (Comparison("a", float("inf"), ">=", 0.0), False),
        (Comparison("a", 0.5, "in", (0.0, 1.0)), True),
        (Comparison("a", 1.0, "==", 1.0 + 1e-9, 1e-8), True),
    ],
)
def test_comparisons_treat_non_finite_as_failing(cmp, holds):
    assert cmp.holds() is holds


def test_regression_declared_positive_expressions_are_certified():
    """Issue 12 review: Instance.positive_on_domain was trusted.  Now 1 − w > 0 needs a fact."""
    from dlverify.theorems.core import CriticalPoint, Instance, certified_positive

    w = sp.Symbol("w", positive=True)
    assert not certified_positive(1 - w, {}).ok
    assert certified_positive(1 - w, {"lt1": sp.Lt(w, 1)}).ok
    assert certified_positive(2 - w, {"le1": sp.Le(w, 1)}).ok
    assert not certified_positive(1 - w, {"le1": sp.Le(w, 1)}).ok  # w = 1 is allowed: not > 0
    facts = {"f": sp.Le(sp.log(q), q - 1)}
    inst = Instance("f", {q: 1 - w}, positive_on_domain=(1 - w,))
    rel = sp.Le(sp.log(1 - w), -w)
    assert not certify(rel, inst, facts).ok
    assert certify(rel, inst, facts | {"lt1": sp.Lt(w, 1)}).ok
    z = sp.Symbol("z", positive=True)
    cp = CriticalPoint(w, sp.Rational(1, 2), atoms={w - 1: -z})
    rel2 = sp.Ge(w**2 - w + sp.Rational(1, 4), 0, evaluate=False)
    assert not certify(rel2, cp, {}).ok and certify(rel2, cp, {"lt1": sp.Lt(w, 1)}).ok


def test_relations_sympy_decides_on_construction():
    t, f = Claim("t", "", sp.Eq(u + u, 2 * u)), Claim("f", "", sp.Eq(u + 1, u))
    assert t.relation is sp.true and f.relation is sp.false
    marks = check_derivation(_TH)
    assert assess(_TH, t, marks).basis is Basis.PROVED and assess(_TH, f, marks).verdict is Verdict.FALSE


def test_regression_a_hypothesis_is_not_instantiated_away():
    """Instantiating a symbol that a hypothesis fixes would prove anything: from η ≤ 1/L,
    η := 2/L gives 2/L ≤ 1/L.  Only symbols the assumption quantifies (for_all) may be replaced."""
    from dlverify.theorems.core import Instance

    eta, L = sp.symbols("eta L", positive=True)
    g = sp.Symbol("g", nonnegative=True)
    bad = Theorem(
        "b",
        "b",
        Source("w", "s"),
        "",
        [Assumption("eta_le", "η ≤ 1/L", sp.Le(eta, 1 / L))],
        [Step("absurd", "η := 2/L", sp.Le(2 / L, 1 / L), Instance("eta_le", {eta: 2 / L}))],
        [],
    )
    assert not check_derivation(bad)[0].ok
    F = sp.Function("F")
    ok = Theorem(
        "o",
        "o",
        Source("w", "s"),
        "",
        [Assumption("each", "holds for every η", sp.Le(F(eta), g), for_all=(eta,))],
        [Step("inst", "η := 1/L", sp.Le(F(1 / L), g), Instance("each", {eta: 1 / L}))],
        [],
    )
    assert check_derivation(ok)[0].ok


def test_regression_a_reversed_sum_is_not_a_sum_of_facts():
    """sympy's Sum over a reversed range is the negated sum, so it must not certify >= 0."""
    f = sp.Function("f")
    t = sp.Symbol("t", integer=True)
    n = sp.Symbol("n", integer=True, positive=True)
    facts = {"each": sp.Le(f(t), 1)}
    rev = sp.Le(sp.Sum(f(t), (t, n + 5, 0)), sp.Sum(1, (t, n + 5, 0)))
    assert not certify(rev, SumOfFacts("each", t, n + 5, 0), facts).ok
    assert certify(sp.Le(sp.Sum(f(t), (t, 1, n)), n), SumOfFacts("each", t, 1, n), facts).ok


def test_regression_unfolded_definitions_must_be_declared():
    """Unfold without `of` substituted anything: Unfold({η: 1/L}) certified ηL = 1 with no
    hypothesis.  Now an undeclared definition is a hypothesis no claim makes: what a symbol
    stands for must be declared (and is then shown with the theorem's assumptions)."""
    from dlverify.theorems.core import Unfold, find_proof

    eta, L = sp.symbols("eta L", positive=True)
    z = sp.Symbol("z", real=True)
    hyp = Assumption("eta_le", "η ≤ 1/L", sp.Le(eta, 1 / L))
    steps = [
        Step("absurd", "η := 1/L", sp.Eq(eta * L, 1), Unfold({eta: 1 / L})),
        Step("named", "z := 2L", sp.Eq(z, 2 * L), Unfold({z: 2 * L})),
    ]
    th = Theorem("u", "u", Source("w", "s"), "", [hyp], steps, [])
    marks = check_derivation(th)
    assert all(m.ok for m in marks)  # the certificates check; the definitions are what is missing
    assert find_proof(sp.Eq(eta * L, 1), ("eta_le",), marks) is None
    assert find_proof(sp.Eq(z, 2 * L), (), marks) is None
    declared = Theorem(
        "d",
        "d",
        Source("w", "s"),
        "",
        [hyp, Assumption("z_def", "z names 2L", sp.Eq(z, 2 * L), definition=True)],
        steps,
        [],
    )
    marks = check_derivation(declared)
    assert find_proof(sp.Eq(z, 2 * L), (), marks) is not None
    assert find_proof(sp.Eq(eta * L, 1), ("eta_le",), marks) is None

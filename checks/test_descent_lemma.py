"""Property checks for the descent lemma (Arora et al. §2.1–2.5).

Instances that satisfy the assumptions must never break a claim (tolerance: the rounding
bound of :func:`dlverify.numerics.smooth.gradient_descent`); dropping one assumption at a
time, hypothesis must find a counterexample; a changed step must not be certified; the
source lines get the verdicts of the table below, through :func:`judge_line`.  The generic
per-theorem checks (derivation certified, claims hold, wrong variants false) are in
``checks/test_registry.py``.  All randomness is seeded; the CI profile is derandomized.
"""

from __future__ import annotations

import collections
import dataclasses

import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks.plugin import record
from dlverify.numerics import descent_lemma as nd
from dlverify.numerics import smooth
from dlverify.numerics.contract import experiments_of, measure_on
from dlverify.numerics.device import RunContext
from dlverify.numerics.evidence import measure_relation
from dlverify.numerics.lambdify import to_torch
from dlverify.theorems import descent_lemma as dl
from dlverify.theorems.core import (
    Assumption,
    Basis,
    DlverifyError,
    Equivalence,
    Verdict,
    assess,
    certify,
    check_derivation,
    exact_counterexample,
    is_strict,
    judge_line,
    slack,
)

pytestmark = pytest.mark.xdist_group(
    "descent_lemma"
)  # with the generic tests of this theorem: one evaluation

TID = "descent_lemma"
families = st.sampled_from(smooth.FAMILIES)
dims = st.integers(1, 12)
seeds = st.integers(0, 2**31 - 1)


@pytest.fixture(scope="module")
def marks():
    return check_derivation(dl.THEOREM)


def _assess(ctx, claim, marks, theorem=dl.THEOREM):
    fams = nd.families(theorem)
    return assess(theorem, claim, marks, measure=lambda c: measure_on(fams, c, ctx))


# --------------------------------------------------------------------------- derivation


@pytest.mark.parametrize(
    "key, wrong",
    [
        ("one_step", sp.Le(dl.f1, dl.f0 - dl.eta * dl.g2)),  # coefficient eta, not eta/2
        (
            "tight_form",
            sp.Le(dl.f1, dl.f0 - dl.eta * (1 - dl.L * dl.eta) * dl.g2),
        ),  # L eta in place of L eta/2
        ("corollary", sp.Le(dl.mT, (dl.F(0) - dl.fstar) / (dl.eta * dl.T))),  # constant 1 in place of 2
        ("strict_descent", sp.Lt(dl.f1, dl.f0 - dl.eta * dl.gp)),  # a decrease that is not implied
        ("quad_bound", sp.Le(dl.phi(1), dl.phi(0) + dl.gd0 + dl.L / 4 * dl.nb2)),  # L/4 in place of L/2
        ("last_step", sp.Le(dl.f0 - (dl.eta - dl.eta**2 * dl.L / 2) * dl.g2, dl.f0 - dl.eta * dl.g2)),
        ("mean_2M", sp.Le(sp.Sum(dl.G(dl.t), (dl.t, 0, dl.T - 1)) / dl.T, dl.Mb * dl.L / dl.T)),
        ("drop_le_M", sp.Le(dl.F(0) - dl.F(dl.T), dl.Mb / 2)),
        ("stable_range", sp.Le(dl.eta, 1 / dl.lam)),  # the source's 1/λ (002:441)
        (
            "quartic_upper",
            sp.Le(
                -(dl.xa**4), -(dl.ya**4) - 4 * dl.ya**3 * (dl.xa - dl.ya) - dl.L / 2 * (dl.xa - dl.ya) ** 2
            ),
        ),
    ],
)
def test_certificates_reject_a_changed_step(key, wrong):
    """The same certificate, applied to a changed relation, must not certify it."""
    facts = dl.THEOREM.facts()
    for m_step in dl.THEOREM.derivation:
        if m_step.key == key:
            mark = certify(wrong, m_step.certificate, facts)
            assert not mark.ok, f"{key}: certificate wrongly accepts {wrong}"
            record(TID, note=f"rejected: {mark.detail[:80]}")
            return
        facts[m_step.key] = m_step.relation
    raise AssertionError(f"no step {key}")


def test_equivalence_certificate_rejects_wrong_threshold():
    wrong = sp.Equivalent(sp.Ge(dl.eta - dl.eta**2 * dl.L / 2, dl.eta / 2), sp.Le(dl.eta, 2 / dl.L))
    assert not certify(wrong, Equivalence(dl.eta * dl.L / 2), {}).ok


def test_the_theorem_module_imports_no_torch():
    import subprocess
    import sys

    code = "import sys, dlverify.theorems.descent_lemma; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ----------------------------------------------------------------------- claims hold on hypothesis' instances


def _run(family, d, eta_L, seed, ctx, steps=8, B=4, L=1.0):
    batch = smooth.make(family, B, d, L, seed=seed, device=ctx.device, dtype=ctx.dtype)
    return smooth.gradient_descent(batch, eta_L / batch.L, steps)


def _on_traj(relation, traj, mask=None):
    S, n = traj.err.shape
    vals = {
        "f0": traj.f[:-1],
        "f1": traj.f[1:],
        "g2": traj.g2[:-1],
        "eta": traj.eta.expand(S, n),
        "L": traj.L.expand(S, n),
    }
    return measure_relation(relation, vals, traj.err, how="hypothesis", mask=mask)


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.0), seed=seeds)
def test_one_step_holds(ctx, family, d, eta_L, seed):
    m = _on_traj(dl.THEOREM.claim("one_step").relation, _run(family, d, eta_L, seed, ctx))
    record(TID, counterexamples=int(m.violations > 0), ratio=m.worst_ratio)
    if m.worst_ratio is not None:
        target(m.worst_ratio, label="smaller / larger side")
    assert m.violations == 0, m.counterexample


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.999), seed=seeds)
def test_tight_form_holds_for_any_step_below_2_over_L(ctx, family, d, eta_L, seed):
    m = _on_traj(dl.TIGHT_FORM, _run(family, d, eta_L, seed, ctx))
    record(TID, counterexamples=int(m.violations > 0), ratio=m.worst_ratio)
    assert m.violations == 0, m.counterexample


@given(d=dims, eta_L=st.floats(1e-3, 1.99), seed=seeds, L=st.floats(1e-2, 1e2))
def test_tight_form_is_an_equality_on_the_extremal_family(ctx, d, eta_L, seed, L):
    traj = _run("quadratic/extremal", d, eta_L, seed, ctx, L=L)
    pred = to_torch(dl.PREDICTED["one_step_decrease"])({"eta": traj.eta, "L": traj.L, "g2": traj.g2[:-1]})
    dev = ((traj.f[:-1] - traj.f[1:]) - pred).abs() / traj.err
    record(TID, ratio=float(dev.max()), note="max |observed − predicted| / rounding bound")
    assert bool((dev <= 1).all())


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.999), seed=seeds)
def test_strict_descent_holds(ctx, family, d, eta_L, seed):
    traj = _run(family, d, eta_L, seed, ctx)
    m = _on_traj(sp.Lt(dl.f1, dl.f0), traj, mask=traj.g2[:-1] > 0)
    assert m.violations == 0, m.counterexample


# --------------------------------------------------------------------------- necessity

NEC = settings(
    max_examples=200, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


def _found(condition, strategy, note):
    example = find(strategy, condition, settings=NEC)
    record(TID, counterexamples=1, note=note, counterexample={k: repr(v) for k, v in example.items()})
    return example


def test_step_above_2_over_L_makes_f_increase(ctx):
    """Drop η < 2/L: hypothesis finds an L-smooth instance where f(w⁺) > f(w) beyond rounding."""

    def increases(x):
        traj = _run(x["family"], x["d"], x["eta_L"], x["seed"], ctx, steps=1, B=1)
        return bool((traj.f[1] - traj.f[0] > traj.err[0]).any())

    ex = _found(
        increases,
        st.fixed_dictionaries(
            {"family": families, "d": dims, "eta_L": st.floats(2.0001, 4.0), "seed": seeds}
        ),
        "f increases for η > 2/L",
    )
    assert ex["eta_L"] > 2


def test_eta_half_coefficient_needs_eta_le_1_over_L(ctx):
    """Drop η ≤ 1/L (keep η < 2/L): the η/2 coefficient fails on some instance."""
    sl = to_torch(slack(dl.THEOREM.claim("one_step").relation))

    def fails(x):
        traj = _run(x["family"], x["d"], x["eta_L"], x["seed"], ctx, steps=2, B=1)
        vals = {"f0": traj.f[:-1], "f1": traj.f[1:], "g2": traj.g2[:-1], "eta": traj.eta, "L": traj.L}
        return bool((sl(vals) < -traj.err).any())

    ex = _found(
        fails,
        st.fixed_dictionaries(
            {"family": families, "d": dims, "eta_L": st.floats(1.0001, 1.9999), "seed": seeds}
        ),
        "η/2 coefficient fails for 1/L < η < 2/L",
    )
    assert 1 < ex["eta_L"] < 2


def test_understated_smoothness_constant_breaks_the_lemma(ctx):
    """Drop 'f is L-smooth' (use an L below the true constant): the lemma fails."""
    sl = to_torch(slack(dl.THEOREM.claim("one_step").relation))

    def fails(x):
        batch = smooth.make(x["family"], 1, x["d"], 1.0, seed=x["seed"], device=ctx.device, dtype=ctx.dtype)
        L_claimed = batch.L * x["shrink"]
        traj = smooth.gradient_descent(batch, 1.0 / L_claimed, 2)
        vals = {"f0": traj.f[:-1], "f1": traj.f[1:], "g2": traj.g2[:-1], "eta": traj.eta, "L": L_claimed}
        return bool((sl(vals) < -traj.err).any())

    ex = _found(
        fails,
        st.fixed_dictionaries(
            {
                "family": st.sampled_from(["quadratic/extremal", "quadratic/psd"]),
                "d": dims,
                "shrink": st.floats(0.05, 0.95),
                "seed": seeds,
            }
        ),
        "lemma fails when L understates the smoothness constant",
    )
    assert ex["shrink"] < 1


def test_strict_descent_needs_a_nonzero_gradient():
    """Drop ∇f ≠ 0: at a stationary point f(w⁺) = f(w), so '<' fails (exact arithmetic)."""
    claim = dl.THEOREM.claim("strict_descent")
    cex = exact_counterexample(
        claim.relation,
        [sp.Lt(dl.eta, 2 / dl.L)],
        dl.EXTREMAL_STEP,
        {dl.L: [1], dl.eta: [sp.Rational(1, 2)], dl.g2: [0, 1], dl.f0: [0]},
    )
    record(TID, counterexamples=int(cex is not None), counterexample=cex, note="stationary point")
    assert cex is not None and cex["g2"] == "0"


def test_dropping_each_assumption_of_each_claim_is_refuted(ctx, marks):
    """Necessity through the numeric side: a claim that drops one hypothesis gets instances that
    violate it, and is refuted (the corollary and Theorem 2.5.1 included)."""
    drops = {
        "one_step": ["smooth", "eta_le"],
        "strict_descent": ["eta_lt2", "grad_nonzero"],
        "corollary": ["bounded_below", "eta_le"],
        "mean_rate": ["eta_one"],
        "quad_upper": ["smooth"],
    }
    for key, keys in drops.items():
        c = dl.THEOREM.claim(key)
        for k in keys:
            m = c.variant(f"{key}-{k}", "", assumptions=[a for a in c.assumptions if a != k])
            assert _assess(ctx, m, marks).verdict is Verdict.FALSE, (key, k)


# --------------------------------------------------------------------------- regressions (issue 12)


def test_regression_proof_is_found_by_relation_not_by_name(ctx, marks):
    """`proved_by="no_such_step"` gave *verified*.  Now a claim whose relation no step proves is
    measured only, and a wrong relation is refuted, whatever it is called."""
    weak = dl.THEOREM.claim("one_step").variant(
        "one_step", "η/3: true, but no step proves it", sp.Le(dl.f1, dl.f0 - dl.eta / 3 * dl.g2)
    )
    r = _assess(ctx, weak, marks)
    assert r.verdict is Verdict.VERIFIED and r.basis is Basis.MEASURED and r.proof is None
    wrong = dl.THEOREM.claim("one_step").variant(
        "one_step", "named like the lemma, relation with 2η", sp.Le(dl.f1, dl.f0 - 2 * dl.eta * dl.g2)
    )
    assert _assess(ctx, wrong, marks).verdict is Verdict.FALSE
    # a step proves a claim only when its hypotheses are the claim's: no step-size assumption, no proof
    bare = dl.THEOREM.claim("one_step").variant("one_step", "", assumptions=("smooth",))
    assert _assess(ctx, bare, marks).proof is None


def test_regression_nan_bound_is_false(ctx, marks):
    """A bound that is NaN on every instance counted as satisfied (`sl < -tol` is False for NaN)."""
    nan_rel = sp.Le(dl.f1, dl.f0 + sp.sqrt(dl.eta - 2 / dl.L))  # sqrt of a negative number for η ≤ 1/L
    c = dataclasses.replace(
        dl.THEOREM.claim("tight_step"), relation=nan_rel, assumptions=("smooth", "eta_le")
    )
    ms = nd.measure(c, ctx)
    assert all(m.violations == m.checked for m in ms if m.checked), [
        (m.how, m.checked, m.violations) for m in ms
    ]
    r = _assess(ctx, c, marks)
    assert r.verdict is Verdict.FALSE and r.verdict is not Verdict.TIGHT


def test_regression_tightness_comes_from_the_claims_relation(ctx, marks):
    """*tight* was computed from the predicted formula; now from the claim on its extremal family."""
    tight = dl.THEOREM.claim("tight_step")
    assert _assess(ctx, tight, marks).verdict is Verdict.TIGHT
    weak_rel = sp.Le(dl.f1, dl.f0 - dl.eta * (1 - dl.L * dl.eta / 2) * dl.g2 + dl.L * dl.eta**2 * dl.g2 / 4)
    weakened = dataclasses.replace(tight, relation=weak_rel)  # tight_on kept on purpose
    ext = [m for m in nd.measure(weakened, ctx) if m.attained is not None]
    assert ext and not any(m.attained for m in ext)
    r = _assess(ctx, weakened, marks)
    assert r.verdict.holds and r.verdict is not Verdict.TIGHT


def test_regression_step_sizes_come_from_the_assumption_relations(ctx):
    """Changing an assumption's relation (η ≤ 1/L → η ≤ 2/L) changes what is tested, and the
    lemma is then refuted (and no longer proved: its certificate uses the old relation)."""
    claim = dl.THEOREM.claim("one_step")
    before = nd.eta_ratios(claim)
    widened = [
        Assumption(a.key, a.text, sp.Le(dl.eta, 2 / dl.L)) if a.key == "eta_le" else a
        for a in dl.THEOREM.assumptions
    ]
    th2 = dataclasses.replace(dl.THEOREM, assumptions=widened)
    after = nd.eta_ratios(claim, th2)
    assert max(before) == 1.0 and max(after) == 2.0 and set(after) > set(before)
    r = _assess(ctx, claim, check_derivation(th2), theorem=th2)
    assert r.verdict is Verdict.FALSE and r.proof is None


def test_regression_loose_needs_a_verified_sharper_relation(ctx, marks):
    """*loose* came from the key 'book'; now from `sharper`, itself verified."""
    one = dl.THEOREM.claim("one_step")
    r = _assess(ctx, one, marks)
    assert r.verdict is Verdict.LOOSE and "sharper" in r.detail
    bogus = dataclasses.replace(
        one, sharper=sp.Le(dl.f1, dl.f0 - dl.eta * dl.g2)
    )  # a false 'better constant'
    assert _assess(ctx, bogus, marks).verdict is Verdict.VERIFIED
    assert _assess(ctx, dataclasses.replace(one, sharper=None), marks).verdict is Verdict.VERIFIED


def test_regression_dead_symbol_removed():
    assert not hasattr(dl, "_n")


def test_regression_pepit_and_corollary_ratios_computed_once(ctx, monkeypatch):
    """The PEPit solves ran twice in a run (tightness, then the experiment that calls it again)."""
    calls: collections.Counter = collections.Counter()
    solve, ratios = nd._solve_pepit, nd._corollary_ratios
    monkeypatch.setattr(nd, "_solve_pepit", lambda T_: calls.update(["pepit"]) or solve(T_))
    monkeypatch.setattr(nd, "_corollary_ratios", lambda c: calls.update(["ratios"]) or ratios(c))
    fresh = RunContext(ctx.device, ctx.seed, ctx.profile, ctx.dtype)  # one run, its cache empty
    nd.tightness(fresh)
    experiments_of(nd, fresh)
    assert calls["pepit"] == 3  # T = 1, 2, 5, once each
    assert calls["ratios"] == 1


# --------------------------------------------------------------------------- numeric primitives


def test_exact_extremal_counterexample_replays_in_sympy(ctx, marks):
    """The exact-arithmetic measurement's counterexample is a real one: replayed by sympy."""
    v = next(w for w in dl.THEOREM.wrong_variants if w.key == "one_step_not_smooth")
    m = nd._exact_extremal(v, dl.THEOREM)
    assert m.violations and m.counterexample["L_true"] == "4L"
    pt = {
        dl.L: sp.Rational(m.counterexample["L"]),
        dl.eta: sp.Rational(m.counterexample["eta"]),
        dl.g2: sp.Rational(m.counterexample["g2"]),
        dl.f0: sp.Rational(m.counterexample["f0"]),
    }
    f1 = (dl.f0 - dl.eta * (1 - 4 * dl.L * dl.eta / 2) * dl.g2).subs(pt)
    assert slack(v.relation).subs(pt | {dl.f1: f1}) < 0


def test_pair_rounding_bound_covers_the_exact_quadratic_identity(ctx):
    """On f = (L/2)‖w‖² + bᵀw the quadratic upper bound is an identity: the float slack stays
    within the rounding bound (brute force against the closed form)."""
    p = nd._pairs("quadratic/extremal", 64, 5, 3, torch.device("cpu"), torch.float64)
    sl = p["f0"] + p["ip"] + p["L"] / 2 * p["dist2"] - p["f1"]
    assert bool((sl.abs() <= p["tol"]).all())
    assert bool((p["tol"] < 1e-10 * (1 + p["f0"].abs() + p["f1"].abs() + p["dist2"])).all())


def test_binomial_tail_against_scipy():
    from scipy.stats import binom

    for n, p, t in ((10, "1/2", "3/10"), (7, "1/3", "1/5")):
        exact = dl.binomial_tail(n, sp.Rational(p), sp.Rational(t))
        k = int(sp.ceiling(n * (sp.Rational(p) + sp.Rational(t))))
        assert abs(float(exact) - binom.sf(k - 1, n, float(sp.Rational(p)))) < 1e-12


def test_corollary_is_attained_at_T_1(ctx):
    """At T = 1 and η = 1/L the textbook corollary is attained (f = (L/2)||w||^2 reaches f* in one step)."""
    lo, hi = nd.corollary_ratios(ctx)[1]
    assert lo <= 1 <= hi


def test_corollary_ratios_below_pepit_worst_case(ctx):
    pytest.importorskip("PEPit")
    for T_, (r, _) in nd.corollary_ratios(ctx).items():
        pep = nd.pepit_worst_case(ctx, T_) * T_ / 2
        record(TID, ratio=r, note=f"T={T_}: measured {r:.4f} ≤ PEPit {pep:.4f}")
        assert r <= pep * (1 + dl.PEPIT_TOL)


# --------------------------------------------------------------------------- source lines (issue 13)

V, T_, L_, F_, N_, NC, MP = (
    Verdict.VERIFIED,
    Verdict.TIGHT,
    Verdict.LOOSE,
    Verdict.FALSE,
    Verdict.NEEDS_ASSUMPTION,
    Verdict.NOT_CHECKED,
    Verdict.MISPRINT,
)
EXPECTED = {
    "def_2_1_2": T_,
    "problem_2_1_3": T_,
    "descent_remark": V,
    "lemma_2_1_4": L_,
    "problem_2_1_1": V,
    "proof_350": MP,
    "proof_352": T_,
    "proof_354": V,
    "def_2_1_5": F_,
    "footnote_3": V,
    "momentum_term": MP,
    "hb_two_forms": V,
    "diagonalize": V,
    "coord_grad": V,
    "coord_update": MP,
    "blowup": V,
    "need_eta": MP,
    "smoothness_is_lambda1": T_,
    "halving": V,
    "condition_number": V,  # at A = [[2, 1], [1, 2]]
    "precond": V,
    "precond_quadratic": V,
    "monotone_remark": V,
    "stationary_end": V,
    "smooth_2_3": T_,
    "thm_2_5_1_min": V,
    "past_gradients": V,
    "thm_2_5_1": N_,
    "proof_2_5_1_smooth": V,
    "proof_2_5_1_algo": V,
    "proof_2_5_1_eta": V,
    "proof_2_5_1_sum": V,
    "proof_2_5_1_2M": N_,
    "thm_2_5_2": N_,  # boundedness at w_{T+1}, as Theorem 2.5.1
    "sgd_step": V,
    "sgd_538a": V,
    "sgd_538b": V,
    "sgd_539a": V,
    "sgd_539b": V,
    "sgd_iterations": V,
    "problem_2_5_3a": V,
    "log1p": V,
    "variance": V,
    "covariance": V,
    "cov_bilinear": V,
    "ibp": V,
    "geometric": V,
    "hoeffding": V,
    "hoeffding_general": V,
    "union_bound": V,
    "normal_pdf": V,
    "exp_pdf": V,
    "mvn_pdf": V,
    "bernoulli_pmf": V,
    "newton_003": V,
    "cross_entropy_000": MP,  # y(·) for g(·)
    "cauchy_schwarz": V,
    "markov_003": V,
    "square_sum_003": V,
    "det_003": V,
    "det_product_003": V,
    "det_inverse_003": V,
    "mgf_sum_003": N_,  # independence
    "gauss_mgf_003": V,
    "minibatch": V,
    "newton_gd": V,
    "convex_foc": V,
    "lipschitz_iff": F_,
    "sgd_unbiased": F_,
    "polyak": V,
    "harmonic": V,
    "basel": V,
    "sgd_theorem": F_,
    # issue 20: definitions and asymptotic lines decided by what their constants assert
    "hinge_loss": V,
    "sigmoid": V,
    "sgd_000": V,
    "taylor_2_1": V,  # at one f: an instance, not a proof
    "sampling": V,
    "sgd_estimate": V,  # n = 2, B = 2
    "sgd_update": V,
    "ode": V,
    "nesterov": MP,  # u for w in the look-ahead
    "iterations": V,
    "newton": V,
    "precond_general": V,
    "sgd_finite_sum": V,
    "cross_entropy_003": V,
    "gradient_flow": V,  # on λx²/2
    "quadratic_model": V,
    "convex_def": V,  # on quadratics
    "strong_convexity": V,  # on quadratics
    "sgd_variance": F_,  # f = Σf_i (397) where the mean is meant
    "svrg": F_,  # the same convention
    # issue 20 (coverage): the remaining lines with checkable mathematics
    "proof_356": V,
    "nonconvex_deep": V,  # on one two-layer instance
    "precond_q": MP,  # Q ≈ ∇²f for its inverse
    "sigma_at_min": V,  # n = 2
    "footnote_1": V,  # the 3SAT reduction on three variables; NP-hardness cited
    "no_progress": V,
    "nonlinear_000": V,  # ReLU
    "lipschitz_003": V,  # on quadratics
    "hessian_sandwich": V,  # on quadratics
    "erm_000": V,  # N = 2, a two-point law
    "erm_sum": V,  # n = 2, a two-point law
    "quadratic_loss": V,
    "sgd_moment": V,  # the bound the sentence names suffices
}


def test_every_source_line_is_in_the_table_or_unchecked():
    keys = [line.key for line in dl.THEOREM.as_written]
    assert len(keys) == len(set(keys))
    for line in dl.THEOREM.as_written:
        assert (line.key in EXPECTED) != bool(line.unchecked), line.key


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_source_line_verdict(ctx, marks, key):
    line = next(x for x in dl.THEOREM.as_written if x.key == key)
    j, reading, corrected = judge_line(dl.THEOREM, line, marks, lambda c: nd.measure(c, ctx))
    record(TID, note=f"{line.cite()} {key}: {j.verdict.value}")
    assert j.verdict is EXPECTED[key], (key, j.detail)
    if j.verdict in (Verdict.FALSE, Verdict.NEEDS_ASSUMPTION, Verdict.MISPRINT):
        assert line.point or (reading and reading.counterexample), key  # the evidence replays
        assert line.corrected_latex, key


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("eta", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_step_size_is_a_clear_error(ctx, eta):
    batch = smooth.make("quadratic/psd", 2, 3, 1.0, seed=0, device=ctx.device, dtype=ctx.dtype)
    with pytest.raises(DlverifyError, match="step size"):
        smooth.gradient_descent(batch, eta, 3)


def test_unknown_family_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="unknown function family"):
        smooth.make("cubic", 2, 3, 1.0, seed=0, device=ctx.device)


def test_a_relation_over_unknown_quantities_is_skipped_not_guessed(ctx):
    c = dl.THEOREM.claim("one_step").variant("x", "", sp.Le(sp.Symbol("zeta"), 1))
    ms = nd.measure(c, ctx)
    assert ms and all(m.skipped and m.checked == 0 for m in ms)
    assert torch.is_tensor(torch.zeros(1))


def test_printed_densities_and_their_wrong_variants():
    """003:56 and 003:60 are decided by their normalisation: the printed multivariate normal
    (k = 2, diagonal Σ) integrates to 1, and with det Σ to the power −1 (not −½) or (2π)^{−k}
    (not −k/2) it does not; the Bernoulli masses sum to 1, and with p² for p they do not."""
    from dlverify.theorems.kernel import Simplification, certify

    x1, x2 = dl.xs[0], dl.xs[1]
    s1, s2 = dl.sigma, dl.sigma2
    quad = sp.exp(-((x1 - dl.muN) ** 2 / s1**2 + (x2 - dl.muN2) ** 2 / s2**2) / 2)
    lims = ((x1, -sp.oo, sp.oo), (x2, -sp.oo, sp.oo))
    good = sp.Eq(sp.Integral((2 * sp.pi) ** -1 * (s1**2 * s2**2) ** sp.Rational(-1, 2) * quad, *lims), 1)
    assert certify(good, Simplification(), {}).ok
    for wrong in (
        (2 * sp.pi) ** -1 * (s1**2 * s2**2) ** -1 * quad,
        (2 * sp.pi) ** -2 * (s1**2 * s2**2) ** sp.Rational(-1, 2) * quad,
    ):
        assert not certify(sp.Eq(sp.Integral(wrong, *lims), 1), Simplification(), {}).ok
    k0, p = dl.k0, dl.pb
    assert certify(
        sp.Eq(sp.Sum(p**k0 * (1 - p) ** (1 - k0), (k0, 0, 1)), 1, evaluate=False), Simplification(), {}
    ).ok
    assert not certify(
        sp.Eq(sp.Sum(p ** (2 * k0) * (1 - p) ** (1 - k0), (k0, 0, 1)), 1, evaluate=False),
        Simplification(),
        {},
    ).ok


def _eq(lhs, rhs):
    """An equality kept as written (a wrong one must not collapse to False before it is judged)."""
    return sp.Eq(lhs, rhs, evaluate=False)


def _wrong_variants_issue_20_symbols():
    """The symbols the cases of :func:`_wrong_variants_issue_20` are written in."""
    z, w, eta = dl.z_out, dl.w_par, dl.eta
    dl_ = [sp.Derivative(e(w), w) for e in (dl.ell1, dl.ell2, dl.ell3)]
    g2x = sp.Matrix(dl.xs[:2])
    kk, lam1, lamd, eps = dl.kk, dl.lam1, dl.lamd, dl.eps
    dxy = dl._dxy
    return z, w, eta, dl_, g2x, kk, lam1, lamd, eps, dxy


def _wrong_variants_issue_20_1():
    z, w, eta, dl_, g2x, kk, lam1, lamd, eps, dxy = _wrong_variants_issue_20_symbols()
    return [
        # the hinge without its 1 (the perceptron loss) does not bound the 0–1 loss
        ("hinge_01", sp.Ge(sp.Max(0, -dl.m_y), 1), {dl.m_y: 0}),
        # a numerator 2: 1 − g(z) = g(−z) is lost
        ("sigmoid_sym", _eq(1 - 2 / (1 + sp.exp(-z)), 2 / (1 + sp.exp(z))), {z: 0}),
        # the batch sum without 1/|B|: twice the gradient
        (
            "minibatch_mean_000",
            _eq(
                sum(dl_[i] + dl_[j] for i, j in ((0, 1), (0, 2), (1, 2))) / 3,
                sp.Derivative(sum(e(w) for e in (dl.ell1, dl.ell2, dl.ell3)) / 3, w),
            ),
            None,
        ),
        # g_S against the gradient of the SUM Σ f_i (the convention of 003:397)
        ("batch_mean_002", _eq((dl_[0] + dl_[1]) / 2, sp.Derivative(dl.ell1(w) + dl.ell2(w), w)), None),
        (
            "sgd_mean_step_002",
            _eq(w - eta * (dl_[0] + dl_[1]) / 2, w - eta * sp.Derivative(dl.ell1(w) + dl.ell2(w), w)),
            None,
        ),
        # the coefficient 1 for ½ in the expansion
        (
            "taylor_o2",
            _eq(sp.Limit((dl._f_along - dl._taylor2(1)) / dl.s_t**2, dl.s_t, 0), 0),
            None,
        ),
        # β = 1 + ah
        (
            "hb_scheme",
            _eq(
                dl.HB_SCHEME_002.lhs,
                dl.hw_next
                - (dl.hw - dl.b_ode * dl.h_ode**2 * dl.hg + (1 + dl.a_ode * dl.h_ode) * (dl.hw - dl.hw_prev)),
            ),
            None,
        ),
        # the constant 1 for 2 in the iteration count (the certificate with k ≥ (λ₁/λ_d) ln(1/ε))
        (
            "iterations_count",
            sp.Le(kk * sp.log(1 - lamd / lam1), sp.log(eps)),
            {kk: 1, lam1: 1, lamd: sp.Rational(1, 2), eps: sp.exp(-2)},
        ),
        # Newton without the inverse
        (
            "newton_one_step",
            _eq(dl._grad_q_at(g2x - dl._hess_q * dl._grad_q), sp.zeros(2, 1)),
            None,
        ),
    ]


def _wrong_variants_issue_20_2():
    z, w, eta, dl_, g2x, kk, lam1, lamd, eps, dxy = _wrong_variants_issue_20_symbols()
    return [
        # the pre-conditioner Q = ∇²f (line 463's wording) for its inverse
        (
            "precond_contract",
            _eq(dl._grad_q_at(g2x - eta * dl._hess_q * dl._grad_q), (1 - eta) * dl._grad_q),
            None,
        ),
        # gradient ascent (the sign of the step) does not approach the flow
        (
            "gd_to_flow",
            _eq(
                sp.Limit((1 + dl.lam * dl.t_flow / kk) ** kk * dl.x0_flow, kk, sp.oo),
                dl.x0_flow * sp.exp(-dl.lam * dl.t_flow),
            ),
            None,
        ),
        # cross-entropy without its minus sign
        (
            "ce_gibbs",
            sp.Ge(
                dl.y_c * sp.log(dl.p_c) + (1 - dl.y_c) * sp.log(1 - dl.p_c),
                -dl.y_c * sp.log(dl.y_c) - (1 - dl.y_c) * sp.log(1 - dl.y_c),
            ),
            {dl.y_c: sp.Rational(1, 2), dl.p_c: sp.Rational(1, 2)},
        ),
        # weights λ and λ in the convexity definition
        (
            "jensen_gap",
            _eq(
                dl.theta_c * dl._fA(dl._xq)
                + dl.theta_c * dl._fA(dl._yq)
                - dl._fA(dl.theta_c * dl._xq + (1 - dl.theta_c) * dl._yq),
                dl.JENSEN_GAP_003.rhs,
            ),
            None,
        ),
        # μ for μ/2 in strong convexity: the gap is not ½(x − y)ᵀ(A − μI)(x − y)
        (
            "strong_gap",
            _eq(
                dl.STRONG_GAP_003.lhs - dl.mu / 2 * ((dl._xq - dl._yq).T * (dl._xq - dl._yq))[0],
                dl.STRONG_GAP_003.rhs,
            ),
            None,
        ),
    ]


def _wrong_variants_issue_20_3():
    z, w, eta, dl_, g2x, kk, lam1, lamd, eps, dxy = _wrong_variants_issue_20_symbols()
    return [
        # V centred at the sum ∇f_1 + ∇f_2 (line 397) is not the variance
        (
            "var_mean_003",
            _eq(
                ((dl.g_1 - (dl.g_1 + dl.g_2)) ** 2 + (dl.g_2 - (dl.g_1 + dl.g_2)) ** 2) / 2,
                dl.VAR_MEAN_003.rhs,
            ),
            {dl.g_1: 1, dl.g_2: 1},
        ),
        # the SVRG bracket with ∇f(x̄) the sum
        (
            "svrg_mean_003",
            _eq(
                (dl.gx1 - dl.g_1 + (dl.g_1 + dl.g_2) + dl.gx2 - dl.g_2 + (dl.g_1 + dl.g_2)) / 2,
                (dl.gx1 + dl.gx2) / 2,
            ),
            {dl.gx1: 0, dl.gx2: 0, dl.g_1: 1, dl.g_2: 1},
        ),
        # a one-layer loss (w − 1)² passes the midpoint test: convexity is not refuted by it
        (
            "nonconvex_2layer",
            dl._midpoint_gap(
                lambda w1: sp.Pow(sp.Add(w1, -1, evaluate=False), 2, evaluate=False), (1,), (-1,), (0,)
            ),
            None,
        ),
        # the identity activation: φ(wx + b) affine, on the chord
        ("relu_not_affine", dl.below_chord(lambda x: dl.neuron(lambda z: z, x)), None),
        # the footnote's reduction without the clause (v_1 ∨ v_2 ∨ v_3): satisfiable, a zero at v = 0
        (
            "threesat_unsat",
            sp.Gt(dl.sat_polynomial(dl._SIGNS[1:]), 0),
            {v: 0 for v in dl.vs},
        ),
        # a constant step (w_t − η) for the gradient step: it moves at a stationary point
        ("gd_fixed_point", _eq(dl.hw - eta, dl.hw), {dl.hw: 0, eta: 1}),
        # L for L/2 in the last step of Lemma 2.1.4's proof
        ("last_step_coeff", sp.Ge(eta - eta**2 * dl.L, eta / 2), {eta: 1, dl.L: 1}),
        # no ½ on the right of 002:431
        (
            "diag_quad",
            _eq(dl.DIAG_QUAD_002.lhs, 2 * dl.DIAG_QUAD_002.rhs),
            {lam1: 1, dl.lam: 1, lamd: 1, dl.xs[0]: 1, dl.xs[1]: 0, dl.xs[2]: 0},
        ),
        # 1/n² for 1/n in σ² of 003:413
        (
            "v_at_min_003",
            _eq(dl.V_AT_MIN_003.lhs, (dl.g_1**2 + dl.g_2**2) / 4),
            {dl.g_1: 1, dl.g_2: 0, dl.g_star: 0},
        ),
    ]


def _wrong_variants_issue_20_4():
    z, w, eta, dl_, g2x, kk, lam1, lamd, eps, dxy = _wrong_variants_issue_20_symbols()
    return [
        # L for L² in the Lipschitz gap (the bound squared on one side only)
        (
            "lip_gap_003",
            _eq(dl.L * (dxy.T * dxy)[0] + dl._lip_gap - dl.L**2 * (dxy.T * dxy)[0], dl.LIP_GAP_003.rhs),
            None,
        ),
        # the upper bound L²I for LI (∇²f ⪯ L²I): the Lipschitz gap is not dᵀ(L²I − H)d
        (
            "hess_sandwich_003",
            _eq(
                dl.HESS_SANDWICH_003.lhs,
                sp.Matrix(
                    [
                        dl.HESS_SANDWICH_003.rhs[0],
                        (dxy.T * (dl.L**2 * sp.eye(2) - dl._Hq) * dxy)[0],
                    ]
                ),
            ),
            None,
        ),
        # the sum Σℓ without 1/n: twice the risk
        (
            "risk_unbiased",
            _eq(
                sum(pi * pj * (li + lj) for li, pi in dl._lw for lj, pj in dl._lw),
                dl.RISK_UNBIASED.rhs,
            ),
            {dl.q1: 1, dl.ca: 1, dl.cb: 0},
        ),
        # the loss without its ½: the gradient is twice (f_W − y)∇f_W
        (
            "quad_loss_grad_000",
            _eq(sp.Derivative((dl.f_W(w) - dl.y_reg) ** 2, w), dl.QUAD_LOSS_GRAD_000.rhs),
            None,
        ),
        # the bound reversed (E‖∇̂_t‖² ≥ σ²) does not give 534's last step
        (
            "moment_bound_534",
            sp.Ge(-eta * dl.g2 + dl.L / 2 * eta**2 * dl.m2, -eta * dl.g2 + dl.L / 2 * eta**2 * dl.sig2),
            {dl.m2: 0, dl.sig2: 1, eta: 1, dl.L: 1, dl.g2: 0},
        ),
    ]


def _wrong_variants_issue_20():
    """Each newly decided line of issue 20 with a plausibly wrong version: (step, wrong relation, an
    exact point where the wrong version fails, or None when the certificate's refusal is the check)."""
    return [
        *_wrong_variants_issue_20_1(),
        *_wrong_variants_issue_20_2(),
        *_wrong_variants_issue_20_3(),
        *_wrong_variants_issue_20_4(),
    ]


@pytest.mark.parametrize(
    "key, wrong, point", _wrong_variants_issue_20(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_issue_20_wrong_variants_are_refused(key, wrong, point):
    """The certificate of each line decided in issue 20, applied to a plausibly wrong version (a
    constant, a sign, a convention changed), does not certify it; where a point is given, the wrong
    version is false there in exact arithmetic (a strict inequality already at slack 0)."""
    facts = dl.THEOREM.facts()
    for m_step in dl.THEOREM.derivation:
        if m_step.key == key:
            assert certify(m_step.relation, m_step.certificate, facts).ok, key  # the right one is certified
            assert not certify(wrong, m_step.certificate, facts).ok, f"{key}: accepts {wrong}"
            break
        facts[m_step.key] = m_step.relation
    else:
        raise AssertionError(f"no step {key}")
    if point is not None:
        val = sp.simplify(slack(wrong).subs(point))
        fails = val != 0 if isinstance(wrong, sp.Equality) else val <= 0 if is_strict(wrong) else val < 0
        assert val.is_number and fails, (key, val)


def test_nesterov_as_printed_is_not_nesterovs_method():
    """002:413 at the entry's instance: Nesterov's u_t = −1 leaves the printed equation's sides at −1
    and −1/2; the look-ahead with w_t − w_{t−1} (the edit) gives −1."""
    pt = {dl.lam: 1, dl.hw: 1, dl.hw_prev: 1, dl.hu_prev: 0, dl.eta: 1, dl.hbeta: sp.Rational(1, 2)}
    u = (-dl.lam * (dl.hw + dl.hbeta * dl.eta * dl.hu_prev) + dl.hbeta * dl.hu_prev).subs(pt)
    printed = (-dl.lam * (dl.hw + dl.hbeta * (u - dl.hu_prev)) + dl.hbeta * dl.hu_prev).subs(pt)
    meant = (-dl.lam * (dl.hw + dl.hbeta * (dl.hw - dl.hw_prev)) + dl.hbeta * dl.hu_prev).subs(pt)
    assert u == -1 and printed == sp.Rational(-1, 2) and meant == u


def test_footnote_1_polynomial_has_the_printed_degrees():
    """002:340: the 3SAT polynomial has degree 4 in each variable and total degree 6 (at most 6, as
    printed; not at most 4), and it vanishes exactly at a satisfying assignment of a satisfiable
    instance (the eight clauses less (v_1 ∨ v_2 ∨ v_3), at v = 0) but not at a falsifying one."""
    p = sp.Poly(dl.sat_polynomial(dl._SIGNS), *dl.vs)
    assert [p.degree(v) for v in dl.vs] == [4, 4, 4] and p.total_degree() == 6
    p7 = dl.sat_polynomial(dl._SIGNS[1:])
    assert p7.subs({v: 0 for v in dl.vs}) == 0 and p7.subs({v: 1 for v in dl.vs}) > 0

"""Property checks for the pseudo-inverse limit of gradient descent (Arora et al. §3.1–3.2).

The generic checks (derivation certified, registered claims hold, wrong variants false, source
lines decided from evidence, anchors) are in ``test_registry.py``.  This file keeps the
hypothesis strategies, the necessity checks, the tests of the numeric primitives the verdicts
rest on, the expected verdict of every source line, and the regression tests of issue 12.
"""

from __future__ import annotations

import dataclasses
import itertools
import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import linear
from dlverify.numerics import pseudo_inverse as num
from dlverify.numerics.contract import experiments_of
from dlverify.numerics.device import RunContext, gamma
from dlverify.numerics.evidence import measure_relation
from dlverify.theorems import pseudo_inverse as pi
from dlverify.theorems.core import (
    Assumption,
    DlverifyError,
    Simplification,
    Verdict,
    assess,
    certify,
    find_proof,
)

pytestmark = pytest.mark.xdist_group(
    "pseudo_inverse"
)  # with the generic tests of this theorem: one evaluation

TID = "pseudo_inverse"
spectra = st.sampled_from(linear.SPECTRA)
seeds = st.integers(0, 2**31 - 1)
shapes = st.tuples(st.integers(1, 8), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))  # d > n


def _ev(ctx):
    return standard.evaluation(TID, ctx)


def _measure(ctx):
    return lambda c: num.measure(c, ctx)


# --------------------------------------------------------------------------- certificates


@pytest.mark.parametrize(
    "key, wrong",
    [
        (
            "svd_recursion",
            pi._eq(pi.r * pi._closed(pi.t) + pi.eta * pi.sigma * pi.yt, pi._closed(pi.t + 2)),
        ),  # off by one
        (
            "unrolled",
            pi._eq(sp.Sum(pi.r**pi.j * pi.eta * pi.sigma * pi.yt, (pi.j, 0, pi.t)), pi._closed(pi.t)),
        ),  # j <= t
        ("penrose_2", pi._eq(pi.Xp * pi.X * pi.Xp, pi.X.T)),
        ("exact_rank2", pi._eq(pi._MRp, pi._MR.T)),
    ],
)
def test_certificates_reject_a_changed_step(key, wrong):
    assert not certify(wrong, Simplification(), {}).ok
    record(TID, note=f"{key}: changed step rejected")


def test_step_range_certificate_needs_its_hypothesis():
    """The combination that proves 1 − ησ_max² > −1 from η < 2/σ_max² fails without it, and a
    false strengthening (> 0) is not certified."""
    marks = standard.marks_of(TID)
    step = next(s for s in pi.THEOREM.derivation if s.key == "step_range")
    assert certify(step.relation, step.certificate, pi.THEOREM.facts()).ok
    assert not certify(step.relation, step.certificate, {}).ok
    assert not certify(sp.Gt(1 - pi.eta * pi.smax2, 0), step.certificate, pi.THEOREM.facts()).ok
    assert next(m for m in marks if m.key == "step_range").hypotheses == ("eta_range",)


# --------------------------------------------------------------------------- hypothesis strategies


@given(spectrum=spectra, shape=shapes, seed=seeds, start=st.sampled_from(["zero", "random"]))
def test_contraction_and_null_space_hold(ctx, spectrum, shape, seed, start):
    n, d = shape
    c = pi.THEOREM.claim("contraction")
    res = num._rate_batch(ctx, spectrum, start, c, steps=8, B=2, n=n, d=d, seed=seed)
    S = res["steps"]
    vals = {
        "e0": res["e"][:-1],
        "e1": res["e"][1:],
        "eta": res["eta"].expand(S, -1),
        "sigma_min2": res["smin2"].expand(S, -1),
        "sigma_max2": res["smax2"].expand(S, -1),
    }
    m = measure_relation(c.relation, vals, res["tol"], how="hypothesis")
    nm = measure_relation(
        pi.THEOREM.claim("null_invariant").relation, {"drift": res["drift"]}, res["null_tol"], how="null"
    )
    record(TID, counterexamples=int(m.violations + nm.violations > 0), ratio=m.worst_ratio)
    if m.worst_ratio is not None:
        target(m.worst_ratio, label="measured / predicted contraction")
    assert m.violations == 0 and nm.violations == 0, (m.counterexample, nm.counterexample)


@given(shape=shapes, seed=seeds)
def test_slowest_direction_rate_is_exact(ctx, shape, seed):
    n, d = shape
    c = pi.THEOREM.claim("slowest_rate")
    res = num._rate_batch(ctx, "gaussian", "slowest", c, steps=10, B=2, n=n, d=d, seed=seed)
    S = res["steps"]
    vals = {
        "e0": res["e"][:-1],
        "e1": res["e"][1:],
        "eta": res["eta"].expand(S, -1),
        "sigma_min2": res["smin2"].expand(S, -1),
    }
    m = measure_relation(c.relation, vals, res["tol"], how="hypothesis", extremal=True)
    record(TID, counterexamples=m.violations, note="slowest direction decays at |1 − ησ_min²| exactly")
    assert m.violations == 0 and m.attained


@given(spectrum=spectra, shape=shapes, seed=seeds)
def test_pinv_limit_has_minimal_norm(ctx, spectrum, shape, seed):
    n, d = shape
    X, y = linear.design(3, n, d, spectrum=spectrum, seed=seed, device=ctx.device, dtype=ctx.dtype)
    w, P = linear.pinv_solution(X, y)
    z = torch.randn_like(w)
    other = w + z - (P @ z.unsqueeze(-1)).squeeze(-1)
    a, b = torch.linalg.vector_norm(w, dim=-1), torch.linalg.vector_norm(other, dim=-1)
    sv = linear.singular_values(X)
    kappa = sv[:, 0] / num._smin_nz(sv, X)[0]
    record(TID, ratio=float((a / b).max()))
    assert bool((b >= a - gamma(4 * d) * kappa * (a + b)).all())


@given(kind=st.sampled_from(linear.KERNELS), seed=seeds)
def test_kernel_gd_matches_closed_form(ctx, kind, seed):
    res = num._kernel_batch(ctx, kind, pi.THEOREM.claim("kernel"), False, seed)
    ok = res["mask"]
    record(TID, counterexamples=int((res["kdev"] > res["tol"])[ok].sum()))
    assert bool((res["kdev"] <= res["tol"])[ok].all())


# --------------------------------------------------------------------------- necessity

NEC = settings(
    max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


def test_step_just_above_2_over_sigma_max_diverges(ctx):
    def diverges(x):
        n, d = x["shape"]
        X, y = linear.design(
            1, n, d, spectrum=x["spectrum"], seed=x["seed"], device=ctx.device, dtype=ctx.dtype
        )
        s = linear.singular_values(X)
        w0 = torch.randn(1, X.shape[-1], generator=torch.Generator().manual_seed(x["seed"]), dtype=ctx.dtype)
        traj = linear.gd_least_squares(X, y, x["eta_frac"] * 2 / s[:, 0] ** 2, 100, w0)
        return bool(traj.err[-1, 0] > 10 * traj.err[0, 0])

    ex = find(
        st.fixed_dictionaries(
            {"spectrum": spectra, "shape": shapes, "eta_frac": st.floats(1.02, 1.1), "seed": seeds}
        ),
        diverges,
        settings=NEC,
    )
    record(
        TID,
        counterexamples=1,
        counterexample={k: repr(v) for k, v in ex.items()},
        note="diverges just above 2/σ_max²",
    )
    assert ex["eta_frac"] > 1


def test_each_hypothesis_is_necessary(ctx):
    """Dropping an assumption of a claim gives a claim the numeric side refutes (it violates
    the dropped hypothesis on purpose)."""
    ev = _ev(ctx)
    for v in (
        "converges_any_eta",
        "step_range_any_eta",
        "rate_any_start",
        "kernel_singular",
        "kernel_any_eta",
    ):
        assert ev.variants[v].verdict is Verdict.FALSE, (v, ev.variants[v].detail)
    record(TID, counterexamples=5, note="each dropped hypothesis refuted")


def test_singular_gram_breaks_the_explicit_formula_but_not_the_limit(ctx):
    X, y = linear.design(4, 6, 10, spectrum="duplicated", seed=1, device=ctx.device, dtype=ctx.dtype)
    ev = torch.linalg.eigvalsh(X @ X.transpose(-1, -2))
    assert bool((ev[:, 0] <= 6 * torch.finfo(ctx.dtype).eps * ev[:, -1]).all())  # XX^T singular
    res = num._limits_batch(ctx, "duplicated", pi.THEOREM.claim("converges"), 1)
    assert bool(res["dev35"].isnan().all())  # Xᵀ(XXᵀ)⁻¹y undefined
    ok = res["mask"]
    assert bool((res["dev34"] <= res["tol34"])[ok].all())  # (XᵀX)†Xᵀy = X⁺y is still the limit
    record(TID, counterexamples=1, note="XXᵀ singular: Xᵀ(XXᵀ)⁻¹y undefined, GD still → X⁺y")


def test_normal_equations_limit_is_wrong_for_d_gt_n(ctx):
    X, y = linear.design(8, 4, 9, spectrum="gaussian", seed=ctx.seed, device=ctx.device, dtype=ctx.dtype)
    eig = torch.linalg.eigvalsh(X.transpose(-1, -2) @ X)
    assert bool((eig[:, 0] <= 9 * torch.finfo(ctx.dtype).eps * eig[:, -1]).all())  # XᵀX singular for d > n
    record(TID, counterexamples=1, note="(XᵀX)⁻¹Xᵀy does not exist when d > n")


# --------------------------------------------------------------------------- numeric primitives


def test_agrees_with_numpy_and_sympy_pinv(ctx):
    """Chain of trust: exact sympy pinv (rational) -> torch.linalg.pinv -> numpy.linalg.pinv."""
    exact = pi._MR.pinv()
    Mt = torch.tensor([[float(v) for v in row] for row in pi._MR.tolist()], dtype=torch.float64)
    ours = torch.linalg.pinv(Mt)
    ref = torch.tensor([[float(v) for v in row] for row in exact.tolist()], dtype=torch.float64)
    sv = torch.linalg.svdvals(Mt)
    kappa = float(sv[0] / sv[1])  # rank 2
    tol = gamma(4 * 3) * kappa**2 * float(torch.linalg.matrix_norm(ref))
    assert float((ours - ref).abs().max()) <= tol
    assert float(np.abs(np.linalg.pinv(Mt.numpy()) - ref.numpy()).max()) <= tol


def test_min_norm_risk_solver_matches_pinv(ctx):
    """The risk draws solve the normal/dual equations; on full-rank Gaussian data that is X_T⁺y."""
    g = torch.Generator().manual_seed(3)
    for p in (5, 30):
        X = torch.randn(16, 20, p, generator=g, dtype=torch.float64)
        y = torch.randn(16, 20, generator=g, dtype=torch.float64)
        ref = (torch.linalg.pinv(X) @ y.unsqueeze(-1)).squeeze(-1)
        if p <= 20:
            got = torch.linalg.solve(X.transpose(-1, -2) @ X, X.transpose(-1, -2) @ y.unsqueeze(-1)).squeeze(
                -1
            )
        else:
            got = (
                X.transpose(-1, -2) @ torch.linalg.solve(X @ X.transpose(-1, -2), y.unsqueeze(-1))
            ).squeeze(-1)
        assert float((got - ref).abs().max()) <= 1e-10 * float(ref.abs().max())


def test_t_interval_matches_scipy():
    """The double-descent tolerance is a t-interval on batch means: compare with scipy's."""
    from scipy import stats as st_

    rng = np.random.default_rng(0)
    bm = rng.normal(size=50)
    half = st_.t.ppf(1 - num.DD_ALPHA / 2, 49) * bm.std(ddof=1) / math.sqrt(50)
    lo, hi = st_.t.interval(1 - num.DD_ALPHA, 49, loc=bm.mean(), scale=st_.sem(bm))
    assert abs((hi - lo) / 2 - half) <= 1e-9 * half
    # torch's std is the unbiased one, as the interval needs
    assert abs(float(torch.tensor(bm).std()) - bm.std(ddof=1)) <= 1e-12


def test_rademacher_counterexample_by_enumeration():
    """The exact point of 002:1225: G = I₂/4, y = (1, 1): the RKHS ball of radius √(yᵀG⁻¹y) has
    empirical Rademacher complexity 1 (all sign vectors enumerated), above √(2yᵀGy Tr G)/n."""
    G = np.eye(2) / 4
    y = np.ones(2)
    B = math.sqrt(y @ np.linalg.solve(G, y))
    rad = (
        np.mean([B * math.sqrt(np.array(s) @ G @ np.array(s)) for s in itertools.product((-1, 1), repeat=2)])
        / 2
    )
    assert abs(rad - 1) <= 1e-12
    line = next(ln for ln in pi.THEOREM.as_written if ln.key == "rademacher_kernel")
    assert float(line.point[pi.yGy]) == y @ G @ y and float(line.point[pi.trG]) == np.trace(G)
    assert (
        math.sqrt(2 * (y @ G @ y) * np.trace(G)) / 2
        < rad
        <= math.sqrt((y @ np.linalg.solve(G, y)) * np.trace(G)) / 2 + 1e-12
    )


def test_step_sizes_come_from_the_assumption(ctx):
    """The generated step sizes are fractions of the boundary solved from the assumption's
    relation, up to 1 − 10⁻⁶ of it, and beyond an unassumed boundary."""
    vals = {
        "sigma_max2": torch.tensor([[4.0]], dtype=torch.float64),
        "sigma_min2": torch.tensor([[1.0]], dtype=torch.float64),
    }
    eta_, mask = num.step_sizes(pi.THEOREM.claim("converges"), vals)
    inside = eta_[mask]
    assert float(inside.max()) == pytest.approx((1 - 1e-6) * 2 / 4, rel=1e-12)
    eta_any, mask_any = num.step_sizes(pi.THEOREM.claim("contraction"), vals)
    assert bool(mask_any.all()) and float(eta_any.max()) == pytest.approx(1.5 * 2 / 4)


# --------------------------------------------------------------------------- bad input


def test_non_psd_kernel_is_a_clear_error(ctx):
    K = torch.tensor([[[1.0, 2.0], [2.0, 1.0]]], dtype=torch.float64)
    with pytest.raises(DlverifyError, match="not positive semi-definite"):
        linear.require_psd(K)


def test_nan_data_is_a_clear_error(ctx):
    X, y = linear.design(2, 3, 5, spectrum="gaussian", seed=0, device=ctx.device)
    X[0, 1, 2] = float("nan")
    with pytest.raises(DlverifyError, match="NaN or inf"):
        linear.gd_least_squares(X, y, 0.1, 3)


def test_bad_shapes_are_clear_errors(ctx):
    with pytest.raises(DlverifyError):
        linear.design(2, 0, 5, spectrum="gaussian", seed=0, device=ctx.device)
    with pytest.raises(DlverifyError, match="unknown spectrum"):
        linear.design(2, 3, 5, spectrum="weird", seed=0, device=ctx.device)
    X, y = linear.design(2, 3, 5, spectrum="gaussian", seed=0, device=ctx.device)
    with pytest.raises(DlverifyError, match="schedule"):
        linear.gd_least_squares(X, y, 0.1, 3, schedule=torch.ones(2, 2, dtype=torch.float64))


# --------------------------------------------------------------------------- experiments


def test_experiments_match_their_predictions(ctx):
    exps = {e.key: e for e in experiments_of(num, ctx)}
    record(TID, note=f"double descent: {exps['double_descent'].measured}")
    assert all(e.ok for e in exps.values()), {
        k: [c.to_dict() for c in e.comparisons if not c.holds()] for k, e in exps.items()
    }
    mc = exps["double_descent"].measured
    assert mc["p=20"] > 10 * max(mc["p=14"], mc["p=26"])  # the peak at p = n
    rows = num.tightness(ctx)
    assert rows[0].verdict is Verdict.TIGHT


# --------------------------------------------------------------------------- source lines, as written

EXPECTED = {
    # 002 §3.1–3.2
    "loss_matrix_form": Verdict.VERIFIED,
    "infinitely_many_minimizers": Verdict.VERIFIED,
    "footnote_1": Verdict.NEEDS_ASSUMPTION,
    "gradient": Verdict.VERIFIED,
    "eq_3_1": Verdict.VERIFIED,  # the gradient step of ½‖Xw − y‖²
    "eq_3_2": Verdict.VERIFIED,
    "eq_3_3": Verdict.VERIFIED,
    "step_range": Verdict.LOOSE,
    "eq_3_4": Verdict.VERIFIED,
    "eq_3_5": Verdict.VERIFIED,
    "pinv_solution": Verdict.MISPRINT,  # "overdetermined" for underdetermined
    "min_norm_686": Verdict.TIGHT,
    "eq_3_6": Verdict.VERIFIED,  # one instance: M = [[2, 2], [−1, 1]]
    "eq_3_7": Verdict.VERIFIED,
    "symmetric_svd": Verdict.NEEDS_ASSUMPTION,
    "problem_3_1_1a": Verdict.VERIFIED,
    "problem_3_1_1b": Verdict.VERIFIED,
    "problem_3_1_2": Verdict.NOT_CHECKED,
    "footnote_3": Verdict.VERIFIED,  # symmetric 2 × 2, j = 2, 3
    "footnote_2": Verdict.VERIFIED,
    "rkhs": Verdict.VERIFIED,  # h_w over the span is Σα_iK(x, x_i)
    "example_3_2_1": Verdict.VERIFIED,
    "problem_3_2_2a": Verdict.VERIFIED,
    "problem_3_2_2b": Verdict.VERIFIED,
    "problem_3_2_2c": Verdict.FALSE,
    "problem_3_2_2c_distance": Verdict.FALSE,
    "gram_matrix": Verdict.VERIFIED,  # GD runs on G alone
    "eq_3_8": Verdict.VERIFIED,
    "eq_3_9": Verdict.VERIFIED,
    "min_rkhs_norm": Verdict.TIGHT,
    # 002 §5.7
    "rademacher_kernel": Verdict.FALSE,
    # 002 §8.1
    "eq_8_1": Verdict.VERIFIED,  # its gradient carries the 2
    "underdetermined": Verdict.VERIFIED,
    "prop_8_1_1": Verdict.VERIFIED,
    "prop_8_1_1_gradient": Verdict.FALSE,
    "prop_8_1_1_span": Verdict.VERIFIED,
    "prop_8_1_1_accumulate": Verdict.FALSE,
    "prop_8_1_1_unique": Verdict.TIGHT,
    "eq_8_2": Verdict.VERIFIED,
    "eq_8_3": Verdict.VERIFIED,
    "md_gd": Verdict.VERIFIED,
    "md_entropy": Verdict.VERIFIED,
    "dual_iterates": Verdict.VERIFIED,
    "thm_8_1_2": Verdict.VERIFIED,
    "thm_8_1_2_min": Verdict.VERIFIED,
    "thm_8_1_2_proof": Verdict.MISPRINT,  # Σλ_i x_i without ⟨·, w⟩
    "sd_l2_is_gd": Verdict.VERIFIED,
    "eq_8_5_l1": Verdict.VERIFIED,
    "sd_quadratic": Verdict.VERIFIED,
    "footnote_stochastic": Verdict.VERIFIED,
    "example_1_cd": Verdict.NOT_CHECKED,
    "example_2_lp": Verdict.NOT_CHECKED,
    "parametrization": Verdict.VERIFIED,
    # 002 §10.1
    "def_10_1_1": Verdict.VERIFIED,  # I(x, x) ≤ 0, least-squares instance
    "influence_optimality": Verdict.VERIFIED,
    "influence_psd": Verdict.VERIFIED,
    "thm_10_1_2": Verdict.VERIFIED,
    "influence_taylor": Verdict.VERIFIED,
    "influence_minimizer": Verdict.VERIFIED,
    "problem_10_1_3": Verdict.LOOSE,
    "problem_10_1_4": Verdict.NOT_CHECKED,
    "hvp": Verdict.VERIFIED,
    "hvp_series": Verdict.NEEDS_ASSUMPTION,  # Problem 10.1.3 applied to H without λ_max(H) < 1
    # 000 lecture 9
    "double_descent_observed": Verdict.VERIFIED,  # in the lecture's model (β spread evenly)
    "infinitely_many_solutions": Verdict.VERIFIED,
    "model_000": Verdict.NOT_CHECKED,
    "selection_000": Verdict.NOT_CHECKED,
    "loss_000": Verdict.VERIFIED,
    "normal_equations_000": Verdict.NEEDS_ASSUMPTION,
    "risk_identity_000": Verdict.VERIFIED,
    "risk_chain_000": Verdict.MISPRINT,
    "risk_condition_000": Verdict.VERIFIED,  # needed by the middle case of 372
    "risk_formula_000": Verdict.VERIFIED,
    "risk_formula_000_inf": Verdict.VERIFIED,  # E[1/χ²₂] = ∞ exactly
    "risk_formula_000_over": Verdict.VERIFIED,
    "prescient_000": Verdict.VERIFIED,  # one instance: n = 10, d = 40
    "linreg_000": Verdict.VERIFIED,
    "gradient_sign_000": Verdict.MISPRINT,
    "features_000": Verdict.VERIFIED,  # the kernel the printed φ realises
    "linear_in_w_000": Verdict.VERIFIED,
    "not_linear_in_x_000": Verdict.VERIFIED,
    "feature_dim_000": Verdict.VERIFIED,  # k = 3: C(d + 3, 3) ≤ (d + 1)³
    "feature_count_000": Verdict.VERIFIED,
    "kernel_psd_000": Verdict.VERIFIED,
    "poly_kernel_000": Verdict.VERIFIED,
    "kernel_cost_000": Verdict.VERIFIED,  # k = 3: 2d + 2 ≤ 4d operations
    "nn_gd_000": Verdict.VERIFIED,
    "taylor_000": Verdict.MISPRINT,  # w − w_x for w − w₀
    "grad_a_000": Verdict.VERIFIED,
    "grad_b_000": Verdict.VERIFIED,
    "ntk_split_000": Verdict.VERIFIED,
    "ntk_a_000": Verdict.MISPRINT,  # σ'(a_iᵗx) twice: the prime of x' lost
    "ntk_b_000": Verdict.VERIFIED,
    "lln_000": Verdict.VERIFIED,  # the L² law at the ReLU instance
    "relu_ntk_000": Verdict.MISPRINT,  # θ(x, x) for θ(x, x')
    "relu_ntk_b_000": Verdict.VERIFIED,
    "lln_b_000": Verdict.VERIFIED,
    "flow_000": Verdict.VERIFIED,
    "flow_grad_000": Verdict.VERIFIED,
    "output_flow_000": Verdict.MISPRINT,
    "linear_ode_000": Verdict.VERIFIED,
    "ntk_pd_000": Verdict.NEEDS_ASSUMPTION,  # x and 2x: K singular
    # 001
    "early_stop_ridge_001": Verdict.NOT_CHECKED,
    "ridge_row_space_001": Verdict.VERIFIED,
    "ridge_limit_001": Verdict.VERIFIED,
    "gd_row_space_001": Verdict.VERIFIED,
    "gd_min_norm_001": Verdict.TIGHT,
    "gd_ridge_risk_001": Verdict.VERIFIED,  # the endpoints
    "matrix_completion_001": Verdict.NOT_CHECKED,
    "logistic_svm_001": Verdict.NOT_CHECKED,
    "deep_linear_001": Verdict.NOT_CHECKED,
    "linear_conv_001": Verdict.NOT_CHECKED,
    "tv_001": Verdict.NOT_CHECKED,
    "spline_001": Verdict.NOT_CHECKED,
    "nngp_001": Verdict.VERIFIED,  # PSD
    "gp_001": Verdict.NOT_CHECKED,
    # 003
    "weight_decay_def_003": Verdict.VERIFIED,  # Ω ≥ 0 under μ^l ≥ 0
    "weight_decay_grad_003": Verdict.VERIFIED,
    "weight_decay_step_003": Verdict.VERIFIED,
    "weight_decay_shrink_003": Verdict.NEEDS_ASSUMPTION,
    "ridge_quadratic_003": Verdict.VERIFIED,
    "ridge_vanish_003": Verdict.VERIFIED,
    "ridge_shrink_003": Verdict.VERIFIED,
    "ridge_003": Verdict.VERIFIED,
    "projection_003": Verdict.VERIFIED,
    "early_stopping_003": Verdict.VERIFIED,
    # 004
    "deep_net_004": Verdict.NOT_CHECKED,
    "ntk_def_004": Verdict.VERIFIED,  # PSD
    "ntk_predictor_004": Verdict.VERIFIED,
    "thm_3_2_004": Verdict.NOT_CHECKED,
}


def test_every_source_line_has_an_expected_verdict():
    assert {ln.key for ln in pi.THEOREM.as_written} == set(EXPECTED)


def test_source_line_verdicts(ctx):
    """Each line's verdict, computed from its evidence by judge_line, is the expected one."""
    ev = _ev(ctx)
    got = {ln.key: ev.line(ln.key)[0].verdict for ln in pi.THEOREM.as_written}
    wrong = {k: (got[k].value, EXPECTED[k].value) for k in EXPECTED if got[k] is not EXPECTED[k]}
    record(TID, examples=len(got), counterexamples=len(wrong), note=f"{len(got)} source lines judged")
    assert not wrong, wrong


def test_a_reading_proved_by_the_step_it_names(ctx):
    """A proved reading is proved by a step with its own relation (not another identity)."""
    ev = _ev(ctx)
    for ln in pi.THEOREM.as_written:
        if ln.reading is None:
            continue
        _, reading, _ = ev.line(ln.key)
        if reading.proof is not None and reading.proof.step != "(sympy)":  # "(sympy)": exact evaluation
            step = next(s for s in pi.THEOREM.derivation if s.key == reading.proof.step)
            assert step.relation == ln.reading.relation or not isinstance(step.relation, sp.Equality), (
                ln.key,
                reading.proof.step,
            )


# --------------------------------------------------------------------------- regression tests (issue 12)


def test_regression_nonsense_relation_is_refuted(ctx):
    """null_invariant and kernel were decided by measured numbers alone; now their relations are
    what is evaluated, so a nonsense relation over the same quantities is refuted."""
    marks = standard.marks_of(TID)
    for key, nonsense in (
        ("null_invariant", sp.Eq(pi.drift, 1)),
        ("kernel", sp.Eq(pi.kdev, 1)),
        ("null_invariant", sp.Ge(pi.drift, 1)),
    ):
        c = pi.THEOREM.claim(key).variant(f"{key}_nonsense", "nonsense", nonsense)
        r = assess(pi.THEOREM, c, marks, _measure(ctx))
        assert r.verdict is Verdict.FALSE, (key, nonsense, r.detail)


def test_regression_nan_bound_is_false(ctx):
    """A bound that is NaN on every instance (√ of a negative number) is false, not satisfied."""
    marks = standard.marks_of(TID)
    nan_bound = sp.sqrt(pi.smin2 - pi.smax2 - 1) * pi.e0
    c = pi.THEOREM.claim("contraction").variant("contraction_nan", "NaN bound", sp.Le(pi.e1, nan_bound))
    ms = num.measure(c, ctx)
    assert ms[0].checked > 0 and ms[0].violations == ms[0].checked
    assert assess(pi.THEOREM, c, marks, _measure(ctx)).verdict is Verdict.FALSE


def test_regression_tight_comes_from_attained(ctx):
    """tight is attained on the extremal family, measured on the claim's own relation: a
    weakened constant keeps the family but is verified, not tight."""
    marks = standard.marks_of(TID)
    ev = _ev(ctx)
    for key in ("contraction", "slowest_rate", "min_norm"):
        assert ev.claims[key].verdict is Verdict.TIGHT, key
    weak = [
        ("contraction", sp.Le(pi.e1, 2 * pi.RHO * pi.e0)),
        ("min_norm", sp.Ge(pi.na2 + pi.nb2 + 2 * pi.ab + 1, pi.na2)),
    ]
    for key, rel in weak:
        c = dataclasses.replace(pi.THEOREM.claim(key), key=key + "_weak", relation=rel)
        r = assess(pi.THEOREM, c, marks, _measure(ctx))
        assert c.tight_on and r.verdict is Verdict.VERIFIED, (key, r.verdict, r.detail)


def test_regression_step_size_assumption_drives_the_instances(ctx, monkeypatch):
    """Widening η < 2/σ_max² to η < 4/σ_max² changes the instances (they are generated from the
    assumption's relation), and the convergence claim is then refuted."""
    marks = standard.marks_of(TID)
    claim = pi.THEOREM.claim("converges")
    before = num.measure(claim, ctx)
    assert before[0].violations == 0
    wide = [
        dataclasses.replace(a, relation=sp.Lt(pi.eta, 4 / pi.smax2)) if a.key == "eta_range" else a
        for a in pi.THEOREM.assumptions
    ]
    monkeypatch.setattr(pi.THEOREM, "assumptions", wide)
    fresh = RunContext(ctx.device, ctx.seed, ctx.profile, ctx.dtype)  # a run with its own cache
    after = num.measure(claim, fresh)
    assert after[0].violations > 0
    assert assess(pi.THEOREM, claim, marks, _measure(fresh)).verdict is Verdict.FALSE


def test_regression_no_proof_by_name():
    """Proofs are found by relation: there is no proved_by; a claim whose relation no step
    proves has no proof, and a step's proof needs the step's hypotheses among the claim's."""
    marks = standard.marks_of(TID)
    assert not hasattr(pi.THEOREM.claim("min_norm"), "proved_by")
    assert find_proof(pi.THEOREM.claim("null_invariant").relation, (), marks) is None
    sr = pi.THEOREM.claim("step_range")
    assert find_proof(sr.relation, sr.assumptions, marks).step == "step_range"
    assert find_proof(sr.relation, (), marks) is None  # η < 2/σ_max² is a hypothesis of the proof
    mn = pi.THEOREM.claim("min_norm")
    assert find_proof(sp.Ge(pi.na2 + pi.nb2 + 3 * pi.ab, pi.na2), mn.assumptions, marks) is None


def test_regression_assumptions_are_relations():
    """Every hypothesis has a relation the numeric side can generate from and negate."""
    for a in pi.THEOREM.assumptions:
        assert isinstance(a, Assumption) and a.relation is not None, a.key


# --------------------------------------------------------------------------- definitions decided (issue 20)


def _refused(rel, cert, point=None, facts=None):
    """A wrong variant: its certificate does not go through, and at ``point`` (exact arithmetic)
    the relation is false."""
    assert not certify(rel, cert, facts or pi.THEOREM.facts()).ok, rel
    if point is not None:
        assert sp.simplify(rel.subs(point).doit()) is sp.false, (rel, point)


def test_decided_definitions_refuse_their_wrong_variants():
    """Each definition decided by what its constants assert refuses a plausibly wrong version: a
    factor 2 in a gradient or a step, a changed kernel, a dropped sign condition, an inverted
    projection factor, a wrong endpoint mapping λ = t, a self-influence of the other sign."""
    from dlverify.theorems.kernel import SumOfSquares

    xe, we, ye = pi._xe, pi._we, pi._ye
    one = {s: 1 for s in (*xe, *we)} | {ye[0]: 0, ye[1]: 0}
    # 002:671: the step of ‖Xw − y‖² (no ½) is not w − ηXᵀ(Xw − y)
    grad_no_half = pi._gradient_of(2 * pi._loss_sum, we)
    _refused(
        pi._eq((we - pi.eta * grad_no_half)[0], (we - pi.eta * xe.T * pi._res)[0]),
        Simplification(),
        one | {pi.eta: 1},
    )
    # 000:395 without the ½, 002:1689 with the gradient of line 1700 (no 2)
    _refused(
        pi._eq(pi._gradient_of(2 * pi._loss_395, we)[0], (-xe.T * (ye - xe * we))[0]), Simplification(), one
    )
    _refused(pi._eq(pi._gradient_of(pi._loss_81, we)[0], (xe.T * pi._res)[0]), Simplification(), one)
    # 000:364: Xᵀy (no inverse) is not the minimizer; X_T = [[1, 0], [0, 1], [0, 0]] ⊕ 2, y = (1, 1, 0)
    XT, yT, bT = pi._XT, pi._yT, pi._bT
    wrong_b = XT.T * yT * 2
    pt = dict(zip(XT, (1, 0, 0, 1, 0, 0))) | dict(zip(yT, (1, 1, 0))) | dict(zip(bT, (1, 1)))
    _refused(
        sp.Ge(pi._sq_loss(bT), pi._sq_loss(wrong_b)),
        SumOfSquares([(1, q) for q in XT * (bT - wrong_b)]),
        pt,
    )
    # 000:370: with noise e the estimator does not recover β_T
    e = sp.Matrix(sp.symbols("e1:4", real=True))
    _refused(
        pi._eq(((XT.T * XT).inv() * XT.T * (XT * bT + e))[0], bT[0]),
        Simplification(),
        pt | dict(zip(e, (1, 0, 0))),
    )


def test_decided_kernel_definitions_refuse_their_wrong_variants():
    """The feature map of 000:404 against (1 + x·x')², the span predictor of 002:711 and the kernel
    GD step of 002:727 refuse a plausibly wrong version."""
    ye = pi._ye
    # 000:404: the printed φ does not realise (1 + x·x')² (at x = x' = 0: 0 against 1)
    xa, xb = pi.xa, pi.xb
    _refused(
        pi._eq(
            (pi._phi_lecture(xa).T * pi._phi_lecture(xb))[0], (1 + sum(p * q for p, q in zip(xa, xb))) ** 2
        ),
        Simplification(),
        {s: 0 for s in (*xa, *xb)},
    )
    # 002:711: Σα_iK(x_i, x_i) for Σα_iK(x, x_i); 002:727: α − ηG(α − y) for α − η(Gα − y)
    F, fx, al = pi._F3, pi._fx, pi._al
    _refused(
        pi._eq((fx.T * (F.T * al))[0], sum(al[i] * (F[i, :] * F[i, :].T)[0] for i in range(2))),
        Simplification(),
        {s: 1 for s in (*F, *al)} | {s: 0 for s in fx},
    )
    lhs = F.T * al - pi.eta * pi._gradient_of(pi._ell_727, pi._wk).subs(dict(zip(pi._wk, F.T * al)))
    wrong = F.T * (al - pi.eta * pi._G3 * (al - ye))
    _refused(
        pi._eq(lhs[0], wrong[0]),
        Simplification(),
        {s: 1 for s in (*F, *al)} | {ye[0]: 1, ye[1]: 0, pi.eta: 1},
    )


def test_decided_projection_kernel_and_limit_lines_refuse_their_wrong_variants():
    """Ω ≥ 0 without μ^l ≥ 0, the inverted projection factor, positive definiteness of the NNGP/NTK
    Gram form, the self-influence's sign, the endpoints with λ = t, and the double-descent lines
    beyond their ranges are refused."""
    from dlverify.theorems.kernel import Combination, Decided, SumOfSquares

    # 003:638 without μ^l ≥ 0: μ¹ = −1 makes Ω negative
    _refused(
        sp.Ge(pi.OMEGA_003, 0),
        Combination({"wd_mu1": (pi.th11**2 + pi.th12**2) / 2}),
        {pi.mu_l1: -1, pi.mu_l2: 0, pi.th11: 1, pi.th12: 0, pi.th21: 0},
        facts={},
    )
    # 003:653: the factor min{1, ‖v‖/r} (inverted) is refused by the decision procedure
    m_bad = sp.Min(1, pi.s_proj / pi.r_proj)
    bad = sp.Le(
        sp.Max(
            (1 - m_bad) ** 2 * pi.s_proj**2 - (pi.s_proj**2 - 2 * pi.c_proj + pi.nu_proj**2),
            m_bad * pi.s_proj - pi.r_proj,
        ),
        0,
    )
    at = {pi.s_proj: 2, pi.r_proj: 1, pi.nu_proj: 0, pi.c_proj: 0}
    _refused(bad, Decided(("proj_cs", "proj_ball")), at)
    # 001:125, 004:202: positive *definiteness* is refused (v ⟂ the feature values)
    fv, vk = pi.fv, pi.vk
    Q = sum(vk[i] * vk[j] * fv[i] * fv[j] for i in range(3) for j in range(3))
    _refused(
        sp.Gt(Q, 0),
        SumOfSquares([(1, sum(v_ * f_ for v_, f_ in zip(vk, fv)))]),
        dict(zip(fv, (1, 1, 0))) | dict(zip(vk, (1, -1, 0))),
    )
    # 002:2439: the self-influence is not ≥ 0 (p = (1, 1), q = (1, 1), x = (1, 2): I = −1)
    inst = {pi._pa[0]: 1, pi._pa[1]: 1, pi._pb[0]: 1, pi._pb[1]: 1, pi._ax: 1, pi._bx: 2}
    assert pi._I_xx.subs(inst) == -1
    _refused(sp.Ge(pi._I_xx, 0), SumOfSquares([(1 / pi._H, pi._gx)]), inst)
    # 001:79 with λ = t: the endpoints swap (1/σ at t → 0)
    _refused(pi._eq(pi._ends(pi.sigma / (pi.sigma**2 + pi.tt_s)), pi._ends(pi._flow_t)), Simplification())
    # 000:349 beyond p ≤ D the decision procedure finds a counterexample
    assert not certify(
        sp.Lt(sp.diff(pi.RISK_UNIFORM_000, pi.p_dd), 0), Decided(("dd_past",)), pi.THEOREM.facts()
    ).ok
    # 000:374: past p = 14 the risk does not keep falling at this d (R(14) < R(40))
    assert sp.Lt(pi._risk_prescient(40), pi._risk_prescient(14)) is sp.false
    record(TID, counterexamples=14, note="wrong variants of the decided definitions refused")


def test_kernel_cost_and_tangent_kernel_refuse_their_wrong_variants(ctx):
    """000:416/429: the counts come from the programs they describe, and an O(1) cost, a cost
    without the squarings, or D ≤ d^k with no constant are refused; 000:490: the singular instance
    is exact, non-parallel inputs give a nonsingular K at the same weights, and K ≻ 0 claimed for
    every input set (the printed reading) is refuted by the measurement as well as by the point."""
    from dlverify.theorems.kernel import Combination, Monomials

    d = pi.d_dim
    # sympy's own operation count of 1 + x·x' is 2d, and the cube by squaring is 2 products
    for n in range(1, 7):
        xs, ys = sp.symbols(f"p1:{n + 1}"), sp.symbols(f"q1:{n + 1}")
        assert sp.count_ops(1 + sum(a * b for a, b in zip(xs, ys))) == 2 * n
    assert pi._pow_ops(3) == 2 and pi._pow_ops(8) == 3
    _refused(sp.Le(2 * d + 2, 4, evaluate=False), Combination({"dim_pos": 2}), {d: 3})  # O(1)
    _refused(sp.Le(2 * d + 2, 2 * d, evaluate=False), Combination({"dim_pos": 2}), {d: 3})
    _refused(sp.Le(sp.expand_func(sp.binomial(d + 3, 3)), d**3, evaluate=False), Monomials(), {d: 1})
    assert pi.RELU_PARALLEL_000.lhs.doit() == 0
    assert pi._gram_det((1, 1), (2, 1)).doit() > 0  # not parallel: det = 79/16
    ev = _ev(ctx)
    _, reading, corrected = ev.line("ntk_pd_000")
    assert reading.verdict is Verdict.FALSE and corrected.verdict is Verdict.VERIFIED
    how = " ".join(m.how for m in reading.measurements)
    assert "exact" in how and sum(m.violations for m in reading.measurements) >= 2, how
    record(TID, counterexamples=6, note="operation counts and the tangent kernel's wrong variants refused")

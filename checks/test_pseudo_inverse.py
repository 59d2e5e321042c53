"""Property checks for the pseudo-inverse limit of gradient descent (Arora et al. §3.1–3.2)."""
from __future__ import annotations

import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import linear
from dlverify.theorems import pseudo_inverse as pi
from dlverify.theorems.core import DlverifyError, Simplification, certify

TID = "pseudo_inverse"
spectra = st.sampled_from(linear.SPECTRA)
seeds = st.integers(0, 2**31 - 1)
shapes = st.tuples(st.integers(1, 8), st.integers(1, 6)).map(lambda t: (t[0], t[0] + t[1]))  # d > n


def test_every_derivation_step_is_certified():
    standard.derivation_certified(pi)


@pytest.mark.parametrize("key, wrong", [
    ("svd_recursion", pi._eq(pi.r * pi._closed(pi.t) + pi.eta * pi.sigma * pi.yt, pi._closed(pi.t + 2))),  # off by one
    ("unrolled", pi._eq(sp.Sum(pi.r**pi.j * pi.eta * pi.sigma * pi.yt, (pi.j, 0, pi.t)), pi._closed(pi.t))),  # j <= t
    ("penrose_2", pi._eq(pi.Xp * pi.X * pi.Xp, pi.X.T)),
    ("exact_rank2", pi._eq(pi._MRp, pi._MR.T)),
])
def test_certificates_reject_a_changed_step(key, wrong):
    assert not certify(wrong, Simplification(), {}).ok
    record(TID, note=f"{key}: changed step rejected")


@given(spectrum=spectra, shape=shapes, eta_frac=st.floats(0.01, 0.99), seed=seeds, w0=st.booleans())
def test_contraction_and_null_space_hold(ctx, spectrum, shape, eta_frac, seed, w0):
    n, d = shape
    res = pi.rate_run(ctx, spectrum, B=4, n=n, d=d, steps=10, seed=seed, eta_frac=eta_frac, w0=w0)
    record(TID, counterexamples=int(res["violations"] + res["null_violations"] > 0), ratio=res["worst_ratio"])
    if res["worst_ratio"] is not None:
        target(res["worst_ratio"], label="measured / predicted contraction")
    assert res["violations"] == 0 and res["null_violations"] == 0


@given(shape=shapes, eta_frac=st.floats(0.01, 0.99), seed=seeds)
def test_slowest_direction_rate_is_exact(ctx, shape, eta_frac, seed):
    n, d = shape
    ext = pi.extremal_run(ctx, B=3, n=n, d=d, steps=15, seed=seed, eta_frac=eta_frac)
    record(TID, ratio=ext["max_dev"], note="max |measured − (1 − ησ_min²)^t| on the extremal start")
    assert ext["attained"]


@given(spectrum=spectra, shape=shapes, seed=seeds)
def test_pinv_limit_has_minimal_norm(ctx, spectrum, shape, seed):
    n, d = shape
    X, y = linear.design(3, n, d, spectrum=spectrum, seed=seed, device=ctx.device, dtype=ctx.dtype)
    w, P = linear.pinv_solution(X, y)
    z = torch.randn_like(w)
    other = w + z - (P @ z.unsqueeze(-1)).squeeze(-1)
    a, b = torch.linalg.vector_norm(w, dim=-1), torch.linalg.vector_norm(other, dim=-1)
    sv = linear.singular_values(X)
    kappa = sv[:, 0] / torch.where(sv > linear.rank_tol(X)[:, None], sv, torch.full_like(sv, float("inf"))).min(-1).values
    record(TID, ratio=float((a / b).max()))
    assert bool((b >= a - pi.gamma(4 * d) * kappa * (a + b)).all())


@given(kind=st.sampled_from(linear.KERNELS), seed=seeds)
def test_kernel_gd_matches_closed_form(ctx, kind, seed):
    from dlverify.numerics.device import RunContext
    res = pi.kernel_check(RunContext(ctx.device, seed, "ci"), kinds=(kind,))
    record(TID, counterexamples=res["violations"], ratio=res["worst"])
    assert res["violations"] == 0


# --------------------------------------------------------------------------- necessity

NEC = settings(max_examples=100, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def test_step_just_above_2_over_sigma_max_diverges(ctx):
    def diverges(x):
        n, d = x["shape"]
        res = pi.rate_run(ctx, x["spectrum"], B=1, n=n, d=d, steps=200, seed=x["seed"], eta_frac=x["eta_frac"])
        return bool(res["errors"][-1, 0] > 10 * res["errors"][0, 0])

    ex = find(st.fixed_dictionaries({"spectrum": spectra, "shape": shapes, "eta_frac": st.floats(1.001, 1.1), "seed": seeds}),
              diverges, settings=NEC)
    record(TID, counterexamples=1, counterexample={k: repr(v) for k, v in ex.items()}, note="diverges just above 2/σ_max²")
    assert ex["eta_frac"] > 1


def test_singular_gram_breaks_the_explicit_formula_but_not_the_limit(ctx):
    X, y = linear.design(4, 6, 10, spectrum="duplicated", seed=1, device=ctx.device, dtype=ctx.dtype)
    ev = torch.linalg.eigvalsh(X @ X.transpose(-1, -2))
    assert bool((ev[:, 0] <= 6 * torch.finfo(ctx.dtype).eps * ev[:, -1]).all())  # XX^T singular
    res = pi.rate_run(ctx, "duplicated", B=4, n=6, d=10, steps=600, seed=1)
    assert res["violations"] == 0 and bool((res["errors"][-1] <= res["final_bound"]).all())
    record(TID, counterexamples=1, note="XXᵀ singular: Xᵀ(XXᵀ)⁻¹y undefined, GD still → X⁺y")


def test_normal_equations_limit_is_wrong_for_d_gt_n(ctx):
    ne = pi.normal_equations_limit(ctx)
    assert ne["XtX_singular"] and ne["min relative gap to X^+y"] > 1e-3
    record(TID, counterexamples=1, note="(XᵀX)⁻¹Xᵀy is not the GD limit when d > n")


# --------------------------------------------------------------------------- verdicts

def test_registered_claims_hold(ctx):
    standard.registered_claims_hold(pi, ctx)


@pytest.mark.parametrize("variant", pi.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(pi, ctx, variant)


def test_agrees_with_numpy_and_sympy_pinv(ctx):
    """Chain of trust: exact sympy pinv (rational) -> torch.linalg.pinv -> numpy.linalg.pinv."""
    import numpy as np

    exact = pi._MR.pinv()
    Mt = torch.tensor([[float(v) for v in row] for row in pi._MR.tolist()], dtype=torch.float64)
    ours = torch.linalg.pinv(Mt)
    ref = torch.tensor([[float(v) for v in row] for row in exact.tolist()], dtype=torch.float64)
    # an SVD-based pseudo-inverse of a rank-r matrix is accurate to ~ gamma_n kappa_r^2 ||M^+||
    sv = torch.linalg.svdvals(Mt)
    kappa = float(sv[0] / sv[1])  # rank 2: the smallest nonzero singular value is the second
    tol = pi.gamma(4 * 3) * kappa**2 * float(torch.linalg.matrix_norm(ref))
    assert float((ours - ref).abs().max()) <= tol
    assert float(np.abs(np.linalg.pinv(Mt.numpy()) - ref.numpy()).max()) <= tol


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


def test_double_descent_monte_carlo_matches_the_formula(ctx):
    """Monte Carlo risk (per-draw exact conditional risk) inside its interval at level 1 − 1e-6
    wherever the variance is finite (|p − n| ≥ 4), and the blow-up near p = n."""
    exp = pi.double_descent(ctx)
    record(TID, note=f"double descent: {exp['measured']}")
    assert exp["ok"]
    mc = exp["measured"]
    assert mc["p=20"] > 10 * max(mc["p=14"], mc["p=26"])  # the peak at p = n

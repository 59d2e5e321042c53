"""Property checks for PL convergence, PL* and wide networks."""
from __future__ import annotations

import math

import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import networks, smooth
from dlverify.theorems import descent_lemma, pl_convergence as pl
from dlverify.theorems.core import DlverifyError, Verdict, certify, check_derivation

TID = "pl_convergence"
families = st.sampled_from(smooth.PL_FAMILIES)
seeds = st.integers(0, 2**31 - 1)
dims = st.integers(1, 10)


def test_every_derivation_step_is_certified():
    standard.derivation_certified(pl)


def test_the_smoothness_assumption_is_proved_in_the_descent_lemma():
    """The assumption 'smooth_step' is the descent lemma's step tight_form, with β for L."""
    marks = {m.key: m for m in check_derivation(descent_lemma.THEOREM)}
    assert marks["tight_form"].ok
    dl_rel = [s.relation for s in descent_lemma.THEOREM.derivation if s.key == "tight_form"][0]
    ours = pl.THEOREM.assumption("smooth_step").relation
    mapped = dl_rel.subs({descent_lemma.f1: pl.L1, descent_lemma.f0: pl.L0, descent_lemma.g2: pl.g2,
                          descent_lemma.L: pl.beta, descent_lemma.eta: pl.eta})
    assert sp.simplify((mapped.rhs - mapped.lhs) - (ours.rhs - ours.lhs)) == 0


def test_contraction_certificate_rejects_rate_2_eta_mu():
    wrong = sp.Le(pl.L1, pl.Ls + (1 - 2 * pl.mu * pl.eta_half) * (pl.L0 - pl.Ls))
    standard.certificate_rejects(pl, "contraction", wrong)


@given(family=families, d=dims, frac=st.floats(0.01, 1.0), seed=seeds)
def test_one_step_contraction_holds(ctx, family, d, frac, seed):
    traj, batch, _ = pl.run_pl(family, ctx, B=3, d=d, steps=10, seed=seed, eta_fracs=(frac,))
    r = pl.evaluate_rate(pl.THEOREM.claim("one_step").relation, traj, batch)
    record(TID, counterexamples=int(r["violations"] > 0), ratio=r["worst_ratio"])
    target(r["worst_ratio"], label="measured / predicted factor")
    assert r["violations"] == 0, r.get("counterexample")


@given(family=families, d=dims, frac=st.floats(0.01, 0.999), seed=seeds)
def test_tight_factor_holds_up_to_2_over_beta(ctx, family, d, frac, seed):
    traj, batch, _ = pl.run_pl(family, ctx, B=3, d=d, steps=10, seed=seed, eta_fracs=(frac,), top=2.0)
    r = pl.evaluate_rate(pl.THEOREM.claim("tight_factor").relation, traj, batch)
    record(TID, counterexamples=int(r["violations"] > 0), ratio=r["worst_ratio"])
    target(r["worst_ratio"], label="measured / tight factor")
    assert r["violations"] == 0, r.get("counterexample")


def test_quadratic_rate_is_exact(ctx):
    qe = pl.quadratic_exact(ctx)
    record(TID, ratio=qe["max_dev_over_tol"], note="½λx²: ratio = (1 − ηλ)² within rounding")
    assert qe["attained"]


@given(m=st.integers(1, 4096), seed=seeds)
def test_hessian_bound_at_every_width(ctx, m, seed):
    net = networks.TwoLayer(8, 5, m, seed=seed, device=ctx.device, dtype=ctx.dtype)
    H = float(net.hessian_norm())
    bound = networks.SUP_TANH_2ND * float((net.X**2).sum(-1).max()) / math.sqrt(m)
    record(TID, ratio=H / bound)
    assert H <= bound * (1 + pl.gamma(64))


def test_ntk_closed_form_matches_torch_func(ctx):
    r = pl.ntk_chain(ctx)
    record(TID, note=f"torch.func vs closed form: {r['max_dev']:.2e}")
    assert r["ok"]


# --------------------------------------------------------------------------- necessity

NEC = settings(max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))


def test_smooth_but_not_pl_breaks_the_geometric_rate(ctx):
    """f(x) = log(1 + e^x) is 1/4-smooth but not PL (inf 0 not attained): GD decays like 1/t,
    so for any claimed μ > 0 the envelope (1 − ημ)^t f(x₀) is eventually crossed."""
    def fails(x):
        mu, T = x["mu"], x["T"]
        eta = 4.0  # η = 1/β: softplus is β-smooth with β = 1/4
        w = torch.tensor(2.0, dtype=torch.float64)
        f0 = float(torch.nn.functional.softplus(w))
        for _ in range(T):
            w = w - eta * torch.sigmoid(w)
        # T steps of a 3-operation update: relative rounding at most gamma_{4T} on each side
        return float(torch.nn.functional.softplus(w)) > (1 - eta * mu) ** T * f0 * (1 + pl.gamma(4 * T + 8))

    ex = find(st.fixed_dictionaries({"mu": st.floats(1e-3, 0.25), "T": st.integers(1, 4000)}), fails, settings=NEC)
    record(TID, counterexamples=1, counterexample=ex, note="smooth, not PL: geometric rate fails")


def test_wrong_f_star_offset_breaks_pl(ctx):
    """PL with f* replaced by f* + c (c > 0) fails at the minimizer: 0 ≥ μc is false."""
    batch = smooth.make_pl("pl_sin", 1, 3, seed=0, device=ctx.device, dtype=ctx.dtype)
    f, g = batch.value_and_grad(torch.zeros(1, 3, dtype=ctx.dtype, device=ctx.device))
    c = 0.1
    assert float(0.5 * (g * g).sum()) < float(batch.mu[0]) * (float(f[0]) - (0 - c))
    record(TID, counterexamples=1, note="PL with f* + 0.1 fails at the minimizer")


def test_step_above_2_over_beta_diverges(ctx):
    traj, batch, _ = pl.run_pl("pl_quadratic", ctx, B=4, d=1, steps=20, seed=1, eta_fracs=(1.05,), top=2.0)
    assert bool((traj.f[-1] > traj.f[0]).all())
    record(TID, counterexamples=1, note="η = 2.1/β: the gap grows")


# --------------------------------------------------------------------------- verdicts

def test_registered_claims_hold(ctx):
    standard.registered_claims_hold(pl, ctx)


@pytest.mark.parametrize("variant", pl.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(pl, ctx, variant)


def test_bad_input_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="d > n"):
        smooth.overparam_lsq(1, 5, 3, seed=0, device=ctx.device)
    with pytest.raises(DlverifyError, match="unknown PL family"):
        smooth.make_pl("nope", 1, 3, seed=0, device=ctx.device)


# --------------------------------------------------------------------------- tightness against the best known bound

def _one_step_ratio_vs(factor, a, b, x0, frac, ctx):
    """One GD step on two-sided quadratics at η = frac/β; (ratio, rounding-inflated bound) per instance."""
    batch = smooth.two_sided(a, b, x0)
    traj = smooth.gradient_descent(batch, frac / batch.L, 1)
    bound = factor(batch.mu, batch.L, traj.eta) * traj.f[0] + traj.err[0]
    return traj.f[1], bound


def _pair(ctx, a, b, x0, frac):
    t = lambda v: torch.tensor([v], dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    return t(a), t(b), t(x0), frac


@given(a=st.floats(1e-2, 1e2), rel=st.floats(1e-2, 1e2), x0=st.sampled_from([-1.5, -1.0, 1.0, 2.0]),
       frac=st.floats(0.01, 1.99))
def test_two_sided_quadratics_never_beat_the_best_known_bound(ctx, a, rel, x0, frac):
    """ADZ Theorem 3 holds on non-quadratic PL functions whose constants are exact; target() pushes
    the ratio to the bound toward its supremum."""
    f1, bound = _one_step_ratio_vs(pl.adz_factor, *_pair(ctx, a, a * rel, x0, frac), ctx)
    target(float(f1 / bound), label="gap ratio / ADZ factor")
    assert float(f1) <= float(bound)


def test_a_squared_best_known_bound_is_caught(ctx):
    """The same check rejects ADZ² (a wrong constant): μ = 0.1β, η = 1/β, started on the flat side."""
    f1, bound = _one_step_ratio_vs(lambda m, b, e: pl.adz_factor(m, b, e) ** 2, *_pair(ctx, 0.1, 1.0, 1.0, 1.0), ctx)
    assert float(f1) > float(bound)
    record(TID, counterexamples=1, note="ADZ² is broken by f = x²/20 on x ≥ 0, x²/2 on x < 0")


def test_tightness_table_orders_measured_pepit_adz_proved(ctx):
    """measured ≤ PEPit ≤ ADZ ≤ proved factor ≤ textbook on every row; every PL family under ADZ."""
    rows = pl.tightness(ctx)
    grid = [r for r in rows if "adz_value" in r]
    assert len(grid) == len(pl.TIGHTNESS_GRID)
    for r in grid:
        pep = r["pepit_value"]
        upper = min(r["adz_value"], r["proved_value"]) if pep is None else pep + descent_lemma.PEPIT_TOL
        assert r["measured_value"] <= upper, r
        assert r["adz_value"] <= r["proved_value"] + pl.gamma(16), r
        if pep is not None:
            assert pep <= r["adz_value"] + descent_lemma.PEPIT_TOL, r
        assert r["verdict"] != Verdict.FALSE.value
    for r in rows:
        if "adz_violations" in r:
            assert r["adz_violations"] == 0, r


def test_the_adz_formula_as_pepit_codes_it_is_rejected(ctx):
    """PEPit 0.5.1's example code squares only the root: not scale-free, and above 1 (vacuous) at μ = 0.9β, η = 0.05/β."""
    from dlverify.theorems.core import Simplification

    rel = sp.Eq(pl._rescaled(pl.ADZ_FIRST_AS_CODED), pl.ADZ_FIRST_AS_CODED)
    assert not certify(rel, Simplification(), {}).ok
    as_coded = float(pl.ADZ_FIRST_AS_CODED.subs({pl.mu: 0.9, pl.beta: 1, pl.eta: 0.05}))
    ours = float(pl.ADZ_BRANCHES[0].subs({pl.mu: 0.9, pl.beta: 1, pl.eta: 0.05}))
    assert as_coded > 1 > ours
    record(TID, counterexamples=1, note=f"PEPit example's ADZ as coded = {as_coded:.4f} > 1 at μ = 0.9β, η = 0.05/β")


def test_pepit_stays_below_adz():
    pytest.importorskip("PEPit")
    from dlverify.theorems.descent_lemma import PEPIT_TOL

    one = torch.ones(1, dtype=torch.float64)
    for r, s in pl.TIGHTNESS_GRID:
        assert pl.pepit_pl_worst(r, s) <= float(pl.adz_factor(one * r, one, one * s)) + PEPIT_TOL

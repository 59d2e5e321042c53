"""Property checks for PL convergence, PL* and wide networks (the generic checks are in test_registry.py)."""

from __future__ import annotations

import dataclasses
import math

import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import networks, smooth
from dlverify.numerics import pl_convergence as npl
from dlverify.numerics.contract import measure_on
from dlverify.numerics.device import RunContext, gamma
from dlverify.numerics.evidence import measure_relation
from dlverify.theorems import pl_convergence as pl
from dlverify.theorems.core import (
    DlverifyError,
    StepMark,
    TightnessRow,
    assess,
    certify,
    decide,
    exact_measurement,
    find_proof,
    same_relation,
    tightness_verdict,
)
from dlverify.theorems.evidence import Basis, Verdict

pytestmark = pytest.mark.xdist_group(
    "pl_convergence"
)  # with the generic tests of this theorem: one evaluation

TID = "pl_convergence"
TH = pl.THEOREM
families = st.sampled_from(smooth.PL_FAMILIES)
seeds = st.integers(0, 2**31 - 1)
dims = st.integers(1, 10)


def _assess_measured(claim, ctx, marks=()):
    """A claim's verdict from its measurements (and the given marks only): a false verdict never
    depends on a proof, so the refutation tests need no search of the derivation."""
    return assess(TH, claim, list(marks), lambda c: npl.measure(c, ctx))


def test_the_smoothness_assumption_is_proved_in_the_descent_lemma():
    """The assumption 'smooth_step' is the descent lemma's step tight_form, with β for L."""
    from dlverify.theorems import descent_lemma as dl

    if not all(hasattr(dl, n) for n in ("f1", "f0", "g2", "L", "eta")):
        pytest.skip("descent_lemma's symbols moved")
    steps = [s for s in dl.THEOREM.derivation if s.key == "tight_form"]
    if not steps:
        pytest.skip("descent_lemma has no step tight_form")
    mapped = steps[0].relation.subs({dl.f1: pl.L1, dl.f0: pl.L0, dl.g2: pl.g2, dl.L: pl.beta, dl.eta: pl.eta})
    assert same_relation(mapped, TH.assumption("smooth_step").relation)


def test_contraction_certificate_rejects_rate_2_eta_mu():
    wrong = sp.Le(pl.L1, pl.Ls + (1 - 2 * pl.mu * pl.eta) * (pl.L0 - pl.Ls))
    standard.certificate_rejects(pl, "contraction", wrong)


def test_tight_certificate_rejects_the_squared_factor():
    wrong = sp.Le(pl.L1, pl.Ls + pl._rho_tight**2 * (pl.L0 - pl.Ls))
    standard.certificate_rejects(pl, "contraction_tight", wrong)


def _one_rule(frac, top="1/beta"):
    return ("le", sp.sympify(top, locals={"beta": pl.beta}), (frac,))


@given(family=families, d=dims, frac=st.floats(0.01, 1.0), seed=seeds)
def test_one_step_contraction_holds(ctx, family, d, frac, seed):
    run = npl._run(ctx, family, _one_rule(frac), True, True, 10, B=3, d=d, seed=seed)
    m = npl._measure_runs(TH.claim("one_step"), [(run, family, seed)], "step", "hypothesis")
    record(TID, counterexamples=m.violations, ratio=m.worst_ratio)
    target(m.worst_ratio or 0.0, label="measured / predicted factor")
    assert m.violations == 0, m.counterexample


@given(family=families, d=dims, psi=st.floats(0.0, 50.0), seed=seeds)
def test_tight_factor_holds_up_to_2_over_beta(ctx, family, d, psi, seed):
    rule = ("eq", pl.eta_full, (psi,))
    run = npl._run(ctx, family, rule, True, True, 10, B=3, d=d, seed=seed)
    m = npl._measure_runs(TH.claim("tight_factor"), [(run, family, seed)], "step", "hypothesis")
    record(TID, counterexamples=m.violations, ratio=m.worst_ratio)
    target(m.worst_ratio or 0.0, label="measured / tight factor")
    assert m.violations == 0, m.counterexample


def test_quadratic_attains_the_tight_factor(ctx):
    ms = npl._extremal_quadratic(TH, TH.claim("tight_factor"), ctx, "step")
    record(TID, note="½λx², λ = 2^k: ratio = (1 − ηλ)² within rounding")
    assert ms and all(m.attained and m.violations == 0 for m in ms), ms


@given(m=st.integers(1, 4096), seed=seeds)
def test_hessian_bound_at_every_width(ctx, m, seed):
    net = networks.TwoLayer(8, 5, m, seed=seed, device=ctx.device, dtype=ctx.dtype)
    H = float(net.hessian_norm())
    bound = networks.SUP_TANH_2ND * float((net.X**2).sum(-1).max()) / math.sqrt(m)
    record(TID, ratio=H / bound)
    assert H <= bound * (1 + gamma(64))


def test_ntk_closed_form_matches_torch_func(ctx):
    r = npl.ntk_chain(ctx)
    record(TID, note=f"torch.func vs closed form: {r['max_dev']:.2e}")
    assert r["max_dev"] <= r["tol"]


def test_hessian_norm_of_a_diagonal_is_the_largest_absolute_entry():
    """The primitive of 000:163: torch's spectral norm of a diagonal matrix against max |d_i|,
    including all-negative diagonals (where max d_i is not the norm)."""
    d = torch.tensor([-0.7, -0.2, -0.05], dtype=torch.float64)
    assert float(torch.linalg.matrix_norm(torch.diag(d), ord=2)) == pytest.approx(0.7, rel=1e-15)
    assert float(d.max()) < 0


# --------------------------------------------------------------------------- necessity

NEC = settings(
    max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)


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
        return float(torch.nn.functional.softplus(w)) > (1 - eta * mu) ** T * f0 * (1 + gamma(4 * T + 8))

    ex = find(
        st.fixed_dictionaries({"mu": st.floats(1e-3, 0.25), "T": st.integers(1, 4000)}), fails, settings=NEC
    )
    record(TID, counterexamples=1, counterexample=ex, note="smooth, not PL: geometric rate fails")


def test_wrong_f_star_offset_breaks_pl(ctx):
    """PL with f* replaced by f* + c (c > 0) fails at the minimizer: 0 ≥ μc is false."""
    batch = smooth.make_pl("pl_sin", 1, 3, seed=0, device=ctx.device, dtype=ctx.dtype)
    f, g = batch.value_and_grad(torch.zeros(1, 3, dtype=ctx.dtype, device=ctx.device))
    assert float(0.5 * (g * g).sum()) < float(batch.mu[0]) * (float(f[0]) - (0 - 0.1))
    record(TID, counterexamples=1, note="PL with f* + 0.1 fails at the minimizer")


def test_step_above_2_over_beta_diverges(ctx):
    run = npl._run(ctx, "pl_quadratic", _one_rule(1.05, "2/beta"), True, True, 20, B=4, d=1, seed=1)
    assert bool((run.traj.f[-1] > run.traj.f[0]).all())
    record(TID, counterexamples=1, note="η = 2.1/β: the gap grows")


@pytest.mark.parametrize("drop", ["smooth_step", "pl", "eta_le"])
def test_dropping_an_assumption_gives_a_counterexample(ctx, drop):
    one = TH.claim("one_step")
    v = one.variant(f"drop_{drop}", f"without {drop}", assumptions=[a for a in one.assumptions if a != drop])
    r = _assess_measured(v, ctx)
    record(
        TID,
        counterexamples=int(r.verdict is Verdict.FALSE),
        counterexample=r.counterexample,
        note=f"drop {drop}",
    )
    assert r.verdict is Verdict.FALSE, r.detail


def test_changing_an_assumption_changes_what_is_tested(ctx):
    """Widening 'η ≤ 1/β' to 'η ≤ 4/β' makes the same claim fail: the step sizes come from the
    assumption's relation, not from a constant of the numeric side."""
    wide = [
        dataclasses.replace(a, relation=sp.Le(pl.eta, 4 / pl.beta)) if a.key == "eta_le" else a
        for a in TH.assumptions
    ]
    th2 = dataclasses.replace(TH, assumptions=wide)
    claim = TH.claim("one_step")
    assert sum(m.violations for m in measure_on(npl.families(th2), claim, ctx)) > 0
    assert sum(m.violations for m in measure_on(npl.families(TH), claim, ctx)) == 0


def test_bad_input_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="d > n"):
        smooth.overparam_lsq(1, 5, 3, seed=0, device=ctx.device)
    with pytest.raises(DlverifyError, match="unknown PL family"):
        smooth.make_pl("nope", 1, 3, seed=0, device=ctx.device)


# --------------------------------------------------------------------------- regressions (issue 12)


def test_regression_ball_is_proved_only_by_its_own_relation(ctx):
    """The ball claim used to name the radius identity as its proof.  Now a step proves it only
    if the step's relation is the claim's: the radius identity does not, a step with the ball's
    relation would, and with no such step the claim is 'measured only'."""
    ball = TH.claim("ball")
    ident = next(s for s in TH.derivation if s.key == "radius_identity")
    fake = StepMark("path_radius", "", "", "simplification", True, "", (), ident.relation)
    assert find_proof(ball.relation, ball.assumptions, [fake]) is None
    good = StepMark("ball_step", "", "", "x", True, "", ("pl",), ball.relation)
    assert find_proof(ball.relation, ball.assumptions, [good]) is not None
    r = _assess_measured(ball, ctx, [fake])
    assert r.verdict.holds and r.basis is Basis.MEASURED and r.proof is None


@pytest.mark.parametrize("factor", [sp.Rational(9, 10), sp.Rational(1, 4)])
def test_regression_a_stronger_ball_radius_is_refuted(ctx, factor):
    """A stronger radius is refuted where ½λx² at η = 1/β attains the radius."""
    ball = TH.claim("ball")
    v = dataclasses.replace(
        ball.variant("stronger", "stronger radius", sp.Le(pl.dist, factor * pl.R_NEEDED)),
        tight_on="pl_quadratic",
    )
    r = _assess_measured(v, ctx)
    assert r.verdict is Verdict.FALSE
    ext = [m for m in npl.measure(v, ctx) if m.how.startswith("extremal") and m.violations]
    assert ext, "the extremal case ½λx² at η = 1/β must refute it"


def test_regression_a_nan_bound_is_false(ctx):
    """A bound that is NaN on every instance is a violation everywhere, never 'verified'."""
    nan_rel = sp.Le(pl.a1, sp.sqrt(-1 - pl.eta * pl.mu) * pl.a0)
    v = TH.claim("one_step").variant("nan_bound", "NaN bound", nan_rel)
    ms = [m for m in npl.measure(v, ctx) if not m.skipped]
    assert ms and all(m.violations == m.checked > 0 for m in ms)
    assert _assess_measured(v, ctx).verdict is Verdict.FALSE
    # and the primitive itself: a NaN slack is a violation
    m = measure_relation(
        sp.Le(pl.a1, pl.a0),
        {"a1": torch.tensor([float("nan"), 0.0]), "a0": torch.tensor([1.0, 1.0])},
        0.0,
        how="primitive",
    )
    assert m.violations == 1


def test_regression_one_step_domain_and_an_absurd_factor(ctx):
    """The one_step domain no longer contains the claim (so its stronger mutants are not all
    'open'), and the absurd factor 1 − 10ημ is refuted."""
    one = TH.claim("one_step")
    assert not any(same_relation(d, one.relation) for d in one.domain)
    v = next(w for w in TH.wrong_variants if w.key == "rate_10_eta_mu")
    r = _assess_measured(v, ctx)
    record(
        TID, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample, note="1 − 10ημ"
    )
    assert r.verdict is Verdict.FALSE


def test_regression_tight_only_from_attainment_of_the_claims_own_relation(ctx):
    """tight_on names the family; 'tight' comes only from the measured attainment of the
    claim's relation there: a weakened relation on the same family is verified, not tight."""
    tf = TH.claim("tight_factor")
    loose = dataclasses.replace(tf, relation=sp.Le(pl.a1, (1 + pl._rho_tight) / 2 * pl.a0 + pl.a0 / 100))
    ms = npl.measure(loose, ctx)
    assert any(m.attained is False for m in ms) and not any(m.attained for m in ms)
    assert decide("x", "", "", None, ms).verdict is Verdict.VERIFIED
    assert decide("x", "", "", None, npl.measure(tf, ctx)).verdict is Verdict.TIGHT


def test_regression_tightness_verdicts_come_from_rows(ctx):
    rows = npl.tightness(ctx)
    assert rows and all(isinstance(r, TightnessRow) for r in rows)
    for r in rows:
        assert r.verdict is tightness_verdict(r) and r.verdict is not Verdict.FALSE, r
    grid = rows[: len(npl.TIGHTNESS_GRID)]
    for r in grid:  # the proved factor is not the worst case for μ < β: ADZ (or PEPit) is below it
        assert r.better is not None and r.better < r.bound - r.tol and r.verdict is Verdict.LOOSE, r


def test_regression_pepit_solves_are_cached(ctx, monkeypatch):
    calls = []
    from dlverify.numerics import pl_worst

    solve = pl_worst._solve_pepit_pl
    monkeypatch.setattr(pl_worst, "_solve_pepit_pl", lambda *a: calls.append(a) or solve(*a))
    fresh = RunContext(ctx.device, ctx.seed, ctx.profile, ctx.dtype)  # one run, its cache empty
    npl.pepit_pl_worst(fresh, 0.1, 0.5)
    npl.pepit_pl_worst(fresh, 0.1, 0.5)
    assert len(calls) == 1


# --------------------------------------------------------------------- tightness against the best known bound


def _one_step_ratio_vs(factor, a, b, x0, frac):
    batch = smooth.two_sided(a, b, x0)
    traj = smooth.gradient_descent(batch, frac / batch.L, 1)
    return traj.f[1], factor(batch.mu, batch.L, traj.eta) * traj.f[0] + traj.err[0]


def _pair(ctx, a, b, x0, frac):
    t = lambda v: torch.tensor([v], dtype=ctx.dtype, device=ctx.device)  # noqa: E731
    return t(a), t(b), t(x0), frac


@given(
    a=st.floats(1e-2, 1e2),
    rel=st.floats(1e-2, 1e2),
    x0=st.sampled_from([-1.5, -1.0, 1.0, 2.0]),
    frac=st.floats(0.01, 1.99),
)
def test_two_sided_quadratics_never_beat_the_best_known_bound(ctx, a, rel, x0, frac):
    f1, bound = _one_step_ratio_vs(npl.adz_factor, *_pair(ctx, a, a * rel, x0, frac))
    target(float(f1 / bound), label="gap ratio / ADZ factor")
    assert float(f1) <= float(bound)


def test_a_squared_best_known_bound_is_caught(ctx):
    f1, bound = _one_step_ratio_vs(
        lambda m, b, e: npl.adz_factor(m, b, e) ** 2, *_pair(ctx, 0.1, 1.0, 1.0, 1.0)
    )
    assert float(f1) > float(bound)
    record(TID, counterexamples=1, note="ADZ² is broken by f = x²/20 on x ≥ 0, x²/2 on x < 0")


def test_the_adz_formula_as_pepit_codes_it_is_rejected():
    """PEPit 0.5.1's example code squares only the root: not scale-free, and above 1 at \
μ = 0.9β, η = 0.05/β."""
    from dlverify.theorems.core import Simplification

    assert not certify(
        sp.Eq(pl._rescaled(pl.ADZ_FIRST_AS_CODED), pl.ADZ_FIRST_AS_CODED), Simplification(), {}
    ).ok
    pt = {pl.mu: 0.9, pl.beta: 1, pl.eta: 0.05}
    assert float(pl.ADZ_FIRST_AS_CODED.subs(pt)) > 1 > float(pl.ADZ_BRANCHES[0].subs(pt))


def test_pepit_stays_below_adz(ctx):
    pytest.importorskip("PEPit")
    one = torch.ones(1, dtype=torch.float64)
    for r, s in npl.TIGHTNESS_GRID:
        assert npl.pepit_pl_worst(ctx, r, s) <= float(npl.adz_factor(one * r, one, one * s)) + npl.PEPIT_TOL


# --------------------------------------------------------------------------- source lines (issue 13)

V, T_, L_, F, N, NC = (
    Verdict.VERIFIED,
    Verdict.TIGHT,
    Verdict.LOOSE,
    Verdict.FALSE,
    Verdict.NEEDS_ASSUMPTION,
    Verdict.NOT_CHECKED,
)
EXPECTED = {
    "n_constraints": NC,
    "interp_count": NC,
    "interp_system": NC,
    "convex_minimisers": V,
    "solution_manifold": NC,
    "pl_implies_rate": N,
    "tangent_kernel_def": V,  # K = ∇F∇Fᵀ PSD (2×3)
    "thm_4_1": T_,
    "thm_4_1_grad": V,
    "thm_4_1_kernel": Verdict.MISPRINT,
    "thm_4_1_rayleigh": V,
    "thm_4_1_loss": V,
    "thm_4_1_mu": V,
    "kappa_def": V,  # the factor 1 − κ⁻¹ = 1 − μ/β at η = 1/β
    "linear_kernel": V,
    "linear_hessian": V,
    "linear_kappa": V,
    "kappa_random": NC,
    "kappa_limit": V,  # Gaussian A: the Davidson–Szarek bound, measured; its limit 1 certified
    "thm_4_2_radius": Verdict.MISPRINT,  # √(wβL₀): w for 2
    "thm_4_2_existence": L_,
    "thm_4_2_rate": V,
    "rate_goal": V,
    "inverse_condition": V,
    "sq_loss": V,
    "pl_prose": Verdict.MISPRINT,  # ‖∇L‖ ≥ μL for line 70's ½‖∇L‖² ≥ μL
    "pl_and_conditions": V,  # the conditions of lines 128–130
    "hessian_bounded": V,
    "gd_step_mu": Verdict.MISPRINT,
    "taylor": V,  # one instance: w' = (4/3, 1/3)
    "taylor_substituted": V,
    "taylor_le_same": V,
    "taylor_hessian": V,
    "taylor_step": V,
    "taylor_pl": V,
    "taylor_factor": V,
    "taylor_rate": V,
    "rate_factor": V,
    "sgd_similar": NC,
    "ball_radius": Verdict.MISPRINT,  # R ≤ for R =
    "step_length": V,
    "descent_half": V,
    "hessian_control": NC,
    "two_layer_model": NC,
    "two_layer_grad": V,
    "two_layer_ntk_diag": V,
    "kernel_trace": V,
    "two_layer_hessian": V,
    "two_layer_hnorm": Verdict.MISPRINT,  # max_i H_ii for max_i |H_ii|
    "two_layer_hnorm_rate": V,
    "wide_limit": V,  # slopes of ‖H‖ and the GD kernel drift ≤ −½ (measured)
    "hessian_control_gd": NC,
    "deep_width": NC,
    "phi_kernel": V,  # slope of ‖K_g‖ ≤ 0, φ(u) = u + u²/2 (measured)
    "phi_hessian": V,  # slope of ‖H_g‖ = 0, φ'' = 1 (measured)
    "phi_pl": Verdict.MISPRINT,  # |φ'| > φ for |φ'| > ρ
    "phi_rate": Verdict.MISPRINT,  # the exponent t
    "def_pl_002": Verdict.MISPRINT,  # ∇f(x) for ∇f(w)
    "def_wqc_002": NC,
    "def_rsi_002": NC,
    "claim_6_2_2_pl": V,
    "claim_6_2_2_rsi": V,
    "pl_grad_nonzero": V,
    "pl_generalises_sc": V,
    "def_pl_003": V,
    "pl_global_001": N,
    "pl_form_001": V,
    "nngp_001": V,  # PSD (two-point θ)
    "ntk_001": NC,
    "ntk_width_001": V,  # slope of ‖K_m − K_∞‖ = −½ at init (measured)
    "linnet_loss": V,
    "linnet_shapes": F,
    "linnet_gd": NC,
    "linnet_thm_4_1": NC,
    "linnet_thm_4_3": V,  # measured on GD paths from the zero-asymmetric start (deterministic)
    # issue 20, the lines of the ranges without an entry before (000 lecture 4, 002, 004)
    "nonconvex_locally": V,  # ½(w₁w₂ − 1)²: an indefinite Hessian next to w* = (1, 1)
    "sep_exp_smooth": F,  # e^{−u} is not β-smooth on ℝ
    "sep_gd_update": V,
    "sep_descent_dir": V,
    "sep_signs": Verdict.MISPRINT,  # both signs swapped
    "sep_no_critical": V,
    "sep_gd_critical": NC,
    "sep_norm_diverges": V,  # measured: log L against log t has slope −1 (separable data, exact w_svm)
    "sep_global_min": V,  # the same slope: L → 0 = inf L
    "sep_exp_tails": NC,
    "sep_log_t": V,  # the leading term w(t)/log t → w_svm measured; o(log log t) not measured
    "sep_direction": V,  # the direction gap falls (slope against log log t < 0)
    "sep_margins_diverge": V,  # min margin against log t: slope 1
    "sep_exp_grad": V,
    "sep_min_margin": NC,
    "sep_support_vectors": NC,
    "sep_sv_span": NC,
    "sep_kkt": NC,
    "sep_rate": V,  # the gap against log log t: slope ≤ −1 within its geometric-tail interval
    "sep_test_loss": NC,
    "three_properties_fast": V,
    "nguyen_uncountable": NC,
    "nguyen_no_bad_valley": NC,
    "nguyen_no_strict_min": NC,
    "nguyen_no_max": NC,
}


def test_every_source_line_has_an_expected_verdict():
    assert set(EXPECTED) == {ln.key for ln in TH.as_written}
    assert len({ln.key for ln in TH.as_written}) == len(TH.as_written)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_source_line_verdict(ctx, key):
    j, _, _ = standard.evaluation(TID, ctx).line(key)
    record(TID, note=f"{key}: {j.verdict.value}")
    assert j.verdict is EXPECTED[key], (key, j.detail)


def _point_refutes(rel, point, assumptions=()):
    """An exact point, inside the named assumptions, at which ``rel`` is false."""
    rels = [TH.assumption(a).relation for a in assumptions]
    m = exact_measurement(rel, rels, point)
    return m.checked == 1 and m.violations == 1


def test_decided_definitions_refuse_their_wrong_variants():
    """Issue 20: 000:76, 000:119, 000:129, 000:178 and 001:125, decided by what their constants
    assert; each certificate refuses a plausibly wrong version (a sign, a factor, a shape), and an
    exact point inside the step's hypotheses refutes it."""
    X, r2 = pl._X, pl._r2
    quad = (r2.T * X * X.T * r2)[0]
    wrong_psd = sp.Le(quad, 0)  # K negative semidefinite
    standard.certificate_rejects(pl, "kernel_psd", wrong_psd)
    one = {s_: 0 for s_ in X.free_symbols | r2.free_symbols} | {X[0, 0]: 1, r2[0]: 1}
    assert _point_refutes(wrong_psd, one)
    assert (X.T * X).shape == (3, 3) != (2, 2)  # ∇Fᵀ∇F is m×m, not the printed n×n
    # the loss without its ½: ½‖∇L‖² is four times ½ rᵀKr
    no_half = sp.Eq(
        sum(sp.Derivative(2 * pl._sqloss, wi) ** 2 for wi in pl._ww) / 2,
        pl.SQ_LOSS_KERNEL.rhs,
        evaluate=False,
    )
    standard.certificate_rejects(pl, "sq_loss_kernel", no_half)
    # assumption 3 giving β/2 instead of β
    half_beta = sp.Le(pl.HESS_BOUND_EIG.lhs, pl.HESS_BOUND_EIG.rhs / 2)
    standard.certificate_rejects(pl, "hess_bound_eig", half_beta)
    pt = {pl.beta: 1, **{h: 1 for h in pl.hev}, pl.c[0]: 1, pl.c[1]: 0, pl.c[2]: 0}
    assert _point_refutes(half_beta, pt, ("hess_ev1", "hess_ev2", "hess_ev3"))
    # the composition with 2μρ² for μρ²
    two = sp.Ge(pl.qK, 2 * pl.PHI_PL.rhs)
    standard.certificate_rejects(pl, "phi_pl", two)
    pt = {pl.qK: 1, pl.mu: 1, pl.rho: sp.Rational(9, 10), pl.zc[0]: 1, pl.zc[1]: 0}
    pt |= {pl.dphi[0]: 1, pl.dphi[1]: 1}
    assert _point_refutes(two, pt, ("kf_cond", "phi_rho1", "phi_rho2"))
    # the kernel E[f f'] with its sign changed
    neg = sp.Ge(-pl.NNGP_PSD.lhs, 0)
    standard.certificate_rejects(pl, "nngp_psd", neg)
    pt = {pl.pw[0]: 1, pl.pw[1]: 0, **{f: 0 for f in pl.fv}, pl.fv[0]: 1, pl.c[0]: 1, pl.c[1]: 0}
    assert _point_refutes(neg, pt)


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        ("kappa_def", "gapT <= gap0*(1 - 2*mu/beta)**T"),  # the factor 1 − 2κ⁻¹
        ("pl_and_conditions", None),  # PL without the conditions of lines 128–130
        ("kappa_limit", "kappa <= 1 + sqrt(n_A/m_A)"),  # κ − 1 is about 4√(n/m), not √(n/m)
        ("three_properties_fast", None),  # 002:1293 without smoothness
        ("three_properties_fast", "gapT <= gap0*(1 - 2*eta*mu)**T"),  # the factor 1 − 2ημ
        ("linnet_thm_4_3", "R_T <= R_0*(1 - 2*eta)**T"),  # 004:134 with 2η for η/2: R(1) = (1 − η)²R(0)
    ],
)
def test_decided_rate_lines_refuse_their_wrong_variants(ctx, key, wrong):
    """000:86, 000:122 and 000:96 (issue 20): the rate 1 − 2κ⁻¹, the rate from PL alone, and κ(AAᵀ) ≤
    1 + √(n/m) for Gaussian A are refuted; 002:1293 without smoothness or at 1 − 2ημ; 004:134 at the
    rate (1 − 2η)^t (the first step alone contracts R by (1 − η)² > 1 − 2η)."""
    line = next(ln for ln in TH.as_written if ln.key == key)
    if wrong is None:
        v = line.reading.variant(f"{key}_pl_only", "PL alone", assumptions=("pl",))
    else:
        rel = sp.parse_expr(wrong, local_dict={s_.name: s_ for s_ in line.reading.relation.free_symbols})
        v = line.reading.variant(f"{key}_wrong", wrong, rel)
    r = _assess_measured(v, ctx)
    record(TID, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample, note=key)
    assert r.verdict is Verdict.FALSE, r.detail


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        ("wide_limit", "slope_wide <= -1"),  # ‖H‖ ∝ 1/m
        ("wide_limit", "Eq(slope_wide, 0)"),  # H and the kernel's drift not falling with m
        ("phi_kernel", "slope_Kg <= -1/2"),  # ‖K_g‖ = O(m^{-1/2})
        ("phi_hessian", "Eq(slope_Hg, -1/2)"),  # H_g → 0 as H_f does, although φ'' ≠ 0
        ("ntk_width_001", "Eq(slope_ntk, -1)"),  # the kernel at init converging at the rate 1/m
        ("ntk_width_001", "Eq(slope_ntk, 0)"),  # no concentration
    ],
)
def test_decided_width_lines_refuse_their_wrong_variants(ctx, key, wrong):
    """000:164, 000:172–173 and 001:131 (issue 20), decided by log–log slopes in the width with
    their intervals: a wrong exponent lies outside its interval and is refuted."""
    line = next(ln for ln in TH.as_written if ln.key == key)
    rel = sp.parse_expr(wrong, local_dict={s_.name: s_ for s_ in line.reading.relation.free_symbols})
    r = _assess_measured(line.reading.variant(f"{key}_wrong", wrong, rel), ctx)
    record(TID, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample, note=key)
    assert r.verdict is Verdict.FALSE, r.detail


def test_widths_drift_falls_on_its_own(ctx):
    """The kernel's drift row of 000:164 refutes a drift that does not fall by itself (not only
    through ‖H‖), and the φ'' = 1 Hessian keeps a slope far above ‖H_f‖'s −½."""
    fits = npl.width_draws(ctx)["fits"]
    assert fits["drift"].hi < 0 and not fits["drift"].contains(0.0)
    assert fits["Hg"].lo > -0.5 and fits["Kg"].lo > -0.5  # −½ (H_f's exponent) outside both intervals
    assert all(f.level == npl.WIDTH_LEVEL for f in fits.values())


def test_widths_closed_forms_match_torch_func():
    """The chain of trust of the width draws: ‖H_g(x)‖₂ of g = φ∘f (φ(u) = u + u²/2) from the secular
    equation of diag(φ'(f)h) + s sᵀ equals the spectral norm of torch.func's Hessian (small width), and
    the Gauss–Hermite K_∞ agrees with a finer rule and with a Monte Carlo mean of the kernel."""
    from torch.func import hessian

    g = torch.Generator().manual_seed(5)
    m, d = 7, 3
    x = torch.randn(d, generator=g, dtype=torch.float64)
    x = x / x.norm()
    W = torch.randn(m, d, generator=g, dtype=torch.float64)
    v = torch.where(torch.rand(m, generator=g, dtype=torch.float64) < 0.5, -1.0, 1.0).to(torch.float64)

    def gfun(W_):
        f_ = (v * torch.tanh(W_ @ x)).sum() / math.sqrt(m)
        return f_ + f_**2 / 2

    H = hessian(gfun)(W).reshape(m * d, m * d)
    z = W @ x
    f = (v * torch.tanh(z)).sum() / math.sqrt(m)
    h, s_ = v * networks.dd_tanh(z) / math.sqrt(m), v * networks.d_tanh(z) / math.sqrt(m)
    closed = float(npl._diag_rank_one_norm((1 + f) * h, s_)) * float(x @ x)
    assert closed == pytest.approx(float(torch.linalg.matrix_norm(H, ord=2)), rel=1e-12, abs=1e-14)
    # the secular equation on a diagonal that outweighs the rank-one term (the smallest eigenvalue wins)
    D = torch.tensor([[-3.0, 0.5, 1.0]], dtype=torch.float64)
    s2 = torch.tensor([[0.3, 0.2, 0.1]], dtype=torch.float64)
    M = torch.diag_embed(D) + s2[..., :, None] * s2[..., None, :]
    ref = float(torch.linalg.matrix_norm(M, ord=2))
    assert float(npl._diag_rank_one_norm(D, s2)) == pytest.approx(ref, rel=1e-12)
    X = torch.randn(4, 3, generator=g, dtype=torch.float64)
    X = X / X.norm(dim=-1, keepdim=True)
    K_inf = npl._ntk_limit(X)
    assert float((K_inf - npl._ntk_limit(X, 240)).abs().max()) < 1e-9
    N = 200_000  # Monte Carlo: σ'σ' ∈ [0, 1] has standard deviation ≤ ½, so the mean is off by < 6·½/√N
    S = networks.d_tanh(X @ torch.randn(N, 3, generator=g, dtype=torch.float64).T)
    K_mc = (X @ X.T) * (S @ S.T) / N
    assert float((K_mc - K_inf).abs().max()) < 6 * 0.5 / math.sqrt(N)


def test_lecture_4_lines_refuse_their_wrong_variants():
    """Issue 20: 000:120 and 000:217, 225, 228, 229, 230, 249 (Soudry et al.'s lecture) decided by
    their sympy certificates; each refuses a plausibly wrong version (l for l′, a sign, the
    exponent's sign, convexity near w*)."""
    from dlverify.theorems.evidence import evaluated

    lhs = pl.SEP_GRAD.lhs
    ell_only = pl._xs[0, :].T * pl.ell(pl._marg[0]) + pl._xs[1, :].T * pl.ell(pl._marg[1])
    standard.certificate_rejects(pl, "sep_grad", sp.Eq(lhs, ell_only, evaluate=False))  # l for l′
    standard.certificate_rejects(pl, "sep_grad", sp.Eq(lhs, -pl.SEP_GRAD.rhs, evaluate=False))
    wrong_exp = sp.exp(pl._marg[0]) * pl._xs[0, :].T + sp.exp(pl._marg[1]) * pl._xs[1, :].T
    standard.certificate_rejects(pl, "exp_neg_grad", sp.Eq(pl.EXP_NEG_GRAD.lhs, wrong_exp, evaluate=False))
    # at w = (1, 0), x_1 = e_1, x_2 = e_2 the printed −∇L is (e^{−1}, 1); e^{+wᵀx} gives (e, 1)
    pt = {pl._ws[0]: 1, pl._ws[1]: 0, **dict(zip(pl._xs, (1, 0, 0, 1)))}
    got = pl.EXP_NEG_GRAD.lhs.doit().subs(pt)
    assert got == pl.EXP_NEG_GRAD.rhs.subs(pt) == sp.Matrix([sp.exp(-1), 1]) != wrong_exp.subs(pt)
    # 228/230: the sum of (l′ < 0)·(x_iᵀw* > 0) terms is < 0 and ≠ 0; "> 0" and "= 0" are false
    s_ = pl.lslope[0] * pl.sepm[0] + pl.lslope[1] * pl.sepm[1]
    assert evaluated(sp.Lt(s_, 0)) is sp.true and evaluated(sp.Ne(s_, 0)) is sp.true
    assert evaluated(sp.Gt(s_, 0)) is sp.false and evaluated(sp.Eq(s_, 0)) is sp.false
    # 229 as printed: l′(0) = −1 for the exponential loss
    line = next(ln for ln in TH.as_written if ln.key == "sep_signs")
    assert _point_refutes(line.reading.relation, {pl.u_l: 0})
    assert evaluated(line.corrected.relation) is sp.true
    # 000:120: "convex near w*" (det ∇²L ≥ 0 at (1 + ε, 1)) is refused, and false at ε = 1/10
    convex = sp.Ge(pl.NONCONVEX_NEAR_MIN.lhs, 0)
    standard.certificate_rejects(pl, "nonconvex_near_min", convex)
    assert _point_refutes(convex, {pl.eps_c: sp.Rational(1, 10)})
    # 217: the logistic loss is ¼-smooth (¼ − l″ = (1 − e^u)²/(4(1 + e^u)²) ≥ 0): the refusal is the
    # exponential loss's, not the definition's
    u = pl.u_l
    logistic_dd = sp.diff(sp.log(1 + sp.exp(-u)), u, 2)
    square = (1 - sp.exp(u)) ** 2 / (4 * (1 + sp.exp(u)) ** 2)
    assert sp.simplify(sp.Rational(1, 4) - logistic_dd - square) == 0
    rel = next(ln for ln in TH.as_written if ln.key == "sep_exp_smooth").reading.relation
    assert sp.factor(rel.lhs - rel.rhs).is_positive  # eβ > β for every β
    assert _point_refutes(rel, {pl.beta: 1})


def test_the_exact_counterexample_to_the_slide_shapes_is_exact():
    line = next(ln for ln in TH.as_written if ln.key == "linnet_shapes")
    from dlverify.theorems.core import point_measurement

    m = point_measurement(TH, line.reading, line.point)
    assert m.violations == 1 and m.checked == 1


def test_regression_kernel_instances_span_losses_above_one(ctx):
    """Issue 14's mutation re-run: the PL* kernel claim with ‖∇L‖² dropped, ½ ≥ L₀μ, survived
    because every network instance had a loss below 1; the instances now come at two residual
    scales and refute it, while the claim itself still holds on them."""
    c = TH.claim("pl_star_kernel")
    v = c.variant("g2_dropped", "½ ≥ L₀μ", sp.Ge(sp.Rational(1, 2), pl.L0 * pl.mu))
    assert _assess_measured(v, ctx).verdict is Verdict.FALSE
    assert _assess_measured(c, ctx).verdict in (Verdict.VERIFIED, Verdict.TIGHT)


def test_regression_overflowed_paths_are_left_out_not_violations():
    """Issue 14's thorough run: 200-step GD paths that diverge to inf (ηβ = 3) or underflow into
    subnormals made true relations read false; such evaluations are left out and counted, and a
    relation that fails inside the normal range is still refuted on the same paths."""
    from dlverify.numerics.device import RunContext

    ctx_t = RunContext("cpu", 20261123, "thorough")  # 200-step paths: some diverge, some underflow
    reading = next(s_.corrected for s_ in TH.as_written if s_.key == "pl_prose")  # ½‖∇L‖² ≥ μL under PL
    wrong = reading.variant("four_mu", "‖∇L‖² ≥ 4μL", sp.Ge(pl.g2, 4 * pl.mu * pl.L0))
    runs = [m for m in npl.measure(reading, ctx_t) if m.how.startswith("GD on every PL family")]
    assert runs and all(m.violations == 0 for m in runs)
    assert any("left out" in m.how for m in runs)
    assert any(m.violations for m in npl.measure(wrong, ctx_t))

"""Property checks for PAC-Bayes (Arora et al. §5.6).

Every randomized verdict here uses an exact one-sided binomial test whose family-wise
false-alarm probability is at most ``pac_bayes.ALPHA`` = 1e-6, with fixed seeds."""
from __future__ import annotations

import math

import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import pacbayes
from dlverify.theorems import pac_bayes as pb
from dlverify.theorems.core import DlverifyError, certify

TID = "pac_bayes"


def test_every_derivation_step_is_certified():
    standard.derivation_certified(pb)


def test_pinsker_certificate_rejects_a_larger_constant():
    step = [s for s in pb.DERIVATION if s.key == "pinsker"][0]
    wrong = sp.Ge(pb.kl_pq, 3 * (pb.pb - pb.qb) ** 2)
    assert not certify(wrong, step.certificate, {}).ok
    record(TID, note="kl ≥ 3(p − q)² rejected")


def test_log_tangent_certificate_rejects_a_wrong_tangent():
    step = [s for s in pb.DERIVATION if s.key == "log_tangent"][0]
    assert not certify(sp.Le(sp.log(pb.u), pb.u / 2 - 1), step.certificate, {}).ok


@given(q=st.floats(0, 1), c=st.floats(0, 5))
def test_kl_inverse_is_a_rigorous_upper_end(q, c):
    qt, ct = torch.tensor([q], dtype=torch.float64), torch.tensor([c], dtype=torch.float64)
    hi = pacbayes.kl_inverse_upper(qt, ct)
    assert float(hi) >= q
    assert float(hi) == 1.0 or float(pacbayes.kl_bernoulli(qt, hi)) >= c
    # monotone in c
    hi2 = pacbayes.kl_inverse_upper(qt, ct + 0.1)
    assert float(hi2) >= float(hi)
    record(TID)


@given(q=st.floats(0.001, 0.999), p=st.floats(0.001, 0.999))
def test_pinsker_numerically(q, p):
    kl = float(pacbayes.kl_bernoulli(torch.tensor(q), torch.tensor(p)))
    record(TID, ratio=2 * (p - q) ** 2 / kl if kl > 0 else None)
    assert kl >= 2 * (p - q) ** 2 - float(pacbayes.kl_error_bound(torch.tensor(q), torch.tensor(p)))


@given(theta=st.floats(-3, 3), theta0=st.floats(-3, 3), sigma=st.floats(0.2, 2), lam=st.floats(0.2, 2))
def test_gaussian_kl_formula_against_monte_carlo(theta, theta0, sigma, lam):
    """Closed form vs a Monte Carlo mean of log q/p (fixed seed, n = 200 000): within 6 standard
    errors.  log q/p is a quadratic in a Gaussian, so the CLT applies at this n; the normal tail
    beyond 6 s.e. is 2e-9, below 1e-7 over the profile's examples."""
    g = torch.Generator().manual_seed(0)
    n = 200_000
    x = theta + sigma * torch.randn(n, generator=g, dtype=torch.float64)
    lq = -((x - theta) ** 2) / (2 * sigma**2) - 0.5 * math.log(2 * math.pi * sigma**2)
    lp = -((x - theta0) ** 2) / (2 * lam) - 0.5 * math.log(2 * math.pi * lam)
    d = lq - lp
    closed = float(pb.GAUSS_KL_1D.subs({pb.sg: sigma, pb.lv: lam, pb.th: theta, pb.th0: theta0}))
    se = float(d.std()) / math.sqrt(n)
    record(TID, ratio=abs(float(d.mean()) - closed) / (se + 1e-300))
    assert abs(float(d.mean()) - closed) <= 6 * se


def test_registered_forms_cover(ctx):
    standard.registered_claims_hold(pb, ctx)


@pytest.mark.parametrize("variant", pb.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_rejected_by_the_coverage_test(ctx, variant):
    standard.wrong_variant_false(pb, ctx, variant)


def _assert_breaks(ctx, note, *, n, delta, **sim):
    """Theorem 5.6.1 with an assumption violated: the violation rate must exceed δ by the exact
    binomial test at ALPHA (a false alarm here would need P(Binomial(n, δ) ≥ k) < 1e-6)."""
    t, e, k = pb.simulate(ctx, n_samples=n, m=100, **sim)
    viol = int((t > pb.bound_values(pb.FORMS["arora_5_6_1"], e, k, 100, delta)).sum())
    p = pb.binomial_upper_pvalue(viol, n, delta)
    record(TID, counterexamples=int(p < pb.ALPHA), note=f"{note}: {viol}/{n} violations at δ = {delta}, p = {p:.2g}")
    assert p < pb.ALPHA


def test_loss_outside_0_1_breaks_the_bound(ctx):
    _assert_breaks(ctx, "losses in [0, 4]", n=20000, delta=0.05, K=1, seed=5, loss_scale=4.0)


def test_prior_chosen_after_the_sample_breaks_the_bound(ctx):
    _assert_breaks(ctx, "P = Q = ERM", n=2000, delta=0.5, K=5000, seed=6, data_dependent_prior=True)


def test_kl_form_never_looser_than_mcallester(ctx):
    q = torch.linspace(0, 1, 101, dtype=torch.float64)
    for kl in (0.0, 1.0, 50.0):
        a = pb.bound_values(pb.FORMS["seeger_kl"], q, torch.full_like(q, kl), 500, 0.05)
        b = pb.bound_values(pb.FORMS["mcallester_maurer"], q, torch.full_like(q, kl), 500, 0.05)
        assert bool((a <= b.clamp(max=1) + 4 * torch.finfo(torch.float64).eps).all())


def test_bad_input_is_a_clear_error():
    with pytest.raises(DlverifyError, match="kl inverse"):
        pacbayes.kl_inverse_upper(torch.tensor([1.5]), torch.tensor([0.1]))
    with pytest.raises(DlverifyError, match="in \\(0, 1\\)"):
        pacbayes.check_probability("delta", 0.0)


# --------------------------------------------------------------------------- Gaussian posteriors over linear classifiers

@settings(max_examples=5, deadline=None)
@given(d=st.integers(2, 12), t1=st.floats(-3, 3), t2=st.floats(0, 3), sigma=st.floats(0.3, 2.0), noise=st.floats(0, 0.4))
def test_linear_gibbs_risk_quadrature_against_monte_carlo(d, t1, t2, sigma, noise):
    """Chain of trust: the quadrature of E_Q L_D equals a joint (x, y, w) Monte Carlo estimate within
    Hoeffding's interval at false-alarm probability 1e-6 (losses in [0, 1]) plus the quadrature's
    own error (nodes doubled)."""
    theta = torch.zeros(d, dtype=torch.float64)
    theta[0], theta[1] = t1, t2
    s = torch.tensor([sigma], dtype=torch.float64)
    fine = float(pacbayes.linear_gibbs_risk_quadrature(theta[None], s, noise, n_psi=64, n_b=32)[0])
    coarse = float(pacbayes.linear_gibbs_risk_quadrature(theta[None], s, noise, n_psi=32, n_b=16)[0])
    n = 400_000
    mc, _ = pacbayes.linear_gibbs_risk_monte_carlo(theta, sigma, noise, n=n, seed=d)
    assert abs(fine - mc) <= math.sqrt(math.log(2 / 1e-6) / (2 * n)) + abs(fine - coarse)


def test_linear_setting_rejects_a_bound_without_complexity(ctx):
    """The Gaussian-linear coverage cells have teeth: 'risk ≤ empirical risk' is rejected there alone."""
    lin = [s for s in pb.SETTINGS if s.get("linear_d")]
    cov = pb.coverage(sp.Le(pb.risk, pb.qh), ctx, settings=lin)
    assert cov["rejected"]
    record(TID, counterexamples=1, note="risk ≤ q̂ fails on Gaussian posteriors over linear classifiers")


# --------------------------------------------------------------------------- the certificate on real data

def test_network_kl_vanishes_only_at_the_prior():
    """The network KL (step gauss_kl's formula per weight) is 0 when Q = P and grows when any weight
    moves or its variance changes (a sign or factor error in the wiring would break one of these)."""
    import math as _m

    from dlverify.numerics import stochastic_net as sn

    g = torch.Generator().manual_seed(0)
    mu0 = [torch.randn(4, 3, generator=g, dtype=torch.float64), torch.randn(3, generator=g, dtype=torch.float64)]
    rho = _m.log(_m.expm1(_m.sqrt(0.3)))
    at_prior = sn.GaussianPosterior([m.clone() for m in mu0], [torch.full_like(m, rho) for m in mu0])
    # σ = softplus(ρ) is √0.3 to a few ulp, so each of the 15 terms is 0 to ~1e-16
    assert abs(float(pb.network_kl(at_prior, mu0, 0.3))) <= 15 * 16 * 2**-52
    moved = sn.GaussianPosterior([m + 0.1 for m in mu0], [torch.full_like(m, rho) for m in mu0])
    # 15 weights moved by 0.1 with λ = 0.3: KL = 15 · 0.01 / (2 · 0.3) exactly
    assert abs(float(pb.network_kl(moved, mu0, 0.3)) - 15 * 0.01 / 0.6) <= 15 * 16 * 2**-52
    wider = sn.GaussianPosterior([m.clone() for m in mu0], [torch.full_like(m, rho + 0.5) for m in mu0])
    assert float(pb.network_kl(wider, mu0, 0.3)) > 0


def test_digits_certificate_is_non_vacuous(ctx):
    pytest.importorskip("sklearn")
    cert = pb.certificate(ctx, "digits")
    b = cert["best"]
    record(TID, note=f"digits certificate {b['certificate']:.4f}, test error {b['test error (stochastic)']:.4f}")
    assert cert["non_vacuous"] and 0 <= b["test error (stochastic)"] <= 1


def test_missing_dataset_is_a_clear_error(ctx, tmp_path):
    from dlverify.numerics import stochastic_net as sn

    with pytest.raises(DlverifyError, match="install the Debian package dataset-fashion-mnist"):
        sn.load_fashion_split(seed=0, device=ctx.device, directory=tmp_path / "none")
    with pytest.raises(DlverifyError, match="unknown certificate dataset"):
        pb.certificate(ctx, "imagenet")

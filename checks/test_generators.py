"""Instance generators measured, not trusted: each family's declared constants against an
independent computation on the instances themselves.

For every declared constant two checks: *valid* (never overstated: a smoothness constant is at
least the largest Hessian eigenvalue magnitude met, a PL constant at most the smallest
‖∇f‖²/(2(f − f*)) met) and *close* (a generator that understates or overstates by a factor 2
fails: the constant is attained, or within a factor 2 of what the instances show).  The
Hessians come from autograd (double backward through the family's own gradient, then
``torch.linalg.eigvalsh``), never from the generator's formula; the PL ratio is taken over a
dense sample of points and, where the family allows, exactly; the one-dimensional PL constant of
Karimi–Nutini–Schmidt's example is bracketed by interval arithmetic (mpmath.iv).

Seeds are fixed; the sampled checks are one-sided (a sample can only show a constant
overstated, so a valid constant never fails them), except the Gaussian design's variance, a
chi-square test at false alarm 1e-6.
"""

from __future__ import annotations

import functools
import itertools
import math

import mpmath as mp
import pytest
import torch

from dlverify.numerics import distributions as dist
from dlverify.numerics import games, linear, smooth

F64 = torch.float64
CPU = torch.device("cpu")


def _hessians(batch: smooth.SmoothBatch, w: torch.Tensor) -> torch.Tensor:
    """(B, d, d) Hessians at w (B, d) by differentiating the family's gradient with autograd."""
    w = w.clone().requires_grad_(True)
    _, g = batch.value_and_grad(w)
    rows = [torch.autograd.grad(g[:, j].sum(), w, retain_graph=True)[0] for j in range(w.shape[1])]
    H = torch.stack(rows, 1)
    return (H + H.transpose(-1, -2)) / 2


def _hess_norm(batch, w) -> torch.Tensor:
    return torch.linalg.eigvalsh(_hessians(batch, w)).abs().amax(-1)


def _sample_points(batch, n: int, scale: float, seed: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [scale * torch.randn(batch.batch, batch.dim, generator=g, dtype=F64) for _ in range(n)]


# --------------------------------------------------------------------------- smoothness


@pytest.mark.parametrize("spectrum", ["indefinite", "psd", "extremal", "negative"])
def test_quadratic_L_is_the_largest_eigenvalue_magnitude(spectrum):
    L = torch.tensor([0.5, 1, 2, 3, 7, 10.0], dtype=F64)
    b = smooth.quadratic(6, 5, L, seed=3, device=CPU, spectrum=spectrum)
    top = _hess_norm(b, b.w0)  # a quadratic's Hessian is the same everywhere
    assert torch.allclose(b.L, top, rtol=1e-12, atol=0)
    if spectrum in ("psd", "extremal"):  # f_low = inf f, attained at the stationary point
        H = _hessians(b, b.w0)
        _, g0 = b.value_and_grad(torch.zeros_like(b.w0))
        wstar = -torch.linalg.solve(H, g0.unsqueeze(-1)).squeeze(-1)
        fstar, gstar = b.value_and_grad(wstar)
        assert gstar.abs().max() < 1e-9 and torch.allclose(b.f_low, fstar, rtol=1e-10, atol=1e-12)
        assert bool((torch.linalg.eigvalsh(H)[:, 0] > 0).all())


def test_logistic_L_is_attained_at_zero_and_bounds_the_hessian_everywhere():
    """Hessian (1/n) Xᵀ diag(s(1 − s)) X: at w = 0 every s(1 − s) is 1/4, its norm is the declared L."""
    b = smooth.logistic(8, 4, 12, seed=5, device=CPU)
    assert torch.allclose(_hess_norm(b, torch.zeros_like(b.w0)), b.L, rtol=1e-12)
    for w in _sample_points(b, 20, 2.0, 1):
        assert bool((_hess_norm(b, w) <= b.L * (1 + 1e-12)).all())
    assert bool((b.value_and_grad(b.w0)[0] >= b.f_low).all())


def test_sinusoid_L_bounds_the_hessian_and_is_within_two_of_the_sampled_sup():
    b = smooth.sinusoid(8, 3, 2, seed=7, device=CPU)
    sup = torch.zeros(b.batch, dtype=F64)
    for w in _sample_points(b, 400, 4.0, 2):
        sup = torch.maximum(sup, _hess_norm(b, w))
    assert bool((sup <= b.L * (1 + 1e-12)).all())
    assert bool((b.L <= 2 * sup).all()), (b.L / sup).tolist()
    w = _sample_points(b, 1, 4.0, 3)[0]
    assert bool((b.value_and_grad(w)[0] >= b.f_low).all())


# --------------------------------------------------------------------------- PL constants


def _pl_ratio(batch, w, fstar) -> torch.Tensor:
    f, g = batch.value_and_grad(w)
    return (g * g).sum(-1) / (2 * (f - fstar))


def _kns_ratio_lower(a: mp.mpf, b: mp.mpf) -> mp.mpf:
    """A certified lower end of g'(x)²/(2 g(x)) on [a, b] ⊂ (0, 3] (interval arithmetic, the
    numerator's lower end clamped at 0)."""
    x = mp.iv.mpf([a, b])
    gp = 2 * x + 3 * mp.iv.sin(2 * x)
    gv = x**2 + 3 * mp.iv.sin(x) ** 2
    gp_lo = max(mp.mp.make_mpf(gp._mpi_[0]), 0)
    return gp_lo**2 / (2 * mp.mp.make_mpf(gv._mpi_[1]))


@functools.lru_cache(maxsize=1)
def _kns_mu_bracket() -> tuple[float, float]:
    """min over x ≠ 0 of g'(x)²/(2 g(x)), g = x² + 3 sin² x (even in x): a certified lower end by
    interval arithmetic on [1/8, 3], bisecting each interval until its lower end is within 1e-4
    of the dense grid's minimum (the grid minimum is an upper end); |x| ≥ 3 by hand:
    g'² ≥ (2|x| − 3)², g ≤ x² + 3, and (2x − 3)²/(2(x² + 3)) is increasing for x ≥ 3 (its log
    derivative is (6x + 12)/((2x − 3)(x² + 3)) > 0), so ≥ 3/8 there; on (0, 1/8] by hand
    (sin t ≥ t − t³/6 gives g' ≥ 8x − 4x³ ≥ 7x, and g ≤ 4x²: ratio ≥ 49/8)."""
    xs = torch.linspace(1e-3, 3, 300001, dtype=F64)
    ratio = (2 * xs + 3 * torch.sin(2 * xs)) ** 2 / (2 * (xs**2 + 3 * torch.sin(xs) ** 2))
    hi = float(ratio.min())
    lo = mp.mpf(3) / 8
    stack = [(mp.mpf(k) / 64, mp.mpf(k + 1) / 64) for k in range(8, 192)]  # [1/8, 3] in 1/64 steps
    while stack:
        a, b = stack.pop()
        r = _kns_ratio_lower(a, b)
        if r >= hi - 1e-4 or b - a < mp.mpf(2) ** -30:
            lo = min(lo, r)
        else:
            m = (a + b) / 2
            stack += [(a, m), (m, b)]
    return float(lo), hi


def test_kns_mu_bracket_is_consistent():
    lo, hi = _kns_mu_bracket()
    assert 0 < lo <= hi and hi - lo < 1.1e-4  # the interval bracket is sharp to 1e-4
    # the grid minimum against mpmath at 30 digits: the stationary point near x = 2.2017
    with mp.workdps(30):
        r = lambda x: (2 * x + 3 * mp.sin(2 * x)) ** 2 / (2 * (x**2 + 3 * mp.sin(x) ** 2))  # noqa: E731
        xstar = mp.findroot(lambda x: mp.diff(r, x), 2.2017)
        assert abs(float(r(xstar)) - hi) < 1e-9 and abs(float(xstar) - 2.20171) < 1e-5


def test_pl_sin_mu_is_close_to_the_best_constant():
    """A = I: μ_f is the one-dimensional constant; the declared μ is valid (at most the certified
    lower end) and within 1 % of the best constant (KNS 2016's 1/32 understated it 5.6×)."""
    b = smooth.pl_sin(4, 3, seed=1, device=CPU)
    lo, hi = _kns_mu_bracket()
    assert bool((b.mu <= lo).all()) and bool((b.mu >= 0.99 * hi).all()), (b.mu.tolist(), lo, hi)
    # the ratio attains the best constant at w = x* e₁ (x* = the stationary point, f* = 0)
    _, hi_pt = _kns_mu_bracket()
    w = torch.zeros_like(b.w0)
    w[:, 0] = 2.2017091764
    assert torch.allclose(_pl_ratio(b, w, 0.0), torch.full_like(b.mu, hi_pt), rtol=1e-8)


def test_pl_sin_mu_is_valid_and_L_is_attained():
    lo, _ = _kns_mu_bracket()
    for k in (None, 2):
        b = smooth.pl_sin(6, 4, k, seed=11, device=CPU)
        A = torch.eye(4, dtype=F64) if k is None else None
        if A is not None:
            assert bool((b.mu <= lo).all())  # A = I: μ_f = μ_g, at most the certified best constant
        for w in _sample_points(b, 200, 3.0, 4):  # sampled ratios never go below the declared μ
            assert bool((_pl_ratio(b, w, 0.0) >= b.mu * (1 - 1e-9)).all())
        # g'' = 2 + 6 cos 2z is 8 at z = 0: the Hessian at w = 0 is 8 AᵀA, of norm 8 σ_max(A)²
        assert torch.allclose(_hess_norm(b, torch.zeros_like(b.w0)), b.L, rtol=1e-12)


def test_overparam_lsq_mu_and_beta_are_attained():
    """f = ½‖Aw − b‖²: the PL ratio is ‖Aᵀr‖²/‖r‖², r = Aw − b ranges over ℝⁿ; it equals λ_min(AAᵀ)
    at r along the bottom eigenvector (w = A⁺(b + v_min)) and λ_max along the top one."""
    b = smooth.overparam_lsq(5, 3, 7, seed=2, device=CPU)
    H = _hessians(b, b.w0)  # AᵀA
    _, g0 = b.value_and_grad(torch.zeros_like(b.w0))  # −Aᵀb
    # recover A's row space action independently: AAᵀ has the nonzero eigenvalues of AᵀA
    ev = torch.linalg.eigvalsh(H)[:, -3:]
    assert torch.allclose(ev[:, 0], b.mu, rtol=1e-10) and torch.allclose(ev[:, -1], b.L, rtol=1e-10)
    for w in _sample_points(b, 200, 3.0, 5):
        assert bool((_pl_ratio(b, w, 0.0) >= b.mu * (1 - 1e-9)).all())
    # the ratio attains μ: move from a minimiser along the Hessian's smallest nonzero eigenvector
    wstar = torch.linalg.lstsq(H, -g0.unsqueeze(-1)).solution.squeeze(-1)  # a minimiser (f* = 0)
    evals, evecs = torch.linalg.eigh(H)
    v = evecs[:, :, -3]  # the eigenvector of λ_min(AAᵀ) in row space
    assert torch.allclose(_pl_ratio(b, wstar + v, 0.0), b.mu, rtol=1e-8)
    assert torch.allclose(_pl_ratio(b, wstar + evecs[:, :, -1], 0.0), b.L, rtol=1e-8)


def test_one_dimensional_pl_families_attain_mu_and_beta():
    q = smooth.pl_quadratic(16, seed=3, device=CPU)
    x = torch.linspace(-3, 3, 7, dtype=F64)
    x = x[x != 0]
    for xv in x:
        w = torch.full((16, 1), float(xv), dtype=F64)
        assert torch.allclose(_pl_ratio(q, w, 0.0), q.mu, rtol=1e-12)
        assert torch.allclose(_hess_norm(q, w), q.L, rtol=1e-12)
    t = smooth.pl_two_sided(16, seed=4, device=CPU)
    r_pos = _pl_ratio(t, torch.ones(16, 1, dtype=F64), 0.0)
    r_neg = _pl_ratio(t, -torch.ones(16, 1, dtype=F64), 0.0)
    assert torch.allclose(torch.minimum(r_pos, r_neg), t.mu, rtol=1e-12)
    assert torch.allclose(torch.maximum(r_pos, r_neg), t.L, rtol=1e-12)


# --------------------------------------------------------------------------- designs and kernels


def test_illconditioned_design_has_the_declared_spectrum():
    X, _ = linear.design(4, 6, 9, spectrum="illcond", seed=1, device=CPU, cond=1e3)
    s = torch.linalg.svdvals(X)
    assert torch.allclose(s, torch.logspace(0, -3, 6, dtype=F64).expand(4, 6), rtol=1e-10)


def test_duplicated_and_wide_designs():
    X, y = linear.design(3, 6, 10, spectrum="duplicated", seed=2, device=CPU)
    assert torch.equal(X[:, 3:], X[:, :3]) and torch.equal(y[:, 3:], y[:, :3])
    assert bool((torch.linalg.matrix_rank(X) == 3).all())
    Xw, _ = linear.design(2, 5, 3, spectrum="wide", seed=3, device=CPU)
    assert Xw.shape == (2, 5, 40)


def test_gaussian_design_entries_have_variance_one_over_d():
    """d·Σ X_ij² ~ χ²(B n d) exactly for N(0, 1/d) entries: a two-sided test at false alarm 1e-6
    (a variance off by a factor 2 is rejected with probability ≈ 1 at these sizes)."""
    from scipy.stats import chi2

    B, n, d = 20, 30, 40
    X, y = linear.design(B, n, d, spectrum="gaussian", seed=4, device=CPU)
    stat = float(d * (X**2).sum())
    k = B * n * d
    assert chi2.ppf(0.5e-6, k) <= stat <= chi2.isf(0.5e-6, k)
    assert chi2.isf(0.5e-6, k) < 2 * k * 0.6 and chi2.ppf(0.5e-6, k) > 0.5 * k * 1.6  # power at a factor 2
    stat_y = float((y**2).sum())
    assert chi2.ppf(0.5e-6, B * n) <= stat_y <= chi2.isf(0.5e-6, B * n)


@pytest.mark.parametrize("kind", linear.KERNELS)
def test_gram_matrices_are_the_kernel_and_psd(kind):
    g = torch.Generator().manual_seed(5)
    P = torch.randn(3, 7, 2, generator=g, dtype=F64)
    K = linear.gram(kind, P, P)
    for b_, i, j in itertools.product(range(3), range(7), range(7)):
        a_, c_ = P[b_, i], P[b_, j]
        r = float(torch.linalg.vector_norm(a_ - c_))
        want = {
            "polynomial": (float(a_ @ c_) + 1.0) ** 3,
            "gaussian": math.exp(-(r**2) / 2),
            "laplace": math.exp(-r),
        }[kind]
        assert math.isclose(float(K[b_, i, j]), want, rel_tol=1e-12, abs_tol=1e-15)
    lam = linear.require_psd(K)
    assert torch.allclose(lam, torch.linalg.eigvalsh(K), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- games, distributions


def test_closed_form_games_match_the_definition():
    """Declared Shapley values of the closed-form families against the average over all N! orders."""
    cases = [
        (games.unanimity(5, [0, 2, 3], 1.5), torch.tensor([[0.5, 0, 0.5, 0.5, 0]], dtype=F64)),
        games.airport([1.0, 4.0, 2.0, 7.0]),
        games.glove(4),
        games.random_unanimity_sum(3, 5, 4, seed=1, device=CPU),
    ]
    for v, phi in cases:
        assert torch.allclose(games.brute_shapley(v), phi, rtol=0, atol=1e-12)
    w, q = [3, 2, 2, 1], 5
    exact = games.weighted_majority_exact(w, q)
    brute = games.brute_shapley(games.weighted_majority_table(w, q))[0]
    assert [float(e) for e in exact] == pytest.approx(brute.tolist(), abs=1e-14) and sum(exact) == 1


def test_marginal_range_is_the_range_over_every_marginal_contribution():
    v = games.random_games(3, 4, seed=2, device=CPU)
    for gi in range(3):
        diffs = [float(v[gi, S | (1 << i)] - v[gi, S]) for S in range(16) for i in range(4) if not S >> i & 1]
        assert float(games.marginal_range(v)[gi]) == pytest.approx(max(diffs) - min(diffs), abs=1e-14)


def test_kl_and_total_variation_against_definitions():
    p, q = dist.dirichlet_pairs(4, 6, concentration=0.5, closeness=0.7, seed=3, device=CPU)
    one = torch.ones(4, dtype=F64)
    assert torch.allclose(p.sum(-1), one) and torch.allclose(q.sum(-1), one)
    for b_ in range(4):
        kl = sum(float(pi) * math.log(float(pi) / float(qi)) for pi, qi in zip(p[b_], q[b_]))
        assert float(dist.kl(p[b_ : b_ + 1], q[b_ : b_ + 1])[0]) == pytest.approx(kl, rel=1e-12)
        tv_brute = max(
            abs(float(p[b_, list(A)].sum() - q[b_, list(A)].sum()))
            for r in range(7)
            for A in itertools.combinations(range(6), r)
        )
        tv, A = dist.tv_and_set(p[b_ : b_ + 1], q[b_ : b_ + 1])
        assert float(tv[0]) == pytest.approx(tv_brute, abs=1e-15)
        assert float((p[b_] - q[b_])[A[0]].sum()) == pytest.approx(tv_brute, abs=1e-15)


def test_pac_bayes_samples_respect_the_declared_loss_range_and_risk():
    """The K = 1 setting: the true risk is exactly the declared level (times the loss range), the
    empirical risk a Binomial(m, r)/m draw inside [0, ℓ̄], KL = 0; the Gibbs setting's risks
    lie in the declared [0.05, 0.5]."""
    from dlverify.numerics.device import RunContext
    from dlverify.numerics.pac_bayes import simulate

    ctx = RunContext("cpu", 1, "ci")
    for scale, level in ((1.0, 0.5), (4.0, 0.02), (25.0, 0.3)):
        true, emp, kl = simulate(ctx, n_samples=4000, m=50, K=1, seed=2, loss_scale=scale, risk_level=level)
        assert torch.all(true == scale * level) and torch.all(kl == 0)
        assert float(emp.min()) >= 0 and float(emp.max()) <= scale
        counts = emp * 50 / scale
        assert torch.allclose(counts, counts.round(), atol=1e-9)
    true, emp, kl = simulate(ctx, n_samples=2000, m=100, K=20, seed=3)
    assert float(true.min()) >= 0.05 and float(true.max()) <= 0.5 and float(kl.min()) >= -1e-15

"""The numeric primitives of PAC-Bayes, free of theorem logic: the Bernoulli kl, its rigorous
inverse and the Monte Carlo sample-convergence bound; Gibbs posteriors over finitely many
hypotheses; the risks of Gaussian posteriors over linear classifiers.

All functions are batched over tensors.  The bound *formulas* live in the theorem module and are
lambdified by :mod:`dlverify.numerics.pac_bayes`, which measures the claims with these primitives.
"""

from __future__ import annotations

import math

import torch

from ..theorems.core import DlverifyError
from .device import gamma, generator

Tensor = torch.Tensor


def kl_bernoulli(q: Tensor, p: Tensor) -> Tensor:
    """kl(q || p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)) with 0 ln 0 = 0 (p in (0,1))."""
    q, p = torch.broadcast_tensors(
        torch.as_tensor(q, dtype=torch.float64), torch.as_tensor(p, dtype=torch.float64)
    )
    a = torch.where(q > 0, q * (torch.log(q) - torch.log(p)), torch.zeros_like(q))
    b = torch.where(q < 1, (1 - q) * (torch.log1p(-q) - torch.log1p(-p)), torch.zeros_like(q))
    return a + b


def kl_error_bound(q: Tensor, p: Tensor) -> Tensor:
    """A bound on the rounding error of :func:`kl_bernoulli` in float64 (first order, gamma_8
    times the sum of the magnitudes of the terms it adds)."""
    q, p = torch.broadcast_tensors(
        torch.as_tensor(q, dtype=torch.float64), torch.as_tensor(p, dtype=torch.float64)
    )
    mag = q * (torch.log(q.clamp_min(1e-300)).abs() + torch.log(p).abs()) + (1 - q) * (
        torch.log1p(-q.clamp_max(1 - 1e-16)).abs() + torch.log1p(-p).abs()
    )
    return gamma(8) * mag + torch.finfo(torch.float64).tiny


def kl_inverse_upper(q: Tensor, c: Tensor, iters: int = 80) -> Tensor:
    """The largest p in [q, 1] with kl(q || p) <= c, returned as an upper end: the result hi
    satisfies kl(q || hi) >= c + (rounding bound) or hi = 1, so hi >= the true root.

    Bisection keeps the invariant on ``hi`` (a midpoint would not be rigorous)."""
    q = torch.as_tensor(q, dtype=torch.float64)
    c = torch.as_tensor(c, dtype=torch.float64).expand_as(q)
    if bool((c < 0).any()) or bool(((q < 0) | (q > 1)).any()):
        raise DlverifyError("kl inverse needs 0 <= q <= 1 and c >= 0")
    lo, hi = q.clone(), torch.ones_like(q)
    for _ in range(iters):
        mid = (lo + hi) / 2
        val = kl_bernoulli(q, mid.clamp(max=1 - 1e-16))
        above = val >= c + kl_error_bound(q, mid.clamp(max=1 - 1e-16))
        hi = torch.where(above, mid, hi)
        lo = torch.where(above, lo, mid)
    return hi


def mc_upper(q_mc: Tensor, n: int, delta: float) -> Tensor:
    """Langford & Caruana's sample-convergence bound: the mean ``q_mc`` of ``n`` independent
    error rates in [0, 1] (one per weight draw) has, with probability ≥ 1 − δ, true mean at most
    kl⁻¹(q_mc, ln(2/δ)/n) (returned as a rigorous upper end)."""
    check_probability("delta", delta)
    if n < 1:
        raise DlverifyError(f"the Monte Carlo bound needs n >= 1 draws, got {n}")
    q_mc = torch.as_tensor(q_mc, dtype=torch.float64)
    return kl_inverse_upper(q_mc, torch.full_like(q_mc, math.log(2 / delta) / n))


def gibbs_posterior(prior: Tensor, emp: Tensor, temp: float) -> Tensor:
    """Q_k ∝ P_k exp(-temp * emp_k), row-wise."""
    logits = torch.log(prior) - temp * emp
    return torch.softmax(logits, dim=-1)


def kl_discrete(Q: Tensor, P: Tensor) -> Tensor:
    return torch.where(Q > 0, Q * (torch.log(Q) - torch.log(P)), torch.zeros_like(Q)).sum(-1)


def sample_empirical_risks(risks: Tensor, m: int, n_samples: int, *, seed: int, device) -> Tensor:
    """Empirical risks of K hypotheses on n_samples independent samples of size m.

    Data model: one uniform u per example; hypothesis k errs iff u < r_k (r sorted), so the
    K empirical risks on a sample are the cumulative counts of a multinomial over the bins
    [r_{k-1}, r_k) -- drawn exactly by sequential binomials."""
    r, order = torch.sort(risks.to(torch.float64))
    probs = torch.diff(r, prepend=torch.zeros(1, dtype=torch.float64, device=device))
    g = generator(seed, device)
    left = torch.full((n_samples,), float(m), dtype=torch.float64, device=device)
    rest = torch.ones(n_samples, dtype=torch.float64, device=device)
    counts = []
    acc = torch.zeros(n_samples, dtype=torch.float64, device=device)
    for pk in probs:
        pr = (pk / rest).clamp(0, 1)
        nk = torch.binomial(left, pr.expand(n_samples), generator=g)
        acc = acc + nk
        counts.append(acc.clone())
        left = left - nk
        rest = (rest - pk).clamp_min(1e-300)
    emp = torch.stack(counts, -1) / m
    out = torch.empty_like(emp)
    out[:, order] = emp
    return out


def check_probability(name: str, x: float) -> None:
    if not 0 < x < 1:
        raise DlverifyError(f"{name} must be in (0, 1), got {x}")


# ---------------------------------------------------------------- Gaussian posteriors over linear classifiers


def _std_normal_cdf(z: Tensor) -> Tensor:
    return 0.5 * torch.erfc(-z / math.sqrt(2))


def linear_gibbs_risk_quadrature(
    theta: Tensor, sigma: Tensor, noise: float, *, n_psi: int = 64, n_b: int = 24
) -> Tensor:
    """E_{w ~ N(theta, sigma^2 I)} P_{(x,y)}(sign<w,x> != y) for x ~ N(0, I_d) and y = sign(x_1)
    flipped with probability ``noise``.

    Given x, <w,x> ~ N(<theta,x>, sigma^2 |x|^2).  Writing (x_1, <x, e_perp>) = r (cos psi, sin psi)
    with psi uniform and b = r^2/|x|^2 ~ Beta(1, (d-2)/2) independent of psi (e_perp the unit
    direction of theta's component orthogonal to e_1), the clean disagreement is
    (1/pi) int_{-pi/2}^{pi/2} E_b Phi(-(t1 cos psi + t2 sin psi) sqrt(b) / sigma) dpsi:
    Gauss-Legendre in psi (the integrand is smooth there) and Gauss-Jacobi in b."""
    from scipy.special import roots_jacobi, roots_legendre

    d = theta.shape[-1]
    t1 = theta[..., 0]
    t2 = torch.linalg.vector_norm(theta[..., 1:], dim=-1)
    xs, ws = roots_legendre(n_psi)
    psi = torch.as_tensor(xs * math.pi / 2, dtype=theta.dtype, device=theta.device)
    wpsi = torch.as_tensor(ws / 2, dtype=theta.dtype, device=theta.device)  # (1/pi) * (pi/2) * w
    if d == 2:
        b = torch.ones(1, dtype=theta.dtype, device=theta.device)
        wb = torch.ones(1, dtype=theta.dtype, device=theta.device)
    else:
        k = (d - 2) / 2
        xb, wbn = roots_jacobi(n_b, k - 1, 0.0)
        b = torch.as_tensor((1 + xb) / 2, dtype=theta.dtype, device=theta.device)
        wb = torch.as_tensor(wbn / wbn.sum(), dtype=theta.dtype, device=theta.device)
    proj = t1[..., None] * torch.cos(psi) + t2[..., None] * torch.sin(psi)  # (..., n_psi)
    z = -proj[..., None] * torch.sqrt(b) / sigma[..., None, None]  # (..., n_psi, n_b)
    clean = (
        (_std_normal_cdf(z) * wb).sum(-1) @ wpsi
        if proj.dim() == 1
        else ((_std_normal_cdf(z) * wb).sum(-1) * wpsi).sum(-1)
    )
    return noise + (1 - 2 * noise) * clean


def linear_gibbs_risk_monte_carlo(
    theta: Tensor, sigma: float, noise: float, *, n: int, seed: int
) -> tuple[float, float]:
    """The same risk by sampling (x, y, w) jointly, for one theta: (estimate, standard error)."""
    g = generator(seed, theta.device)
    d = theta.shape[-1]
    x = torch.randn(n, d, generator=g, dtype=theta.dtype, device=theta.device)
    w = theta + sigma * torch.randn(n, d, generator=g, dtype=theta.dtype, device=theta.device)
    y = torch.sign(x[:, 0]) * torch.where(
        torch.rand(n, generator=g, dtype=theta.dtype, device=theta.device) < noise, -1.0, 1.0
    )
    err = (torch.sign((w * x).sum(-1)) != y).to(theta.dtype)
    return float(err.mean()), float(err.std() / math.sqrt(n))


def linear_coverage_samples(
    n: int, m: int, d: int, *, noise: float, norm: float, sigma: float, seed: int, device, chunk: int = 50000
) -> tuple[Tensor, Tensor, Tensor]:
    """n independent samples S of m points; per sample the posterior N(theta, sigma^2 I) with theta =
    norm * v/|v|, v = mean of y x (the data's direction).  Returns (theta, E_Q L_D by quadrature,
    E_Q L_S in closed form: mean over S of Phi(-y <theta, x> / (sigma |x|)))."""
    if d < 2 or m < 1 or n < 1:
        raise DlverifyError(f"linear coverage needs d >= 2, m >= 1, n >= 1; got d={d}, m={m}, n={n}")
    g = generator(seed, device)
    thetas, trues, emps = [], [], []
    for a in range(0, n, chunk):
        b = min(n, a + chunk)
        x = torch.randn(b - a, m, d, generator=g, dtype=torch.float64, device=device)
        flip = torch.rand(b - a, m, generator=g, dtype=torch.float64, device=device) < noise
        y = torch.sign(x[..., 0]) * torch.where(flip, -1.0, 1.0)
        v = (y[..., None] * x).mean(1)
        theta = norm * v / torch.linalg.vector_norm(v, dim=-1, keepdim=True)
        sig = torch.full((b - a,), sigma, dtype=torch.float64, device=device)
        margin = y * torch.einsum("nmd,nd->nm", x, theta) / (sigma * torch.linalg.vector_norm(x, dim=-1))
        thetas.append(theta)
        emps.append(_std_normal_cdf(-margin).mean(-1))
        # the quadrature error, estimated by doubling the nodes, is taken off the true risk: a
        # violation is counted only when the bound is below the risk by more than that
        fine = linear_gibbs_risk_quadrature(theta, sig, noise, n_psi=64, n_b=32)
        coarse = linear_gibbs_risk_quadrature(theta, sig, noise, n_psi=32, n_b=16)
        trues.append(fine - (fine - coarse).abs())
    return torch.cat(thetas), torch.cat(trues), torch.cat(emps)

"""PAC-Bayes numerics: Bernoulli kl and its rigorous inverse, the bound forms, coverage simulations.

All functions are batched over tensors.  The bound *formulas* are passed in from the
theorem module as sympy expressions (lambdified), so this module holds no theorem logic.
"""
from __future__ import annotations

import math

import torch

from dlverify.numerics.device import gamma, generator
from dlverify.theorems.core import DlverifyError

Tensor = torch.Tensor


def kl_bernoulli(q: Tensor, p: Tensor) -> Tensor:
    """kl(q || p) = q ln(q/p) + (1-q) ln((1-q)/(1-p)) with 0 ln 0 = 0 (p in (0,1))."""
    q, p = torch.broadcast_tensors(torch.as_tensor(q, dtype=torch.float64), torch.as_tensor(p, dtype=torch.float64))
    a = torch.where(q > 0, q * (torch.log(q) - torch.log(p)), torch.zeros_like(q))
    b = torch.where(q < 1, (1 - q) * (torch.log1p(-q) - torch.log1p(-p)), torch.zeros_like(q))
    return a + b


def kl_error_bound(q: Tensor, p: Tensor) -> Tensor:
    """A bound on the rounding error of :func:`kl_bernoulli` in float64 (first order, gamma_8
    times the sum of the magnitudes of the terms it adds)."""
    q, p = torch.broadcast_tensors(torch.as_tensor(q, dtype=torch.float64), torch.as_tensor(p, dtype=torch.float64))
    mag = q * (torch.log(q.clamp_min(1e-300)).abs() + torch.log(p).abs()) + (1 - q) * (
        torch.log1p(-q.clamp_max(1 - 1e-16)).abs() + torch.log1p(-p).abs())
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


def violation_counts(true_risk: Tensor, bounds: dict[str, Tensor]) -> dict[str, int]:
    return {k: int((true_risk > b).sum()) for k, b in bounds.items()}


def log_term(m: int, delta: float) -> float:
    return math.log(2 * math.sqrt(m) / delta)

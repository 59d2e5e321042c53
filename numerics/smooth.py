"""Batches of L-smooth functions with certified constants, and batched gradient descent.

Every family returns a :class:`SmoothBatch` of ``B`` instances that share a dimension
``d``; ``L[b]`` is a *certified* smoothness constant of instance ``b`` (the proof is in
the docstring of its generator), and ``f_low[b]`` a certified lower bound on
``inf f`` (``-inf`` when the function is unbounded below).

``abs_scale(w)`` returns, per instance, the sum of the absolute values of the terms
that the evaluation of ``f`` and ``grad f`` adds up; the rounding model of
:mod:`dlverify.numerics.device` turns it into an error bound.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import torch

from ..theorems.core import DlverifyError
from .device import finite_or_raise, gamma, generator

Tensor = torch.Tensor


@dataclasses.dataclass
class SmoothBatch:
    family: str
    value_and_grad: Callable[[Tensor], tuple[Tensor, Tensor]]
    abs_scale: Callable[[Tensor], tuple[Tensor, Tensor]]  # (sum |terms of f|, norm of |terms of grad|)
    L: Tensor
    f_low: Tensor
    w0: Tensor
    n_terms: int  # longest accumulation in one evaluation (for gamma_n)
    mu: Tensor | None = None  # certified PL constant: ||grad f||^2 / 2 >= mu (f - f*), where known

    @property
    def batch(self) -> int:
        return self.w0.shape[0]

    @property
    def dim(self) -> int:
        return self.w0.shape[1]


def _orthogonal(B: int, d: int, g: torch.Generator, device, dtype) -> Tensor:
    z = torch.randn(B, d, d, generator=g, device=device, dtype=dtype)
    q, r = torch.linalg.qr(z)
    return q * torch.sign(torch.diagonal(r, dim1=-2, dim2=-1)).unsqueeze(-2)


def _unit_spectrum(spectrum: str, B: int, d: int, g: torch.Generator, device, dtype) -> Tensor:
    """Eigenvalues (B, d) with max |lam| = 1 for a quadratic's ``spectrum`` (see :func:`quadratic`)."""
    if spectrum == "indefinite":
        lam = 2 * torch.rand(B, d, generator=g, device=device, dtype=dtype) - 1
        lam[:, 0] = 1.0
    elif spectrum == "psd":
        lam = 0.01 + 0.99 * torch.rand(B, d, generator=g, device=device, dtype=dtype)
        lam[:, 0] = 1.0
    elif spectrum == "extremal":
        lam = torch.ones(B, d, device=device, dtype=dtype)
    elif spectrum == "negative":
        lam = -torch.ones(B, d, device=device, dtype=dtype)
    else:
        raise DlverifyError(f"unknown spectrum '{spectrum}'; allowed: indefinite, psd, extremal, negative")
    return lam


def quadratic(
    B: int,
    d: int,
    L: float | Tensor,
    *,
    seed: int,
    device,
    dtype=torch.float64,
    spectrum: str = "indefinite",
    with_linear: bool = True,
) -> SmoothBatch:
    r"""f(w) = 1/2 w^T A w + b^T w with A = Q diag(lam) Q^T.

    Smoothness: grad f(w) - grad f(w') = A (w - w'), so the best constant is
    max_i |lam_i|; the spectrum is scaled so that max_i |lam_i| = L exactly (smoothness
    is |lam| <= L, not convexity).  ``spectrum``:

    * ``indefinite`` -- lam uniform in [-L, L], one eigenvalue pinned at +L;
    * ``psd`` -- lam uniform in [L/100, L], one pinned at +L (f* = -b^T A^{-1} b / 2);
    * ``extremal`` -- A = L I: the quadratic upper bound of smoothness is attained with
      equality in every direction, so each descent inequality is an equality;
    * ``negative`` -- A = -L I (concave): f decreases for every step size.
    """
    if d < 1 or B < 1:
        raise DlverifyError(f"quadratic family needs d >= 1 and B >= 1, got d={d}, B={B}")
    g = generator(seed, device)
    Lt = torch.as_tensor(L, dtype=dtype, device=device).expand(B).clone()
    if bool((Lt <= 0).any()) or not bool(torch.isfinite(Lt).all()):
        raise DlverifyError("smoothness constant L must be finite and > 0")
    Q = _orthogonal(B, d, g, device, dtype)
    lam = _unit_spectrum(spectrum, B, d, g, device, dtype) * Lt[:, None]
    A = (Q * lam[:, None, :]) @ Q.transpose(-1, -2)
    A = (A + A.transpose(-1, -2)) / 2
    b = (
        torch.randn(B, d, generator=g, device=device, dtype=dtype)
        if with_linear
        else torch.zeros(B, d, device=device, dtype=dtype)
    )
    absA = A.abs()

    def value_and_grad(w):
        Aw = torch.einsum("bij,bj->bi", A, w)
        return 0.5 * (w * Aw).sum(-1) + (b * w).sum(-1), Aw + b

    def abs_scale(w):
        aw = torch.einsum("bij,bj->bi", absA, w.abs())
        return 0.5 * (w.abs() * aw).sum(-1) + (b.abs() * w.abs()).sum(-1), torch.linalg.vector_norm(
            aw + b.abs(), dim=-1
        )

    if spectrum in ("psd", "extremal"):
        f_low = -0.5 * (b * torch.linalg.solve(A, b.unsqueeze(-1)).squeeze(-1)).sum(-1)
    else:
        f_low = torch.full((B,), -math.inf, dtype=dtype, device=device)
    w0 = torch.randn(B, d, generator=g, device=device, dtype=dtype)
    return SmoothBatch(f"quadratic/{spectrum}", value_and_grad, abs_scale, Lt, f_low, w0, n_terms=d + 2)


def logistic(B: int, d: int, n: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    r"""Logistic regression f(w) = (1/n) sum_i log(1 + exp(-y_i x_i^T w)).

    Hessian = (1/n) X^T D X with D = diag(s(1-s)) <= 1/4, so L = lambda_max(X^T X)/(4n)
    is a certified smoothness constant; f >= 0 gives f_low = 0.
    """
    g = generator(seed, device)
    X = torch.randn(B, n, d, generator=g, device=device, dtype=dtype)
    y = torch.where(torch.rand(B, n, generator=g, device=device, dtype=dtype) < 0.5, -1.0, 1.0).to(dtype)
    L = torch.linalg.eigvalsh(X.transpose(-1, -2) @ X)[:, -1] / (4 * n)
    absX = X.abs()

    def value_and_grad(w):
        m = y * torch.einsum("bnd,bd->bn", X, w)
        f = torch.nn.functional.softplus(-m).mean(-1)
        coef = -y * torch.sigmoid(-m) / n
        return f, torch.einsum("bnd,bn->bd", X, coef)

    def abs_scale(w):
        m = torch.einsum("bnd,bd->bn", absX, w.abs())
        return (torch.nn.functional.softplus(m)).mean(-1), torch.linalg.vector_norm(absX.sum(1) / n, dim=-1)

    f_low = torch.zeros(B, dtype=dtype, device=device)
    w0 = torch.randn(B, d, generator=g, device=device, dtype=dtype)
    return SmoothBatch("logistic", value_and_grad, abs_scale, L, f_low, w0, n_terms=n + d + 8)


def sinusoid(B: int, d: int, k: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    r"""Non-convex f(w) = sum_j a_j sin(u_j^T w + c_j) + 1/2 ... (no quadratic part).

    Hessian = -sum_j a_j sin(u_j^T w + c_j) u_j u_j^T, whose operator norm is at most
    sum_j |a_j| ||u_j||^2 (triangle inequality, |sin| <= 1): a certified L.
    f >= -sum_j |a_j| gives f_low.
    """
    g = generator(seed, device)
    U = torch.randn(B, k, d, generator=g, device=device, dtype=dtype)
    a = torch.randn(B, k, generator=g, device=device, dtype=dtype)
    c = 2 * math.pi * torch.rand(B, k, generator=g, device=device, dtype=dtype)
    L = (a.abs() * (U**2).sum(-1)).sum(-1)
    absU = U.abs()

    def value_and_grad(w):
        z = torch.einsum("bkd,bd->bk", U, w) + c
        return (a * torch.sin(z)).sum(-1), torch.einsum("bkd,bk->bd", U, a * torch.cos(z))

    def abs_scale(w):
        z = torch.einsum("bkd,bd->bk", absU, w.abs()) + c
        return (a.abs() * (1 + z)).sum(-1), torch.linalg.vector_norm(
            torch.einsum("bkd,bk->bd", absU, a.abs() * (1 + z)), dim=-1
        )

    f_low = -a.abs().sum(-1)
    w0 = torch.randn(B, d, generator=g, device=device, dtype=dtype)
    return SmoothBatch("sinusoid", value_and_grad, abs_scale, L, f_low, w0, n_terms=k * (d + 8))


#: the PL constant of x^2 + 3 sin^2 x, rounded down (the true one is 0.17553099; KNS 2016 state 1/32)
PL_SIN_MU_1D = 0.175


def pl_sin(B: int, d: int, k: int | None = None, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    r"""Non-convex PL: g(z) = sum_i (z_i^2 + 3 sin^2 z_i), composed with a wide matrix A (k x d, k <= d).

    For d = k and A = I this is the classic example of Karimi, Nutini & Schmidt 2016 (f* = 0),
    who state the PL constant 1/32; the best one is PL_SIN_MU_1D = 0.175 (the minimum of
    g'(x)^2 / (2 g(x)) per coordinate is 0.1755310 at x = 2.20171; 0.175 is certified a lower
    bound by interval arithmetic in checks/test_generators.py); g'' = 2 + 6 cos 2z in [-4, 8] gives
    smoothness 8.  g is a sum over coordinates, so ||grad g||^2 >= 2 mu_1 g coordinatewise; for
    f = g(Aw) with A of full row rank: ||grad f||^2 = ||A^T grad g||^2 >= sigma_min(A)^2 ||grad g||^2,
    so mu_f = sigma_min(A)^2 * 0.175, and beta_f = sigma_max(A)^2 * 8; f* = 0 (A w = 0 is reachable).
    """
    g = generator(seed, device)
    if k is None:
        A = torch.eye(d, dtype=dtype, device=device).expand(B, d, d).clone()
    else:
        if not 1 <= k <= d:
            raise DlverifyError(f"a wide composition needs 1 <= k <= d, got k={k}, d={d}")
        A = torch.randn(B, k, d, generator=g, device=device, dtype=dtype) / math.sqrt(d)
    sv = torch.linalg.svdvals(A)
    mu = sv[:, -1] ** 2 * PL_SIN_MU_1D
    L = sv[:, 0] ** 2 * 8
    absA = A.abs()

    def value_and_grad(w):
        z = torch.einsum("bkd,bd->bk", A, w)
        f = (z**2 + 3 * torch.sin(z) ** 2).sum(-1)
        gz = 2 * z + 3 * torch.sin(2 * z)
        return f, torch.einsum("bkd,bk->bd", A, gz)

    def abs_scale(w):
        z = torch.einsum("bkd,bd->bk", absA, w.abs())
        return (z**2 + 3).sum(-1), torch.linalg.vector_norm(
            torch.einsum("bkd,bk->bd", absA, 2 * z + 3), dim=-1
        )

    w0 = 3 * torch.randn(B, d, generator=g, device=device, dtype=dtype)
    return SmoothBatch(
        "pl_sin" if k is None else "pl_sin_wide",
        value_and_grad,
        abs_scale,
        L,
        torch.zeros(B, dtype=dtype, device=device),
        w0,
        n_terms=A.shape[1] + d + 8,
        mu=mu,
    )


def overparam_lsq(B: int, n: int, d: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    """f(w) = 1/2 ||A w - b||^2 with A (n x d), d > n: mu = lambda_min(A A^T), beta = lambda_max, f* = 0."""
    if d <= n:
        raise DlverifyError(f"over-parameterized least squares needs d > n, got n={n}, d={d}")
    g = generator(seed, device)
    A = torch.randn(B, n, d, generator=g, device=device, dtype=dtype) / math.sqrt(d)
    b = torch.randn(B, n, generator=g, device=device, dtype=dtype)
    lam = torch.linalg.eigvalsh(A @ A.transpose(-1, -2))
    absA = A.abs()

    def value_and_grad(w):
        r = torch.einsum("bnd,bd->bn", A, w) - b
        return 0.5 * (r * r).sum(-1), torch.einsum("bnd,bn->bd", A, r)

    def abs_scale(w):
        r = torch.einsum("bnd,bd->bn", absA, w.abs()) + b.abs()
        return 0.5 * (r * r).sum(-1), torch.linalg.vector_norm(torch.einsum("bnd,bn->bd", absA, r), dim=-1)

    w0 = torch.randn(B, d, generator=g, device=device, dtype=dtype)
    return SmoothBatch(
        "lsq_overparam",
        value_and_grad,
        abs_scale,
        lam[:, -1],
        torch.zeros(B, dtype=dtype, device=device),
        w0,
        n_terms=n + d + 8,
        mu=lam[:, 0],
    )


def pl_quadratic(B: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    """1-D f = lam x^2 / 2 with lam log-uniform over six decades: mu = beta = lam, and the tight
    factor 1 - mu eta (2 - beta eta) = (1 - lam eta)^2 is exact.  The wide range of scales
    exposes claims whose units do not match."""
    g = generator(seed, device)
    lam = 10 ** (6 * torch.rand(B, generator=g, device=device, dtype=dtype) - 3)  # 1e-3 … 1e3: units matter

    def value_and_grad(w):
        return 0.5 * lam * w[:, 0] ** 2, lam[:, None] * w

    def abs_scale(w):
        return 0.5 * lam * w[:, 0] ** 2, lam * w[:, 0].abs()

    w0 = 1 + torch.rand(B, 1, generator=g, device=device, dtype=dtype)
    return SmoothBatch(
        "pl_quadratic",
        value_and_grad,
        abs_scale,
        lam,
        torch.zeros(B, dtype=dtype, device=device),
        w0,
        n_terms=4,
        mu=lam.clone(),
    )


def two_sided(a: Tensor, b: Tensor, x0: Tensor) -> SmoothBatch:
    """1-D f(x) = a x^2/2 for x >= 0 and b x^2/2 for x < 0 (a, b > 0), one instance per entry.

    f' is continuous (0 at 0) and piecewise linear with slopes a and b, so beta = max(a, b); on
    each side ||f'||^2/2 = (curvature) f, so f is mu-PL with mu = min(a, b) and f* = 0.  Not a
    quadratic when a != b: a step that crosses 0 lands on the other curvature."""
    if bool((a <= 0).any()) or bool((b <= 0).any()):
        raise DlverifyError("two-sided quadratic needs curvatures a, b > 0")

    def curv(w):
        return torch.where(w[:, 0] >= 0, a, b)

    def value_and_grad(w):
        c = curv(w)
        return 0.5 * c * w[:, 0] ** 2, c[:, None] * w

    top = torch.maximum(a, b)

    def abs_scale(w):
        return 0.5 * top * w[:, 0] ** 2, top * w[:, 0].abs()

    return SmoothBatch(
        "pl_two_sided",
        value_and_grad,
        abs_scale,
        top,
        torch.zeros_like(a),
        x0.reshape(-1, 1).clone(),
        n_terms=4,
        mu=torch.minimum(a, b),
    )


def pl_two_sided(B: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    """Random two-sided quadratics: a log-uniform in [1e-2, 1e2], b/a log-uniform in [1e-2, 1e2]
    (so a step can cross to a flatter or a steeper side), start ±(1 + U)."""
    g = generator(seed, device)
    a = 10 ** (4 * torch.rand(B, generator=g, device=device, dtype=dtype) - 2)
    b = a * 10 ** (4 * torch.rand(B, generator=g, device=device, dtype=dtype) - 2)
    sign = torch.where(torch.rand(B, generator=g, device=device, dtype=dtype) < 0.5, -1.0, 1.0).to(dtype)
    return two_sided(a, b, sign * (1 + torch.rand(B, generator=g, device=device, dtype=dtype)))


PL_FAMILIES = ("pl_sin", "pl_sin_wide", "lsq_overparam", "pl_quadratic", "pl_two_sided")


def make_pl(family: str, B: int, d: int, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    if family == "pl_sin":
        return pl_sin(B, d, seed=seed, device=device, dtype=dtype)
    if family == "pl_sin_wide":
        return pl_sin(B, d, max(1, d // 3), seed=seed, device=device, dtype=dtype)
    if family == "lsq_overparam":
        n = max(1, d // 3)
        return overparam_lsq(B, n, max(d, n + 1), seed=seed, device=device, dtype=dtype)
    if family == "pl_quadratic":
        return pl_quadratic(B, seed=seed, device=device, dtype=dtype)
    if family == "pl_two_sided":
        return pl_two_sided(B, seed=seed, device=device, dtype=dtype)
    raise DlverifyError(f"unknown PL family '{family}'; allowed: {', '.join(PL_FAMILIES)}")


FAMILIES = ("quadratic/indefinite", "quadratic/psd", "quadratic/extremal", "logistic", "sinusoid")


def make(family: str, B: int, d: int, L: float, *, seed: int, device, dtype=torch.float64) -> SmoothBatch:
    """One entry point for every family (``L`` is used where the family lets it be chosen)."""
    if family.startswith("quadratic/"):
        return quadratic(B, d, L, seed=seed, device=device, dtype=dtype, spectrum=family.split("/", 1)[1])
    if family == "logistic":
        return logistic(B, d, max(2 * d, 8), seed=seed, device=device, dtype=dtype)
    if family == "sinusoid":
        return sinusoid(B, d, k=max(2, d // 2), seed=seed, device=device, dtype=dtype)
    raise DlverifyError(f"unknown function family '{family}'; allowed: {', '.join(FAMILIES)}")


@dataclasses.dataclass
class Trajectory:
    """Per step t (rows) and instance b (columns): f(w_t), ||grad f(w_t)||^2, rounding bound."""

    f: Tensor  # (T+1, B)
    g2: Tensor  # (T+1, B)
    err: Tensor  # (T, B): bound on the rounding error of f(w_t) - f(w_{t+1}) + eta*c*||g_t||^2 terms
    eta: Tensor  # (B,)
    L: Tensor  # (B,)
    f_low: Tensor  # (B,)
    dist: Tensor  # (T+1, B): ||w_t - w_0||


def gradient_descent(batch: SmoothBatch, eta: Tensor | float, steps: int) -> Trajectory:
    """w_{t+1} = w_t - eta * grad f(w_t) on every instance at once: one tensor op per step.

    The rounding bound per step follows a first-order error model: evaluating f and
    grad f at w_t and w_{t+1} costs gamma_n times their absolute term sums, the rounded
    step moves w_{t+1} by at most u(||w_t|| + eta||g_t||), which changes f by at most
    ||grad f(w_{t+1})|| times that, and eta*||g||^2 is computed to gamma_n relative error.
    """
    eta = torch.as_tensor(eta, dtype=batch.w0.dtype, device=batch.w0.device).expand(batch.batch)
    finite_or_raise("step size eta", eta)
    if bool((eta <= 0).any()):
        raise DlverifyError("step size eta must be > 0")
    if steps < 1:
        raise DlverifyError(f"steps must be >= 1, got {steps}")
    gam = gamma(batch.n_terms + 16, batch.w0.dtype)
    w = batch.w0.clone()
    f, gr = batch.value_and_grad(w)
    fs, g2s, errs, dists = [f], [(gr * gr).sum(-1)], [], [torch.zeros_like(f)]
    sf, sg = batch.abs_scale(w)
    for _ in range(steps):
        w_next = w - eta[:, None] * gr
        f_next, gr_next = batch.value_and_grad(w_next)
        sf_next, sg_next = batch.abs_scale(w_next)
        gnorm = torch.linalg.vector_norm(gr, dim=-1)
        move = gam * (torch.linalg.vector_norm(w, dim=-1) + eta * gnorm)
        err = (
            gam * (sf + sf_next + 2 * eta * gnorm * (sg + gnorm))
            + torch.linalg.vector_norm(gr_next, dim=-1) * move
        )
        fs.append(f_next)
        g2s.append((gr_next * gr_next).sum(-1))
        errs.append(err)
        dists.append(torch.linalg.vector_norm(w_next - batch.w0, dim=-1))
        w, f, gr, sf, sg = w_next, f_next, gr_next, sf_next, sg_next
    return Trajectory(
        torch.stack(fs), torch.stack(g2s), torch.stack(errs), eta, batch.L, batch.f_low, torch.stack(dists)
    )

"""Least squares, kernels and min-norm regression: batched generators and runners.

Reference solutions use ``torch.linalg.pinv`` (SVD based; ``torch.linalg.lstsq`` on CUDA
assumes full rank, so it is not used).  Every rounding bound is built from
:func:`dlverify.numerics.device.gamma` and the instance's own norms.
"""

from __future__ import annotations

import dataclasses
import math

import torch

from ..theorems.core import DlverifyError
from .device import finite_or_raise, gamma, generator

Tensor = torch.Tensor

SPECTRA = ("gaussian", "illcond", "duplicated", "wide")


def design(
    B: int, n: int, d: int, *, spectrum: str, seed: int, device, dtype=torch.float64, cond: float = 1e3
):
    """A batch of data matrices X (B, n, d) and targets y (B, n).

    ``gaussian`` iid N(0, 1/d) entries; ``illcond`` singular values log-spaced over
    [1/cond, 1]; ``duplicated`` half the rows repeat earlier ones (XX^T singular, y kept
    consistent so an interpolant exists); ``wide`` d = 8n regardless of the d given.
    """
    if spectrum not in SPECTRA:
        raise DlverifyError(f"unknown spectrum '{spectrum}'; allowed: {', '.join(SPECTRA)}")
    if n < 1 or d < 1:
        raise DlverifyError(f"need n >= 1 and d >= 1, got n={n}, d={d}")
    g = generator(seed, device)
    if spectrum == "wide":
        d = 8 * n
    X = torch.randn(B, n, d, generator=g, device=device, dtype=dtype) / math.sqrt(d)
    if spectrum == "illcond":
        U, _, Vh = torch.linalg.svd(X, full_matrices=False)
        k = min(n, d)
        s = torch.logspace(0, -math.log10(cond), k, dtype=dtype, device=device).expand(B, k)
        X = (U * s[:, None, :]) @ Vh
    y = torch.randn(B, n, generator=g, device=device, dtype=dtype)
    if spectrum == "duplicated" and n >= 2:
        h = n // 2
        X[:, n - h :, :] = X[:, :h, :]
        y[:, n - h :] = y[:, :h]
    return X, y


def pinv_solution(X: Tensor, y: Tensor, w0: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """(X^+ y + (I - X^+ X) w0, the row-space projector X^+ X)."""
    Xp = torch.linalg.pinv(X)
    P = Xp @ X
    w = (Xp @ y.unsqueeze(-1)).squeeze(-1)
    if w0 is not None:
        w = w + w0 - (P @ w0.unsqueeze(-1)).squeeze(-1)
    return w, P


def singular_values(X: Tensor) -> Tensor:
    return torch.linalg.svdvals(X)


def rank_tol(X: Tensor) -> Tensor:
    """numpy/torch's default rank cut-off: max(n, d) * eps * sigma_max."""
    s = torch.linalg.svdvals(X)
    return max(X.shape[-2:]) * torch.finfo(X.dtype).eps * s[..., 0]


@dataclasses.dataclass
class LSTrajectory:
    err: Tensor  # (T+1, B) ||w_t - w_inf||
    null_drift: Tensor  # (T+1, B) ||(I - P)(w_t - w_0)||
    row_drift: Tensor  # (T+1, B) ||P(w_t - w_0)||
    round_bound: Tensor  # (T+1, B) accumulated rounding bound on ||w_t - w_t(exact)||
    eta: Tensor
    w_inf: Tensor
    w_last: Tensor


def _checked_steps(X: Tensor, y: Tensor, eta, steps: int, schedule) -> tuple[Tensor, Tensor | None]:
    """Bad input of :func:`gd_least_squares` as one clear error; the step sizes as tensors."""
    if X.dim() != 3 or y.dim() != 2 or y.shape != X.shape[:2]:
        raise DlverifyError(
            f"shapes do not match: X is {tuple(X.shape)} and y is {tuple(y.shape)}; "
            "allowed: X (batch, n, d) with y (batch, n)"
        )
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise DlverifyError(f"empty data: X is {tuple(X.shape)}; need n >= 1 points of dimension d >= 1")
    finite_or_raise("data X", X)
    finite_or_raise("targets y", y)
    B = X.shape[0]
    eta = torch.as_tensor(eta, dtype=X.dtype, device=X.device).expand(B).clone()
    finite_or_raise("step size eta", eta)
    if bool((eta <= 0).any()):
        raise DlverifyError("step size eta must be > 0")
    if schedule is not None:
        schedule = torch.as_tensor(schedule, dtype=X.dtype, device=X.device)
        if schedule.shape != (steps, B):
            raise DlverifyError(
                f"a step-size schedule must have shape (steps, batch) = ({steps}, {B}), "
                f"not {tuple(schedule.shape)}"
            )
        finite_or_raise("step-size schedule", schedule)
        if bool((schedule <= 0).any()):
            raise DlverifyError("every step size of a schedule must be > 0")
    return eta, schedule


def gd_least_squares(
    X: Tensor, y: Tensor, eta: Tensor, steps: int, w0: Tensor | None = None, schedule: Tensor | None = None
) -> LSTrajectory:
    """w_{t+1} = w_t - eta X^T (X w_t - y), all instances in one tensor op per step.

    ``schedule`` (steps, B), if given, is a step size per step and instance (eta_t), used in
    place of the constant ``eta``.

    Rounding model: one step computes X w (n-term sums), the residual, X^T r (n-term sums)
    and the update; its error is at most gamma_{n+d+4} (||w|| + eta ||X||_F (||X||_F ||w|| + ||y||)).
    ``round_bound`` accumulates these local errors: it bounds the distance to the exact
    iterate when the map w -> (I - eta X^T X) w has norm <= 1 (eta <= 2/sigma_max^2; it is the
    identity on the null space); beyond that range the local errors are amplified, and a
    relation between consecutive iterates uses the local error of one step (the increment).
    """
    eta, schedule = _checked_steps(X, y, eta, steps, schedule)
    B, n, d = X.shape
    w = torch.zeros(B, d, dtype=X.dtype, device=X.device) if w0 is None else w0.clone()
    start = w.clone()
    w_inf, P = pinv_solution(X, y, start)
    I_P = torch.eye(d, dtype=X.dtype, device=X.device) - P
    Xt = X.transpose(-1, -2)
    fro = torch.linalg.matrix_norm(X)
    yn = torch.linalg.vector_norm(y, dim=-1)
    gam = gamma(n + d + 4, X.dtype)
    errs, drift, rdrift, bounds = [], [], [], []
    acc = torch.zeros(B, dtype=X.dtype, device=X.device)
    for t in range(steps + 1):
        errs.append(torch.linalg.vector_norm(w - w_inf, dim=-1))
        moved = (w - start).unsqueeze(-1)
        drift.append(torch.linalg.vector_norm((I_P @ moved).squeeze(-1), dim=-1))
        rdrift.append(torch.linalg.vector_norm((P @ moved).squeeze(-1), dim=-1))
        bounds.append(acc.clone())
        if t == steps:
            break
        et = eta if schedule is None else schedule[t]
        wn = torch.linalg.vector_norm(w, dim=-1)
        r = (X @ w.unsqueeze(-1)).squeeze(-1) - y
        w = w - et[:, None] * (Xt @ r.unsqueeze(-1)).squeeze(-1)
        acc = acc + gam * (wn + et * fro * (fro * wn + yn))
    return LSTrajectory(
        torch.stack(errs), torch.stack(drift), torch.stack(rdrift), torch.stack(bounds), eta, w_inf, w
    )


# ----------------------------------------------------------------------------- kernels

KERNELS = ("polynomial", "gaussian", "laplace")


def gram(
    kind: str, A: Tensor, Bm: Tensor, *, bandwidth: float = 1.0, degree: int = 3, c: float = 1.0
) -> Tensor:
    """k(a_i, b_j) for batched point sets A (B, n, p), Bm (B, m, p)."""
    if kind == "polynomial":
        return (A @ Bm.transpose(-1, -2) + c) ** degree
    d2 = (A.unsqueeze(-2) - Bm.unsqueeze(-3)).pow(2).sum(-1)
    if kind == "gaussian":
        return torch.exp(-d2 / (2 * bandwidth**2))
    if kind == "laplace":
        return torch.exp(-torch.sqrt(d2.clamp_min(0)) / bandwidth)
    raise DlverifyError(f"unknown kernel '{kind}'; allowed: {', '.join(KERNELS)}")


def require_psd(K: Tensor, name: str = "kernel matrix") -> Tensor:
    """Eigenvalues of a symmetric K; a clearly negative one (beyond rounding) is bad input."""
    finite_or_raise(name, K)
    if not torch.allclose(K, K.transpose(-1, -2), rtol=0, atol=float(gamma(K.shape[-1]) * K.abs().max())):
        raise DlverifyError(
            f"{name} is not symmetric; a kernel matrix must be symmetric positive semi-definite"
        )
    lam = torch.linalg.eigvalsh(K)
    tol = K.shape[-1] * torch.finfo(K.dtype).eps * lam.abs().amax(-1)
    if bool((lam[..., 0] < -tol).any()):
        worst = float(lam[..., 0].min())
        raise DlverifyError(
            f"{name} is not positive semi-definite (eigenvalue {worst:.3g}); "
            "allowed: kernels whose Gram matrices are PSD (polynomial with c >= 0, gaussian, laplace)"
        )
    return lam


def gd_kernel(K: Tensor, y: Tensor, eta: Tensor, steps: int) -> Tensor:
    """alpha_{t+1} = alpha_t - eta (K alpha_t - y) from 0: GD on the function-space residual."""
    a = torch.zeros_like(y)
    for _ in range(steps):
        a = a - eta[:, None] * ((K @ a.unsqueeze(-1)).squeeze(-1) - y)
    return a


# ----------------------------------------------------------------------------- min-norm risk


def min_norm_risk_draws(
    n: int, p: int, beta: Tensor, draws: int, *, seed: int, device, dtype=torch.float64, chunk: int = 4096
) -> Tensor:
    """Per-draw risk of the min-norm fit on the first p of D Gaussian features (noise-free).

    Training: X ~ N(0, I_D)^n, y = X beta; fit beta_hat = X_T^+ y on features T = [0, p).
    For a fresh x ~ N(0, I_D) the risk E[(y - x_T^T beta_hat)^2] given the draw equals
    ||beta_T - beta_hat||^2 + ||beta_{T^c}||^2 exactly, so each draw contributes its exact
    conditional risk and only the outer average is Monte Carlo.
    """
    D = beta.numel()
    if not 1 <= p <= D:
        raise DlverifyError(f"need 1 <= p <= D = {D}, got p = {p}")
    g = generator(seed, device)
    out = []
    bT, bTc2 = beta[:p], beta[p:].pow(2).sum()
    done = 0
    while done < draws:
        m = min(chunk, draws - done)
        X = torch.randn(m, n, D, generator=g, device=device, dtype=dtype)
        y = X @ beta
        XT = X[:, :, :p]
        # min-norm least squares: the normal equations when p <= n, the dual form when p > n
        # (Gaussian X_T has full rank almost surely; both are X_T^+ y there, and solve is much
        # cheaper than an SVD-based pinv)
        if p <= n:
            bh = torch.linalg.solve(
                XT.transpose(-1, -2) @ XT, (XT.transpose(-1, -2) @ y.unsqueeze(-1))
            ).squeeze(-1)
        else:
            bh = (
                XT.transpose(-1, -2) @ torch.linalg.solve(XT @ XT.transpose(-1, -2), y.unsqueeze(-1))
            ).squeeze(-1)
        out.append((bh - bT).pow(2).sum(-1) + bTc2)
        done += m
    return torch.cat(out)

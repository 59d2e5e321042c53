r"""GD with the exponential loss on linearly separable data whose hard-margin SVM is known exactly
(lecture 4 of document 000, lines 215–261: Soudry et al.'s implicit bias).

The family (:func:`instances`): 2-D data, no bias, labels folded in (x̃_i = y_i x_i).  With a
rational ŵ = (p₁, p₂), ŵ⊥ = (−p₂, p₁) and rationals r₁ ≠ r₂ > 0, δ > 0:

    a = (ŵ + r₁ŵ⊥)/‖ŵ‖²,  b = (ŵ − r₂ŵ⊥)/‖ŵ‖²  (support vectors: ŵᵀa = ŵᵀb = 1),
    c = ((1 + δ)ŵ + r₃ŵ⊥)/‖ŵ‖²                 (margin 1 + δ),

so ŵ = α_a a + α_b b with α_a = ‖ŵ‖² r₂/(r₁ + r₂) > 0, α_b = ‖ŵ‖² r₁/(r₁ + r₂) > 0: the KKT
conditions of min ‖w‖² s.t. wᵀx̃_i ≥ 1 hold, so w_svm = ŵ exactly (:func:`exact_kkt`, in
rationals; :func:`scipy_svm` solves the QP independently).

The step (why it is valid): the Hessian of L(w) = Σ_i e^{−wᵀx̃_i} is Σ_i e^{−wᵀx̃_i} x̃_i x̃_iᵀ ⪯
L(w)·R² I (R = max_i ‖x̃_i‖), so L is β-smooth with β = L(w₀)R² on the convex sublevel set
{L ≤ L(w₀)}.  For η < 2/β GD stays in it: along w − τ∇L the loss first falls (slope −‖∇L‖²);
were it to climb back to L(w) at a first τ* ≤ η, the segment up to τ* lies in the set and the
descent lemma gives L(w − τ*∇L) ≤ L(w) − τ*(1 − βτ*/2)‖∇L‖² < L(w), a contradiction.  So
L(w(t)) is non-increasing and the bound holds at every step.  Here ηβ ≤ ½: w₀ = ŵ log τ with
τ = 2NηR² gives L(w₀) ≤ N/τ.

The step size η = ‖ŵ‖² λ^λ (1 − λ)^{1−λ}, λ = r₂/(r₁ + r₂), makes Soudry et al.'s offset w̃
(η e^{−x̃_nᵀw̃} = α_n on the support vectors) orthogonal to ŵ, so the direction gap is
‖P⊥w̃‖/(‖ŵ‖ log t)·(1 + O(1/log²t)) without a 1/log t shift of the clock: the rate −1 is visible
within 10⁴ steps.  The non-support vector's pull decays like t^{−(1+δ)}.

The paths are deterministic given the data: no false alarm from sampling.  The rates are limits:
each is read as the secant slope over the last of :data:`WINDOWS` equal windows in log t, with the
geometric tail bound |Δ_J|·ρ/(1 − ρ) (Δ_j the change of the secant slope from one window to the
next, ρ the largest ratio |Δ_{j+1}/Δ_j|) as its interval: an extrapolation from the measured
approach, not a proof that the limit is reached (a finite run measures the rate, it does not prove
the limit).
"""

from __future__ import annotations

import dataclasses
import math
import time
from fractions import Fraction

import numpy as np
import torch

from .device import RunContext, gamma

ID = "separable"
#: the rationals r₁, r₂ (distinct per instance), r₃ and δ of the non-support vector
R_CHOICES = (Fraction(1), Fraction(3, 2), Fraction(2), Fraction(3))
R3, DELTA = Fraction(1, 2), Fraction(3, 2)
N_POINTS = 3
WINDOWS = 4
T_MIN = 10  # the first recorded step of the windows (the start's transient is shorter)


@dataclasses.dataclass
class Instance:
    """One data set in exact rationals: ŵ, the three points (rows), the dual weights."""

    w_svm: tuple[Fraction, Fraction]
    points: tuple[tuple[Fraction, Fraction], ...]
    alpha: tuple[Fraction, ...]
    r1: Fraction
    r2: Fraction


def instance(p1: Fraction, p2: Fraction, r1: Fraction, r2: Fraction) -> Instance:
    pp = p1 * p1 + p2 * p2
    perp = (-p2, p1)

    def pt(k: Fraction, r: Fraction) -> tuple[Fraction, Fraction]:
        return ((k * p1 + r * perp[0]) / pp, (k * p2 + r * perp[1]) / pp)

    pts = (pt(Fraction(1), r1), pt(Fraction(1), -r2), pt(1 + DELTA, R3))
    alpha = (pp * r2 / (r1 + r2), pp * r1 / (r1 + r2), Fraction(0))
    return Instance((p1, p2), pts, alpha, r1, r2)


def exact_kkt(inst: Instance) -> bool:
    """The KKT conditions of min ½‖w‖² s.t. wᵀx_i ≥ 1 at w = ŵ, in rationals: stationarity
    ŵ = Σ α_i x_i, α ≥ 0, feasibility ŵᵀx_i ≥ 1, complementary slackness α_i(ŵᵀx_i − 1) = 0."""
    w = inst.w_svm
    margins = [w[0] * x[0] + w[1] * x[1] for x in inst.points]
    stat = all(sum(a * x[j] for a, x in zip(inst.alpha, inst.points)) == w[j] for j in range(2))
    return (
        stat
        and all(a >= 0 for a in inst.alpha)
        and all(m >= 1 for m in margins)
        and all(a * (m - 1) == 0 for a, m in zip(inst.alpha, margins))
    )


def scipy_svm(inst: Instance) -> np.ndarray:
    """The hard-margin SVM solved as a QP by scipy (SLSQP), independently of the construction."""
    from scipy.optimize import minimize

    x = np.array([[float(v) for v in p] for p in inst.points])
    cons = [
        {"type": "ineq", "fun": lambda w, xi=xi: float(xi @ w) - 1.0, "jac": lambda w, xi=xi: xi} for xi in x
    ]
    res = minimize(
        lambda w: 0.5 * float(w @ w),
        np.ones(2),
        jac=lambda w: w,
        constraints=cons,
        method="SLSQP",
        options={"ftol": 1e-14, "maxiter": 500},
    )
    return np.asarray(res.x)


def instances(ctx: RunContext, B: int) -> list[Instance]:
    g = torch.Generator().manual_seed(ctx.seed_for(ID, "data", B))
    out = []
    for _ in range(B):
        num = torch.randint(1, 4, (2,), generator=g).tolist()
        den = int(torch.randint(1, 3, (1,), generator=g))
        i1 = int(torch.randint(0, len(R_CHOICES), (1,), generator=g))
        i2 = (i1 + int(torch.randint(1, len(R_CHOICES), (1,), generator=g))) % len(R_CHOICES)
        out.append(instance(Fraction(num[0], den), Fraction(num[1], den), R_CHOICES[i1], R_CHOICES[i2]))
    return out


@dataclasses.dataclass
class Paths:
    """The GD paths at the recorded steps ``ts``: w (K × B × 2), L, ‖w‖, min margin, the direction gap."""

    ts: np.ndarray
    w: torch.Tensor
    loss: torch.Tensor
    norm: torch.Tensor
    margin: torch.Tensor
    gap: torch.Tensor
    w_svm: torch.Tensor
    eta: torch.Tensor
    eta_beta: torch.Tensor
    steps: int
    wall_s: float
    monotone_loss: bool
    monotone_norm: bool


def run(ctx: RunContext, B: int, steps: int) -> Paths:
    """GD w ← w + η Σ_i e^{−wᵀx_i} x_i on every instance at once (batched, float64, on the run's
    device), recording log-spaced steps and checking L monotone at every step and ‖w‖ at the
    recorded steps (beyond the rounding bound of one step)."""
    insts = instances(ctx, B)
    dev, dt = ctx.device, torch.float64
    X = torch.tensor([[[float(v) for v in p] for p in i.points] for i in insts], dtype=dt, device=dev)
    p = torch.tensor([[float(v) for v in i.w_svm] for i in insts], dtype=dt, device=dev)
    lam = torch.tensor([float(i.r2 / (i.r1 + i.r2)) for i in insts], dtype=dt, device=dev)
    pp = (p * p).sum(1)
    eta = pp * lam**lam * (1 - lam) ** (1 - lam)
    r2 = (X * X).sum(2).amax(1)
    tau = 2 * N_POINTS * eta * r2
    w = (p * torch.log(tau)[:, None])[:, :, None].contiguous()
    loss0 = torch.exp(-torch.bmm(X, w)).sum((1, 2))
    eta_beta = eta * loss0 * r2
    xe = (eta[:, None, None] * X.transpose(1, 2)).contiguous()
    rec = sorted(set(np.unique(np.round(np.logspace(0, math.log10(steps), 80)).astype(int)).tolist()))
    rec_set = set(rec)
    ws = []
    prev_loss, prev_norm = loss0, w.norm(dim=(1, 2))
    mono_l = mono_n = torch.ones(B, dtype=torch.bool, device=dev)
    tol = gamma(4 * N_POINTS + 8)
    t0 = time.perf_counter()
    for t in range(1, steps + 1):
        m = torch.bmm(X, w)
        m.neg_()
        m.exp_()
        cur_loss = m.sum((1, 2))  # L(w(t − 1))
        if t > 1:
            mono_l = mono_l & (cur_loss <= prev_loss * (1 + tol))
        prev_loss = cur_loss
        w.baddbmm_(xe, m)
        if t in rec_set:
            nrm = w.norm(dim=(1, 2))
            mono_n = mono_n & (nrm >= prev_norm * (1 - tol))
            prev_norm = nrm
            ws.append(w[:, :, 0].clone())
    wall = time.perf_counter() - t0
    W = torch.stack(ws)
    marg = torch.einsum("bnd,kbd->kbn", X, W)
    loss = torch.exp(-marg).sum(2)
    u = W / W.norm(dim=2, keepdim=True)
    uh = p / p.norm(dim=1, keepdim=True)
    return Paths(
        np.array(rec, dtype=float),
        W,
        loss,
        W.norm(dim=2),
        marg.amin(2),
        (u - uh).norm(dim=2),
        p,
        eta,
        eta_beta,
        steps,
        wall,
        bool(mono_l.all()),
        bool(mono_n.all()),
    )


@dataclasses.dataclass
class LimitRate:
    """A secant slope over the last window in log t, with its geometric tail bound."""

    measured: float
    tail: float
    rho: float

    @property
    def lo(self) -> float:
        return self.measured - self.tail

    @property
    def hi(self) -> float:
        return self.measured + self.tail

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi


def limit_rate(x: np.ndarray, y: np.ndarray, windows: int = WINDOWS) -> LimitRate:
    """The secant slopes k_j of y against x over ``windows`` equal stretches of the recorded
    points; the last one, with the tail |Δ_J|ρ/(1 − ρ) of a geometric approach (ρ the largest
    measured ratio of successive changes; no bound — an infinite tail — when ρ ≥ 1)."""
    edges = np.linspace(0, len(x) - 1, windows + 1).round().astype(int)
    k = np.array([(y[e1] - y[e0]) / (x[e1] - x[e0]) for e0, e1 in zip(edges[:-1], edges[1:])])
    d = np.diff(k)
    ratios = np.abs(d[1:] / d[:-1])
    rho = float(ratios.max())
    tail = abs(float(d[-1])) * rho / (1 - rho) if rho < 1 else math.inf
    return LimitRate(float(k[-1]), tail, rho)


def rates(paths: Paths) -> dict[str, list[LimitRate]]:
    """Per instance: (a) the slope of each component of w(t) against log t (predicted ŵ),
    (b) the slope of log gap against log log t (predicted −1), (c) of log L against log t
    (predicted −1), (d) of the min margin against log t (predicted min_i ŵᵀx_i = 1); and, for the
    wrong variants, the slope of log gap against log t (a gap ~ 1/t would give −1)."""
    sel = paths.ts >= T_MIN
    lt = np.log(paths.ts[sel])
    out: dict[str, list[LimitRate]] = {k: [] for k in ("w1", "w2", "gap", "gap_t", "loss", "margin")}
    for b in range(paths.w.shape[1]):
        out["w1"].append(limit_rate(lt, paths.w[sel, b, 0].cpu().numpy()))
        out["w2"].append(limit_rate(lt, paths.w[sel, b, 1].cpu().numpy()))
        lg = np.log(paths.gap[sel, b].cpu().numpy())
        out["gap"].append(limit_rate(np.log(lt), lg))
        out["gap_t"].append(limit_rate(lt, lg))
        out["loss"].append(limit_rate(lt, np.log(paths.loss[sel, b].cpu().numpy())))
        out["margin"].append(limit_rate(lt, paths.margin[sel, b].cpu().numpy()))
    return out


def paths(ctx: RunContext) -> Paths:
    B = ctx.size(32, 256, 4096)
    steps = ctx.size(10_000, 200_000, 1_000_000)
    return ctx.cached((ID, "paths", B, steps), lambda: run(ctx, B, steps))

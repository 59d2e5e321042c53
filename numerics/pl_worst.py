r"""Worst cases of one gradient step on L-smooth μ-PL functions: the PL table and a certified
search in two dimensions.

The quantity is the one-step ratio :math:`(f(x_1)-f^*)/(f(x_0)-f^*)` of GD, :math:`x_1=x_0-\gamma\nabla
f(x_0)`, over L-smooth functions (gradient L-Lipschitz, no convexity) that are μ-PL
(:math:`\|\nabla f\|^2\ge2\mu(f-f^*)`).  Everything is scale-free, so L = 1, μ = μ/L, γ = γL.

Columns of the table (:func:`table_rows`), per (μ/L, γL):

* **textbook** 1 − γμ, the source's claim (valid for γ ≤ 1/L; 1 − μ/L at γ = 1/L);
* **Karimi–Nutini–Schmidt (2016), Theorem 1**: step 1/L only, 1 − μ/L; the same two lines
  (descent lemma, then PL) give 1 − μγ(2 − Lγ) for every γ ≤ 2/L, which is
* **the proved factor** 1 − μη(2 − βη), the claim's own expression
  (``theorems.pl_convergence.PREDICTED['tight_rate']``, lambdified, never retyped);
* **Abbaszadehpeivasti–de Klerk–Zamani (2023), Theorem 3**, three branches in γL
  (:func:`adz_factor`, from ``theorems.pl_convergence.ADZ_BRANCHES``);
* **PEPit**'s worst case over its 'expensive' PL constraints (Rubbens–Hendrickx–Taylor): an
  *upper bound from necessary conditions* — no interpolation theorem exists for PL, so no
  function is known to attain it;
* **a certified lower bound** from a constructed function: the 1-D quadratics
  :math:`f=a x^2/2`, :math:`a\in[\mu,L]` (L-smooth because a ≤ L, μ-PL because
  :math:`f'^2-2\mu f=a(a-\mu)x^2\ge0`), ratio :math:`(1-\gamma a)^2`, convex in a, so its largest
  value is at an end: :math:`\max((1-\gamma\mu)^2,(1-\gamma L)^2)` (the second wins at μ/L = 0.5,
  γL = 1.5).  No one-dimensional function does better, for any 0 < γ ≤ 2/L (an argument, not a
  certified step): let x* be the minimiser nearest x₀ on the side GD moves to, d = x₀ − x*,
  p = f'(x₀) ≤ Ld.  If x₁ ∈ [x*, x₀], PL gives :math:`|(\sqrt{f-f^*})'|\ge\sqrt{\mu/2}` there and
  p ≥ √(2μ(f₀ − f*)), so :math:`\sqrt{f_1-f^*}\le(1-\gamma\mu)\sqrt{f_0-f^*}`; if x₁ overshoots,
  f₁ − f* ≤ L(γp − d)²/2 (∇f = 0 at x*) and f₀ − f* ≥ p²/(2L), so the ratio is at most
  (γL − Ld/p)² ≤ (γL − 1)².  So every value above this column needs two dimensions.

**The two-dimensional search** (:func:`search_homogeneous`) looks in the degree-2 homogeneous
functions :math:`f(x)=\|x\|^2g(\theta)/2` with g a trigonometric polynomial.  In polar
coordinates :math:`\nabla f=r\,g\,e_r+r\,g'/2\,e_\theta`, so with :math:`x_0=(1,0)`

.. math:: x_1=(1-\gamma g_0)\,e_r-\gamma g_0'/2\;e_\theta,\qquad
          \frac{f(x_1)}{f(x_0)}=\frac{((1-\gamma g_0)^2+\gamma^2g_0'^2/4)\,g(\theta_1)}{g_0},

and the conditions on the whole plane reduce to conditions on the circle: f* = 0 when g > 0;
μ-PL iff :math:`g^2+g'^2/4-\mu g\ge0`; L-smooth iff the Hessian (degree-0 homogeneous; in the
frame :math:`(e_r,e_\theta)` it is :math:`\begin{pmatrix}g&g'/2\\g'/2&g+g''/2\end{pmatrix}`) has
spectral norm ≤ L at every θ (f is smooth off the origin and ∇f is continuous at it, so a
segment through the origin splits there).  :func:`certify_homogeneous` proves these with Arb
interval arithmetic and bisection of [0, 2π] (it cannot miss a violation: every piece of the
circle is either proved or the certificate fails), and bounds the ratio with Arb at the start
point.  The optimiser itself only sees samples; the sampled optimum it reports is not evidence.

Twisted, the family becomes the log-spiral self-similar functions :math:`f=r^2g(\varphi)/2`,
:math:`\varphi=\theta-c\ln r` (f(eˢR(cs)x) = e²ˢf(x)): the conditions still live on the circle of φ
(:func:`conditions`).  Why the untwisted family cannot win where PL is tight at x₀: at the minimum
of g, g′ = 0, so PL forces min g ≥ μ (or g = 0 there); then g₀² + g₀′²/4 = μg₀ needs g₀ = μ and
g₀′ = 0, the step is radial and the ratio is exactly (1 − γμ)².  The twist lifts that restriction
(the gradient may then have an angular part where PL is tight); the search found no gain either.

This module computes; verdicts are made in :mod:`dlverify.theorems.evidence`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from fractions import Fraction
from typing import Any

import sympy as sp
import torch

from ..theorems import pl_convergence as book
from ..theorems.core import TightnessRow
from . import smooth
from .device import RunContext, gamma
from .lambdify import to_torch

#: the namespace of this module's cache keys and seed names in a run context (the theorem's)
ID = "pl_convergence"
#: PEPit's SDP is solved to about 1e-8 relative accuracy (as in the descent lemma's numeric side)
PEPIT_TOL = 1e-6
MU_GRID = ("0.1", "0.2", "0.5")  # μ/L, as exact decimals
STEP_GRID = ("0.5", "1", "1.5")  # γL
#: the table's settings (μ/L, γL), as exact rationals
TABLE_GRID = tuple((Fraction(r), Fraction(s)) for r in MU_GRID for s in STEP_GRID)
#: where the search for a two-dimensional function runs (the issue's open interval)
SEARCH_AT = (Fraction(1, 5), Fraction(1))


@functools.cache
def _fn(expr):
    return to_torch(expr)


# --------------------------------------------------------------------------- peers' values


def adz_factor(mu_: torch.Tensor, beta_: torch.Tensor, eta_: torch.Tensor) -> torch.Tensor:
    """ADZ Theorem 3's one-step factor, branch by branch from the sympy expressions \
(nan outside 0 < η ≤ 2/β)."""
    vals = {"mu": mu_, "beta": beta_, "eta": eta_}
    x = eta_ * beta_
    out = torch.full_like(x, float("nan"))
    lo = 0.0
    for expr, edge in zip(book.ADZ_BRANCHES, book.ADZ_EDGES):
        hi = float(edge)
        v = torch.as_tensor(_fn(expr)(vals), dtype=x.dtype, device=x.device).expand_as(x)
        out = torch.where((x > lo) & (x <= hi) & out.isnan(), v, out)
        lo = hi
    return out


def adz_branch(step: float) -> int:
    """Which of ADZ Theorem 3's branches (1, 2, 3) holds at γL = step."""
    return next(i + 1 for i, e in enumerate(book.ADZ_EDGES) if step <= float(e))


def _solve_pepit_pl(mu_over_beta: float, eta_beta: float, steps: int) -> float | None:
    try:
        from PEPit import PEP
        from PEPit.functions import SmoothQuadraticLojasiewiczFunctionExpensive
    except ImportError:
        return None
    problem = PEP()
    func = problem.declare_function(SmoothQuadraticLojasiewiczFunctionExpensive, L=1.0, mu=mu_over_beta)
    xs = func.stationary_point()
    fs = func(xs)
    x = problem.set_initial_point()
    problem.set_initial_condition(func(x) - fs <= 1)
    for _ in range(steps):
        x = x - eta_beta * func.gradient(x)
    problem.set_performance_metric(func(x) - fs)
    return float(problem.solve(verbose=0))


def pepit_pl_worst(ctx: RunContext, mu_over_beta: float, eta_beta: float, steps: int = 1) -> float | None:
    """PEPit's worst case of (f(x_T) − f*)/(f(x_0) − f*) for GD on β-smooth μ-PL functions, β = 1
    (PEPit's 'expensive' PL class, an upper bound from necessary conditions), solved once per
    run; None when PEPit is not installed."""
    key = (ID, "pepit", float(mu_over_beta), float(eta_beta), steps)
    return ctx.cached(key, lambda: _solve_pepit_pl(float(mu_over_beta), float(eta_beta), steps))


def proved_factor(mu_over_beta, eta_beta) -> float:
    """The claim's own factor 1 − μη(2 − βη) at β = 1, lambdified from the theorem module."""
    one = torch.ones(1, dtype=torch.float64)
    vals = {"mu": one * float(mu_over_beta), "beta": one, "eta": one * float(eta_beta)}
    return float(_fn(book.PREDICTED["tight_rate"])(vals))


# --------------------------------------------------------------------------- the 1-D lower bound


@dataclasses.dataclass(frozen=True)
class Constructed:
    """A function that is certified L-smooth and μ-PL, and its exact one-step ratio."""

    value: Fraction
    description: str
    method: str


def quadratic_certificate(a: Fraction, mu: Fraction, L: Fraction) -> tuple[bool, str]:
    """Whether f = a x²/2 is L-smooth and μ-PL, decided exactly: f' = a x is a-Lipschitz, and
    f'² − 2μ(f − 0) = a(a − μ)x² (a sympy identity, checked here), ≥ 0 for all x iff a ≥ μ."""
    x = sp.Symbol("x", real=True)
    a_, mu_ = sp.Rational(a.numerator, a.denominator), sp.Rational(mu.numerator, mu.denominator)
    f = a_ * x**2 / 2
    identity = sp.expand(sp.diff(f, x) ** 2 - 2 * mu_ * f - a_ * (a_ - mu_) * x**2) == 0
    ok = identity and 0 < a <= L and a >= mu
    return ok, f"f'' = {a} ≤ L = {L}; f'² − 2μf = {a}·({a} − {mu})·x² ≥ 0"


def quadratic_step(a: Fraction, step: Fraction, x0: Fraction = Fraction(1)) -> Fraction:
    """One GD step on a x²/2 in exact rational arithmetic: the ratio f(x₁)/f(x₀)."""
    x1 = x0 - step * a * x0
    return (a * x1 * x1 / 2) / (a * x0 * x0 / 2)


def quadratic_lower_bound(mu: Fraction, L: Fraction, step: Fraction) -> Constructed:
    """The best 1-D quadratic a x²/2, a ∈ [μ, L]: (1 − γa)² is convex in a, so the largest value
    is at a = μ or a = L; each end certified exactly and stepped in rationals."""
    best = None
    for a in (mu, L):
        ok, why = quadratic_certificate(a, mu, L)
        if not ok:
            continue
        v = quadratic_step(a, step)
        if best is None or v > best[0]:
            best = (v, a, why)
    assert best is not None  # a = μ is always admissible
    v, a, why = best
    return Constructed(
        v,
        f"f(x) = {a}·x²/2 (1-D quadratic, curvature a = {'μ' if a == mu else 'L'})",
        f"exact rational arithmetic ({why}; the step in rationals)",
    )


def quadratic_gd_ratio(ctx: RunContext, a: torch.Tensor, step: float) -> tuple[torch.Tensor, torch.Tensor]:
    """The suite's own batched GD, one step on a x²/2 (L = 1): (ratio, rounding bound on it)."""
    batch = smooth.two_sided(a, a, torch.ones_like(a))
    traj = smooth.gradient_descent(batch, torch.full_like(a, step), 1)
    return traj.f[1] / traj.f[0], traj.err[0] / traj.f[0]


# --------------------------------------------------------------------------- degree-2 homogeneous


@dataclasses.dataclass(frozen=True)
class Homogeneous:
    """f(x) = r² g(φ)/2, φ = θ − c·ln r, with g(φ) = c₀ + Σₖ aₖ cos kφ + bₖ sin kφ (exact binary
    rationals, so Arb holds them exactly); GD starts at x₀ = (1, 0).  c = 0: degree-2 homogeneous;
    c ≠ 0: self-similar under the spiral similarities x ↦ eˢR(cs)x (f scales by e²ˢ), so the
    conditions still reduce to the circle of φ."""

    c0: Fraction
    a: tuple[Fraction, ...]
    b: tuple[Fraction, ...]
    c: Fraction = Fraction(0)

    @classmethod
    def from_vector(cls, p, c: float = 0.0) -> Homogeneous:
        p = [Fraction(float(v)) for v in p]
        k = (len(p) - 1) // 2
        return cls(p[0], tuple(p[1 : k + 1]), tuple(p[k + 1 :]), Fraction(float(c)))

    def vector(self) -> list[float]:
        return [float(self.c0), *map(float, self.a), *map(float, self.b)]

    def describe(self) -> str:
        terms = [f"{float(self.c0):.6g}"]
        for k, (a, b) in enumerate(zip(self.a, self.b), 1):
            if a:
                terms.append(f"{float(a):+.3g}·cos {k}θ")
            if b:
                terms.append(f"{float(b):+.3g}·sin {k}θ")
        if not self.c:
            return "f = ‖x‖²g(θ)/2, g = " + " ".join(terms)
        return f"f = r²g(φ)/2, φ = θ − {float(self.c):.6g}·ln r, g = " + " ".join(terms)


def trig(p: torch.Tensor, theta: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """g, g′, g″ of the trigonometric polynomials with coefficient rows p (B, 2K+1) at θ (B, N)
    or (N,): batched over instances."""
    K = (p.shape[-1] - 1) // 2
    k = torch.arange(1, K + 1, dtype=p.dtype, device=p.device)
    kt = theta[..., None] * k
    c, s = torch.cos(kt), torch.sin(kt)
    a, b = p[:, None, 1 : K + 1], p[:, None, K + 1 :]
    g = p[:, :1] + (a * c + b * s).sum(-1)
    g1 = (k * (b * c - a * s)).sum(-1)
    g2 = (-k * k * (a * c + b * s)).sum(-1)
    return g, g1, g2


#: the conditions on the circle, each ≥ 0 (names used by the certificate and the sampled check)
CONDITIONS = ("g > 0", "PL", "L - h11", "L - h22", "det(L - H)", "L + h11", "L + h22", "det(L + H)")


def conditions(g: Any, g1: Any, g2: Any, mu: Any, L: Any, c: Any = 0) -> tuple:
    """The eight condition values (each must be ≥ 0; the first > 0) from g, g′, g″ at φ: works on
    tensors and on Arb balls alike.  With φ = θ − c ln r, ∇f = r((g − cg′/2)e_r + g′/2 e_θ) and the
    Hessian in the frame (e_r, e_θ) is [[g − 3cg′/2 + c²g″/2, g′/2 − cg″/2], [·, g − cg′/2 + g″/2]]
    (c = 0: [[g, g′/2], [g′/2, g + g″/2]])."""
    P = g - c * g1 / 2
    A, B, C = g - 3 * c * g1 / 2 + c * c * g2 / 2, g1 / 2 - c * g2 / 2, g - c * g1 / 2 + g2 / 2
    return (
        g,
        P * P + g1 * g1 / 4 - mu * g,
        L - A,
        L - C,
        (L - A) * (L - C) - B * B,
        L + A,
        L + C,
        (L + A) * (L + C) - B * B,
    )


def sampled_margin(p: torch.Tensor, mu: float, L: float, n: int, c=0.0) -> torch.Tensor:
    """The smallest condition value over n equally spaced θ, per instance: a sampled check (it can
    miss a violation between samples — :func:`certify_homogeneous` cannot)."""
    theta = torch.arange(n, dtype=p.dtype, device=p.device) * (2 * math.pi / n)
    vals = conditions(*trig(p, theta), mu, L, _col(c, p))
    return torch.stack([v.amin(-1) for v in vals], -1).amin(-1)


def _col(c, p: torch.Tensor):
    """c as a column (one per instance) when it is a tensor of instances, else as given."""
    return c[:, None] if isinstance(c, torch.Tensor) and c.dim() == 1 else c


def homogeneous_ratio(p: torch.Tensor, step: float, c=0.0) -> torch.Tensor:
    """The one-step ratio f(x₁)/f(x₀) from x₀ = (1, 0) by the polar formula, batched (f* = 0):
    x₁ = (1 − γ(g₀ − cg₀′/2)) e_r − γg₀′/2 e_θ, then r₁, φ₁ = θ₁ − c ln r₁."""
    zero = torch.zeros(p.shape[0], 1, dtype=p.dtype, device=p.device)
    g0, d0, _ = (t[:, 0] for t in trig(p, zero))
    x, y = 1 - step * (g0 - c * d0 / 2), -step * d0 / 2
    r2 = x * x + y * y
    t1 = torch.atan2(y, x) - c * torch.log(r2) / 2
    g_1 = trig(p, t1[:, None])[0][:, 0]
    return r2 * g_1 / g0


def homogeneous_batch(p: torch.Tensor, c=0.0) -> smooth.SmoothBatch:
    """The same functions in Cartesian coordinates as a :class:`~dlverify.numerics.smooth.SmoothBatch`,
    for the suite's own GD (an independent path to the ratio: no polar step formula)."""

    def value_and_grad(w):
        r2 = (w * w).sum(-1)
        th = torch.atan2(w[:, 1], w[:, 0])
        g, g1, _ = (t[:, 0] for t in trig(p, (th - c * torch.log(r2) / 2)[:, None]))
        er = torch.stack([torch.cos(th), torch.sin(th)], -1)
        et = torch.stack([-torch.sin(th), torch.cos(th)], -1)
        r = r2.sqrt()
        return r2 * g / 2, (r * (g - c * g1 / 2))[:, None] * er + (r * g1 / 2)[:, None] * et

    def abs_scale(w):
        top = p.abs().sum(-1) * (1 + p.shape[-1]) * (1 + abs(c)) ** 2
        r2 = (w * w).sum(-1)
        return r2 * top, r2.sqrt() * top

    B = p.shape[0]
    w0 = torch.zeros(B, 2, dtype=p.dtype, device=p.device)
    w0[:, 0] = 1
    return smooth.SmoothBatch(
        "homogeneous",
        value_and_grad,
        abs_scale,
        torch.ones(B, dtype=p.dtype, device=p.device),
        torch.zeros(B, dtype=p.dtype, device=p.device),
        w0,
        n_terms=4 * p.shape[-1],
    )


# --------------------------------------------------------------------------- the Arb certificate


@dataclasses.dataclass(frozen=True)
class Certificate:
    """The outcome of :func:`certify_homogeneous`: ``ok`` when every condition is proved on every
    piece of [0, 2π]; else the condition and θ (a ball, as text) of a proved violation, or of a
    piece left undecided at the depth limit."""

    ok: bool
    pieces: int
    violated: str | None = None
    where: str | None = None
    proved_violation: bool = False
    ratio_low: float | None = None  # lower end of the Arb ball of the ratio (when ok)
    ratio_high: float | None = None


def _arb_g(h: Homogeneous, theta: Any) -> tuple[Any, Any, Any]:
    import flint

    g, g1, g2 = flint.arb(0), flint.arb(0), flint.arb(0)
    g = g + flint.arb(flint.fmpq(h.c0.numerator, h.c0.denominator))
    for k, (a, b) in enumerate(zip(h.a, h.b), 1):
        a_ = flint.arb(flint.fmpq(a.numerator, a.denominator))
        b_ = flint.arb(flint.fmpq(b.numerator, b.denominator))
        c, s = (k * theta).cos(), (k * theta).sin()
        g += a_ * c + b_ * s
        g1 += k * (b_ * c - a_ * s)
        g2 += -k * k * (a_ * c + b_ * s)
    return g, g1, g2


def certify_homogeneous(
    h: Homogeneous,
    mu: Fraction,
    L: Fraction,
    step: Fraction,
    *,
    start: int = 64,
    depth: int = 40,
    budget: int = 200_000,
) -> Certificate:
    """Prove g > 0, μ-PL and ‖Hessian‖ ≤ L on the whole circle by interval bisection in Arb, and
    bound the one-step ratio.  A piece is split while some condition's ball contains 0; a ball
    entirely below 0 (on a piece or at a piece's midpoint, a point ball) is a proved violation; a
    piece still undecided at ``depth`` splits, or after ``budget`` pieces, is a failure."""
    import flint

    old = flint.ctx.prec
    flint.ctx.prec = 96
    try:
        mu_ = flint.arb(flint.fmpq(mu.numerator, mu.denominator))
        L_ = flint.arb(flint.fmpq(L.numerator, L.denominator))
        c_ = flint.arb(flint.fmpq(h.c.numerator, h.c.denominator))
        two_pi = 2 * flint.arb.pi()
        stack = [(two_pi * i / start, two_pi * (i + 1) / start, 0) for i in range(start)]
        done = 0
        while stack:
            lo, hi, d = stack.pop()
            done += 1
            mid = (lo + hi) / 2
            ball = lo.union(hi)  # a ball that contains the piece [lo, hi]
            vals = conditions(*_arb_g(h, ball), mu_, L_, c_)
            bad = [i for i, v in enumerate(vals) if not (v > 0 if i == 0 else v >= 0)]
            if not bad:
                continue
            point = conditions(*_arb_g(h, flint.arb(mid.mid())), mu_, L_, c_)
            for i in bad:
                if vals[i] < 0 or point[i] < 0:
                    where = mid.mid() if point[i] < 0 else ball
                    return Certificate(False, done, CONDITIONS[i], str(where), proved_violation=True)
            if d >= depth or done >= budget:
                return Certificate(False, done, CONDITIONS[bad[0]], str(ball))
            stack += [(lo, mid, d + 1), (mid, hi, d + 1)]
        g0, d0, _ = _arb_g(h, flint.arb(0))
        s = flint.arb(flint.fmpq(step.numerator, step.denominator))
        x, y = 1 - s * (g0 - c_ * d0 / 2), -s * d0 / 2
        r2 = x * x + y * y
        g_1 = _arb_g(h, flint.arb.atan2(y, x) - c_ * r2.log() / 2)[0]
        ratio = r2 * g_1 / g0
        return Certificate(True, done, ratio_low=float(ratio.lower()), ratio_high=float(ratio.upper()))
    finally:
        flint.ctx.prec = old


# --------------------------------------------------------------------------- the search


@dataclasses.dataclass(frozen=True)
class SearchResult:
    """How far the search looked and what it found: the best ratio on samples (not evidence), and
    the best certified one with its function."""

    mu: Fraction
    step: Fraction
    degree: int
    starts: int
    iterations: int
    samples: int
    best_sampled: float
    passing_sampled: int
    tried: int
    certified: int
    best_certified: float | None
    best_function: str | None
    rejected: tuple[str, ...]

    def describe(self) -> str:
        cert = (
            f"best certified {self.best_certified:.6f} ({self.best_function})"
            if self.best_certified is not None
            else "none certified"
        )
        return (
            f"2-D search over f = r²g(φ)/2, φ = θ − c·ln r (c = 0: degree-2 homogeneous, half the starts; "
            f"c free: log-spiral self-similar), g a trigonometric polynomial of degree ≤ {self.degree}: "
            f"{self.starts} starts × {self.iterations} Adam steps on {self.samples} samples of the "
            f"circle; best sampled ratio {self.best_sampled:.6f} ({self.passing_sampled} pass a "
            f"{4 * self.samples}-sample check); {self.tried} certified in Arb: {self.certified} proved, "
            f"{cert}"
        )


def _optimise(p, c, twisted, mu, L, step, n, iters, margin):
    """Adam on (coefficients, twist) with a growing penalty on the sampled conditions; the twist
    moves only where ``twisted``."""
    p = p.clone().requires_grad_(True)
    c = c.clone().requires_grad_(True)
    opt = torch.optim.Adam([p, c], lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, iters, eta_min=1e-5)
    for i in range(iters):
        rho = 10.0 ** (2 + 6 * i / max(iters - 1, 1))  # the penalty grows: feasibility at the end
        theta = torch.arange(n, dtype=p.dtype, device=p.device) * (2 * math.pi / n)
        cc = c * twisted
        vals = conditions(*trig(p, theta), mu, L, cc[:, None])
        pen = sum(torch.relu(margin - v).pow(2).sum(-1) for v in vals)
        loss = (-homogeneous_ratio(p, step, cc) + rho * pen).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return p.detach(), (c * twisted).detach()


def search_homogeneous(
    ctx: RunContext,
    mu: Fraction = SEARCH_AT[0],
    step: Fraction = SEARCH_AT[1],
    *,
    degree: int | None = None,
    starts: int | None = None,
    iterations: int | None = None,
    samples: int = 256,
    certify_top: int | None = None,
) -> SearchResult:
    """Maximise the one-step ratio over degree-2 homogeneous functions (half the starts) and
    log-spiral self-similar ones (twist c, the other half) from random starts and from
    g ≡ μ + 10⁻³ (torch, batched, float64, a penalty on sampled conditions), then certify the best
    candidates in Arb (each tried as found and shrunk toward the constant (μ + L)/2, which keeps
    the smoothness conditions strict).  Cached per run."""
    degree = degree or ctx.size(4, 6)
    starts = starts or ctx.size(24, 128)
    iterations = iterations or ctx.size(150, 800)
    certify_top = certify_top or ctx.size(3, 10)
    key = (ID, "search_homogeneous", mu, step, degree, starts, iterations, samples, certify_top)
    return ctx.cached(key, lambda: _search(ctx, mu, step, degree, starts, iterations, samples, certify_top))


def _search(ctx, mu, step, K, B, iters, n, top) -> SearchResult:
    g = ctx.generator(ID, "search_homogeneous", float(mu), float(step), K)
    kw = {"dtype": torch.float64, "device": ctx.device}  # float64: the margins are ~1e-6
    k = torch.arange(1, K + 1, **kw)
    p = torch.zeros(B, 2 * K + 1, **kw)
    p[:, 0] = float(mu) + (1 - float(mu)) * 0.6 * torch.rand(B, generator=g, **kw) ** 2
    p[:, 1:] = 0.05 * torch.randn(B, 2 * K, generator=g, **kw) / torch.cat([k, k]) ** 1.5
    p[0] = 0  # one start at the 1-D worst case, g ≡ μ, lifted off the PL equality
    p[0, 0] = float(mu) + 1e-3
    twisted = (torch.arange(B, device=ctx.device) >= B // 2).to(torch.float64)
    c = 4 * torch.rand(B, generator=g, **kw) * twisted
    p, c = _optimise(p, c, twisted, float(mu), 1.0, float(step), n, iters, margin=1e-6)
    ratio = homogeneous_ratio(p, float(step), c)
    ok = (sampled_margin(p, float(mu), 1.0, 4 * n, c) >= 0) & torch.isfinite(ratio)
    sampled = torch.where(ok, ratio, torch.full_like(ratio, -math.inf))
    order = torch.argsort(sampled, descending=True)[: min(top, int(ok.sum()))]
    best, best_fn, certified, rejected = None, None, 0, []
    for i in order.tolist():
        for lam in (0.0, 1e-6, 1e-4, 1e-2):
            q = p[i].clone()
            q = (1 - lam) * q
            q[0] += lam * (float(mu) + 1) / 2
            h = Homogeneous.from_vector(q.cpu(), float(c[i]))
            cert = certify_homogeneous(h, mu, Fraction(1), step)
            if cert.ok and cert.ratio_low is not None:
                certified += 1
                if best is None or cert.ratio_low > best:
                    best, best_fn = cert.ratio_low, h.describe()
                break
        else:
            rejected.append(f"{h.describe()}: {cert.violated} at φ = {cert.where}")
    return SearchResult(
        mu,
        step,
        K,
        B,
        iters,
        n,
        float(sampled.max()) if bool(ok.any()) else float("nan"),
        int(ok.sum()),
        len(order),
        certified,
        best,
        best_fn,
        tuple(rejected),
    )


# --------------------------------------------------------------------------- the table


def _fmt(x: Fraction | float) -> str:
    return f"{float(x):.6f}"


def table_rows(ctx: RunContext) -> list[TightnessRow]:
    """One row per (μ/L, γL) of :data:`TABLE_GRID`: the proved factor is the bound; the certified
    lower bound (a constructed function) is the measured value; ADZ and PEPit (when installed, an
    upper bound from necessary conditions) the better values."""
    rows = []
    one = torch.ones(1, dtype=torch.float64)
    for r, s in TABLE_GRID:
        proved = proved_factor(r, s)
        adz = float(adz_factor(one * float(r), one, one * float(s)))
        pep = pepit_pl_worst(ctx, float(r), float(s))
        low = quadratic_lower_bound(r, Fraction(1), s)
        text = f"certified lower bound {_fmt(low.value)}: {low.description}, certified by {low.method}"
        lower = float(low.value)
        if (r, s) == SEARCH_AT:
            res = search_homogeneous(ctx, r, s)
            text += f"; {res.describe()}"
            if res.best_certified is not None and res.best_certified > lower:
                lower = res.best_certified
                text = (
                    f"certified lower bound {lower:.6f}: {res.best_function}, certified by Arb "
                    f"interval bisection; {text}"
                )
        kns = f"KNS Thm 1 (γ = 1/L only): 1 − μ/L = {_fmt(1 - r)}; " if s == 1 else ""
        rows.append(
            TightnessRow(
                "one-step gap ratio (f(x₁) − f*)/(f(x₀) − f*), L-smooth μ-PL",
                f"μ/L = {float(r)}, γL = {float(s)}",
                bound=proved,
                measured_value=lower,
                textbook=f"1 − γμ = {_fmt(1 - r * s)}" if s <= 1 else "— (γ > 1/L)",
                best_known=f"{kns}ADZ Thm 3 (branch {adz_branch(float(s))}): {adz:.6f}; "
                f"proved here 1 − μη(2 − βη) = {proved:.6f}",
                pepit="not installed"
                if pep is None
                else f"{pep:.6f} (upper bound from necessary conditions: no interpolation theorem for PL)",
                measured=text,
                better=min([adz] + ([pep + PEPIT_TOL] if pep is not None else [])),
                tol=gamma(16),
            )
        )
    return rows

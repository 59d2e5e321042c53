r"""Worst cases built, not cited: the function that attains a performance-estimation value.

For gradient descent on a class with an interpolation theorem, the solved PEP's primal solution
(points, gradients, values) is a finite data set that some function of the class interpolates
(Taylor, Hendrickx & Glineur 2017, Theorem 3.10 for curvature in [−L, L]; their smooth strongly
convex theorem for [μ, L]).  Here the solution is one-dimensional (PEPit's ``logdet``
dimension-reduction heuristic), and in one dimension the interpolant is explicit:

* between two adjacent data points a < b, a C¹ function with curvature in [m, M] whose
  derivative runs from g_a to g_b exists iff the drop f_b − f_a lies in [I_min, I_max], the
  integrals of the lowest and highest M/m-Lipschitz derivative profiles φ_min, φ_max (each
  piecewise linear with one kink) -- these two inequalities are exactly the pairwise
  interpolation conditions of the class for (a, b);
* the convex combination (1 − λ)φ_min + λφ_max hitting the drop is again admissible, so each
  segment is a piecewise quadratic with at most three pieces, and the glued function
  (tails of curvature clamp(0, m, M) outside the data) is C¹ with every curvature in [m, M].

Everything is exact (:class:`fractions.Fraction`): the solver's floats (Clarabel at 1e-10) are
normalised; an interpolation bound met within √ε (a gradient ratio 1 − γc, a drop at an end of
its interval) is taken as active, anything else becomes the simplest rational within the error
(:func:`simplest_near`); the iterates are recomputed from the gradients by the GD rule -- then the
construction is *certified* (:func:`certify`: curvatures, C¹ joins, data, all in rationals).
The suite's own batched GD (:func:`dlverify.numerics.smooth.gradient_descent`, float64) then
runs on the constructed function from the PEP's x_0 and the rate is measured.

The solved data are committed (:data:`dlverify.numerics.worst_case_data.CASES`), so without PEPit
the constructions still run and are checked; with PEPit :func:`solve_case` re-solves and
:func:`case_from_solution` rebuilds them (``python -m dlverify.numerics.worst_cases`` rewrites the
table).  The closed forms the constructions attain: 4/(h(4T − h(T + 1))) for min_{t<T}‖∇f‖² /
(L(f_0 − f_T)) at γL = h ≤ 1 (4/(3T − 1) at h = 1), (1 − γμ)^{2T} for the strongly convex distance
ratio.  The peers' closed forms and :func:`peer_findings` close the module.  This module
computes; verdicts are made in :mod:`dlverify.theorems.evidence`.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence
from fractions import Fraction

import torch

from ..theorems.core import DlverifyError
from . import smooth
from .device import gamma

Q = Fraction

#: the cases solved and committed: (class, γL, μ/L, T)
NONCONVEX_T = (1, 2, 3, 4, 5)
#: γL of the nonconvex cases: the claim's boundary 1/L and a step inside its range η ≤ 1/L
NONCONVEX_STEPS = (Fraction(1), Fraction(1, 2))
STRONGLY_CONVEX_T = (1, 2, 3, 4, 5)
SC_MU = Q(1, 10)
ONE = Q(1)
#: the SDP solver and its stopping tolerances (PEPit's cvxpy wrapper picks SCS unless told; Clarabel,
#: the ``pepit`` extra's solver, reaches these in a fraction of a second at this size)
SOLVER = "CLARABEL"
SOLVER_TOL = 1e-10
SOLVER_OPTS: dict = {
    "solver": SOLVER,
    "tol_gap_abs": SOLVER_TOL,
    "tol_gap_rel": SOLVER_TOL,
    "tol_feas": SOLVER_TOL,
}
#: PEPit's dimension-reduction heuristics, tried in this order
HEURISTICS = ("logdet2", "logdet1", "logdet3", "trace")


class WorstCaseError(DlverifyError):
    """The data are not interpolable in the class (or not one-dimensional)."""


# --------------------------------------------------------------------------- exact rationals


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the smallest denominator (then numerator) in [lo, hi] (Stern–Brocot)."""
    if lo > hi:
        raise ValueError("empty interval")
    if lo <= 0 <= hi:
        return Q(0)
    if hi < 0:
        return -simplest_between(-hi, -lo)
    fl = math.floor(lo)
    if fl == lo:
        return Q(fl)
    if fl + 1 <= hi:
        return Q(fl + 1)
    # lo, hi in (fl, fl + 1): recurse on the reciprocals of the fractional parts
    return fl + 1 / simplest_between(1 / (hi - fl), 1 / (lo - fl))


def simplest_near(x: float, eps: float) -> Fraction:
    """The simplest rational within ``eps`` of the float ``x`` (both read exactly)."""
    fx, fe = Q(x), Q(eps)
    return simplest_between(fx - fe, fx + fe)


# --------------------------------------------------------------------------- 1-D piecewise quadratics


@dataclasses.dataclass(frozen=True)
class Piece:
    """f(x) = f0 + g0 (x − x0) + c/2 (x − x0)² on [lo, hi] (None: unbounded), anchored at x0."""

    lo: Fraction | None
    hi: Fraction | None
    x0: Fraction
    f0: Fraction
    g0: Fraction
    c: Fraction

    def value(self, x: Fraction) -> Fraction:
        d = x - self.x0
        return self.f0 + self.g0 * d + self.c / 2 * d * d

    def grad(self, x: Fraction) -> Fraction:
        return self.g0 + self.c * (x - self.x0)


@dataclasses.dataclass(frozen=True)
class PiecewiseQuadratic:
    """A 1-D C¹ piecewise quadratic, pieces sorted and contiguous (first lo and last hi None)."""

    pieces: tuple[Piece, ...]

    def piece(self, x: Fraction) -> Piece:
        for p in self.pieces:
            if p.hi is None or x <= p.hi:
                return p
        raise AssertionError("the last piece is unbounded")

    def value(self, x: Fraction) -> Fraction:
        return self.piece(x).value(x)

    def grad(self, x: Fraction) -> Fraction:
        return self.piece(x).grad(x)

    @property
    def curvatures(self) -> tuple[Fraction, ...]:
        return tuple(p.c for p in self.pieces)

    @property
    def breaks(self) -> tuple[Fraction, ...]:
        return tuple(p.hi for p in self.pieces[:-1])  # type: ignore[misc]

    def infimum(self) -> Fraction | None:
        """inf f exactly (None when −∞)."""
        best: Fraction | None = None
        for p in self.pieces:
            cands = [x for x in (p.lo, p.hi) if x is not None]
            if p.c > 0:
                cands.append(p.x0 - p.g0 / p.c)
            unbounded_left = p.lo is None and (p.c < 0 or (p.c == 0 and p.g0 > 0))
            unbounded_right = p.hi is None and (p.c < 0 or (p.c == 0 and p.g0 < 0))
            if unbounded_left or unbounded_right:
                return None
            for x in cands:
                if (p.lo is None or x >= p.lo) and (p.hi is None or x <= p.hi):
                    v = p.value(x)
                    best = v if best is None else min(best, v)
        return best

    def describe(self) -> str:
        cs = sorted(set(self.curvatures))
        return (
            f"1-D C¹ piecewise quadratic, {len(self.pieces)} pieces ({len(self.pieces) - 2} between the "
            f"data, 2 tails), curvatures {{{', '.join(str(c) for c in cs)}}}"
        )


def segment_bounds(h: Fraction, ga: Fraction, gb: Fraction, m: Fraction, M: Fraction):
    """(I_min, I_max): the least and greatest ∫_0^h φ over φ with φ(0) = g_a, φ(h) = g_b and
    slopes in [m, M]; None when no such φ exists (g_b − g_a outside [m h, M h])."""
    if not (m * h <= gb - ga <= M * h):
        return None

    def integral(sa: Fraction, sb: Fraction) -> Fraction:
        # φ(s) = g_a + sa s up to the kink, then slope sb to g_b: kink where the two lines meet
        if sa == sb:
            return (ga + gb) * h / 2
        k = (gb - ga - sb * h) / (sa - sb)  # g_a + sa k = g_b − sb (h − k)
        return (ga + (ga + sa * k)) * k / 2 + ((ga + sa * k) + gb) * (h - k) / 2

    return integral(m, M), integral(M, m)


def _segment_pieces(a, b, fa, fb, ga, gb, m, M) -> list[Piece]:
    h = b - a
    bounds = segment_bounds(h, ga, gb, m, M)
    if bounds is None:
        raise WorstCaseError(f"gradients at {a}, {b} differ by more than the curvature bounds allow")
    i_min, i_max = bounds
    D = fb - fa
    if not (i_min <= D <= i_max):
        raise WorstCaseError(f"the drop on [{a}, {b}] is outside [{i_min}, {i_max}]")
    lam = Q(0) if i_max == i_min else (D - i_min) / (i_max - i_min)
    # φ = (1 − λ)φ_min + λφ_max, each with one kink: φ is piecewise linear with the union of kinks
    kinks = set()
    for sa, sb in ((m, M), (M, m)):
        if sa != sb:
            k = (gb - ga - sb * h) / (sa - sb)
            if 0 < k < h:
                kinks.add(k)
    pts = [Q(0), *sorted(kinks), h]

    def phi(s: Fraction) -> Fraction:
        lo_ = max(ga + m * s, gb - M * (h - s))
        hi_ = min(ga + M * s, gb - m * (h - s))
        return (1 - lam) * lo_ + lam * hi_

    pieces = []
    f = fa
    for s0, s1 in zip(pts, pts[1:]):
        g0, g1 = phi(s0), phi(s1)
        c = (g1 - g0) / (s1 - s0)
        pieces.append(Piece(a + s0, a + s1, a + s0, f, g0, c))
        f = f + (g0 + g1) * (s1 - s0) / 2
    return pieces


def interpolate(xs, gs, fs, m: Fraction, M: Fraction) -> PiecewiseQuadratic:
    """The 1-D C¹ piecewise quadratic with curvatures in [m, M] through the data (x_i, f_i, g_i)
    (coincident points must agree); :class:`WorstCaseError` when the data are not interpolable."""
    pts: dict[Fraction, tuple[Fraction, Fraction]] = {}
    for x, g, f in zip(xs, gs, fs):
        if x in pts and pts[x] != (g, f):
            raise WorstCaseError(f"two different oracle answers at x = {x}")
        pts[x] = (g, f)
    order = sorted(pts)
    tail = min(max(Q(0), m), M)
    x_first, x_last = order[0], order[-1]
    g_first, f_first = pts[x_first]
    g_last, f_last = pts[x_last]
    pieces = [Piece(None, x_first, x_first, f_first, g_first, tail)]
    for a, b in zip(order, order[1:]):
        (ga, fa), (gb, fb) = pts[a], pts[b]
        pieces += _segment_pieces(a, b, fa, fb, ga, gb, m, M)
    pieces.append(Piece(x_last, None, x_last, f_last, g_last, tail))
    return PiecewiseQuadratic(tuple(pieces))


def certify(pq: PiecewiseQuadratic, m: Fraction, M: Fraction, data=()) -> dict:
    """Exact checks (rationals): every curvature in [m, M], value and derivative continuous at
    every join, pieces contiguous, and the data (x, g, f) reproduced.  A C¹ function whose
    curvature is in [m, M] on each piece has an M'-Lipschitz gradient, M' = max(|m|, |M|), and is
    m-strongly convex when m > 0."""
    ps = pq.pieces
    curv_ok = all(m <= p.c <= M for p in ps)
    ends_ok = ps[0].lo is None and ps[-1].hi is None and all(p.hi == q.lo for p, q in zip(ps, ps[1:]))
    joins = [(p, q, p.hi) for p, q in zip(ps, ps[1:]) if p.hi is not None]
    ends_ok = ends_ok and len(joins) == len(ps) - 1
    c0 = all(p.value(x) == q.value(x) for p, q, x in joins)
    c1 = all(p.grad(x) == q.grad(x) for p, q, x in joins)
    data_ok = all(pq.grad(x) == g and pq.value(x) == f for x, g, f in data)
    return {
        "curvatures in [m, M]": curv_ok,
        "contiguous": ends_ok,
        "C0 joins": c0,
        "C1 joins": c1,
        "reproduces the data": data_ok,
        "ok": curv_ok and ends_ok and c0 and c1 and data_ok,
    }


def exact_gd(pq: PiecewiseQuadratic, x0: Fraction, step: Fraction, T: int) -> list[Fraction]:
    """GD's iterates x_0..x_T on the constructed function, in rational arithmetic."""
    xs = [x0]
    for _ in range(T):
        xs.append(xs[-1] - step * pq.grad(xs[-1]))
    return xs


# --------------------------------------------------------------------------- the suite's own GD on it


def to_batch(pqs: Sequence[PiecewiseQuadratic], x0: Sequence[Fraction], *, device=None, dtype=torch.float64):
    """The constructed functions as a :class:`dlverify.numerics.smooth.SmoothBatch` (dimension 1,
    one instance per function), evaluated piece by piece in torch; its ``visited`` list records
    every point the batch's oracle is asked about (GD asks at w_0, w_1, ... in order)."""
    device = device or torch.device("cpu")
    P = max(len(p.pieces) for p in pqs)

    def pad(rows, fill):
        return torch.tensor([r + [fill] * (P - len(r)) for r in rows], dtype=dtype, device=device)

    brk = pad([[float(b) for b in p.breaks] for p in pqs], math.inf)[:, : P - 1]
    anc = pad([[float(q.x0) for q in p.pieces] for p in pqs], 0.0)
    fv = pad([[float(q.f0) for q in p.pieces] for p in pqs], 0.0)
    gv = pad([[float(q.g0) for q in p.pieces] for p in pqs], 0.0)
    cv = pad([[float(q.c) for q in p.pieces] for p in pqs], 0.0)
    visited: list[torch.Tensor] = []

    def parts(w):
        x = w[:, :1]
        idx = torch.searchsorted(brk.contiguous(), x.contiguous(), side="left")
        d = x - anc.gather(1, idx)
        return idx, d

    def value_and_grad(w):
        visited.append(w.detach().clone())
        idx, d = parts(w)
        f0, g0, c = fv.gather(1, idx), gv.gather(1, idx), cv.gather(1, idx)
        f = f0 + g0 * d + c / 2 * d * d
        return f[:, 0], g0 + c * d

    def abs_scale(w):
        idx, d = parts(w)
        f0, g0, c = fv.gather(1, idx).abs(), gv.gather(1, idx).abs(), cv.gather(1, idx).abs()
        # the anchor's rounding (|x0| u) moves d, which moves f by |g| of it and g by c of it
        ax = anc.gather(1, idx).abs() + w[:, :1].abs()
        return (f0 + g0 * d.abs() + c / 2 * d * d + (g0 + c * d.abs()) * ax)[:, 0], g0 + c * d.abs() + c * ax

    lows = [p.infimum() for p in pqs]
    batch = smooth.SmoothBatch(
        "constructed worst case",
        value_and_grad,
        abs_scale,
        torch.tensor([float(max(abs(c) for c in p.curvatures)) for p in pqs], dtype=dtype, device=device),
        torch.tensor([-math.inf if v is None else float(v) for v in lows], dtype=dtype, device=device),
        torch.tensor([[float(v)] for v in x0], dtype=dtype, device=device),
        n_terms=6,
    )
    return batch, visited


# --------------------------------------------------------------------------- cases


@dataclasses.dataclass(frozen=True)
class Case:
    """One worst case: the class, the step, the horizon, PEPit's values and the exact data.

    ``kind`` is ``"nonconvex"`` (L-smooth, curvature in [−L, L]; performance
    min_{t<T}‖∇f(x_t)‖² / (L(f(x_0) − f(x_T)))) or ``"strongly convex"`` (curvature in [μ, L];
    performance ‖x_T − x*‖² / ‖x_0 − x*‖²).  L = 1 throughout (every ratio is scale free)."""

    kind: str
    gammaL: Fraction
    mu: Fraction
    T: int
    pep_dual: float
    pep_primal: float
    solver_error: float
    seconds: float
    xs: tuple[Fraction, ...]
    gs: tuple[Fraction, ...]
    fs: tuple[Fraction, ...]
    repair: float  # max distance from the solver's (normalised) data to the exact data

    @property
    def key(self) -> str:
        return f"{self.kind}, γL = {self.gammaL}, μ/L = {self.mu}, T = {self.T}"

    @property
    def m(self) -> Fraction:
        return -Q(1) if self.kind == "nonconvex" else self.mu

    @property
    def x0(self) -> Fraction:
        return self.xs[0]

    @property
    def tol(self) -> float:
        """The solver's accuracy ε (``solver_error``: the larger of PEPit's duality gap and
        Clarabel's stopping tolerances) on the ratio, twice: PEPit's dual value is an upper bound
        on the worst case, the constructed function's exact ratio a certified lower bound, and the
        reduced solution it is built from is within ε of the primal value, itself within ε of the
        dual -- so the two agree within 2ε when the construction attains the worst case."""
        return 2 * self.solver_error

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "gammaL": str(self.gammaL),
            "mu": str(self.mu),
            "T": self.T,
            "pep_dual": self.pep_dual,
            "pep_primal": self.pep_primal,
            "solver_error": self.solver_error,
            "seconds": round(self.seconds, 3),
            "xs": [str(v) for v in self.xs],
            "gs": [str(v) for v in self.gs],
            "fs": [str(v) for v in self.fs],
            "repair": self.repair,
        }

    @classmethod
    def from_dict(cls, d: dict) -> Case:
        return cls(
            d["kind"],
            Q(d["gammaL"]),
            Q(d["mu"]),
            int(d["T"]),
            float(d["pep_dual"]),
            float(d["pep_primal"]),
            float(d["solver_error"]),
            float(d["seconds"]),
            tuple(Q(v) for v in d["xs"]),
            tuple(Q(v) for v in d["gs"]),
            tuple(Q(v) for v in d["fs"]),
            float(d["repair"]),
        )


def construct(case: Case) -> PiecewiseQuadratic:
    return interpolate(case.xs, case.gs, case.fs, case.m, Q(1))


def exact_ratio(case: Case, pq: PiecewiseQuadratic | None = None) -> Fraction:
    """The performance ratio of GD on the constructed function, in rational arithmetic."""
    pq = pq or construct(case)
    it = exact_gd(pq, case.x0, case.gammaL, case.T)
    if case.kind == "nonconvex":
        return min(pq.grad(x) ** 2 for x in it[:-1]) / (pq.value(it[0]) - pq.value(it[-1]))
    xstar = next(x for x, g in zip(case.xs, case.gs) if g == 0)
    return (it[-1] - xstar) ** 2 / (it[0] - xstar) ** 2


def closed_form(case: Case) -> Fraction:
    """The known exact worst case of the case's performance ratio: 4/(h(4T − h(T + 1))) for the
    nonconvex case at γL = h ≤ 1 (:func:`nonconvex_closed_form`); max(|1 − γμ|, |1 − γL|)^{2T}
    for the strongly convex one (attained by a quadratic)."""
    if case.kind == "nonconvex":
        return nonconvex_closed_form(case.T, case.gammaL)
    return max(abs(1 - case.gammaL * case.mu), abs(1 - case.gammaL)) ** (2 * case.T)


def nonconvex_closed_form(T: int, gammaL: Fraction = ONE) -> Fraction:
    """min_{t<T}‖∇f(x_t)‖² / (L(f(x_0) − f(x_T))) of GD at γL = h ∈ (0, 1], worst case over
    L-smooth f, as the PEP solutions show it (one-dimensional): gradients g for t < T and
    (1 − h)g at t = T.  The least drop between two iterates of equal gradient is g²(h − h²/4)/L
    (the derivative dips by L·(step/2) midway), over the last step g²h(1 − h/2)/L (the derivative
    falls linearly), so the ratio is 1/((T − 1)h(1 − h/4) + h(1 − h/2)) = 4/(h(4T − h(T + 1))):
    4/(3T − 1) at h = 1.  (The min over t ≤ T, PEPit's example's quantity, is 4/(T h (4 − h)):
    :func:`nonconvex_min_grad_rate`.)"""
    h = Q(gammaL)
    if not 0 < h <= 1:
        raise ValueError("the form is the 0 < γL ≤ 1 one")
    return 4 / (h * (4 * T - h * (T + 1)))


def measure(cases: Sequence[Case], *, device=None, dtype=torch.float64) -> list[dict]:
    """Run the suite's batched GD (:func:`smooth.gradient_descent`) on every constructed function
    at once (one instance each) and measure the ratio, with its rounding interval."""
    pqs = [construct(c) for c in cases]
    Tmax = max(c.T for c in cases)
    batch, visited = to_batch(pqs, [c.x0 for c in cases], device=device, dtype=dtype)
    steps = torch.tensor([float(c.gammaL) for c in cases], dtype=dtype, device=batch.w0.device)
    t0 = time.perf_counter()
    traj = smooth.gradient_descent(batch, steps, Tmax)
    wall = time.perf_counter() - t0
    W = torch.stack([v[:, 0] for v in visited])  # (Tmax + 1, B): the iterates GD asked about
    out = []
    gam = gamma(batch.n_terms + 16, dtype)
    for j, (case, pq) in enumerate(zip(cases, pqs)):
        T = case.T
        ex = exact_ratio(case, pq)
        if case.kind == "nonconvex":
            g2 = traj.g2[:T, j]
            drop = traj.f[0, j] - traj.f[T, j]
            esum = float(traj.err[:T, j].sum())
            m = float(g2.min())
            val = m / float(drop)
            lo = m * (1 - gam) / (float(drop) + esum)
            hi = m * (1 + gam) / (float(drop) - esum)
        else:
            xstar = float(next(x for x, g in zip(case.xs, case.gs) if g == 0))
            num, den = (float(W[T, j]) - xstar) ** 2, (float(W[0, j]) - xstar) ** 2
            val = num / den
            # each step w − γ∇f(w) rounds with relative error ≤ γ_n of its terms' size and the
            # error propagates with factor ≤ (1 + γL); terms ≤ |w| + γ|∇f| ≤ 2|w_0 − x*| + |x*|
            scale = 2 * abs(float(W[0, j]) - xstar) + abs(xstar)
            dw = gam * scale * sum((1 + float(case.gammaL)) ** k for k in range(T))
            r = math.sqrt(num)
            lo = max(r - dw, 0.0) ** 2 / den
            hi = (r + dw) ** 2 / den
        out.append(
            {
                "case": case.key,
                "kind": case.kind,
                "T": T,
                "gammaL": str(case.gammaL),
                "mu": str(case.mu),
                "pep": case.pep_dual,
                "measured": val,
                "measured_lo": lo,
                "measured_hi": hi,
                "exact": ex,
                "closed_form": closed_form(case),
                "difference": val - case.pep_dual,
                "tol": case.tol,
                "solver_seconds": case.seconds,
                "gd_seconds": wall,
                "function": pq.describe(),
                "certified": certify(pq, case.m, Q(1), zip(case.xs, case.gs, case.fs))["ok"],
            }
        )
    return out


def committed_cases() -> list[Case]:
    from .worst_case_data import CASES

    return [Case.from_dict(d) for d in CASES]


def cases_for(ctx) -> tuple[list[Case], str]:
    """The cases a run measures: re-solved with PEPit in the thorough profile when PEPit is
    installed, else the committed solves."""
    if ctx.profile == "thorough":
        solved = ctx.cached(("worst_cases", "solved"), solve_all)
        if solved is not None:
            return solved, "re-solved"
    return committed_cases(), "committed solve"


def table(ctx) -> list[dict]:
    """:func:`measure` on the run's cases (:func:`cases_for`), once per run; each row names its
    source."""

    def run() -> list[dict]:
        cases, source = cases_for(ctx)
        return [r | {"source": source} for r in measure(cases, device=ctx.device)]

    return ctx.cached(("worst_cases", "table"), run)


# --------------------------------------------------------------------------- peers' closed forms
#
# Every rate formula the suite quotes from a peer, as the peer wrote it, over its whole parameter
# range (checked in ``checks/test_worst_cases.py``; a property a peer's formula fails is a
# finding, :func:`peer_findings`, not a failing test).  L = 1 unless given.


def pepit_nonconvex_tau(n: int, L: float = 1.0) -> float:
    """PEPit 0.5.1, ``examples/nonconvex_optimization/gradient_descent.py``: ``4 / 3 * L / n``
    for min_{t≤n}‖∇f(x_t)‖² / (f(x_0) − f(x_n)) at γ = 1/L."""
    return 4 / 3 * L / n


def nonconvex_min_grad_rate(n: int, gammaL: float, L: float = 1.0) -> float:
    """The tight rate of min_{t≤n}‖∇f(x_t)‖² / (f(x_0) − f(x_n)) for γL = h ∈ (0, 1]:
    4L/(n h (4 − h)) -- 4/(3n) at h = 1 (Taylor's thesis and Abbaszadehpeivasti, de Klerk &
    Zamani 2021, as PEPit's example cites them; Rotaru, Glineur & Patrinos, arXiv 2406.17506,
    cover every constant step).  Beyond h = 1 the worst case is larger (not this form)."""
    if not 0 < gammaL <= 1:
        raise ValueError("the form holds for 0 < γL ≤ 1")
    return 4 * L / (n * gammaL * (4 - gammaL))


def pepit_contraction_tau(gamma_: float, mu: float, n: int, L: float = 1.0) -> float:
    """PEPit 0.5.1, ``examples/tutorials/gradient_descent_contraction.py``:
    ``max((1 - gamma * L) ** 2, (1 - gamma * mu) ** 2) ** n`` (smooth strongly convex GD)."""
    return max((1 - gamma_ * L) ** 2, (1 - gamma_ * mu) ** 2) ** n


def pepit_pl_tau(L: float, mu: float, gamma_: float, n: int = 1) -> float | None:
    """PEPit 0.5.1, ``examples/nonconvex_optimization/gradient_descent_quadratic_lojasiewicz_
    expensive.py``: its ``theoretical_tau``, transcribed operator for operator (the first branch's
    square applies to the square root alone, and the first term stays outside the quotient)."""
    m, mp = -L, mu
    if 0 <= gamma_ <= 1 / L:
        tau = (
            mp * (1 - L * gamma_)
            + math.sqrt((L - m) * (m - mp) * (2 - L * gamma_) * mp * gamma_ + (L - m) ** 2) ** 2
            / (L - m + mp) ** 2
        )
    elif 1 / L <= gamma_ <= 3 / (m + L + math.sqrt(m**2 - L * m + L**2)):
        tau = ((L * gamma_ - 2) * (m * gamma_ - 2) * mp * gamma_) / ((L + m - mp) * gamma_ - 2) + 1
    elif 3 / (m + L + math.sqrt(m**2 - m * L + L**2)) <= gamma_ <= 2 / L:
        tau = (L * gamma_ - 1) ** 2 / ((L * gamma_ - 1) ** 2 + mp * gamma_ * (2 - L * gamma_))
    else:
        return None
    return tau**n


def adkz_pl_factor(mu: float, gammaL: float, L: float = 1.0) -> float:
    """Abbaszadehpeivasti, de Klerk & Zamani (2023), Theorem 3, as the suite writes it
    (:data:`dlverify.theorems.pl_convergence.ADZ_BRANCHES`), evaluated through the suite's own
    batched evaluator (:func:`dlverify.numerics.pl_convergence.adz_factor`)."""
    from .pl_convergence import adz_factor

    one = torch.ones(1, dtype=torch.float64)
    return float(adz_factor(one * mu, one * L, one * gammaL / L))


def quadratic_lower_bound(mu: float, gammaL: float, L: float = 1.0) -> float:
    """max over λ ∈ [μ, L] of (1 − γλ)²: the one-step factor of λx²/2 (L-smooth and μ-PL), which
    any valid PL or strongly convex one-step bound must reach."""
    g = gammaL / L
    return max((1 - g * mu) ** 2, (1 - g * L) ** 2)


#: the PL-type one-step factors quoted from peers: name -> f(μ/L, γL), L = 1
PL_PEERS = {
    "PEPit 0.5.1 coded PL rate (expensive example)": lambda mu, h: pepit_pl_tau(1.0, mu, h),
    "Abbaszadehpeivasti–de Klerk–Zamani 2023, Thm 3": adkz_pl_factor,
}
#: the branch edges of the PL factors, in units of 1/L
PL_EDGES = (1.0, math.sqrt(3))


def pl_properties(fn, mu: float, h_small: float = 1e-6) -> dict:
    """The stated properties of a one-step PL factor at μ/L = mu: the worst value over a grid of
    γL ∈ (0, 2] against 1, the quadratic lower bound's worst excess over it, the value as γ → 0
    (at γL = h_small), and the jump across each branch edge (one ulp either side)."""
    grid = [k / 64 for k in range(1, 129)]
    vals = [(h, fn(mu, h)) for h in grid]
    worst_h, worst = max(vals, key=lambda hv: hv[1])
    under = max(vals, key=lambda hv: quadratic_lower_bound(mu, hv[0]) - hv[1])
    jumps = {}
    for e in PL_EDGES:
        lo, hi = fn(mu, math.nextafter(e, 0)), fn(mu, math.nextafter(e, 3))
        jumps[e] = abs(hi - lo)
    return {
        "max": worst,
        "argmax gammaL": worst_h,
        "below the quadratic": quadratic_lower_bound(mu, under[0]) - under[1],
        "argbelow gammaL": under[0],
        "near 0": fn(mu, h_small),
        "jumps": jumps,
    }


def peer_findings(mus=(0.1, 0.2, 0.5)) -> list[dict]:
    """Properties a peer's PL factor fails, found by evaluating it: above 1 (as γ → 0 or
    anywhere on the grid), below the quadratic lower bound, or discontinuous at a branch edge;
    each finding names the parameter that shows it and the value there."""
    out = []
    tol = gamma(64)  # the rounding of a closed form of a few dozen operations on values ≤ 4
    for name, fn in PL_PEERS.items():
        for mu in mus:
            pr = pl_properties(fn, mu)
            if pr["near 0"] > 1 + tol:
                out.append(
                    {
                        "peer": name,
                        "property": "→ 1 as γ → 0 (a factor ≤ 1)",
                        "parameter": {"mu/L": mu, "gammaL": 1e-6},
                        "value": pr["near 0"],
                    }
                )
            elif pr["max"] > 1 + tol:
                out.append(
                    {
                        "peer": name,
                        "property": "≤ 1",
                        "parameter": {"mu/L": mu, "gammaL": pr["argmax gammaL"]},
                        "value": pr["max"],
                    }
                )
            if pr["below the quadratic"] > tol:
                out.append(
                    {
                        "peer": name,
                        "property": "≥ max((1 − γμ)², (1 − γL)²), the factor of a quadratic",
                        "parameter": {"mu/L": mu, "gammaL": pr["argbelow gammaL"]},
                        "value": fn(mu, pr["argbelow gammaL"]),
                    }
                )
            for e, jump in pr["jumps"].items():
                if jump > tol:
                    out.append(
                        {
                            "peer": name,
                            "property": "continuous at the branch edge",
                            "parameter": {"mu/L": mu, "gammaL": e},
                            "value": jump,
                        }
                    )
    return out


# --------------------------------------------------------------------------- PEPit: solve and rebuild


def solve_case(kind: str, T: int, gammaL: Fraction = ONE, mu: Fraction = SC_MU) -> dict | None:
    """Solve the case's PEP with PEPit (L = 1): the dual value (PEPit's bound) and the primal one
    of the plain solve, then a solve with the ``logdet`` heuristic for a one-dimensional worst
    case, whose points, gradients and values are returned as floats, with the solver's reported
    error and the time taken.  None when PEPit is not installed."""
    try:
        from PEPit import PEP
        from PEPit.functions import SmoothFunction, SmoothStronglyConvexFunction
    except ImportError:
        return None

    def build():
        p = PEP()
        if kind == "nonconvex":
            f = p.declare_function(SmoothFunction, L=1.0)
        else:
            f = p.declare_function(SmoothStronglyConvexFunction, L=1.0, mu=float(mu))
        pts = []
        if kind == "nonconvex":
            x = p.set_initial_point()
            g, fx = f.oracle(x)
            f_start = fx
            pts.append((x, g, fx))
            for _ in range(T):
                p.set_performance_metric(g**2)
                x = x - float(gammaL) * g
                g, fx = f.oracle(x)
                pts.append((x, g, fx))
            p.set_initial_condition(f_start - fx <= 1)
        else:
            xs = f.stationary_point()
            gs_, fs_ = f.oracle(xs)
            x = p.set_initial_point()
            p.set_initial_condition((x - xs) ** 2 <= 1)
            for _ in range(T):
                g, fx = f.oracle(x)
                pts.append((x, g, fx))
                x = x - float(gammaL) * g
            pts.append((xs, gs_, fs_))
            p.set_performance_metric((x - xs) ** 2)
        return p, pts

    t0 = time.perf_counter()
    p, _ = build()
    dual = float(p.solve(verbose=0, **SOLVER_OPTS))
    primal = float(min(m.eval() for m in p.list_of_performance_metrics))
    import numpy as np

    # the solver's accuracy on the value: what PEPit reports (duality gap) and at least what
    # Clarabel's stopping rule guarantees (its default gap and feasibility tolerances)
    error = max(abs(dual - primal), _stopping_tolerance(dual)) + _infeasibility(p)
    found = None
    # the heuristic may give up this much of the value to find a one-dimensional solution: the
    # solver's accuracy first, then more (a search parameter: the exact construction and its
    # comparison with the dual value, within 2 × the accuracy, decide whether it attains it)
    for allowance in (error, 1e3 * error, 1e6 * error):
        for heuristic in HEURISTICS:  # the solver may stall on one, or leave two dimensions: next
            p2, pts = build()
            try:
                p2.solve(
                    verbose=0,
                    dimension_reduction_heuristic=heuristic,
                    tol_dimension_reduction=allowance,
                    **SOLVER_OPTS,
                )
            except Exception:  # noqa: BLE001 - a solver failure (cvxpy's SolverError, PEPit on None)
                continue
            if p2.G_value is None:
                continue
            cons = p2._list_of_prepared_constraints
            viol = max(
                [0.0]
                + [max(0.0, float(c.eval())) for c in cons if c.equality_or_inequality == "inequality"]
                + [abs(float(c.eval())) for c in cons if c.equality_or_inequality == "equality"]
            )
            X = np.array([pt[0].eval() for pt in pts])
            G = np.array([pt[1].eval() for pt in pts])
            F = np.array([float(pt[2].eval()) for pt in pts])
            _, sv, vt = np.linalg.svd(np.vstack([X, G]), full_matrices=False)
            off = float(sv[1]) if len(sv) > 1 else 0.0  # outside the line: its square is a Gram error
            if max(viol, off**2) <= allowance:  # one-dimensional and feasible to the allowance
                found = (heuristic, allowance, viol, off, X, G, F, vt)
                break
        if found:
            break
    if found is None:
        raise WorstCaseError(f"{kind} T={T}: no heuristic gave a one-dimensional worst case")
    heuristic, allowance, viol, off, X, G, F, vt = found
    seconds = time.perf_counter() - t0
    u = vt[0]
    return {
        "kind": kind,
        "T": T,
        "gammaL": gammaL,
        "mu": mu if kind != "nonconvex" else Q(0),
        "dual": dual,
        "primal": primal,
        "error": error,
        # the reduced solution's accuracy in the Gram matrix: the coordinates along its line are
        # off by about as much (the part left off the line moves them to second order)
        "gram_error": max(error, allowance, viol, off**2),
        "heuristic": heuristic,
        "seconds": seconds,
        "x": (X @ u).tolist(),
        "g": (G @ u).tolist(),
        "f": F.tolist(),
    }


def _infeasibility(p) -> float:
    """What the solved point's infeasibilities can move the value by, to first order: each
    violated constraint times its multiplier, and the Gram matrix's and the dual matrix's
    negative eigenvalues times the other's trace."""
    import numpy as np

    cons = [c for c in p._list_of_prepared_constraints if c.equality_or_inequality == "inequality"]
    out = sum(abs(float(c.eval_dual())) * max(0.0, float(c.eval())) for c in cons)
    G, S = np.asarray(p.G_value), np.asarray(p.residual)
    out += max(0.0, -float(np.linalg.eigvalsh(G).min())) * abs(float(np.trace(S)))
    out += max(0.0, -float(np.linalg.eigvalsh(S).min())) * abs(float(np.trace(G)))
    return out


def _stopping_tolerance(value: float) -> float:
    """Clarabel's stopping rule as set in :data:`SOLVER_OPTS`: absolute plus relative duality gap,
    plus feasibility."""
    return SOLVER_TOL + SOLVER_TOL * abs(value) + SOLVER_TOL  # tol_gap_abs, tol_gap_rel, tol_feas


def case_from_solution(sol: dict) -> Case:
    """Exact data from a solved PEP: orient and normalise (nonconvex: x_0 = 0, g_0 = 1, f_0 = 0;
    strongly convex: x* = 0, x_0 = 1, f* = 0), each gradient the simplest rational within the
    solver's error, the iterates recomputed by x_{t+1} = x_t − γ g_t, each value the simplest
    rational within the error, then every drop between adjacent points clamped into its
    interpolation interval (left to right).  Raises when the repaired data are not interpolable."""
    kind, T, gL, mu = sol["kind"], sol["T"], Q(sol["gammaL"]), Q(sol["mu"])
    x, g, f = list(sol["x"]), list(sol["g"]), list(sol["f"])
    eps = sol["error"]
    if kind == "nonconvex":
        s, x_ref, f_ref, n = g[0], x[0], f[0], T + 1  # x_0 = 0, g_0 = 1, f_0 = 0
        m = -Q(1)
    else:
        s, x_ref, f_ref, n = x[0] - x[-1], x[-1], f[-1], T  # x* = 0, x_0 = 1, f* = 0 (last point)
        m = mu
    xn = [(v - x_ref) / s for v in x]
    gn = [v / s for v in g]
    fn = [(v - f_ref) / s**2 for v in f]
    # a coordinate v read off a Gram matrix accurate to ε is accurate to about ε/(2|v|) (first
    # order of the square root), and one whose square is below ε is indistinguishable from 0
    ge = sol.get("gram_error", eps)

    def rel(v: float) -> float:
        return ge / (2 * v * v)

    zero = math.sqrt(ge) / abs(s)
    # the first gradient, then each ratio g_t / g_{t-1}, as the simplest rationals within the error
    gq = [simplest_near(gn[0], abs(gn[0]) * (rel(g[0]) + rel(s)))]
    for t in range(1, n):
        if abs(gn[t]) <= zero:
            gq.append(Q(0))
        elif gq[-1] != 0:
            r = gn[t] / gn[t - 1]
            # consecutive iterates on an active curvature bound (g_t = (1 − γc) g_{t−1}, c = m or
            # M = L) within √ε are on it; else the simplest ratio within the error
            active = [1 - gL * c for c in (m, Q(1)) if abs(r - float(1 - gL * c)) <= math.sqrt(ge)]
            gq.append(
                gq[-1] * (active[0] if active else simplest_near(r, abs(r) * (rel(g[t]) + rel(g[t - 1]))))
            )
        else:
            gq.append(simplest_near(gn[t], abs(gn[t]) * (rel(g[t]) + rel(s))))
    xq = [Q(0) if kind == "nonconvex" else Q(1)]
    for t in range(n - 1):
        xq.append(xq[-1] - gL * gq[t])
    fq: list[Fraction] = [Q(0)] * len(fn)  # set from the drops below
    if kind != "nonconvex":
        xq, gq = xq + [Q(0)], gq + [Q(0)]
    # each drop between adjacent points: the simplest rational within the values' error (two
    # values read off the Gram matrix), clamped into its segment's interpolation interval, outwards
    # from the normalised point (x_0 with f_0 = 0, or x* with f* = 0) along x
    e_drop = 2 * sol.get("gram_error", eps) / (s * s)
    e_active = math.sqrt(sol.get("gram_error", eps)) / (s * s)
    anchor = 0 if kind == "nonconvex" else len(xq) - 1
    fq[anchor] = Q(0)
    order = sorted(range(len(xq)), key=lambda i: xq[i])
    k0 = order.index(anchor)

    def clamp(i, j, towards_right):
        if xq[i] == xq[j]:
            fq[j] = fq[i]
            return
        a, b = (i, j) if towards_right else (j, i)
        bd = segment_bounds(xq[b] - xq[a], gq[a], gq[b], m, Q(1))
        if bd is None:
            raise WorstCaseError(f"{kind} T={T}: gradients not interpolable after rounding")
        d = fn[b] - fn[a]
        # a drop within √ε of an end of its interval is that end: the interpolation constraint is
        # active (the worst case sits on it); else the simplest rational within the error
        if abs(d - float(bd[0])) <= e_active:
            drop = bd[0]
        elif abs(d - float(bd[1])) <= e_active:
            drop = bd[1]
        else:
            drop = min(max(simplest_near(d, e_drop), bd[0]), bd[1])
        fq[j] = fq[i] + drop if towards_right else fq[i] - drop

    for i, j in zip(order[k0:], order[k0 + 1 :]):
        clamp(i, j, True)
    for i, j in zip(order[k0::-1], order[k0 - 1 :: -1] if k0 > 0 else []):
        clamp(i, j, False)
    repair = max(
        max(abs(float(a) - b) for a, b in zip(xq, xn)),
        max(abs(float(a) - b) for a, b in zip(gq, gn)),
        max(abs(float(a) - b) for a, b in zip(fq, fn)),
    )
    case = Case(
        kind,
        gL,
        mu,
        T,
        sol["dual"],
        sol["primal"],
        eps,
        sol["seconds"],
        tuple(xq),
        tuple(gq),
        tuple(fq),
        repair,
    )
    construct(case)  # raises when not interpolable
    return case


def solve_all() -> list[Case] | None:
    """Every committed case re-solved with PEPit (None without PEPit)."""
    out = []
    for h in NONCONVEX_STEPS:
        for T in NONCONVEX_T:
            sol = solve_case("nonconvex", T, h)
            if sol is None:
                return None
            out.append(case_from_solution(sol))
    for T in STRONGLY_CONVEX_T:
        sol = solve_case("strongly convex", T)
        if sol is None:
            return None
        out.append(case_from_solution(sol))
    return out


def write_data(cases: Sequence[Case], path) -> None:
    import json

    body = json.dumps([c.to_dict() for c in cases], indent=1, ensure_ascii=False)
    text = (
        '"""Solved worst cases of GD (PEPit 0.5.1, Clarabel), normalised and made exact: written by\n'
        "``python -m dlverify.numerics.worst_cases``; read by :mod:`dlverify.numerics.worst_cases`."
        '"""\n\n'
        f"CASES = {body}\n"
    )
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


if __name__ == "__main__":  # pragma: no cover - regenerates the committed table
    import pathlib

    solved = solve_all()
    if solved is None:
        raise SystemExit("PEPit is not installed: pip install '.[pepit]'")
    out = pathlib.Path(__file__).with_name("worst_case_data.py")
    write_data(solved, out)
    import shutil
    import subprocess
    import sys

    exe = shutil.which("ruff") or str(pathlib.Path(sys.executable).parent / "ruff")
    subprocess.run([exe, "format", str(out)], check=False)  # the layout the lint expects
    for row in measure(solved):
        print(row["case"], row["pep"], float(row["exact"]), row["measured"], row["difference"], row["tol"])

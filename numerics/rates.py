r"""Predicted rates read off a claim's own relation (one claim, one formula), evaluated in float64.

A rate experiment compares a measured rate with the rate its claim states.  The prediction is
never typed a second time: it is derived here from the claim's sympy relation and lambdified
(:func:`dlverify.numerics.lambdify.to_torch`), and the expression is recorded in
:attr:`Rate.formula`.

* :func:`step_factor` -- a one-step relation ``next ≤ q·prev`` (or ``=``): q;
* :func:`horizon_factor` -- a t-step relation ``gap_T ≤ R(T)·gap_0``: the per-step factor
  R(T + 1)/R(T) (R must be geometric);
* :func:`horizon_exponent` -- a bound ``m_T ≤ R(T)``: its log-log slope T·R'(T)/R(T);
* :func:`evaluate` -- the expression at given constants, with the rounding bound of its
  evaluation (:func:`evaluation_tol`).

This module computes; whether a rate matches is decided by :attr:`Rate.matches`.
"""

from __future__ import annotations

import sympy as sp
import torch

from .device import gamma
from .lambdify import to_torch


def bound_side(relation) -> sp.Expr:
    """The right side of ``quantity ≤ bound`` (or ``quantity = value``)."""
    if not isinstance(relation, (sp.Le, sp.Lt, sp.Eq)):
        raise ValueError(f"a rate needs a relation 'quantity ≤ bound' or 'quantity = value', not {relation}")
    return relation.rhs


def step_factor(relation, prev: sp.Symbol, subs: dict | None = None) -> sp.Expr:
    """The factor q of a one-step relation ``next ≤ q·prev`` (``subs``: a family's identities,
    e.g. ‖∇f‖² = 2L(f − f*) on a quadratic, substituted first); an error when the right side is
    not a multiple of ``prev``."""
    rhs = bound_side(relation)
    if subs:
        rhs = rhs.subs(subs)
    q = sp.factor(sp.cancel(sp.expand(rhs) / prev))
    if prev in q.free_symbols:
        raise ValueError(f"{relation} is not a contraction of {prev}: factor {q}")
    return q


def horizon_factor(relation, horizon: sp.Symbol) -> sp.Expr:
    """The per-step factor of a t-step relation ``gap_T ≤ R(T)·gap_0``: exp(d log R/dT), which
    must not depend on T (a geometric bound: R(T + 1)/R(T))."""
    rhs = bound_side(relation)
    q = sp.simplify(sp.exp(sp.diff(sp.expand_log(sp.log(rhs), force=True), horizon)))
    if horizon in q.free_symbols:
        raise ValueError(f"{relation} is not geometric in {horizon}: R(T+1)/R(T) = {q}")
    return q


def horizon_exponent(relation, horizon: sp.Symbol) -> sp.Expr:
    """The log-log slope of a bound ``m_T ≤ R(T)`` in T: T·R'(T)/R(T), which must be constant
    (a power law)."""
    rhs = bound_side(relation)
    s = sp.simplify(horizon * sp.diff(sp.expand_log(sp.log(rhs), force=True), horizon))
    if horizon in s.free_symbols:
        raise ValueError(f"{relation} is not a power law in {horizon}: slope {s}")
    return s


def evaluate(expr: sp.Expr, **values: float) -> float:
    """``expr`` at the given constants, lambdified to torch and evaluated in float64."""
    fn = to_torch(expr)
    return float(fn({k: torch.tensor(float(v), dtype=torch.float64) for k, v in values.items()}))


def magnitude(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every sum's terms replaced by their absolute values (products and integer
    powers kept, anything else by its absolute value): the scale that a first-order rounding
    bound of a sum multiplies (Higham's running error bound)."""
    if expr.is_Add:
        return sp.Add(*(magnitude(a) for a in expr.args))
    if expr.is_Mul:
        return sp.Mul(*(magnitude(a) for a in expr.args))
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return magnitude(expr.base) ** expr.exp
    return sp.Abs(expr)


def evaluation_tol(expr: sp.Expr, **values: float) -> float:
    """The rounding bound of evaluating ``expr`` once in float64 at ``values``: γ_n times the
    magnitude of its terms (:func:`magnitude`), n its operation count plus the rounding of its
    inputs and constants."""
    return gamma(int(sp.count_ops(expr)) + 8) * evaluate(magnitude(expr), **values)


def instance_fits(gaps: torch.Tensor, step_err: torch.Tensor) -> tuple[list, list[int]]:
    """:func:`~dlverify.numerics.stats.fit_contraction_rounded` on every column of ``gaps``
    ((T + 1, B)) with its steps' rounding bounds ((T, B)): the fits, and the columns that had
    fewer than 2 steps inside the fit's window (converged at once; left out and counted)."""
    from .stats import fit_contraction_rounded

    g = gaps.detach().double().cpu().numpy()
    e = step_err.detach().double().cpu().numpy()
    fits, skipped = [], []
    for b in range(g.shape[1]):
        try:
            fits.append(fit_contraction_rounded(g[:, b], e[:, b]))
        except ValueError:
            skipped.append(b)
    return fits, skipped


def fitted_prefix(gap: torch.Tensor, n: int, max_points: int = 16) -> tuple[list[int], list[float]]:
    """(t, gap_t / gap_0) for the first ``n`` points of a fit: what a plot shows of it (nothing
    past the fit's window, so nothing near float64's underflow), every k-th step so that at most
    ``max_points`` + 1 are drawn (a marker is a few hundred bytes of the page), the last one kept."""
    g = gap.detach().double().cpu()
    stride = max(1, -(-n // max_points))
    ts = list(range(0, n, stride))
    if ts[-1] != n - 1:
        ts.append(n - 1)
    return ts, [float(g[t] / g[0]) for t in ts]

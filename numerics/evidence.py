"""From tensors to typed evidence: a claim's own relation evaluated on a batch of instances.

Every numeric side builds its :class:`~dlverify.theorems.evidence.Measurement` records here,
so the rules are the same everywhere: the relation's slack is lambdified from the claim's
sympy relation (never typed again), a violation is an evaluation whose slack is below minus
the rounding bound *or not a finite number*, the worst ratio is the relation's smaller side
over its larger side, and an extremal family *attains* the relation when every informative
slack is within the rounding bound of zero.  This module computes; the verdict is made by
:func:`dlverify.theorems.evidence.decide`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import sympy as sp
import torch

from ..theorems.evidence import Measurement
from ..theorems.relations import INEQUALITIES, is_strict, sides, slack
from .lambdify import to_torch


def names(relation: sp.Basic) -> set[str]:
    return {s.name for s in relation.free_symbols}


def can_evaluate(relation: sp.Basic, available: set[str] | frozenset[str]) -> bool:
    """Whether the relation is over quantities the numeric side computes."""
    return names(relation) <= set(available)


def violation_mask(
    relation: sp.Basic, values: Mapping[str, torch.Tensor], tol
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(violated, slack)``: violated where the slack is below ``-tol`` (at or below ``-tol`` for a
    strict relation, so an exact 0 refutes ``a < b``) or not finite (``~(slack >= -tol)`` is True
    for NaN); for an equality where ``|slack| > tol``."""
    sl = to_torch(slack(relation))(values)
    tol = torch.as_tensor(tol, dtype=sl.dtype, device=sl.device)
    if isinstance(relation, sp.Equality):
        bad = ~(sl.abs() <= tol)
    elif is_strict(relation):  # a < b fails where b − a <= −tol: with tol = 0, at b = a too
        bad = ~(sl > -tol)
    else:
        bad = ~(sl >= -tol)
    return bad, sl


def _ratio_and_attained(
    relation, values, sl, tol_b, mask, extremal: bool
) -> tuple[float | None, bool | None]:
    """The worst ratio smaller side / larger side over the informative evaluations (finite, the
    larger side above rounding, the smaller one nonnegative) and, on an extremal family, whether
    every informative slack is within the rounding bound of zero."""
    shape = sl.shape
    small, large = (to_torch(e)(values) for e in sides(relation))
    small = torch.as_tensor(small, dtype=sl.dtype, device=sl.device).expand(shape)
    large = torch.as_tensor(large, dtype=sl.dtype, device=sl.device).expand(shape)
    informative = mask & torch.isfinite(small) & torch.isfinite(large) & (large > tol_b) & (small >= 0)
    worst = float((small / (large + tol_b))[informative].max()) if bool(informative.any()) else None
    attained = None
    if extremal:
        inf_sl = mask & (large > tol_b)
        attained = bool(inf_sl.any()) and bool((sl.abs() <= tol_b)[inf_sl].all())
    return worst, attained


def _counterexample(bad, sl, tol_b, values, describe) -> dict:
    """The first violated evaluation: its index, slack, rounding bound and input values."""
    shape = sl.shape
    idx = tuple(int(i) for i in bad.nonzero()[0])
    cex = {"index": list(idx), "slack": _item(sl, idx), "rounding_bound": _item(tol_b, idx)}
    for k, v in values.items():
        if isinstance(v, torch.Tensor):
            try:
                cex[k] = _item(v.expand(shape), idx)
            except RuntimeError:
                continue
    if describe is not None:
        cex |= describe(idx)
    return cex


def measure_relation(
    relation: sp.Basic,
    values: Mapping[str, torch.Tensor],
    tol,
    *,
    how: str,
    mask: torch.Tensor | None = None,
    extremal: bool = False,
    # called as describe(index); ``...`` admits lambdas that bind loop variables as defaults
    describe: Callable[..., dict] | None = None,
    detail: str = "",
) -> Measurement:
    """Evaluate ``relation`` on every entry of the (broadcast) tensors in ``values``.

    ``tol`` is the rounding bound on the slack (a tensor or a number); ``mask`` selects the
    entries that satisfy the claim's assumptions (the others are not evaluated); ``extremal``
    says the instances come from a family on which the relation should be attained, so
    ``attained`` is reported; ``describe(index)`` adds the instance's own description (seed,
    family, parameters) to a counterexample.
    """
    bad, sl = violation_mask(relation, values, tol)
    tol_t = torch.as_tensor(tol, dtype=sl.dtype, device=sl.device)
    shape = sl.shape if mask is None else torch.broadcast_shapes(sl.shape, mask.shape)
    if mask is None:
        mask = torch.ones(shape, dtype=torch.bool, device=sl.device)
    mask = mask.expand(shape) if mask.shape != shape else mask
    if sl.shape != shape:  # a slack that does not depend on the values (an identity), over a mask
        sl, bad = sl.expand(shape), bad.expand(shape)
    bad = bad & mask
    n_checked = int(mask.sum())
    n_bad = int(bad.sum())
    worst, attained = None, None
    if isinstance(relation, INEQUALITIES) and n_checked:
        worst, attained = _ratio_and_attained(relation, values, sl, tol_t.expand(shape), mask, extremal)
    elif isinstance(relation, sp.Equality) and extremal and n_checked:
        attained = n_bad == 0
    cex = _counterexample(bad, sl, tol_t.expand(shape), values, describe) if n_bad else None
    return Measurement(
        how=how,
        checked=n_checked,
        violations=n_bad,
        worst_ratio=worst,
        attained=attained,
        counterexample=cex,
        detail=detail,
    )


def _item(t: torch.Tensor, idx: tuple) -> float:
    return float(t[idx]) if t.dim() else float(t)


def skipped(how: str, why: str) -> Measurement:
    """A measurement that could not be made (it carries no evidence, and says why)."""
    return Measurement(how=how, checked=0, violations=0, skipped=why)


def combine(how: str, parts: list[Measurement]) -> Measurement:
    """Several measurements of the same relation (e.g. one per family) as one record."""
    real = [p for p in parts if not p.skipped]
    if not real:
        return skipped(how, "; ".join(p.skipped for p in parts) or "nothing measured")
    ratios = [p.worst_ratio for p in real if p.worst_ratio is not None]
    att = [p.attained for p in real if p.attained is not None]
    first = next((p for p in real if p.violations), None)
    return Measurement(
        how=how,
        checked=sum(p.checked for p in real),
        violations=sum(p.violations for p in real),
        worst_ratio=max(ratios) if ratios else None,
        attained=(all(att) if att else None),
        counterexample=None if first is None else (first.counterexample or {}) | {"part": first.how},
        detail="; ".join(p.how for p in real),
    )


#: the rounding model (relative error γ_n per operation) holds for normal floats; an instance
#: whose values leave [2^-400, 2^400] (a path that diverged, or one that converged into the
#: subnormals) can overflow or underflow in a product of two of them: it is not evidence
NORMAL_RANGE = (2.0**-400, 2.0**400)


def representable(values: dict) -> tuple[torch.Tensor | None, int]:
    """The evaluations whose every input is 0 or a float in :data:`NORMAL_RANGE` (a mask for
    :func:`measure_relation`), and how many are not; ``(None, 0)`` without tensor inputs.
    For inputs that come from an iteration (GD paths), not from a claim's formula: a NaN the
    claim itself produces stays a violation."""
    tensors = [v for v in values.values() if torch.is_tensor(v)]
    if not tensors:
        return None, 0
    shape = torch.broadcast_shapes(*(v.shape for v in tensors))
    ok = torch.ones(shape, dtype=torch.bool, device=tensors[0].device)
    lo, hi = NORMAL_RANGE
    for v in tensors:
        if v.is_floating_point():
            a = v.abs()
            ok = ok & (torch.isfinite(v) & ((a == 0) | ((a >= lo) & (a <= hi)))).expand(shape)
    return ok, int((~ok).sum())

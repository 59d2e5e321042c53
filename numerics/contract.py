"""The numeric side's contract: instance families, one ``measure``, one function per experiment.

A theorem's numeric module (``numerics/<id>.py``) declares

* ``FAMILIES``: a tuple of :class:`Family` -- which quantities each instance family computes,
  from which assumptions its instances are generated, and the function that measures a claim's
  relation on it.  Routing a claim is a lookup in this table (:func:`route`): the first family
  whose quantities contain every name of the claim's relation;
* ``measure(claim, ctx)``: ``measure_on(FAMILIES, claim, ctx)`` (or a function with that
  signature);
* ``EXPERIMENTS``: a tuple of functions ``ctx -> Experiment``, one per experiment, each with a
  docstring saying what it shows; ``tightness(ctx) -> [TightnessRow]``;
* ``FUNCTIONS`` (optional): the numeric primitives a mutant's relation may call by name.

Every value worth keeping goes through the run context's one cache (``ctx.cached``) and every
random draw through its one seed rule (``ctx.seed_for(*names)``).  This module computes; the
verdicts are made in :mod:`dlverify.theorems.evidence`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence

import sympy as sp

from ..theorems.evidence import Measurement
from .device import RunContext
from .evidence import names, skipped


@dataclasses.dataclass(frozen=True)
class Family:
    """One instance family of a theorem's numeric side."""

    name: str
    #: the instance quantities it computes (the names a claim's relation may use)
    quantities: frozenset[str]
    #: ``(claim, ctx) -> [Measurement]``: the claim's relation on this family's instances
    measure: Callable[..., list[Measurement]]
    #: what the instances are and which assumptions generate them (shown by ``dlverify families``)
    doc: str = ""
    #: the assumptions (by key) that the family reads to generate its instances
    assumptions: tuple[str, ...] = ()
    #: a further test on the relation beyond its names (e.g. "has no applied functions")
    accepts: Callable[[sp.Basic], bool] | None = None

    def covers(self, relation: sp.Basic) -> bool:
        if not names(relation) <= self.quantities:
            return False
        return self.accepts is None or bool(self.accepts(relation))


def route(families: Sequence[Family], claim) -> Family | None:
    """The family that measures ``claim``: the first whose quantities cover its relation."""
    if not names(claim.relation):
        return None
    return next((f for f in families if f.covers(claim.relation)), None)


def measure_on(families: Sequence[Family], claim, ctx: RunContext) -> list[Measurement]:
    """The claim's relation measured on the family :func:`route` picks; a skipped record (no
    evidence, with the reason) when none computes its quantities."""
    fam = route(families, claim)
    if fam is None:
        free = sorted(names(claim.relation))
        why = (
            "the relation has no instance quantities"
            if not free
            else f"not over quantities this theorem computes: {free}"
        )
        return [skipped("numeric instances", why)]
    return list(fam.measure(claim, ctx))


def catalogue(families: Sequence[Family]) -> list[dict]:
    """The family table as records (name, quantities, assumptions, doc)."""
    return [
        {"name": f.name, "quantities": sorted(f.quantities), "assumptions": list(f.assumptions), "doc": f.doc}
        for f in families
    ]


class Measurer:
    """A numeric side's ``measure`` memoised by what determines the result (the relation, the
    assumptions, the extremal family, the condition flag), so nothing is measured twice."""

    def __init__(self, numeric, ctx: RunContext):
        self.numeric, self.ctx = numeric, ctx
        self.cache: dict = {}

    def __call__(self, claim) -> list[Measurement]:
        key = (sp.srepr(claim.relation), tuple(claim.assumptions), claim.tight_on, claim.condition)
        if key not in self.cache:
            self.cache[key] = list(self.numeric.measure(claim, self.ctx))
        return self.cache[key]


def measurer(theorem_id: str, numeric, ctx: RunContext) -> Measurer:
    """The one :class:`Measurer` of a theorem in a run context (kept in the context's cache):
    the run, and the property checks it runs in the same process, share its measurements."""
    return ctx.cached(("measurer", theorem_id), lambda: Measurer(numeric, ctx))


def experiments_of(module, ctx: RunContext) -> list:
    """Every experiment of a numeric side (``EXPERIMENTS``; a pack may define ``experiments(ctx)``
    instead), each run once per context; an experiment that returns ``None`` does not apply to
    this run (e.g. one made for the thorough profile only) and adds no record."""
    fns = getattr(module, "EXPERIMENTS", None)
    if fns is None:
        return list(module.experiments(ctx))
    runs = [ctx.cached(("experiment", module.__name__, f.__name__), functools.partial(f, ctx)) for f in fns]
    return [e for e in runs if e is not None]

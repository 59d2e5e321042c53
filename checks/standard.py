"""What every theorem's checks share: one evaluation of a theorem per test process.

:func:`evaluation` re-checks the derivation and gathers the evidence of every claim, wrong
variant and source line exactly as ``dlverify run`` does (the same :class:`Measurer`), once per
process and run context; the generic tests in ``test_registry.py`` and the per-theorem files
read it instead of measuring again.
"""

from __future__ import annotations

import dataclasses
from functools import cache

from .. import theorems as registry
from ..numerics.contract import measurer
from ..numerics.device import RunContext
from ..theorems.core import (
    ClaimResult,
    Measure,
    StepMark,
    Theorem,
    assess,
    certify,
    check_derivation,
    judge_line,
)


@dataclasses.dataclass
class Evaluation:
    theorem: Theorem
    marks: list[StepMark]
    claims: dict[str, ClaimResult]
    variants: dict[str, ClaimResult]
    measure: Measure

    def line(self, key: str):
        """(judgement, reading result, corrected result) of a source line, measured once."""
        return _line(self, key)


_LINES: dict = {}


def _line(ev: Evaluation, key: str):
    k = (id(ev), key)
    if k not in _LINES:
        line = next(ln for ln in ev.theorem.as_written if ln.key == key)
        _LINES[k] = judge_line(ev.theorem, line, ev.marks, ev.measure)
    return _LINES[k]


@cache
def marks_of(theorem_id: str) -> tuple[StepMark, ...]:
    return tuple(check_derivation(registry.load(theorem_id).THEOREM))


@cache
def _evaluation(theorem_id: str, device: str, seed: int, profile: str) -> Evaluation:
    ctx = RunContext.shared(device, seed, profile)
    th = registry.load(theorem_id).THEOREM
    marks = list(marks_of(theorem_id))
    measure = measurer(theorem_id, registry.numeric(theorem_id), ctx)
    claims = {c.key: assess(th, c, marks, measure) for c in th.claims}
    variants = {v.key: assess(th, v, marks, measure) for v in th.wrong_variants}
    return Evaluation(th, marks, claims, variants, measure)


def evaluation(theorem_id: str, ctx: RunContext) -> Evaluation:
    return _evaluation(theorem_id, ctx.device.type, ctx.seed, ctx.profile)


def certificate_rejects(mod, step_key: str, wrong) -> None:
    """The certificate of derivation step ``step_key``, given the same earlier facts, does not
    certify the wrong relation ``wrong`` (the step's check can fail)."""
    facts = mod.THEOREM.facts()
    for s_ in mod.THEOREM.derivation:
        if s_.key == step_key:
            assert not certify(wrong, s_.certificate, facts).ok, (step_key, wrong)
            return
        facts[s_.key] = s_.relation
    raise KeyError(step_key)

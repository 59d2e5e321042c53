"""The checks every theorem gets, written once: each check file calls them for its module."""
from __future__ import annotations

from types import ModuleType

from dlverify.checks.plugin import record
from dlverify.numerics.device import RunContext
from dlverify.theorems.core import Verdict, check_derivation


def derivation_certified(mod: ModuleType) -> None:
    """Every derivation step re-checks with its certificate."""
    marks = check_derivation(mod.THEOREM)
    record(mod.THEOREM.id, examples=len(marks), note=f"{len(marks)} steps re-checked")
    assert not [(m.key, m.detail) for m in marks if not m.ok]


def registered_claims_hold(mod: ModuleType, ctx: RunContext) -> dict:
    """Every registered claim comes out verified (tight/loose); never 'not refuted'."""
    verdicts = {}
    for c in mod.THEOREM.claims:
        r = mod.check_claim(c, ctx)
        record(mod.THEOREM.id, counterexamples=r.violations, ratio=r.worst_ratio, note=f"{c.key}: {r.verdict.value}")
        assert r.verdict.holds, (c.key, r)
        verdicts[c.key] = r.verdict
    return verdicts


def wrong_variant_false(mod: ModuleType, ctx: RunContext, variant) -> None:
    """A wrong variant (changed constant, dropped assumption) must be reported false."""
    r = mod.check_claim(variant, ctx)
    record(mod.THEOREM.id, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample,
           note=variant.text)
    assert r.verdict is Verdict.FALSE, r


def certificate_rejects(mod: ModuleType, step_key: str, wrong) -> None:
    """The certificate of derivation step ``step_key``, given the same earlier facts, does not
    certify the wrong relation ``wrong`` (the step's check can fail)."""
    from dlverify.theorems.core import certify

    facts = mod.THEOREM.facts()
    for s_ in mod.THEOREM.derivation:
        if s_.key == step_key:
            assert not certify(wrong, s_.certificate, facts).ok, (step_key, wrong)
            return
        facts[s_.key] = s_.relation
    raise KeyError(step_key)

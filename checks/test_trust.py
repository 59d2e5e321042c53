"""The trust machinery: claim mutation, the bad-input catalogue."""
from __future__ import annotations

import pytest
import sympy as sp

from dlverify import theorems
from dlverify.numerics.device import RunContext
from dlverify.reports import mutate, trust
from dlverify.theorems.core import Claim


@pytest.mark.parametrize("tid", theorems.REGISTRY)
def test_every_theorem_yields_mutants(tid):
    mod = theorems.load(tid)
    total = 0
    for claim in mod.THEOREM.claims:
        ms = mutate.mutants(claim)
        total += len(ms)
        assert all(m.key == claim.key and not m.proved_by for _, m in ms)
    assert total >= len(mod.THEOREM.claims)


def test_mutation_kills_every_false_mutant_of_the_descent_lemma():
    from dlverify.theorems import descent_lemma as dl

    ctx = RunContext("cpu")
    claim = dl.THEOREM.claim("one_step")
    outcomes = []
    for desc, m in mutate.mutants(claim):
        r = dl.check_claim(m, ctx)
        kind = "killed" if r.verdict.value == "false" else mutate.classify_survivor(claim, m)[0]
        outcomes.append((desc, kind))
    assert not [o for o in outcomes if o[1] == "hole"], outcomes
    assert sum(k == "killed" for _, k in outcomes) >= 5


def test_classifier_separates_weaker_from_stronger():
    x, y = sp.symbols("x y", positive=True)
    orig = Claim("c", "x ≤ y", sp.Le(x, y))
    assert mutate.classify_survivor(orig, Claim("c", "", sp.Le(x, 2 * y)))[0] == "true but looser"
    assert mutate.classify_survivor(orig, Claim("c", "", sp.Le(2 * x, y)))[0] == "open"
    tight = Claim("c", "x ≤ y", sp.Le(x, y), tight_on="x = y")
    assert mutate.classify_survivor(tight, Claim("c", "", sp.Le(2 * x, y)))[0] == "hole"


def test_bad_input_catalogue_is_one_line_exit_2():
    rows = trust.bad_input_catalogue()
    bad = [r for r in rows if not r["ok"]]
    assert not bad, bad
    assert len(rows) >= 14

"""Property checks for emergence on random skill graphs (our union-bound form of §15.9)."""
from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import skill_graphs as sg
from dlverify.theorems import emergence as em
from dlverify.theorems.core import DlverifyError

TID = "emergence"


def test_every_derivation_step_is_certified():
    standard.derivation_certified(em)


def test_monotonicity_certificate_rejects_the_wrong_sign():
    """ln A − ln B ≤ 0 (the k-term decreasing in θ) is not certified by the same combination."""
    import sympy as sp

    standard.certificate_rejects(em, "k_term_increasing", sp.Le(sp.log(em.Ao) - sp.log(em.Bo), 0))


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 60), j=st.integers(0, 60))
def test_binomial_entropy_bound(n, j):
    """The assumption C(n, j) ≤ e^{nH(j/n)} on exact integers (lgamma, rounding margin)."""
    j = min(j, n)
    x = j / n
    h = 0.0 if j in (0, n) else -(x * math.log(x) + (1 - x) * math.log(1 - x))
    log_c = math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)
    # both sides are a few lgamma/log evaluations: rounding ≤ 16 ulp of their magnitude
    assert log_c <= n * h + 16 * 2**-52 * (abs(log_c) + n * h + 1)


def test_failed_skills_by_brute_force():
    """Chain of trust: the batched failure test equals a per-skill count on a small graph."""
    edges = sg.random_graph(7, 12, 3, seed=2, device=torch.device("cpu"))
    Y = torch.zeros(1, 12, dtype=torch.bool)
    Y[0, [0, 3, 5, 8]] = True
    fast = sg.failed(edges, Y, 7, 0.5)[0]
    for skill in range(7):
        deg = int((edges == skill).sum())
        into = int((edges[Y[0]] == skill).sum())
        assert bool(fast[skill]) == (into >= 0.5 * deg)


def test_adversary_beats_random_error_sets(ctx):
    """The quantifier 'every Y' matters: the greedy Y fails many more skills than random ones."""
    edges = sg.random_graph(500, 2500, 4, seed=ctx.seed, device=ctx.device)
    adv = sg.adversarial_failed(edges, 500, 250, 0.5)["fraction"]
    rnd = float(sg.random_failed(edges, 500, 250, 0.5, trials=16, seed=1).max())
    record(TID, note=f"adversarial {adv:.3f} vs random {rnd:.3f}")
    assert adv > 3 * max(rnd, 1 / 500)


def test_registered_claims_hold(ctx):
    standard.registered_claims_hold(em, ctx)


@pytest.mark.parametrize("variant", em.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(em, ctx, variant)


def test_performance_curves_are_monotone(ctx):
    pc = em.performance_curves(ctx)
    assert pc["monotone"]


def test_bad_input_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="M, N, k >= 1"):
        sg.random_graph(0, 10, 2, seed=0, device=ctx.device)

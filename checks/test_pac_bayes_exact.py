"""The exact coverage family of PAC-Bayes (``numerics/pac_bayes.py``, "exact coverage"): its
binomial sums against independent computations (scipy.stats.binom, exact rationals, brute-force
enumeration of every sample for tiny m), and planted mutants of the bound forms that it must
refute -- a constant under the square root halved, 1/δ dropped, 1/δ → 1/√δ, m → m², the loss range
or the fixed prior dropped -- while the registered forms are never refuted.

No randomness: the family is a deterministic finite sum, certified in ball arithmetic, so a
refutation has false-alarm probability 0 (beyond the float64 rounding bound on the bound's value).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
import sympy as sp
import torch
from scipy.stats import binom

from dlverify.checks.plugin import record
from dlverify.numerics import pac_bayes as N
from dlverify.reports import mutate
from dlverify.theorems import pac_bayes as pb
from dlverify.theorems.core import Claim

pytestmark = pytest.mark.xdist_group("pac_bayes")

TID = "pac_bayes"


def _exact_pmf(m: int, p: Fraction) -> list[Fraction]:
    return [math.comb(m, k) * p**k * (1 - p) ** (m - k) for k in range(m + 1)]


@pytest.mark.parametrize("m", [1, 2, 7, 40, 300, 3000])
def test_count_distribution_against_scipy(m):
    """The float64 binomial pmf (log-space, lgamma) against scipy.stats.binom.pmf."""
    p = torch.tensor([1e-6, 0.013, 0.5, 0.77, 1 - 1e-9], dtype=torch.float64)
    ours = N.count_distribution(m, p)
    ref = torch.tensor(binom.pmf(range(m + 1), m, p.numpy()[:, None]))
    assert torch.allclose(ours, ref, rtol=1e-9, atol=1e-300)
    assert torch.allclose(ours.sum(-1), torch.ones(5, dtype=torch.float64), rtol=1e-12)


def test_erm_count_distribution_by_brute_force():
    """The minimum of K = 4 independent Binomial(m = 3, p) counts (the ERM's count), against an
    enumeration of all 2^(K·m) = 4096 loss patterns in exact rationals; the float64 and the
    certified (arb) values agree with it."""
    m, bits, p = 3, 2, Fraction(3, 10)
    K = 2**bits
    exact = [Fraction(0)] * (m + 1)
    for pattern in itertools.product((0, 1), repeat=K * m):
        counts = [sum(pattern[h * m : (h + 1) * m]) for h in range(K)]
        ones = sum(pattern)
        exact[min(counts)] += p**ones * (1 - p) ** (K * m - ones)
    ours = N.count_distribution(m, torch.tensor([float(p)], dtype=torch.float64), bits)[0]
    for k in range(m + 1):
        assert abs(float(ours[k]) - float(exact[k])) <= 1e-14
        ball = N.certified_failure(m, float(p), [k], bits)
        # the ball is for p = the float 0.3, within 1e-16 of 3/10: the exact value moves by < 1e-14
        assert float(ball.lower()) - 1e-14 <= float(exact[k]) <= float(ball.upper()) + 1e-14
    record(TID, note=f"ERM count distribution (K = {K}, m = {m}) = brute force over 4096 samples")


@pytest.mark.parametrize(
    "m,p,fails", [(1, 0.4, [0]), (5, 0.3, [0, 1, 4]), (12, 0.91, list(range(9))), (60, 1e-3, [0])]
)
def test_certified_failure_contains_the_exact_rational(m, p, fails):
    """The arb ball of Σ_{k ∈ fails} P[k] contains the exact rational sum (p the float's exact
    rational) and is narrow."""
    pq = Fraction(p)
    exact = sum(_exact_pmf(m, pq)[k] for k in fails)
    ball = N.certified_failure(m, p, fails)
    lo, hi = Fraction(float(ball.lower())), Fraction(float(ball.upper()))
    assert lo <= exact <= hi
    assert hi - lo <= 1e-25 + 1e-12 * exact


def test_certified_failure_large_m_against_scipy():
    """m = 3000: the certified lower tail against scipy's binom.cdf (relative 1e-9)."""
    m, p, j = 3000, 0.5, 1400
    ball = N.certified_failure(m, p, list(range(j + 1)))
    ref = float(binom.cdf(j, m, p))
    assert abs(float(ball.mid()) - ref) <= 1e-9 * ref


def _form(key: str) -> Claim:
    return pb.THEOREM.claim(key)


def _mutant(key: str, bound) -> Claim:
    """The form ``key`` with its bound replaced (same assumptions and domain)."""
    c = _form(key)
    return Claim(c.key, c.text, sp.Le(pb.risk, bound), c.assumptions, domain=c.domain)


def test_registered_forms_hold_exactly(ctx):
    """No false alarm: each of the six forms' exact failure probability stays at or below δ in
    every cell (and is a finite number everywhere)."""
    for c in pb.CLAIMS:
        (ms,) = N.measure_exact(c, ctx)
        assert not ms.skipped and ms.checked >= 45 and ms.violations == 0, (c.key, ms.detail)
        assert ms.worst_ratio <= 1, (c.key, ms.detail)
        record(TID, ratio=ms.worst_ratio, note=f"{c.key}: {ms.detail}")


m_, d_, KL, qh = pb.m_, pb.d_, pb.KLs, pb.qh
LOG_KL = pb.LOG_KL  # ln(2√m/δ)


@pytest.mark.parametrize(
    "name,claim",
    [
        # Pinsker's constant halved: √((KL + ln(2√m/δ))/(2m)) → √((…)/(4m))
        ("mm: constant under √ halved", _mutant("mcallester_maurer", qh + sp.sqrt((KL + LOG_KL) / (4 * m_)))),
        # Theorem 5.6.1 with 1/δ dropped from the log
        ("5.6.1: 1/δ dropped", _mutant("arora_5_6_1", qh + sp.sqrt((KL + sp.log(2 * m_)) / (2 * (m_ - 1))))),
        # the kl form with 1/δ → 1/√δ
        ("kl: 1/δ → 1/√δ", _mutant("seeger_kl", pb.KLInv(qh, (KL + sp.log(2 * sp.sqrt(m_ / d_))) / m_))),
        # the kl form at (…)/m² in place of (…)/m
        ("kl: m → m²", _mutant("seeger_kl", pb.KLInv(qh, (KL + LOG_KL) / m_**2))),
        # Catoni's exponent halved
        (
            "Catoni: (KL + ln 1/δ)/m halved",
            _mutant("catoni_C1", (1 - sp.exp(-qh - (KL + sp.log(1 / d_)) / (2 * m_))) / (1 - sp.exp(-1))),
        ),
        # Thiemann's 4/3 in front of q̂ dropped (deviation O(1/√m) against an O(1/m) term)
        ("Thiemann: 4/3 dropped", _mutant("thiemann_half", qh + sp.Rational(8, 3) * (KL + LOG_KL) / m_)),
    ],
)
def test_exact_family_refutes_planted_mutants(ctx, name, claim):
    """A planted constant / δ / m change in a form is refuted by the exact family, with a
    certified failure probability above δ in its counterexample (the simulated family at m ≤ 100
    and δ ≥ 0.05 missed every one of these)."""
    assert claim.relation != _form(claim.key).relation, name
    (ms,) = N.measure_exact(claim, ctx)
    assert ms.violations > 0, (name, ms.detail)
    cex = ms.counterexample
    assert cex["failure_probability"].startswith("["), cex  # an arb ball
    record(TID, ratio=ms.worst_ratio, note=f"{name}: refuted at m = {cex['m']}, δ = {cex['delta']:g}")


@pytest.mark.parametrize("key", ["seeger_kl", "catoni_C1"])
@pytest.mark.parametrize("drop", ["loss_range", "prior_fixed"])
def test_exact_family_refutes_a_dropped_hypothesis(ctx, key, drop):
    """Losses in [0, 4] and [0, 25], and a prior put on the ERM of 2^12 hypotheses after seeing
    S: the forms without the loss range / the fixed prior fail with certified probability > δ."""
    c = _form(key)
    claim = Claim(c.key, c.text, c.relation, tuple(a for a in c.assumptions if a != drop), domain=c.domain)
    (ms,) = N.measure_exact(claim, ctx)
    assert ms.violations > 0, (key, drop, ms.detail)


def test_non_finite_bound_is_a_violation(ctx):
    """Theorem 5.6.1 without m ≥ 2 (and no domain saying m ≥ 2) is measured at m = 1, where
    √(m − 1) = 0 makes the bound infinite; without δ < 1 at δ = 10⁶, where ln(2m/δ) < 0 makes it
    NaN: both are violations whatever the failure rate (NaN/inf are violations)."""
    c = _form("arora_5_6_1")
    for drop in ("m_ge_2", "delta_lt_1"):
        claim = Claim(c.key, c.text, c.relation, tuple(a for a in c.assumptions if a != drop))
        (ms,) = N.measure_exact(claim, ctx)
        assert ms.violations > 0 and ms.counterexample["failure_probability"] == "not a finite number", drop


def test_the_claims_domain_bounds_m_and_delta(ctx):
    """A probability statement is about δ < 1 (and these forms about m ≥ 2): the claim's domain
    keeps the exact family inside, so the Hoeffding reading of Example 5.6.3 (which does not
    assume δ < 1) is not 'refuted' by a NaN at δ = 10⁶, while the same reading without a domain is."""
    (reading,) = [ln.reading for ln in pb.THEOREM.as_written if ln.key == "example_5_6_3_hoeffding"]
    assert "delta_lt_1" not in reading.assumptions and sp.Lt(pb.d_, 1) in reading.domain
    cells = N.exact_coverage(reading.relation, ctx, tuple(reading.assumptions), domain=reading.domain)[
        "cells"
    ]
    assert cells and all(c["delta"] < 1 and c["m"] >= 2 for c in cells)
    (ms,) = N.measure_exact(reading, ctx)
    assert ms.violations == 0, ms.detail
    bare = Claim(reading.key, reading.text, reading.relation, reading.assumptions)
    assert N.measure_exact(bare, ctx)[0].violations > 0


def test_classifier_shows_looser_and_never_calls_a_stronger_mutant_looser():
    """'true but looser' needs a proof (monotone in the changed term, the change's sign shown):
    the √2 doubled in McAllester–Maurer is looser, its √2 dropped is stronger, and a change that
    sampling finds weaker but the sign rules cannot show stays 'open'."""
    c = _form("mcallester_maurer")
    looser = Claim(
        c.key, c.text, c.relation.xreplace({sp.sqrt(2): 2 * sp.sqrt(2)}), c.assumptions, domain=c.domain
    )
    stronger = Claim(c.key, c.text, c.relation.xreplace({sp.sqrt(2): 1}), c.assumptions, domain=c.domain)
    assert mutate._proved_order(c, looser) == "weaker"
    assert mutate.classify_survivor(c, looser)[0] == "true but looser"
    assert mutate._proved_order(c, stronger) == "stronger"
    assert mutate.classify_survivor(c, stronger)[0] == "open"
    # √X → X with X = KL + ln(2√m/δ) ≥ ln 2 + ½ ln 2 > 1 on the domain (the log floor): looser
    x_ = pb.KLs + pb.LOG_KL
    squared = Claim(c.key, c.text, c.relation.xreplace({sp.sqrt(x_): x_}), c.assumptions, domain=c.domain)
    assert squared.relation != c.relation and mutate._proved_order(c, squared) == "weaker"
    # … but X → √X with X = KL + ln(1/δ) (Catoni's exponent), which can be below 1, is not shown
    assert mutate._log_floor(pb.KLs + sp.log(1 / pb.d_) - 1, mutate._domain_subs(c.domain)) is None
    x, y, z = sp.symbols("x y z", positive=True)
    orig = Claim("c", "x ≤ y", sp.Le(x, y))
    shown = Claim("c", "", sp.Le(x, y + (z - 1) ** 2 * z / (z**2 + 1)))  # the added term is ≥ 0
    assert mutate.classify_survivor(orig, shown)[0] == "true but looser"
    # 1 + cos z ≥ 0: sympy's sign rules do not show it, the suite's prover does (|cos| ≤ 1)
    kind, why = mutate.classify_survivor(orig, Claim("c", "", sp.Le(x, y + sp.cos(z) + 1)))
    assert kind == "true but looser" and "proved" in why, why
    # W(z) ≥ 0 for z > 0 holds at every sampled point, but neither the sign rules nor the prover
    # show it: not looser
    kind, why = mutate.classify_survivor(orig, Claim("c", "", sp.Le(x, y + sp.LambertW(z))))
    assert kind == "open" and "not shown" in why, why


def test_score_leaves_true_mutants_out_of_the_denominator():
    """killed / (generated − equivalent − looser − redundant), the true ones reported beside it."""
    rows = [
        {"outcome": o}
        for o in ["killed"] * 30
        + ["open"] * 5
        + ["hole"] * 1
        + ["true but looser"] * 20
        + ["redundant"] * 4
        + ["equivalent"] * 10
    ]
    s = mutate.score(rows)
    assert s["score"] == pytest.approx(30 / 36) and s["looser"] == 20 and s["redundant"] == 4


def test_a_mutant_implied_by_another_proved_claim_is_true_and_one_beyond_it_is_not():
    """Arora's 5.6.1 with √(m − ½) for √(m − 1) is stronger than Arora's form but implied by the
    proved McAllester–Maurer form (ln(2m/δ) ≥ ln(2√m/δ), m − ½ < m): true, shown by the prover
    from that claim.  The same change with the log factor dropped to ln(2/δ) (stronger than
    McAllester–Maurer too) is not; nor is a companion whose hypotheses the mutant lacks applied."""
    ar, mm = _form("arora_5_6_1"), _form("mcallester_maurer")
    hyps = tuple(pb.THEOREM.assumption(k).relation for k in mm.assumptions)
    m_, d_ = pb.m_, pb.d_
    half = Claim(
        ar.key,
        ar.text,
        ar.relation.xreplace({m_ - 1: m_ - sp.Rational(1, 2)}),
        ar.assumptions,
        domain=ar.domain,
    )
    assert half.relation != ar.relation
    kind, why = mutate.classify_survivor(ar, half, False, (), [(mm, hyps, "mm_claim")])
    assert kind == "true but looser" and "claim mcallester_maurer" in why, why
    beyond = Claim(
        ar.key,
        ar.text,
        half.relation.xreplace({sp.log(2 * m_ / d_): sp.log(2 / d_)}),
        ar.assumptions,
        domain=ar.domain,
    )
    assert beyond.relation != half.relation
    assert mutate.classify_survivor(ar, beyond, False, (), [(mm, hyps, "mm_claim")])[0] == "open"
    # applicability: a companion assuming what the mutant dropped is not offered
    fewer = Claim(
        ar.key, ar.text, half.relation, tuple(k for k in ar.assumptions if k != "m_ge_2"), domain=ar.domain
    )
    assert mutate._applicable([(mm, hyps, "mm_claim")], ar, fewer) == []
    assert mutate._applicable([(mm, hyps, "mm_claim")], ar, half) == [(mm, hyps, "mm_claim")]

"""Property checks for emergence on random skill graphs (§15.9): the numeric primitives against
independent computations, necessity of the assumptions, the source lines' expected verdicts, and
the regression tests of issue 12.  The generic checks (derivation certified, claims hold, wrong
variants false) run for every theorem in ``checks/test_registry.py``."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import emergence as ne
from dlverify.numerics import skill_graphs as sg
from dlverify.numerics.device import RunContext
from dlverify.theorems import emergence as em
from dlverify.theorems.core import Verdict, assess, check_derivation, judge_line
from dlverify.theorems.evidence import Basis
from dlverify.theorems.relations import DlverifyError

pytestmark = pytest.mark.xdist_group("emergence")  # with the generic tests of this theorem: one evaluation

TID = "emergence"
CPU = torch.device("cpu")


@functools.lru_cache(maxsize=1)
def _marks():
    return check_derivation(em.THEOREM)


def _marks_for(rel):
    """The marks whose relation is over the same quantities as ``rel`` (a step over other quantities
    cannot have an identically equal slack): keeps find_proof's sympy comparisons to the candidates."""
    names = {x.name for x in rel.free_symbols}
    return [
        m for m in _marks() if m.relation is not None and {x.name for x in m.relation.free_symbols} == names
    ]


def _assess(claim, ctx):
    return assess(em.THEOREM, claim, _marks_for(claim.relation), lambda c: ne.measure(c, ctx))


def _line(key):
    return next(x for x in em.THEOREM.as_written if x.key == key)


def _judge(line, ctx):
    marks = _marks_for(line.reading.relation) if line.reading is not None else []
    if line.corrected is not None:
        marks += _marks_for(line.corrected.relation)
    return judge_line(em.THEOREM, line, marks, lambda c: ne.measure(c, ctx))


# ----------------------------------------------------------------------------- certificates
def test_monotonicity_certificate_rejects_the_wrong_sign():
    """ln A − ln B ≤ 0 (the k-term decreasing in θ) is not certified by the same combination."""
    standard.certificate_rejects(em, "k_term_increasing", sp.Le(sp.log(em.Ao) - sp.log(em.Bo), 0))


def test_union_bound_certificate_rejects_a_dropped_term():
    """Without M·H(β) (the union over Z) the same combination does not certify the union bound."""
    standard.certificate_rejects(em, "union_bound", sp.Le(em.lw, em.N * em.H(em.th) + em.N * em.KTERM))


def test_count_certificate_rejects_a_dropped_entropy():
    standard.certificate_rejects(
        em, "count_15_17", sp.Le(em.l17, sp.log(em.S_) + sp.log(em.T_) + em.T_ * em.COND_1516)
    )


# ----------------------------------------------------------------------------- numeric primitives
@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 60), j=st.integers(0, 60))
def test_binomial_entropy_bound(n, j):
    """The cited fact C(n, j) ≤ e^{nH(j/n)} on exact integers (math.comb, rounding margin)."""
    j = min(j, n)
    x = j / n
    h = 0.0 if j in (0, n) else -(x * math.log(x) + (1 - x) * math.log(1 - x))
    assert math.log(math.comb(n, j)) <= n * h + 16 * 2**-52 * (n * h + 1)


def test_failed_skills_by_brute_force():
    """Chain of trust: the batched failure test equals a per-skill count on a small graph."""
    edges = sg.random_graph(7, 12, 3, seed=2, device=CPU)
    Y = torch.zeros(1, 12, dtype=torch.bool)
    Y[0, [0, 3, 5, 8]] = True
    fast = sg.failed(edges, Y, 7, 0.5)[0]
    into = sg.edges_into(edges, Y, 7)[0]
    for skill in range(7):
        deg = int((edges == skill).sum())
        n_in = int((edges[Y[0]] == skill).sum())
        assert int(into[skill]) == n_in
        assert bool(fast[skill]) == (n_in >= 0.5 * deg)


@pytest.mark.parametrize("mode", ["count", "share"])
def test_adversary_against_exhaustive_search(mode):
    """The adversary's fraction is the exhaustive maximum over all Y of that size on a small graph
    (C(9, 3) = 84 error sets: it enumerates them)."""
    M, N, k, nY = 6, 9, 2, 3
    edges = sg.random_graph(M, N, k, seed=5, device=CPU)
    deg = sg.degrees(edges, M).double()
    kw = {"count": 1.0} if mode == "count" else {"share": 0.5}
    best = 0.0
    for ys in itertools.combinations(range(N), nY):
        Y = torch.zeros(1, N, dtype=torch.bool)
        Y[0, list(ys)] = True
        into = sg.edges_into(edges, Y, M)[0]
        bad = into > 1.0 if mode == "count" else (into > 0.5 * deg) & (deg > 0)
        best = max(best, float(bad.double().mean()))
    got = sg.adversarial_bad(edges, M, nY, **kw)
    record(TID, note=f"{mode}: greedy {got:.3f}, exhaustive {best:.3f}")
    assert got == best


def test_pair_tail_against_scipy():
    """ln P((1 − α)X ≥ αX') from the exact convolution against scipy's binomial laws."""
    n1, n2, beta, alpha = 7, 13, 0.3, 0.4
    x, x2 = range(n1 + 1), range(n2 + 1)
    p = sum(
        stats.binom.pmf(a, n1, beta) * stats.binom.pmf(b, n2, beta)
        for a in x
        for b in x2
        if (1 - alpha) * a >= alpha * b - 1e-12
    )
    assert math.isclose(ne._log_tail_pair(n1, n2, beta, alpha), math.log(p), rel_tol=1e-10)


# ----------------------------------------------------------------------------- exact lower bounds
def test_binomial_cdf_against_exact_rationals():
    for n, beta, kk, x in (
        (12, Fraction(1, 4), 3, 4),
        (30, Fraction(1, 10), 16, 20),
        (7, Fraction(1, 2), 1, 0),
    ):
        q = (1 - beta) ** kk  # a piece misses Z
        exact = sum(math.comb(n, j) * (1 - q) ** j * q ** (n - j) for j in range(x + 1))
        got = ne.log_binom_cdf(n, kk * math.log1p(-float(beta)), x)
        assert math.isclose(got, math.log(exact), rel_tol=1e-12, abs_tol=1e-12)


def _empty_at_least_exact(n: int, M: int, z: int) -> Fraction:
    """P[at least z of M bins empty] for n uniform balls: inclusion–exclusion in exact rationals,
    P[exactly e empty] = C(M, e) Σ_i (−1)^i C(M − e, i) ((M − e − i)/M)^n."""
    tot = Fraction(0)
    for e in range(z, M + 1):
        tot += math.comb(M, e) * sum(
            (-1) ** i * math.comb(M - e, i) * Fraction(M - e - i, M) ** n for i in range(M - e + 1)
        )
    return tot


def test_occupancy_tail_against_enumeration_and_inclusion_exclusion():
    M, n = 4, 6  # every one of the 4^6 sequences
    for z in range(M + 1):
        hits = sum(M - len(set(seq)) >= z for seq in itertools.product(range(M), repeat=n))
        assert math.isclose(math.exp(ne.log_empty_at_least(n, M, z)), hits / M**n, rel_tol=1e-12)
    for n, M, z in ((30, 12, 3), (200, 40, 10), (60, 40, 20)):
        exact = _empty_at_least_exact(n, M, z)
        assert math.isclose(ne.log_empty_at_least(n, M, z), math.log(exact), rel_tol=1e-10, abs_tol=1e-12)


@pytest.mark.parametrize(
    "N, M, k, nY, nZ, alpha",
    [
        (4, 3, 2, 2, 2, 1.0),  # the fixed-Z event gives the bound (P = 0.188, bound 0.064)
        (5, 4, 2, 1, 2, 1.0),  # the occupancy event (P = 0.091, bound 0.023)
        (4, 2, 3, 1, 1, 0.6),  # the fixed skill at α < 1 (P = 0.155, bound 0.020)
        (4, 2, 3, 2, 1, 0.75),
        (4, 3, 2, 1, 2, 1.0),
    ],
)
def test_bad_lower_bound_is_below_the_exact_probability(N, M, k, nY, nZ, alpha):
    """P[some Y of size nY fails at least nZ skills] over every graph (M^{kN} of them, each Y
    enumerated): the lower bound never exceeds it (every event it uses is inside the bad event)."""
    Ys = torch.zeros(math.comb(N, nY), N, dtype=torch.bool)
    for i, c in enumerate(itertools.combinations(range(N), nY)):
        Ys[i, list(c)] = True
    bad = 0
    for flat in itertools.product(range(M), repeat=k * N):
        e = torch.tensor(flat).reshape(N, k)
        bad += bool((sg.failed(e, Ys, M, alpha).sum(-1) >= nZ).any())
    p = Fraction(bad, M ** (k * N))
    lb, _ = ne.log_bad_lower_bound(N, M, nY, nZ, k, alpha)
    assert math.exp(lb) <= float(p) * (1 + 1e-12) and p < 1


def test_lower_bounds_refute_a_weaker_condition_and_keep_the_claim(ctx):
    """At δ = LB/2 the claim's condition fails at every s; conditions missing part of the union
    over Y (half of θ ln θ), over Z (half of β ln β) or with α dropped from B hold somewhere
    there, so the family refutes them."""
    claim = em.THEOREM.claim("every_Y")
    (m,) = [x for x in ne.measure(claim, ctx) if "lower bounds" in x.how]
    assert m.violations == 0 and m.checked == 0  # the condition never holds where P[bad] > δ
    th, be, al, s_ = em.th, em.be, em.al, em.s
    rel = claim.relation
    for planted in (
        rel.subs(th * sp.log(th), th * sp.log(th) / 2),
        rel.subs(be * sp.log(be), be * sp.log(be) / 2),
        rel.subs(sp.exp(-al * s_), sp.exp(-s_)),
        rel.subs(sp.log(be * sp.exp(s_ * (1 - al)) - be + 1), 1),  # ln A capped at 1: looked looser
    ):
        assert planted != rel
        (w,) = [
            x
            for x in ne.measure(dataclasses.replace(claim, relation=planted), ctx)
            if "lower bounds" in x.how
        ]
        assert w.violations > 0 and w.counterexample["delta"] < 1, planted


def test_exact_expectation_against_enumeration(ctx):
    """E[#bad (Y, Z)] of line 3983 (|Z| ≤ α|S|) by the formula against the sum over every pair with
    exact rationals: |S| = 4, |T| = 2, k = 2, θ = 1/2, α = 1/2, β = 2 (threshold αβθk|T| = 2 edges)."""
    S, T, k, a, th, b = 4, 2, 2, Fraction(1, 2), Fraction(1, 2), 2
    m = a * b * th * k * T
    n = int(k * th * T)
    total = Fraction(0)
    for z in range(0, int(a * S) + 1):
        q = Fraction(z, S)
        tail = sum(math.comb(n, j) * q**j * (1 - q) ** (n - j) for j in range(n + 1) if j >= m)
        total += math.comb(S, z) * math.comb(T, int(th * T)) * tail
    inst = ne.count_instances(ctx)
    assert total > 0
    # the cached table uses the same formula in float64; recompute that row's value independently
    lew = float(
        torch.logsumexp(
            torch.tensor(
                [
                    math.log(math.comb(S, z))
                    + math.log(
                        float(
                            sum(
                                math.comb(n, j) * Fraction(z, S) ** j * (1 - Fraction(z, S)) ** (n - j)
                                for j in range(n + 1)
                                if j >= m
                            )
                        )
                    )
                    for z in range(1, 3)
                ],
                dtype=torch.float64,
            ),
            0,
        )
    ) + math.log(math.comb(T, 1))
    assert math.isclose(lew, math.log(total), rel_tol=1e-12)
    assert inst["lEW"].numel() > 10


def test_curve_height_solves_15_16():
    """At the curve's β, (15.16)'s left side (sympy, 30 digits) is zero to bisection accuracy, and
    negative just above it."""
    alpha = torch.tensor([0.1, 0.2, 0.3], dtype=torch.float64)
    h = ne.curve_height(alpha, 0.1, 8)
    for a, y in zip(alpha.tolist(), h.tolist()):
        bstar = y / 0.1
        sub = {em.ab: sp.Float(a, 30), em.th: sp.Rational(1, 10), em.k: 8}
        val = sp.N(em.COND_1516.subs(sub | {em.bb: sp.Float(bstar, 30)}), 30)
        above = sp.N(em.COND_1516.subs(sub | {em.bb: sp.Float(bstar * (1 + 1e-6), 30)}), 30)
        assert abs(float(val)) < 1e-9 and float(above) < 0


def test_adversary_beats_random_error_sets(ctx):
    """The quantifier 'every Y' matters: the greedy Y fails many more skills than random ones."""
    edges = sg.random_graph(300, 1500, 4, seed=ctx.seed, device=CPU)
    adv = sg.adversarial_failed(edges, 300, 150, 0.5)["fraction"]
    rnd = float(sg.random_failed(edges, 300, 150, 0.5, trials=8, seed=1).max())
    record(TID, note=f"adversarial {adv:.3f} vs random {rnd:.3f}")
    assert adv > 3 * max(rnd, 1 / 300)


def test_tuple_graph_encodes_tuples():
    base = sg.random_graph(5, 6, 3, seed=3, device=CPU)
    tg = sg.tuple_graph(5, 6, 3, 2, seed=3, device=CPU)
    assert tg.shape == (3, 3)
    b = base.reshape(3, 2, 3)
    assert torch.equal(tg, b[:, 0, :] + 5 * b[:, 1, :])


# ----------------------------------------------------------------------------- necessity
@pytest.mark.parametrize(
    "key,drop",
    [
        ("thm_15_9_1", "bk_S_ll_T"),
        ("thm_15_9_1", "bk_beta"),
        ("mistake_share", "mk_loss"),
        ("prob_method", "mk_int"),
        ("lemma_15_9_3_theta", "lm_theta_lt"),
        ("lemma_15_9_3_k", "lm_k_gt"),
        ("eq_15_17", "bk_beta"),
    ],
)
def test_dropping_an_assumption_gives_a_counterexample(ctx, key, drop):
    c = _line(key).reading
    weaker = c.variant(
        f"{key}-{drop}", f"{key} without {drop}", assumptions=[a for a in c.assumptions if a != drop]
    )
    r = _assess(weaker, ctx)
    record(
        TID,
        counterexamples=int(r.verdict is Verdict.FALSE),
        counterexample=r.counterexample,
        note=weaker.text,
    )
    assert r.verdict is Verdict.FALSE, r.detail


def test_changing_an_assumption_changes_what_is_tested(ctx):
    """The error-set size comes from the assumption: |Y| ≥ θ|T| adds the instances at Y = T."""
    c = _line("thm_15_9_1").reading
    eq = ne.measure(c, ctx)[0]
    ge = ne.measure(
        c.variant("ge", "ge", assumptions=[a if a != "bk_Y_eq" else "bk_Y_ge" for a in c.assumptions]), ctx
    )[0]
    assert ge.checked > eq.checked


# ----------------------------------------------------------------------------- source lines
EXPECTED = {
    "mistake_share": Verdict.TIGHT,
    "thm_15_9_1": Verdict.VERIFIED,
    "eq_15_16": Verdict.VERIFIED,
    "thm_every_Y": Verdict.MISPRINT,
    "note_competence": Verdict.VERIFIED,
    "prob_method": Verdict.TIGHT,
    "bad_pairs": Verdict.VERIFIED,
    "eq_15_17": Verdict.VERIFIED,
    "stirling": Verdict.VERIFIED,
    "stirling_step": Verdict.VERIFIED,
    "def_15_9_2": Verdict.VERIFIED,  # (15.16) is monotone in β: its boundary is one β per α
    "plot_point": Verdict.VERIFIED,
    "lemma_15_9_3_theta": Verdict.VERIFIED,
    "lemma_15_9_3_k": Verdict.VERIFIED,
    "lemma_15_9_3_proof": Verdict.VERIFIED,
    "tensor_error": Verdict.MISPRINT,
    "lemma_15_9_4": Verdict.MISPRINT,
    "fig_15_2_k2": Verdict.FALSE,
    "fig_15_2_tuples": Verdict.VERIFIED,
    "scaling_tuples": Verdict.VERIFIED,
    "problem_15_9_5": Verdict.VERIFIED,
}


def test_the_performance_curve_needs_the_printed_signs_of_15_16(ctx):
    """002:3992: the boundary of (15.16) is one β per α because the left side does not increase with
    β; with the sign of its βα·ln(1/α) term flipped the slope is positive on the same grid, and the
    variant is refuted."""
    line = _line("def_15_9_2")
    assert _assess(line.reading, ctx).verdict is Verdict.VERIFIED
    flipped = em.H(em.th) + em.k * em.th * (em.BRACKET - 2 * em.ab * em.bb * sp.log(em.ab))
    wrong = line.reading.variant("slope_flipped", "+βα ln(1/α)", sp.Le(sp.diff(flipped, em.bb), 0))
    assert _assess(wrong, ctx).verdict is Verdict.FALSE


def test_every_line_has_an_expected_verdict():
    assert set(EXPECTED) == {x.key for x in em.THEOREM.as_written}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_source_line_verdict(ctx, key):
    j, reading, _ = _judge(_line(key), ctx)
    record(TID, note=f"{key}: {j.verdict.value} ({j.basis})")
    assert j.verdict is EXPECTED[key], j.detail


@pytest.mark.parametrize("claim", em.BOOK_WRONG, ids=lambda c: c.key)
def test_wrong_readings_of_the_book_are_refuted(ctx, claim):
    r = _assess(claim, ctx)
    record(
        TID, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample, note=claim.text
    )
    assert r.verdict is Verdict.FALSE, r.detail


def test_anchors_occur_at_their_lines():
    root = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
    if not root.exists():
        pytest.skip("no ../shared/sources beside the project")
    for x in em.THEOREM.as_written:
        lines = (root / x.doc).read_text(encoding="utf-8").splitlines()
        assert x.anchor in lines[x.line - 1], (x.key, x.line)


# ----------------------------------------------------------------------------- regressions (issue 12)
def test_regression_every_Y_not_proved_by_a_named_identity(ctx):
    """The old claim was 'verified' because proved_by named mgf_binomial; now no step's relation is
    the claim's, so it is measured only, and naming a step gives nothing."""
    c = em.THEOREM.claim("every_Y")
    assert not hasattr(c, "proved_by")
    from dlverify.theorems.core import find_proof

    assert find_proof(c.relation, c.assumptions, _marks_for(c.relation)) is None
    r = _assess(c, ctx)
    assert r.verdict.holds and r.basis is Basis.MEASURED and r.instances > 0
    # the union-bound claim is the derived one: its proof is found by its relation
    u = em.THEOREM.claim("union_bound")
    assert find_proof(u.relation, u.assumptions, _marks_for(u.relation)).step == "union_bound"
    # and dropping a cited fact from its assumptions loses the proof (it was used)
    assert find_proof(u.relation, ("entropy_T", "entropy_S"), _marks_for(u.relation)) is None


def test_regression_15_16_transcribed_and_judged(ctx):
    """(15.16) was a literal 'verified' with no text; now it is transcribed at its line and its
    verdict follows the evidence: a nonsense reading is not verified."""
    line = _line("eq_15_16")
    assert line.line == 3973 and r"H(\theta)" in line.latex and r"\log\frac1{1-\alpha}" in line.latex
    thm = _line("thm_15_9_1")
    nonsense = dataclasses.replace(
        thm, reading=thm.reading.variant("nonsense", "the condition with >", sp.Gt(em.COND_1516, 0))
    )
    j, _, _ = _judge(nonsense, ctx)
    assert j.verdict is Verdict.FALSE


def test_regression_no_1_over_r_needs_r_below_one(ctx, monkeypatch):
    """Dropping 1/r was a hole because every setting had r = 5; with r < 1 in the settings it is
    refuted, and its counterexample is at r < 1."""
    v = next(x for x in em.WRONG_VARIANTS if x.key == "no_1_over_r")
    r = _assess(v, ctx)
    assert r.verdict is Verdict.FALSE and r.counterexample["r"] < 1
    monkeypatch.setattr(ne, "RATIOS", (5.0,))
    old = _assess(v, ctx)  # the old settings (r = 5) could not kill it; the exact lower bounds
    # have settings of their own, and any counterexample they give is at r < 1 too
    assert old.verdict is not Verdict.FALSE or old.counterexample["r"] < 1


def test_regression_graphs_and_adversary_cached(ctx, monkeypatch):
    """Issue 14: graphs and adversary runs are computed once per run context (its cache), and a
    context with another seed computes its own."""
    calls = {"graph": 0, "book": 0, "suite": 0}

    def counted(name, fn):
        def wrapped(*args, **kw):
            calls[name] += 1
            return fn(*args, **kw)

        return wrapped

    monkeypatch.setattr(sg, "random_graph", counted("graph", sg.random_graph))
    monkeypatch.setattr(sg, "adversarial_bad", counted("book", sg.adversarial_bad))
    monkeypatch.setattr(sg, "adversarial_failed", counted("suite", sg.adversarial_failed))
    c = _line("thm_15_9_1").reading
    ne.measure(c, ctx)
    before = dict(calls)
    ne.measure(c, ctx)
    assert calls == before  # measured again: nothing recomputed
    assert any(key[0] == "emergence book adversary" for key in ctx.cache)
    ne.suite_adversary(ctx, 2, 0.1, 5.0)
    n = dict(calls)
    ne.suite_adversary(ctx, 2, 0.1, 5.0)
    assert calls == n
    other = RunContext(ctx.device, ctx.seed + 1, ctx.profile)
    ne.suite_adversary(other, 2, 0.1, 5.0)
    # another seed is another graph and another adversary run
    assert calls["suite"] == n["suite"] + 1 and calls["graph"] == n["graph"] + 1


def test_bad_input_is_a_clear_error():
    with pytest.raises(DlverifyError, match="M, N, k >= 1"):
        sg.random_graph(0, 10, 2, seed=0, device=CPU)
    with pytest.raises(DlverifyError, match="exactly one"):
        sg.adversarial_bad(sg.random_graph(3, 3, 1, seed=0, device=CPU), 3, 1)


# ----------------------------------------------------------------------------- the headline rate


def test_union_counts_against_exact_combinatorics_and_scipy():
    """ln E[#bad (Y, Z)] of the rate's setting at N = 100 against math.comb and scipy's binomial
    pmf and cdf: P((1 − α)X ≥ αX') = Σ_x P(X = x) P(X' ≤ (1 − α)x/α)."""
    got = ne._union_counts((100,))
    th, be, al, kk, r = (ne.UNION_RATE[x] for x in ("theta", "beta", "alpha", "k", "r"))
    N, M = 100, int(100 / r)
    nY, nZ = round(th * N), round(be * M)
    n1, n2 = kk * nY, kk * (N - nY)
    tail = sum(
        stats.binom.pmf(x, n1, be) * stats.binom.cdf(math.floor((1 - al) * x / al + 1e-9), n2, be)
        for x in range(n1 + 1)
    )
    want = math.log(math.comb(N, nY)) + math.log(math.comb(M, nZ)) + math.log(tail)
    assert got["lw"][0] == pytest.approx(want, abs=1e-9)
    assert got["err"][0] < 1e-9


def test_union_exponent_passes_on_its_rate(ctx):
    """The union bound's rate: the exact E[#bad] per text piece lies below the claim's factor
    exp(min_s e(s)) and approaches it (the per-N factors (E[#bad])^{1/N} increase with N and end
    within 2% of it)."""
    e = ne.union_exponent(ctx)
    r = e.rate
    assert r is not None and r.kind == "contraction" and r.claim == "<=" and r.false_alarm == 0.0
    assert r.hi <= r.predicted and r.measured > 0.98 * r.predicted
    _, d = ne.union_rate(ctx)
    assert all(a < b for a, b in zip(d["q_n"], d["q_n"][1:]))
    assert r.matches and e.ok is True


@pytest.mark.parametrize("key", ["union_k_squared", "union_no_Z"])
def test_union_rate_rejects_a_wrong_exponent(ctx, key):
    """k² in place of k, or the union over Z left out, predicts a faster decay than the exact
    counts show: rejected.  So are a factor ½ in the prediction and an exponent lowered by one."""
    wrong = next(v for v in em.WRONG_VARIANTS if v.key == key)
    r, _ = ne.union_rate(ctx, wrong)
    assert r.predicted < r.lo and not r.matches, (key, r.predicted, r.lo)
    r, _ = ne.union_rate(ctx)
    for p in (r.predicted / 2, r.predicted * math.exp(-1)):
        assert not dataclasses.replace(r, predicted=p).matches


def test_every_experiment_passes_and_one_is_headlined_by_a_rate(ctx):
    """Every experiment of the numeric side holds (ok is True, or None for a record without
    comparisons, e.g. an optional one skipped), and at least one carries a matching rate."""
    from dlverify.numerics.contract import experiments_of

    exps = experiments_of(ne, ctx)
    assert not [(e.key, e.comparisons, e.rate) for e in exps if e.ok is False]
    assert any(e.rate is not None and e.rate.matches and e.ok is True for e in exps)

"""Adversaries and simulations on cases whose answer is known exactly.

* the emergence adversaries (numerics/skill_graphs.py) on skill graphs with a planted worst error
  set, and on small random graphs against a brute force over every error set;
* the PAC-Bayes coverage simulator (numerics/pac_bayes.py) against the exact failure
  probability of each bound form on a finite sample space: one hypothesis, Bernoulli losses,
  q̂ ~ Binomial(m, r)/m, KL = 0, so P[risk > bound] = Σ_{j : r > bound(j/m)} C(m, j) rʲ(1 − r)^{m−j},
  computed in exact rationals and mpmath (the kl inverse by bisection to 2^-70); the
  simulated failure counts must lie in the exact two-sided Binomial(n, P) acceptance region at
  false alarm 1e-6 per cell, and every proved form's exact failure probability is at most δ;
* the simulator's KL(Q‖P) of the Gibbs posterior against the definition (its direction matters).
"""

from __future__ import annotations

import functools
import itertools
import math
from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp
import torch

from dlverify.numerics import pac_bayes_primitives as pacbayes
from dlverify.numerics import skill_graphs as sg

CPU = torch.device("cpu")


# --------------------------------------------------------------------------- adversaries


def _brute(edges, M, nY, alpha=None, count=None):
    """The largest failed (or exceptional) fraction over every error set of size nY."""
    N = edges.shape[0]
    combos = list(itertools.combinations(range(N), nY))
    Y = torch.zeros(len(combos), N, dtype=torch.bool)
    for i, c in enumerate(combos):
        Y[i, list(c)] = True
    if count is not None:
        return float((sg.edges_into(edges, Y, M) > count).double().mean(-1).max())
    return float(sg.failed(edges, Y, M, alpha).double().mean(-1).max())


def _planted(M: int, N: int, k: int, planted: list[int], z: int, seed: int):
    """Skills 0..z−1 draw all their edges from the planted pieces (each planted piece's k edges go
    to those skills), the other pieces' edges go to skills z..M−1: Y = planted fails exactly
    skills 0..z−1 (at α ≤ 1), and nothing else of that size fails as many."""
    g = torch.Generator().manual_seed(seed)
    e = torch.randint(z, M, (N, k), generator=g)
    for p_ in planted:
        e[p_] = torch.randint(0, z, (k,), generator=g)
    return e


@pytest.mark.parametrize("seed", range(5))
def test_failed_adversary_finds_a_planted_worst_set(seed):
    M, N, k, z = 12, 14, 3, 4
    planted = sorted(torch.randperm(N, generator=torch.Generator().manual_seed(seed))[:3].tolist())
    e = _planted(M, N, k, planted, z, seed)
    best = _brute(e, M, len(planted), alpha=0.9)
    assert best >= z / M  # the planted set fails its z skills (and possibly skills without edges)
    out = sg.adversarial_failed(e, M, len(planted), 0.9)
    assert out["fraction"] == best
    assert float(sg.failed(e, out["Y"][None], M, 0.9).double().mean()) == best  # the Y it returns


@pytest.mark.parametrize("seed", range(5))
def test_share_adversary_finds_a_planted_worst_set(seed):
    """The competence note's notion (more than a share of a skill's own edges into Y)."""
    M, N, k, z = 12, 14, 3, 4
    planted = sorted(torch.randperm(N, generator=torch.Generator().manual_seed(seed))[:3].tolist())
    e = _planted(M, N, k, planted, z, seed)
    combos = list(itertools.combinations(range(N), 3))
    Y = torch.zeros(len(combos), N, dtype=torch.bool)
    for i, c in enumerate(combos):
        Y[i, list(c)] = True
    into, deg = sg.edges_into(e, Y, M), sg.degrees(e, M).double()
    for share in (0.5, 0.9):
        best = float(((into > share * deg) & (deg > 0)).double().mean(-1).max())
        assert best >= z / M and sg.adversarial_bad(e, M, 3, share=share) == best


def _count_case(seed: int):
    planted = sorted(torch.randperm(14, generator=torch.Generator().manual_seed(seed))[:3].tolist())
    return _planted(12, 14, 3, planted, 4, seed)


def test_count_adversary_matches_brute_force_on_small_graphs():
    """C(14, 3) = 364 error sets: the adversary enumerates them (the greedy one missed the
    optimum on 13 of these 30 cases)."""
    for seed, count in itertools.product(range(10), (0, 1, 3)):
        e = _count_case(seed)
        assert sg.adversarial_bad(e, 12, 3, count=count) == _brute(e, 12, 3, count=count), (seed, count)


def test_failed_adversary_matches_brute_force_on_small_random_graphs():
    """C(10, 3) = 120 error sets: exact on all 40 graphs (the greedy rounds alone missed 12)."""
    for seed in range(40):
        e = sg.random_graph(8, 10, 2, seed=seed, device=CPU)
        out = sg.adversarial_failed(e, 8, 3, 0.5)
        assert out["fraction"] == _brute(e, 8, 3, alpha=0.5), seed
        assert float(sg.failed(e, out["Y"][None], 8, 0.5).double().mean()) == out["fraction"]


#: the small cases on which the search used for large graphs (greedy rounds, then swaps) still
#: misses the brute-force optimum; these lists may only shrink
GREEDY_SWAP_MISSES = {4, 34}
GREEDY_SWAP_COUNT_MISSES = {(0, 0), (7, 0)}


def test_large_graph_search_on_small_graphs(monkeypatch):
    """The search used where C(N, |Y|) > EXHAUSTIVE_LIMIT, forced on the small graphs: never
    above the optimum, the optimum on all but the listed cases (the greedy rounds alone miss 12
    of the 40 and 13 of the 30; without the swaps this test fails)."""
    monkeypatch.setattr(sg, "EXHAUSTIVE_LIMIT", 0)
    for seed in range(40):
        e = sg.random_graph(8, 10, 2, seed=seed, device=CPU)
        found, best = sg.adversarial_failed(e, 8, 3, 0.5)["fraction"], _brute(e, 8, 3, alpha=0.5)
        assert found <= best and (found == best) == (seed not in GREEDY_SWAP_MISSES), seed
    for seed, count in itertools.product(range(10), (0, 1, 3)):
        e = _count_case(seed)
        found, best = sg.adversarial_bad(e, 12, 3, count=count), _brute(e, 12, 3, count=count)
        assert found <= best and (found == best) == ((seed, count) not in GREEDY_SWAP_COUNT_MISSES)


def test_swap_gains_are_exact():
    """Every swap's predicted gain against the bad count recomputed from scratch (all three
    notions, repeated skills within a piece included)."""
    e = sg.random_graph(6, 9, 3, seed=2, device=CPU)
    deg = sg.degrees(e, 6).double()
    Y = torch.zeros(9, dtype=torch.bool)
    Y[[0, 3, 4, 7]] = True
    into = sg.edges_into(e, Y[None], 6)[0]
    for crit in (
        lambda x, d: x >= 0.5 * d,
        lambda x, d: x > 1,
        lambda x, d: (x > 0.4 * d) & (d > 0),
    ):
        gain, yi, yo = sg._swap_gains(e, into, deg, Y, crit)
        base = int(crit(into, deg).sum())
        for a, b in itertools.product(range(len(yi)), range(len(yo))):
            Z = Y.clone()
            Z[yi[a]], Z[yo[b]] = False, True
            assert int(crit(sg.edges_into(e, Z[None], 6)[0], deg).sum()) - base == int(gain[a, b])


def test_error_set_of_every_piece_is_exact():
    """nY = N: the only error set; the count adversary's answer is the degree test itself."""
    e = sg.random_graph(9, 7, 3, seed=4, device=CPU)
    deg = sg.degrees(e, 9)
    assert sg.adversarial_bad(e, 9, 7, count=2) == float((deg > 2).double().mean())
    assert sg.adversarial_bad(e, 9, 7, share=0.5) == float((deg > 0).double().mean())


# --------------------------------------------------------------------------- PAC-Bayes coverage


def _kl(q, p):
    q, p = mp.mpf(q), mp.mpf(p)
    a = q * mp.log(q / p) if q > 0 else mp.mpf(0)
    b = (1 - q) * mp.log((1 - q) / (1 - p)) if q < 1 else mp.mpf(0)
    return a + b


def _klinv(q, c):
    """The largest p in [q, 1] with kl(q‖p) ≤ c, by bisection at 30 digits (to 2^-70)."""
    with mp.workdps(30):
        lo, hi = mp.mpf(q), mp.mpf(1)
        for _ in range(70):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if _kl(q, mid) <= c else (lo, mid)
        return lo


@functools.lru_cache(maxsize=16)
def _form_fn(form: sp.Expr):
    """The form as an mpmath function of (q̂, KL, m, δ), KLInv by :func:`_klinv`."""
    from dlverify.theorems import pac_bayes as T

    return sp.lambdify((T.qh, T.KLs, T.m_, T.d_), form, modules=[{"KLInv": _klinv}, "mpmath"])


def _bound(form: sp.Expr, qhat: Fraction, m: int, delta: float):
    with mp.workdps(40):
        return _form_fn(form)(mp.mpf(qhat.numerator) / qhat.denominator, mp.mpf(0), mp.mpf(m), mp.mpf(delta))


def _exact_failure(form, m: int, r: Fraction, delta: float) -> Fraction:
    """P[r > bound(q̂)] for q̂ ~ Binomial(m, r)/m, exactly (the bound evaluated at 40 digits,
    never within 1e-9 of r here, so float evaluation decides every j the same way)."""
    p = Fraction(0)
    for j in range(m + 1):
        b = _bound(form, Fraction(j, m), m, delta)
        assert abs(b - mp.mpf(r.numerator) / r.denominator) > 1e-9
        if mp.mpf(r.numerator) / r.denominator > b:
            p += math.comb(m, j) * r**j * (1 - r) ** (m - j)
    return p


SETTINGS = [(100, Fraction(1, 2)), (30, Fraction(1, 2)), (100, Fraction(1, 50))]


FORM_KEYS = ["arora_5_6_1", "mcallester_maurer", "seeger_kl", "catoni_C1", "thiemann_half"]


@pytest.mark.parametrize("form_key", FORM_KEYS)
def test_coverage_simulator_matches_the_exact_failure_probability(form_key):
    from scipy.stats import binom

    from dlverify.numerics import pac_bayes as N
    from dlverify.numerics.device import RunContext
    from dlverify.theorems import pac_bayes as T

    claim = next(c for c in T.CLAIMS if c.key == form_key)
    form = T.FORMS[form_key]
    ctx = RunContext("cpu", 20261123, "ci")
    settings = [{"K": 1, "m": m, "risk_level": float(r)} for m, r in SETTINGS]
    cov = N.coverage(claim.relation, ctx, tuple(claim.assumptions), settings=settings)
    # a setting outside an assumption the claim makes over these quantities is not used
    assert {c["m"] for c in cov["cells"]} == {100, 30} and len(cov["cells"]) >= 4
    for cell in cov["cells"]:
        m, r = cell["m"], Fraction(cell["setting"].get("risk_level", 0.5)).limit_denominator(1000)
        p = _exact_failure(form, m, r, cell["delta"])
        assert p <= Fraction(cell["delta"])  # the form is a theorem: exact coverage at least 1 − δ
        n, k = cell["samples"], cell["violations"]
        lo, hi = binom.ppf(0.5e-6, n, float(p)), binom.isf(0.5e-6, n, float(p))
        assert lo <= k <= hi, (cell, float(p))
        assert not cell["rejected"]


def test_gibbs_kl_is_kl_of_q_from_p():
    """KL(Q‖P) of the simulator's Gibbs posterior, recomputed from its definition (P uniform,
    Q ∝ exp(−√m q̂)); KL(P‖Q) is a different number on these draws."""
    from dlverify.numerics.device import RunContext
    from dlverify.numerics.pac_bayes import simulate

    ctx = RunContext("cpu", 3, "ci")
    K, m = 20, 100
    g = torch.Generator().manual_seed(1)
    emp = torch.randint(0, m + 1, (50, K), generator=g).double() / m
    P = torch.full((K,), 1 / K, dtype=torch.float64)
    Q = pacbayes.gibbs_posterior(P, emp, math.sqrt(m))
    for b in range(50):
        w = [math.exp(-math.sqrt(m) * float(x)) for x in emp[b]]
        z = sum(w)
        qs = [x / z for x in w]
        assert [float(x) for x in Q[b]] == pytest.approx(qs, rel=1e-12)
        kl_qp = sum(q * math.log(q * K) for q in qs if q > 0)
        assert float(pacbayes.kl_discrete(Q[b : b + 1], P)[0]) == pytest.approx(kl_qp, rel=1e-10, abs=1e-15)
    true, emp_s, kl_s = simulate(ctx, n_samples=200, m=m, K=K, seed=5)
    assert bool((kl_s >= 0).all()) and bool((kl_s <= math.log(K) + 1e-12).all())  # KL(Q‖uniform) ≤ ln K


@pytest.mark.parametrize("q, c", [(0.0, 0.1), (0.1, 0.05), (0.5, 0.01), (0.9, 0.3), (0.02, 2.0), (1.0, 0.5)])
def test_kl_inverse_is_the_exact_root_from_above(q, c):
    f64 = torch.float64
    hi = float(pacbayes.kl_inverse_upper(torch.tensor([q], dtype=f64), torch.tensor([c], dtype=f64))[0])
    exact = _klinv(q, c)
    assert mp.mpf(hi) >= exact and mp.mpf(hi) - exact <= mp.mpf(1e-12)
    kl = float(pacbayes.kl_bernoulli(torch.tensor(q, dtype=f64), torch.tensor(0.3, dtype=f64)))
    assert kl == pytest.approx(float(_kl(q, 0.3)), rel=1e-13, abs=1e-300)


def test_the_float_kl_inverse_is_an_upper_end():
    """The float kl inverse (the mutation classifier's) is an upper end of the exact root: it once
    built float32 tensors, and c = 0.01 became 0.0099999998 (the end fell 8e-10 below the root)."""
    from dlverify.numerics.pac_bayes import FUNCTIONS

    for q, c in [(0.5, 0.01), (0.9, 0.3), (0.1, 0.05)]:
        assert mp.mpf(FUNCTIONS["KLInv"](q, c)) >= _klinv(q, c)

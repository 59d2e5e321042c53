"""Property checks for Shapley values (Arora et al. §10.2)."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import games
from dlverify.theorems import shapley as sh
from dlverify.theorems.core import DlverifyError

TID = "shapley"
seeds = st.integers(0, 2**31 - 1)


def test_every_derivation_step_is_certified():
    standard.derivation_certified(sh)


def test_uniqueness_certificate_rejects_a_missing_axiom():
    """Drop the null-player equations: the solution is no longer unique."""
    cert = sh.UniqueLinearSolution(3, zero_empty=True, efficiency_subtracts_empty=False)
    A, cols, eqs = cert.system()
    N, M = 3, 8
    null_eqs = {A[i, S] + A[i, S | 1 << i] for i in range(N) for S in range(1, M) if not S >> i & 1}
    sol = sp.linsolve([e for e in eqs if e not in null_eqs], list(A.values()))
    (vals,) = sol
    assert any(x.free_symbols for x in vals)
    record(TID, note="without null player the axioms leave free parameters")


@given(N=st.integers(1, 7), seed=seeds)
def test_fast_exact_equals_brute_force(ctx, N, seed):
    v = games.random_games(3, N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    dev = ((games.exact_shapley(v) - games.brute_shapley(v)).abs() / sh.round_tol(v)[:, None]).max()
    record(TID, ratio=float(dev), note="max |fast − brute| / rounding bound")
    assert float(dev) <= 1


@given(N=st.integers(2, 11), terms=st.integers(1, 8), seed=seeds)
def test_unanimity_sums_match_closed_form(ctx, N, terms, seed):
    v, phi = games.random_unanimity_sum(4, N, terms, seed=seed, device=ctx.device, dtype=ctx.dtype)
    dev = ((games.exact_shapley(v) - phi).abs() / sh.round_tol(v)[:, None]).max()
    record(TID, ratio=float(dev))
    assert float(dev) <= 1


@given(N=st.integers(2, 10), seed=seeds)
def test_axioms_hold_on_random_games(ctx, N, seed):
    v = games.random_games(4, N, seed=seed, device=ctx.device, dtype=ctx.dtype)
    w = games.random_games(4, N, seed=seed + 1, device=ctx.device, dtype=ctx.dtype)
    res = sh.axiom_residuals(games.exact_shapley, v, w)
    record(TID, ratio=max(res.values()))
    assert all(r <= 1 for r in res.values()), res


@given(costs=st.lists(st.floats(0, 100), min_size=1, max_size=9), r=st.integers(1, 9))
def test_airport_and_glove_closed_forms(ctx, costs, r):
    for v, phi in (games.airport(costs, device=ctx.device), games.glove(r, device=ctx.device)):
        assert float(((games.exact_shapley(v) - phi).abs() / sh.round_tol(v)[:, None]).max()) <= 1
    record(TID)


def test_un_security_council_exactly():
    ex = games.weighted_majority_exact(*sh.UNSC)
    assert ex[:5] == [Fraction(421, 2145)] * 5 and ex[5:] == [Fraction(4, 2145)] * 10 and sum(ex) == 1
    record(TID, note="421/2145 and 4/2145 by exact DP")


@given(weights=st.lists(st.integers(1, 6), min_size=1, max_size=9), seed=seeds)
def test_weighted_majority_dp_matches_enumeration(ctx, weights, seed):
    q = max(1, sum(weights) // 2 + 1)
    ex = games.weighted_majority_exact(weights, q)
    v = games.weighted_majority_table(weights, q, device=ctx.device, dtype=ctx.dtype)
    got = games.exact_shapley(v)[0]
    assert float((got - torch.tensor([float(f) for f in ex], dtype=ctx.dtype)).abs().max()) <= float(sh.round_tol(v)[0])
    record(TID)


@given(N=st.integers(3, 12), seed=seeds)
def test_theorem_10_2_5_differences(ctx, N, seed):
    v = games.random_games(2, N, seed=seed, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)
    import math
    diff = torch.zeros(2, dtype=ctx.dtype)
    for S in range(2**N):
        if S & 3:
            continue
        k = bin(S).count("1")
        diff += math.factorial(k) * math.factorial(N - k - 2) / math.factorial(N - 1) * (v[:, S | 1] - v[:, S | 2])
    assert float(((phi[:, 0] - phi[:, 1]) - diff).abs().max()) <= float(sh.round_tol(v).max())
    record(TID)


def test_each_axiom_check_catches_a_value_that_breaks_it(ctx):
    v = games.random_games(4, 6, seed=1, device=ctx.device, dtype=ctx.dtype)
    w = games.random_games(4, 6, seed=2, device=ctx.device, dtype=ctx.dtype)
    assert sh.axiom_residuals(games.banzhaf, v, w)["efficiency"] > 1
    assert sh.axiom_residuals(games.equal_split, v, w)["null player"] > 1
    record(TID, counterexamples=2, note="Banzhaf breaks efficiency; equal split breaks null player")


def test_registered_claims_hold(ctx):
    standard.registered_claims_hold(sh, ctx)


@pytest.mark.parametrize("variant", sh.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(sh, ctx, variant)


def test_agrees_with_shapiq_when_installed(ctx):
    shapiq = pytest.importorskip("shapiq")
    import numpy as np

    N = 8
    v = games.random_games(1, N, seed=4, device=torch.device("cpu"), dtype=torch.float64)
    ours = games.exact_shapley(v)[0].numpy()
    table = v[0].numpy()

    def value_fn(coalitions):
        idx = (np.asarray(coalitions, dtype=np.int64) * (1 << np.arange(N))).sum(-1)
        return table[idx]

    ex = shapiq.ExactComputer(n_players=N, game=value_fn)
    sv = ex("SV")
    theirs = np.array([sv[(i,)] for i in range(N)])
    assert np.allclose(ours, theirs, atol=1e-10)


def test_too_many_players_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="exact enumeration"):
        games.check_fits(1, 60, ctx.device)
    with pytest.raises(DlverifyError, match="2\\^N entries"):
        games.exact_shapley(torch.zeros(1, 6, dtype=torch.float64))
    with pytest.raises(DlverifyError, match="N <= 8"):
        games.brute_shapley(torch.zeros(1, 2**9, dtype=torch.float64))


@given(N=st.integers(3, 9), seed=seeds)
def test_group_testing_identity_is_exact(ctx, N, seed):
    """Chain of trust for the difference-based estimator: E[Z U(S)(β_i − β_j)] = s_i − s_j,
    by enumeration of every coalition (the identity behind §10.2.1's 'better approximation')."""
    v = games.random_games(2, N, seed=seed, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)
    for i, j in ((0, 1), (0, N - 1)):
        d = games.group_testing_exact_difference(v, i, j)
        assert float((d - (phi[:, i] - phi[:, j])).abs().max()) <= float(sh.round_tol(v).max()) * 4
    record(TID)


def test_group_testing_estimator_converges(ctx):
    v = games.random_games(1, 8, seed=3, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)[0]
    errs = [float(((games.group_testing_estimate(v, T, 200, seed=T) - phi) ** 2).sum(-1).mean().sqrt()) for T in (64, 4096)]
    # RMSE falls like T^{-1/2}: a 64x budget must cut it by well over 2x (CLT scaling gives 8x)
    assert errs[1] < errs[0] / 4, errs

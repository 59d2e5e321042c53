"""Property checks for Shapley values (Arora et al. §10.2): the numeric primitives against
independent computations, the necessity checks, the certificates, and the expected verdicts
of the claims and of the source lines (computed through ``assess`` / ``judge_line``)."""

from __future__ import annotations

import dataclasses
import itertools
import math
from fractions import Fraction

import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import games
from dlverify.numerics import shapley as nm
from dlverify.theorems import shapley as sh
from dlverify.theorems.core import DlverifyError, Verdict, assess, check_derivation

TID = "shapley"
pytestmark = pytest.mark.xdist_group(TID)  # with the generic tests of this theorem: one evaluation
seeds = st.integers(0, 2**31 - 1)


def _marks():
    return standard.marks_of(TID)


def _assess(claim, ctx):
    """The shared evaluation's result for a registered claim or variant; any other claim is
    assessed with the same (memoised) measurer."""
    ev = standard.evaluation(TID, ctx)
    known = ev.claims.get(claim.key) if claim in sh.THEOREM.claims else ev.variants.get(claim.key)
    if known is not None and (claim in sh.THEOREM.claims or claim in sh.THEOREM.wrong_variants):
        return known
    return assess(sh.THEOREM, claim, ev.marks, ev.measure)


def _exact_brute(v_row, N):
    """The definition (10.1) in exact rationals: average over all N! orders."""
    phi = [Fraction(0)] * N
    for order in itertools.permutations(range(N)):
        S = 0
        for i in order:
            phi[i] += Fraction(v_row[S | 1 << i]) - Fraction(v_row[S])
            S |= 1 << i
    return [p / math.factorial(N) for p in phi]


# ----------------------------------------------------------------------------- the exact code


@given(N=st.integers(1, 6), seed=seeds)
def test_one_pass_equals_brute_force(ctx, N, seed):
    v = games.random_games(3, N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    tol = nm.round_tol(v)[:, None]
    dev = ((games.exact_shapley(v) - games.brute_shapley(v)).abs() / tol).max()
    dev_chunked = ((games.exact_shapley(v, chunk_rows=1) - games.brute_shapley(v)).abs() / tol).max()
    record(TID, ratio=float(dev), note="max |one-pass − brute| / rounding bound")
    assert float(dev) <= 1 and float(dev_chunked) <= 1


def test_one_pass_equals_exact_rationals(ctx):
    """Integer games: the one-pass values against the definition in exact rational arithmetic."""
    g = torch.Generator().manual_seed(3)
    for N in (1, 2, 3, 5, 6):
        v = torch.randint(-20, 21, (1, 2**N), generator=g).to(torch.float64)
        ex = _exact_brute([int(x) for x in v[0]], N)
        got = games.exact_shapley(v)[0]
        assert max(abs(float(got[i]) - float(ex[i])) for i in range(N)) <= float(nm.round_tol(v)[0])
    record(TID, examples=5)


@given(N=st.integers(2, 12), seed=seeds)
def test_one_pass_equals_per_player_code(ctx, N, seed):
    """Two routes with nothing in common but the weights: one pass vs one pass per player."""
    v = games.random_games(2, N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    w = games.shapley_weights(N)
    d = (games.exact_shapley(v, w) - games.exact_shapley_per_player(v, w)).abs() / nm.round_tol(v)[:, None]
    assert float(d.max()) <= 1


def test_one_pass_with_other_weights_is_the_weighted_sum(ctx):
    """Arbitrary weights (e.g. Banzhaf's) give Σ_S w(|S|)(v(S+i) − v(S)), checked by brute sums."""
    N = 6
    v = games.random_games(2, N, seed=1, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    w = torch.rand(N, dtype=ctx.dtype, generator=torch.Generator().manual_seed(2))
    got = games.exact_shapley(v, w)
    for i in range(N):
        ref = sum(
            float(w[bin(S).count("1")]) * (v[:, S | 1 << i] - v[:, S]) for S in range(2**N) if not S >> i & 1
        )
        assert float((got[:, i] - ref).abs().max()) <= float(nm.round_tol(v).max())
    assert (
        float((games.exact_shapley(v, torch.full((N,), 2.0 ** (1 - N))) - games.banzhaf(v)).abs().max())
        <= 1e-12
    )


def test_streamed_table_equals_the_whole_table(ctx):
    """A game evaluated chunk by chunk (never materialised) gives the same values."""
    N = 14
    costs = torch.rand(N, dtype=torch.float64, generator=torch.Generator().manual_seed(5)).tolist()
    v, phi = games.airport(costs)
    H, L1, L2 = games._split(N)
    cube = v.reshape(1, 2**H, 2**L1, 2**L2)
    got = games.exact_shapley_stream(
        lambda a, b: cube[:, a:b].clone(), N, games.shapley_weights(N), chunk_rows=3
    )
    assert float(((got - phi).abs() / nm.round_tol(v)[:, None]).max()) <= 1


def test_closed_form_games_at_large_N(ctx):
    """N = 18: unanimity sums and an airport game, against their closed forms."""
    v, phi = games.random_unanimity_sum(2, 18, 5, seed=4, device=ctx.device, dtype=ctx.dtype)
    assert float(((games.exact_shapley(v) - phi).abs() / nm.round_tol(v)[:, None]).max()) <= 1
    v, phi = games.airport([float(k % 7 + 1) for k in range(18)], device=ctx.device)
    assert float(((games.exact_shapley(v) - phi).abs() / nm.round_tol(v)[:, None]).max()) <= 1
    record(TID, examples=3)


@given(N=st.integers(2, 11), terms=st.integers(1, 8), seed=seeds)
def test_unanimity_sums_match_closed_form(ctx, N, terms, seed):
    v, phi = games.random_unanimity_sum(4, N, terms, seed=seed, device=ctx.device, dtype=ctx.dtype)
    dev = ((games.exact_shapley(v) - phi).abs() / nm.round_tol(v)[:, None]).max()
    record(TID, ratio=float(dev))
    assert float(dev) <= 1


@given(costs=st.lists(st.floats(0, 100), min_size=1, max_size=9), r=st.integers(1, 9))
def test_airport_and_glove_closed_forms(ctx, costs, r):
    for v, phi in (games.airport(costs, device=ctx.device), games.glove(r, device=ctx.device)):
        assert float(((games.exact_shapley(v) - phi).abs() / nm.round_tol(v)[:, None]).max()) <= 1
    record(TID)


def test_un_security_council_exactly():
    ex = games.weighted_majority_exact(*sh.UNSC)
    assert ex[:5] == [Fraction(421, 2145)] * 5 and ex[5:] == [Fraction(4, 2145)] * 10 and sum(ex) == 1
    record(TID, note="421/2145 and 4/2145 by exact DP")


@given(weights=st.lists(st.integers(1, 6), min_size=1, max_size=7))
def test_weighted_majority_dp_matches_exact_enumeration(ctx, weights):
    """The DP against the definition in exact rationals (every order), not against our fast code."""
    q = max(1, sum(weights) // 2 + 1)
    ex = games.weighted_majority_exact(weights, q)
    v = games.weighted_majority_table(weights, q)[0]
    assert ex == _exact_brute([int(x) for x in v], len(weights))
    record(TID)


# ----------------------------------------------------------------------------- estimators and envelopes


def test_permutation_estimator_is_unbiased_and_matches_a_loop(ctx):
    """The vectorised estimator against a plain loop over the same orders."""
    N, m = 5, 7
    v = games.random_games(1, N, seed=2, device=ctx.device, dtype=ctx.dtype)
    est = games.sample_permutations(v, m, 1, seed=9)[0, 0]
    from dlverify.numerics.device import generator

    g = generator(9, ctx.device)
    perms = torch.argsort(torch.rand(1, m, N, generator=g, device=ctx.device), dim=-1)[0]
    ref = torch.zeros(N, dtype=ctx.dtype)
    for order in perms.tolist():
        S = 0
        for i in order:
            ref[i] += v[0, S | 1 << i] - v[0, S]
            S |= 1 << i
    assert torch.allclose(est, ref / m, atol=1e-12)
    big = games.sample_permutations(v, 4000, 1, seed=1)[0, 0]
    phi = games.exact_shapley(v)[0]
    R = float(games.marginal_range(v)[0])
    assert float((big - phi).abs().max()) <= R * math.sqrt(math.log(2 * N / 1e-6) / (2 * 4000))


def test_hoeffding_envelope_matches_exact_binomial_tail():
    """On the parity game each player's error is 2R/m·(Bin(m, ½) − m/2) exactly: the envelope's
    per-player tail against the exact binomial tail (scipy), so the false-alarm level is real."""
    from scipy import stats

    m, N, d = 16, 16, 0.1
    t = math.sqrt(2 * math.log(2 * N / d) / m)  # ENVELOPE_LINF with R = 1
    k = math.floor(m / 2 * (1 + t))  # error > t  <=>  |Bin − m/2| > m t / 2
    tail = 2 * stats.binom.sf(k, m, 0.5)
    assert tail <= 2 * math.exp(-2 * m * (t / 2) ** 2) <= d / N + 1e-15


def _fails_by_enumeration(rel, m: int, d: float, R: float) -> Fraction:
    """P[the relation fails] for the estimator on the two-player parity game ×R/2, by enumerating
    every sequence of m orders (2^m of them), the estimate from the definition (each order's
    marginals in exact rationals) and the relation evaluated by sympy at 30 digits."""
    U = {0: Fraction(0), 1: Fraction(-R), 2: Fraction(-R), 3: Fraction(0)}  # bitmask coalitions
    p = Fraction(0)
    for seq in itertools.product(((0, 1), (1, 0)), repeat=m):
        phi = [Fraction(0), Fraction(0)]
        for order in seq:
            S = 0
            for i in order:
                phi[i] += U[S | 1 << i] - U[S]
                S |= 1 << i
        phi = [x / m for x in phi]  # the exact values are (0, 0)
        sub = {
            sh.ERR: sp.sqrt(sp.Rational(phi[0]) ** 2 + sp.Rational(phi[1]) ** 2),
            sh.ERR_MAX: max(abs(sp.Rational(phi[0])), abs(sp.Rational(phi[1]))),
            sh.R_EST: sp.Rational(R),
            sh.N_EST: 2,
            sh.M_EST: m,
            sh.D_EST: sp.Rational(d),
        }
        if not bool(sp.N(rel.lhs.subs(sub) - rel.rhs.subs(sub), 30) <= 0):
            p += Fraction(1, 2**m)
    return p


def test_exact_two_player_failure_probability_against_enumeration():
    """The exact cells' failure probability (binomial weights over B, the orders with player 1
    first) against the definition enumerated over every sequence of orders: the claims, the
    sharper form and two changed constants, at m where every outcome is checked."""
    env, linf = sh.THEOREM.claim("estimator_envelope"), sh.THEOREM.claim("estimator_linf")
    rels = [
        env.relation,
        linf.relation,
        env.sharper,
        sp.Le(sh.ERR, sh.ENVELOPE_L2 / sp.sqrt(2)),
        sp.Le(sh.ERR_MAX, sh.ENVELOPE_LINF * sp.Rational(2, 5)),
    ]
    cells = [(m, d) for m in (1, 2, 5, 8) for d in (0.3, 0.01)]
    seen_positive = 0
    for rel in rels:
        got = nm.exact_failures_two_player(rel, cells, 2.0)
        for (m, d), (p, _) in zip(cells, got):
            assert p == _fails_by_enumeration(rel, m, d, 2.0), (rel, m, d)
            seen_positive += p > 0
    assert seen_positive >= 4  # the comparison is not all zeros


def test_exact_cells_refute_an_envelope_off_by_two_and_keep_the_claims():
    """A claim off by a factor 2 (half the ℓ2 envelope, its former 'sharper' form) and the ℓ∞
    envelope without its √2 are refuted by the exact two-player cells; the claims hold in every
    cell (Hoeffding: the failure probability is at most δ)."""
    env, linf = sh.THEOREM.claim("estimator_envelope"), sh.THEOREM.claim("estimator_linf")
    for claim in (env, linf):
        (m,) = nm._exact_two_player_measure(claim, None)
        assert m.checked == len(nm.EXACT_CELLS) and m.violations == 0
    for rel in (env.sharper, sp.Le(sh.ERR_MAX, sh.ENVELOPE_LINF / sp.sqrt(2))):
        (m,) = nm._exact_two_player_measure(dataclasses.replace(env, relation=rel), None)
        assert m.violations > 0 and m.counterexample["failure probability"] > m.counterexample["delta"]


def test_power_of_the_envelope_test_on_ci_sizes():
    """The sampled cells' test (reject when P[Binomial(reps, δ) ≥ k] < α/cells) on the ci profile's
    sizes, its critical counts and power computed exactly (mpmath, 40 digits): a claim whose
    failure probability is 2δ (a δ off by 2) is rejected in a δ = 0.3 cell with probability
    ≥ 0.9997, and by the family (six such cells, independent seeds) with probability
    ≥ 1 − 1e-20; in a δ = 0.1 cell the power is only 0.165 (200 runs are too few there: a
    factor 2 in the envelope is left to the exact two-player cells, see above)."""
    import mpmath as mp

    from dlverify.numerics.device import RunContext
    from dlverify.numerics.stats import binomial_upper_pvalue

    reps = RunContext("cpu", 0, "ci").size(200, 2000)
    level = nm.ALPHA / len(nm.CELLS)

    def tail(k, n, p):
        with mp.workdps(40):
            p = mp.mpf(p)
            return sum(mp.binomial(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))

    power = {}
    for d in sorted({c[2] for c in nm.CELLS}):
        crit = next(k for k in range(reps + 2) if binomial_upper_pvalue(k, reps, d) < level)
        assert tail(crit, reps, d) < level <= tail(crit - 1, reps, d)  # the suite's tail is exact here
        power[d] = tail(crit, reps, 2 * d)
    assert reps == 200 and set(power) == {0.1, 0.3}
    assert power[0.3] >= 0.9997 and 0.16 < power[0.1] < 0.17, power
    n_03 = sum(c[2] == 0.3 for c in nm.CELLS)
    assert n_03 == 6 and (1 - power[0.3]) ** n_03 <= 1e-20  # the family misses with probability ≤ 1e-20
    note = f"δ = 0.1 → {float(power[0.1]):.3f}, δ = 0.3 → {float(power[0.3]):.5f}"
    record(TID, note=f"power at 2δ (ci, {reps} runs): {note}")


def test_hoeffding_step_certificate_rejects_a_changed_constant():
    wrong = sp.Equivalent(
        sp.Le(2 * sh.Np * sp.exp(-2 * sh.mp * sh.ep**2 / (sh.Np * sh.Rp**2)), sh.dp),
        sp.Ge(sh.mp, 2 * sh.Np * sh.Rp**2 * sp.log(2 * sh.Np / sh.dp) / sh.ep**2),
    )
    standard.certificate_rejects(sh, "hoeffding", wrong)


def test_range_comes_from_the_assumption_relation(ctx):
    """Changing the assumption's relation (marg_max <= 2R) changes the R the envelope is told."""
    claim = sh.THEOREM.claim("estimator_envelope")
    a = sh.THEOREM.assumption("bounded_marginals")
    assert nm._range_from_assumption(claim, 2.0) == 2.0
    changed = dataclasses.replace(a, relation=sp.Le(sh.MARG, 2 * sh.R_EST))
    orig = list(sh.THEOREM.assumptions)
    try:
        sh.THEOREM.assumptions = [changed if x.key == a.key else x for x in orig]
        assert nm._range_from_assumption(claim, 2.0) == 1.0
    finally:
        sh.THEOREM.assumptions = orig


@given(N=st.integers(3, 9), seed=seeds)
def test_group_testing_identity_is_exact(ctx, N, seed):
    v = games.random_games(2, N, seed=seed, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)
    for i, j in ((0, 1), (0, N - 1)):
        d = games.group_testing_exact_difference(v, i, j)
        assert float((d - (phi[:, i] - phi[:, j])).abs().max()) <= float(nm.round_tol(v).max()) * 4
    record(TID)


def test_group_testing_estimator_converges(ctx):
    v = games.random_games(1, 8, seed=3, device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)[0]
    errs = [
        float(((games.group_testing_estimate(v, T, 200, seed=T) - phi) ** 2).sum(-1).mean().sqrt())
        for T in (64, 4096)
    ]
    assert errs[1] < errs[0] / 4, errs


def test_uniqueness_indicator_agrees_with_the_sympy_certificate():
    """numpy ranks (numerics) against sympy's exact linsolve (the certificate), N = 3."""
    assert nm.uniqueness_indicator(3, zero_empty=False, sub_empty=True) == 1.0
    assert nm.uniqueness_indicator(3, zero_empty=True, sub_empty=False) == 1.0
    assert nm.uniqueness_indicator(3, zero_empty=False, sub_empty=False) == 0.0
    assert nm.uniqueness_indicator(3, zero_empty=False, sub_empty=True, null=False) == 0.0
    cert = sh.UniqueLinearSolution(3, zero_empty=True, efficiency_subtracts_empty=False)
    A, cols, eqs = cert.system()
    Anp, b = nm.axiom_system(3, zero_empty=True, sub_empty=False)
    assert Anp.shape == (len(eqs), len(A))


def test_uniqueness_certificate_rejects_a_missing_axiom():
    cert = sh.UniqueLinearSolution(3, zero_empty=True, efficiency_subtracts_empty=False)
    A, cols, eqs = cert.system()
    null_eqs = {A[i, S] + A[i, S | 1 << i] for i in range(3) for S in range(1, 8) if not S >> i & 1}
    (vals,) = sp.linsolve([e for e in eqs if e not in null_eqs], list(A.values()))
    assert any(x.free_symbols for x in vals)
    # and it proves its own relation only
    assert not cert.check(sp.Eq(sh.UNIQ3[(False, True)], 1), {}).ok
    record(TID, note="without null player the axioms leave free parameters")


def test_derivation_steps_reject_changed_relations():
    standard.certificate_rejects(
        sh, "weight_binomial", sp.Eq(sh.WEIGHT, 1 / ((sh.Nn + 1) * sp.binomial(sh.Nn - 1, sh.s_)))
    )
    standard.certificate_rejects(
        sh, "diff_weight_sum", sp.Eq(sh.WEIGHT + sh.WEIGHT.subs(sh.s_, sh.s_ + 1), sh.DIFF_WEIGHT * 2)
    )


def test_too_many_players_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="exact enumeration"):
        games.check_fits(1, 60, ctx.device)
    with pytest.raises(DlverifyError, match="2\\^N entries"):
        games.exact_shapley(torch.zeros(1, 6, dtype=torch.float64))
    with pytest.raises(DlverifyError, match="N <= 8"):
        games.brute_shapley(torch.zeros(1, 2**9, dtype=torch.float64))
    bad = torch.zeros(1, 2**5, dtype=torch.float64)
    bad[0, 7] = float("inf")
    with pytest.raises(DlverifyError, match="NaN or inf"):
        games.exact_shapley(bad)


def test_agrees_with_shapiq_when_installed(ctx):
    shapiq = pytest.importorskip("shapiq")
    import numpy as np

    N = 8
    v = games.random_games(1, N, seed=4, device=torch.device("cpu"), dtype=torch.float64)
    table = v[0].numpy()

    def value_fn(coalitions):
        return table[(np.asarray(coalitions, dtype=np.int64) * (1 << np.arange(N))).sum(-1)]

    sv = shapiq.ExactComputer(n_players=N, game=value_fn)("SV")
    assert np.allclose(games.exact_shapley(v)[0].numpy(), np.array([sv[(i,)] for i in range(N)]), atol=1e-10)


# ----------------------------------------------------------------------------- necessity


@pytest.mark.parametrize(
    "key, hyp",
    [
        ("efficiency_zero_empty", "zero_empty"),
        ("symmetry", "symmetric"),
        ("null_player", "null_player"),
        ("uniqueness_zero_empty", "zero_empty"),
        ("estimator_envelope", "bounded_marginals"),
    ],
)
def test_each_hypothesis_is_necessary(ctx, key, hyp):
    c = sh.THEOREM.claim(key)
    r = _assess(
        c.variant(key + ":drop", "without " + hyp, assumptions=[a for a in c.assumptions if a != hyp]), ctx
    )
    record(TID, counterexamples=int(r.verdict is Verdict.FALSE), counterexample=r.counterexample)
    assert r.verdict is Verdict.FALSE, r


def test_each_axiom_check_catches_a_value_that_breaks_it(ctx):
    v = games.random_games(4, 6, seed=1, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    w = games.random_games(4, 6, seed=2, device=ctx.device, dtype=ctx.dtype)
    assert nm.axiom_residuals(games.banzhaf, v, w)["efficiency"] > 1
    assert nm.axiom_residuals(games.equal_split, v, w)["null player"] > 1


def test_value_weights_come_from_the_definition_assumption(ctx):
    """A different definition of the value (Banzhaf weights) refutes efficiency."""
    a = sh.THEOREM.assumption("value")
    orig = list(sh.THEOREM.assumptions)
    try:
        sh.THEOREM.assumptions = [
            dataclasses.replace(a, relation=sp.Eq(sh.W_SYM, sp.Integer(2) ** (1 - sh.Nn)))
            if x.key == "value"
            else x
            for x in orig
        ]
        # a fresh derivation check and measurement: the shared evaluation measured the book's definition
        r = assess(
            sh.THEOREM,
            sh.THEOREM.claim("efficiency"),
            check_derivation(sh.THEOREM),
            lambda c: nm.measure(c, ctx),
        )
    finally:
        sh.THEOREM.assumptions = orig
    assert r.verdict is Verdict.FALSE


# ----------------------------------------------------------------------------- regressions (issue 12)


def test_regression_nan_bound_is_false(ctx):
    """A bound that is NaN on every instance is false (before: slack < -tol was False for NaN)."""
    est = sh.THEOREM.claim("estimator_linf")
    nan_claim = est.variant(
        "nan", "NaN bound", sp.Le(sh.ERR_MAX, sh.R_EST * sp.sqrt(sh.D_EST - 1))
    )  # δ < 1: NaN
    assert _assess(nan_claim, ctx).verdict is Verdict.FALSE
    eff = sh.THEOREM.claim("efficiency")
    nan_eq = eff.variant(
        "nan_eq", "NaN value", sp.Eq(sh.s_sum, sh.v_full - sh.v_empty + sp.sqrt(sh.v_empty - 100))
    )  # NaN everywhere
    assert _assess(nan_eq, ctx).verdict is Verdict.FALSE


def test_regression_no_proof_by_name(ctx):
    """No claim is proved because something names a step: a nonsense relation with the claim's
    assumptions gets no proof and is refuted by measurement."""
    c = sh.THEOREM.claim("efficiency")
    nonsense = c.variant("nonsense", "nonsense", sp.Eq(sh.s_sum, 3 * sh.v_full + 1))
    r = _assess(nonsense, ctx)
    assert r.proof is None and r.verdict is Verdict.FALSE
    assert not hasattr(c, "proved_by")


def test_regression_tight_only_when_attained(ctx):
    """closed_forms is tight because the closed-form family attains its relation; with tight_on
    set on a relation the family does not attain, it is not tight (it is false)."""
    c = sh.THEOREM.claim("closed_forms")
    assert _assess(c, ctx).verdict is Verdict.TIGHT
    off = dataclasses.replace(
        c, key="off", relation=sp.Eq(sh.s_fast, sh.s_closed * (1 + sp.Rational(1, 10**6)))
    )
    assert _assess(off, ctx).verdict is Verdict.FALSE
    no_family = dataclasses.replace(c, key="nofam", tight_on="")
    assert _assess(no_family, ctx).verdict is Verdict.VERIFIED


def test_regression_envelope_has_a_false_alarm_level(ctx):
    """The envelope is checked as the claim's relation with a stated false-alarm probability:
    each cell's measurement names α, and a relation that fails in far more than δ of the runs
    is rejected by the exact binomial test."""
    ms = nm.measure(sh.THEOREM.claim("estimator_envelope"), ctx)
    sampled = [m for m in ms if "exact" not in m.how]  # the exact two-player cells have no false alarm
    assert sampled and all(f"α = {nm.ALPHA:g}" in m.detail for m in sampled)
    assert all(m.violations == 0 for m in ms)
    wrong = sh.THEOREM.claim("estimator_envelope").variant(
        "tiny", "envelope / 10", sp.Le(sh.ERR, sh.ENVELOPE_L2 / 10)
    )
    assert _assess(wrong, ctx).verdict is Verdict.FALSE


# ----------------------------------------------------------------------------- expected verdicts

CLAIM_VERDICTS = {
    "subset_formula": Verdict.VERIFIED,
    "efficiency": Verdict.VERIFIED,
    "efficiency_zero_empty": Verdict.VERIFIED,
    "symmetry": Verdict.VERIFIED,
    "null_player": Verdict.VERIFIED,
    "linearity": Verdict.VERIFIED,
    "closed_forms": Verdict.TIGHT,
    "differences": Verdict.VERIFIED,
    "uniqueness": Verdict.VERIFIED,
    "uniqueness_zero_empty": Verdict.VERIFIED,
    # not loose: its sharper form (half the envelope) is false (exact two-player cells: failure
    # probability 1/2 at m = 2, δ = 0.3); the sampled 16-player cells alone called it loose
    "estimator_envelope": Verdict.VERIFIED,
    "estimator_linf": Verdict.VERIFIED,
}

LINE_VERDICTS = {
    "unique_payments_efficiency": Verdict.NEEDS_ASSUMPTION,
    "unique_payments_uniqueness": Verdict.NEEDS_ASSUMPTION,
    "def_10_2_1": Verdict.VERIFIED,
    "problem_10_2_2": Verdict.VERIFIED,
    "problem_10_2_2_binomial": Verdict.VERIFIED,
    "random_process": Verdict.VERIFIED,
    "axiom_efficiency": Verdict.NEEDS_ASSUMPTION,
    "axiom_symmetry": Verdict.VERIFIED,
    "axiom_linearity": Verdict.VERIFIED,
    "axiom_null": Verdict.VERIFIED,
    "satisfy_axioms": Verdict.NEEDS_ASSUMPTION,
    "thm_10_2_3": Verdict.NEEDS_ASSUMPTION,
    "np_hard": Verdict.NOT_CHECKED,
    "naive_sample_size": Verdict.VERIFIED,
    "naive_evaluations": Verdict.VERIFIED,
    "naive_per_player": Verdict.VERIFIED,
    "naive_l2": Verdict.VERIFIED,
    "better_approximation": Verdict.NOT_CHECKED,
    "thm_10_2_5": Verdict.VERIFIED,
    "method_budget": Verdict.VERIFIED,  # step method_l2: the two budgets give ‖ŝ − s‖₂ ≤ ε
    "hint_difference": Verdict.NOT_CHECKED,
    "problem_10_2_7": Verdict.VERIFIED,
}


def test_the_methods_budgets_give_epsilon_and_wider_budgets_do_not():
    """002:2522: errors ε/(2√N) in s_1 and in each s_1 − s_i give ‖ŝ − s‖₂ ≤ ε (step method_l2),
    attained when both errors are at their budgets and add (N = 4, ε = 1: ‖ŝ − s‖₂ = 1); with
    budgets ε/√N each the same extremal point has ‖ŝ − s‖₂ = 2 > ε, refuted in exact arithmetic."""
    from dlverify.theorems.evidence import exact_measurement

    mark = next(m for m in check_derivation(sh.THEOREM) if m.key == "method_l2")
    assert mark.ok and set(mark.hypotheses) == {"method_s1", "method_diff", "method_triangle", "l2_linf"}
    hyps = {
        k: sh.THEOREM.assumption(k).relation
        for k in ("method_s1", "method_diff", "method_triangle", "l2_linf")
    }
    N, eps = 4, 1
    at_budget = {sh.Nn: N, sh.E_EST: eps, sh.ERR_S1: sp.Rational(1, 4), sh.ERR_DIFF: sp.Rational(1, 4)}
    at_budget |= {sh.ERR_MAX: sp.Rational(1, 2), sh.ERR: 1}
    m = exact_measurement(sp.Le(sh.ERR, sh.E_EST), list(hyps.values()), at_budget)
    assert m.checked == 1 and m.violations == 0 and "slack 0" in m.detail  # attained
    wide = [
        sp.Le(sh.ERR_S1, sh.E_EST / sp.sqrt(sh.Nn)),
        sp.Le(sh.ERR_DIFF, sh.E_EST / sp.sqrt(sh.Nn)),
        hyps["method_triangle"],
        hyps["l2_linf"],
    ]
    pt = at_budget | {sh.ERR_S1: sp.Rational(1, 2), sh.ERR_DIFF: sp.Rational(1, 2), sh.ERR_MAX: 1, sh.ERR: 2}
    m = exact_measurement(sp.Le(sh.ERR, sh.E_EST), wide, pt)
    assert m.checked == 1 and m.violations == 1
    # the printed budgets exclude that point: it violates method_s1
    assert hyps["method_s1"].subs(pt) is sp.false


def test_claim_verdicts(ctx):
    assert set(CLAIM_VERDICTS) == {c.key for c in sh.THEOREM.claims}
    got = {c.key: _assess(c, ctx).verdict for c in sh.THEOREM.claims}
    assert got == CLAIM_VERDICTS


def test_wrong_variants_are_false(ctx):
    for v in sh.THEOREM.wrong_variants:
        assert _assess(v, ctx).verdict is Verdict.FALSE, v.key


def test_source_line_verdicts(ctx):
    assert set(LINE_VERDICTS) == {line.key for line in sh.THEOREM.as_written}
    ev = standard.evaluation(TID, ctx)
    got = {line.key: ev.line(line.key)[0].verdict for line in sh.THEOREM.as_written}
    assert got == LINE_VERDICTS


def test_theorem_module_imports_no_torch():
    import subprocess
    import sys

    code = "import sys, dlverify.theorems.shapley; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_regression_a_sum_past_its_terms_is_undefined_hence_false(ctx):
    """Issue 14's mutation re-run: summation ranges moved past the defined terms (k up to N − 1/2,
    N − 1 or N − 4 in the difference formula) made the measurement raise, and the mutant survived
    as a hole; a sum that reaches a term the game does not define is undefined, and undefined is
    violated (like NaN)."""
    from dlverify.reports import mutate

    for key, wanted in (
        ("subset_formula", {"constant -1 ×½"}),
        ("differences", {"constant -2 ×2", "constant -2 ×½"}),
    ):
        claim = sh.THEOREM.claim(key)
        found = {d: m for d, m in mutate.mutants(claim) if d in wanted}
        assert set(found) == wanted
        for d, m in found.items():
            assert _assess(m, ctx).verdict is Verdict.FALSE, (key, d)
        assert _assess(claim, ctx).verdict in (Verdict.VERIFIED, Verdict.TIGHT)


# ----------------------------------------------------------------------------- the headline rate


def test_estimator_rate_is_the_claims_slope_inside_the_fitted_interval(ctx):
    """The estimator experiment passes on its headline rate: the slope of the claim's own envelope
    (read off its relation: −1/2) lies in the Student-t interval of the measured RMSE slope."""
    e = nm.estimator(ctx)
    r = e.rate
    assert r is not None and r.kind == "slope" and r.claim == "tight"
    assert r.predicted == pytest.approx(-0.5, abs=1e-12)
    assert r.lo < r.measured < r.hi and r.hi - r.lo < 0.2
    assert r.matches and e.ok is True


def test_estimator_rate_rejects_a_wrong_envelope_exponent(ctx):
    """A claim whose envelope falls like 1/m (or like m^0, a missing root) predicts slope −1 (0):
    the measured interval rejects it; so does a prediction off by a factor 2 or by ±1."""
    cur = nm.estimator_curve(ctx)
    base = sh.THEOREM.claim("estimator_envelope")
    for wrong_rhs, slope in (
        (sh.ENVELOPE_L2 / sp.sqrt(sh.M_EST), -1.0),
        (sh.ENVELOPE_L2 * sp.sqrt(sh.M_EST), 0.0),
    ):
        wrong = base.variant("wrong_exponent", "planted", sp.Le(sh.ERR, wrong_rhs))
        r = nm.estimator_rate(cur, wrong)
        assert r.predicted == pytest.approx(slope, abs=1e-12)
        assert not r.matches
    r = nm.estimator_rate(cur)
    for p in (2 * r.predicted, r.predicted + 1, r.predicted - 1):
        assert not dataclasses.replace(r, predicted=p).matches


def test_every_experiment_passes_and_one_is_headlined_by_a_rate(ctx):
    """Every experiment of the numeric side holds (ok is True, or None for a record without
    comparisons, e.g. an optional one skipped), and at least one carries a matching rate."""
    from dlverify.numerics.contract import experiments_of

    exps = experiments_of(nm, ctx)
    assert not [(e.key, e.comparisons, e.rate) for e in exps if e.ok is False]
    assert any(e.rate is not None and e.rate.matches and e.ok is True for e in exps)

"""Constants of the numerics pinned by exact values, and the power of the suite's statistical tests.

* the unit roundoff and Higham's γ_n against their definitions in exact rational arithmetic
  (IEEE 754's precisions are typed in; nothing is read back from ``torch.finfo``);
* every statistical primitive against an exact computation: the binomial tail by mpmath at 50
  digits, the two-sided Student-t slope interval by inverting the t distribution's CDF
  (mpmath's regularized incomplete beta), the Clopper–Pearson bound by the exact binomial CDF;
* power: on the ``ci`` profile's sizes, the suite's own coverage test (numerics/pac_bayes.coverage,
  its binomial test at the family-wise level) rejects a claim whose failure rate is 2δ (a δ off
  by 2) and a claim whose deviation term is half the exact one (a constant off by 2); the
  power is computed exactly (the failure rate by enumerating Binomial(m, 1/2), the test's
  rejection probability by the exact binomial tail) and the seeded run is checked beside it.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
import torch

from dlverify.numerics.device import RunContext, gamma, unit_roundoff
from dlverify.numerics.stats import binomial_upper_pvalue, fit_loglog_slope
from dlverify.theorems.core import DlverifyError

#: IEEE 754 significand precisions p (implicit bit included): u = 2^-p
PRECISION = {torch.float64: 53, torch.float32: 24, torch.float16: 11, torch.bfloat16: 8}


# --------------------------------------------------------------------------- rounding model


@pytest.mark.parametrize("dtype", list(PRECISION))
def test_unit_roundoff_is_two_to_minus_p(dtype):
    assert Fraction(unit_roundoff(dtype)) == Fraction(1, 2 ** PRECISION[dtype])


def test_unit_roundoff_bounds_one_rounding_and_is_attained():
    """|fl(x) − x| ≤ u|x| for every real x in range (exactly, over random rationals), and the
    bound is sharp: x = 1 + u rounds (ties to even) to 1, a relative error of u/(1 + u)."""
    u = Fraction(unit_roundoff())
    rng = np.random.default_rng(1)
    worst = Fraction(0)
    for num, den in zip(rng.integers(1, 2**62, 2000), rng.integers(1, 2**62, 2000)):
        x = Fraction(int(num), int(den)) * Fraction(2) ** int(rng.integers(-60, 60))
        err = abs(Fraction(float(x)) - x) / x  # float(Fraction) rounds correctly
        assert err <= u
        worst = max(worst, err)
    assert worst > u / 2  # random rationals come within a factor 2 of the bound
    x = 1 + u
    assert Fraction(float(x)) == 1 and abs(Fraction(float(x)) - x) / x == u / (1 + u)
    for dtype, p in list(PRECISION.items())[1:]:  # the same in the narrower precisions (via float64)
        one_plus = torch.tensor(1.0, dtype=torch.float64) + 2.0**-p
        assert float(one_plus.to(dtype)) == 1.0 and float((one_plus + 2.0 ** (-p - 10)).to(dtype)) > 1.0


@pytest.mark.parametrize("n", [1, 2, 3, 10, 64, 1000, 10**6, 2**40])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_gamma_is_n_u_over_one_minus_n_u_and_bounds_n_roundings(n, dtype):
    """γ_n = nu/(1 − nu) to within rounding of its own evaluation, and it is the smallest
    clean bound of n roundings: (1 − u)^(−n) − 1 ≤ γ_n ≤ (1 + 2^-10)·((1 − u)^(−n) − 1)
    (Higham, Lemma 3.1: |θ_n| ≤ γ_n with the worst case 1/(1 − u)^n)."""
    u = Fraction(1, 2 ** PRECISION[dtype])
    if n * u >= 1:
        with pytest.raises(DlverifyError):
            gamma(n, dtype)
        return
    exact = n * u / (1 - n * u)
    g = Fraction(gamma(n, dtype))
    assert abs(g - exact) <= 4 * Fraction(unit_roundoff()) * exact
    with mp.workdps(80):
        worst = 1 / (1 - mp.mpf(u.numerator) / u.denominator) ** n - 1
        gm = mp.mpf(g.numerator) / g.denominator
        assert gm >= worst * (1 - mp.mpf(2) ** -50)
        # first order both are nu: a factor 2 either way is far outside (for nu ≤ 2^-12)
        assert gm <= worst * (1 + mp.mpf(2) ** -10) or n * u > Fraction(1, 2**12)


def test_gamma_refuses_n_u_at_least_one():
    assert gamma(2**53 - 1) > 0
    for dtype, n in ((torch.float64, 2**53), (torch.float32, 2**24), (torch.float16, 2**11)):
        with pytest.raises(DlverifyError, match="exceed the precision"):
            gamma(n, dtype)


def test_gamma_bounds_a_real_float64_sum():
    """The model as the suite uses it: a sum of n float64 terms is within γ_{n−1} Σ|x_i| of the
    exact (rational) sum, and that bound is not off by a factor 2 either way on adversarial
    data (terms that each lose nearly u in a left-to-right sum)."""
    rng = np.random.default_rng(2)
    for n in (2, 10, 1000):
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n)
        s = 0.0
        for v in x:
            s += float(v)
        exact = sum(Fraction(float(v)) for v in x)
        assert abs(Fraction(s) - exact) <= Fraction(gamma(n - 1)) * sum(abs(Fraction(float(v))) for v in x)
    # 1 + u/2·(1 + 2^-20) n times: each addition rounds up, the error per step is close to u
    n, u = 64, unit_roundoff()
    step = u * (1 + 2.0**-20)
    s = 1.0
    for _ in range(n):
        s += step
    exact = 1 + n * Fraction(step)
    err = abs(Fraction(s) - exact) / (1 + n * Fraction(step))
    assert err <= Fraction(gamma(n)) and err >= Fraction(gamma(n)) / 2


# --------------------------------------------------------------------------- statistical primitives


def _binom_tail(k: int, n: int, p) -> mp.mpf:
    """P[Binomial(n, p) ≥ k] summed term by term at 50 digits (terms past 1e-60 of the sum dropped)."""
    with mp.workdps(50):
        p = mp.mpf(p)
        if k <= 0:
            return mp.mpf(1)
        if k > n:
            return mp.mpf(0)
        total, j = mp.mpf(0), k
        term = mp.binomial(n, k) * p**k * (1 - p) ** (n - k)
        while j <= n:
            total += term
            if term < total * mp.mpf(10) ** -60:
                break
            term *= (n - j) * p / ((j + 1) * (1 - p))
            j += 1
        return total


@pytest.mark.parametrize(
    "k, n, p",
    [(0, 10, 0.3), (1, 1, 0.5), (3, 10, 0.3), (50, 100, 0.5), (51, 100, 0.5), (1165, 20000, 0.05),
     (44, 200, 0.1), (30, 20000, 1e-6), (2, 20000, 1e-6), (200, 200, 0.9), (1, 10**6, 1e-9)],
)  # fmt: skip
def test_binomial_upper_pvalue_is_the_exact_tail(k, n, p):
    exact = _binom_tail(k, n, p)
    got = binomial_upper_pvalue(k, n, p)
    assert abs(mp.mpf(got) - exact) <= mp.mpf(1e-10) * exact + mp.mpf(1e-300)


def _t_quantile(q: float, df: int) -> mp.mpf:
    """The q-quantile (q > 1/2) of Student's t with df degrees of freedom, by inverting its CDF:
    P[|T| > t] = I_{df/(df + t²)}(df/2, 1/2) (the regularized incomplete beta), in mpmath."""
    with mp.workdps(30):
        two_sided = 2 * (1 - mp.mpf(q))
        half = mp.mpf(1) / 2
        f = lambda t: mp.betainc(mp.mpf(df) / 2, half, 0, df / (df + t**2), regularized=True) - two_sided
        lo, hi = mp.mpf(0), mp.mpf(10**4)  # f decreases in t: bisection to 2^-100 of the bracket
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > 0 else (lo, mid)
        return (lo + hi) / 2


@pytest.mark.parametrize("level, n", [(0.9, 5), (0.99, 12), (0.999, 30), (1 - 1e-6, 10)])
def test_slope_interval_is_the_two_sided_t_interval(level, n):
    """The interval is slope ± t_{(1+level)/2, n−2}·se with se from the residuals (by hand), the
    quantile from mpmath: a one-sided quantile t_{level} is narrower and fails here."""
    rng = np.random.default_rng(n)
    x = np.geomspace(1, 1e3, n)
    y = 2.0 * x**-0.7 * np.exp(0.05 * rng.standard_normal(n))
    fit = fit_loglog_slope(x, y, level=level)
    lx, ly = np.log(x), np.log(y)
    sxx = float(((lx - lx.mean()) ** 2).sum())
    slope = float(((lx - lx.mean()) * (ly - ly.mean())).sum()) / sxx
    resid = ly - ly.mean() - slope * (lx - lx.mean())
    se = math.sqrt(float(resid @ resid) / (n - 2) / sxx)
    half = float(_t_quantile(0.5 + level / 2, n - 2)) * se
    assert fit.slope == pytest.approx(slope, rel=1e-12, abs=1e-14)
    assert (fit.hi - fit.slope) == pytest.approx(half, rel=1e-7)
    assert (fit.slope - fit.lo) == pytest.approx(half, rel=1e-7)
    assert fit.level == level and fit.n == n


def test_slope_interval_covers_at_its_level():
    """Coverage of the true slope over 2000 seeded data sets at level 0.9 (Gaussian noise in
    log space: the t interval is exact), checked by an exact two-sided binomial acceptance region
    at false alarm 1e-6; a one-sided quantile (coverage 0.8) or a level read as 1 − level/2
    (0.95) falls outside it."""
    rng = np.random.default_rng(7)
    reps, level, n = 2000, 0.9, 6
    x = np.geomspace(1, 100, n)
    hits = 0
    for _ in range(reps):
        y = np.exp(-0.5 * np.log(x) + 0.3 * rng.standard_normal(n))
        hits += fit_loglog_slope(x, y, level=level).contains(-0.5)
    from scipy.stats import binom

    lo, hi = binom.ppf(0.5e-6, reps, level), binom.isf(0.5e-6, reps, level)  # P[outside] ≤ 1e-6
    assert lo <= hits <= hi and hi < 0.95 * reps and lo > 0.8 * reps


@pytest.mark.parametrize("k, n", [(0, 20000), (3, 20000), (100, 2000), (1000, 20000), (10, 10), (0, 1)])
def test_clopper_pearson_upper_is_the_exact_binomial_root(k, n):
    """u = CP upper bound at level α solves P[Binomial(n, u) ≤ k] = α (1 when k = n)."""
    from dlverify.numerics.pac_bayes import clopper_pearson_upper

    alpha = 1e-6
    u = clopper_pearson_upper(k, n, alpha)
    if k >= n:
        assert u == 1.0
        return
    cdf = 1 - _binom_tail(k + 1, n, u)
    assert abs(cdf - alpha) <= mp.mpf(1e-8) * alpha
    assert 1 - _binom_tail(k + 1, n, u * (1 - 1e-6)) > alpha  # the root, not beyond it


# --------------------------------------------------------------------------- power of the coverage test


def _half_binomial_cdf(m: int) -> list[Fraction]:
    """P[Binomial(m, 1/2) ≤ j], j = 0..m, exactly."""
    acc, out = 0, []
    for j in range(m + 1):
        acc += math.comb(m, j)
        out.append(Fraction(acc, 2**m))
    return out


def _critical(n: int, delta: float, level: float) -> int:
    """The smallest failure count the suite's test rejects: binomial_upper_pvalue(k, n, δ) < level."""
    k = int(n * delta)
    while binomial_upper_pvalue(k, n, delta) >= level:
        k += 1
    while k > 0 and binomial_upper_pvalue(k - 1, n, delta) < level:
        k -= 1
    return k


def _coverage(relation, n):
    from dlverify.numerics import pac_bayes

    ctx = RunContext("cpu", 20261123, "ci")
    return pac_bayes.coverage(
        relation, ctx, ("confidence_event",), settings=[{"K": 1, "m": 100}], n=n
    ), pac_bayes.ALPHA


def _check_power(relation, thresholds: dict[float, int], n: int):
    """``relation`` fails exactly when q̂ ≤ thresholds[δ]/m on the K = 1, m = 100, risk 1/2
    setting; its exact failure rate, the exact power of the suite's test, and the seeded run."""
    cdf = _half_binomial_cdf(100)
    cov, alpha = _coverage(relation, n)
    cells = {c["delta"]: c for c in cov["cells"]}
    assert set(cells) == set(thresholds)
    out = {}
    for delta, j in thresholds.items():
        rate = cdf[j]  # P[q̂ ≤ j/m] = P[fail]
        crit = _critical(n, delta, alpha / len(cells))
        power = _binom_tail(crit, n, mp.mpf(rate.numerator) / rate.denominator)
        out[delta] = (float(rate), float(power), cells[delta])
        assert cells[delta]["samples"] == n and cells[delta]["allowed_rate"] == delta
    return out


def test_power_a_delta_off_by_two_is_rejected():
    """A relation that fails with probability 1.9δ (exactly: q̂ ≤ 0.43 at δ = 0.05, q̂ ≤ 0.48 at
    δ = 0.2, under Binomial(100, 1/2)) is rejected on the ci sizes with exact power ≥ 1 − 1e-9 in
    each cell; the seeded run rejects it.  The test's threshold is the suite's (an allowed rate
    of 2δ would accept this claim)."""
    d, risk, qhat = sp.symbols("delta risk qhat", positive=True)
    rel = sp.Le(risk, qhat + sp.Rational(49, 600) - d / 3)  # fails iff q̂ < 0.435 (δ=.05), < 0.485 (δ=.2)
    n = RunContext("cpu", 1, "ci").size(20000, 100000)
    res = _check_power(rel, {0.05: 43, 0.2: 48}, n)
    for delta, (rate, power, cell) in res.items():
        assert 1.85 * delta < rate < 2 * delta and power > 1 - 1e-9
        assert cell["rejected"], cell


def test_power_a_constant_off_by_two_is_rejected_and_the_exact_one_is_not():
    """c*_δ: the exact (1 − δ) deviation of q̂ below the risk 1/2 (the smallest c with
    P[q̂ < 1/2 − c] ≤ δ).  The relation risk ≤ q̂ + c*/2 is rejected with exact power ≥ 1 − 1e-9;
    risk ≤ q̂ + c* itself is accepted, its exact rejection probability ≤ the suite's level."""
    cdf = _half_binomial_cdf(100)
    n = RunContext("cpu", 1, "ci").size(20000, 100000)
    risk, qhat = sp.symbols("risk qhat", positive=True)
    for delta in (0.05, 0.2):
        j_star = max(j for j in range(101) if cdf[j] <= delta)  # fail iff q̂ ≤ j*/m
        c_star = Fraction(1, 2) - Fraction(j_star + 1, 100) + Fraction(1, 400)  # q̂ + c < 1/2 iff q̂ ≤ j*/m
        half = c_star / 2
        j_half = max(j for j in range(101) if Fraction(j, 100) + half < Fraction(1, 2))
        for c, j, rejected in ((c_star, j_star, False), (half, j_half, True)):
            rel = sp.Le(risk, qhat + sp.Rational(c.numerator, c.denominator))
            cov, alpha = _coverage(rel, n)
            cell = next(x for x in cov["cells"] if x["delta"] == delta)
            crit = _critical(n, delta, alpha / len(cov["cells"]))
            p_reject = _binom_tail(crit, n, mp.mpf(cdf[j].numerator) / cdf[j].denominator)
            assert cell["rejected"] is rejected
            if rejected:
                assert cdf[j] > 1.5 * delta and p_reject > 1 - 1e-9
            else:
                assert cdf[j] <= delta and p_reject <= alpha / len(cov["cells"])

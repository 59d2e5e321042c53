"""The statistics primitives against independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlverify.numerics.stats import binomial_upper_pvalue, fit_loglog_slope


@pytest.mark.parametrize("k, n, p", [(0, 10, 0.3), (3, 10, 0.3), (10, 10, 0.3), (7, 50, 0.05), (1, 1, 0.5)])
def test_binomial_tail_is_the_exact_sum(k, n, p):
    exact = sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))
    assert binomial_upper_pvalue(k, n, p) == pytest.approx(exact, rel=1e-12, abs=1e-300)


def test_loglog_slope_and_interval_match_a_hand_computation():
    rng = np.random.default_rng(0)
    x = np.geomspace(1, 1e4, 30)
    y = 3.0 * x**-0.5 * np.exp(0.01 * rng.standard_normal(30))
    fit = fit_loglog_slope(x, y, level=0.99)
    lx, ly = np.log(x), np.log(y)
    slope, intercept = np.polyfit(lx, ly, 1)
    resid = ly - (slope * lx + intercept)
    se = math.sqrt(resid @ resid / (30 - 2) / ((lx - lx.mean()) @ (lx - lx.mean())))
    from scipy.stats import t

    half = t.ppf(0.995, 28) * se
    assert fit.slope == pytest.approx(slope, rel=1e-10) and fit.hi - fit.slope == pytest.approx(
        half, rel=1e-8
    )
    assert fit.contains(-0.5) and not fit.contains(-0.4)


def test_slope_needs_three_points():
    with pytest.raises(ValueError):
        fit_loglog_slope([1, 2], [1, 2])


def test_profile_sizes_ci_thorough_and_gpu():
    """ci size in ci; the thorough size on a CPU (and on a GPU when no GPU size is given); the GPU
    size only on a CUDA device; an unknown profile is bad input."""
    import torch

    from dlverify.numerics.device import RunContext
    from dlverify.theorems.core import DlverifyError

    ci, th = RunContext("cpu", 1, "ci"), RunContext("cpu", 1, "thorough")
    assert (ci.size(1, 2, gpu=3), th.size(1, 2, gpu=3), th.size(1, 2)) == (1, 2, 2)
    gpu = RunContext("cpu", 1, "thorough")
    gpu.device = torch.device("cuda")  # the rule only (no CUDA device needed to read it)
    assert (gpu.size(1, 2, gpu=3), gpu.size(1, 2), gpu.size(1, 2, gpu=None)) == (3, 2, None)
    with pytest.raises(DlverifyError, match="unknown profile"):
        RunContext("cpu", 1, "fast")


# --------------------------------------------------------------------------- Clopper-Pearson


def _binom_cdf(k: int, n: int, p) -> object:
    """P[Binomial(n, p) <= k] as an exact sum in mpmath at 50 digits."""
    import mpmath

    mpmath.mp.dps = 50
    p = mpmath.mpf(p)
    return mpmath.fsum(mpmath.binomial(n, j) * p**j * (1 - p) ** (n - j) for j in range(k + 1))


@pytest.mark.parametrize(
    "k, n, level",
    [(1, 10, 0.95), (3, 10, 0.999), (7, 50, 0.999), (49, 50, 0.99), (5, 1000, 1 - 1e-6), (500, 1000, 0.999)],
)
def test_clopper_pearson_ends_are_the_exact_binomial_tails(k, n, level):
    """Each end is where the exact binomial tail equals (1 − level)/2: P[X ≥ k | lo] and
    P[X ≤ k | hi], summed term by term in 50-digit arithmetic (not through the beta quantile)."""
    from dlverify.numerics.stats import clopper_pearson

    iv = clopper_pearson(k, n, level)
    half = (1 - level) / 2
    assert float(1 - _binom_cdf(k - 1, n, iv.lo)) == pytest.approx(half, rel=1e-7)
    assert float(_binom_cdf(k, n, iv.hi)) == pytest.approx(half, rel=1e-7)
    assert iv.lo < k / n < iv.hi and iv.estimate == k / n and iv.n == n


@pytest.mark.parametrize("n, level", [(1, 0.95), (20, 0.999), (1000, 1 - 1e-6)])
def test_clopper_pearson_at_zero_and_all_is_the_closed_form(n, level):
    """k = 0: [0, 1 − (α/2)^{1/n}]; k = n: [(α/2)^{1/n}, 1] (the binomial tail is one term)."""
    from dlverify.numerics.stats import clopper_pearson

    a = (1 - level) / 2
    zero, full = clopper_pearson(0, n, level), clopper_pearson(n, n, level)
    assert zero.lo == 0.0 and zero.hi == pytest.approx(1 - a ** (1 / n), rel=1e-10)
    assert full.hi == 1.0 and full.lo == pytest.approx(a ** (1 / n), rel=1e-10)


@pytest.mark.parametrize("k, n", [(-1, 5), (6, 5), (0, 0)])
def test_clopper_pearson_rejects_bad_counts(k, n):
    from dlverify.numerics.stats import clopper_pearson

    with pytest.raises(ValueError):
        clopper_pearson(k, n)


# --------------------------------------------------------------------------- contraction fits


def _t_quantile(p: float, nu: int) -> float:
    """The Student-t quantile from its CDF (regularized incomplete beta), by root finding in
    mpmath: independent of scipy."""
    import mpmath

    mpmath.mp.dps = 30

    def cdf(x):
        tail = mpmath.betainc(nu / 2, mpmath.mpf(1) / 2, 0, nu / (nu + x * x), regularized=True) / 2
        return 1 - tail if x > 0 else tail

    return float(mpmath.findroot(lambda x: cdf(x) - p, 3.0))


@pytest.mark.parametrize("q", [0.25, 0.81, 0.9025, 0.999, 1.3])
def test_fit_contraction_on_an_exact_geometric_sequence(q):
    """gap_t = 3 q^t: the fitted factor is q, the interval holds it (and is a point or a few ulps wide)."""
    from dlverify.numerics.stats import fit_contraction

    g = [3.0 * q**t for t in range(40)]
    iv = fit_contraction(g)
    assert (
        iv.estimate == pytest.approx(q, rel=1e-13) and iv.lo <= q * (1 + 1e-13) and iv.hi >= q * (1 - 1e-13)
    )
    assert iv.hi - iv.lo <= 1e-12 * q


def test_fit_contraction_matches_a_hand_regression():
    """A noisy geometric sequence: the factor is exp of the hand-computed least-squares slope and
    the interval's ends exp(slope ± t·se), with the t quantile found from the t CDF in mpmath."""
    from dlverify.numerics.stats import fit_contraction

    rng = np.random.default_rng(3)
    n = 25
    t = np.arange(n, dtype=float)
    y = math.log(2.0) + t * math.log(0.8) + 0.01 * rng.standard_normal(n)
    tb, yb = t.mean(), y.mean()
    sxx = ((t - tb) ** 2).sum()
    slope = ((t - tb) * (y - yb)).sum() / sxx
    resid = y - (yb + slope * (t - tb))
    se = math.sqrt((resid**2).sum() / (n - 2) / sxx)
    half = _t_quantile(0.5 + 0.999 / 2, n - 2) * se
    iv = fit_contraction(np.exp(y), level=0.999)
    assert iv.estimate == pytest.approx(math.exp(slope), rel=1e-12)
    assert iv.lo == pytest.approx(math.exp(slope - half), rel=1e-9)
    assert iv.hi == pytest.approx(math.exp(slope + half), rel=1e-9)
    assert iv.lo < 0.8 < iv.hi


def test_fit_contraction_stops_before_the_normal_range_ends():
    """A sequence that underflows: the fit uses the prefix in float64's normal range only."""
    from dlverify.numerics.stats import fit_contraction

    g = [0.5**t for t in range(1100)]  # 2^-1022 is the smallest normal; 2^-1023 … are subnormal
    iv = fit_contraction(g)
    assert iv.n == 1023 and iv.estimate == pytest.approx(0.5, rel=1e-13)


@pytest.mark.parametrize("n", [2, 3, 7, 40])
def test_ols_step_weights_give_the_least_squares_slope(n):
    """The least-squares slope of y on t = 0 … n−1 equals the weighted mean of y's steps with
    weights (t+1)(n−1−t), normalized (positive, summing to 1), on random data, against polyfit."""
    from dlverify.numerics.stats import ols_step_weights

    rng = np.random.default_rng(n)
    y = rng.standard_normal(n)
    w = ols_step_weights(n)
    assert (w > 0).all() and w.sum() == pytest.approx(1.0, rel=1e-15)
    assert w @ np.diff(y) == pytest.approx(np.polyfit(np.arange(n), y, 1)[0], rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("q", [0.25, 0.9025, 1.21])
def test_rounded_contraction_holds_the_exact_factor_of_a_perturbed_sequence(q):
    """gap_t = q^t perturbed by up to e_t at each end of each step (the worst signs, and random
    ones): the rounded interval of the perturbed sequence holds the exact q, its estimate is
    the least-squares factor, and with no perturbation the interval is the point q."""
    from dlverify.numerics.stats import fit_contraction_rounded

    n = 30
    exact = np.array([q**t for t in range(n)])
    e = 1e-9 * np.minimum(exact[:-1], exact[1:])
    clean = fit_contraction_rounded(exact, np.zeros(n - 1))
    assert clean.estimate == pytest.approx(q, rel=1e-13) and clean.lo <= clean.estimate <= clean.hi
    rng = np.random.default_rng(7)
    for trial in range(20):
        signs = rng.choice([-1.0, 1.0], n) if trial else (-1.0) ** np.arange(n)
        pert = exact + signs * np.concatenate([e, e[-1:]]) / 2
        iv = fit_contraction_rounded(pert, e)
        assert iv.lo <= q <= iv.hi and iv.level == 1.0
        assert iv.estimate == pytest.approx(math.exp(np.polyfit(np.arange(n), np.log(pert), 1)[0]), rel=1e-12)
        assert (iv.hi - iv.lo) / q < 1e-7


def test_rounded_contraction_window_ends_at_the_noise_floor_and_underflow():
    """A gap that reaches its rounding floor (e_t > 10⁻⁶ gap) or leaves the normal range ends the
    fit; fewer than 2 steps inside is an error; a bound per step is required."""
    from dlverify.numerics.stats import fit_contraction_rounded

    g = np.array([0.5**t for t in range(40)])
    e = np.full(39, 1e-16)
    iv = fit_contraction_rounded(g, e)  # 1e-16 > 1e-6 · 0.5^t once 0.5^t < 1e-10: t ≥ 34
    assert iv.n == 34
    assert fit_contraction_rounded([0.5**t for t in range(1100)], np.zeros(1099)).n == 1023
    with pytest.raises(ValueError):
        fit_contraction_rounded([1.0, 0.5, 0.0], np.zeros(2))
    with pytest.raises(ValueError):
        fit_contraction_rounded([1.0, 0.5, 0.25], np.zeros(3))


def test_combined_rates_tight_is_the_intersection_and_a_bound_the_worst():
    from dlverify.numerics.stats import Interval, combine_rates

    fits = [
        Interval(0.5, 0.49, 0.52, 1.0, 9),
        Interval(0.51, 0.50, 0.53, 1.0, 9),
        Interval(0.2, 0.1, 0.3, 1.0, 9),
    ]
    t = combine_rates(fits[:2], "tight")
    assert (t.lo, t.hi, t.spread) == (0.50, 0.52, (0.5, 0.51))
    assert combine_rates(fits, "tight").lo > combine_rates(fits, "tight").hi  # disagreeing instances
    b = combine_rates(fits, "<=")
    assert (b.measured, b.lo, b.hi) == (0.51, 0.50, 0.53)
    g = combine_rates(fits, ">=")
    assert (g.measured, g.lo, g.hi) == (0.2, 0.1, 0.3)
    none = combine_rates([], "<=")
    assert all(math.isnan(v) for v in (none.measured, none.lo, none.hi)) and none.spread is None
    with pytest.raises(ValueError):
        combine_rates(fits, "==")


# --------------------------------------------------------------------------- predictions from claims


def test_rates_read_off_a_relation():
    """The factor, the per-step factor of a t-step bound and a bound's exponent in T, read off
    relations by sympy, against the hand values; a relation that is not of that form is refused."""
    import sympy as sp

    from dlverify.numerics import rates

    a0, a1, q, T, C, L, eta, g2 = sp.symbols("a0 a1 q T C L eta g2", positive=True)
    assert rates.step_factor(sp.Le(a1, (1 - q) * a0), a0) == 1 - q
    assert (
        sp.simplify(rates.step_factor(sp.Le(a1, a0 - eta * g2), a0, {g2: 2 * L * a0}) - (1 - 2 * L * eta))
        == 0
    )
    assert sp.simplify(rates.horizon_factor(sp.Le(a1, (1 - q) ** T * a0), T) - (1 - q)) == 0
    assert rates.horizon_exponent(sp.Le(a1, 2 * C / (eta * T)), T) == -1
    assert rates.horizon_exponent(sp.Le(a1, C / T**2), T) == -2
    with pytest.raises(ValueError):
        rates.step_factor(sp.Le(a1, a0 + 1), a0)
    with pytest.raises(ValueError):
        rates.horizon_factor(sp.Le(a1, a0 / T), T)
    with pytest.raises(ValueError):
        rates.horizon_exponent(sp.Le(a1, sp.exp(-T)), T)


@pytest.mark.parametrize("x", [0.5, 0.999999, 1.5, 1.9])
def test_prediction_tolerance_covers_the_float64_evaluation(x):
    """(Lη − 1)² and its expanded form 1 − 2Lη + L²η² (cancellation near Lη = 1), evaluated in
    float64, lie within the evaluation bound of the 50-digit value."""
    import mpmath
    import sympy as sp

    from dlverify.numerics import rates

    L, eta = sp.symbols("L eta", positive=True)
    mpmath.mp.dps = 50
    exact = (mpmath.mpf(x) - 1) ** 2
    for e in ((L * eta - 1) ** 2, 1 - 2 * L * eta + L**2 * eta**2):
        v = rates.evaluate(e, L=1.0, eta=x)
        assert abs(mpmath.mpf(v) - exact) <= rates.evaluation_tol(e, L=1.0, eta=x)


def test_instance_fits_and_the_plotted_prefix():
    """Each column fitted on its own (a column that converges at once is listed, not fitted); the
    plotted prefix is every k-th step of the fit, its last step kept, gap_t/gap_0 exact."""
    import torch

    from dlverify.numerics import rates

    t = torch.arange(41, dtype=torch.float64)[:, None]
    gaps = torch.cat([0.5**t, 0.9**t, torch.where(t == 0, 1.0, 0.0)], dim=1)
    fits, skipped = rates.instance_fits(gaps, torch.zeros(40, 3, dtype=torch.float64))
    assert skipped == [2] and [round(f.estimate, 12) for f in fits] == [0.5, 0.9]
    xs, ys = rates.fitted_prefix(gaps[:, 1], fits[1].n, max_points=16)
    assert xs[0] == 0 and xs[-1] == fits[1].n - 1 and len(xs) <= 17
    assert ys == pytest.approx([0.9**x for x in xs], rel=1e-14)

"""Rate fitting with confidence intervals and exact tests with stated false-alarm levels."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import stats as _st


@dataclasses.dataclass
class SlopeFit:
    slope: float
    intercept: float
    lo: float
    hi: float
    level: float
    n: int

    def contains(self, value: float) -> bool:
        return self.lo <= value <= self.hi


def _ols(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(slope, intercept, standard error of the slope) of least squares, the error from the
    residuals themselves (scipy's linregress goes through 1 − r², which cancels for a near-exact
    fit: on 3·0.999^t its interval was 10⁻¹¹ wide where the residuals give 10⁻¹⁸)."""
    xb, yb = x.mean(), y.mean()
    dx = x - xb
    sxx = float(dx @ dx)
    slope = float(dx @ (y - yb)) / sxx
    intercept = float(yb - slope * xb)
    resid = y - (intercept + slope * x)
    return slope, intercept, math.sqrt(float(resid @ resid) / (x.size - 2) / sxx)


def fit_loglog_slope(x, y, level: float = 0.999) -> SlopeFit:
    """Least-squares slope of log y on log x with a two-sided Student-t interval."""
    x = np.log(np.asarray(x, dtype=float))
    y = np.log(np.asarray(y, dtype=float))
    n = x.size
    if n < 3:
        raise ValueError("a slope interval needs at least 3 points")
    slope, intercept, se = _ols(x, y)
    t = _st.t.ppf(0.5 + level / 2, n - 2)
    return SlopeFit(slope, intercept, slope - t * se, slope + t * se, level, n)


def binomial_upper_pvalue(k: int, n: int, p: float) -> float:
    """P[Binomial(n, p) >= k]: small when k violations are too many for rate p."""
    return float(_st.binom.sf(k - 1, n, p))


@dataclasses.dataclass
class Interval:
    """An estimate with a two-sided interval at confidence ``level``."""

    estimate: float
    lo: float
    hi: float
    level: float
    n: int


def clopper_pearson(k: int, n: int, level: float = 0.999) -> Interval:
    """The exact two-sided binomial interval for a frequency k/n: each end misses with
    probability at most (1 − level)/2 (Clopper–Pearson, from the beta quantiles)."""
    if not 0 <= k <= n or n < 1:
        raise ValueError(f"need 0 <= k <= n and n >= 1, got k={k}, n={n}")
    a = (1.0 - level) / 2
    lo = 0.0 if k == 0 else float(_st.beta.ppf(a, k, n - k + 1))
    hi = 1.0 if k == n else float(_st.beta.ppf(1 - a, k + 1, n - k))
    return Interval(k / n, lo, hi, level, n)


def fit_contraction(gaps, level: float = 0.999) -> Interval:
    """The per-step factor q of a positive sequence gap_t ≈ C q^t: exp of the least-squares slope
    of log gap_t on t, with the Student-t interval of the slope mapped through exp.  Entries
    that are not finite and positive (an iterate that left float64's normal range) are cut
    off together with everything after them."""
    g = np.asarray(gaps, dtype=float)
    ok = np.isfinite(g) & (g >= np.finfo(float).tiny)
    stop = int(np.argmin(ok)) if not ok.all() else g.size
    g = g[:stop]
    if g.size < 3:
        raise ValueError("a contraction interval needs at least 3 gaps in float64's normal range")
    t = np.arange(g.size, dtype=float)
    slope, _, se = _ols(t, np.log(g))
    tq = _st.t.ppf(0.5 + level / 2, g.size - 2)
    return Interval(
        float(np.exp(slope)),
        float(np.exp(slope - tq * se)),
        float(np.exp(slope + tq * se)),
        level,
        int(g.size),
    )


#: a step enters a rounded contraction fit while its rounding bound is at most this fraction of
#: the gaps it joins (past it the gap is near its noise floor: a window, not a tolerance -- the
#: interval below is the rounding bound itself)
ROUNDING_WINDOW = 1e-6


def ols_step_weights(n: int) -> np.ndarray:
    """The least-squares slope of y_0 … y_{n−1} on t = 0 … n−1 as a weighted mean of the steps
    y_{t+1} − y_t: weights (t + 1)(n − 1 − t) / (2 Σ(t − t̄)²), positive, summing to 1."""
    if n < 2:
        raise ValueError("a slope needs at least 2 points")
    t = np.arange(n - 1, dtype=float)
    w = (t + 1) * (n - 1 - t)
    return w / w.sum()


def fit_contraction_rounded(gaps, step_err, window: float = ROUNDING_WINDOW) -> Interval:
    """The per-step factor of a deterministic sequence gap_t ≈ C q^t with its rounding interval.

    ``step_err[t]`` bounds the rounding error of both gaps that step t joins (gap_t and
    gap_{t+1}), so the exact step's ratio lies in [(g_{t+1} − e_t)/(g_t + e_t),
    (g_{t+1} + e_t)/(g_t − e_t)].  The estimate is the least-squares factor exp(slope of log
    gap_t on t), which is the weighted geometric mean of the step ratios with
    :func:`ols_step_weights`; the interval is the same mean of the ratios' ends (``level`` 1:
    a bound, not a confidence statement).  Steps are used from the start while both gaps are
    finite, in float64's normal range, and the step's rounding bound is at most ``window`` of
    the smaller gap; the first step that is not ends the fit."""
    g = np.asarray(gaps, dtype=float)
    e = np.abs(np.asarray(step_err, dtype=float))
    if e.shape != (max(g.size - 1, 0),):
        raise ValueError(f"need one rounding bound per step: {g.size} gaps, {e.size} bounds")
    tiny = np.finfo(float).tiny
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (
            np.isfinite(g[:-1])
            & np.isfinite(g[1:])
            & np.isfinite(e)
            & (g[:-1] >= tiny)
            & (g[1:] >= tiny)
            & (e <= window * np.minimum(g[:-1], g[1:]))
        )
    steps = int(np.argmin(ok)) if not ok.all() else ok.size
    if steps < 2:
        raise ValueError("a rounded contraction needs at least 2 steps inside the window")
    a, b, e = g[: steps + 1][:-1], g[1 : steps + 1], e[:steps]
    w = ols_step_weights(steps + 1)
    est = float(np.exp(w @ np.log(b / a)))
    lo = float(np.exp(w @ np.log((b - e) / (a + e))))
    hi = float(np.exp(w @ np.log((b + e) / (a - e))))
    return Interval(est, min(lo, est), max(hi, est), 1.0, steps + 1)


@dataclasses.dataclass
class Combined:
    """One rate from per-instance fits (:func:`combine_rates`)."""

    measured: float
    lo: float
    hi: float
    worst: float
    spread: tuple[float, float] | None


def combine_rates(fits, claim: str) -> Combined:
    """One rate from per-instance fits that share a prediction: for a ``tight`` claim the
    intersection of the instances' intervals (each holds the common rate when the claim is
    right; an empty intersection reads lo > hi and never matches), the median estimate; for a
    bound (``<=``: the worst is the largest, ``>=``: the smallest) the worst instance's estimate
    with the interval of that worst value.  ``spread`` is (min, max) of the estimates.  No fits:
    every number NaN (a rate that cannot match)."""
    if claim not in ("tight", "<=", ">="):
        raise ValueError(f"claim must be tight, <= or >=, not {claim!r}")
    if not fits:
        nan = float("nan")
        return Combined(nan, nan, nan, nan, None)
    est = np.array([f.estimate for f in fits], dtype=float)
    lo = np.array([f.lo for f in fits], dtype=float)
    hi = np.array([f.hi for f in fits], dtype=float)
    spread = (float(est.min()), float(est.max()))
    if claim == "tight":
        med = float(np.median(est))
        worst = float(est[np.argmax(np.abs(np.log(est / med)))])
        return Combined(med, float(lo.max()), float(hi.min()), worst, spread)
    if claim == "<=":
        return Combined(spread[1], float(lo.max()), float(hi.max()), spread[1], spread)
    return Combined(spread[0], float(lo.min()), float(hi.min()), spread[0], spread)


def slope_with_bound(x, y, err) -> tuple[float, float]:
    """The least-squares slope of y on x, and the largest change of it that perturbations
    |e_i| ≤ err_i of the y_i can make: Σ|x_i − x̄| err_i / Σ(x_i − x̄)².  The slope is linear in
    y with coefficients (x_i − x̄)/Σ(x_j − x̄)², so the bound is attained at e_i = err_i sign(x_i −
    x̄): a rounding interval for a slope of deterministic data (``level`` 1), not a confidence
    statement."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    err = np.broadcast_to(np.abs(np.asarray(err, dtype=float)), x.shape)
    if x.size < 2:
        raise ValueError("a slope needs at least 2 points")
    c = x - x.mean()
    sxx = float(c @ c)
    if sxx == 0.0:
        raise ValueError("a slope needs at least 2 distinct abscissae")
    return float(c @ (y - y.mean())) / sxx, float(np.abs(c) @ err) / sxx

"""Rate fitting with confidence intervals and exact tests with stated false-alarm levels."""

from __future__ import annotations

import dataclasses

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


def fit_loglog_slope(x, y, level: float = 0.999) -> SlopeFit:
    """Least-squares slope of log y on log x with a two-sided Student-t interval."""
    x = np.log(np.asarray(x, dtype=float))
    y = np.log(np.asarray(y, dtype=float))
    n = x.size
    if n < 3:
        raise ValueError("a slope interval needs at least 3 points")
    res = _st.linregress(x, y)
    t = _st.t.ppf(0.5 + level / 2, n - 2)
    return SlopeFit(
        res.slope, res.intercept, res.slope - t * res.stderr, res.slope + t * res.stderr, level, n
    )


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
    res = _st.linregress(t, np.log(g))
    if res.stderr == 0.0:
        q = float(np.exp(res.slope))
        return Interval(q, q, q, level, int(g.size))
    tq = _st.t.ppf(0.5 + level / 2, g.size - 2)
    return Interval(
        float(np.exp(res.slope)),
        float(np.exp(res.slope - tq * res.stderr)),
        float(np.exp(res.slope + tq * res.stderr)),
        level,
        int(g.size),
    )

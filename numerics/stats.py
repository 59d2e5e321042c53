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

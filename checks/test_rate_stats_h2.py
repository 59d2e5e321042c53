"""The rate statistics added for issue 22's rates of shapley, pac_bayes, cloze_kl and emergence
(helper H2), each against an independent computation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlverify.numerics.stats import slope_with_bound


@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(3, 12),
)
def test_slope_bound_against_numpy_and_its_attaining_perturbation(seed, n):
    """slope_with_bound: the slope equals numpy's polyfit; random perturbations within err move
    it by at most the bound, and e_i = err_i sign(x_i − x̄) moves it by exactly the bound."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.normal(size=n)) + np.arange(n)  # distinct abscissae
    y = rng.normal(size=n)
    err = rng.uniform(0, 1e-3, size=n)
    slope, bound = slope_with_bound(x, y, err)
    assert slope == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9, abs=1e-12)
    for _ in range(20):
        e = rng.uniform(-1, 1, size=n) * err
        assert abs(np.polyfit(x, y + e, 1)[0] - slope) <= bound * (1 + 1e-9) + 1e-12
    worst = np.polyfit(x, y + err * np.sign(x - x.mean()), 1)[0]
    assert worst - slope == pytest.approx(bound, rel=1e-7, abs=1e-12)


def test_slope_bound_rejects_degenerate_abscissae():
    with pytest.raises(ValueError):
        slope_with_bound([1.0, 1.0, 1.0], [0.0, 1.0, 2.0], 0.0)
    with pytest.raises(ValueError):
        slope_with_bound([1.0], [0.0], 0.0)

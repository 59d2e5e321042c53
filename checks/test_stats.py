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

"""The benchmarked code computes the right thing (correctness, not timing)."""

from __future__ import annotations

import numpy as np
import torch

from dlverify.numerics import bench, games, pac_bayes_primitives, smooth


def test_numpy_gd_loop_matches_batched_descent():
    """The benchmark's numpy loop does the batched code's work: the same f, ||grad f||², rounding
    bound and distance records, step by step (an independent computation of each)."""
    from dlverify.numerics.device import gamma

    batch, A, b = bench.quadratic_data(6, 5, seed=3)
    eta = 1.0 / float(batch.L[0])
    traj = smooth.gradient_descent(batch, eta, 20)
    ref = bench.numpy_gd(A, b, batch.w0.numpy(), eta, 20, gamma(batch.n_terms + 16))
    for key in ("f", "g2", "err", "dist"):
        assert np.allclose(getattr(traj, key).numpy(), ref[key], rtol=1e-9, atol=1e-12), key


def test_numpy_sampler_draws_the_same_distribution():
    """Both samplers: each hypothesis' empirical risk is Binomial(m, r_k)/m (mean r_k, variance
    r_k(1 − r_k)/m); means agree with r within 6 standard errors for both."""
    risks = torch.tensor([0.1, 0.3, 0.5], dtype=torch.float64)
    m, n = 50, 4000
    a = pac_bayes_primitives.sample_empirical_risks(risks, m, n, seed=2, device=torch.device("cpu")).numpy()
    b = bench.numpy_empirical_risks(risks.numpy(), m, n, seed=2)
    se = np.sqrt(risks.numpy() * (1 - risks.numpy()) / m / n)
    for x in (a, b):
        assert np.all(np.abs(x.mean(0) - risks.numpy()) <= 6 * se)
        assert np.all(
            np.abs(x.var(0) - risks.numpy() * (1 - risks.numpy()) / m)
            <= 0.15 * risks.numpy() * (1 - risks.numpy()) / m
        )


def test_benchmarked_shapley_is_the_exact_code():
    bw = {"copy_GBps": 10.0, "read_GBps": 10.0}
    rows = bench.shapley_rows((10,), torch.device("cpu"), bw, repeats=1)
    assert rows[0]["efficiency_residual"] <= rows[0]["efficiency_rounding_bound"]
    v = games.random_games(1, 10, seed=10, device=torch.device("cpu"))
    assert torch.allclose(games.exact_shapley(v), games.exact_shapley_per_player(v), atol=1e-12)


def test_bench_main_writes_a_record(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "shapley_rows", lambda Ns, device, bw, **k: [])
    monkeypatch.setattr(bench, "gd_rows", lambda sizes, device=None, bw=None: [])
    monkeypatch.setattr(bench, "pacbayes_rows", lambda configs, device=None: [])
    monkeypatch.setattr(bench, "shapley_vs_shapiq", lambda Ns: [])
    monkeypatch.setattr(
        bench,
        "copy_bandwidth",
        lambda device, nbytes: {"copy_GBps": 1.0, "traffic_GBps": 2.0, "read_GBps": 1.0},
    )
    out = tmp_path / "b.json"
    assert bench.main(["--device", "cpu", "--quick", "--out", str(out)]) == 0
    import json

    assert json.loads(out.read_text())["device"].startswith("cpu")
    import pytest

    with pytest.raises(SystemExit) as e:
        bench.main(["--device", "bogus"])
    assert e.value.code == 2

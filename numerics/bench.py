"""Benchmarks (not timed tests): batched gradient-descent throughput per family and batch size.

    python -m dlverify.numerics.bench [--device auto|cpu|cuda] [--out FILE.json]

Prints and writes instance-steps per second with the device it ran on, so numbers in
notes and reports always carry their hardware.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import torch

from dlverify.numerics import smooth
from dlverify.numerics.device import describe, select_device


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def gd_throughput(family: str, B: int, d: int, steps: int, device, repeats: int = 3) -> dict:
    batch = smooth.make(family, B, d, 1.0, seed=0, device=device)
    eta = 1.0 / batch.L
    smooth.gradient_descent(batch, eta, 2)  # warm-up (kernels, allocator)
    _sync(device)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        smooth.gradient_descent(batch, eta, steps)
        _sync(device)
        best = min(best, time.perf_counter() - t0)
    return {"family": family, "batch": B, "dim": d, "steps": steps, "best_wall_s": best,
            "instance_steps_per_s": B * steps / best, "instances_per_s": B / best}


def least_squares_throughput(device, sizes=((256, 32, 256), (4096, 32, 256), (64, 256, 4096))) -> list[dict]:
    """Batched GD on least squares (B instances, n points, d features): instance-steps per second."""
    from dlverify.numerics import linear

    rows = []
    for B, n, d in sizes:
        X, y = linear.design(B, n, d, spectrum="gaussian", seed=0, device=device)
        eta = 0.9 / linear.singular_values(X)[:, 0] ** 2
        linear.gd_least_squares(X, y, eta, 2)
        _sync(device)
        t0 = time.perf_counter()
        linear.gd_least_squares(X, y, eta, 50)
        _sync(device)
        wall = time.perf_counter() - t0
        rows.append({"batch": B, "n": n, "d": d, "steps": 50, "wall_s": wall, "instance_steps_per_s": B * 50 / wall})
    return rows


def shapley_vs_shapiq(Ns=(12, 14, 16), device=None) -> list[dict]:
    """Exact Shapley values for all players: ours vs shapiq's ExactComputer (when installed), same machine."""
    import numpy as np

    from dlverify.numerics import games

    device = device or torch.device("cpu")
    rows = []
    for N in Ns:
        v = games.random_games(1, N, seed=N, device=device)
        games.exact_shapley(v)
        _sync(device)
        t0 = time.perf_counter()
        ours = games.exact_shapley(v)
        _sync(device)
        t_ours = time.perf_counter() - t0
        row = {"N": N, "device": describe(device), "ours_s": t_ours}
        try:
            import shapiq
        except ImportError:
            row["shapiq_s"] = None
        else:
            table = v[0].cpu().numpy()
            weights = 1 << np.arange(N)

            def fn(coalitions):
                return table[(np.asarray(coalitions, dtype=np.int64) * weights).sum(-1)]

            t0 = time.perf_counter()
            sv = shapiq.ExactComputer(n_players=N, game=fn)("SV")
            row["shapiq_s"] = time.perf_counter() - t0
            row["max_abs_diff"] = float(np.abs(np.array([sv[(i,)] for i in range(N)]) - ours[0].cpu().numpy()).max())
            row["speedup"] = row["shapiq_s"] / t_ours
        rows.append(row)
    return rows


def ntk_width_sweep(device, widths=(100, 1000, 10000, 100000), n: int = 500, d: int = 16, steps: int = 20) -> list[dict]:
    """Two-layer network in NTK scaling: kernel time (closed form, chunked), eigenvalues, GD step time
    and peak memory per width (CUDA: allocator peak; CPU: the process's max resident set)."""
    import resource

    from dlverify.numerics import networks

    rows = []
    for m in widths:
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        net = networks.TwoLayer(n, d, m, seed=0, device=device)
        _sync(device)
        t0 = time.perf_counter()
        K = net.ntk()
        _sync(device)
        t_k = time.perf_counter() - t0
        ev = torch.linalg.eigvalsh(K)
        W = net.W.clone()
        _sync(device)
        t0 = time.perf_counter()
        for _ in range(steps):
            _, G = net.loss_grad(W)
            W = W - 0.5 * G
        _sync(device)
        t_gd = (time.perf_counter() - t0) / steps
        peak = (torch.cuda.max_memory_allocated(device) if device.type == "cuda"
                else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
        rows.append({"m": m, "n": n, "d": d, "ntk_s": t_k, "ntk_entries_x_width_per_s": n * n * m / t_k,
                     "lambda_min_K0": float(ev[0]), "gd_step_s": t_gd, "peak_memory_bytes": int(peak)})
        print(f"width {m:7d}: NTK {t_k:.3f} s, GD step {t_gd * 1e3:.1f} ms, λ_min {float(ev[0]):.4f}", file=sys.stderr)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlverify.numerics.bench")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--out", default="")
    ap.add_argument("--quick", action="store_true", help="small sizes (CPU smoke run)")
    args = ap.parse_args(argv)
    device = select_device(args.device)
    sizes = [(64, 16), (1024, 16)] if args.quick else [(256, 32), (4096, 32), (32768, 32), (4096, 256)]
    rows = []
    for fam in smooth.FAMILIES:
        for B, d in sizes:
            if fam.startswith("quadratic") and B * d * d > 2**31 // 8:
                continue
            r = gd_throughput(fam, B, d, 50, device)
            rows.append(r)
            print(f"{fam:22s} B={B:6d} d={d:4d}  {r['instance_steps_per_s']:.3e} instance-steps/s", file=sys.stderr)
    res = {"device": describe(device), "torch": torch.__version__, "rows": rows,
           "least_squares": least_squares_throughput(device, ((64, 16, 64),) if args.quick else
                                                     ((256, 32, 256), (4096, 32, 256), (64, 256, 4096))),
           "shapley_vs_shapiq": shapley_vs_shapiq(device=torch.device("cpu")),
           "ntk_width_sweep": ntk_width_sweep(device, (100, 1000) if args.quick else (100, 1000, 10000, 100000))}
    if device.type == "cuda":
        from dlverify.numerics import games
        res["shapley_gpu"] = []
        for N in (20, 24, 28):
            try:
                games.check_fits(1, N, device)
            except Exception as exc:  # noqa: BLE001 - record the clear refusal
                res["shapley_gpu"].append({"N": N, "refused": str(exc)})
                continue
            v = games.random_games(1, N, seed=0, device=device)
            games.exact_shapley(v)
            _sync(device)
            t0 = time.perf_counter()
            games.exact_shapley(v)
            _sync(device)
            res["shapley_gpu"].append({"N": N, "wall_s": time.perf_counter() - t0})
    if device.type == "cuda":
        res["peak_memory_bytes"] = torch.cuda.max_memory_allocated(device)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
    print(json.dumps({"device": res["device"], "max_instance_steps_per_s": max(r["instance_steps_per_s"] for r in rows)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

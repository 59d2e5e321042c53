"""Benchmarks (not timed tests), each against a limit or a baseline measured in the same run.

    python -m dlverify.numerics.bench [--device auto|cpu|cuda] [--quick] [--thorough] [--out FILE.json]

* exact Shapley values for all N players from a table of 2^N float64 values, as a multiple of
  the one-read bound (2^N·8 bytes at the copy bandwidth measured in the same run), beside the
  previous one-pass-per-player code and shapiq's ExactComputer where installed;
* batched gradient descent (``numerics/smooth.py``): instance-steps per second beside a plain
  numpy loop over the same instances;
* the PAC-Bayes coverage simulation's sampler (``numerics/pac_bayes_primitives.py``): samples per second
  beside a plain numpy loop drawing the same distribution.

Every record carries the device it ran on; the JSON goes to ``--out``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sys
import time
from typing import Any

import numpy as np
import torch

from .device import describe, select_device

MiB = 2**20


def _sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def _best(fn, device, repeats: int = 5) -> float:
    fn()  # warm-up (kernels, allocator, page faults)
    _sync(device)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        best = min(best, time.perf_counter() - t0)
    return best


# ----------------------------------------------------------------------------- memory bandwidth


def copy_bandwidth(device, nbytes: int = 512 * MiB, repeats: int = 5) -> dict:
    """A large tensor copy: ``copy_GBps`` = bytes copied per second (the issue's convention:
    one-read bound = table bytes / copy_GBps), ``traffic_GBps`` = read + write bytes per second,
    ``read_GBps`` = a reduction (sum) reading the same tensor."""
    n = nbytes // 8
    src = torch.randn(n, dtype=torch.float64, device=device)
    dst = torch.empty_like(src)
    t_copy = _best(lambda d=dst, s=src: d.copy_(s), device, repeats)
    t_read = _best(lambda s=src: s.sum(), device, repeats)
    del src, dst
    return {
        "bytes": n * 8,
        "copy_s": t_copy,
        "copy_GBps": n * 8 / t_copy / 1e9,
        "traffic_GBps": 2 * n * 8 / t_copy / 1e9,
        "read_s": t_read,
        "read_GBps": n * 8 / t_read / 1e9,
    }


# ----------------------------------------------------------------------------- Shapley


def shapley_rows(Ns, device, bw: dict, *, baseline_up_to: int = 22, repeats: int = 5) -> list[dict]:
    """One-pass exact values for N players vs the one-read bound; the per-player code beside it."""
    from . import games
    from .shapley import round_tol

    rows = []
    for N in Ns:
        row = {"N": N, "device": describe(device), "table_bytes": 2**N * 8}
        try:
            games.check_fits(1, N, device, copies=2)
        except Exception as exc:  # noqa: BLE001 - record the clear refusal
            row["refused"] = str(exc)
            rows.append(row)
            continue
        v = games.random_games(1, N, seed=N, device=device)
        phi = games.exact_shapley(v)
        # small tables: more repeats, same cost
        t = _best(lambda g=v: games.exact_shapley(g), device, repeats if N > 24 else 2 * repeats)
        # the bandwidth again, right after: a shared machine's bandwidth drifts between rows
        here = copy_bandwidth(device, bw["bytes"], 3) if "bytes" in bw else bw
        row["copy_GBps_here"] = here["copy_GBps"]
        bound_copy = 2**N * 8 / (here["copy_GBps"] * 1e9)
        bound_read = 2**N * 8 / (here["read_GBps"] * 1e9)
        resid = float((phi.sum() - (v[0, -1] - v[0, 0])).abs())
        row |= {
            "one_pass_s": t,
            "one_read_bound_s": bound_copy,
            "x_bound": t / bound_copy,
            "x_read_bound": t / bound_read,
            "efficiency_residual": resid,
            "efficiency_rounding_bound": float(round_tol(v)[0]),
        }
        if N <= baseline_up_to:
            row["per_player_s"] = _best(lambda g=v: games.exact_shapley_per_player(g), device, 1)
            row["speedup_vs_per_player"] = row["per_player_s"] / t
        rows.append(row)
        print(
            f"Shapley N={N:2d}: {t:.4f} s = {row['x_bound']:.2f}x the one-read bound ({bound_copy:.4f} s)"
            + (f", per-player code {row['per_player_s']:.3f} s" if "per_player_s" in row else ""),
            file=sys.stderr,
        )
        del v, phi
    return rows


def shapley_vs_shapiq(Ns=(10, 12, 14)) -> list[dict]:
    """Ours vs shapiq's ExactComputer (when installed), same machine, CPU."""
    from . import games

    rows = []
    for N in Ns:
        v = games.random_games(1, N, seed=N, device=torch.device("cpu"))
        t_ours = _best(lambda: games.exact_shapley(v), torch.device("cpu"))
        row = {"N": N, "ours_s": t_ours}
        try:
            import shapiq
        except ImportError:
            row["shapiq_s"] = None
            row["note"] = "shapiq not installed"
        else:
            table = v[0].numpy()
            weights = 1 << np.arange(N)

            def fn(coalitions):
                return table[(np.asarray(coalitions, dtype=np.int64) * weights).sum(-1)]

            t0 = time.perf_counter()
            sv = shapiq.ExactComputer(n_players=N, game=fn)("SV")
            row["shapiq_s"] = time.perf_counter() - t0
            row["max_abs_diff"] = float(
                np.abs(np.array([sv[(i,)] for i in range(N)]) - games.exact_shapley(v)[0].numpy()).max()
            )
            row["speedup"] = row["shapiq_s"] / t_ours
            row["shapiq_version"] = importlib.metadata.version("shapiq")
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- gradient descent


def quadratic_data(B: int, d: int, seed: int = 0):
    """A batch of the suite's quadratic family and its (A, b) read back from the gradient
    (grad f(w) = A w + b), for the numpy loop."""
    from . import smooth

    batch = smooth.make("quadratic/psd", B, d, 1.0, seed=seed, device=torch.device("cpu"))
    _, b = batch.value_and_grad(torch.zeros_like(batch.w0))
    cols = []
    for j in range(d):
        e = torch.zeros_like(batch.w0)
        e[:, j] = 1.0
        cols.append(batch.value_and_grad(e)[1] - b)
    A = torch.stack(cols, -1)  # (B, d, d)
    return batch, A.numpy(), b.numpy()


def numpy_gd(A: np.ndarray, b: np.ndarray, w0: np.ndarray, eta: float, steps: int, gam: float) -> dict:
    """The plain loop, one instance at a time and one step at a time, doing the batched code's
    work per step: f and grad f at the new point, the |A||w| scale of the rounding bound, the
    bound itself and ||w_t - w_0||.  Returns the (steps + 1, B) records ``f``, ``g2``,
    ``dist`` and the (steps, B) record ``err``, as :func:`smooth.gradient_descent` does."""
    B = A.shape[0]
    rec = {k: np.empty((steps + 1, B)) for k in ("f", "g2", "dist")} | {"err": np.empty((steps, B))}
    for i in range(B):
        Ai, bi, absA, absb = A[i], b[i], np.abs(A[i]), np.abs(b[i])

        def evaluate(w, Ai=Ai, bi=bi, absA=absA, absb=absb):
            Aw = Ai @ w
            aw = absA @ np.abs(w)
            return (
                0.5 * w @ Aw + bi @ w,
                Aw + bi,
                0.5 * np.abs(w) @ aw + absb @ np.abs(w),
                np.linalg.norm(aw + absb),
            )

        w = w0[i].copy()
        f, g, sf, sg = evaluate(w)
        rec["f"][0, i], rec["g2"][0, i], rec["dist"][0, i] = f, g @ g, 0.0
        for t in range(steps):
            w_next = w - eta * g
            f_n, g_n, sf_n, sg_n = evaluate(w_next)
            gnorm = np.linalg.norm(g)
            move = gam * (np.linalg.norm(w) + eta * gnorm)
            rec["err"][t, i] = gam * (sf + sf_n + 2 * eta * gnorm * (sg + gnorm)) + np.linalg.norm(g_n) * move
            rec["f"][t + 1, i], rec["g2"][t + 1, i] = f_n, g_n @ g_n
            rec["dist"][t + 1, i] = np.linalg.norm(w_next - w0[i])
            w, f, g, sf, sg = w_next, f_n, g_n, sf_n, sg_n
    return rec


def gd_rows(sizes, steps: int = 50, device=None, bw: dict | None = None) -> list[dict]:
    from . import smooth
    from .device import gamma

    device = device or torch.device("cpu")
    rows = []
    for B, d in sizes:
        batch, A, b = quadratic_data(B, d)
        if device.type != "cpu":
            batch = smooth.make("quadratic/psd", B, d, 1.0, seed=0, device=device)
        eta = 1.0 / float(batch.L[0])
        t_b = _best(lambda: smooth.gradient_descent(batch, eta, steps), device)
        nb = min(B, 64)  # the loop on a subset, scaled: its cost is linear in B
        w0 = batch.w0.cpu().numpy()
        t0 = time.perf_counter()
        numpy_gd(A[:nb], b[:nb], w0[:nb], eta, steps, gamma(batch.n_terms + 16))
        t_np = (time.perf_counter() - t0) * B / nb
        # the physical limit: every step reads A and |A| (2 B d^2 float64) at the copy bandwidth
        bound = steps * 2 * B * d * d * 8 / (bw["copy_GBps"] * 1e9) if bw else None
        rows.append(
            {
                "family": "quadratic/psd",
                "batch": B,
                "dim": d,
                "steps": steps,
                "device": describe(device),
                "batched_instance_steps_per_s": B * steps / t_b,
                "numpy_instance_steps_per_s": B * steps / t_np,
                "speedup": t_np / t_b,
                "numpy_loop_instances_timed": nb,
                "batched_s": t_b,
                "read_bound_s": bound,
                "x_bound": t_b / bound if bound else None,
            }
        )
        print(
            f"GD quadratic B={B:6d} d={d:3d}: batched {B * steps / t_b:.3e} vs numpy "
            f"loop {B * steps / t_np:.3e} "
            f"instance-steps/s ({t_np / t_b:.1f}x)",
            file=sys.stderr,
        )
    return rows


# ----------------------------------------------------------------------------- PAC-Bayes sampler


def numpy_empirical_risks(risks: np.ndarray, m: int, n_samples: int, seed: int = 0) -> np.ndarray:
    """The plain loop: per sample, m uniforms; hypothesis k errs on an example iff u < r_k."""
    rng = np.random.default_rng(seed)
    out = np.empty((n_samples, risks.size))
    for s in range(n_samples):
        u = rng.random(m)
        out[s] = (u[:, None] < risks[None, :]).mean(0)
    return out


def pacbayes_rows(configs, device=None) -> list[dict]:
    from . import pac_bayes_primitives

    device = device or torch.device("cpu")
    rows = []
    for K, m, n in configs:
        risks = torch.linspace(0.05, 0.45, K, dtype=torch.float64)
        t_b = _best(
            lambda: pac_bayes_primitives.sample_empirical_risks(
                risks.to(device), m, n, seed=1, device=device
            ),
            device,
            2,
        )
        nn_ = min(n, 2000)
        t0 = time.perf_counter()
        numpy_empirical_risks(risks.numpy(), m, nn_)
        t_np = (time.perf_counter() - t0) * n / nn_
        rows.append(
            {
                "hypotheses": K,
                "m": m,
                "samples": n,
                "device": describe(device),
                "batched_samples_per_s": n / t_b,
                "numpy_samples_per_s": n / t_np,
                "speedup": t_np / t_b,
                "numpy_loop_samples_timed": nn_,
            }
        )
        print(
            f"PAC-Bayes sampler K={K} m={m} n={n}: batched {n / t_b:.3e} vs numpy loop {n / t_np:.3e} "
            f"samples/s "
            f"({t_np / t_b:.1f}x)",
            file=sys.stderr,
        )
    return rows


# ----------------------------------------------------------------------------- main


def tables(res: dict) -> dict:
    """The benchmark as tables for the report's Run section (columns and rows of numbers)."""
    shapiq = {r["N"]: r.get("shapiq_s") for r in res["shapley_vs_shapiq"]}
    return {
        "exact Shapley values: one pass over the table vs the one-read bound": {
            "columns": ["N", "one pass (s)", "one-read bound (s)", "× bound", "per-player code (s)"],
            "rows": [
                [
                    r["N"],
                    r.get("one_pass_s"),
                    r.get("one_read_bound_s"),
                    r.get("x_bound"),
                    r.get("per_player_s"),
                ]
                for r in res["shapley"]
            ],
        },
        "exact Shapley values: ours vs shapiq's ExactComputer": {
            "columns": ["N", "ours (s)", "shapiq (s)", "speed-up"],
            "rows": [
                [r["N"], r["ours_s"], shapiq.get(r["N"]), r.get("speedup")] for r in res["shapley_vs_shapiq"]
            ],
        },
        "batched gradient descent vs a numpy loop (instance-steps/s)": {
            "columns": ["batch", "dim", "batched", "numpy loop", "ratio", "× read bound"],
            "rows": [
                [
                    r["batch"],
                    r["dim"],
                    r["batched_instance_steps_per_s"],
                    r["numpy_instance_steps_per_s"],
                    r["speedup"],
                    r.get("x_bound"),
                ]
                for r in res["gradient_descent"]
            ],
        },
        "PAC-Bayes coverage sampler vs a numpy loop (samples/s)": {
            "columns": ["hypotheses", "m", "batched", "numpy loop", "ratio"],
            "rows": [
                [r["hypotheses"], r["m"], r["batched_samples_per_s"], r["numpy_samples_per_s"], r["speedup"]]
                for r in res["pacbayes_sampler"]
            ],
        },
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m dlverify.numerics.bench")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    ap.add_argument("--out", default="")
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke run)")
    ap.add_argument(
        "--thorough", action="store_true", help="largest sizes (N = 28 where memory allows; 30 on a GPU)"
    )
    args = ap.parse_args(argv)
    try:
        device = select_device(args.device)
    except Exception as exc:  # noqa: BLE001 - bad input is one line, exit 2
        print(f"error: {exc}", file=sys.stderr)
        return 2
    Ns: tuple[int, ...]
    gd_sizes: tuple[tuple[int, int], ...]
    pb: tuple[tuple[int, int, int], ...]
    if args.quick:
        Ns, gd_sizes, pb = (16, 18, 20), ((64, 16),), ((20, 200, 2000),)
    else:
        Ns = (20, 22, 24, 26) + ((28,) + ((30,) if device.type == "cuda" else ()) if args.thorough else ())
        gd_sizes, pb = ((256, 32), (4096, 32)), ((20, 200, 20000), (50, 1000, 20000))
    bw = copy_bandwidth(device, 64 * MiB if args.quick else 512 * MiB)
    print(
        f"copy bandwidth {bw['copy_GBps']:.1f} GB/s copied ({bw['traffic_GBps']:.1f} GB/s traffic), "
        f"read {bw['read_GBps']:.1f} GB/s",
        file=sys.stderr,
    )
    res: dict[str, Any] = {
        "device": describe(device),
        "note": "copy bandwidth measured in the same run; load average recorded (other work may be running)",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "profile": "quick" if args.quick else ("thorough" if args.thorough else "default"),
        "bandwidth": bw,
        "shapley": shapley_rows(Ns, device, bw, baseline_up_to=20 if args.quick else 22),
        "shapley_vs_shapiq": shapley_vs_shapiq((8, 10) if args.quick else (10, 12, 14, 16)),
        "gradient_descent": gd_rows(gd_sizes, device=device, bw=bw),
        "pacbayes_sampler": pacbayes_rows(pb, device=device),
    }
    if device.type == "cuda":
        res["peak_memory_bytes"] = torch.cuda.max_memory_allocated(device)
    res["tables"] = tables(res)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
    ok = [r for r in res["shapley"] if "x_bound" in r]
    print(
        json.dumps({"device": res["device"], "shapley_x_bound": {r["N"]: round(r["x_bound"], 2) for r in ok}})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

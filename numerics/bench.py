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
    res = {"device": describe(device), "torch": torch.__version__, "rows": rows}
    if device.type == "cuda":
        res["peak_memory_bytes"] = torch.cuda.max_memory_allocated(device)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1)
    print(json.dumps({"device": res["device"], "max_instance_steps_per_s": max(r["instance_steps_per_s"] for r in rows)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

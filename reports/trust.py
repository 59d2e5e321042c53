"""How much to trust this: the bad-input catalogue and the stress run.

The catalogue is executed (not listed): each case runs the real entry point and records
the exit code and the one line it printed.  ``dlverify trust stress``
runs the property checks N times with fresh random seeds and records every failure with
the seed and hypothesis blob that reproduce it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from ..theorems.core import DlverifyError


def _cli(cli_main, argv: list[str]) -> tuple[int, str]:
    """The command line (its ``main``, passed in by the CLI itself) run in-process."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(argv)
    return code, err.getvalue().strip()


def _lib(fn) -> tuple[int, str]:
    """A library call: a DlverifyError is the one-line message the CLI would print (exit 2)."""
    try:
        fn()
    except DlverifyError as exc:
        return 2, f"dlverify: error: {exc}"
    return 0, ""


def _cli_cases(cli_main) -> list:
    """Bad input on the command line: (case, call) pairs; a call of None does not apply here.
    Each argument list is built when its case runs (temporary folders and files)."""

    def out() -> list[str]:
        return ["--no-checks", "--out", tempfile.mkdtemp()]

    results = lambda text: _tmp_file("results.json", text)  # noqa: E731
    argvs = {
        "unknown theorem": lambda: ["run", "--theorem", "riemann", *out()],
        "unknown profile": lambda: ["run", "--profile", "fast"],
        "unknown device": lambda: ["run", "--device", "tpu"],
        "CUDA requested without CUDA": (
            (lambda: ["run", "--device", "cuda", *out()]) if not torch.cuda.is_available() else None
        ),
        "unwritable output folder": lambda: ["run", "--no-checks", "--out", "/proc/dlverify-out"],
        "missing optional dependency": lambda: ["run", "--require", "no_such_extra", *out()],
        "unreadable results file": lambda: ["report", "/nonexistent/results.json"],
        "results file of the wrong shape ([])": lambda: ["report", results("[]")],
        "results file of the wrong shape ({})": lambda: ["report", results("{}")],
        "partial results record": lambda: ["report", results('{"tool": "dlverify", "schema": "2.1"}')],
        "malformed --checks file": lambda: [
            "report",
            _valid_results(),
            "--checks",
            _tmp_file("checks.json", '{"tests": 1}'),
            "--out",
            tempfile.mkdtemp(),
        ],
        "seed out of range (2^64)": lambda: ["run", "--seed", str(2**64), *out()],
    }
    cases = [(name, None if a is None else (lambda a=a: _cli(cli_main, a()))) for name, a in argvs.items()]
    return [*cases, ("theorem pack that cannot be imported", _broken_pack)]


def _library_cases() -> list:
    """Bad input to the library's entry points: (case, call) pairs."""
    from ..numerics import distributions, games, linear, pac_bayes_primitives, smooth

    dev = torch.device("cpu")
    nan_X = torch.zeros(1, 2, 3, dtype=torch.float64)
    nan_X[0, 0, 0] = float("nan")
    return [
        (
            "step size outside the theorem's range (η ≤ 0)",
            lambda: _lib(
                lambda: smooth.gradient_descent(
                    smooth.make("quadratic/psd", 1, 2, 1.0, seed=0, device=dev), -0.1, 3
                )
            ),
        ),
        (
            "NaN in data",
            lambda: _lib(
                lambda: linear.gd_least_squares(
                    nan_X, torch.zeros(1, 2, dtype=torch.float64), torch.tensor([0.1]), 2
                )
            ),
        ),
        (
            "non-PSD kernel",
            lambda: _lib(
                lambda: linear.require_psd(torch.tensor([[[1.0, 2.0], [2.0, 1.0]]], dtype=torch.float64))
            ),
        ),
        (
            "mismatched shapes",
            lambda: _lib(
                lambda: linear.gd_least_squares(
                    torch.zeros(1, 2, 3, dtype=torch.float64),
                    torch.zeros(1, 5, dtype=torch.float64),
                    torch.tensor([0.1]),
                    2,
                )
            ),
        ),
        (
            "empty data (n = 0)",
            lambda: _lib(lambda: linear.design(1, 0, 3, spectrum="gaussian", seed=0, device=dev)),
        ),
        ("N too large for exact enumeration", lambda: _lib(lambda: games.check_fits(1, 48, dev))),
        (
            "vocabulary of one word",
            lambda: _lib(
                lambda: distributions.dirichlet_pairs(
                    1, 1, concentration=1.0, closeness=0.1, seed=0, device=dev
                )
            ),
        ),
        (
            "probability outside (0, 1)",
            lambda: _lib(lambda: pac_bayes_primitives.check_probability("delta", 1.5)),
        ),
    ]


def _tmp_file(name: str, text: str) -> str:
    f = Path(tempfile.mkdtemp()) / name
    f.write_text(text)
    return str(f)


def _valid_results() -> str:
    from ..numerics.device import RunContext
    from .runner import new_results

    res = new_results(RunContext("cpu")) | {"status": "complete"}
    return _tmp_file("results.json", json.dumps(res))


def _broken_pack() -> tuple[int, str]:
    from .. import theorems

    theorems.register("broken_pack_lemma", "no_such_package.theorem", origin="pack broken-example 0.0")
    try:
        return _lib(lambda: theorems.load("broken_pack_lemma"))
    finally:
        theorems.unregister("broken_pack_lemma")


def bad_input_catalogue(cli_main, with_interrupt: bool = True) -> list[dict]:
    """Run every bad-input case through ``cli_main`` (the CLI's ``main``) and the library;
    ``with_interrupt`` adds the interrupted full run (slow: the test suite checks the interrupt on
    a small run in ``test_cli.py`` instead)."""
    rows = []
    for name, fn in _cli_cases(cli_main) + _library_cases():
        if fn is None:
            continue
        code, msg = fn()
        lines = [x for x in msg.splitlines() if x.strip()]
        rows.append(
            {
                "case": name,
                "exit_code": code,
                "message": lines[-1] if lines else "",
                "one_line": len(lines) == 1,
                "traceback": "Traceback" in msg,
                "ok": code == 2 and len(lines) == 1 and "Traceback" not in msg,
            }
        )
    if with_interrupt:
        rows.append(interrupted_run())
    return rows


def interrupted_run(wait_s: float = 300.0) -> dict:
    """Interrupt a real run with SIGINT once it has started (its results.json exists): the report
    of what finished must be written, marked partial."""
    out = Path(tempfile.mkdtemp())
    # pytest-xdist workers ignore SIGINT, and an ignored signal stays ignored across exec:
    # give the child the default disposition so Python installs its KeyboardInterrupt handler
    p = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dlverify.reports.cli",
            "run",
            "--no-checks",
            "--device",
            "cpu",
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    t0 = time.monotonic()
    while not (out / "results.json").exists() and p.poll() is None and time.monotonic() - t0 < wait_s:
        time.sleep(0.1)
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=wait_s)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    status = ""
    try:
        status = json.loads((out / "results.json").read_text())["status"]
    except (OSError, ValueError, KeyError):
        pass
    partial = status.startswith("partial") and (out / "report.html").exists()
    return {
        "case": "interrupted run (SIGINT)",
        "exit_code": p.returncode,
        "message": f"results.json status: {status!r}",
        "one_line": "Traceback" not in err,
        "traceback": "Traceback" in err,
        "ok": partial and "Traceback" not in err,
    }


# ----------------------------------------------------------------------------- stress


def theorem_checks() -> list[str]:
    """Every registered theorem's check file (from the registry, not a list kept by hand)."""
    from .. import theorems

    return [str(f) for t in theorems.ids() if (f := theorems.check_file(t)) is not None]


def stress(repeat: int, out: Path, root: Path) -> dict:
    """Run the theorem check files ``repeat`` times with the 'stress' hypothesis profile
    (random, not derandomized) and a fresh random seed each time; count the failures."""
    runs = []
    rng = random.SystemRandom()
    for k in range(repeat):
        seed = rng.randrange(2**31)
        rec = out / f"stress-{k}.json"
        t0 = time.perf_counter()
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                *theorem_checks(),
                "--dlverify-profile=stress",
                f"--dlverify-seed={seed}",
                f"--dlverify-out={rec}",
                "-p",
                "no:cacheprovider",
                # the plugin by name and no conftest: a checkout's conftest.py beside an installed
                # (non-editable) copy would register the same plugin module twice
                "-p",
                "dlverify.checks.plugin",
                "--noconftest",
            ],
            cwd=root,
            capture_output=True,
            text=True,
            env=os.environ | {"HYPOTHESIS_DATABASE": ""},
        )
        failures = []
        if p.returncode != 0:
            failures = [
                ln for ln in p.stdout.splitlines() if ln.startswith(("FAILED", "E   ", "@reproduce_failure"))
            ][:20]
            if not failures:  # pytest did not get to the tests: say why (its last words)
                failures = (p.stderr.strip() or p.stdout.strip()).splitlines()[-1:] or ["no output"]
        runs.append(
            {
                "run": k,
                "seed": seed,
                "exit_code": p.returncode,
                "wall_s": time.perf_counter() - t0,
                "failures": failures,
            }
        )
        print(f"stress run {k + 1}/{repeat}: seed {seed}, exit {p.returncode}", file=sys.stderr, flush=True)
    res = {
        "repeat": repeat,
        "false_failures": sum(r["exit_code"] != 0 for r in runs),
        "runs": runs,
        "profile": "stress (random examples, no database)",
        "device": "cpu" if not torch.cuda.is_available() else "cuda",
        "false_alarm_design": "each randomized verdict has false-alarm probability ≤ 1e-6 by construction",
    }
    (out / "stress.json").write_text(json.dumps(res, indent=1))
    return res


def main(argv, cli_main) -> int:
    """``dlverify trust stress|catalogue`` (the CLI passes its own ``main`` for the catalogue)."""
    import argparse

    ap = argparse.ArgumentParser(prog="dlverify trust")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("stress")
    s.add_argument("--repeat", type=int, default=20)
    s.add_argument("--out", default="reports/out")
    s.add_argument("--root", default=".")
    c = sub.add_parser("catalogue")
    c.add_argument("--out", default="reports/out")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.cmd == "stress":
        res = stress(args.repeat, out, Path(args.root))
        print(json.dumps({k: v for k, v in res.items() if k != "runs"}))
        return 0 if res["false_failures"] == 0 else 1
    rows = bad_input_catalogue(cli_main)
    (out / "bad_input.json").write_text(json.dumps(rows, indent=1))
    print(json.dumps(rows, indent=1))
    return 0 if all(r["ok"] for r in rows) else 1

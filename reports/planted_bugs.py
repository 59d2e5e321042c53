"""One planted bug per class of check that issue 23 asked for, each run against its own test.

Code mutation (:mod:`dlverify.reports.code_mutation`) plants every small change cosmic-ray can
make; this plants the four bugs a reader would write by hand -- a verdict rule, a generator's
declared constant, a statistical test's allowed rate, the exact coverage's binomial mass -- and
records which test fails on each.  A planted bug that no test fails on is a hole, and the command
exits 1.  Each bug is planted alone in a scratch copy of the working tree (the copy and its
installed layout are :func:`dlverify.reports.code_mutation.stage`'s); the working tree is never
touched.  About 20 s::

    .venv/bin/python -m dlverify.reports.planted_bugs  # writes reports/reference/planted-bugs.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .code_mutation import ROOT, stage

#: (the bug in words, file, text replaced, its replacement, the test file written for its class)
PLANTS = (
    (
        "verdict table: a claim with no proof and nothing measured is called verified, not 'not refuted'",
        "theorems/evidence.py",
        "return result(Verdict.NOT_REFUTED, Basis.NONE,",
        "return result(Verdict.VERIFIED, Basis.NONE,",
        "checks/test_verdict_table.py",
    ),
    (
        "generator constant: pl_sin declares a PL constant twice the true one (0.35 for 0.1755)",
        "numerics/smooth.py",
        "\nPL_SIN_MU_1D = 0.175\n",
        "\nPL_SIN_MU_1D = 0.35\n",
        "checks/test_generators.py",
    ),
    (
        "power: the PAC-Bayes coverage test allows a failure rate of 2δ instead of δ",
        "numerics/pac_bayes.py",
        "n_j, delta if confident else 0.0))",
        "n_j, 2 * delta if confident else 0.0))",
        "checks/test_constants.py",
    ),
    (
        "exact coverage: the binomial mass with k and m − k swapped (p read as 1 − p)",
        "numerics/pac_bayes.py",
        "torch.special.xlogy(k, p) + torch.special.xlog1py(mm - k, -p)",
        "torch.special.xlogy(mm - k, p) + torch.special.xlog1py(k, -p)",
        "checks/test_pac_bayes_exact.py",
    ),
)


def plant(what: str, path: str, old: str, new: str, test: str, python: str) -> dict:
    """Plant one bug in a fresh scratch copy and run its test file (first failure stops it)."""
    with tempfile.TemporaryDirectory(prefix="dlverify-plant-") as tmp:
        work = Path(tmp)
        shim = stage(work)
        src = (work / path).read_text()
        if src.count(old) != 1:
            raise SystemExit(f"the text to replace is not found exactly once in {path}: {old!r}")
        (work / path).write_text(src.replace(old, new))
        env = dict(os.environ, PYTHONPATH=str(shim), PYTHONDONTWRITEBYTECODE="1")
        r = subprocess.run(
            [python, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", test],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
        )
    failed = [
        ln.removeprefix("FAILED ").split(" - ")[0] for ln in r.stdout.splitlines() if ln.startswith("FAILED")
    ]
    return {
        "bug": what,
        "file": path,
        "test": test,
        "caught": r.returncode == 1 and bool(failed),
        "failed": failed,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m dlverify.reports.planted_bugs", description=__doc__.split("\n")[0]
    )
    p.add_argument("--out", type=Path, default=ROOT / "reports" / "reference" / "planted-bugs.json")
    p.add_argument("--python", default=sys.executable, help="the project's Python (torch, sympy, pytest)")
    a = p.parse_args(argv)
    rows = []
    for args in PLANTS:
        rows.append(plant(*args, python=a.python))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    a.out.write_text(json.dumps({"planted": rows}, indent=1, ensure_ascii=False) + "\n")
    return 0 if all(r["caught"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Check statistics reach the report through pytest hooks, also from pytest-xdist workers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("extra", [[], ["-n", "2"]], ids=["serial", "xdist"])
def test_records_reach_checks_json(tmp_path, extra):
    if extra:
        pytest.importorskip("xdist")
    out = tmp_path / "checks.json"
    target = "checks/test_registry.py::test_every_derivation_step_is_certified[descent_lemma]"
    p = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", target, f"--dlverify-out={out}", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    tests = json.loads(out.read_text())["tests"]
    rec = [t for t in tests if t["test"].endswith("test_every_derivation_step_is_certified[descent_lemma]")]
    assert (
        rec
        and rec[0]["theorem"] == "descent_lemma"
        and rec[0]["examples"] >= 20
        and rec[0]["outcome"] == "passed"
    )

"""The dlverify command: exit codes, one-line errors, a partial run still writes its report."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from dlverify.reports import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("argv, needle", [
    (["run", "--theorem", "nope"], "unknown theorem 'nope'; registered:"),
    (["run", "--profile", "fast"], "invalid choice: 'fast'"),
    (["run", "--device", "tpu"], "invalid choice: 'tpu'"),
    (["run", "--seed", "x"], "invalid int value"),
    ([], "a command is required"),
    (["frobnicate"], "invalid choice"),
    (["report", "/nonexistent/results.json"], "cannot read results file"),
])
def test_bad_usage_is_one_line_exit_2(capsys, argv, needle):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "Traceback" not in err[0], err


def test_cuda_requested_without_cuda(capsys):
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    assert cli.main(["run", "--device", "cuda", "--no-checks", "--out", "unused"]) == 2
    assert "no CUDA device" in capsys.readouterr().err


def test_unwritable_output_folder(tmp_path, capsys):
    if os.geteuid() == 0:
        target = "/proc/dlverify-out"  # not writable even for root
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        target = str(ro / "out")
    assert cli.main(["run", "--no-checks", "--out", target]) == 2
    err = capsys.readouterr().err
    assert "not writable" in err and err.count("\n") == 1


def test_list_names_every_registered_theorem(capsys):
    from dlverify import theorems

    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(t in out for t in theorems.REGISTRY)


def test_run_writes_results_and_report_and_rebuilds(tmp_path):
    assert cli.main(["run", "--no-checks", "--device", "cpu", "--out", str(tmp_path)]) == 0
    res = json.loads((tmp_path / "results.json").read_text())
    assert res["schema"] and res["status"] == "complete" and res["theorems"][0]["passed"]
    (tmp_path / "report.html").unlink()
    assert cli.main(["report", str(tmp_path / "results.json")]) == 0
    assert (tmp_path / "report.html").read_text().count("<math") > 30


def test_interrupted_run_keeps_a_partial_report(tmp_path, monkeypatch):
    from dlverify.numerics.device import RunContext
    from dlverify.reports import runner

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_theorem", interrupted)
    res = runner.run(["descent_lemma"], RunContext("cpu"), tmp_path, progress=lambda s: None, with_checks=False)
    assert res["status"].startswith("partial")
    assert "partial" in (tmp_path / "report.html").read_text()
    assert json.loads((tmp_path / "results.json").read_text())["status"].startswith("partial")


def test_entry_point_prints_no_traceback(tmp_path):
    p = subprocess.run([sys.executable, "-m", "dlverify.reports.cli", "run", "--theorem", "x"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("\n") == 1

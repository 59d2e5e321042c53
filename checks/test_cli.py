"""The dlverify command: exit codes, one-line errors, partial runs, the report, JUnit, the notebook view.

These drive a small theorem (the skeleton lemma of ``dlverify new``, registered at run time),
not the whole suite: what the real theorems compute is tested in their own files and in
``test_registry.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from dlverify import theorems
from dlverify.checks.packs import make_pack
from dlverify.reports import cli

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TOY = "toy_bernoulli"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    """The skeleton lemma, importable and registered for this process."""
    site = make_pack(tmp_path_factory.mktemp("pack"), TOY)
    sys.path.insert(0, str(site))
    theorems.register(TOY, f"{TOY}_pack.theorem")
    yield site
    theorems.unregister(TOY)
    sys.path.remove(str(site))


@pytest.fixture(scope="module")
def toy_run(toy, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    junit = out / "junit.xml"
    code = cli.main(["run", "--theorem", TOY, "--device", "cpu", "--out", str(out), "--junit", str(junit)])
    return code, out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["run", "--theorem", "nope"], "unknown theorem 'nope'; registered:"),
        (["run", "--profile", "fast"], "invalid choice: 'fast'"),
        (["run", "--device", "tpu"], "invalid choice: 'tpu'"),
        (["run", "--seed", "x"], "invalid int value"),
        (["run", "--seed", str(2**64)], "outside 0 … 2^63 − 1"),
        (["run", "--seed", "-1"], "outside 0 … 2^63 − 1"),
        ([], "a command is required"),
        (["frobnicate"], "invalid choice"),
        (["report", "/nonexistent/results.json"], "cannot read results file"),
        (["trust"], "needs 'stress' or 'catalogue'"),
        (["new", "Bad-Id"], "must be lower-case letters"),
    ],
)
def test_bad_usage_is_one_line_exit_2(capsys, argv, needle):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0] and "Traceback" not in err[0], err


@pytest.mark.parametrize(
    "content, needle",
    [
        ("[]", "the top level is a list"),
        ("{}", "no 'tool': 'dlverify'"),
        ('{"tool": "dlverify", "schema": "2.1"}', "'theorems' is missing"),
        ('{"tool": "dlverify", "schema": "1.0", "theorems": []}', "schema '1.0'"),
        (
            '{"tool": "dlverify", "schema": "2.1", "theorems": [{"id": "x"}], "context": {}, "status": '
            '"complete"}',
            "theorems[0].title",
        ),
        ("not json", "cannot read results file"),
    ],
)
def test_regression_report_on_a_wrong_file_is_one_line_and_writes_nothing(tmp_path, capsys, content, needle):
    """Issue 12: `dlverify report` on valid JSON of the wrong shape gave a traceback, exit 1,
    after overwriting DIR/results.json."""
    f = tmp_path / "results.json"
    f.write_text(content)
    assert cli.main(["report", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err
    assert f.read_text() == content and sorted(p.name for p in tmp_path.iterdir()) == ["results.json"]


def test_regression_malformed_checks_file_is_one_line(toy_run, tmp_path, capsys):
    _, out = toy_run
    bad = tmp_path / "checks.json"
    bad.write_text('{"tests": 3}')
    assert (
        cli.main(["report", str(out / "results.json"), "--checks", str(bad), "--out", str(tmp_path / "o")])
        == 2
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a checks.json" in err[0]


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


def test_list_names_every_theorem_and_its_origin(toy, capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert all(t in out for t in theorems.REGISTRY) and "[built-in]" in out
    assert TOY in out and "registered at run time" in out


def test_run_writes_results_errata_report_and_junit(toy_run):
    code, out = toy_run
    assert code == 0
    res = json.loads((out / "results.json").read_text())
    t = res["theorems"][0]
    assert res["status"] == "complete" and t["passed"] and t["id"] == TOY
    assert t["claims"][0]["verdict"] == "verified" and t["claims"][0]["basis"] == "proved and measured"
    assert t["wrong_variants"][0]["verdict"] == "false"
    assert t["fuzzing"] and all(f["outcome"] == "passed" for f in t["fuzzing"])
    assert json.loads((out / "errata.json").read_text())["schema"] == res["schema"]
    cases = ET.parse(out / "junit.xml").getroot().findall(".//testcase")
    kinds = ("errors", "derivation", "claims", "wrong_variants", "as_written", "experiments", "tightness")
    kinds += ("fuzzing",)
    # one JUnit case per item of every kind, and one for the pytest session when checks ran
    assert len(cases) == sum(len(t.get(k, [])) for k in kinds) + ("pytest_exit_code" in res)
    assert not ET.parse(out / "junit.xml").getroot().findall(".//failure")


def test_report_rebuilds_the_page_without_touching_results(toy_run):
    _, out = toy_run
    before = (out / "results.json").read_bytes()
    (out / "report.html").unlink()
    assert cli.main(["report", str(out / "results.json")]) == 0
    assert (out / "results.json").read_bytes() == before
    html = (out / "report.html").read_text()
    assert html.count("<math") > 5 and 'id="errata"' in html and 'id="coverage"' in html


def test_interrupted_run_keeps_a_partial_report(tmp_path, monkeypatch):
    from dlverify.numerics.device import RunContext
    from dlverify.reports import runner

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_theorem", interrupted)
    res = runner.run(
        ["descent_lemma"], RunContext("cpu"), tmp_path, progress=lambda s: None, with_checks=False
    )
    assert res["status"].startswith("partial")
    assert "partial" in (tmp_path / "report.html").read_text()
    assert json.loads((tmp_path / "results.json").read_text())["status"].startswith("partial")


def test_entry_point_prints_no_traceback():
    p = subprocess.run(
        [sys.executable, "-m", "dlverify.reports.cli", "run", "--theorem", "x"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "Traceback" not in p.stderr and p.stderr.count("\n") == 1


def test_notebook_view_renders_the_theorem_section(toy):
    """`dlverify.run(...)` returns a result whose `_repr_html_` is the report's section."""
    import dlverify

    result = dlverify.run(TOY, profile="ci", device="cpu")
    html = result._repr_html_()
    assert f'id="{TOY}"' in html and "<math" in html and "verified" in html and "<html" not in html
    assert result.passed and result.verdicts[f"{TOY}.bernoulli"] == "verified"
    assert json.loads(result.to_json())["theorems"][0]["id"] == TOY


def test_progress_is_quiet_off_a_terminal():
    import io

    from dlverify.reports.progress import Progress

    buf = io.StringIO()
    with Progress(["a"], stream=buf) as p:
        p("a: derivation")
        p("a: claims")
        p("a: passed — verified (0.1 s)")
    assert buf.getvalue().strip().splitlines() == ["[dlverify] a: passed — verified (0.1 s)"]

"""Theorem packs: a package built in a temporary folder ships a lemma and gets the same treatment.

The pack is found through its ``dlverify.theorems`` entry point (``importlib.metadata``), runs
end to end with ``dlverify run --theorem``, and its own tests run under plain ``pytest`` in its
folder with our plugin (profiles, the ``ctx`` fixture) loaded through ``pytest11``.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from dlverify.checks.packs import env_with, make_pack, python
from dlverify.reports.scaffold import new_theorem

TOY = "toy_pack_lemma"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return make_pack(tmp_path_factory.mktemp("pack"), TOY)


def _cli(site, *args, cwd=None):
    return subprocess.run(
        [python(), "-m", "dlverify.reports.cli", *args],
        capture_output=True,
        text=True,
        env=env_with(site),
        cwd=cwd,
    )


def test_list_shows_the_pack_beside_the_built_in_theorems(site):
    p = _cli(site, "list")
    assert p.returncode == 0, p.stderr
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith(TOY))
    assert "[pack dlverify-pack-toy-pack-lemma 0.1.0]" in line
    assert "descent_lemma" in p.stdout and "[built-in]" in p.stdout


def test_the_pack_runs_end_to_end_with_its_checks(site, tmp_path):
    p = _cli(site, "run", "--theorem", TOY, "--device", "cpu", "--out", str(tmp_path))
    assert p.returncode == 0, p.stdout + p.stderr
    t = json.loads((tmp_path / "results.json").read_text())["theorems"][0]
    assert t["passed"] and t["origin"].startswith("pack ")
    assert t["claims"][0]["verdict"] == "verified" and t["wrong_variants"][0]["verdict"] == "false"
    assert {f["test"].split("::")[-1] for f in t["fuzzing"]} >= {
        "test_dropping_the_assumption_breaks_the_claim",
        "test_the_wrong_variant_is_refuted_and_the_claim_holds",
    }


def test_plain_pytest_in_the_pack_uses_our_plugin(site):
    p = subprocess.run(
        [python(), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=site,
        capture_output=True,
        text=True,
        env=env_with(site),
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "3 passed" in p.stdout  # the ctx fixture is our plugin's


def test_a_broken_pack_is_one_line_naming_it_and_the_others_still_run(tmp_path):
    good = make_pack(tmp_path / "good", TOY)
    broken = make_pack(tmp_path / "broken", "broken_lemma", entry="no_such_module.theorem")
    env = env_with(good)
    env["PYTHONPATH"] = f"{broken}:{env['PYTHONPATH']}"
    p = subprocess.run(
        [
            python(),
            "-m",
            "dlverify.reports.cli",
            "run",
            "--theorem",
            TOY,
            "--theorem",
            "broken_lemma",
            "--no-checks",
            "--device",
            "cpu",
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    res = json.loads((tmp_path / "out" / "results.json").read_text())
    by = {t["id"]: t for t in res["theorems"]}
    assert by[TOY]["passed"]
    assert not by["broken_lemma"]["passed"]
    err = by["broken_lemma"]["errors"]
    assert len(err) == 1 and "pack dlverify-pack-broken-lemma 0.1.0" in err[0] and "no_such_module" in err[0]
    assert "\n" not in err[0]


def test_new_refuses_to_overwrite(tmp_path):
    new_theorem("some_lemma", pack=tmp_path / "p")
    p = subprocess.run(
        [python(), "-m", "dlverify.reports.cli", "new", "some_lemma", "--pack", str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "never overwrites" in p.stderr and p.stderr.count("\n") == 1


def test_new_in_a_repository_writes_module_numerics_checks_and_the_registry_line(tmp_path):
    (tmp_path / "theorems").mkdir()
    (tmp_path / "theorems" / "__init__.py").write_text('REGISTRY: list[str] = [\n    "descent_lemma",\n]\n')
    written = new_theorem("my_lemma", repo=tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert names == {
        "theorems/my_lemma.py",
        "numerics/my_lemma.py",
        "checks/test_my_lemma.py",
        "theorems/__init__.py",
    }
    assert '"my_lemma",' in (tmp_path / "theorems" / "__init__.py").read_text()
    for p in written:
        compile(p.read_text(), str(p), "exec")


def test_a_pack_whose_check_file_was_not_installed_fails_loudly(tmp_path):
    """A pack installed with plain `pip install DIR` ships no tests/ folder: the run must say which
    check file is missing (one line) instead of running no property checks in silence."""
    import shutil
    import sys

    from dlverify import theorems
    from dlverify.theorems.relations import DlverifyError

    tid = "toy_missing_checks"
    site = make_pack(tmp_path, tid)
    sys.path.insert(0, str(site))
    try:
        theorems.register(tid, f"{tid}_pack.theorem", "pack under test")
        assert theorems.check_file(tid) is not None  # installed with its tests: found
        shutil.rmtree(site / "tests")
        with pytest.raises(DlverifyError, match=r"CHECK_FILE .*test_toy_missing_checks\.py does not exist"):
            theorems.check_file(tid)
    finally:
        theorems.unregister(tid)
        sys.path.remove(str(site))

"""pytest plugin: hypothesis profiles, markers, options, and result recording.

Loaded by the repository's ``conftest.py`` and by ``dlverify run`` (``-p
dlverify.checks.plugin``), so both feed the same ``checks.json`` and report.

Statistics are recorded through hooks, not fixtures: a check calls :func:`record`
while it runs; ``pytest_runtest_makereport`` moves what it recorded into the report's
``user_properties`` (which pytest-xdist ships from workers to the controller), and
the controller writes every record once, in ``pytest_sessionfinish``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings

# --------------------------------------------------------------------------- profiles
# Our "ci" replaces hypothesis' built-in profile of that name (auto-loaded when CI is set):
# derandomized, so a CI verdict is a pure function of the code, and fast on 2 cores.
settings.register_profile(
    "ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=200,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# for the stress run: random seeds, no database, every failure prints its blob
settings.register_profile(
    "stress",
    max_examples=25,
    deadline=None,
    database=None,
    print_blob=True,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.generate, Phase.target, Phase.shrink],
)

_CURRENT: dict[str, list] = {}
_NODE: list[str] = [""]
_COLLECTED: list[dict] = []


def record(
    theorem: str,
    *,
    examples: int = 1,
    counterexamples: int = 0,
    ratio: float | None = None,
    note: str | None = None,
    counterexample: dict | None = None,
) -> None:
    """Accumulate statistics of the running test: examples tried, counterexamples found,
    the largest measured/bound ratio (the quantity ``hypothesis.target`` pushes up), a note
    and the first counterexample."""
    node = _NODE[0]
    cur = _CURRENT.setdefault(
        node, [{"theorem": theorem, "examples": 0, "counterexamples": 0, "max_ratio": None}]
    )[0]
    cur["examples"] += examples
    cur["counterexamples"] += counterexamples
    if ratio is not None and (cur["max_ratio"] is None or ratio > cur["max_ratio"]):
        cur["max_ratio"] = float(ratio)
    if note:
        cur["note"] = note
    if counterexample and "counterexample" not in cur:
        cur["counterexample"] = counterexample


def pytest_sessionstart(session):
    _COLLECTED.clear()
    _CURRENT.clear()


def pytest_addoption(parser):
    g = parser.getgroup("dlverify")
    g.addoption(
        "--dlverify-profile",
        default=os.environ.get("DLVERIFY_PROFILE", "ci"),
        choices=("ci", "thorough", "stress"),
        help="hypothesis profile and problem sizes",
    )
    g.addoption(
        "--dlverify-device", default=os.environ.get("DLVERIFY_DEVICE", "auto"), help="auto, cpu or cuda"
    )
    g.addoption("--dlverify-seed", default=int(os.environ.get("DLVERIFY_SEED", "20261123")), type=int)
    g.addoption(
        "--dlverify-out",
        default=os.environ.get("DLVERIFY_CHECKS_OUT", ""),
        help="write the recorded check statistics to this JSON file",
    )


def pytest_configure(config):
    for line in (
        "gpu: needs a CUDA device (skipped without one)",
        "slow: long-running; thorough profile",
        "browser: drives headless Chromium",
        "pepit: needs PEPit (pip install '.[pepit]'; skipped without it)",
        # pytest-xdist's own marker, registered here too so that a run without xdist knows it
        "xdist_group(name): run the tests of one group in one worker (with --dist loadgroup)",
    ):
        config.addinivalue_line("markers", line)
    settings.load_profile(config.getoption("--dlverify-profile"))


@pytest.fixture(scope="session")
def ctx(request):
    """The run context of the checks (device, seed, profile)."""
    from ..numerics.device import RunContext

    prof = request.config.getoption("--dlverify-profile")
    return RunContext.shared(
        request.config.getoption("--dlverify-device"),
        request.config.getoption("--dlverify-seed"),
        "thorough" if prof == "thorough" else "ci",
    )


def pytest_collection_modifyitems(config, items):
    import torch

    if not torch.cuda.is_available():
        skip = pytest.mark.skip(reason="needs a CUDA device")
        for it in items:
            if "gpu" in it.keywords:
                it.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    _NODE[0] = item.nodeid
    try:
        return (yield)
    finally:
        _NODE[0] = ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if call.when == "call":
        for stats in _CURRENT.pop(item.nodeid, []):
            rep.user_properties.append(("dlverify", json.dumps(stats, default=str)))
    return rep


def pytest_runtest_logreport(report):
    if report.when != "call" and not (report.when == "setup" and report.skipped):
        return
    recs = [json.loads(v) for k, v in report.user_properties if k == "dlverify"]
    outcome = report.outcome
    reason = {}
    if report.skipped and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        reason = {"reason": str(report.longrepr[2]).removeprefix("Skipped: ")}
    for r in recs or [{}]:
        if not r and not report.nodeid.split("::")[0].split("/")[-1].startswith("test_"):
            continue
        rec = {"test": report.nodeid, "outcome": outcome, "duration_s": report.duration} | reason | r
        _COLLECTED.append(rec)


def pytest_sessionfinish(session, exitstatus):
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller writes
        return
    out = session.config.getoption("--dlverify-out")
    if not out:
        return
    tests = []
    for r in _COLLECTED:
        if "theorem" not in r:
            stem = Path(r["test"].split("::")[0]).stem
            r["theorem"] = stem[5:] if stem.startswith("test_") else stem
        tests.append(r)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps({"exit_status": int(exitstatus), "tests": tests}, indent=1))

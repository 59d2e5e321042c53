"""Run registered theorems and record everything in ``results.json`` (schema versioned).

A theorem module provides ``THEOREM`` (a :class:`~dlverify.theorems.core.Theorem`),
``check_claim(claim, ctx)``, ``wrong_variants()``, ``experiments(ctx)`` and
``tightness(ctx)``.  The runner re-checks the derivation, evaluates the source's lines
as written, every claim and every wrong variant, runs the experiments, and writes the
results after each theorem, so an interrupted run still leaves what finished.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
import traceback
from pathlib import Path
from typing import Callable

import sympy as sp

from dlverify import theorems as registry
from dlverify.numerics.device import RunContext
from dlverify.theorems.core import SCHEMA_VERSION, DlverifyError, Verdict, check_derivation

Progress = Callable[[str], None]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def run_theorem(theorem_id: str, ctx: RunContext, progress: Progress = lambda s: None) -> dict:
    mod = registry.load(theorem_id)
    th = mod.THEOREM
    t0 = time.perf_counter()
    rec: dict = {
        "id": th.id, "title": th.title, "source": th.source.cite(),
        "other_sources": [s.cite() for s in th.other_sources], "statement": th.statement,
        "assumptions": [{"key": a.key, "text": a.text, "latex": a.tex()} for a in th.assumptions],
        "context": ctx.describe(), "started": _now(), "errors": [],
    }
    progress(f"{th.id}: derivation ({len(th.derivation)} steps)")
    marks = check_derivation(th)
    rec["derivation"] = [m.__dict__ for m in marks]

    progress(f"{th.id}: source as written ({len(th.as_written)} lines)")
    rec["as_written"] = []
    for line in th.as_written:
        ev = line.evidence() if line.evidence else None
        rec["as_written"].append({"key": line.key, "where": line.where, "as_written": line.as_written,
                                  "verdict": line.verdict.value, "finding": line.finding,
                                  "corrected": line.corrected, "evidence": ev})

    progress(f"{th.id}: claims ({len(th.claims)})")
    rec["claims"] = [mod.check_claim(c, ctx).as_dict() for c in th.claims]
    progress(f"{th.id}: wrong variants")
    rec["wrong_variants"] = [mod.check_claim(v, ctx).as_dict() for v in mod.wrong_variants()]
    progress(f"{th.id}: experiments")
    rec["experiments"] = mod.experiments(ctx)
    progress(f"{th.id}: tightness")
    rec["tightness"] = mod.tightness(ctx)
    rec["wall_s"] = time.perf_counter() - t0
    rec["fuzzing"] = []
    finish_theorem(rec)
    return rec


def finish_theorem(rec: dict) -> None:
    """Decide pass/fail: every step certified, every claim holds, every wrong variant caught."""
    problems = list(rec.get("errors", []))
    problems += [f"derivation step '{m['key']}' not certified: {m['detail']}" for m in rec["derivation"] if not m["ok"]]
    problems += [f"claim '{c['key']}' is {c['verdict']}" for c in rec["claims"]
                 if not Verdict(c["verdict"]).holds]
    problems += [f"wrong variant '{v['key']}' was not rejected ({v['verdict']})" for v in rec["wrong_variants"]
                 if v["verdict"] != Verdict.FALSE.value]
    # ok None: a measurement the report shows but no theorem asserts
    for e in rec["experiments"]:  # ok may come back as a numpy or torch bool: normalise before deciding
        e["ok"] = None if e["ok"] is None else bool(e["ok"])
    problems += [f"experiment '{e['key']}' did not match its prediction" for e in rec["experiments"] if e["ok"] is False]
    problems += [f"property check '{f['test']}' failed" for f in rec.get("fuzzing", []) if f.get("outcome") == "failed"]
    rec["problems"] = problems
    rec["passed"] = not problems
    main = rec["claims"][0]["verdict"] if rec["claims"] else Verdict.VERIFIED.value
    rec["verdict"] = main if not problems else Verdict.FALSE.value if any(
        c["verdict"] == Verdict.FALSE.value for c in rec["claims"]) else "check failed"


def new_results(ctx: RunContext, argv: list[str] | None = None) -> dict:
    return {"schema": SCHEMA_VERSION, "tool": "dlverify", "started": _now(), "finished": None,
            "status": "running", "argv": argv or [], "context": ctx.describe(),
            "host": {"python": platform.python_version(), "machine": platform.machine(), "node": platform.node()},
            "theorems": [], "failures": []}


def write(results: dict, out: Path) -> None:
    """Write results.json and the HTML report atomically (a partial run keeps what finished)."""
    from dlverify.reports.html import render

    out.mkdir(parents=True, exist_ok=True)
    attach_trust(results, out)
    tmp = out / "results.json.tmp"
    tmp.write_text(json.dumps(results, indent=1, default=_json_default))
    os.replace(tmp, out / "results.json")
    html = render(results)
    tmp = out / "report.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out / "report.html")


TRUST_FILES = {"mutation": "mutation.json", "stress": "stress.json", "bad_input": "bad_input.json"}


def attach_trust(results: dict, out: Path) -> None:
    """Merge the trust records found in the output folder (written by ``dlverify mutate``,
    the stress run and the bad-input catalogue) into the results."""
    trust = results.setdefault("trust", {})
    for key, name in TRUST_FILES.items():
        f = out / name
        if f.exists():
            try:
                trust[key] = json.loads(f.read_text())
            except ValueError:
                trust[key] = {"error": f"{name} is not valid JSON"}
    per = {}
    for f in sorted(out.glob("mutation-*.json")):  # per-theorem files override the combined one
        try:
            rec = json.loads(f.read_text())
            per[rec["theorem"]] = rec
        except (ValueError, KeyError):
            continue
    if per:
        merged = {r["theorem"]: r for r in trust.get("mutation", []) if isinstance(r, dict) and "theorem" in r}
        merged.update(per)
        trust["mutation"] = list(merged.values())


def _json_default(o):
    if isinstance(o, (sp.Basic,)):
        return str(o)
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def check_output_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise DlverifyError(f"output folder '{out}' is not writable ({exc.strerror}); choose another with --out") from None


def run(theorem_ids: list[str], ctx: RunContext, out: Path, *, progress: Progress = print,
        with_checks: bool = True, argv: list[str] | None = None) -> dict:
    for tid in theorem_ids:
        registry.load(tid)  # unknown ids fail before anything runs
    check_output_dir(out)
    results = new_results(ctx, argv)
    try:
        write(results, out)
        for tid in theorem_ids:
            try:
                rec = run_theorem(tid, ctx, progress)
            except DlverifyError:
                raise
            except Exception as exc:  # a crash in one theorem is a failure recorded, not a lost run
                rec = {"id": tid, "title": tid, "passed": False, "verdict": "check failed",
                       "errors": [f"crashed: {type(exc).__name__}: {exc}"], "traceback": traceback.format_exc(),
                       "derivation": [], "claims": [], "wrong_variants": [], "experiments": [], "tightness": [],
                       "as_written": [], "fuzzing": []}
                finish_theorem(rec)
            results["theorems"].append(rec)
            write(results, out)
            progress(f"{tid}: {'passed' if rec['passed'] else 'FAILED'} — {rec['verdict']}")
        if with_checks:
            progress("property checks (pytest + hypothesis)")
            attach_checks(results, theorem_ids, ctx, out)
        results["status"] = "complete"
    except KeyboardInterrupt:
        results["status"] = "partial (interrupted)"
        progress("interrupted: writing the report of what finished")
    finally:
        results["finished"] = _now()
        results["failures"] = [f"{t['id']}: {p}" for t in results["theorems"] for p in t.get("problems", [])]
        write(results, out)
    return results


def attach_checks(results: dict, theorem_ids: list[str], ctx: RunContext, out: Path) -> None:
    """Run the theorems' check files under pytest and merge their fuzzing statistics."""
    import pytest

    import dlverify.checks as checks_pkg

    base = Path(checks_pkg.__file__).parent
    files = [str(base / f"test_{tid}.py") for tid in theorem_ids if (base / f"test_{tid}.py").exists()]
    if not files:
        return
    fuzz_file = out / "checks.json"
    args = files + ["-q", "-p", "dlverify.checks.plugin", "-p", "no:cacheprovider", "--import-mode=importlib",
                    f"--dlverify-out={fuzz_file}", f"--dlverify-profile={ctx.profile}",
                    f"--dlverify-device={ctx.device.type}", f"--dlverify-seed={ctx.seed}",
                    "-m", "not browser", "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    code = pytest.main(args)
    merge_checks(results, fuzz_file)
    results["pytest_exit_code"] = int(code)


def merge_checks(results: dict, fuzz_file: Path) -> None:
    if not fuzz_file.exists():
        return
    data = json.loads(fuzz_file.read_text())
    for th in results["theorems"]:
        th["fuzzing"] = [r for r in data["tests"] if r.get("theorem") == th["id"]]
        finish_theorem(th)

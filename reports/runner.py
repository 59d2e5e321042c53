"""Run registered theorems and record everything in ``results.json`` (schema versioned).

For each theorem the runner re-checks the derivation once, gathers the evidence of every
claim, wrong variant and source line through :func:`dlverify.theorems.core.assess` (each
relation measured at most once per run), runs the experiments and the tightness table of the
theorem's numeric side, and writes the results after each theorem, so an interrupted run still
leaves what finished.  Verdicts come from :mod:`dlverify.theorems.evidence` alone.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import sympy as sp

from .. import theorems as registry
from ..numerics.contract import Measurer, experiments_of
from ..numerics.contract import measurer as _measurer
from ..numerics.device import RunContext
from ..theorems.core import (
    SCHEMA_VERSION,
    DlverifyError,
    Theorem,
    Verdict,
    assess,
    check_derivation,
    judge_line,
)
from ..theorems.evidence import applicability, theorem_outcome
from .notation import instance as _instance

Progress = Callable[[str], None]

#: verdicts of a source line that the errata list: wrong as printed ("loose" statements are true:
#: they are listed apart, with their sharper constants; "not checked" is the suite's limit)
ERRATA_VERDICTS = (Verdict.FALSE.value, Verdict.MISPRINT.value, Verdict.NEEDS_ASSUMPTION.value)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def measurer(theorem_id: str, ctx: RunContext) -> Measurer:
    """The theorem's one memoised ``measure`` in this run context (see :mod:`dlverify.numerics.contract`)."""
    return _measurer(theorem_id, registry.numeric(theorem_id), ctx)


def _records(items) -> list[dict]:
    return [x.to_dict() if hasattr(x, "to_dict") else dict(x) for x in items]


def source_line_record(th: Theorem, line, marks, measure) -> dict:
    j, reading, corrected = judge_line(th, line, marks, measure)
    application = applicability(th, line, marks) if line.applies else None
    return {
        "key": line.key,
        "doc": line.doc,
        "line": line.line,
        "cite": line.cite(),
        "anchor": line.anchor,
        "what": line.what,
        "latex": line.latex,
        "verdict": j.verdict.value,
        "basis": j.basis,
        "detail": j.detail,
        "corrected_latex": line.corrected_latex,
        "note": line.note,
        "unchecked": line.unchecked,
        "kind": line.kind,
        "edit": line.edit,
        "cause": line.cause,
        "fixed": {sp.sstr(k): sp.sstr(v) for k, v in line.fixed.items()},
        "standing": list(line.standing),
        "reading": reading.to_dict() if reading else None,
        "corrected": corrected.to_dict() if corrected else None,
        "applies": line.applies,
        "at": {sp.sstr(k): sp.sstr(v) for k, v in line.at.items()},
        "application": application.to_dict() if application else None,
    }


def run_theorem(theorem_id: str, ctx: RunContext, progress: Progress = lambda s: None) -> dict:
    th = registry.load(theorem_id).THEOREM
    num = registry.numeric(theorem_id)  # noqa: F841 - imported first: a broken numeric side fails here
    origin = registry.entry(theorem_id).origin
    t0 = time.perf_counter()
    stages: dict[str, float] = {}
    rec: dict = {
        "id": th.id,
        "title": th.title,
        "origin": origin,
        "source": th.source.cite(),
        "other_sources": [s.cite() for s in th.other_sources],
        "statement": th.statement,
        "assumptions": [
            {"key": a.key, "text": a.text, "latex": _assumption_latex(th, a), "definition": a.definition}
            for a in th.assumptions
        ],
        "context": ctx.describe(),
        "started": _now(),
        "errors": [],
        "stages": stages,
    }

    def stage(name: str, fn):
        progress(f"{th.id}: {name}")
        s0 = time.perf_counter()
        out = fn()
        stages[name] = time.perf_counter() - s0
        return out

    marks = stage("derivation", lambda: check_derivation(th))
    rec["derivation"] = [m.to_dict() for m in marks]
    measure = measurer(theorem_id, ctx)
    rec["claims"] = stage("claims", lambda: [assess(th, c, marks, measure).to_dict() for c in th.claims])
    rec["wrong_variants"] = stage(
        "wrong variants", lambda: [assess(th, v, marks, measure).to_dict() for v in th.wrong_variants]
    )
    rec["as_written"] = stage(
        "source lines", lambda: [source_line_record(th, ln, marks, measure) for ln in th.as_written]
    )
    rec["experiments"] = stage("experiments", lambda: _records(experiments_of(measure.numeric, ctx)))
    rec["tightness"] = stage("tightness", lambda: _records(measure.numeric.tightness(ctx)))
    rec["wall_s"] = time.perf_counter() - t0
    rec["fuzzing"] = []
    finish_theorem(rec)
    return rec


def finish_theorem(rec: dict) -> None:
    """Pass/fail of a theorem, decided by :func:`dlverify.theorems.evidence.theorem_outcome`."""
    rec["problems"], rec["passed"], rec["verdict"] = theorem_outcome(rec)


def errata(results: dict) -> dict:
    """Every source line wrong as printed (the errata), the loose ones and the ones not checked,
    by document and line."""
    rows, loose, unchecked = [], [], []
    for t in results.get("theorems", []):
        for s in t.get("as_written", []):
            row = {
                "theorem": t["id"],
                "key": s["key"],
                "doc": s["doc"],
                "line": s["line"],
                "cite": s["cite"],
                "anchor": s["anchor"],
                "what": s["what"],
                "latex": s["latex"],
                "verdict": s["verdict"],
                "corrected_latex": s.get("corrected_latex", ""),
                "edit": s.get("edit", ""),
                "cause": s.get("cause", ""),
                "evidence": s.get("detail", ""),
                "note": s.get("note", ""),
                "kind": s.get("kind", ""),
                # the numbers a reader checks by hand: the reading's counterexample
                "instance": _instance((s.get("reading") or {}).get("counterexample"))[0],
            }
            if s["verdict"] in ERRATA_VERDICTS:
                rows.append(row)
            elif s["verdict"] == Verdict.LOOSE.value:
                loose.append(row)
            elif s["verdict"] == Verdict.NOT_CHECKED.value:
                unchecked.append(row)
    key = lambda r: (r["doc"], r["line"], r["theorem"])  # noqa: E731
    return {
        "schema": SCHEMA_VERSION,
        "errata": sorted(rows, key=key),
        "loose": sorted(loose, key=key),
        "not_checked": sorted(unchecked, key=key),
        "coverage": coverage(results),
    }


def coverage(results: dict) -> list[dict]:
    """Per document and theorem: statements, checked, verified, flagged (by verdict), not checked."""
    table: dict[tuple[str, str], dict] = {}
    for t in results.get("theorems", []):
        for s in t.get("as_written", []):
            row = table.setdefault(
                (s["doc"], t["id"]),
                {
                    "doc": s["doc"],
                    "theorem": t["id"],
                    "statements": 0,
                    "checked": 0,
                    "verified": 0,
                    "loose": 0,
                    "false": 0,
                    "misprint": 0,
                    "needs an assumption": 0,
                    "not checked": 0,
                },
            )
            row["statements"] += 1
            v = s["verdict"]
            if v == Verdict.NOT_CHECKED.value:
                row["not checked"] += 1
                continue
            row["checked"] += 1
            if v in (Verdict.VERIFIED.value, Verdict.TIGHT.value):
                row["verified"] += 1
            elif v == Verdict.LOOSE.value:
                row["loose"] += 1
            elif v == Verdict.FALSE.value:
                row["false"] += 1
            elif v == Verdict.MISPRINT.value:
                row["misprint"] += 1
            elif v == Verdict.NEEDS_ASSUMPTION.value:
                row["needs an assumption"] += 1
    return [table[k] for k in sorted(table)]


def new_results(ctx: RunContext, argv: list[str] | None = None) -> dict:
    return {
        "schema": SCHEMA_VERSION,
        "tool": "dlverify",
        "started": _now(),
        "finished": None,
        "status": "running",
        "argv": argv or [],
        "context": ctx.describe(),
        "host": {"python": platform.python_version(), "machine": platform.machine(), "node": platform.node()},
        "theorems": [],
        "failures": [],
    }


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write(results: dict, out: Path, *, results_json: bool = True, page: bool = True) -> None:
    """Write results.json, errata.json and the HTML report atomically (a partial run keeps what
    finished).  ``results_json=False`` (``dlverify report``) rewrites only the page and the errata;
    ``page=False`` leaves the page as it is (rendering it takes seconds)."""
    from .html import render

    out.mkdir(parents=True, exist_ok=True)
    attach_trust(results, out)
    results["errata"] = errata(results)
    if results_json:
        _atomic_write(out / "results.json", json.dumps(results, indent=1, default=_json_default))
    _atomic_write(out / "errata.json", json.dumps(results["errata"], indent=1, default=_json_default))
    if page:
        _atomic_write(out / "report.html", render(results))


#: during a run the page is re-rendered after a theorem only when the last rendering is this
#: old (results.json is rewritten after every theorem; the page always at the end)
PAGE_EVERY_S = 60.0


def _assumption_latex(th, a) -> str:
    """An assumption's formula as the page shows it.  A name the kernel gives to a step's identity
    (:func:`dlverify.theorems.kernel.named_identities`: ``id_KEY := lhs − rhs``, certified by
    unfolding at step KEY) is shown by reference to that step, whose row in the derivation already
    shows the identity: writing the difference out again doubled the page's largest formulas."""
    from ..theorems.kernel import Unfold

    rel = a.relation
    if a.definition and isinstance(rel, sp.Equality) and isinstance(rel.lhs, sp.Symbol):
        for step in th.derivation:
            if isinstance(step.certificate, Unfold) and rel.lhs in step.certificate.defs:
                if step.relation == sp.Eq(rel.lhs, 0):
                    return (
                        rf"{sp.latex(rel.lhs)} = \text{{left side}} - \text{{right side of step {step.key}}}"
                    )
    return a.tex()


TRUST_FILES = {
    "mutation": "mutation.json",
    "stress": "stress.json",
    "bad_input": "bad_input.json",
    "bench": "bench.json",
    "code_mutation": "code-mutation.json",
}


def attach_trust(results: dict, out: Path) -> None:
    """Merge the trust records found in the output folder (written by ``dlverify mutate``,
    ``dlverify trust``, ``dlverify bench``) into the results."""
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
        except (ValueError, KeyError, TypeError):
            continue
    if per:
        merged = {
            r["theorem"]: r for r in trust.get("mutation", []) if isinstance(r, dict) and "theorem" in r
        }
        merged.update(per)
        trust["mutation"] = list(merged.values())


def _json_default(o):
    if isinstance(o, sp.Basic):
        return str(o)
    if hasattr(o, "item"):
        return o.item()
    if hasattr(o, "to_dict"):
        return o.to_dict()
    return str(o)


def check_output_dir(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise DlverifyError(
            f"output folder '{out}' is not writable ({exc.strerror}); choose another with --out"
        ) from None


def _crashed(tid: str, exc: BaseException) -> dict:
    rec = {
        "id": tid,
        "title": tid,
        "passed": False,
        "verdict": "check failed",
        "origin": "",
        "errors": [f"crashed: {type(exc).__name__}: {exc}"],
        "traceback": traceback.format_exc(),
        "derivation": [],
        "claims": [],
        "wrong_variants": [],
        "experiments": [],
        "tightness": [],
        "as_written": [],
        "fuzzing": [],
        "stages": {},
    }
    finish_theorem(rec)
    return rec


def run(
    theorem_ids: list[str],
    ctx: RunContext,
    out: Path,
    *,
    progress: Progress = print,
    with_checks: bool = True,
    argv: list[str] | None = None,
) -> dict:
    for tid in theorem_ids:
        registry.entry(tid)  # unknown ids fail before anything runs
    check_output_dir(out)
    results = new_results(ctx, argv)
    last_page = time.perf_counter()
    try:
        write(results, out)
        for tid in theorem_ids:
            try:
                rec = run_theorem(tid, ctx, progress)
            except DlverifyError as exc:  # a broken pack: one line, naming it; the others still run
                rec = _crashed(tid, exc)
                rec["errors"] = [str(exc)]
                finish_theorem(rec)
            except Exception as exc:  # a crash in one theorem is a failure recorded, not a lost run
                rec = _crashed(tid, exc)
            results["theorems"].append(rec)
            page = time.perf_counter() - last_page >= PAGE_EVERY_S
            write(results, out, page=page)
            last_page = time.perf_counter() if page else last_page
            progress(
                f"{tid}: {'passed' if rec['passed'] else 'FAILED'} — {rec['verdict']} "
                f"({rec.get('wall_s', 0):.1f} s)"
            )
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
    """Run the theorems' check files under pytest (in-process, the same plugin) and merge their
    statistics.  Only each theorem's own file runs: the generic registry tests re-evaluate what
    this run has just evaluated, so they belong to the test suite, not to the run."""
    import pytest

    files = [str(f) for tid in theorem_ids if (f := registry.check_file(tid)) is not None]
    if not files:
        return
    fuzz_file = out / "checks.json"
    args = files + [
        "-q",
        "-p",
        "dlverify.checks.plugin",
        "-p",
        "no:cacheprovider",
        # no conftest: the plugin is named above, and a checkout's conftest.py beside an installed
        # (non-editable) copy of the package would register the same plugin module twice
        "--noconftest",
        "--import-mode=importlib",
        f"--dlverify-out={fuzz_file}",
        f"--dlverify-profile={ctx.profile}",
        f"--dlverify-device={ctx.device.type}",
        f"--dlverify-seed={ctx.seed}",
        "-m",
        "not browser and not slow" if ctx.profile == "ci" else "not browser",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]
    t0 = time.perf_counter()
    code = pytest.main(args)
    results["checks_wall_s"] = time.perf_counter() - t0
    merge_checks(results, fuzz_file)
    results["pytest_exit_code"] = int(code)


def merge_checks(results: dict, fuzz_file: Path) -> None:
    if not fuzz_file.exists():
        return
    try:
        data = json.loads(fuzz_file.read_text())
        tests = data["tests"]
        if not isinstance(tests, list) or not all(isinstance(t, dict) and "test" in t for t in tests):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise DlverifyError(
            f"checks file '{fuzz_file}' is not a checks.json written by "
            '\'pytest --dlverify-out\' (expected {{"tests": [{{"test": ...}}, ...]}})'
        ) from None
    for th in results["theorems"]:
        th["fuzzing"] = [r for r in tests if r.get("theorem") == th["id"]]
        finish_theorem(th)


# --------------------------------------------------------------------------- validation

_THEOREM_KEYS = {
    "id": str,
    "title": str,
    "derivation": list,
    "claims": list,
    "wrong_variants": list,
    "as_written": list,
    "experiments": list,
    "tightness": list,
    "passed": bool,
    "verdict": str,
}


def validate(results) -> dict:
    """Check that a loaded ``results.json`` has the shape this version writes; one line otherwise."""
    if not isinstance(results, dict):
        raise DlverifyError(
            f"not a dlverify results file: the top level is a {type(results).__name__}, not an object"
        )
    if results.get("tool") != "dlverify" or "schema" not in results:
        raise DlverifyError("not a dlverify results file: no 'tool': 'dlverify' and 'schema' fields")
    if results["schema"] != SCHEMA_VERSION:
        raise DlverifyError(
            f"results schema {results['schema']!r} is not the schema this version reads "
            f"({SCHEMA_VERSION}); re-run 'dlverify run' to regenerate it"
        )
    required: tuple[tuple[str, type], ...] = (("theorems", list), ("context", dict), ("status", str))
    for key, typ in required:
        if not isinstance(results.get(key), typ):
            raise DlverifyError(f"results file is incomplete: '{key}' is missing or not a {typ.__name__}")
    for i, t in enumerate(results["theorems"]):
        if not isinstance(t, dict):
            raise DlverifyError(f"results file is malformed: theorems[{i}] is not an object")
        for key, typ in _THEOREM_KEYS.items():
            if not isinstance(t.get(key), typ):
                raise DlverifyError(
                    f"results file is malformed: theorems[{i}].{key} is missing or not a {typ.__name__}"
                )
    return results

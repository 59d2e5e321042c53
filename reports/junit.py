"""JUnit XML from a run, for CI systems: one test case per thing a run can fail on.

Per theorem: each error (a crash, a broken pack), each derivation step, claim, wrong variant,
source line, experiment, tightness row and property check; per run, the pytest session of the
property checks.  A case fails exactly when :func:`dlverify.theorems.evidence.theorem_outcome`
counts it as a problem (or pytest's exit code is an error), so the XML's failures are the run's
failures and a red ``dlverify run`` (exit 1) is never a green dashboard.  Errata (a source line
that is false, loose or needs an assumption) are findings, not failures: they pass, with the
verdict in the case's output; a property check that was skipped is a skipped case with its
reason.  The file is written atomically and is a pure function of ``results.json``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

HOLDS = ("verified", "verified, tight", "verified, loose")

#: (group, name, failure message or "", output, skipped reason or "")
Case = tuple[str, str, str, str, str]


def _case(suite: ET.Element, tid: str, case: Case) -> None:
    group, name, failure, output, skipped = case
    tc = ET.SubElement(suite, "testcase", classname=f"{tid}.{group}", name=name, time="0")
    if skipped:
        ET.SubElement(tc, "skipped", message=skipped[:500])
    elif failure:
        f = ET.SubElement(tc, "failure", message=failure[:500])
        f.text = failure
    if output:
        ET.SubElement(tc, "system-out").text = output


def _claims(t: dict) -> Iterator[Case]:
    for i, e in enumerate(t.get("errors", [])):
        yield "errors", f"error {i + 1}", str(e), "", ""
    for m in t.get("derivation", []):
        fail = "" if m["ok"] else f"not certified: {m.get('detail', '')}"
        yield "derivation", m["key"], fail, m.get("certificate", ""), ""
    for c in t.get("claims", []):
        fail = "" if c["verdict"] in HOLDS else f"{c['verdict']}: {c.get('detail', '')}"
        yield "claims", c["key"], fail, f"{c['verdict']} ({c.get('basis', '')}); {c.get('detail', '')}", ""
    for v in t.get("wrong_variants", []):
        fail = "" if v["verdict"] == "false" else f"not rejected: {v['verdict']}"
        yield (
            "wrong_variants",
            v["key"],
            fail,
            f"{v['verdict']}; counterexample {v.get('counterexample')}",
            "",
        )


def _records(t: dict) -> Iterator[Case]:
    for ln in t.get("as_written", []):
        unchecked = ln["verdict"] == "not checked"
        fail = f"no evidence: {ln.get('detail', '')}" if unchecked and not ln.get("unchecked") else ""
        skip = ln.get("detail", "") if unchecked and not fail else ""
        yield (
            "source_lines",
            f"{ln['cite']} {ln['key']}",
            fail,
            f"{ln['verdict']}: {ln.get('detail', '')}",
            skip,
        )
    for e in t.get("experiments", []):
        fail = "did not match its prediction" if e.get("ok") is False else ""
        out = "; ".join(
            f"{c['name']}: {c['measured']} {c['op']} {c['target']}" for c in e.get("comparisons", [])
        )
        yield "experiments", e["key"], fail, out or "measured, not asserted", ""
    for r in t.get("tightness", []):
        fail = "false: the measured value exceeds the bound" if r.get("verdict") == "false" else ""
        yield "tightness", f"{r['quantity']} ({r['setting']})", fail, str(r.get("verdict", "")), ""
    for f in t.get("fuzzing", []):
        fail = f"failed: {f.get('note') or ''}" if f.get("outcome") == "failed" else ""
        skip = (
            (f.get("reason") or f.get("note") or "no reason recorded")
            if f.get("outcome") == "skipped"
            else ""
        )
        yield "property_checks", f["test"].split("::", 1)[-1], fail, str(f.get("note") or ""), skip


def _session(results: dict) -> Case | None:
    if "pytest_exit_code" not in results:
        return None
    code = results["pytest_exit_code"]
    fail = "" if code in (0, 5) else f"pytest exited with code {code} (the property checks did not all run)"
    return "session", "pytest", fail, f"exit code {code}", ""


def junit_tree(results: dict) -> ET.ElementTree:
    root = ET.Element("testsuites", name="dlverify")
    totals = [0, 0, 0]
    groups = [(t["id"], [*_claims(t), *_records(t)]) for t in results.get("theorems", [])]
    session = _session(results)
    if session is not None:
        groups.append(("property_checks", [session]))
    for name, cases in groups:
        suite = ET.SubElement(root, "testsuite", name=name)
        for case in cases:
            _case(suite, name, case)
        counts = [len(cases), sum(bool(c[2]) and not c[4] for c in cases), sum(bool(c[4]) for c in cases)]
        for key, n in zip(("tests", "failures", "skipped"), counts):
            suite.set(key, str(n))
        totals = [a + b for a, b in zip(totals, counts)]
    for key, n in zip(("tests", "failures", "skipped"), totals):
        root.set(key, str(n))
    return ET.ElementTree(root)


def write_junit(results: dict, path: Path) -> None:
    tree = junit_tree(results)
    ET.indent(tree)
    tmp = path.with_name(path.name + ".tmp")
    tree.write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)

"""JUnit XML from a run, for CI systems: one test case per claim, wrong variant and source line.

A claim fails when its verdict does not hold; a wrong variant fails when it is not refuted; a
source line fails when it has no evidence and no stated reason.  Errata (a source line that is
false, loose or needs an assumption) are findings, not failures: they pass, with the verdict in
the case's output.  The file is written atomically and is a pure function of ``results.json``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path


def _case(
    suite: ET.Element, classname: str, name: str, ok: bool, message: str, output: str = "", skipped: str = ""
) -> None:
    tc = ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
    if skipped:
        ET.SubElement(tc, "skipped", message=skipped)
    elif not ok:
        f = ET.SubElement(tc, "failure", message=message[:500])
        f.text = message
    if output:
        ET.SubElement(tc, "system-out").text = output


def junit_tree(results: dict) -> ET.ElementTree:
    root = ET.Element("testsuites", name="dlverify")
    total = failures = skipped = 0
    for t in results.get("theorems", []):
        suite = ET.SubElement(root, "testsuite", name=t["id"])
        n = f = s = 0
        for c in t.get("claims", []):
            ok = c["verdict"] in ("verified", "verified, tight", "verified, loose")
            _case(
                suite,
                f"{t['id']}.claims",
                c["key"],
                ok,
                f"{c['verdict']}: {c.get('detail', '')}",
                f"{c['verdict']} ({c.get('basis', '')}); {c.get('detail', '')}",
            )
            n += 1
            f += not ok
        for v in t.get("wrong_variants", []):
            ok = v["verdict"] == "false"
            _case(
                suite,
                f"{t['id']}.wrong_variants",
                v["key"],
                ok,
                f"not rejected: {v['verdict']}",
                f"{v['verdict']}; counterexample {v.get('counterexample')}",
            )
            n += 1
            f += not ok
        for ln in t.get("as_written", []):
            unchecked = ln["verdict"] == "not checked"
            ok = not unchecked or bool(ln.get("unchecked"))
            _case(
                suite,
                f"{t['id']}.source_lines",
                f"{ln['cite']} {ln['key']}",
                ok,
                f"no evidence: {ln.get('detail', '')}",
                f"{ln['verdict']}: {ln.get('detail', '')}",
                skipped=ln.get("detail", "") if unchecked and ok else "",
            )
            n += 1
            f += not ok
            s += unchecked and ok
        suite.set("tests", str(n))
        suite.set("failures", str(f))
        suite.set("skipped", str(s))
        total, failures, skipped = total + n, failures + f, skipped + s
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("skipped", str(skipped))
    return ET.ElementTree(root)


def write_junit(results: dict, path: Path) -> None:
    tree = junit_tree(results)
    ET.indent(tree)
    tmp = path.with_name(path.name + ".tmp")
    tree.write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)

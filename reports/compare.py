"""Compare two ``results.json`` files verdict by verdict.

    python -m dlverify.reports.compare BEFORE/results.json AFTER/results.json [--timings]

Every derivation mark, claim, wrong variant, source line, experiment and tightness row is
matched by theorem and key; a difference in verdict (or in the basis of a verdict: proved and
measured, measured only, proved only), an item present on one side only, or a theorem whose
pass/fail changed is printed, one line each.  Exit 0 when the verdicts are identical, 1 when
they differ, 2 for bad input.  ``--timings`` adds each theorem's stage times side by side.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

#: per theorem: the record lists compared, the field naming an item, the fields compared
SECTIONS = (
    ("derivation", "key", ("ok",)),
    ("claims", "key", ("verdict", "basis")),
    ("wrong_variants", "key", ("verdict",)),
    ("as_written", "key", ("verdict", "basis")),
    ("experiments", "key", ("ok",)),
    ("tightness", ("quantity", "setting"), ("verdict",)),
)


def _load(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"dlverify compare: cannot read {path}: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("theorems"), list):
        raise SystemExit(f"dlverify compare: {path} is not a results.json (no 'theorems' list)")
    return {t["id"]: t for t in data["theorems"]}


def _items(rec: dict, section: str, key) -> dict:
    def name(x: dict) -> str:
        return " / ".join(str(x.get(k)) for k in key) if isinstance(key, tuple) else str(x.get(key))

    return {name(x): x for x in rec.get(section, [])}


def differences(before: dict, after: dict) -> list[str]:
    """One line per difference between two results (already loaded, keyed by theorem id)."""
    out = []
    for tid in sorted(set(before) | set(after)):
        if tid not in before or tid not in after:
            out.append(f"{tid}: only in {'after' if tid in after else 'before'}")
            continue
        b, a = before[tid], after[tid]
        if b.get("passed") != a.get("passed"):
            out.append(f"{tid}: passed {b.get('passed')} -> {a.get('passed')}")
        for section, key, fields in SECTIONS:
            bi, ai = _items(b, section, key), _items(a, section, key)
            for k in sorted(set(bi) | set(ai)):
                if k not in bi or k not in ai:
                    out.append(f"{tid} {section} {k}: only in {'after' if k in ai else 'before'}")
                    continue
                for f in fields:
                    if bi[k].get(f) != ai[k].get(f):
                        out.append(f"{tid} {section} {k}: {f} {bi[k].get(f)!r} -> {ai[k].get(f)!r}")
    return out


def timings(before: dict, after: dict) -> list[str]:
    rows = []
    for tid in sorted(set(before) & set(after)):
        stages = dict.fromkeys([*before[tid].get("stages", {}), *after[tid].get("stages", {})])
        parts = [
            f"{s} {before[tid]['stages'].get(s, 0):.1f}->{after[tid]['stages'].get(s, 0):.1f}" for s in stages
        ]
        rows.append(f"{tid}: " + ", ".join(parts) + " (s)")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m dlverify.reports.compare", description=__doc__.split("\n")[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--timings", action="store_true", help="print each theorem's stage times too")
    args = p.parse_args(argv)
    try:
        before, after = _load(args.before), _load(args.after)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    diff = differences(before, after)
    for line in diff:
        print(line)
    if args.timings:
        print("\n".join(timings(before, after)))
    n = sum(len(t.get(s, [])) for t in after.values() for s, _, _ in SECTIONS)
    print(f"{len(diff)} difference(s) over {n} items in {len(after)} theorem(s)")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())

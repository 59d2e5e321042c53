"""Recompute every verdict of a ``results.json`` from the evidence it records.

``dlverify report`` and ``dlverify errata`` render a file written earlier, perhaps elsewhere,
perhaps edited.  Before they do, each verdict is made again by the functions of
:mod:`dlverify.theorems.evidence` (``decide``, ``judge_source_line``, ``tightness_verdict``,
``Comparison.holds``, ``theorem_outcome``) from the evidence beside it -- the measurements, the
proof reference, the readings of a source line, the comparisons of an experiment -- and a file
whose verdicts do not follow is refused in one line.  Nothing is decided here.

What cannot be recomputed from the file (it records the outcome, not the evidence): whether a
derivation step's certificate checks (``ok``), the property checks' outcomes, and -- while
results.json does not record them -- the sharper relation behind *verified, loose* and whether
a source line's corrected form adds an assumption (*needs an assumption* against *false*).
Where the file holds those records (``sharper``, ``adds_assumption``) they are used.
"""

from __future__ import annotations

import dataclasses

from ..theorems.evidence import (
    ClaimResult,
    Comparison,
    Experiment,
    Measurement,
    ProofRef,
    Rate,
    TightnessRow,
    Verdict,
    decide,
    judge_source_line,
    theorem_outcome,
)
from ..theorems.relations import DlverifyError


class Tampered(DlverifyError):
    """A verdict in a results file that its own evidence does not give."""


def _fields(cls, rec: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in rec.items() if k in names}


def claim_result(c: dict) -> ClaimResult:
    """The verdict its evidence gives a recorded claim (registered, wrong variant, reading)."""
    ms = [Measurement(**_fields(Measurement, m)) for m in c.get("measurements") or []]
    p = c.get("proof")
    proof = ProofRef(p["step"], p["certificate"], tuple(p.get("hypotheses") or ())) if p else None
    sharper = claim_result(c["sharper"]) if c.get("sharper") else None
    return decide(c["key"], c.get("text", ""), c.get("latex", ""), proof, ms, sharper)


def _same(recorded: str, got: Verdict, legacy_loose: bool) -> bool:
    """Recorded and recomputed verdicts agree; without a ``sharper`` record, *verified, loose*
    is accepted where the evidence gives *verified* (results.json keeps only its text)."""
    loose_ok = legacy_loose and recorded == Verdict.LOOSE.value and got is Verdict.VERIFIED
    return recorded == got.value or loose_ok


def _check_claim(where: str, c: dict, steps: dict) -> None:
    got = claim_result(c)
    if not _same(c["verdict"], got.verdict, "sharper" not in c):
        raise Tampered(
            f"{where} says '{c['verdict']}' but its evidence gives '{got.verdict.value}' ({got.detail[:160]})"
        )
    if c.get("basis") not in (None, got.basis.value):
        raise Tampered(f"{where} says its basis is '{c['basis']}' but its evidence gives '{got.basis.value}'")
    p = c.get("proof")
    if p and p["step"] != "(sympy)":
        mark = steps.get(p["step"])
        if mark is None or not mark.get("ok"):
            raise Tampered(f"{where} cites step '{p['step']}', not a certified step of the derivation")
        if sorted(p.get("hypotheses") or ()) != sorted(mark.get("hypotheses") or ()):
            raise Tampered(f"{where} cites step '{p['step']}' with hypotheses the step does not record")


def _check_line(where: str, s: dict, steps: dict) -> None:
    reading = corrected = None
    for part in ("reading", "corrected"):
        if s.get(part):
            _check_claim(f"{where} ({part})", s[part], steps)
    if s.get("reading"):
        reading = claim_result(s["reading"])
    if s.get("corrected"):
        corrected = claim_result(s["corrected"])
    unchecked = s.get("unchecked") or ""
    adds = [s["adds_assumption"]] if "adds_assumption" in s else [False, True]
    edit = {"edit": s["edit"]} if s.get("edit") else {}  # a misprint's minimal edit (schema 2.1)
    if s.get("application"):  # the hypotheses of a fact the line applies, at its instance
        _check_claim(f"{where} (application)", s["application"], steps)
        edit["application"] = claim_result(s["application"])
    got = [judge_source_line(reading, corrected, unchecked, adds_assumption=a, **edit).verdict for a in adds]
    legacy = "sharper" not in (s.get("reading") or {})
    if not any(_same(s["verdict"], g, legacy) for g in got):
        raise Tampered(f"{where} says '{s['verdict']}' but its evidence gives '{got[0].value}'")


def _check_experiments(tid: str, t: dict) -> None:
    for e in t.get("experiments", []):
        comps = [Comparison(**_fields(Comparison, c)) for c in e.get("comparisons", [])]
        for c, rec in zip(comps, e.get("comparisons", [])):
            if "holds" in rec and rec["holds"] != c.holds():
                raise Tampered(
                    f"{tid}: experiment '{e['key']}', comparison '{c.name}' says holds={rec['holds']} "
                    f"but {c.measured} {c.op} {c.target} (tolerance {c.tol}) gives {c.holds()}"
                )
        rate = Rate(**_fields(Rate, e["rate"])) if e.get("rate") else None
        if rate is not None and e["rate"].get("matches", rate.matches) != rate.matches:
            raise Tampered(
                f"{tid}: experiment '{e['key']}' says its rate matches={e['rate']['matches']}; its "
                f"interval [{rate.lo}, {rate.hi}] against {rate.predicted} ({rate.claim}) "
                f"gives {rate.matches}"
            )
        ok = Experiment(e["key"], e.get("title", ""), comparisons=comps, rate=rate).ok
        if e.get("ok") != ok:
            raise Tampered(
                f"{tid}: experiment '{e['key']}' says ok={e.get('ok')}; its comparisons and rate give {ok}"
            )
    for row in t.get("tightness", []):
        got = TightnessRow(**_fields(TightnessRow, row)).verdict
        if row.get("verdict") != got.value:
            raise Tampered(
                f"{tid}: tightness row '{row.get('quantity')}' ({row.get('setting')}) says "
                f"'{row.get('verdict')}' but its numbers give '{got.value}'"
            )


def _check_theorem(t: dict) -> list[str]:
    tid = t["id"]
    steps = {m["key"]: m for m in t.get("derivation", [])}
    for kind, items in (("claim", t["claims"]), ("wrong variant", t["wrong_variants"])):
        for c in items:
            _check_claim(f"{tid}: {kind} '{c['key']}'", c, steps)
    for s in t["as_written"]:
        _check_line(f"{tid}: source line {s.get('cite', s['key'])} ('{s['key']}')", s, steps)
    _check_experiments(tid, t)
    problems, passed, verdict = theorem_outcome(t)
    if t.get("passed") != passed or t.get("verdict") != verdict:
        raise Tampered(
            f"{tid}: the theorem says '{t.get('verdict')}' (passed={t.get('passed')}) but its records "
            f"give '{verdict}' (passed={passed})"
        )
    return [f"{tid}: {p}" for p in problems]


def recheck(results: dict) -> dict:
    """Recompute every verdict; raise :class:`Tampered` (one line) on the first that its
    evidence does not give, or on a list of failures that does not match.  Returns ``results``."""
    failures: list[str] = []
    try:
        for t in results["theorems"]:
            failures += _check_theorem(t)
    except (KeyError, TypeError, ValueError) as exc:
        raise Tampered(f"a verdict's evidence is malformed ({type(exc).__name__}: {exc})") from None
    if results.get("status") != "running" and sorted(results.get("failures", [])) != sorted(failures):
        raise Tampered(
            f"the run's failures ({len(results.get('failures', []))}) are not the failures its theorems' "
            f"records give ({len(failures)})"
        )
    return results

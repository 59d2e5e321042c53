"""``dlverify check``: a claim of one's own, answered *proved*, *false* or *not refuted*.

The face of :mod:`dlverify.theorems.solve` (parse, prove, certify) and
:mod:`dlverify.numerics.search` (the adversarial search) for the command line, a notebook
(``dlverify.check(...)``, shown inline) and a user's own tests (:func:`assert_claim`)::

    dlverify check "ln(u) <= u - 1" --where "u > 0"
    dlverify check "f1 <= f0 - eta/2*g**2" --where "0 < eta <= 1/L" --where "L > 0" \\
        --where "f1 <= f0 - eta*(1 - L*eta/2)*g**2" --where "f0, g: real"
    dlverify check --file claims.toml
    dlverify check "f1 <= f0 - eta/2*g2" --where "eta <= 1/L" --where smooth --family "one step"

The evidence -- a proof (the kernel's certificate, Z3's, or branch-and-bound's), certified
counterexamples, the searches' measurements -- is turned into a verdict by the suite's one
verdict function, :func:`dlverify.theorems.evidence.decide`; the answer is its wording for a
claim of one's own: *false* (a certified counterexample), *proved* (with the certificate), or
*not refuted* (no proof; how hard the search looked is reported -- never "verified" from
samples alone).  Exit codes: 0 proved or not refuted, 1 false, 2 bad input.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy as sp

from ..theorems.relations import DlverifyError

if TYPE_CHECKING:  # the engine is imported when a check runs ('dlverify --help' stays light)
    from ..numerics.contract import Family
    from ..numerics.search import SearchReport
    from ..theorems.evidence import ClaimResult, Measurement
    from ..theorems.model import Theorem
    from ..theorems.solve import Counterexample, Proof

#: effort levels: Z3's timeout (ms), branch-and-bound's seconds, hypothesis examples, torch
#: starts and steps, and the same for each dropped assumption
EFFORT: dict[str, dict[str, Any]] = {
    "quick": {"z3_ms": 1500, "bnb_s": 1.0, "examples": 150, "starts": 128, "steps": 100, "drop": 60},
    "normal": {"z3_ms": 3000, "bnb_s": 2.0, "examples": 400, "starts": 256, "steps": 150, "drop": 120},
    "thorough": {"z3_ms": 20000, "bnb_s": 20.0, "examples": 4000, "starts": 4096, "steps": 400, "drop": 600},
}
ANSWERS = ("proved", "false", "not refuted")


@dataclasses.dataclass
class Necessity:
    """One assumption dropped: ``needed`` (a certified counterexample without it), ``redundant``
    (the claim is proved without it) or ``possibly redundant`` (no counterexample found)."""

    assumption: str
    status: str
    detail: str
    #: the certified counterexample without it (name -> exact value as text), when needed
    point: dict | None = None


@dataclasses.dataclass
class CheckResult:
    """The answer to one claim, with its evidence (see the module docstring)."""

    claim: str
    where: list[str]
    relation: str
    answer: str
    proof: Proof | None = None
    counterexample: Counterexample | None = None
    searches: list[SearchReport] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    necessity: list[Necessity] = dataclasses.field(default_factory=list)
    tightness: dict | None = None
    family: list[Measurement] = dataclasses.field(default_factory=list)
    claim_result: ClaimResult | None = None
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 1 if self.answer == "false" else 0

    def __bool__(self) -> bool:
        return self.answer != "false"

    def to_dict(self) -> dict:
        return {
            "claim": self.claim,
            "where": list(self.where),
            "relation": self.relation,
            "answer": self.answer,
            "proof": None if self.proof is None else dataclasses.asdict(self.proof),
            "counterexample": None if self.counterexample is None else self.counterexample.to_dict(),
            "searches": [_search_dict(s) for s in self.searches],
            "notes": list(self.notes),
            "necessity": [dataclasses.asdict(n) for n in self.necessity],
            "tightness": self.tightness,
            "family": [m.to_dict() for m in self.family],
            "verdict": None if self.claim_result is None else self.claim_result.to_dict(),
            "seconds": round(self.seconds, 3),
        }

    def text(self) -> str:
        return render_text(self)

    __str__ = text

    def _repr_html_(self) -> str:
        return render_html(self)


def _search_dict(s) -> dict:
    d = {k: v for k, v in dataclasses.asdict(s).items() if k != "candidates"}
    d["candidates"] = len(s.candidates)
    return d


# --------------------------------------------------------------------------- the check


def check(
    claim: str,
    where: Sequence[str] = (),
    *,
    variables: Mapping[str, str] | None = None,
    family: str | None = None,
    seed: int = 20261123,
    device: str = "auto",
    effort: str = "normal",
    necessity: bool = True,
    tightness: bool = True,
    points: Sequence[Mapping[str, str]] = (),
) -> CheckResult:
    """Answer a claim: *proved*, *false* or *not refuted* (see the module docstring).

    ``where``: assumptions (relations, chains, ``x in (0, 1]``, ``n: integer``, ``v: vector(3)``);
    ``family``: instead, measure the claim on one of the suite's instance families (``dlverify
    families``; see :func:`family_check`); ``points``: exact points to evaluate (name -> number
    as text); ``effort``: quick, normal or thorough.  Bad input raises :class:`DlverifyError`
    (one line)."""
    from ..theorems import solve

    if effort not in EFFORT:
        raise DlverifyError(f"unknown effort '{effort}'; allowed: {', '.join(EFFORT)}")
    t0 = time.monotonic()
    budget = EFFORT[effort]
    where = [where] if isinstance(where, str) else list(where)
    if family:
        res = family_check(claim, where, family, seed, device, necessity)
        res.seconds = time.monotonic() - t0
        return res
    problem = solve.parse(claim, where, variables)
    res = CheckResult(claim, [it.text for it in problem.items], sp.sstr(problem.written), "not refuted")
    _given_points(problem, points, res)
    if res.counterexample is None:
        sym = solve.decide_symbolically(problem, budget["z3_ms"], budget["bnb_s"])
        res.proof, res.counterexample, res.notes = sym.proof, sym.counterexample, list(sym.notes)
    if res.counterexample is None:
        _search(problem, res, budget, seed, device, thorough=res.proof is None)
    if necessity and res.counterexample is None:  # a false claim is false with or without them
        res.necessity = _necessity(problem, budget, seed, device, effort)
    if tightness and res.counterexample is None:
        res.tightness = _tightness(problem, res)
    _decide(problem.relation, res)
    res.seconds = time.monotonic() - t0
    return res


def _given_points(problem, points, res: CheckResult) -> None:
    from ..theorems import solve

    for i, pt in enumerate(points):
        if not isinstance(pt, Mapping):
            raise DlverifyError(f"point {i + 1} is not a table of values")
        vals = {}
        for name, v in pt.items():
            if name not in problem.symbols:
                raise DlverifyError(f"point {i + 1}: '{name}' is not a variable of the claim")
            try:
                vals[problem.symbols[name]] = sp.Rational(str(v))
            except (TypeError, ValueError, sp.SympifyError):
                raise DlverifyError(f"point {i + 1}: {name} = {v!r} is not an exact number") from None
        cex = solve.certify(problem, vals, f"the given point {i + 1}")
        if cex is not None:
            res.counterexample = cex
            return
        res.notes.append(
            f"the given point {i + 1} is no counterexample (an assumption fails, or the claim holds)"
        )


def _search(problem, res: CheckResult, budget, seed: int, device: str, thorough: bool) -> None:
    """The searches, each followed by certification of its candidates (plainest numbers first):
    hypothesis always; the torch search too when nothing proved the claim and hypothesis found
    no certified counterexample."""
    from ..numerics import search
    from ..theorems import solve

    space = solve.space(problem)
    runs = [search.hypothesis_search(space, budget["examples"] // (1 if thorough else 4), seed)]
    res.counterexample = _first_certified(problem, runs[0].candidates)
    if thorough and res.counterexample is None:
        runs.append(search.torch_search(space, budget["starts"], budget["steps"], seed, device))
        res.counterexample = _first_certified(problem, runs[1].candidates)
    res.searches += runs
    unconfirmed = sum(r.float_violations for r in runs)
    if unconfirmed and res.counterexample is None:
        res.notes.append(
            f"{unconfirmed} float64 evaluations looked like violations but none is one in exact "
            "arithmetic (rounding): not counterexamples"
        )


def _plainness(cand) -> tuple:
    """Sort key: candidates with moderate numbers (no value beyond 1e-6 .. 1e6 in size) first,
    then by how far below zero the slack is (NaN, an undefined claim, first)."""
    sizes = [abs(v) for v in cand.values.values() if v]
    extreme = any(not (1e-6 <= v <= 1e6) for v in sizes if math.isfinite(v))
    return (extreme, not math.isnan(cand.score), cand.score if math.isfinite(cand.score) else 0.0)


def _first_certified(problem, candidates):
    from ..theorems import solve

    for cand in sorted(candidates, key=_plainness):
        cex = solve.certify_float(problem, cand.values, cand.found_by, cand.fixed)
        if cex is not None:
            return cex
    return None


def _necessity(problem, budget, seed: int, device: str, effort: str) -> list[Necessity]:
    """Each assumption dropped in turn: Z3 (a certified model, or a proof without it), then the
    hypothesis search (and the torch search at thorough effort), certified like the claim's."""
    from ..numerics import search
    from ..theorems import solve

    out = []
    for label, dropped in problem.drops():
        z = solve.z3_decide(dropped, budget["z3_ms"] // 4)
        cex = z.counterexample
        if cex is None and z.proof is None:
            space = solve.space(dropped)
            runs = [search.hypothesis_search(space, budget["drop"], seed)]
            if effort == "thorough":
                runs.append(search.torch_search(space, budget["starts"] // 4, budget["steps"], seed, device))
            cex = _first_certified(dropped, [c for r in runs for c in r.candidates])
        if cex is not None:
            point = {k: sp.sstr(v) for k, v in cex.point.items()}
            out.append(Necessity(label, "needed", "without it: " + cex.show(), point))
            continue
        proof = z.proof or solve.kernel_proof(dropped, candidates=60)
        if proof is not None:
            out.append(Necessity(label, "redundant", f"proved without it ({proof.method})"))
        else:
            out.append(Necessity(label, "possibly redundant", "no counterexample found without it"))
    return out


def _tightness(problem, res: CheckResult) -> dict | None:
    """The supremum of smaller side / larger side over the instances met (where both make the
    ratio informative: smaller >= 0, larger > 0), where it is approached, and whether an exact
    point attains the bound (slack exactly 0)."""
    from ..theorems import solve
    from ..theorems.relations import INEQUALITIES, sides

    if not isinstance(problem.relation, INEQUALITIES):
        return None
    met = [r for r in res.searches if r.ratio is not None and r.ratio_at is not None]
    best = max(met, key=lambda r: float(r.ratio or 0.0), default=None)
    small, large = sides(problem.written)
    out: dict[str, Any] = {"ratio": f"({sp.sstr(small)})/({sp.sstr(large)})", "sup": None, "at": None}
    out["attained"] = None
    if best is None:
        out["note"] = "no instance where the smaller side is >= 0 and the larger > 0"
        return out
    at = best.ratio_at or {}
    out["sup"], out["at"] = best.ratio, at
    tries = [at] + [v for r in met for _, v in r.ratio_points]
    out["attained"] = next((p for v in tries if (p := solve.attained_at(problem, v))), None)
    out["exact"] = solve.ratio_at(problem, at)
    return out


def _decide(relation, res: CheckResult) -> None:
    """The verdict from the evidence (:func:`dlverify.theorems.evidence.decide`), worded for a
    claim of one's own."""
    from ..theorems.evidence import Measurement, ProofRef, Verdict, decide

    proof = None
    if res.proof is not None:
        proof = ProofRef(res.proof.method, res.proof.describe(), tuple(res.where))
    ms = [
        Measurement(
            how=s.how,
            checked=s.instances,
            violations=0,
            worst_ratio=s.ratio,
            detail=f"{s.float_violations} float64 near-violations, none certified",
        )
        for s in res.searches
    ]
    ms += list(res.family)
    if res.counterexample is not None:
        ms.append(
            Measurement(
                how=f"certified counterexample ({res.counterexample.arithmetic})",
                checked=1,
                violations=1,
                counterexample=res.counterexample.to_dict(),
            )
        )
    r = decide("check", res.claim, sp.latex(relation), proof, ms)
    res.claim_result = r
    res.answer = "false" if r.verdict is Verdict.FALSE else "proved" if r.proof is not None else "not refuted"
    if res.proof is not None and res.counterexample is not None:
        res.notes.append("DEFECT: a proof and a certified counterexample disagree; please report this claim")


def assert_claim(claim: str, where: Sequence[str] = (), *, proved: bool = False, **kw) -> CheckResult:
    """For a user's own tests: fails (AssertionError with the answer) when the claim is false,
    or, with ``proved=True``, when it is not proved."""
    kw.setdefault("necessity", False)
    kw.setdefault("tightness", False)
    res = check(claim, where, **kw)
    if res.answer == "false" or (proved and res.answer != "proved"):
        raise AssertionError(res.text())
    return res


# --------------------------------------------------------------------------- claim files


_FILE_KEYS = {"key", "what", "latex", "note", "relation", "reading", "assumptions", "where", "variables"}
_FILE_KEYS |= {"family", "point", "points", "effort", "necessity", "tightness"}


def load_claims(path: Path) -> list[dict]:
    """A claim file (TOML, shaped like a source entry): ``[[claim]]`` (or ``[[entry]]``) tables
    with ``relation`` (or ``[claim.reading] relation``), ``assumptions`` (relations, chains,
    declarations), optional ``key``, ``what``, ``note``, ``variables`` (name = kind), ``family``,
    ``[claim.point]`` (an exact point)."""
    import tomllib

    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DlverifyError(f"cannot read claim file '{path}': {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DlverifyError(f"claim file '{path}' is not valid TOML: {exc}") from None
    entries = data.get("claim", data.get("entry"))
    if entries is None and "relation" in data:
        entries = [data]
    if not isinstance(entries, list) or not entries:
        raise DlverifyError(f"claim file '{path}': no [[claim]] table (see 'dlverify check --help')")
    return [_claim_entry(path, i, e) for i, e in enumerate(entries)]


def _claim_entry(path, i: int, e) -> dict:
    where = f"{path}:claim {i + 1}"
    if not isinstance(e, dict):
        raise DlverifyError(f"{where}: not a table")
    unknown = sorted(set(e) - _FILE_KEYS)
    if unknown:
        raise DlverifyError(f"{where}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(_FILE_KEYS))})")
    reading = e.get("reading", {})
    if not isinstance(reading, dict):
        raise DlverifyError(f"{where}: 'reading' must be a table")
    relation = e.get("relation", reading.get("relation"))
    if not isinstance(relation, str):
        raise DlverifyError(f"{where}: 'relation' (a string) is required")
    assumptions = e.get("assumptions", e.get("where", reading.get("assumptions", [])))
    if not isinstance(assumptions, list) or not all(isinstance(a, str) for a in assumptions):
        raise DlverifyError(f"{where}: 'assumptions' must be a list of strings")
    points = e.get("points", [e["point"]] if "point" in e else [])
    variables = e.get("variables", {})
    if not isinstance(variables, dict):
        raise DlverifyError(f"{where}: 'variables' must be a table of name = kind")
    key = str(e.get("key", f"claim {i + 1}"))
    return {
        "key": key,
        "what": str(e.get("what", "")),
        "claim": relation,
        "where": assumptions,
        "variables": {str(k): str(v) for k, v in variables.items()},
        "family": e.get("family"),
        "points": points,
    }


# --------------------------------------------------------------------------- families and claims


def _theorem_symbols(theorem) -> dict[str, sp.Symbol]:
    """The symbols a theorem's relations use, by name (its claims, assumptions and steps)."""
    out: dict[str, sp.Symbol] = {}
    rels = [a.relation for a in theorem.assumptions] + [c.relation for c in theorem.claims]
    rels += [s.relation for s in theorem.derivation]
    for r in rels:
        if isinstance(r, sp.Basic):
            for s in r.free_symbols:
                out.setdefault(s.name, s)
    return out


def all_families() -> list[tuple[str, Family]]:
    """Every instance family of every registered theorem's numeric side, as (theorem id, Family)."""
    from .. import theorems

    out = []
    for tid in theorems.ids():
        try:
            mod = theorems.numeric(tid)
        except DlverifyError:
            continue
        for fam in getattr(mod, "FAMILIES", ()) or ():
            out.append((tid, fam))
    return out


def find_family(name: str) -> tuple[str, Family]:
    """The family called ``name`` (or ``THEOREM:NAME``); bad input names the known ones."""
    fams = all_families()
    tid, _, fname = name.rpartition(":") if ":" in name else ("", "", name)
    hits = [(t, f) for t, f in fams if f.name == fname and (not tid or t == tid)]
    if len(hits) == 1:
        return hits[0]
    known = ", ".join(f"'{t}:{f.name}'" for t, f in fams) or "none yet"
    if not hits:
        raise DlverifyError(f"unknown family '{name}'; known: {known}")
    raise DlverifyError(f"family '{name}' is in several theorems; name one of {known}")


@dataclasses.dataclass
class FamilyClaim:
    """A claim read over an instance family's quantities (the theorem's own symbols)."""

    theorem: Theorem
    theorem_id: str
    family: Family
    relation: sp.Basic
    keys: list[str]
    filters: list
    measured: sp.Basic


def family_claim(name: str, claim: str, where: Sequence[str]) -> FamilyClaim:
    """Read a claim for ``--family``: the relation and assumptions over the family's quantities;
    an assumption that is one of the theorem's (its key, or the same relation) is passed by key,
    so the family generates its instances from it; any other is a filter on the instances (the
    claim is measured where it holds)."""
    from .. import theorems
    from ..theorems import solve

    tid, fam = find_family(name)
    th = theorems.load(tid).THEOREM
    syms = _theorem_symbols(th)
    qty = {n: syms.get(n, sp.Symbol(n, real=True)) for n in fam.quantities}
    text = _implies_split(claim)
    (rel,) = _one(solve.parse_in(text[-1], qty, "the claim"), claim)
    keys, filters = _family_assumptions(th, list(where) + text[:-1], qty)
    measured = _filtered(rel, filters)
    if not fam.covers(measured):
        raise DlverifyError(
            f"family '{fam.name}' cannot evaluate {sp.sstr(rel)} (quantities: {sorted(fam.quantities)})"
        )
    return FamilyClaim(th, tid, fam, rel, keys, filters, measured)


def _implies_split(claim: str) -> list[str]:
    from ..theorems.solve import _IMPLIES, _normalise

    return [p for p in _IMPLIES.split(_normalise(claim))]


def measure_family(fc: FamilyClaim, keys: Sequence[str], seed: int, device: str) -> list:
    """The family's own ``measure`` on the claim, with the theorem's assumptions ``keys``."""
    from ..numerics.device import RunContext
    from ..theorems.model import Claim

    ctx = RunContext.shared(device, seed, "ci")
    return list(fc.family.measure(Claim("check", sp.sstr(fc.relation), fc.measured, tuple(keys)), ctx))


def family_check(claim: str, where: Sequence[str], family: str, seed: int, device: str, necessity: bool):
    """``--family``: the claim measured on the family's instances (the suite's evidence: the
    family's rounding model decides a violation), proved when a certified step of the theorem's
    derivation is this relation under the assumptions given (:func:`find_proof`), and each of the
    theorem's assumptions given dropped in turn and measured again."""
    from ..theorems import solve
    from ..theorems.core import check_derivation
    from ..theorems.evidence import find_proof

    fc = family_claim(family, claim, where)
    res = CheckResult(claim, list(where), sp.sstr(fc.measured), "not refuted")
    res.family = measure_family(fc, fc.keys, seed, device)
    ref = find_proof(fc.relation, fc.keys, check_derivation(fc.theorem))
    if ref is not None:
        res.proof = solve.Proof(f"step '{ref.step}' of {fc.theorem_id}", ref.certificate)
    if fc.filters:
        res.notes.append("measured where " + "; ".join(sp.sstr(f) for f in fc.filters) + " (filters)")
    if necessity and not any(m.violations for m in res.family):
        for k in fc.keys:
            ms = measure_family(fc, [x for x in fc.keys if x != k], seed, device)
            bad = next((m for m in ms if m.violations), None)
            if bad is not None:
                res.necessity.append(Necessity(k, "needed", f"without it: {_instance(fc, bad)}"))
            else:
                res.necessity.append(
                    Necessity(k, "possibly redundant", "no violation without it on the family")
                )
    _decide(fc.measured, res)
    return res


def _instance(fc: FamilyClaim, m) -> str:
    """A family's counterexample in a line: the instance quantities and the slack."""
    cex = m.counterexample or {}
    shown = {k: v for k, v in cex.items() if k in fc.family.quantities or k in ("slack", "family")}
    return f"{m.how}: " + ", ".join(f"{k} = {_fmt(v)}" for k, v in shown.items())


def _one(rels, claim: str):
    if len(rels) != 1:
        raise DlverifyError(f"the claim '{claim}' is a chain: state one relation")
    return rels


def _family_assumptions(th, where: Sequence[str], qty) -> tuple[list[str], list]:
    from ..theorems import solve
    from ..theorems.relations import same_relation

    by_key = {a.key: a for a in th.assumptions}
    keys, filters = [], []
    for w in where:
        if w.strip() in by_key:
            keys.append(w.strip())
            continue
        for r in solve.parse_in(w, qty, "the assumption"):
            if r is sp.true:
                continue
            hit = next(
                (
                    a.key
                    for a in th.assumptions
                    if a.relation is not None and _same(same_relation, a.relation, r)
                ),
                None,
            )
            if hit is not None:
                keys.append(hit)
            else:
                filters.append(r)
    return keys, filters


def _same(same_relation, a, b) -> bool:
    try:
        return bool(same_relation(a, b))
    except Exception:  # noqa: BLE001 - sympy can fail comparing odd pairs: not the same
        return False


def _filtered(rel, filters: list):
    """``rel`` measured only where every filter holds: Max(slack, -slack_filter) >= 0 is the
    claim where the filter holds strictly inside (a filter's own boundary is left out)."""
    if not filters:
        return rel
    from ..theorems.relations import slack

    s = slack(rel)
    for f in filters:
        s = sp.Max(s, -slack(f))
    return sp.Ge(s, 0, evaluate=False)


def families_table() -> list[dict]:
    """``dlverify families``: each family with its quantities and the assumptions it reads."""
    from ..numerics.contract import catalogue

    rows = []
    for tid, fam in all_families():
        (row,) = catalogue([fam])
        rows.append({"theorem": tid} | row)
    return rows


def claims_table() -> list[dict]:
    """``dlverify list --claims``: every built-in (and pack) claim with its relation."""
    from .. import theorems

    rows = []
    for tid in theorems.ids():
        try:
            th = theorems.load(tid).THEOREM
        except DlverifyError as exc:
            rows.append({"id": tid, "text": f"(broken) {exc}", "relation": "", "assumptions": []})
            continue
        for c in th.claims:
            rows.append(
                {
                    "id": f"{tid}.{c.key}",
                    "text": c.text,
                    "relation": sp.sstr(c.relation),
                    "assumptions": list(c.assumptions),
                }
            )
    return rows


def show(ident: str) -> str:
    """``dlverify show ID``: a theorem (its assumptions, claims, families) or one claim."""
    from .. import theorems

    tid, _, key = ident.partition(".")
    th = theorems.load(tid).THEOREM
    if not key:
        lines = [f"{tid}: {th.title} ({th.source.cite()})", "assumptions:"]
        lines += [
            f"  {a.key}: {a.text}" + (f"   [{sp.sstr(a.relation)}]" if a.relation is not None else "")
            for a in th.assumptions
        ]
        lines.append("claims:")
        lines += [f"  {tid}.{c.key}: {c.text}   [{sp.sstr(c.relation)}]" for c in th.claims]
        fams = [f for t, f in all_families() if t == tid]
        if fams:
            lines.append("families: " + ", ".join(f"'{f.name}'" for f in fams))
        return "\n".join(lines)
    try:
        c = th.claim(key)
    except KeyError:
        raise DlverifyError(
            f"theorem '{tid}' has no claim '{key}'; its claims: {', '.join(c.key for c in th.claims)}"
        ) from None
    lines = [f"{tid}.{c.key}: {c.text}", f"  relation: {sp.sstr(c.relation)}", "  assumptions:"]
    for k in c.assumptions:
        a = th.assumption(k)
        lines.append(f"    {k}: {a.text}" + (f"   [{sp.sstr(a.relation)}]" if a.relation is not None else ""))
    wrong = [w for w in th.wrong_variants if w.of == c.key]
    if wrong:
        lines.append("  wrong variants (the suite must report them false):")
        lines += [f"    {w.key}: {sp.sstr(w.relation)}" for w in wrong]
    return "\n".join(lines)


# --------------------------------------------------------------------------- rendering


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}" if math.isfinite(v) else str(v)
    return str(v)


def _point(values: Mapping | None) -> str:
    if not values:
        return "—"
    return ", ".join(f"{k} = {_fmt(v)}" for k, v in values.items())


def _effort_line(res: CheckResult) -> str:
    parts = []
    for s in res.searches:
        restarts = f", {s.restarts} restarts x {s.steps} steps" if s.restarts else ""
        parts.append(f"{s.how}: {s.instances} instances{restarts}")
    smallest = min(
        (s for s in res.searches if s.smallest is not None),
        key=lambda s: float(s.smallest or 0.0),
        default=None,
    )
    tail = (
        f"; smallest relative slack {_fmt(smallest.smallest)} at {_point(smallest.smallest_at)}"
        if smallest is not None
        else ""
    )
    return "; ".join(parts) + tail


def answer_line(res: CheckResult) -> str:
    if res.answer == "false":
        if res.counterexample is not None:
            return "FALSE — certified counterexample " + res.counterexample.show()
        r = res.claim_result
        cex = ", ".join(f"{k} = {_fmt(v)}" for k, v in ((r.counterexample or {}) if r else {}).items())
        return f"FALSE — {r.detail if r else ''}; counterexample {cex}"
    if res.answer == "proved" and res.proof is not None:
        return "PROVED by " + res.proof.describe()
    return "NOT REFUTED (no proof found; no counterexample found — not verified)"


def render_text(res: CheckResult) -> str:
    lines = [
        f"claim      {res.claim}",
        f"assuming   {'; '.join(res.where) or '(nothing)'}",
        f"answer     {answer_line(res)}",
    ]
    if res.searches:
        lines.append(f"searched   {_effort_line(res)}")
    for m in res.family:
        status = f"{m.violations} violations in {m.checked}" if not m.skipped else f"skipped: {m.skipped}"
        lines.append(f"family     {m.how}: {status}")
    for note in res.notes:
        lines.append(f"note       {note}")
    for i, n in enumerate(res.necessity):
        head = "needs" if i == 0 else ""
        lines.append(f"{head:<10} {n.assumption}: {n.status} — {n.detail}")
    t = res.tightness
    if t is not None:
        if t.get("sup") is None:
            lines.append(f"tightness  {t['ratio']}: {t.get('note', '')}")
        else:
            where = (
                f"attained at {_point(t['attained'])} (slack exactly 0)"
                if t["attained"]
                else f"approached at {_point(t['at'])}"
            )
            value = t.get("exact") or _fmt(t["sup"])
            lines.append(f"tightness  sup of {t['ratio']} >= {value} (largest met); {where}")
    lines.append(f"time       {res.seconds:.1f} s")
    return "\n".join(lines)


def render_html(res: CheckResult) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(k)}</th>"
        f"<td>{html.escape(v.strip())}</td></tr>"
        for k, v in (
            line.split(" ", 1) if " " in line else (line, "") for line in render_text(res).splitlines()
        )
    )
    color = {"proved": "#1a7f37", "false": "#cf222e"}.get(res.answer, "#9a6700")
    return f"<div style='border-left:4px solid {color};padding-left:.6em'><table>{rows}</table></div>"


# --------------------------------------------------------------------------- the command


def run_command(args) -> int:
    """``dlverify check``: one claim from the command line, or every claim of ``--file``."""
    jobs = []
    if args.file:
        if args.claim:
            raise DlverifyError("give a claim or --file, not both")
        jobs = load_claims(Path(args.file))
    elif args.claim:
        jobs = [
            {
                "key": "claim",
                "claim": args.claim,
                "where": list(args.where or []),
                "variables": {},
                "family": None,
                "points": [],
            }
        ]
    else:
        raise DlverifyError('a claim is required, e.g. dlverify check "ln(u) <= u - 1" --where "u > 0"')
    out = []
    code = 0
    for job in jobs:
        res = check(
            job["claim"],
            job["where"],
            variables=job["variables"],
            family=args.family or job["family"],
            seed=args.seed,
            device=args.device,
            effort=args.effort,
            necessity=not args.no_necessity,
            tightness=not args.no_tightness,
            points=job["points"],
        )
        try:
            if len(jobs) > 1:
                print(f"[{job['key']}] {job.get('what', '')}".rstrip())
            print(res.text(), flush=True)
        except BrokenPipeError:  # the reader stopped reading (| head): the answer still counts
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the interpreter's last flush
        out.append(res.to_dict() | {"key": job["key"]})
        code = max(code, res.exit_code)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")
    return code

"""The README's verdict rules as data: every combination of evidence against a written table.

Each table below is the README's section "Verdicts: where they come from" written out case by
case (the expected verdicts are typed in, never computed by a rule that could share a bug with
the code).  The evidence is built the way the suite builds it: proofs through
:func:`find_proof` from derivation marks (a step with a hypothesis the claim does not make is
no proof), measurements through :func:`measure_relation` on tensors (so *attained* means what
the numeric side reports), sharper and corrected forms as :class:`ClaimResult` records from
:func:`decide` itself.

Tightness semantics fixed here: within one measurement (one extremal family at one setting),
*attained* needs every informative instance within rounding of equality ("attained on some"
instances is not attained); across measurements, one extremal measurement that attains makes
the claim tight (README: "an extremal family attains the claim's own relation").

Where the code disagreed with the README (three cases: a corrected form that also changes the
relation, a tightness row without evidence, a computed worst case above the bound), the code
was fixed to the README's rule.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import sympy as sp
import torch

from dlverify.numerics.evidence import measure_relation, skipped
from dlverify.theorems.evidence import (
    Basis,
    ClaimResult,
    Comparison,
    Experiment,
    LineJudgement,
    Measurement,
    TightnessRow,
    Verdict,
    decide,
    find_proof,
    judge_source_line,
    theorem_outcome,
    tightness_verdict,
)

a, b = sp.symbols("a b", real=True)
REL = sp.Le(a, b)
ASSUMED = ("h1",)
F64 = torch.float64

# --------------------------------------------------------------------------- the evidence


def _mark(relation, hypotheses=("h1",), ok=True, key="s"):
    return SimpleNamespace(ok=ok, relation=relation, hypotheses=hypotheses, key=key, certificate="cert")


#: derivation marks: what find_proof may (or may not) accept as a proof of a <= b under h1
PROOFS = {
    "none": [],
    "proof": [_mark(REL)],
    "flipped": [_mark(sp.Ge(b, a))],  # b >= a states a <= b
    "wronghyp": [_mark(REL, ("h1", "h2"))],  # rests on h2, which the claim does not make
    "uncertified": [_mark(REL, ok=False)],
    "other": [_mark(sp.Le(a, 2 * b)), _mark(sp.Lt(a, b))],  # a different relation; a strict one
}


def _t(*xs):
    return torch.tensor(xs, dtype=F64)


def _meas(kind: str) -> list[Measurement]:
    """Measurements of a <= b built by the numeric side's own builder."""
    x = _t(0.5, 1.0, 2.0, 4.0)
    if kind == "none":
        return []
    if kind == "skipped":
        return [skipped("t", "not over the instance quantities")]
    if kind == "violated":  # one instance with a > b by far more than the rounding bound
        return [measure_relation(REL, {"a": x * _t(1, 1, 1, 3), "b": x}, 1e-12, how="random")]
    if kind == "nan":  # NaN is a violation
        return [measure_relation(REL, {"a": x, "b": _t(1, float("nan"), 3, 5)}, 1e-12, how="nan")]
    if kind == "clean":  # measured, no violation, no extremal family
        return [measure_relation(REL, {"a": x / 2, "b": x}, 1e-12, how="random")]
    if kind == "attained_all":  # the extremal family attains on every instance
        return [
            measure_relation(REL, {"a": x / 2, "b": x}, 1e-12, how="random"),
            measure_relation(REL, {"a": x, "b": x}, 1e-12, how="extremal", extremal=True),
        ]
    if kind == "attained_some":  # equality on some instances of the family only: not attained
        return [measure_relation(REL, {"a": x * _t(1, 1, 0.5, 1), "b": x}, 1e-12, how="ext", extremal=True)]
    if kind == "attained_one_of_two":  # two extremal settings, one attains: tight
        return [
            measure_relation(REL, {"a": x / 2, "b": x}, 1e-12, how="eta inside", extremal=True),
            measure_relation(REL, {"a": x, "b": x}, 1e-12, how="eta at the boundary", extremal=True),
        ]
    if kind == "attained_but_violated":  # a violation elsewhere outweighs attainment
        return _meas("attained_all") + _meas("violated")
    raise KeyError(kind)


def _sharper(kind: str) -> ClaimResult | None:
    """The sharper form's own result, made by decide from its own evidence."""
    if kind == "none":
        return None
    proof = {"verified": None, "tight": None, "proved": PROOFS["proof"], "not_refuted": None, "false": None}
    meas = {
        "verified": _meas("clean"),
        "tight": _meas("attained_all"),
        "proved": [],
        "not_refuted": [],
        "false": _meas("violated"),
    }[kind]
    marks = proof[kind]
    ref = find_proof(REL, ASSUMED, marks) if marks else None
    return decide("k:sharper", "", "a \\le b", ref, meas)


# --------------------------------------------------------------------------- decide: the table

V, T, L, F, NR = "verified", "verified, tight", "verified, loose", "false", "not refuted"
PM, MO, PO, RF, NE = "proved and measured", "measured only", "proved only", "refuted", "no evidence"

#: proof, measurements -> basis, then the verdict for each sharper form:
#: none, verified (measured), tight, proved only, not refuted, false
DECIDE_TABLE = """
proof        none                  | PO | V  L  L  L  V  V
proof        skipped               | PO | V  L  L  L  V  V
proof        clean                 | PM | V  L  L  L  V  V
proof        attained_all          | PM | T  T  T  T  T  T
proof        attained_some         | PM | V  L  L  L  V  V
proof        attained_one_of_two   | PM | T  T  T  T  T  T
proof        violated              | RF | F  F  F  F  F  F
proof        nan                   | RF | F  F  F  F  F  F
proof        attained_but_violated | RF | F  F  F  F  F  F
flipped      none                  | PO | V  L  L  L  V  V
flipped      clean                 | PM | V  L  L  L  V  V
none         none                  | NE | NR NR NR NR NR NR
none         skipped               | NE | NR NR NR NR NR NR
none         clean                 | MO | V  L  L  L  V  V
none         attained_all          | MO | T  T  T  T  T  T
none         attained_some         | MO | V  L  L  L  V  V
none         attained_one_of_two   | MO | T  T  T  T  T  T
none         violated              | RF | F  F  F  F  F  F
none         nan                   | RF | F  F  F  F  F  F
wronghyp     none                  | NE | NR NR NR NR NR NR
wronghyp     skipped               | NE | NR NR NR NR NR NR
wronghyp     clean                 | MO | V  L  L  L  V  V
wronghyp     attained_all          | MO | T  T  T  T  T  T
wronghyp     violated              | RF | F  F  F  F  F  F
uncertified  none                  | NE | NR NR NR NR NR NR
uncertified  clean                 | MO | V  L  L  L  V  V
other        none                  | NE | NR NR NR NR NR NR
other        clean                 | MO | V  L  L  L  V  V
other        attained_one_of_two   | MO | T  T  T  T  T  T
"""
SHARPER = ("none", "verified", "tight", "proved", "not_refuted", "false")
CODES = {"V": V, "T": T, "L": L, "F": F, "NR": NR, "PM": PM, "MO": MO, "PO": PO, "RF": RF, "NE": NE}


def _decide_rows():
    for line in DECIDE_TABLE.strip().splitlines():
        left, basis, verdicts = line.split("|")
        proof, meas = left.split()
        for sharper, code in zip(SHARPER, verdicts.split(), strict=True):
            yield pytest.param(
                proof, meas, sharper, CODES[code], CODES[basis.strip()], id=f"{proof}-{meas}-{sharper}"
            )


@pytest.mark.parametrize("proof, meas, sharper, verdict, basis", list(_decide_rows()))
def test_decide_follows_the_table(proof, meas, sharper, verdict, basis):
    ref = find_proof(REL, ASSUMED, PROOFS[proof])
    ms = _meas(meas)
    r = decide("k", "a <= b", "a \\le b", ref, ms, _sharper(sharper))
    assert (r.verdict.value, r.basis.value) == (verdict, basis)
    # the record says what the verdict rests on
    real = [m for m in ms if not m.skipped]
    assert r.instances == sum(m.checked for m in real) and r.violations == sum(m.violations for m in real)
    assert (r.proof is not None) == (basis in (PM, PO))
    if verdict == F:
        assert r.counterexample is not None
        assert r.counterexample["how"] == next(m.how for m in real if m.violations)
    else:
        assert r.counterexample is None


def test_the_table_covers_every_evidence_kind():
    """Every proof kind, measurement kind and sharper form appears in the table."""
    rows = [line.split("|")[0].split() for line in DECIDE_TABLE.strip().splitlines()]
    assert {p for p, _ in rows} == set(PROOFS)
    assert {m for _, m in rows} == {
        "none", "skipped", "violated", "nan", "clean", "attained_all", "attained_some",
        "attained_one_of_two", "attained_but_violated",
    }  # fmt: skip


def test_attained_within_a_family_needs_every_informative_instance():
    """The measurement-level half of the tightness semantics, at the rounding boundary: a slack
    of exactly tol is attained, 2·tol on one instance of four is not; instances whose larger
    side is below tol are not informative and do not count either way."""
    tol = 2.0**-30  # b − tol and b − 2 tol are exact for these b
    bb = _t(1.0, 2.0, 3.0, 4.0)
    at = measure_relation(REL, {"a": bb - tol, "b": bb}, tol, how="edge", extremal=True)
    off = measure_relation(REL, {"a": bb - tol * _t(1, 1, 2, 1), "b": bb}, tol, how="off", extremal=True)
    tiny = measure_relation(REL, {"a": _t(0, 1, 2), "b": _t(tol / 2, 1, 2)}, tol, how="tiny", extremal=True)
    none_inf = measure_relation(REL, {"a": _t(0.0), "b": _t(tol / 2)}, tol, how="none", extremal=True)
    assert (at.attained, off.attained, tiny.attained, none_inf.attained) == (True, False, True, False)
    assert measure_relation(REL, {"a": bb, "b": bb}, tol, how="not extremal").attained is None


# --------------------------------------------------------------------------- source lines

#: reading, corrected, adds an assumption -> the line's verdict (README: "A source line's verdict
#: is computed from its reading's evidence; *needs an assumption* means the reading is false and a
#: corrected form that adds an assumption holds"; no evidence for the reading: not checked)
NA, NC = "needs an assumption", "not checked"
LINE_TABLE = """
# corrected:   absent  verified tight  not_refuted false  (each: without, then with an added assumption)
absent       | NC NC | NC NC | NC NC | NC NC | NC NC
verified     | V  V  | V  V  | V  V  | V  V  | V  V
tight        | T  T  | T  T  | T  T  | T  T  | T  T
loose        | L  L  | L  L  | L  L  | L  L  | L  L
not_refuted  | NC NC | NC NC | NC NC | NC NC | NC NC
false        | F  F  | F  NA | F  NA | F  F  | F  F
"""
#: the same with a minimal edit named (README: *misprint*: false as printed, the edited line holds;
#: an added assumption is still *needs an assumption*)
LINE_TABLE_EDITED = LINE_TABLE.replace(
    "false        | F  F  | F  NA | F  NA |", "false        | F  F  | MP NA | MP NA |"
)
FORMS = ("absent", "verified", "tight", "not_refuted", "false")
CODES |= {"NA": NA, "NC": NC, "MP": "misprint"}


def _result(kind: str) -> ClaimResult | None:
    if kind == "absent":
        return None
    if kind == "loose":
        return decide("r", "", "", None, _meas("clean"), _sharper("verified"))
    return {
        "verified": lambda: decide("r", "", "", None, _meas("clean")),
        "tight": lambda: decide("r", "", "", None, _meas("attained_all")),
        "not_refuted": lambda: decide("r", "", "", None, []),
        "false": lambda: decide("r", "", "", None, _meas("violated")),
    }[kind]()


def _line_rows():
    for table, edit in ((LINE_TABLE, ""), (LINE_TABLE_EDITED, "an edit")):
        for line in table.strip().splitlines():
            if line.startswith("#"):
                continue
            reading, *cells = line.split("|")
            for corrected, cell in zip(FORMS, cells, strict=True):
                for adds, code in zip((False, True), cell.split(), strict=True):
                    name = f"{reading.strip()}-{corrected}-{adds}" + ("-edit" if edit else "")
                    yield pytest.param(reading.strip(), corrected, adds, edit, CODES[code], id=name)


@pytest.mark.parametrize("reading, corrected, adds, edit, verdict", list(_line_rows()))
def test_judge_source_line_follows_the_table(reading, corrected, adds, edit, verdict):
    r, c = _result(reading), _result(corrected)
    j = judge_source_line(r, c, adds_assumption=adds, edit=edit)
    assert isinstance(j, LineJudgement) and j.verdict.value == verdict
    # the basis is the reading's; a verdict beyond the reading's evidence says why
    if r is not None and r.verdict is not Verdict.NOT_REFUTED:
        assert j.basis == r.basis.value
    if verdict == NA:
        assert c.verdict.value in j.detail
    # an unchecked line is not checked whatever the evidence, and says why
    u = judge_source_line(r, c, unchecked="the passage is prose", adds_assumption=adds, edit=edit)
    assert u.verdict is Verdict.NOT_CHECKED and "the passage is prose" in u.detail


def _line(reading_assumptions, corrected_assumptions, corrected_relation=REL):
    from dlverify.theorems.core import Claim, SourceLine

    rd = Claim("rd", "reading", REL, tuple(reading_assumptions))
    co = Claim("co", "corrected", corrected_relation, tuple(corrected_assumptions))
    return SourceLine("l", "002.txt", 1, "x", "w", "a \\le b", reading=rd, corrected=co)


def _judge(line):
    """judge_line with the reading refuted and the corrected form measured clean (a measurer
    that tells the two apart by their keys)."""
    from dlverify.theorems.core import judge_line

    th = SimpleNamespace(tex=sp.latex)  # judge_line reads only the theorem's tex (no exact point here)
    measure = lambda claim: _meas("violated" if claim.key == "rd" else "clean")  # noqa: E731
    return judge_line(th, line, [], measure)[0].verdict


@pytest.mark.parametrize(
    "reading, corrected, verdict",
    [
        (("h1",), ("h1", "h2"), Verdict.NEEDS_ASSUMPTION),  # adds h2
        ((), ("h2",), Verdict.NEEDS_ASSUMPTION),
        (("h1",), ("h1",), Verdict.FALSE),  # same assumptions: a changed statement, not an added hypothesis
        (("h1",), ("h2",), Verdict.FALSE),  # one hypothesis replaced by another: not an addition
        (("h1", "h2"), ("h1",), Verdict.FALSE),  # drops one
    ],
)
def test_needs_an_assumption_only_when_the_corrected_form_adds_one(reading, corrected, verdict):
    assert _judge(_line(reading, corrected)) is verdict


def test_a_corrected_form_that_also_changes_the_relation_is_not_a_missing_assumption():
    assert _judge(_line(("h1",), ("h1", "h2"), sp.Le(a, 2 * b))) is Verdict.FALSE


# --------------------------------------------------------------------------- tightness rows

#: (measured_value, measured_upper, better) against bound 1 with tol 1e-3 -> verdict
NAN, INF = float("nan"), float("inf")
TIGHTNESS_TABLE = [
    # measured below the bound, no better value: verified; at the bound within tol: tight
    ((0.5, None, None), V),
    ((0.9995, None, None), T),
    ((1.0, None, None), T),
    ((1.0009, None, None), T),
    # the measured value's upper end under rounding reaches the bound: tight
    ((0.998, 0.9995, None), T),
    ((0.998, 0.998, None), V),
    ((0.998, NAN, None), V),  # a non-finite upper end is ignored, the value decides
    # above the bound beyond tol, or not finite: false
    ((1.0011, None, None), F),
    ((NAN, None, None), F),
    ((INF, None, None), F),
    ((1.5, 1.6, 0.5), F),
    # a better value (a proved constant, PEPit) below the bound: loose
    ((0.5, None, 0.5), L),
    ((0.5, None, 0.9985), L),
    ((0.5, None, 0.9995), V),  # within tol of the bound: not better
    ((0.5, None, NAN), F),  # a non-finite computed worst case is a violation, like a NaN measurement
    ((1.0, None, 0.5), T),  # attained beats a "better" value (the two cannot both be right)
    # no measurement: only a better value can say anything
    ((None, None, 0.5), L),
]

TIGHTNESS_IDS = [f"row{i}" for i in range(len(TIGHTNESS_TABLE))]


@pytest.mark.parametrize("args, verdict", TIGHTNESS_TABLE, ids=TIGHTNESS_IDS)
def test_tightness_verdict_follows_the_table(args, verdict):
    mv, up, better = args
    row = TightnessRow("q", "s", 1.0, mv, measured_upper=up, better=better, tol=1e-3)
    assert tightness_verdict(row).value == verdict and row.verdict.value == verdict
    assert row.to_dict()["verdict"] == verdict


def test_a_tightness_row_without_evidence_is_not_verified():
    assert tightness_verdict(TightnessRow("q", "s", 1.0, None)) is Verdict.NOT_REFUTED


def test_a_computed_worst_case_above_the_bound_is_false():
    assert tightness_verdict(TightnessRow("q", "s", 1.0, 0.5, better=1.5, tol=1e-3)) is Verdict.FALSE


# --------------------------------------------------------------------------- comparisons

#: measured op target (tol 1/4, so every boundary below is exact in binary) -> holds
COMPARISON_TABLE = [
    (1.0, "<=", 1.0, True), (1.25, "<=", 1.0, True), (1.375, "<=", 1.0, False),
    (0.75, ">=", 1.0, True), (0.625, ">=", 1.0, False), (5.0, ">=", 1.0, True),
    (1.25, "==", 1.0, True), (0.75, "==", 1.0, True), (1.375, "==", 1.0, False), (0.625, "==", 1.0, False),
    (0.0, "in", (0.0, 1.0), True), (1.25, "in", (0.0, 1.0), True), (-0.25, "in", (0.0, 1.0), True),
    (1.375, "in", (0.0, 1.0), False), (-0.375, "in", (0.0, 1.0), False),
    (NAN, "<=", 1.0, False), (INF, ">=", 1.0, False), (-INF, "<=", 1.0, False),
    (NAN, "in", (0.0, 1.0), False),
    (1.0, "<=", NAN, False), (1.0, ">=", INF, False), (1.0, "==", NAN, False),
]  # fmt: skip


@pytest.mark.parametrize("m, op, t, holds", COMPARISON_TABLE)
def test_comparison_holds_follows_the_table(m, op, t, holds):
    c = Comparison("c", m, op, t, tol=0.25)
    assert c.holds() is holds and c.to_dict()["holds"] is holds


def test_experiment_ok_is_all_comparisons_and_none_without_any():
    good, bad = Comparison("g", 1, "<=", 2), Comparison("b", 3, "<=", 2)
    assert Experiment("e", "t").ok is None
    assert Experiment("e", "t", [good, good]).ok is True
    for cs in ([good, bad], [bad, good], [bad]):
        assert Experiment("e", "t", cs).ok is False and Experiment("e", "t", cs).to_dict()["ok"] is False
    with pytest.raises(ValueError):
        Comparison("x", 1, "<", 2)


def test_which_verdicts_hold():
    assert {v for v in Verdict if v.holds} == {Verdict.VERIFIED, Verdict.TIGHT, Verdict.LOOSE}


# --------------------------------------------------------------------------- the theorem's outcome


def _record(**changes) -> dict:
    """A results record in which everything passes; ``changes`` spoils one part."""
    rec = {
        "errors": [],
        "derivation": [{"key": "s1", "ok": True, "detail": ""}],
        "claims": [{"key": "c1", "verdict": T}, {"key": "c2", "verdict": V}],
        "wrong_variants": [{"key": "w1", "verdict": F}],
        "as_written": [
            {"key": "l1", "cite": "002:1", "verdict": F, "detail": ""},  # an erratum is a finding
            {"key": "l2", "cite": "002:2", "verdict": NA, "detail": ""},
            {"key": "l3", "cite": "002:3", "verdict": NC, "detail": "prose", "unchecked": "prose"},
            {"key": "l4", "cite": "002:4", "verdict": L, "detail": ""},
        ],
        "experiments": [{"key": "e1", "ok": True}, {"key": "e2", "ok": None}],
        "tightness": [
            {"quantity": "q", "setting": "s", "verdict": T},
            {"quantity": "q", "setting": "s", "verdict": L},
        ],
        "fuzzing": [{"test": "t1", "outcome": "passed"}, {"test": "t2", "outcome": "skipped"}],
    }
    for k, v in changes.items():
        rec[k] = v(rec[k]) if callable(v) else v
    return rec


def _set(i, **kv):
    return lambda rows: [r | kv if j == i else r for j, r in enumerate(rows)]


CF = "check failed"
#: one spoiled part -> (passed, theorem verdict)
OUTCOME_TABLE = {
    "all good": ({}, True, T),
    "an error": ({"errors": ["boom"]}, False, CF),
    "a step not certified": ({"derivation": _set(0, ok=False)}, False, CF),
    "a claim false": ({"claims": _set(1, verdict=F)}, False, F),
    "the main claim false": ({"claims": _set(0, verdict=F)}, False, F),
    "a claim not refuted": ({"claims": _set(1, verdict=NR)}, False, CF),
    "a claim not checked": ({"claims": _set(1, verdict=NC)}, False, CF),
    "a claim needing an assumption": ({"claims": _set(1, verdict=NA)}, False, CF),
    "a loose claim": ({"claims": _set(1, verdict=L)}, True, T),
    "a wrong variant not refuted": ({"wrong_variants": _set(0, verdict=NR)}, False, CF),
    "a wrong variant verified": ({"wrong_variants": _set(0, verdict=V)}, False, CF),
    "a wrong variant tight": ({"wrong_variants": _set(0, verdict=T)}, False, CF),
    "a line with no evidence": ({"as_written": _set(2, unchecked="")}, False, CF),
    "a line not checked with no reason key": (
        {"as_written": lambda rows: rows + [{"key": "l5", "cite": "x", "verdict": NC, "detail": ""}]},
        False,
        CF,
    ),
    "an experiment off": ({"experiments": _set(0, ok=False)}, False, CF),
    "a tightness row false": ({"tightness": _set(1, verdict=F)}, False, CF),
    "a property check failed": ({"fuzzing": _set(0, outcome="failed")}, False, CF),
    "a false claim and a failed check": (
        {"claims": _set(1, verdict=F), "fuzzing": _set(0, outcome="failed")},
        False,
        F,
    ),
}


@pytest.mark.parametrize("case", list(OUTCOME_TABLE))
def test_theorem_outcome_follows_the_table(case):
    changes, passed, verdict = OUTCOME_TABLE[case]
    problems, ok, v = theorem_outcome(_record(**changes))
    assert (ok, v) == (passed, verdict)
    assert (problems == []) is passed
    if not passed:  # each spoiled part is named once
        assert len(problems) == len(changes)


def test_theorem_outcome_names_each_problem():
    rec = _record(
        errors=["boom"],
        derivation=_set(0, ok=False, detail="why"),
        claims=_set(1, verdict=NR),
        wrong_variants=_set(0, verdict=V),
        as_written=_set(0, verdict=NC, detail="nothing"),
        experiments=_set(0, ok=False),
        tightness=_set(0, verdict=F),
        fuzzing=_set(0, outcome="failed"),
    )
    problems, ok, v = theorem_outcome(rec)
    assert not ok and v == CF and len(problems) == 8
    needles = (
        "boom", "'s1' not certified: why", "'c2' is not refuted", "'w1' was not rejected (verified)",
        "'l1' (002:1) has no evidence: nothing", "'e1'", "'q' (s) is false", "'t1' failed",
    )  # fmt: skip
    for needle in needles:
        assert sum(needle in p for p in problems) == 1, needle


def test_every_verdict_value_is_in_the_tables():
    """The vocabulary of the tables is the code's (a renamed verdict breaks the tables, not silently)."""
    used = {CODES[c] for c in CODES} | {CF}
    assert {v.value for v in Verdict} <= used
    assert {b.value for b in Basis} <= used

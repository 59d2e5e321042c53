r"""Typed evidence, and the one place where verdicts are made.

The numeric side (``numerics/``) *computes*: it returns :class:`Measurement` records (the
claim's own relation evaluated on instances generated from the claim's assumptions),
:class:`Experiment` records (measured against predicted, as :class:`Comparison` rows) and
:class:`TightnessRow` records.  The symbolic side contributes a certified derivation step
whose relation *is* the claim's relation (:func:`find_proof`, compared by sympy), or nothing.

Only the functions of this module turn evidence into a verdict:

* :func:`decide` -- a claim (registered claim, wrong variant, mutant, or the reading of a
  source line) from its proof and measurements;
* :func:`judge_source_line` -- a source statement as written, from the results of its
  reading, its corrected form and its sharper form;
* :func:`tightness_verdict` -- a row of a tightness table;
* :meth:`Comparison.holds` / :attr:`Rate.matches` / :attr:`Experiment.ok` -- whether a
  measurement matches its prediction.

NaN and inf are violations everywhere: a comparison with a non-finite number fails.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from .model import Claim, SourceLine, Theorem
from .relations import is_strict, same_relation, slack

if TYPE_CHECKING:
    from .kernel import StepMark


class Verdict(str, enum.Enum):
    """One vocabulary across code, report and JSON (see ``shared/DESIGN.md``)."""

    VERIFIED = "verified"
    TIGHT = "verified, tight"
    LOOSE = "verified, loose"
    FALSE = "false"
    #: a source statement false as printed whose minimal edit (a symbol, an index, a sign, a
    #: direction, a cross-reference) holds
    MISPRINT = "misprint"
    NEEDS_ASSUMPTION = "needs an assumption"
    #: a claim with no evidence either way (no applicable proof, nothing measured); a registered
    #: claim never carries it, and a wrong variant that gets it is a failure of the suite
    NOT_REFUTED = "not refuted"
    #: a source statement the suite cannot decide; always shown with its reason
    NOT_CHECKED = "not checked"

    @property
    def holds(self) -> bool:
        return self in (Verdict.VERIFIED, Verdict.TIGHT, Verdict.LOOSE)


class Basis(str, enum.Enum):
    """Which kind of evidence stands behind a verdict."""

    PROVED_AND_MEASURED = "proved and measured"
    MEASURED = "measured only"
    PROVED = "proved only"
    REFUTED = "refuted"
    NONE = "no evidence"


def finite(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except (TypeError, ValueError, OverflowError):
        return False


# --------------------------------------------------------------------------- records


@dataclasses.dataclass
class Measurement:
    """The claim's relation evaluated on generated instances (or at one exact point).

    ``violations`` counts the evaluations where the relation fails beyond the rounding bound
    *or* is not a finite number.  ``worst_ratio`` is ``max(smaller side / larger side)`` of the
    claim's own inequality over the informative evaluations (1 where the bound is attained).
    ``attained`` is True when an extremal family attains the claim's relation within rounding
    (``|slack| <= tol`` on every informative evaluation), None when no such family was run.
    """

    how: str
    checked: int
    violations: int
    worst_ratio: float | None = None
    attained: bool | None = None
    counterexample: dict | None = None
    detail: str = ""
    #: a reason the measurement could not be made (then it carries no evidence)
    skipped: str = ""

    def __post_init__(self):
        self.checked = int(self.checked)
        self.violations = int(self.violations)
        if self.worst_ratio is not None:
            self.worst_ratio = float(self.worst_ratio)
        if self.attained is not None:
            self.attained = bool(self.attained)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class ProofRef:
    """The derivation step that proves a claim: its relation is the claim's relation and its
    hypotheses are among the claim's assumptions."""

    step: str
    certificate: str
    hypotheses: tuple[str, ...] = ()


@dataclasses.dataclass
class ClaimResult:
    """What the suite concluded about one claim (registered, wrong variant, mutant, reading)."""

    key: str
    text: str
    latex: str
    verdict: Verdict
    basis: Basis
    instances: int = 0
    violations: int = 0
    worst_ratio: float | None = None
    counterexample: dict | None = None
    proof: ProofRef | None = None
    measurements: list[Measurement] = dataclasses.field(default_factory=list)
    detail: str = ""

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["verdict"] = self.verdict.value
        d["basis"] = self.basis.value
        return d

    as_dict = to_dict


@dataclasses.dataclass
class Comparison:
    """One measured number against its prediction: ``measured op target`` within ``tol``.

    ``op`` is ``<=``, ``>=``, ``==`` (``|measured − target| <= tol``) or ``in`` (``target`` is an
    interval ``(lo, hi)``).  A non-finite measured value never holds.
    """

    name: str
    measured: float
    op: str
    target: float | tuple[float, float]
    tol: float = 0.0

    def __post_init__(self):
        if self.op not in ("<=", ">=", "==", "in"):
            raise ValueError(f"comparison op must be <=, >=, == or in, not {self.op!r}")
        self.measured = float(self.measured)
        self.tol = float(self.tol)
        self.target = (
            (float(self.target[0]), float(self.target[1])) if self.op == "in" else float(self.target)
        )

    def holds(self) -> bool:
        m, t = self.measured, self.target
        if not finite(m):
            return False
        if self.op == "in":
            lo, hi = t  # type: ignore[misc]
            return lo - self.tol <= m <= hi + self.tol
        if not finite(t):
            return False
        if self.op == "<=":
            return m <= t + self.tol  # type: ignore[operator]
        if self.op == ">=":
            return m >= t - self.tol  # type: ignore[operator]
        return abs(m - t) <= self.tol  # type: ignore[operator]

    def to_dict(self) -> dict:
        return dataclasses.asdict(self) | {"holds": self.holds()}


@dataclasses.dataclass
class Series:
    label: str
    kind: str  # "points" or "line"
    x: list
    y: list

    def __post_init__(self):
        if self.kind not in ("points", "line"):
            raise ValueError(f"series kind must be points or line, not {self.kind!r}")
        self.x = [float(v) for v in self.x]
        self.y = [float(v) for v in self.y]


@dataclasses.dataclass
class Plot:
    xlabel: str
    ylabel: str
    series: list[Series]
    xscale: str = "linear"
    yscale: str = "linear"


@dataclasses.dataclass
class Rate:
    """A measured rate with its interval beside the rate the claim predicts (and the best known).

    ``kind`` names the estimate: ``contraction`` (a fitted per-step factor q of a gap that
    behaves like q^t), ``slope`` (a log-log slope with its Student-t interval) or ``coverage``
    (a frequency with its exact Clopper-Pearson interval).  ``lo``/``hi`` bound the measured
    rate at confidence ``level`` (for a deterministic estimate, the rounding interval:
    ``level`` 1).  ``claim`` says what the theorem asserts about the rate:

    * ``tight`` -- the rate *is* the prediction: matches iff ``lo - tol <= predicted <= hi + tol``
      (false alarm 1 - level when the prediction is right);
    * ``<=`` -- a bound from above (a contraction, an error, a failure rate at most the
      prediction): matches iff the whole interval is on the safe side, ``hi <= predicted + tol``;
    * ``>=`` -- a bound from below: matches iff ``lo >= predicted - tol``.

    ``rule`` ``"falsify"`` weakens a bound's rule to what a test of a frequency can show when
    the bound may be nearly tight: a ``<=`` bound matches unless the *lower* end exceeds the
    prediction (``lo <= predicted + tol``; the data do not show a rate above it), a ``>=`` bound
    unless the upper end is below it.  The default ``"confirm"`` is the rule above.

    ``test`` states the decision rule in words and ``false_alarm`` its probability when the
    claim is right (0 for a deterministic estimate).  ``formula`` is the claim's expression the
    prediction was evaluated from (one claim, one formula).
    """

    quantity: str
    kind: str
    measured: float
    lo: float
    hi: float
    predicted: float
    claim: str
    level: float = 1.0
    tol: float = 0.0
    best_known: float | None = None
    best_known_source: str = ""
    formula: str = ""
    test: str = ""
    false_alarm: float = 0.0
    worst: float | None = None
    spread: tuple[float, float] | None = None
    rule: str = "confirm"

    KINDS = ("contraction", "slope", "coverage")
    CLAIMS = ("tight", "<=", ">=")
    RULES = ("confirm", "falsify")

    def __post_init__(self):
        if self.kind not in self.KINDS:
            raise ValueError(f"rate kind must be one of {self.KINDS}, not {self.kind!r}")
        if self.claim not in self.CLAIMS:
            raise ValueError(f"rate claim must be one of {self.CLAIMS}, not {self.claim!r}")
        if self.rule not in self.RULES:
            raise ValueError(f"rate rule must be one of {self.RULES}, not {self.rule!r}")
        for name in ("measured", "lo", "hi", "predicted", "level", "tol", "false_alarm"):
            setattr(self, name, float(getattr(self, name)))
        if self.spread is not None:
            self.spread = (float(self.spread[0]), float(self.spread[1]))

    @property
    def matches(self) -> bool:
        """Decided from the interval alone; a non-finite end or prediction never matches."""
        lo, hi, p, tol = self.lo, self.hi, self.predicted, self.tol
        if not all(finite(v) for v in (lo, hi, p, self.measured)) or lo > hi:
            return False
        if self.claim == "tight":
            return lo - tol <= p <= hi + tol
        falsify = self.rule == "falsify"
        if self.claim == "<=":
            return (lo if falsify else hi) <= p + tol
        return (hi if falsify else lo) >= p - tol

    def to_dict(self) -> dict:
        return dataclasses.asdict(self) | {"matches": self.matches}


@dataclasses.dataclass
class Experiment:
    """A measured-versus-predicted record.  ``ok`` is derived from the comparisons: None when
    the experiment only shows a measurement, else whether every comparison holds."""

    key: str
    title: str
    comparisons: list[Comparison] = dataclasses.field(default_factory=list)
    measured: dict = dataclasses.field(default_factory=dict)
    predicted: dict = dataclasses.field(default_factory=dict)
    formula: str = ""
    instances: int | None = None
    steps: int | None = None
    dim: int | None = None
    wall_s: float | None = None
    instances_per_s: float | None = None
    plot: Plot | None = None
    sizes: dict = dataclasses.field(default_factory=dict)
    note: str = ""
    #: the headline: the measured rate with its interval beside the prediction (None when the
    #: experiment has no rate); its :attr:`Rate.matches` counts towards :attr:`ok`
    rate: Rate | None = None

    @property
    def ok(self) -> bool | None:
        if not self.comparisons and self.rate is None:
            return None
        return all(c.holds() for c in self.comparisons) and (self.rate is None or self.rate.matches)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["comparisons"] = [c.to_dict() for c in self.comparisons]
        d["rate"] = None if self.rate is None else self.rate.to_dict()
        d["ok"] = self.ok
        return d


@dataclasses.dataclass
class TightnessRow:
    """A row of a tightness table for an upper bound ``quantity <= bound``.

    ``measured_value`` is the worst measured value (``measured_upper`` its upper end under the
    rounding bounds, when known); ``better`` a proved or computed better value (a published
    tight constant, PEPit's worst case) if any; all on the same scale as ``bound``.
    """

    quantity: str
    setting: str
    bound: float
    measured_value: float | None
    textbook: str = ""
    best_known: str = ""
    pepit: str = "—"
    measured: str = ""
    measured_upper: float | None = None
    better: float | None = None
    tol: float = 0.0

    @property
    def verdict(self) -> Verdict:
        return tightness_verdict(self)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self) | {"verdict": self.verdict.value}


# --------------------------------------------------------------------------- verdicts


def _qualified(ms: Sequence[Measurement], sharper: ClaimResult | None) -> tuple[Verdict, str]:
    """A claim that holds: *tight* when an extremal family attains it, *loose* when its sharper
    form holds, else *verified* -- with the words that say why."""
    if any(m.attained for m in ms):
        return Verdict.TIGHT, "; attained: " + ", ".join(m.how for m in ms if m.attained)
    if sharper is not None and sharper.verdict.holds:
        why = f"{sharper.verdict.value} ({sharper.basis.value})"
        return Verdict.LOOSE, f"; loose: the sharper relation {sharper.latex} is {why}"
    return Verdict.VERIFIED, ""


def decide(
    key: str,
    text: str,
    latex: str,
    proof: ProofRef | None,
    measurements: Sequence[Measurement],
    sharper: ClaimResult | None = None,
) -> ClaimResult:
    """The verdict on a claim, from its evidence alone.

    * any violation (beyond rounding, or NaN/inf) in any measurement: **false**, with the
      first counterexample;
    * no applicable proof and nothing measured: **not refuted** (no evidence);
    * otherwise it holds, on the basis *proved and measured*, *measured only* or *proved
      only*; it is **tight** when an extremal family attains it (``attained``), **loose** when a
      sharper relation (a better constant) is itself verified, else **verified**.
    """
    ms = [m for m in measurements if not m.skipped]
    checked = sum(m.checked for m in ms)
    viol = sum(m.violations for m in ms)
    ratios = [m.worst_ratio for m in ms if m.worst_ratio is not None]
    worst = max(ratios) if ratios else None

    def result(
        verdict: Verdict, basis: Basis, detail: str, proof_: ProofRef | None = None, cex: dict | None = None
    ) -> ClaimResult:
        return ClaimResult(
            key=key,
            text=text,
            latex=latex,
            verdict=verdict,
            basis=basis,
            instances=checked,
            violations=viol,
            worst_ratio=worst,
            counterexample=cex,
            proof=proof_,
            measurements=list(measurements),
            detail=detail,
        )

    if viol:
        first = next(m for m in ms if m.violations)
        cex = (first.counterexample or {}) | {"how": first.how}
        shown = (
            f"({first.how})"
            if first.violations == viol
            else f"(the counterexample shown: {first.how}, {first.violations} of {first.checked})"
        )
        return result(
            Verdict.FALSE,
            Basis.REFUTED,
            f"{viol} of {checked} evaluations violate the relation {shown}",
            cex=cex,
        )
    if proof is None and checked == 0:
        why = "; ".join(m.skipped for m in measurements if m.skipped) or "nothing measured"
        return result(Verdict.NOT_REFUTED, Basis.NONE, f"no derivation step proves this relation, and {why}")
    basis = Basis.PROVED_AND_MEASURED if proof and checked else Basis.PROVED if proof else Basis.MEASURED
    verdict, how = _qualified(ms, sharper)
    what = (f"proved by step {proof.step}" if proof else "not proved") + (
        f"; no violation in {checked} evaluations" if checked else "; not measured"
    )
    return result(verdict, basis, what + how, proof)


def find_proof(relation: sp.Basic, assumptions: Sequence[str], marks: Sequence[Any]) -> ProofRef | None:
    """A certified derivation step whose relation is ``relation`` (compared by sympy) and
    whose hypotheses are all among ``assumptions``; None when there is none."""
    allowed = set(assumptions)
    for m in marks:
        if not m.ok or m.relation is None:
            continue
        if not set(m.hypotheses) <= allowed:
            continue
        try:
            if same_relation(m.relation, relation):
                return ProofRef(m.key, m.certificate, tuple(m.hypotheses))
        except Exception:  # noqa: BLE001 - sympy can fail (even recurse) comparing odd pairs: no proof
            continue
    return None


def exact_measurement(
    relation: sp.Basic,
    assumptions: Sequence[sp.Basic],
    point: Mapping[sp.Symbol, Any],
    how: str = "exact arithmetic",
) -> Measurement:
    """Evaluate ``relation`` at one point in exact arithmetic, after checking that the point
    satisfies every assumption (a point outside the domain is no evidence).

    Exact means a counterexample found here is not a rounding artefact."""
    pt = {k: sp.nsimplify(v) if isinstance(v, float) else sp.sympify(v) for k, v in point.items()}
    shown = {str(k): str(v) for k, v in pt.items()}
    for a in assumptions:
        val = a.subs(pt)
        if val is not sp.true:
            return Measurement(
                how, 0, 0, skipped=f"the point {shown} does not satisfy the assumption {sp.sstr(a)}"
            )
    s = sp.simplify(slack(relation).subs(pt))
    if s.free_symbols:
        return Measurement(
            how, 0, 0, skipped=f"the point {shown} does not fix {sorted(map(str, s.free_symbols))}"
        )
    ok = _exact_holds(relation, s)
    return Measurement(
        how,
        1,
        0 if ok else 1,
        counterexample=None if ok else shown | {"slack": sp.sstr(s)},
        detail=f"slack {sp.sstr(s)} at {shown}",
    )


def _exact_holds(relation: sp.Basic, s: sp.Expr) -> bool:
    if s.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not s.is_real:
        return False
    if isinstance(relation, sp.Equality):
        return bool(s == 0)
    return bool(s > 0) if is_strict(relation) else bool(s >= 0)


# --------------------------------------------------------------------------- source lines


@dataclasses.dataclass
class LineJudgement:
    verdict: Verdict
    basis: str
    detail: str


def judge_source_line(
    reading: ClaimResult | None,
    corrected: ClaimResult | None,
    unchecked: str = "",
    adds_assumption: bool = False,
    edit: str = "",
    application: ClaimResult | None = None,
) -> LineJudgement:
    """The verdict on a source statement as printed.

    * ``unchecked`` (the suite cannot decide it): **not checked**, with the reason;
    * ``application`` (the hypotheses of an earlier fact the line applies, evaluated at the
      instance it applies it to): when one fails there the line is judged as a false reading --
      **false**, or **misprint** / **needs an assumption** when its corrected form says so -- with
      that instance as its counterexample; when the instance decides none of them, **not checked**
      (a defect the registry test reports);
    * its reading holds: the reading's verdict (verified, tight, or loose when its sharper
      form is verified);
    * its reading is false: **needs an assumption** when the corrected form adds an
      assumption and is itself verified; **misprint** when the corrected form is the line with
      a minimal ``edit`` and is itself verified; else **false** (the corrected form, if
      verified, is shown beside it);
    * no evidence for the reading: **not checked** (a defect the registry test reports).
    """
    if unchecked:
        return LineJudgement(Verdict.NOT_CHECKED, "—", f"not checked, because {unchecked}")
    if application is not None and application.verdict is Verdict.NOT_REFUTED:
        return LineJudgement(Verdict.NOT_CHECKED, "—", f"not checked, because {application.detail}")
    if application is not None and (application.verdict is Verdict.FALSE or reading is None):
        reading = application  # outside its hypotheses: the line's error; or the line is the application
    if reading is None:
        return LineJudgement(Verdict.NOT_CHECKED, "—", "not checked, because no reading was given")
    if reading.verdict.holds and application is not None and application is not reading:
        return LineJudgement(
            reading.verdict,
            reading.basis.value,
            f"{reading.detail}; applied within its hypotheses: {application.detail}",
        )
    if reading.verdict.holds:
        return LineJudgement(reading.verdict, reading.basis.value, reading.detail)
    if reading.verdict is Verdict.FALSE:
        fixed = corrected is not None and corrected.verdict.holds
        if corrected is not None and fixed and edit and not adds_assumption:
            return LineJudgement(
                Verdict.MISPRINT,
                reading.basis.value,
                f"false as printed ({reading.detail}); with the edit {edit} it is "
                f"{corrected.verdict.value} ({corrected.basis.value})",
            )
        if corrected is not None and fixed and adds_assumption:
            return LineJudgement(
                Verdict.NEEDS_ASSUMPTION,
                reading.basis.value,
                f"false as written ({reading.detail}); with the added assumption it is "
                f"{corrected.verdict.value} ({corrected.basis.value})",
            )
        extra = (
            f"; the corrected form is {corrected.verdict.value} ({corrected.basis.value})"
            if corrected is not None and fixed
            else ""
        )
        return LineJudgement(Verdict.FALSE, reading.basis.value, reading.detail + extra)
    return LineJudgement(Verdict.NOT_CHECKED, "—", f"not checked, because {reading.detail}")


def tightness_verdict(row: TightnessRow) -> Verdict:
    """false when the worst measured value, or a computed worst case (``better``, e.g. PEPit's),
    exceeds the bound or is not finite; tight when the bound is attained within ``tol``; loose
    when a better value is proved or computed; verified when measured below the bound; not
    refuted when the row carries no evidence at all."""
    mv, better = row.measured_value, row.better
    if better is not None and (not finite(better) or better > row.bound + row.tol):
        return Verdict.FALSE
    is_better = better is not None and better < row.bound - row.tol
    if mv is None:
        return Verdict.LOOSE if is_better else Verdict.NOT_REFUTED
    if not finite(mv) or mv > row.bound + row.tol:
        return Verdict.FALSE
    top = row.measured_upper if row.measured_upper is not None and finite(row.measured_upper) else mv
    if top >= row.bound - row.tol:
        return Verdict.TIGHT
    return Verdict.LOOSE if is_better else Verdict.VERIFIED


# --------------------------------------------------------------------------- gathering a claim's evidence

#: the numeric side of a theorem: claim -> measurements of its relation (``[]`` when it cannot
#: evaluate that relation)
Measure = Callable[[Claim], Sequence[Measurement]]


def evaluated(relation: Any) -> Any:
    """The relation as sympy evaluates it: ``true``/``false`` when exact arithmetic and the
    symbols' declared signs decide it (a relation kept unevaluated to show what it compares,
    e.g. ``Eq(binomial(5, 1), 5)``, is decided here), else the relation itself."""
    if relation is True or relation is False:
        return sp.sympify(relation)
    if isinstance(relation, sp.core.relational.Relational):
        lhs, rhs = relation.lhs, relation.rhs
        if not relation.free_symbols:  # numbers kept unevaluated (C(5, 1)) are evaluated exactly
            lhs, rhs = lhs.doit(), rhs.doit()
        try:
            return relation.func(lhs, rhs)
        except TypeError:  # an ordering sympy cannot decide (e.g. of matrices) stays undecided
            return relation
    return relation


def assess(
    theorem: Theorem,
    claim: Claim,
    marks: Sequence[StepMark],
    measure: Measure | None = None,
    point: Mapping | None = None,
) -> ClaimResult:
    """Gather a claim's evidence -- the proof that applies (if any), its measurements, an exact
    point -- and let :func:`decide` make the verdict."""
    proof = find_proof(claim.relation, claim.assumptions, marks)
    ms: list[Measurement] = []
    decided = evaluated(claim.relation)
    if decided is sp.true:  # exact arithmetic and the symbols' declared signs decide it
        proof = ProofRef("(sympy)", "the relation evaluates to True (exact arithmetic, declared signs)")
    elif decided is sp.false:
        ms.append(
            Measurement("sympy evaluation", 1, 1, counterexample={"relation": "evaluates to False exactly"})
        )
    if point:  # first: an exact point is the counterexample shown, one a reader checks by hand
        ms.append(point_measurement(theorem, claim, point))
    if measure is not None:
        ms += list(measure(claim))
    sharper = None
    sc = claim.sharper_claim()
    if sc is not None and not same_relation(sc.relation, claim.relation):  # the same relation is not sharper
        sharper = assess(theorem, sc, marks, measure)
    return decide(claim.key, claim.text, theorem.tex(claim.relation), proof, ms, sharper)


def point_measurement(theorem: Theorem, claim: Claim, point: Mapping) -> Measurement:
    """The claim's relation at an exact point; the claim's assumptions that the point decides
    (their symbols are all fixed by it) must hold there."""
    keys = {k if isinstance(k, sp.Symbol) else sp.Symbol(str(k)) for k in point}
    names = {k.name for k in keys}
    rels = []
    for k in claim.assumptions:
        a = theorem.assumption(k)
        if a.relation is not None and {s.name for s in a.relation.free_symbols} <= names:
            rels.append(a.relation)
    return exact_measurement(claim.relation, rels, point)


def judge_line(
    theorem: Theorem, line: SourceLine, marks: Sequence[StepMark], measure: Measure | None = None
) -> tuple[LineJudgement, ClaimResult | None, ClaimResult | None]:
    """A source line's verdict, with the results of its reading and of its corrected form."""
    if line.unchecked:
        return judge_source_line(None, None, line.unchecked), None, None
    if line.reading is not None and compares_itself(line.reading.relation):
        why = "its reading compares an expression with itself: it does not keep what the line compares"
        return LineJudgement(Verdict.NOT_CHECKED, "—", why), None, None
    reading = None
    if line.reading is not None:
        reading = assess(theorem, at_passage(line.reading, line.fixed), marks, measure, line.point)
    corrected = None  # a corrected form that compares an expression with itself proves no edit right
    if line.corrected is not None and not compares_itself(line.corrected.relation):
        corrected = assess(theorem, line.corrected, marks, measure)
    application = applicability(theorem, line, marks) if line.applies else None
    if application is not None and application.verdict is Verdict.FALSE:
        reading = application
    # "needs an assumption": the same relation, with more assumptions (a corrected form that also
    # changes the relation says the line is wrong, not that it lacks a hypothesis)
    adds = (
        line.corrected is not None
        and line.reading is not None
        and set(line.corrected.assumptions) > set(line.reading.assumptions)
        and same_relation(line.corrected.relation, line.reading.relation)
    )
    judged = judge_source_line(
        reading, corrected, adds_assumption=adds, edit=line.edit, application=application
    )
    return judged, reading, corrected


def hypotheses_of(theorem: Theorem, ref: str, marks: Sequence[StepMark]) -> tuple[str, ...]:
    """The hypotheses of an earlier fact, by reference: a claim's assumptions, the hypotheses a
    certified step rests on, or one assumption itself."""
    kind, _, key = ref.partition(":")
    if kind == "claim":
        return tuple(theorem.claim(key).assumptions)
    if kind == "step":
        mark = next((m for m in marks if m.key == key), None)
        if mark is None:
            raise KeyError(ref)
        return tuple(mark.hypotheses)
    return (key,)


def applicability(theorem: Theorem, line: SourceLine, marks: Sequence[StepMark]) -> ClaimResult:
    """Whether the instance a line applies an earlier fact to (``line.at``) satisfies that fact's
    hypotheses: each hypothesis that the instance decides (no symbol left after substituting it,
    e.g. η ≤ 1/β at η = 1/β), evaluated there in exact arithmetic.  False when one fails (the
    instance is the counterexample); not refuted when the instance decides none of them."""
    at = dict(line.at)
    hyps = [theorem.assumption(k) for k in hypotheses_of(theorem, line.applies, marks)]
    hyps = [a for a in hyps if not a.definition and a.relation is not None]
    ms = [
        _at_instance(a.relation, at, f"hypothesis {a.key} of {line.applies} at the applied instance")
        for a in hyps
    ]
    ms = [m for m in ms if not m.skipped]  # a hypothesis the instance leaves open is not decided here
    if not ms:
        ms = [
            Measurement(f"the hypotheses of {line.applies}", 0, 0, skipped="the applied instance fixes none")
        ]
    shown = ", ".join(f"{k} = {v}" for k, v in at.items())
    rel = sp.And(*[a.relation for a in hyps]) if hyps else sp.true
    return decide(f"{line.key}:applies", f"{line.applies} applied at {shown}", theorem.tex(rel), None, ms)


def _at_instance(relation: sp.Basic, at: Mapping, how: str) -> Measurement:
    """A hypothesis at an instance that may keep symbols (η = 2/β): decided in exact arithmetic
    when no symbol is left, else by the signs the remaining symbols are declared with (−1/β < 0
    for β > 0); skipped when neither decides it."""
    m = exact_measurement(relation, [], at, how=how)
    if not m.skipped or "does not fix" not in m.skipped:
        return m
    s = sp.simplify(slack(relation).subs(dict(at)))
    shown = {str(k): str(v) for k, v in at.items()}
    if isinstance(relation, sp.Equality):
        ok = s.is_zero
    else:
        ok = s.is_positive if is_strict(relation) else s.is_nonnegative
    if ok is None:
        return m
    cex = None if ok else shown | {"slack": sp.sstr(s), "how": how}
    return Measurement(how, 1, 0 if ok else 1, counterexample=cex, detail=f"slack {sp.sstr(s)} at {shown}")


def at_passage(claim: Claim, fixed: Mapping) -> Claim:
    """A reading judged at the parameters its passage fixes: a sharper form that coincides with
    the reading there is not sharper (the line is not loose), though the reading stays general."""
    if not fixed or claim.sharper is None:
        return claim
    here = claim.relation.subs(fixed, simultaneous=True)
    if same_relation(claim.sharper.subs(fixed, simultaneous=True), here):
        return dataclasses.replace(claim, sharper=None)
    return claim


def compares_itself(relation: Any) -> bool:
    """Whether a relation's two sides are the same expression (``Eq(a, a)``, ``a <= a``): a
    certificate for it proves nothing about what a source line compares."""
    return isinstance(relation, sp.core.relational.Relational) and relation.lhs == relation.rhs


def theorem_outcome(rec: Mapping) -> tuple[list[str], bool, str]:
    """The theorem-level verdict of a results record: ``(problems, passed, verdict)``.

    Passed when every step is certified, every claim holds, every wrong variant is
    refuted, every source line has evidence or a stated reason, every experiment matches."""
    problems = list(rec.get("errors", []))
    problems += [
        f"derivation step '{m['key']}' not certified: {m['detail']}" for m in rec["derivation"] if not m["ok"]
    ]
    problems += [
        f"claim '{c['key']}' is {c['verdict']}" for c in rec["claims"] if not Verdict(c["verdict"]).holds
    ]
    problems += [
        f"wrong variant '{v['key']}' was not rejected ({v['verdict']})"
        for v in rec["wrong_variants"]
        if v["verdict"] != Verdict.FALSE.value
    ]
    problems += [
        f"source line '{s['key']}' ({s['cite']}) has no evidence: {s['detail']}"
        for s in rec["as_written"]
        if s["verdict"] == Verdict.NOT_CHECKED.value and not s.get("unchecked")
    ]
    problems += [
        f"experiment '{e['key']}' did not match its prediction"
        for e in rec["experiments"]
        if e.get("ok") is False
    ]
    problems += [
        f"tightness row '{t['quantity']}' ({t['setting']}) is false"
        for t in rec["tightness"]
        if t.get("verdict") == Verdict.FALSE.value
    ]
    problems += [
        f"property check '{f['test']}' failed" for f in rec.get("fuzzing", []) if f.get("outcome") == "failed"
    ]
    main = rec["claims"][0]["verdict"] if rec["claims"] else Verdict.VERIFIED.value
    verdict = (
        main
        if not problems
        else Verdict.FALSE.value
        if any(c["verdict"] == Verdict.FALSE.value for c in rec["claims"])
        else "check failed"
    )
    return problems, not problems, verdict

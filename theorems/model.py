"""The claim model: what a theorem *says* -- its source, assumptions, derivation steps, claims
and the source lines that state it (one dataclass each).  No checking happens here: the proof
kernel (:mod:`dlverify.theorems.kernel`) re-checks steps, and :mod:`dlverify.theorems.evidence`
gathers evidence and makes every verdict."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from .relations import DlverifyError, is_strict, slack

if TYPE_CHECKING:
    from .kernel import Certificate

#: the version of ``results.json``; bumped when a record's shape changes
SCHEMA_VERSION = "2.1"

#: why a source statement may be left undecided -- the only reasons there are
UNCHECKED_KINDS = {
    "definition": "a definition: it names an object or a quantity and asserts nothing to decide",
    "asymptotic": "an asymptotic statement without constants",
    "cited": "a result cited from elsewhere that the suite does not run",
    "placeholder": "a placeholder, a reference or a heading, with no mathematics of its own",
    "prose": "prose without mathematics to decide",
}


@dataclasses.dataclass(frozen=True)
class Source:
    work: str
    section: str
    equation: str = ""

    def cite(self) -> str:
        parts = [self.work, self.section] + ([self.equation] if self.equation else [])
        return ", ".join(parts)


@dataclasses.dataclass(frozen=True)
class Assumption:
    """An assumption: a symbolic relation; its numeric predicate is its lambdified slack.

    ``definition`` marks a relation that only names a quantity (``n_a² = ‖a‖²``): it holds by
    construction on every instance, so a proof that uses it needs nothing of the claim.  Every
    other assumption is a *hypothesis*: a proof that uses it proves a claim only if the claim
    assumes it, and the necessity checks negate it.  ``cited`` marks a hypothesis that is a
    published result (Donsker–Varadhan, an entropy bound): a proof rests on it like on any
    hypothesis, but it is true wherever its own conditions hold, so a claim that drops it from
    its hypotheses is the same statement (the mutation classifier counts it equivalent).
    """

    key: str
    text: str
    relation: sp.Basic | None = None
    latex: str = ""
    definition: bool = False
    cited: bool = False
    #: symbols the relation holds for *every* value of (in their declared domains), e.g. the
    #: step size in "the smoothness upper bound holds for every η > 0"; only these may be
    #: instantiated in a fact that rests on this assumption
    for_all: tuple[sp.Symbol, ...] = ()
    #: the sample lies in an event of probability ≥ 1 − δ (Markov's inequality for one exponential
    #: moment): a claim that assumes one event is a statement "with probability ≥ 1 − δ over S",
    #: so two claims resting on different events are each such a statement (what the mutation
    #: classifier needs to compare them); a proof never uses two events
    event: bool = False

    def tex(self) -> str:
        return self.latex or (sp.latex(self.relation) if self.relation is not None else "")

    def margin(self, values: Mapping[str, Any]):
        """Slack of the relation at numeric values (>= 0 iff satisfied; > 0 for strict)."""
        if self.relation is None:
            raise DlverifyError(f"assumption '{self.key}' has no symbolic form to evaluate")
        expr = slack(self.relation)
        syms = sorted(expr.free_symbols, key=lambda s: s.name)
        fn = sp.lambdify(syms, expr, modules="math")
        return fn(*(values[s.name] for s in syms))

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether numeric values satisfy the assumption (NaN never does)."""
        m = self.margin(values)
        try:
            m = float(m)
        except (TypeError, ValueError):
            return False
        if m != m:
            return False
        return m > 0 if is_strict(self.relation) else m >= 0


@dataclasses.dataclass
class Step:
    key: str
    text: str
    relation: sp.Basic
    certificate: Certificate
    latex: str = ""

    def tex(self) -> str:
        return self.latex or sp.latex(self.relation)


@dataclasses.dataclass
class Claim:
    """A statement tested on numeric instances.

    ``relation`` is a sympy relation over instance quantities (e.g. ``f0 - f1 >= eta/2*g2``).
    A proof is a certified derivation step with the same relation (compared by sympy) whose
    hypotheses are among ``assumptions``; the numeric side evaluates the relation on instances
    generated from ``assumptions`` (and violates each assumption the claim does not make).
    Write inequalities as ``measured <= bound`` (or ``bound <= measured``): the worst ratio is
    the smaller side over the larger.
    """

    key: str
    text: str
    relation: sp.Basic
    assumptions: tuple[str, ...] = ()
    #: the extremal family (by the numeric side's name) on which the relation is attained; the
    #: numeric side measures it there and reports whether it is attained
    tight_on: str = ""
    #: relations that hold on every instance the claim is about (e.g. f(w_0) >= f*); used to
    #: sample the claim's domain when deciding whether a changed claim is weaker or stronger.
    #: Never the claim itself (a test checks this).
    domain: tuple = ()
    #: the relation is a sufficient *condition* (the claim: "where it holds, the conclusion
    #: follows"), so a relation that holds less often makes a weaker claim, not a stronger one
    condition: bool = False
    #: a relation with a better constant; when it is itself verified the claim is *loose*
    sharper: sp.Basic | None = None
    #: for a wrong variant or mutant: the key of the claim it was made from
    of: str = ""

    def tex(self) -> str:
        return sp.latex(self.relation)

    def variant(
        self, key: str, text: str, relation: sp.Basic | None = None, assumptions: Iterable[str] | None = None
    ) -> Claim:
        """A changed copy (used for wrong variants and mutants): no extremal family, no sharper form."""
        return dataclasses.replace(
            self,
            key=key,
            text=text,
            relation=self.relation if relation is None else relation,
            assumptions=self.assumptions if assumptions is None else tuple(assumptions),
            tight_on="",
            sharper=None,
            of=self.of or self.key,
        )

    def sharper_claim(self) -> Claim | None:
        if self.sharper is None:
            return None
        return dataclasses.replace(
            self,
            key=self.key + ":sharper",
            text=self.text + " (sharper form)",
            relation=self.sharper,
            sharper=None,
        )


@dataclasses.dataclass
class SourceLine:
    """One statement of a source document, as written, and how the suite reads it.

    ``doc`` and ``line`` cite ``../shared/sources/<doc>`` (1-based, ``grep -n`` numbering);
    ``anchor`` is a short verbatim piece of that line that locates it.  ``latex`` is our
    transcription of its mathematics *as the source states it*, never the fix.  The verdict
    is computed (:func:`judge_line`) from the evidence for ``reading`` (the transcription as a
    claim, with the assumptions the passage states), ``point`` (an exact counterexample to the
    reading, re-checked in exact arithmetic) and ``corrected`` (the corrected form, with its own
    evidence); ``unchecked`` says why the suite cannot decide it, and ``kind`` which of the
    fixed kinds of undecidable statement it is (:data:`UNCHECKED_KINDS`).

    ``edit`` names the minimal edit (a symbol, an index, a sign, a direction, a cross-reference)
    that turns the line as printed into ``corrected``, the line as meant: a reading that is false
    as printed while the edited one holds is a *misprint*.  ``fixed`` are the parameters the
    passage fixes (e.g. η = 1/β): a sharper form that coincides with the reading there does not
    make the line *loose* (the reading itself stays general); ``standing`` cites the
    document's standing assumptions that apply to the line (added to its relations' assumptions).
    """

    key: str
    doc: str
    line: int
    anchor: str
    what: str
    latex: str
    reading: Claim | None = None
    corrected: Claim | None = None
    corrected_latex: str = ""
    point: Mapping | None = None
    unchecked: str = ""
    note: str = ""
    edit: str = ""
    kind: str = ""
    fixed: Mapping = dataclasses.field(default_factory=dict)
    standing: tuple[str, ...] = ()
    #: lines that share a root cause share this name (the errata list them as one item)
    cause: str = ""
    #: an earlier fact the line applies (``claim:KEY``, ``step:KEY`` or ``assumption:KEY``) and
    #: the instance it applies it to (``at``): the fact's hypotheses must hold there, and a line
    #: that applies a fact outside its hypotheses is wrong however true its own relation is
    applies: str = ""
    at: Mapping = dataclasses.field(default_factory=dict)

    def cite(self) -> str:
        return f"{self.doc}:{self.line}"


@dataclasses.dataclass
class Theorem:
    id: str
    title: str
    source: Source
    statement: str  # LaTeX
    assumptions: Sequence[Assumption]
    derivation: Sequence[Step]
    claims: Sequence[Claim]
    predicted: Mapping[str, sp.Expr] = dataclasses.field(default_factory=dict)
    as_written: Sequence[SourceLine] = ()
    other_sources: Sequence[Source] = ()
    notes: str = ""
    latex_names: Mapping[sp.Symbol, str] = dataclasses.field(default_factory=dict)
    #: changed constants and dropped assumptions that the suite must report false
    wrong_variants: Sequence[Claim] = ()
    #: the module of the numeric side (default ``dlverify.numerics.<id>``)
    numeric: str = ""

    def tex(self, expr: sp.Basic) -> str:
        """LaTeX of a relation with the theorem's own symbol names (e.g. g2 -> \\|\\nabla f(w)\\|^2)."""
        return sp.latex(expr, symbol_names=dict(self.latex_names))

    def assumption(self, key: str) -> Assumption:
        for a in self.assumptions:
            if a.key == key:
                return a
        raise KeyError(key)

    def claim(self, key: str) -> Claim:
        for c in self.claims:
            if c.key == key:
                return c
        raise KeyError(key)

    def facts(self) -> dict[str, sp.Basic]:
        return {a.key: a.relation for a in self.assumptions if a.relation is not None}

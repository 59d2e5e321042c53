r"""The proof kernel: certificates that make a relation true, re-checked, never trusted.

Certificates for inequalities (``a <= b``, i.e. ``b - a >= 0``):

* :class:`Monomials`: after clearing denominators, every monomial of ``b - a`` has a
  nonnegative coefficient and only nonnegative variables (or even powers);
* :class:`SumOfSquares`: ``b - a - sum_i c_i q_i**2`` simplifies to zero, ``c_i`` certified;
* :class:`Combination`: ``b - a = sum_k lambda_k * slack_k + r`` for earlier facts
  (assumptions or proved steps) with certified-nonnegative multipliers ``lambda_k`` and
  remainder ``r`` -- a linear Positivstellensatz certificate;
* :class:`SumOfFacts`: ``b - a`` equals a finite sum, over an index, of a fact's slack;
* :class:`Equivalence`: ``slack(P) = factor * slack(A)`` with ``factor > 0`` proves ``P <=> A``;
* :class:`Simplification`: equalities, including matrix expressions, sums and integrals.

:func:`check_derivation` re-checks a theorem's steps in order and tracks, for every step, the
hypotheses it rests on (transitively), which is what a proof of a claim may use.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import sympy as sp

from .model import Assumption, Step, Theorem
from .relations import GE as _GE
from .relations import LE as _LE
from .relations import is_strict, same_relation, slack
from .relations import is_zero as _is_zero

# --------------------------------------------------------------------------- certificates


@dataclasses.dataclass
class Mark:
    """The outcome of re-checking one certificate (``uses``: facts it drew on beyond its own
    references, e.g. the fact that certified a sign)."""

    ok: bool
    detail: str
    uses: tuple[str, ...] = ()


def nonneg_by_monomials(expr: sp.Expr, positive: bool = False) -> Mark:
    """Certify ``expr >= 0`` (``> 0`` when ``positive``) over the symbols' declared signs.

    Denominators are cleared first; then every monomial of the numerator and of the
    denominator must have a positive coefficient and only factors that are nonnegative by
    declaration or appear to an even power.  This is sound (a sum of nonnegative terms is
    nonnegative), not complete.
    """
    expr = sp.together(sp.sympify(expr))
    num, den = sp.fraction(expr)
    for part, name in ((num, "numerator"), (den, "denominator")):
        part = sp.expand(part)
        if part == 0:
            if name == "numerator" and not positive:
                continue
            return Mark(False, f"{name} is zero")
        for term in sp.Add.make_args(part):
            coeff, rest = term.as_coeff_Mul()
            if coeff < 0:
                return Mark(False, f"monomial {sp.sstr(term)} of the {name} has a negative coefficient")
            for base, power in rest.as_powers_dict().items():
                if base.is_nonnegative:
                    continue
                if power.is_integer and power.is_even:
                    continue
                if isinstance(base, sp.Sum) and base.function.is_nonnegative:
                    continue
                return Mark(False, f"factor {sp.sstr(base)} in {sp.sstr(term)} has no certified sign")
        # a sum of nonnegative monomials is > 0 when one of them is > 0: required of every
        # denominator, and of the numerator for a strict claim
        if (positive or name == "denominator") and not any(t.is_positive for t in sp.Add.make_args(part)):
            return Mark(False, f"{name} not certified strictly positive")
    return Mark(True, "every monomial has a nonnegative coefficient and nonnegative factors")


def certified_positive(expr: sp.Expr, facts: Mapping[str, sp.Basic]) -> Mark:
    """Certify ``expr > 0`` on the domain: by the symbols' declared signs, monomial by monomial,
    or from an earlier fact (an assumption or a proved step) whose slack it exceeds --
    ``expr − slack(fact)`` certified positive for a non-strict fact, nonnegative for a strict one
    (so ``p < 1`` certifies ``1 − p > 0``)."""
    expr = sp.sympify(expr)
    if expr.is_positive or nonneg_by_monomials(expr, positive=True).ok:
        return Mark(True, f"{sp.sstr(expr)} > 0 by the declared signs")
    for key, fact in facts.items():
        if fact is None or not isinstance(fact, _LE + _GE):
            continue
        rest = sp.expand(expr - slack(fact))
        if (rest == 0 and is_strict(fact)) or (
            rest != 0 and nonneg_by_monomials(rest, positive=not is_strict(fact)).ok
        ):
            return Mark(True, f"{sp.sstr(expr)} > 0 from [{key}]", (key,))
    return Mark(
        False,
        f"{sp.sstr(expr)} is declared positive on the domain but not certified "
        "(add an assumption or an earlier step that gives it)",
    )


class Certificate:
    """Why a step's relation is true.  ``check`` re-derives it; nothing is trusted."""

    name = "certificate"

    def check(self, rel: sp.Basic, facts: Mapping[str, sp.Basic]) -> Mark:  # pragma: no cover
        raise NotImplementedError

    def describe(self) -> str:
        return self.name


@dataclasses.dataclass
class Simplification(Certificate):
    """An equality: ``lhs - rhs`` simplifies to zero (sums and integrals evaluated)."""

    name = "simplification"

    def check(self, rel, facts):
        if rel is sp.true:
            return Mark(True, "sympy evaluates the relation to True")
        if not isinstance(rel, sp.Equality):
            return Mark(False, "simplification certifies equalities only")
        try:  # both sides evaluate to the same object (e.g. a divergent sum and oo)
            if rel.lhs.doit() == rel.rhs.doit():
                return Mark(True, "both sides evaluate to the same expression")
        except (TypeError, ValueError, AttributeError):
            pass
        ok = _is_zero(rel.lhs - rel.rhs)
        return Mark(
            ok,
            "lhs - rhs simplifies to 0" if ok else f"lhs - rhs = {sp.sstr(sp.simplify(rel.lhs - rel.rhs))}",
        )


@dataclasses.dataclass
class Monomials(Certificate):
    """``b - a`` is nonnegative monomial by monomial (see :func:`nonneg_by_monomials`)."""

    name = "monomial positivity"

    def check(self, rel, facts):
        return nonneg_by_monomials(slack(rel), positive=is_strict(rel))


@dataclasses.dataclass
class SumOfSquares(Certificate):
    """``b - a = sum_i c_i * q_i**2`` with certified ``c_i >= 0``."""

    terms: Sequence[tuple[sp.Expr, sp.Expr]]
    name = "sum of squares"

    def describe(self):
        return "sum of squares: " + " + ".join(f"({sp.sstr(c)})*({sp.sstr(q)})**2" for c, q in self.terms)

    def check(self, rel, facts):
        if is_strict(rel):
            return Mark(False, "a sum of squares certifies only a non-strict inequality")
        for c, _ in self.terms:
            m = nonneg_by_monomials(c)
            if not m.ok:
                return Mark(False, f"weight {sp.sstr(c)}: {m.detail}")
        rest = slack(rel) - sum(c * q**2 for c, q in self.terms)
        ok = _is_zero(rest)
        return Mark(ok, self.describe() if ok else f"residual {sp.sstr(sp.simplify(rest))} is not zero")


@dataclasses.dataclass
class Combination(Certificate):
    """``b - a = sum_k lambda_k * slack(fact_k) + remainder``, multipliers certified >= 0.

    A strict claim needs a strict fact with a certified-positive multiplier, or a
    certified-positive remainder.
    """

    uses: Mapping[str, sp.Expr]
    remainder: sp.Expr = sp.Integer(0)
    squares: Sequence[tuple[sp.Expr, sp.Expr]] = ()  # extra remainder sum_i w_i q_i**2
    name = "nonnegative combination"

    def describe(self):
        parts = [f"({sp.sstr(c)})·[{k}]" for k, c in self.uses.items()]
        if self.remainder != 0:
            parts.append(f"({sp.sstr(self.remainder)})")
        parts += [f"({sp.sstr(w)})·({sp.sstr(q)})²" for w, q in self.squares]
        return "nonnegative combination: " + " + ".join(parts)

    def check(self, rel, facts):
        total = sp.Integer(0)
        strict_ok = False
        for key, coeff in self.uses.items():
            if key not in facts:
                return Mark(False, f"uses [{key}], which is not an assumption or an earlier step")
            fact = facts[key]
            if isinstance(fact, sp.Equality):
                total += coeff * slack(fact)  # equalities may be used with any sign
                continue
            m = nonneg_by_monomials(coeff)
            if not m.ok:
                return Mark(False, f"multiplier of [{key}]: {m.detail}")
            if is_strict(fact) and nonneg_by_monomials(coeff, positive=True).ok:
                strict_ok = True
            total += coeff * slack(fact)
        m = nonneg_by_monomials(self.remainder)
        if not m.ok:
            return Mark(False, f"remainder: {m.detail}")
        if self.remainder != 0 and nonneg_by_monomials(self.remainder, positive=True).ok:
            strict_ok = True
        for w, _ in self.squares:
            m = nonneg_by_monomials(w)
            if not m.ok:
                return Mark(False, f"square weight {sp.sstr(w)}: {m.detail}")
        if is_strict(rel) and not strict_ok:
            return Mark(False, "strict claim but no strictly positive part in the combination")
        resid = slack(rel) - total - self.remainder - sum((w * q**2 for w, q in self.squares), sp.Integer(0))
        if isinstance(rel, sp.Equality):
            return Mark(False, "use Simplification for equalities")
        ok = _is_zero(resid)
        return Mark(ok, self.describe() if ok else f"residual {sp.sstr(sp.simplify(resid))} is not zero")


@dataclasses.dataclass
class SumOfFacts(Certificate):
    """``b - a = Sum(slack(fact(index)), (index, lo, hi))``: summing a family of facts.

    With ``integral=True`` the sum is an integral over ``[lo, hi]`` (``lo <= hi`` checked):
    the integral of a pointwise nonnegative function is nonnegative (monotonicity).
    """

    fact: str
    index: sp.Symbol
    lower: sp.Expr
    upper: sp.Expr
    integral: bool = False
    name = "sum of instances of a fact"

    def describe(self):
        op = "integral" if self.integral else "sum"
        return f"{op} of [{self.fact}] over {self.index} from {self.lower} to {self.upper}"

    def check(self, rel, facts):
        if self.fact not in facts:
            return Mark(False, f"uses [{self.fact}], which is not an earlier fact")
        fact = facts[self.fact]
        if is_strict(rel) or isinstance(fact, sp.Equality):
            return Mark(False, "sums of facts certify non-strict inequalities only")
        if self.integral:
            if not nonneg_by_monomials(self.upper - self.lower).ok:
                return Mark(False, "integration bounds not certified lower <= upper")
            total = sp.Integral(slack(fact), (self.index, self.lower, self.upper))
        else:
            # an empty sum is 0, but sympy's Sum over a reversed range is the negated sum: the
            # range must be certified nonempty or empty, never reversed
            if not nonneg_by_monomials(self.upper - self.lower + 1).ok:
                return Mark(False, "summation range not certified upper >= lower - 1")
            total = sp.Sum(slack(fact), (self.index, self.lower, self.upper))
        ok = _is_zero(slack(rel) - total)
        return Mark(ok, self.describe() if ok else "slack is not the sum of the fact's slacks")


@dataclasses.dataclass
class Unfold(Certificate):
    """Unfold definitions: ``defs`` maps the relation's named quantities to what they stand for.

    Without ``of``: an equality that holds once the definitions are substituted (matrix
    expressions allowed, e.g. an inner product ``g^T (w^+ - w)``).  With ``of``: the
    relation *is* the earlier fact ``of`` with its variables instantiated (sound because
    facts are universally quantified over their variables' declared domains).
    """

    defs: Mapping[sp.Basic, sp.Basic]
    of: str = ""
    name = "unfolding definitions"

    def describe(self):
        d = ", ".join(f"{sp.sstr(k)} := {sp.sstr(v)}" for k, v in self.defs.items())
        return (f"instance of [{self.of}] with " if self.of else "definitions ") + d

    def check(self, rel, facts):
        if self.of:
            if self.of not in facts:
                return Mark(False, f"uses [{self.of}], which is not an earlier fact")
            fact = facts[self.of]
            if type(fact) is not type(rel) and not (
                isinstance(rel, _LE + _GE)
                and isinstance(fact, _LE + _GE)
                and is_strict(rel) == is_strict(fact)
            ):
                return Mark(False, "relation kind differs from the fact's")
            ok = _is_zero(slack(rel).subs(self.defs, simultaneous=True) - slack(fact))
            return Mark(ok, self.describe() if ok else "not an instance of the fact")
        if not isinstance(rel, sp.Equality):
            return Mark(False, "definitions alone certify equalities only")
        diff = (rel.lhs - rel.rhs).subs(self.defs, simultaneous=True)
        ok = _is_zero(diff)
        return Mark(ok, self.describe() if ok else "does not hold once the definitions are unfolded")


@dataclasses.dataclass
class CriticalPoint(Certificate):
    """A derivative argument for ``a <= b`` in one variable x: with f = b - a,
    f(x0) = 0 and f'(x)·(x − x0) >= 0 on the domain, so f decreases up to x0 and increases
    after it, and f >= 0 everywhere.  ``atoms`` names expressions of known sign on the domain
    (e.g. 1 − p for p in (0, 1), named by a positive symbol or its negative); each sign is
    certified (:func:`certified_positive`) before the atom is replaced for the sign check."""

    var: sp.Symbol
    point: sp.Expr
    atoms: Mapping[sp.Expr, sp.Symbol] = dataclasses.field(default_factory=dict)
    name = "derivative sign around a critical point"

    def describe(self):
        return f"f({sp.sstr(self.point)}) = 0 and f'({self.var})·({self.var} − {sp.sstr(self.point)}) ≥ 0"

    def check(self, rel, facts):
        if is_strict(rel) or not isinstance(rel, _LE + _GE):
            return Mark(False, "the derivative argument certifies non-strict inequalities")
        f = slack(rel)
        if not _is_zero(f.subs(self.var, self.point)):
            return Mark(False, f"f({sp.sstr(self.point)}) is not 0")
        g = sp.factor(sp.together(sp.diff(f, self.var) * (self.var - self.point)))
        for expr, sym in self.atoms.items():
            signed = expr if sym.is_positive else -expr if (-sym).is_positive else None
            if signed is None:
                return Mark(False, f"atom {sp.sstr(expr)} must be named by a positive symbol or its negative")
            pos = certified_positive(signed, facts)
            if not pos.ok:
                return Mark(False, pos.detail)
            g = g.subs(expr, sym).subs(-expr, -sym)
        g = sp.factor(g)
        m = nonneg_by_monomials(g)
        if not m.ok:
            # try the factored form: a product of certified-sign factors
            sign = 1
            for fac, pw in g.as_powers_dict().items():
                if fac.is_negative:
                    sign *= (-1) ** int(pw) if pw.is_integer else 0
                elif not (fac.is_nonnegative or (pw.is_integer and pw.is_even)):
                    return Mark(
                        False, f"f'·(x − x0) = {sp.sstr(g)}: factor {sp.sstr(fac)} has no certified sign"
                    )
            if sign != 1:
                return Mark(False, f"f'·(x − x0) = {sp.sstr(g)} is not certified nonnegative")
        return Mark(True, self.describe() + f"; f'·(x − x0) = {sp.sstr(g)}")


@dataclasses.dataclass
class Instance(Certificate):
    """The relation is the earlier fact ``of`` with some of its variables replaced by
    expressions (``subs``).  Sound because facts hold for every value of their variables in
    their declared domains; each replacement is checked to stay in its variable's domain
    (positive for a positive symbol, nonnegative for a nonnegative one)."""

    of: str
    subs: Mapping[sp.Symbol, sp.Expr]
    #: expressions positive on the domain of the variables (e.g. 1 − p for p in (0, 1)); each is
    #: certified (:func:`certified_positive`: declared signs or an earlier fact), then used for
    #: the domain check of the replacements
    positive_on_domain: Sequence[sp.Expr] = ()
    name = "instance of a fact"

    def describe(self):
        out = f"[{self.of}] at " + ", ".join(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in self.subs.items())
        if self.positive_on_domain:
            out += " (on the domain " + ", ".join(f"{sp.sstr(e)} > 0" for e in self.positive_on_domain) + ")"
        return out

    def check(self, rel, facts):
        if self.of not in facts:
            return Mark(False, f"uses [{self.of}], which is not an earlier fact")
        for e in self.positive_on_domain:
            pos = certified_positive(e, facts)
            if not pos.ok:
                return Mark(False, pos.detail)
        dom = {e: sp.Dummy(positive=True) for e in self.positive_on_domain}
        for sym, val in self.subs.items():
            val = sp.sympify(val).subs(dom)
            if sym.is_positive and not (val.is_positive or nonneg_by_monomials(val, positive=True).ok):
                return Mark(False, f"{sp.sstr(val)} is not certified positive, as {sym} must be")
            if sym.is_nonnegative and not (val.is_nonnegative or nonneg_by_monomials(val).ok):
                return Mark(False, f"{sp.sstr(val)} is not certified nonnegative, as {sym} must be")
        fact = facts[self.of]
        same_kind = (
            isinstance(rel, _LE + _GE) and isinstance(fact, _LE + _GE) and is_strict(rel) == is_strict(fact)
        ) or (isinstance(rel, sp.Equality) and isinstance(fact, sp.Equality))
        if not same_kind:
            return Mark(False, "relation kind differs from the fact's")
        diff = slack(fact).subs(self.subs, simultaneous=True) - slack(rel)
        for e, d in dom.items():  # a positive atom lets sympy split its logarithms
            diff = diff.subs(e, d).subs(-e, -d)
        ok = _is_zero(diff)
        return Mark(ok, self.describe() if ok else "not this instance of the fact")


@dataclasses.dataclass
class Equivalence(Certificate):
    """For ``Equivalent(P, A)``: ``slack(P) = factor * slack(A)`` with ``factor > 0``."""

    factor: sp.Expr
    name = "equivalence by a positive factor"

    def describe(self):
        return f"slack(P) = ({sp.sstr(self.factor)}) · slack(A), factor > 0"

    def check(self, rel, facts):
        if not isinstance(rel, sp.Equivalent) or len(rel.args) != 2:
            return Mark(False, "equivalence certificate needs Equivalent(P, A)")
        p, a = rel.args
        if is_strict(p) != is_strict(a):
            return Mark(False, "P and A must be both strict or both non-strict")
        m = nonneg_by_monomials(self.factor, positive=True)
        if not m.ok:
            return Mark(False, f"factor: {m.detail}")
        # Equivalent() stores its arguments in canonical order, so either may be P.
        ok = _is_zero(slack(p) - self.factor * slack(a)) or _is_zero(slack(a) - self.factor * slack(p))
        return Mark(ok, self.describe() if ok else "slack(P) is not factor · slack(A)")


# --------------------------------------------------------------------------- model


@dataclasses.dataclass
class Decided(Certificate):
    """The relation follows from the earlier facts ``uses`` by a decision procedure
    (:func:`dlverify.theorems.solve.prove`: the kernel's own certificates, then Z3's nonlinear
    real arithmetic -- exact for polynomial claims, with cited, guarded facts for ln and exp --
    then interval branch-and-bound in Arb balls)."""

    uses: tuple[str, ...] = ()
    name = "decision procedure"

    def check(self, rel, facts):
        missing = [k for k in self.uses if k not in facts]
        if missing:
            return Mark(False, f"uses {missing}, which are not earlier facts")
        from .solve import prove

        ok, how = prove(rel, [facts[k] for k in self.uses])
        return Mark(ok, how if ok else f"not decided: {how}")

    def describe(self) -> str:
        return f"decision procedure from [{', '.join(self.uses)}]"


def references(cert: Certificate) -> tuple[str, ...]:
    """The facts (assumptions or earlier steps) a certificate uses."""
    keys: list[str] = []
    if isinstance(cert, (Combination, Decided)):
        keys += list(cert.uses)
    for attr in ("fact", "of"):
        v = getattr(cert, attr, "")
        if isinstance(v, str) and v:
            keys.append(v)
    return tuple(keys)


@dataclasses.dataclass
class StepMark:
    key: str
    text: str
    latex: str
    certificate: str
    ok: bool
    detail: str
    #: the hypotheses (non-definition assumptions) the step rests on, transitively
    hypotheses: tuple[str, ...] = ()
    relation: Any = dataclasses.field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "relation"}


def _by_definition(cert: Certificate, definitions: list) -> set[sp.Symbol]:
    """Symbols the certificate replaces by exactly their defining expression (``s := e`` for a
    definition ``s = e``): that is unfolding the definition, not instantiating it away."""
    subs = (
        dict(cert.subs) if isinstance(cert, Instance) else dict(cert.defs) if isinstance(cert, Unfold) else {}
    )
    ok = set()
    for d in definitions:
        for sym, val in ((d.lhs, d.rhs), (d.rhs, d.lhs)):
            if isinstance(sym, sp.Symbol) and sym in subs and _is_zero(sp.sympify(subs[sym]) - val):
                ok.add(sym)
    return ok


def _unmet_instances(
    cert: Instance,
    keys: list[str],
    assumptions: Mapping[str, sp.Basic],
    facts: Mapping[str, sp.Basic],
    used: list[str],
) -> list[str]:
    """The assumptions (among ``keys``) whose relation, instantiated by ``cert``, is neither
    true as it stands, nor certified monomial by monomial, nor an earlier fact (whose key is
    appended to ``used``: the instance rests on it)."""
    unmet = []
    for k in keys:
        rel = assumptions[k]
        if not (rel.free_symbols & set(cert.subs)):
            continue
        inst = rel.subs(cert.subs, simultaneous=True)
        if inst is sp.true:
            continue
        if isinstance(inst, _LE + _GE) and nonneg_by_monomials(slack(inst), positive=is_strict(inst)).ok:
            continue
        hit = next((fk for fk, f in facts.items() if f is not None and same_relation(f, inst)), None)
        if hit is not None:
            used.append(hit)
            continue
        unmet.append(k)
    return unmet


def _definitions_used(cert: Unfold, theorem: Theorem) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The declared definitions an ``Unfold`` (without ``of``) substitutes, and a hypothesis
    for each substitution no definition declares.

    An unfolded definition is what a symbol *means*: declared as an assumption with
    ``definition=True`` (relation ``Eq(symbol, expression)``), it is shown with the theorem's
    assumptions and costs the claim nothing; undeclared, it becomes a hypothesis of the step
    (``definition k := v``) that no claim makes, so no claim is proved through it."""
    declared, undeclared = [], []
    defs = [a for a in theorem.assumptions if a.definition and isinstance(a.relation, sp.Equality)]
    for k, v in cert.defs.items():
        hit = next(
            (
                a.key
                for a in defs
                if a.relation is not None  # always (defs are equalities); narrows the Optional
                and (
                    (a.relation.lhs == k and a.relation.rhs == v)
                    or (a.relation.lhs == v and a.relation.rhs == k)
                )
            ),
            None,
        )
        if hit is None:
            undeclared.append(f"definition {sp.sstr(k)} := {sp.sstr(v)}")
        else:
            declared.append(hit)
    return tuple(declared), tuple(undeclared)


def _substituted_symbols(cert: Certificate) -> set[sp.Symbol]:
    """The symbols an instantiating certificate replaces (Instance: in the fact; Unfold with
    ``of``: in the relation, renamed to the fact's expressions)."""
    if isinstance(cert, Instance):
        return {k for k in cert.subs if isinstance(k, sp.Symbol)}
    if isinstance(cert, Unfold) and cert.of:
        return {k for k in cert.defs if isinstance(k, sp.Symbol)}
    return set()


def positivity_references(cert: Certificate, facts: Mapping[str, sp.Basic]) -> tuple[str, ...]:
    """The facts that certified the signs a certificate relies on (Instance's positive
    expressions, CriticalPoint's atoms): they count among the step's references."""
    exprs: list[sp.Expr] = []
    if isinstance(cert, Instance):
        exprs += list(cert.positive_on_domain)
    if isinstance(cert, CriticalPoint):
        exprs += [e if sym.is_positive else -e for e, sym in cert.atoms.items()]
    keys: list[str] = []
    for e in exprs:
        keys += list(certified_positive(e, facts).uses)
    return tuple(keys)


def unfolded_definitions(
    derivation: Sequence[Step], assumptions: Sequence[Assumption], texts: Mapping[str, str] | None = None
) -> list[Assumption]:
    """Declared definitions for every symbol an ``Unfold`` without ``of`` substitutes (and that
    ``assumptions`` do not declare yet): what each stands for, shown with the assumptions."""
    texts = dict(texts or {})
    unfolded = {
        k: v
        for step in derivation
        if isinstance(step.certificate, Unfold) and not step.certificate.of
        for k, v in step.certificate.defs.items()
    }
    have = [
        (a.relation.lhs, a.relation.rhs)
        for a in assumptions
        if a.definition and isinstance(a.relation, sp.Equality)
    ]
    return [
        Assumption(
            f"def_{sp.sstr(k)}",
            texts.get(sp.sstr(k), f"{sp.sstr(k)} names {sp.sstr(v)}"),
            sp.Eq(k, v, evaluate=False),
            definition=True,
        )
        for k, v in unfolded.items()
        if (k, v) not in have
    ]


@dataclasses.dataclass
class _Ledger:
    """What :func:`check_derivation` knows before each step: the facts, and for each fact the
    hypotheses it uses and the assumptions it rests on (both transitively)."""

    theorem: Theorem
    facts: dict
    hyps: dict[str, frozenset[str]]
    rests: dict[str, frozenset[str]]
    assumption_syms: dict
    defs: dict

    @classmethod
    def of(cls, theorem: Theorem) -> _Ledger:
        As = theorem.assumptions
        return cls(
            theorem,
            theorem.facts(),
            {a.key: frozenset() if a.definition else frozenset({a.key}) for a in As},
            {a.key: frozenset({a.key}) for a in As},
            {a.key: a.relation.free_symbols - set(a.for_all) for a in As if a.relation is not None},
            {a.key: a.relation for a in As if a.definition and isinstance(a.relation, sp.Equality)},
        )

    def resting_on(self, refs) -> frozenset[str]:
        return frozenset().union(*(self.rests.get(k, frozenset()) for k in refs))


def _instantiation_clash(
    step: Step, ledger: _Ledger, refs: tuple, on: frozenset
) -> tuple[set, tuple, frozenset]:
    """The symbols a step instantiates that an assumption its facts rest on fixes (empty when the
    instance is sound), with the references and resting assumptions an instance adds."""
    cert = step.certificate
    bound = set().union(*(ledger.assumption_syms.get(k, set()) for k in on)) if on else set()
    clash = _substituted_symbols(cert) & bound
    clash -= _by_definition(cert, [ledger.defs[k] for k in on if k in ledger.defs])
    if clash and isinstance(cert, Instance):
        # instantiating is sound when every assumption the fact rests on still holds at the
        # instance: its instantiated relation is itself a known fact (or certified outright)
        theorem_facts = ledger.theorem.facts()
        extra: list[str] = []
        keys = [k for k in on if k in theorem_facts]
        if not _unmet_instances(cert, keys, theorem_facts, ledger.facts, extra):
            return set(), refs + tuple(extra), on | ledger.resting_on(extra)
    return clash, refs, on


def _check_step(step: Step, ledger: _Ledger) -> tuple[Mark, tuple, frozenset, tuple]:
    """One step's mark, its references, the assumptions it rests on, its undeclared definitions."""
    try:
        m = step.certificate.check(step.relation, ledger.facts)
    except Exception as exc:  # a certificate that crashes is a failed mark, not a crash
        m = Mark(False, f"certificate raised {type(exc).__name__}: {exc}")
    refs = references(step.certificate)
    if m.ok:
        refs += positivity_references(step.certificate, ledger.facts)
    undeclared: tuple[str, ...] = ()
    if isinstance(step.certificate, Unfold) and not step.certificate.of:
        declared, undeclared = _definitions_used(step.certificate, ledger.theorem)
        refs += declared
    on = ledger.resting_on(refs)
    if m.ok:
        clash, refs, on = _instantiation_clash(step, ledger, refs, on)
        if clash:
            names = ", ".join(sorted(map(str, clash)))
            m = Mark(
                False,
                f"instantiates {names}, which an assumption the fact rests on fixes "
                f"({', '.join(sorted(on))}); the instance needs those assumptions at the new values "
                f"as facts, or for_all=(...) on an assumption that holds for every value",
            )
    return m, refs, on, undeclared


def check_derivation(theorem: Theorem) -> list[StepMark]:
    """Re-check every step, in order, against the assumptions and the earlier steps.

    Besides each certificate, one rule is checked here, where the whole derivation is known: a
    fact may be instantiated (``Instance``, ``Unfold(..., of=...)``) only in symbols that no
    assumption it rests on mentions -- a fact proved under ``η ≤ 1/L`` holds for every η
    *allowed by that hypothesis*, not for η := 2/L.
    """
    ledger = _Ledger.of(theorem)
    marks = []
    for step in theorem.derivation:
        m, refs, on, undeclared = _check_step(step, ledger)
        used = frozenset().union(*(ledger.hyps.get(k, frozenset()) for k in refs)) | frozenset(undeclared)
        tex = step.latex or theorem.tex(step.relation)
        describe = step.certificate.describe()
        marks.append(
            StepMark(step.key, step.text, tex, describe, m.ok, m.detail, tuple(sorted(used)), step.relation)
        )
        if m.ok and not isinstance(step.relation, sp.Equivalent):
            ledger.facts[step.key] = step.relation
            ledger.hyps[step.key] = used
            ledger.rests[step.key] = on
    return marks


def named_identities(derivation: Sequence[Step], keep=()) -> tuple[list[Step], list[Assumption]]:
    """Identities certified by :class:`Simplification` restated as ``id_<key> = 0`` with
    ``id_<key> := lhs − rhs`` unfolded by the certificate, and the declared definitions of those
    names (so the theorem's assumptions show what each stands for, at no cost to a claim).

    A claim is matched to a step by comparing relations: two scalar identities ``expr = 0`` whose
    left sides both simplify to 0 would otherwise match each other, and a large identity (sums,
    integrals, limits, matrices) would be simplified again for every claim compared with it.
    The step's LaTeX keeps the identity itself.  Steps named in ``keep`` stay as they are."""

    def named(step: Step) -> bool:
        rel = step.relation
        if not isinstance(step.certificate, Simplification) or not isinstance(rel, sp.Equality):
            return False
        if getattr(rel.lhs, "is_Matrix", False):
            return True
        return not isinstance(rel.lhs, sp.MatrixExpr) and step.key not in keep

    steps, defs = [], []
    for step in derivation:
        if not named(step):
            steps.append(step)
            continue
        rel = step.relation
        name = sp.Symbol(f"id_{step.key}", real=True)
        diff = rel.lhs - rel.rhs
        steps.append(
            Step(step.key, step.text, sp.Eq(name, 0), Unfold({name: diff}), latex=step.latex or sp.latex(rel))
        )
        defs.append(
            Assumption(
                f"def_{step.key}",
                f"id_{step.key} names the difference of the two sides of step {step.key}",
                sp.Eq(name, diff, evaluate=False),
                definition=True,
            )
        )
    return steps, defs


def certify(relation: sp.Basic, certificate: Certificate, facts: Mapping[str, sp.Basic]) -> Mark:
    """Check one relation with one certificate (used to show a wrong variant is *not* certified)."""
    try:
        return certificate.check(relation, facts)
    except Exception as exc:
        return Mark(False, f"certificate raised {type(exc).__name__}: {exc}")


def exact_counterexample(
    relation: sp.Basic,
    assumptions: Sequence[sp.Basic],
    substitution: Mapping[sp.Symbol, sp.Expr],
    grid: Mapping[sp.Symbol, Sequence],
) -> dict | None:
    """Search a rational grid, in exact arithmetic, for a point where the assumptions hold
    and ``relation`` (after ``substitution``, e.g. an extremal family's closed form) fails.

    Exact arithmetic means a counterexample found here is not a rounding artefact.
    """
    target = slack(relation).subs(substitution)
    keys = list(grid)
    strict = is_strict(relation)
    for point in itertools.product(*(grid[k] for k in keys)):
        vals = {k: sp.Rational(v) for k, v in zip(keys, point)}
        if not all(bool(a.subs(vals)) for a in assumptions):
            continue
        s = sp.nsimplify(target.subs(vals))
        if s.free_symbols:
            raise ValueError(f"grid does not fix {s.free_symbols}")
        if s < 0 or (strict and s == 0):
            return {str(k): str(v) for k, v in vals.items()} | {"slack": str(s)}
    return None

"""A claim as a Z3 query: exact for polynomial (algebraic) claims, a sound relaxation otherwise.

The query is *assumptions and (not claim, or claim undefined)*.  Unsatisfiable means no point of
the domain breaks the claim: a proof.  The encoding over-approximates the real semantics --
every real point of the domain extends to a model -- so unsatisfiability is sound whatever the
claim contains:

* polynomials, divisions (with the divisor's zero as a point where the claim is undefined),
  ``Abs``/``Min``/``Max`` (exactly, by cases) and rational powers (``r >= 0, r**q = b**p``) are
  encoded exactly: for such a claim Z3's nonlinear real arithmetic (nlsat) is a decision
  procedure, and a model is a counterexample (still certified in exact arithmetic by the caller);
* ``log``, ``exp``, powers with a symbolic exponent, ``sin``/``cos`` and transcendental constants
  (``pi``, ``e``, ``log 2``) become fresh variables tied to their arguments by *cited facts* --
  each a published inequality guarded by where it holds (``ln t <= t - 1`` for ``t > 0``,
  ``e^t >= 1 + t``, monotonicity, ``pi`` within Arb's enclosure, ...).  The facts are true, so
  unsatisfiability is still a proof (the facts used are reported from Z3's unsat core); a model
  may violate the true functions and is only a candidate.

Integer variables are relaxed to reals for a proof (a proof over the reals covers the
integers); a model of the relaxation is re-solved over the integers before it is offered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from fractions import Fraction

import sympy as sp
import z3

from .relations import is_strict, slack

#: names of the cited facts, as reported in a certificate
FACTS = {
    "log_tangent": "ln t <= t - 1",
    "log_lower": "ln t >= 1 - 1/t",
    "log_sign": "ln t >= 0 iff t >= 1",
    "log_pade": "ln t >= 2(t-1)/(t+1) for t >= 1 (<= for t <= 1)",
    "log_upper2": "2t ln t <= t^2 - 1 for t >= 1 (>= for t <= 1)",
    "log_monotone": "ln is increasing",
    "exp_positive": "e^t > 0",
    "exp_tangent": "e^t >= 1 + t",
    "exp_cubic": "e^t >= 1 + t + t^2/2 + t^3/6",
    "exp_sign": "e^t >= 1 iff t >= 0",
    "exp_upper": "e^t <= 1/(1 - t) for t < 1",
    "exp_quadratic": "e^t <= 1 + t + t^2/2 for t <= 0",
    "exp_monotone": "exp is increasing",
    "power": "b^e = exp(e ln b) for b > 0, 0^e = 0 for e > 0",
    "trig": "|sin t|, |cos t| <= 1, |sin t| <= |t|, cos t >= 1 - t^2/2, sin^2 + cos^2 = 1",
    "constant": "an Arb enclosure of a constant",
    "root": "the real root r >= 0 of r^q = b^p",
}

#: the first, smaller set of facts tried (a smaller query is often decided much faster); the
#: definitions of roots, powers and constants are always present
BASIC = frozenset(
    {"log_tangent", "log_lower", "log_sign", "log_monotone", "exp_positive", "exp_tangent", "exp_sign"}
    | {"exp_monotone", "power", "trig", "constant", "root"}
)


#: Z3 resource units per millisecond of budget (what nlsat spends per ms on this machine is 250 to
#: 700; the proofs of the known set spend under 100 000)
RLIMIT_PER_MS = 250


class NotEncodable(Exception):
    """The expression has a part Z3 cannot take (an unknown function, a sum over an index)."""


@dataclasses.dataclass
class Query:
    solver: z3.Solver
    vars: dict[sp.Symbol, z3.ArithRef]
    #: True when nothing was relaxed: a model is a counterexample (up to integrality)
    exact: bool
    #: tracking literal -> cited-fact name
    tracked: dict
    relaxed_integers: bool


class Encoder:
    """sympy -> Z3 for one query.  ``atoms`` caches the fresh variable of each transcendental
    sub-expression; ``facts`` collects (fact name, formula) pairs."""

    def __init__(self, symbols: Sequence[sp.Symbol], integers: frozenset, relax_integers: bool):
        self.vars: dict[sp.Symbol, z3.ArithRef] = {}
        for s in symbols:
            if s in integers and not relax_integers:
                self.vars[s] = z3.ToReal(z3.Int(s.name))
            else:
                self.vars[s] = z3.Real(s.name)
        self.atoms: dict[sp.Expr, z3.ArithRef] = {}
        self.kinds: dict[str, list[tuple[sp.Expr, z3.ArithRef, z3.ArithRef]]] = {"log": [], "exp": []}
        self.facts: list[tuple[str, z3.BoolRef]] = []
        self.domain: list[z3.BoolRef] = []
        self.exact = True
        self.count = 0

    def fresh(self, prefix: str) -> z3.ArithRef:
        self.count += 1
        return z3.Real(f"{prefix}!{self.count}")

    def fact(self, name: str, formula) -> None:
        self.facts.append((name, formula))

    # ------------------------------------------------------------------ expressions

    def enc(self, e: sp.Expr) -> z3.ArithRef:
        if e in self.vars:
            return self.vars[e]
        if e.is_Rational:
            return z3.RealVal(Fraction(int(e.p), int(e.q)))
        if e in self.atoms:
            return self.atoms[e]
        if not e.free_symbols and not e.is_Rational and _transcendental(e):
            return self._constant(e)
        if isinstance(e, sp.Add):
            return z3.Sum([self.enc(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return _product([self.enc(a) for a in _merge_roots(e.args)])
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, sp.Abs):
            a = self.enc(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, (sp.Min, sp.Max)):
            out = self.enc(e.args[0])
            for a in e.args[1:]:
                b = self.enc(a)
                out = z3.If(b < out, b, out) if isinstance(e, sp.Min) else z3.If(b > out, b, out)
            return out
        if isinstance(e, sp.log):
            return self._log(e)
        if isinstance(e, sp.exp):
            return self._exp(e, self.enc(e.args[0]))
        if isinstance(e, (sp.sin, sp.cos)):
            return self._trig(e)
        raise NotEncodable(f"{type(e).__name__} in {sp.sstr(e)}")

    def _constant(self, e: sp.Expr) -> z3.ArithRef:
        from .balls import ball_at

        b = ball_at(e, {}, 128)
        lo, hi = _fraction(b, "down"), _fraction(b, "up")
        v = self.fresh("c")
        self.atoms[e] = v
        self.exact = False
        self.fact("constant", z3.And(v >= z3.RealVal(lo), v <= z3.RealVal(hi)))
        return v

    def _pow(self, e: sp.Pow) -> z3.ArithRef:
        b, x = e.base, e.exp
        if x.is_Integer:
            k = int(x)
            base = self.enc(b)
            if k >= 0:
                return _product([base] * k) if k else z3.RealVal(1)
            self.domain.append(base != 0)
            return 1 / _product([base] * (-k))
        if x.is_Rational:
            return self._root(e, b, int(x.p), int(x.q))
        return self._symbolic_power(e)

    def _root(self, e, b, p: int, q: int) -> z3.ArithRef:
        """b**(p/q) = r with r >= 0, r**q = b**|p| (p > 0) or r**q * b**|p| = 1 (p < 0)."""
        base = self.enc(b)
        r = self.fresh("r")
        self.atoms[e] = r
        ok = base > 0 if p < 0 else base >= 0
        self.domain.append(ok)
        rq = _product([r] * q)
        bp = _product([base] * abs(p))
        rel = rq == bp if p > 0 else rq * bp == 1
        self.fact("root", z3.Implies(ok, z3.And(r >= 0, rel)))
        return r

    def _symbolic_power(self, e: sp.Pow) -> z3.ArithRef:
        """b**x = exp(x ln b) where b > 0; 0 where b = 0 < x; unconstrained elsewhere (an integer
        exponent of a negative base is defined but not encoded: over-approximation)."""
        b, x = e.base, e.exp
        base, ex = self.enc(b), self.enc(x)
        p = self.fresh("p")
        self.atoms[e] = p
        self.exact = False
        lb = self._log_of(sp.log(b, evaluate=False), base, guard_domain=False)
        ev = self._exp(sp.exp(x * sp.log(b, evaluate=False), evaluate=False), ex * lb)
        self.fact("power", z3.Implies(base > 0, p == ev))
        self.fact("power", z3.Implies(z3.And(base == 0, ex > 0), p == 0))
        defined = [base > 0, z3.And(base == 0, ex > 0)]
        if x.is_integer:
            defined.append(base != 0)
        self.domain.append(z3.Or(*defined))
        return p

    def _log(self, e: sp.log) -> z3.ArithRef:
        if len(e.args) != 1:
            raise NotEncodable(f"log with a base: {sp.sstr(e)}")
        return self._log_of(e, self.enc(e.args[0]), guard_domain=True)

    def _log_of(self, e, t: z3.ArithRef, guard_domain: bool) -> z3.ArithRef:
        if e in self.atoms:
            return self.atoms[e]
        v = self.fresh("ln")
        self.atoms[e] = v
        self.exact = False
        if guard_domain:
            self.domain.append(t > 0)
        pos = t > 0
        self.fact("log_tangent", z3.Implies(pos, v <= t - 1))
        self.fact("log_lower", z3.Implies(pos, v * t >= t - 1))
        self.fact("log_sign", z3.Implies(pos, (v >= 0) == (t >= 1)))
        self.fact("log_sign", z3.Implies(pos, (v > 0) == (t > 1)))
        self.fact("log_pade", z3.Implies(z3.And(pos, t >= 1), v * (t + 1) >= 2 * (t - 1)))
        self.fact("log_pade", z3.Implies(z3.And(pos, t <= 1), v * (t + 1) <= 2 * (t - 1)))
        self.fact("log_upper2", z3.Implies(z3.And(pos, t >= 1), 2 * t * v <= t * t - 1))
        self.fact("log_upper2", z3.Implies(z3.And(pos, t <= 1), 2 * t * v >= t * t - 1))
        for _, t2, v2 in self.kinds["log"]:
            both = z3.And(pos, t2 > 0)
            self.fact("log_monotone", z3.Implies(z3.And(both, t <= t2), v <= v2))
            self.fact("log_monotone", z3.Implies(z3.And(both, t >= t2), v >= v2))
            self.fact("log_monotone", z3.Implies(z3.And(both, t < t2), v < v2))
            self.fact("log_monotone", z3.Implies(z3.And(both, t > t2), v > v2))
        self.kinds["log"].append((e, t, v))
        return v

    def _exp(self, e, t: z3.ArithRef) -> z3.ArithRef:
        if e in self.atoms:
            return self.atoms[e]
        v = self.fresh("exp")
        self.atoms[e] = v
        self.exact = False
        self.fact("exp_positive", v > 0)
        self.fact("exp_tangent", v >= 1 + t)
        self.fact("exp_cubic", v >= 1 + t + t * t / 2 + t * t * t / 6)
        self.fact("exp_sign", (v >= 1) == (t >= 0))
        self.fact("exp_sign", (v > 1) == (t > 0))
        self.fact("exp_upper", z3.Implies(t < 1, v * (1 - t) <= 1))
        self.fact("exp_quadratic", z3.Implies(t <= 0, v <= 1 + t + t * t / 2))
        for _, t2, v2 in self.kinds["exp"]:
            self.fact("exp_monotone", z3.Implies(t <= t2, v <= v2))
            self.fact("exp_monotone", z3.Implies(t >= t2, v >= v2))
            self.fact("exp_monotone", z3.Implies(t < t2, v < v2))
            self.fact("exp_monotone", z3.Implies(t > t2, v > v2))
        self.kinds["exp"].append((e, t, v))
        return v

    def _trig(self, e) -> z3.ArithRef:
        t = self.enc(e.args[0])
        v = self.fresh(type(e).__name__)
        self.atoms[e] = v
        self.exact = False
        self.fact("trig", z3.And(v >= -1, v <= 1))
        if isinstance(e, sp.sin):
            self.fact("trig", z3.And(v * v <= t * t, z3.Implies(t >= 0, v <= t), z3.Implies(t <= 0, v >= t)))
            other = self.atoms.get(sp.cos(e.args[0]))
        else:
            self.fact("trig", v >= 1 - t * t / 2)
            other = self.atoms.get(sp.sin(e.args[0]))
        if other is not None:
            self.fact("trig", v * v + other * other == 1)
        return v


def _merge_roots(args) -> list:
    """``x**(1/3) * y**(1/3)`` as ``(x*y)**(1/3)`` where every base is nonnegative by declaration
    (sympy splits a root of a product of nonnegative symbols; one root is a smaller query)."""
    groups: dict = {}
    rest = []
    for a in args:
        if isinstance(a, sp.Pow) and a.exp.is_Rational and not a.exp.is_Integer and a.base.is_nonnegative:
            groups.setdefault(a.exp, []).append(a.base)
        else:
            rest.append(a)
    for ex, bases in groups.items():
        rest.append(sp.Pow(sp.Mul(*bases), ex, evaluate=False) if len(bases) > 1 else sp.Pow(bases[0], ex))
    return rest


def _transcendental(e: sp.Expr) -> bool:
    return bool(e.has(sp.log, sp.exp, sp.pi, sp.E, sp.sin, sp.cos)) or any(
        not p.exp.is_Rational for p in e.atoms(sp.Pow)
    )


def _product(xs):
    out = xs[0]
    for x in xs[1:]:
        out = out * x
    return out


def _exact(x) -> Fraction:
    """An exact Arb number (a midpoint or a radius) as a fraction."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man) * (Fraction(2) ** exp)


def _fraction(b, direction: str) -> Fraction:
    """The lower (``down``) or upper (``up``) end of an Arb ball as a fraction: exact, so the
    true value is never outside it."""
    m, r = _exact(b.mid()), _exact(b.rad())
    return m - r if direction == "down" else m + r


def _relation_formula(enc: Encoder, rel: sp.Basic) -> z3.BoolRef:
    s = enc.enc(slack(rel))
    if isinstance(rel, sp.Equality):
        return s == 0
    return s > 0 if is_strict(rel) else s >= 0


def build(
    relation: sp.Basic,
    assumptions: Sequence[sp.Basic],
    bounds: Mapping[sp.Symbol, tuple],
    integers: frozenset,
    relax_integers: bool,
    timeout_ms: int,
    facts: frozenset | None = None,
    only_domain: bool = False,
) -> Query:
    """The query *assumptions and not (claim holds and is defined)*; each cited fact is tracked
    so an unsat core names the facts a proof used.  ``bounds`` maps a symbol to its declared
    (lo, lo_strict, hi, hi_strict) (None for an open end); ``facts`` (names) keeps only those
    cited facts (dropping a true fact keeps the query an over-approximation); ``only_domain``
    asks instead whether the claim is undefined somewhere on the domain."""
    symbols = sorted(set(relation.free_symbols).union(*(a.free_symbols for a in assumptions)), key=str)
    enc = Encoder(symbols, integers, relax_integers)
    solver = z3.SolverFor("QF_NRA") if (relax_integers or not integers) else z3.Solver()
    # Z3's resource limit (deterministic: the same answer on a loaded machine), with the wall
    # clock at 3x the budget only as a safety stop
    solver.set("rlimit", int(RLIMIT_PER_MS * timeout_ms))
    solver.set("timeout", int(3 * timeout_ms))
    for s, (lo, lo_strict, hi, hi_strict) in bounds.items():
        v = enc.vars[s]
        if lo is not None:  # a bound may be irrational (sqrt(2), pi): encoded like any expression
            b = enc.enc(sp.sympify(lo))
            solver.add(v > b if lo_strict else v >= b)
        if hi is not None:
            b = enc.enc(sp.sympify(hi))
            solver.add(v < b if hi_strict else v <= b)
    for a in assumptions:
        before = len(enc.domain)
        f = _relation_formula(enc, a)
        solver.add(f, *enc.domain[before:])  # an assumption is a statement about where it is defined
        del enc.domain[before:]
    holds = _relation_formula(enc, relation)
    solver.add(z3.Not(z3.And(*enc.domain)) if only_domain else z3.Not(z3.And(holds, *enc.domain)))
    tracked = {}
    for i, (name, formula) in enumerate(enc.facts):
        if facts is not None and name not in facts:
            continue
        lit = z3.Bool(f"fact!{i}")
        tracked[lit] = name
        solver.assert_and_track(formula, lit)
    return Query(solver, enc.vars, enc.exact, tracked, relax_integers and bool(integers))


def _q(x) -> Fraction:
    r = sp.Rational(x)
    return Fraction(int(r.p), int(r.q))


def model_point(q: Query, digits: int = 40) -> dict[sp.Symbol, sp.Rational]:
    """The model's values as rationals (an algebraic value is approximated to ``digits``)."""
    m = q.solver.model()
    out = {}
    for s, v in q.vars.items():
        val = m.eval(v, model_completion=True)
        if z3.is_rational_value(val):
            out[s] = sp.Rational(val.numerator_as_long(), val.denominator_as_long())
        elif z3.is_algebraic_value(val):
            a = val.approx(digits)
            out[s] = sp.Rational(a.numerator_as_long(), a.denominator_as_long())
        else:  # pragma: no cover - a real variable always evaluates to a number
            out[s] = sp.Rational(str(val))
    return out


def used_facts(q: Query) -> list[str]:
    """The cited facts in the unsat core, as their printed statements."""
    names = {q.tracked[lit] for lit in q.solver.unsat_core() if lit in q.tracked}
    return [FACTS[n] for n in FACTS if n in names]


def domain_query(
    relation: sp.Basic, assumptions: Sequence[sp.Basic], bounds: Mapping, integers: frozenset, timeout_ms: int
) -> z3.Solver:
    """The query *assumptions and the claim undefined somewhere* (a division by zero, a logarithm
    of a number <= 0, ...): unsatisfiable means the claim has a real value on the whole domain."""
    return build(relation, assumptions, bounds, integers, True, timeout_ms, only_domain=True).solver

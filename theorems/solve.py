r"""Your own claim in one line: parse it strictly, prove it, or certify a counterexample.

``dlverify check "ln(u) <= u - 1" --where "u > 0"`` reaches this module through
:mod:`dlverify.reports.check`.  What happens here is pure sympy, Z3 and Arb (no torch):

1. **Parsing** (:func:`parse`): the claim and every ``--where`` item are read in a *strict*
   namespace -- the functions of :data:`FUNCTIONS`, the constants ``pi`` and ``e``, and the
   variables that the assumptions introduce or declare (``n: integer``, ``x in (0, 1]``,
   ``v: vector(3)``).  An unknown function, a name that only the claim uses, or a relation
   that does not parse is bad input, named in one line.  Numbers are read as exact rationals
   (``0.1`` is 1/10).  ``A implies B`` puts ``A`` among the assumptions.
2. **Proof**, strongest first (:func:`decide_symbolically`): the suite's own proof kernel
   (:mod:`dlverify.theorems.core`: monomial positivity, a nonnegative combination of the
   assumptions, a critical-point argument -- each re-checked by the kernel); then Z3's
   nonlinear real arithmetic (:mod:`dlverify.theorems.smt`: a decision procedure for
   polynomial claims, a sound relaxation with cited facts otherwise); then interval
   branch-and-bound in ball arithmetic on a bounded domain (:mod:`dlverify.theorems.balls`).
3. **Certification** (:func:`certify`): a candidate counterexample -- from Z3's model, from
   branch-and-bound, or from the numeric search (:mod:`dlverify.numerics.search`) -- becomes a
   counterexample only when exact rational arithmetic or an Arb ball shows that every assumption
   holds and the claim fails (or is undefined) there.  Rounding can never make a false alarm.

This module never names a verdict: :mod:`dlverify.reports.check` turns its evidence into one
through :func:`dlverify.theorems.evidence.decide`.
"""

from __future__ import annotations

import dataclasses
import io
import keyword
import math
import re
import time
import tokenize
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from . import balls
from .relations import INEQUALITIES, DlverifyError, is_strict, sides, slack

# --------------------------------------------------------------------------- the namespace


def _kl(p, q):
    """Binary KL divergence kl(p || q) in nats (defined for 0 < p < 1, 0 < q < 1)."""
    return p * sp.log(p / q) + (1 - p) * sp.log((1 - p) / (1 - q))


def _vec(x) -> sp.Matrix:
    if not isinstance(x, sp.MatrixBase):
        raise DlverifyError(f"{sp.sstr(x)} is not a vector (declare one with 'x: vector(3)')")
    return x


def _dot(x, y):
    x, y = _vec(x), _vec(y)
    if x.shape != y.shape:
        raise DlverifyError(f"dot of vectors of different sizes {x.shape[0]} and {y.shape[0]}")
    return sum((a * b for a, b in zip(x, y)), sp.Integer(0))


def _norm2(x):
    return _dot(x, x)


def _sum(x):
    return sum(_vec(x), sp.Integer(0))


#: the functions a claim may call; anything else called is bad input
FUNCTIONS = {
    "log": sp.log,
    "ln": sp.log,
    "exp": sp.exp,
    "sqrt": sp.sqrt,
    "cbrt": lambda x: x ** sp.Rational(1, 3),
    "abs": sp.Abs,
    "Abs": sp.Abs,
    "min": sp.Min,
    "max": sp.Max,
    "Min": sp.Min,
    "Max": sp.Max,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "kl": _kl,
    "dot": _dot,
    "norm": lambda x: sp.sqrt(_norm2(x)),
    "norm2": _norm2,
    "sum": _sum,
}
CONSTANTS = {"pi": sp.pi, "e": sp.E, "E": sp.E}
#: declared kinds: (integer, relations as (op, bound)) -- the relations are added as assumptions
KINDS = {
    "real": (False, ()),
    "integer": (True, ()),
    "positive": (False, ((">", 0),)),
    "nonnegative": (False, ((">=", 0),)),
    "negative": (False, (("<", 0),)),
    "natural": (True, ((">=", 0),)),
    "positive integer": (True, ((">=", 1),)),
    "probability": (False, ((">=", 0), ("<=", 1))),
}
_KIND_ALIASES = {
    "r": "real",
    "ℝ": "real",
    "int": "integer",
    "z": "integer",
    "ℤ": "integer",
    "n": "natural",
    "ℕ": "natural",
    "nat": "natural",
    "nonneg": "nonnegative",
    "pos": "positive",
}
_UNICODE = [
    ("≤", "<="),
    ("≥", ">="),
    ("⩽", "<="),
    ("⩾", ">="),
    ("−", "-"),
    ("–", "-"),
    ("·", "*"),
    ("⋅", "*"),
    ("×", "*"),
    ("²", "**2"),
    ("³", "**3"),
    ("^", "**"),
    ("π", "pi"),
]
_COMPARISONS = {"<=", ">=", "<", ">", "==", "="}
_ALLOWED_OPS = {"+", "-", "*", "/", "**", "(", ")", ","} | _COMPARISONS
_NAME = r"[^\W\d]\w*"
_DECL = re.compile(rf"^\s*({_NAME}(?:\s*,\s*{_NAME})*)\s*(?::|\s+is\s+an?|\s+is|\s+in|\s)\s*(.+?)\s*$")
_VECTOR = re.compile(r"^(?:vector\s*\(?\s*(\d+)\s*\)?|(?:r|ℝ)\s*\^\s*(\d+)|(?:r|ℝ)(\d+))$")
_INTERVAL = re.compile(rf"^\s*({_NAME})\s+(?:in|∈)\s*([\[(])\s*(.+?)\s*,\s*(.+?)\s*([\])])\s*$")
_IMPLIES = re.compile(r"\s+implies\s+|⟹|⇒|==>|=>(?!=)")


def _normalise(text: str) -> str:
    for a, b in _UNICODE:
        text = text.replace(a, b)
    return re.sub(r"√\s*(\w+)", r"sqrt(\1)", text).replace("√", "sqrt")


# --------------------------------------------------------------------------- items


Triple = tuple[str, sp.Expr, sp.Expr]  # (op, lhs, rhs) over plain real symbols


@dataclasses.dataclass
class Item:
    """One assumption as the user wrote it: relations (a chain gives several), a declaration
    (integers, vector sizes), or both (``x: positive`` declares x > 0)."""

    text: str
    origin: str  # "where", "hypothesis of the claim", "declared"
    relations: list[Triple] = dataclasses.field(default_factory=list)
    integers: frozenset[str] = frozenset()
    vectors: dict[str, int] = dataclasses.field(default_factory=dict)


def _tokens(text: str, where: str) -> list[tokenize.TokenInfo]:
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise DlverifyError(f"cannot read {where} '{text}': {exc}") from None
    out = []
    for t in toks:
        if t.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT):
            continue
        if t.type == tokenize.OP and t.string not in _ALLOWED_OPS | {"[", "]"}:
            raise DlverifyError(f"{where} '{text}': '{t.string}' is not allowed in a relation")
        if t.type not in (tokenize.OP, tokenize.NAME, tokenize.NUMBER):
            raise DlverifyError(f"{where} '{text}': cannot read '{t.string}'")
        if t.type == tokenize.NAME and keyword.iskeyword(t.string):
            raise DlverifyError(f"{where} '{text}': '{t.string}' is a reserved word, not a name")
        out.append(t)
    return out


def _names(toks) -> tuple[set[str], set[str]]:
    """(names used as values, names called as functions)."""
    values: set[str] = set()
    called: set[str] = set()
    for i, t in enumerate(toks):
        if t.type != tokenize.NAME:
            continue
        nxt = toks[i + 1].string if i + 1 < len(toks) else ""
        (called if nxt == "(" else values).add(t.string)
    return values, called


def _split_chain(toks, text: str, where: str) -> list:
    """A relation chain ``a < b <= c`` as its sides (token lists) and operators."""
    sides_: list = []
    ops: list[str] = []
    cur: list = []
    depth = 0
    for t in toks:
        if t.string in "([":
            depth += 1
        elif t.string in ")]":
            depth -= 1
        if depth == 0 and t.type == tokenize.OP and t.string in _COMPARISONS:
            sides_.append(cur)
            ops.append("==" if t.string == "=" else t.string)
            cur = []
        else:
            cur.append(t)
    sides_.append(cur)
    if depth != 0:
        raise DlverifyError(f"{where} '{text}': unbalanced parentheses")
    if not ops:
        raise DlverifyError(f"{where} '{text}' is not a relation (no <=, <, >=, > or ==)")
    if any(not s for s in sides_):
        raise DlverifyError(f"{where} '{text}': a comparison is missing a side")
    return list(zip(sides_[:-1], ops, sides_[1:]))


class Namespace:
    """The strict namespace: functions, constants and the declared or assumed variables."""

    def __init__(self, names: set[str], integers: set[str], vectors: Mapping[str, int], declared: set[str]):
        self.symbols: dict[str, sp.Symbol] = {}
        self.local: dict[str, object] = dict(FUNCTIONS)
        for n in sorted(names):
            if n in vectors:
                comps = [self._symbol(f"{n}_{i + 1}", n in integers) for i in range(vectors[n])]
                self.local[n] = sp.Matrix(comps)
            elif n in CONSTANTS and n not in declared:
                self.local[n] = CONSTANTS[n]
            else:
                self.local[n] = self._symbol(n, n in integers)

    def _symbol(self, name: str, integer: bool) -> sp.Symbol:
        if name in self.symbols:
            raise DlverifyError(f"the name '{name}' is used twice (a vector's component and a variable)")
        s = sp.Symbol(name, integer=True) if integer else sp.Symbol(name, real=True)
        self.symbols[name] = s
        return s

    def expression(self, toks, text: str, where: str) -> sp.Expr:
        src = " ".join(_implicit_products(toks, self.local))
        src = re.sub(rf"\b({_NAME})\s*\[\s*(\d+)\s*\]", r"\1_\2", src)  # v[2] -> v_2
        from sympy.parsing.sympy_parser import auto_number, parse_expr, rationalize

        glob = {"Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational, "__builtins__": {}}
        try:
            return parse_expr(
                src, local_dict=dict(self.local), global_dict=glob, transformations=(auto_number, rationalize)
            )
        except DlverifyError:
            raise
        except NameError as exc:
            raise DlverifyError(f"{where} '{text}': unknown name ({exc})") from None
        except Exception as exc:  # noqa: BLE001 - sympy's parser raises many types; all are bad input
            raise DlverifyError(f"cannot parse {where} '{text}': {type(exc).__name__}: {exc}") from None


def _implicit_products(toks, local) -> list[str]:
    """Token strings with ``*`` inserted where a product is written without one: ``2x``, ``2(x)``,
    ``(a)(b)``, ``x y``, ``eta(1 - x)`` when ``eta`` is a variable (never a function)."""
    out: list[str] = []
    prev = None
    for t in toks:
        if prev is not None:
            left = (
                prev.type == tokenize.NUMBER
                or prev.string == ")"
                or (prev.type == tokenize.NAME and prev.string not in FUNCTIONS)
            )
            right = t.type in (tokenize.NAME, tokenize.NUMBER) or t.string == "("
            if left and right and not (prev.type == tokenize.NUMBER and t.type == tokenize.NUMBER):
                out.append("*")
        out.append(t.string)
        prev = t
    return out


def _relation(op: str, a: sp.Expr, b: sp.Expr) -> sp.Basic:
    cls = {"<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt, "==": sp.Eq}[op]
    return cls(a, b, evaluate=False)


def _op_of(rel: sp.Basic) -> str:
    return {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.GreaterThan: ">=", sp.StrictGreaterThan: ">"}.get(
        type(rel), "=="
    )


# --------------------------------------------------------------------------- the problem


@dataclasses.dataclass
class Problem:
    """A claim and its assumptions, over refined symbols (a variable bounded below by a positive
    number is a positive sympy symbol, so the kernel's monomial certificates can read its sign).

    ``items`` are the assumptions as given (``item_of[i]`` is the item of ``constraints[i]``);
    ``bounds`` the tightest numeric bounds each variable has (lo, lo strict, hi, hi strict)."""

    text: str
    relation: sp.Basic
    items: list[Item]
    constraints: list[sp.Basic]
    item_of: list[int]
    symbols: dict[str, sp.Symbol]
    integers: frozenset[sp.Symbol]
    bounds: dict[sp.Symbol, tuple]
    vectors: dict[str, int]

    @property
    def slack(self) -> sp.Expr:
        return slack(self.relation)

    def facts(self) -> dict[str, sp.Basic]:
        """The assumptions as the kernel's facts, keyed by their relation as written."""
        out = {}
        for rel, i in zip(self.constraints, self.item_of):
            one = len(self.items[i].relations) == 1 and self.items[i].text not in out
            out[self.items[i].text if one else sp.sstr(rel)] = rel
        return out

    def drops(self) -> list[tuple[str, Problem]]:
        """Each assumption dropped in turn (for the necessity check): every relation of every
        item (a chain ``0 < x <= 1`` gives two), and every integer declaration; with the label
        that names what was dropped."""
        out = []
        for i, it in enumerate(self.items):
            for j, (op, a, b) in enumerate(it.relations):
                rels = it.relations[:j] + it.relations[j + 1 :]
                items = self.items[:i] + [dataclasses.replace(it, relations=rels)] + self.items[i + 1 :]
                label = it.text if len(it.relations) == 1 else sp.sstr(_relation(op, a, b))
                out.append((label, _assemble(self.text, self._claim, items, self.vectors)))
            for name in sorted(it.integers):
                ints = it.integers - {name}
                items = self.items[:i] + [dataclasses.replace(it, integers=ints)] + self.items[i + 1 :]
                out.append((f"{name} is an integer", _assemble(self.text, self._claim, items, self.vectors)))
        return out

    def bounded(self) -> bool:
        return all(
            s in self.bounds and self.bounds[s][0] is not None and self.bounds[s][2] is not None
            for s in self.relation.free_symbols
        )

    _claim: Triple = dataclasses.field(default=("<=", sp.Integer(0), sp.Integer(0)), repr=False)
    #: the claim and the assumptions as written (see :func:`_assemble`), and their symbols by name
    written: Any = None
    written_constraints: list = dataclasses.field(default_factory=list)
    base: dict = dataclasses.field(default_factory=dict)

    def as_written(self, point: Mapping[sp.Symbol, sp.Expr]) -> dict:
        """A point keyed by refined symbols, keyed by the written form's symbols."""
        return {self.base.get(s.name, s): v for s, v in point.items()}


def parse(claim: str, where: Sequence[str] = (), variables: Mapping[str, str] | None = None) -> Problem:
    """Read a claim and its assumptions (see the module docstring); bad input raises
    :class:`DlverifyError` with one line that names the bad part."""
    if not isinstance(claim, str) or not claim.strip():
        raise DlverifyError("the claim is empty: give a relation such as 'ln(u) <= u - 1'")
    parts = [p for p in _IMPLIES.split(_normalise(claim))]
    if any(not p.strip() for p in parts):
        raise DlverifyError(f"the claim '{claim}': 'implies' needs a relation on each side")
    texts = [(_normalise(w), "where") for w in where] + [(p, "hypothesis of the claim") for p in parts[:-1]]
    texts += [(f"{k}: {v}", "declared") for k, v in (variables or {}).items()]
    decls = [_declaration(t) for t, _ in texts]
    integers = set().union(*(d[1] for d in decls if d)) if any(decls) else set()
    vectors: dict[str, int] = {}
    for d in decls:
        if d:
            vectors.update(d[2])
    toks = [(_tokens(t, "the assumption") if d is None else None) for (t, _), d in zip(texts, decls)]
    claim_toks = _tokens(parts[-1], "the claim")
    known = set().union(*(set(d[0]) for d in decls if d)) if any(decls) else set()
    for tk in toks:
        if tk is not None:
            known |= _names(tk)[0]
    declared_names = set().union(*(set(d[0]) for d in decls if d)) if any(decls) else set()
    _check_names(claim_toks, parts[-1], known, toks, declared_names)
    declared = set().union(*(set(d[0]) for d in decls if d)) if any(decls) else set()
    ns = Namespace((known | _names(claim_toks)[0]) - set(FUNCTIONS), integers, vectors, declared)
    items = [_item(t, origin, d, tk, ns) for (t, origin), d, tk in zip(texts, decls, toks)]
    chain = _split_chain(claim_toks, parts[-1], "the claim")
    if len(chain) != 1:
        raise DlverifyError(
            f"the claim '{parts[-1]}' is a chain: state one relation (put the rest in --where)"
        )
    ((lt, op, rt),) = chain
    a, b = ns.expression(lt, parts[-1], "the claim"), ns.expression(rt, parts[-1], "the claim")
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        raise DlverifyError(
            f"the claim '{parts[-1]}' compares vectors: compare scalars (a norm, dot, a component)"
        )
    return _assemble(claim, (op, sp.sympify(a), sp.sympify(b)), items, vectors)


def _check_names(claim_toks, text, known, toks, declared: frozenset[str] | set[str] = frozenset()) -> None:
    """Every function called is known (a variable followed by a parenthesis is a product), every
    name of the claim is introduced by an assumption or a declaration, and no undeclared name is
    two others glued together (``Lη`` where ``L*η`` was meant)."""
    values, called = _names(claim_toks)
    all_values = set(values) | set(known)
    for tk in toks:
        if tk is not None:
            v, c = _names(tk)
            all_values |= v
            called |= c
    unknown_fn = sorted(n for n in called if n not in FUNCTIONS and n not in all_values)
    if unknown_fn:
        shown = ", ".join(sorted(set(FUNCTIONS) - {"Abs", "Min", "Max"}))
        raise DlverifyError(f"unknown function '{unknown_fn[0]}' (known: {shown})")
    for n in sorted(all_values - declared):
        parts = _glued(n, (all_values | set(CONSTANTS)) - {n})
        if parts:
            raise DlverifyError(
                f"'{n}' reads as one name; write {'*'.join(parts)} for a product (or declare '{n}: real')"
            )
    free = sorted(n for n in values - known - set(CONSTANTS) - set(FUNCTIONS))
    if free:
        raise DlverifyError(
            f"the claim '{text}' uses '{free[0]}', which no assumption mentions: add one "
            f"(e.g. --where '{free[0]} > 0') or declare it (--where '{free[0]}: real')"
        )


def _glued(name: str, others: set[str]) -> list[str] | None:
    """``name`` split into two or more of ``others`` (``Lη`` -> ``[L, η]``), or None."""
    for i in range(1, len(name)):
        head, tail = name[:i], name[i:]
        if head in others:
            if tail in others:
                return [head, tail]
            rest = _glued(tail, others)
            if rest:
                return [head, *rest]
    return None


def _declaration(text: str):
    """``(names, integer names, vector sizes, relations)`` for ``x, y: kind`` / ``x in (0, 1]``;
    None when the text is a relation."""
    m = _INTERVAL.match(text)
    if m:
        name, lb, lo, hi, rb = m.groups()
        rels = [(">" if lb == "(" else ">=", lo), ("<" if rb == ")" else "<=", hi)]
        return ([name], set(), {}, [(name, op, v) for op, v in rels])
    m = _DECL.match(text)
    if not m or any(c in m.group(2) for c in "<>=") or "(" in m.group(1):
        return None
    names = [n.strip() for n in m.group(1).split(",")]
    kind = m.group(2).strip().lower()
    kind = _KIND_ALIASES.get(kind, kind)
    vec = _VECTOR.match(kind)
    if vec:
        size = int(next(g for g in vec.groups() if g))
        if not 1 <= size <= 64:
            raise DlverifyError(f"'{text}': a vector's size must be 1 to 64")
        return (names, set(), {n: size for n in names}, [])
    if kind not in KINDS:
        if re.fullmatch(r"[\w ]+", kind) and len(kind.split()) <= 2:
            raise DlverifyError(f"'{text}': unknown kind '{kind}' (known: {', '.join(KINDS)}, vector(n))")
        return None
    integer, bounds = KINDS[kind]
    return (names, set(names) if integer else set(), {}, [(n, op, str(v)) for n in names for op, v in bounds])


def _item(text, origin, decl, toks, ns: Namespace) -> Item:
    if decl is not None:
        names, ints, vecs, rels = decl
        triples = []
        for name, op, v in rels:
            bound = ns.expression(_tokens(v, "the bound"), text, "the bound")
            triples += _componentwise(op, ns.local.get(name, sp.Symbol(name)), bound, text)
        return Item(text, "declared" if origin == "where" else origin, triples, frozenset(ints), vecs)
    triples = []
    for lt, op, rt in _split_chain(toks, text, "the assumption"):
        a, b = ns.expression(lt, text, "the assumption"), ns.expression(rt, text, "the assumption")
        triples += _componentwise(op, a, b, text)
    return Item(text, origin, triples)


def _componentwise(op, a, b, text) -> list[Triple]:
    if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
        n = a.shape[0] if isinstance(a, sp.MatrixBase) else b.shape[0]
        av = a if isinstance(a, sp.MatrixBase) else [a] * n
        bv = b if isinstance(b, sp.MatrixBase) else [b] * n
        if len(av) != len(bv):
            raise DlverifyError(f"the assumption '{text}' compares vectors of different sizes")
        return [(op, sp.sympify(x), sp.sympify(y)) for x, y in zip(av, bv)]
    a, b = sp.sympify(a), sp.sympify(b)
    if a.free_symbols | b.free_symbols == set():
        holds = _relation(op, a, b).doit()
        if holds is sp.false or holds is False:
            raise DlverifyError(f"the assumption '{text}' is false as written")
        return []
    return [(op, a, b)]


def _assemble(text: str, claim: Triple, items: list[Item], vectors: dict) -> Problem:
    """Refine the symbols from the bounds the items give, and build the problem."""
    plain = set(claim[1].free_symbols | claim[2].free_symbols)
    for it in items:
        for _, a, b in it.relations:
            plain |= a.free_symbols | b.free_symbols
    int_names = set().union(*(it.integers for it in items)) if items else set()
    base = {
        s: (sp.Symbol(s.name, integer=True) if s.name in int_names else sp.Symbol(s.name, real=True))
        for s in plain
    }
    bounds: dict[sp.Symbol, tuple] = {}
    for it in items:
        for op, a, b in it.relations:
            _add_bound(bounds, op, a.xreplace(base), b.xreplace(base))
    refined = {s: _refine(b, bounds.get(b)) for s, b in base.items()}
    rb = {refined[s]: bounds[b] for s, b in base.items() if b in bounds}
    constraints, item_of = [], []
    for i, it in enumerate(items):
        for op, a, b in it.relations:
            constraints.append(_relation(op, a.xreplace(refined), b.xreplace(refined)))
            item_of.append(i)
    rel = _relation(claim[0], claim[1].xreplace(refined), claim[2].xreplace(refined))
    ints = frozenset(s for s in refined.values() if s.is_integer)
    syms = {s.name: s for s in refined.values()}
    out = Problem(text, rel, items, constraints, item_of, syms, ints, rb, vectors, claim)
    # as written: over symbols that know only real/integer, so sympy has rewritten nothing by a
    # sign (with y, z >= 0 it splits (x*y*z)**(1/3) into x**(1/3)*(y*z)**(1/3), undefined at
    # x < 0 even where y*z = 0); counterexamples are certified on this form
    out.written = _relation(claim[0], claim[1].xreplace(base), claim[2].xreplace(base))
    out.written_constraints = [
        _relation(op, a.xreplace(base), b.xreplace(base)) for it in items for op, a, b in it.relations
    ]
    out.base = {b.name: b for b in base.values()}
    return out


def _add_bound(bounds: dict, op: str, a: sp.Expr, b: sp.Expr) -> None:
    """Record ``x op c`` (or ``c op x``, or linear ``k*x + d op c``) as a numeric bound on x."""
    s = sp.expand(a - b)  # op compares s with 0
    free = s.free_symbols
    if len(free) != 1:
        return
    (x,) = free
    k = s.coeff(x, 1)
    d = sp.expand(s - k * x)
    if not (k.is_number and d.is_number) or d.has(x) or k == 0 or sp.expand(s - k * x - d) != 0:
        return
    v = -d / k
    if not v.is_real or not v.is_finite:
        return
    flip = bool(k < 0)
    lo_op = {">=": ">=", ">": ">", "<=": "<=", "<": "<", "==": "=="}[op]
    if flip and op != "==":
        lo_op = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}[op]
    lo, lo_s, hi, hi_s = bounds.get(x, (None, False, None, False))
    if lo_op in (">=", ">", "=="):
        strict = lo_op == ">"
        if lo is None or bool(v > lo) or (v == lo and strict):
            lo, lo_s = v, strict
    if lo_op in ("<=", "<", "=="):
        strict = lo_op == "<"
        if hi is None or bool(v < hi) or (v == hi and strict):
            hi, hi_s = v, strict
    bounds[x] = (lo, lo_s, hi, hi_s)


def _refine(s: sp.Symbol, b) -> sp.Symbol:
    if b is None:
        return s
    lo, lo_s, hi, hi_s = b
    flags: dict = {"integer": True} if s.is_integer else {"real": True}
    if lo is not None and (bool(lo > 0) or (lo == 0 and lo_s)):
        flags["positive"] = True
    elif lo is not None and bool(lo >= 0):
        flags["nonnegative"] = True
    elif hi is not None and (bool(hi < 0) or (hi == 0 and hi_s)):
        flags["negative"] = True
    elif hi is not None and bool(hi <= 0):
        flags["nonpositive"] = True
    return sp.Symbol(s.name, **flags)


# --------------------------------------------------------------------------- evidence records


@dataclasses.dataclass
class Proof:
    """How a claim was proved: ``method`` (the kernel, Z3, branch-and-bound) and the certificate."""

    method: str
    certificate: str
    facts: tuple[str, ...] = ()
    seconds: float = 0.0

    def describe(self) -> str:
        cited = f"; cited facts: {'; '.join(self.facts)}" if self.facts else ""
        return f"{self.method}: {self.certificate}{cited}"


@dataclasses.dataclass
class Counterexample:
    """A point where every assumption holds and the claim fails or is undefined, certified in
    exact rational arithmetic or by Arb balls."""

    point: dict[str, sp.Expr]
    reason: str
    slack: str
    lhs: str
    rhs: str
    found_by: str
    arithmetic: str

    def show(self) -> str:
        pt = ", ".join(f"{k} = {_number(v)}" for k, v in self.point.items())
        how = f"[{self.arithmetic}; found by {self.found_by}]"
        if self.reason != "fails":
            return f"at {pt} the claim is undefined ({self.reason}) {how}"
        return f"at {pt}: left side {self.lhs}, right side {self.rhs}, slack {self.slack} {how}"

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["point"] = {k: sp.sstr(v) for k, v in self.point.items()}
        return d


def _number(v: sp.Expr) -> str:
    """An exact number as a reader wants it: small integers and fractions as they are (with a
    decimal), long ones as a decimal (the exact value is in the JSON record)."""
    v = sp.sympify(v)
    if v.is_Integer and abs(v) < 10**12:
        return str(v)
    dec = sp.sstr(sp.N(v, 6), full_prec=False)
    if v.is_Rational and abs(v.p) < 10**9 and v.q < 10**6:
        return f"{v.p}/{v.q} ({dec})"
    return dec if v.is_Rational else f"{sp.sstr(v)} ({dec})"


# --------------------------------------------------------------------------- certification


def _constraint_holds(rel: sp.Basic, point) -> bool:
    try:
        sg = balls.sign_at(slack(rel), point)
    except balls.Undefined:
        return False
    if sg is None:
        return False
    if isinstance(rel, sp.Equality):
        return sg == 0
    return sg > 0 if is_strict(rel) else sg >= 0


def certify(problem: Problem, point: Mapping[sp.Symbol, sp.Expr], found_by: str) -> Counterexample | None:
    """The point as a certified counterexample, or None.  Every assumption must certainly hold
    there (exact rationals, else Arb balls; undecided counts as not holding), integers must be
    integers, and the claim must certainly fail there or be undefined there."""
    point = {s: sp.sympify(v) for s, v in point.items()}
    syms = problem.relation.free_symbols.union(*(c.free_symbols for c in problem.constraints))
    if any(s not in point for s in syms):
        return None
    if any(not point[s].is_integer for s in problem.integers if s in point):
        return None
    point = problem.as_written(point)
    syms = problem.written.free_symbols.union(*(c.free_symbols for c in problem.written_constraints))
    if any(s not in point for s in syms) or not all(
        _constraint_holds(c, point) for c in problem.written_constraints
    ):
        return None
    rel = problem.written
    arithmetic = _arithmetic(slack(rel), point)
    shown = {s.name: point[s] for s in sorted(syms, key=lambda s: s.name)}
    try:
        sg = balls.sign_at(slack(rel), point)
    except balls.Undefined as why:
        return Counterexample(shown, str(why), "undefined", "", "", found_by, arithmetic)
    if sg is None:
        return None
    broken = (sg != 0) if isinstance(rel, sp.Equality) else (sg <= 0) if is_strict(rel) else (sg < 0)
    if not broken:
        return None
    value = slack(rel).xreplace(point)
    sl = _number(value) if value.is_Rational else balls.decimal(slack(rel), point)
    return Counterexample(
        shown, "fails", sl, balls.decimal(rel.lhs, point), balls.decimal(rel.rhs, point), found_by, arithmetic
    )


def _arithmetic(expr: sp.Expr, point) -> str:
    """Which arithmetic decides ``expr`` at the point: exact rationals, or Arb balls."""
    try:
        if balls.rational_value(expr, point) is not None:
            return "exact rational arithmetic"
    except balls.Undefined:
        return "exact rational arithmetic"
    exact = all(sp.sympify(v).is_Rational for v in point.values())
    return "Arb ball arithmetic" if exact else "Arb ball arithmetic at exact algebraic values"


#: denominators tried, in turn, when a float point is turned into an exact one (simplest first)
DENOMINATORS = (1, 2, 4, 10, 16, 100, 1000, 10**4, 10**6, 10**9, None)


def certify_float(
    problem: Problem, values: Mapping[str, float], found_by: str, fixed: Sequence[tuple] = ()
) -> Counterexample | None:
    """Certify a float point from a numeric search: rounded to the simplest rationals first
    (denominators :data:`DENOMINATORS`, ``None`` = the float's exact value), with the variables in
    ``fixed`` (symbol, expression) recomputed exactly from the others (an equality assumption, or
    the boundary of an inequality the search stepped onto)."""
    syms = sorted(
        problem.relation.free_symbols.union(*(c.free_symbols for c in problem.constraints)), key=str
    )
    for denom in DENOMINATORS:
        point = {}
        for s in syms:
            v = values.get(s.name)
            if v is None or v != v or v in (float("inf"), float("-inf")):
                return None
            f = Fraction(v) if denom is None else Fraction(v).limit_denominator(denom)
            point[s] = sp.Integer(round(v)) if s.is_integer else sp.Rational(f.numerator, f.denominator)
        for sym, expr in fixed:
            point[sym] = (
                sp.nsimplify(expr.xreplace(point))
                if not expr.xreplace(point).is_Rational
                else expr.xreplace(point)
            )
        cex = certify(problem, point, found_by)
        if cex is not None:
            return simplify(problem, point, cex, {s for s, _ in fixed})
    return None


def simplify(problem: Problem, point: dict, cex: Counterexample, fixed: set) -> Counterexample:
    """The same counterexample with each coordinate in turn replaced by the simplest rational
    near it that keeps it certified (the numbers a reader can check by hand)."""
    for s in sorted(point, key=str):
        if s in fixed or point[s].is_Integer:
            continue
        v = Fraction(int(point[s].p), int(point[s].q))
        simple = [Fraction(x) for x in (0, 1, -1, 2, Fraction(1, 2), 10, Fraction(1, 10))]
        for f in simple + [v.limit_denominator(d) for d in DENOMINATORS[:-1]]:
            if f == v:
                break
            trial = dict(point) | {s: sp.Rational(f.numerator, f.denominator)}
            better = certify(problem, trial, cex.found_by)
            if better is not None:
                point, cex = trial, better
                break
    return cex


# --------------------------------------------------------------------------- the proof kernel


def kernel_proof(problem: Problem, candidates: int = 200, seconds: float = 60.0) -> Proof | None:
    """A certificate of the suite's own kernel (:mod:`dlverify.theorems.core`) for the claim,
    from the assumptions as facts: simplification (equalities), monomial positivity, a
    nonnegative combination of assumptions, a critical-point argument in one variable.  Each
    candidate is re-checked by the kernel's ``check``; the first that passes is the proof.  At
    most ``candidates`` are tried (a count, so the answer does not depend on the machine's load;
    ``seconds`` is only a safety stop)."""
    from .core import certify as kernel_check

    t0 = time.monotonic()
    rel, facts = problem.relation, problem.facts()
    for n, cert in enumerate(_kernel_candidates(rel, facts, problem)):
        if n >= candidates or time.monotonic() - t0 > seconds:
            return None
        mark = kernel_check(rel, cert, facts)
        if mark.ok:
            detail = mark.detail if mark.detail.startswith(cert.name) else f"{cert.name}: {mark.detail}"
            return Proof("the suite's proof kernel", detail, seconds=time.monotonic() - t0)
    return None


def _kernel_candidates(rel, facts, problem):
    from .core import Monomials, Simplification

    if isinstance(rel, sp.Equality):
        yield Simplification()
        return
    if not isinstance(rel, INEQUALITIES):
        return
    yield Monomials()
    yield from _combinations(rel, facts)
    yield from _critical_points(rel, facts, problem)


def _combinations(rel, facts, depth: int = 2, work: int = 40):
    """Nonnegative combinations ``slack = sum lambda_k slack_k + remainder``: each fact taken with
    multiplier 1, or with the exact quotient of what is left by its slack (kept only when the
    multiplier or remainder is nonnegative monomial by monomial, as the kernel will check).  Only
    algebraic facts that share a variable with the claim are used, and at most ``work`` quotients
    are tried (each is a sympy ``cancel``)."""
    from .core import Combination, nonneg_by_monomials

    mine = slack(rel).free_symbols
    ineqs = [
        (k, slack(f))
        for k, f in facts.items()
        if isinstance(f, INEQUALITIES) and f.free_symbols & mine and not f.has(sp.log, sp.exp, sp.sin, sp.cos)
    ]
    seen = set()
    left = [work]

    def search(rem, uses, d):
        key = (sp.srepr(rem), tuple(sorted(uses)))
        if key in seen:
            return
        seen.add(key)
        if uses and nonneg_by_monomials(rem).ok:
            yield Combination(dict(uses), rem)
        if d == 0:
            return
        for k, s in ineqs:
            if k in uses or left[0] <= 0:
                continue
            left[0] -= 1
            q = sp.cancel(sp.together(rem / s))
            if q != 0 and not q.has(sp.log, sp.exp) and nonneg_by_monomials(q).ok:
                yield Combination(dict(uses) | {k: q}, sp.Integer(0))
            yield from search(sp.expand(rem - s), dict(uses) | {k: sp.Integer(1)}, d - 1)

    yield from search(sp.expand(slack(rel)), {}, depth)


def _critical_points(rel, facts, problem):
    """``CriticalPoint`` candidates: for each variable x, a point x0 (another variable, 0, 1,
    or a bound of x) where the slack vanishes identically; the strict assumptions' slacks (such
    as ``1 - q`` from ``q < 1``) are offered as atoms of known sign."""
    from .core import CriticalPoint
    from .relations import differs_somewhere, is_zero

    if is_strict(rel):
        return
    f = slack(rel)
    atoms = {}
    for fact in facts.values():
        if isinstance(fact, INEQUALITIES) and is_strict(fact):
            s = sp.expand(slack(fact))
            if not s.is_Symbol and len(s.free_symbols) == 1:
                atoms[s] = sp.Dummy("a", positive=True)
    for x in sorted(f.free_symbols, key=str):
        if x.is_integer:
            continue
        cands = [y for y in sorted(f.free_symbols, key=str) if y != x and not y.is_integer]
        cands += [sp.Integer(0), sp.Integer(1)]
        b = problem.bounds.get(x)
        if b is not None:
            cands += [v for v in (b[0], b[2]) if v is not None]
        for x0 in dict.fromkeys(cands):
            try:
                at = f.subs(x, x0)
                if at.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or differs_somewhere(at) or not is_zero(at):
                    continue
            except Exception:  # noqa: BLE001 - sympy fails in many ways on odd points: no candidate
                continue
            yield CriticalPoint(x, x0, {e: a for e, a in atoms.items() if e.has(x)})


# --------------------------------------------------------------------------- Z3 and branch-and-bound


@dataclasses.dataclass
class Symbolic:
    """What the symbolic stage found: a proof, a certified counterexample, or neither (with notes
    on how each method ended)."""

    proof: Proof | None = None
    counterexample: Counterexample | None = None
    notes: list[str] = dataclasses.field(default_factory=list)


def z3_decide(problem: Problem, timeout_ms: int = 3000) -> Symbolic:
    """Z3 on *assumptions and not claim*: unsat is a proof; a model is certified exactly.  An
    exact (polynomial) query is asked once; a relaxed one first with the basic cited facts, then
    with all of them.  Integer variables are reals first; a non-integer model is asked again over
    the integers."""
    import z3

    from . import smt

    out = Symbolic()
    levels = [smt.BASIC, None]
    t0 = time.monotonic()
    for level in levels:
        try:
            q = smt.build(
                problem.relation,
                problem.constraints,
                problem.bounds,
                problem.integers,
                True,
                timeout_ms,
                level,
            )
        except (smt.NotEncodable, balls.Undefined) as why:
            out.notes.append(f"Z3: not encodable ({why})")
            return out
        res = q.solver.check()
        if res == z3.unsat:
            out.proof = _z3_proof(q, problem, time.monotonic() - t0)
            return out
        if res == z3.sat:
            out.counterexample = _z3_counterexample(q, problem, timeout_ms)
            if out.counterexample is not None or q.exact:
                if out.counterexample is None:
                    out.notes.append("Z3: a model over the reals, not yet certified over the integers")
                return out
        elif q.exact:
            out.notes.append(f"Z3: no answer within its resource limit ({q.solver.reason_unknown()})")
            return out
    out.notes.append("Z3: the relaxation with cited facts neither proves nor refutes it")
    return out


def _z3_proof(q, problem: Problem, seconds: float) -> Proof:
    import z3

    from . import smt

    kind = "decision procedure" if q.exact else "relaxation by cited facts"
    over = " (integers relaxed to reals)" if q.relaxed_integers else ""
    return Proof(
        f"Z3 {z3.get_version_string()} nonlinear real arithmetic ({kind})",
        f"assumptions and not claim are unsatisfiable{over}",
        tuple(smt.used_facts(q)),
        seconds,
    )


def _z3_counterexample(q, problem: Problem, timeout_ms: int) -> Counterexample | None:
    import z3

    from . import smt

    point = smt.model_point(q)
    cex = certify(problem, point, "Z3's model")
    if cex is not None:
        return simplify(problem, point, cex, set())
    cex = certify_float(problem, {s.name: float(v) for s, v in point.items()}, "Z3's model")
    if cex is not None or not problem.integers:
        return cex
    qi = smt.build(problem.relation, problem.constraints, problem.bounds, problem.integers, False, timeout_ms)
    if qi.solver.check() != z3.sat:
        return None
    return certify(problem, smt.model_point(qi), "Z3's model over the integers")


def defined_everywhere(problem: Problem, timeout_ms: int = 3000) -> bool:
    """Whether the claim has a real value at every point of the domain (Z3: no point where the
    assumptions hold and a divisor is 0, a logarithm's argument <= 0, ...).  False when Z3
    cannot show it."""
    import z3

    from . import smt

    try:
        q = smt.domain_query(
            problem.relation, problem.constraints, problem.bounds, problem.integers, timeout_ms
        )
    except (smt.NotEncodable, balls.Undefined):
        return False
    return q.check() == z3.unsat


def bnb_decide(problem: Problem, seconds: float = 2.0) -> Symbolic:
    """Interval branch-and-bound on the box the bounds give (every variable bounded)."""
    out = Symbolic()
    if not problem.bounded():
        free = [s.name for s in problem.relation.free_symbols if not _finite_box(problem, s)]
        out.notes.append(f"branch-and-bound: the domain is unbounded in {', '.join(sorted(free))}")
        return out
    box = {s: _outward(problem.bounds[s][0], problem.bounds[s][2]) for s in problem.relation.free_symbols}
    # a non-strict rational bound is the box itself (checking it again on a ball only loses a
    # rounding radius at the box's edge); strict and irrational bounds stay as constraints
    exact_box = all(problem.bounds[s][0].is_Rational and problem.bounds[s][2].is_Rational for s in box)
    cons = [
        balls.Constraint(slack(c), is_strict(c), isinstance(c, sp.Equality))
        for c in problem.constraints
        if c.free_symbols <= set(box) and not (exact_box and _is_bound(c) and not is_strict(c))
    ]
    found: list[Counterexample] = []

    def accept(point) -> bool:
        cex = certify(problem, point, "interval branch-and-bound")
        if cex is not None:
            found.append(cex)
        return cex is not None

    try:
        res = balls.branch_and_bound(
            problem.slack,
            is_strict(problem.relation),
            cons,
            box,
            accept,
            problem.integers,
            int(5000 * seconds),
            10 * seconds,
        )
    except balls.Undefined as why:
        out.notes.append(f"branch-and-bound: {why}")
        return out
    if res.proved:
        out.proof = Proof(
            "interval branch-and-bound in Arb ball arithmetic",
            f"the slack's ball is >= 0 on each of {res.boxes} boxes covering the domain "
            "(or the box is outside an assumption, or the slack is monotone towards a face that is)",
            seconds=res.seconds,
        )
    elif found:
        out.counterexample = found[0]
    else:
        out.notes.append(f"branch-and-bound: {res.detail}")
    return out


def _outward(lo: sp.Expr, hi: sp.Expr) -> tuple[sp.Rational, sp.Rational]:
    """Rational ends of a box that contain [lo, hi] (an irrational end is rounded outwards)."""
    from .smt import _fraction

    out = []
    for v, end in ((lo, "down"), (hi, "up")):
        if v.is_Rational:
            out.append(v)
        else:
            f = _fraction(balls.ball_at(v, {}, 128), end)
            out.append(sp.Rational(f.numerator, f.denominator))
    return out[0], out[1]


def _is_bound(rel: sp.Basic) -> bool:
    """A relation between one variable and a number, linear in it (``x <= 1``, ``2*x > 1``)."""
    if not isinstance(rel, INEQUALITIES) or len(rel.free_symbols) != 1:
        return False
    (x,) = rel.free_symbols
    s = sp.expand(slack(rel))
    return sp.expand(s - s.coeff(x, 1) * x).is_number and s.coeff(x, 1).is_number


def _finite_box(problem: Problem, s) -> bool:
    b = problem.bounds.get(s)
    return b is not None and b[0] is not None and b[2] is not None


def decide_symbolically(problem: Problem, z3_ms: int = 3000, bnb_seconds: float = 2.0) -> Symbolic:
    """The kernel, then Z3, then branch-and-bound: the first proof or certified counterexample.
    The kernel reads a relation where it is defined, so its proof counts only when Z3 shows the
    claim defined on the whole domain (``ln u <= u - 1`` for ``u >= 0`` is undefined at 0)."""
    proof = kernel_proof(problem)
    if proof is not None and defined_everywhere(problem, z3_ms):
        return Symbolic(proof)
    out = z3_decide(problem, z3_ms)
    if out.proof is not None or out.counterexample is not None:
        return out
    bb = bnb_decide(problem, bnb_seconds)
    bb.notes = out.notes + bb.notes
    return bb


# --------------------------------------------------------------------------- the search space


@dataclasses.dataclass
class Space:
    """What a numeric search needs (:mod:`dlverify.numerics.search`): the variables with their
    kinds and bounds, the slack and sides of the claim, the constraints, the variables that an
    equality assumption fixes (``eliminated``: symbol := expression of the others) and the
    boundaries of the inequality assumptions (``boundaries``: symbol := expression)."""

    symbols: list[sp.Symbol]
    lo: list[float | None]
    hi: list[float | None]
    slack: sp.Expr
    small: sp.Expr | None
    large: sp.Expr | None
    constraints: list[tuple[sp.Expr, bool, bool]]
    eliminated: list[tuple[sp.Symbol, sp.Expr]]
    boundaries: list[tuple[sp.Symbol, sp.Expr]]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.symbols]

    def integer(self, i: int) -> bool:
        return bool(self.symbols[i].is_integer)


def space(problem: Problem) -> Space:
    """The search space of a problem (equalities solved for one of their variables where sympy
    can do it exactly and cheaply: linear in it, or a polynomial of degree 2)."""
    syms = sorted(
        problem.relation.free_symbols.union(*(c.free_symbols for c in problem.constraints)), key=str
    )
    lo, hi = [], []
    for s in syms:
        b = problem.bounds.get(s, (None, False, None, False))
        lo.append(None if b[0] is None else float(b[0]))
        hi.append(None if b[2] is None else float(b[2]))
    elim: list = []
    taken: set = set()
    for c in problem.constraints:
        if isinstance(c, sp.Equality):
            sol = _solve_for(slack(c), taken)
            if sol is not None:
                elim.append(sol)
                taken.add(sol[0])
    bounds_ = []
    for c in problem.constraints:
        if isinstance(c, INEQUALITIES) and len(c.free_symbols) > 1:
            sol = _solve_for(slack(c), taken)
            if sol is not None:
                bounds_.append(sol)
    small = large = None
    if isinstance(problem.relation, INEQUALITIES):
        small, large = sides(problem.relation)
    cons = [(slack(c), is_strict(c), isinstance(c, sp.Equality)) for c in problem.constraints]
    return Space(syms, lo, hi, problem.slack, small, large, cons, elim, bounds_)


def _solve_for(expr: sp.Expr, taken: set) -> tuple[sp.Symbol, sp.Expr] | None:
    for x in sorted(expr.free_symbols - taken, key=str):
        if x.is_integer:
            continue
        try:
            poly = sp.Poly(sp.together(expr).as_numer_denom()[0], x)
        except sp.PolynomialError:
            continue
        if poly.degree() != 1:
            continue
        a, b = poly.all_coeffs()
        if a.is_zero is not False:
            continue
        return x, sp.simplify(-b / a)
    return None


# --------------------------------------------------------------------------- the suite's use


def problem_of(relation: sp.Basic, assumptions: Sequence[sp.Basic], text: str = "") -> Problem:
    """A problem from sympy objects (a theorem's own symbols, with their declared signs): the
    symbols keep their assumptions (positive, integer, ...), which become bounds.  An assumption
    that is not a scalar relation over real symbols is left out (a proof from fewer hypotheses
    is still a proof); the claim itself must be one."""
    if not _scalar(relation):
        raise DlverifyError(f"not a scalar relation over real symbols: {sp.sstr(relation)}")
    rels = [a for a in assumptions if _scalar(a)]
    syms = relation.free_symbols.union(*(r.free_symbols for r in rels))
    items = [Item(sp.sstr(r), "where", [(_op_of(r), r.lhs, r.rhs)]) for r in rels]
    for s in sorted(syms, key=str):
        kinds = [
            (op, v)
            for flag, op, v in (("positive", ">", 0), ("nonnegative", ">=", 0), ("negative", "<", 0))
            if getattr(s, f"is_{flag}")
        ]
        if kinds or s.is_integer:
            ints = frozenset({s.name}) if s.is_integer else frozenset()
            items.append(
                Item(f"{s.name}: declared", "declared", [(op, s, sp.Integer(v)) for op, v in kinds[:1]], ints)
            )
    plain = {s: sp.Symbol(s.name, real=True) for s in syms}
    for it in items:
        it.relations = [
            (op, sp.sympify(a).xreplace(plain), sp.sympify(b).xreplace(plain)) for op, a, b in it.relations
        ]
    claim = (_op_of(relation), relation.lhs.xreplace(plain), relation.rhs.xreplace(plain))
    return _assemble(text or sp.sstr(relation), claim, items, {})


def _scalar(r) -> bool:
    """A relation the engine reads: an (in)equality over real symbols, without indexed sums,
    integrals, derivatives or undefined functions."""
    if not isinstance(r, INEQUALITIES + (sp.Equality,)):
        return False
    if r.has(sp.Indexed, sp.Sum, sp.Product, sp.Integral, sp.Derivative) or r.atoms(
        sp.core.function.AppliedUndef
    ):
        return False
    return all(s.is_real for s in r.free_symbols)


def prove(
    relation: sp.Basic, assumption_relations: Sequence[sp.Basic], z3_ms: int = 3000
) -> tuple[bool, str]:
    """``(True, certificate)`` when the kernel, Z3 or branch-and-bound proves ``relation`` from
    ``assumption_relations`` (and the declared signs of its symbols); ``(False, why not)``
    otherwise -- including when a certified counterexample exists.  For the suite's own source
    lines: a scalar relation over real symbols, no indexed sums or undefined functions."""
    try:
        problem = problem_of(relation, assumption_relations)
    except DlverifyError as why:
        return False, str(why)
    out = decide_symbolically(problem, z3_ms)
    if out.proof is not None:
        return True, out.proof.describe()
    if out.counterexample is not None:
        return False, "refuted: " + out.counterexample.show()
    notes = list(out.notes)
    for how, rels in _equivalent_readings(relation, assumption_relations):
        if rels[0] is sp.true:  # the rewriting decides it on the declared signs
            return True, f"sympy: the relation evaluates to True (read with {how})"
        try:
            # a reading has more atoms than the problem as written: Z3 gets a larger budget
            again = decide_symbolically(problem_of(rels[0], rels[1:]), READING_BUDGET * z3_ms)
        except DlverifyError:
            continue
        if again.proof is not None:
            return True, f"{again.proof.describe()} (read with {how})"
        notes.append(f"read with {how}: " + ("; ".join(again.notes) or "no proof found"))
    return False, "; ".join(notes) or "no proof found"


#: Z3's budget on an equivalent reading, in multiples of the problem's own
READING_BUDGET = 4


def _equivalent_readings(relation: sp.Basic, assumptions: Sequence[sp.Basic]):
    """``(how, [relation, *assumptions])``: problems whose proof is a proof of this one (a
    counterexample of one is not reported), for Z3's cited facts to reach:

    * *a chain*: the claim ``x <= B`` from an assumption ``x <= A`` (the same smaller side) follows
      from ``A <= B`` (``x < B`` from ``A < B``, or ``A <= B`` when the assumption is strict), a
      relation with fewer atoms; and, in any case,
    * *fewer hypotheses*: only the assumptions over the claim's own symbols and those an assumption
      bounds alone (``m >= 2``), the others only adding atoms;

    each read with identities on the domain the symbols' declared signs give:

    * logarithms of products and quotients split, ``ln(ab) = ln a + ln b`` where sympy knows
      ``a, b > 0`` from the declared signs (``ln(2m/δ)`` and ``ln(2√m/δ)`` share ``ln m``, ``ln δ``);
    * a positive symbol ``s`` that multiplies an exponential written ``s = e^ℓ``, ``ℓ`` real (a
      bijection of ``s > 0`` onto the reals): ``δ·e^x = e^{x + ℓ}`` and ``ln δ = ℓ``, so the
      monotonicity of exp compares the two exponents."""
    relation = sp.sympify(relation)
    given = [a for a in map(sp.sympify, assumptions) if isinstance(a, sp.Basic)]
    known = relation.free_symbols.union(*(a.free_symbols for a in given if len(a.free_symbols) == 1))
    own = [a for a in given if a.free_symbols <= known]
    bases = []
    if isinstance(relation, INEQUALITIES):
        small, large = sides(relation)
        for h in (h for h in own if isinstance(h, INEQUALITIES) and sides(h)[0] == small):
            op = sp.StrictLessThan if is_strict(relation) and not is_strict(h) else sp.LessThan
            gap = op(0, large - sides(h)[1])
            if isinstance(gap, INEQUALITIES):
                why = f"the chain {sp.sstr(small)} ≤ {sp.sstr(sides(h)[1])} ≤ the claim's bound"
                bases.append((why, gap, [g for g in own if g is not h]))
    if len(own) < len(given):
        bases.append(("the assumptions over the claim's own and the bounded symbols", relation, own))
    for why, rel, hyps in bases:
        how, rels = _rewritten([rel, *hyps])
        yield ", ".join([why, *how]), rels


def _rewritten(rels: list) -> tuple[list[str], list]:
    """The relations with the logarithms split and the positive symbols beside an exponential
    written as exponentials (see :func:`_equivalent_readings`), and what was done."""
    how = []
    split = [_split_logs(r) for r in rels]
    if any(a != b for a, b in zip(split, rels)):
        how.append("logarithms of products split (ln(ab) = ln a + ln b for a, b > 0)")
    syms = sorted({s for r in split for s in _beside_exp(r)}, key=str)
    if not syms:
        return how, split
    taken = {s.name for r in split for s in r.free_symbols}
    subs = {}
    for s in syms:
        name = f"ln_{s.name}"
        while name in taken:
            name += "_"
        taken.add(name)
        subs[s] = sp.exp(sp.Symbol(name, real=True))
    names = ", ".join(f"{s.name} = e^{sp.sstr(v.args[0])}" for s, v in subs.items())
    how.append(f"{names} (a positive variable as the exponential of a real one)")
    return how, [_split_logs(_fuse_exp(r.subs(subs))) for r in split]


def _split_logs(r: sp.Basic) -> sp.Basic:
    return sp.expand_log(r) if isinstance(r, sp.Basic) else r


def _fuse_exp(r: sp.Basic) -> sp.Basic:
    """Products of exponentials as one (``e^a e^b = e^{a+b}``), in each side of a relation."""
    if isinstance(r, sp.core.relational.Relational):
        return r.func(*[sp.powsimp(a, combine="exp") for a in r.args])
    return r


def _beside_exp(r: sp.Basic) -> set:
    """The positive (non-integer) symbols that are a factor of a product with an exponential."""
    out = set()
    for node in sp.preorder_traversal(r):
        if isinstance(node, sp.Mul) and any(isinstance(a, sp.exp) for a in node.args):
            for a in node.args:
                base = a.base if isinstance(a, sp.Pow) and a.exp.is_Rational else a
                if isinstance(base, sp.Symbol) and base.is_positive and not base.is_integer:
                    out.add(base)
    return out


def attained_at(problem: Problem, values: Mapping[str, float]) -> dict | None:
    """An exact point near ``values`` where every assumption holds and the claim holds with
    equality (its slack is exactly 0): the bound is attained there.  None when no simple rational
    point nearby does it."""
    syms = sorted(
        problem.relation.free_symbols.union(*(c.free_symbols for c in problem.constraints)), key=str
    )
    for denom in DENOMINATORS[:-1]:
        point = {}
        for s in syms:
            v = values.get(s.name)
            if v is None or not v == v:
                return None
            f = Fraction(v).limit_denominator(denom)
            point[s] = sp.Integer(round(v)) if s.is_integer else sp.Rational(f.numerator, f.denominator)
        point = problem.as_written(point)
        if not all(_constraint_holds(c, point) for c in problem.written_constraints):
            continue
        try:
            if _both_zero(problem.written, point):
                continue  # 0 <= 0 (both sides vanish) attains nothing
            if balls.sign_at(slack(problem.written), point) == 0:
                return {s.name: v for s, v in point.items()}
        except balls.Undefined:
            continue
    return None


def parse_in(text: str, symbols: Mapping[str, sp.Symbol], where: str = "the relation") -> list[sp.Basic]:
    """A relation (a chain gives several) in a fixed namespace -- an instance family's quantities,
    as the theorem's own symbols: a name outside it is bad input, named with the names allowed."""
    text = _normalise(text)
    toks = _tokens(text, where)
    values, called = _names(toks)
    unknown = sorted((values | called) - set(symbols) - set(FUNCTIONS) - set(CONSTANTS))
    if unknown:
        raise DlverifyError(
            f"{where} '{text}' uses '{unknown[0]}', which is not one of: {', '.join(sorted(symbols))}"
        )
    ns = Namespace(set(), set(), {}, set())
    ns.local.update(symbols)
    out = []
    for lt, op, rt in _split_chain(toks, text, where):
        a, b = ns.expression(lt, text, where), ns.expression(rt, text, where)
        out.append(_relation(op, sp.sympify(a), sp.sympify(b)))
    return out


def _both_zero(rel: sp.Basic, point) -> bool:
    if not isinstance(rel, INEQUALITIES):
        return False
    return all(balls.sign_at(side, point) == 0 for side in (rel.lhs, rel.rhs))


def ratio_at(problem: Problem, values: Mapping[str, float]) -> str | None:
    """The ratio smaller side / larger side at the exact value of a float point (Arb balls):
    the decimal that rounding cannot inflate (a float ratio of a near-tie can exceed 1)."""
    if not isinstance(problem.relation, INEQUALITIES):
        return None
    small, large = sides(problem.written)
    point = {}
    for s in problem.written.free_symbols:
        v = values.get(s.name)
        if v is None or not math.isfinite(v):
            return None
        f = Fraction(v)
        point[s] = sp.Rational(f.numerator, f.denominator)
    try:
        b = balls.ball_at(small / large, point, 256)
    except (balls.Undefined, KeyError):
        return None
    return None if b.is_nan() else b.str(8, radius=False)

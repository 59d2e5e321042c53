"""Ball arithmetic (Arb, through python-flint): signs that rounding cannot get wrong.

Every real number here is an Arb *ball* -- a midpoint and a radius that is guaranteed to
contain the exact value -- so a sign read off a ball that excludes zero is a theorem, not a
floating-point guess.  Two uses:

* :func:`sign_at`: the sign of an expression at an exact point (rationals, or exact algebraic
  numbers), at increasing precision until the ball excludes zero, with exact sympy arithmetic
  for the zero case.  A counterexample is reported only when this sign says so: a near-tie that
  float64 gets wrong is never a false alarm.
* :func:`branch_and_bound`: the slack of a claim bounded from below on every box of a bounded
  domain (split until each box is proved, infeasible, or a certified counterexample appears).

An expression that is *certainly* undefined at a point (a logarithm of a nonpositive number,
a division by zero, a fractional power of a negative number) raises :class:`Undefined`; one
whose ball cannot decide definedness evaluates to NaN (undecided).  Pure sympy and flint: no
torch.
"""

from __future__ import annotations

import dataclasses
import heapq
import time
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq

#: precisions (bits) tried in turn when a sign at a point is not yet decided
PRECISIONS = (64, 128, 256, 512, 1024, 2048)


class Undefined(Exception):
    """The expression has no real value at this point (or anywhere on this box)."""


def fmpq_of(x) -> fmpq:
    r = sp.Rational(x) if not isinstance(x, Fraction) else x
    return fmpq(int(r.numerator), int(r.denominator)) if isinstance(r, Fraction) else fmpq(int(r.p), int(r.q))


def _nan() -> arb:
    return arb.nan()


def _certainly_pos(b: arb) -> bool:
    return bool(b > 0)


def _certainly_nonpos(b: arb) -> bool:
    return bool(b <= 0)


def _is_exact_zero(b: arb) -> bool:
    return b.is_exact() and b.is_zero()


def _endpoints(f: Callable[[arb], arb], x: arb) -> arb:
    """``f`` of a ball for a monotone ``f``: the hull of ``f`` at the two ends (Arb's own
    enclosure of a wide ball is sound but can be far wider)."""
    if x.rad() == 0:
        return f(x)
    return f(arb(x.lower())).union(f(arb(x.upper())))


def _log(x: arb) -> arb:
    if _certainly_nonpos(x):
        raise Undefined("the logarithm of a number <= 0")
    if not _certainly_pos(x):
        return _nan()
    return _endpoints(lambda v: v.log(), x)


def _exp(x: arb) -> arb:
    return _endpoints(lambda v: v.exp(), x)


def _int_pow(b: arb, k: int) -> arb:
    if k >= 0:
        return b**k
    if _is_exact_zero(b):
        raise Undefined("a division by zero")
    if 0 in b:
        return _nan()
    return 1 / (b ** (-k))


def _pow(b: arb, e: arb, e_expr: sp.Expr) -> arb:
    """``b ** e``: integer exponents for any base; otherwise a positive base, or base 0 with a
    positive exponent (the real principal power; a negative base is undefined)."""
    if e_expr.is_Integer:
        return _int_pow(b, int(e_expr))
    if e.is_exact() and e.is_integer() and (k := e.unique_fmpz()) is not None:
        return _int_pow(b, int(k))
    if _is_exact_zero(b):
        if _certainly_pos(e):
            return arb(0)
        if _certainly_nonpos(e):
            raise Undefined("0 to a power <= 0")
        return _nan()
    if bool(b < 0) and not (e_expr.is_integer or e.contains_integer()):
        raise Undefined("a fractional power of a negative number")
    if not _certainly_pos(b):
        return _nan()
    if e.rad() == 0 and b.rad() == 0:
        return (e * b.log()).exp()
    lo, hi = _endpoints(lambda v: v.log(), b), e
    return _exp(lo * hi)


def _abs(x: arb) -> arb:
    return abs(x)


def _min(*xs: arb) -> arb:
    out = xs[0]
    for x in xs[1:]:
        out = out.min(x)
    return out


def _max(*xs: arb) -> arb:
    out = xs[0]
    for x in xs[1:]:
        out = out.max(x)
    return out


def _trig(x: arb, cos: int) -> arb:
    """sin (``cos=0``) or cos (``cos=1``) of a ball: by its ends where the function is monotone on
    it (a quarter-period shift away from a multiple of pi), clipped to [-1, 1] always."""
    f = (lambda v: v.cos()) if cos else (lambda v: v.sin())
    if x.rad() == 0:
        return f(x)
    # sin is monotone between consecutive odd multiples of pi/2; cos between multiples of pi
    k = ((x + arb.pi() / 2) / arb.pi()) if not cos else (x / arb.pi())
    out = f(x)
    if k.floor().is_exact() and k.floor().upper() == k.floor().lower():
        lo_k, hi_k = k.lower().floor(), k.upper().floor()
        if lo_k == hi_k:  # no turning point inside the ball
            out = _endpoints(f, x)
    lo, hi = out.lower(), out.upper()  # clip to [-1, 1] (Arb's intersection keeps a wide ball)
    return (arb(-1) if lo < -1 else lo).union(arb(1) if hi > 1 else hi)


def _tan(x: arb) -> arb:
    c = x.cos()
    if _is_exact_zero(c):
        raise Undefined("tan at a zero of cos")
    return x.sin() / c if 0 not in c else _nan()


_FUNCS: dict[type, Callable[..., arb]] = {
    sp.log: _log,
    sp.exp: _exp,
    sp.Abs: _abs,
    sp.Min: _min,
    sp.Max: _max,
    sp.sin: lambda x: _trig(x, 0),
    sp.cos: lambda x: _trig(x, 1),
    sp.tan: _tan,
}


def compile_ball(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable[[Sequence[arb]], arb]:
    """``fn(balls)`` evaluating ``expr`` on balls for ``symbols`` (in that order), compiled once
    into closures (the box loop of branch-and-bound calls it many times)."""
    index = {s: i for i, s in enumerate(symbols)}
    return _compile(sp.sympify(expr), index)


def _compile(e: sp.Expr, index: Mapping[sp.Symbol, int]) -> Callable[[Sequence[arb]], arb]:
    if e in index:
        i = index[e]
        return lambda v: v[i]
    if e.is_Rational:
        c = fmpq_of(e)
        return lambda v: arb(c)
    if e is sp.pi:
        return lambda v: arb.pi()
    if e is sp.E:
        return lambda v: arb.const_e()
    if e.is_Number or e.has(sp.I, sp.zoo, sp.nan, sp.oo):
        raise Undefined(f"{sp.sstr(e)} is not a finite real number")
    if isinstance(e, sp.Add):
        parts = [_compile(a, index) for a in e.args]
        return lambda v: _sum(p(v) for p in parts)
    if isinstance(e, sp.Mul):
        parts = [_compile(a, index) for a in e.args]
        return lambda v: _prod(p(v) for p in parts)
    if isinstance(e, sp.Pow):
        base, ex = _compile(e.base, index), _compile(e.exp, index)
        e_expr = e.exp
        return lambda v: _pow(base(v), ex(v), e_expr)
    fn = _FUNCS.get(type(e))
    if fn is None:
        raise Undefined(f"no ball arithmetic for {type(e).__name__}")
    args = [_compile(a, index) for a in e.args]
    return lambda v: fn(*(a(v) for a in args))


def _sum(it) -> arb:
    out = arb(0)
    for x in it:
        out = out + x
    return out


def _prod(it) -> arb:
    out = arb(1)
    for x in it:
        out = out * x
    return out


class _Precision:
    """Arb's working precision for a block (python-flint keeps it in a module-wide context)."""

    def __init__(self, bits: int):
        self.bits = bits

    def __enter__(self):
        self.saved = ctx.prec
        ctx.prec = self.bits

    def __exit__(self, *exc):
        ctx.prec = self.saved


def ball_at(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], bits: int = 128) -> arb:
    """A ball containing ``expr`` at an exact ``point`` (raises :class:`Undefined`)."""
    syms = sorted(expr.free_symbols, key=lambda s: s.name)
    missing = [s for s in syms if s not in point]
    if missing:
        raise KeyError(f"the point does not fix {missing}")
    with _Precision(bits):
        vals = [_exact_ball(point[s]) for s in syms]
        return compile_ball(expr, syms)(vals)


def _exact_ball(v) -> arb:
    v = sp.sympify(v)
    if v.is_Rational:
        return arb(fmpq_of(v))
    return compile_ball(v, [])([])  # an exact algebraic or closed-form number


def sign_at(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> int | None:
    """The sign (-1, 0, +1) of ``expr`` at an exact point, or None when it cannot be decided;
    raises :class:`Undefined` when ``expr`` certainly has no real value there.

    Rational expressions are evaluated exactly; others in balls of growing precision until the
    ball excludes zero; a ball that keeps containing zero counts as 0 only when sympy shows the
    exact value is zero."""
    expr = sp.sympify(expr)
    exact = rational_value(expr, point)
    if exact is not None:
        return int(exact.p > 0) - int(exact.p < 0)
    for bits in PRECISIONS:
        b = ball_at(expr, point, bits)
        if b.is_nan():
            continue
        if b > 0:
            return 1
        if b < 0:
            return -1
        if _is_exact_zero(b):
            return 0
    from .relations import is_zero

    return 0 if is_zero(expr.xreplace(dict(point))) else None


def rational_value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr]) -> sp.Rational | None:
    """The value in rational arithmetic when the expression is rational at the point (sums,
    products, integer powers of rationals); None otherwise.  Raises :class:`Undefined` on a
    division by zero."""
    if any(not sp.sympify(v).is_Rational for v in point.values()):
        return None
    if expr.has(sp.log, sp.exp, sp.sin, sp.cos, sp.tan, sp.pi, sp.E, sp.Abs, sp.Min, sp.Max):
        return None
    if any(not p.exp.is_Integer for p in expr.atoms(sp.Pow)):
        return None
    return _rational(expr, point)


def _rational(e: sp.Expr, point) -> sp.Rational:
    if e.is_Rational:
        return e
    if e in point:
        return sp.Rational(point[e])
    if isinstance(e, sp.Add):
        return sum((_rational(a, point) for a in e.args), sp.Integer(0))
    if isinstance(e, sp.Mul):
        out = sp.Integer(1)
        for a in e.args:
            out *= _rational(a, point)
        return out
    if isinstance(e, sp.Pow):
        b = _rational(e.base, point)
        k = int(e.exp)
        if b == 0 and k < 0:
            raise Undefined("a division by zero")
        return b**k
    raise TypeError(f"not rational: {e}")  # pragma: no cover - rational_value screens the types


def decimal(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Expr], digits: int = 6) -> str:
    """A short decimal of ``expr`` at an exact point, from a ball (with its radius when wide)."""
    try:
        b = ball_at(expr, point, 256)
    except Undefined as why:
        return f"undefined ({why})"
    if b.is_nan():
        return "undecided"
    return b.str(digits, radius=False) if b.rad() < abs(b.mid()) * 1e-6 or b.rad() == 0 else b.str(digits)


# --------------------------------------------------------------------------- branch and bound


@dataclasses.dataclass
class Constraint:
    """A relation on the domain as a slack: ``slack >= 0`` (``> 0`` if strict; ``== 0`` if eq)."""

    slack: sp.Expr
    strict: bool = False
    eq: bool = False


@dataclasses.dataclass
class BoxResult:
    """What branch-and-bound found: ``proved`` (every box done), or a certified ``point`` (a
    counterexample the ``certify`` callback accepted), or neither (budget spent, or boxes given
    up); ``boxes`` boxes were examined."""

    proved: bool
    boxes: int
    point: dict | None = None
    detail: str = ""
    seconds: float = 0.0


def branch_and_bound(
    slack: sp.Expr,
    strict: bool,
    constraints: Sequence[Constraint],
    box: Mapping[sp.Symbol, tuple[sp.Rational, sp.Rational]],
    certify: Callable[[dict], bool],
    integers: frozenset = frozenset(),
    max_boxes: int = 20000,
    seconds: float = 3.0,
) -> BoxResult:
    """Show ``slack >= 0`` (``> 0`` when ``strict``) on every point of ``box`` where the
    ``constraints`` hold, by interval arithmetic.  A box is *done* when a constraint is certainly
    violated on it or the slack's ball is certainly nonnegative; a box on which every constraint
    certainly holds and the slack's partial derivative has a certain sign in one coordinate is
    replaced by the face where the slack is smallest; any other box is split at its widest
    coordinate (integer coordinates between integers).  Boxes are taken lowest slack first.  A
    box on which the slack is certainly negative (or a single point) offers its midpoint to
    ``certify`` (exact re-evaluation); a point it rejects is given up, and then nothing is proved."""
    t0 = time.monotonic()
    syms = sorted(box, key=lambda s: s.name)
    fn = compile_ball(slack, syms)
    grads = _Derivatives(slack, syms)
    cons = [(compile_ball(c.slack, syms), c) for c in constraints]
    start = tuple((fmpq_of(box[s][0]), fmpq_of(box[s][1])) for s in syms)
    ints = tuple(s in integers for s in syms)
    heap: list = [(0.0, 0, start)]
    n = given_up = 0
    with _Precision(64):
        while heap:
            if n >= max_boxes or time.monotonic() - t0 > seconds:
                took = time.monotonic() - t0
                return BoxResult(False, n, detail=f"budget spent after {n} boxes", seconds=took)
            _, _, b = heapq.heappop(heap)
            n += 1
            outcome = _examine(b, fn, grads, cons, strict, ints)
            if isinstance(outcome, tuple):
                point = {s: sp.Rational(int(q.p), int(q.q)) for s, q in zip(syms, outcome)}
                if certify(point):
                    return BoxResult(False, n, point=point, seconds=time.monotonic() - t0)
                given_up += 1
                continue
            for low, child in outcome:
                heapq.heappush(heap, (low, n + len(heap), child))
    took = time.monotonic() - t0
    if given_up:
        return BoxResult(False, n, detail=f"{given_up} boxes undecided", seconds=took)
    return BoxResult(True, n, detail=f"{n} boxes", seconds=took)


def _balls(b) -> list[arb]:
    return [arb(lo) if lo == hi else arb(lo).union(arb(hi)) for lo, hi in b]


def _feasibility(v, cons) -> bool | None:
    """None when a constraint is certainly violated (or undefined) on the whole box; else
    whether every constraint certainly holds on it."""
    inside = True
    for cfn, c in cons:
        try:
            s = cfn(v)
        except Undefined:
            return None
        if s.is_nan():
            inside = False
        elif c.eq:
            if 0 not in s:
                return None
            inside = inside and _is_exact_zero(s)
        elif bool(s < 0) or (c.strict and bool(s <= 0)):
            return None
        elif not (bool(s > 0) if c.strict else bool(s >= 0)):
            inside = False
    return inside


def _examine(b, fn, grads, cons, strict, ints):
    """One box: a list of (priority, child) boxes (empty when done), or a point to certify."""
    v = _balls(b)
    inside = _feasibility(v, cons)
    if inside is None:
        return []
    try:
        val = fn(v)
        undefined = False
    except Undefined:
        val, undefined = arb.nan(), True
    if not val.is_nan() and (bool(val > 0) if strict else bool(val >= 0)):
        return []
    mid = tuple(_int_mid(lo, hi) if i else (lo + hi) / 2 for (lo, hi), i in zip(b, ints))
    if all(lo == hi for lo, hi in b):
        return [] if not undefined and _holds_at_point(fn, v, strict) else mid
    broken = undefined or (not val.is_nan() and (bool(val <= 0) if strict else bool(val < 0)))
    if inside and broken:
        return mid
    if inside and not val.is_nan():
        face = _monotone_face(b, v, grads)
        if face is not None:
            return [(_low(val), face)]
    return [(_low(val), c) for c in _split(b, ints)]


def _holds_at_point(fn, v, strict: bool) -> bool:
    """The slack at an exact point (a degenerate box) is certainly >= 0 (> 0 when strict), at
    growing precision."""
    for bits in PRECISIONS:
        with _Precision(bits):
            try:
                val = fn(v)
            except Undefined:
                return False
            if val.is_nan():
                continue
            if bool(val > 0) or (not strict and _is_exact_zero(val)):
                return True
            if bool(val < 0) or (strict and bool(val <= 0)):
                return False
    return False


def _int_mid(lo: fmpq, hi: fmpq) -> fmpq:
    return fmpq((lo.p * hi.q + hi.p * lo.q) // (2 * lo.q * hi.q))


def _low(val: arb) -> float:
    return float(val.lower().mid()) if not val.is_nan() else float("-inf")


class _Derivatives:
    """The partial derivatives of the slack in each coordinate, up to :data:`DEPTH`, compiled
    when first needed."""

    DEPTH = 3

    def __init__(self, slack: sp.Expr, syms: list):
        self.slack, self.syms = slack, syms
        self.fns: dict = {}

    def ball(self, i: int, k: int, v) -> arb:
        if (i, k) not in self.fns:
            d = sp.diff(self.slack, self.syms[i], k)
            self.fns[i, k] = compile_ball(d, self.syms) if d != 0 else None
        fn = self.fns[i, k]
        if fn is None:
            return arb(0)
        try:
            return fn(v)
        except Undefined:
            return arb.nan()

    def signed(self, b, v, i: int, k: int, sign: int) -> bool:
        """Whether the k-th derivative in coordinate i has ``sign`` (+1: >= 0, -1: <= 0) on the
        whole box: directly from its ball, or from its value at one end of the coordinate and the
        sign of the next derivative (monotone from that end) -- so a tight point where lower
        derivatives vanish (x - sin x at 0) still has a certain sign."""
        d = self.ball(i, k, v)
        if not d.is_nan() and bool(d * sign >= 0):
            return True
        if k >= self.DEPTH:
            return False
        lo, hi = b[i]
        for end, grow in ((lo, sign), (hi, -sign)):
            face = list(v)
            face[i] = arb(end)
            e = self.ball(i, k, face)
            if not e.is_nan() and bool(e * sign >= 0) and self.signed(b, v, i, k + 1, grow):
                return True
        return False


def _monotone_face(b, v, grads: _Derivatives):
    """The face of a box where the slack is smallest, when its partial derivative in some
    non-degenerate coordinate has a certain sign on the whole box; None otherwise."""
    for i, (lo, hi) in enumerate(b):
        if lo == hi or not grads.slack.has(grads.syms[i]):
            continue
        if grads.signed(b, v, i, 1, +1):
            return b[:i] + ((lo, lo),) + b[i + 1 :]
        if grads.signed(b, v, i, 1, -1):
            return b[:i] + ((hi, hi),) + b[i + 1 :]
    return None


def _split(b, ints):
    i = max(range(len(b)), key=lambda k: b[k][1] - b[k][0])
    lo, hi = b[i]
    if ints[i]:
        m = _int_mid(lo, hi)
        m = m if m < hi else hi - 1
        halves = ((lo, m), (m + 1, hi))
    else:
        m = (lo + hi) / 2
        halves = ((lo, m), (m, hi))
    return [b[:i] + (h,) + b[i + 1 :] for h in halves]

"""What both sides of the suite share: the error type and the relation helpers.

The symbolic side (``theorems/``) and the numeric side (``numerics/``) both need the sign
convention of a relation's slack and the one exception type that means *bad input*.  They
live here, in a module that imports nothing but sympy, so that neither side imports the
other for them.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp


class DlverifyError(Exception):
    """Bad input: reported to the user as one line, exit code 2."""


LE = (sp.LessThan, sp.StrictLessThan)
GE = (sp.GreaterThan, sp.StrictGreaterThan)
INEQUALITIES = LE + GE
RELATIONS = INEQUALITIES + (sp.Equality,)


def slack(rel: sp.Basic) -> sp.Expr:
    """``b - a`` for ``a <= b`` (or ``a < b``), ``a - b`` for ``a >= b``; ``lhs - rhs`` for Eq.

    A relation holds exactly where its slack is ``>= 0`` (``> 0`` when strict; ``= 0`` for Eq).
    """
    if isinstance(rel, LE):
        return rel.rhs - rel.lhs
    if isinstance(rel, GE):
        return rel.lhs - rel.rhs
    if isinstance(rel, sp.Equality):
        return rel.lhs - rel.rhs
    raise TypeError(f"not a relation: {rel!r}")


def is_strict(rel: sp.Basic) -> bool:
    return isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan))


def sides(rel: sp.Basic) -> tuple[sp.Expr, sp.Expr]:
    """``(smaller, larger)`` of an inequality: ``(a, b)`` for ``a <= b`` and for ``b >= a``.

    The worst-case ratio of a bound is ``smaller / larger`` (1 where the bound is attained).
    """
    if isinstance(rel, LE):
        return rel.lhs, rel.rhs
    if isinstance(rel, GE):
        return rel.rhs, rel.lhs
    raise TypeError(f"not an inequality: {rel!r}")


@lru_cache(maxsize=65536)
def is_zero(expr: sp.Basic) -> bool:
    """Whether ``expr`` is identically zero, by rewritings valid for the symbols' declared
    domains only (no ``force=True``: ``log(x**2) = 2 log(x)`` is *not* accepted for real x).

    Sound, not complete: ``False`` means "not shown to be zero".
    """
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixExpr) or getattr(expr, "is_Matrix", False):
        e = sp.simplify(sp.expand(expr.doit()))
        return isinstance(e, sp.ZeroMatrix) or e == 0 or getattr(e, "is_zero_matrix", False) is True
    for attempt in (
        lambda e: e,
        sp.expand,
        lambda e: sp.simplify(e.doit()),
        sp.factor,
        lambda e: sp.simplify(sp.expand_log(sp.expand(e))),
    ):
        try:
            if attempt(expr) == 0:
                return True
        except (TypeError, ValueError, AttributeError, NotImplementedError):  # pragma: no cover
            continue
    return False


def _probe_points(syms: list[sp.Symbol]) -> list[dict]:
    """Rational points in the symbols' declared domains: first every value in (0, 1) (where
    probabilities, rates and fractions live), then values above 1, then mixed signs."""
    pts = []
    for kind in range(3):
        pt = {}
        for i, x in enumerate(syms):
            small = sp.Rational(i + 1, 2 * i + 7)
            if x.is_integer:
                pt[x] = sp.Integer(2 + 3 * i + kind)
            elif kind == 0:
                pt[x] = small
            elif kind == 1:
                pt[x] = 1 / small
            else:
                pt[x] = small if (x.is_nonnegative or i % 2 == 0) else -small
        pts.append(pt)
    return pts


def differs_somewhere(expr: sp.Expr) -> bool:
    """True when ``expr`` is shown to be nonzero by evaluating it at rational points of its
    symbols' declared domains (a finite, real, nonzero value).  False means "not shown": the
    expression may still be nonzero.  Used as a cheap filter before symbolic simplification;
    a wrong True could only hide a proof, never create one."""
    if expr.has(sp.Integral, sp.Derivative) or expr.atoms(sp.core.function.AppliedUndef):
        return False
    if isinstance(expr, sp.MatrixExpr) or getattr(expr, "is_Matrix", False):
        return False
    syms = sorted(expr.free_symbols, key=lambda x: x.name)
    if expr.has(sp.Indexed):  # a sum over indexed terms has no numeric value at a point
        return False
    finite_sums = expr.has(sp.Sum, sp.Product)
    for pt in _probe_points(syms):
        try:
            at = expr.subs(pt)
            if finite_sums:  # the limits are numbers now: a finite sum evaluates term by term
                if any(
                    not (lim.is_Integer) for s_ in at.atoms(sp.Sum, sp.Product) for lim in s_.limits[0][1:]
                ):
                    continue
                at = at.doit()
            val = sp.N(at, 40)
        except (TypeError, ValueError, ZeroDivisionError, AttributeError):
            continue
        if val.is_Number and val.is_real and val.is_finite and abs(val) > sp.Float(1e-25):
            return True
    return False


def _same_zero(expr: sp.Expr) -> bool:
    return not differs_somewhere(expr) and is_zero(expr)


@lru_cache(maxsize=65536)
def _signature(rel: sp.Basic) -> tuple:
    """The quantities a relation is about: its free symbols, indexed bases and undefined
    functions.  Two relations over different quantities are not matched (a relation whose
    terms cancel a quantity is written without it); this can only hide a proof, never make one."""
    funcs = frozenset(type(f).__name__ for f in rel.atoms(sp.core.function.AppliedUndef))
    bases = frozenset(str(i.base) for i in rel.atoms(sp.Indexed))
    return frozenset(rel.free_symbols), funcs, bases


@lru_cache(maxsize=65536)
def same_relation(a: sp.Basic, b: sp.Basic) -> bool:
    """Whether two relations state the same thing: the same kind (``<=``, ``<``, ``=``, read
    with ``>=`` as a flipped ``<=``) and slacks that are identically equal.  Two equalities
    are the same when their sides agree (in either order), or, when neither is a bare identity
    (a slack that is identically zero), when their slacks agree up to sign -- so two different
    identities never match each other.

    This is how a claim is matched to the derivation step that proves it: by its relation,
    never by a name.  A numeric probe at rational points rules out most pairs before any
    simplification.
    """
    if isinstance(a, sp.logic.boolalg.BooleanAtom) or isinstance(b, sp.logic.boolalg.BooleanAtom):
        return False  # a relation sympy evaluated to True/False states nothing to match
    if a == b:
        return True
    if not (isinstance(a, RELATIONS) and isinstance(b, RELATIONS)):
        return False
    if isinstance(a, sp.Equality) != isinstance(b, sp.Equality):
        return False
    if _signature(a) != _signature(b):
        return False
    if isinstance(a, sp.Equality):
        if is_zero(slack(a)) or is_zero(slack(b)):
            # an identity proves only itself: the same two sides (in either order), as written
            return (a.lhs == b.lhs and a.rhs == b.rhs) or (a.lhs == b.rhs and a.rhs == b.lhs)
        for x, y in ((a.lhs, a.rhs), (a.rhs, a.lhs)):
            if _same_zero(x - b.lhs) and _same_zero(y - b.rhs):
                return True
        return _same_zero(slack(a) - slack(b)) or _same_zero(slack(a) + slack(b))
    if is_strict(a) != is_strict(b):
        return False
    return _same_zero(slack(a) - slack(b))

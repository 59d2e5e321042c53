"""What both sides of the suite share: the error type and the relation helpers.

The symbolic side (``theorems/``) and the numeric side (``numerics/``) both need the sign
convention of a relation's slack and the one exception type that means *bad input*.  They
live here, in a module that imports nothing but sympy, so that neither side imports the
other for them.
"""

from __future__ import annotations

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


def same_relation(a: sp.Basic, b: sp.Basic) -> bool:
    """Whether two relations state the same thing: the same kind (``<=``, ``<``, ``=``, read
    with ``>=`` as a flipped ``<=``) and slacks that are identically equal.

    This is how a claim is matched to the derivation step that proves it: by its relation,
    never by a name.
    """
    if a == b:
        return True
    if not (isinstance(a, RELATIONS) and isinstance(b, RELATIONS)):
        return False
    if isinstance(a, sp.Equality) != isinstance(b, sp.Equality):
        return False
    if isinstance(a, sp.Equality):
        d = slack(a) - slack(b)
        return is_zero(d) or is_zero(slack(a) + slack(b))
    if is_strict(a) != is_strict(b):
        return False
    return is_zero(slack(a) - slack(b))

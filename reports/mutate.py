"""Claim mutation: how many false variants of each claim does the suite catch?

From each registered claim's sympy relation and assumptions, mutants are generated
mechanically -- every numeric constant scaled by 2 and by 1/2, every integer exponent
moved by ±1, the inequality flipped, each factor of a product dropped, each assumption
removed -- and assessed like the claim itself (:func:`dlverify.theorems.evidence.assess`: its
proof, its measurements).  A mutant is *killed* when the verdict is ``false``.  A survivor is classified:

* ``true but looser`` -- shown implied by the original: the changed term moves the bound the safe
  way and the relation is monotone in it on the claim's domain, by sign rules (a weaker statement
  that is still true is not a hole in the checks); sampling alone never earns it;
* ``equivalent`` -- it is the same relation after simplification, or it only drops a cited
  result (``Assumption.cited``: true wherever its conditions hold) from the hypotheses;
* ``redundant`` -- an assumption was removed and the suite still *proves* the claim from the
  others, or proves the removed assumption from the others and the claim's domain (a true
  statement: the assumption was implied or unused);
* ``hole`` -- anything else: a false claim the checks did not catch (or one they cannot
  judge); the report prints it.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import time
from collections.abc import Sequence

import sympy as sp

from .. import theorems as registry
from ..numerics.device import RunContext
from ..theorems.core import Claim, Verdict, slack

_REL_FLIP = {
    sp.LessThan: sp.GreaterThan,
    sp.StrictLessThan: sp.StrictGreaterThan,
    sp.GreaterThan: sp.LessThan,
    sp.StrictGreaterThan: sp.StrictLessThan,
}


def _replace_at(expr, path, new):
    """expr with the node at ``path`` replaced; None when the result is not a valid relation
    (e.g. a dropped factor that divides by zero)."""
    try:
        return _replace(expr, path, new)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _replace(expr, path, new):
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace(args[path[0]], path[1:], new)
    return expr.func(*args)


def _walk(expr, path=()):
    yield path, expr
    for i, a in enumerate(expr.args):
        yield from _walk(a, path + (i,))


def _node_mutations(node: sp.Basic) -> list[tuple[str, sp.Basic]]:
    """The changes tried at one node: a constant ×2 and ×½, an integer exponent ±1, a factor
    dropped from a product."""
    out = []
    if node.is_Number and node != 0:
        out += [(f"constant {node} {word}", node * f) for f, word in ((2, "×2"), (sp.Rational(1, 2), "×½"))]
    if isinstance(node, sp.Pow) and node.exp.is_Integer and node.exp != -1:
        for dlt in (1, -1):
            e = node.exp + dlt
            if e != 0:
                out.append((f"exponent of {sp.sstr(node.base)} {node.exp}→{e}", node.base**e))
    if isinstance(node, sp.Mul) and len(node.args) > 1:
        for i, fac in enumerate(node.args):
            rest = sp.Mul(*[a for j, a in enumerate(node.args) if j != i])
            out.append((f"factor {sp.sstr(fac)} dropped", rest))
    return out


def _usable(r) -> bool:
    return (
        r is not None
        and isinstance(r, sp.Basic)
        and r is not sp.true
        and r is not sp.false
        and not r.has(sp.zoo, sp.nan, sp.oo, -sp.oo)
    )


def mutants(claim: Claim, definitions: frozenset[str] | set[str] = frozenset()) -> list[tuple[str, Claim]]:
    """(description, mutated claim) pairs; the key is kept so the check dispatches as before."""
    rel = claim.relation
    if not isinstance(
        rel, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan, sp.Equality)
    ):
        return []
    out: list[tuple[str, sp.Basic, tuple]] = []
    for side in (0, 1):
        for path, node in _walk(rel.args[side]):
            for desc, new in _node_mutations(node):
                out.append((desc, _replace_at(rel, (side,) + path, new), claim.assumptions))
    if type(rel) in _REL_FLIP:
        out.append(
            ("inequality flipped", _REL_FLIP[type(rel)](rel.lhs, rel.rhs, evaluate=False), claim.assumptions)
        )
    for a in claim.assumptions:
        if a in definitions:  # a definition says what the claim is about; dropping it changes the subject
            continue
        out.append((f"assumption '{a}' removed", rel, tuple(x for x in claim.assumptions if x != a)))
    seen, res = set(), []
    for desc, r, assum in out:
        if not _usable(r):
            continue
        sig = (sp.srepr(r), assum)
        if sig in seen or (sp.srepr(r) == sp.srepr(rel) and assum == claim.assumptions):
            continue
        seen.add(sig)
        text = f"{claim.text} — mutant: {desc}"
        changed = dataclasses.replace(
            claim, relation=r, assumptions=assum, text=text, tight_on="", sharper=None, of=claim.key
        )
        res.append((desc, changed))
    return res


def _sample_point(syms, rng):
    vals = {}
    for s in syms:
        if s.is_integer:
            vals[s] = rng.randint(1, 20)
        elif s.is_positive or s.is_nonnegative:
            vals[s] = sp.Float(10 ** rng.uniform(-3, 1))
        else:
            vals[s] = sp.Float(rng.uniform(-5, 5))
    return vals


def _in_domain(d, fn, pt) -> bool:
    """One domain relation at a point: compiled where it can be (the tries are many), else sympy."""
    if fn is not None:
        try:
            v = complex(fn(*[float(pt[k]) for k in fn.keys]))
            if v.imag == 0 and v.real == v.real:
                return v.real > 0 if isinstance(d, (sp.StrictLessThan, sp.StrictGreaterThan)) else v.real >= 0
        except Exception:  # noqa: BLE001
            pass
    return bool(d.subs(pt))


@functools.lru_cache(maxsize=64)
def _domain_points_cached(domain: tuple, syms: tuple, n: int, tries: int) -> tuple:
    rng = random.Random(0)
    eqs = {d.lhs: d.rhs for d in domain if isinstance(d, sp.Equality)}
    ineqs = [d for d in domain if not isinstance(d, sp.Equality)]
    fns = []
    for d in ineqs:
        keys = sorted(d.free_symbols, key=lambda s: s.name)
        try:
            fn = sp.lambdify(keys, slack(d), modules="mpmath")
            fn.keys = keys
        except Exception:  # noqa: BLE001
            fn = None
        fns.append(fn)
    pts = []
    free = [s for s in syms if s not in eqs]
    extra = sorted({x for d in ineqs for x in d.free_symbols} - set(free) - set(eqs), key=lambda s: s.name)
    for _ in range(tries):
        pt = _sample_point(free + extra, rng)
        for k, v in eqs.items():
            pt[k] = sp.sympify(v).subs(pt)
        if all(_in_domain(d, fn, pt) for d, fn in zip(ineqs, fns)):
            pts.append(pt)
            if len(pts) >= n:
                break
    return tuple(pts)


def _domain_points(claim: Claim, syms, n=300, tries=20000):
    """Random points of the claim's domain: symbols' declared signs plus ``claim.domain`` (the
    same points for every mutant of a claim; computed once)."""
    return [dict(p) for p in _domain_points_cached(tuple(claim.domain), tuple(syms), n, tries)]


_NUMERIC: dict = {}  # sympy function name -> float function (from a numeric side's FUNCTIONS)


def _slack_fn(rel, syms):
    """slack(rel) as a function of the symbols' values, evaluated in mpmath (15 digits, like the
    sympy Floats it replaces; a numeric side's FUNCTIONS stand in for its opaque functions);
    None when it cannot be compiled."""
    floats = {name: (lambda *a, fn=fn: fn(*[float(x) for x in a])) for name, fn in _NUMERIC.items()}
    try:
        return sp.lambdify(syms, slack(rel), modules=[floats, "mpmath"])
    except Exception:  # noqa: BLE001
        return None


def _holds_sympy(rel, pt) -> bool | None:
    """The slow route (sympy substitution and evaluation: sums, integrals), where the compiled
    one cannot evaluate."""
    try:
        expr = slack(rel).subs(pt)
        for name, fn in _NUMERIC.items():
            expr = expr.replace(sp.Function(name), lambda *a, fn=fn: sp.Float(fn(*[float(x) for x in a])))
        v = complex(sp.N(expr))
    except Exception:  # noqa: BLE001
        return None
    return _decide(rel, v)


def _holds(fn, rel, values, pt) -> bool | None:
    v = None
    if fn is not None:
        try:
            v = complex(fn(*values))
        except Exception:  # noqa: BLE001
            v = None
    if v is None or v.imag != 0 or v.real != v.real:
        return _holds_sympy(rel, pt)
    return _decide(rel, v)


def _decide(rel, v: complex) -> bool | None:
    if v.imag != 0 or v.real != v.real:
        return None
    if isinstance(rel, sp.Equality):
        return abs(v.real) <= 1e-12 * (1 + abs(v.real))
    strict = isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan))
    return v.real > 0 if strict else v.real >= -1e-12 * (1 + abs(v.real))


def _compare(orig: Claim, mut: Claim):
    """'equal', 'weaker' (the original implies the mutant on the claim's domain), 'stronger'
    (the mutant implies the original) or 'incomparable', by sampling the domain."""
    r0, r1 = orig.relation, mut.relation
    if not all(
        isinstance(r, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan, sp.Equality))
        for r in (r0, r1)
    ):
        return "incomparable"
    try:
        if type(r0) is type(r1) and sp.simplify(slack(r1) - slack(r0)) == 0:
            return "equal"
    except Exception:  # noqa: BLE001
        pass
    free = set(r0.free_symbols | r1.free_symbols)
    for dd in orig.domain:
        free |= dd.free_symbols
    syms = sorted(free, key=lambda s: s.name)
    pts = _domain_points(orig, syms, n=400)
    keys = sorted({k for p in pts for k in p} | set(syms), key=lambda s: s.name)
    try:
        values = [[float(p[k]) for k in keys] for p in pts]
    except (KeyError, TypeError):
        return "incomparable"
    f0, f1 = _slack_fn(r0, keys), _slack_fn(r1, keys)
    h0 = [_holds(f0, r0, x, p) for x, p in zip(values, pts)]
    h1 = [_holds(f1, r1, x, p) for x, p in zip(values, pts)]
    if not pts or any(x is None for x in h0 + h1):
        return "incomparable"
    if all(a == b for a, b in zip(h0, h1)):
        return "equal"
    weaker = all(b for a, b in zip(h0, h1) if a) and any(a for a in h0)
    stronger = all(a for a, b in zip(h0, h1) if b)
    if weaker:
        return "weaker"
    if stronger:
        return "stronger"
    return "incomparable"


_MONOTONE: dict = {}  # sympy function name -> direction (+1/−1) in each argument (a numeric side's MONOTONE)


def _diverge(a, b, path=()):
    """(path, old subtree, new subtree) where two expressions first differ in more than one place."""
    if a.func == b.func and len(a.args) == len(b.args) and a.args:
        diffs = [i for i, (x, y) in enumerate(zip(a.args, b.args)) if x != y]
        if len(diffs) == 1:
            return _diverge(a.args[diffs[0]], b.args[diffs[0]], path + (diffs[0],))
    return path, a, b


def _domain_subs(domain) -> dict:
    """A reparametrisation of the claim's box domain by positive free parameters, so that
    sympy's sign rules see it: ``x ≥ c`` as x = c + t, ``0 < x ≤ c`` (x declared positive or
    nonnegative) as x = c/(1 + t) (the open interval; the signs proved are of continuous
    expressions, so they extend to its ends)."""
    subs = {}
    for d in domain:
        if not isinstance(d, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan, sp.StrictGreaterThan)):
            continue
        small, large = (d.lhs, d.rhs) if isinstance(d, (sp.LessThan, sp.StrictLessThan)) else (d.rhs, d.lhs)
        t = sp.Dummy("t", positive=True)
        if isinstance(large, sp.Symbol) and small.is_number and large not in subs:
            subs[large] = small + t
        elif (
            isinstance(small, sp.Symbol)
            and large.is_number
            and large.is_positive
            and (small.is_nonnegative or small.is_positive)
            and small not in subs
        ):
            subs[small] = large / (1 + t)
    return subs


def _sign(expr, subs) -> int | None:
    """+1 when ``expr ≥ 0`` on the domain, −1 when ``≤ 0``, by sympy's sign rules after the
    reparametrisation, and two rules of their own: ``1 − e^z`` has the sign of −z, and
    ``X^e − 1`` (X ≥ 0) the sign of e·(X − 1) (None: not shown)."""
    for e in (expr, expr.subs(subs)):
        for form in (e, sp.expand(e), sp.factor_terms(sp.expand(e)), sp.together(sp.expand(e))):
            if form.is_nonnegative:
                return 1
            if form.is_nonpositive:
                return -1
    if isinstance(expr, sp.Add) and len(expr.args) == 2 and sp.S.One in expr.args:
        (rest,) = [a for a in expr.args if a != 1]
        if isinstance(-rest, sp.exp):  # 1 − e^z
            s = _sign((-rest).args[0], subs)
            return None if s is None else -s
        if isinstance(-rest, sp.Pow) and (-rest).exp.is_number:  # 1 − X^e
            s = _sign_pow_minus_one(-rest, subs)
            return None if s is None else -s
    if isinstance(expr, sp.Add) and len(expr.args) == 2 and sp.S.NegativeOne in expr.args:
        (rest,) = [a for a in expr.args if a != -1]
        if isinstance(rest, sp.Pow) and rest.exp.is_number:  # X^e − 1
            return _sign_pow_minus_one(rest, subs)
    return _log_floor(expr, subs)


def _log_floor(expr, subs) -> int | None:
    """+1 when ``expr`` is a sum of terms shown ≥ 0, numbers, and a·ln y (a > 0, y a polynomial
    with nonnegative coefficients in the domain's parameters t ≥ 0, so ln y ≥ ln y(0)) whose
    floor -- the numbers plus Σ a·ln y(0) -- is ≥ 0 (e.g. KL + ln(2√m/δ) − 1 ≥ ln 2 + ½ ln 2 − 1)."""
    params = [v for s in subs.values() for v in s.free_symbols if isinstance(v, sp.Dummy)]
    if not params:
        return None
    e = sp.expand(sp.expand_log(expr.subs(subs), force=True))
    floor = sp.S.Zero
    for term in e.args if isinstance(e, sp.Add) else (e,):
        if term.is_number:
            floor += term
            continue
        a, rest = term.as_coeff_Mul()
        if not (a > 0 and isinstance(rest, sp.log)):
            if term.is_nonnegative:
                continue
            return None
        y = rest.args[0]
        try:
            poly = sp.Poly(y, *params)
        except sp.PolynomialError:
            return None
        y0 = y.subs({v: 0 for v in params})
        if not all(c >= 0 for c in poly.coeffs()) or not (y0.is_number and y0 > 0):
            return None
        floor += a * sp.log(y0)
    return 1 if floor.is_number and floor.is_extended_real and bool(floor >= 0) else None


def _sign_pow_minus_one(power, subs) -> int | None:
    if _sign(power.base, subs) != 1 or power.exp == 0:
        return None
    s = _sign(power.base - 1, subs)
    return None if s is None else s * (1 if power.exp > 0 else -1)


def _positive(expr, subs) -> bool:
    return any(bool(e.is_positive) for e in (expr, expr.subs(subs), sp.expand(expr.subs(subs))))


def _arg_direction(node, i: int, subs) -> int | None:
    """The direction (+1 nondecreasing, −1 nonincreasing) of ``node`` in its argument ``i`` on
    the domain, where it is shown; None otherwise."""
    arg = node.args[i]
    if isinstance(node, sp.Add):
        return 1
    if isinstance(node, sp.Mul):
        return _sign(sp.Mul(*[a for j, a in enumerate(node.args) if j != i]), subs)
    if isinstance(node, sp.Pow):
        base, e = node.args
        if i == 0 and e.is_number and _sign(base, subs) == 1:
            if e.is_positive:
                return 1
            return -1 if e.is_negative and _positive(base, subs) else None
        if i == 1 and _sign(base, subs) == 1:  # X^e: nondecreasing in e where X ≥ 1, else nonincreasing
            return _sign(base - 1, subs)
        return None
    if isinstance(node, (sp.exp, sp.log)):
        return 1 if isinstance(node, sp.exp) or _positive(arg, subs) else None
    name = getattr(node.func, "__name__", "")
    dirs = _MONOTONE.get(name)
    return dirs[i] if dirs and i < len(dirs) else None


def _proved_order(orig: Claim, mut: Claim) -> str | None:
    """'weaker' or 'stronger' when shown without sampling: the mutant changes one subtree of
    one side, the change has a sign on the domain, and the relation's slack is monotone in that
    subtree along the path to it (every ancestor's direction shown on the domain, in the original
    and in the mutant); None otherwise."""
    r0, r1 = orig.relation, mut.relation
    orient = {
        sp.LessThan: (-1, 1),
        sp.StrictLessThan: (-1, 1),
        sp.GreaterThan: (1, -1),
        sp.StrictGreaterThan: (1, -1),
    }
    if type(r0) is not type(r1) or type(r0) not in orient:
        return None
    subs = _domain_subs(orig.domain)
    sides = [i for i in (0, 1) if r0.args[i] != r1.args[i]]
    if len(sides) != 1:
        return None
    side = sides[0]
    path, old, new = _diverge(r0.args[side], r1.args[side])
    if isinstance(old, sp.Add) and isinstance(new, sp.Add):  # the terms both sums share cancel
        common = set(old.args) & set(new.args)
        old, new = (sp.Add(*[a for a in x.args if a not in common]) for x in (old, new))
    change = _sign(new - old, subs)
    (b0, e0), (b1, e1) = (x.args if isinstance(x, sp.Pow) else (x, sp.S.One) for x in (old, new))
    if change is None and b0 == b1 and e0.is_number and e1.is_number and e0 != e1:
        # X^b − X^a has the sign of b − a where X ≥ 1 and the opposite where 0 ≤ X ≤ 1
        up = _sign(b0 - 1, subs)
        change = None if up is None or _sign(b0, subs) != 1 else up * (1 if e1 > e0 else -1)
    if change is None and _sign(new, subs) == 1 and _sign(old, subs) == 1:
        # both positive: new − old has the sign of new/old − 1 (a dropped factor F: of 1/F − 1)
        change = _sign(sp.powsimp(sp.simplify(new / old)) - 1, subs)
    if change is None:
        return None
    direction = orient[type(r0)][side] * change
    for tree in (r0.args[side], r1.args[side]):
        node = tree
        for i in path:
            d = _arg_direction(node, i, subs)
            if d is None:
                return None
            if tree is r0.args[side]:
                direction *= d
            node = node.args[i]
    # a zero change everywhere is equality, handled by the caller's simplification
    return "weaker" if direction > 0 else "stronger"


def classify_survivor(
    orig: Claim, mut: Claim, original_tight: bool = False, hypotheses: tuple = (), sharper: Sequence = ()
) -> tuple[str, str]:
    """'equivalent', 'true but looser', 'open' or 'hole', with the reason.

    Equivalence and looseness are shown, not sampled: *equivalent* when the relations simplify
    to the same slack; *true but looser* when :func:`_proved_order` shows the mutant implied by
    the original (its bound moved the safe way, monotonically), or when the suite's prover
    (:func:`dlverify.theorems.solve.prove`: kernel, Z3, interval branch-and-bound) proves the
    mutant from the original relation, the claim's ``hypotheses`` (its assumptions' relations)
    and its domain -- for a sufficient condition, the original condition from the mutant's;
    *equivalent* when it proves both directions.  A mutant the prover derives from the claim's
    ``sharper`` forms -- ``(claim, its hypotheses, the step that proves it)``, each *proved*: the
    claim's sharper form, and the theorem's other proved claims that cover every instance of the
    mutant (:func:`_applicable`) -- is a true statement too ('true but looser').  A stronger
    claim that survives is a hole when the original was measured to be attained
    (``original_tight``: every strengthening is then false); otherwise it is 'open'.  A mutant that
    sampling finds weaker or equal but that is not shown so is 'open' too."""
    if mut.assumptions != orig.assumptions:
        return "hole", "an assumption was removed and no counterexample was found"
    r0, r1 = orig.relation, mut.relation
    try:
        if type(r0) is type(r1) and sp.simplify(slack(r1) - slack(r0)) == 0:
            return "equivalent", "the same relation (its slack simplifies to the original's)"
    except Exception:  # noqa: BLE001
        pass
    try:
        cmp = _proved_order(orig, mut)
    except Exception:  # noqa: BLE001
        cmp = None
    shown = cmp is not None
    if cmp is None:
        cmp = _compare(orig, mut)
    if orig.condition:  # a stricter sufficient condition is a weaker theorem, and the reverse
        cmp = {"weaker": "stronger", "stronger": "weaker"}.get(cmp, cmp)
    if cmp == "weaker" and shown:
        return (
            "true but looser",
            "implied by the original: the changed term moves the bound the safe way and the relation "
            "is monotone in it on the claim's domain (shown by sign rules, not sampled)",
        )
    if cmp in ("weaker", "equal"):
        proved = _proved_implication(orig, mut, hypotheses)
        if proved is not None:
            return proved
    for sc, sc_hyps, step in () if orig.condition else sharper:
        below = _proved_implication(sc, mut, sc_hyps)
        if below is not None:
            which = "the claim's sharper form" if sc.key == orig.key + ":sharper" else f"claim {sc.key}"
            return "true but looser", f"implied by {which}, itself proved (step {step}): {below[1]}"
    if cmp in ("weaker", "equal"):
        seen = "weaker than" if cmp == "weaker" else "the same as"
        return "open", f"not refuted; {seen} the original at every sampled point, but not shown so"
    if cmp == "stronger" and not original_tight:
        how = "shown by sign rules" if shown else "at every sampled point"
        return (
            "open",
            f"stronger than the proved claim ({how}), not refuted; the proved constant may be loose",
        )
    return "hole", "a changed claim that the checks neither refuted nor showed to be weaker"


def _applicable(forms: list, orig: Claim, mut: Claim, th=None) -> list:
    """The proved claims of the theorem whose statement covers every instance of the mutant: no
    assumption the mutant does not make, the same domain, a bound (not a sufficient condition)
    and a relation over the claim's own symbols (so the prover compares like with like).

    With the theorem ``th``, a companion's *cited* facts (true wherever their own conditions hold,
    conditions the companion assumes too) are not asked of the mutant, and its Markov *event* is
    matched by the mutant's: two statements "with probability ≥ 1 − δ over S" on different events
    are each true, so one whose bound implies the other's proves it.  A mutant without an event
    (a claim for every sample) is covered by no companion that has one."""
    keep = set(mut.assumptions)
    has_event = th is not None and any(th.assumption(k).event for k in keep)

    def asked(f) -> set:
        if th is None:
            return set(f[0].assumptions)
        own = {k for k in f[0].assumptions if not th.assumption(k).cited}
        events = {k for k in own if th.assumption(k).event}
        return own - events if has_event and len(events) <= 1 else own

    return [
        f
        for f in forms
        if asked(f) <= keep
        and set(f[0].domain) == set(orig.domain)
        and not f[0].condition
        and f[0].relation.free_symbols
        <= orig.relation.free_symbols | set().union(*(r.free_symbols for r in orig.domain))
    ]


def _scalar_relation(r) -> bool:
    """A relation between scalars (no matrix inside): what the prover can take as a hypothesis."""
    if not isinstance(r, sp.core.relational.Relational):
        return False
    return not any(isinstance(a, (sp.MatrixBase, sp.MatrixExpr)) for a in sp.preorder_traversal(r))


def _proved_implication(orig: Claim, mut: Claim, hypotheses: tuple) -> tuple[str, str] | None:
    """The mutant implied by the original (a sufficient condition: the original implied by the
    mutant), proved by :func:`dlverify.theorems.solve.prove` from the claim's hypotheses and
    domain; both directions proved: equivalent.  None when no proof is found."""
    from ..theorems import solve

    context = [*hypotheses, *orig.domain]
    weak, strong = (orig, mut) if orig.condition else (mut, orig)

    def prove(rel, given) -> tuple[bool, str]:
        try:
            return solve.prove(rel, given)
        except Exception as exc:  # noqa: BLE001 - relations the prover cannot read prove nothing
            return False, f"{type(exc).__name__}: {exc}"

    ok, how = prove(weak.relation, [strong.relation, *context])
    if not ok:
        return None
    back, _ = prove(strong.relation, [weak.relation, *context])
    if back:
        return "equivalent", f"each implies the other under the claim's assumptions (proved: {how})"
    return "true but looser", f"implied by the original under the claim's assumptions (proved: {how})"


def score(rows: list[dict]) -> dict:
    """The honest score: killed / the mutants that may be false -- every mutant except those
    shown equivalent, shown true but looser (implied by the original) and redundant assumptions
    (the mutant proved) -- with the true ones reported beside it."""
    count = {
        k: sum(r["outcome"] == k for r in rows)
        for k in ("killed", "true but looser", "redundant", "equivalent", "open", "hole")
    }
    judged = len(rows) - count["equivalent"] - count["true but looser"] - count["redundant"]
    return {
        "generated": len(rows),
        "killed": count["killed"],
        "survived": len(rows) - count["killed"],
        "looser": count["true but looser"],
        "redundant": count["redundant"],
        "equivalent": count["equivalent"],
        "open": count["open"],
        "holes": count["hole"],
        "score": count["killed"] / judged if judged else None,
        "score_rule": "killed / (generated − equivalent − looser − redundant)",
    }


def _proved_forms(th, marks, measure) -> list:
    """Every proved claim of the theorem and proved sharper form, as ``(claim, its hypotheses,
    the step that proves it)``: what one of them implies, under hypotheses a mutant keeps, is true."""
    from ..theorems.core import assess

    forms = []
    for c in th.claims:
        for form in (c, c.sharper_claim()):
            if form is None or c.condition:
                continue
            res = assess(th, form, marks, measure)
            if res.proof is not None and res.verdict.holds:
                forms.append(
                    (form, tuple(th.assumption(k).relation for k in form.assumptions), res.proof.step)
                )
    return forms


def _claim_hypotheses(th, claim: Claim) -> tuple:
    """The claim's assumptions and the theorem's definitions (true of every instance) that speak
    of the claim's symbols, scalar relations only: what the prover may take as given."""
    syms = claim.relation.free_symbols
    defs = [
        a.relation
        for a in th.assumptions
        if a.definition and a.relation is not None and a.relation.free_symbols & syms
    ]
    own = [th.assumption(k).relation for k in claim.assumptions]
    return tuple(r for r in dict.fromkeys(own + defs) if _scalar_relation(r))


def _implied_removal(th, claim: Claim, mut: Claim, removed: set) -> str | None:
    """Why the removed assumptions change nothing, when :func:`dlverify.theorems.solve.prove`
    proves each from the mutant's remaining assumptions and the claim's domain (a hypothesis holds
    only where it is defined: NaN and inf are violations everywhere): every instance of the mutant
    is then an instance of the claim, so it is the claim itself; None when not proved."""
    from ..theorems import solve

    rels = (th.assumption(k).relation for k in mut.assumptions)
    given = [r for r in rels if r is not None and _scalar_relation(r)]
    hows = []
    for k in sorted(removed):
        rel = th.assumption(k).relation
        if rel is None or not _scalar_relation(rel):
            return None
        try:
            ok, how = solve.prove(rel, [*given, *claim.domain])
        except Exception:  # noqa: BLE001 - relations the prover cannot read prove nothing
            return None
        if not ok:
            return None
        hows.append(f"{k}: {how}")
    return (
        "the removed assumption is implied by the remaining ones and the claim's domain, so the mutant "
        f"is the claim itself (proved: {'; '.join(hows)})"
    )


def _outcome(th, claim: Claim, m: Claim, res, verdict, detail: str, cited: set, tight: bool, forms: list):
    """One mutant's outcome and its reason (see the module docstring)."""
    removed = set(claim.assumptions) - set(m.assumptions)
    if verdict is Verdict.FALSE:
        return "killed", detail
    if removed and removed <= cited:
        return "equivalent", (
            "a cited result removed from the hypotheses: it is true wherever its own "
            "conditions hold, so the statement is the same"
        )
    if removed and verdict is not None and res.proof is not None:
        return "redundant", (
            f"proved from the remaining assumptions ({res.proof.step}): the removed one is "
            "implied by them or not needed"
        )
    if removed and all(th.assumption(k).relation in claim.domain for k in removed):
        return "equivalent", (
            "the removed assumption is one of the claim's domain relations: every instance the "
            "claim is about satisfies it, so the statement is the same"
        )
    implied = _implied_removal(th, claim, m, removed) if removed else None
    if implied is not None:
        return "redundant", implied
    # the claim's sharper form first, then the theorem's other proved claims that cover the mutant
    sc = claim.sharper_claim()
    own = [f for f in forms if sc is not None and f[0].key == sc.key]
    others = [f for f in forms if f[0].key not in (claim.key, claim.key + ":sharper")]
    return classify_survivor(
        claim, m, tight, _claim_hypotheses(th, claim), own + _applicable(others, claim, m, th)
    )


def mutate_theorem(theorem_id: str, ctx: RunContext, progress=lambda s: None, claims=None) -> dict:
    """Mutate every claim of a theorem (or only the claims keyed in ``claims``) and classify
    each mutant; the record with the honest score."""
    from ..theorems.core import assess, check_derivation
    from .runner import Measurer

    th = registry.load(theorem_id).THEOREM
    num = registry.numeric(theorem_id)
    _NUMERIC.clear()
    # the same points are evaluated for every mutant of a claim: remember each function's values
    _NUMERIC.update(
        {k: functools.lru_cache(maxsize=2**16)(fn) for k, fn in getattr(num, "FUNCTIONS", {}).items()}
    )
    _MONOTONE.clear()
    _MONOTONE.update(getattr(num, "MONOTONE", {}))
    marks = check_derivation(th)
    measure = Measurer(num, ctx)
    cited = {a.key for a in th.assumptions if a.cited}
    rows = []
    t0 = time.perf_counter()
    forms = _proved_forms(th, marks, measure)
    for claim in th.claims:
        if claims is not None and claim.key not in claims:
            continue
        tight = assess(th, claim, marks, measure).verdict is Verdict.TIGHT
        for desc, m in mutants(claim, {a.key for a in th.assumptions if a.definition}):
            res = None
            try:
                res = assess(th, m, marks, measure)
                verdict, detail = res.verdict, res.detail
            except Exception as exc:  # noqa: BLE001 - a mutant the check cannot run is reported, not fatal
                verdict, detail = None, f"check could not run: {type(exc).__name__}: {exc}"
            kind, why = _outcome(th, claim, m, res, verdict, detail, cited, tight, forms)
            rows.append(
                {
                    "claim": claim.key,
                    "mutation": desc,
                    "relation": sp.sstr(m.relation),
                    "assumptions": list(m.assumptions),
                    "verdict": None if verdict is None else verdict.value,
                    "basis": None if res is None or verdict is None else res.basis.value,
                    "outcome": kind,
                    "reason": why,
                }
            )
        progress(f"{theorem_id}: {claim.key} mutated")
    return {"theorem": theorem_id, **score(rows), "wall_s": time.perf_counter() - t0, "mutants": rows}

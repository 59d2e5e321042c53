"""Claim mutation: how many false variants of each claim does the suite catch?

From each registered claim's sympy relation and assumptions, mutants are generated
mechanically -- every numeric constant scaled by 2 and by 1/2, every integer exponent
moved by ±1, the inequality flipped, each factor of a product dropped, each assumption
removed -- and assessed like the claim itself (:func:`dlverify.theorems.evidence.assess`: its
proof, its measurements).  A mutant is *killed* when the verdict is ``false``.  A survivor is classified:

* ``true but looser`` -- its bound is at least the original's at every sampled point of the
  claim's domain (a weaker statement that is still true is not a hole in the checks);
* ``equivalent`` -- it is the same relation after simplification, or it only drops a cited
  result (``Assumption.cited``: true wherever its conditions hold) from the hypotheses;
* ``redundant`` -- an assumption was removed and the suite still *proves* the claim from the
  others (a true statement: the assumption was implied or unused);
* ``hole`` -- anything else: a false claim the checks did not catch (or one they cannot
  judge); the report prints it.
"""

from __future__ import annotations

import dataclasses
import functools
import random
import time

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


def classify_survivor(orig: Claim, mut: Claim, original_tight: bool = False) -> tuple[str, str]:
    """'equivalent', 'true but looser', 'open' or 'hole', with the reason.

    A stronger claim that survives is a hole when the original was measured to be attained
    (``original_tight``: then every strengthening is false); otherwise it is 'open': the proved
    constant may simply be loose."""
    if mut.assumptions != orig.assumptions:
        return "hole", "an assumption was removed and no counterexample was found"
    cmp = _compare(orig, mut)
    if orig.condition:  # a stricter sufficient condition is a weaker theorem, and the reverse
        cmp = {"weaker": "stronger", "stronger": "weaker"}.get(cmp, cmp)
    if cmp == "equal":
        return "equivalent", "same relation on the claim's domain"
    if cmp == "weaker":
        return (
            "true but looser",
            "implied by the (proved) original at every sampled point of the claim's domain",
        )
    if cmp == "stronger" and not original_tight:
        return "open", "stronger than the proved claim and not refuted; the proved constant may be loose"
    return "hole", "a changed claim that the checks neither refuted nor showed to be weaker"


def score(rows: list[dict]) -> dict:
    """The honest score: killed / (every mutant not shown equivalent), beside the counts."""
    count = {
        k: sum(r["outcome"] == k for r in rows)
        for k in ("killed", "true but looser", "redundant", "equivalent", "open", "hole")
    }
    judged = len(rows) - count["equivalent"]
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
        "score_rule": "killed / (generated − equivalent)",
    }


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
    marks = check_derivation(th)
    measure = Measurer(num, ctx)
    cited = {a.key for a in th.assumptions if a.cited}
    rows = []
    t0 = time.perf_counter()
    for claim in th.claims:
        if claims is not None and claim.key not in claims:
            continue
        original = assess(th, claim, marks, measure)
        tight = original.verdict is Verdict.TIGHT
        for desc, m in mutants(claim, {a.key for a in th.assumptions if a.definition}):
            try:
                res = assess(th, m, marks, measure)
                verdict, detail = res.verdict, res.detail
            except Exception as exc:  # noqa: BLE001 - a mutant the check cannot run is reported, not fatal
                verdict, detail = None, f"check could not run: {type(exc).__name__}: {exc}"
            killed = verdict is Verdict.FALSE
            removed = set(claim.assumptions) - set(m.assumptions)
            if killed:
                kind, why = "killed", detail
            elif removed and removed <= cited:
                kind, why = (
                    "equivalent",
                    (
                        "a cited result removed from the hypotheses: it is true wherever its own "
                        "conditions hold, so the statement is the same"
                    ),
                )
            elif removed and verdict is not None and res.proof is not None:
                kind, why = (
                    "redundant",
                    (
                        f"proved from the remaining assumptions ({res.proof.step}): the removed one is "
                        "implied by them or not needed"
                    ),
                )
            else:
                kind, why = classify_survivor(claim, m, tight)
            rows.append(
                {
                    "claim": claim.key,
                    "mutation": desc,
                    "relation": sp.sstr(m.relation),
                    "assumptions": list(m.assumptions),
                    "verdict": None if verdict is None else verdict.value,
                    "basis": None if verdict is None else res.basis.value,
                    "outcome": kind,
                    "reason": why,
                }
            )
        progress(f"{theorem_id}: {claim.key} mutated")
    return {"theorem": theorem_id, **score(rows), "wall_s": time.perf_counter() - t0, "mutants": rows}

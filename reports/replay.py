"""Replay a counterexample: a claim's relation at one instance, in exact arithmetic.

    python -m dlverify.reports.replay THEOREM KEY name=value ...

``KEY`` names a registered claim, a wrong variant or a source line (its reading); each value is
read exactly (``0.05`` is 1/20, ``3/2``, ``sqrt(2)``).  Names that are not symbols of the
relation (the run's bookkeeping, such as ``eta_L``) are ignored and listed.  The answer is one
line from :func:`dlverify.theorems.core.point_measurement` -- the same exact evaluation the
suite uses for a source line's stated point -- and the exit code is 0 when the relation holds
there, 1 when it is violated, 2 for bad input or a point that does not decide it.
"""

from __future__ import annotations

import sys


def find_claim(theorem, key: str):
    """The claim ``key`` names: a registered claim, a wrong variant, a source line's reading."""
    for c in list(theorem.claims) + list(theorem.wrong_variants):
        if c.key == key:
            return c
    for line in theorem.as_written:
        if line.key == key and line.reading is not None:
            return line.reading
    return None


def _value(text: str):
    import sympy as sp

    try:
        return sp.Rational(text)
    except (TypeError, ValueError):
        return sp.sympify(text)


#: seconds the exact evaluation may take before the 50-digit value answers instead (sympy's
#: simplification of logarithms at large rationals can run for minutes)
EXACT_S = 20


def _numeric(theorem, claim, point: dict) -> tuple[float | None, str]:
    """The relation's slack at the point to 50 digits, and an assumption the point breaks."""
    import sympy as sp

    from ..theorems.relations import slack

    fixed = set(point)
    for k in claim.assumptions:
        a = theorem.assumption(k).relation
        if a is not None and a.free_symbols and a.free_symbols <= fixed:
            held = a.subs(point)
            if isinstance(held, sp.core.relational.Relational):
                held = held.func(sp.N(held.lhs, 50), sp.N(held.rhs, 50))
            if held is sp.false:
                return None, f"the point does not satisfy the assumption {sp.sstr(a)}"
    value = sp.N(slack(claim.relation).subs(point), 50)
    if value.free_symbols:
        return None, f"the point does not fix {sorted(map(str, value.free_symbols))}"
    return float(value), ""


def _exact(theorem, claim, point: dict):
    """:func:`point_measurement` (exact arithmetic), or None when it takes over EXACT_S seconds."""
    import signal

    from ..theorems.core import point_measurement

    def stop(*_):
        raise TimeoutError

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(EXACT_S)
    try:
        return point_measurement(theorem, claim, point)
    except TimeoutError:
        return None
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def replay(theorem_id: str, key: str, values: dict[str, str]) -> tuple[int, str]:
    from .. import theorems
    from ..theorems.core import DlverifyError

    th = theorems.load(theorem_id).THEOREM
    claim = find_claim(th, key)
    if claim is None:
        raise DlverifyError(f"theorem '{theorem_id}' has no claim, wrong variant or source line '{key}'")
    # the relation's own symbols (with their declared signs), by name
    names = {s.name: s for s in claim.relation.free_symbols}
    point = {names[k]: _value(v) for k, v in values.items() if k in names}
    tail = f" (ignored: {', '.join(sorted(set(values) - set(names)))})" if set(values) - set(names) else ""
    m = _exact(th, claim, point)
    if m is not None:
        if m.skipped:
            return 2, f"{theorem_id}/{key}: not decided: {m.skipped}{tail}"
        verdict = "VIOLATED" if m.violations else "holds"
        line = f"{theorem_id}/{key}: {verdict} (exact arithmetic); {m.detail}{tail}"
        return (1 if m.violations else 0), line
    value, why = _numeric(th, claim, point)
    if value is None:
        return 2, f"{theorem_id}/{key}: not decided: {why}{tail}"
    verdict = "VIOLATED" if value < 0 else "holds" if value > 0 else "on the boundary"
    return (
        1 if value < 0 else 0 if value > 0 else 2,
        f"{theorem_id}/{key}: {verdict} (to 50 digits; exact arithmetic took over {EXACT_S} s); "
        f"slack {value:.6g}{tail}",
    )


def main(argv: list[str] | None = None) -> int:
    from ..theorems.relations import DlverifyError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if len(args) < 2 or not all("=" in a for a in args[2:]):
            raise DlverifyError("usage: python -m dlverify.reports.replay THEOREM KEY name=value ...")
        code, line = replay(args[0], args[1], dict(a.split("=", 1) for a in args[2:]))
    except DlverifyError as exc:
        print(f"dlverify replay: error: {exc}", file=sys.stderr)
        return 2
    print(line)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The adversarial search for a counterexample to a claim of one's own (``dlverify check``).

Two searches over the :class:`~dlverify.theorems.solve.Space` of a claim, both steered towards
small slack, not only random:

* :func:`hypothesis_search` -- instances drawn by hypothesis strategies built from the
  assumptions: each variable from its bounds (the bounds themselves, just inside them, 0, 1,
  powers of ten, and hypothesis' own boundary-seeking floats), a variable sometimes snapped
  onto the boundary of an inequality assumption (``eta = 1/L``), variables fixed by an equality
  assumption computed from the others; ``hypothesis.target`` steers the generation towards the
  smallest relative slack (and, for tightness, the largest ratio of the sides);
* :func:`torch_search` -- the relative slack minimised by Adam from many starts at once
  (batched torch autograd; on the GPU when present), the assumptions as penalties, the bounds
  by smooth reparametrisation.

This module computes and never decides: every point it returns is a *candidate* that
:func:`dlverify.theorems.solve.certify_float` re-evaluates in exact arithmetic, so a float64
rounding error can make it miss nothing it reports (the false-alarm probability is 0) -- it can
only fail to find a counterexample that exists, which is why its effort (instances, restarts,
smallest slack) is reported with every *not refuted*.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import sympy as sp

from ..theorems.solve import Space

if TYPE_CHECKING:  # torch is imported when a torch search runs (a proved claim needs none)
    import torch

#: how many candidates (lowest score first) a search hands over for certification
KEEP = 24


@dataclasses.dataclass
class Candidate:
    """A float point where the relative slack is negative or NaN (a candidate counterexample)."""

    values: dict[str, float]
    score: float
    fixed: tuple = ()
    found_by: str = ""


@dataclasses.dataclass
class SearchReport:
    """How hard one search looked, and what it found (all in float64, uncertified)."""

    how: str
    instances: int = 0
    restarts: int = 0
    steps: int = 0
    smallest: float | None = None
    smallest_at: dict | None = None
    ratio: float | None = None
    ratio_at: dict | None = None
    #: the largest ratios met, with their points (where an exact point attaining the bound is sought)
    ratio_points: list = dataclasses.field(default_factory=list)
    float_violations: int = 0
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    note: str = ""

    def keep(self, cand: Candidate) -> None:
        self.candidates.append(cand)
        self.candidates.sort(key=lambda c: (not math.isnan(c.score), c.score))
        del self.candidates[KEEP:]

    def see(self, score: float, values: dict, ratio: float | None) -> None:
        if math.isfinite(score) and (self.smallest is None or score < self.smallest):
            self.smallest, self.smallest_at = score, dict(values)
        if ratio is not None and math.isfinite(ratio) and (self.ratio is None or ratio > self.ratio):
            self.ratio, self.ratio_at = ratio, dict(values)
        if ratio is not None and math.isfinite(ratio):
            self.ratio_points.append((ratio, dict(values)))
            self.ratio_points.sort(key=lambda p: -p[0])
            del self.ratio_points[KEEP // 3 :]


# --------------------------------------------------------------------------- scalar evaluation


def _scalar(expr: sp.Expr, symbols: Sequence[sp.Symbol]) -> Callable[..., float]:
    """``expr`` as a float function (math module); NaN where it is undefined or not real."""
    fn = sp.lambdify(list(symbols), expr, modules=["math"])

    def f(*args) -> float:
        try:
            v = fn(*args)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return float("nan")
        if isinstance(v, complex):
            return float("nan")
        try:
            return float(v)
        except (TypeError, OverflowError):
            return float("nan")

    return f


class Evaluator:
    """The space's formulas as float functions of a point (a dict name -> float)."""

    def __init__(self, space: Space):
        self.space = space
        syms = space.symbols
        self.slack = _scalar(space.slack, syms)
        self.small = _scalar(space.small, syms) if space.small is not None else None
        self.large = _scalar(space.large, syms) if space.large is not None else None
        self.cons = [(_scalar(e, syms), strict, eq) for e, strict, eq in space.constraints]
        self.elim = [(s.name, _scalar(e, syms)) for s, e in space.eliminated]
        self.bounds = [(s.name, _scalar(e, syms)) for s, e in space.boundaries]

    def args(self, values: dict) -> list[float]:
        return [values[n] for n in self.space.names]

    def complete(self, values: dict, snap: int = -1) -> dict:
        """Snap onto boundary ``snap`` (when >= 0) and compute the eliminated variables."""
        values = dict(values)
        if 0 <= snap < len(self.bounds):
            name, fn = self.bounds[snap]
            values[name] = fn(*self.args(values))
        for name, fn in self.elim:
            values[name] = fn(*self.args(values))
        for i, n in enumerate(self.space.names):
            if self.space.integer(i) and math.isfinite(values[n]):
                values[n] = float(round(values[n]))
        return values

    def feasible(self, values: dict) -> bool:
        a = self.args(values)
        if any(not math.isfinite(v) for v in a):
            return False
        for fn, strict, eq in self.cons:
            s = fn(*a)
            scale = 1 + max(abs(v) for v in a)
            if eq:
                if not abs(s) <= 1e-9 * scale:
                    return False
            elif not (s > 0 if strict else s >= 0):
                return False
        return True

    def score(self, values: dict) -> tuple[float, float | None]:
        """(relative slack, ratio of the sides): the slack over 1 + |smaller| + |larger| (NaN
        where the claim is undefined); the ratio smaller/larger where it is informative
        (smaller >= 0, larger > 0), else None."""
        a = self.args(values)
        s = self.slack(*a)
        if self.small is None:
            return (-abs(s) if math.isfinite(s) else s), None
        small, large = self.small, self.large
        assert large is not None  # both sides exist for an inequality
        lo, hi = small(*a), large(*a)
        scale = 1 + abs(lo) + abs(hi) if math.isfinite(lo) and math.isfinite(hi) else 1.0
        ratio = lo / hi if (math.isfinite(lo) and math.isfinite(hi) and lo >= 0 and hi > 0) else None
        return s / scale, ratio


# --------------------------------------------------------------------------- hypothesis


def _specials(lo: float | None, hi: float | None) -> list[float]:
    base = [0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 1e-3, 10.0, 1e3, 1e6, -10.0, -1e3]
    if lo is not None:
        base += [lo, lo + 1e-9 * (1 + abs(lo)), lo + 1e-3, lo + 1.0, lo + 10.0]
    if hi is not None:
        base += [hi, hi - 1e-9 * (1 + abs(hi)), hi - 1e-3, hi - 1.0]
    if lo is not None and hi is not None:
        base += [(lo + hi) / 2, lo + (hi - lo) / 4, hi - (hi - lo) / 4]
    return sorted(
        {v for v in base if (lo is None or v >= lo) and (hi is None or v <= hi) and math.isfinite(v)}
    )


def _strategy(lo: float | None, hi: float | None, integer: bool):
    from hypothesis import strategies as st

    if integer:
        first = math.ceil(lo) if lo is not None else (math.floor(hi) - 200 if hi is not None else -100)
        last = math.floor(hi) if hi is not None else first + 200
        ints = [float(v) for v in _specials(lo, hi) if float(v).is_integer() and first <= v <= last]
        draws = st.integers(first, last).map(float)
        return st.one_of(st.sampled_from(ints), draws) if ints else draws
    spec = st.sampled_from(_specials(lo, hi) or [0.0])
    wide = 1e6
    a = lo if lo is not None else (hi - wide if hi is not None else -wide)
    b = hi if hi is not None else a + 2 * wide if lo is None else lo + wide
    uniform = st.floats(a, b, allow_nan=False, allow_infinity=False)
    near = st.floats(a, min(b, a + 10.0), allow_nan=False, allow_infinity=False)
    if lo is not None:
        scaled = st.floats(-12, 6).map(lambda t: lo + 10.0**t).filter(lambda v: hi is None or v <= hi)
    elif hi is not None:
        scaled = st.floats(-12, 6).map(lambda t: hi - 10.0**t)
    else:
        scaled = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(-12, 6)).map(lambda p: p[0] * 10.0 ** p[1])
    return st.one_of(spec, near, uniform, scaled)


def hypothesis_search(space: Space, examples: int, seed: int) -> SearchReport:
    """Instances drawn from strategies built from the assumptions, with ``hypothesis.target``
    steering towards small relative slack and a large ratio of the sides."""
    from hypothesis import HealthCheck, Phase, assume, given, settings, target
    from hypothesis import seed as hseed
    from hypothesis import strategies as st
    from hypothesis.errors import Unsatisfiable

    t0 = time.monotonic()
    ev = Evaluator(space)
    rep = SearchReport(how="hypothesis (targeted, boundaries included)")
    free = [i for i, s in enumerate(space.symbols) if s not in {e for e, _ in space.eliminated}]
    strategies = {space.names[i]: _strategy(space.lo[i], space.hi[i], space.integer(i)) for i in free}
    n_snap = len(space.boundaries)

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.target],
    )
    @hseed(seed)
    @given(st.data())
    def explore(data):
        values = {n: data.draw(s, label=n) for n, s in strategies.items()}
        snap = data.draw(st.integers(-1, n_snap - 1), label="boundary") if n_snap else -1
        values = ev.complete({**dict.fromkeys(space.names, 0.0), **values}, snap)
        assume(ev.feasible(values))
        score, ratio = ev.score(values)
        rep.instances += 1
        rep.see(score, values, ratio)
        if not score >= 0:
            rep.float_violations += 1
            fixed = _fixed(space, snap)
            rep.keep(Candidate(values, score, fixed, "hypothesis"))
        if math.isfinite(score):
            target(-score, label="smallest relative slack")
        if ratio is not None:
            target(ratio, label="largest ratio of the sides")

    try:
        explore()
    except Unsatisfiable:
        rep.note = "hypothesis found no instance that satisfies every assumption"
    rep.seconds = time.monotonic() - t0
    return rep


def _fixed(space: Space, snap: int) -> tuple:
    out = []
    if 0 <= snap < len(space.boundaries):
        out.append(space.boundaries[snap])
    return tuple(out) + tuple(space.eliminated)


# --------------------------------------------------------------------------- torch


class _Param:
    """Unconstrained parameters z mapped into each variable's bounds: lo + (hi-lo)·sigmoid(z),
    lo + e^z, hi − e^z, or sinh(z) (so every start and every step stays inside the bounds)."""

    def __init__(self, space: Space, free: list[int]):
        self.space, self.free = space, free

    def init(self, n: int, gen: torch.Generator, device, dtype) -> torch.Tensor:
        import torch

        z = torch.rand((n, len(self.free)), generator=gen, device=device, dtype=dtype)
        lo_t, hi_t = [], []
        for i in self.free:
            lo, hi = self.space.lo[i], self.space.hi[i]
            lo_t.append(-6.0 if lo is None or hi is None else -4.0)
            hi_t.append(6.0 if lo is None or hi is None else 4.0)
        a = torch.tensor(lo_t, device=device, dtype=dtype)
        b = torch.tensor(hi_t, device=device, dtype=dtype)
        return a + (b - a) * z

    def values(self, z: torch.Tensor) -> list[torch.Tensor]:
        import torch

        out = []
        for k, i in enumerate(self.free):
            lo, hi, zk = self.space.lo[i], self.space.hi[i], z[:, k]
            if lo is not None and hi is not None:
                out.append(lo + (hi - lo) * torch.sigmoid(zk))
            elif lo is not None:
                out.append(lo + torch.exp(zk))
            elif hi is not None:
                out.append(hi - torch.exp(zk))
            else:
                out.append(torch.sinh(zk))
        return out


def _batch_values(space: Space, param: _Param, z: torch.Tensor, fns, round_ints: bool) -> dict:
    import torch

    vals = dict(zip([space.names[i] for i in param.free], param.values(z)))
    if round_ints:
        for i in param.free:
            if space.integer(i):
                vals[space.names[i]] = torch.round(vals[space.names[i]])
    for (sym, _), fn in zip(space.eliminated, fns["elim"]):
        vals[sym.name] = fn(vals)
    return vals


def _penalty(space: Space, fns, vals: dict) -> torch.Tensor:
    import torch

    total = 0.0
    for (_, _strict, eq), fn in zip(space.constraints, fns["cons"]):
        s = fn(vals)
        total = total + (s.abs() if eq else torch.relu(-s)) / (1 + s.detach().abs())
    return torch.as_tensor(total)


def torch_search(
    space: Space, starts: int, steps: int, seed: int, device: str = "auto", maximise_ratio: bool = False
) -> SearchReport:
    """Minimise the relative slack (or maximise the ratio of the sides) from ``starts`` points
    at once with Adam; the assumptions enter as penalties; every feasible point met on the way
    is scored, and those with negative or undefined slack are kept as candidates."""
    import torch

    from .device import derive_seed, select_device
    from .lambdify import to_torch

    t0 = time.monotonic()
    dev = select_device(device)
    dtype = torch.float64
    what = "ratio" if maximise_ratio else "slack"
    rep = SearchReport(how=f"torch autograd ({what}, {dev.type})", restarts=starts, steps=steps)
    elim = {e for e, _ in space.eliminated}
    free = [i for i, s in enumerate(space.symbols) if s not in elim]
    if not free:
        return rep
    param = _Param(space, free)
    fns = {
        "slack": to_torch(space.slack),
        "small": to_torch(space.small) if space.small is not None else None,
        "large": to_torch(space.large) if space.large is not None else None,
        "cons": [to_torch(e) for e, _, _ in space.constraints],
        "elim": [to_torch(e) for _, e in space.eliminated],
    }
    gen = torch.Generator(device=dev)
    gen.manual_seed(derive_seed(seed, "torch_search", what) % (2**63 - 1))
    z = param.init(starts, gen, dev, dtype).requires_grad_(True)
    opt = torch.optim.Adam([z], lr=0.1)
    # the step shrinks geometrically to 1e-4 of the first: coarse moves first, then the fine
    # ones a thin violation region needs
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=1e-4 ** (1 / max(steps, 1)))
    for step in range(steps):
        vals = _batch_values(space, param, z, fns, round_ints=False)
        obj = _objective(fns, vals, maximise_ratio) + 10.0 * _penalty(space, fns, vals)
        bad = ~torch.isfinite(obj)
        loss = torch.where(bad, torch.zeros_like(obj), obj).sum()
        opt.zero_grad()
        loss.backward()
        if z.grad is not None:
            with torch.no_grad():
                z.grad = torch.nan_to_num(z.grad, nan=0.0, posinf=0.0, neginf=0.0)
        opt.step()
        sched.step()
        if step % 25 == 24 or step == steps - 1:
            _harvest(space, param, z.detach(), fns, rep)
    rep.seconds = time.monotonic() - t0
    return rep


def _objective(fns, vals: dict, maximise_ratio: bool) -> torch.Tensor:
    import torch

    s = fns["slack"](vals)
    if fns["small"] is None:
        return -s.abs() if not maximise_ratio else torch.zeros_like(s)
    lo, hi = fns["small"](vals), fns["large"](vals)
    if maximise_ratio:
        return -lo / (hi.abs() + 1e-300)
    return s / (1 + lo.abs() + hi.abs())


def _harvest(space: Space, param: _Param, z: torch.Tensor, fns, rep: SearchReport) -> None:
    """Score the current points (integers rounded), all at once: feasible ones count as
    instances; the lowest relative slacks below zero (or undefined) become candidates."""
    import torch

    with torch.no_grad():
        vals = _batch_values(space, param, z, fns, round_ints=True)
        n = z.shape[0]
        vals = {k: torch.as_tensor(v, dtype=z.dtype, device=z.device).expand(n) for k, v in vals.items()}
        ok = torch.ones(n, dtype=torch.bool, device=z.device)
        scale = 1 + torch.stack([v.abs() for v in vals.values()]).amax(0)
        for (_, strict, eq), fn in zip(space.constraints, fns["cons"]):
            c = torch.as_tensor(fn(vals), dtype=z.dtype, device=z.device).expand(n)
            ok &= (c.abs() <= 1e-9 * scale) if eq else (c > 0) if strict else (c >= 0)
        ok &= torch.stack([torch.isfinite(v) for v in vals.values()]).all(0)
        score, ratio = _scores(fns, vals, n)
    count = int(ok.sum())
    if not count:
        return
    rep.instances += count
    finite = ok & torch.isfinite(score)
    if bool(finite.any()):
        j = int(torch.where(finite, score, torch.full_like(score, math.inf)).argmin())
        rep.see(float(score[j]), _row(vals, j), None)
    if ratio is not None:
        good = ok & torch.isfinite(ratio)
        if bool(good.any()):
            j = int(torch.where(good, ratio, torch.full_like(ratio, -math.inf)).argmax())
            rep.see(math.inf, _row(vals, j), float(ratio[j]))
    broken = ok & ~(score >= 0)
    rep.float_violations += int(broken.sum())
    order = torch.where(
        broken, torch.nan_to_num(score, nan=-math.inf), torch.full_like(score, math.inf)
    ).argsort()
    for j in order[: min(KEEP, int(broken.sum()))].tolist():
        rep.keep(Candidate(_row(vals, j), float(score[j]), tuple(space.eliminated), rep.how))


def _scores(fns, vals: dict, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    import torch

    ref = next(iter(vals.values()))
    s = torch.as_tensor(fns["slack"](vals), dtype=ref.dtype, device=ref.device).expand(n)
    if fns["small"] is None:
        return torch.where(torch.isfinite(s), -s.abs(), s), None
    lo = torch.as_tensor(fns["small"](vals), dtype=ref.dtype, device=ref.device).expand(n)
    hi = torch.as_tensor(fns["large"](vals), dtype=ref.dtype, device=ref.device).expand(n)
    both = torch.isfinite(lo) & torch.isfinite(hi)
    scale = torch.where(both, 1 + lo.abs() + hi.abs(), torch.ones_like(lo))
    ratio = torch.where(both & (lo >= 0) & (hi > 0), lo / hi, torch.full_like(lo, math.nan))
    return s / scale, ratio


def _row(vals: dict, j: int) -> dict:
    return {k: float(v[j]) for k, v in vals.items()}

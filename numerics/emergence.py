"""The numeric side of emergence (:mod:`dlverify.theorems.emergence`): random skill graphs, the
greedy adversary, exact union-bound counts and the performance curves of (15.16).

It computes and never decides: :func:`measure` returns Measurements of a claim's own relation
(lambdified from the theorem's sympy) on the family :data:`FAMILIES` routes it to, generated from
the claim's assumptions; the verdicts are made in :mod:`dlverify.theorems.evidence`.  Graphs,
adversary runs, exact count tables and curves are computed once per run (``ctx.cached``), and
every random draw is seeded by what it draws (``ctx.seed_for``).
"""

from __future__ import annotations

import functools
import math
import time

import sympy as sp
import torch

from ..theorems import emergence as book
from ..theorems.evidence import Comparison, Experiment, Measurement, Plot, Rate, Series, TightnessRow
from ..theorems.relations import is_strict, slack
from . import rates
from . import skill_graphs as sg
from .contract import Family, measure_on
from .device import RunContext, gamma, generator
from .evidence import measure_relation, names, skipped
from .lambdify import to_torch
from .stats import slope_with_bound

ALPHA_FAIL = 0.5  # the suite's claim: a skill fails when half its edges lead into Y
DELTA = 1e-6  # family-wise over all settings of a run
#: Figure 15.2's cases: k = 2, 4, 8, 16 at θ = 0.1 (left) and θ = 0.05, 0.1, 0.2 at k = 8 (right)
CASES = ((2, 0.1), (4, 0.1), (8, 0.1), (16, 0.1), (8, 0.05), (8, 0.2))
#: r = N/M: many text pieces per skill, and fewer text pieces than skills (where 1/r matters)
RATIOS = (5.0, 0.1)
BOOK_BETAS = (0.5, 2.0, 3.0, 5.0, 8.0)  # 0.5 violates β > 1 on purpose
ALPHA_GRID = tuple(i / 200 for i in range(1, 200))
CPU = torch.device("cpu")

#: the instance quantities of each family (see :data:`FAMILIES`)
SUITE = frozenset({"theta", "beta", "alpha", "k", "r", "s", "ell"})
BOOK = frozenset({"theta", "k", "alpha_bk", "beta_bk"})
UNION = frozenset({"lw", "N", "M", "theta", "beta", "alpha", "k", "s"})
COUNT = frozenset({"lEW", "l17", "S", "T", "alpha_bk", "beta_bk", "theta", "k"})
ENTROPY = frozenset({"lcn", "n", "tt"})
MARKOV_LOSS = frozenset({"yfrac", "dloss"})
MARKOV_INT = frozenset({"p0", "EW"})
CURVES = frozenset({"y1", "y2", "theta1", "theta2", "k1", "k2"})


def _rels(claim) -> list:
    rels = [book.THEOREM.assumption(k).relation for k in claim.assumptions]
    return [r for r in rels if r is not None]


@functools.lru_cache(maxsize=256)
def _slack_fn(rel):
    """The lambdified slack of a relation, once per process (a pure function of the relation;
    lambdify is the slow part)."""
    return to_torch(slack(rel))


def _slack(rel, vals: dict) -> torch.Tensor:
    fn = _slack_fn(rel)
    return torch.as_tensor(fn({n: vals[n] for n in fn.symbols}), dtype=torch.float64)


def _holds(rel, vals: dict, tol=0.0) -> torch.Tensor:
    """Where an assumption's relation holds on numeric values (NaN never does)."""
    sl = _slack(rel, vals)
    if isinstance(rel, sp.Equality):
        return sl.abs() <= 1e-12
    return sl > tol if is_strict(rel) else sl >= -tol


def measure_condition(
    relation,
    vals: dict,
    conclusion: torch.Tensor,
    *,
    how: str,
    mask=None,
    observed=None,
    bound=None,
    describe=None,
) -> Measurement:
    """A sufficient condition measured on instances: where ``relation`` holds (with a rounding
    margin against it), the simulated ``conclusion`` must hold; a violation is an instance where
    the condition holds and the conclusion fails.  ``observed / bound`` is the worst ratio."""
    sl = _slack(relation, vals)
    shape = torch.broadcast_shapes(sl.shape, conclusion.shape)
    sl = sl.expand(shape)
    tol = gamma(64) * 64 * (1 + sl.abs())
    holds = torch.nan_to_num(sl, nan=-math.inf) > tol
    if mask is not None:
        holds = holds & mask.expand(shape)
    bad = holds & ~conclusion.expand(shape)
    n, nb = int(holds.sum()), int(bad.sum())
    worst = None
    if observed is not None and n:
        ratio = (observed.expand(shape) / bound.expand(shape))[holds]
        worst = float(ratio.max())
    cex = None
    if nb:
        idx = tuple(int(i) for i in bad.nonzero()[0])
        cex = {kk: float(v.expand(shape)[idx]) for kk, v in vals.items() if isinstance(v, torch.Tensor)}
        if observed is not None:
            cex |= {"observed": float(observed.expand(shape)[idx]), "bound": float(bound.expand(shape)[idx])}
        if describe is not None:
            cex |= describe(idx)
    return Measurement(how=how, checked=n, violations=nb, worst_ratio=worst, counterexample=cex)


def _combine(how, parts):
    real = [p for p in parts if not p.skipped]
    first = next((p for p in real if p.violations), None)
    ratios = [p.worst_ratio for p in real if p.worst_ratio is not None]
    return Measurement(
        how=how,
        checked=sum(p.checked for p in real),
        violations=sum(p.violations for p in real),
        worst_ratio=max(ratios) if ratios else None,
        counterexample=None if first is None else (first.counterexample or {}) | {"part": first.how},
        detail=f"{len(real)} settings",
    )


# ----------------------------------------------------------------------------- graphs and adversaries
def _sizes(ctx: RunContext, ratio: float) -> tuple[int, int]:
    M = ctx.size(300, 1000, gpu=3000) if ratio >= 1 else ctx.size(3000, 10000, gpu=30000)
    return M, int(round(ratio * M))


def graph(ctx: RunContext, M: int, N: int, kk: int, kp: int = 1) -> torch.Tensor:
    """A random skill graph (N pieces, k skills each, from M; k'-tuples of base skills when
    kp > 1), once per run and seeded by its parameters: the settings that share them share it."""
    name = ("emergence graph", M, N, kk, kp)

    def draw():
        seed = ctx.seed_for(*name)
        if kp == 1:
            return sg.random_graph(M, N, kk, seed=seed, device=ctx.device)
        return sg.tuple_graph(M, N, kk, kp, seed=seed, device=ctx.device)

    return ctx.cached(name, draw)


def suite_adversary(ctx: RunContext, kk: int, theta: float, ratio: float) -> tuple:
    """(M, N, the greedy adversary's failed fraction, the largest under random Y) for a setting."""
    name = ("emergence suite adversary", kk, theta, ratio)

    def run():
        M, N = _sizes(ctx, ratio)
        edges = graph(ctx, M, N, kk)
        nY = int(round(theta * N))
        adv = sg.adversarial_failed(edges, M, nY, ALPHA_FAIL, seed=ctx.seed_for(*name))["fraction"]
        trials = ctx.size(8, 32, gpu=64)
        rnd = sg.random_failed(edges, M, nY, ALPHA_FAIL, trials=trials, seed=ctx.seed_for(*name, "random Y"))
        return M, N, adv, float(rnd.max())

    return ctx.cached(name, run)


def book_adversary(
    ctx: RunContext, kk: int, theta: float, ratio: float, y: float, count, share, kp: int = 1
) -> tuple:
    """(M, N, the largest fraction of exceptional skills the greedy adversary finds) for |Y| = yN
    and the book's threshold (``count`` edges or a ``share`` of a skill's own), once per run."""
    name = ("emergence book adversary", kk, theta, ratio, y, count, share, kp)

    def run():
        if kp == 1:
            M, N = _sizes(ctx, ratio)
            edges = graph(ctx, M, N, kk)
        else:
            m0 = ctx.size(12, 20, gpu=30) if ratio >= 1 else ctx.size(60, 100, gpu=180)
            M = m0**kp
            N = int(round(ratio * M))
            edges = graph(ctx, m0, N * kp, kk, kp)
        nY = min(N, int(round(y * N)))
        return M, N, sg.adversarial_bad(edges, M, nY, count=count, share=share, seed=ctx.seed_for(*name))

    return ctx.cached(name, run)


# ----------------------------------------------------------------------------- certified β (suite)
def _suite_grid(M: int, theta: float, kk: int, ratio: float, ell_value: float, device) -> dict:
    b = torch.arange(1, M // 2, dtype=torch.float64, device=device)[:, None] / M
    sv = torch.logspace(-3, 2, 200, dtype=torch.float64, device=device)[None, :]
    return {
        "theta": torch.full_like(b, theta),
        "beta": b,
        "alpha": torch.full_like(b, ALPHA_FAIL),
        "k": torch.full_like(b, float(kk)),
        "r": torch.full_like(b, ratio),
        "s": sv,
        "ell": torch.full_like(b, ell_value),
    }


def _ell(N: int) -> float:
    """ln(δ/settings)/N: the suite's right side with δ split over every setting of a run."""
    return math.log(DELTA / (len(CASES) * len(RATIOS))) / N


def certified_beta(relation, *, theta, kk, ratio, M, N, device=None) -> float | None:
    """The smallest β = j/M (j < M/2) where the relation holds at some s of a log grid (any s > 0 is
    a valid Chernoff parameter); None where none does."""
    vals = _suite_grid(M, theta, kk, ratio, _ell(N), device)
    sl = _slack(relation, vals).expand(vals["beta"].shape[0], vals["s"].shape[1])
    ok = (torch.nan_to_num(sl, nan=-math.inf) > gamma(64) * 64 * (1 + sl.abs())).any(-1)
    return float(vals["beta"][ok, 0].min()) if bool(ok.any()) else None


def certified(ctx: RunContext, relation, kk: int, theta: float, ratio: float, M: int, N: int):
    """:func:`certified_beta` once per run (the experiments and the tightness table share it)."""
    key = ("emergence certified beta", sp.srepr(relation), kk, theta, ratio, M, N)
    return ctx.cached(
        key, lambda: certified_beta(relation, theta=theta, kk=kk, ratio=ratio, M=M, N=N, device=ctx.device)
    )


# ----------------------------------------------------------------------------- the suite's condition
def _every_Y_part(claim, ctx: RunContext, kk: int, theta: float, ratio: float) -> Measurement:
    """The condition at every β of one setting (at its best s) against the adversary's fraction."""
    M, N, adv, _ = suite_adversary(ctx, kk, theta, ratio)
    vals = _suite_grid(M, theta, kk, ratio, _ell(N), ctx.device)
    sl = _slack(claim.relation, vals).expand(vals["beta"].shape[0], vals["s"].shape[1])
    # the condition holds at β when some s works: its best slack over s
    v1 = {"best": torch.nan_to_num(sl, nan=-math.inf).max(-1).values, "beta": vals["beta"][:, 0]}
    observed = torch.tensor(adv, dtype=torch.float64)
    return measure_condition(
        sp.Ge(sp.Symbol("best"), 0),
        v1,
        observed < v1["beta"],
        how=f"k={kk}, θ={theta}, r={ratio}",
        observed=observed,
        bound=v1["beta"],
        describe=lambda i: {
            "k": kk,
            "theta": theta,
            "r": ratio,
            "M": M,
            "N": N,
            "adversarial": adv,
            "seed": ctx.seed,
        },
    )


def measure_every_Y(claim, ctx: RunContext) -> list[Measurement]:
    """A sufficient condition over the suite's quantities: wherever it certifies β, the greedy
    adversarial Y must fail fewer than βM skills, in every setting (k, θ, r); and wherever an
    exact lower bound shows P[some Y fails βM skills] > δ, the condition must fail at every s."""
    if not claim.condition:
        return [skipped("adversarial Y", "a relation over the suite's quantities that is not a condition")]
    parts = [_every_Y_part(claim, ctx, kk, theta, ratio) for ratio in RATIOS for kk, theta in CASES]
    return [
        _combine("adversarial Y on random skill graphs (suite's condition)", parts),
        _measure_lower_bounds(claim, ctx),
    ]


# ----------------------------------------------------------------------------- exact lower bounds
def log_binom_cdf(n: int, log_q: float, x: int) -> float:
    """ln P[Binomial(n, p) ≤ x] with ln(1 − p) = ``log_q`` given (so that p near 1 keeps its
    digits), up to float64 rounding (log-sum-exp of the terms)."""
    j = torch.arange(x + 1, dtype=torch.float64)
    log_p = math.log(-math.expm1(log_q))
    lp = _lbinom(torch.tensor(float(n), dtype=torch.float64), j) + j * log_p + (n - j) * log_q
    return float(torch.logsumexp(lp, 0))


def log_empty_at_least(n: int, M: int, z: int) -> float:
    """ln P[at least z of M bins stay empty] for n balls thrown uniformly and independently: the
    number of occupied bins is a Markov chain (o → o w.p. o/M, o → o + 1 w.p. (M − o)/M), run in
    log space (every term is positive: no cancellation)."""
    o = torch.arange(M + 1, dtype=torch.float64)
    stay = torch.log(o / M)
    move = torch.log((M - o) / M)
    lp = torch.full((M + 1,), -math.inf, dtype=torch.float64)
    lp[0] = 0.0
    for _ in range(n):
        up = torch.cat([torch.full((1,), -math.inf, dtype=torch.float64), (lp + move)[:-1]])
        lp = torch.logaddexp(lp + stay, up)
    return float(torch.logsumexp(lp[: M - z + 1], 0))


def log_bad_lower_bound(N: int, M: int, nY: int, nZ: int, kk: int, alpha: float) -> tuple[float, str]:
    """A lower bound on ln P[some Y of size nY fails at least nZ skills] for the random graph
    (N pieces, k edges each, uniform over M skills) at α ≤ 1, the best of three exact events:

    * a fixed set Z of nZ skills is hit by at most nY pieces (each piece misses Z with
      probability (1 − nZ/M)^k, independently): Y ⊇ the pieces hitting Z gives every skill of Z
      only edges from Y, so it fails (a skill without edges fails too);
    * for a fixed Y, at least nZ skills receive none of the k(N − nY) edges from outside Y
      (occupancy): those skills fail;
    * nZ = 1: a fixed skill fails for a fixed Y exactly when (1 − α)X ≥ αX', X ~ Bin(k nY, 1/M),
      X' ~ Bin(k(N − nY), 1/M) independent (:func:`_log_tail_pair`).

    Returns (the bound, which event gave it)."""
    beta = nZ / M
    out = [
        (log_binom_cdf(N, kk * math.log1p(-beta), nY), "fixed Z, any Y covering its pieces"),
        (log_empty_at_least(kk * (N - nY), M, nZ), "fixed Y, Z among the skills no other piece hits"),
    ]
    if nZ == 1 and alpha < 1:  # at α = 1 this event is the first one's with Y fixed
        out.append((_log_tail_pair(kk * nY, kk * (N - nY), beta, alpha), "fixed Y and skill"))
    return max(out)


#: (N, M, |Y|, |Z|, k, α) of the exact lower bounds: many pieces per skill and θ = 1/2 (the
#: union over Y is the whole margin), many skills per piece with many edges (the union over Z),
#: two skills with many edges and α below 1 (the Chernoff exponent's α and s)
LOWER_BOUND_SETTINGS = (
    (200, 10, 100, 1, 16, 1.0),
    (200, 10, 100, 1, 32, 1.0),
    (1000, 10, 500, 1, 16, 1.0),
    (40, 400, 1, 100, 50, 1.0),
    (40, 400, 1, 200, 20, 1.0),
    (20, 2, 10, 1, 16, 0.75),
    (20, 2, 10, 1, 40, 0.5),
    (20, 2, 10, 1, 40, 0.75),
    (20, 2, 2, 1, 40, 0.5),  # θ = 0.1: the pair's tail P[X ≥ X'] against a capped ln A
)


def lower_bound_instances(ctx: RunContext) -> dict:
    """The exact lower bounds of :data:`LOWER_BOUND_SETTINGS` as suite quantities, once per run:
    ℓ = (ln LB − ln 2)/N, i.e. δ = LB/2 < P[bad]."""
    return ctx.cached(("emergence lower bounds",), _lower_bound_instances)


def _lower_bound_instances() -> dict:
    rows, why = [], []
    for N_, M_, nY, nZ, kk, a in LOWER_BOUND_SETTINGS:
        lb, event = log_bad_lower_bound(N_, M_, nY, nZ, kk, a)
        rows.append((nY / N_, nZ / M_, a, float(kk), N_ / M_, (lb - math.log(2)) / N_, lb, N_, M_))
        why.append(event)
    t = torch.tensor(rows, dtype=torch.float64)
    keys = ("theta", "beta", "alpha", "k", "r", "ell", "lb", "N", "M")
    return {n: t[:, i : i + 1] for i, n in enumerate(keys)} | {"event": why}


def _measure_lower_bounds(claim, ctx: RunContext) -> Measurement:
    """At δ = LB/2 the conclusion P[bad] ≤ δ is false, so the condition must fail at every s of a
    log grid: a violation is an (instance, s) where it holds."""
    inst = lower_bound_instances(ctx)
    vals = {n: inst[n] for n in ("theta", "beta", "alpha", "k", "r", "ell")}
    vals["s"] = torch.logspace(-3, 2, 200, dtype=torch.float64)[None, :]
    false = torch.zeros((), dtype=torch.bool)

    def describe(idx):
        i = idx[0]
        return {
            "N": int(inst["N"][i, 0]),
            "M": int(inst["M"][i, 0]),
            "ln P[bad] >=": float(inst["lb"][i, 0]),
            "event": inst["event"][i],
            "delta": math.exp(float(inst["lb"][i, 0])) / 2,
        }

    return measure_condition(
        claim.relation,
        vals,
        false,
        how="exact lower bounds on P[some Y fails βM skills] (δ = half the bound)",
        describe=describe,
    )


# ----------------------------------------------------------------------------- the book's condition
def _defined(claim, name):
    """The expression an assumption of the claim defines for the symbol ``name`` (Eq(name, expr))."""
    for rel in _rels(claim):
        if isinstance(rel, sp.Equality) and isinstance(rel.lhs, sp.Symbol) and rel.lhs.name == name:
            return rel.rhs
    return None


def _value(expr, sub: dict) -> float | None:
    return None if expr is None else float(expr.subs({x: sub[x.name] for x in expr.free_symbols}))


def _error_set_sizes(claim, theta: float) -> list[float]:
    """|Y|/|T| ∈ {θ/2, θ, 1} where the claim's assumptions on y allow it."""
    y_rels = [x for x in _rels(claim) if "y" in names(x) and not (names(x) & {"c", "e", "Sp"})]
    scalar = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    return [
        y
        for y in (theta / 2, theta, 1.0)
        if all(bool(_holds(x, {"y": scalar(y), "theta": scalar(theta)})) for x in y_rels)
    ]


def _book_part(claim, ctx: RunContext, kk, theta, ratio, yv, bv) -> Measurement | None:
    """The condition on the α grid of one setting against the adversary's exceptional fraction;
    None where no α satisfies the hypotheses or the condition certifies none."""
    a = torch.tensor(ALPHA_GRID, dtype=torch.float64)
    vals = {
        "alpha_bk": a,
        "beta_bk": torch.full_like(a, bv),
        "theta": torch.full_like(a, theta),
        "k": torch.full_like(a, float(kk)),
        "r": torch.full_like(a, ratio),
        "y": torch.full_like(a, yv),
    }
    mask = torch.ones_like(a, dtype=torch.bool)
    for x in _rels(claim):
        if not (names(x) & {"y", "c", "e", "Sp"}):
            mask &= _holds(x, vals)
    cond = torch.nan_to_num(_slack(claim.relation, vals), nan=-1.0)
    if not bool((mask & (cond.expand_as(mask) > 0)).any()):
        return None  # the condition certifies no α here: nothing to test
    sub = {"beta_bk": bv, "theta": theta, "k": kk, "r": ratio, "y": yv}
    count, share = _value(_defined(claim, "c"), sub), _value(_defined(claim, "e"), sub)
    kp = 2 if _defined(claim, "Sp") is not None else 1
    M, N, f = book_adversary(ctx, kk, theta, ratio, yv, count, share, kp)
    ft = torch.tensor(f, dtype=torch.float64)
    return measure_condition(
        claim.relation,
        vals,
        ft <= a,
        how=f"k={kk}, θ={theta}, r={ratio}, |Y|/|T|={yv}, β={bv}",
        mask=mask,
        observed=ft,
        bound=a,
        describe=lambda i: {
            "M": M,
            "N": N,
            "exceptional fraction (adversarial Y)": f,
            "count threshold": count,
            "share threshold": share,
            "seed": ctx.seed,
        },
    )


def _measure_book_condition(claim, ctx: RunContext) -> list[Measurement]:
    if isinstance(claim.relation, sp.Equality):
        return []
    if _defined(claim, "c") is None and _defined(claim, "e") is None:
        return [skipped("book condition", "no assumption defines the exceptional skills (c or e)")]
    parts = [
        _book_part(claim, ctx, kk, theta, ratio, yv, bv)
        for ratio in RATIOS
        for kk, theta in CASES
        for yv in _error_set_sizes(claim, theta)
        for bv in BOOK_BETAS
    ]
    real = [p for p in parts if p is not None]
    return [_combine("greedy adversarial Y on random skill graphs (book's condition)", real)]


def _measure_book_grid(claim) -> list[Measurement]:
    """A non-condition relation over (θ, k, α, β): evaluated on an (α, β) grid; θ and k from the
    claim's Eq assumptions where it fixes them, else Figure 15.2's cases."""
    if isinstance(claim.relation, sp.Equality):
        return []  # an identity: its proof is the evidence
    rels = _rels(claim)
    fixed = {}
    for x in rels:
        if isinstance(x, sp.Equality) and isinstance(x.lhs, sp.Symbol) and not x.rhs.free_symbols:
            fixed[x.lhs.name] = float(x.rhs)
    a = torch.tensor(ALPHA_GRID, dtype=torch.float64)[:, None]
    b = torch.linspace(0.5, 20, 400, dtype=torch.float64)[None, :]
    parts = []
    cases = [(fixed.get("k", kk), fixed.get("theta", th)) for kk, th in CASES]
    for kk, theta in sorted(set(cases)):
        vals = {
            "alpha_bk": a,
            "beta_bk": b,
            "theta": torch.tensor(theta, dtype=torch.float64),
            "k": torch.tensor(float(kk), dtype=torch.float64),
        }
        mask = torch.ones(a.shape[0], b.shape[1], dtype=torch.bool)
        for x in rels:
            mask &= _holds(x, vals).expand_as(mask)
        parts.append(
            measure_relation(
                claim.relation, vals, gamma(64) * 64, how=f"(α, β) grid, k={kk}, θ={theta}", mask=mask
            )
        )
    return [_combine("(15.16) on an (α, β) grid", parts)]


def measure_book(claim, ctx: RunContext) -> list[Measurement]:
    """A relation over the book's (θ, k, α, β): a condition against the greedy adversary on random
    skill graphs; any other relation on an (α, β) grid."""
    return _measure_book_condition(claim, ctx) if claim.condition else _measure_book_grid(claim)


# ----------------------------------------------------------------------------- exact counts
def _lbinom(n, j):
    return torch.lgamma(n + 1) - torch.lgamma(j + 1) - torch.lgamma(n - j + 1)


def _lcomb(n: float, j: float) -> float:
    return math.lgamma(n + 1) - math.lgamma(j + 1) - math.lgamma(n - j + 1)


def _log_tail_pair(n1: int, n2: int, beta: float, alpha: float) -> float:
    """ln P((1 − α)X ≥ αX'), X ~ Bin(n1, β), X' ~ Bin(n2, β) independent, exactly (float64)."""
    x = torch.arange(n1 + 1, dtype=torch.float64)
    x2 = torch.arange(n2 + 1, dtype=torch.float64)
    lp1 = (
        _lbinom(torch.tensor(float(n1), dtype=torch.float64), x)
        + x * math.log(beta)
        + (n1 - x) * math.log1p(-beta)
    )
    lp2 = (
        _lbinom(torch.tensor(float(n2), dtype=torch.float64), x2)
        + x2 * math.log(beta)
        + (n2 - x2) * math.log1p(-beta)
    )
    ok = (1 - alpha) * x[:, None] >= alpha * x2[None, :] - 1e-12
    tot = (lp1[:, None] + lp2[None, :]).masked_fill(~ok, -math.inf)
    return float(torch.logsumexp(tot.reshape(-1), 0))


def union_instances(ctx: RunContext) -> dict:
    """ln E[#bad (Y, Z)] exactly on small graphs (N, M, θ, β, k, α), once per run."""
    return ctx.cached(("emergence union instances",), _union_instances)


def _union_instances() -> dict:
    rows = []
    for N_, M_ in ((20, 10), (40, 20), (30, 60)):
        for theta in (0.1, 0.25, 0.5):
            for beta in (0.1, 0.2, 0.5):
                for kk in (1, 2, 4):
                    for alpha in (0.3, 0.5, 1.5):  # α > 1: only X = X' = 0 fails (the claim has no α ≤ 1)
                        nY, nZ = theta * N_, beta * M_
                        if abs(nY - round(nY)) > 1e-9 or abs(nZ - round(nZ)) > 1e-9:
                            continue
                        lp = _log_tail_pair(int(round(kk * nY)), int(round(kk * (N_ - nY))), beta, alpha)
                        rows.append((N_, M_, theta, beta, kk, alpha, _lcomb(N_, nY) + _lcomb(M_, nZ) + lp))
    t = torch.tensor(rows, dtype=torch.float64)
    return {n: t[:, i : i + 1] for i, n in enumerate(("N", "M", "theta", "beta", "k", "alpha", "lw"))}


def measure_union(claim, ctx: RunContext) -> list[Measurement]:
    """The union-bound inequality against the exact ln E[#bad (Y, Z)], on a grid of s."""
    vals = dict(union_instances(ctx))
    vals["s"] = torch.logspace(-2, 1.5, 40, dtype=torch.float64)[None, :]
    tol = 1e-9 * (1 + vals["lw"].abs() + vals["N"] * vals["k"] * (1 + vals["s"]))
    return [
        measure_relation(claim.relation, vals, tol, how="exact ln E[#bad (Y, Z)] on small graphs, s grid")
    ]


def _log_expected_count(S: int, T: int, a: float, th: float, kk: int, b: float) -> float:
    """ln E[#(Y, Z)] of line 3983 (|Z| ≤ α|S|, more than αβθk|T| edges from Y into Z), exactly."""
    z, y, m = a * S, th * T, a * b * th * kk * T
    n = int(round(kk * y))
    zs = torch.arange(0, int(round(z)) + 1, dtype=torch.float64)
    q = (zs / S).clamp(1e-300, 1 - 1e-16)
    j = torch.arange(n + 1, dtype=torch.float64)
    lpmf = (
        _lbinom(torch.tensor(float(n), dtype=torch.float64), j)[None, :]
        + j[None, :] * torch.log(q[:, None])
        + (n - j[None, :]) * torch.log1p(-q[:, None])
    )
    lpmf[0] = torch.where(j == 0, 0.0, -math.inf)  # z = 0: no edge into Z
    tail = torch.logsumexp(lpmf.masked_fill(j[None, :] < m - 1e-9, -math.inf), -1)
    lz = torch.logsumexp(_lbinom(torch.tensor(float(S), dtype=torch.float64), zs) + tail, 0)
    return float(lz) + math.lgamma(T + 1) - math.lgamma(y + 1) - math.lgamma(T - y + 1)


def count_instances(ctx: RunContext) -> dict:
    """The count (15.17) and its binomial factors exactly on small graphs, once per run."""
    return ctx.cached(("emergence count instances",), _count_instances)


def _count_instances() -> dict:
    rows = []
    for S, T, a, th, kk, b in (
        (S, T, a, th, kk, b)
        for S in (10, 20, 40)
        for T in (20, 50, 100)
        for a in (0.1, 0.2, 0.5)
        for th in (0.1, 0.2)
        for kk in (2, 4, 8)
        for b in (0.5, 1.5, 2.0, 3.0)
    ):
        z, y, m = a * S, th * T, a * b * th * kk * T
        if any(abs(v - round(v)) > 1e-9 for v in (z, y, m)) or a * b >= 1 or m > kk * y:
            continue
        lew = _log_expected_count(S, T, a, th, kk, b)
        rows.append((S, T, a, b, th, kk, lew, _lcomb(S, z), _lcomb(T, y), _lcomb(int(round(kk * y)), m)))
    t = torch.tensor(rows, dtype=torch.float64)
    keys = ("S", "T", "alpha_bk", "beta_bk", "theta", "k", "lEW", "lcSb", "lcTb", "lcKb")
    return {nm: t[:, i] for i, nm in enumerate(keys)}


def measure_count(claim, ctx: RunContext) -> list[Measurement]:
    """A relation over the count (15.17) (``l17`` by the claim's or the theorem's definition) on
    the exact small-graph table, where the claim's assumptions hold."""
    vals = dict(count_instances(ctx))
    d = _defined(claim, "l17")
    if "l17" in names(claim.relation):
        if d is None:
            count_def = book.THEOREM.assumption("count_def").relation
            assert count_def is not None  # a definition: l17 = ...
            d = count_def.rhs  # l17 is ln(15.17) by its definition
        vals["l17"] = to_torch(d)({x.name: vals[x.name] for x in d.free_symbols})
    mask = torch.ones_like(vals["S"], dtype=torch.bool)
    for x in _rels(claim):
        if "l17" not in names(x):
            mask &= _holds(x, vals)
    tol = 1e-9 * (1 + vals["T"] * vals["k"])
    return [measure_relation(claim.relation, vals, tol, how="exact counts on small graphs", mask=mask)]


def measure_entropy(claim, ctx: RunContext) -> list[Measurement]:
    """An entropy bound on ln C(n, j), on every 1 ≤ j < n ≤ 120."""
    n = torch.arange(1, 121, dtype=torch.float64)[:, None]
    j = torch.arange(1, 120, dtype=torch.float64)[None, :]
    mask = j < n
    jj = torch.minimum(j, n - 1)
    vals = {"n": n, "tt": jj / n, "lcn": _lbinom(n, jj)}
    return [
        measure_relation(
            claim.relation, vals, 1e-12 * (1 + n), how="ln C(n, j) on all 1 ≤ j < n ≤ 120", mask=mask
        )
    ]


# ----------------------------------------------------------------------------- Markov
def measure_markov_loss(claim, ctx: RunContext) -> list[Measurement]:
    """Markov's inequality for losses: random losses (negative ones where the claim drops
    ``mk_loss``), and the extremal losses in {0, 1/2}."""
    g = generator(ctx.seed_for("emergence Markov", "losses"), CPU)
    lo = 0.0 if "mk_loss" in claim.assumptions else -1.0  # without the assumption, losses may be negative
    L = lo + (2 - lo) * torch.rand(400, 40, generator=g, dtype=torch.float64) ** 2
    vals = {"yfrac": (L >= 0.5).double().mean(-1), "dloss": L.mean(-1)}
    out = [measure_relation(claim.relation, vals, 1e-12, how="random losses")]
    if claim.tight_on:
        share = torch.arange(1, 41, dtype=torch.float64) / 40
        out.append(
            measure_relation(
                claim.relation,
                {"yfrac": share, "dloss": share / 2},
                1e-12,
                how="losses in {0, 1/2}",
                extremal=True,
            )
        )
    return out


def measure_markov_int(claim, ctx: RunContext) -> list[Measurement]:
    """P(W = 0) against E W for integer W: random laws on {0, …, 5} (on a non-integer support
    where the claim drops ``mk_int``), and the extremal W ∈ {0, 1}."""
    g = generator(ctx.seed_for("emergence Markov", "laws of W"), CPU)
    P = torch.rand(400, 6, generator=g, dtype=torch.float64)
    P = P / P.sum(-1, keepdim=True)
    support = (
        torch.arange(6, dtype=torch.float64)
        if "mk_int" in claim.assumptions
        else torch.tensor([0, 0.5, 0.5, 1, 2, 3], dtype=torch.float64)
    )  # not integer: the assumption violated
    vals = {"p0": P[:, 0], "EW": (P * support).sum(-1)}
    out = [measure_relation(claim.relation, vals, 1e-12, how="random laws of W")]
    if claim.tight_on:
        q = torch.linspace(0.01, 0.99, 50, dtype=torch.float64)
        out.append(
            measure_relation(claim.relation, {"p0": 1 - q, "EW": q}, 1e-12, how="W in {0, 1}", extremal=True)
        )
    return out


# ----------------------------------------------------------------------------- performance curves
def curve_height(
    alpha: torch.Tensor, theta: float, kk: float, cond=None, ratio: float | None = None
) -> torch.Tensor:
    """βθ on the performance curve at each α: the smallest β in (1, 1/α) with cond < 0 (cond is
    (15.16)'s left side, decreasing in β there), by bisection; inf where no β works."""
    cond = book.COND_1516 if cond is None else cond
    fn = to_torch(cond)
    base = {"alpha_bk": alpha, "theta": torch.full_like(alpha, theta), "k": torch.full_like(alpha, float(kk))}
    if ratio is not None:
        base["r"] = torch.full_like(alpha, ratio)

    def f(b):
        return torch.as_tensor(fn({n: (base | {"beta_bk": b})[n] for n in fn.symbols}), dtype=torch.float64)

    lo, hi = torch.ones_like(alpha), (1 / alpha) * (1 - 1e-12)
    ok = f(hi) < 0
    for _ in range(60):
        mid = (lo + hi) / 2
        neg = f(mid) < 0
        hi, lo = torch.where(neg, mid, hi), torch.where(neg, lo, mid)
    return torch.where(ok, hi * theta, torch.full_like(alpha, math.inf))


def curves_table(ctx: RunContext) -> dict:
    """(15.16)'s curves at θ ∈ {0.05, 0.1, 0.2, 0.3} and k ∈ {2, 4, 8, 16} on every fourth α of
    the grid, once per run (the curves family and the curves experiment read them)."""
    return ctx.cached(("emergence curves",), _curves)


def _curves() -> dict:
    alpha = torch.tensor(ALPHA_GRID[::4], dtype=torch.float64)
    out = {}
    for th in (0.05, 0.1, 0.2, 0.3):
        for kk in (2, 4, 8, 16):
            out[(th, kk)] = curve_height(alpha, th, kk)
    return {"alpha": alpha, "h": out}


def measure_curves(claim, ctx: RunContext) -> list[Measurement]:
    """A comparison of two performance curves, on every pair of tabulated curves the claim's
    assumptions allow: every point of the first needs a higher point of the second."""
    c = curves_table(ctx)
    keys = list(c["h"])
    rels = _rels(claim)
    parts = []
    for (t1, k1), (t2, k2) in ((a, b) for a in keys for b in keys if a != b):
        pv = {
            n: torch.tensor(float(v), dtype=torch.float64)
            for n, v in (("theta1", t1), ("theta2", t2), ("k1", k1), ("k2", k2))
        }
        if not all(bool(_holds(x, pv)) for x in rels):
            continue
        h1, h2 = c["h"][(t1, k1)], c["h"][(t2, k2)]
        # Definition 15.9.2's quantifier: every point of the first curve needs a higher point of the
        # second at the same α (a curve with no point at α counts as height +inf there)
        parts.append(
            measure_relation(
                claim.relation,
                {"y1": h1, "y2": h2} | pv,
                1e-9,
                mask=torch.isfinite(h1),
                how=f"(θ, k) = ({t1}, {k1}) vs ({t2}, {k2})",
                describe=lambda i, t1=t1, k1=k1, t2=t2, k2=k2: {
                    "alpha": float(c["alpha"][i]),
                    "theta1": t1,
                    "k1": k1,
                    "theta2": t2,
                    "k2": k2,
                },
            )
        )
    return [_combine("curves of (15.16) in the plotted coordinates (1 − α, βθ)", parts)]


# ----------------------------------------------------------------------------- the families
def _reading(quantities) -> tuple[str, ...]:
    """The theorem's assumptions over ``quantities``: those a family reads from a claim."""
    return tuple(
        a.key
        for a in book.THEOREM.assumptions
        if a.relation is not None and names(a.relation) <= set(quantities)
    )


def _has(*quantities: str):
    """A family's further test: the relation names at least one of ``quantities``."""
    return lambda rel: bool(names(rel) & set(quantities))


FAMILIES = (
    Family(
        "adversarial Y, suite's condition",
        SUITE,
        measure_every_Y,
        doc="random skill graphs (k, θ) of Figure 15.2 at r = N/M ∈ {5, 0.1}; a greedy adversarial Y "
        "of size θN; the condition (at its best s on a log grid) against the failed fraction, at "
        "every β = j/M",
        accepts=_has(*(SUITE - BOOK)),
    ),
    Family(
        "book's condition and (15.16)",
        BOOK,
        measure_book,
        doc="a condition: random skill graphs (k'-tuples where Sp is defined), |Y|/|T| ∈ {θ/2, θ, 1} "
        "as the assumptions on y allow, β ∈ {0.5, 2, 3, 5, 8}, the threshold c or e the assumptions "
        "define, a greedy adversary against the α grid; any other relation on an (α, β) grid at "
        "Figure 15.2's (k, θ) or those the assumptions fix",
        assumptions=_reading(BOOK | {"y", "r", "c", "e", "Sp", "kp", "S"}),
    ),
    Family(
        "exact union-bound counts",
        UNION,
        measure_union,
        doc="ln E[#bad (Y, Z)] exactly (a double binomial sum) on small graphs, s on a log grid",
        accepts=_has("lw"),
    ),
    Family(
        "exact counts (15.17)",
        COUNT,
        measure_count,
        doc="the count (15.17) and its binomial factors exactly on small graphs (|S|, |T|, α, θ, k, β)",
        assumptions=_reading(COUNT | {"lcSb", "lcTb", "lcKb"}),
        accepts=_has("lEW", "l17"),
    ),
    Family(
        "ln C(n, j)",
        ENTROPY,
        measure_entropy,
        doc="ln C(n, j) on every 1 ≤ j < n ≤ 120",
        accepts=lambda rel: names(rel) == ENTROPY,
    ),
    Family(
        "Markov: losses",
        MARKOV_LOSS,
        measure_markov_loss,
        doc="random losses in [0, 2] (in [−1, 2] without mk_loss); the extremal losses in {0, 1/2}",
        assumptions=("mk_loss",),
    ),
    Family(
        "Markov: integer W",
        MARKOV_INT,
        measure_markov_int,
        doc="random laws of W on {0, …, 5} (a non-integer support without mk_int); the extremal W ∈ {0, 1}",
        assumptions=("mk_int",),
    ),
    Family(
        "performance curves",
        CURVES,
        measure_curves,
        doc="the curves of (15.16) at θ ∈ {0.05, 0.1, 0.2, 0.3}, k ∈ {2, 4, 8, 16}, pairwise",
        assumptions=_reading(CURVES),
        accepts=_has("y1", "y2"),
    ),
)


def measure(claim, ctx: RunContext) -> list[Measurement]:
    return measure_on(FAMILIES, claim, ctx)


# ----------------------------------------------------------------------------- experiments
def adversary(ctx: RunContext) -> Experiment:
    """Every Y: in each setting (k, θ, r) the certified β of the suite's condition against the
    failed fraction under the greedy adversarial Y (and under random Y)."""
    t0 = time.perf_counter()
    rel = book.THEOREM.claim("every_Y").relation
    comps, measured, px, pb, pa = [], {}, [], [], []
    for ratio in RATIOS:
        for kk, theta in CASES:
            M, N, adv, rnd = suite_adversary(ctx, kk, theta, ratio)
            b = certified(ctx, rel, kk, theta, ratio, M, N)
            measured[f"k = {kk}, θ = {theta}, r = {ratio}"] = (
                f"adversarial {adv:.4f}, random ≤ {rnd:.4f}, certified β {'—' if b is None else f'{b:.4f}'}"
            )
            if b is not None:
                comps.append(
                    Comparison(
                        f"adversarial < certified β (k={kk}, θ={theta}, r={ratio})", adv, "<=", b - 1 / M, 0.0
                    )
                )
            if ratio == RATIOS[0] and theta == 0.1:
                px.append(kk)
                pb.append(1.0 if b is None else b)
                pa.append(max(adv, 1e-4))
    return Experiment(
        key="adversary",
        title=f"Every Y: certified β vs the failed fraction under a greedy adversarial Y (α = {ALPHA_FAIL})",
        comparisons=comps,
        measured=measured,
        predicted={"adversarial failed fraction": "< certified β"},
        formula="H(θ) + H(β)/r + k(θ ln A_s + (1 − θ) ln B_s) ≤ ln δ / N",
        instances=len(CASES) * len(RATIOS),
        wall_s=time.perf_counter() - t0,
        plot=Plot(
            "k",
            "fraction of skills (θ = 0.1, r = 5)",
            [Series("certified β*", "line", px, pb), Series("adversarial Y", "points", px, pa)],
            "log",
            "log",
        ),
    )


def _curve_series(label: str, alpha: torch.Tensor, h: torch.Tensor) -> Series:
    """A curve in the plotted coordinates (1 − α, βθ), at the α where it has a point."""
    fin = torch.isfinite(h)
    return Series(label, "line", (1 - alpha[fin]).tolist(), h[fin].tolist())


def _finite_r_curves(ctx: RunContext) -> tuple[list, list, dict]:
    """(15.16)'s curves at θ = 0.1 beside the curves with the dropped term H(α)/r (r = 5), and
    the curves at k = 8 for θ = 0.05, 0.1, 0.2: the series, the comparisons, the point counts."""
    table = curves_table(ctx)
    alpha = table["alpha"]
    series, comps, meas = [], [], {}
    for kk in (2, 4, 8, 16):
        h = table["h"][(0.1, kk)]
        hu = curve_height(alpha, 0.1, kk, cond=book.PREDICTED["union_1516"], ratio=RATIOS[0])
        fin, finu = torch.isfinite(h), torch.isfinite(hu)
        series.append(_curve_series(f"(15.16) as written, k = {kk}", alpha, h))
        series.append(_curve_series(f"with H(α)/r, r = {RATIOS[0]}, k = {kk}", alpha, hu))
        both = fin & finu
        meas[f"k = {kk}: points on the (15.16) curve / on the finite-r curve"] = (
            f"{int(fin.sum())} / {int(finu.sum())}"
        )
        if bool(both.any()):
            gap = float((hu - h)[both].min())
            comps.append(Comparison(f"finite-r curve above (15.16)'s (k = {kk})", gap, ">=", 0.0, 1e-9))
    for th in (0.05, 0.1, 0.2):
        series.append(_curve_series(f"(15.16), k = 8, θ = {th}", alpha, table["h"][(th, 8)]))
    return series, comps, meas


def _suite_points(ctx: RunContext) -> list[Series]:
    """The suite's condition in the curves' coordinates: x = 1 − certified failed share, y = α
    (the share of a skill's own edges), at θ = 0.1 and r = 5."""
    rel = book.THEOREM.claim("every_Y").relation
    alpha = next(x for x in rel.free_symbols if x.name == "alpha")
    M, N = _sizes(ctx, RATIOS[0])
    out = []
    for kk in (4, 8, 16):
        xs, ys = [], []
        for a_fail in (0.2, 0.3, 0.4, 0.5, 0.6):
            rel_a = rel.subs(alpha, sp.Rational(a_fail).limit_denominator(100))
            b = certified(ctx, rel_a, kk, 0.1, RATIOS[0], M, N)
            if b is not None:
                xs.append(1 - b)
                ys.append(a_fail)
        label = f"suite's union bound (every Y), k = {kk}, r = {RATIOS[0]}, N = {N}"
        out.append(Series(label, "points", xs, ys))
    return out


def curves(ctx: RunContext) -> Experiment:
    """Performance curves: (15.16) as written, with the dropped term H(α)/r (its curve lies
    above), and the suite's union-bound condition in the same coordinates."""
    t0 = time.perf_counter()
    series, comps, meas = _finite_r_curves(ctx)
    series += _suite_points(ctx)
    return Experiment(
        key="curves",
        title="Performance curves (θ = 0.1; k = 8 at θ = 0.05, 0.1, 0.2): (15.16) as written, with the "
        "dropped term H(α)/r, and the suite's union-bound condition",
        comparisons=comps,
        measured=meas,
        predicted={"finite-r curve": "above (15.16)'s (it adds H(α)/r > 0 to the condition)"},
        formula="(15.16): H(θ) + kθ(H(βα) − βα ln(1/α) − (1 − βα) ln(1/(1 − α))) < 0",
        instances=len(series),
        wall_s=time.perf_counter() - t0,
        plot=Plot("1 − α (share of skills)", "βθ (share of edges to Y)", series),
    )


#: the union-bound rate's setting: θ, β, α, k and r = N/M (the condition certifies there: the
#: exponent is negative), and the numbers of text pieces N (θN and βM integers)
UNION_RATE = {"theta": 0.1, "beta": 0.2, "alpha": 0.5, "k": 8, "r": 2.0}


def union_counts(ctx: RunContext) -> dict:
    """ln E[#bad (Y, Z)] exactly (float64: the binomial factors by lgamma, the pair's tail by
    summing the joint pmf) at N = 100, 200, … in the setting :data:`UNION_RATE`, with a rounding
    bound on each value; once per run."""
    Ns = tuple(range(100, ctx.size(700, 1600), 100))
    return ctx.cached(("emergence union rate", Ns), lambda: _union_counts(Ns))


def _union_counts(Ns) -> dict:
    th, be, al, r = (float(UNION_RATE[x]) for x in ("theta", "beta", "alpha", "r"))
    kk = int(UNION_RATE["k"])
    lw, err = [], []
    for N in Ns:
        M = int(round(N / r))
        nY, nZ = int(round(th * N)), int(round(be * M))
        n1, n2 = kk * nY, kk * (N - nY)
        lw.append(_lcomb(N, nY) + _lcomb(M, nZ) + _log_tail_pair(n1, n2, be, al))
        # running error bound: each term carries at most the magnitudes of its lgamma values and of
        # the pmf exponents, each relative error at most γ_64; the sum over the joint pmf γ_{n1 n2}
        mag = 3 * sum(math.lgamma(x + 1) for x in (N, M, n1, n2))
        mag += (n1 + n2) * (abs(math.log(be)) + abs(math.log1p(-be))) + 1
        err.append(gamma(64) * mag + gamma((n1 + 1) * (n2 + 1)))
    return {"N": list(Ns), "lw": lw, "err": err}


def union_rate(ctx: RunContext, claim=None) -> tuple[Rate, dict]:
    """The rate behind every-Y emergence: E[#bad (Y, Z)] -- the expected number of error sets Y
    of θN text pieces and skill sets Z of βM skills that all fail -- falls like q^N.  Measured:
    q = exp(least-squares slope of the exact ln E[#bad] on N), its interval the slope's rounding
    bound (``level`` 1).  Predicted: exp of the claim ``union_bound``'s right side per text piece
    (lambdified, M = N/r), minimised over a grid of the Chernoff parameter s.

    The claim bounds ln E[#bad] ≤ N·e(s) at every N, so the limit of ln E[#bad]/N is at most
    e*; the finite-N slope approaches that limit from below (the binomial coefficients and the
    tail carry −½ ln N terms), and a slope above e* beyond rounding refutes the exponent.  By
    Stirling and Cramér the limit *is* e* (the bound is exponentially tight), which the spread of
    (E[#bad])^{1/N} over N shows approaching it."""
    claim = claim or book.THEOREM.claim("union_bound")
    cnt = union_counts(ctx)
    Ns, lw, err = cnt["N"], cnt["lw"], cnt["err"]
    slope, rnd = slope_with_bound(Ns, lw, err)
    rhs = claim.relation.rhs
    N_ = float(Ns[-1])
    vals = {x: float(v) for x, v in UNION_RATE.items() if x != "r"} | {"N": N_, "M": N_ / UNION_RATE["r"]}
    s_grid = torch.logspace(-3, 2, 2000, dtype=torch.float64)
    fn = to_torch(rhs)
    full = {x: torch.tensor(v, dtype=torch.float64) for x, v in vals.items()} | {"s": s_grid}
    per_piece = (
        torch.as_tensor(fn({x: full[x] for x in fn.symbols}), dtype=torch.float64).expand_as(s_grid) / N_
    )
    j = int(torch.nan_to_num(per_piece, nan=math.inf).argmin())
    s_star = float(s_grid[j])
    e_star = float(per_piece[j])
    e_tol = (
        rates.evaluation_tol(rhs, **{x: v for x, v in (vals | {"s": s_star}).items() if x in fn.symbols}) / N_
    )
    q_n = [math.exp(v / n) for v, n in zip(lw, Ns)]
    q = math.exp(slope)
    rate = Rate(
        quantity=f"per-text-piece factor of E[#bad (Y, Z)]: exp of the slope of the exact ln E[#bad] "
        f"in N (N = {Ns[0]}…{Ns[-1]}; θ = {UNION_RATE['theta']}, β = {UNION_RATE['beta']}, "
        f"α = {UNION_RATE['alpha']}, k = {UNION_RATE['k']}, r = N/M = {UNION_RATE['r']:g})",
        kind="contraction",
        measured=q,
        lo=math.exp(slope - rnd),
        hi=math.exp(slope + rnd),
        predicted=math.exp(e_star),
        claim="<=",
        level=1.0,
        tol=math.exp(e_star) * math.expm1(e_tol),
        best_known_source="the union bound's own exponent is the limit of (1/N) ln E[#bad] (Stirling "
        "for the counts, Cramér for the pair's tail); (E[#bad])^{1/N} rises towards it (spread)",
        formula=sp.sstr(rhs),
        test=f"deterministic: the slope's rounding interval (errors of the exact ln E[#bad] ≤ "
        f"{max(err):.1g}) must lie at or below the claim's factor exp(min_s e(s)) (s* = {s_star:.3g} "
        "on a log grid of 2000 values in [1e-3, 100]); tol: the rounding of that evaluation",
        false_alarm=0.0,
        worst=max(q_n),
        spread=(min(q_n), max(q_n)),
    )
    return rate, {"N": Ns, "lw": lw, "q_n": q_n, "slope": slope, "e_star": e_star, "s_star": s_star}


def union_exponent(ctx: RunContext) -> Experiment:
    """The rate of the union bound behind every-Y emergence: the exact E[#bad (Y, Z)] falls like
    q^N with q at most the claim's exp(min_s e(s)) (the headline rate)."""
    t0 = time.perf_counter()
    rate, d = union_rate(ctx)
    Ns = d["N"]
    local = [(b - a) / (n2 - n1) for a, b, n1, n2 in zip(d["lw"], d["lw"][1:], Ns, Ns[1:])]
    return Experiment(
        key="union_exponent",
        title="The union bound's rate: the exact E[#bad (Y, Z)] per text piece against the claim's exponent",
        measured={
            "fitted exponent (slope of ln E[#bad] in N)": d["slope"],
            "(1/N) ln E[#bad] by N": ", ".join(f"{n}: {v / n:.4f}" for n, v in zip(Ns, d["lw"])),
        },
        predicted={"exponent min_s e(s)": d["e_star"], "at s": d["s_star"]},
        formula="ln E[#bad] ≤ N H(θ) + M H(β) + kN(θ ln A_s + (1 − θ) ln B_s)",
        instances=len(Ns),
        wall_s=time.perf_counter() - t0,
        rate=rate,
        plot=Plot(
            "text pieces N",
            "exponent per text piece (nats)",
            [
                Series("(1/N) ln E[#bad], exact", "points", Ns, [v / n for v, n in zip(d["lw"], Ns)]),
                Series("local slope of ln E[#bad]", "points", Ns[1:], local),
                Series("claim: min_s e(s)", "line", [Ns[0], Ns[-1]], [d["e_star"], d["e_star"]]),
            ],
        ),
    )


EXPERIMENTS = (adversary, curves, union_exponent)


def tightness(ctx: RunContext) -> list[TightnessRow]:
    """The strongest Y found against the certified β, per case of Figure 15.2 at r = 5 (the
    experiment's cached adversary runs and certified β)."""
    rel = book.THEOREM.claim("every_Y").relation
    rows = []
    for kk, theta in CASES:
        ratio = RATIOS[0]
        M, N, adv, rnd = suite_adversary(ctx, kk, theta, ratio)
        b = certified(ctx, rel, kk, theta, ratio, M, N)
        if b is None:
            continue
        rows.append(
            TightnessRow(
                quantity="failed share under the strongest Y found",
                setting=f"k = {kk}, θ = {theta}, r = {ratio}",
                bound=b,
                measured_value=adv,
                textbook="(15.16) (book notation differs)",
                best_known=f"certified β* = {b:.4f}",
                measured=f"adversarial {adv:.4f} (random Y ≤ {rnd:.4f})",
                tol=1 / M,
            )
        )
    return rows

"""The numeric side of emergence (:mod:`dlverify.theorems.emergence`): random skill graphs, the
greedy adversary, exact union-bound counts and the performance curves of (15.16).

It computes and never decides: :func:`measure` returns Measurements of a claim's own relation
(lambdified from the theorem's sympy), generated from the claim's assumptions; the verdicts are
made in :mod:`dlverify.theorems.evidence`.  Graphs and adversary results are cached once per
process, keyed by (profile, seed, device, parameters).
"""

from __future__ import annotations

import functools
import math
import time

import sympy as sp
import torch

from dlverify.numerics import skill_graphs as sg
from dlverify.numerics.device import RunContext, gamma
from dlverify.numerics.evidence import measure_relation, skipped
from dlverify.numerics.lambdify import to_torch
from dlverify.theorems import emergence as em
from dlverify.theorems.evidence import Comparison, Experiment, Measurement, Plot, Series, TightnessRow
from dlverify.theorems.relations import is_strict, slack

ALPHA_FAIL = 0.5  # the suite's claim: a skill fails when half its edges lead into Y
DELTA = 1e-6  # family-wise over all settings of a run
#: Figure 15.2's cases: k = 2, 4, 8, 16 at θ = 0.1 (left) and θ = 0.05, 0.1, 0.2 at k = 8 (right)
CASES = ((2, 0.1), (4, 0.1), (8, 0.1), (16, 0.1), (8, 0.05), (8, 0.2))
#: r = N/M: many text pieces per skill, and fewer text pieces than skills (where 1/r matters)
RATIOS = (5.0, 0.1)
BOOK_BETAS = (0.5, 2.0, 3.0, 5.0, 8.0)  # 0.5 violates β > 1 on purpose
ALPHA_GRID = tuple(i / 200 for i in range(1, 200))

SUITE = {"theta", "beta", "alpha", "k", "r", "s", "ell"}
BOOK = {"theta", "k", "alpha_bk", "beta_bk"}


def _names(rel) -> set[str]:
    return {x.name for x in rel.free_symbols}


def _rels(claim) -> list:
    return [
        em.THEOREM.assumption(k).relation
        for k in claim.assumptions
        if em.THEOREM.assumption(k).relation is not None
    ]


@functools.lru_cache(maxsize=256)
def _slack_fn(rel):
    """The lambdified slack of a relation, once per process (lambdify is the slow part)."""
    return to_torch(slack(rel))


def _holds(rel, vals: dict, tol=0.0) -> torch.Tensor:
    """Where an assumption's relation holds on numeric values (NaN never does)."""
    fn = _slack_fn(rel)
    sl = torch.as_tensor(fn({n: vals[n] for n in fn.symbols}), dtype=torch.float64)
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
    fn = _slack_fn(relation)
    sl = torch.as_tensor(fn({n: vals[n] for n in fn.symbols}), dtype=torch.float64)
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


# ----------------------------------------------------------------------------- graphs (cached)
def _sizes(ctx: RunContext, ratio: float) -> tuple[int, int]:
    M = ctx.size(300, 1000, gpu=3000) if ratio >= 1 else ctx.size(3000, 10000, gpu=30000)
    return M, int(round(ratio * M))


@functools.lru_cache(maxsize=64)
def _graph(M: int, N: int, kk: int, seed: int, device: str, kp: int = 1) -> torch.Tensor:
    dev = torch.device(device)
    if kp == 1:
        return sg.random_graph(M, N, kk, seed=seed, device=dev)
    return sg.tuple_graph(M, N, kk, kp, seed=seed, device=dev)


def _seed(ctx, kk, theta, ratio, kp=1) -> int:
    return ctx.seed + 1000 * kk + int(1000 * theta) + int(10 * ratio) + 7919 * kp


@functools.lru_cache(maxsize=64)
def _suite_adversary(profile: str, seed: int, device: str, kk: int, theta: float, ratio: float) -> tuple:
    ctx = RunContext(device, seed, profile)
    M, N = _sizes(ctx, ratio)
    edges = _graph(M, N, kk, _seed(ctx, kk, theta, ratio), device)
    nY = int(round(theta * N))
    adv = sg.adversarial_failed(edges, M, nY, ALPHA_FAIL, seed=seed)["fraction"]
    rnd = float(
        sg.random_failed(edges, M, nY, ALPHA_FAIL, trials=ctx.size(8, 32, gpu=64), seed=seed + 1).max()
    )
    return M, N, adv, rnd


@functools.lru_cache(maxsize=2048)
def _book_adversary(
    profile: str,
    seed: int,
    device: str,
    kk: int,
    theta: float,
    ratio: float,
    y: float,
    count: float | None,
    share: float | None,
    kp: int = 1,
) -> tuple:
    ctx = RunContext(device, seed, profile)
    if kp == 1:
        M, N = _sizes(ctx, ratio)
        edges = _graph(M, N, kk, _seed(ctx, kk, theta, ratio), device)
    else:
        m0 = ctx.size(12, 20, gpu=30) if ratio >= 1 else ctx.size(60, 100, gpu=180)
        M = m0**kp
        N = int(round(ratio * M))
        edges = _graph(m0, N * kp, kk, _seed(ctx, kk, theta, ratio, kp), device, kp)
    nY = min(N, int(round(y * N)))
    return M, N, sg.adversarial_bad(edges, M, nY, count=count, share=share, seed=seed)


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


def certified_beta(relation, *, theta, kk, ratio, M, N, device=None) -> float | None:
    """The smallest β = j/M (j < M/2) where the relation holds at some s of a log grid (any s > 0 is
    a valid Chernoff parameter); None where none does."""
    vals = _suite_grid(M, theta, kk, ratio, math.log(DELTA / (len(CASES) * len(RATIOS))) / N, device)
    fn = _slack_fn(relation)
    sl = torch.as_tensor(fn({n: vals[n] for n in fn.symbols}), dtype=torch.float64)
    sl = sl.expand(vals["beta"].shape[0], vals["s"].shape[1])
    ok = (torch.nan_to_num(sl, nan=-math.inf) > gamma(64) * 64 * (1 + sl.abs())).any(-1)
    return float(vals["beta"][ok, 0].min()) if bool(ok.any()) else None


def _measure_every_Y(claim, ctx) -> list[Measurement]:
    parts = []
    for ratio in RATIOS:
        for kk, theta in CASES:
            M, N, adv, _ = _suite_adversary(ctx.profile, ctx.seed, str(ctx.device), kk, theta, ratio)
            vals = _suite_grid(
                M, theta, kk, ratio, math.log(DELTA / (len(CASES) * len(RATIOS))) / N, ctx.device
            )
            fn = _slack_fn(claim.relation)
            sl = torch.as_tensor(fn({n: vals[n] for n in fn.symbols}), dtype=torch.float64)
            sl = sl.expand(vals["beta"].shape[0], vals["s"].shape[1])
            # the condition holds at β when some s works: its best slack over s
            best = torch.nan_to_num(sl, nan=-math.inf).max(-1).values
            v1 = {"best": best, "beta": vals["beta"][:, 0]}
            concl = torch.tensor(adv, dtype=torch.float64) < v1["beta"]
            parts.append(
                measure_condition(
                    sp.Ge(sp.Symbol("best"), 0),
                    v1,
                    concl,
                    how=f"k={kk}, θ={theta}, r={ratio}",
                    observed=torch.tensor(adv, dtype=torch.float64),
                    bound=v1["beta"],
                    describe=lambda i, kk=kk, th=theta, r=ratio, M=M, N=N, a=adv: {
                        "k": kk,
                        "theta": th,
                        "r": r,
                        "M": M,
                        "N": N,
                        "adversarial": a,
                        "seed": ctx.seed,
                    },
                )
            )
    return [_combine("adversarial Y on random skill graphs (suite's condition)", parts)]


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


# ----------------------------------------------------------------------------- the book's condition
def _defined(claim, name):
    """The expression an assumption of the claim defines for the symbol ``name`` (Eq(name, expr))."""
    for rel in _rels(claim):
        if isinstance(rel, sp.Equality) and isinstance(rel.lhs, sp.Symbol) and rel.lhs.name == name:
            return rel.rhs
    return None


def _measure_book(claim, ctx) -> list[Measurement]:
    rels = _rels(claim)
    c_expr, e_expr = _defined(claim, "c"), _defined(claim, "e")
    if isinstance(claim.relation, sp.Equality):
        return []
    if c_expr is None and e_expr is None:
        return [skipped("book condition", "no assumption defines the exceptional skills (c or e)")]
    kp_graph = 2 if _defined(claim, "Sp") is not None else 1
    y_rels = [x for x in rels if "y" in _names(x) and not (_names(x) & {"c", "e", "Sp"})]
    hyp_rels = [x for x in rels if "y" not in _names(x) and not (_names(x) & {"c", "e", "Sp"})]
    parts = []
    for ratio in RATIOS:
        for kk, theta in CASES:
            ys = [
                y
                for y in (theta / 2, theta, 1.0)
                if all(
                    bool(
                        _holds(
                            x,
                            {
                                "y": torch.tensor(y, dtype=torch.float64),
                                "theta": torch.tensor(theta, dtype=torch.float64),
                            },
                        )
                    )
                    for x in y_rels
                )
            ]
            for yv in ys:
                for bv in BOOK_BETAS:
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
                    for x in hyp_rels:
                        mask &= _holds(x, vals)
                    if not bool(mask.any()):
                        continue
                    cond = torch.nan_to_num(
                        torch.as_tensor(
                            _slack_fn(claim.relation)(
                                {n: vals[n] for n in _slack_fn(claim.relation).symbols}
                            ),
                            dtype=torch.float64,
                        ),
                        nan=-1.0,
                    )
                    if not bool((mask & (cond.expand_as(mask) > 0)).any()):
                        continue  # the condition certifies no α here: nothing to test
                    sub = {"beta_bk": bv, "theta": theta, "k": kk, "r": ratio, "y": yv}
                    count = (
                        float(c_expr.subs({x: sub[x.name] for x in c_expr.free_symbols}))
                        if c_expr is not None
                        else None
                    )
                    share = (
                        float(e_expr.subs({x: sub[x.name] for x in e_expr.free_symbols}))
                        if e_expr is not None
                        else None
                    )
                    M, N, f = _book_adversary(
                        ctx.profile, ctx.seed, str(ctx.device), kk, theta, ratio, yv, count, share, kp_graph
                    )
                    ft = torch.tensor(f, dtype=torch.float64)
                    parts.append(
                        measure_condition(
                            claim.relation,
                            vals,
                            ft <= a,
                            how=f"k={kk}, θ={theta}, r={ratio}, |Y|/|T|={yv}, β={bv}",
                            mask=mask,
                            observed=ft,
                            bound=a,
                            describe=lambda i, M=M, N=N, f=f, c=count, e=share: {
                                "M": M,
                                "N": N,
                                "exceptional fraction (adversarial Y)": f,
                                "count threshold": c,
                                "share threshold": e,
                                "seed": ctx.seed,
                            },
                        )
                    )
    return [_combine("greedy adversarial Y on random skill graphs (book's condition)", parts)]


def _measure_book_grid(claim, ctx) -> list[Measurement]:
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


# ----------------------------------------------------------------------------- exact counts
def _lbinom(n, j):
    return torch.lgamma(n + 1) - torch.lgamma(j + 1) - torch.lgamma(n - j + 1)


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


@functools.lru_cache(maxsize=4)
def _union_instances() -> dict:
    rows = []
    for N_, M_ in ((20, 10), (40, 20), (30, 60)):
        for theta in (0.1, 0.25, 0.5):
            for beta in (0.1, 0.2, 0.5):
                for kk in (1, 2, 4):
                    for alpha in (0.3, 0.5):
                        nY, nZ = theta * N_, beta * M_
                        if abs(nY - round(nY)) > 1e-9 or abs(nZ - round(nZ)) > 1e-9:
                            continue
                        lcT = math.lgamma(N_ + 1) - math.lgamma(nY + 1) - math.lgamma(N_ - nY + 1)
                        lcS = math.lgamma(M_ + 1) - math.lgamma(nZ + 1) - math.lgamma(M_ - nZ + 1)
                        lp = _log_tail_pair(int(round(kk * nY)), int(round(kk * (N_ - nY))), beta, alpha)
                        rows.append((N_, M_, theta, beta, kk, alpha, lcT + lcS + lp))
    t = torch.tensor(rows, dtype=torch.float64)
    return {n: t[:, i : i + 1] for i, n in enumerate(("N", "M", "theta", "beta", "k", "alpha", "lw"))}


def _measure_union(claim, ctx) -> list[Measurement]:
    vals = dict(_union_instances())
    vals["s"] = torch.logspace(-2, 1.5, 40, dtype=torch.float64)[None, :]
    tol = 1e-9 * (1 + vals["lw"].abs() + vals["N"] * vals["k"] * (1 + vals["s"]))
    return [
        measure_relation(claim.relation, vals, tol, how="exact ln E[#bad (Y, Z)] on small graphs, s grid")
    ]


@functools.lru_cache(maxsize=4)
def _count_instances() -> dict:
    rows = []
    for S in (10, 20, 40):
        for T in (20, 50, 100):
            for a in (0.1, 0.2, 0.5):
                for th in (0.1, 0.2):
                    for kk in (2, 4, 8):
                        for b in (0.5, 1.5, 2.0, 3.0):
                            z, y, m = a * S, th * T, a * b * th * kk * T
                            if any(abs(v - round(v)) > 1e-9 for v in (z, y, m)) or a * b >= 1 or m > kk * y:
                                continue
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
                            lew = (
                                float(
                                    torch.logsumexp(
                                        _lbinom(torch.tensor(float(S), dtype=torch.float64), zs) + tail, 0
                                    )
                                )
                                + math.lgamma(T + 1)
                                - math.lgamma(y + 1)
                                - math.lgamma(T - y + 1)
                            )
                            lS = math.lgamma(S + 1) - math.lgamma(z + 1) - math.lgamma(S - z + 1)
                            lT = math.lgamma(T + 1) - math.lgamma(y + 1) - math.lgamma(T - y + 1)
                            lK = math.lgamma(n + 1) - math.lgamma(m + 1) - math.lgamma(n - m + 1)
                            rows.append((S, T, a, b, th, kk, lew, lS, lT, lK))
    t = torch.tensor(rows, dtype=torch.float64)
    return {
        nm: t[:, i]
        for i, nm in enumerate(("S", "T", "alpha_bk", "beta_bk", "theta", "k", "lEW", "lcSb", "lcTb", "lcKb"))
    }


def _measure_count(claim, ctx) -> list[Measurement]:
    vals = dict(_count_instances())
    rels = _rels(claim)
    d = _defined(claim, "l17")
    if "l17" in _names(claim.relation):
        if d is None:
            count_def = em.THEOREM.assumption("count_def").relation
            assert count_def is not None  # a definition: l17 = ...
            d = count_def.rhs  # l17 is ln(15.17) by its definition
        vals["l17"] = to_torch(d)({x.name: vals[x.name] for x in d.free_symbols})
    mask = torch.ones_like(vals["S"], dtype=torch.bool)
    for x in rels:
        if not _names(x) & {"l17"}:
            mask &= _holds(x, vals)
    tol = 1e-9 * (1 + vals["T"] * vals["k"])
    return [measure_relation(claim.relation, vals, tol, how="exact counts on small graphs", mask=mask)]


def _measure_entropy(claim, ctx) -> list[Measurement]:
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
def _measure_markov_loss(claim, ctx) -> list[Measurement]:
    g = torch.Generator().manual_seed(ctx.seed)
    assumed = "mk_loss" in claim.assumptions
    lo = 0.0 if assumed else -1.0  # without the assumption, losses may be negative
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


def _measure_markov_int(claim, ctx) -> list[Measurement]:
    g = torch.Generator().manual_seed(ctx.seed + 1)
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
    cond = em.COND_1516 if cond is None else cond
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


@functools.lru_cache(maxsize=4)
def _curves() -> dict:
    alpha = torch.tensor(ALPHA_GRID[::4], dtype=torch.float64)
    out = {}
    for th in (0.05, 0.1, 0.2, 0.3):
        for kk in (2, 4, 8, 16):
            out[(th, kk)] = curve_height(alpha, th, kk)
    return {"alpha": alpha, "h": out}


def _measure_curves(claim, ctx) -> list[Measurement]:
    c = _curves()
    keys = list(c["h"])
    rels = _rels(claim)
    parts = []
    for t1, k1 in keys:
        for t2, k2 in keys:
            if (t1, k1) == (t2, k2):
                continue
            pv = {
                n: torch.tensor(float(v), dtype=torch.float64)
                for n, v in (("theta1", t1), ("theta2", t2), ("k1", k1), ("k2", k2))
            }
            if not all(bool(_holds(x, pv)) for x in rels):
                continue
            h1, h2 = c["h"][(t1, k1)], c["h"][(t2, k2)]
            # Definition 15.9.2's quantifier: every point of the first curve needs a higher point of the
            # second at the same α (a curve with no point at α counts as height +inf there)
            on_first = torch.isfinite(h1)
            parts.append(
                measure_relation(
                    claim.relation,
                    {"y1": h1, "y2": h2} | pv,
                    1e-9,
                    mask=on_first,
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


# ----------------------------------------------------------------------------- dispatch
def measure(claim, ctx: RunContext) -> list[Measurement]:
    """The claim's relation on instances generated from its assumptions, by the quantities it is over."""
    names = _names(claim.relation)
    if claim.condition and names <= SUITE:
        return _measure_every_Y(claim, ctx)
    if claim.condition and names <= BOOK:
        return _measure_book(claim, ctx)
    if "lw" in names and names <= {"lw", "N", "M", "theta", "beta", "alpha", "k", "s"}:
        return _measure_union(claim, ctx)
    if names & {"lEW", "l17"} and names <= {"lEW", "l17", "S", "T", "alpha_bk", "beta_bk", "theta", "k"}:
        return _measure_count(claim, ctx)
    if names == {"lcn", "n", "tt"}:
        return _measure_entropy(claim, ctx)
    if names <= {"yfrac", "dloss"} and names:
        return _measure_markov_loss(claim, ctx)
    if names <= {"p0", "EW"} and names:
        return _measure_markov_int(claim, ctx)
    if names & {"y1", "y2"} and names <= {"y1", "y2", "theta1", "theta2", "k1", "k2"}:
        return _measure_curves(claim, ctx)
    if names <= BOOK and names:
        return _measure_book_grid(claim, ctx)
    return [skipped("emergence numerics", f"no instance family computes {sorted(names)}")]


FUNCTIONS = {"curve_height": curve_height, "certified_beta": certified_beta}


# ----------------------------------------------------------------------------- experiments
def experiments(ctx: RunContext) -> list[Experiment]:
    t0 = time.perf_counter()
    rel = em.THEOREM.claim("every_Y").relation
    comps, measured, px, pb, pa = [], {}, [], [], []
    for ratio in RATIOS:
        for kk, theta in CASES:
            M, N, adv, rnd = _suite_adversary(ctx.profile, ctx.seed, str(ctx.device), kk, theta, ratio)
            b = certified_beta(rel, theta=theta, kk=kk, ratio=ratio, M=M, N=N, device=ctx.device)
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
    adv_exp = Experiment(
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
    t1 = time.perf_counter()
    alpha = torch.tensor(ALPHA_GRID[::4], dtype=torch.float64)
    series, comps2, meas2 = [], [], {}
    for kk in (2, 4, 8, 16):
        h = curve_height(alpha, 0.1, kk)
        hu = curve_height(alpha, 0.1, kk, cond=em.PREDICTED["union_1516"], ratio=RATIOS[0])
        fin, finu = torch.isfinite(h), torch.isfinite(hu)
        series.append(
            Series(f"(15.16) as written, k = {kk}", "line", (1 - alpha[fin]).tolist(), h[fin].tolist())
        )
        series.append(
            Series(
                f"with H(α)/r, r = {RATIOS[0]}, k = {kk}",
                "line",
                (1 - alpha[finu]).tolist(),
                hu[finu].tolist(),
            )
        )
        both = fin & finu
        meas2[f"k = {kk}: points on the (15.16) curve / on the finite-r curve"] = (
            f"{int(fin.sum())} / {int(finu.sum())}"
        )
        if bool(both.any()):
            comps2.append(
                Comparison(
                    f"finite-r curve above (15.16)'s (k = {kk})", float((hu - h)[both].min()), ">=", 0.0, 1e-9
                )
            )
    for th in (0.05, 0.1, 0.2):
        h = curve_height(alpha, th, 8)
        fin = torch.isfinite(h)
        series.append(Series(f"(15.16), k = 8, θ = {th}", "line", (1 - alpha[fin]).tolist(), h[fin].tolist()))
    # the suite's condition, in the same coordinates: x = 1 − certified failed share,
    # y = α (share of own edges)
    M, N = _sizes(ctx, RATIOS[0])
    for kk in (4, 8, 16):
        xs, ys = [], []
        for a_fail in (0.2, 0.3, 0.4, 0.5, 0.6):
            rel_a = rel.subs(em.al, sp.Rational(a_fail).limit_denominator(100))
            b = certified_beta(rel_a, theta=0.1, kk=kk, ratio=RATIOS[0], M=M, N=N, device=ctx.device)
            if b is not None:
                xs.append(1 - b)
                ys.append(a_fail)
        series.append(
            Series(f"suite's union bound (every Y), k = {kk}, r = {RATIOS[0]}, N = {N}", "points", xs, ys)
        )
    curves = Experiment(
        key="curves",
        title="Performance curves (θ = 0.1; k = 8 at θ = 0.05, 0.1, 0.2): (15.16) as written, with the "
        "dropped term H(α)/r, and the suite's union-bound condition",
        comparisons=comps2,
        measured=meas2,
        predicted={"finite-r curve": "above (15.16)'s (it adds H(α)/r > 0 to the condition)"},
        formula="(15.16): H(θ) + kθ(H(βα) − βα ln(1/α) − (1 − βα) ln(1/(1 − α))) < 0",
        instances=len(series),
        wall_s=time.perf_counter() - t1,
        plot=Plot("1 − α (share of skills)", "βθ (share of edges to Y)", series),
    )
    return [adv_exp, curves]


def tightness(ctx: RunContext) -> list[TightnessRow]:
    rel = em.THEOREM.claim("every_Y").relation
    rows = []
    for kk, theta in CASES:
        ratio = RATIOS[0]
        M, N, adv, rnd = _suite_adversary(ctx.profile, ctx.seed, str(ctx.device), kk, theta, ratio)
        b = certified_beta(rel, theta=theta, kk=kk, ratio=ratio, M=M, N=N, device=ctx.device)
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

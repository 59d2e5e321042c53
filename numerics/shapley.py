"""The numeric side of the Shapley theorem: instance families, experiments, tightness.

A claim's own relation is evaluated (lambdified through
:func:`dlverify.numerics.evidence.measure_relation`) on the first family of :data:`FAMILIES`
that computes every quantity it is over, never chosen by the claim's key.  Games are generated
from the claim's assumptions: a hypothesis the claim makes is built into the games (U(∅) = 0,
two symmetric players, a null player, the range R read off the assumption ``marg_max <= R`` at
its boundary); a hypothesis it does not make is violated on purpose.  This module computes; the
verdicts are made in :mod:`dlverify.theorems.evidence`.
"""

from __future__ import annotations

import functools
import math
import re
import time
from fractions import Fraction

import numpy as np
import sympy as sp
import torch

from ..theorems import shapley as book
from ..theorems.evidence import Comparison, Experiment, Measurement, Plot, Rate, Series, TightnessRow
from ..theorems.relations import slack
from . import games, rates
from .contract import Family, measure_on
from .device import RunContext, gamma
from .evidence import measure_relation, violation_mask
from .lambdify import to_torch
from .stats import binomial_upper_pvalue, fit_loglog_slope

#: the namespace of this module's cache keys and seed names in a run context
ID = "shapley"
#: false-alarm probability of every randomized verdict here (family-wise over the cells)
ALPHA = 1e-6

CLOSED_Q = frozenset({"s_fast", "s_closed"})
#: what random games compute; ``gc[k]`` is the name the evidence module gives an indexed term
#: gc[k] of a sum (its base ``gc`` is listed too)
GAME_Q = frozenset(
    {
        "s_sum",
        "v_full",
        "v_empty",
        "s_a",
        "s_b",
        "gap_sym",
        "s_null",
        "gap_null",
        "s_comb",
        "s_u",
        "s_w",
        "alpha",
        "beta",
        "s_diff",
        "gc",
        "gc[k]",
        "N",
        "d_gt",
    }
)
PERM_Q = frozenset({"s_perm", "mc", "mc[k]", "N"})
UNIQ_Q = frozenset({"uniq_sub", "uniq_book", "uniq_no_null"})
EST_Q = frozenset({"err", "err_max", "R", "N", "m", "delta"})
EVALS_Q = frozenset({"n_evals", "N", "m"})


def _names(rel) -> set[str]:
    return {s.name for s in rel.free_symbols if isinstance(s, sp.Symbol)}


# ----------------------------------------------------------------------------- helpers on games


def weights_of(weight_expr, N: int, ctx: RunContext) -> torch.Tensor:
    """A weight formula w(s; N) evaluated at s = 0..N-1 (lambdified: the theorem's one formula)."""
    s = torch.arange(N, dtype=ctx.dtype, device=ctx.device)
    return to_torch(weight_expr)({"s": s, "N": torch.full_like(s, N)})


def value_weights(claim, N: int, ctx: RunContext) -> torch.Tensor:
    """The value's weights from the claim's definition assumption ``w = ...`` (its relation)."""
    for k in claim.assumptions:
        a = book.THEOREM.assumption(k)
        if a.definition and isinstance(a.relation, sp.Equality) and a.relation.lhs == book.W_SYM:
            return weights_of(a.relation.rhs, N, ctx)
    return weights_of(book.WEIGHT, N, ctx)


def round_tol(v: torch.Tensor) -> torch.Tensor:
    """Rounding bound per game: 2^(N-1) weighted terms of size <= 2 max|v| per player, summed twice."""
    N = v.shape[1].bit_length() - 1
    return (
        gamma(2**N + 2 * N) * 4 * N * v.abs().amax(-1) + torch.finfo(v.dtype).tiny
    )  # tiny: 0/0 for the zero game


def symmetrize(v: torch.Tensor, i: int, j: int) -> torch.Tensor:
    """Make players i and j symmetric: v(S + i) = v(S + j) = their average."""
    v = v.clone()
    for S in range(v.shape[1]):
        if not (S >> i & 1 or S >> j & 1):
            a, b = S | 1 << i, S | 1 << j
            m = (v[:, a] + v[:, b]) / 2
            v[:, a], v[:, b] = m, m
    return v


def nullify(v: torch.Tensor, i: int) -> torch.Tensor:
    v = v.clone()
    for S in range(v.shape[1]):
        if not S >> i & 1:
            v[:, S | 1 << i] = v[:, S]
    return v


def pair_gap(v: torch.Tensor, i: int, j: int | None) -> torch.Tensor:
    """max over S without i, j of |v(S + i) - v(S + j)| (j = None: |v(S + i) - v(S)|, S without i)."""
    M = v.shape[1]
    idx = torch.arange(M, device=v.device)
    if j is None:
        S = idx[(idx >> i & 1) == 0]
        return (v[:, S | 1 << i] - v[:, S]).abs().amax(-1)
    S = idx[((idx >> i & 1) == 0) & ((idx >> j & 1) == 0)]
    return (v[:, S | 1 << i] - v[:, S | 1 << j]).abs().amax(-1)


def marginal_sums(v: torch.Tensor, i: int) -> torch.Tensor:
    """mc[k] = sum over S without i, |S| = k, of v(S + i) - v(S): (G, N) for k = 0..N-1."""
    G, M = v.shape
    N = M.bit_length() - 1
    idx = torch.arange(M, device=v.device)
    S = idx[(idx >> i & 1) == 0]
    d = v[:, S | 1 << i] - v[:, S]
    pc = games.popcount(N, v.device)[S]
    out = torch.zeros(G, N, dtype=v.dtype, device=v.device)
    return out.index_add_(1, pc, d)


def pair_sums(v: torch.Tensor, i: int, j: int) -> torch.Tensor:
    """gc[k] = sum over S without i, j, |S| = k, of v(S + i) - v(S + j): (G, N - 1)."""
    G, M = v.shape
    N = M.bit_length() - 1
    idx = torch.arange(M, device=v.device)
    S = idx[((idx >> i & 1) == 0) & ((idx >> j & 1) == 0)]
    d = v[:, S | 1 << i] - v[:, S | 1 << j]
    pc = games.popcount(N, v.device)[S]
    return torch.zeros(G, max(N - 1, 1), dtype=v.dtype, device=v.device).index_add_(1, pc, d)


def _instantiate(rel, N: int):
    """The relation for N players: N substituted, sums over k written out, mc[k] -> mc_k."""
    e = rel.subs(book.Nn, N).doit()
    rep = {}
    for ix in e.atoms(sp.Indexed):
        i = ix.indices[0]  # a non-integer index (a range N − 1/2) names a term no game has
        name = f"{ix.base.label}_{int(i)}" if i.is_Integer else f"{ix.base.label}_({sp.sstr(i)})"
        rep[ix] = sp.Symbol(name, real=True)
    return e.xreplace(rep)


_TERM = re.compile(r"^(mc|gc)_")


def _undefined(rel_n, vals, how: str, N: int, instances: int) -> Measurement | None:
    """Terms mc_k / gc_k that a written-out sum reaches and the instance does not have (a
    summation range past the players, or one that Karr's convention turns into negative
    indices): the relation is undefined at this N, and undefined counts as violated (like NaN)."""
    bad = sorted(x.name for x in rel_n.free_symbols if _TERM.match(x.name) and x.name not in vals)
    if not bad:
        return None
    return Measurement(
        how=how,
        checked=instances,
        violations=instances,
        counterexample={"N": N, "undefined terms": ", ".join(bad)},
        detail=f"N = {N}: the sum reaches {', '.join(bad)}, which the game does not define",
    )


def _assumed(claim, key: str) -> bool:
    return key in claim.assumptions


# ----------------------------------------------------------------------------- families


def _closed_forms(ctx: RunContext) -> tuple:
    dev, dt = ctx.device, ctx.dtype
    ci = ctx.profile == "ci"
    out = []
    seed = ctx.seed_for(ID, "unanimity sum")
    v, phi = games.random_unanimity_sum(8 if ci else 64, 8 if ci else 16, 6, seed=seed, device=dev, dtype=dt)
    out.append(("sum of unanimity games", v, phi))
    v = games.unanimity(6, [1, 3, 4], 2.5, device=dev, dtype=dt)
    out.append(
        ("unanimity u_{2,4,5}", v, torch.tensor([[0, 2.5 / 3, 0, 2.5 / 3, 2.5 / 3, 0]], dtype=dt, device=dev))
    )
    out.append(
        ("airport (7 runways)",) + games.airport([1.0, 3.0, 3.0, 2.0, 7.5, 4.0, 0.5], device=dev, dtype=dt)
    )
    out.append(("glove (1 left, 5 right)",) + games.glove(5, device=dev, dtype=dt))
    w, q = book.UNSC
    exact = games.weighted_majority_exact(w, q)
    out.append(
        (
            "UN Security Council [39; 7×5, 1×10]",
            games.weighted_majority_table(w, q, device=dev, dtype=dt),
            torch.tensor([[float(f) for f in exact]], dtype=dt, device=dev),
        )
    )
    add = torch.randn(1, 9, dtype=dt, device=dev, generator=ctx.generator(ID, "additive game"))
    mem = games.coalitions(9, dev).to(dt)
    out.append(("additive game", (mem @ add[0])[None], add))
    out.append(
        (
            "symmetric game v(S) = |S|²",
            (mem.sum(-1) ** 2)[None],
            torch.full((1, 9), 81 / 9, dtype=dt, device=dev),
        )
    )
    return tuple(out)


def closed_form_games(ctx: RunContext) -> list[tuple[str, torch.Tensor, torch.Tensor]]:
    """(name, games, their Shapley values in closed form), in the run's cache."""
    return list(ctx.cached((ID, "closed-form games"), lambda: _closed_forms(ctx)))


def _closed_form_measure(claim, ctx: RunContext) -> list[Measurement]:
    out = []
    for name, v, phi in closed_form_games(ctx):
        N = v.shape[1].bit_length() - 1
        s = games.exact_shapley(v, value_weights(claim, N, ctx))
        out.append(
            measure_relation(
                claim.relation,
                {"s_fast": s, "s_closed": phi},
                round_tol(v)[:, None],
                how=f"closed-form games: {name}",
                extremal=bool(claim.tight_on),
            )
        )
    return out


def _random_family(claim, ctx: RunContext, N: int) -> torch.Tensor:
    """Random games; U(∅) = 0 where the claim assumes it, else U(∅) ≠ 0 (the hypothesis violated)."""
    G = ctx.size(8, 64)
    seed = ctx.seed_for(ID, "random games", N)
    v = games.random_games(G, N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    if _assumed(claim, "zero_empty"):
        rel = book.THEOREM.assumption("zero_empty").relation  # v_empty = value solving the relation
        v[:, 0] = float(sp.solve(rel, book.v_empty)[0])
    else:
        v[:, 0] = v[:, 0].sign() * (v[:, 0].abs() + 0.5)  # bounded away from 0
    return v


def _linear_values(ctx: RunContext, names: set[str], v, phi, w, tol) -> tuple[dict, torch.Tensor]:
    """The linearity quantities: s(αU + βW) against αs(U) + βs(W) on a second random family."""
    N = v.shape[1].bit_length() - 1
    seed = ctx.seed_for(ID, "second games", N)
    w2 = games.random_games(v.shape[0], N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False)
    al_, be_ = (0.7, -1.3) if names & {"alpha", "beta"} else (1.0, 1.0)
    comb = al_ * v + be_ * w2
    vals = {
        "s_comb": games.exact_shapley(comb, w),
        "s_u": phi,
        "s_w": games.exact_shapley(w2, w),
        "alpha": torch.tensor(al_, dtype=ctx.dtype),
        "beta": torch.tensor(be_, dtype=ctx.dtype),
    }
    return vals, (round_tol(comb) + abs(al_) * tol + abs(be_) * round_tol(w2))[:, None]


def _difference_values(rel, names: set[str], v, phi, tol) -> tuple[sp.Basic, dict, torch.Tensor]:
    """The relation written out for N players, and the differences s_i − s_j with the written-out
    sums' terms gc_k (and the exact group-testing difference) for one or two pairs."""
    N = v.shape[1].bit_length() - 1
    pairs = [(0, 1), (0, N - 1)] if N > 2 else [(0, 1)]
    vals = {"s_diff": torch.stack([phi[:, i] - phi[:, j] for i, j in pairs], -1)}
    if "gc" in names:
        gs = torch.stack([pair_sums(v, i, j) for i, j in pairs], -1)  # (G, N-1, pairs)
        vals |= {f"gc_{k}": gs[:, k] for k in range(N - 1)}
    if "d_gt" in names:
        vals["d_gt"] = torch.stack([games.group_testing_exact_difference(v, i, j) for i, j in pairs], -1)
    return _instantiate(rel, N), vals, 4 * tol[:, None]


def _random_games_at(claim, ctx: RunContext, N: int, names: set[str]) -> Measurement:
    v = _random_family(claim, ctx, N)
    a, b = 0, N - 1
    gaps = {}
    if names & {"s_a", "s_b", "gap_sym"}:
        if _assumed(claim, "symmetric"):
            v = symmetrize(v, a, b)
        gaps["gap_sym"] = pair_gap(v, a, b)
    if names & {"s_null", "gap_null"}:
        if _assumed(claim, "null_player"):
            v = nullify(v, b)
        gaps["gap_null"] = pair_gap(v, b, None)
    w = value_weights(claim, N, ctx)
    phi = games.exact_shapley(v, w)
    tol = round_tol(v)
    vals = {"s_sum": phi.sum(-1), "v_full": v[:, -1], "v_empty": v[:, 0], "s_a": phi[:, a], "s_b": phi[:, b]}
    vals |= {"s_null": phi[:, b], **gaps}
    how = f"random games, N = {N}"
    rel_n = claim.relation
    if names & {"s_comb", "s_u", "s_w"}:
        extra, tol = _linear_values(ctx, names, v, phi, w, tol)
        vals |= extra
    elif names & {"s_diff", "gc", "d_gt"}:
        rel_n, vals, tol = _difference_values(claim.relation, names, v, phi, tol)
    if (undefined := _undefined(rel_n, vals, how, N, v.shape[0])) is not None:
        return undefined
    # the instances are those where the assumed hypotheses hold (exactly, by construction)
    mask = torch.ones(v.shape[0], dtype=torch.bool, device=v.device) if gaps else None
    detail = "; ".join(f"{k} up to {float(g.max()):.3g}" for k, g in gaps.items())
    return measure_relation(rel_n, vals, tol, how=how, mask=mask, detail=detail)


def _game_measure(claim, ctx: RunContext) -> list[Measurement]:
    names = _names(claim.relation)
    return [_random_games_at(claim, ctx, N, names) for N in ctx.size((2, 3, 5, 8), (2, 3, 5, 8, 12))]


def _perm_measure(claim, ctx: RunContext) -> list[Measurement]:
    """(10.1) by brute force over all N! orders against the claim's subset formula."""
    out = []
    for N in ctx.size((1, 2, 3, 4, 5), (1, 2, 3, 4, 5, 6, 7)):
        seed = ctx.seed_for(ID, "all orders", N)
        v = games.random_games(
            ctx.size(4, 16), N, seed=seed, device=ctx.device, dtype=ctx.dtype, zero_empty=False
        )
        brute = games.brute_shapley(v)  # (G, N)
        ms = torch.stack([marginal_sums(v, i) for i in range(N)], 1)  # (G, player, k)
        rel_n = _instantiate(claim.relation, N)
        vals = {"s_perm": brute} | {f"mc_{k}": ms[:, :, k] for k in range(N)}
        how = f"brute force over {math.factorial(N)} orders, N = {N}"
        if (undefined := _undefined(rel_n, vals, how, N, v.shape[0])) is not None:
            out.append(undefined)
            continue
        out.append(measure_relation(rel_n, vals, round_tol(v)[:, None], how=how))
    return out


# ----------------------------------------------------------------------------- uniqueness


def axiom_system(
    N: int, *, zero_empty: bool, sub_empty: bool, null: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The axioms as a linear system A x = b in the N·|cols| entries of an unknown linear map
    (x[i, S] = the coefficient of U(S) in s_i), written with numpy, independently of the
    sympy certificate."""
    M = 2**N
    cols = list(range(1, M)) if zero_empty else list(range(M))
    pos = {(i, S): n for n, (i, S) in enumerate((i, S) for i in range(N) for S in cols)}
    rows, rhs = [], []

    def row(entries, target=0.0):
        r = np.zeros(len(pos))
        for key, c in entries:
            r[pos[key]] += c
        rows.append(r)
        rhs.append(target)

    for S in cols:
        row([((i, S), 1.0) for i in range(N)], 1.0 if S == M - 1 else (-1.0 if S == 0 and sub_empty else 0.0))
    for a in range(N):
        for b in range(a + 1, N):

            def swap(S):
                ba, bb = S >> a & 1, S >> b & 1
                return (S & ~((1 << a) | (1 << b))) | (ba << b) | (bb << a)

            for i in range(N):
                pi = b if i == a else a if i == b else i
                for S in cols:
                    row([((pi, swap(S)), 1.0), ((i, S), -1.0)])
    if null:
        for i in range(N):
            for S in range(M):
                if S >> i & 1 or (S == 0 and zero_empty):
                    continue
                row([((i, S), 1.0)] + ([((i, S | 1 << i), 1.0)]))
    return np.array(rows), np.array(rhs)


def uniqueness_indicator(N: int, *, zero_empty: bool, sub_empty: bool, null: bool = True) -> float:
    """1 if the axioms' system has exactly one solution and it is the Shapley map (the fast
    code's values on the basis games), else 0."""
    A, b = axiom_system(N, zero_empty=zero_empty, sub_empty=sub_empty, null=null)
    rA = np.linalg.matrix_rank(A)
    if np.linalg.matrix_rank(np.column_stack([A, b])) != rA or rA != A.shape[1]:
        return 0.0
    x = np.linalg.lstsq(A, b, rcond=None)[0]
    M = 2**N
    cols = list(range(1, M)) if zero_empty else list(range(M))
    basis = torch.zeros(len(cols), M, dtype=torch.float64)
    for n, S in enumerate(cols):
        basis[n, S] = 1.0
    shap = games.exact_shapley(basis).T.numpy().reshape(-1)  # (N, cols) row-major like x
    return 1.0 if np.abs(x - shap).max() <= 1e-9 else 0.0


def _uniq_measure(claim, ctx: RunContext) -> list[Measurement]:
    Ns = (1, 2, 3, 4)
    ze = _assumed(claim, "zero_empty")
    vals = {
        "uniq_sub": [uniqueness_indicator(n, zero_empty=ze, sub_empty=True) for n in Ns],
        "uniq_book": [uniqueness_indicator(n, zero_empty=ze, sub_empty=False) for n in Ns],
        "uniq_no_null": [uniqueness_indicator(n, zero_empty=ze, sub_empty=True, null=False) for n in Ns],
    }
    tensors = {
        k: torch.tensor(v, dtype=torch.float64) for k, v in vals.items() if k in _names(claim.relation)
    }
    return [
        measure_relation(
            claim.relation,
            tensors,
            0.0,
            how=f"axioms' linear system (numpy ranks), N = 1..4, "
            f"{'games with U(∅) = 0' if ze else 'all games'}",
            describe=lambda idx: {"N": Ns[idx[0]]},
        )
    ]


def _grid_measure(claim) -> list[Measurement]:
    """A relation over (s, N) only: evaluated exactly at every N = 2..12, s = 0..N-2."""
    sl = slack(claim.relation)
    bad, n, cex = 0, 0, None
    for N in range(2, 13):
        for s in range(N - 1):
            val = sp.nsimplify(sl.subs({book.s_: s, book.Nn: N}))
            n += 1
            if not (
                val.is_real
                and val.is_finite
                and (val == 0 if isinstance(claim.relation, sp.Equality) else val >= 0)
            ):
                bad += 1
                cex = cex or {"N": N, "s": s, "slack": str(val)}
    return [Measurement("exact rationals, N = 2..12, s = 0..N−2", n, bad, counterexample=cex)]


# ----------------------------------------------------------------------------- the estimator


def parity_game(N: int, ctx: RunContext) -> torch.Tensor:
    """U(S) = (−1)^|S| − 1: every marginal contribution is ±2 (the extremal case of Hoeffding)."""
    pc = games.popcount(N, ctx.device).to(ctx.dtype)
    return ((-1.0) ** pc - 1)[None]


CELLS = [(c, m, d) for c in (0.05, 1.0, 20.0) for m in (16, 256) for d in (0.1, 0.3)]


def _runs(ctx: RunContext, N: int) -> tuple:
    reps = ctx.size(200, 2000)
    rows = []
    for c, m, d in CELLS:
        v = c * parity_game(N, ctx)
        phi = games.exact_shapley(v)
        est = games.sample_permutations(v, m, reps, seed=ctx.seed_for(ID, "estimator", c, m, d))[:, 0]
        dev = est - phi[0]
        marg = float(games.marginal_range(v)[0]) / 2  # max |U(S+i) − U(S)| (the marginals are ±2c)
        rows.append((c, m, d, torch.linalg.vector_norm(dev, dim=-1), dev.abs().amax(-1), marg))
    return tuple(rows), reps, N


def estimator_runs(ctx: RunContext, N: int = 16) -> tuple:
    """Per cell (scale c, orders m, δ): the ℓ2 and ℓ∞ errors of ``reps`` independent runs of the
    permutation estimator on the parity game (in the run's cache)."""
    return ctx.cached((ID, "estimator runs", N), lambda: _runs(ctx, N))


def _range_from_assumption(claim, marg: float) -> float:
    """R at the boundary of the assumption ``marg_max <= R`` (read from its relation); without
    the assumption, an R that violates it (a quarter of the boundary value)."""
    rel = book.THEOREM.assumption("bounded_marginals").relation
    assert rel is not None  # the assumption is a relation, marg_max <= R
    R = float(sp.solve(sp.Eq(rel.lhs, rel.rhs), book.R_EST)[0].subs(book.MARG, marg))
    if _assumed(claim, "bounded_marginals"):
        return R
    return R / 4


def _estimator_measure(claim, ctx: RunContext) -> list[Measurement]:
    rows, reps, N = estimator_runs(ctx)
    rel = claim.relation
    names = _names(rel)
    probabilistic = "delta" in names  # "with probability at least 1 − δ"
    out = []
    for c, m, d, err, err_max, marg in rows:
        R = _range_from_assumption(claim, marg)
        vals = {
            "err": err,
            "err_max": err_max,
            "R": torch.full_like(err, R),
            "N": torch.full_like(err, float(N)),
            "m": torch.full_like(err, float(m)),
            "delta": torch.full_like(err, d),
        }
        vals = {k: x for k, x in vals.items() if k in names}
        tol = gamma(4 * N) * (err + c)  # rounding of the estimate and of the norm
        how = f"parity game ×{c:g}, N = {N}, m = {m}, δ = {d}"
        base = measure_relation(rel, vals, tol, how=how)
        if not probabilistic:
            out.append(base)
            continue
        bad, _ = violation_mask(rel, vals, tol)
        k = int(bad.sum())
        p = binomial_upper_pvalue(k, reps, d) if k else 1.0
        rejected = p < ALPHA / len(rows)
        out.append(
            Measurement(
                how=how,
                checked=reps,
                violations=k if rejected else 0,
                worst_ratio=base.worst_ratio,
                counterexample=(
                    {"failures": k, "reps": reps, "delta": d, "p_value": p, "R": R} if rejected else None
                ),
                detail=f"{k}/{reps} runs outside the envelope; P[Binomial({reps}, δ) ≥ {k}] = {p:.3g}; "
                f"rejected below α/{len(rows)} = {ALPHA / len(rows):.2g} (false alarm ≤ α = {ALPHA:g})",
            )
        )
    return out


#: the exact cells (orders m, δ) of the two-player game: small δ and large m are free here (no
#: sampling), and they are where a constant or a log factor off shows (the sampled cells above
#: cannot reach δ below 1/reps)
EXACT_CELLS = [(m, d) for m in (1, 2, 16, 256, 4096) for d in (0.3, 0.01, 1e-4, 1e-6)]


@functools.lru_cache(maxsize=8)
def _binomial_row(m: int) -> tuple[int, ...]:
    """C(m, 0), …, C(m, m) as integers (each from the previous: C(m, j) = C(m, j−1)(m − j + 1)/j)."""
    row = [1]
    for x in range(1, m + 1):
        row.append(row[-1] * (m - x + 1) // x)
    return tuple(row)


def exact_failures_two_player(rel, cells, R: float) -> list[tuple[Fraction, int]]:
    """On the two-player parity game ×c (U(∅) = 0, U({i}) = −2c, U({1, 2}) = 0: each player's
    marginal is −2c when first and +2c when second, φ = 0) the estimator with m orders has
    φ̂ = (e, −e), e = 2c(m − 2B)/m, B ~ Binomial(m, ½) the orders with player 1 first.  Per cell
    (m, δ): the exact probability that the relation fails, Σ C(m, j)/2^m over the j where it
    fails beyond rounding (a float decision, so never more than the true failure probability),
    and how many j fail.  The relation is evaluated at err = √2|e|, err_max = |e|, with c = R/2
    (the marginals are ±R)."""
    parts = []
    for m, d in cells:
        j = torch.arange(m + 1, dtype=torch.float64)
        parts.append((R * (m - 2 * j).abs() / m, float(m), d))
    e = torch.cat([p[0] for p in parts])
    vals = {
        "err": math.sqrt(2) * e,
        "err_max": e,
        "R": torch.full_like(e, R),
        "N": torch.full_like(e, 2.0),
        "m": torch.cat([torch.full_like(p[0], p[1]) for p in parts]),
        "delta": torch.cat([torch.full_like(p[0], p[2]) for p in parts]),
    }
    vals = {k: x for k, x in vals.items() if k in _names(rel)}
    bad, _ = violation_mask(rel, vals, gamma(8) * (e + R))
    bad = bad.expand(e.shape)
    out, at = [], 0
    for m, _ in cells:
        js = bad[at : at + m + 1].nonzero().reshape(-1).tolist()
        row = _binomial_row(m)
        out.append((Fraction(sum(row[x] for x in js), 2**m), len(js)))
        at += m + 1
    return out


def _exact_two_player_measure(claim, ctx: RunContext) -> list[Measurement]:
    """The envelope on the two-player parity game with the exact failure probability per cell
    (m, δ): a violation is a cell where it exceeds δ (or, for a relation without δ, is above
    zero).  No sampling, so no false alarm; R from the assumption's boundary as above."""
    rel = claim.relation
    probabilistic = "delta" in _names(rel)
    R = _range_from_assumption(claim, 2.0)  # marginals ±2 (c = 1): the boundary value is 2
    bad_cells, cex = 0, None
    for (m, d), (p, n_bad) in zip(EXACT_CELLS, exact_failures_two_player(rel, EXACT_CELLS, R)):
        if (p > Fraction(d)) if probabilistic else (p > 0):
            bad_cells += 1
            cex = cex or {
                "m": m,
                "delta": d,
                "N": 2,
                "R": R,
                "failure probability": float(p),
                "failing j": n_bad,
            }
    return [
        Measurement(
            how="two-player parity game, exact failure probability (Binomial(m, ½) orders)",
            checked=len(EXACT_CELLS),
            violations=bad_cells,
            counterexample=cex,
            detail=f"{bad_cells} of {len(EXACT_CELLS)} cells (m, δ) with failure probability above "
            f"{'δ' if probabilistic else '0'}; exact (rationals), no false alarm",
        )
    ]


def _estimator_family_measure(claim, ctx: RunContext) -> list[Measurement]:
    """The sampled runs on the 16-player parity game and the exact two-player cells."""
    return _estimator_measure(claim, ctx) + _exact_two_player_measure(claim, ctx)


def _evals_measure(claim, ctx: RunContext) -> list[Measurement]:
    """Count the distinct coalitions each sampled order needs (U(∅) and one per arrival)."""
    out = []
    g = torch.Generator().manual_seed(ctx.seed_for(ID, "orders"))
    for N, m in ((4, 8), (9, 32), (16, 64)):
        perms = torch.argsort(torch.rand(m, N, generator=g), dim=-1)
        coal = torch.cat([torch.zeros(m, 1, dtype=torch.long), (1 << perms).cumsum(-1)], -1)
        n_evals = sum(len(set(row.tolist())) for row in coal)
        vals = {
            "n_evals": torch.tensor([float(n_evals)]),
            "N": torch.tensor([float(N)]),
            "m": torch.tensor([float(m)]),
        }
        out.append(measure_relation(claim.relation, vals, 0.0, how=f"{m} sampled orders of N = {N} players"))
    return out


# ----------------------------------------------------------------------------- the family table

FAMILIES = (
    Family(
        "exact weights",
        frozenset({"s", "N"}),
        lambda claim, ctx: _grid_measure(claim),
        "a relation over the coalition size s and N in exact rationals, N = 2..12",
    ),
    Family(
        "axiom systems",
        UNIQ_Q,
        _uniq_measure,
        "ranks of the axioms' linear system (numpy), N = 1..4, with and without U(∅) = 0",
        ("zero_empty",),
    ),
    Family(
        "sampled orders",
        EVALS_Q,
        _evals_measure,
        "utility evaluations that m sampled orders of N players need",
        accepts=lambda rel: "n_evals" in _names(rel),
    ),
    Family(
        "estimator runs",
        EST_Q,
        _estimator_family_measure,
        "ℓ2 and ℓ∞ errors of the permutation estimator on scaled parity games, R from the "
        "assumption's boundary: sampled runs (N = 16, an exact binomial test per cell) and the "
        "exact failure probability on the two-player game (m up to 4096, δ down to 1e-6)",
        ("bounded_marginals",),
        accepts=lambda rel: bool(_names(rel) & {"err", "err_max"}),
    ),
    Family(
        "all orders",
        PERM_Q,
        _perm_measure,
        "the definition by brute force over all N! orders against the claim's subset formula",
        accepts=lambda rel: "s_perm" in _names(rel),
    ),
    Family(
        "closed-form games",
        CLOSED_Q,
        _closed_form_measure,
        "unanimity, airport, glove, weighted majority (UNSC), additive and symmetric games",
        ("value",),
    ),
    Family(
        "random games",
        GAME_Q,
        _game_measure,
        "random games with the claim's hypotheses built in (U(∅) = 0, symmetric and null players) "
        "or violated",
        ("value", "zero_empty", "symmetric", "null_player"),
    ),
)


def measure(claim, ctx: RunContext) -> list[Measurement]:
    """The claim's relation on the family that computes its quantities."""
    return measure_on(FAMILIES, claim, ctx)


# ----------------------------------------------------------------------------- experiments


def axiom_residuals(valuefn, v: torch.Tensor, w2: torch.Tensor) -> dict:
    """max residual / rounding bound of each axiom (<= 1 means it holds) for a value function."""
    N = v.shape[1].bit_length() - 1
    tol = round_tol(v)
    phi = valuefn(v)
    eff = ((phi.sum(-1) - (v[:, -1] - v[:, 0])).abs() / tol).max()
    vs = symmetrize(v, 0, N - 1)
    ps = valuefn(vs)
    sym = ((ps[:, 0] - ps[:, N - 1]).abs() / round_tol(vs)).max()
    vn = nullify(v, N - 1)
    null = (valuefn(vn)[:, N - 1].abs() / round_tol(vn)).max()
    a, b = 0.7, -1.3
    lin = (
        (valuefn(a * v + b * w2) - a * phi - b * valuefn(w2)).abs().amax(-1)
        / (round_tol(a * v + b * w2) + abs(a) * tol + abs(b) * round_tol(w2))
    ).max()
    return {
        "efficiency": float(eff),
        "symmetry": float(sym),
        "null player": float(null),
        "linearity": float(lin),
    }


def estimator_curve(ctx: RunContext, N: int = 12) -> dict:
    """RMSE of the permutation estimator vs m on a random game (exact values by the one-pass
    enumeration of all 2^N coalitions): slope −1/2 on log-log.  m runs over half-octaves, 8 to
    1024 (4096 in the thorough profile); each RMSE is over ``reps`` independent runs."""
    v = games.random_games(1, N, seed=ctx.seed_for(ID, "curve game", N), device=ctx.device, dtype=ctx.dtype)
    phi = games.exact_shapley(v)
    top = 24 if ctx.profile == "thorough" else 20
    ms = sorted({int(round(2 ** (j / 2))) for j in range(6, top + 1)})
    reps = ctx.size(100, 500, gpu=2000)
    rmse = []
    t0 = time.perf_counter()
    for m in ms:
        est = games.sample_permutations(v, m, reps, seed=ctx.seed_for(ID, "curve orders", N, m))
        rmse.append(float(((est[:, 0] - phi[0]) ** 2).sum(-1).mean().sqrt()))
    wall = time.perf_counter() - t0
    fit = fit_loglog_slope(ms, rmse, level=1 - ALPHA)
    return {"ms": ms, "rmse": rmse, "fit": fit, "wall": wall, "reps": reps, "N": N}


def envelope_slope(claim) -> float:
    """The log-log slope in m of the claim's own bound, m·∂ log(bound)/∂m read off its relation
    (:func:`dlverify.numerics.rates.horizon_exponent`; an error unless it is a power law in m):
    the rate the claim predicts for the error."""
    return rates.evaluate(rates.horizon_exponent(claim.relation, book.M_EST))


def evaluations_for_target(
    ctx: RunContext, Ns=(8, 12), target_rel: float = 0.1, reps: int = 50
) -> list[dict]:
    """Utility evaluations each estimator needs for an ℓ2 RMSE ≤ target_rel·‖s‖ (random games):
    the permutation estimator costs N + 1 evaluations per order, the difference-based (group
    testing) estimator one per sampled coalition.  Budgets double until the target is met."""
    rows = []
    for N in Ns:
        v = games.random_games(
            1, N, seed=ctx.seed_for(ID, "budget game", N), device=ctx.device, dtype=ctx.dtype
        )
        phi = games.exact_shapley(v)[0]
        target = target_rel * float(torch.linalg.vector_norm(phi))
        row = {"N": N}
        m = 1
        while True:
            est = games.sample_permutations(v, m, reps, seed=ctx.seed_for(ID, "budget orders", N, m))[:, 0]
            if float(((est - phi) ** 2).sum(-1).mean().sqrt()) <= target or m > 2**14:
                row["permutation_evals"] = m * (N + 1)
                break
            m *= 2
        T = 8
        while True:
            est = games.group_testing_estimate(v, T, reps, seed=ctx.seed_for(ID, "budget tests", N, T))
            if float(((est - phi) ** 2).sum(-1).mean().sqrt()) <= target or T > 2**20:
                row["group_testing_evals"] = T
                break
            T *= 2
        rows.append(row)
    return rows


def timing(ctx: RunContext, Ns) -> list[dict]:
    """Wall time of the one-pass exact values at each N, with the efficiency residual."""
    rows = []
    for N in Ns:
        games.check_fits(1, N, ctx.device, ctx.dtype)
        v = games.random_games(1, N, seed=ctx.seed_for(ID, "timing", N), device=ctx.device, dtype=ctx.dtype)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        phi = games.exact_shapley(v)
        if ctx.device.type == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - t0
        rows.append(
            {
                "N": N,
                "wall_s": wall,
                "efficiency_residual": float((phi.sum() - v[0, -1]).abs()),
                "bound": float(round_tol(v)[0]),
            }
        )
    return rows


def chain_of_trust(ctx: RunContext) -> Experiment:
    """Closed forms → brute force over N! orders → the one-pass O(2^N) code: both codes within
    one rounding bound of every closed form, and the UNSC values 421/2145 and 4/2145 by exact
    dynamic programming."""
    comps, rows = [], {}
    for name, g_, phi in closed_form_games(ctx):
        tol = round_tol(g_)[:, None]
        d_fast = float(((games.exact_shapley(g_) - phi).abs() / tol).max())
        N = g_.shape[1].bit_length() - 1
        comps.append(Comparison(f"{name}: one-pass vs closed form (× rounding bound)", d_fast, "<=", 1.0))
        if N <= 7:
            d_brute = float(((games.brute_shapley(g_) - phi).abs() / tol).max())
            comps.append(
                Comparison(f"{name}: brute force vs closed form (× rounding bound)", d_brute, "<=", 1.0)
            )
        rows[name] = f"{d_fast:.2g} × rounding bound"
    ex = games.weighted_majority_exact(*book.UNSC)
    comps.append(
        Comparison(
            "UNSC permanent member − 421/2145 (exact DP)", float(ex[0] - Fraction(421, 2145)), "==", 0.0
        )
    )
    comps.append(
        Comparison("UNSC other member − 4/2145 (exact DP)", float(ex[-1] - Fraction(4, 2145)), "==", 0.0)
    )
    return Experiment(
        "chain_of_trust",
        "Closed forms → brute force over N! orders → one-pass O(2^N) code",
        comparisons=comps,
        measured=rows | {"UNSC (exact DP)": f"{ex[0]}, {ex[-1]}"},
        predicted={"UNSC": "421/2145 and 4/2145", "deviation": "≤ 1 × rounding bound"},
        instances=len(rows),
    )


def axioms(ctx: RunContext) -> Experiment:
    """Axiom residuals over the rounding bound on random games: the Shapley value holds all four
    (≤ 1), Banzhaf breaks efficiency and the equal split breaks null player (≥ 1)."""
    G = ctx.size(8, 256)
    v = games.random_games(
        G, 8, seed=ctx.seed_for(ID, "axiom games"), device=ctx.device, dtype=ctx.dtype, zero_empty=False
    )
    w2 = games.random_games(
        G, 8, seed=ctx.seed_for(ID, "axiom second games"), device=ctx.device, dtype=ctx.dtype
    )
    table = {
        "Shapley": axiom_residuals(games.exact_shapley, v, w2),
        "Banzhaf": axiom_residuals(games.banzhaf, v, w2),
        "equal split": axiom_residuals(games.equal_split, v, w2),
    }
    comps = [
        Comparison(f"Shapley {a} residual (× rounding bound)", r, "<=", 1.0)
        for a, r in table["Shapley"].items()
    ]
    comps += [
        Comparison(
            "Banzhaf efficiency residual (× rounding bound)", table["Banzhaf"]["efficiency"], ">=", 1.0
        ),
        Comparison(
            "equal split null-player residual (× rounding bound)",
            table["equal split"]["null player"],
            ">=",
            1.0,
        ),
    ]
    return Experiment(
        "axioms",
        "Axiom residuals (÷ rounding bound): Shapley holds all four, Banzhaf breaks efficiency, "
        "equal split breaks null player",
        comparisons=comps,
        measured={k: ", ".join(f"{a} {r:.2g}" for a, r in res.items()) for k, res in table.items()},
        instances=G,
        dim=8,
    )


def estimator_rate(cur: dict, claim=None) -> Rate:
    """The estimator's headline: the fitted log-log slope of its RMSE in m with the Student-t
    interval at level 1 − α, beside the exponent in m of the claim ``estimator_envelope``'s bound,
    read off the claim's relation (the book's O(m^{-1/2}))."""
    claim = claim or book.THEOREM.claim("estimator_envelope")
    fit = cur["fit"]
    return Rate(
        quantity=f"log-log slope of the permutation estimator's ℓ2 RMSE in the number of orders m "
        f"(random game, N = {cur['N']}, m = {cur['ms'][0]}..{cur['ms'][-1]}, {cur['reps']} runs per m)",
        kind="slope",
        measured=fit.slope,
        lo=fit.lo,
        hi=fit.hi,
        predicted=envelope_slope(claim),
        claim="tight",
        level=fit.level,
        best_known=-0.5,
        best_known_source="exact: m i.i.d. orders give mean squared error Var/m, on every game",
        formula=sp.sstr(claim.relation.rhs),
        test=f"two-sided Student-t interval of the least-squares slope of log RMSE on log m "
        f"({fit.n} points, level 1 − {ALPHA:g}; the level assumes near-Gaussian residuals: each "
        f"log RMSE averages {cur['reps']} runs); tight: the claim's exponent must lie inside",
        false_alarm=ALPHA,
    )


def estimator(ctx: RunContext) -> Experiment:
    """The permutation estimator's RMSE on a random game falls like m^{-1/2}: the slope of the
    claim's envelope lies in the fitted log-log slope's interval at level 1 − α (the headline
    rate)."""
    cur = estimator_curve(ctx)
    fit = cur["fit"]
    ms = cur["ms"]
    rate = estimator_rate(cur)
    return Experiment(
        "estimator",
        f"Permutation estimator on a random game (N = {cur['N']}): RMSE vs m",
        measured={"slope": fit.slope, "interval": f"[{fit.lo:.4f}, {fit.hi:.4f}] at level 1 − {ALPHA:g}"},
        predicted={"slope": rate.predicted},
        formula=r"\mathrm{RMSE}\propto m^{-1/2}",
        instances=cur["reps"] * len(ms),
        dim=cur["N"],
        wall_s=cur["wall"],
        rate=rate,
        plot=Plot(
            "permutations m",
            "RMSE (ℓ2)",
            [
                Series("measured", "points", ms, cur["rmse"]),
                Series("fitted slope", "line", ms, [math.exp(fit.intercept) * m**fit.slope for m in ms]),
                Series(
                    "claim's slope through the first point",
                    "line",
                    ms,
                    [cur["rmse"][0] * (m / ms[0]) ** rate.predicted for m in ms],
                ),
            ],
            "log",
            "log",
        ),
    )


def estimator_budgets(ctx: RunContext) -> Experiment:
    """The difference-based (group testing, §10.2.1, Theorem 10.2.5) estimator against the
    permutation estimator: utility evaluations for an ℓ2 RMSE ≤ 10% of ‖s‖ (reported, set
    against Jia et al.'s O(√N (log N)²) vs O(N log N))."""
    ev = evaluations_for_target(ctx, Ns=ctx.size((8, 12), (8, 12, 16), gpu=(8, 12, 16, 20)))
    Ns = [r["N"] for r in ev]
    return Experiment(
        "estimator_budgets",
        "Utility evaluations for an ℓ2 RMSE ≤ 10% of ‖s‖ (random games; budgets doubled until met)",
        measured={
            f"N={r['N']}": f"permutation {r['permutation_evals']}, "
            f"difference-based {r['group_testing_evals']}"
            for r in ev
        },
        predicted={
            "Jia et al. (2019)": "O(√N (log N)²) evaluations for the group-testing estimator "
            "vs O(N log N) for permutation sampling (their analysis, bounded utilities)"
        },
        plot=Plot(
            "N",
            "utility evaluations",
            [
                Series("permutation", "points", Ns, [r["permutation_evals"] for r in ev]),
                Series(
                    "difference-based (group testing)", "points", Ns, [r["group_testing_evals"] for r in ev]
                ),
            ],
            "linear",
            "log",
        ),
    )


def exact_timing(ctx: RunContext) -> Experiment:
    """Exact values for all players from 2^N coalition values in one pass over the table: the
    efficiency residual within its rounding bound at every N, and the wall time (O(N·2^N) work;
    the benchmark against the bandwidth bound is numerics/bench.py)."""
    rows_t = timing(ctx, ctx.size([12, 16, 20], [16, 20, 24], gpu=[20, 24, 26, 28]))
    Ns = [r["N"] for r in rows_t]
    return Experiment(
        "timing",
        "Exact values for all players from 2^N coalition values (one pass over the table)",
        comparisons=[
            Comparison(f"N={r['N']} efficiency residual", r["efficiency_residual"], "<=", r["bound"])
            for r in rows_t
        ],
        measured={f"N={r['N']}": f"{r['wall_s']:.3f} s" for r in rows_t},
        predicted={"work": "O(N·2^N)"},
        wall_s=sum(r["wall_s"] for r in rows_t),
        instances=len(rows_t),
        plot=Plot(
            "N",
            "seconds",
            [Series("wall time", "points", Ns, [r["wall_s"] for r in rows_t])],
            "linear",
            "log",
        ),
    )


EXPERIMENTS = (chain_of_trust, axioms, estimator, estimator_budgets, exact_timing)


def tightness(ctx: RunContext) -> list[TightnessRow]:
    """The ℓ2 envelope on the extremal (parity) game: worst error over the bound, against the
    halved envelope (the claim's sharper form, itself measured)."""
    rows, reps, N = estimator_runs(ctx)
    worst = 0.0
    for _c, m, d, err, _err_max, marg in rows:
        bound = marg * math.sqrt(2 * N * math.log(2 * N / d) / m)
        worst = max(worst, float(err.max()) / bound)
    return [
        TightnessRow(
            "ℓ2 error of the permutation estimator ÷ R√(2N ln(2N/δ)/m)",
            f"parity games (marginals ±R), N = {N}, m ∈ {{16, 256}}, δ ∈ {{0.1, 0.3}}, {reps} runs per cell",
            bound=1.0,
            measured_value=worst,
            textbook="Hoeffding (range 2R) + union bound over N players",
            best_known="—",
            measured=f"worst run: {worst:.3f} × the envelope",
            better=0.5,
            tol=gamma(4 * N),
        )
    ]

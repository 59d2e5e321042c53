"""Cooperative games as tables of 2^N coalition values, exact and sampled Shapley values.

A game on players 0..N-1 is a tensor ``v`` of shape ``(G, 2**N)`` (G games at once);
coalition S has index sum_{k in S} 2**k.  The chain of trust:

* closed forms (unanimity, airport, glove, weighted majority by dynamic programming,
  additive, symmetric) ->
* :func:`brute_shapley`: the definition, an average over all N! orders (N <= 8) ->
* :func:`exact_shapley_per_player`: the subset formula, one pass over the table per player ->
* :func:`exact_shapley`: the same values in one pass over the table (GPU, chunked, streamable) ->
* :func:`sample_permutations`: the permutation estimator.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import torch

from ..theorems.core import DlverifyError
from .device import finite_or_raise, generator

Tensor = torch.Tensor


def shapley_weights(N: int, dtype=torch.float64, device=None) -> Tensor:
    """w(s) = s! (N - s - 1)! / N! for s = 0..N-1 (via lgamma, exact to rounding)."""
    s = torch.arange(N, dtype=dtype, device=device)
    return torch.exp(torch.lgamma(s + 1) + torch.lgamma(N - s) - math.lgamma(N + 1))


def popcount(n_bits: int, device=None) -> Tensor:
    idx = torch.arange(2**n_bits, device=device)
    pc = torch.zeros_like(idx)
    for k in range(n_bits):
        pc += (idx >> k) & 1
    return pc


def _available_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:  # pragma: no cover
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))


def check_fits(G: int, N: int, device: torch.device, dtype=torch.float64, copies: int = 3) -> None:
    """Exact enumeration needs G * 2^N values (and a few working copies): refuse clearly."""
    if N < 1:
        raise DlverifyError(f"a game needs N >= 1 players, got {N}")
    need = G * (2**N) * torch.finfo(dtype).bits // 8 * copies
    have = _available_bytes(device)
    if need > have:
        raise DlverifyError(
            f"N = {N} with {G} game(s) needs about {need / 2**30:.1f} GiB for exact enumeration on "
            f"{device.type}, {have / 2**30:.1f} GiB available; allowed: N up to "
            f"{int(math.log2(max(have // (G * copies * torch.finfo(dtype).bits // 8), 1)))} here"
        )


def _split(N: int) -> tuple[int, int, int]:
    """Bits (H, L1, L2) of the (2^H, 2^L1, 2^L2) view of a table of 2^N values (H high bits)."""
    H = (5 * N) // 12
    L1 = (3 * (N - H)) // 7
    return H, L1, N - H - L1


@functools.lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """Worker threads for the CPU pass (started once, on first use)."""
    return ThreadPoolExecutor(8, thread_name_prefix="dlverify-shapley")


@functools.lru_cache(maxsize=16)
def _plan(N: int, device: torch.device, dtype: torch.dtype) -> dict[str, Tensor]:
    """The one pass's constant index tables for N players (computed once per N, device and
    dtype; read-only): popcounts of the row and column bits, the coalition size of every
    entry of the two small arrays, and the bit matrices that read the values off them."""
    H, L1, L2 = _split(N)
    L = L1 + L2
    pc_r, pc_1 = popcount(H, device), popcount(L1, device)
    plan = {
        "pc_r": pc_r,
        "pc_1": pc_1,
        "kidx": torch.arange(H + 1, device=device)[:, None] + popcount(L, device)[None],  # |S| = p + pc(col)
        "cbits": ((torch.arange(2**L, device=device)[:, None] >> torch.arange(L, device=device)) & 1).to(
            dtype
        ),
    }
    if H:
        plan["OC2"] = torch.nn.functional.one_hot(popcount(L2, device), L2 + 1).to(dtype)  # (C2, L2+1)
        plan["ridx"] = (
            pc_r[:, None, None]
            + torch.arange(L1 + 1, device=device)[None, :, None]
            + torch.arange(L2 + 1, device=device)[None, None, :]
        )
        plan["rbits"] = (
            (torch.arange(2**H, device=device)[:, None] >> torch.arange(H, device=device)) & 1
        ).to(dtype)
    return plan


def _finish(Q: Tensor, P1: Tensor, N: int, weights: Tensor) -> Tensor:
    """All N values from the two small arrays of the one pass (see :func:`exact_shapley`).

    With w(-1) = w(N) = 0 and cw(k) = w(k - 1) + w(k),
    ``phi_i = sum_{S contains i} cw(|S|) v(S) - sum_S w(|S|) v(S)``, because
    ``phi_i = sum_{S contains i} w(|S| - 1) v(S) - sum_{S without i} w(|S|) v(S)``.
    """
    G = Q.shape[0]
    H, L1, L2 = _split(N)
    L = L1 + L2
    dt, dev = Q.dtype, Q.device
    plan = _plan(N, dev, dt)
    wfull = torch.zeros(N + 2, dtype=dt, device=dev)  # index k + 1 holds w(k), k = -1..N
    wfull[1 : N + 1] = weights[:N]
    cw = wfull[:-1] + wfull[1:]  # cw(k), k = 0..N
    wk = wfull[1:]  # w(k), k = 0..N
    Qc = Q.reshape(G, H + 1, 2**L)  # (G, p, col), col = c1 * 2^L2 + c2: pc(col) = popcount over L bits
    kidx = plan["kidx"]
    col_c = (Qc * cw[kidx]).sum(1)  # (G, C): sum over rows of cw(|S|) v(S), per column
    B = (Qc * wk[kidx]).sum((1, 2))  # (G,)
    phi = torch.empty(G, N, dtype=dt, device=dev)
    if L:
        phi[:, :L] = col_c @ plan["cbits"]
    if H:
        P2 = P1 @ plan["OC2"]  # (G, R, L1+1, L2+1)
        row_c = (P2 * cw[plan["ridx"]]).sum((2, 3))  # (G, R)
        phi[:, L:] = row_c @ plan["rbits"]
    return phi - B[:, None]


def exact_shapley(v: Tensor, weights: Tensor | None = None, *, chunk_rows: int | None = None) -> Tensor:
    """phi_i = sum_{S not containing i} w(|S|) (v(S + i) - v(S)), all players, all games, in
    ONE pass over the table.

    Every phi_i is a fixed linear functional of the table, and depends on a coalition's
    value only through |S| and whether S contains i.  The table is viewed as
    V[r, c1, c2] (high bits r, then two groups of low bits); one pass over it, a chunk of
    rows at a time (the chunk stays in cache for the second reduction), accumulates

    * Q[p, c1, c2] = sum of V[r, c1, c2] over the rows r with popcount(r) = p, and
    * P1[r, q, c2] = sum of V[r, c1, c2] over the c1 with popcount(c1) = q,

    arrays about N/2^(N/3) the size of the table; the N values follow from them
    (:func:`_finish`).  Memory traffic: one read of the table.  ``weights`` are w(0..N-1)
    (default: the Shapley weights s!(N-s-1)!/N!).
    """
    G, M = v.shape
    N = M.bit_length() - 1
    if 2**N != M:
        raise DlverifyError(f"a game table needs 2^N entries, got {M}")
    if weights is None:
        weights = shapley_weights(N, v.dtype, v.device)
    H, L1, L2 = _split(N)
    cube = v.reshape(G, 2**H, 2**L1, 2**L2)
    try:
        return exact_shapley_stream(
            lambda r0, r1: cube[:, r0:r1],
            N,
            weights.to(v.dtype),
            G=G,
            dtype=v.dtype,
            device=v.device,
            chunk_rows=chunk_rows,
        )
    except DlverifyError:
        finite_or_raise("game values", v)  # say where the NaN or inf is (the pass only saw its sums)
        raise


def exact_shapley_stream(
    rows,
    N: int,
    weights: Tensor,
    *,
    G: int = 1,
    dtype=torch.float64,
    device=None,
    chunk_rows: int | None = None,
) -> Tensor:
    """The one-pass exact values from a table delivered chunk by chunk: ``rows(r0, r1)``
    returns V[:, r0:r1] of shape (G, r1 - r0, 2^L1, 2^L2) with (H, L1, L2) = :func:`_split`
    (N) (coalition index r 2^(L1+L2) + c1 2^L2 + c2).  The whole table never needs to exist
    at once (a game evaluated on the fly)."""
    if N < 1:
        raise DlverifyError(f"a game needs N >= 1 players, got {N}")
    H, L1, L2 = _split(N)
    R = 2**H
    device = torch.device("cpu") if device is None else torch.device(device)
    if chunk_rows is None:  # about 1 MiB of table per chunk
        chunk_rows = max(1, (1 << 17) // max(1, G * 2 ** (L1 + L2)))
    plan = _plan(N, device, dtype)
    pc_r, pc_1 = plan["pc_r"], plan["pc_1"]
    P1 = torch.zeros(G, R, L1 + 1, 2**L2, dtype=dtype, device=device)
    starts = range(0, R, chunk_rows)
    # On a CPU the two scatter-adds run on one core: with more threads, workers take every
    # k-th chunk, each into its own Q (P1's rows are disjoint); ``rows`` must then be safe to
    # call from several threads (slicing a table is; a game evaluated on the fly in torch is).
    # Below 2^23 entries (64 MiB of float64) starting the threads costs more than it saves.
    big = G * 2**N >= 2**23
    workers = max(1, min(torch.get_num_threads(), 8)) if device.type == "cpu" and big else 1

    def accumulate(k: int) -> Tensor:
        Q = torch.zeros(G, H + 1, 2**L1, 2**L2, dtype=dtype, device=device)
        for r0 in starts[k::workers]:
            r1 = min(R, r0 + chunk_rows)
            blk = rows(r0, r1)
            Q.index_add_(1, pc_r[r0:r1], blk)
            P1[:, r0:r1].index_add_(2, pc_1, blk)
        return Q

    if workers == 1:
        Q = accumulate(0)
    else:
        Q = functools.reduce(torch.add, _pool().map(accumulate, range(workers)))
    # every value enters Q with coefficient 1: a NaN or inf in the table shows here, at no extra pass
    if not bool(torch.isfinite(Q).all()):
        raise DlverifyError(
            "game values contain NaN or inf (or their sums overflow); all entries must be finite"
        )
    return _finish(Q, P1, N, weights.to(device=device, dtype=dtype))


def exact_shapley_per_player(v: Tensor, weights: Tensor | None = None) -> Tensor:
    """The previous implementation, one pass over the table per player (kept as a second,
    independent route in the tests and as the benchmark's baseline)."""
    finite_or_raise("game values", v)
    G, M = v.shape
    N = M.bit_length() - 1
    if 2**N != M:
        raise DlverifyError(f"a game table needs 2^N entries, got {M}")
    if weights is None:
        weights = shapley_weights(N, v.dtype, v.device)
    w = weights[popcount(N - 1, v.device)] if N > 1 else weights[:1]
    cube = v.reshape((G,) + (2,) * N)
    phi = torch.empty(G, N, dtype=v.dtype, device=v.device)
    for i in range(N):
        ax = N - i  # bit i is axis N - i (C order: the last axis is bit 0)
        diff = cube.select(ax, 1) - cube.select(ax, 0)  # (G, 2,...,2) over the other N-1 players
        phi[:, i] = (diff.reshape(G, -1) * w).sum(-1)
    return phi


def brute_shapley(v: Tensor) -> Tensor:
    """The definition: the average marginal contribution over all N! orders (N <= 8)."""
    G, M = v.shape
    N = M.bit_length() - 1
    if N > 8:
        raise DlverifyError(f"brute force over N! orders is limited to N <= 8, got N = {N}")
    phi = torch.zeros(G, N, dtype=v.dtype, device=v.device)
    count = 0
    for order in itertools.permutations(range(N)):
        S = 0
        for i in order:
            phi[:, i] += v[:, S | (1 << i)] - v[:, S]
            S |= 1 << i
        count += 1
    return phi / count


def banzhaf(v: Tensor) -> Tensor:
    """The Banzhaf value (uniform weights 1/2^{N-1}): symmetric, null player, linear, not efficient."""
    G, M = v.shape
    N = M.bit_length() - 1
    cube = v.reshape((G,) + (2,) * N)
    return torch.stack(
        [(cube.select(N - i, 1) - cube.select(N - i, 0)).reshape(G, -1).mean(-1) for i in range(N)], -1
    )


def equal_split(v: Tensor) -> Tensor:
    """v(N)/N to everyone: efficient, symmetric, linear; violates the null-player axiom."""
    N = v.shape[1].bit_length() - 1
    return (v[:, -1] - v[:, 0])[:, None].expand(-1, N) / N


# ----------------------------------------------------------------------------- games with closed forms


def coalitions(N: int, device=None) -> Tensor:
    """(2^N, N) boolean membership matrix."""
    idx = torch.arange(2**N, device=device)
    return ((idx[:, None] >> torch.arange(N, device=device)) & 1).bool()


def unanimity(N: int, T: list[int], c: float = 1.0, *, device=None, dtype=torch.float64) -> Tensor:
    """u_T(S) = c if T subset of S: phi_i = c/|T| for i in T, 0 otherwise."""
    mask = sum(1 << k for k in T)
    idx = torch.arange(2**N, device=device)
    return (c * ((idx & mask) == mask).to(dtype))[None]


def random_unanimity_sum(G: int, N: int, terms: int, *, seed: int, device, dtype=torch.float64):
    """Sums of unanimity games sum_T c_T u_T with phi_i = sum_{T containing i} c_T / |T|."""
    g = generator(seed, device)
    idx = torch.arange(2**N, device=device)
    v = torch.zeros(G, 2**N, dtype=dtype, device=device)
    phi = torch.zeros(G, N, dtype=dtype, device=device)
    Ts = torch.randint(1, 2**N, (G, terms), generator=g, device=device)
    cs = torch.randn(G, terms, generator=g, device=device, dtype=dtype)
    members = ((Ts[..., None] >> torch.arange(N, device=device)) & 1).to(dtype)  # (G, terms, N)
    size = members.sum(-1)
    for k in range(terms):
        T = Ts[:, k : k + 1]
        v += cs[:, k : k + 1] * ((idx[None] & T) == T).to(dtype)
        phi += (cs[:, k] / size[:, k])[:, None] * members[:, k]
    return v, phi


def airport(costs: list[float], *, device=None, dtype=torch.float64):
    """Cost game v(S) = max_{i in S} c_i; Littlechild–Owen: phi sorted = sum_k (c_k - c_{k-1})/(N - k)."""
    N = len(costs)
    c = torch.tensor(costs, dtype=dtype, device=device)
    mem = coalitions(N, device)
    v = torch.where(mem, c[None], torch.zeros((), dtype=dtype, device=device)).amax(-1)[None]
    order = sorted(range(N), key=lambda i: costs[i])
    phi = [0.0] * N
    acc, prev = 0.0, 0.0
    for k, i in enumerate(order):
        acc += (costs[i] - prev) / (N - k)
        prev = costs[i]
        phi[i] = acc
    return v, torch.tensor(phi, dtype=dtype, device=device)[None]


def glove(r: int, *, device=None, dtype=torch.float64):
    """One left glove (player 0) and r right gloves: v(S) = 1 if S holds a pair.

    phi_0 = r/(r+1) (the left glove arrives after some right glove), each right 1/(r(r+1))."""
    N = r + 1
    mem = coalitions(N, device)
    v = (mem[:, 0] & mem[:, 1:].any(-1)).to(dtype)[None]
    phi = torch.tensor([r / (r + 1)] + [1 / (r * (r + 1))] * r, dtype=dtype, device=device)[None]
    return v, phi


def weighted_majority_table(weights: list[int], quota: int, *, device=None, dtype=torch.float64) -> Tensor:
    mem = coalitions(len(weights), device)
    w = torch.tensor(weights, device=device)
    return ((mem.long() * w).sum(-1) >= quota).to(dtype)[None]


def weighted_majority_exact(weights: list[int], quota: int) -> list[Fraction]:
    """Exact Shapley values of [quota; weights] by a pseudo-polynomial dynamic programme.

    phi_i = sum_s s!(N-s-1)!/N! * #{S of size s without i : quota - w_i <= w(S) < quota},
    the counts from a DP over (size, total weight) of the other players.  Exact integers."""
    N = len(weights)
    total = sum(weights)
    fact = [math.factorial(k) for k in range(N + 1)]
    out = []
    for i in range(N):
        cnt = [[0] * (total + 1) for _ in range(N)]  # cnt[size][weight]
        cnt[0][0] = 1
        for k, wk in enumerate(weights):
            if k == i:
                continue
            for s in range(N - 2, -1, -1):
                row, nxt = cnt[s], cnt[s + 1]
                for wt in range(total - wk, -1, -1):
                    if row[wt]:
                        nxt[wt + wk] += row[wt]
        phi = Fraction(0)
        for s in range(N):
            swing = sum(cnt[s][wt] for wt in range(max(quota - weights[i], 0), min(quota, total + 1)))
            phi += Fraction(fact[s] * fact[N - s - 1], fact[N]) * swing
        out.append(phi)
    return out


def random_games(
    G: int, N: int, *, seed: int, device, dtype=torch.float64, zero_empty: bool = True
) -> Tensor:
    g = generator(seed, device)
    v = torch.randn(G, 2**N, generator=g, device=device, dtype=dtype)
    if zero_empty:
        v[:, 0] = 0
    return v


# ----------------------------------------------------------------------------- estimators


def sample_permutations(v: Tensor, m: int, reps: int, *, seed: int) -> Tensor:
    """The permutation estimator: average marginal contributions over m random orders,
    ``reps`` independent repetitions at once.  Returns (reps, G, N)."""
    G, M = v.shape
    N = M.bit_length() - 1
    g = generator(seed, v.device)
    perms = torch.argsort(torch.rand(reps, m, N, generator=g, device=v.device), dim=-1)  # (R, m, N)
    bits = (1 << perms).cumsum(-1)  # coalition after each arrival
    prev = bits - (1 << perms)
    est = torch.zeros(reps, G, N, dtype=v.dtype, device=v.device)
    for gi in range(G):
        contrib = v[gi][bits] - v[gi][prev]  # (R, m, N) marginal of player perms[..., k]
        est[:, gi].scatter_add_(-1, perms.reshape(reps, -1), contrib.reshape(reps, -1))
    return est / m


def marginal_range(v: Tensor) -> Tensor:
    """max - min over all marginal contributions v(S + i) - v(S), per game (Hoeffding's range)."""
    G, M = v.shape
    N = M.bit_length() - 1
    cube = v.reshape((G,) + (2,) * N)
    diffs = torch.stack(
        [(cube.select(N - i, 1) - cube.select(N - i, 0)).reshape(G, -1) for i in range(N)], -1
    )
    return diffs.reshape(G, -1).amax(-1) - diffs.reshape(G, -1).amin(-1)


def group_testing_distribution(N: int, dtype=torch.float64, device=None) -> tuple[Tensor, float]:
    """q(k) = (1/k + 1/(N−k)) / Z for k = 1..N−1, Z = 2 sum_{k<N} 1/k (Jia et al. 2019)."""
    k = torch.arange(1, N, dtype=dtype, device=device)
    w = 1 / k + 1 / (N - k)
    Z = float(w.sum())
    return w / Z, Z


def group_testing_exact_difference(v: Tensor, i: int, j: int) -> Tensor:
    """E[Z U(S)(1[i∈S] − 1[j∈S])] under the group-testing distribution, by enumeration (N small):
    the identity that makes the estimator unbiased for s_i − s_j."""
    G, M = v.shape
    N = M.bit_length() - 1
    q, Z = group_testing_distribution(N, v.dtype, v.device)
    pc = popcount(N, v.device)
    idx = torch.arange(M, device=v.device)
    valid = (pc >= 1) & (pc <= N - 1)
    P = torch.zeros(M, dtype=v.dtype, device=v.device)
    P[valid] = q[pc[valid] - 1] / torch.exp(
        torch.lgamma(torch.tensor(N + 1.0, dtype=v.dtype))
        - torch.lgamma(pc[valid].to(v.dtype) + 1)
        - torch.lgamma(N - pc[valid].to(v.dtype) + 1)
    )
    bi = ((idx >> i) & 1).to(v.dtype)
    bj = ((idx >> j) & 1).to(v.dtype)
    return Z * (v * P * (bi - bj)).sum(-1)


def group_testing_estimate(v: Tensor, T: int, reps: int, *, seed: int) -> Tensor:
    """The difference-based estimator: T utility evaluations on random coalitions S_t (size
    k ~ q, then uniform), a_i = (Z/T) sum_t U(S_t) 1[i ∈ S_t] estimates s_i up to a common
    shift, fixed by efficiency: ŝ = a − mean(a) + (v(N) − v(∅))/N.  Returns (reps, N) for one game."""
    if v.shape[0] != 1:
        raise DlverifyError("group_testing_estimate takes one game at a time")
    M = v.shape[1]
    N = M.bit_length() - 1
    g = generator(seed, v.device)
    q, Z = group_testing_distribution(N, v.dtype, v.device)
    k = torch.multinomial(q, reps * T, replacement=True, generator=g).reshape(reps, T) + 1
    rank = torch.argsort(torch.rand(reps, T, N, generator=g, device=v.device), dim=-1).argsort(dim=-1)
    beta = rank < k[..., None]
    idx = (beta.long() << torch.arange(N, device=v.device)).sum(-1)
    u = v[0][idx]
    a = Z / T * (u[..., None] * beta.to(v.dtype)).sum(1)
    return a - a.mean(-1, keepdim=True) + (v[0, -1] - v[0, 0]) / N

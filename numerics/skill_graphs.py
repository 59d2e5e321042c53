"""Random bipartite skill graphs (Arora & Goyal's text-piece/skill model), batched.

N text pieces each attach to k skills drawn uniformly, independently, with replacement, from M
skills (a repeated draw is a second edge).  Given the set Y of text pieces the model gets wrong, a
skill *fails* when at least an alpha fraction of its edges lead into Y (a skill with no edge
counts as failed: 0 >= alpha * 0).  The adversary chooses Y of a given size to fail as many
skills as it can.  The adversaries (:func:`adversarial_failed`, :func:`adversarial_bad`) are exact
where the error sets are few (every Y enumerated when C(N, |Y|) <= EXHAUSTIVE_LIMIT) and otherwise
a greedy search batched over its starts, finished by one-for-one swaps of the best Y until no
swap raises the count (or ``swaps`` swaps were made).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import torch

from ..theorems.core import DlverifyError
from .device import generator

Tensor = torch.Tensor

#: the adversaries enumerate every error set when there are at most this many
EXHAUSTIVE_LIMIT = 2**16
#: at most this many best-improvement swaps finish a greedy adversary's best Y
SWAPS = 64
#: the pieces outside Y tried in each swap round (those whose addition alone helps most)
SWAP_CANDIDATES = 128


def random_graph(M: int, N: int, k: int, *, seed: int, device) -> Tensor:
    """Edges as an (N, k) tensor of skill indices."""
    if M < 1 or N < 1 or k < 1:
        raise DlverifyError(f"a skill graph needs M, N, k >= 1; got M={M}, N={N}, k={k}")
    return torch.randint(0, M, (N, k), generator=generator(seed, device), device=device)


def degrees(edges: Tensor, M: int) -> Tensor:
    return torch.bincount(edges.reshape(-1), minlength=M)


def failed(edges: Tensor, Y: Tensor, M: int, alpha: float) -> Tensor:
    """Boolean (B, M): skill failed under each of B error sets Y (a (B, N) boolean mask)."""
    return edges_into(edges, Y, M) >= alpha * degrees(edges, M).to(torch.float64)


def _top_pieces(edges: Tensor, skill_weight: Tensor, nY: int) -> Tensor:
    """Y = the nY pieces with the largest total weight of their skills (B, N) mask."""
    score = skill_weight[:, edges].sum(-1)  # (B, N)
    idx = score.topk(nY, dim=-1).indices
    Y = torch.zeros_like(score, dtype=torch.bool)
    return Y.scatter_(1, idx, True)


def edges_into(edges: Tensor, Y: Tensor, M: int) -> Tensor:
    """(B, M) float: the number of edges from each of B error sets Y (a (B, N) mask) into each skill."""
    B = Y.shape[0]
    into = torch.zeros(B, M, dtype=torch.float64, device=edges.device)
    w = Y.to(torch.float64)[:, :, None].expand(-1, -1, edges.shape[1]).reshape(B, -1)
    into.scatter_add_(1, edges.reshape(1, -1).expand(B, -1), w)
    return into


# ----------------------------------------------------------------------------- exact and local search
#: a notion of a bad skill: (edges from Y into it, its degree) -> bool, elementwise
Criterion = Callable[[Tensor, Tensor], Tensor]


def _error_sets(N: int, nY: int, device, chunk: int = 4096):
    """Every error set of size nY as (≤ chunk, N) boolean masks, in lexicographic order."""
    it = itertools.combinations(range(N), nY)
    while True:
        rows = list(itertools.islice(it, chunk))
        if not rows:
            return
        Y = torch.zeros(len(rows), N, dtype=torch.bool, device=device)
        if nY:
            Y.scatter_(1, torch.tensor(rows, dtype=torch.long, device=device), True)
        yield Y


def _exhaustive(edges: Tensor, M: int, nY: int, bad: Criterion) -> tuple[float, Tensor]:
    """The largest bad fraction over every error set of size nY, and the first Y attaining it."""
    deg = degrees(edges, M).to(torch.float64)
    best, best_Y = -1.0, None
    for Y in _error_sets(edges.shape[0], nY, edges.device):
        frac = bad(edges_into(edges, Y, M), deg).double().mean(-1)
        j = int(frac.argmax())
        if float(frac[j]) > best:
            best, best_Y = float(frac[j]), Y[j].clone()
    assert best_Y is not None  # at least one error set (0 <= nY <= N)
    return best, best_Y


def _swap_gains(
    edges: Tensor, into: Tensor, deg: Tensor, Y: Tensor, bad: Criterion, cand: int = SWAP_CANDIDATES
):
    """For every swap (i in Y out, j in): the change in the number of bad skills, exactly (only
    the skills of i's and j's edges change; each such skill is counted once, an entry of the 2k
    weighted by one over its multiplicity there).  The pieces j tried are the ``cand`` outside Y
    whose addition alone makes the most skills bad (ties by index; all of them when there are
    at most ``cand``).  Returns (gain (|Y|, #tried), the indices in Y, the indices tried)."""
    yi, yo = Y.nonzero().squeeze(-1), (~Y).nonzero().squeeze(-1)
    old = bad(into, deg).double()  # (M,)
    if yo.shape[0] > cand:
        Eo = edges[yo]
        co = (Eo[:, :, None] == Eo[:, None, :]).sum(-1)
        add = ((bad(into[Eo] + co, deg[Eo]).double() - old[Eo]) / co).sum(-1)
        yo = yo[torch.argsort(-torch.round(add), stable=True)[:cand]]
    Ei, Ej = edges[yi], edges[yo]  # (nI, k), (nJ, k)
    k = edges.shape[1]
    ci = (Ei[:, :, None] == Ei[:, None, :]).sum(-1)  # copies of each entry within its own piece
    cj = (Ej[:, :, None] == Ej[:, None, :]).sum(-1)
    gains = []
    step = max(1, 2**22 // max(1, Ej.shape[0] * k * k))
    for a in range(0, Ei.shape[0], step):
        Ea, ca = Ei[a : a + step], ci[a : a + step]
        cross = Ea[:, None, :, None] == Ej[None, :, None, :]  # (a, nJ, k of i, k of j)
        j_at_i, i_at_j = cross.sum(-1), cross.sum(-2)  # copies of i's entry in j, of j's entry in i
        s_i = Ea[:, None, :].expand(-1, Ej.shape[0], -1)
        new_i = into[s_i] - ca[:, None, :] + j_at_i
        d_i = (bad(new_i, deg[s_i]).double() - old[s_i]) / (ca[:, None, :] + j_at_i)
        s_j = Ej[None, :, :].expand(Ea.shape[0], -1, -1)
        new_j = into[s_j] - i_at_j + cj[None, :, :]
        d_j = (bad(new_j, deg[s_j]).double() - old[s_j]) / (cj[None, :, :] + i_at_j)
        gains.append(torch.round(d_i.sum(-1) + d_j.sum(-1)))
    return torch.cat(gains), yi, yo


def _swap_climb(edges: Tensor, M: int, Y: Tensor, bad: Criterion, swaps: int) -> tuple[float, Tensor]:
    """Best-improvement one-for-one swaps from Y until none raises the bad count (at most
    ``swaps``); the final bad fraction (recomputed from scratch) and its Y."""
    Y, deg = Y.clone(), degrees(edges, M).to(torch.float64)
    into = edges_into(edges, Y[None], M)[0]
    for _ in range(swaps):
        if bool(Y.all()) or not bool(Y.any()):
            break
        gain, yi, yo = _swap_gains(edges, into, deg, Y, bad)
        flat = int(gain.argmax())
        if float(gain.reshape(-1)[flat]) <= 0:
            break
        a, b = divmod(flat, gain.shape[1])
        Y[yi[a]], Y[yo[b]] = False, True
        into = edges_into(edges, Y[None], M)[0]
    return float(bad(into, deg).double().mean()), Y


def adversarial_bad(
    edges: Tensor,
    M: int,
    nY: int,
    *,
    count: float | None = None,
    share: float | None = None,
    rounds: int = 6,
    seed: int = 0,
    swaps: int = SWAPS,
) -> float:
    """Adversary for the book's notions of an exceptional skill: more than ``count`` edges into Y
    (Theorem 15.9.1), or more than a ``share`` of its own edges into Y (the note on competence).
    Exact (every Y) when C(N, nY) <= EXHAUSTIVE_LIMIT; otherwise greedy: targets the z highest-
    and z lowest-degree skills and random sets; Y = the nY pieces hitting the targets most; then
    re-target the skills at or near the threshold; the best Y is finished by swaps.
    Returns the largest fraction of exceptional skills found."""
    if (count is None) == (share is None):
        raise DlverifyError("give exactly one of count, share")
    if count is not None:
        crit: Criterion = lambda into, d: into > count  # noqa: E731
    else:
        frac_share = float(share)  # type: ignore[arg-type]  # exactly one of count, share is set
        crit = lambda into, d: (into > frac_share * d) & (d > 0)  # noqa: E731
    deg = degrees(edges, M).to(torch.float64)
    if nY >= edges.shape[0]:  # Y = T: the only error set of that size
        if count is not None:
            bad = deg > count
        else:
            assert share is not None  # exactly one of count, share (checked above)
            bad = (deg > share * deg) & (deg > 0)
        return float(bad.double().mean())
    if math.comb(edges.shape[0], nY) <= EXHAUSTIVE_LIMIT:
        return _exhaustive(edges, M, nY, crit)[0]
    thr = (lambda d: torch.full_like(d, float(count))) if count is not None else (lambda d: share * d)
    weight = torch.ones_like(deg) if count is not None else 1 / deg.clamp_min(1)
    up, down = torch.argsort(deg, descending=True), torch.argsort(deg)
    sizes = torch.unique(
        torch.clamp(torch.logspace(0, torch.log10(torch.tensor(float(M))), 8).long(), 1, M)
    ).tolist()
    rows = []
    for order in (up, down):
        for z in sizes:
            w = torch.zeros(M, dtype=torch.float64, device=edges.device)
            w[order[:z]] = weight[order[:z]]
            rows.append(w)
    g = generator(seed, edges.device)
    rnd = (torch.rand(6, M, generator=g, dtype=torch.float64, device=edges.device) < 0.1) * weight
    W = torch.cat([torch.stack(rows), rnd])
    best, best_Y = -1.0, None
    t = thr(deg)
    for _ in range(rounds):
        Y = _top_pieces(edges, W, nY)
        into = edges_into(edges, Y, M)
        frac = crit(into, deg).double().mean(-1)
        j = int(frac.argmax())
        if float(frac[j]) > best:
            best, best_Y = float(frac[j]), Y[j].clone()
        W = torch.where(into >= 0.6 * t, weight, torch.zeros_like(W))
    assert best_Y is not None  # rounds >= 1
    return max(best, _swap_climb(edges, M, best_Y, crit, swaps)[0])


def tuple_graph(M: int, N: int, k: int, kp: int, *, seed: int, device) -> Tensor:
    """The graph of k'-tuples (Lemma 15.9.4): N base pieces of k skills from M, grouped k' at a time
    into N // k' pieces; complex skill j of a group is the tuple of the group's j-th skills, an index
    in [M^{k'}].  Returns the (N // k', k) edges over M^{k'} complex skills."""
    base = random_graph(M, (N // kp) * kp, k, seed=seed, device=device).reshape(N // kp, kp, k)
    powers = (M ** torch.arange(kp, device=device)).reshape(1, kp, 1)
    return (base * powers).sum(1)


def adversarial_failed(
    edges: Tensor, M: int, nY: int, alpha: float, *, rounds: int = 8, seed: int = 0, swaps: int = SWAPS
) -> dict:
    """Adversary for the failed skills (:func:`failed`).  Exact (every Y) when C(N, nY) <=
    EXHAUSTIVE_LIMIT; otherwise greedy: target the z lowest-degree skills (z over a range of
    sizes, plus random targets), take the nY pieces that hit the targets most, then re-target
    the skills that are failed or nearly so, for a few rounds; the best Y is finished by swaps.
    Returns the best failed fraction and its Y."""
    crit: Criterion = lambda into, d: into >= alpha * d  # noqa: E731 - as :func:`failed`
    if math.comb(edges.shape[0], nY) <= EXHAUSTIVE_LIMIT:
        best, best_Y = _exhaustive(edges, M, nY, crit)
        return {"fraction": best, "Y": best_Y}
    deg = degrees(edges, M).to(torch.float64)
    order = torch.argsort(deg)
    sizes = torch.unique(torch.clamp(torch.logspace(0, torch.log10(torch.tensor(float(M))), 24).long(), 1, M))
    W = torch.zeros(len(sizes) + 8, M, dtype=torch.float64, device=edges.device)
    for i, z in enumerate(sizes.tolist()):
        W[i, order[:z]] = 1 / deg[order[:z]].clamp_min(1)
    g = generator(seed, edges.device)
    W[len(sizes) :] = (
        torch.rand(8, M, generator=g, dtype=torch.float64, device=edges.device) < 0.1
    ) / deg.clamp_min(1)
    best, best_Y = -1.0, None  # type: ignore[assignment]  # set in the first round
    for _ in range(rounds):
        Y = _top_pieces(edges, W, nY)
        into = edges_into(edges, Y, M)
        frac = (into >= alpha * deg).double().mean(-1)  # the failed share (see :func:`failed`)
        j = int(frac.argmax())
        if float(frac[j]) > best:
            best, best_Y = float(frac[j]), Y[j].clone()
        # re-target: skills with at least half the needed share of their edges in Y
        near = into >= 0.5 * alpha * deg
        W = torch.where(near, 1 / deg.clamp_min(1), torch.zeros_like(W))
    assert best_Y is not None  # rounds >= 1
    frac_end, Y_end = _swap_climb(edges, M, best_Y, crit, swaps)
    return {"fraction": frac_end, "Y": Y_end} if frac_end > best else {"fraction": best, "Y": best_Y}


def random_failed(edges: Tensor, M: int, nY: int, alpha: float, *, trials: int, seed: int) -> Tensor:
    """Failed fraction for ``trials`` uniformly random Y of size nY (the non-adversarial baseline)."""
    N = edges.shape[0]
    g = generator(seed, edges.device)
    idx = torch.rand(trials, N, generator=g, device=edges.device).argsort(-1)[:, :nY]
    Y = torch.zeros(trials, N, dtype=torch.bool, device=edges.device).scatter_(1, idx, True)
    return failed(edges, Y, M, alpha).double().mean(-1)

"""Random bipartite skill graphs (Arora & Goyal's text-piece/skill model), batched.

N text pieces each attach to k skills drawn uniformly, independently, with replacement, from M
skills (a repeated draw is a second edge).  Given the set Y of text pieces the model gets wrong, a
skill *fails* when at least an alpha fraction of its edges lead into Y (a skill with no edge
counts as failed: 0 >= alpha * 0).  The adversary chooses Y of a given size to fail as many
skills as it can; :func:`adversarial_failed` is a greedy search, batched over its starts.
"""

from __future__ import annotations

import torch

from ..theorems.core import DlverifyError
from .device import generator

Tensor = torch.Tensor


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


def adversarial_bad(
    edges: Tensor,
    M: int,
    nY: int,
    *,
    count: float | None = None,
    share: float | None = None,
    rounds: int = 6,
    seed: int = 0,
) -> float:
    """Greedy adversary for the book's notions of an exceptional skill: more than ``count`` edges
    into Y (Theorem 15.9.1), or more than a ``share`` of its own edges into Y (the note on
    competence).  Targets: the z highest- and z lowest-degree skills and random sets; Y = the nY
    pieces hitting the targets most; then re-target the skills at or near the threshold.
    Returns the largest fraction of exceptional skills found."""
    if (count is None) == (share is None):
        raise DlverifyError("give exactly one of count, share")
    deg = degrees(edges, M).to(torch.float64)
    if nY >= edges.shape[0]:  # Y = T: the only error set of that size
        if count is not None:
            bad = deg > count
        else:
            assert share is not None  # exactly one of count, share (checked above)
            bad = (deg > share * deg) & (deg > 0)
        return float(bad.double().mean())
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
    best = 0.0
    t = thr(deg)
    for _ in range(rounds):
        Y = _top_pieces(edges, W, nY)
        into = edges_into(edges, Y, M)
        bad = (into > t) & (deg > 0) if share is not None else into > t
        best = max(best, float(bad.double().mean(-1).max()))
        W = torch.where(into >= 0.6 * t, weight, torch.zeros_like(W))
    return best


def tuple_graph(M: int, N: int, k: int, kp: int, *, seed: int, device) -> Tensor:
    """The graph of k'-tuples (Lemma 15.9.4): N base pieces of k skills from M, grouped k' at a time
    into N // k' pieces; complex skill j of a group is the tuple of the group's j-th skills, an index
    in [M^{k'}].  Returns the (N // k', k) edges over M^{k'} complex skills."""
    base = random_graph(M, (N // kp) * kp, k, seed=seed, device=device).reshape(N // kp, kp, k)
    powers = (M ** torch.arange(kp, device=device)).reshape(1, kp, 1)
    return (base * powers).sum(1)


def adversarial_failed(
    edges: Tensor, M: int, nY: int, alpha: float, *, rounds: int = 8, seed: int = 0
) -> dict:
    """Greedy adversary: target the z lowest-degree skills (z over a range of sizes, plus random
    targets), take the nY pieces that hit the targets most, then re-target the skills that are
    failed or nearly so, for a few rounds.  Returns the best failed fraction and its Y."""
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
    best, best_Y = -1.0, None
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
    return {"fraction": best, "Y": best_Y}


def random_failed(edges: Tensor, M: int, nY: int, alpha: float, *, trials: int, seed: int) -> Tensor:
    """Failed fraction for ``trials`` uniformly random Y of size nY (the non-adversarial baseline)."""
    N = edges.shape[0]
    g = generator(seed, edges.device)
    idx = torch.rand(trials, N, generator=g, device=edges.device).argsort(-1)[:, :nY]
    Y = torch.zeros(trials, N, dtype=torch.bool, device=edges.device).scatter_(1, idx, True)
    return failed(edges, Y, M, alpha).double().mean(-1)

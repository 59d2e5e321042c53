"""Batches of distribution pairs over large vocabularies: KL, total variation and the
optimal binary cloze question (the set that attains the variation distance)."""

from __future__ import annotations

import math

import torch

from ..theorems.core import DlverifyError
from .device import finite_or_raise, generator

Tensor = torch.Tensor


def dirichlet_pairs(
    B: int, V: int, *, concentration: float, closeness: float, seed: int, device, dtype=torch.float64
) -> tuple[Tensor, Tensor]:
    """p ~ Dirichlet(concentration); q = normalized p * exp(closeness * noise): a model q close to p."""
    if V < 2:
        raise DlverifyError(f"a vocabulary needs at least 2 words, got {V}")
    g = generator(seed, device)
    gam = torch._standard_gamma(
        torch.full((B, V), float(concentration), dtype=dtype, device=device), generator=g
    )
    p = gam / gam.sum(-1, keepdim=True)
    p = p.clamp_min(torch.finfo(dtype).tiny)
    p = p / p.sum(-1, keepdim=True)
    noise = torch.randn(B, V, generator=g, dtype=dtype, device=device)
    q = p * torch.exp(closeness * noise)
    return p, q / q.sum(-1, keepdim=True)


def two_point_pairs(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """The extremal family of Pinsker's inequality: Bernoulli(a) vs Bernoulli(b) as 2-word vocabularies."""
    return torch.stack([a, 1 - a], -1), torch.stack([b, 1 - b], -1)


def kl(p: Tensor, q: Tensor, base: float = math.e) -> Tensor:
    """KL(p || q) in the given log base (inf where q = 0 < p)."""
    finite_or_raise("distribution p", p)
    finite_or_raise("distribution q", q)
    t = torch.where(p > 0, p * (torch.log(p) - torch.log(q)), torch.zeros_like(p))
    return t.sum(-1) / math.log(base)


def tv_and_set(p: Tensor, q: Tensor) -> tuple[Tensor, Tensor]:
    """Total variation sup_A |p(A) − q(A)| and the attaining set A* = {w : p(w) > q(w)}."""
    A = p > q
    return torch.where(A, p - q, torch.zeros_like(p)).sum(-1), A


def cloze_errors(p: Tensor, q: Tensor, A: Tensor) -> dict[str, Tensor]:
    """Error of the binary cloze question "is the next word in A?" under each answer model.

    * ``truth_side`` -- the question is asked where the human is right with certainty about
      the side of A that carries more of p (answer 'in A' iff p(A) >= 1/2); the model's
      probability of the other side, minus the human's own mass there:
      error = max(0, q(wrong side) − p(wrong side)) <= TV;
    * ``coupled`` -- human word ~ p and model word ~ q under the maximal coupling:
      P(answers differ) = |p(A) − q(A)| <= TV;
    * ``independent`` -- human and model sample independently: P(answers differ) =
      p(A)(1 − q(A)) + (1 − p(A)) q(A), which stays near 1/2 even when q = p.
    """
    pA, qA = (p * A).sum(-1), (q * A).sum(-1)
    in_A = pA >= 0.5
    q_wrong = torch.where(in_A, 1 - qA, qA)
    p_wrong = torch.where(in_A, 1 - pA, pA)
    return {
        "truth_side": (q_wrong - p_wrong).clamp_min(0),
        "coupled": (pA - qA).abs(),
        "independent": pA * (1 - qA) + (1 - pA) * qA,
    }

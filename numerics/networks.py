"""Two-layer networks in NTK scaling: f(W; x) = m^{-1/2} sum_i v_i sigma(w_i^T x), v_i = ±1 fixed.

Closed forms used at large width (checked against torch.func Jacobians at small width):

* Jacobian row k: m^{-1/2} v_i sigma'(w_i^T x_k) x_k for block i, so the tangent kernel is
  K = (X X^T) ⊙ (S S^T) / m with S = sigma'(X W^T) (v_i^2 = 1);
* the Hessian of f(·; x) in W is block diagonal, block i = m^{-1/2} v_i sigma''(w_i^T x) x x^T,
  so ||H(x)|| = m^{-1/2} max_i |sigma''(w_i^T x)| ||x||^2 <= m^{-1/2} sup|sigma''| ||x||^2.
"""

from __future__ import annotations

import math

import torch

from .device import generator

SUP_TANH_2ND = 4 / (3 * math.sqrt(3))  # sup |tanh''| = 4/(3 sqrt 3), at tanh(x)^2 = 1/3


def d_tanh(z):
    return 1 - torch.tanh(z) ** 2


def dd_tanh(z):
    t = torch.tanh(z)
    return -2 * t * (1 - t**2)


def forward(X: torch.Tensor, W: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """f(W; x_k) for every input, batched over leading dimensions of ``W`` (…, m, d) and ``v`` (…, m)."""
    return (torch.tanh(X @ W.transpose(-1, -2)) * v[..., None, :]).sum(-1) / math.sqrt(W.shape[-2])


def tangent_kernel(X: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """K = (X Xᵀ) ⊙ (S Sᵀ)/m with S = σ'(X Wᵀ), batched over leading dimensions of ``W``."""
    S = d_tanh(X @ W.transpose(-1, -2))
    return (X @ X.T) * (S @ S.transpose(-1, -2)) / W.shape[-2]


def loss_grad(X: torch.Tensor, y: torch.Tensor, W: torch.Tensor, v: torch.Tensor):
    """½‖f(W) − y‖² and its gradient in W, batched over leading dimensions of ``W`` and ``v``."""
    r = forward(X, W, v) - y
    S = d_tanh(X @ W.transpose(-1, -2))  # (…, n, m)
    G = ((S * r[..., :, None]).transpose(-1, -2) @ X) * v[..., None] / math.sqrt(W.shape[-2])
    return 0.5 * (r * r).sum(-1), G


class TwoLayer:
    def __init__(self, n: int, d: int, m: int, *, seed: int, device, dtype=torch.float64):
        g = generator(seed, device)
        self.X = torch.randn(n, d, generator=g, device=device, dtype=dtype)
        self.X = self.X / torch.linalg.vector_norm(self.X, dim=-1, keepdim=True)  # unit-norm inputs
        self.y = torch.randn(n, generator=g, device=device, dtype=dtype)
        self.W = torch.randn(m, d, generator=g, device=device, dtype=dtype)
        self.v = torch.where(torch.rand(m, generator=g, device=device, dtype=dtype) < 0.5, -1.0, 1.0).to(
            dtype
        )
        self.m = m

    def forward(self, W=None):
        return forward(self.X, self.W if W is None else W, self.v)

    def ntk(self, W=None, chunk: int = 1 << 14):
        """K = (X X^T) ⊙ (S S^T)/m, accumulated over width chunks (memory O(n * chunk))."""
        W = self.W if W is None else W
        n = self.X.shape[0]
        SS = torch.zeros(n, n, dtype=self.X.dtype, device=self.X.device)
        for a in range(0, self.m, chunk):
            S = d_tanh(self.X @ W[a : a + chunk].T)
            SS += S @ S.T
        return (self.X @ self.X.T) * SS / self.m

    def hessian_norm(self, W=None):
        """max over the data points of ||H(x_k)|| (block-diagonal closed form)."""
        W = self.W if W is None else W
        z = self.X @ W.T
        return (dd_tanh(z).abs().amax(-1) * (self.X**2).sum(-1)).max() / math.sqrt(self.m)

    def loss_grad(self, W):
        return loss_grad(self.X, self.y, W, self.v)

    def jacobian_func(self):
        """Jacobian of the n outputs in W via torch.func (reference for small widths)."""
        from torch.func import jacrev

        J = jacrev(lambda W: self.forward(W))(self.W)  # (n, m, d)
        return J.reshape(J.shape[0], -1)


def relu_ntk_at_init(
    X: torch.Tensor, m: int, *, seed: int, device, dtype=torch.float64, chunk: int = 1 << 15
) -> tuple[torch.Tensor, torch.Tensor]:
    """The tangent kernel at a random initialisation of the lecture's ReLU network (000:458)
    f(x) = m^{-1/2} Σ_i b_i relu(a_iᵀx), a_i ~ N(0, I_d), b_i = ±1 (E b² = 1), for a batch of
    input sets ``X`` (B, n, d): ``(K, K_a)`` with K = K^(a) + K^(b) (000:462) and K^(a) its
    first-layer part (XXᵀ) ⊙ (S Sᵀ)/m, S = 1{X aᵢ > 0}, accumulated over width chunks."""
    g = generator(seed, device)
    B, n, d = X.shape
    Sa = torch.zeros(B, n, n, dtype=dtype, device=device)
    Sb = torch.zeros(B, n, n, dtype=dtype, device=device)
    for a0 in range(0, m, chunk):
        k = min(chunk, m - a0)
        A = torch.randn(B, d, k, generator=g, device=device, dtype=dtype)
        Z = X @ A  # (B, n, k) pre-activations
        S = (Z > 0).to(dtype)  # relu'(z); b_i² = 1
        R = Z.clamp_min(0)
        Sa += S @ S.transpose(-1, -2)
        Sb += R @ R.transpose(-1, -2)
    Ka = (X @ X.transpose(-1, -2)) * Sa / m
    return Ka + Sb / m, Ka


def relu_ntk_a_limit(X: torch.Tensor) -> torch.Tensor:
    """The infinite-width limit of K^(a) for E b² = 1: (xᵢ·xⱼ)(π − θᵢⱼ)/(2π) (000:472 with θ(x, x'))."""
    nx = torch.linalg.vector_norm(X, dim=-1)
    ip = X @ X.transpose(-1, -2)
    cos = (ip / (nx[..., :, None] * nx[..., None, :])).clamp(-1, 1)
    return ip * (math.pi - torch.arccos(cos)) / (2 * math.pi)

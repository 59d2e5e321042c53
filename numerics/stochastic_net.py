"""Stochastic networks for PAC-Bayes certificates on real data available offline.

* datasets: scikit-learn's bundled ``load_digits`` (8x8 digits, 10 classes) and Fashion-MNIST
  from the Debian package ``dataset-fashion-mnist`` (files under /usr/share/datasets/fashion-mnist);
  each split three ways -- a part that trains the prior, the sample S the bound is about, a test part;
* :class:`GaussianMLP` -- an MLP whose weights are N(mu, diag sigma^2) (the posterior Q), with the
  prior P = N(mu0, lambda I) centred on a network trained on the prior part only;
* training of mu0 (cross-entropy) and of Q (a PAC-Bayes objective through the reparameterisation
  trick), and Monte Carlo estimates of the 0-1 risk of the stochastic predictor.

Which bound is certified, and how the confidence is split, is decided in
:func:`dlverify.numerics.pac_bayes.certificate` (the bound's formula from the theorem module).
"""

from __future__ import annotations

import dataclasses
import gzip
import math
import struct
from pathlib import Path

import torch

from ..theorems.core import DlverifyError
from .device import derive_seed, generator

Tensor = torch.Tensor
FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclasses.dataclass
class Split:
    name: str
    prior: tuple[Tensor, Tensor]
    bound: tuple[Tensor, Tensor]
    test: tuple[Tensor, Tensor]
    classes: int


def _three_way(name: str, X: Tensor, y: Tensor, classes: int, *, seed: int, fractions=(0.4, 0.4)) -> Split:
    g = generator(seed, torch.device("cpu"))
    perm = torch.randperm(X.shape[0], generator=g)
    X, y = X[perm], y[perm]
    a = int(fractions[0] * X.shape[0])
    b = a + int(fractions[1] * X.shape[0])
    return Split(name, (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:]), classes)


def load_digits_split(*, seed: int, device) -> Split:
    """scikit-learn's digits (1797 images): 40 % trains the prior, 40 % is S, 20 % is the test set."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise DlverifyError("the digits certificate needs scikit-learn (pip install scikit-learn)") from exc
    d = load_digits()
    X = torch.as_tensor(d.data, dtype=torch.float64) / 16.0
    y = torch.as_tensor(d.target, dtype=torch.long)
    s = _three_way("digits", X, y, 10, seed=seed)
    return _to(s, device)


def _read_idx(path: Path) -> Tensor:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    (magic,) = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim :]), dtype=torch.uint8).reshape(dims)


def _find(directory: Path, stem: str) -> Path:
    for cand in sorted(directory.rglob(f"{stem}*")):
        if cand.is_file():
            return cand
    raise DlverifyError(
        f"Fashion-MNIST file '{stem}*' not found under {directory}; "
        "install the Debian package dataset-fashion-mnist"
    )


def load_fashion_split(*, seed: int, device, directory: Path = FASHION_DIR) -> Split:
    """Fashion-MNIST: the 60 000 training images split into the prior part (50 %) and S (50 %);
    the 10 000 test images are the test set."""
    if not directory.exists():
        raise DlverifyError(
            f"Fashion-MNIST not found at {directory}; install the Debian package dataset-fashion-mnist"
        )
    Xtr = _read_idx(_find(directory, "train-images")).reshape(-1, 784).double() / 255
    ytr = _read_idx(_find(directory, "train-labels")).long()
    Xte = _read_idx(_find(directory, "t10k-images")).reshape(-1, 784).double() / 255
    yte = _read_idx(_find(directory, "t10k-labels")).long()
    s = _three_way("fashion-mnist", Xtr, ytr, 10, seed=seed, fractions=(0.5, 0.5))
    return _to(Split(s.name, s.prior, s.bound, (Xte, yte), 10), device)


def _to(s: Split, device) -> Split:
    mv = lambda xy: (xy[0].to(device), xy[1].to(device))  # noqa: E731
    return Split(s.name, mv(s.prior), mv(s.bound), mv(s.test), s.classes)


# ----------------------------------------------------------------------------- networks


def init_mlp(sizes: list[int], *, seed: int, device, dtype=torch.float64) -> list[Tensor]:
    g = generator(seed, device)
    params = []
    for a, b in zip(sizes, sizes[1:]):
        params.append(torch.randn(a, b, generator=g, dtype=dtype, device=device) / math.sqrt(a))
        params.append(torch.zeros(b, dtype=dtype, device=device))
    return params


def mlp_forward(params: list[Tensor], X: Tensor) -> Tensor:
    """Batched over leading weight-sample dimensions: params[i] may be (S, a, b) or (a, b)."""
    h = X
    n = len(params) // 2
    for i in range(n):
        W, b = params[2 * i], params[2 * i + 1]
        h = h @ W + (b.unsqueeze(-2) if b.dim() > 1 else b)
        if i < n - 1:
            h = torch.relu(h)
    return h


def train_prior_mean(
    split: Split, sizes: list[int], *, epochs: int, seed: int, lr: float = 1e-2, batch: int = 256
) -> list[Tensor]:
    """The prior's centre: an MLP trained by cross-entropy on the prior part only (never on S)."""
    X, y = split.prior
    params = [p.clone().requires_grad_(True) for p in init_mlp(sizes, seed=seed, device=X.device)]
    opt = torch.optim.Adam(params, lr=lr)
    g = generator(derive_seed(seed, "batches"), X.device)
    for _ in range(epochs):
        perm = torch.randperm(X.shape[0], generator=g, device=X.device)
        for a in range(0, X.shape[0], batch):
            idx = perm[a : a + batch]
            loss = torch.nn.functional.cross_entropy(mlp_forward(params, X[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return [p.detach() for p in params]


@dataclasses.dataclass
class GaussianPosterior:
    mu: list[Tensor]
    rho: list[Tensor]  # sigma = softplus(rho)

    def sigma(self) -> list[Tensor]:
        return [torch.nn.functional.softplus(r) for r in self.rho]

    def sample(self, n: int, g: torch.Generator) -> list[Tensor]:
        return [
            m + s * torch.randn((n, *m.shape), generator=g, dtype=m.dtype, device=m.device)
            for m, s in zip(self.mu, self.sigma())
        ]

    def n_params(self) -> int:
        return sum(m.numel() for m in self.mu)


def bounded_cross_entropy(logits: Tensor, y: Tensor, p_min: float) -> Tensor:
    """Cross-entropy with probabilities floored at p_min, divided by ln(1/p_min): a loss in [0, 1]."""
    logp = torch.log_softmax(logits, -1).gather(-1, y.expand(*logits.shape[:-1]).unsqueeze(-1)).squeeze(-1)
    return (-logp.clamp(min=math.log(p_min))) / math.log(1 / p_min)


def train_posterior(
    split: Split,
    prior_mean: list[Tensor],
    prior_var: float,
    objective,
    kl_fn,
    *,
    steps: int,
    seed: int,
    lr: float = 1e-3,
    mc: int = 4,
    batch: int = 512,
    p_min: float = 1e-4,
) -> GaussianPosterior:
    """Minimise ``objective(surrogate_risk, kl_fn(posterior))`` over (mu, rho) by the
    reparameterisation trick on S, starting at the prior (mu = mu0, sigma^2 = lambda).  Both
    functions come from the theorem module (the bound and the KL formula it derives)."""
    X, y = split.bound
    rho0 = math.log(math.expm1(math.sqrt(prior_var)))
    post = GaussianPosterior(
        [m.clone().requires_grad_(True) for m in prior_mean],
        [torch.full_like(m, rho0).requires_grad_(True) for m in prior_mean],
    )
    opt = torch.optim.Adam(post.mu + post.rho, lr=lr)
    g = generator(seed, X.device)
    for _ in range(steps):
        idx = torch.randint(0, X.shape[0], (min(batch, X.shape[0]),), generator=g, device=X.device)
        ws = post.sample(mc, g)
        loss = bounded_cross_entropy(mlp_forward(ws, X[idx]), y[idx], p_min).mean()
        obj = objective(loss, kl_fn(post))
        opt.zero_grad(set_to_none=True)
        obj.backward()
        opt.step()
    return GaussianPosterior([m.detach() for m in post.mu], [r.detach() for r in post.rho])


@torch.no_grad()
def stochastic_error(
    post: GaussianPosterior, X: Tensor, y: Tensor, *, n_samples: int, seed: int, chunk: int = 64
) -> Tensor:
    """0-1 error of each of ``n_samples`` independent weight draws on (X, y): a (n_samples,) tensor."""
    g = generator(seed, X.device)
    out = []
    for a in range(0, n_samples, chunk):
        ws = post.sample(min(chunk, n_samples - a), g)
        out.append((mlp_forward(ws, X).argmax(-1) != y).double().mean(-1))
    return torch.cat(out)


@torch.no_grad()
def deterministic_error(params: list[Tensor], X: Tensor, y: Tensor) -> float:
    return float((mlp_forward(params, X).argmax(-1) != y).double().mean())

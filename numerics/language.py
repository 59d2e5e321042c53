"""A language whose next-word distribution is known exactly, and small models trained on it.

* :class:`RandomHMM` -- a hidden Markov model (H states, V words) with Dirichlet rows.  The
  human's next-word distribution p(x_t | x_<t) is exact: the forward filter
  P(h_t | x_<t) pushed through the emission matrix, batched over sequences.
* :class:`TinyTransformer` -- a causal transformer (torch.nn layers) of a chosen width and
  depth, trained by :func:`train_lm` on samples of the HMM; its softmax is the model q.

Everything is batched; training runs in float32 (the usual precision for training, and the
bound is checked on whatever q the training produced), evaluation in float64.
"""

from __future__ import annotations

import dataclasses
import time

import torch

from ..theorems.core import DlverifyError
from .device import derive_seed, generator

Tensor = torch.Tensor


class RandomHMM:
    """pi ~ Dir(1), each transition row ~ Dir(alpha_T), each emission row ~ Dir(alpha_E)."""

    def __init__(
        self,
        H: int,
        V: int,
        *,
        seed: int,
        device,
        alpha_T: float = 0.3,
        alpha_E: float = 0.3,
        dtype=torch.float64,
    ):
        if H < 1 or V < 2:
            raise DlverifyError(f"an HMM needs H >= 1 states and V >= 2 words, got H={H}, V={V}")
        g = generator(seed, device)

        def dirichlet(rows, cols, a):
            x = torch._standard_gamma(
                torch.full((rows, cols), float(a), dtype=dtype, device=device), generator=g
            )
            x = x.clamp_min(torch.finfo(dtype).tiny)
            return x / x.sum(-1, keepdim=True)

        self.pi = dirichlet(1, H, 1.0)[0]
        self.T = dirichlet(H, H, alpha_T)
        self.E = dirichlet(H, V, alpha_E)
        self.H, self.V, self.device, self.dtype = H, V, device, dtype

    def sample(self, B: int, length: int, *, seed: int) -> Tensor:
        """B sequences of ``length`` words (long tensor, B x length)."""
        g = generator(seed, self.device)
        h = torch.multinomial(self.pi.expand(B, -1), 1, generator=g)[:, 0]
        out = torch.empty(B, length, dtype=torch.long, device=self.device)
        for t in range(length):
            out[:, t] = torch.multinomial(self.E[h], 1, generator=g)[:, 0]
            h = torch.multinomial(self.T[h], 1, generator=g)[:, 0]
        return out

    def next_word(self, x: Tensor) -> Tensor:
        """p(x_t = · | x_<t) for every position t of every sequence: (B, length, V), exact."""
        B, n = x.shape
        belief = self.pi.expand(B, -1)  # P(h_t | x_<t)
        out = torch.empty(B, n, self.V, dtype=self.dtype, device=self.device)
        for t in range(n):
            out[:, t] = belief @ self.E
            post = belief * self.E[:, x[:, t]].T  # P(h_t, x_t | x_<t)
            post = post / post.sum(-1, keepdim=True)
            belief = post @ self.T
        return out


class TinyTransformer(torch.nn.Module):
    """Causal transformer: token + learned position embeddings, ``layers`` pre-norm blocks, tied output."""

    def __init__(self, V: int, d: int, layers: int, heads: int, max_len: int):
        super().__init__()
        if d % heads:
            raise DlverifyError(f"width {d} must be a multiple of the number of heads {heads}")
        self.tok = torch.nn.Embedding(V, d)
        self.pos = torch.nn.Embedding(max_len, d)
        block = torch.nn.TransformerEncoderLayer(
            d, heads, dim_feedforward=4 * d, dropout=0.0, batch_first=True, norm_first=True
        )
        self.body = torch.nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = torch.nn.LayerNorm(d)
        self.max_len = max_len

    def forward(self, x: Tensor) -> Tensor:
        """Logits for the word at each position given the words before it (position 0: no context).

        The input is shifted right by one with a start slot, so position t sees x_<t only."""
        B, n = x.shape
        h = torch.zeros(B, n, self.tok.embedding_dim, dtype=self.tok.weight.dtype, device=x.device)
        h[:, 1:] = self.tok(x[:, :-1])
        h = h + self.pos(torch.arange(n, device=x.device))
        mask = torch.nn.Transformer.generate_square_subsequent_mask(n, device=x.device, dtype=h.dtype)
        h = self.body(h, mask=mask, is_causal=True)
        return self.norm(h) @ self.tok.weight.T

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())


@dataclasses.dataclass
class TrainedModel:
    model: TinyTransformer
    width: int
    layers: int
    sequences: int
    steps: int
    wall_s: float
    final_loss: float


def train_lm(
    hmm: RandomHMM,
    *,
    width: int,
    layers: int,
    sequences: int,
    steps: int,
    length: int,
    seed: int,
    batch: int = 64,
    lr: float = 3e-3,
) -> TrainedModel:
    """Adam on cross-entropy over ``sequences`` sampled sequences (a fixed data budget), float32.
    ``seed`` names the run: the initial weights, the data and the batches are drawn from seeds
    derived from it (the process's global generator is left as it was)."""
    heads = 4 if width % 4 == 0 else 1
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(derive_seed(seed, "initial weights"))
        model = TinyTransformer(hmm.V, width, layers, heads, length).to(hmm.device)
    data = hmm.sample(sequences, length, seed=derive_seed(seed, "data"))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    g = generator(derive_seed(seed, "batches"), hmm.device)
    t0 = time.perf_counter()
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        idx = torch.randint(0, sequences, (min(batch, sequences),), generator=g, device=hmm.device)
        xb = data[idx]
        logits = model(xb)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, hmm.V), xb.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
    if hmm.device.type == "cuda":
        torch.cuda.synchronize()
    return TrainedModel(
        model, width, layers, sequences, steps, time.perf_counter() - t0, float(loss.detach())
    )


@torch.no_grad()
def model_next_word(tm: TrainedModel, x: Tensor) -> Tensor:
    """q(x_t = · | x_<t) from the trained model, in float64: (B, length, V)."""
    tm.model.eval()
    return torch.softmax(tm.model(x).double(), -1)


def entropy(p: Tensor) -> Tensor:
    return -torch.where(p > 0, p * torch.log(p), torch.zeros_like(p)).sum(-1)


def cross_entropy(p: Tensor, q: Tensor) -> Tensor:
    return -torch.where(p > 0, p * torch.log(q), torch.zeros_like(p)).sum(-1)

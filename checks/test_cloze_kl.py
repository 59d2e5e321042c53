"""Property checks for the KL bound for cloze questions (Arora et al. §15.8)."""
from __future__ import annotations

import math

import pytest
import sympy as sp
import torch
from hypothesis import given, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import distributions as dist
from dlverify.theorems import cloze_kl as ck
from dlverify.theorems.core import DlverifyError, Verdict

TID = "cloze_kl"


def test_every_derivation_step_is_certified():
    standard.derivation_certified(ck)


def test_log_sum_certificate_rejects_a_reversed_inequality():
    wrong = sp.Le(ck.a1 * sp.log(ck.a1 / ck.b1) + ck.a2 * sp.log(ck.a2 / ck.b2), ck.Asum * sp.log(ck.Asum / ck.Bsum))
    standard.certificate_rejects(ck, "log_sum", wrong)


@given(a=st.floats(1e-6, 1 - 1e-6), b=st.floats(1e-6, 1 - 1e-6))
def test_two_point_pairs_obey_the_tight_bound(a, b):
    p, q = dist.two_point_pairs(torch.tensor([a], dtype=torch.float64), torch.tensor([b], dtype=torch.float64))
    r = ck.evaluate(ck.THEOREM.claim("tight"), p, q)
    record(TID, counterexamples=r["violations"], ratio=r["worst_ratio"])
    target(r["worst_ratio"], label="error / √(ε/2)")
    assert r["violations"] == 0, r["counterexample"]


@given(V=st.integers(2, 5000), conc=st.floats(0.05, 20), close=st.floats(1e-3, 3), seed=st.integers(0, 2**31 - 1))
def test_random_pairs_obey_the_book_and_tight_bounds(ctx, V, conc, close, seed):
    p, q = dist.dirichlet_pairs(4, V, concentration=conc, closeness=close, seed=seed, device=ctx.device, dtype=ctx.dtype)
    for key in ("book", "tight"):
        r = ck.evaluate(ck.THEOREM.claim(key), p, q)
        record(TID, counterexamples=r["violations"], ratio=r["worst_ratio"])
        assert r["violations"] == 0, (key, r["counterexample"])


def test_supremum_is_attained_in_the_limit(ctx):
    sup = ck.sup_ratio(ctx)
    record(TID, ratio=sup["tight"], note=f"sup error/√(ε/2) = {sup['tight']:.9f}; book ratio {sup['book']:.9f}")
    # √(2ε) = 2√(ε/2) exactly, so the book's ratio is half the tight one up to rounding
    assert sup["attained"] and abs(sup["book"] - sup["tight"] / 2) <= 4 * torch.finfo(torch.float64).eps


@given(d=st.floats(0.01, 0.5))
def test_base_100_counterexample_exists(d):
    """√(2ε_b) needs ln(b)/2 ≤ 2: in base 100 two-point pairs near 1/2 break it."""
    p, q = dist.two_point_pairs(torch.tensor([0.5 + d / 2], dtype=torch.float64), torch.tensor([0.5 - d / 2], dtype=torch.float64))
    e100 = float(dist.kl(p, q, base=100.0)[0])
    tv = float(dist.tv_and_set(p, q)[0][0])
    record(TID, counterexamples=int(tv > math.sqrt(2 * e100)))
    assert tv > math.sqrt(2 * e100)


def test_independent_answers_break_any_bound_in_epsilon():
    p = torch.tensor([[0.5, 0.5]], dtype=torch.float64)
    errs = dist.cloze_errors(p, p, torch.tensor([[True, False]]))
    assert float(dist.kl(p, p)[0]) == 0 and abs(float(errs["independent"][0]) - 0.5) < 1e-15
    record(TID, counterexamples=1, note="q = p, ε = 0, independent error 1/2")


def test_registered_claims_hold(ctx):
    assert standard.registered_claims_hold(ck, ctx)["tight"] is Verdict.TIGHT


@pytest.mark.parametrize("variant", ck.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(ck, ctx, variant)


def test_bad_input_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="at least 2 words"):
        dist.dirichlet_pairs(1, 1, concentration=1.0, closeness=0.1, seed=0, device=ctx.device)
    p = torch.tensor([[0.5, float("nan")]], dtype=torch.float64)
    with pytest.raises(DlverifyError, match="NaN or inf"):
        dist.kl(p, p)


# --------------------------------------------------------------------------- an exact language and trained models

def test_hmm_next_word_is_exact_by_enumerating_hidden_paths():
    """Chain of trust: the batched forward filter equals P(x_≤t)/P(x_<t) summed over every hidden path."""
    import itertools

    from dlverify.numerics import language as lang

    hmm = lang.RandomHMM(3, 4, seed=5, device=torch.device("cpu"))
    x = hmm.sample(6, 4, seed=1)
    fast = hmm.next_word(x)

    def prob(prefix):  # P(x_0 … x_{k-1} = prefix), by brute force over hidden paths
        total = 0.0
        for hs in itertools.product(range(3), repeat=len(prefix)):
            pr = float(hmm.pi[hs[0]])
            for t, (h, w) in enumerate(zip(hs, prefix)):
                if t:
                    pr *= float(hmm.T[hs[t - 1], h])
                pr *= float(hmm.E[h, w])
            total += pr
        return total

    for b in range(6):
        for t in range(4):
            prefix = x[b, :t].tolist()
            denom = prob(prefix) if t else 1.0
            brute = [prob(prefix + [w]) / denom for w in range(4)]
            # both sides are ratios of sums of at most 3^4 products of at most 9 factors, each ≤ 1
            tol = 4 * ck.gamma(3**4 + 9)
            assert torch.allclose(fast[b, t], torch.tensor(brute, dtype=torch.float64), rtol=0, atol=tol)


def test_the_transformer_sees_only_the_past():
    """q at position t must not depend on x_t or later words (else the 'model' reads the answer)."""
    from dlverify.numerics import language as lang

    torch.manual_seed(0)
    model = lang.TinyTransformer(8, 16, 2, 4, 12)
    model.eval()
    x = torch.randint(0, 8, (3, 12))
    y = x.clone()
    y[:, 6:] = (y[:, 6:] + 1) % 8
    with torch.no_grad():
        a, b = model(x), model(y)
    assert torch.equal(a[:, :7], b[:, :7])  # positions 0…6 see words 0…5 only
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_trained_models_obey_the_bounds_at_every_position(ctx):
    lm = ck.language_models(ctx)
    record(TID, counterexamples=lm["violations"], note="trained transformers on an HMM language")
    assert lm["violations"] == 0 and lm["identity_failures"] == 0
    assert all(r["max error/√(ε/2)"] <= 1 for r in lm["rows"])


def test_a_wrong_cross_entropy_identity_is_caught(ctx):
    """CE = H − KL (sign flipped) fails at positions where the model is not exact."""
    from dlverify.numerics import language as lang

    r = ck.trained_models(ctx)[0]
    p, q = r["p"], r["q"]
    dev = (lang.cross_entropy(p, q) - (lang.entropy(p) - dist.kl(p, q))).abs()
    assert float(dev.max()) > 1e-3


# --------------------------------------------------------------------------- SmolLM2 (optional extra)

def test_smollm2_reads_real_text_and_obeys_the_bounds(ctx):
    """The torch reimplementation is checked by what a wrong one cannot do: a low perplexity on
    real text (a network with its positions switched off does far worse), then the bounds at every
    position for each model copy."""
    pytest.importorskip("gguf")
    from dlverify.numerics import smollm

    try:  # the package is found, not imported (its __init__ needs the inference stack we skip)
        smollm.gguf_path()
    except DlverifyError as exc:
        pytest.skip(str(exc))

    model = smollm.load()
    ids = smollm.encode(model, smollm.sklearn_text())[:200]

    def ppl(rope=True):
        orig = smollm._rope
        if not rope:
            smollm._rope = lambda x, base: x
        try:
            lp = torch.log_softmax(smollm.logits(model, ids).double(), -1)
        finally:
            smollm._rope = orig
        return math.exp(float(-lp[:-1].gather(-1, torch.tensor(ids[1:])[:, None]).mean()))

    good, broken = ppl(), ppl(rope=False)
    record(TID, note=f"SmolLM2 perplexity {good:.1f} (without rotary positions {broken:.1f})")
    assert good < 30 < broken or good < broken / 2
    sm = ck.smollm_pairs(ctx, n_tokens=128)
    for q in sm["qs"].values():
        for key in ("tight", "book", "bretagnolle_huber"):
            assert ck.evaluate(ck.THEOREM.claim(key), sm["p"], q)["violations"] == 0

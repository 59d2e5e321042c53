"""The numeric side of PAC-Bayes (``theorems/pac_bayes.py``): coverage of the bound forms where
the true risk is known, the forms side by side, and a risk certificate for a stochastic MLP.

A PAC-Bayes claim is a probability statement over the sample S: *with probability ≥ 1 − δ,
risk ≤ bound*.  The coverage family (:data:`FAMILIES`) evaluates the claim's own relation
(lambdified) on many independent samples S of each setting and counts, per setting and δ, the
samples where it fails (NaN counts as a failure).  Each count gets an exact one-sided binomial
test of "the failure rate is at most δ" (at most 0 when the claim does not assume the 1 − δ
event); the tests of one claim share the false-alarm probability ``ALPHA`` (Bonferroni), and the
seeds are fixed, so a run reproduces.  A rejected test is a violation of the claim.  This module
computes; the verdict is made by :func:`dlverify.theorems.evidence.decide`.

Instances come from the claim's assumptions: the loss range is the largest ``ℓ̄`` the
``loss_range`` relation allows, the prior uses as many bits of S as ``prior_fixed`` allows (0:
fixed before S), and each hypothesis the claim does not make is violated on purpose (losses in
[0, 4] and [0, 25]; a prior chosen after seeing S).  A setting that violates an assumption the
claim does make is never used.  The draws of a setting and the coverage of a relation are
computed once per run (``ctx.cached``): the claims, the wrong variants, the source lines, the
experiments and the tightness table read the same cells.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import sympy as sp
import torch

from ..theorems import pac_bayes as book
from ..theorems.core import (
    Comparison,
    DlverifyError,
    Experiment,
    Measurement,
    Plot,
    Rate,
    Series,
    TightnessRow,
)
from ..theorems.relations import slack
from . import pac_bayes_primitives as prim
from .contract import Family, measure_on
from .device import RunContext, generator
from .evidence import measure_relation, names, skipped
from .lambdify import TorchFn, to_torch
from .stats import binomial_upper_pvalue, clopper_pearson

#: family-wise false-alarm probability of one claim's coverage verdict (all its tests together)
ALPHA = 1e-6
DELTAS = (0.05, 0.2)
INSTANCE = frozenset({"risk", "qhat", "KL", "m", "delta"})
#: float rounding bound on a bound's value (the formulas are a few dozen float64 operations on
#: numbers below 100, so their error is far below this); a failure must exceed it
ROUNDING = 1e-12


# ----------------------------------------------------------------------------- the claims' undefined function
#
# The claims call one undefined sympy function, KLInv(q, c): the largest p in [q, 1] with
# kl(q‖p) ≤ c, returned as a rigorous upper end (:func:`prim.kl_inverse_upper`).  It is given
# here in the two forms the harness evaluates it in:
#
# * ``FUNCTIONS`` (the contract's table): scalar floats, for the mutation classifier, which
#   evaluates a mutant's relation at sample points (q clamped into [0, 1], c at 0 from below);
# * ``_TORCH_FUNCTIONS``: batched tensors, for every lambdified formula of this module
#   (:func:`compiled`); undefined (NaN, a violation) for q outside [0, 1].


def _klinv_float(q: float, c: float) -> float:
    q64 = torch.tensor([min(max(q, 0.0), 1.0)], dtype=torch.float64)  # float64: float32 rounds it down
    return float(prim.kl_inverse_upper(q64, torch.tensor([max(c, 0.0)], dtype=torch.float64))[0])


def _klinv_torch(q, c):
    ok = (q >= 0) & (q <= 1)
    return torch.where(
        ok, prim.kl_inverse_upper(q.clamp(0, 1), c.clamp_min(0)), torch.full_like(q, float("nan"))
    )


FUNCTIONS = {"KLInv": _klinv_float}
#: the directions of KLInv(q, c) in its arguments (the mutation classifier's monotonicity proofs):
#: nondecreasing in c (the sets {p : kl(q‖p) ≤ c} are nested) and in q (for p ≥ q₂ ≥ q₁,
#: kl(q₂‖p) ≤ kl(q₁‖p), since ∂kl(q‖p)/∂q = ln(q/p) − ln((1 − q)/(1 − p)) ≤ 0 for q ≤ p)
MONOTONE = {"KLInv": (1, 1)}
_TORCH_FUNCTIONS = {"KLInv": _klinv_torch}


@functools.lru_cache(maxsize=512)
def compiled(expr: sp.Basic) -> TorchFn:
    """``expr`` lambdified with the claims' undefined functions: once per process (a pure function
    of the expression; lambdify is the slow part)."""
    return to_torch(expr, extra=_TORCH_FUNCTIONS)


def bound_values(form: sp.Expr, qhat: torch.Tensor, kl: torch.Tensor, m: int, delta: float) -> torch.Tensor:
    fn = compiled(form)
    vals = {
        "qhat": qhat,
        "KL": kl,
        "m": torch.full_like(qhat, float(m)),
        "delta": torch.full_like(qhat, delta),
    }
    return fn({k: v for k, v in vals.items() if k in fn.symbols})


#: Gaussian posteriors over linear classifiers: N(θ, σ²I) with |θ| = LINEAR_NORM along the data's
#: mean of y·x, σ = LINEAR_SIGMA, prior N(0, LINEAR_PRIOR_VAR·I) fixed before S
LINEAR_NORM, LINEAR_SIGMA, LINEAR_PRIOR_VAR = 3.0, 1.0, 1.0


def gaussian_kl(theta: torch.Tensor, sigma, prior_mean, prior_var: float) -> torch.Tensor:
    """KL(N(θ, σ²I) ‖ N(θ₀, λI)): step gauss_kl's formula, lambdified, summed over coordinates."""
    vals = {
        "theta": theta,
        "theta0": torch.as_tensor(prior_mean, dtype=theta.dtype, device=theta.device).expand_as(theta),
        "sigma": torch.as_tensor(sigma, dtype=theta.dtype, device=theta.device).expand_as(theta),
        "lambda_P": torch.full_like(theta, prior_var),
    }
    return compiled(book.GAUSS_KL_1D)(vals).sum(-1)


def network_kl(post, prior_mean: list[torch.Tensor], prior_var: float) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(μ₀, λI)) over every weight of a network: :func:`gaussian_kl` per tensor."""
    total = sum(
        gaussian_kl(m.reshape(-1), s_.reshape(-1), m0.reshape(-1), prior_var)
        for m, s_, m0 in zip(post.mu, post.sigma(), prior_mean)
    )
    assert isinstance(total, torch.Tensor)  # a network has at least one weight tensor
    return total


# ----------------------------------------------------------------------------- samples S


def simulate(
    ctx: RunContext,
    *,
    n_samples: int,
    m: int,
    K,
    seed: int,
    loss_scale: float = 1.0,
    prior_bits: float = 0.0,
    temp: float | None = None,
    risk_level: float = 0.5,
    linear_d: int = 0,
    noise: float = 0.1,
    memorizer: bool = False,
):
    """Draw S ``n_samples`` times; return (E_Q L_D, E_Q L̂_S, KL(Q‖P)) per sample.

    Hypotheses err independently (example = K independent bits; h_k errs iff bit k is set), true
    risks spread over [0.05, 0.5] (K = 1: one hypothesis of risk ``risk_level``, Q = P, the
    bound is a deviation bound for one mean).  ``prior_bits`` = b > 0: the prior uses b bits of S
    -- P = Q = the point mass on the empirical risk minimiser of 2^b hypotheses of risk 0.5
    (KL = 0); ``memorizer``: the point mass on a rule that looks S up (empirical risk 0, KL = 0,
    true risk ``risk_level``).  ``linear_d``: Gaussian posteriors over linear classifiers."""
    dev = ctx.device
    if memorizer:
        z = torch.zeros(n_samples, dtype=torch.float64, device=dev)
        return loss_scale * (z + risk_level), z, z
    if linear_d:
        theta, true, emp = prim.linear_coverage_samples(
            n_samples, m, linear_d, noise=noise, norm=LINEAR_NORM, sigma=LINEAR_SIGMA, seed=seed, device=dev
        )
        return loss_scale * true, loss_scale * emp, gaussian_kl(theta, LINEAR_SIGMA, 0.0, LINEAR_PRIOR_VAR)
    if prior_bits > 0:
        K = int(round(2**prior_bits))
        r = torch.full((K,), 0.5, dtype=torch.float64, device=dev)
    elif K == 1:
        r = torch.full((1,), float(risk_level), dtype=torch.float64, device=dev)
    else:
        r = torch.linspace(0.05, 0.5, K, dtype=torch.float64, device=dev)
    trials = torch.full((n_samples, K), float(m), dtype=torch.float64, device=dev)
    emp = torch.binomial(trials, r.expand(n_samples, K).contiguous(), generator=generator(seed, dev)) / m
    if prior_bits > 0:
        best = emp.min(-1)
        zero = torch.zeros(n_samples, dtype=torch.float64, device=dev)
        return loss_scale * r[best.indices], loss_scale * best.values, zero
    P = torch.full((K,), 1.0 / K, dtype=torch.float64, device=dev)
    Q = prim.gibbs_posterior(P, emp, temp if temp is not None else math.sqrt(m))
    return loss_scale * (Q * r).sum(-1), loss_scale * (Q * emp).sum(-1), prim.kl_discrete(Q, P)


#: keys of a setting that do not describe the draws (what the setting violates, its sample counts)
_NOT_DRAWN = ("violates", "n", "loss_scale")


def samples(ctx: RunContext, setting: dict, n: int):
    """The ``n`` draws of a setting, once per run and seeded by the setting's own description;
    the loss scale multiplies the same draws.  Every claim, variant and mutant measured on a
    setting is scored on the same samples S."""
    drawn = {k: v for k, v in setting.items() if k not in _NOT_DRAWN}
    name = ("pac_bayes samples", n, tuple(sorted(drawn.items(), key=lambda kv: kv[0])))
    true, emp, kl = ctx.cached(name, lambda: simulate(ctx, n_samples=n, seed=ctx.seed_for(*name), **drawn))
    scale = setting.get("loss_scale", 1.0)
    return (scale * true, scale * emp, kl) if scale != 1.0 else (true, emp, kl)


def sample_count(ctx: RunContext, setting: dict, n: int) -> int:
    """How many samples S a setting is drawn for: its own ``n`` (ci, thorough) if it names one;
    fewer where the prior looks at S (2^b hypotheses per sample); else ``n``."""
    if "n" in setting:
        return ctx.size(*setting["n"])
    return ctx.size(2000, 20000) if setting.get("prior_bits") else n


# Gibbs posterior over 20 hypotheses; one hypothesis (Q = P) at risk 1/2 and, where the kl and
# Catoni forms are tightest, at risk 2/m; Gaussian posteriors over linear classifiers in d = 5
SETTINGS = (
    {"K": 20, "m": 100},
    {"K": 1, "m": 100},
    {"K": 1, "m": 30},
    {"K": 1, "m": 100, "risk_level": 0.02},
    {"K": "gauss-linear d=5", "m": 100, "linear_d": 5, "n": (2000, 100000)},
)
#: the cited moment bounds (Maurer's, the λ-bound's): each rests on the loss range and a fixed prior,
#: so a setting that violates either violates them too
MOMENTS = frozenset({"moment_kl", "moment_lambda"})
#: each hypothesis a claim may drop, violated on purpose (with what it takes away: the moment
#: bounds need both the loss range and a fixed prior)
VIOLATING = (
    {"K": 1, "m": 100, "loss_scale": 4.0, "violates": {"loss_range", *MOMENTS}},
    {"K": 1, "m": 100, "loss_scale": 25.0, "risk_level": 0.02, "violates": {"loss_range", *MOMENTS}},
    {"K": "ERM prior, 10 bits", "m": 100, "prior_bits": 10.0, "violates": {"prior_fixed", *MOMENTS}},
    {"K": "memorizer", "m": 100, "memorizer": True, "violates": {"prior_fixed", *MOMENTS}},
)


def _sup(rel: sp.Basic, name: str, cap: float) -> float:
    """The largest value of the symbol ``name`` (up to ``cap``) that the assumption's relation allows."""
    sym = next((s for s in rel.free_symbols if s.name == name), None)
    if sym is None:
        return cap
    try:
        top = float(sp.solve_univariate_inequality(rel, sym, relational=False).sup)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return cap
    return min(top, cap) if math.isfinite(top) else cap


def settings_for(assumptions: tuple[str, ...], theorem=None) -> list[dict]:
    """The settings a claim is measured on, from its assumptions (see the module docstring)."""
    theorem = theorem or book.THEOREM
    have = set(assumptions)
    scale = _sup(theorem.assumption("loss_range").relation, "ellbar", 100.0) if "loss_range" in have else 1.0
    bits = _sup(theorem.assumption("prior_fixed").relation, "b_P", 1e9) if "prior_fixed" in have else 0.0
    out: list[dict[str, Any]] = [
        dict(s)
        | ({"loss_scale": scale} if scale != 1.0 else {})
        | ({"prior_bits": min(bits, 12.0)} if bits > 0 else {})
        for s in SETTINGS
    ]
    if bits >= 64:  # a prior allowed that many bits of S can be the point mass on a rule that looks S up
        out.append({"K": "memorizer", "m": 100, "memorizer": True})
    out += [dict(s) for s in VIOLATING]
    return [s for s in out if not (s.get("violates", set()) & have)]


# ----------------------------------------------------------------------------- coverage


def confident_in(assumptions, theorem=None) -> bool:
    """Whether a claim is a statement "with probability ≥ 1 − δ": it assumes a Markov event
    (an assumption marked ``event``); without one it is claimed for every sample (rate 0)."""
    theorem = theorem or book.THEOREM
    return any(theorem.assumption(k).event for k in assumptions)


def _selecting(theorem, assumptions) -> list[sp.Basic]:
    """The claim's assumptions over the instance quantities (e.g. KL = 0): they select settings."""
    rels = [theorem.assumption(k).relation for k in assumptions]
    return [r for r in rels if r is not None and names(r) <= INSTANCE]


def _canonical(settings: list[dict]) -> tuple:
    return tuple(
        tuple(sorted((k, repr(sorted(v)) if isinstance(v, set) else repr(v)) for k, v in s.items()))
        for s in settings
    )


def coverage(
    relation: sp.Basic,
    ctx: RunContext,
    assumptions: tuple[str, ...],
    *,
    settings: list[dict] | None = None,
    n: int | None = None,
    theorem=None,
) -> dict:
    """Failure counts of ``relation`` per setting and δ, each with its exact binomial p-value;
    computed once per run for what determines it: the relation, the allowed failure rate (δ
    with a Markov event, else 0), the selecting assumptions, the settings and n."""
    theorem = theorem or book.THEOREM
    selecting = _selecting(theorem, assumptions)
    settings = settings_for(tuple(assumptions), theorem) if settings is None else settings
    n = n or ctx.size(20000, 100000, gpu=400000)
    confident = confident_in(assumptions, theorem)
    key = (
        "pac_bayes coverage",
        sp.srepr(relation),
        confident,
        tuple(sp.srepr(f) for f in selecting),
        _canonical(settings),
        n,
    )
    return ctx.cached(key, lambda: _coverage(relation, ctx, confident, selecting, settings, n))


def _selects(rel: sp.Basic, vals: dict) -> bool:
    """Whether an assumption over the instance quantities holds on every sample (to rounding)."""
    fs = compiled(slack(rel))(vals)
    ok = fs.abs() <= ROUNDING if isinstance(rel, sp.Equality) else fs >= -ROUNDING
    return bool(ok.all())


def _coverage(relation, ctx: RunContext, confident: bool, selecting, settings, n: int) -> dict:
    t0 = time.perf_counter()
    slack_fn = compiled(slack(relation))
    cells = []
    for st_ in settings:
        n_j = sample_count(ctx, st_, n)
        true, emp, kl = samples(ctx, st_, n_j)
        for delta in DELTAS:
            vals = {
                "risk": true,
                "qhat": emp,
                "KL": kl,
                "m": torch.full_like(emp, float(st_["m"])),
                "delta": torch.full_like(emp, delta),
            }
            if not all(_selects(f, vals) for f in selecting):
                continue
            sl = torch.as_tensor(slack_fn(vals), dtype=torch.float64).expand_as(emp)
            cells.append(_cell(st_, delta, int((~(sl >= -ROUNDING)).sum()), n_j, delta if confident else 0.0))
    for c in cells:
        c["rejected"] = c["p_value"] < ALPHA / max(len(cells), 1)
    return {"cells": cells, "wall_s": time.perf_counter() - t0, "n": n}


def _cell(setting: dict, delta: float, k: int, n: int, level: float) -> dict:
    """One test: k failures in n samples of a setting at δ, against the allowed rate ``level``."""
    return {
        "K": setting["K"],
        "m": setting["m"],
        "delta": delta,
        "allowed_rate": level,
        "violations": k,
        "rate": k / n,
        "samples": n,
        "p_value": binomial_upper_pvalue(k, n, level) if k else 1.0,
        "setting": {k_: v for k_, v in setting.items() if k_ not in ("K", "m", "violates", "n")},
        "violates": sorted(setting.get("violates", ())),
    }


# ----------------------------------------------------------------------------- exact coverage
#
# Where the sample space is finite the failure probability is a finite sum, not an estimate:
# one hypothesis with Bernoulli losses (Q = P = its point mass, KL = 0) has L̂_S = ℓ̄·k/m with
# k ~ Binomial(m, p), so P_S[the bound fails] = Σ_k P[k]·[fails at k/m] exactly; with 2^b such
# hypotheses and the prior put on the empirical risk minimiser after seeing S, k is the minimum
# of 2^b independent binomials (P[min ≤ j] = 1 − (1 − F(j))^K).  The risk p is chosen near the
# bound's worst case -- just above the bound at each count k, where the failure set gains k --
# and δ goes down to 1e-48: a constant lost in the exponent (a factor under √, 1/δ → 1/√δ, a
# 1/δ dropped) makes the failure probability δ^κ with κ < 1, far above δ there.  A cell is
# searched in float64 (log-space binomials) and a violation counts only when its failure
# probability is certified above the allowed rate in ball arithmetic (python-flint's arb at 128
# bits, p the exact rational of its float); a bound that is not a finite number where the
# sample has positive probability is a violation whatever the rate.

#: sample sizes (m = 1 is added where the claim drops m ≥ 2) and confidence levels (δ ≥ 1 added
#: where it drops δ < 1: there only a non-finite bound can fail, the rate is never above δ)
EXACT_M = (2, 3, 5, 10, 30, 100, 300, 1000, 3000)
EXACT_DELTAS = (1e-2, 1e-6, 1e-12, 1e-24, 1e-48)
EXACT_DELTAS_BEYOND = (2.0, 1e6)
#: candidate risks per (m, δ) taken just above the bound at a count k (evenly spaced k's), and
#: the step above it (the bound's float value is within ~1e-15 of the exact one; ROUNDING is 1e-12)
EXACT_CANDIDATES, EXACT_STEP = 160, 1e-9
#: hypotheses of the ERM prior (2^12), as in the simulated family's prior chosen after S
EXACT_ERM_BITS = 12
#: relative error allowed to the float64 search before a cell is certified (lgamma of m ≤ 1e4
#: is within 1e-10 relative of the exact value; the certification decides, this only filters)
EXACT_SEARCH_RTOL = 1e-6


def _in_domain(domain: tuple, name: str, values: tuple) -> tuple:
    """The values of the symbol ``name`` that every domain relation over it alone allows."""
    rels = [d for d in domain if {s.name for s in d.free_symbols} == {name}]
    sym = {s.name: s for d in rels for s in d.free_symbols}.get(name)
    return tuple(v for v in values if all(bool(d.subs(sym, v)) for d in rels))


_sup_once = functools.lru_cache(maxsize=64)(_sup)  # sympy's solve is slow; a relation's sup never changes


def exact_settings(assumptions: tuple[str, ...], theorem=None, domain: tuple = ()) -> list[dict]:
    """The exact family's settings from a claim's assumptions: losses in [0, ℓ̄] with the largest
    ℓ̄ ``loss_range`` allows (4 and 25 where it is dropped together with the moment bound resting
    on it), a prior fixed before S (where ``prior_fixed`` and the moment bound are dropped: 2^12
    hypotheses and the point mass on the ERM), m from :data:`EXACT_M` and δ from
    :data:`EXACT_DELTAS` (m = 1 and δ ≥ 1 where ``m_ge_2`` / ``delta_lt_1`` are dropped), risk
    p = 1 allowed where ``risk_lt_1`` is dropped.  The claim's ``domain`` relations over m and δ
    (what every instance the claim is about satisfies: a probability statement has δ < 1) are
    kept: m and δ outside them are never used."""
    theorem = theorem or book.THEOREM
    have = set(assumptions)
    rel = {k: theorem.assumption(k).relation for k in ("loss_range", "prior_fixed")}
    scale = _sup_once(rel["loss_range"], "ellbar", 100.0) if "loss_range" in have else 1.0
    bits = _sup_once(rel["prior_fixed"], "b_P", 1e9) if "prior_fixed" in have else 0.0
    ms = _in_domain(domain, "m", EXACT_M if "m_ge_2" in have else (1,) + EXACT_M)
    deltas = _in_domain(
        domain, "delta", EXACT_DELTAS if "delta_lt_1" in have else EXACT_DELTAS + EXACT_DELTAS_BEYOND
    )
    base: dict[str, Any] = {
        "scale": scale,
        "bits": min(bits, float(EXACT_ERM_BITS)),
        "p_one": "risk_lt_1" not in have,
    }
    out: list[dict[str, Any]] = [dict(base, violates=frozenset())]
    out += [dict(base, scale=s, violates=MOMENTS | {"loss_range"}) for s in (4.0, 25.0)]
    out.append(dict(base, bits=float(EXACT_ERM_BITS), violates=MOMENTS | {"prior_fixed"}))
    return [dict(s, ms=ms, deltas=deltas) for s in out if not (s["violates"] & have)]


def _log_binom_pmf(m: int, k: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """log P[Binomial(m, p) = k] for a column of p's and a row of k's (p = 0 or 1 exact)."""
    mm = torch.tensor(float(m), dtype=torch.float64, device=k.device)
    lc = torch.lgamma(mm + 1) - torch.lgamma(k + 1) - torch.lgamma(mm - k + 1)
    return lc + torch.special.xlogy(k, p) + torch.special.xlog1py(mm - k, -p)


def count_distribution(m: int, p: torch.Tensor, bits: float = 0.0) -> torch.Tensor:
    """P[k] for k = 0..m, one row per risk p: Binomial(m, p), or (``bits`` = b > 0) the minimum
    of 2^b independent Binomial(m, p) counts (the ERM's count), in float64."""
    k = torch.arange(m + 1, dtype=torch.float64, device=p.device)
    pmf = _log_binom_pmf(m, k[None, :], p[:, None]).exp()
    if bits <= 0:
        return pmf
    K = float(round(2**bits))
    surv = (1 - pmf.cumsum(-1)).clamp(0, 1)  # P[one count > k]
    above = surv**K  # P[min > k]
    below = torch.cat([torch.ones_like(above[:, :1]), above[:, :-1]], -1)  # P[min > k − 1]
    return (below - above).clamp_min(0)


def certified_failure(m: int, p: float, fails: list[int], bits: float = 0.0, prec: int = 128):
    """The failure probability Σ_{k ∈ fails} P[k] as an arb ball (p the exact rational of the
    float, binomial terms by the exact recurrence P[k+1] = P[k]·(m − k)/(k + 1)·p/(1 − p))."""
    from flint import arb, ctx, fmpq

    old = ctx.prec
    ctx.prec = prec
    try:
        pq = arb(fmpq(*float(p).as_integer_ratio()))
        one = arb(1)
        if p >= 1.0:
            pmf = [arb(0)] * m + [one]
        elif p <= 0.0:
            pmf = [one] + [arb(0)] * m
        else:
            pmf, term, ratio = [], (one - pq) ** m, pq / (one - pq)
            for k in range(m + 1):
                pmf.append(term)
                term = term * (m - k) / (k + 1) * ratio
        if bits > 0:
            K = int(round(2**bits))
            cdf, above, prev = arb(0), [], one
            for k in range(m + 1):
                cdf = cdf + pmf[k]
                a = (one - cdf) ** K
                above.append(prev - a)  # P[min = k]
                prev = a
            pmf = above
        total = arb(0)
        for k in fails:
            total = total + pmf[k]
        return total
    finally:
        ctx.prec = old


def _bound_of(relation) -> sp.Basic | None:
    """f when the relation reads risk ≤ f with no risk in f; None otherwise."""
    risk = next((s for s in relation.free_symbols if s.name == "risk"), None)
    if isinstance(relation, sp.LessThan) and relation.lhs == risk and risk not in relation.rhs.free_symbols:
        return relation.rhs
    return None


def _exact_candidates(f_row, setting: dict, m: int, k: torch.Tensor) -> torch.Tensor:
    """The risks p (in units of ℓ̄) tried in one cell: just above the bound ``f_row`` (its values at
    the counts, when the relation reads risk ≤ f) at evenly spaced counts k, and a fixed grid."""
    grid = [torch.linspace(0.01, 0.99, 33, dtype=torch.float64, device=k.device)]
    if f_row is not None:
        idx = torch.unique(torch.linspace(0, m, min(m + 1, EXACT_CANDIDATES), device=k.device).round().long())
        b = f_row.reshape(-1)[idx] / setting["scale"]
        grid.append(b[torch.isfinite(b)] + EXACT_STEP)
    if setting["p_one"]:
        grid.append(torch.ones(1, dtype=torch.float64, device=k.device))
    p = torch.cat(grid)
    top = 1.0 if setting["p_one"] else math.nextafter(1.0, 0.0)
    return torch.unique(p[(p > 0) & (p <= top)])


def _values(expr: sp.Basic, qhat: torch.Tensor, m: int, delta: float, risk=None) -> torch.Tensor:
    """``expr`` at KL = 0 (one hypothesis: Q = P), empirical risk ``qhat`` (a row), m, δ and
    ``risk`` (a column; the result broadcasts to risks × counts)."""
    vals = {
        "qhat": qhat,
        "KL": torch.zeros_like(qhat),
        "m": torch.full_like(qhat, float(m)),
        "delta": torch.full_like(qhat, delta),
    }
    if risk is not None:
        vals["risk"] = risk
    fn = compiled(expr)
    return torch.as_tensor(fn({k: v for k, v in vals.items() if k in fn.symbols}), dtype=torch.float64)


def _exact_cell(relation, setting: dict, m: int, delta: float, confident: bool, device) -> dict:
    """One (setting, m, δ): the worst candidate risk's failure probability, certified when it
    exceeds the allowed rate (δ under a Markov event, else 0), and any non-finite bound."""
    scale, bits = setting["scale"], setting["bits"]
    k = torch.arange(m + 1, dtype=torch.float64, device=device)
    qhat = scale * k[None, :] / m
    bound = _bound_of(relation)
    f = None if bound is None else _values(bound, qhat, m, delta).expand(1, m + 1)
    p = _exact_candidates(f, setting, m, k)
    if f is not None:  # risk ≤ f: f once per count, the slack f − risk by broadcasting
        sl = f - scale * p[:, None]
    else:
        sl = _values(slack(relation), qhat, m, delta, risk=scale * p[:, None]).expand(p.shape[0], m + 1)
    prob = count_distribution(m, p, bits)
    fail = ~(sl >= -ROUNDING)  # NaN counts as a failure
    nonfinite = ~torch.isfinite(sl) & (prob > 0)
    pf = (prob * fail).sum(-1)
    allowed = min(delta, 1.0) if confident else 0.0
    i = int(pf.argmax())
    cell = {
        "m": m,
        "delta": delta,
        "scale": scale,
        "hypotheses": int(round(2**bits)),
        "allowed_rate": allowed,
        "p": float(p[i]),
        "failure": float(pf[i]),
        "certified": None,
        "nonfinite": bool(nonfinite.any()),
        "violated": False,
    }
    if cell["nonfinite"]:
        j = int(nonfinite.any(-1).nonzero()[0])
        kk = int(nonfinite[j].nonzero()[0])
        cell |= {"violated": True, "p": float(p[j]), "failing_counts": [kk], "bound": "not a finite number"}
        return cell
    if pf[i] > allowed * (1 + EXACT_SEARCH_RTOL):
        fails = fail[i].nonzero().flatten().tolist()
        ball = certified_failure(m, float(p[i]), fails, bits)
        from flint import arb, fmpq

        above = bool(ball > arb(fmpq(*float(allowed).as_integer_ratio())))  # certain: the whole ball
        cell |= {"certified": str(ball), "violated": above, "failing_counts": _ranges(fails)}
    return cell


def _ranges(ks: list[int]) -> str:
    """Counts as runs ('0–12, 40')."""
    out, start = [], None
    for a, b in zip(ks, ks[1:] + [None]):
        start = a if start is None else start
        if b != a + 1:
            out.append(f"{start}" if start == a else f"{start}–{a}")
            start = None
    return ", ".join(out)


def exact_coverage(
    relation: sp.Basic, ctx: RunContext, assumptions: tuple[str, ...], theorem=None, domain: tuple = ()
) -> dict:
    """Every exact cell of a relation (see :func:`exact_settings`), once per run for what
    determines it."""
    settings = exact_settings(tuple(assumptions), theorem, tuple(domain))
    confident = confident_in(assumptions, theorem)
    key = ("pac_bayes exact coverage", sp.srepr(relation), confident, repr(settings))

    def run():
        t0 = time.perf_counter()
        cells = [
            _exact_cell(relation, s, m, d, confident, ctx.device) | {"violates": sorted(s["violates"])}
            for s in settings
            for m in s["ms"]
            for d in s["deltas"]
        ]
        return {"cells": cells, "wall_s": time.perf_counter() - t0}

    return ctx.cached(key, run)


def measure_exact(claim, ctx: RunContext, theorem=None) -> list[Measurement]:
    """A bound on the risk, measured by exact coverage (a finite sum per cell)."""
    if names(claim.relation) - INSTANCE:
        return [skipped("exact coverage", "the relation is not over the instance quantities")]
    theorem = theorem or book.THEOREM
    kl0 = {"KL": torch.zeros(1, dtype=torch.float64)}
    if not all(_selects(f, kl0) for f in _selecting(theorem, tuple(claim.assumptions)) if names(f) <= {"KL"}):
        return [skipped("exact coverage", "the claim assumes KL ≠ 0; the exact family has KL = 0")]
    cells = exact_coverage(claim.relation, ctx, tuple(claim.assumptions), theorem, claim.domain)["cells"]
    bad = [c for c in cells if c["violated"]]
    rated = [c for c in cells if c["allowed_rate"] < 1] or cells  # δ ≥ 1: only a non-finite bound fails
    worst = max(rated, key=lambda c: c["failure"] / c["allowed_rate"] if c["allowed_rate"] else c["failure"])
    cex = None
    if bad:
        c = max(bad, key=lambda c: c["failure"] / c["allowed_rate"] if c["allowed_rate"] else 1.0)
        cex = {
            "setting": f"one hypothesis of risk {c['scale'] * c['p']!r}"
            + (f" among {c['hypotheses']} (prior on the ERM after S)" if c["hypotheses"] > 1 else "")
            + f", losses in {{0, {c['scale']:g}}}, KL = 0",
            "m": c["m"],
            "delta": c["delta"],
            "failing_counts": c.get("failing_counts"),
            "failure_probability": c.get("certified") or c.get("bound"),
            "allowed_rate": c["allowed_rate"],
        }
    ratio = worst["failure"] / worst["allowed_rate"] if worst["allowed_rate"] else worst["failure"]
    return [
        Measurement(
            how="exact coverage: the failure probability as a finite binomial sum per (m, δ) at the "
            "worst of the candidate risks, certified in ball arithmetic",
            checked=len(cells),
            violations=len(bad),
            worst_ratio=ratio,
            counterexample=cex,
            detail=f"{len(cells)} cells (m ≤ {max(EXACT_M)}, δ down to {min(EXACT_DELTAS):g}); highest "
            f"failure probability / allowed rate {ratio:.3g} (m = {worst['m']}, δ = {worst['delta']:g}, "
            f"risk {worst['scale'] * worst['p']:.4g})",
        )
    ]


# -------------------------------------------------------------------------- the VC theorem (003:845), exactly
#
# A bound through the growth function, risk ≤ f(qhat, m, δ, S_2n) for every f of the class at once,
# has a failure probability P_S[∃ f: the bound fails] that is a finite sum on two classes whose growth
# function is known exactly (0/1 losses, sample size m, S_2n = S_F(2m)):
#
# * N "coordinate" classifiers f_i(x) = x_i on x ∈ {0, 1}^N, label 0, coordinates independent
#   Bernoulli(p): the losses are N independent Bernoulli(p), and S_F(r) = min(N, 2^r) (r points can
#   be chosen so that the N columns are distinct exactly when N ≤ 2^r).  The uniform failure is
#   1 − (1 − q)^N, q = Σ_{failing counts k} P[Binomial(m, p) = k]; p as in the exact family;
# * thresholds f_t(x) = 1[x ≤ t], t ∈ [0, 1], x uniform on [0, 1], label 0: R(f_t) = t and
#   R_n(f_t) = F_m(t), the empirical cdf, and S_F(r) = r + 1.  With b_j the bound at qhat = j/m,
#   some t fails iff U_(j+1) > b_j for some j < m (t just below the next order statistic) or 1 > b_m,
#   so the bound holds for all t iff U_(i) ≤ c_i := min_{j ≥ i} b_{j−1} for i = 1..m: a probability of
#   uniform order statistics, computed in ball arithmetic by a multinomial recursion over the
#   intervals between the c_i (every risk t ∈ [0, 1] at once: nothing is searched).

#: the instance quantities of the growth-function family
VC_QUANTITIES = frozenset({"risk", "qhat", "m", "delta", "S_2n"})
VC_M = (1, 2, 3, 5, 10, 30, 100, 300, 1000)
VC_THRESHOLD_M = (1, 2, 3, 5, 10, 30, 100)
VC_DELTAS = (0.5, 1e-2, 1e-6, 1e-12, 1e-24)
VC_CLASSES = (1, 16, 4096)
#: working precision (bits) of the threshold recursion: the failure 1 − P is read off to ~1e-60
VC_PREC = 256


def _vc_values(
    expr: sp.Basic, qhat: torch.Tensor, m: int, delta: float, s2n: float, risk=None
) -> torch.Tensor:
    vals = {
        "qhat": qhat,
        "m": torch.full_like(qhat, float(m)),
        "delta": torch.full_like(qhat, delta),
        "S_2n": torch.full_like(qhat, float(s2n)),
    }
    if risk is not None:
        vals["risk"] = risk
    fn = compiled(expr)
    return torch.as_tensor(fn({k: v for k, v in vals.items() if k in fn.symbols}), dtype=torch.float64)


def coordinate_growth(n_cls: int, r: int) -> int:
    """S_F(r) of the N coordinate classifiers: min(N, 2^r)."""
    return n_cls if r >= 63 else min(n_cls, 2**r)


def vc_coordinate_cell(relation, m: int, n_cls: int, delta: float, confident: bool, device=None) -> dict:
    """N coordinate classifiers, sample size m, at the worst of the candidate risks p: the exact
    probability that the relation fails for some classifier (certified above the allowed rate)."""
    s2n = coordinate_growth(n_cls, 2 * m)
    k = torch.arange(m + 1, dtype=torch.float64, device=device)
    qhat = k[None, :] / m
    bound = _bound_of(relation)
    setting = {"scale": 1.0, "p_one": False}
    f = None if bound is None else _vc_values(bound, qhat, m, delta, s2n).expand(1, m + 1)
    p = _exact_candidates(f, setting, m, k)
    if f is not None:
        sl = f - p[:, None]
    else:
        sl = _vc_values(slack(relation), qhat, m, delta, s2n, risk=p[:, None]).expand(p.shape[0], m + 1)
    prob = count_distribution(m, p)
    fail = ~(sl >= -ROUNDING)
    nonfinite = ~torch.isfinite(sl) & (prob > 0)
    q = (prob * fail).sum(-1).clamp(0, 1)
    pf = -torch.expm1(n_cls * torch.log1p(-q))  # 1 − (1 − q)^N
    allowed = min(delta, 1.0) if confident else 0.0
    i = int(pf.argmax())
    cell = {
        "class": f"{n_cls} coordinate classifiers",
        "m": m,
        "delta": delta,
        "S_2n": s2n,
        "allowed_rate": allowed,
        "p": float(p[i]),
        "failure": float(pf[i]),
        "certified": None,
        "violated": False,
    }
    if bool(nonfinite.any()):
        j = int(nonfinite.any(-1).nonzero()[0])
        return cell | {"violated": True, "p": float(p[j]), "failure": 1.0, "bound": "not a finite number"}
    if pf[i] > allowed * (1 + EXACT_SEARCH_RTOL):
        from flint import arb, ctx, fmpq

        fails = fail[i].nonzero().flatten().tolist()
        old, ctx.prec = ctx.prec, 128
        try:  # 1 − (1 − q)^N at the ball's precision (at 53 bits a failure near 1e-24 would be lost)
            ball = 1 - (1 - certified_failure(m, float(p[i]), fails)) ** n_cls
        finally:
            ctx.prec = old
        above = bool(ball > arb(fmpq(*float(allowed).as_integer_ratio())))
        cell |= {"certified": str(ball), "violated": above, "failing_counts": _ranges(fails)}
    return cell


def order_statistics_below(c: list[float], prec: int = VC_PREC, complement: bool = False):
    """P[U_(i) ≤ c_i for i = 1..n] for n independent uniforms on [0, 1] (c_i the exact rationals of
    the floats, clipped to [0, 1]), as an arb ball: with c made nondecreasing from the right (U_(i) ≤
    U_(j) for i < j) and Δ_i the lengths of [0, c_1], (c_1, c_2], …, (c_n, 1], it is n! times the sum
    over the counts k_i of the intervals with k_1 + … + k_i ≥ i for every i of Π Δ_i^{k_i}/k_i!.
    ``complement``: 1 minus it, taken at the working precision (a failure probability far below
    1e-16 keeps its digits)."""
    from flint import arb, arb_poly, ctx, fmpq

    old = ctx.prec
    ctx.prec = prec
    try:
        n = len(c)
        cs = [arb(fmpq(*float(min(max(v, 0.0), 1.0)).as_integer_ratio())) for v in c]
        for i in range(n - 2, -1, -1):  # the smallest c_j, j ≥ i (exact comparisons of rationals)
            if cs[i + 1] < cs[i]:
                cs[i] = cs[i + 1]
        edges = [arb(0)] + cs + [arb(1)]

        def series(length):
            term, out = arb(1), []
            for j in range(n + 1):
                out.append(term)
                term = term * length / (j + 1)
            return arb_poly(out)

        f = arb_poly([1])
        for i in range(1, n + 1):
            g = f * series(edges[i] - edges[i - 1])
            coeffs = [g[j] if j >= i else arb(0) for j in range(n + 1)]  # at least i points so far
            f = arb_poly(coeffs)
        total = f * series(edges[n + 1] - edges[n])
        prob = total[n] * arb(math.factorial(n))
        return 1 - prob if complement else prob
    finally:
        ctx.prec = old


def vc_threshold_cell(relation, m: int, delta: float, confident: bool) -> dict | None:
    """Thresholds on [0, 1], sample size m: the exact probability that the bound fails for some
    threshold (None when the relation is not risk ≤ f)."""
    bound = _bound_of(relation)
    if bound is None:
        return None
    s2n = 2 * m + 1
    qhat = torch.arange(m + 1, dtype=torch.float64)[None, :] / m
    b = _vc_values(bound, qhat, m, delta, s2n).expand(1, m + 1)[0]
    allowed = min(delta, 1.0) if confident else 0.0
    cell = {
        "class": "thresholds on [0, 1]",
        "m": m,
        "delta": delta,
        "S_2n": s2n,
        "allowed_rate": allowed,
        "failure": 0.0,
        "certified": None,
        "violated": False,
    }
    if not bool(torch.isfinite(b).all()):
        return cell | {"violated": True, "failure": 1.0, "bound": "not a finite number"}
    if float(b[m]) + ROUNDING < 1.0:  # t = 1: risk 1 = qhat, above the bound on every sample
        return cell | {"violated": True, "failure": 1.0, "certified": "1 (the threshold t = 1 fails)"}
    from flint import arb, fmpq

    ball = order_statistics_below([float(v) + ROUNDING for v in b[:m]], complement=True)
    cell |= {"failure": float(ball.mid()), "certified": str(ball)}
    cell["violated"] = bool(ball > arb(fmpq(*float(allowed).as_integer_ratio())))
    return cell


def vc_coverage(
    relation: sp.Basic, ctx: RunContext, assumptions: tuple[str, ...], domain: tuple = ()
) -> dict:
    """Every cell of the growth-function family for a relation, once per run."""
    confident = confident_in(assumptions)
    ms = _in_domain(domain, "m", VC_M)
    deltas = _in_domain(domain, "delta", VC_DELTAS)
    key = ("pac_bayes growth function", sp.srepr(relation), confident, ms, deltas)

    def run():
        t0 = time.perf_counter()
        cells = [
            vc_coordinate_cell(relation, m, n, d, confident, ctx.device)
            for n in VC_CLASSES
            for m in ms
            for d in deltas
        ]
        cells += [
            c
            for m in ms
            if m in VC_THRESHOLD_M
            for d in deltas
            if (c := vc_threshold_cell(relation, m, d, confident)) is not None
        ]
        return {"cells": cells, "wall_s": time.perf_counter() - t0}

    return ctx.cached(key, run)


def measure_vc(claim, ctx: RunContext) -> list[Measurement]:
    """A uniform bound through the growth function S_2n, measured exactly (see above)."""
    if names(claim.relation) - VC_QUANTITIES or "S_2n" not in names(claim.relation):
        return [skipped("growth function", "the relation is not over risk, qhat, m, δ and S_2n")]
    cells = vc_coverage(claim.relation, ctx, tuple(claim.assumptions), tuple(claim.domain))["cells"]
    if not cells:
        return [skipped("growth function", "no sample size or δ in the claim's domain")]

    def ratio(c):
        return c["failure"] / c["allowed_rate"] if c["allowed_rate"] else c["failure"]

    bad = [c for c in cells if c["violated"]]
    worst = max(cells, key=ratio)
    cex = None
    if bad:
        c = max(bad, key=ratio)
        cex = {
            "setting": c["class"] + (f", risk {c['p']!r}" if "p" in c else "") + f", S_2n = {c['S_2n']}",
            "m": c["m"],
            "delta": c["delta"],
            "failure_probability": c.get("certified") or c.get("bound"),
            "allowed_rate": c["allowed_rate"],
        }
    return [
        Measurement(
            how="exact uniform failure probability on classes with a known growth function (N "
            "coordinate classifiers with independent Bernoulli losses; thresholds on [0, 1]), certified "
            "in ball arithmetic",
            checked=len(cells),
            violations=len(bad),
            worst_ratio=ratio(worst),
            counterexample=cex,
            detail=f"{len(cells)} cells (m ≤ {max(VC_M)}, δ down to {min(VC_DELTAS):g}, "
            f"N ≤ {max(VC_CLASSES)}); highest failure probability / allowed rate {ratio(worst):.3g} "
            f"({worst['class']}, m = {worst['m']}, δ = {worst['delta']:g})",
        )
    ]


# ----------------------------------------------------------------------------- the families


def measure_coverage(claim, ctx: RunContext, theorem=None) -> list[Measurement]:
    """A bound on the risk, measured by coverage (``theorem``: the theorem whose assumption
    relations generate the settings, when not the registered one)."""
    cells = coverage(claim.relation, ctx, tuple(claim.assumptions), theorem=theorem)["cells"]
    if not cells:
        return [skipped("coverage", "no setting satisfies the claim's assumptions")]
    rej = [c for c in cells if c["rejected"]]
    ratios = [c["rate"] / c["allowed_rate"] if c["allowed_rate"] else c["rate"] for c in cells]
    cex = None
    if rej:
        c = rej[0]
        cex = {
            "setting": f"K = {c['K']}, m = {c['m']}, {c['setting']}",
            "delta": c["delta"],
            "violations": c["violations"],
            "samples": c["samples"],
            "p_value": c["p_value"],
            "seed": ctx.seed,
        }
    top = max(cells, key=lambda c: c["rate"])
    return [
        Measurement(
            how=f"coverage: exact one-sided binomial test per setting and δ (family-wise false alarm "
            f"≤ {ALPHA:g}, seed {ctx.seed})",
            checked=len(cells),
            violations=len(rej),
            worst_ratio=max(ratios),
            counterexample=cex,
            detail=f"{sum(c['samples'] for c in cells)} samples in {len(cells)} tests; highest failure "
            f"rate {top['rate']:.3g} (K = {top['K']}, m = {top['m']}, δ = {top['delta']}, "
            f"allowed {top['allowed_rate']:g})",
        )
    ]


def measure_grid(claim, ctx: RunContext) -> list[Measurement]:
    """A relation in m and δ alone (a comparison of two bounds): evaluated on a grid of the
    domain, m from 2 to 10⁶ and δ from 10⁻⁶ to 1 − 10⁻⁶."""
    m = torch.logspace(math.log10(2), 6, 60, dtype=torch.float64)[:, None]
    d = torch.logspace(-6, math.log10(1 - 1e-6), 60, dtype=torch.float64)[None, :]
    vals = {"m": m.expand(60, 60), "delta": d.expand(60, 60)}
    return [
        measure_relation(
            claim.relation, vals, 64 * torch.finfo(torch.float64).eps, how="grid of m ∈ [2, 1e6], δ ∈ (0, 1)"
        )
    ]


FAMILIES = (
    Family(
        "grid of m and δ",
        frozenset({"m", "delta"}),
        measure_grid,
        doc="a relation in m and δ alone (two bounds' complexity terms compared): a 60 × 60 log grid "
        "of m ∈ [2, 10⁶] and δ ∈ [10⁻⁶, 1 − 10⁻⁶]",
    ),
    Family(
        "coverage",
        INSTANCE,
        lambda claim, ctx: measure_coverage(claim, ctx) + measure_exact(claim, ctx),
        doc="a bound on the risk: many samples S of each setting (Gibbs posteriors over 20 "
        "hypotheses, one hypothesis at risk 1/2 or 2/m, Gaussian posteriors over linear classifiers; "
        "losses in [0, 4] and [0, 25], a prior chosen after S and a memorising rule where the claim "
        "drops the hypothesis they violate); an exact binomial test of the failure rate per setting "
        f"and δ, family-wise false alarm {ALPHA:g} per claim",
        assumptions=("loss_range", "prior_fixed", "confidence_event", "confidence_event_lambda", "moment_kl")
        + tuple(
            a.key
            for a in book.THEOREM.assumptions
            if a.relation is not None and names(a.relation) <= INSTANCE
        ),
        accepts=lambda rel: "risk" in names(rel),
    ),
    # reached by name (``dlverify check --family``); a bound routed to "coverage" is measured here too
    Family(
        "exact coverage",
        INSTANCE,
        measure_exact,
        doc="a bound on the risk, exactly: one hypothesis with Bernoulli losses (Q = P, KL = 0), the "
        "failure probability a finite binomial sum per m ∈ [2, 3000] and δ ∈ [1e-48, 0.01] at the worst of "
        "~190 risks (just above the bound at each count), certified in ball arithmetic; losses in "
        "[0, 4] and [0, 25] and 2^12 hypotheses with the prior on the ERM where the claim drops the "
        "hypothesis they violate",
        assumptions=(
            "loss_range",
            "prior_fixed",
            "confidence_event",
            "confidence_event_lambda",
            "m_ge_2",
            "delta_lt_1",
            "risk_lt_1",
        ),
        accepts=lambda rel: "risk" in names(rel),
    ),
    # only a relation over S_2n reaches it
    Family(
        "growth function",
        VC_QUANTITIES,
        measure_vc,
        doc="a uniform bound through the growth function S_2n = S_F(2m), exactly: N ∈ {1, 16, 4096} "
        "coordinate classifiers with independent Bernoulli(p) 0/1 losses (S_F(r) = min(N, 2^r)) at the "
        "worst of the candidate risks, and thresholds on [0, 1] with uniform inputs (S_F(r) = r + 1) at "
        "every risk at once; m ∈ [1, 1000] (thresholds: m ≤ 100), δ ∈ [1e-24, 0.5]; the failure "
        "probability of the uniform event as a finite sum, certified in ball arithmetic",
        assumptions=("confidence_event",),
        accepts=lambda rel: "S_2n" in names(rel),
    ),
)


def measure(claim, ctx: RunContext) -> list[Measurement]:
    return measure_on(FAMILIES, claim, ctx)


# ----------------------------------------------------------------------------- a certificate on real data

#: prior variances λ tried; a union bound over them gives each δ/J and δ'/J
CERT_PRIOR_VARS = (1e-3, 3e-3, 1e-2)
CERT_DELTA, CERT_DELTA_MC = 0.025, 0.01  # the bound's δ and the Monte Carlo step's δ': 1 − 0.035 in all
CERT_DATASETS = ("digits", "fashion-mnist")


def certificate(ctx: RunContext, dataset: str = "digits") -> dict:
    """A risk certificate for a stochastic MLP (Gaussian posterior over its weights), computed
    once per run context and dataset.

    The prior N(μ₀, λI) is centred on a network trained on a part of the data disjoint from S.
    Q is trained on S by minimising McAllester–Maurer (with the bounded cross-entropy in place of
    the 0-1 risk).  Certified, for each λ: the empirical 0-1 Gibbs risk on S is at most
    kl⁻¹(q̂_MC, ln(2J/δ')/N) (N weight draws, each an independent [0, 1] error rate: Langford &
    Caruana's sample-convergence bound), and then L_D(Q) ≤ kl⁻¹(that, (KL + ln(2√m J/δ))/m), the
    kl form.  The union bound over the J values of λ makes the smallest hold with probability
    ≥ 1 − δ − δ'.  The CI profile uses a smaller network, fewer epochs and fewer weight draws."""
    if dataset not in CERT_DATASETS:
        raise DlverifyError(f"unknown certificate dataset '{dataset}'; allowed: {', '.join(CERT_DATASETS)}")
    return ctx.cached(("pac_bayes certificate", dataset), lambda: _certificate(ctx, dataset))


def _certificate_data(ctx: RunContext, dataset: str):
    """The three-way split and the sizes: (split, layer sizes, prior epochs, posterior steps, N)."""
    from . import stochastic_net as sn

    seed = ctx.seed_for("pac_bayes certificate", dataset, "split")
    if dataset == "digits":
        split = sn.load_digits_split(seed=seed, device=ctx.device)
        sizes, epochs = ctx.size(([64, 32, 10], 15), ([64, 100, 10], 40))
        return split, sizes, epochs, ctx.size(150, 1000, gpu=4000), ctx.size(600, 20000, gpu=100000)
    split = sn.load_fashion_split(seed=seed, device=ctx.device)
    return split, [784, 200, 10], 5, ctx.size(300, 1000, gpu=3000), ctx.size(1000, 5000, gpu=20000)


def _certificate(ctx: RunContext, dataset: str) -> dict:
    from . import stochastic_net as sn

    split, sizes, epochs, steps, n_mc = _certificate_data(ctx, dataset)
    t0 = time.perf_counter()
    mu0 = sn.train_prior_mean(
        split, sizes, epochs=epochs, seed=ctx.seed_for("pac_bayes certificate", dataset, "prior mean")
    )
    rows = [_certified_row(ctx, dataset, split, mu0, lam_p, steps, n_mc) for lam_p in CERT_PRIOR_VARS]
    best = min(rows, key=lambda r: r["certificate"])
    return {
        "dataset": split.name,
        "m": int(split.bound[0].shape[0]),
        "params": sum(p.numel() for p in mu0),
        "sizes": sizes,
        "mc_samples": n_mc,
        "confidence": 1 - CERT_DELTA - CERT_DELTA_MC,
        "rows": rows,
        "best": best,
        "prior-mean test error": sn.deterministic_error(mu0, *split.test),
        "wall_s": time.perf_counter() - t0,
        "non_vacuous": best["certificate"] < 1,
    }


def _certified_row(ctx: RunContext, dataset: str, split, mu0, lam_p: float, steps: int, n_mc: int) -> dict:
    """Q trained on S for the prior variance λ, and its certificate (each δ split J ways)."""
    from . import stochastic_net as sn

    Xs, ys = split.bound
    m = int(Xs.shape[0])
    J = len(CERT_PRIOR_VARS)
    d_each, dmc_each = CERT_DELTA / J, CERT_DELTA_MC / J
    mm = compiled(book.FORMS["mcallester_maurer"])
    one = torch.ones((), dtype=torch.float64, device=ctx.device)
    seed = functools.partial(ctx.seed_for, "pac_bayes certificate", dataset, lam_p)
    post = sn.train_posterior(
        split,
        mu0,
        lam_p,
        lambda loss, kl: mm({"qhat": loss, "KL": kl, "m": one * m, "delta": one * d_each}),
        lambda q_: network_kl(q_, mu0, lam_p),
        steps=steps,
        seed=seed("posterior"),
        lr=3e-3,
    )
    q_mc = sn.stochastic_error(post, Xs, ys, n_samples=n_mc, seed=seed("weight draws on S")).mean().reshape(1)
    q_up = prim.mc_upper(q_mc, n_mc, dmc_each)
    kl = network_kl(post, mu0, lam_p).detach().reshape(1)
    n_test = ctx.size(200, 1000)
    test = sn.stochastic_error(post, *split.test, n_samples=n_test, seed=seed("weight draws on test"))
    return {
        "prior variance": lam_p,
        "KL": float(kl),
        "empirical 0-1 (MC)": float(q_mc),
        "empirical upper (MC bound)": float(q_up),
        "certificate": float(bound_values(book.FORMS["seeger_kl"], q_up, kl, m, d_each)),
        "test error (stochastic)": float(test.mean()),
        "test error (posterior mean)": sn.deterministic_error(post.mu, *split.test),
    }


# ----------------------------------------------------------------------------- experiments


def coverage_rate(claim, ctx: RunContext, theorem=None) -> Rate:
    """A bound form's coverage as a rate: the failure frequency of the claim's own relation in
    the cell (setting, δ) that comes closest to refuting it, with its exact Clopper–Pearson
    interval, beside the failure rate the claim allows (δ under a Markov event, else 0).

    The decision is a falsification test: the claim is rejected when the *lower* end of the
    interval exceeds the allowed rate -- the data show more failures than the claim permits.
    An interval that straddles δ is no evidence against a bound that may be nearly tight, so
    the whole interval is not required below δ (Rate's ``rule="falsify"``).  Each cell's
    interval is two-sided at level 1 − 2α/cells, so its lower end exceeds the true rate with
    probability ≤ α/cells, and some cell's does with probability ≤ α (Bonferroni): the false alarm
    is ALPHA whichever cell is shown. ``level`` is the intervals' simultaneous level, 1 − 2α
    (Bonferroni over the cells), since the cell shown is chosen after seeing them."""
    cells = coverage(claim.relation, ctx, tuple(claim.assumptions), theorem=theorem)["cells"]
    if not cells:
        raise DlverifyError(f"no setting satisfies the assumptions of {claim.key}")
    level = 1 - 2 * ALPHA / len(cells)
    cis = [clopper_pearson(c["violations"], c["samples"], level) for c in cells]

    def ratio(v: float, allowed: float) -> float:
        return v / allowed if allowed > 0 else (math.inf if v > 0 else 0.0)

    i = max(
        range(len(cells)),
        key=lambda j: (
            ratio(cis[j].lo, cells[j]["allowed_rate"]),
            ratio(cells[j]["rate"], cells[j]["allowed_rate"]),
        ),
    )
    c, ci = cells[i], cis[i]
    kl_claim = book.THEOREM.claim("seeger_kl")
    kl_cells = coverage(kl_claim.relation, ctx, tuple(kl_claim.assumptions))["cells"]
    same = [
        x
        for x in kl_cells
        if (x["K"], x["m"], x["delta"], x["setting"]) == (c["K"], c["m"], c["delta"], c["setting"])
    ]
    confirmed = ci.hi <= c["allowed_rate"]
    name = book.FORM_NAMES.get(claim.key, claim.key)
    return Rate(
        quantity=f"failure frequency of {name} in its closest cell (K = {c['K']}, m = {c['m']}, "
        f"δ = {c['delta']}, {c['samples']} samples S; {len(cells)} cells)",
        kind="coverage",
        measured=c["rate"],
        lo=ci.lo,
        hi=ci.hi,
        predicted=c["allowed_rate"],
        claim="<=",
        level=1 - 2 * ALPHA,
        rule="falsify",
        best_known=same[0]["rate"] if same else None,
        best_known_source="the kl form (Seeger/Langford; no form derived from it is tighter), same cell"
        if same
        else "",
        formula=sp.sstr(claim.relation),
        test=f"falsification: rejected iff the exact Clopper–Pearson lower end exceeds the allowed rate "
        f"(Rate rule 'falsify'); each of the {len(cells)} cells "
        f"at level 1 − 2α/{len(cells)} (simultaneous level 1 − 2α), family-wise false alarm ≤ α = {ALPHA:g}; "
        + (
            "the whole interval is below the allowed rate too (the data also confirm the bound)"
            if confirmed
            else "the interval reaches above the allowed rate (not confirmed, not refuted)"
        ),
        false_alarm=ALPHA,
        worst=max(x["rate"] for x in cells),
        spread=(min(x["rate"] for x in cells), max(x["rate"] for x in cells)),
    )


def coverage_of_every_form(ctx: RunContext) -> Experiment:
    """Coverage of every form: its failure rate per setting and δ, and the smallest p-value
    against the per-test level (the same cached cells the claims are measured on)."""
    comps, measured, wall, n = [], {}, 0.0, 0
    for c in book.CLAIMS:
        cov = coverage(c.relation, ctx, tuple(c.assumptions))
        wall, n = wall + cov["wall_s"], cov["n"]
        pmin = min(x["p_value"] for x in cov["cells"])
        comps.append(
            Comparison(f"{book.FORM_NAMES[c.key]}: smallest p-value", pmin, ">=", ALPHA / len(cov["cells"]))
        )
        measured[book.FORM_NAMES[c.key]] = ", ".join(
            f"K={x['K']},m={x['m']},δ={x['delta']}: {x['rate']:.2e}" for x in cov["cells"]
        )
    return Experiment(
        "coverage",
        "Coverage: failure rate of each form per setting (exact binomial test per cell)",
        comparisons=comps,
        measured=measured,
        predicted={"failure rate": f"≤ δ (family-wise false alarm ≤ {ALPHA:g} per form)"},
        instances=n,
        wall_s=wall,
        rate=coverage_rate(book.THEOREM.claim("arora_5_6_1"), ctx),
    )


def forms_side_by_side(ctx: RunContext) -> Experiment:
    """The forms as functions of the empirical risk at KL = 5, m = 1000, δ = 0.05, and their
    order: kl form ≤ McAllester–Maurer (Pinsker) ≤ Theorem 5.6.1."""
    qgrid = torch.linspace(0.0, 0.5, 26, dtype=torch.float64)
    kl = torch.full_like(qgrid, 5.0)
    vals = {k: bound_values(f, qgrid, kl, 1000, 0.05) for k, f in book.FORMS.items()}
    series = [
        Series(book.FORM_NAMES[k], "line", qgrid.tolist(), v.clamp(max=1.5).tolist()) for k, v in vals.items()
    ]
    series.append(Series("empirical risk", "line", qgrid.tolist(), qgrid.tolist()))
    gap = float((vals["seeger_kl"] - vals["mcallester_maurer"]).max())
    gap2 = float((vals["mcallester_maurer"] - vals["arora_5_6_1"]).max())
    return Experiment(
        "forms",
        "The forms side by side (KL = 5, m = 1000, δ = 0.05)",
        comparisons=[
            Comparison("max(kl form − McAllester–Maurer)", gap, "<=", 0.0, 64 * 2**-52),
            Comparison("max(McAllester–Maurer − Thm 5.6.1)", gap2, "<=", 0.0, 64 * 2**-52),
        ],
        measured={"max(kl − MM)": gap, "max(MM − 5.6.1)": gap2},
        predicted={
            "ordering": "kl form ≤ McAllester–Maurer (Pinsker) ≤ Theorem 5.6.1 (steps mm_form, arora_form)"
        },
        plot=Plot("empirical risk q̂", "bound on L_D(Q)", series),
    )


def _necessity(ctx: RunContext, key: str, drop: tuple[str, ...], title: str) -> Experiment:
    """Theorem 5.6.1 without the hypotheses ``drop``: refuted where they are violated."""
    base = book.THEOREM.claim("arora_5_6_1")
    cov = coverage(base.relation, ctx, tuple(a for a in base.assumptions if a not in drop))
    viol = [c for c in cov["cells"] if c["violates"]]
    return Experiment(
        key,
        f"Necessity: Theorem 5.6.1 with {title}",
        comparisons=[
            Comparison(
                "smallest p-value where the assumption is violated",
                min(c["p_value"] for c in viol),
                "<=",
                ALPHA / len(cov["cells"]),
            )
        ],
        measured={
            f"K={c['K']}, δ={c['delta']}": f"rate {c['rate']:.3g}, p = {c['p_value']:.2g}" for c in viol
        },
        predicted={"failure rate": "> δ: the assumption is needed"},
    )


def necessity_of_the_loss_range(ctx: RunContext) -> Experiment:
    """Theorem 5.6.1 on losses in [0, 4] and [0, 25] (the loss range and the moment bound that
    rests on it dropped): its failure rate exceeds δ."""
    drop = ("loss_range", "moment_kl")
    return _necessity(ctx, "necessity_loss_range", drop, "losses in [0, 4] and [0, 25]")


def necessity_of_a_fixed_prior(ctx: RunContext) -> Experiment:
    """Theorem 5.6.1 with a prior chosen after seeing S (an ERM prior, a memorising rule): its
    failure rate exceeds δ."""
    drop = ("prior_fixed", "moment_kl")
    return _necessity(ctx, "necessity_prior_fixed", drop, "a prior chosen after seeing S")


def _certificate_experiment(ctx: RunContext, dataset: str) -> Experiment:
    key = f"certificate_{dataset}"
    try:
        cert = certificate(ctx, dataset)
    except DlverifyError as exc:
        return Experiment(key, f"Risk certificate, {dataset}", measured={"skipped": str(exc)})
    b = cert["best"]
    per_prior = {
        f"λ = {r['prior variance']:g}": f"certificate {r['certificate']:.4f}, KL {r['KL']:.3f}, "
        f"q̂ {r['empirical 0-1 (MC)']:.4f} → {r['empirical upper (MC bound)']:.4f}, "
        f"test {r['test error (stochastic)']:.4f}"
        for r in cert["rows"]
    }
    return Experiment(
        key,
        f"Risk certificate for a stochastic MLP on {cert['dataset']} (m = {cert['m']}, "
        f"{cert['params']} weights, confidence {cert['confidence']:.3f})",
        comparisons=[
            Comparison("certificate (0-1 risk), below 1", b["certificate"], "<=", math.nextafter(1.0, 0.0))
        ],
        measured={
            "certificate (0-1 risk)": b["certificate"],
            "test error (stochastic)": b["test error (stochastic)"],
            "KL": b["KL"],
            "prior variance (best of the union)": b["prior variance"],
            **per_prior,
        },
        predicted={"certificate": "< 1 (non-vacuous)"},
        instances=cert["mc_samples"],
        dim=cert["params"],
        wall_s=cert["wall_s"],
        sizes={"layers": cert["sizes"]},
    )


def certificate_on_digits(ctx: RunContext) -> Experiment:
    """A non-vacuous risk certificate for a stochastic MLP on scikit-learn's digits."""
    return _certificate_experiment(ctx, "digits")


def certificate_on_fashion_mnist(ctx: RunContext) -> Experiment:
    """The same certificate on Fashion-MNIST: the thorough profile only, where the dataset is
    installed (a skipped record otherwise, saying why)."""
    if ctx.profile == "ci":
        return Experiment(
            "certificate_fashion-mnist",
            "Risk certificate, fashion-mnist",
            measured={"skipped": "the thorough profile only (a 784-200-10 network on 30 000 images)"},
        )
    return _certificate_experiment(ctx, "fashion-mnist")


def kl_inverse_upper_end(ctx: RunContext) -> Experiment:
    """The kl-inverse returns an upper end: on 10 000 random (q, c), kl(q‖hi) ≥ c or hi = 1."""
    draw = lambda what: torch.rand(  # noqa: E731
        10000, dtype=torch.float64, device=ctx.device, generator=ctx.generator("kl inverse", what)
    )
    q, c_kl = draw("q"), 2 * draw("c")
    hi = prim.kl_inverse_upper(q, c_kl)
    below = int((~((prim.kl_bernoulli(q, hi.clamp(max=1 - 1e-16)) >= c_kl) | (hi == 1))).sum())
    return Experiment(
        "kl_inverse",
        "kl-inverse: the returned upper end never falls below the root",
        comparisons=[Comparison("entries with kl(q‖hi) < c and hi < 1", below, "==", 0)],
        instances=10000,
    )


EXPERIMENTS = (
    coverage_of_every_form,
    forms_side_by_side,
    necessity_of_the_loss_range,
    necessity_of_a_fixed_prior,
    certificate_on_digits,
    certificate_on_fashion_mnist,
    kl_inverse_upper_end,
)


# ----------------------------------------------------------------------------- tightness


def clopper_pearson_upper(k: int, n: int, alpha: float) -> float:
    """Exact one-sided (1 − alpha) upper confidence bound for a binomial proportion."""
    from scipy.stats import beta

    return 1.0 if k >= n else float(beta.ppf(1 - alpha, k + 1, n - k))


def tightness(ctx: RunContext) -> list[TightnessRow]:
    """The worst failure rate over δ of each form (an upper bound 1 on rate/δ), read from the
    claims' cached coverage cells; its upper end is the exact Clopper–Pearson bound at level 1e-6."""
    rows = []
    for c in book.CLAIMS:
        cov = coverage(c.relation, ctx, tuple(c.assumptions))
        worst = max(cov["cells"], key=lambda x: x["rate"] / x["delta"])
        hi = clopper_pearson_upper(worst["violations"], worst["samples"], 1e-6)
        rows.append(
            TightnessRow(
                "failure rate / δ",
                book.FORM_NAMES[c.key],
                1.0,
                worst["rate"] / worst["delta"],
                textbook="≤ 1",
                best_known="kl form (tighter than the forms derived from it)",
                measured=f"{worst['rate'] / worst['delta']:.3f} (K = {worst['K']}, m = {worst['m']}, "
                f"δ = {worst['delta']})",
                measured_upper=hi / worst["delta"],
            )
        )
    return rows

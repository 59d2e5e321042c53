"""The numeric side of PAC-Bayes (``theorems/pac_bayes.py``): coverage of the bound forms where
the true risk is known, the forms side by side, and a risk certificate for a stochastic MLP.

A PAC-Bayes claim is a probability statement over the sample S: *with probability ≥ 1 − δ,
risk ≤ bound*.  :func:`measure` evaluates the claim's own relation (lambdified) on many
independent samples S of each setting and counts, per setting and δ, the samples where it
fails (NaN counts as a failure).  Each count gets an exact one-sided binomial test of "the
failure rate is at most δ" (at most 0 when the claim does not assume the 1 − δ event); the
tests of one claim share the false-alarm probability ``ALPHA`` (Bonferroni), and the seeds are
fixed, so a run reproduces.  A rejected test is a violation of the claim.  This module
computes; the verdict is made by :func:`dlverify.theorems.evidence.decide`.

Instances come from the claim's assumptions: the loss range is the largest ``ℓ̄`` the
``loss_range`` relation allows, the prior uses as many bits of S as ``prior_fixed`` allows (0:
fixed before S), and each hypothesis the claim does not make is violated on purpose (losses in
[0, 4] and [0, 25]; a prior chosen after seeing S).  A setting that violates an assumption the
claim does make is never used.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

import sympy as sp
import torch

from dlverify.numerics import pacbayes
from dlverify.numerics.device import RunContext, generator
from dlverify.numerics.evidence import measure_relation, skipped
from dlverify.numerics.lambdify import to_torch
from dlverify.numerics.stats import binomial_upper_pvalue
from dlverify.theorems import pac_bayes as T
from dlverify.theorems.core import (
    Comparison,
    DlverifyError,
    Experiment,
    Measurement,
    Plot,
    Series,
    TightnessRow,
)
from dlverify.theorems.relations import slack

#: family-wise false-alarm probability of one claim's coverage verdict (all its tests together)
ALPHA = 1e-6
DELTAS = (0.05, 0.2)
INSTANCE = frozenset({"risk", "qhat", "KL", "m", "delta"})
#: float rounding bound on a bound's value (the formulas are a few dozen float64 operations on
#: numbers below 100, so their error is far below this); a failure must exceed it
ROUNDING = 1e-12


def _klinv_float(q: float, c: float) -> float:
    return float(
        pacbayes.kl_inverse_upper(torch.tensor([min(max(q, 0.0), 1.0)]), torch.tensor([max(c, 0.0)]))[0]
    )


#: float versions of the undefined sympy functions in the claims (for the mutation classifier)
FUNCTIONS = {"KLInv": _klinv_float}


def _klinv(q, c):
    """The kl-inverse for the claims: undefined (NaN, a violation) for q outside [0, 1]."""
    ok = (q >= 0) & (q <= 1)
    return torch.where(
        ok, pacbayes.kl_inverse_upper(q.clamp(0, 1), c.clamp_min(0)), torch.full_like(q, float("nan"))
    )


EXTRA = {"KLInv": _klinv}


def bound_values(form: sp.Expr, qhat: torch.Tensor, kl: torch.Tensor, m: int, delta: float) -> torch.Tensor:
    fn = to_torch(form, extra=EXTRA)
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


@functools.lru_cache(maxsize=1)
def _gauss_kl_fn():
    return to_torch(T.GAUSS_KL_1D)


def gaussian_kl(theta: torch.Tensor, sigma, prior_mean, prior_var: float) -> torch.Tensor:
    """KL(N(θ, σ²I) ‖ N(θ₀, λI)): step gauss_kl's formula, lambdified, summed over coordinates."""
    fn = _gauss_kl_fn()
    vals = {
        "theta": theta,
        "theta0": torch.as_tensor(prior_mean, dtype=theta.dtype, device=theta.device).expand_as(theta),
        "sigma": torch.as_tensor(sigma, dtype=theta.dtype, device=theta.device).expand_as(theta),
        "lambda_P": torch.full_like(theta, prior_var),
    }
    return fn(vals).sum(-1)


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
        theta, true, emp = pacbayes.linear_coverage_samples(
            n_samples, m, linear_d, noise=noise, norm=LINEAR_NORM, sigma=LINEAR_SIGMA, seed=seed, device=dev
        )
        return loss_scale * true, loss_scale * emp, gaussian_kl(theta, LINEAR_SIGMA, 0.0, LINEAR_PRIOR_VAR)
    g = generator(seed, dev)
    if prior_bits > 0:
        K = int(round(2**prior_bits))
        r = torch.full((K,), 0.5, dtype=torch.float64, device=dev)
    elif K == 1:
        r = torch.full((1,), float(risk_level), dtype=torch.float64, device=dev)
    else:
        r = torch.linspace(0.05, 0.5, K, dtype=torch.float64, device=dev)
    emp = (
        torch.binomial(
            torch.full((n_samples, K), float(m), dtype=torch.float64, device=dev),
            r.expand(n_samples, K).contiguous(),
            generator=g,
        )
        / m
    )
    if prior_bits > 0:
        best = emp.min(-1)
        return (
            loss_scale * r[best.indices],
            loss_scale * best.values,
            torch.zeros(n_samples, dtype=torch.float64, device=dev),
        )
    P = torch.full((K,), 1.0 / K, dtype=torch.float64, device=dev)
    Q = pacbayes.gibbs_posterior(P, emp, temp if temp is not None else math.sqrt(m))
    return loss_scale * (Q * r).sum(-1), loss_scale * (Q * emp).sum(-1), pacbayes.kl_discrete(Q, P)


_CACHE: dict = {}


def samples(ctx: RunContext, n: int, m: int, K, seed: int, **extra):
    """:func:`simulate`, computed once per (device, profile, seed, setting): every form, variant
    and mutant is scored on the same draws."""
    key = (str(ctx.device), ctx.profile, n, m, K, seed, tuple(sorted(extra.items())))
    if key not in _CACHE:
        _CACHE[key] = simulate(ctx, n_samples=n, m=m, K=K, seed=seed, **extra)
    return _CACHE[key]


# Gibbs posterior over 20 hypotheses; one hypothesis (Q = P) at risk 1/2 and, where the kl and
# Catoni forms are tightest, at risk 2/m; Gaussian posteriors over linear classifiers in d = 5
SETTINGS = (
    {"K": 20, "m": 100},
    {"K": 1, "m": 100},
    {"K": 1, "m": 30},
    {"K": 1, "m": 100, "risk_level": 0.02},
    {"K": "gauss-linear d=5", "m": 100, "linear_d": 5, "n": (2000, 100000)},
)


def _sup(rel: sp.Basic, sym: sp.Symbol, cap: float) -> float:
    """The largest value of ``sym`` (up to ``cap``) that the assumption's relation allows."""
    try:
        sol = sp.solve_univariate_inequality(rel, sym, relational=False)
        top = float(sol.sup)
    except (NotImplementedError, TypeError, ValueError, AttributeError):
        return cap
    return min(top, cap) if math.isfinite(top) else cap


def _settings(ctx: RunContext, assumptions: tuple[str, ...], theorem=None) -> list[dict]:
    """The settings a claim is measured on, from its assumptions (see the module docstring)."""
    theorem = theorem or T.THEOREM
    have = set(assumptions)
    out: list[dict[str, Any]] = []
    if "loss_range" in have:
        scale = _sup(theorem.assumption("loss_range").relation, T.ellbar, 100.0)
    else:
        scale = 1.0
    bits = _sup(theorem.assumption("prior_fixed").relation, T.bitsP, 1e9) if "prior_fixed" in have else 0.0
    for s in SETTINGS:
        out.append(
            dict(s)
            | ({"loss_scale": scale} if scale != 1.0 else {})
            | ({"prior_bits": min(bits, 12.0)} if bits > 0 else {})
        )
    if bits >= 64:  # a prior allowed that many bits of S can be the point mass on a rule that looks S up
        out.append({"K": "memorizer", "m": 100, "memorizer": True})
    # each hypothesis the claim does not make, violated (with what it takes away: the moment bound
    # needs both the loss range and a fixed prior)
    out += [
        {"K": 1, "m": 100, "loss_scale": 4.0, "violates": {"loss_range", "moment_kl"}},
        {"K": 1, "m": 100, "loss_scale": 25.0, "risk_level": 0.02, "violates": {"loss_range", "moment_kl"}},
        {"K": "ERM prior, 10 bits", "m": 100, "prior_bits": 10.0, "violates": {"prior_fixed", "moment_kl"}},
        {"K": "memorizer", "m": 100, "memorizer": True, "violates": {"prior_fixed", "moment_kl"}},
    ]
    return [s for s in out if not (s.get("violates", set()) & have)]


def coverage(
    relation: sp.Basic,
    ctx: RunContext,
    assumptions: tuple[str, ...],
    *,
    settings: list[dict] | None = None,
    n: int | None = None,
    theorem=None,
) -> dict:
    """Failure counts of ``relation`` per setting and δ, each with its exact binomial p-value."""
    theorem = theorem or T.THEOREM
    have = set(assumptions)
    rate_of = (lambda delta: delta) if "confidence_event" in have else (lambda delta: 0.0)
    filters = [
        theorem.assumption(k).relation
        for k in assumptions
        if theorem.assumption(k).relation is not None
        and {s.name for s in theorem.assumption(k).relation.free_symbols} <= INSTANCE
    ]
    slack_fn = to_torch(slack(relation), extra=EXTRA)
    settings = _settings(ctx, tuple(assumptions), theorem) if settings is None else settings
    n = n or ctx.size(20000, 100000, gpu=400000)
    t0 = time.perf_counter()
    cells = []
    for j, st_ in enumerate(settings):
        extra = {k: v for k, v in st_.items() if k not in ("K", "m", "violates", "n")}
        n_j = (
            ctx.size(*st_["n"]) if "n" in st_ else n if not extra.get("prior_bits") else ctx.size(2000, 20000)
        )
        true, emp, kl = samples(ctx, n_j, st_["m"], st_["K"], ctx.seed + 1009 * j, **extra)
        for delta in DELTAS:
            vals = {
                "risk": true,
                "qhat": emp,
                "KL": kl,
                "m": torch.full_like(emp, float(st_["m"])),
                "delta": torch.full_like(emp, delta),
            }
            keep = True
            for f in filters:  # an assumption over these quantities (e.g. KL = 0) selects settings
                fs = to_torch(slack(f))({k: v for k, v in vals.items()})
                keep &= (
                    bool((fs.abs() <= ROUNDING).all())
                    if isinstance(f, sp.Equality)
                    else bool((fs >= -ROUNDING).all())
                )
            if not keep:
                continue
            sl = slack_fn({k: v for k, v in vals.items() if k in slack_fn.symbols})
            sl = torch.as_tensor(sl, dtype=torch.float64).expand_as(emp)
            bad = ~(sl >= -ROUNDING)
            k = int(bad.sum())
            level = rate_of(delta)
            p = binomial_upper_pvalue(k, n_j, level) if k else 1.0
            cells.append(
                {
                    "K": st_["K"],
                    "m": st_["m"],
                    "delta": delta,
                    "allowed_rate": level,
                    "violations": k,
                    "rate": k / n_j,
                    "samples": n_j,
                    "p_value": p,
                    "setting": {k_: v for k_, v in extra.items()},
                    "violates": sorted(st_.get("violates", ())),
                }
            )
    for c in cells:
        c["rejected"] = c["p_value"] < ALPHA / max(len(cells), 1)
    return {"cells": cells, "wall_s": time.perf_counter() - t0, "n": n}


def _grid_measurement(claim) -> Measurement:
    """A relation in m and δ alone (a comparison of two bounds): evaluated on a grid of the
    domain, m from 2 to 10⁶ and δ from 10⁻⁶ to 1 − 10⁻⁶."""
    m = torch.logspace(math.log10(2), 6, 60, dtype=torch.float64)[:, None]
    d = torch.logspace(-6, math.log10(1 - 1e-6), 60, dtype=torch.float64)[None, :]
    vals = {"m": m.expand(60, 60), "delta": d.expand(60, 60)}
    return measure_relation(
        claim.relation, vals, 64 * torch.finfo(torch.float64).eps, how="grid of m ∈ [2, 1e6], δ ∈ (0, 1)"
    )


def measure(claim, ctx: RunContext, theorem=None) -> list[Measurement]:
    """The claim's relation, measured: by coverage when it bounds the risk, on a grid when it is a
    relation in m and δ only; any other relation is over quantities this side does not compute."""
    names = {s.name for s in claim.relation.free_symbols}
    if names and names <= {"m", "delta"}:
        return [_grid_measurement(claim)]
    if "risk" not in names or not names <= INSTANCE:
        return [
            skipped(
                "coverage",
                f"the relation is over {sorted(names - INSTANCE) or sorted(names)}, "
                "not over the instance quantities risk, q̂, KL, m, δ",
            )
        ]
    cov = coverage(claim.relation, ctx, tuple(claim.assumptions), theorem=theorem)
    cells = cov["cells"]
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
            f"rate {top['rate']:.3g} "
            f"(K = {top['K']}, m = {top['m']}, δ = {top['delta']}, allowed {top['allowed_rate']:g})",
        )
    ]


# ----------------------------------------------------------------------------- a certificate on real data

#: prior variances λ tried; a union bound over them gives each δ/J and δ'/J
CERT_PRIOR_VARS = (1e-3, 3e-3, 1e-2)
CERT_DELTA, CERT_DELTA_MC = 0.025, 0.01  # the bound's δ and the Monte Carlo step's δ': 1 − 0.035 in all
_CERTS: dict = {}


def certificate(ctx: RunContext, dataset: str = "digits") -> dict:
    """A risk certificate for a stochastic MLP (Gaussian posterior over its weights), computed
    once per (device, profile, seed, dataset) in a process.

    The prior N(μ₀, λI) is centred on a network trained on a part of the data disjoint from S.
    Q is trained on S by minimising McAllester–Maurer (with the bounded cross-entropy in place of
    the 0-1 risk).  Certified, for each λ: the empirical 0-1 Gibbs risk on S is at most
    kl⁻¹(q̂_MC, ln(2J/δ')/N) (N weight draws, each an independent [0, 1] error rate: Langford &
    Caruana's sample-convergence bound), and then L_D(Q) ≤ kl⁻¹(that, (KL + ln(2√m J/δ))/m), the
    kl form.  The union bound over the J values of λ makes the smallest hold with probability
    ≥ 1 − δ − δ'.  The CI profile uses a smaller network, fewer epochs and fewer weight draws."""
    key = (str(ctx.device), ctx.profile, ctx.seed, dataset)
    if key in _CERTS:
        return _CERTS[key]
    from dlverify.numerics import stochastic_net as sn

    if dataset == "digits":
        split = sn.load_digits_split(seed=ctx.seed, device=ctx.device)
        sizes, epochs = ctx.size(([64, 32, 10], 15), ([64, 100, 10], 40))
        steps, n_mc = ctx.size(150, 1000, gpu=4000), ctx.size(600, 20000, gpu=100000)
    elif dataset == "fashion-mnist":
        split = sn.load_fashion_split(seed=ctx.seed, device=ctx.device)
        sizes, epochs, steps, n_mc = (
            [784, 200, 10],
            5,
            ctx.size(300, 1000, gpu=3000),
            ctx.size(1000, 5000, gpu=20000),
        )
    else:
        raise DlverifyError(f"unknown certificate dataset '{dataset}'; allowed: digits, fashion-mnist")
    t0 = time.perf_counter()
    mu0 = sn.train_prior_mean(split, sizes, epochs=epochs, seed=ctx.seed)
    Xs, ys = split.bound
    m = int(Xs.shape[0])
    J = len(CERT_PRIOR_VARS)
    d_each, dmc_each = CERT_DELTA / J, CERT_DELTA_MC / J
    mm = to_torch(T.FORMS["mcallester_maurer"])
    one = torch.ones((), dtype=torch.float64, device=ctx.device)
    rows = []
    for j, lam_p in enumerate(CERT_PRIOR_VARS):

        def objective(loss, kl):
            return mm({"qhat": loss, "KL": kl, "m": one * m, "delta": one * d_each})

        post = sn.train_posterior(
            split,
            mu0,
            lam_p,
            objective,
            lambda q_, lam_p=lam_p: network_kl(q_, mu0, lam_p),
            steps=steps,
            seed=ctx.seed + j,
            lr=3e-3,
        )
        errs = sn.stochastic_error(post, Xs, ys, n_samples=n_mc, seed=ctx.seed + 100 + j)
        q_mc = errs.mean().reshape(1)
        q_up = pacbayes.mc_upper(q_mc, n_mc, dmc_each)
        kl = network_kl(post, mu0, lam_p).detach().reshape(1)
        bound = bound_values(T.FORMS["seeger_kl"], q_up, kl, m, d_each)
        test = sn.stochastic_error(post, *split.test, n_samples=ctx.size(200, 1000), seed=ctx.seed + 200 + j)
        rows.append(
            {
                "prior variance": lam_p,
                "KL": float(kl),
                "empirical 0-1 (MC)": float(q_mc),
                "empirical upper (MC bound)": float(q_up),
                "certificate": float(bound),
                "test error (stochastic)": float(test.mean()),
                "test error (posterior mean)": sn.deterministic_error(post.mu, *split.test),
            }
        )
    best = min(rows, key=lambda r: r["certificate"])
    out = {
        "dataset": split.name,
        "m": m,
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
    _CERTS[key] = out
    return out


# ----------------------------------------------------------------------------- experiments, tightness


def experiments(ctx: RunContext) -> list[Experiment]:
    out = []
    # 1. coverage of every form (the same cached draws the claims are measured on)
    comps, measured, wall = [], {}, 0.0
    for c in T.CLAIMS:
        cov = coverage(c.relation, ctx, tuple(c.assumptions))
        wall += cov["wall_s"]
        pmin = min(x["p_value"] for x in cov["cells"])
        comps.append(
            Comparison(f"{T.FORM_NAMES[c.key]}: smallest p-value", pmin, ">=", ALPHA / len(cov["cells"]))
        )
        measured[T.FORM_NAMES[c.key]] = ", ".join(
            f"K={x['K']},m={x['m']},δ={x['delta']}: {x['rate']:.2e}" for x in cov["cells"]
        )
    out.append(
        Experiment(
            "coverage",
            "Coverage: failure rate of each form per setting (exact binomial test per cell)",
            comparisons=comps,
            measured=measured,
            predicted={"failure rate": f"≤ δ (family-wise false alarm ≤ {ALPHA:g} per form)"},
            instances=cov["n"],
            wall_s=wall,
        )
    )
    # 2. the forms side by side as functions of the empirical risk
    qgrid = torch.linspace(0.0, 0.5, 26, dtype=torch.float64)
    kl = torch.full_like(qgrid, 5.0)
    vals = {k: bound_values(f, qgrid, kl, 1000, 0.05) for k, f in T.FORMS.items()}
    series = [
        Series(T.FORM_NAMES[k], "line", qgrid.tolist(), v.clamp(max=1.5).tolist()) for k, v in vals.items()
    ]
    series.append(Series("empirical risk", "line", qgrid.tolist(), qgrid.tolist()))
    gap = float((vals["seeger_kl"] - vals["mcallester_maurer"]).max())
    gap2 = float((vals["mcallester_maurer"] - vals["arora_5_6_1"]).max())
    out.append(
        Experiment(
            "forms",
            "The forms side by side (KL = 5, m = 1000, δ = 0.05)",
            comparisons=[
                Comparison("max(kl form − McAllester–Maurer)", gap, "<=", 0.0, 64 * 2**-52),
                Comparison("max(McAllester–Maurer − Thm 5.6.1)", gap2, "<=", 0.0, 64 * 2**-52),
            ],
            measured={"max(kl − MM)": gap, "max(MM − 5.6.1)": gap2},
            predicted={
                "orderin"
                "g": "kl form ≤ McAllester–Maurer (Pinsker) ≤ Theorem 5.6.1 (steps mm_form, arora_form)"
            },
            plot=Plot("empirical risk q̂", "bound on L_D(Q)", series),
        )
    )
    # 3. necessity: losses in [0, 4]; a prior chosen after seeing S
    base = T.THEOREM.claim("arora_5_6_1")
    for key, drop, title in (
        ("necessity_loss_range", ("loss_range", "moment_kl"), "losses in [0, 4] and [0, 25]"),
        ("necessity_prior_fixed", ("prior_fixed", "moment_kl"), "a prior chosen after seeing S"),
    ):
        asm = tuple(a for a in base.assumptions if a not in drop)
        cov = coverage(base.relation, ctx, asm)
        viol = [c for c in cov["cells"] if c["violates"]]
        pmin = min(c["p_value"] for c in viol)
        out.append(
            Experiment(
                key,
                f"Necessity: Theorem 5.6.1 with {title}",
                comparisons=[
                    Comparison(
                        "smallest p-value where the assumption is violated",
                        pmin,
                        "<=",
                        ALPHA / len(cov["cells"]),
                    )
                ],
                measured={
                    f"K={c['K']}, δ={c['delta']}": f"rate {c['rate']:.3g}, p = {c['p_value']:.2g}"
                    for c in viol
                },
                predicted={"failure rate": "> δ: the assumption is needed"},
            )
        )
    # 4. a certificate on real data (digits; Fashion-MNIST in the thorough profile when installed)
    for ds in ctx.size(("digits",), ("digits", "fashion-mnist")):
        try:
            cert = certificate(ctx, ds)
        except DlverifyError as exc:
            out.append(
                Experiment(f"certificate_{ds}", f"Risk certificate, {ds}", measured={"skipped": str(exc)})
            )
            continue
        b = cert["best"]
        out.append(
            Experiment(
                f"certificate_{ds}",
                f"Risk certificate for a stochastic MLP on {cert['dataset']} "
                f"(m = {cert['m']}, {cert['params']} weights, "
                f"confidence {cert['confidence']:.3f})",
                comparisons=[
                    Comparison(
                        "certificate (0-1 risk), below 1", b["certificate"], "<=", math.nextafter(1.0, 0.0)
                    )
                ],
                measured={
                    "certificate (0-1 risk)": b["certificate"],
                    "test error (stochastic)": b["test error (stochastic)"],
                    "KL": b["KL"],
                    "prior variance (best of the union)": b["prior variance"],
                    **{
                        f"λ = {r['prior variance']:g}": (
                            f"certificate {r['certificate']:.4f}, KL {r['KL']:.3f}, "
                            f"q̂ {r['empirical 0-1 (MC)']:.4f} → {r['empirical upper (MC bound)']:.4f}, test "
                            f"{r['test error (stochastic)']:.4f}"
                        )
                        for r in cert["rows"]
                    },
                },
                predicted={"certificate": "< 1 (non-vacuous)"},
                instances=cert["mc_samples"],
                dim=cert["params"],
                wall_s=cert["wall_s"],
                sizes={"layers": cert["sizes"]},
            )
        )
    # 5. the kl inverse: a rigorous upper end
    q = torch.rand(10000, dtype=torch.float64, generator=torch.Generator().manual_seed(ctx.seed))
    c_kl = torch.rand(10000, dtype=torch.float64, generator=torch.Generator().manual_seed(ctx.seed + 1)) * 2
    hi = pacbayes.kl_inverse_upper(q, c_kl)
    below = int((~((pacbayes.kl_bernoulli(q, hi.clamp(max=1 - 1e-16)) >= c_kl) | (hi == 1))).sum())
    out.append(
        Experiment(
            "kl_inverse",
            "kl-inverse: the returned upper end never falls below the root",
            comparisons=[Comparison("entries with kl(q‖hi) < c and hi < 1", below, "==", 0)],
            instances=10000,
        )
    )
    return out


def clopper_pearson_upper(k: int, n: int, alpha: float) -> float:
    """Exact one-sided (1 − alpha) upper confidence bound for a binomial proportion."""
    from scipy.stats import beta

    return 1.0 if k >= n else float(beta.ppf(1 - alpha, k + 1, n - k))


def tightness(ctx: RunContext) -> list[TightnessRow]:
    """The worst failure rate over δ of each form (an upper bound 1 on rate/δ); its upper end is
    the exact Clopper–Pearson bound at level 1e-6."""
    rows = []
    for c in T.CLAIMS:
        cov = coverage(c.relation, ctx, tuple(c.assumptions))
        worst = max(cov["cells"], key=lambda x: x["rate"] / x["delta"])
        hi = clopper_pearson_upper(worst["violations"], worst["samples"], 1e-6)
        rows.append(
            TightnessRow(
                "failure rate / δ",
                T.FORM_NAMES[c.key],
                1.0,
                worst["rate"] / worst["delta"],
                textbook="≤ 1",
                best_known="kl form (tightest of these)",
                measured=f"{worst['rate'] / worst['delta']:.3f} (K = {worst['K']}, m = {worst['m']}, "
                f"δ = {worst['delta']})",
                measured_upper=hi / worst["delta"],
            )
        )
    return rows

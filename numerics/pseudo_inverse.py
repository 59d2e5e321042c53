r"""The numeric side of the pseudo-inverse theorem: instance families generated from the
assumptions' relations, the claims' relations evaluated on them, experiments, tightness.

Every claim is measured by :func:`measure`, which dispatches on the quantities its relation is
over (never on its key) and evaluates the relation itself through
:func:`dlverify.numerics.evidence.measure_relation`.  Instances come from the assumptions:

* a step-size assumption (a relation over η and σ_max²) is solved for its boundary η_max(σ²);
  the step sizes are fractions of it up to 1 − 10⁻⁶ of the boundary, and every step-size
  hypothesis the claim does *not* make is violated on purpose (η up to 1.5 times its boundary);
* the other hypotheses (start along v_min, λ_min(G) > 0, λ_min(XXᵀ) > 0, the spectrum of a
  Neumann series' matrix, p ≤ n) each have a family that satisfies them and one that violates
  them; the assumption's relation, evaluated on the computed quantity, is the filter.

Tolerances are rounding bounds (Higham's γ_n times the instance's own norms and condition
numbers) or, for a limit, the remainder ρ^T the theory allows when ρ < 1 (none when ρ ≥ 1).
This module computes; verdicts are made in :mod:`dlverify.theorems.evidence`.
"""

from __future__ import annotations

import math
import time

import sympy as sp
import torch

from dlverify.numerics import linear
from dlverify.numerics.device import RunContext, gamma, generator
from dlverify.numerics.evidence import combine, measure_relation, skipped
from dlverify.numerics.lambdify import to_torch
from dlverify.theorems import pseudo_inverse as th
from dlverify.theorems.core import (
    Claim,
    Comparison,
    Experiment,
    Measurement,
    Plot,
    Series,
    TightnessRow,
    slack,
)

#: step sizes as fractions of an assumed boundary (near it included) and beyond an unassumed one
INSIDE = (0.02, 0.3, 0.6, 0.9, 0.99, 0.999, 1 - 1e-6)
BEYOND = (1 + 1e-3, 1.1, 1.5)

RATE = {"e0", "e1", "eta", "sigma_min2", "sigma_max2"}
STEP = {"eta", "sigma_min2", "sigma_max2"}
LIMITS = {"dev34", "dev35", "devprop", "devmd"}
NEUMANN = {"nd_fn2", "nd_inv", "nd_inv2"}
PSD = {"kpsd_poly", "kpsd_gauss", "kpsd_lap", "kpsd_lap_plus", "kpsd_polyk"}
RISK = {"risk_mc", "p", "n", "bT2", "bTc2"}

_CACHE: dict = {}


def _names(rel) -> set[str]:
    return {s.name for s in rel.free_symbols}


def _key(ctx: RunContext, *parts):
    return (ctx.profile, ctx.seed, ctx.device.type, *parts)


def _cached(key, fn):
    if key not in _CACHE:
        _CACHE[key] = fn()
    return _CACHE[key]


# ----------------------------------------------------------------------------- assumptions -> instances


def _relations(claim: Claim, over: set[str]) -> tuple[list, list]:
    """(assumed, violated): the relations over ``over`` of the claim's assumptions, and of the
    theorem's hypotheses (non-definition assumptions) that the claim does not make."""
    assumed, violated = [], []
    for a in th.THEOREM.assumptions:
        if a.relation is None or not (_names(a.relation) & over) or not _names(a.relation) <= over:
            continue
        if a.key in claim.assumptions:
            assumed.append(a.relation)
        elif not a.definition:
            violated.append(a.relation)
    return assumed, violated


def _boundary(rel, var: sp.Symbol) -> sp.Expr:
    """The boundary b of a one-sided relation in ``var`` (``var < b``, ``var <= b``, ``var > b``, ...)."""
    sol = sp.solve(sp.Eq(slack(rel), 0), var)
    if len(sol) != 1:
        raise ValueError(f"cannot read a boundary in {var} from {rel}")
    return sol[0]


def _holds(rel, values: dict, tol=0.0) -> torch.Tensor:
    """Where numeric values satisfy an assumption's relation (NaN never does)."""
    sl = to_torch(slack(rel))(values)
    if isinstance(rel, sp.Equality):
        return sl.abs() <= tol
    if isinstance(rel, (sp.StrictLessThan, sp.StrictGreaterThan)):
        return sl > tol
    return sl >= -tol


def step_sizes(claim: Claim, values: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """Step sizes (B, K) generated from the step-size relations: fractions ``INSIDE`` of the
    tightest assumed boundary, and ``BEYOND`` fractions of each unassumed hypothesis' boundary;
    with the mask of the instances that satisfy every assumed relation.  ``values`` holds
    σ_max², σ_min² as (B, 1) tensors."""
    assumed, violated = _relations(claim, STEP)
    b_ass = [to_torch(_boundary(r, th.eta))(values) for r in assumed]
    b_vio = [to_torch(_boundary(r, th.eta))(values) for r in violated]
    ref = (
        torch.stack(b_ass, 0).amin(0)
        if b_ass
        else (torch.stack(b_vio, 0).amax(0) if b_vio else 2 / values["sigma_max2"])
    )
    cols = [f * ref for f in INSIDE]
    for b in b_vio:
        cols += [f * b for f in BEYOND]
    eta_ = torch.cat([c.expand(-1, 1) if c.dim() == 2 else c[:, None] for c in cols], -1)
    mask = torch.ones_like(eta_, dtype=torch.bool)
    for r in assumed:
        mask &= _holds(r, values | {"eta": eta_})
    return eta_, mask


# ----------------------------------------------------------------------------- least squares families


def _smin_nz(s: torch.Tensor, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(σ_min over the nonzero singular values, its index)."""
    nz = s > linear.rank_tol(X)[:, None]
    idx = nz.sum(-1) - 1
    return s.gather(-1, idx[:, None]).squeeze(-1), idx


def _rate_batch(
    ctx: RunContext, spectrum: str, start: str, claim: Claim, steps: int, B: int, n: int, d: int, seed: int
):
    """GD on a batch of designs, each at every generated step size; ``start`` is ``zero``,
    ``random``, ``slowest`` (w_0 − w_∞ = v_min) or ``extremal`` (along the direction with the
    largest |1 − ησ²|, v_min or v_max)."""
    X_, y_ = linear.design(B, n, d, spectrum=spectrum, seed=seed, device=ctx.device, dtype=ctx.dtype)
    s = linear.singular_values(X_)
    smin, kmin = _smin_nz(s, X_)
    vals = {"sigma_max2": (s[:, 0] ** 2)[:, None], "sigma_min2": (smin**2)[:, None]}
    eta_, mask = step_sizes(claim, vals)
    K = eta_.shape[1]
    Xb = X_.repeat_interleave(K, 0)
    yb = y_.repeat_interleave(K, 0)
    etab = eta_.reshape(-1)
    _, _, Vh = torch.linalg.svd(Xb, full_matrices=False)
    w_inf0, _ = linear.pinv_solution(Xb, yb)
    kminb = kmin.repeat_interleave(K)
    vmin = Vh.gather(1, kminb[:, None, None].expand(-1, 1, Vh.shape[-1])).squeeze(1)
    vmax = Vh[:, 0, :]
    smax2b, smin2b = (
        vals["sigma_max2"].repeat_interleave(K, 0)[:, 0],
        vals["sigma_min2"].repeat_interleave(K, 0)[:, 0],
    )
    g = generator(seed + 7, ctx.device)
    if start == "zero":
        w0 = None
        direction = None
    elif start == "random":
        w0 = torch.randn(Xb.shape[0], Xb.shape[-1], generator=g, device=ctx.device, dtype=ctx.dtype)
        direction = None
    else:
        if start == "slowest":
            direction = vmin
        else:
            use_max = (1 - etab * smax2b).abs() > (1 - etab * smin2b).abs()
            direction = torch.where(use_max[:, None], vmax, vmin)
        w0 = w_inf0 + direction
    t0 = time.perf_counter()
    traj = linear.gd_least_squares(Xb, yb, etab, steps, w0)
    wall = time.perf_counter() - t0
    # the part of w_t − w_∞ off v_min (the slowest_start assumption's quantity) at t = 0
    start_err = (w0 if w0 is not None else torch.zeros_like(traj.w_inf)) - traj.w_inf
    eperp0 = torch.linalg.vector_norm(start_err - (start_err * vmin).sum(-1, keepdim=True) * vmin, dim=-1)
    # rounding: a priori error of the computed singular vector (Wedin: γ σ_max / gap), of the
    # pinv reference (γ κ scale), local GD errors, the evaluation of ρ and of the norms
    gm = gamma(4 * max(n, d))
    sb = s.repeat_interleave(K, 0)
    kappa = sb[:, 0] / smin2b.sqrt()
    gaps = torch.cat([sb[:, :-1] - sb[:, 1:], sb[:, -1:]], -1)
    gap_min = gaps.gather(-1, kminb[:, None]).squeeze(-1)
    gap_max = gaps[:, 0]
    svd_err = gm * (
        kappa**2 + sb[:, 0] / torch.minimum(gap_min, gap_max).clamp_min(torch.finfo(ctx.dtype).tiny)
    )
    w0n = torch.zeros_like(kappa) if w0 is None else torch.linalg.vector_norm(w0, dim=-1)
    ref_err = gm * kappa * (torch.linalg.vector_norm(traj.w_inf, dim=-1) + w0n + 1)
    rho = to_torch(th.RHO)({"eta": etab, "sigma_min2": smin2b, "sigma_max2": smax2b})
    e = traj.err
    local = traj.round_bound[1:] - traj.round_bound[:-1]
    deltas = [svd_err * e[0] + ref_err]
    for k in range(steps):
        deltas.append(rho * deltas[-1] + local[k])
    delta = torch.stack(deltas)
    rmin = (1 - etab * smin2b).abs()
    tol = (
        delta[1:]
        + rmin * delta[:-1]
        + 2 * (1 + rho) * ref_err
        + local
        + gamma(d) * (e[:-1] + e[1:])
        + 8 * gm * (1 + etab * smax2b) * e[:-1]
    )
    null_tol = (
        traj.round_bound
        + gm
        * kappa
        * (e + torch.linalg.vector_norm(traj.w_inf - (w0 if w0 is not None else 0), dim=-1) + 1)
        * 4
    )
    return {
        "e": e,
        "tol": tol,
        "mask": mask.reshape(-1),
        "eta": etab,
        "smin2": smin2b,
        "smax2": smax2b,
        "eperp0": eperp0,
        "align_tol": svd_err + ref_err,
        "drift": traj.null_drift,
        "rdrift": traj.row_drift,
        "null_tol": null_tol,
        "wall": wall,
        "rho": rho,
        "K": K,
        "B": B,
        "steps": steps,
    }


def _sizes(ctx):
    return dict(
        B=ctx.size(6, 32, gpu=256),
        n=ctx.size(6, 16, gpu=64),
        d=ctx.size(12, 64, gpu=256),
        steps=ctx.size(30, 100, gpu=200),
    )


def _starts(claim: Claim) -> list[str]:
    assumed, violated = _relations(claim, {"eperp"})
    if assumed:
        return ["slowest"]
    return ["zero", "random"] + (["slowest"] if violated else [])


def _measure_rate(claim: Claim, ctx: RunContext) -> list[Measurement]:
    z = _sizes(ctx)
    assumed_align, _ = _relations(claim, {"eperp"})
    parts = []
    families = [(st, False) for st in _starts(claim)]
    if claim.tight_on and not assumed_align:
        families.append(("extremal", True))
    for i, spectrum in enumerate(linear.SPECTRA):
        for start, extremal in families:
            key = _key(ctx, "rate", spectrum, start, _grid_key(claim), tuple(z.items()))
            res = _cached(key, lambda: _rate_batch(ctx, spectrum, start, claim, seed=ctx.seed + 13 * i, **z))
            S = res["steps"]
            mask = res["mask"].expand(S, -1).clone()
            for rel in assumed_align:
                mask &= _holds(rel, {"eperp": res["eperp0"]}, res["align_tol"]).expand(S, -1)
            vals = {
                "e0": res["e"][:-1],
                "e1": res["e"][1:],
                "eta": res["eta"].expand(S, -1),
                "sigma_min2": res["smin2"].expand(S, -1),
                "sigma_max2": res["smax2"].expand(S, -1),
            }
            # the extremal family: the argmax start, or v_min itself when the claim assumes it
            ext = extremal or (bool(claim.tight_on) and start == "slowest" and bool(assumed_align))
            parts.append(
                measure_relation(
                    claim.relation,
                    vals,
                    res["tol"],
                    how=f"GD, {spectrum} data, start {start}",
                    mask=mask,
                    extremal=ext,
                    describe=lambda idx, sp_=spectrum, st=start, r=res: {
                        "spectrum": sp_,
                        "start": st,
                        "step": idx[0],
                        "instance": idx[1] // r["K"],
                        "eta·σ_max²": float(r["eta"][idx[1]] * r["smax2"][idx[1]]),
                    },
                )
            )
    return parts


def _grid_key(claim: Claim):
    """The claim's assumptions and the assumptions' relations (a test may change one): sympy
    objects are hashable and compare structurally, so they key the cache as they are (srepr
    would order the terms of every Add, evaluating the integrals in them numerically)."""
    rels = [a.relation for a in th.THEOREM.assumptions if a.relation is not None]
    return (tuple(claim.assumptions), tuple(rels))


def _measure_step(claim: Claim, ctx: RunContext) -> list[Measurement]:
    """A relation over (η, σ_min², σ_max²) alone, on the singular values of every spectrum, each
    also rescaled (X by 1/4 and by 4) so that σ² lies on both sides of 1: a relation that mixes
    η with η·σ² (a unit error) is then refuted."""
    z = _sizes(ctx)
    parts = []
    for i, (spectrum, scale) in enumerate((sp_, c) for sp_ in linear.SPECTRA for c in (1.0, 1 / 16, 16.0)):
        X_, _ = linear.design(
            z["B"],
            z["n"],
            z["d"],
            spectrum=spectrum,
            seed=ctx.seed + i // 3,
            device=ctx.device,
            dtype=ctx.dtype,
        )
        s = linear.singular_values(X_)
        smin, _ = _smin_nz(s, X_)
        vals = {"sigma_max2": scale * (s[:, 0] ** 2)[:, None], "sigma_min2": scale * (smin**2)[:, None]}
        eta_, mask = step_sizes(claim, vals)
        vals = {k: v.expand_as(eta_) for k, v in vals.items()} | {"eta": eta_}
        tol = 8 * gamma(4 * max(z["n"], z["d"])) * (1 + eta_ * vals["sigma_max2"])
        parts.append(
            measure_relation(
                claim.relation,
                vals,
                tol,
                how=f"step sizes from the assumptions, {spectrum} spectra (σ² × {scale:g})",
                mask=mask,
                describe=lambda idx, sp_=spectrum, e=eta_, v=vals: {
                    "spectrum": sp_,
                    "eta·σ_max²": float(e[idx] * v["sigma_max2"][idx]),
                },
            )
        )
    return parts


def _measure_null(claim: Claim, ctx: RunContext) -> list[Measurement]:
    z = _sizes(ctx)
    parts = []
    for i, spectrum in enumerate(linear.SPECTRA):
        key = _key(ctx, "rate", spectrum, "random", _grid_key(claim), tuple(z.items()))
        res = _cached(key, lambda: _rate_batch(ctx, spectrum, "random", claim, seed=ctx.seed + 13 * i, **z))
        vals = {"drift": res["drift"], "rdrift": res["rdrift"]}
        parts.append(
            measure_relation(
                claim.relation,
                vals,
                res["null_tol"],
                how=f"GD from a random start, {spectrum} data",
                mask=res["mask"].expand_as(res["drift"]),
            )
        )
    return parts


def _measure_min_norm(claim: Claim, ctx: RunContext) -> list[Measurement]:
    B, n, d = ctx.size(32, 128, gpu=1024), ctx.size(6, 16, gpu=64), ctx.size(12, 64, gpu=256)
    parts = []
    for i, spectrum in enumerate(linear.SPECTRA):
        X_, y_ = linear.design(
            B, n, d, spectrum=spectrum, seed=ctx.seed + i, device=ctx.device, dtype=ctx.dtype
        )
        w_star, P = linear.pinv_solution(X_, y_)
        g = generator(ctx.seed + 100 + i, ctx.device)
        sv = linear.singular_values(X_)
        kappa = sv[:, 0] / _smin_nz(sv, X_)[0]
        for family, scale, ext in (
            ("random interpolants", 1.0, False),
            ("the interpolant X⁺y itself (z = 0)", 0.0, True),
        ):
            zz = scale * torch.randn(w_star.shape, generator=g, device=ctx.device, dtype=ctx.dtype)
            b = zz - (P @ zz.unsqueeze(-1)).squeeze(-1)
            vals = {"na2": (w_star**2).sum(-1), "nb2": (b**2).sum(-1), "ab": (w_star * b).sum(-1)}
            tol = gamma(4 * max(n, d)) * kappa * 4 * (vals["na2"] + vals["nb2"])
            parts.append(
                measure_relation(
                    claim.relation,
                    vals,
                    tol,
                    how=f"{family}, {spectrum} data",
                    extremal=ext and bool(claim.tight_on),
                )
            )
    return parts


# ----------------------------------------------------------------------------- kernels


def _kernel_batch(ctx: RunContext, kind: str, claim: Claim, duplicate: bool, seed: int):
    B, n, p, m = ctx.size(4, 16, gpu=64), ctx.size(8, 16, gpu=32), 3, 5
    g = generator(seed, ctx.device)
    A = torch.randn(B, n, p, generator=g, device=ctx.device, dtype=ctx.dtype)
    yv = torch.randn(B, n, generator=g, device=ctx.device, dtype=ctx.dtype)
    if duplicate:  # a repeated point with another label: G singular, zᵀG⁻¹y undefined
        A[:, 1] = A[:, 0]
    Z = torch.randn(B, m, p, generator=g, device=ctx.device, dtype=ctx.dtype)
    K = linear.gram(kind, A, A)
    lam_ = linear.require_psd(K)
    lmax, lmin = lam_[:, -1], lam_[:, 0]
    vals = {"sigma_max2": lmax[:, None], "sigma_min2": lmin.clamp_min(0)[:, None]}
    eta_, mask = step_sizes(claim, vals)
    Kn = eta_.shape[1]
    Kb, yb, etab = K.repeat_interleave(Kn, 0), yv.repeat_interleave(Kn, 0), eta_.reshape(-1)
    lminb, lmaxb = lmin.repeat_interleave(Kn), lmax.repeat_interleave(Kn)
    steps = ctx.size(1500, 5000, gpu=20000)
    alpha = linear.gd_kernel(Kb, yb, etab, steps)
    # the closed form: G⁻¹y, not a number where G is singular to working precision
    singular = lminb <= n * torch.finfo(ctx.dtype).eps * lmaxb
    closed = torch.linalg.solve(
        torch.where(singular[:, None, None], torch.eye(n, dtype=ctx.dtype, device=ctx.device), Kb),
        yb.unsqueeze(-1),
    ).squeeze(-1)
    closed = torch.where(singular[:, None], torch.full_like(closed, float("nan")), closed)
    kz = linear.gram(kind, Z, A).repeat_interleave(Kn, 0)
    h_gd, h_cf = (kz @ alpha.unsqueeze(-1)).squeeze(-1), (kz @ closed.unsqueeze(-1)).squeeze(-1)
    rho = torch.maximum((1 - etab * lminb).abs(), (1 - etab * lmaxb).abs())
    kappa = lmaxb / lminb.clamp_min(torch.finfo(ctx.dtype).tiny)
    cn = torch.linalg.vector_norm(closed, dim=-1)
    zn = torch.linalg.vector_norm(kz, dim=-1).amax(-1)
    remainder = (
        torch.where(rho < 1, rho**steps, torch.zeros_like(rho)) * cn
    )  # what the limit allows after T steps
    rounding = kappa * gamma(4 * n) * (1 + steps * gamma(n)) * cn
    tol = (remainder + rounding) * zn
    dev = (h_gd - h_cf).abs().amax(-1)
    return {"kdev": dev, "tol": tol, "lmin_G": lminb, "mask": mask.reshape(-1), "lmax": lmaxb, "eta": etab}


def _measure_kernel(claim: Claim, ctx: RunContext) -> list[Measurement]:
    assumed_pd, violated_pd = _relations(claim, {"lmin_G"})
    parts = []
    for i, kind in enumerate(linear.KERNELS):
        for dup in (False, True) if violated_pd else (False,):
            key = _key(ctx, "kernel", kind, dup, _grid_key(claim))
            res = _cached(key, lambda: _kernel_batch(ctx, kind, claim, dup, ctx.seed + i))
            mask = res["mask"].clone()
            for rel in assumed_pd:
                mask &= _holds(rel, {"lmin_G": res["lmin_G"]}, 8 * torch.finfo(ctx.dtype).eps * res["lmax"])
            parts.append(
                measure_relation(
                    claim.relation,
                    {"kdev": res["kdev"]},
                    res["tol"],
                    mask=mask,
                    how=f"kernel GD ({kind}{', a repeated point' if dup else ''})",
                    describe=lambda idx, r=res, k=kind: {
                        "kernel": k,
                        "λ_min(G)": float(r["lmin_G"][idx]),
                        "η·λ_max": float(r["eta"][idx] * r["lmax"][idx]),
                    },
                )
            )
    return parts


def _measure_psd(claim: Claim, ctx: RunContext) -> list[Measurement]:
    """λ_min/λ_max of Gram matrices on random unit vectors for the kernels of Problem 3.2.2 as
    written ((1 + (x·y)^d), exp(−‖x − y‖²), exp(−‖x − y‖), and exp(+‖x − y‖))."""
    B, n, p = ctx.size(64, 256, gpu=1024), ctx.size(8, 16, gpu=32), 3
    g = generator(ctx.seed + 31, ctx.device)
    A = torch.randn(B, n, p, generator=g, device=ctx.device, dtype=ctx.dtype)
    A = A / torch.linalg.vector_norm(A, dim=-1, keepdim=True)
    ip = A @ A.transpose(-1, -2)
    dist = (2 - 2 * ip).clamp_min(0).sqrt()
    grams = {
        "kpsd_poly": 1 + ip**p,
        "kpsd_gauss": torch.exp(-(dist**2)),
        "kpsd_lap": torch.exp(-dist),
        "kpsd_lap_plus": torch.exp(dist),
    }
    vals = {}
    for k, G in grams.items():
        ev = torch.linalg.eigvalsh(G)
        vals[k] = ev[:, 0] / ev[:, -1].abs()
    # (c + x·x')^k, c = 1, k = 1..4 (000:428), on unnormalized points: the worst over k
    Araw = torch.randn(B, n, p, generator=g, device=ctx.device, dtype=ctx.dtype)
    ipr = Araw @ Araw.transpose(-1, -2)
    worst = []
    for power in range(1, 5):
        ev = torch.linalg.eigvalsh((1 + ipr) ** power)
        worst.append(ev[:, 0] / ev[:, -1].abs())
    vals["kpsd_polyk"] = torch.stack(worst).amin(0)
    return [
        measure_relation(
            claim.relation,
            vals,
            8 * n * torch.finfo(ctx.dtype).eps,
            how="Gram matrices of 8 random unit vectors in R³",
        )
    ]


# ----------------------------------------------------------------------------- limits of GD


def _limits_batch(ctx: RunContext, spectrum: str, claim: Claim, seed: int):
    B, n, d, T = (
        ctx.size(6, 32, gpu=128),
        ctx.size(6, 12, gpu=32),
        ctx.size(12, 24, gpu=64),
        ctx.size(400, 1500, gpu=4000),
    )
    X_, y_ = linear.design(B, n, d, spectrum=spectrum, seed=seed, device=ctx.device, dtype=ctx.dtype)
    s = linear.singular_values(X_)
    smin, _ = _smin_nz(s, X_)
    vals = {"sigma_max2": (s[:, 0] ** 2)[:, None], "sigma_min2": (smin**2)[:, None]}
    eta_, mask = step_sizes(claim, vals)
    Kn = eta_.shape[1]
    Xb, yb, etab = X_.repeat_interleave(Kn, 0), y_.repeat_interleave(Kn, 0), eta_.reshape(-1)
    smax2b, smin2b = (
        vals["sigma_max2"].repeat_interleave(Kn, 0)[:, 0],
        vals["sigma_min2"].repeat_interleave(Kn, 0)[:, 0],
    )
    dt = ctx.dtype
    Xt = Xb.transpose(-1, -2)
    gm = gamma(4 * max(n, d))
    kappa = smax2b.sqrt() / smin2b.sqrt()
    out = {"mask": mask.reshape(-1), "eta": etab, "smax2": smax2b}
    xx = Xb @ Xt
    ev = torch.linalg.eigvalsh(xx)
    out["lmin_XXt"], out["lmax_XXt"] = ev[:, 0], ev[:, -1]
    # (3.4), (3.5): GD from 0 with a constant step
    traj = linear.gd_least_squares(Xb, yb, etab, T)
    rho = to_torch(th.RHO)({"eta": etab, "sigma_min2": smin2b, "sigma_max2": smax2b})
    wn = torch.linalg.vector_norm(traj.w_inf, dim=-1)
    allow = torch.where(rho < 1, rho**T, torch.zeros_like(rho)) * wn
    f34 = (torch.linalg.pinv(Xt @ Xb) @ (Xt @ yb.unsqueeze(-1))).squeeze(-1)
    singular = ev[:, 0] <= n * torch.finfo(dt).eps * ev[:, -1]
    safe = torch.where(singular[:, None, None], torch.eye(n, dtype=dt, device=ctx.device), xx)
    f35 = (Xt @ torch.linalg.solve(safe, yb.unsqueeze(-1))).squeeze(-1)
    f35 = torch.where(singular[:, None], torch.full_like(f35, float("nan")), f35)
    tol = allow + traj.round_bound[-1] + gm * kappa**2 * (wn + 1) * 4
    out["dev34"] = torch.linalg.vector_norm(traj.w_last - f34, dim=-1)
    out["dev35"] = torch.linalg.vector_norm(traj.w_last - f35, dim=-1)
    out["tol34"] = out["tol35"] = tol
    # Prop. 8.1.1: a varying schedule η_t (each within the generated range), from a random w_0
    g = generator(seed + 3, ctx.device)
    d = Xb.shape[-1]  # the wide spectrum sets its own d
    w0 = torch.randn(Xb.shape[0], d, generator=g, device=ctx.device, dtype=dt)
    sched = etab[None, :] * torch.empty(T, Xb.shape[0], device=ctx.device, dtype=dt).uniform_(
        0.5, 1.0, generator=g
    )
    trp = linear.gd_least_squares(Xb, yb, etab, T, w0, schedule=sched)
    target = w0 + (torch.linalg.pinv(Xb) @ (yb - (Xb @ w0.unsqueeze(-1)).squeeze(-1)).unsqueeze(-1)).squeeze(
        -1
    )
    rho_t = torch.maximum((1 - sched * smin2b).abs(), (1 - sched * smax2b).abs())
    prod = torch.where((rho_t < 1).all(0), rho_t.prod(0), torch.zeros_like(rho))
    e0p = torch.linalg.vector_norm(w0 - target, dim=-1)
    out["devprop"] = torch.linalg.vector_norm(trp.w_last - target, dim=-1)
    out["tolprop"] = (
        prod * e0p
        + trp.round_bound[-1]
        + gm * kappa * (e0p + torch.linalg.vector_norm(target, dim=-1) + 1) * 4
    )
    # Thm 8.1.2 with R(w) = ½wᵀDw: mirror descent is GD in u = D^{1/2}w on X D^{-1/2}
    dd = torch.exp(0.5 * torch.randn(Xb.shape[0], d, generator=g, device=ctx.device, dtype=dt))
    Xs = Xb / dd.sqrt()[:, None, :]
    ss = linear.singular_values(Xs)
    ssmin, _ = _smin_nz(ss, Xs)
    scale = (ss[:, 0] ** 2) / smax2b  # the step is a fraction of 2/σ_max²(X D^{-1/2}) as of 2/σ_max²(X)
    trm = linear.gd_least_squares(Xs, yb, etab / scale, T, w0 * dd.sqrt())
    w_md = trm.w_last / dd.sqrt()
    Dinv_Xt = Xt / dd[:, :, None]
    lam_kkt = torch.linalg.pinv(Xb @ Dinv_Xt, hermitian=True) @ (
        yb - (Xb @ w0.unsqueeze(-1)).squeeze(-1)
    ).unsqueeze(-1)
    w_star = w0 + (Dinv_Xt @ lam_kkt).squeeze(-1)
    rho_m = torch.maximum((1 - etab / scale * ssmin**2).abs(), (1 - etab / scale * ss[:, 0] ** 2).abs())
    km = ss[:, 0] / ssmin
    e0m = torch.linalg.vector_norm((w0 - w_star) * dd.sqrt(), dim=-1)
    allow_m = torch.where(rho_m < 1, rho_m**T, torch.zeros_like(rho_m)) * e0m
    out["devmd"] = torch.linalg.vector_norm((w_md - w_star) * dd.sqrt(), dim=-1)  # in the D-norm
    out["tolmd"] = (
        allow_m
        + trm.round_bound[-1]
        + gm * km**2 * (e0m + torch.linalg.vector_norm(w_star * dd.sqrt(), dim=-1) + 1) * 4
    )
    return out


def _measure_limits(claim: Claim, ctx: RunContext) -> list[Measurement]:
    assumed_rank, violated_rank = _relations(claim, {"lmin_XXt"})
    name = next(iter(_names(claim.relation) & LIMITS))
    tol_name = {"dev34": "tol34", "dev35": "tol35", "devprop": "tolprop", "devmd": "tolmd"}[name]
    parts = []
    for i, spectrum in enumerate(linear.SPECTRA):
        key = _key(ctx, "limits", spectrum, _grid_key(claim))
        res = _cached(key, lambda: _limits_batch(ctx, spectrum, claim, ctx.seed + 17 * i))
        mask = res["mask"].clone()
        for rel in assumed_rank:
            mask &= _holds(
                rel, {"lmin_XXt": res["lmin_XXt"]}, 8 * torch.finfo(ctx.dtype).eps * res["lmax_XXt"] * 6
            )
        parts.append(
            measure_relation(
                claim.relation,
                {name: res[name]},
                res[tol_name],
                mask=mask,
                how=f"GD run to T steps, {spectrum} data",
                describe=lambda idx, r=res, s_=spectrum: {
                    "spectrum": s_,
                    "eta·σ_max²": float(r["eta"][idx] * r["smax2"][idx]),
                },
            )
        )
    return parts


# ----------------------------------------------------------------------------- Neumann series


def _eigen_grid(claim: Claim) -> list[tuple[float, float]]:
    """(λ_min, λ_max) pairs of the series' matrix A, from the relations over λ_min(A), λ_max(A)."""
    lo_a, lo_v = _relations(claim, {"lmin_A"})
    hi_a, hi_v = _relations(claim, {"lmax_A"})
    lo = max([float(_boundary(r, th.lmin_a)) for r in lo_a], default=-0.9)
    hi = min([float(_boundary(r, th.lmax_a)) for r in hi_a], default=2.5)
    strict_lo = any(isinstance(r, sp.StrictGreaterThan) for r in lo_a)
    lows = [lo + (1e-3 if strict_lo else 0.0), lo + 0.2 * (hi - lo)]
    highs = [lo + 0.5 * (hi - lo), hi - 1e-3 * (hi - lo)]
    pairs = [(a, b) for a in lows for b in highs if a < b]
    for r in lo_v:  # below the boundary of an unassumed lower bound
        b = float(_boundary(r, th.lmin_a))
        pairs += [(b - 0.5, min(hi, b + 0.5) - 1e-3), (b - 1.5, min(hi, b + 0.5) - 1e-3)]
    for r in hi_v:
        b = float(_boundary(r, th.lmax_a))
        pairs += [(max(lo, 0.1), b + 1e-3), (max(lo, 0.1), b + 0.5), (max(lo, 0.1), 2 * b + 0.5)]
    return pairs


def _measure_neumann(claim: Claim, ctx: RunContext) -> list[Measurement]:
    n, B, N = 5, ctx.size(4, 16, gpu=64), ctx.size(400, 1500, gpu=4000)
    lo_a, _ = _relations(claim, {"lmin_A"})
    hi_a, _ = _relations(claim, {"lmax_A"})
    parts = []
    g = generator(ctx.seed + 41, ctx.device)
    dt = ctx.dtype
    eye = torch.eye(n, dtype=dt, device=ctx.device)
    for lo, hi in _eigen_grid(claim):
        Q, _ = torch.linalg.qr(torch.randn(B, n, n, generator=g, device=ctx.device, dtype=dt))
        mid = lo + (hi - lo) * torch.rand(B, n - 2, generator=g, device=ctx.device, dtype=dt)
        lamv = torch.cat([torch.full((B, 1), lo, dtype=dt), mid, torch.full((B, 1), hi, dtype=dt)], -1)
        A = Q @ torch.diag_embed(lamv) @ Q.transpose(-1, -2)
        A = (A + A.transpose(-1, -2)) / 2
        vals = {}
        for name, series, scale, target in (
            ("nd_fn2", A, 1.0, lambda: torch.linalg.pinv(eye - A, hermitian=True)),
            ("nd_inv", eye - A, 1.0, lambda: _inv_or_nan(A)),
            ("nd_inv2", eye - 2 * A, 2.0, lambda: _inv_or_nan(A)),
        ):
            S, P = torch.zeros_like(A), eye.expand_as(A).clone()
            for _ in range(N):
                S = S + P
                P = P @ series
            ev = torch.linalg.eigvalsh(series)
            rho = ev.abs().amax(-1)
            tgt = target()
            geo = torch.where(rho < 1, (1 - rho**N) / (1 - rho).clamp_min(1e-300), N * rho.clamp_min(1) ** N)
            allow = torch.where(rho < 1, scale * rho**N / (1 - rho).clamp_min(1e-300), torch.zeros_like(rho))
            tnorm = torch.linalg.matrix_norm(torch.nan_to_num(tgt, nan=0.0), ord=2)
            kappa_t = tnorm * torch.linalg.matrix_norm(A, ord=2).clamp_min(1)
            vals[name] = _spectral_norm(scale * S - tgt)
            vals["tol_" + name] = allow + gamma(4 * n, dt) * (N * scale * geo + kappa_t * tnorm * 4)
        ev_a = torch.linalg.eigvalsh(A)
        mask = torch.ones(B, dtype=torch.bool, device=ctx.device)
        for r in lo_a:
            mask &= _holds(r, {"lmin_A": ev_a[:, 0]}, 8 * gamma(n, dt))
        for r in hi_a:
            mask &= _holds(r, {"lmax_A": ev_a[:, -1]}, 8 * gamma(n, dt))
        name = next(iter(_names(claim.relation) & NEUMANN))
        parts.append(
            measure_relation(
                claim.relation,
                {name: vals[name]},
                vals["tol_" + name],
                mask=mask,
                how=f"Neumann series, {N} terms, eigenvalues of A in [{lo:g}, {hi:g}]",
            )
        )
    return parts


def _spectral_norm(M: torch.Tensor) -> torch.Tensor:
    """‖M‖₂ per batch element; NaN where M has a non-finite entry (the quantity is not a number)."""
    fin = torch.isfinite(M).all(-1).all(-1)
    nrm = torch.linalg.matrix_norm(torch.where(fin[:, None, None], M, torch.zeros_like(M)), ord=2)
    return torch.where(fin, nrm, torch.full_like(nrm, float("nan")))


def _inv_or_nan(A: torch.Tensor) -> torch.Tensor:
    """A⁻¹, not a number where A is singular to working precision."""
    ev = torch.linalg.eigvalsh(A)
    singular = ev.abs().amin(-1) <= A.shape[-1] * torch.finfo(A.dtype).eps * ev.abs().amax(-1)
    eye = torch.eye(A.shape[-1], dtype=A.dtype, device=A.device)
    inv = torch.linalg.inv(torch.where(singular[:, None, None], eye, A))
    return torch.where(singular[:, None, None], torch.full_like(inv, float("nan")), inv)


# ----------------------------------------------------------------------------- double descent


def risk_draws(ctx: RunContext, n: int, p: int, D: int, draws: int) -> torch.Tensor:
    beta = torch.ones(D, dtype=ctx.dtype, device=ctx.device) / math.sqrt(D)
    return _cached(
        _key(ctx, "risk", n, p, D, draws),
        lambda: linear.min_norm_risk_draws(
            n, p, beta, draws, seed=ctx.seed + p, device=ctx.device, dtype=ctx.dtype
        ),
    )


DD_N, DD_D = 20, 60
DD_PS = (2, 5, 10, 14, 16, 18, 19, 20, 21, 22, 24, 26, 30, 40, 50, 60)
DD_ALPHA = 1e-6


def _risk_point(ctx: RunContext, p: int) -> dict:
    from scipy import stats as st

    draws = ctx.size(2000, 20000, gpu=100000)
    rk = risk_draws(ctx, DD_N, p, DD_D, draws)
    k = 50
    bm = rk[: (draws // k) * k].reshape(k, -1).mean(-1)
    half = float(st.t.ppf(1 - DD_ALPHA / 2, k - 1) * bm.std() / math.sqrt(k))
    beta2 = 1.0 / DD_D
    return {"mean": float(rk.mean()), "half": half, "bT2": p * beta2, "bTc2": (DD_D - p) * beta2}


def _measure_risk(claim: Claim, ctx: RunContext) -> list[Measurement]:
    """The risk relation at each p with |p − n| ≥ 4, where the per-draw risk has a finite
    variance and a t-interval on 50 batch means (level 1 − 10⁻⁶) is the tolerance."""
    assumed, _ = _relations(claim, {"p", "n"})
    parts = []
    for p in DD_PS:
        if abs(p - DD_N) < 4:
            continue
        pn = {
            "p": torch.tensor(float(p), dtype=torch.float64),
            "n": torch.tensor(float(DD_N), dtype=torch.float64),
        }
        if not all(bool(_holds(r, pn)) for r in assumed):
            continue
        rp = _risk_point(ctx, p)
        vals = {
            "risk_mc": torch.tensor(rp["mean"], dtype=torch.float64),
            "p": torch.tensor(float(p), dtype=torch.float64),
            "n": torch.tensor(float(DD_N), dtype=torch.float64),
            "bT2": torch.tensor(rp["bT2"], dtype=torch.float64),
            "bTc2": torch.tensor(rp["bTc2"], dtype=torch.float64),
        }
        parts.append(
            measure_relation(claim.relation, vals, rp["half"], how=f"Monte Carlo risk at p = {p}, n = {DD_N}")
        )
    return parts


def _measure_365(claim: Claim, ctx: RunContext) -> list[Measurement]:
    assumed, violated = _relations(claim, {"p", "n"})
    n = 12
    ps = [2, 6, 12] + ([14, 24] if violated else [])
    parts = []
    for p in ps:
        ok = all(bool(_holds(r, {"p": torch.tensor(float(p)), "n": torch.tensor(float(n))})) for r in assumed)
        if not ok:
            continue
        B = ctx.size(16, 64, gpu=256)
        g = generator(ctx.seed + p, ctx.device)
        XT = torch.randn(B, n, p, generator=g, device=ctx.device, dtype=ctx.dtype)
        yv = torch.randn(B, n, generator=g, device=ctx.device, dtype=ctx.dtype)
        G = XT.transpose(-1, -2) @ XT
        ev = torch.linalg.eigvalsh(G)
        inv = _inv_or_nan(G)
        b1 = (inv @ XT.transpose(-1, -2) @ yv.unsqueeze(-1)).squeeze(-1)
        b2 = (torch.linalg.pinv(XT) @ yv.unsqueeze(-1)).squeeze(-1)
        kappa = ev[:, -1] / ev[:, 0].abs().clamp_min(torch.finfo(ctx.dtype).tiny)
        tol = gamma(4 * n) * kappa * 8 * (torch.linalg.vector_norm(b2, dim=-1) + 1)
        parts.append(
            measure_relation(
                claim.relation,
                {"dev365": torch.linalg.vector_norm(b1 - b2, dim=-1)},
                torch.nan_to_num(tol, nan=0.0),
                how=f"Gaussian X_T, n = {n}, p = {p}",
            )
        )
    return parts


# ----------------------------------------------------------------------------- dispatch


def measure(claim: Claim, ctx: RunContext) -> list[Measurement]:
    """Measurements of ``claim.relation`` on instances generated from ``claim.assumptions``,
    chosen by the quantities the relation is over."""
    names = _names(claim.relation)
    if not names:
        return [skipped("numeric", "the relation has no instance quantities")]
    if {"e0", "e1"} & names and names <= RATE:
        return [combine("batched GD on least squares", _measure_rate(claim, ctx))]
    if names <= STEP and names & {"eta", "sigma_max2", "sigma_min2"}:
        return [combine("step sizes generated from the assumptions", _measure_step(claim, ctx))]
    if names <= {"drift", "rdrift"}:
        return [combine("null-space and row-space drift of GD", _measure_null(claim, ctx))]
    if names <= {"na2", "nb2", "ab"}:
        return [combine("interpolants of least-squares data", _measure_min_norm(claim, ctx))]
    if names <= {"kdev"}:
        return [combine("kernel GD in function space", _measure_kernel(claim, ctx))]
    if len(names & LIMITS) == 1 and names <= LIMITS:
        return [combine("GD limits", _measure_limits(claim, ctx))]
    if len(names & NEUMANN) == 1 and names <= NEUMANN:
        return [combine("Neumann series", _measure_neumann(claim, ctx))]
    if names <= PSD:
        return _measure_psd(claim, ctx)
    if names <= RISK and "risk_mc" in names:
        return [combine("min-norm risk on p of D Gaussian features", _measure_risk(claim, ctx))]
    if names <= {"dev365"}:
        return [combine("normal equations on a feature subset", _measure_365(claim, ctx))]
    return [skipped("numeric", f"no instance family computes {sorted(names)}")]


FUNCTIONS = {"rate": _rate_batch, "kernel": _kernel_batch, "limits": _limits_batch}


# ----------------------------------------------------------------------------- experiments


def _extremal_series(ctx: RunContext):
    B, n, d, steps = (
        ctx.size(8, 32, gpu=256),
        ctx.size(6, 16, gpu=64),
        ctx.size(12, 64, gpu=256),
        ctx.size(60, 120, gpu=300),
    )
    claim = th.THEOREM.claim("slowest_rate")
    res = _cached(
        _key(ctx, "exp-extremal", _grid_key(claim)),
        lambda: _rate_batch(ctx, "gaussian", "slowest", claim, steps=steps, B=B, n=n, d=d, seed=ctx.seed),
    )
    return res


def experiments(ctx: RunContext) -> list[Experiment]:
    out = []
    # 1. the error along the slowest direction against |1 − ησ_min²|^t, at η = 0.6·2/σ_max²
    res = _extremal_series(ctx)
    col = INSIDE.index(0.6)
    K = res["K"]
    idx = col  # instance 0 at that step size
    e = res["e"][:, idx]
    T = e.shape[0] - 1
    tt = torch.arange(T + 1, dtype=ctx.dtype, device=ctx.device)
    pred = e[0] * (1 - res["eta"][idx] * res["smin2"][idx]).abs() ** tt
    dev = float(((e - pred).abs() / pred.clamp_min(1e-300)).max())
    out.append(
        Experiment(
            key="direction_rate",
            title="Error along the slowest singular direction: |1 − ησ_min²|^t",
            comparisons=[
                Comparison(
                    "max relative |measured − predicted| (η = 0.6·2/σ_max²)",
                    dev,
                    "<=",
                    0.0,
                    tol=float((res["tol"][:, idx].cumsum(0) / pred[1:].clamp_min(1e-300)).max()) + 1e-12,
                )
            ],
            measured={"max relative deviation": dev},
            predicted={"error": "|1 − ησ_min²|^t ‖w_0 − w_∞‖"},
            formula=th.THEOREM.tex(
                sp.Eq(sp.Symbol("e_t") / sp.Symbol("e_0"), sp.Abs(th.PREDICTED["direction_error"]))
            ),
            instances=res["B"] * K,
            steps=T,
            wall_s=res["wall"],
            instances_per_s=res["B"] * K * T / max(res["wall"], 1e-12),
            plot=Plot(
                "step t",
                "‖w_t − w_∞‖",
                [
                    Series("measured (start on v_min)", "points", tt.tolist(), e.tolist()),
                    Series("predicted |1 − ησ_min²|^t", "line", tt.tolist(), pred.tolist()),
                ],
                yscale="log",
            ),
        )
    )
    # 2. necessity: beyond 2/σ_max² the fastest direction diverges
    z = _sizes(ctx)
    anyc = th.THEOREM.claim("contraction")
    rs = _cached(
        _key(ctx, "rate", "gaussian", "random", _grid_key(anyc), tuple(z.items())),
        lambda: _rate_batch(ctx, "gaussian", "random", anyc, seed=ctx.seed, **z),
    )
    beyond = rs["eta"] * rs["smax2"] >= 2.9  # η = 1.5·2/σ_max²: |1 − ησ_max²| = 2 per step
    grow = (rs["e"][-1] / rs["e"][0])[beyond]
    out.append(
        Experiment(
            key="divergence",
            title="Necessity: η = 1.5·2/σ_max² diverges",
            comparisons=[
                Comparison("min growth ‖e_T‖/‖e_0‖ at η = 1.5·2/σ_max²", float(grow.min()), ">=", 1.0)
            ],
            measured={"min growth": float(grow.min()), "instances beyond": int(beyond.sum())},
            predicted={"growth": "> 1 (|1 − ησ_max²| > 1)"},
            instances=int(beyond.sum()),
            steps=z["steps"],
        )
    )
    # 3. kernel regression against the closed form
    kern = th.THEOREM.claim("kernel")
    worst = 0.0
    for i, kind in enumerate(linear.KERNELS):
        kr = _cached(
            _key(ctx, "kernel", kind, False, _grid_key(kern)),
            lambda: _kernel_batch(ctx, kind, kern, False, ctx.seed + i),
        )
        worst = max(worst, float((kr["kdev"] / kr["tol"])[kr["mask"]].max()))
    out.append(
        Experiment(
            key="kernel",
            title="Kernel GD vs zᵀG⁻¹y (polynomial, Gaussian, Laplace kernels)",
            comparisons=[Comparison("max |GD − closed form| / bound", worst, "<=", 1.0)],
            measured={"max deviation / bound": worst},
            predicted={"deviation": "≤ remainder ρ^T + rounding"},
        )
    )
    # 4. double descent against the closed form (000:372)
    xs, mc, pred_, cmp = [], [], [], []
    risk = to_torch(th.RISK)
    for p in DD_PS:
        rp = _risk_point(ctx, p)
        f = float(
            risk(
                {
                    "p": torch.tensor(float(p)),
                    "n": torch.tensor(float(DD_N)),
                    "bT2": torch.tensor(rp["bT2"]),
                    "bTc2": torch.tensor(rp["bTc2"]),
                }
            )
        )
        xs.append(p)
        mc.append(rp["mean"])
        pred_.append(f)
        if abs(p - DD_N) >= 4:
            cmp.append(Comparison(f"p = {p}", rp["mean"], "==", f, tol=rp["half"]))
    fin = [(x, f) for x, f in zip(xs, pred_) if math.isfinite(f)]
    out.append(
        Experiment(
            key="double_descent",
            title=f"Min-norm risk on p of D = {DD_D} Gaussian features, n = {DD_N} (double descent)",
            comparisons=cmp,
            measured={f"p={x}": v for x, v in zip(xs, mc)},
            predicted={f"p={x}": f for x, f in fin},
            formula=sp.latex(th.RISK),
            instances=ctx.size(2000, 20000, gpu=100000) * len(DD_PS),
            dim=DD_D,
            note=f"t-interval on 50 batch means at level 1 − {DD_ALPHA:g}, where |p − n| ≥ 4 (finite "
            f"variance)",
            plot=Plot(
                "p (features used)",
                "risk",
                [
                    Series("Monte Carlo mean", "points", xs, mc),
                    Series("closed form", "line", [x for x, _ in fin], [f for _, f in fin]),
                ],
                yscale="log",
            ),
        )
    )
    return out


def tightness(ctx: RunContext) -> list[TightnessRow]:
    """The contraction factor on the extremal start (the direction with the largest |1 − ησ²|)."""
    z = _sizes(ctx)
    c = th.THEOREM.claim("contraction")
    rows = []
    ratio, upper = 0.0, 0.0
    for i, spectrum in enumerate(linear.SPECTRA):
        res = _cached(
            _key(ctx, "rate", spectrum, "extremal", _grid_key(c), tuple(z.items())),
            lambda: _rate_batch(ctx, spectrum, "extremal", c, seed=ctx.seed + 13 * i, **z),
        )
        bound = res["rho"] * res["e"][:-1]
        ok = bound > res["tol"]
        ratio = max(ratio, float((res["e"][1:] / bound)[ok].max()))
        upper = max(upper, float(((res["e"][1:] + res["tol"]) / bound)[ok].max()))
    rows.append(
        TightnessRow(
            quantity="‖w_{t+1} − w_∞‖ / (ρ‖w_t − w_∞‖), ρ = max_i |1 − ησ_i²|",
            setting="any η > 0, start along the slowest direction",
            bound=1.0,
            measured_value=ratio,
            measured_upper=upper,
            textbook="(1 − ησ_min²) for η ≤ 1/σ_max²",
            best_known="max_i |1 − ησ_i²| (exact)",
            measured=f"extremal start: worst ratio {ratio:.12f}",
            tol=max(upper - ratio, 0.0),
        )
    )
    return rows

r"""PAC-Bayes bounds -- Arora et al. §5.6 (Theorem 5.6.1, after Langford's thesis).

Statement.  For a prior P fixed before the sample, losses in [0, 1] and m i.i.d. examples,
with probability at least 1 − δ, simultaneously for every posterior Q,

.. math:: \mathbb{E}_{h\sim Q}\big[L_D(h)-\hat L_S(h)\big]\le
          \sqrt{\frac{\mathrm{KL}(Q\|P)+\ln(2m/\delta)}{2(m-1)}} .

What is proved here (sympy certificates, re-checked on every run):

* Donsker–Varadhan for distributions on three points, from :math:`\ln u\le u-1`, with equality
  at the Gibbs posterior; the Gaussian KL by integration; Pinsker's inequality for Bernoulli;
* the *kl form* :math:`\mathrm{kl}(\hat L_S(Q)\|L_D(Q))\le(\mathrm{KL}+\ln(2\sqrt m/\delta))/m` on the
  event of Markov's inequality, from four facts that are **cited, not derived** and appear as
  hypotheses of every claim that rests on them: Donsker–Varadhan for general Q, P
  (``dv_general``; its finite case is proved), the joint convexity of kl (``jensen_kl``), Maurer's
  moment bound :math:`\mathbb{E}_S\mathbb{E}_P e^{m\,\mathrm{kl}}\le2\sqrt m` (``moment_kl``; it is where
  the loss range and the prior's independence of S enter) and the Markov event (``confidence_event``);
* from the kl form: McAllester–Maurer (Pinsker) and the λ-bound at λ = 1/2 (the refined Pinsker
  inequality, cited).  Theorem 5.6.1 follows from McAllester–Maurer (ln(2m/δ)/(m − 1) ≥
  ln(2√m/δ)/m) but that step is not certified yet (its multipliers involve the signs of ln m and
  ln(2√m/δ), which the monomial certificates cannot read); it is *measured only*;
* the proof sketch of (5.8) line by line, for a posterior on three hypotheses (Jensen for the
  square and for ln by tangent lines, the change of measure, Markov, the logarithm).

The Seeger/Langford kl form (a kl-inverse) and Catoni's form are *measured only*: their
coverage is tested with exact binomial tests where the true risk is known.  Every claim is
measured that way (``numerics/pac_bayes.py``).

Sources: Arora et al., *Theory of Deep Learning* (002), §5.6 (Theorem 5.6.1, Examples
5.6.2–5.6.3, (5.8)–(5.10)); course notes (003), background facts and the PAC-Bayes section
(Donsker's theorem, McAllester's theorem, Gaussian prior and posterior for stochastic networks);
Maurer (2004); Seeger (2002); Catoni (2007); Thiemann et al. (2017).
"""

from __future__ import annotations

import sympy as sp

from dlverify.theorems.core import (
    Assumption,
    Claim,
    Combination,
    CriticalPoint,
    Instance,
    Simplification,
    Source,
    SourceLine,
    Step,
    Theorem,
)

D1 = "002_9b9f6b48f7568a99.txt"
D3 = "003_12f976d491bf7278.txt"

# ----------------------------------------------------------------------------- symbols
u = sp.Symbol("u", positive=True)
qs = sp.symbols("q1:4", positive=True)
ps = sp.symbols("p1:4", positive=True)
phis = sp.symbols("phi1:4", real=True)
Z = sum(p * sp.exp(f) for p, f in zip(ps, phis))
G = [p * sp.exp(f) / Z for p, f in zip(ps, phis)]
KL_QP = sum(q * sp.log(q / p) for q, p in zip(qs, ps))
KL_QG = sum(q * sp.log(q / g) for q, g in zip(qs, G))
EQ_PHI = sum(q * f for q, f in zip(qs, phis))
pb, qb = sp.symbols("p q", positive=True)  # L_D(Q) and L̂_S(Q) in the derivation
omp = sp.Symbol("omp", positive=True)  # 1 - p
kl_pq = qb * sp.log(qb / pb) + (1 - qb) * sp.log((1 - qb) / (1 - pb))
Bsym = sp.Symbol("B", nonnegative=True)
lam_ = sp.Symbol("lambda", positive=True)
aa, bb = sp.symbols("a b", positive=True)
x = sp.Symbol("x", real=True)
th, th0 = sp.symbols("theta theta0", real=True)
sg, lv = sp.symbols("sigma lambda_P", positive=True)
_qn = sp.exp(-((x - th) ** 2) / (2 * sg**2)) / sp.sqrt(2 * sp.pi * sg**2)
#: ln q(x) − ln p(x) for the two Gaussian densities, written out (no forced log expansion)
_log_ratio = (
    -((x - th) ** 2) / (2 * sg**2)
    - sp.log(2 * sp.pi * sg**2) / 2
    + (x - th0) ** 2 / (2 * lv)
    + sp.log(2 * sp.pi * lv) / 2
)
GAUSS_KL_1D = (sg**2 / lv + (th - th0) ** 2 / lv - 1 + sp.log(lv / sg**2)) / 2

# instance quantities (what the numeric side computes per sample S)
qh, m_, d_ = sp.symbols("qhat m delta", positive=True)
KLs = sp.Symbol("KL", nonnegative=True)
risk = sp.Symbol("risk", positive=True)
ellbar = sp.Symbol("ellbar", positive=True)  # upper end of the loss range [0, ellbar]
bitsP = sp.Symbol("b_P", nonnegative=True)  # bits of information about S the prior uses
KLInv = sp.Function("KLInv")
LOG_KL = sp.log(2 * sp.sqrt(m_) / d_)  # ln(2√m/δ)

# the kl-form chain (abstract quantities of one sample S)
Xk, EXk = sp.symbols("X_kl EX_kl", positive=True)  # E_P e^{m kl(L̂_S(h)‖L_D(h))} and its mean over S
Ekl = sp.Symbol("E_kl", nonnegative=True)  # E_Q[m kl(L̂_S(h)‖L_D(h))]
Lc = sp.Symbol("L_c", positive=True)  # ln(2√m/δ): positive for δ < 1 ≤ 2√m
m1 = sp.Symbol("m_1", positive=True)  # m − 1
lm = sp.Symbol("l_m", nonnegative=True)  # ln m
B_KL = (KLs + Lc) / m_
kl_rq = None  # set below (kl(q̂‖L_D) in the instance quantities)

# the (5.8) chain: Δ_S(h_i) on three hypotheses
Ds = sp.symbols("Delta1:4", real=True)
E_D = sum(q * d for q, d in zip(qs, Ds))
E_D2 = sum(q * d**2 for q, d in zip(qs, Ds))
W58 = [sp.exp(m_ / 2 * d**2) * p / q for d, p, q in zip(Ds, ps, qs)]
Z58 = sum(p * sp.exp(m_ / 2 * d**2) for p, d in zip(ps, Ds))
EX58 = sp.Symbol("EX_58", positive=True)  # E_S E_P e^{(m/2)Δ_S(h)²}
L2 = sp.Symbol("L_2", positive=True)  # ln(2/δ)
Dkl = sp.Symbol("D", nonnegative=True)  # D(Q‖P) ≥ 0 (Gibbs' inequality: step gibbs)

kl_rq = kl_pq.subs({pb: risk, qb: qh}, simultaneous=True)

# ----------------------------------------------------------------------------- assumptions
ASSUMPTIONS = [
    Assumption("sum_q", "Q is a distribution (three hypotheses)", sp.Eq(sum(qs), 1)),
    Assumption("sum_p", "P is a distribution (three hypotheses)", sp.Eq(sum(ps), 1)),
    Assumption(
        "loss_range",
        "losses lie in [0, ℓ̄] with ℓ̄ ≤ 1",
        sp.Le(ellbar, 1),
        latex=r"\ell\in[0,\bar\ell],\ \bar\ell\le1",
    ),
    Assumption(
        "prior_fixed",
        "the prior P is chosen before seeing S: it uses b_P = 0 bits of the sample",
        sp.Le(bitsP, 0),
        latex=r"b_P\le 0\ (P\perp S)",
    ),
    Assumption(
        "confidence_event",
        "S lies in the event of Markov's inequality, of probability ≥ 1 − δ: "
        "X ≤ E_S X / δ (without it the bound is claimed for every sample)",
        sp.Le(Xk, EXk / d_),
    ),
    Assumption(
        "moment_kl",
        "cited fact (Maurer 2004, Thm 1): E_S E_P e^{m kl(L̂_S(h)‖L_D(h))} ≤ 2√m, for losses "
        "in [0, 1] and P independent of S",
        sp.Le(EXk, 2 * sp.sqrt(m_)),
        cited=True,
    ),
    Assumption(
        "dv_general",
        "cited fact: Donsker–Varadhan E_Q φ ≤ KL(Q‖P) + ln E_P e^φ for φ = m kl(L̂_S‖L_D) "
        "(proved below for three hypotheses)",
        sp.Le(Ekl, KLs + sp.log(Xk)),
        cited=True,
    ),
    Assumption(
        "jensen_kl",
        "cited fact: kl is jointly convex, so m kl(E_Q L̂_S ‖ E_Q L_D) ≤ E_Q m kl(L̂_S(h)‖L_D(h))",
        sp.Le(m_ * kl_rq, Ekl),
        cited=True,
    ),
    Assumption(
        "refined_pinsker",
        "cited fact (for q ≤ p; for q > p the λ-bound holds trivially): kl(q̂‖L) ≥ (L − q̂)²/(2L)",
        sp.Ge(kl_rq, (risk - qh) ** 2 / (2 * risk)),
        cited=True,
    ),
    Assumption("p_lt_1", "the risk in the derivation is below 1 (at 1 the kl is infinite)", sp.Lt(pb, 1)),
    Assumption(
        "risk_lt_1",
        "the true risk L_D(Q) is below 1 (Pinsker is used at p = L_D(Q); at L_D(Q) = 1 the kl is infinite)",
        sp.Lt(risk, 1),
    ),
    Assumption("delta_lt_1", "δ < 1", sp.Lt(d_, 1)),
    Assumption("m_ge_2", "m ≥ 2", sp.Ge(m_, 2)),
    Assumption("Lc_def", "L_c names ln(2√m/δ) (positive: δ < 1 ≤ 2√m)", sp.Eq(Lc, LOG_KL), definition=True),
    Assumption(
        "D_def",
        "D names D(Q‖P) of the three-point posterior (nonnegative: step gibbs)",
        sp.Eq(Dkl, KL_QP),
        definition=True,
    ),
    Assumption("L2_def", "L_2 names ln(2/δ) (positive: δ < 1)", sp.Eq(L2, sp.log(2 / d_)), definition=True),
    Assumption("point_mass", "P = Q = a point mass on one classifier: KL(Q‖P) = 0", sp.Eq(KLs, 0)),
    Assumption(
        "markov58",
        "S lies in the event of Markov's inequality for X = E_P e^{(m/2)Δ_S(h)²}: X ≤ E_S X/δ "
        "(probability ≥ 1 − δ)",
        sp.Le(Z58, EX58 / d_),
    ),
    Assumption(
        "moment58",
        "cited fact: E_S E_P e^{(m/2)Δ_S(h)²} ≤ 2 (losses in [0, 1]: Δ_S(h) is sub-Gaussian with "
        "variance proxy 1/(4m) by Hoeffding's lemma, so the mean is at most 1/√(1 − 1/4) = 2/√3; the book "
        "assumes it equals √2)",
        sp.Le(EX58, 2),
        cited=True,
    ),
    Assumption(
        "normal_58",
        "the passage's simplifying assumption: E_S e^{(m/2)Δ_S(h)²} = √2",
        sp.Eq(EX58, sp.sqrt(2)),
    ),
]


def _sqrt_trick(s, d):
    """``s − d = ((s² − d²) + (s − d)²)/(2s)`` for s > 0: the certificate of ``d ≤ s`` from
    ``d² ≤ s²`` (the squares part)."""
    return [(1 / (2 * s), s - d)]


_S_MM = sp.sqrt(B_KL / 2)
_S_TH = lam_ * risk / 2 + B_KL / lam_
_S_58 = sp.sqrt(2 * (Dkl + L2) / m_)
_HOEF = sp.sqrt(sp.log(1 / d_) / (2 * m_))

DERIVATION = [
    # --- Donsker–Varadhan for three hypotheses
    Step(
        "log_tangent",
        "ln u ≤ u − 1 for u > 0 (derivative sign around u = 1)",
        sp.Le(sp.log(u), u - 1),
        CriticalPoint(u, 1),
    ),
    *[
        Step(
            f"tangent{i + 1}",
            f"ln(G_{i + 1}/q_{i + 1}) ≤ G_{i + 1}/q_{i + 1} − 1",
            sp.Le(sp.log(G[i] / qs[i]), G[i] / qs[i] - 1),
            Instance("log_tangent", {u: G[i] / qs[i]}),
        )
        for i in range(3)
    ],
    Step(
        "sum_gibbs",
        "the Gibbs posterior G = P e^φ / Z is a distribution",
        sp.Eq(sum(G), 1, evaluate=False),
        Simplification(),
    ),
    Step(
        "dv_identity",
        "KL(Q‖P) − E_Q φ + (Σ_i q_i) ln Z = KL(Q‖G)",
        sp.Eq(KL_QP - EQ_PHI + sum(qs) * sp.log(Z), KL_QG, evaluate=False),
        Simplification(),
    ),
    Step(
        "donsker_varadhan",
        "Donsker–Varadhan: E_Q φ ≤ KL(Q‖P) + ln E_P e^φ (three hypotheses)",
        sp.Le(EQ_PHI, KL_QP + sp.log(Z)),
        Combination(
            {
                "dv_identity": 1,
                "tangent1": qs[0],
                "tangent2": qs[1],
                "tangent3": qs[2],
                "sum_gibbs": -1,
                "sum_q": 1 - sp.log(Z),
            }
        ),
    ),
    Step(
        "dv_equality",
        "equality at the Gibbs posterior Q = G",
        sp.Eq(
            sum(g * f for g, f in zip(G, phis)),
            sum(g * sp.log(g / p) for g, p in zip(G, ps)) + sp.log(Z),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "gauss_kl",
        "KL(N(θ, σ²) ‖ N(θ₀, λ)) = ½(σ²/λ + (θ − θ₀)²/λ − 1 + ln(λ/σ²)) (by integration; a sum over "
        "coordinates for diagonal covariances)",
        sp.Eq(sp.Integral(sp.expand(_qn * _log_ratio), (x, -sp.oo, sp.oo)), GAUSS_KL_1D),
        Simplification(),
    ),
    # --- signs the later steps need, from the domain m ≥ 2, δ < 1
    Step(
        "tangent_inv_m",
        "ln(1/m) ≤ 1/m − 1",
        sp.Le(sp.log(1 / m_), 1 / m_ - 1),
        Instance("log_tangent", {u: 1 / m_}),
    ),
    Step(
        "log_m_pos",
        "ln m > 0 for m ≥ 2",
        sp.Lt(0, sp.log(m_)),
        Combination({"tangent_inv_m": 1, "m_ge_2": 1 / m_}, remainder=1 / m_),
    ),
    Step("tangent_delta", "ln δ ≤ δ − 1", sp.Le(sp.log(d_), d_ - 1), Instance("log_tangent", {u: d_})),
    Step(
        "log_inv_delta_pos",
        "ln(1/δ) > 0 for δ < 1",
        sp.Lt(0, sp.log(1 / d_)),
        Combination({"tangent_delta": 1, "delta_lt_1": 1}),
    ),
    Step(
        "Lc_pos",
        "ln(2√m/δ) > 0",
        sp.Lt(0, LOG_KL),
        Combination({"log_m_pos": sp.Rational(1, 2), "log_inv_delta_pos": 1}, remainder=sp.log(2)),
    ),
    Step(
        "log_2m_pos",
        "ln(2m) > 0",
        sp.Lt(0, sp.log(2 * m_)),
        Combination({"log_m_pos": 1}, remainder=sp.log(2)),
    ),
    Step(
        "pinsker",
        "Pinsker for Bernoulli: kl(q‖p) ≥ 2(p − q)² (derivative sign around p = q)",
        sp.Ge(kl_pq, 2 * (pb - qb) ** 2),
        CriticalPoint(pb, qb, atoms={pb - 1: -omp}),
    ),
    Step(
        "lambda_opt",
        "Thiemann's λ-bound a/(1 − λ/2) + b/(λ(1 − λ/2)) is stationary at λ* = 2/(√(2a/b + 1) + 1)",
        sp.Eq(
            sp.diff(aa / (1 - lam_ / 2) + bb / (lam_ * (1 - lam_ / 2)), lam_).subs(
                lam_, 2 / (sp.sqrt(2 * aa / bb + 1) + 1)
            ),
            0,
            evaluate=False,
        ),
        Simplification(),
    ),
    # --- the kl form, on the Markov event
    Step(
        "x_le",
        "on the event: X ≤ E_S X/δ ≤ 2√m/δ (Markov's event and the moment bound)",
        sp.Le(Xk, 2 * sp.sqrt(m_) / d_),
        Combination({"confidence_event": 1, "moment_kl": 1 / d_}),
    ),
    Step(
        "x_tangent",
        "ln(Xδ/(2√m)) ≤ Xδ/(2√m) − 1",
        sp.Le(sp.log(Xk * d_ / (2 * sp.sqrt(m_))), Xk * d_ / (2 * sp.sqrt(m_)) - 1),
        Instance("log_tangent", {u: Xk * d_ / (2 * sp.sqrt(m_))}),
    ),
    Step(
        "x_log",
        "ln X ≤ ln(2√m/δ) = L_c (ln is increasing)",
        sp.Le(sp.log(Xk), Lc),
        Combination({"x_tangent": 1, "x_le": d_ / (2 * sp.sqrt(m_)), "Lc_def": 1}),
    ),
    Step(
        "kl_form",
        "the kl form: kl(L̂_S(Q)‖L_D(Q)) ≤ (KL(Q‖P) + L_c)/m (Jensen, Donsker–Varadhan, the event)",
        sp.Le(kl_rq, B_KL),
        Combination({"jensen_kl": 1 / m_, "dv_general": 1 / m_, "x_log": 1 / m_}),
    ),
    Step(
        "pinsker_rq",
        "Pinsker at p = L_D(Q), q = L̂_S(Q)",
        sp.Ge(kl_rq, 2 * (risk - qh) ** 2),
        Instance("pinsker", {pb: risk, qb: qh}),
    ),
    Step(
        "mm_sq",
        "Pinsker: 2(L_D − q̂)² ≤ (KL + L_c)/m",
        sp.Le(2 * (risk - qh) ** 2, B_KL),
        Combination({"pinsker_rq": 1, "kl_form": 1}),
    ),
    Step(
        "mm_form",
        "McAllester–Maurer with L_c = ln(2√m/δ): L_D ≤ q̂ + √((KL + L_c)/(2m))",
        sp.Le(risk, qh + _S_MM),
        Combination({"mm_sq": 1 / (4 * _S_MM)}, squares=_sqrt_trick(_S_MM, risk - qh)),
    ),
    Step(
        "mm_claim",
        "McAllester–Maurer with L_c = ln(2√m/δ) unfolded: the two roots differ by a multiple of "
        "L_c − ln(2√m/δ) = 0",
        sp.Le(risk, qh + sp.sqrt((KLs + LOG_KL) / (2 * m_))),
        Combination({"mm_form": 1, "Lc_def": -1 / (2 * m_ * (sp.sqrt((KLs + LOG_KL) / (2 * m_)) + _S_MM))}),
    ),
    # --- the λ-bound at λ = 1/2
    Step(
        "th_sq",
        "refined Pinsker on the event: (L_D − q̂)² ≤ 2L_D(KL + L_c)/m",
        sp.Le((risk - qh) ** 2, 2 * risk * B_KL),
        Combination({"kl_form": 2 * risk, "refined_pinsker": 2 * risk}),
    ),
    Step(
        "th_amgm",
        "√(2LB) ≤ λL/2 + B/λ (AM–GM): L_D − q̂ ≤ λL_D/2 + B/λ",
        sp.Le(risk - qh, _S_TH),
        Combination(
            {"th_sq": 1 / (2 * _S_TH)},
            squares=[(1 / (2 * _S_TH), lam_ * risk / 2 - B_KL / lam_)] + _sqrt_trick(_S_TH, risk - qh),
        ),
    ),
    Step(
        "th_amgm_half",
        "at λ = 1/2",
        sp.Le(risk - qh, risk / 4 + 2 * B_KL),
        Instance("th_amgm", {lam_: sp.Rational(1, 2)}),
    ),
    Step(
        "th_form",
        "Thiemann at λ = 1/2: L_D ≤ q̂/(3/4) + B/((1/2)(3/4))",
        sp.Le(risk, qh / (1 - sp.Rational(1, 4)) + B_KL / (sp.Rational(1, 2) * (1 - sp.Rational(1, 4)))),
        Combination({"th_amgm_half": sp.Rational(4, 3)}),
    ),
    Step(
        "th_claim",
        "the λ-bound (λ = 1/2) with L_c = ln(2√m/δ) unfolded (linear in L_c)",
        sp.Le(
            risk,
            qh / (1 - sp.Rational(1, 4))
            + (KLs + LOG_KL) / (sp.Rational(1, 2) * (1 - sp.Rational(1, 4)) * m_),
        ),
        Combination({"th_form": 1, "Lc_def": -sp.Rational(8, 3) / m_}),
    ),
    # --- Example 5.6.3: Hoeffding's deviation is below the bound of Theorem 5.6.1 at KL = 0
    Step(
        "hoef_vs_561",
        "√(ln(1/δ)/(2m)) ≤ √(ln(2m/δ)/(2(m − 1))) for δ < 1 < m",
        sp.Le(sp.sqrt(lm / (2 * (m1 + 1))), sp.sqrt((lm + Lc) / (2 * m1))),
        Combination(
            {},
            remainder=sp.together((lm + Lc) / (2 * m1) - lm / (2 * (m1 + 1)))
            / (sp.sqrt((lm + Lc) / (2 * m1)) + sp.sqrt(lm / (2 * (m1 + 1)))),
        ),
    ),
    Step(
        "hoef_vs_561_claim",
        "Example 5.6.3's inequality in m and δ",
        sp.Le(_HOEF, sp.sqrt(sp.log(1 / d_) + sp.log(2 * m_)) / (sp.sqrt(2) * sp.sqrt(m_ - 1))),
        Instance(
            "hoef_vs_561",
            {lm: sp.log(1 / d_), Lc: sp.log(2 * m_), m1: m_ - 1},
            positive_on_domain=(sp.log(1 / d_), sp.log(2 * m_), m_ - 1),
        ),
    ),
    # --- the proof sketch of (5.8), for a posterior on three hypotheses
    Step(
        "jensen_sq",
        "Jensen for the square: (E_Q Δ)² ≤ E_Q Δ² (the variance is a sum of squares)",
        sp.Le(E_D**2, E_D2),
        Combination(
            {"sum_q": -E_D2},
            squares=[(qs[i] * qs[j], Ds[i] - Ds[j]) for i in range(3) for j in range(i + 1, 3)],
        ),
    ),
    Step(
        "line_1196",
        "(m/2) E_Q Δ² − D(Q‖P) = E_Q[(m/2)Δ² − ln(Q/P)]",
        sp.Eq(
            m_ / 2 * E_D2 - KL_QP,
            sum(q * (m_ / 2 * d**2 - sp.log(q / p)) for q, d, p in zip(qs, Ds, ps)),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "line_1198",
        "= E_Q[ln(exp((m/2)Δ²) · P/Q)]",
        sp.Eq(
            sum(q * (m_ / 2 * d**2 - sp.log(q / p)) for q, d, p in zip(qs, Ds, ps)),
            sum(q * sp.log(w) for q, w in zip(qs, W58)),
            evaluate=False,
        ),
        Simplification(),
    ),
    *[
        Step(
            f"jt{i + 1}",
            f"ln(w_{i + 1}/E_Q w) ≤ w_{i + 1}/E_Q w − 1",
            sp.Le(sp.log(W58[i] / Z58), W58[i] / Z58 - 1),
            Instance("log_tangent", {u: W58[i] / Z58}),
        )
        for i in range(3)
    ],
    Step(
        "line_1200",
        "Jensen for the concave ln: E_Q ln w ≤ ln E_Q w (tangent lines)",
        sp.Le(sum(q * sp.log(w) for q, w in zip(qs, W58)), sp.log(sum(q * w for q, w in zip(qs, W58)))),
        Combination({"jt1": qs[0], "jt2": qs[1], "jt3": qs[2], "sum_q": 1 - sp.log(Z58)}),
    ),
    Step(
        "line_1206",
        "the change of measure: E_Q[e^{(m/2)Δ²} P/Q] = E_P e^{(m/2)Δ²}",
        sp.Eq(sp.log(sum(q * w for q, w in zip(qs, W58))), sp.log(Z58), evaluate=False),
        Simplification(),
    ),
    Step(
        "eq_5_9",
        "(5.9): (m/2)(E_Q Δ)² − D(Q‖P) ≤ ln E_P e^{(m/2)Δ²}",
        sp.Le(m_ / 2 * E_D**2 - KL_QP, sp.log(Z58)),
        Combination({"jensen_sq": m_ / 2, "line_1200": 1}),
    ),
    Step(
        "eq_5_10",
        "(5.10): on the event, E_P e^{(m/2)Δ²} ≤ 2/δ",
        sp.Le(Z58, 2 / d_),
        Combination({"markov58": 1, "moment58": 1 / d_}),
    ),
    Step(
        "z_tangent",
        "ln(δ E_P e^{(m/2)Δ²}/2) ≤ δ E_P e^{(m/2)Δ²}/2 − 1",
        sp.Le(sp.log(d_ * Z58 / 2), d_ * Z58 / 2 - 1),
        Instance("log_tangent", {u: d_ * Z58 / 2}),
    ),
    Step(
        "log_5_10",
        "taking logarithms: ln E_P e^{(m/2)Δ²} ≤ ln(2/δ)",
        sp.Le(sp.log(Z58), L2),
        Combination({"z_tangent": 1, "eq_5_10": d_ / 2, "L2_def": 1}),
    ),
    Step(
        "pre_5_8",
        "(m/2)(E_Q Δ)² − D(Q‖P) ≤ ln(2/δ)",
        sp.Le(m_ / 2 * E_D**2 - KL_QP, L2),
        Combination({"eq_5_9": 1, "log_5_10": 1}),
    ),
    Step(
        "dv_zero",
        "Donsker–Varadhan at φ = 0: 0 ≤ D(Q‖P) + ln Σ p_i",
        sp.Le(0, KL_QP + sp.log(sum(ps))),
        Instance("donsker_varadhan", {f: 0 for f in phis}),
    ),
    Step(
        "tangent_p",
        "ln Σ p_i ≤ Σ p_i − 1",
        sp.Le(sp.log(sum(ps)), sum(ps) - 1),
        Instance("log_tangent", {u: sum(ps)}),
    ),
    Step(
        "gibbs",
        "Gibbs' inequality: D(Q‖P) ≥ 0 (the sign declared for D)",
        sp.Ge(KL_QP, 0),
        Combination({"dv_zero": 1, "tangent_p": 1, "sum_p": -1}),
    ),
    Step(
        "pre_5_8_D",
        "the same with D := D(Q‖P)",
        sp.Le(m_ / 2 * E_D**2 - Dkl, L2),
        Combination({"pre_5_8": 1, "D_def": 1}),
    ),
    Step(
        "eq_5_8",
        "(5.8) for three hypotheses: E_Q Δ ≤ √(2(D(Q‖P) + ln(2/δ))/m)",
        sp.Le(E_D, _S_58),
        Combination({"pre_5_8_D": 1 / (m_ * _S_58)}, squares=_sqrt_trick(_S_58, E_D)),
    ),
]

# ----------------------------------------------------------------------------- the bound forms
FORMS = {
    # √(a/(2(m − 1))) written as √a/(√2·√(m − 1)): equal for m > 1, and sympy can split it
    "arora_5_6_1": qh + sp.sqrt(KLs + sp.log(2 * m_ / d_)) / (sp.sqrt(2) * sp.sqrt(m_ - 1)),
    "mcallester_maurer": qh + sp.sqrt((KLs + LOG_KL) / (2 * m_)),
    "seeger_kl": KLInv(qh, (KLs + LOG_KL) / m_),
    "catoni_C1": (1 - sp.exp(-qh - (KLs + sp.log(1 / d_)) / m_)) / (1 - sp.exp(-1)),
    "thiemann_half": qh / (1 - sp.Rational(1, 4))
    + (KLs + LOG_KL) / (sp.Rational(1, 2) * (1 - sp.Rational(1, 4)) * m_),
}
FORM_NAMES = {
    "arora_5_6_1": "Arora/Langford Thm 5.6.1",
    "mcallester_maurer": "McAllester–Maurer",
    "seeger_kl": "Seeger/Langford kl",
    "catoni_C1": "Catoni (C = 1)",
    "thiemann_half": "Thiemann λ = 1/2",
}
#: what the bounds are about: a probability statement over S for losses in [0, 1] and a fixed prior
BASE = ("loss_range", "prior_fixed", "confidence_event")
#: the hypotheses of the derivation from the kl form (cited facts)
KL_CHAIN = ("moment_kl", "dv_general", "jensen_kl", "p_lt_1", "risk_lt_1", "m_ge_2", "delta_lt_1")
FORM_ASSUMPTIONS = {
    "arora_5_6_1": BASE + KL_CHAIN,
    "mcallester_maurer": BASE + KL_CHAIN,
    "seeger_kl": BASE,
    "catoni_C1": BASE,
    "thiemann_half": BASE + KL_CHAIN + ("refined_pinsker",),
}
_DOMAIN = (sp.Le(qh, 1), sp.Lt(d_, 1), sp.Ge(m_, 2), sp.Le(risk, 1))
CLAIMS = [
    Claim(
        k,
        f"{FORM_NAMES[k]}: with probability ≥ 1 − δ over S, E_Q L_D ≤ bound for every Q",
        sp.Le(risk, f),
        FORM_ASSUMPTIONS[k],
        domain=_DOMAIN,
    )
    for k, f in FORMS.items()
]
PREDICTED = dict(FORMS)

# (5.8) as a claim over the instance quantities
EQ_5_8 = sp.Le(risk, qh + sp.sqrt(2 * (KLs + sp.log(2 / d_)) / m_))


def _c(key):
    return next(c for c in CLAIMS if c.key == key)


_ar = _c("arora_5_6_1")
WRONG_VARIANTS = [
    _ar.variant(
        "no_log_term", "Theorem 5.6.1 without ln(2m/δ)", sp.Le(risk, qh + sp.sqrt(KLs / (2 * (m_ - 1))))
    ),
    _ar.variant(
        "m_squared",
        "√((KL + ln(2m/δ))/(2m²)) (m² in place of m − 1)",
        sp.Le(risk, qh + sp.sqrt((KLs + sp.log(2 * m_ / d_)) / (2 * m_**2))),
    ),
    _ar.variant(
        "no_sqrt",
        "(KL + ln(2m/δ))/(2(m − 1)) without the square root",
        sp.Le(risk, qh + (KLs + sp.log(2 * m_ / d_)) / (2 * (m_ - 1))),
    ),
    _ar.variant(
        "no_loss_range",
        "Theorem 5.6.1 without the loss range [0, 1] (and so without the moment bound, which needs it)",
        assumptions=[a for a in _ar.assumptions if a not in ("loss_range", "moment_kl")],
    ),
    _ar.variant(
        "no_prior_fixed",
        "Theorem 5.6.1 with a prior that may depend on S (and so without the moment "
        "bound, which needs a fixed prior)",
        assumptions=[a for a in _ar.assumptions if a not in ("prior_fixed", "moment_kl")],
    ),
    _ar.variant(
        "no_confidence",
        "Theorem 5.6.1 on every sample (no 1 − δ event)",
        assumptions=[a for a in _ar.assumptions if a != "confidence_event"],
    ),
    _c("mcallester_maurer").variant(
        "mm_no_complexity", "McAllester–Maurer without KL + ln(2√m/δ)", sp.Le(risk, qh + 1 / sp.sqrt(2 * m_))
    ),
    _c("seeger_kl").variant(
        "kl_no_complexity", "kl form with 1/m in place of (KL + ln(2√m/δ))/m", sp.Le(risk, KLInv(qh, 1 / m_))
    ),
    _c("catoni_C1").variant(
        "catoni_no_normaliser",
        "Catoni without the 1/(1 − e^{−1}) factor",
        sp.Le(risk, 1 - sp.exp(-qh - (KLs + sp.log(1 / d_)) / m_)),
    ),
    _c("thiemann_half").variant(
        "thiemann_half_slope",
        "λ-bound with 2q̂/3 in place of 4q̂/3",
        sp.Le(risk, 2 * qh / 3 + 8 * (KLs + LOG_KL) / (3 * m_)),
    ),
]

# ----------------------------------------------------------------------------- the sources, as written
_zs, _eps = sp.Symbol("z", real=True), sp.Symbol("epsilon", positive=True)
#: E_{z ~ N(0,1)} e^{z²/(2+ε)} in closed form (its integral is step normal_mgf_sq)
NORMAL_SQ_MGF = sp.sqrt((2 + _eps) / _eps)
DERIVATION.append(
    Step(
        "normal_mgf_sq",
        "E_{z∼N(0,1)} e^{z²/(2+ε)} = √((2+ε)/ε) (Gaussian integral)",
        sp.Eq(
            sp.Integral(
                sp.exp(-(_zs**2) / 2 + _zs**2 / (2 + _eps)) / sp.sqrt(2 * sp.pi), (_zs, -sp.oo, sp.oo)
            ),
            NORMAL_SQ_MGF,
            evaluate=False,
        ),
        Simplification(),
    )
)
DERIVATION.append(
    Step(
        "normal_mgf_quarter",
        "E_{z∼N(0,1)} e^{z²/4} = √2 (Gaussian integral)",
        sp.Eq(
            sp.Integral(sp.exp(-(_zs**2) / 2 + _zs**2 / 4) / sp.sqrt(2 * sp.pi), (_zs, -sp.oo, sp.oo)),
            sp.sqrt(2),
            evaluate=False,
        ),
        Simplification(),
    )
)
_ell, _LD = sp.symbols("ell L_D", nonnegative=True)
ASSUMPTIONS += [
    Assumption("ell_le_1", "the loss of one example is at most 1", sp.Le(_ell, 1)),
    Assumption("LD_le_1", "the risk is at most 1", sp.Le(_LD, 1)),
]
DERIVATION.append(
    Step(
        "delta_term_range",
        "L_D(h) − ℓ(h, z) ≤ 1 for losses in [0, 1] (and ≥ −1 likewise)",
        sp.Le(_LD - _ell, 1),
        Combination({"LD_le_1": 1}, remainder=_ell),
    )
)

# Hölder's equality case (003:25): v = u = (1, 2), p = 3
_v1, _v2, _u1, _u2 = sp.symbols("v1 v2 u1 u2", positive=True)
_pp = sp.Symbol("p_H", positive=True)
_ps = _pp / (_pp - 1)
HOLDER_EQ = sp.Eq(
    _v1 * _u1 + _v2 * _u2, (_v1**_pp + _v2**_pp) ** (1 / _pp) * (_u1**_ps + _u2**_ps) ** (1 / _ps)
)
ASSUMPTIONS += [
    Assumption(
        "holder_p_condition",
        "|v_i|^p = γ|u_i|^{p*} with γ = 1 (summed over i)",
        sp.Eq(_v1**_pp - _u1**_ps + _v2**_pp - _u2**_ps, 0),
    )
]


def _line(key, doc, line, anchor, what, latex, **kw):
    return SourceLine(key, doc, line, anchor, what, latex, **kw)


_mm = _c("mcallester_maurer")
AS_WRITTEN = [
    # ---- 002, §5.6
    _line(
        "expected_test_loss",
        D1,
        1164,
        r"\mathbb{E}_{h\sim Q}[L_{\mathcal{D}}(h)]",
        "the expected test loss",
        r"\mathbb{E}_{h\sim Q}[L_{\mathcal D}(h)]",
        unchecked="a definition of notation; nothing to decide",
    ),
    _line(
        "valid_posterior",
        D1,
        1166,
        "to be a *valid posterior*",
        "valid posterior (Q ≪ P)",
        r"P(h)=0\Rightarrow Q(h)=0",
        unchecked="a definition (absolute continuity); where it fails KL(Q‖P) = ∞ "
        "and every form is vacuous, so it restricts nothing the suite could test",
    ),
    _line(
        "thm_5_6_1",
        D1,
        1170,
        r"\frac{D(Q||P) + \ln(2m/\delta)}{2(m-1)}",
        "Theorem 5.6.1 (1168–1170)",
        r"\Pr_S\Big[\Delta_S(Q)\le\sqrt{\tfrac{D(Q\|P)+\ln(2m/\delta)}{2(m-1)}}\Big]\ge1-\delta",
        reading=_ar.variant(
            "thm_5_6_1_as_written",
            "Theorem 5.6.1 as stated: a prior, a valid posterior, probability 1 − δ; no loss range",
            assumptions=("prior_fixed", "confidence_event"),
        ),
        corrected=_ar,
        corrected_latex=r"\text{the same, for losses in }[0,1]",
        note="the statement (1168) names no loss range; P is a *prior* (fixed before S, as 1213 says) and Q "
        "any "
        "valid posterior. With losses in [0, 4] the bound fails (exact binomial test).",
    ),
    _line(
        "kl_definition",
        D1,
        1172,
        r"\mathbb{E}_{h \sim Q}[\ln(Q(h)/P(h))]",
        "KL divergence (definition)",
        r"D(Q\|P)=\mathbb E_{h\sim Q}\ln\frac{Q(h)}{P(h)}",
        unchecked="a definition; the suite's KL of Gibbs posteriors "
        "is this sum (tested against scipy's entropy in the check file)",
    ),
    _line(
        "footnote_17",
        D1,
        1180,
        "in this definition, $0 \\ln 0$",
        "footnote 17: 0 ln 0 = 0, P dominates Q",
        r"0\ln0:=0",
        unchecked="a convention of the definition",
    ),
    _line(
        "example_5_6_2",
        D1,
        1182,
        "Q is a valid posterior of P because",
        "Example 5.6.2: Q from SGD is valid for a Gaussian P",
        r"P=\mathcal N(0,I)\Rightarrow Q\ll P",
        unchecked="a remark on the law of SGD's output; the suite has no model of that law. Read 'nonzero "
        "probability' as 'positive density' (a Gaussian gives every single vector probability 0), which "
        "makes Q ≪ P "
        "exactly when Q has a density",
    ),
    _line(
        "example_5_6_3_kl",
        D1,
        1184,
        "Then D(Q||P) = 0",
        "Example 5.6.3: D(Q‖P) = 0 for P = Q = δ_h",
        r"D(\delta_h\|\delta_h)=0",
        unchecked="1 · ln(1/1) = 0: arithmetic; the numeric KL of point masses is "
        "tested to be 0 in the check file",
    ),
    _line(
        "example_5_6_3_hoeffding",
        D1,
        1184,
        "by Hoeffding bound we have",
        "Example 5.6.3: Hoeffding's deviation bound",
        r"\Pr_S\big[\Delta_S(h)\le\sqrt{\log(1/\delta)/(2m)}\big]\ge1-\delta",
        reading=_ar.variant(
            "hoeffding_as_written",
            "Hoeffding: one fixed classifier",
            sp.Le(risk, qh + _HOEF),
            BASE + ("point_mass",),
        ),
    ),
    _line(
        "example_5_6_3_satisfied",
        D1,
        1184,
        "in PAC-Bayes bound is satisfied",
        "Example 5.6.3: Hoeffding's bound implies Theorem 5.6.1 at D = 0",
        r"\sqrt{\log(1/\delta)/(2m)}\le\sqrt{\ln(2m/\delta)/(2(m-1))}",
        reading=Claim(
            "hoef_le_561",
            "Hoeffding's deviation ≤ the bound of Theorem 5.6.1 at KL = 0",
            sp.Le(_HOEF, sp.sqrt(sp.log(1 / d_) + sp.log(2 * m_)) / (sp.sqrt(2) * sp.sqrt(m_ - 1))),
            (),
        ),
        note="ln(2m/δ) written as ln(1/δ) + ln(2m)",
    ),
    _line(
        "eq_5_8",
        D1,
        1190,
        r"\frac{2(D(Q||P) + \ln(2/\delta))}{m}",
        "(5.8), the weaker statement",
        r"\Pr_S\Big[\Delta_S(Q)\le\sqrt{\tfrac{2(D(Q\|P)+\ln(2/\delta))}{m}}\Big]\ge1-\delta",
        reading=_ar.variant("eq_5_8_reading", "(5.8) for losses in [0, 1] and a fixed prior", EQ_5_8, BASE),
        note="called 'not quite correct' (1188) because its proof assumes z = √m Δ is N(0, 1); for losses in "
        "[0, 1] it is in fact true (Δ_S(h) is sub-Gaussian with proxy 1/(4m), so E e^{(m/2)Δ²} ≤ 2/√3 ≤ 2 "
        "and the sketch goes through: steps eq_5_9 … eq_5_8); measured here by coverage",
    ),
    _line(
        "delta_range",
        D1,
        1192,
        "taking values in [-1, 1] and with mean 0",
        "Δ_S(h) averages variables in [−1, 1]",
        r"L_{\mathcal D}(h)-\ell(h,z)\le1",
        reading=Claim("delta_term_range", "L_D − ℓ ≤ 1", sp.Le(_LD - _ell, 1), ("ell_le_1", "LD_le_1")),
        note="the lower end −1 is the same argument; the range's width is in fact 1 (L_D − ℓ ∈ [L_D − 1, "
        "L_D]), "
        "which is what makes E e^{(m/2)Δ²} finite",
    ),
    _line(
        "z_normal_limit",
        D1,
        1192,
        "dominated in distribution by",
        "z is dominated by N(0, 1) as m → ∞",
        r"\sqrt m\Delta_S(h)\preceq\mathcal N(0,1)\ (m\to\infty)",
        unchecked="an asymptotic statement about distributions (the CLT with variance ≤ 1/4 ≤ 1); no finite "
        "instance decides it",
    ),
    _line(
        "mgf_sqrt2",
        D1,
        1192,
        "approaches $\\sqrt{2}$",
        "E e^{z²/(2+ε)} → √2 for z ∼ N(0, 1)",
        r"\mathbb E_{z\sim\mathcal N(0,1)}e^{z^2/(2+\epsilon)}\to\sqrt2",
        reading=Claim(
            "mgf_near_sqrt2",
            "E e^{z²/(2+ε)} ≤ √2 (1 + ε) for small ε",
            sp.Le(NORMAL_SQ_MGF, sp.sqrt(2) * (1 + _eps)),
            (),
        ),
        point={_eps: sp.Rational(1, 100)},
        corrected=Claim(
            "mgf_quarter",
            "E e^{z²/4} = √2",
            sp.Eq(
                sp.Integral(sp.exp(-(_zs**2) / 2 + _zs**2 / 4) / sp.sqrt(2 * sp.pi), (_zs, -sp.oo, sp.oo)),
                sp.sqrt(2),
                evaluate=False,
            ),
            (),
        ),
        corrected_latex=r"\mathbb E_{z\sim\mathcal N(0,1)}e^{z^2/4}=\sqrt2,\quad \mathbb E "
        r"e^{z^2/(2+\epsilon)}=\sqrt{(2+\epsilon)/\epsilon}\to\infty",
        note="the exact value √((2+ε)/ε) (step normal_mgf_sq) is √201 ≈ 14.2 at ε = 1/100 and diverges as ε "
        "→ 0; "
        "√2 is the value for the exponent z²/4 (or for variance 1/2). Read 'approaches √2' as 'within a "
        "factor 1 + ε of √2'; every reading of a limit fails",
    ),
    _line(
        "assume_sqrt2",
        D1,
        1192,
        "For simplicity we will assume",
        "the simplifying assumption E e^{z²/2} = √2",
        r"\mathbb E\,e^{z^2/2}=\sqrt2",
        unchecked="an assumption the passage makes, not a claim (for z ∼ N(0, 1) the "
        "mean is infinite; for losses in [0, 1] it is at most 2/√3, see moment58)",
    ),
    _line(
        "rearrange",
        D1,
        1194,
        "Rearranging the expression in the",
        "(5.8) ⇔ (m/2)(E_Q Δ)² − D(Q‖P) ≤ ln(2/δ)",
        r"(m/2)\,\mathbb E_{h\sim Q}[\Delta_S(h)]^2-D(Q\|P)\le\ln(2/\delta)\Rightarrow(5.8)",
        reading=Claim(
            "eq_5_8_three",
            "(5.8) from the rearranged bound (three hypotheses)",
            sp.Le(E_D, _S_58),
            ("sum_q", "markov58", "moment58"),
        ),
        note="the rearrangement is used in the direction 'rearranged ⇒ (5.8)'; certified by the sqrt step "
        "eq_5_8",
    ),
    _line(
        "jensen_square",
        D1,
        1194,
        "applied to the square function",
        "Jensen for x²: (E_Q Δ)² ≤ E_Q Δ²",
        r"(m/2)\mathbb E_Q[\Delta]^2-D\le(m/2)\mathbb E_Q[\Delta^2]-D",
        reading=Claim("jensen_sq", "(E_Q Δ)² ≤ E_Q Δ²", sp.Le(E_D**2, E_D2), ("sum_q",)),
        note="for a posterior on three hypotheses; needs no loss range",
    ),
    _line(
        "line_1196",
        D1,
        1196,
        r"(m/2)\Delta_{S}(h)^{2} - \ln(Q(h)/P(h))",
        "= E_Q[(m/2)Δ² − ln(Q/P)]",
        r"(m/2)\mathbb E_Q\Delta^2-D(Q\|P)=\mathbb E_Q[(m/2)\Delta^2-\ln(Q/P)]",
        reading=Claim(
            "line_1196",
            "linearity of E_Q",
            DERIVATION[[s.key for s in DERIVATION].index("line_1196")].relation,
            (),
        ),
    ),
    _line(
        "line_1198",
        D1,
        1198,
        r"\exp((m/2)\Delta_{S}(h)^{2}) \cdot P(h)",
        "= E_Q[ln(exp((m/2)Δ²) P/Q)]",
        r"=\mathbb E_Q\ln\big(e^{(m/2)\Delta^2}P/Q\big)",
        reading=Claim(
            "line_1198",
            "ln of a product",
            DERIVATION[[s.key for s in DERIVATION].index("line_1198")].relation,
            (),
        ),
    ),
    _line(
        "line_1200",
        D1,
        1200,
        r"\leq \ln \left(\mathop{\mathbb{E}}",
        "≤ ln E_Q[exp((m/2)Δ²) P/Q] (Jensen, ln concave)",
        r"\le\ln\mathbb E_Q\big[e^{(m/2)\Delta^2}P/Q\big]",
        reading=Claim(
            "line_1200",
            "Jensen for ln",
            DERIVATION[[s.key for s in DERIVATION].index("line_1200")].relation,
            ("sum_q",),
        ),
    ),
    _line(
        "footnote_18",
        D1,
        1202,
        "For a concave function f and random",
        "footnote 18: Jensen's inequality",
        r"f\ \text{concave}\Rightarrow\mathbb E f(X)\le f(\mathbb EX)",
        reading=Claim(
            "line_1200_fn",
            "Jensen for the concave ln, three points",
            DERIVATION[[s.key for s in DERIVATION].index("line_1200")].relation,
            ("sum_q",),
        ),
        note="checked for f = ln on three points (the use the proof makes of it); the convex case is step "
        "jensen_sq",
    ),
    _line(
        "line_1206",
        D1,
        1206,
        r"= \ln \mathop{\mathbb{E}}_{h \sim P}",
        "change of measure E_Q[·P/Q] = E_P[·]",
        r"\ln\mathbb E_Q[e^{(m/2)\Delta^2}P/Q]=\ln\mathbb E_P e^{(m/2)\Delta^2}",
        reading=Claim(
            "line_1206",
            "change of measure",
            DERIVATION[[s.key for s in DERIVATION].index("line_1206")].relation,
            (),
        ),
    ),
    _line(
        "eq_5_9",
        D1,
        1210,
        r"[\Delta_{\mathcal{S}}(h)]^2 - D(Q||P)",
        "(5.9)",
        r"(m/2)\mathbb E_Q[\Delta_S]^2-D(Q\|P)\le\ln\mathbb E_P e^{(m/2)\Delta_S^2}",
        reading=Claim(
            "eq_5_9", "(5.9), three hypotheses", sp.Le(m_ / 2 * E_D**2 - KL_QP, sp.log(Z58)), ("sum_q",)
        ),
        note="holds for every S (no loss range, no event)",
    ),
    _line(
        "fubini_sqrt2",
        D1,
        1215,
        r"= \sqrt{2} \leq 2",
        "E_S E_P = E_P E_S = √2 ≤ 2",
        r"\mathbb E_S\mathbb E_P e^{(m/2)\Delta_S^2}=\mathbb E_P\mathbb E_S e^{(m/2)\Delta_S^2}=\sqrt2\le2",
        reading=Claim(
            "sqrt2_le_2",
            "under the passage's assumption (= √2), the mean is ≤ 2",
            sp.Le(EX58, 2),
            ("normal_58",),
        ),
        point={EX58: sp.sqrt(2)},
        note="the exchange of E_S and E_P needs P independent of S (1213) and is Tonelli's theorem (cited); "
        "= √2 is "
        "the passage's assumption (1192); ≤ 2 is checked at that value exactly. For losses in [0, 1] the "
        "rigorous value is ≤ 2/√3 (moment58)",
    ),
    _line(
        "eq_5_10",
        D1,
        1219,
        r"\right] \leq 2/\delta",
        "(5.10): Markov",
        r"\Pr_S\big[\mathbb E_P e^{(m/2)\Delta_S^2}\le2/\delta\big]\ge1-\delta",
        reading=Claim("eq_5_10", "(5.10) on the Markov event", sp.Le(Z58, 2 / d_), ("markov58", "moment58")),
        note="'simple averaging' (1217) is Markov's inequality; the event X ≤ E_S X/δ has probability ≥ 1 − "
        "δ",
    ),
    _line(
        "take_log",
        D1,
        1221,
        "by taking logarithm of both sides",
        "taking logarithms completes (5.8)",
        r"\ln\mathbb E_P e^{(m/2)\Delta_S^2}\le\ln(2/\delta)",
        reading=Claim("log_5_10", "ln of (5.10)", sp.Le(sp.log(Z58), L2), ("markov58", "moment58")),
    ),
    # ---- 003, background facts (20–45)
    _line(
        "cauchy_schwarz",
        D3,
        21,
        "Cauchy-Schwarz inequality",
        "Cauchy–Schwarz",
        r"v^Tu\le\|v\|_2\|u\|_2",
        unchecked="a background fact outside PAC-Bayes (also in the descent lemma's range 003:1–60), not "
        "used by "
        "this theorem",
    ),
    _line(
        "holder",
        D3,
        23,
        "Hölder's inequality",
        "Hölder's inequality",
        r"v^Tu\le\|v^Tu\|_1\le\|v\|_p\|u\|_{p^*}",
        unchecked="a background fact outside PAC-Bayes, not used by this theorem; ‖vᵀu‖₁ of a scalar is read "
        "as "
        "Σ|v_i u_i|",
    ),
    _line(
        "holder_equality",
        D3,
        25,
        "equality if $|v|^p = \\gamma |u|^p",
        "Hölder's equality case",
        r"|v|^p=\gamma|u|^{p^*}\Rightarrow v^Tu=\|v\|_p\|u\|_{p^*}",
        reading=Claim(
            "holder_eq", "equality in Hölder when |v_i|^p = γ|u_i|^{p*}", HOLDER_EQ, ("holder_p_condition",)
        ),
        point={_v1: 1, _v2: sp.sqrt(2), _u1: 1, _u2: 2, _pp: 3},
        note="extraction: the line ends '|u|^p$ *' -- the '*' is read as the lost superscript of p* (as "
        "written "
        "with |u|^p the condition is wrong: v = u = (1, 2), p = 3 gives 5 < 9^{1/3}(1 + 2√2)^{2/3}). Checked "
        "exactly at v = (1, √2), u = (1, 2), p = 3: both sides are 1 + 2√2",
    ),
    _line(
        "jensen_003",
        D3,
        27,
        "Jensen's inequality: f convex",
        "Jensen (convex)",
        r"f(\mathbb EX)\le\mathbb Ef(X)",
        reading=Claim("jensen_sq_003", "Jensen for f = x², three points", sp.Le(E_D**2, E_D2), ("sum_q",)),
        note="checked for f(x) = x² on three points (the use (5.8)'s proof makes of it)",
    ),
    _line(
        "jensen_log_003",
        D3,
        28,
        r"\geq \mathbb{E}[\log(X)]",
        "Jensen for log",
        r"\log\mathbb EX\ge\mathbb E\log X",
        reading=Claim(
            "jensen_log_003",
            "Jensen for ln, three points",
            DERIVATION[[s.key for s in DERIVATION].index("line_1200")].relation,
            ("sum_q",),
        ),
        note="log is concave, so this is the convex statement applied to −log; checked on three points",
    ),
    _line(
        "markov_003",
        D3,
        30,
        "Markov's inequality",
        "Markov's inequality",
        r"\Pr(X\ge a)\le\mathbb EX/a",
        unchecked="a probability inequality over all distributions; the suite uses it as a cited fact "
        "(confidence_event, markov58), and the coverage tests measure its consequences",
    ),
    _line(
        "kl_003",
        D3,
        32,
        "KL Divergence Let Q, P be prob.",
        "KL divergence of densities",
        r"\mathrm{KL}(Q\|P)=\int q\log(q/p)\,dx",
        unchecked="a definition; its Gaussian case is step gauss_kl (by integration)",
    ),
    _line(
        "entropy_003",
        D3,
        34,
        "Entropy For $X",
        "entropy",
        r"H(X)=-\sum_iP(x_i)\log P(x_i)",
        unchecked="a definition",
    ),
    _line(
        "square_sum_003",
        D3,
        36,
        r"\left(\sum_i a_i\right)^2",
        "square of a sum",
        r"(\sum_ia_i)^2=\sum_ia_i^2+2\sum_{i<j}a_ia_j",
        unchecked="an algebraic identity outside PAC-Bayes (descent lemma's range); true by expansion",
    ),
    _line(
        "det_003",
        D3,
        38,
        r"$\det A = \det A^t$",
        "determinant facts",
        r"\det A=\det A^T,\ \det AB=\det A\det B",
        unchecked="linear-algebra facts outside PAC-Bayes (descent lemma's range)",
    ),
    _line(
        "mgf_003",
        D3,
        41,
        "Moment Generating Function",
        "moment generating function; M_{X+Y} = M_X M_Y",
        r"M_X(t)=\mathbb E e^{t\cdot x},\ M_{X+Y}=M_XM_Y",
        unchecked="a definition, and M_{X+Y} = M_X M_Y holds only for independent X, Y (not stated); no "
        "instance "
        "of the suite is about it",
    ),
    _line(
        "gauss_mgf_003",
        D3,
        44,
        r"\frac{1}{2} t^T \Sigma t)",
        "Gaussian MGF",
        r"M_X(t)=\exp(t\mu+\tfrac12t^T\Sigma t)",
        unchecked="not used by this theorem; its one-dimensional case at t = 0 is trivial and the suite has "
        "no "
        "step for it",
    ),
    # ---- 003, PAC-Bayes (840–870)
    _line(
        "donsker_003",
        D3,
        850,
        r"\leq \text{KL}(Q||P) + \log \mathbb{E}_P",
        "Donsker's theorem (849–850)",
        r"\mathbb E_Q\phi\le\mathrm{KL}(Q\|P)+\log\mathbb E_Pe^\phi",
        reading=Claim(
            "dv_003",
            "Donsker–Varadhan, three hypotheses",
            sp.Le(EQ_PHI, KL_QP + sp.log(Z)),
            ("sum_q", "sum_p"),
        ),
        note="'P ≫ Q' is the absolute continuity of 1166; checked for distributions on three points "
        "(equality at the "
        "Gibbs posterior: step dv_equality)",
    ),
    _line(
        "mcallister_003",
        D3,
        854,
        r"\sqrt{\frac{2}{|S|} \left[K L(Q||P)",
        "McAllester's theorem (852–854)",
        r"\Pr_S\Big[\mathbb E_Q e_f-\mathbb E_Q "
        r"e_{f^*}\le\sqrt{\tfrac{2}{|S|}\big[\mathrm{KL}+\ln\tfrac{2\sqrt{|S|}}{\epsilon}\big]}\Big]\ge\epsilon",
        unchecked="as extracted it is not a statement the suite can evaluate: 'w.prob ≥ ε' (852) reads as 1 "
        "− ε, "
        "and e_f − e_{f*} (true minus empirical error of a stochastic f*) is ambiguous. Read as "
        "E_Q L_D − E_Q L̂_S ≤ √(2(KL + ln(2√m/ε))/m), it is implied by McAllester–Maurer (a factor 2 looser "
        "inside the root), which is proved and measured",
    ),
    _line(
        "gaussian_prior_003",
        D3,
        856,
        r"$P = \mathcal{N}(\theta_0, \lambda I)$",
        "Gaussian prior and posterior for DNNs",
        r"P=\mathcal N(\theta_0,\lambda I),\ Q=\mathcal N(\theta,\mathrm{diag}\,\sigma^2)",
        unchecked="a recipe, not a statement; the suite follows it in its risk certificate (experiment "
        "certificate_digits), with KL from step gauss_kl",
    ),
    _line(
        "stochastic_net_003",
        D3,
        858,
        "A **stochastic neural network**",
        "stochastic neural network (definition)",
        r"w\sim Q\ \text{at each forward pass}",
        unchecked="a definition",
    ),
]

THEOREM = Theorem(
    id="pac_bayes",
    title="PAC-Bayes bounds",
    source=Source(
        "Arora et al., Theory of Deep Learning", "§5.6", "Theorem 5.6.1, Examples 5.6.2–5.6.3, (5.8)–(5.10)"
    ),
    other_sources=[
        Source(
            "Course notes on deep learning theory (003)",
            "background facts; PAC-Bayes",
            "Donsker's theorem, McAllester's theorem",
        )
    ],
    statement=r"P_S\Big(\forall Q:\ \mathbb{E}_Q[L_D-\hat "
    r"L_S]\le\sqrt{\tfrac{\mathrm{KL}(Q\|P)+\ln(2m/\delta)}{2(m-1)}}\Big)\ge1-\delta",
    assumptions=ASSUMPTIONS,
    derivation=DERIVATION,
    claims=CLAIMS,
    predicted=PREDICTED,
    as_written=AS_WRITTEN,
    wrong_variants=WRONG_VARIANTS,
    latex_names={
        qh: r"\hat L_S(Q)",
        KLs: r"\mathrm{KL}(Q\|P)",
        risk: r"L_D(Q)",
        omp: "1-p",
        Lc: r"L_c",
        ellbar: r"\bar\ell",
    },
)

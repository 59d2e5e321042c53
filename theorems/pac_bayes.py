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
  ln(2√m/δ)/m for m ≥ 2, 0 < δ < 1): step ``arora_from_mm``, certified by the decision procedure;
* the same λ-bound directly, on the Markov event of its own exponential moment
  :math:`\mathbb{E}_S\mathbb{E}_P e^{m(3L_D/8-\hat L_S/2)}\le1` (``moment_lambda``, cited, checked
  exactly on Bernoulli losses): ln(1/δ) in place of ln(2√m/δ), claim ``lambda_half_direct``.  Each
  claim rests on one Markov event (assumptions marked ``event``); two claims on different events
  are each true with probability ≥ 1 − δ;
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

from .core import (
    Assumption,
    Claim,
    Combination,
    CriticalPoint,
    Decided,
    Instance,
    Simplification,
    Source,
    Step,
    SumOfSquares,
)
from .sourcefile import book_section

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
omr = sp.Symbol("omr", positive=True)  # 1 - L_D(Q), named for the Pinsker step at p = L_D(Q)
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
# the direct λ-bound at λ = 1/2 (Catoni's Bernstein-type step, no kl form): its own exponential moment
Xl, EXl = sp.symbols("X_lambda EX_lambda", positive=True)  # E_P e^{m(3L_D(h)/8 − L̂_S(h)/2)}, its mean over S

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

# --- the background definitions as printed (002:1166, 1172, 1180; 003:32, 34, 41), issue 20 ---------
# Their readings are decided by what the printed constants assert, in exact arithmetic: no step of
# the derivation uses these names.
#: 003:41: the MGF of a law on three points x_M1..x_M3 with masses q1..q3, M(t) = Σ q_i e^{t x_i}
t_M = sp.Symbol("t_M", real=True)
xMs = sp.symbols("xM1:4", real=True)
MGF_003 = sum(q * sp.exp(t_M * xi) for q, xi in zip(qs, xMs))
#: 003:41: the printed MGF generates the moments: M'(0) = E X (derivative kept unevaluated)
MGF_MEAN_003 = sp.Eq(
    sp.Subs(sp.Derivative(MGF_003, t_M), t_M, 0), sum(q * xi for q, xi in zip(qs, xMs)), evaluate=False
)
#: 003:34: the printed entropy of a law on three points
ENTROPY_003 = -sum(q * sp.log(q) for q in qs)
#: 003:32: the printed KL of two densities at one instance, q = N(1, 1) and p = N(0, 2), by integration
_q32 = sp.exp(-((x - 1) ** 2) / 2) / sp.sqrt(2 * sp.pi)
_p32 = sp.exp(-(x**2) / 4) / sp.sqrt(4 * sp.pi)
KL_DENSITY_003 = sp.Ge(sp.Integral(_q32 * sp.log(_q32 / _p32), (x, -sp.oo, sp.oo)), 0, evaluate=False)

# --- the Vapnik–Chervonenkis theorem as printed (003:845), issue 20 -------------------------------------
#: the growth function S_F(2n) of the class at twice the sample size (the sample size n is m here);
#: the relation risk ≤ qhat + 2√(2(ln S_2n + ln(2/δ))/m) is measured exactly on classes whose growth
#: function is known (numerics/pac_bayes.py, family "growth function")
S_2n = sp.Symbol("S_2n", positive=True)
VC_BOUND_003 = qh + 2 * sp.sqrt(2 * (sp.log(S_2n) + sp.log(2 / d_)) / m_)

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
        event=True,
    ),
    Assumption(
        "confidence_event_lambda",
        "S lies in the event of Markov's inequality for X_λ = E_P e^{m(3L_D(h)/8 − L̂_S(h)/2)}, of "
        "probability ≥ 1 − δ: X_λ ≤ E_S X_λ / δ (without it the bound is claimed for every sample)",
        sp.Le(Xl, EXl / d_),
        event=True,
    ),
    Assumption(
        "moment_lambda",
        "cited fact (the Bernstein-type step of Catoni's λ-bounds): for losses in [0, 1], "
        "e^{−λℓ} ≤ 1 − λℓ + λ²ℓ²/2 ≤ e^{−λ(1 − λ/2)ℓ}, so at λ = 1/2 and for P independent of S, "
        "E_S E_P e^{m(3L_D(h)/8 − L̂_S(h)/2)} ≤ 1 (checked exactly on Bernoulli losses: "
        "checks/test_pac_bayes.py)",
        sp.Le(EXl, 1),
        cited=True,
    ),
    Assumption(
        "dv_lambda",
        "cited fact: Donsker–Varadhan E_Q φ ≤ KL(Q‖P) + ln E_P e^φ for φ = m(3L_D(h)/8 − L̂_S(h)/2), "
        "linear in h's risks, so E_Q φ = m(3L_D(Q)/8 − L̂_S(Q)/2) (proved above for three hypotheses)",
        sp.Le(m_ * (sp.Rational(3, 8) * risk - qh / 2), KLs + sp.log(Xl)),
        cited=True,
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


def _markov_then_log(le: tuple[str, str], tangent: tuple[str, str], event_moment, x, c) -> list:
    """The two steps every Markov chain here takes, as ``(key, text)`` pairs: on the event
    ``x ≤ E_S x/δ`` with the moment bound ``E_S x ≤ c``, ``x ≤ c/δ``; then the tangent of ln at
    ``u = δx/c``, ``ln(δx/c) ≤ δx/c − 1`` (the next step adds them: ln x ≤ ln(c/δ))."""
    event, moment = event_moment
    t = x * d_ / c
    return [
        Step(*le, sp.Le(x, c / d_), Combination({event: 1, moment: 1 / d_})),
        Step(*tangent, sp.Le(sp.log(t), t - 1), Instance("log_tangent", {u: t})),
    ]


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
    *_markov_then_log(
        ("x_le", "on the event: X ≤ E_S X/δ ≤ 2√m/δ (Markov's event and the moment bound)"),
        ("x_tangent", "ln(Xδ/(2√m)) ≤ Xδ/(2√m) − 1"),
        ("confidence_event", "moment_kl"),
        Xk,
        2 * sp.sqrt(m_),
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
        "Pinsker at p = L_D(Q), q = L̂_S(Q) (the derivative's sign around L_D = q̂, with 1 − L_D(Q) > 0 "
        "from the risk below 1)",
        sp.Ge(kl_rq, 2 * (risk - qh) ** 2),
        CriticalPoint(risk, qh, atoms={risk - 1: -omr}),
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
    Step(
        "arora_from_mm",
        "Theorem 5.6.1 from McAllester–Maurer: ln(2m/δ)/(m − 1) ≥ ln(2√m/δ)/m for m ≥ 2, 0 < δ < 1",
        sp.Le(risk, qh + sp.sqrt(KLs + sp.log(2 * m_ / d_)) / (sp.sqrt(2) * sp.sqrt(m_ - 1))),
        Decided(("mm_claim", "m_ge_2", "delta_lt_1")),
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
    # --- the λ-bound at λ = 1/2 directly, on its own Markov event: ln(1/δ) in place of ln(2√m/δ)
    *_markov_then_log(
        ("xl_le", "on its event: X_λ ≤ E_S X_λ/δ ≤ 1/δ (Markov's event and the moment bound)"),
        ("xl_tangent", "ln(δX_λ) ≤ δX_λ − 1"),
        ("confidence_event_lambda", "moment_lambda"),
        Xl,
        1,
    ),
    Step(
        "xl_log",
        "ln X_λ ≤ ln(1/δ) (ln is increasing)",
        sp.Le(sp.log(Xl), sp.log(1 / d_)),
        Combination({"xl_tangent": 1, "xl_le": d_}),
    ),
    Step(
        "lam_claim",
        "the λ-bound at λ = 1/2 on its own event: L_D ≤ q̂/(3/4) + (KL + ln(1/δ))/((1/2)(3/4)m)",
        sp.Le(
            risk,
            qh / (1 - sp.Rational(1, 4))
            + (KLs + sp.log(1 / d_)) / (sp.Rational(1, 2) * (1 - sp.Rational(1, 4)) * m_),
        ),
        Combination({"dv_lambda": sp.Rational(8, 3) / m_, "xl_log": sp.Rational(8, 3) / m_}),
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
    *_markov_then_log(
        ("eq_5_10", "(5.10): on the event, E_P e^{(m/2)Δ²} ≤ 2/δ"),
        ("z_tangent", "ln(δ E_P e^{(m/2)Δ²}/2) ≤ δ E_P e^{(m/2)Δ²}/2 − 1"),
        ("markov58", "moment58"),
        Z58,
        2,
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
    # the same λ-bound on its own Markov event (steps xl_le … lam_claim): no √m, no 2
    "lambda_half_direct": qh / (1 - sp.Rational(1, 4))
    + (KLs + sp.log(1 / d_)) / (sp.Rational(1, 2) * (1 - sp.Rational(1, 4)) * m_),
}
FORM_NAMES = {
    "arora_5_6_1": "Arora/Langford Thm 5.6.1",
    "mcallester_maurer": "McAllester–Maurer",
    "seeger_kl": "Seeger/Langford kl",
    "catoni_C1": "Catoni (C = 1)",
    "thiemann_half": "Thiemann λ = 1/2",
    "lambda_half_direct": "λ = 1/2, direct",
}
#: what the bounds are about: a probability statement over S for losses in [0, 1] and a fixed prior
BASE = ("loss_range", "prior_fixed", "confidence_event")
#: the hypotheses of the derivation from the kl form (cited facts)
KL_CHAIN = ("moment_kl", "dv_general", "jensen_kl", "risk_lt_1", "m_ge_2", "delta_lt_1")
FORM_ASSUMPTIONS = {
    "arora_5_6_1": BASE + KL_CHAIN,
    "mcallester_maurer": BASE + KL_CHAIN,
    "seeger_kl": BASE,
    "catoni_C1": BASE,
    "thiemann_half": BASE + KL_CHAIN + ("refined_pinsker",),
    "lambda_half_direct": (
        "loss_range",
        "prior_fixed",
        "confidence_event_lambda",
        "moment_lambda",
        "dv_lambda",
    ),
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
    _c("lambda_half_direct").variant(
        "lambda_half_direct_slope",
        "direct λ-bound with q̂ in place of 4q̂/3",
        sp.Le(risk, qh + 8 * (KLs + sp.log(1 / d_)) / (3 * m_)),
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
# 002:1192: z = √m Δ_S(h) for a 0/1 loss of risk p (terms X_i = p − ℓ_i in [−1, 1], mean 0), at m = 2
# over the four outcomes of (ℓ₁, ℓ₂): E z² = p(1 − p), at most 1, the variance of N(0, 1)
_pz = sp.Symbol("p_z", positive=True)
_bern = {0: 1 - _pz, 1: _pz}
Z_VAR_1192 = sp.Le(
    sum(_bern[a] * _bern[b] * 2 * ((2 * _pz - a - b) / 2) ** 2 for a in (0, 1) for b in (0, 1)), 1
)
DERIVATION.append(
    Step(
        "z_variance",
        "002:1192, 0/1 loss of risk p, m = 2: E z² = p(1 − p) ≤ 1 (1 − p + p² = (p − ½)² + ¾)",
        Z_VAR_1192,
        SumOfSquares([(1, _pz - sp.Rational(1, 2)), (sp.Rational(3, 4), 1)]),
    )
)
# 002:1206 for a valid posterior that misses part of P's support: Q on h1, h2 only (Q(h3) = 0),
# so E_Q[e^{(m/2)Δ²} P/Q] = p1 e^{(m/2)Δ1²} + p2 e^{(m/2)Δ2²} ≤ E_P e^{(m/2)Δ²}
Z58_12 = sum(p * sp.exp(m_ / 2 * d**2) for p, d in zip(ps[:2], Ds[:2]))
DERIVATION += [
    Step(
        "cm_tangent",
        "ln(A/E_P w) ≤ A/E_P w − 1, A the part of E_P w on Q's support {h1, h2}",
        sp.Le(sp.log(Z58_12 / Z58), Z58_12 / Z58 - 1),
        Instance("log_tangent", {u: Z58_12 / Z58}),
    ),
    Step(
        "change_of_measure_le",
        "the change of measure for Q ≪ P: E_Q[e^{(m/2)Δ²} P/Q] ≤ E_P e^{(m/2)Δ²} (the terms where Q = 0 "
        "are lost)",
        sp.Le(sp.log(Z58_12), sp.log(Z58)),
        Combination({"cm_tangent": 1}, remainder=ps[2] * sp.exp(m_ / 2 * Ds[2] ** 2) / Z58),
    ),
]
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
ASSUMPTIONS += [
    Assumption(
        "holder_p_condition",
        "|v_i|^p = γ|u_i|^{p*} with γ = 1 (summed over i)",
        sp.Eq(_v1**_pp - _u1**_ps + _v2**_pp - _u2**_ps, 0),
    )
]


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
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
    latex_names={
        qh: r"\hat L_S(Q)",
        KLs: r"\mathrm{KL}(Q\|P)",
        risk: r"L_D(Q)",
        omp: "1-p",
        omr: "1-L_D(Q)",
        Lc: r"L_c",
        ellbar: r"\bar\ell",
    },
)

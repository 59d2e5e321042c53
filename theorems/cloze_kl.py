r"""The KL bound for cloze questions -- Arora et al., *Theory of Deep Learning*, §15.2–15.4 and §15.8
(Theorem 15.8.3).

Statement (Theorem 15.8.3, 002_9b9f6b48f7568a99.txt:3920).  If the model q has excess entropy
:math:`\varepsilon=\mathrm{KL}(p\|q)` at a position (p the human's next-word distribution), then
for some binary cloze question "is the next word in A?" the model answers incorrectly with
probability at most :math:`\sqrt{2\varepsilon}`.  The proof (line 3922) goes through the variation
distance and Pinsker's inequality.

The derivation, certified end to end:

* ln u ≤ u − 1; summed over the words of one part of the vocabulary (weights a_i) it gives the
  log-sum inequality in its variational form, :math:`\sum_i a_i\ln(a_i/b_i)\ge a\ln(x/y)+a-(x/y)b`
  for all x, y > 0 (a = Σa_i, b = Σb_i; at x/y = a/b it is the classic log-sum inequality);
* the lift (data processing for the partition A, Aᶜ): the log-sum step on A and on Aᶜ, added,
  with the masses p(A), 1 − p(A), q(A), 1 − q(A):  KL(p‖q) ≥ kl(p(A)‖q(A));
* Pinsker for two points, kl(a‖b) ≥ 2(a − b)² (derivative argument), hence
  :math:`\mathrm{err}\le|p(A)-q(A)|\le\sqrt{\varepsilon/2}` for ε in nats: the book's
  :math:`\sqrt{2\varepsilon}` holds and is loose by a factor 2 (the constant 1/2 is attained by
  two-point pairs near 1/2 in the limit);
* Bretagnolle–Huber, :math:`\mathrm{err}\le\sqrt{1-e^{-\varepsilon}}` (better than Pinsker for
  ε > 1.594), by Cauchy–Schwarz on Σ√(pq) and Jensen, lifted the same way;
* §15.2's identity: expected cross-entropy = entropy + excess entropy.

Every vocabulary is written as the words of A (sequences ``pa``, ``qa`` of length m) followed by
the words of Aᶜ (``pc``, ``qc``, length k); masses are positive (a word with p = 0 adds nothing
to KL, and q = 0 < p makes KL infinite).  The claims are stated for ε > 0 (at ε = 0, p = q).

This module is the book's side only (pure sympy); the numeric side is
:mod:`dlverify.numerics.cloze_kl`.
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
    SumOfFacts,
    SumOfSquares,
    Unfold,
)
from .sourcefile import book_section

N_SKILLS = sp.Symbol("N_skills", positive=True, integer=True)  # |S|, for the note on repeats
# footnote 25 (002:3954): k = 2 iid draws from two skills {a, b} with μ₁(a) = p_s, μ₁(b) = 1 − p_s
p_s = sp.Symbol("p_s", positive=True)
# Definition 15.8.7 (002:3946): q_ans, the model's probability on the right cloze answer; w_mis, the
# μ₂-mass of the text pieces with a wrongly answered question (the 0/1 error rate)
q_ans = sp.Symbol("q_ans", positive=True)
w_mis = sp.Symbol("w_mis", nonnegative=True)
#: 002:3954 corrected, at k = 2: the μ₂-mass of the pieces containing a, enumerated over (a,a), (a,b),
#: (b,a), is 1 − (1 − μ₁(a))^k
SKILL_MARGINAL_K2 = sp.Eq(p_s**2 + 2 * p_s * (1 - p_s), 1 - (1 - p_s) ** 2, evaluate=False)
#: 002:3946 corrected: the 0/1 error rate, the mixture w·1 + (1 − w)·0 of the pieces' mistakes, is ≤ 1
ZERO_ONE_RATE = sp.Le(w_mis * 1 + (1 - w_mis) * 0, 1)
# (15.8)'s excess L − A = B/N^0.34 + C/D^0.28 (002:3765): parameters N and data D
N_par, D_tok = sp.symbols("N_params D_tokens", positive=True)
_B158, _C158 = sp.Rational(4064, 10), sp.Rational(4107, 10)
EXCESS_158 = _B158 / N_par ** sp.Rational(17, 50) + _C158 / D_tok ** sp.Rational(7, 25)

# ----------------------------------------------------------------------------- symbols
u = sp.Symbol("u", positive=True)
i = sp.Symbol("i", integer=True)
m, k = sp.symbols("m k", integer=True, positive=True)  # |A| and |Aᶜ| (both parts nonempty)
pa, qa = sp.IndexedBase("pa", positive=True), sp.IndexedBase("qa", positive=True)  # p, q on A
pc, qc = sp.IndexedBase("pc", positive=True), sp.IndexedBase("qc", positive=True)  # p, q on Aᶜ
pA, qA = sp.symbols("p_A q_A", positive=True)  # p(A), q(A)
pAc, qAc = sp.symbols("p_Ac q_Ac", positive=True)  # p(Aᶜ), q(Aᶜ)
eps = sp.Symbol("epsilon", positive=True)  # KL(p‖q) in nats (ε > 0: p ≠ q)
err = sp.Symbol("err", nonnegative=True)  # the model's probability of a wrong answer
TV = sp.Symbol("TV", nonnegative=True)
H, CE = sp.symbols("H CE", real=True)  # entropy (15.4), expected cross-entropy (15.5)
z = sp.Symbol("z", positive=True)  # 1 − e^{−ε}
base = sp.Symbol("b", positive=True)
eps_b = sp.Symbol("epsilon_b", nonnegative=True)
s_ = sp.Symbol("s", positive=True)  # p(A) in the independent-sampling remark
# two-point kl(a‖b) for Pinsker
ta, tb = sp.symbols("a_2 b_2", positive=True)
omb = sp.Symbol("omb", positive=True)  # 1 − b_2
kl2 = ta * sp.log(ta / tb) + (1 - ta) * sp.log((1 - ta) / (1 - tb))
kl_A = kl2.subs({ta: pA, tb: qA}, simultaneous=True)
# Bretagnolle–Huber: square roots of the four masses (a = ra², 1 − a = rc², b = rb², 1 − b = rd²)
ra, rb, rc, rd = sp.symbols("r_a r_b r_c r_d", positive=True)
_m = ra * rb + rc * rd  # Σ √(p q), the Bhattacharyya coefficient of the two points
_W = ra**2 + rc**2
_Y = (rb**2 + rc**2) * (ra**2 + rd**2)  # (Σ min)(Σ max) when a ≥ b: (1 − (a − b))(1 + (a − b))
_S = ra**2 * sp.log(rb / ra) + rc**2 * sp.log(rd / rc)  # −kl(a‖b)/2 when W = 1
_u1, _u2 = rb * _W / (ra * _m), rd * _W / (rc * _m)

d = pA - qA
YA = (1 - pA + qA) * (1 + pA - qA)  # 1 − (p(A) − q(A))²


def _s(seq, n=m):
    return sp.Sum(seq[i], (i, 1, n))


def _ent(seq_p, seq_q, n):  # Σ p log(p/q) over one part
    return sp.Sum(seq_p[i] * sp.log(seq_p[i] / seq_q[i]), (i, 1, n))


KL_SUM = _ent(pa, qa, m) + _ent(pc, qc, k)
H_SUM = sp.Sum(pa[i] * sp.log(1 / pa[i]), (i, 1, m)) + sp.Sum(pc[i] * sp.log(1 / pc[i]), (i, 1, k))
CE_SUM = sp.Sum(pa[i] * sp.log(1 / qa[i]), (i, 1, m)) + sp.Sum(pc[i] * sp.log(1 / qc[i]), (i, 1, k))

# ----------------------------------------------------------------------------- assumptions
ASSUMPTIONS = [
    Assumption(
        "kl_def",
        "ε = KL(p‖q) = Σ_w p(w) ln(p(w)/q(w)) (15.6), the vocabulary listed as A, then Aᶜ",
        sp.Eq(eps, KL_SUM),
        definition=True,
    ),
    Assumption("entropy_def", "H = Σ_w p(w) ln(1/p(w)) (15.4)", sp.Eq(H, H_SUM), definition=True),
    Assumption("ce_def", "CE = E_{w∼p}[ln(1/q(w))] (15.5)", sp.Eq(CE, CE_SUM), definition=True),
    Assumption("mass_pA", "p(A) = Σ_{w∈A} p(w)", sp.Eq(_s(pa), pA), definition=True),
    Assumption("mass_qA", "q(A) = Σ_{w∈A} q(w)", sp.Eq(_s(qa), qA), definition=True),
    Assumption("p_total", "p is a distribution: p(Aᶜ) = 1 − p(A)", sp.Eq(pAc, 1 - pA)),
    Assumption("q_total", "q is a distribution: q(Aᶜ) = 1 − q(A)", sp.Eq(qAc, 1 - qA)),
    Assumption("mass_pAc", "p(Aᶜ) = Σ_{w∉A} p(w)", sp.Eq(_s(pc, k), pAc), definition=True),
    Assumption("mass_qAc", "q(Aᶜ) = Σ_{w∉A} q(w)", sp.Eq(_s(qc, k), qAc), definition=True),
    Assumption(
        "answer_model",
        "the model's error is at most |p(A) − q(A)|: the answers are drawn under the maximal "
        "coupling, or the truth is the side of A the human favours (not independent sampling)",
        sp.Le(err, sp.Abs(d)),
    ),
    Assumption(
        "coupled",
        "the answers are drawn under the maximal coupling: err = |p(A) − q(A)|",
        sp.Eq(err, sp.Abs(d)),
    ),
    Assumption(
        "optimal_set",
        "A is the set that attains the variation distance, A = {w : p(w) > q(w)}",
        sp.Eq(TV, sp.Abs(d)),
    ),
    Assumption("z_def", "z = 1 − e^{−ε}", sp.Eq(z, 1 - sp.exp(-eps)), definition=True),
    Assumption("q_ans_unit", "q_ans is a probability: q_ans ≤ 1 (002:3946)", sp.Le(q_ans, 1)),
    Assumption(
        "mix_weight",
        "w_mis is a μ₂-mass (the pieces with a mistake): w_mis ≤ 1 (002:3946 corrected)",
        sp.Le(w_mis, 1),
    ),
    # the declared domain (both parts of the vocabulary carry mass under p and q); the numeric side
    # generates only such instances, so these hold by construction and are not hypotheses
    Assumption("domain_pA", "domain: p(A) < 1", sp.Lt(pA, 1), definition=True),
    Assumption("domain_qA", "domain: q(A) < 1", sp.Lt(qA, 1), definition=True),
    Assumption("domain_b2", "domain of Pinsker's two points: b < 1", sp.Lt(tb, 1), definition=True),
    Assumption(
        "domain_Y",
        "domain: (1 − p(A) + q(A))(1 + p(A) − q(A)) > 0, as p(A), q(A) ∈ (0, 1)",
        sp.Gt(YA, 0),
        definition=True,
    ),
]
DISTRIBUTIONS = ("p_total", "q_total")

# ----------------------------------------------------------------------------- derivation


def _log_sum_steps(tag, p_, q_, n, xv, yv, dom):
    """The log-sum inequality (variational form) on one part of the vocabulary: ln u ≤ u − 1 at
    u = q_i x/(p_i y), times p_i, summed over the part's n words:
    Σ p_i ln(p_i/q_i) ≥ (Σp_i) ln(x/y) + Σp_i − (x/y) Σq_i for all x, y > 0 (at x/y = Σp/Σq it is the
    classic log-sum inequality Σ p_i ln(p_i/q_i) ≥ (Σp_i) ln(Σp_i/Σq_i))."""
    ui = q_[i] * xv / (p_[i] * yv)
    return [
        Step(
            f"tangent_{tag}",
            f"on {tag}: the tangent bound at u = q_i x/(p_i y)",
            sp.Le(sp.log(ui), ui - 1),
            Instance("log_tangent", {u: ui}, positive_on_domain=dom),
        ),
        Step(
            f"weighted_tangent_{tag}",
            "times p_i > 0",
            sp.Le(p_[i] * sp.log(ui), p_[i] * (ui - 1)),
            Combination({f"tangent_{tag}": p_[i]}),
        ),
        Step(
            f"log_sum_{tag}",
            f"log-sum inequality on {tag} (the tangent bounds summed over its words)",
            sp.Ge(
                sp.Sum(p_[i] * sp.log(p_[i] / q_[i]), (i, 1, n)),
                sp.log(xv / yv) * _s(p_, n) + _s(p_, n) - xv / yv * _s(q_, n),
            ),
            SumOfFacts(f"weighted_tangent_{tag}", i, 1, n),
        ),
    ]


def _root_step(key, text, var, root, bound_fact, coeff, fact2, fact2_abs):
    """var ≤ √X from d² ≤ X (slack of ``bound_fact`` = coeff⁻¹ (X − d²)) and var ≤ |d| or var = |d|:
    √X − var = [coeff·slack(bound) + (|d| + var)(|d| − var)] / (√X + var), with √X > 0."""
    den = sp.sqrt(root) + var
    return Step(
        key,
        text,
        sp.Le(var, sp.sqrt(root)),
        Combination({bound_fact: coeff / den, fact2: fact2_abs * (sp.Abs(d) + var) / den}),
    )


DERIVATION = [
    Step(
        "log_tangent",
        "ln u ≤ u − 1 (derivative sign around u = 1)",
        sp.Le(sp.log(u), u - 1),
        CriticalPoint(u, 1),
    ),
    *_log_sum_steps("A", pa, qa, m, pA, qA, ()),
    *_log_sum_steps("Ac", pc, qc, k, 1 - pA, 1 - qA, (1 - pA, 1 - qA)),
    Step(
        "lift",
        "the lift (data processing for A, Aᶜ): the two log-sum steps added, with the masses, "
        "KL(p‖q) ≥ kl(p(A)‖q(A))",
        sp.Ge(eps, kl_A),
        Combination(
            {
                "log_sum_A": 1,
                "log_sum_Ac": 1,
                "kl_def": 1,
                "mass_pA": sp.log(pA / qA) + 1,
                "mass_qA": -pA / qA,
                "mass_pAc": sp.log((1 - pA) / (1 - qA)) + 1,
                "mass_qAc": -(1 - pA) / (1 - qA),
                "p_total": sp.log((1 - pA) / (1 - qA)) + 1,
                "q_total": -(1 - pA) / (1 - qA),
            }
        ),
    ),
    Step(
        "pinsker",
        "Pinsker for two points: kl(a‖b) ≥ 2(a − b)²",
        sp.Ge(kl2, 2 * (ta - tb) ** 2),
        CriticalPoint(tb, ta, atoms={tb - 1: -omb}),
    ),
    Step(
        "pinsker_A",
        "Pinsker at a = p(A), b = q(A)",
        sp.Ge(kl_A, 2 * d**2),
        Instance("pinsker", {ta: pA, tb: qA}),
    ),
    Step(
        "tv_bound",
        "2(p(A) − q(A))² ≤ KL(p‖q), for every set A",
        sp.Le(2 * d**2, eps),
        Combination({"pinsker_A": 1, "lift": 1}),
    ),
    _root_step(
        "tight",
        "err ≤ |p(A) − q(A)| ≤ √(ε/2) (ε in nats)",
        err,
        eps / 2,
        "tv_bound",
        sp.Rational(1, 2),
        "answer_model",
        1,
    ),
    Step(
        "book",
        "err ≤ √(ε/2) ≤ √(2ε): Theorem 15.8.3 (ε in nats)",
        sp.Le(err, sp.sqrt(2 * eps)),
        Combination({"tight": 1}, remainder=sp.sqrt(2 * eps) - sp.sqrt(eps / 2)),
    ),
    _root_step(
        "pinsker_tv",
        "with A the maximising set, TV = |p(A) − q(A)| ≤ √(ε/2) (Pinsker's inequality)",
        TV,
        eps / 2,
        "tv_bound",
        sp.Rational(1, 2),
        "optimal_set",
        -1,
    ),
    Step(
        "coupled_le_tv",
        "under the maximal coupling, with A the maximising set: err ≤ TV",
        sp.Le(err, TV),
        Combination({"coupled": -1, "optimal_set": 1}),
    ),
    Step("coupled_ge_tv", "… and err ≥ TV", sp.Ge(err, TV), Combination({"coupled": 1, "optimal_set": -1})),
    Step(
        "kl_nonneg",
        "KL(p‖q) ≥ kl(p(A)‖q(A)) ≥ 2(p(A) − q(A))² ≥ 0 (Gibbs' inequality)",
        sp.Ge(KL_SUM, 0),
        Combination({"lift": 1, "pinsker_A": 1, "kl_def": -1}, squares=[(2, d)]),
    ),
    Step("entropy_definition", "the entropy (15.4)", sp.Eq(H, H_SUM), Unfold({H: H_SUM})),
    Step("ce_definition", "the expected cross-entropy (15.5)", sp.Eq(CE, CE_SUM), Unfold({CE: CE_SUM})),
    Step("kl_definition", "the excess entropy (15.6)", sp.Eq(eps, KL_SUM), Unfold({eps: KL_SUM})),
    Step(
        "ce_identity",
        "(15.7): expected cross-entropy = entropy + excess entropy",
        sp.Eq(CE, H + eps),
        Unfold({CE: CE_SUM, H: H_SUM, eps: KL_SUM}),
    ),
    # Bretagnolle–Huber, two points, then lifted
    Step(
        "bh_cs",
        "Cauchy–Schwarz: (Σ√(pq))² ≤ (Σ min(p, q))(Σ max(p, q))",
        sp.Le(_m**2, _Y),
        SumOfSquares([(1, rb * rd - rc * ra)]),
    ),
    Step(
        "bh_tangent_Y",
        "ln u ≤ u − 1 at u = (Σ√(pq))²/Y",
        sp.Le(sp.log(_m**2 / _Y), _m**2 / _Y - 1),
        Instance("log_tangent", {u: _m**2 / _Y}),
    ),
    Step(
        "bh_log_cs",
        "2 ln Σ√(pq) ≤ ln Y (the logarithm is increasing)",
        sp.Le(2 * sp.log(_m), sp.log(_Y)),
        Combination({"bh_tangent_Y": 1, "bh_cs": 1 / _Y}),
    ),
    Step(
        "bh_tangent_1",
        "ln u ≤ u − 1 at u = r_b W/(r_a Σ√(pq))",
        sp.Le(sp.log(_u1), _u1 - 1),
        Instance("log_tangent", {u: _u1}),
    ),
    Step(
        "bh_tangent_2",
        "ln u ≤ u − 1 at u = r_d W/(r_c Σ√(pq))",
        sp.Le(sp.log(_u2), _u2 - 1),
        Instance("log_tangent", {u: _u2}),
    ),
    Step(
        "bh_jensen",
        "Jensen (ln is concave): r_a² ln(r_b/r_a) + r_c² ln(r_d/r_c) ≤ W ln(Σ√(pq)/W)",
        sp.Le(_S, _W * sp.log(_m / _W)),
        Combination({"bh_tangent_1": ra**2, "bh_tangent_2": rc**2}),
    ),
    Step(
        "bh_general",
        "together: ln Y ≥ 2 ln W + 2 (r_a² ln(r_b/r_a) + r_c² ln(r_d/r_c))/W",
        sp.Ge(sp.log(_Y), 2 * sp.log(_W) + 2 * _S / _W),
        Combination({"bh_log_cs": 1, "bh_jensen": 2 / _W}),
    ),
    Step(
        "bh_two_point",
        "at a = p(A), b = q(A): ln((1 − p(A) + q(A))(1 + p(A) − q(A))) ≥ −kl(p(A)‖q(A))",
        sp.Ge(sp.log(YA), -kl_A),
        Instance(
            "bh_general",
            {ra: sp.sqrt(pA), rc: sp.sqrt(1 - pA), rb: sp.sqrt(qA), rd: sp.sqrt(1 - qA)},
            positive_on_domain=(1 - pA, 1 - qA),
        ),
    ),
    Step(
        "bh_log",
        "with the lift: ln(1 − (p(A) − q(A))²) ≥ −KL(p‖q)",
        sp.Ge(sp.log(YA), -eps),
        Combination({"bh_two_point": 1, "lift": 1}),
    ),
    Step(
        "bh_exp_tangent",
        "ln u ≤ u − 1 at u = Y e^ε",
        sp.Le(sp.log(YA) + eps, YA * sp.exp(eps) - 1),
        Instance("log_tangent", {u: YA * sp.exp(eps)}, positive_on_domain=(YA,)),
    ),
    Step(
        "bh_exp",
        "so (p(A) − q(A))² ≤ 1 − e^{−ε}",
        sp.Le(d**2, 1 - sp.exp(-eps)),
        Combination({"bh_exp_tangent": sp.exp(-eps), "bh_log": sp.exp(-eps)}),
    ),
    Step("bh_z", "… written with z = 1 − e^{−ε}", sp.Le(d**2, z), Unfold({z: 1 - sp.exp(-eps)}, of="bh_exp")),
    _root_step("bh_root", "err ≤ |p(A) − q(A)| ≤ √z", err, z, "bh_z", 1, "answer_model", 1),
    Step(
        "bretagnolle_huber",
        "Bretagnolle–Huber: err ≤ √(1 − e^{−ε})",
        sp.Le(err, sp.sqrt(1 - sp.exp(-eps))),
        Unfold({sp.exp(-eps): 1 - z}, of="bh_root"),
    ),
    Step(
        "log_base",
        "ε in base b: ε_nats = ln(b) ε_b, so the bound reads √(ln(b) ε_b / 2)",
        sp.Eq(sp.sqrt(sp.log(base) * eps_b / 2) ** 2, (eps_b * sp.log(base)) / 2, evaluate=False),
        Simplification(),
    ),
    Step(
        "independent",
        "independent sampling at q = p: P(answers differ) = 2s(1 − s) (1/2 at s = 1/2, while ε = 0)",
        sp.Eq(s_ * (1 - s_) + (1 - s_) * s_, 2 * s_ * (1 - s_), evaluate=False),
        Simplification(),
    ),
    Step(
        "exponent_order",
        "10^(−0.34) ≤ 10^(−0.28)",
        sp.Le(10 ** sp.Rational(-17, 50), 10 ** sp.Rational(-7, 25), evaluate=False),
        Decided(),
    ),
    Step(
        "excess_scaling",
        "(15.8): N and D ten times larger multiply the excess L − A = B/N^0.34 + C/D^0.28 by at most "
        "10^(−0.28) (the B-term by 10^(−0.34), the C-term by 10^(−0.28))",
        sp.Le(
            EXCESS_158.subs({N_par: 10 * N_par, D_tok: 10 * D_tok}, simultaneous=True),
            10 ** sp.Rational(-7, 25) * EXCESS_158,
        ),
        Combination({"exponent_order": _B158 / N_par ** sp.Rational(17, 50)}),
    ),
    Step(
        "excess_scaling_low",
        "… and by at least 10^(−0.34)",
        sp.Ge(
            EXCESS_158.subs({N_par: 10 * N_par, D_tok: 10 * D_tok}, simultaneous=True),
            10 ** sp.Rational(-17, 50) * EXCESS_158,
        ),
        Combination({"exponent_order": _C158 / D_tok ** sp.Rational(7, 25)}),
    ),
    Step(
        "winograd_entropy",
        "§15.4: a certain human, p = (1, 0): entropy 1·ln 1 = 0",
        sp.Eq(1 * sp.log(1), 0, evaluate=False),
        Simplification(),
    ),
    Step(
        "winograd_excess",
        "§15.4: the 50-50 model against a certain human: cross-entropy 1·ln(1/(1/2)) = ln 2, "
        "all of it excess (1·ln(1/(1/2)) − 0)",
        sp.Eq(1 * sp.log(1 / sp.Rational(1, 2)) - 1 * sp.log(1), sp.log(2), evaluate=False),
        Simplification(),
    ),
    Step(
        "skill_marginal_k2",
        "Definition 15.8.5 at k = 2, two skills of μ₁-masses p, 1 − p: the pieces containing the first, "
        "(a,a), (a,b), (b,a), carry p² + 2p(1 − p) = 1 − (1 − p)² (002:3954 corrected)",
        SKILL_MARGINAL_K2,
        Simplification(),
    ),
    Step(
        "zero_one_rate",
        "the 0/1 error rate w·1 + (1 − w)·0, w the μ₂-mass of the pieces with a mistake, is at most 1 "
        "(002:3946 corrected)",
        ZERO_ONE_RATE,
        Decided(("mix_weight",)),
    ),
]

_DIST = ("p_total", "q_total")
CLAIMS = [
    Claim(
        "book",
        "Theorem 15.8.3: error ≤ √(2ε) (ε in nats)",
        sp.Le(err, sp.sqrt(2 * eps)),
        ("answer_model",) + _DIST,
        domain=(sp.Le(err, 1),),
        sharper=sp.Le(err, sp.sqrt(eps / 2)),
    ),
    Claim(
        "tight",
        "error ≤ |p(A) − q(A)| ≤ √(ε/2), the best constant",
        sp.Le(err, sp.sqrt(eps / 2)),
        ("answer_model",) + _DIST,
        tight_on="two-point pairs near 1/2",
        domain=(sp.Le(err, 1),),
    ),
    Claim(
        "bretagnolle_huber",
        "error ≤ √(1 − e^{−ε}) (Bretagnolle–Huber; below √(ε/2) for ε > 1.59)",
        sp.Le(err, sp.sqrt(1 - sp.exp(-eps))),
        ("answer_model",) + _DIST,
        domain=(sp.Le(err, 1),),
    ),
]
PREDICTED = {
    "book": sp.sqrt(2 * eps),
    "tight": sp.sqrt(eps / 2),
    "bretagnolle_huber": sp.sqrt(1 - sp.exp(-eps)),
}

_book, _tight, _bh = CLAIMS
WRONG_VARIANTS = [
    _book.variant("quarter", "error ≤ √ε / 4", sp.Le(err, sp.sqrt(eps) / 4)),
    _book.variant(
        "base_100", "√(2ε) with ε measured in log base 100", sp.Le(err, sp.sqrt(2 * eps / sp.log(100)))
    ),
    _book.variant("independent", "√(2ε) with independent sampling of the answers", assumptions=_DIST),
    _book.variant(
        "unnormalised",
        "√(2ε) for a p that is not a distribution (drops p_total)",
        assumptions=("answer_model", "q_total"),
    ),
    _book.variant("linear", "error ≤ 2ε (no square root)", sp.Le(err, 2 * eps)),
    _bh.variant(
        "bh_unsquared",
        "error ≤ 1 − e^{−ε} (Bretagnolle–Huber without the root)",
        sp.Le(err, 1 - sp.exp(-eps)),
    ),
    _tight.variant(
        "quarter_power",
        "error ≤ ε^{1/4}/√2 (true for small ε, false near ε = 2: found on the two-point grid)",
        sp.Le(err, eps ** sp.Rational(1, 4) / sp.sqrt(2)),
    ),
    _tight.variant("tight_half", "error ≤ √(ε/8) (half the best constant)", sp.Le(err, sp.sqrt(eps / 8))),
]


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="cloze_kl",
    title="KL bound for cloze questions (Pinsker)",
    source=Source(
        "Arora et al., Theory of Deep Learning", "§15.2, §15.4, §15.8", "Theorem 15.8.3, Assumption 15.8.2"
    ),
    other_sources=[Source("Arora & Goyal (2023)", "arXiv 2307.15936")],
    statement=r"\mathrm{KL}(p\|q)=\varepsilon\implies \Pr[\text{model errs on the cloze "
    r"question}]\le\sqrt{2\varepsilon}",
    latex_names={
        err: r"\Pr[\text{err}]",
        eps: r"\varepsilon",
        eps_b: r"\varepsilon_b",
        pA: "p(A)",
        qA: "q(A)",
        pAc: r"p(A^c)",
        qAc: r"q(A^c)",
        TV: r"\mathrm{TV}",
    },
)

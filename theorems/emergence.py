r"""Emergence on random skill graphs -- Arora et al., *Theory of Deep Learning*, §15.9
(Theorem 15.9.1, condition (15.16), the count (15.17), performance curves, Lemmas 15.9.3–15.9.4).

Setting (002_9b9f6b48f7568a99.txt:3962–3975; Arora & Goyal 2023, arXiv 2307.15936).  N = |T| text
pieces, each attached to k skills drawn uniformly and independently (with replacement) from M = |S|
skills; r = N/M.  The model errs on a set Y of text pieces.

**The suite's statement** (claim ``every_Y``; our notation: β = fraction of skills that fail, α =
the failing share of a skill's own edges).  A skill *fails* when at least a fraction α of its
edges lead into Y.  If for some s > 0

.. math:: H(\theta)+\frac{H(\beta)}{r}+k\Big(\theta\ln(1-\beta+\beta e^{s(1-\alpha)})
          +(1-\theta)\ln(1-\beta+\beta e^{-s\alpha})\Big)\le\frac{\ln\delta}{N},

then with probability at least 1 − δ over the graph, no Y with |Y| = θN fails βM skills.  The
argument: fix Y and a set Z of βM skills; if all of Z fail then (1 − α)X ≥ αX' with X ~ Bin(kθN, β)
the edges from Y into Z and X' ~ Bin(k(1 − θ)N, β) the others; Chernoff (Markov on e^{s·}) and the
binomial generating function bound its probability; the union over the C(N, θN) sets Y and the
C(M, βM) sets Z finishes it.  The union-bound inequality itself (claim ``union_bound``) is derived
from three cited facts (entropy bounds on the two counts, Chernoff), each listed as an assumption;
the condition-form claim ``every_Y`` is *measured only* (random skill graphs, greedy adversarial Y).

**The book's statement** (source lines; book notation: α = fraction of exceptional skills, β > 1 =
excess over the expected count).  Condition (15.16) reads
:math:`H(\theta)+k\theta(H(\beta\alpha)-\beta\alpha\ln\frac1\alpha-(1-\beta\alpha)\ln\frac1{1-\alpha})<0`,
i.e. :math:`H(\theta)<k\theta\,\mathrm{KL}(\alpha\beta\|\alpha)`.  It is the large-|T| form of the
union bound: the count (15.17) is at most
:math:`|S||T|e^{|S|H(\alpha)+|T|(H(\theta)+k\theta(\cdots))}` (step ``count_15_17``), so the dropped
term H(α)|S|/|T| needs |S| ≪ |T|, the caveat the passage states (lines 3962, 3988); without it the
condition is beaten on graphs with more skills than text pieces.

This module is the book's side only (pure sympy); the numeric side is
:mod:`dlverify.numerics.emergence`.
"""

from __future__ import annotations

import sympy as sp

from .core import (
    Assumption,
    Claim,
    Combination,
    CriticalPoint,
    Instance,
    Simplification,
    Source,
    Step,
)
from .sourcefile import book_section

# ----------------------------------------------------------------------------- symbols
th, be, al, s, r = sp.symbols("theta beta alpha s r", positive=True)
k = sp.Symbol("k", positive=True, integer=True)
ell = sp.Symbol("ell", real=True)  # ln(δ)/N
ob = sp.Symbol("omb", positive=True)  # 1 − β, kept as its own positive symbol in the monotonicity steps
u = sp.Symbol("u", positive=True)
psi = sp.Symbol("psi", nonnegative=True)
ps = sp.Symbol("ps", positive=True)  # θ = 1/(1 + ps) ranges over (0, 1)
t_, j = sp.Symbol("t", real=True), sp.Symbol("j", integer=True, nonnegative=True)
# union bound over instance quantities (suite notation): logs of the counts and of the probability
N, M = sp.symbols("N M", positive=True)
lw, lcT, lcS, lp = sp.symbols("lw lcT lcS lp", real=True)
# book notation: α (fraction of skills), β > 1 (excess factor); |S|, |T|; y = |Y|/|T|; c = edge threshold
ab, bb = sp.symbols("alpha_bk beta_bk", positive=True)
S_, T_ = sp.symbols("S T", positive=True)
yY, cc, ee, Sp = sp.symbols("y c e Sp", positive=True)
l17, lEW, lcSb, lcTb, lcKb = sp.symbols("l17 lEW lcSb lcTb lcKb", real=True)
lcn, nn, tt = sp.Symbol("lcn", real=True), sp.Symbol("n", positive=True), sp.Symbol("tt", positive=True)
# Markov's inequality (3969, 3981)
yf, dl = sp.symbols("yfrac dloss", nonnegative=True)
p0, EW = sp.symbols("p0 EW", nonnegative=True)
# performance-curve heights βθ for two (θ, k) settings at the same α (Lemma 15.9.3)
y1, y2, th1, th2, k1, k2 = sp.symbols("y1 y2 theta1 theta2 k1 k2", positive=True)
# tensorization (4008, 4014): k'-pieces
kp = sp.Symbol("kp", positive=True, integer=True)
bpc = sp.Symbol("b_piece", positive=True, integer=True)  # the undefined 'b' of 'b-piece' at 002:4008
i_ = sp.Symbol("i", integer=True, positive=True)
fo, yin = sp.symbols("fout yin", nonnegative=True)
EZ = sp.Symbol("E_Z", nonnegative=True)  # edges from Y into a set Z of α|S| exceptional skills


def H(x):
    """Binary entropy in nats."""
    return -x * sp.log(x) - (1 - x) * sp.log(1 - x)


A_ = 1 - be + be * sp.exp(s * (1 - al))
B_ = 1 - be + be * sp.exp(-s * al)
KTERM = k * (th * sp.log(A_) + (1 - th) * sp.log(B_))
EXPONENT = H(th) + H(be) / r + KTERM
Ao, Bo = ob + be * sp.exp(s * (1 - al)), ob + be * sp.exp(-s * al)
_th_half = 1 / (2 * (1 + psi))  # exactly 0 < θ ≤ 1/2

#: (15.16)'s bracket as written, H(βα) − βα ln(1/α) − (1 − βα) ln(1/(1 − α)); ln(1/(1 − α)) is
#: entered as −ln(1 − α) (equal for α < 1, which β > 1 and αβ < 1 give)
BRACKET = H(ab * bb) + ab * bb * sp.log(ab) + (1 - ab * bb) * sp.log(1 - ab)
COND_1516 = H(th) + k * th * BRACKET  # (15.16): COND_1516 < 0
KL_AB = ab * bb * (sp.log(ab * bb) - sp.log(ab)) + (1 - ab * bb) * (sp.log(1 - ab * bb) - sp.log(1 - ab))
#: 002:3992 (Definition 15.9.2): at fixed α, θ, k the left side of (15.16) does not increase with β on
#: 1 < β < 1/α (its β-derivative is αkθ ln((1 − αβ)/(β(1 − α))), and (1 − αβ) < β(1 − α) iff β > 1), so
#: the region (15.16) is, at each α, an interval of β up to 1/α: its boundary is one β per α, a curve
CURVE_SLOPE = sp.Le(sp.diff(COND_1516, bb), 0)

ASSUMPTIONS = [
    Assumption(
        "random_graph",
        "each text piece draws its k skills uniformly and independently (the probability space)",
        None,
        latex=r"e_{i,1..k}\overset{iid}{\sim}\mathrm{Unif}[M]",
        definition=True,
    ),
    # the union bound, over instance quantities: three cited facts and the count identity
    Assumption(
        "union_count",
        "E[#bad (Y, Z)] = C(N, θN) · C(M, βM) · P(a fixed pair is bad): lw = lcT + lcS + lp",
        sp.Eq(lw, lcT + lcS + lp),
        definition=True,
    ),
    Assumption(
        "entropy_T",
        "cited fact: ln C(N, θN) ≤ N H(θ) (the entropy bound; measured on integers, line 3988)",
        sp.Le(lcT, N * H(th)),
        cited=True,
    ),
    Assumption("entropy_S", "cited fact: ln C(M, βM) ≤ M H(β)", sp.Le(lcS, M * H(be)), cited=True),
    Assumption(
        "chernoff",
        "cited fact: ln P((1 − α)X ≥ αX') ≤ kN(θ ln A_s + (1 − θ) ln B_s) for s > 0 "
        "(Markov on e^{s((1−α)X − αX')}, the binomial generating function, step mgf_binomial)",
        sp.Le(lp, N * KTERM),
        cited=True,
    ),
    # the book's Theorem 15.9.1 (book notation)
    Assumption("bk_beta", "β > 1", sp.Gt(bb, 1)),
    Assumption("bk_ab", "αβ < 1", sp.Lt(ab * bb, 1)),
    Assumption("bk_theta", "θ < 1", sp.Lt(th, 1)),
    Assumption(
        "bk_S_ll_T", "|S| ≪ |T| (lines 3962, 3988), read in its weakest form |T| ≥ |S| (r ≥ 1)", sp.Ge(r, 1)
    ),
    Assumption("bk_Y_eq", "|Y| = θ|T| (the proof's error sets)", sp.Eq(yY, th)),
    Assumption("bk_Y_ge", "|Y| ≥ θ|T| (the statement's 'at least θ fraction')", sp.Ge(yY, th)),
    Assumption(
        "bk_count",
        "a skill is exceptional with more than c = β·k|Y|/|S| edges to Y (β times its expected number)",
        sp.Eq(cc, bb * yY * k * r),
        definition=True,
    ),
    Assumption(
        "bk_count_literal",
        "a skill is exceptional with more than c = βθk|T|/|S| edges to Y (the literal "
        "threshold, for every size of Y)",
        sp.Eq(cc, bb * th * k * r),
        definition=True,
    ),
    Assumption(
        "bk_tuples",
        "the skills are k'-tuples of base skills and the pieces k'-pieces (|S'| = |S|^{k'}, Lemma 15.9.4)",
        sp.Eq(Sp, S_**kp),
        definition=True,
    ),
    Assumption(
        "bk_rate",
        "a skill is exceptional when more than a βθ share of its own edges lead to Y "
        "(its competence is below 1 − βθ)",
        sp.Eq(ee, bb * th),
        definition=True,
    ),
    # the reduction of line 3983
    Assumption("rd_each", "Z: α|S| skills, each with more than c edges to Y", sp.Gt(EZ, ab * S_ * cc)),
    Assumption(
        "rd_c",
        "c = βθk|T|/|S| (the theorem's threshold at |Y| = θ|T|)",
        sp.Eq(cc, bb * th * k * T_ / S_),
        definition=True,
    ),
    # the count (15.17) and its logarithm
    Assumption(
        "count_def",
        "ln(15.17) = ln|S| + ln|T| + ln C(|S|, α|S|) + ln C(|T|, θ|T|) + ln C(kθ|T|, βαkθ|T|) "
        "+ βαkθ|T| ln α + (1 − βα)kθ|T| ln(1 − α)",
        sp.Eq(
            l17,
            sp.log(S_)
            + sp.log(T_)
            + lcSb
            + lcTb
            + lcKb
            + ab * bb * k * th * T_ * sp.log(ab)
            + (1 - ab * bb) * k * th * T_ * sp.log(1 - ab),
        ),
        definition=True,
    ),
    Assumption("entropy_Sb", "cited fact: ln C(|S|, α|S|) ≤ |S| H(α)", sp.Le(lcSb, S_ * H(ab)), cited=True),
    Assumption("entropy_Tb", "cited fact: ln C(|T|, θ|T|) ≤ |T| H(θ)", sp.Le(lcTb, T_ * H(th)), cited=True),
    Assumption(
        "entropy_Kb",
        "cited fact: ln C(kθ|T|, βαkθ|T|) ≤ kθ|T| H(βα)",
        sp.Le(lcKb, k * th * T_ * H(ab * bb)),
        cited=True,
    ),
    # Markov's inequality, twice
    Assumption(
        "mk_loss",
        "losses are ≥ 0, so the mean loss is at least 1/2 times the share of pieces with loss ≥ 1/2",
        sp.Le(yf / 2, dl),
    ),
    Assumption("mk_int", "W is a nonnegative integer, so P(W ≥ 1) ≤ E[W]", sp.Le(1 - p0, EW)),
    # Lemma 15.9.3: two curves compared
    Assumption("lm_theta_lt", "θ' < θ", sp.Lt(th1, th2)),
    Assumption("lm_k_eq", "the same k", sp.Eq(k1, k2)),
    Assumption("lm_k_gt", "k' > k", sp.Gt(k1, k2)),
    Assumption("lm_theta_eq", "the same θ", sp.Eq(th1, th2)),
    # Figure 15.2's left panel
    Assumption("fig_k2", "k = 2", sp.Eq(k, 2)),
    Assumption("fig_theta", "θ = 0.1", sp.Eq(th, sp.Rational(1, 10))),
]

_lt = sp.Le(sp.log(u), u - 1)
_DEC = sp.Le(sp.diff(H(th) / th, th).subs(th, 1 / (1 + ps)), 0, evaluate=False)
DERIVATION = [
    Step(
        "mgf_binomial",
        "the generating function of Bin(n, β) (n = 3 shown): Σ C(n, j) β^j (1 − β)^{n−j} e^{tj} = (1 − β + "
        "βe^t)^n",
        sp.Eq(
            sp.Sum(sp.binomial(3, j) * be**j * ob ** (3 - j) * sp.exp(t_ * j), (j, 0, 3)),
            (ob + be * sp.exp(t_)) ** 3,
        ),
        Simplification(),
    ),
    Step(
        "union_bound",
        "the union bound: ln E[#bad (Y, Z)] ≤ N H(θ) + M H(β) + kN(θ ln A_s + (1 − θ) ln B_s)",
        sp.Le(lw, N * H(th) + M * H(be) + N * KTERM),
        Combination({"entropy_T": 1, "entropy_S": 1, "chernoff": 1, "union_count": -1}),
    ),
    Step("log_tangent", "ln u ≤ u − 1", _lt, CriticalPoint(u, 1)),
    Step(
        "exp_ge",
        "s ≤ e^s − 1 (ln u ≤ u − 1 at u = e^s)",
        sp.Le(s, sp.exp(s) - 1),
        Instance("log_tangent", {u: sp.exp(s)}),
    ),
    Step(
        "A_ge_B",
        "A ≥ B: (1 − β) + βe^{s(1−α)} ≥ (1 − β) + βe^{−sα}",
        sp.Ge(Ao, Bo),
        Combination({"exp_ge": be * sp.exp(-s * al)}, remainder=be * sp.exp(-s * al) * s),
    ),
    Step(
        "k_term_slope",
        "d/dθ [θ ln A + (1 − θ) ln B] = ln A − ln B",
        sp.Eq(
            sp.Derivative(th * sp.log(Ao) + (1 - th) * sp.log(Bo), th),
            sp.log(Ao) - sp.log(Bo),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "tangent_BA",
        "ln(B/A) ≤ B/A − 1",
        sp.Le(sp.log(Bo / Ao), Bo / Ao - 1),
        Instance("log_tangent", {u: Bo / Ao}),
    ),
    Step(
        "k_term_increasing",
        "ln A − ln B ≥ 0: the k-term increases with θ",
        sp.Ge(sp.log(Ao) - sp.log(Bo), 0),
        Combination({"tangent_BA": 1, "A_ge_B": 1 / Ao}),
    ),
    Step(
        "entropy_slope",
        "H'(θ) = ln((1 − θ)/θ)",
        sp.Eq(sp.diff(H(th), th), sp.log((1 - th) / th)),
        Simplification(),
    ),
    Step(
        "tangent_theta",
        "ln u ≤ u − 1 at u = θ/(1 − θ), θ = 1/(2(1 + ψ)) ≤ 1/2",
        sp.Le(sp.log(1 / (1 + 2 * psi)), 1 / (1 + 2 * psi) - 1),
        Instance("log_tangent", {u: 1 / (1 + 2 * psi)}),
    ),
    Step(
        "entropy_increasing",
        "H'(θ) = ln((1 − θ)/θ) ≥ 0 for θ ≤ 1/2: the exponent increases with θ, so β*(θ) is nondecreasing",
        sp.Ge(sp.log((1 - _th_half) / _th_half), 0),
        Combination({"tangent_theta": 1}, remainder=2 * psi / (1 + 2 * psi)),
    ),
    # ---- the book's side
    Step(
        "bracket_is_kl",
        "(15.16)'s bracket is −KL(αβ‖α): (15.16) says H(θ) < kθ·KL(αβ‖α)",
        sp.Eq(BRACKET, -KL_AB),
        Simplification(),
    ),
    Step(
        "count_15_17",
        "ln(15.17) ≤ ln|S||T| + |S|H(α) + |T|(H(θ) + kθ·bracket): the entropy bound three times",
        sp.Le(l17, sp.log(S_) + sp.log(T_) + S_ * H(ab) + T_ * COND_1516),
        Combination({"entropy_Sb": 1, "entropy_Tb": 1, "entropy_Kb": 1, "count_def": -1}),
    ),
    Step(
        "reduction",
        "if the conclusion fails, α|S| exceptional skills Z have more than αβθk|T| edges to Y: (Y, Z) is bad",
        sp.Gt(EZ, ab * bb * th * k * T_),
        Combination({"rd_each": 1, "rd_c": ab * S_}),
    ),
    Step(
        "markov_Y",
        "the share of pieces with loss ≥ 1/2 is at most 2δ",
        sp.Le(yf, 2 * dl),
        Combination({"mk_loss": 2}),
    ),
    Step("markov_W", "P(W = 0) ≥ 1 − E[W]", sp.Ge(p0, 1 - EW), Combination({"mk_int": 1})),
    Step(
        "h_over_theta_slope",
        "d/dθ (H(θ)/θ) = ln(1 − θ)/θ²",
        sp.Eq(sp.diff(H(th) / th, th), sp.log(1 - th) / th**2),
        Simplification(),
    ),
    Step(
        "h_over_theta_slope_at",
        "the same at θ = 1/(1 + p), p > 0 (every θ in (0, 1))",
        sp.Eq(
            sp.diff(H(th) / th, th).subs(th, 1 / (1 + ps)), (sp.log(1 - th) / th**2).subs(th, 1 / (1 + ps))
        ),
        Instance("h_over_theta_slope", {th: 1 / (1 + ps)}),
    ),
    Step(
        "tangent_ps",
        "ln(1 − θ) ≤ −θ at θ = 1/(1 + p)",
        sp.Le(sp.log(1 - 1 / (1 + ps)), -1 / (1 + ps)),
        Instance("log_tangent", {u: 1 - 1 / (1 + ps)}),
    ),
    Step(
        "log1m_over_sq",
        "ln(1 − θ)/θ² ≤ 0 at θ = 1/(1 + p)",
        sp.Le((sp.log(1 - th) / th**2).subs(th, 1 / (1 + ps)), 0, evaluate=False),
        Combination({"tangent_ps": (1 + ps) ** 2}, remainder=1 + ps),
    ),
    Step(
        "h_over_theta_decreasing",
        "H(θ)/θ is decreasing on (0, 1): its derivative at θ = 1/(1 + p) is ≤ 0",
        _DEC,
        Combination({"log1m_over_sq": 1, "h_over_theta_slope_at": -1}),
    ),
    Step(
        "tensor_error",
        "a k'-piece's error is the sum of its k' pieces' errors: k'δ on average",
        sp.Eq(sp.Sum(dl, (i_, 1, kp)), kp * dl),
        Simplification(),
    ),
    Step(
        "tensor_same_theta",
        "Problem 15.9.5: loss δ/k' on k'-pieces gives the error share k'·2(δ/k') = 2δ",
        sp.Eq(sp.Mul(kp, 2, dl / kp, evaluate=False), 2 * dl, evaluate=False),
        Simplification(),
    ),
]

_dom = (sp.Le(th, sp.Rational(1, 2)), sp.Le(be, sp.Rational(1, 2)), sp.Le(al, 1))
CLAIMS = [
    Claim(
        "every_Y",
        "condition ⇒ for every Y of size θN fewer than βM skills fail (w.p. ≥ 1 − δ over the graph)",
        sp.Le(EXPONENT, ell),
        ("random_graph",),
        condition=True,
        domain=_dom,
    ),
    Claim(
        "union_bound",
        "ln E[#bad (Y, Z)] ≤ N H(θ) + M H(β) + kN(θ ln A_s + (1 − θ) ln B_s) (every s > 0)",
        sp.Le(lw, N * H(th) + M * H(be) + N * KTERM),
        ("union_count", "entropy_T", "entropy_S", "chernoff"),
        domain=(sp.Le(th, sp.Rational(1, 2)), sp.Le(be, sp.Rational(1, 2))),
    ),
]

_every = CLAIMS[0]
_union = CLAIMS[1]
WRONG_VARIANTS = [
    _every.variant(
        "fixed_Y",
        "the bound for one fixed Y (no union over Y: H(θ) dropped) claimed for every Y",
        sp.Le(EXPONENT - H(th), ell),
    ),
    _every.variant("flipped", "the condition with ≥", sp.Ge(EXPONENT, ell)),
    _every.variant("k_squared", "k² in place of k (a stronger exponent)", sp.Le(EXPONENT.subs(k, k**2), ell)),
    _every.variant(
        "no_1_over_r",
        "H(β) in place of H(β)/r (the skills' union counted per text piece; wrong when r < 1)",
        sp.Le(EXPONENT - H(be) / r + H(be), ell),
    ),
    _union.variant(
        "union_no_Z",
        "the union over the sets Z of skills left out (M H(β) dropped)",
        sp.Le(lw, N * H(th) + N * KTERM),
    ),
    _union.variant(
        "union_k_squared", "k² in place of k", sp.Le(lw, N * H(th) + M * H(be) + N * KTERM.subs(k, k**2))
    ),
]

PREDICTED = {"exponent": EXPONENT, "cond_15_16": COND_1516, "union_1516": COND_1516 + H(ab) / r}

# the book's Theorem 15.9.1 as a checkable claim (condition form, book notation)
_BOOK_HYPS = ("random_graph", "bk_beta", "bk_ab", "bk_theta")
_book = Claim(
    "book_15_16",
    "(15.16) with β > 1, αβ < 1, θ < 1 and |S| ≪ |T| ⇒ for every Y with |Y| = θ|T|, at "
    "least 1 − α of the skills have at most βk|Y|/|S| edges to Y",
    sp.Lt(COND_1516, 0),
    _BOOK_HYPS + ("bk_S_ll_T", "bk_Y_eq", "bk_count"),
    condition=True,
)


def _book_claim(key, text, assumptions, relation=None):
    return _book.variant(key, text, relation, assumptions)


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="emergence",
    title="Emergence on random skill graphs (every error set Y)",
    source=Source("Arora et al., Theory of Deep Learning", "§15.9", "Theorem 15.9.1, (15.16), (15.17)"),
    other_sources=[Source("Arora & Goyal (2023)", "arXiv 2307.15936", "skill graphs")],
    statement=r"H(\theta)+\tfrac{H(\beta)}{r}+k\big(\theta\ln A_s+(1-\theta)\ln "
    r"B_s\big)\le\tfrac{\ln\delta}{N}"
    r"\implies\Pr\big[\exists Y,|Y|=\theta N:\ \#\text{failed}\ge\beta M\big]\le\delta",
    latex_names={ell: r"\tfrac{\ln\delta}{N}", ob: r"(1-\beta)", ab: r"\alpha", bb: r"\beta"},
)

#: wrong readings of the book's statement, refuted by the simulation (tests)
BOOK_WRONG = [
    _book_claim(
        "book_no_S_ll_T", "(15.16) without the caveat |S| ≪ |T|", _BOOK_HYPS + ("bk_Y_eq", "bk_count")
    ),
    Claim(
        "lemma_beta_coordinates",
        "Lemma 15.9.3 (θ) in (α, β) coordinates: β on the θ' curve ≤ β on the θ curve",
        sp.Le(y1 / th1, y2 / th2),
        ("lm_theta_lt", "lm_k_eq"),
    ),
    _book_claim(
        "book_literal_at_least",
        "the literal threshold βθk|T|/|S| for every |Y| ≥ θ|T|",
        _BOOK_HYPS + ("bk_S_ll_T", "bk_Y_ge", "bk_count_literal"),
    ),
]

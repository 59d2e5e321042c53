r"""Descent lemma -- Arora et al., *Theory of Deep Learning*, §2.1–2.5.

Statement (Lemma 2.1.4, 002:336).  Let :math:`f:\mathbb{R}^d\to\mathbb{R}` be :math:`L`-smooth
and let :math:`w^+ = w-\eta\nabla f(w)` with :math:`0<\eta<1/L`.  Then

.. math:: f(w^+) \le f(w) - \tfrac{\eta}{2}\|\nabla f(w)\|^2 .

The suite proves it from smoothness in its Lipschitz form (∇f is L-Lipschitz along the
segment; Definition 2.1.2 as written bounds the Hessian's eigenvalues by L, which implies it)
through Problem 2.1.3 (the quadratic upper bound, by the fundamental theorem of calculus,
Cauchy–Schwarz and the Lipschitz bound), the tight one-step form
:math:`f(w^+)\le f(w)-\eta(1-L\eta/2)\|\nabla f(w)\|^2` for every :math:`\eta>0`, strict
descent for :math:`0<\eta<2/L` at a non-stationary point (footnote 3), the telescoped
corollary :math:`\min_{t<T}\|\nabla f(w_t)\|^2\le 2(f(w_0)-f^*)/(\eta T)` and Theorem 2.5.1
(:math:`\tfrac1T\sum_t\|\nabla_t\|^2\le 4M\beta/T` at :math:`\eta=1/\beta`).

Sources (``../shared/sources``): 002 lines 290–545 (§2.1–2.5.3), 003 lines 1–60 (background
facts) and 364–420 (gradient descent and optimisation theory), 000 lines 1–60.  Every
statement there is an entry of ``theorems/sources/<document>.toml``, cited by line with a short
verbatim anchor; its verdict is computed from evidence (:func:`dlverify.theorems.core.judge_line`),
never written here.

This module is the book section only (pure sympy).  The numeric side -- instance families,
claim evaluation on batches of gradient-descent trajectories, experiments, tightness rows --
is :mod:`dlverify.numerics.descent_lemma`.
"""

from __future__ import annotations

import itertools

import sympy as sp

from .core import (
    Assumption,
    Claim,
    Combination,
    CriticalPoint,
    Decided,
    Equivalence,
    Instance,
    Monomials,
    Simplification,
    Source,
    Step,
    SumOfFacts,
    SumOfSquares,
    Unfold,
    unfolded_definitions,
)
from .sourcefile import book_section

# ----------------------------------------------------------------------------- symbols
L = sp.Symbol("L", positive=True)
eta = sp.Symbol("eta", positive=True)
g2 = sp.Symbol("g2", nonnegative=True)  # ||grad f(w)||^2
gp = sp.Symbol("gp", positive=True)  # ||grad f(w)||^2 when grad f(w) != 0
f0, f1 = sp.symbols("f0 f1", real=True)  # f(w), f(w^+)   (for (2.2): f(w_t), f(w))
ip = sp.Symbol("ip", real=True)  # <grad f(w), w' - w>
dist2 = sp.Symbol("dist2", nonnegative=True)  # ||w' - w||^2
gdiff = sp.Symbol("gdiff", nonnegative=True)  # ||grad f(w) - grad f(w')||
wdiff = sp.Symbol("wdiff", nonnegative=True)  # ||w - w'||

# Problem 2.1.3 along the segment w + s d, in coordinates of R^3 (the argument is the same in R^d)
s = sp.Symbol("s", nonnegative=True)
a = sp.symbols("a1:4", real=True)  # grad f(w + s d) - grad f(w)
b = sp.symbols("b1:4", real=True)  # d
na, nb = sp.symbols("n_a n_b", positive=True)  # ||a||, ||b|| (zero vectors: both sides are 0)
nb2 = sp.Symbol("nb2", nonnegative=True)
gd0 = sp.Symbol("gd0", real=True)  # <grad f(w), d>
phi = sp.Function("phi")  # phi(s) = f(w + s d)
h = sp.Function("h")  # h(s) = <grad f(w + s d) - grad f(w), d>
dot_ab = sum(x * y for x, y in zip(a, b))
dot_bb = sum(x * x for x in b)

# vectors for the step identities (any dimension: the identities are in matrix algebra)
gvec = sp.MatrixSymbol("g", 3, 1)
wvec = sp.MatrixSymbol("w", 3, 1)
wplus = wvec - eta * gvec

# the corollary and Theorem 2.5.1
t = sp.Symbol("t_idx", integer=True, nonnegative=True)
T = sp.Symbol("T", integer=True, positive=True)
F = sp.Function("F")  # F(t) = f(w_t)
G = sp.Function("G")  # G(t) = ||grad f(w_t)||^2
mT = sp.Symbol("mT", nonnegative=True)  # min_{t<T} G(t)
fstar = sp.Symbol("fstar", real=True)
gbar = sp.Symbol("gbar", nonnegative=True)  # (1/T) sum_{t<T} G(t)
Mb = sp.Symbol("M", positive=True)  # |f(w_t)| <= M/2 (§2.5)

# §2.5.3 (SGD), as symbols for expectations
sig2 = sp.Symbol("sigma2", positive=True)
S_sum = sp.Symbol("S", nonnegative=True)  # sum_t E||grad_t||^2
D_sum = sp.Symbol("D", real=True)  # sum_t E[h_t - h_{t+1}]
eps = sp.Symbol("epsilon", positive=True)

# §2.3 heavy ball (one coordinate suffices for the identities and the counterexample)
hw_prev, hw, hw_next, hg, hu, hu_prev = sp.symbols("w_prev w_t w_next g_t u_t u_prev", real=True)
hbeta = sp.Symbol("beta", real=True)
# three past gradients and the initial direction u_{-1}, for the unrolled recursion (002:417)
hg0, hg1, hg2, hu_init = sp.symbols("g_0 g_1 g_2 u_init", real=True)
# §2.5.3 on a quadratic f = βw²/2: the iterate and the scale of an unbiased two-point gradient noise ±s
qw, qs = sp.symbols("w_q s_q", real=True)
# Problem 2.5.3: batch size B, the one-sample noise level γ₁, and the batch indices
bsz = sp.Symbol("B", positive=True, integer=True)
gam1 = sp.Symbol("gamma_1", positive=True)
bi = sp.Symbol("i_b", positive=True, integer=True)

# §2.4 quadratic, and the lines of 003
lam, lam1, lamd = sp.symbols("lambda lambda_1 lambda_d", positive=True)
wi = sp.Symbol("w_i", real=True)
eta_i = sp.Symbol("eta_i", positive=True)  # 002:439 prints η_i, a per-coordinate step size (§2.4.1)
mu = sp.Symbol("mu", positive=True)
xa, ya = sp.symbols("x_a y_a", real=True)
kk = sp.Symbol("k", integer=True, positive=True)
k0 = sp.Symbol("k_0", integer=True, nonnegative=True)
nn = sp.Symbol("n", integer=True, nonnegative=True)
xr = sp.Symbol("x", real=True)
xn = sp.Symbol("x_n", nonnegative=True)
uu = sp.Symbol("u", positive=True)
ar, rr = sp.symbols("a r", real=True)
Sk, xk1 = sp.symbols("S_k x_next", real=True)
g_1, g_2 = sp.symbols("g_1 g_2", real=True)
g_star = sp.Symbol("g_star", real=True)  # ∇f(x*) (003:413)
pA, pB, pAB = sp.symbols("P_A P_B P_AB", nonnegative=True)
pU = sp.Symbol("P_union", nonnegative=True)
# a three-point law: atoms x_j (and y_j, w_j, v_j), weights q1, q2, 1 - q1 - q2
q1, q2 = sp.symbols("q1 q2", nonnegative=True)
xs = sp.symbols("x_1:4", real=True)
ys = sp.symbols("y_1:4", real=True)
ws_ = sp.symbols("w_1:4", real=True)
vs = sp.symbols("v_1:4", real=True)
ca, cb, cc, cd = sp.symbols("c_a c_b c_c c_d", real=True)
nH = sp.Symbol("n_H", integer=True, positive=True)
tH = sp.Symbol("t_H", positive=True)
sH = sp.Symbol("S_ab", positive=True)
tail = sp.Symbol("P_tail", nonnegative=True)  # P(mean − p ≥ t) for n Bernoulli(p)


def binomial_tail(n: int, p, t) -> sp.Rational:
    """P(Z̄ − p ≥ t) for n i.i.d. Bernoulli(p), exactly."""
    p, t = sp.Rational(p), sp.Rational(t)
    lo = sp.ceiling(n * (p + t))
    return sum(sp.binomial(n, j) * p**j * (1 - p) ** (n - j) for j in range(int(lo), n + 1))


sigma = sp.Symbol("sigma", positive=True)
lam_e = sp.Symbol("lambda", positive=True)
pb = sp.Symbol("p", positive=True)
muN = sp.Symbol("mu_N", real=True)
#: 003:56 at k = 2 with Σ = diag(σ², σ₂²): the second coordinate's mean and scale
muN2 = sp.Symbol("mu_2", real=True)
sigma2 = sp.Symbol("sigma_2", positive=True)
Hm = sp.MatrixSymbol("H", 3, 3)
Um = sp.MatrixSymbol("U", 3, 3)
Sm = sp.MatrixSymbol("Sigma", 3, 3)
Am = sp.MatrixSymbol("A", 3, 3)
fF = sp.Function("f")
gF = sp.Function("g")

# 000:22 and the background facts of 003:21–44, as printed and as meant
y_lab = sp.Symbol("y_lab", nonnegative=True)  # a label in {0, 1}
z_out = sp.Symbol("z_out", real=True)  # the model's output f_W(x_i)
_sigm = 1 / (1 + sp.exp(-z_out))  # g of 000:21
_bern_ll = sp.log(_sigm**y_lab * (1 - _sigm) ** (1 - y_lab))  # log-likelihood of y under g(z)
#: 000:22's bracket as printed (y(f) read as the label times f) and as meant (g(f)), each against
#: the Bernoulli log-likelihood log g^y (1 − g)^{1−y}
CE_PRINTED_000 = sp.Eq(
    y_lab * sp.log(y_lab * z_out) + (1 - y_lab) * sp.log(1 - _sigm), _bern_ll, evaluate=False
)
CE_MEANT_000 = sp.Eq(y_lab * sp.log(_sigm) + (1 - y_lab) * sp.log(1 - _sigm), _bern_ll, evaluate=False)
#: 003:36, three terms
SQUARE_SUM_003 = sp.Eq(
    sum(xs) ** 2, sum(x**2 for x in xs) + 2 * (xs[0] * xs[1] + xs[0] * xs[2] + xs[1] * xs[2]), evaluate=False
)
_M2 = sp.Matrix(2, 2, sp.symbols("m_11 m_12 m_21 m_22", real=True))
_N2 = sp.Matrix(2, 2, sp.symbols("n_11 n_12 n_21 n_22", real=True))
#: 003:38–39 for 2×2 matrices
_det = sp.Determinant  # kept unevaluated: the relation shows what the line compares
DET_T_003 = sp.Eq(_det(_M2), _det(_M2.T), evaluate=False)
DET_AB_003 = sp.Eq(_det(_M2 * _N2), _det(_M2) * _det(_N2), evaluate=False)
DET_INV_003 = sp.Eq(_det(_M2.inv()), 1 / _det(_M2), evaluate=False)
#: 003:42: M_{X+Y} = M_X M_Y for X, Y ∈ {0, 1} with joint masses p_xy, at e^t = e_t
p00, p01, p10, p11 = sp.symbols("p_00 p_01 p_10 p_11", nonnegative=True)
e_t = sp.Symbol("e_t", positive=True)
MGF_SUM_003 = sp.Eq(
    p00 + (p01 + p10) * e_t + p11 * e_t**2,
    ((p00 + p01) + (p10 + p11) * e_t) * ((p00 + p10) + (p01 + p11) * e_t),
    evaluate=False,
)
a_mk = sp.Symbol("a_M", positive=True)  # Markov's threshold (003:30)
t_m = sp.Symbol("t_m", real=True)  # the argument of a moment generating function (003:44)
m_y = sp.Symbol("m_y", real=True)  # the margin y f_W(x) of 000:18, y ∈ {±1}
#: 003:48 with M = 2 classes: soft label (y_c, 1 − y_c), prediction (p_c, 1 − p_c)
y_c = sp.Symbol("y_c", positive=True)
p_c = sp.Symbol("p_c", positive=True)
q_c = sp.Symbol("q_c", positive=True)  # names 1 − p_c (> 0) in the derivative-sign argument

#: PEPit's SDP is solved to about 1e-8 relative accuracy (its reported duality gaps are ~1e-9).
#: (Kept here, in the book module, because the PL theorem's checks import it from here.)
PEPIT_TOL = 1e-6

# ----------------------------------------------------------------------------- assumptions
ASSUMPTIONS = [
    Assumption(
        "smooth",
        "f is L-smooth: ∇f is L-Lipschitz, used along the segment w + s d",
        sp.Le(na, L * s * nb),
        latex=r"\|\nabla f(w+sd)-\nabla f(w)\| \le L\,s\,\|d\|",
    ),
    Assumption(
        "hessian_bounded",
        "Definition 2.1.2 as written: every eigenvalue of ∇²f lies in [−L, L] "
        "(a property of the instance family: its certified L)",
        None,
        latex=r"\operatorname{spec}\nabla^2 f(w)\subset[-L,L]",
    ),
    Assumption("convex", "f is convex (a property of the instance family)", None, latex=r"f\text{ convex}"),
    Assumption("na_def", "n_a is the norm of a", sp.Eq(na**2, sum(x * x for x in a)), definition=True),
    Assumption("nb_def", "n_b is the norm of b = d", sp.Eq(nb**2, dot_bb), definition=True),
    Assumption("eta_le", "step size at most 1/L (the proof of Lemma 2.1.4, 002:356)", sp.Le(eta, 1 / L)),
    Assumption("eta_lt", "step size below 1/L (Lemma 2.1.4 as stated, 002:336)", sp.Lt(eta, 1 / L)),
    Assumption("eta_lt2", "step size below 2/L (footnote 3)", sp.Lt(eta, 2 / L)),
    Assumption("eta_le_2", "step size at most 2/L (used by a wrong variant)", sp.Le(eta, 2 / L)),
    Assumption("eta_one", "step size η = 1/β (Theorem 2.5.1)", sp.Eq(eta, 1 / L)),
    # In the derivation this assumption is the domain of the positive symbol gp.
    Assumption("grad_nonzero", "w_t is not a stationary point", sp.Gt(g2, 0), latex=r"\nabla f(w_t)\neq 0"),
    Assumption(
        "min_def",
        "mT is the minimum of ||grad f(w_t)||^2 over t < T",
        sp.Le(mT, G(t)),
        latex=r"m_T=\min_{t<T}\|\nabla f(w_t)\|^2 \le \|\nabla f(w_t)\|^2",
        definition=True,
    ),
    Assumption(
        "bounded_below",
        "f is bounded below by f* (so f(w_T) >= f*)",
        sp.Ge(F(T), fstar),
        latex=r"f(w_T)\ge f^* > -\infty",
    ),
    Assumption(
        "bounded_M_start",
        "|f(w_t)| ≤ M/2 at the first iterate (§2.5)",
        sp.Le(F(0), Mb / 2),
        latex=r"f(w_1)\le M/2",
    ),
    Assumption(
        "bounded_M_end",
        "|f(w_t)| ≤ M/2 at the last iterate (§2.5, read to include w_{T+1})",
        sp.Ge(F(T), -Mb / 2),
        latex=r"f(w_{T+1})\ge -M/2",
    ),
    # §2.5.3: the per-step stochastic descent inequality (002:534), summed over t; and boundedness
    Assumption(
        "sgd_summed",
        "the stochastic descent lemma (002:534) summed over t = 1..T",
        sp.Le(eta * S_sum, D_sum + T * L * eta**2 * sig2 / 2),
        latex=r"\eta\sum_t\mathbb{E}\|\nabla_t\|^2\le\sum_t\mathbb{E}[h_t-h_{t+1}]+T\tfrac{\beta}{2}\eta^2\sigma^2",
    ),
    Assumption("sgd_D_bound", "E[h_1 − h_{T+1}] ≤ M (boundedness |f| ≤ M/2)", sp.Le(D_sum, Mb)),
    # §2.3 heavy ball: the update rules, as definitions of the quantities they name
    Assumption(
        "hb_update",
        "heavy ball (002:396): w_{t+1} = w_t − η∇f(w_t) + β(w_t − w_{t−1})",
        sp.Eq(hw_next, hw - eta * hg + hbeta * (hw - hw_prev)),
        definition=True,
    ),
    Assumption(
        "hb_u",
        "second form (002:406): u_t = −∇f(w_t) + β u_{t−1}",
        sp.Eq(hu, -hg + hbeta * hu_prev),
        definition=True,
    ),
    Assumption(
        "hb_w_prev",
        "second form (002:407) one step earlier: w_t = w_{t−1} + η u_{t−1}",
        sp.Eq(hw, hw_prev + eta * hu_prev),
        definition=True,
    ),
    # §2.4: the quadratic's coordinate update
    Assumption("eta_gt_2_lam", "η > 2/λ_i (002:441)", sp.Gt(eta, 2 / lam)),
    Assumption("no_blowup", "|w_i| does not grow: (1 − λ_i η)² ≤ 1", sp.Le((1 - lam * eta) ** 2, 1)),
    # §2.5.3: Theorem 2.5.2's step size, and the iteration count of 002:541
    Assumption(
        "eta_sgd",
        "Theorem 2.5.2's step size: η = √(M/(βσ²T))",
        sp.Eq(eta, sp.sqrt(Mb / (L * sig2 * T))),
        definition=True,
    ),
    Assumption("T_sgd", "T ≥ 4Mβσ²/ε⁴ iterations (002:541)", sp.Ge(T, 4 * Mb * L * sig2 / eps**4)),
    # 003:413
    Assumption("eta_le_inv_mu", "η ≤ 1/μ (003:413)", sp.Le(eta, 1 / mu)),
    Assumption("union_def", "P(A ∪ B) = P(A) + P(B) − P(A ∩ B)", sp.Eq(pU, pA + pB - pAB), definition=True),
    # 003:42
    Assumption(
        "pmf_sum", "the joint masses of (X, Y) sum to 1", sp.Eq(p00 + p01 + p10 + p11, 1), definition=True
    ),
    Assumption("indep", "X, Y ∈ {0, 1} independent: p_00 p_11 = p_01 p_10", sp.Eq(p00 * p11, p01 * p10)),
    Assumption("meet_le", "P(A ∩ B) ≤ P(A)", sp.Le(pAB, pA), definition=True),
    # issue 20: the hypotheses of the definitions decided by what their constants assert
    Assumption("misclassified", "000:18: the example is misclassified, y f_W(x) ≤ 0", sp.Le(m_y, 0)),
    Assumption(
        "k_iter",
        "002:443: k ≥ (2λ₁/λ_d) ln(1/ε) iterations at η = 1/(2λ₁)",
        sp.Ge(kk, 2 * lam1 / lamd * sp.log(1 / eps)),
    ),
    Assumption("lam_order", "λ_d ≤ λ₁ (002:429 orders the eigenvalues)", sp.Le(lamd / lam1, 1)),
    Assumption("pc_lt1", "003:48: the predicted probability p_c is below 1", sp.Lt(p_c, 1)),
    Assumption("yc_lt1", "003:48: the label's mass y_c is below 1", sp.Lt(y_c, 1)),
    Assumption("grad_zero_1d", "002:358: the gradient at w_t is zero (one coordinate)", sp.Eq(hg, 0)),
    Assumption("x_star_stationary", "003:413: x* minimises f, so ∇f(x*) = 0", sp.Eq(g_star, 0)),
    Assumption(
        "moment_le",
        "002:520 read as the bound its sentence names: E‖∇̂_t‖² = m2 ≤ σ²",
        sp.Le(sp.Symbol("m2", nonnegative=True), sig2),
    ),
]


# ----------------------------------------------------------------------------- derivation
def _law(expr_of_atoms):
    """E[·] under the three-point law: atoms j = 1, 2, 3 with weights q1, q2, 1 − q1 − q2."""
    wts = (q1, q2, 1 - q1 - q2)
    return sum(wt * expr_of_atoms(j) for j, wt in enumerate(wts))


_W2 = sp.Matrix(xs[:2])  # a vector of R² for the §2.4 identities
_U2 = sp.Matrix([[3, -4], [4, 3]]) / 5  # a rotation with rational entries
_A2 = sp.Matrix([[lam1, lam], [lam, lam1 + lamd]])  # an invertible symmetric A (generic λ)
_EX = _law(lambda j: xs[j])
_EY = _law(lambda j: ys[j])
_cov = lambda X, Y: _law(lambda j: (X(j) - _law(X)) * (Y(j) - _law(Y)))  # noqa: E731
_X = lambda j: xs[j]  # noqa: E731
_Y = lambda j: ys[j]  # noqa: E731
_W = lambda j: ws_[j]  # noqa: E731
_V = lambda j: vs[j]  # noqa: E731
#: 003:409: the mean of r = 2 i.i.d. draws of the three-point law has variance Var(X)/r
_q3 = (q1, q2, 1 - q1 - q2)
MINIBATCH_VAR_003 = sp.Eq(
    sum(_q3[j] * _q3[k] * ((xs[j] + xs[k]) / 2 - _EX) ** 2 for j in range(3) for k in range(3)),
    _law(lambda j: (xs[j] - _EX) ** 2) / 2,
    evaluate=False,
)
#: 002:445: κ = σ_max(A)/σ_min(A) = λ₁/λ_d for a symmetric A = [[a, b], [b, c]]: the extreme eigenvalues
#: of a symmetric 2 × 2 matrix by the quadratic formula in its trace and determinant, σ² those of AᵀA
cn_a, cn_b, cn_c = sp.symbols("cn_a cn_b cn_c", real=True)


def _eig2(M):
    """The larger and the smaller eigenvalue of a symmetric 2 × 2 matrix."""
    tr, det = M.trace(), M.det()
    return (tr + sp.sqrt(tr**2 - 4 * det)) / 2, (tr - sp.sqrt(tr**2 - 4 * det)) / 2


_Acn = sp.Matrix([[cn_a, cn_b], [cn_b, cn_c]])
COND_NUMBER_002 = sp.Eq(
    sp.sqrt(_eig2(_Acn.T * _Acn)[0]) / sp.sqrt(_eig2(_Acn.T * _Acn)[1]),
    _eig2(_Acn)[0] / _eig2(_Acn)[1],
    evaluate=False,
)
#: 003:44 in one dimension: E e^{tX} for X ~ N(μ, σ²), by integration
_normal = sp.exp(-((xr - muN) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)
GAUSS_MGF_003 = sp.Eq(
    sp.Integral(sp.exp(t_m * xr) * _normal, (xr, -sp.oo, sp.oo)),
    sp.exp(t_m * muN + sigma**2 * t_m**2 / 2),
    evaluate=False,
)

# ---- definitions decided by what their constants assert (issue 20): 000:18–39, 002:305–461, 003:48–419
#: 000:21: the sigmoid's symmetry 1 − g(z) = g(−z), which makes g(f) and 1 − g(f) the two classes'
#: probabilities in 000:22
SIGMOID_SYM_000 = sp.Eq(1 - _sigm, _sigm.subs(z_out, -z_out), evaluate=False)
w_par = sp.Symbol("w_par", real=True)  # the parameter w (one coordinate)
ell1, ell2, ell3 = sp.symbols("ell_1:4", cls=sp.Function)  # per-example losses ℓ_i(w)
_dl = [sp.Derivative(e(w_par), w_par) for e in (ell1, ell2, ell3)]  # ∇ℓ_i(w)


def _uneval_sum(terms):
    """A sum kept as printed (each term a probability times a batch average)."""
    return sp.Add(*terms, evaluate=False)


#: 000:39: N = 3, a batch of |B| = 2 drawn uniformly among the three subsets: the mean of the
#: (1/|B|)-weighted batch gradient is the gradient of line 12's (1/N) Σ ℓ_i
MINIBATCH_MEAN_000 = sp.Eq(
    _uneval_sum(
        sp.Mul(sp.Rational(1, 3), sp.Rational(1, 2) * (_dl[i] + _dl[j]), evaluate=False)
        for i, j in ((0, 1), (0, 2), (1, 2))
    ),
    sp.Derivative((ell1(w_par) + ell2(w_par) + ell3(w_par)) / 3, w_par),
    evaluate=False,
)
#: 002:384: n = 2, B = 2 indices drawn i.i.d. uniformly from [n] (four ordered draws): g_S is unbiased
#: for the gradient of (1/n) Σ f_i (line 380)
_draws = [(i, j) for i in (0, 1) for j in (0, 1)]
BATCH_MEAN_002 = sp.Eq(
    _uneval_sum(
        sp.Mul(sp.Rational(1, 4), sp.Rational(1, 2) * (_dl[i] + _dl[j]), evaluate=False) for i, j in _draws
    ),
    sp.Derivative((ell1(w_par) + ell2(w_par)) / 2, w_par),
    evaluate=False,
)
#: 002:388: the expected SGD update is the GD update of line 299
SGD_MEAN_STEP_002 = sp.Eq(
    _uneval_sum(
        sp.Mul(sp.Rational(1, 4), w_par - eta * sp.Rational(1, 2) * (_dl[i] + _dl[j]), evaluate=False)
        for i, j in _draws
    ),
    w_par - eta * sp.Derivative((ell1(w_par) + ell2(w_par)) / 2, w_par),
    evaluate=False,
)
#: 002:305 / 003:372: f(w) = e^{w_1} + w_1 w_2³ along w + s d: the second-order expansion with the
#: printed ½ leaves a remainder o(s²)
s_t = sp.Symbol("s_t", positive=True)
d_1, d_2 = sp.symbols("d_1 d_2", real=True)
_wt = sp.Matrix(xs[:2])
_dv = sp.Matrix([d_1, d_2])
_ft = sp.exp(xs[0]) + xs[0] * xs[1] ** 3
_grad_t = sp.Matrix([_ft.diff(v) for v in xs[:2]])
_hess_t = sp.hessian(_ft, xs[:2])


def _taylor2(half):
    """f(w) + s⟨∇f(w), d⟩ + half · s² dᵀ∇²f(w)d."""
    return _ft + s_t * (_grad_t.T * _dv)[0] + half * s_t**2 * (_dv.T * _hess_t * _dv)[0]


_f_along = _ft.subs({xs[0]: xs[0] + s_t * d_1, xs[1]: xs[1] + s_t * d_2}, simultaneous=True)
TAYLOR_O2 = sp.Eq(sp.Limit((_f_along - _taylor2(sp.Rational(1, 2))) / s_t**2, s_t, 0), 0, evaluate=False)
#: 002:402: h² × the ODE's finite-difference scheme (central ẅ, backward ẇ) is the heavy-ball
#: residual of line 396 at η = b h², β = 1 − a h
h_ode = sp.Symbol("h_ode", positive=True)
a_ode, b_ode = sp.symbols("a_ode b_ode", real=True)
HB_SCHEME_002 = sp.Eq(
    h_ode**2 * ((hw_next - 2 * hw + hw_prev) / h_ode**2 + a_ode * (hw - hw_prev) / h_ode + b_ode * hg),
    hw_next - (hw - b_ode * h_ode**2 * hg + (1 - a_ode * h_ode) * (hw - hw_prev)),
    evaluate=False,
)
#: 002:413: Nesterov's direction (Sutskever et al.'s form, w_{t+1} = w_t + ηu_t) on f = λw²/2
u_nest = sp.Symbol("u_nest", real=True)
#: 002:457 and 002:461 on f = ½wᵀAw + bᵀw with A = [[λ₁ + λ, λ], [λ, λ + λ_d]] ≻ 0 (det = λ₁λ + λ₁λ_d + λλ_d)
_Apd = sp.Matrix([[lam1 + lam, lam], [lam, lam + lamd]])
_bq = sp.Matrix(b[:2])
_fq = ((_W2.T * _Apd * _W2)[0] / 2 + (_bq.T * _W2)[0]).expand()
_grad_q = sp.Matrix([_fq.diff(v) for v in xs[:2]])
_hess_q = sp.hessian(_fq, xs[:2])


def _grad_q_at(point):
    return _grad_q.subs(dict(zip(xs[:2], point)), simultaneous=True)


NEWTON_ONE_STEP_002 = sp.Eq(_grad_q_at(_W2 - _hess_q.inv() * _grad_q), sp.zeros(2, 1), evaluate=False)
PRECOND_CONTRACT_002 = sp.Eq(
    _grad_q_at(_W2 - eta * _hess_q.inv() * _grad_q), (1 - eta) * _grad_q, evaluate=False
)
#: 003:368: GD on f = λx²/2 with η = t/k, k steps from x0, tends to x0 e^{−λt} as k → ∞
t_flow = sp.Symbol("t_flow", positive=True)
x0_flow = sp.Symbol("x0", positive=True)  # the start x_0 (the symbol x0 of the extremal family)
GD_TO_FLOW_003 = sp.Eq(
    sp.Limit((1 - lam * t_flow / kk) ** kk * x0_flow, kk, sp.oo), x0_flow * sp.exp(-lam * t_flow)
)
FLOW_SOLVES_003 = sp.Eq(
    sp.Derivative(x0_flow * sp.exp(-lam * t_flow), t_flow),
    -lam * x0_flow * sp.exp(-lam * t_flow),
    evaluate=False,
)
#: 003:48 (M = 2): Gibbs' inequality
CE_GIBBS_003 = sp.Ge(
    -y_c * sp.log(p_c) - (1 - y_c) * sp.log(1 - p_c), -y_c * sp.log(y_c) - (1 - y_c) * sp.log(1 - y_c)
)
#: 003:378 and 003:386 on f = ½xᵀAx, A = [[a, b], [b, c]] symmetric, x = (x_1, x_2), y = (y_1, y_2)
theta_c = sp.Symbol("theta_c", real=True)
_Aq = sp.Matrix([[cn_a, cn_b], [cn_b, cn_c]])
_xq, _yq = sp.Matrix(xs[:2]), sp.Matrix(ys[:2])
_fA = lambda v: (v.T * _Aq * v)[0] / 2  # noqa: E731
_dxy = _xq - _yq
JENSEN_GAP_003 = sp.Eq(
    theta_c * _fA(_xq) + (1 - theta_c) * _fA(_yq) - _fA(theta_c * _xq + (1 - theta_c) * _yq),
    theta_c * (1 - theta_c) / 2 * (_dxy.T * _Aq * _dxy)[0],
    evaluate=False,
)
STRONG_GAP_003 = sp.Eq(
    _fA(_xq) - _fA(_yq) - ((_Aq * _yq).T * _dxy)[0] - mu / 2 * (_dxy.T * _dxy)[0],
    (_dxy.T * (_Aq - mu * sp.eye(2)) * _dxy)[0] / 2,
    evaluate=False,
)
#: 003:403 and 003:419, n = 2: g_j = ∇f_j at the point where V is taken (and at x̄ for 419), gx_j = ∇f_j(x^k)
gx1, gx2 = sp.symbols("gx_1 gx_2", real=True)
VAR_MEAN_003 = sp.Eq(
    ((g_1 - (g_1 + g_2) / 2) ** 2 + (g_2 - (g_1 + g_2) / 2) ** 2) / 2,
    (g_1**2 + g_2**2) / 2 - ((g_1 + g_2) / 2) ** 2,
    evaluate=False,
)
SVRG_MEAN_003 = sp.Eq(
    _uneval_sum(
        sp.Mul(sp.Rational(1, 2), sp.Add(gj_x, -gj, (g_1 + g_2) / 2, evaluate=False), evaluate=False)
        for gj_x, gj in ((gx1, g_1), (gx2, g_2))
    ),
    (gx1 + gx2) / 2,
    evaluate=False,
)

#: 002:431: ½wᵀAw with A = diag(λ₁, λ, λ_d) (d = 3), the double sum Σ_ij A_ij w_i w_j kept as printed
_Adiag = sp.diag(lam1, lam, lamd)
DIAG_QUAD_002 = sp.Eq(
    sp.Mul(
        sp.Rational(1, 2),
        _uneval_sum(sp.Mul(_Adiag[i, j], xs[i], xs[j], evaluate=False) for i in range(3) for j in range(3)),
        evaluate=False,
    ),
    (lam1 * xs[0] ** 2 + lam * xs[1] ** 2 + lamd * xs[2] ** 2) / 2,
    evaluate=False,
)
#: 002:463 as printed: the pre-conditioner Q = ∇²f itself (first coordinate of the contraction of line 461)
PRECOND_HESS_002 = sp.Eq(
    _grad_q_at(_W2 - eta * _hess_q * _grad_q)[0], ((1 - eta) * _grad_q)[0], evaluate=False
)


#: 002:340 (footnote 1): 3SAT as a polynomial zero, on three Boolean variables v_i: Σ(v_i² − v_i)²
#: forces v_i ∈ {0, 1}, and each clause contributes the square of the product of its literals' falsity
#: (degree 4 in each variable, total degree 6); the eight clauses of all sign patterns are unsatisfiable
_SIGNS = tuple(itertools.product((True, False), repeat=3))


def sat_polynomial(clauses) -> sp.Expr:
    """Σ_i (v_i² − v_i)² + Σ_clauses Π_i (1 − v_i if the literal is v_i else v_i)²."""
    boolean = sp.Add(*[(v**2 - v) ** 2 for v in vs])
    falsity = [sp.Mul(*[(1 - vs[i]) if pos else vs[i] for i, pos in enumerate(c)]) ** 2 for c in clauses]
    return boolean + sp.Add(*falsity)


THREESAT_UNSAT_002 = sp.Gt(sat_polynomial(_SIGNS), 0)


#: 000:26: φ(w x + b) with φ = ReLU, w = 1, b = 0 (kept as printed): its value at 0 is below the mean of its
#: values at 1 and −1, so it is not affine (an affine function meets that mean exactly)
def neuron(phi, x):
    """φ(1·x + 0), unevaluated."""
    return phi(sp.Add(sp.Mul(1, x, evaluate=False), 0, evaluate=False))


def below_chord(fn):
    """fn(0) < ½(fn(1) + fn(−1)), kept as printed."""
    mean = sp.Mul(sp.Rational(1, 2), sp.Add(fn(1), fn(-1), evaluate=False), evaluate=False)
    return sp.Lt(fn(0), mean, evaluate=False)


RELU_NONAFFINE_000 = below_chord(lambda x: neuron(lambda z: sp.Max(0, z, evaluate=False), x))


#: 002:364: a two-layer scalar net w_out·w_in·x on one example (x, y) = (1, 1), squared loss, kept as
#: printed at the three points (0, 0), (1, 1), (−1, −1)
def _loss_2layer(w_1, w_2):
    """(w_out w_in x − y)² at x = y = 1, unevaluated."""
    return sp.Pow(sp.Add(sp.Mul(w_2, w_1, evaluate=False), -1, evaluate=False), 2, evaluate=False)


def _midpoint_gap(loss, p, q, mid):
    """loss(mid) > ½(loss(p) + loss(q)): the midpoint inequality of convexity fails."""
    mean = sp.Mul(sp.Rational(1, 2), sp.Add(loss(*p), loss(*q), evaluate=False), evaluate=False)
    return sp.Gt(loss(*mid), mean, evaluate=False)


NONCONVEX_2LAYER_002 = _midpoint_gap(_loss_2layer, (1, 1), (-1, -1), (0, 0))
#: 003:413: n = 2, the centring ∇f(x*) (g_star) and the per-example gradients g_j at x*
V_AT_MIN_003 = sp.Eq(((g_1 - g_star) ** 2 + (g_2 - g_star) ** 2) / 2, (g_1**2 + g_2**2) / 2, evaluate=False)

#: 003:382 and 003:388 on the quadratics f = ½xᵀAx of 003:378/386 (A = [[a, b], [b, c]]), with ∇f and ∇²f
#: computed by differentiation: the Lipschitz gap L²‖x − y‖² − ‖∇f(x) − ∇f(y)‖² is (x − y)ᵀ(L²I − A²)(x − y)
_gfx = sp.Matrix([_fA(_xq).diff(c) for c in xs[:2]])  # ∇f(x)
_gfy = sp.Matrix([_fA(_yq).diff(c) for c in ys[:2]])  # ∇f(y)
_lip_gap = L**2 * (_dxy.T * _dxy)[0] - ((_gfx - _gfy).T * (_gfx - _gfy))[0]
LIP_GAP_003 = sp.Eq(_lip_gap, (_dxy.T * (L**2 * sp.eye(2) - _Aq**2) * _dxy)[0], evaluate=False)
#: 003:388: the two gaps are quadratic forms of the Hessian H = ∇²f: ½dᵀ(H − μI)d (386) and
#: dᵀ(LI − H)(LI + H)d (382), so for H ⪰ μI ≻ 0 (LI + H ≻ 0, commuting with H) they say μI ⪯ H ⪯ LI
_Hq = sp.hessian(_fA(_xq), xs[:2])
_I2 = sp.eye(2)
_strong_gap = _fA(_xq) - _fA(_yq) - (_gfy.T * _dxy)[0] - mu / 2 * (_dxy.T * _dxy)[0]
HESS_SANDWICH_003 = sp.Eq(
    sp.Matrix([_strong_gap, _lip_gap]),
    sp.Matrix(
        [(_dxy.T * (_Hq - mu * _I2) * _dxy)[0] / 2, (_dxy.T * (L * _I2 - _Hq) * (L * _I2 + _Hq) * _dxy)[0]]
    ),
    evaluate=False,
)
#: 000:12 and 002:372: the empirical risk (1/n) Σ ℓ of n = 2 i.i.d. draws from a two-point law (ℓ = c_a with
#: probability q1, c_b with 1 − q1), its mean over the four ordered draws, kept as printed: the risk
_lw = ((ca, q1), (cb, 1 - q1))
RISK_UNBIASED = sp.Eq(
    _uneval_sum(
        sp.Mul(pi_ * pj_, sp.Rational(1, 2) * sp.Add(li_, lj_, evaluate=False), evaluate=False)
        for li_, pi_ in _lw
        for lj_, pj_ in _lw
    ),
    q1 * ca + (1 - q1) * cb,
    evaluate=False,
)
#: 000:16: the quadratic loss ½(f_W − y)² of one output: its gradient is (f_W − y)∇f_W, no factor 2 (as line
#: 441 of the notes uses it)
f_W = sp.Function("f_W")
y_reg = sp.Symbol("y_reg", real=True)
QUAD_LOSS_GRAD_000 = sp.Eq(
    sp.Derivative(sp.Rational(1, 2) * (f_W(w_par) - y_reg) ** 2, w_par),
    (f_W(w_par) - y_reg) * sp.Derivative(f_W(w_par), w_par),
    evaluate=False,
)
#: 002:520: m2 = E‖∇̂_t‖²; the last step of (534) with the bound m2 ≤ σ² the sentence names
m2 = sp.Symbol("m2", nonnegative=True)

DERIVATION = [
    Step(
        "cs",
        "Cauchy–Schwarz for a, b ≠ 0: ⟨a,b⟩ ≤ ‖a‖‖b‖ (a square divided by 2‖a‖‖b‖)",
        sp.Le(dot_ab, na * nb),
        Combination(
            {"na_def": nb / (2 * na), "nb_def": na / (2 * nb)},
            squares=[(1 / (2 * na * nb), nb * a[i] - na * b[i]) for i in range(3)],
        ),
    ),
    Step(
        "integrand",
        "Cauchy–Schwarz then smoothness: ⟨∇f(w+sd) − ∇f(w), d⟩ ≤ L s ‖d‖²",
        sp.Le(dot_ab, L * s * nb**2),
        Combination({"cs": 1, "smooth": nb}),
    ),
    Step(
        "integrand_h",
        "the same, for h(s) = ⟨∇f(w+sd) − ∇f(w), d⟩",
        sp.Le(h(s), L * s * nb2),
        Unfold({h(s): dot_ab, nb2: nb**2}, of="integrand"),
    ),
    Step(
        "integral",
        "integrate the pointwise bound over s ∈ [0, 1] (monotonicity of the integral)",
        sp.Le(sp.Integral(h(s), (s, 0, 1)), sp.Integral(L * s * nb2, (s, 0, 1))),
        SumOfFacts("integrand_h", s, 0, 1, integral=True),
    ),
    Step(
        "integral_eval",
        "∫₀¹ L s ‖d‖² ds = L‖d‖²/2",
        sp.Eq(sp.Integral(L * s * nb2, (s, 0, 1)), L * nb2 / 2),
        Simplification(),
    ),
    Step(
        "ftc",
        "fundamental theorem of calculus along φ(s) = f(w+sd), φ'(s) = ⟨∇f(w+sd), d⟩",
        sp.Eq(sp.Integral(h(s), (s, 0, 1)), phi(1) - phi(0) - gd0),
        Unfold({h(s): sp.Derivative(phi(s), s) - gd0}),
    ),
    Step(
        "quad_bound",
        "Problem 2.1.3: f(w+d) ≤ f(w) + ⟨∇f(w), d⟩ + (L/2)‖d‖²",
        sp.Le(phi(1), phi(0) + gd0 + L / 2 * nb2),
        Combination({"integral": 1, "integral_eval": -1, "ftc": 1}),
    ),
    Step(
        "quad_at_step",
        "Problem 2.1.3 at the pair (w, w'): f(w') ≤ f(w) + ⟨∇f(w), w' − w⟩ + (L/2)‖w' − w‖²",
        sp.Le(f1, f0 + ip + L / 2 * dist2),
        Unfold({f1: phi(1), f0: phi(0), ip: gd0, dist2: nb2}, of="quad_bound"),
    ),
    Step(
        "inner",
        "⟨∇f(w), w⁺ − w⟩ = −η‖∇f(w)‖² for w⁺ = w − η∇f(w)",
        sp.Eq(ip, -eta * g2),
        Unfold({ip: gvec.T * (wplus - wvec), g2: gvec.T * gvec}),
    ),
    Step(
        "dist",
        "‖w⁺ − w‖² = η²‖∇f(w)‖²",
        sp.Eq(dist2, eta**2 * g2),
        Unfold({dist2: (wplus - wvec).T * (wplus - wvec), g2: gvec.T * gvec}),
    ),
    Step(
        "algo_defn",
        "⟨∇f(w), w⁺ − w⟩ + (L/2)‖w⁺ − w‖² = −η‖∇f(w)‖² + (L/2)η²‖∇f(w)‖² (the update rule)",
        sp.Eq(ip + L / 2 * dist2, -eta * g2 + L / 2 * eta**2 * g2),
        Unfold({ip: gvec.T * (wplus - wvec), dist2: (wplus - wvec).T * (wplus - wvec), g2: gvec.T * gvec}),
    ),
    Step(
        "upper_along_step",
        "the smoothness upper bound along the step",
        sp.Le(f1, f0 - eta * g2 + L * eta**2 / 2 * g2),
        Combination({"quad_at_step": 1, "inner": -1, "dist": -L / 2}),
    ),
    Step(
        "tight_form",
        "tight one-step form, valid for every η > 0",
        sp.Le(f1, f0 - eta * (1 - L * eta / 2) * g2),
        Combination({"upper_along_step": 1}),
    ),
    Step(
        "coef_iff",
        "η − η²L/2 ≥ η/2 ⇔ η ≤ 1/L",
        sp.Equivalent(sp.Ge(eta - eta**2 * L / 2, eta / 2), sp.Le(eta, 1 / L)),
        Equivalence(eta * L / 2),
    ),
    Step(
        "last_step",
        "the proof's last step (002:354): f(w) − (η − η²L/2)‖∇f‖² ≤ f(w) − (η/2)‖∇f‖² for η ≤ 1/L",
        sp.Le(f0 - (eta - eta**2 * L / 2) * g2, f0 - eta / 2 * g2),
        Combination({"eta_le": eta * L * g2 / 2}),
    ),
    Step(
        "one_step",
        "Lemma 2.1.4: f(w⁺) ≤ f(w) − (η/2)‖∇f(w)‖² for η ≤ 1/L",
        sp.Le(f1, f0 - eta / 2 * g2),
        Combination({"tight_form": 1, "eta_le": eta * L * g2 / 2}),
    ),
    Step(
        "one_step_lt",
        "Lemma 2.1.4 as stated (η < 1/L)",
        sp.Le(f1, f0 - eta / 2 * g2),
        Combination({"tight_form": 1, "eta_lt": eta * L * g2 / 2}),
    ),
    Step(
        "strict_iff",
        "η(1 − Lη/2) > 0 ⇔ η < 2/L",
        sp.Equivalent(sp.Gt(eta * (1 - L * eta / 2), 0), sp.Lt(eta, 2 / L)),
        Equivalence(eta * L / 2),
    ),
    Step(
        "tight_form_nz",
        "the tight form at a non-stationary point (‖∇f(w)‖² = gp > 0)",
        sp.Le(f1, f0 - eta * (1 - L * eta / 2) * gp),
        Unfold({gp: g2}, of="tight_form"),
    ),
    # grad_nonzero enters with multiplier 0: it is the domain gp > 0 the step rests on, and
    # naming it makes it a hypothesis of the step (a claim without it gets no proof here)
    Step(
        "strict_descent",
        "footnote 3: f(w⁺) < f(w) for 0 < η < 2/L and ∇f(w) ≠ 0",
        sp.Lt(f1, f0),
        Combination({"tight_form_nz": 1, "eta_lt2": eta * L * gp / 2, "grad_nonzero": 0}),
    ),
    Step(
        "strict_descent_small",
        "002:334: f(w⁺) < f(w) for η < 1/L and ∇f(w) ≠ 0",
        sp.Lt(f1, f0),
        Combination(
            {"tight_form_nz": 1, "eta_lt": eta * L * gp / 2, "grad_nonzero": 0}, remainder=eta * gp / 2
        ),
    ),
    Step(
        "one_step_t",
        "Lemma 2.1.4 at step t",
        sp.Le(F(t + 1), F(t) - eta / 2 * G(t)),
        Unfold({F(t + 1): f1, F(t): f0, G(t): g2}, of="one_step"),
    ),
    Step(
        "telescope",
        "Σ_{t<T} (f(w_t) − f(w_{t+1})) = f(w_0) − f(w_T)",
        sp.Eq(sp.Sum(F(t) - F(t + 1), (t, 0, T - 1)), F(0) - F(T)),
        Simplification(),
    ),
    Step(
        "summed",
        "sum the one-step bounds over t < T",
        sp.Le(eta / 2 * sp.Sum(G(t), (t, 0, T - 1)), F(0) - F(T)),
        SumOfFacts("one_step_t", t, 0, T - 1),
    ),
    Step(
        "min_le_mean",
        "T · min ≤ sum",
        sp.Le(T * mT, sp.Sum(G(t), (t, 0, T - 1))),
        SumOfFacts("min_def", t, 0, T - 1),
    ),
    Step(
        "corollary",
        "min_{t<T} ‖∇f(w_t)‖² ≤ 2(f(w_0) − f*)/(ηT)",
        sp.Le(mT, 2 * (F(0) - fstar) / (eta * T)),
        Combination({"summed": 2 / (eta * T), "min_le_mean": 1 / T, "bounded_below": 2 / (eta * T)}),
    ),
    Step(
        "corollary_inst",
        "the corollary over the instance quantities f0 = f(w_0)",
        sp.Le(mT, 2 * (f0 - fstar) / (eta * T)),
        Unfold({f0: F(0)}, of="corollary"),
    ),
    # Theorem 2.5.1 (η = 1/β, |f(w_t)| ≤ M/2): our F(0), …, F(T) are the book's w_1, …, w_{T+1}
    Step(
        "one_step_1L",
        "the one-step bound at η = 1/L: f(w⁺) ≤ f(w) − ‖∇f(w)‖²/(2L)",
        sp.Le(f1, f0 - g2 / (2 * L)),
        Combination({"tight_form": 1, "eta_one": -(L * g2 / 2) * (eta - 1 / L)}),
    ),
    Step(
        "one_step_1L_t",
        "the same at step t",
        sp.Le(F(t + 1), F(t) - G(t) / (2 * L)),
        Unfold({F(t + 1): f1, F(t): f0, G(t): g2}, of="one_step_1L"),
    ),
    Step(
        "summed_1L",
        "002:508: (1/2β) Σ_t ‖∇_t‖² ≤ Σ_t (h_t − h_{t+1}) = h_1 − h_{T+1}",
        sp.Le(sp.Sum(G(t), (t, 0, T - 1)) / (2 * L), F(0) - F(T)),
        SumOfFacts("one_step_1L_t", t, 0, T - 1),
    ),
    Step(
        "drop_le_M",
        "h_1 − h_{T+1} ≤ M from |f(w_t)| ≤ M/2",
        sp.Le(F(0) - F(T), Mb),
        Combination({"bounded_M_start": 1, "bounded_M_end": 1}),
    ),
    Step(
        "drop_le_2M",
        "002:508 as written: h_1 − h_{T+1} ≤ 2M",
        sp.Le(F(0) - F(T), 2 * Mb),
        Combination({"drop_le_M": 1}, remainder=Mb),
    ),
    Step(
        "mean_2M",
        "(1/T) Σ_t ‖∇_t‖² ≤ 2Mβ/T",
        sp.Le(sp.Sum(G(t), (t, 0, T - 1)) / T, 2 * Mb * L / T),
        Combination({"summed_1L": 2 * L / T, "drop_le_M": 2 * L / T}),
    ),
    Step(
        "mean_4M",
        "Theorem 2.5.1: (1/T) Σ_t ‖∇_t‖² ≤ 4Mβ/T",
        sp.Le(sp.Sum(G(t), (t, 0, T - 1)) / T, 4 * Mb * L / T),
        Combination({"mean_2M": 1}, remainder=2 * Mb * L / T),
    ),
    Step(
        "mean_2M_bar",
        "the same over the instance quantity gbar = (1/T) Σ_t ‖∇_t‖²",
        sp.Le(gbar, 2 * Mb * L / T),
        Unfold({gbar: sp.Sum(G(t), (t, 0, T - 1)) / T}, of="mean_2M"),
    ),
    Step(
        "mean_4M_bar",
        "Theorem 2.5.1 over gbar",
        sp.Le(gbar, 4 * Mb * L / T),
        Unfold({gbar: sp.Sum(G(t), (t, 0, T - 1)) / T}, of="mean_4M"),
    ),
    Step(
        "min_le_avg",
        "min ≤ mean: ‖∇_τ‖² ≤ (1/T) Σ_t ‖∇_t‖²",
        sp.Le(mT, sp.Sum(G(t), (t, 0, T - 1)) / T),
        Combination({"min_le_mean": 1 / T}),
    ),
    Step(
        "min_le_gbar",
        "min ≤ mean over gbar",
        sp.Le(mT, gbar),
        Unfold({gbar: sp.Sum(G(t), (t, 0, T - 1)) / T}, of="min_le_avg"),
    ),
    # §2.5.3 (the algebra after the stochastic descent lemma)
    Step(
        "sgd_538a",
        "002:538, first ≤: (1/T) Σ E‖∇_t‖² ≤ (1/(Tη)) Σ E[h_t − h_{t+1}] + ηβσ²/2",
        sp.Le(S_sum / T, D_sum / (T * eta) + eta * L * sig2 / 2),
        Combination({"sgd_summed": 1 / (T * eta)}),
    ),
    Step(
        "sgd_538b",
        "002:538, second ≤: … ≤ M/(Tη) + ηβσ²/2",
        sp.Le(D_sum / (T * eta) + eta * L * sig2 / 2, Mb / (T * eta) + eta * L * sig2 / 2),
        Combination({"sgd_D_bound": 1 / (T * eta)}),
    ),
    Step(
        "sgd_539a",
        "002:539: at η = √(M/(βσ²T)), M/(Tη) + ηβσ²/2 = (3/2)√(Mβσ²/T)",
        sp.Eq(
            sp.Subs(Mb / (T * eta) + eta * L * sig2 / 2, eta, sp.sqrt(Mb / (L * sig2 * T))),
            sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "sgd_539b",
        "002:539: (3/2)√(Mβσ²/T) ≤ 2√(Mβσ²/T)",
        sp.Le(sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T), 2 * sp.sqrt(Mb * L * sig2 / T), evaluate=False),
        Monomials(),
    ),
    Step(
        "sgd_chain",
        "002:538 as one bound: (1/T) Σ E‖∇_t‖² ≤ M/(Tη) + ηβσ²/2",
        sp.Le(S_sum / T, Mb / (T * eta) + eta * L * sig2 / 2),
        Combination({"sgd_538a": 1, "sgd_538b": 1}),
    ),
    Step(
        "sgd_rate",
        "Theorem 2.5.2 (002:528): (1/T) Σ E‖∇_t‖² ≤ 2√(Mβσ²/T) (the value (3/2)√(Mβσ²/T), line 539)",
        sp.Le(S_sum / T, 2 * sp.sqrt(Mb * L * sig2 / T)),
        # at η₀ = √(M/(βσ²T)): M/(Tη) + ηβσ²/2 − (3/2)√(Mβσ²/T) = (η − η₀)(βσ²/2 − M/(Tηη₀)), which
        # the definition of η (slack η − η₀) cancels; the remainder is 2 − 3/2 of √(Mβσ²/T)
        Combination(
            {
                "sgd_chain": 1,
                "eta_sgd": Mb / (T * eta * sp.sqrt(Mb / (L * sig2 * T))) - L * sig2 / 2,
            },
            remainder=sp.sqrt(Mb * L * sig2 / T) / 2,
        ),
    ),
    Step(
        "sgd_step_quadratic",
        "002:534 on f = βw²/2 with the unbiased estimate βw ± s (each w.p. ½): E[h_{t+1} − h_t] = "
        "−η‖∇_t‖² + (β/2)η²σ², σ² = E‖∇̂_t‖² = β²w² + s² (the chain's bound, attained)",
        sp.Eq(
            (L * (qw - eta * (L * qw + qs)) ** 2 / 2 + L * (qw - eta * (L * qw - qs)) ** 2 / 2) / 2
            - L * qw**2 / 2,
            -eta * (L * qw) ** 2 + L / 2 * eta**2 * (L**2 * qw**2 + qs**2),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "batch_variance",
        "Problem 2.5.3(a): B independent zero-mean noises of variance γ₁², averaged: the cross terms "
        "E[ξ_iξ_j] (i ≠ j) vanish, so E‖(1/B)Σξ_i‖² = (1/B²)Σ_i γ₁² = γ₁²/B",
        sp.Eq(
            sp.Sum(gam1**2, (bi, 1, bsz)) / bsz**2,
            gam1**2 / bsz,
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "sgd_541",
        "002:541: T = 4Mβσ²/ε⁴ iterations make the bound 2√(Mβσ²/T) equal to ε²",
        sp.Eq(sp.Subs(2 * sp.sqrt(Mb * L * sig2 / T), T, 4 * Mb * L * sig2 / eps**4), eps**2, evaluate=False),
        Simplification(),
    ),
    # §2.3 heavy ball: the two forms agree
    Step(
        "hb_forms",
        "002:409: w_t + η u_t = w_t − η∇f(w_t) + β(w_t − w_{t−1}) once u_t, w_t are unfolded",
        sp.Eq(hw + eta * hu, hw - eta * hg + hbeta * (hw - hw_prev)),
        Unfold({hu: -hg + hbeta * hu_prev, hw_prev: hw - eta * hu_prev}),
    ),
    Step(
        "momentum_unrolled",
        "002:417: u_t = −∇f(w_t) + βu_{t−1} (line 406) unrolled from u_{−1} over three steps is the "
        "weighted sum −(g_2 + βg_1 + β²g_0) of the past gradients, plus β³u_{−1}",
        sp.Eq(
            -hg2 + hbeta * (-hg1 + hbeta * (-hg0 + hbeta * hu_init)),
            -(hg2 + hbeta * hg1 + hbeta**2 * hg0) + hbeta**3 * hu_init,
            evaluate=False,
        ),
        Simplification(),
    ),
    # §2.4 quadratic
    Step(
        "diag_form",
        "002:429: wᵀAw = ŵᵀΣŵ for A = UΣUᵀ, ŵ = Uᵀw",
        sp.Eq(
            sp.MatMul((Um.T * wvec).T, Sm, Um.T * wvec, evaluate=False),
            wvec.T * (Um * Sm * Um.T) * wvec,
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "coord_grad",
        "002:435: ∂/∂w_i of ½ Σ_j λ_j w_j² is λ_i w_i (d = 3)",
        sp.Eq(
            sp.Derivative(
                sum(sp.Rational(1, 2) * lj * wj**2 for lj, wj in zip((lam1, lam, lamd), xs)), xs[1]
            ),
            lam * xs[1],
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "coord_update",
        "002:439: w_i − ηλ_i w_i = (1 − λ_i η) w_i",
        sp.Eq(wi - eta * lam * wi, (1 - lam * eta) * wi),
        Simplification(),
    ),
    Step(
        "blowup",
        "002:441: η > 2/λ_i ⇒ (1 − λ_i η)² > 1 (|w_i| grows geometrically)",
        sp.Gt((1 - lam * eta) ** 2, 1),
        Combination({"eta_gt_2_lam": lam**2 * eta}),
    ),
    Step(
        "stable_range",
        "no growth, (1 − λη)² ≤ 1, gives η ≤ 2/λ",
        sp.Le(eta, 2 / lam),
        Combination({"no_blowup": 1 / (lam**2 * eta)}),
    ),
    Step(
        "halving",
        "002:443: (1 − λ_1η) − 1/2 = λ_1(1/(2λ_1) − η): the factor of w_1 is 1/2 at η = 1/(2λ_1)",
        sp.Eq(1 - lam1 * eta - sp.Rational(1, 2), lam1 * (1 / (2 * lam1) - eta), evaluate=False),
        Simplification(),
    ),
    Step(
        "precond",
        "002:451: (1 − λη)w_i = λ(1/λ − η)w_i: with η_i = 1/λ_i one step sends w_i to 0",
        sp.Eq((1 - lam * eta) * wi, lam * (1 / lam - eta) * wi, evaluate=False),
        Simplification(),
    ),
    Step(
        "newton_quadratic",
        "002:453: w − A⁻¹∇f(w) = 0 for f = ½wᵀAw (A invertible)",
        sp.Eq(
            sp.MatAdd(wvec, sp.MatMul(-1, sp.Inverse(Am), Am * wvec, evaluate=False), evaluate=False),
            sp.ZeroMatrix(3, 1),
            evaluate=False,
        ),
        Simplification(),
    ),
    # 002 §2.3–2.5 as printed (unevaluated: each keeps the two sides its line compares)
    Step(
        "momentum_meant",
        "002:398 as meant: the heavy-ball update minus the GD step is β(w_t − w_{t−1})",
        sp.Eq(hw_next - (hw - eta * hg), hbeta * (hw - hw_prev), evaluate=False),
        Unfold({hw_next: hw - eta * hg + hbeta * (hw - hw_prev)}),
    ),
    Step(
        "diag_form_2d",
        "002:429 with U the rotation [[3, −4], [4, 3]]/5: wᵀ(UΣUᵀ)w = ŵᵀΣŵ, ŵ = Uᵀw",
        sp.Eq(
            (_W2.T * (_U2 * sp.diag(lam1, lamd) * _U2.T) * _W2)[0],
            ((_U2.T * _W2).T * sp.diag(lam1, lamd) * (_U2.T * _W2))[0],
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "coord_grad_d",
        "002:435: ∂/∂w_2 of ½ Σ_j λ_j w_j² is λ_2 w_2 (d = 3)",
        sp.Eq(
            sp.Derivative(sum(lj * wj**2 / 2 for lj, wj in zip((lam1, lam, lamd), xs)), xs[1]),
            lam * xs[1],
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "newton_quadratic_2d",
        "002:453: w − A⁻¹∇f(w) = 0 for f = ½wᵀAw, A = [[λ_1, λ], [λ, λ_1 + λ_d]] (generic λ: det ≠ 0)",
        sp.Eq(
            _W2 - _A2.inv() * (_A2 * _W2),
            sp.zeros(2, 1),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "sgd_539_at_eta",
        "002:539: at η = √(M/(βσ²T)), M/(Tη) + ηβσ²/2 = (3/2)√(Mβσ²/T)",
        sp.Eq(
            Mb / (T * eta) + eta * L * sig2 / 2,
            sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T),
            evaluate=False,
        ),
        Unfold({eta: sp.sqrt(Mb / (L * sig2 * T))}),
    ),
    Step(
        "sgd_541_count",
        "002:541: T ≥ 4Mβσ²/ε⁴ makes (2√(Mβσ²/T))² = 4Mβσ²/T at most ε⁴",
        sp.Le(4 * Mb * L * sig2 / T, eps**4),
        Combination({"T_sgd": eps**4 / T}),
    ),
    # 003:374, 376
    Step(
        "newton_stationary",
        "003:374: Δx = −H⁻¹∇f zeroes the model's gradient ∇f + HΔx",
        sp.Eq(
            sp.MatAdd(gvec, sp.MatMul(Hm, -1, sp.Inverse(Hm), gvec, evaluate=False), evaluate=False),
            sp.ZeroMatrix(3, 1),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "newton_is_gd",
        "003:376: with ∇²f = I/η, −(∇²f)⁻¹∇f = −η∇f",
        sp.Eq(
            sp.MatMul(-1, sp.Inverse(sp.Identity(3) / eta), gvec, evaluate=False), -eta * gvec, evaluate=False
        ),
        Simplification(),
    ),
    # 003:384: the converse fails: f = −x⁴ satisfies the quadratic upper bound for every L ≥ 0
    Step(
        "quartic_upper",
        "f(x) = −x⁴ (concave) satisfies f(x) ≤ f(y) + f'(y)(x − y) + (L/2)(x − y)²",
        sp.Le(-(xa**4), -(ya**4) - 4 * ya**3 * (xa - ya) + L / 2 * (xa - ya) ** 2),
        SumOfSquares([(1, (xa - ya) * (xa + ya)), (2, (xa - ya) * ya), (L / 2, xa - ya)]),
    ),
    # 003:407 Polyak averaging: the recursion keeps the running mean (S_k = x¹ + … + x^k)
    Step(
        "polyak",
        "003:407: k/(k+1) · S_k/k + x^{k+1}/(k+1) = (S_k + x^{k+1})/(k+1)",
        sp.Eq(kk / (kk + 1) * (Sk / kk) + xk1 / (kk + 1), (Sk + xk1) / (kk + 1), evaluate=False),
        Simplification(),
    ),
    Step("harmonic", "003:411: Σ_k 1/k = ∞", sp.Eq(sp.Sum(1 / kk, (kk, 1, sp.oo)), sp.oo), Simplification()),
    Step(
        "basel",
        "003:411: Σ_k 1/k² = π²/6 < ∞",
        sp.Eq(sp.Sum(1 / kk**2, (kk, 1, sp.oo)), sp.pi**2 / 6),
        Simplification(),
    ),
    # 003:1–60 background
    Step(
        "log_le",
        "log u ≤ u − 1 for u > 0 (f = u − 1 − log u: f(1) = 0, f'(u)(u − 1) = (u − 1)²/u ≥ 0)",
        sp.Le(sp.log(uu), uu - 1),
        CriticalPoint(uu, 1),
    ),
    Step(
        "log1p_lower",
        "x − x²/2 ≤ log(1 + x) for x ≥ 0 (f(0) = 0, f'(x)·x = x³/(1 + x) ≥ 0)",
        sp.Le(xn - xn**2 / 2, sp.log(1 + xn)),
        CriticalPoint(xn, 0),
    ),
    Step(
        "var_identity",
        "003:7: E[(X − EX)²] = E[X²] − (EX)² (three-point law)",
        sp.Eq(_law(lambda j: (xs[j] - _EX) ** 2), _law(lambda j: xs[j] ** 2) - _EX**2),
        Simplification(),
    ),
    Step(
        "cov_identity",
        "003:8: E[(X − EX)(Y − EY)] = E[XY] − EX·EY (three-point law)",
        sp.Eq(_cov(_X, _Y), _law(lambda j: xs[j] * ys[j]) - _EX * _EY),
        Simplification(),
    ),
    Step(
        "cov_bilinear",
        "003:9: Cov(aX + bY, cW + dV) expands bilinearly (three-point law)",
        sp.Eq(
            _cov(lambda j: ca * xs[j] + cb * ys[j], lambda j: cc * ws_[j] + cd * vs[j]),
            ca * cc * _cov(_X, _W) + ca * cd * _cov(_X, _V) + cb * cc * _cov(_Y, _W) + cb * cd * _cov(_Y, _V),
        ),
        Simplification(),
    ),
    Step(
        "ibp",
        "003:11: d/dx [f g − ∫ f' g] = f g'",
        sp.Eq(
            sp.Derivative(fF(xr) * gF(xr) - sp.Integral(sp.diff(fF(xr), xr) * gF(xr), xr), xr),
            fF(xr) * sp.diff(gF(xr), xr),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "geometric",
        "003:12: (1 − r) Σ_{k≤n} a r^k = a(1 − r^{n+1})",
        sp.Eq((1 - rr) * sp.Sum(ar * rr**k0, (k0, 0, nn)), ar * (1 - rr ** (nn + 1))),
        Simplification(),
    ),
    Step(
        "union_bound",
        "003:19: P(A ∪ B) ≤ P(A) + P(B) (two events)",
        sp.Le(pU, pA + pB),
        Combination({"union_def": -1}, remainder=pAB),
    ),
    Step(
        "normal_density",
        "003:52: the N(μ, σ²) density integrates to 1",
        sp.Eq(
            sp.Integral(
                sp.exp(-((xr - muN) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2),
                (xr, -sp.oo, sp.oo),
            ),
            1,
        ),
        Simplification(),
    ),
    Step(
        "mvn_density",
        "003:56 as printed, k = 2, Σ = diag(σ², σ₂²): (2π)^{−k/2} det(Σ)^{−1/2} e^{−½(x−μ)ᵀΣ⁻¹(x−μ)} "
        "integrates to 1 over ℝ²",
        sp.Eq(
            sp.Integral(
                (2 * sp.pi) ** sp.Rational(-2, 2)
                * (sigma**2 * sigma2**2) ** sp.Rational(-1, 2)
                * sp.exp(-((xs[0] - muN) ** 2 / sigma**2 + (xs[1] - muN2) ** 2 / sigma2**2) / 2),
                (xs[0], -sp.oo, sp.oo),
                (xs[1], -sp.oo, sp.oo),
            ),
            1,
        ),
        Simplification(),
    ),
    Step(
        "exp_density",
        "003:58: λe^{−λx} integrates to 1 over x ≥ 0",
        sp.Eq(sp.Integral(lam_e * sp.exp(-lam_e * xr), (xr, 0, sp.oo)), 1),
        Simplification(),
    ),
    Step(
        "bernoulli_mass",
        "003:60: p^x(1 − p)^{1−x} sums to 1 over x ∈ {0, 1}",
        sp.Eq(sp.Sum(pb**k0 * (1 - pb) ** (1 - k0), (k0, 0, 1)), 1, evaluate=False),
        Simplification(),
    ),
    Step(
        "minibatch_variance",
        "003:409: a batch of r = 2 draws divides the variance by r",
        MINIBATCH_VAR_003,
        Simplification(),
    ),
    Step("gauss_mgf", "003:44 (d = 1): E e^{tX} = exp(tμ + σ²t²/2)", GAUSS_MGF_003, Simplification()),
    Step(
        "ce_bernoulli", "000:22 as meant: the bracket is log g^y(1 − g)^{1−y}", CE_MEANT_000, Simplification()
    ),
    Step("square_sum", "003:36: (a₁ + a₂ + a₃)² expanded", SQUARE_SUM_003, Simplification()),
    Step("det_transpose", "003:38: det A = det Aᵀ (2×2)", DET_T_003, Simplification()),
    Step("det_product", "003:38: det AB = det A det B (2×2)", DET_AB_003, Simplification()),
    Step("det_inverse", "003:39: det A⁻¹ = 1/det A (2×2, A invertible)", DET_INV_003, Simplification()),
    Step(
        "mgf_independent",
        "003:42: M_{X+Y} = M_X M_Y for independent X, Y ∈ {0, 1}",
        MGF_SUM_003,
        Decided(("pmf_sum", "indep")),
    ),
    # issue 20: definitions decided by what their constants assert
    Step(
        "hinge_01",
        "000:18: on a misclassified example (y f ≤ 0) the hinge loss is at least 1, the 0–1 loss",
        sp.Ge(sp.Max(0, 1 - m_y), 1),
        Decided(("misclassified",)),
    ),
    Step("sigmoid_sym", "000:21: 1 − g(z) = g(−z)", SIGMOID_SYM_000, Simplification()),
    Step(
        "minibatch_mean_000",
        "000:39: N = 3, |B| = 2 uniform among the subsets: E[(1/|B|)Σ_B ∇ℓ_i] = ∇((1/N)Σ ℓ_i)",
        MINIBATCH_MEAN_000,
        Simplification(),
    ),
    Step(
        "batch_mean_002",
        "002:384: n = 2, B = 2 i.i.d. uniform indices: E[g_S] = ∇((1/n)Σ f_i)",
        BATCH_MEAN_002,
        Simplification(),
    ),
    Step(
        "sgd_mean_step_002",
        "002:388: E[w_t − ηg_S(w_t)] = w_t − η∇f(w_t) (n = 2, B = 2)",
        SGD_MEAN_STEP_002,
        Simplification(),
    ),
    Step(
        "taylor_o2",
        "002:305: f = e^{w_1} + w_1w_2³ along w + sd: (f − second-order expansion)/s² → 0",
        TAYLOR_O2,
        Simplification(),
    ),
    Step(
        "sampling_l2",
        "002:376: the mean-square error γ₁²/B of a batch of B independent draws tends to 0",
        sp.Eq(sp.Limit(sp.Sum(gam1**2, (bi, 1, bsz)) / bsz**2, bsz, sp.oo), 0, evaluate=False),
        Simplification(),
    ),
    Step(
        "hb_scheme",
        "002:402: h² × (central ẅ + a backward ẇ + b∇f) is the heavy-ball residual at η = bh², β = 1 − ah",
        HB_SCHEME_002,
        Simplification(),
    ),
    Step(
        "nesterov_lookahead",
        "002:413 with w for u: Nesterov's u_t = −∇f(w_t + βηu_{t−1}) + βu_{t−1} on f = λw²/2 is "
        "−∇f(w_t + β(w_t − w_{t−1})) + βu_{t−1}",
        sp.Eq(u_nest, -lam * (hw + hbeta * (hw - hw_prev)) + hbeta * hu_prev),
        Unfold({u_nest: -lam * (hw + hbeta * eta * hu_prev) + hbeta * hu_prev, hw_prev: hw - eta * hu_prev}),
    ),
    Step(
        "log_factor",
        "ln(1 − λ_d/(2λ₁)) ≤ −λ_d/(2λ₁) (ln u ≤ u − 1 at u = 1 − λ_d/(2λ₁) > 0)",
        sp.Le(sp.log(1 - lamd / (2 * lam1)), -lamd / (2 * lam1)),
        Instance("log_le", {uu: 1 - lamd / (2 * lam1)}, positive_on_domain=(1 - lamd / (2 * lam1),)),
    ),
    Step(
        "iterations_count",
        "002:443: k ≥ (2λ₁/λ_d) ln(1/ε) gives k ln(1 − λ_d/(2λ₁)) ≤ ln ε, i.e. (1 − λ_d/(2λ₁))^k ≤ ε",
        sp.Le(kk * sp.log(1 - lamd / (2 * lam1)), sp.log(eps)),
        Combination({"log_factor": kk, "k_iter": lamd / (2 * lam1)}),
    ),
    Step(
        "newton_one_step",
        "002:457 on f = ½wᵀAw + bᵀw (A ≻ 0): ∇f at w − ∇²f⁻¹∇f(w) is 0",
        NEWTON_ONE_STEP_002,
        Simplification(),
    ),
    Step(
        "precond_contract",
        "002:461 with Q = ∇²f⁻¹ on the same quadratic: ∇f(w − ηQ∇f(w)) = (1 − η)∇f(w)",
        PRECOND_CONTRACT_002,
        Simplification(),
    ),
    Step(
        "gd_to_flow",
        "003:368: GD on λx²/2 with η = t/k, k steps: (1 − λt/k)^k x₀ → x₀e^{−λt}",
        GD_TO_FLOW_003,
        Simplification(),
    ),
    Step(
        "flow_solves", "x₀e^{−λt} solves ẋ = −λx (gradient flow on λx²/2)", FLOW_SOLVES_003, Simplification()
    ),
    Step(
        "ce_gibbs",
        "003:48, M = 2: cross-entropy ≥ the label's entropy, equality at p = y (f(y) = 0, "
        "f'(p)(p − y) = (p − y)²/(p(1 − p)) ≥ 0)",
        CE_GIBBS_003,
        CriticalPoint(p_c, y_c, {1 - p_c: q_c}),
    ),
    Step(
        "jensen_gap",
        "003:378 on f = ½xᵀAx: θf(x) + (1 − θ)f(y) − f(θx + (1 − θ)y) = θ(1 − θ)/2 (x − y)ᵀA(x − y)",
        JENSEN_GAP_003,
        Simplification(),
    ),
    Step(
        "strong_gap",
        "003:386 on f = ½xᵀAx: f(x) − f(y) − ∇f(y)ᵀ(x − y) − (μ/2)‖x − y‖² = ½(x − y)ᵀ(A − μI)(x − y)",
        STRONG_GAP_003,
        Simplification(),
    ),
    Step(
        "var_mean_003",
        "003:403 with f the mean (f_1 + f_2)/2: V = E‖∇f_I − E∇f_I‖² (n = 2)",
        VAR_MEAN_003,
        Simplification(),
    ),
    Step(
        "svrg_mean_003",
        "003:419 with f the mean: E_j[∇f_j(x) − ∇f_j(x̄) + ∇f(x̄)] = ∇f(x) (n = 2)",
        SVRG_MEAN_003,
        Simplification(),
    ),
    # issue 20 (coverage): the remaining lines of the ranges with checkable mathematics
    Step(
        "nonconvex_2layer",
        "002:364: the loss (w_out w_in − 1)² of a two-layer scalar net exceeds at (0, 0) the mean of its "
        "values at (1, 1) and (−1, −1): 1 > 0, not convex",
        NONCONVEX_2LAYER_002,
        Monomials(),
    ),
    Step(
        "relu_not_affine",
        "000:26: ReLU(x) at 0 is below the mean of its values at ±1 (0 < 1/2): not affine",
        RELU_NONAFFINE_000,
        Monomials(),
    ),
    Step(
        "threesat_unsat",
        "002:340: the 3SAT polynomial of the eight clauses on v_1, v_2, v_3 (unsatisfiable) has no real zero",
        THREESAT_UNSAT_002,
        Decided(()),
    ),
    Step(
        "gd_fixed_point",
        "002:358: g_t = 0 gives w_t − ηg_t = w_t: GD makes no progress at a stationary point",
        sp.Eq(hw - eta * hg, hw, evaluate=False),
        Decided(("grad_zero_1d",)),
    ),
    Step(
        "last_step_coeff",
        "002:356: η ≤ 1/L gives η − η²L/2 ≥ η/2 (the coefficient of the last step)",
        sp.Ge(eta - eta**2 * L / 2, eta / 2),
        Combination({"eta_le": eta * L / 2}),
    ),
    Step(
        "diag_quad",
        "002:431: ½Σ_ij A_ij w_i w_j = ½Σ_i λ_i w_i² for A diagonal (d = 3)",
        DIAG_QUAD_002,
        Simplification(),
    ),
    Step(
        "v_at_min_003",
        "003:413: ∇f(x*) = 0 makes V(x*) = (1/n)Σ‖∇f_i(x*)‖² (n = 2)",
        V_AT_MIN_003,
        Decided(("x_star_stationary",)),
    ),
    Step(
        "lip_gap_003",
        "003:382 on f = ½xᵀAx: L²‖x − y‖² − ‖∇f(x) − ∇f(y)‖² = (x − y)ᵀ(L²I − A²)(x − y)",
        LIP_GAP_003,
        Simplification(),
    ),
    Step(
        "hess_sandwich_003",
        "003:388 on f = ½xᵀAx, H = ∇²f: the gaps of 386 and 382 are ½dᵀ(H − μI)d and dᵀ(LI − H)(LI + H)d",
        HESS_SANDWICH_003,
        Simplification(),
    ),
    Step(
        "risk_unbiased",
        "000:12 / 002:372: the mean of (1/n)Σℓ over n = 2 i.i.d. draws of a two-point law is E ℓ",
        RISK_UNBIASED,
        Simplification(),
    ),
    Step(
        "quad_loss_grad_000",
        "000:16: ∇_w ½(f_W(w) − y)² = (f_W(w) − y)∇f_W(w)",
        QUAD_LOSS_GRAD_000,
        Simplification(),
    ),
    Step(
        "moment_bound_534",
        "002:520 as a bound: E‖∇̂_t‖² ≤ σ² gives 534's last step −η‖∇_t‖² + (β/2)η²E‖∇̂_t‖² ≤ "
        "−η‖∇_t‖² + (β/2)η²σ²",
        sp.Le(-eta * g2 + L / 2 * eta**2 * m2, -eta * g2 + L / 2 * eta**2 * sig2),
        Combination({"moment_le": L / 2 * eta**2}),
    ),
]

# ----------------------------------------------------------------------------- claims (numeric)
# Instance quantities (numerics.descent_lemma): f0 = f(w_t), f1 = f(w_{t+1}), g2 = ||grad f(w_t)||^2,
# eta, L on GD trajectories; f0 = f(w), f1 = f(w'), ip, dist2 on pairs of points; mT, f0 = f(w_0),
# fstar, T for the corollary; gbar, M, T for Theorem 2.5.1.
TIGHT_FORM = sp.Le(f1, f0 - eta * (1 - L * eta / 2) * g2)
QUAD_UPPER = sp.Le(f1, f0 + ip + L / 2 * dist2)

CLAIMS = [
    Claim(
        "one_step",
        "Lemma 2.1.4 (η ≤ 1/L)",
        sp.Le(f1, f0 - eta / 2 * g2),
        ("smooth", "eta_le"),
        domain=(sp.Le(eta * L, 1),),
        sharper=TIGHT_FORM,
    ),
    Claim(
        "tight_step",
        "tight one-step form (any η > 0)",
        TIGHT_FORM,
        ("smooth",),
        tight_on="quadratic/extremal",
    ),
    Claim(
        "strict_descent",
        "strict descent (η < 2/L, ∇f ≠ 0)",
        sp.Lt(f1, f0),
        ("smooth", "eta_lt2", "grad_nonzero"),
    ),
    Claim(
        "corollary",
        "telescoped corollary (η ≤ 1/L)",
        sp.Le(mT, 2 * (f0 - fstar) / (eta * T)),
        ("smooth", "eta_le", "bounded_below"),
        domain=(sp.Ge(f0, fstar), sp.Le(eta * L, 1)),
    ),
    Claim(
        "quad_upper",
        "Problem 2.1.3: the quadratic upper bound",
        QUAD_UPPER,
        ("smooth",),
        tight_on="quadratic/extremal",
    ),
    Claim(
        "mean_rate",
        "Theorem 2.5.1: (1/T)Σ‖∇_t‖² ≤ 4Mβ/T at η = 1/β",
        sp.Le(gbar, 4 * Mb * L / T),
        ("smooth", "eta_one", "bounded_M_start", "bounded_M_end"),
        sharper=sp.Le(gbar, 2 * Mb * L / T),
    ),
]


def _claim(key: str) -> Claim:
    return next(c for c in CLAIMS if c.key == key)


WRONG_VARIANTS = [
    _claim("one_step").variant(
        "coef_eta", "coefficient η instead of η/2 (η ≤ 1/L)", sp.Le(f1, f0 - eta * g2)
    ),
    _claim("one_step").variant(
        "range_2_over_L", "η/2 coefficient under η ≤ 2/L", assumptions=("smooth", "eta_le_2")
    ),
    _claim("one_step").variant(
        "no_step_bound", "η/2 coefficient with no step-size assumption", assumptions=("smooth",)
    ),
    _claim("one_step").variant(
        "one_step_not_smooth", "Lemma 2.1.4 without smoothness (L understated)", assumptions=("eta_le",)
    ),
    _claim("tight_step").variant(
        "tight_plus", "coefficient η(1 + Lη/2)", sp.Le(f1, f0 - eta * (1 + L * eta / 2) * g2)
    ),
    _claim("strict_descent").variant(
        "descent_no_bound", "descent (≤) for any η > 0", sp.Le(f1, f0), assumptions=("smooth",)
    ),
    _claim("strict_descent").variant(
        "strict_at_stationary", "strict descent without ∇f ≠ 0", assumptions=("smooth", "eta_lt2")
    ),
    _claim("corollary").variant(
        "corollary_half", "corollary with 1/(ηT) in place of 2/(ηT)", sp.Le(mT, (f0 - fstar) / (eta * T))
    ),
    _claim("corollary").variant(
        "corollary_unbounded", "corollary without a lower bound f*", assumptions=("smooth", "eta_le")
    ),
    _claim("quad_upper").variant(
        "quad_quarter", "quadratic upper bound with L/4", sp.Le(f1, f0 + ip + L / 4 * dist2)
    ),
    _claim("mean_rate").variant(
        "mean_rate_quarter", "Theorem 2.5.1 with Mβ/T in place of 4Mβ/T", sp.Le(gbar, Mb * L / T)
    ),
]

tstep = sp.Symbol("t", nonnegative=True)
PREDICTED = {
    "one_step_decrease": eta * (1 - L * eta / 2) * g2,  # exact on the extremal family
    # f(w_t) - f* on f = (L/2)||w||^2: contracts (0 < eta < 2/L) or grows (eta > 2/L) exactly so
    "extremal_gap": (1 - eta * L) ** (2 * tstep),
    "lemma_decrease": eta / 2 * g2,
    "corollary_bound": 2 * (f0 - fstar) / (eta * T),
}

#: On the extremal family f = (L/2)||w||^2 (+ a linear term) every quantity is a closed form.
EXTREMAL_STEP = {f1: f0 - eta * (1 - L * eta / 2) * g2}
x0 = sp.Symbol("x0", positive=True)
c_off = sp.Symbol("c", real=True)


def extremal_corollary(T_: int, L_true=L, bounded: bool = True) -> dict:
    """1-D f = L x²/2 + c: x_t = (1 − ηL)^t x0, ‖∇f‖² = L² x_t², f* = c.  With 'bounded_below'
    dropped, the claimed f* is f(w_0) itself (not a lower bound)."""
    f0_ = L_true * x0**2 / 2 + c_off
    return {
        mT: sp.Min(*[L_true**2 * (1 - eta * L_true) ** (2 * k) * x0**2 for k in range(T_)]),
        f0: f0_,
        fstar: c_off if bounded else f0_,
    }


# ----------------------------------------------------------------------------- as written


#: what each symbol unfolded by a definitional step stands for: declared definitions (shown with
#: the assumptions; an undeclared one would be a hypothesis no claim makes)
_DEFINES = {
    "ip": "ip names ⟨∇f(w), w⁺ − w⟩",
    "g2": "g2 names ‖∇f(w)‖² = gᵀg",
    "dist2": "dist2 names ‖w⁺ − w‖²",
    "h(s)": "h(s) names ⟨∇f(w + sd) − ∇f(w), d⟩ = φ′(s) − ⟨∇f(w), d⟩ (φ(s) = f(w + sd))",
    "u_t": "u_t names the momentum direction −g_t + β u_{t−1}",
    "w_prev": "w_{t−1} names w_t − η u_{t−1}",
    "u_nest": "u_nest names Nesterov's direction −∇f(w_t + βηu_{t−1}) + βu_{t−1} on f = λw²/2",
}
ASSUMPTIONS += unfolded_definitions(DERIVATION, ASSUMPTIONS, _DEFINES)


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="descent_lemma",
    title="Descent lemma",
    source=Source(
        "Arora et al., Theory of Deep Learning",
        "§2.1–2.5",
        "Definition 2.1.2, Problem 2.1.3, Lemma 2.1.4, footnote 3, Theorem 2.5.1",
    ),
    other_sources=[
        Source(
            "Course notes on deep learning theory (003)",
            "background; gradient descent and optimization theory",
        ),
        Source("CMSC 828W notes (000)", "refresher"),
    ],
    statement=r"f \text{ L-smooth},\ 0<\eta<\tfrac1L \implies f(w-\eta\nabla f(w)) \le "
    r"f(w)-\tfrac{\eta}{2}\|\nabla f(w)\|^2",
    latex_names={
        # symbols that share the book's letter with another symbol of other assumptions
        t: "t",
        k0: "k",
        xn: "x",
        nH: "n",
        tH: "t",
        muN: r"\mu",
        g2: r"\|\nabla f(w)\|^2",
        gp: r"\|\nabla f(w)\|^2",
        f0: "f(w)",
        f1: "f(w^+)",
        ip: r"\langle \nabla f(w), w' - w\rangle",
        dist2: r"\|w' - w\|^2",
        nb2: r"\|d\|^2",
        na: r"\|a\|",
        nb: r"\|b\|",
        gd0: r"\langle\nabla f(w), d\rangle",
        mT: "m_T",
        fstar: "f^*",
        gbar: r"\tfrac1T\sum_t\|\nabla_t\|^2",
        gdiff: r"\|\nabla f(w)-\nabla f(w')\|",
        wdiff: r"\|w-w'\|",
    },
)

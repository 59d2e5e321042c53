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
facts) and 364–420 (gradient descent and optimisation theory), 000 lines 1–60.  Every statement
there is an entry of ``AS_WRITTEN``, cited by line with a short verbatim anchor; its verdict is
computed from evidence (:func:`dlverify.theorems.core.judge_line`), never written here.

This module is the book section only (pure sympy).  The numeric side -- instance families,
claim evaluation on batches of gradient-descent trajectories, experiments, tightness rows --
is :mod:`dlverify.numerics.descent_lemma`.
"""

from __future__ import annotations

import sympy as sp

from dlverify.theorems.core import (
    Assumption,
    Claim,
    Combination,
    CriticalPoint,
    Equivalence,
    Monomials,
    Simplification,
    Source,
    SourceLine,
    Step,
    SumOfFacts,
    SumOfSquares,
    Theorem,
    Unfold,
    unfolded_definitions,
)

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
t = sp.Symbol("t", integer=True, nonnegative=True)
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

# §2.4 quadratic, and the lines of 003
lam, lam1, lamd = sp.symbols("lambda lambda_1 lambda_d", positive=True)
wi = sp.Symbol("w_i", real=True)
mu = sp.Symbol("mu", positive=True)
xa, ya = sp.symbols("x_a y_a", real=True)
kk = sp.Symbol("k", integer=True, positive=True)
k0 = sp.Symbol("k", integer=True, nonnegative=True)
nn = sp.Symbol("n", integer=True, nonnegative=True)
xr = sp.Symbol("x", real=True)
xn = sp.Symbol("x", nonnegative=True)
uu = sp.Symbol("u", positive=True)
ar, rr = sp.symbols("a r", real=True)
Sk, xk1 = sp.symbols("S_k x_next", real=True)
g_1, g_2 = sp.symbols("g_1 g_2", real=True)
pA, pB, pAB = sp.symbols("P_A P_B P_AB", nonnegative=True)
pU = sp.Symbol("P_union", nonnegative=True)
# a three-point law: atoms x_j (and y_j, w_j, v_j), weights q1, q2, 1 - q1 - q2
q1, q2 = sp.symbols("q1 q2", nonnegative=True)
xs = sp.symbols("x_1:4", real=True)
ys = sp.symbols("y_1:4", real=True)
ws_ = sp.symbols("w_1:4", real=True)
vs = sp.symbols("v_1:4", real=True)
ca, cb, cc, cd = sp.symbols("c_a c_b c_c c_d", real=True)
nH = sp.Symbol("n", integer=True, positive=True)
tH = sp.Symbol("t", positive=True)
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
muN = sp.Symbol("mu", real=True)
Hm = sp.MatrixSymbol("H", 3, 3)
Um = sp.MatrixSymbol("U", 3, 3)
Sm = sp.MatrixSymbol("Sigma", 3, 3)
Am = sp.MatrixSymbol("A", 3, 3)
fF = sp.Function("f")
gF = sp.Function("g")

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
    # 003:413
    Assumption("eta_le_inv_mu", "η ≤ 1/μ (003:413)", sp.Le(eta, 1 / mu)),
    Assumption("union_def", "P(A ∪ B) = P(A) + P(B) − P(A ∩ B)", sp.Eq(pU, pA + pB - pAB), definition=True),
    Assumption("meet_le", "P(A ∩ B) ≤ P(A)", sp.Le(pAB, pA), definition=True),
]


# ----------------------------------------------------------------------------- derivation
def _law(expr_of_atoms):
    """E[·] under the three-point law: atoms j = 1, 2, 3 with weights q1, q2, 1 − q1 − q2."""
    wts = (q1, q2, 1 - q1 - q2)
    return sum(wt * expr_of_atoms(j) for j, wt in enumerate(wts))


_EX = _law(lambda j: xs[j])
_EY = _law(lambda j: ys[j])
_cov = lambda X, Y: _law(lambda j: (X(j) - _law(X)) * (Y(j) - _law(Y)))  # noqa: E731
_X = lambda j: xs[j]  # noqa: E731
_Y = lambda j: ys[j]  # noqa: E731
_W = lambda j: ws_[j]  # noqa: E731
_V = lambda j: vs[j]  # noqa: E731

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
            Mb / (T * sp.sqrt(Mb / (L * sig2 * T))) + sp.sqrt(Mb / (L * sig2 * T)) * L * sig2 / 2,
            sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T),
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
        "sgd_541",
        "002:541: T = 4Mβσ²/ε⁴ iterations make the bound 2√(Mβσ²/T) equal to ε²",
        sp.Eq(2 * sp.sqrt(Mb * L * sig2 / (4 * Mb * L * sig2 / eps**4)), eps**2),
        Simplification(),
    ),
    # §2.3 heavy ball: the two forms agree
    Step(
        "hb_forms",
        "002:409: w_t + η u_t = w_t − η∇f(w_t) + β(w_t − w_{t−1}) once u_t, w_t are unfolded",
        sp.Eq(hw + eta * hu, hw - eta * hg + hbeta * (hw - hw_prev)),
        Unfold({hu: -hg + hbeta * hu_prev, hw_prev: hw - eta * hu_prev}),
    ),
    # §2.4 quadratic
    Step(
        "diag_form",
        "002:429: wᵀAw = ŵᵀΣŵ for A = UΣUᵀ, ŵ = Uᵀw",
        sp.Eq((Um.T * wvec).T * Sm * (Um.T * wvec), wvec.T * (Um * Sm * Um.T) * wvec),
        Simplification(),
    ),
    Step(
        "coord_grad",
        "002:435: ∂/∂w_i of ½ Σ_j λ_j w_j² is λ_i w_i (d = 3)",
        sp.Eq(
            sp.diff(sum(sp.Rational(1, 2) * lj * wj**2 for lj, wj in zip((lam1, lam, lamd), xs)), xs[1]),
            lam * xs[1],
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
        sp.Eq(1 - lam1 * eta - sp.Rational(1, 2), lam1 * (1 / (2 * lam1) - eta)),
        Simplification(),
    ),
    Step(
        "precond",
        "002:451: (1 − λη)w_i = λ(1/λ − η)w_i: with η_i = 1/λ_i one step sends w_i to 0",
        sp.Eq((1 - lam * eta) * wi, lam * (1 / lam - eta) * wi),
        Simplification(),
    ),
    Step(
        "newton_quadratic",
        "002:453: w − A⁻¹∇f(w) = 0 for f = ½wᵀAw (A invertible)",
        sp.Eq(wvec - Am.I * (Am * wvec), sp.ZeroMatrix(3, 1)),
        Simplification(),
    ),
    # 003:374, 376
    Step(
        "newton_stationary",
        "003:374: Δx = −H⁻¹∇f zeroes the model's gradient ∇f + HΔx",
        sp.Eq(gvec + Hm * (-Hm.I * gvec), sp.ZeroMatrix(3, 1)),
        Simplification(),
    ),
    Step(
        "newton_is_gd",
        "003:376: with ∇²f = I/η, −(∇²f)⁻¹∇f = −η∇f",
        sp.Eq(-((sp.Identity(3) / eta).I) * gvec, -eta * gvec),
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
        sp.Eq(kk / (kk + 1) * (Sk / kk) + xk1 / (kk + 1), (Sk + xk1) / (kk + 1)),
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
            sp.diff(fF(xr) * gF(xr) - sp.Integral(sp.diff(fF(xr), xr) * gF(xr), xr), xr),
            fF(xr) * sp.diff(gF(xr), xr),
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
        "exp_density",
        "003:58: λe^{−λx} integrates to 1 over x ≥ 0",
        sp.Eq(sp.Integral(lam_e * sp.exp(-lam_e * xr), (xr, 0, sp.oo)), 1),
        Simplification(),
    ),
    Step(
        "bernoulli_mass",
        "003:60: p^x(1 − p)^{1−x} sums to 1 over x ∈ {0, 1}",
        sp.Eq(sum(pb**x * (1 - pb) ** (1 - x) for x in (0, 1)), 1, evaluate=False),
        Simplification(),
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
D2, D3, D0 = "002_9b9f6b48f7568a99.txt", "003_12f976d491bf7278.txt", "000_1081c6e8c4ee9d7b.txt"
_DEF = "a definition: it names an object and asserts nothing to decide"


def _c(key, text, relation, assumptions=(), **kw) -> Claim:
    return Claim(key, text, relation, tuple(assumptions), **kw)


AS_WRITTEN = [
    # ---------------------------------------------------------------- 002, §2.1
    SourceLine(
        "gd_update",
        D2,
        299,
        "w_{t+1} = w_t - \\eta \\nabla f(w_t)",
        "§2.1, GD",
        r"w_{t+1}=w_t-\eta\nabla f(w_t)",
        unchecked=_DEF + " (the update numerics.smooth.gradient_descent runs)",
    ),
    SourceLine(
        "taylor_2_1",
        D2,
        305,
        "quadratic in } w",
        "(2.1)",
        r"f(w)=f(w_t)+\langle\nabla f(w_t),w-w_t\rangle+\tfrac12(w-w_t)^T\nabla^2f(w_t)(w-w_t)+\cdots",
        unchecked="a Taylor expansion with unspecified higher-order terms ('⋯'): no finite relation to "
        "decide",
    ),
    SourceLine(
        "hessian_symmetric",
        D2,
        308,
        "Note that it is a symmetric matrix",
        "§2.1, Hessian",
        r"\nabla^2 f=(\nabla^2 f)^T",
        unchecked="Schwarz's theorem (needs continuous second derivatives, left implicit); "
        "a fact of analysis the suite does not compute",
    ),
    SourceLine(
        "problem_2_1_1",
        D2,
        315,
        "Problem 2.1.1. Show that the optimizer",
        "Problem 2.1.1",
        r"\arg\min_{\|w-w_t\|\le\epsilon}\langle\nabla f(w_t),w-w_t\rangle = w+\delta,\ \delta=-\alpha\nabla "
        r"f(w_t),\ \alpha>0",
        unchecked="an exercise about a constrained argmin (its uniqueness is the equality case of "
        "Cauchy–Schwarz); the suite has no argmin over a ball",
        note="'w + δ' stands for w_t + δ.",
    ),
    SourceLine(
        "def_2_1_2",
        D2,
        325,
        "all eigenvalues of $\\nabla^2 f(w)$ lie",
        "Definition 2.1.2",
        r"\operatorname{spec}\nabla^2 f(w)\subset[-L,L]",
        reading=_c(
            "def_2_1_2",
            "Definition 2.1.2 gives an L-Lipschitz gradient",
            sp.Le(gdiff, L * wdiff),
            ("hessian_bounded",),
            tight_on="quadratic/extremal",
        ),
        note="A definition; what the suite checks is the consequence every later proof uses: with the "
        "Hessian's eigenvalues in [−L, L], ‖∇f(w) − ∇f(w')‖ ≤ L‖w − w'‖ (measured on families whose L "
        "is certified by a Hessian bound).",
    ),
    SourceLine(
        "problem_2_1_3",
        D2,
        329,
        "\\frac{L}{2} \\|w - w_t\\|_2^2",
        "Problem 2.1.3, (2.2)",
        r"f(w)\le f(w_t)+\langle\nabla f(w_t),w-w_t\rangle+\tfrac L2\|w-w_t\|_2^2",
        reading=_c("problem_2_1_3", "(2.2)", QUAD_UPPER, ("smooth",), tight_on="quadratic/extremal"),
        note="Read with smoothness in its Lipschitz form, which Definition 2.1.2 implies (entry def_2_1_2); "
        "f1 = f(w), f0 = f(w_t).",
    ),
    SourceLine(
        "descent_remark",
        D2,
        334,
        "the function value always decreases unle",
        "§2.1.2",
        r"\eta\text{ small},\ \nabla f(w_t)\ne0 \implies f(w_{t+1})<f(w_t)",
        reading=_c(
            "descent_remark",
            "strict descent for the lemma's η < 1/L",
            sp.Lt(f1, f0),
            ("smooth", "eta_lt", "grad_nonzero"),
        ),
        note="'small enough learning rate' read as the lemma's η < 1/L.",
    ),
    SourceLine(
        "lemma_2_1_4",
        D2,
        336,
        "Then, if $\\eta < 1/L$, we have",
        "Lemma 2.1.4 (display on line 338)",
        r"\eta<\tfrac1L \implies f(w_{t+1})\le f(w_t)-\tfrac{\eta}{2}\|\nabla f(w_t)\|_2^2",
        reading=_c(
            "lemma_2_1_4",
            "Lemma 2.1.4 as stated",
            sp.Le(f1, f0 - eta / 2 * g2),
            ("smooth", "eta_lt"),
            sharper=TIGHT_FORM,
        ),
        note="The proof (line 356) uses η ≤ 1/L, a weaker hypothesis than the statement's η < 1/L.",
    ),
    SourceLine(
        "proof_348",
        D2,
        348,
        "f(w_{t+1}) = f(w_t - \\eta \\nabla f(w_t))",
        "proof of Lemma 2.1.4",
        r"f(w_{t+1})=f(w_t-\eta\nabla f(w_t))",
        unchecked="the update rule substituted into f: true by the definition of w_{t+1}",
    ),
    SourceLine(
        "proof_350",
        D2,
        350,
        "\\frac{L}{2} \\| \\eta^2 \\nabla f(w_t) \\|_2",
        "proof of Lemma 2.1.4",
        r"f(w_{t+1})\le f(w_t)+\langle\nabla f(w_t),-\eta\nabla f(w_t)\rangle+\tfrac L2\|\eta^2\nabla "
        r"f(w_t)\|_2^2",
        reading=_c(
            "proof_350",
            "line 350 as written (η² inside the norm)",
            sp.Le(f1, f0 - eta * g2 + L / 2 * eta**4 * g2),
            ("smooth", "eta_lt"),
        ),
        point={L: 1, eta: sp.Rational(1, 2), g2: 1, f0: sp.Rational(1, 2), f1: sp.Rational(1, 8)},
        corrected=_c(
            "proof_350_fixed",
            "with ‖η∇f‖²",
            sp.Le(f1, f0 - eta * g2 + L / 2 * eta**2 * g2),
            ("smooth", "eta_lt"),
        ),
        corrected_latex=r"f(w_{t+1})\le f(w_t)-\eta\|\nabla f(w_t)\|^2+\tfrac L2\|\eta\nabla f(w_t)\|_2^2",
        note="‖η²∇f‖² = η⁴‖∇f‖²: for η < 1 this is below the true value (f = ½‖w‖², ‖w‖ = 1, η = 1/2 gives "
        "f(w⁺) = 1/8 > 1/32).  Probably a typo: the next line computes with η², so the slip does not "
        "propagate.",
    ),
    SourceLine(
        "proof_352",
        D2,
        352,
        "= f(w_t) - (\\eta - \\eta^2 L/2)",
        "proof of Lemma 2.1.4",
        r"f(w_{t+1})\le f(w_t)-(\eta-\eta^2L/2)\|\nabla f(w_t)\|_2^2",
        reading=_c(
            "proof_352",
            "the chain up to line 352",
            TIGHT_FORM,
            ("smooth", "eta_lt"),
            tight_on="quadratic/extremal",
        ),
        note="Read as what the chain has shown at this point (f(w_{t+1}) ≤ …); the equality holds with the "
        "correct ‖η∇f‖² of line 350, not with its η².",
    ),
    SourceLine(
        "proof_354",
        D2,
        354,
        "\\leq f(w_t) - \\frac{\\eta}{2}",
        "proof of Lemma 2.1.4, last step",
        r"f(w_t)-(\eta-\eta^2L/2)\|\nabla f(w_t)\|^2\le f(w_t)-\tfrac\eta2\|\nabla f(w_t)\|^2\quad(\eta\le "
        r"1/L)",
        reading=_c(
            "proof_354",
            "the last step, from η ≤ 1/L (line 356)",
            sp.Le(f0 - (eta - eta**2 * L / 2) * g2, f0 - eta / 2 * g2),
            ("eta_le",),
        ),
    ),
    SourceLine(
        "def_2_1_5",
        D2,
        366,
        "is positive-semidefinite at w then w is",
        "Definition 2.1.5",
        r"\nabla f(w)=0,\ \nabla^2f(w)\succeq0 \implies w\text{ is a local minimum}",
        reading=_c(
            "def_2_1_5",
            "f(x) = x³ at w = 0 (stationary, ∇²f = 0 ⪰ 0) is a local minimum: f(δ) ≥ f(0) for small δ",
            sp.Ge(xr**3, 0),
        ),
        point={xr: sp.Rational(-1, 1000)},
        corrected_latex=r"\nabla f(w)=0,\ \nabla^2f(w)\succ0 \implies w\text{ is a strict local minimum}",
        note="Stationarity with a positive semidefinite Hessian is the second-order necessary condition, not "
        "a sufficient one: x³ at 0 satisfies it and is no local minimum (any δ < 0 lowers f).  Read as "
        "naming the standard notion (§2.5 and Chapter 7 use 'local optimum' so).",
    ),
    SourceLine(
        "erm_sum",
        D2,
        372,
        "\\widehat{L}(h) = \\frac{1}{n}",
        "§2.2",
        r"\widehat L(h)=\tfrac1n\sum_i\ell((x^{(i)},y^{(i)}),h)",
        unchecked=_DEF,
    ),
    SourceLine(
        "footnote_3",
        D2,
        374,
        "descent occurs so long as $\\eta < 2/L$",
        "footnote 3",
        r"0<\eta<\tfrac2L \implies f(w_{t+1})<f(w_t)",
        reading=_c(
            "footnote_3",
            "strict descent for η < 2/L, away from stationary points",
            sp.Lt(f1, f0),
            ("smooth", "eta_lt2", "grad_nonzero"),
        ),
        note="The caveat 'unless the gradient at the iterate is zero' of line 334 (same passage) is part of "
        "the statement; read without it ('descent' as f(w_{t+1}) ≤ f(w_t)) it also holds.",
    ),
    SourceLine(
        "sampling",
        D2,
        376,
        "the gradient estimate approaches true gr",
        "§2.2",
        r"g_S\to\nabla\widehat L\ (|S|\to\infty)",
        unchecked="a law-of-large-numbers remark with no rate: nothing finite to decide",
    ),
    SourceLine(
        "sgd_estimate",
        D2,
        384,
        "g_S(w) = \\frac{1}{B}",
        "§2.2",
        r"g_S(w)=\tfrac1B\sum_k\nabla f_{i_k}(w_t)",
        unchecked=_DEF,
    ),
    SourceLine(
        "sgd_update",
        D2,
        388,
        "w_{t+1} = w_t - \\eta \\cdot g_S(w_t)",
        "§2.2",
        r"w_{t+1}=w_t-\eta g_S(w_t)",
        unchecked=_DEF,
    ),
    # ---------------------------------------------------------------- 002, §2.3
    SourceLine(
        "heavy_ball",
        D2,
        396,
        "+ \\beta(w_t - w_{t-1})",
        "§2.3",
        r"w_{t+1}=w_t-\eta\nabla f(w_t)+\beta(w_t-w_{t-1})",
        unchecked=_DEF,
    ),
    SourceLine(
        "momentum_term",
        D2,
        398,
        "Here $\\beta(w_{t+1} - w_t)$ is",
        "§2.3",
        r"\text{momentum term}=\beta(w_{t+1}-w_t)",
        reading=_c(
            "momentum_term",
            "the momentum term of (396) is β(w_{t+1} − w_t)",
            sp.Eq(hbeta * (hw_next - hw), hbeta * (hw - hw_prev)),
            ("hb_update",),
        ),
        point={hw_prev: 0, hw: 1, hg: 0, eta: 1, hbeta: sp.Rational(1, 2), hw_next: sp.Rational(3, 2)},
        corrected_latex=r"\text{momentum term}=\beta(w_t-w_{t-1})",
        note="An index slip: the update of line 396 adds β(w_t − w_{t−1}); w_{t−1} = 0, w_t = 1, ∇f = 0, "
        "β = 1/2 gives β(w_{t+1} − w_t) = 1/4 ≠ 1/2.",
    ),
    SourceLine(
        "ode",
        D2,
        402,
        "\\ddot{w} + a\\dot{w} + b\\nabla f(w) = 0",
        "§2.3",
        r"\ddot w+a\dot w+b\nabla f(w)=0",
        unchecked="a heuristic correspondence ('can be viewed as a discretization'; which step, which a, b "
        "is not stated)",
    ),
    SourceLine(
        "hb_two_forms",
        D2,
        409,
        "verify the two forms of the algorithm",
        "§2.3, exercise",
        r"u_t=-\nabla f(w_t)+\beta u_{t-1},\ w_{t+1}=w_t+\eta u_t \iff w_{t+1}=w_t-\eta\nabla "
        r"f(w_t)+\beta(w_t-w_{t-1})",
        reading=_c(
            "hb_two_forms",
            "the second form's w_t + ηu_t is the heavy-ball update",
            sp.Eq(hw + eta * hu, hw - eta * hg + hbeta * (hw - hw_prev)),
            ("hb_u", "hb_w_prev"),
        ),
    ),
    SourceLine(
        "nesterov",
        D2,
        413,
        "u_t = -\\nabla f(w_t + \\beta \\cdot (u_t -",
        "§2.3, Nesterov",
        r"u_t=-\nabla f(w_t+\beta(u_t-u_{t-1}))+\beta u_{t-1}",
        unchecked=_DEF + "; as extracted the look-ahead point contains u_t itself (an implicit rule), where "
        "Nesterov's method evaluates ∇f at w_t + ηβu_{t−1}",
    ),
    SourceLine(
        "past_gradients",
        D2,
        417,
        "stores a weighed sum of the all the past",
        "§2.3",
        r"u_t=-\sum_{k\le t}\beta^{t-k}\nabla f(w_k)\ (+\beta^{t+1}u_{-1})",
        unchecked="a qualitative remark (no weights stated); it follows from unrolling line 406",
    ),
    # ---------------------------------------------------------------- 002, §2.4
    SourceLine(
        "diagonalize",
        D2,
        429,
        "We can verify that $w^{\\top}Aw",
        "§2.4",
        r"w^TAw=\widehat w^T\Sigma\widehat w,\ \widehat w=U^Tw\quad(A=U\Sigma U^T)",
        reading=_c(
            "diagonalize",
            "wᵀAw = ŵᵀΣŵ",
            sp.Eq((Um.T * wvec).T * Sm * (Um.T * wvec), wvec.T * (Um * Sm * Um.T) * wvec),
        ),
        note="For a positive semidefinite A the 'singular vector decomposition' is the eigendecomposition.",
    ),
    SourceLine(
        "coord_grad",
        D2,
        435,
        "w - \\eta \\Sigma w",
        "§2.4",
        r"w-\eta\nabla f(w)=w-\eta\Sigma w",
        reading=_c(
            "coord_grad",
            "∇(½Σλ_j w_j²) = Σw, coordinate i",
            sp.Eq(
                sp.diff(sum(sp.Rational(1, 2) * lj * wj**2 for lj, wj in zip((lam1, lam, lamd), xs)), xs[1]),
                lam * xs[1],
            ),
        ),
    ),
    SourceLine(
        "coord_update",
        D2,
        439,
        "(1 - \\lambda_i \\eta_i) w_i",
        "§2.4",
        r"w_i\leftarrow w_i-\eta\lambda_iw_i=(1-\lambda_i\eta_i)w_i",
        reading=_c(
            "coord_update",
            "w_i − ηλ_i w_i = (1 − λ_i η) w_i",
            sp.Eq(wi - eta * lam * wi, (1 - lam * eta) * wi),
        ),
        note="The subscript of η_i is read as the single step size η (per-coordinate step sizes come only in "
        "§2.4.1).",
    ),
    SourceLine(
        "blowup",
        D2,
        441,
        "then the absolute value of w_i will blow",
        "§2.4",
        r"\eta>2/\lambda_i \implies |1-\lambda_i\eta|>1",
        reading=_c(
            "blowup",
            "the factor exceeds 1 in absolute value",
            sp.Gt((1 - lam * eta) ** 2, 1),
            ("eta_gt_2_lam",),
        ),
        note="|w_i| grows geometrically when w_i ≠ 0 initially (the extremal_rate experiment shows it at ηL "
        "= 2.1).",
    ),
    SourceLine(
        "need_eta",
        D2,
        441,
        "Thus, we need $\\eta \\leq \\frac{1}{\\max",
        "§2.4",
        r"\text{no blow-up}\implies\eta\le 1/\max_i\lambda_i",
        reading=_c("need_eta", "stability needs η ≤ 1/λ", sp.Le(eta, 1 / lam), ("no_blowup",)),
        point={lam: 1, eta: sp.Rational(3, 2)},
        corrected=_c("need_eta_fixed", "stability needs η ≤ 2/λ", sp.Le(eta, 2 / lam), ("no_blowup",)),
        corrected_latex=r"\text{no blow-up}\implies\eta\le 2/\max_i\lambda_i",
        note="'Thus' draws the condition from the blow-up for η > 2/λ_i, which gives η ≤ 2/λ_1; η = 3/(2λ) "
        "contracts by |1 − 3/2| = 1/2.  η ≤ 1/λ_1 is sufficient (the lemma's condition), not needed.",
    ),
    SourceLine(
        "smoothness_is_lambda1",
        D2,
        441,
        "corresponds to the smoothness parameter",
        "§2.4",
        r"L=\max_i\lambda_i\ \text{for}\ f=\tfrac12w^TAw,\ A\succeq0",
        reading=_c(
            "smoothness_is_lambda1",
            "the quadratic's gradient is λ_1-Lipschitz",
            sp.Le(gdiff, L * wdiff),
            ("hessian_bounded",),
            tight_on="quadratic/extremal",
        ),
        note="Measured with L = max_i |λ_i| on the quadratic families (their certified constant), "
        "attained along the top eigenvector.",
    ),
    SourceLine(
        "halving",
        D2,
        443,
        "the coordinate w_1 is halved every itera",
        "§2.4",
        r"\eta=\tfrac1{2\lambda_1}:\ 1-\lambda_1\eta=\tfrac12,\ "
        r"1-\lambda_d\eta=1-\tfrac{\lambda_d}{2\lambda_1}",
        note="Checked as the identity (1 − λ_1η) − 1/2 = λ_1(1/(2λ_1) − η), which vanishes at the chosen η; "
        "the factor of w_d is the same identity with λ_d.",
        reading=_c(
            "halving",
            "the factor of w_1 is 1/2 exactly at η = 1/(2λ_1)",
            sp.Eq(1 - lam1 * eta - sp.Rational(1, 2), lam1 * (1 / (2 * lam1) - eta)),
        ),
    ),
    SourceLine(
        "iterations",
        D2,
        443,
        "O(\\lambda_1/\\lambda_d \\cdot \\log(1/\\epsi",
        "§2.4",
        r"O(\lambda_1/\lambda_d\cdot\log(1/\epsilon))\ \text{iterations}",
        unchecked="an O(·) count with no constant: not a relation to decide ((1 − x)^k ≤ e^{−kx} gives it)",
    ),
    SourceLine(
        "condition_number",
        D2,
        445,
        "\\kappa = \\sigma_{\\max}(A) / \\sigma_{\\min",
        "§2.4",
        r"\kappa=\sigma_{\max}(A)/\sigma_{\min}(A)=\lambda_1/\lambda_d",
        unchecked=_DEF,
    ),
    SourceLine(
        "precond",
        D2,
        451,
        "learning rate $\\eta_i = 1/\\lambda_i$",
        "§2.4.1",
        r"\eta_i=1/\lambda_i:\ (1-\lambda_i\eta_i)w_i=0",
        reading=_c(
            "precond",
            "one step with η_i = 1/λ_i reaches the minimiser",
            sp.Eq((1 - lam * eta) * wi, lam * (1 / lam - eta) * wi),
        ),
        note="'faster convergence' read as: each coordinate reaches 0 in one step.",
    ),
    SourceLine(
        "precond_quadratic",
        D2,
        453,
        "w \\leftarrow w - A^{-1} \\nabla f(w)",
        "§2.4.1",
        r"w-A^{-1}\nabla f(w)=0\ \text{for}\ f=\tfrac12w^TAw",
        reading=_c(
            "precond_quadratic",
            "the preconditioned step lands on the minimiser",
            sp.Eq(wvec - Am.I * (Am * wvec), sp.ZeroMatrix(3, 1)),
        ),
    ),
    SourceLine(
        "newton",
        D2,
        457,
        "w - \\nabla^2 f(w)^{-1} \\nabla f(w)",
        "§2.4.1",
        r"w\leftarrow w-\nabla^2f(w)^{-1}\nabla f(w)",
        unchecked=_DEF,
    ),
    SourceLine(
        "precond_general",
        D2,
        461,
        "w - \\eta Q(w) \\nabla f(w)",
        "§2.4.1",
        r"w\leftarrow w-\eta Q(w)\nabla f(w)",
        unchecked=_DEF,
    ),
    # ---------------------------------------------------------------- 002, §2.5
    SourceLine(
        "monotone_remark",
        D2,
        467,
        "loss does decrease monotonically so long",
        "§2.5",
        r"\eta\text{ small},\ \nabla f(w_t)\ne0\implies f(w_{t+1})<f(w_t)",
        reading=_c(
            "monotone_remark",
            "strict descent for η < 2/L, ∇f ≠ 0",
            sp.Lt(f1, f0),
            ("smooth", "eta_lt2", "grad_nonzero"),
        ),
    ),
    SourceLine(
        "stationary_end",
        D2,
        467,
        "the process ends up with a *stationary p",
        "§2.5",
        r"w_t\to\{\nabla f=0\}",
        unchecked="informal: the suite proves min_{t<T}‖∇f(w_t)‖² → 0 (the corollary), not convergence of "
        "the iterates",
    ),
    SourceLine(
        "smooth_2_3",
        D2,
        471,
        "\\frac{\\beta}{2} ||w - w'||^2",
        "(2.3)",
        r"f(w)\le f(w')+\nabla f(w')(w-w')+\tfrac\beta2\|w-w'\|^2",
        reading=_c(
            "smooth_2_3", "(2.3) from β-smoothness", QUAD_UPPER, ("smooth",), tight_on="quadratic/extremal"
        ),
        note="'i.e.' read as β-smooth ⇒ (2.3), the direction §2.5 uses; (2.3) alone is one-sided (concave "
        "functions satisfy it with β = 0).",
    ),
    SourceLine(
        "thm_2_5_1_min",
        D2,
        498,
        "\\|\\nabla_{\\tau}\\|^2 \\leq \\frac{1}{T}",
        "Theorem 2.5.1, first ≤",
        r"\|\nabla_\tau\|^2\le\tfrac1T\sum_t\|\nabla_t\|^2",
        reading=_c("thm_2_5_1_min", "min ≤ mean", sp.Le(mT, gbar), ("min_def",)),
    ),
    SourceLine(
        "thm_2_5_1",
        D2,
        498,
        "\\leq \\frac{4M\\beta}{T}",
        "Theorem 2.5.1",
        r"\eta_t=\tfrac1\beta:\ \tfrac1T\sum_t\|\nabla_t\|^2\le\tfrac{4M\beta}T",
        reading=_c(
            "thm_2_5_1",
            "Theorem 2.5.1",
            sp.Le(gbar, 4 * Mb * L / T),
            ("smooth", "eta_one", "bounded_M_start", "bounded_M_end"),
            sharper=sp.Le(gbar, 2 * Mb * L / T),
        ),
        note="Boundedness (line 469) is stated for w_1, …, w_T; the proof uses h_{T+1}, so it is read to "
        "cover "
        "w_{T+1} (without it T = 1 and a linear f break the bound).  The constant 4 comes from the proof's "
        "'≤ 2M'; h_1 − h_{T+1} ≤ M gives 2Mβ/T.",
    ),
    SourceLine(
        "proof_2_5_1_smooth",
        D2,
        502,
        "\\leq \\nabla_t^\\top (w_{t+1} - w_t) + \\fr",
        "proof of Theorem 2.5.1",
        r"f(w_{t+1})-f(w_t)\le\nabla_t^T(w_{t+1}-w_t)+\tfrac\beta2\|w_{t+1}-w_t\|^2",
        reading=_c("proof_2_5_1_smooth", "β-smoothness", sp.Le(f1 - f0, ip + L / 2 * dist2), ("smooth",)),
    ),
    SourceLine(
        "proof_2_5_1_algo",
        D2,
        502,
        "&= -\\eta_t \\|\\nabla_t\\|^2 + \\frac{\\beta}",
        "proof of Theorem 2.5.1",
        r"\nabla_t^T(w_{t+1}-w_t)+\tfrac\beta2\|w_{t+1}-w_t\|^2=-\eta_t\|\nabla_t\|^2+\tfrac\beta2\eta_t^2\|\nabla_t\|^2",
        reading=_c(
            "proof_2_5_1_algo", "the update rule", sp.Eq(ip + L / 2 * dist2, -eta * g2 + L / 2 * eta**2 * g2)
        ),
    ),
    SourceLine(
        "proof_2_5_1_eta",
        D2,
        502,
        "&= -\\frac{1}{2\\beta} \\|\\nabla_t\\|^2",
        "proof of Theorem 2.5.1",
        r"\eta_t=\tfrac1\beta:\ "
        r"-\eta_t\|\nabla_t\|^2+\tfrac\beta2\eta_t^2\|\nabla_t\|^2=-\tfrac1{2\beta}\|\nabla_t\|^2",
        reading=_c(
            "proof_2_5_1_eta",
            "at η = 1/β",
            sp.Eq(-eta * g2 + L / 2 * eta**2 * g2, -g2 / (2 * L)),
            ("eta_one",),
        ),
    ),
    SourceLine(
        "proof_2_5_1_sum",
        D2,
        508,
        "\\sum_t (h_t - h_{t+1}) = h_1 - h_{T+1}",
        "proof of Theorem 2.5.1",
        r"\tfrac1{2\beta}\sum_{t=1}^T\|\nabla_t\|^2\le\sum_t(h_t-h_{t+1})=h_1-h_{T+1}",
        reading=_c(
            "proof_2_5_1_sum",
            "summing the one-step bounds",
            sp.Le(sp.Sum(G(t), (t, 0, T - 1)) / (2 * L), F(0) - F(T)),
            ("smooth", "eta_one"),
        ),
    ),
    SourceLine(
        "proof_2_5_1_2M",
        D2,
        508,
        "h_1 - h_{T+1} \\le 2M",
        "proof of Theorem 2.5.1",
        r"h_1-h_{T+1}\le 2M",
        reading=_c(
            "proof_2_5_1_2M",
            "the drop is at most 2M",
            sp.Le(F(0) - F(T), 2 * Mb),
            ("bounded_M_start", "bounded_M_end"),
            sharper=sp.Le(F(0) - F(T), Mb),
        ),
        note="|f(w_t)| ≤ M/2 gives h_1 − h_{T+1} ≤ M.",
    ),
    # ---------------------------------------------------------------- 002, §2.5.3
    SourceLine(
        "sgd_finite_sum",
        D2,
        514,
        "f(w) = \\frac{1}{m} \\sum_{i}",
        "§2.5.3",
        r"f(w)=\tfrac1m\sum_i\ell(w,z_i)",
        unchecked=_DEF,
    ),
    SourceLine(
        "sgd_moment",
        D2,
        520,
        "\\mathbb{E}[\\|\\widehat{\\nabla}_t\\|^2] = \\",
        "(2.4)",
        r"\mathbb E[\|\widehat\nabla_t\|^2]=\sigma^2",
        unchecked="an assumption (the text calls it a bound on the second moment; the display writes '=' "
        "where '≤' is meant), nothing to decide",
    ),
    SourceLine(
        "thm_2_5_2",
        D2,
        528,
        "\\leq 2\\sqrt{\\frac{M\\beta\\sigma^2}{T}}",
        "Theorem 2.5.2",
        r"\eta=\sqrt{\tfrac M{\beta\sigma^2T}}:\ \mathbb E\|\nabla_\tau\|^2\le\mathbb "
        r"E[\tfrac1T\sum_t\|\nabla_t\|^2]\le2\sqrt{\tfrac{M\beta\sigma^2}T}",
        unchecked="needs expectations over the gradient noise; the suite has no stochastic-gradient model "
        "(the algebra from the per-step bound to the rate, lines 538–539, is checked)",
    ),
    SourceLine(
        "sgd_step",
        D2,
        534,
        "&= -\\eta \\|\\nabla_t\\|^2 + \\frac{\\beta}{2",
        "proof of Theorem 2.5.2",
        r"\mathbb E[h_{t+1}-h_t]\le-\eta\|\nabla_t\|^2+\tfrac\beta2\eta^2\sigma^2",
        unchecked="an expectation over the gradient noise (unbiasedness, second moment); the suite has no "
        "stochastic-gradient model",
        note="The display switches from \\widehat\\nabla to \\widetilde\\nabla for the same estimate.",
    ),
    SourceLine(
        "sgd_538a",
        D2,
        538,
        "\\leq \\frac{1}{T\\eta}\\sum_t",
        "proof of Theorem 2.5.2",
        r"\mathbb E[\tfrac1T\sum_t\|\nabla_t\|^2]\le\tfrac1{T\eta}\sum_t\mathbb "
        r"E[h_t-h_{t+1}]+\eta\tfrac\beta2\sigma^2",
        reading=_c(
            "sgd_538a",
            "from the summed stochastic descent lemma",
            sp.Le(S_sum / T, D_sum / (T * eta) + eta * L * sig2 / 2),
            ("sgd_summed",),
        ),
    ),
    SourceLine(
        "sgd_538b",
        D2,
        538,
        "\\leq \\frac{M}{T\\eta} + \\eta\\frac{\\beta}{",
        "proof of Theorem 2.5.2",
        r"\ldots\le\tfrac M{T\eta}+\eta\tfrac\beta2\sigma^2",
        reading=_c(
            "sgd_538b",
            "boundedness",
            sp.Le(D_sum / (T * eta) + eta * L * sig2 / 2, Mb / (T * eta) + eta * L * sig2 / 2),
            ("sgd_D_bound",),
        ),
    ),
    SourceLine(
        "sgd_539a",
        D2,
        539,
        "= \\sqrt{\\frac{M\\beta\\sigma^2}{T}} + \\fra",
        "proof of Theorem 2.5.2",
        r"\eta=\sqrt{\tfrac M{\beta\sigma^2T}}:\ \tfrac "
        r"M{T\eta}+\eta\tfrac\beta2\sigma^2=\sqrt{\tfrac{M\beta\sigma^2}T}+\tfrac12\sqrt{\tfrac{M\beta\sigma^2}T}",
        reading=_c(
            "sgd_539a",
            "the two terms at the chosen η",
            sp.Eq(
                Mb / (T * sp.sqrt(Mb / (L * sig2 * T))) + sp.sqrt(Mb / (L * sig2 * T)) * L * sig2 / 2,
                sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T),
            ),
        ),
    ),
    SourceLine(
        "sgd_539b",
        D2,
        539,
        "\\leq 2\\sqrt{\\frac{M\\beta\\sigma^2}{T}}.",
        "proof of Theorem 2.5.2",
        r"\tfrac32\sqrt{\tfrac{M\beta\sigma^2}T}\le2\sqrt{\tfrac{M\beta\sigma^2}T}",
        reading=_c(
            "sgd_539b",
            "3/2 ≤ 2",
            sp.Le(
                sp.Rational(3, 2) * sp.sqrt(Mb * L * sig2 / T), 2 * sp.sqrt(Mb * L * sig2 / T), evaluate=False
            ),
        ),
    ),
    SourceLine(
        "sgd_iterations",
        D2,
        541,
        "O(\\frac{1}{\\epsilon^4})$ iterations",
        "§2.5.3",
        r"T=O(\epsilon^{-4})\ \text{for}\ \|\nabla f\|\le\epsilon",
        reading=_c(
            "sgd_iterations",
            "T = 4Mβσ²/ε⁴ makes the bound ε²",
            sp.Eq(2 * sp.sqrt(Mb * L * sig2 / (4 * Mb * L * sig2 / eps**4)), eps**2),
        ),
        note="Read for E‖∇_τ‖² ≤ ε² with the constant of Theorem 2.5.2.",
    ),
    SourceLine(
        "problem_2_5_3",
        D2,
        543,
        "Show that there exists an upper bound",
        "Problem 2.5.3",
        r"\gamma_B^2\propto1/B;\ T(B,\epsilon)",
        unchecked="an exercise ('show', 'compute') about sampling variance; the suite has no "
        "stochastic-gradient model",
    ),
    # --------------------------------------------- 003, background (lines 20–45 are the PAC-Bayes engineer's)
    SourceLine(
        "log1p",
        D3,
        5,
        "\\log(x+1) \\approx x",
        "background",
        r"\log(x+1)\approx x\ (|x|\ll1)",
        reading=_c(
            "log1p",
            "the error of the approximation is at most x²/2 (x ≥ 0)",
            sp.Le(xn - xn**2 / 2, sp.log(1 + xn)),
        ),
        note="'≈' read quantitatively: x − x²/2 ≤ log(1 + x) ≤ x on x ≥ 0 (the upper side is step log_le "
        "with u = 1 + x), so the error is at most x²/2.",
    ),
    SourceLine(
        "variance",
        D3,
        7,
        "\\mathbb{E}[X^2] - (\\mathbb{E}[X])^2",
        "background",
        r"\operatorname{Var}X=\mathbb E[(X-\mathbb EX)^2]=\mathbb E[X^2]-(\mathbb EX)^2",
        reading=_c(
            "variance",
            "on a three-point law",
            sp.Eq(_law(lambda j: (xs[j] - _EX) ** 2), _law(lambda j: xs[j] ** 2) - _EX**2),
        ),
        note="Proved as an identity in the atoms and weights of a three-point law (any finite law is the "
        "same computation: linearity of expectation).",
    ),
    SourceLine(
        "covariance",
        D3,
        8,
        "\\mathbb{E}[XY^T] - \\mathbb{E}[X]\\mathbb{",
        "background",
        r"\operatorname{Cov}(X,Y)=\mathbb E[(X-\mathbb EX)(Y-\mathbb EY)^T]=\mathbb E[XY^T]-\mathbb "
        r"EX\,\mathbb EY^T",
        reading=_c(
            "covariance",
            "one entry, three-point law",
            sp.Eq(_cov(_X, _Y), _law(lambda j: xs[j] * ys[j]) - _EX * _EY),
        ),
        note="Entry (i, j) of the matrix identity is the scalar identity for (X_i, Y_j).",
    ),
    SourceLine(
        "cov_bilinear",
        D3,
        9,
        "ac\\text{Cov}(X, W) + ad\\text{Cov}(X, V)",
        "background",
        r"\operatorname{Cov}(aX+bY,cW+dV)=ac\operatorname{Cov}(X,W)+ad\operatorname{Cov}(X,V)+bc\operatorname{Cov}(Y,W)+bd\operatorname{Cov}(Y,V)",
        reading=_c(
            "cov_bilinear",
            "three-point law",
            sp.Eq(
                _cov(lambda j: ca * xs[j] + cb * ys[j], lambda j: cc * ws_[j] + cd * vs[j]),
                ca * cc * _cov(_X, _W)
                + ca * cd * _cov(_X, _V)
                + cb * cc * _cov(_Y, _W)
                + cb * cd * _cov(_Y, _V),
            ),
        ),
    ),
    SourceLine(
        "ibp",
        D3,
        11,
        "\\int f \\cdot g' = f \\cdot g - \\int f' \\c",
        "background",
        r"\int fg'=fg-\int f'g",
        reading=_c(
            "ibp",
            "the right side is an antiderivative of f g'",
            sp.Eq(
                sp.diff(fF(xr) * gF(xr) - sp.Integral(sp.diff(fF(xr), xr) * gF(xr), xr), xr),
                fF(xr) * sp.diff(gF(xr), xr),
            ),
        ),
        note="Indefinite integrals: equal up to a constant, i.e. the derivatives agree.",
    ),
    SourceLine(
        "geometric",
        D3,
        12,
        "a(\\frac{1-r^{n+1}}{1-r})",
        "background",
        r"\sum_{k=0}^nar^k=a\tfrac{1-r^{n+1}}{1-r}\to\tfrac a{1-r}\ (|r|<1)",
        reading=_c(
            "geometric",
            "the finite sum (times 1 − r)",
            sp.Eq((1 - rr) * sp.Sum(ar * rr**k0, (k0, 0, nn)), ar * (1 - rr ** (nn + 1))),
        ),
        note="The limit follows since r^{n+1} → 0 for |r| < 1.",
    ),
    SourceLine(
        "hoeffding",
        D3,
        15,
        "\\leq \\exp(-2nt^2)",
        "background, Hoeffding",
        r"Z_i\in[0,1]\text{ iid}:\ \mathbb P(\bar Z-\mathbb EZ\ge t)\le e^{-2nt^2}",
        reading=_c(
            "hoeffding",
            "Bernoulli(1/2), n = 10, t = 3/10: the exact binomial tail",
            sp.Le(tail, sp.exp(-2 * nH * tH**2)),
        ),
        point={
            tail: binomial_tail(10, sp.Rational(1, 2), sp.Rational(3, 10)),
            nH: 10,
            tH: sp.Rational(3, 10),
        },
        note="One exact instance (Bernoulli variables are the extreme case of [0, 1]-valued ones), not a "
        "proof.",
    ),
    SourceLine(
        "hoeffding_general",
        D3,
        17,
        "\\exp(-\\frac{2nt^2}{\\sum_{i=1}^n (b_i - a",
        "background, Hoeffding",
        r"Z_i\in[a_i,b_i]:\ \mathbb P(\bar Z-\mathbb E\bar Z\ge "
        r"t)\le\exp\!\big(-\tfrac{2nt^2}{\sum_i(b_i-a_i)^2}\big)",
        reading=_c(
            "hoeffding_general",
            "[a_i, b_i] = [0, 1], Bernoulli(1/2), n = 10, t = 3/10",
            sp.Le(tail, sp.exp(-2 * nH * tH**2 / sH)),
        ),
        point={
            tail: binomial_tail(10, sp.Rational(1, 2), sp.Rational(3, 10)),
            nH: 10,
            tH: sp.Rational(3, 10),
            sH: 10,
        },
        note="Hoeffding's exponent for the mean is 2n²t²/Σ(b_i − a_i)²; with n in place of n² the bound is "
        "weaker (for [0, 1] it is e^{−2t²}, not line 15's e^{−2nt²}), so it holds but is loose.  One exact "
        "instance, not a proof.",
    ),
    SourceLine(
        "union_bound",
        D3,
        19,
        "\\mathbb{P}\\left(\\bigcup_i A_i\\right) \\le",
        "background",
        r"\mathbb P(\cup_iA_i)\le\sum_i\mathbb P(A_i)",
        reading=_c("union_bound", "two events", sp.Le(pU, pA + pB), ("union_def",)),
        note="Two events; the general case is induction on the number of events.",
    ),
    SourceLine(
        "cross_entropy_003",
        D3,
        48,
        "Cross entropy loss",
        "background, losses",
        r"H(x)=-\sum_cy_{o,c}\log P(x_{o,c})",
        unchecked=_DEF,
    ),
    SourceLine(
        "normal_pdf",
        D3,
        52,
        "Standard normal: $p(x|\\mu, \\sigma^2)",
        "background, distributions",
        r"p(x|\mu,\sigma^2)=\tfrac{e^{-(x-\mu)^2/(2\sigma^2)}}{\sqrt{2\pi\sigma^2}}",
        reading=_c(
            "normal_pdf",
            "the density integrates to 1",
            sp.Eq(
                sp.Integral(
                    sp.exp(-((xr - muN) ** 2) / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2),
                    (xr, -sp.oo, sp.oo),
                ),
                1,
            ),
        ),
        note="A definition; checked that it is a density.  It is the N(μ, σ²) density ('standard' is N(0, "
        "1)).",
    ),
    SourceLine(
        "mvn_pdf",
        D3,
        56,
        "\\frac{1}{(2\\pi)^{\\frac{k}{2}} \\det(\\Sigm",
        "background, distributions",
        r"p(x|\mu,\Sigma)=(2\pi)^{-k/2}\det(\Sigma)^{-1/2}\exp(-\tfrac12(x-\mu)^T\Sigma^{-1}(x-\mu))",
        unchecked=_DEF + " (k is the dimension of x)",
    ),
    SourceLine(
        "exp_pdf",
        D3,
        58,
        "p(x|\\lambda) = \\lambda e^{-\\lambda x}",
        "background, distributions",
        r"p(x|\lambda)=\lambda e^{-\lambda x}",
        reading=_c(
            "exp_pdf",
            "the density integrates to 1 on x ≥ 0",
            sp.Eq(sp.Integral(lam_e * sp.exp(-lam_e * xr), (xr, 0, sp.oo)), 1),
        ),
        note="The support x ≥ 0 is left implicit.",
    ),
    SourceLine(
        "bernoulli_pmf",
        D3,
        60,
        "p(x|p) = p^x (1-p)^{1-x}",
        "background, distributions",
        r"p(x|p)=p^x(1-p)^{1-x}",
        reading=_c(
            "bernoulli_pmf",
            "the masses sum to 1",
            sp.Eq(sum(pb**x * (1 - pb) ** (1 - x) for x in (0, 1)), 1, evaluate=False),
        ),
    ),
    # ---------------------------------------------------------------- 003, gradient descent and optimisation
    SourceLine(
        "gd_003",
        D3,
        366,
        "\\mathbf{x}^{k+1} = \\mathbf{x}^k - \\eta",
        "GD",
        r"x^{k+1}=x^k-\eta\nabla f(x^k)",
        unchecked=_DEF,
    ),
    SourceLine(
        "gradient_flow",
        D3,
        368,
        "is called gradient flow - approximated b",
        "GD",
        r"\dot x=-\nabla f(x)",
        unchecked=_DEF + "; 'approximated by GD' has no stated rate",
    ),
    SourceLine(
        "quadratic_model",
        D3,
        372,
        "2nd order Taylor approximation yields",
        "GD",
        r"f(x+\Delta x)\approx f(x)+\nabla f(x)\cdot\Delta x+\tfrac12\Delta x^T\nabla^2f(x)\Delta x",
        unchecked="an approximation ('≈') with no remainder bound",
    ),
    SourceLine(
        "newton_003",
        D3,
        374,
        "minimizer is $\\Delta \\mathbf{x} = -[\\nab",
        "GD",
        r"\Delta x=-[\nabla^2f(x)]^{-1}\nabla f(x)",
        reading=_c(
            "newton_003",
            "Δx zeroes the model's gradient",
            sp.Eq(gvec + Hm * (-Hm.I * gvec), sp.ZeroMatrix(3, 1)),
        ),
        note="The stationary point of the quadratic model; it is its minimiser when ∇²f ≻ 0 (left implicit).",
    ),
    SourceLine(
        "newton_gd",
        D3,
        376,
        "\\frac{1}{\\eta} \\mathbf{I}$ yields gradie",
        "GD",
        r"\nabla^2f=\tfrac1\eta I\implies\Delta x=-\eta\nabla f",
        reading=_c(
            "newton_gd",
            "Newton's step with ∇²f = I/η",
            sp.Eq(-((sp.Identity(3) / eta).I) * gvec, -eta * gvec),
        ),
        note="'η curvature of quadratic' is garbled: the curvature is 1/η.",
    ),
    SourceLine(
        "convex_def",
        D3,
        378,
        "f(\\lambda \\mathbf{x} + (1 - \\lambda) \\ma",
        "convexity",
        r"f(\lambda x+(1-\lambda)y)\le\lambda f(x)+(1-\lambda)f(y)",
        unchecked=_DEF,
    ),
    SourceLine(
        "convex_foc",
        D3,
        380,
        "FOC of convexity",
        "convexity",
        r"f(x)\ge f(y)+\nabla f(y)^T(x-y)",
        reading=_c("convex_foc", "first-order condition on convex families", sp.Ge(f1, f0 + ip), ("convex",)),
        note="f1 = f(x), f0 = f(y), ip = ∇f(y)ᵀ(x − y); measured on the convex families.",
    ),
    SourceLine(
        "lipschitz_003",
        D3,
        382,
        "Lipschitz smoothness:",
        "smoothness",
        r"\|\nabla f(x)-\nabla f(y)\|\le L\|x-y\|",
        unchecked=_DEF + " (the equivalence on line 384 is checked)",
    ),
    SourceLine(
        "lipschitz_iff",
        D3,
        384,
        "\\Leftrightarrow f(\\mathbf{x}) \\leq f(\\ma",
        "smoothness",
        r"\|\nabla f(x)-\nabla f(y)\|\le L\|x-y\|\iff f(x)\le f(y)+\nabla f(y)^T(x-y)+\tfrac L2\|x-y\|^2",
        reading=_c(
            "lipschitz_iff",
            "⇐ at f(x) = −x⁴, which satisfies the right side for every L ≥ 0 (step quartic_upper)",
            sp.Le(sp.Abs(4 * ya**3 - 4 * xa**3), L * sp.Abs(xa - ya)),
        ),
        point={xa: 1, ya: 0, L: 1},
        corrected_latex=r"\|\nabla f(x)-\nabla f(y)\|\le L\|x-y\|\implies f(x)\le f(y)+\nabla "
        r"f(y)^T(x-y)+\tfrac L2\|x-y\|^2"
        r"\quad(\iff\text{ for convex }f)",
        note="The ⇒ direction holds (entry problem_2_1_3 proves it); ⇐ needs convexity: −x⁴ is concave, so "
        "it lies below "
        "every tangent, yet |f'(1) − f'(0)| = 4 > 1·|1 − 0|.",
    ),
    SourceLine(
        "strong_convexity",
        D3,
        386,
        "Strong convexity:",
        "convexity",
        r"f(x)\ge f(y)+\nabla f(y)^T(x-y)+\tfrac\mu2\|x-y\|^2",
        unchecked=_DEF,
    ),
    SourceLine(
        "hessian_sandwich",
        D3,
        388,
        "\\mu \\mathbf{I} \\preceq \\nabla^2 f \\prece",
        "convexity",
        r"\mu I\preceq\nabla^2f\preceq LI",
        unchecked="the Hessian characterisation of μ-strong convexity and L-smoothness for twice "
        "differentiable f; the suite computes no Hessians",
    ),
    SourceLine(
        "eps_stationary", D3, 390, "-Stationarity:", "GD", r"\|\nabla f(x)\|\le\epsilon", unchecked=_DEF
    ),
    SourceLine(
        "sgd_additive",
        D3,
        397,
        "Assume additive structure",
        "SGD",
        r"f(x)=\sum_{i=1}^nf_i(x)",
        unchecked=_DEF,
    ),
    SourceLine(
        "sgd_003",
        D3,
        399,
        "I(k) \\sim \\text{Unif}(1, \\dots, n)",
        "SGD",
        r"x^{k+1}=x^k-\eta_k\nabla f_{I(k)}(x^k)",
        unchecked=_DEF,
    ),
    SourceLine(
        "sgd_unbiased",
        D3,
        401,
        "Unbiased, $\\mathbb{E}[\\nabla f_{I(k)}",
        "SGD",
        r"\mathbb E[\nabla f_{I(k)}(x)]=\nabla f(x)",
        reading=_c(
            "sgd_unbiased",
            "n = 2, f = f_1 + f_2 (line 397): (∇f_1 + ∇f_2)/2 = ∇f_1 + ∇f_2",
            sp.Eq((g_1 + g_2) / 2, g_1 + g_2),
        ),
        point={g_1: 1, g_2: 1},
        corrected_latex=r"f=\tfrac1n\sum_if_i:\ \mathbb E[\nabla f_{I(k)}(x)]=\nabla f(x)\quad(\text{or "
        r"}\mathbb E[n\nabla f_{I(k)}]=\nabla f)",
        note="With I uniform, E[∇f_I] = (1/n)Σ∇f_i: the mean, not the sum of line 397 (off by the factor n).",
    ),
    SourceLine(
        "sgd_variance",
        D3,
        403,
        "\\mathbf{V}(\\mathbf{x}) = \\frac{1}{n}",
        "SGD",
        r"V(x)=\tfrac1n\sum_i\|\nabla f_i(x)-\nabla f(x)\|^2",
        unchecked=_DEF,
    ),
    SourceLine(
        "polyak",
        D3,
        407,
        "\\frac{k}{k+1} \\bar{\\mathbf{x}}^k",
        "SGD, Polyak averaging",
        r"\bar x^{k+1}=\tfrac k{k+1}\bar x^k+\tfrac1{k+1}x^{k+1}",
        reading=_c(
            "polyak",
            "the recursion keeps the running mean",
            sp.Eq(kk / (kk + 1) * (Sk / kk) + xk1 / (kk + 1), (Sk + xk1) / (kk + 1)),
        ),
    ),
    SourceLine(
        "minibatch",
        D3,
        409,
        "Unbiased and reduces variance ar",
        "SGD, minibatch",
        r"\text{minibatch of }r:\ \text{unbiased, variance reduced}",
        unchecked="garbled by the extraction ('reduces variance ar', probably 'by r'); the suite has no "
        "sampling model for it",
    ),
    SourceLine(
        "harmonic",
        D3,
        411,
        "\\sum \\infty \\frac{1}{k} = \\infty",
        "SGD, learning rate",
        r"\sum_k\tfrac1k=\infty",
        reading=_c("harmonic", "Σ 1/k", sp.Eq(sp.Sum(1 / kk, (kk, 1, sp.oo)), sp.oo)),
        note="'∑ ∞' is the extraction of \\sum^\\infty.",
    ),
    SourceLine(
        "basel",
        D3,
        411,
        "\\sum \\infty \\frac{1}{k^2} \\leq \\infty",
        "SGD, learning rate",
        r"\sum_k\tfrac1{k^2}\le\infty",
        reading=_c("basel", "Σ 1/k² = π²/6", sp.Eq(sp.Sum(1 / kk**2, (kk, 1, sp.oo)), sp.pi**2 / 6)),
        note="'≤ ∞' is read as '< ∞' (the series converges to π²/6).",
    ),
    SourceLine(
        "sgd_theorem",
        D3,
        417,
        "B = \\frac{\\eta\\sigma^2}{\\mu - \\eta L}",
        "SGD theorem (lines 413–417)",
        r"\eta\le\tfrac1\mu:\ \mathbb E\|x^k-x^*\|^2\le A^k\|x^0-x^*\|^2+B,\ A=1-2\eta\mu(1-\eta L),\ "
        r"B=\tfrac{\eta\sigma^2}{\mu-\eta L}",
        reading=_c(
            "sgd_theorem",
            "k = 1 from x⁰ = x*: E‖x¹ − x*‖² = η²σ² ≤ B",
            sp.Le(eta**2 * sig2, eta * sig2 / (mu - eta * L)),
            ("eta_le_inv_mu",),
        ),
        point={eta: 5, sig2: sp.Rational(1, 100), mu: sp.Rational(1, 5), L: sp.Rational(1, 10)},
        corrected_latex=r"f=\tfrac1n\sum_if_i,\ \eta<\tfrac1L:\ \mathbb E\|x^k-x^*\|^2\le(1-2\eta\mu(1-\eta "
        r"L))^k\|x^0-x^*\|^2+\tfrac{\eta\sigma^2}{\mu(1-\eta L)}",
        note="Instance: n = 2, f_i(x) = (x ∓ 1)²/20 (L_i = 1/10), f = f_1 + f_2 (μ = 1/5, x* = 0), "
        "σ² = ½Σ f_i'(0)² = 1/100, η = 5 = 1/μ: x¹ = ±1/2, so E‖x¹‖² = 1/4, but B = −1/6.  With η ≤ 1/μ "
        "nothing keeps μ − ηL > 0; the published form (Needell, Srebro & Ward 2014) has μ(1 − ηL) and "
        "η < 1/L.  The σ² of line 413 is read at x*, its '\\mathbf{x}' having lost the superscript.",
    ),
    SourceLine(
        "svrg",
        D3,
        419,
        "Variance reduction:",
        "SGD, variance reduction",
        r"x^{k+1}=x^k-\eta[\nabla f_j(x^k)-\nabla f_j(\bar x)+\nabla f(\bar x)]",
        unchecked=_DEF,
    ),
    # ------------------------------------------------------------ 000, lines 1–45 (46– are the PL engineer's)
    SourceLine(
        "erm_000",
        D0,
        12,
        "Minimize loss function over your data",
        "ERM",
        r"\min_W\tfrac1N\sum_il(f_W(x_i),y_i)",
        unchecked=_DEF,
    ),
    SourceLine(
        "quadratic_loss",
        D0,
        16,
        "can use quadratic loss",
        "losses",
        r"l=\tfrac12\|f_W(x)-y\|^2",
        unchecked=_DEF,
    ),
    SourceLine("hinge_loss", D0, 18, "can use hinge-loss", "losses", r"l=\max(0,1-yf_W(x))", unchecked=_DEF),
    SourceLine(
        "sigmoid", D0, 21, "g(z)=\\frac{1}{1+e^{-z}}", "losses", r"g(z)=\tfrac1{1+e^{-z}}", unchecked=_DEF
    ),
    SourceLine(
        "cross_entropy_000",
        D0,
        22,
        "y_i\\log(y(f_W(x_i))",
        "losses",
        r"\min_W-\sum_i[y_i\log y(f_W(x_i))+(1-y_i)\log(1-g(f_W(x_i)))]",
        unchecked=_DEF,
        note="'y(f_W(x_i))' is read as g(f_W(x_i)) (the sigmoid of line 21).",
    ),
    SourceLine(
        "sgd_000",
        D0,
        39,
        "w^{(t+1)} = w^{(t)} - \\eta \\frac{1}{|B|}",
        "SGD",
        r"w^{(t+1)}=w^{(t)}-\eta\tfrac1{|B|}\sum_{i\in B}\nabla_Wl(f_W(x_i),y_i)",
        unchecked=_DEF,
    ),
]

#: what each symbol unfolded by a definitional step stands for: declared definitions (shown with
#: the assumptions; an undeclared one would be a hypothesis no claim makes)
_DEFINES = {
    "ip": "ip names ⟨∇f(w), w⁺ − w⟩",
    "g2": "g2 names ‖∇f(w)‖² = gᵀg",
    "dist2": "dist2 names ‖w⁺ − w‖²",
    "h(s)": "h(s) names ⟨∇f(w + sd) − ∇f(w), d⟩ = φ′(s) − ⟨∇f(w), d⟩ (φ(s) = f(w + sd))",
    "u_t": "u_t names the momentum direction −g_t + β u_{t−1}",
    "w_prev": "w_{t−1} names w_t − η u_{t−1}",
}
ASSUMPTIONS += unfolded_definitions(DERIVATION, ASSUMPTIONS, _DEFINES)


THEOREM = Theorem(
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
    assumptions=ASSUMPTIONS,
    derivation=DERIVATION,
    claims=CLAIMS,
    predicted=PREDICTED,
    as_written=AS_WRITTEN,
    wrong_variants=WRONG_VARIANTS,
    latex_names={
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

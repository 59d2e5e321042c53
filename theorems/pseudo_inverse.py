r"""Gradient descent on least squares converges to the pseudo-inverse solution -- Arora et al. §3.1–3.2.

Statement.  For :math:`X\in\mathbb{R}^{n\times d}` and :math:`w_{t+1}=w_t-\eta X^\top(Xw_t-y)`
with :math:`0<\eta<2/\sigma_{\max}^2`,

.. math:: w_t \to X^+y + (I-X^+X)w_0, \qquad
          v_i^\top(w_t-w_\infty) = (1-\eta\sigma_i^2)^t\, v_i^\top(w_0-w_\infty),

and from :math:`w_0=0` the limit :math:`X^+y` (:math:`=X^\top(XX^\top)^{-1}y` when
:math:`XX^\top` is invertible) has the least norm among all interpolants.  In kernel form
(§3.2) the prediction at :math:`x` is :math:`h(x)=z^\top G^{-1}y` with :math:`z_i=k(x_i,x)`.

Sources (cited line by line in ``theorems/sources/*.toml``, ``../shared/sources``): Arora et al.,
*Theory of Deep Learning* (002) §3.1–3.2, the §5.7 exercise on kernel classifiers, §8.1
(implicit bias of GD and mirror descent on least squares), §10.1 (influence functions and the
Neumann series); CMSC 828W notes (000), lecture 9 (min-norm least squares on a feature subset
and its exact risk, kernels, the two-layer network's tangent kernel, gradient flow); the
"dl theory" notes page (001), the course notes on regularization (003) and L. Wu's slides (004).
The double-descent risk formula is Theorem 1 of Belkin, Hsu & Xu (2019), *Two models of double
descent for weak features*.

This module is the book section only (pure sympy).  The numeric side -- instance families
generated from the assumptions' relations, the claims' relations evaluated on them, the
experiments and the tightness row -- is :mod:`dlverify.numerics.pseudo_inverse`.
"""

from __future__ import annotations

import sympy as sp

from .core import (
    Assumption,
    Claim,
    Combination,
    Decided,
    Equivalence,
    Instance,
    Monomials,
    Simplification,
    Source,
    Step,
    SumOfSquares,
    Unfold,
)
from .kernel import named_identities, unfolded_definitions
from .sourcefile import book_section

# ----------------------------------------------------------------------------- derivation symbols
eta = sp.Symbol("eta", positive=True)
sigma = sp.Symbol("sigma", positive=True)  # a nonzero singular value of X
yt = sp.Symbol("ytilde", real=True)  # u_i^T y
t = sp.Symbol("t", integer=True, nonnegative=True)
j = sp.Symbol("j", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
mu = sp.Symbol("mu", positive=True)
r = 1 - eta * sigma**2  # per-direction contraction factor

X = sp.MatrixSymbol("X", 2, 3)  # d > n: 2 data points in R^3
y = sp.MatrixSymbol("y", 2, 1)
u = sp.MatrixSymbol("u", 3, 1)
vv = sp.MatrixSymbol("v", 2, 1)
wm = sp.MatrixSymbol("w", 3, 1)
Xp = X.T * (X * X.T).I  # the pseudo-inverse when XX^T is invertible
I3 = sp.Identity(3)
Phi = sp.MatrixSymbol("Phi", 2, 4)  # feature map rows phi(x_i)^T
phx = sp.MatrixSymbol("phi_x", 4, 1)
a_v = sp.Matrix(sp.symbols("a1:3", real=True))
b_v = sp.Matrix(sp.symbols("b1:4", real=True))
M1 = a_v * b_v.T  # a generic rank-one 2x3 matrix (eq. 3.6 with k = 1)
M1p = b_v * a_v.T / ((a_v.T * a_v)[0] * (b_v.T * b_v)[0])  # eq. 3.7 for it: v u^T / sigma
na2, nb2 = sp.symbols("na2 nb2", nonnegative=True)
ab = sp.Symbol("ab", real=True)
av, bv = sp.MatrixSymbol("a", 3, 1), sp.MatrixSymbol("b", 3, 1)

# explicit entries, for identities sympy checks entry by entry
_xe = sp.Matrix(2, 3, sp.symbols("x11 x12 x13 x21 x22 x23", real=True))
_we = sp.Matrix(sp.symbols("w1:4", real=True))
_ye = sp.Matrix(sp.symbols("y1:3", real=True))
_loss_sum = sp.Rational(1, 2) * sum(((_xe[i, :] * _we)[0] - _ye[i]) ** 2 for i in range(2))
_res = _xe * _we - _ye


def _eq(lhs, rhs):
    return sp.Eq(lhs, rhs, evaluate=False)


def _closed(tt):
    return yt / sigma * (1 - r**tt)


# a concrete rank-deficient rational matrix (rank 2, 3x3) with a full-rank factorization F G
_F = sp.Matrix([[1, 0], [0, 1], [1, 1]])
_G = sp.Matrix([[1, 2, 0], [0, 1, 3]])
_MR = _F * _G
_MRp = _G.T * (_G * _G.T).inv() * (_F.T * _F).inv() * _F.T

# ----------------------------------------------------------------------------- instance quantities
#: errors ‖w_t − w_∞‖, ‖w_{t+1} − w_∞‖ of batched GD; the step size; σ_min², σ_max² over the
#: nonzero singular values; the part of w_t − w_∞ off the slowest direction v_min
e0, e1 = sp.symbols("e0 e1", nonnegative=True)
smax2, smin2 = sp.symbols("sigma_max2 sigma_min2", positive=True)
eperp = sp.Symbol("eperp", nonnegative=True)
#: ‖(I − X⁺X)(w_t − w_0)‖ and ‖X⁺X(w_t − w_0)‖: null-space and row-space drift
drift, rdrift = sp.symbols("drift rdrift", nonnegative=True)
#: |h_GD(x) − zᵀG⁻¹y| at test points, and λ_min of the Gram matrix G
kdev = sp.Symbol("kdev", nonnegative=True)
lmin_g = sp.Symbol("lmin_G", real=True)
lmin_xx = sp.Symbol("lmin_XXt", real=True)  # λ_min(XXᵀ)
#: distances of the GD iterate after T steps to the source's closed forms of the limit
dev34, dev35, devprop, devmd = sp.symbols("dev34 dev35 devprop devmd", nonnegative=True)
#: Neumann series: ‖Σ_{i<N} A^i − (I − A)^†‖ (footnote 2), ‖Σ_{i<N}(I − A)^i − A⁻¹‖ (Problem
#: 10.1.3), ‖2Σ_{i<N}(I − 2A)^i − A⁻¹‖ (the same with A doubled); extreme eigenvalues of A
nd_fn2, nd_inv, nd_inv2 = sp.symbols("nd_fn2 nd_inv nd_inv2", nonnegative=True)
lmin_a, lmax_a = sp.symbols("lmin_A lmax_A", real=True)
#: λ_min/λ_max of Gram matrices of the kernels of Problem 3.2.2 on random unit vectors
kpsd_poly, kpsd_gauss, kpsd_lap, kpsd_lap_plus, kpsd_polyk = sp.symbols(
    "kpsd_poly kpsd_gauss kpsd_lap kpsd_lap_plus kpsd_polyk", real=True
)
#: the exercise of §5.7: an empirical Rademacher complexity, yᵀGy, yᵀG⁻¹y, Tr G
rad, yGy, yGinvy, trG = sp.symbols("rad yGy yGinvy trG", nonnegative=True)
gy, wd = sp.symbols("g_y wdot", real=True)  # ŷ'(w) and dw/dt (000:486)
dist_s = sp.Symbol("dist_12", nonnegative=True)  # ‖x₁ − x₂‖ (002:721)
ip_s = sp.Symbol("ip_12", real=True)  # x₁·x₂
#: min-norm least squares on p of D Gaussian features: Monte Carlo risk and its parts
rmc, bT2, bTc2 = sp.symbols("risk_mc bT2 bTc2", nonnegative=True)
p_feat, n_pts = sp.symbols("p n", positive=True, integer=True)
dev365 = sp.Symbol("dev365", nonnegative=True)  # ‖(X_TᵀX_T)⁻¹X_Tᵀy − X_T⁺y‖
#: 000:490: λ_min of the tangent kernel K(w₀) at a random initialisation, and the inputs' distance
#: from parallel, min_{i≠j}(1 − |cos θᵢⱼ|)
lmin_ntk = sp.Symbol("lmin_ntk", real=True)
par_gap = sp.Symbol("par_gap", nonnegative=True)
#: 000:429: arithmetic operations of (1 + x·x')^k (d products, d sums, ⌊log₂k⌋ squarings and
#: popcount(k) − 1 products by repeated squaring) against the D = C(d + k, k) coordinates of φ
d_dim = sp.Symbol("d_dim", nonnegative=True, integer=True)

ASSUMPTIONS = [
    Assumption("eta_range", "0 < η < 2/σ_max² (every nonzero direction contracts)", sp.Lt(eta, 2 / smax2)),
    Assumption(
        "spectrum",
        "σ_min² ≤ σ_max² (names the extreme nonzero singular values)",
        sp.Le(smin2, smax2),
        definition=True,
    ),
    Assumption(
        "slowest_start",
        "w_0 − w_∞ lies along v_min, the right singular vector of the smallest nonzero σ",
        sp.Eq(eperp, 0),
    ),
    Assumption(
        "full_row_rank",
        "XXᵀ is invertible (rank X = n: independent data points, d ≥ n)",
        sp.Gt(lmin_xx, 0),
        latex=r"\lambda_{\min}(XX^\top)>0",
    ),
    Assumption(
        "kernel_pd",
        "the Gram matrix G is invertible (positive definite kernel on distinct points)",
        sp.Gt(lmin_g, 0),
        latex=r"\lambda_{\min}(G)>0",
    ),
    # the book's step range (002:680), for its source line
    Assumption(
        "eta_book", "η < 1/λ_max(XᵀX) = 1/σ_max² (the step range the book states)", sp.Lt(eta, 1 / smax2)
    ),
    # the matrix of a Neumann series (002:708, 002:2455)
    Assumption("series_psd", "A is positive semidefinite", sp.Ge(lmin_a, 0), latex=r"A\succeq0"),
    Assumption("series_pd", "A is positive definite (full rank)", sp.Gt(lmin_a, 0), latex=r"A\succ0"),
    Assumption(
        "series_below_one",
        "the largest eigenvalue of A is below 1",
        sp.Lt(lmax_a, 1),
        latex=r"\lambda_{\max}(A)<1",
    ),
    Assumption(
        "full_column_rank",
        "p ≤ n: X_T has full column rank (almost surely, for Gaussian features)",
        sp.Le(p_feat, n_pts),
    ),
    Assumption("under_2", "p ≤ n − 2 (the first case of 000:372)", sp.Le(p_feat, n_pts - 2)),
    Assumption("over_2", "p ≥ n + 2 (the third case of 000:372)", sp.Ge(p_feat, n_pts + 2)),
    Assumption("dim_pos", "d ≥ 1 (the input dimension)", sp.Ge(d_dim, 1), definition=True),
    Assumption(
        "inputs_not_parallel",
        "no two inputs are parallel (min_{i≠j} 1 − |cos θᵢⱼ| > 0)",
        sp.Gt(par_gap, 0),
        latex=r"x_i\nparallel x_j\ (i\ne j)",
    ),
    Assumption(
        "unit_vectors",
        "‖x₁‖ = ‖x₂‖ = 1, so ‖x₁ − x₂‖² = 2 − 2x₁·x₂",
        sp.Eq(dist_s**2, 2 - 2 * ip_s),
        definition=True,
    ),
]

# ---- symbols of the source-line derivation steps
c_k, s_k, g_s, w_s, w0_s, wt_s, y_s, x_s = sp.symbols("c s g w w_0 w_t y x", real=True)
#: the entries of XXᵀ for an overdetermined X (n > d), the case 002:686 names
od_g11, od_g12, od_g22 = sp.symbols("od_g11 od_g12 od_g22", real=True)
Rf = sp.Function("R")
Lf = sp.Function("L")
fh = sp.Function("f")
sig_f = sp.Function("sigma")
m_s = sp.Symbol("m", real=True)  # a 1x1 symmetric matrix (002:700)
muw, etaw = sp.symbols("mu_w eta_w", positive=True)
alpha_s, beta_s = sp.symbols("alpha beta", real=True)
kk = sp.Symbol("K", positive=True)
u0 = sp.Symbol("u_0", real=True)
tt_s = sp.Symbol("tau", nonnegative=True)
ds = sp.Symbol("dist", positive=True)
xa = sp.symbols("xa1:4", real=True)
xb = sp.symbols("xb1:4", real=True)


def _phi2(x):
    """Example 3.2.1's feature map for d = 3: (1, √2 x_i, √2 x_i x_j (i<j), x_i²)."""
    s2 = sp.sqrt(2)
    return sp.Matrix(
        [
            1,
            *(s2 * xi for xi in x),
            s2 * x[0] * x[1],
            s2 * x[0] * x[2],
            s2 * x[1] * x[2],
            *(xi**2 for xi in x),
        ]
    )


def _phi_lecture(x):
    return sp.Matrix([x[0], x[1], x[2], x[0] * x[1], x[0] * x[2], x[1] * x[2]])


# two-layer network of 000:439 with m = 2 hidden units, d = 2 inputs
_A2 = sp.Matrix(2, 2, sp.symbols("A11 A12 A21 A22", real=True))  # rows a_i
_b2 = sp.Matrix(sp.symbols("B1 B2", real=True))
_x2 = sp.Matrix(sp.symbols("X1 X2", real=True))
_x2p = sp.Matrix(sp.symbols("Xp1 Xp2", real=True))


def _net(x):
    return sum(_b2[i] * sig_f((_A2[i, :] * x)[0]) for i in range(2)) / sp.sqrt(2)


def _grad_net(x):
    """∇ of the network output in all parameters (a_1, a_2, b) by sympy's diff."""
    return sp.Matrix([sp.diff(_net(x), p) for p in list(_A2) + list(_b2)])


_sp_ = sp.Symbol("_z")


def _sigp(z):
    return sp.diff(sig_f(_sp_), _sp_).subs(_sp_, z)


_Ka = (
    sum(_b2[i] ** 2 * _sigp((_A2[i, :] * _x2)[0]) * _sigp((_A2[i, :] * _x2p)[0]) for i in range(2))
    * (_x2.T * _x2p)[0]
    / 2
)
_Kb = sum(sig_f((_A2[i, :] * _x2)[0]) * sig_f((_A2[i, :] * _x2p)[0]) for i in range(2)) / 2


def _grad_a(x):
    """∇ of the network output in the first layer's weights a_1, a_2 only."""
    return sp.Matrix([sp.diff(_net(x), p) for p in _A2])


#: 000:463 as printed, σ'(a_iᵀx)σ'(a_iᵀx) (no x'), against the a-part of ⟨∇f(x), ∇f(x')⟩, for σ = tanh
#: (a concrete σ, so that an exact point decides it)
NTK_A_PRINTED_000 = sp.Eq(
    (_grad_a(_x2).T * _grad_a(_x2p))[0].replace(sig_f, sp.tanh).doit(),
    (sum(_b2[i] ** 2 * _sigp((_A2[i, :] * _x2)[0]) ** 2 for i in range(2)) * (_x2.T * _x2p)[0] / 2)
    .replace(sig_f, sp.tanh)
    .doit(),
    evaluate=False,
)
#: the same as meant, σ'(a_iᵀx)σ'(a_iᵀx'), for every σ
NTK_A_MEANT_000 = sp.Eq((_grad_a(_x2).T * _grad_a(_x2p))[0], _Ka, evaluate=False)

# influence functions (002:2439–2449), least squares in one parameter with two training points
th_s, ep_s = sp.symbols("theta epsilon", real=True)
# 000:472–473: the ReLU kernels' closed forms, as exact Gaussian integrals (a ~ N(0, I₂), E[b²] = 1)
# at x = (1, 0), x' = (1, 1): θ(x, x') = π/4, xᵀx' = 1, ‖x‖‖x'‖ = √2, E‖a‖²/d = 1
_u1, _u2 = sp.symbols("u_1 u_2", real=True)


def _gauss2(f):
    """E[f(a)] for a ~ N(0, I₂), as an unevaluated integral (sympy evaluates it exactly)."""
    dens = sp.exp(-(_u1**2 + _u2**2) / 2) / (2 * sp.pi)
    return sp.Integral(dens * f, (_u2, -sp.oo, sp.oo), (_u1, -sp.oo, sp.oo))


_th4 = sp.pi / 4
_KA_EXACT = _gauss2(sp.Heaviside(_u1) * sp.Heaviside(_u1 + _u2))  # E[σ'(aᵀx)σ'(aᵀx')] (xᵀx')E[b²]
#: K^(a) as printed, with θ(x, x) = 0, and as meant, with θ(x, x')
RELU_KA_PRINTED_000 = sp.Eq(_KA_EXACT, 1 * 1 / (2 * sp.pi) * (sp.pi - 0), evaluate=False)
RELU_KA_MEANT_000 = sp.Eq(_KA_EXACT, 1 * 1 / (2 * sp.pi) * (sp.pi - _th4), evaluate=False)
#: K^(b) = ‖x‖‖x'‖E‖a‖²/(2πd) ((π − θ)cos θ + sin θ)
RELU_KB_000 = sp.Eq(
    _gauss2(_u1 * sp.Heaviside(_u1) * (_u1 + _u2) * sp.Heaviside(_u1 + _u2)),
    sp.sqrt(2) * 2 / (2 * sp.pi * 2) * ((sp.pi - _th4) * sp.cos(_th4) + sp.sin(_th4)),
    evaluate=False,
)
#: 000:372, second case at p = 1 = n − 1: the risk is ‖β_{T^c}‖²(1 + E[1/χ²₂]), and E[1/χ²₂] = ∞
_chi = sp.Symbol("chi2", positive=True)
RISK_INF_000 = sp.Eq(sp.Integral(sp.exp(-_chi / 2) / 2 / _chi, (_chi, 0, sp.oo)), sp.oo, evaluate=False)
#: 000:452 as meant, for f(w) = w² (w = θ, w₀ = ε): the tangent model's remainder is (w − w₀)²
TAYLOR_REMAINDER_000 = sp.Eq(
    th_s**2 - (ep_s**2 + 2 * ep_s * (th_s - ep_s)), (th_s - ep_s) ** 2, evaluate=False
)
_pa = sp.symbols("p1 p2", positive=True)  # inputs of the two training points
_pb = sp.symbols("q1 q2", real=True)  # their targets
_ax, _bx, _az, _bz = sp.symbols("a_x b_x a_z b_z", real=True)


def _ell(a_, b_, th):
    return (a_ * th - b_) ** 2 / 2


_LS = (_ell(_pa[0], _pb[0], th_s) + _ell(_pa[1], _pb[1], th_s)) / 2
_H = sp.diff(_LS, th_s, 2)
_th_star = sp.solve(sp.diff(_LS, th_s), th_s)[0]
_th_eps = sp.solve(sp.diff(_LS + ep_s * _ell(_ax, _bx, th_s), th_s), th_s)[0]
_gx = sp.diff(_ell(_ax, _bx, th_s), th_s).subs(th_s, _th_star)
_gz = sp.diff(_ell(_az, _bz, th_s), th_s).subs(th_s, _th_star)
_dth = sp.Symbol("Delta", real=True)

_xi = sp.Symbol("xi", real=True)


def _gauss_moment(k):
    """E[ξ^k] for ξ ~ N(0, 1), as an (unevaluated) integral against the density."""
    return sp.Integral(_xi**k * sp.exp(-(_xi**2) / 2) / sp.sqrt(2 * sp.pi), (_xi, -sp.oo, sp.oo))


_beta = sp.symbols("beta1 beta2", real=True)
_bstar = sp.Symbol("beta1_star", real=True)

# 000:469–470 at the ReLU instance of 000:472–473 (x = (1, 0), x' = (1, 1), a ~ N(0, I₂), b = ±1):
# K_m is the mean of m i.i.d. terms T, so E(K_m − E T)² = Var T/m (the i.i.d. variance of a mean);
# it tends to 0 exactly when Var T = E T² − (E T)² is finite, here computed by exact integration
m_w = sp.Symbol("m_width", positive=True, integer=True)  # the width m of 000:463–470
_TA = sp.Heaviside(_u1) * sp.Heaviside(_u1 + _u2)  # b²σ'(aᵀx)σ'(aᵀx')(xᵀx'), b² = 1, xᵀx' = 1
#: K^(a)'s terms are Bernoulli (T ∈ {0, 1}, T² = T): E(K_m − E T)² = (E T − (E T)²)/m
LLN_KA_000 = sp.Eq(sp.Limit((_gauss2(_TA) - _gauss2(_TA) ** 2) / m_w, m_w, sp.oo), 0, evaluate=False)
# K^(b)'s moments in polar coordinates, u = ρ(cos φ, sin φ): {u₁ > 0, u₁ + u₂ > 0} is the sector
# −π/4 < φ < π/2 (sympy takes seconds here, over ten in Cartesian coordinates); E T is again (4 + 3π)/(8π)
_rp, _php = sp.Symbol("rho_polar", positive=True), sp.Symbol("phi_polar", real=True)
_TBp = _rp**2 * sp.cos(_php) * (sp.cos(_php) + sp.sin(_php))  # σ(aᵀx)σ(aᵀx') on the sector


def _sector(f):
    """E[f(a) 1{a₁ > 0, a₁ + a₂ > 0}] for a ~ N(0, I₂), in polar coordinates (unevaluated)."""
    return sp.Integral(
        f * sp.exp(-(_rp**2) / 2) * _rp / (2 * sp.pi), (_rp, 0, sp.oo), (_php, -sp.pi / 4, sp.pi / 2)
    )


LLN_KB_000 = sp.Eq(sp.Limit((_sector(_TBp**2) - _sector(_TBp) ** 2) / m_w, m_w, sp.oo), 0, evaluate=False)

# 002:692, (3.6) at one matrix: M = [[2, 2], [−1, 1]] (rank 2), σ_i the square roots of the
# eigenvalues of MᵀM (8, 2), u_i and v_i orthonormal; the sum kept unevaluated
_M36 = sp.ImmutableMatrix([[2, 2], [-1, 1]])
_S36 = [sp.sqrt(e) for e in sorted((_M36.T * _M36).eigenvals(), reverse=True)]
_U36 = sp.ImmutableMatrix([[1, 0], [0, -1]])
_V36 = sp.ImmutableMatrix([[1, 1], [1, -1]]) / sp.sqrt(2)
SVD_36_002 = sp.Eq(
    _M36,
    sp.MatAdd(
        *(sp.MatMul(_S36[i], _U36[:, i], _V36[:, i].T, evaluate=False) for i in range(2)), evaluate=False
    ),
    evaluate=False,
)
_W36 = sp.ImmutableMatrix(sp.diag(_U36, _V36))  # orthogonal exactly when U and V are
SVD_36_BASES_002 = sp.Eq(
    sp.MatMul(_W36.T, _W36, evaluate=False), sp.ImmutableMatrix(sp.eye(4)), evaluate=False
)

# 002:706 (footnote 3) for a symmetric M = [[a, b], [b, c]]: λ± = (a + c ± √((a − c)² + 4b²))/2 are
# its eigenvalues (det(tI − M) = (t − λ+)(t − λ−)), those of M² and M³ are λ±² and λ±³, and the
# eigenvectors v± = (b, λ± − a) satisfy Mv± = λ±v± and v+·v− = 0
_ea, _eb, _ec, _et = sp.symbols("ev_a ev_b ev_c ev_t", real=True)
_MS = sp.Matrix([[_ea, _eb], [_eb, _ec]])
_disc = sp.sqrt((_ea - _ec) ** 2 + 4 * _eb**2)
_lpm = ((_ea + _ec + _disc) / 2, (_ea + _ec - _disc) / 2)
_vpm = [sp.Matrix([_eb, lam_ - _ea]) for lam_ in _lpm]
EIG_POWERS_002 = sp.Eq(
    sp.ImmutableMatrix(
        [(_et * sp.eye(2) - _MS**k).det() for k in (1, 2, 3)]
        + [*(_MS * _vpm[0] - _lpm[0] * _vpm[0]), *(_MS * _vpm[1] - _lpm[1] * _vpm[1])]
        + [(_vpm[0].T * _vpm[1])[0]]
    ),
    sp.ImmutableMatrix([(_et - _lpm[0] ** k) * (_et - _lpm[1] ** k) for k in (1, 2, 3)] + [0] * 5),
    evaluate=False,
)

# ----------------------------------------------------------------------------- definitions decided (issue 20)
# what the constants of a definition assert, one step each; the entries cite them by key

_gradient_of = lambda loss, ws: sp.Matrix([sp.Derivative(loss, wk) for wk in ws])  # noqa: E731
#: 000:395's loss ½Σ(y_i − wᵀx_i)² (n = 2, d = 3) and 002:1689's (8.1) without the ½
_loss_395 = sp.Rational(1, 2) * sum((_ye[i] - (_xe[i, :] * _we)[0]) ** 2 for i in range(2))
_loss_81 = sum(((_xe[i, :] * _we)[0] - _ye[i]) ** 2 for i in range(2))
#: 000:364, n = 3 points, p = 2 selected features: X_T, y, a candidate β_T and (X_TᵀX_T)⁻¹X_Tᵀy
_XT = sp.Matrix(3, 2, sp.symbols("xt11 xt12 xt21 xt22 xt31 xt32", real=True))
_yT = sp.Matrix(sp.symbols("yt1:4", real=True))
_bT = sp.Matrix(sp.symbols("bt1:3", real=True))
_bT_star = (_XT.T * _XT).inv() * _XT.T * _yT


def _sq_loss(b):
    return ((_XT * b - _yT).T * (_XT * b - _yT))[0]


#: 002:711/727: two data points with 3 features (rows of _F3), a test point's φ(x), weights α
_F3 = sp.Matrix(2, 3, sp.symbols("f11 f12 f13 f21 f22 f23", real=True))
_fx = sp.Matrix(sp.symbols("fx1:4", real=True))
_al = sp.Matrix(sp.symbols("al1:3", real=True))
_wk = sp.Matrix(sp.symbols("kw1:4", real=True))
_G3 = _F3 * _F3.T  # G_ij = φ(x_i)·φ(x_j)
_ell_727 = sum(((_F3[i, :] * _wk)[0] - _ye[i]) ** 2 for i in range(2)) / 2
#: 003:638, two layers: θ¹ = (θ₁₁, θ₁₂), θ² = (θ₂₁), weights μ¹, μ²
mu_l1, mu_l2 = sp.symbols("mu_l1 mu_l2", real=True)
th11, th12, th21 = sp.symbols("th11 th12 th21", real=True)
OMEGA_003 = (mu_l1 * (th11**2 + th12**2) + mu_l2 * th21**2) / 2
#: 003:653: s = ‖v‖, ν = ‖u‖ for a point u of the ball, c = v·u; Π_r(v) = min{1, r/s}v
r_proj, s_proj = sp.symbols("r_proj s_proj", positive=True)
nu_proj = sp.Symbol("nu_proj", nonnegative=True)
c_proj = sp.Symbol("c_proj", real=True)
_m_proj = sp.Min(1, r_proj / s_proj)
#: max(‖v − Π_r(v)‖² − ‖v − u‖², ‖Π_r(v)‖ − r) ≤ 0: Π_r(v) is in the ball and no point u of it is closer
PROJECTION_003 = sp.Le(
    sp.Max((1 - _m_proj) ** 2 * s_proj**2 - (s_proj**2 - 2 * c_proj + nu_proj**2), _m_proj * s_proj - r_proj),
    0,
)
#: 001:125 at three inputs: f(θ, x_i) and weights v_i; 004:202 at two inputs (the network of 000:439)
fv = sp.symbols("fv1:4", real=True)
vk = sp.symbols("vk1:4", real=True)
_g_x, _g_xp = _grad_net(_x2), _grad_net(_x2p)
#: 002:2439, Definition 10.1.1 at z = x in the least-squares instance of 10.1.2: I(x, x) from the
#: definition (the derivative in ε at 0 of x's loss at the reweighted minimizer)
_I_xx = sp.diff(_ell(_ax, _bx, _th_eps), ep_s).subs(ep_s, 0)
#: 001:79 per singular direction σ: ridge with λ = 1/t and gradient flow from 0 at time t (× ỹ)
_ridge_t = sigma / (sigma**2 + 1 / tt_s)
_flow_t = (1 - sp.exp(-(sigma**2) * tt_s)) / sigma


def _ends(f):
    return sp.Matrix([sp.Limit(f, tt_s, 0, "+"), sp.Limit(f, tt_s, sp.oo)])


#: 000:349 in the lecture's model: β spread evenly over D features (‖β_T‖² = p/D), the risk of 000:372
#: for p ≥ n + 2, as a function of p
p_dd, n_dd, D_dd = sp.symbols("p_dd n_dd D_dd", positive=True)
RISK_UNIFORM_000 = (p_dd / D_dd) * (1 - n_dd / p_dd) + ((D_dd - p_dd) / D_dd) * (1 + n_dd / (p_dd - n_dd - 1))



def _pow_ops(k: int) -> int:
    """Products that raise a number to the k-th power by repeated squaring."""
    return (k.bit_length() - 1) + (bin(k).count("1") - 1)


#: 000:429 at k = 3 (the exponent of 000:417): x·x' costs d products and d − 1 sums, 1 + x·x' one
#: sum, the cube _pow_ops(3) = 2 products; so K costs at most 4d operations
KERNEL_OPS_000 = sp.Le(2 * d_dim - 1 + 1 + _pow_ops(3), 4 * d_dim, evaluate=False)
#: 000:416 at k = 3: φ of (1 + x·x')³ has D = C(d + 3, 3) coordinates (the monomials of degree ≤ 3),
#: and C(d + 3, 3) = Π(d + i)/i ≤ (d + 1)³
FEATURE_DIM_000 = sp.Le(sp.expand_func(sp.binomial(d_dim + 3, 3)), (d_dim + 1) ** 3)
#: 000:490 at one ReLU network of 000:458 (m = 2, d = 2): a = (1, −2), (2, 1), b = (1, 1), inputs
#: x = (1, 1) and x' = 2x: the Gram matrix of ∇f(x), ∇f(x') is singular (ReLU is positively homogeneous)
_relu = sp.Lambda(_sp_, sp.Max(0, _sp_))
_net_pt = dict(zip(list(_A2) + list(_b2), (1, -2, 2, 1, 1, 1)))


def _relu_grad_at(x):
    return _grad_net(_x2).subs(_net_pt | dict(zip(_x2, x))).replace(sig_f, _relu).doit()


def _gram_det(x, xp):
    g, gp = _relu_grad_at(x), _relu_grad_at(xp)
    gram = [[(g.T * g)[0], (g.T * gp)[0]], [(gp.T * g)[0], (gp.T * gp)[0]]]
    return sp.Determinant(sp.ImmutableMatrix(gram))


RELU_PARALLEL_000 = sp.Eq(_gram_det((1, 1), (2, 2)), 0, evaluate=False)


#: 000:374 at n = 10 points, d = 40 features, β_j² = 1/j², T the first p (prescient order): the risk
#: of 000:372 falls (p = 1 → 5), rises (5 → 8, towards the peak at p = n) and falls again (12 → 14)
def _risk_prescient(p: int, n: int = 10, d: int = 40) -> sp.Rational:
    b2 = [sp.Rational(1, k * k) for k in range(1, d + 1)]
    sub = {bT2: sum(b2[:p]), bTc2: sum(b2[p:]), p_feat: p, n_pts: n}
    return RISK.subs(sub)


ASSUMPTIONS += [
    Assumption("wd_mu1", "μ¹ ≥ 0 (003:638 prints μ^l ≥ 0)", sp.Ge(mu_l1, 0)),
    Assumption("wd_mu2", "μ² ≥ 0 (003:638 prints μ^l ≥ 0)", sp.Ge(mu_l2, 0)),
    Assumption(
        "proj_cs",
        "Cauchy–Schwarz for c = v·u, s = ‖v‖, ν = ‖u‖: c ≤ sν",
        sp.Le(c_proj, s_proj * nu_proj),
    ),
    Assumption("proj_ball", "u lies in the ball of radius r: ‖u‖ ≤ r", sp.Le(nu_proj, r_proj)),
    Assumption(
        "dd_past", "p > n + 1 (past the interpolation peak, the third case of 000:372)", sp.Gt(p_dd, n_dd + 1)
    ),
    Assumption("dd_within", "p ≤ D (at most all D features are selected)", sp.Le(p_dd, D_dd)),
]

DERIVATION = [
    Step(
        "svd_recursion",
        "in the SVD basis GD decouples: c_{t+1} = (1 − ησ²)c_t + ησ ỹ, solved by c_t = (ỹ/σ)(1 − (1 − "
        "ησ²)^t)",
        _eq(r * _closed(t) + eta * sigma * yt, _closed(t + 1)),
        Simplification(),
    ),
    Step("svd_base", "c_0 = 0 (start at w_0 = 0)", _eq(_closed(0), 0), Simplification()),
    Step(
        "unrolled",
        "unrolled: Σ_{j<t} (1 − ησ²)^j ησ ỹ = (ỹ/σ)(1 − (1 − ησ²)^t) = c_t",
        _eq(sp.Sum(r**j * eta * sigma * yt, (j, 0, t - 1)), _closed(t)),
        Simplification(),
    ),
    Step(
        "unrolled_next",
        "eq. 3.3 per direction: Σ_{j=0}^{t} (1 − ησ²)^j ησ ỹ = c_{t+1} (the chain of 3.1–3.3 is for w_{t+1})",
        _eq(sp.Sum(r**j * eta * sigma * yt, (j, 0, t)), _closed(t + 1)),
        Simplification(),
    ),
    Step(
        "error_rate",
        "error in direction i: c_t − ỹ/σ = −(ỹ/σ)(1 − ησ²)^t",
        _eq(_closed(t) - yt / sigma, -yt / sigma * r**t),
        Simplification(),
    ),
    Step("contracts_above", "1 − ησ² < 1 for every nonzero σ", sp.Lt(r, 1, evaluate=False), Monomials()),
    Step(
        "contracts_below",
        "1 − ησ² > −1 ⇔ η < 2/σ² (the exact step-size range)",
        sp.Equivalent(sp.Gt(r, -1), sp.Lt(eta, 2 / sigma**2)),
        Equivalence(sigma**2),
    ),
    Step(
        "step_range",
        "from η < 2/σ_max²: 1 − ησ_max² > −1 (the fastest direction does not overshoot)",
        sp.Gt(1 - eta * smax2, -1),
        Combination({"eta_range": smax2}),
    ),
    Step(
        "step_range_book",
        "from η < 1/σ_max² (the book's range): 1 − ησ_max² > −1, with margin 1",
        sp.Gt(1 - eta * smax2, -1),
        Combination({"eta_book": smax2}, remainder=sp.Integer(1)),
    ),
    Step(
        "loss_matrix_form",
        "½ Σ_i (x_i·w − y_i)² = ½ ‖Xw − y‖² (n = 2, d = 3, entry by entry)",
        _eq(_loss_sum, sp.Rational(1, 2) * (_res.T * _res)[0]),
        Simplification(),
    ),
    Step(
        "gradient",
        "∇_w ½‖Xw − y‖² = Xᵀ(Xw − y) (n = 2, d = 3, by differentiation)",
        _eq(sp.Matrix([sp.diff(_loss_sum, wk) for wk in _we]), _xe.T * _res),
        Simplification(),
    ),
    Step(
        "gd_rewrite",
        "eq. 3.2: w − ηXᵀ(Xw − y) = (I − ηXᵀX)w + ηXᵀy",
        _eq(wm - eta * X.T * (X * wm - y), (I3 - eta * X.T * X) * wm + eta * X.T * y),
        Simplification(),
    ),
    Step("penrose_1", "Penrose 1 for X⁺ = Xᵀ(XXᵀ)⁻¹: X X⁺ X = X", _eq(X * Xp * X, X), Simplification()),
    Step("penrose_2", "Penrose 2: X⁺ X X⁺ = X⁺", _eq(Xp * X * Xp, Xp), Simplification()),
    Step("penrose_3", "Penrose 3: (X X⁺)ᵀ = X X⁺", _eq((X * Xp).T, X * Xp), Simplification()),
    Step("penrose_4", "Penrose 4: (X⁺ X)ᵀ = X⁺ X", _eq((Xp * X).T, Xp * X), Simplification()),
    Step(
        "rank1_penrose_1",
        "eq. 3.7 for a rank-one M = abᵀ (σ = ‖a‖‖b‖, u = a/‖a‖, v = b/‖b‖): M M⁺ M = M",
        _eq(M1 * M1p * M1, M1),
        Simplification(),
    ),
    Step("rank1_penrose_2", "M⁺ M M⁺ = M⁺", _eq(M1p * M1 * M1p, M1p), Simplification()),
    Step("rank1_penrose_3", "(M M⁺)ᵀ = M M⁺", _eq((M1 * M1p).T, M1 * M1p), Simplification()),
    Step("rank1_penrose_4", "(M⁺ M)ᵀ = M⁺ M", _eq((M1p * M1).T, M1p * M1), Simplification()),
    Step(
        "exact_rank2",
        "exact rational 3×3 rank-2 M = FG: M⁺ = Gᵀ(GGᵀ)⁻¹(FᵀF)⁻¹Fᵀ agrees with sympy's pinv",
        _eq(_MRp, _MR.pinv()),
        Simplification(),
    ),
    Step(
        "geometric_partial",
        "per eigenvalue a of A: (1 − a) Σ_{i<N} a^i = 1 − a^N (the series' partial sums)",
        _eq((1 - lam) * sp.Sum(lam**j, (j, 0, t - 1)), 1 - lam**t),
        Simplification(),
    ),
    Step(
        "neumann_null",
        "on a null direction of I − A (eigenvalue a = 1) the series Σ_j 1 diverges",
        _eq(sp.Sum(1, (j, 0, sp.oo)), sp.oo),
        Simplification(),
    ),
    Step(
        "null_space",
        "(I − X⁺X)u lies in the null space of X: X(w + (I − X⁺X)u) = Xw",
        _eq(X * (I3 - Xp * X) * u, sp.ZeroMatrix(2, 1)),
        Simplification(),
    ),
    Step(
        "grad_row_space",
        "every Xᵀv (a gradient Xᵀ(Xw − y), or one example's (wᵀx_i − y_i)x_i) lies in the row space: (I − "
        "X⁺X)Xᵀv = 0",
        _eq((I3 - Xp * X) * X.T * vv, sp.ZeroMatrix(3, 1)),
        Simplification(),
    ),
    Step(
        "orthogonal",
        "X⁺y ⟂ (I − X⁺X)u",
        _eq((Xp * y).T * (I3 - Xp * X) * u, sp.ZeroMatrix(1, 1)),
        Simplification(),
    ),
    Step(
        "expansion",
        "for any vectors a, b: ‖a + b‖² = ‖a‖² + ‖b‖² + aᵀb + (aᵀb)ᵀ",
        _eq((av + bv).T * (av + bv), av.T * av + bv.T * bv + av.T * bv + (av.T * bv).T),
        Simplification(),
    ),
    Step(
        "cross_zero",
        "the cross term aᵀb vanishes (step orthogonal, as a scalar)",
        sp.Eq(ab, 0),
        Unfold({ab: (Xp * y).T * (I3 - Xp * X) * u}),
    ),
    Step(
        "min_norm",
        "‖X⁺y + (I − X⁺X)u‖² = ‖X⁺y‖² + ‖(I − X⁺X)u‖² + 2aᵀb ≥ ‖X⁺y‖²",
        sp.Ge(na2 + nb2 + 2 * ab, na2),
        Combination({"cross_zero": 2}, remainder=nb2),
    ),
    Step(
        "kernel_form",
        "eq. 3.9: φ(x)ᵀ w_∞ = zᵀG⁻¹y with G = ΦΦᵀ, z = Φφ(x)",
        _eq(phx.T * Phi.T * (Phi * Phi.T).I * y, (Phi * phx).T * (Phi * Phi.T).I * y),
        Simplification(),
    ),
    Step(
        "poly2_features",
        "Example 3.2.1 (d = 3): φ(x)·φ(x') = (1 + x·x')²",
        _eq((_phi2(xa).T * _phi2(xb))[0], (1 + sum(p * q for p, q in zip(xa, xb))) ** 2),
        Simplification(),
    ),
    Step(
        "gram_psd",
        "a Gram matrix of feature vectors is PSD: vᵀΦΦᵀv = ‖Φᵀv‖² ≥ 0 (2 points, 2 features)",
        sp.Ge(sum((a_v[0] * b_v[k] + a_v[1] * b_v[k + 1]) ** 2 for k in range(2)), 0, evaluate=False),
        SumOfSquares([(1, a_v[0] * b_v[k] + a_v[1] * b_v[k + 1]) for k in range(2)]),
    ),
    Step(
        "unit_distance",
        "for unit vectors (angles α, β): ‖x₁ − x₂‖ = √(2 − 2x₁·x₂)",
        _eq(
            sp.sqrt((sp.cos(alpha_s) - sp.cos(beta_s)) ** 2 + (sp.sin(alpha_s) - sp.sin(beta_s)) ** 2),
            sp.sqrt(2 - 2 * (sp.cos(alpha_s) * sp.cos(beta_s) + sp.sin(alpha_s) * sp.sin(beta_s))),
        ),
        Simplification(),
    ),
    Step(
        "unit_distance_sq",
        "for unit vectors ‖x₁ − x₂‖² = 2 − 2x₁·x₂",
        sp.Eq(dist_s**2, 2 - 2 * ip_s),
        Instance("unit_vectors", {}),
    ),
    Step(
        "prox_step",
        "eq. 8.2: w = w_t − ηg is the stationary point of wg + (w − w_t)²/(2η) (strictly convex: second "
        "derivative 1/η)",
        _eq(sp.diff(w_s * g_s + (w_s - wt_s) ** 2 / (2 * eta), w_s).subs(w_s, wt_s - eta * g_s), 0),
        Simplification(),
    ),
    Step(
        "mirror_step",
        "eq. 8.3: the first-order condition of ηwg + D_R(w, w_t) is R'(w) = R'(w_t) − ηg",
        _eq(
            sp.diff(
                eta * w_s * g_s
                + Rf(w_s)
                - Rf(wt_s)
                - sp.Subs(sp.diff(Rf(c_k), c_k), c_k, wt_s) * (w_s - wt_s),
                w_s,
            ),
            eta * g_s + sp.diff(Rf(w_s), w_s) - sp.Subs(sp.diff(Rf(c_k), c_k), c_k, wt_s),
        ),
        Simplification(),
    ),
    Step(
        "bregman_l2",
        "R = w²/2 gives D_R(w, w_t) = (w − w_t)²/2, so mirror descent is gradient descent",
        _eq(w_s**2 / 2 - wt_s**2 / 2 - wt_s * (w_s - wt_s), (w_s - wt_s) ** 2 / 2),
        Simplification(),
    ),
    Step(
        "bregman_entropy",
        "R = w log w − w gives D_R(w, w_t) = w log(w/w_t) − w + w_t (w, w_t > 0)",
        _eq(
            eta * sp.log(eta) - eta - (mu * sp.log(mu) - mu) - sp.log(mu) * (eta - mu),
            eta * sp.log(eta / mu) - eta + mu,
        ),
        Simplification(),
    ),
    Step(
        "bregman_at_min",
        "with R'(w_0) = 0: D_R(w, w_0) = R(w) − R(w_0)",
        _eq((Rf(w_s) - Rf(w0_s) - c_k * (w_s - w0_s)).subs(c_k, 0), Rf(w_s) - Rf(w0_s)),
        Simplification(),
    ),
    Step(
        "md_stationary",
        "the proof of Thm 8.1.2: ∇_w[D_R(w, w_0) − λxw] = R'(w) − R'(w_0) − λx",
        _eq(
            sp.diff(Rf(w_s) - Rf(w0_s) - c_k * (w_s - w0_s) - s_k * x_s * w_s, w_s),
            sp.diff(Rf(w_s), w_s) - c_k - s_k * x_s,
        ),
        Simplification(),
    ),
    Step(
        "sd_l1",
        "ℓ₁ steepest descent: along a coordinate, −|g|_∞ s + s²/2 ≥ −|g|_∞²/2 (minimum at s = |g|_∞)",
        sp.Ge(-lam * s_k + s_k**2 / 2, -(lam**2) / 2),
        SumOfSquares([(sp.Rational(1, 2), s_k - lam)]),
    ),
    Step(
        "reparam_square",
        "w ≥ 0 is (√w)² − 0², w < 0 is 0² − (√−w)²: u⊙² − v⊙² reaches every w (p > 0 stands for |w|)",
        _eq(sp.sqrt(lam) ** 2 - 0, lam),
        Simplification(),
    ),
    Step(
        "gd_ridge_update",
        "003: the gradient of ½μθ² is μθ, so a GD step is θ − η(∇R + μθ) = (1 − ημ)θ − η∇R",
        _eq(th_s - eta * (g_s + sp.diff(mu * th_s**2 / 2, th_s)), (1 - eta * mu) * th_s - eta * g_s),
        Simplification(),
    ),
    Step(
        "grad_no_half",
        "8.1 without the ½: ∂/∂w (wx − y)² = 2(wx − y)x",
        sp.Eq(sp.diff((w_s * x_s - y_s) ** 2, w_s), 2 * (w_s * x_s - y_s) * x_s, evaluate=False),
        Simplification(),
    ),
    Step(
        "ridge_to_min_norm",
        "001: per singular direction the ridge solution σ/(σ² + λ) → 1/σ as λ → 0 (the min-norm solution)",
        _eq(sp.Limit(sigma / (sigma**2 + lam), lam, 0), 1 / sigma),
        Simplification(),
    ),
    Step(
        "weight_decay_grad",
        "∂/∂θ ½μθ² = μθ",
        _eq(sp.diff(mu * th_s**2 / 2, th_s), mu * th_s),
        Simplification(),
    ),
    Step(
        "ridge_quadratic",
        "003: the minimizer of ½λ(θ − θ*)² + ½μθ² is λθ*/(λ + μ) (per eigen-direction)",
        _eq(
            sp.diff(lam * (th_s - c_k) ** 2 / 2 + mu * th_s**2 / 2, th_s).subs(th_s, lam * c_k / (lam + mu)),
            0,
        ),
        Simplification(),
    ),
    Step(
        "ridge_large_lambda",
        "λ/(λ + μ) → 1 as λ → ∞",
        _eq(sp.Limit(lam / (lam + mu), lam, sp.oo), 1),
        Simplification(),
    ),
    Step(
        "ridge_large_mu",
        "λ/(λ + μ) → 0 as μ → ∞",
        _eq(sp.Limit(lam / (lam + mu), mu, sp.oo), 0),
        Simplification(),
    ),
    Step(
        "ridge_normal_eq",
        "003: θ = (XᵀX + μI)⁻¹Xᵀy solves Xᵀ(Xθ − y) + μθ = 0 (2×2 X, entry by entry)",
        _eq(
            sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True)).T
            * (
                sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True))
                * (
                    (
                        sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True)).T
                        * sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True))
                        + mu * sp.eye(2)
                    ).inv()
                    * sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True)).T
                    * _ye
                )
                - _ye
            )
            + mu
            * (
                (
                    sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True)).T
                    * sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True))
                    + mu * sp.eye(2)
                ).inv()
                * sp.Matrix(2, 2, sp.symbols("x11 x12 x21 x22", real=True)).T
                * _ye
            ),
            sp.zeros(2, 1),
        ),
        Simplification(),
    ),
    Step(
        "ridge_row_space",
        "001: (XᵀX + λI)Xᵀ = Xᵀ(XXᵀ + λI), so the ridge solution (XᵀX + λI)⁻¹Xᵀy = Xᵀ(XXᵀ + λI)⁻¹y lies in "
        "the row space",
        _eq((X.T * X + lam * I3) * X.T, X.T * (X * X.T + lam * sp.Identity(2))),
        Simplification(),
    ),
    Step(
        "early_stop_limit",
        "003: with k = 1/(ημ), (1 − ηλ)^k → e^{−λ/μ} as η → 0",
        _eq(sp.Limit((1 - eta * lam) ** (1 / (eta * mu)), eta, 0), sp.exp(-lam / mu)),
        Simplification(),
    ),
    Step(
        "early_stop_first_order",
        "003: e^{−λ/μ} and μ/(λ + μ) agree to first order in λ/μ",
        _eq(sp.Limit((sp.exp(-lam / mu) - mu / (lam + mu)) / lam, lam, 0), 0),
        Simplification(),
    ),
    Step(
        "wd_shrink",
        "003: with 1 − η > 0 and μ ≤ 1 the factor 1 − ημ stays positive",
        sp.Gt(1 - etaw * muw, 0),
        Combination({"wd_eta": 1, "wd_mu": etaw}),
    ),
    Step(
        "linear_in_w",
        "000: f(w, x) = wᵀφ(x) is linear in w",
        _eq(
            (
                sp.Matrix(sp.symbols("wa1:7", real=True)) * alpha_s
                + sp.Matrix(sp.symbols("wb1:7", real=True)) * beta_s
            ).T
            * _phi_lecture(xa),
            alpha_s * sp.Matrix(sp.symbols("wa1:7", real=True)).T * _phi_lecture(xa)
            + beta_s * sp.Matrix(sp.symbols("wb1:7", real=True)).T * _phi_lecture(xa),
        ),
        Simplification(),
    ),
    Step(
        "not_linear_in_x",
        "000: f(w, 2x) − 2f(w, x) = 2(w₄x₁x₂ + w₅x₁x₃ + w₆x₂x₃), not identically 0",
        _eq(
            (
                sp.Matrix(sp.symbols("wa1:7", real=True)).T
                * (_phi_lecture([2 * q for q in xa]) - 2 * _phi_lecture(xa))
            )[0],
            2
            * sum(
                wq * q
                for wq, q in zip(
                    sp.symbols("wa4:7", real=True), (xa[0] * xa[1], xa[0] * xa[2], xa[1] * xa[2])
                )
            ),
        ),
        Simplification(),
    ),
    Step(
        "poly_feature_count",
        "000: D = O(d^k) with d = 10⁵, k = 3: C(d + 3, 3) ≤ 10¹⁵ monomials of degree ≤ 3",
        sp.Le(sp.binomial(10**5 + 3, 3), 10**15, evaluate=False),
        Monomials(),
    ),
    Step(
        "chain_rule_loss",
        "000: ∇_w ½(f(w) − y)² = (f(w) − y)∇_w f(w)",
        _eq(sp.diff((fh(w_s) - y_s) ** 2 / 2, w_s), (fh(w_s) - y_s) * sp.diff(fh(w_s), w_s)),
        Simplification(),
    ),
    Step(
        "net_gradients",
        "000: ∇_{a_i}f = b_iσ'(a_iᵀx)x/√m and ∇_{b_i}f = σ(a_iᵀx)/√m (m = 2, d = 2)",
        _eq(
            _grad_net(_x2),
            sp.Matrix(
                [
                    *(
                        _b2[i] * _sigp((_A2[i, :] * _x2)[0]) * _x2[k] / sp.sqrt(2)
                        for i in range(2)
                        for k in range(2)
                    ),
                    *(sig_f((_A2[i, :] * _x2)[0]) / sp.sqrt(2) for i in range(2)),
                ]
            ),
        ),
        Simplification(),
    ),
    Step(
        "ntk_split",
        "000: ⟨∇f(x), ∇f(x')⟩ = K^(a)(x, x') + K^(b)(x, x'), with σ'(a_iᵀx)σ'(a_iᵀx') in K^(a) (m = 2, d = "
        "2)",
        _eq((_grad_net(_x2).T * _grad_net(_x2p))[0], _Ka + _Kb),
        Simplification(),
    ),
    Step(
        "relu_kb",
        "000:473 at x = (1, 0), x' = (1, 1): E[σ(aᵀx)σ(aᵀx')] by exact integration is the closed form",
        RELU_KB_000,
        Simplification(),
    ),
    Step(
        "lln_ka",
        "000:469 at x = (1, 0), x' = (1, 1), b = ±1: E(K_m^(a) − K^(a))² = Var/m → 0 (Var = 15/64, exact)",
        LLN_KA_000,
        Simplification(),
    ),
    Step(
        "lln_kb",
        "000:470 at x = (1, 0), x' = (1, 1): E(K_m^(b) − K^(b))² = Var/m → 0 (Var by exact integration)",
        LLN_KB_000,
        Simplification(),
    ),
    Step(
        "svd_instance",
        "002:692 at M = [[2, 2], [−1, 1]]: M = σ₁u₁v₁ᵀ + σ₂u₂v₂ᵀ with σ = √8, √2 (from MᵀM)",
        SVD_36_002,
        Simplification(),
    ),
    Step(
        "svd_instance_bases",
        "002:692 at M = [[2, 2], [−1, 1]]: its u_i and its v_i are orthonormal",
        SVD_36_BASES_002,
        Simplification(),
    ),
    Step(
        "eig_powers",
        "002:706 for a symmetric 2 × 2 M: the eigenvalues of M² and M³ are λ±², λ±³; eigenvectors orthogonal",
        EIG_POWERS_002,
        Simplification(),
    ),
    Step(
        "tangent_remainder",
        "000:452 as meant: f(w) − f(w₀) − f'(w₀)(w − w₀) = (w − w₀)² for f = w²",
        TAYLOR_REMAINDER_000,
        Simplification(),
    ),
    Step("ntk_a_part", "000:463 as meant: the a-part of ⟨∇f(x), ∇f(x')⟩", NTK_A_MEANT_000, Simplification()),
    Step(
        "gd_flow_quotient",
        "000: w(t+1) = w(t) − η∇L gives (w(t+1) − w(t))/η = −∇L",
        _eq(((w_s - eta * g_s) - w_s) / eta, -g_s),
        Simplification(),
    ),
    Step(
        "output_chain_rule",
        "000: dŷ(w(t))/dt = ŷ'(w) dw/dt (chain rule; no minus sign)",
        _eq(
            sp.diff(fh(sp.Function("w")(tt_s)), tt_s),
            sp.Subs(sp.diff(fh(c_k), c_k), c_k, sp.Function("w")(tt_s))
            * sp.diff(sp.Function("w")(tt_s), tt_s),
        ),
        Simplification(),
    ),
    Step(
        "linear_ode",
        "000: u(t) = u(0)e^{−Kt} solves du/dt = −Ku (per eigen-direction of K)",
        _eq(sp.diff(u0 * sp.exp(-kk * tt_s), tt_s), -kk * u0 * sp.exp(-kk * tt_s)),
        Simplification(),
    ),
    Step(
        "risk_identity",
        "000: for x ~ N(0, I₂), β* = (β₁*, 0): E[(xᵀ(β − β*))²] = ‖β_{T^c}‖² + ‖β_T − β_T*‖²",
        _eq(
            (_beta[0] - _bstar) ** 2 * _gauss_moment(2)
            + 2 * (_beta[0] - _bstar) * _beta[1] * _gauss_moment(1) ** 2
            + _beta[1] ** 2 * _gauss_moment(2),
            _beta[1] ** 2 + (_beta[0] - _bstar) ** 2,
        ),
        Simplification(),
    ),
    Step(
        "influence",
        "Theorem 10.1.2 for least squares in one parameter: d/dε ℓ(z, θ*_ε)|₀ = −ℓ'(z)H⁻¹ℓ'(x)",
        _eq(sp.diff(_ell(_az, _bz, _th_eps), ep_s).subs(ep_s, 0), -_gz * _gx / _H),
        Simplification(),
    ),
    Step(
        "influence_stationary",
        "the first-order condition of ε(ℓ + gΔ) + ½HΔ² is Δ = −εg/H",
        _eq(sp.diff(ep_s * (c_k + g_s * _dth) + lam * _dth**2 / 2, _dth).subs(_dth, -ep_s * g_s / lam), 0),
        Simplification(),
    ),
    Step(
        "influence_quadratic",
        "for a quadratic loss the expansion around θ* is exact: ℓ(S, θ* + Δ) = ℓ(S, θ*) + ½HΔ²",
        _eq(_LS.subs(th_s, _th_star + _dth), _LS.subs(th_s, _th_star) + _H * _dth**2 / 2),
        Simplification(),
    ),
    Step(
        "influence_optimality",
        "at the minimizer of the least-squares loss: ∇ℓ(S, θ*) = 0",
        _eq(sp.diff(_LS, th_s).subs(th_s, _th_star), 0),
        Simplification(),
    ),
    Step(
        "influence_hessian_psd",
        "the least-squares Hessian (p₁² + p₂²)/2 is ≥ 0",
        sp.Ge(_H, 0, evaluate=False),
        Monomials(),
    ),
    Step(
        "hvp_identity",
        "10.1.1: (I − H)v = v − Hv, one Hessian-vector product per term",
        _eq(
            (sp.Identity(3) - sp.MatrixSymbol("H", 3, 3)) * sp.MatrixSymbol("v3", 3, 1),
            sp.MatrixSymbol("v3", 3, 1) - sp.MatrixSymbol("H", 3, 3) * sp.MatrixSymbol("v3", 3, 1),
        ),
        Simplification(),
    ),
    Step(
        "symmetric_1x1_psd",
        "a symmetric M with SVD v_i = u_i is Σσ_i u_i u_iᵀ: for 1×1, M = σu² with σ > 0 — from M ≥ 0",
        sp.Ge(m_s, 0),
        Instance("psd_m", {}),
    ),
    Step(
        "general_position_minor",
        "with every n×n minor nonzero, the chosen one is",
        sp.Gt((_xe[0, 1] * _xe[1, 2] - _xe[0, 2] * _xe[1, 1]) ** 2, 0),
        Instance("general_position", {}),
    ),
]

#: identities certified by simplification are stated as id_<key> = 0 (see kernel.named_identities);
#: Σ 1 = ∞ (neumann_null) is not a difference that simplifies, so it keeps its own form
# ---- definitions decided by what their constants assert (issue 20)
DERIVATION += [
    Step(
        "gd_step_3_1",
        "002:671: w − η∇L̂(w) for L̂ = ½Σ(x_i·w − y_i)² (663) is w − ηXᵀ(Xw − y) (n = 2, d = 3)",
        _eq(_we - eta * _gradient_of(_loss_sum, _we), _we - eta * _xe.T * _res),
        Simplification(),
    ),
    Step(
        "linreg_gradient",
        "000:395: with the ½, ∇L = −Σ(y_i − wᵀx_i)x_i, no factor 2 (n = 2, d = 3)",
        _eq(_gradient_of(_loss_395, _we), -_xe.T * (_ye - _xe * _we)),
        Simplification(),
    ),
    Step(
        "loss_8_1_gradient",
        "002:1689: (8.1) has no ½, so ∇L = 2Σ(wᵀx_i − y_i)x_i = 2Xᵀ(Xw − y) (n = 2, d = 3)",
        _eq(_gradient_of(_loss_81, _we), 2 * _xe.T * _res),
        Simplification(),
    ),
    Step(
        "least_squares_min",
        "000:364: ‖X_Tβ − y‖² ≥ ‖X_Tβ* − y‖² at β* = (X_TᵀX_T)⁻¹X_Tᵀy: the difference is ‖X_T(β − β*)‖² "
        "(n = 3, p = 2)",
        sp.Ge(_sq_loss(_bT), _sq_loss(_bT_star)),
        SumOfSquares([(1, q) for q in _XT * (_bT - _bT_star)]),
    ),
    Step(
        "noise_free_recovery",
        "000:370: with β_{T^c} = 0 the labels are y = X_Tβ_T and (X_TᵀX_T)⁻¹X_Tᵀy = β_T (n = 3, p = 2)",
        _eq((_XT.T * _XT).inv() * _XT.T * (_XT * _bT), _bT),
        Simplification(),
    ),
    Step(
        "lecture_kernel",
        "000:404: φ(x)·φ(x') = x·x' + ½((x·x')² − Σ_i x_i²x_i'²), computed from x·x' and Σ_i x_i²x_i'²",
        _eq(
            (_phi_lecture(xa).T * _phi_lecture(xb))[0],
            sum(p * q for p, q in zip(xa, xb))
            + (sum(p * q for p, q in zip(xa, xb)) ** 2 - sum((p * q) ** 2 for p, q in zip(xa, xb))) / 2,
        ),
        Simplification(),
    ),
    Step(
        "span_predictor",
        "002:711: h_w(x) = φ(x)·w with w = Σ_i α_iφ(x_i) is Σ_i α_iK(x, x_i) (2 points, 3 features)",
        _eq((_fx.T * (_F3.T * _al))[0], sum(_al[i] * (_fx.T * _F3[i, :].T)[0] for i in range(2))),
        Simplification(),
    ),
    Step(
        "kernel_gd_step",
        "002:727: from w = Φᵀα a GD step on ℓ is Φᵀ(α − η(Gα − y)), G_ij = φ(x_i)·φ(x_j) "
        "(2 points, 3 features)",
        _eq(
            _F3.T * _al - eta * _gradient_of(_ell_727, _wk).subs(dict(zip(_wk, _F3.T * _al))),
            _F3.T * (_al - eta * (_G3 * _al - _ye)),
        ),
        Simplification(),
    ),
    Step(
        "weight_decay_nonneg",
        "003:638: with μ¹, μ² ≥ 0, Ω(θ) = ½(μ¹‖θ¹‖² + μ²‖θ²‖²) ≥ 0",
        sp.Ge(OMEGA_003, 0),
        Combination({"wd_mu1": (th11**2 + th12**2) / 2, "wd_mu2": th21**2 / 2}),
    ),
    Step(
        "projection_ball",
        "003:653: Π_r(v) = min{1, r/‖v‖}v lies in the ball of radius r and is as close to v as any u in it",
        PROJECTION_003,
        Decided(("proj_cs", "proj_ball")),
    ),
    Step(
        "nngp_psd",
        "001:125: Σ_ij v_iv_j f(θ, x_i)f(θ, x_j) = (Σ_i v_if(θ, x_i))² ≥ 0 for every θ (3 inputs)",
        sp.Ge(sum(vk[i] * vk[j] * fv[i] * fv[j] for i in range(3) for j in range(3)), 0),
        SumOfSquares([(1, sum(v_ * f_ for v_, f_ in zip(vk, fv)))]),
    ),
    Step(
        "ntk_psd",
        "004:202: Σ_ij v_iv_j⟨∂_θf(x_i), ∂_θf(x_j)⟩ = ‖Σ_i v_i∂_θf(x_i)‖² ≥ 0 for every θ "
        "(the network of 000:439, m = 2, two inputs)",
        sp.Ge(
            vk[0] ** 2 * (_g_x.T * _g_x)[0]
            + 2 * vk[0] * vk[1] * (_g_x.T * _g_xp)[0]
            + vk[1] ** 2 * (_g_xp.T * _g_xp)[0],
            0,
        ),
        SumOfSquares([(1, vk[0] * _g_x[k] + vk[1] * _g_xp[k]) for k in range(6)]),
    ),
    Step(
        "self_influence",
        "002:2439: Definition 10.1.1 at z = x (least squares, one parameter): I(x, x) = −ℓ'(x)²/H ≤ 0",
        sp.Le(_I_xx, 0),
        SumOfSquares([(1 / _H, _gx)]),
    ),
    Step(
        "ridge_flow_ends",
        "001:79: with λ = 1/t, ridge σ/(σ² + λ) and gradient flow (1 − e^{−σ²t})/σ agree at t → 0 and t → ∞",
        _eq(_ends(_ridge_t), _ends(_flow_t)),
        Simplification(),
    ),
    Step(
        "second_descent",
        "000:349 in the lecture's model: the risk of 000:372 with β spread evenly decreases in p for "
        "n + 1 < p ≤ D",
        sp.Lt(sp.diff(RISK_UNIFORM_000, p_dd), 0),
        Decided(("dd_past", "dd_within")),
    ),
    Step(
        "kernel_cost",
        "000:429 at k = 3: (1 + x·x')³ costs 2d − 1 + 1 + 2 ≤ 4d operations (d ≥ 1): O(d)",
        KERNEL_OPS_000,
        Combination({"dim_pos": 2}),
    ),
    Step(
        "feature_dim",
        "000:416 at k = 3: D = C(d + 3, 3) ≤ (d + 1)³ = O(d³)",
        FEATURE_DIM_000,
        Monomials(),
    ),
    Step(
        "relu_parallel_singular",
        "000:490: for the ReLU network of 458 at x and 2x, ∇f(2x) = 2∇f(x): det K = 0 (one instance)",
        RELU_PARALLEL_000,
        Simplification(),
    ),
]

DERIVATION, _IDENTITY_NAMES = named_identities(DERIVATION, keep={"neumann_null"})
ASSUMPTIONS += _IDENTITY_NAMES
ASSUMPTIONS += unfolded_definitions(DERIVATION, ASSUMPTIONS)

# ----------------------------------------------------------------------------- claims
RHO = sp.Max(sp.Abs(1 - eta * smin2), sp.Abs(1 - eta * smax2))  # max_i |1 − ησ_i²| over nonzero σ_i
CLAIMS = [
    Claim(
        "contraction",
        "‖w_{t+1} − w_∞‖ ≤ max_i |1 − ησ_i²| ‖w_t − w_∞‖ (any η > 0, any start)",
        sp.Le(e1, RHO * e0),
        (),
        tight_on="slowest singular direction",
        domain=(sp.Le(smin2, smax2),),
    ),
    Claim(
        "converges",
        "max_i |1 − ησ_i²| < 1 (so w_t → w_∞) when 0 < η < 2/σ_max²",
        sp.Lt(RHO, 1),
        ("eta_range",),
        domain=(sp.Le(smin2, smax2),),
    ),
    Claim(
        "step_range",
        "1 − ησ_max² > −1 when η < 2/σ_max² (the fastest direction does not overshoot)",
        sp.Gt(1 - eta * smax2, -1),
        ("eta_range",),
    ),
    Claim(
        "slowest_rate",
        "started along v_min, the error decays at exactly |1 − ησ_min²| per step (any η > 0)",
        sp.Eq(e1, sp.Abs(1 - eta * smin2) * e0),
        ("slowest_start",),
        tight_on="slowest singular direction",
    ),
    Claim(
        "null_invariant",
        "the null-space component of w_t stays at its initial value (any η, any start)",
        sp.Eq(drift, 0),
        (),
    ),
    Claim(
        "min_norm",
        "X⁺y has the least norm among interpolants X⁺y + (I − X⁺X)z",
        sp.Ge(na2 + nb2 + 2 * ab, na2),
        (),
        tight_on="the interpolant X⁺y itself (z = 0)",
        domain=(sp.Eq(ab, 0),),
    ),
    Claim("kernel", "kernel GD from α = 0 converges to zᵀG⁻¹y", sp.Eq(kdev, 0), ("kernel_pd", "eta_range")),
]

WRONG_VARIANTS = [
    CLAIMS[0].variant(
        "contraction_2eta", "contraction factor 1 − 2ησ_min²", sp.Le(e1, (1 - 2 * eta * smin2) * e0)
    ),
    CLAIMS[0].variant(
        "contraction_sigma_max",
        "contraction factor |1 − ησ_max²| only",
        sp.Le(e1, sp.Abs(1 - eta * smax2) * e0),
    ),
    CLAIMS[1].variant(
        "converges_any_eta", "convergence for any step size (η < 2/σ_max² dropped)", assumptions=()
    ),
    CLAIMS[2].variant(
        "step_range_any_eta", "no overshoot for any step size (η < 2/σ_max² dropped)", assumptions=()
    ),
    CLAIMS[3].variant(
        "rate_sigma_max",
        "slowest direction at |1 − ησ_max²| per step",
        sp.Eq(e1, sp.Abs(1 - eta * smax2) * e0),
    ),
    CLAIMS[3].variant(
        "rate_squared", "slowest direction at (1 − ησ_min²)² per step", sp.Eq(e1, (1 - eta * smin2) ** 2 * e0)
    ),
    CLAIMS[3].variant(
        "rate_any_start", "every start decays at |1 − ησ_min²| (start along v_min dropped)", assumptions=()
    ),
    CLAIMS[4].variant("row_space_invariant", "the row-space component is invariant too", sp.Eq(rdrift, 0)),
    CLAIMS[5].variant(
        "min_norm_flipped", "every interpolant is no longer than X⁺y", sp.Le(na2 + nb2 + 2 * ab, na2)
    ),
    CLAIMS[6].variant("kernel_singular", "kernel GD → zᵀG⁻¹y without G ≻ 0", assumptions=("eta_range",)),
    CLAIMS[6].variant("kernel_any_eta", "kernel GD → zᵀG⁻¹y for any step size", assumptions=("kernel_pd",)),
]

PREDICTED = {
    "direction_error": r**t,  # |v_i^T (w_t - w_inf)| / |v_i^T (w_0 - w_inf)|
    "contraction": RHO,
}

#: Belkin–Hsu–Xu Theorem 1, noise-free, as the CMSC 828W notes state it (000:372)
RISK = sp.Piecewise(
    (bTc2 * (1 + p_feat / (n_pts - p_feat - 1)), p_feat <= n_pts - 2),
    (bT2 * (1 - n_pts / p_feat) + bTc2 * (1 + n_pts / (p_feat - n_pts - 1)), p_feat >= n_pts + 2),
    (sp.oo, True),
)
PRESCIENT_000 = sp.Gt(
    sp.Min(
        _risk_prescient(1) - _risk_prescient(5),
        _risk_prescient(8) - _risk_prescient(5),
        _risk_prescient(12) - _risk_prescient(14),
    ),
    0,
    evaluate=False,
)

ASSUMPTIONS += [
    Assumption("wd_eta", "1 − η > 0 (003:644 as written)", sp.Gt(1 - etaw, 0)),
    Assumption("wd_mu", "μ ≤ 1 (weak weight decay)", sp.Le(muw, 1)),
    Assumption("psd_m", "M is positive semidefinite", sp.Ge(m_s, 0)),
    Assumption(
        "general_position",
        "every n×n minor of X is nonzero (general position; almost surely for data from a density)",
        sp.Gt((_xe[0, 1] * _xe[1, 2] - _xe[0, 2] * _xe[1, 1]) ** 2, 0),
    ),
    Assumption(
        "rows_independent",
        "the rows of X are linearly independent (Gram determinant > 0, Cauchy–Binet)",
        sp.Gt(
            sum(
                m**2
                for m in (
                    _xe[0, 0] * _xe[1, 1] - _xe[0, 1] * _xe[1, 0],
                    _xe[0, 0] * _xe[1, 2] - _xe[0, 2] * _xe[1, 0],
                    _xe[0, 1] * _xe[1, 2] - _xe[0, 2] * _xe[1, 1],
                )
            ),
            0,
        ),
    ),
]


# ----------------------------------------------------------------------------- as written
_x12, _x13, _x22, _x23 = _xe[0, 1], _xe[0, 2], _xe[1, 1], _xe[1, 2]


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="pseudo_inverse",
    title="Pseudo-inverse limit of gradient descent",
    source=Source(
        "Arora et al., Theory of Deep Learning",
        "§3.1–3.2",
        "eq. 3.1–3.9, footnotes 1–2, Problems 3.1.1–3.1.2",
    ),
    other_sources=[
        Source(
            "Arora et al., Theory of Deep Learning",
            "§5.7, §8.1, §10.1",
            "kernel exercise, Prop. 8.1.1, Thm 8.1.2, Problem 10.1.3",
        ),
        Source(
            "CMSC 828W lecture notes", "lecture 9", "min-norm risk, kernels, tangent kernel, gradient flow"
        ),
        Source(
            "Belkin, Hsu & Xu (2019)", "Theorem 1", "risk of min-norm least squares on p Gaussian features"
        ),
    ],
    statement=r"0<\eta<\tfrac{2}{\sigma_{\max}^2}\implies w_t\to X^+y+(I-X^+X)w_0,\quad "
    r"v_i^\top(w_t-w_\infty)=(1-\eta\sigma_i^2)^t\,v_i^\top(w_0-w_\infty)",
    latex_names={
        yt: r"\tilde y",
        e0: r"\|w_t-w_\infty\|",
        e1: r"\|w_{t+1}-w_\infty\|",
        smax2: r"\sigma_{\max}^2",
        smin2: r"\sigma_{\min}^2",
        na2: r"\|X^+y\|^2",
        nb2: r"\|(I-X^+X)z\|^2",
        ab: r"(X^+y)^\top(I-X^+X)z",
        drift: r"\|(I-X^+X)(w_t-w_0)\|",
        rdrift: r"\|X^+X(w_t-w_0)\|",
        kdev: r"|h_{GD}(x)-z^\top G^{-1}y|",
        eperp: r"\|(I-v_{\min}v_{\min}^\top)(w_t-w_\infty)\|",
        lmin_g: r"\lambda_{\min}(G)",
        lmin_xx: r"\lambda_{\min}(XX^\top)",
    },
)

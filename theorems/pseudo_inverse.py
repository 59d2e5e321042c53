r"""Gradient descent on least squares converges to the pseudo-inverse solution -- Arora et al. §3.1–3.2.

Statement.  For :math:`X\in\mathbb{R}^{n\times d}` and :math:`w_{t+1}=w_t-\eta X^\top(Xw_t-y)`
with :math:`0<\eta<2/\sigma_{\max}^2`,

.. math:: w_t \to X^+y + (I-X^+X)w_0, \qquad
          v_i^\top(w_t-w_\infty) = (1-\eta\sigma_i^2)^t\, v_i^\top(w_0-w_\infty),

and from :math:`w_0=0` the limit :math:`X^+y` (:math:`=X^\top(XX^\top)^{-1}y` when
:math:`XX^\top` is invertible) has the least norm among all interpolants.  In kernel form
(§3.2) the prediction at :math:`x` is :math:`h(x)=z^\top G^{-1}y` with :math:`z_i=k(x_i,x)`.

Sources (cited line by line in :data:`AS_WRITTEN`, ``../shared/sources``): Arora et al.,
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

from dlverify.theorems.core import (
    Assumption,
    Claim,
    Combination,
    Equivalence,
    Instance,
    Monomials,
    Simplification,
    Source,
    SourceLine,
    Step,
    SumOfSquares,
    Theorem,
    Unfold,
)

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


def _named_identity(step: Step) -> Step:
    """The same certified identity, stated as ``id_<key> = 0`` with ``id_<key> := lhs − rhs``
    unfolded by the certificate: a claim is matched to a step by comparing relations, and a
    large identity (sums, integrals, limits, matrices) would be simplified again for every
    claim compared with it.  The step's LaTeX keeps the identity itself."""
    rel = step.relation
    name = sp.Symbol(f"id_{step.key}", real=True)
    return Step(
        step.key,
        step.text,
        sp.Eq(name, 0),
        Unfold({name: rel.lhs - rel.rhs}),
        latex=step.latex or sp.latex(rel),
    )


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
    Assumption(
        "unit_vectors",
        "‖x₁‖ = ‖x₂‖ = 1, so ‖x₁ − x₂‖² = 2 − 2x₁·x₂",
        sp.Eq(dist_s**2, 2 - 2 * ip_s),
        definition=True,
    ),
]

# ---- symbols of the source-line derivation steps
c_k, s_k, g_s, w_s, w0_s, wt_s, y_s, x_s = sp.symbols("c s g w w_0 w_t y x", real=True)
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

# influence functions (002:2439–2449), least squares in one parameter with two training points
th_s, ep_s = sp.symbols("theta epsilon", real=True)
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

#: scalar identities are stated as id_<key> = 0 (see _named_identity): compared by relation, two
#: identities ``expr = 0`` whose left sides both simplify to 0 would otherwise match each other,
#: and large ones would be simplified again for every claim
_KEEP = {"neumann_null"}  # Σ 1 = ∞ is not a difference that simplifies


def _scalar_identity(step: Step) -> bool:
    rel = step.relation
    return (
        isinstance(step.certificate, Simplification)
        and isinstance(rel, sp.Equality)
        and not isinstance(rel.lhs, sp.MatrixExpr)
        and not getattr(rel.lhs, "is_Matrix", False)
        and step.key not in _KEEP
    )


DERIVATION = [
    _named_identity(s_)
    if (
        _scalar_identity(s_)
        or (isinstance(s_.certificate, Simplification) and getattr(s_.relation.lhs, "is_Matrix", False))
    )
    else s_
    for s_ in DERIVATION
]

#: each name id_<key> is a declared definition (id_<key> := lhs − rhs), so the theorem's
#: assumptions show what it stands for and unfolding it costs a claim nothing
ASSUMPTIONS += [
    Assumption(f"def_{step.key}", f"id_{step.key} names the difference of the two sides of step {step.key}",
               sp.Eq(lhs, rhs, evaluate=False), definition=True)
    for step in DERIVATION
    if isinstance(step.certificate, Unfold) and not step.certificate.of
    for lhs, rhs in step.certificate.defs.items()
]

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
def _step(key: str):
    return next(s_ for s_ in DERIVATION if s_.key == key).relation


def _rd(key, relation, assumptions=(), text="", **kw):
    return Claim(key, text or key, relation, tuple(assumptions), **kw)


def _L(key, doc, line, anchor, what, latex, **kw):
    return SourceLine(key, doc, line, anchor, what, latex, **kw)


_A, _C, _W, _K, _N = (
    "002_9b9f6b48f7568a99.txt",
    "000_1081c6e8c4ee9d7b.txt",
    "001_010b518fed41d921.txt",
    "003_12f976d491bf7278.txt",
    "004_e3d7742aedb82e06.txt",
)
_DEF = "a definition: it names a quantity or an algorithm and asserts nothing to compute"
_MIN_NORM = dict(tight_on="the interpolant X⁺y itself (z = 0)")
_x12, _x13, _x22, _x23 = _xe[0, 1], _xe[0, 2], _xe[1, 1], _xe[1, 2]
_RHO2 = RHO.subs(eta, 2 * eta)
_w, _x, _y = w_s, x_s, y_s

AS_WRITTEN = [
    # ---------------------------------------------------------------- 002 §3.1
    _L(
        "loss_matrix_form",
        _A,
        665,
        r"\hat{L}(w) = \frac{1}{2} ||Xw - y||^2",
        "§3.1, the loss in matrix form",
        r"\tfrac12\sum_i(x^{(i)}\cdot w-y^{(i)})^2=\tfrac12\|Xw-y\|^2",
        reading=_rd("loss_matrix_form", _step("loss_matrix_form")),
    ),
    _L(
        "infinitely_many_minimizers",
        _A,
        665,
        "the loss has infinitely many minimizers",
        "§3.1",
        r"d>n,\ x^{(i)}\text{ independent}\implies X(w^*+(I-X^+X)u)=y\ \forall u",
        reading=_rd("null_space", _step("null_space"), ("full_row_rank",)),
        note="read as: every w* + (I − X⁺X)u interpolates (the null space of X is d − n ≥ 1 dimensional)",
    ),
    _L(
        "footnote_1",
        _A,
        667,
        "setting an arbitrary subset of d - n",
        "§3.1, footnote 1",
        r"\forall T,\ |T|=d-n:\ \exists w,\ w_T=0,\ Xw=y\ \ (\text{i.e. }\det X_{[d]\setminus T}\neq0)",
        reading=_rd("footnote_1", sp.Gt((_x12 * _x23 - _x13 * _x22) ** 2, 0), ("rows_independent",)),
        point={_xe[0, 0]: 1, _x12: 0, _x13: 0, _xe[1, 0]: 0, _x22: 1, _x23: 0},
        corrected=_rd(
            "footnote_1_fixed",
            sp.Gt((_x12 * _x23 - _x13 * _x22) ** 2, 0),
            ("rows_independent", "general_position"),
        ),
        corrected_latex=r"\text{some (not every) } T \text{ works; every } T \text{ works when every } "
        r"n\times n \text{ minor of } X \text{ is nonzero}",
        note="X = [[1,0,0],[0,1,0]] has independent rows, but zeroing coordinate 1 leaves the singular "
        "[[0,0],[1,0]] "
        "(minor x12·x23 − x13·x22 = 0); for data drawn from a density every minor is nonzero almost surely",
    ),
    _L(
        "gradient",
        _A,
        669,
        r"\nabla \hat{L}(w) = X^T (Xw - y)",
        "§3.1, the gradient",
        r"\nabla\hat L(w)=X^\top(Xw-y)",
        reading=_rd("gradient", _step("gradient")),
    ),
    _L(
        "eq_3_1",
        _A,
        671,
        r"w_{t+1} = w_t - \eta X^{\top} (Xw_t - y)",
        "eq. (3.1)",
        r"w_{t+1}=w_t-\eta X^\top(Xw_t-y)",
        unchecked=_DEF + " (the GD iteration; (3.2) and (3.3) follow and are checked)",
    ),
    _L(
        "eq_3_2",
        _A,
        674,
        "(I_{d \\times d} - \\eta X^{\\top} X) w_t +",
        "eq. (3.2)",
        r"w_{t+1}=(I-\eta X^\top X)w_t+\eta X^\top y",
        reading=_rd("gd_rewrite", _step("gd_rewrite")),
    ),
    _L(
        "eq_3_3",
        _A,
        677,
        "(\\sum_{j=0}^{t} (I_{d \\times d} - \\eta X",
        "eq. (3.3)",
        r"w_{t+1}=\Big(\sum_{j=0}^{t}(I-\eta X^\top X)\Big)^{j}\eta X^\top y",
        reading=_rd("unrolled_next", _step("unrolled_next")),
        note="extraction: the exponent j stands outside the bracket; read Σ_{j=0}^{t}(I − ηXᵀX)^j ηXᵀy, "
        "which is "
        "w_{t+1} (the chain starts at w_{t+1}), checked per singular direction from w_0 = 0",
    ),
    _L(
        "step_range",
        _A,
        680,
        r"\eta < 1/\lambda_{max}(X^TX)",
        "§3.1, the step range",
        r"\eta<1/\lambda_{\max}(X^\top X)\implies\max_i|1-\eta\sigma_i^2|<1",
        reading=_rd("step_range", sp.Lt(RHO, 1), ("eta_book",), sharper=sp.Lt(_RHO2, 1)),
        corrected_latex=r"0<\eta<2/\lambda_{\max}(X^\top X)",
        note="sufficient, with a factor 2 to spare: ρ(2η) < 1 under the same range (the sharper form), i.e. "
        "every "
        "η < 2/λ_max works; beyond 2/λ_max the iterates diverge (wrong variant converges_any_eta)",
    ),
    _L(
        "eq_3_4",
        _A,
        682,
        "\\lim_{t \\to \\infty} w_t = (X^\\top X)^\\da",
        "eq. (3.4)",
        r"\lim_{t\to\infty}w_t=(X^\top X)^\dagger X^\top y",
        reading=_rd("eq_3_4", sp.Eq(dev34, 0), ("eta_book",)),
        note="with † the pseudo-inverse this holds for d > n (XᵀX is singular there; an inverse would not "
        "exist)",
    ),
    _L(
        "eq_3_5",
        _A,
        684,
        r"= X^{\top} (XX^{\top})^{-1} y \tag{3.5}",
        "eq. (3.5)",
        r"\lim_{t\to\infty}w_t=X^\top(XX^\top)^{-1}y",
        reading=_rd("eq_3_5", sp.Eq(dev35, 0), ("eta_book", "full_row_rank")),
        note="the passage assumes independent x⁽ⁱ⁾ and d > n (line 665): XXᵀ is invertible; with duplicated "
        "rows "
        "the formula is undefined while GD still converges to X⁺y",
    ),
    _L(
        "pinv_solution",
        _A,
        686,
        "famous *pseudo-inverse* solution",
        "§3.1",
        r"X^\top(XX^\top)^{-1}=X^+",
        reading=_rd("penrose_1", _step("penrose_1")),
        note="checked: Xᵀ(XXᵀ)⁻¹ satisfies the Penrose conditions (steps penrose_1–4, X of size 2×3); the "
        "words "
        "'overdetermined systems' are a slip for the underdetermined d > n system of the section",
    ),
    _L(
        "min_norm_686",
        _A,
        686,
        r"minimizing ℓ_2 -norm solution",
        "§3.1",
        r"X^+y=\arg\min_w\|w\|_2\ \text{s.t.}\ Xw=y",
        reading=_rd("min_norm", CLAIMS[5].relation, **_MIN_NORM),
    ),
    _L(
        "eq_3_6",
        _A,
        692,
        r"M = \sum_{i=1}^{k} \sigma_i u_i v_i^T",
        "eq. (3.6)",
        r"M=\sum_{i=1}^k\sigma_iu_iv_i^\top",
        unchecked="the existence of the SVD, a classical theorem the suite uses (torch.linalg.svd) rather "
        "than proves",
    ),
    _L(
        "eq_3_7",
        _A,
        698,
        "M^{\\dagger} = \\sum_{i=1}^{k} \\frac{1}{\\s",
        "eq. (3.7)",
        r"M^\dagger=\sum_{i=1}^k\sigma_i^{-1}v_iu_i^\top",
        reading=_rd("rank1_penrose_4", _step("rank1_penrose_4")),
        note="checked for rank one (M = abᵀ, M† = baᵀ/(‖a‖²‖b‖²)): all four Penrose conditions hold (steps "
        "rank1_penrose_1–4); the general rank is the same computation per singular triple",
    ),
    _L(
        "symmetric_svd",
        _A,
        700,
        r"in which case the SVD has $v_i = u_i$",
        "§3.1.1",
        r"M=M^\top\implies M=\sum_i\sigma_iu_iu_i^\top\ (\sigma_i\ge0)",
        reading=_rd("symmetric_svd", sp.Ge(m_s, 0)),
        point={m_s: -1},
        corrected=_rd("symmetric_psd", sp.Ge(m_s, 0), ("psd_m",)),
        corrected_latex=r"M=M^\top\succeq0\implies v_i=u_i;\ \text{in general } v_i=\pm u_i",
        note="a symmetric M with v_i = u_i equals Σσ_i u_i u_iᵀ ⪰ 0; M = [−1] is symmetric and is not (its "
        "SVD has "
        "u = −v); with signed σ_i it is the spectral decomposition",
    ),
    _L(
        "problem_3_1_1a",
        _A,
        702,
        r"Show that $MM^{\dagger}M = M$",
        "Problem 3.1.1",
        r"MM^\dagger M=M",
        reading=_rd("rank1_penrose_1", _step("rank1_penrose_1")),
        note="checked for (3.7) of rank one and for Xᵀ(XXᵀ)⁻¹ (step penrose_1), and an exact rational rank-2 "
        "case (exact_rank2)",
    ),
    _L(
        "problem_3_1_1b",
        _A,
        702,
        r"$M^{\dagger}MM^{\dagger} = M^{\dagger}$",
        "Problem 3.1.1",
        r"M^\dagger MM^\dagger=M^\dagger",
        reading=_rd("rank1_penrose_2", _step("rank1_penrose_2")),
    ),
    _L(
        "problem_3_1_2",
        _A,
        704,
        "Prove the properties mentioned in (3.5)",
        "Problem 3.1.2",
        r"\text{(3.5)}",
        unchecked="the properties are not stated; (3.5) itself is the entry at line 684",
    ),
    _L(
        "footnote_3",
        _A,
        706,
        "the eigenvalues of M^j are *j*th powers",
        "footnote 3",
        r"M=M^\top:\ \lambda(M^j)=\lambda(M)^j",
        unchecked="a classical fact for every power j and dimension; the proof kernel has no certificate for "
        "a general power",
    ),
    _L(
        "footnote_2",
        _A,
        708,
        r"\sum_{i\geq 0} A^i = (I - A)^{\dagger}",
        "footnote 2",
        r"A\succeq0,\ \lambda_{\max}(A)<1\implies\sum_{i\ge0}A^i=(I-A)^\dagger",
        reading=_rd("footnote_2", sp.Eq(nd_fn2, 0), ("series_psd", "series_below_one")),
        note="under the stated conditions I − A is invertible, so † is the inverse; without A ⪰ 0 an "
        "eigenvalue "
        "below −1 makes the series diverge",
    ),
    # ---------------------------------------------------------------- 002 §3.2
    _L(
        "rkhs",
        _A,
        711,
        "It is customary to denote the inner prod",
        "§3.2",
        r"K(x,y)=\phi(x)\cdot\phi(y),\ h_w(x)=\phi(x)\cdot w",
        unchecked=_DEF,
    ),
    _L(
        "example_3_2_1",
        _A,
        717,
        "You can verify that $\\phi(x) \\cdot \\phi(",
        "Example 3.2.1",
        r"\phi(x)\cdot\phi(y)=(1+x\cdot y)^2",
        reading=_rd("poly2_features", _step("poly2_features")),
        note="checked for d = 3, where every kind of coordinate (1, √2x_i, √2x_ix_j, x_i²) occurs",
    ),
    _L(
        "problem_3_2_2a",
        _A,
        721,
        "(polynomial kernel) $K(x_1, x_2) = (1 +",
        "Problem 3.2.2(a)",
        r"K(x,y)=1+(x\cdot y)^d\ \text{is a kernel}",
        reading=_rd("kernel_poly_psd", sp.Ge(kpsd_poly, 0)),
        note="a representation φ exists iff every Gram matrix is PSD (Moore–Aronszajn); measured on unit "
        "vectors in R³, d = 3",
    ),
    _L(
        "problem_3_2_2b",
        _A,
        721,
        "(Gaussian Kernel) $K(x_1, x_2) = \\exp(-\\",
        "Problem 3.2.2(b)",
        r"K(x,y)=e^{-\|x-y\|^2}\ \text{is a kernel}",
        reading=_rd("kernel_gauss_psd", sp.Ge(kpsd_gauss, 0)),
    ),
    _L(
        "problem_3_2_2c",
        _A,
        721,
        "(Laplace Kernel) $K(x_1, x_2) = \\exp(\\|x",
        "Problem 3.2.2(c)",
        r"K(x_1,x_2)=\exp(\|x_1-x_2\|_2)\ \text{is a kernel}",
        reading=_rd("kernel_lap_plus_psd", sp.Ge(kpsd_lap_plus, 0)),
        corrected=_rd("kernel_lap_psd", sp.Ge(kpsd_lap, 0)),
        corrected_latex=r"K(x_1,x_2)=\exp(-\|x_1-x_2\|_2)",
        note="with the sign as printed two points at distance δ > 0 give the Gram matrix [[1, e^δ], [e^δ, "
        "1]], "
        "with the negative eigenvalue 1 − e^δ",
    ),
    _L(
        "problem_3_2_2c_distance",
        _A,
        721,
        r"\exp(\sqrt{1 - 2x_1 \cdot x_2})",
        "Problem 3.2.2(c)",
        r"\|x_1-x_2\|_2=\sqrt{1-2x_1\cdot x_2}\ (\|x_1\|=\|x_2\|=1)",
        reading=_rd("unit_distance_as_written", sp.Eq(dist_s, sp.sqrt(1 - 2 * ip_s)), ("unit_vectors",)),
        point={dist_s: sp.sqrt(2), ip_s: 0},
        corrected=_rd("unit_distance_sq", sp.Eq(dist_s**2, 2 - 2 * ip_s), ("unit_vectors",)),
        corrected_latex=r"\|x_1-x_2\|_2=\sqrt{2-2x_1\cdot x_2}",
        note="orthogonal unit vectors (x₁·x₂ = 0, ‖x₁ − x₂‖ = √2): √2 on the left, 1 on the right; the "
        "corrected "
        "identity is also step unit_distance in angle coordinates",
    ),
    _L(
        "gram_matrix",
        _A,
        727,
        "G_{ij} = \\phi(x^{(i)}) \\cdot \\phi(x^{(j)",
        "§3.2",
        r"G_{ij}=\phi(x^{(i)})\cdot\phi(x^{(j)})",
        unchecked=_DEF + " (its positive semidefiniteness is the entry at 000:422)",
    ),
    _L(
        "eq_3_8",
        _A,
        729,
        r"h(x) = z^T G^{-1} y (3.8)",
        "eq. (3.8)",
        r"h(x)=\lim_t w_t\cdot\phi(x)=z^\top G^{-1}y",
        reading=_rd("eq_3_8", sp.Eq(kdev, 0), ("kernel_pd", "eta_book")),
        note="G invertible is the kernel form of the independence assumed at line 665; the step range is "
        "line 680's",
    ),
    _L(
        "eq_3_9",
        _A,
        735,
        r"h(x) = \sum_{i} \alpha_i K(x, x_i)",
        "eq. (3.9)",
        r"\alpha=G^{-1}y,\ h(x)=\sum_i\alpha_iK(x,x_i)",
        reading=_rd("kernel_form", _step("kernel_form")),
        note="φ(x)ᵀΦᵀ(ΦΦᵀ)⁻¹y = zᵀG⁻¹y = Σ_i α_i K(x, x_i) with z = Φφ(x)",
    ),
    _L(
        "min_rkhs_norm",
        _A,
        737,
        "minimizing the ℓ_2 norm of w while fitti",
        "§3.2",
        r"w_\infty=\arg\min\{\|w\|: \Phi w=y\}",
        reading=_rd("min_norm_rkhs", CLAIMS[5].relation, **_MIN_NORM),
        note="the same orthogonality as in the finite-dimensional case, with X replaced by the feature "
        "matrix Φ",
    ),
    # ---------------------------------------------------------------- 002 §5.7
    _L(
        "rademacher_kernel",
        _A,
        1225,
        r"\sqrt{2y^{\top}Gy \cdot \text{Tr}(G)}/n",
        "§5.7, exercise 1",
        r"\mathcal R_S\big(\{h:\|h\|_{\mathcal H}\le\|z^\top G^{-1}y\|_{\mathcal H}\}\big)\le\sqrt{2y^\top "
        r"Gy\,\mathrm{Tr}(G)}/n",
        reading=_rd("rademacher_kernel", sp.Le(rad, sp.sqrt(2 * yGy * trG) / n_pts)),
        point={rad: 1, yGy: sp.Rational(1, 2), trG: sp.Rational(1, 2), n_pts: 2},
        corrected_latex=r"\mathcal R_S\le\sqrt{y^\top G^{-1}y\,\mathrm{Tr}(G)}/n",
        note="G = I₂/4, y = (1, 1): the classifier's RKHS norm is √(yᵀG⁻¹y) = √8, and the ball of that "
        "radius has "
        "empirical Rademacher complexity (√8/2)·E√(σᵀGσ) = 1 (every σ gives σᵀGσ = 1/2), above the bound "
        "√2/4. "
        "Scaling K by c leaves the left side unchanged and multiplies the bound by c, so no loss or constant "
        "rescues yᵀGy; with yᵀG⁻¹y (Jensen: E√(σᵀGσ) ≤ √Tr G) it holds, with equality here",
    ),
    # ---------------------------------------------------------------- 002 §8.1
    _L(
        "eq_8_1",
        _A,
        1689,
        "L(w) = \\sum_{i=1}^{n} \\left(w^{\\top} x^{",
        "eq. (8.1)",
        r"L(w)=\sum_i(w^\top x^{(i)}-y^{(i)})^2",
        unchecked=_DEF,
    ),
    _L(
        "underdetermined",
        _A,
        1694,
        r"has multiple global minima denoted by",
        "§8.1",
        r"n<d,\ \min_wL=0\implies|\mathcal G|>1",
        reading=_rd("null_space_8_1", _step("null_space"), ("full_row_rank",)),
    ),
    _L(
        "prop_8_1_1",
        _A,
        1698,
        "w_t \\rightarrow \\underset{w \\in \\mathcal",
        "Proposition 8.1.1",
        r"w_t\to\arg\min_{w\in\mathcal G}\|w-w_0\|_2",
        reading=_rd("prop_8_1_1", sp.Eq(devprop, 0), ("eta_range",)),
        note="measured with a varying schedule η_t ∈ [η/2, η] for each generated η (a schedule that "
        "minimizes the "
        "loss), from a random w_0; the target is w_0 + X⁺(y − Xw_0)",
    ),
    _L(
        "prop_8_1_1_gradient",
        _A,
        1700,
        "\\nabla L(w) = \\sum_i (w^\\top x^{(i)} - y",
        "proof of Prop. 8.1.1",
        r"\nabla L(w)=\sum_i(w^\top x^{(i)}-y^{(i)})x^{(i)}",
        reading=_rd(
            "grad_8_1_as_written",
            sp.Eq(sp.diff((_w * _x - _y) ** 2, _w), (_w * _x - _y) * _x, evaluate=False),
        ),
        point={_w: 1, _x: 1, _y: 0},
        corrected=_rd("grad_no_half", _step("grad_no_half")),
        corrected_latex=r"\nabla L(w)=2\sum_i(w^\top x^{(i)}-y^{(i)})x^{(i)}",
        note="L of (8.1) has no ½; the conclusion (the gradient lies in span{x⁽ⁱ⁾}) is unaffected",
    ),
    _L(
        "prop_8_1_1_span",
        _A,
        1700,
        r"\in \text{span}(\{x^{(i)}\})",
        "proof of Prop. 8.1.1",
        r"\nabla L(w)\in\operatorname{span}\{x^{(i)}\}",
        reading=_rd("grad_row_space", _step("grad_row_space")),
    ),
    _L(
        "prop_8_1_1_accumulate",
        _A,
        1700,
        r"w_t - w_0 = \sum_{t' < t} \eta w_{t'}",
        "proof of Prop. 8.1.1",
        r"w_t-w_0=\sum_{t'<t}\eta w_{t'}",
        reading=_rd(
            "accumulate_as_written", sp.Eq(-eta * 2 * _x * (w0_s * _x - _y), eta * w0_s, evaluate=False)
        ),
        point={eta: sp.Rational(1, 2), _x: 1, _y: 1, w0_s: 0},
        corrected_latex=r"w_t-w_0=-\sum_{t'<t}\eta_{t'}\nabla L(w_{t'})",
        note="one step (t = 1) in one dimension: GD moves by −η∇L(w_0) = 1, the formula gives ηw_0 = 0",
    ),
    _L(
        "prop_8_1_1_unique",
        _A,
        1700,
        r"this unique minimizer is given by",
        "proof of Prop. 8.1.1",
        r"\mathcal G\cap(w_0+\operatorname{span}\{x^{(i)}\})=\{\arg\min_{w\in\mathcal G}\|w-w_0\|\}",
        reading=_rd("min_norm_8_1", CLAIMS[5].relation, **_MIN_NORM),
        note="shifted by w_0 it is the min-norm statement: the interpolant in the row space is orthogonal to "
        "every other's difference",
    ),
    _L(
        "eq_8_2",
        _A,
        1710,
        "\\langle w, \\nabla L(w_t) \\rangle + \\frac",
        "eq. (8.2)",
        r"w_{t+1}=\arg\min_w\langle w,\nabla L(w_t)\rangle+\tfrac1{2\eta}\|w-w_t\|^2",
        reading=_rd("prox_step", _step("prox_step")),
    ),
    _L(
        "eq_8_3",
        _A,
        1719,
        "\\nabla R(w_{t+1}) = \\nabla R(w_t) - \\eta",
        "eq. (8.3)",
        r"\nabla R(w_{t+1})=\nabla R(w_t)-\eta\nabla L(w_t)",
        reading=_rd("mirror_step", _step("mirror_step")),
        note="the first-order condition of the argmin above it (unique for strictly convex R)",
    ),
    _L(
        "md_gd",
        _A,
        1722,
        r"which leads to gradient descent",
        "§8.1.1",
        r"R=\tfrac12\|w\|^2:\ D_R(w,w')=\tfrac12\|w-w'\|^2",
        reading=_rd("bregman_l2", _step("bregman_l2")),
    ),
    _L(
        "md_entropy",
        _A,
        1722,
        r"the entropy potential",
        "§8.1.1",
        r"R(w)=\sum_iw[i]\log w[i]-w[i]",
        reading=_rd("bregman_entropy", _step("bregman_entropy")),
        note="its Bregman divergence is the unnormalized KL divergence w log(w/w') − w + w'",
    ),
    _L(
        "dual_iterates",
        _A,
        1724,
        r"\nabla R(w_0) + \text{span}(\{x^{(i)}\})",
        "§8.1.1",
        r"\nabla R(w_t)\in\nabla R(w_0)+\operatorname{span}\{x^{(i)}\}",
        reading=_rd("grad_row_space_md", _step("grad_row_space")),
        note="by (8.3) ∇R(w_t) − ∇R(w_0) is a sum of gradients, each in the span",
    ),
    _L(
        "thm_8_1_2",
        _A,
        1728,
        "w^* = \\arg\\min_{w:\\forall i, w^{\\top} x^",
        "Theorem 8.1.2, eq. (8.4)",
        r"w^*=\arg\min_{w\in\mathcal G}D_R(w,w_0)",
        reading=_rd("thm_8_1_2", sp.Eq(devmd, 0), ("eta_range",)),
        note="measured for quadratic potentials R = ½wᵀDw (random diagonal D ≻ 0), where mirror descent is "
        "GD in "
        "D^{1/2}w; the step range makes w_t converge, as the theorem assumes",
    ),
    _L(
        "thm_8_1_2_min",
        _A,
        1731,
        "then we get to $\\arg \\min_{w \\in \\mathca",
        "Theorem 8.1.2",
        r"\nabla R(w_0)=0\implies D_R(w,w_0)=R(w)-R(w_0)",
        reading=_rd("bregman_at_min", _step("bregman_at_min")),
    ),
    _L(
        "thm_8_1_2_proof",
        _A,
        1733,
        r"D_R(w, w_0) - \sum_{i=1}^n \lambda_i x_i",
        "proof of Theorem 8.1.2",
        r"\nabla_w\Big[D_R(w,w_0)-\sum_i\lambda_ix_i\Big]=0",
        reading=_rd("md_stationary", _step("md_stationary")),
        note="read with the missing inner product: w ↦ D_R(w, w_0) − Σλ_i x_iᵀw, whose gradient is "
        "∇R(w) − ∇R(w_0) − Σλ_i x_i",
    ),
    _L(
        "eq_8_5_l1",
        _A,
        1740,
        "coordinate descent, which is steepest",
        "§8.1.1, after (8.5)",
        r"\min_v\langle g,v\rangle+\tfrac12\|v\|_1^2=-\tfrac12\|g\|_\infty^2\ (\text{a coordinate step})",
        reading=_rd("sd_l1", _step("sd_l1")),
        note="Hölder gives ⟨g, v⟩ ≥ −‖g‖_∞‖v‖₁; the remaining one-variable bound is the step",
    ),
    _L(
        "sd_quadratic",
        _A,
        1742,
        "This is indeed the case for quadratic no",
        "§8.1.1",
        r"\|v\|_D:\ w_t\to\arg\min_{w\in\mathcal G}\|w-w_0\|_D",
        reading=_rd("sd_quadratic", sp.Eq(devmd, 0), ("eta_range",)),
        note="steepest descent for ‖·‖_D is mirror descent with R = ½‖w‖²_D (step −ηD⁻¹∇L), measured as for "
        "Theorem 8.1.2",
    ),
    _L(
        "footnote_stochastic",
        _A,
        1744,
        r"instancewise stochastic gradients",
        "§8.1, footnote 2",
        r"(w^\top x^{(i)}-y^{(i)})x^{(i)}\in\operatorname{span}\{x^{(i)}\}",
        reading=_rd("grad_row_space_sgd", _step("grad_row_space")),
        note="each example's gradient lies in the span; the argument is unchanged",
    ),
    _L(
        "example_1_cd",
        _A,
        1746,
        "coordinate descent, which is a special c",
        "§8.1.1, Example 1",
        r"\text{CD path}=\ell_1\text{ regularization path when monotone}",
        unchecked="a cited result on boosting paths (Efron et al. 2004); the suite runs no coordinate "
        "descent",
    ),
    _L(
        "example_2_lp",
        _A,
        1748,
        "using steepest descent updates w.r.t. th",
        "§8.1.1, Example 2",
        r"\lim_{\eta\to0}w^\infty_\eta\neq\arg\min_{w\in\mathcal G}\|w-w_0\|_{4/3}",
        unchecked="a numerical observation (Figure 8.1); the suite runs no ℓ_{4/3} steepest descent",
    ),
    _L(
        "parametrization",
        _A,
        1760,
        r"f_{u^{\odot 2} - v^{\odot 2}}(x)",
        "§8.1.2",
        r"(u,v)\mapsto u^{\odot2}-v^{\odot2}\ \text{is onto}\ \mathbb R^d",
        reading=_rd("reparam_square", _step("reparam_square")),
        note="coordinatewise: w ≥ 0 is (√w)² − 0², w < 0 is 0² − (√−w)²; u ⊙ v is onto with v = 1",
    ),
    # ---------------------------------------------------------------- 002 §10.1
    _L(
        "def_10_1_1",
        _A,
        2439,
        "I(x,z) = \\frac{\\partial}{\\partial \\epsil",
        "Definition 10.1.1",
        r"I(x,z)=\partial_\epsilon\ell(z,\theta^*_{x,\epsilon})|_{\epsilon=0}",
        unchecked=_DEF,
    ),
    _L(
        "influence_optimality",
        _A,
        2441,
        r"\nabla_{\theta}(S, \theta^*) = 0",
        "§10.1",
        r"\nabla_\theta\ell(S,\theta^*)=0",
        reading=_rd("influence_optimality", _step("influence_optimality")),
        note="extraction dropped ℓ in ∇_θℓ(S, θ*); checked for least squares in one parameter",
    ),
    _L(
        "influence_psd",
        _A,
        2441,
        r"is positive semi-definite",
        "§10.1",
        r"\nabla^2_\theta\ell(S,\theta^*)\succeq0",
        reading=_rd("influence_hessian_psd", _step("influence_hessian_psd")),
        note="Theorem 10.1.2 writes H⁻¹, so it needs H ≻ 0; read there as an implicit assumption",
    ),
    _L(
        "thm_10_1_2",
        _A,
        2443,
        "I(x,z) = -\\nabla_{\\theta} (\\ell(z,\\theta",
        "Theorem 10.1.2",
        r"I(x,z)=-\nabla_\theta\ell(z,\theta^*)^\top H^{-1}\nabla_\theta\ell(x,\theta^*)",
        reading=_rd("influence", _step("influence")),
        note="checked exactly for least squares in one parameter with two training points (the perturbed "
        "minimizer in closed form)",
    ),
    _L(
        "influence_taylor",
        _A,
        2445,
        "\\ell(S, \\theta^* + \\Delta \\theta) \\appro",
        "proof of Theorem 10.1.2",
        r"\ell(S,\theta^*+\Delta)\approx\ell(S,\theta^*)+\tfrac12\Delta^\top H\Delta",
        reading=_rd("influence_quadratic", _step("influence_quadratic")),
        note="a second-order expansion; exact for the quadratic losses of least squares, which is what is "
        "checked",
    ),
    _L(
        "influence_minimizer",
        _A,
        2449,
        "\\Delta \\theta = -\\epsilon H_{\\theta^*}^{",
        "proof of Theorem 10.1.2",
        r"\Delta\theta=-\epsilon H^{-1}\nabla\ell(x,\theta^*)",
        reading=_rd("influence_stationary", _step("influence_stationary")),
    ),
    _L(
        "problem_10_1_3",
        _A,
        2455,
        r"A^{-1} = \sum_{i=0}^{\infty} (I - A)^i",
        "Problem 10.1.3",
        r"A\succ0,\ \lambda_{\max}(A)<1\implies A^{-1}=\sum_{i\ge0}(I-A)^i",
        reading=_rd(
            "problem_10_1_3", sp.Eq(nd_inv, 0), ("series_pd", "series_below_one"), sharper=sp.Eq(nd_inv2, 0)
        ),
        corrected_latex=r"A\succ0,\ \lambda_{\max}(A)<2\implies A^{-1}=\sum_{i\ge0}(I-A)^i",
        note="true, with room: 2Σ(I − 2A)^i = A⁻¹ under the same conditions (the sharper form), i.e. "
        "λ_max(A) < 2 suffices",
    ),
    _L(
        "problem_10_1_4",
        _A,
        2459,
        r"\lambda_{max}(A^{-1} - S_r) \leq ??",
        "Problem 10.1.4",
        r"\lambda_{\max}(A^{-1}-S_r)\le\ ??",
        unchecked="the bound is missing in the document (an unresolved reference, ??)",
    ),
    _L(
        "hvp",
        _A,
        2461,
        r"Since (I - H)v = v - Hv",
        "§10.1.1",
        r"(I-H)v=v-Hv",
        reading=_rd("hvp_identity", _step("hvp_identity")),
        note="the truncated series Σ_{i≤r}(I − H)^i v approximates H⁻¹v under Problem 10.1.3's conditions "
        "(entry at line 2455)",
    ),
    # ---------------------------------------------------------------- 000 lecture 9
    _L(
        "double_descent_observed",
        _C,
        349,
        "test error will begin decreasing",
        "lecture 9",
        r"\text{risk decreases with the number of parameters past interpolation}",
        unchecked="an empirical observation (Belkin et al.); its model form is the risk formula at line 372",
    ),
    _L(
        "infinitely_many_solutions",
        _C,
        351,
        "there are infinitely many solutions",
        "lecture 9",
        r"\{w: f_w=f_{w^*}\}\ \text{is infinite}",
        reading=_rd("null_space_000", _step("null_space"), ("full_row_rank",)),
    ),
    _L(
        "model_000",
        _C,
        358,
        "Our labels are \\(\\displaystyle y = x^t \\",
        "lecture 9",
        r"x\sim N(0,I_d),\ y=x^\top\beta",
        unchecked=_DEF + " (the model of the entries at lines 365–372)",
    ),
    _L(
        "selection_000", _C, 360, r"\beta^*_{T^c} =0", "lecture 9", r"|T|=p,\ \beta^*_{T^c}=0", unchecked=_DEF
    ),
    _L(
        "loss_000",
        _C,
        364,
        "\\min_{\\beta_T} \\Vert X_T \\beta_T - y \\Ve",
        "lecture 9",
        r"\min_{\beta_T}\|X_T\beta_T-y\|^2",
        unchecked=_DEF,
    ),
    _L(
        "normal_equations_000",
        _C,
        365,
        "(X_{T}^t X_{T})^{-1} X_{T}^t y = X_{T}^{",
        "lecture 9",
        r"\beta_T^*=(X_T^\top X_T)^{-1}X_T^\top y=X_T^+y",
        reading=_rd("normal_equations", sp.Eq(dev365, 0)),
        corrected=_rd("normal_equations_fixed", sp.Eq(dev365, 0), ("full_column_rank",)),
        corrected_latex=r"p\le n:\ (X_T^\top X_T)^{-1}X_T^\top y=X_T^+y;\ \ p>n:\ \beta_T^*=X_T^+y",
        note="for p > n (the regime of the second descent, line 372) X_TᵀX_T is singular: only X_T⁺y is "
        "defined",
    ),
    _L(
        "risk_identity_000",
        _C,
        368,
        "&= \\Vert \\beta_{T^c} \\Vert^2 + \\Vert \\be",
        "lecture 9",
        r"E[(y-x^\top\beta^*)^2]=\|\beta_{T^c}\|^2+\|\beta_T-\beta_T^*\|^2",
        reading=_rd("risk_identity", _step("risk_identity")),
        note="extraction: 'β − β²' reads β − β*, and ‖β − β*‖ lost its square; checked with Gaussian moments "
        "in two dimensions",
    ),
    _L(
        "risk_condition_000",
        _C,
        370,
        r"B_{T^c} \neq 0",
        "lecture 9",
        r"\beta_{T^c}\neq0",
        unchecked="a case hypothesis of the formula at line 372 (which holds without it)",
    ),
    _L(
        "risk_formula_000",
        _C,
        372,
        r"(1 + \frac{p}{n-p-1}) & p \leq n-2",
        "lecture 9 (Belkin–Hsu–Xu Thm 1), first case",
        r"p\le n-2:\ E[(y-x^\top\beta^*)^2]=\|\beta_{T^c}\|^2\big(1+\tfrac{p}{n-p-1}\big)",
        reading=_rd("risk_under", sp.Eq(rmc, bTc2 * (1 + p_feat / (n_pts - p_feat - 1))), ("under_2",)),
        note="Monte Carlo at n = 20, D = 60, β uniform, p ≤ n − 4 (finite variance; a t-interval at level 1 "
        "− 10⁻⁶ on 50 batch means)",
    ),
    _L(
        "risk_formula_000_inf",
        _C,
        372,
        r"+\infty & n-1 \leq p \leq n+1",
        "lecture 9 (Belkin–Hsu–Xu Thm 1), second case",
        r"n-1\le p\le n+1:\ E[(y-x^\top\beta^*)^2]=+\infty",
        unchecked="an infinite expectation, which a Monte Carlo mean cannot decide; the double-descent "
        "experiment shows the blow-up near p = n",
    ),
    _L(
        "risk_formula_000_over",
        _C,
        372,
        r"(1 + \frac{n}{p-n-1}) & p \geq n+2",
        "lecture 9 (Belkin–Hsu–Xu Thm 1), third case",
        r"p\ge n+2:\ E[\cdot]=\|\beta_T\|^2\big(1-\tfrac "
        r"np\big)+\|\beta_{T^c}\|^2\big(1+\tfrac{n}{p-n-1}\big)",
        reading=_rd(
            "risk_over",
            sp.Eq(rmc, bT2 * (1 - n_pts / p_feat) + bTc2 * (1 + n_pts / (p_feat - n_pts - 1))),
            ("over_2",),
        ),
        note="Monte Carlo as for the first case, at p ≥ n + 4",
    ),
    _L(
        "prescient_000",
        _C,
        374,
        r"\beta_j^2 = \frac{1}{j^2}",
        "lecture 9",
        r"\beta_j^2=j^{-2}\Rightarrow\text{double descent}",
        unchecked="a qualitative statement about the shape of a curve",
    ),
    _L(
        "linreg_000",
        _C,
        395,
        "L(w) = \\frac{1}{2} \\sum_{i=1}^{n}(y_i -",
        "lecture 7 (in 9)",
        r"L(w)=\tfrac12\sum_i(y_i-w^\top x_i)^2",
        unchecked=_DEF,
    ),
    _L(
        "gradient_sign_000",
        _C,
        398,
        "\\sum_{i=1}^{n}(y_i - f(w, x_i)) \\nabla_{",
        "lecture 7 (in 9)",
        r"\nabla L(w)=\sum_i(y_i-f(w,x_i))\nabla_wf(w,x_i)",
        reading=_rd(
            "gradient_sign_as_written",
            sp.Eq(sp.diff((_y - _w * _x) ** 2 / 2, _w), (_y - _w * _x) * _x, evaluate=False),
        ),
        point={_w: 0, _x: 1, _y: 1},
        corrected_latex=r"\nabla L(w)=-\sum_i(y_i-f(w,x_i))\nabla_wf(w,x_i)",
        note="one point x = 1, y = 1 at w = 0: ∇L = −1, the formula gives +1 (it is the negative gradient)",
    ),
    _L(
        "features_000",
        _C,
        404,
        "\\phi(x)= \\begin{bmatrix} x_1\\\\ x_2\\\\ x_3",
        "lecture 7 (in 9)",
        r"\phi(x)=(x_1,x_2,x_3,x_1x_2,x_1x_3,x_2x_3)",
        unchecked=_DEF,
    ),
    _L(
        "linear_in_w_000",
        _C,
        407,
        "Is this model linear in w? Yes!",
        "lecture 7 (in 9)",
        r"f(w,x)=w^\top\phi(x)\ \text{linear in } w",
        reading=_rd("linear_in_w", _step("linear_in_w")),
    ),
    _L(
        "not_linear_in_x_000",
        _C,
        408,
        "Is this model linear in x? No!",
        "lecture 7 (in 9)",
        r"f(w,2x)\ne2f(w,x)",
        reading=_rd("not_linear_in_x", _step("not_linear_in_x")),
        note="the difference is the quadratic part 2(w₄x₁x₂ + w₅x₁x₃ + w₆x₂x₃), not identically zero",
    ),
    _L(
        "feature_count_000",
        _C,
        417,
        r"D=O(10^15)",
        "lecture 7 (in 9)",
        r"d=10^5,\ D=O(d^k)=O(10^{15})",
        reading=_rd("poly_feature_count", _step("poly_feature_count")),
        note="read with k = 3, the exponent that gives 10¹⁵",
    ),
    _L(
        "kernel_psd_000",
        _C,
        422,
        "K is a PSD matrix.",
        "lecture 7 (in 9)",
        r"K=(\langle\phi(x_i),\phi(x_j)\rangle)_{ij}\succeq0",
        reading=_rd("gram_psd", _step("gram_psd")),
    ),
    _L(
        "poly_kernel_000",
        _C,
        428,
        r"K(x_i, x_j) = (x + x_i^t x_j)^k",
        "lecture 7 (in 9)",
        r"K(x_i,x_j)=(x+x_i^\top x_j)^k",
        reading=_rd("poly_kernel_psd", sp.Ge(kpsd_polyk, 0)),
        note="the constant reads c (here c = 1): (c + xᵀx')^k is a kernel; measured PSD for k = 1..4",
    ),
    _L(
        "kernel_cost_000",
        _C,
        429,
        r"is \(\displaystyle O(d)\)",
        "lecture 7 (in 9)",
        r"\text{cost of }K(x_i,x_j)=O(d)",
        unchecked="a statement about computing cost, not about values",
    ),
    _L(
        "nn_gd_000",
        _C,
        441,
        r"(f(w, x_i) - y_i) \nabla_w f(w_t, x_i)",
        "lecture 7 (in 9)",
        r"\nabla L(w)=\sum_i(f(w,x_i)-y_i)\nabla_wf(w,x_i)",
        reading=_rd("chain_rule_loss", _step("chain_rule_loss")),
    ),
    _L(
        "taylor_000",
        _C,
        452,
        r"f(w, x) \approx f(w_0, x)",
        "lecture 7 (in 9)",
        r"f(w,x)\approx f(w_0,x)+\nabla f(w_0,x)^\top(w-w_0)",
        unchecked="an approximation without a stated error term ('w_x' reads w_0)",
    ),
    _L(
        "grad_a_000",
        _C,
        459,
        "\\nabla_{a_i} f_m(w, x) = \\frac{1}{\\sqrt{",
        "lecture 7 (in 9)",
        r"\nabla_{a_i}f=m^{-1/2}b_i\sigma'(a_i^\top x)x",
        reading=_rd("net_gradients", _step("net_gradients")),
        note="checked with m = 2 hidden units in two dimensions, σ an arbitrary differentiable function",
    ),
    _L(
        "grad_b_000",
        _C,
        460,
        "\\nabla_{b_i} f_m(w, x) = \\frac{1}{\\sqrt{",
        "lecture 7 (in 9)",
        r"\nabla_{b_i}f=m^{-1/2}\sigma(a_i^\top x)",
        reading=_rd("net_gradients_b", _step("net_gradients")),
    ),
    _L(
        "ntk_split_000",
        _C,
        462,
        "K_{m}(x, x') = K_{m}^{(a)}(x, x') + K_{m",
        "lecture 7 (in 9)",
        r"K_m=K_m^{(a)}+K_m^{(b)}",
        reading=_rd("ntk_split", _step("ntk_split")),
    ),
    _L(
        "ntk_a_000",
        _C,
        463,
        "b_i^2 \\sigma'(a_i^tx) \\sigma'(a_i^tx) (x",
        "lecture 7 (in 9)",
        r"K_m^{(a)}=\tfrac1m\sum_ib_i^2\sigma'(a_i^\top x)\sigma'(a_i^\top x)(xx')",
        reading=_rd("ntk_a", _step("ntk_split")),
        note="read with the second argument x': σ'(a_iᵀx)σ'(a_iᵀx')(xᵀx') (a lost prime)",
    ),
    _L(
        "ntk_b_000",
        _C,
        464,
        r"\sigma(a_i^t x) \sigma(a_i^t x')",
        "lecture 7 (in 9)",
        r"K_m^{(b)}=\tfrac1m\sum_i\sigma(a_i^\top x)\sigma(a_i^\top x')",
        reading=_rd("ntk_b", _step("ntk_split")),
    ),
    _L(
        "lln_000",
        _C,
        469,
        r"K^{(a)}(x, x') = E \left[ b^2",
        "lecture 7 (in 9)",
        r"K_m^{(a)}\to E[b^2\sigma'(a^\top x)\sigma'(a^\top x')(xx')]",
        unchecked="a law-of-large-numbers limit (i.i.d. terms with finite mean), not simulated",
    ),
    _L(
        "relu_ntk_000",
        _C,
        472,
        r"(\pi - \theta(x, x))",
        "lecture 7 (in 9)",
        r"K^{(a)}=\frac{(xx')E[b^2]}{2\pi}(\pi-\theta(x,x))",
        unchecked="closed forms of the ReLU arc-cosine kernels; the suite has no Monte Carlo of them",
    ),
    _L(
        "flow_000",
        _C,
        482,
        "\\frac{w(t+1) - w(t)}{\\eta} = - \\nabla_{w",
        "lecture 7 (in 9)",
        r"\frac{w(t+1)-w(t)}\eta=-\nabla L(w(t))",
        reading=_rd("gd_flow_quotient", _step("gd_flow_quotient")),
    ),
    _L(
        "flow_grad_000",
        _C,
        485,
        "\\frac{dw(t)}{dt} = -\\nabla_{w} \\hat{y}(w",
        "lecture 7 (in 9)",
        r"\dot w=-\nabla\hat y(w)(\hat y(w)-y)",
        reading=_rd("chain_rule_flow", _step("chain_rule_loss")),
    ),
    _L(
        "output_flow_000",
        _C,
        486,
        "&= - \\nabla_{w} \\hat{y}(w(t))^2 \\frac{dw",
        "lecture 7 (in 9)",
        r"\frac{d\hat y}{dt}=-\nabla\hat y(w(t))^2\frac{dw}{dt}",
        reading=_rd("output_flow_as_written", sp.Eq(gy * wd, -gy * wd, evaluate=False)),
        point={gy: 1, wd: 1},
        corrected=_rd("output_chain_rule", _step("output_chain_rule")),
        corrected_latex=r"\frac{d\hat y}{dt}=\nabla\hat y^\top\frac{dw}{dt}=-\nabla\hat y^\top\nabla\hat "
        r"y(\hat y-y)",
        note="'²' reads as a transpose; the minus sign is extra in the first equality (the second line, with "
        "dw/dt "
        "substituted, is right)",
    ),
    _L(
        "linear_ode_000",
        _C,
        489,
        r"u(t) = u(0)\exp(-K(w_i)t)",
        "lecture 7 (in 9)",
        r"\dot u=-Ku\implies u(t)=e^{-Kt}u(0)",
        reading=_rd("linear_ode", _step("linear_ode")),
        note="checked per eigen-direction of K (a scalar K)",
    ),
    _L(
        "ntk_pd_000",
        _C,
        490,
        r"K(w_0) \gt 0 \) (positive definite)",
        "lecture 7 (in 9)",
        r"K(w_0)\succ0",
        unchecked="a property of the tangent kernel of wide networks (the PL theorem's subject), not "
        "measured here",
    ),
    # ---------------------------------------------------------------- 001
    _L(
        "early_stop_ridge_001",
        _W,
        67,
        "early stopping is very similar to ridge",
        "§1.6.1.2",
        r"\text{GD at time }t\approx\text{ridge at }\lambda",
        unchecked="a qualitative comparison; the quantitative form is not stated",
    ),
    _L(
        "ridge_row_space_001",
        _W,
        69,
        "soln will lie in $$p-dim$$ row-space of",
        "§1.6.1.2",
        r"(X^\top X+\lambda I)^{-1}X^\top y\in\operatorname{row}(X)",
        reading=_rd("ridge_row_space", _step("ridge_row_space")),
        note="'p-dim' reads 'in R^p' (the row space has dimension rank X ≤ n)",
    ),
    _L(
        "ridge_limit_001",
        _W,
        71,
        "when $$\\lambda \\to 0$$, will give us min",
        "§1.6.1.2",
        r"\lim_{\lambda\to0}(X^\top X+\lambda I)^{-1}X^\top y=X^+y",
        reading=_rd("ridge_to_min_norm", _step("ridge_to_min_norm")),
        note="per singular direction σ/(σ² + λ) → 1/σ, and 0 on the null directions",
    ),
    _L(
        "gd_row_space_001",
        _W,
        75,
        "GD soln will always be in the row-space",
        "§1.6.1.2",
        r"w_0=0\implies w_t\in\operatorname{row}(X)",
        reading=_rd("null_invariant_001", CLAIMS[4].relation),
        note="measured for every start: the null-space part of w_t stays at that of w_0 (0 here)",
    ),
    _L(
        "gd_min_norm_001",
        _W,
        77,
        "GD will converge to min-norm soln",
        "§1.6.1.2",
        r"w_\infty=\arg\min\{\|w\|:Xw=y\}",
        reading=_rd("min_norm_001", CLAIMS[5].relation, **_MIN_NORM),
    ),
    _L(
        "gd_ridge_risk_001",
        _W,
        79,
        r"when $$\lambda = 1/t$$",
        "§1.6.1.2",
        r"\lambda=1/t:\ \text{risks close}",
        unchecked="no quantitative statement (the endpoints t = 0, ∞ ↔ λ = ∞, 0 are the entries at lines 71 "
        "and 77)",
    ),
    _L(
        "matrix_completion_001",
        _W,
        87,
        "grad descent on U, V yields min nuclear",
        "§1.6.1.2",
        r"\text{GD on }UV^\top\to\min\|\cdot\|_*",
        unchecked="a conjecture of Gunasekar et al. (2017) stated without its conditions; no matrix "
        "factorization is run",
    ),
    _L(
        "logistic_svm_001",
        _W,
        89,
        "sgd on logistic reg. gives hard margin s",
        "§1.6.1.2",
        r"w_t/\|w_t\|\to w_{SVM}/\|w_{SVM}\|",
        unchecked="convergence in direction at rate 1/log t (Soudry et al. 2018); no logistic regression is "
        "run",
    ),
    _L(
        "deep_linear_001",
        _W,
        91,
        "deep linear net gives the same thing",
        "§1.6.1.2",
        r"\text{deep linear}\to w_{SVM}",
        unchecked="a cited result on deep linear networks; not run",
    ),
    _L(
        "linear_conv_001",
        _W,
        93,
        "minimum l1 norm in discrete fourier tran",
        "§1.6.1.2",
        r"\min\|\hat w\|_1",
        unchecked="a cited result on linear convolutional networks; not run",
    ),
    _L(
        "tv_001",
        _W,
        99,
        "weight decay minimization minimizes deri",
        "§1.6.1.2",
        r"\min\int|f''|",
        unchecked="a cited result on infinite-width ReLU networks (Savarese et al. 2019); not run",
    ),
    _L(
        "spline_001",
        _W,
        105,
        "minimal norm fit for a sample is given b",
        "§1.6.1.2",
        r"\text{min-norm fit}=\text{linear spline}",
        unchecked="a cited result on infinite-width ReLU networks; not run",
    ),
    _L(
        "nngp_001",
        _W,
        125,
        "\\mathbb E_{\\theta \\sim W}[f(\\theta, x) \\",
        "§1.6.1.7",
        r"\ker(x,x')=E_\theta[f(\theta,x)f(\theta,x')]",
        unchecked=_DEF + " (the NNGP kernel)",
    ),
    _L(
        "gp_001",
        _W,
        135,
        "equivalent to Gaussian processes in the",
        "§1.6.1.7",
        r"f(\theta,\cdot)\to\mathcal{GP}",
        unchecked="a cited limit theorem (Neal 1994; Lee et al. 2018); not simulated",
    ),
    # ---------------------------------------------------------------- 003
    _L(
        "weight_decay_def_003",
        _K,
        638,
        "\\frac{1}{2} \\sum_{l=1}^L \\boldsymbol{\\mu",
        "regularization",
        r"\Omega(\theta)=\tfrac12\sum_l\mu^l\|\theta^l\|_F^2",
        unchecked=_DEF,
    ),
    _L(
        "weight_decay_grad_003",
        _K,
        640,
        "\\nabla \\Omega = \\boldsymbol{\\mu} \\boldsy",
        "regularization",
        r"\nabla\Omega=\mu\theta",
        reading=_rd("weight_decay_grad", _step("weight_decay_grad")),
    ),
    _L(
        "weight_decay_step_003",
        _K,
        641,
        "(1 - \\eta \\mu) \\boldsymbol{\\theta}_k - \\",
        "regularization",
        r"\theta_{k+1}=(1-\eta\mu)\theta_k-\eta\nabla\mathcal R(\theta_k)",
        reading=_rd("gd_ridge_update", _step("gd_ridge_update")),
    ),
    _L(
        "weight_decay_shrink_003",
        _K,
        644,
        r"s.t. $1 - \eta > 0$",
        "regularization",
        r"1-\eta>0\implies1-\eta\mu>0\ (\theta\text{ shrinks})",
        reading=_rd("wd_shrink_as_written", sp.Gt(1 - etaw * muw, 0), ("wd_eta",)),
        point={etaw: sp.Rational(1, 2), muw: 3},
        corrected=_rd("wd_shrink", _step("wd_shrink"), ("wd_eta", "wd_mu")),
        corrected_latex=r"1-\eta\mu>0\ (\text{e.g. }1-\eta>0\text{ and }\mu\le1)",
        note="η = 1/2, μ = 3: 1 − η > 0 but the factor 1 − ημ = −1/2 flips θ; it holds when μ ≤ 1 (or read 1 "
        "− ημ > 0)",
    ),
    _L(
        "ridge_quadratic_003",
        _K,
        646,
        "\\mathbf{Q}(\\boldsymbol{\\Lambda} + \\bolds",
        "regularization",
        r"\tilde\theta=Q(\Lambda+\mu I)^{-1}\Lambda Q^\top\theta^*",
        reading=_rd("ridge_quadratic", _step("ridge_quadratic")),
        note="checked per eigen-direction: the minimizer of ½λ(θ − θ*)² + ½μθ² is λθ*/(λ + μ)",
    ),
    _L(
        "ridge_vanish_003",
        _K,
        647,
        r"$\lambda_i \gg \mu$: vanishing effect",
        "regularization",
        r"\lambda_i\gg\mu\Rightarrow\theta_i\approx\theta_i^*",
        reading=_rd("ridge_large_lambda", _step("ridge_large_lambda")),
    ),
    _L(
        "ridge_shrink_003",
        _K,
        648,
        r"$\lambda_i \ll \mu$: shrinking effect",
        "regularization",
        r"\lambda_i\ll\mu\Rightarrow\theta_i\approx0",
        reading=_rd("ridge_large_mu", _step("ridge_large_mu")),
    ),
    _L(
        "ridge_003",
        _K,
        651,
        "(\\mathbf{X}^T \\mathbf{X} + \\mu \\mathbf{I",
        "regularization",
        r"\theta=(X^\top X+\mu I)^{-1}X^\top y",
        reading=_rd("ridge_normal_eq", _step("ridge_normal_eq")),
        note="checked for a 2×2 X: the formula solves the ridge normal equations",
    ),
    _L(
        "projection_003",
        _K,
        653,
        "\\Pi_r(\\mathbf{v}) := \\min\\{1, \\frac{r}{\\",
        "regularization",
        r"\Pi_r(v)=\min\{1,r/\|v\|\}v",
        unchecked=_DEF + " (the projection onto the ball of radius r)",
    ),
    _L(
        "early_stopping_003",
        _K,
        659,
        "can be achieved in $k = \\frac{1}{\\eta \\m",
        "early stopping",
        r"(1-\eta\Lambda)^k\approx\mu(\Lambda+\mu I)^{-1},\ k=\tfrac1{\eta\mu}",
        reading=_rd("early_stop_first_order", _step("early_stop_first_order")),
        note="with k = 1/(ημ), (1 − ηλ)^k → e^{−λ/μ} as η → 0 (step early_stop_limit), which agrees with "
        "μ/(λ + μ) to first order in λ/μ",
    ),
    # ---------------------------------------------------------------- 004
    _L(
        "deep_net_004",
        _N,
        200,
        "f(\\boldsymbol{\\theta}, \\mathbf{x}) &= f^",
        "NTK slide",
        r"f(\theta,x)=W^{(L+1)}g^{(L)}(x)",
        unchecked=_DEF,
    ),
    _L(
        "ntk_def_004",
        _N,
        202,
        "\\ker(\\mathbf{x}, \\mathbf{x}') = \\mathbb{",
        "NTK slide",
        r"\ker(x,x')=E_\theta\langle\partial_\theta f(\theta,x),\partial_\theta f(\theta,x')\rangle",
        unchecked=_DEF,
    ),
    _L(
        "ntk_predictor_004",
        _N,
        204,
        r"(\mathbf{H}^*)^{-1} \mathbf{y}",
        "NTK slide",
        r"f_{ntk}(x_{te})=\ker(x_{te},X)^\top(H^*)^{-1}y",
        reading=_rd("ntk_predictor", CLAIMS[6].relation, ("kernel_pd", "eta_range")),
        note="kernel regression's limit (3.8) with the tangent kernel's Gram matrix H*; measured for three "
        "kernels",
    ),
    _L(
        "thm_3_2_004",
        _N,
        208,
        "|f_{nn}(\\mathbf{x}_{te}) - f_{ntk}(\\math",
        "Theorem 3.2 (Arora et al. 2019)",
        r"|f_{nn}(x_{te})-f_{ntk}(x_{te})|\le\epsilon",
        unchecked="width and confidence enter through unspecified polynomials; nothing numeric to test",
    ),
]

THEOREM = Theorem(
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
    assumptions=ASSUMPTIONS,
    derivation=DERIVATION,
    claims=CLAIMS,
    predicted=PREDICTED,
    as_written=AS_WRITTEN,
    wrong_variants=WRONG_VARIANTS,
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

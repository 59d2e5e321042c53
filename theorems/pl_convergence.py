r"""Polyak–Łojasiewicz convergence, PL* via the tangent kernel, and wide networks.

Statement.  If :math:`\mathcal L` is :math:`\beta`-smooth and :math:`\mu`-PL
(:math:`\tfrac12\|\nabla\mathcal L(w)\|^2\ge\mu(\mathcal L(w)-\mathcal L^*)`), gradient descent with
:math:`0<\eta\le 1/\beta` satisfies

.. math:: \mathcal L(w_{t+1})-\mathcal L^*\le(1-\eta\mu)\,(\mathcal L(w_t)-\mathcal L^*),
          \qquad \mathcal L(w_t)-\mathcal L^*\le(1-\eta\mu)^t(\mathcal L(w_0)-\mathcal L^*).

The derivation proves the one-step factor directly in η (a linear certificate that uses
η ≤ 1/β), the tight factor :math:`1-\mu\eta(2-\beta\eta)` for the whole range
:math:`0<\eta\le2/\beta` (attained by :math:`\tfrac{\lambda}{2}x^2`), that PL and smoothness force
:math:`\mu\le\beta`, Theorem 4.1 of Liu, Zhu & Belkin (:math:`\lambda_{\min}(K)\ge\mu\Rightarrow`
μ-PL* for the square loss, :math:`K=DF\,DF^\top`) and each line of its proof in the CMSC 828W notes,
the Taylor chain of lecture 3, the least-squares case :math:`K=AA^\top`, :math:`H=A^\top A`, and the
diagonal, :math:`O(m^{-1/2})` Hessian of a two-layer network in NTK scaling.  The ball claims (GD stays
in :math:`B(w_0,R)`) are *measured*, not proved: no derivation step has their relation.

Tightness: for μ < β the proved factor is not the worst case.  The best published one-step factor
we found and checked is Abbaszadehpeivasti, de Klerk & Zamani (2023), Theorem 3 (three branches in
ηβ; their continuity and scale invariance are certified below); PEPit's SDP (optional) lies below
it, and the worst two-sided quadratic below that.  PEPit 0.5.1's example code misparenthesises the
first branch: a finding about code, kept as :data:`ADZ_FIRST_AS_CODED` and a tightness note, not
as a line of a source document.

Sources (``../shared/sources``): CMSC 828W notes (000) lines 46–183; Arora et al., *Theory of Deep
Learning* (002) §6.2, lines 1283–1300; course notes (003) lines 392–393; Wu's slides (004) lines
99–134; the "dl theory" notes page (001) lines 113–131.  The PL example :math:`x^2+3\sin^2x` is from
Karimi, Nutini & Schmidt (2016).  Lines 189–267 of 000 (lecture 4, implicit bias on separable
data) are in the cited range but not on this theorem's topic.
"""

from __future__ import annotations

import sympy as sp

from .core import (
    Assumption,
    Claim,
    Combination,
    Instance,
    Monomials,
    Simplification,
    Source,
    Step,
    SumOfSquares,
    Unfold,
    unfolded_definitions,
)
from .sourcefile import book_section

# ----------------------------------------------------------------------------- symbols
mu, beta, eta = sp.symbols("mu beta eta", positive=True)
psi, chi = sp.symbols("psi chi", nonnegative=True)  # eta = 2/(beta(1+psi)), mu = beta/(1+chi): the ranges
L0, L1, Ls = sp.symbols("L0 L1 Lstar", real=True)
g2 = sp.Symbol("g2", nonnegative=True)
gn = sp.Symbol("gnorm", nonnegative=True)
eta_half = 1 / (beta * (1 + psi))  # exactly the range 0 < eta <= 1/beta
eta_full = 2 / (beta * (1 + psi))  # exactly the range 0 < eta <= 2/beta
A = sp.Function("a")  # a(t) = L(w_t) - L*
t = sp.Symbol("t", integer=True, nonnegative=True)
rho = sp.Symbol("rho", nonnegative=True)
lam = sp.symbols("lambda1:4", positive=True)
lmin = sp.Symbol("lambda_min", positive=True)
lmax = sp.Symbol("lambda_max", positive=True)
c = sp.symbols("c1:4", real=True)
DF = sp.MatrixSymbol("DF", 3, 5)
rvec = sp.MatrixSymbol("r", 3, 1)
q = sp.Symbol("q", nonnegative=True)  # q = sqrt(1 - eta mu) in [0, 1)
Lz = sp.Symbol("L_0", positive=True)  # L(w_0) - L* (= L(w_0) under PL*)
Lw = sp.Symbol("Lw", nonnegative=True)  # L(w) = ||F(w) - y||^2 / 2
gHg = sp.Symbol("gHg", real=True)  # grad L^T H(w') grad L
# instance quantities of the claims
a0, a1, T = sp.symbols("a0 a1 T", nonnegative=True)
gap0, gapT = sp.symbols("gap0 gapT", nonnegative=True)
dist = sp.Symbol("dist", nonnegative=True)
hnorm, hmax, xin, mw = (
    sp.Symbol("hnorm", nonnegative=True),
    sp.Symbol("hmax", nonnegative=True),
    sp.Symbol("x", real=True),
    sp.Symbol("m", positive=True),
)
Knorm, Ktrace = sp.symbols("Knorm Ktrace", nonnegative=True)
# 000:164, 000:172–173, 001:131: least-squares slopes of log(quantity) on log m over the widths
# experiment's widths, each measured with its Student-t interval (numerics: the interval's half-width
# is the slope's tolerance): ‖H‖ of f and the kernel's drift under GD (slope_wide), ‖K_g‖ and ‖H_g‖
# of g = φ∘f with φ(u) = u + u²/2 (φ'' = 1), and ‖K_m − K_∞‖ at initialisation (slope_ntk)
slope_wide, slope_Kg, slope_Hg, slope_ntk = sp.symbols("slope_wide slope_Kg slope_Hg slope_ntk", real=True)
WIDE_LIMIT = sp.Le(slope_wide, -sp.Rational(1, 2))  # 000:164: ‖H‖ and the drift fall like m^{-1/2} or faster
PHI_KERNEL_SLOPE = sp.Le(slope_Kg, 0)  # 000:172: ‖K_g‖ = O(1)
PHI_HESSIAN = sp.Eq(slope_Hg, 0)  # 000:173: ‖H_g‖ = Θ(1) when φ'' ≠ 0
NTK_WIDTH = sp.Eq(slope_ntk, -sp.Rational(1, 2))  # 001:131: K_m − K_∞ at initialisation ~ m^{-1/2}
# convexity of the minimiser set (000:64)
fa, fb, fmid, fmin = sp.symbols("f_a f_b f_mid f_min", real=True)
th1, th2 = sp.symbols("theta1 theta2", nonnegative=True)
# strong convexity => PL (003:392), RSI (002:1291/1295)
gv = sp.symbols("g_1:4", real=True)
dv = sp.symbols("d_1:4", real=True)
ip, d2, d2n = (
    sp.Symbol("ip", real=True),
    sp.Symbol("d2", nonnegative=True),
    sp.Symbol("d2next", nonnegative=True),
)
# deep-linear-network shapes (004:103)
dout, mwid = sp.symbols("d_out m_width", positive=True, integer=True)
# 000 as printed: the parameter w inside the radius of 000:100, a radius R bounded from above as at
# 000:141, and the diagonal entries h_1, h_2 of a Hessian (000:163 takes max_i H_ii for ‖H‖₂)
w_par = sp.Symbol("w", real=True)
R_ball = sp.Symbol("R", nonnegative=True)
hd = sp.symbols("h_1:3", real=True)

# the eigenvalues of the Hessian H(w') of 000:129 (real: a Hessian may have negative eigenvalues)
hev = sp.symbols("h_ev1:4", real=True)
# 000:178: a composed model g = φ∘f on two samples: qK = zᵀK_g z = (Dz)ᵀK_f(Dz) with D = diag(|φ'(f_j)|),
# the printed threshold φ(f(w, x_j)) (phi_j) and the constant ρ of the conclusion μρ²
qK = sp.Symbol("qK", real=True)
dphi = sp.symbols("dphi_1:3", nonnegative=True)
phiv = sp.symbols("phi_1:3", real=True)
zc = sp.symbols("z_1:3", real=True)
# 001:125: a two-point distribution of θ (weights p_1, p_2) and two inputs x, x' (f_ij = f(θ_i, x_j))
pw = sp.symbols("p_1:3", nonnegative=True)
fv = sp.symbols("f_11 f_12 f_21 f_22", real=True)

# 000:96: κ of K = AAᵀ for a Gaussian A ∈ ℝ^{n×m} (n fixed, m growing), with the deviation t of the
# Davidson–Szarek bound √m − √n − t ≤ s_min(A) ≤ s_max(A) ≤ √m + √n + t (probability ≥ 1 − 2e^{−t²/2})
kap = sp.Symbol("kappa", positive=True)
nA, mA, tA = sp.symbols("n_A m_A t_A", positive=True)
KAPPA_DS = (sp.sqrt(mA) + sp.sqrt(nA) + tA) ** 2 / (sp.sqrt(mA) - sp.sqrt(nA) - tA) ** 2

_rho_tight = 1 - mu * eta * (2 - beta * eta)
_sig = sp.Function("sigma")
_w = sp.symbols("w1:4", real=True)
_v = sp.symbols("v1:4", real=True)
_xin = sp.Symbol("x", real=True)
_f2 = sum(vi * _sig(wi * _xin) for vi, wi in zip(_v, _w)) / sp.sqrt(3)
_H2 = sp.hessian(_f2, _w)
_grad2 = sp.Matrix([sp.diff(_f2, wi) for wi in _w])
_zz = sp.Symbol("z", real=True)
#: m^{-1/2} v_i x σ'(w_i x), with σ' written as the derivative of σ evaluated at w_i x
_GRAD_CLOSED = sp.Matrix(
    [
        vi * _xin * sp.Subs(sp.Derivative(_sig(_zz), _zz), _zz, wi * _xin) / sp.sqrt(3)
        for vi, wi in zip(_v, _w)
    ]
)
_A2 = sp.Matrix(2, 3, sp.symbols("A11 A12 A13 A21 A22 A23", real=True))
_wv = sp.Matrix(sp.symbols("u1:4", real=True))
_bv = sp.Matrix(sp.symbols("b1:3", real=True))
_lsq = ((_A2 * _wv - _bv).T * (_A2 * _wv - _bv))[0] / 2
# a generic model F: R^2 -> R^2 (undefined functions) and its square loss
_ww = sp.symbols("w_a w_b", real=True)
_F = sp.Matrix([sp.Function(f"F{k}")(*_ww) for k in (1, 2)])
_y = sp.Matrix(sp.symbols("y1 y2", real=True))
_DF = _F.jacobian(_ww)
_sqloss = ((_F - _y).T * (_F - _y))[0] / 2
# the Taylor chain of 000:133 in two dimensions (g = grad L(w_t), H = H(w'))
_g = sp.Matrix(sp.symbols("gg1 gg2", real=True))
_h = sp.symbols("h11 h12 h22", real=True)
_H = sp.Matrix([[_h[0], _h[1]], [_h[1], _h[2]]])
_dw = -eta * _g
# (004:101): the deep-linear loss as a sum over samples and as a Frobenius norm (2x2 product, 3 samples)
_M = sp.Matrix(2, 2, sp.symbols("M11 M12 M21 M22", real=True))
_X = sp.Matrix(2, 3, sp.symbols("X11 X12 X13 X21 X22 X23", real=True))
_Y = sp.Matrix(2, 3, sp.symbols("Y11 Y12 Y13 Y21 Y22 Y23", real=True))
_sum_form = sp.Add(  # kept a sum over the samples, so it compares with the Frobenius form
    *(((_M * _X[:, p] - _Y[:, p]).T * (_M * _X[:, p] - _Y[:, p]))[0] / 2 for p in range(3)), evaluate=False
)
# ½ times the sum of the squared entries of MX − Y (kept unevaluated: the two forms stay apart)
_frob_form = sp.Mul(
    sp.Rational(1, 2), sp.Add(*(e**2 for e in (_M * _X - _Y)), evaluate=False), evaluate=False
)

_gsq = sum(gi**2 for gi in gv)
_gd = sum(gi * di for gi, di in zip(gv, dv))
_dsq = sum(di**2 for di in dv)

# --- 004:124–134 (Theorem 4.3 on Wu's slide): ½‖W_L⋯W_1 − Φ‖_F² from W_l(0) = I, W_L(0) = 0
risk0, riskT = sp.symbols("R_0 R_T", nonnegative=True)  # R(0), R(t) with t = T
Ldep = sp.Symbol("L_dep", positive=True, integer=True)  # the depth L
phiz = sp.Symbol("phi_z", positive=True)  # φ = max{2‖Φ‖_F, 3L^{−1/2}, 1}
ZAI_ETA_MAX = sp.Min(1 / (4 * Ldep**3 * phiz**6), 1 / (144 * Ldep**2 * phiz**4))
ZAI_RATE = sp.Le(riskT, (1 - eta / 2) ** T * risk0)

ASSUMPTIONS = [
    Assumption(
        "smooth_step",
        "β-smooth: the tight one-step form for every step size η > 0 (proved in "
        "descent_lemma, step tight_form)",
        sp.Le(L1, L0 - eta * (1 - beta * eta / 2) * g2),
        for_all=(eta,),
    ),
    Assumption(
        "pl",
        "μ-PL: ½‖∇L(w)‖² ≥ μ(L(w) − L*)",
        sp.Ge(g2, 2 * mu * (L0 - Ls)),
        latex=r"\tfrac12\|\nabla\mathcal L(w)\|^2\ge\mu(\mathcal L(w)-\mathcal L^*)",
    ),
    Assumption("inf", "L* = inf L, so L(w⁺) ≥ L*", sp.Ge(L1, Ls), definition=True),
    Assumption("gap", "L* = inf L, so L(w) ≥ L*", sp.Ge(L0, Ls), definition=True),
    Assumption("eta_le", "0 < η ≤ 1/β", sp.Le(eta, 1 / beta)),
    Assumption(
        "eta_2",
        "0 < η ≤ 2/β, written η = 2/(β(1 + ψ)) with ψ ≥ 0",
        sp.Eq(eta, eta_full),
        latex=r"\eta=\tfrac{2}{\beta(1+\psi)},\ \psi\ge0\ \ (0<\eta\le\tfrac2\beta)",
    ),
    Assumption("eta_eq", "η = 1/β", sp.Eq(eta, 1 / beta)),
    Assumption("step_mu", "the step size is μ (000:131 as written)", sp.Eq(eta, mu)),
    Assumption("lstar_zero", "L* = 0: the loss attains 0 (the interpolation regime of PL*)", sp.Eq(Ls, 0)),
    Assumption(
        "r_le",
        "the ball's radius is at most 2√(2βL₀)/μ (000:141 as printed)",
        sp.Le(R_ball, 2 * sp.sqrt(2) * sp.sqrt(Lz) * sp.sqrt(beta) / mu),
    ),
    Assumption("step", "a(t+1) ≤ ρ a(t) (one step)", sp.Le(A(t + 1), rho * A(t))),
    Assumption("hyp", "induction hypothesis a(t) ≤ ρ^t a(0)", sp.Le(A(t), rho**t * A(0))),
    *[
        Assumption(
            f"eig{i + 1}",
            f"λ_{i + 1} ≥ λ_min (λ_min is the least eigenvalue)",
            sp.Ge(lam[i], lmin),
            definition=True,
        )
        for i in range(3)
    ],
    Assumption("lmax_ge", "λ_max ≥ λ_min", sp.Ge(lmax, lmin), definition=True),
    Assumption("kernel_mu", "λ_min(K) ≥ μ (uniform conditioning, Theorem 4.1)", sp.Ge(lmin, mu)),
    Assumption("pl_star", "μ-PL*: ½‖∇L(w)‖² ≥ μ L(w) (L* = 0)", sp.Ge(g2, 2 * mu * L0)),
    Assumption("hess_bound", "the Hessian is bounded by β: ∇Lᵀ H(w') ∇L ≤ β‖∇L‖²", sp.Le(gHg, beta * g2)),
    Assumption("convex", "f convex: f(θ₁a + θ₂b) ≤ θ₁f(a) + θ₂f(b)", sp.Le(fmid, th1 * fa + th2 * fb)),
    Assumption("a_min", "a is a minimiser: f(a) = f_min", sp.Eq(fa, fmin), definition=True),
    Assumption("b_min", "b is a minimiser: f(b) = f_min", sp.Eq(fb, fmin), definition=True),
    Assumption("theta_sum", "θ₁ + θ₂ = 1", sp.Eq(th1 + th2, 1), definition=True),
    Assumption(
        "strong_convex",
        "μ-strongly convex, at x = x*: f* ≥ f(y) + ∇f(y)ᵀ(x* − y) + μ/2‖x* − y‖²",
        sp.Ge(Ls, L0 + _gd + mu / 2 * _dsq),
    ),
    Assumption("rsi", "RSI: ⟨∇f(w), w − w*⟩ ≥ μ‖w − w*‖²", sp.Ge(ip, mu * d2)),
    Assumption("lip", "β-smooth with ∇f(w*) = 0: ‖∇f(w)‖² ≤ β²‖w − w*‖²", sp.Le(g2, beta**2 * d2)),
    *[
        Assumption(
            f"hess_ev{i + 1}",
            f"λ_{i + 1}(H(w')) ≤ ‖H(w')‖ ≤ β (the Hessian bounded by β, 000:129)",
            sp.Le(hev[i], beta),
        )
        for i in range(3)
    ],
    Assumption(
        "kf_cond",
        "f is μ-conditioned (λ_min(K_f) ≥ μ, Theorem 4.1), at u = Dz: zᵀK_g z = uᵀK_f u ≥ μ Σ φ'_j² z_j²",
        sp.Ge(qK, mu * (dphi[0] ** 2 * zc[0] ** 2 + dphi[1] ** 2 * zc[1] ** 2)),
    ),
    *[Assumption(f"phi_rho{j + 1}", f"|φ'(f(w, x_{j + 1}))| > ρ", sp.Gt(dphi[j], rho)) for j in range(2)],
    *[
        Assumption(
            f"phi_printed{j + 1}",
            f"|φ'(f(w, x_{j + 1}))| > φ(f(w, x_{j + 1})) (000:178 as printed)",
            sp.Gt(dphi[j], phiv[j]),
        )
        for j in range(2)
    ],
    Assumption(
        "zai_eta",
        "η ≤ min{1/(4L³φ⁶), 1/(144L²φ⁴)}, φ = max{2‖Φ‖_F, 3L^{−1/2}, 1} (004:130–132)",
        sp.Le(eta, ZAI_ETA_MAX),
    ),
    Assumption(
        "gd_dist",
        "one GD step: ‖w⁺ − w*‖² = ‖w − w*‖² − 2η⟨∇f, w − w*⟩ + η²‖∇f‖²",
        sp.Eq(d2n, d2 - 2 * eta * ip + eta**2 * g2),
        definition=True,
    ),
]

# the tight factor over the whole range: slack = S + c(ψ)·P + k·P·Q, with S the smoothness slack,
# P the PL slack, Q = η − 2/(β(1+ψ)) (the range, an equality) and c(ψ) = η(1 − βη/2) at that η
_P = g2 - 2 * mu * (L0 - Ls)
_c_psi = 2 * psi / (beta * (1 + psi) ** 2)
_k_tight = -(beta * eta * psi + beta * eta - 2 * psi) / (2 * (1 + psi))

# The best published one-step factor for β-smooth (curvature in [−β, β]), μ-PL functions:
# Abbaszadehpeivasti, de Klerk & Zamani (2023, Optim. Lett.), Theorem 3, written with the
# minimum curvature m = −β.  Three branches in ηβ: (0, 1], [1, √3], [√3, 2].
_mc = -beta
ADZ_BRANCHES = (
    (
        mu * (1 - beta * eta)
        + sp.sqrt((beta - _mc) * (_mc - mu) * (2 - beta * eta) * mu * eta + (beta - _mc) ** 2)
    )
    ** 2
    / (beta - _mc + mu) ** 2,
    (beta * eta - 2) * (_mc * eta - 2) * mu * eta / ((beta + _mc - mu) * eta - 2) + 1,
    (beta * eta - 1) ** 2 / ((beta * eta - 1) ** 2 + mu * eta * (2 - beta * eta)),
)
ADZ_EDGES = (1, sp.sqrt(3), 2)  # upper end of each branch, in units of 1/β
#: the first branch as PEPit 0.5.1's example code parenthesises it (the square is applied to the
#: square root alone and the first term is left outside the quotient); a finding about code, kept
#: to show why it is wrong (a tightness note, not a source line)
ADZ_FIRST_AS_CODED = (
    mu * (1 - beta * eta)
    + ((beta - _mc) * (_mc - mu) * (2 - beta * eta) * mu * eta + (beta - _mc) ** 2) / (beta - _mc + mu) ** 2
)
_cs = sp.Symbol("c", positive=True)


def _rescaled(expr):
    """The same factor for β → cβ, μ → cμ, η → η/c (the step sees the same function rescaled)."""
    return expr.subs({beta: _cs * beta, mu: _cs * mu, eta: eta / _cs}, simultaneous=True)


R_NEEDED = sp.sqrt(2 * eta * Lz) / (1 - sp.sqrt(1 - eta * mu))
R_LZB = 2 * sp.sqrt(2 * beta * Lz) / mu
ONE_STEP = sp.Le(a1, (1 - eta * mu) * a0)
TIGHT = sp.Le(a1, _rho_tight * a0)
RATE = sp.Le(gapT, (1 - eta * mu) ** T * gap0)
BALL = sp.Le(dist, R_NEEDED)
BALL_LZB = sp.Le(dist, R_LZB)
PL_STAR = sp.Ge(g2 / 2, mu * L0)  # ½‖∇L‖² ≥ μ L(w), L* = 0

_t2_lhs = L0 + (_dw.T * _g)[0] + (_dw.T * _H * _dw)[0] / 2
_t2_rhs = L0 - eta * (_g.T * _g)[0] + eta**2 / 2 * (_g.T * _H * _g)[0]
_tay3 = L0 - eta * g2 + eta**2 / 2 * gHg
_tay4 = L0 - eta * g2 * (1 - eta * beta / 2)
_tay5 = L0 - eta / 2 * g2
_tay6 = L0 - eta * mu * L0

#: readings that are constructed, not typed (derivatives kept unevaluated, so each compares what
#: its line compares): named so a source entry and a derivation step can refer to them
_d = sp.Derivative
THM_4_1_GRAD = sp.Eq(sp.Matrix([_d(_sqloss, wi) for wi in _ww]), _DF.T * (_F - _y), evaluate=False)
_r2 = sp.Matrix(_y)  # a residual r ∈ R², DF = X (2×3): ½‖rᵀDF‖² against ½ rᵀ DF DFᵀ r
THM_4_1_KERNEL = sp.Eq(sum(e**2 for e in (_r2.T * _X)) / 2, (_r2.T * _X * _X.T * _r2)[0] / 2, evaluate=False)
LINEAR_HESSIAN = sp.Eq(sp.Matrix(3, 3, lambda i, j: _d(_lsq, _wv[i], _wv[j])), _A2.T * _A2, evaluate=False)
_JA = sp.Matrix(2, 3, lambda i, j: _d((_A2 * _wv)[i], _wv[j]))
LINEAR_KERNEL = sp.Eq(_JA * _JA.T, _A2 * _A2.T, evaluate=False)
TWO_LAYER_GRAD = sp.Eq(sp.Matrix([_d(_f2, wi) for wi in _w]), _GRAD_CLOSED, evaluate=False)
TWO_LAYER_NTK_DIAG = sp.Eq(
    sum(_d(_f2, wi) ** 2 for wi in _w),
    sum(vi**2 * _xin**2 * sp.Subs(_d(_sig(_zz), _zz), _zz, wi * _xin) ** 2 for vi, wi in zip(_v, _w)) / 3,
    evaluate=False,
)
TWO_LAYER_HESSIAN = sp.Eq(
    sp.Matrix(3, 3, lambda i, j: _d(_f2, _w[i], _w[j])),
    sp.diag(*[vi * sp.diff(_sig(wi * _xin), wi, 2) / sp.sqrt(3) for vi, wi in zip(_v, _w)]),
    evaluate=False,
)
# 000:133, Taylor's theorem with the Lagrange remainder at one instance: L(w) = w₁³ + w₁w₂² from
# w_t = (1, 0) to w_{t+1} = (2, 1) (Δw = (1, 1)); w' = w_t + Δw/3 = (4/3, 1/3) on the segment gives
# equality, 10 = 1 + 3 + ½·12.  (Points with equal coordinates are avoided: sympy takes Subs of ∂/∂w₁
# and of ∂/∂w₂ at such a point for the same expression.)
_Lt = _w[0] ** 3 + _w[0] * _w[1] ** 2
_w12, _wp = (_w[0], _w[1]), (sp.Rational(4, 3), sp.Rational(1, 3))
TAYLOR_LAGRANGE_000 = sp.Eq(
    sp.Subs(_Lt, _w12, (2, 1)),
    sp.Subs(_Lt, _w12, (1, 0))
    + sum(sp.Subs(sp.Derivative(_Lt, wi), _w12, (1, 0)) for wi in _w12)
    + sum(sp.Subs(sp.Derivative(_Lt, wi, wj), _w12, _wp) for wi in _w12 for wj in _w12) / 2,
    evaluate=False,
)

# 000:76: the tangent kernel with the printed shapes (∇F ∈ ℝ^{n×m}, n = 2, m = 3) is n×n and PSD
_K2 = _X * _X.T
assert _K2.shape == (2, 2)
KERNEL_PSD = sp.Ge((_r2.T * _K2 * _r2)[0], 0)
# 000:119: the printed square loss (with its ½): ½‖∇L‖² = ½ rᵀ DF DFᵀ r, r = F − Y (F: ℝ² → ℝ²);
# the derivatives are kept unevaluated on the left, so the two sides stay apart
_res = _F - _y
SQ_LOSS_KERNEL = sp.Eq(
    sum(sp.Derivative(_sqloss, wi) ** 2 for wi in _ww) / 2,
    (_res.T * _DF * _DF.T * _res)[0] / 2,
    evaluate=False,
)
# 000:129 in H(w')'s eigenbasis (c = Qᵀ∇L): Σ λ_i c_i² ≤ β Σ c_i², the form line 133 uses
HESS_BOUND_EIG = sp.Le(sum(h * ci**2 for h, ci in zip(hev, c)), beta * sum(ci**2 for ci in c))
# 000:178: g = φ∘F on two samples (F: ℝ² → ℝ²): K_g = D K_F D with D = diag φ'(F_j)
_phi = sp.Function("phi")
_DG = sp.Matrix(2, 2, lambda i, j: sp.Derivative(_phi(_F[i]), _ww[j]))
_Dphi = sp.diag(*[sp.Subs(sp.Derivative(_phi(_zz), _zz), _zz, _F[k]) for k in range(2)])
PHI_KERNEL = sp.Eq(_DG * _DG.T, _Dphi * _DF * _DF.T * _Dphi, evaluate=False)
_zsq = zc[0] ** 2 + zc[1] ** 2
PHI_PL = sp.Ge(qK, mu * rho**2 * _zsq)
# 001:125: the kernel E_θ[f(θ, x) f(θ, x')] on a two-point θ and two inputs: its Gram form is ≥ 0
_k11 = pw[0] * fv[0] ** 2 + pw[1] * fv[2] ** 2
_k12 = pw[0] * fv[0] * fv[1] + pw[1] * fv[2] * fv[3]
_k22 = pw[0] * fv[1] ** 2 + pw[1] * fv[3] ** 2
NNGP_PSD = sp.Ge(c[0] ** 2 * _k11 + 2 * c[0] * c[1] * _k12 + c[1] ** 2 * _k22, 0)

# --- lecture 4 (Soudry et al.), 000:217–249: N = 2 samples x_i ∈ ℝ² (rows of _xs), w ∈ ℝ²
ell = sp.Function("ell")  # the loss l of one margin u = wᵀx_i
_ws = sp.symbols("ws1 ws2", real=True)
_xs = sp.Matrix(2, 2, sp.symbols("xs11 xs12 xs21 xs22", real=True))
_uz = sp.Symbol("u_z", real=True)
_marg = [_ws[0] * _xs[i, 0] + _ws[1] * _xs[i, 1] for i in range(2)]
_dell = [sp.Subs(sp.Derivative(ell(_uz), _uz), _uz, m_) for m_ in _marg]
SEP_GRAD = sp.Eq(
    sp.Matrix([_d(sum(ell(m_) for m_ in _marg), wj) for wj in _ws]),
    _dell[0] * _xs[0, :].T + _dell[1] * _xs[1, :].T,
    evaluate=False,
)
EXP_NEG_GRAD = sp.Eq(
    -sp.Matrix([_d(sum(sp.exp(-m_) for m_ in _marg), wj) for wj in _ws]),
    sp.exp(-_marg[0]) * _xs[0, :].T + sp.exp(-_marg[1]) * _xs[1, :].T,
    evaluate=False,
)
lslope = sp.symbols("lslope1 lslope2", negative=True)  # l'(wᵀx_i) < 0: l decreasing (000:216)
sepm = sp.symbols("sepm1 sepm2", positive=True)  # x_iᵀw* > 0: w* separates the data (000:215)
u_l = sp.Symbol("u_l", real=True)  # a margin u = wᵀx_i

# --- 000:120: the square loss ½(w₁w₂ − 1)² of F(w) = w₁w₂, y = 1, near its minimiser (1, 1)
eps_c = sp.Symbol("epsilon_c", positive=True)
_wq = sp.symbols("wq1 wq2", real=True)
_Hq = sp.hessian((_wq[0] * _wq[1] - 1) ** 2 / 2, _wq)
NONCONVEX_NEAR_MIN = sp.Lt(_Hq.det().subs({_wq[0]: 1 + eps_c, _wq[1]: 1}), 0)  # det H < 0: indefinite

DERIVATION = [
    Step(
        "taylor_lagrange",
        "000:133 at L = w₁³ + w₁w₂², w_t = (1, 0), w_{t+1} = (2, 1): w' = (4/3, 1/3) gives equality",
        TAYLOR_LAGRANGE_000,
        Simplification(),
    ),
    # --- the one-step factor, directly in η: slack = S + (η/2)·P + (ηβ‖∇L‖²/2)·(1/β − η)
    Step(
        "contraction",
        "smoothness + PL + η ≤ 1/β: L(w⁺) − L* ≤ (1 − ημ)(L(w) − L*)",
        sp.Le(L1, Ls + (1 - mu * eta) * (L0 - Ls)),
        Combination({"smooth_step": 1, "pl": eta / 2, "eta_le": eta * beta * g2 / 2}),
    ),
    Step(
        "one_step",
        "the same for the gaps a₀ = L(w) − L*, a₁ = L(w⁺) − L*",
        ONE_STEP,
        Unfold({a0: L0 - Ls, a1: L1 - Ls}, of="contraction"),
    ),
    # --- the tight factor on 0 < η ≤ 2/β (the range as the equality η = 2/(β(1+ψ)), ψ ≥ 0)
    Step(
        "contraction_tight",
        "smoothness + PL, 0 < η ≤ 2/β: L(w⁺) − L* ≤ (1 − μη(2 − βη))(L(w) − L*)",
        sp.Le(L1, Ls + _rho_tight * (L0 - Ls)),
        Combination({"smooth_step": 1, "pl": _c_psi, "eta_2": _k_tight * _P}),
    ),
    Step(
        "tight_factor",
        "the same for the gaps",
        TIGHT,
        Unfold({a0: L0 - Ls, a1: L1 - Ls}, of="contraction_tight"),
    ),
    Step(
        "smooth_beta",
        "the one-step form at η = 1/β",
        sp.Le(L1, L0 - g2 / (2 * beta)),
        Instance("smooth_step", {eta: 1 / beta}),
    ),
    Step(
        "mu_le_beta",
        "PL and smoothness force μ ≤ β: (β − μ)(L(w) − L*) ≥ 0",
        sp.Ge((beta - mu) * (L0 - Ls), 0),
        Combination({"smooth_beta": beta, "inf": beta, "pl": sp.Rational(1, 2)}),
    ),
    Step(
        "rho_nonneg",
        "with η = 1/(β(1+ψ)) and μ = β/(1+χ): ρ = 1 − ημ ≥ 0",
        sp.Ge(1 - eta_half * (beta / (1 + chi)), 0),
        Monomials(),
    ),
    Step(
        "t_steps",
        "induction: a(t+1) ≤ ρ a(t) and a(t) ≤ ρ^t a(0) give a(t+1) ≤ ρ^{t+1} a(0) (ρ ≥ 0)",
        sp.Le(A(t + 1), rho ** (t + 1) * A(0)),
        Combination({"step": 1, "hyp": rho}),
    ),
    Step(
        "descent_half",
        "smoothness + η ≤ 1/β: L(w⁺) ≤ L(w) − (η/2)‖∇L(w)‖²",
        sp.Le(L1, L0 - eta / 2 * g2),
        Combination({"smooth_step": 1, "eta_le": eta * beta * g2 / 2}),
    ),
    # --- Theorem 4.1 of Liu, Zhu & Belkin, line by line (000:83)
    Step(
        "sq_loss_grad",
        "square loss: ∇L = DFᵀ(F − y) (a generic F: R² → R²)",
        THM_4_1_GRAD,
        Simplification(),
    ),
    Step(
        "kernel_identity",
        "½‖rᵀDF‖² = ½ rᵀ DF DFᵀ r (square loss, r = F(w) − y; DF 2×3, written out)",
        THM_4_1_KERNEL,
        Simplification(),
    ),
    Step(
        "rayleigh",
        "in K's eigenbasis (c = Qᵀr): Σ λ_i c_i² ≥ λ_min Σ c_i²",
        sp.Ge(sum(li * ci**2 for li, ci in zip(lam, c)), lmin * sum(ci**2 for ci in c)),
        Combination({f"eig{i + 1}": c[i] ** 2 for i in range(3)}),
    ),
    Step(
        "rayleigh_half",
        "½ rᵀKr ≥ ½ λ_min(K)‖r‖²",
        sp.Ge(sum(li * ci**2 for li, ci in zip(lam, c)) / 2, lmin * sum(ci**2 for ci in c) / 2),
        Combination({"rayleigh": sp.Rational(1, 2)}),
    ),
    Step(
        "half_norm_is_loss",
        "½ λ_min ‖r‖² = λ_min L(w) with L = ½‖r‖²",
        sp.Eq(lmin * sum(ci**2 for ci in c) / 2, lmin * Lw),
        Unfold({Lw: sum(ci**2 for ci in c) / 2}),
    ),
    Step(
        "kernel_to_mu",
        "λ_min(K) ≥ μ: λ_min L(w) ≥ μ L(w)",
        sp.Ge(lmin * Lw, mu * Lw),
        Combination({"kernel_mu": Lw}),
    ),
    Step(
        "thm_4_1",
        "Theorem 4.1: λ_min(K) ≥ μ ⇒ ½‖∇L‖² ≥ μ L with L = ½‖r‖² (μ-PL*)",
        sp.Ge(sum(li * ci**2 for li, ci in zip(lam, c)) / 2, mu * sum(ci**2 for ci in c) / 2),
        Combination({"rayleigh": sp.Rational(1, 2), "kernel_mu": sum(ci**2 for ci in c) / 2}),
    ),
    Step(
        "pl_star_of_kernel",
        "Theorem 4.1 for the instance quantities ‖∇L‖² = rᵀKr = Σλ_i c_i², L(w) = ½Σc_i²",
        PL_STAR,
        Unfold({g2: sum(li * ci**2 for li, ci in zip(lam, c)), L0: sum(ci**2 for ci in c) / 2}, of="thm_4_1"),
    ),
    # --- linear models (000:89–93)
    Step(
        "lsq_hessian",
        "least squares ½‖Aw − b‖²: the Hessian is AᵀA",
        LINEAR_HESSIAN,
        Simplification(),
    ),
    Step(
        "lin_kernel",
        "F(w) = Aw: DF = A, so K = DF DFᵀ = AAᵀ",
        LINEAR_KERNEL,
        Simplification(),
    ),
    Step("kappa_ge_1", "λ_max/λ_min ≥ 1", sp.Ge(lmax / lmin, 1), Combination({"lmax_ge": 1 / lmin})),
    # --- two-layer network in NTK scaling (000:159–163), m = 3
    Step(
        "two_layer_grad",
        "∇_{w_i} f = m^{-1/2} v_i x σ'(w_i x) (m = 3)",
        TWO_LAYER_GRAD,
        Simplification(),
    ),
    Step(
        "two_layer_hessian",
        "f = m^{-1/2} Σ v_i σ(w_i x) (m = 3): the Hessian in w is diagonal, entries v_i σ''(w_i x) x²/√m",
        TWO_LAYER_HESSIAN,
        Simplification(),
    ),
    Step(
        "two_layer_ntk_diag",
        "tangent kernel diagonal: ‖∇_w f‖² = (1/m) Σ v_i² σ'(w_i x)² x² (an average: O(1))",
        TWO_LAYER_NTK_DIAG,
        Simplification(),
    ),
    # --- the Taylor chain of lecture 3 (000:133)
    Step(
        "taylor_substituted",
        "Δw = −η∇L: L + Δwᵀ∇L + ½ΔwᵀHΔw = L − η‖∇L‖² + (η²/2)∇LᵀH∇L (2-D)",
        sp.Eq(_t2_lhs, _t2_rhs, evaluate=False),
        Simplification(),
    ),
    Step(
        "taylor_le_same",
        "the third line rewrites the second (≤ holds with equality)",
        sp.Le(_t2_lhs, _t2_rhs, evaluate=False),
        Monomials(),
    ),
    Step(
        "taylor_hessian",
        "∇LᵀH∇L ≤ β‖∇L‖² (assumption 3)",
        sp.Le(_tay3, _tay4),
        Combination({"hess_bound": eta**2 / 2}),
    ),
    Step(
        "taylor_step",
        "η ≤ 1/β (assumption 4, η = 1/β, is its boundary)",
        sp.Le(_tay4, _tay5),
        Combination({"eta_le": eta * beta * g2 / 2}),
    ),
    Step("taylor_pl", "μ-PL*: (η/2)‖∇L‖² ≥ ημ L", sp.Le(_tay5, _tay6), Combination({"pl_star": eta / 2})),
    Step("taylor_factor", "L − ημL = (1 − ημ)L", sp.Eq(_tay6, (1 - eta * mu) * L0), Simplification()),
    Step(
        "gd_step_length",
        "‖w_{t+1} − w_t‖ = ‖−η∇L‖ = η‖∇L‖ (2-D)",
        sp.Eq(sp.sqrt((eta * _g[0]) ** 2 + (eta * _g[1]) ** 2), eta * sp.sqrt(_g[0] ** 2 + _g[1] ** 2)),
        Simplification(),
    ),
    Step(
        "sqrt_bound",
        "1 − q ≥ (1 − q²)/2 for q = √(1 − ημ): (1 − q)² ≥ 0",
        sp.Ge(1 - q, (1 - q**2) / 2),
        SumOfSquares([(sp.Rational(1, 2), 1 - q)]),
    ),
    Step(
        "radius_identity",
        "√(2L₀/β)·2/(μ/β) = 2√(2βL₀)/μ (an identity about the radius; not the ball claim)",
        sp.Eq(sp.sqrt(2 * Lz / beta) * 2 / (mu / beta), R_LZB, evaluate=False),
        Simplification(),
    ),
    # --- other facts stated in the ranges
    Step(
        "convex_minimisers",
        "minimisers of a convex f form a convex set: f(θ₁a + θ₂b) ≤ f_min",
        sp.Le(fmid, fmin),
        Combination({"convex": 1, "a_min": -th1, "b_min": -th2, "theta_sum": -fmin}),
    ),
    Step(
        "sc_implies_pl",
        "μ-strong convexity ⇒ μ-PL: ½‖g‖² − μ(f − f*) = μ·[slack] + ½‖g + μd‖² (ℝ³)",
        sp.Ge(_gsq / 2, mu * (L0 - Ls)),
        Combination(
            {"strong_convex": mu}, squares=[(sp.Rational(1, 2), gi + mu * di) for gi, di in zip(gv, dv)]
        ),
    ),
    Step(
        "pl_grad_nonzero",
        "PL: L(w) − L* ≤ ‖∇L‖²/(2μ), so ∇L = 0 only at a global minimum",
        sp.Le(L0 - Ls, g2 / (2 * mu)),
        Combination({"pl": 1 / (2 * mu)}),
    ),
    Step(
        "pl_without_half",
        "PL with the ½ implies the form without it: ‖∇L‖² ≥ μ(L − L*)",
        sp.Ge(g2, mu * (L0 - Ls)),
        Combination({"pl": 1, "gap": mu}),
    ),
    Step(
        "rsi_contraction",
        "RSI + smoothness: ‖w⁺ − w*‖² ≤ (1 − 2ημ + η²β²)‖w − w*‖²",
        sp.Le(d2n, (1 - 2 * eta * mu + eta**2 * beta**2) * d2),
        Combination({"gd_dist": -1, "rsi": 2 * eta, "lip": eta**2}),
    ),
    Step(
        "linear_loss_forms",
        "Σ_p ½‖M x_p − y_p‖² = ½‖MX − Y‖_F² (2×2, three samples)",
        sp.Eq(_sum_form, _frob_form, evaluate=False),
        Simplification(),
    ),
    # --- definitions of 000 and 001, decided by what their constants assert
    Step(
        "kernel_psd",
        "000:76: K = ∇F∇Fᵀ with ∇F ∈ ℝ^{2×3} is 2×2 and PSD: rᵀKr = ‖∇Fᵀr‖² ≥ 0",
        KERNEL_PSD,
        SumOfSquares([(1, e) for e in (_r2.T * _X)]),
    ),
    Step(
        "sq_loss_kernel",
        "000:119: for L = ½‖F − Y‖², ½‖∇L‖² = ½ rᵀ DF DFᵀ r, r = F − Y (F: ℝ² → ℝ²)",
        SQ_LOSS_KERNEL,
        Simplification(),
    ),
    Step(
        "hess_bound_eig",
        "000:129: eigenvalues of H(w') at most β give ∇LᵀH(w')∇L ≤ β‖∇L‖² (eigenbasis, 3-D)",
        HESS_BOUND_EIG,
        Combination({f"hess_ev{i + 1}": c[i] ** 2 for i in range(3)}),
    ),
    Step(
        "phi_kernel_chain",
        "000:178: g = φ∘F (two samples): ∇g_j = φ'(F_j)∇F_j, so K_g = D K_F D, D = diag φ'(F_j)",
        PHI_KERNEL,
        Simplification(),
    ),
    Step(
        "phi_pl",
        "000:178 as meant: λ_min(K_f) ≥ μ and |φ'(f)| > ρ give zᵀK_g z ≥ μρ²‖z‖² (two samples)",
        PHI_PL,
        Combination(
            {
                "kf_cond": 1,
                "phi_rho1": mu * zc[0] ** 2 * (dphi[0] + rho),
                "phi_rho2": mu * zc[1] ** 2 * (dphi[1] + rho),
            }
        ),
    ),
    Step(
        "nngp_psd",
        "001:125: E_θ[f(θ, x) f(θ, x')] is PSD: Σ c_i c_j k(x_i, x_j) = E(Σ c_i f(θ, x_i))² "
        "(two-point θ, two inputs)",
        NNGP_PSD,
        SumOfSquares([(pw[0], c[0] * fv[0] + c[1] * fv[1]), (pw[1], c[0] * fv[2] + c[1] * fv[3])]),
    ),
    Step(
        "kappa_ds_limit",
        "000:96: the Davidson–Szarek bound on κ(AAᵀ), ((√m + √n + t)/(√m − √n − t))², tends to 1 as m → ∞",
        sp.Eq(sp.Limit(KAPPA_DS, mA, sp.oo), 1),
        Simplification(),
    ),
    # --- ADZ (the tightness table's best known value)
    Step(
        "adz_branch_1_2",
        "ADZ Theorem 3: the first two branches agree at η = 1/β (both 2(β − μ)/(2β + μ))",
        sp.Eq(ADZ_BRANCHES[0].subs(eta, 1 / beta), ADZ_BRANCHES[1].subs(eta, 1 / beta)),
        Simplification(),
    ),
    Step(
        "adz_branch_2_3",
        "ADZ Theorem 3: the last two branches agree at η = √3/β",
        sp.Eq(ADZ_BRANCHES[1].subs(eta, sp.sqrt(3) / beta), ADZ_BRANCHES[2].subs(eta, sp.sqrt(3) / beta)),
        Simplification(),
    ),
    Step(
        "adz_scale_free",
        "ADZ's first branch is unchanged by β → cβ, μ → cμ, η → η/c, as a contraction factor must be",
        sp.Eq(_rescaled(ADZ_BRANCHES[0]), ADZ_BRANCHES[0]),
        Simplification(),
    ),
    Step(
        "adz_at_mu_beta",
        "at μ = β and η = 1/(β(1+ψ)) ≤ 1/β the ADZ factor is (1 − βη)², the exact factor of ½βx²",
        sp.Eq(ADZ_BRANCHES[0].subs(mu, beta).subs(eta, eta_half), (1 - beta * eta_half) ** 2),
        Simplification(),
    ),
    Step(
        "nonconvex_near_min",
        "000:120: ½(w₁w₂ − 1)² has det ∇²L(1 + ε, 1) = −ε(2 + 3ε) < 0 for every ε > 0 (w* = (1, 1))",
        NONCONVEX_NEAR_MIN,
        Monomials(),
    ),
    # --- lecture 4 (Soudry et al.): the gradients of 000:225 and 000:249
    Step(
        "sep_grad",
        "000:225: ∇_w Σ_i l(wᵀx_i) = Σ_i l'(wᵀx_i) x_i (N = 2 samples in ℝ², a generic l)",
        SEP_GRAD,
        Simplification(),
    ),
    Step(
        "exp_neg_grad",
        "000:249: the exponential loss, −∇_w Σ_i e^{−wᵀx_i} = Σ_i e^{−wᵀx_i} x_i (N = 2 in ℝ²)",
        EXP_NEG_GRAD,
        Simplification(),
    ),
]

# ----------------------------------------------------------------------------- claims
_STEP_DOMAIN = (sp.Le(eta * beta, 1), sp.Le(mu, beta))
CLAIMS = [
    Claim(
        "one_step",
        "one step contracts the gap by 1 − ημ (η ≤ 1/β)",
        ONE_STEP,
        ("smooth_step", "pl", "eta_le"),
        domain=_STEP_DOMAIN,
        sharper=TIGHT,
    ),
    Claim(
        "tight_factor",
        "the factor 1 − μη(2 − βη) (0 < η ≤ 2/β), exact on ½λx²",
        TIGHT,
        ("smooth_step", "pl", "eta_2"),
        tight_on="pl_quadratic",
        domain=(sp.Le(eta * beta, 2), sp.Le(mu, beta)),
    ),
    Claim(
        "rate",
        "t steps: L(w_t) − L* ≤ (1 − ημ)^t (L(w_0) − L*) (η ≤ 1/β)",
        RATE,
        ("smooth_step", "pl", "eta_le"),
        domain=_STEP_DOMAIN,
        sharper=sp.Le(gapT, _rho_tight**T * gap0),
    ),
    Claim(
        "ball",
        "GD stays in B(w₀, R), R = √(2ηL₀)/(1 − √(1 − ημ)) (PL*, η ≤ 1/β)",
        BALL,
        ("smooth_step", "pl", "eta_le"),
        tight_on="pl_quadratic",
        domain=(sp.Le(eta * mu, 1),),
    ),
    Claim(
        "ball_lzb",
        "GD with η = 1/β stays in B(w₀, 2√(2βL₀)/μ) (Liu–Zhu–Belkin Theorem 4.2)",
        BALL_LZB,
        ("smooth_step", "pl", "eta_eq"),
        domain=(sp.Le(mu, beta),),
        sharper=BALL,
    ),
    Claim(
        "pl_star_kernel",
        "Theorem 4.1: λ_min(K) ≥ μ ⇒ ½‖∇L‖² ≥ μL (square loss)",
        PL_STAR,
        ("kernel_mu",),
        tight_on="kernel_bottom",
    ),
]


def _claim(key):
    return next(cl for cl in CLAIMS if cl.key == key)


WRONG_VARIANTS = [
    _claim("one_step").variant("rate_2_eta_mu", "rate (1 − 2ημ)", sp.Le(a1, (1 - 2 * eta * mu) * a0)),
    _claim("one_step").variant(
        "rate_10_eta_mu", "rate (1 − 10ημ) (issue 12: was 'open')", sp.Le(a1, (1 - 10 * eta * mu) * a0)
    ),
    _claim("one_step").variant(
        "no_step_bound", "rate 1 − ημ with no step-size bound", assumptions=("smooth_step", "pl")
    ),
    _claim("one_step").variant(
        "no_smoothness", "rate 1 − ημ without smoothness", assumptions=("pl", "eta_le")
    ),
    _claim("one_step").variant("no_pl", "rate 1 − ημ without PL", assumptions=("smooth_step", "eta_le")),
    _claim("tight_factor").variant(
        "tight_squared", "factor (1 − μη(2 − βη))²", sp.Le(a1, _rho_tight**2 * a0)
    ),
    _claim("tight_factor").variant(
        "tight_any_step", "the tight factor for every η > 0", assumptions=("smooth_step", "pl")
    ),
    _claim("rate").variant(
        "rate_2_eta_mu_t", "t steps at (1 − 2ημ)^t", sp.Le(gapT, (1 - 2 * eta * mu) ** T * gap0)
    ),
    _claim("ball").variant("ball_quarter", "radius R/4", sp.Le(dist, R_NEEDED / 4)),
    _claim("ball").variant(
        "ball_090", "radius 0.9 R (a stronger radius)", sp.Le(dist, sp.Rational(9, 10) * R_NEEDED)
    ),
    _claim("ball_lzb").variant("ball_lzb_quarter", "LZB radius / 4", sp.Le(dist, R_LZB / 4)),
    _claim("pl_star_kernel").variant("pl_star_no_kernel", "½‖∇L‖² ≥ μL without λ_min(K) ≥ μ", assumptions=()),
    _claim("pl_star_kernel").variant("pl_star_2mu", "½‖∇L‖² ≥ 2μL", sp.Ge(g2 / 2, 2 * mu * L0)),
    Claim(
        "pl_unsquared",
        "PL stated as ‖∇L‖ ≥ μ(L − L*)",
        sp.Ge(gn, mu * (L0 - Ls)),
        ("smooth_step", "pl", "eta_le"),
        of="one_step",
    ),
]

PREDICTED = {
    "rate": 1 - eta * mu,
    "tight_rate": _rho_tight,
    "envelope": (1 - eta * mu) ** T,
    "radius_needed": R_NEEDED,
    "radius_lzb": R_LZB,
}

# --- lecture 4 (Soudry et al.), 000:232–257, measured (numerics/separable.py): GD with the exp loss on
# constructed 2-D separable data whose hard-margin SVM w_svm is exact. Each symbol is a secant slope over
# the last of four equal windows in log t, per instance (per coordinate for w); the numerics give each
# the geometric-tail extrapolation of the windows' slopes as its tolerance
sep_kw = sp.Symbol("sep_kw", real=True)  # slope of a coordinate of w(t) against log t
sep_svm = sp.Symbol("sep_svm", real=True)  # that coordinate of w_svm
sep_kloss = sp.Symbol("sep_kloss", real=True)  # slope of log L(w(t)) against log t
sep_kgap = sp.Symbol("sep_kgap", real=True)  # slope of log ‖w/‖w‖ − w_svm/‖w_svm‖‖ against log log t
sep_kmargin = sp.Symbol("sep_kmargin", real=True)  # slope of min_i w(t)ᵀx_i against log t
SEP_LEADING = sp.Eq(sep_kw, sep_svm)  # w(t)/log t → w_svm (000:239's leading term)
SEP_LOSS_RATE = sp.Eq(sep_kloss, -1)  # L ~ 1/t → 0 (000:232–233)
SEP_GAP_FALLS = sp.Lt(sep_kgap, 0)  # the direction gap → 0 (000:240)
SEP_GAP_RATE = sp.Le(sep_kgap, -1)  # the gap is O(1/log t) (000:257)
SEP_MARGIN_RATE = sp.Eq(sep_kmargin, 1)  # min_i w(t)ᵀx_i ~ log t → ∞ (000:245; min_i w_svmᵀx_i = 1)

# ----------------------------------------------------------------------------- the sources, as written


#: what each symbol unfolded by a definitional step stands for: declared definitions (shown with
#: the assumptions; an undeclared one would be a hypothesis no claim makes)
_DEFINES = {"Lw": "L(w) names the least-squares loss ½‖c‖² of the residual c"}
ASSUMPTIONS += unfolded_definitions(DERIVATION, ASSUMPTIONS, _DEFINES)


#: the book section; its source lines are the entries of theorems/sources/*.toml that name it
THEOREM = book_section(
    globals(),
    id="pl_convergence",
    title="PL convergence, PL* and wide networks",
    source=Source("CMSC 828W lecture notes", "lectures 2–3", "PL, PL*, Liu–Zhu–Belkin Theorems 4.1–4.2"),
    other_sources=[
        Source("Liu, Zhu & Belkin (2022)", "§4", "Theorems 4.1, 4.2"),
        Source("Arora et al., Theory of Deep Learning", "§6.2"),
        Source("Karimi, Nutini & Schmidt (2016)", "PL examples"),
    ],
    statement=r"\beta\text{-smooth},\ \mu\text{-PL},\ 0<\eta\le\tfrac1\beta\implies \mathcal L(w_t)-\mathcal "
    r"L^*\le(1-\eta\mu)^t(\mathcal L(w_0)-\mathcal L^*)",
    notes="PEPit 0.5.1's example code for gradient_descent_quadratic_lojasiewicz misparenthesises ADZ's "
    "first branch "
    "(ADZ_FIRST_AS_CODED): not scale-free, and above 1 at μ = 0.9β, η = 0.05/β; a finding about code, not a "
    "source line.",
    latex_names={
        L0: r"\mathcal L(w)",
        L1: r"\mathcal L(w^+)",
        Ls: r"\mathcal L^*",
        g2: r"\|\nabla\mathcal L(w)\|^2",
        a0: r"\mathcal L(w_t)-\mathcal L^*",
        a1: r"\mathcal L(w_{t+1})-\mathcal L^*",
        Lz: r"\mathcal L(w_0)",
        gap0: r"\mathcal L(w_0)-\mathcal L^*",
        gapT: r"\mathcal L(w_T)-\mathcal L^*",
        dist: r"\max_t\|w_t-w_0\|",
        gn: r"\|\nabla\mathcal L(w)\|",
    },
)

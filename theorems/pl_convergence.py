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

from dlverify.theorems.core import (
    Assumption,
    Claim,
    Combination,
    Instance,
    Monomials,
    Simplification,
    Source,
    SourceLine,
    Step,
    SumOfSquares,
    Theorem,
    Unfold,
    unfolded_definitions,
)

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
_sum_form = sum(((_M * _X[:, p] - _Y[:, p]).T * (_M * _X[:, p] - _Y[:, p]))[0] for p in range(3)) / 2
_frob_form = sum(e**2 for e in (_M * _X - _Y)) / 2

_gsq = sum(gi**2 for gi in gv)
_gd = sum(gi * di for gi, di in zip(gv, dv))
_dsq = sum(di**2 for di in dv)

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

DERIVATION = [
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
        sp.Eq(sp.Matrix([sp.diff(_sqloss, wi) for wi in _ww]), _DF.T * (_F - _y), evaluate=False),
        Simplification(),
    ),
    Step(
        "kernel_identity",
        "‖∇L‖² = ‖DFᵀ r‖² = rᵀ K r with K = DF DFᵀ (square loss, r = F(w) − y)",
        sp.Eq((DF.T * rvec).T * (DF.T * rvec), rvec.T * (DF * DF.T) * rvec, evaluate=False),
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
        sp.Eq(sp.hessian(_lsq, list(_wv)), _A2.T * _A2, evaluate=False),
        Simplification(),
    ),
    Step(
        "lin_kernel",
        "F(w) = Aw: DF = A, so K = DF DFᵀ = AAᵀ",
        sp.Eq(
            (_A2 * _wv).jacobian(list(_wv)) * (_A2 * _wv).jacobian(list(_wv)).T, _A2 * _A2.T, evaluate=False
        ),
        Simplification(),
    ),
    Step("kappa_ge_1", "λ_max/λ_min ≥ 1", sp.Ge(lmax / lmin, 1), Combination({"lmax_ge": 1 / lmin})),
    # --- two-layer network in NTK scaling (000:159–163), m = 3
    Step(
        "two_layer_grad",
        "∇_{w_i} f = m^{-1/2} v_i x σ'(w_i x) (m = 3)",
        sp.Eq(_grad2, _GRAD_CLOSED, evaluate=False),
        Simplification(),
    ),
    Step(
        "two_layer_hessian",
        "f = m^{-1/2} Σ v_i σ(w_i x) (m = 3): the Hessian in w is diagonal, entries v_i σ''(w_i x) x²/√m",
        sp.Eq(
            _H2,
            sp.diag(*[vi * sp.diff(_sig(wi * _xin), wi, 2) / sp.sqrt(3) for vi, wi in zip(_v, _w)]),
            evaluate=False,
        ),
        Simplification(),
    ),
    Step(
        "two_layer_ntk_diag",
        "tangent kernel diagonal: ‖∇_w f‖² = (1/m) Σ v_i² σ'(w_i x)² x² (an average: O(1))",
        sp.Eq(
            (_grad2.T * _grad2)[0],
            sum(vi**2 * sp.diff(_sig(wi * _xin), wi) ** 2 for vi, wi in zip(_v, _w)) / 3,
            evaluate=False,
        ),
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
        "the third line repeats the second (≤ holds with equality)",
        sp.Le(_tay3, _tay3, evaluate=False),
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

# ----------------------------------------------------------------------------- the sources, as written
D0, D1, D2, D3, D4 = (
    "000_1081c6e8c4ee9d7b.txt",
    "001_010b518fed41d921.txt",
    "002_9b9f6b48f7568a99.txt",
    "003_12f976d491bf7278.txt",
    "004_e3d7742aedb82e06.txt",
)
_SM = ("smooth_step", "pl", "eta_le")


def _r(key, text, relation, assumptions=(), **kw):
    return Claim(key, text, relation, tuple(assumptions), **kw)


AS_WRITTEN = [
    # ---------------------------------------------------------------- 000: lectures 2–3 (CMSC 828W)
    SourceLine(
        "n_constraints",
        D0,
        55,
        "This gives us \\(n=N*c\\) constraints",
        "lecture 2",
        r"n=N\cdot c",
        unchecked="a definition: n names the number of scalar equations of F(w) = y",
    ),
    SourceLine(
        "interp_count",
        D0,
        56,
        "Interpolation is possible if the number",
        "lecture 2",
        r"m>n\implies\exists w:\ F(w)=y",
        unchecked="no model class is given: for a general F a parameter count neither implies nor is implied "
        "by "
        "solvability (a constant F never interpolates); the linear case is the kernel statement of line 91",
    ),
    SourceLine(
        "interp_system",
        D0,
        58,
        "In the exact interpolation regime",
        "lecture 2",
        r"f_W(x_i)=y_i\ (i=1..N)\iff F(w)=y",
        unchecked="notation (the system F(w) = y); the last row repeats x_1, y_1 where x_N, y_N is meant",
        note="the repeated index is a slip of the notes, not a mathematical claim",
    ),
    SourceLine(
        "convex_minimisers",
        D0,
        64,
        "Minimizers of convex functions form convex sets",
        "lecture 2",
        r"f\ \text{convex},\ f(a)=f(b)=\min f\implies f(\theta a+(1-\theta)b)\le\min f",
        reading=_r(
            "convex_minimisers",
            "minimisers of a convex function form a convex set",
            sp.Le(fmid, fmin),
            ("convex",),
        ),
    ),
    SourceLine(
        "solution_manifold",
        D0,
        66,
        "should be an affine subspace",
        "lecture 2",
        r"\{w:F(w)=y\}\ \text{affine}",
        unchecked="garbled prose: it is the linear case F(w) = Aw whose solution set is affine; for "
        "nonlinear F "
        "the solution set is curved, as line 65 says; no single reading is checkable",
    ),
    SourceLine(
        "pl_implies_rate",
        D0,
        70,
        "which implies exponential (linear) convergence",
        "PL* condition",
        r"\tfrac12\|\nabla L(w)\|^2\ge\mu L(w)\ (w\in B)\implies L(w_t)\le(1-\eta\mu)^tL(w_0)",
        reading=_r("pl_implies_rate", "PL alone implies the geometric rate of GD", RATE, ("pl",)),
        corrected=_r("pl_implies_rate_fixed", "with β-smoothness and η ≤ 1/β", RATE, _SM),
        corrected_latex=r"\beta\text{-smooth},\ \eta\le\tfrac1\beta:\ L(w_t)\le(1-\eta\mu)^tL(w_0)",
        note="the smoothness and step-size conditions appear only at lines 122–131; PL is read with L* = 0 "
        "(PL*)",
    ),
    SourceLine(
        "tangent_kernel_def",
        D0,
        76,
        "K(w) = \\nabla F(w) \\nabla F(w)^T",
        "tangent kernel",
        r"K(w)=\nabla F(w)\nabla F(w)^T\in\mathbb R^{n\times n},\ \nabla F(w)\in\mathbb R^{n\times m}",
        unchecked="a definition (its shapes are consistent); the suite's closed-form kernel is compared with "
        "J Jᵀ from torch.func in the widths experiment",
    ),
    SourceLine(
        "thm_4_1",
        D0,
        80,
        "If \\(\\lambda_{\\min} (K(w)) \\geq \\mu\\)",
        "Theorem 4.1 (LZB)",
        r"\lambda_{\min}(K(w))\ge\mu\implies\mu\text{-PL}^*\ \text{on}\ B",
        reading=_r(
            "thm_4_1_reading",
            "λ_min(K) ≥ μ ⇒ ½‖∇L‖² ≥ μL (square loss)",
            PL_STAR,
            ("kernel_mu",),
            tight_on="kernel_bottom",
        ),
    ),
    SourceLine(
        "thm_4_1_grad",
        D0,
        83,
        "\\frac{1}{2}\\Vert (F(w)-y)^T \\nabla F(w)\\Vert^2",
        "proof of Theorem 4.1",
        r"\tfrac12\|\nabla f(w)\|^2=\tfrac12\|(F(w)-y)^T\nabla F(w)\|^2",
        reading=_r(
            "thm_4_1_grad",
            "∇L = DFᵀ(F − y) for the square loss",
            sp.Eq(sp.Matrix([sp.diff(_sqloss, wi) for wi in _ww]), _DF.T * (_F - _y), evaluate=False),
        ),
        note="∇f means ∇L (the loss); the identity of the gradients gives the identity of the norms",
    ),
    SourceLine(
        "thm_4_1_kernel",
        D0,
        83,
        "\\nabla F(w) \\nabla F(w)^T (F(w)-y)",
        "proof of Theorem 4.1",
        r"=\tfrac12(F(w)=y)^T\nabla F(w)\nabla F(w)^T(F(w)-y)",
        reading=_r(
            "thm_4_1_kernel",
            "‖DFᵀr‖² = rᵀ DF DFᵀ r",
            sp.Eq((DF.T * rvec).T * (DF.T * rvec), rvec.T * (DF * DF.T) * rvec, evaluate=False),
        ),
        note="'(F(w)=y)' is read as (F(w) − y): a dropped minus sign, as in the factor on its right",
    ),
    SourceLine(
        "thm_4_1_rayleigh",
        D0,
        83,
        "\\geq \\frac{1}{2} \\lambda_{\\min}(K(w))",
        "proof of Theorem 4.1",
        r"\ge\tfrac12\lambda_{\min}(K(w))\|F(w)-y\|^2",
        reading=_r(
            "thm_4_1_rayleigh",
            "½ rᵀKr ≥ ½ λ_min ‖r‖² (eigenbasis of K, n = 3)",
            sp.Ge(sum(li * ci**2 for li, ci in zip(lam, c)) / 2, lmin * sum(ci**2 for ci in c) / 2),
        ),
    ),
    SourceLine(
        "thm_4_1_loss",
        D0,
        83,
        "&= \\lambda_{\\min}(K(w)) L(w)",
        "proof of Theorem 4.1",
        r"=\lambda_{\min}(K(w))L(w)",
        reading=_r(
            "thm_4_1_loss", "½ λ_min ‖r‖² = λ_min L", sp.Eq(lmin * sum(ci**2 for ci in c) / 2, lmin * Lw)
        ),
    ),
    SourceLine(
        "thm_4_1_mu",
        D0,
        83,
        "&\\geq \\mu L(w)",
        "proof of Theorem 4.1",
        r"\ge\mu L(w)",
        reading=_r("thm_4_1_mu", "λ_min L ≥ μ L", sp.Ge(lmin * Lw, mu * Lw), ("kernel_mu",)),
    ),
    SourceLine(
        "kappa_def",
        D0,
        86,
        "GD converges exp fast to a solution",
        "informal convergence result",
        r"\kappa_F=\frac{\sup_B\lambda_{\max}(H)}{\inf_B\lambda_{\min}(K)}",
        unchecked="a definition of κ_F with an informal claim ('rate controlled by κ_F'); the quantitative "
        "form is Theorem 4.2 (lines 103–104)",
    ),
    SourceLine(
        "linear_kernel",
        D0,
        91,
        "Our tangent kernel is: \\(\\displaystyle K(w)=AA^T\\)",
        "linear model",
        r"F(w)=Aw:\ K(w)=AA^T",
        reading=_r(
            "linear_kernel",
            "DF DFᵀ = AAᵀ for F(w) = Aw (2×3)",
            sp.Eq(
                (_A2 * _wv).jacobian(list(_wv)) * (_A2 * _wv).jacobian(list(_wv)).T,
                _A2 * _A2.T,
                evaluate=False,
            ),
        ),
    ),
    SourceLine(
        "linear_hessian",
        D0,
        91,
        "our hessian is \\(\\displaystyle H=A^TA\\)",
        "linear model",
        r"L(w)=\tfrac12\|Aw-y\|^2:\ H=A^TA",
        reading=_r(
            "linear_hessian",
            "the Hessian of ½‖Aw − b‖² is AᵀA (2×3)",
            sp.Eq(sp.hessian(_lsq, list(_wv)), _A2.T * _A2, evaluate=False),
        ),
    ),
    SourceLine(
        "linear_kappa",
        D0,
        93,
        "\\kappa_{F} = \\frac{\\lambda_{\\max}(K)}{\\lambda_{\\min}(K)} \\geq 1",
        "linear model",
        r"\kappa_F=\frac{\lambda_{\max}(K)}{\lambda_{\min}(K)}\ge1",
        reading=_r("linear_kappa", "λ_max/λ_min ≥ 1", sp.Ge(lmax / lmin, 1)),
        note="the equality uses that AᵀA and AAᵀ share their nonzero eigenvalues (so sup λ_max(H) = "
        "λ_max(K))",
    ),
    SourceLine(
        "kappa_random",
        D0,
        95,
        "E[\\log K_F] \\approx",
        "linear model",
        r"E[\log\kappa_F]\approx\log\frac{M}{|m-n|+1}",
        unchecked="a heuristic ('≈', 'intuition') with M undefined in the notes",
    ),
    SourceLine(
        "kappa_limit",
        D0,
        96,
        "\\kappa_{F} \\to 1",
        "linear model",
        r"m\to\infty\implies\kappa_F\to1",
        unchecked="an asymptotic statement about random A (no distribution or rate is given)",
    ),
    SourceLine(
        "thm_4_2_radius",
        D0,
        100,
        "R = \\frac{2\\sqrt{w\\beta L(w_0)}{\\mu}",
        "Theorem 4.2 (LZB)",
        r"R=\frac{2\sqrt{w\beta L(w_0)}}{\mu}",
        reading=_r(
            "thm_4_2_radius",
            "GD with η = 1/β stays in B(w₀, 2√(2βL₀)/μ)",
            BALL_LZB,
            ("smooth_step", "pl", "eta_eq"),
            sharper=BALL,
        ),
        note="the 'w' under the root is read as 2 (LZB's radius 2√(2βL(w₀))/μ; a parameter vector under a "
        "square root has no meaning); the braces of the extracted LaTeX are unbalanced",
    ),
    SourceLine(
        "thm_4_2_existence",
        D0,
        102,
        "There exists a global minimum of",
        "Theorem 4.2 (LZB)",
        r"\exists w^*\in B(w_0,R):\ F(w^*)=y",
        reading=_r(
            "thm_4_2_existence",
            "the GD path (and so its limit, a solution) lies in B(w₀, R)",
            BALL_LZB,
            ("smooth_step", "pl", "eta_eq"),
            sharper=BALL,
        ),
        note="read through its proof: GD converges (line 104) and never leaves the ball, so its limit is a "
        "solution in the closed ball",
    ),
    SourceLine(
        "thm_4_2_rate",
        D0,
        104,
        "L(w_t) \\leq \\left(1-\\kappa^{-1}",
        "Theorem 4.2 (LZB)",
        r"\eta=\frac1{\sup\lambda_{\max}(H)}:\ L(w_t)\le(1-\kappa^{-1})^tL(w_0)",
        reading=_r(
            "thm_4_2_rate",
            "η = 1/β: L(w_t) ≤ (1 − μ/β)^t L(w₀)",
            sp.Le(gapT, (1 - mu / beta) ** T * gap0),
            ("smooth_step", "pl", "eta_eq"),
        ),
        note="κ⁻¹ = inf λ_min(K)/sup λ_max(H) = μ/β; 'B(w, R)' is read as B(w₀, R)",
    ),
    SourceLine(
        "rate_goal",
        D0,
        110,
        "L(w_t) \\leq (1-\\eta \\mu)^t L(w_0)",
        "proof of Theorem 4.2",
        r"L(w_t)\le(1-\eta\mu)^tL(w_0)",
        reading=_r("rate_goal", "the geometric rate", RATE, _SM),
    ),
    SourceLine(
        "inverse_condition",
        D0,
        112,
        "is the inverse of the condition number",
        "proof of Theorem 4.2",
        r"\eta\mu=\kappa^{-1}",
        reading=_r("inverse_condition", "with η = 1/β: ημ = μ/β", sp.Eq(eta * mu, mu / beta), ("eta_eq",)),
    ),
    SourceLine(
        "sq_loss",
        D0,
        119,
        "Assume we use squared loss",
        "lecture 3",
        r"L(w)=\tfrac12\|F(w)-Y\|^2",
        unchecked="a definition (the loss of Theorem 4.1)",
    ),
    SourceLine(
        "pl_prose",
        D0,
        121,
        "If the magnitude of gradient is greater",
        "lecture 3",
        r"\|\nabla L\|^2\ge\mu L\ \ (\text{'magnitude of gradient'} \ge \mu\cdot\text{loss})",
        reading=_r(
            "pl_prose",
            "‖∇L‖² ≥ μL (read as the squared magnitude)",
            sp.Ge(g2, mu * L0),
            ("pl",),
            sharper=sp.Ge(g2, 2 * mu * L0),
        ),
        note="prose; read with the squared norm (the unsquared ‖∇L‖ ≥ μL is not PL: it is the wrong variant "
        "pl_unsquared, refuted); the ½ of line 70 makes it sharper",
    ),
    SourceLine(
        "pl_and_conditions",
        D0,
        122,
        "If our loss satisfies PL and some other",
        "lecture 3",
        r"\text{PL}+\text{other conditions}\implies\text{GD converges}",
        unchecked="'some other conditions' are not stated here; they are lines 127–131, checked at line 133",
    ),
    SourceLine(
        "hessian_bounded",
        D0,
        129,
        "The hessian is bounded by",
        "assumption 3",
        r"\|H\|\le\beta",
        unchecked="a hypothesis (it is what 'β-smooth' means for a C² loss), used as hess_bound at line 133",
    ),
    SourceLine(
        "gd_step_mu",
        D0,
        131,
        "Assume gradient descent:",
        "assumption 5",
        r"w_{t+1}=w_t-\mu\nabla L(w_t)",
        reading=_r(
            "gd_step_mu",
            "GD with step size μ (as written), then the step of line 133 at η = 1/β",
            sp.Le(a1, (1 - mu / beta) * a0),
            ("smooth_step", "pl", "step_mu"),
        ),
        corrected=_r(
            "gd_step_eta",
            "GD with step size η = 1/β",
            sp.Le(a1, (1 - mu / beta) * a0),
            ("smooth_step", "pl", "eta_eq"),
        ),
        corrected_latex=r"w_{t+1}=w_t-\eta\nabla L(w_t),\ \eta=\tfrac1\beta",
        note="μ is a typo for η (item 4 sets η = 1/β and line 133 steps by −η∇L); with step μ, GD diverges "
        "whenever μ > 2/β, e.g. on ½λx² with λ > √2",
    ),
    SourceLine(
        "taylor",
        D0,
        133,
        "By Taylor's expansion:",
        "proof, lecture 3",
        r"L(w_{t+1})=L(w_t)+(w_{t+1}-w_t)^T\nabla f(w_t)+\tfrac12(w_{t+1}-w_t)^TH(w')(w_{t+1}-w_t)",
        unchecked="Taylor's theorem with a Lagrange remainder at an unspecified point w' of the segment (a "
        "cited "
        "fact; for a vector w it holds as the integral form, and w' exists only along the segment)",
    ),
    SourceLine(
        "taylor_substituted",
        D0,
        133,
        "&=L(w_t) + (-\\eta)\\nabla L(w_t)^T",
        "proof, lecture 3",
        r"=L(w_t)+(-\eta)\nabla L^T\nabla f+\tfrac12(-\eta)\nabla L^TH(w')(-\eta)\nabla L",
        reading=_r("taylor_substituted", "Δw = −η∇L substituted", sp.Eq(_t2_lhs, _t2_rhs, evaluate=False)),
        note="∇f is ∇L",
    ),
    SourceLine(
        "taylor_le_same",
        D0,
        133,
        "&\\leq L(w_t) - \\eta \\Vert \\nabla L(w_t) \\Vert^2 + \\frac",
        "proof, lecture 3",
        r"\le L(w_t)-\eta\|\nabla L\|^2+\tfrac{\eta^2}{2}\nabla L^TH(w')\nabla L",
        reading=_r(
            "taylor_le_same",
            "the previous line rewritten (≤ holds with equality)",
            sp.Le(_tay3, _tay3, evaluate=False),
        ),
    ),
    SourceLine(
        "taylor_hessian",
        D0,
        133,
        "(1-\\frac{\\eta \\beta}{2}) &\\text{by assumption 3}",
        "proof, lecture 3",
        r"\le L(w_t)-\eta\|\nabla L\|^2(1-\tfrac{\eta\beta}{2})",
        reading=_r("taylor_hessian", "∇LᵀH∇L ≤ β‖∇L‖²", sp.Le(_tay3, _tay4), ("hess_bound",)),
    ),
    SourceLine(
        "taylor_step",
        D0,
        133,
        "&\\text{by assumption 4}",
        "proof, lecture 3",
        r"\le L(w_t)-\tfrac\eta2\|\nabla L\|^2",
        reading=_r("taylor_step", "η ≤ 1/β: η(1 − ηβ/2) ≥ η/2", sp.Le(_tay4, _tay5), ("eta_le",)),
        note="assumption 4 is η = 1/β, the boundary of η ≤ 1/β (where the step holds with equality)",
    ),
    SourceLine(
        "taylor_pl",
        D0,
        133,
        "&\\text{by }\\mu\\text{-PL assumption}",
        "proof, lecture 3",
        r"\le L(w_t)-\eta\mu L(w_t)",
        reading=_r("taylor_pl", "μ-PL*: (η/2)‖∇L‖² ≥ ημL", sp.Le(_tay5, _tay6), ("pl_star",)),
    ),
    SourceLine(
        "taylor_factor",
        D0,
        133,
        "&= (1-\\eta \\mu)L(w_t)",
        "proof, lecture 3",
        r"=(1-\eta\mu)L(w_t)",
        reading=_r("taylor_factor", "L − ημL = (1 − ημ)L", sp.Eq(_tay6, (1 - eta * mu) * L0)),
    ),
    SourceLine(
        "taylor_rate",
        D0,
        133,
        "This implies our loss at any iteration is",
        "proof, lecture 3",
        r"L(w_t)\le(1-\eta\mu)^tL(w_0)",
        reading=_r("taylor_rate", "the geometric rate", RATE, _SM),
    ),
    SourceLine(
        "rate_factor",
        D0,
        134,
        "with convergence rate",
        "lecture 3",
        r"\text{rate}\ (1-\eta\mu)",
        reading=_r("rate_factor", "one step contracts by 1 − ημ", ONE_STEP, _SM, sharper=TIGHT),
    ),
    SourceLine(
        "sgd_similar",
        D0,
        135,
        "Similar results hold for SGD.",
        "lecture 3",
        r"\text{SGD: similar}",
        unchecked="no statement is given for SGD (step sizes, noise model, rate)",
    ),
    SourceLine(
        "ball_radius",
        D0,
        141,
        "R \\leq \\frac{2\\sqrt{2 \\beta L(w_0)}}{\\mu}",
        "ball of Theorem 4.2",
        r"B(w_0,R),\ R\le\frac{2\sqrt{2\beta L(w_0)}}{\mu}",
        reading=_r(
            "ball_radius",
            "the GD path needs a radius at most 2√(2βL₀)/μ (η = 1/β)",
            BALL_LZB,
            ("smooth_step", "pl", "eta_eq"),
            sharper=BALL,
        ),
        note="read as: the distance GD travels is at most 2√(2βL₀)/μ (the next line: GD never leaves the "
        "ball); read as 'PL holds on some ball of radius ≤ …' it would not keep GD inside",
    ),
    SourceLine(
        "step_length",
        D0,
        143,
        "The lengths of the update vectors are",
        "ball of Theorem 4.2",
        r"\|w_{t+1}-w_t\|=\eta\|\nabla L(w_t)\|",
        reading=_r(
            "step_length",
            "‖−η∇L‖ = η‖∇L‖ (2-D)",
            sp.Eq(sp.sqrt((eta * _g[0]) ** 2 + (eta * _g[1]) ** 2), eta * sp.sqrt(_g[0] ** 2 + _g[1] ** 2)),
        ),
    ),
    SourceLine(
        "descent_half",
        D0,
        146,
        "From the proof above, we have:",
        "ball of Theorem 4.2",
        r"L(w_{t+1})\le L(w_t)-\tfrac\eta2\|\nabla L(w_t)\|^2",
        reading=_r(
            "descent_half", "smoothness + η ≤ 1/β", sp.Le(L1, L0 - eta / 2 * g2), ("smooth_step", "eta_le")
        ),
    ),
    SourceLine(
        "hessian_control",
        D0,
        152,
        "We can show \\(mu\\)-PL by showing",
        "Hessian control",
        r"\lambda_{\min}(K(w_0))\ge\mu,\ \sup_B\|H(F)\|\ \text{small}\implies\mu\text{-PL on a ball}",
        unchecked="no constants are stated (how small ‖H‖ must be, how large the ball is)",
    ),
    SourceLine(
        "two_layer_model",
        D0,
        155,
        "f(w, x) = \\frac{1}{\\sqrt{m}}\\sum_{i=1}^{m} v_i",
        "wide network",
        r"f(w,x)=\frac1{\sqrt m}\sum_{i=1}^mv_i\sigma(w_i,x)",
        unchecked="a definition of the model ('σ(w_i, x)' is read as σ(w_i x))",
    ),
    SourceLine(
        "two_layer_grad",
        D0,
        159,
        "\\nabla_{w_i} f(w, x) = \\frac{1}{\\sqrt{m}} v_i x",
        "wide network",
        r"\nabla_{w_i}f(w,x)=\frac1{\sqrt m}v_ix\sigma'(w_ix)",
        reading=_r(
            "two_layer_grad",
            "the gradient of the two-layer model (m = 3)",
            sp.Eq(_grad2, _GRAD_CLOSED, evaluate=False),
        ),
    ),
    SourceLine(
        "two_layer_ntk_diag",
        D0,
        160,
        "K(w, x_j, x_j) = \\frac{1}{m}\\sum_{i=1}^{m}",
        "wide network",
        r"K(w,x_j,x_j)=\frac1m\sum_{i=1}^mv_i^2x^2(\sigma'(w_ix))^2",
        reading=_r(
            "two_layer_ntk_diag",
            "the kernel's diagonal (m = 3)",
            sp.Eq(
                (_grad2.T * _grad2)[0],
                sum(vi**2 * sp.diff(_sig(wi * _xin), wi) ** 2 for vi, wi in zip(_v, _w)) / 3,
                evaluate=False,
            ),
        ),
        note="'≡ O(1)': an average of m bounded terms (|σ'| ≤ 1 for tanh, v_i² = 1), bounded in m",
    ),
    SourceLine(
        "kernel_trace",
        D0,
        161,
        "Then the trace of the tangent kernel",
        "wide network",
        r"\operatorname{tr}K=O(1)\implies\|K(w)\|=O(1)",
        reading=_r("kernel_trace", "‖K‖ ≤ tr K (K is positive semidefinite)", sp.Le(Knorm, Ktrace)),
        note="O(1) in the width m, for a fixed number n of samples (tr K grows with n)",
    ),
    SourceLine(
        "two_layer_hessian",
        D0,
        162,
        "H_{ij} = \\frac{1}{\\sqrt{m}} v_i \\sigma ''",
        "wide network",
        r"H_{ij}=\frac1{\sqrt m}v_i\sigma''(w_jx)x^21_{i=j}",
        reading=_r(
            "two_layer_hessian",
            "the Hessian of the model is diagonal (m = 3)",
            sp.Eq(
                _H2,
                sp.diag(*[vi * sp.diff(_sig(wi * _xin), wi, 2) / sp.sqrt(3) for vi, wi in zip(_v, _w)]),
                evaluate=False,
            ),
        ),
    ),
    SourceLine(
        "two_layer_hnorm",
        D0,
        163,
        "\\Vert H \\Vert_2 = \\max_{i \\in [m]} H_{ii}",
        "wide network",
        r"\|H\|_2=\max_iH_{ii}=\frac{x^2}{\sqrt m}\max_i|v_i\sigma''(w_jx)|",
        reading=_r(
            "two_layer_hnorm",
            "‖H‖₂ = x²/√m · max_i |v_i σ''(w_i x)| (computed ‖H‖₂ of the full Hessian)",
            sp.Eq(hnorm, xin**2 / sp.sqrt(mw) * hmax),
        ),
        note="the ends of the chain are compared; 'the maximum eigenvalue' and 'max H_ii' are read in "
        "absolute "
        "value (as the last expression has it); σ''(w_j x) is read as σ''(w_i x)",
    ),
    SourceLine(
        "two_layer_hnorm_rate",
        D0,
        163,
        "= O(\\frac{1}{\\sqrt{m}})",
        "wide network",
        r"\|H\|_2=O(m^{-1/2})",
        reading=_r(
            "two_layer_hnorm_rate",
            "√m‖H‖₂ ≤ x² sup|σ''| (tanh: 4/(3√3))",
            sp.Le(hnorm * sp.sqrt(mw), xin**2 * 4 / (3 * sp.sqrt(3))),
        ),
    ),
    SourceLine(
        "wide_limit",
        D0,
        164,
        "As m goes to infinity, our hessian",
        "wide network",
        r"m\to\infty:\ H\to0,\ K\to\text{const}",
        unchecked="an asymptotic statement; the widths experiment measures ‖H‖ ∝ m^{-1/2} and the kernel "
        "drift falling with m",
    ),
    SourceLine(
        "hessian_control_gd",
        D0,
        165,
        "Thus Hessian control implies convergence",
        "wide network",
        r"\text{Hessian control}\implies\text{GD converges}",
        unchecked="qualitative (no constants)",
    ),
    SourceLine(
        "deep_width",
        D0,
        168,
        "m=\\omega(\\frac{n}{\\mu})",
        "wide network",
        r"m=\omega(n/\mu)",
        unchecked="a cited result for L-layer networks, stated without its constants",
    ),
    SourceLine(
        "phi_kernel",
        D0,
        172,
        "\\Vert K(w) \\Vert = O(1)",
        "output nonlinearity",
        r"\|K(w)\|=O(1)",
        unchecked="an order statement for g = φ∘f without the conditions on φ",
    ),
    SourceLine(
        "phi_hessian",
        D0,
        173,
        "if \\(\\displaystyle (\\phi'' \\neq 0)\\)",
        "output nonlinearity",
        r"\|H\|=O(1)\ \text{if}\ \phi''\ne0",
        unchecked="an order statement (a lower bound Θ(1) is meant); the mechanism, the rank-one term "
        "φ''(f)∇f∇fᵀ, is not transcribed",
    ),
    SourceLine(
        "phi_pl",
        D0,
        178,
        "is \\(\\displaystyle \\mu \\rho^2\\)-PL",
        "output nonlinearity",
        r"f\ \mu\text{-PL},\ |\phi'(f)|>\phi\implies\phi\circ f\ \mu\rho^2\text{-PL}",
        unchecked="'> φ' is read as '≥ ρ', and 'f is μ-PL' must mean uniform conditioning of f's kernel "
        "(λ_min(K_f) ≥ μ); the suite does not yet generate composed models",
    ),
    SourceLine(
        "phi_rate",
        D0,
        179,
        "(1- \\eta \\mu \\rho^2)L(w_0)",
        "output nonlinearity",
        r"L(w_t)\le(1-\eta\mu\rho^2)L(w_0)",
        unchecked="the exponent t is lost in extraction; with it this is the rate of line 110 for the "
        "constant "
        "μρ² of line 178, which is not checked",
    ),
    # ---------------------------------------------------------------- 002: Arora et al. §6.2
    SourceLine(
        "def_pl_002",
        D2,
        1289,
        "f satisfies Polyak-Lojasiewicz if",
        "Definition 6.2.1",
        r"\|\nabla f(x)\|_2^2\ge\mu(f(w)\,f(w^*))",
        reading=_r(
            "def_pl_002",
            "‖∇f(w)‖² ≥ μ(f(w) − f(w*)) under our μ-PL (with ½)",
            sp.Ge(g2, mu * (L0 - Ls)),
            ("pl",),
        ),
        note="the minus sign of f(w) − f(w*) is lost in extraction and ∇f(x) is read at w; without the ½ "
        "the book's μ is up to twice ours, the same condition",
    ),
    SourceLine(
        "def_wqc_002",
        D2,
        1290,
        "weakly-quasi-convex if there exists",
        "Definition 6.2.1",
        r"\langle\nabla f(w),w-w^*\rangle\ge\mu(f(w)-f(w^*))",
        unchecked="a definition (the constant declared τ is used as μ)",
    ),
    SourceLine(
        "def_rsi_002",
        D2,
        1291,
        "Restricted Secant Inequality (RSI)",
        "Definition 6.2.1",
        r"\langle\nabla f(w),w\,w^*\rangle\ge\mu\|w\,w^*\|_2^2",
        unchecked="a definition (minus signs lost in extraction; the constant declared τ is used as μ)",
    ),
    SourceLine(
        "claim_6_2_2_pl",
        D2,
        1295,
        "Claim 6.2.2. If an objective function f",
        "Claim 6.2.2 (PL)",
        r"\text{PL}+\text{smooth}\implies\text{GD converges at a geometric rate}",
        reading=_r("claim_6_2_2_pl", "PL + smooth + η ≤ 1/β: geometric rate", RATE, _SM),
        note="the step size is not stated; read with η ≤ 1/β (footnote line 1314: the standard smoothness)",
    ),
    SourceLine(
        "claim_6_2_2_rsi",
        D2,
        1295,
        "weakly-quasi-convex or RSI, and f is smooth",
        "Claim 6.2.2 (RSI)",
        r"\text{RSI}+\text{smooth}\implies\|w_{t+1}-w^*\|^2\le\rho\|w_t-w^*\|^2",
        reading=_r(
            "claim_6_2_2_rsi",
            "RSI + smoothness: ‖w⁺ − w*‖² ≤ (1 − 2ημ + η²β²)‖w − w*‖²",
            sp.Le(d2n, (1 - 2 * eta * mu + eta**2 * beta**2) * d2),
            ("rsi", "lip"),
        ),
        note="the factor is < 1 for η < 2μ/β² (the claim states no step size); footnote 4 (line 1316): the "
        "potential for RSI is the squared distance.  The weakly-quasi-convex branch needs the special "
        "smoothness of [HMR18] (footnote 3, line 1314) and is not checked",
    ),
    SourceLine(
        "pl_grad_nonzero",
        D2,
        1297,
        "requires that the gradient to be nonzero",
        "remark after Claim 6.2.2",
        r"\nabla f(w)=0\implies f(w)=f(w^*)",
        reading=_r("pl_grad_nonzero", "PL: f − f* ≤ ‖∇f‖²/(2μ)", sp.Le(L0 - Ls, g2 / (2 * mu)), ("pl",)),
    ),
    # ---------------------------------------------------------------- 003: course notes
    SourceLine(
        "pl_generalises_sc",
        D3,
        392,
        "PL condition (generalization of strong convexity",
        "PL condition",
        r"\mu\text{-strongly convex}\implies\mu\text{-PL}",
        reading=_r(
            "pl_generalises_sc",
            "μ-strong convexity ⇒ ½‖∇f‖² ≥ μ(f − f*) (ℝ³)",
            sp.Ge(_gsq / 2, mu * (L0 - Ls)),
            ("strong_convex",),
        ),
    ),
    SourceLine(
        "def_pl_003",
        D3,
        393,
        "\\frac{1}{2} \\|\\nabla f(\\mathbf{x})\\|^2 \\geq \\mu(f(\\mathbf{x}) - f^*)",
        "PL condition",
        r"\tfrac12\|\nabla f(x)\|^2\ge\mu(f(x)-f^*),\ \forall x,\ f^*=\min f",
        reading=_r(
            "def_pl_003",
            "the PL inequality on the suite's PL families",
            sp.Ge(g2 / 2, mu * (L0 - Ls)),
            ("pl",),
        ),
        note="a definition; read as the condition the suite's PL families satisfy with their certified μ "
        "(f* = min f presumes the minimum is attained; it is on every family)",
    ),
    # ---------------------------------------------------------------- 001: notes page
    SourceLine(
        "pl_global_001",
        D1,
        113,
        "guarantees global convergence of loca",
        "PL bullet",
        r"\text{PL}\implies\text{global convergence of local methods}",
        reading=_r("pl_global_001", "PL alone gives the geometric rate of GD", RATE, ("pl",)),
        corrected=_r("pl_global_001_fixed", "with smoothness and η ≤ 1/β", RATE, _SM),
        corrected_latex=r"\text{PL}+\beta\text{-smooth},\ \eta\le\tfrac1\beta\implies "
        r"L(w_t)-L^*\le(1-\eta\mu)^t(L(w_0)-L^*)",
    ),
    SourceLine(
        "pl_form_001",
        D1,
        115,
        "||\\nabla f(x)||^2 \\geq \\alpha f(x) \\geq 0",
        "PL bullet",
        r"\|\nabla f(x)\|^2\ge\alpha f(x)\ge0",
        reading=_r("pl_form_001", "‖∇f‖² ≥ 2μ f (α = 2μ, f* = 0)", sp.Ge(g2, 2 * mu * L0), ("pl",)),
        note="'α f(x) ≥ 0' presumes f ≥ 0 = f*; read with α = 2μ (our ½-convention)",
    ),
    SourceLine(
        "nngp_001",
        D1,
        125,
        "corresponds to kernel",
        "kernels bullet",
        r"\ker(x,x')=\mathbb E_{\theta\sim W}[f(\theta,x)f(\theta,x')]",
        unchecked="a definition",
    ),
    SourceLine(
        "ntk_001",
        D1,
        129,
        "evolution of weights over time follows",
        "kernels bullet",
        r"\ker(x,x')=\mathbb E_\theta\langle\partial_\theta f(\theta,x),\partial_\theta f(\theta,x')\rangle",
        unchecked="a definition ('∂' lost in extraction); 'follows this kernel' is qualitative",
    ),
    SourceLine(
        "ntk_width_001",
        D1,
        131,
        "with very large width, this kernel is the NTK",
        "kernels bullet",
        r"m\to\infty:\ K_m\to\text{NTK at initialization}",
        unchecked="an asymptotic statement",
    ),
    # ---------------------------------------------------------------- 004: Wu's slides
    SourceLine(
        "linnet_loss",
        D4,
        101,
        "\\frac{1}{2} \\sum_{p=1}^n \\left\\|",
        "deep linear network (Du & Hu)",
        r"\tfrac12\sum_p\|c\,W_L\cdots W_1x_p-y_p\|^2=\tfrac12\|c\,W_L\cdots W_1X-Y\|_F^2",
        reading=_r(
            "linnet_loss",
            "the per-sample sum equals the Frobenius form (2×2 product, 3 samples)",
            sp.Eq(_sum_form, _frob_form, evaluate=False),
        ),
    ),
    SourceLine(
        "linnet_shapes",
        D4,
        103,
        "W_L \\in \\mathbb{R}^{m \\times d_{\\text{out}}}",
        "deep linear network (Du & Hu)",
        r"W_1\in\mathbb R^{m\times d_{in}},\ W_2..W_{L-1}\in\mathbb R^{m\times m},\ W_L\in\mathbb R^{m\times "
        r"d_{out}}",
        reading=_r(
            "linnet_shapes",
            "W_L W_{L−1} is defined: cols(W_L) = d_out equals rows(W_{L−1}) = m",
            sp.Eq(dout, mwid),
        ),
        point={dout: 1, mwid: 2},
        corrected_latex=r"W_L\in\mathbb R^{d_{out}\times m}",
        note="with W_L of shape m × d_out the product W_L ⋯ W_1 x is undefined unless d_out = m (Du & Hu "
        "have W_N ∈ ℝ^{d_y × m}); exact counterexample d_out = 1, m = 2",
    ),
    SourceLine(
        "linnet_gd",
        D4,
        108,
        "W_i(t+1) = W_i(t) - \\eta",
        "deep linear network (Du & Hu)",
        r"W_i(t+1)=W_i(t)-\eta\,\partial\ell/\partial W_i",
        unchecked="a definition (the GD update)",
    ),
    SourceLine(
        "linnet_thm_4_1",
        D4,
        118,
        "\\ell(t) - \\text{OPT} &\\leq \\left( 1 - \\frac{\\eta L",
        "Theorem 4.1 (Du & Hu)",
        r"m\ge C L\max\{\dots\},\ \eta\le\frac{d_{out}}{3L\|X^\top X\|}\implies\ell(t)-\mathrm{OPT}\le"
        r"\left(1-\frac{\eta L\lambda_r(X^\top X)}{4d_{out}}\right)^t(\ell(0)-\mathrm{OPT})",
        unchecked="the width condition has an unspecified universal constant C and the claim holds with "
        "probability 1 − δ over the initialisation, so no finite set of instances can test it",
    ),
    SourceLine(
        "linnet_thm_4_3",
        D4,
        134,
        "\\mathcal{R}(t) \\leq \\left(1 - \\frac{\\eta}{2}\\right)^t",
        "Theorem 4.3 (Zou et al.)",
        r"\eta\le\min\{\tfrac1{4L^3\phi^6},\tfrac1{144L^2\phi^4}\}:\ \mathcal "
        r"R(t)\le(1-\tfrac\eta2)^t\mathcal R(0)",
        unchecked="the network (2.3), the initialisation (3.1) and the update (2.4) are cited by number and "
        "not "
        "given on the slide; the suite does not yet simulate deep linear networks",
    ),
]

#: what each symbol unfolded by a definitional step stands for: declared definitions (shown with
#: the assumptions; an undeclared one would be a hypothesis no claim makes)
_DEFINES = {"Lw": "L(w) names the least-squares loss ½‖c‖² of the residual c"}
ASSUMPTIONS += unfolded_definitions(DERIVATION, ASSUMPTIONS, _DEFINES)


THEOREM = Theorem(
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
    assumptions=ASSUMPTIONS,
    derivation=DERIVATION,
    claims=CLAIMS,
    predicted=PREDICTED,
    as_written=AS_WRITTEN,
    wrong_variants=WRONG_VARIANTS,
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

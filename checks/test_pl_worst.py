"""The PL table and the certified two-dimensional search (numerics/pl_worst.py): the 1-D lower
bounds against their closed forms and the suite's own GD, the Arb certifier against planted
functions that a sampled check passes, and the order of the table's columns."""

from __future__ import annotations

import math
from fractions import Fraction as Q

import mpmath
import pytest
import sympy as sp
import torch

from dlverify.checks.plugin import record
from dlverify.numerics import pl_convergence as npl
from dlverify.numerics import pl_worst as pw
from dlverify.numerics.device import RunContext
from dlverify.theorems.evidence import Verdict

pytestmark = pytest.mark.xdist_group("pl_convergence")  # one evaluation of the theorem's cache

TID = "pl_convergence"
ONE = Q(1)
#: samples of the sampled check the planted functions pass (one per degree of the circle)
SAMPLES = 360


def _closed_form(mu: Q, step: Q) -> Q:
    return max((1 - step * mu) ** 2, (1 - step) ** 2)


# --------------------------------------------------------------------------- the 1-D lower bound


@pytest.mark.parametrize(("mu", "step"), pw.TABLE_GRID)
def test_quadratic_lower_bound_equals_its_closed_form(mu, step):
    low = pw.quadratic_lower_bound(mu, ONE, step)
    assert low.value == _closed_form(mu, step)  # exact rationals
    a = mu if "a = μ" in low.description else ONE
    assert pw.quadratic_certificate(a, mu, ONE)[0]


@pytest.mark.parametrize(("mu", "step"), pw.TABLE_GRID)
def test_quadratics_run_by_the_suites_gd_never_beat_the_bound_and_attain_it(ctx, mu, step):
    """Batched GD over a ∈ [μ, L] (ends included): below the closed form within the GD's rounding
    bound, and the best end attains it; two-sided quadratics (curvatures in [μ, L], a step may cross
    to the other side) add nothing."""
    a = torch.linspace(float(mu), 1.0, 401, dtype=torch.float64, device=ctx.device)
    ratio, err = pw.quadratic_gd_ratio(ctx, a, float(step))
    bound = float(_closed_form(mu, step))
    assert bool((ratio - err <= bound).all())
    assert float((ratio + err).max()) >= bound
    assert npl.two_sided_worst(ctx, float(mu), float(step)) <= bound * (1 + 1e-12) + float(err.max())


def test_quadratic_certificate_rejects_curvatures_outside_mu_l():
    mu = Q(1, 5)
    assert not pw.quadratic_certificate(Q(1, 10), mu, ONE)[0]  # PL fails: a(a − μ) < 0
    assert not pw.quadratic_certificate(Q(3, 2), mu, ONE)[0]  # smoothness fails: a > L
    assert pw.quadratic_certificate(mu, mu, ONE)[0] and pw.quadratic_certificate(ONE, mu, ONE)[0]


def test_quadratic_step_in_rationals():
    assert pw.quadratic_step(Q(1, 5), ONE, Q(7, 3)) == Q(16, 25)
    assert pw.quadratic_step(ONE, Q(3, 2)) == Q(1, 4)


# --------------------------------------------------------------------------- homogeneous functions


def _random_homogeneous(ctx, n: int, K: int = 3) -> torch.Tensor:
    g = ctx.generator(TID, "test_pl_worst", "homogeneous", n, K)
    p = torch.zeros(n, 2 * K + 1, dtype=torch.float64)
    p[:, 0] = 0.3 + 0.4 * torch.rand(n, generator=g, dtype=torch.float64)
    p[:, 1:] = 0.03 * torch.randn(n, 2 * K, generator=g, dtype=torch.float64)
    return p


def test_arb_trig_polynomial_and_derivatives_match_sympy(ctx):
    """Arb's g, g′, g″ at rational θ contain sympy's exact values (differentiated symbolically)."""
    import flint

    th = sp.Symbol("theta")
    for row in _random_homogeneous(ctx, 4):
        h = pw.Homogeneous.from_vector(row)
        expr = sp.Rational(h.c0) + sum(
            sp.Rational(a) * sp.cos(k * th) + sp.Rational(b) * sp.sin(k * th)
            for k, (a, b) in enumerate(zip(h.a, h.b), 1)
        )
        for t in (Q(0), Q(1, 3), Q(-22, 7), Q(5)):
            balls = pw._arb_g(h, flint.arb(flint.fmpq(t.numerator, t.denominator)))
            for d, ball in enumerate(balls):
                exact = sp.N(sp.diff(expr, th, d).subs(th, sp.Rational(t)), 40)
                assert ball.overlaps(flint.arb(str(exact))) and float(ball.rad()) < 1e-12, (d, t)


@pytest.mark.parametrize("c", [0.0, 0.7, 2.5])
def test_polar_ratio_matches_the_suites_cartesian_gd(ctx, c):
    """The polar step formula against smooth.gradient_descent on the same functions written in
    Cartesian coordinates (no polar step), within the GD's rounding bound."""
    p = _random_homogeneous(ctx, 64)
    polar = pw.homogeneous_ratio(p, 1.0, c)
    traj = npl.smooth.gradient_descent(pw.homogeneous_batch(p, c), 1.0, 1)
    cart = traj.f[1] / traj.f[0]
    assert bool(((polar - cart).abs() <= traj.err[0] / traj.f[0]).all())


@pytest.mark.parametrize("c", [0.0, 0.7, 2.5])
def test_gradient_and_hessian_formulas_match_autograd(ctx, c):
    """∇f and the Hessian in the frame (e_r, e_θ) that :func:`conditions` uses, against torch's
    autograd of f = r²g(θ − c ln r)/2 written in Cartesian coordinates, at random points."""
    p = _random_homogeneous(ctx, 1)
    g = ctx.generator(TID, "test_pl_worst", "points", c)
    for w in 3 * torch.randn(5, 2, generator=g, dtype=torch.float64):

        def f(w):
            r2 = (w * w).sum()
            phi = torch.atan2(w[1], w[0]) - c * torch.log(r2) / 2
            return r2 * pw.trig(p, phi.reshape(1))[0][0, 0] / 2

        grad = torch.func.grad(f)(w)
        hess = torch.func.hessian(f)(w)
        r, th = float(w.norm()), float(torch.atan2(w[1], w[0]))
        phi = torch.tensor([th - c * math.log(r)], dtype=torch.float64)
        g0, g1, g2 = (t[0, 0] for t in pw.trig(p, phi))
        frame = torch.tensor(
            [[math.cos(th), -math.sin(th)], [math.sin(th), math.cos(th)]], dtype=torch.float64
        )
        want_grad = frame @ torch.stack([r * (g0 - c * g1 / 2), r * g1 / 2])
        vals = pw.conditions(g0, g1, g2, 0.0, 0.0, c)  # with L = 0: −h11, −h22 and det(H) − ...
        h11, h22 = -vals[2], -vals[3]
        h12 = g1 / 2 - c * g2 / 2
        want_hess = frame @ torch.stack([torch.stack([h11, h12]), torch.stack([h12, h22])]) @ frame.T
        assert torch.allclose(grad, want_grad, rtol=1e-12, atol=1e-12)
        assert torch.allclose(hess, want_hess, rtol=1e-10, atol=1e-10)
        assert abs(float(vals[4]) - float(h11 * h22 - h12 * h12)) <= 1e-12  # det(0 − H) = det H


@pytest.mark.parametrize("c", [0.0, 1.5])
def test_arb_ratio_contains_the_float_ratio(ctx, c):
    p = _random_homogeneous(ctx, 6)
    p[:, 1:] /= 5  # small harmonics: functions the certificate can prove at every twist tried
    polar = pw.homogeneous_ratio(p, 1.0, c)
    proved = 0
    for row, r in zip(p, polar.tolist()):
        cert = pw.certify_homogeneous(pw.Homogeneous.from_vector(row, c), Q(1, 5), ONE, ONE)
        if cert.ok:
            proved += 1
            assert cert.ratio_low - 1e-14 <= r <= cert.ratio_high + 1e-14
    assert proved  # the comparison happened


def test_the_certifier_proves_a_function_it_can_prove():
    """g = 3/10 − cos(2θ)/20: g ∈ [1/4, 7/20] ≥ μ, Hessian eigenvalues in (0.2, 0.4) (by hand),
    ratio from x₀ = (1, 0): g₀ = 1/4, g₀′ = 0, so (1 − 1/4)² = 9/16."""
    h = pw.Homogeneous(Q(3, 10), (Q(0), Q(-1, 20)), (Q(0), Q(0)))
    c = pw.certify_homogeneous(h, Q(1, 5), ONE, ONE)
    assert c.ok and c.ratio_low <= 9 / 16 <= c.ratio_high and c.ratio_high - c.ratio_low < 1e-12


def test_the_certifier_does_not_prove_what_only_holds_with_equality():
    """g ≡ μ (f = μ‖x‖²/2): PL holds with equality on the whole circle, which intervals cannot
    prove; the certificate fails (undecided), it never claims a proof or a violation."""
    h = pw.Homogeneous(Q(1, 5), (Q(0),), (Q(0),))
    c = pw.certify_homogeneous(h, Q(1, 5), ONE, ONE, depth=6)
    assert not c.ok and not c.proved_violation and c.violated == "PL"


def _planted(kind: str) -> pw.Homogeneous:
    """g = c − A cos(4(θ − θc)) with its trouble midway between two of the SAMPLES samples:
    'pl': min g = c − A = 0.19995 < μ = 0.2 on a dip narrower than the sample spacing;
    'smooth': the Hessian's h22 = c + 7A = 1.00001 > L at the dip's bottom (peak of h22)."""
    if kind == "pl":
        c, A, thc = 0.29995, 0.1, math.pi / SAMPLES
    else:  # h22 = g + g″/2 = c + 7A·(−cos 4(θ − θc)); its peak where cos = −1
        c, A, thc = 0.6, 0.40001 / 7, math.pi / SAMPLES + math.pi / 4
        A = -A
    p = [c, 0, 0, 0, -A * math.cos(4 * thc), 0, 0, 0, -A * math.sin(4 * thc)]
    return pw.Homogeneous.from_vector(p)


def _mp_conditions(h: pw.Homogeneous, theta: float, mu: float) -> dict:
    """The conditions at one θ in mpmath (50 digits), from the coefficients: independent of Arb
    and of torch."""
    mpmath.mp.dps = 50
    t = mpmath.mpf(theta)
    g = mpmath.mpf(h.c0.numerator) / h.c0.denominator
    g1 = g2 = mpmath.mpf(0)
    for k, (a, b) in enumerate(zip(h.a, h.b), 1):
        a_, b_ = mpmath.mpf(a.numerator) / a.denominator, mpmath.mpf(b.numerator) / b.denominator
        c, s = mpmath.cos(k * t), mpmath.sin(k * t)
        g += a_ * c + b_ * s
        g1 += k * (b_ * c - a_ * s)
        g2 += -k * k * (a_ * c + b_ * s)
    return dict(zip(pw.CONDITIONS, pw.conditions(g, g1, g2, mpmath.mpf(mu), mpmath.mpf(1))))


@pytest.mark.parametrize(("kind", "condition"), [("pl", "PL"), ("smooth", "L - h22")])
def test_the_certifier_catches_what_sampling_misses(kind, condition):
    """Planted bad functions: a 360-sample check passes them, the Arb certificate proves a
    violation, and mpmath confirms it at the θ the certificate names."""
    h = _planted(kind)
    p = torch.tensor([h.vector()], dtype=torch.float64)
    assert float(pw.sampled_margin(p, 0.2, 1.0, SAMPLES)) > 0  # sampling misses it
    c = pw.certify_homogeneous(h, Q(1, 5), ONE, ONE)
    assert not c.ok and c.proved_violation and c.violated == condition
    where = float(mpmath.mpf(c.where.strip("[]").split("+/-")[0]))
    assert _mp_conditions(h, where, 0.2)[condition] < 0
    record(TID, counterexamples=1, note=f"planted {kind} violation between samples caught at θ = {where:.6f}")


# --------------------------------------------------------------------------- the search


def test_the_search_reports_how_far_it_looked_and_certifies_below_pepit(ctx):
    res = pw.search_homogeneous(ctx)
    assert res.starts > 0 and res.iterations > 0 and res.tried >= res.certified
    text = res.describe()
    assert f"degree ≤ {res.degree}" in text and f"{res.starts} starts" in text
    if res.best_certified is not None:
        assert 0 <= res.best_certified
        pep = pw.pepit_pl_worst(ctx, float(res.mu), float(res.step))
        if pep is not None:  # a certified function above PEPit's upper bound: a bug on one side
            assert res.best_certified <= pep + pw.PEPIT_TOL


# --------------------------------------------------------------------------- the table


def test_table_columns_are_ordered_where_each_applies(ctx):
    """certified lower ≤ PEPit ≤ ADZ ≤ textbook (where it applies) and ≤ the proved factor; the
    verdict comes from the row."""
    rows = pw.table_rows(ctx)
    assert len(rows) == len(pw.TABLE_GRID) == 9
    one = torch.ones(1, dtype=torch.float64)
    for (r, s), row in zip(pw.TABLE_GRID, rows):
        adz = float(pw.adz_factor(one * float(r), one, one * float(s)))
        pep = pw.pepit_pl_worst(ctx, float(r), float(s))
        lower = row.measured_value
        assert lower >= float(_closed_form(r, s)) - 1e-15
        top = adz if pep is None else pep + pw.PEPIT_TOL
        assert lower <= top and (pep is None or pep <= adz + pw.PEPIT_TOL)
        assert adz <= row.bound + row.tol
        if s <= 1:
            assert row.bound <= float(1 - r * s) + row.tol and "1 − γμ" in row.textbook
        else:
            assert "γ > 1/L" in row.textbook
        assert ("KNS Thm 1" in row.best_known) == (s == 1)
        assert "certified lower bound" in row.measured and "certified by" in row.measured
        assert pep is None or "upper bound from necessary conditions" in row.pepit
        assert row.verdict is Verdict.LOOSE, row  # μ < L: the proved factor is not the worst case


def test_the_issue_anchors_at_mu_0_2_and_step_1_over_l(ctx):
    """textbook 0.8, ADZ 8/11 = 2(β − μ)/(2β + μ), PEPit 0.6833 (when installed), 1-D 0.64."""
    row = pw.table_rows(ctx)[pw.TABLE_GRID.index(pw.SEARCH_AT)]
    assert "0.800000" in row.textbook and row.measured_value >= 0.64
    one = torch.ones(1, dtype=torch.float64)
    assert abs(float(pw.adz_factor(one * 0.2, one, one)) - 8 / 11) <= 1e-15
    assert row.better <= 8 / 11 + 1e-15
    pep = pw.pepit_pl_worst(ctx, 0.2, 1.0)
    if pep is not None:
        assert abs(pep - 0.6833) < 1e-4


def test_without_pepit_the_table_says_not_installed_and_still_runs(ctx, monkeypatch):
    monkeypatch.setattr(pw, "_solve_pepit_pl", lambda *a: None)
    fresh = RunContext(ctx.device, ctx.seed, ctx.profile, ctx.dtype)
    fresh.cache.update({k: v for k, v in ctx.cache.items() if k[:2] == (pw.ID, "search_homogeneous")})
    rows = pw.table_rows(fresh)
    assert len(rows) == 9 and all(r.pepit == "not installed" for r in rows)
    assert all(r.verdict is Verdict.LOOSE for r in rows)  # ADZ alone is better than the bound

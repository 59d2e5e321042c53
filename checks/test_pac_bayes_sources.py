"""PAC-Bayes: the background definitions as printed (issue 20) -- 002:1166, 1172, 1180 and 003:32,
34, 41, each decided by what its printed constants assert, and each with a plausibly wrong variant
(an orientation, a sign, a constant changed) that the suite refuses."""

from __future__ import annotations

import functools

import pytest
import sympy as sp

from dlverify.checks.plugin import record
from dlverify.numerics import pac_bayes as N
from dlverify.theorems import pac_bayes as pb
from dlverify.theorems.core import Verdict, assess, check_derivation, judge_line

TID = "pac_bayes"

#: the verdicts of the entries decided here (the rest of the theorem's table is test_pac_bayes.py's)
EXPECTED = {
    "valid_posterior": Verdict.VERIFIED,  # the term Q ln(Q/P) → +∞ as P(h) → 0⁺ (exact limit)
    "kl_definition": Verdict.VERIFIED,  # step gibbs: D(Q‖P) ≥ 0
    "footnote_17": Verdict.VERIFIED,  # x ln x → 0 as x → 0⁺
    "kl_003": Verdict.VERIFIED,  # ∫ q log(q/p) = (ln 2)/2 ≥ 0 at one pair of Gaussians
    "entropy_003": Verdict.VERIFIED,  # H(uniform on 3) = log 3, at one exact point
    "mgf_003": Verdict.VERIFIED,  # M'(0) = E X, at one exact point
}


@functools.lru_cache(maxsize=1)
def _marks():
    return tuple(m for m in check_derivation(pb.THEOREM) if m.key == "gibbs")


def _line(key):
    return next(x for x in pb.THEOREM.as_written if x.key == key)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_source_line_verdict(ctx, key):
    line = _line(key)
    assert not line.unchecked and line.reading is not None
    j, reading, _ = judge_line(pb.THEOREM, line, _marks(), lambda c: N.measure(c, ctx))
    record(TID, note=f"{line.cite()} {key}: {j.verdict.value} ({j.basis})")
    assert j.verdict is EXPECTED[key], j.detail
    assert reading is not None and reading.verdict is EXPECTED[key]


def test_the_kl_definition_is_proved_by_gibbs_not_measured():
    """1172 rests on the certified step gibbs (three hypotheses, Q and P distributions)."""
    line = _line("kl_definition")
    mark = _marks()[0]
    assert mark.ok and line.reading.relation == mark.relation
    assert set(mark.hypotheses) <= set(line.reading.assumptions)


def _refused(claim, point=None) -> bool:
    return assess(pb.THEOREM, claim, (), None, point).verdict is Verdict.FALSE


def test_the_kl_with_its_ratio_inverted_is_refused():
    """ln(P/Q) for ln(Q/P) in 1172: −D(Q‖P) ≥ 0 is refuted at Q = (1/2, 1/4, 1/4), P = (1/4, 1/4, 1/2),
    where it is −(ln 2)/4; the printed orientation holds at the same point."""
    q, p = pb.qs, pb.ps
    pt = dict(zip(q, (sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 4))))
    pt |= dict(zip(p, (sp.Rational(1, 4), sp.Rational(1, 4), sp.Rational(1, 2))))
    base = _line("kl_definition").reading
    wrong = base.variant(
        "kl_inverted", "E_Q ln(P/Q) ≥ 0", sp.Ge(sum(a * sp.log(b / a) for a, b in zip(q, p)), 0)
    )
    assert _refused(wrong, pt)
    assert sp.simplify(sum(a * sp.log(b / a) for a, b in zip(q, p)).subs(pt) + sp.log(2) / 4) == 0
    assert not _refused(base.variant("kl_at_point", "the printed form at the point"), pt)


def test_the_reversed_domination_is_refused():
    """1166: the condition is P(h) = 0 ⇒ Q(h) = 0. Reversed (Q(h) → 0 at P(h) = 1/2) the KL term does
    not diverge: its limit is 0, so '→ +∞' is refuted there."""
    q1 = pb.qs[0]
    base = _line("valid_posterior").reading
    wrong = sp.Eq(sp.Limit(q1 * sp.log(2 * q1), q1, 0, "+"), sp.oo, evaluate=False)
    assert _refused(base.variant("reversed", "Q(h) → 0 at P(h) = 1/2 diverges", wrong))


def test_ln_zero_alone_is_not_zero():
    """1180: the factor 0 matters: ln x → −∞, so 'ln 0 := 0' is refuted; x ln x → 0 holds."""
    u = pb.u
    base = _line("footnote_17").reading
    wrong = sp.Eq(sp.Limit(sp.log(u), u, 0, "+"), 0, evaluate=False)
    assert _refused(base.variant("ln0", "ln x → 0", wrong))
    assert not _refused(base)


def test_the_density_kl_with_its_ratio_inverted_is_refused():
    """003:32 with log(p/q): the same two Gaussians give −(ln 2)/2 < 0."""
    integral = pb.KL_DENSITY_003.lhs
    integrand, limits = integral.function, integral.limits[0]
    q32 = pb._q32
    p32 = pb._p32
    assert sp.simplify(integrand - q32 * sp.log(q32 / p32)) == 0
    wrong = sp.Ge(sp.Integral(q32 * sp.log(p32 / q32), limits), 0, evaluate=False)
    assert _refused(_line("kl_003").reading.variant("kl_dens_inverted", "∫ q log(p/q) ≥ 0", wrong))
    assert sp.simplify(integral.doit() - sp.log(2) / 2) == 0


def test_entropy_without_its_minus_sign_is_refused():
    """003:34 without the minus sign: the uniform law on three points gives −log 3, not log 3."""
    line = _line("entropy_003")
    wrong = sp.Eq(-pb.ENTROPY_003, sp.log(3))
    assert _refused(line.reading.variant("entropy_no_minus", "Σ P log P = log 3", wrong), line.point)
    assert not _refused(line.reading, line.point)


def test_the_mgf_with_a_doubled_exponent_is_refused():
    """003:41 with e^{2t·x}: M'(0) = 2 E X = 3/2 at the printed point, not E X = 3/4."""
    line = _line("mgf_003")
    doubled = pb.MGF_003.subs(pb.t_M, 2 * pb.t_M)
    wrong = sp.Eq(sp.Subs(sp.Derivative(doubled, pb.t_M), pb.t_M, 0), pb.MGF_MEAN_003.rhs, evaluate=False)
    assert _refused(line.reading.variant("mgf_doubled", "E e^{2t·x}: M'(0) = E X", wrong), line.point)
    # and M(0) = 1 for the printed form on any law (the masses sum to 1)
    assert sp.simplify(pb.MGF_003.subs(pb.t_M, 0) - sum(pb.qs)) == 0

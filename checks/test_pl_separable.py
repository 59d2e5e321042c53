"""GD with the exponential loss on separable data with a known hard-margin SVM (000, lecture 4:
Soudry et al.): the constructed family, the measured rates against the predicted ones, and the
wrong rates the measurements refuse."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from dlverify.numerics import pl_convergence as npl
from dlverify.numerics import separable as sep
from dlverify.theorems import pl_convergence as pl
from dlverify.theorems.core import assess
from dlverify.theorems.evidence import Verdict

TH = pl.THEOREM


@pytest.fixture(scope="module")
def paths(ctx):
    return sep.paths(ctx)


@pytest.fixture(scope="module")
def rates(paths):
    return sep.rates(paths)


def test_the_constructed_svm_is_exact_and_scipy_agrees(ctx):
    insts = sep.instances(ctx, 8)
    for inst in insts:
        assert sep.exact_kkt(inst)
        w = np.array([float(v) for v in inst.w_svm])
        assert np.allclose(sep.scipy_svm(inst), w, rtol=1e-6, atol=1e-8)
    # a wrong w_svm (ŵ scaled by 2) fails the exact KKT check: feasible but not stationary
    bad = insts[0]
    doubled = sep.Instance(tuple(2 * v for v in bad.w_svm), bad.points, bad.alpha, bad.r1, bad.r2)
    assert not sep.exact_kkt(doubled)
    half = sep.Instance(tuple(v / 2 for v in bad.w_svm), bad.points, bad.alpha, bad.r1, bad.r2)
    assert not sep.exact_kkt(half)


def test_an_instance_by_hand():
    inst = sep.instance(Fraction(1), Fraction(0), Fraction(1), Fraction(2))
    # ŵ = (1, 0): a = (1, 1), b = (1, −2), α = (2/3, 1/3): (2/3)(1, 1) + (1/3)(1, −2) = (1, 0)
    assert inst.points[0] == (1, 1) and inst.points[1] == (1, -2)
    assert inst.alpha[:2] == (Fraction(2, 3), Fraction(1, 3)) and sep.exact_kkt(inst)


def test_the_step_is_within_the_sublevel_smoothness_and_the_path_monotone(paths):
    assert float(paths.eta_beta.max()) <= 0.5 + 1e-12  # ηβ ≤ ½ < 2, β = L(w₀)·max‖x‖²
    assert paths.monotone_loss and paths.monotone_norm


def test_the_measured_rates_match_the_predicted_ones(paths, rates):
    """(a) w(t) against log t → ŵ; (b) the direction gap against log t with log-log slope −1;
    (c) L ~ 1/t; (d) the min margin grows like log t (slope min_i ŵᵀx_i = 1): every instance's
    last-window slope with its tail interval contains the prediction."""
    p = paths.w_svm.cpu().numpy()
    for b in range(p.shape[0]):
        assert rates["w1"][b].contains(p[b, 0]) and rates["w2"][b].contains(p[b, 1])
        assert rates["gap"][b].contains(-1.0)
        assert rates["loss"][b].contains(-1.0)
        assert rates["margin"][b].contains(1.0)


@pytest.mark.parametrize(
    "key, wrong",
    [
        ("gap", -2.0),  # gap ~ 1/log²t
        ("loss", -2.0),  # L ~ 1/t²
        ("margin", 2.0),  # margins ~ 2 log t
    ],
)
def test_wrong_rates_are_refused(rates, key, wrong):
    assert not any(r.contains(wrong) for r in rates[key])


def test_w_svm_times_t_and_doubled_slopes_are_refused(paths, rates):
    p = paths.w_svm.cpu().numpy()
    for b in range(p.shape[0]):
        assert not rates["w1"][b].contains(2 * p[b, 0]) or not rates["w2"][b].contains(2 * p[b, 1])
    # w(t) ≈ ŵ·t: ‖w‖ would grow like t; the measured ‖w(T)‖/‖w(T/10)‖ is far below 10
    k = len(paths.ts) - 1
    j = int(np.searchsorted(paths.ts, paths.ts[k] / 10))
    ratio = (paths.norm[k] / paths.norm[j]).cpu().numpy()
    assert ratio.max() < 2
    # gap ~ 1/t: t·gap(t) would stay bounded; measured it grows almost tenfold per decade
    growth = (paths.gap[k] * paths.ts[k] / (paths.gap[j] * paths.ts[j])).cpu().numpy()
    assert growth.min() > 5


# ------------------------------------------------------------------------- the source lines (000, lecture 4)

#: each decided line of lecture 4 with plausibly wrong versions of its measured reading
WRONG_READINGS = [
    ("sep_norm_diverges", "Eq(sep_kloss, -2)"),  # L ~ 1/t²
    ("sep_norm_diverges", "Eq(sep_kloss, 0)"),  # a loss that levels off
    ("sep_global_min", "Eq(sep_kloss, 0)"),
    ("sep_log_t", "Eq(sep_kw, 2*sep_svm)"),  # w(t)/log t → 2w_svm
    ("sep_direction", "Ge(sep_kgap, 0)"),  # a direction gap that does not fall
    ("sep_margins_diverge", "Eq(sep_kmargin, 2)"),  # margins ~ 2 log t
    ("sep_margins_diverge", "Eq(sep_kmargin, 0)"),  # bounded margins
    ("sep_rate", "Le(sep_kgap, -2)"),  # the gap O(1/log²t)
]


def _line(key):
    return next(ln for ln in TH.as_written if ln.key == key)


def names_of(line) -> set[str]:
    return {s_.name for s_ in line.reading.relation.free_symbols}


def _verdict(claim, ctx):
    return assess(TH, claim, [], lambda c: npl.measure(c, ctx)).verdict


@pytest.mark.parametrize(("key", "wrong"), WRONG_READINGS)
def test_lecture_4_measured_lines_refuse_their_wrong_variants(ctx, key, wrong):
    """000:232, 233, 239, 240, 245, 257 (issue 20): a wrong rate in place of the reading's is
    refuted on the same instances, which hold the reading itself."""
    line = _line(key)
    assert _verdict(line.reading, ctx) is Verdict.VERIFIED
    rel = sp.parse_expr(
        wrong,
        local_dict={s_.name: s_ for s_ in (pl.sep_kw, pl.sep_svm, pl.sep_kloss, pl.sep_kgap, pl.sep_kmargin)},
    )
    assert _verdict(line.reading.variant(f"{key}_wrong", wrong, rel), ctx) is Verdict.FALSE


def test_every_decided_lecture_4_line_has_a_refused_variant():
    decided = {ln.key for ln in TH.as_written if ln.reading is not None and names_of(ln) & npl.SEP_NAMES}
    assert decided == {k for k, _ in WRONG_READINGS}


def test_the_readings_route_to_the_separable_family_and_mixed_groups_are_skipped(ctx):
    from dlverify.numerics.contract import route

    for key in {k for k, _ in WRONG_READINGS}:
        assert route(npl.FAMILIES, _line(key).reading).name == "separable data"
    mixed = _line("sep_rate").reading.variant("mixed", "two groups", sp.Le(pl.sep_kgap, pl.sep_kloss))
    (m,) = npl.measure(mixed, ctx)
    assert m.skipped and m.checked == 0


def test_the_experiment_holds_and_its_rate_refuses_a_wrong_prediction(ctx):
    """The experiment: every comparison holds, the headline (the gap's slope, the instance farthest
    from −1) matches −1, and would not match −2 (1/log²t) nor 0; the test text names the
    interval an extrapolation."""
    e = npl.separable_data(ctx)
    assert e.ok and e.rate is not None and e.rate.matches
    assert "extrapolation" in e.rate.test
    for wrong in (-2.0, 0.0):
        assert not dataclasses.replace(e.rate, predicted=wrong).matches

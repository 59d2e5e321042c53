"""Property checks for the descent lemma (Arora et al. §2.1).

Instances that satisfy the assumptions must never break a claim (tolerance: the
rounding bound of :func:`dlverify.numerics.smooth.gradient_descent`); dropping one
assumption at a time, hypothesis must find a counterexample; wrong variants of each
claim must be reported false.  All randomness is seeded; the CI profile is derandomized.
"""
from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import HealthCheck, find, given, settings, target
from hypothesis import strategies as st

from dlverify.checks import standard
from dlverify.checks.plugin import record
from dlverify.numerics import smooth
from dlverify.theorems import descent_lemma as dl
from dlverify.theorems.core import (DlverifyError, Equivalence, Verdict, certify,
                                    exact_counterexample)

TID = "descent_lemma"
families = st.sampled_from(smooth.FAMILIES)
dims = st.integers(1, 12)
seeds = st.integers(0, 2**31 - 1)


# --------------------------------------------------------------------------- derivation

def test_every_derivation_step_is_certified():
    standard.derivation_certified(dl)


@pytest.mark.parametrize("key, wrong", [
    ("one_step", sp.Le(dl.f1, dl.f0 - dl.eta * dl.g2)),                      # coefficient eta, not eta/2
    ("tight_form", sp.Le(dl.f1, dl.f0 - dl.eta * (1 - dl.L * dl.eta) * dl.g2)),  # L eta in place of L eta/2
    ("corollary", sp.Le(dl.mT, (dl.F(0) - dl.fstar) / (dl.eta * dl.T))),     # constant 1 in place of 2
    ("strict_descent", sp.Lt(dl.f1, dl.f0 - dl.eta * dl.gp)),                # a decrease that is not implied
    ("quad_bound", sp.Le(dl.phi(1), dl.phi(0) + dl.gd0 + dl.L / 4 * dl.nb2)),  # L/4 in place of L/2
])
def test_certificates_reject_a_changed_step(key, wrong):
    """The same certificate, applied to a changed relation, must not certify it."""
    facts = dl.THEOREM.facts()
    for m_step in dl.THEOREM.derivation:
        if m_step.key == key:
            mark = certify(wrong, m_step.certificate, facts)
            assert not mark.ok, f"{key}: certificate wrongly accepts {wrong}"
            record(TID, note=f"rejected: {mark.detail[:80]}")
            return
        facts[m_step.key] = m_step.relation
    raise AssertionError(f"no step {key}")


def test_equivalence_certificate_rejects_wrong_threshold():
    wrong = sp.Equivalent(sp.Ge(dl.eta - dl.eta**2 * dl.L / 2, dl.eta / 2), sp.Le(dl.eta, 2 / dl.L))
    assert not certify(wrong, Equivalence(dl.eta * dl.L / 2), {}).ok


# --------------------------------------------------------------------------- claims hold

def _run(family, d, eta_L, seed, ctx, steps=8, B=4, L=1.0):
    batch = smooth.make(family, B, d, L, seed=seed, device=ctx.device, dtype=ctx.dtype)
    return smooth.gradient_descent(batch, eta_L / batch.L, steps)


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.0), seed=seeds)
def test_one_step_holds(ctx, family, d, eta_L, seed):
    traj = _run(family, d, eta_L, seed, ctx)
    r = dl.evaluate(dl.THEOREM.claim("one_step"), traj)
    record(TID, counterexamples=int(r["violations"] > 0), ratio=r["worst_ratio"])
    if r["worst_ratio"] is not None:
        target(r["worst_ratio"], label="guaranteed / observed decrease")
    assert r["violations"] == 0, r.get("counterexample")


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.999), seed=seeds)
def test_tight_form_holds_for_any_step_below_2_over_L(ctx, family, d, eta_L, seed):
    traj = _run(family, d, eta_L, seed, ctx)
    r = dl.evaluate(dl.THEOREM.claim("tight_step"), traj)
    record(TID, counterexamples=int(r["violations"] > 0), ratio=r["worst_ratio"])
    if r["worst_ratio"] is not None:
        target(r["worst_ratio"], label="guaranteed / observed decrease")
    assert r["violations"] == 0, r.get("counterexample")


@given(d=dims, eta_L=st.floats(1e-3, 1.99), seed=seeds, L=st.floats(1e-2, 1e2))
def test_tight_form_is_an_equality_on_the_extremal_family(ctx, d, eta_L, seed, L):
    traj = _run("quadratic/extremal", d, eta_L, seed, ctx, L=L)
    pred = dl.to_torch(dl.PREDICTED["one_step_decrease"])({"eta": traj.eta, "L": traj.L, "g2": traj.g2[:-1]})
    obs = traj.f[:-1] - traj.f[1:]
    dev = (obs - pred).abs() / traj.err
    record(TID, ratio=float(dev.max()), note="max |observed − predicted| / rounding bound")
    assert bool((dev <= 1).all())


@given(family=st.sampled_from(["quadratic/psd", "quadratic/extremal", "logistic", "sinusoid"]), d=dims,
       eta_L=st.floats(1e-3, 1.0), seed=seeds, steps=st.integers(1, 12))
def test_corollary_holds(ctx, family, d, eta_L, seed, steps):
    traj = _run(family, d, eta_L, seed, ctx, steps=steps)
    r = dl.evaluate(dl.THEOREM.claim("corollary"), traj)
    record(TID, counterexamples=int(r["violations"] > 0), ratio=r["worst_ratio"])
    if r["worst_ratio"] is not None:
        target(r["worst_ratio"], label="min ||g||^2 / corollary bound")
    assert r["violations"] == 0, r.get("counterexample")


@given(family=families, d=dims, eta_L=st.floats(1e-3, 1.999), seed=seeds)
def test_strict_descent_holds(ctx, family, d, eta_L, seed):
    traj = _run(family, d, eta_L, seed, ctx)
    r = dl.evaluate(dl.THEOREM.claim("strict_descent"), traj)
    record(TID, counterexamples=int(r["violations"] > 0))
    assert r["violations"] == 0, r.get("counterexample")


# --------------------------------------------------------------------------- necessity

NEC = settings(max_examples=200, derandomize=True, database=None, deadline=None,
               suppress_health_check=list(HealthCheck))


def _found(condition, strategy, note):
    example = find(strategy, condition, settings=NEC)
    record(TID, counterexamples=1, note=note, counterexample={k: repr(v) for k, v in example.items()})
    return example


def test_step_above_2_over_L_makes_f_increase(ctx):
    """Drop η < 2/L: hypothesis finds an L-smooth instance where f(w⁺) > f(w) beyond rounding."""
    def increases(x):
        traj = _run(x["family"], x["d"], x["eta_L"], x["seed"], ctx, steps=1, B=1)
        return bool((traj.f[1] - traj.f[0] > traj.err[0]).any())

    ex = _found(increases, st.fixed_dictionaries({"family": families, "d": dims, "eta_L": st.floats(2.0001, 4.0),
                                                  "seed": seeds}), "f increases for η > 2/L")
    assert ex["eta_L"] > 2


def test_eta_half_coefficient_needs_eta_le_1_over_L(ctx):
    """Drop η ≤ 1/L (keep η < 2/L): the η/2 coefficient fails on some instance."""
    claim = dl.THEOREM.claim("one_step")

    def fails(x):
        traj = _run(x["family"], x["d"], x["eta_L"], x["seed"], ctx, steps=2, B=1)
        vals = {"f0": traj.f[:-1], "f1": traj.f[1:], "g2": traj.g2[:-1], "eta": traj.eta, "L": traj.L}
        return bool((dl.relation_slack(claim.relation)(vals) < -traj.err).any())

    ex = _found(fails, st.fixed_dictionaries({"family": families, "d": dims, "eta_L": st.floats(1.0001, 1.9999),
                                              "seed": seeds}), "η/2 coefficient fails for 1/L < η < 2/L")
    assert 1 < ex["eta_L"] < 2


def test_understated_smoothness_constant_breaks_the_lemma(ctx):
    """Drop 'f is L-smooth' (use an L below the true constant): the lemma fails."""
    claim = dl.THEOREM.claim("one_step")

    def fails(x):
        batch = smooth.make(x["family"], 1, x["d"], 1.0, seed=x["seed"], device=ctx.device, dtype=ctx.dtype)
        L_claimed = batch.L * x["shrink"]
        eta = 1.0 / L_claimed  # the step the lemma allows for the (wrong) constant
        traj = smooth.gradient_descent(batch, eta, 2)
        vals = {"f0": traj.f[:-1], "f1": traj.f[1:], "g2": traj.g2[:-1], "eta": traj.eta, "L": L_claimed}
        return bool((dl.relation_slack(claim.relation)(vals) < -traj.err).any())

    ex = _found(fails, st.fixed_dictionaries({"family": st.sampled_from(["quadratic/extremal", "quadratic/psd"]),
                                              "d": dims, "shrink": st.floats(0.05, 0.95), "seed": seeds}),
                "lemma fails when L understates the smoothness constant")
    assert ex["shrink"] < 1


def test_strict_descent_needs_a_nonzero_gradient():
    """Drop ∇f ≠ 0: at a stationary point f(w⁺) = f(w), so '<' fails (exact arithmetic)."""
    claim = dl.THEOREM.claim("strict_descent")
    rels = [sp.Lt(dl.eta, 2 / dl.L)]
    cex = exact_counterexample(claim.relation, rels, dl.EXTREMAL_STEP, {dl.L: [1], dl.eta: [sp.Rational(1, 2)],
                                                                         dl.g2: [0, 1], dl.f0: [0]})
    record(TID, counterexamples=int(cex is not None), counterexample=cex, note="stationary point")
    assert cex is not None and cex["g2"] == "0"


# --------------------------------------------------------------------------- verdicts

def test_registered_claims_hold(ctx):
    assert standard.registered_claims_hold(dl, ctx)["tight_step"] is Verdict.TIGHT


@pytest.mark.parametrize("variant", dl.wrong_variants(), ids=lambda v: v.key)
def test_wrong_variant_is_reported_false(ctx, variant):
    standard.wrong_variant_false(dl, ctx, variant)


def test_numeric_path_alone_rejects_wrong_variants(ctx):
    """With the exact search switched off, batched GD alone must still refute each variant."""
    for v in dl.wrong_variants():
        if "mT" in {s.name for s in v.relation.free_symbols}:
            traj = _run("quadratic/extremal", 3, 1.0, 7, ctx, steps=3)
        else:
            bound = dl.step_size_bound(v)
            top = 3.0 if bound is None else float(bound)
            traj = _run("quadratic/extremal", 3, top * 0.999 if top > 1 else top, 7, ctx, steps=3)
            if v.key in ("coef_eta", "tight_plus"):
                traj = _run("quadratic/extremal", 3, 0.5, 7, ctx, steps=3)
        r = dl.evaluate(v, traj)
        assert r["violations"] > 0, v.key


def test_as_written_findings_carry_reproducible_evidence():
    for line in dl.AS_WRITTEN:
        if line.verdict in (Verdict.FALSE, Verdict.NEEDS_ASSUMPTION):
            ev = line.evidence()
            assert ev and line.corrected, line.key
    ev = dl._counterexample_equality_line()
    assert sp.Rational(ev["lhs"]) != sp.Rational(ev["rhs"])
    ev = dl._counterexample_eta_half_coefficient()
    assert sp.Rational(ev["slack"]) < 0


# --------------------------------------------------------------------------- tightness

def test_corollary_ratios_below_pepit_worst_case(ctx):
    pytest.importorskip("PEPit")
    measured = dl.corollary_ratios(ctx)
    for T_, (r, _) in measured.items():
        pep = dl.pepit_worst_case(T_) * T_ / 2
        record(TID, ratio=r, note=f"T={T_}: measured {r:.4f} ≤ PEPit {pep:.4f}")
        assert r <= pep * (1 + dl.PEPIT_TOL)


def test_corollary_is_attained_at_T_1(ctx):
    """At T = 1 and η = 1/L the textbook corollary is attained (f = (L/2)||w||^2 reaches f* in one step)."""
    lo, hi = dl.corollary_ratios(ctx)[1]
    assert lo <= 1 <= hi  # 1 lies in the interval the rounding bounds allow


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("eta", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_step_size_is_a_clear_error(ctx, eta):
    batch = smooth.make("quadratic/psd", 2, 3, 1.0, seed=0, device=ctx.device, dtype=ctx.dtype)
    with pytest.raises(DlverifyError, match="step size"):
        smooth.gradient_descent(batch, eta, 3)


def test_unknown_family_is_a_clear_error(ctx):
    with pytest.raises(DlverifyError, match="unknown function family"):
        smooth.make("cubic", 2, 3, 1.0, seed=0, device=ctx.device)

"""Every theorem's measured rates, driven by the registry: an experiment's verdict comes from its
rate's interval (and its comparisons), and a wrong prediction -- a factor 2, an exponent off by
one -- is rejected by that interval; a claim whose relation changes its exponent makes its rate
experiment fail (one claim, one formula).

Each theorem's experiments run once per process in the run context the checks share (the
``ctx`` fixture, :meth:`RunContext.shared`), in that theorem's xdist group, so they are the ones
its own check file and the run evaluate; the claim-changing test uses a fresh context.
"""

from __future__ import annotations

import dataclasses
import math

import pytest
import sympy as sp

from dlverify import theorems
from dlverify.numerics.contract import experiments_of
from dlverify.numerics.device import RunContext
from dlverify.theorems.evidence import Experiment, Rate

#: theorems whose experiments carry no rate yet: skipped by name, so that the list can only
#: shrink (a theorem not listed here must have at least one rate experiment)
WITHOUT_RATES: set[str] = set()

#: rates decided by a falsification rule (a frequency against a bound that may be far from
#: tight): no interval can reject a *smaller* allowed rate the data also satisfy, so their wrong
#: predictions are planted where the bound's wrong forms fail -- in the theorem's own tests
PLANTED_ELSEWHERE = {
    ("pac_bayes", "coverage"): (
        "checks/test_pac_bayes.py: test_coverage_rate_rejects_a_wrong_bound (no_log_term, "
        "m_squared, no_sqrt), test_coverage_rate_rejects_a_dropped_hypothesis_and_a_smaller_allowed_rate"
    ),
}


def _param(tid: str):
    marks = [pytest.mark.xdist_group(tid)]
    if tid in WITHOUT_RATES:
        marks.append(pytest.mark.skip(reason=f"{tid}: no rate experiment yet (WITHOUT_RATES)"))
    return pytest.param(tid, marks=marks, id=tid)


IDS = [_param(t) for t in theorems.ids()]


def _rated(tid: str, ctx) -> list[Experiment]:
    return [e for e in experiments_of(theorems.numeric(tid), ctx) if e.rate is not None]


def plants(rate: Rate) -> list[tuple[str, float]]:
    """Wrong predictions a rate must reject: for a tight rate the prediction ×2 and ×½ and its
    exponent off by one either way (a contraction q → q², √q; a slope s ± 1; a coverage's miss
    rate ×2, ×½); for a bound the optimistic side only (``<=``: smaller, ``>=``: larger).  A
    plant equal to the prediction within its tolerance is no plant and is left out."""
    p = rate.predicted
    if rate.kind == "contraction":
        smaller = [("q/2", p / 2), ("q²", p * p)]
        larger = [("2q", 2 * p), ("√q", math.sqrt(p))]
    elif rate.kind == "slope":
        smaller = [("s − 1", p - 1)] + ([("2s", 2 * p)] if p < 0 else [("s/2", p / 2)] if p > 0 else [])
        larger = [("s + 1", p + 1)] + ([("s/2", p / 2)] if p < 0 else [("2s", 2 * p)] if p > 0 else [])
    else:  # coverage: a frequency; its miss rate 1 − p halved or doubled, and p itself
        smaller = [("p/2", p / 2), ("1 − 2(1 − p)", 1 - 2 * (1 - p))]
        larger = [("2p", 2 * p), ("1 − (1 − p)/2", 1 - (1 - p) / 2)]
    chosen = {"tight": smaller + larger, "<=": smaller, ">=": larger}[rate.claim]
    return [(n, v) for n, v in chosen if abs(v - p) > 2 * rate.tol]


@pytest.mark.parametrize("tid", IDS)
def test_a_rated_theorem_has_a_rate_and_its_verdict_comes_from_the_interval(tid, ctx):
    """Every rate experiment matches on the run, its ``ok`` is its comparisons and its rate's
    ``matches`` (in the record too), its test and false-alarm probability are stated, its
    interval holds its estimate's neighbourhood, and moving the interval off the prediction
    (beyond its tolerance) fails the experiment."""
    exps = _rated(tid, ctx)
    assert exps, f"{tid} is not in WITHOUT_RATES but none of its experiments carries a rate"
    for e in exps:
        r = e.rate
        assert r.matches, f"{tid}/{e.key}: {r}"
        assert e.ok is (all(c.holds() for c in e.comparisons) and r.matches)
        d = e.to_dict()
        assert d["rate"]["matches"] is r.matches and d["ok"] is e.ok
        assert r.test and 0.0 <= r.false_alarm <= 1.0 - r.level + 1e-15 and r.formula
        assert r.lo <= r.hi and all(math.isfinite(v) for v in (r.measured, r.lo, r.hi, r.predicted))
        width = r.hi - r.lo + 2 * r.tol + abs(r.predicted) * 1e-12
        off = dataclasses.replace(r, lo=r.predicted + 2 * width, hi=r.predicted + 3 * width)
        below = dataclasses.replace(r, lo=r.predicted - 3 * width, hi=r.predicted - 2 * width)
        wrong = {"tight": (off, below), "<=": (off,), ">=": (below,)}[r.claim]
        for w in wrong:
            assert not w.matches
            assert dataclasses.replace(e, rate=w).ok is False


@pytest.mark.parametrize("tid", IDS)
def test_a_wrong_prediction_is_rejected_by_the_interval(tid, ctx):
    """Each plant of :func:`plants` -- a factor 2, an exponent off by one -- does not match the
    measured interval: the measurement is sharp enough to tell the claim from its wrong forms."""
    for e in _rated(tid, ctx):
        if e.rate.rule == "falsify":
            assert (tid, e.key) in PLANTED_ELSEWHERE, f"{tid}/{e.key}: a falsification rate needs its plants"
            continue
        ps = plants(e.rate)
        assert ps, f"{tid}/{e.key}: no wrong prediction to plant"
        for name, v in ps:
            planted = dataclasses.replace(e.rate, predicted=v)
            assert not planted.matches, f"{tid}/{e.key}: prediction {name} = {v} matches {e.rate}"
            assert dataclasses.replace(e, rate=planted).ok is False


# --------------------------------------------------------------------------- one claim, one formula

#: (theorem, rate experiment, claim, how its relation is changed): the claim's per-step factor
#: squared, or its exponent in T off by one -- the experiment reads its prediction off the
#: claim, so it must fail
EXPONENT_PLANTS = [
    ("pl_convergence", "rate", "tight_factor", lambda rel, th: sp.Le(rel.lhs, rel.rhs * (rel.rhs / th.a0))),
    ("descent_lemma", "extremal_rate", "tight_step", None),
    ("descent_lemma", "gradient_rate", "corollary", lambda rel, th: sp.Le(rel.lhs, rel.rhs / th.T)),
    (
        "pseudo_inverse",
        "direction_rate",
        "slowest_rate",
        lambda rel, th: sp.Eq(rel.lhs, rel.rhs * rel.rhs / th.e0),
    ),
    (
        "pseudo_inverse",
        "contraction_rate",
        "contraction",
        lambda rel, th: sp.Le(rel.lhs, rel.rhs * rel.rhs / th.e0),
    ),
]


def _squared_step(rel, th):
    """f1 ≤ f0 − c·g2 with the coefficient c changed so that the factor on (L/2)‖w‖² (where
    g2 = 2L·f0) becomes ((1 − ηL)²)² = (1 − ηL)⁴: c = (1 − (1 − ηL)⁴)/(2L)."""
    c = (1 - (1 - th.eta * th.L) ** 4) / (2 * th.L)
    return sp.Le(rel.lhs, th.f0 - c * th.g2)


@pytest.mark.parametrize(
    "tid, key, claim_key, change", EXPONENT_PLANTS, ids=[f"{p[0]}-{p[1]}" for p in EXPONENT_PLANTS]
)
def test_a_changed_exponent_in_the_claim_fails_its_rate_experiment(
    tid, key, claim_key, change, monkeypatch, ctx
):
    """The claim's relation with its per-step factor squared (the theorem module patched, a fresh
    run context): the rate experiment reads the new prediction off the claim and fails."""
    th_mod = theorems.load(tid)
    claim = th_mod.THEOREM.claim(claim_key)
    new = (change or _squared_step)(claim.relation, th_mod)
    monkeypatch.setattr(claim, "relation", new)
    num = theorems.numeric(tid)
    fresh = RunContext(ctx.device, ctx.seed, ctx.profile, ctx.dtype)  # an empty cache
    fn = next(f for f in num.EXPERIMENTS if f.__name__ == key)
    e = fn(fresh)
    assert e.rate is not None and e.ok is False and not e.rate.matches, e.rate


# --------------------------------------------------------------------------- the card's headline


def test_the_rate_is_the_cards_headline_and_the_summarys_lead():
    """An experiment with a rate is headlined by it in book notation (3 figures, the level or
    'rounding', the claim's kind, the best known with its source), listed first on the card and
    used as the summary's lead; one without keeps its lead comparison."""
    from dlverify.reports import cards
    from dlverify.theorems.evidence import Comparison

    r = Rate(
        "q",
        "contraction",
        0.81,
        0.808,
        0.812,
        0.9,
        "<=",
        level=0.999,
        best_known=0.857,
        best_known_source="ADZ",
        formula="q",
        test="interval below",
        false_alarm=0.001,
    )
    with_rate = Experiment("r", "rate", comparisons=[Comparison("c", 1.0, "<=", 2.0)], rate=r).to_dict()
    plain = Experiment("p", "plain", comparisons=[Comparison("c", 1.0, "<=", 2.0)]).to_dict()
    assert cards.rate_text(with_rate["rate"]) == (
        "measured q̂ = 0.81 [0.808, 0.812] (99.9 %) · predicted 0.9 (bound) · best known 0.857 (ADZ)"
    )
    narrow = dataclasses.replace(r, lo=0.81 - 1e-13, hi=0.81 + 1e-13, level=1.0, claim="tight")
    assert "0.81 ± 10⁻¹³ (rounding) · predicted 0.9 (tight)" in cards.rate_text(
        Experiment("n", "n", rate=narrow).to_dict()["rate"]
    )
    t = {"id": "x", "experiments": [plain, with_rate], "tightness": [], "as_written": []}
    c = cards.card({"theorems": [t]}, t, [])
    assert [h["key"] for h in c["headlines"]] == ["r", "p"]
    assert c["lead"] == cards.rate_text(with_rate["rate"])
    assert c["headlines"][0]["ok"] is True and "1 comparisons, all hold" in c["headlines"][0]["more"]
    assert c["headlines"][1]["text"].startswith("c: 1")


def test_recheck_recomputes_a_rate_and_the_experiment_it_decides():
    """``dlverify report`` recomputes a recorded rate's ``matches`` and the experiment's ``ok``
    from the interval: a flipped flag is refused; an experiment with a rate and no comparisons
    is decided by its rate."""
    from dlverify.reports.recheck import Tampered, _check_experiments

    r = Rate("q", "contraction", 0.81, 0.808, 0.812, 0.9, "<=", formula="q", test="t")
    rec = Experiment("r", "rate only", rate=r).to_dict()
    assert rec["ok"] is True
    _check_experiments("x", {"experiments": [rec]})
    bad = rec | {"rate": rec["rate"] | {"matches": False}}
    with pytest.raises(Tampered, match="rate matches"):
        _check_experiments("x", {"experiments": [bad]})
    wrong = Experiment("r", "rate only", rate=dataclasses.replace(r, predicted=0.5)).to_dict()
    assert wrong["ok"] is False
    _check_experiments("x", {"experiments": [wrong]})
    with pytest.raises(Tampered, match="says ok=True"):
        _check_experiments("x", {"experiments": [wrong | {"ok": True}]})


@pytest.mark.parametrize(
    "claim, rule, lo, hi, predicted, tol, expected",
    [
        ("tight", "confirm", 0.8, 0.9, 0.85, 0.0, True),
        ("tight", "confirm", 0.8, 0.9, 0.95, 0.0, False),
        ("tight", "confirm", 0.8, 0.9, 0.95, 0.05, True),
        ("<=", "confirm", 0.8, 0.9, 0.9, 0.0, True),
        ("<=", "confirm", 0.8, 0.9, 0.85, 0.0, False),  # the interval straddles: not confirmed
        ("<=", "falsify", 0.8, 0.9, 0.85, 0.0, True),  # ... and not refuted
        ("<=", "falsify", 0.8, 0.9, 0.75, 0.0, False),  # lower end above: refuted
        (">=", "confirm", 0.8, 0.9, 0.8, 0.0, True),
        (">=", "confirm", 0.8, 0.9, 0.85, 0.0, False),
        (">=", "falsify", 0.8, 0.9, 0.85, 0.0, True),
        (">=", "falsify", 0.8, 0.9, 0.95, 0.0, False),
        ("tight", "confirm", 0.8, float("nan"), 0.85, 0.0, False),
        ("<=", "falsify", 0.9, 0.8, 0.95, 0.0, False),  # an interval with lo > hi is no interval
    ],
)
def test_rate_rules_as_a_table(claim, rule, lo, hi, predicted, tol, expected):
    """Rate.matches against the rules of its docstring, written out case by case."""
    r = Rate("p", "coverage", 0.85, lo, hi, predicted, claim, tol=tol, rule=rule)
    assert r.matches is expected


def test_a_rate_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="rule"):
        Rate("p", "coverage", 0.5, 0.4, 0.6, 0.5, "<=", rule="lenient")

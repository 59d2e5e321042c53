"""``dlverify check``: claims of one's own, answered proved / false / not refuted.

The known set comes from the suite's own domain (Bernoulli, Pinsker and its reverse form,
ln u <= u - 1, the PAC-Bayes step ln(2m/d)/(m-1) >= ln(2 sqrt m/d)/m, (1 - x)^n <= e^(-nx),
AM-GM in three variables, the descent step) with false variants that change a factor or an
exponent.  Every false one must be refuted with a counterexample that is re-checked here
*independently* of the engine's own arithmetic (sympy at 60 digits, not Arb), no true one may be
refuted, and the ones the engine proves must be proved.

Randomness: the searches are seeded (the default seed), so every answer here is a pure function
of the code.  A counterexample is certified in exact or ball arithmetic before it is reported,
so the false-alarm probability of a *false* answer is 0; the searches can only miss a
counterexample (a false claim answered *not refuted*), which the false set below would show.
"""

from __future__ import annotations

import math

import pytest
import sympy as sp

from dlverify.reports.check import assert_claim, check, load_claims
from dlverify.reports.cli import main
from dlverify.theorems import solve

P01 = ["p in (0, 1)", "q in (0, 1)"]
XYZ = ["x >= 0", "y >= 0", "z >= 0"]
MD = ["m >= 2", "0 < d < 1"]
POW = ["0 <= x <= 1", "n >= 1", "n: integer"]
DESCENT = ["0 < eta <= 1/L", "L > 0", "f1 <= f0 - eta*(1 - L*eta/2)*g**2", "f0, g: real"]

#: true claims and the answer the engine must give (proved where it has a proof)
TRUE = {
    "bernoulli_cubic": ("(1 + x)**3 >= 1 + 3*x", ["x >= -1"], "proved"),
    "bernoulli": ("(1 + x)**n >= 1 + n*x", ["x >= -1", "n >= 1", "n: integer"], "not refuted"),
    "pinsker": ("kl(p, q) >= 2*(p - q)**2", P01, "proved"),
    "reverse_pinsker_chi2": ("kl(p, q) <= (p - q)**2/(q*(1 - q))", P01, "proved"),
    "log_tangent": ("ln(u) <= u - 1", ["u > 0"], "proved"),
    "pac_bayes_step": ("ln(2*m/d)/(m - 1) >= ln(2*sqrt(m)/d)/m", MD, "proved"),
    "one_minus_x_power": ("(1 - x)**n <= exp(-n*x)", POW, "proved"),
    "am_gm_3": ("(x + y + z)/3 >= cbrt(x*y*z)", XYZ, "proved"),
    "am_gm_3_cubes": ("x**3 + y**3 + z**3 >= 3*x*y*z", XYZ, "proved"),
    "descent_step": ("f1 <= f0 - eta/2*g**2", DESCENT, "proved"),
    "cauchy_schwarz_3": ("dot(a, b)**2 <= norm2(a)*norm2(b)", ["a, b: vector(3)"], "proved"),
}

#: false variants: a factor or an exponent changed (or the step-size range widened)
FALSE = {
    "bernoulli_cubic_factor": ("(1 + x)**3 >= 1 + 4*x", ["x >= -1"]),
    "bernoulli_cubic_exponent": ("(1 + x)**2 >= 1 + 3*x", ["x >= -1"]),
    "bernoulli_factor": ("(1 + x)**n >= 1 + 2*n*x", ["x >= -1", "n >= 1", "n: integer"]),
    "pinsker_factor": ("kl(p, q) >= 3*(p - q)**2", P01),
    "pinsker_exponent": ("kl(p, q) >= 2*abs(p - q)", P01),
    "reverse_pinsker_factor": ("kl(p, q) <= (p - q)**2/(2*q*(1 - q))", P01),
    "log_tangent_factor": ("ln(u) <= (u - 1)/2", ["u > 0"]),
    "log_tangent_exponent": ("ln(u) <= u**2 - 1", ["u > 0"]),
    "pac_bayes_factor": ("ln(2*m/d)/(m - 1) >= ln(4*m/d)/m", MD),
    "pac_bayes_exponent": ("ln(2*m/d)/(m - 1) >= ln(2*m**2/d)/m", MD),
    "one_minus_x_factor": ("(1 - x)**n <= exp(-2*n*x)", POW),
    "one_minus_x_exponent": ("(1 - x)**n <= exp(-n**2*x)", POW),
    "am_gm_factor": ("(x + y + z)/4 >= cbrt(x*y*z)", XYZ),
    "am_gm_exponent": ("(x + y + z)/3 >= sqrt(x*y*z)", XYZ),
    "descent_factor": ("f1 <= f0 - eta*g**2", DESCENT),
    "descent_step_range": ("f1 <= f0 - eta/2*g**2", ["0 < eta <= 2/L", *DESCENT[1:]]),
    "cauchy_schwarz_factor": ("dot(a, b)**2 <= norm2(a)*norm2(b)/2", ["a, b: vector(3)"]),
}


def _quick(claim, where, **kw):
    return check(
        claim, where, necessity=kw.pop("necessity", False), tightness=kw.pop("tightness", False), **kw
    )


def _independent(problem: solve.Problem, point: dict) -> tuple[bool, sp.Expr | None]:
    """(every assumption holds, the claim's slack) at an exact point, by sympy's own evaluation
    at 60 digits of the claim as written -- not the Arb balls the engine certified with.  The
    slack is None when the claim has no real value there."""
    pt = {problem.base[k]: sp.sympify(v) for k, v in point.items()}
    ok = True
    for c in problem.written_constraints:
        v = sp.N(solve.slack(c).xreplace(pt), 60)
        if isinstance(c, sp.Equality):
            ok &= bool(abs(v) < sp.Float(10) ** -50)
        else:
            ok &= bool(v > 0) if solve.is_strict(c) else bool(v >= 0)
    value = sp.N(solve.slack(problem.written).xreplace(pt), 60)
    real = value.is_real and value.is_finite
    return ok, (value if real else None)


@pytest.mark.parametrize("key", sorted(FALSE))
def test_every_false_variant_is_refuted_with_a_certified_counterexample(key):
    claim, where = FALSE[key]
    r = _quick(claim, where)
    assert r.answer == "false", r.text()
    assert r.proof is None, r.text()
    cex = r.counterexample
    assert cex is not None and cex.arithmetic, r.text()
    problem = solve.parse(claim, where)
    holds, value = _independent(problem, cex.point)
    assert holds, f"the counterexample breaks an assumption: {cex.show()}"
    strict = solve.is_strict(problem.relation)
    assert value is None or (value <= 0 if strict else value < 0), (cex.show(), value)
    assert r.exit_code == 1


@pytest.mark.parametrize("key", sorted(TRUE))
def test_no_true_claim_is_refuted_and_the_proved_ones_are_proved(key):
    claim, where, expected = TRUE[key]
    r = _quick(claim, where)
    assert r.counterexample is None, r.text()
    assert r.answer == expected, r.text()
    assert r.exit_code == 0
    if expected == "proved":
        assert r.proof is not None and r.proof.certificate
    else:  # not refuted: says how hard it looked, and never that it is verified
        assert r.searches and sum(s.instances for s in r.searches) > 0
        assert "not verified" in r.text() and "VERIFIED" not in r.text().upper().replace("NOT VERIFIED", "")


def test_the_kernel_is_tried_before_the_solvers():
    """The suite's own kernel proves the descent step (a nonnegative combination) and Pinsker (a
    critical point); Z3 proves the polynomial ones it cannot read."""
    first = lambda key: solve.decide_symbolically(solve.parse(*TRUE[key][:2])).proof
    assert first("descent_step").method == "the suite's proof kernel"
    assert first("pinsker").method == "the suite's proof kernel"
    z = first("am_gm_3_cubes")
    assert z.method.startswith("Z3") and "decision procedure" in z.method


def test_a_float64_near_tie_is_never_reported_false():
    """log(1 + x) >= x - x^2/2 holds, but in float64 log(1 + x) rounds to x(1 - x/2) or below
    for tiny x: the search meets float 'violations' and none is reported."""
    claim, where = "log(1 + x) >= x - x**2/2", ["0 < x < 1e-10"]
    problem = solve.parse(claim, where)
    x = 1e-17
    assert math.log(1 + x) - (x - x * x / 2) < 0  # float64 says: violated
    assert solve.certify_float(problem, {"x": x}, "test") is None  # exact arithmetic says: holds
    r = _quick(claim, where)
    assert sum(s.float_violations for s in r.searches) > 0, "the near-tie was not exercised"
    assert r.answer != "false" and r.counterexample is None, r.text()


def test_a_counterexample_float64_cannot_see_is_found_and_certified():
    """x(1 - x) <= 1/4 - 1e-30 fails at x = 1/2 by 1e-30, which float64 rounds away."""
    assert 0.5 * (1 - 0.5) <= 0.25 - 1e-30  # float64 says: holds
    r = _quick("x*(1 - x) <= 1/4 - 1e-30", ["x: real"])
    assert r.answer == "false" and r.counterexample.point == {"x": sp.Rational(1, 2)}
    assert r.counterexample.arithmetic == "exact rational arithmetic"


def test_certification_needs_every_assumption_to_hold_exactly():
    """A point a hair outside an assumption is no counterexample, though the claim fails there."""
    problem = solve.parse("ln(u) <= u - 1", ["u > 0"])
    assert solve.certify(problem, {problem.symbols["u"]: sp.Integer(0)}, "test") is None
    problem = solve.parse("x <= 1", ["x <= 1"])
    x = problem.symbols["x"]
    assert solve.certify(problem, {x: 1 + sp.Rational(1, 10**30)}, "test") is None
    assert solve.certify(solve.parse("x <= 1", ["x: real"]), {x: 1 + sp.Rational(1, 10**30)}, "t") is not None


def test_undefined_claims_are_false_where_the_assumptions_allow_it():
    """The kernel's critical-point certificate reads ln u <= u - 1 where it is defined; at u = 0
    it is not, so for u >= 0 the claim is false (NaN is a violation), not proved."""
    r = _quick("ln(u) <= u - 1", ["u >= 0"])
    assert r.answer == "false" and r.proof is None, r.text()
    assert r.counterexample.slack == "undefined" and "logarithm" in r.counterexample.reason
    assert r.counterexample.point == {"u": 0}
    # the same for a division: the kernel's critical-point certificate accepts u + 1/u >= 2 for
    # u >= 0 (its factor 1/u**2 has a sign), but at u = 0 the claim has no value
    r = _quick("u + 1/u >= 2", ["u >= 0"])
    assert r.answer == "false" and r.proof is None, r.text()
    assert r.counterexample.slack == "undefined" and "division by zero" in r.counterexample.reason


def test_each_assumption_dropped_in_turn():
    r = check(*TRUE["descent_step"][:2], tightness=False)
    status = {n.assumption: n.status for n in r.necessity}
    assert status["eta <= 1/L"] == "needed"
    assert status["0 < eta"] == "needed"
    assert status["f1 <= f0 - eta*(1 - L*eta/2)*g**2"] == "needed"
    assert status["L > 0"] == "redundant"  # eta > 0 and eta <= 1/L already make L positive
    # each counterexample breaks the assumption dropped (exactly), and only that one
    problem = solve.parse(*TRUE["descent_step"][:2])
    rels = {sp.sstr(c): c for c in problem.constraints}
    rels["f1 <= f0 - eta*(1 - L*eta/2)*g**2"] = rels.pop(sp.sstr(problem.constraints[-1]))
    for n in r.necessity:
        if n.status != "needed":
            continue
        pt = {problem.symbols[k]: sp.Rational(v) for k, v in n.point.items()}
        broken = [k for k, c in rels.items() if c.xreplace(pt) is not sp.true]
        assert broken == [n.assumption], (n.assumption, broken)


def test_tightness_sup_of_the_ratio_and_where_it_is_attained():
    r = check(*TRUE["am_gm_3"][:2], necessity=False)
    t = r.tightness
    assert t is not None and t["attained"], r.text()
    vals = list(t["attained"].values())
    assert len(set(vals)) == 1  # AM-GM is attained where x = y = z
    assert t["sup"] <= 1 + 1e-12
    problem = solve.parse(*TRUE["am_gm_3"][:2])
    pt = {problem.symbols[k]: v for k, v in t["attained"].items()}
    assert problem.slack.xreplace(pt) == 0


def test_tightness_approached_but_not_attained():
    """x/(1 + x) <= 1 for x >= 0: the ratio tends to 1 as x grows and is never 1."""
    t = check("x/(1 + x) <= 1", ["x >= 0"], necessity=False).tightness
    assert t["attained"] is None and 0.99 < t["sup"] < 1, t


def test_implies_in_the_claim_is_an_assumption():
    r = _quick(
        "f1 <= f0 - eta*(1 - L*eta/2)*g**2 implies f1 <= f0 - eta/2*g**2",
        ["0 < eta <= 1/L", "L > 0", "f0, g: real"],
    )
    assert r.answer == "proved"


def test_branch_and_bound_proves_and_refutes_on_a_bounded_box():
    out = solve.bnb_decide(solve.parse("x - sin(x) >= 0", ["0 <= x <= 10"]))
    assert out.proof is not None and "branch-and-bound" in out.proof.method
    problem = solve.parse("cos(x) >= 1 - x**2/3", ["-3 <= x <= 3"])
    out = solve.bnb_decide(problem)
    assert out.proof is None and out.counterexample is not None
    holds, value = _independent(problem, out.counterexample.point)
    assert holds and value < 0
    # true only where y >= x: the boxes below the diagonal must be cut by that assumption
    out = solve.bnb_decide(solve.parse("exp(y) >= exp(x) - 1/10", ["0 <= x <= 1", "0 <= y <= 1", "y >= x"]))
    assert out.proof is not None, out.notes


def test_prove_for_the_suites_own_relations():
    m, d = sp.Symbol("m", positive=True), sp.Symbol("delta", positive=True)
    step = sp.Ge(sp.log(2 * m / d) / (m - 1), sp.log(2 * sp.sqrt(m) / d) / m)
    ok, how = solve.prove(step, [sp.Ge(m, 2), sp.Lt(d, 1)])
    assert ok and "Z3" in how
    wrong = sp.Ge(sp.log(2 * m / d) / (m - 1), sp.log(2 * m**2 / d) / m)
    ok, how = solve.prove(wrong, [sp.Ge(m, 2), sp.Lt(d, 1)])
    assert not ok
    ok, how = solve.prove(sp.Le(sp.Function("f")(m), 1), [])
    assert not ok and "not a scalar relation" in how
    # an assumption the engine cannot read is left out: the proof rests on the others
    ok, how = solve.prove(step, [sp.Ge(m, 2), sp.Lt(d, 1), sp.Le(sp.Function("f")(m), 1)])
    assert ok


def test_assert_claim_for_a_users_own_tests():
    assert_claim("ln(u) <= u - 1", ["u > 0"], proved=True)
    with pytest.raises(AssertionError, match="FALSE"):
        assert_claim("ln(u) <= (u - 1)/2", ["u > 0"])
    with pytest.raises(AssertionError, match="NOT REFUTED"):
        assert_claim(*TRUE["bernoulli"][:2], proved=True)


def test_the_notebook_face():
    import dlverify

    r = dlverify.check("ln(u) <= u - 1", where=["u > 0"], necessity=False, tightness=False)
    assert r.answer == "proved" and "PROVED" in r._repr_html_()
    assert r.to_dict()["verdict"]["basis"] == "proved and measured"


# --------------------------------------------------------------------------- the command


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["foo(x) <= 1", "--where", "x > 0"], "unknown function 'foo'"),
        (["x <= (1", "--where", "x > 0"], "the claim 'x <= (1'"),
        (["x <= 1", "--where", "x + 1"], "is not a relation"),
        (["y <= 1", "--where", "x > 0"], "uses 'y', which no assumption mentions"),
        (["0 < x < 1", "--where", "x: real"], "is a chain"),
        (["x <= 1", "--where", "x: complex"], "unknown kind 'complex'"),
        (["x*y <= 1", "--where", "x, y: real", "--where", "xy > 0"], "'xy' reads as one name; write x*y"),
        (["x <= 1", "--where", "x > 0", "--where", "1 < 0"], "is false as written"),
        (["x <= 1", "--where", "x > 0", "--family", "no such family"], "unknown family"),
        (["--file", "/nonexistent/claims.toml"], "cannot read claim file"),
        ([], "a claim is required"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, needle):
    code, out, err = _run(capsys, "check", *argv, "--no-necessity", "--no-tightness")
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_exit_codes_0_proved_or_not_refuted_1_false(capsys):
    assert _run(capsys, "check", "ln(u) <= u - 1", "--where", "u > 0", "--no-necessity")[0] == 0
    code, out, _ = _run(capsys, "check", "ln(u) <= (u - 1)/2", "--where", "u > 0", "--no-necessity")
    assert code == 1 and "FALSE — certified counterexample" in out
    claim, where, _ = TRUE["bernoulli"]
    args = [a for w in where for a in ("--where", w)]
    code, out, _ = _run(
        capsys, "check", claim, *args, "--no-necessity", "--no-tightness", "--effort", "quick"
    )
    assert code == 0 and "NOT REFUTED" in out and "instances" in out


def test_a_crash_is_one_line_and_debug_shows_the_traceback(capsys, monkeypatch):
    import dlverify.reports.check as face

    def boom(*a, **k):
        raise RuntimeError("planted crash")

    monkeypatch.setattr(face, "check", boom)
    code, _, err = _run(capsys, "check", "x <= 1", "--where", "x: real")
    assert code == 2 and "internal error: RuntimeError: planted crash" in err and "--debug" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    code, _, err = _run(capsys, "check", "x <= 1", "--where", "x: real", "--debug")
    assert code == 2 and "Traceback" in err and "planted crash" in err


CLAIMS_TOML = """
[[claim]]
key = "log_tangent"
what = "the tangent line of the logarithm"
relation = "ln(u) <= u - 1"
assumptions = ["u > 0"]

[[claim]]
key = "halved"
relation = "ln(u) <= (u - 1)/2"
assumptions = ["u > 0"]
[claim.point]
u = "3"
"""


def test_a_claim_file(tmp_path, capsys):
    f = tmp_path / "claims.toml"
    f.write_text(CLAIMS_TOML)
    jobs = load_claims(f)
    assert [j["key"] for j in jobs] == ["log_tangent", "halved"] and jobs[1]["points"] == [{"u": "3"}]
    code, out, _ = _run(capsys, "check", "--file", str(f), "--no-necessity", "--no-tightness")
    assert code == 1 and "[log_tangent]" in out and "PROVED" in out
    assert "at u = 3" in out and "found by the given point 1" in out
    f.write_text(CLAIMS_TOML.replace('key = "halved"', 'key = "halved"\ntypo = 1'))
    code, _, err = _run(capsys, "check", "--file", str(f))
    assert code == 2 and "claim 2: unknown key 'typo'" in err


def test_families_claims_and_show(capsys):
    from dlverify import theorems
    from dlverify.reports.check import families_table

    rows = families_table()
    assert rows, "no numeric side declares FAMILIES"
    one = next(r for r in rows if r["theorem"] == "descent_lemma" and r["name"] == "one step")
    assert {"f0", "f1", "g2", "eta", "L"} <= set(one["quantities"])
    code, out, _ = _run(capsys, "families")
    assert code == 0 and "descent_lemma:one step" in out
    code, out, _ = _run(capsys, "list", "--claims")
    th = theorems.load("descent_lemma").THEOREM
    c = th.claims[0]
    assert code == 0 and f"descent_lemma.{c.key}\t{sp.sstr(c.relation)}" in out
    code, out, _ = _run(capsys, "show", f"descent_lemma.{c.key}")
    assert code == 0 and sp.sstr(c.relation) in out
    code, _, err = _run(capsys, "show", "descent_lemma.no_such_claim")
    assert code == 2 and "has no claim 'no_such_claim'" in err


def test_a_claim_measured_on_an_instance_family():
    """The descent step on the family of GD steps: proved by the theorem's own derivation step
    and measured on its instances; with the factor doubled it is measured false."""
    where = ["eta <= 1/L", "smooth"]
    r = check("f1 <= f0 - eta/2*g2", where, family="descent_lemma:one step", necessity=False)
    assert r.answer == "proved" and "descent_lemma" in r.proof.method
    assert sum(m.checked for m in r.family) > 0 and not any(m.violations for m in r.family)
    r = check("f1 <= f0 - eta*g2", where, family="descent_lemma:one step", necessity=False)
    assert r.answer == "false" and r.proof is None and any(m.violations for m in r.family)


def test_the_torch_search_descends_to_what_random_instances_miss():
    """A claim false only in a disc of radius 1e-4 inside [-100, 100]^2: random draws miss it,
    the batched gradient descent of the slack lands in it (and the point is certified)."""
    from dlverify.numerics import search

    claim = "(x - 0.123456)**2 + (y - 0.654321)**2 >= 1e-8"
    problem = solve.parse(claim, ["-100 <= x <= 100", "-100 <= y <= 100"])
    space = solve.space(problem)
    found = search.torch_search(space, starts=64, steps=300, seed=20261123, device="cpu")
    assert found.restarts == 64 and found.instances > 0
    cands = [solve.certify_float(problem, c.values, c.found_by, c.fixed) for c in found.candidates]
    assert any(c is not None for c in cands), found.smallest
    drawn = search.hypothesis_search(space, 200, 20261123)
    assert drawn.instances > 0 and not drawn.candidates  # the random instances miss the disc


def test_the_pac_bayes_step_the_kernel_leaves_uncertified():
    """Theorem 5.6.1 (Arora/Langford) from McAllester-Maurer: the step ln(2m/d)/(m - 1) >=
    ln(2 sqrt(m)/d)/m that the kernel's monomial certificates cannot read.  prove() proves the
    theorem's own claim from the McAllester-Maurer claim and its scalar hypotheses, and does
    not prove it when m >= 2 is left out."""
    from dlverify import theorems

    th = theorems.load("pac_bayes").THEOREM
    thm, mm = th.claim("arora_5_6_1"), th.claim("mcallester_maurer")
    facts = [th.assumption(k).relation for k in thm.assumptions if th.assumption(k).relation is not None]
    ok, how = solve.prove(thm.relation, [*facts, mm.relation])
    assert ok and "Z3" in how, how
    m = next(s for s in thm.relation.free_symbols if s.name == "m")
    fewer = [f for f in facts if not (f.free_symbols == {m})]
    assert not solve.prove(thm.relation, [*fewer, mm.relation])[0]


def test_counterexamples_hold_for_the_claim_as_written():
    """With y, z >= 0 sympy rewrites cbrt(x*y*z) as x**(1/3)*(y*z)**(1/3), which has no real
    value at x < 0 even where y*z = 0 and the written root is 0.  Every counterexample of the
    necessity check must break the claim as the user wrote it."""
    r = check(*TRUE["am_gm_3"][:2], tightness=False)
    assert [n.status for n in r.necessity] == ["needed"] * 3, r.text()
    for (label, dropped), n in zip(solve.parse(*TRUE["am_gm_3"][:2]).drops(), r.necessity):
        assert label == n.assumption
        holds, value = _independent(dropped, n.point)
        assert holds and (value is None or value < 0), (label, n.point, value)
        # and it says why as written: undefined only where the written claim has no value
        assert ("undefined" in n.detail) == (value is None), (n.detail, value)

"""Source statements judged as printed: misprints, passage parameters, standing assumptions, and
readings that cannot prove anything because they compare an expression with itself."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from dlverify import theorems as registry
from dlverify.numerics.device import RunContext
from dlverify.reports.runner import errata
from dlverify.theorems import sourcefile
from dlverify.theorems.core import (
    Claim,
    Measurement,
    ProofRef,
    SourceLine,
    Verdict,
    check_derivation,
    decide,
    judge_line,
    judge_source_line,
)

FALSE_READING = decide(
    "r", "as printed", "", None, [Measurement("exact point", 1, 1, counterexample={"x": 1})]
)
HOLDS = decide("c", "as meant", "", ProofRef("s", "certified"), [Measurement("grid", 10, 0)])
UNDECIDED = decide("c", "as meant", "", None, [])


@pytest.mark.parametrize(
    "corrected, adds, edit, expected",
    [
        (HOLDS, False, "η² → η inside the norm", Verdict.MISPRINT),
        (HOLDS, False, "", Verdict.FALSE),  # a correction that is not a minimal edit: false
        (HOLDS, True, "", Verdict.NEEDS_ASSUMPTION),
        (HOLDS, True, "an edit", Verdict.NEEDS_ASSUMPTION),  # an added assumption is no misprint
        (UNDECIDED, False, "an edit", Verdict.FALSE),  # the meant reading must itself hold
        (None, False, "an edit", Verdict.FALSE),
    ],
)
def test_misprint_needs_a_minimal_edit_that_holds(corrected, adds, edit, expected):
    j = judge_source_line(FALSE_READING, corrected, adds_assumption=adds, edit=edit)
    assert j.verdict is expected
    if expected is Verdict.MISPRINT:
        assert "false as printed" in j.detail and edit in j.detail


def test_a_true_reading_is_never_a_misprint():
    assert judge_source_line(HOLDS, HOLDS, edit="an edit").verdict is Verdict.VERIFIED


def _theorem():
    return registry.load("descent_lemma").THEOREM


def test_a_reading_that_compares_an_expression_with_itself_proves_nothing():
    th = _theorem()
    marks = check_derivation(th)
    f0, f1 = sp.Symbol("f0", real=True), sp.Symbol("f1", real=True)
    same = Claim("same", "f0 = f0", sp.Eq(f0, f0, evaluate=False))
    line = SourceLine("same", "002_x.txt", 1, "a", "w", "f=f", reading=same)
    j, reading, _ = judge_line(th, line, marks)
    assert j.verdict is Verdict.NOT_CHECKED and "with itself" in j.detail and reading is None
    # the guard looks at the sides, not at the verdict: a true comparison of two things is judged
    two = dataclasses.replace(line, reading=Claim("two", "f0 <= f0 + f1**2", sp.Le(f0, f0 + f1**2)))
    assert judge_line(th, two, marks)[0].verdict is not Verdict.NOT_CHECKED


def test_loose_is_judged_at_the_parameters_the_passage_fixes():
    """000:134 prints the rate 1 − ημ where line 131 fixes η = 1/β: the sharper factor
    1 − ημ(2 − βη) equals it there, so the line is not loose; without the passage's η it is."""
    th = registry.load("pl_convergence").THEOREM
    marks = check_derivation(th)
    line = next(x for x in th.as_written if x.key == "rate_factor")
    assert line.fixed and line.reading.sharper is not None
    ctx = RunContext.shared("cpu")
    from dlverify.numerics.contract import measurer

    measure = measurer(th.id, registry.numeric(th.id), ctx)
    assert judge_line(th, line, marks, measure)[0].verdict is not Verdict.LOOSE
    general = dataclasses.replace(line, fixed={})
    assert judge_line(th, general, marks, measure)[0].verdict is Verdict.LOOSE


def test_standing_assumptions_apply_within_their_lines(tmp_path):
    x = sp.Symbol("x", positive=True)
    entry = (
        "[[entry]]\nline = {n}\ntheorem = 't'\nkey = 'k{n}'\nanchor = 'a'\nwhat = 'w'\nlatex = 'x'\n"
        "[entry.reading]\ntext = 'r'\nrelation = 'x >= 0'\nassumptions = ['own']\n"
    )
    (tmp_path / "009_test.toml").write_text(
        '[document]\nfile = "009_test.txt"\ntitle = "t"\n'
        '[[document.standing]]\nline = 2\nanchor = "as usual"\ntheorem = "t"\nassumptions = ["range"]\n'
        "lines = [5, 9]\n\n" + entry.format(n=4) + entry.format(n=5),
        encoding="utf-8",
    )
    sourcefile.document.cache_clear()
    before, inside = sourcefile.source_lines("t", {"x": x}, folder=tmp_path)
    assert before.reading.assumptions == ("own",) and not before.standing
    assert inside.reading.assumptions == ("own", "range") and inside.standing == ("009_test.txt:2",)


def test_an_unknown_kind_of_unchecked_statement_is_refused(tmp_path):
    (tmp_path / "009_test.toml").write_text(
        '[document]\nfile = "009_test.txt"\ntitle = "t"\n\n[[entry]]\nline = 1\ntheorem = "t"\nkey = "k"\n'
        'anchor = "a"\nwhat = "w"\nlatex = "x"\nunchecked = "why"\nkind = "too hard"\n',
        encoding="utf-8",
    )
    sourcefile.document.cache_clear()
    with pytest.raises(Exception, match="kind 'too hard'"):
        sourcefile.source_lines("t", {}, folder=tmp_path)


def test_errata_hold_misprints_and_list_loose_statements_apart():
    def rec(key, verdict):
        return {
            "key": key,
            "doc": "002_x.txt",
            "line": 1,
            "cite": "002_x.txt:1",
            "anchor": "",
            "what": "",
            "latex": "",
            "verdict": verdict,
        }

    results = {
        "theorems": [
            {
                "id": "t",
                "as_written": [
                    rec("m", "misprint"),
                    rec("f", "false"),
                    rec("l", "verified, loose"),
                    rec("v", "verified"),
                ],
            }
        ]
    }
    e = errata(results)
    assert {r["key"] for r in e["errata"]} == {"m", "f"}
    assert [r["key"] for r in e["loose"]] == ["l"]
    (row,) = [c for c in e["coverage"] if c["theorem"] == "t"]
    assert row["misprint"] == 1 and row["false"] == 1 and row["loose"] == 1 and row["verified"] == 1

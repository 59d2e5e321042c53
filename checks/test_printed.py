"""Source statements judged as printed: misprints, passage parameters, standing assumptions, and
readings that cannot prove anything because they compare an expression with itself."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
import sympy as sp

from dlverify import theorems as registry
from dlverify.checks.standard import marks_of
from dlverify.numerics.device import RunContext
from dlverify.reports.runner import errata, source_line_record
from dlverify.reports.runner import measurer as run_measurer
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
from dlverify.theorems.evidence import compares_itself, point_measurement

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


# --------------------------------------------------------------------------- notes and verdicts (issue 20)

#: phrases the notes use to name a slip of the authors, another reading than the printed one, or a
#: condition under which the printed statement fails -- each needs a verdict that says so
SLIP = ("slip", "typo", "misprint", "should be", "should read", "instead of")
READING = ("read as", "reads as", "charitable", "literal", "true under")
FAILURE = ("fails", "is wrong", "holds only", "only when", "is false")
#: phrases that blame the text extraction: a repair of what the extraction lost is part of the
#: reading *as printed*, in a document whose extraction can lose it -- never in 000, the notes' own
#: MathJax source, nor in 001, a page whose extraction keeps its LaTeX verbatim
EXTRACTION = ("extraction", "extracted", "lost", "garbled")
NO_EXTRACTION_LOSS = ("000", "001")

#: notes with such a phrase on an entry that is no erratum, each with why that is right
EXCEPTIONS = {
    ("002", "proof_352"): "names the slip of 002:350, which is its own entry (a misprint), not this line's",
    ("002", "thm_5_6_1"): "the failure is outside the chapter's standing loss range (002:983), cited by line",
    ("001", "ntk_001"): "a definition whose printed form is no expression (f/∂θ): nothing printed to "
    "evaluate; the note names the slip and the meant kernel (corrected_latex)",
}


def _phrases(text: str, words) -> list[str]:
    low = " ".join(text.split()).lower()
    return [w for w in words if re.search(r"\b" + re.escape(w) + r"\b", low)]


def _lines_by_doc() -> dict:
    """Every entry of every document, as the theorems parse it: {(doc number, key): SourceLine}."""
    out = {}
    for tid in registry.ids():
        th = registry.load(tid).THEOREM
        for ln in th.as_written:
            out[(ln.doc[:3], ln.key)] = (th, ln)
    return out


@pytest.fixture(scope="module")
def all_lines():
    return _lines_by_doc()


def _an_erratum(th, ln) -> bool:
    """Whether an entry carries what makes it an erratum: a minimal edit or a corrected form (misprint,
    false with its correction, needs an assumption), or an exact point at which its reading fails."""
    if ln.edit or ln.corrected is not None:
        return True
    if ln.point and ln.reading is not None:
        return bool(point_measurement(th, ln.reading, ln.point).violations)
    return False


def note_problems(lines: dict) -> list[str]:
    """The notes that contradict their entry's verdict."""
    bad = []
    for (doc, key), (th, ln) in sorted(lines.items()):
        text = f"{ln.note} {ln.unchecked}"
        where = f"{doc}:{ln.line} {key}"
        if (doc, key) in EXCEPTIONS:
            continue
        blamed = _phrases(text, EXTRACTION)
        if blamed and doc in NO_EXTRACTION_LOSS:
            bad.append(
                f"{where}: blames the extraction ({blamed}) in a document whose extraction loses no math"
            )
        slip = _phrases(text, SLIP)
        other = _phrases(text, READING + FAILURE)
        if slip and not _an_erratum(th, ln):
            bad.append(f"{where}: names a slip ({slip}) but carries no edit, correction or counterexample")
        if other and not blamed and not _an_erratum(th, ln):
            bad.append(f"{where}: names another reading or a failure ({other}) under a verdict that holds")
    return bad


def test_no_note_contradicts_its_verdict(all_lines):
    """Over every entry of the five documents: a note that names a slip, another reading or a
    condition under which the line fails belongs to an erratum (misprint, false, needs an
    assumption), or to a listed exception; no note in 000/001 blames the extraction."""
    assert all_lines and {d for d, _ in all_lines} >= {"000", "001", "002", "003", "004"}
    assert note_problems(all_lines) == []
    assert all(k in all_lines for k in EXCEPTIONS), "an exception names an entry that is gone"


def test_the_note_check_catches_a_slip_under_verified(all_lines):
    """The check itself: a slip named under a verified line, an extraction blamed in 000, and a
    failure named under a verified line are each reported."""
    th, ln = all_lines[("000", "rate_goal")]
    planted = {
        ("000", "rate_goal"): (th, dataclasses.replace(ln, note="the η is a slip for 1/β")),
        ("000", "x"): (th, dataclasses.replace(ln, key="x", note="a prime lost in extraction")),
        ("003", "y"): (th, dataclasses.replace(ln, key="y", note="with the literal threshold it fails")),
    }
    found = note_problems(planted)
    assert len(found) == 3 and "slip" in found[0] and "extraction" in found[1] and "reading" in found[2]


def test_a_misprint_names_its_edit_and_its_meant_reading(all_lines):
    """An entry with a minimal edit has the line as meant: a corrected form (with its own evidence)
    and its LaTeX; and no reading or corrected form compares an expression with itself."""
    for (doc, key), (_, ln) in all_lines.items():
        if ln.edit:
            assert ln.corrected is not None and ln.corrected_latex, f"{doc}:{key}"
        for c in (ln.reading, ln.corrected):
            assert c is None or not compares_itself(c.relation), f"{doc}:{key} compares a thing with itself"


# ------------------------------------------------------------------ errata and the misprint round trip

#: the documents whose entries this file's run-level tests judge (002 has its own tests)
MINE = ("000", "001", "003", "004")
REFERENCE = Path(__file__).resolve().parent.parent / "reports" / "reference" / "results.json"


def _records(tid: str, docs=MINE) -> dict:
    """A theorem's results record holding only its source lines of ``docs``, judged as a run does."""
    th = registry.load(tid).THEOREM
    ctx = RunContext.shared("cpu")
    marks, measure = list(marks_of(tid)), run_measurer(tid, ctx)
    lines = [ln for ln in th.as_written if ln.doc[:3] in docs]
    return {
        "id": tid,
        "title": th.title,
        "as_written": [source_line_record(th, ln, marks, measure) for ln in lines],
    }


@pytest.fixture(scope="module")
def small_run() -> dict:
    return {"theorems": [_records("descent_lemma"), _records("pl_convergence")]}


def erratum_problems(e: dict) -> list[str]:
    """What an errata.json row lacks: the instance a reader checks by hand, and the correction
    (a misprint also its edit)."""
    where = f"{e['cite']} {e['key']}"
    out = [] if e.get("instance") else [f"{where}: no instance"]
    out += [] if e.get("corrected_latex") else [f"{where}: no correction"]
    out += (
        [f"{where}: a misprint without its edit"] if e["verdict"] == "misprint" and not e.get("edit") else []
    )
    return out


def test_every_erratum_has_an_instance_and_a_correction(small_run):
    """errata.json from a small run (the descent lemma's and the PL theorem's lines of 000, 001, 003,
    004): each erratum carries numbers a reader can check by hand and the corrected line."""
    e = errata(json.loads(json.dumps(small_run)))
    assert len(e["errata"]) >= 8 and {r["verdict"] for r in e["errata"]} >= {
        "misprint",
        "needs an assumption",
    }
    assert [p for r in e["errata"] for p in erratum_problems(r)] == []
    bare = dict(e["errata"][0], instance="", corrected_latex="")  # the check itself
    assert len(erratum_problems(bare)) == 2


def test_the_misprint_verdict_round_trips(small_run, tmp_path):
    """000:22 (y(·) for g(·)) is a misprint in results.json, recomputed from its evidence by
    `dlverify report`'s check, in errata.json with its edit and instance, in the errata document,
    in JUnit (a passing case that says misprint) and on the page (verdict, edit and correction)."""
    from dlverify.reports import errata as errata_doc
    from dlverify.reports.html import render, render_errata
    from dlverify.reports.junit import junit_tree
    from dlverify.reports.recheck import Tampered, _check_line

    path = tmp_path / "results.json"
    path.write_text(json.dumps(small_run))
    results = json.loads(path.read_text())
    (t,) = [t for t in results["theorems"] if t["id"] == "descent_lemma"]
    (rec,) = [s for s in t["as_written"] if s["key"] == "cross_entropy_000"]
    assert rec["verdict"] == "misprint" and rec["edit"] and rec["reading"]["verdict"] == "false"
    assert Verdict(rec["corrected"]["verdict"]).holds
    steps = {m.key: m.to_dict() for m in marks_of("descent_lemma")}
    _check_line("000:22", rec, steps)  # the verdict follows from the recorded evidence
    with pytest.raises(Tampered):
        _check_line("000:22", dict(rec, verdict="verified"), steps)
    (row,) = [r for r in errata(results)["errata"] if r["key"] == "cross_entropy_000"]
    assert row["verdict"] == "misprint" and row["edit"] == rec["edit"] and "y_lab = 1" in row["instance"]
    doc = errata_doc.document(results, "000")
    (item,) = [i for c in doc["causes"] for i in c if i["key"] == "cross_entropy_000"]
    assert item["verdict"] == "misprint" and item["instance"] and item["edit"]
    assert "misprint" in render_errata(doc) and "g(f_W(x_i))" in render_errata(doc)
    cases = {c.get("name"): c for c in junit_tree(results).getroot().iter("testcase")}
    case = cases[f"{rec['cite']} cross_entropy_000"]
    assert case.find("failure") is None and case.find("skipped") is None
    assert "misprint" in (case.findtext("system-out") or "")
    ref = json.loads(REFERENCE.read_text())  # a complete run's records, with 000:22 as judged now
    (base,) = [x for x in ref["theorems"] if x["id"] == "descent_lemma"]
    base["as_written"] = [s for s in base["as_written"] if s["key"] != rec["key"]] + [rec]
    page = render(dict(ref, theorems=[base]))
    assert "misprint" in page and "y(f_W(x_i))" in page


# --------------------------------------------------------------------------- applicability


def _pl():
    th = registry.load("pl_convergence").THEOREM
    return th, list(marks_of("pl_convergence"))


def test_a_lemma_applied_outside_its_hypotheses_is_caught():
    """A constructed line that applies the one-step contraction (proved for η ≤ 1/β) at η = 2/β:
    its relation is the proved one, but the application is outside the hypotheses, so the line is
    false with that instance; inside (η = 1/(2β)) it is judged by its reading; an instance that
    decides no hypothesis leaves it unchecked; with a corrected cross-reference it is a misprint."""
    th, marks = _pl()
    beta, eta = sp.Symbol("beta", positive=True), sp.Symbol("eta", positive=True)
    reading = th.claim("one_step")
    line = SourceLine(
        "applied",
        "000_x.txt",
        1,
        "a",
        "w",
        "x",
        reading=reading,
        applies="claim:one_step",
        at={eta: 2 / beta},
    )
    j, r, _ = judge_line(th, line, marks)
    assert j.verdict is Verdict.FALSE and r.counterexample and "eta_le" in r.counterexample["how"]
    inside = dataclasses.replace(line, at={eta: 1 / (2 * beta)})
    j_in = judge_line(th, inside, marks)[0]
    assert j_in.verdict.holds and "applied within its hypotheses" in j_in.detail
    assert judge_line(th, dataclasses.replace(line, at={sp.Symbol("mu", positive=True): 1}), marks)[
        0
    ].verdict is (Verdict.NOT_CHECKED)
    meant = dataclasses.replace(line, corrected=th.claim("tight_factor"), edit="Lemma 1 → Lemma 2")
    assert judge_line(th, meant, marks)[0].verdict is Verdict.MISPRINT


def test_applications_in_the_documents_are_checked_against_the_hypotheses():
    """000:146 applies the descent step of 000:133 (η ≤ 1/β) at the passage's η = 1/β (000:130):
    within its hypotheses; the same line applied at η = 2/β would be an erratum."""
    th, marks = _pl()
    uses = [ln for ln in th.as_written if ln.applies]
    assert any(ln.doc.startswith("000") and ln.line == 146 for ln in uses)
    for ln in uses:
        assert "applied within its hypotheses" in judge_line(th, ln, marks)[0].detail, ln.cite()
    (ln,) = [u for u in uses if u.line == 146]
    beta = sp.Symbol("beta", positive=True)
    planted = dataclasses.replace(ln, at={k: 2 / beta for k in ln.at})
    assert judge_line(th, planted, marks)[0].verdict is Verdict.FALSE

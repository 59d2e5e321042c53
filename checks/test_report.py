"""The report, the errata documents, JUnit and the `report` command, without a browser.

Regression tests for the defects of issue 21 ("A report people can read"): JUnit's failures
match the exit code (a derivation step is a test case); `dlverify report` refuses a results
file whose verdicts were edited by hand; a relation sympy evaluated to True is never shown as
"True"; the status badge is red when a theorem failed; ids are unique; `--help` imports
neither sympy nor torch; "did you mean"; the last line of a run.  Most tests read the committed
reference run (``reports/reference/results.json``) and recompute nothing.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dlverify.reports import cards, cli, errata, notation
from dlverify.reports.html import math, plot_svg, render, render_fragment, unique_ids
from dlverify.reports.junit import junit_tree
from dlverify.reports.recheck import Tampered, recheck

REFERENCE = Path(__file__).resolve().parent.parent / "reports" / "reference" / "results.json"


@pytest.fixture(scope="module")
def reference() -> dict:
    return json.loads(REFERENCE.read_text())


@pytest.fixture
def results(reference) -> dict:
    return copy.deepcopy(reference)


def _refail(res: dict) -> None:
    """Recompute every theorem's outcome and the run's failures the way the runner does."""
    from dlverify.reports.runner import finish_theorem

    for t in res["theorems"]:
        finish_theorem(t)
    res["failures"] = [f"{t['id']}: {p}" for t in res["theorems"] for p in t["problems"]]


def _file(res: dict, path: Path) -> Path:
    """A results file of this version's schema holding the reference's records (a schema bump
    that adds fields leaves them readable; what these tests check is the verdicts)."""
    from dlverify.theorems.core import SCHEMA_VERSION

    path.write_text(json.dumps({**res, "schema": SCHEMA_VERSION}))
    return path


def _exit_code(res: dict) -> int:
    """The exit code `dlverify run` gives a complete run (reports/cli.py)."""
    return 1 if res["failures"] or res.get("pytest_exit_code", 0) not in (0, 5) else 0


# --------------------------------------------------------------------------- JUnit


def _failures(res: dict) -> int:
    root = junit_tree(res).getroot()
    assert root is not None
    n = int(root.get("failures", "-1"))
    assert n == len(root.findall(".//failure")), "the counts must be those of the cases"
    return n


@pytest.mark.parametrize(
    "plant",
    [
        "none",
        "derivation step",
        "experiment",
        "tightness row",
        "property check",
        "crash",
        "pytest session",
    ],
)
def test_regression_junit_failures_match_the_exit_code(results, plant):
    """Issue 21: --junit reported 0 failures when a derivation step failed and `dlverify run`
    exited 1 (steps were not test cases).  Every kind of problem is a failing case, one each."""
    t = results["theorems"][0]
    if plant == "derivation step":
        t["derivation"][3]["ok"] = False
    elif plant == "experiment":
        t["experiments"][0]["ok"] = False
    elif plant == "tightness row":
        t["tightness"][0]["verdict"] = "false"
    elif plant == "property check":
        t["fuzzing"][0]["outcome"] = "failed"
    elif plant == "crash":
        t["errors"] = ["crashed: RuntimeError: boom"]
    elif plant == "pytest session":
        results["pytest_exit_code"] = 2
    _refail(results)
    expected = len(results["failures"]) + (results.get("pytest_exit_code", 0) not in (0, 5))
    assert _failures(results) == expected
    assert (expected > 0) == (_exit_code(results) == 1) == (plant != "none")


def test_junit_has_a_case_per_step_and_skips_with_their_reason(reference):
    root = junit_tree(reference).getroot()
    t = reference["theorems"][0]
    steps = [c for c in root.iter("testcase") if c.get("classname") == f"{t['id']}.derivation"]
    assert [c.get("name") for c in steps] == [m["key"] for m in t["derivation"]]
    # a theorem with a skipped property check (which one depends on the extras installed)
    t = next(x for x in reference["theorems"] if any(f["outcome"] == "skipped" for f in x["fuzzing"]))
    skipped = [c for c in root.iter("testcase") if c.get("classname") == f"{t['id']}.property_checks"]
    skipped = [c.find("skipped") for c in skipped if c.find("skipped") is not None]
    n_skipped = sum(f["outcome"] == "skipped" for f in t["fuzzing"])
    assert len(skipped) == n_skipped >= 1 and all(s.get("message") for s in skipped)


def test_regression_run_with_a_failing_step_exits_1_and_junit_fails(toy, tmp_path, monkeypatch, capsys):
    """End to end: a step that does not certify makes the run exit 1 and the JUnit file red;
    the run's last line says how many theorems passed and where the page is."""
    from dlverify.reports import runner

    real = runner.check_derivation

    def broken(th):
        marks = real(th)
        marks[0].ok, marks[0].detail = False, "planted: not certified"
        return marks

    monkeypatch.setattr(runner, "check_derivation", broken)
    junit = tmp_path / "junit.xml"
    argv = [
        "run",
        "--theorem",
        TOY,
        "--device",
        "cpu",
        "--no-checks",
        "--out",
        str(tmp_path),
        "--junit",
        str(junit),
    ]
    assert cli.main(argv) == 1
    root = ET.parse(junit).getroot()
    assert int(root.get("failures", "-1")) == 1
    fail = root.find(".//failure/..")
    assert fail is not None and fail.get("classname") == f"{TOY}.derivation"
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "0 of 1 theorems passed" in last and str(tmp_path / "report.html") in last, last


# --------------------------------------------------------------------------- recheck / report


def test_reference_verdicts_follow_from_their_evidence(results):
    assert recheck(results) is results


def _plant(res: dict, where: str) -> None:
    pl = next(t for t in res["theorems"] if t["id"] == "pl_convergence")
    if where == "claim":
        pl["claims"][0]["verdict"] = "false"
    elif where == "claim basis":
        pl["claims"][1]["basis"] = (
            "proved and measured" if pl["claims"][1]["basis"] != "proved and measured" else "measured only"
        )
    elif where == "wrong variant":
        pl["wrong_variants"][0]["verdict"] = "verified"
    elif where == "source line":
        line = next(s for s in pl["as_written"] if s["verdict"] == "false")
        line["verdict"] = "verified"
    elif where == "comparison":
        pl["experiments"][1]["comparisons"][0]["holds"] = not pl["experiments"][1]["comparisons"][0]["holds"]
    elif where == "tightness":
        pl["tightness"][0]["verdict"] = "verified, tight"
    elif where == "theorem":
        pl["passed"] = False
    elif where == "proof":
        pl["claims"][0]["proof"]["step"] = "no_such_step"
    elif where == "measurement":
        pl["claims"][0]["measurements"][0]["violations"] = 1
        pl["claims"][0]["measurements"][0]["counterexample"] = {"slack": -1.0}


PLANTS = (
    "claim",
    "claim basis",
    "wrong variant",
    "source line",
    "comparison",
    "tightness",
    "theorem",
    "proof",
)


@pytest.mark.parametrize("where", PLANTS + ("measurement",))
def test_regression_recheck_refuses_a_tampered_verdict(results, where):
    """Issue 21: `dlverify report` re-rendered a results.json whose verdicts were edited by hand
    as if the suite had made them.  (An edited measurement changes what the verdict must be.)"""
    _plant(results, where)
    with pytest.raises(Tampered):
        recheck(results)


def test_regression_report_refuses_a_tampered_file_in_one_line(results, tmp_path, capsys):
    _plant(results, "claim")
    f = _file(results, tmp_path / "results.json")
    assert cli.main(["report", str(f), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "refused" in err[0] and "pl_convergence: claim 'one_step'" in err[0], err
    assert not (tmp_path / "out" / "report.html").exists()


def test_report_defaults_to_reports_out(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report"]) == 2
    assert "reports/out/results.json" in capsys.readouterr().err


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def page(reference) -> str:
    return render(reference)


def test_page_ids_are_unique_and_links_resolve(page):
    ids = re.findall(r'\sid="([^"]+)"', page)
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, sorted(dup)[:10]
    targets = set(re.findall(r'href="#([^"]+)"', page)) | set(re.findall(r"url\(#([^)]+)\)", page))
    assert targets and targets <= set(ids), sorted(targets - set(ids))[:10]


def test_page_size_and_formulas_in_their_own_box(page, reference):
    # the aim is 2 MB. The reference was 2.04 MB at 420 source lines (budget 2.1 MB); at 454
    # lines, with the separable-data and width-slope experiments, it is 2.30 MB (misprints with both
    # readings, expressions longer than LONG_MATHML folded as LaTeX, a step identity's name shown by
    # reference to its step): the budget is 2.35 MB, above the aim and above the old budget (a known
    # regression, recorded in the closing note of 2026-12-07)
    assert len(page.encode()) < 2_350_000
    assert page.count("<math") == page.count('<span class="m"><math') + page.count('<div class="m"><math')
    assert "<script>" in page and "http://" not in page.replace("http://www.w3.org/", "")


def test_regression_relations_evaluated_to_true_are_flagged(results):
    """Issue 21: 13 derivation steps rendered as the word "True"."""
    t = results["theorems"][0]
    t["derivation"][0]["latex"] = r"\text{True}"
    html = render({**results, "theorems": [t]})
    row = re.search(r'<tr id="step-descent_lemma-[^"]+">.*?</tr>', html, re.S).group(0)
    assert "relation lost" in row and "True</mtext>" not in row and "True</mi>" not in row
    lost = sum(notation.evaluated_true(m["latex"]) for m in t["derivation"])
    assert f"{lost} shown as lost" in html and lost >= 1
    assert "True</mtext>" not in math(r"\text{True}")


@pytest.mark.parametrize("failed", [False, True])
def test_regression_status_badge_red_when_a_theorem_failed(results, failed):
    """Issue 21: a run whose theorem FAILED still showed a green "run status: complete"."""
    if failed:
        results["theorems"][2]["derivation"][0]["ok"] = False
        _refail(results)
    badge = cards.status(results)
    assert (badge["cls"] == "failed") == failed and (badge["cls"] == "complete") == (not failed)
    assert ("FAILED" in badge["text"]) == failed
    html = render({**results, "theorems": results["theorems"][2:3]})
    assert re.search(rf'class="status {badge["cls"]}" id="run-status"', html)


def test_summary_links_to_one_card_per_theorem(page, reference):
    for t in reference["theorems"]:
        assert page.count(f'id="card-{t["id"]}"') == 1 and f'href="#card-{t["id"]}"' in page


def test_card_headline_is_rendered_from_comparisons():
    e = {
        "key": "k",
        "title": "rate",
        "ok": True,
        "comparisons": [
            {"name": "a", "measured": 1.0, "op": "<=", "target": 1.0, "tol": 0.0, "holds": True},
            {
                "name": "slope",
                "measured": -0.5,
                "op": "in",
                "target": [-0.50001, -0.49999],
                "tol": 0,
                "holds": True,
            },
            {
                "name": "fit",
                "measured": 0.81,
                "op": "<=",
                "target": 0.9,
                "interval": [0.8, 0.82],
                "holds": True,
            },
        ],
    }
    h = cards.headline(e)
    assert h["text"] == "slope: −0.5 ∈ [−0.50001, −0.49999]" and h["more"] == "2 more, all hold"
    assert cards.comparison_text(e["comparisons"][2]) == "fit: 0.81 ≤ 0.9, interval [0.8, 0.82]"
    e["comparisons"][0]["holds"] = False
    assert cards.headline(e)["text"].startswith("a: ")


def test_notebook_view_of_one_theorem_is_small(reference):
    pl = next(t for t in reference["theorems"] if t["id"] == "pl_convergence")
    html = render_fragment({**reference, "theorems": [pl]})
    assert len(html.encode()) < 100_000 and 'id="card-pl_convergence"' in html and "<details open" not in html


def test_plot_ids_are_unique_per_plot(reference):
    plot = reference["theorems"][0]["experiments"][0]["plot"]
    a, b = plot_svg(plot, "plot-a"), plot_svg(plot, "plot-b")
    ids_a, ids_b = set(re.findall(r'id="([^"]+)"', a)), set(re.findall(r'id="([^"]+)"', b))
    assert ids_a and not ids_a & ids_b
    assert set(re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", a)) and all(
        x in ids_a for pair in re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", a) for x in pair if x
    )
    svg = '<svg><g id="a"/><clipPath id="c"/><use xlink:href="#c"/><path clip-path="url(#c)"/></svg>'
    assert (
        unique_ids(svg, "p")
        == '<svg><g /><clipPath id="p-c"/><use xlink:href="#p-c"/><path clip-path="url(#p-c)"/></svg>'
    )


# --------------------------------------------------------------------------- notation


@pytest.mark.parametrize(
    "latex, book",
    [
        (r"\log{\left(x \right)} \leq x - 1", r"\ln{\left(x \right)} \leq x - 1"),
        (r"f(w^+) \leq - \frac{\eta g}{2} + f(w)", r"f(w^+) \leq f(w) - \frac{\eta g}{2}"),
        (
            r"a \leq b \left(- \eta \mu \left(- \beta \eta + 2\right) + 1\right)",
            r"a \leq b \left(1 - \eta \mu \left(2 - \beta \eta\right)\right)",
        ),
        (r"x \leq - a - b", r"x \leq - a - b"),  # both terms negative: as sympy wrote it
        (r"x \leq - a + b + c", r"x \leq - a + b + c"),  # three terms: as sympy wrote it
        (r"\log_2 x", r"\log_2 x"),  # a hand-written log base stays
    ],
)
def test_book_notation(latex, book):
    assert notation.book_latex(latex) == book


def test_book_order_is_the_same_expression():
    """The reordering only swaps two top-level terms: sympy reads both forms as one expression."""
    import sympy as sp

    x, y, z = sp.symbols("x y z", positive=True)
    for e in (-x / 2 + y, -x * (-y + 2) + 1, sp.log(x) - z + 0):
        s = sp.latex(e)
        book = notation.book_latex(s)
        swapped = book.replace(r"\ln", r"\log").replace(r"\left(", "(").replace(r"\right)", ")")
        assert sp.simplify(_parse(swapped) - e) == 0, (s, book)


def _parse(tex: str):
    """A tiny reader for the forms above (products, \\frac, \\log, + and -)."""
    import sympy as sp

    py = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"((\1)/(\2))", tex)
    py = py.replace(r"\log{", "log(").replace("}", ")").replace("{", "(")
    py = re.sub(r"(?<=[\w)])\s+(?=[\w(])", "*", py.strip())
    return sp.sympify(py, locals={s: sp.Symbol(s, positive=True) for s in "xyz"})


def test_numbers_to_three_significant_figures():
    assert [notation.num(v) for v in (8.03727, 0.000197108, 13500593.7, 1.0, 0.0, float("nan"))] == [
        "8.04",
        "1.97 × 10⁻⁴",
        "1.35 × 10⁷",
        "1",
        "0",
        "NaN",
    ]
    assert notation.distinct(-0.5, -0.5000139, -0.4999860) == ["−0.5", "−0.50001", "−0.49999"]
    assert notation.seconds(8.03727) == "8.04 s" and notation.seconds(130.2) == "2 min 10 s"


def test_counterexample_as_an_instance_with_a_replay():
    cex = {"lambda": "1", "eta": "3/2", "slack": "-1/2", "how": "exact arithmetic"}
    assert notation.instance(cex) == ("λ = 1, η = 3/2", "slack −1/2; exact arithmetic")
    line = notation.replay("descent_lemma", "need_eta", cex)
    assert line == "python -m dlverify.reports.replay descent_lemma need_eta lambda=1 eta=3/2"
    p = subprocess.run([sys.executable, *line.split()[1:]], capture_output=True, text=True)
    assert p.returncode == 1 and "VIOLATED" in p.stdout and "slack -1/2" in p.stdout, p.stdout + p.stderr


def test_document_names_are_the_sources_readme():
    readme = Path(__file__).resolve().parents[2] / "shared" / "sources" / "README.md"
    if not readme.exists():
        pytest.skip("the sources are not beside the project")
    rows = dict(re.findall(r"\| `(\d{3})_[0-9a-f]+\.txt` \| (.+?) \|", readme.read_text()))
    assert set(rows) == set(notation.DOCUMENTS)
    for num, text in rows.items():
        surname = re.sub(r"[*_]", "", text).split(",")[0].split()[-1]
        assert surname.lower() in notation.DOCUMENTS[num][1].lower() or num in ("001", "003"), (num, text)


# --------------------------------------------------------------------------- errata documents


def test_errata_document_sorted_grouped_and_titled(reference):
    d = errata.document(reference, "002")
    assert d["title"] == notation.DOCUMENTS["002"][1]
    items = [i for g in d["causes"] for i in g]
    firsts = [g[0]["line"] for g in d["causes"]]
    assert firsts == sorted(firsts) and all(
        [i["line"] for i in g] == sorted(i["line"] for i in g) for g in d["causes"]
    )
    assert all(
        i["verdict"] not in ("verified", "verified, tight", "not checked", errata.LOOSE) for i in items
    )
    assert d["loose"] and all(i["verdict"] == errata.LOOSE for i in d["loose"])
    flagged = [
        s for t in reference["theorems"] for s in t["as_written"]
        if s["doc"].startswith("002") and s["verdict"] not in ("verified", "verified, tight", "not checked")
    ]  # fmt: skip
    assert len(items) + len(d["loose"]) == len(flagged)
    shared = [g for g in d["causes"] if len(g) > 1]
    assert shared  # e.g. the five lines of the U(∅) = 0 convention are one item
    for g in shared:  # a group shares a named cause, or (without one) the same counterexample
        if ":cause:" in g[0]["cause"]:
            assert len({i["cause"] for i in g}) == 1
        else:
            assert len({json.dumps(i["found"]) for i in g}) == 1


@pytest.mark.parametrize("fmt", ["md", "tex", "html"])
def test_errata_formats(reference, fmt, tmp_path, capsys):
    f = _file(reference, tmp_path / "results.json")
    out = tmp_path / f"errata.{fmt}"
    assert cli.main(["errata", "--doc", "002", "--format", fmt, "--results", str(f), "--out", str(out)]) == 0
    text = out.read_text()
    d = errata.document(reference, "002")
    assert "Arora et al., Theory of Deep Learning" in text and "002_9b9f" not in text.split("\n")[0]
    for i in [i for g in d["causes"] for i in g] + d["loose"]:
        assert f"Line {i['line']}" in text or f"line {i['line']}" in text
    if fmt == "tex":
        body = re.sub(r"\\[{}]", "", text)
        assert body.count("{") == body.count("}") and text.count("$") % 2 == 0
    assert cli.main(["errata", "--doc", "007", "--results", str(f)]) == 2
    assert "not cited by these results" in capsys.readouterr().err


# --------------------------------------------------------------------------- CLI


def test_regression_help_imports_neither_sympy_nor_torch():
    """Issue 21: `dlverify --help` took 2.4-3.5 s (it imported sympy before parsing)."""
    code = (
        "import sys, contextlib, io\n"
        "from dlverify.reports import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: cli.main(['run', '--help'])\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('sympy', 'torch', 'numpy') if m in sys.modules))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.strip() == "[]", p.stdout + p.stderr


def test_cli_choices_are_the_numeric_sides():
    from dlverify.numerics import device

    assert cli.DEVICES == device.DEVICES and cli.PROFILES == device.PROFILES


def test_regression_did_you_mean(capsys):
    assert cli.main(["run", "--theorem", "shapely"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "did you mean 'shapley'" in err[0]


TOY = "toy_report"


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    from dlverify import theorems
    from dlverify.checks.packs import make_pack

    site = make_pack(tmp_path_factory.mktemp("pack"), TOY)
    sys.path.insert(0, str(site))
    theorems.register(TOY, f"{TOY}_pack.theorem")
    yield site
    theorems.unregister(TOY)
    sys.path.remove(str(site))


def test_trust_section_shows_the_code_mutation_record(results, tmp_path):
    """issue 23: the code-mutation record written beside a run is attached to its results and shown
    in the trust section, per module; without it the section says it was not run."""
    from dlverify.reports.runner import attach_trust

    results.setdefault("trust", {}).pop("code_mutation", None)
    assert "Not run for this report" in render(results).split('id="code-mutation"')[1].split("<h3")[0]
    rec = {
        "tool": "cosmic-ray",
        "modules": [
            {"module": "numerics/stats.py", "generated": 9, "run": 7, "equivalent": 1, "killed": 5,
             "survived": 1, "score": 0.8333, "mutated_version_is_current": True},
        ],
        "total": {"killed": 5, "survived": 1, "score": 0.8333},
    }  # fmt: skip
    (tmp_path / "code-mutation.json").write_text(json.dumps(rec))
    attach_trust(results, tmp_path)
    section = render(results).split('id="code-mutation"')[1].split("<h3")[0]
    assert "numerics/stats.py" in section and "0.833" in section and "Not run" not in section


def test_a_long_expression_is_folded_as_its_latex():
    """A formula whose MathML would pass LONG_MATHML (an expanded matrix identity) is shown as its
    LaTeX in a folded box, not dropped; a short one stays MathML."""
    from dlverify.reports.html import LONG_MATHML, math

    short = math(r"a \le b")
    assert "<math" in short and "<details" not in short
    long_tex = " + ".join(f"x_{{{i}}}^{{2}}" for i in range(LONG_MATHML // 20))
    folded = math(long_tex)
    assert "<math" not in folded and "<details" in folded and "x_{1}^{2}" in folded

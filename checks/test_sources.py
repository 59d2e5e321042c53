"""The sources as data (theorems/sources/*.toml): shape, strict parsing, clean transcriptions.

Anchors at their cited lines and the coverage of the ranges are checked in test_registry.py
against ../shared/sources; here the files themselves and the loader are checked.
"""

from __future__ import annotations

import collections
import unicodedata

import pytest
import sympy as sp

from dlverify import theorems as registry
from dlverify.theorems import sourcefile
from dlverify.theorems.relations import DlverifyError

BUILTIN = registry.REGISTRY


def test_every_document_file_is_well_formed():
    files = sourcefile.documents()
    assert len(files) == 5, files
    for path in files:
        data = sourcefile.document(path)
        head = data["document"]
        assert head["file"].endswith(".txt") and head.get("title"), path.name
        assert path.name[:3] == head["file"][:3], "the file is named after its document's number"
        keys = [(e["theorem"], e["key"]) for e in data["entry"]]
        assert len(keys) == len(set(keys)), f"{path.name}: a (theorem, key) pair twice"
        assert {t for t, _ in keys} <= set(BUILTIN), f"{path.name}: an entry names an unknown theorem"


def test_the_theorems_load_every_entry():
    per_file = sum(len(sourcefile.document(p)["entry"]) for p in sourcefile.documents())
    loaded = sum(len(registry.load(t).THEOREM.as_written) for t in BUILTIN)
    assert loaded == per_file


def _write(tmp_path, entry: str):
    (tmp_path / "009_test.toml").write_text(
        '[document]\nfile = "009_test.txt"\ntitle = "a test document"\n\n' + entry, encoding="utf-8"
    )


def test_an_unknown_name_is_an_error_naming_file_and_entry(tmp_path):
    x = sp.Symbol("x", positive=True)
    _write(
        tmp_path,
        "[[entry]]\nline = 3\ntheorem = 't'\nkey = 'k1'\nanchor = 'a'\nwhat = 'w'\nlatex = 'x'\n"
        "[entry.reading]\ntext = 'r'\nrelation = 'x <= y'\n",
    )
    with pytest.raises(DlverifyError, match=r"009_test\.toml:k1.*'y'"):
        sourcefile.source_lines("t", {"x": x}, folder=tmp_path)
    # the same entry over a namespace that has y loads, and keeps the relation unevaluated
    y = sp.Symbol("y", positive=True)
    sourcefile.document.cache_clear()
    (line,) = sourcefile.source_lines("t", {"x": x, "y": y}, folder=tmp_path)
    assert line.reading.relation == sp.Le(x, y) and line.cite() == "009_test.txt:3"


def test_step_references_and_unevaluated_relations(tmp_path):
    from dlverify.theorems.core import Simplification, Step

    x = sp.Symbol("x", positive=True)
    step = Step("s1", "x = x", sp.Eq(x, x, evaluate=False), Simplification())
    _write(
        tmp_path,
        "[[entry]]\nline = 1\ntheorem = 't'\nkey = 'a'\nanchor = 'a'\nwhat = 'w'\nlatex = 'x'\n"
        "[entry.reading]\ntext = 'r'\nrelation = 'step:s1'\n\n"
        "[[entry]]\nline = 2\ntheorem = 't'\nkey = 'b'\nanchor = 'a'\nwhat = 'w'\nlatex = 'x'\n"
        "[entry.reading]\ntext = 'r'\nrelation = 'Eq(binomial(5, 1), 5)'\n",
    )
    a, b = sourcefile.source_lines("t", {"x": x}, derivation=[step], folder=tmp_path)
    assert a.reading.relation is step.relation
    assert isinstance(b.reading.relation, sp.Equality)  # not sympy's True: the line's comparison stays
    with pytest.raises(DlverifyError, match="no step s1"):
        sourcefile.document.cache_clear()
        sourcefile.source_lines("t", {"x": x}, folder=tmp_path)


def test_entries_out_of_line_order_are_refused(tmp_path):
    body = "[[entry]]\nline = {n}\ntheorem = 't'\nkey = 'k{n}'\nanchor = 'a'\nwhat = 'w'\nlatex = 'x'\n"
    _write(tmp_path, body.format(n=5) + body.format(n=4))
    with pytest.raises(DlverifyError, match="line order"):
        sourcefile.source_lines("t", {}, folder=tmp_path)


@pytest.mark.parametrize("theorem_id", BUILTIN)
def test_no_transcription_holds_a_control_character(theorem_id):
    """A LaTeX string in a non-raw literal turns \\t, \\b into TAB, backspace: never in the data."""
    bad = []
    for line in registry.load(theorem_id).THEOREM.as_written:
        for field in ("anchor", "latex", "corrected_latex", "what", "note", "unchecked"):
            text = getattr(line, field)
            if any(unicodedata.category(c) == "Cc" for c in text):
                bad.append(f"{line.cite()} {field}")
    assert not bad, bad


def _symbols(th) -> set[sp.Symbol]:
    rels = [s.relation for s in th.derivation] + [c.relation for c in [*th.claims, *th.wrong_variants]]
    rels += [a.relation for a in th.assumptions if a.relation is not None]
    for line in th.as_written:
        rels += [c.relation for c in (line.reading, line.corrected) if c is not None]
    return set().union(*(r.free_symbols for r in rels if isinstance(r, sp.Basic)))


@pytest.mark.parametrize("theorem_id", BUILTIN)
def test_symbol_names_are_unique_within_a_theorem(theorem_id):
    """Two symbols of one name (different assumptions) cannot be told apart when a relation is
    lambdified or read back from a source file."""
    by_name = collections.defaultdict(set)
    for s in _symbols(registry.load(theorem_id).THEOREM):
        if isinstance(s, sp.Symbol) and not isinstance(s, sp.Dummy):
            by_name[s.name].add(s)
    clashes = {n: [s.assumptions0 for s in v] for n, v in by_name.items() if len(v) > 1}
    assert not clashes, clashes

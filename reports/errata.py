"""Errata documents, one per source, that an instructor can send to its authors.

``dlverify errata --doc 002 --format md|tex|html`` writes the errata of one document, titled
by the document's name (:data:`dlverify.reports.notation.DOCUMENTS`), sorted by line and
grouped by root cause; each item says where (section, line), what is printed (our
transcription and the verbatim anchor), what is wrong, the instance that shows it, the
correction and the evidence.  Loose statements (true, with a sharper constant) are a separate
list; statements the suite does not decide are counted with a pointer to the report.

Which source lines are listed is read off their verdicts: everything not plainly verified and
not "not checked" (so a new verdict such as a misprint is listed, never dropped); *verified,
loose* goes to the loose list.  Lines share a root cause when their record names one
(``cause``) or, failing that, when their readings are refuted by the same counterexample.
"""

from __future__ import annotations

import json
import re

from . import notation

PLAIN = ("verified", "verified, tight", "not checked")
LOOSE = "verified, loose"


def _item(t: dict, s: dict) -> dict:
    reading = s.get("reading") or {}
    cex = reading.get("counterexample")
    inst, found = notation.instance(cex)
    return {
        "theorem": t["id"],
        "theorem_title": t.get("title", t["id"]),
        "key": s["key"],
        "doc": notation.doc_number(s["doc"]),
        "file": s["doc"],
        "line": s["line"],
        "cite": notation.cite(s["doc"], s["line"]),
        "what": s.get("what", ""),
        "anchor": s.get("anchor", ""),
        "latex": s.get("latex", ""),
        "verdict": s["verdict"],
        "basis": s.get("basis", ""),
        "note": s.get("note", ""),
        "evidence": s.get("detail", ""),
        "corrected_latex": s.get("corrected_latex", ""),
        "edit": s.get("edit", ""),
        "instance": inst,
        "found": found,
        "replay": notation.replay(t["id"], s["key"], cex) if cex else "",
        "cause": _cause(t["id"], s, cex),
    }


def _cause(tid: str, s: dict, cex: dict | None) -> str:
    if s.get("cause"):
        return f"{tid}:cause:{s['cause']}"
    if cex:
        rest = {k: v for k, v in cex.items() if k != "how"}
        return f"{tid}:cex:{json.dumps(rest, sort_keys=True, default=str)}"
    return f"{tid}:line:{s['key']}"


def items(results: dict) -> list[dict]:
    """Every source line that is not plainly verified (errata and loose statements), sorted by
    document and line."""
    out = [
        _item(t, s)
        for t in results.get("theorems", [])
        for s in t.get("as_written", [])
        if s.get("verdict") not in PLAIN
    ]
    return sorted(out, key=lambda i: (i["doc"], i["line"], i["theorem"], i["key"]))


def group(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by root cause, the groups in the order of their first line."""
    groups: dict[str, list[dict]] = {}
    for r in sorted(rows, key=lambda i: (i["line"], i["theorem"], i["key"])):
        groups.setdefault(r["cause"], []).append(r)
    return list(groups.values())


def _statements(results: dict, doc: str) -> tuple[int, int]:
    lines = [
        s
        for t in results.get("theorems", [])
        for s in t.get("as_written", [])
        if notation.doc_number(s["doc"]) == doc
    ]
    return len(lines), sum(s.get("verdict") == "not checked" for s in lines)


def document(results: dict, doc: str) -> dict:
    """The errata document of one source (``doc``: its number, e.g. ``002``, or file name)."""
    num = notation.doc_number(doc)
    rows = [i for i in items(results) if i["doc"] == num]
    statements, unchecked = _statements(results, num)
    return {
        "doc": num,
        "name": notation.doc_name(num),
        "title": notation.doc_name(num, full=True),
        "files": sorted({i["file"] for i in rows}),
        "causes": group([i for i in rows if i["verdict"] != LOOSE]),
        "loose": [i for i in rows if i["verdict"] == LOOSE],
        "statements": statements,
        "not_checked": unchecked,
        "run": {k: results.get(k) for k in ("started", "finished", "status")},
    }


def documents(results: dict) -> list[str]:
    """The numbers of the documents the results cite, in order."""
    return sorted(
        {notation.doc_number(s["doc"]) for t in results.get("theorems", []) for s in t.get("as_written", [])}
    )


def counts(results: dict) -> dict[str, tuple[int, int]]:
    """Per document: (errata, loose statements)."""
    out: dict[str, list[int]] = {}
    for i in items(results):
        out.setdefault(i["doc"], [0, 0])[i["verdict"] == LOOSE] += 1
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def run_summary(results: dict, page) -> str:
    """The last line of a run: theorems passed, errata by document, where the page is."""
    ths = results.get("theorems", [])
    passed = sum(bool(t.get("passed")) for t in ths)
    found = "; ".join(
        f"{doc} {notation.doc_name(doc)} {n}" + (f" (+{loose} loose)" if loose else "")
        for doc, (n, loose) in counts(results).items()
    )
    return f"{passed} of {len(ths)} theorems passed · errata: {found or 'none'} · page: {page}"


# --------------------------------------------------------------------------- formats


def _md_item(n: str, i: dict) -> list[str]:
    out = [
        f"**{n + ' ' if n else ''}Line {i['line']}, {i['what']}** ({i['verdict']})",
        "",
        f"- *As printed* (line {i['line']}, “{i['anchor']}”): ${i['latex']}$",
    ]
    if i["note"]:
        out.append(f"- *What is wrong*: {i['note']}")
    if i["instance"]:
        out.append(f"- *Instance*: {i['instance']}" + (f" ({i['found']})" if i["found"] else ""))
    if i["corrected_latex"]:
        edit = f" (the edit: {i['edit']})" if i["edit"] else ""
        out.append(f"- *Correction*: ${i['corrected_latex']}${edit}")
    out.append(f"- *Evidence*: {i['evidence']}")
    if i["replay"]:
        out.append(f"- *Replay*: `{i['replay']}`")
    return out + [""]


def to_markdown(d: dict) -> str:
    out = [f"# Errata: {d['title']}", "", _preamble(d), ""]
    for k, grp in enumerate(d["causes"], 1):
        lines = ", ".join(str(i["line"]) for i in grp)
        head = "one root cause: " if len(grp) > 1 else ""
        out += [f"## {k}. {head}line{'s' if len(grp) > 1 else ''} {lines}", ""]
        for j, i in enumerate(grp, 1):
            out += _md_item(f"{k}.{j}" if len(grp) > 1 else "", i)
    if d["loose"]:
        out += ["## True but loose (a sharper constant holds)", ""]
        for j, i in enumerate(d["loose"], 1):
            out += _md_item(f"L{j}.", i)
    return "\n".join(out).rstrip() + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _preamble(d: dict) -> str:
    n = sum(len(g) for g in d["causes"])
    when = d["run"].get("finished") or d["run"].get("started")
    return (
        f"{_plural(n, 'statement')} in {_plural(len(d['causes']), 'root cause')} and "
        f"{_plural(len(d['loose']), 'loose statement')}, of the {d['statements']} statements of this "
        f"document that dlverify checks ({d['not_checked']} not decided; see the report). Lines are those "
        f"of the plain-text extraction ({', '.join(d['files']) or d['doc']}); the transcriptions are ours, "
        f"the anchors verbatim. Run of {when}."
    )


_TEX_ESCAPE = {c: "\\" + c for c in "&%$#_{}"} | {
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
}


def tex_text(s: str) -> str:
    """Plain text for LaTeX (special characters escaped)."""
    return "".join(_TEX_ESCAPE.get(c, c) for c in s or "")


def _tex_item(i: dict) -> list[str]:
    out = [
        rf"\item \textbf{{Line {i['line']}}} --- {tex_text(i['what'])} ({tex_text(i['verdict'])})",
        r"\begin{description}",
        rf"\item[As printed] (``{tex_text(i['anchor'])}'') ${i['latex']}$",
    ]
    if i["note"]:
        out.append(rf"\item[What is wrong] {tex_text(i['note'])}")
    if i["instance"]:
        out.append(
            rf"\item[Instance] {tex_text(i['instance'])}"
            + (f" ({tex_text(i['found'])})" if i["found"] else "")
        )
    if i["corrected_latex"]:
        edit = f" (the edit: {tex_text(i['edit'])})" if i["edit"] else ""
        out.append(rf"\item[Correction] ${i['corrected_latex']}${edit}")
    out.append(rf"\item[Evidence] {tex_text(_plain_evidence(i['evidence']))}")
    return out + [r"\end{description}"]


def _plain_evidence(text: str) -> str:
    """Evidence text with the LaTeX of a sharper relation left out (the item shows the relation)."""
    return re.sub(r"the sharper relation .+? is (?=verified|false)", "the sharper relation is ", text or "")


def to_latex(d: dict) -> str:
    """A LaTeX document (compile with lualatex or xelatex: the notes are Unicode)."""
    out = [
        r"% compile with lualatex or xelatex (the notes contain Unicode)",
        r"\documentclass{article}",
        r"\usepackage{amsmath,amssymb,fontspec}",
        rf"\title{{Errata: {tex_text(d['title'])}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        tex_text(_preamble(d)),
    ]
    for k, grp in enumerate(d["causes"], 1):
        out += [
            rf"\section*{{{k}. Line{'s' if len(grp) > 1 else ''} {', '.join(str(i['line']) for i in grp)}}}"
        ]
        out += [r"\begin{enumerate}"] + [x for i in grp for x in _tex_item(i)] + [r"\end{enumerate}"]
    if d["loose"]:
        out += [r"\section*{True but loose (a sharper constant holds)}", r"\begin{enumerate}"]
        out += [x for i in d["loose"] for x in _tex_item(i)] + [r"\end{enumerate}"]
    return "\n".join(out + [r"\end{document}", ""])


def to_html(d: dict) -> str:
    from .html import render_errata

    return render_errata(d)


FORMATS = {"md": to_markdown, "tex": to_latex, "html": to_html}

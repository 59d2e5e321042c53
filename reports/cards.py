"""What the page shows, read off ``results.json``: the run's status, one card per theorem
(statement, verdict and evidence kind, the experiments' headlines, tightness in one line,
errata in its ranges, mutation survivors, property checks), the errata by document.

Nothing here decides: every verdict is the one the results record (``dlverify report``
recomputes them first, :mod:`dlverify.reports.recheck`); this module only counts and words.
"""

from __future__ import annotations

import html as _html
import math
import re
from collections import Counter
from typing import Any

from . import errata as _errata
from . import notation

HOLDS = ("verified", "verified, tight", "verified, loose")


def verdict_class(v: str) -> str:
    return {
        "verified": "ok",
        "verified, tight": "ok",
        "verified, loose": "warn",
        "needs an assumption": "warn",
        "not checked": "meta",
    }.get(v, "bad")


def slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(s)).strip("-")


def abbreviate(text: str) -> str:
    """Text, HTML-escaped, with its abbreviations (ADZ, LZB, …) spelled out on hover."""
    text = text if isinstance(text, str) else notation.num(text)
    out = _html.escape(text)
    for a, full in notation.abbreviations(text):
        out = re.sub(rf"\b{a}\b", f'<abbr title="{_html.escape(full)}">{a}</abbr>', out)
    return out


_SHARPER = re.compile(r"the sharper relation (.+?) is (?=verified|false|not refuted)")
_STEP = re.compile(r"proved by step (\S+?)(?=[;,)]|$)")


def evidence_html(text: str, math_fn) -> str:
    """An evidence line: the LaTeX of a sharper relation as math (in the book's notation), step
    names in words, long decimals to 3 significant figures."""
    if not text:
        return ""
    parts, last = [], 0
    for m in _SHARPER.finditer(text):
        parts.append(_html.escape(notation.value(text[last : m.start()])))
        parts.append("the sharper relation " + math_fn(m.group(1), book=True) + " is ")
        last = m.end()
    parts.append(_html.escape(notation.value(text[last:])))
    out = "".join(parts)
    return _STEP.sub(lambda m: f"proved by step <em>{_html.escape(notation.words(m.group(1)))}</em>", out)


# --------------------------------------------------------------------------- experiments


def comparison_text(c: dict) -> str:
    """One comparison in one line: ``name: measured ≤ target``, an interval written with
    enough figures to tell its ends apart, a tolerance when there is one, and the measured
    value's own interval when the record has one (``interval`` or ``ci``)."""
    name, op = c.get("name", ""), str(c.get("op"))
    m: Any = c.get("measured")
    target: Any = c.get("target")
    if op == "in":
        lo, hi = target
        ms, los, his = notation.distinct(m, lo, hi) if _finite(m, lo, hi) else map(notation.num, (m, lo, hi))
        text = f"{name}: {ms} ∈ [{los}, {his}]"
    else:
        ms, ts = notation.distinct(m, target) if _finite(m, target) else map(notation.num, (m, target))
        text = f"{name}: {ms} {dict([('<=', '≤'), ('>=', '≥'), ('==', '=')]).get(op, op)} {ts}"
        if c.get("tol"):
            text += f" ± {notation.num(c['tol'])}" if op == "==" else f" (tolerance {notation.num(c['tol'])})"
    ci = c.get("interval") or c.get("ci")
    if isinstance(ci, (list, tuple)) and len(ci) == 2 and _finite(*ci):
        lo, hi = notation.distinct(*ci)
        text += f", interval [{lo}, {hi}]"
    return text


def _float(v: Any) -> Any:
    """A recorded number as a float (JSON may give an int); anything else unchanged."""
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _finite(*vs) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in vs)


#: the estimate's symbol for each kind of rate (book notation)
RATE_SYMBOL = {"contraction": "q̂", "slope": "ŝ", "coverage": "p̂"}
#: what a rate's claim is called on the page
_CLAIM_WORD = {"tight": "tight", "<=": "bound", ">=": "lower bound"}


def rate_text(r: dict) -> str:
    """A rate in one line: ``measured q̂ = 0.810 [0.808, 0.812] (99.9 %) · predicted 0.900
    (bound) · best known 0.857 (ADZ)``, to 3 significant figures; an interval narrower than
    that is written as its half-width (``0.903 ± 9.8 × 10⁻¹⁴``), and a rounding interval
    (level 1) says so."""
    sym = RATE_SYMBOL.get(r.get("kind", ""), "")
    m, lo, hi = (_float(r.get(k)) for k in ("measured", "lo", "hi"))
    ms = notation.num(m)
    if _finite(m, lo, hi) and hi - lo < 1e-3 * abs(m):  # narrower than the 3 figures shown
        interval = f" ± {notation.num(max(hi - m, m - lo, 0.0))}"
    else:
        interval = f" [{notation.num(lo)}, {notation.num(hi)}]"
    level = r.get("level", 1.0)
    if level == 1:
        conf = "rounding"
    elif 1 - level < 1e-3:  # 99.9998 % would print as 100 %: write the miss probability
        conf = f"level 1 − {notation.num(1 - level)}"
    else:
        conf = f"{notation.num(100 * level)} %"
    word = _CLAIM_WORD.get(r.get("claim", ""), r.get("claim", ""))
    if r.get("rule") == "falsify":
        word += ", refuted only by the interval's far end"
    pred = notation.num(_float(r.get("predicted")))
    tol = r.get("tol") or 0.0
    if _finite(tol, r.get("predicted")) and tol > 1e-9 * max(abs(r["predicted"]), 1e-300):
        pred += f" ± {notation.num(float(tol))}"  # a tolerance beyond the evaluation's rounding
    text = f"measured {sym} = {ms}{interval} ({conf}) · predicted {pred} ({word})"
    if r.get("best_known") is not None:
        src = f" ({r['best_known_source']})" if r.get("best_known_source") else ""
        text += f" · best known {notation.num(_float(r['best_known']))}{src}"
    return text


def headline(e: dict) -> dict:
    """An experiment in one line.  With a rate, the rate (:func:`rate_text`) and how many
    comparisons beside it hold; otherwise its lead comparison (a failing one, else one with an
    interval, else the first), how many more hold or fail; an experiment that only measures
    shows its first measured values."""
    comps = e.get("comparisons") or []
    if e.get("rate"):
        failing = [c for c in comps if not c.get("holds")]
        more = (
            ""
            if not comps
            else f"{len(comps)} comparisons" + (f", {len(failing)} failing" if failing else ", all hold")
        )
        return {
            "title": e.get("title", e.get("key")),
            "ok": e.get("ok"),
            "text": rate_text(e["rate"]),
            "more": more,
            "key": e.get("key"),
            "rate": True,
        }
    failing = [c for c in comps if not c.get("holds")]
    lead = (
        failing
        or [c for c in comps if c.get("op") == "in" or c.get("interval") or c.get("ci")]
        or comps
        or [None]
    )[0]
    if lead is None:
        shown = list((e.get("measured") or {}).items())[:2]
        text = "; ".join(f"{k} = {notation.value(v)}" for k, v in shown) or "no numbers recorded"
        return {
            "title": e.get("title", e.get("key")),
            "ok": None,
            "text": text,
            "more": "",
            "key": e.get("key"),
        }
    rest = len(comps) - 1
    bad = len(failing) - (lead in failing)
    more = "" if not rest else f"{rest} more" + (f", {bad} failing" if bad else ", all hold")
    return {
        "title": e.get("title", e.get("key")),
        "ok": e.get("ok"),
        "text": comparison_text(lead),
        "more": more,
        "key": e.get("key"),
    }


def lead_tightness(rows: list[dict]) -> str:
    """The tightness table's lead row, short: ``measured 0.903 vs bound 0.925 (μ/β = 0.1, …)``."""
    if not rows:
        return ""
    r = next((r for r in rows if r.get("verdict") == "false"), rows[0])
    return (
        f"{r.get('quantity', '')}: measured {notation.num(r.get('measured_value'))} vs bound "
        f"{notation.num(r.get('bound'))} ({r.get('setting', '')}; {r.get('verdict', '')})"
    )


def tightness_line(rows: list[dict]) -> str:
    """The tightness table in one line: verdict counts, then its lead row (a false one, else
    the first): measured against the bound, the textbook's and the best known value, PEPit."""
    if not rows:
        return ""
    short = {"verified, loose": "loose", "verified, tight": "tight"}
    counts = Counter(short.get(r.get("verdict", ""), r.get("verdict", "")) for r in rows)
    head = (
        f"{len(rows)} setting{'s' if len(rows) > 1 else ''} ("
        + ", ".join(f"{n} {v}" for v, n in counts.items())
        + ")"
    )
    r = next((r for r in rows if r.get("verdict") == "false"), rows[0])
    mv = r.get("measured_value")
    bound = notation.num(r.get("bound"))
    parts = [f"{r.get('quantity', '')}, {r.get('setting', '')}: measured {notation.num(mv)} vs bound {bound}"]
    for label, key in (("textbook", "textbook"), ("best known", "best_known"), ("PEPit", "pepit")):
        if r.get(key) and r.get(key) != "—":
            parts.append(f"{label} {notation.value(r[key])}")
    return head + " — " + " · ".join(parts)


# --------------------------------------------------------------------------- cards


def _checks(t: dict) -> dict:
    f = t.get("fuzzing") or []
    by = Counter(x.get("outcome") for x in f)
    skipped = [
        (x["test"].split("::", 1)[-1], x.get("reason") or x.get("note") or "no reason recorded")
        for x in f
        if x.get("outcome") == "skipped"
    ]
    return {"total": len(f), "passed": by["passed"], "failed": by["failed"], "skipped": skipped}


def _mutation(results: dict, tid: str) -> dict | None:
    recs = [
        m
        for m in (results.get("trust") or {}).get("mutation") or []
        if isinstance(m, dict) and m.get("theorem") == tid
    ]
    if not recs:
        return None
    m = recs[0]
    survivors = Counter(x.get("outcome") for x in m.get("mutants", []) if x.get("outcome") != "killed")
    return {"rec": m, "survivors": dict(survivors), "holes": m.get("holes", survivors.get("hole", 0))}


def _claims_summary(t: dict) -> dict:
    claims = t.get("claims", [])
    return {
        "holding": sum(c["verdict"] in HOLDS for c in claims),
        "total": len(claims),
        "by_basis": Counter(c.get("basis", "") for c in claims if c["verdict"] in HOLDS),
        "main": claims[0] if claims else None,
        "steps_ok": sum(bool(m.get("ok")) for m in t.get("derivation", [])),
        "steps": len(t.get("derivation", [])),
        "steps_lost": [
            m["key"] for m in t.get("derivation", []) if notation.evaluated_true(m.get("latex", ""))
        ],
        "variants_rejected": sum(v["verdict"] == "false" for v in t.get("wrong_variants", [])),
        "variants": len(t.get("wrong_variants", [])),
    }


def card(results: dict, t: dict, flagged: list[dict]) -> dict:
    lines = t.get("as_written", [])
    mine = [i for i in flagged if i["theorem"] == t["id"]]
    # the measured rates first: they are the card's headline
    heads = sorted((headline(e) for e in t.get("experiments", [])), key=lambda h: not h.get("rate"))
    return {
        "t": t,
        "id": t["id"],
        "claims": _claims_summary(t),
        "headlines": heads,
        "lead": next((h["text"] for h in heads if h.get("rate")), None)
        or lead_tightness(t.get("tightness", [])),
        "tightness": tightness_line(t.get("tightness", [])),
        "errata": [i for i in mine if i["verdict"] != _errata.LOOSE],
        "loose": [i for i in mine if i["verdict"] == _errata.LOOSE],
        "lines": len(lines),
        "lines_verified": sum(s["verdict"] in ("verified", "verified, tight") for s in lines),
        "not_checked": sum(s["verdict"] == "not checked" for s in lines),
        "docs": sorted({notation.doc_number(s["doc"]) for s in lines}),
        "mutation": _mutation(results, t["id"]),
        "checks": _checks(t),
    }


def status(results: dict) -> dict:
    """The run's badge: green only when the run is complete and every theorem passed."""
    ths = results.get("theorems", [])
    failed = [t["id"] for t in ths if not t.get("passed")]
    st = results.get("status", "")
    if failed or results.get("failures"):
        text, cls = f"{st}: {len(failed)} of {len(ths)} theorems FAILED ({', '.join(failed)})", "failed"
    elif st == "complete":
        text, cls = f"complete: all {len(ths)} theorems passed", "complete"
    else:
        text, cls = f"{st}: {len(ths)} theorems finished", "partial"
    return {"text": text, "cls": cls}


def glance(results: dict, flagged: list[dict]) -> dict:
    """The first line of the page: theorems passed, errata and loose statements by document,
    statements not decided."""
    ths = results.get("theorems", [])
    return {
        "passed": sum(bool(t.get("passed")) for t in ths),
        "theorems": len(ths),
        "errata": sum(i["verdict"] != _errata.LOOSE for i in flagged),
        "loose": sum(i["verdict"] == _errata.LOOSE for i in flagged),
        "docs": len({i["doc"] for i in flagged if i["verdict"] != _errata.LOOSE}),
        "not_checked": sum(s.get("verdict") == "not checked" for t in ths for s in t.get("as_written", [])),
    }


def page(results: dict) -> dict:
    flagged = _errata.items(results)
    docs = _errata.documents(results)
    return {
        "glance": glance(results, flagged),
        "status": status(results),
        "cards": [card(results, t, flagged) for t in results.get("theorems", [])],
        "errata_docs": [
            {
                "doc": d,
                "name": notation.doc_name(d),
                "title": notation.doc_name(d, full=True),
                "errata": [i for i in flagged if i["doc"] == d and i["verdict"] != _errata.LOOSE],
                "loose": [i for i in flagged if i["doc"] == d and i["verdict"] == _errata.LOOSE],
            }
            for d in docs
        ],
        "causes": {i["theorem"] + "/" + i["key"]: _first_of_cause(i, flagged) for i in flagged},
        "docs": [(d, notation.doc_name(d)) for d in docs],
        "verdicts": sorted(
            {s["verdict"] for t in results.get("theorems", []) for s in t.get("as_written", [])}
        ),
    }


def _first_of_cause(i: dict, flagged: list[dict]) -> str:
    """The citation of the first line with the same root cause, when it is another line."""
    first = next(x for x in flagged if x["cause"] == i["cause"])
    return "" if first is i else first["cite"]

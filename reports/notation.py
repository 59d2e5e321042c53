"""Book notation for the page and the errata documents: which document is which, numbers to
three significant figures, relations in the book's order with ``ln``, names in words,
counterexamples as readable instances with a one-line replay.

Everything here is presentation: it never changes what a verdict says, only how a number, a
name or a formula is written.  The one table of document names is :data:`DOCUMENTS`.
"""

from __future__ import annotations

import math
import re

#: the five source documents (``../shared/sources/README.md``), by the number their file name
#: starts with: (short name, full title).  The one place the page and the errata documents
#: take a document's name from.
DOCUMENTS: dict[str, tuple[str, str]] = {
    "000": ("CMSC 828W notes", "Notes for CMSC 828W, Foundations of Deep Learning (Fall 2020, S. Feizi)"),
    "001": ("dl theory notes page", 'Research notes page "dl theory" (bullet statements with links)'),
    "002": ("Arora et al., Theory of Deep Learning", "Arora et al., Theory of Deep Learning (book draft)"),
    "003": ("Deep learning theory course notes", "Course notes on deep learning theory"),
    "004": ("Wu, Overview (slides)", "L. Wu, Overview of Recent Progresses in Theoretical Deep Learning"),
}

#: abbreviations the numeric side writes, spelled out on hover
ABBREVIATIONS = {
    "ADZ": "Abbaszadehpeivasti, de Klerk & Zamani (2023)",
    "LZB": "Liu, Zhu & Belkin (2022)",
    "PEPit": "performance-estimation toolbox (Goujaud et al.)",
}


def doc_number(doc: str) -> str:
    """``002_9b9f….txt`` -> ``002`` (a document's number; unknown names are returned whole)."""
    m = re.match(r"(\d{3})(?:_|$)", doc or "")
    return m.group(1) if m else (doc or "")


def doc_name(doc: str, full: bool = False) -> str:
    """The document's name (short, or its full title) from its file name or number."""
    names = DOCUMENTS.get(doc_number(doc))
    return (names[1] if full else names[0]) if names else doc


def cite(doc: str, line) -> str:
    """``002:1225`` -- the document's number and the line (the file name's hash says nothing)."""
    return f"{doc_number(doc)}:{line}"


# --------------------------------------------------------------------------- numbers

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def num(v, digits: int = 3) -> str:
    """A number to ``digits`` significant figures (× 10ⁿ beyond 10⁻³…10⁵); integers whole;
    NaN and ±inf by name; anything else as text."""
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    if not isinstance(v, float):
        return str(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    if -3 <= mag < 5:
        text = f"{v:.{max(digits - 1 - mag, 0)}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace("-", "−")
    mant, exp = f"{v:.{digits - 1}e}".split("e")
    mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
    mant = "" if mant == "1" else ("−" if mant == "-1" else mant.replace("-", "−") + " × ")
    return f"{mant}10{str(int(exp)).translate(_SUPERSCRIPT)}"


def distinct(*values: float, digits: int = 3) -> list[str]:
    """Numbers written with just enough figures (at least ``digits``) that unequal values
    print unequal: an interval ``[−0.50001, −0.49999]`` must not read ``[−0.5, −0.5]``."""
    for d in range(digits, 18):
        out = [num(float(v), d) for v in values]
        if len(set(out)) == len({float(v) for v in values}):
            return out
    return [repr(float(v)) for v in values]


def seconds(v) -> str:
    """A duration: ``8.04 s``, ``2 min 10 s``."""
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
        return "—"
    if v >= 120:
        return f"{int(v // 60)} min {round(v % 60)} s"
    return f"{num(float(v))} s"


def value(v) -> str:
    """Any recorded value: numbers to 3 significant figures, dicts as ``k = v`` lists, lists
    in brackets."""
    if isinstance(v, dict):
        return ", ".join(f"{words(str(k))} = {value(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, str):
        return _numbers_in_text(v)
    return num(v)


def _numbers_in_text(text: str) -> str:
    """Long decimals inside a text (``rate 0.404000123``) to 3 significant figures; a leading
    minus as the minus sign."""
    if re.fullmatch(r"-[\d./]+", text):
        return "−" + text[1:]
    return re.sub(r"(?<![\w.])-?\d+\.\d{4,}(?:e[-+]?\d+)?", lambda m: num(float(m.group())), text)


# --------------------------------------------------------------------------- names

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η", "theta": "θ",
    "lambda": "λ", "mu": "μ", "sigma": "σ", "rho": "ρ", "tau": "τ", "phi": "φ", "psi": "ψ",
    "omega": "ω", "kappa": "κ", "xi": "ξ", "nu": "ν", "pi": "π",
}  # fmt: skip


def symbol(name: str) -> str:
    """A sympy symbol's name as the book writes it: ``eta`` -> η, ``sigma2`` -> σ², ``mu_w`` -> μ_w."""
    head, _, tail = name.partition("_")
    m = re.fullmatch(r"([A-Za-z]+?)(\d*)", head)
    if not m:
        return name
    base, digits = m.groups()
    base = _GREEK.get(base, base)
    if digits == "2" and len(base) == 1 and base in _GREEK.values():
        base, digits = base + "²", ""
    return base + digits + (f"_{tail}" if tail else "")


def words(key: str) -> str:
    """An internal key in words: ``one_step_lt`` -> ``one step lt``; symbol names as symbols."""
    if re.fullmatch(r"[A-Za-z]+\d*(_[A-Za-z0-9]+)?", key) and symbol(key) != key:
        return symbol(key)
    return key.replace("_", " ")


def abbreviations(text: str) -> list[tuple[str, str]]:
    """The abbreviations a text uses, with their expansion."""
    return [(a, full) for a, full in ABBREVIATIONS.items() if re.search(rf"\b{a}\b", text or "")]


# --------------------------------------------------------------------------- formulas

_TRUE = {"True", r"\text{True}", r"\mathrm{True}"}


def evaluated_true(latex: str) -> bool:
    """A relation sympy evaluated to True when it was built: what was checked is lost."""
    return (latex or "").strip() in _TRUE


def book_latex(latex: str) -> str:
    """sympy's LaTeX in the book's notation: ``ln`` for the natural log, and two-term sums
    ``- a + b`` written ``b - a`` (sympy puts the negative term first).  Only sympy's own
    forms are touched (``\\log{\\left(``, ``\\left(- … + …\\right)``, a relation's side)."""
    if not latex:
        return latex
    return _reorder(latex.replace(r"\log{\left(", r"\ln{\left("))


_OPEN, _CLOSE = "({[", ")}]"
_RELS = (r" \leq ", r" \geq ", r" = ", r" < ", r" > ", r" \neq ")


def _depths(s: str) -> list[int] | None:
    """Bracket depth before each character (None when the brackets do not balance)."""
    out, d, i = [], 0, 0
    while i < len(s):
        out.append(d)
        c = s[i]
        if c == "\\" and i + 1 < len(s) and s[i + 1] in "{}":  # \{ \} are set braces: skip
            out.append(d)
            i += 2
            continue
        d += c in _OPEN
        d -= c in _CLOSE
        if d < 0:
            return None
        i += 1
    return out if d == 0 else None


def _swap_two_terms(body: str) -> str:
    """``- a + b`` -> ``b - a`` when ``body`` is exactly those two top-level terms."""
    dep = _depths(body)
    if dep is None or not body.startswith("- "):
        return body
    cuts = [i for i in range(2, len(body) - 2) if dep[i] == 0 and body[i : i + 3] in (" + ", " - ")]
    if len(cuts) != 1 or body[cuts[0] : cuts[0] + 3] != " + ":
        return body
    a, b = body[2 : cuts[0]], body[cuts[0] + 3 :]
    return f"{b} - {a}"


def _reorder(s: str) -> str:
    """Apply :func:`_swap_two_terms` inside every ``\\left( … \\right)`` (innermost first) and
    to each side of a top-level relation."""
    store: list[str] = []
    pat = re.compile(r"\\left\(((?:(?!\\left\(|\\right\)).)*)\\right\)")
    while (m := pat.search(s)) is not None:
        store.append(r"\left(" + _swap_two_terms(m.group(1)) + r"\right)")
        s = f"{s[: m.start()]}\x00{len(store) - 1}\x01{s[m.end() :]}"
    dep = _depths(s)
    if dep is not None:
        for rel in _RELS:
            i = s.find(rel)
            if i > 0 and dep[i] == 0 and s.count(rel) == 1:
                s = _swap_two_terms(s[:i]) + rel + _swap_two_terms(s[i + len(rel) :])
                break
        else:
            s = _swap_two_terms(s)
    while "\x00" in s:
        s = re.sub("\x00(\\d+)\x01", lambda m: store[int(m.group(1))], s)
    return s


# --------------------------------------------------------------------------- counterexamples

#: keys of a counterexample record that say where it was found, not what the instance is
META = ("how", "slack", "rounding_bound", "index", "family", "instance", "seed", "step", "part", "setting")


def instance(cex: dict | None) -> tuple[str, str]:
    """A counterexample as ``(instance, where found)``: ``η = 3/2, λ = 1`` and
    ``slack −1/2; exact arithmetic``."""
    if not cex:
        return "", ""
    vals = ", ".join(f"{symbol(str(k))} = {value(v)}" for k, v in cex.items() if k not in META)
    where = []
    for k in ("family", "part", "setting", "instance", "step", "seed"):
        if k in cex:
            where.append(f"{k} {value(cex[k])}")
    if "slack" in cex:
        where.append(f"slack {value(cex['slack'])}")
    if "rounding_bound" in cex:
        where.append(f"rounding bound {value(cex['rounding_bound'])}")
    if "how" in cex:
        where.append(str(cex["how"]))
    return vals, "; ".join(where)


def replay(theorem: str, key: str, cex: dict | None) -> str:
    """The one line that re-evaluates a claim's relation at a counterexample, in exact
    arithmetic (:mod:`dlverify.reports.replay`); empty when the record holds no values, or
    when it is a statistical test's (a p-value: its seed, shown with the instance, replays it)."""
    if not cex or "p_value" in cex:  # a statistical test's counterexample is no point of the relation
        return ""
    pts = [
        f"{k}={_replay_value(v)}"
        for k, v in cex.items()
        if k not in META and isinstance(v, (int, float, str)) and re.fullmatch(r"[A-Za-z]\w*", str(k))
    ]
    pts = [p for p in pts if " " not in p]
    if not pts:
        return ""
    return f"python -m dlverify.reports.replay {theorem} {key} " + " ".join(pts)


def _replay_value(v) -> str:
    return repr(v) if isinstance(v, float) else str(v)

r"""The sources as data: one TOML file per source document, read into :class:`SourceLine` entries.

``theorems/sources/<doc>.toml`` holds every statement of one document that the suite judges, in
line order, so that a proofreader with the document open reads one file top to bottom::

    [document]
    file = "002_9b9f6b48f7568a99.txt"         # the file in ../shared/sources
    title = "Arora et al., Theory of Deep Learning (book draft)"

    [[entry]]
    line = 338                                 # grep -n numbering, 1-based
    theorem = "descent_lemma"                  # whose namespace and evidence decide it
    key = "lemma_2_1_4"
    anchor = 'Then, if $\eta < 1/L$, we have'  # a short verbatim piece of the line
    what = "Lemma 2.1.4"
    latex = '\eta<\tfrac1L \implies ...'       # our transcription, as printed (never the fix)
    note = '''...'''
    [entry.reading]                            # the transcription as a claim
    text = "Lemma 2.1.4 as stated"
    relation = "f1 <= f0 - eta/2*g2"           # parsed strictly in the theorem's namespace
    assumptions = ["smooth", "eta_lt"]
    sharper = "step:one_step"                  # a derivation step's relation, by its key
    [entry.point]                              # an exact counterexample to the reading
    L = "1"
    [entry.corrected]                          # the corrected form, with its own evidence
    ...

A relation is a sympy formula over the theorem's **namespace** (:func:`namespace`: the sympy
symbols, functions and indexed bases its module defines at module level, by their Python names
and by their own sympy names where no other atom shares them, the symbols in module-level
sequences by their own names, and the relations it names in capitals), or ``step:KEY`` /
``claim:KEY`` for the relation of a derivation step or a claim.  An unknown name is an error
naming ``file:entry``, never a fresh symbol.  ``Eq``, ``Le``, ``Lt``, ``Ge``, ``Gt`` build the
relation unevaluated, so ``Eq(0, 0)`` stays the comparison the line prints instead of becoming
``True``.  Prose fields (text, note, unchecked) may be wrapped over several lines: runs of
whitespace read as one space.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sympy as sp
import tomllib
from sympy.core.function import UndefinedFunction
from sympy.parsing.sympy_parser import auto_number, factorial_notation, parse_expr

from .model import UNCHECKED_KINDS, Claim, SourceLine, Step, Theorem
from .relations import DlverifyError

#: the folder of the per-document files
FOLDER = Path(__file__).parent / "sources"

_ATOMS = (sp.Symbol, sp.IndexedBase, sp.Idx, sp.MatrixSymbol)
_ENTRY_KEYS = {
    "line",
    "theorem",
    "key",
    "anchor",
    "what",
    "latex",
    "reading",
    "corrected",
    "corrected_latex",
    "point",
    "unchecked",
    "note",
    "edit",
    "kind",
    "cause",
    "fixed",
    "applies",
    "at",
}
_STANDING_KEYS = {"line", "anchor", "theorem", "assumptions", "lines", "text"}
_CLAIM_KEYS = {"key", "text", "relation", "assumptions", "tight_on", "domain", "condition", "sharper", "of"}


def _is_atom(v: Any) -> bool:
    return isinstance(v, (*_ATOMS, UndefinedFunction))


def namespace(module_vars: Mapping[str, Any]) -> dict[str, Any]:
    """The names a theorem's relations may use: module-level sympy atoms (by Python name),
    the atoms inside module-level sequences and matrices (by their own names), and module-level
    relations named in capitals.  Two different objects under one name is an error."""
    ns: dict[str, Any] = {}

    def add(name: str, value: Any) -> None:
        if name in ns and ns[name] is not value and ns[name] != value:
            raise DlverifyError(f"two different objects are named '{name}' in one theorem's namespace")
        ns[name] = value

    owners: dict[str, set] = {}
    for name, v in module_vars.items():
        if name.startswith("__"):
            continue
        if _is_atom(v):
            add(name, v)
            own = getattr(v, "name", None) or str(getattr(v, "label", ""))
            owners.setdefault(own, set()).add(v)
        elif name.isupper() and isinstance(v, sp.Basic) and v.is_Relational:
            add(name, v)
    for own, objs in owners.items():  # an own name two atoms share names neither
        if own and own not in ns and len(objs) == 1:
            add(own, next(iter(objs)))
    for v in list(module_vars.values()):
        if isinstance(v, (list, tuple)) and v and all(_is_atom(x) for x in v):
            for x in v:
                add(getattr(x, "name", str(x)), x)
        elif isinstance(v, sp.MatrixBase):
            for x in v.free_symbols:
                add(x.name, x)
    return ns


@functools.lru_cache(maxsize=1)
def _globals() -> dict[str, Any]:
    """sympy's public functions and constants; the relation builders unevaluated."""
    g: dict[str, Any] = {}
    exec("from sympy import *", g)  # noqa: S102 - a fixed import, no input
    for name in ("S", "Symbol", "symbols", "Dummy", "Function", "var"):  # no fresh symbols
        g.pop(name, None)
    builders = {"Eq": sp.Eq, "Le": sp.Le, "Lt": sp.Lt, "Ge": sp.Ge, "Gt": sp.Gt, "Ne": sp.Ne}
    for name, cls in builders.items():
        g[name] = functools.partial(cls, evaluate=False)
    g["ln"] = sp.log
    return g


def parse_relation(text: str, ns: Mapping[str, Any], where: str, refs: Mapping[str, sp.Basic] = {}) -> Any:
    """A relation (or expression) from its string: ``step:KEY``/``claim:KEY`` or a formula over
    ``ns``; any other name is an error naming ``where``."""
    text = text.strip()
    if text in refs:
        return refs[text]
    if text.split(":")[0] in ("step", "claim"):
        raise DlverifyError(f"{where}: no {text.replace(':', ' ')} in this theorem")
    try:
        return parse_expr(
            " ".join(text.split()),
            local_dict=dict(ns),
            global_dict=dict(_globals()),
            transformations=(auto_number, factorial_notation),
        )
    except NameError as exc:
        raise DlverifyError(f"{where}: {exc} in the theorem's namespace (relation {text!r})") from None
    except Exception as exc:  # noqa: BLE001 - a relation that cannot be parsed is bad input
        raise DlverifyError(f"{where}: cannot parse relation {text!r}: {type(exc).__name__}: {exc}") from None


def _prose(s: Any) -> str:
    return " ".join(str(s).split())


def _claim(raw: Mapping, entry_key: str, ns: Mapping, refs: Mapping, where: str) -> Claim:
    unknown = set(raw) - _CLAIM_KEYS
    if unknown:
        raise DlverifyError(f"{where}: unknown field(s) {sorted(unknown)}")
    if "relation" not in raw or "text" not in raw:
        raise DlverifyError(f"{where}: a reading needs 'text' and 'relation'")
    rel = parse_relation(raw["relation"], ns, where, refs)
    sharper = parse_relation(raw["sharper"], ns, where + " (sharper)", refs) if "sharper" in raw else None
    domain = tuple(parse_relation(d, ns, where + " (domain)", refs) for d in raw.get("domain", ()))
    return Claim(
        raw.get("key", entry_key),
        _prose(raw["text"]),
        rel,
        tuple(raw.get("assumptions", ())),
        tight_on=raw.get("tight_on", ""),
        domain=domain,
        condition=bool(raw.get("condition", False)),
        sharper=sharper,
        of=raw.get("of", ""),
    )


def _point(raw: Mapping, ns: Mapping, where: str) -> dict:
    out = {}
    for name, value in raw.items():
        if name not in ns:
            raise DlverifyError(f"{where}: point names '{name}', not in the theorem's namespace")
        out[ns[name]] = parse_relation(str(value), ns, where + f" (point {name})")
    return out


def _with_standing(claim: Claim | None, standing: tuple[str, ...]) -> Claim | None:
    """A claim with the document's standing assumptions that apply to its line."""
    extra = () if claim is None else tuple(k for k in standing if k not in claim.assumptions)
    if claim is None or not extra:
        return claim
    return dataclasses.replace(claim, assumptions=claim.assumptions + extra)


def _entry(
    raw: Mapping, doc: str, ns: Mapping, refs: Mapping, where: str, standing: Sequence[Mapping] = ()
) -> SourceLine:
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise DlverifyError(f"{where}: unknown field(s) {sorted(unknown)}")
    for need in ("line", "key", "anchor", "what", "latex"):
        if need not in raw:
            raise DlverifyError(f"{where}: missing '{need}'")
    kind = raw.get("kind", "")
    if kind and kind not in UNCHECKED_KINDS:
        raise DlverifyError(f"{where}: kind '{kind}' is not one of {', '.join(UNCHECKED_KINDS)}")
    key = raw["key"]
    applies = raw.get("applies", "")
    if applies and (applies.split(":")[0] not in ("claim", "step", "assumption") or "at" not in raw):
        raise DlverifyError(f"{where}: 'applies' names claim:KEY, step:KEY or assumption:KEY, with 'at'")
    fixed = _point(raw["fixed"], ns, where + " (fixed)") if "fixed" in raw else {}
    in_scope = [st for st in standing if st["lines"][0] <= int(raw["line"]) <= st["lines"][1]]
    keys = tuple(k for st in in_scope for k in st["assumptions"])
    reading = _claim(raw["reading"], key, ns, refs, where + " reading") if "reading" in raw else None
    corrected = _claim(raw["corrected"], key, ns, refs, where + " corrected") if "corrected" in raw else None
    return SourceLine(
        key,
        doc,
        int(raw["line"]),
        raw["anchor"],
        raw["what"],
        raw["latex"],
        reading=_with_standing(reading, keys),
        corrected=_with_standing(corrected, keys),
        corrected_latex=raw.get("corrected_latex", ""),
        point=_point(raw["point"], ns, where) if "point" in raw else None,
        unchecked=_prose(raw.get("unchecked", "")),
        note=_prose(raw.get("note", "")),
        edit=_prose(raw.get("edit", "")),
        kind=kind,
        cause=raw.get("cause", ""),
        fixed=fixed,
        standing=tuple(f"{doc}:{st['line']}" for st in in_scope),
        applies=applies,
        at=_point(raw["at"], ns, where + " (at)") if "at" in raw else {},
    )


@functools.cache
def document(path: Path) -> dict:
    """One document file, read and shape-checked (entries in line order)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DlverifyError(f"{path.name}: not valid TOML: {exc}") from None
    head = data.get("document", {})
    if "file" not in head:
        raise DlverifyError(f"{path.name}: [document] names no 'file'")
    lines = [int(e.get("line", 0)) for e in data.get("entry", [])]
    if lines != sorted(lines):
        raise DlverifyError(f"{path.name}: entries are not in line order")
    for st in head.get("standing", []):
        unknown, missing = set(st) - _STANDING_KEYS, _STANDING_KEYS - {"text"} - set(st)
        if unknown or missing:
            raise DlverifyError(f"{path.name}: a standing assumption has {unknown or missing} (fields)")
    return data


def documents(folder: Path = FOLDER) -> list[Path]:
    return sorted(folder.glob("*.toml"))


def source_lines(
    theorem_id: str,
    module_vars: Mapping[str, Any],
    derivation: Sequence[Step] = (),
    claims: Sequence[Claim] = (),
    folder: Path = FOLDER,
) -> list[SourceLine]:
    """Every entry of every document file that names ``theorem_id``, parsed in its namespace."""
    ns = namespace(module_vars)
    refs = {f"step:{s.key}": s.relation for s in derivation} | {f"claim:{c.key}": c.relation for c in claims}
    out = []
    for path in documents(folder):
        data = document(path)
        doc = data["document"]["file"]
        standing = [st for st in data["document"].get("standing", []) if st["theorem"] == theorem_id]
        for raw in data.get("entry", []):
            if raw.get("theorem") == theorem_id:
                where = f"{path.name}:{raw.get('key', '?')}"
                out.append(_entry(raw, doc, ns, refs, where, standing))
    return out


def document_titles(folder: Path = FOLDER) -> dict[str, str]:
    """``{file: title}`` of every document file (the names the report and errata use)."""
    return {d["document"]["file"]: d["document"].get("title", "") for d in map(document, documents(folder))}


def book_section(module_vars: Mapping[str, Any], **fields: Any) -> Theorem:
    """The :class:`Theorem` a theorem module defines, by convention: its ``ASSUMPTIONS``,
    ``DERIVATION``, ``CLAIMS``, ``WRONG_VARIANTS`` and (if any) ``PREDICTED``, with the entries of
    the source files that name its id, parsed in the module's namespace.  ``fields`` are the rest
    of the theorem (id, title, source, statement, latex_names, ...)::

        THEOREM = book_section(globals(), id="descent_lemma", title=..., source=..., statement=...)
    """
    missing = [k for k in ("ASSUMPTIONS", "DERIVATION", "CLAIMS", "WRONG_VARIANTS") if k not in module_vars]
    if missing:
        raise DlverifyError(f"theorem '{fields.get('id', '?')}': its module defines no {', '.join(missing)}")
    derivation, claims = module_vars["DERIVATION"], module_vars["CLAIMS"]
    return Theorem(
        assumptions=module_vars["ASSUMPTIONS"],
        derivation=derivation,
        claims=claims,
        wrong_variants=module_vars["WRONG_VARIANTS"],
        predicted=module_vars.get("PREDICTED", {}),
        as_written=source_lines(fields["id"], module_vars, derivation, claims),
        **fields,
    )

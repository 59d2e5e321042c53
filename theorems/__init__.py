"""The theorem registry: the built-in theorems (one line each) and theorem packs.

A theorem is a pure-sympy module defining ``THEOREM`` (a :class:`~dlverify.theorems.core.Theorem`)
plus a numeric side (``measure``, ``experiments``, ``tightness``; by default the module
``dlverify.numerics.<id>``, or the one ``THEOREM.numeric`` names).  Built-in theorems are listed
in :data:`REGISTRY`; other installed packages add theirs through the entry-point group
``dlverify.theorems`` (``<id> = "package.module"``), read with :mod:`importlib.metadata`.  A pack
that cannot be loaded is reported in one line naming it, and the other theorems still run.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.metadata
from functools import lru_cache
from pathlib import Path
from types import ModuleType

REGISTRY: list[str] = [
    "descent_lemma",
    "pseudo_inverse",
    "shapley",
    "pl_convergence",
    "pac_bayes",
    "cloze_kl",
    "emergence",
]

ENTRY_POINT_GROUP = "dlverify.theorems"


@dataclasses.dataclass(frozen=True)
class Entry:
    """Where a theorem comes from: its module and its origin (built-in, or the pack that provides it)."""

    id: str
    module: str
    origin: str  # "built-in" or "pack <distribution> <version>"

    @property
    def builtin(self) -> bool:
        return self.origin == "built-in"


#: extra entries registered at run time (tests, notebooks): id -> Entry
_EXTRA: dict[str, Entry] = {}


def register(theorem_id: str, module: str, origin: str = "registered at run time") -> None:
    """Register a theorem module by import path (what an entry point does, for a running process)."""
    _EXTRA[theorem_id] = Entry(theorem_id, module, origin)
    _discover.cache_clear()


def unregister(theorem_id: str) -> None:
    _EXTRA.pop(theorem_id, None)
    _discover.cache_clear()


def _entry_points():
    try:
        return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))
    except Exception:  # noqa: BLE001 - a broken environment is no reason to lose the built-ins
        return []


@lru_cache(maxsize=1)
def _discover() -> tuple[dict[str, Entry], dict[str, str]]:
    entries = {tid: Entry(tid, f"dlverify.theorems.{tid}", "built-in") for tid in REGISTRY}
    broken: dict[str, str] = {}
    for ep in _entry_points():
        dist = getattr(ep, "dist", None)
        origin = f"pack {dist.name} {dist.version}" if dist is not None else "pack"
        if ep.name in entries:
            broken[ep.name] = (
                f"theorem pack '{origin}': id '{ep.name}' is already registered ({entries[ep.name].origin})"
            )
            continue
        entries[ep.name] = Entry(ep.name, ep.value.split(":")[0], origin)
    entries.update(_EXTRA)
    return entries, broken


def entries() -> dict[str, Entry]:
    """Every known theorem, built-in first, then packs."""
    return dict(_discover()[0])


def broken() -> dict[str, str]:
    """Packs that could not be registered, with the one-line reason."""
    return dict(_discover()[1])


def ids() -> list[str]:
    return list(entries())


def entry(theorem_id: str) -> Entry:
    from .relations import DlverifyError

    known = entries()
    if theorem_id not in known:
        raise DlverifyError(f"unknown theorem '{theorem_id}'; registered: {', '.join(known)}")
    return known[theorem_id]


def load(theorem_id: str) -> ModuleType:
    """The module of a registered theorem; unknown ids and broken packs are bad input (one line)."""
    from .relations import DlverifyError

    e = entry(theorem_id)
    try:
        mod = importlib.import_module(e.module)
    except Exception as exc:  # noqa: BLE001 - a broken pack is one line, naming it
        raise DlverifyError(
            f"theorem '{theorem_id}' ({e.origin}): cannot import {e.module}: {type(exc).__name__}: {exc}"
        ) from None
    th = getattr(mod, "THEOREM", None)
    if th is None:
        raise DlverifyError(f"theorem '{theorem_id}' ({e.origin}): module {e.module} defines no THEOREM")
    if getattr(th, "id", None) != theorem_id:
        raise DlverifyError(f"theorem '{theorem_id}' ({e.origin}): THEOREM.id is {getattr(th, 'id', None)!r}")
    return mod


def numeric(theorem_id: str) -> ModuleType:
    """The numeric side of a theorem (``THEOREM.numeric``, default ``dlverify.numerics.<id>``)."""
    from .relations import DlverifyError

    th = load(theorem_id).THEOREM
    e = entry(theorem_id)
    name = th.numeric or (f"dlverify.numerics.{theorem_id}" if e.builtin else "")
    if not name:
        raise DlverifyError(f"theorem '{theorem_id}' ({e.origin}): THEOREM.numeric names no numeric module")
    try:
        mod = importlib.import_module(name)
    except Exception as exc:  # noqa: BLE001
        raise DlverifyError(
            f"theorem '{theorem_id}' ({e.origin}): cannot import its numeric side {name}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not callable(getattr(mod, "measure", None)):
        raise DlverifyError(f"theorem '{theorem_id}' ({e.origin}): {name} has no measure(claim, ctx)")
    return mod


def check_file(theorem_id: str) -> Path | None:
    """The theorem's property-check file: ``checks/test_<id>.py`` for a built-in theorem; for a
    pack, ``CHECK_FILE`` in its module (a path relative to the module's folder) if it has one."""
    e = entry(theorem_id)
    if e.builtin:
        # the checks folder beside this one (a path, not an import: theorems/ imports nothing above it)
        f = Path(__file__).resolve().parent.parent / "checks" / f"test_{theorem_id}.py"
        return f if f.exists() else None
    mod = load(theorem_id)
    rel = getattr(mod, "CHECK_FILE", "")
    if not rel:
        return None
    assert mod.__file__ is not None  # a theorem module is loaded from a file
    f = Path(mod.__file__).parent / rel
    if not f.exists():  # declared but not installed (a plain `pip install DIR` ships no tests/)
        from .relations import DlverifyError

        raise DlverifyError(
            f"theorem '{theorem_id}' ({e.origin}): its CHECK_FILE {f} does not exist; install the pack "
            "editable (pip install -e DIR) or ship the check file inside the package"
        )
    return f

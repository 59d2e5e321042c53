"""The theorem registry: one line per theorem module (see README, "Adding a theorem")."""
from __future__ import annotations

import importlib
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


def load(theorem_id: str) -> ModuleType:
    """The module of a registered theorem; unknown ids are bad input."""
    from dlverify.theorems.core import DlverifyError

    if theorem_id not in REGISTRY:
        raise DlverifyError(f"unknown theorem '{theorem_id}'; registered: {', '.join(REGISTRY)}")
    return importlib.import_module(f"dlverify.theorems.{theorem_id}")

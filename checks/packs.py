"""A theorem pack built in a temporary folder, as another package would ship one.

``make_pack`` writes the skeleton of ``dlverify new`` (a complete example lemma) and the
metadata an installed distribution has (``*.dist-info`` with its entry points), so that
putting the folder on ``PYTHONPATH`` (or ``sys.path``) is the same as installing the pack:
``importlib.metadata`` finds its ``dlverify.theorems`` entry point.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..reports.scaffold import new_theorem


def make_pack(root: Path, theorem_id: str = "toy_bernoulli", entry: str | None = None) -> Path:
    """Write a pack for ``theorem_id`` under ``root`` and return the folder to put on the path.

    ``entry`` overrides the entry point's target (e.g. a module that does not exist, for a
    broken pack)."""
    site = root / "site"
    new_theorem(theorem_id, pack=site)
    dist = theorem_id.replace("_", "-")
    info = site / f"dlverify_pack_{theorem_id}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: dlverify-pack-{dist}\nVersion: 0.1.0\n")
    target = entry or f"{theorem_id}_pack.theorem"
    (info / "entry_points.txt").write_text(f"[dlverify.theorems]\n{theorem_id} = {target}\n")
    return site


def env_with(site: Path) -> dict:
    """The environment of a subprocess that sees the pack as installed."""
    path = os.pathsep.join([str(site)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    return os.environ | {"PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}


def python() -> str:
    return sys.executable

"""dlverify: symbolic-plus-numeric verification of deep-learning theory theorems.

For notebooks::

    import dlverify
    result = dlverify.run("pl_convergence", profile="ci")
    result            # shows the theorem's section of the report inline (statement, marks, verdicts, plots)

A claim of one's own, answered *proved*, *false* (a certified counterexample) or *not refuted*::

    dlverify.check("ln(u) <= u - 1", where=["u > 0"])   # shown inline; .answer, .to_dict()

``result.to_json()`` is the run's ``results.json``; ``result.verdicts`` maps each claim to its
verdict.  The section is drawn by the same renderer as the HTML report.  (This file is the
``dlverify`` package itself; the repository's folders are its subpackages ``dlverify.theorems``,
``dlverify.numerics``, ``dlverify.checks`` and ``dlverify.reports``.)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

__all__ = ["Result", "check", "run"]
__version__ = "0.2.0"


class Result:
    """The results of a run, with an inline HTML view."""

    def __init__(self, results: dict):
        self.results = results

    @property
    def passed(self) -> bool:
        return all(t.get("passed") for t in self.results.get("theorems", []))

    @property
    def verdicts(self) -> dict[str, str]:
        return {
            f"{t['id']}.{c['key']}": c["verdict"]
            for t in self.results.get("theorems", [])
            for c in t["claims"]
        }

    def to_json(self, indent: int = 1) -> str:
        from .reports.runner import _json_default

        return json.dumps(self.results, indent=indent, default=_json_default)

    def _repr_html_(self) -> str:
        from .reports.html import render_fragment

        return render_fragment(self.results)

    def __repr__(self) -> str:
        ids = ", ".join(t["id"] for t in self.results.get("theorems", []))
        return f"<dlverify.Result {ids}: {'passed' if self.passed else 'FAILED'}>"


def run(
    theorem: str | list[str] | None = None,
    *,
    profile: str = "ci",
    device: str = "auto",
    seed: int = 20261123,
    checks: bool = False,
    out: str | Path | None = None,
) -> Result:
    """Run one theorem (or several, or all with None) and return its :class:`Result`.

    The files (results.json, errata.json, report.html) go to ``out`` (a temporary folder by
    default).  Property checks are off by default in a notebook (``checks=True`` runs them)."""
    from . import theorems as registry
    from .numerics.device import RunContext
    from .reports.runner import run as _run

    ids = registry.ids() if theorem is None else [theorem] if isinstance(theorem, str) else list(theorem)
    ctx = RunContext.shared(device, seed, profile)
    folder = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="dlverify-"))
    return Result(
        _run(ids, ctx, folder, progress=lambda s: None, with_checks=checks, argv=["dlverify.run", *ids])
    )


def check(claim: str, where=(), **options):
    """A claim of one's own: *proved* (with the certificate), *false* (a counterexample
    certified in exact or ball arithmetic) or *not refuted* (with how hard the search looked).
    See :func:`dlverify.reports.check.check` for the options; the result shows itself inline."""
    from .reports.check import check as _check

    return _check(claim, where, **options)

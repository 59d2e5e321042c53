"""Progress of a long run: theorem, stage, elapsed and estimated time (rich), quiet off a terminal.

On a terminal a rich progress bar shows the current theorem and stage with the elapsed and
the estimated remaining time (the estimate is rich's, from the stages finished so far).  Off a
terminal (CI logs, pipes) nothing is drawn: only one line per finished theorem is printed.
"""

from __future__ import annotations

import sys

#: the stages of one theorem, in the order the runner reports them
STAGES = ("derivation", "claims", "wrong variants", "source lines", "experiments", "tightness")


class Progress:
    """A callable for the runner's progress messages (``"<id>: <stage>"``)."""

    def __init__(self, theorem_ids: list[str], with_checks: bool = True, stream=None):
        self.stream = stream or sys.stderr
        self.total = len(theorem_ids) * len(STAGES) + (1 if with_checks else 0)
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar = None
        self._task = None
        self._done = 0

    def __enter__(self):
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as _RichProgress,
            )

            self._bar = _RichProgress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                TextColumn("eta"),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("starting", total=self.total)
        return self

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)
        return False

    def __call__(self, msg: str) -> None:
        stage = msg.split(": ", 1)[-1]
        finished = stage.startswith(("passed", "FAILED")) or msg.startswith("interrupted")
        if self._bar is not None:
            if stage in STAGES or stage.startswith("property checks") or msg.startswith("property checks"):
                if self._done:
                    self._bar.advance(self._task)
                self._done += 1
            self._bar.update(self._task, description=msg)
            if finished:
                self._bar.console.print(f"[dlverify] {msg}")
            return
        if finished or msg.startswith("property checks"):
            print(f"[dlverify] {msg}", file=self.stream, flush=True)

"""The ``dlverify`` command.

    dlverify run [--theorem ID ...] [--device auto|cpu|cuda] [--profile ci|thorough]
                 [--seed N] [--out DIR] [--no-checks]
    dlverify list
    dlverify report RESULTS_JSON [--out DIR]

Exit codes: 0 every asserted claim holds (errata in a source are findings, not
failures); 1 an asserted claim failed; 2 bad input or usage -- one line on stderr, no
traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dlverify.theorems.core import DlverifyError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        raise DlverifyError(f"{message} (see 'dlverify {self.prog.split()[-1] if ' ' in self.prog else ''} --help')".replace("  ", " "))


def _parser() -> argparse.ArgumentParser:
    from dlverify.numerics.device import DEVICES, PROFILES

    p = _Parser(prog="dlverify", description="Verify deep-learning theory theorems: derivations, numerics, property checks.")
    sub = p.add_subparsers(dest="cmd", parser_class=_Parser)
    r = sub.add_parser("run", help="run the verification and write results.json + report.html")
    r.add_argument("--theorem", action="append", default=None, help="theorem id (repeatable); default: all")
    r.add_argument("--device", default="auto", choices=DEVICES)
    r.add_argument("--profile", default="ci", choices=PROFILES)
    r.add_argument("--seed", default=20261123, type=int)
    r.add_argument("--out", default="reports/out", help="output folder (default reports/out)")
    r.add_argument("--no-checks", action="store_true", help="skip the pytest/hypothesis property checks")
    r.add_argument("--require", action="append", default=[], metavar="EXTRA",
                   help="fail (exit 2) unless this optional extra is installed")
    mu = sub.add_parser("mutate", help="generate claim mutants and report how many the checks kill")
    mu.add_argument("--theorem", action="append", default=None)
    mu.add_argument("--device", default="auto", choices=DEVICES)
    mu.add_argument("--seed", default=20261123, type=int)
    mu.add_argument("--out", default="reports/out")
    sub.add_parser("list", help="list the registered theorems")
    rep = sub.add_parser("report", help="rebuild report.html from a results.json")
    rep.add_argument("results")
    rep.add_argument("--checks", default=None, help="merge a checks.json written by pytest --dlverify-out")
    rep.add_argument("--out", default=None)
    return p


#: optional extras and the module each needs
OPTIONAL = {"pepit": "PEPit", "shapiq": "shapiq", "browser": "selenium"}


def _require(names) -> None:
    import importlib.util

    for name in names:
        mod = OPTIONAL.get(name, name)
        if importlib.util.find_spec(mod) is None:
            raise DlverifyError(f"optional dependency '{name}' is not installed; install it with "
                                f"pip install 'dlverify[{name}]' (extras: {', '.join(sorted(OPTIONAL))})")


def _progress(msg: str) -> None:
    print(f"[dlverify] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except DlverifyError as exc:
        print(f"dlverify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dlverify: interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.cmd is None:
        raise DlverifyError("a command is required: run, list or report")
    if args.cmd == "list":
        from dlverify import theorems

        for tid in theorems.REGISTRY:
            th = theorems.load(tid).THEOREM
            print(f"{tid}\t{th.title}\t{th.source.cite()}")
        return 0
    if args.cmd == "report":
        from dlverify.reports.runner import merge_checks, write

        src = Path(args.results)
        try:
            results = json.loads(src.read_text())
        except (OSError, json.JSONDecodeError) as exc:
            raise DlverifyError(f"cannot read results file '{src}': {exc}") from None
        if args.checks:
            if not Path(args.checks).is_file():
                raise DlverifyError(f"checks file '{args.checks}' not found")
            merge_checks(results, Path(args.checks))
        out = Path(args.out) if args.out else src.parent
        write(results, out)
        _progress(f"report written to {out / 'report.html'}")
        return 0
    from dlverify import theorems
    from dlverify.numerics.device import RunContext
    from dlverify.reports.runner import check_output_dir, run

    if args.cmd == "mutate":
        return _mutate(args)
    _require(args.require)
    ids = args.theorem or list(theorems.REGISTRY)
    for tid in ids:
        theorems.load(tid)  # unknown ids are bad input before anything runs
    ctx = RunContext(args.device, args.seed, args.profile)
    out = Path(args.out)
    check_output_dir(out)
    _progress(f"running {', '.join(ids)} on {ctx.describe()['device']} (profile {args.profile}, seed {args.seed})")
    results = run(ids, ctx, out, progress=_progress, with_checks=not args.no_checks, argv=["dlverify"] + argv)
    _progress(f"report: {out / 'report.html'} ({results['status']})")
    failed = results["failures"] or results.get("pytest_exit_code", 0) not in (0, 5)
    if results["status"] != "complete":
        return 130
    for f in results["failures"]:
        print(f"dlverify: FAILED {f}", file=sys.stderr)
    return 1 if failed else 0


def _mutate(args) -> int:
    from dlverify import theorems
    from dlverify.numerics.device import RunContext
    from dlverify.reports.mutate import mutate_theorem
    from dlverify.reports.runner import check_output_dir

    ids = args.theorem or list(theorems.REGISTRY)
    for tid in ids:
        theorems.load(tid)
    out = Path(args.out)
    check_output_dir(out)
    ctx = RunContext(args.device, args.seed, "ci")
    rows = []
    for tid in ids:  # one file per theorem, so several mutate runs can share an output folder
        _progress(f"mutating {tid}")
        rows.append(mutate_theorem(tid, ctx, progress=_progress))
        (out / f"mutation-{tid}.json").write_text(json.dumps(rows[-1], indent=1, default=str))
        r = rows[-1]
        _progress(f"{tid}: {r['generated']} mutants, {r['killed']} killed, {r['looser']} true but looser, "
                  f"{r['equivalent']} equivalent, {r['open']} open, {r['holes']} holes")
    for r in rows:
        for m in r["mutants"]:
            if m["outcome"] == "hole":
                print(f"hole: {r['theorem']}/{m['claim']}: {m['mutation']}: {m['relation']}")
    return 1 if any(r["holes"] for r in rows) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The ``dlverify`` command.

    dlverify run [--theorem ID ...] [--device auto|cpu|cuda] [--profile ci|thorough]
                 [--seed N] [--out DIR] [--no-checks] [--require EXTRA] [--junit FILE]
    dlverify list
    dlverify report [RESULTS_JSON] [--checks CHECKS_JSON] [--out DIR]
    dlverify errata --doc NNN [--format md|tex|html] [--results RESULTS_JSON] [--out FILE]
    dlverify mutate [--theorem ID ...] [--out DIR]
    dlverify trust stress [--repeat N] [--out DIR] | dlverify trust catalogue [--out DIR]
    dlverify bench [--device ...] [--quick] [--out FILE]
    dlverify new ID [--pack DIR]
    dlverify check "RELATION" [--where "ASSUMPTION" ...] [--file CLAIMS.toml] [--family NAME]
                   [--effort quick|normal|thorough] [--seed N] [--json FILE] [--debug]
    dlverify families | dlverify list --claims | dlverify show ID

Exit codes: 0 every asserted claim holds (errata in a source are findings, not
failures); 1 an asserted claim failed; 2 bad input or usage -- one line on stderr, no
traceback; 130 interrupted (the report of what finished is written).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SEED_MAX = 2**63 - 1

#: the choices of --device and --profile: numerics/device.py's DEVICES and PROFILES (a test checks
#: that they agree), written here so that parsing and --help import neither torch nor sympy
DEVICES = ("auto", "cpu", "cuda")
PROFILES = ("ci", "thorough")

#: the default input of 'report' and 'errata' (where 'run' writes by default)
RESULTS = "reports/out/results.json"

DlverifyError: type[Exception]  # dlverify.theorems.relations.DlverifyError, bound by _errors()


def _errors() -> type[Exception]:
    """The bad-input error class, imported when first needed: 'dlverify --help' and parsing
    import neither sympy nor torch.  After parsing, the name DlverifyError is bound here."""
    global DlverifyError
    from ..theorems.relations import DlverifyError

    return DlverifyError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2
        cmd = self.prog.split()[-1] if " " in self.prog else ""
        raise _errors()(f"{message} (see 'dlverify {cmd} --help')".replace("  ", " "))


def _seed(text: str) -> int:
    try:
        v = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid int value: {text!r}") from None
    if not 0 <= v <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"seed {text} is outside 0 … 2^63 − 1")
    return v


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="dlverify",
        description="Verify deep-learning theory theorems: derivations, numerics, property checks.",
    )
    sub = p.add_subparsers(dest="cmd", parser_class=_Parser)
    _run_parsers(sub)
    _check_parsers(sub)
    _report_parsers(sub)
    _tool_parsers(sub)
    return p


def _run_parsers(sub) -> None:
    """run, mutate and list: the commands that verify."""
    r = sub.add_parser("run", help="run the verification and write results.json, errata.json and report.html")
    r.add_argument("--theorem", action="append", default=None, help="theorem id (repeatable); default: all")
    r.add_argument("--device", default="auto", choices=DEVICES)
    r.add_argument("--profile", default="ci", choices=PROFILES)
    r.add_argument("--seed", default=20261123, type=_seed)
    r.add_argument("--out", default="reports/out", help="output folder (default reports/out)")
    r.add_argument("--no-checks", action="store_true", help="skip the pytest/hypothesis property checks")
    r.add_argument(
        "--require",
        action="append",
        default=[],
        metavar="EXTRA",
        help="fail (exit 2) unless this optional extra is installed",
    )
    r.add_argument(
        "--junit",
        default=None,
        metavar="FILE",
        help="also write JUnit XML: one test case per claim, wrong variant and source line",
    )
    mu = sub.add_parser("mutate", help="generate claim mutants and report how many the checks kill")
    mu.add_argument("--theorem", action="append", default=None)
    mu.add_argument("--device", default="auto", choices=DEVICES)
    mu.add_argument("--seed", default=20261123, type=_seed)
    mu.add_argument("--out", default="reports/out")
    ls = sub.add_parser("list", help="list the theorems: built-in ones and those of installed packs")
    ls.add_argument("--claims", action="store_true", help="list every claim: id, relation, assumptions")


def _report_parsers(sub) -> None:
    """report and errata: the commands that write from a results.json."""
    rep = sub.add_parser("report", help="rebuild report.html (and errata.json) from a results.json")
    rep.add_argument("results", nargs="?", default=RESULTS, help=f"default {RESULTS}")
    rep.add_argument("--checks", default=None, help="merge a checks.json written by pytest --dlverify-out")
    rep.add_argument("--out", default=None)
    er = sub.add_parser("errata", help="one source document's errata, to send to its authors")
    er.add_argument("--doc", required=True, help="the document: its number (000 … 004) or file name")
    er.add_argument("--format", default="md", choices=("md", "tex", "html"))
    er.add_argument("--results", default=RESULTS, help=f"default {RESULTS}")
    er.add_argument("--out", default=None, metavar="FILE", help="write to FILE (default: standard output)")


def _tool_parsers(sub) -> None:
    """trust, bench and new: the commands for maintainers."""
    tr = sub.add_parser("trust", help="the stress run or the bad-input catalogue")
    trs = tr.add_subparsers(dest="what", parser_class=_Parser)
    st = trs.add_parser("stress", help="run the check files N times with random seeds")
    st.add_argument("--repeat", type=int, default=20)
    st.add_argument("--out", default="reports/out")
    ca = trs.add_parser("catalogue", help="run the bad-input catalogue")
    ca.add_argument("--out", default="reports/out")
    be = sub.add_parser("bench", help="benchmarks, with the device recorded")
    be.add_argument(
        "rest", nargs=argparse.REMAINDER, help="arguments for the benchmark (see 'dlverify bench -- --help')"
    )
    nw = sub.add_parser("new", help="write the skeleton of a theorem (a pack, or an in-repo module)")
    nw.add_argument("id")
    nw.add_argument(
        "--pack",
        default=None,
        metavar="DIR",
        help="write an installable pack in DIR (default: in this repository)",
    )
    nw.add_argument(
        "--repo",
        default=None,
        metavar="DIR",
        help="the repository for an in-repo theorem (default: this one)",
    )


#: optional extras and the module each needs
OPTIONAL = {"pepit": "PEPit", "shapiq": "shapiq", "browser": "selenium", "llm": "gguf"}


def _require(names) -> None:
    import importlib.util

    for name in names:
        mod = OPTIONAL.get(name, name)
        if importlib.util.find_spec(mod) is None:
            raise DlverifyError(
                f"optional dependency '{name}' is not installed; install it with "
                f"pip install 'dlverify[{name}]' (extras: {', '.join(sorted(OPTIONAL))})"
            )


def _print(msg: str) -> None:
    print(f"[dlverify] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("dlverify: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if not isinstance(exc, _errors()):
            raise
        print(f"dlverify: error: {exc}", file=sys.stderr)
        return 2


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    _errors()
    if args.cmd is None:
        raise DlverifyError("a command is required: run, list, report, mutate, trust, bench or new")
    return {
        "list": _list,
        "report": _report,
        "errata": _errata,
        "mutate": _mutate,
        "trust": _trust,
        "bench": _bench,
        "new": _new,
        "run": _run,
        "check": _check,
        "families": _families,
        "show": _show,
    }[args.cmd](args, argv)


def _list(args, argv) -> int:
    from .. import theorems

    if args.claims:
        return _claims()
    for tid, e in theorems.entries().items():
        try:
            th = theorems.load(tid).THEOREM
            print(f"{tid}\t{th.title}\t{th.source.cite()}\t[{e.origin}]")
        except DlverifyError as exc:
            print(f"{tid}\t(broken)\t{exc}\t[{e.origin}]")
    for name, why in theorems.broken().items():
        print(f"{name}\t(broken)\t{why}")
    return 0


def _results(path: str) -> dict:
    """A results file, read, validated, and every verdict in it recomputed from its evidence
    (a file whose verdicts do not follow is refused: one line, exit 2)."""
    from .recheck import recheck
    from .runner import validate

    src = Path(path)
    try:
        results = json.loads(src.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DlverifyError(f"cannot read results file '{src}': {exc}") from None
    validate(results)
    try:
        return recheck(results)
    except DlverifyError as exc:
        raise DlverifyError(f"results file '{src}' refused: {exc}") from None


def _report(args, argv) -> int:
    from .runner import merge_checks, write

    src = Path(args.results)
    results = _results(args.results)
    if args.checks:
        if not Path(args.checks).is_file():
            raise DlverifyError(f"checks file '{args.checks}' not found")
        merge_checks(results, Path(args.checks))
    out = Path(args.out) if args.out else src.parent
    from .runner import check_output_dir

    check_output_dir(out)
    write(results, out, results_json=False)  # the results file is the input: never rewritten
    _print(f"report written to {out / 'report.html'}")
    return 0


def _errata(args, argv) -> int:
    from . import errata, notation

    results = _results(args.results)
    docs = errata.documents(results)
    if notation.doc_number(args.doc) not in docs:
        known = ", ".join(docs)
        raise DlverifyError(f"document '{args.doc}' is not cited by these results (documents: {known})")
    text = errata.FORMATS[args.format](errata.document(results, args.doc))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    _writable_file(Path(args.out))
    Path(args.out).write_text(text, encoding="utf-8")
    _print(f"errata of {notation.doc_name(args.doc)} written to {args.out}")
    return 0


def _known(ids) -> None:
    """Unknown theorem ids are bad input before anything runs, with the nearest registered id."""
    import difflib

    from .. import theorems

    known = theorems.ids()
    for tid in ids:
        if tid not in known:
            near = difflib.get_close_matches(tid, known, n=1, cutoff=0.6)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise DlverifyError(f"unknown theorem '{tid}'{hint}; registered: {', '.join(known)}")


def _run(args, argv) -> int:
    from .. import theorems
    from ..numerics.device import RunContext
    from .progress import Progress
    from .runner import check_output_dir, run

    _require(args.require)
    ids = args.theorem or theorems.ids()
    _known(ids)
    ctx = RunContext.shared(args.device, args.seed, args.profile)
    out = Path(args.out)
    check_output_dir(out)
    if args.junit:
        _writable_file(Path(args.junit))
    _print(
        f"running {', '.join(ids)} on {ctx.describe()['device']} (profile {args.profile}, seed {args.seed})"
    )
    with Progress(ids, with_checks=not args.no_checks) as progress:
        results = run(
            ids, ctx, out, progress=progress, with_checks=not args.no_checks, argv=["dlverify"] + argv
        )
    if args.junit:
        from .junit import write_junit

        write_junit(results, Path(args.junit))
    from .errata import run_summary

    failed = results["failures"] or results.get("pytest_exit_code", 0) not in (0, 5)
    if results["status"] == "complete":
        for f in results["failures"]:
            print(f"dlverify: FAILED {f}", file=sys.stderr)
    _print(run_summary(results, out / "report.html"))  # the last line: passed, errata, the page
    if results["status"] != "complete":
        return 130
    return 1 if failed else 0


def _writable_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise DlverifyError(f"cannot write '{path}' ({exc.strerror})") from None


def _mutate(args, argv) -> int:
    from .. import theorems
    from ..numerics.device import RunContext
    from .mutate import mutate_theorem
    from .runner import check_output_dir

    ids = args.theorem or theorems.ids()
    _known(ids)
    out = Path(args.out)
    check_output_dir(out)
    ctx = RunContext(args.device, args.seed, "ci")
    rows = []
    for tid in ids:  # one file per theorem, so several mutate runs can share an output folder
        _print(f"mutating {tid}")
        rows.append(mutate_theorem(tid, ctx, progress=_print))
        (out / f"mutation-{tid}.json").write_text(json.dumps(rows[-1], indent=1, default=str))
        r = rows[-1]
        _print(
            f"{tid}: {r['generated']} mutants, {r['killed']} killed, {r['looser']} true but looser, "
            f"{r.get('redundant', 0)} redundant, "
            f"{r['equivalent']} equivalent, {r['open']} open, {r['holes']} holes; score {r['score']}"
        )
    for r in rows:
        for m in r["mutants"]:
            if m["outcome"] == "hole":
                print(f"hole: {r['theorem']}/{m['claim']}: {m['mutation']}: {m['relation']}")
    return 1 if any(r["holes"] for r in rows) else 0


def _trust(args, argv) -> int:
    from . import trust

    if args.what is None:
        raise DlverifyError("'dlverify trust' needs 'stress' or 'catalogue'")
    if args.what == "stress":
        if args.repeat < 1:
            raise DlverifyError("--repeat must be at least 1")
        return trust.main(["stress", "--repeat", str(args.repeat), "--out", args.out], main)
    return trust.main(["catalogue", "--out", args.out], main)


def _bench(args, argv) -> int:
    from ..numerics import bench

    rest = [a for a in args.rest if a != "--"]
    return int(bench.main(rest) or 0)


def _new(args, argv) -> int:
    from .scaffold import new_theorem

    for path in new_theorem(
        args.id, pack=Path(args.pack) if args.pack else None, repo=Path(args.repo) if args.repo else None
    ):
        print(path)
    return 0


# --------------------------------------------------------------------------- check, families, show


def _check_parsers(sub) -> None:
    ck = sub.add_parser(
        "check",
        help="a claim of your own: proved, false (certified counterexample) or not refuted",
        description="Exit codes: 0 proved or not refuted, 1 false, 2 bad input.",
    )
    ck.add_argument("claim", nargs="?", help='e.g. "ln(u) <= u - 1" (or "A implies B")')
    ck.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="ASSUMPTION",
        help='a relation, a chain, "x in (0, 1]", "n: integer" or "v: vector(3)" (repeatable)',
    )
    ck.add_argument("--file", default=None, metavar="CLAIMS.toml", help="claims from a TOML file ([[claim]])")
    ck.add_argument("--family", default=None, metavar="NAME", help="measure on an instance family instead")
    ck.add_argument("--effort", default="normal", choices=("quick", "normal", "thorough"))
    ck.add_argument("--seed", default=20261123, type=_seed)
    ck.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    ck.add_argument("--no-necessity", action="store_true", help="do not drop each assumption in turn")
    ck.add_argument("--no-tightness", action="store_true", help="do not estimate the ratio of the sides")
    ck.add_argument("--json", default=None, metavar="FILE", help="also write the answers as JSON")
    ck.add_argument("--debug", action="store_true", help="show the traceback of a crash")
    sub.add_parser("families", help="the instance families of the numeric sides, with their quantities")
    sh = sub.add_parser("show", help="a theorem (ID) or one of its claims (ID.KEY)")
    sh.add_argument("id")


def _check(args, argv) -> int:
    import traceback

    from .check import run_command

    try:
        return run_command(args)
    except (DlverifyError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a crash: one line, or the traceback with --debug
        if args.debug:
            traceback.print_exc()
            return 2
        raise DlverifyError(
            f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)"
        ) from None


def _families(args, argv) -> int:
    from .check import families_table

    rows = families_table()
    for r in rows:
        print(f"{r['theorem']}:{r['name']}\t{', '.join(r['quantities'])}\t{r['doc']}")
        if r["assumptions"]:
            print(f"\treads the assumptions: {', '.join(r['assumptions'])}")
    if not rows:
        print("no numeric side declares FAMILIES yet")
    return 0


def _claims() -> int:
    from .check import claims_table

    for r in claims_table():
        print(f"{r['id']}\t{r['relation']}\t[{', '.join(r['assumptions'])}]\t{r['text']}")
    return 0


def _show(args, argv) -> int:
    from .check import show

    print(show(args.id))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

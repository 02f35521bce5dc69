"""Command-line interface: the only place that wires files to the library.

Exit codes: 0 success, 2 bad input or usage, 1 unexpected failure. Problems
with input are printed one per line to stderr as ``FILE: key.path: message``,
never as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from costmodel import __version__
from costmodel._files import check_outputs, write_outputs, write_report_tree
from costmodel._limits import (
    USABLE_SHARE,
    available_memory,
    engine_row_bytes,
    grid_bytes,
    human_bytes,
    most_units,
    simulation_bytes,
    sobol_bytes,
    weight_draw_bytes,
)
from costmodel.evaluation import evaluate
from costmodel.folders import scenario_files
from costmodel.problems import InputError
from costmodel.register import check_citations, citations_by_id, read_register, register_markdown
from costmodel.reports import console
from costmodel.reports import vocabulary as voc
from costmodel.reports.outputs import csv_bytes, peer_tables
from costmodel.reports.vocabulary import LANGS
from costmodel.scenario import Problem, Scenario, ScenarioError, load_scenario

__all__ = ["main"]

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costmodel", description="Rent, buy or hybrid: life-cycle cost comparison of IT options."
    )
    parser.add_argument("--version", action="version", version=f"costmodel {__version__}")
    parser.add_argument("--traceback", action="store_true", help="show the full traceback of an unexpected error")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="evaluate one scenario and write its tables")
    run.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    run.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    run.add_argument("--lang", choices=LANGS, default="vi", help="language of the printed table and workbook (default vi)")
    _add_edit_options(run)

    val = sub.add_parser("validate", help="check scenario files and list every problem")
    val.add_argument("files", type=Path, nargs="+", metavar="FILE")

    rep = sub.add_parser("report", help="run every scenario in a folder (the main job)")
    rep.add_argument("--scenarios", type=Path, default=Path("scenarios"), metavar="DIR", help="default: scenarios/")
    rep.add_argument("-o", "--output", type=Path, default=Path("reports"), metavar="DIR", help="default: reports/")
    rep.add_argument("--lang", choices=LANGS, default="vi")
    rep.add_argument(
        "--notebooks",
        type=Path,
        default=Path("notebooks"),
        metavar="DIR",
        help="notebooks to execute and render to HTML (default notebooks/, skipped if absent)",
    )
    rep.add_argument("--no-notebooks", action="store_true", help="do not execute the notebooks")
    rep.add_argument(
        "--final",
        action="store_true",
        help="write the explanatory report as final: refuse (exit 2, listing each) while anything is a placeholder",
    )
    rep.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="the date the explanatory report answers as of (default 2024-04-30)",
    )
    _add_edit_options(rep, "every scenario that has the key")

    asm = sub.add_parser("assumptions", help="check citations and render the assumptions register to Markdown")
    asm.add_argument("--register", type=Path, default=Path("scenarios/assumptions.csv"), metavar="CSV")
    asm.add_argument("--scenarios", type=Path, default=None, metavar="DIR", help="default: the register's folder")
    asm.add_argument("-o", "--output", type=Path, default=Path("docs/assumptions.md"), metavar="FILE")
    asm.add_argument("--check", action="store_true", help="only check that FILE is up to date (exit 2 if not)")

    glo = sub.add_parser("glossary", help="render docs/glossary.md from the reader vocabulary")
    glo.add_argument("-o", "--output", type=Path, default=Path("docs/glossary.md"), metavar="FILE")
    glo.add_argument("--check", action="store_true", help="only check that FILE is up to date (exit 2 if not)")

    comp = sub.add_parser("compliance", help="public lists of units that have not built, updated or shared data with the IOC")
    comp.add_argument("catalogue", type=Path, metavar="CATALOGUE.csv")
    comp.add_argument("status", type=Path, metavar="STATUS.csv")
    comp.add_argument("--as-of", required=True, type=_iso_date, metavar="YYYY-MM-DD", help="the reporting date")
    comp.add_argument("--previous", type=Path, default=None, metavar="STATUS.csv", help="status file of the previous period")
    comp.add_argument("--previous-as-of", type=_iso_date, default=None, metavar="YYYY-MM-DD")
    comp.add_argument("-o", "--output", type=Path, default=Path("reports/compliance"), metavar="OUTDIR")
    comp.add_argument("--lang", choices=LANGS, default="vi")
    comp.add_argument("--sample", action="store_true", help="label the report as sample data")

    sim = sub.add_parser("simulate", help="Monte Carlo simulation of a scenario's uncertain inputs")
    sim.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    sim.add_argument("--draws", type=_positive_int, default=10_000, metavar="N", help="number of draws (default 10000)")
    sim.add_argument("--seed", type=_seed, default=0, metavar="S", help="random seed, 0 to 4294967295 (default 0)")
    sim.add_argument(
        "--budget-cap",
        type=_amount,
        default=None,
        metavar="VND",
        help="yearly appropriation; overrides [risk] budget_cap",
    )
    sim.add_argument("--chunk", type=_positive_int, default=None, metavar="N", help="draws per chunk (memory bound)")
    sim.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    sim.add_argument("--lang", choices=LANGS, default="vi")
    _add_edit_options(sim)

    sen = sub.add_parser("sensitivity", help="tornado, switching values, two-way grid and Sobol indices")
    sen.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    sen.add_argument(
        "--percent",
        type=_share,
        default=0.20,
        metavar="P",
        help="+/- share for inputs that are plain numbers, between 0 and 1 (default 0.20)",
    )
    sen.add_argument(
        "--grid",
        default=None,
        metavar="A,B",
        help="two inputs for the two-way grid (labels or unique parts of them), or 'auto'",
    )
    sen.add_argument("--steps", type=_positive_int, default=11, metavar="N", help="grid points per input (default 11)")
    sen.add_argument("--sobol", type=_sobol_n, default=1024, metavar="N", help="Sobol base sample, a power of 2; 0 to skip")
    sen.add_argument("--seed", type=_seed, default=0, metavar="S", help="seed of the Sobol sample, 0 to 4294967295")
    sen.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    sen.add_argument("--lang", choices=LANGS, default="vi")
    _add_edit_options(sen)

    cmp_ = sub.add_parser(
        "compare", help="why the result moved: the change between two scenarios, attributed to groups of inputs"
    )
    cmp_.add_argument("a", type=Path, metavar="A.toml", help="the scenario before")
    cmp_.add_argument(
        "b", type=Path, nargs="?", default=None, metavar="B.toml", help="the scenario after (default: A with the edits)"
    )
    cmp_.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="NAME=PATTERN[,PATTERN]",
        help="a group of inputs of your own (key-path patterns, '*' wildcards); repeatable",
    )
    cmp_.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/compare/<A>[-vs-<B>]/")
    cmp_.add_argument("--lang", choices=LANGS, default="vi")
    _add_edit_options(cmp_, "B (or of A when B is omitted)")

    sch = sub.add_parser("schedule", help="critical path, Gantt chart and weekly progress report of a procurement plan")
    sch.add_argument("plan", type=Path, metavar="PLAN.toml")
    sch.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    sch.add_argument("--progress", type=Path, default=None, metavar="DIR", help="folder of progress-YYYY-MM-DD.csv files")
    sch.add_argument(
        "--as-of",
        type=_iso_date,
        default=None,
        metavar="YYYY-MM-DD",
        help="status date (default: the latest progress file)",
    )
    sch.add_argument(
        "--scenario",
        type=Path,
        action="append",
        default=[],
        metavar="SCENARIO.toml",
        help="a cost scenario whose dates follow this plan: the report shows what the forecast does to its budget",
    )
    sch.add_argument("--lang", choices=LANGS, default="vi")

    aud = sub.add_parser("audit", help="retrospective of a past rental: paid vs buying, utilisation, idle share")
    aud.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    aud.add_argument("usage", type=Path, metavar="USAGE.csv")
    aud.add_argument("--rent", default="rent", metavar="ID", help="option id of what was paid (default rent)")
    aud.add_argument("--buy", default="buy", metavar="ID", help="option id of the buy alternative (default buy)")
    aud.add_argument("--points", default=None, metavar="DRIVER", help="driver of the points rented (default unit_driver)")
    aud.add_argument(
        "--hours-per-month",
        type=_hours,
        default=176.0,
        metavar="H",
        help="available hours per point and month (default 176 = 22 days x 8 h)",
    )
    aud.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    aud.add_argument("--lang", choices=LANGS, default="vi")

    cho = sub.add_parser("choose", help="choose a deployment model (IOC): cost, criteria beyond cost, other provinces")
    cho.add_argument("criteria", type=Path, metavar="CRITERIA.toml")
    cho.add_argument("--survey", type=Path, default=None, metavar="CSV", help="default: ioc-provinces.csv beside CRITERIA")
    cho.add_argument("--compliance", type=Path, default=None, metavar="DIR", help="default: ioc-data/ beside CRITERIA")
    cho.add_argument("--draws", type=_positive_int, default=10_000, metavar="N", help="weight-uncertainty draws (default 10000)")
    cho.add_argument("--seed", type=_seed, default=20240414, metavar="S", help="seed of the weight draws (default 20240414)")
    cho.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    cho.add_argument("--lang", choices=LANGS, default="vi")

    rob = sub.add_parser("robust", help="one option set in several futures: regret, minimax regret, expected cost")
    rob.add_argument("futures", type=Path, metavar="FUTURES.toml")
    rob.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    rob.add_argument("--lang", choices=LANGS, default="vi")

    opt = sub.add_parser("optimise", help="the cheapest own/rent plan year by year, under budget caps, across futures")
    opt.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    opt.add_argument(
        "--futures",
        type=Path,
        default=None,
        metavar="FUTURES.toml",
        help="futures of the decision (their scenarios' drivers and probabilities); default the scenario's own",
    )
    opt.add_argument(
        "--budget-cap",
        action="append",
        default=[],
        metavar="[SOURCE[:YEAR]=]VND",
        help="a cap on nominal spending incl. VAT: SOURCE is investment, recurrent or total; repeatable",
    )
    opt.add_argument("--near-optimal", type=int, default=2, metavar="K", help="alternative plans to look for (default 2)")
    opt.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>-plan/")
    opt.add_argument("--lang", choices=LANGS, default="vi")

    peer = sub.add_parser("peers", help="place a scenario's unit costs among other provinces' published costs")
    peer.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    peer.add_argument("--peers", type=Path, default=None, metavar="CSV", help="default: peer-costs.csv beside SCENARIO")
    peer.add_argument("--index", type=Path, default=None, metavar="CSV", help="default: price-index.csv beside SCENARIO")
    peer.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    peer.add_argument("--lang", choices=LANGS, default="vi")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    try:
        _check_output_args(args)  # before any work: a bad output path costs nothing
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "report":
            return _cmd_report(args)
        if args.command == "assumptions":
            return _cmd_assumptions(args)
        if args.command == "glossary":
            return _cmd_glossary(args)
        if args.command == "peers":
            return _cmd_peers(args)
        if args.command == "compliance":
            return _cmd_compliance(args)
        if args.command == "schedule":
            return _cmd_schedule(args)
        if args.command == "simulate":
            return _cmd_simulate(args)
        if args.command == "audit":
            return _cmd_audit(args)
        if args.command == "sensitivity":
            return _cmd_sensitivity(args)
        if args.command == "compare":
            return _cmd_compare(args)
        if args.command == "choose":
            return _cmd_choose(args)
        if args.command == "robust":
            return _cmd_robust(args)
        if args.command == "optimise":
            return _cmd_optimise(args)
    except InputError as exc:
        _print_problems(exc)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("costmodel: interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - last-resort message instead of a traceback
        if args.traceback:
            raise
        print(
            f"costmodel: unexpected error: {type(exc).__name__}: {exc} (run with --traceback for details)",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    parser.error(f"unknown command {args.command!r}")  # pragma: no cover
    return EXIT_BAD_INPUT  # pragma: no cover


# ---------------------------------------------------------------------------
# values of options: checked like the values of a file (argparse names the option, exit 2)
# ---------------------------------------------------------------------------

#: Seeds accepted: what every generator used (numpy, SciPy's Sobol sequence) takes on every platform.
SEED_MAX = 2**32 - 1
#: Dates accepted on the command line (a reporting or status date): years from ... to ...
DATE_YEARS = (2000, 2100)
#: Hours per point and month at most (24 h x 31 days).
HOURS_MAX = 24 * 31


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None


def _positive_int(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _seed(text: str) -> int:
    value = _whole(text)
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {SEED_MAX}, got {value}")
    return value


def _sobol_n(text: str) -> int:
    value = _whole(text)
    if value != 0 and (value < 2 or value & (value - 1)):
        raise argparse.ArgumentTypeError(f"must be a power of 2 (256, 1024, ...) or 0 to skip, got {value}")
    return value


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _amount(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0 (an amount in VND), got {text}")
    return value


def _share(text: str) -> float:
    value = _number(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a share between 0 and 1, exclusive (0.2 for +/-20 %), got {text}")
    return value


def _hours(text: str) -> float:
    value = _number(text)
    if not 0 < value <= HOURS_MAX:
        raise argparse.ArgumentTypeError(f"must be > 0 and at most {HOURS_MAX} (24 h x 31 days), got {text}")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None
    first, last = DATE_YEARS
    if not first <= day.year <= last:
        raise argparse.ArgumentTypeError(f"expected a year from {first} to {last}, got {text}")
    return day


def _print_problems(exc) -> None:
    for problem in exc.problems:
        print(problem, file=sys.stderr)


# ---------------------------------------------------------------------------
# edits on the command line and run
# ---------------------------------------------------------------------------


class _EditAction(argparse.Action):
    """Collect ``--set`` and ``--scale`` in command-line order (both append to ``args.edits``)."""

    def __call__(self, parser, namespace, values, option_string=None):
        edits = list(getattr(namespace, "edits", None) or [])
        edits.append((self.const, values))
        namespace.edits = edits


def _add_edit_options(p: argparse.ArgumentParser, what: str = "the scenario") -> None:
    p.set_defaults(edits=[])
    p.add_argument(
        "--set",
        action=_EditAction,
        const="set",
        metavar="KEY=VALUE",
        help=f"change a field of {what} before evaluating (key path as in error messages; value as in TOML); repeatable",
    )
    p.add_argument(
        "--scale",
        action=_EditAction,
        const="scale",
        metavar="KEY=FACTOR",
        help="multiply fields (numbers, expressions, distributions) by FACTOR; '*' wildcards "
        "(options.*.items[*].price); repeatable",
    )


def _overrides(args: argparse.Namespace) -> list:
    from costmodel.overrides import parse_override

    return [parse_override(kind, text) for kind, text in getattr(args, "edits", [])]


def _scenario(path: Path, overrides) -> Scenario:
    from costmodel.overrides import apply_overrides

    return apply_overrides(load_scenario(path), overrides)


def _default_outdir(args: argparse.Namespace, path: Path) -> Path:
    return args.output if args.output is not None else Path("reports") / path.stem


#: The input whose file stem names the default output folder of each command.
_STEM_OF = {
    "run": "scenario",
    "simulate": "scenario",
    "sensitivity": "scenario",
    "audit": "scenario",
    "peers": "scenario",
    "schedule": "plan",
    "choose": "criteria",
    "robust": "futures",
}


def _check_output_args(args: argparse.Namespace) -> None:
    """Every output path of the command, checked before any work: a folder (or nothing yet) where a folder goes.

    ``assumptions -o`` and ``glossary -o`` name a file: a folder there is an error.
    ``report`` checks the subfolders it will write once it has listed its inputs.
    """
    if args.command in ("assumptions", "glossary"):
        check_outputs(files=[("-o", args.output)])
    elif args.command == "compare":
        check_outputs(folders=[("-o", _compare_outdir(args))])
    elif args.command == "optimise":
        check_outputs(folders=[("-o", _optimise_outdir(args))])
    elif args.command in ("report", "compliance"):
        check_outputs(folders=[("-o", args.output)])
    elif args.command in _STEM_OF:
        check_outputs(folders=[("-o", _default_outdir(args, getattr(args, _STEM_OF[args.command])))])


def _cmd_run(args: argparse.Namespace) -> int:
    from costmodel.reports.outputs import evaluation_files

    result = evaluate(_scenario(args.scenario, _overrides(args)))
    files = evaluation_files(result, args.lang)  # everything rendered before anything is written
    console.print_summary(result.rounded(), args.lang)  # printed before writing: a console failure writes nothing
    written = write_outputs(_default_outdir(args, args.scenario), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    from costmodel.contract import read_contract
    from costmodel.folders import is_contract, is_criteria, is_futures, is_plan
    from costmodel.futures import load_futures
    from costmodel.mcda import load_criteria
    from costmodel.schedule.plan import load_plan

    status = EXIT_OK
    for path in args.files:
        try:
            if is_criteria(path):
                first = load_criteria(path)
                cost = first.cost_scenario_path
                if cost is not None and cost.exists():  # options checked against the scenario scored
                    load_criteria(path, [o.id for o in load_scenario(cost).options])
            elif is_contract(path):
                read_contract(path)
            elif is_futures(path):
                load_futures(path)
            elif is_plan(path):
                load_plan(path)
            else:
                load_scenario(path)
        except InputError as exc:
            _print_problems(exc)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok")
    return status


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def _cmd_report(args: argparse.Namespace) -> int:
    """Every scenario, plan, criteria file, compliance folder, the explanatory report and the notebooks: all or nothing.

    Everything is rendered in memory first; only when every input succeeded
    is the whole set written, in one :func:`costmodel._files.write_report_tree`
    of the output folder (which then removes the files the previous report wrote
    there and this one does not). With any problem, every problem is printed and
    nothing is written (exit 2).
    """
    from costmodel.folders import compliance_inputs, criteria_files, futures_files, plan_files, scenario_files
    from costmodel.overrides import apply_overrides, unused
    from costmodel.reports.outputs import scenario_report_files
    from costmodel.schedule.tracking import procurement

    if not args.scenarios.is_dir():
        print(f"{args.scenarios}: not a directory (expected the folder of scenario .toml files)", file=sys.stderr)
        return EXIT_BAD_INPUT
    paths = scenario_files(args.scenarios)
    if not paths:
        print(f"{args.scenarios}: no scenario files (*.toml with a [scenario] table)", file=sys.stderr)
        return EXIT_BAD_INPUT
    plans, criteria = plan_files(args.scenarios), criteria_files(args.scenarios)
    futures = futures_files(args.scenarios)
    contract = (args.scenarios / "past-rental-contract.toml").exists()
    found = compliance_inputs(args.scenarios / "ioc-data")
    notebooks = sorted(args.notebooks.glob("*.ipynb")) if not args.no_notebooks and args.notebooks.is_dir() else []
    subfolders = [p.stem for p in (*paths, *plans, *criteria, *futures)]
    subfolders += ["explanatory"] * contract + ["compliance"] * (found is not None) + ["notebooks"] * bool(notebooks)
    check_outputs(folders=[("-o", args.output / name) for name in dict.fromkeys(subfolders)])
    overrides = _overrides(args)
    problems = 0

    def failed(exc: InputError) -> None:
        nonlocal problems
        _print_problems(exc)
        problems += len(exc.problems) or 1

    loaded: list[Scenario] = []
    for path in paths:
        try:
            loaded.append(load_scenario(path))
        except ScenarioError as exc:
            failed(exc)
    missing = unused(loaded, overrides)
    if missing:
        raise ScenarioError([Problem(o.option, o.path, f"no scenario in {args.scenarios} has this key") for o in missing])
    tree: dict[str, dict[str, bytes]] = {}  # subfolder -> {file name: bytes}, written only when everything succeeded
    index: list[tuple[str, str, str]] = []  # (input, preferred option or "-", subfolder)
    # the explanatory report first: with --final and a placeholder left, nothing is computed further
    if contract:
        from costmodel.reports.explanatory import ExplanatoryInputs, explanatory_report

        try:
            changes = {"as_of": args.as_of} if args.as_of else {}
            document = explanatory_report(ExplanatoryInputs.from_folder(args.scenarios, **changes), args.final, args.lang)
        except InputError as exc:
            _print_problems(exc)
            if args.final:
                print("costmodel report: --final refused: replace each placeholder above (nothing written)", file=sys.stderr)
                return EXIT_BAD_INPUT
            problems += len(exc.problems) or 1
        else:
            tree["explanatory"] = document.files()
            label = "explanatory report (draft)" if document.draft else "explanatory report"
            index.append((f"past-rental-contract.toml ({label})", "-", "explanatory"))
    evaluated: list[Scenario] = []
    summaries = []
    for scenario in loaded:
        path = Path(scenario.source)
        try:
            result, files, notes = scenario_report_files(apply_overrides(scenario, overrides, only_present=True), args.lang)
        except InputError as exc:
            failed(exc)
            continue
        for note in notes:
            print(note, file=sys.stderr)
        tree.setdefault(path.stem, {}).update(files)
        evaluated.append(result.scenario)
        summaries.append(result.rounded())
        index.append((path.name, result.scenario.option(result.preferred).name, path.stem))
    for plan_path in plans:
        progress_dir = args.scenarios / f"{plan_path.stem}-progress"
        try:
            tracked = procurement(plan_path, progress_dir if progress_dir.is_dir() else None, None, evaluated)
            files = _procurement_files(tracked, args.lang)
        except InputError as exc:
            failed(exc)
            continue
        tree.setdefault(plan_path.stem, {}).update(files)
        index.append((f"{plan_path.name} (schedule)", "-", plan_path.stem))
    for criteria_path in criteria:
        from costmodel.choice import choose
        from costmodel.reports.outputs import choice_files

        try:
            choice = choose(criteria_path)
            files = choice_files(choice, args.lang)
        except InputError as exc:
            failed(exc)
            continue
        tree.setdefault(criteria_path.stem, {}).update(files)
        index.append((f"{criteria_path.name} (decision)", "-", criteria_path.stem))
    for futures_path in futures:
        from costmodel.futures import robust
        from costmodel.reports.outputs import robust_files

        try:
            files = robust_files(robust(futures_path), args.lang)
        except InputError as exc:
            failed(exc)
            continue
        tree.setdefault(futures_path.stem, {}).update(files)
        index.append((f"{futures_path.name} (futures)", "-", futures_path.stem))
    compliance_result = None
    if found is not None:
        try:
            compliance_result, files = _sample_compliance(args.scenarios / "ioc-data", found, args.lang)
        except InputError as exc:
            failed(exc)
        else:
            tree.setdefault("compliance", {}).update(files)
            index.append(("ioc-data/ (compliance)", "-", "compliance"))
    if problems:
        print(
            f"costmodel report: nothing written to {args.output} ({problems} problem{'s' * (problems != 1)} above; "
            "the report is written all or nothing)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    if notebooks:  # the slowest part, last: still rendered before anything is written
        rendered = _render_notebooks(notebooks, args.lang)
        if rendered:
            tree.setdefault("notebooks", {}).update(rendered)
            index.append((f"{args.notebooks}/ (notebooks)", "-", "notebooks"))
    for shown in summaries:  # the console before writing: a failure there leaves the output folder as it was
        console.print_summary(shown, args.lang)
        print()
    if compliance_result is not None:
        console.print_compliance(compliance_result.report, compliance_result.changes, args.lang)
    out = console.console()
    write_report_tree(args.output, {f"{sub}/{name}": data for sub, files in tree.items() for name, data in files.items()})
    out.print(voc.text("console.wrote_folder", args.lang, folder=args.output.resolve()))
    for name, preferred, sub in index:
        cheapest = f"  ({voc.text('console.preferred_short', args.lang, name=preferred)})" if preferred != "-" else ""
        out.print(f"  {name}{cheapest}")
        for file_name in tree[sub]:
            print(f"    {args.output / sub / file_name}")  # one path a line, never wrapped
    return EXIT_OK


def _procurement_files(tracked, lang: str) -> dict[str, bytes]:
    from costmodel.reports.outputs import procurement_files

    return procurement_files(tracked, lang)


# ---------------------------------------------------------------------------
# assumptions
# ---------------------------------------------------------------------------


def _load_cost_scenarios(folder: Path) -> list[Scenario]:
    scenarios, problems = [], []
    for path in scenario_files(folder):
        try:
            scenarios.append(load_scenario(path))
        except ScenarioError as exc:
            problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _cmd_assumptions(args: argparse.Namespace) -> int:
    register = read_register(args.register)
    folder = args.scenarios if args.scenarios is not None else args.register.parent
    scenarios = _load_cost_scenarios(folder)
    problems = [p for s in scenarios for p in check_citations(s, register)]
    if problems:
        raise ScenarioError(problems)
    text = register_markdown(register, citations_by_id(scenarios))
    detail = f"{len(register)} entries; citations of {len(scenarios)} scenarios checked"
    return _write_or_check(args.output, text, args.check, f"{args.register}", "costmodel assumptions", detail)


def _cmd_glossary(args: argparse.Namespace) -> int:
    return _write_or_check(args.output, voc.glossary_markdown(), args.check, "the reader vocabulary", "costmodel glossary")


def _write_or_check(output: Path, text: str, check: bool, origin: str, command: str, detail: str = "") -> int:
    """Write a generated document, or with ``check`` only say whether the file is current (exit 2 if not)."""
    suffix = f" ({detail})" if detail else ""
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            print(f"{output}: out of date with {origin}; run '{command}'", file=sys.stderr)
            return EXIT_BAD_INPUT
        print(f"{output}: up to date{suffix}")
        return EXIT_OK
    write_outputs(output.parent, {output.name: text.encode("utf-8")})
    print(f"Wrote {output}{suffix}")
    return EXIT_OK


# ---------------------------------------------------------------------------
# peers
# ---------------------------------------------------------------------------


def _cmd_peers(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if not scenario.comparisons:
        print(
            f"{args.scenario}: no [[comparisons]] table: nothing to compare (see docs/scenario-format.md)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    result = evaluate(scenario)
    peers_csv = args.peers or args.scenario.parent / "peer-costs.csv"
    index_csv = args.index or args.scenario.parent / "price-index.csv"
    if not peers_csv.exists():
        print(f"{peers_csv}: no such file (the published costs of other provinces; see --peers)", file=sys.stderr)
        return EXIT_BAD_INPUT
    tables = peer_tables(result, peers_csv, index_csv)
    files = {f"{name}.csv": csv_bytes(t) for name, t in tables.items()}
    console.print_peers(tables["peers"], tables["peer_costs"], scenario, args.lang)
    written = write_outputs(_default_outdir(args, args.scenario), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# compliance
# ---------------------------------------------------------------------------


def _cmd_compliance(args: argparse.Namespace) -> int:
    from costmodel.compliance import check_compliance
    from costmodel.reports.outputs import compliance_files

    if (args.previous is None) != (args.previous_as_of is None):
        print("costmodel compliance: --previous and --previous-as-of go together", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = check_compliance(args.catalogue, args.status, args.as_of, args.previous, args.previous_as_of, args.sample)
    files = compliance_files(result, args.lang)
    _print_compliance_warnings(result)
    console.print_compliance(result.report, result.changes, args.lang)
    written = write_outputs(args.output, files)
    console.print_written(written, args.lang)
    return EXIT_OK


def _print_compliance_warnings(result) -> None:
    from costmodel.reports.compliance_report import warning_text

    for w in result.report.warnings:
        print(f"warning: {warning_text(w, 'en')}", file=sys.stderr)


def _sample_compliance(folder: Path, found, lang: str) -> tuple[object, dict[str, bytes]]:
    """Run compliance on ``folder``: its catalogue and the two latest status files (``found``); the result and its files."""
    from costmodel.compliance import check_compliance
    from costmodel.reports.outputs import compliance_files

    catalogue, statuses = found
    as_of, status = statuses[-1]
    prev_as_of, prev = statuses[-2] if len(statuses) > 1 else (None, None)
    result = check_compliance(catalogue, status, as_of, prev, prev_as_of, sample=(folder / "SAMPLE").exists())
    files = compliance_files(result, lang)
    _print_compliance_warnings(result)
    return result, files


# ---------------------------------------------------------------------------
# schedule
# ---------------------------------------------------------------------------


def _cmd_schedule(args: argparse.Namespace) -> int:
    from costmodel.schedule.tracking import procurement

    scenarios = [load_scenario(path) for path in args.scenario]
    tracked = procurement(args.plan, args.progress, args.as_of, scenarios)
    files = _procurement_files(tracked, args.lang)
    console.print_schedule(tracked.plan, tracked.baseline, tracked.status, args.lang)
    written = write_outputs(_default_outdir(args, args.plan), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# simulate and sensitivity
# ---------------------------------------------------------------------------


def _progress_bar(total: int):
    """A rich progress bar on stderr, silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    out = Console(file=sys.stderr)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=out,
        disable=not sys.stderr.isatty(),
        transient=True,
    )
    task = progress.add_task("Monte Carlo", total=total)
    return progress, (lambda done, _total: progress.update(task, completed=done))


def _engine_size(scenario: Scenario) -> dict[str, int]:
    return {
        "n_options": len(scenario.options),
        "n_years": scenario.n_years,
        "n_items": sum(len(o.items) for o in scenario.options),
        "n_inputs": len(scenario.random_inputs) + len(scenario.parameters),
    }


def _too_big(option: str, need: int, available: int, what: str, most: str) -> InputError:
    """The problem of a run that would not fit in memory, naming the option and the most the machine can hold."""
    message = (
        f"{what} would need about {human_bytes(need)} of memory; about {human_bytes(available)} is available "
        f"({USABLE_SHARE:.0%} of it usable): this machine can hold at most {most}"
    )
    return InputError([Problem(option, "", message)])


def _simulation_chunk(scenario: Scenario, draws: int, chunk: int | None) -> int:
    """The draws per chunk: ``--chunk``, else the default made smaller when memory is short.

    Stops (exit 2, naming ``--draws``) before anything is allocated when the
    draws kept would not fit in memory (see :mod:`costmodel._limits`).
    """
    from costmodel.risk.simulate import DEFAULT_CHUNK

    size = _engine_size(scenario)
    available = available_memory()
    if chunk is None:  # a quarter of the usable memory at most for the engine's working arrays (results unchanged)
        chunk = min(DEFAULT_CHUNK, max(1_000, int(available * USABLE_SHARE / 4) // engine_row_bytes(**size)))
    sources = {source for _, source in (scenario.budget_cap or {}) if source != "total"}
    fixed, per_draw = simulation_bytes(draws, chunk, **size, n_sources=len(sources))
    need = fixed + draws * per_draw
    if need > available * USABLE_SHARE:
        most = most_units(per_draw, fixed, available)
        what = f"{draws:,} draws of {size['n_options']} options x {size['n_years']} years"
        raise _too_big("--draws", need, available, what, f"{most:,} draws")
    return chunk


def _check_sensitivity_memory(scenario: Scenario, sobol: int, steps: int, grid: bool) -> None:
    size = _engine_size(scenario)
    available = available_memory()
    if sobol and scenario.is_uncertain:
        per = sobol_bytes(**size, n_random=len(scenario.random_inputs))
        if sobol * per > available * USABLE_SHARE:
            most = most_units(per, 0, available)
            power = 2 ** (most.bit_length() - 1) if most >= 2 else 0
            what = f"a Sobol base sample of {sobol:,} ({len(scenario.random_inputs)} random inputs)"
            raise _too_big("--sobol", sobol * per, available, what, f"--sobol {power}")
    if grid:
        per = grid_bytes(**size)
        if steps * steps * per > available * USABLE_SHARE:
            most = math.isqrt(most_units(per, 0, available))
            what = f"a grid of {steps:,} x {steps:,} points"
            raise _too_big("--steps", steps * steps * per, available, what, f"--steps {most}")


def _cmd_simulate(args: argparse.Namespace) -> int:
    from costmodel.reports.outputs import simulation_files
    from costmodel.risk.simulate import simulate

    scenario = _scenario(args.scenario, _overrides(args))
    chunk = _simulation_chunk(scenario, args.draws, args.chunk)
    if not scenario.is_uncertain:
        print(
            f"{args.scenario}: note: no input is a distribution, so every draw equals the deterministic result",
            file=sys.stderr,
        )
    bar, callback = _progress_bar(args.draws)
    with bar:
        result = simulate(scenario, args.draws, args.seed, chunk, args.budget_cap, callback)
    files = simulation_files(result, args.lang)
    console.print_simulation(result, args.lang)
    written = write_outputs(_default_outdir(args, args.scenario), files)
    console.print_written(written, args.lang)
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from costmodel.reports.outputs import sensitivity_files
    from costmodel.risk.sensitivity import sensitivity

    scenario = _scenario(args.scenario, _overrides(args))
    _check_sensitivity_memory(scenario, args.sobol, args.steps, args.grid is not None)
    sens = sensitivity(scenario, args.percent, args.grid, args.steps, args.sobol, args.seed)
    files = sensitivity_files(sens, args.lang)
    console.print_switching(sens.switching, scenario, args.lang)
    written = write_outputs(_default_outdir(args, args.scenario), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# audit
# ---------------------------------------------------------------------------


def _cmd_audit(args: argparse.Namespace) -> int:
    from costmodel.reports.outputs import audit_files, audit_of

    result = evaluate(load_scenario(args.scenario))
    try:
        audit = audit_of(result, args.usage, args.rent, args.buy, args.points, args.hours_per_month)
        files = audit_files(audit, args.lang)
    except ValueError as exc:
        if isinstance(exc, InputError):
            raise
        print(f"{args.scenario}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    console.print_audit(audit, args.lang)
    written = write_outputs(_default_outdir(args, args.scenario), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# choose
# ---------------------------------------------------------------------------


def _check_weight_draws_memory(criteria_path: Path, draws: int) -> None:
    from costmodel.mcda import load_criteria

    crit = load_criteria(criteria_path)
    per = weight_draw_bytes(len(crit.criteria), len(crit.options))
    available = available_memory()
    if draws * per > available * USABLE_SHARE:
        what = f"{draws:,} weight draws of {len(crit.criteria)} criteria x {len(crit.options)} options"
        raise _too_big("--draws", draws * per, available, what, f"{most_units(per, 0, available):,} draws")


def _cmd_choose(args: argparse.Namespace) -> int:
    from costmodel.choice import choose
    from costmodel.reports.outputs import choice_files

    _check_weight_draws_memory(args.criteria, args.draws)
    survey = args.survey if args.survey is not None else "auto"
    compliance = args.compliance if args.compliance is not None else "auto"
    choice = choose(args.criteria, None, survey, compliance, args.draws, args.seed)
    files = choice_files(choice, args.lang)
    console.print_choice(choice, args.lang)
    written = write_outputs(_default_outdir(args, args.criteria), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# robust and optimise
# ---------------------------------------------------------------------------


def _cmd_robust(args: argparse.Namespace) -> int:
    from costmodel.futures import robust
    from costmodel.reports.outputs import robust_files
    from costmodel.reports.robust_report import robust_text

    result = robust(args.futures)
    files = robust_files(result, args.lang)
    console.console().print(robust_text(result, args.lang))
    written = write_outputs(_default_outdir(args, args.futures), files)
    console.print_written(written, args.lang)
    return EXIT_OK


def _optimise_outdir(args: argparse.Namespace) -> Path:
    return args.output if args.output is not None else Path("reports") / f"{args.scenario.stem}-plan"


def _budget_caps(specs: Sequence[str]) -> dict:
    """``[SOURCE[:YEAR]=]VND`` options as the optimiser's caps ``{(year, source): cap}`` / ``{source: cap}``."""
    caps: dict = {}
    for spec in specs:
        key, sep, amount = spec.rpartition("=")
        try:
            value = float(amount.replace("_", ""))
        except ValueError:
            value = float("nan")
        if not (value > 0 and value < float("inf")):
            raise ScenarioError(
                [Problem("--budget-cap", spec, "expected [SOURCE[:YEAR]=]VND with a positive amount, e.g. investment:2025=3.5e9")]
            )
        source, _, year = (key or "total").partition(":")
        if year:
            if not year.isdigit():
                raise ScenarioError([Problem("--budget-cap", spec, f"expected a year after ':', got {year!r}")])
            caps[(int(year), source)] = value
        else:
            caps[source] = value
    return caps


def _cmd_optimise(args: argparse.Namespace) -> int:
    from costmodel.decision.optimise import optimise
    from costmodel.reports.optimise_report import optimise_text
    from costmodel.reports.outputs import optimise_files

    if args.near_optimal < 0:
        raise ScenarioError([Problem("--near-optimal", str(args.near_optimal), "expected a whole number >= 0")])
    futures = None
    if args.futures is not None:
        from costmodel.futures import load_futures

        spec = load_futures(args.futures)
        futures = {
            f.id: (load_scenario(f.scenario), f.probability if f.probability is not None else 1 / len(spec.futures))
            for f in spec.futures
        }
    result = optimise(args.scenario, futures, _budget_caps(args.budget_cap) or None, args.near_optimal)
    files = optimise_files(result, args.lang)
    console.console().print(optimise_text(result, args.lang))
    written = write_outputs(_optimise_outdir(args), files)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------


def _compare_groups(specs: Sequence[str]) -> dict[str, list[str]] | None:
    groups: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, patterns = spec.partition("=")
        if not sep or not name.strip() or not patterns.strip():
            raise ScenarioError(
                [Problem("--group", spec, "expected NAME=PATTERN[,PATTERN...], e.g. rent=options.rent.items[*].price")]
            )
        groups.setdefault(name.strip(), []).extend(p.strip() for p in patterns.split(",") if p.strip())
    return groups or None


def _compare_outdir(args: argparse.Namespace) -> Path:
    stem = args.a.stem if args.b is None else f"{args.a.stem}-vs-{args.b.stem}"
    return args.output if args.output is not None else Path("reports") / "compare" / stem


def _cmd_compare(args: argparse.Namespace) -> int:
    from costmodel.explain import compare
    from costmodel.reports.compare_report import attribution_text
    from costmodel.reports.outputs import explanation_files

    overrides = _overrides(args)
    a = load_scenario(args.a)
    if args.b is None:
        if not overrides:
            print("costmodel compare: give a second scenario file or --set/--scale edits of the first", file=sys.stderr)
            return EXIT_BAD_INPUT
        b = _apply(a, overrides)
    else:
        b = _scenario(args.b, overrides)
    explanation = compare(a, b, _compare_groups(args.group))
    files = explanation_files(explanation, args.lang)
    console.print_explanation(explanation, args.lang)
    console.console().print(attribution_text(explanation, args.lang).replace("**", ""))
    written = write_outputs(_compare_outdir(args), files)
    console.print_written(written, args.lang)
    return EXIT_OK


def _apply(scenario: Scenario, overrides) -> Scenario:
    from costmodel.overrides import apply_overrides

    return apply_overrides(scenario, overrides)


def _render_notebooks(paths: Sequence[Path], lang: str) -> dict[str, bytes]:
    """Execute the notebooks and render each to self-contained HTML (no code): ``{stem.html: bytes}``, nothing written."""
    try:
        from costmodel.reports.notebook import run_notebook
    except ImportError:  # pragma: no cover
        return {}
    try:
        import nbclient  # noqa: F401
    except ImportError:
        print("note: notebooks skipped: install the 'notebooks' extra (pip install -e '.[notebooks]')", file=sys.stderr)
        return {}
    files = {}
    for path in paths:
        _, html = run_notebook(path.resolve(), {"lang": lang} if lang != "vi" else None)
        files[f"{path.stem}.html"] = html.encode("utf-8")
    return files

"""Command-line interface: the only place that wires files to the library.

Exit codes: 0 success, 2 bad input or usage, 1 unexpected failure. Problems
with input are printed one per line to stderr as ``FILE: key.path: message``,
never as a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from costmodel import __version__
from costmodel._files import write_outputs
from costmodel.audit import UsageError, read_usage, retrospective
from costmodel.compliance import ComplianceError, changes, evaluate_compliance, read_catalogue, read_status
from costmodel.evaluation import Evaluation, evaluate
from costmodel.keys import GAP
from costmodel.peers import (
    peer_positions,
    peers_at_base_year,
    read_peer_costs,
    read_price_index,
    scenario_unit_costs,
)
from costmodel.problems import InputError
from costmodel.register import check_citations, citations_by_id, read_register, register_markdown
from costmodel.reports import console
from costmodel.reports import vocabulary as voc
from costmodel.reports.compliance_report import (
    compliance_html,
    compliance_markdown,
    compliance_workbook_bytes,
    warning_text,
)
from costmodel.reports.vocabulary import LANGS
from costmodel.reports.workbook import Provenance, workbook_bytes
from costmodel.scenario import Problem, Scenario, ScenarioError, load_scenario
from costmodel.schedule.plan import PlanError

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
    sim.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    sim.add_argument(
        "--budget-cap",
        type=float,
        default=None,
        metavar="VND",
        help="yearly appropriation; overrides [risk] budget_cap",
    )
    sim.add_argument("--chunk", type=_positive_int, default=None, metavar="N", help="draws per chunk (memory bound)")
    sim.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    sim.add_argument("--lang", choices=LANGS, default="vi")

    sen = sub.add_parser("sensitivity", help="tornado, switching values, two-way grid and Sobol indices")
    sen.add_argument("scenario", type=Path, metavar="SCENARIO.toml")
    sen.add_argument(
        "--percent",
        type=float,
        default=0.20,
        metavar="P",
        help="+/- share for inputs that are plain numbers (default 0.20)",
    )
    sen.add_argument(
        "--grid",
        default=None,
        metavar="A,B",
        help="two inputs for the two-way grid (labels or unique parts of them), or 'auto'",
    )
    sen.add_argument("--steps", type=_positive_int, default=11, metavar="N", help="grid points per input (default 11)")
    sen.add_argument("--sobol", type=int, default=1024, metavar="N", help="Sobol base sample, a power of 2; 0 to skip")
    sen.add_argument("--seed", type=int, default=0, metavar="S")
    sen.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    sen.add_argument("--lang", choices=LANGS, default="vi")

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
        type=float,
        default=176.0,
        metavar="H",
        help="available hours per point and month (default 176 = 22 days x 8 h)",
    )
    aud.add_argument("-o", "--output", type=Path, default=None, metavar="OUTDIR", help="default: reports/<file stem>/")
    aud.add_argument("--lang", choices=LANGS, default="vi")

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


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _iso_date(text: str) -> dt.date:
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _print_problems(exc) -> None:
    for problem in exc.problems:
        print(problem, file=sys.stderr)


# ---------------------------------------------------------------------------
# run
# ---------------------------------------------------------------------------


def _csv_bytes(table: pd.DataFrame) -> bytes:
    # Full precision, no rounding: repr-exact floats; empty cells for missing values.
    return table.to_csv(index=False, float_format=None, lineterminator="\n").encode("utf-8")


def _render_outputs(
    result: Evaluation,
    lang: str,
    peer_tables: dict[str, pd.DataFrame] | None,
    register: pd.DataFrame | None = None,
    simulation: dict[str, pd.DataFrame] | None = None,
    sensitivity: dict[str, pd.DataFrame] | None = None,
    provenance: Provenance | None = None,
) -> dict[str, bytes]:
    from costmodel.reports.charts import budget_by_category_figure, cumulative_figure, pv_by_category_figure

    files = {f"{name}.csv": _csv_bytes(table) for name, table in result.tables.items()}  # machines: full precision
    if peer_tables:
        files.update({f"{name}.csv": _csv_bytes(table) for name, table in peer_tables.items()})
    shown = result.rounded()  # readers: every total from lines rounded to the đồng
    files["workbook.xlsx"] = workbook_bytes(shown, lang, register, simulation, sensitivity, provenance)
    files.update(_figure_files(cumulative_figure(shown, lang), "cumulative"))
    files.update(_figure_files(budget_by_category_figure(shown, lang), "budget-by-category"))
    files.update(_figure_files(pv_by_category_figure(shown, lang), "pv-by-category"))
    return files


def _register_for(path: Path) -> pd.DataFrame | None:
    """The assumptions register beside a scenario file, if there is one."""
    candidate = path.parent / "assumptions.csv"
    return read_register(candidate) if candidate.exists() else None


def _peer_tables(result: Evaluation, peers_csv: Path, index_csv: Path) -> dict[str, pd.DataFrame]:
    """Peer positions of a scenario's ``[[comparisons]]`` (empty without any)."""
    if not result.scenario.comparisons:
        return {}
    peers = peers_at_base_year(read_peer_costs(peers_csv), read_price_index(index_csv), result.scenario.base_year)
    positions = peer_positions(scenario_unit_costs(result), peers)
    return {"peers": positions, "peer_costs": peers}


#: Draws and seed of the Monte Carlo run that ``costmodel report`` adds for uncertain scenarios.
REPORT_DRAWS, REPORT_SEED = 10_000, 0


def _run_one(
    path: Path, outdir: Path, lang: str, with_peers: bool = True, with_risk: bool = False
) -> tuple[Evaluation, list[Path]]:
    scenario = load_scenario(path)
    result = evaluate(scenario)
    peers_csv, index_csv = path.parent / "peer-costs.csv", path.parent / "price-index.csv"
    peer_tables = _peer_tables(result, peers_csv, index_csv) if with_peers and peers_csv.exists() else None
    files: dict[str, bytes] = {}
    simulation = sensitivity = None
    provenance = Provenance()
    if with_risk and scenario.is_uncertain:
        sim, sim_files = _simulation_outputs(scenario, REPORT_DRAWS, REPORT_SEED, None, None, lang, show_progress=False)
        files.update(sim_files)
        simulation = {"summary": _with_point_estimate(sim.summary(), result.rounded()), "budget": sim.budget()}
        provenance = Provenance(draws=REPORT_DRAWS, seed=REPORT_SEED)
    if with_risk:
        sens_files, sensitivity = _sensitivity_outputs(scenario, 0.20, "auto", 11, 1024, REPORT_SEED, lang)
        files.update(sens_files)
    usage_csv = path.parent / f"{path.stem}-usage.csv"
    if with_risk and usage_csv.exists() and {"rent", "buy"} <= {o.id for o in scenario.options}:
        files.update(_audit_outputs(result, usage_csv, "rent", "buy", None, 176.0, lang)[1])
    # render everything before writing anything
    files.update(_render_outputs(result, lang, peer_tables, _register_for(path), simulation, sensitivity, provenance))
    written = write_outputs(outdir, files)
    return result, written


def _with_point_estimate(summary: pd.DataFrame, shown: Evaluation) -> pd.DataFrame:
    """The Monte Carlo summary with the point estimate as the summary table shows it (rounded lines)."""
    out = summary.copy()
    out["deterministic"] = out["option"].map(shown.summary.set_index("option")["pv_cost"])
    return out


def _cmd_run(args: argparse.Namespace) -> int:
    outdir = args.output if args.output is not None else Path("reports") / args.scenario.stem
    result, written = _run_one(args.scenario, outdir, args.lang)
    console.print_summary(result.rounded(), args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    for path in args.files:
        try:
            load_scenario(path)
        except ScenarioError as exc:
            _print_problems(exc)
            status = EXIT_BAD_INPUT
        else:
            print(f"{path}: ok")
    return status


# ---------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------


def _cmd_report(args: argparse.Namespace) -> int:
    if not args.scenarios.is_dir():
        print(f"{args.scenarios}: not a directory (expected the folder of scenario .toml files)", file=sys.stderr)
        return EXIT_BAD_INPUT
    paths = sorted(p for p in args.scenarios.glob("*.toml") if _is_cost_scenario(p))
    if not paths:
        print(f"{args.scenarios}: no scenario files (*.toml with a [scenario] table)", file=sys.stderr)
        return EXIT_BAD_INPUT
    status = EXIT_OK
    index: list[tuple[str, str, list[Path]]] = []
    evaluated: list[Scenario] = []
    for path in paths:
        try:
            result, written = _run_one(path, args.output / path.stem, args.lang, with_risk=True)
        except ScenarioError as exc:
            _print_problems(exc)
            status = EXIT_BAD_INPUT
            continue
        evaluated.append(result.scenario)
        console.print_summary(result.rounded(), args.lang)
        print()
        index.append((path.name, result.scenario.option(result.preferred).name, written))
    for plan_path in sorted(p for p in args.scenarios.glob("*.toml") if _is_plan(p)):
        progress_dir = args.scenarios / f"{plan_path.stem}-progress"
        try:
            progress = progress_dir if progress_dir.is_dir() else None
            _, _, _, files = _schedule_outputs(plan_path, progress, None, args.lang, evaluated)
        except PlanError as exc:
            _print_problems(exc)
            status = EXIT_BAD_INPUT
            continue
        index.append((f"{plan_path.name} (schedule)", "-", write_outputs(args.output / plan_path.stem, files)))
    ioc_data = args.scenarios / "ioc-data"
    if ioc_data.is_dir():
        try:
            written = _sample_compliance(ioc_data, args.output / "compliance", args.lang)
        except ComplianceError as exc:
            _print_problems(exc)
            status = EXIT_BAD_INPUT
        else:
            if written:
                index.append(("ioc-data/ (compliance)", "-", written))
    if not args.no_notebooks and args.notebooks.is_dir():
        rendered = _render_notebooks(args.notebooks, args.output / "notebooks", args.lang)
        if rendered:
            index.append((f"{args.notebooks}/ (notebooks)", "-", rendered))
    out = console.console()
    out.print(voc.text("console.wrote_folder", args.lang, folder=args.output.resolve()))
    for name, preferred, written in index:
        cheapest = f"  ({voc.text('console.preferred_short', args.lang, name=preferred)})" if preferred != "-" else ""
        out.print(f"  {name}{cheapest}")
        for p in written:
            print(f"    {p}")
    return status


def _is_plan(path: Path) -> bool:
    """True for TOML files with a top-level ``[project]`` table (procurement plans)."""
    import tomllib

    try:
        return "project" in tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _is_cost_scenario(path: Path) -> bool:
    """True for TOML files with a top-level ``[scenario]`` table (cost scenarios).

    Other TOML files in the folder (e.g. procurement plans) are left to their
    own commands. A file that cannot be read is treated as a scenario so that
    its problem is reported.
    """
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return "scenario" in data or "options" in data


# ---------------------------------------------------------------------------
# assumptions
# ---------------------------------------------------------------------------


def _load_cost_scenarios(folder: Path) -> list[Scenario]:
    scenarios, problems = [], []
    for path in sorted(p for p in folder.glob("*.toml") if _is_cost_scenario(p)):
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
        current = output.read_text(encoding="utf-8") if output.exists() else ""
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
    tables = _peer_tables(result, peers_csv, index_csv)
    outdir = args.output if args.output is not None else Path("reports") / args.scenario.stem
    written = write_outputs(outdir, {f"{name}.csv": _csv_bytes(t) for name, t in tables.items()})
    console.print_peers(tables["peers"], tables["peer_costs"], scenario, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# compliance
# ---------------------------------------------------------------------------


def _compliance_outputs(
    catalogue_csv: Path,
    status_csv: Path,
    as_of: dt.date,
    previous_csv: Path | None,
    previous_as_of: dt.date | None,
    lang: str,
    sample: bool,
):
    catalogue = read_catalogue(catalogue_csv)
    report = evaluate_compliance(catalogue, read_status(status_csv, catalogue), as_of)
    change_table = None
    if previous_csv is not None:
        previous = evaluate_compliance(catalogue, read_status(previous_csv, catalogue), previous_as_of)
        change_table = changes(report, previous)
    files = {f"{name}.csv": _csv_bytes(table) for name, table in report.lists.items()}
    files["scorecard.csv"] = _csv_bytes(report.scorecard)
    if change_table is not None:
        files["changes.csv"] = _csv_bytes(change_table)
    files["compliance.xlsx"] = compliance_workbook_bytes(report, change_table, lang, sample, previous_as_of)
    files["compliance.md"] = compliance_markdown(report, change_table, previous_as_of, lang, sample).encode("utf-8")
    files["compliance.html"] = compliance_html(report, change_table, previous_as_of, lang, sample).encode("utf-8")
    return report, change_table, files


def _cmd_compliance(args: argparse.Namespace) -> int:
    if (args.previous is None) != (args.previous_as_of is None):
        print("costmodel compliance: --previous and --previous-as-of go together", file=sys.stderr)
        return EXIT_BAD_INPUT
    report, change_table, files = _compliance_outputs(
        args.catalogue, args.status, args.as_of, args.previous, args.previous_as_of, args.lang, args.sample
    )
    written = write_outputs(args.output, files)
    _print_compliance(report, change_table, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


def _print_compliance(report, change_table, lang: str) -> None:
    console.print_compliance(report, change_table, lang)
    for w in report.warnings:
        print(f"warning: {warning_text(w, 'en')}", file=sys.stderr)


_STATUS_NAME = re.compile(r"^status-(\d{4}-\d{2}-\d{2})\.csv$")


def _sample_compliance(folder: Path, output: Path, lang: str) -> list[Path]:
    """Run compliance on ``folder``: catalogue.csv and the two latest status-YYYY-MM-DD.csv."""
    catalogue = folder / "catalogue.csv"
    statuses = sorted((m.group(1), p) for p in folder.glob("status-*.csv") if (m := _STATUS_NAME.match(p.name)))
    if not catalogue.exists() or not statuses:
        return []
    as_of, status = statuses[-1]
    prev_as_of, prev = statuses[-2] if len(statuses) > 1 else (None, None)
    report, change_table, files = _compliance_outputs(
        catalogue,
        status,
        dt.date.fromisoformat(as_of),
        prev,
        dt.date.fromisoformat(prev_as_of) if prev_as_of else None,
        lang,
        sample=(folder / "SAMPLE").exists(),
    )
    _print_compliance(report, change_table, lang)
    return write_outputs(output, files)


# ---------------------------------------------------------------------------
# schedule
# ---------------------------------------------------------------------------

def _figure_files(fig, stem: str) -> dict[str, bytes]:
    import io

    out = {}
    for ext in ("png", "svg"):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, dpi=150 if ext == "png" else None, metadata={"Date": None} if ext == "svg" else None)
        out[f"{stem}.{ext}"] = buffer.getvalue()
    return out


def _links_to(scenario: Scenario, plan_path: Path) -> bool:
    """Whether a scenario takes a date from the plan ``plan_path``."""
    target = plan_path.resolve()
    return any(Path(scenario.base_dir or ".").joinpath(u.link.plan).resolve() == target for u in scenario.plan_links)


def _schedule_outputs(
    plan_path: Path, progress_dir: Path | None, as_of: dt.date | None, lang: str, scenarios: Sequence[Scenario] = ()
):
    from costmodel.reports.gantt import gantt_figure
    from costmodel.reports.schedule_report import weekly_html, weekly_markdown, weekly_workbook_bytes
    from costmodel.schedule.cpm import schedule_plan
    from costmodel.schedule.plan import load_plan, read_progress
    from costmodel.schedule.progress import forecast, week_over_week
    from costmodel.schedule.service import progress_files, service_months
    from costmodel.slip import plan_slip

    plan = load_plan(plan_path)
    baseline = schedule_plan(plan)
    table = baseline.table.copy()
    for col in ("early_start", "early_finish", "late_start", "late_finish"):
        table[col] = [d.isoformat() for d in table[col]]
    table["critical"] = ["true" if c else "false" for c in table["critical"]]
    files = {"schedule.csv": _csv_bytes(table)}
    status = previous = change_table = None
    if progress_dir is not None:
        found = progress_files(progress_dir)
        if not found:
            raise PlanError([Problem(str(progress_dir), "", "no progress-YYYY-MM-DD.csv files in this folder")])
        if as_of is None:
            as_of = found[-1][0]
        current = [p for d, p in found if d == as_of]
        if not current:
            dates = ", ".join(d.isoformat() for d, _ in found)
            raise PlanError([Problem(str(progress_dir), "", f"no progress-{as_of.isoformat()}.csv (found: {dates})")])
        status = forecast(plan, baseline, read_progress(current[0], plan, as_of), as_of)
        earlier = [(d, p) for d, p in found if d < as_of]
        if earlier:
            d_prev, p_prev = earlier[-1]
            previous = forecast(plan, baseline, read_progress(p_prev, plan, d_prev), d_prev)
            change_table = week_over_week(status, previous, plan)
        st = status.table.copy()
        for col in (
            "baseline_start",
            "baseline_finish",
            "actual_start",
            "actual_finish",
            "forecast_start",
            "forecast_finish",
        ):
            st[col] = [d.isoformat() if d is not None else "" for d in st[col]]
        files["status.csv"] = _csv_bytes(st)
    fig = gantt_figure(plan, baseline, status, lang)
    figures = _figure_files(fig, "gantt")
    files.update(figures)
    slips = [sl for sl in (plan_slip(sc) for sc in scenarios if _links_to(sc, plan_path)) if sl is not None]
    if slips:
        frames = []
        for sl in slips:
            frame = sl.items.copy()
            frame.insert(0, "scenario", Path(sl.forecast.scenario.source).stem)
            frames.append(frame)
        files["slip.csv"] = _csv_bytes(pd.concat(frames, ignore_index=True))
    if status is not None:
        sample = progress_dir is not None and (progress_dir / "SAMPLE").exists()
        svg = figures["gantt.svg"].decode("utf-8")
        svg = svg[svg.index("<svg") :]
        args = (plan, baseline, status, previous, change_table, lang)
        files["weekly-report.md"] = weekly_markdown(*args, slips=slips, sample=sample).encode("utf-8")
        files["weekly-report.html"] = weekly_html(*args, gantt_svg=svg, slips=slips, sample=sample).encode("utf-8")
        files["weekly-report.xlsx"] = weekly_workbook_bytes(*args, slips=slips, sample=sample)
    if plan.service_task:
        sign = (
            status.table.set_index("id")
            if status is not None
            else baseline.table.set_index("id").rename(columns={"early_finish": "forecast_finish"})
        )
        signed = sign.loc[plan.service_task, "forecast_finish"]
        start = dt.date(signed.year + (signed.month == 12), signed.month % 12 + 1, 1)
        years = plan.service_years or tuple(range(start.year, start.year + 5))
        months = service_months(start, range(min(years), max(years) + 1))
        months.insert(0, "service_start", start.isoformat())
        files["service_start.csv"] = _csv_bytes(months)
    return plan, baseline, status, files


def _cmd_schedule(args: argparse.Namespace) -> int:
    outdir = args.output if args.output is not None else Path("reports") / args.plan.stem
    scenarios = [load_scenario(path) for path in args.scenario]
    plan, baseline, status, files = _schedule_outputs(args.plan, args.progress, args.as_of, args.lang, scenarios)
    written = write_outputs(outdir, files)
    console.print_schedule(plan, baseline, status, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# simulate and sensitivity
# ---------------------------------------------------------------------------


def _progress_bar(total: int):
    """A rich progress bar on stderr, silent when stderr is not a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(file=sys.stderr)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=console,
        disable=not sys.stderr.isatty(),
        transient=True,
    )
    task = progress.add_task("Monte Carlo", total=total)
    return progress, (lambda done, _total: progress.update(task, completed=done))


def _simulation_outputs(scenario, draws: int, seed: int, budget_cap, chunk, lang: str, show_progress: bool = True):
    from costmodel.reports.risk_charts import s_curve_figure
    from costmodel.risk.simulate import DEFAULT_CHUNK, simulate

    cap = None
    if budget_cap is not None:
        cap = {int(y): float(budget_cap) for y in scenario.years}
    if show_progress:
        bar, callback = _progress_bar(draws)
        with bar:
            result = simulate(scenario, draws, seed, chunk or DEFAULT_CHUNK, cap, callback)
    else:
        result = simulate(scenario, draws, seed, chunk or DEFAULT_CHUNK, cap)
    files = {
        "simulation_summary.csv": _csv_bytes(result.summary()),
        "simulation_budget.csv": _csv_bytes(result.budget()),
    }
    files.update(_figure_files(s_curve_figure(result, lang), "s-curve"))
    return result, files


def _cmd_simulate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if not scenario.is_uncertain:
        print(
            f"{args.scenario}: note: no input is a distribution, so every draw equals the deterministic result",
            file=sys.stderr,
        )
    result, files = _simulation_outputs(scenario, args.draws, args.seed, args.budget_cap, args.chunk, args.lang)
    outdir = args.output if args.output is not None else Path("reports") / args.scenario.stem
    written = write_outputs(outdir, files)
    console.print_simulation(result, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


def _match_input(inputs, text: str):
    exact = [i for i in inputs if i.label == text]
    if exact:
        return exact[0]
    partial = [i for i in inputs if text in i.label]
    if len(partial) == 1:
        return partial[0]
    labels = ", ".join(i.label for i in inputs)
    what = "matches several inputs" if partial else "matches no input"
    raise ScenarioError([Problem("--grid", "", f"{text!r} {what}; inputs: {labels}")])


def _sensitivity_outputs(scenario, percent: float, grid: str | None, steps: int, sobol: int, seed: int, lang: str):
    from costmodel.reports.risk_charts import tornado_figure, two_way_figure
    from costmodel.risk import sensitivity as sens

    inputs = sens.analysis_inputs(scenario, percent)
    table = sens.tornado(scenario, inputs)
    switching = sens.switching_values(scenario, inputs)
    tables = {"tornado": table, "switching": switching}
    files = {"tornado.csv": _csv_bytes(table), "switching.csv": _csv_bytes(switching)}
    target = GAP if len(scenario.options) > 1 else scenario.options[0].id
    files.update(_figure_files(tornado_figure(table, scenario, target, lang), "tornado"))
    if grid:
        if grid == "auto":
            ranked = table[table["target"] == target].sort_values("swing", ascending=False)
            ranked = ranked[ranked["swing"] > 0]
            top = ranked["input"].tolist()[:2]
            pair = [next(i for i in inputs if i.label == t) for t in top]
        else:
            names = [g.strip() for g in grid.split(",")]
            if len(names) != 2:
                raise ScenarioError([Problem("--grid", "", "expected two inputs separated by a comma")])
            pair = [_match_input(inputs, nm) for nm in names]
        if len(pair) == 2:
            grid_table = sens.two_way(scenario, pair[0], pair[1], steps)
            files["two_way.csv"] = _csv_bytes(grid_table)
            # a map of one colour says nothing: draw it only when the cheapest option changes on the grid
            if grid_table["preferred"].nunique() > 1:
                files.update(_figure_files(two_way_figure(grid_table, scenario, lang), "two-way"))
    if sobol and scenario.is_uncertain:
        tables["sobol"] = sens.sobol_indices(scenario, sobol, seed)
        files["sobol.csv"] = _csv_bytes(tables["sobol"])
    return files, tables


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    if args.sobol and (args.sobol < 2 or args.sobol & (args.sobol - 1)):
        print("costmodel sensitivity: --sobol must be a power of 2 (or 0 to skip)", file=sys.stderr)
        return EXIT_BAD_INPUT
    scenario = load_scenario(args.scenario)
    files, tables = _sensitivity_outputs(scenario, args.percent, args.grid, args.steps, args.sobol, args.seed, args.lang)
    outdir = args.output if args.output is not None else Path("reports") / args.scenario.stem
    written = write_outputs(outdir, files)
    console.print_switching(tables["switching"], scenario, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


# ---------------------------------------------------------------------------
# audit
# ---------------------------------------------------------------------------


def _audit_outputs(result: Evaluation, usage_csv: Path, rent: str, buy: str, points, hours: float, lang: str):
    from costmodel.reports.charts import audit_figure

    for oid in (rent, buy):
        if oid not in [o.id for o in result.scenario.options]:
            raise ScenarioError([Problem(result.scenario.source, "options", f"no option {oid!r} (use --rent / --buy)")])
    audit = retrospective(result, read_usage(usage_csv), rent, buy, points, hours)
    files = {
        "audit.csv": _csv_bytes(audit.metrics),
        "audit_monthly.csv": _csv_bytes(audit.monthly),
        "audit_usage.csv": _csv_bytes(audit.usage_by_year),
    }
    files.update(_figure_files(audit_figure(audit, lang), "audit"))
    return audit, files


def _cmd_audit(args: argparse.Namespace) -> int:
    result = evaluate(load_scenario(args.scenario))
    try:
        audit, files = _audit_outputs(result, args.usage, args.rent, args.buy, args.points, args.hours_per_month, args.lang)
    except ValueError as exc:
        if isinstance(exc, ScenarioError | UsageError):
            raise
        print(f"{args.scenario}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    outdir = args.output if args.output is not None else Path("reports") / args.scenario.stem
    written = write_outputs(outdir, files)
    console.print_audit(audit, args.lang)
    console.print_written(written, args.lang)
    return EXIT_OK


def _render_notebooks(folder: Path, output: Path, lang: str) -> list[Path]:
    """Execute every notebook in ``folder`` and write self-contained HTML (no code) to ``output``."""
    try:
        from costmodel.reports.notebook import run_notebook
    except ImportError:  # pragma: no cover
        return []
    try:
        import nbclient  # noqa: F401
    except ImportError:
        print("note: notebooks skipped: install the 'notebooks' extra (pip install -e '.[notebooks]')", file=sys.stderr)
        return []
    files = {}
    for path in sorted(folder.glob("*.ipynb")):
        _, html = run_notebook(path.resolve(), {"lang": lang} if lang != "vi" else None)
        files[f"{path.stem}.html"] = html.encode("utf-8")
    return write_outputs(output, files) if files else []

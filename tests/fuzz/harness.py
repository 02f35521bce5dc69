"""The fuzz harness: formats, what each runs, the oracle, and the saved regression cases.

An *example* is one seed of one format: a shipped input file is mutated
(:mod:`fuzz.mutate`) and written over its copy in a fresh copy of ``scenarios/``;
then the format's *stages* run on that copy, each an independent call chain of the
library or one command line invocation. The **oracle**: every stage ends either

* in success, every numeric output finite (NaN allowed only in the columns documented
  as empty when the metric does not exist), or
* in the project's input error (a subclass of :class:`costmodel.InputError`) whose
  problems each name a file of the input folder (for the command line: exit code 2, a
  message and no traceback).

Anything else is a failure: another exception (warnings are errors, as under pytest),
exit code 1, a non-finite number, a stage running longer than the time limit. A failure
is identified by its *key*: the format, the exception type and the innermost frame in
``src/costmodel`` (file and function), or the table and column of a non-finite number.
The first input found for each key is saved to ``tests/fuzz/regressions/`` as
``<format>-<hash of the key>.<ext>`` with ``<same stem>.json`` saying what failed and how
to replay it; ``tests/test_fuzz.py`` replays every saved case through the same oracle.

Replay one example from the command line::

    .venv/bin/python tests/fuzz/harness.py scenario 17        # format, seed
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import math
import random
import re
import shutil
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

if __package__ in (None, ""):  # run as a script: python tests/fuzz/harness.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from fuzz.mutate import mutate
else:
    from .mutate import mutate

import costmodel
from costmodel.problems import InputError

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
REGRESSIONS = Path(__file__).resolve().parent / "regressions"
SRC = Path(costmodel.__file__).resolve().parent  # .../src/costmodel

#: Columns of the summary that are empty (NaN) when the metric does not exist
#: (the baseline's own row, SIR without added investment, no payback in the horizon, no unit driver).
SUMMARY_MAY_BE_EMPTY = {"sir", "airr", "net_savings", "simple_payback_year", "discounted_payback_year", "unit_cost"}


# ---------------------------------------------------------------------------
# failures
# ---------------------------------------------------------------------------


class OracleFailure(Exception):
    """A stage ended in something the oracle refuses that is not an exception of the library."""

    def __init__(self, kind: str, where: str, message: str):
        super().__init__(f"{kind}: {where}: {message}")
        self.kind, self.where, self.message = kind, where, message


class StageTimeout(BaseException):  # noqa: N818 - BaseException: the library's ``except Exception`` must not swallow it
    """A stage ran longer than the time limit."""


@dataclasses.dataclass
class FailureRecord:
    """One failure of one stage of one example."""

    key: str
    format: str
    stage: str
    kind: str  # exception type name, or OracleFailure kind
    message: str
    frame: str  # innermost frame in src/costmodel: "costmodel/x.py:123 in func"
    code: str  # that frame's source line
    outer_frame: str  # outermost frame in src/costmodel (the entry point called)
    traceback: str
    src_frames: list[str] = dataclasses.field(default_factory=list)  # every frame in src/costmodel, outermost first

    def summary(self) -> str:
        return f"[{self.stage}] {self.kind} at {self.frame}: {self.message[:300]}"


def _src_frames(tb) -> list[traceback.FrameSummary]:
    return [f for f in traceback.extract_tb(tb) if Path(f.filename).resolve().is_relative_to(SRC)]


def _frame_text(frame: traceback.FrameSummary | None) -> str:
    if frame is None:
        return "<no frame in src/costmodel>"
    rel = Path(frame.filename).resolve().relative_to(SRC.parent).as_posix()
    return f"{rel}:{frame.lineno} in {frame.name}"


def _frame_key(frame: traceback.FrameSummary | None) -> str:
    if frame is None:
        return "<outside src>"
    rel = Path(frame.filename).resolve().relative_to(SRC.parent).as_posix()
    return f"{rel}:{frame.name}"


def record_exception(fmt: str, stage: str, exc: BaseException) -> FailureRecord:
    """The failure record of an exception raised by a stage."""
    frames = _src_frames(exc.__traceback__)
    inner = frames[-1] if frames else None
    outer = frames[0] if frames else None
    if isinstance(exc, OracleFailure):
        kind, message = exc.kind, exc.message
        key = f"{fmt}|{exc.kind}|{stage}:{exc.where}"
    else:
        cls = type(exc)
        kind = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        message = str(exc)
        if isinstance(exc, StageTimeout):
            key = f"{fmt}|StageTimeout|{_frame_key(inner)}"
        elif isinstance(exc, Warning):  # raised deep in a library: its words tell one warning from another
            words = " ".join(re.sub(r"[^a-z]+", " ", message.lower()).split()[:8])
            key = f"{fmt}|{kind}|{_frame_key(inner)}|{words}"
        else:
            key = f"{fmt}|{kind}|{_frame_key(inner)}"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return FailureRecord(
        key=key,
        format=fmt,
        stage=stage,
        kind=kind,
        message=message,
        frame=_frame_text(inner),
        code=(inner.line or "") if inner else "",
        outer_frame=_frame_text(outer),
        traceback=text[-6000:],
        src_frames=[f"{_frame_text(f)}: {f.line}" for f in frames],
    )


# ---------------------------------------------------------------------------
# the oracle's checks of outputs and errors
# ---------------------------------------------------------------------------


def _floats(series: pd.Series) -> np.ndarray | None:
    """The values of a numeric column as floats (missing as NaN), or None for a column of text."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return None
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.to_numpy(dtype=float, na_value=np.nan)
    if series.dtype == object:
        numbers = [v for v in series if isinstance(v, float | int | np.floating | np.integer) and not isinstance(v, bool)]
        if numbers:
            return np.asarray(numbers, dtype=float)
    return None


def check_table(where: str, table: Any, may_be_empty: Iterable[str] | str = ()) -> None:
    """Raise an :class:`OracleFailure` for an infinite number anywhere in ``table``, or a NaN outside ``may_be_empty``."""
    if table is None:
        return
    if isinstance(table, pd.Series):
        table = table.to_frame()
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{where}: not a table ({type(table).__name__})")
    allowed = set(table.columns) if may_be_empty == "*" else set(may_be_empty)
    for column in table.columns:
        values = _floats(table[column])
        if values is None or values.size == 0:
            continue
        if np.isinf(values).any():
            raise OracleFailure("NonFiniteOutput", f"{where}.{column}", f"infinite value in {where}.{column}")
        if column not in allowed and np.isnan(values).any():
            raise OracleFailure("NonFiniteOutput", f"{where}.{column}", f"NaN in {where}.{column}")


def check_tables(where: str, tables: dict[str, Any], may_be_empty: dict[str, Iterable[str] | str] | None = None) -> None:
    may_be_empty = may_be_empty or {}
    for name, table in tables.items():
        check_table(f"{where}.{name}", table, may_be_empty.get(name, ()))


def check_number(where: str, value: Any, may_be_empty: bool = False) -> None:
    """An infinite number always fails; NaN unless ``may_be_empty``."""
    if isinstance(value, float | np.floating) and (math.isinf(value) or (math.isnan(value) and not may_be_empty)):
        raise OracleFailure("NonFiniteOutput", where, f"{value!r}")


def check_input_error(exc: InputError, ctx: Context) -> None:
    """An input error must list problems, each naming a file of the input folder."""
    if not exc.problems:
        raise OracleFailure("BadInputError", f"{type(exc).__name__}:{_frame_key(_last(exc))}", "no problems listed")
    for p in exc.problems:
        name = str(getattr(p, "file", "") or "")
        if not name:
            raise OracleFailure(
                "BadInputError", f"{type(exc).__name__}:{_frame_key(_last(exc))}", f"a problem names no file: {p}"
            )
        try:
            inside = Path(name).resolve().is_relative_to(ctx.ws.resolve())
        except (OSError, ValueError):
            inside = False
        if not inside:
            raise OracleFailure(
                "BadInputError",
                f"{type(exc).__name__}:{_frame_key(_last(exc))}",
                f"the problem names {name!r}, not an input file: {p}",
            )
        text = str(p)
        if "\n" in text or "\r" in text:
            ctx.notes.append(f"multi-line problem ({type(exc).__name__} at {_frame_text(_last(exc))}): {text[:200]!r}")


def _last(exc: BaseException) -> traceback.FrameSummary | None:
    frames = _src_frames(exc.__traceback__)
    return frames[-1] if frames else None


# ---------------------------------------------------------------------------
# examples, stages and formats
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Context:
    """Where one example runs: ``ws`` is the copy of scenarios/, ``target`` the mutated file in it."""

    ws: Path
    out: Path
    target: Path
    notes: list[str] = dataclasses.field(default_factory=list)

    def path(self, rel: str) -> Path:
        return self.ws / rel


@dataclasses.dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Context], Any]
    p: float = 1.0  # probability that an example runs it
    expensive: bool = False  # renders workbooks, charts or documents (about a second or more)
    after: str | None = None  # run only when this stage succeeded
    p_text: float | None = None  # probability when a mutation put odd text in (text reaches the rendered outputs)


@dataclasses.dataclass(frozen=True)
class Format:
    name: str
    kind: str  # "toml" or "csv"
    files: tuple[str, ...]  # shipped inputs of this format, relative to scenarios/
    stages: tuple[Stage, ...]
    weight: float = 1.0  # share of a soak run's time

    @property
    def ext(self) -> str:
        return self.kind

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)


def cli(ctx: Context, *args: Any) -> int:
    """Run the command line in-process; exit 0 or 2 passes, exit 1 is re-run with --traceback to raise its exception."""
    from costmodel.cli import main

    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    where = f"costmodel {argv[0]}"
    if code == 1:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            main(["--traceback", *argv])  # raises the unexpected error with its traceback
        raise OracleFailure("CliExit1", where, f"exit 1 that --traceback does not reproduce: {err.getvalue()[-500:]}")
    if code not in (0, 2):
        raise OracleFailure("CliExitCode", where, f"exit code {code!r}: {err.getvalue()[-500:]}")
    if "Traceback" in err.getvalue() or "Traceback" in out.getvalue():
        raise OracleFailure("CliTraceback", where, err.getvalue()[-500:])
    if code == 2 and not err.getvalue().strip():
        raise OracleFailure("CliSilentExit2", where, "exit 2 without a message")
    return code


# -- scenario TOML ----------------------------------------------------------


def check_evaluation(where: str, result) -> None:
    check_tables(
        where,
        {"summary": result.summary, "ledger": result.ledger, "budget": result.budget, "cumulative": result.cumulative},
        {"summary": SUMMARY_MAY_BE_EMPTY},
    )


def _scenario_lib(ctx: Context):
    s = costmodel.load_scenario(ctx.target)
    result = costmodel.evaluate(s)
    check_evaluation("evaluate", result)
    check_evaluation("evaluate.rounded", result.rounded())
    sim = costmodel.simulate(s, draws=50, seed=0)
    check_tables("simulate", {"summary": sim.summary, "budget": sim.budget}, {"budget": {"budget_cap", "prob_over_cap"}})
    repr(result), repr(sim)


def _scenario_write(ctx: Context):
    result = costmodel.evaluate(costmodel.load_scenario(ctx.target))
    result.write(ctx.out / "write")


def _scenario_sensitivity(ctx: Context):
    sens = costmodel.sensitivity(costmodel.load_scenario(ctx.target), sobol=0, steps=3)
    check_tables("sensitivity", {"tornado": sens.tornado}, {"tornado": "*"})


def _scenario_compare(ctx: Context):
    original = ctx.target.with_name(ctx.target.stem + "-shipped.toml")
    shutil.copy(SCENARIOS / ctx.target.relative_to(ctx.ws), original)
    explanation = costmodel.compare(costmodel.load_scenario(original), costmodel.load_scenario(ctx.target))
    repr(explanation)


def _scenario_peers(ctx: Context):
    from costmodel.reports.outputs import peer_tables

    result = costmodel.evaluate(costmodel.load_scenario(ctx.target))
    check_tables("peers", peer_tables(result), {"peers": "*", "peer_costs": "*"})


SCENARIO = Format(
    "scenario",
    "toml",
    (
        "data-integration-center.toml",
        "video-conferencing.toml",
        "video-conferencing-restructuring.toml",
        "ioc.toml",
        "video-conferencing-past-rental.toml",
    ),
    (
        Stage("lib", _scenario_lib),
        Stage("sensitivity", _scenario_sensitivity, p=0.3, after="lib"),
        Stage("compare", _scenario_compare, p=0.2, after="lib"),
        Stage("peers", _scenario_peers, p=0.2, after="lib"),
        Stage("write", _scenario_write, p=0.12, expensive=True, after="lib", p_text=0.5),
        Stage("cli-validate", lambda c: cli(c, "validate", c.target), p=0.5),
        Stage(
            "cli-run", lambda c: cli(c, "run", c.target, "-o", c.out / "run"), p=0.08, expensive=True, after="lib", p_text=0.25
        ),
        Stage(
            "cli-simulate",
            lambda c: cli(c, "simulate", c.target, "--draws", 50, "-o", c.out / "sim"),
            p=0.04,
            expensive=True,
            after="lib",
            p_text=0.3,
        ),
    ),
    weight=4,
)


# -- procurement plan TOML and progress CSV ---------------------------------

PLAN_FILE = "dic-rental-procurement.toml"
PROGRESS_DIR = "dic-rental-procurement-progress"
DIC = "data-integration-center.toml"


def _check_procurement(where: str, tracked) -> None:
    check_tables(where, tracked.tables, {"status": "*", "slip": "*", "changes": "*"})
    if tracked.status is not None:
        for name in ("spi", "schedule_variance", "earned_value", "planned_value", "percent_complete"):
            check_number(f"{where}.status.{name}", getattr(tracked.status, name, None), may_be_empty=name == "spi")


def _plan_lib(ctx: Context):
    from costmodel.schedule.plan import load_plan

    load_plan(ctx.path(PLAN_FILE))
    tracked = costmodel.procurement(ctx.path(PLAN_FILE), progress=ctx.path(PROGRESS_DIR))
    _check_procurement("procurement", tracked)
    tracked = costmodel.procurement(ctx.path(PLAN_FILE), progress=None)
    _check_procurement("procurement-baseline", tracked)


def _linked_scenario(ctx: Context):
    result = costmodel.evaluate(costmodel.load_scenario(ctx.path(DIC)))
    check_evaluation("evaluate", result)
    tracked = costmodel.procurement(ctx.path(PLAN_FILE), progress=ctx.path(PROGRESS_DIR), scenarios=[result.scenario])
    _check_procurement("procurement+scenario", tracked)


def _cli_schedule(c: Context):
    return cli(
        c, "schedule", c.path(PLAN_FILE), "--progress", c.path(PROGRESS_DIR), "--scenario", c.path(DIC), "-o", c.out / "sched"
    )


PLAN = Format(
    "plan",
    "toml",
    (PLAN_FILE,),
    (
        Stage("lib", _plan_lib),
        Stage("scenario", _linked_scenario),
        Stage("cli-validate", lambda c: cli(c, "validate", c.path(PLAN_FILE)), p=0.5),
        Stage("cli-schedule", _cli_schedule, p=0.1, expensive=True, after="lib", p_text=0.5),
    ),
    weight=1.5,
)


def _progress_lib(ctx: Context):
    from costmodel.schedule.plan import load_plan, read_progress

    plan = load_plan(ctx.path(PLAN_FILE))
    as_of = dt.date.fromisoformat(ctx.target.stem.removeprefix("progress-"))
    read_progress(ctx.target, plan, as_of)
    tracked = costmodel.procurement(ctx.path(PLAN_FILE), progress=ctx.path(PROGRESS_DIR), as_of=as_of)
    _check_procurement("procurement-as-of", tracked)
    tracked = costmodel.procurement(ctx.path(PLAN_FILE), progress=ctx.path(PROGRESS_DIR))
    _check_procurement("procurement", tracked)


PROGRESS = Format(
    "progress",
    "csv",
    tuple(f"{PROGRESS_DIR}/{p.name}" for p in sorted((SCENARIOS / PROGRESS_DIR).glob("progress-*.csv"))),
    (
        Stage("lib", _progress_lib),
        Stage("scenario", _linked_scenario),
        Stage("cli-schedule", _cli_schedule, p=0.1, expensive=True, after="lib", p_text=0.5),
    ),
    weight=1.5,
)


# -- IOC criteria TOML and the survey CSV -----------------------------------

CRITERIA_FILE = "ioc-criteria.toml"
CHOICE_MAY_BE_EMPTY: dict[str, Any] = {
    # an ineligible option has no score, rank or cost value; a criterion without weight_range no range
    "ranking": {"weighted_score", "rank", "pv_cost", "cost_value", "combined_score", "combined_rank"},
    "weights": {"weight_low", "weight_high"},
    "weight_sensitivity": "*",
    "weight_sensitivity_combined": "*",
    "cost_per_point": "*",
    "cost_switching": "*",
    "survey": {"year", "cost"},
}


def _choose(ctx: Context, **kwargs):
    choice = costmodel.choose(ctx.path(CRITERIA_FILE), draws=200, **kwargs)
    check_tables("choose", choice.tables, CHOICE_MAY_BE_EMPTY)
    repr(choice)
    return choice


def _criteria_lib(ctx: Context):
    from costmodel.mcda import load_criteria

    first = load_criteria(ctx.target)
    options = [o.id for o in costmodel.load_scenario(ctx.path("ioc.toml")).options]
    load_criteria(ctx.target, options)
    if first.cost_scenario_path is not None:
        _choose(ctx)


CRITERIA = Format(
    "criteria",
    "toml",
    (CRITERIA_FILE,),
    (
        Stage("lib", _criteria_lib),
        Stage("cli-validate", lambda c: cli(c, "validate", c.target), p=0.5),
        Stage(
            "cli-choose",
            lambda c: cli(c, "choose", c.target, "--draws", 200, "-o", c.out / "choose"),
            p=0.06,
            expensive=True,
            after="lib",
            p_text=0.3,
        ),
    ),
    weight=1.5,
)


def _survey_lib(ctx: Context):
    from costmodel.survey import read_survey, survey_summary

    table = read_survey(ctx.target)
    check_table("read_survey", table, {"year", "cost"})
    for key, value in survey_summary(table).items():
        if isinstance(value, pd.DataFrame):
            check_table(f"survey_summary.{key}", value, "*")  # a share of no province is NaN
        else:
            check_number(f"survey_summary.{key}", value, may_be_empty=True)


SURVEY = Format(
    "survey",
    "csv",
    ("ioc-provinces.csv",),
    (
        Stage("lib", _survey_lib),
        Stage("choose", lambda c: _choose(c, survey=c.target), p=0.3, after="lib"),
        Stage(
            "cli-choose",
            lambda c: cli(c, "choose", c.path(CRITERIA_FILE), "--survey", c.target, "--draws", 200, "-o", c.out / "choose"),
            p=0.04,
            expensive=True,
            after="lib",
            p_text=0.3,
        ),
    ),
)


# -- compliance catalogue and status CSVs -----------------------------------

COMPLIANCE_DIR = "ioc-data"
STATUS_DATES = ("2024-06-30", "2024-09-30")


def _compliance_lib(ctx: Context):
    folder = ctx.path(COMPLIANCE_DIR)
    previous, current = (folder / f"status-{d}.csv" for d in STATUS_DATES)
    result = costmodel.check_compliance(folder / "catalogue.csv", current, STATUS_DATES[1], previous, STATUS_DATES[0])
    check_tables("check_compliance", result.tables)
    repr(result)
    result = costmodel.check_compliance(folder / "catalogue.csv", previous, STATUS_DATES[0])
    check_tables("check_compliance-first", result.tables)


def _cli_compliance(c: Context):
    folder = c.path(COMPLIANCE_DIR)
    return cli(
        c,
        "compliance",
        folder / "catalogue.csv",
        folder / f"status-{STATUS_DATES[1]}.csv",
        "--as-of",
        STATUS_DATES[1],
        "--previous",
        folder / f"status-{STATUS_DATES[0]}.csv",
        "--previous-as-of",
        STATUS_DATES[0],
        "-o",
        c.out / "compliance",
    )


def _compliance_stages() -> tuple[Stage, ...]:
    return (
        Stage("lib", _compliance_lib),
        Stage("cli-compliance", _cli_compliance, p=0.4),
        Stage("choose", lambda c: _choose(c, compliance=c.path(COMPLIANCE_DIR)), p=0.1, after="lib"),
    )


CATALOGUE = Format("catalogue", "csv", (f"{COMPLIANCE_DIR}/catalogue.csv",), _compliance_stages())
STATUS = Format("status", "csv", tuple(f"{COMPLIANCE_DIR}/status-{d}.csv" for d in STATUS_DATES), _compliance_stages())


# -- usage CSV (past rental) ---------------------------------------------------

PAST = "video-conferencing-past-rental.toml"


AUDIT_SCHEDULED = {"meetings_scheduled", "meetings_held_share", "utilisation_scheduled"}


def _usage_lib(ctx: Context):
    from costmodel.audit import read_usage

    read_usage(ctx.target)
    audit = costmodel.retrospective(ctx.path(PAST), ctx.target)
    # a ratio whose denominator is zero (no meetings, no capacity, no schedule) is NaN by design (audit.py)
    may_be_empty = {"metrics": {"value"}, "usage_by_year": {"utilisation", "cost_per_meeting", *AUDIT_SCHEDULED}}
    tables = {"metrics": audit.metrics, "monthly": audit.monthly, "usage_by_year": audit.usage_by_year}
    check_tables("retrospective", tables, may_be_empty)
    repr(audit)


def _explanatory(ctx: Context):
    from costmodel.reports.explanatory import ExplanatoryInputs, explanatory_report

    report = explanatory_report(ExplanatoryInputs.from_folder(ctx.ws, switching=False), pdf=False)
    if "nan" in report.html.lower().split() or "inf" in report.html.lower().split():
        raise OracleFailure("NonFiniteOutput", "explanatory.html", "the report shows nan or inf")


USAGE = Format(
    "usage",
    "csv",
    ("video-conferencing-past-rental-usage.csv",),
    (
        Stage("lib", _usage_lib),
        Stage(
            "cli-audit",
            lambda c: cli(c, "audit", c.path(PAST), c.target, "-o", c.out / "audit"),
            p=0.1,
            expensive=True,
            after="lib",
            p_text=0.4,
        ),
        Stage("explanatory", _explanatory, p=0.05, expensive=True, after="lib", p_text=0.3),
    ),
)


# -- assumptions register CSV -------------------------------------------------


def _register_lib(ctx: Context):
    from costmodel.mcda import check_criteria_citations, load_criteria
    from costmodel.register import check_citations, check_price_years, placeholders, read_register

    register = read_register(ctx.target)
    placeholders(register)
    for name in SCENARIO.files:
        s = costmodel.load_scenario(ctx.path(name))
        check_citations(s, register)
        check_price_years(s, register)
    check_criteria_citations(load_criteria(ctx.path(CRITERIA_FILE)), register)


REGISTER = Format(
    "register",
    "csv",
    ("assumptions.csv",),
    (
        Stage("lib", _register_lib),
        Stage(
            "cli-assumptions",
            lambda c: cli(c, "assumptions", "--register", c.target, "--scenarios", c.ws, "-o", c.out / "assumptions.md"),
            p=0.5,
        ),
        Stage("explanatory", _explanatory, p=0.05, expensive=True, after="lib", p_text=0.3),
    ),
)


# -- peer costs and price index CSVs ------------------------------------------

VC = "video-conferencing.toml"


def _peers_lib(ctx: Context):
    from costmodel.peers import read_peer_costs, read_price_index
    from costmodel.reports.outputs import peer_tables

    check_table("read_peer_costs", read_peer_costs(ctx.path("peer-costs.csv")))
    check_table("read_price_index", read_price_index(ctx.path("price-index.csv")))
    for name in (VC, "video-conferencing-restructuring.toml"):
        result = costmodel.evaluate(costmodel.load_scenario(ctx.path(name)))
        check_evaluation("evaluate", result)
        check_tables("peer_tables", peer_tables(result), {"peers": "*", "peer_costs": "*"})


def _peers_stages() -> tuple[Stage, ...]:
    return (
        Stage("lib", _peers_lib),
        Stage("cli-peers", lambda c: cli(c, "peers", c.path(VC), "-o", c.out / "peers"), p=0.4),
        Stage("cli-validate", lambda c: cli(c, "validate", c.path(VC)), p=0.3),
    )


PEERS = Format("peers", "csv", ("peer-costs.csv",), _peers_stages())
PRICE_INDEX = Format("price-index", "csv", ("price-index.csv",), _peers_stages())


# -- audit findings CSV and the past-rental contract TOML ---------------------


def _findings_lib(ctx: Context):
    from costmodel.findings import is_sample, read_findings, unanswered

    table = read_findings(ctx.target)
    is_sample(table)
    unanswered(table)


def _contract_lib(ctx: Context):
    from costmodel.contract import read_contract

    contract = read_contract(ctx.target)
    repr(contract)


FINDINGS = Format(
    "findings",
    "csv",
    ("audit-findings.csv",),
    (Stage("lib", _findings_lib), Stage("explanatory", _explanatory, p=0.12, expensive=True, after="lib", p_text=0.4)),
)
CONTRACT = Format(
    "contract",
    "toml",
    ("past-rental-contract.toml",),
    (
        Stage("lib", _contract_lib),
        Stage("cli-validate", lambda c: cli(c, "validate", c.target), p=0.5),
        Stage("explanatory", _explanatory, p=0.12, expensive=True, after="lib", p_text=0.4),
    ),
)

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        SCENARIO,
        PLAN,
        PROGRESS,
        CRITERIA,
        SURVEY,
        CATALOGUE,
        STATUS,
        USAGE,
        REGISTER,
        PEERS,
        PRICE_INDEX,
        FINDINGS,
        CONTRACT,
    )
}


# ---------------------------------------------------------------------------
# running examples
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class Example:
    format: str
    seed: int | None  # None: a saved regression case or the shipped file
    file: str  # relative to scenarios/
    data: bytes
    mutations: list[str]
    stages: list[str]  # stages chosen to run
    ran: list[str] = dataclasses.field(default_factory=list)
    outcomes: dict[str, str] = dataclasses.field(default_factory=dict)  # stage -> ok | input-error | skipped | failure
    failures: list[FailureRecord] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)


#: Words of mutation descriptions that put odd text into the file (see fuzz.mutate).
TEXT_MUTATIONS = ("(text)", "(text-edit)", "(another value", "(rename)", "(markup)", "bytes:", "cr:", "bom:")


def make_example(fmt: Format, seed: int) -> Example:
    """The mutated file and the stages of example ``seed`` of ``fmt`` (deterministic)."""
    rng = random.Random(f"{fmt.name}:{seed}")
    rel = rng.choice(fmt.files)
    data, mutations = mutate((SCENARIOS / rel).read_bytes(), fmt.kind, rng)
    srng = random.Random(f"{fmt.name}:{seed}:stages")
    texty = any(word in m for m in mutations for word in TEXT_MUTATIONS)
    stages = [s.name for s in fmt.stages if srng.random() < (s.p_text if texty and s.p_text is not None else s.p)]
    return Example(fmt.name, seed, rel, data, mutations, stages)


@contextlib.contextmanager
def _time_limit(seconds: float):
    def handler(signum, frame):
        raise StageTimeout(f"stage ran longer than {seconds:g} s")

    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return
    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_example(
    ex: Example, workdir: Path, stage_seconds: float = 20.0, allow_expensive: Callable[[], bool] | None = None
) -> Example:
    """Run ``ex``'s stages on a fresh copy of scenarios/ with the mutated file; fill in outcomes and failures."""
    import matplotlib.pyplot as plt

    fmt = FORMATS[ex.format]
    ws = workdir / "scenarios"
    out = workdir / "out"
    if workdir.exists():
        shutil.rmtree(workdir)
    shutil.copytree(SCENARIOS, ws)
    out.mkdir(parents=True)
    target = ws / ex.file
    target.write_bytes(ex.data)
    ctx = Context(ws, out, target)
    try:
        for name in ex.stages:
            stage = fmt.stage(name)
            if stage.after is not None and ex.outcomes.get(stage.after) != "ok":
                ex.outcomes[name] = "skipped"
                continue
            if "timeout" in ex.outcomes.values():  # the rest would hang as well
                ex.outcomes[name] = "skipped"
                continue
            if stage.expensive and allow_expensive is not None and not allow_expensive():
                ex.outcomes[name] = "skipped"
                continue
            ex.ran.append(name)
            try:
                with warnings.catch_warnings(), _time_limit(stage_seconds):
                    warnings.simplefilter("error")
                    try:
                        stage.run(ctx)
                    except InputError as exc:
                        check_input_error(exc, ctx)
                        ex.outcomes[name] = "input-error"
                    else:
                        ex.outcomes[name] = "ok"
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - every other outcome is a failure
                ex.outcomes[name] = "timeout" if isinstance(exc, StageTimeout) else "failure"
                ex.failures.append(record_exception(ex.format, name, exc))
            finally:
                plt.close("all")
    finally:
        ex.notes = ctx.notes
        shutil.rmtree(workdir, ignore_errors=True)
    return ex


# ---------------------------------------------------------------------------
# saved regression cases
# ---------------------------------------------------------------------------


def saved_keys() -> set[str]:
    keys = set()
    for meta in REGRESSIONS.glob("*.json"):
        with contextlib.suppress(ValueError, OSError):
            keys.add(json.loads(meta.read_text(encoding="utf-8"))["key"])
    return keys


def save_regression(ex: Example, failure: FailureRecord) -> Path:
    """Save ``ex``'s input as the regression case of ``failure`` (the data file and its .json); returns the data file."""
    fmt = FORMATS[ex.format]
    stem = f"{ex.format}-{hashlib.sha1(failure.key.encode()).hexdigest()[:8]}"
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    data_path = REGRESSIONS / f"{stem}.{fmt.ext}"
    meta = {
        "what": f"{failure.kind} in stage {failure.stage} at {failure.frame}: {failure.message.splitlines()[0][:300] if failure.message else ''}",
        "key": failure.key,
        "format": ex.format,
        "file": ex.file,
        "seed": ex.seed,
        "mutations": ex.mutations,
        "stages": ex.ran,
        "stage": failure.stage,
        "exception": failure.kind,
        "message": failure.message[:2000],
        "frame": failure.frame,
        "code": failure.code,
        "entry": failure.outer_frame,
        "src_frames": failure.src_frames,
        "found": dt.date.today().isoformat(),
        "traceback": failure.traceback.splitlines()[-40:],
    }
    data_path.write_bytes(ex.data)
    (REGRESSIONS / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return data_path


def regression_cases() -> list[Path]:
    return sorted(REGRESSIONS.glob("*.json"))


def load_regression(meta_path: Path) -> Example:
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    data_path = meta_path.with_suffix("." + FORMATS[meta["format"]].ext)
    return Example(
        meta["format"], meta.get("seed"), meta["file"], data_path.read_bytes(), meta.get("mutations", []), list(meta["stages"])
    )


def shipped_example(fmt: Format, rel: str, stages: Iterable[str] | None = None) -> Example:
    """The unmutated shipped file: the oracle's own check."""
    names = [s.name for s in fmt.stages] if stages is None else list(stages)
    return Example(fmt.name, None, rel, (SCENARIOS / rel).read_bytes(), [], names)


# ---------------------------------------------------------------------------
# a fuzz run of one format
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class RunReport:
    format: str
    examples: int = 0
    seeds: list[int] = dataclasses.field(default_factory=list)
    outcomes: dict[str, int] = dataclasses.field(default_factory=dict)
    failures: list[tuple[Example, FailureRecord, Path | None]] = dataclasses.field(default_factory=list)
    notes: dict[str, tuple[int, str]] = dataclasses.field(default_factory=dict)
    seconds: float = 0.0

    def text(self) -> str:
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        lines = [f"fuzz {self.format}: {self.examples} examples in {self.seconds:.1f} s ({outcomes})"]
        seen = set()
        for ex, f, path in self.failures:
            first = f.key not in seen
            seen.add(f.key)
            if first:
                saved = f" -> saved {path.relative_to(ROOT)}" if path else ""
                lines.append(f"  FAIL seed={ex.seed} {f.summary()}{saved}\n      mutations: {ex.mutations}")
        for note, (count, seed) in self.notes.items():
            lines.append(f"  note (x{count}, e.g. seed {seed}): {note}")
        return "\n".join(lines)


def fuzz_format(
    fmt: Format,
    workdir: Path,
    seeds: Iterable[int],
    deadline: float | None = None,
    expensive_cap: int | None = None,
    stage_seconds: float = 20.0,
    save: bool = True,
    log: Callable[[str], None] | None = None,
) -> RunReport:
    """Run examples of ``fmt`` for ``seeds`` (until ``deadline``, a time.monotonic value); save new failures."""
    report = RunReport(fmt.name)
    keys = saved_keys()
    expensive_runs = 0

    def allow_expensive() -> bool:
        nonlocal expensive_runs
        if expensive_cap is not None and expensive_runs >= expensive_cap:
            return False
        expensive_runs += 1
        return True

    start = time.monotonic()
    for seed in seeds:
        if deadline is not None and time.monotonic() >= deadline:
            break
        ex = run_example(make_example(fmt, seed), workdir / f"ex-{seed}", stage_seconds, allow_expensive)
        report.examples += 1
        report.seeds.append(seed)
        for outcome in ex.outcomes.values():
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        for note in ex.notes:
            count, first = report.notes.get(note, (0, seed))
            report.notes[note] = (count + 1, first)
        for failure in ex.failures:
            path = None
            if save and failure.key not in keys:
                path = save_regression(ex, failure)
                keys.add(failure.key)
            report.failures.append((ex, failure, path))
            if log is not None:
                log(f"fuzz failure: format={fmt.name} seed={seed} {failure.summary()}" + (f" -> {path}" if path else ""))
    report.seconds = time.monotonic() - start
    return report


def _main(argv: list[str]) -> int:
    """Replay one example: ``harness.py FORMAT SEED`` (or ``harness.py REGRESSION.json``)."""
    import tempfile

    if len(argv) == 1 and argv[0].endswith(".json"):
        ex = load_regression(Path(argv[0]))
    elif len(argv) == 2:
        ex = make_example(FORMATS[argv[0]], int(argv[1]))
    else:
        print(__doc__.split("Replay")[0])
        print("usage: harness.py FORMAT SEED | harness.py REGRESSION.json   formats:", ", ".join(FORMATS))
        return 2
    print(f"format {ex.format}, file {ex.file}, seed {ex.seed}\nmutations: {ex.mutations}\nstages: {ex.stages}")
    with tempfile.TemporaryDirectory() as tmp:
        run_example(ex, Path(tmp) / "ex")
    print("outcomes:", ex.outcomes)
    for f in ex.failures:
        print(f"\nFAIL {f.key}\n{f.traceback}")
    for n in ex.notes:
        print("note:", n)
    return 1 if ex.failures else 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

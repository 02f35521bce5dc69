"""Output files of each result: what ``costmodel run``, ``simulate``, ``sensitivity``, ``schedule`` and ``compare`` write.

Every function here turns a result object into ``{file name: bytes}`` —
rendered completely in memory, so that :func:`write_files` can write them all
or nothing. The command line and the result objects' ``.write(folder)`` and
``.to_excel(path)`` call these same functions, so a notebook writes exactly
what the command line writes.

Machine tables (CSV) keep full precision and machine column keys; what
readers see (workbooks, charts, reports) is rendered from the evaluation
rounded to the đồng (:meth:`costmodel.Evaluation.rounded`).
"""

from __future__ import annotations

import io
import numbers
import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from costmodel._files import write_outputs, write_tree

__all__ = [
    "FORMULA_START",
    "REPORT_DRAWS",
    "REPORT_SEED",
    "choice_files",
    "optimise_files",
    "robust_files",
    "compliance_files",
    "compliance_workbook",
    "csv_bytes",
    "evaluation_files",
    "evaluation_workbook",
    "explanation_files",
    "figure_files",
    "files_for",
    "neutral_text",
    "peer_tables",
    "procurement_files",
    "register_for",
    "scenario_report_files",
    "sensitivity_files",
    "simulation_files",
    "simulation_tables",
    "workbook_for",
    "write_file",
    "write_files",
]

#: Draws and seed of the Monte Carlo run that ``costmodel report`` adds for uncertain scenarios.
REPORT_DRAWS, REPORT_SEED = 10_000, 0


# ---------------------------------------------------------------------------
# bytes
# ---------------------------------------------------------------------------


#: First characters that make a spreadsheet read a CSV cell as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutral_text(value: object) -> object:
    """A CSV cell that a spreadsheet shows as written: a text that looks like a formula gets a ``'`` in front.

    Only text is changed (OWASP's advice against CSV injection: prefix cells
    that start with ``=``, ``+``, ``-``, ``@``, a tab or a line break with a
    single quote); numbers, missing values and other texts are returned as
    they are.

    Examples
    --------
    >>> neutral_text("=HYPERLINK(1)"), neutral_text("-2+3"), neutral_text(-5.0), neutral_text("Thuê")
    ("'=HYPERLINK(1)", "'-2+3", -5.0, 'Thuê')
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_text(value: object) -> object:
    """A text cell neutralised (:func:`neutral_text`) with its line breaks written as LF (always quoted then)."""
    value = neutral_text(value)
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def _text_column(column: pd.Series) -> bool:
    """A column that may hold text (object, string, category): numbers, booleans and dates never do."""
    types = pd.api.types
    dtype = column.dtype
    return not (
        types.is_numeric_dtype(dtype)
        or types.is_bool_dtype(dtype)
        or types.is_datetime64_any_dtype(dtype)
        or types.is_timedelta64_dtype(dtype)
    )


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A machine table as CSV — the one CSV writer of every output.

    Full precision (repr-exact floats), empty cells for missing values, LF line
    ends (line breaks inside text cells too, which are then quoted); text cells
    (and headers) that a spreadsheet would read as a formula are written with
    a leading ``'`` (:func:`neutral_text`), numeric columns exactly as they are.
    """
    out = table
    headers = [neutral_text(c) for c in table.columns]
    text_positions = [i for i in range(table.shape[1]) if _text_column(table.iloc[:, i])]
    if text_positions or headers != list(table.columns):
        out = table.copy()
        out.columns = range(table.shape[1])
        for i in text_positions:
            out[i] = table.iloc[:, i].astype(object).map(_csv_text)
        out.columns = headers
    return out.to_csv(index=False, float_format=None, lineterminator="\n").encode("utf-8")


def figure_files(fig, stem: str) -> dict[str, bytes]:
    """A chart as ``stem.png`` (150 dpi) and ``stem.svg`` (without a date, so that reruns are identical).

    Every text of the figure is shown as written (:func:`costmodel.reports.plotting.plain_figure`):
    no TeX, and a ``$`` that escaped :func:`~costmodel.reports.plotting.plain` is not read as mathematics.
    """
    from costmodel.reports.plotting import plain_figure, plain_rc

    plain_figure(fig)
    out = {}
    engine = fig.get_layout_engine()
    with plain_rc():
        for ext in ("png", "svg"):
            buffer = io.BytesIO()
            options = {"format": ext, "dpi": 150 if ext == "png" else None, "metadata": {"Date": None} if ext == "svg" else None}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                fig.savefig(buffer, **options)
            collapsed = [w for w in caught if "axes sizes collapsed" in str(w.message)]
            for w in caught:
                if w not in collapsed:  # every other warning is the caller's to see
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if collapsed:
                # labels too wide for any layout (amounts of absurd size): the default margins, drawn as they fall
                fig.set_layout_engine("none")
                buffer = io.BytesIO()
                fig.savefig(buffer, **options)
            out[f"{stem}.{ext}"] = buffer.getvalue()
            # the layout is solved once, at the first save; the second format reuses it (a chart is laid out
            # in inches, so the PNG's 150 dpi and the SVG's 72 dpi give the same positions)
            fig.set_layout_engine("none")
    fig.set_layout_engine(engine)
    return out


def write_files(folder: str | os.PathLike, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file into ``folder`` or none (see :func:`costmodel._files.write_outputs`)."""
    return write_outputs(Path(folder), files)


def write_file(path: str | os.PathLike, data: bytes) -> Path:
    """Write one file atomically (staged beside it, then renamed; see :func:`costmodel._files.write_tree`). Returns the path."""
    path = Path(path)
    return write_tree(path.parent, {path.name: data})[0]


# ---------------------------------------------------------------------------
# cost evaluation
# ---------------------------------------------------------------------------


def register_for(scenario) -> pd.DataFrame | None:
    """The assumptions register beside a scenario file (``assumptions.csv``), if there is one."""
    from costmodel.register import read_register

    if not scenario.source or scenario.source.startswith("<"):
        return None
    candidate = Path(scenario.source).parent / "assumptions.csv"
    return read_register(candidate) if candidate.exists() else None


def peer_tables(
    result, peers_csv: str | os.PathLike | None = None, index_csv: str | os.PathLike | None = None
) -> dict[str, pd.DataFrame]:
    """Peer positions of a scenario's ``[[comparisons]]`` (empty without any, or without ``peer-costs.csv``).

    ``peers_csv`` and ``index_csv`` default to ``peer-costs.csv`` and
    ``price-index.csv`` beside the scenario file.
    """
    from costmodel.peers import peer_positions, peers_at_base_year, read_peer_costs, read_price_index, scenario_unit_costs

    scenario = result.scenario
    if not scenario.comparisons:
        return {}
    folder = Path(scenario.source).parent
    peers_csv = Path(peers_csv) if peers_csv is not None else folder / "peer-costs.csv"
    index_csv = Path(index_csv) if index_csv is not None else folder / "price-index.csv"
    if not peers_csv.exists():
        return {}
    peers = peers_at_base_year(read_peer_costs(peers_csv), read_price_index(index_csv), scenario.base_year)
    positions = peer_positions(scenario_unit_costs(result), peers)
    return {"peers": positions, "peer_costs": peers}


def simulation_tables(simulation, shown) -> dict[str, pd.DataFrame]:
    """The Monte Carlo tables for the workbook, with the point estimate as the summary shows it (rounded lines)."""
    summary = simulation.summary.copy()
    summary["deterministic"] = summary["option"].map(shown.summary.set_index("option")["pv_cost"])
    return {"summary": summary, "budget": simulation.budget}


def evaluation_workbook(
    result, lang: str | None = None, *, simulation=None, sensitivity=None, register=None, voi=None, plan=None
) -> bytes:
    """The cost workbook of an evaluation, with the risk, sensitivity and plan sheets when given.

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}, optional
    simulation : SimulationResult, optional
    sensitivity : SensitivityResult, optional
    register : pandas.DataFrame, optional
        Default: the register beside the scenario file (:func:`register_for`).
    voi : ValueOfInformation, optional
        Shown on the risk sheet (with ``simulation``), below the Monte Carlo tables.
    plan : OptimisationResult, optional
        The cheapest own/rent plan, on its own sheet.
    """
    from costmodel.reports.workbook import Provenance, workbook_bytes

    shown = result.rounded()
    register = register if register is not None else register_for(result.scenario)
    sim_tables = simulation_tables(simulation, shown) if simulation is not None else None
    if sim_tables is not None and voi is not None:
        sim_tables["voi"] = voi
    sens_tables = sensitivity.tables if sensitivity is not None else None
    provenance = Provenance(draws=simulation.draws, seed=simulation.seed) if simulation is not None else Provenance()
    return workbook_bytes(shown, lang, register, sim_tables, sens_tables, provenance, plan)


def evaluation_files(
    result,
    lang: str | None = None,
    *,
    simulation=None,
    sensitivity=None,
    peers: bool = True,
    register=None,
    voi=None,
    plan=None,
) -> dict[str, bytes]:
    """What ``costmodel run`` writes: the four CSV tables, peers, the workbook and three charts.

    With a simulation or sensitivity analysis, their files are included and
    their sheets added to the workbook; with a value-of-information result,
    ``voi.csv`` and ``voi.md`` (and its table on the risk sheet); with an
    optimised plan, its files in the subfolder ``optimised-plan/`` (as
    ``costmodel optimise`` writes them) and its sheet in the workbook.
    """
    from costmodel.reports.charts import budget_by_category_figure, cumulative_figure, pv_by_category_figure

    files = {f"{name}.csv": csv_bytes(table) for name, table in result.tables.items()}  # machines: full precision
    if peers:
        files.update({f"{name}.csv": csv_bytes(table) for name, table in peer_tables(result).items()})
    if simulation is not None:
        files.update(simulation_files(simulation, lang))
    if sensitivity is not None:
        files.update(sensitivity_files(sensitivity, lang))
    if voi is not None:
        from costmodel.reports.voi_report import voi_markdown

        files["voi.csv"] = csv_bytes(voi.evppi)
        files["voi.md"] = voi_markdown(voi, lang).encode("utf-8")
    if plan is not None:
        files.update({f"optimised-plan/{name}": data for name, data in optimise_files(plan, lang).items()})
    shown = result.rounded()  # readers: every total from lines rounded to the đồng
    files["workbook.xlsx"] = evaluation_workbook(
        result, lang, simulation=simulation, sensitivity=sensitivity, register=register, voi=voi, plan=plan
    )
    files.update(figure_files(cumulative_figure(shown, lang), "cumulative"))
    files.update(figure_files(budget_by_category_figure(shown, lang), "budget-by-category"))
    files.update(figure_files(pv_by_category_figure(shown, lang), "pv-by-category"))
    return files


def scenario_report_files(scenario, lang: str | None = None, with_risk: bool = True) -> tuple:
    """What ``costmodel report`` writes for one scenario: its run, and (``with_risk``) risk, sensitivity and audit.

    The Monte Carlo run (:data:`REPORT_DRAWS` draws, seed :data:`REPORT_SEED`)
    is added for uncertain scenarios; the sensitivity analysis (±20 %, automatic
    two-way grid, Sobol indices with a base sample of 1 024) for every one; the
    retrospective of a past rental when a usage file ``<stem>-usage.csv`` lies
    beside the scenario and it has options ``rent`` and ``buy``; the value of
    information of the choice (EVPI, EVPPI per input, from the same draws) for
    uncertain scenarios; the cheapest own/rent plan (:func:`costmodel.optimise`,
    two near-optimal alternatives, the scenario's own budget caps) for scenarios
    with a capacity that can be owned or rented. When no plan can meet the
    scenario's budget caps (a cap below what any plan must spend: the Monte
    Carlo then reports how likely each option is to exceed it), the plan is
    left out and a note says why.

    Returns
    -------
    (Evaluation, dict of str to bytes, list of str)
        The evaluation, the files, and notes for the console (English, one line each).
    """
    from costmodel.evaluation import evaluate
    from costmodel.risk.sensitivity import sensitivity as run_sensitivity
    from costmodel.risk.simulate import simulate

    result = evaluate(scenario)
    simulation = sensitivity = voi = plan = None
    files: dict[str, bytes] = {}
    notes: list[str] = []
    if with_risk:
        from costmodel.decision.optimise import optimise
        from costmodel.decision.optimise.structure import OptimiseError, analyse
        from costmodel.decision.voi import value_of_information

        if scenario.is_uncertain:
            simulation = simulate(scenario, REPORT_DRAWS, REPORT_SEED)
            voi = value_of_information(scenario, REPORT_DRAWS, REPORT_SEED)
        if analyse(scenario).capacities:
            try:
                plan = optimise(scenario, near_optimal=2)
            except OptimiseError as exc:  # caps no plan meets: the rest of the report stands
                first = exc.problems[0]
                notes.append(f"{scenario.source}: note: no optimised plan in the report: {first.path}: {first.message}")
        sensitivity = run_sensitivity(scenario, 0.20, "auto", 11, 1024, REPORT_SEED)
        path = Path(scenario.source)
        usage_csv = path.parent / f"{path.stem}-usage.csv"
        if usage_csv.exists() and {"rent", "buy"} <= {o.id for o in scenario.options}:
            files.update(audit_files(audit_of(result, usage_csv), lang))
    files.update(evaluation_files(result, lang, simulation=simulation, sensitivity=sensitivity, voi=voi, plan=plan))
    return result, files, notes


# ---------------------------------------------------------------------------
# risk
# ---------------------------------------------------------------------------


def simulation_files(simulation, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel simulate`` writes: the summary and budget tables and the S-curve."""
    from costmodel.reports.risk_charts import s_curve_figure

    files = {
        "simulation_summary.csv": csv_bytes(simulation.summary),
        "simulation_budget.csv": csv_bytes(simulation.budget),
    }
    files.update(figure_files(s_curve_figure(simulation, lang), "s-curve"))
    return files


def sensitivity_files(sens, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel sensitivity`` writes: tornado, switching values, two-way grid, Sobol indices and charts.

    The two-way map is drawn only when the cheapest option changes on the grid
    (a map of one colour says nothing).
    """
    from costmodel.reports.risk_charts import tornado_figure, two_way_figure

    files = {f"{name}.csv": csv_bytes(table) for name, table in sens.tables.items()}
    files.update(figure_files(tornado_figure(sens.tornado, sens.scenario, sens.target, lang), "tornado"))
    if sens.two_way is not None and sens.two_way["preferred"].nunique() > 1:
        files.update(figure_files(two_way_figure(sens.two_way, sens.scenario, lang), "two-way"))
    return files


# ---------------------------------------------------------------------------
# audit of a past rental
# ---------------------------------------------------------------------------


def audit_of(result, usage_csv, rent: str = "rent", buy: str = "buy", points=None, hours: float = 176.0):
    """The retrospective of a past rental (:func:`costmodel.audit.retrospective`) from its usage file."""
    from costmodel.audit import retrospective

    return retrospective(result, usage_csv, rent, buy, points, hours)


def audit_files(audit, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel audit`` writes: the retrospective's metrics, monthly and yearly usage tables and chart."""
    from costmodel.reports.charts import audit_figure

    files = {
        "audit.csv": csv_bytes(audit.metrics),
        "audit_monthly.csv": csv_bytes(audit.monthly),
        "audit_usage.csv": csv_bytes(audit.usage_by_year),
    }
    files.update(figure_files(audit_figure(audit, lang), "audit"))
    return files


# ---------------------------------------------------------------------------
# procurement schedule
# ---------------------------------------------------------------------------


def _weekly_args(status, lang):
    return (status.plan, status.baseline, status.status, status.previous, status.changes, lang)


def procurement_files(status, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel schedule`` writes: schedule and status tables, the Gantt chart, the weekly report.

    The weekly report (Markdown, HTML with the Gantt chart, workbook) needs a
    progress file; without one only the schedule and the chart are written.
    """
    from costmodel.reports.gantt import gantt_figure
    from costmodel.reports.schedule_report import weekly_html, weekly_markdown

    tables = status.tables
    files = {f"{name}.csv": csv_bytes(tables[name]) for name in ("schedule", "status") if name in tables}
    figures = figure_files(gantt_figure(status.plan, status.baseline, status.status, lang), "gantt")
    files.update(figures)
    if "slip" in tables:
        files["slip.csv"] = csv_bytes(tables["slip"])
    if status.status is not None:
        svg = figures["gantt.svg"].decode("utf-8")
        svg = svg[svg.index("<svg") :]
        args = _weekly_args(status, lang)
        files["weekly-report.md"] = weekly_markdown(*args, slips=status.slips, sample=status.sample).encode("utf-8")
        files["weekly-report.html"] = weekly_html(*args, gantt_svg=svg, slips=status.slips, sample=status.sample).encode("utf-8")
        files["weekly-report.xlsx"] = procurement_workbook(status, lang)
    if "service_start" in tables:
        files["service_start.csv"] = csv_bytes(tables["service_start"])
    return files


def procurement_workbook(status, lang: str | None = None) -> bytes:
    """The weekly progress workbook (needs a progress file)."""
    from costmodel.problems import Problem
    from costmodel.reports.schedule_report import weekly_workbook_bytes
    from costmodel.schedule.plan import PlanError

    if status.status is None:
        raise PlanError([Problem(status.source, "", "no progress file: the weekly workbook needs one (progress folder)")])
    return weekly_workbook_bytes(*_weekly_args(status, lang), slips=status.slips, sample=status.sample)


# ---------------------------------------------------------------------------
# IOC data-sharing compliance
# ---------------------------------------------------------------------------


def compliance_files(result, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel compliance`` writes: the lists and scorecard (CSV), the workbook, Markdown and HTML."""
    from costmodel.reports.compliance_report import compliance_html, compliance_markdown

    files = {f"{name}.csv": csv_bytes(table) for name, table in result.tables.items()}
    files["compliance.xlsx"] = compliance_workbook(result, lang)
    args = (result.report, result.changes, result.previous_as_of, lang, result.sample)
    files["compliance.md"] = compliance_markdown(*args).encode("utf-8")
    files["compliance.html"] = compliance_html(*args).encode("utf-8")
    return files


def compliance_workbook(result, lang: str | None = None) -> bytes:
    """The lists and scorecard workbook."""
    from costmodel.reports.compliance_report import compliance_workbook_bytes

    return compliance_workbook_bytes(result.report, result.changes, lang, result.sample, result.previous_as_of)


# ---------------------------------------------------------------------------
# deployment-model decision (IOC)
# ---------------------------------------------------------------------------


def choice_files(choice, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel choose`` writes: the tables (CSV), the report (Markdown, HTML), the workbook, two charts."""
    from costmodel.reports.choice_report import choice_html, choice_markdown, choice_workbook, profile_figure, uncertainty_figure

    files = {f"{name}.csv": csv_bytes(table) for name, table in choice.tables.items()}
    files["decision.md"] = choice_markdown(choice, lang).encode("utf-8")
    files["decision.html"] = choice_html(choice, lang, standalone=True).encode("utf-8")
    files["decision.xlsx"] = choice_workbook(choice, lang)
    files.update(figure_files(profile_figure(choice, lang), "profile"))
    files.update(figure_files(uncertainty_figure(choice, lang), "uncertainty"))
    return files


# ---------------------------------------------------------------------------
# choice across futures and the optimised plan
# ---------------------------------------------------------------------------


def robust_files(result, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel robust`` writes: regret and robust tables (CSV), the section (Markdown, HTML), the workbook."""
    from costmodel.reports.robust_report import robust_html, robust_markdown, robust_workbook

    files = {f"{name}.csv": csv_bytes(table) for name, table in result.tables.items()}
    files["robust.md"] = robust_markdown(result, lang).encode("utf-8")
    files["robust.html"] = robust_html(result, lang, standalone=True).encode("utf-8")
    files["robust.xlsx"] = robust_workbook(result, lang)
    return files


def optimise_files(result, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel optimise`` writes: plan, decisions, objective, caps, alternatives (CSV), plan.toml, the plan in words."""
    from costmodel.reports.optimise_report import optimise_markdown, plan_figure

    files = {
        "plan.csv": csv_bytes(result.plan),
        "decisions.csv": csv_bytes(result.decisions),
        "optimise.csv": csv_bytes(result.summary()),
    }
    for name, text in result.to_scenarios().items():
        files[result.file_name(name)] = text.encode("utf-8")
    if result.caps:
        files["binding.csv"] = csv_bytes(result.binding)
    files["alternatives.csv"] = csv_bytes(result.alternatives)
    files["optimise.md"] = optimise_markdown(result, lang).encode("utf-8")
    for f in result.futures:
        stem = result.file_name(f.name).removesuffix(".toml")  # plan.png beside plan.toml
        files.update(figure_files(plan_figure(result, lang, f.name), stem))
    return files


# ---------------------------------------------------------------------------
# comparison of two scenarios
# ---------------------------------------------------------------------------


def explanation_files(explanation, lang: str | None = None) -> dict[str, bytes]:
    """What ``costmodel compare`` writes: attribution, totals and changes (CSV), the table and text, waterfalls.

    One waterfall per option present in both scenarios and one for the gap.
    """
    from costmodel.reports.compare_report import explanation_markdown, explanation_workbook, waterfall_figure

    changes = explanation.changes.copy()
    for col in ("old", "new"):
        changes[col] = [_cell(v) for v in changes[col]]
    files = {
        "attribution.csv": csv_bytes(explanation.attribution),
        "totals.csv": csv_bytes(explanation.totals),
        "changes.csv": csv_bytes(changes),
        "compare.md": explanation_markdown(explanation, lang).encode("utf-8"),
        "compare.xlsx": explanation_workbook(explanation, lang),
    }
    for target in explanation.attribution["target"].drop_duplicates():
        files.update(figure_files(waterfall_figure(explanation, target, lang), f"waterfall-{target}"))
    return files


def _cell(value):
    """A changed value in a CSV cell: a number as a number, a text as written, a table as TOML-like text."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_cell(v)!s}" for k, v in value.items()) + "}"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return value  # a number stays a number (a text cell "-0.02" would be neutralised as a formula)
    return str(value)


# ---------------------------------------------------------------------------
# dispatch: result object -> its files and its workbook
# ---------------------------------------------------------------------------


def files_for(result, lang: str | None = None) -> dict[str, bytes]:
    """The files the command line writes for ``result`` (any result object of costmodel)."""
    from costmodel.choice import ModelChoice
    from costmodel.compliance import ComplianceResult
    from costmodel.decision.optimise import OptimisationResult
    from costmodel.evaluation import Evaluation
    from costmodel.explain import Explanation
    from costmodel.futures import RobustResult
    from costmodel.risk.sensitivity import SensitivityResult
    from costmodel.risk.simulate import SimulationResult
    from costmodel.schedule.tracking import ProcurementStatus

    if isinstance(result, Evaluation):
        return evaluation_files(result, lang)
    if isinstance(result, SimulationResult):
        return simulation_files(result, lang)
    if isinstance(result, SensitivityResult):
        return sensitivity_files(result, lang)
    if isinstance(result, ProcurementStatus):
        return procurement_files(result, lang)
    if isinstance(result, Explanation):
        return explanation_files(result, lang)
    if isinstance(result, ComplianceResult):
        return compliance_files(result, lang)
    if isinstance(result, ModelChoice):
        return choice_files(result, lang)
    if isinstance(result, RobustResult):
        return robust_files(result, lang)
    if isinstance(result, OptimisationResult):
        return optimise_files(result, lang)
    raise TypeError(f"no output files for {type(result).__name__}")


def workbook_for(result, lang: str | None = None) -> bytes:
    """The workbook a reader gets for ``result``.

    An evaluation, a simulation and a sensitivity analysis share the cost
    workbook (the latter two add their sheets); a procurement status gives the
    weekly progress workbook; a comparison its attribution workbook.
    """
    from costmodel.choice import ModelChoice
    from costmodel.compliance import ComplianceResult
    from costmodel.evaluation import Evaluation, evaluate
    from costmodel.explain import Explanation
    from costmodel.futures import RobustResult
    from costmodel.risk.sensitivity import SensitivityResult
    from costmodel.risk.simulate import SimulationResult
    from costmodel.schedule.tracking import ProcurementStatus

    if isinstance(result, Evaluation):
        return evaluation_workbook(result, lang)
    if isinstance(result, SimulationResult):
        return evaluation_workbook(evaluate(result.scenario), lang, simulation=result)
    if isinstance(result, SensitivityResult):
        return evaluation_workbook(evaluate(result.scenario), lang, sensitivity=result)
    if isinstance(result, ProcurementStatus):
        return procurement_workbook(result, lang)
    if isinstance(result, Explanation):
        from costmodel.reports.compare_report import explanation_workbook

        return explanation_workbook(result, lang)
    if isinstance(result, ComplianceResult):
        return compliance_workbook(result, lang)
    if isinstance(result, ModelChoice):
        from costmodel.reports.choice_report import choice_workbook

        return choice_workbook(result, lang)
    if isinstance(result, RobustResult):
        from costmodel.reports.robust_report import robust_workbook

        return robust_workbook(result, lang)
    raise TypeError(f"no workbook for {type(result).__name__}")

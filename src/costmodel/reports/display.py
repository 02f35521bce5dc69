"""What a result object shows in a notebook: its HTML, its charts and its tables for readers.

The result objects of costmodel (:class:`~costmodel.Evaluation`,
:class:`~costmodel.risk.simulate.SimulationResult`,
:class:`~costmodel.risk.sensitivity.SensitivityResult`,
:class:`~costmodel.schedule.tracking.ProcurementStatus`,
:class:`~costmodel.explain.Explanation`) compute; they delegate everything a
reader sees to this module: ``_repr_html_`` (a heading, the main table in the
reader vocabulary and Vietnamese number formats, one sentence), the ``.plot``
accessors (one method per chart, each taking ``ax=None`` and returning the
matplotlib Figure) and the ``.view`` accessor of an evaluation (tables and
paragraphs as displayable HTML/Markdown).

The language is :data:`costmodel.options.lang` unless a call says otherwise.
:func:`register_ipython` makes IPython show a matplotlib Figure returned by a
cell as a PNG whatever the kernel's backend (``MPLBACKEND=Agg`` included).
"""

from __future__ import annotations

import html
import io

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import html_table, reader_frame

__all__ = [
    "HTML",
    "AuditPlots",
    "ChoicePlots",
    "PlanPlots",
    "ChoiceViews",
    "EvaluationPlots",
    "EvaluationViews",
    "Markdown",
    "ProcurementPlots",
    "SensitivityPlots",
    "SimulationPlots",
    "audit_html",
    "evaluation_html",
    "explanation_html",
    "procurement_html",
    "register_ipython",
    "sensitivity_html",
    "simulation_html",
]

_e = html.escape
_STYLE = (
    "<style>.costmodel{border-collapse:collapse;margin:.4em 0}.costmodel th,.costmodel td"
    "{border:1px solid #bbb;padding:2px 6px}.costmodel th{background:#DDEBF7}</style>"
)


class HTML:
    """A block of HTML for a notebook (``_repr_html_``), with a plain-text ``repr``."""

    def __init__(self, body: str, text: str = ""):
        self.body = body
        self.text = text

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return self.text or f"<HTML block, {len(self.body)} characters>"


class Markdown:
    """A paragraph of Markdown for a notebook (``_repr_markdown_``); ``str()`` gives the text."""

    def __init__(self, text: str):
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def _table(frame, unit_line: str | None = None, caption: str | None = None) -> str:
    return html_table(frame, caption, unit_line)


# ---------------------------------------------------------------------------
# evaluation
# ---------------------------------------------------------------------------

SUMMARY_COLUMNS = ("rank", "option", "pv_cost", "eac", "nominal_outlay", "residual_value", "net_savings", "sir", "airr")


def _summary_frame(result, names: Names):
    summary = result.summary.sort_values("rank", kind="stable")
    columns = [c for c in SUMMARY_COLUMNS if c in summary.columns and (c not in ("sir", "airr") or summary[c].notna().any())]
    frame = reader_frame(summary, names, columns=columns)
    option_col = frame.columns[columns.index("option")]
    s = result.scenario
    frame[option_col] = [
        names.text("console.baseline", name=names.option(o)) if o == s.baseline else names.option(o) for o in summary["option"]
    ]
    return frame


def _draft_banner(scenario, lang: str) -> str:
    from costmodel.evidence import evidence
    from costmodel.reports.outputs import register_for
    from costmodel.reports.workbook import draft_banner

    return draft_banner(evidence(scenario, register_for(scenario)), lang)


def evaluation_html(result, lang: str | None = None) -> str:
    """Heading, conventions, edits, the ranked summary table and the cheapest option, from the rounded ledger."""
    shown = result.rounded()
    names = Names(shown.scenario, lang)
    s = shown.scenario
    best = shown.summary.loc[shown.summary["rank"] == 1].iloc[0]
    parts = [_STYLE, f"<h4>{_e(s.title)}</h4>"]
    banner = _draft_banner(s, names.lang)
    if banner:  # reader-standards §7: a result resting on assumptions or placeholders says so on its first line
        parts.append(f'<p style="color:#B00000"><strong>{_e(banner)}</strong></p>')
    if s.as_of is not None:
        parts.append(f"<p><em>{_e(names.text('display.as_of', as_of=voc.date(s.as_of, names.lang)))}</em></p>")
    parts.append(
        f"<p>{_e(names.text('console.conventions', base_year=s.base_year, rate=voc.percent(s.discount_rate, names.lang)))}</p>"
    )
    edits = names.changes()
    if edits:
        parts.append("<ul>" + "".join(f"<li>{_e(names.text('console.edit', edit=t))}</li>" for t in edits) + "</ul>")
    parts.append(_table(_summary_frame(shown, names), voc.term("wb.unit_line", names.lang)))
    preferred = names.text("console.preferred", name=names.option(best["option"]), pv=voc.money(best["pv_cost"], names.lang))
    parts.append(f"<p>{_e(preferred)}</p>")
    return "\n".join(parts)


class EvaluationPlots:
    """Charts of an evaluation, drawn from the ledger rounded to the đồng."""

    def __init__(self, result):
        self._result = result

    def __repr__(self) -> str:
        return "charts: cumulative(), budget_by_category(), pv_by_category()"

    def cumulative(self, ax=None, lang: str | None = None):
        """Cumulative present value and spending of each option by year (Figure)."""
        from costmodel.reports.charts import cumulative_figure

        return cumulative_figure(self._result.rounded(), lang, ax=ax)

    def budget_by_category(self, ax=None, lang: str | None = None):
        """Spending per year by cost category, one panel per option (``ax``: one Axes per option)."""
        from costmodel.reports.charts import budget_by_category_figure

        return budget_by_category_figure(self._result.rounded(), lang, ax=ax)

    def pv_by_category(self, ax=None, lang: str | None = None):
        """Present value of cost by category, one bar per option (Figure)."""
        from costmodel.reports.charts import pv_by_category_figure

        return pv_by_category_figure(self._result.rounded(), lang, ax=ax)


class EvaluationViews:
    """Tables and paragraphs of an evaluation for readers, displayable in a notebook."""

    def __init__(self, result):
        self._result = result

    def __repr__(self) -> str:
        return "views: summary(), estimate(), drivers(), slip(), recommendation(simulation=None, sensitivity=None)"

    def summary(self, lang: str | None = None) -> HTML:
        """The ranked summary table."""
        shown = self._result.rounded()
        names = Names(shown.scenario, lang)
        return HTML(_STYLE + _table(_summary_frame(shown, names), voc.term("wb.unit_line", names.lang)), "summary table")

    def estimate(self, lang: str | None = None) -> HTML:
        """The estimate of every option in the appraiser's form (before VAT, VAT, contingency, total)."""
        from costmodel.reports.estimate import estimate_frame

        shown = self._result.rounded()
        names = Names(shown.scenario, lang)
        return HTML(_STYLE + _table(estimate_frame(shown, names), voc.term("wb.unit_line", names.lang)), "estimate")

    def drivers(self, lang: str | None = None) -> HTML:
        """The demand drivers by year."""
        from costmodel.reports.tables import drivers_frame

        return HTML(_STYLE + _table(drivers_frame(Names(self._result.scenario, lang))), "drivers")

    def slip(self, lang: str | None = None) -> HTML:
        """What the procurement forecast does to the budget (a sentence and a table), or a sentence that nothing is linked."""
        from costmodel.reports.slip_report import slip_frame, slip_text
        from costmodel.slip import plan_slip

        lang = voc._lang(lang)
        found = plan_slip(self._result.scenario)
        if found is None:
            return HTML(f"<p>{_e(voc.term('slip.none', lang))}</p>", "no slip")
        table = slip_frame(found, lang)
        body = _table(table, voc.term("wb.unit_line", lang)) if len(table) else ""
        return HTML(f"{_STYLE}<p>{_e(slip_text(found, lang))}</p>{body}", "slip")

    def recommendation(self, simulation=None, sensitivity=None, lang: str | None = None) -> Markdown:
        """The recommending paragraph, with the risk and switching values when given."""
        from costmodel.reports.narrative import recommendation

        sim = simulation.summary if simulation is not None else None
        switching = sensitivity.switching if sensitivity is not None else None
        return Markdown(recommendation(self._result.rounded(), sim, switching, lang))


# ---------------------------------------------------------------------------
# simulation and sensitivity
# ---------------------------------------------------------------------------


def simulation_html(sim, lang: str | None = None) -> str:
    """The Monte Carlo summary table with its heading."""
    names = Names(sim.scenario, lang)
    title = names.text("console.sim_title", draws=voc.number(sim.draws, 0, names.lang), seed=sim.seed)
    cols = ["option", "mean", "p10", "p50", "p90", "prob_cheapest", "deterministic", "confidence_level"]
    frame = reader_frame(sim.summary, names, columns=cols)
    return _STYLE + f"<h4>{_e(title)}</h4>" + _table(frame, voc.term("wb.unit_line", names.lang))


class SimulationPlots:
    """Charts of a Monte Carlo simulation."""

    def __init__(self, sim):
        self._sim = sim

    def __repr__(self) -> str:
        return "charts: s_curve()"

    def s_curve(self, ax=None, lang: str | None = None):
        """Cumulative distribution of each option's present value of cost (Figure)."""
        from costmodel.reports.risk_charts import s_curve_figure

        return s_curve_figure(self._sim, lang, ax=ax)


def sensitivity_html(sens, lang: str | None = None) -> str:
    """Switching values in words and the largest swings of the tornado."""
    from costmodel.reports.narrative import switching_verdict

    names = Names(sens.scenario, lang)
    parts = [_STYLE, f"<h4>{_e(names.term('sheet.sensitivity'))}: {_e(sens.scenario.title)}</h4><ul>"]
    parts += [
        f"<li>{_e(names.input(r['input']))}: {_e(switching_verdict(r, names))}</li>" for r in sens.switching.to_dict("records")
    ]
    parts.append("</ul>")
    top = sens.tornado[sens.tornado["target"] == sens.target].sort_values("swing", ascending=False).head(8)
    cols = [c for c in ("target", "input", "low", "high", "pv_low", "pv_high", "swing") if c in top.columns]
    parts.append(_table(reader_frame(top, names, columns=cols), voc.term("wb.unit_line", names.lang)))
    return "\n".join(parts)


class SensitivityPlots:
    """Charts of a sensitivity analysis."""

    def __init__(self, sens):
        self._sens = sens

    def __repr__(self) -> str:
        return "charts: tornado(target=None), two_way()"

    def tornado(self, target: str | None = None, ax=None, lang: str | None = None):
        """Tornado of the gap between the two cheapest options (or of ``target``, an option id) (Figure)."""
        from costmodel.reports.risk_charts import tornado_figure

        return tornado_figure(self._sens.tornado, self._sens.scenario, target or self._sens.target, lang, ax=ax)

    def two_way(self, ax=None, lang: str | None = None):
        """The cheapest option on the grid of the two inputs (Figure); needs a grid."""
        from costmodel.reports.risk_charts import two_way_figure

        if self._sens.two_way is None:
            raise ValueError("no two-way grid: run costmodel.sensitivity(..., grid='auto') or name two inputs")
        return two_way_figure(self._sens.two_way, self._sens.scenario, lang, ax=ax)


# ---------------------------------------------------------------------------
# procurement and comparison
# ---------------------------------------------------------------------------


def procurement_html(status, lang: str | None = None) -> str:
    """The weekly report's summary lines (with progress) or the planned finish and critical path."""
    from costmodel.reports.schedule_report import _summary_lines, _task_table
    from costmodel.reports.tables import md_escape, md_inline_html

    lang = voc._lang(lang)
    parts = [_STYLE, f"<h4>{_e(voc.text('sched.title', lang, title=status.plan.title))}</h4>"]
    if status.status is None:
        names = {t.id: t.name for t in status.plan.tasks}
        lines = [
            voc.text(
                "sched.finish",
                lang,
                finish=voc.date(status.baseline.finish, lang),
                baseline=voc.date(status.baseline.finish, lang),
                moved=voc.term("sched.as_planned", lang),
            ),
            voc.text(
                "sched.critical_path",
                lang,
                tasks=", ".join(md_escape(names[i]) for i in status.baseline.critical_path) or voc.DASH,
            ),
        ]
        return "\n".join([*parts, "<ul>", *[f"<li>{md_inline_html(x)}</li>" for x in lines], "</ul>"])
    parts.append(f"<p>{_e(voc.text('sched.as_of', lang, date=voc.date(status.status.as_of, lang)))}</p>")
    if status.sample:
        parts.append(f"<p><strong>{_e(voc.term('sched.sample', lang))}</strong></p>")
    lines = _summary_lines(status.plan, status.baseline, status.status, status.previous, lang, md_escape)
    parts += ["<ul>", *[f"<li>{md_inline_html(x)}</li>" for x in lines], "</ul>"]
    parts.append(_table(_task_table(status.status, status.changes, lang)))
    return "\n".join(parts)


class ProcurementPlots:
    """Charts of a procurement plan."""

    def __init__(self, status):
        self._status = status

    def __repr__(self) -> str:
        return "charts: gantt()"

    def gantt(self, ax=None, lang: str | None = None):
        """Gantt chart: baseline bars, forecast and progress when known, critical path, milestones (Figure)."""
        from costmodel.reports.gantt import gantt_figure

        return gantt_figure(self._status.plan, self._status.baseline, self._status.status, lang, ax=ax)


def explanation_html(explanation, lang: str | None = None) -> str:
    """The attribution table (parts of each change by group of inputs) and its paragraph."""
    from costmodel.reports.compare_report import attribution_frame, attribution_text

    frame = attribution_frame(explanation, lang)
    notes = "".join(f"<p><em>{_e(n)}</em></p>" for n in frame.attrs.get("notes", []))
    table = html_table(frame, frame.attrs.get("caption"), frame.attrs.get("unit_line"))
    return f"{_STYLE}<p>{_e(attribution_text(explanation, lang))}</p>{table}{notes}"


class ExplanationPlots:
    """Charts of a comparison of two scenarios."""

    def __init__(self, explanation):
        self._explanation = explanation

    def __repr__(self) -> str:
        return "charts: waterfall(target='gap')"

    def waterfall(self, target: str = "gap", ax=None, lang: str | None = None):
        """From the present value before to after, one bar per group of inputs, for an option id or the gap (Figure)."""
        from costmodel.reports.compare_report import waterfall_figure

        return waterfall_figure(self._explanation, target, lang, ax=ax)


def audit_html(audit, lang: str | None = None) -> str:
    """The retrospective's metrics of a past rental (paid against buying, utilisation) as a reader's table."""
    from costmodel.reports.tables import metrics_frame

    return _STYLE + _table(metrics_frame(audit.metrics, lang))


class AuditPlots:
    """Charts of the retrospective of a past rental."""

    def __init__(self, audit):
        self._audit = audit

    def __repr__(self) -> str:
        return "charts: cumulative()"

    def cumulative(self, ax=None, lang: str | None = None):
        """Cumulative rent paid against the cumulative cost of buying, by month (Figure)."""
        from costmodel.reports.charts import audit_figure

        return audit_figure(self._audit, lang, ax=ax)


class PlanPlots:
    """Charts of an optimised own/rent plan."""

    def __init__(self, result):
        self._result = result

    def __repr__(self) -> str:
        return "charts: plan(future=None)"

    def plan(self, future: str | None = None, lang: str | None = None, ax=None):
        """Need met by own equipment and by renting, year by year, one panel per capacity (Figure).

        ``future`` default the first; ``ax``: one Axes per capacity, or a new figure
        (:func:`costmodel.reports.optimise_report.plan_figure`).
        """
        from costmodel.reports.optimise_report import plan_figure

        return plan_figure(self._result, lang, future, ax=ax)


class ChoicePlots:
    """Charts of a deployment-model decision."""

    def __init__(self, choice):
        self._choice = choice

    def __repr__(self) -> str:
        return "charts: profile(), uncertainty()"

    def profile(self, ax=None, lang: str | None = None):
        """Each option's weighted score split into the criteria's contributions (Figure)."""
        from costmodel.reports.choice_report import profile_figure

        return profile_figure(self._choice, lang, ax=ax)

    def uncertainty(self, ax=None, lang: str | None = None):
        """Probability that each option leads under uncertain weights (Figure)."""
        from costmodel.reports.choice_report import uncertainty_figure

        return uncertainty_figure(self._choice, lang, ax=ax)


class ChoiceViews:
    """The parts of the deployment-model decision report, displayable one by one in a notebook."""

    _PARTS = ("guidance", "survey", "cost", "criteria", "ranking", "sensitivity", "evidence", "recommendation")

    def __init__(self, choice):
        self._choice = choice

    def __repr__(self) -> str:
        return "views: " + ", ".join(f"{p}()" for p in self._PARTS)

    def _section(self, index: int, lang: str | None) -> HTML:
        from costmodel.reports.choice_report import _sections

        lang = voc._lang(lang)
        heading, parts = _sections(self._choice, lang)[index]
        body = [_STYLE, f"<h3>{_e(heading)}</h3>"]
        for part in parts:
            if part[0] == "p":
                body.append(f"<p>{_e(part[1])}</p>")
            elif part[0] == "list":
                body.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in part[1]) + "</ul>")
            elif part[0] == "table":
                body.append(_table(part[1], part[2] or None))
        return HTML("\n".join(body), heading)

    def _index(self, name: str) -> int:
        order = list(self._PARTS) if self._choice.survey is not None else [p for p in self._PARTS if p != "survey"]
        return order.index(name)

    def guidance(self, lang: str | None = None) -> HTML:
        """The notice, the status of document 2333, the guidance used, the method."""
        return self._section(self._index("guidance"), lang)

    def survey(self, lang: str | None = None) -> HTML:
        """Other provinces' IOCs: summary and table with sources."""
        return self._section(self._index("survey"), lang)

    def cost(self, lang: str | None = None) -> HTML:
        """Present value of cost of the options and the switching values within plausible ranges."""
        return self._section(self._index("cost"), lang)

    def criteria(self, lang: str | None = None) -> HTML:
        """Gates, criteria with weights, scores and their justification."""
        return self._section(self._index("criteria"), lang)

    def ranking(self, lang: str | None = None) -> HTML:
        """Options ranked by weighted score, cost beside it, the extra cost per point."""
        return self._section(self._index("ranking"), lang)

    def sensitivity(self, lang: str | None = None) -> HTML:
        """Weight sensitivity and weight uncertainty."""
        return self._section(self._index("sensitivity"), lang)

    def evidence(self, lang: str | None = None) -> HTML:
        """The latest data-sharing compliance run, the measured evidence for expected use."""
        return self._section(self._index("evidence"), lang)

    def recommendation(self, lang: str | None = None) -> Markdown:
        """The recommendation from the numbers, naming what would change it."""
        from costmodel.reports.choice_report import recommendation_text
        from costmodel.reports.tables import md_paragraph

        return Markdown(md_paragraph(recommendation_text(self._choice, lang)))


# ---------------------------------------------------------------------------
# IPython
# ---------------------------------------------------------------------------


def _figure_png(fig) -> bytes:
    from costmodel.reports.plotting import plain_figure, plain_rc

    buffer = io.BytesIO()
    with plain_rc():
        plain_figure(fig).savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def register_ipython() -> bool:
    """Show matplotlib Figures returned by a notebook cell as PNG (any backend). True when IPython is running."""
    import sys

    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    shell.display_formatter.formatters["image/png"].for_type_by_name("matplotlib.figure", "Figure", _figure_png)
    return True

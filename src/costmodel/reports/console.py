"""What the command line prints: the same words and number formats as every other output.

Tables go through :func:`costmodel.reports.tables.reader_frame` and are printed
with rich; text from scenario files is never read as rich markup (a name such
as ``[bold]`` prints as written).
"""

from __future__ import annotations

import sys

import pandas as pd

from costmodel.evaluation import Evaluation
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import reader_frame, rich_table

__all__ = [
    "console",
    "print_audit",
    "print_compliance",
    "print_peers",
    "print_schedule",
    "print_simulation",
    "print_summary",
    "print_switching",
    "print_written",
]


def console(file=None):
    """A rich console on ``file`` (default stdout), without markup or highlighting of plain text."""
    from rich.console import Console

    file = file if file is not None else sys.stdout
    return Console(file=file, width=None if file.isatty() else 200, highlight=False, markup=False, emoji=False)


def print_summary(result: Evaluation, lang: str | None = None, file=None) -> None:
    """Print the ranked summary table (whole đồng, grouped in the reader's format)."""
    names = Names(result.scenario, lang)
    s = result.scenario
    out = console(file)
    summary = result.summary.sort_values("rank", kind="stable").copy()
    cols = [
        "rank",
        "option",
        "pv_cost",
        "eac",
        "nominal_outlay",
        "residual_value",
        "net_savings",
        "sir",
        "airr",
        "simple_payback_year",
    ]
    frame = reader_frame(summary, names, columns=cols)
    option_col = frame.columns[1]
    frame[option_col] = [
        names.text("console.baseline", name=names.option(o)) if o == s.baseline else names.option(o) for o in summary["option"]
    ]
    out.print(rich_table(frame, names.text("console.title", title=s.title)))
    for line in names.changes():
        out.print(names.text("console.edit", edit=line))
    out.print(names.text("console.conventions", base_year=s.base_year, rate=voc.percent(s.discount_rate, names.lang)))
    best = result.summary.loc[result.summary["rank"] == 1].iloc[0]
    out.print(names.text("console.preferred", name=names.option(best["option"]), pv=voc.money(best["pv_cost"], names.lang)))


def print_simulation(result, lang: str | None = None, file=None) -> None:
    """Print the Monte Carlo summary and the years whose spending may exceed the appropriation."""
    names = Names(result.scenario, lang)
    out = console(file)
    title = names.text("console.sim_title", draws=voc.number(result.draws, 0, names.lang), seed=result.seed)
    cols = ["option", "mean", "p10", "p50", "p90", "prob_cheapest", "deterministic", "confidence_level"]
    out.print(rich_table(reader_frame(result.summary, names, columns=cols), title))
    if result.budget_cap:
        budget = result.budget
        for r in budget[budget["prob_over_cap"] > 0].itertuples(index=False):
            source = getattr(r, "budget", "total")
            option = names.option(r.option) if source == "total" else f"{names.option(r.option)} ({names.budget(source)})"
            out.print(
                names.text(
                    "console.over_cap",
                    option=option,
                    year=r.year,
                    cap=voc.money(r.budget_cap, names.lang),
                    prob=voc.percent(r.prob_over_cap, names.lang),
                )
            )


def print_switching(switching: pd.DataFrame, scenario, lang: str | None = None, file=None) -> None:
    """Print one line per input: its name in words and the verdict of its switching value."""
    from costmodel.reports.narrative import switching_verdict

    names = Names(scenario, lang)
    out = console(file)
    for rec in switching.to_dict("records"):
        out.print(f"{names.input(rec['input'])}: {switching_verdict(rec, names)}")


def print_peers(positions: pd.DataFrame, peers: pd.DataFrame, scenario, lang: str | None = None, file=None) -> None:
    """Print where each unit cost stands among the peers (whole đồng at base-year prices)."""
    from rich.table import Table
    from rich.text import Text

    names = Names(scenario, lang)
    lang = names.lang
    out = console(file)
    year = scenario.base_year
    for pos in positions.itertuples(index=False):
        title = names.text("console.peer_title", label=pos.label or pos.metric, option=names.option(pos.option), year=year)
        table = Table(title=Text(title), title_justify="left")
        for key, justify in (
            ("console.peer_place", "left"),
            ("console.peer_year", "right"),
            ("console.peer_value", "right"),
            ("console.peer_value_at_base", "right"),
            ("console.peer_source", "left"),
        ):
            table.add_column(Text(names.text(key, year=year) if key.endswith("at_base") else names.term(key)), justify=justify)
        rows = peers[peers["metric"] == pos.metric].sort_values("value_at_base")
        for r in rows.itertuples(index=False):
            cells = (r.place, str(r.year), voc.money(r.value, lang), voc.money(r.value_at_base, lang), r.source)
            table.add_row(*(Text(c) for c in cells))
        table.add_row(
            Text(names.term("console.this_scenario"), style="bold"),
            Text(str(year)),
            Text(""),
            Text(voc.money(pos.value, lang), style="bold"),
            Text(""),
        )
        out.print(table)
        if pos.peers and pd.notna(pos.rank):  # a unit cost that does not exist (zero driver) has no position
            out.print(
                names.text(
                    "console.peer_verdict",
                    rank=pos.rank,
                    n=pos.peers + 1,
                    position=names.term(f"console.position_{pos.position}"),
                    ratio=voc.number(pos.ratio_to_median, 2, lang),
                )
            )


def print_audit(audit, lang: str | None = None, file=None) -> None:
    """Print the audit metrics, each in its unit, and the crossover month."""
    from costmodel.reports.plotting import month_label

    lang = voc._lang(lang)
    out = console(file)
    for r in audit.metrics.itertuples(index=False):
        key = f"metric.{r.metric}"
        out.print(f"{voc.term(key, lang)}: {voc.format_value(r.value, voc.unit(key), lang)}")
    if audit.crossover_month:
        year, month = (int(x) for x in audit.crossover_month.split("-")[:2])
        import datetime as dt

        passed = month_label(dt.date(year, month, 1), lang)
    else:
        passed = voc.term("console.audit_not_passed", lang)
    out.print(voc.text("console.audit_crossover", lang, month=passed))


def print_schedule(plan, baseline, status, lang: str | None = None, file=None) -> None:
    """Print the forecast finish, the slack against the deadline and the earned-schedule indices."""
    lang = voc._lang(lang)
    out = console(file)
    finish, slack = (status.finish, status.slack) if status is not None else (baseline.finish, baseline.slack)
    if status is not None:
        out.print(voc.text("console.schedule_as_of", lang, date=voc.date(status.as_of, lang)))
    line = voc.text("console.schedule_finish", lang, date=voc.date(finish, lang))
    if status is not None:
        line += voc.text("console.schedule_baseline", lang, date=voc.date(baseline.finish, lang))
    out.print(line)
    if slack is not None:
        verdict = (
            voc.text("console.schedule_slack", lang, days=slack)
            if slack >= 0
            else voc.text("console.schedule_late", lang, days=-slack)
        )
        out.print(
            voc.text(
                "console.schedule_deadline",
                lang,
                date=voc.date(plan.deadline, lang),
                source=plan.deadline_source,
                verdict=verdict,
            )
        )
    if status is not None:
        sv = voc.number(status.schedule_variance, 1, lang)
        out.print(
            voc.text(
                "console.schedule_es",
                lang,
                sv=sv if status.schedule_variance < 0 else "+" + sv,
                spi=voc.number(status.spi, 2, lang),
            )
        )


def print_compliance(report, change_table, lang: str | None = None, file=None) -> None:
    """Print the counts of the public lists and the changes since the previous period."""
    lang = voc._lang(lang)
    out = console(file)
    counts = {name: len(table) for name, table in report.lists.items()}
    out.print(voc.text("console.compliance", lang, date=voc.date(report.as_of, lang), **counts))
    if change_table is not None:
        new = int((change_table["change"] == "new").sum())
        resolved = int((change_table["change"] == "resolved").sum())
        out.print(voc.text("console.compliance_changes", lang, new=new, resolved=resolved))


def print_written(paths, lang: str | None = None, file=None) -> None:
    """Print the files written."""
    paths = [str(p) for p in paths]
    console(file).print(voc.text("console.wrote", lang, count=len(paths), files=", ".join(paths)))


def print_explanation(explanation, lang: str | None = None, file=None) -> None:
    """Print the attribution table of a comparison (parts of each change by group of inputs, whole đồng)."""
    from costmodel.reports.compare_report import attribution_frame

    out = console(file)
    frame = attribution_frame(explanation, lang)
    out.print(rich_table(frame, frame.attrs.get("caption")))
    out.print(frame.attrs.get("unit_line", ""))
    for note in frame.attrs.get("notes", []):
        out.print(note)


def print_choice(choice, lang: str | None = None, file=None) -> None:
    """Print the ranking of a deployment-model decision and its recommendation."""
    from costmodel.reports.choice_report import ranking_frame, recommendation_text

    out = console(file)
    out.print(rich_table(ranking_frame(choice, lang), voc.term("choice.title", lang)))
    out.print(voc.term("wb.unit_line", lang))
    out.print(recommendation_text(choice, lang))

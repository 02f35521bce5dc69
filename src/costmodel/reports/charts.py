"""Charts of one evaluation: cumulative cost with crossovers, yearly budget by category, PV by category.

matplotlib figures (never shown); amounts in tỷ đồng (10^9 VND); every word
from the reader vocabulary, options by their (short) names, categories in the
reader's language, numbers with the reader's decimal comma. Artists carry
``gid`` values (with ids, never shown) so tests can inspect them.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from costmodel.evaluation import Evaluation
from costmodel.metrics import crossovers
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.plotting import NumberFormatter, figure_axes, heading_above, month_label, palette, plain

__all__ = [
    "BILLION",
    "audit_figure",
    "budget_by_category_figure",
    "cumulative_figure",
    "pv_by_category_figure",
]

BILLION = 1e9
#: Pseudo-category of contingency rows in the category charts.
_CONTINGENCY = "\0contingency"
_RESIDUAL = "\0residual"


def _category_label(names: Names, category: str) -> str:
    if category == _CONTINGENCY:
        return names.term("chart.contingency")
    if category == _RESIDUAL:
        return names.term("kind.residual")
    return names.category(category)


def _year_axis(ax, years) -> None:
    ax.set_xticks(list(years), [str(int(y)) for y in years])


def cumulative_figure(result: Evaluation, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Cumulative nominal cost per option over the years, crossovers marked.

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    names = Names(result.scenario, lang)
    # the legend goes below the axes: each option's name wrapped to the figure's width, the figure as much
    # taller as the legend has lines (a long or many names never squeeze the axes away)
    cum = result.cumulative
    points = list(crossovers(cum).itertuples(index=False))
    labels = {opt.id: textwrap.fill(plain(opt.name), 110) for opt in result.scenario.options}
    legend_lines = sum(label.count("\n") + 1 for label in labels.values()) + len(points)
    fig, ax = figure_axes(ax, (9, 5.5 + 0.2 * legend_lines))
    for opt in result.scenario.options:
        rows = cum[cum["option"] == opt.id]
        ax.plot(
            rows["year"],
            rows["cumulative_nominal"] / BILLION,
            marker="o",
            label=labels[opt.id],
            gid=f"cumulative:{opt.id}",
        )
    for k, r in enumerate(points, start=1):
        # the crossover is marked on the lines and said in the legend (a note beside the point covered the lines);
        # with several, each mark carries its number, and so does its line of the legend
        text = names.text("chart.crossover", a=names.option_short(r.overtaking), b=names.option_short(r.overtaken))
        if len(points) > 1:
            text = f"({k}) {text}"
            ax.annotate(f"({k})", (r.year, r.value / BILLION), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
        ax.plot(
            [r.year],
            [r.value / BILLION],
            marker="X",
            color="black",
            markersize=10,
            linestyle="none",
            label=textwrap.fill(plain(text), 110),
            gid=f"crossover:{r.overtaking}:{r.overtaken}",
        )
    _year_axis(ax, result.scenario.years)
    ax.yaxis.set_major_formatter(NumberFormatter(names.lang))
    ax.set_xlabel(names.term("chart.year"))
    ax.set_ylabel(names.term("chart.billion_axis"))
    ax.set_title(names.term("chart.cumulative_title"), loc="left", fontsize=11)
    ax.grid(color="#DDDDDD", lw=0.6)
    # below the axes: options' names are long, and inside the axes the legend hid the first years' lines
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.12), borderaxespad=0.0, frameon=False)
    return fig


def _category_colors(result: Evaluation) -> dict[str, str]:
    """One colour per category for every chart of a scenario (in the order categories first appear)."""
    categories = list(dict.fromkeys(it.category for o in result.scenario.options for it in o.items))
    categories += [_CONTINGENCY, _RESIDUAL]
    return dict(zip(categories, palette(len(categories)), strict=True))


def _by_category(result: Evaluation) -> tuple[list[str], pd.DataFrame]:
    """The ledger with contingency and residual rows as pseudo-categories, and the categories in order."""
    led = result.ledger.copy()
    led.loc[led["kind"] == "contingency", "category"] = _CONTINGENCY
    led.loc[led["kind"] == "residual", "category"] = _RESIDUAL
    return list(dict.fromkeys(led["category"])), led


def _panels(ax: Axes | Sequence[Axes], n: int) -> list[Axes]:
    """The caller's axes for ``n`` option panels (a single Axes only when ``n`` is 1)."""
    axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(axes) != n or not all(isinstance(a, Axes) for a in axes):
        given = "a single Axes" if isinstance(ax, Axes) else f"{len(axes)} item(s)"
        raise ValueError(
            f"budget_by_category_figure draws one panel per option: ax must be {n} Axes, one per option, {given} given"
        )
    return axes


def budget_by_category_figure(result: Evaluation, lang: str | None = None, ax: Axes | Sequence[Axes] | None = None) -> Figure:
    """Stacked yearly spending by category, one panel per option (residual excluded).

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}, optional
    ax : sequence of matplotlib.axes.Axes, optional
        Axes to draw into, one per option in the scenario's order (a single
        Axes when the scenario has one option); a new figure when omitted.
        The panels are given a common y range; the legend goes to the right of
        the last panel and the chart's title above the first panel's title.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of the first of ``ax``.

    Raises
    ------
    ValueError
        When ``ax`` is not one Axes per option.
    """
    names = Names(result.scenario, lang)
    categories, led = _by_category(result)
    led = led[led["kind"] != "residual"]
    categories = [c for c in categories if c != _RESIDUAL]
    options = result.scenario.options
    colors = _category_colors(result)
    own = ax is None  # a new figure, or the caller's axes
    if own:
        fig = Figure(figsize=(4.2 * len(options) + 2, 5), layout="constrained")
        axes = fig.subplots(1, len(options), sharey=True, squeeze=False)[0]
    else:
        axes = _panels(ax, len(options))
        fig = axes[0].figure
    years = result.scenario.years
    for panel, opt in zip(axes, options, strict=True):
        table = (
            led[led["option"] == opt.id]
            .pivot_table(index="year", columns="category", values="nominal", aggfunc="sum", fill_value=0.0)
            .reindex(years, fill_value=0.0)
        )
        bottom = np.zeros(len(years))
        for cat in categories:
            if cat not in table:
                continue
            h = table[cat].to_numpy() / BILLION
            gid_cat = "contingency" if cat == _CONTINGENCY else cat
            panel.bar(years, h, bottom=bottom, color=colors[cat], gid=f"budget:{opt.id}:{gid_cat}")
            bottom += h
        panel.set_title(plain(opt.display_name), fontsize=10)
        _year_axis(panel, years)
        panel.yaxis.set_major_formatter(NumberFormatter(names.lang))
        panel.grid(axis="y", color="#DDDDDD", lw=0.6)
    axes[0].set_ylabel(names.term("chart.billion_axis"))
    handles = [Patch(color=colors[c], label=plain(_category_label(names, c))) for c in categories]
    if own:
        fig.legend(handles=handles, loc="outside right upper", fontsize=8)
        fig.suptitle(names.term("chart.budget_title"), x=0.01, ha="left", fontsize=11)
        return fig
    # the caller's axes: one y range for all panels (as sharey), legend and title on the panels themselves
    low = min(a.get_ylim()[0] for a in axes)
    high = max(a.get_ylim()[1] for a in axes)
    for a in axes:
        a.set_ylim(low, high)
    axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=8)
    heading_above(axes[0].title, names.term("chart.budget_title"), 11)
    return fig


def pv_by_category_figure(result: Evaluation, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Horizontal stacked bars of each option's present value by category (residual credit as negative).

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    names = Names(result.scenario, lang)
    categories, led = _by_category(result)
    table = led.pivot_table(index="option", columns="category", values="present_value", aggfunc="sum", fill_value=0.0)
    table = table.reindex(index=[o.id for o in result.scenario.options], columns=categories, fill_value=0.0)
    colors = _category_colors(result)
    fig, ax = figure_axes(ax, (10, 1.2 * len(table) + 2.5))
    y = np.arange(len(table))
    pos, neg = np.zeros(len(table)), np.zeros(len(table))
    for cat in categories:
        v = table[cat].to_numpy() / BILLION
        left = np.where(v >= 0, pos, neg)
        gid_cat = {_CONTINGENCY: "contingency", _RESIDUAL: "residual"}.get(cat, cat)
        ax.barh(y, v, left=left, color=colors[cat], label=plain(_category_label(names, cat)), gid=f"pv:{gid_cat}")
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    totals = result.summary.set_index("option").reindex(table.index)["pv_cost"].to_numpy() / BILLION
    reach = float(max(pos.max(initial=0.0), 1e-9))
    for yi, tot in zip(y, totals, strict=True):
        # the net present value (residual credit deducted), written beside the end of the bar
        label = names.text("chart.net_total", amount=voc.number(tot, 2, names.lang))
        ax.text(pos[yi] + 0.01 * reach, yi, label, va="center", fontsize=8, gid=f"total:{yi}")
    ax.set_xlim(min(neg.min(initial=0.0) * 1.05, 0.0), reach * 1.3)
    ax.set_yticks(y, [plain(names.option_short(o)) for o in table.index])
    ax.xaxis.set_major_formatter(NumberFormatter(names.lang))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(names.term("chart.billion_axis"))
    ax.set_title(names.term("chart.pv_title"), loc="left", fontsize=11)
    ax.legend(fontsize=7, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    return fig


def audit_figure(audit, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Cumulative rent against cumulative buy-and-operate, month by month, crossover marked.

    Parameters
    ----------
    audit : AuditResult
        :func:`costmodel.audit.retrospective`'s result.
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    lang = voc._lang(lang)
    m = audit.monthly
    fig, ax = figure_axes(ax, (10, 5))
    x = np.arange(len(m))
    ax.plot(x, m["cumulative_rent"] / BILLION, label=voc.term("chart.rent_paid", lang), gid="audit:rent")
    ax.plot(x, m["cumulative_buy"] / BILLION, label=voc.term("chart.buy", lang), gid="audit:buy")
    months = [month_label(_month(s), lang) for s in m["month"]]
    if audit.crossover_month is not None:
        k = int(np.flatnonzero(m["month"].to_numpy() == audit.crossover_month)[0])
        ax.axvline(k, color="black", linestyle="--", lw=1, gid="audit:crossover")
        ax.annotate(
            voc.text("chart.passed", lang, month=months[k]),
            (k, m["cumulative_rent"].iloc[k] / BILLION),
            textcoords="offset points",
            xytext=(6, -14),
            fontsize=8,
        )
    ax.set_xticks(x[::3], months[::3], rotation=45, fontsize=7)
    ax.yaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_ylabel(voc.term("chart.billion_axis", lang))
    ax.set_title(voc.term("chart.audit_title", lang), loc="left", fontsize=11)
    ax.grid(color="#DDDDDD", lw=0.6)
    ax.legend(fontsize=8)
    return fig


def _month(text: str) -> dt.date:
    year, month = str(text).split("-")[:2]
    return dt.date(int(year), int(month), 1)

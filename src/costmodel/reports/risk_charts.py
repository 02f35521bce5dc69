"""Risk charts: S-curves, tornado, two-way preference map (matplotlib figures, never shown).

Amounts in tỷ đồng (billion VND); every word from the reader vocabulary;
options by their short names and inputs named in words
(:class:`~costmodel.reports.names.Names`); numbers with the reader's decimal
comma. Functions return :class:`matplotlib.figure.Figure`; the CLI saves them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.plotting import NumberFormatter, figure_axes, palette, plain
from costmodel.risk.simulate import CURVE_POINTS, SimulationResult

__all__ = ["BILLION", "S_CURVE_POINTS", "s_curve_figure", "tornado_figure", "two_way_figure"]

#: 1 tỷ đồng = 10^9 VND.
BILLION = 1e9
#: Points drawn per S-curve: the quantiles at this many probabilities, whatever the number of draws.
S_CURVE_POINTS = CURVE_POINTS


def s_curve_figure(result: SimulationResult, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Empirical CDF of each option's present value of cost, with the point estimate marked.

    Each curve is drawn through :data:`S_CURVE_POINTS` quantiles of the draws
    (the same curve as every draw would give, at a fixed cost), read from one
    sort of the draws that the summary table shares
    (:meth:`~costmodel.risk.simulate.SimulationResult.pv_curve`).

    Parameters
    ----------
    result : SimulationResult
        :func:`costmodel.risk.simulate.simulate`'s result.
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    names = Names(result.scenario, lang)
    fig, ax = figure_axes(ax, (9, 5.5))
    for k, oid in enumerate(result.options):
        probabilities, quantiles = result.pv_curve(k)
        (line,) = ax.plot(quantiles / BILLION, probabilities, label=plain(names.option_short(oid)), gid=f"s-curve:{oid}")
        det = result.deterministic[k] / BILLION
        conf = result.confidence_level(k)
        ax.plot([det], [conf], marker="o", color=line.get_color(), gid=f"deterministic:{oid}")
        ax.annotate(
            names.text("chart.point_estimate", level=voc.percent(conf, names.lang, 0)),
            (det, conf),
            textcoords="offset points",
            xytext=(6, -10),
            fontsize=7,
        )
    ax.xaxis.set_major_formatter(NumberFormatter(names.lang))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: voc.percent(v, names.lang, 0)))
    ax.set_xlabel(names.term("chart.pv_axis"))
    ax.set_ylabel(names.term("chart.prob_axis"))
    ax.set_ylim(0, 1)
    ax.grid(color="#DDDDDD", lw=0.6)
    ax.set_title(names.term("chart.s_title"), loc="left", fontsize=11)
    ax.legend(fontsize=8)
    return fig


def tornado_figure(
    table: pd.DataFrame, scenario, target: str = "gap", lang: str | None = None, top: int = 15, ax: Axes | None = None
) -> Figure:
    """Horizontal bars of the change in ``target``'s value at each input's low and high value.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`costmodel.risk.sensitivity.tornado`'s output.
    scenario : Scenario
        The scenario analysed (to name its options and inputs).
    target : str
        An option id, or ``"gap"`` for the gap between the two cheapest options.
    lang : {"vi", "en"}, optional
    top : int
        At most this many inputs, largest swing on top.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    names = Names(scenario, lang)
    rows = table[table["target"] == target].sort_values("swing", ascending=True).tail(top)
    fig, ax = figure_axes(ax, (11, max(3.0, 0.65 * len(rows) + 2.0)))
    y = np.arange(len(rows))
    lo = (rows["pv_low"] - rows["central_pv"]).to_numpy() / BILLION
    hi = (rows["pv_high"] - rows["central_pv"]).to_numpy() / BILLION
    ax.barh(y, lo, color="#4F81BD", label=names.term("chart.low"), gid="tornado-low")
    ax.barh(y, hi, color="#C0504D", label=names.term("chart.high"), gid="tornado-high")
    ax.axvline(0, color="black", lw=0.8)
    labels = [
        f"{_wrap(names.input(r.input))}\n({names.input_value(r.input, r.low)} – {names.input_value(r.input, r.high)})"
        for r in rows.itertuples(index=False)
    ]
    ax.set_yticks(y, [plain(t) for t in labels], fontsize=7)
    ax.xaxis.set_major_formatter(NumberFormatter(names.lang))
    ax.set_xlabel(names.term("chart.tornado_axis"))
    if len(rows):
        first = rows.iloc[0]
        title = names.target(target, str(first["minuend"]), str(first["subtrahend"]), short=True)
    else:
        title = voc.DASH
    ax.set_title(plain(_wrap(names.text("chart.tornado_title", target=title), 90)), loc="left", fontsize=10)
    ax.legend(fontsize=8)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    return fig


def two_way_figure(grid: pd.DataFrame, scenario, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Map of the cheapest option over a two-input grid (:func:`~costmodel.risk.sensitivity.two_way`).

    Parameters
    ----------
    grid : pandas.DataFrame
        :func:`costmodel.risk.sensitivity.two_way`'s output.
    scenario : Scenario
        The scenario analysed (to name its options and inputs).
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    names = Names(scenario, lang)
    a, b = grid.columns[0], grid.columns[1]
    xa, xb = np.unique(grid[a]), np.unique(grid[b])
    options = [o.id for o in scenario.options if o.id in set(grid["preferred"])]
    code = {o: i for i, o in enumerate(options)}
    z = grid["preferred"].map(code).to_numpy().reshape(len(xa), len(xb)).T
    fig, ax = figure_axes(ax, (9, 6.5))
    colors = palette(len(options))
    ax.pcolormesh(xa, xb, z, cmap=ListedColormap(colors), vmin=-0.5, vmax=len(options) - 0.5, shading="nearest", gid="two-way")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: names.input_value(a, v)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: names.input_value(b, v)))
    ax.set_xlabel(plain(_wrap(names.input(a), 90)))
    ax.set_ylabel(plain(_wrap(names.input(b), 60)))
    ax.set_title(names.term("chart.two_way_title"), loc="left", fontsize=11)
    handles = [Patch(color=c, label=plain(names.option_short(o))) for c, o in zip(colors, options, strict=True)]
    ax.legend(handles=handles, fontsize=8, loc="upper right")
    return fig


def _wrap(text: str, width: int = 55) -> str:
    """Break a long name into lines of at most ``width`` characters (at spaces)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)

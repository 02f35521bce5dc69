"""The optimised own/rent plan as readers see it: year by year what to rent and what to own, and what it costs.

Renders a :class:`costmodel.decision.optimise.OptimisationResult`: the plan
(capacities named by their drivers' labels, options by their names), the
present value of cost of the plan beside the cheapest hand-made option, with
several futures the expected cost and the value of the stochastic solution,
and with budget caps which caps bind and what more budget would save. The
costs are those of the engine's evaluation of the plan file (``plan.toml``).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.plotting import NumberFormatter, heading_above, palette, plain
from costmodel.reports.tables import html_table, markdown_table

__all__ = ["binding_frame", "optimise_html", "optimise_markdown", "optimise_text", "outside_note", "plan_figure", "plan_frame"]

_e = html.escape


def _options(result, names: Names, joined: str) -> str:
    return " + ".join(names.option_short(o) for o in joined.split("+") if o)


def _capacity(names: Names, driver: str) -> str:
    return names.driver(driver) if driver in names.scenario.drivers else driver


def _number(value: float, lang: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return voc.DASH
    return voc.number(value, 0 if float(value).is_integer() else 1, lang)


def plan_frame(result, lang: str | None = None, future: str | None = None) -> pd.DataFrame:
    """The plan of one future (default the first) for readers: per year and capacity the need, rented, owned, bought."""
    names = Names(result.scenario, lang)
    lang = names.lang
    future = future or result.futures[0].name
    plan = result.plan[result.plan["future"] == future]
    rows = list(plan.itertuples(index=False))
    return pd.DataFrame(
        {
            voc.term("col.year", lang): [str(r.year) for r in rows],
            voc.term("opt.col.capacity", lang): [_capacity(names, r.capacity) for r in rows],
            voc.term("opt.col.need", lang): [_number(r.need, lang) for r in rows],
            voc.term("opt.col.rented", lang): [_number(r.rented, lang) for r in rows],
            voc.term("opt.col.owned", lang): [_number(r.owned, lang) for r in rows],
            voc.term("opt.col.outside", lang): [_number(r.outside, lang) for r in rows],
            voc.term("opt.col.installed", lang): [_number(r.installed, lang) for r in rows],
            voc.term("opt.col.modules", lang): [_number(float(r.modules_bought), lang) for r in rows],
        }
    )


def outside_note(result, lang: str | None = None, future: str | None = None) -> str:
    """The note under a plan table when some need falls outside the plan's services; empty otherwise."""
    future = future or result.futures[0].name
    plan = result.plan[result.plan["future"] == future]
    years = sorted({int(y) for y in plan.loc[plan["outside"] > 0, "year"]})
    return voc.text("opt.note_outside", lang, years=", ".join(map(str, years))) if years else ""


def binding_frame(result, lang: str | None = None) -> pd.DataFrame:
    """One row per budget cap: year, source, cap, spending under the plan, whether it binds, what more budget saves."""
    lang = voc._lang(lang)
    rows = list(result.binding.itertuples(index=False))
    futures = {f.name: f.name for f in result.futures}

    data = {
        voc.term("col.year", lang): [str(r.year) for r in rows],
        voc.term("opt.col.budget", lang): [voc.term(f"budget.{r.budget}", lang) for r in rows],
        voc.term("opt.col.cap", lang): [voc.money(r.cap, lang) for r in rows],
        voc.term("opt.col.spent", lang): [voc.money(r.spent, lang) for r in rows],
        voc.term("opt.col.binding", lang): [voc.term("opt.yes" if r.binding else "opt.no", lang) for r in rows],
        voc.term("opt.col.saving_per_million", lang): [voc.money(r.saving_per_million, lang) for r in rows],
        voc.term("opt.col.saving_without_cap", lang): [voc.money(r.saving_without_cap, lang) for r in rows],
    }
    if len(futures) > 1:
        data[voc.term("opt.col.future", lang)] = [str(r.future) for r in rows]
    return pd.DataFrame(data)


def optimise_text(result, lang: str | None = None) -> str:
    """The plan in sentences: what it takes, its cost beside the cheapest hand-made option, futures and caps."""
    names = Names(result.scenario, lang)
    lang = names.lang
    summary = result.summary()
    chosen = " + ".join(names.option(o) for o in result.chosen)
    key = "opt.text.plan" if len(result.futures) > 1 else "opt.text.plan_one"  # one future: a point estimate
    parts = [voc.text(key, lang, options=chosen, pv=voc.amount(result.expected, lang))]
    cheapest = summary[summary["measure"] == "cheapest_option"]
    if len(result.futures) == 1:
        row = cheapest.iloc[0]
        if row["option"]:
            saving = float(row["pv_cost"]) - result.expected
            key = "opt.text.same_as_option" if abs(saving) < 0.5 else "opt.text.saves"
            parts.append(
                voc.text(
                    key,
                    lang,
                    option=names.option(row["option"]),
                    pv=voc.amount(float(row["pv_cost"]), lang),
                    saving=voc.amount(saving, lang),
                )
            )
        else:
            parts.append(voc.term("opt.text.no_option_within_caps", lang))
    else:
        parts.append(
            voc.text(
                "opt.text.futures",
                lang,
                n=len(result.futures),
                ws=voc.amount(float(result.wait_and_see["expected"]), lang),
                evpi=voc.amount(result.evpi or 0.0, lang),
                vss=voc.amount(result.vss, lang) if result.vss is not None and math.isfinite(result.vss) else voc.DASH,
            )
        )
    if result.caps:
        binding = result.binding[result.binding["binding"]]
        if len(binding):
            b = binding.sort_values("saving_without_cap", ascending=False).iloc[0]
            source = voc.term(f"budget.{b.budget}", lang)
            source = source[0].lower() + source[1:] if len(source) > 1 and source[1].islower() else source
            parts.append(
                voc.text(
                    "opt.text.binding",
                    lang,
                    n=len(binding),
                    year=b.year,
                    source=source,
                    saving=voc.amount(b.saving_without_cap, lang),
                )
            )
        else:
            parts.append(voc.term("opt.text.no_binding", lang))
    parts.append(voc.term("opt.text.method", lang))
    return " ".join(parts)


def optimise_html(result, lang: str | None = None) -> str:
    """The plan as an HTML block (notebooks)."""
    lang = voc._lang(lang)
    body = [f"<h4>{_e(voc.term('opt.title', lang))}</h4>", f"<p>{_e(optimise_text(result, lang))}</p>"]
    for f in result.futures:
        if len(result.futures) > 1:
            body.append(
                f"<h5>{_e(voc.text('opt.future_heading', lang, future=f.name, p=voc.percent(f.probability, lang, 0)))}</h5>"
            )
        body.append(html_table(plan_frame(result, lang, f.name)))
        if note := outside_note(result, lang, f.name):
            body.append(f"<p><i>{_e(note)}</i></p>")
    if result.caps:
        body.append(html_table(binding_frame(result, lang), unit_line=voc.term("wb.unit_line", lang)))
    return "\n".join(body)


def optimise_markdown(result, lang: str | None = None) -> str:
    """The plan as Markdown."""
    lang = voc._lang(lang)
    lines = [f"# {voc.term('opt.title', lang)}", "", optimise_text(result, lang), ""]
    for f in result.futures:
        if len(result.futures) > 1:
            lines += [f"## {voc.text('opt.future_heading', lang, future=f.name, p=voc.percent(f.probability, lang, 0))}", ""]
        lines += [markdown_table(plan_frame(result, lang, f.name)), ""]
        if note := outside_note(result, lang, f.name):
            lines += [f"*{note}*", ""]
    if result.caps:
        lines += [f"*{voc.term('wb.unit_line', lang)}*", "", markdown_table(binding_frame(result, lang)), ""]
    return "\n".join(lines)


def plan_figure(result, lang: str | None = None, future: str | None = None, ax=None) -> Figure:
    """The plan of one future (default the first) as a chart: one panel per capacity.

    Per year, stacked bars of the need met by own equipment and by renting, the
    need as a line and the own capacity installed as a dashed step (modules are
    bought whole, so installed capacity can exceed what is used).

    Parameters
    ----------
    result : OptimisationResult
    lang : {"vi", "en"}, optional
    future : str, optional
        The future's name; default the first.
    ax : matplotlib.axes.Axes or sequence of Axes, optional
        Axes to draw into, one per capacity in the plan's order (a single Axes
        when the plan has one capacity); a new figure when omitted. The legend
        then goes to the right of the last panel and the chart's title above
        the first panel's title.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of the first of ``ax``. Artists carry
        ``gid`` values ``plan:<capacity>:<series>`` (ids, never shown).

    Raises
    ------
    ValueError
        When ``ax`` is not one Axes per capacity.
    """
    names = Names(result.scenario, lang)
    future = future or result.futures[0].name
    plan = result.plan[result.plan["future"] == future]
    capacities = list(dict.fromkeys(plan["capacity"]))
    own = ax is None
    if own:
        fig = Figure(figsize=(4.6 * max(len(capacities), 1) + 1.5, 4.6), layout="constrained")
        axes = fig.subplots(1, max(len(capacities), 1), squeeze=False)[0]
    else:
        axes = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) != max(len(capacities), 1) or not all(isinstance(a, Axes) for a in axes):
            given = "a single Axes" if isinstance(ax, Axes) else f"{len(axes)} item(s)"
            raise ValueError(
                f"plan_figure draws one panel per capacity: ax must be {len(capacities)} Axes "
                f"({', '.join(capacities)}), {given} given"
            )
        fig = axes[0].figure
    own_colour, rent_colour = palette(2)
    for ax, cap in zip(axes, capacities, strict=False):
        rows = plan[plan["capacity"] == cap].sort_values("year")
        years = rows["year"].to_numpy(dtype=int)
        owned, rented = rows["owned"].to_numpy(dtype=float), rows["rented"].to_numpy(dtype=float)
        ax.bar(years, owned, color=own_colour, gid=f"plan:{cap}:owned", label=plain(names.term("opt.col.owned")))
        ax.bar(
            years, rented, bottom=owned, color=rent_colour, gid=f"plan:{cap}:rented", label=plain(names.term("opt.col.rented"))
        )
        need = rows["need"].to_numpy(dtype=float)
        outside = rows["outside"].to_numpy(dtype=float)  # no service of the plan in that period
        shown = outside > 0
        if np.any(shown):
            ax.bar(
                years[shown],
                outside[shown],
                bottom=(owned + rented)[shown],
                color="#E6E6E6",
                hatch="//",
                edgecolor="#999999",
                gid=f"plan:{cap}:outside",
                label=plain(names.term("opt.col.outside")),
            )
        ax.plot(
            years,
            need,
            "o-",
            color="black",
            lw=1.2,
            gid=f"plan:{cap}:need",
            label=plain(names.term("opt.col.need")),
        )
        installed = rows["installed"].to_numpy(dtype=float)
        if np.any(installed > 0):
            ax.step(
                years,
                installed,
                where="mid",
                ls="--",
                color="#555555",
                lw=1.0,
                gid=f"plan:{cap}:installed",
                label=plain(names.term("opt.col.installed")),
            )
        ax.set_title(plain(_capacity(names, cap)), fontsize=10)
        ax.set_xticks(list(years), [str(y) for y in years])
        ax.yaxis.set_major_formatter(NumberFormatter(names.lang))
        ax.grid(axis="y", color="#DDDDDD", lw=0.6)
        top = max(
            float(np.max(need, initial=0.0)), float(np.max(installed, initial=0.0)), float(np.max(owned + rented, initial=0.0))
        )
        ax.set_ylim(0, top * 1.08 if top > 0 else 1.0)
    axes[0].set_ylabel(names.term("opt.chart_units"))
    legend: dict[str, object] = {}  # every series once, whichever panel has it
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
    title = names.term("opt.chart_title")
    if len(result.futures) > 1:
        p = next(f.probability for f in result.futures if f.name == future)
        title += " - " + voc.text("opt.future_heading", names.lang, future=future, p=voc.percent(p, names.lang, 0))
    if own:
        fig.legend(list(legend.values()), list(legend), loc="outside lower center", ncol=min(len(legend), 5), fontsize=8)
        fig.suptitle(plain(title), x=0.01, ha="left", fontsize=11)
        return fig
    # the caller's axes: the legend beside the last panel, the title above the first panel's title
    axes[-1].legend(
        list(legend.values()), list(legend), loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize=8
    )
    heading_above(axes[0].title, title, 11)
    return fig

"""Charts of one evaluation: cumulative cost with crossovers, yearly budget by category, PV by category.

matplotlib figures (never shown); amounts in tỷ đồng (10^9 VND); Vietnamese
labels by default. Artists carry ``gid`` values so tests can inspect them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from costmodel.evaluation import Evaluation
from costmodel.metrics import crossovers
from costmodel.reports.formatting import format_number

__all__ = [
    "BILLION",
    "audit_figure",
    "budget_by_category_figure",
    "cumulative_figure",
    "pv_by_category_figure",
]

BILLION = 1e9
_L = {
    "cum_title": {
        "vi": "Chi phí lũy kế theo phương án (danh nghĩa, gồm VAT)",
        "en": "Cumulative cost by option (nominal, VAT incl.)",
    },
    "cum_axis": {"vi": "Tỷ đồng", "en": "Billion VND"},
    "year": {"vi": "Năm", "en": "Year"},
    "cross": {"vi": "{a} vượt {b}", "en": "{a} passes {b}"},
    "bud_title": {"vi": "Dự toán chi hằng năm theo nhóm chi phí", "en": "Yearly spending by category"},
    "pv_title": {"vi": "Giá trị hiện tại chi phí theo nhóm", "en": "Present value of cost by category"},
    "residual": {"vi": "giá trị còn lại", "en": "residual value"},
    "rent": {"vi": "Tiền thuê lũy kế (đã trả)", "en": "Cumulative rent (paid)"},
    "buy": {"vi": "Mua sắm và vận hành lũy kế (nếu mua)", "en": "Cumulative buy and operate (if bought)"},
    "passed": {"vi": "tiền thuê vượt chi phí mua: {month}", "en": "rent passes buying: {month}"},
    "audit_title": {
        "vi": "Hợp đồng thuê trước đây: thuê so với mua, theo tháng",
        "en": "Past rental: rent against buying, by month",
    },
}


def cumulative_figure(result: Evaluation, lang: str = "vi") -> Figure:
    """Cumulative nominal cost per option over the years, crossovers marked."""
    fig = Figure(figsize=(9, 5.5), layout="constrained")
    ax = fig.add_subplot()
    cum = result.cumulative
    for opt in result.scenario.options:
        rows = cum[cum["option"] == opt.id]
        ax.plot(
            rows["year"],
            rows["cumulative_nominal"] / BILLION,
            marker="o",
            label=f"{opt.id} - {opt.name}",
            gid=f"cumulative:{opt.id}",
        )
    for r in crossovers(cum).itertuples(index=False):
        ax.plot(
            [r.year],
            [r.value / BILLION],
            marker="X",
            color="black",
            markersize=10,
            linestyle="none",
            gid=f"crossover:{r.overtaking}:{r.overtaken}",
        )
        ax.annotate(
            _L["cross"][lang].format(a=r.overtaking, b=r.overtaken),
            (r.year, r.value / BILLION),
            textcoords="offset points",
            xytext=(6, 6),
            fontsize=8,
        )
    ax.set_xticks(result.scenario.years)
    ax.set_xlabel(_L["year"][lang])
    ax.set_ylabel(_L["cum_axis"][lang])
    ax.set_title(_L["cum_title"][lang], loc="left", fontsize=11)
    ax.grid(color="#DDDDDD", lw=0.6)
    ax.legend(fontsize=8)
    return fig


def budget_by_category_figure(result: Evaluation, lang: str = "vi") -> Figure:
    """Stacked yearly spending by category, one panel per option (residual excluded)."""
    led = result.ledger[result.ledger["kind"] != "residual"]
    options = result.scenario.options
    categories = list(dict.fromkeys(led["category"]))
    colors = dict(zip(categories, _palette(len(categories)), strict=True))
    fig = Figure(figsize=(4.2 * len(options), 5), layout="constrained")
    axes = fig.subplots(1, len(options), sharey=True, squeeze=False)[0]
    years = result.scenario.years
    for ax, opt in zip(axes, options, strict=True):
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
            ax.bar(years, h, bottom=bottom, color=colors[cat], label=cat, gid=f"budget:{opt.id}:{cat}")
            bottom += h
        ax.set_title(opt.id, fontsize=10)
        ax.set_xticks(years)
        ax.grid(axis="y", color="#DDDDDD", lw=0.6)
    axes[0].set_ylabel(_L["cum_axis"][lang])
    handles = [Patch(color=colors[c], label=c) for c in categories]
    fig.legend(handles=handles, loc="outside right upper", fontsize=8)
    fig.suptitle(_L["bud_title"][lang], x=0.01, ha="left", fontsize=11)
    return fig


def pv_by_category_figure(result: Evaluation, lang: str = "vi") -> Figure:
    """Horizontal stacked bars of each option's present value by category (residual credit as negative)."""
    led = result.ledger.copy()
    led.loc[led["kind"] == "residual", "category"] = _L["residual"][lang]
    table = led.pivot_table(index="option", columns="category", values="present_value", aggfunc="sum", fill_value=0.0)
    table = table.reindex([o.id for o in result.scenario.options])
    categories = list(table.columns)
    colors = dict(zip(categories, _palette(len(categories)), strict=True))
    fig = Figure(figsize=(10, 1.2 * len(table) + 2), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(table))
    pos, neg = np.zeros(len(table)), np.zeros(len(table))
    for cat in categories:
        v = table[cat].to_numpy() / BILLION
        left = np.where(v >= 0, pos, neg)
        ax.barh(y, v, left=left, color=colors[cat], label=cat, gid=f"pv:{cat}")
        pos += np.where(v >= 0, v, 0)
        neg += np.where(v < 0, v, 0)
    totals = result.summary.set_index("option").reindex(table.index)["pv_cost"].to_numpy() / BILLION
    for yi, tot in zip(y, totals, strict=True):
        ax.text(max(pos[yi], 0) * 1.01, yi, format_number(tot, 2, lang), va="center", fontsize=8, gid=f"total:{yi}")
    ax.set_yticks(y, list(table.index))
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(_L["cum_axis"][lang])
    ax.set_title(_L["pv_title"][lang], loc="left", fontsize=11)
    ax.legend(fontsize=7, ncol=3, loc="lower right")
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    return fig


def _palette(n: int) -> list[str]:
    base = [
        "#4F81BD",
        "#C0504D",
        "#9BBB59",
        "#8064A2",
        "#4BACC6",
        "#F79646",
        "#2C4D75",
        "#772C2A",
        "#5F7530",
        "#4D3B62",
        "#276A7C",
        "#B65708",
        "#7F7F7F",
    ]
    return [base[i % len(base)] for i in range(n)]


def audit_figure(audit, lang: str = "vi") -> Figure:
    """Cumulative rent against cumulative buy-and-operate, month by month, crossover marked."""
    m = audit.monthly
    fig = Figure(figsize=(10, 5), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(m))
    ax.plot(x, m["cumulative_rent"] / BILLION, label=_L["rent"][lang], gid="audit:rent")
    ax.plot(x, m["cumulative_buy"] / BILLION, label=_L["buy"][lang], gid="audit:buy")
    if audit.crossover_month is not None:
        k = int(np.flatnonzero(m["month"].to_numpy() == audit.crossover_month)[0])
        ax.axvline(k, color="black", linestyle="--", lw=1, gid="audit:crossover")
        ax.annotate(
            _L["passed"][lang].format(month=audit.crossover_month),
            (k, m["cumulative_rent"].iloc[k] / BILLION),
            textcoords="offset points",
            xytext=(6, -14),
            fontsize=8,
        )
    ticks = x[::3]
    ax.set_xticks(ticks, m["month"].to_numpy()[::3], rotation=45, fontsize=7)
    ax.set_ylabel(_L["cum_axis"][lang])
    ax.set_title(_L["audit_title"][lang], loc="left", fontsize=11)
    ax.grid(color="#DDDDDD", lw=0.6)
    ax.legend(fontsize=8)
    return fig

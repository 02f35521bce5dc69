"""Risk charts: S-curves, tornado, two-way preference map (matplotlib figures, never shown).

Amounts in tỷ đồng (billion VND); Vietnamese labels by default. Functions
return :class:`matplotlib.figure.Figure`; the CLI saves them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from costmodel.risk.simulate import SimulationResult

__all__ = ["BILLION", "s_curve_figure", "tornado_figure", "two_way_figure"]

#: 1 tỷ đồng = 10^9 VND.
BILLION = 1e9
_L = {
    "s_title": {
        "vi": "Đường cong S: xác suất tích lũy của giá trị hiện tại chi phí",
        "en": "S-curves: cumulative probability of PV cost",
    },
    "pv_axis": {"vi": "Giá trị hiện tại chi phí (tỷ đồng)", "en": "Present value of cost (billion VND)"},
    "prob": {"vi": "Xác suất không vượt quá", "en": "Probability of not exceeding"},
    "det": {"vi": "ước tính tất định", "en": "deterministic estimate"},
    "t_title": {"vi": "Biểu đồ lốc xoáy: {option}", "en": "Tornado: {option}"},
    "t_axis": {
        "vi": "Thay đổi so với giá trị trung tâm (tỷ đồng)",
        "en": "Change from the central value (billion VND)",
    },
    "low": {"vi": "Giá trị thấp", "en": "Low value"},
    "high": {"vi": "Giá trị cao", "en": "High value"},
    "w_title": {"vi": "Phương án ưu tiên theo hai yếu tố", "en": "Preferred option by two inputs"},
}


def s_curve_figure(result: SimulationResult, lang: str = "vi") -> Figure:
    """Empirical CDF of pv_cost per option, with the deterministic estimate marked."""
    fig = Figure(figsize=(9, 5.5), layout="constrained")
    ax = fig.add_subplot()
    n = result.pv_cost.shape[0]
    p = np.arange(1, n + 1) / n
    step = max(1, n // 2000)  # plot at most ~2000 points per curve
    for k, oid in enumerate(result.options):
        x = np.sort(result.pv_cost[:, k]) / BILLION
        (line,) = ax.plot(x[::step], p[::step], label=oid, gid=f"s-curve:{oid}")
        det = result.deterministic[k] / BILLION
        conf = float(np.mean(result.pv_cost[:, k] <= result.deterministic[k] * (1 + 1e-12)))
        ax.plot([det], [conf], marker="o", color=line.get_color(), gid=f"deterministic:{oid}")
        ax.annotate(
            f"{_L['det'][lang]}: P{conf * 100:.0f}",
            (det, conf),
            textcoords="offset points",
            xytext=(6, -10),
            fontsize=7,
        )
    ax.set_xlabel(_L["pv_axis"][lang])
    ax.set_ylabel(_L["prob"][lang])
    ax.set_ylim(0, 1)
    ax.grid(color="#DDDDDD", lw=0.6)
    ax.set_title(_L["s_title"][lang], loc="left", fontsize=11)
    ax.legend(fontsize=8)
    return fig


def tornado_figure(table: pd.DataFrame, option: str, lang: str = "vi", top: int = 15) -> Figure:
    """Horizontal bars of the change in ``option``'s pv_cost at each input's low and high value.

    ``table`` is :func:`costmodel.risk.sensitivity.tornado`'s output; ``option`` is
    an option id or the difference row's name. Inputs are sorted by swing.
    """
    rows = table[table["option"] == option].sort_values("swing", ascending=True).tail(top)
    fig = Figure(figsize=(9, max(3.0, 0.45 * len(rows) + 1.5)), layout="constrained")
    ax = fig.add_subplot()
    y = np.arange(len(rows))
    lo = (rows["pv_low"] - rows["central_pv"]).to_numpy() / BILLION
    hi = (rows["pv_high"] - rows["central_pv"]).to_numpy() / BILLION
    ax.barh(y, lo, color="#4F81BD", label=_L["low"][lang], gid="tornado-low")
    ax.barh(y, hi, color="#C0504D", label=_L["high"][lang], gid="tornado-high")
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, [_short(s) for s in rows["input"]], fontsize=8)
    ax.set_xlabel(_L["t_axis"][lang])
    ax.set_title(_L["t_title"][lang].format(option=option), loc="left", fontsize=11)
    ax.legend(fontsize=8)
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    return fig


def two_way_figure(grid: pd.DataFrame, lang: str = "vi") -> Figure:
    """Map of the preferred option over a two-input grid (:func:`~costmodel.risk.sensitivity.two_way`)."""
    a, b = grid.columns[0], grid.columns[1]
    xa, xb = np.unique(grid[a]), np.unique(grid[b])
    options = sorted(set(grid["preferred"]))
    code = {o: i for i, o in enumerate(options)}
    z = grid["preferred"].map(code).to_numpy().reshape(len(xa), len(xb)).T
    fig = Figure(figsize=(8, 6), layout="constrained")
    ax = fig.add_subplot()
    colors = ["#4F81BD", "#C0504D", "#9BBB59", "#8064A2", "#F79646"][: len(options)]
    ax.pcolormesh(xa, xb, z, cmap=ListedColormap(colors), vmin=-0.5, vmax=len(options) - 0.5, shading="nearest", gid="two-way")
    ax.set_xlabel(_short(a))
    ax.set_ylabel(_short(b))
    ax.set_title(_L["w_title"][lang], loc="left", fontsize=11)
    ax.legend(handles=[Patch(color=c, label=o) for c, o in zip(colors, options, strict=True)], fontsize=8, loc="upper right")
    return fig


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else "…" + text[-(width - 1) :]

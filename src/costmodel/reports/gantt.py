"""Gantt chart of the procurement plan (matplotlib; returns a figure, never shows it).

Baseline bars (grey outline), forecast or actual bars (blue; red for critical
tasks) with the completed share filled, milestones as diamonds, dependency
arrows, and the status date and deadline as vertical lines. Every word comes
from the reader vocabulary (Vietnamese by default), months are named in the
reader's language. Artists carry ``gid`` values (``baseline:<id>``,
``forecast:<id>``, ``milestone:<id>``, ``deadline``, ``status-date``) so tests
can inspect the figure instead of pixels.
"""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from costmodel.reports import vocabulary as voc
from costmodel.reports.plotting import DateFormatter, figure_axes, plain
from costmodel.schedule.cpm import Schedule
from costmodel.schedule.plan import Plan
from costmodel.schedule.progress import Forecast

__all__ = ["gantt_figure"]

_GREY, _BLUE, _RED, _DONE = "#9E9E9E", "#4F81BD", "#C0504D", "#1F3864"


def _num(day: dt.date) -> float:
    return mdates.date2num(day)


def gantt_figure(
    plan: Plan, baseline: Schedule, status: Forecast | None = None, lang: str | None = None, ax: Axes | None = None
) -> Figure:
    """Draw the Gantt chart.

    Parameters
    ----------
    plan : Plan
    baseline : Schedule
        Baseline critical-path result.
    status : Forecast, optional
        Progress forecast; without it only the baseline is drawn.
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
        The new figure, or the figure of ``ax``.
    """
    lang = voc._lang(lang)
    tasks = list(plan.tasks)
    n = len(tasks)
    fig, ax = figure_axes(ax, (13, max(4.0, 0.45 * n + 1.8)))
    base = baseline.table.set_index("id")
    cur = status.table.set_index("id") if status is not None else None
    y_of = {t.id: n - 1 - i for i, t in enumerate(tasks)}
    one_day = 1.0
    for t in tasks:
        y = y_of[t.id]
        bs, bf = base.loc[t.id, "early_start"], base.loc[t.id, "early_finish"]
        if t.is_milestone:
            marker = ax.plot(_num(bs), y + 0.18, marker="D", color=_GREY, markersize=7, linestyle="none")[0]
            marker.set_gid(f"baseline:{t.id}")
        else:
            ax.barh(
                y + 0.18,
                _num(bf) - _num(bs) + one_day,
                left=_num(bs),
                height=0.28,
                color="white",
                edgecolor=_GREY,
                hatch="///",
                gid=f"baseline:{t.id}",
            )
        if cur is not None:
            fs, ff = cur.loc[t.id, "forecast_start"], cur.loc[t.id, "forecast_finish"]
            critical = bool(cur.loc[t.id, "critical"])
            pct = float(cur.loc[t.id, "actual_percent"])
        else:
            fs, ff, critical, pct = bs, bf, bool(base.loc[t.id, "critical"]), 0.0
        color = _RED if critical else _BLUE
        if t.is_milestone:
            done = pct >= 100
            m = ax.plot(_num(ff), y - 0.12, marker="D", color=_DONE if done else color, markersize=9, linestyle="none")[0]
            m.set_gid(f"milestone:{t.id}")
        else:
            width = _num(ff) - _num(fs) + one_day
            ax.barh(y - 0.12, width, left=_num(fs), height=0.34, color=color, alpha=0.55, gid=f"forecast:{t.id}")
            if pct > 0:
                ax.barh(
                    y - 0.12,
                    width * pct / 100.0,
                    left=_num(fs),
                    height=0.34,
                    color=_DONE,
                    alpha=0.85,
                    gid=f"done:{t.id}",
                )
                ax.text(_num(fs) + width + 0.5, y - 0.12, voc.percent(pct / 100, lang, 0), va="center", fontsize=7)
    # dependency arrows: from the predecessor's finish to the successor's start
    dates = cur if cur is not None else base.rename(columns={"early_start": "forecast_start", "early_finish": "forecast_finish"})
    for t in tasks:
        for p in t.after:
            x0 = _num(dates.loc[p, "forecast_finish"]) + (0 if plan.task(p).is_milestone else one_day)
            x1 = _num(dates.loc[t.id, "forecast_start"])
            ax.annotate(
                "",
                xy=(x1, y_of[t.id] - 0.12),
                xytext=(x0, y_of[p] - 0.12),
                arrowprops={
                    "arrowstyle": "->",
                    "color": "#555555",
                    "lw": 0.7,
                    "shrinkA": 0,
                    "shrinkB": 2,
                    "connectionstyle": "angle,angleA=0,angleB=90,rad=0",
                },
            ).set_gid(f"arrow:{p}->{t.id}")
    handles = [
        Patch(facecolor="white", edgecolor=_GREY, hatch="///", label=voc.term("gantt.baseline", lang)),
        Patch(facecolor=_BLUE, alpha=0.55, label=voc.term("gantt.forecast", lang)),
        Patch(facecolor=_RED, alpha=0.55, label=voc.term("gantt.critical", lang)),
        Patch(facecolor=_DONE, alpha=0.85, label=voc.term("gantt.done", lang)),
        Line2D([], [], marker="D", color=_GREY, linestyle="none", label=voc.term("gantt.milestone", lang)),
    ]
    if plan.deadline is not None:
        ax.axvline(_num(plan.deadline) + one_day, color=_RED, linestyle="--", lw=1.5, gid="deadline")
        handles.append(
            Line2D([], [], color=_RED, linestyle="--", label=voc.text("gantt.deadline", lang, date=voc.date(plan.deadline, lang)))
        )
    if status is not None:
        ax.axvline(_num(status.as_of) + one_day, color="#2E7D32", linestyle="-", lw=1.5, gid="status-date")
        handles.append(Line2D([], [], color="#2E7D32", label=voc.text("gantt.status", lang, date=voc.date(status.as_of, lang))))
    ax.set_yticks([y_of[t.id] for t in tasks], [plain(t.name) for t in tasks], fontsize=8)
    ax.set_ylim(-0.8, n - 0.2)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(DateFormatter(lang))
    ax.xaxis_date()
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(plain(voc.text("gantt.title", lang, title=plan.title)), loc="left", fontsize=11)
    ax.legend(handles=handles, loc="upper right", fontsize=7, ncol=2, framealpha=0.9)
    return fig

"""Every chart draws into the caller's axes when given ``ax`` and returns the caller's figure."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from matplotlib.figure import Figure

from conftest import SCENARIOS
from costmodel import evaluate, load_scenario
from costmodel.audit import read_usage, retrospective
from costmodel.explain import compare
from costmodel.metrics import crossovers
from costmodel.reports.charts import audit_figure, budget_by_category_figure, cumulative_figure, pv_by_category_figure
from costmodel.reports.compare_report import waterfall_figure
from costmodel.reports.gantt import gantt_figure
from costmodel.reports.risk_charts import s_curve_figure, tornado_figure, two_way_figure
from costmodel.risk import sensitivity as sens
from costmodel.risk.simulate import simulate
from costmodel.schedule.cpm import schedule_plan
from costmodel.schedule.plan import load_plan, read_progress
from costmodel.schedule.progress import forecast

VC = SCENARIOS / "video-conferencing.toml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(VC)


@pytest.fixture(scope="module")
def result(scenario):
    return evaluate(scenario)


def _drew(ax) -> bool:
    return bool(ax.lines or ax.patches or ax.collections)


def _untouched(ax) -> bool:
    """Nothing drawn on the caller's other axes."""
    return not (_drew(ax) or ax.texts or ax.get_legend() or any(ax.get_title(loc=k) for k in ("left", "center", "right")))


def _check(fig, ax, other, returned, extra_axes=0) -> None:
    assert returned is fig
    assert _drew(ax)
    assert _untouched(other)
    assert len(fig.axes) == 2 + extra_axes and fig.axes[:2] == [ax, other]
    # no figure-level titles, legends or texts over the caller's other axes
    assert not fig.get_suptitle() and not fig.legends and not fig.texts
    fig.savefig(io.BytesIO(), format="png", dpi=40)  # renders (annotations placed against titles included)


def _two(n: int = 2):
    fig = Figure(figsize=(24, 8), layout="constrained")
    axes = fig.subplots(1, n)
    return fig, axes


def test_evaluation_charts_draw_into_the_given_axes(result):
    for chart in (cumulative_figure, pv_by_category_figure):
        fig, (ax, other) = _two()
        _check(fig, ax, other, chart(result, "vi", ax=ax))
    fig, (ax, other) = _two()
    # lang positional as callers pass it, ax by keyword
    assert cumulative_figure(result, "en", ax=ax) is fig
    assert ax.get_title(loc="left") and ax.get_legend() is not None


def test_without_ax_a_new_figure_as_before(result):
    fig = cumulative_figure(result, "vi")
    # 9 inches wide; 5.5 high plus 0.2 for each line of the legend under the axes (one per option and crossover)
    lines = len(result.scenario.options) + len(crossovers(result.cumulative))
    assert len(fig.axes) == 1 and tuple(fig.get_size_inches()) == pytest.approx((9, 5.5 + 0.2 * lines))
    fig = budget_by_category_figure(result, "vi")
    assert len(fig.axes) == len(result.scenario.options) and fig.get_suptitle() and fig.legends


def test_budget_by_category_one_axes_per_option(result):
    n = len(result.scenario.options)
    assert n > 1
    fig = Figure(figsize=(24, 6), layout="constrained")
    axes = fig.subplots(1, n + 1)
    panels, other = list(axes[:n]), axes[n]
    assert budget_by_category_figure(result, "vi", ax=panels) is fig
    assert all(_drew(a) for a in panels) and _untouched(other)
    assert len(fig.axes) == n + 1
    assert not fig.get_suptitle() and not fig.legends and not fig.texts
    assert panels[-1].get_legend() is not None
    assert any(t.get_text().startswith("Chi hằng năm") for t in panels[0].texts)  # the chart's title, on the first panel
    assert len({a.get_ylim() for a in panels}) == 1  # one scale for all options
    gids = {a.get_gid() for ax in panels for a in ax.get_children() if a.get_gid()}
    assert all(any(g.startswith(f"budget:{o.id}:") for g in gids) for o in result.scenario.options)
    fig.savefig(io.BytesIO(), format="png", dpi=40)
    # a numpy array of axes (as fig.subplots returns) is a sequence too
    fig2 = Figure()
    assert budget_by_category_figure(result, "en", ax=fig2.subplots(1, n)) is fig2


def test_budget_by_category_wrong_number_of_axes(result):
    n = len(result.scenario.options)
    fig = Figure()
    axes = fig.subplots(1, n + 1)
    with pytest.raises(ValueError, match=f"{n} Axes, one per option"):
        budget_by_category_figure(result, "vi", ax=list(axes))
    with pytest.raises(ValueError, match=f"{n} Axes, one per option"):
        budget_by_category_figure(result, "vi", ax=axes[0])
    with pytest.raises(ValueError, match=f"{n} Axes, one per option"):
        budget_by_category_figure(result, "vi", ax=list(axes[: n - 1]))


def test_audit_chart_draws_into_the_given_axes():
    past = evaluate(load_scenario(SCENARIOS / "video-conferencing-past-rental.toml"))
    audit = retrospective(past, read_usage(SCENARIOS / "video-conferencing-past-rental-usage.csv"))
    fig, (ax, other) = _two()
    _check(fig, ax, other, audit_figure(audit, "vi", ax=ax))


def test_risk_charts_draw_into_the_given_axes(scenario):
    sim = simulate(scenario, draws=200, seed=0)
    fig, (ax, other) = _two()
    _check(fig, ax, other, s_curve_figure(sim, "vi", ax=ax))

    table = sens.tornado(scenario)
    fig, (ax, other) = _two()
    _check(fig, ax, other, tornado_figure(table, scenario, "gap", "vi", ax=ax))
    assert any(p.get_gid() == "tornado-low" for p in ax.patches)

    inputs = sens.analysis_inputs(scenario)
    grid = sens.two_way(scenario, inputs[0], inputs[1], steps=3)
    fig, (ax, other) = _two()
    _check(fig, ax, other, two_way_figure(grid, scenario, "vi", ax=ax))
    assert any(c.get_gid() == "two-way" for c in ax.collections)


def test_gantt_draws_into_the_given_axes():
    plan = load_plan(SCENARIOS / "dic-rental-procurement.toml")
    base = schedule_plan(plan)
    as_of = dt.date(2024, 5, 17)
    progress = read_progress(SCENARIOS / "dic-rental-procurement-progress" / "progress-2024-05-17.csv", plan, as_of)
    status = forecast(plan, base, progress, as_of)
    fig, (ax, other) = _two()
    _check(fig, ax, other, gantt_figure(plan, base, status, "vi", ax=ax))
    assert any(a.get_gid() == "deadline" for a in ax.get_children())


def test_waterfall_draws_into_the_given_axes(scenario):
    comparison = compare(scenario, load_scenario(SCENARIOS / "video-conferencing-restructuring.toml"))
    fig, (ax, other) = _two()
    _check(fig, ax, other, waterfall_figure(comparison, "rent", "vi", ax=ax))
    assert [p.get_gid() for p in ax.patches][0] == "waterfall:start"
    # the subtitle (the two scenarios) goes above the axes title, on the axes
    assert any(comparison.a.scenario.title in t.get_text() for t in ax.texts)

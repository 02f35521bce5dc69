"""What a procurement slip does to the budget: the scenario evaluated at the baseline and at the forecast dates.

A scenario whose dates come from a procurement plan (``from = { plan = ...,
task = ..., progress = ... }``) is evaluated with the forecast finish of the
task (the latest progress file). :func:`plan_slip` evaluates the same scenario
again — through the same validation, from the same file — with the plan's
baseline dates, and compares each year's spending item by item: a rental
that starts a month late costs a month less in its first year, and the
arrangement that runs until it starts costs a month more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.evaluation import Evaluation, evaluate
from costmodel.scenario import Scenario, parse_scenario

__all__ = ["SLIP_COLUMNS", "LinkSlip", "Slip", "plan_slip"]

#: Columns of :attr:`Slip.items`.
SLIP_COLUMNS = ["option", "item", "budget", "year", "baseline", "forecast", "difference"]


@dataclass(frozen=True)
class LinkSlip:
    """One linked task: its baseline and forecast month and the delay between them.

    Attributes
    ----------
    plan : str
        The plan file, as the scenario names it.
    task : str
        The task id.
    task_name : str
        The task's name in the plan.
    baseline, forecast : (int, int)
        (year, month) in which the task finishes in the baseline plan and in the forecast.
    months_late : int
        Forecast minus baseline, in months (negative when ahead).
    """

    plan: str
    task: str
    task_name: str
    baseline: tuple[int, int]
    forecast: tuple[int, int]
    months_late: int


@dataclass(frozen=True)
class Slip:
    """The scenario at its baseline and forecast plan dates.

    Attributes
    ----------
    links : tuple of LinkSlip
        Each distinct (plan, task, offset) link, once.
    baseline, forecast : Evaluation
    items : pandas.DataFrame
        Columns :data:`SLIP_COLUMNS`: nominal spending (VAT included,
        residual values excluded) of every item and year whose amount differs,
        at the baseline and the forecast dates. [VND]
    """

    links: tuple[LinkSlip, ...]
    baseline: Evaluation
    forecast: Evaluation
    items: pd.DataFrame

    @property
    def months_late(self) -> int:
        """The largest delay of a linked task, in months (0 when on time)."""
        return max((link.months_late for link in self.links), default=0)

    def by_year(self) -> pd.DataFrame:
        """Change of each option's spending per year and budget source. [VND]"""
        cols = ["option", "year", "budget", "baseline", "forecast", "difference"]
        if self.items.empty:
            return pd.DataFrame(columns=cols)
        return self.items.groupby(["option", "year", "budget"], as_index=False, sort=False)[
            ["baseline", "forecast", "difference"]
        ].sum()[cols]


def _spending(result: Evaluation) -> pd.Series:
    led = result.ledger[result.ledger["kind"] != "residual"]
    return led.groupby(["option", "item", "budget", "year"], sort=False)["nominal"].sum()


def plan_slip(scenario: Scenario) -> Slip | None:
    """Compare the scenario at its plans' baseline dates with the dates it was evaluated with.

    Parameters
    ----------
    scenario : Scenario
        Loaded from a file whose dates link to a procurement plan with a
        progress folder (:func:`costmodel.load_scenario`).

    Returns
    -------
    Slip or None
        None when no date of the scenario comes from a forecast.
    """
    links = [u for u in scenario.plan_links if u.forecast is not None]
    if not links or scenario.data is None:
        return None
    base = parse_scenario(scenario.data, scenario.source, scenario.base_dir, plan_dates="baseline")
    baseline, forecast = evaluate(base), evaluate(scenario)
    b, f = _spending(baseline), _spending(forecast)
    both = pd.concat({"baseline": b, "forecast": f}, axis=1).fillna(0.0)
    both["difference"] = both["forecast"] - both["baseline"]
    both = both[both["difference"].abs() > 1e-6 * (both["baseline"].abs() + both["forecast"].abs() + 1.0)]
    items = both.reset_index()[SLIP_COLUMNS] if len(both) else pd.DataFrame(columns=SLIP_COLUMNS)
    order = {o.id: k for k, o in enumerate(scenario.options)}
    items = items.sort_values(["option", "year"], key=lambda c: c.map(order) if c.name == "option" else c, kind="stable")
    seen, out = set(), []
    for u in links:
        key = (u.link.plan, u.link.task)
        if key in seen:
            continue
        seen.add(key)
        # the month the task finishes (the links may add different offsets to it)
        baseline_month = _shift(u.baseline, -u.link.offset_months)
        forecast_month = _shift(u.forecast, -u.link.offset_months)
        late = (forecast_month[0] * 12 + forecast_month[1]) - (baseline_month[0] * 12 + baseline_month[1])
        name = _task_name(scenario, u.link.plan, u.link.task)
        out.append(LinkSlip(u.link.plan, u.link.task, name, baseline_month, forecast_month, late))
    return Slip(tuple(out), baseline, forecast, items.reset_index(drop=True))


def _shift(month: tuple[int, int], months: int) -> tuple[int, int]:
    k = month[0] * 12 + month[1] - 1 + months
    return k // 12, k % 12 + 1


def _task_name(scenario: Scenario, plan: str, task: str) -> str:
    from costmodel.schedule.plan import load_plan

    path = Path(scenario.base_dir or ".") / plan
    return next((t.name for t in load_plan(path).tasks if t.id == task), task)

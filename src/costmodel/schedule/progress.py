"""Weekly progress: forecast from actual progress, status per task, earned schedule.

Rules (docs/schedule-format.md, "Weekly progress"), for a status date S:

* **Finished** tasks (100 %) keep their actual start and finish.
* **In progress** tasks resume on the first working day after S with
  ``remaining = ceil(D x (100 - percent) / 100)`` working days.
* **Not started** tasks follow the forward-pass rules from their
  predecessors' forecast finishes, but start no earlier than the first working
  day after S.
* Forecast project finish = the latest forecast finish; slack against the
  deadline as in the baseline. Floats and the critical path are recomputed on
  the unfinished work (remaining durations), so the critical path may switch.
* Planned percent at S = baseline working days of the task elapsed by S (its
  early start to S, inclusive) / D; a milestone is planned 100 % from its date.
* Delay = working days after the baseline early finish up to and including the
  forecast finish (0 when not later). Status: ``done``; ``on_track`` (delay
  0); ``at_risk`` (0 < delay <= baseline total float: the task uses its float);
  ``late`` (delay > total float: the project finish moves).
* Earned schedule (Lipke, 2003; PMI *Practice Standard for Earned Value
  Management*): planned value PV(k) = sum over tasks of min(D, baseline working
  days of the task among the project's first k working days); earned value EV =
  sum of D x percent / 100. ES = k + (EV - PV(k)) / (PV(k+1) - PV(k)) for the k
  with PV(k) <= EV < PV(k+1); AT = project working days up to and including S;
  SV(t) = ES - AT working days (negative = behind); SPI(t) = ES / AT.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from costmodel.problems import Problem
from costmodel.schedule.calendar import CalendarRangeError
from costmodel.schedule.cpm import Schedule, backward_pass, critical_path, forward_pass
from costmodel.schedule.plan import Plan, PlanError, Progress

__all__ = ["STATUS_COLUMNS", "Forecast", "forecast", "week_over_week"]

STATUS_COLUMNS = [
    "id",
    "name",
    "owner",
    "duration",
    "baseline_start",
    "baseline_finish",
    "planned_percent",
    "actual_percent",
    "actual_start",
    "actual_finish",
    "forecast_start",
    "forecast_finish",
    "delay",
    "total_float",
    "critical",
    "status",
    "note",
]


@dataclass(frozen=True)
class Forecast:
    """The plan re-computed from actual progress at a status date.

    Attributes
    ----------
    as_of : datetime.date
    table : pandas.DataFrame
        Columns :data:`STATUS_COLUMNS`, one row per task in plan order.
    finish : datetime.date
        Forecast project finish.
    slack : int or None
        Working days between the forecast finish and the deadline.
    critical_path : list of str
        Unfinished critical tasks, in order.
    earned_value, planned_value : float
        EV and PV at the status date. [task working days]
    earned_schedule, actual_time : float
        ES and AT. [working day]
    """

    as_of: dt.date
    table: pd.DataFrame
    finish: dt.date
    slack: int | None
    critical_path: list[str]
    earned_value: float
    planned_value: float
    earned_schedule: float
    actual_time: float

    @property
    def schedule_variance(self) -> float:
        """SV(t) = ES - AT; negative means behind schedule. [working day]"""
        return self.earned_schedule - self.actual_time

    @property
    def spi(self) -> float:
        """SPI(t) = ES / AT (1 = on plan; NaN before the project starts)."""
        return self.earned_schedule / self.actual_time if self.actual_time > 0 else float("nan")

    @property
    def percent_complete(self) -> float:
        """Work done as a share of all task working days. [%]"""
        total = float(self.table["duration"].sum())
        return 100.0 * self.earned_value / total if total else 100.0


def _planned_percent(plan: Plan, start: dt.date, duration: int, as_of: dt.date) -> float:
    if duration == 0:
        return 100.0 if as_of >= start else 0.0
    elapsed = plan.calendar.working_days_between(start, as_of)
    return 100.0 * min(duration, elapsed) / duration


def forecast(plan: Plan, baseline: Schedule, progress: Mapping[str, Progress], as_of: dt.date) -> Forecast:
    """Re-compute the schedule from progress as of ``as_of`` (rules in the module docstring).

    Parameters
    ----------
    plan : Plan
    baseline : Schedule
        From :func:`costmodel.schedule.cpm.schedule_plan`.
    progress : mapping of task id to Progress
        Tasks not listed have not started.
    as_of : datetime.date
        The status date S.

    Returns
    -------
    Forecast

    Raises
    ------
    PlanError
        When the status date or the forecast lies outside the years whose
        public holidays the calendar knows.
    """
    try:
        return _forecast(plan, baseline, progress, as_of)
    except CalendarRangeError as exc:
        raise PlanError(
            [Problem(plan.source, "tasks", f"the forecast as of {as_of.isoformat()} runs past the calendar: {exc}")]
        ) from None


def _forecast(plan: Plan, baseline: Schedule, progress: Mapping[str, Progress], as_of: dt.date) -> Forecast:
    cal = plan.calendar
    resume = cal.add_working_days(as_of, 1)  # first working day after S
    fixed: dict[str, tuple[dt.date, dt.date]] = {}
    remaining: dict[str, int] = {}
    for t in plan.tasks:
        p = progress.get(t.id)
        if p is None or p.percent == 0:
            continue
        if p.percent >= 100:
            fixed[t.id] = (p.actual_start, p.actual_finish)
            remaining[t.id] = 0
        else:
            left = max(1, math.ceil(t.duration * (100.0 - p.percent) / 100.0 - 1e-9)) if t.duration else 0
            remaining[t.id] = left
            fixed[t.id] = (resume, cal.add_working_days(resume, left - 1) if left else resume)
    dates = forward_pass(plan, fixed=fixed, not_before=resume)
    finish = max(f for _, f in dates.values())

    # Floats on the unfinished work: finished tasks are pinned, in-progress tasks
    # count from their resume date with their remaining duration.
    open_durations = {t.id: remaining.get(t.id, t.duration) for t in plan.tasks}
    late = backward_pass(plan, finish, open_durations)
    base = baseline.table.set_index("id")
    rows, critical = [], {}
    for t in plan.tasks:
        p = progress.get(t.id)
        fs, ff = dates[t.id]
        done = p is not None and p.percent >= 100
        if done:
            tf, crit = None, False
        else:
            tf = cal.working_days_after(fs, late[t.id][0])
            crit = tf <= 0
        critical[t.id] = crit
        b = base.loc[t.id]
        delay = max(0, cal.working_days_after(b["early_finish"], ff))
        if done:
            status = "done"
        elif delay == 0:
            status = "on_track"
        elif delay <= b["total_float"]:
            status = "at_risk"
        else:
            status = "late"
        rows.append(
            {
                "id": t.id,
                "name": t.name,
                "owner": t.owner,
                "duration": t.duration,
                "baseline_start": b["early_start"],
                "baseline_finish": b["early_finish"],
                "planned_percent": _planned_percent(plan, b["early_start"], t.duration, as_of),
                "actual_percent": p.percent if p is not None else 0.0,
                "actual_start": p.actual_start if p is not None else None,
                "actual_finish": p.actual_finish if p is not None else None,
                "forecast_start": fs if (p is None or p.actual_start is None) else p.actual_start,
                "forecast_finish": ff,
                "delay": delay,
                "total_float": tf,
                "critical": crit,
                "status": status,
                "note": p.note if p is not None else "",
            }
        )
    table = pd.DataFrame(rows, columns=STATUS_COLUMNS)
    slack = cal.working_days_after(finish, plan.deadline) if plan.deadline is not None else None
    ev, pv, es, at = _earned_schedule(plan, baseline, progress, as_of)
    return Forecast(as_of, table, finish, slack, critical_path(plan, critical, dates), ev, pv, es, at)


def _earned_schedule(plan: Plan, baseline: Schedule, progress: Mapping[str, Progress], as_of: dt.date):
    cal = plan.calendar
    first = cal.first_on_or_after(plan.start)
    base = baseline.table.set_index("id")
    # index of each task's baseline start among the project's working days (0-based)
    offsets = {t.id: cal.working_days_after(first, base.loc[t.id, "early_start"]) for t in plan.tasks}
    durations = {t.id: t.duration for t in plan.tasks}
    total_days = cal.working_days_after(first, baseline.finish) + 1

    def pv(k: int) -> float:
        return float(sum(min(d, max(0, k - offsets[i])) for i, d in durations.items()))

    ev = float(sum(t.duration * (progress[t.id].percent if t.id in progress else 0.0) / 100.0 for t in plan.tasks))
    at = float(cal.working_days_between(first, as_of))
    planned = pv(int(at))
    es = float(total_days)
    for k in range(total_days):
        lo, hi = pv(k), pv(k + 1)
        if lo <= ev < hi:
            es = k + (ev - lo) / (hi - lo)
            break
    return ev, planned, es, at


def week_over_week(current: Forecast, previous: Forecast, plan: Plan) -> pd.DataFrame:
    """Change per task since the previous status date.

    Returns
    -------
    pandas.DataFrame
        Columns id, percent_change (points), finish_change (working days the
        forecast finish moved; positive = later), status_before, status_now.
    """
    cal = plan.calendar
    cur = current.table.set_index("id")
    prev = previous.table.set_index("id")
    rows = []
    for t in plan.tasks:
        rows.append(
            {
                "id": t.id,
                "percent_change": float(cur.loc[t.id, "actual_percent"] - prev.loc[t.id, "actual_percent"]),
                "finish_change": cal.working_days_after(prev.loc[t.id, "forecast_finish"], cur.loc[t.id, "forecast_finish"]),
                "status_before": prev.loc[t.id, "status"],
                "status_now": cur.loc[t.id, "status"],
            }
        )
    return pd.DataFrame(rows, columns=["id", "percent_change", "finish_change", "status_before", "status_now"])

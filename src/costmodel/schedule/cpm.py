"""Critical path method on working days (forward and backward pass).

Rules (docs/schedule-format.md):

* A task without predecessors starts on the first working day on or after the
  project start (``lag`` needs predecessors). Otherwise it starts on the
  (lag + 1)-th working day after the latest early finish of its predecessors.
* A task of duration D >= 1 finishes on its D-th working day, counting the
  start day as the first. A milestone (D = 0) has start = finish = the lag-th
  working day after the latest early finish of its predecessors (the same day
  when lag = 0), or the first working day on or after the start without them.
* Backward pass: a task without successors has late finish = the project
  finish; otherwise the earliest, over its successors s, of the (lag_s + 1)-th
  working day before s's late start (the lag_s-th when s is a milestone). Late
  start is the (D - 1)-th working day before the late finish (= late finish for
  a milestone).
* Total float = working days after the early start up to and including the
  late start; critical tasks have zero float.
* Slack against the deadline = working days after the project finish up to and
  including the deadline, negative when the finish is later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from costmodel.problems import Problem
from costmodel.schedule.calendar import CalendarRangeError, WorkCalendar
from costmodel.schedule.plan import Plan, PlanError, Task

__all__ = ["SCHEDULE_COLUMNS", "Schedule", "backward_pass", "critical_path", "schedule_plan"]

SCHEDULE_COLUMNS = [
    "id",
    "name",
    "owner",
    "duration",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float",
    "critical",
]


@dataclass(frozen=True)
class Schedule:
    """Result of the critical path method.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns :data:`SCHEDULE_COLUMNS`, dates as :class:`datetime.date`, in
        plan (topological) order.
    finish : datetime.date
        Project finish (latest early finish).
    slack : int or None
        Working days between the finish and the deadline (negative = late);
        None without a deadline. [working day]
    critical_path : list of str
        Critical task ids from start to finish.
    """

    table: pd.DataFrame
    finish: dt.date
    slack: int | None
    critical_path: list[str]


def _start_after(cal: WorkCalendar, pred_finish: dt.date, lag: int, milestone: bool) -> dt.date:
    """Start of a task whose latest predecessor finishes on ``pred_finish``."""
    return cal.add_working_days(pred_finish, lag if milestone else lag + 1)


def _finish(cal: WorkCalendar, start: dt.date, duration: int) -> dt.date:
    return start if duration == 0 else cal.add_working_days(start, duration - 1)


def forward_pass(
    plan: Plan,
    durations: Mapping[str, int] | None = None,
    fixed: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    not_before: dt.date | None = None,
) -> dict[str, tuple[dt.date, dt.date]]:
    """Early start and finish of every task.

    Parameters
    ----------
    plan : Plan
    durations : mapping, optional
        Durations to use instead of the plan's (e.g. remaining work).
    fixed : mapping, optional
        Tasks whose (start, finish) are known (finished or in progress).
    not_before : datetime.date, optional
        No task outside ``fixed`` may start before this day (the first
        working day after a status date).

    Returns
    -------
    dict of id to (start, finish)
    """
    cal = plan.calendar
    durations = durations or {}
    fixed = fixed or {}
    dates: dict[str, tuple[dt.date, dt.date]] = {}
    first = cal.first_on_or_after(plan.start)
    for t in plan.tasks:
        if t.id in fixed:
            dates[t.id] = fixed[t.id]
            continue
        d = durations.get(t.id, t.duration)
        start = first if not t.after else _start_after(cal, max(dates[p][1] for p in t.after), t.lag, d == 0)
        if not_before is not None and start < not_before:
            start = cal.first_on_or_after(not_before)
        dates[t.id] = (start, _finish(cal, start, d))
    return dates


def backward_pass(plan: Plan, finish: dt.date, durations: Mapping[str, int] | None = None) -> dict[str, tuple[dt.date, dt.date]]:
    """Late start and finish of every task given the project finish."""
    cal = plan.calendar
    durations = durations or {}
    successors: dict[str, list[Task]] = {t.id: [] for t in plan.tasks}
    for t in plan.tasks:
        for p in t.after:
            successors[p].append(t)
    late: dict[str, tuple[dt.date, dt.date]] = {}
    for t in reversed(plan.tasks):
        d = durations.get(t.id, t.duration)
        if not successors[t.id]:
            lf = finish
        else:
            candidates = []
            for s in successors[t.id]:
                s_ms = durations.get(s.id, s.duration) == 0
                candidates.append(cal.subtract_working_days(late[s.id][0], s.lag if s_ms else s.lag + 1))
            lf = min(candidates)
        ls = lf if d == 0 else cal.subtract_working_days(lf, d - 1)
        late[t.id] = (ls, lf)
    return late


def critical_path(plan: Plan, critical: Mapping[str, bool], early: Mapping[str, tuple[dt.date, dt.date]]) -> list[str]:
    """Critical task ids in order of early start (ties: plan order)."""
    order = {t.id: i for i, t in enumerate(plan.tasks)}
    ids = [t.id for t in plan.tasks if critical.get(t.id)]
    return sorted(ids, key=lambda i: (early[i][0], early[i][1], order[i]))


def schedule_plan(plan: Plan) -> Schedule:
    """Forward and backward pass of the baseline plan.

    Returns
    -------
    Schedule

    Raises
    ------
    PlanError
        When the schedule runs outside the years whose public holidays the
        calendar knows (:class:`~costmodel.schedule.calendar.CalendarRangeError`).
    """
    try:
        return _schedule_plan(plan)
    except CalendarRangeError as exc:
        raise PlanError([Problem(plan.source, "tasks", f"the schedule runs past the calendar: {exc}")]) from None


def _schedule_plan(plan: Plan) -> Schedule:
    cal = plan.calendar
    early = forward_pass(plan)
    finish = max(f for _, f in early.values())
    late = backward_pass(plan, finish)
    rows, critical = [], {}
    for t in plan.tasks:
        es, ef = early[t.id]
        ls, lf = late[t.id]
        tf = cal.working_days_after(es, ls)
        critical[t.id] = tf == 0
        rows.append(
            {
                "id": t.id,
                "name": t.name,
                "owner": t.owner,
                "duration": t.duration,
                "early_start": es,
                "early_finish": ef,
                "late_start": ls,
                "late_finish": lf,
                "total_float": tf,
                "critical": tf == 0,
            }
        )
    slack = cal.working_days_after(finish, plan.deadline) if plan.deadline is not None else None
    return Schedule(pd.DataFrame(rows, columns=SCHEDULE_COLUMNS), finish, slack, critical_path(plan, critical, early))

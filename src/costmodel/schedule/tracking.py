"""A procurement plan tracked week by week: baseline, forecast, changes and what they do to costs.

:func:`procurement` is what ``costmodel schedule`` computes: the critical-path
schedule of the plan (baseline), the forecast from the progress file of the
status date, the change since the previous progress file, the month the
service starts, and — for cost scenarios whose dates come from this plan —
what the forecast does to their budgets (:mod:`costmodel.slip`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from costmodel.problems import Problem
from costmodel.schedule.cpm import Schedule, schedule_plan
from costmodel.schedule.plan import Plan, PlanError, load_plan, read_progress
from costmodel.schedule.progress import Forecast, forecast, week_over_week
from costmodel.schedule.service import progress_files, service_months

__all__ = ["ProcurementStatus", "procurement"]


@dataclass(frozen=True, repr=False)
class ProcurementStatus:
    """Where a procurement stands.

    Attributes
    ----------
    plan : Plan
    baseline : Schedule
        Critical-path schedule of the plan as planned.
    status : Forecast or None
        Forecast at the status date (None without progress files).
    previous : Forecast or None
        Forecast at the previous progress file's date.
    changes : pandas.DataFrame or None
        Week-over-week change per task (:func:`costmodel.schedule.progress.week_over_week`).
    slips : list of Slip
        For each linked cost scenario, the budget at baseline and forecast dates.
    service : pandas.DataFrame or None
        Months in service per year from the month after the service task
        finishes (forecast, else baseline); column ``service_start``. [month]
    sample : bool
        True when the progress folder is marked as sample data (a file ``SAMPLE``).
    source : str
        The plan file.
    """

    plan: Plan
    baseline: Schedule
    status: Forecast | None = None
    previous: Forecast | None = None
    changes: pd.DataFrame | None = None
    slips: list = field(default_factory=list)
    service: pd.DataFrame | None = None
    sample: bool = False
    source: str = ""

    @property
    def finish(self) -> dt.date:
        """Forecast finish of the plan (baseline finish without progress). [date]"""
        return self.status.finish if self.status is not None else self.baseline.finish

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables by CSV stem: schedule, and status, slip, service_start when known (dates as ISO text)."""
        table = self.baseline.table.copy()
        for col in ("early_start", "early_finish", "late_start", "late_finish"):
            table[col] = [d.isoformat() for d in table[col]]
        table["critical"] = ["true" if c else "false" for c in table["critical"]]
        out = {"schedule": table}
        if self.status is not None:
            st = self.status.table.copy()
            for col in (
                "baseline_start",
                "baseline_finish",
                "actual_start",
                "actual_finish",
                "forecast_start",
                "forecast_finish",
            ):
                st[col] = [d.isoformat() if d is not None else "" for d in st[col]]
            out["status"] = st
        if self.slips:
            frames = []
            for sl in self.slips:
                frame = sl.items.copy()
                frame.insert(0, "scenario", Path(sl.forecast.scenario.source).stem)
                frames.append(frame)
            out["slip"] = pd.concat(frames, ignore_index=True)
        if self.service is not None:
            out["service_start"] = self.service
        return out

    def __repr__(self) -> str:
        where = f"as of {self.status.as_of.isoformat()}, " if self.status is not None else ""
        return (
            f"<ProcurementStatus {self.plan.title[:60]!r}: {len(self.plan.tasks)} tasks, {where}"
            f"finish {self.finish.isoformat()} (baseline {self.baseline.finish.isoformat()})>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.display import procurement_html

        return procurement_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.gantt(ax=None)``."""
        from costmodel.reports.display import ProcurementPlots

        return ProcurementPlots(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the weekly progress workbook to ``path`` (needs progress files). Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write what ``costmodel schedule`` writes (tables, Gantt chart, weekly report) to ``folder``."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def _links_to(scenario, plan_path: Path) -> bool:
    """Whether a scenario takes a date from the plan ``plan_path``."""
    target = plan_path.resolve()
    return any(Path(scenario.base_dir or ".").joinpath(u.link.plan).resolve() == target for u in scenario.plan_links)


def procurement(
    plan: str | os.PathLike,
    progress: str | os.PathLike | None = "auto",
    as_of: dt.date | str | None = None,
    scenarios: Sequence = (),
) -> ProcurementStatus:
    """Schedule a procurement plan and forecast it from its progress files.

    Parameters
    ----------
    plan : str or path
        The plan file (TOML with a ``[project]`` table).
    progress : str or path or "auto" or None
        Folder of ``progress-YYYY-MM-DD.csv`` files; ``"auto"`` takes
        ``<plan stem>-progress/`` beside the plan when it exists; None: no progress.
    as_of : datetime.date or "YYYY-MM-DD", optional
        Status date; default the latest progress file.
    scenarios : sequence of Scenario or path
        Cost scenarios to check for dates taken from this plan (their slip is reported).

    Returns
    -------
    ProcurementStatus

    Raises
    ------
    PlanError
        A bad plan or progress file, or no progress file for ``as_of``.

    Examples
    --------
    >>> import costmodel
    >>> p = costmodel.procurement("scenarios/dic-rental-procurement.toml")
    >>> p.status.as_of.isoformat()
    '2024-05-31'
    """
    from costmodel.scenario import as_scenario
    from costmodel.slip import plan_slip

    plan_path = Path(plan)
    the_plan = load_plan(plan_path)
    baseline = schedule_plan(the_plan)
    if isinstance(progress, str) and progress == "auto":
        candidate = plan_path.parent / f"{plan_path.stem}-progress"
        progress = candidate if candidate.is_dir() else None
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            raise PlanError([Problem("as_of", "", f"expected a date YYYY-MM-DD, got {as_of!r}")]) from None
    status = previous = changes = None
    sample = False
    if progress is not None:
        progress_dir = Path(progress)
        found = progress_files(progress_dir)
        if not found:
            raise PlanError([Problem(str(progress_dir), "", "no progress-YYYY-MM-DD.csv files in this folder")])
        if as_of is None:
            as_of = found[-1][0]
        current = [p for d, p in found if d == as_of]
        if not current:
            dates = ", ".join(d.isoformat() for d, _ in found)
            raise PlanError([Problem(str(progress_dir), "", f"no progress-{as_of.isoformat()}.csv (found: {dates})")])
        status = forecast(the_plan, baseline, read_progress(current[0], the_plan, as_of), as_of)
        earlier = [(d, p) for d, p in found if d < as_of]
        if earlier:
            d_prev, p_prev = earlier[-1]
            previous = forecast(the_plan, baseline, read_progress(p_prev, the_plan, d_prev), d_prev)
            changes = week_over_week(status, previous, the_plan)
        sample = (progress_dir / "SAMPLE").exists()
    linked = [sc for sc in (as_scenario(s) for s in scenarios) if _links_to(sc, plan_path)]
    slips = [sl for sl in (plan_slip(sc) for sc in linked) if sl is not None]
    service = None
    if the_plan.service_task:
        sign = (
            status.table.set_index("id")
            if status is not None
            else baseline.table.set_index("id").rename(columns={"early_finish": "forecast_finish"})
        )
        signed = sign.loc[the_plan.service_task, "forecast_finish"]
        start = dt.date(signed.year + (signed.month == 12), signed.month % 12 + 1, 1)
        years = the_plan.service_years or tuple(range(start.year, start.year + 5))
        service = service_months(start, range(min(years), max(years) + 1))
        service.insert(0, "service_start", start.isoformat())
    return ProcurementStatus(the_plan, baseline, status, previous, changes, slips, service, sample, str(plan_path))

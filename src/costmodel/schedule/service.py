"""When a rented service starts: the plan's task dates (baseline and forecast) and months in service."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.problems import Problem

__all__ = ["TaskDates", "progress_files", "service_months", "task_dates"]


def service_months(service_start: dt.date, years: range) -> pd.DataFrame:
    """Months of rented service in each year when the service starts on ``service_start``.

    Counts whole months from the month of ``service_start`` (the rental is
    billed from the first day of that month).

    Returns
    -------
    pandas.DataFrame
        Columns year, months_in_service (0-12), share_of_year (months / 12).

    Examples
    --------
    >>> service_months(dt.date(2024, 9, 1), range(2024, 2026))["months_in_service"].tolist()
    [4, 12]
    """
    rows = []
    for y in years:
        if y < service_start.year:
            months = 0
        elif y == service_start.year:
            months = 12 - service_start.month + 1
        else:
            months = 12
        rows.append({"year": y, "months_in_service": months, "share_of_year": months / 12})
    return pd.DataFrame(rows, columns=["year", "months_in_service", "share_of_year"])


_PROGRESS_NAME = re.compile(r"^progress-(\d{4}-\d{2}-\d{2})\.csv$")


def progress_files(folder: Path) -> list[tuple[dt.date, Path]]:
    """The ``progress-YYYY-MM-DD.csv`` files of a folder, by status date (oldest first).

    Raises
    ------
    PlanError
        For a file whose name has an impossible date (``progress-2024-02-30.csv``)
        or a date outside 1900-2200, naming the file.
    """
    from costmodel.scenario.schema import MAX_DATE, MIN_DATE
    from costmodel.schedule.plan import PlanError

    found, problems = [], []
    for p in Path(folder).glob("progress-*.csv"):
        m = _PROGRESS_NAME.match(p.name)
        if m:
            try:
                day = dt.date.fromisoformat(m.group(1))
            except ValueError:
                problems.append(
                    Problem(str(p), "", f"the file name's date {m.group(1)} is not a date (expected progress-YYYY-MM-DD.csv)")
                )
                continue
            if not MIN_DATE <= day <= MAX_DATE:
                problems.append(
                    Problem(str(p), "", f"the file name's date {m.group(1)} lies outside {MIN_DATE.year}-{MAX_DATE.year}")
                )
                continue
            found.append((day, p))
    if problems:
        raise PlanError(sorted(problems, key=lambda q: q.file))
    return sorted(found)


@dataclass(frozen=True)
class TaskDates:
    """When one task of a procurement plan finishes: in the baseline plan and in the latest forecast.

    Attributes
    ----------
    baseline : datetime.date
        Early finish of the baseline critical-path schedule.
    forecast : datetime.date or None
        Forecast finish from the progress file (None without a progress folder).
    as_of : datetime.date or None
        Status date of the progress file used.
    """

    baseline: dt.date
    forecast: dt.date | None = None
    as_of: dt.date | None = None


def task_dates(plan_path: Path, task: str, progress: Path | None = None, as_of: dt.date | None = None) -> TaskDates:
    """The baseline and forecast finish of ``task`` in the plan ``plan_path``.

    Parameters
    ----------
    plan_path : pathlib.Path
        A procurement plan (docs/schedule-format.md).
    task : str
        Task id.
    progress : pathlib.Path, optional
        Folder of ``progress-YYYY-MM-DD.csv`` files; the file of ``as_of`` (default
        the latest) gives the forecast.
    as_of : datetime.date, optional

    Raises
    ------
    PlanError
        The plan or a progress file is invalid, the folder has no progress file
        (or none for ``as_of``).
    KeyError
        ``task`` is not a task of the plan.
    """
    from costmodel.schedule.cpm import schedule_plan
    from costmodel.schedule.plan import PlanError, load_plan, read_progress
    from costmodel.schedule.progress import forecast

    plan = _cached_plan(Path(plan_path), load_plan)
    if task not in {t.id for t in plan.tasks}:
        raise KeyError(task)
    baseline = schedule_plan(plan)
    base_finish = baseline.table.set_index("id").loc[task, "early_finish"]
    if progress is None:
        return TaskDates(base_finish)
    found = progress_files(progress)
    if not found:
        raise PlanError([Problem(str(progress), "", "no progress-YYYY-MM-DD.csv files in this folder")])
    if as_of is None:
        as_of = found[-1][0]
    current = [p for d, p in found if d == as_of]
    if not current:
        dates = ", ".join(d.isoformat() for d, _ in found)
        raise PlanError([Problem(str(progress), "", f"no progress-{as_of.isoformat()}.csv (found: {dates})")])
    status = forecast(plan, baseline, read_progress(current[0], plan, as_of), as_of)
    return TaskDates(base_finish, status.table.set_index("id").loc[task, "forecast_finish"], as_of)


_PLANS: dict[tuple[str, int, int], object] = {}


def _cached_plan(path: Path, loader):
    """A plan read once per file version (path, size, modification time)."""
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return loader(path)
    if key not in _PLANS:
        _PLANS[key] = loader(path)
    return _PLANS[key]

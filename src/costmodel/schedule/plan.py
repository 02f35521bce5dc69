"""Procurement plan files (TOML) and weekly progress files (CSV).

The only code that knows these two formats (documented in
``docs/schedule-format.md``). Problems are reported like scenario problems:
one :class:`~costmodel.scenario.Problem` per line, naming the file, the key
path (tasks by id) or the CSV line, and what was expected.

Numbers and dates at the edge: every date (project start and deadline, extra
holidays and working days, actual dates of progress files) lies in the years
whose public holidays the calendar knows (:func:`~costmodel.schedule.calendar.calendar_years`,
1901-2100 for Vietnam); ``service_years`` are years between 1900 and 2200;
durations and lags are whole numbers of working days from 0 to
:data:`MAX_WORKING_DAYS`; ``percent_complete`` is a number from 0 to 100.
"""

from __future__ import annotations

import datetime as dt
import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from costmodel._pydantic import by_id, pydantic_problems
from costmodel.csvfile import read_records
from costmodel.problems import InputError, Problem, read_text, text_problems
from costmodel.problems import describe_value as _describe
from costmodel.scenario.schema import MAX_NAME, MAX_TITLE
from costmodel.schedule.calendar import WorkCalendar, calendar_years

__all__ = [
    "PROGRESS_COLUMNS",
    "Plan",
    "PlanError",
    "Progress",
    "Task",
    "load_plan",
    "parse_plan",
    "parse_progress",
    "read_progress",
]

PROGRESS_COLUMNS = ["task_id", "percent_complete", "actual_start", "actual_finish", "note"]
_ID = r"^[A-Za-z0-9_.-]+$"
#: The longest duration or lag of a task: 5,000 working days (about 20 years).
MAX_WORKING_DAYS = 5000


class PlanError(InputError):
    """A plan or progress file is not valid; ``problems`` lists why."""


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Project(_Schema):
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
    start: dt.date
    deadline: dt.date | None = None
    deadline_source: str = ""
    description: str = ""
    service_task: str = ""
    service_years: list[int] = []


class _Calendar(_Schema):
    country: str = "VN"
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []


class _Task(_Schema):
    id: Annotated[str, Field(pattern=_ID)]
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    owner: str = ""
    duration: Annotated[int, Field(ge=0, le=MAX_WORKING_DAYS)]
    after: list[str] = []
    lag: Annotated[int, Field(ge=0, le=MAX_WORKING_DAYS)] = 0
    note: str = ""
    source: str = ""


class _PlanFile(_Schema):
    project: _Project
    calendar: _Calendar = _Calendar()
    tasks: Annotated[list[_Task], Field(min_length=1)]


@dataclass(frozen=True)
class Task:
    """One step of the plan.

    Attributes
    ----------
    id, name, owner : str
    duration : int
        Working days; 0 for a milestone. [working day]
    after : tuple of str
        Predecessor ids (finish-to-start).
    lag : int
        Working days to wait after the latest predecessor finishes. [working day]
    note, source : str
        Remarks; the legal basis or assumption behind the duration.
    """

    id: str
    name: str
    owner: str
    duration: int
    after: tuple[str, ...]
    lag: int
    note: str = ""
    source: str = ""

    @property
    def is_milestone(self) -> bool:
        """True for a zero-duration task."""
        return self.duration == 0


@dataclass(frozen=True)
class Plan:
    """A validated plan: project, calendar and tasks in topological order."""

    title: str
    start: dt.date
    deadline: dt.date | None
    deadline_source: str
    calendar: WorkCalendar
    tasks: tuple[Task, ...]
    source: str = "<dict>"
    service_task: str = ""
    service_years: tuple[int, ...] = ()

    def task(self, task_id: str) -> Task:
        """The task with this id."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan TOML file (see :func:`parse_plan`)."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise PlanError([Problem(name, "", f"cannot read file: {exc.strerror or exc}")]) from None
    except UnicodeDecodeError:
        raise PlanError([Problem(name, "", "not UTF-8 text; save the file as UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PlanError([Problem(name, "", f"TOML syntax error: {exc}")]) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise PlanError(
            [Problem(name, "", "TOML nested too deeply (arrays or tables inside each other hundreds of levels deep)")]
        ) from None
    return parse_plan(data, name)


_TASKS_REQUIRED = "at least one [[tasks]] table is required"


def _working_days(err: ErrorDetails) -> str | None:
    """Durations and lags are whole numbers of working days."""
    if err["type"] in ("int_type", "int_from_float") and err["loc"][-1] in ("duration", "lag"):
        return f"expected a whole number of working days, got {_describe(err.get('input'))}"
    return None


def _schema_problems(exc: ValidationError, data: Any, source: str) -> list[Problem]:
    """The schema's errors as problems; tasks are named by id (``tasks.sign.duration``)."""
    return pydantic_problems(
        exc,
        data,
        source,
        _PlanFile,
        labels={("tasks",): by_id(_ID)},
        patterns={_ID: "letters, digits, '_', '.' and '-'"},
        missing={"tasks": _TASKS_REQUIRED},
        empty={"tasks": _TASKS_REQUIRED},
        special=_working_days,
    )


def parse_plan(data: Mapping[str, Any], source: str = "<dict>") -> Plan:
    """Validate a plan given as a dictionary (parsed TOML).

    Checks: unknown keys, types, durations and lags >= 0, unique ids, known
    predecessors, ``lag`` only with predecessors, no cycles (the tasks of a
    cycle are named), no date both in ``holidays`` and ``workdays``.

    Returns
    -------
    Plan
        Tasks in a topological order (predecessors first, file order kept
        where possible).

    Raises
    ------
    PlanError
    """
    control = text_problems(data, source)
    if control:
        raise PlanError(control)
    try:
        model = _PlanFile.model_validate(data)
    except ValidationError as exc:
        raise PlanError(_schema_problems(exc, data, source)) from None
    problems = []
    ids: dict[str, int] = {}
    for i, t in enumerate(model.tasks):
        if t.id in ids:
            problems.append(Problem(source, f"tasks[{i + 1}].id", f"duplicate task id {t.id!r} (also tasks[{ids[t.id] + 1}])"))
        else:
            ids[t.id] = i
    for t in model.tasks:
        for p in t.after:
            if p not in ids:
                close = difflib.get_close_matches(p, list(ids), n=1, cutoff=0.6)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(Problem(source, f"tasks.{t.id}.after", f"unknown predecessor {p!r}{hint}"))
            elif p == t.id:
                problems.append(Problem(source, f"tasks.{t.id}.after", "a task cannot follow itself"))
        if t.lag and not t.after:
            problems.append(Problem(source, f"tasks.{t.id}.lag", "lag needs predecessors ('after')"))
    both = set(model.calendar.holidays) & set(model.calendar.workdays)
    for d in sorted(both):
        problems.append(Problem(source, "calendar.workdays", f"{d.isoformat()} is also in calendar.holidays"))
    if model.project.service_task and model.project.service_task not in ids:
        problems.append(Problem(source, "project.service_task", f"unknown task {model.project.service_task!r}"))
    if model.project.deadline is not None and model.project.deadline < model.project.start:
        problems.append(Problem(source, "project.deadline", "must not be before project.start"))
    problems += _date_problems(model, source)
    if problems:
        raise PlanError(problems)
    order = _topological(model.tasks, source)
    tasks = tuple(Task(t.id, t.name, t.owner, t.duration, tuple(t.after), t.lag, t.note, t.source) for t in order)
    try:
        calendar = WorkCalendar(model.calendar.country, model.calendar.holidays, model.calendar.workdays)
    except NotImplementedError:  # what `holidays` raises for a country it does not know
        raise PlanError([Problem(source, "calendar.country", f"unknown country {model.calendar.country!r}")]) from None
    p = model.project
    return Plan(p.title, p.start, p.deadline, p.deadline_source, calendar, tasks, source, p.service_task, tuple(p.service_years))


def _date_problems(model: _PlanFile, source: str) -> list[Problem]:
    """Dates outside the years the calendar knows; service years outside 1900-2200."""
    from costmodel.scenario.schema import MAX_YEAR, MIN_YEAR

    try:
        first, last = calendar_years(model.calendar.country)
    except NotImplementedError:  # an unknown country: reported when the calendar is built
        return []
    out = []
    dated = [("project.start", model.project.start), ("project.deadline", model.project.deadline)]
    dated += [(f"calendar.holidays[{i}]", d) for i, d in enumerate(model.calendar.holidays, start=1)]
    dated += [(f"calendar.workdays[{i}]", d) for i, d in enumerate(model.calendar.workdays, start=1)]
    for path, day in dated:
        if day is not None and not first <= day.year <= last:
            out.append(
                Problem(
                    source,
                    path,
                    f"must lie between {first}-01-01 and {last}-12-31, the years whose public holidays are known for "
                    f"{model.calendar.country} (got {day.isoformat()})",
                )
            )
    for i, year in enumerate(model.project.service_years, start=1):
        if not MIN_YEAR <= year <= MAX_YEAR:
            out.append(
                Problem(source, f"project.service_years[{i}]", f"must be a year between {MIN_YEAR} and {MAX_YEAR} (got {year})")
            )
    return out


def _topological(tasks: list[_Task], source: str) -> list[_Task]:
    """Kahn's algorithm in file order; a cycle is reported with its tasks in order."""
    by_id = {t.id: t for t in tasks}
    remaining = {t.id: set(t.after) for t in tasks}
    order: list[_Task] = []
    while remaining:
        ready = [t.id for t in tasks if t.id in remaining and not (remaining[t.id] & set(remaining))]
        if not ready:
            cycle = _find_cycle({k: v & set(remaining) for k, v in remaining.items()})
            position = {t.id: i for i, t in enumerate(tasks)}
            first = min(range(len(cycle)), key=lambda i: position[cycle[i]])
            cycle = cycle[first:] + cycle[:first]  # name the cycle from its first task in the file
            raise PlanError([Problem(source, f"tasks.{cycle[0]}.after", "dependency cycle: " + " -> ".join([*cycle, cycle[0]]))])
        for tid in ready:
            order.append(by_id[tid])
            del remaining[tid]
    return order


def _find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of predecessor links, as a list of task ids."""
    start = sorted(graph)[0]
    path, seen = [start], {start: 0}
    node = start
    while True:
        node = sorted(graph[node])[0]
        if node in seen:
            cycle = path[seen[node] :]
            return list(reversed(cycle))
        seen[node] = len(path)
        path.append(node)


# ---------------------------------------------------------------------------
# Progress files
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Progress of one task as of a status date.

    Attributes
    ----------
    task_id : str
    percent : float
        Percent complete, 0-100.
    actual_start, actual_finish : datetime.date or None
    note : str
    """

    task_id: str
    percent: float
    actual_start: dt.date | None
    actual_finish: dt.date | None
    note: str = ""


def read_progress(path: str | Path, plan: Plan, as_of: dt.date) -> dict[str, Progress]:
    """Read a progress CSV (see :func:`parse_progress`)."""
    return parse_progress(read_text(path, PlanError), plan, as_of, str(path))


def parse_progress(text: str, plan: Plan, as_of: dt.date, source: str = "<progress>") -> dict[str, Progress]:
    """Parse and check a progress CSV against the plan.

    Columns :data:`PROGRESS_COLUMNS` (others are ignored). Rules: the task exists and appears once;
    percent in [0, 100]; dates ``YYYY-MM-DD`` not after ``as_of``;
    ``actual_finish`` if and only if percent = 100; a percent above 0 needs
    ``actual_start``; finish not before start. Tasks not listed have not
    started.

    Returns
    -------
    dict of str to Progress
    """
    records = read_records(text, source, PROGRESS_COLUMNS, error=PlanError, extra=True)
    known = {t.id for t in plan.tasks}
    out: dict[str, Progress] = {}
    problems = []
    for line, row in records:
        where = f"line {line}"
        tid = row["task_id"]
        if tid not in known:
            problems.append(Problem(source, where, f"unknown task_id {tid!r}"))
            continue
        if tid in out:
            problems.append(Problem(source, where, f"task {tid!r} appears twice"))
            continue
        try:
            pct = float(row["percent_complete"].rstrip("%"))
            if not 0 <= pct <= 100:
                raise ValueError
        except ValueError:
            problems.append(Problem(source, where, f"percent_complete must be a number 0-100 (got {row['percent_complete']!r})"))
            continue
        dates = {}
        bad = False
        for col in ("actual_start", "actual_finish"):
            try:
                dates[col] = dt.date.fromisoformat(row[col]) if row[col] else None
                if row[col] and len(row[col]) != 10:
                    raise ValueError
            except ValueError:
                problems.append(Problem(source, where, f"{col} must be a date YYYY-MM-DD or empty (got {row[col]!r})"))
                bad = True
                continue
            day = dates[col]
            if day is not None and not plan.calendar.first_day <= day <= plan.calendar.last_day:
                problems.append(
                    Problem(
                        source,
                        where,
                        f"{col} must lie between {plan.calendar.first_day.isoformat()} and {plan.calendar.last_day.isoformat()}, "
                        f"the years whose public holidays are known (got {row[col]!r})",
                    )
                )
                bad = True
                continue
            if dates[col] is not None and dates[col] > as_of:
                problems.append(Problem(source, where, f"{col} {row[col]} is after the status date {as_of.isoformat()}"))
                bad = True
        if bad:
            continue
        start, finish = dates["actual_start"], dates["actual_finish"]
        if (finish is not None) != (pct == 100):
            problems.append(Problem(source, where, f"task {tid!r}: actual_finish is given exactly when percent_complete is 100"))
            continue
        if pct > 0 and start is None:
            problems.append(Problem(source, where, f"task {tid!r}: percent_complete > 0 needs actual_start"))
            continue
        if start is not None and finish is not None and finish < start:
            problems.append(Problem(source, where, f"task {tid!r}: actual_finish is before actual_start"))
            continue
        out[tid] = Progress(tid, pct, start, finish, row["note"])
    if problems:
        raise PlanError(problems)
    return out

"""Retrospective audit of a past rental: what was paid, what buying would have cost, how much was used.

For the State Audit's review of the earlier video-conferencing rental: given a
scenario whose horizon is the past contract (a *rent* option with what was
paid and a *buy* option with what buying the same capacity would have cost)
and a usage file (meetings held each month and the points attending), compute:

* what was paid (nominal, VAT included) and what buying would have cost
  (outlay, outlay net of the residual value of the kit at the end, and both
  in present value at the scenario's base year);
* the month in which cumulative rent passed the cumulative purchase-and-operate
  cost (monthly cash flows: recurring items spread evenly over their months in
  service that year; one-off purchases and replacements in January for ``timing =
  "start"``, July for ``"mid"``, December for ``"end"``);
* utilisation on a **capacity basis**: point-hours used (meetings x points
  attending x hours) against the paid capacity (point-months x available
  hours per point-month, by default 176 = 22 working days x 8 hours — an
  assumption to state in the report), the attendance rate (points attending /
  points paid for) and the idle share of what was paid (1 - utilisation) in
  VND;
* when the usage file has the optional ``meetings_scheduled`` column,
  utilisation on a **scheduled basis** as well: the meetings held against the
  meetings scheduled, and the points attending against the points the
  schedule called for (every scheduled meeting with every point paid for),
  over the months where the schedule is known;
* cost per meeting and per point-year.

Numbers at the edge: ``hours_per_point_month`` is a finite number of hours
above 0 and at most :data:`MAX_HOURS_PER_MONTH` (744 = 31 x 24); a usage row's
month lies in 1900-2200, ``meetings`` is a whole number from 0 to 10^9,
``points_attending`` a number from 0 to 10^9 and ``hours`` from 0 to 24. A
utilisation above 100 % on the capacity basis (more point-hours used than the
points paid for could give) means the basis is wrong — too few hours per
point-month, or usage rows that do not describe the points rented — and is an
error naming the year, never a figure in a report.

The usage CSV format is documented in ``docs/audit-format.md``; this module
holds its reader. A usage file whose notes say ``dữ liệu mẫu`` is sample data
(:func:`is_sample_usage`): a report built on it is a draft.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.csvfile import read_records
from costmodel.evaluation import Evaluation
from costmodel.problems import InputError, Problem, read_text
from costmodel.scenario import Scenario
from costmodel.scenario.schema import MAX_QUANTITY, MAX_YEAR, MIN_YEAR, check_number, limit_text

__all__ = [
    "HOURS_PER_POINT_MONTH",
    "MAX_HOURS_PER_MONTH",
    "SAMPLE_NOTE",
    "SCHEDULED_COLUMN",
    "USAGE_COLUMNS",
    "AuditResult",
    "UsageError",
    "has_schedule",
    "is_sample_usage",
    "monthly_cash",
    "parse_usage",
    "read_usage",
    "retrospective",
]

USAGE_COLUMNS = ["month", "meetings", "points_attending", "hours"]
#: Optional column: meetings on the schedule that month (whole number >= 0; empty when not known).
SCHEDULED_COLUMN = "meetings_scheduled"
#: Words of the ``note`` column that mark a row as sample data (case-insensitive).
SAMPLE_NOTE = "dữ liệu mẫu"
#: Available hours of a meeting point per month: 22 working days x 8 hours (assumption).
HOURS_PER_POINT_MONTH = 176.0
#: The most hours a month has (31 days x 24 hours): the upper limit of ``hours_per_point_month``.
MAX_HOURS_PER_MONTH = 744.0
#: The longest average meeting accepted in a usage file. [h]
MAX_MEETING_HOURS = 24.0
_MONTH_OF_TIMING = {"start": 1, "mid": 7, "end": 12}


class UsageError(InputError):
    """The usage file has bad rows; ``problems`` names each line."""


def read_usage(path: str | Path) -> pd.DataFrame:
    """Read a usage CSV (see :func:`parse_usage`)."""
    return parse_usage(read_text(path, UsageError), str(path))


def parse_usage(text: str, source: str = "<usage>") -> pd.DataFrame:
    r"""Parse and check usage rows.

    Columns: ``month`` (YYYY-MM, once each), ``meetings`` (whole number >= 0),
    ``points_attending`` (average points per meeting, >= 0), ``hours`` (average
    duration, > 0 when there are meetings); optional: ``meetings_scheduled``
    (meetings on the schedule, whole number >= 0, empty when not known) and
    ``note`` (kept).

    Returns
    -------
    pandas.DataFrame
        Columns month (str), year, meetings, points_attending, hours, point_hours,
        meetings_scheduled (float, NaN where not known or when the file has no
        such column), note.

    Examples
    --------
    >>> text = "month,meetings,meetings_scheduled,points_attending,hours\n2024-01,4,5,8,2\n2024-02,3,,8,2\n"
    >>> usage = parse_usage(text)
    >>> usage["meetings_scheduled"].tolist(), has_schedule(usage)
    ([5.0, nan], True)

    Raises
    ------
    UsageError
        Every bad row, with its line number and value.
    """
    # the one CSV reader (any line ending, a BOM, the header checked, malformed quoting named by line)
    records = read_records(text, source, USAGE_COLUMNS, optional=(SCHEDULED_COLUMN, "note"), error=UsageError, extra=True)
    problems, rows, seen = [], [], {}
    for line, row in records:
        where = f"line {line}"
        month = row["month"]
        ok = len(month) == 7 and month[4] == "-" and month[:4].isdigit() and month[5:].isdigit() and 1 <= int(month[5:]) <= 12
        if not ok:
            problems.append(Problem(source, where, f"month must be YYYY-MM (got {month!r})"))
            continue
        if not MIN_YEAR <= int(month[:4]) <= MAX_YEAR:
            problems.append(Problem(source, where, f"month must lie in the years {MIN_YEAR}-{MAX_YEAR} (got {month!r})"))
            continue
        if month in seen:
            problems.append(Problem(source, where, f"month {month} appears twice (also line {seen[month]})"))
            continue
        seen[month] = line
        try:
            meetings = float(row["meetings"])
            if meetings < 0 or not meetings.is_integer():  # NaN and infinities are not whole numbers
                raise ValueError
        except ValueError:
            problems.append(Problem(source, where, f"meetings must be a whole number >= 0 (got {row['meetings']!r})"))
            continue
        if meetings > MAX_QUANTITY:
            problems.append(
                Problem(source, where, f"meetings must be at most {limit_text(MAX_QUANTITY)} (got {row['meetings']!r})")
            )
            continue
        try:
            points = float(row["points_attending"])
            hours = float(row["hours"])
            if points < 0 or hours < 0 or not (math.isfinite(points) and math.isfinite(hours)):
                raise ValueError
        except ValueError:
            problems.append(
                Problem(
                    source,
                    where,
                    f"points_attending and hours must be numbers >= 0 (got {row['points_attending']!r}, {row['hours']!r})",
                )
            )
            continue
        if points > MAX_QUANTITY or hours > MAX_MEETING_HOURS:
            problems.append(
                Problem(
                    source,
                    where,
                    f"points_attending must be at most {limit_text(MAX_QUANTITY)} and hours at most {MAX_MEETING_HOURS:g} "
                    f"(got {row['points_attending']!r}, {row['hours']!r})",
                )
            )
            continue
        if meetings > 0 and hours == 0:
            problems.append(Problem(source, where, "hours must be > 0 when meetings were held"))
            continue
        scheduled = math.nan
        raw = row.get(SCHEDULED_COLUMN, "")
        if raw:
            try:
                scheduled = float(raw)
                if scheduled < 0 or not scheduled.is_integer() or scheduled > MAX_QUANTITY:
                    raise ValueError
            except ValueError:
                problems.append(Problem(source, where, f"{SCHEDULED_COLUMN} must be a whole number >= 0 or empty (got {raw!r})"))
                continue
        rows.append(
            {
                "month": month,
                "year": int(month[:4]),
                "meetings": int(meetings),
                "points_attending": points,
                "hours": hours,
                "point_hours": meetings * points * hours,
                "meetings_scheduled": scheduled,
                "note": row.get("note", ""),
            }
        )
    if problems:
        raise UsageError(problems)
    columns = ["month", "year", "meetings", "points_attending", "hours", "point_hours", "meetings_scheduled", "note"]
    out = pd.DataFrame(rows, columns=columns).sort_values("month", ignore_index=True)
    out["meetings_scheduled"] = out["meetings_scheduled"].astype(float)
    out.attrs["source"] = source
    return out


def has_schedule(usage: pd.DataFrame) -> bool:
    """True when at least one month of the usage has its ``meetings_scheduled`` (the column is optional)."""
    return SCHEDULED_COLUMN in usage.columns and bool(usage[SCHEDULED_COLUMN].notna().any())


def is_sample_usage(usage: pd.DataFrame) -> bool:
    r"""True when any row's note says it is sample data (:data:`SAMPLE_NOTE`): a report built on it is a draft.

    Examples
    --------
    >>> usage = parse_usage("month,meetings,points_attending,hours,note\n2021-01,4,12,2,dữ liệu mẫu (giả định)\n")
    >>> is_sample_usage(usage)
    True
    """
    marker = unicodedata.normalize("NFC", SAMPLE_NOTE).casefold()
    return any(marker in unicodedata.normalize("NFC", str(n)).casefold() for n in usage["note"])


def monthly_cash(result: Evaluation, option: str) -> pd.Series:
    """Nominal outlay of ``option`` per month (residual excluded), indexed ``YYYY-MM``. [VND]"""
    s = result.scenario
    items = {it.name: it for it in s.option(option).items}
    months = [f"{y}-{m:02d}" for y in s.years for m in range(1, 13)]
    cash = pd.Series(0.0, index=months)
    led = result.ledger[(result.ledger["option"] == option) & (result.ledger["kind"] != "residual")]
    for row in led.itertuples(index=False):
        item = items[row.item]
        if item.per in ("month", "year") and row.kind in ("cost", "contingency"):
            first = item.from_month if row.year == item.from_year else 1
            last = item.to_month if row.year == item.to_year else 12
            for m in range(first, last + 1):  # evenly over the months in service
                cash[f"{row.year}-{m:02d}"] += row.nominal / (last - first + 1)
        else:
            cash[f"{row.year}-{_MONTH_OF_TIMING[item.timing]:02d}"] += row.nominal
    return cash


@dataclass(frozen=True, repr=False)
class AuditResult:
    """Retrospective of a past rental.

    Attributes
    ----------
    metrics : pandas.DataFrame
        Columns metric, value, unit (see the module docstring for each metric).
    monthly : pandas.DataFrame
        month, rent, buy, cumulative_rent, cumulative_buy. [VND]
    usage_by_year : pandas.DataFrame
        year, meetings, point_hours, paid_point_months, capacity_point_hours,
        utilisation, paid, cost_per_meeting; with a schedule (see
        :func:`has_schedule`) also meetings_scheduled, meetings_held_share and
        utilisation_scheduled (NaN for a year without a known schedule).
    crossover_month : str or None
        First month in which cumulative rent exceeds cumulative buying.
    """

    metrics: pd.DataFrame
    monthly: pd.DataFrame
    usage_by_year: pd.DataFrame
    crossover_month: str | None

    def value(self, metric: str) -> float:
        """One metric's value."""
        return float(self.metrics.set_index("metric").loc[metric, "value"])

    # -- for notebooks and scripts: rendering lives in costmodel.reports ------
    def __repr__(self) -> str:
        m = self.metrics.set_index("metric")["value"]
        paid = f", rent paid {float(m['paid_rent']):,.0f} VND" if "paid_rent" in m else ""
        cross = f", rent passed buying in {self.crossover_month}" if self.crossover_month else ", rent never passed buying"
        return f"<AuditResult {len(self.usage_by_year)} year(s){paid}{cross}>"

    def _repr_html_(self) -> str:
        from costmodel.reports.display import audit_html

        return audit_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.cumulative(ax=None)`` (cumulative rent against buying, by month)."""
        from costmodel.reports.display import AuditPlots

        return AuditPlots(self)

    def write(self, folder, lang: str | None = None):
        """Write what ``costmodel audit`` writes (tables and chart) to ``folder``; returns the paths."""
        from costmodel.reports.outputs import audit_files, write_files

        return write_files(folder, audit_files(self, lang))


def retrospective(
    result: Evaluation | Scenario | str | Path,
    usage: pd.DataFrame | str | Path,
    rent: str = "rent",
    buy: str = "buy",
    points: str | None = None,
    hours_per_point_month: float = HOURS_PER_POINT_MONTH,
) -> AuditResult:
    """Audit a past rental against buying and against its use.

    Parameters
    ----------
    result : Evaluation or Scenario or path
        The past-rental scenario (horizon = the contract years), evaluated or not,
        or the path of its file.
    usage : pandas.DataFrame or path
        From :func:`read_usage`, or the usage file to read.
    rent, buy : str
        Option ids of what was paid and of the buy alternative.
    points : str, optional
        Driver id of the points rented each year; default the scenario's
        ``unit_driver``.
    hours_per_point_month : float
        Available hours per point and month (default 176), above 0 and at
        most :data:`MAX_HOURS_PER_MONTH`. [h]

    Returns
    -------
    AuditResult

    Raises
    ------
    UsageError
        ``hours_per_point_month`` not a finite number in (0, 744]; or a year whose
        capacity-basis utilisation is above 100 % (the basis is wrong).

    Examples
    --------
    >>> import costmodel
    >>> audit = costmodel.retrospective(
    ...     "scenarios/video-conferencing-past-rental.toml", "scenarios/video-conferencing-past-rental-usage.csv"
    ... )
    >>> audit.crossover_month is None
    True
    """
    from costmodel.evaluation import evaluate
    from costmodel.scenario import ScenarioError

    try:
        hours_per_point_month = check_number(
            hours_per_point_month, 0, MAX_HOURS_PER_MONTH, low_open=True, high_why="the hours of a 31-day month"
        )
    except ValueError as exc:
        raise UsageError([Problem("hours_per_point_month", "", f"hours per point-month {exc}")]) from None
    if not isinstance(result, Evaluation):
        result = evaluate(result)
    if not isinstance(usage, pd.DataFrame):
        usage = read_usage(usage)
    s = result.scenario
    for oid in (rent, buy):
        if oid not in [o.id for o in s.options]:
            raise ScenarioError([Problem(s.source, "options", f"no option {oid!r} (name the options with rent=... and buy=...)")])
    points = points or s.unit_driver
    if points is None or points not in s.drivers:
        raise ValueError("name the driver of the points rented (points=...) or set the scenario's unit_driver")
    summary = result.summary.set_index("option")
    scheduled_basis = has_schedule(usage)
    rent_cash, buy_cash = monthly_cash(result, rent), monthly_cash(result, buy)
    monthly = pd.DataFrame({"month": rent_cash.index, "rent": rent_cash.to_numpy(), "buy": buy_cash.to_numpy()})
    monthly["cumulative_rent"] = monthly["rent"].cumsum()
    monthly["cumulative_buy"] = monthly["buy"].cumsum()
    passed = monthly[monthly["cumulative_rent"] > monthly["cumulative_buy"] * (1 + 1e-12)]
    crossover = None if passed.empty else str(passed["month"].iloc[0])

    drv = s.drivers[points]
    paid_by_year = result.budget[result.budget["option"] == rent].groupby("year")["nominal"].sum()
    rows = []
    for j, y in enumerate(s.years):
        u = usage[usage["year"] == y]
        point_months = float(drv.values[j]) * 12
        capacity = point_months * hours_per_point_month
        used = float(u["point_hours"].sum())
        meetings = int(u["meetings"].sum())
        paid = float(paid_by_year.get(y, 0.0))
        row = {
            "year": int(y),
            "meetings": meetings,
            "point_hours": used,
            "paid_point_months": point_months,
            "capacity_point_hours": capacity,
            "utilisation": used / capacity if capacity else np.nan,
            "paid": paid,
            "cost_per_meeting": paid / meetings if meetings else np.nan,
        }
        if scheduled_basis:
            known = u[u["meetings_scheduled"].notna()]
            sched = float(known["meetings_scheduled"].sum())
            called = sched * float(drv.values[j])  # every scheduled meeting with every point paid for
            row.update(
                meetings_scheduled=sched if len(known) else np.nan,
                meetings_held_share=float(known["meetings"].sum()) / sched if sched else np.nan,
                utilisation_scheduled=float((known["meetings"] * known["points_attending"]).sum()) / called if called else np.nan,
                scheduled_months=float(len(known)),
                _held=float(known["meetings"].sum()),
                _attended=float((known["meetings"] * known["points_attending"]).sum()),
                _called=called,
            )
        rows.append(row)
    by_year = pd.DataFrame(rows)
    _check_utilisation(by_year, hours_per_point_month, usage.attrs.get("source", "<usage>"))
    outside = usage[~usage["year"].isin(s.years)]
    paid = float(summary.loc[rent, "nominal_outlay"])
    meetings = int(by_year["meetings"].sum())
    used = float(by_year["point_hours"].sum())
    capacity = float(by_year["capacity_point_hours"].sum())
    point_months = float(by_year["paid_point_months"].sum())
    utilisation = used / capacity if capacity else float("nan")
    attended = float((usage["meetings"] * usage["points_attending"]).sum())
    avg_points_paid = point_months / (12 * len(s.years)) if len(s.years) else float("nan")
    attendance = (attended / meetings) / avg_points_paid if meetings and avg_points_paid else float("nan")
    buy_outlay = float(summary.loc[buy, "nominal_outlay"])
    buy_residual = float(summary.loc[buy, "residual_value"])
    metrics = [
        ("paid_rent", paid, "VND"),
        ("buy_outlay", buy_outlay, "VND"),
        ("buy_residual_value", buy_residual, "VND"),
        ("buy_net_of_residual", buy_outlay - buy_residual, "VND"),
        ("rent_minus_buy_net", paid - (buy_outlay - buy_residual), "VND"),
        ("pv_rent", float(summary.loc[rent, "pv_cost"]), f"VND at the start of {s.base_year}"),
        ("pv_buy", float(summary.loc[buy, "pv_cost"]), f"VND at the start of {s.base_year}"),
        ("meetings", float(meetings), "meetings"),
        ("point_hours_used", used, "point-hours"),
        ("paid_point_months", point_months, "point-months"),
        ("capacity_point_hours", capacity, f"point-hours ({hours_per_point_month:g} h per point-month)"),
        ("utilisation", utilisation, "share"),
        ("attendance_rate", attendance, "share"),
        ("idle_share", 1 - utilisation if capacity else float("nan"), "share"),
        ("idle_amount", paid * (1 - utilisation) if capacity else float("nan"), "VND"),
        ("cost_per_meeting", paid / meetings if meetings else float("nan"), "VND/meeting"),
        ("cost_per_point_year", paid / (point_months / 12) if point_months else float("nan"), "VND/point-year"),
        ("usage_months_outside_horizon", float(len(outside)), "months"),
    ]
    if scheduled_basis:
        sched = float(by_year["meetings_scheduled"].sum())
        held_s, attended_s, called_s = (float(by_year[c].sum()) for c in ("_held", "_attended", "_called"))
        metrics += [
            ("meetings_scheduled", sched, "meetings"),
            ("scheduled_months", float(by_year["scheduled_months"].sum()), "months"),
            ("meetings_held_scheduled_months", held_s, "meetings"),
            ("meetings_held_share", held_s / sched if sched else float("nan"), "share"),
            ("utilisation_scheduled", attended_s / called_s if called_s else float("nan"), "share"),
        ]
        by_year = by_year.drop(columns=["_held", "_attended", "_called", "scheduled_months"])
    return AuditResult(pd.DataFrame(metrics, columns=["metric", "value", "unit"]), monthly, by_year, crossover)


def _check_utilisation(by_year: pd.DataFrame, hours: float, source: str) -> None:
    """A capacity-basis utilisation above 100 % is impossible: the basis (hours, points) is wrong."""
    problems = []
    for row in by_year.itertuples(index=False):
        if row.capacity_point_hours > 0 and row.point_hours > row.capacity_point_hours * (1 + 1e-9):
            problems.append(
                Problem(
                    source,
                    f"year {row.year}",
                    f"utilisation {row.point_hours / row.capacity_point_hours:.0%} is above 100 %: the point-hours used "
                    f"({row.point_hours:,.0f}) exceed the capacity paid for ({row.paid_point_months:,.0f} point-months x "
                    f"{hours:g} h); check hours_per_point_month (the basis) and the rows' points_attending and hours",
                )
            )
        elif row.capacity_point_hours == 0 and row.point_hours > 0:
            problems.append(
                Problem(source, f"year {row.year}", f"{row.point_hours:,.0f} point-hours used while no point was paid for")
            )
    if problems:
        raise UsageError(problems)

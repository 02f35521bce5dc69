"""IOC data-sharing compliance: who has not built, updated or shared their data.

The periodic public list of units that have not built, updated or shared their
data with the IOC (Notice 04/2024, point 2).

Inputs are two CSV files (documented in ``docs/compliance-format.md``): the
catalogue of shared and open datasets (Decisions 3826/QĐ-UBND and
3827/QĐ-UBND) and a status file per reporting date. This module holds their
readers (the only code that knows the format) and pure functions that turn
them, as of a date D, into the three public lists, a per-unit scorecard and
the changes since the previous period.

Rules, as of date D (every date is a calendar date, ``YYYY-MM-DD``):

* **not built**: ``build_deadline < D`` and (``built_on`` empty or
  ``built_on > D``); ``days_late = D - build_deadline``.
* **not up to date**: built by D, frequency not ``once``, and ``D > due`` with
  ``due = (last_updated or built_on) + one period``; a period is 1 day, 7 days,
  or 1, 3 or 12 calendar months with month ends clamped;
  ``days_overdue = D - due``.
* **not connected to the IOC**: ``ioc_required = yes``, ``build_deadline < D``
  and (``ioc_connected_on`` empty or after D).
* A catalogue dataset missing from the status file counts as having every
  date empty and is reported as a warning.
* A date after D (``built_on``, ``last_updated``, ``ioc_connected_on``) is
  reported as a warning and does not count as of D: the dataset is treated as
  not yet built, not updated since it was built (``due`` counts from
  ``built_on``), or not connected.

Every date, in the files and the reporting date, lies between ``MIN_DATE``
and ``MAX_DATE`` (1900-01-01 to 2200-12-31); an impossible or far-away date
is a problem naming the file and line.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from costmodel.csvfile import read_records
from costmodel.problems import InputError, Problem, read_text

__all__ = [
    "CATALOGUE_COLUMNS",
    "FREQUENCIES",
    "STATUS_COLUMNS",
    "ComplianceError",
    "ComplianceReport",
    "add_months",
    "changes",
    "due_date",
    "evaluate_compliance",
    "parse_catalogue",
    "parse_status",
    "read_catalogue",
    "read_status",
]

CATALOGUE_COLUMNS = ["dataset_id", "name", "catalogue", "unit", "frequency", "ioc_required", "build_deadline"]
STATUS_COLUMNS = ["dataset_id", "built_on", "last_updated", "ioc_connected_on", "evidence", "note"]
CATALOGUES = ("shared", "open")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly", "once")
YES_NO = ("yes", "no")
#: Months in one period for calendar-month frequencies.
_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}
#: Days in one period for fixed-length frequencies.
_DAYS = {"daily": 1, "weekly": 7}

NOT_BUILT_COLUMNS = ["unit", "dataset_id", "name", "build_deadline", "days_late", "evidence", "note"]
NOT_UPDATED_COLUMNS = ["unit", "dataset_id", "name", "frequency", "last_updated", "days_overdue", "evidence", "note"]
NOT_CONNECTED_COLUMNS = ["unit", "dataset_id", "name", "evidence", "note"]
SCORECARD_COLUMNS = ["unit", "datasets", "built", "up_to_date", "ioc_required", "connected"]
CHANGES_COLUMNS = ["list", "unit", "dataset_id", "change"]
LISTS = ("not_built", "not_updated", "not_connected")


class ComplianceError(InputError):
    """Registry files have data problems; ``problems`` names file, line and value."""


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, the day clamped to the month's end.

    Examples
    --------
    >>> add_months(dt.date(2024, 1, 31), 1), add_months(dt.date(2023, 11, 30), 3)
    (datetime.date(2024, 2, 29), datetime.date(2024, 2, 29))
    """
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(last: dt.date, frequency: str) -> dt.date | None:
    """Date by which the next update is due (None for ``once``)."""
    if frequency in _DAYS:
        return last + dt.timedelta(days=_DAYS[frequency])
    if frequency in _MONTHS:
        return add_months(last, _MONTHS[frequency])
    return None


def _date_range() -> tuple[dt.date, dt.date]:
    from costmodel.scenario.schema import MAX_DATE, MIN_DATE

    return MIN_DATE, MAX_DATE


def _parse_date(text: str) -> dt.date:
    """Strict ``YYYY-MM-DD`` between ``MIN_DATE`` and ``MAX_DATE``; ValueError (with the reason) otherwise."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD") from None
    first, last = _date_range()
    if not first <= day <= last:
        raise ValueError(f"must be a date between {first.isoformat()} and {last.isoformat()}")
    return day


def _check_as_of(as_of: dt.date, name: str = "as_of") -> dt.date:
    """The reporting date, between ``MIN_DATE`` and ``MAX_DATE``."""
    first, last = _date_range()
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    if not isinstance(as_of, dt.date):
        raise ComplianceError([Problem(name, "", f"expected a date YYYY-MM-DD, got {as_of!r}")])
    if not first <= as_of <= last:
        raise ComplianceError(
            [Problem(name, "", f"must be a date between {first.isoformat()} and {last.isoformat()} (got {as_of.isoformat()})")]
        )
    return as_of


# ---------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------


def _csv_rows(text: str, source: str, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Records of a catalogue or status file; extra columns are ignored (see docs/compliance-format.md)."""
    return read_records(text, source, columns, error=ComplianceError, extra=True)


def read_catalogue(path: str | Path) -> pd.DataFrame:
    """Read the dataset catalogue CSV (see :func:`parse_catalogue`)."""
    return parse_catalogue(read_text(path, ComplianceError), str(path))


def parse_catalogue(text: str, source: str = "<catalogue>") -> pd.DataFrame:
    """Parse and check the catalogue.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CATALOGUE_COLUMNS` plus ``line``; ``build_deadline`` as
        :class:`datetime.date`.

    Raises
    ------
    ComplianceError
        Missing columns, duplicate ids, unknown catalogue / frequency /
        ioc_required values, malformed or missing dates: file, line, value.
    """
    problems, rows, seen = [], [], {}
    for line, row in _csv_rows(text, source, CATALOGUE_COLUMNS):
        where = f"line {line}"
        did = row["dataset_id"]
        ok = True
        if not did:
            problems.append(Problem(source, where, "dataset_id is empty"))
            ok = False
        elif did in seen:
            problems.append(Problem(source, where, f"duplicate dataset_id {did!r} (also line {seen[did]})"))
            ok = False
        else:
            seen[did] = line
        if not row["unit"]:
            problems.append(Problem(source, where, f"unit is empty for dataset {did!r}"))
            ok = False
        for col, allowed in (("catalogue", CATALOGUES), ("frequency", FREQUENCIES), ("ioc_required", YES_NO)):
            if row[col] not in allowed:
                problems.append(Problem(source, where, f"{col} must be one of {' | '.join(allowed)} (got {row[col]!r})"))
                ok = False
        try:
            deadline = _parse_date(row["build_deadline"])
        except ValueError as exc:
            what = "is required" if not row["build_deadline"] else f"{exc} (got {row['build_deadline']!r})"
            problems.append(Problem(source, where, f"build_deadline {what}"))
            ok = False
        if ok:
            rows.append({**{c: row[c] for c in CATALOGUE_COLUMNS}, "build_deadline": deadline, "line": line})
    if problems:
        raise ComplianceError(problems)
    return pd.DataFrame(rows, columns=[*CATALOGUE_COLUMNS, "line"])


def read_status(path: str | Path, catalogue: pd.DataFrame) -> pd.DataFrame:
    """Read a status CSV and check it against the catalogue."""
    return parse_status(read_text(path, ComplianceError), catalogue, str(path))


def parse_status(text: str, catalogue: pd.DataFrame, source: str = "<status>") -> pd.DataFrame:
    """Parse and check a status file.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STATUS_COLUMNS` plus ``line``; dates as
        :class:`datetime.date` or None.

    Raises
    ------
    ComplianceError
        Missing columns, duplicate ids, ids not in the catalogue, malformed
        dates: file, line, value.
    """
    known = set(catalogue["dataset_id"])
    problems, rows, seen = [], [], {}
    for line, row in _csv_rows(text, source, STATUS_COLUMNS):
        where = f"line {line}"
        did = row["dataset_id"]
        ok = True
        if did in seen:
            problems.append(Problem(source, where, f"duplicate dataset_id {did!r} (also line {seen[did]})"))
            ok = False
        else:
            seen[did] = line
        if did not in known:
            problems.append(Problem(source, where, f"dataset_id {did!r} is not in the catalogue"))
            ok = False
        dates = {}
        for col in ("built_on", "last_updated", "ioc_connected_on"):
            if not row[col]:
                dates[col] = None
                continue
            try:
                dates[col] = _parse_date(row[col])
            except ValueError as exc:
                problems.append(Problem(source, where, f"{col} {exc} or empty (got {row[col]!r})"))
                ok = False
        if ok:
            rows.append({"dataset_id": did, **dates, "evidence": row["evidence"], "note": row["note"], "line": line})
    if problems:
        raise ComplianceError(problems)
    return pd.DataFrame(rows, columns=[*STATUS_COLUMNS, "line"])


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceReport:
    """The three public lists, the scorecard and warnings, as of one date.

    Attributes
    ----------
    as_of : datetime.date
    not_built, not_updated, not_connected : pandas.DataFrame
        The public lists, sorted by unit then dataset_id.
    scorecard : pandas.DataFrame
        Per unit: datasets, built, up_to_date, ioc_required, connected.
    warnings : list of dict
        ``{"kind": "missing", "dataset_id", "unit"}`` for a catalogue dataset
        missing from the status file; ``{"kind": "after", "dataset_id",
        "unit", "column", "date"}`` for a date after the reporting date.
    """

    as_of: dt.date
    not_built: pd.DataFrame
    not_updated: pd.DataFrame
    not_connected: pd.DataFrame
    scorecard: pd.DataFrame
    warnings: list[dict] = field(default_factory=list)

    @property
    def lists(self) -> dict[str, pd.DataFrame]:
        """The three public lists by name."""
        return {"not_built": self.not_built, "not_updated": self.not_updated, "not_connected": self.not_connected}


def evaluate_compliance(catalogue: pd.DataFrame, status: pd.DataFrame, as_of: dt.date) -> ComplianceReport:
    """Apply the rules of this module's docstring as of ``as_of``.

    Parameters
    ----------
    catalogue : pandas.DataFrame
        From :func:`read_catalogue`.
    status : pandas.DataFrame
        From :func:`read_status`.
    as_of : datetime.date
        The reporting date D.

    Returns
    -------
    ComplianceReport

    Raises
    ------
    ComplianceError
        When ``as_of`` lies outside ``MIN_DATE``-``MAX_DATE``.
    """
    as_of = _check_as_of(as_of)
    by_id = {r["dataset_id"]: r for r in status.to_dict("records")}
    warnings = []
    not_built, not_updated, not_connected, cards = [], [], [], {}
    for ds in catalogue.sort_values(["unit", "dataset_id"]).to_dict("records"):
        st = by_id.get(ds["dataset_id"])
        if st is None:
            due = ds["build_deadline"] < as_of
            warnings.append(
                {
                    "kind": "missing",
                    "dataset_id": ds["dataset_id"],
                    "unit": ds["unit"],
                    "due": due,
                    "deadline": ds["build_deadline"],
                }
            )
            st = {"built_on": None, "last_updated": None, "ioc_connected_on": None, "evidence": "", "note": ""}
        for col in ("built_on", "last_updated", "ioc_connected_on"):
            if st[col] is not None and st[col] > as_of:
                warnings.append(
                    {
                        "kind": "after",
                        "dataset_id": ds["dataset_id"],
                        "unit": ds["unit"],
                        "column": col,
                        "date": st[col],
                    }
                )
        base = {"unit": ds["unit"], "dataset_id": ds["dataset_id"], "name": ds["name"]}
        extra = {"evidence": st["evidence"], "note": st["note"]}
        deadline = ds["build_deadline"]
        built = st["built_on"] is not None and st["built_on"] <= as_of
        if deadline < as_of and not built:
            not_built.append({**base, "build_deadline": deadline.isoformat(), "days_late": (as_of - deadline).days, **extra})
        up_to_date = built
        if built and ds["frequency"] != "once":
            # an update after D does not count as of D (docs/compliance-format.md): due counts from built_on
            updated = st["last_updated"] is not None and st["last_updated"] <= as_of
            last = st["last_updated"] if updated else st["built_on"]
            due = due_date(last, ds["frequency"])
            if as_of > due:
                up_to_date = False
                not_updated.append(
                    {
                        **base,
                        "frequency": ds["frequency"],
                        "last_updated": last.isoformat(),
                        "days_overdue": (as_of - due).days,
                        **extra,
                    }
                )
        required = ds["ioc_required"] == "yes"
        connected = st["ioc_connected_on"] is not None and st["ioc_connected_on"] <= as_of
        if required and deadline < as_of and not connected:
            not_connected.append({**base, **extra})
        card = cards.setdefault(ds["unit"], dict.fromkeys(SCORECARD_COLUMNS[1:], 0))
        card["datasets"] += 1
        card["built"] += int(built)
        card["up_to_date"] += int(up_to_date)
        card["ioc_required"] += int(required)
        card["connected"] += int(required and connected)
    scorecard = pd.DataFrame([{"unit": u, **c} for u, c in sorted(cards.items())], columns=SCORECARD_COLUMNS)
    return ComplianceReport(
        as_of=as_of,
        not_built=pd.DataFrame(not_built, columns=NOT_BUILT_COLUMNS),
        not_updated=pd.DataFrame(not_updated, columns=NOT_UPDATED_COLUMNS),
        not_connected=pd.DataFrame(not_connected, columns=NOT_CONNECTED_COLUMNS),
        scorecard=scorecard,
        warnings=warnings,
    )


def changes(current: ComplianceReport, previous: ComplianceReport) -> pd.DataFrame:
    """Entries that are new on, or resolved from, each list since the previous period.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHANGES_COLUMNS` (``change`` is ``new`` or
        ``resolved``), sorted by list (not_built, not_updated, not_connected),
        unit, dataset_id.
    """
    rows = []
    for name in LISTS:
        now = set(map(tuple, current.lists[name][["unit", "dataset_id"]].to_numpy()))
        before = set(map(tuple, previous.lists[name][["unit", "dataset_id"]].to_numpy()))
        rows += [{"list": name, "unit": u, "dataset_id": d, "change": "new"} for u, d in now - before]
        rows += [{"list": name, "unit": u, "dataset_id": d, "change": "resolved"} for u, d in before - now]
    out = pd.DataFrame(rows, columns=CHANGES_COLUMNS)
    if len(out):
        out["_order"] = out["list"].map({n: i for i, n in enumerate(LISTS)})
        out = out.sort_values(["_order", "unit", "dataset_id"]).drop(columns="_order").reset_index(drop=True)
    return out


# ---------------------------------------------------------------------------
# Everything at once: what `costmodel compliance` reports
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ComplianceResult:
    """The public lists as of one date, with the change since the previous period.

    Attributes
    ----------
    report : ComplianceReport
    changes : pandas.DataFrame or None
        Per dataset, what moved since the previous status file (:func:`changes`).
    previous_as_of : datetime.date or None
    sample : bool
        True when the data are sample data (the outputs say so on every page).
    """

    report: ComplianceReport
    changes: pd.DataFrame | None = None
    previous_as_of: dt.date | None = None
    sample: bool = False

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Tables by CSV stem: the three lists, the scorecard and (with a previous period) the changes."""
        out = {**self.report.lists, "scorecard": self.report.scorecard}
        if self.changes is not None:
            out["changes"] = self.changes
        return out

    def __repr__(self) -> str:
        r = self.report
        prev = f", since {self.previous_as_of.isoformat()}" if self.previous_as_of else ""
        return (
            f"<ComplianceResult as of {r.as_of.isoformat()}{prev}: not built {len(r.not_built)}, "
            f"not updated {len(r.not_updated)}, not connected {len(r.not_connected)}, {len(r.warnings)} warning(s)>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.compliance_report import compliance_html

        page = compliance_html(self.report, self.changes, self.previous_as_of, None, self.sample)
        return page[page.index("<body>") + 6 : page.index("</body>")]

    def to_excel(self, path, lang: str | None = None):
        """Write the lists and scorecard workbook to ``path``. Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write what ``costmodel compliance`` writes (CSV lists, workbook, Markdown, HTML) to ``folder``."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def check_compliance(
    catalogue: str | Path | pd.DataFrame,
    status: str | Path | pd.DataFrame,
    as_of: dt.date | str,
    previous: str | Path | pd.DataFrame | None = None,
    previous_as_of: dt.date | str | None = None,
    sample: bool = False,
) -> ComplianceResult:
    """The public lists of units that have not built, updated or connected their data to the IOC.

    Parameters
    ----------
    catalogue : path or DataFrame
        The dataset catalogue (:func:`read_catalogue`).
    status : path or DataFrame
        The status file as of ``as_of`` (:func:`read_status`).
    as_of : datetime.date or "YYYY-MM-DD"
        The reporting date.
    previous, previous_as_of : path or DataFrame, date, optional
        The previous period's status file and date (both or neither).
    sample : bool
        Label every output as sample data.

    Returns
    -------
    ComplianceResult

    Examples
    --------
    >>> import costmodel
    >>> r = costmodel.check_compliance(
    ...     "scenarios/ioc-data/catalogue.csv", "scenarios/ioc-data/status-2024-06-30.csv", "2024-06-30"
    ... )
    >>> r.report.as_of.isoformat()
    '2024-06-30'
    """

    def day(value, name: str) -> dt.date:
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value))
            except ValueError:
                raise ComplianceError([Problem(name, "", f"expected a date YYYY-MM-DD, got {value!r}")]) from None
        return _check_as_of(value, name)

    if (previous is None) != (previous_as_of is None):
        raise ComplianceError([Problem("previous", "", "the previous status file and its date go together")])
    cat = catalogue if isinstance(catalogue, pd.DataFrame) else read_catalogue(catalogue)
    current = status if isinstance(status, pd.DataFrame) else read_status(status, cat)
    report = evaluate_compliance(cat, current, day(as_of, "as_of"))
    change_table = prev_day = None
    if previous is not None:
        prev_day = day(previous_as_of, "previous_as_of")
        before = previous if isinstance(previous, pd.DataFrame) else read_status(previous, cat)
        change_table = changes(report, evaluate_compliance(cat, before, prev_day))
    return ComplianceResult(report, change_table, prev_day, sample)

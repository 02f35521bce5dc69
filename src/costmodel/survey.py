"""The survey of other provinces' IOC deployment models, as data.

The notice of April 2024 (point 2) asks the DIC to survey how other provinces
deployed their Intelligent Operations Centre (IOC) before choosing a model.
The survey is a CSV file, ``scenarios/ioc-provinces.csv``, one row per IOC
(a province's, or a city's inside a province), with the columns
:data:`SURVEY_COLUMNS`; the format is documented in
``docs/criteria-format.md`` (section "The survey CSV"). This module holds its
reader (the only code that knows the format) and a pure summary function.

Rules the reader enforces, each reported with the file and ``line N``:

* every row names a ``province`` and has a ``source``;
* ``level`` is one of :data:`LEVELS` and ``model`` one of :data:`MODELS`;
* ``year`` is empty or a whole year between :data:`MIN_YEAR` and
  :data:`MAX_YEAR`; ``date`` is empty, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``;
* a ``cost`` is a plain number >= 0 (digits and a decimal point, no grouping:
  ``2000000000``, never ``2.000.000.000`` or ``2 bn``) and **comes with its
  period** (``cost_period`` one of :data:`COST_PERIODS` other than
  ``pilot_free``) **and its VAT status** (``vat`` one of :data:`VAT_STATUSES`);
* ``cost_period = pilot_free`` (the source states the pilot cost the province
  nothing) needs ``cost`` empty or 0;
* without a cost, ``cost_period`` (other than ``pilot_free``) and ``vat`` stay
  empty, and ``currency`` is ignored;
* the pair (``province``, ``level``) is unique.

An empty cell means "not found in the sources", never zero.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from costmodel.csvfile import read_records
from costmodel.problems import InputError, Problem, read_text

__all__ = [
    "COST_PERIODS",
    "CURRENCIES",
    "LEVELS",
    "MAX_YEAR",
    "MIN_YEAR",
    "MODELS",
    "OPTIONAL_COLUMNS",
    "SURVEY_COLUMNS",
    "SurveyError",
    "VAT_STATUSES",
    "parse_survey",
    "read_survey",
    "survey_summary",
]

#: Required columns of the survey CSV (the shipped file also has ``currency``, after ``vat``).
SURVEY_COLUMNS = [
    "province",
    "level",
    "model",
    "vendor",
    "year",
    "cost",
    "cost_period",
    "vat",
    "scale",
    "operator",
    "source",
    "date",
    "note",
]
#: Columns that may be absent from a file (read as empty): ``currency`` of the
#: cost, :data:`CURRENCIES`, ``VND`` when empty.
OPTIONAL_COLUMNS = ["currency"]

#: How the IOC was sourced and funded, classified from the source's wording.
#: The Vietnamese words are those of the sources; a news item that says only
#: "VNPT/Viettel xây dựng" does not tell rent from invest and is ``unknown``.
MODELS = {
    "rent": "thuê dịch vụ CNTT: the province pays a vendor for the IOC as a service",
    "invest": "đầu tư từ ngân sách: the province invests in its own platform and equipment",
    "vendor_pilot": "doanh nghiệp tài trợ, hỗ trợ thí điểm: a vendor builds or sponsors a pilot, free or part-funded",
    "socialised": "xã hội hóa: non-budget funding, a company finances (invests in) the IOC",
    "oda": "vốn ODA, viện trợ: funded by a foreign donor",
    "hybrid": "kết hợp: e.g. the province's own operator unit on a vendor's platform",
    "unknown": "the sources do not say how the IOC was sourced or funded",
}
#: Administrative level of the body that runs the IOC.
LEVELS = {
    "province": "tỉnh, thành phố trực thuộc trung ương (provincial level)",
    "city": "thành phố thuộc tỉnh (a city inside a province, district level)",
    "unknown": "the sources do not say which level runs the IOC",
}
#: What a published cost covers.
COST_PERIODS = {
    "total": "the whole project, pilot or scheme (see the note for its span)",
    "per_year": "per year",
    "per_month": "per month",
    "pilot_free": "the source states the pilot cost the province nothing (cost empty or 0)",
}
#: Whether a published cost includes VAT (thuế GTGT).
VAT_STATUSES = {
    "included": "đã có thuế GTGT",
    "excluded": "chưa có thuế GTGT",
    "unknown": "the source does not say",
}
#: Currencies a cost may be given in (as published; never converted here).
CURRENCIES = ("VND", "USD")
#: Years accepted in ``year`` (a guard against typos such as 20211).
MIN_YEAR, MAX_YEAR = 2000, 2100

_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class SurveyError(InputError):
    """The survey CSV is malformed; ``problems`` names the file, line and value."""


def read_survey(path: str | Path) -> pd.DataFrame:
    """Read and check the IOC survey CSV.

    Parameters
    ----------
    path : str or pathlib.Path
        The survey file, e.g. ``scenarios/ioc-provinces.csv``.

    Returns
    -------
    pandas.DataFrame
        See :func:`parse_survey`.

    Raises
    ------
    SurveyError
        An unreadable or non-UTF-8 file, or any problem listed in the module
        docstring, each with the file and ``line N``.
    """
    return parse_survey(read_text(path, SurveyError), str(path))


def _check_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def parse_survey(text: str, source: str = "<survey>") -> pd.DataFrame:
    r"""Parse and check survey CSV text (see :func:`read_survey`).

    Parameters
    ----------
    text : str
        The file's text (see :func:`costmodel.problems.read_text`).
    source : str
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        One row per surveyed IOC, in file order, with the columns
        :data:`SURVEY_COLUMNS` plus ``currency`` and ``line`` (the line the
        record starts on). ``year`` is a nullable integer (``Int64``);
        ``cost`` a float in ``currency`` units, NaN where none is published;
        ``currency`` is empty where there is no cost; the other columns are
        strings, empty where the sources say nothing.

    Raises
    ------
    SurveyError
        With every problem found.

    Examples
    --------
    >>> text = (
    ...     "province,level,model,vendor,year,cost,cost_period,vat,scale,operator,source,date,note\n"
    ...     "Hà Giang,province,vendor_pilot,VNPT,,2000000000,total,unknown,,,vnpt.com.vn,,\n"
    ... )
    >>> df = parse_survey(text, "s.csv")
    >>> df.loc[0, "cost"], df.loc[0, "currency"]
    (np.float64(2000000000.0), 'VND')
    >>> parse_survey(text.replace(",total,unknown,", ",,,"), "s.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    costmodel.survey.SurveyError: s.csv: line 2: cost 2000000000 is given without its period and VAT status: ...
    """
    records = read_records(text, source, SURVEY_COLUMNS, OPTIONAL_COLUMNS, error=SurveyError)
    problems: list[Problem] = []
    rows = []
    seen: dict[tuple[str, str], int] = {}

    for line, row in records:
        where = f"line {line}"

        def problem(message: str, where: str = where) -> None:
            problems.append(Problem(source, where, message))

        province = row["province"]
        if not province:
            problem("province is empty")
        if row["level"] not in LEVELS:
            problem(f"level must be one of {' | '.join(LEVELS)} (got {row['level']!r})")
        if row["model"] not in MODELS:
            problem(f"model must be one of {' | '.join(MODELS)} (got {row['model']!r})")
        key = (province, row["level"])
        if province and key in seen:
            problem(f"duplicate row for {province!r} at level {row['level']!r} (also line {seen[key]})")
        elif province:
            seen[key] = line
        if not row["source"]:
            problem("source is empty: every row must say where its facts come from")

        year: int | None = None
        if row["year"]:
            if not re.fullmatch(r"\d{4}", row["year"]) or not MIN_YEAR <= int(row["year"]) <= MAX_YEAR:
                problem(
                    f"year must be a whole year between {MIN_YEAR} and {MAX_YEAR}, or empty (got {row['year']!r}); "
                    "put ranges and qualifiers such as '<=2020' in the note"
                )
            else:
                year = int(row["year"])
        if row["date"] and not _check_date(row["date"]):
            problem(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, or empty (got {row['date']!r})")

        cost = math.nan
        period, vat, currency = row["cost_period"], row["vat"], row["currency"]
        if period and period not in COST_PERIODS:
            problem(f"cost_period must be one of {' | '.join(COST_PERIODS)} (got {period!r})")
        if vat and vat not in VAT_STATUSES:
            problem(f"vat must be one of {' | '.join(VAT_STATUSES)} (got {vat!r})")
        if row["cost"]:
            if not _NUMBER.match(row["cost"]):
                problem(
                    f"cost must be a plain number >= 0 in {currency or 'VND'}, digits and a decimal point only, "
                    f"no thousands separators or words (got {row['cost']!r})"
                )
            else:
                cost = float(row["cost"])
            if period == "pilot_free":
                if _NUMBER.match(row["cost"]) and cost != 0:
                    problem(f"cost_period pilot_free means the pilot cost nothing: cost must be empty or 0 (got {row['cost']})")
            else:
                missing = [what for what, value in (("period", period), ("VAT status", vat)) if not value]
                if missing:
                    problem(
                        f"cost {row['cost']} is given without its {' and '.join(missing)}: set "
                        + " and ".join(
                            f"{col} ({' | '.join(allowed)})"
                            for col, allowed, value in (
                                ("cost_period", [p for p in COST_PERIODS if p != "pilot_free"], period),
                                ("vat", list(VAT_STATUSES), vat),
                            )
                            if not value
                        )
                    )
            if currency and currency not in CURRENCIES:
                problem(f"currency must be one of {' | '.join(CURRENCIES)} or empty for VND (got {currency!r})")
            currency = currency or "VND"
        else:
            if period and period != "pilot_free":
                problem(f"cost_period {period!r} is given without a cost: leave it empty when no cost is published")
            if vat and period != "pilot_free":
                problem(f"vat {vat!r} is given without a cost: leave it empty when no cost is published")
            currency = ""
        rows.append({**row, "year": year, "cost": cost, "currency": currency, "line": line})

    if problems:
        raise SurveyError(problems)
    columns = [*SURVEY_COLUMNS, "currency", "line"]
    df = pd.DataFrame(rows, columns=columns)
    df["year"] = df["year"].astype("Int64")
    df["cost"] = df["cost"].astype(float)
    df["line"] = df["line"].astype(int)
    df.attrs["source"] = source
    return df


def survey_summary(survey: pd.DataFrame) -> dict[str, object]:
    """Count the surveyed IOCs by model and level, and the published costs.

    Parameters
    ----------
    survey : pandas.DataFrame
        From :func:`read_survey` or :func:`parse_survey`.

    Returns
    -------
    dict
        ``rows`` : int
            Number of surveyed IOCs (rows).
        ``by_model`` : pandas.DataFrame
            Columns ``model, count, share`` (share a decimal of ``rows``),
            one row per model of :data:`MODELS` in that order, zeros included:
            a model no province used is a finding.
        ``by_level`` : pandas.DataFrame
            Columns ``level, count``, one row per level of :data:`LEVELS`.
        ``with_cost`` : int
            Rows that publish a cost (``cost`` not NaN).
        ``without_cost`` : int
            Rows without a published cost.
        ``cost_ranges`` : pandas.DataFrame
            Columns ``cost_period, currency, count, cost_min, cost_max,
            provinces``: the range of the published costs for each period and
            currency (never mixed), ``provinces`` the ``; ``-joined names.
            [currency units]

    Examples
    --------
    >>> df = pd.DataFrame({"province": ["A", "B", "C"], "level": ["province"] * 3,
    ...                    "model": ["invest", "vendor_pilot", "vendor_pilot"],
    ...                    "cost": [np.nan, 2e9, 2.9e9], "cost_period": ["", "total", "total"],
    ...                    "currency": ["", "VND", "VND"]})
    >>> s = survey_summary(df)
    >>> s["with_cost"], s["by_model"].set_index("model").loc["vendor_pilot", "count"]
    (2, np.int64(2))
    >>> s["cost_ranges"][["cost_period", "cost_min", "cost_max"]].to_dict("records")
    [{'cost_period': 'total', 'cost_min': 2000000000.0, 'cost_max': 2900000000.0}]
    """
    n = len(survey)
    counts = survey["model"].value_counts()
    by_model = pd.DataFrame({"model": list(MODELS), "count": [int(counts.get(m, 0)) for m in MODELS]})
    by_model["share"] = by_model["count"] / n if n else np.nan
    levels = survey["level"].value_counts()
    by_level = pd.DataFrame({"level": list(LEVELS), "count": [int(levels.get(v, 0)) for v in LEVELS]})
    costed = survey[survey["cost"].notna()]
    ranges = []
    for (period, currency), group in costed.groupby(["cost_period", "currency"], sort=False):
        ranges.append(
            {
                "cost_period": period,
                "currency": currency,
                "count": len(group),
                "cost_min": float(group["cost"].min()),
                "cost_max": float(group["cost"].max()),
                "provinces": "; ".join(group["province"]),
            }
        )
    cost_ranges = pd.DataFrame(ranges, columns=["cost_period", "currency", "count", "cost_min", "cost_max", "provinces"])
    return {
        "rows": n,
        "by_model": by_model,
        "by_level": by_level,
        "with_cost": len(costed),
        "without_cost": n - len(costed),
        "cost_ranges": cost_ranges,
    }

"""The assumptions register: every default number with its source and confidence.

The register is a CSV file (``scenarios/assumptions.csv``) with the columns
:data:`REGISTER_COLUMNS`. This module is the only code that knows that format.
Scenario items and drivers cite register ids at the start of their ``source``::

    source = "DIC-RENT-VCPU, DC29: free text after the colon"

The ids are the comma-separated list before the first ``:`` (or the whole
text when there is no colon). The **first** id holds the number used: when its
register ``value`` is a single number, the item's ``price`` (or the driver's
values, for a list of numbers) must equal it, so a scenario and its register
cannot drift apart.

An optional column :data:`PLACEHOLDER_COLUMN` marks with ``yes`` the rows that
stand for a figure of the earlier contract or of usage data that the DIC must
replace with its own (the points, monthly rent and set-up fee of the earlier
video-conferencing contract), as opposed to sourced facts (a published price
index is not a placeholder, even with low confidence). A report that uses a
placeholder row is a draft; :func:`placeholders` lists them. Registers without
the column read as they did, with no placeholders.

An optional column :data:`PRICE_YEAR_COLUMN` gives, for a ``published`` or
``derived`` row that is a price, the year the price is quoted in (``2017`` for
a 2017 article's price, ``2010`` for a tariff issued in 2010); it is empty for
other rows (assumptions are at the prices of the scenario that uses them, and
rates, counts or coefficients are not prices) and for undated prices. A
scenario whose base year is later than a cited price's year must either bring
the price to the base year, by setting the item's ``price_year`` to the row's
year (the engine converts it through ``price-index.csv``, as ``costmodel
peers`` does), or say why the price is deliberately held flat by citing a
*flat-reason* row: the row :data:`FLAT_REASON_ID` or any row whose id starts
with ``PRICE-FLAT-`` (:func:`is_flat_reason`). :func:`check_price_years` checks
this; :func:`price_years` reads the column. Registers without the column read
as they did, with no price years.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.csvfile import read_table
from costmodel.problems import InputError, Problem, read_text
from costmodel.scenario import Scenario

__all__ = [
    "CONFIDENCES",
    "FLAT_REASON_ID",
    "PLACEHOLDER_COLUMN",
    "PRICE_YEAR_COLUMN",
    "REGISTER_COLUMNS",
    "TYPES",
    "Citation",
    "check_citations",
    "check_price_years",
    "cited_ids",
    "is_flat_reason",
    "parse_register",
    "placeholders",
    "price_years",
    "read_register",
    "register_markdown",
]

REGISTER_COLUMNS = ["id", "parameter", "value", "unit", "source", "type", "confidence", "note"]
TYPES = ("published", "derived", "assumption")
CONFIDENCES = ("high", "medium", "low")
#: Optional column: ``yes`` on a row that stands for a contract or usage figure the DIC must replace.
PLACEHOLDER_COLUMN = "placeholder"
PLACEHOLDER_YES = "yes"
#: Optional column: the year a published or derived price is quoted in (empty otherwise).
PRICE_YEAR_COLUMN = "price_year"
#: Optional columns, in the order they are kept when present.
OPTIONAL_COLUMNS = (PLACEHOLDER_COLUMN, PRICE_YEAR_COLUMN)
#: The flat-reason row; rows whose id starts with ``FLAT_REASON_ID + "-"`` are flat reasons too.
FLAT_REASON_ID = "PRICE-FLAT"
#: The years a price year may take.
MIN_PRICE_YEAR, MAX_PRICE_YEAR = 1900, 2200
ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")


class RegisterError(InputError):
    """The register file is malformed; ``problems`` lists every problem."""


def read_register(path: str | Path) -> pd.DataFrame:
    """Read and check the assumptions register CSV.

    Parameters
    ----------
    path : str or pathlib.Path

    Returns
    -------
    pandas.DataFrame
        Columns :data:`REGISTER_COLUMNS`, all strings, in file order; plus
        :data:`PLACEHOLDER_COLUMN` (``"yes"`` or ``""``) and
        :data:`PRICE_YEAR_COLUMN` (``"2017"`` or ``""``) when the file has them.

    Raises
    ------
    RegisterError
        Missing columns, duplicate or malformed ids, unknown type or
        confidence, a placeholder value other than ``yes`` or empty, a price
        year that is not a whole year from 1900 to 2200, each with the file
        and line.
    """
    return parse_register(read_text(path, RegisterError), str(path))


def parse_register(text: str, source: str = "<register>") -> pd.DataFrame:
    """Parse register CSV text (see :func:`read_register`); columns other than those known are ignored."""
    table = read_table(text, source, REGISTER_COLUMNS, error=RegisterError, extra=True)
    columns = REGISTER_COLUMNS + [c for c in OPTIONAL_COLUMNS if c in table.columns]
    problems: list[Problem] = []
    rows = []
    seen: dict[str, int] = {}
    for line, row in table.records:
        rid = row["id"]
        where = f"line {line}"
        if not ID_PATTERN.match(rid):
            problems.append(Problem(source, where, f"id must be upper-case letters, digits and '-' (got {rid!r})"))
        elif rid in seen:
            problems.append(Problem(source, where, f"duplicate id {rid!r} (also line {seen[rid]})"))
        else:
            seen[rid] = line
        if row["type"] not in TYPES:
            problems.append(Problem(source, where, f"type must be one of {', '.join(TYPES)} (got {row['type']!r})"))
        if row["confidence"] not in CONFIDENCES:
            problems.append(
                Problem(source, where, f"confidence must be one of {', '.join(CONFIDENCES)} (got {row['confidence']!r})")
            )
        if not row["source"]:
            problems.append(Problem(source, where, "source is empty: say where the number comes from"))
        flag = row.get(PLACEHOLDER_COLUMN, "")
        if flag not in ("", PLACEHOLDER_YES):
            problems.append(Problem(source, where, f"placeholder must be {PLACEHOLDER_YES!r} or empty (got {flag!r})"))
        year = row.get(PRICE_YEAR_COLUMN, "")
        if year and not (year.isdigit() and MIN_PRICE_YEAR <= int(year) <= MAX_PRICE_YEAR):
            problems.append(
                Problem(
                    source,
                    where,
                    f"price_year must be a year from {MIN_PRICE_YEAR} to {MAX_PRICE_YEAR} or empty (got {year!r})",
                )
            )
        rows.append({c: row[c] for c in columns})
    if problems:
        raise RegisterError(problems)
    return pd.DataFrame(rows, columns=columns)


def placeholders(register: pd.DataFrame) -> pd.DataFrame:
    r"""The rows that stand for contract or usage figures the DIC must replace.

    Parameters
    ----------
    register : pandas.DataFrame
        From :func:`read_register`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id, parameter, value, unit, note`` of the rows whose
        :data:`PLACEHOLDER_COLUMN` is ``yes``, in register order (the note says
        what must replace the figure); empty when the register has no such
        column.

    Examples
    --------
    >>> text = (
    ...     "id,parameter,value,unit,source,type,confidence,note,placeholder\n"
    ...     "PAST-RENT,Monthly rent,6000000,VND,ASSUMPTION,assumption,low,the contract's rent,yes\n"
    ...     "CPI,Price index,0.03,1/year,GSO,published,high,,\n"
    ... )
    >>> placeholders(parse_register(text))["id"].tolist()
    ['PAST-RENT']
    """
    columns = ["id", "parameter", "value", "unit", "note"]
    if PLACEHOLDER_COLUMN not in register.columns:
        return pd.DataFrame(columns=columns)
    rows = register[register[PLACEHOLDER_COLUMN] == PLACEHOLDER_YES]
    return rows[columns].reset_index(drop=True)


def price_years(register: pd.DataFrame) -> dict[str, int]:
    r"""The year each dated price of the register is quoted in.

    Parameters
    ----------
    register : pandas.DataFrame
        From :func:`read_register`.

    Returns
    -------
    dict of str to int
        Register id to its :data:`PRICE_YEAR_COLUMN`, for the rows where it is
        filled; empty when the register has no such column.

    Examples
    --------
    >>> text = (
    ...     "id,parameter,value,unit,source,type,confidence,note,price_year\n"
    ...     "VC15,Commune kit,30000000,VND/point,baophapluat.vn,published,medium,,2017\n"
    ...     "EC3,Inflation,0.04,1/year,NA target,assumption,medium,,\n"
    ... )
    >>> price_years(parse_register(text))
    {'VC15': 2017}
    """
    if PRICE_YEAR_COLUMN not in register.columns:
        return {}
    dated = register[register[PRICE_YEAR_COLUMN] != ""]
    return {rid: int(year) for rid, year in zip(dated["id"], dated[PRICE_YEAR_COLUMN], strict=True)}


def is_flat_reason(rid: str) -> bool:
    """True for a register id that states why a price is held flat in nominal terms.

    Examples
    --------
    >>> [is_flat_reason(i) for i in ("PRICE-FLAT", "PRICE-FLAT-TARIFF", "PRICE-FLATTER", "VC15")]
    [True, True, False, False]
    """
    return rid == FLAT_REASON_ID or rid.startswith(FLAT_REASON_ID + "-")


def check_price_years(scenario: Scenario, register: pd.DataFrame) -> list[Problem]:
    """Check that prices quoted before a scenario's base year are converted or deliberately flat.

    For every item whose first cited register row has a price year (see
    :func:`price_years`): when the item sets ``price_year``, it must equal the
    row's; when it does not and the row's year is before the scenario's
    ``base_year``, the item must cite a flat-reason row (:func:`is_flat_reason`)
    among its ids.

    Parameters
    ----------
    scenario : Scenario
    register : pandas.DataFrame
        From :func:`read_register`.

    Returns
    -------
    list of Problem
        Empty when every such price is converted or flat with a reason.
    """
    years = price_years(register)
    problems = []
    for opt in scenario.options:
        for item in opt.items:
            ids = cited_ids(item.source)
            if not ids or ids[0] not in years:
                continue
            quoted, path = years[ids[0]], f"options.{opt.id}.{item.label}.price_year"
            if item.price_year is not None:
                if item.price_year != quoted:
                    problems.append(
                        Problem(scenario.source, path, f"is {item.price_year} but register {ids[0]} is quoted in {quoted}")
                    )
            elif quoted < scenario.base_year and not any(is_flat_reason(i) for i in ids):
                problems.append(
                    Problem(
                        scenario.source,
                        path,
                        f"register {ids[0]} is a {quoted} price and the base year is {scenario.base_year}: set "
                        f"price_year = {quoted} to convert it, or cite a flat reason ({FLAT_REASON_ID} or "
                        f"{FLAT_REASON_ID}-...) to keep it flat",
                    )
                )
    return problems


def cited_ids(source: str) -> list[str]:
    """Register ids cited by a ``source`` text: the comma list before the first ``:``.

    Examples
    --------
    >>> cited_ids("DIC-RENT-VCPU, DC29: 264,000 VND in 2018")
    ['DIC-RENT-VCPU', 'DC29']
    >>> cited_ids("free text without ids")
    []
    """
    head = source.split(":", 1)[0]
    ids = [part.strip() for part in head.split(",")]
    if not ids or not all(ID_PATTERN.match(i) for i in ids):
        return []
    return ids


def _numbers(value: str) -> list[float] | None:
    parts = [p.strip().replace("_", "") for p in value.split(",")]
    if all(_NUMBER.match(p) for p in parts):
        return [float(p) for p in parts]
    return None


@dataclass(frozen=True)
class Citation:
    """Where a scenario cites the register: key path, cited ids, number used."""

    path: str
    ids: tuple[str, ...]
    numbers: tuple[float, ...]


def _citations(scenario: Scenario) -> Iterable[Citation]:
    for name, p in scenario.parameters.items():
        if getattr(p, "dist", None) is not None:
            yield Citation(f"parameters.{name}.source", tuple(cited_ids(p.source)), ())
    for did, drv in scenario.drivers.items():
        yield Citation(f"drivers.{did}.source", tuple(cited_ids(drv.source)), tuple(float(v) for v in drv.values))
    for opt in scenario.options:
        for item in opt.items:
            yield Citation(f"options.{opt.id}.{item.label}.source", tuple(cited_ids(item.source)), (item.price,))


def check_citations(scenario: Scenario, register: pd.DataFrame) -> list[Problem]:
    """Check that a scenario cites existing register ids and agrees with them.

    Every item and every driver must cite at least one id; every cited id
    must exist; when the first id's ``value`` is a number (or a comma list of
    numbers, for a driver), the number used must equal it (relative 1e-12).

    Returns
    -------
    list of Problem
        Empty when everything agrees.
    """
    values: Mapping[str, str] = dict(zip(register["id"], register["value"], strict=True))
    problems = []
    for c in _citations(scenario):
        p = lambda msg, c=c: Problem(scenario.source, c.path, msg)  # noqa: E731
        if not c.ids:
            problems.append(p("cites no register id: start the source with ids, e.g. 'DC2, EC9: ...'"))
            continue
        unknown = [i for i in c.ids if i not in values]
        if unknown:
            problems.append(p(f"unknown register id(s): {', '.join(unknown)}"))
            continue
        expected = _numbers(values[c.ids[0]])
        if expected is None or not c.numbers:
            continue
        if len(expected) == 1:  # one number: every value used must equal it (a constant driver)
            expected = expected * len(c.numbers)
        if len(expected) != len(c.numbers) or not all(
            math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0) for a, b in zip(expected, c.numbers, strict=False)
        ):
            shown = ", ".join(f"{x:g}" for x in c.numbers)
            problems.append(p(f"uses {shown} but register {c.ids[0]} says {values[c.ids[0]]}"))
    return problems


def register_markdown(register: pd.DataFrame, cited_by: Mapping[str, list[str]] | None = None) -> str:
    """Render the register as the Markdown page ``docs/assumptions.md``.

    Parameters
    ----------
    register : pandas.DataFrame
        From :func:`read_register`.
    cited_by : mapping of id to list of str, optional
        Scenario file names citing each id, shown in a column.

    Returns
    -------
    str
    """
    cited_by = cited_by or {}

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    counts = register.groupby(["type", "confidence"]).size()
    lines = [
        "# Assumptions register",
        "",
        "<!-- Generated by `costmodel assumptions` from scenarios/assumptions.csv. Do not edit by hand:",
        "     edit the CSV and run the command again. -->",
        "",
        "Every default number in `scenarios/` cites an id of this register at the start of its",
        "`source`. **type** says whether the number is *published* (found in a public source,",
        "named), *derived* (arithmetic on published numbers, shown) or an *assumption* (a",
        "modelling choice or estimate to replace with quotes or local data); **confidence** is",
        "high (primary or official source), medium (reputable secondary source) or low (blog,",
        "old data, recollection or guess). Where no Vietnamese price was found, the row says so.",
        "",
        "| type | high | medium | low | total |",
        "|---|---|---|---|---|",
    ]
    for t in TYPES:
        row = [int(counts.get((t, c), 0)) for c in CONFIDENCES]
        lines.append(f"| {t} | " + " | ".join(str(x) for x in row) + f" | {sum(row)} |")
    flagged = PLACEHOLDER_COLUMN in register.columns
    if flagged:
        n = int((register[PLACEHOLDER_COLUMN] == PLACEHOLDER_YES).sum())
        lines += [
            "",
            f"**placeholder** marks the {n} row(s) that stand for a figure of the earlier contract or of",
            "usage data that the DIC must replace with its own; a report using them is a draft.",
        ]
    dated = PRICE_YEAR_COLUMN in register.columns
    if dated:
        lines += [
            "",
            "**price year** is the year a published or derived price is quoted in. A scenario whose base year is",
            "later either converts the price through `price-index.csv` (the item's `price_year`) or cites a",
            f"flat-reason row (`{FLAT_REASON_ID}`, `{FLAT_REASON_ID}-...`) saying why it is held flat.",
        ]
    lines += [
        "",
        "| id | parameter | value | unit |"
        + (" price year |" * dated)
        + " type | confidence | source | note | cited by |"
        + (" placeholder |" * flagged),
        "|---|---|---|---|" + ("---|" * dated) + "---|---|---|---|---|" + ("---|" * flagged),
    ]
    for r in register.itertuples(index=False):
        cites = ", ".join(cited_by.get(r.id, []))
        year = f" {getattr(r, PRICE_YEAR_COLUMN)} |" if dated else ""
        marker = f" {getattr(r, PLACEHOLDER_COLUMN)} |" if flagged else ""
        lines.append(
            f"| {r.id} | {cell(r.parameter)} | {cell(r.value)} | {cell(r.unit)} |{year} {r.type} | {r.confidence} | "
            f"{cell(r.source)} | {cell(r.note)} | {cites} |{marker}"
        )
    return "\n".join(lines) + "\n"


def citations_by_id(scenarios: Iterable[Scenario]) -> dict[str, list[str]]:
    """Map each register id to the scenario files (names) that cite it."""
    out: dict[str, list[str]] = {}
    for s in scenarios:
        name = Path(s.source).name
        for c in _citations(s):
            for i in c.ids:
                if name not in out.setdefault(i, []):
                    out[i].append(name)
    return {i: sorted(names) for i, names in out.items()}

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
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.problems import InputError, Problem, read_text
from costmodel.scenario import Scenario

__all__ = [
    "CONFIDENCES",
    "PLACEHOLDER_COLUMN",
    "REGISTER_COLUMNS",
    "TYPES",
    "Citation",
    "check_citations",
    "cited_ids",
    "parse_register",
    "placeholders",
    "read_register",
    "register_markdown",
]

REGISTER_COLUMNS = ["id", "parameter", "value", "unit", "source", "type", "confidence", "note"]
TYPES = ("published", "derived", "assumption")
CONFIDENCES = ("high", "medium", "low")
#: Optional column: ``yes`` on a row that stands for a contract or usage figure the DIC must replace.
PLACEHOLDER_COLUMN = "placeholder"
PLACEHOLDER_YES = "yes"
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
        :data:`PLACEHOLDER_COLUMN` (``"yes"`` or ``""``) when the file has it.

    Raises
    ------
    RegisterError
        Missing columns, duplicate or malformed ids, unknown type or
        confidence, a placeholder value other than ``yes`` or empty, each with
        the file and line.
    """
    return parse_register(read_text(path, RegisterError), str(path))


def parse_register(text: str, source: str = "<register>") -> pd.DataFrame:
    """Parse register CSV text (see :func:`read_register`)."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REGISTER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RegisterError([Problem(source, "line 1", f"missing column(s): {', '.join(missing)}")])
    columns = REGISTER_COLUMNS + ([PLACEHOLDER_COLUMN] if PLACEHOLDER_COLUMN in (reader.fieldnames or []) else [])
    problems: list[Problem] = []
    rows = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        rid = (row["id"] or "").strip()
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
        if not (row["source"] or "").strip():
            problems.append(Problem(source, where, "source is empty: say where the number comes from"))
        flag = (row.get(PLACEHOLDER_COLUMN) or "").strip()
        if flag not in ("", PLACEHOLDER_YES):
            problems.append(Problem(source, where, f"placeholder must be {PLACEHOLDER_YES!r} or empty (got {flag!r})"))
        rows.append({c: (row[c] or "").strip() for c in columns})
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
    lines += [
        "",
        "| id | parameter | value | unit | type | confidence | source | note | cited by |" + (" placeholder |" * flagged),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" * flagged),
    ]
    for r in register.itertuples(index=False):
        cites = ", ".join(cited_by.get(r.id, []))
        marker = f" {getattr(r, PLACEHOLDER_COLUMN)} |" if flagged else ""
        lines.append(
            f"| {r.id} | {cell(r.parameter)} | {cell(r.value)} | {cell(r.unit)} | {r.type} | {r.confidence} | "
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

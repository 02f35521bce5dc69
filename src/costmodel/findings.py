r"""The audit findings the explanatory report answers, read from a CSV file.

The State Audit (Kiểm toán Nhà nước, ``KTNN``) and the Provincial Inspectorate
(Thanh tra tỉnh, ``TTT``) reviewed the earlier rental of the video-conferencing
system; the notice of April 2024 asks the DIC to explain itself on each of
their conclusions and recommendations. The DIC keeps them in a CSV file, one
row per finding (format in ``docs/findings-format.md``): what was found, what
was recommended, the DIC's explanation and remedy, who does it, by when, how
far it has got, and which analysis of the report answers it.

The shipped ``scenarios/audit-findings.csv`` is a **sample**: each of its rows
says ``DỮ LIỆU MẪU`` in its first column, ``sample`` (``yes`` is accepted as
well), and :func:`is_sample` is true while any row does, so that a report
built from it stays a draft. The DIC empties or deletes that column as it
replaces the rows with the real conclusions.

Examples
--------
>>> text = (
...     "id,issued_by,document,finding,recommendation,explanation,remedy,owner,deadline,status,answered_by\n"
...     "KTNN-1,KTNN,Số …/KL-KTNN,No comparison,Compare,See options,Comparison made,DIC,2024-04-30,done,options\n"
... )
>>> findings = parse_findings(text, "f.csv")
>>> findings.loc[0, "answered_by"], findings.loc[0, "deadline"], is_sample(findings)
(('options',), datetime.date(2024, 4, 30), False)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pandas as pd

from costmodel.csvfile import read_records
from costmodel.problems import InputError, Problem, read_text

__all__ = [
    "ANALYSES",
    "FINDINGS_COLUMNS",
    "ISSUERS",
    "OPTIONAL_COLUMNS",
    "SAMPLE_VALUES",
    "STATUSES",
    "FindingsError",
    "ANSWER_COLUMNS",
    "is_sample",
    "parse_findings",
    "read_findings",
    "unanswered",
]

#: Required columns, in the order of the report's findings table.
FINDINGS_COLUMNS = [
    "id",
    "issued_by",
    "document",
    "finding",
    "recommendation",
    "explanation",
    "remedy",
    "owner",
    "deadline",
    "status",
]
#: Optional columns: the analysis answering the finding, the sample marker, and the cause (nguyên nhân) and
#: responsibility (trách nhiệm) an audit response states — a final report needs both.
OPTIONAL_COLUMNS = ["answered_by", "sample", "cause", "responsibility"]
#: Who issued the conclusion: the State Audit (Kiểm toán Nhà nước) or the Provincial Inspectorate (Thanh tra tỉnh).
ISSUERS = ("KTNN", "TTT")
#: How far the remedy has got.
STATUSES = ("open", "in_progress", "done", "needs_data")
#: The analyses of the explanatory report that a finding can point to.
ANALYSES = ("retrospective", "options", "price_basis", "peers", "restructuring", "ownership", "termination")
#: Values of the ``sample`` column that mark a row as sample data (empty on real rows).
SAMPLE_VALUES = ("DỮ LIỆU MẪU", "yes")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Columns that must not be empty on any row (the others may wait for the DIC's answer).
_NON_EMPTY = ("id", "issued_by", "document", "finding", "recommendation", "status")
#: The DIC's answer to a finding, which a final report needs on every row (``deadline`` unless the status is ``done``).
ANSWER_COLUMNS = ("cause", "responsibility", "explanation", "remedy", "owner", "deadline")


class FindingsError(InputError):
    """The findings file has bad rows; ``problems`` names each line."""


def read_findings(path: str | Path) -> pd.DataFrame:
    """Read and check an audit findings CSV file.

    Parameters
    ----------
    path : str or pathlib.Path
        A UTF-8 CSV file (with or without a byte-order mark) with the columns
        :data:`FINDINGS_COLUMNS` and optionally :data:`OPTIONAL_COLUMNS`.

    Returns
    -------
    pandas.DataFrame
        See :func:`parse_findings`.

    Raises
    ------
    FindingsError
        Every problem of the file, each with the file and ``line N``.
    """
    return parse_findings(read_text(path, FindingsError), str(path))


def parse_findings(text: str, source: str = "<findings>") -> pd.DataFrame:
    """Parse findings CSV text (see :func:`read_findings` and ``docs/findings-format.md``).

    Parameters
    ----------
    text : str
        The file's text.
    source : str
        The file name for messages.

    Returns
    -------
    pandas.DataFrame
        One row per finding in file order, with the columns
        :data:`FINDINGS_COLUMNS` as stripped strings except ``deadline`` (a
        :class:`datetime.date`, or ``None`` when empty); ``answered_by`` (a
        tuple of :data:`ANALYSES`, empty when not given); ``sample`` (bool,
        true for a value of :data:`SAMPLE_VALUES`);
        and ``line`` (the line of the file where the row starts).

    Raises
    ------
    FindingsError
        Missing or unknown columns; an empty required value; a malformed or
        duplicate id; an issuer not in :data:`ISSUERS`, a status not in
        :data:`STATUSES`, an analysis not in :data:`ANALYSES`; a deadline that
        is not a YYYY-MM-DD date; a ``sample`` value not in
        :data:`SAMPLE_VALUES` and not empty; ``done`` without a remedy; a file without findings.
    """
    records = read_records(text, source, FINDINGS_COLUMNS, OPTIONAL_COLUMNS, FindingsError)
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows = []
    for line, rec in records:
        where = f"line {line}"

        def bad(message: str, where: str = where) -> None:
            problems.append(Problem(source, where, message))

        for column in _NON_EMPTY:
            if not rec[column]:
                bad(f"{column} is empty")
        fid = rec["id"]
        if fid:
            if not _ID.match(fid):
                bad(f"id must be letters, digits, '.', '_' or '-' (got {fid!r})")
            elif fid in seen:
                bad(f"duplicate id {fid!r} (also line {seen[fid]})")
            else:
                seen[fid] = line
        if rec["issued_by"] and rec["issued_by"] not in ISSUERS:
            bad(f"issued_by must be one of {', '.join(ISSUERS)} (got {rec['issued_by']!r})")
        if rec["status"] and rec["status"] not in STATUSES:
            bad(f"status must be one of {', '.join(STATUSES)} (got {rec['status']!r})")
        if rec["status"] == "done" and not rec["remedy"]:
            bad("status is done but remedy is empty: say what was done")
        deadline = None
        if rec["deadline"]:
            try:
                if not _DATE.match(rec["deadline"]):
                    raise ValueError
                deadline = dt.date.fromisoformat(rec["deadline"])
            except ValueError:
                bad(f"deadline must be a date YYYY-MM-DD or empty (got {rec['deadline']!r})")
        analyses = tuple(a.strip() for a in rec["answered_by"].split(";") if a.strip())
        unknown = [a for a in analyses if a not in ANALYSES]
        if unknown:
            bad(f"answered_by must be one or more of {', '.join(ANALYSES)}, separated by ';' (got {', '.join(unknown)})")
        if len(set(analyses)) != len(analyses):
            bad(f"answered_by names an analysis twice ({rec['answered_by']!r})")
        sample = unicodedata.normalize("NFC", rec["sample"])
        if sample and sample not in SAMPLE_VALUES:
            bad(f"sample must be {' or '.join(map(repr, SAMPLE_VALUES))} or empty (got {rec['sample']!r})")
        rows.append(
            {
                **{c: rec[c] for c in FINDINGS_COLUMNS},
                "deadline": deadline,
                "answered_by": analyses,
                "sample": sample in SAMPLE_VALUES,
                "cause": rec["cause"],
                "responsibility": rec["responsibility"],
                "line": line,
            }
        )
    if not records:
        problems.append(Problem(source, "", "no findings: the file has a header but no rows"))
    if problems:
        raise FindingsError(problems)
    return pd.DataFrame(rows, columns=[*FINDINGS_COLUMNS, *OPTIONAL_COLUMNS, "line"])


def is_sample(findings: pd.DataFrame) -> bool:
    """True while any finding is marked as sample data (a report built on it is a draft)."""
    return bool(findings["sample"].any())


def unanswered(findings: pd.DataFrame) -> list[tuple[int, str, tuple[str, ...]]]:
    r"""The findings whose answer is not complete: (line, id, empty columns of :data:`ANSWER_COLUMNS`).

    A report may be drafted while a finding waits for its explanation, remedy,
    owner or deadline (it writes "cần bổ sung"); a final report needs them
    all, except the deadline of a finding whose status is ``done``.

    Examples
    --------
    >>> text = (
    ...     "id,issued_by,document,finding,recommendation,explanation,remedy,owner,deadline,status\n"
    ...     "A,KTNN,Số 1,F,R,E,Done it,DIC,,done\n"
    ...     "B,TTT,Số 2,F,R,,,DIC,2024-06-30,open\n"
    ... )
    >>> unanswered(parse_findings(text))
    [(2, 'A', ('cause', 'responsibility')), (3, 'B', ('cause', 'responsibility', 'explanation', 'remedy'))]
    """
    out = []
    for row in findings.itertuples(index=False):
        needed = [c for c in ANSWER_COLUMNS if not (c == "deadline" and row.status == "done")]
        empty = tuple(
            c for c in needed if getattr(row, c) is None or (isinstance(getattr(row, c), str) and not getattr(row, c).strip())
        )
        if empty:
            out.append((int(row.line), str(row.id), empty))
    return out

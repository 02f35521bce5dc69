"""One reader for every CSV input: header check, line numbers, any line ending.

Every CSV format of costmodel (assumptions register, peer costs, price index,
usage, catalogue and status, progress, survey, findings) is read through
:func:`read_table` (or :func:`read_records`, its records), so they all accept the same files (UTF-8 with or without
a byte-order mark; LF, CRLF or old-Mac CR line endings) and report the same
problems the same way: the file, ``line N`` and what was expected.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from costmodel.problems import InputError, Problem, control_characters

__all__ = ["Table", "read_records", "read_table"]


@dataclass(frozen=True)
class Table:
    """A CSV file read by :func:`read_table`.

    Attributes
    ----------
    columns : tuple of str
        The named columns of the header, stripped, in file order (so a reader
        can tell whether an optional column is present).
    records : list of (int, dict)
        The line number where each record starts, and its values by column.
    """

    columns: tuple[str, ...]
    records: list[tuple[int, dict[str, str]]]


def read_records(
    text: str,
    source: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    error: type[InputError] = InputError,
    extra: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    r"""Parse CSV text into ``(line, row)`` pairs with stripped string values.

    The records of :func:`read_table` (see there for the rules).

    Examples
    --------
    >>> read_records("a,b\r1,2\r", "x.csv", ["a", "b"])
    [(2, {'a': '1', 'b': '2'})]
    """
    return read_table(text, source, required, optional, error, extra).records


def read_table(
    text: str,
    source: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    error: type[InputError] = InputError,
    extra: bool = False,
) -> Table:
    r"""Parse CSV text: check the header, then read every record with its line.

    Parameters
    ----------
    text : str
        The file's text (see :func:`costmodel.problems.read_text`); a leading
        byte-order mark is ignored.
    source : str
        File name for messages.
    required : sequence of str
        Columns that must be in the header.
    optional : sequence of str
        Columns that may be in the header; absent ones read as ``""``.
    error : type of InputError
        The error raised (the format's own subclass).
    extra : bool
        Whether columns other than ``required`` and ``optional`` are allowed
        (kept in the rows, and ignored by readers that do not know them); by
        default an unknown column is a problem.

    Returns
    -------
    Table
        The header's columns and the records; values are stripped strings, a
        record with fewer fields than the header reads ``""`` for the missing
        ones, blank lines are skipped.

    Raises
    ------
    InputError
        (``error``) for an empty file, a header without the required columns,
        a duplicate or unknown column, malformed quoting, or a record with more
        fields than the header has columns; every problem names its line.
        Header cells left empty (a spreadsheet's trailing commas) are not
        columns: with ``extra`` their values are ignored, otherwise a value
        under one is a problem.

    Examples
    --------
    >>> t = read_table("\ufeffa,b,note\r\n1,2,x\r\n", "x.csv", ["a", "b"], extra=True)
    >>> t.columns, t.records
    (('a', 'b', 'note'), [(2, {'a': '1', 'b': '2', 'note': 'x'})])
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    expected = ", ".join(required)
    if not text.strip():
        raise error([Problem(source, "", f"the file is empty: expected a header line with {expected}")])
    reader = csv.reader(io.StringIO(text), strict=True)
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise error([Problem(source, "line 1", f"malformed CSV header: {exc}")]) from None
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(Problem(source, "line 1", f"duplicate column {name!r}"))
        seen.add(name)
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(Problem(source, "line 1", f"missing column(s): {', '.join(missing)} (expected {expected})"))
    if not extra:
        known = set(required) | set(optional)
        unknown = [h for h in header if h and h not in known]
        if unknown:
            allowed = ", ".join([*required, *optional])
            problems.append(Problem(source, "line 1", f"unknown column(s): {', '.join(unknown)} (allowed: {allowed})"))
    if problems:
        raise error(problems)
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(source, f"line {reader.line_num}", f"malformed CSV: {exc} (check the quotes)"))
            break
        start, line = line, reader.line_num + 1
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) > len(header):
            problems.append(Problem(source, f"line {start}", f"{len(fields)} fields but the header has {len(header)} columns"))
            continue
        unnamed = [i + 1 for i, f in enumerate(fields) if not header[i] and f.strip()]
        if unnamed and not extra:
            k = unnamed[0]
            problems.append(
                Problem(
                    source, f"line {start}", f"value {fields[k - 1].strip()!r} in column {k}, which has no name in the header"
                )
            )
            continue
        bad = [(header[i] or str(i + 1), control_characters(f)) for i, f in enumerate(fields) if control_characters(f)]
        if bad:
            where = "; ".join(f"column {col}: {', '.join(chars)}" for col, chars in bad)
            problems.append(Problem(source, f"line {start}", f"control character(s) in a cell ({where}): remove them"))
            continue
        row = {h: fields[i].strip() if i < len(fields) else "" for i, h in enumerate(header) if h}
        for c in optional:
            row.setdefault(c, "")
        rows.append((start, row))
    if problems:
        raise error(problems)
    return Table(tuple(h for h in header if h), rows)

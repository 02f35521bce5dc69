r"""The mutation engine of the fuzz test: seeded, deterministic changes to an input file.

:func:`mutate` takes a file's bytes, its kind (``"toml"`` or ``"csv"``) and a
:class:`random.Random`, and returns the mutated bytes with a list of what was done,
in words, e.g. ``["toml: options[1].items[2].price := 1e+308 (huge)"]``. The same seed
always gives the same bytes.

Mutations, from the least to the most destructive:

* **value level** (most of them, so that the syntax stays valid and the deeper validation
  runs): a TOML value (parsed with :mod:`tomllib`, changed in the dict, written back with
  :func:`dump_toml`) or a CSV cell (parsed with :mod:`csv`, written back) replaced by a value
  of another type (string, list, table, boolean), a huge or tiny number, a negative number,
  zero, NaN or infinity, an odd date, a very long string, a name with ``=``, ``[bold]``,
  ``$x$`` or ``<script>``, another value of the same file (a reference to another id), a
  number nudged (+1, x10, /10, fractional); keys and rows deleted, duplicated, swapped,
  columns dropped, duplicated or renamed, unknown keys added;
* **token level** (TOML): a number or date token of the text replaced by one the
  writer cannot produce (``1e400``, ``0x7FFF_FFFF``, ``2024-02-30``, ...);
* **line level**: delete, duplicate or swap lines; change the line endings; truncate
  the file; an empty file;
* **byte level**: a carriage return inside a line, random bytes (invalid UTF-8, NUL,
  control characters), a byte-order mark in the middle.

Examples
--------
>>> import random
>>> data = b'[scenario]\ntitle = "t"\nstart_year = 2024\n'
>>> mutate(data, "toml", random.Random(1)) == mutate(data, "toml", random.Random(1))
True
>>> dump_toml({"a": {"b": [1, 2.5], "c": float("nan")}, "d": [{"e": 'x"y'}]})
'[a]\nb = [1, 2.5]\nc = nan\n\n[[d]]\ne = "x\\"y"\n'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
import tomllib
from collections.abc import Callable
from typing import Any

__all__ = ["dump_toml", "mutate", "MUTATION_KINDS"]

MUTATION_KINDS = ("toml", "csv")

# ---------------------------------------------------------------------------
# value pools
# ---------------------------------------------------------------------------

LONG = "x" * 20_000
MARKUP = [
    "a = b",
    "x=1",
    "[bold]x[/bold]",
    "[red]",
    "[/bold]",
    "$x$",
    "$$\\frac{1}{0}$$",
    "$\\notacommand$",
    "$x^{$",
    "<script>alert(1)</script>",
    "<b>",
    "&amp;",
    "{0}",
]
ODD_TEXT = [
    "",
    " ",
    "\t",
    "x",
    "12",
    "1e308",
    "nan",
    "None",
    "true",
    LONG,
    "ê" * 3000,
    "\u202eRTL",
    "e\u0301",  # combining accent
    "😀",
    "a\\b",
    "'quoted'",
    '"dq"',
    "line1\nline2",
    "cr\rinside",
    "nul\x00byte",
    "esc\x1b[31mred",
    "bell\x07",
    "vt\x0bff\x0c",
    "del\x7f",
    "../../x",
    "%s %d {0} {x}",
    "=1+1",
    *MARKUP,
]
HUGE = [1e308, -1e308, 1.7976931348623157e308, 9223372036854775807, -9223372036854775808, 2**64, 10**30, 1e15]
TINY = [1e-300, 5e-324, -5e-324, 2.2250738585072014e-308]
SMALL = [0, 0.0, -0.0, -1, -1.0, 0.5, 1, 2, 3.5, 0.999999, 1.000001, 100, 2024, 1900, 2200, 9999, 10000]
NONFINITE = [math.nan, math.inf, -math.inf]
DATES: list[Any] = [
    dt.date(1, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(1900, 1, 1),
    dt.date(2200, 12, 31),
    dt.date(2024, 2, 29),
    dt.date(2023, 12, 31),
    dt.datetime(2024, 5, 31, 23, 59, 59),
    dt.datetime(2024, 5, 31, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    dt.time(12, 30),
]
ODD_DATE_TEXT = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-30",
    "2024-13",
    "2024-13-01",
    "2024-00-10",
    "0000-01-01",
    "2024-1-5",
    "31/12/2024",
    "2024/05/31",
    "2024-05-31T00:00:00",
    "2024-05-31 12:00",
    "2024-W01",
    "20240531",
    "2024-05",
    "2024",
    "1900-02-29",
    "10000-01-01",
    "-2024-01-01",
]
CSV_NUMBERS = [
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e308",
    "-1e308",
    "1e400",
    "-1e400",
    "1e-300",
    "5e-324",
    "1e-400",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999999",
    "0",
    "-0",
    "0.0",
    "-1",
    "-0.5",
    "0.5",
    "1_000",
    "1,000",
    "1.000.000",
    "1,5",
    " 7 ",
    "+7",
    ".5",
    "5.",
    "07",
    "7.0",
    "0x1A",
    "1e5",
    "１２３",  # fullwidth digits: float() reads them
    "٣",  # Arabic-Indic digit three
    "12 VND",
    "12%",
    "-",
    "N/A",
    "null",
    "yes",
    "no",
    "True",
]
EXPRESSIONS = [
    "1/0",
    "0/0",
    "1e308 * 10",
    "2 ** 10000",
    "10 ** 400",
    "0 ** -1",
    "(-8) ** 0.5",
    "unknown_name * 2",
    "(",
    "1 +",
    "__import__('os').getcwd()",
    "().__class__",
    "x" * 5000,
    "1" + "+1" * 5000,
    "(" * 500 + "1" + ")" * 500,
    "nan",
    "inf - inf",
    "-1e308 - 1e308",
]
DISTRIBUTIONS: list[dict] = [
    {"dist": "pert", "low": 1, "mode": 0, "high": -1},
    {"dist": "pert", "low": 0, "mode": 0, "high": 0},
    {"dist": "pert", "low": -1e308, "mode": 0, "high": 1e308},
    {"dist": "triangular", "low": 0, "mode": 1e308, "high": math.inf},
    {"dist": "triangular", "low": 5e-324, "mode": 5e-324, "high": 1e-300},
    {"dist": "normal", "mean": 1e308, "sd": 1e308},
    {"dist": "normal", "mean": 1, "sd": math.nan},
    {"dist": "lognormal", "mean": 1e308, "sd": 1e308},
    {"dist": "lognormal", "mean": 0, "sd": 1},
    {"dist": "uniform", "low": 1e-300, "high": 5e-324},
    {"dist": "uniform", "low": 0, "high": 1e308},
    {"dist": "unknown", "low": 0, "high": 1},
    {"dist": "pert"},
    {"dist": 5},
]
TYPES: list[Any] = [True, False, [], [1, 2], ["a"], [[1]], [math.nan], {}, {"a": 1}, {"": ""}, "text", ""]


def _label(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + f"...({len(text)} chars)"


def toml_value(rng: random.Random, old: Any = None) -> tuple[Any, str]:
    """A replacement for a TOML value ``old``, with a word for what it is."""
    choices: list[tuple[str, Callable[[], Any]]] = [
        ("type", lambda: rng.choice(TYPES)),
        ("text", lambda: rng.choice(ODD_TEXT)),
        ("huge", lambda: rng.choice(HUGE)),
        ("tiny", lambda: rng.choice(TINY)),
        ("small", lambda: rng.choice(SMALL)),
        ("nonfinite", lambda: rng.choice(NONFINITE)),
        ("date", lambda: rng.choice(DATES)),
        ("datetext", lambda: rng.choice(ODD_DATE_TEXT)),
        ("expression", lambda: rng.choice(EXPRESSIONS)),
        ("distribution", lambda: dict(rng.choice(DISTRIBUTIONS))),
    ]
    weights = [3, 3, 3, 2, 3, 3, 1, 1, 1, 1]
    if isinstance(old, bool):
        weights = [4, 2, 1, 1, 2, 1, 1, 1, 0, 0]
    elif isinstance(old, int | float):
        choices.append(("nudge", lambda: _nudge(old, rng)))
        weights = [2, 1, 3, 2, 2, 3, 1, 0, 1, 1, 6]
    elif isinstance(old, dt.date | dt.datetime | dt.time):
        choices.append(("date-shift", lambda: _shift_date(old, rng)))
        weights = [1, 1, 1, 0, 1, 1, 4, 4, 0, 0, 4]
    elif isinstance(old, str):
        choices.append(("text-edit", lambda: _edit_text(old, rng)))
        weights = [3, 3, 2, 1, 2, 2, 1, 2, 2, 1, 4]
    elif isinstance(old, dict) and "dist" in old:
        weights = [2, 1, 1, 1, 1, 1, 0, 0, 1, 8]
    kind, make = rng.choices(choices, weights=weights)[0]
    return make(), kind


def _nudge(old: int | float, rng: random.Random) -> Any:
    if isinstance(old, int) and 1900 <= old <= 2200:  # a year
        return old + rng.choice([-1, 1, -50, 50, -1000, 300, 7976]) if rng.random() < 0.8 else old + 0.5
    ops = [
        lambda v: -v,
        lambda v: 0,
        lambda v: v * 1e300,
        lambda v: v / 1e300,
        lambda v: v + 1,
        lambda v: v - 1,
        lambda v: v * 10,
        lambda v: v / 10,
        lambda v: v * 1000,
        lambda v: int(v) + 0.5,
        lambda v: -abs(v) - 1,
        lambda v: v * (1 + 1e-12),
    ]
    try:
        value = rng.choice(ops)(old)
    except OverflowError:
        value = math.inf
    if isinstance(value, float) and value.is_integer() and isinstance(old, int) and abs(value) < 2**63:
        value = int(value)
    return value


def _shift_date(old: Any, rng: random.Random) -> Any:
    if isinstance(old, dt.time):
        return rng.choice([dt.time(0, 0), dt.time(23, 59, 59, 999999)])
    delta = dt.timedelta(days=rng.choice([-1, 1, -365, 365, -36500, 36500, 3650000, -3650000, 29]))
    try:
        return old + delta
    except OverflowError:
        return dt.date.max if delta.days > 0 else dt.date.min


def _edit_text(old: str, rng: random.Random) -> str:
    ops: list[Callable[[str], str]] = [
        lambda s: s + "x",
        lambda s: s.upper(),
        lambda s: f" {s} ",
        lambda s: s * 2,
        lambda s: s[: len(s) // 2],
        lambda s: s.replace("_", "-"),
        lambda s: s + rng.choice(MARKUP),
        lambda s: s + "\r",
        lambda s: s + "\n" + s,
        lambda s: s.replace(" ", "\u00a0"),
        lambda s: s + "\ufeff",
    ]
    return rng.choice(ops)(old)


def csv_value(rng: random.Random, old: str = "") -> tuple[str, str]:
    """A replacement for a CSV cell ``old``, with a word for what it is."""
    choices: list[tuple[str, Callable[[], str]]] = [
        ("number", lambda: rng.choice(CSV_NUMBERS)),
        ("text", lambda: rng.choice(ODD_TEXT)),
        ("date", lambda: rng.choice(ODD_DATE_TEXT)),
        ("type", lambda: rng.choice(["[1, 2]", "{a = 1}", "true", "FALSE", "[]", "{}"])),
    ]
    weights = [4, 3, 2, 1]
    number = _as_number(old)
    if number is not None:
        choices.append(("nudge", lambda: _number_text(_nudge(number, rng))))
        weights = [5, 2, 1, 1, 5]
    elif re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", old.strip()):
        choices.append(("date-shift", lambda: _date_text(old.strip(), rng)))
        weights = [2, 1, 5, 1, 5]
    elif old:
        choices.append(("text-edit", lambda: _edit_text(old, rng)))
        weights = [3, 3, 2, 1, 4]
    kind, make = rng.choices(choices, weights=weights)[0]
    return make(), kind


def _as_number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _number_text(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _date_text(old: str, rng: random.Random) -> str:
    if len(old) == 7:
        year, month = int(old[:4]), int(old[5:])
        return rng.choice([f"{year}-{month + 1:02d}", f"{year - 1}-{month:02d}", f"{year}-13", f"{year}-00", f"{year + 7976}-01"])
    try:
        day = dt.date.fromisoformat(old)
    except ValueError:
        return rng.choice(ODD_DATE_TEXT)
    return str(_shift_date(day, rng))


# ---------------------------------------------------------------------------
# a small TOML writer (tomllib reads, nothing in the standard library writes)
# ---------------------------------------------------------------------------

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _inline(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(str(k))} = {_inline(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dump_toml(data: dict) -> str:
    """TOML text for ``data``: tables as ``[a.b]``, arrays of tables as ``[[a.b]]``, the rest inline."""
    lines: list[str] = []

    def table(prefix: list[str], d: dict, header: str | None) -> None:
        if header is not None:
            if lines:
                lines.append("")
            lines.append(header)
        for k, v in d.items():
            if not isinstance(v, dict) and not _is_table_array(v):
                lines.append(f"{_key(str(k))} = {_inline(v)}")
        for k, v in d.items():
            path = [*prefix, _key(str(k))]
            if isinstance(v, dict):
                table(path, v, "[" + ".".join(path) + "]")
            elif _is_table_array(v):
                for element in v:
                    table(path, element, "[[" + ".".join(path) + "]]")

    table([], data, None)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# TOML value-level mutations
# ---------------------------------------------------------------------------


def _nodes(data: Any, path: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) under ``data``, the root excluded."""
    out = []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for k, v in items:
        out.append(((*path, k), v))
        out.extend(_nodes(v, (*path, k)))
    return out


def _get(data: Any, path: tuple) -> Any:
    for k in path:
        data = data[k]
    return data


def _path_text(path: tuple) -> str:
    text = ""
    for k in path:
        text += f"[{k}]" if isinstance(k, int) else (f".{k}" if text else str(k))
    return text or "<root>"


def _strings(data: Any) -> list[str]:
    return [v for _, v in _nodes(data) if isinstance(v, str) and len(v) < 80]


#: Keys whose text readers see (tables, charts, workbooks, documents): odd text there reaches every output.
NAME_KEYS = {"name", "title", "label", "short_name", "unit", "category", "description", "subject", "issuer", "owner"}


def _toml_replace(doc: dict, rng: random.Random) -> str:
    nodes = _nodes(doc)
    if not nodes:
        doc["scenario"] = {"title": "x"}
        return "toml: add a table to an empty document"
    leaves = [n for n in nodes if not isinstance(n[1], dict | list)]
    named = [n for n in leaves if isinstance(n[1], str) and n[0][-1] in NAME_KEYS]
    if named and rng.random() < 0.2:
        path, old = rng.choice(named)
        new = rng.choice(ODD_TEXT)
        _get(doc, path[:-1])[path[-1]] = new
        return f"toml: {_path_text(path)} := {_label(new)} (text)"
    path, old = rng.choice(leaves if leaves and rng.random() < 0.85 else nodes)
    strings = _strings(doc)
    if isinstance(old, str) and strings and rng.random() < 0.25:
        new, kind = rng.choice(strings), "another value of the file"
    else:
        new, kind = toml_value(rng, old)
    _get(doc, path[:-1])[path[-1]] = new
    return f"toml: {_path_text(path)} := {_label(new)} ({kind})"


def _toml_delete(doc: dict, rng: random.Random) -> str:
    nodes = _nodes(doc)
    if not nodes:
        return "toml: nothing to delete"
    path, _ = rng.choice(nodes)
    parent = _get(doc, path[:-1])
    del parent[path[-1]]
    return f"toml: delete {_path_text(path)}"


def _toml_lists(doc: dict) -> list[tuple[tuple, list]]:
    return [(p, v) for p, v in _nodes(doc) if isinstance(v, list) and v]


def _toml_duplicate(doc: dict, rng: random.Random) -> str:
    lists = _toml_lists(doc)
    if not lists:
        return _toml_replace(doc, rng)
    path, values = rng.choice(lists)
    i = rng.randrange(len(values))
    values.insert(rng.randrange(len(values) + 1), _copy(values[i]))
    return f"toml: duplicate {_path_text((*path, i))}"


def _toml_swap(doc: dict, rng: random.Random) -> str:
    lists = [(p, v) for p, v in _toml_lists(doc) if len(v) > 1]
    if lists and rng.random() < 0.7:
        path, values = rng.choice(lists)
        i, j = rng.sample(range(len(values)), 2)
        values[i], values[j] = values[j], values[i]
        return f"toml: swap {_path_text((*path, i))} and [{j}]"
    # swap the values of two keys of one table
    tables = [(p, v) for p, v in [((), doc), *_nodes(doc)] if isinstance(v, dict) and len(v) > 1]
    if not tables:
        return _toml_replace(doc, rng)
    path, table = rng.choice(tables)
    a, b = rng.sample(list(table), 2)
    table[a], table[b] = table[b], table[a]
    return f"toml: swap the values of {_path_text((*path, a))} and {b}"


def _toml_add_key(doc: dict, rng: random.Random) -> str:
    tables = [(p, v) for p, v in [((), doc), *_nodes(doc)] if isinstance(v, dict)]
    path, table = rng.choice(tables)
    others = [k for _, v in _nodes(doc) if isinstance(v, dict) for k in v]
    key = rng.choice([*others, "unknown_key", "Title", "price ", "=", "[x]", "ê", ""]) if others else "unknown_key"
    value, kind = toml_value(rng)
    table[key] = value
    return f"toml: add {_path_text((*path, key))} = {_label(value)} ({kind})"


def _toml_empty(doc: dict, rng: random.Random) -> str:
    containers = [(p, v) for p, v in _nodes(doc) if isinstance(v, dict | list) and v]
    if not containers:
        return _toml_delete(doc, rng)
    path, value = rng.choice(containers)
    _get(doc, path[:-1])[path[-1]] = type(value)()
    return f"toml: empty {_path_text(path)}"


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


TOML_MUTATIONS: list[tuple[Callable[[dict, random.Random], str], int]] = [
    (_toml_replace, 12),
    (_toml_delete, 3),
    (_toml_duplicate, 2),
    (_toml_swap, 2),
    (_toml_add_key, 1),
    (_toml_empty, 1),
]

# TOML token level: what the writer cannot produce, in place of a number or a date of the text
_NUMBER_TOKEN = re.compile(r"(?<=[=\[,{]\s)(-?\d[\d_]*(\.\d+)?([eE][+-]?\d+)?)(?=\s*[,\]}\n#])")
_DATE_TOKEN = re.compile(r"(?<==\s)\d{4}-\d{2}-\d{2}(?=\s*[,\]}\n#])")
TOKENS = [
    "1e400",
    "-1e400",
    "1e-400",
    "nan",
    "+nan",
    "-inf",
    "+inf",
    "0x7FFF_FFFF_FFFF_FFFF",
    "0o777",
    "0b1",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "1__0",
    "01",
    "1.",
    ".5",
    "1e",
    "2024-02-30",
    "2024-13-01",
    "0000-00-00",
    "9999-12-31T23:59:59Z",
    "2024-05-31 25:00:00",
    '"1"',
    "true",
    "[]",
    "{}",
]


def _toml_token(text: str, rng: random.Random) -> tuple[str, str]:
    spans = [m.span() for m in _NUMBER_TOKEN.finditer(text)] + [m.span() for m in _DATE_TOKEN.finditer(text)]
    if not spans:
        return text, "toml-token: no number or date token"
    start, end = rng.choice(spans)
    token = rng.choice(TOKENS)
    line = text.count("\n", 0, start) + 1
    return text[:start] + token + text[end:], f"toml-token: line {line}: {text[start:end]!r} -> {token!r}"


# ---------------------------------------------------------------------------
# CSV cell-level mutations
# ---------------------------------------------------------------------------


def _csv_cell(rows: list[list[str]], rng: random.Random) -> str:
    cells = [(i, j) for i, row in enumerate(rows) for j in range(len(row)) if i > 0] or [
        (i, j) for i, row in enumerate(rows) for j in range(len(row))
    ]
    if not cells:
        rows.append(["x"])
        return "csv: add a cell to an empty table"
    i, j = rng.choice(cells)
    old = rows[i][j]
    column = [r[j] for r in rows[1:] if j < len(r) and r[j] != old]
    if column and rng.random() < 0.2:
        new, kind = rng.choice(column), "another value of the column"
    else:
        new, kind = csv_value(rng, old)
    rows[i][j] = new
    return f"csv: line {i + 1} column {j + 1} ({_label(rows[0][j] if j < len(rows[0]) else '?')}): {_label(old)} -> {_label(new)} ({kind})"


def _csv_header(rows: list[list[str]], rng: random.Random) -> str:
    if not rows or not rows[0]:
        return _csv_cell(rows, rng)
    header = rows[0]
    j = rng.randrange(len(header))
    old = header[j]
    ops = [
        ("duplicate another column's name", lambda: rng.choice(header)),
        ("rename", lambda: old + "x"),
        ("upper", lambda: old.upper()),
        ("pad", lambda: f" {old} "),
        ("empty", lambda: ""),
        ("markup", lambda: rng.choice(MARKUP)),
        ("bom", lambda: "\ufeff" + old),
    ]
    kind, make = rng.choice(ops)
    header[j] = make()
    return f"csv: header column {j + 1}: {old!r} -> {header[j]!r} ({kind})"


def _csv_column(rows: list[list[str]], rng: random.Random) -> str:
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return _csv_cell(rows, rng)
    j = rng.randrange(width)
    how = rng.choice(["drop", "duplicate", "swap", "blank"])
    for row in rows:
        if j >= len(row):
            continue
        if how == "drop":
            del row[j]
        elif how == "duplicate":
            row.insert(j, row[j])
        elif how == "swap":
            k = (j + 1) % len(row)
            row[j], row[k] = row[k], row[j]
        elif row is not rows[0]:
            row[j] = ""
    return f"csv: {how} column {j + 1}"


def _csv_row(rows: list[list[str]], rng: random.Random) -> str:
    if len(rows) < 2:
        return _csv_cell(rows, rng)
    i = rng.randrange(1, len(rows))
    how = rng.choice(["short", "long", "duplicate", "blank", "only-first"])
    if how == "short" and rows[i]:
        rows[i] = rows[i][: rng.randrange(len(rows[i]))]
    elif how == "long":
        rows[i] = [*rows[i], rng.choice(["", "x", "1", LONG])]
    elif how == "duplicate":
        rows.insert(i, list(rows[i]))
    elif how == "blank":
        rows[i] = ["" for _ in rows[i]]
    else:
        rows[i] = rows[i][:1]
    return f"csv: row at line {i + 1}: {how}"


CSV_MUTATIONS: list[tuple[Callable[[list[list[str]], random.Random], str], int]] = [
    (_csv_cell, 14),
    (_csv_header, 1),
    (_csv_column, 1),
    (_csv_row, 3),
]


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\r" if "\r" in text and "\n" not in text else "\n"


# ---------------------------------------------------------------------------
# line and byte level
# ---------------------------------------------------------------------------


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def _line_delete(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[:i] + lines[i + 1 :]), f"line: delete line {i + 1}"


def _line_duplicate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    line = lines[i] if lines[i].endswith((b"\n", b"\r")) else lines[i] + b"\n"
    j = rng.randrange(len(lines) + 1)
    return b"".join(lines[:j] + [line] + lines[j:]), f"line: duplicate line {i + 1} before line {j + 1}"


def _line_swap(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    lines = _lines(data)
    if len(lines) < 2:
        return _line_duplicate(data, rng)
    if not lines[-1].endswith((b"\n", b"\r")):
        lines[-1] += b"\n"
    i, j = rng.sample(range(len(lines)), 2)
    lines[i], lines[j] = lines[j], lines[i]
    return b"".join(lines), f"line: swap lines {i + 1} and {j + 1}"


def _line_endings(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    ending = rng.choice([b"\r\n", b"\r", b"\n\n", b"\r\r\n", b"\x0b", b"\x85", "\u2028".encode()])
    body = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return body.replace(b"\n", ending), f"line: line endings -> {ending!r}"


def _truncate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if not data:
        return data, "truncate: already empty"
    n = rng.randrange(len(data))
    return data[:n], f"truncate: keep the first {n} of {len(data)} bytes"


def _empty(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    how = rng.choice([b"", b"\n", b"\xef\xbb\xbf", b" \r\n\t", data.splitlines(keepends=True)[0] if data else b""])
    return how, f"empty: file := {how[:60]!r}"


def _insert(data: bytes, rng: random.Random, what: bytes, where: str) -> tuple[bytes, str]:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    line = lines[i]
    body = line.rstrip(b"\r\n")
    k = rng.randrange(len(body) + 1)
    lines[i] = body[:k] + what + line[k:]
    return b"".join(lines), f"{where}: insert {what!r} in line {i + 1} at byte {k}"


def _cr(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    return _insert(data, rng, rng.choice([b"\r", b"\r\r", b"\r\n", b"\n"]), "cr")


def _random_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    specials = [
        b"\xff",
        b"\xfe\xff",
        b"\xc3",
        b"\xe1\xbb",
        b"\xed\xa0\x80",
        b"\x00",
        b"\x1b[31m",
        b"\x7f",
        b"\xc0\xaf",
        b'"',
        b",",
        b"'",
    ]
    what = rng.choice(specials) if rng.random() < 0.6 else bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return _insert(data, rng, what, "bytes")


def _bom(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    if rng.random() < 0.3:
        return b"\xef\xbb\xbf\xef\xbb\xbf" + data, "bom: two byte-order marks at the start"
    return _insert(data, rng, b"\xef\xbb\xbf", "bom")


TEXT_MUTATIONS: list[tuple[Callable[[bytes, random.Random], tuple[bytes, str]], int]] = [
    (_line_delete, 4),
    (_line_duplicate, 3),
    (_line_swap, 3),
    (_line_endings, 1),
    (_truncate, 2),
    (_empty, 1),
    (_cr, 3),
    (_random_bytes, 3),
    (_bom, 2),
]


def _pick(table: list, rng: random.Random):
    return rng.choices([f for f, _ in table], weights=[w for _, w in table])[0]


# ---------------------------------------------------------------------------
# the entry point
# ---------------------------------------------------------------------------


def _structured(data: bytes, kind: str, rng: random.Random) -> tuple[bytes, str] | None:
    """A value-level mutation, or None when the bytes do not parse as ``kind``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if kind == "toml":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return None
        what = _pick(TOML_MUTATIONS, rng)(doc, rng)
        return dump_toml(doc).encode("utf-8", errors="surrogatepass"), what
    newline = _newline(text)
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"), newline=""), strict=True))
    except csv.Error:
        return None
    what = _pick(CSV_MUTATIONS, rng)(rows, rng)
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return out.getvalue().encode("utf-8", errors="surrogatepass"), what


def mutate(data: bytes, kind: str, rng: random.Random, max_mutations: int = 3) -> tuple[bytes, list[str]]:
    """Apply one to ``max_mutations`` seeded mutations to ``data`` (a ``kind`` file).

    Returns the new bytes and what was done, one entry per mutation.
    """
    if kind not in MUTATION_KINDS:
        raise ValueError(f"kind must be one of {MUTATION_KINDS}, got {kind!r}")
    n = rng.choices(range(1, max_mutations + 1), weights=[14, 4, 2][:max_mutations])[0]
    done: list[str] = []
    for _ in range(n):
        level = rng.choices(["value", "token", "line", "byte"], weights=[60, 8 if kind == "toml" else 0, 18, 14])[0]
        result = None
        if level == "value":
            result = _structured(data, kind, rng)
        elif level == "token":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                new, what = _toml_token(text, rng)
                result = new.encode("utf-8", errors="surrogatepass"), what
        if result is None:
            mutation = _pick(TEXT_MUTATIONS, rng)
            result = mutation(data, rng)
        data, what = result
        done.append(what)
    return data, done

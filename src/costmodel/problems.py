"""Problems found in input files, and reading input files as UTF-8 text.

Every reader reports bad input the same way: a list of :class:`Problem`, each
naming the file, where in it (a key path or a line) and what was expected,
raised together as a subclass of :class:`InputError`. The CLI prints one line
per problem and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputError", "Problem", "control_characters", "describe_value", "read_text", "text_problems"]


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    file : str
        The file name as the user gave it.
    path : str
        Where in the file: a key path such as
        ``options.rent.items[2] (Rack rental).price`` or ``line 7``; empty for
        problems with the whole file.
    message : str
        What is wrong and what was expected.
    """

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        """``FILE: key.path: message`` on one line (a line break quoted from the input is shown as backslash-n)."""
        where = f"{self.path}: " if self.path else ""
        text = f"{self.file}: {where}{self.message}"
        return text.replace("\r", "\\r").replace("\n", "\\n")


class InputError(ValueError):
    """Bad input; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def read_text(path: str | Path, error: type[InputError] = InputError, encoding: str = "utf-8-sig") -> str:
    """Read a text file, turning I/O and encoding failures into ``error``.

    A UTF-8 byte-order mark is accepted (spreadsheet programs write one).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error([Problem(str(path), "", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error([Problem(str(path), "", f"not UTF-8 text (invalid byte at line {line}); save the file as UTF-8")]) from None


def describe_value(value: object) -> str:
    """Describe a value and its type for a message, e.g. ``a string ('12')``.

    Examples
    --------
    >>> describe_value("12"), describe_value(True), describe_value([1])
    ("a string ('12')", 'a boolean (true)', 'an array')
    """
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} ({value!r})"


_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, 0x0D, *range(0x0E, 0x20), 0x7F))


def control_characters(text: str) -> list[str]:
    r"""The control characters in ``text`` that no reader output can show (all of C0 and DEL except tab and line feed).

    A carriage return is one of them: line breaks are written as line feeds.

    Examples
    --------
    >>> control_characters("a\tb\nc"), control_characters("esc\x1b[31m red\r")
    ([], ['\\r', '\\x1b'])
    """
    found = sorted({ch for ch in text if ch in _CONTROL})
    return [repr(ch)[1:-1] for ch in found]


def text_problems(data: object, source: str, path: str = "") -> list[Problem]:
    """Every string of a parsed input (TOML tables and arrays) that holds a control character, by key path.

    Names, titles and notes reach workbooks, charts and Word documents, which
    cannot show control characters (a PDF shows empty boxes, a .docx refuses
    them): they are bad input, reported where they are. Arrays are numbered
    from 1 as in every key path.
    """
    out: list[Problem] = []
    if isinstance(data, str):
        found = control_characters(data)
        if found:
            out.append(
                Problem(
                    source,
                    path,
                    f"contains control character(s) {', '.join(found)}: remove them (line breaks may be written as \\n)",
                )
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            out += text_problems(value, source, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data, start=1):
            out += text_problems(value, source, f"{path}[{i}]")
    return out

"""Tables as readers see them: headers and values from the vocabulary, formats from units.

The library's DataFrames keep machine column keys (``option``, ``pv_cost``,
``p10``, ...). Where a table is shown to a reader — a notebook, the console,
an HTML or Markdown report — :func:`reader_frame` turns it into strings: each
column's header is the vocabulary entry ``col.<column>``, and each value is
formatted by that entry's unit (money in whole đồng, per cent, years, ...) or
named by it (option names, inputs in words, categories in Vietnamese). A
column the vocabulary does not know is an error, never shown as its key.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names

__all__ = [
    "column_header",
    "column_unit",
    "drivers_frame",
    "html_table",
    "markdown_table",
    "md_escape",
    "md_inline_html",
    "md_paragraph",
    "metrics_frame",
    "reader_frame",
    "rich_table",
]

#: Columns that only qualify another column (the gap rows of tornado and Sobol tables).
_QUALIFIERS = ("minuend", "subtrahend")


def column_unit(column: str, units: Mapping[str, str] | None = None) -> str:
    """The unit of a column: ``units[column]`` if given, else its vocabulary entry's."""
    if units and column in units:
        return units[column]
    return voc.unit(f"col.{column}")


def column_header(column: str, lang: str | None = None, headers: Mapping[str, str] | None = None) -> str:
    """The reader's header of a column (``headers[column]`` if given, else ``col.<column>``)."""
    if headers and column in headers:
        return headers[column]
    return voc.term(f"col.{column}", lang)


def _value(value: object, unit: str, row: Mapping[str, object], names: Names | None, lang: str) -> str:
    if unit in voc.NAME_UNITS:
        if voc._missing(value) or value == "":
            return voc.DASH
        if unit in ("budget", "kind", "per", "timing"):
            return voc.term(f"{unit}.{value}", lang)
        if unit == "category":
            key = f"category.{value}"
            return voc.term(key, lang) if voc.has(key) else str(value)
        if names is None:
            raise ValueError(f"a column of unit {unit!r} needs the scenario's names")
        if unit == "option":
            return names.option(str(value))
        if unit == "target":
            return names.target(str(value), str(row.get("minuend", "")), str(row.get("subtrahend", "")))
        if unit == "input":
            return names.input(str(value))
        if unit == "input_value":
            return names.input_value(str(row["input"]), None if voc._missing(value) else float(value))
    return voc.format_value(value, unit, lang)


def reader_frame(
    df: pd.DataFrame,
    names: Names | None = None,
    lang: str | None = None,
    columns: Sequence[str] | None = None,
    units: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A table of strings for readers: vocabulary headers, values formatted by unit.

    Parameters
    ----------
    df : pandas.DataFrame
        A library table with machine column keys.
    names : Names, optional
        The scenario's names; required when a column holds options, targets
        or inputs.
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang` (or the names' language).
    columns : sequence of str, optional
        The columns to show, in order (default all but the gap qualifiers).
    units, headers : mapping, optional
        Units or headers for columns the vocabulary does not describe (for
        example one column per year or per driver).

    Returns
    -------
    pandas.DataFrame
        Same rows, string values, reader headers.

    Raises
    ------
    VocabularyError
        When a column has neither a vocabulary entry nor a given header/unit.
    """
    lang = names.lang if names is not None and lang is None else voc._lang(lang)
    columns = list(columns) if columns is not None else [c for c in df.columns if c not in _QUALIFIERS]
    records = df.to_dict("records")
    out = {}
    for col in columns:
        unit = column_unit(col, units)
        out[column_header(col, lang, headers)] = [_value(r[col], unit, r, names, lang) for r in records]
    return pd.DataFrame(out, index=range(len(records)))


def html_table(frame: pd.DataFrame, caption: str | None = None, unit_line: str | None = None, classes: str = "costmodel") -> str:
    """An HTML ``<table>`` of a reader frame (text escaped; numbers right-aligned).

    Rows listed in ``frame.attrs["bold_rows"]`` (headings and totals) are bold.
    """
    e = html.escape

    def numeric(text: str) -> bool:
        return text[:1].isdigit() or (text[:1] in "-−" and text[1:2].isdigit()) or text == voc.DASH

    columns_numeric = [
        bool(len(frame)) and all(numeric(str(v)) or str(v) == "" for v in frame.iloc[:, i]) for i in range(frame.shape[1])
    ]
    left, right = ' style="text-align:left"', ' style="text-align:right"'
    head = "".join(f"<th{right if columns_numeric[i] else left}>{e(str(c))}</th>" for i, c in enumerate(frame.columns))
    body = []
    bold = set(frame.attrs.get("bold_rows", ()))
    for i, row in enumerate(frame.itertuples(index=False)):
        cells = []
        for v in row:
            text = e(str(v))
            text = f"<strong>{text}</strong>" if i in bold and text else text
            cells.append(f'<td class="num"{right}>{text}</td>' if numeric(str(v)) else f"<td{left}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts = []
    if caption:
        parts.append(f"<p class='caption'><strong>{e(caption)}</strong></p>")
    if unit_line:
        parts.append(f"<p class='unit'><em>{e(unit_line)}</em></p>")
    parts.append(f'<table class="{e(classes)}"><thead><tr>{head}</tr></thead><tbody>' + "".join(body) + "</tbody></table>")
    return "\n".join(parts)


#: Characters a Markdown renderer may read as markup inside a line (emphasis, code, links, tables, strike-through).
_MD_INLINE = re.compile(r"([\\`*_\[\]|~])")
#: What makes a line a heading, a list item or a rule when it starts the line (``1.`` is escaped at its dot).
_MD_BLOCK = re.compile(r"^(?:([#+=-])|(\d+)([.)]))")


#: An ``&`` that starts an HTML entity or character reference (CommonMark decodes those).
_MD_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")


def md_escape(text: object) -> str:
    r"""A name (or any text) inside Markdown, shown as written: never HTML, never markup.

    ``<`` and ``>`` become HTML entities, and ``&`` where it would start an
    entity (``&amp;`` written as text stays ``&amp;``, ``Sở TT&TT`` stays as
    written: a reader of the raw file sees no ``&amp;``); a backslash, a
    backquote, ``*``, ``_``, ``[``, ``]``, ``|`` and ``~`` are escaped with a
    backslash; line breaks become spaces (a name cannot start a new block).

    Examples
    --------
    >>> print(md_escape("<script>a|b**c**</script>"))
    &lt;script&gt;a\|b\*\*c\*\*&lt;/script&gt;
    >>> print(md_escape("Sở TT&TT, &amp; &#38;"))
    Sở TT&TT, &amp;amp; &amp;#38;
    """
    text = _MD_ENTITY.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_INLINE.sub(r"\\\1", text)
    return text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def md_paragraph(text: object) -> str:
    r"""Plain text (no markup of its own) as a Markdown paragraph or list item, shown as written.

    :func:`md_escape`, without leading spaces (an indented code block), and
    with a first character that would make the line a heading, a list item
    or a rule escaped.

    Examples
    --------
    >>> print(md_paragraph("-2+3"), md_paragraph("# x"), md_paragraph("1. a"))
    \-2+3 \# x 1\. a
    """

    def escape(m: re.Match) -> str:
        return "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3)

    return _MD_BLOCK.sub(escape, md_escape(text).lstrip(), count=1)


_MD_TOKEN = re.compile(r"\\(.)|(\*\*)|(&(?:amp|lt|gt);)|([&<>\"'])", re.DOTALL)


def md_inline_html(text: str) -> str:
    """A line of our own Markdown — texts escaped by :func:`md_escape` and ``**bold**`` — as HTML.

    Backslash escapes give the character as written, ``**`` pairs give
    ``<strong>``, the entities of :func:`md_escape` are kept and any other
    ``&``, ``<``, ``>`` or quote is escaped.
    """
    out, bold = [], False

    def token(m: re.Match) -> str:
        nonlocal bold
        if m.group(1) is not None:
            return html.escape(m.group(1))
        if m.group(2):
            bold = not bold
            return "<strong>" if bold else "</strong>"
        if m.group(3):
            return m.group(3)
        return html.escape(m.group(4))

    out.append(_MD_TOKEN.sub(token, text))
    if bold:
        out.append("</strong>")
    return "".join(out)


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of a reader frame (every cell through :func:`md_escape`: no HTML, no markup, no line break)."""
    lines = ["| " + " | ".join(md_escape(c) for c in frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(md_escape(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def rich_table(frame: pd.DataFrame, title: str | None = None):
    """A :class:`rich.table.Table` of a reader frame (markup in cells is not interpreted)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, title_justify="left")
    for i, c in enumerate(frame.columns):
        numeric = bool(len(frame)) and all(str(v)[:1].isdigit() or str(v)[:1] in "-–" for v in frame.iloc[:, i])
        table.add_column(Text(str(c)), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        table.add_row(*(Text(str(v)) for v in row))
    return table


def metrics_frame(metrics: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """A table of named metrics (columns ``metric``, ``value``): each named and formatted by its vocabulary entry."""
    lang = voc._lang(lang)
    rows = []
    for rec in metrics.to_dict("records"):
        key = f"metric.{rec['metric']}"
        rows.append([voc.term(key, lang), voc.format_value(rec["value"], voc.unit(key), lang)])
    return pd.DataFrame(rows, columns=[voc.term("col.metric", lang), voc.term("col.value", lang)])


def drivers_frame(names: Names) -> pd.DataFrame:
    """The scenario's demand drivers, one column per driver (named by its label), one row per year."""
    s = names.scenario
    out = {voc.term("col.year", names.lang): [str(int(y)) for y in s.years]}
    for did, drv in s.drivers.items():
        out[names.driver(did)] = [names.number(v) for v in drv.values]
    return pd.DataFrame(out)

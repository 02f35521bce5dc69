"""A comparison of two scenarios as readers see it: the attribution table, a paragraph and a waterfall chart.

Everything here renders a :class:`costmodel.explain.Explanation`; nothing is
computed that the comparison does not hold. Words come from the reader
vocabulary (``vocab/compare.csv`` and shared entries), options are named by
their names, groups of inputs in words (``Nhu cầu``, ``Đơn giá — Thiết bị``;
a group of the caller's own is shown as named), amounts in whole đồng in the
table and in tỷ đồng in prose and on the chart, with the reader's decimal
comma.
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from costmodel.explain import GAP, LABELS, PRICES, Explanation
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.plotting import NumberFormatter, figure_axes, heading_above, plain

__all__ = [
    "attribution_frame",
    "attribution_text",
    "change_lines",
    "explanation_markdown",
    "explanation_workbook",
    "group_name",
    "waterfall_figure",
]

BILLION = 1e9
#: Below this size (VND) a part is written in triệu đồng or đồng in prose, not as ``0,00 tỷ đồng``.
_SMALL = 5e6
_COLOURS = {"start": "#7F7F7F", "end": "#4F81BD", "up": "#C0504D", "down": "#9BBB59"}


def group_name(group: str, lang: str | None = None) -> str:
    """A group of inputs in the reader's words.

    Default groups come from the vocabulary (``compare.group.*``; a price group
    names its category in words); a group of the caller's own that the
    vocabulary does not know is shown as the caller named it.

    Examples
    --------
    >>> group_name("prices: equipment", "vi"), group_name("demand", "vi"), group_name("Giá thuê", "vi")
    ('Đơn giá — Thiết bị', 'Nhu cầu', 'Giá thuê')
    """
    lang = voc._lang(lang)
    if group.startswith(PRICES):
        category = group[len(PRICES) :]
        key = f"category.{category}"
        return voc.text("compare.group.prices", lang, category=voc.term(key, lang) if voc.has(key) else category)
    key = f"compare.group.{group}"
    return voc.term(key, lang) if voc.has(key) else group


def _in_sentence(name: str) -> str:
    """A group name inside a sentence: first letter lower-cased unless it starts an abbreviation (VAT, GTGT)."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _names(comparison: Explanation, lang: str | None) -> tuple[Names, Names]:
    return Names(comparison.b.scenario, lang), Names(comparison.a.scenario, lang)


def _target_name(comparison: Explanation, names_b: Names, names_a: Names, row, short: bool = False) -> str:
    if row.target == GAP:
        return names_b.target(GAP, row.minuend, row.subtrahend, short=short)
    names = names_b if row.present in ("both", "b") else names_a
    return names.option_short(row.target) if short else names.option(row.target)


def _whole(value: float) -> int:
    """Whole đồng, half away from zero (as :func:`costmodel.reports.vocabulary.money` rounds)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def _round_parts(parts: list[float], total: int) -> list[int]:
    """Whole đồng that add up to ``total``: each part rounded, the remainder moved to the parts rounded furthest.

    A part that is exactly 0 stays 0.
    """
    out = [round(p) for p in parts]
    diff = total - sum(out)
    movable = [i for i, p in enumerate(parts) if p != 0]
    while diff and movable:
        step = 1 if diff > 0 else -1
        i = max(movable, key=lambda j: step * (parts[j] - out[j]))
        out[i] += step
        diff -= step
    return out


def _rounded(comparison: Explanation) -> dict[str, dict[str, int | None]]:
    """Per target: start, end and each group's part in whole đồng, consistent on the page.

    Parts of an option add up to its rounded end minus its rounded start; the gap's
    figures are the differences of its two options' rounded figures.
    """
    groups = list(comparison.groups)
    out: dict[str, dict[str, int | None]] = {}
    att = comparison.attribution
    # before and after as every other document prints them: sums of the ledger lines rounded to the đồng
    shown_a = comparison.a.rounded().summary.set_index("option")["pv_cost"]
    shown_b = comparison.b.rounded().summary.set_index("option")["pv_cost"]
    for row in comparison.totals.itertuples(index=False):
        if row.target == GAP:
            continue
        start = None if voc._missing(row.pv_a) else _whole(shown_a.get(row.target, row.pv_a))
        end = None if voc._missing(row.pv_b) else _whole(shown_b.get(row.target, row.pv_b))
        figures: dict[str, int | None] = {"start": start, "end": end}
        if row.present == "both":
            mine = att[att["target"] == row.target].set_index("group")["contribution"]
            parts = _round_parts([float(mine[g]) for g in groups], end - start)
            figures.update(zip(groups, parts, strict=True))
            figures["total"] = end - start
        else:
            figures.update({g: None for g in groups})
            figures["total"] = None
        out[row.target] = figures
    if comparison.gap is not None:
        x, y = comparison.gap
        out[GAP] = {k: out[x][k] - out[y][k] for k in out[x]}
    return out


def attribution_frame(comparison: Explanation, lang: str | None = None, banner: str = "") -> pd.DataFrame:
    """The attribution as a reader's table: one row per group of inputs, one column per option and the gap.

    Rows: the present value of cost before, each group's part of the change,
    the total change, the present value after. Amounts in whole đồng, rounded
    so that the parts add up to the total on the page. An option present in
    one scenario only has a dash where it is not attributed.

    Parameters
    ----------
    comparison : Explanation
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.
    banner : str, optional
        A draft or sample-data banner to carry with the table (reader-standards §7).

    Returns
    -------
    pandas.DataFrame
        Strings with reader headers; ``attrs`` holds ``caption``, ``unit_line``,
        ``notes`` (sentences to print under the table), ``banner`` and
        ``bold_rows`` (for :func:`costmodel.reports.tables.html_table`).
    """
    lang = voc._lang(lang)
    names_b, names_a = _names(comparison, lang)
    figures = _rounded(comparison)
    rows = [
        ("start", voc.term("compare.row.before", lang)),
        *[(g, group_name(g, lang)) for g in comparison.groups],
        ("total", voc.term("compare.row.total", lang)),
        ("end", voc.term("compare.row.after", lang)),
    ]
    data = {voc.term("col.group", lang): [label for _, label in rows]}
    notes = []
    for row in comparison.totals.itertuples(index=False):
        header = _target_name(comparison, names_b, names_a, row, short=True)
        if header in data:  # an option of one scenario with the short name of another's: its full name
            header = _target_name(comparison, names_b, names_a, row)
        data[header] = [
            voc.money(figures[row.target][key], lang) if figures[row.target][key] is not None else voc.DASH for key, _ in rows
        ]
        if row.present != "both":
            scenario = comparison.b.scenario if row.present == "b" else comparison.a.scenario
            notes.append(voc.text("compare.note.only", lang, option=header, scenario=scenario.title))
        elif row.target == GAP:
            notes.append(voc.text("compare.note.gap", lang, gap=header))
    notes += [voc.term("compare.note.rounded", lang), voc.text("compare.note.method", lang, count=comparison.evaluations)]
    frame = pd.DataFrame(data)
    frame.attrs.update(
        caption=(
            voc.text("compare.table.caption_same", lang, a=comparison.a.scenario.title)
            if comparison.a.scenario.title == comparison.b.scenario.title
            else voc.text("compare.table.caption", lang, a=comparison.a.scenario.title, b=comparison.b.scenario.title)
        ),
        unit_line=voc.term("unit.table_vnd", lang),
        notes=notes,
        banner=banner,
        bold_rows=[0, len(rows) - 2, len(rows) - 1],
    )
    return frame


def _billions(value: float, lang: str) -> str:
    return voc.billions(value, lang)


def _signed(value: float, lang: str) -> str:
    text = voc.billions(value, lang) if abs(value) >= _SMALL else voc.amount(value, lang)
    return ("+" if value > 0 else "") + text


def attribution_text(comparison: Explanation, lang: str | None = None) -> str:
    """One paragraph: how each option's present value of cost and the gap changed, and the two largest reasons.

    Amounts in tỷ đồng with the reader's decimal comma; contributions signed
    (a part under 5 million đồng in triệu đồng or đồng). Options present in one
    scenario only are named with their cost and said not to be attributed.
    """
    lang = voc._lang(lang)
    names_b, names_a = _names(comparison, lang)
    att = comparison.attribution
    clauses = []
    for row in comparison.totals.itertuples(index=False):
        name = _target_name(comparison, names_b, names_a, row)
        if row.present != "both":
            scenario = comparison.b.scenario if row.present == "b" else comparison.a.scenario
            pv = row.pv_b if row.present == "b" else row.pv_a
            clauses.append(voc.text("compare.text.only", lang, option=name, scenario=scenario.title, pv=_billions(pv, lang)))
            continue
        parts = att[att["target"] == row.target]
        largest = sorted(
            ((float(c), g) for g, c in zip(parts["group"], parts["contribution"], strict=True) if c != 0),
            key=lambda t: -abs(t[0]),
        )[:2]
        reasons = ""
        if len(largest) == 2:
            (c1, g1), (c2, g2) = largest
            reasons = voc.text(
                "compare.text.reasons_two",
                lang,
                g1=_in_sentence(group_name(g1, lang)),
                c1=_signed(c1, lang),
                g2=_in_sentence(group_name(g2, lang)),
                c2=_signed(c2, lang),
            )
        elif largest:
            (c1, g1) = largest[0]
            reasons = voc.text("compare.text.reasons_one", lang, g1=_in_sentence(group_name(g1, lang)), c1=_signed(c1, lang))
        direction = "up" if row.change > 0 else "down" if row.change < 0 else "same"
        # "from 23,43 to 14,58 tỷ đồng": the unit once, after the second figure
        fields = dict(
            change=_billions(abs(row.change), lang), pv_a=voc.number(row.pv_a / BILLION, 2, lang), pv_b=_billions(row.pv_b, lang)
        )
        if row.target == GAP:
            x, y = names_b.option(row.minuend), names_b.option(row.subtrahend)
            key = f"compare.text.gap_{direction}"
            fields.update(x=x, y=y)
        else:
            key = f"compare.text.{direction}"
            fields.update(target=name)
        if direction != "same":
            fields["reasons"] = reasons
        else:
            fields = {k: v for k, v in fields.items() if k not in ("change", "pv_b")} | {"pv_a": _billions(row.pv_a, lang)}
        clauses.append(voc.text(key, lang, **fields))
    a, b = comparison.a.scenario.title, comparison.b.scenario.title
    if a == b:  # a scenario and its own edits: the title once
        return voc.text("compare.text.intro_same", lang, a=a, clauses="; ".join(clauses))
    return voc.text("compare.text.intro", lang, a=a, b=b, clauses="; ".join(clauses))


def comparison_banner(comparison: Explanation, lang: str | None = None) -> str:
    """The draft banner of the comparison (reader-standards §7): the scenario after's, else the one before's; empty when firm."""
    from costmodel.reports.display import _draft_banner

    return _draft_banner(comparison.b.scenario, voc._lang(lang)) or _draft_banner(comparison.a.scenario, voc._lang(lang))


def comparison_dates(comparison: Explanation, lang: str | None = None, generated: dt.date | None = None) -> str:
    """The dates line: the as-of date of the figures (when the scenario after states one), the date prepared, the price basis.

    ``generated`` defaults to today in Vietnam time (UTC+7).
    """
    from costmodel.reports.workbook import VIETNAM_TIME

    lang = voc._lang(lang)
    s = comparison.b.scenario
    day = generated if generated is not None else dt.datetime.now(VIETNAM_TIME).date()
    fields = {"generated": voc.date(day, lang), "base_year": s.base_year}
    if s.as_of is not None:
        return voc.text("wb.dates_line_as_of", lang, as_of=voc.date(s.as_of, lang), **fields)
    return voc.text("wb.dates_line", lang, **fields)


def waterfall_figure(comparison: Explanation, target: str, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """A waterfall of one target's change: the present value before, one bar per group, the present value after.

    Parameters
    ----------
    comparison : Explanation
    target : str
        An option present in both scenarios, or ``"gap"``.
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted. The subtitle (the two
        scenarios compared) is then written above the axes title instead of
        as the figure's title.

    Returns
    -------
    matplotlib.figure.Figure
        Never shown; the new figure, or the figure of ``ax``. Amounts in tỷ
        đồng; bars carry ``gid`` values ``waterfall:start``,
        ``waterfall:<group>``, ``waterfall:end``.

    Raises
    ------
    ValueError
        When the target is not attributed (absent, or an option of one scenario only).
    """
    lang = voc._lang(lang)
    names_b, names_a = _names(comparison, lang)
    rows = comparison.totals[comparison.totals["target"] == target]
    if rows.empty or rows["present"].iloc[0] != "both":
        known = ", ".join(comparison.attribution["target"].unique())
        raise ValueError(f"no attribution for {target!r}: the targets attributed are {known or 'none'}")
    row = next(rows.itertuples(index=False))
    att = comparison.attribution[comparison.attribution["target"] == target].set_index("group")["contribution"]
    groups = list(comparison.groups)

    def wrap(text: str, width: int = 16) -> str:
        return plain(textwrap.fill(text, width))

    labels = [
        voc.term("compare.chart.before", lang),
        *[group_name(g, lang) for g in groups],
        voc.term("compare.chart.after", lang),
    ]
    user_ax = ax is not None
    width_in = max(7.0, 1.35 * len(labels) + 1.5)
    fig, ax = figure_axes(ax, (width_in, 5.8))
    start, end = row.pv_a / BILLION, row.pv_b / BILLION
    span = max([abs(start), abs(end), *(abs(float(att[g])) / BILLION for g in groups)] + [1e-9])

    def label(x: float, top: float, value: float, signed: bool) -> None:
        text = voc.number(value, 2, lang)
        if signed and value > 0:
            text = "+" + text
        ax.text(x, top + 0.01 * span, plain(text), ha="center", va="bottom", fontsize=9)

    ax.bar(0, start, color=_COLOURS["start"], width=0.6, gid="waterfall:start")
    label(0, max(start, 0.0), start, False)
    running = start
    for i, g in enumerate(groups, start=1):
        v = float(att[g]) / BILLION
        bottom = running if v >= 0 else running + v
        ax.bar(i, abs(v), bottom=bottom, color=_COLOURS["up" if v > 0 else "down"], width=0.6, gid=f"waterfall:{g}")
        ax.plot([i - 1.3, i + 0.3], [running, running], color="black", linewidth=0.6)
        label(i, max(running, running + v), v, True)
        running += v
    n = len(groups) + 1
    ax.plot([n - 1.3, n + 0.3], [running, running], color="black", linewidth=0.6)
    ax.bar(n, end, color=_COLOURS["end"], width=0.6, gid="waterfall:end")
    label(n, max(end, 0.0), end, False)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(n + 1), [wrap(t) for t in labels], fontsize=9)
    ax.yaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_ylabel(plain(voc.term("chart.billion_axis", lang)))
    name = _target_name(comparison, names_b, names_a, row)
    # wrapped to the figure's width (about 12 characters an inch at 11 pt, 15 at 8 pt), so that no title is cut
    title = ax.set_title(
        wrap(voc.text("compare.chart.title", lang, target=name), int((width_in - 1.2) * 12.5)), fontsize=11, loc="left"
    )
    a, b = comparison.a.scenario.title, comparison.b.scenario.title
    if a == b:  # a scenario and its own edits
        subtitle_text = voc.text("compare.chart.subtitle_same", lang, a=a)
    else:
        subtitle_text = voc.text("compare.chart.subtitle", lang, a=a, b=b)
    subtitle = wrap(subtitle_text, int(width_in * 15))
    if user_ax:
        heading_above(title, subtitle, 8)
    else:
        fig.suptitle(subtitle, fontsize=8, x=0.01, ha="left")
    suffix = "_gap" if target == GAP else ""  # the gap between two options widens or narrows; it is not a cost
    ax.legend(
        handles=[
            Patch(color=_COLOURS["up"], label=plain(voc.term(f"compare.chart.increase{suffix}", lang))),
            Patch(color=_COLOURS["down"], label=plain(voc.term(f"compare.chart.decrease{suffix}", lang))),
        ],
        fontsize=8,
        loc="best",
    )
    ax.margins(y=0.12)
    return fig


def change_lines(comparison: Explanation, lang: str | None = None) -> list[tuple[str, str]]:
    """Every attributed difference between the two scenarios in words, with its group: ``(group, text)``.

    Differences that only describe (titles, sources, notes) are not listed; the
    CSV ``changes.csv`` keeps them all.
    """
    lang = voc._lang(lang)
    names_b, names_a = _names(comparison, lang)
    out = []
    for row in comparison.changes.itertuples(index=False):
        if row.group == LABELS:
            continue
        names = names_b if row.new is not None else names_a
        out.append((group_name(row.group, lang), names.difference(row.path, row.old, row.new)))
    return out


def explanation_markdown(comparison: Explanation, lang: str | None = None) -> str:
    """The comparison as a Markdown page: the paragraph, the attribution table, its notes and the changes in words.

    Names (scenario titles, options, inputs, groups of the caller's own) are
    escaped: never HTML or Markdown markup.
    """
    from costmodel.reports.tables import markdown_table, md_escape, md_paragraph

    lang = voc._lang(lang)
    m = md_escape
    frame = attribution_frame(comparison, lang, banner=comparison_banner(comparison, lang))
    lines = [f"# {m(frame.attrs['caption'])}", "", md_paragraph(comparison_dates(comparison, lang)), ""]
    if frame.attrs["banner"]:
        lines += [f"**{m(frame.attrs['banner'])}**", ""]
    lines += [md_paragraph(attribution_text(comparison, lang)), ""]
    lines += [f"*{m(frame.attrs['unit_line'])}*", "", markdown_table(frame), ""]
    lines += [f"- {md_paragraph(note)}" for note in frame.attrs["notes"]]
    changes = change_lines(comparison, lang)
    if changes:
        lines += ["", f"## {m(voc.term('compare.changes.heading', lang))}", ""]
        lines += [f"{i}. {md_paragraph(text)} ({m(_in_sentence(group))})" for i, (group, text) in enumerate(changes, start=1)]
    return "\n".join(lines) + "\n"


def explanation_workbook(comparison: Explanation, lang: str | None = None) -> bytes:
    """The comparison as an .xlsx workbook: the attribution table (numbers in whole đồng) and the changes in words.

    A4 landscape, Times New Roman, one page wide; the parts of each column add
    up to its total on the page (the same rounding as the table of
    :func:`attribution_frame`); text never read as a formula.
    """
    import io

    import xlsxwriter

    lang = voc._lang(lang)
    frame = attribution_frame(comparison, lang)
    figures = _rounded(comparison)
    names_b, names_a = _names(comparison, lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    title = book.add_format({**base, "bold": True, "font_size": 13, "text_wrap": True})
    italic = book.add_format({**base, "italic": True, "text_wrap": True})
    header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    cell = book.add_format({**base, "text_wrap": True, "border": 1})
    bold_cell = book.add_format({**base, "text_wrap": True, "border": 1, "bold": True})
    number = book.add_format({**base, "border": 1, "num_format": "#,##0"})
    bold_number = book.add_format({**base, "border": 1, "num_format": "#,##0", "bold": True})

    sheet = book.add_worksheet(voc.term("compare.sheet.attribution", lang))
    targets = list(comparison.totals.itertuples(index=False))
    span = len(targets)
    sheet.merge_range(0, 0, 0, span, frame.attrs["caption"], title)
    sheet.set_row(0, 48)
    sheet.merge_range(1, 0, 1, span, comparison_dates(comparison, lang), italic)
    banner = comparison_banner(comparison, lang)
    top = 2
    if banner:  # reader-standards §7: on the page of the table
        red = book.add_format({**base, "bold": True, "font_color": "#B00000", "text_wrap": True})
        sheet.merge_range(top, 0, top, span, banner, red)
        sheet.set_row(top, 15 * (len(banner) // 140 + 1) + 2)
        top += 1
    sheet.merge_range(top, 0, top, span, attribution_text(comparison, lang).replace("**", ""), italic)
    sheet.set_row(top, 15 * (len(attribution_text(comparison, lang)) // 140 + 2))
    sheet.write_string(top + 1, 0, frame.attrs["unit_line"], italic)
    head = top + 2
    sheet.write_string(head, 0, voc.term("col.group", lang), header)
    for c, row in enumerate(targets, start=1):
        sheet.write_string(head, c, _target_name(comparison, names_b, names_a, row, short=True), header)
    sheet.set_row(head, 45)
    keys = [
        ("start", voc.term("compare.row.before", lang)),
        *[(g, group_name(g, lang)) for g in comparison.groups],
        ("total", voc.term("compare.row.total", lang)),
        ("end", voc.term("compare.row.after", lang)),
    ]
    bold_keys = {"start", "total", "end"}
    for r, (key, label) in enumerate(keys, start=head + 1):
        strong = key in bold_keys
        sheet.write_string(r, 0, label, bold_cell if strong else cell)
        for c, row in enumerate(targets, start=1):
            value = figures.get(row.target, {}).get(key)
            if value is None:
                sheet.write_string(r, c, voc.DASH, cell)
            else:
                sheet.write_number(r, c, value, bold_number if strong else number)
    r = head + len(keys) + 2
    for note in frame.attrs["notes"]:
        sheet.merge_range(r, 0, r, span, note, italic)
        sheet.set_row(r, 15 * (len(note) // 140 + 1) + 2)
        r += 1
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, span, 22)
    sheet.freeze_panes(head + 1, 1)
    _print_setup(sheet, head, span, lang)

    changes = change_lines(comparison, lang)
    sheet2 = book.add_worksheet(voc.term("compare.sheet.changes", lang))
    sheet2.merge_range(0, 0, 0, 2, voc.term("compare.changes.heading", lang), title)
    columns = (voc.term("compare.col.no", lang), voc.term("col.group", lang), voc.term("compare.col.change", lang))
    for c, name in enumerate(columns):
        sheet2.write_string(2, c, name, header)
    if not changes:
        sheet2.write_string(3, 0, voc.term("wb.about_none", lang), italic)
    for i, (group, text) in enumerate(changes, start=1):
        sheet2.write_number(2 + i, 0, i, number)
        sheet2.write_string(2 + i, 1, group, cell)
        sheet2.write_string(2 + i, 2, text, cell)
        sheet2.set_row(2 + i, 15 * (len(text) // 95 + 1) + 2)
    sheet2.set_column(0, 0, 6)
    sheet2.set_column(1, 1, 30)
    sheet2.set_column(2, 2, 100)
    sheet2.freeze_panes(3, 0)
    _print_setup(sheet2, 2, 2, lang)
    book.close()
    return buffer.getvalue()


def _print_setup(sheet, head: int, last_col: int, lang: str) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(head)
    sheet.set_footer("&C" + voc.text("compare.page", lang, page="&P", pages="&N"))

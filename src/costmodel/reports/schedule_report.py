"""Weekly progress report (Vietnamese by default): Markdown, HTML and an Excel sheet.

Formatting only: every date and number comes from the schedule and forecast, every word
from the reader vocabulary.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
from collections.abc import Callable, Sequence

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from costmodel.reports import vocabulary as voc
from costmodel.reports.slip_report import slip_frame, slip_text
from costmodel.reports.tables import html_table, markdown_table, md_escape, md_inline_html, md_paragraph
from costmodel.schedule.cpm import Schedule
from costmodel.schedule.plan import Plan
from costmodel.schedule.progress import Forecast
from costmodel.slip import Slip

__all__ = ["weekly_html", "weekly_markdown", "weekly_workbook_bytes"]


#: Stands for a ``*`` of a name while the vocabulary's ``**bold**`` markers are removed (workbook).
_STAR = "\x00"


def _hide_stars(name: str) -> str:
    return name.replace("*", _STAR)


def _d(day: dt.date | None, lang: str) -> str:
    return voc.date(day, lang)


def _n(x: float, lang: str, decimals: int = 1) -> str:
    return voc.number(x, decimals, lang)


def _task_table(status: Forecast, changes: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    t = status.table

    def h(key: str) -> str:
        return voc.term(f"sched.col.{key}", lang)

    out = pd.DataFrame(
        {
            h("stt"): [str(i) for i in range(1, len(t) + 1)],
            h("name"): t["name"],
            h("owner"): t["owner"],
            h("baseline_finish"): [_d(x, lang) for x in t["baseline_finish"]],
            h("planned_percent"): [voc.percent(x / 100, lang, 0) for x in t["planned_percent"]],
            h("actual_percent"): [voc.percent(x / 100, lang, 0) for x in t["actual_percent"]],
            h("forecast_finish"): [_d(x, lang) for x in t["forecast_finish"]],
            h("delay"): [str(int(x)) for x in t["delay"]],
            h("status"): [voc.term(f"sched.status.{x}", lang) for x in t["status"]],
        }
    )
    if changes is not None:
        c = changes.set_index("id").loc[t["id"]]
        out[h("percent_change")] = [_n(x, lang, 0) for x in c["percent_change"]]
        out[h("finish_change")] = [str(int(x)) for x in c["finish_change"]]
    out[h("note")] = t["note"]
    return out


def _summary_lines(
    plan: Plan, baseline: Schedule, status: Forecast, previous: Forecast | None, lang: str, esc: Callable[[str], str] = str
) -> list[str]:
    """The summary lines (with the vocabulary's ``**bold**``); ``esc`` escapes the names from the plan in them."""

    def t(key: str, **fields: object) -> str:
        return voc.text(key, lang, **fields) if fields else voc.term(key, lang)

    lines = []
    moved = plan.calendar.working_days_after(baseline.finish, status.finish)
    if moved == 0:
        moved_text = t("sched.as_planned")
    else:
        moved_text = t("sched.later" if moved > 0 else "sched.earlier", days=abs(moved))
    lines.append(t("sched.finish", finish=_d(status.finish, lang), baseline=_d(baseline.finish, lang), moved=moved_text))
    if plan.deadline is not None:
        src = f" ({esc(plan.deadline_source)})" if plan.deadline_source else ""
        slack = status.slack
        verdict = t("sched.slack", days=slack) if slack >= 0 else t("sched.overdue", days=-slack)
        lines.append(t("sched.deadline", date=_d(plan.deadline, lang), source=src, verdict=verdict))
    sv = status.schedule_variance
    total = float(status.table["duration"].sum()) or 1.0
    planned_pct = 100.0 * status.planned_value / total
    if abs(sv) < 0.05:
        where = t("sched.on_schedule")
    else:
        where = t("sched.behind" if sv < 0 else "sched.ahead", days=_n(abs(sv), lang))
    lines.append(
        t(
            "sched.progress",
            done=voc.percent(status.percent_complete / 100, lang),
            planned=voc.percent(planned_pct / 100, lang),
            sv=_n(sv, lang),
            spi=_n(status.spi, lang, 2),
            where=where,
        )
    )
    if previous is not None:
        fmove = plan.calendar.working_days_after(previous.finish, status.finish)
        if fmove == 0:
            moved_text = t("sched.unchanged")
        else:
            moved_text = t("sched.moved_later" if fmove > 0 else "sched.moved_earlier", days=abs(fmove))
        points = _n(status.percent_complete - previous.percent_complete, lang)
        lines.append(t("sched.week", date=_d(previous.as_of, lang), moved=moved_text, points=points))
    names = {task.id: task.name for task in plan.tasks}
    cp = ", ".join(esc(names[i]) for i in status.critical_path) or voc.DASH
    lines.append(t("sched.critical_path", tasks=cp))
    return lines


def _slip_sections(slips: Sequence[Slip], lang: str) -> list[tuple[str, pd.DataFrame]]:
    """(sentence, table) of each linked cost scenario's slip."""
    return [(slip_text(sl, lang), slip_frame(sl, lang)) for sl in slips]


def weekly_markdown(
    plan: Plan,
    baseline: Schedule,
    status: Forecast,
    previous: Forecast | None = None,
    changes: pd.DataFrame | None = None,
    lang: str | None = None,
    slips: Sequence[Slip] = (),
    sample: bool = False,
) -> str:
    """The weekly progress report as Markdown (with the effect of the forecast on each linked cost scenario).

    Names from the plan and the scenarios are escaped (:func:`~costmodel.reports.tables.md_escape`):
    never HTML or Markdown markup.
    """
    lang = voc._lang(lang)
    m = md_escape
    parts = [
        f"# {m(voc.text('sched.title', lang, title=plan.title))}",
        "",
        md_paragraph(voc.text("sched.as_of", lang, date=_d(status.as_of, lang))),
        "",
    ]
    if sample:
        parts += [f"**{m(voc.term('sched.sample', lang))}**", ""]
    parts += [f"- {line}" for line in _summary_lines(plan, baseline, status, previous, lang, md_escape)]
    for key, head in (("late", "sched.late_tasks"), ("at_risk", "sched.at_risk_tasks")):
        rows = status.table[status.table["status"] == key]
        parts += ["", f"## {m(voc.term(head, lang))}", ""]
        if rows.empty:
            parts.append(md_paragraph(voc.term("sched.none", lang)))
        else:
            for r in rows.itertuples(index=False):
                item = voc.text(
                    "sched.late_item", lang, name=r.name, owner=r.owner, date=_d(r.forecast_finish, lang), days=r.delay
                )
                parts.append(f"- {md_paragraph(item)}")
    for sentence, table in _slip_sections(slips, lang):
        parts += ["", f"## {m(voc.term('slip.heading', lang))}", "", md_paragraph(sentence), ""]
        if len(table):
            parts += [f"*{m(voc.term('slip.basis', lang))}*", "", markdown_table(table)]
    parts += ["", "## " + m(voc.term("sched.tasks", lang)), "", markdown_table(_task_table(status, changes, lang)), ""]
    return "\n".join(parts)


def weekly_html(
    plan: Plan,
    baseline: Schedule,
    status: Forecast,
    previous: Forecast | None = None,
    changes: pd.DataFrame | None = None,
    lang: str | None = None,
    gantt_svg: str | None = None,
    slips: Sequence[Slip] = (),
    sample: bool = False,
) -> str:
    """The same report as a self-contained HTML page (the Gantt chart embedded as SVG)."""
    e = html.escape
    lang = voc._lang(lang)
    body = [
        f"<h1>{e(voc.text('sched.title', lang, title=plan.title))}</h1>",
        f"<p>{e(voc.text('sched.as_of', lang, date=_d(status.as_of, lang)))}</p>",
    ]
    if sample:
        body.append(f'<p class="sample">{e(voc.term("sched.sample", lang))}</p>')
    body.append("<ul>")
    body += [f"<li>{md_inline_html(line)}</li>" for line in _summary_lines(plan, baseline, status, previous, lang, md_escape)]
    body.append("</ul>")
    if gantt_svg:
        body.append(f'<div class="gantt">{gantt_svg}</div>')
    for sentence, table in _slip_sections(slips, lang):
        body.append(f"<h2>{e(voc.term('slip.heading', lang))}</h2><p>{e(sentence)}</p>")
        if len(table):
            body.append(html_table(table, unit_line=voc.term("slip.basis", lang)))
    body.append(f"<h2>{e(voc.term('sched.tasks', lang))}</h2>")
    body.append(html_table(_task_table(status, changes, lang)))
    style = (
        "body{font-family:'Times New Roman',serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}"
        "th,td{border:1px solid #999;padding:3px 6px;font-size:90%}th{background:#DDEBF7}"
        ".gantt svg{max-width:100%;height:auto}.sample{color:#B00;font-weight:bold}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{e(plan.title)}</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def weekly_workbook_bytes(
    plan: Plan,
    baseline: Schedule,
    status: Forecast,
    previous: Forecast | None = None,
    changes: pd.DataFrame | None = None,
    lang: str | None = None,
    slips: Sequence[Slip] = (),
    sample: bool = False,
) -> bytes:
    """The weekly report as an Excel sheet: a title block, the summary lines, the slip effect, the task table."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    lang = voc._lang(lang)
    sheet = book.add_worksheet(voc.term("sched.sheet", lang))
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    title = book.add_format({**base, "bold": True, "font_size": 14})
    bold = book.add_format({**base, "bold": True})
    red = book.add_format({**base, "bold": True, "font_color": "#B00000"})
    wrap = book.add_format({**base, "text_wrap": True})
    cell = book.add_format({**base, "text_wrap": True, "border": 1})
    num = book.add_format({**base, "border": 1, "align": "right"})
    header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    table = _task_table(status, changes, lang)
    widths = [6, 42, 22, 14, 11, 11, 14, 11, 22, 12, 13, 40][: len(table.columns)]
    span = len(widths) - 1
    sheet.write_string(0, 0, voc.text("sched.title", lang, title=plan.title), title)
    sheet.write_string(1, 0, voc.text("sched.as_of", lang, date=_d(status.as_of, lang)), bold)
    row = 2
    if sample:
        sheet.write_string(row, 0, voc.term("sched.sample", lang), red)
        row += 1
    row += 1

    def paragraph(text: str, fmt) -> None:
        nonlocal row
        sheet.merge_range(row, 0, row, span, text.replace("**", "").replace(_STAR, "*"), fmt)
        sheet.set_row(row, 15 * max(1, -(-len(text) // int(sum(widths) * 1.1))) + 3)
        row += 1

    for line in _summary_lines(plan, baseline, status, previous, lang, _hide_stars):
        paragraph(line, wrap)
    money = book.add_format({**base, "border": 1, "align": "right", "num_format": "#,##0"})
    # the slip table's six columns over the task table's twelve: (first, last) column of each, wide enough for its text
    spans = [(0, 1), (2, 2), (3, 5), (6, 7), (8, 8), (9, 10)]

    def spanned(r: int, c: int, value, fmt, formula: str | None = None) -> None:
        first, last = spans[c]
        if formula is not None:
            if first != last:
                sheet.merge_range(r, first, r, last, None, fmt)
            sheet.write_formula(r, first, formula, fmt, value)
        elif first == last:
            sheet.write(r, first, value, fmt)
        else:
            sheet.merge_range(r, first, r, last, value, fmt)

    for sl, (sentence, slip_table) in zip(slips, _slip_sections(slips, lang), strict=True):
        row += 1
        sheet.write_string(row, 0, voc.term("slip.heading", lang), bold)
        row += 1
        paragraph(_hide_stars(sentence), wrap)
        if len(slip_table):
            sheet.write_string(row, 0, voc.term("slip.basis", lang), book.add_format({**base, "italic": True}))  # one line
            row += 1
            for c, name in enumerate(slip_table.columns):
                spanned(row, c, str(name), header)
            sheet.set_row(row, 32)
            amounts = sl.items[["baseline", "forecast"]].to_numpy()
            for shown, (baseline_amount, forecast_amount) in zip(slip_table.itertuples(index=False), amounts, strict=True):
                row += 1
                spanned(row, 0, str(shown[0]), cell)
                spanned(row, 1, str(shown[1]), cell)
                spanned(row, 2, str(shown[2]), cell)
                spanned(row, 3, float(baseline_amount), money)  # native numbers: the appraiser can add them up
                spanned(row, 4, float(forecast_amount), money)
                planned_cell = xl_rowcol_to_cell(row, spans[3][0])
                forecast_cell = xl_rowcol_to_cell(row, spans[4][0])
                spanned(row, 5, float(forecast_amount - baseline_amount), money, f"={forecast_cell}-{planned_cell}")
                lines = max(len(str(shown[k])) / max(sum(widths[spans[k][0] : spans[k][1] + 1]) * 1.1, 1) for k in range(3))
                sheet.set_row(row, 15 * max(1, math.ceil(lines)) + 2)
            row += 1
    row += 1
    sheet.write_string(row, 0, voc.term("sched.tasks", lang), bold)
    row += 1
    head = row
    for c, name in enumerate(table.columns):
        sheet.write_string(row, c, str(name), header)
    sheet.set_row(row, 32)
    for r, values in enumerate(table.itertuples(index=False), start=row + 1):
        for c, v in enumerate(values):
            text = str(v)
            sheet.write_string(r, c, text, num if text[:1].isdigit() and c != 1 else cell)
        longest = max(len(str(v)) / max(widths[c] * 1.1, 1) for c, v in enumerate(values))
        sheet.set_row(r, 15 * max(1, -(-int(longest * 10) // 10)) + 2)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    sheet.freeze_panes(head + 1, 0)
    sheet.repeat_rows(head)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.7)
    sheet.fit_to_pages(1, 0)
    sheet.set_footer(f'&C&"Times New Roman"&9{voc.term("wb.footer_page", lang)}')
    book.close()
    return buffer.getvalue()

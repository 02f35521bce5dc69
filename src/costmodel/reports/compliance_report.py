"""The compliance section of the periodic report: Markdown, HTML and Excel.

Formatting only; every number comes from :class:`costmodel.compliance.ComplianceReport`.
Vietnamese by default (``lang="en"`` for English). Dates are shown as
dd/mm/yyyy in Vietnamese and ISO in English.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pandas as pd
import xlsxwriter

from costmodel.compliance import ComplianceReport
from costmodel.reports import vocabulary as voc
from costmodel.reports.tables import markdown_table, md_escape, md_paragraph

__all__ = ["compliance_html", "compliance_markdown", "compliance_workbook_bytes", "warning_text"]

_TRANSLATED = {"frequency", "change", "list"}


def warning_text(warning: dict, lang: str | None = None) -> str:
    """One data warning as a sentence."""
    who = f"{warning['dataset_id']} ({warning['unit']})"
    if warning["kind"] == "missing":
        if not warning.get("due", True):
            return voc.text("comp.warning_missing_not_due", lang, who=who, deadline=_date(warning["deadline"], lang))
        return voc.text("comp.warning_missing", lang, who=who)
    return voc.text("comp.warning_after", lang, who=who, column=_t(warning["column"], lang), date=_date(warning["date"], lang))


def _t(key: str, lang: str | None) -> str:
    """A word of the compliance report from the reader vocabulary (``comp.<key>``; a missing key is an error)."""
    return voc.term(f"comp.{key}", lang)


def _date(value: str | dt.date, lang: str | None) -> str:
    return "" if value == "" else voc.date(value, lang)


def _display(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy()
    for col in out.columns:
        if col in ("build_deadline", "last_updated"):
            out[col] = [_date(v, lang) for v in out[col]]
        elif col == "list":
            out[col] = [_t(v, lang).split(". ", 1)[-1] for v in out[col]]
        elif col in _TRANSLATED:
            out[col] = [_t(v, lang) for v in out[col]]
    out.columns = [_t(c, lang) for c in out.columns]
    return out


def _sections(report: ComplianceReport, change_table: pd.DataFrame | None):
    yield "not_built", report.not_built
    yield "not_updated", report.not_updated
    yield "not_connected", report.not_connected
    yield "scorecard", report.scorecard
    if change_table is not None:
        yield "changes", change_table


def compliance_markdown(
    report: ComplianceReport,
    change_table: pd.DataFrame | None = None,
    previous_as_of: dt.date | None = None,
    lang: str | None = None,
    sample: bool = False,
) -> str:
    """The report section as Markdown, ready to paste into the periodic report (names escaped: never HTML or markup)."""
    m = md_escape
    parts = [f"## {m(_t('title', lang))}", "", f"*{m(voc.text('comp.as_of', lang, d=_date(report.as_of, lang)))}*"]
    if previous_as_of is not None:
        parts[-1] += f" — *{m(voc.text('comp.previous', lang, d=_date(previous_as_of, lang)))}*"
    if sample:
        parts += ["", f"**{m(_t('demo', lang))}**"]
    parts += ["", md_paragraph(_t("basis", lang)), ""]
    for key, table in _sections(report, change_table):
        parts += [f"### {m(_t(key, lang))}", ""]
        parts += [markdown_table(_display(table, lang)) if len(table) else md_paragraph(_t("none", lang)), ""]
    if report.warnings:
        parts += [f"### {m(_t('warnings', lang))}", ""]
        parts += [f"- {md_paragraph(warning_text(w, lang))}" for w in report.warnings] + [""]
    parts += [f"*{m(_t('method', lang))}*", ""]
    return "\n".join(parts)


def compliance_html(
    report: ComplianceReport,
    change_table: pd.DataFrame | None = None,
    previous_as_of: dt.date | None = None,
    lang: str | None = None,
    sample: bool = False,
) -> str:
    """A self-contained HTML page of the same section (no external resources)."""
    lang = voc._lang(lang)
    e = html.escape
    body = [
        f"<h1>{e(_t('title', lang))}</h1>",
        f"<p><em>{e(voc.text('comp.as_of', lang, d=_date(report.as_of, lang)))}</em>",
    ]
    if previous_as_of is not None:
        body[-1] += f" — <em>{e(voc.text('comp.previous', lang, d=_date(previous_as_of, lang)))}</em>"
    body[-1] += "</p>"
    if sample:
        body.append(f'<p class="demo">{e(_t("demo", lang))}</p>')
    body.append(f"<p>{e(_t('basis', lang))}</p>")
    for key, table in _sections(report, change_table):
        body.append(f"<h2>{e(_t(key, lang))}</h2>")
        if len(table):
            body.append(_display(table, lang).to_html(index=False, border=0, classes="list", escape=True))
        else:
            body.append(f"<p>{e(_t('none', lang))}</p>")
    if report.warnings:
        body.append(
            f"<h2>{e(_t('warnings', lang))}</h2><ul>"
            + "".join(f"<li>{e(warning_text(w, lang))}</li>" for w in report.warnings)
            + "</ul>"
        )
    body.append(f"<p class='method'>{e(_t('method', lang))}</p>")
    style = (
        "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #999;padding:4px 8px;text-align:left}"
        "th{background:#DDEBF7}.demo{color:#B00;font-weight:bold}.method{font-size:90%;color:#444}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{e(_t("title", lang))}</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def compliance_workbook_bytes(
    report: ComplianceReport,
    change_table: pd.DataFrame | None = None,
    lang: str | None = None,
    sample: bool = False,
    previous_as_of: dt.date | None = None,
) -> bytes:
    """The lists and scorecard as an .xlsx workbook, one sheet each, text never formulas.

    Every sheet opens with the title, the reporting date, the legal basis and —
    for sample data — the "DỮ LIỆU MẪU" banner; an empty list says "Không có";
    A4 landscape, Times New Roman, header row repeated, "Trang N/M" in the footer.
    """
    lang = voc._lang(lang)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    title = book.add_format({**base, "bold": True, "font_size": 13, "text_wrap": True})
    italic = book.add_format({**base, "italic": True, "text_wrap": True})
    red = book.add_format({**base, "bold": True, "font_color": "#B00000"})
    header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    cell = book.add_format({**base, "text_wrap": True, "border": 1})
    number = book.add_format({**base, "border": 1, "num_format": "#,##0"})
    wide = {"name": 44, "unit": 30, "evidence": 36, "note": 36, "list": 30}
    for key, table in _sections(report, change_table):
        sheet = book.add_worksheet(_t(f"sheet_{key}", lang))
        shown = _display(table, lang)
        widths = [wide.get(str(c), 16) for c in table.columns] or [40]
        span = max(len(widths) - 1, 1)
        sheet.merge_range(0, 0, 0, span, _t("title", lang), title)
        sheet.set_row(0, 34)
        dates = voc.text("comp.as_of", lang, d=_date(report.as_of, lang))
        if previous_as_of is not None:
            dates += " — " + voc.text("comp.previous", lang, d=_date(previous_as_of, lang))
        sheet.write_string(1, 0, dates, italic)
        sheet.merge_range(2, 0, 2, span, _t("basis", lang), italic)
        sheet.set_row(2, 30)
        row = 3
        if sample:
            sheet.write_string(row, 0, _t("demo", lang), red)
            row += 1
        row += 1
        sheet.write_string(row, 0, _t(key, lang), book.add_format({**base, "bold": True}))
        row += 1
        head = row
        for c, name in enumerate(shown.columns):
            sheet.write_string(row, c, str(name), header)
        sheet.set_row(row, 32)
        if not len(shown):
            sheet.write_string(row + 1, 0, _t("none", lang), italic)
        for r, values in enumerate(shown.itertuples(index=False), start=row + 1):
            for c, value in enumerate(values):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, value, number)
                else:
                    sheet.write_string(r, c, str(value), cell)
            longest = max((len(str(v)) / (widths[c] * 1.1) for c, v in enumerate(values)), default=1)
            sheet.set_row(r, 15 * max(1, int(longest) + (longest % 1 > 0)) + 2)
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
        sheet.freeze_panes(head + 1, 0)
        if len(shown):
            sheet.autofilter(head, 0, head + len(shown), len(shown.columns) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.7)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(head)
        sheet.set_footer(f'&C&"Times New Roman"&9{voc.term("wb.footer_page", lang)}')
    book.close()
    return buffer.getvalue()

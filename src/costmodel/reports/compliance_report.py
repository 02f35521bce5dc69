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

__all__ = ["compliance_html", "compliance_markdown", "compliance_workbook_bytes", "warning_text"]

_T = {
    "title": {
        "vi": "Danh sách công khai các đơn vị chưa xây dựng, chưa cập nhật, chưa chia sẻ dữ liệu với IOC",
        "en": "Public list of units that have not built, updated or shared their data with the IOC",
    },
    "as_of": {"vi": "Tính đến ngày {d}", "en": "As of {d}"},
    "previous": {"vi": "So sánh với kỳ trước (ngày {d})", "en": "Compared with the previous period ({d})"},
    "basis": {
        "vi": "Căn cứ: Quyết định 3826/QĐ-UBND và 3827/QĐ-UBND ngày 29/12/2023 (danh mục cơ sở dữ liệu dùng chung "
        "và dữ liệu mở); Thông báo kết luận của UBND tỉnh tháng 4/2024.",
        "en": "Basis: Decisions 3826/QĐ-UBND and 3827/QĐ-UBND of 29/12/2023 (shared and open database catalogues); "
        "the Provincial People's Committee notice of April 2024.",
    },
    "not_built": {
        "vi": "I. Đơn vị chưa xây dựng cơ sở dữ liệu đúng hạn",
        "en": "I. Datasets not built by their deadline",
    },
    "not_updated": {
        "vi": "II. Cơ sở dữ liệu chưa được cập nhật theo tần suất quy định",
        "en": "II. Datasets not updated within their frequency",
    },
    "not_connected": {
        "vi": "III. Cơ sở dữ liệu chưa chia sẻ, kết nối với IOC",
        "en": "III. Datasets required but not connected to the IOC",
    },
    "scorecard": {"vi": "IV. Tổng hợp theo đơn vị", "en": "IV. Scorecard by unit"},
    "changes": {"vi": "V. Thay đổi so với kỳ trước", "en": "V. Changes since the previous period"},
    "warnings": {"vi": "Lưu ý về dữ liệu", "en": "Data warnings"},
    "none": {"vi": "Không có.", "en": "None."},
    "method": {
        "vi": "Cách xác định: chưa xây dựng = đã quá hạn xây dựng mà chưa có ngày hoàn thành đến ngày báo cáo; "
        "chưa cập nhật = ngày báo cáo sau hạn cập nhật kế tiếp (lần cập nhật gần nhất cộng một kỳ: ngày, tuần, tháng, "
        "quý, năm); chưa kết nối IOC = bắt buộc kết nối, đã quá hạn xây dựng mà chưa có ngày kết nối. "
        "Mỗi dòng kèm minh chứng và ghi chú từ tệp tình trạng.",
        "en": "Rules: not built = past the build deadline with no build date by the reporting date; not updated = "
        "the reporting date is after the next due update (last update plus one period); not connected = required, "
        "past the build deadline and no connection date. Each line carries the status file's evidence and note.",
    },
    # columns
    "unit": {"vi": "Đơn vị", "en": "Unit"},
    "dataset_id": {"vi": "Mã CSDL", "en": "Dataset id"},
    "name": {"vi": "Tên cơ sở dữ liệu", "en": "Dataset"},
    "build_deadline": {"vi": "Hạn xây dựng", "en": "Build deadline"},
    "days_late": {"vi": "Số ngày chậm", "en": "Days late"},
    "frequency": {"vi": "Tần suất", "en": "Frequency"},
    "last_updated": {"vi": "Cập nhật lần cuối", "en": "Last updated"},
    "days_overdue": {"vi": "Số ngày quá hạn", "en": "Days overdue"},
    "evidence": {"vi": "Minh chứng", "en": "Evidence"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "datasets": {"vi": "Số CSDL", "en": "Datasets"},
    "built": {"vi": "Đã xây dựng", "en": "Built"},
    "up_to_date": {"vi": "Cập nhật đúng hạn", "en": "Up to date"},
    "ioc_required": {"vi": "Phải kết nối IOC", "en": "IOC required"},
    "connected": {"vi": "Đã kết nối IOC", "en": "Connected"},
    "built_on": {"vi": "ngày hoàn thành", "en": "built_on"},
    "ioc_connected_on": {"vi": "ngày kết nối IOC", "en": "ioc_connected_on"},
    "list": {"vi": "Danh sách", "en": "List"},
    "change": {"vi": "Thay đổi", "en": "Change"},
    "new": {"vi": "mới phát sinh", "en": "new"},
    "resolved": {"vi": "đã khắc phục", "en": "resolved"},
    "daily": {"vi": "hằng ngày", "en": "daily"},
    "weekly": {"vi": "hằng tuần", "en": "weekly"},
    "monthly": {"vi": "hằng tháng", "en": "monthly"},
    "quarterly": {"vi": "hằng quý", "en": "quarterly"},
    "yearly": {"vi": "hằng năm", "en": "yearly"},
    "sheet_not_built": {"vi": "Chưa xây dựng", "en": "Not built"},
    "sheet_not_updated": {"vi": "Chưa cập nhật", "en": "Not updated"},
    "sheet_not_connected": {"vi": "Chưa kết nối IOC", "en": "Not connected"},
    "sheet_scorecard": {"vi": "Tổng hợp đơn vị", "en": "Scorecard"},
    "sheet_changes": {"vi": "Thay đổi", "en": "Changes"},
    "demo": {
        "vi": "DỮ LIỆU MẪU minh họa, không phải số liệu thật.",
        "en": "SAMPLE DATA for demonstration, not real figures.",
    },
}
_TRANSLATED = {"frequency", "change", "list"}


def warning_text(warning: dict, lang: str = "vi") -> str:
    """One data warning as a sentence."""
    who = f"{warning['dataset_id']} ({warning['unit']})"
    if warning["kind"] == "missing":
        if lang == "vi":
            return f"{who}: không có trong tệp tình trạng; được tính là chưa xây dựng, chưa cập nhật, chưa kết nối"
        return f"{who}: not in the status file; counted as not built, updated or connected"
    col = _t(warning["column"], lang)
    if lang == "vi":
        return f"{who}: {col} {_date(warning['date'], lang)} sau ngày báo cáo"
    return f"{who}: {col} {_date(warning['date'], lang)} is after the reporting date"


def _t(key: str, lang: str) -> str:
    return _T[key][lang] if key in _T else key


def _date(value: str | dt.date, lang: str) -> str:
    if isinstance(value, str):
        if not value:
            return ""
        value = dt.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if lang == "vi" else value.isoformat()


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


def _md_table(table: pd.DataFrame) -> str:
    def cell(v) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines)


def compliance_markdown(
    report: ComplianceReport,
    change_table: pd.DataFrame | None = None,
    previous_as_of: dt.date | None = None,
    lang: str = "vi",
    sample: bool = False,
) -> str:
    """The report section as Markdown, ready to paste into the periodic report."""
    parts = [f"## {_t('title', lang)}", "", f"*{_t('as_of', lang).format(d=_date(report.as_of, lang))}*"]
    if previous_as_of is not None:
        parts[-1] += f" — *{_t('previous', lang).format(d=_date(previous_as_of, lang))}*"
    if sample:
        parts += ["", f"**{_t('demo', lang)}**"]
    parts += ["", _t("basis", lang), ""]
    for key, table in _sections(report, change_table):
        parts += [f"### {_t(key, lang)}", ""]
        parts += [_md_table(_display(table, lang)) if len(table) else _t("none", lang), ""]
    if report.warnings:
        parts += [f"### {_t('warnings', lang)}", ""] + [f"- {warning_text(w, lang)}" for w in report.warnings] + [""]
    parts += [f"*{_t('method', lang)}*", ""]
    return "\n".join(parts)


def compliance_html(
    report: ComplianceReport,
    change_table: pd.DataFrame | None = None,
    previous_as_of: dt.date | None = None,
    lang: str = "vi",
    sample: bool = False,
) -> str:
    """A self-contained HTML page of the same section (no external resources)."""
    e = html.escape
    body = [
        f"<h1>{e(_t('title', lang))}</h1>",
        f"<p><em>{e(_t('as_of', lang).format(d=_date(report.as_of, lang)))}</em>",
    ]
    if previous_as_of is not None:
        body[-1] += f" — <em>{e(_t('previous', lang).format(d=_date(previous_as_of, lang)))}</em>"
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


def compliance_workbook_bytes(report: ComplianceReport, change_table: pd.DataFrame | None = None, lang: str = "vi") -> bytes:
    """The lists and scorecard as an .xlsx workbook, one sheet each, text never formulas."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    for key, table in _sections(report, change_table):
        sheet = book.add_worksheet(_t(f"sheet_{key}", lang))
        shown = _display(table, lang)
        for c, name in enumerate(shown.columns):
            sheet.write_string(0, c, str(name), header)
            sheet.set_column(c, c, 40 if table.columns[c] in ("name", "evidence", "note") else 16)
        for r, row in enumerate(shown.itertuples(index=False), start=1):
            for c, value in enumerate(row):
                if isinstance(value, int | float) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
        sheet.freeze_panes(1, 0)
        if len(shown):
            sheet.autofilter(0, 0, len(shown), len(shown.columns) - 1)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
    book.close()
    return buffer.getvalue()

"""Weekly progress report (Vietnamese by default): Markdown, HTML and an Excel sheet.

Formatting only: every date and number comes from the schedule and forecast.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math

import pandas as pd
import xlsxwriter

from costmodel.schedule.cpm import Schedule
from costmodel.schedule.plan import Plan
from costmodel.schedule.progress import Forecast

__all__ = ["service_months", "weekly_html", "weekly_markdown", "weekly_workbook_bytes"]

_STATUS = {
    "done": {"vi": "Đã hoàn thành", "en": "done"},
    "on_track": {"vi": "Đúng tiến độ", "en": "on track"},
    "at_risk": {"vi": "Chậm, còn thời gian dự phòng", "en": "at risk (uses float)"},
    "late": {"vi": "Chậm, ảnh hưởng ngày hoàn thành", "en": "late (moves the finish)"},
}
_COLS = {
    "id": {"vi": "Mã", "en": "Id"},
    "name": {"vi": "Công việc", "en": "Task"},
    "owner": {"vi": "Đơn vị thực hiện", "en": "Owner"},
    "baseline_finish": {"vi": "Hoàn thành theo kế hoạch", "en": "Baseline finish"},
    "planned_percent": {"vi": "% kế hoạch", "en": "Planned %"},
    "actual_percent": {"vi": "% thực hiện", "en": "Actual %"},
    "forecast_finish": {"vi": "Dự báo hoàn thành", "en": "Forecast finish"},
    "delay": {"vi": "Chậm (ngày làm việc)", "en": "Delay (working days)"},
    "status": {"vi": "Tình trạng", "en": "Status"},
    "percent_change": {"vi": "Tăng % so với tuần trước", "en": "Change in % since last week"},
    "finish_change": {"vi": "Dịch chuyển ngày hoàn thành (ngày làm việc)", "en": "Finish moved (working days)"},
    "note": {"vi": "Ghi chú", "en": "Note"},
}


def _d(day: dt.date | None, lang: str) -> str:
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return ""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.isoformat()


def _n(x: float, lang: str, decimals: int = 1) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",") if lang == "vi" else text


def _task_table(status: Forecast, changes: pd.DataFrame | None, lang: str) -> pd.DataFrame:
    t = status.table
    out = pd.DataFrame(
        {
            _COLS["id"][lang]: t["id"],
            _COLS["name"][lang]: t["name"],
            _COLS["owner"][lang]: t["owner"],
            _COLS["baseline_finish"][lang]: [_d(x, lang) for x in t["baseline_finish"]],
            _COLS["planned_percent"][lang]: [_n(x, lang, 0) for x in t["planned_percent"]],
            _COLS["actual_percent"][lang]: [_n(x, lang, 0) for x in t["actual_percent"]],
            _COLS["forecast_finish"][lang]: [_d(x, lang) for x in t["forecast_finish"]],
            _COLS["delay"][lang]: t["delay"],
            _COLS["status"][lang]: [_STATUS[s][lang] for s in t["status"]],
        }
    )
    if changes is not None:
        c = changes.set_index("id").loc[t["id"]]
        out[_COLS["percent_change"][lang]] = [_n(x, lang, 0) for x in c["percent_change"]]
        out[_COLS["finish_change"][lang]] = c["finish_change"].to_numpy()
    out[_COLS["note"][lang]] = t["note"]
    return out


def _summary_lines(plan: Plan, baseline: Schedule, status: Forecast, previous: Forecast | None, lang: str) -> list[str]:
    vi = lang == "vi"
    lines = []
    moved = plan.calendar.working_days_after(baseline.finish, status.finish)
    if vi:
        lines.append(
            f"Dự báo hoàn thành: **{_d(status.finish, lang)}** (kế hoạch gốc {_d(baseline.finish, lang)}; "
            + ("đúng kế hoạch" if moved == 0 else f"{'chậm' if moved > 0 else 'sớm'} {abs(moved)} ngày làm việc")
            + ")."
        )
    else:
        lines.append(
            f"Forecast finish: **{_d(status.finish, lang)}** (baseline {_d(baseline.finish, lang)}; "
            + ("as planned" if moved == 0 else f"{abs(moved)} working days {'later' if moved > 0 else 'earlier'}")
            + ")."
        )
    if plan.deadline is not None:
        src = f" ({plan.deadline_source})" if plan.deadline_source else ""
        s = status.slack
        if vi:
            verdict = f"còn {s} ngày làm việc dự phòng" if s >= 0 else f"**chậm {-s} ngày làm việc so với hạn**"
            lines.append(f"Hạn hoàn thành: {_d(plan.deadline, lang)}{src}: {verdict}.")
        else:
            verdict = f"{s} working days to spare" if s >= 0 else f"**{-s} working days past the deadline**"
            lines.append(f"Deadline: {_d(plan.deadline, lang)}{src}: {verdict}.")
    sv = status.schedule_variance
    total = float(status.table["duration"].sum()) or 1.0
    planned_pct = 100.0 * status.planned_value / total
    if vi:
        where = (
            "đúng tiến độ"
            if abs(sv) < 0.05
            else (f"chậm {_n(-sv, lang)} ngày làm việc" if sv < 0 else f"vượt {_n(sv, lang)} ngày làm việc")
        )
        lines.append(
            f"Khối lượng đã thực hiện {_n(status.percent_complete, lang)}% so với kế hoạch {_n(planned_pct, lang)}% "
            f"(giá trị thu được theo thời gian: SV(t) = {_n(sv, lang)} ngày làm việc, "
            f"SPI(t) = {_n(status.spi, lang, 2)}): "
            f"**{where}**."
        )
    else:
        where = (
            "on schedule"
            if abs(sv) < 0.05
            else (f"late by {_n(-sv, lang)} working days" if sv < 0 else f"ahead by {_n(sv, lang)} working days")
        )
        lines.append(
            f"Work done {_n(status.percent_complete, lang)}% against {_n(planned_pct, lang)}% planned "
            f"(earned schedule: SV(t) = {_n(sv, lang)} working days, SPI(t) = {_n(status.spi, lang, 2)}): **{where}**."
        )
    if previous is not None:
        fmove = plan.calendar.working_days_after(previous.finish, status.finish)
        if vi:
            lines.append(
                f"So với tuần trước ({_d(previous.as_of, lang)}): ngày hoàn thành dự báo "
                + ("không đổi" if fmove == 0 else f"{'lùi' if fmove > 0 else 'sớm lên'} {abs(fmove)} ngày làm việc")
                + f"; khối lượng tăng {_n(status.percent_complete - previous.percent_complete, lang)} điểm %."
            )
        else:
            lines.append(
                f"Since last week ({_d(previous.as_of, lang)}): forecast finish "
                + ("unchanged" if fmove == 0 else f"moved {abs(fmove)} working days {'later' if fmove > 0 else 'earlier'}")
                + f"; work done +{_n(status.percent_complete - previous.percent_complete, lang)} percentage points."
            )
    names = {t.id: t.name for t in plan.tasks}
    cp = ", ".join(names[i] for i in status.critical_path) or "-"
    lines.append(("Đường găng còn lại: " if vi else "Remaining critical path: ") + cp + ".")
    return lines


def _md_table(table: pd.DataFrame) -> str:
    def cell(v) -> str:
        return str(v).replace("|", "\\|").replace("\n", " ")

    head = "| " + " | ".join(map(cell, table.columns)) + " |\n|" + "---|" * len(table.columns) + "\n"
    return head + "\n".join("| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False))


def weekly_markdown(
    plan: Plan,
    baseline: Schedule,
    status: Forecast,
    previous: Forecast | None = None,
    changes: pd.DataFrame | None = None,
    lang: str = "vi",
) -> str:
    """The weekly progress report as Markdown."""
    vi = lang == "vi"
    title = ("Báo cáo tiến độ tuần: " if vi else "Weekly progress report: ") + plan.title
    parts = [f"# {title}", "", ("Ngày báo cáo: " if vi else "Status date: ") + _d(status.as_of, lang), ""]
    parts += [f"- {line}" for line in _summary_lines(plan, baseline, status, previous, lang)]
    for key, head in (
        ("late", "Công việc chậm ảnh hưởng ngày hoàn thành" if vi else "Late tasks"),
        ("at_risk", "Công việc có nguy cơ chậm" if vi else "Tasks at risk"),
    ):
        rows = status.table[status.table["status"] == key]
        parts += ["", f"## {head}", ""]
        if rows.empty:
            parts.append("Không có." if vi else "None.")
        else:
            for r in rows.itertuples(index=False):
                parts.append(
                    f"- {r.name} ({r.owner}): "
                    + (
                        f"dự báo xong {_d(r.forecast_finish, lang)}, chậm {r.delay} ngày làm việc"
                        if vi
                        else f"forecast {_d(r.forecast_finish, lang)}, {r.delay} working days late"
                    )
                )
    parts += [
        "",
        "## " + ("Chi tiết từng công việc" if vi else "Tasks"),
        "",
        _md_table(_task_table(status, changes, lang)),
        "",
    ]
    return "\n".join(parts)


def weekly_html(
    plan: Plan,
    baseline: Schedule,
    status: Forecast,
    previous: Forecast | None = None,
    changes: pd.DataFrame | None = None,
    lang: str = "vi",
    gantt_svg: str | None = None,
) -> str:
    """The same report as a self-contained HTML page (the Gantt chart embedded as SVG)."""
    e = html.escape
    vi = lang == "vi"

    def bold(text: str) -> str:
        parts = e(text).split("**")
        return "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(parts))

    body = [
        f"<h1>{e(('Báo cáo tiến độ tuần: ' if vi else 'Weekly progress report: ') + plan.title)}</h1>",
        f"<p>{e(('Ngày báo cáo: ' if vi else 'Status date: ') + _d(status.as_of, lang))}</p>",
        "<ul>",
    ]
    body += [f"<li>{bold(line)}</li>" for line in _summary_lines(plan, baseline, status, previous, lang)]
    body.append("</ul>")
    if gantt_svg:
        body.append(f'<div class="gantt">{gantt_svg}</div>')
    body.append(_task_table(status, changes, lang).to_html(index=False, border=0, escape=True))
    style = (
        "body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em}table{border-collapse:collapse}"
        "th,td{border:1px solid #999;padding:3px 6px;font-size:90%}th{background:#DDEBF7}"
        ".gantt svg{max-width:100%;height:auto}"
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
    lang: str = "vi",
) -> bytes:
    """The weekly report as an Excel sheet (summary lines above the task table)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Tiến độ tuần" if lang == "vi" else "Weekly progress")
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet.write_string(0, 0, plan.title, bold)
    row = 1
    for line in _summary_lines(plan, baseline, status, previous, lang):
        sheet.write_string(row, 0, line.replace("**", ""))
        row += 1
    row += 1
    table = _task_table(status, changes, lang)
    for c, name in enumerate(table.columns):
        sheet.write_string(row, c, str(name), header)
        sheet.set_column(c, c, 40 if c == 1 else 16)
    for r, values in enumerate(table.itertuples(index=False), start=row + 1):
        for c, v in enumerate(values):
            if isinstance(v, int | float) and not isinstance(v, bool):
                sheet.write_number(r, c, v)
            else:
                sheet.write_string(r, c, str(v))
    sheet.freeze_panes(row + 1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def service_months(service_start: dt.date, years: range) -> pd.DataFrame:
    """Months of rented service in each year when the service starts on ``service_start``.

    Counts whole months from the month of ``service_start`` (the rental is
    billed from the first day of that month).

    Returns
    -------
    pandas.DataFrame
        Columns year, months_in_service (0-12), share_of_year (months / 12).
    """
    rows = []
    for y in years:
        if y < service_start.year:
            months = 0
        elif y == service_start.year:
            months = 12 - service_start.month + 1
        else:
            months = 12
        rows.append({"year": y, "months_in_service": months, "share_of_year": months / 12})
    return pd.DataFrame(rows, columns=["year", "months_in_service", "share_of_year"])

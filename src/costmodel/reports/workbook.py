"""Excel workbook of the four result tables (summary, ledger, budget, cumulative).

Formatting only: every number comes from :class:`costmodel.Evaluation`.
Amounts are rounded to whole đồng before writing so that totals shown add up;
text from scenario files is always written as text, never as a formula.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import xlsxwriter

from costmodel.evaluation import Evaluation
from costmodel.reports.labels import label

__all__ = ["AMOUNT_COLUMNS", "VND_FORMAT", "workbook_bytes"]

#: Excel number format for VND: whole đồng, grouped by the reader's locale.
VND_FORMAT = "#,##0"
AMOUNT_COLUMNS = {
    "pv_cost",
    "nominal_outlay",
    "residual_value",
    "eac",
    "unit_cost",
    "net_savings",
    "unit_price",
    "nominal",
    "real",
    "present_value",
    "cumulative_nominal",
    "cumulative_present_value",
}
_RATE_COLUMNS = {"airr"}
_TRANSLATED_VALUES = {"budget", "kind"}


def _round_vnd(x: float) -> float | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def workbook_bytes(result: Evaluation, lang: str = "vi") -> bytes:
    """Render the result tables as an .xlsx file.

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}
        Language of sheet names, headers and coded values.

    Returns
    -------
    bytes
        The workbook file's content.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
    vnd = book.add_format({"num_format": VND_FORMAT})
    factor = book.add_format({"num_format": "0.000000"})
    rate = book.add_format({"num_format": "0.00%"})
    number = book.add_format({"num_format": "#,##0.##"})
    sheets = [
        ("sheet_summary", result.summary.sort_values("rank", kind="stable")),
        ("sheet_budget", result.budget),
        ("sheet_ledger", result.ledger),
        ("sheet_cumulative", result.cumulative),
    ]
    for key, table in sheets:
        _write_table(
            book, label(key, lang), table, lang, header, {"vnd": vnd, "factor": factor, "rate": rate, "number": number}
        )
    book.close()
    return buffer.getvalue()


def _write_table(book, name: str, table: pd.DataFrame, lang: str, header, fmts) -> None:
    sheet = book.add_worksheet(name)
    columns = list(table.columns)
    for c, col in enumerate(columns):
        sheet.write_string(0, c, label(col, lang), header)
    for r, row in enumerate(table.itertuples(index=False), start=1):
        for c, (col, value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                continue
            if col in AMOUNT_COLUMNS:
                sheet.write_number(r, c, _round_vnd(float(value)), fmts["vnd"])
            elif col == "discount_factor":
                sheet.write_number(r, c, float(value), fmts["factor"])
            elif col in _RATE_COLUMNS:
                sheet.write_number(r, c, float(value), fmts["rate"])
            elif isinstance(value, str):
                text = label(value, lang) if col in _TRANSLATED_VALUES else value
                sheet.write_string(r, c, text)
            elif col in ("year", "rank", "simple_payback_year", "discounted_payback_year"):
                sheet.write_number(r, c, int(value))
            else:
                sheet.write_number(r, c, float(value), fmts["number"])
    sheet.freeze_panes(1, 0)
    if len(table):
        sheet.autofilter(0, 0, len(table), len(columns) - 1)
    for c, col in enumerate(columns):
        width = 18 if col in AMOUNT_COLUMNS else 12
        if col in ("name", "item", "source"):
            width = 36
        sheet.set_column(c, c, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)

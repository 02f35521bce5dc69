"""The Finance Department's workbook: live formulas a reviewer can recompute.

Sheets (Vietnamese names by default, ``lang="en"`` for English):

* **Tổng hợp** (summary, ranked): present value, outlay and residual are
  ``SUMIFS`` over the ledger; the equivalent annual cost is a formula on the
  discount rate and study period of the *Thông tin* sheet; net savings is a
  formula against the baseline's row.
* **Dự toán theo năm** (year-by-year estimate by option and budget source):
  ``SUMIFS`` over the ledger.
* **Sổ dòng tiền** (the ledger, one row per option x item x year x kind with
  the source of every line): ``present value = nominal x discount factor``.
* **Giả định** (every input used, with its register entry), **Rủi ro** and
  **Độ nhạy** (Monte Carlo and sensitivity tables, when given) and
  **Thông tin** (provenance and conventions).

Amounts are rounded to whole đồng before writing (what is actually paid), so
the totals shown add up; every formula is written with its cached value —
computed here with the same rounded inputs, so viewers that do not
recalculate show exactly what Excel or LibreOffice would. The workbook's
totals therefore differ from the unrounded engine by at most half a đồng per
ledger line. Text from scenario files is always written as text, never as a
formula (spreadsheet injection).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from costmodel import __version__
from costmodel.evaluation import Evaluation
from costmodel.ledger import LEDGER_COLUMNS
from costmodel.register import cited_ids
from costmodel.reports.labels import label

__all__ = ["VND_FORMAT", "Provenance", "round_vnd", "workbook_bytes"]

#: Excel number format for VND: whole đồng, grouped by the reader's locale.
VND_FORMAT = "#,##0"

_SHEETS = {
    "summary": {"vi": "Tổng hợp", "en": "Summary"},
    "budget": {"vi": "Dự toán theo năm", "en": "Budget by year"},
    "ledger": {"vi": "Sổ dòng tiền", "en": "Ledger"},
    "inputs": {"vi": "Giả định", "en": "Assumptions"},
    "risk": {"vi": "Rủi ro", "en": "Risk"},
    "sensitivity": {"vi": "Độ nhạy", "en": "Sensitivity"},
    "about": {"vi": "Thông tin", "en": "About"},
}
_T = {
    "title": {"vi": "Tiêu đề", "en": "Title"},
    "file": {"vi": "Tệp kịch bản", "en": "Scenario file"},
    "sha": {"vi": "SHA-256 của tệp", "en": "SHA-256 of the file"},
    "version": {"vi": "Phiên bản costmodel", "en": "costmodel version"},
    "date": {"vi": "Thời điểm lập (UTC)", "en": "Generated (UTC)"},
    "rate": {"vi": "Lãi suất chiết khấu danh nghĩa (/năm)", "en": "Nominal discount rate (per year)"},
    "years": {"vi": "Số năm phân tích n", "en": "Study period n (years)"},
    "base": {"vi": "Năm gốc", "en": "Base year"},
    "horizon": {"vi": "Thời kỳ", "en": "Horizon"},
    "currency": {"vi": "Đơn vị tiền", "en": "Currency"},
    "draws": {"vi": "Số lần mô phỏng", "en": "Monte Carlo draws"},
    "seed": {"vi": "Seed", "en": "Seed"},
    "convention": {"vi": "Quy ước chiết khấu", "en": "Discounting convention"},
    "rounding": {"vi": "Làm tròn", "en": "Rounding"},
    "convention_text": {
        "vi": "Giá trị hiện tại tính tại đầu năm {base}; dòng tiền của năm y phát sinh ở thời điểm t = (y − {base}) "
        "+ 0 (đầu năm), 0,5 (giữa năm) hoặc 1 (cuối năm); hệ số chiết khấu = (1 + r)^(−t); giá trị còn lại ghi "
        "nhận cuối năm {end}. Giá đã gồm VAT (cơ quan nhà nước không được khấu trừ).",
        "en": "Present values at the start of {base}; a cash flow of year y falls at t = (y − {base}) + 0 (start), "
        "0.5 (mid) or 1 (end); discount factor = (1 + r)^(−t); residual values are credited at the end of {end}. "
        "Amounts include VAT (a state agency cannot reclaim it).",
    },
    "rounding_text": {
        "vi": "Số tiền danh nghĩa làm tròn đến đồng trước khi ghi; tổng có thể lệch tối đa 0,5 đồng mỗi dòng so "
        "với tệp CSV (không làm tròn).",
        "en": "Nominal amounts are rounded to the đồng before writing; totals may differ from the CSV files "
        "(unrounded) by at most 0.5 đồng per line.",
    },
    "formula_note": {
        "vi": "Các cột giá trị hiện tại, tổng chi và giá trị còn lại là công thức SUMIFS trên Sổ dòng tiền; "
        "SIR, AIRR, năm hoàn vốn và chi phí quy dẫn là giá trị do mô hình tính.",
        "en": "Present value, outlay and residual columns are SUMIFS formulas over the Ledger; SIR, AIRR, payback "
        "years and unit cost are values computed by the model.",
    },
    # inputs sheet
    "what": {"vi": "Loại", "en": "What"},
    "key": {"vi": "Khóa", "en": "Key"},
    "value": {"vi": "Giá trị (trung tâm)", "en": "Value (central)"},
    "distribution": {"vi": "Phân phối / công thức", "en": "Distribution / expression"},
    "per": {"vi": "Tính theo", "en": "Per"},
    "escalation": {"vi": "Trượt giá /năm", "en": "Escalation /year"},
    "vat": {"vi": "VAT", "en": "VAT"},
    "register": {"vi": "Mã giả định", "en": "Register ids"},
    "reg_value": {"vi": "Giá trị trong danh mục", "en": "Register value"},
    "reg_unit": {"vi": "Đơn vị", "en": "Unit"},
    "reg_type": {"vi": "Loại nguồn", "en": "Type"},
    "reg_conf": {"vi": "Độ tin cậy", "en": "Confidence"},
    "reg_source": {"vi": "Nguồn công bố", "en": "Published source"},
    "scenario": {"vi": "Kịch bản", "en": "Scenario"},
    "driver": {"vi": "Nhu cầu", "en": "Driver"},
    "parameter": {"vi": "Tham số", "en": "Parameter"},
    "item": {"vi": "Khoản mục", "en": "Item"},
    "sim_title": {"vi": "Mô phỏng Monte Carlo: giá trị hiện tại chi phí", "en": "Monte Carlo: present value of cost"},
    "sim_budget": {"vi": "Nhu cầu chi theo năm (phân vị)", "en": "Yearly spending (percentiles)"},
    "tornado": {"vi": "Phân tích một chiều (biểu đồ lốc xoáy)", "en": "One-way sensitivity (tornado)"},
    "switching": {"vi": "Giá trị chuyển đổi phương án", "en": "Switching values"},
    "sobol": {"vi": "Chỉ số Sobol", "en": "Sobol indices"},
}


def _t(key: str, lang: str) -> str:
    return _T[key][lang]


def round_vnd(x: float) -> float:
    """Round half away from zero to the whole đồng. [VND]"""
    return float(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


@dataclass(frozen=True)
class Provenance:
    """Where a workbook comes from (shown on the *Thông tin* sheet)."""

    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
    draws: int | None = None
    seed: int | None = None


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook):
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDEBF7", "border": 1})
        self.vnd = book.add_format({"num_format": VND_FORMAT})
        self.factor = book.add_format({"num_format": "0.000000"})
        self.rate = book.add_format({"num_format": "0.00%"})
        self.rate4 = book.add_format({"num_format": "0.0000%"})
        self.number = book.add_format({"num_format": "#,##0.##"})
        self.ratio = book.add_format({"num_format": "0.00"})
        self.bold = book.add_format({"bold": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})


def _setup(sheet, n_rows: int, n_cols: int, widths: list[int], header_row: int = 0) -> None:
    sheet.freeze_panes(header_row + 1, 0)
    if n_rows and n_cols:
        sheet.autofilter(header_row, 0, header_row + n_rows, n_cols - 1)
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_row)


def _headers(sheet, row: int, names: list[str], fmt) -> None:
    for c, name in enumerate(names):
        sheet.write_string(row, c, name, fmt)


def _cell(sheet, row: int, col: int, value, fmt=None) -> None:
    """Write a value by type: strings always as text."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value, fmt)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    else:
        sheet.write_number(row, col, float(value), fmt)


def _quote(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def workbook_bytes(
    result: Evaluation,
    lang: str = "vi",
    register: pd.DataFrame | None = None,
    simulation: Mapping[str, pd.DataFrame] | None = None,
    sensitivity: Mapping[str, pd.DataFrame] | None = None,
    provenance: Provenance | None = None,
) -> bytes:
    """Render the workbook (see the module docstring).

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}
    register : pandas.DataFrame, optional
        The assumptions register, to show each input's register entry.
    simulation : mapping, optional
        ``{"summary": ..., "budget": ...}`` from a Monte Carlo run.
    sensitivity : mapping, optional
        ``{"tornado": ..., "switching": ..., "sobol": ...}``.
    provenance : Provenance, optional

    Returns
    -------
    bytes
        The .xlsx file's content.
    """
    provenance = provenance or Provenance()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    fmt = _Formats(book)
    names = {k: v[lang] for k, v in _SHEETS.items()}
    sheets = {k: book.add_worksheet(names[k]) for k in ("summary", "budget", "ledger", "inputs")}
    if simulation:
        sheets["risk"] = book.add_worksheet(names["risk"])
    if sensitivity:
        sheets["sensitivity"] = book.add_worksheet(names["sensitivity"])
    sheets["about"] = book.add_worksheet(names["about"])

    rate_cell, n_cell = _write_about(sheets["about"], result, lang, provenance, fmt)
    about = _quote(names["about"])
    ledger_info = _write_ledger(sheets["ledger"], result, lang, fmt)
    _write_summary(
        sheets["summary"],
        result,
        lang,
        fmt,
        _quote(names["ledger"]),
        ledger_info,
        f"{about}!{rate_cell}",
        f"{about}!{n_cell}",
    )
    _write_budget(sheets["budget"], result, lang, fmt, _quote(names["ledger"]), ledger_info)
    _write_inputs(sheets["inputs"], result, lang, fmt, register)
    if simulation:
        _write_tables(
            sheets["risk"],
            [(_t("sim_title", lang), simulation.get("summary")), (_t("sim_budget", lang), simulation.get("budget"))],
            fmt,
        )
    if sensitivity:
        _write_tables(
            sheets["sensitivity"],
            [
                (_t("switching", lang), sensitivity.get("switching")),
                (_t("tornado", lang), sensitivity.get("tornado")),
                (_t("sobol", lang), sensitivity.get("sobol")),
            ],
            fmt,
        )
    book.close()
    return buffer.getvalue()


@dataclass
class _LedgerInfo:
    rows: int
    columns: dict[str, str]  # column name -> absolute range, e.g. $A$2:$A$120
    nominal: list[float]  # rounded nominal per row
    pv: list[float]  # cached present value per row
    option: list[str]
    year: list[int]
    budget: list[str]
    kind: list[str]


def _write_ledger(sheet, result: Evaluation, lang: str, fmt: _Formats) -> _LedgerInfo:
    led = result.ledger
    _headers(sheet, 0, [label(c, lang) for c in LEDGER_COLUMNS], fmt.header)
    col = {c: i for i, c in enumerate(LEDGER_COLUMNS)}
    info = _LedgerInfo(len(led), {}, [], [], [], [], [], [])
    for r, row in enumerate(led.itertuples(index=False), start=1):
        nominal = round_vnd(row.nominal)
        pv = nominal * row.discount_factor
        budget, kind = label(row.budget, lang), label(row.kind, lang)
        sheet.write_string(r, col["option"], row.option)
        sheet.write_string(r, col["item"], row.item)
        sheet.write_string(r, col["category"], row.category)
        sheet.write_string(r, col["budget"], budget)
        sheet.write_string(r, col["kind"], kind)
        sheet.write_number(r, col["year"], int(row.year))
        sheet.write_number(r, col["quantity"], float(row.quantity), fmt.number)
        sheet.write_number(r, col["unit_price"], round_vnd(row.unit_price), fmt.vnd)
        sheet.write_number(r, col["nominal"], nominal, fmt.vnd)
        sheet.write_number(r, col["real"], round_vnd(row.real), fmt.vnd)
        sheet.write_number(r, col["discount_factor"], float(row.discount_factor), fmt.factor)
        formula = f"={xl_rowcol_to_cell(r, col['nominal'])}*{xl_rowcol_to_cell(r, col['discount_factor'])}"
        sheet.write_formula(r, col["present_value"], formula, fmt.vnd, pv)
        sheet.write_string(r, col["source"], row.source)
        info.nominal.append(nominal)
        info.pv.append(pv)
        info.option.append(row.option)
        info.year.append(int(row.year))
        info.budget.append(budget)
        info.kind.append(kind)
    last = max(len(led), 1)
    for name, c in col.items():
        info.columns[name] = f"{xl_rowcol_to_cell(1, c, True, True)}:{xl_rowcol_to_cell(last, c, True, True)}"
    _setup(sheet, len(led), len(LEDGER_COLUMNS), [10, 36, 14, 18, 14, 7, 10, 16, 18, 18, 11, 18, 48])
    return info


def _write_summary(
    sheet, result: Evaluation, lang: str, fmt: _Formats, ledger: str, info: _LedgerInfo, rate_ref: str, n_ref: str
) -> None:
    cols = [
        "rank",
        "option",
        "name",
        "pv_cost",
        "nominal_outlay",
        "residual_value",
        "eac",
        "unit_cost",
        "net_savings",
        "sir",
        "airr",
        "simple_payback_year",
        "discounted_payback_year",
    ]
    _headers(sheet, 0, [label(c, lang) for c in cols], fmt.header)
    c = {name: i for i, name in enumerate(cols)}
    residual = label("residual", lang).replace('"', '""')
    summary = result.summary.sort_values("rank", kind="stable").reset_index(drop=True)
    rows = {opt: r + 1 for r, opt in enumerate(summary["option"])}
    pv_cached = {}
    for opt in summary["option"]:
        pv_cached[opt] = sum(p for p, o in zip(info.pv, info.option, strict=True) if o == opt)
    r_val, n_val = result.scenario.discount_rate, result.scenario.n_years
    for r, row in enumerate(summary.itertuples(index=False), start=1):
        opt_cell = xl_rowcol_to_cell(r, c["option"])
        sheet.write_number(r, c["rank"], int(row.rank))
        sheet.write_string(r, c["option"], row.option)
        sheet.write_string(r, c["name"], row.name)
        pv = pv_cached[row.option]
        sheet.write_formula(
            r,
            c["pv_cost"],
            f"=SUMIFS({ledger}!{info.columns['present_value']},{ledger}!{info.columns['option']},{opt_cell})",
            fmt.vnd,
            pv,
        )
        outlay = sum(
            v
            for v, o, k in zip(info.nominal, info.option, info.kind, strict=True)
            if o == row.option and k != label("residual", lang)
        )
        sheet.write_formula(
            r,
            c["nominal_outlay"],
            f"=SUMIFS({ledger}!{info.columns['nominal']},{ledger}!{info.columns['option']},{opt_cell},"
            f'{ledger}!{info.columns["kind"]},"<>{residual}")',
            fmt.vnd,
            outlay,
        )
        res = (
            -sum(
                v
                for v, o, k in zip(info.nominal, info.option, info.kind, strict=True)
                if o == row.option and k == label("residual", lang)
            )
            + 0.0
        )
        sheet.write_formula(
            r,
            c["residual_value"],
            f"=-SUMIFS({ledger}!{info.columns['nominal']},{ledger}!{info.columns['option']},{opt_cell},"
            f'{ledger}!{info.columns["kind"]},"{residual}")',
            fmt.vnd,
            res,
        )
        pv_cell = xl_rowcol_to_cell(r, c["pv_cost"])
        eac = pv / n_val if r_val == 0 else pv * r_val / (1 - (1 + r_val) ** -n_val)
        sheet.write_formula(
            r,
            c["eac"],
            f"=IF({rate_ref}=0,{pv_cell}/{n_ref},{pv_cell}*{rate_ref}/(1-(1+{rate_ref})^(-{n_ref})))",
            fmt.vnd,
            eac,
        )
        _cell(sheet, r, c["unit_cost"], None if pd.isna(row.unit_cost) else round_vnd(row.unit_cost), fmt.vnd)
        if row.option != result.scenario.baseline:
            base_cell = xl_rowcol_to_cell(rows[result.scenario.baseline], c["pv_cost"])
            sheet.write_formula(r, c["net_savings"], f"={base_cell}-{pv_cell}", fmt.vnd, pv_cached[result.scenario.baseline] - pv)
        _cell(sheet, r, c["sir"], row.sir, fmt.ratio)
        _cell(sheet, r, c["airr"], row.airr, fmt.rate)
        for key in ("simple_payback_year", "discounted_payback_year"):
            value = getattr(row, key)
            if not pd.isna(value):
                sheet.write_number(r, c[key], int(value))
    note_row = len(summary) + 2
    sheet.write_string(note_row, 0, _t("formula_note", lang))
    _setup(sheet, len(summary), len(cols), [8, 10, 40, 20, 20, 18, 18, 16, 20, 8, 9, 12, 12])


def _write_budget(sheet, result: Evaluation, lang: str, fmt: _Formats, ledger: str, info: _LedgerInfo) -> None:
    cols = ["option", "year", "budget", "nominal"]
    _headers(sheet, 0, [label(c, lang) for c in cols], fmt.header)
    residual = label("residual", lang).replace('"', '""')
    for r, row in enumerate(result.budget.itertuples(index=False), start=1):
        budget = label(row.budget, lang)
        sheet.write_string(r, 0, row.option)
        sheet.write_number(r, 1, int(row.year))
        sheet.write_string(r, 2, budget)
        cached = sum(
            v
            for v, o, y, b, k in zip(info.nominal, info.option, info.year, info.budget, info.kind, strict=True)
            if o == row.option and y == row.year and b == budget and k != label("residual", lang)
        )
        a, y, b = (xl_rowcol_to_cell(r, i) for i in range(3))
        formula = (
            f"=SUMIFS({ledger}!{info.columns['nominal']},{ledger}!{info.columns['option']},{a},"
            f"{ledger}!{info.columns['year']},{y},{ledger}!{info.columns['budget']},{b},"
            f'{ledger}!{info.columns["kind"]},"<>{residual}")'
        )
        sheet.write_formula(r, 3, formula, fmt.vnd, cached)
    _setup(sheet, len(result.budget), len(cols), [12, 8, 26, 22])


def _register_lookup(register: pd.DataFrame | None) -> dict[str, dict]:
    if register is None:
        return {}
    return {r["id"]: r for r in register.to_dict("records")}


def _write_inputs(sheet, result: Evaluation, lang: str, fmt: _Formats, register: pd.DataFrame | None) -> None:
    s = result.scenario
    reg = _register_lookup(register)
    cols = [
        "what",
        "key",
        "value",
        "distribution",
        "per",
        "escalation",
        "vat",
        "source",
        "register",
        "reg_value",
        "reg_unit",
        "reg_type",
        "reg_conf",
        "reg_source",
    ]
    _headers(sheet, 0, [_t(c, lang) if c in _T else label(c, lang) for c in cols], fmt.header)
    rows: list[list] = []

    def reg_cells(source: str) -> list:
        ids = cited_ids(source)
        entry = reg.get(ids[0]) if ids else None
        if entry is None:
            return [", ".join(ids), None, None, None, None, None]
        return [", ".join(ids), entry["value"], entry["unit"], entry["type"], entry["confidence"], entry["source"]]

    def describe(inp) -> str:
        if inp is None:
            return ""
        if inp.kind == "expr":
            return inp.expr.text
        d = inp.dist
        return f"{d.kind}(" + ", ".join(f"{k}={v:g}" for k, v in d.params.items()) + ")"

    rate_key = "real_discount_rate" if s.real_discount_rate is not None else "discount_rate"
    rate_value = s.real_discount_rate if s.real_discount_rate is not None else s.discount_rate
    for key, value in (
        (rate_key, rate_value),
        ("inflation", s.inflation),
        ("vat", s.vat),
        ("base_year", s.base_year),
        ("timing", s.timing),
    ):
        rows.append(
            [
                _t("scenario", lang),
                f"scenario.{key}",
                value,
                describe(s.inputs.get(("scenario", key))),
                None,
                None,
                None,
                "",
                "",
                None,
                None,
                None,
                None,
                None,
            ]
        )
    for name, p in s.parameters.items():
        central = p.central if hasattr(p, "central") else p
        source = getattr(p, "source", "")
        rows.append(
            [
                _t("parameter", lang),
                name,
                central,
                describe(p if hasattr(p, "kind") else None),
                None,
                None,
                None,
                source,
                *reg_cells(source),
            ]
        )
    for did, drv in s.drivers.items():
        values = ", ".join(f"{v:g}" for v in drv.values)
        rows.append(
            [
                _t("driver", lang),
                f"drivers.{did} [{drv.unit}]",
                values,
                "",
                None,
                None,
                None,
                drv.source,
                *reg_cells(drv.source),
            ]
        )
    for opt in s.options:
        for item in opt.items:
            inp = s.inputs.get(("item", opt.id, item.position, "price"))
            rows.append(
                [
                    _t("item", lang),
                    f"{opt.id}.{item.label}",
                    item.price,
                    describe(inp),
                    item.per,
                    item.escalation,
                    item.vat,
                    item.source,
                    *reg_cells(item.source),
                ]
            )
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            f = None
            if cols[c] == "value" and isinstance(value, float) and abs(value) >= 1000:
                f = fmt.vnd
            elif cols[c] in ("escalation", "vat"):
                f = fmt.rate
            _cell(sheet, r, c, value, f)
    _setup(sheet, len(rows), len(cols), [12, 40, 16, 26, 8, 10, 7, 48, 20, 22, 14, 12, 11, 40])


def _write_tables(sheet, tables: list[tuple[str, pd.DataFrame | None]], fmt: _Formats) -> None:
    r = 0
    first_header = None
    for title, table in tables:
        if table is None or table.empty:
            continue
        sheet.write_string(r, 0, title, fmt.bold)
        r += 1
        if first_header is None:
            first_header = r
        _headers(sheet, r, [str(c) for c in table.columns], fmt.header)
        for row in table.itertuples(index=False):
            r += 1
            for c, value in enumerate(row):
                column = str(table.columns[c])
                is_money = isinstance(value, float) and abs(value) >= 1000 and not column.startswith(("prob", "S1", "ST"))
                _cell(sheet, r, c, round_vnd(value) if is_money else value, fmt.vnd if is_money else None)
        r += 2
    for c in range(12):
        sheet.set_column(c, c, 18)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)


def _write_about(sheet, result: Evaluation, lang: str, provenance: Provenance, fmt: _Formats) -> tuple[str, str]:
    s = result.scenario
    rows = [
        ("title", s.title),
        ("file", s.source),
        ("sha", s.sha256 or "-"),
        ("version", __version__),
        ("date", provenance.generated.isoformat()),
        ("horizon", f"{s.start_year}-{s.end_year}"),
        ("base", s.base_year),
        ("rate", s.discount_rate),
        ("years", s.n_years),
        ("currency", s.currency),
        ("draws", provenance.draws if provenance.draws is not None else "-"),
        ("seed", provenance.seed if provenance.seed is not None else "-"),
        ("convention", _t("convention_text", lang).format(base=s.base_year, end=s.end_year)),
        ("rounding", _t("rounding_text", lang)),
    ]
    cells = {}
    for r, (key, value) in enumerate(rows):
        sheet.write_string(r, 0, _t(key, lang), fmt.bold)
        f = fmt.wrap if key in ("convention", "rounding") else None
        if key == "rate":
            sheet.write_number(r, 1, float(value), fmt.rate4)
        else:
            _cell(sheet, r, 1, value, f)
        cells[key] = xl_rowcol_to_cell(r, 1, True, True)
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 90)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    return cells["rate"], cells["years"]

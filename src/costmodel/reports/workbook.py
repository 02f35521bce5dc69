"""The Department of Finance's workbook: live formulas a reviewer can recompute, pages that print.

Sheets (names and every word from the reader vocabulary; Vietnamese by default):

* **Tổng hợp** — the options ranked: present value, outlay and residual value
  are ``SUMIFS`` over the ledger; the equivalent annual cost is a formula on
  the discount rate and study period of the *Thông tin* sheet (the series
  around r = 0 when |r| < 1E-6, as :func:`costmodel.finance.capital_recovery_factor`,
  so a vanishingly small rate never divides by zero); net savings is a formula
  against the baseline's row; a metric that does not exist for a row (the
  baseline's net savings, SIR and AIRR, a unit cost without units, a payback
  never reached) is a dash. Fits one page.
* **Dự toán** — the estimate in the appraiser's form (reader-standards §4):
  per option, cost items grouped by budget source and category; a column per
  year and a total; each amount in three lines (before VAT, VAT, after VAT);
  a contingency line per budget source where the scenario sets one; subtotals
  per source and a grand total. Amounts are ``SUMIFS`` over the ledger,
  subtotals add the lines above.
* **Sổ dòng tiền** — the ledger, one row per option x item x year x kind with
  the source of every line: ``VAT = after VAT - before VAT``, ``present value
  = after VAT x discount factor``.
* **Giả định** — every input in words, with its register entry.
* **Rủi ro**, **Độ nhạy** — Monte Carlo and sensitivity tables, when given.
* **Thông tin** — provenance and conventions.

Every sheet opens with a title block (scenario title, sheet title, "Đơn vị
tính: đồng", the preparation date and the price basis), repeats its header row
on every printed page, prints A4 landscape fitted to the page width with the
scenario title in the header and "Trang N/M" in the footer.

Formulas are keyed by option and item *numbers* (their place in the scenario),
never by names, so a name that looks like a formula or contains wildcards
cannot change a total; text from scenario files is always written as text.

Amounts are rounded to whole đồng before writing (what is actually paid), so
the totals shown add up; every formula is written with its cached value —
computed here from the same rounded amounts, so viewers that do not
recalculate show exactly what Excel or LibreOffice would. The workbook's
totals differ from the unrounded engine by at most half a đồng per ledger line.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from costmodel import __version__
from costmodel.evaluation import Evaluation
from costmodel.evidence import Evidence, evidence
from costmodel.finance import CRF_SERIES_BELOW, capital_recovery_factor
from costmodel.ledger import LEDGER_COLUMNS
from costmodel.metrics import round_vnd
from costmodel.register import cited_ids
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import column_header, column_unit
from costmodel.scenario import Input

__all__ = ["VIETNAM_TIME", "VND_FORMAT", "Provenance", "draft_banner", "round_vnd", "workbook_bytes"]

#: Excel number format for VND: whole đồng, grouped by the reader's locale.
VND_FORMAT = "#,##0"
#: Excel number formats by vocabulary unit.
_NUMBER_FORMATS = {  # per cents: voc.excel_percent, in the reader's language
    "price": "#,##0.####",  # a unit price with a fraction of a đồng (voc.unit_price)
    "timing": "0.0000",  # t, years from the start of the base year
    "ratio": "0.00",
    "factor": "0.000000",
    "year": "0",
    "count": "#,##0",
    "number": "#,##0.00",
}
_FIRST_DATA_ROW_GAP = 1  # blank rows between the title block and a table header


@dataclass(frozen=True)
class Provenance:
    """Where a workbook comes from (shown on the *Thông tin* sheet).

    Attributes
    ----------
    generated : datetime.datetime
        When the workbook was prepared (UTC).
    draws, seed : int or None
        Monte Carlo settings, when a simulation is included.
    edits : tuple of str
        Further changes to state in words; the scenario's own edits
        (:attr:`costmodel.Scenario.changes`) are always listed.
    """

    generated: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0))
    draws: int | None = None
    seed: int | None = None
    edits: tuple[str, ...] = ()


class _Book:
    """The workbook being written, its formats and its words."""

    def __init__(self, buffer: io.BytesIO, result: Evaluation, names: Names, provenance: Provenance):
        self.book = xlsxwriter.Workbook(
            buffer,
            {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
        )
        self.result = result
        self.names = names
        self.lang = names.lang
        self.provenance = provenance
        add = self.book.add_format
        base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
        self.base = base
        self.text = add(base)
        self.wrap = add({**base, "text_wrap": True})
        self.bold = add({**base, "bold": True})
        self.title = add({**base, "bold": True, "font_size": 14})
        self.subtitle = add({**base, "bold": True, "font_size": 12})
        self.italic = add({**base, "italic": True})
        self.header = add(
            {**base, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "bg_color": "#DDEBF7", "border": 1}
        )
        self.red = add({**base, "bold": True, "font_color": "#B00000"})
        self.banner = ""
        self._formats: dict[tuple, object] = {}
        #: Wrapped text written per sheet and row, to size row heights (xlsx stores no automatic heights).
        self.texts: dict[str, dict[int, list[tuple[int, str, bool]]]] = {}

    def remember(self, sheet, row: int, col: int, text: str, header: bool = False) -> None:
        """Note a wrapped text cell so its row can be made tall enough."""
        self.texts.setdefault(sheet.name, {}).setdefault(row, []).append((col, text, header))

    def fmt(self, unit: str, bold: bool = False, border: bool = True):
        """The cell format for values of ``unit`` (cached)."""
        key = (unit, bold, border)
        if key not in self._formats:
            spec = dict(self.base)
            if unit in voc.MONEY_UNITS:
                spec["num_format"] = VND_FORMAT
            elif unit in ("%", "1/year"):
                spec["num_format"] = voc.excel_percent(1, self.lang)  # 8,0 % as the text writes it
            elif unit in _NUMBER_FORMATS:
                spec["num_format"] = _NUMBER_FORMATS[unit]
            elif unit == "dash":
                spec["align"] = "center"
            else:
                spec["text_wrap"] = True
            if bold:
                spec["bold"] = True
            if border:
                spec["border"] = 1
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    def t(self, key: str, **fields: object) -> str:
        return voc.text(key, self.lang, **fields) if fields else voc.term(key, self.lang)


#: Dates shown to readers are in Vietnam time (UTC+7).
VIETNAM_TIME = dt.timezone(dt.timedelta(hours=7))


def draft_banner(found: Evidence, lang: str | None = None) -> str:
    """The draft banner for a scenario's evidence: placeholders first, then assumptions; empty when firm."""
    if found.placeholders:
        ids = ", ".join(found.placeholders)
        return voc.text("wb.draft_placeholders", lang, count=len(found.placeholders), ids=ids)
    if found.assumptions:
        return voc.text("wb.draft_assumptions", lang, count=len(found.assumptions))
    return ""


def _header_footer_text(text: str) -> str:
    # '&' starts a control code in Excel headers; keep within the 255-character limit
    return text.replace("&", "&&")[:200]


def _title_block(b: _Book, sheet, title_key: str, unit_key: str = "wb.unit_line") -> int:
    """Write the title block of a sheet; return the row of the table header.

    Scenario title, sheet title, unit line, the as-of and preparation dates
    (Vietnam time) and price basis, and — while the scenario rests on
    placeholders or assumptions — the draft banner (reader-standards §7).
    """
    s = b.result.scenario
    sheet.write_string(0, 0, s.title, b.title)
    sheet.write_string(1, 0, b.t(title_key), b.subtitle)
    sheet.write_string(2, 0, b.t(unit_key), b.italic)
    generated = voc.date(b.provenance.generated.astimezone(VIETNAM_TIME).date(), b.lang)
    if s.as_of is not None:
        line = b.t("wb.dates_line_as_of", as_of=voc.date(s.as_of, b.lang), generated=generated, base_year=s.base_year)
    else:
        line = b.t("wb.dates_line", generated=generated, base_year=s.base_year)
    sheet.write_string(3, 0, line, b.italic)
    if b.banner:
        sheet.write_string(4, 0, b.banner, b.red)
        return 5 + _FIRST_DATA_ROW_GAP
    return 4 + _FIRST_DATA_ROW_GAP


#: Characters of Times New Roman 11 pt per unit of Excel column width (measured on LibreOffice PDFs).
_CHARS_PER_WIDTH = 1.15
_LINE_HEIGHT = 15.0


def _lines(text: str, width: float) -> int:
    per_line = max(1.0, width * _CHARS_PER_WIDTH)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _print_setup(
    b: _Book,
    sheet,
    header_row: int | None,
    widths: list[float],
    one_page: bool = False,
    pages_wide: int = 1,
    repeat_columns: int = 0,
) -> None:
    """Column widths, row heights for wrapped text, and the print layout of a sheet.

    A4 landscape; ``pages_wide`` pages across (the first ``repeat_columns``
    columns repeated on each); the header row repeated on every page (none
    when ``header_row`` is None: sheets with several tables); the scenario
    title in the page header and "Trang N/M" in the footer.
    """
    for c, w in enumerate(widths):
        sheet.set_column(c, c, w)
    for row, cells in b.texts.get(sheet.name, {}).items():
        lines = max(_lines(text, widths[c] if c < len(widths) else 8.43) for c, text, _ in cells)
        header = any(h for _, _, h in cells)
        if lines > 1 or header:
            sheet.set_row(row, _LINE_HEIGHT * max(lines, 2 if header else 1) + 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.7)
    sheet.fit_to_pages(pages_wide, 1 if one_page else 0)
    if header_row is not None:
        sheet.repeat_rows(header_row)
    if repeat_columns:
        sheet.repeat_columns(0, repeat_columns - 1)
    sheet.set_header(f'&L&"Times New Roman"&9{_header_footer_text(b.result.scenario.title)}')
    sheet.set_footer(f'&C&"Times New Roman"&9{b.t("wb.footer_page")}')  # the vocabulary writes the &P/&N page codes
    if header_row is not None:
        sheet.freeze_panes(header_row + 1, 0)


def _headers(b: _Book, sheet, row: int, names: list[str]) -> None:
    for c, name in enumerate(names):
        sheet.write_string(row, c, name, b.header)
        b.remember(sheet, row, c, name, header=True)


def _write(b: _Book, sheet, row: int, col: int, value, unit: str = "text", bold: bool = False) -> None:
    """Write a value by its unit: numbers as numbers with the unit's format, text as text, missing as a dash."""
    f = b.fmt(unit, bold)
    if isinstance(value, str):
        sheet.write_string(row, col, value, f)
        b.remember(sheet, row, col, value)
    elif value is None or value is pd.NA or (isinstance(value, float) and not math.isfinite(value)):
        sheet.write_string(row, col, voc.DASH, b.fmt("dash", bold))
    elif unit in voc.MONEY_UNITS:
        sheet.write_number(row, col, round_vnd(float(value)), f)
    else:
        sheet.write_number(row, col, float(value), f)


def _quote(sheet_name: str) -> str:
    return "'" + sheet_name.replace("'", "''") + "'"


def workbook_bytes(
    result: Evaluation,
    lang: str | None = None,
    register: pd.DataFrame | None = None,
    simulation: Mapping[str, pd.DataFrame] | None = None,
    sensitivity: Mapping[str, pd.DataFrame] | None = None,
    provenance: Provenance | None = None,
    plan=None,
) -> bytes:
    """Render the workbook (see the module docstring).

    Parameters
    ----------
    result : Evaluation
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.
    register : pandas.DataFrame, optional
        The assumptions register, to show each input's register entry.
    simulation : mapping, optional
        ``{"summary": ..., "budget": ...}`` from a Monte Carlo run.
    sensitivity : mapping, optional
        ``{"tornado": ..., "switching": ..., "sobol": ...}``.
    provenance : Provenance, optional
    plan : OptimisationResult, optional
        The cheapest own/rent plan (:func:`costmodel.decision.optimise.optimise`), shown on
        its own sheet after the estimate.

    Returns
    -------
    bytes
        The .xlsx file's content.
    """
    names = Names(result.scenario, lang)
    buffer = io.BytesIO()
    b = _Book(buffer, result, names, provenance or Provenance())
    b.banner = draft_banner(evidence(result.scenario, register), names.lang)
    keys = ("summary", "estimate", "plan", "ledger", "inputs", "risk", "sensitivity", "about")
    sheet_names = {k: b.t(f"sheet.{k}") for k in keys}
    order = ["summary", "estimate", *(["plan"] if plan is not None else []), "ledger", "inputs"]
    if simulation:
        order.append("risk")
    if sensitivity:
        order.append("sensitivity")
    order.append("about")
    sheets = {k: b.book.add_worksheet(sheet_names[k]) for k in order}

    rate_cell, n_cell = _write_about(b, sheets["about"])
    about = _quote(sheet_names["about"])
    ledger = _write_ledger(b, sheets["ledger"], f"{about}!{rate_cell}")
    ledger.sheet = _quote(sheet_names["ledger"])
    _write_summary(b, sheets["summary"], ledger, f"{about}!{rate_cell}", f"{about}!{n_cell}")
    _write_estimate(b, sheets["estimate"], ledger)
    _write_inputs(b, sheets["inputs"], register)
    if plan is not None:
        _write_plan(b, sheets["plan"], plan)
    if simulation:
        _write_risk(b, sheets["risk"], simulation)
    if sensitivity:
        _write_sensitivity(b, sheets["sensitivity"], sensitivity)
    sheets["summary"].activate()
    b.book.close()
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Ledger
# ---------------------------------------------------------------------------

#: Ledger sheet columns: the two keys of the formulas, then the ledger's own columns.
_LEDGER_SHEET = ["option_no", LEDGER_COLUMNS[0], "item_no", *LEDGER_COLUMNS[1:]]
_LEDGER_SHEET.insert(_LEDGER_SHEET.index("unit_price") + 1, "price_unit")


@dataclass
class _Ledger:
    """Where the ledger sheet's columns are, and its rounded amounts (for cached values)."""

    sheet: str = ""
    ranges: dict[str, str] = field(default_factory=dict)
    rows: list[dict] = field(default_factory=list)

    def ref(self, column: str) -> str:
        return f"{self.sheet}!{self.ranges[column]}"

    def total(self, column: str, **match) -> float:
        """Sum of a rounded column over the rows matching ``match`` (``kind`` may be a set)."""
        out = 0.0
        for r in self.rows:
            if all((r[k] in v) if isinstance(v, set | frozenset) else r[k] == v for k, v in match.items()):
                out += r[column]
        return out


def _write_ledger(b: _Book, sheet, rate_ref: str | None = None) -> _Ledger:
    """The ledger sheet; with ``rate_ref`` (the discount rate's cell), each discount factor is ``(1 + rate)^-t``.

    The factor is a formula only where it gives the engine's factor (to 1e-12):
    a scenario whose discount rate varies by draw or year keeps the values.
    """
    s = b.result.scenario
    led = b.result.ledger
    rate = float(s.discount_rate)
    head = _title_block(b, sheet, "wb.title_ledger", "wb.unit_line_mixed")
    headers = [
        b.t("wb.option_no"),
        column_header("option", b.lang),
        b.t("wb.item_no"),
        *(column_header(c, b.lang) for c in _LEDGER_SHEET[3:]),
    ]
    _headers(b, sheet, head, headers)
    col = {c: i for i, c in enumerate(_LEDGER_SHEET)}
    option_no = {o.id: k for k, o in enumerate(s.options, start=1)}
    item_no = {(o.id, it.name): it.position for o in s.options for it in o.items}
    per = {(o.id, it.name): it.per for o in s.options for it in o.items}
    out = _Ledger()
    for r, row in enumerate(led.itertuples(index=False), start=head + 1):
        nominal = round_vnd(row.nominal)
        before = round_vnd(row.before_vat)
        pv = round_vnd(nominal * row.discount_factor)
        record = {
            "option_no": option_no[row.option],
            "item_no": item_no[(row.option, row.item)],
            "budget": row.budget,
            "kind": row.kind,
            "year": int(row.year),
            "before_vat": before,
            "vat": nominal - before,
            "nominal": nominal,
            "present_value": pv,
        }
        out.rows.append(record)
        _write(b, sheet, r, col["option_no"], record["option_no"], "count")
        _write(b, sheet, r, col["option"], b.names.option_short(row.option))
        _write(b, sheet, r, col["item_no"], record["item_no"], "count")
        _write(b, sheet, r, col["item"], row.item)
        _write(b, sheet, r, col["category"], b.names.category(row.category))
        _write(b, sheet, r, col["budget"], b.names.budget(row.budget))
        _write(b, sheet, r, col["kind"], b.names.kind(row.kind))
        _write(b, sheet, r, col["year"], int(row.year), "year")
        _write(b, sheet, r, col["quantity"], float(row.quantity), "number")
        # a unit price with a fraction of a đồng (a USD price at the exchange rate) shows it, so that quantity x
        # price x periods reproduces the amount when the appraiser multiplies
        price = float(row.unit_price)
        if not math.isfinite(price) or abs(price - round(price)) < 5e-5:  # whole to four decimals (499.999.999,9999999)
            _write(b, sheet, r, col["unit_price"], float(round(price)) if math.isfinite(price) else price, "VND")
        else:  # shown to four decimals; never a whole number under #,##0.#### (Excel would print "15.964.416,")
            _write(b, sheet, r, col["unit_price"], price, "price")
        amount_row = row.kind in ("contingency", "residual")
        _write(
            b,
            sheet,
            r,
            col["price_unit"],
            b.t("price_unit.amount" if amount_row else f"price_unit.{per[(row.option, row.item)]}"),
        )
        _write(b, sheet, r, col["periods"], float(row.periods), "number")
        _write(b, sheet, r, col["before_vat"], before, "VND")
        vat = f"={xl_rowcol_to_cell(r, col['nominal'])}-{xl_rowcol_to_cell(r, col['before_vat'])}"
        sheet.write_formula(r, col["vat"], vat, b.fmt("VND"), nominal - before)
        _write(b, sheet, r, col["nominal"], nominal, "VND")
        _write(b, sheet, r, col["real"], row.real, "VND")
        _write(b, sheet, r, col["t"], float(row.t), "timing")
        factor = float(row.discount_factor)
        if rate_ref is not None and math.isclose((1.0 + rate) ** -float(row.t), factor, rel_tol=1e-12, abs_tol=0.0):
            # the appraiser can change the rate on the Thông tin sheet and see every present value follow
            t_cell = xl_rowcol_to_cell(r, col["t"])
            sheet.write_formula(r, col["discount_factor"], f"=(1+{rate_ref})^(-{t_cell})", b.fmt("factor"), factor)
        else:
            _write(b, sheet, r, col["discount_factor"], factor, "factor")
        formula = f"=ROUND({xl_rowcol_to_cell(r, col['nominal'])}*{xl_rowcol_to_cell(r, col['discount_factor'])},0)"
        sheet.write_formula(r, col["present_value"], formula, b.fmt("VND"), pv)
        _write(b, sheet, r, col["source"], ", ".join(cited_ids(row.source)) or row.source)  # full text: Giả định
    first, last = head + 1, head + max(len(led), 1)
    for name, c in col.items():
        out.ranges[name] = f"{xl_rowcol_to_cell(first, c, True, True)}:{xl_rowcol_to_cell(last, c, True, True)}"
    if len(led):
        sheet.autofilter(head, 0, last, len(_LEDGER_SHEET) - 1)
    widths = [6, 18, 6, 36, 16, 16, 12, 7, 10, 14, 13, 10, 16, 14, 16, 16, 10, 10, 16, 24]
    _print_setup(b, sheet, head, widths, pages_wide=2, repeat_columns=4)
    return out


# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------


def _write_summary(b: _Book, sheet, ledger: _Ledger, rate_ref: str, n_ref: str) -> None:
    s = b.result.scenario
    head = _title_block(b, sheet, "wb.title_summary")
    cols = [
        "rank",
        "option_no",
        "option",
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
    headers = {"option_no": b.t("wb.option_no")}
    if s.unit_driver is not None:
        headers["unit_cost"] = b.t("wb.unit_cost_header", unit=s.drivers[s.unit_driver].unit or b.names.driver(s.unit_driver))
    _headers(b, sheet, head, [headers.get(c) or column_header(c, b.lang) for c in cols])
    c = {name: i for i, name in enumerate(cols)}
    option_no = {o.id: k for k, o in enumerate(s.options, start=1)}
    summary = b.result.summary.sort_values("rank", kind="stable").reset_index(drop=True)
    rows = {opt: head + 1 + r for r, opt in enumerate(summary["option"])}
    residual = b.names.kind("residual").replace('"', '""')
    r_val, n_val = s.discount_rate, s.n_years
    pv_cached = {opt: ledger.total("present_value", option_no=option_no[opt]) for opt in summary["option"]}
    for row in summary.itertuples(index=False):
        r = rows[row.option]
        key_cell = xl_rowcol_to_cell(r, c["option_no"])
        _write(b, sheet, r, c["rank"], int(row.rank), "count")
        _write(b, sheet, r, c["option_no"], option_no[row.option], "count")
        _write(b, sheet, r, c["option"], b.names.option(row.option))
        by_option = f"{ledger.ref('option_no')},{key_cell}"
        pv = pv_cached[row.option]
        sheet.write_formula(r, c["pv_cost"], f"=SUMIFS({ledger.ref('present_value')},{by_option})", b.fmt("VND"), pv)
        outlay = ledger.total("nominal", option_no=option_no[row.option], kind={"cost", "replacement", "contingency"})
        sheet.write_formula(
            r,
            c["nominal_outlay"],
            f'=SUMIFS({ledger.ref("nominal")},{by_option},{ledger.ref("kind")},"<>{residual}")',
            b.fmt("VND"),
            outlay,
        )
        res = -ledger.total("nominal", option_no=option_no[row.option], kind="residual") + 0.0
        sheet.write_formula(
            r,
            c["residual_value"],
            f'=-SUMIFS({ledger.ref("nominal")},{by_option},{ledger.ref("kind")},"{residual}")',
            b.fmt("VND"),
            res,
        )
        pv_cell = xl_rowcol_to_cell(r, c["pv_cost"])
        eac = pv * float(capital_recovery_factor(r_val, n_val))
        # near r = 0 the closed form divides 0 by 0 (1 + r is 1 in floating point): the series, as the engine does
        small = f"{CRF_SERIES_BELOW:.0E}".replace("E-0", "E-")
        series = f"(1/{n_ref}+({n_ref}+1)*{rate_ref}/(2*{n_ref})+({n_ref}^2-1)*{rate_ref}^2/(12*{n_ref}))"
        sheet.write_formula(
            r,
            c["eac"],
            f"=IF(ABS({rate_ref})<{small},{pv_cell}*{series},{pv_cell}*{rate_ref}/(1-(1+{rate_ref})^(-{n_ref})))",
            b.fmt("VND"),
            eac if math.isfinite(eac) else "",
        )
        _write(b, sheet, r, c["unit_cost"], row.unit_cost, "VND")
        if row.option != s.baseline:
            base_cell = xl_rowcol_to_cell(rows[s.baseline], c["pv_cost"])
            sheet.write_formula(r, c["net_savings"], f"={base_cell}-{pv_cell}", b.fmt("VND"), pv_cached[s.baseline] - pv)
        else:
            _write(b, sheet, r, c["net_savings"], None, "VND")
        _write(b, sheet, r, c["sir"], row.sir, "ratio")
        _write(b, sheet, r, c["airr"], row.airr, "%")
        for key in ("simple_payback_year", "discounted_payback_year"):
            value = getattr(row, key)
            _write(b, sheet, r, c[key], None if pd.isna(value) else int(value), "year")
    note = head + len(summary) + 2
    sheet.write_string(note, 0, b.t("wb.baseline_note", name=b.names.option(s.baseline)), b.italic)
    sheet.merge_range(note + 1, 0, note + 3, len(cols) - 1, b.t("wb.formula_note"), b.wrap)
    _print_setup(b, sheet, head, [8, 6, 34, 17, 17, 15, 16, 14, 17, 7, 8, 10, 10], one_page=True)


# ---------------------------------------------------------------------------
# Estimate (dự toán) in the appraiser's form
# ---------------------------------------------------------------------------


def _write_estimate(b: _Book, sheet, ledger: _Ledger) -> None:
    from costmodel.reports.estimate import estimate_layout

    s = b.result.scenario
    years = [int(y) for y in s.years]
    head = _title_block(b, sheet, "wb.title_estimate")
    headers = [b.t("wb.stt"), b.t("wb.content"), b.t("wb.breakdown"), *map(str, years), column_header("total", b.lang)]
    ncols = len(headers)
    year_col = {y: 3 + j for j, y in enumerate(years)}
    total_col = 3 + len(years)
    _headers(b, sheet, head, headers)
    contingency_kind = b.names.kind("contingency").replace('"', '""')
    residual_kind = b.names.kind("residual").replace('"', '""')
    key = xl_col_to_name(2)
    layout = estimate_layout(b.result, b.names)
    first_row = head + 1
    for i, row in enumerate(layout):
        r = first_row + i
        bold = row.kind in ("subtotal", "total")
        if row.kind == "option":
            sheet.merge_range(r, 0, r, ncols - 1, row.title, b.subtitle)
            continue
        if row.part is None:  # section or category heading
            _write(b, sheet, r, 0, row.number, "text", True)
            sheet.merge_range(r, 1, r, ncols - 1, row.title, b.fmt("text", True))
            continue
        bold = bold or row.kind == "request"
        label = column_header(row.part, b.lang)
        _write(b, sheet, r, 0, row.number, "text", bold)
        _write(b, sheet, r, 1, row.title, "text", bold)
        _write(b, sheet, r, 2, label, "text", bold)
        for y in years:
            c = year_col[y]
            if row.kind == "line":
                if row.line == "item":
                    criteria = (
                        f"{ledger.ref('option_no')},{row.option_no},{ledger.ref('item_no')},{row.position},"
                        f'{ledger.ref("kind")},"<>{contingency_kind}",{ledger.ref("kind")},"<>{residual_kind}"'
                    )
                else:
                    criteria = (
                        f"{ledger.ref('option_no')},{row.option_no},"
                        f'{ledger.ref("budget")},"{b.names.budget(row.budget)}",{ledger.ref("kind")},"{contingency_kind}"'
                    )
                formula = f"=SUMIFS({ledger.ref(row.part)},{criteria},{ledger.ref('year')},{y})"
            elif row.kind == "request":  # the option's total after VAT less its existing staff's pay
                (total_at, staff_at), col = row.sums[0], xl_col_to_name(c)
                formula = f"={col}{first_row + total_at + 1}-{col}{first_row + staff_at + 1}"
            elif row.kind == "request_source":  # a source's subtotal after VAT less its own staff lines
                col = xl_col_to_name(c)
                (at, _), *staff_blocks = row.sums
                terms = [f"{col}{first_row + at + 1}"]
                for a, z in staff_blocks:
                    top, bottom = first_row + a + 1, first_row + z + 1
                    terms.append(f'SUMIF(${key}${top}:${key}${bottom},"{label}",{col}{top}:{col}{bottom})')
                formula = "=" + "-".join(terms)
            else:
                col = xl_col_to_name(c)
                terms = []
                for a, z in row.sums:
                    top, bottom = first_row + a + 1, first_row + z + 1
                    terms.append(f'SUMIF(${key}${top}:${key}${bottom},"{label}",{col}{top}:{col}{bottom})')
                formula = "=" + ("+".join(terms) if terms else "0")
            sheet.write_formula(r, c, formula, b.fmt("VND", bold), row.values[y])
        first, last = xl_rowcol_to_cell(r, year_col[years[0]]), xl_rowcol_to_cell(r, year_col[years[-1]])
        sheet.write_formula(r, total_col, f"=SUM({first}:{last})", b.fmt("VND", bold), row.total)
    note = first_row + len(layout) + 1
    text = b.t("wb.estimate_note")
    if any(it.category == "staff" for o in b.result.scenario.options for it in o.items):
        # the appraiser asks whether salaries of existing staff are new funding: they are not
        text += " " + b.t("wb.estimate_staff_note")
    sheet.merge_range(note, 0, note + 2, ncols - 1, text, b.wrap)
    _signature_block(b, sheet, note + 4, ncols)
    _print_setup(b, sheet, head, [8, 44, 16, *([16] * len(years)), 18])


def _signature_block(b: _Book, sheet, row: int, ncols: int) -> None:
    """Người lập biểu, người kiểm tra, thủ trưởng đơn vị: three signatures across the page."""
    centre = b.book.add_format({**b.base, "bold": True, "align": "center"})
    note = b.book.add_format({**b.base, "italic": True, "align": "center"})
    thirds = [(0, 1), (2, max(2, ncols // 2)), (max(3, ncols // 2 + 1), ncols - 1)]
    for (first, last), key, hint in zip(
        thirds,
        ("wb.sign_prepared", "wb.sign_checked", "wb.sign_head"),
        ("wb.sign_note", "wb.sign_note", "wb.sign_note_head"),
        strict=True,
    ):
        for r, text, fmt in ((row, b.t(key), centre), (row + 1, b.t(hint), note)):
            if last > first:
                sheet.merge_range(r, first, r, last, text, fmt)
            else:
                sheet.write_string(r, first, text, fmt)


# ---------------------------------------------------------------------------
# Assumptions
# ---------------------------------------------------------------------------


def _register_lookup(register: pd.DataFrame | None) -> dict[str, dict]:
    if register is None:
        return {}
    return {r["id"]: r for r in register.to_dict("records")}


def _register_value(b: _Book, entry: dict) -> str:
    """A register value for readers, cited by its id, in the reader's format (:func:`.vocabulary.register_value`)."""
    return voc.register_value(entry["id"], entry["value"], entry["unit"], b.lang)


def _option_names(b: _Book, text: str) -> str:
    """A register text with "option <id>" of this scenario written as the option's name (``phương án Mua sắm …``)."""
    for opt in b.result.scenario.options:
        text = re.sub(rf"\boptions? {re.escape(opt.id)}\b", b.t("wb.option_named", name=opt.display_name), text)
    return text


def _write_inputs(b: _Book, sheet, register: pd.DataFrame | None) -> None:
    s = b.result.scenario
    n = b.names
    reg = _register_lookup(register)
    head = _title_block(b, sheet, "wb.title_inputs", "wb.unit_line_mixed")
    cols = [
        "wb.what",
        "wb.input",
        "wb.value",
        "wb.value_unit",
        "wb.distribution",
        "wb.escalation",
        "wb.vat",
        "col.source",
        "wb.register_ids",
        "wb.register_value",
        "wb.register_type",
        "wb.register_confidence",
        "wb.register_source",
    ]
    _headers(b, sheet, head, [b.t(c) for c in cols])
    rows: list[tuple[list, list[str]]] = []

    def reg_cells(source: str) -> list:
        ids = cited_ids(source)
        entry = reg.get(ids[0]) if ids else None
        if entry is None:
            return [", ".join(ids), "", "", "", ""]
        kinds = [f"register.{entry['type']}", f"register.{entry['confidence']}"]
        return [
            ", ".join(ids),
            _register_value(b, entry),
            *(b.t(k) if voc.has(k) else entry[k.split(".")[0]] for k in kinds),
            voc.localise_numbers(_option_names(b, f"{entry['id']}: {entry['source']}"), b.lang),
        ]

    def describe(inp: Input | None, label: str) -> str:
        if inp is None or inp.kind == "const":
            return ""
        if inp.kind == "expr":
            return n.expression(inp.expr)
        return n.distribution(inp.dist, label)

    text_units = ["text", "text", "value", "text", "text", "%", "%", "text", "text", "text", "text", "text", "text"]
    rate_key = "real_discount_rate" if s.real_discount_rate is not None else "discount_rate"
    rate_value = s.real_discount_rate if s.real_discount_rate is not None else s.discount_rate
    general = [
        (rate_key, rate_value, "%"),
        ("inflation", s.inflation, "%"),
        ("vat", s.vat, "%"),
        ("base_year", s.base_year, "year"),
        ("timing", n.term(f"timing.{s.timing}"), "text"),
    ]
    for key, value, unit in general:
        label = f"scenario.{key}"
        inp = s.inputs.get(("scenario", key))
        rows.append(
            ([b.t("wb.kind_scenario"), n.term(f"field.{key}"), value, "", describe(inp, label), None, None, "", *[""] * 5], unit)
        )
    for name, p in s.parameters.items():
        central = p.central if isinstance(p, Input) else float(p)
        source = p.source if isinstance(p, Input) else ""
        unit_text = p.unit if isinstance(p, Input) else ""
        rows.append(
            (
                [
                    b.t("wb.kind_parameter"),
                    n.parameter(name),
                    n.input_value(name, central),
                    unit_text,
                    describe(p if isinstance(p, Input) else None, name),
                    None,
                    None,
                    source,  # the author's words, as written (their numbers are already the reader's)
                    *reg_cells(source),
                ],
                "text",
            )
        )
    for did, drv in s.drivers.items():
        values = "; ".join(f"{y}: {n.number(v)}" for y, v in zip(s.years, drv.values, strict=True))
        rows.append(
            (
                [b.t("wb.kind_driver"), n.driver(did), values, drv.unit, "", None, None, drv.source, *reg_cells(drv.source)],
                "text",
            )
        )
    for opt in s.options:
        for item in opt.items:
            label = f"options.{opt.id}.{item.label}.price"
            inp = s.inputs.get(("item", opt.id, item.position, "price"))
            rows.append(
                (
                    [
                        b.t("wb.kind_item"),
                        b.t("wb.item_of_option", item=item.name, option=opt.display_name),
                        item.price,
                        n.per(item.per),
                        describe(inp, label),
                        item.escalation,
                        item.vat,
                        item.source,
                        *reg_cells(item.source),
                    ],
                    "VND",
                )
            )
    if s.contingency is not None:
        c = s.contingency
        rows.append(
            (
                [
                    b.t("wb.kind_contingency"),
                    n.term("field.contingency"),
                    c.share,
                    "",
                    "",
                    None,
                    None,
                    c.source,
                    *reg_cells(c.source),
                ],
                "%",
            )
        )
    for r, (values, value_unit) in enumerate(rows, start=head + 1):
        for col, value in enumerate(values):
            unit = value_unit if text_units[col] == "value" else text_units[col]
            if unit == "%" and value is None:
                _write(b, sheet, r, col, "", "text")
            else:
                _write(b, sheet, r, col, value, unit if not isinstance(value, str) else "text")
    if rows:
        sheet.autofilter(head, 0, head + len(rows), len(cols) - 1)
    _print_setup(b, sheet, head, [11, 40, 16, 12, 34, 10, 9, 44, 20, 24, 13, 11, 44], pages_wide=2, repeat_columns=2)


# ---------------------------------------------------------------------------
# Risk and sensitivity tables
# ---------------------------------------------------------------------------


def _write_table(b: _Book, sheet, r: int, title: str, table: pd.DataFrame, columns: list[str], extra: dict | None = None) -> int:
    """A reader table with native numbers: values formatted by their column's unit."""
    sheet.write_string(r, 0, title, b.subtitle)
    r += 1
    extra = extra or {}
    _headers(b, sheet, r, [extra[c][0] if c in extra else column_header(c, b.lang) for c in columns])
    header = r
    for rec in table.to_dict("records"):
        r += 1
        for c, colname in enumerate(columns):
            if colname in extra:  # (header, value of a record[, unit])
                spec = extra[colname]
                _write(b, sheet, r, c, spec[1](rec), spec[2] if len(spec) > 2 else "text")
                continue
            unit = column_unit(colname)
            value = rec[colname]
            if unit == "option":
                _write(b, sheet, r, c, b.names.option(value) if value else voc.DASH)
            elif unit == "target":
                _write(b, sheet, r, c, b.names.target(value, rec.get("minuend", ""), rec.get("subtrahend", "")))
            elif unit == "input":
                _write(b, sheet, r, c, b.names.input(value))
            elif unit == "input_value":
                _write(b, sheet, r, c, value, b.names.input_unit(rec["input"]))
            elif unit in voc.NAME_UNITS:
                _write(b, sheet, r, c, b.names.term(f"{unit}.{value}"))
            else:
                _write(b, sheet, r, c, value, unit)
    return r + 3 if r > header else r + 2


def _write_risk(b: _Book, sheet, simulation: Mapping[str, pd.DataFrame]) -> None:
    head = _title_block(b, sheet, "wb.title_risk", "wb.unit_line_mixed")
    r = head
    draws = voc.number(b.provenance.draws, 0, b.lang) if b.provenance.draws else voc.DASH
    summary = simulation.get("summary")
    if summary is not None and len(summary):
        cols = ["option", "mean", "sd", "p10", "p50", "p90", "prob_cheapest", "deterministic", "confidence_level"]
        r = _write_table(b, sheet, r, b.t("wb.sim_title", draws=draws), summary, cols)
    budget = simulation.get("budget")
    if budget is not None and len(budget):
        cols = ["option", "year", "mean", "p50", "p80", "p90", "budget_cap", "prob_over_cap"]
        extra = None
        sources = set(budget["budget"]) if "budget" in budget.columns else {"total"}
        if sources != {"total"}:  # caps by budget source: one row per source, named in words
            cols.insert(2, "budget")
            extra = {"budget": (column_header("budget", b.lang), lambda rec: b.names.budget(rec["budget"]))}
        r = _write_table(b, sheet, r, b.t("wb.sim_budget"), budget, cols, extra)
    voi = simulation.get("voi")
    if voi is not None:  # what knowing each input before deciding is worth (Strong, Oakley & Brennan 2014)
        from costmodel.reports.voi_report import voi_text

        sheet.write_string(r, 0, b.t("voi.sheet_title"), b.subtitle)
        sheet.merge_range(r + 1, 0, r + 3, 8, voi_text(voi, b.lang), b.wrap)
        table = voi.evppi.sort_values("evppi", ascending=False, kind="stable")
        cols = ["input", "evppi", "evppi_se", "evppi_share_of_evpi", "r_squared"]
        r = _write_table(b, sheet, r + 5, b.t("voi.title"), table, cols)
    _print_setup(b, sheet, None, [34, 18, 18, 18, 18, 18, 14, 18, 14])


def _write_plan(b: _Book, sheet, plan) -> None:
    """The cheapest own/rent plan: in sentences, then per future the plan table, and the budget caps.

    Per year and capacity the need, units rented, own capacity used and
    installed, modules bought; the caps table only when the plan has caps.
    """
    from costmodel.reports.optimise_report import optimise_text, outside_note

    head = _title_block(b, sheet, "opt.title", "wb.unit_line_mixed")
    ncols = 8
    sheet.merge_range(head, 0, head + 3, ncols - 1, optimise_text(plan, b.lang), b.wrap)
    r = head + 5
    capacity = {c: b.names.driver(c) if c in b.result.scenario.drivers else c for c in set(plan.plan["capacity"])}
    columns = ["year", "capacity", "need", "rented", "owned", "outside", "installed", "modules_bought"]
    heads = {"capacity": "opt.col.capacity", "need": "opt.col.need", "rented": "opt.col.rented", "owned": "opt.col.owned"}
    heads |= {"outside": "opt.col.outside", "installed": "opt.col.installed", "modules_bought": "opt.col.modules"}
    extra = {"capacity": (b.t(heads.pop("capacity")), lambda rec: capacity[rec["capacity"]])}
    for c, key in heads.items():  # whole units as whole numbers; fractional needs with two decimals
        values = plan.plan[c].to_numpy(dtype=float)
        unit = "count" if np.all(np.mod(values, 1.0) == 0.0) else "number"
        extra[c] = (b.t(key), lambda rec, c=c: float(rec[c]), unit)
    for f in plan.futures:
        title = b.t("opt.title")
        if len(plan.futures) > 1:
            title = b.t("opt.future_heading", future=f.name, p=voc.percent(f.probability, b.lang, 0))
        rows = plan.plan[plan.plan["future"] == f.name]
        r = _write_table(b, sheet, r, title, rows, columns, extra)
        if note := outside_note(plan, b.lang, f.name):  # before the services start: who meets that need, at what cost
            sheet.merge_range(r - 2, 0, r - 1, ncols - 1, note, b.wrap)
            r += 1
    if plan.caps:
        cap_cols = ["year", "budget", "cap", "spent", "binding", "saving_per_million", "saving_without_cap"]
        cap_extra = {
            "budget": (b.t("opt.col.budget"), lambda rec: b.names.budget(rec["budget"])),
            "binding": (b.t("opt.col.binding"), lambda rec: b.t("opt.yes" if rec["binding"] else "opt.no")),
        }
        for c in ("cap", "spent", "saving_per_million", "saving_without_cap"):
            cap_extra[c] = (b.t(f"opt.col.{c}"), lambda rec, c=c: rec[c], "VND")
        if len(plan.futures) > 1:
            cap_cols.append("future")
            cap_extra["future"] = (b.t("opt.col.future"), lambda rec: str(rec["future"]))
        r = _write_table(b, sheet, r, b.t("opt.caps_title"), plan.binding, cap_cols, cap_extra)
    _print_setup(b, sheet, None, [10, 30, 14, 14, 18, 24, 22, 18])


def _tornado_as_summary(b: _Book, tornado: pd.DataFrame) -> pd.DataFrame:
    """The tornado table with each target's central present value as the Tổng hợp sheet shows it.

    The sensitivity runs the engine at full precision; the workbook's present
    values are sums of lines rounded to the đồng, so the two could differ by a
    đồng or two on the same sheet. The central value shown is the summary's (an
    option's, or the difference of two for a gap); the low and high values keep
    the same offset, so each swing is unchanged.
    """
    pv = b.result.summary.set_index("option")["pv_cost"]
    out = tornado.copy()
    for i, row in out.iterrows():
        target = row["target"]
        if target in pv.index:
            shown = float(pv[target])
        elif row.get("minuend") in pv.index and row.get("subtrahend") in pv.index:
            shown = float(pv[row["minuend"]] - pv[row["subtrahend"]])
        else:
            continue
        shift = shown - float(row["central_pv"])
        out.loc[i, ["central_pv", "pv_low", "pv_high"]] = [shown, float(row["pv_low"]) + shift, float(row["pv_high"]) + shift]
    return out


def _write_sensitivity(b: _Book, sheet, sensitivity: Mapping[str, pd.DataFrame]) -> None:
    from costmodel.reports.narrative import switching_verdict

    head = _title_block(b, sheet, "wb.title_sensitivity", "wb.unit_line_mixed")
    r = head
    switching = sensitivity.get("switching")
    if switching is not None and len(switching):
        cols = ["input", "central", "search_low", "search_high", "switching_value", "change", "new_cheapest", "verdict"]
        verdict = (b.t("wb.verdict"), lambda rec: switching_verdict(rec, b.names))
        r = _write_table(b, sheet, r, b.t("wb.switching"), switching, cols, {"verdict": verdict})
    tornado = sensitivity.get("tornado")
    if tornado is not None and len(tornado):
        cols = ["input", "low", "high", "target", "central_pv", "pv_low", "pv_high", "swing"]
        r = _write_table(b, sheet, r, b.t("wb.tornado"), _tornado_as_summary(b, tornado), cols)
    sobol = sensitivity.get("sobol")
    if sobol is not None and len(sobol):
        r = _write_table(b, sheet, r, b.t("wb.sobol"), sobol, ["target", "input", "S1", "S1_conf", "ST", "ST_conf"])
    _print_setup(b, sheet, None, [44, 16, 16, 16, 16, 14, 30, 60])


# ---------------------------------------------------------------------------
# About
# ---------------------------------------------------------------------------


def _write_about(b: _Book, sheet) -> tuple[str, str]:
    s = b.result.scenario
    p = b.provenance
    head = _title_block(b, sheet, "wb.title_about", "wb.unit_line_mixed")
    local = p.generated.astimezone(VIETNAM_TIME)
    generated = f"{voc.date(local.date(), b.lang)} {local:%H:%M} (UTC+7)"
    edits = [*b.names.changes(), *p.edits]
    rows = [
        ("wb.about_title", s.title, "text"),
        ("wb.about_file", s.source, "text"),
        ("wb.about_sha", s.sha256 or voc.DASH, "text"),
        ("wb.about_version", __version__, "text"),
        ("wb.about_generated", generated, "text"),
        ("wb.about_horizon", b.t("wb.years_range", start=s.start_year, end=s.end_year), "text"),
        ("wb.about_base", s.base_year, "year"),
        ("wb.about_rate", s.discount_rate, "rate"),
        ("wb.about_years", s.n_years, "count"),
        ("wb.about_currency", b.t("unit.vnd"), "text"),
        ("wb.about_draws", p.draws if p.draws is not None else voc.DASH, "count" if p.draws is not None else "text"),
        ("wb.about_seed", p.seed if p.seed is not None else voc.DASH, "year" if p.seed is not None else "text"),
        ("wb.about_edits", "\n".join(edits) if edits else b.t("wb.about_none"), "text"),
        ("wb.about_convention", b.t("wb.convention_text", base=s.base_year, end=s.end_year), "text"),
        ("wb.about_rounding", b.t("wb.rounding_text"), "text"),
    ]
    cells = {}
    rate4 = b.book.add_format({**b.base, "num_format": voc.excel_percent(2, b.lang), "align": "left"})
    for r, (key, value, unit) in enumerate(rows, start=head):
        sheet.write_string(r, 0, b.t(key), b.bold)
        if unit == "rate":
            sheet.write_number(r, 1, float(value), rate4)
        elif unit == "text":
            sheet.write_string(r, 1, str(value), b.wrap)
            b.remember(sheet, r, 1, str(value))  # a row as high as its text (the convention runs to several lines)
        elif unit == "count":  # a number of draws: grouped as the reader writes it
            sheet.write_number(r, 1, float(value), b.book.add_format({**b.base, "align": "left", "num_format": "#,##0"}))
        else:
            sheet.write_number(r, 1, float(value), b.book.add_format({**b.base, "align": "left"}))
        cells[key] = xl_rowcol_to_cell(r, 1, True, True)
    _print_setup(b, sheet, head - 1, [36, 100])
    return cells["wb.about_rate"], cells["wb.about_years"]

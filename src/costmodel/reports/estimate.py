"""The estimate (dự toán) in the form a Department of Finance appraiser reviews (reader-standards §4).

Per option: the cost items grouped by budget source (A. vốn đầu tư phát triển,
B. kinh phí chi thường xuyên) and, within a source, by category; a column per
year and a total; each amount in three lines (before VAT, VAT, after VAT); a
contingency line per source where the scenario sets one; a subtotal per
source and a grand total. :func:`estimate_layout` lays the rows out once; the
workbook writes them as formulas over its ledger sheet and
:func:`estimate_frame` as text for HTML pages and documents, so both show the
same lines with the same numbers (:func:`costmodel.metrics.estimate_table`,
amounts rounded per ledger line to the đồng).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from costmodel.evaluation import Evaluation
from costmodel.metrics import estimate_table
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.scenario import BUDGETS

__all__ = ["PARTS", "EstimateRow", "estimate_frame", "estimate_layout", "first_year_request"]

#: The three lines of every amount: before VAT, VAT, after VAT.
PARTS = ("before_vat", "vat", "nominal")
_LETTERS = "ABCDEFGH"


@dataclass
class EstimateRow:
    """One row of the estimate.

    Attributes
    ----------
    kind : {"option", "section", "category", "line", "subtotal", "total", "staff", "request", "request_source"}
        A heading (option, budget source, category), an amount line, or a sum;
        after an option's total, when it has staff lines: the pay of existing
        staff it includes (``staff``, summing the staff lines), the funding
        requested (``request``: the total after VAT less that pay) and, per
        budget source, its part (``request_source``: the source's subtotal
        after VAT less its staff lines).
    number, title : str
        The row's number ("A.1.2") and text (on the first of three lines).
    part : str or None
        For amounts and sums: ``before_vat``, ``vat`` or ``nominal``.
    values : dict of int to float
        Amount per year. [VND]
    option_no : int
        The option's number (its place in the scenario, from 1).
    budget : str
    line : {"item", "contingency", ""}
    position : int
        The item's place in its option (0 for a contingency line).
    sums : list of (int, int)
        For sums: ranges (first, last) of row indices whose lines of the same
        ``part`` are added; for ``request``: one pair (the total's row, the
        staff row), the first less the second; for ``request_source``: the
        subtotal's row as ``(i, i)``, then the staff lines to subtract.
    """

    kind: str
    number: str = ""
    title: str = ""
    part: str | None = None
    values: dict[int, float] = field(default_factory=dict)
    option_no: int = 0
    budget: str = ""
    line: str = ""
    position: int = 0
    sums: list[tuple[int, int]] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Sum over the years. [VND]"""
        return float(sum(self.values.values()))


def estimate_layout(result: Evaluation, names: Names) -> list[EstimateRow]:
    """The rows of the estimate of every option, in order."""
    s = result.scenario
    years = [int(y) for y in s.years]
    table = estimate_table(result.ledger, s)
    rows: list[EstimateRow] = []

    def amounts(base: EstimateRow, sel: pd.DataFrame) -> None:
        by_year = sel.groupby("year")[list(PARTS)].sum()
        for k, part in enumerate(PARTS):
            column = by_year[part]
            values = {y: float(column.get(y, 0.0)) for y in years}
            rows.append(
                EstimateRow(
                    "line",
                    base.number if k == 0 else "",
                    base.title if k == 0 else "",
                    part,
                    values,
                    base.option_no,
                    base.budget,
                    base.line,
                    base.position,
                )
            )

    def sums(kind: str, title: str, blocks: list[tuple[int, int]], option_no: int, budget: str = "") -> None:
        for k, part in enumerate(PARTS):
            values = {y: 0.0 for y in years}
            for first, last in blocks:
                for r in rows[first : last + 1]:
                    if r.kind == "line" and r.part == part:
                        for y in years:
                            values[y] += r.values[y]
            rows.append(EstimateRow(kind, "", title if k == 0 else "", part, values, option_no, budget, sums=list(blocks)))

    for option_no, opt in enumerate(s.options, start=1):
        mine = table[table["option"] == opt.id]
        rows.append(
            EstimateRow("option", title=names.text("wb.estimate_option", number=option_no, name=opt.name), option_no=option_no)
        )
        sections: list[tuple[int, int]] = []
        subtotal_after_vat: dict[str, int] = {}
        letters = iter(_LETTERS)
        for budget in BUDGETS:
            part = mine[mine["budget"] == budget]
            if part.empty:
                continue
            letter = next(letters)
            rows.append(EstimateRow("section", f"{letter}.", names.budget(budget), option_no=option_no, budget=budget))
            first = len(rows)
            items = part[part["line"] == "item"]
            categories = list(dict.fromkeys(items["category"]))
            for ci, cat in enumerate(categories, start=1):
                rows.append(EstimateRow("category", f"{letter}.{ci}.", names.category(cat), option_no=option_no, budget=budget))
                in_cat = items[items["category"] == cat]
                for ii, position in enumerate(dict.fromkeys(in_cat["position"]), start=1):
                    sel = in_cat[in_cat["position"] == position]
                    name = str(sel["item"].iloc[0])
                    base = EstimateRow(
                        "line",
                        f"{letter}.{ci}.{ii}.",
                        name,
                        option_no=option_no,
                        budget=budget,
                        line="item",
                        position=int(position),
                    )
                    amounts(base, sel)
            cont = part[part["line"] == "contingency"]
            if not cont.empty:
                shares = sorted({it.contingency for it in opt.items if it.budget == budget and it.contingency})
                share = ", ".join(voc.percent(x, names.lang) for x in shares)
                title = names.text("wb.contingency_line", share=share)
                base = EstimateRow(
                    "line", f"{letter}.{len(categories) + 1}.", title, option_no=option_no, budget=budget, line="contingency"
                )
                amounts(base, cont)
            block = (first, len(rows) - 1)
            sums("subtotal", names.text("wb.section_total", letter=letter), [block], option_no, budget)
            subtotal_after_vat[budget] = len(rows) - 1  # the section's subtotal after VAT (the last of its three)
            sections.append(block)
        sums("total", names.term("wb.grand_total"), sections, option_no)
        # the pay of staff already employed: a cost compared like any other, not money asked for
        staff_items = {item.position for item in opt.items if item.category == "staff"}
        staff_lines = [
            (i, i + 2)
            for i, r in enumerate(rows)
            if r.option_no == option_no
            and r.kind == "line"
            and r.line == "item"
            and r.part == PARTS[0]
            and r.position in staff_items
        ]
        if staff_lines:
            pay = {y: sum(rows[z].values[y] for _, z in staff_lines) for y in years}  # z: the line's nominal row
            total = rows[-1]  # the option's total after VAT
            rows.append(EstimateRow("staff", "", names.term("wb.staff_within"), "nominal", pay, option_no, sums=staff_lines))
            request = {y: total.values[y] - pay[y] for y in years}
            pair = [(len(rows) - 2, len(rows) - 1)]  # (total after VAT, staff): the request is their difference
            rows.append(EstimateRow("request", "", names.term("wb.request_total"), "nominal", request, option_no, sums=pair))
            # the request by budget source: each section's subtotal after VAT less its own staff lines
            for budget, at in subtotal_after_vat.items():
                mine_staff = [(a, z) for a, z in staff_lines if rows[a].budget == budget]
                values = {y: rows[at].values[y] - sum(rows[z].values[y] for _, z in mine_staff) for y in years}
                title = names.text("wb.request_of_source", source=names.budget(budget))
                rows.append(
                    EstimateRow(
                        "request_source", "", title, "nominal", values, option_no, budget=budget, sums=[(at, at), *mine_staff]
                    )
                )
    return rows


def first_year_request(rows: list[EstimateRow], option_no: int, year: int) -> tuple[dict[str, float], float]:
    """The funding an option requests in ``year`` by budget source, and the existing staff's pay it leaves out. [VND]

    From the estimate's own rows: the ``request_source`` rows when the option
    has staff lines, else each source's subtotal after VAT (nothing to leave out).
    """
    mine = [r for r in rows if r.option_no == option_no and r.part == "nominal"]
    by_source = {r.budget: r.values[year] for r in mine if r.kind == "request_source"}
    if not by_source:
        by_source = {r.budget: r.values[year] for r in mine if r.kind == "subtotal"}
    pay = sum(r.values[year] for r in mine if r.kind == "staff")
    return by_source, pay


def estimate_frame(result: Evaluation, names: Names, option: str | None = None) -> pd.DataFrame:
    """The estimate as a table of text (whole đồng in the reader's format), for pages and documents.

    Parameters
    ----------
    result : Evaluation
    names : Names
    option : str, optional
        Only this option's block (default every option).
    """
    years = [int(y) for y in result.scenario.years]
    keep = None
    if option is not None:
        keep = [o.id for o in result.scenario.options].index(option) + 1
    head = [names.term("wb.stt"), names.term("wb.content"), names.term("wb.breakdown"), *map(str, years), names.term("col.total")]
    out = []
    bold = []
    for r in estimate_layout(result, names):
        if keep is not None and r.option_no != keep:
            continue
        if r.kind in ("option", "section", "subtotal", "total", "request"):
            bold.append(len(out))
        if r.part is None:
            out.append([r.number, r.title, "", *[""] * len(years), ""])
        else:
            amounts = [voc.money(r.values[y], names.lang) for y in years]
            out.append([r.number, r.title, names.term(f"col.{r.part}"), *amounts, voc.money(r.total, names.lang)])
    frame = pd.DataFrame(out, columns=head)
    frame.attrs["bold_rows"] = bold
    return frame

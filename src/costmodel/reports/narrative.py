"""Recommendation paragraphs written from the numbers, never hard-coded.

Every figure in the text comes from the evaluation, the Monte Carlo summary and
the switching values passed in; change the scenario and the paragraph changes.
"""

from __future__ import annotations

import math

import pandas as pd

from costmodel.evaluation import Evaluation
from costmodel.reports.formatting import format_number

__all__ = ["recommendation"]

#: Below this relative margin (or this probability of being cheapest) the text asks for confirmation.
CLOSE_MARGIN = 0.05
CONFIDENT = 0.80


def _bn(x: float, lang: str) -> str:
    return format_number(x / 1e9, 2, lang)


def _pct(x: float, lang: str) -> str:
    return format_number(100 * x, 1, lang) + "%"


def recommendation(
    result: Evaluation,
    simulation: pd.DataFrame | None = None,
    switching: pd.DataFrame | None = None,
    lang: str = "vi",
) -> str:
    """A paragraph recommending the cheapest option, with its margin, risk and switching values.

    Parameters
    ----------
    result : Evaluation
    simulation : pandas.DataFrame, optional
        :meth:`costmodel.risk.simulate.SimulationResult.summary`.
    switching : pandas.DataFrame, optional
        :func:`costmodel.risk.sensitivity.switching_values`.
    lang : {"vi", "en"}

    Returns
    -------
    str
        Markdown text (amounts in tỷ đồng / billion VND, present values at the
        start of the base year).
    """
    vi = lang == "vi"
    s = result.scenario
    ranked = result.summary.sort_values("rank", kind="stable")
    best = ranked.iloc[0]
    parts = []
    if len(ranked) > 1:
        second = ranked.iloc[1]
        margin = second["pv_cost"] - best["pv_cost"]
        share = margin / second["pv_cost"] if second["pv_cost"] else math.nan
        if vi:
            parts.append(
                f"Phương án **{best['name']}** ({best['option']}) có giá trị hiện tại chi phí thấp nhất trong giai đoạn "
                f"{s.start_year}-{s.end_year}: **{_bn(best['pv_cost'], lang)} tỷ đồng** (tính tại đầu năm {s.base_year}, "
                f"chiết khấu {_pct(s.discount_rate, lang)}/năm), thấp hơn phương án xếp thứ hai, {second['name']} "
                f"({second['option']}), **{_bn(margin, lang)} tỷ đồng** ({_pct(share, lang)})."
            )
        else:
            parts.append(
                f"Option **{best['name']}** ({best['option']}) has the lowest present-value cost over "
                f"{s.start_year}-{s.end_year}: **{_bn(best['pv_cost'], lang)} billion VND** (at the start of "
                f"{s.base_year}, discounted at {_pct(s.discount_rate, lang)} a year), "
                f"**{_bn(margin, lang)} billion VND** ({_pct(share, lang)}) less than the runner-up, "
                f"{second['name']} ({second['option']})."
            )
    else:
        share = math.nan
        parts.append(f"{best['name']}: {_bn(best['pv_cost'], lang)} " + ("tỷ đồng." if vi else "billion VND."))
    first_year = result.budget[(result.budget["option"] == best["option"]) & (result.budget["year"] == s.start_year)]
    invest = float(first_year.loc[first_year["budget"] == "investment", "nominal"].sum())
    recurrent = float(first_year.loc[first_year["budget"] == "recurrent", "nominal"].sum())
    if vi:
        parts.append(
            f"Nhu cầu kinh phí năm {s.start_year} của phương án này là {_bn(invest + recurrent, lang)} tỷ đồng "
            f"({_bn(invest, lang)} tỷ đồng vốn đầu tư phát triển, {_bn(recurrent, lang)} tỷ đồng chi thường xuyên)."
        )
    else:
        parts.append(
            f"Its {s.start_year} budget need is {_bn(invest + recurrent, lang)} billion VND "
            f"({_bn(invest, lang)} investment capital, {_bn(recurrent, lang)} recurrent)."
        )
    prob = math.nan
    if simulation is not None and not simulation.empty:
        row = simulation.set_index("option").loc[best["option"]]
        prob = float(row["prob_cheapest"])
        if vi:
            parts.append(
                f"Khi các giả định biến động trong khoảng đã nêu, phương án này rẻ nhất với xác suất "
                f"**{_pct(prob, lang)}**; chi phí của nó ở mức P90 là {_bn(row['p90'], lang)} tỷ đồng, và ước tính "
                f"tất định nằm ở mức tin cậy P{100 * row['confidence_level']:.0f}."
            )
        else:
            parts.append(
                f"With the assumptions varying over their ranges, it is the cheapest with probability "
                f"**{_pct(prob, lang)}**; its P90 cost is {_bn(row['p90'], lang)} billion VND and the deterministic "
                f"estimate sits at the P{100 * row['confidence_level']:.0f} confidence level."
            )
    if switching is not None and not switching.empty:
        switches = switching[switching["switching_value"].notna()]
        if switches.empty:
            parts.append(
                "Không yếu tố nào, khi thay đổi một mình trong phạm vi khảo sát, làm thay đổi phương án ưu tiên."
                if vi
                else "No single input, varied over its range, changes the preferred option."
            )
        else:
            items = []
            for r in switches.itertuples(index=False):
                change = "" if math.isnan(r.change) else f" ({'+' if r.change > 0 else ''}{_pct(r.change, lang)})"
                digits = 0 if abs(r.switching_value) >= 1000 else 4
                items.append(f"{r.input} = {format_number(r.switching_value, digits, lang)}{change} → {r.new_cheapest}")
            parts.append(
                ("Phương án ưu tiên thay đổi khi: " if vi else "The preferred option changes when: ") + "; ".join(items) + "."
            )
    close = (not math.isnan(share) and share < CLOSE_MARGIN) or (not math.isnan(prob) and prob < CONFIDENT)
    if vi:
        parts.append(
            f"**Đề xuất:** lựa chọn phương án {best['name']} ({best['option']})"
            + (
                "; tuy nhiên chênh lệch giữa các phương án nhỏ hoặc chưa chắc chắn, cần xác nhận các đơn giá bằng báo "
                "giá và thẩm định giá trước khi quyết định."
                if close
                else ", đồng thời thẩm định giá các đơn giá là giả định trước khi phê duyệt."
            )
        )
    else:
        parts.append(
            f"**Recommendation:** choose {best['name']} ({best['option']})"
            + (
                "; the margin is small or uncertain, so confirm the unit prices with quotes and a price appraisal "
                "before deciding."
                if close
                else ", and have the assumed unit prices appraised before approval."
            )
        )
    return " ".join(parts)

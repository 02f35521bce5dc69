"""The effect of a procurement slip on each budget year, in words and in a small table.

For the weekly progress report and the Data Integration Center report: "Theo
dự báo, Ký hợp đồng thuê dịch vụ chậm 1 tháng so với kế hoạch ban đầu (...).
Phương án Thuê dịch vụ: năm 2024 chi Thuê vCPU giảm ..., chi Duy trì hạ tầng
hiện tại tăng ...". Every number comes from :func:`costmodel.slip.plan_slip`.
"""

from __future__ import annotations

import pandas as pd

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import reader_frame
from costmodel.slip import Slip

__all__ = ["slip_frame", "slip_text"]


def _month(ym: tuple[int, int]) -> str:
    return f"{ym[1]}/{ym[0]}"


def slip_text(slip: Slip, lang: str | None = None) -> str:
    """The slip in sentences: each linked task's delay, then each option's changes by year and item."""
    names = Names(slip.forecast.scenario, lang)
    parts = []
    for link in slip.links:
        if link.months_late == 0:
            parts.append(names.text("slip.task_on_time", task=link.task_name, baseline=_month(link.baseline)))
            continue
        key = "slip.late" if link.months_late > 0 else "slip.early"
        phrase = names.text(key, months=abs(link.months_late))
        parts.append(
            names.text(
                "slip.task", task=link.task_name, phrase=phrase, forecast=_month(link.forecast), baseline=_month(link.baseline)
            )
        )
    for option in dict.fromkeys(slip.items["option"]):
        rows = slip.items[slip.items["option"] == option]
        years = []
        for year in dict.fromkeys(rows["year"]):
            changes = [
                names.text(
                    "slip.increase" if r.difference > 0 else "slip.decrease",
                    item=r.item,
                    amount=voc.amount(abs(r.difference), names.lang),
                )
                for r in rows[rows["year"] == year].sort_values("difference", ascending=False).itertuples(index=False)
            ]
            years.append(names.text("slip.year", year=int(year), changes=", ".join(changes)))
        parts.append(names.text("slip.option", option=names.option(option), changes="; ".join(years)))
        net = float(rows["difference"].sum())
        direction = "slip.unchanged" if abs(net) < 0.5 else ("slip.up" if net > 0 else "slip.down")
        amount = "" if direction == "slip.unchanged" else voc.amount(abs(net), names.lang)
        sentence = names.text("slip.net", direction=names.term(direction), amount=amount).replace("  ", " ").replace(" .", ".")
        if direction == "slip.down" and any(link.months_late > 0 for link in slip.links):
            sentence += names.term("slip.net_late_note")  # less spent because less is delivered: not an economy
        parts.append(sentence)
    return " ".join(parts)


def slip_frame(slip: Slip, lang: str | None = None) -> pd.DataFrame:
    """The changed amounts as a reader table: option, year, item, baseline, forecast, difference (whole đồng)."""
    names = Names(slip.forecast.scenario, lang)
    return reader_frame(slip.items, names, columns=["option", "year", "item", "baseline", "forecast", "difference"])

"""Recommendation paragraphs written from the numbers, never hard-coded.

Every figure in the text comes from the evaluation, the Monte Carlo summary and
the switching values passed in; every word comes from the reader vocabulary
(``text.*`` templates); inputs and options are named in words
(:class:`~costmodel.reports.names.Names`). Change the scenario and the
paragraph changes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from costmodel.evaluation import Evaluation
from costmodel.reports import vocabulary as voc
from costmodel.reports.estimate import estimate_layout, first_year_request
from costmodel.reports.names import Names

__all__ = ["CLOSE_MARGIN", "CONFIDENT", "MAX_SWITCHES_QUOTED", "recommendation", "switching_verdict"]

#: Below this relative margin (or this probability of being cheapest) the text asks for confirmation.
CLOSE_MARGIN = 0.05
CONFIDENT = 0.80
#: The recommendation quotes at most this many switching values, the closest to the central values.
MAX_SWITCHES_QUOTED = 3


def switching_verdict(row: Mapping[str, object], names: Names) -> str:
    """One switching value as a sentence (a row of :func:`costmodel.risk.sensitivity.switching_values`)."""
    label = str(row["input"])
    value = row["switching_value"]
    low, high = float(row["search_low"]), float(row["search_high"])
    if not (high > low):
        return names.text("text.verdict_no_range")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return names.text("text.verdict_none", low=names.input_amount(label, low), high=names.input_amount(label, high))
    side = "text.side_below" if float(value) > float(row["central"]) else "text.side_above"
    return names.text(
        "text.verdict_switch",
        best=names.option(str(row["cheapest"])),
        side=names.term(side),
        value=names.input_amount(label, float(value)),
        new=names.option(str(row["new_cheapest"])),
    )


def _switch_sentence(switching: pd.DataFrame, names: Names) -> str:
    found = switching[switching["switching_value"].notna()].copy()
    if found.empty:
        return names.text("text.no_switch")
    # closest to the central values first: relative change, or absolute distance for a zero centre
    found["distance"] = [
        abs(r.change) if not math.isnan(r.change) else abs(r.switching_value - r.central) for r in found.itertuples(index=False)
    ]
    found = found.sort_values("distance", kind="stable")
    items = []
    for r in found.head(MAX_SWITCHES_QUOTED).itertuples(index=False):
        up = r.switching_value > r.central
        change = voc.DASH if math.isnan(r.change) else ("+" if r.change > 0 else "") + voc.percent(r.change, names.lang)
        items.append(
            names.text(
                "text.switch_item",
                input=names.input(r.input),
                direction=names.term("text.direction_up" if up else "text.direction_down"),
                value=names.input_amount(r.input, r.switching_value),
                change=change,
                central=names.input_amount(r.input, r.central),
                new=names.option(r.new_cheapest),
            )
        )
    text = "; ".join(items)
    if len(found) > MAX_SWITCHES_QUOTED:
        text += names.text("text.switches_more", count=len(found) - MAX_SWITCHES_QUOTED)
    return names.text("text.switches_intro", items=text)


def recommendation(
    result: Evaluation,
    simulation: pd.DataFrame | None = None,
    switching: pd.DataFrame | None = None,
    lang: str | None = None,
) -> str:
    """A paragraph recommending the cheapest option, with its margin, risk and switching values.

    Parameters
    ----------
    result : Evaluation
    simulation : pandas.DataFrame, optional
        :meth:`costmodel.risk.simulate.SimulationResult.summary`.
    switching : pandas.DataFrame, optional
        :func:`costmodel.risk.sensitivity.switching_values`; at most
        :data:`MAX_SWITCHES_QUOTED` are quoted, the closest to the central values.
    lang : {"vi", "en"}, optional
        Default :data:`costmodel.options.lang`.

    Returns
    -------
    str
        Markdown text (amounts in tỷ đồng / billion VND, present values at the
        start of the base year).
    """
    names = Names(result.scenario, lang)
    lang = names.lang
    s = result.scenario
    ranked = result.summary.sort_values("rank", kind="stable")
    best = ranked.iloc[0]
    best_name = names.option(best["option"])
    parts = []
    share = math.nan
    if len(ranked) > 1:
        second = ranked.iloc[1]
        margin = second["pv_cost"] - best["pv_cost"]
        share = margin / second["pv_cost"] if second["pv_cost"] else math.nan
        parts.append(
            names.text(
                "text.recommend_best",
                best=best_name,
                start=s.start_year,
                end=s.end_year,
                pv=voc.billions(best["pv_cost"], lang),
                base=s.base_year,
                rate=voc.percent(s.discount_rate, lang),
                second=names.option(second["option"]),
                margin=voc.billions(margin, lang),
                share=voc.percent(share, lang),
            )
        )
    else:
        parts.append(names.text("text.recommend_single", best=best_name, pv=voc.billions(best["pv_cost"], lang)))
    # the first year's request as the estimate has it: existing staff's pay is compared as a cost, not requested
    number = [o.id for o in s.options].index(best["option"]) + 1
    by_source, pay = first_year_request(estimate_layout(result, names), number, int(s.start_year))
    invest, recurrent = by_source.get("investment", 0.0), by_source.get("recurrent", 0.0)

    # as many decimals (2 to 4) as it takes for the parts shown to add up to the total shown (reader-standards §2)
    def shown(value: float, decimals: int) -> int:
        return math.floor(abs(value) / 1e9 * 10**decimals + 0.5) * (1 if value >= 0 else -1)

    decimals = next((k for k in (2, 3, 4) if shown(invest, k) + shown(recurrent, k) == shown(invest + recurrent, k)), 4)
    parts.append(
        names.text(
            "text.budget_first_year_staff" if pay else "text.budget_first_year",
            year=s.start_year,
            total=voc.billions(invest + recurrent, lang, decimals),
            invest=voc.billions(invest, lang, decimals),
            recurrent=voc.billions(recurrent, lang, decimals),
            **({"pay": voc.amount(pay, lang)} if pay else {}),
        )
    )
    prob = math.nan
    if simulation is not None and not simulation.empty:
        row = simulation.set_index("option").loc[best["option"]]
        prob = float(row["prob_cheapest"])
        parts.append(
            names.text(
                "text.risk",
                prob=voc.percent(prob, lang),
                p90=voc.billions(row["p90"], lang),
                confidence=voc.percent(row["confidence_level"], lang, 0),
            )
        )
    if switching is not None and not switching.empty:
        parts.append(_switch_sentence(switching, names))
    mandated = s.mandate_option if s.mandate and s.mandate_option else None
    if mandated is not None and mandated == best["option"]:
        parts.append(names.text("text.mandate_same", mandate=s.mandate))
    elif mandated is not None:
        row = result.summary.set_index("option").loc[mandated]
        gap = row["pv_cost"] - best["pv_cost"]
        procedure = s.option(best["option"]).procedure or names.term("text.procedure_unknown")
        parts.append(
            names.text(
                "text.mandate_other",
                mandate=s.mandate,
                mandated=names.option(mandated),
                rank=int(row["rank"]),
                pv=voc.billions(row["pv_cost"], lang),
                best=best_name,
                gap=voc.billions(gap, lang),
                share=voc.percent(gap / row["pv_cost"] if row["pv_cost"] else math.nan, lang),
                procedure=procedure,
            )
        )
        parts.append(names.text("text.recommend_mandate_other", mandated=names.option(mandated), best=best_name))
        return " ".join(parts)
    close = (not math.isnan(share) and share < CLOSE_MARGIN) or (not math.isnan(prob) and prob < CONFIDENT)
    parts.append(names.text("text.recommend_close" if close else "text.recommend_clear", best=best_name))
    return " ".join(parts)

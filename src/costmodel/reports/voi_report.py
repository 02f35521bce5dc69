"""Value of information as readers see it: what knowing an input before deciding is worth, in đồng.

Renders a :class:`costmodel.decision.voi.ValueOfInformation`: the EVPI of the
decision and the EVPPI of each uncertain input (Strong, Oakley & Brennan
2014), with the sentence readers act on ("a binding quote is worth at most
… đồng to this decision"). Shown beside the tornado: the tornado ranks what
moves the cost, value of information ranks what could change the decision.
"""

from __future__ import annotations

import html

import pandas as pd

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import html_table, markdown_table

__all__ = ["voi_frame", "voi_html", "voi_markdown", "voi_text"]


def voi_frame(voi, lang: str | None = None) -> pd.DataFrame:
    """One row per uncertain input (and group): its EVPPI and standard error, share of the EVPI, R²."""
    names = Names(voi.scenario, lang)
    lang = names.lang
    table = voi.evppi.sort_values("evppi", ascending=False, kind="stable")
    rows = list(table.itertuples(index=False))

    def input_name(row) -> str:
        members = [m.strip() for m in str(row.members).split("+")]
        return " + ".join(names.input(m) for m in members) if len(members) > 1 else names.input(row.input)

    return pd.DataFrame(
        {
            voc.term("col.input", lang): [input_name(r) for r in rows],
            voc.term("col.evppi", lang): [voc.money(r.evppi, lang) for r in rows],
            voc.term("col.evppi_se", lang): [voc.money(r.evppi_se, lang) for r in rows],
            voc.term("col.evppi_share_of_evpi", lang): [
                voc.DASH if pd.isna(r.evppi_share_of_evpi) else voc.percent(r.evppi_share_of_evpi, lang) for r in rows
            ],
            voc.term("col.r_squared", lang): [voc.number(r.r_squared, 2, lang) for r in rows],
        }
    )


def voi_text(voi, lang: str | None = None) -> str:
    """The sentences readers act on: the EVPI, and what the most valuable input is worth at most."""
    names = Names(voi.scenario, lang)
    lang = names.lang
    decision = names.option(voi.decision)
    parts = [
        voc.text(
            "voi.text.intro",
            lang,
            draws=voc.number(voi.draws, 0, lang),
            option=decision,
            evpi=voc.amount(voi.evpi, lang),
            se=voc.amount(voi.evpi_se, lang),
        )
    ]
    if voi.evpi <= 0:
        parts.append(voc.text("text.evpi_zero", lang, option=decision))
    else:
        top = voi.evppi.sort_values("evppi", ascending=False, kind="stable").iloc[0]
        parts.append(
            voc.text("text.evppi_worth_at_most", lang, input=names.input(top["input"]), amount=voc.amount(top["evppi"], lang))
        )
    parts.append(voc.term("voi.text.method", lang))
    return " ".join(parts)


def voi_html(voi, lang: str | None = None) -> str:
    """The section as an HTML block (notebooks)."""
    lang = voc._lang(lang)
    title = voc.term("voi.title", lang)
    return f"<h4>{html.escape(title)}</h4><p>{html.escape(voi_text(voi, lang))}</p>" + html_table(
        voi_frame(voi, lang), unit_line=voc.term("wb.unit_line_mixed", lang)
    )


def voi_markdown(voi, lang: str | None = None) -> str:
    """The section as Markdown."""
    lang = voc._lang(lang)
    return "\n".join(
        [
            f"## {voc.term('voi.title', lang)}",
            "",
            voi_text(voi, lang),
            "",
            f"*{voc.term('wb.unit_line_mixed', lang)}*",
            "",
            markdown_table(voi_frame(voi, lang)),
            "",
        ]
    )

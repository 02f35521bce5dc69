"""The choice across futures as readers see it: costs and regret per future, maximum and expected regret.

Everything here renders a :class:`costmodel.futures.RobustResult`: the
present-value costs come from the ledgers rounded to the đồng, regret and
expectations from :mod:`costmodel.decision.robust`. Futures are named by
their names in the futures file, options by their names in the scenarios.
"""

from __future__ import annotations

import html
import io
import math

import pandas as pd

from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.tables import html_table, markdown_table

__all__ = ["costs_frame", "regret_frame", "robust_html", "robust_markdown", "robust_text", "robust_workbook", "summary_frame"]

_e = html.escape


def _future_names(result) -> dict[str, str]:
    return {f.id: f.name for f in result.futures.futures}


def costs_frame(result, lang: str | None = None) -> pd.DataFrame:
    """One row per future: its probability (if given), each option's present value of cost, the best option."""
    names = Names(result.scenario, lang)
    lang = names.lang
    costs = result.choice.costs
    futures = _future_names(result)
    data: dict[str, list[str]] = {voc.term("robust.col.future", lang): [futures[f] for f in costs.index]}
    if result.choice.probabilities is not None:
        data[voc.term("robust.col.probability", lang)] = [voc.percent(p, lang, 0) for p in result.choice.probabilities]
    for oid in costs.columns:
        data[names.option_short(oid)] = [voc.money(v, lang) for v in costs[oid]]
    best = costs.idxmin(axis=1)
    data[voc.term("col.best_option", lang)] = [names.option_short(o) for o in best]
    return pd.DataFrame(data)


def regret_frame(result, lang: str | None = None) -> pd.DataFrame:
    """One row per future: each option's regret (its cost minus the best option's in that future)."""
    names = Names(result.scenario, lang)
    lang = names.lang
    regret = result.choice.regret
    futures = _future_names(result)
    data: dict[str, list[str]] = {voc.term("robust.col.future", lang): [futures[f] for f in regret.index]}
    for oid in regret.columns:
        data[names.option_short(oid)] = [voc.money(v, lang) for v in regret[oid]]
    return pd.DataFrame(data)


def summary_frame(result, lang: str | None = None) -> pd.DataFrame:
    """One row per option: maximum regret and where, maximum cost, expected cost and regret, the two choices."""
    names = Names(result.scenario, lang)
    lang = names.lang
    s = result.choice.summary
    futures = _future_names(result)
    yes = voc.term("robust.chosen", lang)
    data = {
        voc.term("col.option", lang): [names.option(o) for o in s["option"]],
        voc.term("col.max_regret", lang): [voc.money(v, lang) for v in s["max_regret"]],
        voc.term("col.worst_future", lang): [futures[f] for f in s["worst_future"]],
        voc.term("col.max_cost", lang): [voc.money(v, lang) for v in s["max_cost"]],
    }
    if result.choice.probabilities is not None:
        data[voc.term("robust.col.expected_cost", lang)] = [voc.money(v, lang) for v in s["expected_cost"]]
        data[voc.term("col.expected_regret", lang)] = [voc.money(v, lang) for v in s["expected_regret"]]
    data[voc.term("col.minimax_regret", lang)] = [yes if v else "" for v in s["minimax_regret"]]
    if result.choice.probabilities is not None:
        data[voc.term("col.min_expected_cost", lang)] = [yes if v else "" for v in s["min_expected_cost"]]
    return pd.DataFrame(data)


def robust_text(result, lang: str | None = None) -> str:
    """A paragraph: the minimax-regret option and its maximum regret, the expected-cost choice, the caveat."""
    names = Names(result.scenario, lang)
    lang = names.lang
    c = result.choice
    s = c.summary.set_index("option")
    futures = _future_names(result)
    best = {f: c.costs.loc[f].idxmin() for f in c.costs.index}
    if len(set(best.values())) == 1:  # no regret for anyone to weigh: say so, not "0 đồng more"
        parts = [voc.text("robust.text.same_best", lang, option=names.option(next(iter(best.values()))), n=len(futures))]
    else:
        parts = [
            voc.text(
                "robust.text.minimax",
                lang,
                option=names.option(c.minimax_regret),
                regret=voc.amount(s.loc[c.minimax_regret, "max_regret"], lang),
                future=futures[s.loc[c.minimax_regret, "worst_future"]],
                n=len(futures),
            )
        ]
    if c.min_expected_cost is not None:
        parts.append(
            voc.text(
                "robust.text.expected",
                lang,
                option=names.option(c.min_expected_cost),
                cost=voc.amount(s.loc[c.min_expected_cost, "expected_cost"], lang),
                evpi=voc.amount(c.evpi if c.evpi is not None and math.isfinite(c.evpi) else 0.0, lang),
            )
        )
        sources = sorted({f.source.split(":", 1)[0].strip() for f in result.futures.futures if f.source})
        parts.append(voc.text("robust.text.probabilities", lang, ids=", ".join(sources) or voc.DASH))
    parts.append(voc.term("text.minimax_regret_caveat", lang))
    return " ".join(parts)


def _sections(result, lang: str) -> list[tuple[str, pd.DataFrame, str]]:
    unit = voc.term("wb.unit_line", lang)
    return [
        (voc.term("robust.h.costs", lang), costs_frame(result, lang), unit),
        (voc.term("robust.h.regret", lang), regret_frame(result, lang), unit),
        (voc.term("robust.h.summary", lang), summary_frame(result, lang), unit),
    ]


def robust_html(result, lang: str | None = None, standalone: bool = False) -> str:
    """The section as HTML (a notebook block, or a page with ``standalone``)."""
    lang = voc._lang(lang)
    title = voc.text("robust.title", lang, title=result.futures.title)
    body = [f"<h3>{_e(title)}</h3>", f"<p>{_e(robust_text(result, lang))}</p>"]
    for heading, frame, unit in _sections(result, lang):
        body.append(f"<h4>{_e(heading)}</h4>")
        body.append(html_table(frame, unit_line=unit))
    style = ".costmodel{border-collapse:collapse;margin:.4em 0}.costmodel th,.costmodel td{border:1px solid #bbb;padding:2px 6px}"
    inner = f"<style>{style}</style>" + "\n".join(body)
    if not standalone:
        return inner
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title></head>'
        f"<body style=\"font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;max-width:70em\">\n{inner}\n</body></html>\n"
    )


def robust_markdown(result, lang: str | None = None) -> str:
    """The section as Markdown."""
    lang = voc._lang(lang)
    lines = [f"# {voc.text('robust.title', lang, title=result.futures.title)}", "", robust_text(result, lang), ""]
    for heading, frame, unit in _sections(result, lang):
        lines += [f"## {heading}", "", f"*{unit}*", "", markdown_table(frame), ""]
    return "\n".join(lines)


def robust_workbook(result, lang: str | None = None) -> bytes:
    """The three tables as a workbook (amounts as numbers in whole đồng; A4 landscape)."""
    import xlsxwriter

    lang = voc._lang(lang)
    names = Names(result.scenario, lang)
    futures = _future_names(result)
    c = result.choice
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    title_fmt = book.add_format({**base, "bold": True, "font_size": 13, "text_wrap": True})
    italic = book.add_format({**base, "italic": True, "text_wrap": True})
    header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    cell = book.add_format({**base, "text_wrap": True, "border": 1})
    money = book.add_format({**base, "border": 1, "num_format": "#,##0"})
    pct = book.add_format({**base, "border": 1, "num_format": voc.excel_percent(0, lang)})
    sheet = book.add_worksheet(voc.term("robust.sheet", lang)[:31])
    options = list(c.costs.columns)
    last = len(options) + 2
    sheet.merge_range(0, 0, 0, last, voc.text("robust.title", lang, title=result.futures.title), title_fmt)
    sheet.set_row(0, 36)
    text = robust_text(result, lang)
    sheet.merge_range(1, 0, 1, last, text, italic)
    sheet.set_row(1, 15 * (len(text) // 150 + 2))
    sheet.write_string(2, 0, voc.term("wb.unit_line", lang), italic)
    row = 4
    for key, table in (("robust.h.costs", c.costs), ("robust.h.regret", c.regret)):
        sheet.write_string(row, 0, voc.term(key, lang), book.add_format({**base, "bold": True}))
        row += 1
        heads = [
            voc.term("robust.col.future", lang),
            voc.term("robust.col.probability", lang),
            *[names.option_short(o) for o in options],
        ]
        for j, h in enumerate(heads):
            sheet.write_string(row, j, h, header)
        for f in table.index:
            row += 1
            sheet.write_string(row, 0, futures[f], cell)
            if c.probabilities is not None:
                sheet.write_number(row, 1, float(c.probabilities[f]), pct)
            else:
                sheet.write_string(row, 1, voc.DASH, cell)
            for j, o in enumerate(options, start=2):
                sheet.write_number(row, j, round(float(table.loc[f, o])), money)
        row += 2
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, last, 20)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()

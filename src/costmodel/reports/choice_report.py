"""The deployment-model decision report (IOC) as readers see it: guidance, survey, cost, criteria, robustness.

Everything here renders a :class:`costmodel.choice.ModelChoice`; no number is
computed that the choice does not hold (sums of contributions and counts of
rows aside). Words come from the reader vocabulary (``vocab/choice.csv``,
``vocab/mcda.csv`` and shared entries); options by their names, criteria and
gates by their names in the criteria file, sources by their register ids
only (the register says what each id is).
"""

from __future__ import annotations

import html
import io
import math
import re

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from costmodel.mcda import COST_ID
from costmodel.reports import vocabulary as voc
from costmodel.reports.names import Names
from costmodel.reports.plotting import NumberFormatter, figure_axes, palette, plain
from costmodel.reports.tables import html_table, markdown_table, md_escape, md_paragraph, reader_frame

__all__ = [
    "choice_html",
    "choice_markdown",
    "choice_workbook",
    "criteria_frame",
    "evidence_text",
    "gates_frame",
    "guidance_paragraphs",
    "justification_frame",
    "profile_figure",
    "ranking_frame",
    "recommendation_text",
    "sensitivity_frame",
    "survey_frame",
    "survey_text",
    "uncertainty_figure",
    "uncertainty_frame",
]

_e = html.escape


def _t(key: str, lang: str, **fields: object) -> str:
    return voc.text(key, lang, **fields) if fields else voc.term(key, lang)


def _ids(source: str) -> str:
    """The register ids of a source (the text before the first ``:``): the register says the rest."""
    head = source.split(":", 1)[0] if ":" in source else source
    ids = [s.strip() for s in head.split(",") if s.strip()]
    return ", ".join(ids) if ids else voc.DASH


def _points(value: float, lang: str) -> str:
    return voc.DASH if value is None or (isinstance(value, float) and math.isnan(value)) else voc.number(value, 1, lang)


def _score(value: float, lang: str) -> str:
    return voc.number(value, 0 if float(value).is_integer() else 1, lang)


# ---------------------------------------------------------------------------
# Guidance and the survey
# ---------------------------------------------------------------------------


def guidance_paragraphs(lang: str | None = None) -> list[str]:
    """What the choice rests on: the notice, document 2333 (not found, said so), the guidance used, the assumptions."""
    lang = voc._lang(lang)
    return [_t(f"choice.guidance.{k}", lang) for k in ("notice", "doc2333", "used", "later", "assumptions")]


def survey_frame(survey: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The surveyed IOCs for readers: one row each with its model, vendor, year, cost as published, operator, source."""
    lang = voc._lang(lang)

    def cost(row) -> str:
        if not _has(row.cost):
            return voc.term("choice.survey.no_cost", lang)
        period = voc.term(f"cost_period.{row.cost_period}", lang) if _has(row.cost_period) else ""
        vat = voc.term(f"vat_status.{row.vat}", lang) if _has(row.vat) else ""
        currency = voc.term("unit.vnd", lang) if (getattr(row, "currency", "") or "VND") == "VND" else str(row.currency)
        return f"{voc.money(row.cost, lang)} {currency} ({'; '.join(x for x in (period, vat) if x)})"

    rows = list(survey.itertuples(index=False))
    return pd.DataFrame(
        {
            voc.term("choice.col.no", lang): [str(i) for i in range(1, len(rows) + 1)],
            voc.term("col.survey_province", lang): [r.province for r in rows],
            voc.term("col.survey_level", lang): [voc.term(f"ioc_level.{r.level}", lang) for r in rows],
            voc.term("col.survey_model", lang): [voc.term(f"ioc_model.{r.model}", lang) for r in rows],
            voc.term("col.survey_vendor", lang): [r.vendor if _has(r.vendor) else voc.DASH for r in rows],
            voc.term("col.survey_year", lang): [str(int(r.year)) if _has(r.year) else voc.DASH for r in rows],
            voc.term("col.survey_cost", lang): [cost(r) for r in rows],
            voc.term("col.survey_operator", lang): [r.operator if _has(r.operator) else voc.DASH for r in rows],
            voc.term("col.survey_source", lang): [_source(r, lang) for r in rows],
        }
    )


_URL = re.compile(r"\s*https?://\S+")


def _source(row, lang: str) -> str:
    """A survey row's source for readers: the sites and documents cited, without the web addresses (kept in the CSV)."""
    text = _URL.sub("", str(row.source)).strip().rstrip(";").strip()
    if not _has(row.date):
        return text
    when = _source_date(row.date, lang)
    return text if when in text else f"{text} ({when})"


def _source_date(text: str, lang: str) -> str:
    """A source's date as the survey gives it: a day, a month (``11/2023``) or a year."""
    text = str(text)
    if len(text) >= 10:
        return voc.date(text, lang)
    if len(text) == 7:
        year, month = text.split("-")
        return f"{month}/{year}" if lang == "vi" else f"{year}-{month}"
    return text


def _in_sentence(text: str) -> str:
    """A term inside a sentence: first letter lower-cased unless it starts an abbreviation (ODA, VAT)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _has(value) -> bool:
    return value is not None and not pd.isna(value) and value != ""


def survey_text(survey: pd.DataFrame, lang: str | None = None) -> str:
    """How many surveyed IOCs rent, invest, run a vendor's pilot, ...; what is known about cost."""
    from costmodel.survey import survey_summary

    lang = voc._lang(lang)
    s = survey_summary(survey)
    counts = [
        voc.text("choice.survey.count", lang, n=int(r.count), model=_in_sentence(voc.term(f"ioc_model.{r.model}", lang)))
        for r in s["by_model"].itertuples(index=False)
        if r.count
    ]
    provinces = survey["province"].nunique()
    parts = [voc.text("choice.survey.intro", lang, rows=s["rows"], provinces=provinces, counts="; ".join(counts))]
    if s["with_cost"]:
        ranges = []
        for r in s["cost_ranges"].itertuples(index=False):
            period = _in_sentence(voc.term(f"cost_period.{r.cost_period}", lang))

            def amount(value: float, currency: str = r.currency) -> str:
                if (currency or "VND") == "VND":
                    return voc.billions(value, lang)
                return f"{voc.money(value, lang)} {currency}"

            if r.cost_period == "pilot_free":
                ranges.append(voc.text("choice.survey.free", lang, n=r.count, provinces=r.provinces))
            elif r.count == 1:
                cost = amount(r.cost_min)
                ranges.append(voc.text("choice.survey.one_cost", lang, period=period, cost=cost, provinces=r.provinces))
            else:
                ranges.append(
                    voc.text(
                        "choice.survey.cost_range",
                        lang,
                        n=r.count,
                        period=period,
                        low=amount(r.cost_min),
                        high=amount(r.cost_max),
                        provinces=r.provinces,
                    )
                )
        parts.append(voc.text("choice.survey.costs", lang, n=s["with_cost"], ranges="; ".join(ranges), without=s["without_cost"]))
    else:
        parts.append(voc.term("choice.survey.no_costs", lang))
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Gates, criteria, scores
# ---------------------------------------------------------------------------


def gates_frame(choice, lang: str | None = None) -> pd.DataFrame:
    """One row per gate and option: the gate, the option, pass or fail and why, the register ids."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    rows = []
    for gate in choice.criteria.gates:
        for oid in choice.criteria.options:
            res = gate.results[oid]
            rows.append(
                {
                    voc.term("col.gate_name", lang): gate.name,
                    voc.term("col.option", lang): names.option_short(oid),
                    voc.term("col.passed", lang): voc.term("mcda.passed_yes" if res.passed else "mcda.passed_no", lang),
                    voc.term("col.reason", lang): res.reason,
                    voc.term("choice.col.source_ids", lang): _ids(res.source),
                }
            )
    return pd.DataFrame(rows)


def criteria_frame(choice, lang: str | None = None) -> pd.DataFrame:
    """One row per criterion: its name, its weight (and range), each option's score on the criterion's scale."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    crit = choice.criteria
    weights = dict(zip(crit.ids, crit.weights, strict=True))
    data: dict[str, list[str]] = {
        voc.term("choice.col.no", lang): [],
        voc.term("col.criterion_name", lang): [],
        voc.term("col.weight_normalised", lang): [],
        voc.term("choice.col.weight_range", lang): [],
        voc.term("choice.col.scale", lang): [],
    }
    for oid in crit.options:
        data[names.option_short(oid)] = []
    for i, c in enumerate(crit.criteria, start=1):
        data[voc.term("choice.col.no", lang)].append(str(i))
        data[voc.term("col.criterion_name", lang)].append(c.name)
        data[voc.term("col.weight_normalised", lang)].append(voc.percent(weights[c.id], lang, 0))
        rng = voc.DASH
        if c.weight_range is not None:
            total = sum(x.weight for x in crit.criteria)
            lo, hi = (v / total for v in c.weight_range) if not crit.normalised else c.weight_range
            rng = f"{voc.percent(lo, lang, 0)} – {voc.percent(hi, lang, 0)}"
        data[voc.term("choice.col.weight_range", lang)].append(rng)
        data[voc.term("choice.col.scale", lang)].append(f"{_score(c.scale[0], lang)}–{_score(c.scale[1], lang)}")
        for oid in crit.options:
            data[names.option_short(oid)].append(_score(c.scores[oid].score, lang))
    return pd.DataFrame(data)


def justification_frame(choice, lang: str | None = None) -> pd.DataFrame:
    """One row per criterion and option: the score, why (the file's justification), the register ids."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    rows = []
    for c in choice.criteria.criteria:
        for oid in choice.criteria.options:
            sc = c.scores[oid]
            rows.append(
                {
                    voc.term("col.criterion_name", lang): c.name,
                    voc.term("col.option", lang): names.option_short(oid),
                    voc.term("col.score", lang): _score(sc.score, lang),
                    voc.term("choice.col.justification", lang): sc.justification,
                    voc.term("choice.col.source_ids", lang): _ids(sc.source),
                }
            )
    return pd.DataFrame(rows)


def ranking_frame(choice, lang: str | None = None) -> pd.DataFrame:
    """Options ranked by weighted score, present-value cost beside it, the combined view labelled as such."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    r = choice.result.ranking.copy()
    r["_order"] = r["rank"].astype("float").fillna(99)
    r = r.sort_values("_order", kind="stable")
    out = {
        voc.term("col.rank", lang): [str(int(x)) if pd.notna(x) else voc.DASH for x in r["rank"]],
        voc.term("col.option", lang): [names.option(o) for o in r["option"]],
        voc.term("col.eligible", lang): [
            voc.term("mcda.passed_yes", lang) if ok else f"{voc.term('mcda.passed_no', lang)}: {why}"
            for ok, why in zip(r["eligible"], r["exclusion_reason"], strict=True)
        ],
        voc.term("col.weighted_score", lang): [_points(x, lang) for x in r["weighted_score"]],
        voc.term("col.pv_cost", lang): [voc.money(x, lang) for x in r["pv_cost"]],
    }
    if choice.result.cost_weight is not None:
        out[voc.term("choice.col.combined", lang)] = [_points(x, lang) for x in r["combined_score"]]
        out[voc.term("col.combined_rank", lang)] = [str(int(x)) if pd.notna(x) else voc.DASH for x in r["combined_rank"]]
    return pd.DataFrame(out)


# ---------------------------------------------------------------------------
# Robustness
# ---------------------------------------------------------------------------


def sensitivity_frame(table: pd.DataFrame, choice, lang: str | None = None) -> pd.DataFrame:
    """Weight sensitivity for readers: each criterion's weight, the weight at which the top option changes, and to what."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang

    def name(row) -> str:
        return voc.term("mcda.cost_row", lang) if row.criterion == COST_ID else row.criterion_name

    def switch(weight, new) -> str:
        if weight is None or (isinstance(weight, float) and math.isnan(weight)):
            return voc.term("mcda.no_switch", lang)
        return voc.text("choice.switch_at", lang, weight=voc.percent(weight, lang), option=names.option_short(new))

    rows = list(table.itertuples(index=False))
    return pd.DataFrame(
        {
            voc.term("col.criterion_name", lang): [name(r) for r in rows],
            voc.term("col.weight", lang): [voc.percent(r.weight, lang) for r in rows],
            voc.term("col.switch_down", lang): [switch(r.switch_down, r.new_top_down) for r in rows],
            voc.term("col.switch_up", lang): [switch(r.switch_up, r.new_top_up) for r in rows],
        }
    )


def uncertainty_frame(choice, lang: str | None = None) -> pd.DataFrame:
    """Probability that each option ranks first, and its mean rank, under uncertain weights."""
    names = Names(choice.cost.scenario, lang)
    return reader_frame(choice.uncertainty.summary, names, columns=["option", "prob_first", "mean_rank"])


def _per_point_sentences(choice, names: Names) -> list[str]:
    lang = names.lang
    out = []
    for r in choice.per_point.itertuples(index=False):
        top, other = names.option(r.top), names.option(r.option)
        if r.top_dominates:
            points = _points(r.score_difference, lang)
            out.append(voc.text("choice.per_point.dominates", lang, top=top, other=other, points=points))
        elif r.score_difference <= 0:
            out.append(voc.text("choice.per_point.tie", lang, top=top, other=other))
        else:
            out.append(
                voc.text(
                    "choice.per_point.price",
                    lang,
                    top=top,
                    other=other,
                    cost=voc.billions(r.cost_difference, lang),
                    points=_points(r.score_difference, lang),
                    per_point=voc.money(r.cost_per_point, lang),
                )
            )
    return out


def evidence_text(choice, lang: str | None = None) -> str:
    """The latest data-sharing compliance run as evidence for the "expected use" criterion (or that there is none)."""
    lang = voc._lang(lang)
    result = choice.compliance
    if result is None:
        return voc.term("choice.evidence.none", lang)
    card = result.report.scorecard
    required = int(card["ioc_required"].sum()) if "ioc_required" in card else 0
    connected = int(card["connected"].sum()) if "connected" in card else 0
    text = voc.text(
        "choice.evidence.run",
        lang,
        date=voc.date(result.report.as_of, lang),
        connected=connected,
        required=required,
        units=int(result.report.not_connected["unit"].nunique()) if len(result.report.not_connected) else 0,
        stale=len(result.report.not_updated),
    )
    if result.sample:
        text += " " + voc.term("choice.evidence.sample", lang)
    return text


def recommendation_text(choice, lang: str | None = None) -> str:
    """The recommendation from the numbers: the top option, its cost beside the others, and what would change it."""
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    r = choice.result
    if r.top is None:
        return voc.term("choice.rec.none_eligible", lang)
    ranking = r.ranking.set_index("option")
    top = names.option(r.top)
    parts = [
        voc.text(
            "choice.rec.top",
            lang,
            top=top,
            score=_points(ranking.loc[r.top, "weighted_score"], lang),
            pv=voc.billions(ranking.loc[r.top, "pv_cost"], lang),
        )
    ]
    excluded = ranking[~ranking["eligible"]]
    for oid, row in excluded.iterrows():
        parts.append(voc.text("choice.rec.excluded", lang, option=names.option(oid), reason=row["exclusion_reason"]))
    parts += _per_point_sentences(choice, names)
    near = choice.sensitivity.dropna(subset=["weight_change"])
    if near.empty:
        parts.append(voc.term("choice.rec.weights_robust", lang))
    else:
        nearest = near.loc[near["weight_change"].abs().idxmin()]
        parts.append(
            voc.text(
                "choice.rec.weights_change",
                lang,
                criterion=nearest["criterion_name"],
                weight=voc.percent(nearest["weight"], lang),
                switch=voc.percent(nearest["switch_weight"], lang),
                new=names.option(nearest["new_top"]),
            )
        )
    unc = choice.uncertainty.summary.set_index("option")
    if r.top in unc.index:
        key = "choice.rec.uncertainty_ranges" if choice.uncertainty.method == "ranges" else "choice.rec.uncertainty_simplex"
        prob = voc.percent(unc.loc[r.top, "prob_first"], lang)
        parts.append(voc.text(key, lang, top=top, prob=prob, draws=voc.number(choice.uncertainty.draws, 0, lang)))
    if r.cost_weight is not None and choice.sensitivity_combined is not None:
        combined_top = r.ranking.loc[r.ranking["combined_rank"] == 1, "option"]
        if len(combined_top):
            parts.append(
                voc.text(
                    "choice.rec.combined",
                    lang,
                    weight=voc.percent(r.cost_weight, lang, 0),
                    top=names.option(combined_top.iloc[0]),
                )
            )
    cheapest = choice.cost.summary.loc[choice.cost.summary["rank"] == 1, "option"].iloc[0]
    if cheapest != r.top:
        parts.append(voc.text("choice.rec.cheapest_other", lang, cheapest=names.option(cheapest)))
    parts.append(voc.term("choice.rec.assumptions", lang))
    return " ".join(parts)


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------


def profile_figure(choice, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """Score profiles: one horizontal bar per eligible option, split into each criterion's contribution (points).

    Parameters
    ----------
    choice : ModelChoice
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    profile = choice.result.profile
    options = choice.result.order[::-1]  # best at the top
    criteria = list(dict.fromkeys(profile["criterion"]))
    labels = dict(zip(profile["criterion"], profile["criterion_name"], strict=True))
    fig, ax = figure_axes(ax, (10, 1.0 * len(options) + 3.2))
    colours = palette(len(criteria))
    left = np.zeros(len(options))
    for k, cid in enumerate(criteria):
        part = profile[profile["criterion"] == cid].set_index("option")["contribution"]
        widths = np.array([float(part.get(o, 0.0)) for o in options])
        ax.barh(range(len(options)), widths, left=left, color=colours[k], label=plain(labels[cid]), edgecolor="white")
        left += widths
    for i, total in enumerate(left):
        ax.text(total + 0.8, i, voc.number(total, 1, lang), va="center", fontsize=9)
    ax.set_yticks(range(len(options)), [plain(names.option_short(o)) for o in options])
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_xlabel(plain(voc.term("choice.chart.points", lang)))
    ax.set_title(plain(voc.term("choice.chart.profile_title", lang)), loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return fig


def uncertainty_figure(choice, lang: str | None = None, ax: Axes | None = None) -> Figure:
    """How often each option ranks first when the weights are drawn within their ranges (bars, per cent).

    Parameters
    ----------
    choice : ModelChoice
    lang : {"vi", "en"}, optional
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure when omitted.

    Returns
    -------
    matplotlib.figure.Figure
    """
    names = Names(choice.cost.scenario, lang)
    lang = names.lang
    summary = choice.uncertainty.summary
    fig, ax = figure_axes(ax, (8, 0.8 * len(summary) + 2.2))
    y = range(len(summary))
    ax.barh(list(y), summary["prob_first"] * 100, color=palette(1)[0])
    for i, p in enumerate(summary["prob_first"]):
        ax.text(p * 100 + 1, i, voc.percent(p, lang), va="center", fontsize=9)
    ax.set_yticks(list(y), [plain(names.option_short(o)) for o in summary["option"]])
    ax.set_xlim(0, 110)
    ax.xaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_xlabel(plain(voc.term("choice.chart.prob_axis", lang)))
    ax.set_title(
        plain(voc.text("choice.chart.uncertainty_title", lang, draws=voc.number(choice.uncertainty.draws, 0, lang))), loc="left"
    )
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)
    return fig


# ---------------------------------------------------------------------------
# Whole report
# ---------------------------------------------------------------------------


def _sections(choice, lang: str) -> list[tuple[str, list]]:
    """(heading, parts) with parts: ("p", text) or ("table", frame, unit_line) or ("list", [text])."""
    from costmodel.reports.narrative import switching_verdict

    names = Names(choice.cost.scenario, lang)
    shown = choice.cost
    summary = shown.summary.sort_values("rank", kind="stable")
    cost_cols = [c for c in ("rank", "option", "pv_cost", "eac", "nominal_outlay") if c in summary.columns]
    switching = [f"{names.input(r['input'])}: {switching_verdict(r, names)}" for r in choice.switching.to_dict("records")]
    found = [s for s, r in zip(switching, choice.switching.to_dict("records"), strict=True) if pd.notna(r["switching_value"])]
    draws = voc.number(choice.uncertainty.draws, 0, lang)
    sections = [
        (_t("choice.h.guidance", lang), [("p", p) for p in guidance_paragraphs(lang)]),
    ]
    if choice.survey is not None:
        sections.append(
            (
                _t("choice.h.survey", lang),
                [("p", survey_text(choice.survey, lang)), ("table", survey_frame(choice.survey, lang), "")],
            )
        )
    sections += [
        (
            _t("choice.h.cost", lang),
            [
                ("p", _t("choice.cost.intro", lang, title=shown.scenario.title)),
                ("table", reader_frame(summary, names, columns=cost_cols), _t("wb.unit_line", lang)),
                ("p", _t("choice.cost.switching_intro", lang)),
                ("list", found or [_t("text.no_switch", lang)]),
            ],
        ),
        (
            _t("choice.h.criteria", lang),
            [
                ("p", _t("choice.criteria.intro", lang)),
                ("table", gates_frame(choice, lang), ""),
                ("table", criteria_frame(choice, lang), ""),
                ("figure", "profile"),
                ("p", _t("choice.criteria.justification_intro", lang)),
                ("table", justification_frame(choice, lang), ""),
            ],
        ),
        (
            _t("choice.h.ranking", lang),
            [("table", ranking_frame(choice, lang), _t("wb.unit_line", lang)), ("p", _t("choice.ranking.note", lang))]
            + [("p", s) for s in _per_point_sentences(choice, names)],
        ),
        (
            _t("choice.h.sensitivity", lang),
            [
                ("p", _t("choice.sensitivity.intro", lang)),
                ("table", sensitivity_frame(choice.sensitivity, choice, lang), ""),
            ]
            + (
                [
                    ("p", _t("choice.sensitivity.combined_intro", lang, weight=voc.percent(choice.result.cost_weight, lang, 0))),
                    ("table", sensitivity_frame(choice.sensitivity_combined, choice, lang), ""),
                ]
                if choice.sensitivity_combined is not None
                else []
            )
            + [
                ("p", _t(f"choice.uncertainty.intro_{choice.uncertainty.method}", lang, draws=draws)),
                ("table", uncertainty_frame(choice, lang), ""),
                ("figure", "uncertainty"),
            ],
        ),
        (_t("choice.h.evidence", lang), [("p", evidence_text(choice, lang))]),
        (_t("choice.h.recommendation", lang), [("p", recommendation_text(choice, lang))]),
    ]
    return sections


def _figure(choice, which: str, lang: str) -> Figure:
    return profile_figure(choice, lang) if which == "profile" else uncertainty_figure(choice, lang)


def _png(fig: Figure) -> str:
    import base64

    from costmodel.reports.plotting import plain_figure, plain_rc

    buffer = io.BytesIO()
    with plain_rc():
        plain_figure(fig).savefig(buffer, format="png", dpi=110)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _heading(choice, lang: str) -> list[str]:
    return [_t("choice.title", lang), _t("choice.assumptions_banner", lang)]


def choice_html(choice, lang: str | None = None, standalone: bool = False) -> str:
    """The decision report as HTML (a notebook block, or a page with ``standalone``)."""
    lang = voc._lang(lang)
    title, banner = _heading(choice, lang)
    body = [f"<h2>{_e(title)}</h2>", f'<p class="assumption"><strong>{_e(banner)}</strong></p>']
    for n, (heading, parts) in enumerate(_sections(choice, lang), start=1):
        body.append(f"<h3>{n}. {_e(heading)}</h3>")
        for part in parts:
            kind = part[0]
            if kind == "p":
                body.append(f"<p>{_e(part[1])}</p>")
            elif kind == "list":
                body.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in part[1]) + "</ul>")
            elif kind == "table":
                body.append(html_table(part[1], unit_line=part[2] or None))
            elif kind == "figure":
                body.append(f'<img src="data:image/png;base64,{_png(_figure(choice, part[1], lang))}" style="max-width:100%">')
    style = (
        ".costmodel{border-collapse:collapse;margin:.4em 0}.costmodel th,.costmodel td{border:1px solid #bbb;padding:2px 6px;"
        "vertical-align:top}.costmodel th{background:#DDEBF7}.assumption{color:#9C5700}"
    )
    inner = f"<style>{style}</style>" + "\n".join(body)
    if not standalone:
        return inner
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title></head>'
        f"<body style=\"font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;max-width:80em\">\n{inner}\n</body></html>\n"
    )


def choice_markdown(choice, lang: str | None = None) -> str:
    """The decision report as Markdown (charts as the PNG files written beside it).

    Every text is escaped (:func:`~costmodel.reports.tables.md_escape`): names of
    options, criteria, gates, provinces and justifications never become HTML or markup.
    """
    lang = voc._lang(lang)
    m = md_escape
    title, banner = _heading(choice, lang)
    lines = [f"# {m(title)}", "", f"**{m(banner)}**", ""]
    for n, (heading, parts) in enumerate(_sections(choice, lang), start=1):
        lines += [f"## {n}. {m(heading)}", ""]
        for part in parts:
            kind = part[0]
            if kind == "p":
                lines += [md_paragraph(part[1]), ""]
            elif kind == "list":
                lines += [f"- {md_paragraph(x)}" for x in part[1]] + [""]
            elif kind == "table":
                if part[2]:
                    lines += [f"*{m(part[2])}*", ""]
                lines += [markdown_table(part[1]), ""]
            elif kind == "figure":
                lines += [f"![{m(voc.term(f'choice.chart.{part[1]}_alt', lang))}]({part[1]}.png)", ""]
    return "\n".join(lines)


def choice_workbook(choice, lang: str | None = None) -> bytes:
    """The decision tables as an .xlsx workbook (one sheet per table; text, never formulas; A4 landscape)."""
    import xlsxwriter

    lang = voc._lang(lang)
    title, banner = _heading(choice, lang)
    sheets = [
        ("choice.sheet.ranking", ranking_frame(choice, lang)),
        ("choice.sheet.criteria", criteria_frame(choice, lang)),
        ("choice.sheet.gates", gates_frame(choice, lang)),
        ("choice.sheet.scores", justification_frame(choice, lang)),
        ("choice.sheet.sensitivity", sensitivity_frame(choice.sensitivity, choice, lang)),
        ("choice.sheet.uncertainty", uncertainty_frame(choice, lang)),
    ]
    if choice.survey is not None:
        sheets.append(("choice.sheet.survey", survey_frame(choice.survey, lang)))
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    base = {"font_name": "Times New Roman", "font_size": 11, "valign": "top"}
    head_fmt = book.add_format({**base, "bold": True, "font_size": 13, "text_wrap": True})
    note = book.add_format({**base, "italic": True, "text_wrap": True, "font_color": "#9C5700"})
    header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center"})
    cell = book.add_format({**base, "text_wrap": True, "border": 1})
    for key, frame in sheets:
        sheet = book.add_worksheet(voc.term(key, lang)[:31])
        last = max(len(frame.columns) - 1, 1)
        sheet.merge_range(0, 0, 0, last, f"{title} — {voc.term(key, lang)}", head_fmt)
        sheet.set_row(0, 36)
        sheet.merge_range(1, 0, 1, last, banner, note)
        sheet.set_row(1, 45)
        widths = []
        for c, col in enumerate(frame.columns):
            longest = max([len(str(col))] + [len(str(v)) for v in frame[col]])
            widths.append(min(max(8, longest * 1.05), 60))
            sheet.write_string(3, c, str(col), header)
        for r, values in enumerate(frame.itertuples(index=False), start=4):
            height = 1
            for c, value in enumerate(values):
                sheet.write_string(r, c, str(value), cell)
                height = max(height, math.ceil(len(str(value)) / max(widths[c], 1)))
            sheet.set_row(r, 15 * height + 2)
        for c, w in enumerate(widths):
            sheet.set_column(c, c, w)
        sheet.freeze_panes(4, 0)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(3)
        sheet.set_footer("&C" + voc.text("compare.page", lang, page="&P", pages="&N"))
    book.close()
    return buffer.getvalue()

"""Ledger -> summary, budget and cumulative tables.

Metrics never change the ledger; every number here is a sum over ledger rows
(NIST Handbook 135 for LCC, SIR, AIRR and payback; the equivalent annual
cost is the "annual value" of NIST BLCC reports).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from costmodel import finance
from costmodel.scenario import BUDGETS, Scenario
from costmodel.values import central_values

__all__ = [
    "BUDGET_COLUMNS",
    "CUMULATIVE_COLUMNS",
    "ESTIMATE_COLUMNS",
    "NOISE_RELATIVE_TOLERANCE",
    "SUMMARY_COLUMNS",
    "budget_table",
    "crossovers",
    "cumulative_table",
    "estimate_table",
    "round_ledger",
    "round_vnd",
    "summary_table",
]

SUMMARY_COLUMNS = [
    "option",
    "name",
    "pv_cost",
    "nominal_outlay",
    "residual_value",
    "eac",
    "unit_cost",
    "rank",
    "net_savings",
    "sir",
    "airr",
    "simple_payback_year",
    "discounted_payback_year",
]
BUDGET_COLUMNS = ["option", "year", "budget", "nominal"]
CUMULATIVE_COLUMNS = ["option", "year", "cumulative_nominal", "cumulative_present_value"]
ESTIMATE_COLUMNS = ["option", "budget", "category", "line", "item", "position", "year", "before_vat", "vat", "nominal"]

#: A cumulative saving or added investment within this fraction of the baseline's pv_cost of zero
#: counts as zero (rounding noise) in payback and SIR.
NOISE_RELATIVE_TOLERANCE = 1e-9


def _yearly(ledger: pd.DataFrame, scenario: Scenario, value: str) -> pd.DataFrame:
    """Option x horizon-year table of ``value`` summed over non-residual rows."""
    rows = ledger[ledger["kind"] != "residual"]
    table = rows.pivot_table(index="option", columns="year", values=value, aggfunc="sum", fill_value=0.0)
    ids = [o.id for o in scenario.options]
    return table.reindex(index=ids, columns=scenario.years, fill_value=0.0).astype(float)


def summary_table(ledger: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One row per option with the decision metrics, in file order.

    Parameters
    ----------
    ledger : pandas.DataFrame
        From :func:`costmodel.ledger.build_ledger`.
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`:

        * ``pv_cost`` = sum of present_value [VND];
        * ``nominal_outlay`` = sum of nominal of non-residual rows [VND];
        * ``residual_value`` = undiscounted residual credit, positive [VND];
        * ``eac`` = pv_cost x CRF(r, n), n = end_year - start_year + 1 [VND/year];
        * ``unit_cost`` = pv_cost / sum_y driver_y x DF(y) [VND/unit-year];
          NaN (it does not exist) without a ``unit_driver`` or when the
          driver is zero in every year;
        * ``rank`` = 1 for the lowest pv_cost (ties: file order);
        * against the baseline B (NaN on B's row): ``net_savings`` =
          pv_B - pv_A; ``sir`` = S / dI (NIST Handbook 135) when dI > 0;
          ``airr`` = (1 + r) * sir ** (1/n) - 1 when sir > 0; payback years
          (first year from which the cumulative saving stays >= 0; NaN when
          never reached).

        NaN marks a metric that does not exist for the row; the writers show
        it as an empty cell or a dash, never as "nan".
    """
    ids = [o.id for o in scenario.options]
    values = central_values(scenario)  # the one path to every number the engine uses
    r = float(values.discount_rate()[0])
    n = scenario.n_years
    by_option = ledger.groupby("option", sort=False)
    pv = by_option["present_value"].sum().reindex(ids, fill_value=0.0)
    is_res = ledger["kind"] == "residual"
    outlay = ledger[~is_res].groupby("option")["nominal"].sum().reindex(ids, fill_value=0.0)
    residual = -ledger[is_res].groupby("option")["nominal"].sum().reindex(ids, fill_value=0.0) + 0.0  # no -0.0
    invest = ledger[ledger["budget"] == "investment"].groupby("option")["present_value"].sum().reindex(ids, fill_value=0.0)

    eac = finance.equivalent_annual_cost(pv.to_numpy(), r, n)

    unit_cost = np.full(len(ids), np.nan)
    if scenario.unit_driver is not None:
        t = finance.time_in_years(scenario.years, scenario.base_year, scenario.timing)
        units = values.driver(scenario.unit_driver)[0]
        levelized_units = float(np.sum(units * finance.discount_factor(r, t)))
        if levelized_units != 0:
            unit_cost = pv.to_numpy() / levelized_units

    # rank: stable sort keeps file order for ties
    order = np.argsort(pv.to_numpy(), kind="stable")
    rank = np.empty(len(ids), dtype=int)
    rank[order] = np.arange(1, len(ids) + 1)

    b = scenario.baseline
    pv_b, inv_b = pv[b], invest[b]
    nominal = _yearly(ledger, scenario, "nominal")
    present = _yearly(ledger, scenario, "present_value")
    tol = NOISE_RELATIVE_TOLERANCE * abs(pv_b)

    rows = []
    for i, opt in enumerate(scenario.options):
        a = opt.id
        row = {
            "option": a,
            "name": opt.name,
            "pv_cost": pv[a],
            "nominal_outlay": outlay[a],
            "residual_value": residual[a],
            "eac": float(eac[i]),
            "unit_cost": unit_cost[i],
            "rank": int(rank[i]),
            "net_savings": np.nan,
            "sir": np.nan,
            "airr": np.nan,
            "simple_payback_year": np.nan,
            "discounted_payback_year": np.nan,
        }
        if a != b:
            row["net_savings"] = pv_b - pv[a]
            delta_i = invest[a] - inv_b
            # Equal investment up to rounding noise of the larger of the two totals compared: SIR undefined
            # (a ratio over noise would be any number, up to overflow: fuzzed scenario, 5e-324 đồng added).
            if abs(delta_i) <= max(tol, NOISE_RELATIVE_TOLERANCE * abs(pv[a])):
                delta_i = 0.0
            savings = (pv_b - inv_b) - (pv[a] - invest[a])
            sir = float(finance.savings_to_investment_ratio(savings, delta_i))
            row["sir"] = sir
            row["airr"] = float(finance.adjusted_internal_rate_of_return(sir, r, n))
            row["simple_payback_year"] = finance.payback_year(scenario.years, nominal.loc[b] - nominal.loc[a], tol)
            row["discounted_payback_year"] = finance.payback_year(scenario.years, present.loc[b] - present.loc[a], tol)
        rows.append(row)
    table = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    for col in ("simple_payback_year", "discounted_payback_year"):
        table[col] = table[col].astype("Int64")
    return table


def budget_table(ledger: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """What each budget pays each year, per option (residual credits excluded).

    Parameters
    ----------
    ledger : pandas.DataFrame
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns :data:`BUDGET_COLUMNS`; every option x horizon year x budget
        ("investment" = development-investment capital, "recurrent" =
        recurrent spending), zero where nothing is paid. ``nominal`` [VND],
        VAT included.
    """
    rows = ledger[ledger["kind"] != "residual"]
    sums = rows.groupby(["option", "year", "budget"])["nominal"].sum()
    index = pd.MultiIndex.from_product(
        [[o.id for o in scenario.options], scenario.years, list(BUDGETS)], names=["option", "year", "budget"]
    )
    out = sums.reindex(index, fill_value=0.0).reset_index()
    out["year"] = out["year"].astype("int64")
    out["nominal"] = out["nominal"].astype(float)
    return out[BUDGET_COLUMNS]


def cumulative_table(ledger: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Cumulative nominal and present-value cost per option by year.

    Residual credits are excluded, so the curves show what is paid out; the
    year in which one option's curve crosses another's is the crossover.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CUMULATIVE_COLUMNS`. [VND]
    """
    nominal = _yearly(ledger, scenario, "nominal").cumsum(axis=1)
    present = _yearly(ledger, scenario, "present_value").cumsum(axis=1)
    out = pd.DataFrame(
        {
            "option": np.repeat(nominal.index.to_numpy(), len(scenario.years)),
            "year": np.tile(scenario.years, len(nominal.index)).astype("int64"),
            "cumulative_nominal": nominal.to_numpy().ravel(),
            "cumulative_present_value": present.to_numpy().ravel(),
        }
    )
    return out[CUMULATIVE_COLUMNS]


def crossovers(cumulative: pd.DataFrame, column: str = "cumulative_nominal") -> pd.DataFrame:
    """Years in which one option's cumulative cost overtakes another's.

    For every pair of options and every pair of consecutive years where the
    sign of the difference changes, the crossing is placed by linear
    interpolation between the two year-end points.

    Returns
    -------
    pandas.DataFrame
        Columns ``overtaking`` (the option that becomes dearer), ``overtaken``,
        ``year`` (fractional), ``value``. [VND]
    """
    wide = cumulative.pivot(index="year", columns="option", values=column)
    years = wide.index.to_numpy(dtype=float)
    rows = []
    opts = list(dict.fromkeys(cumulative["option"]))
    for i, a in enumerate(opts):
        for b in opts[i + 1 :]:
            d = (wide[a] - wide[b]).to_numpy()
            for k in range(len(d) - 1):
                if d[k] == 0 or np.sign(d[k]) == np.sign(d[k + 1]):
                    continue
                f = d[k] / (d[k] - d[k + 1])
                y = years[k] + f * (years[k + 1] - years[k])
                v = wide[a].iloc[k] + f * (wide[a].iloc[k + 1] - wide[a].iloc[k])
                over, under = (a, b) if d[k + 1] > 0 else (b, a)
                rows.append({"overtaking": over, "overtaken": under, "year": float(y), "value": float(v)})
    return pd.DataFrame(rows, columns=["overtaking", "overtaken", "year", "value"])


def round_vnd(x: float) -> float:
    """Round half away from zero to the whole đồng. [VND]

    Examples
    --------
    >>> round_vnd(2.5), round_vnd(-2.5), round_vnd(2.4999)
    (3.0, -3.0, 2.0)
    """
    return float(np.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def estimate_table(ledger: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The estimate (dự toán) of every option: amounts by cost line and year, split by VAT.

    Each ledger row's after-VAT (``nominal``) and before-VAT amounts are first
    rounded to the whole đồng (what is paid) and its VAT is their difference,
    so before VAT + VAT = after VAT on every line and every total. Residual
    credits are not spending and are left out.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ESTIMATE_COLUMNS`: one row per option x cost line x
        horizon year, in file order. ``line`` is ``"item"`` (an item's cost and
        replacement rows; ``item`` its name, ``position`` its place in the
        option) or ``"contingency"`` (the contingency rows of one budget
        source; ``item`` empty, ``category`` empty, ``position`` 0); years
        without spending are 0. [VND]
    """
    rows = ledger[ledger["kind"] != "residual"].copy()
    rows["nominal_r"] = [round_vnd(x) for x in rows["nominal"]]
    rows["before_r"] = [round_vnd(x) for x in rows["before_vat"]]
    years = [int(y) for y in scenario.years]
    out = []
    for opt in scenario.options:
        mine = rows[rows["option"] == opt.id]
        for budget in BUDGETS:
            lines = [
                ("item", it.category, it.name, it.position, (mine["item"] == it.name) & (mine["kind"] != "contingency"))
                for it in opt.items
                if it.budget == budget
            ]
            if any(it.contingency for it in opt.items if it.budget == budget):
                lines.append(("contingency", "", "", 0, (mine["budget"] == budget) & (mine["kind"] == "contingency")))
            for line, category, item, position, mask in lines:
                sel = mine[mask]
                if sel.empty:
                    continue
                by_year = sel.groupby("year")[["nominal_r", "before_r"]].sum()
                for y in years:
                    nominal = float(by_year["nominal_r"].get(y, 0.0))
                    before = float(by_year["before_r"].get(y, 0.0))
                    out.append(
                        {
                            "option": opt.id,
                            "budget": budget,
                            "category": category,
                            "line": line,
                            "item": item,
                            "position": position,
                            "year": y,
                            "before_vat": before,
                            "vat": nominal - before,
                            "nominal": nominal,
                        }
                    )
    return pd.DataFrame(out, columns=ESTIMATE_COLUMNS)


def round_ledger(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger as paid: each line's amounts rounded to the whole đồng, present value from the rounded amount.

    ``nominal``, ``before_vat`` and ``real`` are rounded half away from zero;
    ``vat = nominal - before_vat``; ``present_value = nominal x discount_factor``
    rounded the same way (the workbook's formula is ``ROUND(nominal *
    discount factor; 0)``, so every present value a reader sees, line or total,
    is whole đồng and the totals are the sums of the lines shown).
    Every total a reader sees is built from these lines (the workbook's
    formulas, the printed and HTML tables, the charts), so totals agree to the
    đồng across documents; the CSV files keep the unrounded ledger.
    """
    out = ledger.copy()
    for col in ("nominal", "before_vat", "real"):
        out[col] = [round_vnd(x) for x in out[col]]
    out["vat"] = out["nominal"] - out["before_vat"]
    out["present_value"] = [round_vnd(x) for x in out["nominal"] * out["discount_factor"]]
    return out

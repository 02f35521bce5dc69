"""Scenario -> long-format cash-flow ledger: the single source of every number.

One row per option x item x year x kind with a non-zero amount. Every metric,
table and chart is computed from this ledger, so a reviewer who checks the
ledger line by line has checked everything.

The rules implemented here are stated in ``docs/methodology.md`` (section
"Cash flows"); each function's docstring repeats the rule it applies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel import finance
from costmodel.scenario import Item, Scenario

__all__ = [
    "LEDGER_COLUMNS",
    "MONTHS_PER_YEAR",
    "WHOLE_MODULE_TOLERANCE",
    "ItemFlows",
    "build_ledger",
    "installed_capacity",
    "item_flows",
]

MONTHS_PER_YEAR = 12
#: A need within this many modules of a whole number of modules counts as
#: that whole number when rounding purchases up (guards against 10.000000001).
WHOLE_MODULE_TOLERANCE = 1e-9

LEDGER_COLUMNS = [
    "option",
    "item",
    "category",
    "budget",
    "kind",
    "year",
    "quantity",
    "unit_price",
    "nominal",
    "real",
    "discount_factor",
    "present_value",
    "source",
]


@dataclass(frozen=True)
class ItemFlows:
    """Cash flows of one item by kind, before discounting.

    All arrays are indexed by horizon year (``start_year`` first).

    Attributes
    ----------
    unit_price : numpy.ndarray
        Escalated price per unit per period, excluding VAT. [VND]
    cost_quantity, cost_nominal : numpy.ndarray
        First purchases / recurring charges: units and amount incl. VAT. [unit], [VND]
    replacement_quantity, replacement_nominal : numpy.ndarray
        Re-purchases of assets at end of life. [unit], [VND]
    residual_quantity : float
        Units credited with a residual value at the end of the horizon. [unit]
    residual_unit_price : float
        Quantity-weighted price (excl. VAT) of the latest purchases credited. [VND]
    residual_credit : float
        Residual value credited at the end of ``end_year``, as a positive
        number (VAT included). [VND]
    """

    unit_price: np.ndarray
    cost_quantity: np.ndarray
    cost_nominal: np.ndarray
    replacement_quantity: np.ndarray
    replacement_nominal: np.ndarray
    residual_quantity: float
    residual_unit_price: float
    residual_credit: float


def installed_capacity(need: np.ndarray, existing: float, module: float) -> np.ndarray:
    """Installed units when capacity is bought in whole modules as need grows.

    ``installed_y = max(installed_{y-1}, existing + module * ceil(max(0,
    need_y - existing) / module))`` with ``need_y`` the running maximum of the
    need, so capacity is never sold back. A need within
    :data:`WHOLE_MODULE_TOLERANCE` modules of a whole number of modules
    counts as that whole number.

    Parameters
    ----------
    need : numpy.ndarray
        Need in each year from the item's first year on. [unit]
    existing : float
        Units installed before the first year (never bought or replaced). [unit]
    module : float
        Purchase module, > 0. [unit]

    Returns
    -------
    numpy.ndarray
        Installed units at the end of each year. [unit]

    Examples
    --------
    >>> installed_capacity(np.array([3.0, 5.0, 4.0, 9.1]), existing=2, module=4).tolist()
    [6.0, 6.0, 6.0, 10.0]
    """
    running = np.maximum.accumulate(np.asarray(need, dtype=float), axis=-1)
    modules = np.maximum(0.0, running - existing) / module
    nearest = np.round(modules)
    whole = np.where(np.abs(modules - nearest) <= WHOLE_MODULE_TOLERANCE, nearest, np.ceil(modules))
    installed = existing + module * whole
    return np.maximum.accumulate(installed, axis=-1)


def item_flows(item: Item, scenario: Scenario) -> ItemFlows:
    """Yearly cash flows of one item (the rules of docs/methodology.md).

    1. ``price_y = price * (1 + escalation) ** (y - base_year)``.
    2. ``q_y`` = the number, or the driver's value in year ``y``.
    3. Amount before VAT, for ``from <= y <= to``: ``"year"`` price_y * q_y;
       ``"month"`` 12 * price_y * q_y; ``"once"`` price_y * q_y in ``from``
       only; ``"added"`` price_y * (installed_y - installed_{y-1}).
    4. Nominal amount = amount * (1 + vat).
    5. Assets (``life = L``): each purchase (lot) is bought again with the
       same quantity in p + L, p + 2L, ... while <= end_year; the latest
       purchase of each lot is credited a residual value at the end of
       end_year: linear ``paid * (p_last + L - (end_year + 1)) / L`` when
       positive, or ``f * paid`` for a resale fraction f.

    Parameters
    ----------
    item : Item
        A resolved item.
    scenario : Scenario
        Its scenario (horizon, base year, drivers).

    Returns
    -------
    ItemFlows
    """
    years = scenario.years
    n = years.size
    unit_price = item.price * (1.0 + item.escalation) ** (years - scenario.base_year)
    q = scenario.quantity_series(item)
    active = (years >= item.from_year) & (years <= item.to_year)
    vat_factor = 1.0 + item.vat
    first = item.from_year - scenario.start_year

    cost_q = np.zeros(n)
    if item.per in ("year", "month"):
        cost_q = np.where(active, q, 0.0)
        periods = MONTHS_PER_YEAR if item.per == "month" else 1
        cost_nominal = periods * unit_price * cost_q * vat_factor
    elif item.per == "once":
        cost_q[first] = q[first]
        cost_nominal = unit_price * cost_q * vat_factor
    else:  # "added"
        last = item.to_year - scenario.start_year
        installed = installed_capacity(q[first : last + 1], item.existing, item.module)
        bought = np.diff(installed, prepend=item.existing)
        cost_q[first : last + 1] = bought
        cost_nominal = unit_price * cost_q * vat_factor

    repl_q = np.zeros(n)
    residual_q = residual_value_base = residual_credit = 0.0
    if item.life is not None:
        life = item.life
        for p in np.flatnonzero(cost_q > 0):
            lot = cost_q[p]
            latest = p
            for again in range(p + life, n, life):
                repl_q[again] += lot
                latest = again
            paid = unit_price[latest] * lot * vat_factor
            if item.residual == "linear":
                remaining = (years[latest] + life - (scenario.end_year + 1)) / life
                credit = paid * remaining if remaining > 0 else 0.0
            elif item.residual == "none":
                credit = 0.0
            else:
                credit = float(item.residual) * paid
            if credit > 0:
                residual_q += lot
                residual_value_base += unit_price[latest] * lot
                residual_credit += credit
    repl_nominal = unit_price * repl_q * vat_factor
    return ItemFlows(
        unit_price=unit_price,
        cost_quantity=cost_q,
        cost_nominal=cost_nominal,
        replacement_quantity=repl_q,
        replacement_nominal=repl_nominal,
        residual_quantity=residual_q,
        residual_unit_price=residual_value_base / residual_q if residual_q else 0.0,
        residual_credit=residual_credit,
    )


def build_ledger(scenario: Scenario) -> pd.DataFrame:
    """Build the cash-flow ledger of every option of a scenario.

    Discounting (NIST Handbook 135; OMB A-94 App. B): ``t = (y - base_year)
    + {start: 0, mid: 0.5, end: 1}[timing]``, ``discount_factor = (1 + r) **
    -t``, ``present_value = nominal * discount_factor``. The residual row uses
    ``t = end_year - base_year + 1`` (the end of the horizon). Real-terms
    amount ``real = nominal / (1 + inflation) ** (y - base_year)``.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LEDGER_COLUMNS`; one row per option x item x year x
        kind with a non-zero nominal amount, in file order, then year, then
        kind (cost, replacement, residual). ``nominal``, ``real`` and
        ``present_value`` are [VND], negative for residual credits;
        ``unit_price`` is per period (month, year or unit) excluding VAT.
    """
    years = scenario.years
    r = scenario.discount_rate
    deflator = (1.0 + scenario.inflation) ** (years - scenario.base_year)
    columns: dict[str, list] = {c: [] for c in LEDGER_COLUMNS}

    def add(opt_id: str, item: Item, kind: str, year_idx: np.ndarray, qty, price, nominal, t) -> None:
        k = year_idx.size
        columns["option"] += [opt_id] * k
        columns["item"] += [item.name] * k
        columns["category"] += [item.category] * k
        columns["budget"] += [item.budget] * k
        columns["kind"] += [kind] * k
        columns["year"] += years[year_idx].tolist()
        columns["quantity"] += np.asarray(qty, dtype=float).tolist()
        columns["unit_price"] += np.asarray(price, dtype=float).tolist()
        columns["nominal"] += np.asarray(nominal, dtype=float).tolist()
        columns["real"] += (np.asarray(nominal) / deflator[year_idx]).tolist()
        df = finance.discount_factor(r, t)
        columns["discount_factor"] += np.asarray(df, dtype=float).tolist()
        columns["present_value"] += (np.asarray(nominal) * df).tolist()
        columns["source"] += [item.source] * k

    for opt in scenario.options:
        for item in opt.items:
            flows = item_flows(item, scenario)
            t = finance.time_in_years(years, scenario.base_year, item.timing)
            rows_by_year: list[tuple[int, str, float, float, float, float]] = []
            for kind, qty, nominal in (
                ("cost", flows.cost_quantity, flows.cost_nominal),
                ("replacement", flows.replacement_quantity, flows.replacement_nominal),
            ):
                for i in np.flatnonzero(nominal != 0):
                    rows_by_year.append((int(i), kind, qty[i], flows.unit_price[i], nominal[i], t[i]))
            rows_by_year.sort(key=lambda row: (row[0], row[1] != "cost"))
            for i, kind, qty, price, nominal, ti in rows_by_year:
                add(opt.id, item, kind, np.array([i]), [qty], [price], [nominal], [ti])
            if flows.residual_credit > 0:
                last = np.array([years.size - 1])
                t_res = scenario.end_year - scenario.base_year + 1.0
                add(
                    opt.id,
                    item,
                    "residual",
                    last,
                    [flows.residual_quantity],
                    [flows.residual_unit_price],
                    [-flows.residual_credit],
                    [t_res],
                )
    ledger = pd.DataFrame(columns)
    ledger["year"] = ledger["year"].astype("int64")
    for col in ("quantity", "unit_price", "nominal", "real", "discount_factor", "present_value"):
        ledger[col] = ledger[col].astype("float64")
    return ledger

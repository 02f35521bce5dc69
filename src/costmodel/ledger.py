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
from costmodel.values import InputValues, central_values

__all__ = [
    "LEDGER_COLUMNS",
    "MONTHS_PER_YEAR",
    "WHOLE_MODULE_TOLERANCE",
    "ItemFlows",
    "OptionArrays",
    "build_ledger",
    "general_option_arrays",
    "installed_capacity",
    "item_flows",
    "option_arrays",
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
    "periods",
    "before_vat",
    "vat",
    "nominal",
    "real",
    "t",
    "discount_factor",
    "present_value",
    "source",
]


@dataclass(frozen=True)
class ItemFlows:
    """Cash flows of one item by kind, before discounting, for ``n`` draws.

    Arrays have the draw on the first axis and, where it applies, the horizon
    year (``start_year`` first) on the second.

    Attributes
    ----------
    unit_price : numpy.ndarray, shape (n, years)
        Escalated price per unit per period, excluding VAT. [VND]
    cost_quantity, cost_nominal : numpy.ndarray, shape (n, years)
        First purchases / recurring charges: units and amount incl. VAT. [unit], [VND]
    replacement_quantity, replacement_nominal : numpy.ndarray, shape (n, years)
        Re-purchases of assets at end of life. [unit], [VND]
    residual_quantity : numpy.ndarray, shape (n,)
        Units credited with a residual value at the end of the horizon. [unit]
    residual_unit_price : numpy.ndarray, shape (n,)
        Quantity-weighted price (excl. VAT) of the latest purchases credited. [VND]
    residual_credit : numpy.ndarray, shape (n,)
        Residual value credited at the end of ``end_year``, as a positive
        number (VAT included). [VND]
    contingency_nominal : numpy.ndarray, shape (n, years)
        Contingency (chi phí dự phòng): the item's contingency share of its
        cost and replacement amounts, VAT included. [VND]
    time_offset : numpy.ndarray, shape (years,)
        Where in each year the item's cash flows fall, from the start of the
        year (:func:`costmodel.finance.timing_offset` over the months the item
        is in service that year). [year]
    """

    unit_price: np.ndarray
    cost_quantity: np.ndarray
    cost_nominal: np.ndarray
    replacement_quantity: np.ndarray
    replacement_nominal: np.ndarray
    residual_quantity: np.ndarray
    residual_unit_price: np.ndarray
    residual_credit: np.ndarray
    contingency_nominal: np.ndarray
    time_offset: np.ndarray


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
        Need in each year from the item's first year on (last axis = year;
        leading axes, e.g. draws, broadcast). [unit]
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


def item_flows(option_id: str, item: Item, scenario: Scenario, values: InputValues | None = None) -> ItemFlows:
    """Yearly cash flows of one item for every draw (the rules of docs/methodology.md).

    1. ``price_y = price * f * (1 + escalation) ** (y - base_year)``, with
       ``f`` the price-index factor of a price quoted in ``price_year``.
    2. ``q_y`` = the number, or the driver's value in year ``y``.
    3. Amount before VAT, with ``m_y`` the months of year ``y`` from
       ``from`` to ``to`` (12 for a whole year): ``"year"`` price_y * q_y *
       m_y / 12; ``"month"`` m_y * price_y * q_y; ``"once"`` price_y * q_y in
       the year of ``from`` only; ``"added"`` price_y * (installed_y -
       installed_{y-1}) from the year of ``from``.
    4. Nominal amount = amount * (1 + vat).
    5. Contingency (share ``c`` of a ``[contingency]`` rule covering the
       item): ``c * (cost + replacement)`` nominal amounts, same year.
    6. Assets (``life = L``): each purchase (lot) is bought again with the
       same quantity in p + L, p + 2L, ... while <= end_year; the latest
       purchase of each lot is credited a residual value at the end of
       end_year: linear ``paid * (p_last + L - (end_year + 1)) / L`` when
       positive, or ``f * paid`` for a resale fraction f.

    Parameters
    ----------
    option_id : str
        Id of the item's option (inputs are addressed by option and item).
    item : Item
        A resolved item.
    scenario : Scenario
        Its scenario (horizon, base year, drivers).
    values : InputValues, optional
        Input values for the draws; default the central values (one draw).

    Returns
    -------
    ItemFlows
    """
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite results are reported by costmodel.evaluation
        return _item_flows(option_id, item, scenario, values)


def _item_flows(option_id: str, item: Item, scenario: Scenario, values: InputValues | None) -> ItemFlows:
    values = values if values is not None else central_values(scenario)
    years = scenario.years
    ny = years.size
    price = values.price(option_id, item)[:, None]
    escalation = values.escalation(option_id, item)[:, None]
    unit_price = price * (1.0 + escalation) ** (years - scenario.base_year)[None, :]
    q = values.quantity(option_id, item)
    # rows: n when anything of this item varies between draws, else 1 (broadcast later)
    n = max(unit_price.shape[0], q.shape[0])
    unit_price = np.broadcast_to(unit_price, (n, ny))
    q = np.broadcast_to(q, (n, ny))
    months = item.months_in_service(years)
    vat_factor = 1.0 + item.vat
    first = item.from_year - scenario.start_year

    cost_q = np.zeros((n, ny))
    if item.per in ("year", "month"):
        cost_q = np.where((months > 0)[None, :], q, 0.0)
        periods = months if item.per == "month" else months / MONTHS_PER_YEAR
        cost_nominal = periods[None, :] * unit_price * cost_q * vat_factor
    elif item.per == "once":
        cost_q[:, first] = q[:, first]
        cost_nominal = unit_price * cost_q * vat_factor
    else:  # "added"
        last = item.to_year - scenario.start_year
        installed = installed_capacity(q[:, first : last + 1], item.existing, item.module)
        cost_q[:, first : last + 1] = np.diff(installed, axis=1, prepend=np.full((n, 1), item.existing))
        cost_nominal = unit_price * cost_q * vat_factor

    repl_q = np.zeros((n, ny))
    residual_q = np.zeros(n)
    residual_base = np.zeros(n)
    residual_credit = np.zeros(n)
    if item.life is not None:
        life = item.life
        for p in range(ny):
            lot = cost_q[:, p]
            if not np.any(lot > 0):
                continue
            latest = p
            for again in range(p + life, ny, life):
                repl_q[:, again] += lot
                latest = again
            paid = unit_price[:, latest] * lot * vat_factor
            if item.residual == "linear":
                # months of life left after December of end_year, for a lot bought in month pm
                pm = item.from_month if p == first else 1
                age_end = (scenario.end_year + 1 - years[latest]) * MONTHS_PER_YEAR - (pm - 1)
                life_months = float(life) * MONTHS_PER_YEAR  # a float: any whole life, however long
                remaining = (life_months - float(age_end)) / life_months
                credit = paid * remaining if remaining > 0 else np.zeros(n)
            elif item.residual == "none":
                credit = np.zeros(n)
            else:
                credit = float(item.residual) * paid
            credited = credit > 0
            residual_q += np.where(credited, lot, 0.0)
            residual_base += np.where(credited, unit_price[:, latest] * lot, 0.0)
            residual_credit += np.where(credited, credit, 0.0)
    repl_nominal = unit_price * repl_q * vat_factor
    contingency_nominal = item.contingency * (cost_nominal + repl_nominal) if item.contingency else np.zeros((1, ny))
    # the timing point lies inside the months in service: recurring items from `from` to `to`,
    # assets from `from` to the end of the horizon
    last_year, last_month = (item.to_year, item.to_month) if item.per in ("year", "month") else (scenario.end_year, 12)
    first_m = np.where(years == item.from_year, item.from_month, 1)
    last_m = np.where(years == last_year, last_month, 12)
    time_offset = finance.timing_offset(item.timing, first_m, last_m)
    with np.errstate(invalid="ignore", divide="ignore"):
        residual_price = np.where(residual_q > 0, residual_base / np.where(residual_q > 0, residual_q, 1.0), 0.0)
    return ItemFlows(
        unit_price=unit_price,
        cost_quantity=cost_q,
        cost_nominal=cost_nominal,
        replacement_quantity=repl_q,
        replacement_nominal=repl_nominal,
        residual_quantity=residual_q,
        residual_unit_price=residual_price,
        residual_credit=residual_credit,
        contingency_nominal=contingency_nominal,
        time_offset=time_offset,
    )


def build_ledger(scenario: Scenario, values: InputValues | None = None) -> pd.DataFrame:
    """Build the cash-flow ledger of every option of a scenario (one draw).

    Discounting (NIST Handbook 135; OMB A-94 App. B): ``t = (y - base_year)
    + offset``, the offset placing the timing convention inside the item's
    months in service in year ``y`` (``start: (f - 1)/12``, ``mid: (f - 1 +
    l)/24``, ``end: l/12``; a whole year ``{start: 0, mid: 0.5, end: 1}``),
    ``discount_factor = (1 + r) ** -t``, ``present_value = nominal *
    discount_factor``; ``t`` is kept in the ledger [years from the start of
    the base year]. The residual row uses ``t = end_year - base_year + 1``
    (the end of the horizon). Real-terms
    amount ``real = nominal / (1 + inflation) ** (y - base_year)``.

    Parameters
    ----------
    scenario : Scenario
    values : InputValues, optional
        One draw of the inputs; default the central values.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LEDGER_COLUMNS`; one row per option x item x year x
        kind with a non-zero nominal amount, in file order, then year, then
        kind (cost, replacement, contingency, residual). ``before_vat``,
        ``vat``, ``nominal`` (= before_vat + vat), ``real`` and
        ``present_value`` are [VND], negative for residual credits;
        ``unit_price`` is per period (month, year or unit) excluding VAT,
        optimism bias included. ``periods`` is what the unit price is paid
        for in the year — months for a monthly price, the share of the year
        for a yearly one, 1 for a purchase — so that ``nominal = quantity x
        unit_price x periods x (1 + vat)`` on every row; a contingency row has
        the share as its ``quantity`` and the item's amount before VAT as its
        ``unit_price``; a residual row has minus the share of value left as its
        ``periods``.
    """
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite results are reported by costmodel.evaluation
        return _build_ledger(scenario, values)


def _build_ledger(scenario: Scenario, values: InputValues | None) -> pd.DataFrame:
    values = values if values is not None else central_values(scenario)
    if values.n != 1:
        raise ValueError("build_ledger takes one draw; use option_arrays for many")
    years = scenario.years
    r = float(values.discount_rate()[0])
    inflation = float(values.inflation()[0])
    deflator = (1.0 + inflation) ** (years - scenario.base_year)
    columns: dict[str, list] = {c: [] for c in LEDGER_COLUMNS}

    def add(
        opt_id: str, item: Item, kind: str, i: int, qty: float, price: float, nominal: float, t: float, periods: float
    ) -> None:
        df = float(finance.discount_factor(r, t))
        before = nominal / (1.0 + item.vat)
        columns["option"].append(opt_id)
        columns["item"].append(item.name)
        columns["category"].append(item.category)
        columns["budget"].append(item.budget)
        columns["kind"].append(kind)
        columns["year"].append(int(years[i]))
        columns["quantity"].append(float(qty))
        columns["unit_price"].append(float(price))
        columns["periods"].append(float(periods))
        columns["before_vat"].append(float(before))
        columns["vat"].append(float(nominal - before))
        columns["nominal"].append(float(nominal))
        columns["real"].append(float(nominal / deflator[i]))
        columns["t"].append(float(t))
        columns["discount_factor"].append(df)
        columns["present_value"].append(float(nominal * df))
        columns["source"].append(item.source)

    for opt in scenario.options:
        for item in opt.items:
            flows = item_flows(opt.id, item, scenario, values)
            t = (years - scenario.base_year) + flows.time_offset
            months = item.months_in_service(years)
            periods = months if item.per == "month" else (months / MONTHS_PER_YEAR if item.per == "year" else np.ones(years.size))
            for i in range(years.size):
                for kind, qty, nominal, per in (
                    ("cost", flows.cost_quantity, flows.cost_nominal, periods[i]),
                    ("replacement", flows.replacement_quantity, flows.replacement_nominal, 1.0),
                ):
                    if nominal[0, i] != 0:
                        add(opt.id, item, kind, i, qty[0, i], flows.unit_price[0, i], nominal[0, i], t[i], per)
                contingency = flows.contingency_nominal[0, i]
                if contingency != 0:
                    base = (flows.cost_nominal[0, i] + flows.replacement_nominal[0, i]) / (1.0 + item.vat)
                    add(opt.id, item, "contingency", i, item.contingency, base, contingency, t[i], 1.0)
            if flows.residual_credit[0] > 0:
                t_res = scenario.end_year - scenario.base_year + 1.0
                paid = flows.residual_unit_price[0] * flows.residual_quantity[0] * (1.0 + item.vat)
                add(
                    opt.id,
                    item,
                    "residual",
                    years.size - 1,
                    flows.residual_quantity[0],
                    flows.residual_unit_price[0],
                    -flows.residual_credit[0],
                    t_res,
                    -flows.residual_credit[0] / paid if paid else 0.0,
                )
    ledger = pd.DataFrame(columns)
    ledger["year"] = ledger["year"].astype("int64")
    for col in LEDGER_COLUMNS[6:-1]:  # quantity ... present_value
        ledger[col] = ledger[col].astype("float64")
    return ledger


@dataclass(frozen=True)
class OptionArrays:
    """Per-option totals for ``n`` draws, from the same item flows as the ledger.

    Attributes
    ----------
    options : tuple of str
        Option ids in file order.
    pv_cost : numpy.ndarray, shape (n, options)
        Present value of cost (residual credits subtracted). [VND]
    nominal : numpy.ndarray, shape (n, options, years)
        What is paid each year (residual excluded), VAT included. [VND]
    """

    options: tuple[str, ...]
    pv_cost: np.ndarray
    nominal: np.ndarray


def option_arrays(scenario: Scenario, values: InputValues, compiled: bool = True) -> OptionArrays:
    """Present value and yearly spending of every option for every draw.

    The same rules and discounting as :func:`build_ledger`, summed without
    building rows: this is what Monte Carlo, sensitivity analysis and the value
    of information evaluate, so they cannot drift from the deterministic ledger.
    By default the draws go through the scenario's compiled plan
    (:mod:`costmodel.risk.compiled`, built once per scenario: the same rules
    reduced to per-draw factors times fixed year patterns); values with
    overrides (sensitivity analysis), scenarios the plan cannot express, and
    draws whose result is not finite take the general path
    (:func:`general_option_arrays`, every item's flows as :func:`item_flows`
    gives them). The two agree to 1e-12 relative (``tests/test_compiled.py``).
    Overflow gives non-finite numbers here, without warnings; the callers
    report the input that caused them (:func:`costmodel.evaluation.check_draws`).

    Parameters
    ----------
    scenario : Scenario
    values : InputValues
    compiled : bool
        False: the general path only.
    """
    if compiled and not values.overridden:
        from costmodel.risk.compiled import plan_for

        plan = plan_for(scenario)
        if plan is not None:
            arrays = plan.arrays(values)
            if arrays is not None:
                return OptionArrays(tuple(o.id for o in scenario.options), *arrays)
    return general_option_arrays(scenario, values)


def general_option_arrays(scenario: Scenario, values: InputValues) -> OptionArrays:
    """:func:`option_arrays` on the general path: every item's flows from :func:`item_flows`, summed by timing."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _option_arrays(scenario, values)


def _option_arrays(scenario: Scenario, values: InputValues) -> OptionArrays:
    years = scenario.years
    n = values.n
    r = values.discount_rate()[:, None]
    t_res = scenario.end_year - scenario.base_year + 1.0
    df_res = (1.0 + r[:, 0]) ** -t_res
    factors: dict[tuple, np.ndarray] = {}
    pv = np.zeros((n, len(scenario.options)))
    nominal = np.zeros((n, len(scenario.options), years.size))
    for k, opt in enumerate(scenario.options):
        # sum the option's flows by time pattern first, then discount once per pattern
        by_time: dict[tuple, np.ndarray] = {}
        residual = np.zeros(1)
        for item in opt.items:
            flows = item_flows(opt.id, item, scenario, values)
            paid = flows.cost_nominal + flows.replacement_nominal + flows.contingency_nominal
            key = tuple(flows.time_offset.tolist())
            by_time[key] = paid if key not in by_time else by_time[key] + paid
            residual = residual + flows.residual_credit
        for key, paid in by_time.items():
            if key not in factors:
                factors[key] = (1.0 + r) ** -((years - scenario.base_year) + np.asarray(key))[None, :]
            nominal[:, k, :] += paid
            pv[:, k] += np.sum(paid * factors[key], axis=1)
        pv[:, k] -= residual * df_res
    return OptionArrays(tuple(o.id for o in scenario.options), pv, nominal)

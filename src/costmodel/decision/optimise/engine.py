"""Every cost coefficient of the optimiser, from the engine itself.

Nothing here discounts, escalates or adds VAT: the optimiser's coefficients are the
present values and yearly spending that :func:`costmodel.ledger.build_ledger` computes
for small scenarios derived from the scenario's own input (``Scenario.data``), built
and validated with :func:`costmodel.parse_scenario`:

* the **unit scenario**: one option per (item charged on a capacity, year) holding a
  copy of the item whose quantity is a driver equal to one unit in that year (an item
  charged per unit used) or one module from that year on (an ``added`` item: the
  engine buys one module that year, replaces it after ``life`` and credits its residual
  value). Its present value is the cost of one unit used, or of one module bought, in
  that year;
* the **fixed scenario** of a future: each option with only its fixed items, at the
  future's driver values.

The engine is linear in these decisions (an item's flows are a sum over years of price
x quantity, an ``added`` item's a sum over its lots), so the present value of any plan
is the sum of coefficient x decision; ``tests/test_optimise.py`` checks it against the
engine's evaluation of the plan.

Derived scenarios write every item's first and last month as resolved (``"2024-10"``),
so dates taken from a procurement plan need no plan file, and cover by the
``[contingency]`` rule exactly the items the scenario's rule covers (listed by name).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from costmodel.ledger import build_ledger
from costmodel.scenario import BUDGETS, Item, Scenario, parse_scenario

from .structure import Future, Structure

__all__ = ["Coefficients", "FixedCosts", "derived_frame", "engine_totals", "fixed_costs", "item_table", "unit_coefficients"]

#: Tables of the scenario file kept in derived scenarios (the others name options or are not costs).
_KEPT = ("parameters", "correlation")


def item_table(scenario: Scenario, item: Item, option_index: int, **changes: Any) -> dict:
    """An item's table as the file has it, with its resolved months written out and ``changes`` applied.

    The dates are the resolved first and last months (``from = "2025-07"``); an option's
    default dates and plan links are thereby inlined, so the item means the same in any
    option and any folder.
    """
    raw = copy.deepcopy(scenario.data["options"][option_index]["items"][item.position - 1])
    for key in ("from", "to", "months"):
        raw.pop(key, None)
    raw["from"] = f"{item.from_year}-{item.from_month:02d}"
    if item.per in ("year", "month") or (item.per == "added" and item.life is None):
        raw["to"] = f"{item.to_year}-{item.to_month:02d}"
    raw.update(changes)
    return raw


def _price_index_path(scenario: Scenario) -> str | None:
    """Absolute path of the scenario's price index, when it has or needs one."""
    head = scenario.data.get("scenario", {})
    needed = head.get("price_index") is not None or any(it.price_year is not None for o in scenario.options for it in o.items)
    if not needed:
        return None
    name = Path(head.get("price_index") or "price-index.csv")
    if not name.is_absolute() and scenario.base_dir is not None:
        name = Path(scenario.base_dir) / name
    return str(name.resolve())


def derived_frame(
    scenario: Scenario,
    options: Sequence[dict],
    drivers: Mapping[str, dict],
    covered: set[str] | None = None,
    keep_risk: bool = False,
) -> dict:
    """A scenario input around ``options``: the scenario's settings, parameters and ``drivers``.

    Parameters
    ----------
    scenario : Scenario
        Whose settings (horizon, rates, VAT, timing, parameters, optimism bias) are kept.
    options : sequence of dict
        ``[[options]]`` tables; the first becomes the baseline.
    drivers : mapping
        ``[drivers.ID]`` tables.
    covered : set of str, optional
        Names of the items the contingency rule covers (the scenario's share applies).
    keep_risk : bool
        Keep the ``[risk]`` table (for a plan file; derived scenarios for coefficients drop it).

    Returns
    -------
    dict
        Valid input for :func:`costmodel.parse_scenario`.
    """
    src = scenario.data
    head = copy.deepcopy(dict(src["scenario"]))
    for key in ("baseline", "mandate", "mandate_option", "price_index"):
        head.pop(key, None)
    head["baseline"] = options[0]["id"]
    index = _price_index_path(scenario)
    if index is not None:
        head["price_index"] = index
    data: dict[str, Any] = {"scenario": head}
    for key in _KEPT:
        if key in src:
            data[key] = copy.deepcopy(src[key])
    categories = {it["category"] for o in options for it in o["items"]}
    bias = {k: copy.deepcopy(v) for k, v in (src.get("optimism_bias") or {}).items() if k in categories}
    if bias:
        data["optimism_bias"] = bias
    if keep_risk and "risk" in src:
        data["risk"] = copy.deepcopy(src["risk"])
    data["drivers"] = {k: copy.deepcopy(dict(v)) for k, v in drivers.items()}
    data["options"] = list(options)
    if covered and scenario.contingency is not None:
        c = scenario.contingency
        table = {"share": c.share, "items": sorted(covered)}
        if c.source:
            table["source"] = c.source
        if c.note:
            table["note"] = c.note
        data["contingency"] = table
    return data


def numeric_drivers(scenario: Scenario, values: Mapping[str, np.ndarray]) -> dict[str, dict]:
    """``[drivers.ID]`` tables with the given yearly values as numbers (labels and units kept)."""
    out = {}
    for d, drv in scenario.drivers.items():
        table: dict[str, Any] = {"values": {str(int(y)): float(v) for y, v in zip(scenario.years, values[d], strict=True)}}
        if drv.unit:
            table["unit"] = drv.unit
        if drv.label:
            table["label"] = drv.label
        out[d] = table
    return out


def engine_totals(scenario: Scenario, data: dict, purpose: str) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """Evaluate a derived scenario: present value and yearly spending of each option.

    Returns
    -------
    pv : dict of str to float
        Option id -> present value of cost (``pv_cost``). [VND]
    spend : dict of str to numpy.ndarray, shape (years, 2)
        Option id -> nominal spending incl. VAT by year (horizon order) and budget
        source (:data:`costmodel.scenario.BUDGETS` order), residual credits excluded. [VND]
    """
    derived = parse_scenario(data, source=f"{scenario.source} ({purpose})", base_dir=scenario.base_dir)
    ledger = build_ledger(derived)
    ids = [o.id for o in derived.options]
    pv = ledger.groupby("option", sort=False)["present_value"].sum().reindex(ids, fill_value=0.0)
    paid = ledger[ledger["kind"] != "residual"]
    sums = paid.groupby(["option", "year", "budget"])["nominal"].sum()
    years = {int(y): i for i, y in enumerate(scenario.years)}
    spend = {o: np.zeros((scenario.n_years, len(BUDGETS))) for o in ids}
    for (o, y, b), v in sums.items():
        spend[o][years[int(y)], BUDGETS.index(b)] += float(v)
    return {o: float(pv[o]) for o in ids}, spend


@dataclass(frozen=True, eq=False)
class Coefficients:
    """Cost of one unit used or one module bought, by item and year, from the engine.

    Attributes
    ----------
    use_pv : dict of (str, int, int) to float
        ``(option, item position, year)`` -> present value of one unit of the item's
        quantity in that year (and nothing in other years). [VND]
    use_spend : dict of (str, int, int) to numpy.ndarray, shape (years, 2)
        The same key -> nominal spending by year and budget source. [VND]
    buy_pv : dict of (str, int, int) to float
        ``(option, position of an added item, year)`` -> present value of buying one
        module in that year: its price, replacements after ``life``, residual credit,
        contingency. [VND]
    buy_spend : dict of (str, int, int) to numpy.ndarray, shape (years, 2)
        The same key -> nominal spending by year and budget source. [VND]
    """

    use_pv: dict[tuple[str, int, int], float]
    use_spend: dict[tuple[str, int, int], np.ndarray]
    buy_pv: dict[tuple[str, int, int], float]
    buy_spend: dict[tuple[str, int, int], np.ndarray]


def _fresh(taken: set[str], wanted: str) -> str:
    name, k = wanted, 1
    while name in taken:
        k += 1
        name = f"{wanted}-{k}"
    taken.add(name)
    return name


def unit_coefficients(structure: Structure) -> Coefficients:
    """Evaluate the unit scenario once and read every unit cost from it.

    Returns
    -------
    Coefficients
    """
    s = structure.scenario
    years = [int(y) for y in s.years]
    option_index = {o.id: i for i, o in enumerate(s.options)}
    taken = set(s.drivers)
    drivers = numeric_drivers(s, {d: s.drivers[d].values for d in s.drivers})
    pulse = {y: _fresh(taken, f"unit-{y}") for y in years}
    for y in years:
        drivers[pulse[y]] = {"values": {str(t): (1.0 if t == y else 0.0) for t in years}}
    steps: dict[tuple[float, float, int], str] = {}
    options: list[dict] = []
    keys: dict[str, tuple[str, str, int, int]] = {}
    covered: set[str] = set()

    def add(kind: str, svc_option: str, item: Item, year: int, quantity: str) -> None:
        oid = f"k{len(options)}"
        name = f"{kind} {svc_option} {item.position} {year}"
        table = item_table(s, item, option_index[svc_option], quantity=quantity, name=name)
        options.append({"id": oid, "name": oid, "items": [table]})
        keys[oid] = (kind, svc_option, item.position, year)
        if item.contingency:
            covered.add(name)

    for svc in structure.services:
        for item in svc.use:
            item_years = [y for y in years if y in svc.years]
            for y in item_years:
                if item.per == "once" and y != item.from_year:
                    continue
                if item.per in ("month", "year") and item.months_in_service(np.array([y]))[0] == 0:
                    continue
                add("use", svc.option, item, y, pulse[y])
        for item in svc.added:
            for y in range(item.from_year, item.to_year + 1):
                key = (item.existing, item.module, y)
                if key not in steps:
                    steps[key] = _fresh(taken, f"step-{len(steps) + 1}")
                    values = {str(t): item.existing + (item.module if t >= y else 0.0) for t in years}
                    drivers[steps[key]] = {"values": values}
                add("buy", svc.option, item, y, steps[key])
    use_pv, use_spend, buy_pv, buy_spend = {}, {}, {}, {}
    if options:
        data = derived_frame(s, options, drivers, covered)
        pv, spend = engine_totals(s, data, "optimiser: unit costs")
        for oid, (kind, opt, pos, y) in keys.items():
            target_pv, target_spend = (use_pv, use_spend) if kind == "use" else (buy_pv, buy_spend)
            target_pv[(opt, pos, y)] = pv[oid]
            target_spend[(opt, pos, y)] = spend[oid]
    return Coefficients(use_pv, use_spend, buy_pv, buy_spend)


@dataclass(frozen=True, eq=False)
class FixedCosts:
    """Each option's fixed items in one future, from the engine.

    Attributes
    ----------
    pv : dict of str to float
        Option id -> present value of its fixed items (0 when it has none). [VND]
    spend : dict of str to numpy.ndarray, shape (years, 2)
        Option id -> their nominal spending by year and budget source. [VND]
    """

    pv: dict[str, float]
    spend: dict[str, np.ndarray]


def fixed_costs(structure: Structure, future: Future) -> FixedCosts:
    """Evaluate each option's fixed items at a future's driver values (one engine run)."""
    s = structure.scenario
    options = []
    covered: set[str] = set()
    for oi, opt in enumerate(s.options):
        items = []
        for item in structure.fixed[opt.id]:
            name = f"fixed {opt.id} {item.position}"
            items.append(item_table(s, item, oi, name=name))
            if item.contingency:
                covered.add(name)
        if items:
            options.append({"id": opt.id, "name": opt.id, "items": items})
    pv = {o: 0.0 for o in structure.options}
    spend = {o: np.zeros((s.n_years, len(BUDGETS))) for o in structure.options}
    if options:
        data = derived_frame(s, options, numeric_drivers(s, future.drivers), covered)
        got_pv, got_spend = engine_totals(s, data, f"optimiser: fixed items, future {future.name!r}")
        pv.update(got_pv)
        spend.update(got_spend)
    return FixedCosts(pv, spend)

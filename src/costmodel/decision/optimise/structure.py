"""What the optimiser reads from a scenario: capacities, who rents and who owns them, futures, caps.

A **capacity** is a driver that one option rents (an item with ``per = "month"`` or
``"year"`` whose quantity is that driver, in an option without an ``added`` item for it)
and another option owns (an ``added`` item whose quantity is that driver). For each
option that uses a capacity (a *service*), the optimiser decides how many units the
option provides in each year; the option's items whose quantity is the capacity are
charged on those units (rental, licence per unit, maintenance per unit, ...), its
``added`` items on the modules bought. Every other item of an option is a **fixed**
item: taken whole when the option is chosen.

Dates (the rule of docs/methodology.md, section 12):
an owning option's capacity is in service in the months in which every one of its
``added`` items for that capacity is (from ``from`` to ``to``, an asset to the end of
the horizon); a renting option's in the months in which any of its monthly or yearly
items for the capacity is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from costmodel.ledger import MONTHS_PER_YEAR, WHOLE_MODULE_TOLERANCE
from costmodel.problems import InputError, Problem
from costmodel.scenario import BUDGETS, Item, Scenario
from costmodel.values import central_values

__all__ = [
    "CAP_SOURCES",
    "FUTURE_NAME_PATTERN",
    "Future",
    "OptimiseError",
    "Service",
    "Structure",
    "analyse",
    "average_future",
    "modules_for",
    "normalise_caps",
    "normalise_futures",
]

#: Budget sources a cap may apply to: the ledger's two sources, or their sum.
CAP_SOURCES = (*BUDGETS, "total")
#: Names of futures (they become file names ``plan-<future>.toml``).
FUTURE_NAME_PATTERN = r"^[a-z0-9_-]+$"
#: Probabilities of the futures must sum to 1 within this absolute tolerance.
PROBABILITY_TOLERANCE = 1e-9


class OptimiseError(InputError):
    """The optimisation cannot be done as asked (an impossible budget cap, bad futures); ``problems`` says why."""


@dataclass(frozen=True, eq=False)
class Service:
    """One option's use of one capacity.

    Attributes
    ----------
    option : str
        Option id.
    capacity : str
        Driver id of the capacity.
    added : tuple of Item
        The option's ``added`` items for the capacity (empty for a renting option).
    use : tuple of Item
        The option's other items whose quantity is the capacity (charged per unit used).
    window : numpy.ndarray of bool, shape (12 * years,)
        Months of the horizon (January of ``start_year`` first) in which the option's
        capacity is in service.
    years : tuple of int
        Years in which the option has a units-used decision: any year in which one of its
        items for the capacity has a cost or its ``added`` items may buy.
    """

    option: str
    capacity: str
    added: tuple[Item, ...]
    use: tuple[Item, ...]
    window: np.ndarray = field(repr=False)
    years: tuple[int, ...]

    @property
    def owns(self) -> bool:
        """Whether the option owns the capacity (has an ``added`` item for it)."""
        return bool(self.added)

    @property
    def key(self) -> tuple[str, str]:
        """``(option, capacity)``."""
        return (self.option, self.capacity)


@dataclass(frozen=True, eq=False)
class Structure:
    """A scenario as the optimiser sees it.

    Attributes
    ----------
    scenario : Scenario
    capacities : tuple of str
        Capacity drivers, in the scenario's driver order.
    services : tuple of Service
        In option order, then capacity order.
    fixed : dict of str to tuple of Item
        Each option's fixed items (not charged on a capacity decision).
    """

    scenario: Scenario
    capacities: tuple[str, ...]
    services: tuple[Service, ...]
    fixed: dict[str, tuple[Item, ...]]

    @property
    def options(self) -> tuple[str, ...]:
        """Option ids in file order."""
        return tuple(o.id for o in self.scenario.options)

    @property
    def years(self) -> np.ndarray:
        """Horizon years. [year]"""
        return self.scenario.years

    def services_of(self, capacity: str) -> tuple[Service, ...]:
        """The services of one capacity, in option order."""
        return tuple(s for s in self.services if s.capacity == capacity)

    def capacity_items(self, option_id: str) -> set[int]:
        """Positions of an option's items charged on capacity decisions."""
        return {it.position for s in self.services if s.option == option_id for it in (*s.added, *s.use)}


def _month_span(scenario: Scenario, item: Item) -> np.ndarray:
    """Months of the horizon from an item's first to its last month in service (both included)."""
    n = scenario.n_years * MONTHS_PER_YEAR
    first = (item.from_year - scenario.start_year) * MONTHS_PER_YEAR + item.from_month - 1
    last = (item.to_year - scenario.start_year) * MONTHS_PER_YEAR + item.to_month - 1
    out = np.zeros(n, dtype=bool)
    out[max(first, 0) : min(last, n - 1) + 1] = True
    return out


def _item_years(scenario: Scenario, item: Item) -> set[int]:
    """Years in which an item charged on a capacity can have a cost."""
    if item.per == "once":
        return {item.from_year}
    if item.per == "added":
        return set(range(item.from_year, item.to_year + 1))
    months = item.months_in_service(scenario.years)
    return {int(y) for y, m in zip(scenario.years, months, strict=True) if m > 0}


def analyse(scenario: Scenario) -> Structure:
    """Find the capacities of a scenario and how each option uses them.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    Structure

    Raises
    ------
    OptimiseError
        When the scenario was built without its input (``Scenario.data`` is None): the
        optimiser derives scenarios from it.
    """
    if scenario.data is None:
        raise OptimiseError([Problem(scenario.source, "", "the optimiser needs the scenario's input (Scenario.data)")])
    owned: set[str] = set()
    rented: set[str] = set()
    for opt in scenario.options:
        own_here = {it.quantity for it in opt.items if it.per == "added" and isinstance(it.quantity, str)}
        owned |= own_here
        rented |= {
            it.quantity
            for it in opt.items
            if it.per in ("month", "year") and isinstance(it.quantity, str) and it.quantity not in own_here
        }
    capacities = tuple(d for d in scenario.drivers if d in owned and d in rented)
    services = []
    fixed: dict[str, tuple[Item, ...]] = {}
    n_months = scenario.n_years * MONTHS_PER_YEAR
    for opt in scenario.options:
        taken: set[int] = set()
        for c in capacities:
            items = [it for it in opt.items if it.quantity == c]
            if not items:
                continue
            added = tuple(it for it in items if it.per == "added")
            use = tuple(it for it in items if it.per != "added")
            if added:
                window = np.ones(n_months, dtype=bool)
                for it in added:
                    window &= _month_span(scenario, it)
            else:
                window = np.zeros(n_months, dtype=bool)
                for it in use:
                    if it.per in ("month", "year"):
                        window |= _month_span(scenario, it)
            years = set().union(*(_item_years(scenario, it) for it in items))
            window.setflags(write=False)
            services.append(Service(opt.id, c, added, use, window, tuple(sorted(years))))
            taken |= {it.position for it in items}
        fixed[opt.id] = tuple(it for it in opt.items if it.position not in taken)
    return Structure(scenario, capacities, tuple(services), fixed)


def modules_for(need: float, existing: float, module: float) -> int:
    """Whole modules an ``added`` item needs to cover ``need`` (the engine's rounding rule).

    ``ceil(max(0, need - existing) / module)``, a value within
    :data:`costmodel.ledger.WHOLE_MODULE_TOLERANCE` modules of a whole number counting
    as that number (as :func:`costmodel.ledger.installed_capacity`).

    Examples
    --------
    >>> modules_for(520, 0, 128), modules_for(512.0000000001, 0, 128), modules_for(3, 5, 2)
    (5, 4, 0)
    """
    modules = max(0.0, need - existing) / module
    nearest = round(modules)
    return int(nearest if abs(modules - nearest) <= WHOLE_MODULE_TOLERANCE else math.ceil(modules))


# ---------------------------------------------------------------------------
# Futures
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Future:
    """A set of driver values with a probability.

    Attributes
    ----------
    name : str
        Lower-case letters, digits, ``_`` and ``-`` (it names the file ``plan-<name>.toml``).
    probability : float
        In [0, 1]; the futures' probabilities sum to 1. [-]
    drivers : dict of str to numpy.ndarray
        Every driver of the scenario: its value in each horizon year. [unit]
    """

    name: str
    probability: float
    drivers: dict[str, np.ndarray] = field(repr=False)


def _base_drivers(scenario: Scenario) -> dict[str, np.ndarray]:
    values = central_values(scenario)
    return {d: np.asarray(values.driver(d)[0], dtype=float) for d in scenario.drivers}


def normalise_futures(scenario: Scenario, futures) -> tuple[Future, ...]:
    """Futures as a tuple of :class:`Future` with every driver's values.

    Parameters
    ----------
    scenario : Scenario
        The scenario whose options are optimised; its drivers' central values fill in
        drivers a future does not give.
    futures : None, mapping or sequence of Future
        ``None``: one future, ``"base"``, with probability 1. A mapping ``name ->
        (drivers, probability)``, ``drivers`` being ``None`` (the scenario's own), a
        :class:`Scenario` (the central values of its drivers, e.g. the restructuring
        variant) or a mapping ``driver id -> values`` (a sequence with one value per
        horizon year, or a mapping ``year -> value``). Or a sequence of :class:`Future`.

    Raises
    ------
    OptimiseError
        A bad name, probability, driver or value, with the future's name.
    """
    base = _base_drivers(scenario)
    if futures is None:
        return (Future("base", 1.0, base),)
    problems: list[Problem] = []

    def problem(path: str, message: str) -> None:
        problems.append(Problem(scenario.source, path, message))

    if isinstance(futures, Mapping):
        items = []
        for name, spec in futures.items():
            if not (isinstance(spec, tuple | list) and len(spec) == 2):
                problem(f"futures.{name}", "expected (drivers, probability)")
                continue
            items.append((name, spec[0], spec[1]))
    elif isinstance(futures, Sequence) and all(isinstance(f, Future) for f in futures):
        items = [(f.name, f.drivers, f.probability) for f in futures]
    else:
        raise OptimiseError([Problem(scenario.source, "futures", "expected a mapping name -> (drivers, probability) or Futures")])
    out = []
    seen = set()
    years = scenario.years
    for name, spec, prob in items:
        path = f"futures.{name}"
        if not isinstance(name, str) or not re.match(FUTURE_NAME_PATTERN, name):
            problem(path, "a future's name uses lower-case letters, digits, '_' and '-' (it names a file)")
            continue
        if name in seen:
            problem(path, "duplicate future name")
            continue
        seen.add(name)
        if isinstance(prob, bool) or not isinstance(prob, int | float) or not (0 <= prob <= 1) or not math.isfinite(prob):
            problem(f"{path}.probability", f"must be a number between 0 and 1 (got {prob!r})")
            continue
        drivers = dict(base)
        if isinstance(spec, Scenario):
            if spec.start_year != scenario.start_year or spec.end_year != scenario.end_year:
                problem(path, f"the future's horizon {spec.start_year}-{spec.end_year} differs from {years[0]}-{years[-1]}")
                continue
            given = _base_drivers(spec)
            for d in scenario.drivers:
                if d not in given:
                    problem(f"{path}.drivers.{d}", "the future's scenario has no such driver")
                else:
                    drivers[d] = given[d]
        elif isinstance(spec, Mapping):
            for d, v in spec.items():
                if d not in scenario.drivers:
                    problem(f"{path}.drivers.{d}", f"no such driver (drivers: {', '.join(scenario.drivers)})")
                    continue
                if isinstance(v, Mapping):
                    arr = np.array([float(v.get(int(y), v.get(str(y), math.nan))) for y in years])
                else:
                    arr = np.asarray(v, dtype=float).reshape(-1)
                if arr.shape != years.shape or not np.all(np.isfinite(arr)) or np.any(arr < 0):
                    problem(f"{path}.drivers.{d}", f"expected one number >= 0 for each year {years[0]}-{years[-1]}")
                    continue
                drivers[d] = arr
        elif spec is not None:
            problem(path, "a future's drivers are None, a Scenario or a mapping driver id -> values")
            continue
        out.append(Future(name, float(prob), drivers))
    if not problems and not out:
        problem("futures", "give at least one future")
    if not problems and abs(sum(f.probability for f in out) - 1.0) > PROBABILITY_TOLERANCE:
        problem("futures", f"the probabilities must sum to 1 (got {sum(f.probability for f in out):.12g})")
    if problems:
        raise OptimiseError(problems)
    return tuple(out)


def average_future(futures: Sequence[Future]) -> Future:
    """The probability-weighted average of every driver: the expected-value problem's single future."""
    names = list(futures[0].drivers)
    drivers = {d: sum(f.probability * f.drivers[d] for f in futures) for d in names}
    return Future("expected-value", 1.0, {d: np.asarray(v, dtype=float) for d, v in drivers.items()})


# ---------------------------------------------------------------------------
# Budget caps
# ---------------------------------------------------------------------------


def normalise_caps(scenario: Scenario, caps, path: str = "budget_caps") -> dict[tuple[int, str], float]:
    """Budget caps as ``{(year, source): cap}``. [VND]

    Parameters
    ----------
    scenario : Scenario
    caps : None, number or mapping
        ``{(year, source): cap}``, or ``{source: cap}`` (every year) or ``{source: {year:
        cap}}``; ``source`` is ``"investment"``, ``"recurrent"`` or ``"total"`` (their
        sum). The forms of today's ``[risk] budget_cap`` are read as caps on the total: a
        number (every year) or ``{year: cap}``. A cap is nominal spending including VAT,
        as the ledger's ``budget`` column pays it (residual credits are not spending). [VND]
    path : str
        Where the caps come from, the start of every key path in a problem:
        ``"budget_caps"`` (given to :func:`optimise`) or ``"risk.budget_cap"`` (the file's).

    Raises
    ------
    OptimiseError
        A source, year or amount that is not valid, named by its key path
        (``budget_caps.investment.2031``).

    Examples
    --------
    >>> import costmodel
    >>> s = costmodel.load_scenario("scenarios/data-integration-center.toml")
    >>> normalise_caps(s, {"investment": {2024: 5e9}, (2025, "total"): 9e9})
    {(2024, 'investment'): 5000000000.0, (2025, 'total'): 9000000000.0}
    >>> normalise_caps(s, {"2026": 8e9})  # [risk] budget_cap = { 2026 = 8e9 }: the total
    {(2026, 'total'): 8000000000.0}
    """
    if caps is None:
        return {}
    if isinstance(caps, int | float) and not isinstance(caps, bool):
        caps = {"total": caps}
    elif isinstance(caps, Mapping) and caps and all(re.fullmatch(r"\d{4}", str(k)) for k in caps):
        caps = {"total": dict(caps)}
    problems: list[Problem] = []
    out: dict[tuple[int, str], float] = {}
    years = {int(y) for y in scenario.years}

    def add(year, source, value, path) -> None:
        if source not in CAP_SOURCES:
            message = f"unknown budget source {source!r} (sources: {', '.join(CAP_SOURCES)})"
            problems.append(Problem(scenario.source, path, message))
            return
        try:
            y = int(year)
        except (TypeError, ValueError):
            y = None
        if y is None or y not in years or isinstance(year, bool):
            message = f"keys must be horizon years {min(years)}-{max(years)} (got {year!r})"
            problems.append(Problem(scenario.source, path, message))
            return
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems.append(Problem(scenario.source, path, f"must be a number >= 0 (VND) (got {value!r})"))
            return
        out[(y, source)] = float(value)

    if not isinstance(caps, Mapping):
        raise OptimiseError([Problem(scenario.source, path, "expected a mapping of caps")])
    for key, value in caps.items():
        if isinstance(key, tuple) and len(key) == 2:
            add(key[0], key[1], value, f"{path}.{key[1]}.{key[0]}")
        elif isinstance(value, Mapping):
            for year, v in value.items():
                add(year, key, v, f"{path}.{key}.{year}")
        else:
            for year in sorted(years):
                add(year, key, value, f"{path}.{key}")
            if problems:
                break
    if problems:
        raise OptimiseError(problems)
    return dict(sorted(out.items()))

"""The resolved scenario: what the engine consumes, with every default filled in.

Frozen dataclasses built only by :func:`costmodel.scenario.parse_scenario` after validation;
edits go through :meth:`Scenario.with_changes` and friends (:mod:`costmodel.scenario.edit`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from costmodel.problems import InputError, Problem
from costmodel.scenario.distributions import Distribution
from costmodel.scenario.expressions import Expression

TIMINGS = ("start", "mid", "end")


PERS = ("once", "year", "month", "added")


BUDGETS = ("investment", "recurrent")


KINDS = ("cost", "replacement", "contingency", "residual")


ID_PATTERN = r"^[a-z0-9_-]+$"


#: Years accepted anywhere in a file; a guard against typos such as 20244.
MIN_YEAR, MAX_YEAR = 1900, 2200


#: Longest contract given in months (100 years).
MAX_MONTHS = 1200


#: Shift of a plan-linked date, in months, at most this far either way.
MAX_OFFSET_MONTHS = 120


Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


Rate = Annotated[float, Field(gt=-1)]


Share = Annotated[float, Field(ge=0, le=1)]


NonNegative = Annotated[float, Field(ge=0)]


class ScenarioError(InputError):
    """A scenario file (or dictionary) is not valid; ``problems`` lists why."""


@dataclass(frozen=True)
class PlanLink:
    """A month taken from a procurement plan: the month in which ``task`` finishes, shifted by ``offset_months``.

    Attributes
    ----------
    plan : str
        The plan file (docs/schedule-format.md), relative to the scenario file.
    task : str
        A task id of the plan.
    offset_months : int
        Months after (or, negative, before) the month the task finishes.
    progress : str or None
        A folder of ``progress-YYYY-MM-DD.csv`` files, relative to the scenario
        file: the date is then the task's forecast finish (the latest file, or
        the one of ``as_of``).
    as_of : str or None
        Status date ``YYYY-MM-DD`` of the progress file to use.
    """

    plan: str
    task: str
    offset_months: int = 0
    progress: str | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class PlanLinkUse:
    """Where a scenario takes a date from a plan, and the months it resolves to.

    Attributes
    ----------
    path : str
        Key path of the field (``options.rent.from``).
    link : PlanLink
    baseline : (int, int)
        (year, month) from the baseline plan.
    forecast : (int, int) or None
        (year, month) from the forecast (None without ``progress``).
    used : (int, int)
        The month the scenario was evaluated with.
    """

    path: str
    link: PlanLink
    baseline: tuple[int, int]
    forecast: tuple[int, int] | None
    used: tuple[int, int]


@dataclass(frozen=True)
class Driver:
    """A named demand series: the actual need in each horizon year.

    Attributes
    ----------
    id : str
        Driver id, referenced by items' ``quantity`` and ``unit_driver``.
    unit : str
        Unit label, e.g. ``"rack"``.
    values : numpy.ndarray
        Value in each horizon year, ``start_year`` first. [unit]
    source, note : str
        Where the numbers come from; free remarks.
    label : str
        Reader-facing name (e.g. "Nhu cầu vCPU"); empty when the file gives none.
    """

    id: str
    unit: str
    values: np.ndarray
    source: str = ""
    note: str = ""
    start: float | None = None
    growth: float | None = None
    label: str = ""


@dataclass(frozen=True)
class Item:
    """One cost line of an option, with every default resolved.

    Attributes
    ----------
    position : int
        1-based position within its option (as in error messages).
    name, category : str
        Line name and grouping label.
    price : float
        Price per unit per period at ``base_year`` prices, excluding VAT. [VND]
    per : {"once", "year", "month", "added"}
        What the price is per.
    quantity : float or str
        A number of units, or the id of a driver.
    escalation : float
        Price growth per year from ``base_year``. [1/year]
    from_year, to_year : int
        First and last year the item applies (inclusive).
    vat : float
        VAT rate added to the amount. [-]
    timing : {"start", "mid", "end"}
        Where in each year the cash flow falls.
    budget : {"investment", "recurrent"}
        Which budget pays it.
    life : int or None
        Asset life; the purchase is repeated every ``life`` years. [year]
    residual : "linear", "none", float or None
        Residual-value rule for assets (None without ``life``).
    module : float
        Purchase module for ``per = "added"``. [unit]
    existing : float
        Units already installed before ``from_year`` (``"added"`` only). [unit]
    source, note : str
        Where the number comes from (free text or an assumptions-register
        id) and free remarks.
    contingency : float
        Share of the item's amounts added as a contingency line (chi phí dự
        phòng), from the scenario's ``[contingency]`` table; 0 when the item
        is not covered. [-]
    from_month, to_month : int
        First month of ``from_year`` and last month of ``to_year`` in which
        the item applies (1 and 12 for whole years). [month]
    price_year : int or None
        The year ``price`` is quoted in, when it is not ``base_year``.
    price_factor : float
        Price-index factor from ``price_year`` to ``base_year`` prices
        (:func:`costmodel.prices.index_factor`; 1 without ``price_year``). [-]
    """

    def months_in_service(self, years: np.ndarray) -> np.ndarray:
        """Months of each year in ``years`` between ``from`` and ``to`` (0 to 12). [month]"""
        years = np.asarray(years)
        first = np.where(years == self.from_year, self.from_month, 1)
        last = np.where(years == self.to_year, self.to_month, 12)
        inside = (years >= self.from_year) & (years <= self.to_year)
        return np.where(inside, np.maximum(last - first + 1, 0), 0)

    position: int
    name: str
    category: str
    price: float
    per: str
    quantity: float | str
    escalation: float
    from_year: int
    to_year: int
    vat: float
    timing: str
    budget: str
    life: int | None
    residual: str | float | None
    module: float
    existing: float
    source: str
    note: str
    escalation_is_inflation: bool = False
    contingency: float = 0.0
    from_month: int = 1
    to_month: int = 12
    price_year: int | None = None
    price_factor: float = 1.0

    @property
    def label(self) -> str:
        """Position and name, as used in messages: ``items[2] (Rack rental)``."""
        return f"items[{self.position}] ({self.name})"


@dataclass(frozen=True)
class Option:
    """A way of meeting the need: rent, invest, hybrid, ...

    Attributes
    ----------
    id, name, description : str
        Identifier, display name and free description.
    items : tuple of Item
        The option's cost lines in file order.
    short_name : str
        Name for charts and narrow tables (the name when the file gives none).
    procedure : str
        What choosing the option requires (the legal route and its time), in
        the readers' words; empty when the file says nothing.
    """

    id: str
    name: str
    items: tuple[Item, ...]
    description: str = ""
    short_name: str = ""
    procedure: str = ""

    @property
    def display_name(self) -> str:
        """The short name if given, else the name."""
        return self.short_name or self.name


@dataclass(frozen=True)
class Input:
    """An uncertain or computed numeric input.

    Attributes
    ----------
    kind : {"dist", "expr", "const"}
        A distribution, an expression over named parameters, or a fixed
        number given as ``{ value = ..., label = ... }``.
    label : str
        The parameter name, or the key path of an inline distribution (the
        name under which its draws are reported).
    central : float
        Value in the deterministic run.
    dist : Distribution or None
    expr : Expression or None
    source : str
        Where the value comes from (register ids first).
    name : str
        Reader-facing name from the file's ``label`` (e.g. "Tỷ giá VND/USD");
        empty when none is given.
    unit : str
        Unit of the value from the file's ``unit`` (e.g. "VND/USD").
    range : tuple of float or None
        Plausible range ``(low, high)`` from the file's ``range``: where a
        switching value is searched.
    """

    kind: str
    label: str
    central: float
    dist: Distribution | None = None
    expr: Expression | None = None
    source: str = ""
    name: str = ""
    unit: str = ""
    range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Comparison:
    """A unit cost of this scenario to place among other provinces' figures.

    The value is the sum, at ``base_year`` prices, of the first purchases
    (ledger ``kind = "cost"``) of ``option`` whose category is in
    ``categories``, divided by the largest value of the driver ``per`` over
    the horizon (e.g. equipment cost per video-conferencing point).

    Attributes
    ----------
    metric : str
        Metric name, matched against ``metric`` in the peer-costs file.
    option : str
        Option id.
    categories : tuple of str
        Item categories included.
    per : str
        Driver id of the denominator.
    label : str
        Reader-facing description.
    """

    metric: str
    option: str
    categories: tuple[str, ...]
    per: str
    label: str = ""


@dataclass(frozen=True)
class Contingency:
    """The scenario's contingency rule (chi phí dự phòng).

    Attributes
    ----------
    share : float
        Share of each covered item's amounts (before and after VAT) added as
        a contingency line in the same year and budget. [-]
    categories, items, options : tuple of str or None
        What is covered: item categories, item names and option ids (None:
        all).
    source, note : str
    """

    share: float
    categories: tuple[str, ...] | None = None
    items: tuple[str, ...] | None = None
    options: tuple[str, ...] | None = None
    source: str = ""
    note: str = ""

    def covers(self, option_id: str, category: str, name: str) -> bool:
        """Whether the rule applies to the item ``name`` of ``category`` in option ``option_id``."""
        return (
            (self.options is None or option_id in self.options)
            and (self.categories is None or category in self.categories)
            and (self.items is None or name in self.items)
        )


@dataclass(frozen=True)
class Scenario:
    """A validated scenario with every default filled in.

    Attributes
    ----------
    title, description, currency : str
        Labels.
    start_year, end_year : int
        Study period, inclusive.
    base_year : int
        Present values are at the start of this year; prices are at this
        year's level.
    discount_rate : float
        Nominal discount rate used for discounting (derived by Fisher when
        the file gives ``real_discount_rate``). [1/year]
    real_discount_rate : float or None
        The real rate as given in the file, if any. [1/year]
    inflation : float
        General inflation. [1/year]
    timing : str
        Default timing of cash flows within a year.
    vat : float
        Default VAT rate. [-]
    baseline : str
        Option id that comparisons are made against.
    unit_driver : str or None
        Driver for the levelized cost per unit.
    drivers : dict of str to Driver
        Demand series by id.
    options : tuple of Option
        In file order.
    mandate : str
        What the competent authority ordered (reader-facing text), if anything.
    mandate_option : str or None
        The option that order corresponds to.
    as_of : datetime.date or None
        The date the analysis answers as of (facts known, prices quoted); not
        the date it was generated.
    plan_links : tuple of PlanLinkUse
        The dates taken from procurement plans, with their baseline and forecast months.
    source : str
        File name the scenario was read from (``"<dict>"`` when built in code).
    sha256 : str
        SHA-256 of the file's bytes (empty when built in code).
    data : mapping or None
        The input as read (parsed TOML), kept to re-evaluate the scenario (e.g.
        with the baseline plan dates) through the same validation.
    base_dir : str or None
        Folder that relative paths of the file (plans, price index) start from.
    budget_cap : dict of (int, str) to float or None
        ``[risk] budget_cap``: the appropriation per year and budget source
        (``"investment"``, ``"recurrent"`` or ``"total"``, their sum), read by
        the Monte Carlo and by the optimiser. [VND/year]
    plan_dates : {"auto", "baseline", "forecast"}
        Which dates of linked plans were used: the forecast where a progress
        folder is given ("auto"), or always the baseline or the forecast.
    changes : tuple of Change
        The edits made since the file was read (:meth:`with_changes`, ...).
    digest : str
        Digest of the validated content (:meth:`check_integrity`).
    """

    title: str
    start_year: int
    end_year: int
    base_year: int
    discount_rate: float
    inflation: float
    timing: str
    vat: float
    baseline: str
    options: tuple[Option, ...]
    drivers: dict[str, Driver] = field(default_factory=dict)
    comparisons: tuple[Comparison, ...] = ()
    parameters: dict[str, Input | float] = field(default_factory=dict)
    inputs: dict[tuple, Input] = field(default_factory=dict)
    correlation: tuple[tuple[str, ...], np.ndarray] | None = None
    optimism_bias: dict[str, float] = field(default_factory=dict)
    budget_cap: dict[tuple[int, str], float] | None = None
    real_discount_rate: float | None = None
    unit_driver: str | None = None
    contingency: Contingency | None = None
    currency: str = "VND"
    description: str = ""
    mandate: str = ""
    mandate_option: str | None = None
    as_of: dt.date | None = None
    plan_links: tuple[PlanLinkUse, ...] = ()
    source: str = "<dict>"
    sha256: str = ""
    data: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    base_dir: str | None = None
    plan_dates: str = "auto"
    changes: tuple = ()
    digest: str = field(default="", repr=False, compare=False)

    def __repr__(self) -> str:
        ids = ", ".join(o.id for o in self.options)
        edits = f", {len(self.changes)} change(s)" if self.changes else ""
        return f"Scenario({self.title!r}, {self.start_year}-{self.end_year}, options: {ids}{edits})"

    # -- validated edits (costmodel.scenario.edit) --------------------------
    def with_changes(self, changes: Mapping[str, Any]) -> Scenario:
        """A new scenario with values set at key paths, validated like a file.

        Parameters
        ----------
        changes : mapping of str to object
            Key path (as in error messages; ``*`` wildcards allowed) -> new
            value as it would be written in the file: a number, an expression
            string, a distribution table, a date, ...

        Returns
        -------
        Scenario
            Validated again from its input; :attr:`changes` lists the edits.

        Raises
        ------
        ScenarioError
            An unknown key path or an invalid value, with its key path.

        Examples
        --------
        >>> s = load_scenario("scenarios/ioc.toml")  # doctest: +SKIP
        >>> s.with_changes({"scenario.discount_rate": 0.06}).discount_rate  # doctest: +SKIP
        0.06
        """
        from costmodel.scenario.edit import with_changes

        return with_changes(self, changes)

    def scale(self, pattern: str, factor: float) -> Scenario:
        """A new scenario with the fields at ``pattern`` multiplied by ``factor``.

        Numbers, expressions (``"(400_000 * k) * 1.2"``) and distribution tables
        (every bound scaled) alike; ``*`` wildcards expand to every match.
        """
        from costmodel.scenario.edit import scale

        return scale(self, pattern, factor)

    def drop_option(self, option_id: str) -> Scenario:
        """A new scenario without the option ``option_id`` (not the baseline: change it first)."""
        from costmodel.scenario.edit import drop_option

        return drop_option(self, option_id)

    def add_option(self, option: Mapping[str, Any]) -> Scenario:
        """A new scenario with one more option, given as a file's ``[[options]]`` table (a dict)."""
        from costmodel.scenario.edit import add_option

        return add_option(self, option)

    # -- integrity ------------------------------------------------------------
    def content_digest(self) -> str:
        """A digest of everything the engine reads (not the file name, hash or edit history)."""
        skip = {"source", "sha256", "data", "base_dir", "changes", "digest", "plan_links", "plan_dates"}
        parts = []
        for f in fields(self):
            if f.name in skip:
                continue
            value = getattr(self, f.name)
            if f.name == "drivers":
                value = {k: (d.id, d.unit, d.values.tobytes(), d.start, d.growth, d.label) for k, d in value.items()}
            parts.append((f.name, repr(value)))
        return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()

    def check_integrity(self) -> None:
        """Raise when the scenario was changed without validation (e.g. with ``dataclasses.replace``).

        The engine reads every value through :mod:`costmodel.values`, which
        calls this once per scenario object: a field replaced behind
        validation's back (a price written as an expression keeps its
        expression in :attr:`inputs`) would otherwise give a silently wrong
        number.
        """
        if _VERIFIED.get(id(self)) is self:
            return
        if not self.digest or self.digest != self.content_digest():
            raise ScenarioError(
                [
                    Problem(
                        self.source,
                        "",
                        "this scenario was changed without validation (for example with dataclasses.replace): "
                        "edit it with Scenario.with_changes, scale, drop_option or add_option, or build it with parse_scenario",
                    )
                ]
            )
        _VERIFIED[id(self)] = self

    @property
    def is_uncertain(self) -> bool:
        """True when at least one input is a distribution."""
        return bool(self.random_inputs)

    @property
    def random_inputs(self) -> dict[str, Distribution]:
        """Every distribution (named parameters and inline), by label."""
        out = {n: p.dist for n, p in self.parameters.items() if isinstance(p, Input) and p.kind == "dist"}
        out.update({i.label: i.dist for i in self.inputs.values() if i.kind == "dist"})
        return out

    @property
    def years(self) -> np.ndarray:
        """The horizon years, ascending. [year]"""
        return np.arange(self.start_year, self.end_year + 1)

    @property
    def n_years(self) -> int:
        """Length of the study period ``end_year - start_year + 1``. [year]"""
        return self.end_year - self.start_year + 1

    def option(self, option_id: str) -> Option:
        """Return the option with this id (KeyError if there is none)."""
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)

    def quantity_series(self, item: Item) -> np.ndarray:
        """Quantity of ``item`` in each horizon year. [unit]"""
        if isinstance(item.quantity, str):
            return self.drivers[item.quantity].values.astype(float)
        return np.full(self.n_years, float(item.quantity))


def _replace(scenario: Scenario, **changes: Any) -> Scenario:
    from dataclasses import replace

    return replace(scenario, **changes)


#: Scenarios whose digest was checked, by object id (weakly held: a collected scenario's id may be reused).
_VERIFIED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def load_scenario(path, plan_dates: str = "auto"):  # pragma: no cover - for doctest namespaces only
    """See :func:`costmodel.scenario.reading.load_scenario`."""
    from costmodel.scenario.reading import load_scenario as load

    return load(path, plan_dates)

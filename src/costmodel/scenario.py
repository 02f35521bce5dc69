"""Scenario files: TOML -> validated, resolved scenario objects.

This is the only module that knows the scenario file format. It reads a TOML
file, checks it in two passes and returns a :class:`Scenario` whose defaults
are all filled in, so the engine never has to guess.

1. **Schema pass** (pydantic v2, strict, unknown keys forbidden): types,
   ranges and allowed values of every field.
2. **Consistency pass**: rules that involve more than one field (horizon,
   years inside it, drivers complete, references to drivers and options,
   fields that only make sense together).

Every problem becomes a :class:`Problem` with the file, a user-facing key
path (options by id, items by 1-based position and name) and a message.
All problems of a pass are reported together as a :class:`ScenarioError`.

The format is documented field by field in ``docs/scenario-format.md``.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import hashlib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from costmodel.problems import InputError, Problem
from costmodel.risk.distributions import Distribution, DistributionError, make_distribution
from costmodel.risk.expressions import Expression, ExpressionError, parse_expression

__all__ = [
    "BUDGETS",
    "KINDS",
    "Comparison",
    "Contingency",
    "PERS",
    "PlanLink",
    "PlanLinkUse",
    "TIMINGS",
    "Driver",
    "Input",
    "Item",
    "Option",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "parse_scenario",
]

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


# ---------------------------------------------------------------------------
# Problems
# ---------------------------------------------------------------------------


class ScenarioError(InputError):
    """A scenario file (or dictionary) is not valid; ``problems`` lists why."""


# ---------------------------------------------------------------------------
# Dates: a year, a month, or a task of a procurement plan
# ---------------------------------------------------------------------------


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


_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{2})$")
_LINK_KEYS = ("plan", "task", "offset_months", "progress", "as_of")
_DATE_EXPECTED = 'expected a year (2024), a month ("2024-09") or a plan link {plan = "...", task = "..."}'


def _check_date(v: Any) -> tuple[int, int | None] | PlanLink | None:
    """A ``from``/``to`` value: ``(year, None)``, ``(year, month)`` or a :class:`PlanLink`."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"{_DATE_EXPECTED}, got {_describe(v)}")
    if isinstance(v, int):
        if not MIN_YEAR <= v <= MAX_YEAR:
            raise ValueError(f"a year must lie between {MIN_YEAR} and {MAX_YEAR} (got {v})")
        return (v, None)
    if isinstance(v, str):
        m = _MONTH_TEXT.match(v)
        if m and 1 <= int(m[2]) <= 12 and MIN_YEAR <= int(m[1]) <= MAX_YEAR:
            return (int(m[1]), int(m[2]))
        raise ValueError(f"{_DATE_EXPECTED}, got {_describe(v)}")
    if isinstance(v, dict):
        unknown = [k for k in v if k not in _LINK_KEYS]
        if unknown:
            close = difflib.get_close_matches(str(unknown[0]), _LINK_KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(_LINK_KEYS)})"
            raise ValueError(f"unknown key {unknown[0]!r} in a plan link{hint}")
        for key in ("plan", "task"):
            if not isinstance(v.get(key), str) or not v.get(key):
                raise ValueError(f"a plan link needs '{key}' (a non-empty string), got {_describe(v.get(key))}")
        offset = v.get("offset_months", 0)
        if isinstance(offset, bool) or not isinstance(offset, int) or abs(offset) > MAX_OFFSET_MONTHS:
            raise ValueError(f"offset_months must be a whole number of months within ±{MAX_OFFSET_MONTHS} (got {offset!r})")
        for key in ("progress", "as_of"):
            if key in v and (not isinstance(v[key], str) or not v[key]):
                raise ValueError(f"{key} must be a non-empty string (got {_describe(v[key])})")
        as_of = v.get("as_of")
        if as_of is not None and (len(as_of) != 10 or not _is_iso_date(as_of)):
            raise ValueError(f"as_of must be a date YYYY-MM-DD (got {as_of!r})")
        return PlanLink(v["plan"], v["task"], offset, v.get("progress"), as_of)
    raise ValueError(f"{_DATE_EXPECTED}, got {_describe(v)}")


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) shifted by ``months``."""
    k = year * 12 + (month - 1) + months
    return k // 12, k % 12 + 1


# ---------------------------------------------------------------------------
# Schema (pass 1): what the file may contain
# ---------------------------------------------------------------------------


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True)


class _ScenarioSection(_Schema):
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    currency: Annotated[str, Field(min_length=1)] = "VND"
    start_year: Year
    end_year: Year
    base_year: Year | None = None
    discount_rate: Rate | None = None
    real_discount_rate: Rate | None = None
    inflation: Rate = 0.0
    timing: Literal["start", "mid", "end"] = "end"
    vat: Share = 0.0
    baseline: str | None = None
    unit_driver: str | None = None
    price_index: Annotated[str, Field(min_length=1)] | None = None
    mandate: str = ""
    mandate_option: str | None = None


class _DriverSection(_Schema):
    label: str = ""
    unit: str = ""
    values: dict[str, NonNegative] | None = None
    start: NonNegative | None = None
    growth: Rate | None = None
    source: str = ""
    note: str = ""


class _ItemSection(_Schema):
    name: Annotated[str, Field(min_length=1)]
    category: Annotated[str, Field(min_length=1)]
    price: NonNegative
    per: Literal["once", "year", "month", "added"]
    quantity: Any = 1.0
    escalation: Rate | None = None
    from_year: Any = Field(None, alias="from")
    to_year: Any = Field(None, alias="to")
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] | None = None
    price_year: Year | None = None
    vat: Share | None = None
    timing: Literal["start", "mid", "end"] | None = None
    budget: Literal["investment", "recurrent"] | None = None
    life: Annotated[int, Field(ge=1)] | None = None
    residual: Any = None
    module: Annotated[float, Field(gt=0)] | None = None
    existing: NonNegative | None = None
    source: str = ""
    note: str = ""

    @field_validator("quantity", mode="plain")
    @classmethod
    def _quantity(cls, v: Any) -> float | str:
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise ValueError(f"expected a number >= 0 or a driver id, got {_describe(v)}")
        if isinstance(v, str):
            if not v:
                raise ValueError("expected a number >= 0 or a driver id, got an empty string")
            return v
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"must be >= 0 (got {v!r})")
        return float(v)

    @field_validator("from_year", "to_year", mode="plain")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return _check_date(v)

    @field_validator("residual", mode="plain")
    @classmethod
    def _residual(cls, v: Any) -> str | float | None:
        if v is None or v in ("linear", "none"):
            return v
        if isinstance(v, int | float) and not isinstance(v, bool):
            if not (0 <= v <= 1) or not math.isfinite(v):
                raise ValueError(f"a resale fraction must be between 0 and 1 (got {v!r})")
            return float(v)
        raise ValueError(f'expected "linear", "none" or a number between 0 and 1, got {_describe(v)}')


class _OptionSection(_Schema):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Annotated[str, Field(min_length=1)]
    short_name: Annotated[str, Field(min_length=1)] | None = None
    description: str = ""
    procedure: str = ""
    from_year: Any = Field(None, alias="from")
    to_year: Any = Field(None, alias="to")
    months: Annotated[int, Field(ge=1, le=MAX_MONTHS)] | None = None
    items: Annotated[list[_ItemSection], Field(min_length=1)]

    @field_validator("from_year", "to_year", mode="plain")
    @classmethod
    def _date(cls, v: Any) -> Any:
        return _check_date(v)


class _ComparisonSection(_Schema):
    metric: Annotated[str, Field(min_length=1)]
    option: str
    categories: Annotated[list[Annotated[str, Field(min_length=1)]], Field(min_length=1)]
    per: str
    label: str = ""


class _ContingencySection(_Schema):
    share: Share
    categories: list[Annotated[str, Field(min_length=1)]] | None = None
    items: list[Annotated[str, Field(min_length=1)]] | None = None
    options: list[str] | None = None
    source: str = ""
    note: str = ""


class _FileSchema(_Schema):
    scenario: _ScenarioSection
    drivers: dict[Annotated[str, Field(pattern=ID_PATTERN)], _DriverSection] = {}
    options: Annotated[list[_OptionSection], Field(min_length=1)]
    comparisons: list[_ComparisonSection] = []
    contingency: _ContingencySection | None = None


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


# ---------------------------------------------------------------------------
# Resolved model: what the engine consumes
# ---------------------------------------------------------------------------


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
    plan_dates : {"auto", "baseline", "forecast"}
        Which dates of linked plans were used: the forecast where a progress
        folder is given ("auto"), or always the baseline or the forecast.
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
    budget_cap: dict[int, float] | None = None
    real_discount_rate: float | None = None
    unit_driver: str | None = None
    contingency: Contingency | None = None
    currency: str = "VND"
    description: str = ""
    mandate: str = ""
    mandate_option: str | None = None
    plan_links: tuple[PlanLinkUse, ...] = ()
    source: str = "<dict>"
    sha256: str = ""
    data: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    base_dir: str | None = None
    plan_dates: str = "auto"

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


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def load_scenario(path: str | Path, plan_dates: str = "auto") -> Scenario:
    """Read, validate and resolve a scenario TOML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The scenario file.
    plan_dates : {"auto", "baseline", "forecast"}
        Which dates of linked procurement plans to use (see :func:`parse_scenario`).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file and key path.
    """
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError([Problem(name, "", f"cannot read file: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        message = f"not UTF-8 text: invalid byte 0x{byte:02x} at line {line}, column {column}; save the file as UTF-8"
        raise ScenarioError([Problem(name, "", message)]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem(name, "", f"TOML syntax error: {exc}")]) from None
    scenario = parse_scenario(data, source=name, base_dir=path.parent, plan_dates=plan_dates)
    return _replace(scenario, sha256=hashlib.sha256(raw).hexdigest())


PLAN_DATES = ("auto", "baseline", "forecast")


def parse_scenario(
    data: Mapping[str, Any], source: str = "<dict>", base_dir: str | Path | None = None, plan_dates: str = "auto"
) -> Scenario:
    """Validate and resolve a scenario given as a dictionary (parsed TOML).

    Parameters
    ----------
    data : mapping
        The same structure as a scenario file.
    source : str
        Name used in error messages.
    base_dir : str or pathlib.Path, optional
        Folder that relative paths in the file (procurement plans, the price
        index) start from; the file's folder for :func:`load_scenario`.
    plan_dates : {"auto", "baseline", "forecast"}
        For dates linked to a procurement plan: the forecast finish where the
        link names a progress folder and the baseline otherwise ("auto"), or
        always the baseline, or always the forecast.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With every problem found.
    """
    original = data
    extracted = _extract_inputs(data, source)
    data = extracted.data
    try:
        model = _FileSchema.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(extracted.problems + _schema_problems(exc, data, source)) from None
    if plan_dates not in PLAN_DATES:
        raise ValueError(f"plan_dates must be one of {PLAN_DATES}, got {plan_dates!r}")
    problems = extracted.problems + list(_consistency_problems(model, data, source))
    base = Path(base_dir) if base_dir is not None else None
    dates = _Dates(model, data, source, base, plan_dates)
    problems += dates.problems
    factors, factor_problems = _price_factors(model, data, source, base)
    problems += factor_problems
    if problems:
        raise ScenarioError(problems)
    scenario = _resolve(model, source, dates, factors)
    return _replace(
        scenario,
        parameters=extracted.parameters,
        inputs=extracted.inputs,
        correlation=extracted.correlation,
        optimism_bias=extracted.optimism_bias,
        budget_cap=extracted.budget_cap,
        plan_links=tuple(dates.links),
        data=copy.deepcopy(dict(original)),
        base_dir=None if base is None else str(base),
        plan_dates=plan_dates,
    )


def _replace(scenario: Scenario, **changes: Any) -> Scenario:
    from dataclasses import replace

    return replace(scenario, **changes)


# ---------------------------------------------------------------------------
# Paths and messages
# ---------------------------------------------------------------------------


def _describe(value: Any) -> str:
    """Describe a value and its type for a message, e.g. ``a string ('12')``."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} ({value!r})"


def _get(data: Any, key: Any) -> Any:
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


def _option_label(data: Any, index: int) -> str:
    opt = _get(_get(data, "options"), index)
    oid = _get(opt, "id")
    if isinstance(oid, str) and re.match(ID_PATTERN, oid):
        return f"options.{oid}"
    return f"options[{index + 1}]"


def _item_label(data: Any, opt_index: int, item_index: int) -> str:
    item = _get(_get(_get(_get(data, "options"), opt_index), "items"), item_index)
    name = _get(item, "name")
    suffix = f" ({name})" if isinstance(name, str) and name else ""
    return f"items[{item_index + 1}]{suffix}"


def _render_path(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic location into a user-facing key path."""
    parts: list[str] = []
    i = 0
    loc = tuple(loc)
    while i < len(loc):
        key = loc[i]
        if key == "options" and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            opt_index = loc[i + 1]
            parts.append(_option_label(data, opt_index))
            i += 2
            if i + 1 < len(loc) and loc[i] == "items" and isinstance(loc[i + 1], int):
                parts.append(_item_label(data, opt_index, loc[i + 1]))
                i += 2
            continue
        if isinstance(key, int):
            if parts:
                parts[-1] += f"[{key + 1}]"
            else:
                parts.append(f"[{key + 1}]")
        else:
            parts.append(str(key))
        i += 1
    return ".".join(parts)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the table that contains ``loc[-1]``."""
    parent = loc[:-1]
    if len(parent) == 0:
        return _keys_of(_FileSchema)
    if parent[0] == "scenario" and len(parent) == 1:
        return _keys_of(_ScenarioSection)
    if parent[0] == "drivers" and len(parent) == 2:
        return _keys_of(_DriverSection)
    if parent[0] == "options" and len(parent) == 2:
        return _keys_of(_OptionSection)
    if parent[0] == "options" and len(parent) == 4 and parent[2] == "items":
        return _keys_of(_ItemSection)
    if parent[0] == "comparisons" and len(parent) == 2:
        return _keys_of(_ComparisonSection)
    if parent[0] == "contingency" and len(parent) == 1:
        return _keys_of(_ContingencySection)
    return []


_TYPE_NAMES = {
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "int_parsing": "a whole number",
    "string_type": "a string",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "an array of tables",
    "bool_type": "true or false",
}


def _schema_message(err: Mapping[str, Any]) -> str:
    etype = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    loc = tuple(err["loc"])
    if etype == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _allowed_keys(loc), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        allowed = _allowed_keys(loc)
        if not close and allowed:
            hint = f" (allowed: {', '.join(allowed)})"
        return f"unknown key{hint}"
    if etype == "missing":
        if loc == ("options",):
            return "at least one option is required ([[options]] table)"
        return "required key is missing"
    if etype == "too_short":
        if loc[-1] == "options":
            return "at least one option is required ([[options]] table)"
        if loc[-1] == "items":
            return "an option needs at least one item ([[options.items]] table)"
        return "must not be empty"
    if etype == "greater_than_equal":
        return f"must be >= {_num(ctx.get('ge'))} (got {value!r})"
    if etype == "greater_than":
        return f"must be > {_num(ctx.get('gt'))} (got {value!r})"
    if etype == "less_than_equal":
        return f"must be <= {_num(ctx.get('le'))} (got {value!r})"
    if etype == "less_than":
        return f"must be < {_num(ctx.get('lt'))} (got {value!r})"
    if etype == "finite_number":
        return f"must be a finite number (got {value!r})"
    if etype == "literal_error":
        expected = ctx.get("expected", "")
        return f"must be one of {expected} (got {value!r})"
    if etype == "string_pattern_mismatch":
        return f"must use only lowercase letters, digits, '_' and '-' (got {value!r})"
    if etype == "string_too_short":
        return "must not be empty"
    if etype in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[etype]}, got {_describe(value)}"
    if etype == "value_error":
        msg = str(err.get("msg", ""))
        return msg.removeprefix("Value error, ")
    return str(err.get("msg", "invalid value"))


def _num(x: Any) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _schema_problems(exc: ValidationError, data: Any, source: str) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        problems.append(Problem(source, _render_path(loc, data), _schema_message(err)))
    return problems


# ---------------------------------------------------------------------------
# Consistency (pass 2)
# ---------------------------------------------------------------------------


def _consistency_problems(model: _FileSchema, data: Any, source: str) -> Iterable[Problem]:
    s = model.scenario

    def p(path: str, message: str) -> Problem:
        return Problem(source, path, message)

    horizon = f"{s.start_year}-{s.end_year}"
    if s.start_year > s.end_year:
        yield p("scenario.end_year", f"must be >= start_year ({s.start_year}) (got {s.end_year})")
        return  # everything below is measured against the horizon
    if s.discount_rate is None and s.real_discount_rate is None:
        yield p("scenario", "give exactly one of 'discount_rate' (nominal) or 'real_discount_rate' (neither is given)")
    if s.discount_rate is not None and s.real_discount_rate is not None:
        yield p(
            "scenario.real_discount_rate",
            "give exactly one of 'discount_rate' (nominal) or 'real_discount_rate', not both",
        )
    if s.real_discount_rate is not None and (1 + s.real_discount_rate) * (1 + s.inflation) - 1 <= -1:
        yield p("scenario.real_discount_rate", "the nominal rate (1 + real) * (1 + inflation) - 1 must be > -1")

    horizon_years = range(s.start_year, s.end_year + 1)
    for did, drv in model.drivers.items():
        base = f"drivers.{did}"
        if drv.values is None and drv.start is None:
            yield p(base, "give either 'values' (one per horizon year) or 'start' (with optional 'growth')")
            continue
        if drv.values is not None and drv.start is not None:
            yield p(base, "give either 'values' or 'start'/'growth', not both")
            continue
        if drv.values is not None:
            if drv.growth is not None:
                yield p(f"{base}.growth", "'growth' goes with 'start', not with 'values'")
            seen = set()
            for key in drv.values:
                if not re.fullmatch(r"\d{4}", key):
                    yield p(f"{base}.values.{key}", "keys must be years such as 2024")
                    continue
                year = int(key)
                if year not in horizon_years:
                    yield p(f"{base}.values.{key}", f"year outside the horizon {horizon}")
                seen.add(year)
            missing = [y for y in horizon_years if y not in seen]
            if missing:
                yield p(
                    f"{base}.values",
                    f"missing year(s) {', '.join(map(str, missing))}: every horizon year {horizon} needs a value",
                )

    option_ids: dict[str, int] = {}
    for oi, opt in enumerate(model.options):
        olabel = _option_label(data, oi)
        if opt.id in option_ids:
            yield p(f"options[{oi + 1}].id", f"duplicate option id {opt.id!r} (also options[{option_ids[opt.id] + 1}])")
        else:
            option_ids[opt.id] = oi
        names: dict[str, int] = {}
        for ii, item in enumerate(opt.items):
            ipath = f"{olabel}.{_item_label(data, oi, ii)}"
            if item.name in names:
                yield p(f"{ipath}.name", f"duplicate item name in option {opt.id!r} (also items[{names[item.name] + 1}])")
            else:
                names[item.name] = ii
            yield from _item_problems(item, ipath, s, model.drivers, p)

    for key in ("name", "short_name"):
        seen_names: dict[str, int] = {}
        for oi, opt in enumerate(model.options):
            value = getattr(opt, key)
            if value is None:
                continue
            if value in seen_names:
                yield p(
                    f"{_option_label(data, oi)}.{key}",
                    f"duplicate option {key.replace('_', ' ')} {value!r} (also options[{seen_names[value] + 1}]): "
                    "readers tell options apart by name",
                )
            else:
                seen_names[value] = oi
    if model.contingency is not None:
        c = model.contingency
        all_categories = sorted({it.category for o in model.options for it in o.items})
        all_items = sorted({it.name for o in model.options for it in o.items})
        for key, values, known, kind in (
            ("options", c.options, list(option_ids), "option"),
            ("categories", c.categories, all_categories, "item category"),
            ("items", c.items, all_items, "item name"),
        ):
            for v in values or []:
                if v not in known:
                    yield p(f"contingency.{key}", _unknown(kind, v, known))
    if s.mandate_option is not None and s.mandate_option not in option_ids:
        yield p("scenario.mandate_option", _unknown("option", s.mandate_option, list(option_ids)))
    if s.baseline is not None and s.baseline not in option_ids:
        yield p("scenario.baseline", _unknown("option", s.baseline, list(option_ids)))
    if s.unit_driver is not None and s.unit_driver not in model.drivers:
        yield p("scenario.unit_driver", _unknown("driver", s.unit_driver, list(model.drivers)))
    for ci, comp in enumerate(model.comparisons):
        cpath = f"comparisons[{ci + 1}]"
        if comp.option not in option_ids:
            yield p(f"{cpath}.option", _unknown("option", comp.option, list(option_ids)))
        if comp.per not in model.drivers:
            yield p(f"{cpath}.per", _unknown("driver", comp.per, list(model.drivers)))
        elif comp.option in option_ids:
            categories = {it.category for it in model.options[option_ids[comp.option]].items}
            for cat in comp.categories:
                if cat not in categories:
                    yield p(f"{cpath}.categories", _unknown(f"category of option {comp.option!r}", cat, sorted(categories)))


def _unknown(kind: str, name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"unknown {kind} {name!r} (did you mean {close[0]!r}?)"
    listing = ", ".join(repr(k) for k in known) if known else "none defined"
    return f"unknown {kind} {name!r} (known: {listing})"


def _item_problems(item: _ItemSection, ipath: str, s: _ScenarioSection, drivers: Mapping[str, Any], p: Any) -> Iterable[Problem]:
    if isinstance(item.quantity, str) and item.quantity not in drivers:
        yield p(f"{ipath}.quantity", _unknown("driver", item.quantity, list(drivers)))
    for key in ("to", "months"):
        given = item.to_year if key == "to" else item.months
        if given is not None and item.per == "once":
            yield p(f"{ipath}.{key}", "not allowed with per = \"once\" (a one-off happens in year 'from')")
        elif given is not None and item.life is not None:
            yield p(f"{ipath}.{key}", "not allowed with 'life' (an asset is replaced to the end of the horizon)")
    if item.to_year is not None and item.months is not None:
        yield p(f"{ipath}.months", "give either 'to' or 'months' (a contract of fixed length), not both")
    if item.life is not None and item.per not in ("once", "added"):
        yield p(f"{ipath}.life", f'only allowed with per = "once" or "added" (got per = {item.per!r})')
    if item.residual is not None and item.life is None:
        yield p(f"{ipath}.residual", "only allowed with 'life'")
    for key, value in (("module", item.module), ("existing", item.existing)):
        if value is not None and item.per != "added":
            yield p(f"{ipath}.{key}", f'only allowed with per = "added" (got per = {item.per!r})')


# ---------------------------------------------------------------------------
# Dates and price years (need files beside the scenario: plans, the price index)
# ---------------------------------------------------------------------------


class _Dates:
    """First and last month of every item: years, months, contract lengths and plan links resolved.

    An item takes ``from``, ``to`` and ``months`` from its option when it gives
    none itself (a one-off takes only ``from``; an asset with ``life`` only
    ``from``). ``from`` defaults to January of ``start_year``; ``to`` to
    December of ``end_year``; ``months = N`` ends N months after ``from``
    (the first month included); a one-off's ``to`` is its ``from`` year.
    """

    def __init__(self, model: _FileSchema, data: Any, source: str, base_dir: Path | None, plan_dates: str):
        self.model, self.data, self.source = model, data, source
        self.base_dir, self.plan_dates = base_dir, plan_dates
        self.problems: list[Problem] = []
        self.links: list[PlanLinkUse] = []
        self._resolved: dict[tuple[str, int], tuple[tuple[int, int], tuple[int, int]]] = {}
        s = model.scenario
        if s.start_year > s.end_year:
            return
        horizon = f"{s.start_year}-{s.end_year}"
        for oi, opt in enumerate(model.options):
            olabel = _option_label(data, oi)
            for ii, item in enumerate(opt.items):
                ipath = f"{olabel}.{_item_label(data, oi, ii)}"
                asset = item.life is not None or item.per == "once"
                own_end = item.to_year is not None or item.months is not None
                from_spec, from_path = (
                    (item.from_year, f"{ipath}.from") if item.from_year is not None else (opt.from_year, f"{olabel}.from")
                )
                if own_end or asset:
                    to_spec, to_path, months, months_path = item.to_year, f"{ipath}.to", item.months, f"{ipath}.months"
                else:
                    to_spec, to_path, months, months_path = opt.to_year, f"{olabel}.to", opt.months, f"{olabel}.months"
                first = self._month(from_spec, from_path, start=True)
                if first is None:
                    continue
                if item.per == "once":
                    last = (first[0], 12)
                elif asset:
                    last = (s.end_year, 12)
                elif months is not None:
                    last = _add_months(first[0], first[1], months - 1)
                    to_path = months_path
                else:
                    last = self._month(to_spec, to_path, start=False)
                    if last is None:
                        continue
                bad = False
                shown_first = _month_text(first, from_spec)
                shown_last = _month_text(last, to_spec if to_path.endswith(".to") else None)
                if not s.start_year <= first[0] <= s.end_year:
                    self._problem(from_path, f"{shown_first} lies outside the horizon {horizon}")
                    bad = True
                if not s.start_year <= last[0] <= s.end_year:
                    self._problem(to_path, f"{shown_last} lies outside the horizon {horizon}")
                    bad = True
                if not bad and last < first:
                    self._problem(to_path, f"ends ({shown_last}) before it starts ({shown_first})")
                    bad = True
                if not bad:
                    self._resolved[(opt.id, ii + 1)] = (first, last)

    def of(self, option_id: str, position: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """(from year, from month), (to year, to month) of an item."""
        return self._resolved[(option_id, position)]

    def _problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.source, path, message))

    def _month(self, spec: Any, path: str, start: bool) -> tuple[int, int] | None:
        s = self.model.scenario
        if spec is None:
            return (s.start_year, 1) if start else (s.end_year, 12)
        if isinstance(spec, PlanLink):
            return self._plan_month(spec, path)
        year, month = spec
        return (year, month if month is not None else (1 if start else 12))

    def _plan_month(self, link: PlanLink, path: str) -> tuple[int, int] | None:
        from costmodel.schedule.plan import PlanError
        from costmodel.schedule.service import task_dates

        if self.base_dir is None:
            self._problem(path, "a plan link needs the scenario's folder: load the scenario from its file")
            return None
        if self.plan_dates == "forecast" and link.progress is None:
            self._problem(path, "forecast dates asked for, but the plan link names no 'progress' folder")
            return None
        plan_path = self.base_dir / link.plan
        progress = self.base_dir / link.progress if link.progress is not None else None
        as_of = dt.date.fromisoformat(link.as_of) if link.as_of else None
        try:
            found = task_dates(plan_path, link.task, progress, as_of)
        except KeyError:
            self._problem(f"{path}.task", f"the plan {link.plan!r} has no task {link.task!r}")
            return None
        except PlanError as exc:
            for problem in exc.problems:
                where = f"{problem.file}: {problem.path}: " if problem.path else f"{problem.file}: "
                self._problem(f"{path}.plan", f"{where}{problem.message}")
            return None

        def shifted(day: dt.date) -> tuple[int, int]:
            return _add_months(day.year, day.month, link.offset_months)

        baseline = shifted(found.baseline)
        forecast = shifted(found.forecast) if found.forecast is not None else None
        use_forecast = forecast is not None and self.plan_dates != "baseline"
        used = forecast if use_forecast else baseline
        self.links.append(PlanLinkUse(path, link, baseline, forecast, used))
        return used


def _month_text(month: tuple[int, int], spec: Any = None) -> str:
    """A resolved month as the file gave it: ``year 2027`` for a whole year, else ``2027-09``."""
    if isinstance(spec, tuple) and spec[1] is None:
        return f"year {month[0]}"
    text = f"{month[0]}-{month[1]:02d}"
    return f"{text} (from the plan)" if isinstance(spec, PlanLink) else text


def _price_factors(model: _FileSchema, data: Any, source: str, base_dir: Path | None) -> tuple[dict, list[Problem]]:
    """Price-index factors of items quoted in another year (``price_year``) to the base year."""
    from costmodel.prices import index_factor, read_price_index

    s = model.scenario
    base_year = s.base_year if s.base_year is not None else s.start_year
    wanted = [
        (oi, ii, opt.id, item.price_year)
        for oi, opt in enumerate(model.options)
        for ii, item in enumerate(opt.items)
        if item.price_year is not None and item.price_year != base_year
    ]
    if not wanted and s.price_index is None:
        return {}, []
    name = s.price_index or "price-index.csv"
    if base_dir is None:
        path = Path(name)
        if not path.is_absolute():
            return {}, [Problem(source, "scenario.price_index", "needs the scenario's folder: load the scenario from its file")]
    else:
        path = base_dir / name
    try:
        index = read_price_index(path)
    except InputError as exc:
        where = "scenario.price_index" if s.price_index else _item_path(data, wanted[0][0], wanted[0][1]) + ".price_year"
        return {}, [Problem(source, where, f"{p.file}: {p.path + ': ' if p.path else ''}{p.message}") for p in exc.problems]
    factors, problems = {}, []
    for oi, ii, oid, year in wanted:
        try:
            factors[(oid, ii + 1)] = index_factor(index, year, base_year)
        except KeyError as exc:
            problems.append(Problem(source, _item_path(data, oi, ii) + ".price_year", f"{exc.args[0]} in {path}"))
    return factors, problems


def _item_path(data: Any, oi: int, ii: int) -> str:
    return f"{_option_label(data, oi)}.{_item_label(data, oi, ii)}"


# ---------------------------------------------------------------------------
# Resolution: fill in defaults
# ---------------------------------------------------------------------------


def _resolve(model: _FileSchema, source: str, dates: _Dates, factors: Mapping[tuple[str, int], float]) -> Scenario:
    s = model.scenario
    years = np.arange(s.start_year, s.end_year + 1)
    drivers: dict[str, Driver] = {}
    for did, d in model.drivers.items():
        if d.values is not None:
            values = np.array([d.values[str(y)] for y in years], dtype=float)
        else:
            growth = d.growth or 0.0
            values = float(d.start) * (1.0 + growth) ** (years - s.start_year)
        values.setflags(write=False)
        growth_given = (d.growth or 0.0) if d.values is None else None
        drivers[did] = Driver(did, d.unit, values, d.source, d.note, d.start if d.values is None else None, growth_given, d.label)

    if s.real_discount_rate is not None:
        # Fisher: (1 + nominal) = (1 + real)(1 + inflation)  (OMB A-94 App. B)
        rate = (1.0 + s.real_discount_rate) * (1.0 + s.inflation) - 1.0
    else:
        rate = float(s.discount_rate)  # type: ignore[arg-type]

    contingency = None
    if model.contingency is not None:
        c = model.contingency
        contingency = Contingency(
            float(c.share),
            None if c.categories is None else tuple(c.categories),
            None if c.items is None else tuple(c.items),
            None if c.options is None else tuple(c.options),
            c.source,
            c.note,
        )
    options = []
    for opt in model.options:
        items = []
        for pos, it in enumerate(opt.items, start=1):
            life = it.life
            residual = (it.residual if it.residual is not None else "linear") if life is not None else None
            budget = it.budget or ("investment" if life is not None else "recurrent")
            (from_year, from_month), (to_year, to_month) = dates.of(opt.id, pos)
            items.append(
                Item(
                    position=pos,
                    name=it.name,
                    category=it.category,
                    price=float(it.price),
                    per=it.per,
                    quantity=it.quantity,
                    escalation=float(it.escalation if it.escalation is not None else s.inflation),
                    escalation_is_inflation=it.escalation is None,
                    contingency=_contingency_share(contingency, opt.id, it.category, it.name),
                    from_year=from_year,
                    to_year=to_year,
                    from_month=from_month,
                    to_month=to_month,
                    price_year=it.price_year,
                    price_factor=factors.get((opt.id, pos), 1.0),
                    vat=float(it.vat if it.vat is not None else s.vat),
                    timing=it.timing or s.timing,
                    budget=budget,
                    life=life,
                    residual=residual,
                    module=float(it.module if it.module is not None else 1.0),
                    existing=float(it.existing if it.existing is not None else 0.0),
                    source=it.source,
                    note=it.note,
                )
            )
        options.append(Option(opt.id, opt.name, tuple(items), opt.description, opt.short_name or "", opt.procedure))

    return Scenario(
        title=s.title,
        description=s.description,
        currency=s.currency,
        start_year=s.start_year,
        end_year=s.end_year,
        base_year=s.base_year if s.base_year is not None else s.start_year,
        discount_rate=float(rate),
        real_discount_rate=s.real_discount_rate,
        inflation=float(s.inflation),
        timing=s.timing,
        vat=float(s.vat),
        baseline=s.baseline if s.baseline is not None else model.options[0].id,
        unit_driver=s.unit_driver,
        drivers=drivers,
        options=tuple(options),
        comparisons=tuple(Comparison(c.metric, c.option, tuple(c.categories), c.per, c.label) for c in model.comparisons),
        contingency=contingency,
        mandate=s.mandate,
        mandate_option=s.mandate_option,
        source=source,
    )


def _contingency_share(rule: Contingency | None, option_id: str, category: str, name: str) -> float:
    return rule.share if rule is not None and rule.covers(option_id, category, name) else 0.0


# ---------------------------------------------------------------------------
# Uncertain inputs (pass 0): [parameters], distributions, expressions
# ---------------------------------------------------------------------------

NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
_RISK_TABLES = ("parameters", "correlation", "optimism_bias", "risk")


@dataclass
class _Extracted:
    data: dict
    problems: list[Problem] = field(default_factory=list)
    parameters: dict[str, Input | float] = field(default_factory=dict)
    inputs: dict[tuple, Input] = field(default_factory=dict)
    correlation: tuple[tuple[str, ...], np.ndarray] | None = None
    optimism_bias: dict[str, float] = field(default_factory=dict)
    budget_cap: dict[int, float] | None = None


#: Keys of a parameter or input table that describe the value rather than define it.
_META_KEYS = ("source", "note", "label", "unit", "range")


def _spec_to_input(value: Any, label: str, params: Mapping[str, Input | float]) -> Input:
    """A distribution table, a ``{value = ...}`` table or an expression string -> Input (central value computed)."""
    if isinstance(value, dict):
        meta = {k: value[k] for k in _META_KEYS if k in value}
        spec = {k: v for k, v in value.items() if k not in _META_KEYS}
        for key in ("source", "note", "label", "unit"):
            if not isinstance(meta.get(key, ""), str):
                raise DistributionError(f"{key} must be a string (got {_describe(meta[key])})")
        described = {"source": meta.get("source", ""), "name": meta.get("label", ""), "unit": meta.get("unit", "")}
        if "value" in spec:
            if set(spec) != {"value"}:
                extra = ", ".join(sorted(set(spec) - {"value"}))
                raise DistributionError(f"a table with 'value' takes only {', '.join(_META_KEYS)} beside it (got {extra})")
            fixed = spec["value"]
            if isinstance(fixed, bool) or not isinstance(fixed, int | float | str):
                raise DistributionError(f"value must be a number or an expression, got {_describe(fixed)}")
            if isinstance(fixed, str):
                inp = _spec_to_input(fixed, label, params)
            elif not math.isfinite(fixed):
                raise DistributionError(f"value must be a finite number (got {fixed!r})")
            else:
                inp = Input("const", label, float(fixed))
            out = Input(inp.kind, label, inp.central, expr=inp.expr, **described)
        else:
            dist = make_distribution(spec)
            out = Input("dist", label, dist.central, dist=dist, **described)
        if "range" in meta:
            out = _replace(out, range=_check_range(meta["range"], out.central))
        return out
    expr = parse_expression(value)
    unknown = sorted(n for n in expr.names if n not in params)
    if unknown:
        known = ", ".join(sorted(params)) or "none defined"
        close = [difflib.get_close_matches(n, list(params), n=1) for n in unknown]
        hints = [f"{n!r} (did you mean {c[0]!r}?)" if c else repr(n) for n, c in zip(unknown, close, strict=True)]
        raise ExpressionError(f"unknown parameter(s) {', '.join(hints)} in {value!r}; [parameters] defines: {known}")
    central = expr.evaluate({n: (p.central if isinstance(p, Input) else p) for n, p in params.items()})
    central = float(central)
    if not math.isfinite(central):
        raise ExpressionError(f"{value!r} does not give a finite number at the central values")
    return Input("expr", label, central, expr=expr)


def _check_range(value: Any, central: float) -> tuple[float, float]:
    """A ``range = [low, high]`` of finite numbers around the central value."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)
    ):
        raise DistributionError(f"range must be [low, high], two finite numbers (got {value!r})")
    low, high = float(value[0]), float(value[1])
    if low > high:
        raise DistributionError(f"range: low must be <= high (got [{low:g}, {high:g}])")
    if not low <= central <= high:
        raise DistributionError(f"range [{low:g}, {high:g}] must contain the central value {central:g}")
    return low, high


def _extract_inputs(data: Mapping[str, Any], source: str) -> _Extracted:
    """Replace distributions and expressions in numeric fields by their central values.

    Returns the modified copy of ``data`` (without the risk tables, which are
    checked here) and the inputs found, keyed by field.
    """
    import copy

    if not isinstance(data, Mapping):
        return _Extracted(dict(data))
    data = copy.deepcopy(dict(data))
    out = _Extracted(data)
    tables = {k: data.pop(k) for k in _RISK_TABLES if k in data}

    def problem(path: str, message: str) -> None:
        out.problems.append(Problem(source, path, message))

    # named parameters, in file order; later ones may use earlier ones
    raw_params = tables.get("parameters", {})
    if not isinstance(raw_params, dict):
        problem("parameters", f"expected a table, got {_describe(raw_params)}")
        raw_params = {}
    drivers = data.get("drivers") if isinstance(data.get("drivers"), dict) else {}
    pending = dict(raw_params)
    for _ in range(len(pending) + 1):
        progressed = False
        for name, value in list(pending.items()):
            path = f"parameters.{name}"
            if not re.match(NAME_PATTERN, str(name)):
                problem(path, "parameter names start with a letter and use letters, digits and '_'")
                del pending[name]
                continue
            if name in drivers:
                problem(path, f"{name!r} is also a driver id: use another name")
                del pending[name]
                continue
            if isinstance(value, bool) or not isinstance(value, int | float | str | dict):
                problem(path, f"expected a number, a distribution table or an expression, got {_describe(value)}")
                del pending[name]
                continue
            if isinstance(value, int | float):
                if not math.isfinite(value):
                    problem(path, f"must be a finite number (got {value!r})")
                else:
                    out.parameters[name] = float(value)
                del pending[name]
                progressed = True
                continue
            text = value.get("value") if isinstance(value, dict) and isinstance(value.get("value"), str) else value
            if isinstance(text, str):
                try:
                    names = parse_expression(text).names
                except ExpressionError as exc:
                    problem(path, str(exc))
                    del pending[name]
                    continue
                if not names <= set(out.parameters):
                    continue  # wait for the parameters it uses
            try:
                out.parameters[name] = _spec_to_input(value, name, out.parameters)
            except (DistributionError, ExpressionError) as exc:
                problem(path, str(exc))
            del pending[name]
            progressed = True
        if not pending or not progressed:
            break
    for name, value in pending.items():
        value = value["value"] if isinstance(value, dict) else value
        uses = sorted(parse_expression(value).names - set(out.parameters))
        defined = [u for u in uses if u in raw_params]
        if defined:
            problem(f"parameters.{name}", f"circular or unresolved reference to {', '.join(map(repr, defined))}")
        else:
            try:
                _spec_to_input(value, name, out.parameters)
            except ExpressionError as exc:
                problem(f"parameters.{name}", str(exc))

    def convert(container: Any, key: Any, field_key: tuple, path: str, allow_driver: bool = False) -> None:
        try:
            value = container[key]
        except (KeyError, IndexError, TypeError):
            return
        if isinstance(value, bool) or not isinstance(value, dict | str):
            return
        if allow_driver and isinstance(value, str) and value not in out.parameters and re.match(r"^[a-z_][a-z0-9_-]*$", value):
            return  # a driver id (an unknown one is reported by the consistency pass)
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?\s*", value):
            problem(path, f"expected a number, got a string ({value!r}): remove the quotes")
            container[key] = 0.0
            return
        try:
            inp = _spec_to_input(value, path, out.parameters)
        except (DistributionError, ExpressionError) as exc:
            problem(path, str(exc))
            container[key] = 0.0
            return
        out.inputs[field_key] = inp
        container[key] = inp.central

    scen = data.get("scenario")
    if isinstance(scen, dict):
        for k in ("discount_rate", "real_discount_rate", "inflation"):
            convert(scen, k, ("scenario", k), f"scenario.{k}")
    for did, drv in drivers.items():
        if not isinstance(drv, dict):
            continue
        for k in ("start", "growth"):
            convert(drv, k, ("driver", did, k), f"drivers.{did}.{k}")
        values = drv.get("values")
        if isinstance(values, dict):
            for year in list(values):
                convert(values, year, ("driver", did, "values", str(year)), f"drivers.{did}.values.{year}")
    options = data.get("options")
    if isinstance(options, list):
        for oi, opt in enumerate(options):
            items = opt.get("items") if isinstance(opt, dict) else None
            if not isinstance(items, list):
                continue
            for ii, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                base = f"{_option_label(data, oi)}.{_item_label(data, oi, ii)}"
                oid = opt.get("id") if isinstance(opt.get("id"), str) else f"#{oi + 1}"
                for k in ("price", "escalation"):
                    convert(item, k, ("item", oid, ii + 1, k), f"{base}.{k}")
                convert(item, "quantity", ("item", oid, ii + 1, "quantity"), f"{base}.quantity", allow_driver=True)

    # optimism bias: category -> uplift (number, distribution or expression), > -1
    bias = tables.get("optimism_bias", {})
    if not isinstance(bias, dict):
        problem("optimism_bias", f"expected a table of category = uplift, got {_describe(bias)}")
        bias = {}
    for cat, value in bias.items():
        path = f"optimism_bias.{cat}"
        if isinstance(value, int | float) and not isinstance(value, bool):
            if not math.isfinite(value) or value <= -1:
                problem(path, f"must be a finite number > -1 (got {value!r})")
            else:
                out.optimism_bias[cat] = float(value)
            continue
        if isinstance(value, bool) or not isinstance(value, dict | str):
            problem(path, f"expected a number, a distribution table or an expression, got {_describe(value)}")
            continue
        try:
            inp = _spec_to_input(value, path, out.parameters)
        except (DistributionError, ExpressionError) as exc:
            problem(path, str(exc))
            continue
        out.inputs[("bias", cat)] = inp
        out.optimism_bias[cat] = inp.central
    categories = {
        it.get("category")
        for o in (options or [])
        if isinstance(o, dict)
        for it in (o.get("items") or [])
        if isinstance(it, dict)
    }
    for cat in out.optimism_bias:
        if cat not in categories:
            problem(
                f"optimism_bias.{cat}",
                _unknown("item category", cat, sorted(c for c in categories if isinstance(c, str))),
            )

    # correlation between named parameters (rank correlation)
    corr = tables.get("correlation")
    if corr is not None:
        out.correlation = _check_correlation(corr, out, problem)

    risk = tables.get("risk", {})
    if not isinstance(risk, dict):
        problem("risk", f"expected a table, got {_describe(risk)}")
        risk = {}
    for k in risk:
        if k != "budget_cap":
            problem(
                f"risk.{k}",
                "unknown key" + (" (did you mean 'budget_cap'?)" if difflib.get_close_matches(k, ["budget_cap"]) else ""),
            )
    if "budget_cap" in risk:
        out.budget_cap = _check_budget_cap(risk["budget_cap"], data, problem)
    return out


def _check_correlation(corr: Any, out: _Extracted, problem) -> tuple[tuple[str, ...], np.ndarray] | None:
    if not isinstance(corr, dict) or set(corr) - {"parameters", "matrix"} or "parameters" not in corr or "matrix" not in corr:
        problem("correlation", "expected parameters = [names] and matrix = [[...], ...]")
        return None
    names, matrix = corr["parameters"], corr["matrix"]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names) or len(set(names)) != len(names):
        problem("correlation.parameters", "expected a list of distinct parameter names")
        return None
    ok = True
    for n in names:
        p = out.parameters.get(n)
        if p is None:
            problem("correlation.parameters", _unknown("parameter", n, list(out.parameters)))
            ok = False
        elif not (isinstance(p, Input) and p.kind == "dist"):
            problem("correlation.parameters", f"{n!r} is not a distribution: only uncertain parameters can be correlated")
            ok = False
    try:
        m = np.array(matrix, dtype=float)
    except (TypeError, ValueError):
        problem("correlation.matrix", "expected a square array of numbers")
        return None
    k = len(names)
    if m.shape != (k, k):
        problem("correlation.matrix", f"expected a {k} x {k} matrix (one row per parameter), got shape {m.shape}")
        return None
    if not np.allclose(m, m.T):
        problem("correlation.matrix", "must be symmetric")
        ok = False
    if not np.allclose(np.diag(m), 1.0):
        problem("correlation.matrix", "diagonal entries must be 1")
        ok = False
    if np.any(np.abs(m) > 1):
        problem("correlation.matrix", "entries must lie between -1 and 1")
        ok = False
    if ok:
        smallest = float(np.linalg.eigvalsh(m).min())
        if smallest < -1e-10:
            problem(
                "correlation.matrix",
                f"not positive semi-definite (smallest eigenvalue {smallest:.4g}): the correlations contradict each other",
            )
            ok = False
    return (tuple(names), m) if ok else None


def _check_budget_cap(cap: Any, data: Mapping[str, Any], problem) -> dict[int, float] | None:
    scen = data.get("scenario") if isinstance(data.get("scenario"), dict) else {}
    start, end = scen.get("start_year"), scen.get("end_year")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    if isinstance(cap, int | float) and not isinstance(cap, bool):
        if cap < 0:
            problem("risk.budget_cap", f"must be >= 0 (got {cap!r})")
            return None
        return {y: float(cap) for y in range(start, end + 1)}
    if isinstance(cap, dict):
        outcap = {}
        for k, v in cap.items():
            if not re.fullmatch(r"\d{4}", str(k)) or not start <= int(k) <= end:
                problem(f"risk.budget_cap.{k}", f"keys must be horizon years {start}-{end}")
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                problem(f"risk.budget_cap.{k}", f"must be a number >= 0 (got {v!r})")
                continue
            outcap[int(k)] = float(v)
        return outcap
    problem("risk.budget_cap", f"expected a number (VND per year) or a table year = number, got {_describe(cap)}")
    return None

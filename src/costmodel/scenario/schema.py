"""Pass 1: the schema (pydantic v2, strict, unknown keys forbidden) and the translation of its errors into problems.

Numbers at the edge: one policy
-------------------------------
Every numeric input is a finite number inside a documented range, checked here
(or, for the tables pass 0 reads, in :mod:`.inputs`) with its key path, so the
engine never sees NaN, an infinity or a number it cannot compute with. The
ranges are the constants below (documented in docs/scenario-format.md,
"Numbers at the edge"); readers of the other formats (price index, peer costs, usage,
compliance and plan files) take theirs from here too:

* :data:`MAX_AMOUNT` -- the largest amount: a price per unit per period, a
  yearly budget cap, a peer's unit cost (10^15 đồng, far above any price or
  yearly budget of a provincial IT project);
* :data:`MAX_QUANTITY` -- the largest quantity: an item's quantity, a
  driver's value (also when grown from ``start`` and ``growth``), a module,
  existing units (10^9);
* rates (discount rate, inflation, escalation, growth, optimism bias) are any
  finite number above :data:`RATE_FLOOR` (-1): 500 % is valid; a rate that
  makes a computed amount overflow stops the run with the input's key path
  (:func:`costmodel.evaluation.evaluate`);
* shares (VAT, contingency, a resale fraction) lie in [0, 1];
* years lie in [:data:`MIN_YEAR`, :data:`MAX_YEAR`] (so a horizon of 100
  years, or 301, is valid); dates of the other formats in [:data:`MIN_DATE`,
  :data:`MAX_DATE`] (plan dates, further, in the years whose public holidays
  the calendar knows: :func:`costmodel.schedule.calendar.calendar_years`);
* a contract is 1 to :data:`MAX_MONTHS` months; a plan-linked date moves at
  most :data:`MAX_OFFSET_MONTHS` months;
* an asset's ``life`` is any whole number of years >= 1, however long (a life
  longer than the horizon is never renewed);
* quantities and prices of 0 are valid, and a distribution with ``low =
  high`` is a point value.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError, field_validator

from costmodel._pydantic import by_id, by_name, pydantic_problems
from costmodel.problems import Problem
from costmodel.problems import describe_value as _describe
from costmodel.scenario.dates import _check_as_of, _check_date
from costmodel.scenario.model import ID_PATTERN, MAX_MONTHS, MAX_OFFSET_MONTHS, MAX_YEAR, MIN_YEAR, Year

__all__ = [
    "MAX_AMOUNT",
    "MAX_DATE",
    "MAX_MONTHS",
    "MAX_OFFSET_MONTHS",
    "MAX_QUANTITY",
    "MAX_YEAR",
    "MIN_DATE",
    "MIN_YEAR",
    "RATE_FLOOR",
    "check_number",
    "limit_text",
    "shown_number",
]

#: The largest amount accepted anywhere: a price per unit per period, a yearly budget cap,
#: a peer's unit cost. [VND]
MAX_AMOUNT = 1e15
#: Longest name, short name or label (characters): names go into chart legends, table headers and
#: Word tables, where a longer text cannot be laid out.
MAX_NAME = 200
#: Longest short name (charts and narrow tables).
MAX_SHORT_NAME = 60
#: Longest title.
MAX_TITLE = 300
#: The largest quantity accepted anywhere: an item's quantity, a driver's value, a module,
#: existing units. [unit]
MAX_QUANTITY = 1e9
#: Rates must be above this (exclusive); they have no upper bound. [1/year]
RATE_FLOOR = -1.0
#: Dates of the other input formats (compliance, usage, plans) lie in these years' range.
MIN_DATE, MAX_DATE = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)


def limit_text(x: float) -> str:
    """A limit as a reader writes it: ``0``, ``-1``, ``1``, ``1e15``.

    Examples
    --------
    >>> limit_text(1e15), limit_text(0), limit_text(-1.0), limit_text(0.5)
    ('1e15', '0', '-1', '0.5')
    """
    x = float(x)
    if x == 0 or (abs(x) < 1e6 and x.is_integer()):
        return str(int(x))
    exponent = math.log10(abs(x))
    if exponent.is_integer():
        return f"{'-' if x < 0 else ''}1e{int(exponent)}"
    return f"{x:g}"


def shown_number(v: Any) -> str:
    """A number found in a file, short enough for a message (huge whole numbers in scientific notation).

    Examples
    --------
    >>> shown_number(-5), shown_number(10**30), shown_number(10**400)
    ('-5', '1e+30', 'a whole number of 401 digits')
    """
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10**16:
        try:
            return f"{float(v):.6g}"
        except OverflowError:
            return f"a whole number of {len(str(abs(v)))} digits"
    return repr(v)


def check_number(
    v: Any, low: float | None = None, high: float | None = None, low_open: bool = False, high_why: str = ""
) -> float:
    """``v`` as a float when it is a finite number in the range, else ValueError with the message for the file.

    Parameters
    ----------
    v : any
        The value read (an int or a float; a boolean is not a number).
    low, high : float, optional
        The range (``low`` exclusive when ``low_open``).
    high_why : str
        Why the upper limit is what it is (appended to the message).

    Examples
    --------
    >>> check_number(3, 0, 10)
    3.0
    >>> check_number(-1, -1, low_open=True)
    Traceback (most recent call last):
    ValueError: must be > -1 (got -1)
    """
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"expected a number, got {_describe(v)}")
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"must be a finite number (got {v!r})")
    try:
        x = float(v)
    except OverflowError:  # a whole number beyond the largest float: out of any range it has
        x = math.inf if v > 0 else -math.inf
        if (high is None and x > 0) or (low is None and x < 0):
            raise ValueError(f"must be a finite number (got {shown_number(v)})") from None
    if low is not None and (x <= low if low_open else x < low):
        raise ValueError(f"must be {'>' if low_open else '>='} {limit_text(low)} (got {shown_number(v)})")
    if high is not None and x > high:
        why = f", {high_why}" if high_why else ""
        raise ValueError(f"must be <= {limit_text(high)}{why} (got {shown_number(v)})")
    return x


def _number(low: float | None = None, high: float | None = None, low_open: bool = False, high_why: str = "") -> Any:
    """A float field of the schema checked by :func:`check_number`."""
    return Annotated[float, PlainValidator(lambda v: check_number(v, low, high, low_open, high_why))]


Price = _number(0, MAX_AMOUNT, high_why="the largest price accepted")
Quantity = _number(0, MAX_QUANTITY, high_why="the largest quantity accepted")
Module = _number(0, MAX_QUANTITY, low_open=True, high_why="the largest quantity accepted")
Rate = _number(RATE_FLOOR, low_open=True)
Share = _number(0, 1)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True)


class _ScenarioSection(_Schema):
    title: Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
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
    as_of: Any = None
    mandate: str = ""
    mandate_option: str | None = None

    @field_validator("as_of", mode="plain")
    @classmethod
    def _as_of(cls, v: Any) -> dt.date | None:
        return _check_as_of(v)


class _DriverSection(_Schema):
    label: Annotated[str, Field(max_length=MAX_NAME)] = ""
    unit: Annotated[str, Field(max_length=MAX_SHORT_NAME)] = ""
    values: dict[str, Quantity] | None = None
    start: Quantity | None = None
    growth: Rate | None = None
    source: str = ""
    note: str = ""


class _ItemSection(_Schema):
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    category: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    price: Price
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
    module: Module | None = None
    existing: Quantity | None = None
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
        return check_number(v, 0, MAX_QUANTITY, high_why="the largest quantity accepted")

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
            if not (0 <= v <= 1):
                raise ValueError(f"a resale fraction must be between 0 and 1 (got {shown_number(v)})")
            return float(v)
        raise ValueError(f'expected "linear", "none" or a number between 0 and 1, got {_describe(v)}')


class _OptionSection(_Schema):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
    short_name: Annotated[str, Field(min_length=1, max_length=MAX_SHORT_NAME)] | None = None
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


#: How the scenario's key paths name array elements: options by id, items by position and name.
_LABELS = {("options",): by_id(ID_PATTERN), ("options", "items"): by_name()}
_OPTIONS_REQUIRED = "at least one option is required ([[options]] table)"


def _schema_problems(exc: ValidationError, data: Any, source: str) -> list[Problem]:
    """The schema pass's errors as problems (see :func:`costmodel._pydantic.pydantic_problems`)."""
    return pydantic_problems(
        exc,
        data,
        source,
        _FileSchema,
        labels=_LABELS,
        patterns={ID_PATTERN: "lowercase letters, digits, '_' and '-'"},
        missing={"options": _OPTIONS_REQUIRED},
        empty={"options": _OPTIONS_REQUIRED, "items": "an option needs at least one item ([[options.items]] table)"},
    )

"""Pass 1: the schema (pydantic v2, strict, unknown keys forbidden) and the translation of its errors into problems."""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from costmodel._pydantic import by_id, by_name, pydantic_problems
from costmodel.problems import Problem
from costmodel.problems import describe_value as _describe
from costmodel.scenario.dates import _check_as_of, _check_date
from costmodel.scenario.model import ID_PATTERN, MAX_MONTHS, NonNegative, Rate, Share, Year


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
    as_of: Any = None
    mandate: str = ""
    mandate_option: str | None = None

    @field_validator("as_of", mode="plain")
    @classmethod
    def _as_of(cls, v: Any) -> dt.date | None:
        return _check_as_of(v)


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

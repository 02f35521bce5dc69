"""Pass 1: the schema (pydantic v2, strict, unknown keys forbidden) and the translation of its errors into problems."""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from costmodel.problems import Problem
from costmodel.problems import describe_value as _describe
from costmodel.scenario.dates import _check_as_of, _check_date
from costmodel.scenario.model import ID_PATTERN, MAX_MONTHS, NonNegative, Rate, Share, Year
from costmodel.scenario.paths import _item_label, _option_label


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


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


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

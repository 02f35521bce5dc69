"""One translation of pydantic validation errors into :class:`~costmodel.problems.Problem`.

Every TOML input (scenario, criteria, procurement plan) is checked first by a
strict pydantic schema; :func:`pydantic_problems` turns the schema's
:class:`pydantic.ValidationError` into one problem per error, in the project's
style:

* the key path numbers array elements from 1 in file order
  (``criterion[3]``); a format may name the elements of an array by their id
  (``options.rent``, ``tasks.sign``) or add their name
  (``items[2] (Rack rental)``), see :func:`by_id` and :func:`by_name`;
* the message says what was expected and what was found
  ("expected a number, got a string ('abc')", "unknown key (did you mean
  'price'?)", "unknown key (allowed: ...)", "must be >= 0 (got -5)");
* a format adds its own words for a missing or empty key, the characters an
  id pattern allows, or any special case.

This module is apart from :mod:`costmodel.problems` so that the small core
every reader imports (Problem, InputError, read_text) does not depend on
pydantic; it is private: the readers use it, users see only its problems.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from costmodel.problems import Problem, describe_value

__all__ = ["Label", "by_id", "by_name", "pydantic_problems"]

#: Names an element of an array in a key path: ``(key, element, index) -> segment``,
#: e.g. ``("options", {"id": "rent", ...}, 0) -> "options.rent"``; ``index`` from 0.
Label = Callable[[str, Any, int], str]

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
    "list_type": "an array",
    "bool_type": "true or false",
    "date_type": "a date such as 2024-04-15",
    "date_parsing": "a date such as 2024-04-15",
    "date_from_datetime_parsing": "a date such as 2024-04-15",
    "date_from_datetime_inexact": "a date such as 2024-04-15",
}
#: Error type -> (sign, key of the bound in the error's context).
_BOUNDS = {
    "greater_than_equal": (">=", "ge"),
    "greater_than": (">", "gt"),
    "less_than_equal": ("<=", "le"),
    "less_than": ("<", "lt"),
}


def by_id(pattern: str, field: str = "id") -> Label:
    """Name an element by its id when it has a valid one: ``options.rent``, else ``options[2]``.

    Examples
    --------
    >>> label = by_id(r"^[a-z]+$")
    >>> label("options", {"id": "rent"}, 0), label("options", {"id": "Rent 1"}, 1)
    ('options.rent', 'options[2]')
    """

    def label(key: str, element: Any, index: int) -> str:
        value = _get(element, field)
        if isinstance(value, str) and re.match(pattern, value):
            return f"{key}.{value}"
        return f"{key}[{index + 1}]"

    return label


def by_name(field: str = "name", strip: bool = False) -> Label:
    """Add an element's name to its position: ``items[2] (Rack rental)``.

    ``strip`` trims the name first (for formats whose names are trimmed).

    Examples
    --------
    >>> by_name()("items", {"name": "Rack rental"}, 1), by_name()("items", {}, 0)
    ('items[2] (Rack rental)', 'items[1]')
    """

    def label(key: str, element: Any, index: int) -> str:
        name = _get(element, field)
        if isinstance(name, str) and strip:
            name = name.strip()
        suffix = f" ({name})" if isinstance(name, str) and name else ""
        return f"{key}[{index + 1}]{suffix}"

    return label


def pydantic_problems(
    exc: ValidationError,
    data: Any,
    source: str,
    schema: type[BaseModel],
    *,
    labels: Mapping[tuple[str, ...], Label] | None = None,
    patterns: Mapping[str, str] | None = None,
    missing: Mapping[str, str] | None = None,
    empty: Mapping[str, str] | None = None,
    special: Callable[[ErrorDetails], str | None] | None = None,
) -> list[Problem]:
    """Translate a validation error of ``schema`` into problems, one per error, in order.

    Parameters
    ----------
    exc : pydantic.ValidationError
        Raised by ``schema.model_validate(data)``.
    data : any
        The data validated (parsed TOML), to name array elements.
    source : str
        File name for the problems.
    schema : type of pydantic.BaseModel
        The root model, to list the keys allowed where an unknown one is.
    labels : mapping of tuple of str to Label, optional
        How the elements of an array are named, by the keys leading to the
        array (array positions left out): ``{("options",): by_id(ID),
        ("options", "items"): by_name()}``. Other elements are ``key[n]``.
    patterns : mapping of str to str, optional
        For an id that does not match a pattern: the characters the pattern
        allows, in words ("lowercase letters, digits, '_' and '-'").
    missing : mapping of str to str, optional
        Message for a required key that is missing, by key (default
        "required key is missing").
    empty : mapping of str to str, optional
        Message for an empty string or array that must not be, by key
        (default "must not be empty").
    special : callable, optional
        Called first with each pydantic error; a string it returns is the
        message (for a format's own cases).

    Returns
    -------
    list of Problem
    """
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        path, message = _path(loc, data, labels or {}), None
        if special is not None:
            message = special(err)
        if message is None:
            message = _message(err, schema, patterns or {}, missing or {}, empty or {})
        if loc and loc[-1] == "[key]":  # a key of a table that does not match the key pattern
            message = f"the key {message}"
        out.append(Problem(source, path, message))
    return out


def _get(data: Any, key: Any) -> Any:
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


def _path(loc: tuple[Any, ...], data: Any, labels: Mapping[tuple[str, ...], Label]) -> str:
    """A pydantic location as a key path: arrays from 1, elements named by ``labels``."""
    parts: list[str] = []
    keys: list[str] = []  # the string keys so far, the shape ``labels`` is keyed by
    node = data
    i = 0
    while i < len(loc):
        key = loc[i]
        if key == "[key]":  # pydantic's marker for a table's key; the path already ends with it
            i += 1
            continue
        if isinstance(key, str) and i + 1 < len(loc) and isinstance(loc[i + 1], int):
            index = loc[i + 1]
            array = _get(node, key)
            keys.append(key)
            label = labels.get(tuple(keys))
            parts.append(label(key, _get(array, index), index) if label else f"{key}[{index + 1}]")
            node = _get(array, index)
            i += 2
            continue
        if isinstance(key, int):
            if parts:
                parts[-1] += f"[{key + 1}]"
            else:
                parts.append(f"[{key + 1}]")
        else:
            parts.append(str(key))
            keys.append(key)
        node = _get(node, key)
        i += 1
    return ".".join(parts)


def _unwrap(tp: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _type_at(schema: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The declared type at a location of the schema (None when it cannot be told)."""
    tp: Any = schema
    for key in loc:
        tp = _unwrap(tp)
        if _is_model(tp) and isinstance(key, str):
            tp = next((f.annotation for name, f in tp.model_fields.items() if key in (name, f.alias)), None)
        elif get_origin(tp) is list and isinstance(key, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict and isinstance(key, str):
            tp = get_args(tp)[1]
        else:
            return None
    return tp


def _allowed_keys(schema: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the table holding ``loc[-1]``, as written in files (aliases)."""
    table = _unwrap(_type_at(schema, loc[:-1]))
    return [f.alias or name for name, f in table.model_fields.items()] if _is_model(table) else []


def _num(x: Any) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def _message(
    err: ErrorDetails,
    schema: type[BaseModel],
    patterns: Mapping[str, str],
    missing: Mapping[str, str],
    empty: Mapping[str, str],
) -> str:
    etype, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    loc = tuple(err["loc"])
    last = str(loc[-1]) if loc else ""
    if etype == "extra_forbidden":
        allowed = _allowed_keys(schema, loc)
        close = difflib.get_close_matches(last, allowed, n=1, cutoff=0.6)
        if close:
            return f"unknown key (did you mean '{close[0]}'?)"
        return f"unknown key (allowed: {', '.join(allowed)})" if allowed else "unknown key"
    if etype == "missing":
        return missing.get(last, "required key is missing")
    if etype in ("too_short", "string_too_short"):
        if last in empty:
            return empty[last]
        least = ctx.get("min_length", 1)
        if etype == "too_short" and least > 1:
            return f"expected at least {least} values (got {ctx.get('actual_length', '?')})"
        return "must not be empty"
    if etype == "too_long":
        return f"expected at most {ctx.get('max_length')} values (got {ctx.get('actual_length', '?')})"
    if etype == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        limit = ctx.get("max_length")
        return f"too long: at most {limit} characters (got {length}); descriptions and notes may be longer"
    if etype == "string_pattern_mismatch":
        allowed = patterns.get(str(ctx.get("pattern", "")))
        if allowed:
            return f"must use only {allowed} (got {value!r})"
        return f"must match the pattern {ctx.get('pattern')} (got {value!r})"
    if etype in _BOUNDS:
        sign, bound = _BOUNDS[etype]
        return f"must be {sign} {_num(ctx.get(bound))} (got {value!r})"
    if etype == "finite_number":
        return f"must be a finite number (got {value!r})"
    if etype == "literal_error":
        return f"must be one of {ctx.get('expected', '')} (got {value!r})"
    if etype == "list_type" and _is_model(_unwrap(_type_at(schema, (*loc, 0)))):
        return f"expected an array of tables, got {describe_value(value)}"
    if etype in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[etype]}, got {describe_value(value)}"
    if etype == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return str(err.get("msg", "invalid value"))

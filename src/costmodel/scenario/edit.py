"""Validated edits of a scenario, addressed by the key paths that error messages use.

Every edit works on the scenario's input as read (``Scenario.data``, the parsed
TOML) and runs the whole validation again, so an edited scenario is exactly
what the same edit made in the file would give — a field written as an
expression or a distribution included — and an invalid edit is reported like a
file error, with its key path.

Key paths:

* ``scenario.FIELD`` (``scenario.discount_rate``);
* ``parameters.NAME`` (and ``parameters.NAME.FIELD`` inside a distribution
  table, e.g. ``parameters.fx.high``);
* ``drivers.ID.values.YEAR``, ``drivers.ID.start``, ``drivers.ID.growth``, ...;
* ``options.ID.FIELD`` and ``options.ID.items[N].FIELD`` with items numbered
  from 1 in file order, the item's name in parentheses optional
  (``options.rent.items[3] (Đường truyền).price``);
* ``contingency.share``, ``optimism_bias.CATEGORY``, ``risk.budget_cap``.

Patterns for :func:`scale` and the command line's ``--set``/``--scale`` may use
``*`` for an option id, an item number, a driver, a year or a parameter name
(``options.*.items[*].price``); ``*`` never matches across a dot. An item's name
in parentheses is checked there too (``options.*.items[*] (Đường truyền*).price``:
the items of that name, ``*`` in a name matching any text).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from costmodel.problems import Problem, describe_value
from costmodel.scenario.model import Scenario, ScenarioError

__all__ = ["Change", "expand", "paths_of", "scale_value"]

_ITEM = re.compile(r"^items\[(\d+|\*)\](?: \((.*)\))?$", re.S)
#: Numbers of a distribution table that scale with it (``base`` too); ``sd`` of a normal scales, of course.
_SCALED_DIST_KEYS = ("low", "mode", "high", "mean", "sd", "base")


@dataclass(frozen=True)
class Change:
    """One edit of a scenario.

    Attributes
    ----------
    path : str
        The key path edited (a concrete path, wildcards expanded).
    old, new : object
        The value as the file had it (None when absent) and the new value.
    kind : {"set", "scale", "drop_option", "add_option"}
        For ``drop_option`` ``old`` is the option's table as the file had it;
        for ``add_option`` ``new`` is the table added.
    """

    path: str
    old: Any
    new: Any
    kind: str = "set"


_ITEM_PATH = re.compile(
    r"^options\.(?P<opt>[^.\[]+)\.(?P<item>items\[(?:\d+|\*)\](?: \(.*\))?)(?P<rest>\.[A-Za-z_*][\w.*]*)?$", re.S
)


def _split(path: str) -> list[str]:
    """Split a key path at its dots, keeping an item label ``items[3] (a name with . and ())`` whole."""
    m = _ITEM_PATH.match(path)
    if m:
        return ["options", m["opt"], m["item"], *(m["rest"][1:].split(".") if m["rest"] else [])]
    return path.split(".")


def _problem(scenario: Scenario, path: str, message: str) -> ScenarioError:
    return ScenarioError([Problem(scenario.source, path, message)])


def _locate(data: dict, parts: list[str], scenario: Scenario, path: str, create: bool) -> tuple[Any, Any]:
    """(container, key) of a concrete key path in the raw data; with ``create`` the last key may be new."""
    node: Any = data
    i = 0
    while i < len(parts) - 1:
        part = parts[i]
        if part == "options" and isinstance(node, dict) and i + 1 < len(parts):
            options = node.get("options")
            oid = parts[i + 1]
            match = [o for o in options or [] if isinstance(o, dict) and o.get("id") == oid]
            if not match:
                known = ", ".join(repr(o.get("id")) for o in options or [] if isinstance(o, dict))
                raise _problem(scenario, path, f"no option {oid!r} (options: {known})")
            if i + 2 == len(parts):
                raise _problem(
                    scenario, path, "an option is edited field by field (options.ID.FIELD), or with drop_option and add_option"
                )
            node = match[0]
            i += 2
            continue
        m = _ITEM.match(part)
        if m and isinstance(node, dict):
            items = node.get("items") or []
            n = int(m.group(1))
            if not 1 <= n <= len(items):
                raise _problem(scenario, path, f"no item {n}: the option has {len(items)} item(s), numbered from 1")
            name = m.group(2)
            if name is not None and items[n - 1].get("name") != name:
                raise _problem(scenario, path, f"item {n} is {items[n - 1].get('name')!r}, not {name!r}")
            node = items[n - 1]
            i += 1
            continue
        if not isinstance(node, dict) or part not in node:
            if create and isinstance(node, dict):
                node[part] = {}
            else:
                raise _problem(scenario, path, f"no key {part!r} here: the file does not have this path")
        node = node[part]
        i += 1
    last = parts[-1]
    if _ITEM.match(last):
        raise _problem(scenario, path, "an item is edited field by field: options.ID.items[N].FIELD")
    if not isinstance(node, dict):
        raise _problem(scenario, path, f"{'.'.join(parts[:-1]) or 'the file'} is not a table")
    if last not in node and not create:
        raise _problem(scenario, path, f"no key {last!r} here: the file does not have this path")
    return node, last


def paths_of(data: Mapping[str, Any], named: bool = False) -> Iterator[str]:
    """Every concrete key path of a scenario's input (leaves; tables of distributions as leaves too).

    With ``named`` items are labelled with their name too: ``options.rent.items[2] (Rack rental).price``.
    """

    def walk(node: Any, prefix: str) -> Iterator[str]:
        if isinstance(node, dict) and not ("dist" in node or "value" in node or "plan" in node):
            for k, v in node.items():
                if k == "options" and not prefix and isinstance(v, list):
                    for opt in v:
                        if not isinstance(opt, dict):
                            continue
                        base = f"options.{opt.get('id')}"
                        for ok, ov in opt.items():
                            if ok == "items" and isinstance(ov, list):
                                for n, item in enumerate(ov, start=1):
                                    if isinstance(item, dict):
                                        label = f"items[{n}] ({item.get('name')})" if named else f"items[{n}]"
                                        for ik in item:
                                            yield f"{base}.{label}.{ik}"
                            else:
                                yield f"{base}.{ok}"
                    continue
                yield from walk(v, f"{prefix}.{k}" if prefix else str(k))
        else:
            yield prefix

    yield from walk(dict(data), "")


def _glob(text: str, star: str) -> str:
    return star.join(re.escape(part) for part in text.split("*"))


def _pattern_regex(pattern: str) -> tuple[re.Pattern, bool]:
    """The regex of a pattern, and whether it names items (it is then matched against paths with item names).

    ``*`` matches within one segment (an option id, an item number, a key), never across a dot:
    ``options.*.from`` is the options' dates, not their items'. In an item's name it matches any text.
    """
    named = False
    out = []
    for part in _split(pattern):
        m = _ITEM.match(part)
        if m:
            out.append(r"items\[" + (r"\d+" if m.group(1) == "*" else m.group(1)) + r"\]")
            if m.group(2) is not None:  # a name in parentheses: the item must have it
                named = True
                out[-1] += r" \(" + _glob(m.group(2), ".*") + r"\)"
        else:
            out.append(_glob(part, r"[^.]*"))
    return re.compile(r"\.".join(out), re.S), named


def expand(scenario: Scenario, pattern: str) -> list[str]:
    """The concrete key paths of ``scenario`` that ``pattern`` names (``*`` matches one segment or item number)."""
    data = scenario.data or {}
    if "*" not in pattern:
        return [pattern]
    rx, named = _pattern_regex(pattern)
    found = [p for p in paths_of(data, named=named) if rx.fullmatch(p)]
    if not found:
        raise _problem(scenario, pattern, "matches no key of the scenario")
    return found


def _takes_expression(path: str) -> bool:
    """Whether the field at ``path`` may be written as an expression (the numeric fields of :mod:`.inputs`)."""
    parts = _split(path)
    head, last = parts[0], parts[-1]
    if head in ("parameters", "optimism_bias"):
        return len(parts) == 2 or (len(parts) == 3 and last == "value")
    if head == "scenario":
        return len(parts) == 2 and last in ("discount_rate", "real_discount_rate", "inflation")
    if head == "drivers":
        return (len(parts) == 3 and last in ("start", "growth")) or (len(parts) == 4 and parts[2] == "values")
    if head == "options":
        return len(parts) == 4 and _ITEM.match(parts[2]) is not None and last in ("price", "escalation", "quantity")
    return False


def scale_value(value: Any, factor: float, path: str, scenario: Scenario) -> Any:
    """A field's value times ``factor``: a number, an expression string or a distribution table alike."""
    if isinstance(value, bool):
        raise _problem(scenario, path, "a true/false value cannot be scaled")
    if isinstance(value, int | float):
        return value * factor
    if isinstance(value, str):
        if not _takes_expression(path):
            raise _problem(scenario, path, f"{value!r} is text: only numbers, expressions and distributions can be scaled")
        if re.fullmatch(r"[a-z_][a-z0-9_-]*", value):
            raise _problem(scenario, path, f"{value!r} names a driver: scale the driver's values instead")
        return f"({value}) * {factor!r}"
    if isinstance(value, dict) and "dist" in value:
        out = dict(value)
        if value["dist"] == "lognormal" or value["dist"] == "normal" or any(k in value for k in ("low", "high")):
            for k in _SCALED_DIST_KEYS:
                if k in out and isinstance(out[k], int | float) and not isinstance(out[k], bool):
                    out[k] = out[k] * factor
        if "range" in out and isinstance(out["range"], list):
            out["range"] = [v * factor for v in out["range"]]
        if factor < 0:
            raise _problem(scenario, path, "a distribution cannot be scaled by a negative factor")
        return out
    if isinstance(value, dict) and "value" in value:
        out = dict(value)
        out["value"] = scale_value(value["value"], factor, path, scenario)
        if "range" in out and isinstance(out["range"], list):
            out["range"] = sorted(v * factor for v in out["range"])
        return out
    if isinstance(value, dict) and all(isinstance(v, int | float | str | dict) for v in value.values()):
        return {k: scale_value(v, factor, f"{path}.{k}", scenario) for k, v in value.items()}
    raise _problem(scenario, path, f"cannot scale {type(value).__name__} values")


def _reparse(scenario: Scenario, data: dict, changes: tuple[Change, ...]) -> Scenario:
    from costmodel.scenario.model import _replace
    from costmodel.scenario.reading import parse_scenario

    edited = parse_scenario(data, scenario.source, scenario.base_dir, scenario.plan_dates)
    return _replace(edited, sha256=scenario.sha256, changes=changes)


def _data(scenario: Scenario) -> dict:
    if scenario.data is None:
        raise ScenarioError([Problem(scenario.source, "", "this scenario keeps no input to edit: load it with load_scenario")])
    return copy.deepcopy(dict(scenario.data))


def with_changes(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """See :meth:`Scenario.with_changes`."""
    data = _data(scenario)
    done = []
    for pattern, value in changes.items():
        for path in expand(scenario, pattern):
            container, key = _locate(data, _split(path), scenario, path, create=True)
            old = container.get(key)
            container[key] = copy.deepcopy(value)
            done.append(Change(path, old, value, "set"))
    return _reparse(scenario, data, scenario.changes + tuple(done))


def scale(scenario: Scenario, pattern: str, factor: float) -> Scenario:
    """See :meth:`Scenario.scale`."""
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not math.isfinite(factor):
        raise _problem(scenario, pattern, f"the factor must be a finite number (got {factor!r})")
    data = _data(scenario)
    done = []
    for path in expand(scenario, pattern):
        container, key = _locate(data, _split(path), scenario, path, create=False)
        old = container[key]
        container[key] = scale_value(old, float(factor), path, scenario)
        done.append(Change(path, old, container[key], "scale"))
    return _reparse(scenario, data, scenario.changes + tuple(done))


def drop_option(scenario: Scenario, option_id: str) -> Scenario:
    """See :meth:`Scenario.drop_option`."""
    data = _data(scenario)
    options = data.get("options") or []
    keep = [o for o in options if not (isinstance(o, dict) and o.get("id") == option_id)]
    if len(keep) == len(options):
        known = ", ".join(repr(o.id) for o in scenario.options)
        raise _problem(scenario, f"options.{option_id}", f"no option {option_id!r} to drop (options: {known})")
    if scenario.baseline == option_id:
        raise _problem(
            scenario,
            f"options.{option_id}",
            f"{option_id!r} is the baseline: set scenario.baseline to another option before dropping it",
        )
    if len(keep) == 0:
        raise _problem(scenario, f"options.{option_id}", "a scenario needs at least one option")
    dropped = next(o for o in options if isinstance(o, dict) and o.get("id") == option_id)
    data["options"] = keep
    return _reparse(scenario, data, (*scenario.changes, Change(f"options.{option_id}", dropped, None, "drop_option")))


def add_option(scenario: Scenario, option: Mapping[str, Any]) -> Scenario:
    """See :meth:`Scenario.add_option`."""
    if not isinstance(option, Mapping):
        raise _problem(scenario, "options", f"an option is a table like a file's [[options]], got {describe_value(option)}")
    data = _data(scenario)
    data.setdefault("options", []).append(copy.deepcopy(dict(option)))
    oid = option.get("id")
    return _reparse(scenario, data, (*scenario.changes, Change(f"options.{oid}", None, dict(option), "add_option")))

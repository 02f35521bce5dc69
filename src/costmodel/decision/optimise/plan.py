"""The optimal plan as a scenario file: one option that ``costmodel run`` evaluates to the optimiser's objective.

The plan's option holds, for every option the plan takes, its fixed items as the file
has them and its items charged on a capacity with their quantity replaced by a new
driver: ``used-<capacity>-<option>`` (the units the option provides each year: rented
units for a renting option) for items charged per unit, ``installed-<capacity>-<option>``
(``existing + module x`` the modules installed, non-decreasing) for its ``added`` items,
which the engine then buys exactly. Dates are the resolved months; items whose name
another taken option also uses get the option's short name appended.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

import numpy as np

from .engine import derived_frame, item_table
from .programme import Decisions
from .structure import Future, Structure

__all__ = ["PLAN_OPTION", "plan_data", "to_toml"]

#: Id of the plan's single option.
PLAN_OPTION = "plan"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _unique(taken: set[str], wanted: str) -> str:
    name, k = wanted, 1
    while name in taken:
        k += 1
        name = f"{wanted}-{k}"
    taken.add(name)
    return name


def plan_data(structure: Structure, decisions: Decisions, f: int, future: Future, several: bool) -> dict:
    """The input of the plan scenario of one future (a dict for :func:`costmodel.parse_scenario` and :func:`to_toml`).

    Parameters
    ----------
    structure : Structure
    decisions : Decisions
    f : int
        Index of the future in the decisions.
    future : Future
    several : bool
        Whether the optimisation had several futures (the title names the future).
    """
    s = structure.scenario
    src = s.data
    years = [int(y) for y in s.years]
    base_values = {d: drv.values for d, drv in s.drivers.items()}
    drivers: dict[str, dict] = {}
    for d, table in (src.get("drivers") or {}).items():
        if np.array_equal(np.asarray(future.drivers[d], dtype=float), np.asarray(base_values[d], dtype=float)):
            drivers[d] = copy.deepcopy(dict(table))
        else:
            new = {k: copy.deepcopy(v) for k, v in table.items() if k in ("label", "unit", "note")}
            new["values"] = {str(y): float(v) for y, v in zip(years, future.drivers[d], strict=True)}
            new["source"] = f"optimiser future {future.name!r}" + (f"; {table['source']}" if table.get("source") else "")
            drivers[d] = new
    taken_ids = set(drivers) | set(src.get("parameters") or {})
    option_index = {o.id: i for i, o in enumerate(s.options)}
    short = {o.id: o.display_name for o in s.options}
    services = {svc.key: svc for svc in structure.services}
    names: dict[str, int] = {}
    for o in decisions.chosen:
        for item in s.option(o).items:
            names[item.name] = names.get(item.name, 0) + 1
    items: list[dict] = []
    covered: set[str] = set()
    used_names: set[str] = set()
    for o in decisions.chosen:
        opt = s.option(o)
        by_item: dict[int, str] = {}
        for svc in (services[k] for k in services if k[0] == o):
            cap = s.drivers[svc.capacity]
            label = cap.label or cap.unit or svc.capacity
            use = decisions.use[svc.key][f]
            if svc.use and np.any(use != 0):
                did = _unique(taken_ids, f"used-{svc.capacity}-{o}")
                drivers[did] = {
                    "label": f"{label}: phần do phương án {short[o]} đáp ứng",
                    "values": {str(y): float(v) for y, v in zip(years, use, strict=True)},
                    "source": f"costmodel optimise: units of {svc.capacity} provided by option {o!r}",
                }
                if cap.unit:
                    drivers[did]["unit"] = cap.unit
                for item in svc.use:
                    by_item[item.position] = did
            for item in svc.added:
                installed = decisions.installed(item, o)[f]
                if not np.any(installed > item.existing):
                    continue
                did = _unique(taken_ids, f"installed-{svc.capacity}-{o}" + ("" if len(svc.added) == 1 else f"-{item.position}"))
                drivers[did] = {
                    "label": f"{label}: công suất lắp đặt, phương án {short[o]}",
                    "values": {str(y): float(v) for y, v in zip(years, installed, strict=True)},
                    "source": f"costmodel optimise: installed {svc.capacity} of item {item.position} of option {o!r}",
                }
                if cap.unit:
                    drivers[did]["unit"] = cap.unit
                by_item[item.position] = did
        capacity_items = structure.capacity_items(o)
        for item in opt.items:
            if item.position in capacity_items and item.position not in by_item:
                continue  # a capacity item the plan does not use
            name = item.name if names[item.name] == 1 else f"{item.name} ({short[o]})"
            name = _unique(used_names, name)
            changes: dict[str, Any] = {"name": name}
            if item.position in by_item:
                changes["quantity"] = by_item[item.position]
            table = item_table(s, item, option_index[o], **changes)
            note = f"costmodel optimise: from option {o!r}" + (f" ({item.position} in the file)" if name != item.name else "")
            table["note"] = f"{table['note']} {note}" if table.get("note") else note
            items.append(table)
            if item.contingency:
                covered.add(name)
    names_taken = ", ".join(s.option(o).name for o in decisions.chosen)
    option = {
        "id": PLAN_OPTION,
        "name": "Kế hoạch tối ưu thuê, mua theo năm",
        "short_name": "Kế hoạch tối ưu",
        "description": f"costmodel optimise: the cheapest plan built from the options {names_taken}"
        + (f", future {future.name!r}" if several else ""),
        "items": items,
    }
    data = derived_frame(s, [option], drivers, covered, keep_risk=True)
    head = data["scenario"]
    head["title"] = f"{src['scenario']['title']} — kế hoạch tối ưu" + (f" ({future.name})" if several else "")
    if s.unit_driver is not None:
        head["unit_driver"] = s.unit_driver
    return data


# ---------------------------------------------------------------------------
# TOML
# ---------------------------------------------------------------------------


def _key(k: Any) -> str:
    k = str(k)
    return k if _BARE_KEY.match(k) else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not np.isfinite(v):
            raise ValueError(f"cannot write {v!r} to TOML")
        text = repr(v)
        return text if any(ch in text for ch in ".en") else f"{text}.0"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, np.integer | np.floating):
        return _value(v.item())
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _section(lines: list[str], path: list[str], table: dict, inline_below: bool) -> None:
    """Write a table's plain values, then its sub-tables and arrays of tables."""
    subtables = {}
    arrays = {}
    for k, v in table.items():
        if isinstance(v, dict) and not inline_below:
            subtables[k] = v
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            arrays[k] = v
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in subtables.items():
        # drivers.ID are sections; what is inside them (values) is inline, as in the shipped files
        inline = not (path == [] and k == "drivers")
        if not inline and v and all(isinstance(x, dict) for x in v.values()):
            _section(lines, [*path, k], v, inline_below=inline)  # [drivers] itself has no plain value: no header
            continue
        lines.append("")
        lines.append(f"[{'.'.join(_key(p) for p in [*path, k])}]")
        _section(lines, [*path, k], v, inline_below=inline)
    for k, v in arrays.items():
        for element in v:
            lines.append("")
            lines.append(f"[[{'.'.join(_key(p) for p in [*path, k])}]]")
            _section(lines, [*path, k], element, inline_below=True)


def to_toml(data: dict, comment: str = "") -> str:
    """A scenario input as TOML text that :mod:`tomllib` reads back to the same dict.

    Top-level tables and ``[drivers.ID]`` become sections, ``[[options]]`` and
    ``[[options.items]]`` arrays of tables, everything below inline tables.

    Examples
    --------
    >>> import tomllib
    >>> data = {"scenario": {"title": "t", "vat": 0.1}, "drivers": {"n": {"values": {"2024": 1.0}}},
    ...         "options": [{"id": "a", "items": [{"name": "x", "price": 5, "from": "2024-07"}]}]}
    >>> tomllib.loads(to_toml(data)) == data
    True
    """
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    if lines:
        lines.append("")
    body: list[str] = []
    _section(body, [], data, inline_below=False)
    text = "\n".join(lines + [ln for ln in body]).strip("\n") + "\n"
    return text

"""Pass 2: rules that involve more than one field (horizon, drivers complete, references between tables)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from costmodel.problems import Problem
from costmodel.scenario.paths import _item_label, _option_label, _unknown
from costmodel.scenario.schema import MAX_QUANTITY, _FileSchema, _ItemSection, _ScenarioSection, limit_text


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
        if drv.start is not None and drv.growth:
            yield from _grown_driver_problems(drv.start, drv.growth, s.start_year, s.end_year, base, p)
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


def _grown_driver_problems(start: float, growth: float, first: int, last: int, base: str, p: Any) -> Iterable[Problem]:
    """A driver grown from ``start`` must stay a quantity (finite, at most MAX_QUANTITY) in every horizon year."""
    for year in range(first, last + 1):
        try:
            value = start * (1.0 + growth) ** (year - first)
        except OverflowError:
            value = math.inf
        if not value <= MAX_QUANTITY:
            shown = f"{value:.3g}" if math.isfinite(value) else "infinite (overflow)"
            yield p(
                f"{base}.growth",
                f"makes the driver's value in {year} {shown} ({limit_text(start)} x (1 + {growth:g}) ** {year - first}); "
                f"expected at most {limit_text(MAX_QUANTITY)}, the largest quantity accepted",
            )
            return

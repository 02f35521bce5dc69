"""Dates of items and options: a year, a month, or a task of a procurement plan; price years through the price index.

Resolving them reads files beside the scenario (plans, progress files, the price index).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costmodel.problems import InputError, Problem
from costmodel.problems import describe_value as _describe
from costmodel.scenario.model import MAX_OFFSET_MONTHS, MAX_YEAR, MIN_YEAR, PlanLink, PlanLinkUse
from costmodel.scenario.paths import _item_label, _item_path, _option_label

if TYPE_CHECKING:
    from costmodel.scenario.schema import _FileSchema

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
        if as_of is not None and not MIN_YEAR <= int(as_of[:4]) <= MAX_YEAR:
            raise ValueError(f"as_of must lie in the years {MIN_YEAR}-{MAX_YEAR} (got {as_of!r})")
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


def _check_as_of(v: Any) -> dt.date | None:
    """``as_of``: a TOML date (2024-04-30) or a string "YYYY-MM-DD", in the years MIN_YEAR-MAX_YEAR."""
    if v is None:
        return None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        day = v
    elif isinstance(v, str) and len(v) == 10 and _is_iso_date(v):
        day = dt.date.fromisoformat(v)
    else:
        raise ValueError(f"expected a date such as 2024-04-30, got {_describe(v)}")
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"a date must lie in the years {MIN_YEAR}-{MAX_YEAR} (got {day.isoformat()})")
    return day


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
        self._links: dict[str, tuple[int, int] | None] = {}
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
            # an option's link is shared by its items: resolve (and report) it once
            if path not in self._links:
                self._links[path] = self._plan_month(spec, path)
            return self._links[path]
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
    from costmodel.scenario.schema import MAX_AMOUNT, limit_text

    s = model.scenario
    base_year = s.base_year if s.base_year is not None else s.start_year
    wanted = [
        (oi, ii, opt.id, item.price_year, item.price)
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
    for oi, ii, oid, year, price in wanted:
        where = _item_path(data, oi, ii) + ".price_year"
        try:
            factor = index_factor(index, year, base_year)
        except (KeyError, ValueError) as exc:
            problems.append(Problem(source, where, f"{exc.args[0]} in {path}"))
            continue
        if price * factor > MAX_AMOUNT:
            problems.append(
                Problem(
                    source,
                    where,
                    f"brings the price to {price * factor:.3g} at {base_year} prices (factor {factor:.6g} from {path}); "
                    f"expected at most {limit_text(MAX_AMOUNT)}, the largest price accepted",
                )
            )
            continue
        factors[(oid, ii + 1)] = factor
    return factors, problems

"""Pass 0: uncertain and named inputs, replaced by their central values for the schema pass.

``[parameters]``, distributions and expressions in numeric fields,
``[correlation]``, ``[optimism_bias]`` and ``[risk]``.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from costmodel.problems import Problem
from costmodel.problems import describe_value as _describe
from costmodel.scenario.distributions import DistributionError, is_finite_number, make_distribution
from costmodel.scenario.expressions import ExpressionError, parse_expression
from costmodel.scenario.model import Input, _replace
from costmodel.scenario.paths import _item_label, _option_label, _unknown
from costmodel.scenario.schema import MAX_AMOUNT, MAX_YEAR, MIN_YEAR, check_number, shown_number

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
    budget_cap: dict[tuple[int, str], float] | None = None


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
            elif not is_finite_number(fixed):
                raise DistributionError(f"value must be a finite number (got {shown_number(fixed)})")
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
    if not isinstance(value, list) or len(value) != 2 or not all(is_finite_number(v) for v in value):
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
                if not is_finite_number(value):
                    problem(path, f"must be a finite number (got {shown_number(value)})")
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
            if not is_finite_number(value) or value <= -1:
                problem(path, f"must be a finite number > -1 (got {shown_number(value)})")
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
        for o in (options if isinstance(options, list) else [])
        if isinstance(o, dict)
        for it in (o.get("items") if isinstance(o.get("items"), list) else [])
        if isinstance(it, dict) and isinstance(it.get("category"), str)  # a non-string is the schema pass's problem
    }
    for cat in out.optimism_bias:
        if cat not in categories:
            problem(
                f"optimism_bias.{cat}",
                _unknown("item category", cat, sorted(categories)),
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


#: What a ``[risk] budget_cap`` may cap: a budget source, or their sum.
CAP_SOURCES = ("investment", "recurrent", "total")


def _check_budget_cap(cap: Any, data: Mapping[str, Any], problem) -> dict[tuple[int, str], float] | None:
    """``[risk] budget_cap`` as ``{(year, source): cap}``.

    A number: the total of every horizon year; a table ``{year = cap}``: totals;
    a table of sources (``investment``, ``recurrent``, ``total``), each a number
    (every year) or a table ``{year = cap}``. Problems name the key path
    (``risk.budget_cap.investment.2031``).
    """
    scen = data.get("scenario") if isinstance(data.get("scenario"), dict) else {}
    start, end = scen.get("start_year"), scen.get("end_year")
    valid = [isinstance(y, int) and not isinstance(y, bool) and MIN_YEAR <= y <= MAX_YEAR for y in (start, end)]
    if not all(valid) or start > end:
        return None  # the horizon's problems are reported by the schema and consistency passes
    out: dict[tuple[int, str], float] = {}

    def amount(path: str, value: Any) -> float | None:
        try:
            return check_number(value, 0, MAX_AMOUNT, high_why="the largest amount accepted")
        except ValueError as exc:
            problem(path, str(exc))
            return None

    def by_year(path: str, table: dict, source: str) -> None:
        for k, v in table.items():
            if not re.fullmatch(r"\d{4}", str(k)) or not start <= int(k) <= end:
                problem(f"{path}.{k}", f"keys must be horizon years {start}-{end}")
                continue
            value = amount(f"{path}.{k}", v)
            if value is not None:
                out[(int(k), source)] = value

    def every_year(path: str, value: Any, source: str) -> None:
        value = amount(path, value)
        if value is not None:
            out.update({(y, source): value for y in range(start, end + 1)})

    if isinstance(cap, int | float) and not isinstance(cap, bool):
        every_year("risk.budget_cap", cap, "total")
        return out or None
    if not isinstance(cap, dict):
        problem(
            "risk.budget_cap",
            "expected a number (VND per year), a table year = number, or a table of budget sources "
            f"({', '.join(CAP_SOURCES)}) each a number or a table year = number, got {_describe(cap)}",
        )
        return None
    for k, v in cap.items():
        path = f"risk.budget_cap.{k}"
        if k in CAP_SOURCES:
            if isinstance(v, dict):
                by_year(path, v, k)
            elif isinstance(v, int | float) and not isinstance(v, bool):
                every_year(path, v, k)
            else:
                problem(path, f"expected a number (VND per year) or a table year = number, got {_describe(v)}")
        elif re.fullmatch(r"\d{4}", str(k)):
            by_year("risk.budget_cap", {k: v}, "total")
        else:
            close = difflib.get_close_matches(str(k), CAP_SOURCES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problem(path, f"expected a horizon year {start}-{end} or a budget source ({', '.join(CAP_SOURCES)}){hint}")
    return dict(sorted(out.items()))

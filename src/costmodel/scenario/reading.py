"""Reading a scenario: TOML file or dictionary -> validated, resolved :class:`~costmodel.scenario.model.Scenario`."""

from __future__ import annotations

import copy
import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from costmodel.problems import Problem, text_problems
from costmodel.scenario.consistency import _consistency_problems
from costmodel.scenario.dates import _Dates, _price_factors
from costmodel.scenario.inputs import _extract_inputs
from costmodel.scenario.model import Scenario, ScenarioError, _replace
from costmodel.scenario.resolve import _resolve
from costmodel.scenario.schema import _FileSchema, _schema_problems


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
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ScenarioError(
            [Problem(name, "", "TOML nested too deeply (arrays or tables inside each other hundreds of levels deep)")]
        ) from None
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
    control = text_problems(data, source)  # names and notes reach every reader output: no control characters
    if control:
        raise ScenarioError(control)
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
    scenario = _replace(
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
    return _replace(scenario, digest=scenario.content_digest())

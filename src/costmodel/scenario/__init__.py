"""Scenario files: TOML -> validated, resolved scenario objects.

This package is the only code that knows the scenario file format. It reads a
TOML file, checks it in passes and returns a :class:`Scenario` whose defaults
are all filled in, so the engine never has to guess:

0. **Inputs** (:mod:`.inputs`): ``[parameters]``, distributions and
   expressions in numeric fields, ``[correlation]``, ``[optimism_bias]``,
   ``[risk]``, replaced by their central values;
1. **Schema** (:mod:`.schema`, pydantic v2, strict, unknown keys forbidden):
   types, ranges and allowed values of every field;
2. **Consistency** (:mod:`.consistency`): rules across fields;
3. **Dates** (:mod:`.dates`): years, months and procurement-plan tasks; price
   years through the price index;
4. **Resolution** (:mod:`.resolve`): defaults filled in.

Every problem becomes a :class:`Problem` with the file, a user-facing key path
(options by id, items by 1-based position and name) and a message; all are
reported together as a :class:`ScenarioError`. A resolved scenario is edited
only through :meth:`Scenario.with_changes`, :meth:`Scenario.scale`,
:meth:`Scenario.drop_option` and :meth:`Scenario.add_option`, which run the
whole validation again (:mod:`.edit`).

The format is documented field by field in ``docs/scenario-format.md``.
"""

from costmodel.problems import Problem
from costmodel.scenario.model import (
    BUDGETS,
    KINDS,
    PERS,
    TIMINGS,
    Comparison,
    Contingency,
    Driver,
    Input,
    Item,
    Option,
    PlanLink,
    PlanLinkUse,
    Scenario,
    ScenarioError,
)
from costmodel.scenario.reading import PLAN_DATES, load_scenario, parse_scenario


def as_scenario(scenario) -> Scenario:
    """A scenario given as itself or as the path of its file (read with :func:`load_scenario`).

    Raises
    ------
    TypeError
        For anything else (a dict or TOML text goes through :func:`parse_scenario`).
    """
    import os

    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, str | os.PathLike):
        return load_scenario(scenario)
    raise TypeError(f"expected a Scenario or the path of a scenario file, got {type(scenario).__name__}")


__all__ = [
    "BUDGETS",
    "KINDS",
    "PERS",
    "PLAN_DATES",
    "TIMINGS",
    "Comparison",
    "Contingency",
    "Driver",
    "Input",
    "Item",
    "Option",
    "PlanLink",
    "PlanLinkUse",
    "Problem",
    "Scenario",
    "ScenarioError",
    "as_scenario",
    "load_scenario",
    "parse_scenario",
]

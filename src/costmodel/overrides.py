"""Edits given as text (the command line's ``--set KEY=VALUE`` and ``--scale KEY=FACTOR``).

An override names a field by the key path the error messages use
(``scenario.discount_rate``, ``options.rent.items[2].price``,
``parameters.fx``, ``drivers.users.values.2026``; ``*`` wildcards such as
``options.*.items[*].price``) and is applied through the scenario's validated
edits (:meth:`costmodel.Scenario.with_changes`, :meth:`~costmodel.Scenario.scale`),
so an override gives exactly what the same edit written in the file gives and
is recorded in :attr:`costmodel.Scenario.changes`.

A value is read as a TOML value — ``0.06``, ``"400_000 * k"``,
``{dist = "triangular", low = 1, mode = 2, high = 3}``, ``2024-05-01`` — and,
when it is not one, as plain text (``--set options.rent.name=Thuê trọn gói``).
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from costmodel.problems import Problem
from costmodel.scenario import Scenario, ScenarioError

__all__ = ["Override", "apply_overrides", "has_path", "parse_override"]


@dataclass(frozen=True)
class Override:
    """One edit given as text.

    Attributes
    ----------
    kind : {"set", "scale"}
    path : str
        Key path or pattern (``*`` wildcards).
    value : object
        The new value (``set``) or the factor (``scale``).
    text : str
        As written, e.g. ``"scenario.discount_rate=0.06"``.
    """

    kind: str
    path: str
    value: Any
    text: str

    @property
    def option(self) -> str:
        """The command-line option that gives this edit (``--set`` or ``--scale``)."""
        return f"--{self.kind}"


def _value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def parse_override(kind: str, text: str) -> Override:
    """Read ``KEY=VALUE`` (``kind="set"``) or ``KEY=FACTOR`` (``kind="scale"``).

    Raises
    ------
    ScenarioError
        The text has no ``=``, no key, or (``scale``) a factor that is not a finite number.

    Examples
    --------
    >>> parse_override("set", "scenario.discount_rate=0.06").value
    0.06
    >>> parse_override("scale", "options.*.items[*].price=1.2").path
    'options.*.items[*].price'
    """
    if kind not in ("set", "scale"):
        raise ValueError(f"kind must be 'set' or 'scale', got {kind!r}")
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    what = "KEY=VALUE" if kind == "set" else "KEY=FACTOR"
    if not sep or not key:
        raise ScenarioError([Problem(f"--{kind}", text, f"expected {what}, e.g. scenario.discount_rate=0.06")])
    if not raw:
        raise ScenarioError([Problem(f"--{kind}", key, f"no value after '=' (expected {what})")])
    if kind == "set":
        return Override("set", key, _value(raw), text)
    try:
        factor = float(raw)
    except ValueError:
        factor = math.nan
    if not math.isfinite(factor):
        raise ScenarioError([Problem("--scale", key, f"expected a number as the factor, e.g. 1.2, got {raw!r}")])
    return Override("scale", key, factor, text)


def has_path(scenario: Scenario, path: str) -> bool:
    """Whether the scenario's input has the field ``path`` (a pattern: at least one match)."""
    from costmodel.scenario.edit import _locate, _split, expand

    try:
        found = expand(scenario, path)
        for concrete in found:
            _locate({**(scenario.data or {})}, _split(concrete), scenario, concrete, create=False)
    except ScenarioError:
        return False
    return bool(found)


def apply_overrides(scenario: Scenario, overrides: Sequence[Override], only_present: bool = False) -> Scenario:
    """The scenario with every override applied in order, validated again.

    Parameters
    ----------
    scenario : Scenario
    overrides : sequence of Override
    only_present : bool
        Skip overrides whose key the scenario does not have (``costmodel
        report`` applies an edit to every scenario that has its key).

    Returns
    -------
    Scenario
        With the edits in :attr:`~costmodel.Scenario.changes`.

    Raises
    ------
    ScenarioError
        A key path that the scenario does not have (unless ``only_present``)
        or a value the file format does not accept, naming the file and key path.
    """
    out = scenario
    for edit in overrides:
        if only_present and not has_path(out, edit.path):
            continue
        out = out.with_changes({edit.path: edit.value}) if edit.kind == "set" else out.scale(edit.path, edit.value)
    return out


def unused(scenarios: Iterable[Scenario], overrides: Sequence[Override]) -> list[Override]:
    """The overrides that no scenario has the key of (an error for ``costmodel report``)."""
    scenarios = list(scenarios)
    return [o for o in overrides if not any(has_path(s, o.path) for s in scenarios)]

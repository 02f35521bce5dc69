"""Key paths of scenario inputs: what a label such as ``options.rent.items[2] (…).price`` refers to.

The labels under which inputs are reported (by Monte Carlo, sensitivity and
value-of-information analyses) are parameter names or the key paths that
error messages use. :func:`parse_input_label` turns one back into what it
refers to, so the report layer can name it in words and format its values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from costmodel.scenario import Scenario

__all__ = ["GAP", "RATE_FIELDS", "InputRef", "is_rate", "parse_input_label"]

#: The ``target`` of a tornado or Sobol row about the gap between the two cheapest options
#: (the option second at the central values minus the cheapest).
GAP = "gap"

_ITEM_PATH = re.compile(r"^options\.(?P<option>[a-z0-9_-]+)\.items\[(?P<pos>\d+)\](?: \(.*\))?\.(?P<field>[a-z_]+)$", re.S)
_DRIVER_PATH = re.compile(r"^drivers\.(?P<driver>[a-z0-9_-]+)\.(?:values\.(?P<year>\d{4})|(?P<field>start|growth))$")
_SCENARIO_PATH = re.compile(r"^scenario\.(?P<field>[a-z_]+)$")
_BIAS_PATH = re.compile(r"^optimism_bias\.(?P<category>.+)$", re.S)
#: Inputs whose values are rates or shares (shown as per cent).
RATE_FIELDS = {"discount_rate", "real_discount_rate", "inflation", "escalation", "growth", "bias", "contingency"}


@dataclass(frozen=True)
class InputRef:
    """What an input label refers to.

    Attributes
    ----------
    kind : {"parameter", "item", "scenario", "driver", "bias"}
    option, position, field, driver, year, category, parameter
        The parts that apply to the kind (others are empty / 0).
    """

    kind: str
    field: str = ""
    option: str = ""
    position: int = 0
    driver: str = ""
    year: str = ""
    category: str = ""
    parameter: str = ""

    @property
    def is_rate(self) -> bool:
        """True when the input is a rate or share (formatted as a per cent)."""
        return self.kind in ("scenario", "bias") or self.field in RATE_FIELDS


def parse_input_label(scenario: Scenario, label: str) -> InputRef:
    """Resolve an input label (a parameter name or a key path) to what it refers to.

    Raises
    ------
    KeyError
        When the label is neither a parameter of the scenario nor a key path
        of one of its fields.
    """
    if label in scenario.parameters:
        return InputRef("parameter", parameter=label)
    if m := _ITEM_PATH.match(label):
        return InputRef("item", field=m["field"], option=m["option"], position=int(m["pos"]))
    if m := _DRIVER_PATH.match(label):
        return InputRef("driver", field=m["field"] or "values", driver=m["driver"], year=m["year"] or "")
    if m := _SCENARIO_PATH.match(label):
        return InputRef("scenario", field=m["field"])
    if m := _BIAS_PATH.match(label):
        return InputRef("bias", field="bias", category=m["category"])
    raise KeyError(label)


def is_rate(scenario: Scenario, label: str) -> bool:
    """True when the input's values are rates or shares.

    Scenario rates, escalation, growth and optimism bias are; so are
    parameters whose ``unit`` is ``"%"``.
    """
    ref = parse_input_label(scenario, label)
    if ref.kind == "parameter":
        return getattr(scenario.parameters[ref.parameter], "unit", "") == "%"
    return ref.is_rate

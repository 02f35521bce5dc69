"""Values of every model input for one or many draws: the engine's only source of numbers.

The deterministic run is :func:`central_values` (one draw at the central
values); Monte Carlo and sensitivity analysis build :class:`InputValues` from
arrays of draws of the random inputs (``costmodel.risk.sampling``). The ledger
engine asks this object for each field and broadcasts over the draw axis, so
one engine serves one value or a million draws.

Every method returns an array whose first axis is the draw: of length ``n``
when the value varies between draws, of length 1 when it does not (numpy
broadcasting then does the rest, so fixed inputs cost nothing per draw).
Values outside a field's valid range are clipped to it (a normally
distributed price cannot go below 0 or above ``MAX_AMOUNT``; a quantity stays
between 0 and ``MAX_QUANTITY``; a rate stays above -1). A value that is not a
number (an expression dividing 0 by 0 in some draw) is left as it is: the
engine's callers report it with the input's key path
(:func:`costmodel.evaluation.check_draws`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from costmodel.scenario import Input, Item, Scenario
from costmodel.scenario.schema import MAX_AMOUNT, MAX_QUANTITY

__all__ = ["InputValues", "central_values"]

_RATE_FLOOR = -1.0 + 1e-9


class InputValues:
    """Field values for ``n`` draws.

    Parameters
    ----------
    scenario : Scenario
    random : mapping of str to numpy.ndarray
        Draws of every random input (named parameters and inline
        distributions), by label, each of shape ``(n,)``.
    n : int
        Number of draws.
    overrides : mapping, optional
        Label -> array forcing a named parameter or an input's value (used by
        sensitivity analysis on non-random inputs; keys are parameter names or
        field keys).
    """

    def __init__(self, scenario: Scenario, random: Mapping[str, np.ndarray], n: int, overrides: Mapping | None = None):
        scenario.check_integrity()  # nothing edited behind validation's back
        self.scenario = scenario
        self.n = n
        self._random = {k: _draws(v, n) for k, v in random.items()}
        self._overrides = {k: _draws(v, n) for k, v in (overrides or {}).items()}
        self._params: dict[str, np.ndarray] = {}
        for name, p in scenario.parameters.items():  # file order: dependencies first
            self._params[name] = self._evaluate_param(name, p)

    # -- inputs -------------------------------------------------------------
    def _evaluate_param(self, name: str, p: Input | float) -> np.ndarray:
        if name in self._overrides:
            return self._overrides[name]
        if not isinstance(p, Input):
            return np.array([float(p)])
        return self._evaluate(p)

    def _evaluate(self, inp: Input) -> np.ndarray:
        if inp.kind == "dist":
            if inp.label in self._random:
                return self._random[inp.label]
            return np.array([inp.central])
        if inp.kind == "const":
            return np.array([inp.central])
        return np.atleast_1d(np.asarray(inp.expr.evaluate(self._params), dtype=float))

    def field(self, key: tuple, default: float) -> np.ndarray:
        """Value of the field ``key`` (e.g. ``("item", "rent", 1, "price")``) for every draw."""
        if key in self._overrides:
            return self._overrides[key]
        inp = self.scenario.inputs.get(key)
        if inp is None:
            return np.array([float(default)])
        return self._evaluate(inp)

    def draw(self, k: int) -> InputValues:
        """The values of draw ``k`` alone (to rebuild the ledger of one draw, e.g. to report what went wrong in it)."""
        if not 0 <= k < self.n:
            raise IndexError(f"draw {k} of {self.n}")

        def one(v: np.ndarray) -> np.ndarray:
            return v[k : k + 1] if v.size > 1 else v

        return InputValues(
            self.scenario,
            {key: one(v) for key, v in self._random.items()},
            1,
            {key: one(v) for key, v in self._overrides.items()},
        )

    @property
    def parameters(self) -> dict[str, np.ndarray]:
        """Values of the named parameters, by name."""
        return dict(self._params)

    # -- scenario-level -----------------------------------------------------
    def inflation(self) -> np.ndarray:
        """General inflation per draw. [1/year]"""
        return np.maximum(self.field(("scenario", "inflation"), self.scenario.inflation), _RATE_FLOOR)

    def discount_rate(self) -> np.ndarray:
        """Nominal discount rate per draw (Fisher from the real rate when given). [1/year]"""
        s = self.scenario
        if s.real_discount_rate is not None:
            real = np.maximum(self.field(("scenario", "real_discount_rate"), s.real_discount_rate), _RATE_FLOOR)
            return (1.0 + real) * (1.0 + self.inflation()) - 1.0
        return np.maximum(self.field(("scenario", "discount_rate"), s.discount_rate), _RATE_FLOOR)

    def driver(self, did: str) -> np.ndarray:
        """Driver values, shape ``(n or 1, years)``. [unit]"""
        s = self.scenario
        drv = s.drivers[did]
        years = s.years
        formula = ("driver", did, "start") in s.inputs or ("driver", did, "growth") in s.inputs or self._has_growth_override(did)
        if drv.start is not None and formula:
            start = self.field(("driver", did, "start"), drv.start)
            growth = np.maximum(self.field(("driver", did, "growth"), drv.growth), _RATE_FLOOR)
            out = start[:, None] * (1.0 + growth[:, None]) ** (years - s.start_year)[None, :]
        else:
            columns = [self.field(("driver", did, "values", str(y)), drv.values[j]) for j, y in enumerate(years)]
            rows = max(c.size for c in columns)
            out = np.empty((rows, years.size))
            for j, c in enumerate(columns):
                out[:, j] = c
        return np.clip(out, 0.0, MAX_QUANTITY)

    def _has_growth_override(self, did: str) -> bool:
        return ("driver", did, "start") in self._overrides or ("driver", did, "growth") in self._overrides

    # -- items --------------------------------------------------------------
    def price(self, option_id: str, item: Item) -> np.ndarray:
        """Price per unit per period at base-year prices (``price_year`` converted), optimism bias included. [VND]"""
        base = self.field(("item", option_id, item.position, "price"), item.price)
        return np.clip(base, 0.0, MAX_AMOUNT) * item.price_factor * (1.0 + self.bias(item.category))

    def bias(self, category: str) -> np.ndarray:
        """Optimism-bias uplift of a category (0 without one). [-]"""
        central = self.scenario.optimism_bias.get(category, 0.0)
        return np.maximum(self.field(("bias", category), central), _RATE_FLOOR)

    def escalation(self, option_id: str, item: Item) -> np.ndarray:
        """Price escalation per year; the scenario's inflation when the item gives none. [1/year]"""
        if item.escalation_is_inflation:
            return self.inflation()
        return np.maximum(self.field(("item", option_id, item.position, "escalation"), item.escalation), _RATE_FLOOR)

    def quantity(self, option_id: str, item: Item) -> np.ndarray:
        """Quantity per year, shape ``(n or 1, years)``. [unit]"""
        if isinstance(item.quantity, str):
            return self.driver(item.quantity)
        q = np.clip(self.field(("item", option_id, item.position, "quantity"), item.quantity), 0.0, MAX_QUANTITY)
        return np.repeat(q[:, None], self.scenario.n_years, axis=1)


def _draws(values, n: int) -> np.ndarray:
    """Values as a 1-D array of length ``n`` (or 1 for a single value)."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size not in (1, n):
        raise ValueError(f"expected {n} values (one per draw) or 1, got {arr.size}")
    return arr.reshape(-1)


def central_values(scenario: Scenario) -> InputValues:
    """One draw at every input's central value: the deterministic run."""
    return InputValues(scenario, {label: np.array([d.central]) for label, d in scenario.random_inputs.items()}, 1)

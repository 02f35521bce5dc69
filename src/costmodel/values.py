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

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from costmodel.scenario import Input, Item, Scenario
from costmodel.scenario.schema import MAX_AMOUNT, MAX_QUANTITY

__all__ = ["Form", "Forms", "InputValues", "central_values"]

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
    def overridden(self) -> bool:
        """Whether some parameter or field is forced by ``overrides`` (sensitivity analysis)."""
        return bool(self._overrides)

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
        years = s.years
        if self.driver_is_formula(did):
            start, growth = self.driver_start(did), self.driver_growth(did)
            out = start[:, None] * (1.0 + growth[:, None]) ** (years - s.start_year)[None, :]
        else:
            columns = [self.driver_value(did, j) for j in range(years.size)]
            rows = max(c.size for c in columns)
            out = np.empty((rows, years.size))
            for j, c in enumerate(columns):
                out[:, j] = c
        return np.clip(out, 0.0, MAX_QUANTITY)

    def driver_is_formula(self, did: str) -> bool:
        """Whether the driver is ``start x (1 + growth) ** (y - start_year)`` (else a value per year)."""
        s = self.scenario
        drv = s.drivers[did]
        formula = ("driver", did, "start") in s.inputs or ("driver", did, "growth") in s.inputs or self._has_growth_override(did)
        return drv.start is not None and formula

    def driver_start(self, did: str) -> np.ndarray:
        """A formula driver's value in ``start_year`` (before clipping). [unit]"""
        return self.field(("driver", did, "start"), self.scenario.drivers[did].start)

    def driver_growth(self, did: str) -> np.ndarray:
        """A formula driver's growth per year. [1/year]"""
        return np.maximum(self.field(("driver", did, "growth"), self.scenario.drivers[did].growth), _RATE_FLOOR)

    def driver_value(self, did: str, j: int) -> np.ndarray:
        """A per-year driver's value in horizon year ``j`` (0 = ``start_year``; before clipping). [unit]"""
        drv = self.scenario.drivers[did]
        return self.field(("driver", did, "values", str(int(self.scenario.years[j]))), drv.values[j])

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
        q = self.fixed_quantity(option_id, item)
        return np.repeat(q[:, None], self.scenario.n_years, axis=1)

    def fixed_quantity(self, option_id: str, item: Item) -> np.ndarray:
        """The number of units of an item whose quantity is a number (not a driver), per draw. [unit]"""
        return np.clip(self.field(("item", option_id, item.position, "quantity"), item.quantity), 0.0, MAX_QUANTITY)

    # -- separable forms (costmodel.risk.compiled) ---------------------------
    def atom(self, key: tuple) -> np.ndarray:
        """The per-draw factor ``key`` of a :class:`Form` (shape ``(n,)`` or ``(1,)``).

        ``("param", name)`` a named parameter; ``("random", label)`` an inline
        distribution; ``("price", option, position)`` an item's whole price
        (:meth:`price`); ``("quantity", option, position)`` an item's number of
        units (:meth:`fixed_quantity`); ``("bias", category)`` one plus the
        category's optimism bias; ``("driver_col", driver, j)`` a driver's value
        in horizon year ``j``.
        """
        kind = key[0]
        if kind == "param":
            return self._params[key[1]]
        if kind == "random":
            label = key[1]
            return self._random[label] if label in self._random else np.array([self.scenario.random_inputs[label].central])
        if kind == "price":
            return self.price(key[1], self.scenario.option(key[1]).items[key[2] - 1])
        if kind == "quantity":
            return self.fixed_quantity(key[1], self.scenario.option(key[1]).items[key[2] - 1])
        if kind == "bias":
            return 1.0 + self.bias(key[1])
        if kind == "driver_col":
            return self.driver(key[1])[:, key[2]]
        raise KeyError(key)


def _draws(values, n: int) -> np.ndarray:
    """Values as a 1-D array of length ``n`` (or 1 for a single value)."""
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size not in (1, n):
        raise ValueError(f"expected {n} values (one per draw) or 1, got {arr.size}")
    return arr.reshape(-1)


def central_values(scenario: Scenario) -> InputValues:
    """One draw at every input's central value: the deterministic run."""
    return InputValues(scenario, {label: np.array([d.central]) for label, d in scenario.random_inputs.items()}, 1)


# ---------------------------------------------------------------------------
# Separable forms: the same values as a number times a product of per-draw factors
# ---------------------------------------------------------------------------

#: A bound of a value's range this close to a clipping limit counts as reaching it (rounding of the draws).
_CLIP_MARGIN = 1e-9


@dataclass(frozen=True)
class Form:
    """A field's value for every draw as ``coef x prod(atom ** power)``.

    Attributes
    ----------
    coef : float or numpy.ndarray
        A number, or one number per horizon year (drivers). Fixed inputs are
        folded into it.
    atoms : tuple of (tuple, int)
        ``(key, power)`` pairs, sorted: the factors that vary between draws,
        each read with :meth:`InputValues.atom`. Empty for a value that does
        not vary.
    """

    coef: float | np.ndarray
    atoms: tuple[tuple[tuple, int], ...] = ()

    @property
    def fixed(self) -> bool:
        """True when the value is the same in every draw."""
        return not self.atoms

    def evaluate(self, values: InputValues) -> np.ndarray:
        """The value for the draws of ``values``: shape ``(n or 1,)``, or ``(n or 1, years)`` for a driver.

        Equal to the field's value from :class:`InputValues` up to rounding (tests check it).
        """
        product = None
        for key, power in self.atoms:
            a = values.atom(key)
            a = a if power == 1 else a**power
            product = a if product is None else product * a
        coef = np.asarray(self.coef, dtype=float)
        if product is None:
            return coef[None, :] if coef.ndim else np.array([float(coef)])
        return product[:, None] * coef[None, :] if coef.ndim else product * float(coef)


def _multiply(a: dict, b: dict, sign: int = 1) -> dict:
    out = dict(a)
    for k, p in b.items():
        out[k] = out.get(k, 0) + sign * p
        if out[k] == 0:
            del out[k]
    return out


class Forms:
    """The separable forms of a scenario's fields: which vary between draws, and how.

    The compiled Monte Carlo plan (:mod:`costmodel.risk.compiled`) reads the
    values of a chunk of draws through these forms: a price ``"505_000 *
    rent_factor"`` is ``505000 x atom(("param", "rent_factor"))``; a driver
    ``values = { 2024 = "200 * demand", ... }`` is ``[200, 280, ...] x
    atom(("param", "demand"))``. A form exists only where it gives the same
    values as :class:`InputValues` up to rounding: where clipping a value to its
    valid range could change it (a normal distribution's draws can be negative),
    the field stays one opaque factor read through the usual method.

    Parameters
    ----------
    scenario : Scenario
    """

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.central = central_values(scenario)
        # which fields vary: evaluate with two draws per random input and see what has two values
        self.probe = InputValues(scenario, {k: np.full(2, d.central) for k, d in scenario.random_inputs.items()}, 2)

    # -- what varies ----------------------------------------------------------
    def varies(self, key: tuple, default: float = 0.0) -> bool:
        """Whether the field ``key`` can take different values in different draws."""
        return self.probe.field(key, default).size > 1

    def param_varies(self, name: str) -> bool:
        """Whether the named parameter can take different values in different draws."""
        return self.probe.parameters[name].size > 1

    def discount_rate_varies(self) -> bool:
        """Whether the discount rate can differ between draws."""
        return self.probe.discount_rate().size > 1

    def escalation_varies(self, option_id: str, item: Item) -> bool:
        """Whether an item's escalation can differ between draws."""
        return self.probe.escalation(option_id, item).size > 1

    def driver_varies(self, did: str) -> bool:
        """Whether a driver's values can differ between draws."""
        return self.probe.driver(did).shape[0] > 1

    # -- forms ------------------------------------------------------------------
    def price(self, option_id: str, item: Item) -> Form:
        """The item's price (:meth:`InputValues.price`) as a form."""
        key = ("item", option_id, item.position, "price")
        probe = self.probe.price(option_id, item)
        if probe.size == 1:
            return Form(float(self.central.price(option_id, item)[0]))
        base = self._field_form(key, item.price, 0.0, MAX_AMOUNT)
        if base is None:
            return Form(1.0, ((("price", option_id, item.position), 1),))
        coef, atoms = base
        coef = coef * item.price_factor
        if self.probe.bias(item.category).size > 1:
            atoms = _multiply(atoms, {("bias", item.category): 1})
        else:
            coef = coef * (1.0 + float(self.central.bias(item.category)[0]))
        return Form(coef, tuple(sorted(atoms.items())))

    def quantity(self, option_id: str, item: Item) -> Form:
        """The number of units of an item whose quantity is a number (:meth:`InputValues.fixed_quantity`)."""
        key = ("item", option_id, item.position, "quantity")
        if not self.varies(key, 0.0):
            return Form(float(self.central.fixed_quantity(option_id, item)[0]))
        base = self._field_form(key, item.quantity, 0.0, MAX_QUANTITY)
        if base is None:
            return Form(1.0, ((("quantity", option_id, item.position), 1),))
        coef, atoms = base
        return Form(coef, tuple(sorted(atoms.items())))

    def driver(self, did: str) -> Form | None:
        """A driver (:meth:`InputValues.driver`) as one number per year times per-draw factors, or None.

        None when the years vary through different factors (or one year is
        fixed and another varies), or when clipping to ``[0, MAX_QUANTITY]``
        could change a value.
        """
        s = self.scenario
        if not self.driver_varies(did):
            return Form(self.central.driver(did)[0].copy())
        k = (s.years - s.start_year).astype(float)
        if self.probe.driver_is_formula(did):
            if self.probe.driver_growth(did).size > 1:
                return None
            growth = float(self.central.driver_growth(did)[0])
            factor = (1.0 + growth) ** k
            bounds = self._field_bounds(("driver", did, "start"), s.drivers[did].start)
            low, high = _interval_times(bounds, (float(factor.min()), float(factor.max())))
            if not _inside((low, high), 0.0, MAX_QUANTITY):
                return None
            start = self._field_form(("driver", did, "start"), s.drivers[did].start, -math.inf, math.inf)
            if start is None:
                return None
            return Form(start[0] * factor, tuple(sorted(start[1].items())))
        coefs = np.zeros(s.n_years)
        signature = None
        for j, y in enumerate(s.years):
            key = ("driver", did, "values", str(int(y)))
            default = s.drivers[did].values[j]
            form = self._field_form(key, default, 0.0, MAX_QUANTITY)
            if form is None:
                return None
            coef, atoms = form
            if not atoms:  # a fixed year among varying ones: only 0 is 0 x the factors
                if coef != 0.0:
                    return None
                continue
            if signature is None:
                signature = atoms
            elif atoms != signature:
                return None
            coefs[j] = coef
        return Form(coefs, tuple(sorted(signature.items())))

    # -- monomials and ranges -------------------------------------------------
    def _field_form(self, key: tuple, default: float, low: float, high: float) -> tuple[float, dict] | None:
        """``(coef, {atom: power})`` of a field, or None when it is not a product or clipping to [low, high] may bite."""
        inp = self.scenario.inputs.get(key)
        if inp is None or not self.varies(key, default):
            value = float(self.central.field(key, default)[0])
            return (value, {}) if _inside((value, value), low, high) else None
        if not _inside(self._input_bounds(inp), low, high):
            return None
        if inp.kind == "dist":
            return 1.0, {("random", inp.label): 1}
        return self._monomial(inp.expr.tree)

    def _monomial(self, node: tuple) -> tuple[float, dict] | None:
        kind = node[0]
        if kind == "num":
            return float(node[1]), {}
        if kind == "name":
            name = node[1]
            if not self.param_varies(name):
                return float(self.central.parameters[name][0]), {}
            return 1.0, {("param", name): 1}
        if kind == "neg":
            inner = self._monomial(node[1])
            return None if inner is None else (-inner[0], inner[1])
        left, right = self._monomial(node[1]), self._monomial(node[2])
        if left is None or right is None:
            return None
        if kind == "*":
            return left[0] * right[0], _multiply(left[1], right[1])
        if kind == "/":
            if right[0] == 0.0:
                return None
            return left[0] / right[0], _multiply(left[1], right[1], -1)
        if left[1] or right[1]:  # a sum of varying terms is not a product
            return None
        return (left[0] + right[0] if kind == "+" else left[0] - right[0]), {}

    def _field_bounds(self, key: tuple, default: float) -> tuple[float, float]:
        inp = self.scenario.inputs.get(key)
        if inp is None or not self.varies(key, default):
            value = float(self.central.field(key, default)[0])
            return value, value
        return self._input_bounds(inp)

    def _input_bounds(self, inp: Input) -> tuple[float, float]:
        if inp.kind == "dist":
            return tuple(map(float, inp.dist.support))
        if inp.kind == "const":
            return inp.central, inp.central
        return self._tree_bounds(inp.expr.tree)

    def _tree_bounds(self, node: tuple) -> tuple[float, float]:
        kind = node[0]
        if kind == "num":
            return float(node[1]), float(node[1])
        if kind == "name":
            p = self.scenario.parameters[node[1]]
            if not isinstance(p, Input) or not self.param_varies(node[1]):
                value = float(self.central.parameters[node[1]][0])
                return value, value
            return self._input_bounds(p)
        if kind == "neg":
            lo, hi = self._tree_bounds(node[1])
            return -hi, -lo
        a, b = self._tree_bounds(node[1]), self._tree_bounds(node[2])
        if kind == "+":
            return a[0] + b[0], a[1] + b[1]
        if kind == "-":
            return a[0] - b[1], a[1] - b[0]
        if kind == "*":
            return _interval_times(a, b)
        if b[0] <= 0.0 <= b[1]:
            return -math.inf, math.inf
        return _interval_times(a, (1.0 / b[1], 1.0 / b[0]))


def _interval_times(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    with np.errstate(invalid="ignore"):
        products = [x * y for x in a for y in b]
    if any(math.isnan(p) for p in products):
        return -math.inf, math.inf
    return min(products), max(products)


def _inside(bounds: tuple[float, float], low: float, high: float) -> bool:
    """Whether values in ``bounds`` are left unchanged by clipping to ``[low, high]`` (with a margin for rounding)."""
    lo, hi = bounds
    if math.isnan(lo) or math.isnan(hi):
        return False
    below = math.isinf(low) or lo >= low
    above = math.isinf(high) or hi <= high * (1 - _CLIP_MARGIN)
    return below and above

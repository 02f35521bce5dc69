"""Compile once, evaluate many: the Monte Carlo's evaluation plan.

:func:`costmodel.ledger.option_arrays` (the general path) evaluates every item
of every option for every chunk of draws with the rules of
``docs/methodology.md``: some fifteen draws x years arrays per uncertain item.
Most of that work does not depend on the draws. :class:`CompiledPlan` does it
once, when the scenario is loaded for simulation, and leaves for each chunk only
what varies:

* every value is read through the one values layer (:mod:`costmodel.values`),
  in its separable form (:class:`~costmodel.values.Forms`): a price
  ``"505_000 * rent_factor"`` is ``505000 x rent_factor``, a driver
  ``{2024 = "200 * demand", ...}`` is ``[200, ...] x demand``;
* an item is then a per-draw **factor** (a product of such per-draw numbers)
  times a **fixed year pattern**: what it pays in each year per unit of the factor,
  VAT, contingency, replacements and escalation included, and its present value
  per unit (discounted, residual value subtracted) — all computed once;
* capacity bought in modules is the one non-linear rule: the number of modules
  held in each year is computed once per chunk for each driver, module and
  window, and shared by every option that buys the same way (their purchases,
  replacements and residual values are then linear in it);
* a chunk is a matrix ``Z`` of these per-draw numbers (one column per factor,
  one per factor x year of module counts or of a driver that is not separable,
  and a column of ones for everything fixed), and every option's present value
  and yearly spending is one matrix product ``Z @ C`` with coefficients ``C``
  summed at compile time: constant items cost nothing per draw, items with the
  same factor are summed once. Buffers are allocated once.

What the plan cannot express falls back to the general path, which stays the
reference: an ``added`` item whose escalation varies between draws (its purchases
and their prices are then not a product) is evaluated per chunk with
:func:`costmodel.ledger.item_flows`; a scenario whose discount rate varies
between draws is simulated with :func:`~costmodel.ledger.option_arrays` alone
(:func:`compile_plan` returns None). A chunk whose result is not finite is
evaluated again on the general path, which names the input that overflowed.
Both paths agree to 1e-12 relative on every shipped scenario and on random ones
(``tests/test_compiled.py``): the same rules, summed in another order.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from costmodel import finance
from costmodel.ledger import MONTHS_PER_YEAR, WHOLE_MODULE_TOLERANCE, installed_capacity, item_flows
from costmodel.scenario import BUDGETS, Item, Option, Scenario
from costmodel.values import Form, Forms, InputValues

__all__ = ["BLAS_WORK", "CompiledPlan", "compile_plan", "plan_for"]

#: Multiply-adds per matrix product, at most: below OpenBLAS's threading threshold, so each
#: product runs on one core (two threads contending for such a small product were up to 50
#: times slower on the 2-core machine) and every draw is computed the same way whatever the
#: chunk (results never depend on it). The draws per product follow from the plan's size.
BLAS_WORK = 500_000


@dataclass(frozen=True)
class _Block:
    """Columns of ``Z``: a factor (product of atoms), times the columns of a per-chunk year array or not."""

    sig: tuple  # ((atom key, power), ...) sorted; () = no factor
    xkey: tuple | None  # None: one column (the factor itself, or ones)
    start: int
    width: int


@dataclass
class _Fallback:
    """An item the plan cannot express: evaluated per chunk with :func:`item_flows`."""

    k: int
    option: Option
    item: Item
    discount: np.ndarray  # (years,)
    budget: int


def compile_plan(scenario: Scenario, sources: tuple[str, ...] = ()) -> CompiledPlan | None:
    """The evaluation plan of a scenario, or None when the general path must do everything.

    Parameters
    ----------
    scenario : Scenario
    sources : tuple of str
        Budget sources (``"investment"``, ``"recurrent"``) whose yearly
        spending is wanted separately, besides the total.
    """
    forms = Forms(scenario)
    if forms.discount_rate_varies():
        return None
    return CompiledPlan(scenario, forms, sources)


class CompiledPlan:
    """A scenario reduced to ``Z @ C`` per chunk of draws (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
    forms : Forms
        The scenario's separable forms.
    sources : tuple of str
        Budget sources whose spending is wanted separately.
    """

    def __init__(self, scenario: Scenario, forms: Forms, sources: tuple[str, ...] = ()):
        self.scenario = scenario
        self.forms = forms
        self.sources = tuple(sources)
        s = scenario
        self.n_options, self.n_years = len(s.options), s.n_years
        central = forms.central
        self._r = float(central.discount_rate()[0])
        years = s.years
        self._t = (years - s.base_year).astype(float)
        self._df_res = (1.0 + self._r) ** -(s.end_year - s.base_year + 1.0)
        self._blocks: dict[tuple, _Block] = {}
        self._width = 0
        self._block((), None, 1)  # column 0: ones, for everything fixed
        self._rows_nom: dict[tuple, np.ndarray] = {}  # (block key, budget index) -> (width, options * years)
        self._rows_pv: dict[tuple, np.ndarray] = {}  # block key -> (width, options)
        self.fallbacks: list[_Fallback] = []
        self._driver_forms = {did: forms.driver(did) for did in s.drivers}
        for k, opt in enumerate(s.options):
            for item in opt.items:
                self._compile_item(k, opt, item)
        self._assemble()
        self._cap = 0

    # -- compiling ---------------------------------------------------------------
    def _block(self, sig: tuple, xkey: tuple | None, width: int) -> _Block:
        key = (sig, xkey)
        block = self._blocks.get(key)
        if block is None:
            block = self._blocks[key] = _Block(sig, xkey, self._width, width)
            self._width += width
        return block

    def _add(self, k: int, budget: str, sig: tuple, xkey: tuple | None, nominal: np.ndarray, pv: np.ndarray) -> None:
        """Add an item's coefficients: ``nominal`` (width, years) and ``pv`` (width,) per unit of the block's columns."""
        nominal = np.atleast_2d(nominal)
        block = self._block(sig, xkey, nominal.shape[0])
        b = BUDGETS.index(budget)
        key = (sig, xkey)
        Y = self.n_years
        rows = self._rows_nom.setdefault((key, b), np.zeros((block.width, self.n_options * Y)))
        rows[:, k * Y : (k + 1) * Y] += nominal
        pv_rows = self._rows_pv.setdefault(key, np.zeros((block.width, self.n_options)))
        pv_rows[:, k] += np.atleast_1d(pv)

    def _discount(self, offset: np.ndarray) -> np.ndarray:
        # the general path's factor, (1 + r) ** -((y - base_year) + offset), with the same operations
        return (1.0 + np.array([[self._r]])) ** -(self._t + np.asarray(offset))[None, :]

    def _compile_item(self, k: int, opt: Option, item: Item) -> None:
        s, forms = self.scenario, self.forms
        years = s.years
        Y = self.n_years
        central = forms.central
        # timing inside the months in service (ledger.item_flows)
        last_year, last_month = (item.to_year, item.to_month) if item.per in ("year", "month") else (s.end_year, 12)
        first_m = np.where(years == item.from_year, item.from_month, 1)
        last_m = np.where(years == last_year, last_month, 12)
        discount = self._discount(finance.timing_offset(item.timing, first_m, last_m))[0]
        escalation_varies = forms.escalation_varies(opt.id, item)
        if item.per == "added" and escalation_varies:
            self.fallbacks.append(_Fallback(k, opt, item, discount, BUDGETS.index(item.budget)))
            return
        if escalation_varies:
            growth = np.ones(Y)
            gkey = ("growth", "inflation") if item.escalation_is_inflation else ("growth", opt.id, item.position)
        else:
            escalation = float(central.escalation(opt.id, item)[0])
            growth = (1.0 + escalation) ** (years - s.base_year)
            gkey = None
        price = forms.price(opt.id, item)
        vat = 1.0 + item.vat
        share = 1.0 + item.contingency
        first = item.from_year - s.start_year
        months = item.months_in_service(years)
        if item.per in ("year", "month"):
            periods = months if item.per == "month" else months / MONTHS_PER_YEAR
            u = price.coef * periods * growth * vat * share
            xkey = gkey
            if isinstance(item.quantity, str):
                drv = self._driver_forms[item.quantity]
                if drv is not None:
                    sig = _times(price.atoms, drv.atoms)
                    u = u * drv.coef
                else:
                    sig = price.atoms
                    xkey = ("driver", item.quantity) if gkey is None else ("mul", ("driver", item.quantity), gkey)
            else:
                qty = forms.quantity(opt.id, item)
                sig = _times(price.atoms, qty.atoms)
                u = u * qty.coef
            if xkey is None:
                self._add(k, item.budget, sig, None, u, np.sum(u * discount))
            else:
                self._add(k, item.budget, sig, xkey, np.diag(u), u * discount)
            return
        life = item.life
        if item.per == "once":
            if isinstance(item.quantity, str):
                drv = self._driver_forms[item.quantity]
                lot = (
                    Form(float(drv.coef[first]), drv.atoms)
                    if drv is not None
                    else Form(1.0, ((("driver_col", item.quantity, first), 1),))
                )
            else:
                lot = forms.quantity(opt.id, item)
            sig = _times(price.atoms, lot.atoms)
            coef = price.coef * lot.coef
            bought = np.zeros(Y)
            bought[first] = 1.0
            latest = first
            if life is not None:
                for again in range(first + life, Y, life):
                    bought[again] += 1.0
                    latest = again
            u = coef * growth * vat * share * bought
            credit = coef * vat * self._credit_share(item, first, latest)
            if gkey is None:
                pv = np.sum(u * discount) - credit * growth[latest] * self._df_res
                self._add(k, item.budget, sig, None, u, pv)
            else:
                pv = u * discount
                pv[latest] -= credit * self._df_res
                self._add(k, item.budget, sig, gkey, np.diag(u), pv)
            return
        # "added": modules bought as the need grows; purchases, replacements and residuals linear in them
        last = item.to_year - s.start_year
        window = np.arange(first, last + 1)
        buys = np.zeros((window.size, Y))  # each lot's purchases: the lot itself and its replacements
        credits = np.zeros(window.size)
        for i, p in enumerate(window):
            buys[i, p] = 1.0
            latest = p
            if life is not None:
                for again in range(p + life, Y, life):
                    buys[i, again] += 1.0
                    latest = again
            credits[i] = vat * growth[latest] * self._credit_share(item, p, latest, first)
        paid = price.coef * buys * (growth * vat * share)[None, :]  # per unit bought in each lot
        pv_per_unit = paid @ discount - price.coef * credits * self._df_res
        need_key = ("driver", item.quantity) if isinstance(item.quantity, str) else ("quantity", opt.id, item.position)
        need_fixed = (
            not forms.driver_varies(item.quantity) if isinstance(item.quantity, str) else forms.quantity(opt.id, item).fixed
        )
        if need_fixed:
            need = central.quantity(opt.id, item)[:, first : last + 1]
            installed = installed_capacity(need, item.existing, item.module)
            lots = np.diff(installed, axis=1, prepend=np.full((1, 1), item.existing))[0]
            self._add(k, item.budget, price.atoms, None, lots @ paid, lots @ pv_per_unit)
            return
        # lots = module x (whole_j - whole_{j-1}), whole the modules held over the window (whole_{first-1} = 0)
        step = np.eye(window.size) - np.eye(window.size, k=1)
        xkey = ("modules", need_key, float(item.existing), float(item.module), int(first), int(last))
        self._add(k, item.budget, price.atoms, xkey, item.module * step @ paid, item.module * step @ pv_per_unit)

    def _credit_share(self, item: Item, p: int, latest: int, first: int | None = None) -> float:
        """The residual value credited for a lot bought in year index ``p`` (latest purchase ``latest``), per unit paid."""
        if item.life is None or item.residual == "none":
            return 0.0
        if item.residual == "linear":
            s = self.scenario
            first = p if first is None else first
            pm = item.from_month if p == first else 1
            age_end = (s.end_year + 1 - int(s.years[latest])) * MONTHS_PER_YEAR - (pm - 1)
            life_months = float(item.life) * MONTHS_PER_YEAR
            remaining = (life_months - float(age_end)) / life_months
            return remaining if remaining > 0 else 0.0
        return float(item.residual)

    def _assemble(self) -> None:
        m, K, Y = self._width, self.n_options, self.n_years
        self.coef_nominal = np.zeros((m, K * Y))
        self.coef_source = {b: np.zeros((m, K * Y)) for b in self.sources}
        self.coef_pv = np.zeros((m, K))
        for (key, b), rows in self._rows_nom.items():
            block = self._blocks[key]
            cols = slice(block.start, block.start + block.width)
            self.coef_nominal[cols] += rows
            if BUDGETS[b] in self.coef_source:
                self.coef_source[BUDGETS[b]][cols] += rows
        for key, rows in self._rows_pv.items():
            block = self._blocks[key]
            self.coef_pv[block.start : block.start + block.width] += rows
        self._order = sorted(self._blocks.values(), key=lambda b: b.start)
        # transposed and contiguous: the products are C^T @ Z^T, with the draws along the columns
        self.coef_nominal_t = np.ascontiguousarray(self.coef_nominal.T)
        self.coef_pv_t = np.ascontiguousarray(self.coef_pv.T)
        self.coef_source_t = {b: np.ascontiguousarray(c.T) for b, c in self.coef_source.items()}
        outputs = K * Y * (1 + len(self.sources)) + K
        self._step = max(64, min(2048, BLAS_WORK // (outputs * m) // 64 * 64))

    # -- evaluating --------------------------------------------------------------
    @property
    def n_columns(self) -> int:
        """Rows of ``Z^T``: the per-draw numbers of a draw (1 for everything fixed)."""
        return self._width

    def _buffer(self, n: int) -> np.ndarray:
        """``Z^T``, one row per per-draw number and one column per draw, allocated once (row 0 is ones)."""
        if n > self._cap:
            self._cap = max(n, 2 * self._cap if self._cap else n)
            self._zt = np.empty((self._width, self._cap))
            self._zt[0] = 1.0
        return self._zt[:, :n]

    def evaluate(
        self,
        values: InputValues,
        pv_out: np.ndarray,
        nominal_out: np.ndarray,
        source_out: dict[str, np.ndarray] | None = None,
    ) -> bool:
        """Write every option's present value and yearly spending for the draws of ``values``.

        The outputs have the draw on the **last** axis, so that each option's (and
        year's) draws are contiguous for the percentiles read from them.

        Parameters
        ----------
        values : InputValues
            ``n`` draws (no overrides).
        pv_out : numpy.ndarray, shape (options, n)
            Its last axis contiguous.
        nominal_out : numpy.ndarray, shape (options, years, n)
            Its last axis contiguous.
        source_out : dict of str to numpy.ndarray, optional
            For each of :attr:`sources`, an array like ``nominal_out``.

        Returns
        -------
        bool
            False when a result is not finite (the caller evaluates the chunk on the
            general path, which reports the input that caused it).
        """
        n = values.n
        K, Y = self.n_options, self.n_years
        zt = self._buffer(n)
        products: dict[tuple, np.ndarray | None] = {(): None}
        arrays: dict[tuple, np.ndarray] = {}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for block in self._order:
                if block.start == 0:
                    continue
                rows = zt[block.start : block.start + block.width]
                if block.xkey is None:
                    self._product(values, block.sig, products, out=rows[0])
                    continue
                factor = self._product(values, block.sig, products)
                x = self._array(values, block.xkey, arrays)  # (width, n or 1)
                if factor is None:
                    np.copyto(rows, x)
                else:
                    np.multiply(x, factor, out=rows)
            nom = nominal_out.reshape(K * Y, n)
            outs = [(self.coef_nominal_t, nom), (self.coef_pv_t, pv_out)]
            for b, arr in (source_out or {}).items():
                outs.append((self.coef_source_t[b], arr.reshape(K * Y, n)))
            step = self._step
            for lo in range(0, n, step):
                hi = min(n, lo + step)
                for coef, out in outs:
                    np.matmul(coef, zt[:, lo:hi], out=out[:, lo:hi])
            for fb in self.fallbacks:
                self._fallback(values, fb, pv_out, nominal_out, source_out)
            total = float(np.sum(pv_out)) + float(np.sum(nom))
        return bool(np.isfinite(total))

    def arrays(self, values: InputValues) -> tuple[np.ndarray, np.ndarray] | None:
        """``(pv_cost (n, options), nominal (n, options, years))`` for the draws of ``values``, or None when not finite."""
        n = values.n
        pv = np.empty((self.n_options, n))
        nominal = np.empty((self.n_options, self.n_years, n))
        if not self.evaluate(values, pv, nominal):
            return None
        return np.ascontiguousarray(pv.T), np.ascontiguousarray(nominal.transpose(2, 0, 1))

    def _product(self, values: InputValues, sig: tuple, cache: dict, out: np.ndarray | None = None) -> np.ndarray | None:
        """The product of a signature's atoms (None for no atom), cached per chunk; into ``out`` when given."""
        if out is None and sig in cache:
            return cache[sig]
        result = None
        for i, (key, power) in enumerate(sig):
            a = values.atom(key)
            if power != 1:
                a = 1.0 / a if power == -1 else a**power
            if result is None:
                result = a
            elif out is not None and i == len(sig) - 1:
                result = np.multiply(result, a, out=out)
            else:
                result = result * a
        if out is not None and result is not out:
            np.copyto(out, result)
            result = out
        cache.setdefault(sig, result)
        return result

    def _array(self, values: InputValues, xkey: tuple, cache: dict) -> np.ndarray:
        """A per-chunk year array, years first: a driver, an escalation's growth, their product, or module counts."""
        if xkey in cache:
            return cache[xkey]
        kind = xkey[0]
        s = self.scenario
        if kind == "driver":
            out = values.driver(xkey[1]).T
        elif kind == "growth":
            if xkey[1] == "inflation":
                escalation = values.inflation()
            else:
                escalation = values.escalation(xkey[1], s.option(xkey[1]).items[xkey[2] - 1])
            out = (1.0 + escalation[None, :]) ** (s.years - s.base_year)[:, None]
        elif kind == "mul":
            out = self._array(values, xkey[1], cache) * self._array(values, xkey[2], cache)
        else:
            out = self._modules(values, xkey)
        cache[xkey] = out
        return out

    def _modules(self, values: InputValues, xkey: tuple) -> np.ndarray:
        """Whole modules held in each year of the window, shape (window, n): ``installed = existing + module x whole``."""
        _, need_key, existing, module, first, last = xkey
        monotone = False
        if need_key[0] == "driver":
            form = self._driver_forms[need_key[1]]
            if form is not None and form.atoms:
                coef = form.coef[first : last + 1]
                factor = self._product(values, form.atoms, {})
                need = np.multiply(coef[:, None], factor[None, :])
                # c_y > 0 nondecreasing and values >= 0: the need never falls, its running maximum is itself
                monotone = bool(np.all(coef > 0) and np.all(np.diff(coef) >= 0))
            else:
                need = values.driver(need_key[1])[:, first : last + 1].T
        else:
            item = self.scenario.option(need_key[1]).items[need_key[2] - 1]
            need = np.repeat(values.fixed_quantity(need_key[1], item)[None, :], last - first + 1, axis=0)
            monotone = True
        if not monotone:
            need = np.maximum.accumulate(need, axis=0)
        if existing:
            modules = need - existing
            np.maximum(modules, 0.0, out=modules)
            modules /= module
        else:  # the need is never negative: max(0, need - 0) is the need
            modules = np.divide(need, module)
        # whole modules: the nearest whole number when within the tolerance, else the next one up
        # (ledger.installed_capacity: round, |m - round| <= tol ? round : ceil)
        nearest = np.rint(modules)
        np.subtract(modules, nearest, out=modules)
        above = modules > WHOLE_MODULE_TOLERANCE
        np.add(nearest, above, out=nearest)
        return nearest

    def _fallback(self, values, fb: _Fallback, pv_out, nominal_out, source_out) -> None:
        flows = item_flows(fb.option.id, fb.item, self.scenario, values)
        paid = flows.cost_nominal + flows.replacement_nominal + flows.contingency_nominal
        nominal_out[fb.k] += paid.T
        pv_out[fb.k] += np.sum(paid * fb.discount[None, :], axis=1) - flows.residual_credit * self._df_res
        for b, arr in (source_out or {}).items():
            if BUDGETS[fb.budget] == b:
                arr[fb.k] += paid.T


#: Plans by scenario (object id; dropped with the scenario) and budget sources.
_PLANS: dict[tuple[int, tuple[str, ...]], CompiledPlan | None] = {}


def plan_for(scenario: Scenario, sources: tuple[str, ...] = ()) -> CompiledPlan | None:
    """The scenario's plan, compiled on first use and kept while the scenario lives (None: general path only)."""
    key = (id(scenario), tuple(sources))
    if key in _PLANS:
        plan = _PLANS[key]
        if plan is None or plan.scenario is scenario:
            return plan
    plan = compile_plan(scenario, sources)
    _PLANS[key] = plan
    weakref.finalize(scenario, _PLANS.pop, key, None)
    return plan


def _times(a: tuple, b: tuple) -> tuple:
    """The signature of a product of two forms' atoms."""
    powers: dict = dict(a)
    for key, p in b:
        powers[key] = powers.get(key, 0) + p
        if powers[key] == 0:
            del powers[key]
    return tuple(sorted(powers.items()))

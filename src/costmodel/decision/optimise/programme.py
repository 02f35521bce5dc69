"""The mixed-integer programme: variables, constraints, solving with HiGHS, and an independent check.

Variables (``f`` a future, ``y`` a year, ``o`` an option, ``c`` a capacity, ``i`` an
``added`` item); decisions of the first horizon year are one variable shared by every
future (two-stage non-anticipativity, Birge & Louveaux 2011, ch. 2-3):

* ``z[o]`` in {0, 1}: the option's fixed items are taken (its platform);
* ``u[o, c, y, f] >= 0``: units of capacity ``c`` the option provides (rented, or used
  from its own installed capacity); its items charged on ``c`` are charged on them;
* ``b[i, y, f]`` integer >= 0: modules of ``added`` item ``i`` bought in year ``y``.

Constraints:

* at least one option is taken: ``sum_o z[o] >= 1``;
* coverage, in every year ``y`` and every group ``S`` of options in service together in
  some month of ``y`` (:mod:`.structure`), for each ``o`` in ``S``:
  ``sum_{o' in S} u[o', c, y, f] >= need[c, y, f] * z[o]`` -- a year's units cover the
  need in every month in which a taken option is in service, and an option's units
  count only in its months in service;
* own capacity: ``u[o, c, y, f] <= existing[i] + module[i] * sum_{t <= y} b[i, t, f]``
  for each of the option's ``added`` items in service in ``y`` (installed modules are
  never sold: the installed level is non-decreasing);
* links (big-M with the tightest M): ``u[o, c, y, f] <= need[c, y, f] * z[o]`` and
  ``sum_y b[i, y, f] <= N[i] * z[o]``, ``N[i]`` the modules that cover the largest need;
* budget caps: for each capped year and source and each future, the spending of the
  taken fixed items, units and modules ``<= cap``.

Objective: ``sum_f p_f PV_f``, each ``PV_f`` linear in the variables with the engine's
coefficients (:mod:`.engine`); money is scaled to millions of VND inside the solver.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from costmodel.ledger import MONTHS_PER_YEAR
from costmodel.scenario import BUDGETS

from .engine import Coefficients, FixedCosts
from .structure import Future, Service, Structure, modules_for

__all__ = ["Decisions", "Programme", "Solution", "check_decisions"]

#: Money inside the solver is in millions of VND (keeps coefficients near 1).
MONEY_SCALE = 1e6
#: Units within this (absolute, plus the same relative) of the need count as covering it.
COVER_TOLERANCE = 1e-6


@dataclass(frozen=True, eq=False)
class Decisions:
    """A plan: the options taken and the capacity decisions in every future.

    Attributes
    ----------
    chosen : tuple of str
        Ids of the options whose fixed items are taken, in file order.
    use : dict of (str, str) to numpy.ndarray, shape (futures, years)
        ``(option, capacity)`` -> units the option provides each year. [unit]
    buy : dict of (str, int) to numpy.ndarray, shape (futures, years)
        ``(option, position of an added item)`` -> modules bought each year. [module]
    """

    chosen: tuple[str, ...]
    use: dict[tuple[str, str], np.ndarray] = field(repr=False)
    buy: dict[tuple[str, int], np.ndarray] = field(repr=False)

    def installed(self, item, option: str) -> np.ndarray:
        """Units of an ``added`` item installed at the end of each year, per future. [unit]"""
        return item.existing + item.module * np.cumsum(self.buy[(option, item.position)], axis=1)


@dataclass(frozen=True, eq=False)
class Solution:
    """A solved programme.

    Attributes
    ----------
    x : numpy.ndarray
        The variables, cleaned (binaries and integers rounded, units snapped to the need).
    decisions : Decisions
    pv : numpy.ndarray, shape (futures,)
        Present value of cost of the plan in each future (coefficients x decisions). [VND]
    expected : float
        ``sum_f p_f pv_f``. [VND]
    notes : tuple of str
        What happened on the way (a solve without presolve, a time limit).
    optimal : bool
        Whether HiGHS proved optimality within ``mip_rel_gap``.
    """

    x: np.ndarray = field(repr=False)
    decisions: Decisions
    pv: np.ndarray
    expected: float
    notes: tuple[str, ...] = ()
    optimal: bool = True


class _Rows:
    """Sparse constraint rows ``lo <= a x <= hi``."""

    def __init__(self) -> None:
        self.r: list[int] = []
        self.c: list[int] = []
        self.v: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, coefs: Mapping[int, float], lo: float, hi: float) -> None:
        k = len(self.lo)
        for j, a in coefs.items():
            if a != 0:
                self.r.append(k)
                self.c.append(j)
                self.v.append(float(a))
        self.lo.append(lo)
        self.hi.append(hi)

    def extend(self, other: _Rows) -> None:
        offset = len(self.lo)
        self.r += [k + offset for k in other.r]
        self.c += other.c
        self.v += other.v
        self.lo += other.lo
        self.hi += other.hi

    def copy(self) -> _Rows:
        out = _Rows()
        out.extend(self)
        return out

    def matrix(self, n: int) -> csr_matrix:
        return csr_matrix((self.v, (self.r, self.c)), shape=(len(self.lo), n))


@dataclass
class _Var:
    kind: str  # "z", "u", "b"
    option: str
    capacity: str | None = None
    position: int | None = None
    year: int | None = None
    future: int | None = None  # None: shared by every future


class Programme:
    """The optimisation problem for a set of futures (built once, solved in variants).

    Parameters
    ----------
    structure : Structure
    coefficients : Coefficients
        Unit costs from the engine.
    futures : sequence of Future
    fixed : sequence of FixedCosts
        One per future, in the same order.
    caps : mapping of (int, str) to float
        Budget caps by (year, source). [VND]
    envelope : sequence of Future, optional
        More futures whose needs only widen the variables' bounds (the first-year units and
        the modules of every item cover the largest need of any of them): a future solved
        alone with another problem's first-year decisions fixed, which may exceed its own
        need (the expected-value solution's recourse).
    """

    def __init__(
        self,
        structure: Structure,
        coefficients: Coefficients,
        futures: Sequence[Future],
        fixed: Sequence[FixedCosts],
        caps: Mapping[tuple[int, str], float],
        envelope: Sequence[Future] = (),
    ) -> None:
        self.structure = structure
        self.coefficients = coefficients
        self.futures = tuple(futures)
        self.fixed = tuple(fixed)
        self.caps = dict(caps)
        s = structure.scenario
        self.years = [int(y) for y in s.years]
        self.y0 = self.years[0]
        self.F = len(self.futures)
        self.p = np.array([f.probability for f in self.futures])
        self.need = {c: np.array([f.drivers[c] for f in self.futures]) for c in structure.capacities}
        wide = [*self.futures, *envelope]
        self._widest = {c: np.max([f.drivers[c] for f in wide], axis=0) for c in structure.capacities}
        self.vars: list[_Var] = []
        self.index: dict[tuple, int] = {}
        self._build_variables()
        self._build_coefficients()
        self.rows = _Rows()
        self._build_rows()
        self.cap_rows = self._cap_rows(self.caps)

    # -- variables ----------------------------------------------------------
    def _new(self, key: tuple, var: _Var, lb: float, ub: float, integer: bool) -> int:
        self.index[key] = len(self.vars)
        self.vars.append(var)
        self._lb.append(lb)
        self._ub.append(ub)
        self._int.append(1 if integer else 0)
        return self.index[key]

    def _futures_of(self, year: int) -> list[int | None]:
        return [None] if year == self.y0 else list(range(self.F))

    def _need_bound(self, c: str, year: int, f: int | None) -> float:
        j = self.years.index(year)
        return float(self._widest[c][j] if f is None else self.need[c][f, j])

    def n_modules(self, svc: Service, item) -> int:
        """Modules of an ``added`` item that cover the largest need of any year in service and any future."""
        j = [self.years.index(y) for y in range(item.from_year, item.to_year + 1)]
        return modules_for(float(self._widest[svc.capacity][j].max()), item.existing, item.module) if j else 0

    def _build_variables(self) -> None:
        self._lb: list[float] = []
        self._ub: list[float] = []
        self._int: list[int] = []
        for o in self.structure.options:
            self._new(("z", o), _Var("z", o), 0.0, 1.0, True)
        for svc in self.structure.services:
            for y in svc.years:
                for f in self._futures_of(y):
                    var = _Var("u", svc.option, svc.capacity, None, y, f)
                    self._new(("u", svc.option, svc.capacity, y, f), var, 0.0, self._need_bound(svc.capacity, y, f), False)
            for item in svc.added:
                top = self.n_modules(svc, item)
                for y in range(item.from_year, item.to_year + 1):
                    for f in self._futures_of(y):
                        var = _Var("b", svc.option, svc.capacity, item.position, y, f)
                        self._new(("b", svc.option, item.position, y, f), var, 0.0, float(top), True)
        self.lb = np.array(self._lb)
        self.ub = np.array(self._ub)
        self.integrality = np.array(self._int)
        self.n = len(self.vars)

    def u(self, option: str, capacity: str, year: int, f: int) -> int | None:
        """Index of a units-used variable in future ``f`` (the shared one in the first year)."""
        return self.index.get(("u", option, capacity, year, None if year == self.y0 else f))

    def b(self, option: str, position: int, year: int, f: int) -> int | None:
        """Index of a modules-bought variable in future ``f`` (the shared one in the first year)."""
        return self.index.get(("b", option, position, year, None if year == self.y0 else f))

    def z(self, option: str) -> int:
        """Index of an option's choice variable."""
        return self.index[("z", option)]

    # -- coefficients --------------------------------------------------------
    def _build_coefficients(self) -> None:
        """``pv[f, k]`` and ``spend[f, y, source, k]``: what variable ``k`` costs in future ``f``. [VND]"""
        Y, B = len(self.years), len(BUDGETS)
        self.pv = np.zeros((self.F, self.n))
        self.spend = np.zeros((self.F, Y, B, self.n))
        co = self.coefficients
        use_items = {svc.key: svc.use for svc in self.structure.services}
        for k, v in enumerate(self.vars):
            fs = range(self.F) if v.future is None else [v.future]
            for f in fs:
                if v.kind == "z":
                    self.pv[f, k] = self.fixed[f].pv[v.option]
                    self.spend[f, :, :, k] = self.fixed[f].spend[v.option]
                elif v.kind == "u":
                    for item in use_items[(v.option, v.capacity)]:
                        key = (v.option, item.position, v.year)
                        if key in co.use_pv:
                            self.pv[f, k] += co.use_pv[key]
                            self.spend[f, :, :, k] += co.use_spend[key]
                else:
                    key = (v.option, v.position, v.year)
                    self.pv[f, k] = co.buy_pv[key]
                    self.spend[f, :, :, k] = co.buy_spend[key]
        self.c = self.p @ self.pv

    def spending(self, x: np.ndarray) -> np.ndarray:
        """Nominal spending of a solution by future, year and source (:data:`BUDGETS` order). [VND]"""
        return np.einsum("fysk,k->fys", self.spend, x)

    def costs(self, x: np.ndarray) -> np.ndarray:
        """Present value of cost of a solution in each future. [VND]"""
        return self.pv @ x

    # -- constraints ---------------------------------------------------------
    def _build_rows(self) -> None:
        rows = self.rows
        rows.add({self.z(o): 1.0 for o in self.structure.options}, 1.0, math.inf)
        st = self.structure
        for c in st.capacities:
            services = st.services_of(c)
            for j, y in enumerate(self.years):
                months = slice(j * MONTHS_PER_YEAR, (j + 1) * MONTHS_PER_YEAR)
                groups = {tuple(s.option for s in services if s.window[m]) for m in range(months.start, months.stop)}
                for group in sorted(g for g in groups if g):
                    for f in range(self.F):
                        need = float(self.need[c][f, j])
                        if need <= 0:
                            continue
                        for o in group:
                            coefs = {self.u(q, c, y, f): 1.0 for q in group}
                            coefs[self.z(o)] = coefs.get(self.z(o), 0.0) - need
                            rows.add(coefs, 0.0, math.inf)
        for svc in st.services:
            zk = self.z(svc.option)
            for y in svc.years:
                for f in self._futures_of(y):
                    k = self.index[("u", svc.option, svc.capacity, y, f)]
                    rows.add({k: 1.0, zk: -self.ub[k]}, -math.inf, 0.0)
            for item in svc.added:
                top = self.n_modules(svc, item)
                for f in range(self.F):
                    coefs = {self.b(svc.option, item.position, y, f): 1.0 for y in range(item.from_year, item.to_year + 1)}
                    coefs[zk] = -float(top)
                    rows.add(coefs, -math.inf, 0.0)
                    for y in range(item.from_year, item.to_year + 1):
                        if y not in svc.years:
                            continue
                        coefs = {self.u(svc.option, svc.capacity, y, f): 1.0}
                        for t in range(item.from_year, y + 1):
                            coefs[self.b(svc.option, item.position, t, f)] = -item.module
                        rows.add(coefs, -math.inf, item.existing)

    def _cap_rows(self, caps: Mapping[tuple[int, str], float]) -> _Rows:
        rows = _Rows()
        for (year, source), cap in caps.items():
            j = self.years.index(year)
            for f in range(self.F):
                coefs = self.spend_row(f, j, source)
                rows.add(dict(enumerate(coefs / MONEY_SCALE)), -math.inf, cap / MONEY_SCALE)
        return rows

    def spend_row(self, f: int, j: int, source: str) -> np.ndarray:
        """Spending coefficients of future ``f`` in the ``j``-th year from ``source`` (or both: ``"total"``). [VND]"""
        if source == "total":
            return self.spend[f, j].sum(axis=0)
        return self.spend[f, j, BUDGETS.index(source)]

    # -- solving -------------------------------------------------------------
    def solve(
        self,
        objective: np.ndarray | None = None,
        caps: Mapping[tuple[int, str], float] | None = None,
        fixed: Mapping[int, float] | None = None,
        extra: _Rows | None = None,
        n_extra: int = 0,
        extra_bounds: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        mip_rel_gap: float = 0.0,
        time_limit: float | None = None,
    ) -> tuple[np.ndarray | None, tuple[str, ...], bool]:
        """Solve a variant of the programme; ``None`` when it is infeasible (confirmed without presolve).

        Parameters
        ----------
        objective : numpy.ndarray, optional
            Objective over all variables (default: expected cost in millions of VND).
        caps : mapping, optional
            Caps replacing the programme's. [VND]
        fixed : mapping of int to float, optional
            Variables fixed to a value.
        extra, n_extra, extra_bounds
            More rows and ``n_extra`` more variables (with their lower and upper bounds and
            integrality) appended after the programme's.
        mip_rel_gap, time_limit
            HiGHS options.

        Returns
        -------
        x : numpy.ndarray or None
            The raw solution (all variables, extra ones included).
        notes : tuple of str
        optimal : bool
        """
        n = self.n + n_extra
        c = np.zeros(n)
        c[: self.n] = self.c / MONEY_SCALE if objective is None else objective[: self.n]
        if objective is not None:
            c[self.n :] = objective[self.n :]
        lb, ub, integ = self.lb.copy(), self.ub.copy(), self.integrality.copy()
        if n_extra:
            elb, eub, eint = extra_bounds
            lb, ub, integ = np.concatenate([lb, elb]), np.concatenate([ub, eub]), np.concatenate([integ, eint])
        for k, v in (fixed or {}).items():
            lb[k] = ub[k] = v
        rows = self.rows.copy()
        rows.extend(self.cap_rows if caps is None else self._cap_rows(caps))
        if extra is not None:
            rows.extend(extra)
        constraints = LinearConstraint(rows.matrix(n), np.array(rows.lo), np.array(rows.hi))
        options = {"mip_rel_gap": mip_rel_gap, "presolve": True}
        if time_limit is not None:
            options["time_limit"] = float(time_limit)
        notes: list[str] = []
        res = _milp(c, integ, lb, ub, constraints, options)
        if res.status == 2:
            # HiGHS's MIP presolve has declared feasible models infeasible (ERGO-Code/HiGHS issues
            # #1164, #1958, #2388): an infeasible status is only believed when a solve without presolve agrees
            res = _milp(c, integ, lb, ub, constraints, {**options, "presolve": False})
            if res.status == 2:
                return None, (), False
            notes.append("HiGHS with presolve reported the problem infeasible; a solve without presolve found a plan")
        if res.x is None:
            raise RuntimeError(f"HiGHS did not solve the optimisation (status {res.status}: {res.message})")
        optimal = res.status == 0
        if not optimal:
            notes.append(f"HiGHS stopped before proving optimality ({res.message}); the best plan found is reported")
        return np.asarray(res.x, dtype=float), tuple(notes), optimal

    # -- solutions -----------------------------------------------------------
    def clean(self, x: np.ndarray) -> np.ndarray:
        """Round binaries and module counts; snap units within tolerance of the need (or 0) onto it."""
        x = np.asarray(x[: self.n], dtype=float).copy()
        whole = self.integrality == 1
        x[whole] = np.round(x[whole]) + 0.0  # no -0.0
        for k, v in enumerate(self.vars):
            if v.kind != "u":
                continue
            need = self.ub[k]
            if abs(x[k] - need) <= COVER_TOLERANCE * max(1.0, need):
                x[k] = need
            elif abs(x[k]) <= COVER_TOLERANCE:
                x[k] = 0.0
            else:
                x[k] = min(max(round(x[k], 6), 0.0), need)
        return x

    def solution(self, x: np.ndarray, notes: tuple[str, ...] = (), optimal: bool = True) -> Solution:
        """A cleaned solution with its decisions and costs."""
        x = self.clean(x)
        pv = self.costs(x)
        return Solution(x, self.decode(x), pv, float(self.p @ pv), notes, optimal)

    def decode(self, x: np.ndarray) -> Decisions:
        """The plan a vector of variables describes."""
        Y = len(self.years)
        chosen = tuple(o for o in self.structure.options if x[self.z(o)] > 0.5)
        use: dict[tuple[str, str], np.ndarray] = {}
        buy: dict[tuple[str, int], np.ndarray] = {}
        for svc in self.structure.services:
            arr = np.zeros((self.F, Y))
            for j, y in enumerate(self.years):
                for f in range(self.F):
                    k = self.u(svc.option, svc.capacity, y, f)
                    if k is not None:
                        arr[f, j] = x[k]
            use[svc.key] = arr
            for item in svc.added:
                arr = np.zeros((self.F, Y))
                for j, y in enumerate(self.years):
                    for f in range(self.F):
                        k = self.b(svc.option, item.position, y, f)
                        if k is not None:
                            arr[f, j] = x[k]
                buy[(svc.option, item.position)] = arr
        return Decisions(chosen, use, buy)

    def encode(self, decisions: Decisions) -> np.ndarray:
        """The vector of variables of a plan (first-year values from the first future)."""
        x = np.zeros(self.n)
        for o in decisions.chosen:
            x[self.z(o)] = 1.0
        for k, v in enumerate(self.vars):
            f = 0 if v.future is None else v.future
            j = self.years.index(v.year) if v.year is not None else None
            if v.kind == "u":
                x[k] = decisions.use[(v.option, v.capacity)][f, j]
            elif v.kind == "b":
                x[k] = decisions.buy[(v.option, v.position)][f, j]
        return x

    def handmade(self, option: str) -> np.ndarray:
        """The hand-made option as a point of the programme: its fixed items, units = need, modules as the engine buys them.

        In the first year, shared by every future, the units cover the largest need and the
        modules the largest of the futures' first-year purchases; with one future this is
        exactly the option as :func:`costmodel.evaluate` costs it.
        """
        x = np.zeros(self.n)
        x[self.z(option)] = 1.0
        for svc in self.structure.services:
            if svc.option != option:
                continue
            for k, v in enumerate(self.vars):
                if v.kind == "u" and (v.option, v.capacity) == svc.key:
                    j = self.years.index(v.year)
                    need = self.need[svc.capacity][:, j]
                    x[k] = float(need.max() if v.future is None else need[v.future])
            for item in svc.added:
                for f in range(self.F):
                    level = 0
                    running = 0.0
                    for y in range(item.from_year, item.to_year + 1):
                        j = self.years.index(y)
                        running = max(running, float(self.need[svc.capacity][f, j]))
                        if y == self.y0:
                            running = max(running, float(self.need[svc.capacity][:, j].max()))
                        target = modules_for(running, item.existing, item.module)
                        k = self.b(option, item.position, y, f)
                        x[k] = max(target - level, 0)
                        level += x[k]
        return x

    def violations(self, x: np.ndarray, caps: Mapping[tuple[int, str], float] | None = None) -> list[str]:
        """Every constraint a cleaned solution breaks, checked from the plan and not from the solver's rows."""
        out = check_decisions(self.structure, self.futures, self.decode(x))
        caps = self.caps if caps is None else caps
        spent = self.spending(x)
        for (year, source), cap in caps.items():
            j = self.years.index(year)
            for f in range(self.F):
                got = spent[f, j].sum() if source == "total" else spent[f, j, BUDGETS.index(source)]
                if got > cap + max(1.0, 1e-9 * cap):
                    name = self.futures[f].name
                    out.append(f"future {name!r}: {year} {source} spending {got:,.0f} VND exceeds the cap {cap:,.0f}")
        return out


def _milp(c, integrality, lb, ub, constraints, options):
    with warnings.catch_warnings(), _quiet_stdout():
        warnings.simplefilter("ignore", RuntimeWarning)
        return milp(c, integrality=integrality, bounds=Bounds(lb, ub), constraints=constraints, options=dict(options))


@contextlib.contextmanager
def _quiet_stdout():
    """Silence what HiGHS prints to the process's standard output despite ``disp=False``.

    Some HiGHS builds print debugging lines from the MIP solver
    (``HighsMipSolverData::transformNewIntegerFeasibleSolution ...``) straight to file
    descriptor 1, past Python; they would end up in the command's output.
    """
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def check_decisions(structure: Structure, futures: Sequence[Future], decisions: Decisions) -> list[str]:
    """Check a plan against the rules, month by month, independently of the solver.

    Checked: at least one known option is taken; an option not taken provides no units
    and buys nothing; modules are whole numbers >= 0, bought only while the item is in
    service; units are >= 0; first-year decisions are the same in every future; in every
    month of every year and future in which a taken option is in service for a capacity,
    the units of the taken options in service that month cover the need; an owning
    option provides no more units than each of its ``added`` items has installed.

    Returns
    -------
    list of str
        One sentence per violation (empty: the plan is feasible).
    """
    out: list[str] = []
    s = structure.scenario
    years = [int(y) for y in s.years]
    chosen = set(decisions.chosen)
    if not chosen:
        out.append("no option is taken")
    unknown = chosen - set(structure.options)
    if unknown:
        out.append(f"unknown option(s) taken: {sorted(unknown)}")
    tol = COVER_TOLERANCE
    for svc in structure.services:
        use = decisions.use[svc.key]
        if np.any(use < -tol):
            out.append(f"{svc.option}/{svc.capacity}: negative units")
        if svc.option not in chosen and np.any(np.abs(use) > tol):
            out.append(f"{svc.option}/{svc.capacity}: units provided by an option that is not taken")
        if use.shape[0] > 1 and np.any(np.abs(use[:, 0] - use[0, 0]) > tol):
            out.append(f"{svc.option}/{svc.capacity}: first-year units differ between futures")
        for item in svc.added:
            buy = decisions.buy[(svc.option, item.position)]
            label = f"{svc.option}/{item.label}"
            if np.any(np.abs(buy - np.round(buy)) > 1e-9) or np.any(buy < 0):
                out.append(f"{label}: modules bought must be whole numbers >= 0")
            outside = [j for j, y in enumerate(years) if not item.from_year <= y <= item.to_year]
            if outside and np.any(buy[:, outside] != 0):
                out.append(f"{label}: modules bought outside the item's years")
            if svc.option not in chosen and np.any(buy != 0):
                out.append(f"{label}: modules bought for an option that is not taken")
            if buy.shape[0] > 1 and np.any(buy[:, 0] != buy[0, 0]):
                out.append(f"{label}: first-year modules differ between futures")
            installed = decisions.installed(item, svc.option)
            for j, y in enumerate(years):
                if item.from_year <= y <= item.to_year:
                    over = use[:, j] - installed[:, j]
                    for f in np.flatnonzero(over > tol * max(1.0, float(np.max(installed[:, j])))):
                        out.append(
                            f"future {futures[f].name!r}, {y}: {svc.option} provides {use[f, j]:g} {svc.capacity} "
                            f"but {item.label} has {installed[f, j]:g} installed"
                        )
    for c in structure.capacities:
        services = [svc for svc in structure.services_of(c) if svc.option in chosen]
        for j, y in enumerate(years):
            for m in range(MONTHS_PER_YEAR):
                month = j * MONTHS_PER_YEAR + m
                serving = [svc for svc in services if svc.window[month]]
                if not serving:
                    continue
                for f, fut in enumerate(futures):
                    need = float(fut.drivers[c][j])
                    got = sum(float(decisions.use[svc.key][f, j]) for svc in serving)
                    if got < need - tol * max(1.0, need):
                        out.append(
                            f"future {fut.name!r}, {y}-{m + 1:02d}: {c} need {need:g} but the options in service "
                            f"({', '.join(svc.option for svc in serving)}) provide {got:g}"
                        )
                        break
    return out

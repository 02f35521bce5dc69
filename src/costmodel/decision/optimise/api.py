"""``optimise()``: the cheapest own/rent plan year by year, its checks, and what it reports."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from costmodel.evaluation import evaluate
from costmodel.metrics import round_vnd
from costmodel.problems import Problem
from costmodel.scenario import BUDGETS, Scenario, as_scenario, parse_scenario

from .engine import FixedCosts, fixed_costs, unit_coefficients
from .plan import PLAN_OPTION, plan_data, to_toml
from .programme import MONEY_SCALE, Programme, Solution, _Rows
from .structure import Future, OptimiseError, Structure, analyse, average_future, normalise_caps, normalise_futures

__all__ = [
    "ALTERNATIVE_COLUMNS",
    "BINDING_COLUMNS",
    "DECISION_COLUMNS",
    "PLAN_COLUMNS",
    "SUMMARY_COLUMNS",
    "OptimisationResult",
    "optimise",
]

#: Columns of :attr:`OptimisationResult.plan`: one row per future, year and capacity.
PLAN_COLUMNS = ["future", "year", "capacity", "need", "rented", "owned", "outside", "installed", "modules_bought", "options"]
#: Columns of :attr:`OptimisationResult.decisions`: one row per future, year and item charged on a capacity.
DECISION_COLUMNS = ["future", "year", "option", "capacity", "item", "kind", "value", "installed"]
#: Columns of :meth:`OptimisationResult.summary` (``optimise.csv``).
SUMMARY_COLUMNS = ["measure", "future", "probability", "option", "pv_cost"]
#: Columns of :attr:`OptimisationResult.binding` (``binding.csv``).
BINDING_COLUMNS = [
    "year",
    "budget",
    "cap",
    "spent",
    "future",
    "slack",
    "active",
    "binding",
    "saving_per_million",
    "saving_without_cap",
]
#: Columns of :attr:`OptimisationResult.alternatives` (``alternatives.csv``).
ALTERNATIVE_COLUMNS = ["alternative", "expected_pv_cost", "gap", "distance", *PLAN_COLUMNS]
#: A plan's engine present value and the optimiser's must agree within this. [VND]
ROUND_TRIP_TOLERANCE = 1.0
#: Extra budget whose value is reported for each cap. [VND]
MARGINAL = 1_000_000.0


@dataclass(frozen=True, repr=False, eq=False)
class OptimisationResult:
    """The cheapest plan and what it rests on.

    Attributes
    ----------
    scenario : Scenario
    futures : tuple of Future
    caps : dict of (int, str) to float
        Budget caps by (year, source). [VND]
    chosen : tuple of str
        Ids of the hand-made options whose fixed items the plan takes.
    plan : pandas.DataFrame
        Columns :data:`PLAN_COLUMNS`: per future, year and capacity the need, the units
        rented (from options that do not own the capacity), the units used from own
        capacity, the need no service of the plan covers (``outside``: before the services
        start, met by the existing arrangement in the options' fixed items), the units
        installed and the modules bought (of each owning option's first ``added`` item),
        and the options taken (joined by ``+``). [unit], [module]
    decisions : pandas.DataFrame
        Columns :data:`DECISION_COLUMNS`: every decision, item by item (``kind`` is
        ``"units"`` for units provided, ``"modules"`` for modules bought).
    objective : pandas.Series
        Present value of cost of the plan in each future (from the engine's evaluation of
        its plan file) and its expectation (index ``"expected"``). [VND]
    wait_and_see, expected_value_solution : pandas.Series or None
        With several futures: the optimum of each future decided alone, and the cost in
        each future of deciding the first year on the probability-weighted average
        drivers (``inf`` where that first year cannot serve the future), each with its
        expectation. [VND]
    evpi, vss : float or None
        ``RP - WS`` and ``EEV - RP`` (Birge 1982). [VND]
    handmade : pandas.DataFrame
        ``future, option, pv_cost, within_caps``: each hand-made option's cost in each
        future decided alone, and whether it meets the caps. [VND]
    binding : pandas.DataFrame
        Columns :data:`BINDING_COLUMNS`, one row per cap. [VND]
    alternatives : pandas.DataFrame
        Columns :data:`ALTERNATIVE_COLUMNS`: near-optimal plans (``alternative`` 1, 2, ...)
        that differ most from the optimum (``alternative`` 0).
    scenarios : dict of str to dict
        Future name -> the input of its plan scenario.
    notes : tuple of str
        Solver events and reasons (presolve, time limits, infeasible expected-value plan).
    solution : Solution
        The optimum as the programme sees it.
    """

    scenario: Scenario
    futures: tuple[Future, ...]
    caps: dict[tuple[int, str], float]
    chosen: tuple[str, ...]
    plan: pd.DataFrame
    decisions: pd.DataFrame
    objective: pd.Series
    wait_and_see: pd.Series | None
    expected_value_solution: pd.Series | None
    evpi: float | None
    vss: float | None
    handmade: pd.DataFrame
    binding: pd.DataFrame
    alternatives: pd.DataFrame
    scenarios: dict[str, dict] = field(repr=False)
    notes: tuple[str, ...] = ()
    solution: Solution | None = None

    @property
    def expected(self) -> float:
        """Expected present value of cost of the plan. [VND]"""
        return float(self.objective["expected"])

    def file_name(self, future: str) -> str:
        """``plan.toml`` with one future, ``plan-<future>.toml`` with several."""
        return "plan.toml" if len(self.futures) == 1 else f"plan-{future}.toml"

    def to_scenarios(self) -> dict[str, str]:
        """Future name -> TOML text of its plan scenario (``costmodel run`` gives ``objective[future]``)."""
        out = {}
        for f in self.futures:
            comment = (
                f"Plan found by costmodel optimise from {self.scenario.source}"
                + (f", future {f.name!r} (probability {f.probability:g})" if len(self.futures) > 1 else "")
                + f".\nPresent value of cost: {round_vnd(float(self.objective[f.name])):,.0f} {self.scenario.currency}."
                + "\nOne option, 'plan': the fixed items of the options taken, and the units and modules decided year by year"
                + "\nas drivers (used-*, installed-*). Dates are the resolved months."
            )
            out[f.name] = to_toml(self.scenarios[f.name], comment)
        return out

    def summary(self) -> pd.DataFrame:
        """``optimise.csv``: the objective per future and expected, and with several futures WS, EEV, EVPI, VSS.

        Columns :data:`SUMMARY_COLUMNS`; ``pv_cost`` in whole đồng (empty when infinite).
        """
        rows = []

        def add(measure, series, option=""):
            for f in self.futures:
                rows.append((measure, f.name, f.probability, option, series[f.name]))
            rows.append((measure, "expected", 1.0, option, series["expected"]))

        add("plan", self.objective)
        if self.wait_and_see is not None:
            add("wait_and_see", self.wait_and_see)
            add("expected_value_solution", self.expected_value_solution)
            rows.append(("evpi", "expected", 1.0, "", self.evpi))
            rows.append(("vss", "expected", 1.0, "", self.vss))
        for f in self.futures:
            mine = self.handmade[(self.handmade["future"] == f.name) & self.handmade["within_caps"]]
            if len(mine):
                best = mine.loc[mine["pv_cost"].idxmin()]
                rows.append(("cheapest_option", f.name, f.probability, best["option"], best["pv_cost"]))
            else:
                rows.append(("cheapest_option", f.name, f.probability, "", math.inf))
        out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
        whole = [int(round_vnd(v)) + 0 if math.isfinite(v) else pd.NA for v in out["pv_cost"].astype(float)]
        out["pv_cost"] = pd.array(whole, dtype="Int64")
        return out

    def files(self, lang: str | None = None) -> dict[str, bytes]:
        """Every output by file name, as :meth:`write` writes them (:func:`costmodel.reports.outputs.optimise_files`).

        ``plan.csv``, ``decisions.csv``, ``optimise.csv``, ``plan.toml`` (``plan-<future>.toml``
        with several futures), ``binding.csv`` (with caps), ``alternatives.csv``, ``optimise.md``
        and the plan chart (``plan.png``, ``plan.svg``).
        """
        from costmodel.reports.outputs import optimise_files

        return optimise_files(self, lang)

    def _repr_html_(self) -> str:
        from costmodel.reports.optimise_report import optimise_html

        return optimise_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.plan(future=None)`` (need met by own equipment and by renting, year by year)."""
        from costmodel.reports.display import PlanPlots

        return PlanPlots(self)

    def write(self, folder, lang: str | None = None):
        """Write what ``costmodel optimise`` writes (tables, plan files, the plan in words) to ``folder``, all or none."""
        from costmodel.reports.outputs import write_files

        return write_files(folder, self.files(lang))

    def __repr__(self) -> str:
        s = self.scenario
        futures = f"{len(self.futures)} future(s)"
        caps = f", {len(self.caps)} cap(s), {int(self.binding['binding'].sum())} binding" if self.caps else ""
        alts = self.alternatives["alternative"].nunique() - 1 if len(self.alternatives) else 0
        best = self.summary()
        cheapest = best[best["measure"] == "cheapest_option"].iloc[0]
        within = "within the caps " if self.caps else ""
        option = (
            f"cheapest option {within}{cheapest['option']!r} {cheapest['pv_cost']:,.0f}"
            if cheapest["option"]
            else "no option within the caps"
        )
        if len(self.futures) > 1:
            option += f" in future {cheapest['future']!r}"
        return (
            f"<OptimisationResult {s.title[:50]!r} {s.start_year}-{s.end_year}: {futures}{caps}; "
            f"plan {'+'.join(self.chosen)}, expected PV {self.expected:,.0f} {s.currency}; {option}; "
            f"{alts} alternative(s)>"
        )


def optimise(
    scenario: Scenario | str,
    futures=None,
    budget_caps=None,
    near_optimal: int = 2,
    tolerance: float = 0.05,
    mip_rel_gap: float = 0.0,
    time_limit: float | None = 60.0,
    marginal: float = MARGINAL,
) -> OptimisationResult:
    """The cheapest plan of owning and renting each capacity year by year, under budget caps, across futures.

    A mixed-integer programme (:mod:`costmodel.decision.optimise.programme`) solved with
    :func:`scipy.optimize.milp` (HiGHS), its costs taken from the engine
    (:mod:`costmodel.decision.optimise.engine`). Every hand-made option of the scenario is
    a feasible plan with exactly its own cost, so the optimum never costs more than the
    cheapest option that respects the caps.

    Parameters
    ----------
    scenario : Scenario or str
        The scenario, or the path of its file.
    futures : None, mapping or sequence of Future
        See :func:`costmodel.decision.optimise.structure.normalise_futures`; default the
        scenario's own drivers. With several, the first year's decisions and the options
        taken are shared and later years adapt to each future (two-stage).
    budget_caps : mapping, optional
        Caps on nominal spending incl. VAT by year and budget source
        (:func:`costmodel.decision.optimise.structure.normalise_caps`); default the
        scenario's ``[risk] budget_cap`` (none when it has none; ``{}`` for no caps). [VND]
    near_optimal : int
        How many alternative plans to look for. [-]
    tolerance : float
        Alternatives cost at most ``(1 + tolerance)`` x the optimum (expected). [-]
    mip_rel_gap : float
        HiGHS's relative optimality gap (0: proven optimum). [-]
    time_limit : float or None
        Seconds per HiGHS solve. [s]
    marginal : float
        The extra budget whose value is reported for each cap. [VND]

    Returns
    -------
    OptimisationResult

    Raises
    ------
    OptimiseError
        Bad futures or caps, or caps no plan can meet (each problem names the year, the
        source and the least that year needs).

    References
    ----------
    J. R. Birge and F. Louveaux, *Introduction to Stochastic Programming*, 2nd ed.,
    Springer, 2011, ch. 4 (EVPI, VSS); J. R. Birge, "The value of the stochastic
    solution in stochastic linear programs with fixed recourse", *Mathematical
    Programming* 24 (1982) 314-325; H. M. Weingartner, *Mathematical Programming and the
    Analysis of Capital Budgeting Problems*, Prentice-Hall, 1963.

    Examples
    --------
    >>> import costmodel
    >>> from costmodel.decision.optimise import optimise
    >>> result = optimise("scenarios/data-integration-center.toml", near_optimal=0)
    >>> result.chosen
    ('hybrid',)
    >>> bool(result.expected <= costmodel.evaluate("scenarios/data-integration-center.toml").summary["pv_cost"].min())
    True
    """
    scenario = as_scenario(scenario)
    structure = analyse(scenario)
    fut = normalise_futures(scenario, futures)
    # one mechanism: without caps given, the scenario's own [risk] budget_cap (the Monte Carlo reads the same)
    caps_path = "risk.budget_cap" if budget_caps is None else "budget_caps"  # where a reader finds the caps
    caps = normalise_caps(scenario, scenario.budget_cap if budget_caps is None else budget_caps, caps_path)
    coefficients = unit_coefficients(structure)
    cache: dict[bytes, FixedCosts] = {}

    def fixed_for(future: Future) -> FixedCosts:
        key = b"".join(np.asarray(future.drivers[d], dtype=float).tobytes() for d in scenario.drivers)
        if key not in cache:
            cache[key] = fixed_costs(structure, future)
        return cache[key]

    fixed = [fixed_for(f) for f in fut]
    rp = Programme(structure, coefficients, fut, fixed, caps)
    solve = {"mip_rel_gap": mip_rel_gap, "time_limit": time_limit}
    notes: list[str] = []
    sol = _solve(rp, notes, **solve)
    if sol is None:
        raise OptimiseError(_diagnose(rp, caps, caps_path, **solve))
    several = len(fut) > 1

    # the plan files, evaluated by the engine: the reported objective
    scenarios = {f.name: plan_data(structure, sol.decisions, i, f, several) for i, f in enumerate(fut)}
    objective = {}
    for i, f in enumerate(fut):
        pv, _ = _engine_check(scenario, scenarios[f.name], f, caps)
        if abs(pv - sol.pv[i]) > max(ROUND_TRIP_TOLERANCE, 1e-12 * abs(pv)):
            raise RuntimeError(
                f"future {f.name!r}: the engine costs the plan at {pv:,.2f} VND but the programme at {sol.pv[i]:,.2f}: "
                "the coefficients are not linear in the decisions (please report)"
            )
        objective[f.name] = pv
    objective["expected"] = float(sum(f.probability * objective[f.name] for f in fut))

    # each future alone (wait-and-see) and the hand-made options
    singles = [Programme(structure, coefficients, [Future(f.name, 1.0, f.drivers)], [fixed[i]], caps) for i, f in enumerate(fut)]
    handmade = []
    for i, f in enumerate(fut):
        prog = singles[i] if several else rp
        for o in structure.options:
            x = prog.handmade(o)
            cost = float(prog.costs(x)[0])
            handmade.append({"future": f.name, "option": o, "pv_cost": cost, "within_caps": not prog.violations(x)})
    handmade = pd.DataFrame(handmade, columns=["future", "option", "pv_cost", "within_caps"])
    ws = eev = None
    evpi = vss = None
    if several:
        ws_values = {}
        for i, f in enumerate(fut):
            s_i = _solve(singles[i], notes, **solve)
            ws_values[f.name] = s_i.expected if s_i is not None else math.inf
        ws_values["expected"] = float(sum(f.probability * ws_values[f.name] for f in fut))
        ws = pd.Series(ws_values, name="wait_and_see")
        fixed_avg = fixed_for(average_future(fut))
        eev_values = _expected_value_solution(structure, coefficients, fut, fixed_avg, singles, caps, notes, solve)
        eev = pd.Series(eev_values, name="expected_value_solution")
        evpi = sol.expected - ws["expected"]
        vss = eev["expected"] - sol.expected

    binding = _binding(rp, sol, caps, marginal, notes, solve)
    alternatives = _alternatives(rp, sol, near_optimal, tolerance, time_limit, notes)
    plan, decisions = _tables(structure, rp, sol)
    alt_tables = []
    for k, (alt, distance) in enumerate([(sol, 0.0), *alternatives]):
        table, _ = _tables(structure, rp, alt)
        if table.empty:  # no capacity: the plan is the options taken
            table = pd.DataFrame([{"options": "+".join(alt.decisions.chosen)}], columns=PLAN_COLUMNS)
        table.insert(0, "distance", distance)
        table.insert(0, "gap", alt.expected / sol.expected - 1.0 if sol.expected else 0.0)
        table.insert(0, "expected_pv_cost", alt.expected)
        table.insert(0, "alternative", k)
        alt_tables.append(table)
    alt_table = pd.concat(alt_tables, ignore_index=True)[ALTERNATIVE_COLUMNS]
    return OptimisationResult(
        scenario=scenario,
        futures=fut,
        caps=caps,
        chosen=sol.decisions.chosen,
        plan=plan,
        decisions=decisions,
        objective=pd.Series(objective, name="pv_cost"),
        wait_and_see=ws,
        expected_value_solution=eev,
        evpi=evpi,
        vss=vss,
        handmade=handmade,
        binding=binding,
        alternatives=alt_table,
        scenarios=scenarios,
        notes=tuple(dict.fromkeys(notes + list(sol.notes))),
        solution=sol,
    )


# ---------------------------------------------------------------------------
# Solving with checks
# ---------------------------------------------------------------------------


def _solve(prog: Programme, notes: list[str], caps=None, fixed=None, mip_rel_gap=0.0, time_limit=None) -> Solution | None:
    """Solve, check the plan independently, and never return worse than a feasible hand-made option."""
    x, got_notes, optimal = prog.solve(caps=caps, fixed=fixed, mip_rel_gap=mip_rel_gap, time_limit=time_limit)
    notes.extend(got_notes)
    if x is None:
        return None
    sol = prog.solution(x, got_notes, optimal)
    bad = prog.violations(sol.x, caps)
    if bad:
        raise RuntimeError("HiGHS returned a plan that fails the independent check: " + "; ".join(bad[:5]))
    if fixed is None:
        for o in prog.structure.options:
            xh = prog.handmade(o)
            cost = float(prog.c @ xh)
            if cost < sol.expected - max(1.0, 1e-9 * abs(cost)) and not prog.violations(xh, caps):
                notes.append(f"HiGHS returned a plan dearer than option {o!r}; the option is reported instead")
                sol = prog.solution(xh, sol.notes, optimal)
    return sol


def _diagnose(
    prog: Programme, caps: Mapping[tuple[int, str], float], path: str = "budget_caps", mip_rel_gap=0.0, time_limit=None
) -> list[Problem]:
    """Why no plan meets the caps: for each cap (named under ``path``), the least its year and source must spend."""
    source = prog.structure.scenario.source
    several = prog.F > 1
    if prog.solve(caps={}, time_limit=time_limit)[0] is None:
        raise RuntimeError("no plan covers the need even without budget caps (please report)")

    def least(key, others) -> list[tuple[str, float]]:
        year, budget = key
        j = prog.years.index(year)
        out = []
        for f in range(prog.F):
            row = prog.spend_row(f, j, budget)
            x = prog.solve(objective=row / MONEY_SCALE, caps=others, mip_rel_gap=1e-9, time_limit=time_limit)[0]
            if x is None:
                continue
            x = prog.clean(x)
            out.append((prog.futures[f].name, float(row @ x)))
        return out

    problems = []
    for rule in ("alone", "given the other caps"):
        for key, cap in caps.items():
            others = {} if rule == "alone" else {k: v for k, v in caps.items() if k != key}
            for name, spend in least(key, others):
                if spend > cap + max(1.0, 1e-9 * cap):
                    where = f" in future {name!r}" if several else ""
                    given = " given the other caps" if rule != "alone" else ""
                    problems.append(
                        Problem(
                            source,
                            f"{path}.{key[1]}.{key[0]}",
                            f"the cap of {cap:,.0f} VND is below the least any plan must spend from the {key[1]} budget "
                            f"in {key[0]}{where}{given}: {spend:,.0f} VND",
                        )
                    )
                    break
        if problems:
            return problems
    listed = ", ".join(f"{y} {s} {c:,.0f}" for (y, s), c in caps.items())
    return [Problem(source, path, f"no plan meets all the caps together ({listed} VND), though each alone can be met")]


def _engine_check(scenario: Scenario, data: dict, future: Future, caps) -> tuple[float, np.ndarray]:
    """Evaluate a plan file's text with the engine; check its spending against the caps. Returns (pv, spending)."""
    text = to_toml(data)
    plan = parse_scenario(tomllib.loads(text), source=f"plan-{future.name}.toml", base_dir=scenario.base_dir)
    result = evaluate(plan)
    pv = float(result.summary.set_index("option").loc[PLAN_OPTION, "pv_cost"])
    budget = result.budget.pivot_table(index="year", columns="budget", values="nominal", aggfunc="sum")
    budget = budget.reindex(index=scenario.years, columns=list(BUDGETS), fill_value=0.0).to_numpy()
    years = [int(y) for y in scenario.years]
    for (year, source), cap in caps.items():
        row = budget[years.index(year)]
        got = row.sum() if source == "total" else row[BUDGETS.index(source)]
        if got > cap + max(1.0, 1e-9 * cap):
            message = f"future {future.name!r}: the engine's {year} {source} spending {got:,.0f} VND exceeds the cap {cap:,.0f}"
            raise RuntimeError(message)
    return pv, budget


def _expected_value_solution(structure, coefficients, futures, fixed_avg, singles, caps, notes, solve) -> dict[str, float]:
    """EEV: decide the first year on the average drivers, then the best recourse in each future (Birge 1982)."""
    avg = average_future(futures)
    ev = Programme(structure, coefficients, [avg], [fixed_avg], caps, envelope=futures)
    ev_sol = _solve(ev, notes, **solve)
    out: dict[str, float] = {}
    if ev_sol is None:
        notes.append("the expected-value problem (average drivers) has no plan within the caps: EEV is infinite")
        out = {f.name: math.inf for f in futures}
    else:
        first = {key: ev_sol.x[k] for key, k in ev.index.items() if key[0] == "z" or key[-1] is None}
        for single, f in zip(singles, futures, strict=True):
            # the same future, its bounds widened so that first-year decisions above its own need fit
            prog = Programme(structure, coefficients, single.futures, single.fixed, caps, envelope=[*futures, avg])
            fixed = {prog.index[key]: v for key, v in first.items()}
            got = _solve(prog, notes, fixed=fixed, **solve)
            if got is None:
                notes.append(f"the expected-value plan's first year cannot serve future {f.name!r} (its EEV is infinite)")
                out[f.name] = math.inf
            else:
                out[f.name] = got.expected
    out["expected"] = float(sum(f.probability * out[f.name] for f in futures))
    return out


def _binding(rp: Programme, sol: Solution, caps, marginal: float, notes: list[str], solve) -> pd.DataFrame:
    """Each cap: the most spent in any future, whether it is met with equality, and what relaxing it saves.

    ``saving_per_million``: the fall of the expected optimum when the cap is raised by
    ``marginal`` (re-solved, as a MILP has no dual prices; Weingartner 1963 reads the
    LP relaxation's, which an integer plan need not follow); ``saving_without_cap``: when
    the cap is lifted. ``active``: the plan spends the cap (slack <= 1 VND); ``binding``:
    lifting the cap would give a cheaper plan. Savings are >= 0: the optimum stays
    feasible when a cap is raised.
    """
    spent = rp.spending(sol.x)
    rows = []
    for (year, source), cap in caps.items():
        j = rp.years.index(year)
        by_future = spent[:, j].sum(axis=1) if source == "total" else spent[:, j, BUDGETS.index(source)]
        f = int(np.argmax(by_future))
        savings = []
        for relaxed_cap in (cap + marginal, None):
            relaxed = {k: v for k, v in caps.items() if k != (year, source)}
            if relaxed_cap is not None:
                relaxed[(year, source)] = relaxed_cap
            better = _solve(rp, notes, caps=relaxed, **solve)
            value = sol.expected if better is None else min(better.expected, sol.expected)
            savings.append(sol.expected - value)
        slack = cap - float(by_future[f])
        active = slack <= max(1.0, 1e-9 * cap)
        binding = savings[1] > max(1.0, 1e-9 * abs(sol.expected))
        rows.append((year, source, cap, float(by_future[f]), rp.futures[f].name, slack, active, binding, *savings))
    return pd.DataFrame(rows, columns=BINDING_COLUMNS)


# ---------------------------------------------------------------------------
# Near-optimal alternatives (modelling to generate alternatives)
# ---------------------------------------------------------------------------


def _distance_terms(rp: Programme) -> list[tuple[dict[int, float], float, float]]:
    """Linear expressions compared between plans: ``(coefficients, range, weight)``.

    Each option's choice (weight 1); each option's units of a capacity and each added
    item's installed modules, over years and futures (weights summing to 1 per series).
    """
    terms = []
    for o in rp.structure.options:
        terms.append(({rp.z(o): 1.0}, 1.0, 1.0))
    series: dict[tuple, list] = {}
    for k, v in enumerate(rp.vars):
        if v.kind == "u" and rp.ub[k] > 0:
            series.setdefault(("u", v.option, v.capacity), []).append(({k: 1.0}, float(rp.ub[k])))
    for svc in rp.structure.services:
        for item in svc.added:
            top = rp.n_modules(svc, item)
            if top == 0:
                continue
            for f in range(rp.F):
                for y in range(item.from_year, item.to_year + 1):
                    coefs = {rp.b(svc.option, item.position, t, f): 1.0 for t in range(item.from_year, y + 1)}
                    series.setdefault(("b", svc.option, item.position), []).append((coefs, float(top)))
    for members in series.values():
        for coefs, top in members:
            terms.append((coefs, top, 1.0 / len(members)))
    return terms


def _distance(terms, x: np.ndarray, a: np.ndarray) -> float:
    """Weighted L1 distance between two plans over :func:`_distance_terms`. [-]"""
    total = 0.0
    for coefs, top, weight in terms:
        ex = sum(c * x[k] for k, c in coefs.items())
        ea = sum(c * a[k] for k, c in coefs.items())
        total += weight * abs(ex - ea) / top
    return total


def _alternatives(rp: Programme, sol: Solution, count: int, tolerance: float, time_limit, notes) -> list[tuple[Solution, float]]:
    """Up to ``count`` plans within ``(1 + tolerance)`` of the optimum, each as far as possible from all found before.

    Maximises ``t`` subject to ``t <= D_j(x)`` for the optimum and every earlier
    alternative ``x_j`` and to the expected cost ``<= (1 + tolerance)`` x the optimum
    (modelling to generate alternatives: Brill, Chang & Hopkins 1982). ``D_j`` is the
    weighted L1 distance of :func:`_distance_terms` made linear by measuring each term
    in the direction with more room (``e - a`` when the earlier value ``a`` lies in the
    lower half of the term's range, ``a - e`` otherwise): exact for the options taken
    (Hamming) and for terms at a bound, a lower bound otherwise, so no binary variable
    is added. Returns each plan with its exact distance from the optimum.
    """
    if count <= 0:
        return []
    terms = _distance_terms(rp)
    found: list[tuple[Solution, float]] = []
    plans = [sol.x]
    bound = (sol.expected + tolerance * abs(sol.expected)) / MONEY_SCALE
    t = rp.n
    for _ in range(count):
        extra = _Rows()
        extra.add(dict(enumerate(rp.c / MONEY_SCALE)), -math.inf, bound)
        for a_plan in plans:
            row: dict[int, float] = {t: 1.0}
            const = 0.0  # t - (variable part of D) <= constant part of D
            for coefs, top, weight in terms:
                a = sum(c * a_plan[k] for k, c in coefs.items())
                sign = 1.0 if a <= top / 2 else -1.0  # D term = w * sign * (e - a)
                w = weight / top
                for k, c in coefs.items():
                    row[k] = row.get(k, 0.0) - w * sign * c
                const -= w * sign * a
            extra.add(row, -math.inf, const)
        objective = np.zeros(rp.n + 1)
        objective[t] = -1.0
        x, got_notes, _ = rp.solve(
            objective=objective,
            extra=extra,
            n_extra=1,
            extra_bounds=(np.array([0.0]), np.array([float(len(terms))]), np.array([0])),
            mip_rel_gap=1e-6,
            time_limit=time_limit,
        )
        notes.extend(got_notes)
        if x is None or x[t] < 1e-6:
            break
        alt = rp.solution(x[: rp.n])
        if alt.expected > bound * MONEY_SCALE + max(1.0, 1e-9 * abs(alt.expected)) or rp.violations(alt.x):
            break
        found.append((alt, _distance(terms, alt.x, sol.x)))
        plans.append(alt.x)
    return found


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _tables(structure: Structure, rp: Programme, sol: Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plan per future, year and capacity, and every decision item by item."""
    dec = sol.decisions
    years = rp.years
    chosen = set(dec.chosen)
    options = "+".join(dec.chosen)
    plan_rows = []
    detail = []
    for f, fut in enumerate(rp.futures):
        for c in structure.capacities:
            for j, y in enumerate(years):
                rented = owned = installed = bought = 0.0
                for svc in structure.services_of(c):
                    if svc.option not in chosen:
                        continue
                    units = float(dec.use[svc.key][f, j])
                    if svc.owns:
                        owned += units
                        first = svc.added[0]
                        installed += float(min(dec.installed(it, svc.option)[f, j] for it in svc.added))
                        bought += float(dec.buy[(svc.option, first.position)][f, j])
                    else:
                        rented += units
                need = float(fut.drivers[c][j])
                # coverage binds only while a service runs: the rest of the need is outside the plan's services
                outside = need - rented - owned
                outside = outside if outside > 1e-9 * max(need, 1.0) else 0.0
                plan_rows.append((fut.name, y, c, need, rented, owned, outside, installed, int(bought), options))
        for svc in structure.services:
            if svc.option not in chosen:
                continue
            for j, y in enumerate(years):
                units = float(dec.use[svc.key][f, j])
                for item in svc.use:
                    if y in svc.years:
                        detail.append((fut.name, y, svc.option, svc.capacity, item.name, "units", units, math.nan))
                for item in svc.added:
                    if item.from_year <= y <= item.to_year:
                        detail.append(
                            (
                                fut.name,
                                y,
                                svc.option,
                                svc.capacity,
                                item.name,
                                "modules",
                                float(dec.buy[(svc.option, item.position)][f, j]),
                                float(dec.installed(item, svc.option)[f, j]),
                            )
                        )
    plan = pd.DataFrame(plan_rows, columns=PLAN_COLUMNS)
    decisions = pd.DataFrame(detail, columns=DECISION_COLUMNS)
    return plan, decisions

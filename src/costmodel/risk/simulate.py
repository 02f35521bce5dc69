"""Monte Carlo simulation on the ledger engine.

For each draw every option's present-value cost and yearly spending is
computed by the scenario's compiled plan (:mod:`costmodel.risk.compiled`:
the rules of the deterministic ledger reduced once to per-draw factors times
fixed year patterns), or by the general engine
(:func:`costmodel.ledger.option_arrays`) where the plan cannot express the
scenario; both agree to 1e-12 relative. Draws are processed in chunks sized
for the processor's cache so memory stays bounded; only the per-option totals
are kept (``draws x options`` and ``draws x options x years`` numbers, and
the same by budget source when a cap is set on a source).

Reported, following the HM Treasury Green Book (2022, ch. 5 and Annex A5 on
risk and optimism bias) and GAO-20-195G (Cost Estimating and Assessment
Guide, ch. 12 "Risk and uncertainty analysis": S curves and the confidence
level of the point estimate):

* per option: mean, standard deviation, P10/P50/P90 of pv_cost; the
  probability that the option is the cheapest (ties to the first option in
  file order); the deterministic estimate and its confidence level (the share
  of draws whose cost is at or below it);
* per option, year and budget source (the total, and investment or recurrent
  spending when a cap is set on them): spending at P50/P80/P90 and, with an
  appropriation (budget cap), the probability that spending exceeds it.

Every draw's result is finite, or the simulation stops with a
:class:`~costmodel.scenario.ScenarioError` naming the input that overflowed
and the draw (:func:`costmodel.evaluation.check_draws`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from costmodel.evaluation import check_draws
from costmodel.ledger import general_option_arrays
from costmodel.risk.sampling import draw_values
from costmodel.scenario import BUDGETS, Scenario
from costmodel.scenario.distributions import PERT_TABLE_SIZE
from costmodel.values import central_values

__all__ = [
    "CAP_SOURCES",
    "CURVE_POINTS",
    "DEFAULT_CHUNK",
    "SimulationResult",
    "budget_caps",
    "quantiles",
    "quantiles_of_sorted",
    "simulate",
]

#: Draws evaluated at once: a chunk's working arrays stay in the processor's cache
#: (measured in benchmarks/bench_risk.py: 8,192 to 32,768 draws are equally fast on the
#: 2-core machine, 100,000 is 30 % slower). Results never depend on it.
DEFAULT_CHUNK = 16_384
PERCENTILES = (10, 50, 90)
BUDGET_PERCENTILES = (50, 80, 90)
#: What a budget cap applies to: a budget source, or their sum.
CAP_SOURCES = (*BUDGETS, "total")
#: Points of each option's S-curve: its quantiles at this many probabilities, whatever the number of draws.
CURVE_POINTS = 1001


def _indexes(n: int, q) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The linear quantile method of numpy: the two order statistics around each quantile and the weight between them."""
    q = np.asarray(q, dtype=float)
    virtual = (n - 1) * q
    prev = np.floor(virtual)
    above = virtual >= n - 1
    lo = np.where(above, n - 1, prev).astype(np.intp)
    hi = np.where(above, n - 1, prev + 1).astype(np.intp)
    gamma = virtual - np.where(above, -1.0, prev)
    return lo, hi, gamma


def _lerp(a: np.ndarray, b: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """The interpolation of numpy between two order statistics (the same operations, so the same numbers)."""
    diff = b - a
    out = a + diff * gamma
    upper = gamma >= 0.5
    out[upper] = (b - diff * (1 - gamma))[upper]
    return out


def quantiles_of_sorted(x: np.ndarray, q) -> np.ndarray:
    """``np.quantile(x, q)`` (its default linear method, the same numbers) of an already sorted 1-D array.

    Sorting once (numpy's vectorised sort) and reading every quantile from it is
    several times faster than ``np.quantile`` partitioning a million draws again
    for each table.
    """
    lo, hi, gamma = _indexes(x.size, q)
    return _lerp(x[lo], x[hi], gamma)


def quantiles(x: np.ndarray, q) -> np.ndarray:
    """``np.quantile(x, q)`` (linear method, the same numbers) of a 1-D array, for a few quantiles.

    Selects each order statistic needed with a partition of what is left above
    the previous one (numpy's partition is several times faster for one
    position than for several), on a copy of ``x``.
    """
    lo, hi, gamma = _indexes(x.size, q)
    y = np.array(x, dtype=float)
    found = {}
    start = 0
    for k in sorted(set(lo.tolist()) | set(hi.tolist())):
        y[start:].partition(k - start)
        found[k] = y[k]
        start = k + 1
    return _lerp(np.array([found[k] for k in lo.tolist()]), np.array([found[k] for k in hi.tolist()]), gamma)


@dataclass(frozen=True, repr=False)
class SimulationResult:
    """Draws of every option's cost and the tables reported from them.

    Attributes
    ----------
    scenario : Scenario
    draws, seed : int
    pv_cost : numpy.ndarray, shape (draws, options)
        Present value of cost per draw. [VND]
    nominal : numpy.ndarray, shape (draws, options, years)
        Spending per year per draw (residual excluded), both budget sources. [VND]
        (``pv_cost`` and ``nominal`` are views of arrays with the draw on the last
        axis: each option's and year's draws are contiguous.)
    deterministic : numpy.ndarray, shape (options,)
        pv_cost at the central values (equal to ``costmodel run``). [VND]
    budget_cap : dict of (int, str) to float or None
        Appropriation per year and budget source (``"investment"``,
        ``"recurrent"`` or ``"total"``), as :func:`budget_caps` reads it. [VND/year]
    nominal_by_source : dict of str to numpy.ndarray, optional
        Spending per year per draw of one budget source, shape (draws, options,
        years): kept only for the sources a cap is set on. [VND]
    """

    scenario: Scenario
    draws: int
    seed: int
    pv_cost: np.ndarray
    nominal: np.ndarray
    deterministic: np.ndarray
    budget_cap: dict[tuple[int, str], float] | None = None
    nominal_by_source: dict[str, np.ndarray] | None = None

    @property
    def options(self) -> list[str]:
        """Option ids in file order."""
        return [o.id for o in self.scenario.options]

    # -- for notebooks and scripts: rendering lives in costmodel.reports ------
    def __repr__(self) -> str:
        s = self.summary
        best = s.loc[s["prob_cheapest"].idxmax()]
        cap = ", with budget cap" if self.budget_cap else ""
        return (
            f"<SimulationResult {self.scenario.title[:60]!r}: {self.draws:,} draws, seed {self.seed}{cap}; "
            f"{best['option']!r} cheapest in {best['prob_cheapest']:.1%} of draws>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.display import simulation_html

        return simulation_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.s_curve(ax=None)``."""
        from costmodel.reports.display import SimulationPlots

        return SimulationPlots(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the cost workbook with the risk sheets of this simulation to ``path``. Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write the tables and the S-curve (as ``costmodel simulate`` does) to ``folder``; returns the paths."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))

    @cached_property
    def _pv_order(self) -> list[tuple[np.ndarray, np.ndarray, float]]:
        """Per option, from one sort of its draws: P10/P50/P90, the S-curve's quantiles, the confidence level."""
        out = []
        curve = np.linspace(0.0, 1.0, CURVE_POINTS)
        for k in range(self.pv_cost.shape[1]):
            x = np.sort(self.pv_cost[:, k])
            level = np.searchsorted(x, self.deterministic[k] * (1 + 1e-12), side="right") / x.size
            out.append((quantiles_of_sorted(x, np.true_divide(PERCENTILES, 100)), quantiles_of_sorted(x, curve), float(level)))
        return out

    def pv_curve(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The S-curve of option ``k`` (file order): :data:`CURVE_POINTS` probabilities and their quantiles of pv_cost. [VND]"""
        return np.linspace(0.0, 1.0, CURVE_POINTS), self._pv_order[k][1]

    def confidence_level(self, k: int) -> float:
        """The share of draws of option ``k`` whose pv_cost is at or below the deterministic estimate."""
        return self._pv_order[k][2]

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Per option: mean, sd, p10, p50, p90, prob_cheapest, deterministic, confidence_level. [VND]"""
        counts = _cheapest_counts(self.pv_cost)
        rows = []
        for k, (oid, opt) in enumerate(zip(self.options, self.scenario.options, strict=True)):
            x = self.pv_cost[:, k]
            (p10, p50, p90), _, level = self._pv_order[k]
            rows.append(
                {
                    "option": oid,
                    "name": opt.name,
                    "mean": float(x.mean()),
                    "sd": float(x.std(ddof=1)) if x.size > 1 else 0.0,
                    "p10": float(p10),
                    "p50": float(p50),
                    "p90": float(p90),
                    "prob_cheapest": float(counts[k]) / x.size,
                    "deterministic": float(self.deterministic[k]),
                    "confidence_level": level,
                }
            )
        return pd.DataFrame(rows)

    @cached_property
    def budget(self) -> pd.DataFrame:
        """Per option, year and budget source: mean, p50, p80, p90 spending, cap and prob_over_cap. [VND]

        ``budget`` is ``"total"`` (both sources) on every option and year, and
        ``"investment"`` or ``"recurrent"`` on the rows of a source a cap is set
        on (:attr:`nominal_by_source`).
        """
        rows = []
        years = self.scenario.years
        caps = self.budget_cap or {}
        spending = {"total": self.nominal, **(self.nominal_by_source or {})}
        for k, oid in enumerate(self.options):
            for j, y in enumerate(years):
                for source in ("total", *BUDGETS):
                    if source not in spending:
                        continue
                    x = spending[source][:, k, j]
                    p50, p80, p90 = quantiles(x, np.true_divide(BUDGET_PERCENTILES, 100))
                    cap = caps.get((int(y), source))
                    over = None if cap is None else float(np.count_nonzero(x > cap)) / x.size
                    rows.append(
                        {
                            "option": oid,
                            "year": int(y),
                            "budget": source,
                            "mean": float(x.mean()),
                            "p50": float(p50),
                            "p80": float(p80),
                            "p90": float(p90),
                            "budget_cap": cap,
                            "prob_over_cap": over,
                        }
                    )
        return pd.DataFrame(rows)


def _cheapest_counts(pv: np.ndarray) -> np.ndarray:
    """How many draws each option is the cheapest in (the first minimum: ties go to file order).

    ``np.argmin(pv, axis=1)``, counted, computed option by option on contiguous draws.
    """
    columns = pv.T
    best = columns[0].copy()
    which = np.zeros(best.size, dtype=np.int16)
    for k in range(1, columns.shape[0]):
        lower = columns[k] < best
        which[lower] = k
        np.minimum(best, columns[k], out=best)
    return np.bincount(which, minlength=columns.shape[0])


def budget_caps(scenario: Scenario, caps) -> dict[tuple[int, str], float] | None:
    """Budget caps as ``{(year, source): cap}`` (None without any). [VND]

    Parameters
    ----------
    scenario : Scenario
    caps : None, number or mapping
        A number: the total of every year; ``{year: cap}``: totals; ``{source:
        cap}`` (every year) or ``{source: {year: cap}}`` with ``source`` one of
        :data:`CAP_SOURCES`; ``{(year, source): cap}`` (the form of
        ``Scenario.budget_cap``). The forms of :func:`costmodel.optimise`'s
        ``budget_caps`` and of the scenario's ``[risk] budget_cap``.

    Raises
    ------
    ValueError
        A source, year or amount that is not valid.

    Examples
    --------
    >>> import costmodel
    >>> s = costmodel.load_scenario("scenarios/data-integration-center.toml")
    >>> budget_caps(s, {"investment": {2025: 5e9}, 2026: 8e9})
    {(2025, 'investment'): 5000000000.0, (2026, 'total'): 8000000000.0}
    """
    if caps is None:
        return None
    years = [int(y) for y in scenario.years]
    if isinstance(caps, int | float) and not isinstance(caps, bool):
        caps = {"total": caps}
    if not isinstance(caps, Mapping):
        raise ValueError(f"budget_cap: expected a number or a mapping, got {type(caps).__name__}")
    out: dict[tuple[int, str], float] = {}

    def add(year, source, value) -> None:
        if source not in CAP_SOURCES:
            raise ValueError(f"budget_cap: unknown budget source {source!r} (sources: {', '.join(CAP_SOURCES)})")
        try:
            y = int(year)
        except (TypeError, ValueError):
            y = None
        if isinstance(year, bool) or y not in years:
            raise ValueError(f"budget_cap.{source}: keys must be horizon years {years[0]}-{years[-1]} (got {year!r})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise ValueError(f"budget_cap.{source}.{y}: must be a number >= 0 (VND) (got {value!r})")
        out[(y, source)] = float(value)

    for key, value in caps.items():
        if isinstance(key, tuple) and len(key) == 2:
            add(key[0], key[1], value)
        elif isinstance(key, str) and not key.strip().isdigit():  # a budget source
            if key not in CAP_SOURCES:
                raise ValueError(f"budget_cap: unknown budget source {key!r} (sources: {', '.join(CAP_SOURCES)})")
            if isinstance(value, Mapping):
                for year, v in value.items():
                    add(year, key, v)
            else:
                for year in years:
                    add(year, key, value)
        else:  # a year: the total
            add(key, "total", value)
    return dict(sorted(out.items()))


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    budget_cap=None,
    progress: Callable[[int, int], None] | None = None,
    compiled: bool = True,
) -> SimulationResult:
    """Run the Monte Carlo simulation.

    Parameters
    ----------
    scenario : Scenario or str or path
        A scenario, or the path of its file.
    draws : int
        Number of draws, >= 1.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed and number of
        draws give the same numbers (on the same numpy build), whatever the
        chunk size.
    chunk : int
        Draws evaluated at once (memory bound); does not change the results.
    budget_cap : float or mapping, optional
        Appropriation: one number for the total of every year, ``{year: cap}``
        for totals, or caps by budget source (:func:`budget_caps`); default the
        scenario's ``[risk] budget_cap``. [VND/year]
    progress : callable, optional
        Called as ``progress(done, draws)`` after each chunk.
    compiled : bool
        Evaluate with the compiled plan where it applies (default); False forces
        the general engine (:func:`costmodel.ledger.general_option_arrays`) for every
        draw. Both give the same numbers to 1e-12 relative.

    Returns
    -------
    SimulationResult

    Examples
    --------
    >>> import costmodel
    >>> sim = costmodel.simulate("scenarios/video-conferencing.toml", draws=2000, seed=1)
    >>> sim.summary.columns[:6].tolist()
    ['option', 'name', 'mean', 'sd', 'p10', 'p50']
    """
    from costmodel.risk.compiled import plan_for
    from costmodel.scenario import as_scenario

    scenario = as_scenario(scenario)
    caps = budget_caps(scenario, budget_cap) if budget_cap is not None else scenario.budget_cap
    if draws < 1:
        raise ValueError("draws must be >= 1")
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    sources = tuple(b for b in BUDGETS if any(src == b for (_, src) in (caps or {})))
    rng = np.random.default_rng(seed)
    # PERT values from their table or exact: decided once from the number of draws, so never by the chunk size
    table = draws > PERT_TABLE_SIZE
    n_opt, n_years = len(scenario.options), scenario.n_years
    # the draw on the last axis: each option's (and year's) draws contiguous for the percentiles
    pv = np.empty((n_opt, draws))
    nominal = np.empty((n_opt, n_years, draws))
    by_source = {b: np.empty((n_opt, n_years, draws)) for b in sources}
    plan = plan_for(scenario, sources) if compiled else None
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        values = draw_values(scenario, size, rng, table)
        rows = slice(done, done + size)
        pv_out, nominal_out = pv[:, rows], nominal[:, :, rows]
        source_out = {b: arr[:, :, rows] for b, arr in by_source.items()}
        if plan is None or not plan.evaluate(values, pv_out, nominal_out, source_out):
            arrays = general_option_arrays(scenario, values)
            where = lambda k, done=done: f"Monte Carlo draw {done + k + 1} of {draws}"  # noqa: E731
            check_draws(scenario, values, arrays.pv_cost, arrays.nominal, where)
            pv_out[...] = arrays.pv_cost.T
            nominal_out[...] = arrays.nominal.transpose(1, 2, 0)
            for b, arr in source_out.items():
                arr[...] = _source_spending(scenario, values, b).transpose(1, 2, 0)
        done += size
        if progress is not None:
            progress(done, draws)
    central = central_values(scenario)
    arrays = general_option_arrays(scenario, central)
    check_draws(scenario, central, arrays.pv_cost, arrays.nominal, lambda k: "central values")
    deterministic = arrays.pv_cost[0]
    return SimulationResult(
        scenario,
        draws,
        seed,
        pv.T,
        nominal.transpose(2, 0, 1),
        deterministic,
        caps or None,
        {b: arr.transpose(2, 0, 1) for b, arr in by_source.items()} or None,
    )


def _source_spending(scenario: Scenario, values, source: str) -> np.ndarray:
    """Yearly spending of one budget source for every draw, on the general path. [VND]"""
    from costmodel.ledger import item_flows

    out = np.zeros((values.n, len(scenario.options), scenario.n_years))
    with np.errstate(over="ignore", invalid="ignore"):
        for k, opt in enumerate(scenario.options):
            for item in opt.items:
                if item.budget == source:
                    flows = item_flows(opt.id, item, scenario, values)
                    out[:, k, :] += flows.cost_nominal + flows.replacement_nominal + flows.contingency_nominal
    return out

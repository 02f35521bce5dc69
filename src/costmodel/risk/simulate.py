"""Monte Carlo simulation on the ledger engine.

For each draw the engine (:func:`costmodel.ledger.option_arrays`) computes
every option's present-value cost and yearly spending from the same item
flows as the deterministic ledger. Draws are processed in chunks so memory
stays bounded; only the per-option totals are kept (``draws x options`` and
``draws x options x years`` numbers).

Reported, following the HM Treasury Green Book (2022, ch. 5 and Annex A5 on
risk and optimism bias) and GAO-20-195G (Cost Estimating and Assessment
Guide, ch. 12 "Risk and uncertainty analysis": S curves and the confidence
level of the point estimate):

* per option: mean, standard deviation, P10/P50/P90 of pv_cost; the
  probability that the option is the cheapest (ties to the first option in
  file order); the deterministic estimate and its confidence level (the share
  of draws whose cost is at or below it);
* per option and year: spending at P50/P80/P90 and, with an appropriation
  (budget cap), the probability that spending exceeds it.

Every draw's result is finite, or the simulation stops with a
:class:`~costmodel.scenario.ScenarioError` naming the input that overflowed
and the draw (:func:`costmodel.evaluation.check_draws`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from costmodel.evaluation import check_draws
from costmodel.ledger import option_arrays
from costmodel.risk.sampling import draw_values
from costmodel.scenario import Scenario
from costmodel.values import central_values

__all__ = ["DEFAULT_CHUNK", "SimulationResult", "simulate"]

#: Draws evaluated at once; 100,000 keeps peak memory well under 1 GB.
DEFAULT_CHUNK = 100_000
PERCENTILES = (10, 50, 90)
BUDGET_PERCENTILES = (50, 80, 90)


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
        Spending per year per draw (residual excluded). [VND]
    deterministic : numpy.ndarray, shape (options,)
        pv_cost at the central values (equal to ``costmodel run``). [VND]
    budget_cap : dict of int to float or None
        Appropriation per year. [VND/year]
    """

    scenario: Scenario
    draws: int
    seed: int
    pv_cost: np.ndarray
    nominal: np.ndarray
    deterministic: np.ndarray
    budget_cap: dict[int, float] | None = None

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
    def summary(self) -> pd.DataFrame:
        """Per option: mean, sd, p10, p50, p90, prob_cheapest, deterministic, confidence_level. [VND]"""
        cheapest = np.argmin(self.pv_cost, axis=1)  # first minimum: ties go to file order
        rows = []
        for k, (oid, opt) in enumerate(zip(self.options, self.scenario.options, strict=True)):
            x = self.pv_cost[:, k]
            p10, p50, p90 = np.percentile(x, PERCENTILES)
            rows.append(
                {
                    "option": oid,
                    "name": opt.name,
                    "mean": float(x.mean()),
                    "sd": float(x.std(ddof=1)) if x.size > 1 else 0.0,
                    "p10": float(p10),
                    "p50": float(p50),
                    "p90": float(p90),
                    "prob_cheapest": float(np.mean(cheapest == k)),
                    "deterministic": float(self.deterministic[k]),
                    "confidence_level": float(np.mean(x <= self.deterministic[k] * (1 + 1e-12))),
                }
            )
        return pd.DataFrame(rows)

    @cached_property
    def budget(self) -> pd.DataFrame:
        """Per option and year: mean, p50, p80, p90 spending, cap and prob_over_cap. [VND]"""
        rows = []
        years = self.scenario.years
        for k, oid in enumerate(self.options):
            for j, y in enumerate(years):
                x = self.nominal[:, k, j]
                p50, p80, p90 = np.percentile(x, BUDGET_PERCENTILES)
                cap = None if self.budget_cap is None else self.budget_cap.get(int(y))
                rows.append(
                    {
                        "option": oid,
                        "year": int(y),
                        "mean": float(x.mean()),
                        "p50": float(p50),
                        "p80": float(p80),
                        "p90": float(p90),
                        "budget_cap": cap,
                        "prob_over_cap": None if cap is None else float(np.mean(x > cap)),
                    }
                )
        return pd.DataFrame(rows)


def simulate(
    scenario: Scenario,
    draws: int = 10_000,
    seed: int = 0,
    chunk: int = DEFAULT_CHUNK,
    budget_cap: dict[int, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
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
        draws give the same numbers (on the same numpy build).
    chunk : int
        Draws evaluated at once (memory bound); does not change the results.
    budget_cap : float or dict of int to float, optional
        Appropriation per year (one number for every year); default the
        scenario's ``[risk] budget_cap``. [VND/year]
    progress : callable, optional
        Called as ``progress(done, draws)`` after each chunk.

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
    from costmodel.scenario import as_scenario

    scenario = as_scenario(scenario)
    if isinstance(budget_cap, int | float) and not isinstance(budget_cap, bool):
        budget_cap = {int(y): float(budget_cap) for y in scenario.years}
    if draws < 1:
        raise ValueError("draws must be >= 1")
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    rng = np.random.default_rng(seed)
    n_opt, n_years = len(scenario.options), scenario.n_years
    pv = np.empty((draws, n_opt))
    nominal = np.empty((draws, n_opt, n_years))
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        values = draw_values(scenario, size, rng)
        arrays = option_arrays(scenario, values)
        check_draws(
            scenario, values, arrays.pv_cost, arrays.nominal, lambda k, done=done: f"Monte Carlo draw {done + k + 1} of {draws}"
        )
        pv[done : done + size] = arrays.pv_cost
        nominal[done : done + size] = arrays.nominal
        done += size
        if progress is not None:
            progress(done, draws)
    central = central_values(scenario)
    arrays = option_arrays(scenario, central)
    check_draws(scenario, central, arrays.pv_cost, arrays.nominal, lambda k: "central values")
    deterministic = arrays.pv_cost[0]
    cap = budget_cap if budget_cap is not None else scenario.budget_cap
    return SimulationResult(scenario, draws, seed, pv, nominal, deterministic, cap)

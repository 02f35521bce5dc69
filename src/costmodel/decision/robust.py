"""Robust choice across futures: regret, minimax regret and expected cost.

The same options are evaluated in several futures (the base demand, an
administrative restructuring, ...), giving a table ``C[f, o]`` of present-value
costs, lower is better. For each future ``f`` and option ``o``:

* **regret** ``R[f, o] = C[f, o] - min_o' C[f, o']``: what choosing ``o``
  costs, in that future, against the option that would have been best had
  the future been known (Savage, 1951; the "opportunity loss"; Loomes &
  Sugden, 1982, build a descriptive theory of choice on it);
* **maximum regret** ``max_f R[f, o]``; the **minimax-regret** option has the
  smallest (Savage, 1951). Ties go to the first option in the given order;
* **maximum cost** ``max_f C[f, o]`` (Wald's maximin criterion on costs), as
  an absolute-performance companion to regret (McPhail et al., 2018, classify
  robustness metrics by these two kinds of transformation);
* with probabilities ``p_f`` of the futures (each >= 0, summing to 1): the
  **expected cost** ``sum_f p_f C[f, o]``, the **expected regret**
  ``sum_f p_f R[f, o] = E[C_o] - E[min_o' C]``, and the option with the lowest
  expected cost (ties: first in order), which is also the option with the
  lowest expected regret. The expected regret of that option is the expected
  value of perfect information about which future comes (Raiffa & Schlaifer,
  1961).

Minimax regret is not independent of irrelevant alternatives (Chernoff, 1954):
adding an option that is never chosen can change which of the other options
is chosen, when the added option is the best one in some future (it raises
the benchmark, and so every other option's regret, in that future). Adding
an option that is best in no future leaves every other option's regret
unchanged; it can only become the choice itself. The regret table is
therefore always reported with the full option set it was computed on.

References
----------
.. [1] L. J. Savage, "The theory of statistical decision", Journal of the
   American Statistical Association 46(253):55-67, 1951.
.. [2] G. Loomes and R. Sugden, "Regret theory: an alternative theory of
   rational choice under uncertainty", The Economic Journal
   92(368):805-824, 1982.
.. [3] C. McPhail, H. R. Maier, J. H. Kwakkel, M. Giuliani, A. Castelletti and
   S. Westra, "Robustness metrics: how are they calculated, when should they
   be used and why do they give different results?", Earth's Future
   6(2):169-191, 2018.
.. [4] H. Chernoff, "Rational selection of decision functions",
   Econometrica 22(4):422-443, 1954.
.. [5] H. Raiffa and R. Schlaifer, "Applied Statistical Decision Theory",
   Harvard University, 1961.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel.evaluation import Evaluation
from costmodel.problems import InputError, Problem

__all__ = [
    "PROBABILITY_TOLERANCE",
    "REGRET_SUMMARY_COLUMNS",
    "REGRET_TABLE_COLUMNS",
    "RobustChoice",
    "costs_from_evaluations",
    "regret",
    "robust_choice",
]

#: Probabilities of the futures must sum to 1 within this absolute tolerance.
PROBABILITY_TOLERANCE = 1e-9
#: Columns of :attr:`RobustChoice.summary`, one row per option.
REGRET_SUMMARY_COLUMNS = [
    "option",
    "max_regret",
    "worst_future",
    "max_cost",
    "expected_cost",
    "expected_regret",
    "minimax_regret",
    "min_expected_cost",
]
#: Columns of :meth:`RobustChoice.table`, one row per future and option.
REGRET_TABLE_COLUMNS = ["future", "probability", "option", "pv_cost", "best_option", "best_pv_cost", "regret"]


def regret(costs: ArrayLike) -> np.ndarray:
    """Regret of every option in every future against the best option of that future.

    Parameters
    ----------
    costs : array_like, shape (futures, options)
        Present-value cost of each option in each future; lower is better. [VND]

    Returns
    -------
    numpy.ndarray, shape (futures, options)
        ``costs[f, o] - min_o' costs[f, o']``, >= 0, and 0 for the best
        option of each future. [VND]

    References
    ----------
    Savage (1951), "loss" ("regret"); see the module docstring.

    Examples
    --------
    >>> regret([[100, 105], [103, 100]]).tolist()
    [[0.0, 5.0], [3.0, 0.0]]
    """
    c = np.asarray(costs, dtype=float)
    if c.ndim != 2:
        raise ValueError(f"costs must be a futures x options table (2-D), got {c.ndim} dimension(s)")
    return c - c.min(axis=1, keepdims=True)


@dataclass(frozen=True)
class RobustChoice:
    """Regret table and robust choices for one option set across futures.

    Attributes
    ----------
    costs : pandas.DataFrame
        Futures (index ``future``) x options (columns, in the given order):
        present-value cost. [VND]
    regret : pandas.DataFrame
        Same shape: cost minus the best option's cost in that future. [VND]
    probabilities : pandas.Series or None
        Probability of each future (index ``future``), when given. [-]
    summary : pandas.DataFrame
        One row per option, columns :data:`REGRET_SUMMARY_COLUMNS`:
        ``max_regret``, ``max_cost``, ``expected_cost`` and
        ``expected_regret`` [VND] (the last two NaN without probabilities);
        ``worst_future`` (the first future where the maximum regret occurs);
        ``minimax_regret`` and ``min_expected_cost`` (bool: the chosen
        option by each criterion).
    minimax_regret : str
        Option with the smallest maximum regret (ties: first in order).
    min_expected_cost : str or None
        Option with the smallest expected cost (ties: first in order); None
        without probabilities.
    evpi : float or None
        Expected value of perfect information about the future: the expected
        regret of ``min_expected_cost``. [VND]
    """

    costs: pd.DataFrame
    regret: pd.DataFrame
    probabilities: pd.Series | None
    summary: pd.DataFrame
    minimax_regret: str
    min_expected_cost: str | None
    evpi: float | None

    @property
    def options(self) -> list[str]:
        """Option ids in the given order."""
        return [str(o) for o in self.costs.columns]

    @property
    def futures(self) -> list[str]:
        """Future names in the given order."""
        return [str(f) for f in self.costs.index]

    def table(self) -> pd.DataFrame:
        """One row per future and option (columns :data:`REGRET_TABLE_COLUMNS`).

        ``pv_cost``, ``best_pv_cost`` and ``regret`` are in [VND];
        ``best_option`` is the cheapest option of the future (ties: first in
        order); ``probability`` is NaN without probabilities.
        """
        c = self.costs.to_numpy()
        best = np.argmin(c, axis=1)
        rows = []
        for i, future in enumerate(self.futures):
            p = math.nan if self.probabilities is None else float(self.probabilities.iloc[i])
            for j, option in enumerate(self.options):
                rows.append(
                    {
                        "future": future,
                        "probability": p,
                        "option": option,
                        "pv_cost": float(c[i, j]),
                        "best_option": self.options[best[i]],
                        "best_pv_cost": float(c[i, best[i]]),
                        "regret": float(self.regret.iloc[i, j]),
                    }
                )
        return pd.DataFrame(rows, columns=REGRET_TABLE_COLUMNS)


def robust_choice(costs: pd.DataFrame, probabilities: Mapping[str, float] | pd.Series | ArrayLike | None = None) -> RobustChoice:
    """Regret table, minimax-regret option and (with probabilities) minimum expected cost.

    Parameters
    ----------
    costs : pandas.DataFrame
        One row per future (the index names it) and one column per option, in
        the order used to break ties: present-value cost, lower is better
        (e.g. from :func:`costs_from_evaluations`). [VND]
    probabilities : mapping, pandas.Series or array_like, optional
        Probability of each future: by future name (mapping or Series) or in
        row order (array). Each must be >= 0 and they must sum to 1 within
        :data:`PROBABILITY_TOLERANCE`. [-]

    Returns
    -------
    RobustChoice

    Raises
    ------
    ValueError
        On an empty table, duplicate or missing names, a cost that is not a
        finite number, or probabilities that are negative, do not sum to 1 or
        do not match the futures.

    Notes
    -----
    The minimax-regret choice depends on the whole option set: adding an
    option that is never chosen but is the best in some future can change
    it (Chernoff, 1954). Show the table with every option it was computed on.

    Examples
    --------
    Two futures, two options (costs in billion đồng):

    >>> costs = pd.DataFrame({"A": [100.0, 103.0], "B": [105.0, 100.0]}, index=["base", "merger"])
    >>> rc = robust_choice(costs, {"base": 0.7, "merger": 0.3})
    >>> rc.summary[["option", "max_regret", "expected_cost", "expected_regret"]].round(6).to_dict("list")
    {'option': ['A', 'B'], 'max_regret': [3.0, 5.0], 'expected_cost': [100.9, 103.5], 'expected_regret': [0.9, 3.5]}
    >>> rc.minimax_regret, rc.min_expected_cost, round(rc.evpi, 6)
    ('A', 'A', 0.9)
    """
    table = _check_costs(costs)
    c = table.to_numpy()
    r = regret(c)
    p = None if probabilities is None else _check_probabilities(probabilities, list(table.index))
    max_regret = r.max(axis=0)
    worst = np.argmax(r, axis=0)  # first future with the maximum
    chosen = int(np.argmin(max_regret))  # first option on ties
    if p is None:
        expected_cost = np.full(c.shape[1], np.nan)
        expected_regret = np.full(c.shape[1], np.nan)
        cheapest: int | None = None
    else:
        w = p.to_numpy()
        expected_cost = w @ c
        expected_regret = w @ r
        cheapest = int(np.argmin(expected_cost))
    options = [str(o) for o in table.columns]
    summary = pd.DataFrame(
        {
            "option": options,
            "max_regret": max_regret,
            "worst_future": [str(table.index[i]) for i in worst],
            "max_cost": c.max(axis=0),
            "expected_cost": expected_cost,
            "expected_regret": expected_regret,
            "minimax_regret": [j == chosen for j in range(len(options))],
            "min_expected_cost": [j == cheapest for j in range(len(options))],
        },
        columns=REGRET_SUMMARY_COLUMNS,
    )
    return RobustChoice(
        costs=table,
        regret=pd.DataFrame(r, index=table.index, columns=table.columns),
        probabilities=p,
        summary=summary,
        minimax_regret=options[chosen],
        min_expected_cost=None if cheapest is None else options[cheapest],
        evpi=None if cheapest is None else float(max(expected_regret[cheapest], 0.0)),
    )


def costs_from_evaluations(evaluations: Mapping[str, Evaluation] | Sequence[Evaluation], metric: str = "pv_cost") -> pd.DataFrame:
    """Futures x options table of one summary metric from several evaluated scenarios.

    Parameters
    ----------
    evaluations : mapping of str to Evaluation, or sequence of Evaluation
        One evaluated scenario per future (:func:`costmodel.evaluate`), named
        by the mapping's keys, or else by the scenario file's stem (its title
        for a scenario built in code).
    metric : str
        Column of :attr:`Evaluation.summary` to tabulate; lower must be
        better (``pv_cost`` [VND], ``eac`` [VND/year], ...).

    Returns
    -------
    pandas.DataFrame
        Index ``future``, one column per option in the first future's option
        order. [unit of the metric]

    Raises
    ------
    costmodel.problems.InputError
        When the futures do not evaluate the same options (one problem per
        future that differs from the first, naming its file).
    ValueError
        With no evaluation, duplicate future names or an unknown metric.
    """
    if isinstance(evaluations, Mapping):
        named = [(str(k), v) for k, v in evaluations.items()]
    else:
        named = [(_future_name(ev), ev) for ev in evaluations]
    if not named:
        raise ValueError("no futures: give at least one evaluated scenario")
    names = [n for n, _ in named]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"duplicate future name(s) {', '.join(map(repr, duplicates))}: name the futures with a mapping")
    first_name, first = named[0]
    if metric not in first.summary.columns:
        raise ValueError(f"unknown metric {metric!r}: the summary has {', '.join(map(str, first.summary.columns))}")
    order = [str(o) for o in first.summary["option"]]
    problems = []
    for name, ev in named[1:]:
        ids = [str(o) for o in ev.summary["option"]]
        missing = [o for o in order if o not in ids]
        extra = [o for o in ids if o not in order]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks option(s) {', '.join(missing)}")
            if extra:
                parts.append(f"has option(s) {', '.join(extra)}")
            problems.append(
                Problem(
                    ev.scenario.source,
                    "options",
                    f"future {name!r} {' and '.join(parts)} that future {first_name!r} does not; "
                    f"every future must evaluate the same options (ids {', '.join(order)})",
                )
            )
    if problems:
        raise InputError(problems)
    rows = [ev.summary.set_index("option")[metric].reindex(order).to_numpy(dtype=float) for _, ev in named]
    return pd.DataFrame(rows, index=pd.Index(names, name="future"), columns=pd.Index(order, name="option"))


def _future_name(ev: Evaluation) -> str:
    source = ev.scenario.source
    return ev.scenario.title if source in ("", "<dict>") else Path(source).stem


def _check_costs(costs: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(costs, pd.DataFrame):
        raise ValueError("costs must be a pandas.DataFrame: one row per future (index), one column per option")
    if costs.shape[0] == 0 or costs.shape[1] == 0:
        raise ValueError(f"costs must have at least one future and one option, got {costs.shape[0]} x {costs.shape[1]}")
    for what, labels in (("future", costs.index), ("option", costs.columns)):
        dup = sorted({str(x) for x in labels[labels.duplicated()]})
        if dup:
            raise ValueError(f"duplicate {what} name(s) in costs: {', '.join(dup)}")
    try:
        values = costs.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("costs must be numbers [VND]") from None
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        where = f"option {costs.columns[j]!r} in future {costs.index[i]!r}"
        raise ValueError(f"cost of {where} is {values[i, j]!r}: every cost must be a finite number")
    out = pd.DataFrame(values, index=costs.index.copy(), columns=costs.columns.copy())
    out.index.name = costs.index.name or "future"
    out.columns.name = costs.columns.name or "option"
    return out


def _check_probabilities(probabilities, futures: list) -> pd.Series:
    if isinstance(probabilities, Mapping | pd.Series):
        given = dict(probabilities.items())
        missing = [f for f in futures if f not in given]
        unknown = [k for k in given if k not in futures]
        if missing or unknown:
            parts = []
            if missing:
                parts.append(f"no probability for future(s) {', '.join(map(repr, missing))}")
            if unknown:
                parts.append(f"probability given for unknown future(s) {', '.join(map(repr, unknown))}")
            raise ValueError("; ".join(parts) + f" (futures: {', '.join(map(repr, futures))})")
        raw = [given[f] for f in futures]
    else:
        raw = list(np.atleast_1d(np.asarray(probabilities, dtype=object)))
        if len(raw) != len(futures):
            raise ValueError(f"expected {len(futures)} probabilities (one per future, in row order), got {len(raw)}")
    values = []
    for f, v in zip(futures, raw, strict=True):
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"probability of future {f!r} is {v!r}: expected a number between 0 and 1") from None
        if not math.isfinite(x) or x < 0:
            raise ValueError(f"probability of future {f!r} is {v!r}: probabilities must be finite and >= 0")
        values.append(x)
    total = math.fsum(values)
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        names = ", ".join(map(repr, futures))
        raise ValueError(f"probabilities sum to {total!r}, not 1 (tolerance {PROBABILITY_TOLERANCE:g}); futures: {names}")
    return pd.Series(values, index=pd.Index(futures, name="future"), name="probability")

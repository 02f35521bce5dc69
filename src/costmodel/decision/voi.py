"""Value of information from Monte Carlo draws: EVPI and EVPPI by regression.

The decision is to choose, before the uncertainty resolves, the option with
the lowest expected present-value cost. With ``C[i, o]`` the cost of option
``o`` in draw ``i`` (``n`` draws), a *reference* option ``ref`` (by default
the one with the lowest mean cost, ties to the first) and the differences
``D[i, o] = C[i, o] - C[i, ref]``:

* **EVPI**, the expected value of perfect information (Raiffa & Schlaifer,
  1961), is what knowing every input before choosing would save on average::

      EVPI = min_o E[C_o] - E[min_o C_o] = -mean_i min(0, min_o D[i, o])   [VND]

  It is >= 0 by construction (a mean of non-negative numbers). Its standard
  error is the sample standard deviation of ``-min(0, min_o D[i, o])`` over
  ``sqrt(n)`` (the choice held fixed).

* **EVPPI**, the expected value of partial perfect information about an
  input or a group of inputs ``theta``, is what knowing ``theta`` alone
  would save::

      EVPPI(theta) = min_o E[C_o] - E_theta[min_o E[C_o | theta]]

  Following Strong, Oakley & Brennan (2014), the inner conditional means are
  estimated by regressing each cost difference ``D[:, o]`` on ``theta``
  across the draws (regressing differences rather than costs removes the
  variation every option shares, which makes the fits more stable), giving
  fitted values ``g[i, o]`` with ``g[:, ref] = 0``; then::

      EVPPI = min(0, min_o mean_i g[i, o]) - mean_i min(0, min_o g[i, o])

  The smoother is :mod:`costmodel.decision.splines`: a natural cubic
  regression spline for one input (knots by generalised cross-validation),
  an additive spline model with pairwise bilinear interactions for a group.

Guarantees and caveats:

* ``0 <= EVPPI <= EVPI`` always holds for the reported ``evppi``: a negative
  estimate (rounding) is clipped to 0, and an estimate above the EVPI of the
  same draws is capped at the EVPI and flagged in the ``capped`` column (the
  true EVPPI can never exceed the EVPI; an estimate above it is estimation
  error, typically from overfitting noise with too few draws). The
  unclipped estimate stays in ``evppi_unclipped``.
* The regression estimator is biased upwards by the noise in the fitted
  values, more so with few draws or many coefficients; with the 100,000
  draws of :func:`value_of_information` and at most 20 coefficients per
  input the bias is negligible against the standard error.
* The standard error (``evppi_se``) adds in quadrature the two sources of
  error of the estimate, which are independent when the rest of the cost
  variation is independent of ``theta``: the uncertainty of the fitted
  values, as in Strong et al. (2014) (the regression coefficients are drawn
  from their approximate sampling distribution, normal with the residual
  covariance between the option differences, the EVPPI is recomputed for
  each of ``se_draws`` draws, and their standard deviation taken), and the
  Monte Carlo error of averaging over the draws of ``theta`` (standard
  deviation of ``-min(0, min_o g[i, o])`` over ``sqrt(n)``, as for the
  EVPI). On the linear-Gaussian test case it matches the spread of the
  estimates over repeated samples.
* EVPPIs of different inputs do not add up to the EVPI, and inputs that are
  correlated share value (knowing one tells something about the other).

References
----------
.. [1] H. Raiffa and R. Schlaifer, "Applied Statistical Decision Theory",
   Harvard University, 1961.
.. [2] M. Strong, J. E. Oakley and A. Brennan, "Estimating multiparameter
   partial expected value of perfect information from a probabilistic
   sensitivity analysis sample: a nonparametric regression approach",
   Medical Decision Making 34(3):311-326, 2014.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from costmodel.decision.splines import (
    KNOT_CANDIDATES,
    Fit,
    additive_design,
    fit_least_squares,
    knots_at_quantiles,
    natural_spline_basis,
    select_knots,
)
from costmodel.ledger import option_arrays
from costmodel.risk.sampling import draw_values, random_labels
from costmodel.scenario import Scenario
from costmodel.values import InputValues

__all__ = [
    "DEFAULT_DRAWS",
    "DEFAULT_SE_DRAWS",
    "EVPPI_COLUMNS",
    "ValueOfInformation",
    "evpi",
    "evpi_standard_error",
    "evppi",
    "input_draws",
    "value_of_information",
]

#: Draws of :func:`value_of_information` (the issue's benchmark size).
DEFAULT_DRAWS = 100_000
#: Draws of the regression coefficients for the EVPPI standard error.
DEFAULT_SE_DRAWS = 100
#: Evaluated at once by :func:`value_of_information` (memory bound, as in
#: :mod:`costmodel.risk.simulate`); does not change the results.
DEFAULT_CHUNK = 100_000
#: Numbers held at once when drawing fitted values for the standard error.
_SE_BATCH_NUMBERS = 2_000_000
#: Columns of the table returned by :func:`evppi`.
EVPPI_COLUMNS = [
    "input",
    "members",
    "n_inputs",
    "evppi",
    "evppi_se",
    "evppi_share_of_evpi",
    "evpi",
    "evppi_unclipped",
    "capped",
    "knots",
    "coefficients",
    "r_squared",
]


# ---------------------------------------------------------------------------
# EVPI
# ---------------------------------------------------------------------------


def evpi(costs: ArrayLike) -> float:
    """Expected value of perfect information of the choice among options.

    Parameters
    ----------
    costs : array_like, shape (draws, options)
        Cost of each option in each Monte Carlo draw; lower is better. [VND]

    Returns
    -------
    float
        ``min_o mean(C_o) - mean(min_o C_o)``, computed on the differences
        against the option with the lowest mean cost so it is >= 0 exactly
        (see the module docstring). [VND]

    References
    ----------
    Raiffa & Schlaifer (1961).

    Examples
    --------
    Two equally likely draws; either option costs 2 on average, but knowing
    the draw would let one pay 1 or 2, i.e. 1.5 on average:

    >>> evpi([[1.0, 2.0], [3.0, 2.0]])
    0.5
    """
    return float(np.mean(_loss(_differences(_costs(costs))[0]))) + 0.0  # + 0.0: no -0.0


def evpi_standard_error(costs: ArrayLike) -> float:
    """Monte Carlo standard error of :func:`evpi`, the choice held fixed. [VND]

    The sample standard deviation of ``-min(0, min_o D[i, o])`` divided by
    ``sqrt(n)`` (0 with a single draw).

    Examples
    --------
    >>> evpi_standard_error([[1.0, 2.0], [3.0, 2.0]])
    0.5
    """
    loss = _loss(_differences(_costs(costs))[0])
    return float(loss.std(ddof=1) / math.sqrt(loss.size)) if loss.size > 1 else 0.0


def _costs(costs: ArrayLike) -> np.ndarray:
    c = np.asarray(costs, dtype=float)
    if c.ndim != 2 or c.shape[0] < 1 or c.shape[1] < 1:
        raise ValueError(f"costs must be a draws x options array with at least one of each, got shape {c.shape}")
    if not np.all(np.isfinite(c)):
        i, j = np.argwhere(~np.isfinite(c))[0]
        raise ValueError(f"cost of option {j} in draw {i} is {c[i, j]!r}: every cost must be a finite number")
    return c


def _differences(c: np.ndarray, reference: int | None = None) -> tuple[np.ndarray, int]:
    """Costs minus the reference option's cost (default: lowest mean, first on ties)."""
    ref = int(np.argmin(c.mean(axis=0))) if reference is None else reference
    return c - c[:, ref : ref + 1], ref


def _loss(d: np.ndarray) -> np.ndarray:
    """Per draw ``-min(0, min_o d[:, o])`` >= 0: what perfect information saves in that draw. [VND]"""
    return -np.minimum(d.min(axis=1), 0.0)


def _evppi_of_fitted(g: np.ndarray) -> float:
    """``min(0, min_o mean g_o) - mean min(0, min_o g_o)``; ``g`` holds the non-reference differences."""
    if g.shape[1] == 0:
        return 0.0
    return float(min(0.0, float(g.mean(axis=0).min())) - np.mean(np.minimum(g.min(axis=1), 0.0)))


# ---------------------------------------------------------------------------
# EVPPI
# ---------------------------------------------------------------------------


def evppi(
    costs: ArrayLike | pd.DataFrame,
    inputs: pd.DataFrame | Mapping[str, ArrayLike] | ArrayLike,
    groups: Mapping[str, Sequence[str]] | Sequence[Sequence[str]] | None = None,
    *,
    reference: int | str | None = None,
    knots: int | None = None,
    interactions: bool = True,
    se_draws: int = DEFAULT_SE_DRAWS,
    seed: int = 0,
) -> pd.DataFrame:
    """Expected value of partial perfect information of every input (and group) by regression.

    Parameters
    ----------
    costs : array_like or pandas.DataFrame, shape (draws, options)
        Cost of each option in each draw; lower is better. [VND]
    inputs : pandas.DataFrame, mapping of str to array_like, or array_like
        The draws of the inputs, one column (or mapping entry) per input,
        named by its label; an array of shape (draws,) or (draws, k) gets the
        names ``x0``, ``x1``, ... [unit of each input]
    groups : mapping of str to sequence of str, or sequence of sequences, optional
        Groups of inputs whose joint EVPPI is wanted, by group name (a
        sequence of groups is named by its members joined with ``" + "``).
        Every input gets its own row in any case; each group adds one.
    reference : int or str, optional
        Option the differences are taken against (column index, or column
        name when ``costs`` is a DataFrame); default the option with the
        lowest mean cost. For a given regression basis the EVPPI does not
        depend on it (the fits are linear in the responses); the knots
        chosen by GCV may differ slightly.
    knots : int, optional
        Number of knots of every input's spline (2: straight line); default
        chosen per input by GCV among
        :data:`~costmodel.decision.splines.KNOT_CANDIDATES`.
    interactions : bool
        Add pairwise bilinear interactions to the additive model of a group.
    se_draws : int
        Draws of the regression coefficients for ``evppi_se``; 0 skips it
        (NaN).
    seed : int
        Seed of the draws for the standard error.

    Returns
    -------
    pandas.DataFrame
        One row per input (in the given order), then one per group; columns
        :data:`EVPPI_COLUMNS`:

        * ``input`` the input's label or the group's name; ``members`` the
          labels joined with ``" + "``; ``n_inputs``;
        * ``evppi`` in [0, evpi] [VND]; ``evppi_se`` its standard error
          (see the module docstring; NaN when ``se_draws`` is 0) [VND];
          ``evppi_share_of_evpi`` = evppi / evpi [-] (NaN when the EVPI is
          0); ``evpi`` [VND] (the same on every row);
        * ``evppi_unclipped`` the estimate before clipping to [0, evpi]
          [VND]; ``capped`` True when it was above the EVPI;
        * ``knots`` the number of knots of each member's spline, joined with
          ``" + "`` (0: the input does not vary); ``coefficients`` the
          regression coefficients per option difference (rank of the
          design); ``r_squared`` the share of the differences' variation the
          fit explains [-].

    Raises
    ------
    ValueError
        On costs or inputs that are not finite numbers, a number of input
        draws that differs from the number of cost draws, duplicate or
        unknown names, or an empty group.

    Examples
    --------
    Option 0 costs ``x``, option 1 costs 0, with ``x`` uniform on [-1, 1]
    (so the choice is a coin toss): perfect information about ``x`` is
    worth ``E[max(-x, 0)] = 1/4`` (Raiffa & Schlaifer, 1961), and ``y``,
    which affects nothing, is worth nothing:

    >>> rng = np.random.default_rng(1)
    >>> x, y = rng.uniform(-1, 1, 20_000), rng.uniform(-1, 1, 20_000)
    >>> table = evppi(np.column_stack([x, np.zeros_like(x)]), {"x": x, "y": y}, se_draws=0)
    >>> table[["input", "evppi"]].round(2).to_dict("list")
    {'input': ['x', 'y'], 'evppi': [0.25, 0.0]}
    """
    if se_draws < 0:
        raise ValueError("se_draws must be >= 0")
    names: list[str] | None = [str(c) for c in costs.columns] if isinstance(costs, pd.DataFrame) else None
    c = _costs(costs)
    n = c.shape[0]
    x = _inputs_table(inputs, n)
    labels = list(x.columns)
    group_members = _groups(groups, labels)
    ref = _reference(reference, names, c.shape[1])
    d, ref = _differences(c, ref)
    y = np.delete(d, ref, axis=1)  # (n, options - 1)
    total = float(np.mean(_loss(d))) + 0.0
    rng = np.random.default_rng(seed)

    rows = []
    chosen: dict[str, tuple[int, np.ndarray | None]] = {}  # label -> (knots, knot values)
    for label in labels:
        col = x[label].to_numpy()
        k, fit = _fit_single(col, y, knots)
        chosen[label] = (k, None if k == 0 else knots_at_quantiles(col, k))
        rows.append(_row(label, [label], [k], fit, y, total, se_draws, rng))
    for name, members in group_members.items():
        bases = [natural_spline_basis(x[m].to_numpy(), chosen[m][1]) for m in members if chosen[m][0] > 0]
        design = additive_design(bases, interactions=interactions) if bases else np.ones((n, 1))
        fit = fit_least_squares(design, y)
        rows.append(_row(name, members, [chosen[m][0] for m in members], fit, y, total, se_draws, rng))
    return pd.DataFrame(rows, columns=EVPPI_COLUMNS)


def _fit_single(col: np.ndarray, y: np.ndarray, knots: int | None) -> tuple[int, Fit]:
    if knots is None:
        return select_knots(col, y, KNOT_CANDIDATES)
    if knots < 2:
        raise ValueError(f"knots must be >= 2 (2: a straight line), got {knots}")
    if np.ptp(col) == 0:
        return 0, fit_least_squares(np.ones((col.size, 1)), y)
    values = knots_at_quantiles(col, knots)
    return knots, fit_least_squares(natural_spline_basis(col, values, constant=True), y)


def _row(name, members, knots, fit: Fit, y, total, se_draws, rng) -> dict:
    raw = _evppi_of_fitted(fit.fitted) if y.shape[1] else 0.0
    value = min(max(raw, 0.0), total) + 0.0  # + 0.0: no -0.0
    se = math.hypot(_fit_standard_error(fit, y, se_draws, rng), _mean_standard_error(fit)) if se_draws > 0 else math.nan
    return {
        "input": name,
        "members": " + ".join(members),
        "n_inputs": len(members),
        "evppi": value,
        "evppi_se": se,
        "evppi_share_of_evpi": value / total if total > 0 else math.nan,
        "evpi": total,
        "evppi_unclipped": raw,
        "capped": bool(raw > total),
        "knots": " + ".join(str(k) for k in knots),
        "coefficients": fit.rank,
        "r_squared": fit.r_squared,
    }


def _mean_standard_error(fit: Fit) -> float:
    """Monte Carlo standard error of the average over the draws: sd of ``-min(0, min_o g_o)`` over ``sqrt(n)``."""
    if fit.fitted is None or fit.fitted.shape[1] == 0 or fit.n < 2:
        return 0.0
    loss = _loss(fit.fitted)
    return float(loss.std(ddof=1) / math.sqrt(fit.n))


def _fit_standard_error(fit: Fit, y: np.ndarray, se_draws: int, rng: np.random.Generator) -> float:
    """Standard deviation of the EVPPI over draws of the fitted values from their sampling distribution.

    With ``Q`` the orthonormal basis of the design, the fitted values are
    ``Q Q^T y``; the coefficients ``Q^T y`` of each option difference have
    covariance ``sigma^2 I`` and the residuals of the differences covariance
    ``S`` (estimated with ``n - rank`` degrees of freedom), so a draw of the
    fitted values is ``fitted + Q Z L^T`` with ``Z`` standard normal
    (rank x differences) and ``L L^T = S``.
    """
    m = y.shape[1]
    if m == 0 or fit.rank == 0 or fit.n <= fit.rank:
        return 0.0
    resid = y - fit.fitted
    cov = resid.T @ resid / (fit.n - fit.rank)
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    root = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))  # root @ root.T == cov
    qt = np.ascontiguousarray(fit.basis.T)  # (rank, n): draws of fitted values come out as (batch, n) rows
    q_mean = qt.mean(axis=1)  # mean over draws of each basis vector
    fitted_t = np.ascontiguousarray(fit.fitted.T)  # (m, n)
    values = np.empty(se_draws)
    batch = max(1, _SE_BATCH_NUMBERS // fit.n)
    for start in range(0, se_draws, batch):
        b = min(batch, se_draws - start)
        w = rng.standard_normal((b, fit.rank, m)) @ root.T  # (b, rank, m): coefficient perturbations
        best_mean = np.zeros(b)  # min(0, min_o mean_n g_o), from the coefficients alone
        lowest = np.zeros((b, fit.n))  # min(0, min_o g_o) per draw of the coefficients and Monte Carlo draw
        for o in range(m):
            g = w[:, :, o] @ qt  # (b, n)
            g += fitted_t[o]
            np.minimum(lowest, g, out=lowest)
            np.minimum(best_mean, fitted_t[o].mean() + w[:, :, o] @ q_mean, out=best_mean)
        values[start : start + b] = best_mean - lowest.mean(axis=1)
    return float(values.std(ddof=1)) if se_draws > 1 else 0.0


def _inputs_table(inputs, n: int) -> pd.DataFrame:
    if isinstance(inputs, pd.DataFrame):
        table = inputs.copy()
        table.columns = [str(col) for col in table.columns]
    elif isinstance(inputs, Mapping):
        table = pd.DataFrame({str(k): _column(v, n, str(k)) for k, v in inputs.items()})
    else:
        arr = np.asarray(inputs, dtype=float)
        arr = arr[:, None] if arr.ndim == 1 else arr
        if arr.ndim != 2:
            raise ValueError(f"inputs must be a draws x inputs array, got {arr.ndim} dimensions")
        table = pd.DataFrame(arr, columns=[f"x{j}" for j in range(arr.shape[1])])
    if table.columns.duplicated().any():
        raise ValueError(f"duplicate input name(s): {', '.join(sorted(set(table.columns[table.columns.duplicated()])))}")
    if table.shape[1] == 0:
        raise ValueError("no inputs: give the draws of at least one input")
    if table.shape[0] != n:
        raise ValueError(f"inputs have {table.shape[0]} draws but costs have {n}: give one value per draw")
    try:
        values = table.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("inputs must be numbers") from None
    bad = ~np.isfinite(values)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"input {table.columns[j]!r} is {values[i, j]!r} in draw {i}: every input draw must be a finite number")
    return pd.DataFrame(values, columns=table.columns)


def _column(values, n: int, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float).reshape(-1)
    if arr.size != n:
        raise ValueError(f"input {name!r} has {arr.size} draws but costs have {n}: give one value per draw")
    return arr


def _groups(groups, labels: list[str]) -> dict[str, list[str]]:
    if groups is None:
        return {}
    items = groups.items() if isinstance(groups, Mapping) else ((None, g) for g in groups)
    out: dict[str, list[str]] = {}
    for name, members in items:
        if isinstance(members, str):
            members = [members]
        members = [str(m) for m in members]
        if not members:
            raise ValueError(f"group {name!r} has no inputs")
        unknown = [m for m in members if m not in labels]
        if unknown:
            known = ", ".join(labels)
            raise ValueError(f"group {name or members!r}: unknown input(s) {', '.join(map(repr, unknown))} (inputs: {known})")
        if len(set(members)) != len(members):
            raise ValueError(f"group {name or members!r} names an input twice")
        key = str(name) if name is not None else " + ".join(members)
        if key in out or key in labels:
            raise ValueError(f"group name {key!r} is used twice (or is an input's label): give the groups distinct names")
        out[key] = members
    return out


def _reference(reference, names: list[str] | None, n_options: int) -> int | None:
    if reference is None:
        return None
    if isinstance(reference, str):
        if names is None or reference not in names:
            raise ValueError(f"unknown reference option {reference!r} (options: {', '.join(names or [])})")
        return names.index(reference)
    ref = int(reference)
    if not 0 <= ref < n_options:
        raise ValueError(f"reference must be an option index in 0..{n_options - 1}, got {reference}")
    return ref


# ---------------------------------------------------------------------------
# On a scenario
# ---------------------------------------------------------------------------


def input_draws(scenario: Scenario, values: InputValues) -> pd.DataFrame:
    """The draws of every random input of ``values``, one column per label in drawing order.

    Read through the public interface of :class:`~costmodel.values.InputValues`
    (named parameters by name, inline distributions through their field), so
    they are exactly the numbers the engine used. [unit of each input]
    """
    named = values.parameters
    by_label = {inp.label: key for key, inp in scenario.inputs.items() if inp.kind == "dist"}
    columns = {}
    for label in random_labels(scenario):
        if label in by_label:
            arr = values.field(by_label[label], scenario.inputs[by_label[label]].central)
        else:
            arr = named[label]
        columns[label] = np.broadcast_to(np.asarray(arr, dtype=float), (values.n,)).copy()
    return pd.DataFrame(columns)


@dataclass(frozen=True, repr=False)
class ValueOfInformation:
    """Value of information of a scenario's decision, from Monte Carlo draws.

    Attributes
    ----------
    scenario : Scenario
    draws, seed : int
    pv_cost : numpy.ndarray, shape (draws, options)
        Present value of cost per draw (the same numbers as
        :func:`costmodel.risk.simulate.simulate` with the same seed and
        draws). [VND]
    inputs : pandas.DataFrame
        Draws of every random input, one column per label. [unit of each input]
    evpi : float
        Expected value of perfect information. [VND]
    evpi_se : float
        Its Monte Carlo standard error. [VND]
    evppi : pandas.DataFrame
        Per input and group (see :func:`evppi`). [VND]
    """

    scenario: Scenario
    draws: int
    seed: int
    pv_cost: np.ndarray
    inputs: pd.DataFrame
    evpi: float
    evpi_se: float
    evppi: pd.DataFrame

    @property
    def options(self) -> list[str]:
        """Option ids in file order."""
        return [o.id for o in self.scenario.options]

    def __repr__(self) -> str:
        return (
            f"<ValueOfInformation {self.scenario.title[:60]!r}: {self.draws:,} draws, seed {self.seed}; "
            f"decision {self.decision!r}, EVPI {self.evpi:,.0f} VND, {len(self.evppi)} EVPPI row(s)>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.voi_report import voi_html

        return voi_html(self)

    @property
    def decision(self) -> str:
        """Option chosen without further information: the lowest mean pv_cost (ties: file order)."""
        return self.options[int(np.argmin(self.pv_cost.mean(axis=0)))]

    def summary(self) -> pd.DataFrame:
        """Per option: expected_cost and expected_regret [VND], prob_cheapest [-], chosen (bool).

        ``expected_regret`` is the mean over draws of the option's cost minus
        the cheapest option's cost in that draw; that of the chosen option is
        the EVPI.
        """
        pv = self.pv_cost
        cheapest = np.argmin(pv, axis=1)  # ties: file order, as in simulate
        mean = pv.mean(axis=0)
        regret = (pv - pv.min(axis=1, keepdims=True)).mean(axis=0)
        chosen = int(np.argmin(mean))
        return pd.DataFrame(
            {
                "option": self.options,
                "expected_cost": mean,
                "expected_regret": regret,
                "prob_cheapest": [float(np.mean(cheapest == k)) for k in range(pv.shape[1])],
                "chosen": [k == chosen for k in range(pv.shape[1])],
            }
        )


def value_of_information(
    scenario: Scenario,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    groups: Mapping[str, Sequence[str]] | Sequence[Sequence[str]] | None = None,
    *,
    knots: int | None = None,
    se_draws: int = DEFAULT_SE_DRAWS,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> ValueOfInformation:
    """EVPI and per-input (and per-group) EVPPI of a scenario's choice of option.

    Draws the random inputs with :func:`costmodel.risk.sampling.draw_values`
    (the same numbers as ``costmodel simulate`` for the same seed and
    draws), evaluates every option with :func:`costmodel.ledger.option_arrays`
    and passes the present-value costs and the input draws to :func:`evpi`
    and :func:`evppi`.

    Parameters
    ----------
    scenario : Scenario
        With at least one random input.
    draws : int
        Number of Monte Carlo draws, >= 2.
    seed : int
        Seed of ``numpy.random.default_rng`` for the draws (the standard
        errors use ``seed + 1``).
    groups : mapping or sequence, optional
        Groups of input labels (see :func:`evppi`).
    knots, se_draws
        See :func:`evppi`.
    chunk : int
        Draws evaluated at once (memory bound); does not change the results.
    progress : callable, optional
        Called as ``progress(done, draws)`` after each chunk.

    Returns
    -------
    ValueOfInformation

    Examples
    --------
    >>> import costmodel
    >>> v = costmodel.value_of_information("scenarios/data-integration-center.toml", draws=2000)
    >>> v.decision, v.evpi
    ('hybrid', 0.0)
    """
    from costmodel.scenario import as_scenario

    scenario = as_scenario(scenario)
    labels = random_labels(scenario)
    if not labels:
        raise ValueError("the scenario has no random inputs: value of information needs distributions")
    if draws < 2:
        raise ValueError("draws must be >= 2")
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    rng = np.random.default_rng(seed)
    pv = np.empty((draws, len(scenario.options)))
    parts = []
    done = 0
    while done < draws:
        size = min(chunk, draws - done)
        values = draw_values(scenario, size, rng)
        pv[done : done + size] = option_arrays(scenario, values).pv_cost
        parts.append(input_draws(scenario, values))
        done += size
        if progress is not None:
            progress(done, draws)
    inputs = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    table = evppi(pv, inputs, groups, knots=knots, se_draws=se_draws, seed=seed + 1)
    return ValueOfInformation(
        scenario=scenario,
        draws=draws,
        seed=seed,
        pv_cost=pv,
        inputs=inputs,
        evpi=evpi(pv),
        evpi_se=evpi_standard_error(pv),
        evppi=table,
    )

"""Sensitivity analysis on the ledger engine: tornado, switching values, two-way grid, Sobol.

All evaluations go through :func:`costmodel.ledger.option_arrays`, batched:
the values an analysis needs are laid out as "draws" of one
:class:`~costmodel.values.InputValues`, so a tornado of 20 inputs is one call
of the engine with 41 draws.

Inputs analysed (:func:`analysis_inputs`): every random input, between its
P10 and P90, and every named parameter that is a plain number, at +/- a
percentage (default 20 %). A scenario with neither gets every item price and
the discount rate at +/- that percentage.

* **Tornado** (HM Treasury Green Book 2022, Annex A5; GAO-20-195G ch. 12):
  each input at its low and high value, the others at their central values;
  the effect on each option's pv_cost and on the gap between the two
  cheapest options (second minus cheapest at the central values; ``target =
  "gap"``).
* **Switching value** (Green Book 2022, 5.68): the value of one input at which
  the cheapest option changes: the root of ``g(x) = min_{o != best} pv_o(x) -
  pv_best(x)``, bracketed on a grid and refined with ``scipy.optimize.brentq``,
  searched only inside the input's *plausible range* (:func:`plausible_range`):
  an explicit ``range`` from the scenario file; else the distribution's
  support (P0.1-P99.9 for unbounded ones); else 50 %-200 % of the central
  value for plain numbers and 0 %-15 % for rates; never below 0 for a price or
  a rate. No root in the range means the ranking does not change there.
* **Two-way grid**: the preferred option for each pair of values of two inputs.
* **Sobol indices** (Sobol' 2001; Saltelli et al. 2010) with SALib (imported
  only when asked): first-order and total indices of each random input on
  each option's pv_cost and on the difference, with the random inputs
  treated as independent (correlations are ignored here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from costmodel.evaluation import check_draws
from costmodel.keys import GAP, is_rate
from costmodel.ledger import option_arrays
from costmodel.scenario import Input, Scenario
from costmodel.values import InputValues

__all__ = [
    "GAP",
    "PLAUSIBLE_SHARE",
    "RATE_RANGE",
    "SWITCHING_COLUMNS",
    "TORNADO_COLUMNS",
    "AnalysisInput",
    "analysis_inputs",
    "plausible_range",
    "evaluate_inputs",
    "sobol_indices",
    "switching_values",
    "tornado",
    "two_way",
]

DEFAULT_PERCENT = 0.20
#: Plausible range of a plain number for switching values: 50 %-200 % of its central value.
PLAUSIBLE_SHARE = (0.5, 2.0)
#: Plausible range of a rate (discount rate, inflation, escalation, growth) for switching values. [1/year]
RATE_RANGE = (0.0, 0.15)


@dataclass(frozen=True)
class AnalysisInput:
    """One input of a sensitivity analysis.

    Attributes
    ----------
    key : str or tuple
        Random-input label, parameter name, or field key for overrides.
    label : str
        The input's label: a parameter name or the key path of a field
        (``options.rent.items[1] (…).price``, ``scenario.discount_rate``);
        the report layer names it in words (:class:`costmodel.reports.names.Names`).
    kind : {"random", "param", "field"}
    central, low, high : float
        Central value and the tornado range (P10/P90 or +/- percent).
    search_low, search_high : float
        The plausible range searched for a switching value (:func:`plausible_range`).
    """

    key: str | tuple
    label: str
    kind: str
    central: float
    low: float
    high: float
    search_low: float
    search_high: float


def plausible_range(
    central: float, rate: bool, explicit: tuple[float, float] | None = None, support: tuple[float, float] | None = None
) -> tuple[float, float]:
    """Where a switching value of an input is searched.

    Parameters
    ----------
    central : float
        The input's central value.
    rate : bool
        Whether the input is a rate or share (default range :data:`RATE_RANGE`).
    explicit : (float, float), optional
        A ``range`` given in the scenario file: used as it is.
    support : (float, float), optional
        The range of the input's distribution (P0.1-P99.9 when unbounded).

    Returns
    -------
    (float, float)
        Without ``explicit``: the support, else 50 %-200 % of a plain number
        (:data:`PLAUSIBLE_SHARE`) or 0 %-15 % for a rate; never below 0 when
        the central value is not negative (no negative price or rate).

    Examples
    --------
    >>> plausible_range(400_000, rate=False)
    (200000.0, 800000.0)
    >>> plausible_range(0.08, rate=True)
    (0.0, 0.15)
    """
    if explicit is not None:
        return float(explicit[0]), float(explicit[1])
    if support is not None:
        low, high = float(support[0]), float(support[1])
    elif rate:
        low, high = min(RATE_RANGE[0], central), max(RATE_RANGE[1], central)
    else:
        low, high = sorted((central * PLAUSIBLE_SHARE[0], central * PLAUSIBLE_SHARE[1]))
    if central >= 0:
        low = max(low, 0.0)
    return low, high


def _tornado_range(central: float, percent: float) -> tuple[float, float]:
    if central == 0:
        return -percent, percent
    low, high = sorted((central * (1 - percent), central * (1 + percent)))
    return low, high


def analysis_inputs(scenario: Scenario, percent: float = DEFAULT_PERCENT) -> list[AnalysisInput]:
    """The inputs analysed, in scenario order (see the module docstring)."""
    out: list[AnalysisInput] = []
    explicit = {n: p.range for n, p in scenario.parameters.items() if isinstance(p, Input)}
    explicit.update({i.label: i.range for i in scenario.inputs.values()})
    for label, dist in scenario.random_inputs.items():
        lo, hi = (float(x) for x in dist.ppf(np.array([0.1, 0.9])))
        s_lo, s_hi = dist.support
        if not math.isfinite(s_lo):
            s_lo = float(dist.ppf(np.array([0.001]))[0])
        if not math.isfinite(s_hi):
            s_hi = float(dist.ppf(np.array([0.999]))[0])
        search = plausible_range(dist.central, is_rate(scenario, label), explicit.get(label), (s_lo, s_hi))
        out.append(AnalysisInput(label, label, "random", dist.central, lo, hi, *search))
    for name, p in scenario.parameters.items():
        if not isinstance(p, Input) or p.kind == "const":
            central = float(p.central if isinstance(p, Input) else p)
            search = plausible_range(central, is_rate(scenario, name), explicit.get(name))
            out.append(AnalysisInput(name, name, "param", central, *_tornado_range(central, percent), *search))
    if out:
        return out
    for opt in scenario.options:
        for item in opt.items:
            if item.price > 0:
                key = ("item", opt.id, item.position, "price")
                label = f"options.{opt.id}.{item.label}.price"
                search = plausible_range(item.price, False)
                out.append(AnalysisInput(key, label, "field", item.price, *_tornado_range(item.price, percent), *search))
    rate_key = "real_discount_rate" if scenario.real_discount_rate is not None else "discount_rate"
    rate = scenario.real_discount_rate if scenario.real_discount_rate is not None else scenario.discount_rate
    lo, hi = _tornado_range(rate, percent)
    out.append(AnalysisInput(("scenario", rate_key), f"scenario.{rate_key}", "field", rate, lo, hi, *plausible_range(rate, True)))
    return out


def evaluate_inputs(scenario: Scenario, settings: dict[AnalysisInput, np.ndarray], n: int) -> np.ndarray:
    """pv_cost of every option for ``n`` draws, with the given inputs set and the others central.

    Returns
    -------
    numpy.ndarray, shape (n, options)
    """
    random = {}
    overrides = {}
    for inp, values in settings.items():
        values = np.broadcast_to(np.asarray(values, dtype=float), (n,))
        if inp.kind == "random":
            random[inp.key] = values
        else:
            overrides[inp.key] = values
    values = InputValues(scenario, random, n, overrides)
    pv = option_arrays(scenario, values).pv_cost

    def describe(k: int) -> str:
        moved = [f"{inp.label} = {float(np.broadcast_to(v, (n,))[k]):g}" for inp, v in settings.items()]
        return "sensitivity analysis at " + (", ".join(moved) if moved else "the central values")

    check_draws(scenario, values, pv, describe=describe)
    return pv


def _best_two(scenario: Scenario) -> tuple[int, int]:
    pv = evaluate_inputs(scenario, {}, 1)[0]
    order = np.argsort(pv, kind="stable")
    return int(order[0]), int(order[1]) if len(order) > 1 else int(order[0])


def tornado(scenario: Scenario, inputs: list[AnalysisInput] | None = None) -> pd.DataFrame:
    """One-way sensitivity: each input at its low and high value.

    Returns
    -------
    pandas.DataFrame
        One row per input x target, in input order. ``target`` is an option id
        or :data:`GAP` (the option second at the central values, ``minuend``,
        minus the cheapest, ``subtrahend``). Columns input, low, high, target,
        minuend, subtrahend, central_pv, pv_low, pv_high, swing
        (``|pv_high - pv_low|``). [VND]
    """
    inputs = inputs if inputs is not None else analysis_inputs(scenario)
    n = 1 + 2 * len(inputs)
    settings = {}
    for k, inp in enumerate(inputs):
        col = np.full(n, inp.central)
        col[1 + 2 * k] = inp.low
        col[2 + 2 * k] = inp.high
        settings[inp] = col
    pv = evaluate_inputs(scenario, settings, n)
    best, second = _best_two(scenario)
    diff = pv[:, second] - pv[:, best]
    ids = [o.id for o in scenario.options]
    rows = []
    for k, inp in enumerate(inputs):
        lo_row, hi_row = 1 + 2 * k, 2 + 2 * k
        for j, oid in enumerate(ids):
            rows.append(_tornado_row(inp, oid, "", "", pv[0, j], pv[lo_row, j], pv[hi_row, j]))
        if len(ids) > 1:
            rows.append(_tornado_row(inp, GAP, ids[second], ids[best], diff[0], diff[lo_row], diff[hi_row]))
    return pd.DataFrame(rows, columns=TORNADO_COLUMNS)


#: Columns of :func:`tornado`.
TORNADO_COLUMNS = ["input", "low", "high", "target", "minuend", "subtrahend", "central_pv", "pv_low", "pv_high", "swing"]
#: Columns of :func:`switching_values`.
SWITCHING_COLUMNS = [
    "input",
    "central",
    "search_low",
    "search_high",
    "cheapest",
    "switching_value",
    "change",
    "new_cheapest",
]


def _tornado_row(inp: AnalysisInput, target: str, minuend: str, subtrahend: str, central: float, low: float, high: float) -> dict:
    return {
        "input": inp.label,
        "low": inp.low,
        "high": inp.high,
        "target": target,
        "minuend": minuend,
        "subtrahend": subtrahend,
        "central_pv": float(central),
        "pv_low": float(low),
        "pv_high": float(high),
        "swing": float(abs(high - low)),
    }


def switching_values(scenario: Scenario, inputs: list[AnalysisInput] | None = None, grid: int = 65) -> pd.DataFrame:
    """Value of each input at which the cheapest option changes, inside its plausible range.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SWITCHING_COLUMNS`: the input, its central value, the
        plausible range searched, the cheapest option at the central values,
        the switching value nearest the central value (NaN when the ranking
        does not change inside the range), its change relative to the central
        value, and the option that becomes cheapest beyond it.
    """
    inputs = inputs if inputs is not None else analysis_inputs(scenario)
    ids = [o.id for o in scenario.options]
    best = _best_two(scenario)[0]
    rows = []
    for inp in inputs:
        value, new, roots = math.nan, "", []
        if inp.search_high > inp.search_low:
            xs = np.linspace(inp.search_low, inp.search_high, grid)
            pv = evaluate_inputs(scenario, {inp: xs}, grid)
            g = _gap(pv, best)
            for i in np.flatnonzero(np.diff(np.sign(g)) != 0):
                a, b = xs[i], xs[i + 1]
                if g[i] == 0:
                    roots.append(a)
                    continue

                def f(x, inp=inp):
                    return float(_gap(evaluate_inputs(scenario, {inp: np.array([x])}, 1), best)[0])

                roots.append(optimize.brentq(f, a, b, xtol=1e-12 * max(1.0, abs(a), abs(b)), rtol=1e-12))
        if roots:
            value = min(roots, key=lambda x: abs(x - inp.central))
            beyond = value + (1e-6 * max(1.0, abs(value))) * (1 if value >= inp.central else -1)
            pv_beyond = evaluate_inputs(scenario, {inp: np.array([beyond])}, 1)[0]
            new = ids[int(np.argmin(pv_beyond))]
        rows.append(
            {
                "input": inp.label,
                "central": inp.central,
                "search_low": inp.search_low,
                "search_high": inp.search_high,
                "cheapest": ids[best],
                "switching_value": value,
                "change": (value / inp.central - 1) if roots and inp.central else math.nan,
                "new_cheapest": new,
            }
        )
    return pd.DataFrame(rows, columns=SWITCHING_COLUMNS)


def _gap(pv: np.ndarray, best: int) -> np.ndarray:
    """Min over other options of pv minus the best option's pv (> 0: best stays cheapest)."""
    if pv.shape[1] == 1:
        return np.ones(pv.shape[0])
    others = np.delete(pv, best, axis=1)
    return others.min(axis=1) - pv[:, best]


def two_way(scenario: Scenario, a: AnalysisInput, b: AnalysisInput, steps: int = 11) -> pd.DataFrame:
    """Preferred option on a grid of two inputs (each over its tornado range).

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (the two inputs' values), preferred, then one
        pv column per option.
    """
    xa = np.linspace(a.low, a.high, steps)
    xb = np.linspace(b.low, b.high, steps)
    ga, gb = np.meshgrid(xa, xb, indexing="ij")
    n = ga.size
    pv = evaluate_inputs(scenario, {a: ga.ravel(), b: gb.ravel()}, n)
    ids = [o.id for o in scenario.options]
    out = pd.DataFrame({a.label: ga.ravel(), b.label: gb.ravel(), "preferred": [ids[i] for i in np.argmin(pv, axis=1)]})
    for j, oid in enumerate(ids):
        out[f"pv_{oid}"] = pv[:, j]
    return out


#: The seed of SALib's bootstrap (confidence intervals) when the run's seed is 0, which SALib ignores.
_BOOTSTRAP_SEED_FOR_ZERO = 20240430


def sobol_indices(scenario: Scenario, n: int = 4096, seed: int = 0) -> pd.DataFrame:
    """First-order and total Sobol indices of the random inputs (SALib, Saltelli sampling).

    Parameters
    ----------
    scenario : Scenario
    n : int
        Base sample size, a power of 2; the engine runs ``n x (inputs + 2)`` times.
    seed : int

    Returns
    -------
    pandas.DataFrame
        Columns target, minuend, subtrahend (as in :func:`tornado`), input,
        S1, S1_conf, ST, ST_conf.
    """
    from SALib.analyze import sobol as sobol_analyze  # lazy: SALib takes ~1 s to import
    from SALib.sample import sobol as sobol_sample

    dists = scenario.random_inputs
    labels = list(dists)
    if not labels:
        raise ValueError("the scenario has no random inputs: Sobol indices need distributions")
    if n < 2 or n & (n - 1):
        raise ValueError("n must be a power of 2")
    problem = {"num_vars": len(labels), "names": labels, "bounds": [[0.0, 1.0]] * len(labels)}
    u = sobol_sample.sample(problem, n, calc_second_order=False, seed=seed)
    u = np.clip(u, 1e-12, 1 - 1e-12)
    random = {label: dists[label].ppf(u[:, j]) for j, label in enumerate(labels)}
    values = InputValues(scenario, random, u.shape[0])
    pv = option_arrays(scenario, values).pv_cost
    check_draws(scenario, values, pv, describe=lambda k: f"Sobol sample {k + 1} of {u.shape[0]}")
    best, second = _best_two(scenario)
    ids = [o.id for o in scenario.options]
    outputs = {(oid, "", ""): pv[:, j] for j, oid in enumerate(ids)}
    if len(ids) > 1:
        outputs[(GAP, ids[second], ids[best])] = pv[:, second] - pv[:, best]
    rows = []
    for (name, minuend, subtrahend), y in outputs.items():
        if np.ptp(y) == 0:
            res = {
                "S1": np.zeros(len(labels)),
                "S1_conf": np.zeros(len(labels)),
                "ST": np.zeros(len(labels)),
                "ST_conf": np.zeros(len(labels)),
            }
        else:
            # SALib seeds its bootstrap only when `seed` is truthy: 0 (the default) left the confidence
            # columns random from run to run. Seed 0 gets a fixed stand-in; other seeds are as before.
            res = sobol_analyze.analyze(problem, y, calc_second_order=False, seed=seed or _BOOTSTRAP_SEED_FOR_ZERO)
        for j, label in enumerate(labels):
            rows.append(
                {
                    "target": name,
                    "minuend": minuend,
                    "subtrahend": subtrahend,
                    "input": label,
                    "S1": float(res["S1"][j]),
                    "S1_conf": float(res["S1_conf"][j]),
                    "ST": float(res["ST"][j]),
                    "ST_conf": float(res["ST_conf"][j]),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Everything at once: the analysis that `costmodel sensitivity` reports
# ---------------------------------------------------------------------------


def match_input(inputs: list[AnalysisInput], text: str) -> AnalysisInput:
    """The input whose label is ``text``, or the only one whose label contains it.

    Raises
    ------
    ScenarioError
        When ``text`` matches no input or several, listing the inputs.
    """
    from costmodel.problems import Problem
    from costmodel.scenario import ScenarioError

    exact = [i for i in inputs if i.label == text]
    if exact:
        return exact[0]
    partial = [i for i in inputs if text in i.label]
    if len(partial) == 1:
        return partial[0]
    labels = ", ".join(i.label for i in inputs)
    what = "matches several inputs" if partial else "matches no input"
    raise ScenarioError([Problem("grid", "", f"{text!r} {what}; inputs: {labels}")])


@dataclass(frozen=True, repr=False)
class SensitivityResult:
    """Tornado, switching values, two-way grid and Sobol indices of one scenario.

    Attributes
    ----------
    scenario : Scenario
    inputs : list of AnalysisInput
        The inputs analysed, with their tornado and plausible ranges.
    tornado : pandas.DataFrame
        See :func:`tornado` (columns ``target``, ``minuend``, ``subtrahend``, ``input``, ...). [VND]
    switching : pandas.DataFrame
        See :func:`switching_values`.
    two_way : pandas.DataFrame or None
        See :func:`two_way`; None when no grid was asked or fewer than two inputs swing the result.
    sobol : pandas.DataFrame or None
        See :func:`sobol_indices`; None when skipped or the scenario has no distribution.
    target : str
        The target the tornado chart shows first: ``"gap"`` (between the two
        cheapest options) or the only option's id.
    percent : float
        +/- share used for inputs that are plain numbers.
    """

    scenario: Scenario
    inputs: list
    tornado: pd.DataFrame
    switching: pd.DataFrame
    two_way: pd.DataFrame | None
    sobol: pd.DataFrame | None
    target: str
    percent: float = DEFAULT_PERCENT

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by their CSV stem (tornado, switching, and two_way, sobol when computed)."""
        out = {"tornado": self.tornado, "switching": self.switching}
        if self.two_way is not None:
            out["two_way"] = self.two_way
        if self.sobol is not None:
            out["sobol"] = self.sobol
        return out

    @property
    def grid_inputs(self) -> tuple[str, str] | None:
        """Labels of the two inputs of the two-way grid (None without a grid)."""
        if self.two_way is None:
            return None
        return tuple(c for c in self.two_way.columns[:2])

    def __repr__(self) -> str:
        switches = int(self.switching["switching_value"].notna().sum()) if "switching_value" in self.switching else 0
        extra = (", two-way grid" if self.two_way is not None else "") + (", Sobol" if self.sobol is not None else "")
        return (
            f"<SensitivityResult {self.scenario.title[:60]!r}: {len(self.inputs)} inputs at ±{self.percent:.0%}, "
            f"{switches} switching value(s){extra}>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.display import sensitivity_html

        return sensitivity_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.tornado(target=None, ax=None)``, ``.plot.two_way(ax=None)``."""
        from costmodel.reports.display import SensitivityPlots

        return SensitivityPlots(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the cost workbook with the sensitivity sheets to ``path`` (.xlsx). Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write the CSV tables and charts (as ``costmodel sensitivity`` does) to ``folder``; returns the paths."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def sensitivity(
    scenario: Scenario,
    percent: float = DEFAULT_PERCENT,
    grid: str | tuple[str, str] | None = "auto",
    steps: int = 11,
    sobol: int = 1024,
    seed: int = 0,
) -> SensitivityResult:
    """Tornado, switching values, a two-way grid and Sobol indices in one call.

    Parameters
    ----------
    scenario : Scenario or str or path
        A scenario, or the path of its file.
    percent : float
        +/- share for inputs that are plain numbers (0.20 = ±20 %).
    grid : "auto", pair of str, "A,B" or None
        The two inputs of the two-way grid: ``"auto"`` takes the two with the
        largest swing of the gap (or of the only option), skipping inputs
        without a swing (a point value, ``low = high``), and draws no grid when
        fewer than two swing; a pair (or a comma-separated text) names them by
        label or a unique part of it (a named input without a range is an
        error); None skips the grid.
    steps : int
        Grid points per input.
    sobol : int
        Base sample of the Sobol indices (a power of 2); 0 skips them. Computed
        only when the scenario has distributions.
    seed : int

    Returns
    -------
    SensitivityResult

    Examples
    --------
    >>> import costmodel
    >>> sens = costmodel.sensitivity("scenarios/video-conferencing.toml", grid=None, sobol=0)
    >>> sens.tornado.columns[:4].tolist()
    ['input', 'low', 'high', 'target']
    """
    from costmodel.scenario import as_scenario

    scenario = as_scenario(scenario)
    if sobol and (sobol < 2 or sobol & (sobol - 1)):
        raise ValueError("sobol must be a power of 2 (or 0 to skip)")
    inputs = analysis_inputs(scenario, percent)
    table = tornado(scenario, inputs)
    switching = switching_values(scenario, inputs)
    target = GAP if len(scenario.options) > 1 else scenario.options[0].id
    grid_table = None
    if grid:
        if isinstance(grid, str) and grid == "auto":
            ranked = table[table["target"] == target].sort_values("swing", ascending=False)
            ranked = ranked[ranked["swing"] > 0]  # a point value (low = high) or an unused input has no swing: skipped
            pair = [next(i for i in inputs if i.label == t) for t in ranked["input"].tolist()[:2]]
        else:
            names = [g.strip() for g in grid.split(",")] if isinstance(grid, str) else list(grid)
            if len(names) != 2:
                from costmodel.problems import Problem
                from costmodel.scenario import ScenarioError

                raise ScenarioError([Problem("grid", "", "expected two inputs separated by a comma")])
            pair = [match_input(inputs, nm) for nm in names]
            for inp in pair:
                if not inp.high > inp.low:
                    from costmodel.problems import Problem
                    from costmodel.scenario import ScenarioError

                    raise ScenarioError(
                        [
                            Problem(
                                "grid",
                                "",
                                f"{inp.label!r} does not vary (low = high = {inp.low:g}, a point value): "
                                "a two-way grid needs two inputs with a range",
                            )
                        ]
                    )
        if len(pair) == 2:
            grid_table = two_way(scenario, pair[0], pair[1], steps)
    sobol_table = sobol_indices(scenario, sobol, seed) if sobol and scenario.is_uncertain else None
    return SensitivityResult(scenario, inputs, table, switching, grid_table, sobol_table, target, percent)

"""The orchestrator: scenario -> ledger -> metrics, in one call.

Every computed output is finite, or the evaluation stops: :func:`evaluate`
checks the ledger and the tables made from it, and :func:`check_draws` the
arrays of Monte Carlo and sensitivity analysis. A number that overflowed (or is
not a number) raises :class:`~costmodel.scenario.ScenarioError` naming the input
that caused it, by key path, before any file is written:

* a discount factor that overflows: ``scenario.discount_rate`` (or
  ``real_discount_rate``);
* a price that overflows through its escalation: the item's ``escalation``
  (``scenario.inflation`` when the item has none); through an optimism-bias
  uplift: ``optimism_bias.CATEGORY``;
* a real-terms amount that overflows: ``scenario.inflation``;
* an amount, a present value or a total that overflows otherwise: the item's
  ``price`` (the item with the largest amount of the option, for a total);
* an equivalent annual cost that overflows: the discount rate; a unit cost:
  ``scenario.unit_driver``.

Metrics that do not exist for a case stay NaN (written as an empty cell or a
dash): the baseline's net savings, SIR, AIRR and payback, a payback never
reached, a unit cost whose driver is zero in every year.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from costmodel.ledger import build_ledger
from costmodel.metrics import budget_table, cumulative_table, round_ledger, summary_table
from costmodel.problems import Problem
from costmodel.scenario import Item, Scenario, ScenarioError, as_scenario
from costmodel.values import InputValues, central_values

__all__ = ["Evaluation", "check_draws", "evaluate", "nonfinite_problems"]


@dataclass(frozen=True, repr=False)
class Evaluation:
    """Everything ``costmodel run`` reports for one scenario.

    Attributes
    ----------
    scenario : Scenario
        The scenario evaluated.
    ledger : pandas.DataFrame
        One row per option x item x year x kind (see
        :data:`costmodel.ledger.LEDGER_COLUMNS`). [VND]
    summary : pandas.DataFrame
        One row per option with the decision metrics. [VND]
    budget : pandas.DataFrame
        Nominal spending per option, year and budget. [VND]
    cumulative : pandas.DataFrame
        Cumulative nominal and present-value cost per option and year. [VND]
    """

    scenario: Scenario
    ledger: pd.DataFrame
    summary: pd.DataFrame
    budget: pd.DataFrame
    cumulative: pd.DataFrame

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The four tables by their CSV stem: summary, ledger, budget, cumulative."""
        return {"summary": self.summary, "ledger": self.ledger, "budget": self.budget, "cumulative": self.cumulative}

    def rounded(self) -> Evaluation:
        """The same evaluation from the ledger as paid: each line rounded to the whole đồng.

        What readers see (workbooks, tables, charts, sentences) comes from this,
        so every total is the sum of the rounded lines shown beside it
        (:func:`costmodel.metrics.round_ledger`).
        """
        ledger = round_ledger(self.ledger)
        return Evaluation(
            scenario=self.scenario,
            ledger=ledger,
            summary=summary_table(ledger, self.scenario),
            budget=budget_table(ledger, self.scenario),
            cumulative=cumulative_table(ledger, self.scenario),
        )

    @property
    def preferred(self) -> str:
        """Id of the option with rank 1 (lowest present-value cost)."""
        return str(self.summary.loc[self.summary["rank"] == 1, "option"].iloc[0])

    # -- for notebooks and scripts: rendering lives in costmodel.reports ------
    def __repr__(self) -> str:
        s = self.scenario
        best = self.summary.loc[self.summary["rank"] == 1].iloc[0]
        edits = f", {len(s.changes)} edit(s)" if s.changes else ""
        return (
            f"<Evaluation {s.title[:60]!r} {s.start_year}-{s.end_year}: {len(s.options)} options{edits}; "
            f"cheapest {best['option']!r}, PV cost {best['pv_cost']:,.0f} {s.currency}>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.display import evaluation_html

        return evaluation_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.cumulative()``, ``.plot.budget_by_category()``, ``.plot.pv_by_category()`` (each ``ax=None``)."""
        from costmodel.reports.display import EvaluationPlots

        return EvaluationPlots(self)

    @property
    def view(self):
        """Tables and text for readers: ``.view.summary()``, ``estimate()``, ``drivers()``, ``slip()``, ``recommendation()``."""
        from costmodel.reports.display import EvaluationViews

        return EvaluationViews(self)

    def to_excel(self, path, lang: str | None = None, simulation=None, sensitivity=None):
        """Write the workbook (as ``costmodel run`` does; with risk sheets when given) to ``path``. Returns the path.

        Parameters
        ----------
        path : str or pathlib.Path
            The .xlsx file to write (replaced atomically).
        lang : {"vi", "en"}, optional
            Default :data:`costmodel.options.lang`.
        simulation : SimulationResult, optional
        sensitivity : SensitivityResult, optional
        """
        from costmodel.reports.outputs import evaluation_workbook, write_file

        return write_file(path, evaluation_workbook(self, lang, simulation=simulation, sensitivity=sensitivity))

    def write(self, folder, lang: str | None = None, simulation=None, sensitivity=None):
        """Write every output of ``costmodel run`` (CSV tables, workbook, charts) to ``folder``; returns the paths.

        All files are rendered before any is written.
        """
        from costmodel.reports.outputs import evaluation_files, write_files

        return write_files(folder, evaluation_files(self, lang, simulation=simulation, sensitivity=sensitivity))


def evaluate(scenario: Scenario | str | os.PathLike) -> Evaluation:
    """Evaluate every option of a scenario.

    Parameters
    ----------
    scenario : Scenario or str or path
        From :func:`costmodel.load_scenario` or :func:`costmodel.parse_scenario`,
        or the path of a scenario file.

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> import costmodel
    >>> result = costmodel.evaluate("scenarios/video-conferencing.toml")
    >>> result.preferred
    'hybrid'
    >>> round(float(result.summary.set_index("option").loc["hybrid", "pv_cost"]) / 1e9, 2)
    17.6
    """
    scenario = as_scenario(scenario)
    ledger = build_ledger(scenario)
    with np.errstate(over="ignore", invalid="ignore"):  # what overflows is reported below, with its input
        result = Evaluation(
            scenario=scenario,
            ledger=ledger,
            summary=summary_table(ledger, scenario),
            budget=budget_table(ledger, scenario),
            cumulative=cumulative_table(ledger, scenario),
        )
    problems = nonfinite_problems(result)
    if problems:
        raise ScenarioError(problems)
    return result


# ---------------------------------------------------------------------------
# Finite outputs: which input made a number overflow
# ---------------------------------------------------------------------------

#: Ledger columns that must be finite on every row.
_LEDGER_NUMBERS = (
    "quantity",
    "unit_price",
    "periods",
    "before_vat",
    "vat",
    "nominal",
    "real",
    "discount_factor",
    "present_value",
)
#: Summary columns that must be finite, and those that may be NaN (the metric does not exist) but not infinite.
_SUMMARY_FINITE = ("pv_cost", "nominal_outlay", "residual_value", "eac")
_SUMMARY_DEFINED = ("unit_cost", "net_savings", "sir", "airr")
_OVERFLOW_WORDS = "beyond the largest number a computer holds"


def _item_path(option_id: str, item: Item) -> str:
    return f"options.{option_id}.{item.label}"


def _rate_path(scenario: Scenario) -> str:
    return "scenario.real_discount_rate" if scenario.real_discount_rate is not None else "scenario.discount_rate"


def _row_cause(scenario: Scenario, values: InputValues, row, item: Item) -> tuple[str, str]:
    """The key path of the input that made a ledger row non-finite, and what it did."""
    from costmodel.scenario.schema import MAX_AMOUNT, limit_text

    fin = math.isfinite
    year, base = int(row.year), scenario.base_year
    ipath = _item_path(row.option, item)
    if not fin(row.discount_factor):
        r = float(values.discount_rate()[0])
        hint = "a rate further from -1" if r < 0 else f"a smaller rate, or a base year closer to {year}"
        return _rate_path(scenario), (
            f"makes the discount factor of {year} infinite (overflow: (1 + {r:g}) ** -t, t the years from the start "
            f"of {base}); choose {hint}"
        )
    if not fin(row.unit_price):
        price = float(values.price(row.option, item)[0])
        if not fin(price):
            own = float(values.field(("item", row.option, item.position, "price"), item.price)[0])
            if not fin(own):
                return f"{ipath}.price", f"is not a finite number ({own!r})"
            bias = float(values.bias(item.category)[0])
            return f"optimism_bias.{item.category}", (f"makes the price of {ipath} infinite (overflow: {own:g} x (1 + {bias:g}))")
        esc = float(values.escalation(row.option, item)[0])
        where = "scenario.inflation" if item.escalation_is_inflation else f"{ipath}.escalation"
        whose = f"as the escalation of {ipath}, " if item.escalation_is_inflation else ""
        return where, (
            f"{whose}makes the price of {year} infinite "
            f"(overflow: {price:g} x (1 + {esc:g}) ** {year - base}); a rate this high cannot be computed over this horizon"
        )
    if not fin(row.quantity):
        if isinstance(item.quantity, str):
            return f"drivers.{item.quantity}", f"is not a finite number in {year} (used by {ipath})"
        return f"{ipath}.quantity", "is not a finite number"
    if not fin(row.real) and fin(row.nominal):
        inflation = float(values.inflation()[0])
        return "scenario.inflation", (
            f"makes the real-terms amount of {year} infinite (overflow: the deflator (1 + {inflation:g}) ** {year - base})"
        )
    if not (fin(row.nominal) and fin(row.before_vat) and fin(row.vat)):
        if abs(row.unit_price) > MAX_AMOUNT and not item.escalation_is_inflation:
            esc = float(values.escalation(row.option, item)[0])
            return f"{ipath}.escalation", (
                f"makes the price of {year} {row.unit_price:.3g} and the amount of that year infinite "
                f"(overflow: escalation {esc:g} a year); a rate this high cannot be computed over this horizon"
            )
        return f"{ipath}.price", (
            f"makes the amount of {year} infinite (overflow: {row.unit_price:.3g} x {row.quantity:g}); "
            f"expected at most {limit_text(MAX_AMOUNT)}"
        )
    if row.discount_factor > 1:
        return _rate_path(scenario), (
            f"makes the present value of {ipath} in {year} infinite (overflow: amount {row.nominal:.3g} x discount factor "
            f"{row.discount_factor:.3g})"
        )
    return f"{ipath}.price", f"makes the present value of {year} infinite (overflow)"


def _ledger_problems(scenario: Scenario, ledger: pd.DataFrame, values: InputValues, context: str = "") -> list[Problem]:
    """One problem per input that made a ledger row non-finite (the first row of each)."""
    numbers = ledger[list(_LEDGER_NUMBERS)].to_numpy(dtype=float)
    bad = ~np.isfinite(numbers).all(axis=1)
    if not bad.any():
        return []
    items = {(o.id, it.name): it for o in scenario.options for it in o.items}
    found: dict[str, str] = {}
    for row in ledger[bad].itertuples(index=False):
        path, message = _row_cause(scenario, values, row, items[(row.option, row.item)])
        found.setdefault(path, message)
    return [Problem(scenario.source, path, message + context) for path, message in found.items()]


def _largest_item(scenario: Scenario, ledger: pd.DataFrame, option_id: str) -> str:
    """Key path of the price of the option's item with the largest amount (the likeliest cause of an overflowing total)."""
    rows = ledger[ledger["option"] == option_id]
    opt = scenario.option(option_id)
    if rows.empty:
        return f"options.{option_id}"
    size = rows["nominal"].abs().groupby(rows["item"]).max()
    name = str(size.idxmax())
    item = next(it for it in opt.items if it.name == name)
    return f"{_item_path(option_id, item)}.price"


def _total_problem(scenario: Scenario, ledger: pd.DataFrame, option_id: str, what: str, context: str = "") -> Problem:
    return Problem(
        scenario.source,
        _largest_item(scenario, ledger, option_id),
        f"makes the option's {what} infinite (overflow: the sum of its amounts is {_OVERFLOW_WORDS}){context}",
    )


def nonfinite_problems(result: Evaluation, values: InputValues | None = None, context: str = "") -> list[Problem]:
    """Problems for every non-finite output of an evaluation, each naming the input that caused it.

    Parameters
    ----------
    result : Evaluation
        Ledger, summary, budget and cumulative tables (possibly with overflowed numbers).
    values : InputValues, optional
        The one draw the ledger was built from; default the central values.
    context : str
        Appended to every message (e.g. " (Monte Carlo draw 17 of 10000)").

    Returns
    -------
    list of Problem
        Empty when every output is finite (or NaN where a metric does not exist).
    """
    scenario, ledger = result.scenario, result.ledger
    values = values if values is not None else central_values(scenario)
    problems = _ledger_problems(scenario, ledger, values, context)
    if problems:
        return problems
    summary = result.summary
    for row in summary.itertuples(index=False):
        oid = row.option
        for col in _SUMMARY_FINITE:
            value = float(getattr(row, col))
            if math.isfinite(value):
                continue
            if col == "eac":
                problems.append(
                    Problem(
                        scenario.source,
                        _rate_path(scenario),
                        f"makes the equivalent annual cost of option {oid!r} infinite (overflow: present value {row.pv_cost:.3g} "
                        f"x capital recovery factor){context}",
                    )
                )
            else:
                problems.append(_total_problem(scenario, ledger, oid, col.replace("_", " "), context))
            break
        else:
            for col in _SUMMARY_DEFINED:
                value = getattr(row, col)
                if pd.isna(value) or math.isfinite(float(value)):
                    continue
                if col == "unit_cost":
                    problems.append(
                        Problem(
                            scenario.source,
                            "scenario.unit_driver",
                            f"the discounted total of driver {scenario.unit_driver!r} is so small that the unit cost of option "
                            f"{oid!r} is infinite (overflow){context}",
                        )
                    )
                else:
                    problems.append(_total_problem(scenario, ledger, oid, col.replace("_", " "), context))
    if problems:
        return problems
    for table, columns in (
        (result.budget, ("nominal",)),
        (result.cumulative, ("cumulative_nominal", "cumulative_present_value")),
    ):
        bad = ~np.isfinite(table[list(columns)].to_numpy(dtype=float)).all(axis=1)
        for oid in dict.fromkeys(table.loc[bad, "option"]):
            problems.append(_total_problem(scenario, ledger, str(oid), "yearly or cumulative spending", context))
    return problems


def check_draws(
    scenario: Scenario,
    values: InputValues,
    pv_cost: np.ndarray,
    nominal: np.ndarray | None = None,
    describe: Callable[[int], str] | None = None,
) -> None:
    """Raise when a draw of Monte Carlo or sensitivity analysis gave a non-finite result, naming the input.

    Parameters
    ----------
    scenario : Scenario
    values : InputValues
        The ``n`` draws evaluated.
    pv_cost : numpy.ndarray, shape (n, options)
    nominal : numpy.ndarray, shape (n, options, years), optional
    describe : callable, optional
        ``describe(k)`` says what draw ``k`` (from 0) is, for the message
        (default "draw k + 1 of n").

    Raises
    ------
    ScenarioError
        For the first draw with a non-finite result: the problems of its
        ledger (:func:`nonfinite_problems`), or of the option whose total overflowed.
    """
    finite = np.isfinite(pv_cost).all(axis=1)
    if nominal is not None:
        finite &= np.isfinite(nominal).reshape(nominal.shape[0], -1).all(axis=1)
    if finite.all():
        return
    k = int(np.flatnonzero(~finite)[0])
    label = describe(k) if describe is not None else f"draw {k + 1} of {values.n}"
    context = f" ({label})"
    one = values.draw(k)
    ledger = build_ledger(scenario, one)
    problems = _ledger_problems(scenario, ledger, one, context)
    if not problems:  # every line finite: a total overflowed
        bad = ~np.isfinite(pv_cost[k])
        if nominal is not None:
            bad |= ~np.isfinite(nominal[k]).all(axis=-1)
        j = int(np.flatnonzero(bad)[0])
        problems = [_total_problem(scenario, ledger, scenario.options[j].id, "present value or spending", context)]
    raise ScenarioError(problems)

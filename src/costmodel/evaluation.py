"""The orchestrator: scenario -> ledger -> metrics, in one call."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

from costmodel.ledger import build_ledger
from costmodel.metrics import budget_table, cumulative_table, round_ledger, summary_table
from costmodel.scenario import Scenario, as_scenario

__all__ = ["Evaluation", "evaluate"]


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
    16.33
    """
    scenario = as_scenario(scenario)
    ledger = build_ledger(scenario)
    return Evaluation(
        scenario=scenario,
        ledger=ledger,
        summary=summary_table(ledger, scenario),
        budget=budget_table(ledger, scenario),
        cumulative=cumulative_table(ledger, scenario),
    )

"""The orchestrator: scenario -> ledger -> metrics, in one call."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from costmodel.ledger import build_ledger
from costmodel.metrics import budget_table, cumulative_table, round_ledger, summary_table
from costmodel.scenario import Scenario

__all__ = ["Evaluation", "evaluate"]


@dataclass(frozen=True)
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


def evaluate(scenario: Scenario) -> Evaluation:
    """Evaluate every option of a scenario.

    Parameters
    ----------
    scenario : Scenario
        From :func:`costmodel.load_scenario` or :func:`costmodel.parse_scenario`.

    Returns
    -------
    Evaluation
    """
    ledger = build_ledger(scenario)
    return Evaluation(
        scenario=scenario,
        ledger=ledger,
        summary=summary_table(ledger, scenario),
        budget=budget_table(ledger, scenario),
        cumulative=cumulative_table(ledger, scenario),
    )

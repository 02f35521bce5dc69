"""Choosing a deployment model: cost, criteria beyond cost, other provinces, and how robust the choice is.

:func:`choose` is what the IOC decision report (notebook 03, ``costmodel
choose``) rests on. It evaluates, from files and through the library's own
engines only:

* the cost scenario the criteria file names (:func:`costmodel.evaluate`), with
  its switching values inside plausible ranges (:func:`costmodel.sensitivity`);
* the criteria file (:mod:`costmodel.mcda`): gates, weighted scores with the
  present-value cost **beside** them, the combined view, weight sensitivity
  (of the weighted score and of the combined view), weight uncertainty and the
  extra cost per point of score;
* the survey of other provinces (:mod:`costmodel.survey`) and its summary;
* the latest IOC data-sharing compliance run (:func:`costmodel.check_compliance`),
  when a folder of status files is given, as the evidence for the "expected
  use" criterion.

Nothing is computed here that those modules do not compute; this module only
assembles them for one decision.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from costmodel.mcda import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    Criteria,
    CriteriaResult,
    WeightUncertainty,
    cost_per_point,
    evaluate_criteria,
    load_criteria,
    weight_sensitivity,
    weight_uncertainty,
)

__all__ = ["ModelChoice", "choose"]


@dataclass(frozen=True, repr=False)
class ModelChoice:
    """Everything a deployment-model decision rests on.

    Attributes
    ----------
    criteria : Criteria
    result : CriteriaResult
        Gates, ranking by weighted score with present-value cost beside it,
        the combined view, profiles.
    cost : Evaluation
        The cost scenario evaluated (present values of cost). [VND]
    switching : pandas.DataFrame
        Switching values of the cost scenario's inputs inside their plausible ranges.
    sensitivity : pandas.DataFrame
        Weight sensitivity of the ranking by weighted score.
    sensitivity_combined : pandas.DataFrame or None
        Weight sensitivity of the combined view (cost as one more criterion).
    uncertainty : WeightUncertainty
        Probability that each option ranks first under uncertain weights.
    per_point : pandas.DataFrame
        Extra cost of the top option per point of weighted score, against each other option.
    survey : pandas.DataFrame or None
        Other provinces' IOCs (one row each, with its source).
    compliance : ComplianceResult or None
        The latest data-sharing compliance run (evidence for "expected use").
    """

    criteria: Criteria
    result: CriteriaResult
    cost: object
    switching: pd.DataFrame
    sensitivity: pd.DataFrame
    sensitivity_combined: pd.DataFrame | None
    uncertainty: WeightUncertainty
    per_point: pd.DataFrame
    survey: pd.DataFrame | None = None
    compliance: object | None = None

    @property
    def top(self) -> str | None:
        """The eligible option with the highest weighted score."""
        return self.result.top

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Machine tables by CSV stem."""
        out = {
            "ranking": self.result.ranking,
            "gates": self.result.gates,
            "profile": self.result.profile,
            "weights": self.result.weights,
            "weight_sensitivity": self.sensitivity,
            "weight_uncertainty": self.uncertainty.summary,
            "cost_per_point": self.per_point,
            "cost_switching": self.switching,
        }
        if self.sensitivity_combined is not None:
            out["weight_sensitivity_combined"] = self.sensitivity_combined
        if self.survey is not None:
            out["survey"] = self.survey
        return out

    def __repr__(self) -> str:
        r = self.result.ranking
        excluded = int((~r["eligible"]).sum())
        survey = f", survey of {len(self.survey)} IOCs" if self.survey is not None else ""
        return (
            f"<ModelChoice {self.criteria.title[:50]!r}: {len(self.criteria.criteria)} criteria, "
            f"{len(self.criteria.gates)} gates, {excluded} option(s) excluded; top {self.top!r}{survey}>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.choice_report import choice_html

        return choice_html(self)

    @property
    def plot(self):
        """Charts: ``.plot.profile(ax=None)`` (score profiles), ``.plot.uncertainty(ax=None)``."""
        from costmodel.reports.display import ChoicePlots

        return ChoicePlots(self)

    @property
    def view(self):
        """Parts of the decision report: ``guidance()``, ``survey()``, ``criteria()``, ``ranking()``, ..."""
        from costmodel.reports.display import ChoiceViews

        return ChoiceViews(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the decision workbook (ranking, criteria and scores, sensitivity, survey) to ``path``."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write the CSV tables, the decision report (Markdown, HTML), the workbook and the charts to ``folder``."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def _latest_compliance(folder: Path):
    from costmodel.compliance import check_compliance
    from costmodel.folders import compliance_inputs

    found = compliance_inputs(folder)
    if found is None:
        return None
    catalogue, statuses = found
    as_of, status = statuses[-1]
    prev_as_of, prev = statuses[-2] if len(statuses) > 1 else (None, None)
    return check_compliance(catalogue, status, as_of, prev, prev_as_of, sample=(folder / "SAMPLE").exists())


def choose(
    criteria: str | os.PathLike,
    cost_scenario=None,
    survey: str | os.PathLike | None = "auto",
    compliance: str | os.PathLike | None = "auto",
    draws: int = DEFAULT_DRAWS,
    seed: int = DEFAULT_SEED,
) -> ModelChoice:
    """Evaluate a deployment-model decision: cost, criteria, survey, robustness.

    Parameters
    ----------
    criteria : str or path
        The criteria file (``docs/criteria-format.md``).
    cost_scenario : Scenario or path, optional
        Default: the file the criteria name in ``cost_scenario``.
    survey : path or "auto" or None
        The survey CSV; ``"auto"``: ``ioc-provinces.csv`` beside the criteria file when it exists.
    compliance : path or "auto" or None
        A folder with ``catalogue.csv`` and ``status-YYYY-MM-DD.csv`` files; ``"auto"``:
        ``ioc-data/`` beside the criteria file when it exists.
    draws, seed : int
        Weight-uncertainty draws and their seed.

    Returns
    -------
    ModelChoice

    Raises
    ------
    CriteriaError, ScenarioError, SurveyError, ComplianceError
        A bad input file, naming the file, the key path or line and what was expected.

    Examples
    --------
    >>> import costmodel
    >>> choice = costmodel.choose("scenarios/ioc-criteria.toml", draws=2000)
    >>> choice.top in {"rent", "invest", "hybrid"}
    True
    """
    from costmodel.evaluation import evaluate
    from costmodel.mcda import CriteriaError
    from costmodel.problems import Problem
    from costmodel.risk.sensitivity import analysis_inputs, switching_values
    from costmodel.scenario import as_scenario
    from costmodel.survey import read_survey

    path = Path(criteria)
    first = load_criteria(path)
    if cost_scenario is None:
        if first.cost_scenario_path is None:
            raise CriteriaError([Problem(str(path), "criteria.cost_scenario", "name the cost scenario whose options are scored")])
        cost_scenario = first.cost_scenario_path
    scenario = as_scenario(cost_scenario)
    crit = load_criteria(path, [o.id for o in scenario.options])
    shown = evaluate(scenario).rounded()
    costs = dict(zip(shown.summary["option"], shown.summary["pv_cost"].astype(float), strict=True))
    result = evaluate_criteria(crit, costs)
    sens = weight_sensitivity(crit)
    combined = weight_sensitivity(crit, costs) if crit.cost_weight is not None else None
    unc = weight_uncertainty(crit, draws, seed)
    per_point = cost_per_point(result)
    switching = switching_values(scenario, analysis_inputs(scenario))
    if isinstance(survey, str) and survey == "auto":
        candidate = path.parent / "ioc-provinces.csv"
        survey = candidate if candidate.exists() else None
    table = read_survey(survey) if survey is not None else None
    if isinstance(compliance, str) and compliance == "auto":
        candidate = path.parent / "ioc-data"
        compliance = candidate if candidate.is_dir() else None
    evidence = _latest_compliance(Path(compliance)) if compliance is not None else None
    return ModelChoice(crit, result, shown, switching, sens, combined, unc, per_point, table, evidence)

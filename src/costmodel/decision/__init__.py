"""Decision analysis on evaluated options: robust choice across futures and value of information.

Three modules, one responsibility each, so that each can be read and
checked on its own:

* :mod:`costmodel.decision.robust`: the same options evaluated in several
  futures (a table of present-value costs) -> regret, maximum regret,
  expected cost and regret, the minimax-regret and minimum-expected-cost
  options. Pure table arithmetic; no randomness.
* :mod:`costmodel.decision.voi`: Monte Carlo draws of every option's cost ->
  the expected value of perfect information (EVPI) and of partial perfect
  information per input or group (EVPPI, by regression), and
  :func:`value_of_information`, which makes the draws for a scenario with
  the same engine as ``costmodel simulate``.
* :mod:`costmodel.decision.splines`: the regression smoother the EVPPI needs
  (natural cubic regression splines, knots by GCV, additive models), kept
  apart because it is numerical machinery with its own tests and
  references, not decision analysis.

Every function returns machine column names; the reader's words are the
reports' job (proposed entries in ``reports/vocab/decision.csv``).
"""

from __future__ import annotations

from costmodel.decision.robust import RobustChoice, costs_from_evaluations, regret, robust_choice
from costmodel.decision.voi import (
    ValueOfInformation,
    evpi,
    evpi_standard_error,
    evppi,
    input_draws,
    value_of_information,
)

__all__ = [
    "RobustChoice",
    "ValueOfInformation",
    "costs_from_evaluations",
    "evpi",
    "evpi_standard_error",
    "evppi",
    "input_draws",
    "regret",
    "robust_choice",
    "value_of_information",
]

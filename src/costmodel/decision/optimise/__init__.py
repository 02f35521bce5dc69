"""The cheapest own/rent plan year by year, under budget caps, across futures (issue 17, part 1).

For each capacity a scenario can rent (per-unit rental items) or own (``added`` items
with their module, price, life and running costs), a mixed-integer programme chooses
per year the modules bought and the units rented so that capacity covers the need, at
the least present-value cost with the engine's conventions; with several futures the
first year's decisions are shared and later years adapt (two-stage). Every cost
coefficient comes from the engine (:mod:`.engine`), every hand-made option is a
feasible plan with exactly its own cost, and the plan is written back as a scenario
whose single option ``costmodel run`` evaluates to the optimiser's objective.

Modules, one responsibility each:

* :mod:`.structure`: capacities and how each option uses them; futures; budget caps;
* :mod:`.engine`: derived scenarios evaluated by the engine -> cost coefficients;
* :mod:`.programme`: the MILP (variables, constraints, HiGHS) and the independent check;
* :mod:`.plan`: the plan as a scenario file (TOML);
* :mod:`.api`: :func:`optimise` and :class:`OptimisationResult`.

The method, with references (Birge & Louveaux; Birge 1982; Weingartner 1963; Brill et
al. 1982), is in ``docs/methodology.md`` (section 12).
"""

from __future__ import annotations

from .api import (
    ALTERNATIVE_COLUMNS,
    BINDING_COLUMNS,
    DECISION_COLUMNS,
    PLAN_COLUMNS,
    SUMMARY_COLUMNS,
    OptimisationResult,
    optimise,
)
from .programme import Decisions, Programme, check_decisions
from .structure import CAP_SOURCES, Future, OptimiseError, analyse, normalise_caps, normalise_futures

__all__ = [
    "ALTERNATIVE_COLUMNS",
    "BINDING_COLUMNS",
    "CAP_SOURCES",
    "DECISION_COLUMNS",
    "PLAN_COLUMNS",
    "SUMMARY_COLUMNS",
    "Decisions",
    "Future",
    "OptimisationResult",
    "OptimiseError",
    "Programme",
    "analyse",
    "check_decisions",
    "normalise_caps",
    "normalise_futures",
    "optimise",
]

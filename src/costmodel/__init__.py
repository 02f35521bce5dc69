"""costmodel: rent, buy or hybrid? Life-cycle cost decisions for provincial IT.

Data flows one way: scenario file -> validated model -> values -> ledger ->
metrics -> reports. Everything a notebook or a script needs is here::

    import costmodel
    result = costmodel.evaluate("scenarios/data-integration-center.toml")
    result                      # the ranked summary (HTML in a notebook)
    result.summary              # one row per option: pv_cost, eac, rank, sir, ...
    result.ledger               # every number, one row per option x item x year x kind
    result.plot.cumulative()    # charts return matplotlib Figures (ax=None)
    s2 = result.scenario.with_changes({"scenario.discount_rate": 0.06})
    costmodel.compare(result.scenario, s2)           # why the result moved
    costmodel.simulate(s2, draws=10_000, seed=0)     # Monte Carlo
    costmodel.sensitivity(s2)                        # tornado, switching values
    costmodel.options.lang = "en"                    # readers' language (default "vi")

Entry points: :func:`load_scenario`, :func:`parse_scenario`, :func:`evaluate`,
:func:`simulate`, :func:`sensitivity`, :func:`compare`, :func:`procurement`
(schedule and weekly progress of a procurement plan), :func:`check_compliance`
(IOC data-sharing lists), :func:`choose` (a deployment model on cost and criteria
beyond cost), :func:`robust` (the choice that holds across futures: regret),
:func:`value_of_information` (EVPI, EVPPI), :func:`optimise` (the cheapest own/rent plan
year by year under budget caps, across futures), :func:`retrospective` (audit of a past rental),
:func:`explanatory_report` (the report to the State Audit, from
:class:`ExplanatoryInputs`) and :data:`options`.
"""

from importlib.metadata import PackageNotFoundError, version

from costmodel._options import options
from costmodel.evaluation import Evaluation, evaluate
from costmodel.problems import InputError
from costmodel.scenario import Problem, Scenario, ScenarioError, load_scenario, parse_scenario

try:
    __version__ = version("costmodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Evaluation",
    "ExplanatoryInputs",
    "InputError",
    "Problem",
    "Scenario",
    "ScenarioError",
    "__version__",
    "check_compliance",
    "choose",
    "compare",
    "evaluate",
    "explanatory_report",
    "load_scenario",
    "optimise",
    "options",
    "parse_scenario",
    "procurement",
    "retrospective",
    "robust",
    "sensitivity",
    "simulate",
    "value_of_information",
]

#: Entry points imported on first use (keeps ``import costmodel`` and the command line quick).
_LAZY = {
    "simulate": ("costmodel.risk.simulate", "simulate"),
    "sensitivity": ("costmodel.risk.sensitivity", "sensitivity"),
    "compare": ("costmodel.explain", "compare"),
    "choose": ("costmodel.choice", "choose"),
    "robust": ("costmodel.futures", "robust"),
    "optimise": ("costmodel.decision.optimise", "optimise"),
    "value_of_information": ("costmodel.decision.voi", "value_of_information"),
    "procurement": ("costmodel.schedule.tracking", "procurement"),
    "check_compliance": ("costmodel.compliance", "check_compliance"),
    "retrospective": ("costmodel.audit", "retrospective"),
    "explanatory_report": ("costmodel.reports.explanatory", "explanatory_report"),
    "ExplanatoryInputs": ("costmodel.reports.explanatory", "ExplanatoryInputs"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'costmodel' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def _register_ipython() -> None:
    from costmodel.reports.display import register_ipython

    register_ipython()


_register_ipython()

"""costmodel: rent, buy or hybrid? Life-cycle cost decisions for provincial IT.

Data flows one way: scenario file -> validated model -> ledger -> metrics ->
reports. The public entry points::

    import costmodel
    scenario = costmodel.load_scenario("scenarios/data-integration-center.toml")
    result = costmodel.evaluate(scenario)
    result.summary      # one row per option: pv_cost, eac, rank, sir, ...
    result.ledger       # every number, one row per option x item x year x kind
"""

from importlib.metadata import PackageNotFoundError, version

from costmodel.evaluation import Evaluation, evaluate
from costmodel.scenario import Problem, Scenario, ScenarioError, load_scenario, parse_scenario

try:
    __version__ = version("costmodel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Evaluation",
    "Problem",
    "Scenario",
    "ScenarioError",
    "__version__",
    "evaluate",
    "load_scenario",
    "parse_scenario",
]

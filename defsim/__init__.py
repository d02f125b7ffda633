"""defsim: a discrete-event simulator of air-defence interceptor stockpiles under attack.

    >>> import defsim
    >>> scenario = defsim.load("scenarios/textbook.yaml")
    >>> result = defsim.run(scenario, seed=1)
    >>> result.summary["totals"]["killed"]

Layers, each importing only those after it: cli -> api -> io -> analysis -> engine -> plan -> scenario.
Every number in a shipped scenario is notional.
"""

from ._version import __version__
from .api import ComparisonResult, EnsembleResult, RunResult, compare, load, run, sweep
from .scenario import Scenario, ScenarioError, ScenarioSpec

__all__ = [
    "ComparisonResult",
    "EnsembleResult",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioSpec",
    "__version__",
    "compare",
    "load",
    "run",
    "sweep",
]

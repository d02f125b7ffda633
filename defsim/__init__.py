"""defsim: a discrete-event simulator of air-defence interceptor stockpiles under attack.

    >>> import defsim
    >>> scenario = defsim.load("scenarios/textbook.yaml")
    >>> result = defsim.run(scenario, seed=1)
    >>> result.summary["totals"]["killed"]

Every number in a shipped scenario is notional.
"""

from .api import compare, load, run, sweep
from .results import RunResult
from .scenario import ScenarioError
from .schema import Scenario

__version__ = "0.1.0"

__all__ = ["RunResult", "Scenario", "ScenarioError", "__version__", "compare", "load", "run", "sweep"]

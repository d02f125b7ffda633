"""defsim: a discrete-event simulator of air-defence interceptor stockpiles under attack.

    >>> import defsim
    >>> scenario = defsim.load("textbook")
    >>> result = defsim.run(scenario, seed=1)
    >>> result.summary["totals"]["killed"]
    >>> ens = defsim.ensemble(scenario, reps=100)   # or defsim.run(scenario, reps=100)
    >>> [f.key for f in defsim.figures(scenario)]   # every figure it reports

Layers, each importing only those after it: cli -> api -> io -> analysis -> engine -> plan -> scenario.
Every number in a shipped scenario is notional.
"""

from typing import TYPE_CHECKING

from ._startup import hold as _hold

_hold()  # the defsim command notes Ctrl-C while it loads (no traceback from an import)

from . import _lazy  # noqa: E402
from ._version import __version__  # noqa: E402

if TYPE_CHECKING:
    from .api import (
        ComparisonResult,
        DiscoveryResult,
        EnsembleResult,
        Figure,
        Kind,
        RunResult,
        UnknownFigure,
        compare,
        discover,
        ensemble,
        figures,
        load,
        run,
        sweep,
    )
    from .scenario import InputError, Scenario, ScenarioError, ScenarioSpec

#: the public names, imported on first use: ``defsim --version`` need not import numpy
__getattr__ = _lazy.getter(
    __name__,
    globals(),
    {
        "defsim.api": "ComparisonResult DiscoveryResult EnsembleResult Figure Kind RunResult UnknownFigure "
        "compare discover ensemble figures load run sweep",
        "defsim.scenario": "InputError Scenario ScenarioError ScenarioSpec",
    },
)

__all__ = [
    "ComparisonResult",
    "DiscoveryResult",
    "EnsembleResult",
    "Figure",
    "InputError",
    "Kind",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "ScenarioSpec",
    "UnknownFigure",
    "__version__",
    "compare",
    "discover",
    "ensemble",
    "figures",
    "load",
    "run",
    "sweep",
]

"""The Python API: ``load`` a scenario; ``run`` it once, or as an ``ensemble``; ``sweep`` and ``compare``.

``run`` returns a :class:`RunResult`; ``ensemble`` (and ``run(..., reps=N)``, kept as a typed
overload) an :class:`EnsembleResult`; ``sweep`` and ``compare`` a :class:`ComparisonResult`.
Every result has ``summary``, ``to_frame()``, ``plot()`` and ``save()``.  ``figures`` lists what
a scenario reports.  The CLI calls these functions and nothing else: what it does, they do.

Progress: ``progress`` is called with the number of replications just finished; if it also has
a ``start(total)`` method, that is called first with the number of replications planned (and
again when ``precision`` adds more).
"""

from __future__ import annotations

from ..analysis.execution import (
    ReplicationFailed,
    SchedulerNotDask,
    SchedulerUnreachable,
    WorkerLost,
    WorkerVersionMismatch,
)
from ..analysis.metrics import Figure, Kind, UnknownFigure
from ..interrupt import Interrupted
from ..plan.size import WorkTooBig
from .catalogue import scenarios, templates
from .discovery import DiscoveryError, SampleInvalid, discover
from .folders import compare_results, plot, report
from .results import ComparisonResult, EnsembleResult, RunResult
from .results_discover import DiscoveryResult
from .runs import PrecisionUnreachable, ensemble, figures, load, loads, run, workers_for
from .variants import compare, sweep

__all__ = [
    "ComparisonResult",
    "DiscoveryError",
    "DiscoveryResult",
    "EnsembleResult",
    "Figure",
    "Interrupted",
    "Kind",
    "PrecisionUnreachable",
    "ReplicationFailed",
    "RunResult",
    "SampleInvalid",
    "SchedulerNotDask",
    "SchedulerUnreachable",
    "UnknownFigure",
    "WorkTooBig",
    "WorkerLost",
    "WorkerVersionMismatch",
    "compare",
    "compare_results",
    "discover",
    "ensemble",
    "figures",
    "load",
    "loads",
    "plot",
    "report",
    "run",
    "scenarios",
    "sweep",
    "templates",
    "workers_for",
]

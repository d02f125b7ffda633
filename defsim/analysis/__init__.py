"""The analysis layer: figures from run records, ensembles, comparisons and their statistics.

Every figure is declared once in :mod:`.figures` (the metrics registry, built from the parts in
:mod:`.metrics`); statistics by kind are in :mod:`.statistics`.  Scenario discovery (sampling designs, PRIM
boxes, Sobol and regional-sensitivity rankings) is in :mod:`.discovery`.

The result model, what plots, answers, reports and comparisons are drawn from, is :mod:`.views`:
made from a result in memory by :mod:`.as_written`, read back from a results folder by
:mod:`defsim.io.folder`, the same objects either way.

It runs the engine (ensembles do) but writes no files and draws nothing: that is :mod:`defsim.io`.
"""

from .comparison import ComparisonAnalysis
from .effects import ComparisonAnswers, Effect, VariantAnswer, comparison_answers
from .ensemble import Collected, EnsembleAnalysis, Replication, default_workers, execute, make_grid, run_chunk
from .figures import REGISTRY
from .metrics import Figure, Kind, UnknownFigure
from .run import RunAnalysis
from .stock import StockSeries

__all__ = [
    "REGISTRY",
    "Collected",
    "ComparisonAnalysis",
    "ComparisonAnswers",
    "Effect",
    "EnsembleAnalysis",
    "Figure",
    "Kind",
    "Replication",
    "RunAnalysis",
    "StockSeries",
    "UnknownFigure",
    "VariantAnswer",
    "comparison_answers",
    "default_workers",
    "execute",
    "make_grid",
    "run_chunk",
]

"""The analysis layer: figures from run records, ensembles, comparisons and their statistics.

It runs the engine (ensembles do) but writes no files and draws nothing: that is :mod:`defsim.io`.
"""

from .comparison import ComparisonAnalysis
from .ensemble import EnsembleAnalysis, Replication, default_workers, execute, make_grid, run_chunk
from .run import RunAnalysis, StockSeries

__all__ = [
    "ComparisonAnalysis",
    "EnsembleAnalysis",
    "Replication",
    "RunAnalysis",
    "StockSeries",
    "default_workers",
    "execute",
    "make_grid",
    "run_chunk",
]

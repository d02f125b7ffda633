"""The engine layer: one run of a :class:`~defsim.plan.Plan` on SimPy's clock.

It reads plain plan data only, and reads or writes no files.
"""

from .records import EventKind, EventLog, LeakReason, RunRecord, StockLog
from .simulation import Simulation, simulate

__all__ = ["EventKind", "EventLog", "LeakReason", "RunRecord", "Simulation", "StockLog", "simulate"]

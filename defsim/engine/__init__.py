"""The engine layer: one run of a :class:`~defsim.plan.Plan` on SimPy's clock.

It reads plain plan data only, and reads or writes no files.
"""

from .simulation import RunRecord, Simulation, simulate

__all__ = ["RunRecord", "Simulation", "simulate"]

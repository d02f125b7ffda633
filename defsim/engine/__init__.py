"""The simulation engine: plan (build), sites and attacks (model), simulation (run, collect).

Nothing in here reads or writes files or draws plots.
"""

from .plan import Plan, build
from .simulation import RunRecord, Simulation, simulate

__all__ = ["Plan", "RunRecord", "Simulation", "build", "simulate"]

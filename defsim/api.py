"""The Python API: ``load`` a scenario, ``run`` it."""

from __future__ import annotations

from pathlib import Path

from . import scenario as _scenario
from .engine import build, simulate
from .results import RunResult
from .schema import Scenario


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are ``path.to.key=value`` strings.

    Raises :class:`defsim.ScenarioError` with the YAML line of every problem.
    """
    return _scenario.load(path, overrides)


def run(scenario: Scenario | str | Path, seed: int | None = None, record_events: bool = True) -> RunResult:
    """Run a scenario once (replication 0 of ``seed``; default: the scenario's ``seed:``)."""
    if not isinstance(scenario, Scenario):
        scenario = load(scenario)
    plan = build(scenario)
    return RunResult(simulate(plan, scenario.seed if seed is None else seed, 0, record_events))

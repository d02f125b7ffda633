"""The Python API: ``load`` a scenario, ``run`` it once or as an ensemble, ``sweep`` and ``compare``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import scenario as _scenario
from ..analysis import default_workers, execute, make_grid
from ..engine import simulate
from ..engine.control import Process
from ..plan.compiler import build
from ..scenario import Scenario, variants
from ..scenario.units import parse_duration
from .results import ComparisonResult, EnsembleResult, RunResult

__all__ = ["ComparisonResult", "EnsembleResult", "RunResult", "compare", "load", "run", "sweep"]

Progress = Callable[[int], None]


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are ``path.to.key=value`` strings.

    Raises :class:`defsim.ScenarioError` with the YAML line of every problem.
    """
    return _scenario.load(path, overrides)


def _scenario_of(scenario: Scenario | str | Path) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def run(
    scenario: Scenario | str | Path,
    seed: int | None = None,
    reps: int | None = None,
    *,
    workers: int | None = None,
    grid: str | float = "1d",
    scheduler: str | None = None,
    precision: float | None = None,
    metric: str = "totals.leaked_share",
    progress: Progress | None = None,
    record_events: bool = True,
    label: str | None = None,
    processes: list[Process] | tuple[Process, ...] = (),
) -> Any:
    """Run a scenario.

    Without ``reps``: one run (replication 0 of ``seed``, default the scenario's ``seed:``),
    exact stock series and event log, returned as a :class:`RunResult`.

    With ``reps``: an ensemble (:class:`EnsembleResult`) of replications 0..reps-1, stock on a
    regular ``grid``, on ``workers`` local processes (default: all cores) or a Dask
    ``scheduler`` address.  With ``precision``, replications are added in batches of ``reps``
    until the 95% half-width of ``metric`` is below it.

    ``processes`` are plain SimPy process functions ``f(env, world)`` started in every run's
    environment: ``world`` reads any holder's stock and ships, pauses or resumes routes and
    changes doctrines (see :class:`defsim.engine.control.World`; docs/howto.md).  For an
    ensemble on several workers they must be module-level functions (they are pickled).
    """
    sc = _scenario_of(scenario)
    seed = sc.seed if seed is None else seed
    if reps is None:
        return RunResult(simulate(build(sc.spec), seed, 0, record_events, processes), sc)
    if reps < 1:
        raise ValueError("reps must be at least 1")
    step = parse_duration(grid)
    if step <= 0:
        raise ValueError("grid must be a positive duration")
    plan = build(sc.spec)
    g = make_grid(plan.duration, step)
    w = default_workers() if workers is None else workers
    done = execute(plan, seed, list(range(reps)), g, w, scheduler, progress, processes)
    result = EnsembleResult(sc, plan, seed, g, done, label)
    if precision is not None:
        if metric not in result.columns:
            raise ValueError(f"unknown metric {metric!r}; one of: {', '.join(result.columns)}")
        while result.half_width(metric) > precision and len(done) < 1_000_000:
            more = list(range(len(done), len(done) + reps))
            done = done + execute(plan, seed, more, g, w, scheduler, progress, processes)
            result = EnsembleResult(sc, plan, seed, g, done, label)
    return result


def sweep(
    scenario: Scenario | str | Path,
    vary: dict[str, list[Any]],
    reps: int = 100,
    seed: int | None = None,
    figures: list[str] | tuple[str, ...] = (),
    **kwargs: Any,
) -> ComparisonResult:
    """Ensembles of every combination of the values in ``vary`` (``{"path.to.key": [v1, v2]}``).

    ``figures`` adds columns of reps.csv to the comparison table.
    """
    sc = _scenario_of(scenario)
    seed = sc.seed if seed is None else seed
    runs = [run(v, seed, reps, label=label, **kwargs) for label, v in variants(sc, vary)]
    return ComparisonResult(runs, figures)


def compare(
    scenarios: list[Scenario | str | Path],
    reps: int = 100,
    seed: int | None = None,
    figures: list[str] | tuple[str, ...] = (),
    **kwargs: Any,
) -> ComparisonResult:
    """Ensembles of several scenarios with the same replication seeds (default: the first's seed)."""
    scs = [_scenario_of(s) for s in scenarios]
    seed = scs[0].seed if seed is None else seed
    labels = [str(s) if not isinstance(s, Scenario) else s.name for s in scenarios]
    runs = [run(s, seed, reps, label=lab, **kwargs) for s, lab in zip(scs, labels, strict=True)]
    return ComparisonResult(runs, figures)

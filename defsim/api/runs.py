"""Loading a scenario, running it once or as an ensemble, and sizing the work first."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple, TypedDict, Unpack, overload

from .. import scenario as _scenario
from ..analysis import Collected, default_workers, execute, make_grid
from ..analysis.execution import SCHEDULER_TIMEOUT, Workers
from ..analysis.figures import REGISTRY
from ..analysis.metrics import Figure
from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from ..plan.compiler import build
from ..plan.size import DEFAULT_LIMITS, check, estimate
from ..scenario import InputError, Scenario
from ..scenario.units import parse_duration
from .results import EnsembleResult, RunResult

Progress = Callable[[int], None]
ScenarioLike = Scenario | str | Path


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are ``path.to.key=value`` strings.

    Raises :class:`defsim.ScenarioError` with the YAML line of every problem.
    """
    return _scenario.load(path, overrides)


def loads(
    text: str | bytes, source: str = "<scenario>", overrides: list[str] | tuple[str, ...] = ()
) -> Scenario:
    """A scenario from its YAML text or a file's bytes (an upload), named ``source`` in messages:
    the same bounds, decoding, overrides and checks as :func:`load`."""
    if isinstance(text, bytes):
        return _scenario.load_bytes(text, source, overrides)
    return _scenario.loads(text, source, overrides)


def _scenario_of(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def figures(scenario: ScenarioLike) -> list[Figure]:
    """Every figure the scenario reports (keys of reps.csv and ``--figure``), in summary order."""
    return list(REGISTRY.catalogue(build(_scenario_of(scenario).spec)).values())


def _start(progress: Progress | None, total: int) -> None:
    start = getattr(progress, "start", None)
    if callable(start):
        start(total)


class _RunKeywords(TypedDict, total=False):
    """The keyword arguments of :func:`run`, for its typed overloads."""

    workers: int | None
    grid: str | float
    scheduler: str | None
    precision: float | None
    metric: str
    progress: Progress | None
    record_events: bool
    label: str | None
    processes: Sequence[Process]
    allow_work: float
    replication: int


@overload
def run(
    scenario: ScenarioLike, seed: int | None = None, reps: None = None, **kw: Unpack[_RunKeywords]
) -> RunResult: ...


@overload
def run(
    scenario: ScenarioLike, seed: int | None = None, *, reps: int, **kw: Unpack[_RunKeywords]
) -> EnsembleResult: ...


@overload
def run(
    scenario: ScenarioLike, seed: int | None, reps: int, **kw: Unpack[_RunKeywords]
) -> EnsembleResult: ...


def run(
    scenario: ScenarioLike,
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
    processes: Sequence[Process] = (),
    allow_work: float = 1.0,
    replication: int = 0,
) -> RunResult | EnsembleResult:
    """Run a scenario once: ``replication`` (default 0) of ``seed`` (default the scenario's
    ``seed:``), with the exact stock series and the event log (``record_events``), as a
    :class:`RunResult`.  Work beyond the machine's bounds is refused first (:class:`WorkTooBig`).

    ``run(scenario, reps=N, ...)`` is :func:`ensemble` (its other arguments apply only then).

    ``processes`` are plain SimPy process functions ``f(env, world)`` started in every run's
    environment: ``world`` reads any holder's stock and ships, pauses or resumes routes and
    changes doctrines (see :class:`defsim.engine.control.World`;
    docs/howto/custom-processes.md).  For an
    ensemble on several workers they must be module-level functions (they are pickled).
    """
    sc = _scenario_of(scenario)
    if reps is not None:
        how = _How(label, progress, workers, scheduler, SCHEDULER_TIMEOUT, grid, metric, precision, processes)
        return _checked_ensemble(sc, reps, seed, how, allow_work)
    seed = sc.seed if seed is None else seed
    check(estimate(sc.spec), limits=DEFAULT_LIMITS.scaled(allow_work))
    return RunResult(simulate(build(sc.spec), seed, replication, record_events, tuple(processes)), sc)


def ensemble(
    scenario: ScenarioLike,
    reps: int = 100,
    seed: int | None = None,
    *,
    workers: int | None = None,
    grid: str | float = "1d",
    scheduler: str | None = None,
    precision: float | None = None,
    metric: str = "totals.leaked_share",
    progress: Progress | None = None,
    label: str | None = None,
    processes: Sequence[Process] = (),
    allow_work: float = 1.0,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
) -> EnsembleResult:
    """Replications 0..reps-1 of ``seed`` as an :class:`EnsembleResult`: stock on a regular
    ``grid``, on ``workers`` local processes (default and at most: the cores, times
    ``allow_work``) or a Dask ``scheduler`` address (given ``scheduler_timeout`` s to answer).

    With ``precision``, batches of ``reps`` replications are added until the 95% half-width of
    the figure ``metric`` is below it.  An unknown ``metric`` is refused before anything runs,
    and so is work beyond the machine's bounds (:class:`WorkTooBig`; ``allow_work`` scales them).
    """
    how = _How(label, progress, workers, scheduler, scheduler_timeout, grid, metric, precision, processes)
    return _checked_ensemble(_scenario_of(scenario), reps, seed, how, allow_work)


class _How(NamedTuple):
    """How an ensemble runs: its label and progress, where, on what grid, to what precision."""

    label: str | None
    progress: Progress | None
    workers: int | None
    scheduler: str | None
    scheduler_timeout: float
    grid: str | float
    metric: str = "totals.leaked_share"
    precision: float | None = None
    processes: Sequence[Process] = ()


def _checked_ensemble(
    sc: Scenario, reps: int, seed: int | None, how: _How, allow_work: float
) -> EnsembleResult:
    check(estimate(sc.spec), limits=DEFAULT_LIMITS.scaled(allow_work))  # before the plan lists rounds
    plan = build(sc.spec)
    REGISTRY.lookup(plan, how.metric, what="metric")
    _start(how.progress, reps)
    return _ensemble(sc, plan, reps, seed, how, allow_work)


def workers_for(workers: int | None, allow_work: float = 1.0) -> int:
    """Local worker processes: as asked, at most the cores (times ``allow_work``); default the cores."""
    cores = default_workers()
    return cores if workers is None else max(1, min(workers, math.floor(cores * max(allow_work, 1.0))))


def _ensemble(
    sc: Scenario, plan: Plan, reps: int, seed: int | None, how: _How, allow_work: float, variants: int = 1
) -> EnsembleResult:
    if reps < 1:
        raise InputError("reps must be at least 1")
    seed = sc.seed if seed is None else seed
    g = make_grid(plan.duration, _grid_step(how.grid))
    limits = DEFAULT_LIMITS.scaled(allow_work)
    work = estimate(sc.spec)
    check(work, reps=reps, grid_points=len(g), variants=variants, limits=limits)
    w = workers_for(how.workers, allow_work)
    metric, precision = how.metric, how.precision

    done = Collected(g)  # statistics folded in as replications come: memory flat in reps
    # one set of worker processes for every batch of a --precision run: none started per batch
    with Workers(w) as pool:

        def more(first: int, n: int) -> EnsembleResult:
            where = (w, how.scheduler, how.progress, tuple(how.processes), how.scheduler_timeout)
            execute(plan, seed, range(first, first + n), g, *where, into=done, pool=pool)
            return EnsembleResult(sc, plan, seed, g, done, how.label)

        result = more(0, reps)
        if precision is not None:
            if result.finite_count(metric) == 0:
                raise PrecisionUnreachable(
                    f"{metric} has no value in any of {len(done)} replications (e.g. a stockout that never "
                    "happens), so no number of replications gives it a precision; choose another --metric"
                )
            while result.half_width(metric) > precision:
                if len(done) + reps > limits.replications:
                    raise PrecisionUnreachable(
                        f"{len(done)} replications reached a 95% half-width of "
                        f"{result.half_width(metric):.4g} on {metric}, not {precision:g}, and more would "
                        f"pass the bound of {limits.replications:,.0f} replications "
                        "(raise it with --allow-work)"
                    )
                check(work, reps=len(done) + reps, grid_points=len(g), variants=variants, limits=limits)
                _start(how.progress, len(done) + reps)
                result = more(len(done), reps)
        return result


def _grid_step(grid: str | float) -> float:
    """The days between two points of an ensemble's stock grid."""
    try:
        step = parse_duration(grid)
    except ValueError as exc:
        raise InputError(f"grid: {exc}") from None
    if step <= 0:
        raise InputError("grid must be a positive duration")
    return step


class PrecisionUnreachable(InputError):
    """``precision`` cannot be reached: the figure has no value, or the replications would pass the bound."""

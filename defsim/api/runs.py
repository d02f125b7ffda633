"""Loading a scenario, running it once or as an ensemble, and sizing the work first."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, TypedDict, Unpack, overload

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


class _WhereKeywords(TypedDict, total=False):
    """Where ensembles run (keyword arguments of :func:`run`, :func:`ensemble`, ``sweep`` and
    ``compare``): ``workers`` (default: the cores), ``grid`` ("1d"), ``scheduler`` (None: local),
    ``progress`` (None), ``allow_work`` (1.0)."""

    workers: int | None
    grid: str | float
    scheduler: str | None
    progress: Progress | None
    allow_work: float


class _HowKeywords(_WhereKeywords, total=False):
    """And how one ensemble runs: ``precision`` (None: ``reps`` once), ``metric``
    ("totals.leaked_share"), ``label`` (None), ``processes`` (none)."""

    precision: float | None
    metric: str
    label: str | None
    processes: Sequence[Process]


class _RunKeywords(_HowKeywords, total=False):
    """The keyword arguments of :func:`run`: ``record_events`` (True), ``replication`` (0)."""

    record_events: bool
    replication: int


class _EnsembleKeywords(_HowKeywords, total=False):
    """The keyword arguments of :func:`ensemble`: ``scheduler_timeout`` (SCHEDULER_TIMEOUT s)."""

    scheduler_timeout: float


class _How(NamedTuple):
    """How an ensemble runs: its label and progress, where, on what grid, to what precision."""

    label: str | None = None
    progress: Progress | None = None
    workers: int | None = None
    scheduler: str | None = None
    scheduler_timeout: float = SCHEDULER_TIMEOUT
    grid: str | float = "1d"
    metric: str = "totals.leaked_share"
    precision: float | None = None
    processes: Sequence[Process] = ()


def _how(kw: Mapping[str, Any], accepted: type, caller: str) -> tuple[_How, float]:
    """The keyword arguments ``kw`` of ``caller`` as a :class:`_How` and ``allow_work``; a keyword
    its TypedDict ``accepted`` does not declare is refused, as Python refuses one a signature lacks."""
    for k in kw:
        if k not in accepted.__optional_keys__:  # type: ignore[attr-defined]
            raise TypeError(f"{caller}() got an unexpected keyword argument {k!r}")
    how = _How(**{k: v for k, v in kw.items() if k in _How._fields})
    return how, kw.get("allow_work", 1.0)


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
    scenario: ScenarioLike, seed: int | None = None, reps: int | None = None, **kw: Unpack[_RunKeywords]
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
    how, allow_work = _how(kw, _RunKeywords, "run")
    sc = _scenario_of(scenario)
    if reps is not None:
        return _checked_ensemble(sc, reps, seed, how, allow_work)
    seed = sc.seed if seed is None else seed
    check(estimate(sc.spec), limits=DEFAULT_LIMITS.scaled(allow_work))
    plan = build(sc.spec)
    record_events = kw.get("record_events", True)
    return RunResult(simulate(plan, seed, kw.get("replication", 0), record_events, tuple(how.processes)), sc)


def ensemble(
    scenario: ScenarioLike, reps: int = 100, seed: int | None = None, **kw: Unpack[_EnsembleKeywords]
) -> EnsembleResult:
    """Replications 0..reps-1 of ``seed`` as an :class:`EnsembleResult`: stock on a regular
    ``grid``, on ``workers`` local processes (default and at most: the cores, times
    ``allow_work``) or a Dask ``scheduler`` address (given ``scheduler_timeout`` s to answer).

    With ``precision``, batches of ``reps`` replications are added until the 95% half-width of
    the figure ``metric`` is below it.  An unknown ``metric`` is refused before anything runs,
    and so is work beyond the machine's bounds (:class:`WorkTooBig`; ``allow_work`` scales them).
    """
    how, allow_work = _how(kw, _EnsembleKeywords, "ensemble")
    return _checked_ensemble(_scenario_of(scenario), reps, seed, how, allow_work)


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

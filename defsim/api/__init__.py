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

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from .. import scenario as _scenario
from ..analysis import Collected, default_workers, execute, make_grid
from ..analysis.execution import SCHEDULER_TIMEOUT, Interrupted, ReplicationFailed, SchedulerUnreachable
from ..analysis.figures import REGISTRY
from ..analysis.metrics import Figure, Kind, UnknownFigure
from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from ..plan.compiler import build
from ..plan.size import DEFAULT_LIMITS, WorkTooBig, check, estimate
from ..scenario import Scenario, variants
from ..scenario.units import parse_duration
from .results import ComparisonResult, EnsembleResult, RunResult

__all__ = [
    "ComparisonResult",
    "EnsembleResult",
    "Figure",
    "Interrupted",
    "Kind",
    "PrecisionUnreachable",
    "ReplicationFailed",
    "RunResult",
    "SchedulerUnreachable",
    "UnknownFigure",
    "WorkTooBig",
    "compare",
    "compare_results",
    "ensemble",
    "figures",
    "load",
    "plot",
    "report",
    "run",
    "sweep",
]

Progress = Callable[[int], None]
ScenarioLike = Scenario | str | Path


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are ``path.to.key=value`` strings.

    Raises :class:`defsim.ScenarioError` with the YAML line of every problem.
    """
    return _scenario.load(path, overrides)


def _scenario_of(scenario: ScenarioLike) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load(scenario)


def figures(scenario: ScenarioLike) -> list[Figure]:
    """Every figure the scenario reports (keys of reps.csv and ``--figure``), in summary order."""
    return list(REGISTRY.catalogue(build(_scenario_of(scenario).spec)).values())


def _start(progress: Progress | None, total: int) -> None:
    start = getattr(progress, "start", None)
    if callable(start):
        start(total)


@overload
def run(
    scenario: ScenarioLike,
    seed: int | None = None,
    reps: None = None,
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
) -> RunResult: ...


@overload
def run(
    scenario: ScenarioLike,
    seed: int | None = None,
    *,
    reps: int,
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
) -> EnsembleResult: ...


@overload
def run(
    scenario: ScenarioLike,
    seed: int | None,
    reps: int,
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
    docs/howto/custom-processes.md).  For an ensemble on several workers they must be
    module-level functions (they are pickled).
    """
    sc = _scenario_of(scenario)
    if reps is not None:
        return ensemble(
            sc,
            reps,
            seed,
            workers=workers,
            grid=grid,
            scheduler=scheduler,
            precision=precision,
            metric=metric,
            progress=progress,
            label=label,
            processes=processes,
            allow_work=allow_work,
        )
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
    sc = _scenario_of(scenario)
    check(estimate(sc.spec), limits=DEFAULT_LIMITS.scaled(allow_work))  # before the plan lists rounds
    plan = build(sc.spec)
    REGISTRY.lookup(plan, metric, what="metric")
    _start(progress, reps)
    return _ensemble(
        sc,
        plan,
        reps,
        seed,
        workers,
        grid,
        scheduler,
        precision,
        metric,
        progress,
        label,
        processes,
        allow_work,
        scheduler_timeout,
    )


def workers_for(workers: int | None, allow_work: float = 1.0) -> int:
    """Local worker processes: as asked, at most the cores (times ``allow_work``); default the cores."""
    cores = default_workers()
    return cores if workers is None else max(1, min(workers, math.floor(cores * max(allow_work, 1.0))))


def _ensemble(
    sc: Scenario,
    plan: Plan,
    reps: int,
    seed: int | None,
    workers: int | None,
    grid: str | float,
    scheduler: str | None,
    precision: float | None,
    metric: str,
    progress: Progress | None,
    label: str | None,
    processes: Sequence[Process] = (),
    allow_work: float = 1.0,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
    variants: int = 1,
) -> EnsembleResult:
    if reps < 1:
        raise ValueError("reps must be at least 1")
    step = parse_duration(grid)
    if step <= 0:
        raise ValueError("grid must be a positive duration")
    seed = sc.seed if seed is None else seed
    g = make_grid(plan.duration, step)
    limits = DEFAULT_LIMITS.scaled(allow_work)
    work = estimate(sc.spec)
    check(work, reps=reps, grid_points=len(g), variants=variants, limits=limits)
    w = workers_for(workers, allow_work)

    def more(first: int, n: int) -> Collected:
        return execute(
            plan,
            seed,
            list(range(first, first + n)),
            g,
            w,
            scheduler,
            progress,
            tuple(processes),
            scheduler_timeout,
        )

    done = more(0, reps)
    result = EnsembleResult(sc, plan, seed, g, done, label)
    if precision is not None:
        if not np.isfinite(result.figure(metric)).any():
            raise PrecisionUnreachable(
                f"{metric} has no value in any of {len(done)} replications (e.g. a stockout that never "
                "happens), so no number of replications gives it a precision; choose another --metric"
            )
        while result.half_width(metric) > precision:
            if len(done) + reps > limits.replications:
                raise PrecisionUnreachable(
                    f"{len(done)} replications reached a 95% half-width of "
                    f"{result.half_width(metric):.4g} on {metric}, not {precision:g}, and more would "
                    f"pass the bound of {limits.replications:,.0f} replications (raise it with --allow-work)"
                )
            check(work, reps=len(done) + reps, grid_points=len(g), variants=variants, limits=limits)
            _start(progress, len(done) + reps)
            done = done + more(len(done), reps)
            result = EnsembleResult(sc, plan, seed, g, done, label)
    return result


class PrecisionUnreachable(ValueError):
    """``precision`` cannot be reached: the figure has no value, or the replications would pass the bound."""


def _labels(given: Sequence[str] | None, default: list[str]) -> list[str]:
    if given is None:
        return default
    if len(given) != len(default):
        raise ValueError(f"{len(given)} labels for {len(default)} variants")
    return [str(x) for x in given]


def _compare(
    scs: list[Scenario],
    labels: list[str],
    reps: int,
    seed: int,
    figures: Sequence[str],
    progress: Progress | None,
    kwargs: dict[str, Any],
) -> ComparisonResult:
    """Check every figure on every variant, then run them all with the same seeds."""
    plans = [build(s.spec) for s in scs]
    for plan in plans:
        for key in figures:
            REGISTRY.lookup(plan, key)
    limits = DEFAULT_LIMITS.scaled(kwargs.get("allow_work", 1.0))
    for sc in scs:
        check(estimate(sc.spec), reps=reps, variants=len(scs), limits=limits)
    _start(progress, reps * len(scs))
    runs = []
    for sc, plan, lab in zip(scs, plans, labels, strict=True):
        try:
            runs.append(
                _ensemble(
                    sc,
                    plan,
                    reps,
                    seed,
                    label=lab,
                    progress=progress,
                    precision=None,
                    variants=len(scs),
                    **kwargs,
                )
            )
        except ReplicationFailed as exc:
            exc.variant = lab  # which variant, for the message
            raise
    return ComparisonResult(runs, figures)


def sweep(
    scenario: ScenarioLike,
    vary: dict[str, list[Any]],
    reps: int = 100,
    seed: int | None = None,
    figures: Sequence[str] = (),
    labels: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    grid: str | float = "1d",
    scheduler: str | None = None,
    progress: Progress | None = None,
    allow_work: float = 1.0,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
) -> ComparisonResult:
    """Ensembles of every combination of the values in ``vary`` (``{"path.to.key": [v1, v2]}``),
    all with the same seeds (default: the scenario's).

    ``figures`` adds figure keys to the table; ``labels`` names the variants (default
    ``key=value, ...``).  Bad keys or values raise :class:`defsim.ScenarioError` and unknown
    figures :class:`UnknownFigure`, before anything runs.
    """
    sc = _scenario_of(scenario)
    count = math.prod(len(v) for v in vary.values())
    check(
        estimate(sc.spec), reps=reps, variants=count, limits=DEFAULT_LIMITS.scaled(allow_work)
    )  # before validating
    found = variants(sc, vary)
    names = _labels(labels, [label for label, _ in found])
    kwargs = {
        "workers": workers,
        "grid": grid,
        "scheduler": scheduler,
        "metric": "totals.leaked_share",
        "allow_work": allow_work,
        "scheduler_timeout": scheduler_timeout,
    }
    seed = sc.seed if seed is None else seed
    return _compare([v for _, v in found], names, reps, seed, figures, progress, kwargs)


def compare(
    scenarios: Sequence[ScenarioLike],
    reps: int = 100,
    seed: int | None = None,
    figures: Sequence[str] = (),
    labels: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    grid: str | float = "1d",
    scheduler: str | None = None,
    progress: Progress | None = None,
    allow_work: float = 1.0,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
) -> ComparisonResult:
    """Ensembles of two or more scenarios with the same replication seeds (default: the first's).

    ``labels`` names them (default: the path given, or the scenario's name).
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios")
    scs = [_scenario_of(s) for s in scenarios]
    names = _labels(labels, [s.name if isinstance(s, Scenario) else str(s) for s in scenarios])
    kwargs = {
        "workers": workers,
        "grid": grid,
        "scheduler": scheduler,
        "metric": "totals.leaked_share",
        "allow_work": allow_work,
        "scheduler_timeout": scheduler_timeout,
    }
    seed = scs[0].seed if seed is None else seed
    return _compare(scs, names, reps, seed, figures, progress, kwargs)


# --- results folders: redraw, report, compare what was already run ---------------------------


def plan_of_yaml(text: str) -> Plan | None:
    """The plan of a results folder's scenario.yaml (None if it is missing or no longer valid)."""
    if not text:
        return None
    try:
        return build(_scenario.loads(text, "scenario.yaml").spec)
    except (_scenario.ScenarioError, ValueError):
        return None


def _plan_required(text: str) -> Plan:
    plan = plan_of_yaml(text)
    if plan is None:
        raise ValueError("a results folder's scenario.yaml no longer validates: its figures cannot be named")
    return plan


def plot(folder: str | Path, fmt: str = "png", dpi: int = 110) -> list[Path]:
    """Redraw every figure of a results folder from its files (nothing is run); the files written."""
    from ..io.save import draw_folder

    return draw_folder(Path(folder), fmt, dpi)


def report(folder: str | Path, output: str | Path | None = None, command: str = "") -> Path:
    """One self-contained HTML page of a results folder (default: ``folder/report.html``)."""
    from ..io.report import write_report

    return write_report(folder, output, command, plan_of_yaml)


def compare_results(
    folders: Sequence[str | Path],
    out: str | Path,
    labels: Sequence[str] | None = None,
    figures: Sequence[str] = (),
    force: bool = False,
    plot: bool = True,
    fmt: str = "png",
    report: bool = False,
    command: str = "",
) -> Any:
    """Compare ensembles already run (results folders), paired by replication: they must share
    the seed and the number of replications (else :class:`defsim.io.compare.CannotCompare`)."""
    from ..io.compare import compare_folders

    return compare_folders(
        folders, out, labels, force, plot, fmt, report, command, figures, plan_of=_plan_required
    )

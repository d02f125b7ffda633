"""Running replications: in this process, on local worker processes (:mod:`.workers`), or on a
Dask cluster (:mod:`.dask_cluster`); folded in as they come (:mod:`.collected`).

Replication ``i`` of seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` whatever runs it, so where
the work runs never changes a result.  What this module adds is control:

- an interrupt (Ctrl-C, or SIGTERM turned into :class:`Interrupted` by the CLI) stops the work
  at once: pending chunks are cancelled and every worker process is ended, not left computing;
- a replication that raises stops the run at once as :class:`ReplicationFailed`, naming the
  replication and seed so it can be rerun alone;
- a Dask scheduler that does not answer fails within a timeout.
"""

from __future__ import annotations

import contextlib
import math
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from . import figures
from .collected import Collected, Replication, Row
from .dask_cluster import (
    SCHEDULER_TIMEOUT,
    SchedulerNotDask,
    SchedulerUnreachable,
    WorkerVersionMismatch,
    check_worker_versions,
    on_dask,
    worker_version,
)
from .run import RunAnalysis
from .workers import AHEAD, Interrupted, ReplicationFailed, WorkerLost, Workers

__all__ = [
    "AHEAD",
    "SCHEDULER_TIMEOUT",
    "Collected",
    "Interrupted",
    "Replication",
    "ReplicationFailed",
    "Row",
    "SchedulerNotDask",
    "SchedulerUnreachable",
    "WorkerLost",
    "WorkerVersionMismatch",
    "Workers",
    "check_worker_versions",
    "chunk_size",
    "chunks",
    "default_workers",
    "execute",
    "grid_levels",
    "run_chunk",
    "run_parts",
    "worker_version",
]

#: user SimPy processes run in every replication (engine/control.py)
Processes = list[Process] | tuple[Process, ...]


def grid_levels(result: RunAnalysis, grid: np.ndarray) -> np.ndarray:
    """Stock of every holder series (not in-transit) at each grid time: (series, grid) int32."""
    st = result.stock
    keys = [k for k in st.keys if k[2] != "transit"]
    out = np.zeros((len(keys), len(grid)), dtype=np.int32)
    for row, (holder, itype, _) in enumerate(keys):
        times, levels = st.series(holder, itype)
        idx = np.searchsorted(times, grid, side="right") - 1
        out[row] = levels[np.clip(idx, 0, None)]
    return out


def run_chunk(
    plan: Plan, seed: int, indices: Sequence[int], grid: np.ndarray, processes: Processes = ()
) -> list[Replication]:
    """Run some replications in this process (the unit of work sent to a worker)."""
    out = []
    for i in indices:
        try:
            result = RunAnalysis(simulate(plan, seed, i, record_events=False, processes=processes))
            out.append(Replication(i, figures.row(result), grid_levels(result, grid)))
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            raise ReplicationFailed(i, seed, f"{type(exc).__name__}: {exc}", traceback.format_exc()) from None
    return out


def _chunk_last(plan: Plan, seed: int, grid: np.ndarray, processes: Processes, indices: Sequence[int]) -> Any:
    """:func:`run_chunk` with the chunk last: what :func:`run_parts` calls for an ensemble."""
    return run_chunk(plan, seed, indices, grid, processes)


def chunk_size(count: int, workers: int) -> int:
    """Big enough to amortise the cost of sending work, small enough to balance load."""
    return max(1, min(50, math.ceil(count / (workers * 4))))


def chunks(indices: Sequence[int], workers: int) -> Iterator[Sequence[int]]:
    """The chunks of ``indices``, made as they are sent (a range stays a range: no list of ten
    million numbers)."""
    size = chunk_size(len(indices), workers)
    for k in range(0, len(indices), size):
        yield indices[k : k + size]


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def execute(
    plan: Plan,
    seed: int,
    indices: Sequence[int],
    grid: np.ndarray,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    processes: Processes = (),
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
    into: Collected | None = None,
    pool: Workers | None = None,
) -> Collected:
    """Run the replications ``indices`` (folded ``into`` a :class:`Collected`, or a new one).

    Chunks come back in order, at most ``AHEAD`` per worker in flight, and are folded in as they
    come: the main process holds statistics, not replications.  ``processes`` (user SimPy
    processes, see engine/control.py) go to the workers by pickling: they must be module-level
    functions.  Local workers are those of ``pool`` (kept across calls, e.g. the batches of a
    ``--precision`` run), or started for this call alone.
    """
    w = max(workers, 1)
    n_parts = math.ceil(len(indices) / chunk_size(len(indices), w)) if len(indices) else 0
    parts = chunks(indices, w)
    done = into if into is not None else Collected(grid)
    with contextlib.ExitStack() as stack:
        parts_iter: Iterator[list[Replication]]
        common = (plan, seed, grid, processes)
        if scheduler is not None:
            parts_iter = on_dask(_chunk_last, common, parts, scheduler, scheduler_timeout, w)
        elif workers <= 1 or n_parts <= 1:
            # in this process nothing is sent, so nothing is saved by chunks: progress per replication
            parts_iter = (
                run_chunk(plan, seed, indices[k : k + 1], grid, processes) for k in range(len(indices))
            )
        else:
            if pool is None:
                pool = stack.enter_context(Workers(workers))
            parts_iter = pool.run(_chunk_last, common, parts, min(workers, n_parts))
        for reps in parts_iter:
            done.add(reps)
            if progress is not None:
                progress(len(reps))
    return done


def run_parts(
    fn: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterator[Any],
    count: int,
    workers: int = 1,
    scheduler: str | None = None,
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
    start_method: str | None = None,
) -> Iterator[Any]:
    """``fn(*common, part)`` for each of ``count`` parts, results yielded in the order of the
    parts: in this process, on ``workers`` local processes or on a Dask ``scheduler``, with the
    same control as an ensemble's (interrupts, lost workers, Dask workers of another defsim
    version refused).  ``fn`` must be a module-level function (it is pickled).  ``start_method``
    ("fork", say) starts the local workers that way rather than by the platform's default."""
    if scheduler is not None:
        return on_dask(fn, common, parts, scheduler, scheduler_timeout, max(workers, 1))
    if workers <= 1 or count <= 1:
        return (fn(*common, p) for p in parts)
    return _on_workers(fn, common, parts, min(workers, count), start_method)


def _on_workers(
    fn: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterator[Any],
    count: int,
    start_method: str | None = None,
) -> Iterator[Any]:
    with Workers(count, start_method) as pool:
        yield from pool.run(fn, common, parts, count)

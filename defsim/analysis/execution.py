"""Running replications: in this process, on local worker processes, or on a Dask cluster.

Replication ``i`` of seed ``S`` uses ``SeedSequence(S).spawn(N)[i]`` whatever runs it, so where
the work runs never changes a result.  What this module adds is control:

- an interrupt (Ctrl-C, or SIGTERM turned into :class:`Interrupted` by the CLI) stops the work
  at once: pending chunks are cancelled and every worker process is ended, not left computing;
- a replication that raises stops the run at once as :class:`ReplicationFailed`, naming the
  replication and seed so it can be rerun alone;
- a Dask scheduler that does not answer fails within a timeout.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from . import figures
from .run import RunAnalysis

#: a replication's figures: dotted keys -> number (NaN for "never", e.g. no stockout)
Row = dict[str, float]
#: user SimPy processes run in every replication (engine/control.py)
Processes = list[Process] | tuple[Process, ...]
#: seconds to wait for a Dask scheduler before giving up
SCHEDULER_TIMEOUT = 10.0


class Interrupted(KeyboardInterrupt):
    """The user (Ctrl-C) or the system (SIGTERM) asked the run to stop."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


class ReplicationFailed(Exception):
    """A replication raised: which one, with which seed, and what it raised (an internal error)."""

    def __init__(self, index: int, seed: int, error: str, detail: str = ""):
        super().__init__(index, seed, error, detail)
        self.index, self.seed, self.error, self.detail = index, seed, error, detail
        self.variant: str | None = None  # set by a sweep or comparison

    def __str__(self) -> str:
        of = f" of variant {self.variant!r}" if self.variant else ""
        return f"replication {self.index}{of} (seed {self.seed}) failed: {self.error}"


class SchedulerUnreachable(Exception):
    """The Dask scheduler given did not answer in time."""


@dataclass
class Replication:
    index: int
    row: Row
    levels: np.ndarray


class Collected:
    """Replications as they come back, kept as a few arrays per chunk, not an object per
    replication: an ensemble's memory is its figures and grid values, and nothing else."""

    def __init__(self) -> None:
        self.parts: list[tuple[np.ndarray, tuple[str, ...], np.ndarray, np.ndarray]] = []
        self.count = 0

    def add(self, reps: list[Replication]) -> None:
        if not reps:
            return
        columns = tuple(sorted({k for r in reps for k in r.row}))
        values = np.array([[r.row.get(k, math.nan) for k in columns] for r in reps], dtype=float)
        index = np.array([r.index for r in reps], dtype=np.int64)
        self.parts.append((index, columns, values, np.stack([r.levels for r in reps])))
        self.count += len(reps)

    def __len__(self) -> int:
        return self.count

    def __add__(self, other: Collected) -> Collected:
        out = Collected()
        out.parts, out.count = self.parts + other.parts, self.count + other.count
        return out

    def arrays(self, n_grid: int) -> tuple[list[str], np.ndarray, np.ndarray]:
        """(columns, values per replication x column, levels per replication x series x grid), by index."""
        columns = sorted({c for _, cols, _, _ in self.parts for c in cols})
        if not self.parts:
            return columns, np.zeros((0, len(columns))), np.zeros((0, 0, n_grid), np.int32)
        where = {c: j for j, c in enumerate(columns)}
        index = np.concatenate([p[0] for p in self.parts])
        order = np.argsort(index, kind="stable")
        values = np.full((len(index), len(columns)), math.nan)
        row = 0
        for idx, cols, vals, _ in self.parts:
            values[row : row + len(idx), [where[c] for c in cols]] = vals
            row += len(idx)
        levels = np.concatenate([p[3] for p in self.parts])
        return columns, values[order], levels[order]


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
    plan: Plan, seed: int, indices: list[int], grid: np.ndarray, processes: Processes = ()
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


def _run_part(args: tuple[Plan, int, list[int], np.ndarray, Processes]) -> list[Replication]:
    return run_chunk(*args)


def chunks(indices: list[int], workers: int) -> list[list[int]]:
    """Chunks big enough to amortise the cost of sending work, small enough to balance load."""
    size = max(1, min(50, math.ceil(len(indices) / (workers * 4))))
    return [indices[k : k + size] for k in range(0, len(indices), size)]


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def execute(
    plan: Plan,
    seed: int,
    indices: list[int],
    grid: np.ndarray,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    processes: Processes = (),
    scheduler_timeout: float = SCHEDULER_TIMEOUT,
) -> Collected:
    """Run the replications ``indices``; each chunk is kept as arrays as it comes back.

    ``processes`` (user SimPy processes, see engine/control.py) go to the workers by pickling:
    they must be module-level functions.
    """
    parts = chunks(indices, max(workers, 1))
    done = Collected()
    parts_iter: Iterator[list[Replication]]
    if scheduler is not None:
        parts_iter = _dask(plan, seed, parts, grid, scheduler, processes, scheduler_timeout)
    elif workers <= 1 or len(parts) == 1:
        parts_iter = (run_chunk(plan, seed, p, grid, processes) for p in parts)
    else:
        parts_iter = _pool(plan, seed, parts, grid, min(workers, len(parts)), processes)
    for reps in parts_iter:
        done.add(reps)
        if progress is not None:
            progress(len(reps))
    return done


def _worker_init() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process alone decides what
    # stops, and ends the workers itself (SIGTERM, whose default action is to exit)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _pool(
    plan: Plan, seed: int, parts: list[list[int]], grid: np.ndarray, workers: int, processes: Processes
) -> Iterator[list[Replication]]:
    # multiprocessing.Pool rather than concurrent.futures: its terminate() ends the workers now,
    # where an executor's shutdown lets running chunks finish
    pool = multiprocessing.get_context().Pool(workers, initializer=_worker_init)
    try:
        results = pool.imap_unordered(_run_part, [(plan, seed, p, grid, processes) for p in parts])
        for _ in parts:
            while True:
                try:
                    reps = results.next(timeout=0.2)  # wake often, so an interrupt is handled at once
                    break
                except multiprocessing.TimeoutError:
                    continue
            yield reps
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _dask(
    plan: Plan,
    seed: int,
    parts: list[list[int]],
    grid: np.ndarray,
    address: str,
    processes: Processes,
    timeout: float,
) -> Iterator[list[Replication]]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("--scheduler needs Dask: pip install 'defsim[dask]'") from exc
    try:
        client = Client(address, timeout=timeout)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s ({type(exc).__name__})"
        ) from None
    with client:
        futures: list[Any] = client.map(
            run_chunk,
            [plan] * len(parts),
            [seed] * len(parts),
            parts,
            [grid] * len(parts),
            [processes] * len(parts),
            pure=False,
        )
        try:
            for f in futures:
                yield f.result()
        except BaseException:
            client.cancel(futures)
            raise

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

import itertools
import math
import multiprocessing
import os
import signal
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..plan import Plan
from ..scenario.errors import InputError
from . import figures
from .run import RunAnalysis
from .streaming import BLOCK, GridCrossings, LevelHistogram, Moments, ValueCounts

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
    """Replications folded in as they come back, in replication order, into statistics whose size
    does not grow with replications (see :mod:`defsim.analysis.streaming`).

    Replication ``i`` waits (at most a few chunks) until replications ``0..i-1`` are in, so every
    statistic sees replications in the same order whatever ran them.  Each figure's values are
    also appended, a block of :data:`~defsim.analysis.streaming.BLOCK` rows at a time, to an
    anonymous temporary file (``rows``): that is what reps.csv and paired differences are
    written from, and all the main process keeps of them is one block.
    """

    def __init__(self, grid: np.ndarray | None = None) -> None:
        self.grid = grid
        self.count = 0  # replications folded in (those waiting excluded)
        self.columns: list[str] = []  # in order of first appearance; outputs sort them
        self._where: dict[str, int] = {}
        self._waiting: dict[int, Replication] = {}
        self._block = np.full((BLOCK, 0), math.nan)
        self._in_block = 0
        self.moments = Moments()
        self.counts: list[ValueCounts] = []
        self.crossings: list[GridCrossings] = []
        self.levels: LevelHistogram | None = None
        self._spill: Any = None  # the temporary file of committed blocks
        self._blocks = 0
        self._snapshot: tuple[int, Moments, list[ValueCounts], list[GridCrossings]] | None = None

    # --- adding ------------------------------------------------------------------------------

    def add(self, reps: list[Replication]) -> None:
        for r in reps:
            if self.grid is None:
                self.grid = np.arange(r.levels.shape[1], dtype=float)
            if self.levels is None:
                self.levels = LevelHistogram(r.levels.shape[0], r.levels.shape[1])
            self._waiting[r.index] = r
        if reps:
            assert self.levels is not None
            # levels are counted at once: a histogram does not care about order
            self.levels.add(np.stack([r.levels for r in reps]))
        while self.count in self._waiting:
            self._fold(self._waiting.pop(self.count).row)
        if len(self._waiting) > 0 and min(self._waiting) < self.count:
            raise ValueError("a replication was added twice")

    def finish(self) -> None:
        """Fold in replications still waiting for an earlier one (indices given with gaps)."""
        for i in sorted(self._waiting):
            self._fold(self._waiting.pop(i).row)

    def _column(self, key: str) -> int:
        j = self._where.get(key)
        if j is None:
            j = self._where[key] = len(self.columns)
            self.columns.append(key)
            self._block = np.concatenate([self._block, np.full((BLOCK, 1), math.nan)], axis=1)
            self.moments.widen(len(self.columns))
            self.counts.append(ValueCounts())
            assert self.grid is not None
            crossing = GridCrossings(self.grid)
            # replications committed before had no value: their day never came (those of the
            # current block are counted when it is committed)
            crossing.n = self.count - self._in_block
            self.crossings.append(crossing)
        return j

    def _fold(self, row: Row) -> None:
        where = [self._column(key) for key in row]  # first: a new column widens the block
        line = self._block[self._in_block]
        line[:] = math.nan
        line[where] = list(row.values())
        self._in_block += 1
        self.count += 1
        self._snapshot = None
        if self._in_block == BLOCK:
            self._commit()

    def _commit(self) -> None:
        block = self._block[: self._in_block]
        self.moments.add_block(block)
        self.counts = _with_block(self.counts, block)
        for j, c in enumerate(self.crossings):
            c.add(block[:, j])
        if self._spill is None:
            self._spill = tempfile.TemporaryFile(prefix="defsim-reps-")  # noqa: SIM115 - lives as long as the ensemble
        np.save(self._spill, block, allow_pickle=False)
        self._blocks += 1
        self._in_block = 0

    # --- reading -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.count + len(self._waiting)

    def state(self) -> tuple[Moments, list[ValueCounts], list[GridCrossings]]:
        """The statistics of every replication in, the block not yet committed included."""
        if self._waiting:
            self.finish()
        if self._snapshot is None or self._snapshot[0] != self.count:
            block = self._block[: self._in_block]
            moments = self.moments.copy()
            moments.add_block(block)
            crossings = []
            for j, c in enumerate(self.crossings):
                copy = GridCrossings(c.grid)
                copy.first, copy.n = c.first.copy(), c.n
                copy.add(block[:, j])
                crossings.append(copy)
            self._snapshot = (self.count, moments, _with_block(self.counts, block), crossings)
        return self._snapshot[1], self._snapshot[2], self._snapshot[3]

    def blocks(self) -> Iterator[np.ndarray]:
        """Every replication's figures in replication order, a block at a time, one column per
        entry of ``columns`` (NaN: none)."""
        if self._waiting:
            self.finish()
        width = len(self.columns)
        if self._spill is not None:
            self._spill.flush()
            self._spill.seek(0)
            for _ in range(self._blocks):
                part = np.load(self._spill, allow_pickle=False)
                if part.shape[1] < width:
                    part = np.concatenate(
                        [part, np.full((len(part), width - part.shape[1]), math.nan)], axis=1
                    )
                yield part
            self._spill.seek(0, os.SEEK_END)
        if self._in_block:
            yield self._block[: self._in_block].copy()

    def column(self, key: str) -> Iterator[np.ndarray]:
        j = self._where[key]
        for part in self.blocks():
            yield part[:, j]

    @property
    def nbytes(self) -> int:
        """Bytes of the statistics held in memory (the temporary file excluded)."""
        held = self._block.nbytes + self.moments.n.nbytes * 3
        held += sum(c.nbytes for c in self.counts) + sum(c.first.nbytes for c in self.crossings)
        return held + (self.levels.nbytes if self.levels is not None else 0)

    def __getstate__(self) -> dict[str, Any]:
        # the temporary file cannot be pickled: its blocks travel as arrays
        state = {k: v for k, v in self.__dict__.items() if k not in ("_spill", "_snapshot")}
        state["_spilled"] = list(self.blocks())[: self._blocks]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        spilled = state.pop("_spilled")
        self.__dict__.update(state)
        self._snapshot = None
        self._spill = None
        if spilled:
            self._spill = tempfile.TemporaryFile(prefix="defsim-reps-")  # noqa: SIM115 - lives as long as the ensemble
            for part in spilled:
                np.save(self._spill, part, allow_pickle=False)


def _with_block(counts: list[ValueCounts], block: np.ndarray) -> list[ValueCounts]:
    out = []
    for j, vc in enumerate(counts):
        col = block[:, j]
        out.append(vc.merged(col[np.isfinite(col)]))
    return out


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


def _chunk_last(
    plan: Plan, seed: int, grid: np.ndarray, processes: Processes, indices: Sequence[int]
) -> list[Replication]:
    return run_chunk(plan, seed, indices, grid, processes)


def _call(args: tuple[Callable[..., Any], tuple[Any, ...], Any]) -> Any:
    fn, common, part = args
    return fn(*common, part)


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


#: chunks sent ahead of the oldest one not yet back, per worker: results are taken in order, so
#: this bounds how many finished chunks wait in memory for a slow one
AHEAD = 4


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
) -> Collected:
    """Run the replications ``indices`` (folded ``into`` a :class:`Collected`, or a new one).

    Chunks come back in order, at most ``AHEAD`` per worker in flight, and are folded in as they
    come: the main process holds statistics, not replications.  ``processes`` (user SimPy
    processes, see engine/control.py) go to the workers by pickling: they must be module-level
    functions.
    """
    w = max(workers, 1)
    n_parts = math.ceil(len(indices) / chunk_size(len(indices), w)) if len(indices) else 0
    done = into if into is not None else Collected(grid)
    parts = run_parts(
        _chunk_last,
        (plan, seed, grid, processes),
        chunks(indices, w),
        n_parts,
        w,
        scheduler,
        scheduler_timeout,
    )
    for reps in parts:
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
) -> Iterator[Any]:
    """``fn(*common, part)`` for each of ``count`` parts, results yielded in the order of the parts: in this
    process, on ``workers`` local processes or on a Dask ``scheduler``.  ``fn`` must be a
    module-level function (it is pickled).  An interrupt ends every worker (see the module
    docstring); on Dask, workers running another defsim version are refused before any work."""
    if scheduler is not None:
        return _dask(fn, common, parts, scheduler, scheduler_timeout, max(workers, 1))
    if workers <= 1 or count <= 1:
        return (fn(*common, p) for p in parts)
    return _pool(fn, common, parts, min(workers, count))


def _worker_init() -> None:
    # Ctrl-C reaches every process of the terminal's group: the main process alone decides what
    # stops, and ends the workers itself (SIGTERM, whose default action is to exit)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _pool(
    fn: Callable[..., Any], common: tuple[Any, ...], parts: Iterator[Any], workers: int
) -> Iterator[Any]:
    # multiprocessing.Pool rather than concurrent.futures: its terminate() ends the workers now,
    # where an executor's shutdown lets running chunks finish
    pool = multiprocessing.get_context().Pool(workers, initializer=_worker_init)
    # the pool quietly replaces a worker that dies (killed, out of memory) and the chunk it held
    # never comes back: a worker that is no longer among the pool's is one that was lost
    started = _pids(pool)
    try:
        flight: deque[Any] = deque()

        def send() -> None:
            for p in itertools.islice(parts, workers * AHEAD - len(flight)):
                flight.append(pool.apply_async(_call, ((fn, common, p),)))

        send()
        while flight:
            oldest = flight[0]
            while True:
                try:
                    out = oldest.get(timeout=0.2)  # wake often, so an interrupt is handled at once
                    break
                except multiprocessing.TimeoutError:
                    gone = started - _pids(pool)
                    if gone:
                        raise WorkerLost(
                            f"a worker process (pid {min(gone)}) ended while it ran replications: killed, "
                            "or out of memory?"
                        ) from None
                    continue
            flight.popleft()
            send()
            yield out
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _pids(pool: Any) -> set[int]:
    return {p.pid for p in pool._pool}  # the pool's processes (no public accessor)


class WorkerLost(Exception):
    """A local worker process ended while it ran work (killed, out of memory): its work is lost."""


class WorkerVersionMismatch(Exception):
    """A Dask worker runs another defsim version than this process: its results could differ."""


def worker_version() -> str:
    """The defsim version of the process this runs in (read at call time, on a Dask worker)."""
    from .. import _version

    return _version.__version__


def check_worker_versions(versions: dict[str, str], address: str) -> None:
    """Refuse workers whose defsim version is not this process's, naming them."""
    mine = worker_version()
    other = {w: v for w, v in sorted(versions.items()) if v != mine}
    if other:
        listed = ", ".join(f"{w} runs defsim {v}" for w, v in list(other.items())[:3])
        more = f" and {len(other) - 3} more" if len(other) > 3 else ""
        raise WorkerVersionMismatch(
            f"the Dask cluster at {address} has workers running another defsim version than this "
            f"one ({mine}): {listed}{more}; nothing was run. Install the same defsim on every "
            "worker (pip install 'defsim[dask]==VERSION' or the same source) and restart them"
        )


def _dask(
    fn: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterator[Any],
    address: str,
    timeout: float,
    workers: int,
) -> Iterator[Any]:
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("--scheduler needs Dask: pip install 'defsim[dask]'") from exc
    try:
        client = Client(address, timeout=timeout)
    except ValueError as exc:  # not an address at all: the user's argument, not the network
        raise InputError(f"--scheduler {address!r} is not a Dask scheduler address: {exc}") from None
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s ({type(exc).__name__})"
        ) from None
    with client:
        # before any work: a worker with another defsim could compute other results
        check_worker_versions(client.run(worker_version), address)
        ahead = max(workers, sum(client.nthreads().values())) * AHEAD
        flight: deque[Any] = deque()

        def send() -> None:
            for p in itertools.islice(parts, ahead - len(flight)):
                part = list(p) if isinstance(p, range) else p
                flight.append(client.submit(fn, *common, part, pure=False))

        try:
            send()
            while flight:
                out = flight[0].result()
                flight.popleft()  # the future is released: Dask forgets its result
                send()
                yield out
        except BaseException:
            client.cancel(list(flight))
            raise

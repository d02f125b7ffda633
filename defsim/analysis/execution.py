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

import asyncio
import contextlib
import itertools
import math
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import numpy as np

from ..engine import simulate
from ..engine.control import Process
from ..interrupt import Interrupted
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


class SchedulerNotDask(SchedulerUnreachable):
    """What answers at the address given is not a Dask scheduler (a wrong address: exit 2)."""


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


def _chunk_last(plan: Plan, seed: int, grid: np.ndarray, processes: Processes, indices: Sequence[int]) -> Any:
    """:func:`run_chunk` with the chunk last: what :func:`run_parts` calls for an ensemble."""
    return run_chunk(plan, seed, indices, grid, processes)


def _run_part(args: tuple[Plan, int, Sequence[int], np.ndarray, Processes]) -> list[Replication]:
    return run_chunk(*args)


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
            parts_iter = _dask(_chunk_last, common, parts, scheduler, scheduler_timeout, w)
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
        return _dask(fn, common, parts, scheduler, scheduler_timeout, max(workers, 1))
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


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while worker processes start or stop, then act on them.

    An interrupt raised half-way through ``fork`` or a shutdown would lose a worker's handle (a
    process nobody ends); a child forked meanwhile inherits this handler, so it cannot die with
    a traceback before it sets its own.
    """
    if threading.current_thread() is not threading.main_thread():  # pragma: no cover - API use
        yield
        return
    got: list[int] = []

    def note(signum: int, _frame: Any) -> None:
        got.append(signum)

    old = {s: signal.signal(s, note) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
    if got:
        raise Interrupted(got[0])


#: the main process's ends of every worker pipe: a child forked later closes them, so that a
#: worker that dies closes its pipe for good and the main process reads end-of-file, not silence
_PARENT_ENDS: set[Connection] = set()


def _serve(conn: Connection) -> None:
    """A worker: run the chunks that come down its own pipe until the pipe closes."""
    for other in list(_PARENT_ENDS):
        other.close()
    _PARENT_ENDS.clear()
    # Ctrl-C reaches every process of the terminal's group: the main process alone decides what
    # stops, and ends the workers itself (SIGTERM, whose default action is to exit at once)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    job: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
    try:
        while True:
            message = conn.recv()
            if message[0] == "job":
                job = message[1]
                continue
            assert job is not None
            fn, common = job
            try:
                conn.send(("ok", fn(*common, message[1])))
            except ReplicationFailed as exc:
                conn.send(("failed", exc))
            except Exception as exc:  # e.g. a sampled future that is not a valid scenario
                try:
                    conn.send(("failed", exc))
                except Exception:  # an exception that does not pickle: its words
                    conn.send(("failed", RuntimeError(f"{type(exc).__name__}: {exc}")))
    except (EOFError, OSError):
        pass  # the main process closed the pipe (or is gone): nothing more to do


class WorkerLost(RuntimeError):
    """A worker process ended without being asked to (killed by the system, out of memory ...)."""


class Workers:
    """Local worker processes, each with its own pipe, kept for as long as an ensemble runs
    (every batch of ``--precision`` included).

    No lock or queue is shared between processes, so a worker killed at any moment (a SIGTERM
    to the process group kills every worker as it reaches the main process) cannot leave the
    main process waiting on it: its pipe reads end-of-file and its sentinel fires.  Closing
    kills what still runs and waits a bounded time for each process.
    """

    #: seconds to wait for a worker to end once killed (it is gone long before)
    JOIN = 5.0

    def __init__(self, count: int, start_method: str | None = None) -> None:
        self.count = max(1, count)
        self.start_method = start_method
        self._procs: list[multiprocessing.process.BaseProcess] = []
        self._conns: list[Connection] = []
        self._job: list[int] = []  # the job each worker holds (an index into jobs sent)
        self._jobs = 0

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        self.close(kill=kind is not None)

    def _start(self, count: int) -> None:
        context: Any = multiprocessing.get_context(self.start_method)  # its Process, whatever the method
        with _signals_deferred():
            while len(self._procs) < min(count, self.count):
                here, there = context.Pipe()
                _PARENT_ENDS.add(here)
                proc = context.Process(target=_serve, args=(there,), daemon=True, name="defsim-worker")
                self._conns.append(here)
                self._job.append(-1)
                self._procs.append(proc)
                proc.start()
                there.close()  # the worker's end lives in the worker alone

    def run(
        self, fn: Callable[..., Any], common: tuple[Any, ...], parts: Iterator[Any], count: int
    ) -> Iterator[Any]:
        """``fn(*common, part)`` of every part, in the order of ``parts``, on ``count`` workers at
        most (an ensemble's: its chunks' replications)."""
        self._start(count)
        job = self._jobs
        self._jobs += 1
        workers = range(len(self._procs))
        idle = list(workers)
        busy: dict[int, int] = {}  # worker -> chunk number
        back: dict[int, Any] = {}
        sent = taken = 0
        more = True
        while True:
            # at most AHEAD chunks per worker between the oldest not yet taken and the newest sent
            while more and idle and sent < taken + len(self._procs) * AHEAD:
                part = next(parts, None)
                if part is None:
                    more = False
                    break
                w = idle.pop()
                if self._job[w] != job:
                    self._conns[w].send(("job", (fn, common)))
                    self._job[w] = job
                self._conns[w].send(("chunk", part))
                busy[w] = sent
                sent += 1
            if taken in back:
                yield back.pop(taken)
                taken += 1
                continue
            if not busy:
                return
            watched: dict[Any, int] = {self._conns[w]: w for w in busy}
            watched.update({self._procs[w].sentinel: w for w in busy})
            # wake often: an interrupt is handled at once whatever the platform
            for ready in wait(list(watched), timeout=0.2):
                w = watched[ready]
                if w not in busy:
                    continue  # both its pipe and its sentinel were ready
                try:
                    kind, value = self._conns[w].recv()
                except (EOFError, OSError):
                    raise self._lost(w) from None
                if kind == "failed":
                    raise value
                back[busy.pop(w)] = value
                idle.append(w)

    def _lost(self, w: int) -> BaseException:
        proc = self._procs[w]
        proc.join(self.JOIN)
        code = proc.exitcode
        if code is not None and -code in (signal.SIGINT, signal.SIGTERM):
            # a signal sent to the whole group reached the worker first: the run was stopped
            return Interrupted(-code)
        how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited ({code})"
        return WorkerLost(f"a worker process {how}, not by defsim (out of memory?)")

    def close(self, kill: bool = False) -> None:
        """End every worker: at once (``kill``) or when it has read the end of its pipe; never
        waiting more than :attr:`JOIN` seconds on one."""
        with _signals_deferred():
            for conn in self._conns:
                _PARENT_ENDS.discard(conn)
                conn.close()  # a waiting worker reads end-of-file and exits
            if kill:
                for proc in self._procs:
                    if proc.pid is not None and proc.exitcode is None:
                        proc.kill()
            for proc in self._procs:
                if proc.pid is None:
                    continue
                proc.join(self.JOIN)
                if proc.exitcode is None:
                    proc.kill()
                    proc.join(self.JOIN)
            self._procs, self._conns, self._job = [], [], []


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


def _connect(address: str, timeout: float) -> Any:
    """A Dask client of ``address``, or :class:`SchedulerUnreachable` within about ``timeout``.

    The peer is first asked who it is, in a thread the main process waits for a bounded time:
    distributed's own timeout does not cover a peer that accepts the connection and then says
    nothing (a silent listener, a web server), and a peer that answers with something else
    makes it decode nonsense (a MemoryError for a frame of exabytes).
    """
    try:
        from distributed import Client
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise RuntimeError("--scheduler needs Dask: pip install 'defsim[dask]'") from exc
    box: dict[str, Any] = {}

    async def identity() -> Any:
        from distributed.comm import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    def probe() -> None:
        try:
            box["identity"] = asyncio.run(asyncio.wait_for(identity(), timeout))
        except BaseException as exc:
            box["error"] = exc

    # the peer is asked who it is before a Client is made: a Client that fails half-way tries
    # to close itself later, slowly and with a traceback
    thread = threading.Thread(target=probe, name="defsim-dask-probe", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout + 1.0
    while thread.is_alive() and time.monotonic() < deadline:
        thread.join(0.2)  # short waits: an interrupt is handled at once
    error = box.get("error")
    if thread.is_alive() or isinstance(error, (OSError, TimeoutError)):
        why = type(error).__name__ if error is not None else "no answer"
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s ({why})"
        )
    if isinstance(error, ValueError):  # not an address at all: the user's argument, not the network
        raise InputError(f"--scheduler {address!r} is not a Dask scheduler address: {error}") from None
    if isinstance(error, Exception) or not (
        isinstance(box.get("identity"), dict) and box["identity"].get("type") == "Scheduler"
    ):
        what = type(error).__name__ if error is not None else "it did not say it is one"
        raise SchedulerNotDask(
            f"what answers at {address} is not a Dask scheduler ({what}); give the scheduler's "
            "address, e.g. tcp://host:8786"
        )
    if error is not None:
        raise error
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise SchedulerUnreachable(
            f"the Dask scheduler at {address} did not answer within {timeout:g} s "
            f"({type(exc).__name__}); check the address, or raise --scheduler-timeout"
        ) from None


def _dask(
    fn: Callable[..., Any],
    common: tuple[Any, ...],
    parts: Iterator[Any],
    address: str,
    timeout: float,
    workers: int,
) -> Iterator[Any]:
    client = _connect(address, timeout)
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

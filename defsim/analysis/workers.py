"""Local worker processes for replications (or any parts of work), and how they stop.

Each worker has its own pipe and no lock or queue is shared, so a worker killed at any moment
cannot leave the main process waiting; an interrupt (Ctrl-C, or SIGTERM turned into
:class:`Interrupted`) ends every worker at once; a part that raises stops the run at once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from ..interrupt import Interrupted

#: chunks sent ahead of the oldest one not yet back, per worker: results are taken in order, so
#: this bounds how many finished chunks wait in memory for a slow one
AHEAD = 4


class ReplicationFailed(Exception):
    """A replication raised: which one, with which seed, and what it raised (an internal error)."""

    def __init__(self, index: int, seed: int, error: str, detail: str = ""):
        super().__init__(index, seed, error, detail)
        self.index, self.seed, self.error, self.detail = index, seed, error, detail
        self.variant: str | None = None  # set by a sweep or comparison

    def __str__(self) -> str:
        of = f" of variant {self.variant!r}" if self.variant else ""
        return f"replication {self.index}{of} (seed {self.seed}) failed: {self.error}"


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
            except (ReplicationFailed, Interrupted) as exc:
                # Interrupted: a part that stops as if interrupted (a signal here kills the worker
                # or is ignored) stops the command as one would
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

"""A folder's figures drawn side by side: one figure per worker process when it pays.

Each figure of a results folder is drawn from the folder's files alone, so figures are
independent: with more than one core (and ``fork``, which hands the worker the view already
read instead of reading it again) they are drawn in worker processes, the costliest first.  A
figure's bytes depend only on its data, never on which process drew it or in what order, so
the files are the same whatever the number of workers.  Drawing says what it is doing through
``progress`` (``defsim plot`` on a sweep prints a line per figure).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: (file to write, what draws its figure: None when there is nothing to draw)
Job = tuple[Path, Callable[[], Any]]
Progress = Callable[[str], None]

_JOBS: Sequence[Job] = ()
_DPI = 110
#: held by a worker while it writes a file: writing lists the file in its results folder's
#: marker by reading and rewriting it, and two workers doing so at once could each drop the
#: other's name (a figure unlisted is one defsim would later refuse to replace)
_LOCK: Any = None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(n: int) -> int:
    """How many processes draw ``n`` figures: one unless there are several figures, several
    cores and ``fork`` (a spawned worker would import matplotlib and read the folder again,
    which costs more than a figure); never inside a daemon process, which may not fork, nor
    while other threads run (a Dask client's, say: a fork copies locks they may hold)."""
    import threading

    if n < 2 or cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    if multiprocessing.current_process().daemon:
        return 1
    return min(n, cores())


def _quiet_worker() -> None:
    """A drawing worker ends quietly when told to (the command's own SIGTERM handler, inherited
    through fork, would print a traceback), and leaves Ctrl-C to the command."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # forked with both blocked (see draw_jobs): a signal that came meanwhile acts now, quietly
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _draw(k: int) -> bool:
    """Draw and write job ``k`` (in whichever process runs it); whether a file was written."""
    import contextlib

    from .files import write_output
    from .plotkit import figure_bytes

    path, draw = _JOBS[k]
    fig = draw()
    if fig is None:
        return False
    data = figure_bytes(fig, path.suffix, _DPI)  # drawn side by side, written one at a time
    with _LOCK if _LOCK is not None else contextlib.nullcontext():
        write_output(path, data)
    return True


def draw_jobs(
    jobs: Sequence[Job], dpi: int = 110, workers: int | None = None, progress: Progress | None = None
) -> list[Path]:
    """Every job's figure written to its path (in parallel when :func:`workers_for` says so);
    the paths written, in the jobs' order."""
    global _JOBS, _DPI, _LOCK
    n = workers if workers is not None else workers_for(len(jobs))
    _JOBS, _DPI = jobs, dpi
    try:
        if n <= 1:
            done = []
            for k, (path, _) in enumerate(jobs):
                if progress:
                    progress(f"drawing {path.name} ({k + 1}/{len(jobs)})")
                done.append(_draw(k))
        else:
            ctx = multiprocessing.get_context("fork")
            _LOCK = ctx.Lock()
            # a worker runs the command's handlers from fork until its initializer replaces them:
            # both signals stay blocked across the fork (the pool's threads inherit that too)
            import signal

            held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            try:
                pool = ctx.Pool(n, initializer=_quiet_worker)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            with pool:
                done = []
                for k, wrote in enumerate(pool.imap(_draw, range(len(jobs)))):
                    done.append(wrote)
                    if progress:
                        progress(f"drew {jobs[k][0].name} ({k + 1}/{len(jobs)})")
                pool.close()  # done: let the workers finish rather than be terminated
                pool.join()
    finally:
        _JOBS, _LOCK = (), None
    return [path for (path, _), wrote in zip(jobs, done, strict=True) if wrote]

"""A folder's plots drawn side by side: one plot per worker process when it pays.

Each plot of a results folder is drawn from the folder's result model alone (read from its
files, or made in memory by whoever writes the folder: the same object), so plots are
independent: with more than one core (and ``fork``, which hands the worker the model already
made instead of reading it again) they are drawn on the project's worker pool
(:func:`defsim.analysis.execution.run_parts`: a pipe per worker, no lock shared, a worker killed
at any moment is reported rather than waited for).  A worker returns the plot's bytes and
this process writes them, one file at a time, in the jobs' order.  A plot's bytes depend only
on its data, never on which process drew it, so the files are the same whatever the number of
workers.  Drawing says what it is doing through ``progress`` (``defsim plot`` on a sweep prints
a line per plot).

A folder being written has other work that does not wait for the plots: its tables.  Given as
``beside``, that work is one more job for the first worker (it writes its own files, atomically,
into the folder), so the tables are written while the plots are drawn; with one process it is
done first, here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

#: (file to write, what draws its plot: None when there is nothing to draw)
Job = tuple[Path, Callable[[], Any]]
Progress = Callable[[str], None]
#: work done beside the drawing (it writes its own files and returns nothing)
Beside = Callable[[], None]

#: the jobs being drawn and the work beside them: a forked worker finds them here (closures do
#: not pickle)
_JOBS: Sequence[Job] = ()
_BESIDE: Beside | None = None
_DPI = 110
#: the part that stands for the work beside the plots
BESIDE = -1


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_for(n: int) -> int:
    """How many processes draw ``n`` plots: one unless there are several plots, several
    cores and ``fork`` (a spawned worker would import matplotlib and read the folder again,
    which costs more than a plot); never inside a daemon process, which may not fork, nor
    while other threads run (a Dask client's, say: a fork copies locks they may hold)."""
    import threading

    if n < 2 or cores() < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1:
        return 1
    if multiprocessing.current_process().daemon:
        return 1
    return min(n, cores())


def _draw(k: int) -> bytes | None:
    """Job ``k`` drawn (in whichever process runs it): its file's bytes, None for no plot (and
    for the work beside the plots, :data:`BESIDE`, which writes its own files)."""
    from .plotkit import figure_bytes

    if k == BESIDE:
        assert _BESIDE is not None
        _BESIDE()
        return None
    path, draw = _JOBS[k]
    fig = draw()
    return None if fig is None else figure_bytes(fig, path.suffix, _DPI)


def draw_jobs(
    jobs: Sequence[Job],
    dpi: int = 110,
    workers: int | None = None,
    progress: Progress | None = None,
    beside: Beside | None = None,
) -> list[Path]:
    """Every job's plot written to its path (drawn in parallel when :func:`workers_for` says
    so), and ``beside`` done meanwhile (see the module's docstring); the paths of the plots
    written, in the jobs' order."""
    from ..analysis.execution import run_parts
    from .files import write_output

    global _JOBS, _BESIDE, _DPI
    n = workers if workers is not None else workers_for(len(jobs) + (beside is not None))
    parts = list(range(len(jobs)))
    if beside is not None and n > 1:
        parts.insert(0, BESIDE)  # first: it takes about as long as a plot, and no plot waits on it
    elif beside is not None:
        beside()
    _JOBS, _BESIDE, _DPI = jobs, beside, dpi
    written = []
    try:
        drawn = run_parts(_draw, (), iter(parts), len(parts), workers=n, start_method="fork")
        for k, data in zip(parts, drawn, strict=True):
            if k == BESIDE:
                continue
            path = jobs[k][0]
            if progress:
                progress(f"drew {path.name} ({k + 1}/{len(jobs)})")
            if data is not None:
                write_output(path, data)
                written.append(path)
    finally:
        _JOBS, _BESIDE = (), None
    return written

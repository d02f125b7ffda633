"""Progress of a command's replications or futures: a bar with its ETA on a terminal, a plain
line every 10% otherwise, nothing when quiet.  Its own module: the command group reads the last
one when an interrupt comes, and the group builds on nothing of the commands' shared code."""

from __future__ import annotations

import math
import sys
from typing import Any

import click

from .plain import plain


class Progress:
    """A progress bar with ETA on a terminal, plain lines every 10% otherwise, nothing when quiet.

    The API tells it how many replications are planned (``start``) and how many are done.
    """

    #: the one running, for the message an interrupt prints
    last: Progress | None = None

    def __init__(self, label: str, quiet: bool, unit: str = "replications"):
        # a scenario's name, shown as it is: no markup read in it, no control character sent
        self.label, self.quiet, self.done, self.total, self.unit = plain(label), quiet, 0, 0, unit
        self.tty = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._next_line = 0.1

    def __enter__(self) -> Progress:
        Progress.last = self
        if not self.quiet and self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description}", markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._bar.start()
        return self

    def start(self, total: int) -> None:
        self.total = total
        # a new batch (--precision) widens the total: plain lines go on from where it stands
        self._next_line = (math.floor(10 * self.done / total) + 1) / 10 if total else 0.1
        if self._bar is not None:
            if self._task is None:
                self._task = self._bar.add_task(self.label, total=total)
            else:
                self._bar.update(self._task, total=total)

    def __call__(self, n: int) -> None:
        self.done += n
        if self.quiet:
            return
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=min(self.done, self.total))
        elif self._bar is None and self.done >= self._next_line * self.total:
            click.echo(f"{self.label}: {self.done}/{self.total} {self.unit}", err=True)
            while self._next_line * self.total <= self.done:
                self._next_line += 0.1

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()

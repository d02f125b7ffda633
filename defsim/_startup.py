"""Ctrl-C and SIGTERM while the ``defsim`` command is still starting (importing its modules).

Python's own handling would print a ``KeyboardInterrupt`` traceback from whatever import was
running.  When this process is the ``defsim`` command (and only then: importing defsim as a
library changes no signal handling), the package notes those signals while it loads; the
command acts on them as soon as it has its own handlers (:mod:`defsim.cli.group`).  Standard
library only: this runs before anything else of defsim is imported.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from typing import Any

_noted: list[int] = []
_held: dict[int, Any] = {}  # signal -> its handler before


def _note(signum: int, _frame: Any) -> None:
    _noted.append(signum)


def is_command() -> bool:
    """This process is ``defsim ...`` or ``python -m defsim ...``."""
    argv = getattr(sys, "orig_argv", sys.argv)
    if argv[1:3] == ["-m", "defsim"]:
        return True
    return bool(sys.argv) and os.path.basename(sys.argv[0]) in ("defsim", "defsim.exe")


def _quiet_exit() -> None:
    """The last thing before Python tears itself down: from here on a signal has nothing left
    to stop.  Python gives the signals their default action back before it unloads its modules
    (a tenth of a second with matplotlib and numpy loaded), and a Ctrl-C or SIGTERM then would
    end a command that had finished and written everything as if killed half-way (exit -2 /
    -15 instead of 0)."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)


def hold() -> None:
    """Note Ctrl-C and SIGTERM instead of acting on them (in the ``defsim`` command only)."""
    if _held or not is_command():
        return
    # registered before any library registers its own: functions run last-registered first
    atexit.register(_quiet_exit)
    for signum in (signal.SIGINT, signal.SIGTERM):
        before = signal.getsignal(signum)
        if before is signal.SIG_IGN:  # ignored by who started us (nohup, a background job): kept so
            continue
        try:
            signal.signal(signum, _note)
        except ValueError:  # pragma: no cover - not the main thread
            return
        _held[signum] = before


def release() -> int | None:
    """Give Ctrl-C and SIGTERM their usual actions back; the first noted meanwhile, if any."""
    for signum, before in _held.items():
        signal.signal(signum, before)
    _held.clear()
    return _noted[0] if _noted else None

"""What an interrupt raises: :class:`Interrupted`, for Ctrl-C and SIGTERM alike.

Standard library only and importing nothing of defsim: the ``defsim`` command's SIGTERM handler
raises it at whatever moment the signal comes, even while the command is still importing the
API (which would be re-entered if the class lived there).  The analysis layer, the API
(``defsim.api.Interrupted``) and the command all use this one class.
"""

from __future__ import annotations

import _thread
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Interrupted(KeyboardInterrupt):
    """The user (Ctrl-C) or the system (SIGTERM) asked the run to stop."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


def interrupt_inside(exc: BaseException) -> KeyboardInterrupt | None:
    """The interrupt that caused ``exc``, if one did.

    Python wraps some exceptions in another: on 3.11 one raised from a descriptor's
    ``__set_name__`` while a class is created (a library being imported) arrives as
    ``RuntimeError("Error calling __set_name__ ...")`` with the interrupt as its cause.  A
    signal landing there is still the user's interrupt, not a bug.
    """
    seen: set[int] = set()
    at: BaseException | None = exc
    while at is not None and id(at) not in seen:
        if isinstance(at, KeyboardInterrupt):
            return at
        seen.add(id(at))
        at = at.__cause__ or at.__context__
    return None


@contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done, then act as they would have.

    For the few steps that must not be cut in two: making a temporary folder and knowing its
    name, removing one, swapping a results folder into place.  A signal that comes meanwhile is
    noted and sent again once the block is over, to whatever handled it before (so an ignored
    one stays ignored and a default one does what it does).  Outside the main thread, where
    handlers cannot be set, the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []

    def note(signum: int, _frame: Any) -> None:
        got.append(signum)

    before: dict[int, Any] = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            before[sig] = signal.signal(sig, note)
    try:
        yield
    finally:
        for which, handler in before.items():
            signal.signal(which, handler)
        for which in dict.fromkeys(got):
            signal.raise_signal(which)


class _Again:
    """Delivers a swallowed interrupt to the main thread once more, a moment later: at most one
    on its way at a time (one signal, one interrupt), and none once the command has left
    :func:`never_lost` (it is done, or already stopping: a late one would land in Python's own
    exit and end the process by the signal, or in a daemon thread woken while Python shuts down)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        #: False once the command has left never_lost; set by a plain store, so that no signal
        #: can come between leaving and closing (a call could be interrupted at its entry)
        self.open = True
        self._thread: threading.Thread | None = None

    def __call__(self, signum: int) -> None:
        # not waiting for the lock: a second signal swallowed while the first is being handled
        # here (a finaliser run meanwhile) would wait on this same thread for ever
        if not self._lock.acquire(blocking=False):
            return
        try:
            if not self.open or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(
                target=self._later, args=(signum,), name="defsim-interrupt", daemon=True
            )
            self._thread.start()
        finally:
            self._lock.release()

    def _later(self, signum: int) -> None:
        time.sleep(0.01)  # lets the main thread leave the callback that swallowed it first
        with self._lock:
            if self.open:
                _thread.interrupt_main(signal.Signals(signum))

    def join(self) -> None:
        """Wait for the delivery on its way, if any (it delivers nothing once ``open`` is False)."""
        thread = self._thread
        if thread is not None:
            thread.join()


@contextmanager
def never_lost() -> Iterator[None]:
    """While inside, an interrupt that Python had to swallow is delivered again.

    A signal handler runs between any two bytecodes of the main thread, also inside a weakref
    callback or a ``__del__`` (a thread pool's or an import lock's clean-up).  An exception raised
    there cannot propagate: Python prints "Exception ignored ..." with a traceback and carries
    on, so the command would finish as if nothing had come.  Here such an interrupt is taken
    quietly and raised again in the main thread's own code a moment later.
    """
    before = sys.unraisablehook
    again = _Again()

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        if isinstance(exc, KeyboardInterrupt):
            again(getattr(exc, "signum", signal.SIGINT))
            return
        before(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        again.open = False
        sys.unraisablehook = before
        again.join()

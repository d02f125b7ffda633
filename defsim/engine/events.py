"""Scheduling callbacks on SimPy's event queue without building a full event each time.

``Environment.step()`` pops ``(time, priority, id, event)`` from the queue, calls every entry of
``event.callbacks`` with the event, and checks ``event._ok``.  A :class:`Call` carries exactly
that, with slots: it costs a fraction of a ``Timeout`` and is processed by SimPy's own loop, in
SimPy's own order (time, priority, insertion).  SimPy 4's queue layout is relied on here; the
dependency is pinned below 5 for that reason, and every test exercises it.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL


class Call:
    """A scheduled callback, processed by ``simpy.Environment.step`` like any event."""

    __slots__ = ("_ok", "_value", "callbacks")

    def __init__(self, callback: Callable[[Any], None], value: Any):
        self.callbacks: list[Callable[[Any], None]] | None = [callback]
        self._ok = True
        self._value = value


def later(env: simpy.Environment, delay: float, callback: Callable[[Any], None], value: Any = None) -> None:
    """Call ``callback(event)`` ``delay`` after now; the event's ``_value`` is ``value``."""
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), Call(callback, value)))  # type: ignore[misc]

"""The clock: SimPy's environment, and the one module that relies on SimPy's internals.

defsim keeps time with a :class:`simpy.Environment`, so plain SimPy processes run on the same
clock as the engine.  Two shortcuts make the hot path cheap, and both live here only:

- :meth:`Clock.later` schedules a callback by pushing a light :class:`Call` onto SimPy's
  queue, exactly as ``Environment.schedule`` pushes an event: an entry
  ``(time, priority, eid, event)`` ordered by time, then priority, then insertion;
- :meth:`Clock.run` is ``Environment.step`` inlined, merged with a stream of arrivals drawn
  up front (which then need no SimPy event at all).

They rely on SimPy 4's queue layout, its event attributes (``callbacks``, ``_ok``,
``_value``, ``_defused``) and ``Environment._now``; the dependency is pinned below 5 for that
reason, and tests/test_simpy_contract.py pins the behaviour relied on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL


class Call:
    """A scheduled callback: what ``Environment.step`` needs of an event, and a value."""

    __slots__ = ("_ok", "callbacks", "value")

    def __init__(self, callback: Callable[[Any], None], value: Any):
        self.callbacks: list[Callable[[Any], None]] | None = [callback]
        self._ok = True
        self.value = value


class Clock:
    """The run's time, on a SimPy environment; ``now`` is ``env.now`` at every callback."""

    def __init__(self, env: simpy.Environment | None = None):
        self.env = env if env is not None else simpy.Environment()
        self.now: float = float(self.env.now)
        self._queue: Any = self.env._queue
        self._eid: Any = self.env._eid

    def later(self, delay: float, callback: Callable[[Call], None], value: Any = None) -> None:
        """Call ``callback(call)`` ``delay`` after now; ``call.value`` is ``value``."""
        heappush(self._queue, (self.now + delay, NORMAL, next(self._eid), Call(callback, value)))

    def every(self, times: Iterable[float], callback: Callable[[Call], None], value: Any = None) -> None:
        """Call ``callback(call)`` at each of ``times`` (absolute, increasing), one at a time.

        Only the next time is on the queue, but all of them keep the place in SimPy's order
        that they would have had if every one had been scheduled now: the first's insertion
        number, reserved here, serves them all (at most one of them is ever waiting).
        """
        it = iter(times)
        first = next(it, None)
        if first is None:
            return
        eid = next(self._eid)

        def fire(call: Call) -> None:
            callback(call)
            t = next(it, None)
            if t is not None:
                heappush(self._queue, (t, NORMAL, eid, Call(fire, value)))

        heappush(self._queue, (first, NORMAL, eid, Call(fire, value)))

    def run(
        self,
        until: float,
        times: list[float],
        where: list[int],
        types: list[int],
        handlers: Sequence[Callable[[int, int], None]],
    ) -> None:
        """Run to ``until``, calling ``handlers[where[i]](i, types[i])`` at ``times[i]`` (sorted).

        Gives exactly the order of SimPy's own loop with each arrival an event scheduled
        after every event due at the same time; arrivals at ``until`` or later never happen.
        """
        env = self.env
        queue = self._queue
        n = len(times)
        i = 0
        t_next = times[0] if n else until
        while True:
            if queue and queue[0][0] <= t_next:
                if queue[0][0] >= until:
                    break
                # what Environment.step() does, without its call and exception set-up per event
                event: Any
                now, _, _, event = heappop(queue)
                env._now = now
                self.now = now
                callbacks: Any = event.callbacks
                event.callbacks = None
                for callback in callbacks:
                    callback(event)
                if not event._ok and not hasattr(event, "_defused"):
                    raise event._value
                continue
            if t_next >= until:
                break
            env._now = t_next  # nothing else is due before t_next
            self.now = t_next
            while True:
                handlers[where[i]](i, types[i])
                i += 1
                if i >= n or times[i] != t_next:
                    break
            t_next = times[i] if i < n else until
        env._now = until
        self.now = until

"""The recorder: one typed method per event kind, and the stock levels after every change.

Sites, routes and stores report what happens through these methods and nothing else.  An
event's columns are appended to two flat lists (its time; its integer columns), which move a
chunk at a time into typed arrays (``array("d")``, ``array("q")``): the run keeps no Python
object per event, appending is a native list append when the engine is compiled, and the
named numpy columns of an :class:`~defsim.engine.records.EventLog` are copied out of the arrays
once at the end.  Stock level changes are kept the same way.  A :class:`NullRecorder` keeps the stock
levels (the stock series and every summary figure need them) and drops the events, for
ensembles.
"""

from __future__ import annotations

from array import array
from typing import Final

import numpy as np

from .records import EVENT_COLUMNS, EventLog, StockLog

_ARRIVAL: Final = 0
_SHOT: Final = 1
_KILL: Final = 2
_LEAK: Final = 3
_DELIVERY: Final = 4
_RELOAD: Final = 5
_PRODUCED: Final = 6
_SHIPPED: Final = 7
_LOST: Final = 8
_PAUSED: Final = 9
_RESUMED: Final = 10
_DOCTRINE: Final = 11
_PASSED: Final = 12
_CANCELLED: Final = 13
_DELAYED: Final = 14
_APPROVED: Final = 15

#: int columns per event (EVENT_COLUMNS after time) and per stock change (series, level, ready)
N_INTS: Final = len(EVENT_COLUMNS) - 1
#: records kept in Python lists before they move, as machine numbers, to the arrays
CHUNK: Final = 1 << 14


class Recorder:
    """Records every event and every stock level change of one run."""

    #: whether event methods record anything (the hot path skips calling them when not)
    detailed: bool = True

    def __init__(self) -> None:
        # appended to lists (a native append when compiled, no per-event object but the
        # numbers), then moved a chunk at a time to typed arrays: small and copied out once
        self._t: list[float] = []
        self._e: list[int] = []
        self._times = array("d")
        self._ints = array("q")
        self._lt: list[float] = []
        self._l: list[int] = []
        self._level_times = array("d")
        self._level_ints = array("q")

    def _event(
        self, time: float, kind: int, holder: int, tid: int, tt: int, it: int, n: int, reason: int, route: int
    ) -> None:
        self._t.append(time)
        e = self._e
        e.append(kind)
        e.append(holder)
        e.append(tid)
        e.append(tt)
        e.append(it)
        e.append(n)
        e.append(reason)
        e.append(route)
        if len(self._t) >= CHUNK:
            self._move_events()

    def _move_events(self) -> None:
        self._times.extend(self._t)
        self._ints.extend(self._e)
        self._t.clear()
        self._e.clear()

    def _level(self, time: float, series: int, level: int, ready: int) -> None:
        self._lt.append(time)
        lv = self._l
        lv.append(series)
        lv.append(level)
        lv.append(ready)
        if len(self._lt) >= CHUNK:
            self._move_levels()

    def _move_levels(self) -> None:
        self._level_times.extend(self._lt)
        self._level_ints.extend(self._l)
        self._lt.clear()
        self._l.clear()

    # --- threats --------------------------------------------------------------------------

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._event(time, _ARRIVAL, site, threat_id, threat, -1, 1, -1, -1)

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        self._event(time, _SHOT, site, threat_id, threat, interceptor, n, -1, -1)

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._event(time, _KILL, site, threat_id, threat, -1, 1, -1, -1)

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        self._event(time, _LEAK, site, threat_id, threat, -1, 1, reason, -1)

    def passed(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        """A threat survived ``site``'s layer for ``reason`` and goes on to the next layer."""
        self._event(time, _PASSED, site, threat_id, threat, -1, 1, reason, -1)

    # --- rounds ---------------------------------------------------------------------------

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._event(time, _DELIVERY, holder, -1, -1, interceptor, n, -1, route)

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        self._event(time, _RELOAD, site, -1, -1, interceptor, n, -1, -1)

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        self._event(time, _PRODUCED, holder, -1, -1, interceptor, n, -1, -1)

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._event(time, _SHIPPED, holder, -1, -1, interceptor, n, -1, route)

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._event(time, _LOST, holder, -1, -1, interceptor, n, -1, route)

    # --- actions of user processes -------------------------------------------------------

    def paused(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process paused ``route`` (to ``holder``); ``n`` is 0."""
        self._event(time, _PAUSED, holder, -1, -1, interceptor, n, -1, route)

    def resumed(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        """A process resumed ``route``; ``n`` rounds it held back leave now."""
        self._event(time, _RESUMED, holder, -1, -1, interceptor, n, -1, route)

    def doctrine(self, time: float, site: int, shots: int) -> None:
        """A process set ``site``'s salvo to ``shots`` rounds."""
        self._event(time, _DOCTRINE, site, -1, -1, -1, shots, -1, -1)

    def route_decision(
        self, kind: int, time: float, holder: int, interceptor: int, n: int, route: int
    ) -> None:
        """A route was cancelled (``n`` rounds dropped), delayed (``n`` rounds in transit) or
        approved (``n`` rounds held back leave now)."""
        self._event(time, kind, holder, -1, -1, interceptor, n, -1, route)

    def stock(self, time: float, series: int, level: int, ready: int) -> None:
        """Series ``series`` holds ``level`` rounds from ``time`` on, ``ready`` of them on launchers."""
        self._level(time, series, level, ready)

    # --- the columns, copied out once -----------------------------------------------------

    def stock_log(self) -> StockLog:
        self._move_levels()
        ints = np.frombuffer(self._level_ints, dtype=np.int64).reshape(-1, 3)
        return StockLog(
            np.frombuffer(self._level_times, dtype=np.float64).copy(),
            ints[:, 0].copy(),
            ints[:, 1].copy(),
            ints[:, 2].copy(),
        )

    def event_log(self) -> EventLog | None:
        self._move_events()
        ints = np.frombuffer(self._ints, dtype=np.int64).reshape(-1, N_INTS)
        time = np.frombuffer(self._times, dtype=np.float64).copy()
        return EventLog(time, *(ints[:, k].copy() for k in range(N_INTS)))


class NullRecorder(Recorder):
    """Keeps stock levels, drops events: what ensembles need."""

    detailed: bool = False

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        pass

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        pass

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        pass

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        pass

    def passed(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        pass

    def route_decision(
        self, kind: int, time: float, holder: int, interceptor: int, n: int, route: int
    ) -> None:
        pass

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        pass

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        pass

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def paused(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def resumed(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        pass

    def doctrine(self, time: float, site: int, shots: int) -> None:
        pass

    def event_log(self) -> EventLog | None:
        return None

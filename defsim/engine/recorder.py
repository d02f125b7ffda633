"""The recorder: one typed method per event kind, and the stock levels after every change.

Sites, routes and stores report what happens through these methods and nothing else.  The
recorder writes columnar data cheaply during the run (a kind code per event and the event's
fields appended to one flat list) and builds the named numpy columns of an
:class:`~defsim.engine.records.EventLog` once, at the end.  A :class:`NullRecorder` keeps the
stock levels (the stock series and every summary figure need them) and drops the events, for
ensembles.
"""

from __future__ import annotations

from array import array
from typing import Final

import numpy as np

from .records import EVENT_COLUMNS, EventKind, EventLog, StockLog

_ARRIVAL: Final = 0
_SHOT: Final = 1
_KILL: Final = 2
_LEAK: Final = 3
_DELIVERY: Final = 4
_RELOAD: Final = 5
_PRODUCED: Final = 6
_SHIPPED: Final = 7
_LOST: Final = 8

#: the columns each kind writes after its time, in the order its method appends them
LAYOUT: dict[EventKind, tuple[str, ...]] = {
    EventKind.ARRIVAL: ("holder", "threat_id", "threat"),
    EventKind.SHOT: ("holder", "threat_id", "threat", "interceptor", "n"),
    EventKind.KILL: ("holder", "threat_id", "threat"),
    EventKind.LEAK: ("holder", "threat_id", "threat", "reason"),
    EventKind.DELIVERY: ("holder", "interceptor", "n", "route"),
    EventKind.RELOAD: ("holder", "interceptor", "n"),
    EventKind.PRODUCED: ("holder", "interceptor", "n"),
    EventKind.SHIPPED: ("holder", "interceptor", "n", "route"),
    EventKind.LOST: ("holder", "interceptor", "n", "route"),
}
assert all(int(k) == code for code, k in enumerate(LAYOUT))


class Recorder:
    """Records every event and every stock level change of one run."""

    #: whether event methods record anything (the hot path skips calling them when not)
    detailed: bool = True

    def __init__(self) -> None:
        self._kinds = array("b")
        self._fields: list[float] = []
        self._levels: list[float] = []
        # bound once: each event costs one append and one extend
        self._kind = self._kinds.append
        self._put = self._fields.extend
        self._level = self._levels.extend

    # --- threats --------------------------------------------------------------------------

    def arrival(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._kind(_ARRIVAL)
        self._put((time, site, threat_id, threat))

    def shot(self, time: float, site: int, threat_id: int, threat: int, interceptor: int, n: int) -> None:
        self._kind(_SHOT)
        self._put((time, site, threat_id, threat, interceptor, n))

    def kill(self, time: float, site: int, threat_id: int, threat: int) -> None:
        self._kind(_KILL)
        self._put((time, site, threat_id, threat))

    def leak(self, time: float, site: int, threat_id: int, threat: int, reason: int) -> None:
        self._kind(_LEAK)
        self._put((time, site, threat_id, threat, reason))

    # --- rounds ---------------------------------------------------------------------------

    def delivery(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_DELIVERY)
        self._put((time, holder, interceptor, n, route))

    def reload(self, time: float, site: int, interceptor: int, n: int) -> None:
        self._kind(_RELOAD)
        self._put((time, site, interceptor, n))

    def produced(self, time: float, holder: int, interceptor: int, n: int) -> None:
        self._kind(_PRODUCED)
        self._put((time, holder, interceptor, n))

    def shipped(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_SHIPPED)
        self._put((time, holder, interceptor, n, route))

    def lost(self, time: float, holder: int, interceptor: int, n: int, route: int) -> None:
        self._kind(_LOST)
        self._put((time, holder, interceptor, n, route))

    def stock(self, time: float, series: int, level: int, ready: int) -> None:
        """Series ``series`` holds ``level`` rounds from ``time`` on, ``ready`` of them on launchers."""
        self._level((time, series, level, ready))

    # --- the columns, built once ----------------------------------------------------------

    def stock_log(self) -> StockLog:
        flat = np.fromiter(self._levels, np.float64, len(self._levels)).reshape(-1, 4)
        ints = flat[:, 1:].astype(np.int64)
        return StockLog(flat[:, 0].copy(), ints[:, 0].copy(), ints[:, 1].copy(), ints[:, 2].copy())

    def event_log(self) -> EventLog | None:
        kinds = np.frombuffer(self._kinds, dtype=np.int8).astype(np.int64)
        flat = np.fromiter(self._fields, np.float64, len(self._fields))
        width = np.array([1 + len(LAYOUT[k]) for k in EventKind], dtype=np.int64)[kinds]
        start = np.cumsum(width) - width  # where each event's fields begin in the flat list
        n = len(kinds)
        cols = {c: np.full(n, -1, dtype=np.int64) for c in EVENT_COLUMNS[2:]}
        cols["n"][:] = 1  # threat events concern one threat
        for kind, fields in LAYOUT.items():
            rows = np.flatnonzero(kinds == kind)
            if len(rows) == 0:
                continue
            at = start[rows]
            for j, name in enumerate(fields, 1):
                cols[name][rows] = flat[at + j]
        return EventLog(time=flat[start], kind=kinds, **cols)


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

    def event_log(self) -> EventLog | None:
        return None
